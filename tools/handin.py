#!/usr/bin/env python3
"""
tools/handin.py - make a lab's submission archive (make handin LAB=N).

    python3 tools/handin.py --lab N [--out handin-labN.zip]

The archive is what grader/batch.py and the Gradescope autograder take: the
lab directories of labs 1..N (your exercise files and whatever else you
changed there; tests/ and build outputs are left out, the grader uses its
own tests) and your answers-labN.md, the lab's questions (answers-lab1.md
.. for the earlier labs too, when present).  A zip, because Gradescope
unpacks a zip upload itself.

It warns, without refusing, about what a grader would notice: an exercise
whose `LAB N: your code here` stub is still in place, a missing answers
file, questions left unanswered.  It does not grade: run `make grade
LAB=N` for that.
"""

import argparse
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grader"))

import submission  # noqa: E402

SKIP_DIRS = {"tests", "build", ".git", "__pycache__"}
SKIP_FILES = re.compile(r"(\.o|\.d|\.pyc|~|\.swp|\.orig|\.rej)$")
STUB_RE = re.compile(r"LAB (\d+): your code here \(exercise (\d+): ([^)]*)\)")


def lab_dirs(lab: int):
    out = []
    for d in sorted(os.listdir(ROOT)):
        m = re.match(r"^lab(\d+)-[\w.-]+$", d)
        if m and int(m.group(1)) <= lab and os.path.isdir(os.path.join(ROOT, d)):
            out.append((int(m.group(1)), d))
    return sorted(out)


def files_of(d: str):
    for root, dirs, files in os.walk(os.path.join(ROOT, d)):
        rel = os.path.relpath(root, ROOT)
        dirs[:] = sorted(x for x in dirs if not (x in SKIP_DIRS and root == os.path.join(ROOT, d))
                         and x not in (".git", "__pycache__", "build")
                         and not os.path.islink(os.path.join(root, x)))
        for f in sorted(files):
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p) and not SKIP_FILES.search(f):
                yield os.path.join(rel, f)


def main() -> int:
    ap = argparse.ArgumentParser(description="Make a lab's submission archive.")
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--out", default=None, help="default: handin-labN.zip at the top of the tree")
    a = ap.parse_args()
    labs = lab_dirs(a.lab)
    if not labs or labs[-1][0] != a.lab:
        print("handin: no directory lab%d-* here" % a.lab, file=sys.stderr)
        return 2
    out = a.out or os.path.join(ROOT, "handin-lab%d.zip" % a.lab)

    names, stubs = [], []
    for n, d in labs:
        for rel in files_of(d):
            names.append(rel)
            if rel.endswith((".c", ".S", ".h")):
                with open(os.path.join(ROOT, rel), errors="replace") as f:
                    for m in STUB_RE.finditer(f.read()):
                        stubs.append("%s (lab %s exercise %s: %s)"
                                     % (rel, m.group(1), m.group(2), m.group(3)))
    answers = submission.answers_name(a.lab)
    for n in range(1, a.lab + 1):
        if os.path.isfile(os.path.join(ROOT, submission.answers_name(n))):
            names.append(submission.answers_name(n))

    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in names:
            z.write(os.path.join(ROOT, rel), rel)
    os.replace(tmp, out)
    print("handin: wrote %s: %s%s (%d files)" % (
        os.path.relpath(out), ", ".join(d + "/" for _, d in labs),
        (" and " + answers) if answers in names else "", len(names)))

    # What a grader would notice.
    for s in sorted(set(stubs)):
        print("handin: warning: a stub is still in place: %s" % s)
    if answers not in names:
        print("handin: warning: no %s: the lab's questions (handout section 8) go there; "
              "a copy with one heading per question comes with the lab" % answers)
    else:
        with open(os.path.join(ROOT, answers), errors="replace") as f:
            got = submission.parse_answers(f.read())
        empty = [q for q, (_, text) in sorted(got.items()) if not text]
        print("handin: %s: %d of %d questions answered%s" % (
            answers, len(got) - len(empty), len(got),
            "; unanswered: " + " ".join(map(str, empty)) if empty else ""))
    print("handin: upload %s (Gradescope), or hand it in as your course says"
          % os.path.basename(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
