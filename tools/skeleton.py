#!/usr/bin/env python3
"""
tools/skeleton.py - make the students' exercise files from the solutions.

Every file under solutions/labN-*/ is an exercise file.  Its skeleton is
the file at the same path without the solutions/ prefix, and it is never
edited by hand: this tool writes it.  In a solution, each piece a student
writes is marked like this:

        //@ begin lab1 ex1: frame allocator
        ...the reference code...
        //@ stub
        //@ return INVALID_MFN;
        //@ end

and the skeleton gets, at the marker's indentation,

        /* LAB 1: your code here (exercise 1: frame allocator) */
        return INVALID_MFN;

The stub lines (after `//@ stub`, each prefixed `//@ `) are what makes the
skeleton compile, boot and fail its tests naming the exercise: they usually
call EXERCISE_TODO.  A region without `//@ stub` leaves only the comment.

    tools/skeleton.py generate [FILE...]   write the skeletons that changed
    tools/skeleton.py check                fail, with a diff, if any differs
    tools/skeleton.py self-test            test this tool on small inputs
    tools/skeleton.py partial SOL EX OUT   SOL's skeleton with only exercise EX
                                        undone (tools/check-exercises.py)

In a student release (no solutions/ directory) generate and check say so
and succeed: there is nothing to compare against.
"""

import difflib
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTIONS = "solutions"

BEGIN = re.compile(r"^(\s*)//@ begin lab(\d+) ex(\d+): (.+?)\s*$")
STUB = re.compile(r"^\s*//@ stub\s*$")
END = re.compile(r"^\s*//@ end\s*$")
STUB_LINE = re.compile(r"^\s*//@(?: (.*))?$")
ANY_MARKER = re.compile(r"^\s*//@")


class MarkerError(Exception):
    """A malformed marker: names the file and line."""


def skeletonize(text, name="<input>", only=None):
    """Return the skeleton of one solution file's text.

    only: a set of exercise numbers; regions of other exercises keep their
    reference code (a partial skeleton, for tools/check-exercises.py)."""
    out = []
    state = "code"          # code -> solution -> stub -> code
    indent = ""
    begin_line = 0
    keep = False            # this region keeps its reference code
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        where = "%s:%d" % (name, number)
        begin = BEGIN.match(line)
        if state == "code":
            if begin:
                indent, lab, ex, title = begin.groups()
                keep = only is not None and int(ex) not in only
                if not keep:
                    out.append("%s/* LAB %s: your code here (exercise %s: %s) */\n"
                               % (indent, lab, ex, title))
                state, begin_line = "solution", number
            elif ANY_MARKER.match(line):
                raise MarkerError("%s: %r outside a `//@ begin` region"
                                  % (where, line.strip()))
            else:
                out.append(line)
        elif state == "solution":
            if begin:
                raise MarkerError("%s: `//@ begin` inside the region opened at line %d"
                                  % (where, begin_line))
            if STUB.match(line):
                state = "stub"
            elif END.match(line):
                state = "code"
            elif ANY_MARKER.match(line):
                raise MarkerError("%s: unknown marker %r (expected `//@ stub` or `//@ end`)"
                                  % (where, line.strip()))
            elif keep:
                out.append(line)
            # otherwise the reference code itself is dropped
        else:  # stub
            if END.match(line):
                state = "code"
            elif begin or STUB.match(line):
                raise MarkerError("%s: %r inside the stub of the region opened at line %d"
                                  % (where, line.strip(), begin_line))
            else:
                stub = STUB_LINE.match(line)
                if not stub:
                    raise MarkerError("%s: stub lines must start with `//@ ` (got %r)"
                                      % (where, line.rstrip("\n")))
                body = stub.group(1) or ""
                if not keep:
                    out.append(indent + body + "\n" if body else "\n")
    if state != "code":
        raise MarkerError("%s: the region opened at line %d has no `//@ end`"
                          % (name, begin_line))
    return "".join(out)


def solution_files():
    """Every exercise file: (solution path, skeleton path), repo-relative."""
    pairs = []
    base = os.path.join(ROOT, SOLUTIONS)
    for dirpath, _, files in os.walk(base):
        for f in files:
            if not f.endswith((".c", ".h", ".S")):
                continue        # ANSWERS.md and the like have no skeleton
            sol = os.path.relpath(os.path.join(dirpath, f), ROOT)
            pairs.append((sol, os.path.relpath(sol, SOLUTIONS)))
    return sorted(pairs)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def no_solutions():
    if os.path.isdir(os.path.join(ROOT, SOLUTIONS)):
        return False
    print("skeleton: no solutions/ here (a student release): nothing to do")
    return True


def generate(only):
    if no_solutions():
        return 0
    written = 0
    for sol, skel in solution_files():
        if only and sol not in only and skel not in only:
            continue
        try:
            new = skeletonize(read(sol), sol)
        except MarkerError as e:
            print("skeleton: error: %s" % e, file=sys.stderr)
            return 1
        path = os.path.join(ROOT, skel)
        old = read(skel) if os.path.exists(path) else None
        if new != old:          # write only on change: keeps make incremental
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print("skeleton: wrote %s (from %s)" % (skel, sol))
            written += 1
    print("skeleton: %d file(s) written, the rest up to date" % written)
    return 0


def check():
    if no_solutions():
        return 0
    bad = 0
    pairs = solution_files()
    for sol, skel in pairs:
        try:
            want = skeletonize(read(sol), sol)
        except MarkerError as e:
            print("skeleton: error: %s" % e)
            bad += 1
            continue
        if not os.path.exists(os.path.join(ROOT, skel)):
            print("skeleton: %s is missing; run `make skeletons`" % skel)
            bad += 1
            continue
        have = read(skel)
        if have != want:
            print("skeleton: %s differs from what tools/skeleton.py makes of %s"
                  " (edited by hand?  edit the solution and run `make skeletons`):"
                  % (skel, sol))
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(keepends=True), have.splitlines(keepends=True),
                "generated from " + sol, skel))
            bad += 1
    print("check-skeletons: %d of %d skeleton(s) match their solutions"
          % (len(pairs) - bad, len(pairs)))
    return 1 if bad else 0


# ------------------------------------------------------------------ self-test

SAMPLE = """\
int f(int x)
{
    //@ begin lab7 ex2: doubling
    return 2 * x;
    //@ stub
    //@ (void)x;
    //@
    //@ return EXERCISE_TODO(7, 2, "doubling");
    //@ end
}
//@ begin lab7 ex3: empty
int g;
//@ end
"""

SAMPLE_SKELETON = """\
int f(int x)
{
    /* LAB 7: your code here (exercise 2: doubling) */
    (void)x;

    return EXERCISE_TODO(7, 2, "doubling");
}
/* LAB 7: your code here (exercise 3: empty) */
"""

BROKEN = {
    "no end": "//@ begin lab1 ex1: a\nx;\n",
    "nested": "//@ begin lab1 ex1: a\n//@ begin lab1 ex2: b\n//@ end\n",
    "stray stub": "x;\n//@ stub\n",
    "stray end": "//@ end\n",
    "unknown": "//@ begin lab1 ex1: a\n//@ stubb\n//@ end\n",
    "bare stub line": "//@ begin lab1 ex1: a\n//@ stub\nreturn 0;\n//@ end\n",
}


def self_test():
    global ROOT
    failures = 0

    def expect(cond, what):
        nonlocal failures
        print("  %s  %s" % ("ok  " if cond else "FAIL", what))
        failures += not cond

    got = skeletonize(SAMPLE, "sample.c")
    expect(got == SAMPLE_SKELETON, "a marked region becomes the comment and its stub")
    if got != SAMPLE_SKELETON:
        sys.stdout.writelines(difflib.unified_diff(
            SAMPLE_SKELETON.splitlines(True), got.splitlines(True), "want", "got"))
    expect(skeletonize("no markers\n") == "no markers\n", "a file without markers is copied")
    want = ("int f(int x)\n{\n    return 2 * x;\n}\n"
            "/* LAB 7: your code here (exercise 3: empty) */\n")
    expect(skeletonize(SAMPLE, "sample.c", only={3}) == want,
           "a partial skeleton keeps the other exercises' reference code")
    for what, text in BROKEN.items():
        try:
            skeletonize(text, "bad.c")
            expect(False, "malformed markers (%s) are refused" % what)
        except MarkerError as e:
            expect("bad.c:" in str(e), "malformed markers (%s) are refused: %s" % (what, e))

    # generate, then check; edit the skeleton by hand, check must fail naming it.
    saved = ROOT
    with tempfile.TemporaryDirectory() as tmp:
        ROOT = tmp
        os.makedirs(os.path.join(tmp, "solutions/lab7-x/hv"))
        with open(os.path.join(tmp, "solutions/lab7-x/hv/f.c"), "w") as f:
            f.write(SAMPLE)
        quiet = open(os.devnull, "w")
        old_stdout, sys.stdout = sys.stdout, quiet
        try:
            gen = generate([])
            first = check()
            skel = os.path.join(tmp, "lab7-x/hv/f.c")
            mtime = os.stat(skel).st_mtime_ns
            os.utime(skel, ns=(mtime - 10**9, mtime - 10**9))
            generate([])        # unchanged: must not rewrite
            untouched = os.stat(skel).st_mtime_ns == mtime - 10**9
            with open(skel, "a") as f:
                f.write("/* my own edit */\n")
            import io
            capture = io.StringIO()
            sys.stdout = capture
            second = check()
        finally:
            sys.stdout = old_stdout
            quiet.close()
            ROOT = saved
        expect(gen == 0 and first == 0, "generate then check passes")
        expect(untouched, "generate leaves an up-to-date skeleton untouched")
        expect(second == 1 and "lab7-x/hv/f.c differs" in capture.getvalue()
               and "+/* my own edit */" in capture.getvalue(),
               "check fails on a hand-edited skeleton, naming it with a diff")
    print("skeleton self-test: %s" % ("ok" if not failures else "%d failure(s)" % failures))
    return 1 if failures else 0


def partial(solution, exercises, out):
    """Write solution's skeleton with only these exercises left undone."""
    with open(solution) as f:
        text = skeletonize(f.read(), solution, only={int(e) for e in exercises})
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    return 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "partial":
        return partial(argv[2], argv[3].split(","), argv[4])
    if len(argv) < 2 or argv[1] not in ("generate", "check", "self-test"):
        print("usage: tools/skeleton.py generate [FILE...] | check | self-test\n"
              "       tools/skeleton.py partial SOLUTION EX[,EX...] OUT   (only those exercises undone)",
              file=sys.stderr)
        return 2
    if argv[1] == "generate":
        return generate(argv[2:])
    if argv[1] == "check":
        return check()
    return self_test()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
