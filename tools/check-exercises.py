#!/usr/bin/env python3
"""
tools/check-exercises.py - prove that every test names the right exercises.

Each test in labN-*/tests/tests.ini says which of its lab's exercises it
depends on (`exercises = 1 2 4`).  Students read that list when a test
fails, and the grader prints it, so it must be true.  This check makes it
so, one exercise at a time:

  for every exercise E of lab L (a `//@ begin labL exE` region in
  solutions/):
    build lab L from the solutions with only exercise E left undone
    (`tools/skeleton.py partial` writes that file under SKEL_DIR; the
    Makefile compiles it instead of the solution);
    run every test of labs 1..L, then require:
      - a test of an earlier lab passes (an unfinished exercise never
        breaks what the student finished before);
      - a lab L test that lists E fails, and its output names exercise E
        (`todo: LAB L exercise E ...`);
      - a lab L test that does not list E passes.

Runs on QEMU (Bochs for the tests that run only there), so it can vouch
for a list only if a stub behaves alike on both emulators: a stub that is
right by accident on QEMU hides every test that needs the exercise.
(Lab 5's skeleton guessed a 1 GHz TSC - QEMU's exactly, Bochs's 50 times
over - and nine tests that need exercise 1 did not list it; its guess is
now wrong on both.)  Prints one line per exercise and a closing `N passed,
N failed` (one check per exercise).
Usage: tools/check-exercises.py [--jobs N] [--subset K/M] [LAB:EX ...]   e.g. 2:3
  --subset K/M: only the exercises numbered i (in lab order) with
  i % M == K - make test's rotating third (`make check-exercises` and a
  run with no option check every exercise).
"""

import argparse
import concurrent.futures as cf
import os
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grader"))
sys.path.insert(0, os.path.join(ROOT, "tools"))  # skeleton.py: its markers, not a copy

import checks   # noqa: E402
import runtest  # noqa: E402
import spec     # noqa: E402
import skeleton  # noqa: E402
import variant_build  # noqa: E402


def exercises():
    """[(lab, ex, title, [lab-relative exercise files holding it])], in order."""
    found = {}
    for sol, rel in skeleton.solution_files():
        with open(os.path.join(ROOT, sol), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        for m in filter(None, map(skeleton.BEGIN.match, lines)):
            _, lab, ex, title = m.groups()
            files = found.setdefault((int(lab), int(ex)), (title, []))[1]
            if rel not in files:
                files.append(rel)
    return [(lab, ex, title, files) for (lab, ex), (title, files) in sorted(found.items())]


SKEL_DIR = "build/check-exercises/src"


def build(lab, ex, files, build_dir, jobs):
    """Build lab `lab` from the solutions with exercise `ex` undone."""
    shutil.rmtree(os.path.join(ROOT, SKEL_DIR), ignore_errors=True)
    for rel in files:
        try:
            skeleton.partial(os.path.join(ROOT, "solutions", rel), [ex],
                             os.path.join(ROOT, SKEL_DIR, rel))
        except (skeleton.MarkerError, OSError) as e:
            return False, str(e)
    # One build directory per lab: only the partial file recompiles.
    return variant_build.build(lab, SKEL_DIR, build_dir, jobs)


def expectation(test, lab, ex):
    """'pass', or the exercise the test must fail naming."""
    if test.lab < lab or str(ex) not in test.exercises:
        return "pass"
    return ex


def judge(rec, want, lab):
    """None when the run met the expectation, else why not."""
    v = rec.verdict
    if want == "pass":
        if v.ok:
            return None
        return "expected to pass, got %s: %s%s" % (
            v.kind, v.reason, " (names %s)" % v.todos[0] if v.todos else "")
    if v.ok:
        return "lists exercise %d but passed without it" % want
    named = {(int(m.group(1)), int(m.group(2))) for t in v.todos for m in [checks.EXERCISE_RE.search(t)] if m}
    if (lab, want) in named:
        return None
    return "expected to fail naming LAB %d exercise %d; got %s: %s%s" % (
        lab, want, v.kind, v.reason,
        (" (names " + "; ".join(v.todos) + ")") if v.todos else " (names no exercise)")


def check_exercise(lab, ex, files, jobs, outroot):
    build_dir = "build/check-exercises/lab%d" % lab
    ok, out = build(lab, ex, files, build_dir, jobs)
    if not ok:
        return ["build failed with lab %d exercise %d undone:\n%s" % (lab, ex, out[-2000:])], 0
    tests = [t for t in spec.load(ROOT, lab) if not t.demo and not spec.retired(t, lab)]
    outdir = os.path.join(ROOT, outroot, "lab%d-ex%d" % (lab, ex))
    runs = [(t, "qemu" if "qemu" in t.emulators else t.emulators[0]) for t in tests]
    problems = []
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        # Tests that boot the identical machine share one run (as in grade.py).
        futs = [pool.submit(runtest.run_shared, ts, emu, os.path.join(ROOT, build_dir), outdir)
                for ts, emu in runtest.group_runs(runs)]
        for f in cf.as_completed(futs):
            for rec in f.result():
                t, emu = rec.test, rec.emulator
                why = judge(rec, expectation(t, lab, ex), lab)
                if why:
                    problems.append("%s on %s: %s (log: %s)"
                                    % (t.id, emu, why, os.path.relpath(rec.log, ROOT)))
    return sorted(problems), len(runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", default="build/check-exercises/logs")
    ap.add_argument("--subset", default=None,
                    help="K/M: only exercise number i (in lab order) with i %% M == K")
    ap.add_argument("which", nargs="*", help="LAB:EX, e.g. 2:3 (default: every exercise)")
    a = ap.parse_args()
    todo = exercises()
    if a.which:
        want = set(a.which)
        todo = [e for e in todo if "%d:%d" % (e[0], e[1]) in want]
        if len(todo) != len(want):
            print("check-exercises: unknown exercise in %s" % " ".join(a.which), file=sys.stderr)
            return 2
    if a.subset:
        k, _, m = a.subset.partition("/")
        todo = [e for i, e in enumerate(todo) if i % int(m) == int(k) % int(m)]
        print("check-exercises: subset %s: %s" % (a.subset, " ".join(
            "%d:%d" % (e[0], e[1]) for e in todo)))
    t0 = time.monotonic()
    npass = nfail = 0
    for lab, ex, title, files in todo:
        t1 = time.monotonic()
        problems, nruns = check_exercise(lab, ex, files, a.jobs, a.out)
        what = "lab %d exercise %d (%s)" % (lab, ex, title)
        if problems:
            nfail += 1
            print("FAIL  %-44s %d problem(s)" % (what, len(problems)))
            for p in problems:
                print("        " + p)
        else:
            npass += 1
            print("ok    %-44s %d runs as expected (%.1f s)" % (what, nruns, time.monotonic() - t1))
        sys.stdout.flush()
    shutil.rmtree(os.path.join(ROOT, SKEL_DIR), ignore_errors=True)
    print("check-exercises: wall time %.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
