#!/usr/bin/env python3
"""
grader/autograde.py - what Gradescope's run_autograder does.

Inside the autograder image (see gradescope.py):
  /autograder/source/tree/            the pristine course tree (grader, tests, Makefile)
  /autograder/source/autograder.json  {"lab": N, "ref": "", "emu": "both", ...}
  /autograder/submission/             the student's upload
  /autograder/results/results.json    what we must write, always

Steps: copy the pristine tree to a scratch directory, put the student's
lab*-*/ directories over it (tests/ restored from the pristine tree, see
submission.py), build and grade as the unprivileged user `student`
(created by setup.sh) when we are root, and write results.json -- with the
compiler's errors when the build fails.
"""

import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import submission  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default="/autograder/source")
    ap.add_argument("--submission", default="/autograder/submission")
    ap.add_argument("--results", default="/autograder/results/results.json")
    ap.add_argument("--work", default="/autograder/work")
    a = ap.parse_args()
    t0 = time.monotonic()
    try:
        with open(os.path.join(a.source, "autograder.json")) as f:
            cfg = json.load(f)
        tree = os.path.join(a.work, "tree")
        if os.path.exists(tree):
            shutil.rmtree(tree)
        submission.copy_pristine(os.path.join(a.source, "tree"), tree)
        sub = submission.unpack_single_archive(a.submission, os.path.join(a.work, "upload"))
        taken = submission.prepare_tree(tree, sub)
        print("autograde: lab %d; took from the submission: %s"
              % (cfg["lab"], ", ".join(taken) or "nothing (no lab*-*/ directory found!)"))
        hidden = os.path.join(tree, "hidden") if os.path.isdir(os.path.join(tree, "hidden")) \
            else None
        doc = submission.build_and_grade(
            tree, int(cfg["lab"]), cfg.get("ref", ""), cfg.get("emu", "both"),
            "build/grade", a.results, hidden=hidden,
            timeout_scale=float(cfg.get("timeout_scale", 2.0)),
            user=submission.unprivileged_user(), sub=sub)
        if not taken:
            doc["output"] = ("No lab directory (lab1-boot/, ...) was found in your "
                             "submission: upload the lab directories themselves.\n\n"
                             + doc.get("output", ""))
            with open(a.results, "w") as f:
                json.dump(doc, f, indent=2)
        print("autograde: score %s/%s in %.0f s" % (doc.get("score"), doc.get("max_score"),
                                                    time.monotonic() - t0))
    except Exception as e:   # never leave Gradescope without a results.json
        os.makedirs(os.path.dirname(a.results), exist_ok=True)
        with open(a.results, "w") as f:
            json.dump({"score": 0, "execution_time": round(time.monotonic() - t0, 1),
                       "output": "The autograder itself failed: %r. Please tell the "
                                 "course staff." % e, "tests": []}, f, indent=2)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
