#!/usr/bin/env python3
"""
grader/batch.py - grade a directory of submissions into one CSV.

    grader/batch.py --lab N [--ref SPEC] [--emu both] [--hidden DIR]
                 [--csv build/batch/grades.csv] SUBMISSIONS_DIR

Each entry of SUBMISSIONS_DIR (a directory, .tar, .tar.gz, .tgz or .zip;
its name is the student's id) is graded in a scratch copy of this tree:
the submission's lab*-*/ directories over the pristine tree, every
tests/ and the grader restored (submission.py).  The CSV has one row per
submission: id, score, max_score, one column per lab, passed, failed,
answered (questions answered in answers-labN.md, e.g. 7/8: they are graded
by hand), status, and the path of its results.json (kept under
build/batch/ID/).  `make handin LAB=N` makes such a submission.
"""

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import submission  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    ap = argparse.ArgumentParser(description="Grade many submissions into one CSV.")
    ap.add_argument("submissions")
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--ref", default="")
    ap.add_argument("--emu", choices=["qemu", "bochs", "both"], default="both")
    ap.add_argument("--hidden", default=None)
    ap.add_argument("--timeout-scale", type=float, default=1.0)
    ap.add_argument("--csv", default=os.path.join("build", "batch", "grades.csv"))
    ap.add_argument("--keep", action="store_true", help="keep each scratch tree")
    a = ap.parse_args()
    entries = sorted(e for e in os.listdir(a.submissions) if not e.startswith("."))
    outdir = os.path.dirname(os.path.abspath(a.csv))
    os.makedirs(outdir, exist_ok=True)
    hidden = os.path.abspath(a.hidden) if a.hidden else None
    labs = list(range(1, a.lab + 1))
    rows = []
    for e in entries:
        sid = e
        for ext in (".tar.gz", ".tgz", ".tar", ".zip"):   # jane.doe.tgz -> jane.doe
            if sid.endswith(ext):
                sid = sid[:-len(ext)]
                break
        t0 = time.monotonic()
        scratch = tempfile.mkdtemp(prefix="parakeet-batch-")
        results = os.path.join(outdir, sid, "results.json")
        status = "ok"
        try:
            sub = submission.unpack(os.path.join(a.submissions, e), os.path.join(scratch, "sub"))
            tree = os.path.join(scratch, "tree")
            submission.copy_pristine(ROOT, tree)
            taken = submission.prepare_tree(tree, sub)
            if not taken:
                status = "no lab directories"
            doc = submission.build_and_grade(tree, a.lab, a.ref, a.emu, "build/grade", results,
                                             hidden=hidden, timeout_scale=a.timeout_scale,
                                             user=submission.unprivileged_user(), sub=sub)
            if doc.get("output", "").startswith("The build failed"):
                status = "build failed"
        except Exception as ex:     # one bad upload must not stop the batch
            doc, status = {"score": 0, "tests": []}, "error: %r" % ex
        finally:
            if a.keep:
                print("  scratch tree kept: %s" % scratch)
            else:
                shutil.rmtree(scratch, ignore_errors=True)
        per_lab = {n: 0 for n in labs}
        npass = nfail = 0
        questions = [t for t in doc.get("tests", []) if t.get("extra_data", {}).get("manual")]
        answered = "%d/%d" % (sum(1 for t in questions if t["extra_data"].get("answered")),
                              len(questions)) if questions else ""
        for t in doc.get("tests", []):
            if t.get("extra_data", {}).get("manual"):
                continue            # a question, graded by hand
            lab = t.get("extra_data", {}).get("lab")
            if lab in per_lab:
                per_lab[lab] += t.get("score", 0)
            if t.get("status") == "passed":
                npass += 1
            else:
                nfail += 1
        row = [sid, doc.get("score", 0), doc.get("max_score", "")] + \
            [per_lab[n] for n in labs] + [npass, nfail, answered, status, results]
        rows.append(row)
        print("%-24s %6s/%-6s %-16s %.0f s" % (sid, row[1], row[2], status,
                                               time.monotonic() - t0))
        sys.stdout.flush()
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "score", "max_score"] + ["lab%d" % n for n in labs]
                   + ["passed", "failed", "answered", "status", "results"])
        w.writerows(rows)
    print("batch: %d submissions graded into %s" % (len(rows), a.csv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
