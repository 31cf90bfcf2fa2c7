#!/usr/bin/env python3
"""
grader/grade.py - grade one build against the tests of labs 1..N.

    python3 grader/grade.py --lab N --build BUILDDIR [--emu qemu|bochs|both]
        [--tests PATTERN] [--jobs J] [--hidden DIR] [--timeout-scale X]
        [--out build/grade] [--make-args "LAB=1 REF=all"] [--expect skeleton]
        [--only-lab N] [--max-output BYTES] [--deadline S] [--run-as USER]

Each (test, emulator) pair is one run: one emulator started once, in its
own process group, watched until it ends or is stopped (process.py),
judged (checks.py) and logged (runtest.py).  Tests that would boot the
identical machine (same kernel, guests, arguments, memory, timeout) share
one boot per emulator and are each judged on its output.  Runs go in
parallel on a thread pool.  The output directory is emptied of an earlier
grade's logs and results first, so every log in it describes this build.
The report (report.py) ends with `N passed, N failed`; the exit status is
0 only when nothing failed.  results.json is rewritten after every run
(partial results), and --deadline bounds the whole grade.
grader/README.md has the rest.
"""

import argparse
import concurrent.futures as cf
import fnmatch
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks   # noqa: E402
import emulators  # noqa: E402
import process  # noqa: E402
import replay   # noqa: E402
import report   # noqa: E402
import runtest  # noqa: E402
import spec     # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Grade a Parakeet build on QEMU and/or Bochs.")
    ap.add_argument("--lab", type=int, required=True, help="run the tests of labs 1..N")
    ap.add_argument("--build", required=True, help="the build directory (hv.elf, guests/)")
    ap.add_argument("--emu", choices=["qemu", "bochs", "both", "one"], default="both",
                    help="one: each test once, on QEMU unless it runs on Bochs only "
                    "(make test's skeleton grades)")
    ap.add_argument("--tests", default=None,
                    help="fnmatch pattern on labL/name or name, e.g. 'lab1/*' or hello")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--hidden", default=None, help="extra directory of *.ini tests (lab = N each)")
    ap.add_argument("--timeout-scale", type=float, default=1.0)
    ap.add_argument("--out", default="build/grade", help="results.json, junit.xml, logs")
    ap.add_argument("--make-args", default=None,
                    help='how the build was made, for the rerun commands, e.g. "LAB=1 REF=all"')
    ap.add_argument("--expect", choices=["pass", "skeleton"], default="pass",
                    help="skeleton: every test must FAIL naming an unfinished exercise")
    ap.add_argument("--only-lab", type=int, default=None,
                    help="only this lab's tests (e.g. a skeleton check of lab N)")
    ap.add_argument("--max-output", type=int, default=process.DEFAULT_MAX_OUTPUT,
                    help="bytes per channel before a run is stopped as a FLOOD")
    ap.add_argument("--deadline", type=float, default=0,
                    help="seconds for the whole grade (0: none); runs not finished by then "
                         "are reported as not run")
    ap.add_argument("--no-record", action="store_true",
                    help="do not run failing QEMU tests again in record mode after the grade "
                         "(make qemu-replay; grader/replay.py)")
    ap.add_argument("--run-as", default=None,
                    help="(as root) start the emulators as this unprivileged user")
    ap.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)  # tree holding lab*/
    ap.add_argument("--tests-file", action="append", default=[], help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def select(tests, pattern):
    if not pattern:
        return tests
    return [t for t in tests if fnmatch.fnmatchcase(t.id, pattern)
            or fnmatch.fnmatchcase(t.name, pattern)]


def not_run(test, emu: str, deadline: float, seconds: float = 0.0, log: str = ""):
    """The record of a run the overall --deadline left out or cut off."""
    v = checks.Verdict("NOTRUN", "not run: the grade's overall deadline of %.0f s passed "
                       "first" % deadline)
    return runtest.RunRecord(test, emu, v, seconds, log)


def fresh_out(out: str) -> int:
    """Remove what an earlier grade left in out - every run's log and work
    directory, results.json, junit.xml - so that after this grade each log
    there describes this build (a log of a test not rerun this time would
    describe an older one).  Other files are left alone.  Returns how many
    were removed."""
    n = 0
    if not os.path.isdir(out):
        return 0
    for name in os.listdir(out):
        p = os.path.join(out, name)
        if name == "work" and os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
            n += 1
        elif (name.endswith(".log") or name in ("results.json", "junit.xml")) \
                and os.path.isfile(p):
            os.unlink(p)
            n += 1
    return n


def main(argv=None) -> int:
    a = parse_args(argv)
    t0 = time.monotonic()
    make_args = a.make_args if a.make_args is not None else "LAB=%d" % a.lab
    try:
        if a.tests_file:   # the self-test: specs from given files, lab from each section
            tests = []
            for f in a.tests_file:
                tests += spec.read_file(f, a.lab)
        else:
            tests = spec.load(a.root, a.lab, a.hidden, a.only_lab)
    except spec.SpecError as e:
        print("grade: error in a test spec: %s" % e, file=sys.stderr)
        return 2
    tests = [t for t in select(tests, a.tests) if not t.demo]
    if not tests:
        print("grade: no tests match (lab %d%s)" % (a.lab, ", --tests %s" % a.tests
                                                   if a.tests else ""), file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    if not os.path.isdir(a.build):
        print("grade: build directory %s does not exist: run `make build %s` first"
              % (a.build, make_args), file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    for k in sorted({t.kernel for t in tests}):
        if not os.path.isfile(os.path.join(a.build, k)):
            print("grade: %s does not exist: did `make build %s` fail? Every test will "
                  "report ERROR." % (os.path.join(a.build, k), make_args), file=sys.stderr)
    fresh_out(a.out)
    wanted = ["qemu", "bochs"] if a.emu in ("both", "one") else [a.emu]
    expect_skel = a.expect == "skeleton"
    if a.run_as:
        process.RUN_AS = a.run_as
        emulators.GRUB_CACHE = os.path.abspath(os.path.join(a.out, "grub-cache"))

    results, jobs = [], []
    for t in tests:
        tr = report.TestResult(t, expect_skeleton=expect_skel)
        results.append(tr)
        why = spec.retired(t, a.lab)
        if why:   # until_lab: listed, never run, out of the score
            tr.skipped.append(why)
            tr.retired = True
            continue
        # --emu one: QEMU is the quicker, so a test runs there unless its
        # spec says only Bochs can tell.
        mine = wanted if a.emu != "one" else \
            ["qemu" if "qemu" in t.emulators else t.emulators[0]]
        for emu in mine:
            if emu in t.emulators:
                jobs.append((tr, emu))
                tr.wanted += 1
            else:
                tr.skipped.append("not run on %s: %s" % (emu, t.emulators_reason))
        # A test none of whose emulators is wanted has no runs: it is listed
        # as skipped and stays out of the score.
    # Bochs runs are the long ones: start them first so the pool finishes sooner.
    jobs.sort(key=lambda j: (j[1] != "bochs", -j[0].test.timeout))

    print("grading %s (%s) on %s: %d runs of %d tests (%d boots), %d at a time%s" % (
        a.build, make_args,
        "QEMU (Bochs for Bochs-only tests)" if a.emu == "one" else " and ".join(wanted),
        len(jobs), len(tests),
        len(runtest.group_runs([(tr.test, emu) for tr, emu in jobs])), a.jobs,
        " - expecting skeleton failures" if expect_skel else ""))
    sys.stdout.flush()

    # Ctrl-C and SIGTERM: kill every emulator, then leave.
    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    results_path = os.path.join(a.out, "results.json")
    # One boot per distinct machine: tests with identical guests and options
    # share a run and are each judged on its output (runtest.boot_key).
    by_test = {id(tr.test): tr for tr, _ in jobs}
    boots = runtest.group_runs([(tr.test, emu) for tr, emu in jobs])
    pool = cf.ThreadPoolExecutor(max_workers=max(1, a.jobs))
    late = False
    partial_written = 0.0       # when results.json last had the runs so far
    try:
        futs = {pool.submit(runtest.run_shared, ts, emu, a.build, a.out, a.timeout_scale,
                            a.max_output): emu for ts, emu in boots}
        futs_tests = {f: ts for f, (ts, _) in zip(futs, boots)}   # the tests of each boot
        pending = set(futs)
        while pending:
            done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            for f in done:
                emu = futs[f]
                for rec in f.result():
                    if late:   # stopped by the overall deadline, not by its own
                        rec = not_run(rec.test, emu, a.deadline, rec.seconds, rec.log)
                    by_test[id(rec.test)].runs[emu] = rec
                    print(report.run_line(rec, expect_skel))
                sys.stdout.flush()
            # Partial results: whatever happens next, these stand.  At most
            # one write a second (the first run's at once): a QEMU run takes
            # a tenth of that, and rewriting the whole file after every one
            # took a tenth of a lab-3 grade's CPU, beside its emulators.  A
            # grade killed mid-way loses at most the last second's runs.
            if done and time.monotonic() - partial_written >= 1.0:
                report.results_json(results, make_args, time.monotonic() - t0, results_path,
                                    expect_skel, partial=True)
                partial_written = time.monotonic()
            if a.deadline and not late and time.monotonic() - t0 > a.deadline:
                late = True
                for f in pending:
                    if f.cancel():
                        emu = futs[f]
                        for t in futs_tests[f]:
                            by_test[id(t)].runs[emu] = not_run(t, emu, a.deadline)
                            print(report.run_line(by_test[id(t)].runs[emu], expect_skel))
                pending = {f for f in pending if not f.cancelled()}
                process.kill_all()
    except KeyboardInterrupt:
        for f in futs:
            f.cancel()
        process.kill_all()
        pool.shutdown(wait=True, cancel_futures=True) if sys.version_info >= (3, 9) \
            else pool.shutdown(wait=True)
        process.kill_all()
        print("\ngrade: interrupted; every emulator was stopped.", file=sys.stderr)
        return 130
    finally:
        process.kill_all()
    pool.shutdown(wait=True)

    # Issue 19: each failing QEMU run, recorded after the fact so that it can
    # be replayed backwards in GDB.  Nothing is recorded while grading, so a
    # grade where everything passes is no slower.  Not for a skeleton check
    # (every test fails by design) nor as root for another user.
    failing = [rec for tr in results for rec in tr.runs.values()
               if rec.emulator == "qemu" and not tr.run_passed(rec)]
    if failing and not (a.no_record or expect_skel or a.run_as or late):
        print("recording %d failing QEMU run%s again for make qemu-replay ..."
              % (len(failing), "" if len(failing) == 1 else "s"))
        sys.stdout.flush()
        process.allow_again()    # the runs' end stopped new starts (kill_all)
        try:
            replay.record_failures(failing, a.build, make_args, a.timeout_scale,
                                   a.hidden, a.jobs)
        except KeyboardInterrupt:
            process.kill_all()
            print("\ngrade: interrupted; every emulator was stopped.", file=sys.stderr)
            return 130
        finally:
            process.kill_all()

    elapsed = time.monotonic() - t0
    report.results_json(results, make_args, elapsed, results_path, expect_skel)
    report.junit_xml(results, make_args, os.path.join(a.out, "junit.xml"))
    print("(logs, results.json and junit.xml are in %s)" % report.nice_path(a.out))
    nfailed = report.summary(results, make_args, elapsed, sys.stdout, expect_skel)
    return 1 if nfailed else 0


if __name__ == "__main__":
    sys.exit(main())
