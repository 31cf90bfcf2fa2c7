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
submission.py), build as the unprivileged user `student` (created by
setup.sh), grade with our own code as root (the emulators again as
`student`), and write results.json -- partial ones as tests finish, the
compiler's errors when the build fails, and "not run" for tests the
overall deadline (autograder.json "deadline", default 420 s) left out.
Hidden tests are in /autograder/source/hidden/, outside the tree and
readable only by root.
"""

import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import submission  # noqa: E402


DEFAULT_DEADLINE = 420   # s; Gradescope stops a submission at 10 minutes by default


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default="/autograder/source")
    ap.add_argument("--submission", default="/autograder/submission")
    ap.add_argument("--results", default="/autograder/results/results.json")
    ap.add_argument("--work", default="/autograder/work")
    ap.add_argument("--build-user", default="student")
    a = ap.parse_args()
    t0 = time.monotonic()
    try:
        with open(os.path.join(a.source, "autograder.json")) as f:
            cfg = json.load(f)
        # Hidden tests live next to the tree, never in it, and only we read them.
        hidden = os.path.join(a.source, "hidden")
        if os.path.isdir(hidden):
            os.chmod(hidden, 0o700)
        else:
            hidden = None
        user = submission.unprivileged_user(a.build_user)
        os.makedirs(a.work, exist_ok=True)
        os.chmod(a.work, 0o755)
        tree = os.path.join(a.work, "tree")
        gout = os.path.join(a.work, "grade")
        for d in (tree, gout):
            if os.path.exists(d):
                shutil.rmtree(d)
        submission.copy_pristine(os.path.join(a.source, "tree"), tree, cfg.get("ref", ""))
        sub = submission.unpack_single_archive(a.submission, os.path.join(a.work, "upload"))
        taken = submission.prepare_tree(tree, sub)
        submission.open_tree(tree, user)
        print("autograde: lab %d; took from the submission: %s; building as %s"
              % (cfg["lab"], ", ".join(taken) or "nothing (no lab*-*/ directory found!)",
                 user or "ourselves"))
        sys.stdout.flush()
        import spec
        tests = spec.load(tree, int(cfg["lab"]), hidden)
        # Until the first test finishes, a results.json that says so: if
        # anything kills us, Gradescope still has something to show.
        submission.write_json(a.results, {"score": 0, "output": "The autograder was stopped "
                                          "before any test finished.", "tests": []})
        private = os.path.join(a.work, "results-all.json")

        def progress(doc):
            submission.write_json(a.results, submission.for_students(doc, tests))
        doc = submission.build_and_grade(
            tree, int(cfg["lab"]), cfg.get("ref", ""), cfg.get("emu", "both"),
            gout, private, hidden=hidden,
            timeout_scale=float(cfg.get("timeout_scale", 2.0)), user=user,
            deadline=float(cfg.get("deadline", DEFAULT_DEADLINE)) - (time.monotonic() - t0),
            jobs=cfg.get("jobs"), progress=progress, tests_pattern=cfg.get("tests"), sub=sub)
        if not taken:
            doc["output"] = ("No lab directory (lab1-boot/, ...) was found in your "
                             "submission: upload the lab directories themselves.\n\n"
                             + doc.get("output", ""))
        submission.write_json(a.results, submission.for_students(doc, tests))
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
