#!/usr/bin/env python3
"""
tools/check-mutants.py - prove that every plausible wrong answer fails a test.

tools/check-exercises.py proves that an *unfinished* exercise fails the right
tests; this proves that a *wrong* one fails at all.  Each lab keeps a
catalogue of mutants - small, named, plausible wrong implementations of its
exercises - beside its solutions (not shipped: solutions/ is in
tools/dist-exclude):

    solutions/labN-*/mutants.ini

one section per mutant:

    [ex4-mfn-list-one-page]
    exercise = 4
    file = hv/domain_build.c
    belief = the mfn_list is one array, so one pointer to its first page will do
    find =
        for (unsigned long i = 0; i < nr_pages; i++)
            mfn_list[i] = ...;
    replace =
        ...the wrong code...
    emulators = bochs          (optional; default qemu)
    emulators_reason = ...     (required with emulators: why only Bochs can tell)
    expect = hello             (optional: the test tried first)

  - the section name is the mutant's name (unique within the lab);
  - `exercise` is the exercise number; the snippet must lie inside a
    `//@ begin labN exE` region of that exercise;
  - `file` is relative to the lab's solutions directory;
  - `find` must occur exactly once in the solution file, else the tool
    stops loudly (a stale mutant is a bug: fix its snippet).  Runs of
    white space match any white space (the .ini format strips leading
    indentation), everything else matches exactly;
  - `replace` replaces it (it may be empty: the snippet is deleted);
  - `belief` is one line: what a student would believe when writing it.
    A surviving mutant is reported with it;
  - a line starting with # or ; is a comment, also inside find/replace:
    snippets must not start a line with either (C preprocessor lines are
    not mutated).

For each mutant: the solution file with that one replacement is written
under SKEL_DIR (the Makefile compiles SKEL_DIR/<path> instead of
solutions/<path>, exactly as for tools/check-exercises.py), lab N is built
with REF=all, and lab N's tests run one at a time on QEMU (on Bochs for a
mutant marked `emulators = bochs`), the mutant's `expect` test first, then
the tests listing its exercise, until one fails: that test killed it.  A
mutant that fails to compile, or whose every run ends in ERROR, is a broken
mutant, not a killed one.  Nothing in the tree changes.

Prints a table `exercise | mutant | killed by`, then `N killed, N
survived`; exits non-zero when a mutant survives or is broken, naming it
and its belief.

Usage: tools/check-mutants.py [--jobs N] [--subset K/M] [--list] [LAB[:NAME] ...]
    LAB        every mutant of that lab (e.g. 1)
    LAB:NAME   one mutant (e.g. 1:ex4-mfn-list-one-page)
    --subset K/M   only mutants number i with i % M == K (make test's
                   rotating subset: tools/make-test picks K by the day)
    --list     print the catalogue (and check every snippet) without running
"""

import argparse
import concurrent.futures as cf
import configparser
import os
import re
import shutil
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grader"))
sys.path.insert(0, os.path.join(ROOT, "tools"))  # skeleton.py: its markers, not a copy

import process  # noqa: E402
import runtest  # noqa: E402
import spec     # noqa: E402
import skeleton  # noqa: E402
import variant_build  # noqa: E402


WORK = "build/check-mutants"
KEYS = {"exercise", "file", "find", "replace", "belief", "emulators", "emulators_reason", "expect"}


class CatalogueError(Exception):
    """A mutant that cannot be applied: names the catalogue and the section."""


class Mutant:
    def __init__(self, lab, labdir, name, sec, where):
        self.lab, self.labdir, self.name, self.where = lab, labdir, name, where
        unknown = set(sec) - KEYS
        if unknown:
            raise CatalogueError("%s: unknown key(s) %s (known: %s)"
                                 % (where, ", ".join(sorted(unknown)), ", ".join(sorted(KEYS))))
        for k in ("exercise", "file", "find", "belief"):
            if not sec.get(k, "").strip():
                raise CatalogueError("%s: `%s =` is missing or empty" % (where, k))
        if "replace" not in sec:
            raise CatalogueError("%s: `replace =` is missing (it may be empty)" % where)
        try:
            self.exercise = int(sec["exercise"])
        except ValueError:
            raise CatalogueError("%s: exercise = %r is not a number" % (where, sec["exercise"]))
        self.file = sec["file"].strip()
        self.find = sec["find"].strip()
        self.replace = sec["replace"].strip()
        self.belief = " ".join(sec["belief"].split())
        self.emulators = sec.get("emulators", "qemu").split()
        if not self.emulators or set(self.emulators) - {"qemu", "bochs"}:
            raise CatalogueError("%s: emulators = %r (qemu and/or bochs)" % (where, sec["emulators"]))
        if "bochs" in self.emulators and not sec.get("emulators_reason", "").strip():
            raise CatalogueError("%s: emulators = bochs needs emulators_reason = why only "
                                 "Bochs can tell" % where)
        self.expect = sec.get("expect", "").strip()

    @property
    def id(self):
        return "%d:%s" % (self.lab, self.name)

    @property
    def rel(self):
        """The exercise file's path as the Makefile names it (labN-x/hv/f.c)."""
        return os.path.join(self.labdir, self.file)

    def pattern(self):
        """The find snippet as a regex: white space runs match any white space."""
        return re.compile(r"\s+".join(re.escape(w) for w in self.find.split()))

    def apply(self):
        """The mutated solution text; CatalogueError unless the snippet is found
        exactly once, inside a region of the mutant's exercise."""
        path = os.path.join(ROOT, "solutions", self.rel)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise CatalogueError("%s: file = %s: %s" % (self.where, self.file, e))
        hits = list(self.pattern().finditer(text))
        if len(hits) != 1:
            raise CatalogueError(
                "%s: the `find` snippet occurs %d times in solutions/%s, expected exactly once "
                "(a stale mutant: update its snippet)%s" % (
                    self.where, len(hits), self.rel,
                    "" if hits else "; it starts: %r" % self.find.splitlines()[0]))
        m = hits[0]
        regions = exercise_regions(text, self.lab)
        inside = [r for r in regions if r[0] <= m.start() and m.end() <= r[1]]
        if not any(r[2] == self.exercise for r in inside):
            raise CatalogueError(
                "%s: the `find` snippet in solutions/%s is not inside a `//@ begin lab%d ex%d` "
                "region%s" % (self.where, self.rel, self.lab, self.exercise,
                              " (it is in exercise %d's)" % inside[0][2] if inside else ""))
        return text[:m.start()] + self.replace + text[m.end():]


def exercise_regions(text, lab):
    """[(start, end, exercise)] character spans of lab `lab`'s solution regions
    (from `//@ begin` to `//@ stub` or `//@ end`)."""
    out, start, ex, pos = [], None, None, 0
    for line in text.splitlines(keepends=True):
        b = skeleton.BEGIN.match(line)
        if b and int(b.group(2)) == lab:
            start, ex = pos + len(line), int(b.group(3))
        elif start is not None and (skeleton.STUB.match(line) or skeleton.END.match(line)):
            out.append((start, pos, ex))
            start = None
        pos += len(line)
    return out


def catalogue():
    """Every mutant of every lab, in file order; CatalogueError on a bad one."""
    mutants = []
    for n, d in spec.lab_dirs(ROOT):
        labdir = os.path.basename(d)
        path = os.path.join(ROOT, "solutions", labdir, "mutants.ini")
        if not os.path.isfile(path):
            continue
        cp = configparser.ConfigParser(interpolation=None, comment_prefixes=("#", ";"),
                                       inline_comment_prefixes=None,
                                       empty_lines_in_values=True, strict=True)
        try:
            with open(path, encoding="utf-8") as f:
                cp.read_file(f)
        except configparser.Error as e:
            raise CatalogueError("%s: %s" % (os.path.relpath(path, ROOT), e))
        for name in cp.sections():
            where = "%s [%s]" % (os.path.relpath(path, ROOT), name)
            mutants.append(Mutant(n, labdir, name, cp[name], where))
    return mutants


class Outcome:
    def __init__(self, mutant):
        self.mutant = mutant
        self.killer = None        # "labN/test (emu)"
        self.reason = ""
        self.broken = ""          # why the mutant could not be judged
        self.runs = 0
        self.seconds = 0.0
        self.log = ""


def order_tests(mutant, tests):
    """Tests to try, likeliest killer first: the `expect` test, then those
    listing the mutant's exercise (shortest timeout first), then the rest."""
    def key(t):
        return (t.name != mutant.expect and t.id != mutant.expect,
                str(mutant.exercise) not in t.exercises, t.timeout, t.name)
    return sorted(tests, key=key)


def run_mutant(mutant, slot, a):
    """Build one mutant in worker slot `slot`'s directories and run its lab's
    tests until one fails."""
    out = Outcome(mutant)
    t0 = time.monotonic()
    src = os.path.join(WORK, "w%d" % slot, "src")
    build_dir = os.path.join(WORK, "w%d" % slot, "lab%d" % mutant.lab)
    shutil.rmtree(os.path.join(ROOT, src), ignore_errors=True)
    dest = os.path.join(ROOT, src, mutant.rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        f.write(mutant.apply())
    # Each worker builds one at a time: two make jobs each keep the cores
    # busy while the other worker waits on an emulator.
    ok, output = variant_build.build(mutant.lab, src, build_dir, 2)
    if not ok:
        out.broken = "does not compile:\n" + "\n".join(
            "          " + ln for ln in output.strip().splitlines()[-12:])
        out.seconds = time.monotonic() - t0
        return out
    tests = [t for t in spec.load(ROOT, mutant.lab, None, mutant.lab) if not t.demo]
    logdir = os.path.join(ROOT, WORK, "logs", "lab%d-%s" % (mutant.lab, mutant.name))
    shutil.rmtree(logdir, ignore_errors=True)
    errors = []
    for t in order_tests(mutant, tests):
        for emu in mutant.emulators:
            if emu not in t.emulators:
                continue
            rec = runtest.run_one(t, emu, os.path.join(ROOT, build_dir), logdir, a.timeout_scale)
            out.runs += 1
            v = rec.verdict
            if v.kind == "ERROR":
                errors.append("%s (%s): %s" % (t.id, emu, v.reason))
                continue
            if not v.ok:
                out.killer = "%s (%s)" % (t.id, emu)
                out.reason = "%s: %s" % (v.kind, v.reason)
                if v.kind == "FAIL" and v.expected.startswith("(must not match)"):
                    out.reason = v.reason
                elif v.kind == "FAIL" and v.expected:
                    out.reason = "missing " + v.expected
                out.log = os.path.relpath(rec.log, ROOT)
                out.seconds = time.monotonic() - t0
                return out
    if errors:
        out.broken = "runs could not start: " + "; ".join(errors)
    out.seconds = time.monotonic() - t0
    return out


def select(mutants, which, subset):
    if which:
        chosen = []
        for w in which:
            lab, _, name = w.partition(":")
            hit = [m for m in mutants if str(m.lab) == lab and (not name or m.name == name)]
            if not hit:
                raise CatalogueError("no mutant matches %r (LAB or LAB:NAME; --list shows them)" % w)
            chosen += [m for m in hit if m not in chosen]
        mutants = chosen
    if subset:
        k, _, n = subset.partition("/")
        k, n = int(k), int(n)
        mutants = [m for i, m in enumerate(mutants) if i % n == k % n]
    return mutants


def short(text, width):
    return text if len(text) <= width else text[:width - 3] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="mutants built and run at the same time")
    ap.add_argument("--subset", default=None, help="K/M: only mutants i with i %% M == K")
    ap.add_argument("--list", action="store_true", help="check and list the catalogue, run nothing")
    ap.add_argument("--timeout-scale", type=float, default=1.0)
    ap.add_argument("which", nargs="*", help="LAB or LAB:NAME (default: every mutant)")
    a = ap.parse_args()
    try:
        everything = catalogue()
        for m in everything:        # every snippet checked, even outside a subset
            m.apply()
        mutants = select(everything, a.which, a.subset)
    except CatalogueError as e:
        print("check-mutants: %s" % e, file=sys.stderr)
        print("0 killed, 1 failed")
        return 2
    if a.list:
        for m in mutants:
            print("lab%d ex%-2d %-38s %s" % (m.lab, m.exercise, m.name, m.belief))
        print("%d mutants" % len(mutants))
        return 0
    if not mutants:
        print("check-mutants: no mutants selected")
        return 0

    t0 = time.monotonic()
    print("check-mutants: %d mutants, %d at a time" % (len(mutants), a.jobs))
    sys.stdout.flush()
    slots = list(range(a.jobs))
    lock = threading.Lock()

    def work(m):
        with lock:
            slot = slots.pop()
        try:
            return run_mutant(m, slot, a)
        finally:
            with lock:
                slots.append(slot)

    results = {}
    pool = cf.ThreadPoolExecutor(max_workers=max(1, a.jobs))
    try:
        futs = {pool.submit(work, m): m for m in mutants}
        for f in cf.as_completed(futs):
            o = f.result()
            results[o.mutant.id] = o
            m = o.mutant
            state = "killed" if o.killer else ("BROKEN" if o.broken else "SURVIVED")
            print("  %-8s lab%d ex%d %s (%d run(s), %.1f s)" % (
                state, m.lab, m.exercise, m.name, o.runs, o.seconds))
            sys.stdout.flush()
    except KeyboardInterrupt:
        for f in futs:
            f.cancel()
        process.kill_all()
        pool.shutdown(wait=True)
        process.kill_all()
        print("\ncheck-mutants: interrupted; every emulator was stopped.", file=sys.stderr)
        return 130
    finally:
        process.kill_all()
    pool.shutdown(wait=True)

    print()
    print("%-10s | %-38s | %s" % ("exercise", "mutant", "killed by"))
    print("%s-+-%s-+-%s" % ("-" * 10, "-" * 38, "-" * 40))
    killed = failed = 0
    for m in mutants:
        o = results[m.id]
        if o.killer:
            killed += 1
            print("%-10s | %-38s | %s: %s" % ("lab%d ex%d" % (m.lab, m.exercise), m.name,
                                              o.killer, short(o.reason, 80)))
        else:
            failed += 1
            print("%-10s | %-38s | %s" % ("lab%d ex%d" % (m.lab, m.exercise), m.name,
                                          "BROKEN" if o.broken else "SURVIVED (every test passed)"))
    for m in mutants:
        o = results[m.id]
        if o.broken:
            print("\nBROKEN mutant %s (%s): %s" % (m.id, m.where, o.broken))
        elif not o.killer:
            print("\nSURVIVED mutant %s (%s): lab %d exercise %d, %d run(s) on %s all passed.\n"
                  "  belief: %s\n  A test of lab %d must fail on this wrong answer: extend one."
                  % (m.id, m.where, m.lab, m.exercise, o.runs, "+".join(m.emulators),
                     m.belief, m.lab))
    print("\ncheck-mutants: wall time %.1f s (logs in %s/logs)" % (time.monotonic() - t0, WORK))
    print("%d killed, %d failed" % (killed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
