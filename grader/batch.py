#!/usr/bin/env python3
"""
grader/batch.py - grade a directory of submissions into one CSV.

    grader/batch.py --lab N [--ref SPEC] [--emu both] [--hidden DIR]
                    [--csv build/batch/grades.csv] [--build-user student]
                 [--deadline SECONDS] [--jobs J] SUBMISSIONS_DIR

Each entry of SUBMISSIONS_DIR (a directory, .tar, .tar.gz, .tgz or .zip;
its name is the student's id) is graded in a scratch copy of this tree:
the submission's lab*-*/ directories over the pristine tree, every
tests/ and the grader restored (submission.py).  The CSV has one row per
submission: id, score, max_score, one column per lab, passed, failed,
answered (questions answered in answers-labN.md, e.g. 7/8: they are graded
by hand), status, and the path of its results.json (kept under
build/batch/ID/, with the run logs in ID/logs/).  `make handin LAB=N`
makes such a submission.  Run it as root: each build and its emulators
then run as the unprivileged --build-user, which can read the scratch
tree but not the hidden tests or results (grader/README.md).
"""

import argparse
import csv
import os
import shutil
import sys
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
    ap.add_argument("--build-user", default="student",
                    help="(as root) build and run each submission as this user")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--deadline", type=float, default=0,
                    help="seconds per submission (0: none), as on Gradescope")
    ap.add_argument("--tests", default=None, help="only tests matching this pattern")
    a = ap.parse_args()
    user = submission.unprivileged_user(a.build_user)
    if os.geteuid() == 0 and user is None:
        sys.exit("batch: running as root but there is no user %r to build as: create it "
                 "(useradd %s) or give --build-user" % (a.build_user, a.build_user))
    if os.path.isdir(os.path.join(ROOT, "solutions")) and \
            submission.can_read_as(user, os.path.join(ROOT, "solutions")):
        print("batch: warning: %s can read %s/solutions: a submission could #include it "
              "by its absolute path; run as root with a build user that cannot (chmod o-rx)"
              % (user or "the build", ROOT))
    entries = sorted(e for e in os.listdir(a.submissions) if not e.startswith("."))
    outdir = os.path.dirname(os.path.abspath(a.csv))
    os.makedirs(outdir, exist_ok=True)
    hidden = os.path.abspath(a.hidden) if a.hidden else None
    if hidden and submission.can_read_as(user, hidden):
        print("batch: warning: %s can read the hidden tests in %s: chmod 700 it"
              % (user or "the build", hidden))
    labs = list(range(1, a.lab + 1))
    rows = []
    for e in entries:
        sid = e
        for ext in (".tar.gz", ".tgz", ".tar", ".zip"):   # jane.doe.tgz -> jane.doe
            if sid.endswith(ext):
                sid = sid[:-len(ext)]
                break
        t0 = time.monotonic()
        scratch = submission.scratch_dir("parakeet-batch-")
        results = os.path.join(outdir, sid, "results.json")
        status = "ok"
        try:
            sub = submission.unpack(os.path.join(a.submissions, e), os.path.join(scratch, "sub"))
            tree = os.path.join(scratch, "tree")
            submission.copy_pristine(ROOT, tree, a.ref)
            taken = submission.prepare_tree(tree, sub)
            submission.open_tree(tree, user)
            if not taken:
                status = "no lab directories"
            gout = os.path.join(scratch, "grade")
            doc = submission.build_and_grade(tree, a.lab, a.ref, a.emu, gout, results,
                                             hidden=hidden, timeout_scale=a.timeout_scale,
                                             user=user, deadline=a.deadline, jobs=a.jobs,
                                             tests_pattern=a.tests, sub=sub)
            if doc.get("output", "").startswith("The build failed"):
                status = "build failed"
            elif any(t.get("extra_data", {}).get("runs", {}).get(k) == "NOTRUN"
                     for t in doc.get("tests", []) for k in ("qemu", "bochs")):
                status = "deadline passed"
            logs = os.path.join(outdir, sid, "logs")
            shutil.rmtree(logs, ignore_errors=True)
            if os.path.isdir(gout):
                os.makedirs(logs)
                for n in os.listdir(gout):
                    if n.endswith((".log", ".txt")):
                        shutil.copy(os.path.join(gout, n), logs)
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
