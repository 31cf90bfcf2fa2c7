#!/usr/bin/env python3
"""
grader/selftest/run.py - prove the grader reports every kind of failure.

Builds the tiny kernels of kernel.S (build.py), grades them with the real
grade.py on QEMU and Bochs, and checks that each is reported as the right
kind (OK, FAIL, TIMEOUT never printed / hung after, FLOOD, CRASH triple
fault / silent exit, a skeleton's unfinished exercise) within its time
limit; that results.json has Gradescope's fields and types, with scores
consistent with pass/fail, and junit.xml parses with failure counts that
match; that --expect skeleton accepts exactly the skeleton-like kernel;
(every grade here runs with --no-record: recording failures again for
make qemu-replay is tools/test-replay's to check);
that Ctrl-C (SIGINT) stops grading and kills every emulator; that run.py
boots a test and honours --timeout; that tests with identical guests and
options share one boot and keep their own verdicts and logs; and that no
emulator process started by this self-test survives.  (The kernels that
hang by design are frozen once their verdict is settled: freeze_spinners.)
Prints `N passed, N failed`; exit status 1 on any failure.  `make test`
runs it.

    python3 grader/selftest/run.py [--keep] [--emu qemu|bochs|both]
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
GRADER = os.path.dirname(HERE)
sys.path.insert(0, GRADER)
sys.path.insert(0, HERE)

import build      # noqa: E402
import checks     # noqa: E402
import emulators  # noqa: E402
from process import PYTHON  # noqa: E402

TESTS_INI = os.path.join(HERE, "tests.ini")
MAX_OUTPUT = 32768   # a small flood cap: Bochs' UART is slow (see README)

# test -> (kind, a phrase the reason must contain), on every emulator
EXPECT = {
    "good":   ("OK", ""),
    "wrong":  ("FAIL", "not found"),
    "hang":   ("TIMEOUT", "hung after"),
    "never":  ("TIMEOUT", "never printed"),
    "flood":  ("FLOOD", "flood"),
    "triple": ("CRASH", "triple fault"),
    "silent": ("CRASH", "exited silently"),
    "todo":   ("FAIL", "exit status 3"),
    "stuck":  ("FAIL", "LAB 1 exercise 1 (frame allocator) is not done, and this test needs it"),
    "stuck-other": ("TIMEOUT", "hung"),
}

passed = failed = 0


def check(ok: bool, what: str, detail: str = "") -> bool:
    global passed, failed
    if ok:
        passed += 1
        print("  ok    %s" % what)
    else:
        failed += 1
        print("  FAIL  %s%s" % (what, ("\n        " + detail.replace("\n", "\n        "))
                                 if detail else ""))
    sys.stdout.flush()
    return ok


def survivors(tag: str):
    """Processes whose command line mentions our scratch directory: every
    emulator this self-test starts does (its files live there)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if tag in cmd and ("qemu-system" in cmd or "bochs" in cmd):
            found.append("%s %s" % (pid, cmd[:150]))
    return found


# Three kernels hang by design and keep their emulator busy until the
# deadline: about 30 s of CPU a self-test, all of it while make test's
# builds want both cores.  A hang's verdict is settled once the kernel has
# printed what it prints (`never`: nothing at all; the others one line),
# and the deadline is wall time, so from then on its emulator is frozen
# (SIGSTOP): the grader sees exactly what a spinning one shows - no more
# output, no exit - and its SIGKILL at the deadline ends a stopped process
# at once.  (Lowering the priority instead saved the same CPU, but a
# starved emulator then took 1.6 s to die, eating the limit's margin.)
# The value: whether to wait until the kernel has printed its line.
SPIN_TO_DEADLINE = {"never": False, "hang": True, "stuck-other": True}
SETTLED = 0.5      # seconds without new output after which a line is whole


def freeze_spinners(work: str, stop: threading.Event) -> None:
    """Until stop is set: SIGSTOP each emulator of a SPIN_TO_DEADLINE test
    whose directory is under `work`, once its output is settled."""
    pattern = re.compile(r"lab1-(%s)-(qemu|bochs)" % "|".join(map(re.escape, SPIN_TO_DEADLINE)))
    seen = {}          # pid -> (output size, when it last grew)
    frozen = set()
    while not stop.wait(0.1):
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid in frozen:
                continue
            try:
                cwd = os.readlink("/proc/%s/cwd" % pid)
                m = pattern.fullmatch(os.path.basename(cwd))
                if not m or os.path.dirname(cwd) != work:
                    continue
                # An emulator only: grade.py's child between fork and exec
                # is still python3 but already in the run's directory, and
                # stopping it there left grade.py waiting for the exec for
                # ever (seen once under load, 2026-12-03).
                with open("/proc/%s/comm" % pid) as f:
                    if not f.read().startswith(("qemu-system", "bochs")):
                        continue
                if SPIN_TO_DEADLINE[m.group(1)]:
                    size = sum(os.path.getsize(os.path.join(cwd, f))
                               for f in ("console.txt", "result.txt")
                               if os.path.exists(os.path.join(cwd, f)))
                    old, since = seen.get(pid, (0, time.monotonic()))
                    if size != old:
                        seen[pid] = (size, time.monotonic())
                    if size == 0 or size != old or time.monotonic() - since < SETTLED:
                        continue
                os.kill(int(pid), signal.SIGSTOP)
                frozen.add(pid)
            except OSError:
                continue      # gone, or not ours


def grade(scratch, out, extra, timeout=120, tests_file=TESTS_INI):
    cmd = PYTHON + [os.path.join(GRADER, "grade.py"), "--lab", "1",
                    "--build", os.path.join(scratch, "build"), "--tests-file", tests_file,
                    "--out", out, "--max-output", str(MAX_OUTPUT),
                    "--make-args", "LAB=1", "--no-record"] + extra
    t0 = time.monotonic()
    stop = threading.Event()
    work = os.path.realpath(os.path.join(out, "work"))
    freezing = threading.Thread(target=freeze_spinners, args=(work, stop), daemon=True)
    freezing.start()
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    finally:
        stop.set()
        freezing.join()
    return r, time.monotonic() - t0


def unit_checks():
    print("pattern and verdict logic (no emulator)")
    v = {"memory": "48"}
    check(checks.expand(r"^memory ram_mib={memory} free=[1-9][0-9]{3,}$", v)
          == r"^memory ram_mib=48 free=[1-9][0-9]{3,}$", "{memory} filled, {3,} left alone")
    check(checks.expand(r"a{{b}}", v) == r"a\{b\}", "{{ and }} are literal braces")
    text = "x eip=0x10\nfault eip=0x10\n"
    vals = dict(v)
    check(checks.match_in_order([r"^x eip=(?P<e>0x[0-9a-f]+)$", r"^fault eip={e}$"], text,
                                vals, "result") is None and vals["e"] == re.escape("0x10"),
          "a named group feeds a later pattern")
    miss = checks.match_in_order([r"^fault", r"^x eip"], text, {}, "result")
    check(miss is not None and "wrong order" in miss[0], "order matters and is explained",
          str(miss))
    near = checks.nearest_line(r"^d0: entered the hypervisor [0-9]{1,2} times$",
                               "d0: hello\nd0: entered the hypervisor 10008 times\nend status=0\n")
    check(near == "d0: entered the hypervisor 10008 times",
          "a missing line's nearest miss (same key, another value) is found", near)
    check(checks.nearest_line(r"^d1: bar=\d+$", "d0: hello\nend status=0\n") == "",
          "no nearest miss is invented when nothing is close")
    check(checks.clean(b"\x1b[H\x1b[Jhi\r\n") == "hi\n", "escapes and \\r are dropped")
    todos = checks.unfinished("", "todo: LAB 2 exercise 3 (bounce) is not done: f.c g()\n")
    check(todos == ["LAB 2 exercise 3 (bounce) is not done: f.c g()"], "todo lines found",
          str(todos))
    tag_checks()
    until_lab_checks()
    per_domain_checks()
    trace_checks()


def trace_checks():
    """A failed run with lab 5's scheduling trace shows its shares (report.trace_text)."""
    print("the scheduling trace in a failure (no emulator)")
    import types
    import report
    console = ("(hv) trace t=1000000 switch from=idle to=d0 reason=start\n"
               "(hv) trace t=3000000 switch from=d0 to=d1 reason=slice\n"
               "(hv) trace t=4000000 end d1\n"
               "(hv) trace t=4000000 switch from=d1 to=d0 reason=end\n"
               "(hv) trace t=5000000 end d0\n")
    result = 'module 0 file=hog.elf args=""\nmodule 1 file=lat.elf args=""\n'
    with tempfile.TemporaryDirectory() as d:
        rec = types.SimpleNamespace(console=console, result=result,
                                    log=os.path.join(d, "lab5-x-qemu.log"), emulator="qemu",
                                    test=types.SimpleNamespace(id="lab5/x"))
        lines = report.trace_text(rec)
        text = "\n".join(lines)
        check(any("d0" in x and "ran  75.0% of the trace" in x for x in lines)
              and os.path.exists(os.path.join(d, "lab5-x-qemu.svg")),
              "a traced run's failure shows each domain's share and draws the timeline", text)
    rec.console = "(hv) d0 (x): ended\n"
    check(report.trace_text(rec) == [], "an untraced run's failure shows no trace")


def per_domain_checks():
    """From lab 5 domains run concurrently: patterns match in order per domain."""
    print("per-domain matching (no emulator)")
    import spec
    text = ("d1: a\nd0: a\n(hv) d1 (x): ended\nd0: b\nd0: end poweroff\nintegrity ok\n"
            "d1: end poweroff\nintegrity ok\nsummary d0 name=x\n")
    pats = [r"^d0: a$", r"^d0: b$", r"^d0: end poweroff$", r"^integrity ok$", r"^d1: a$",
            r"^d1: end poweroff$", r"^integrity ok$", r"^summary d0"]
    check(checks.match_in_order(pats, text, {}, "result") is not None,
          "sequential patterns fail on interleaved domains in global order")
    check(checks.match_per_domain(pats, text, {}, "result") is None,
          "per domain, each domain's lines and the hypervisor's match in their own order")
    miss = checks.match_per_domain([r"^d0: b$", r"^d0: a$"], text, {}, "result")
    check(miss is not None and "d0's lines" in miss[0] and "wrong order" in miss[0],
          "per domain, a domain's own order still counts", str(miss))
    miss = checks.match_per_domain([r"^integrity ok$"] * 3, text, {}, "result")
    check(miss is not None, "per domain, the hypervisor's lines are counted too", str(miss))
    check(checks.match_per_domain([r"d1 \(x\): ended", r"^\(hv\) d1"], text, {}, "console")
          is not None and checks.pattern_domain(r"^\(hv\)   d0 spinner +x") == "0"
          and checks.pattern_domain(r"\[d1\] Hello") == "1"
          and checks.pattern_domain(r"^summary d0") is None,
          "console lines and patterns are told apart by domain")
    t = spec.Test(lab=1, name="x", source="-")
    t.graded_at = spec.CONCURRENT_FROM_LAB - 1
    ok = not spec.per_domain(t)
    t.graded_at = spec.CONCURRENT_FROM_LAB
    ok = ok and spec.per_domain(t)
    t.order = "global"
    check(ok and not spec.per_domain(t),
          "per-domain order from CONCURRENT_FROM_LAB on, unless `order = global`")


def tag_checks():
    """Result lines only a guest of this run could write (tags.py): a
    hypervisor replaying a previous run's lines, tagged or not, fails."""
    print("guest tags: a replayed run fails (no emulator)")
    import tags
    old, new = ["0123456789abcdef", "fedcba9876543210"], ["1111111111111111", "2222222222222222"]

    def run(nonces, lines):   # [(domid, module, text)] as the guests of `nonces` tag them
        seq, out = {}, ["module 0 file=hello.elf args=\"-- nonce=%s\" bytes=1" % nonces[0]]
        for dom, mod, text in lines:
            seq[mod] = seq.get(mod, 0) + 1
            out.append("d%d: %s @%d:%s" % (dom, text, seq[mod],
                                           tags.tag(nonces[mod], dom, seq[mod], text)))
        return "\n".join(out + ["d0: end poweroff", "end status=0", ""])
    lines = [(0, 0, "cs.rpl=1"), (1, 1, "cs.rpl=1"), (0, 0, "cmdline=-- nonce=%s" % new[0])]
    good = tags.verify(run(new, lines), new)
    check(not good.forged and not good.order and good.guest_lines == 3
          and "d0: cmdline=\n" in good.text and 'args=""' in good.text,
          "this run's tagged lines verify; tags and nonces are stripped", good.text)
    replay = tags.verify(run(old, lines), new)
    check(bool(replay.forged), "a previous run's lines, replayed verbatim, are rejected",
          str(replay.forged))
    bare = tags.verify(tags.strip_tags(run(old, lines)), new)
    check(bool(bare.forged) and "no guest tag" in bare.forged,
          "the same lines without tags are rejected", str(bare.forged))
    swapped = tags.verify(run(new, lines).replace("d0: cs.rpl=1", "d1: cs.rpl=1"), new)
    check(bool(swapped.forged), "a line moved to another domain is rejected", str(swapped.forged))
    text = run(new, [(0, 0, "a=1"), (0, 0, "b=2")]).split("\n")
    text[1], text[2] = text[2], text[1]
    moved = tags.verify("\n".join(text), new)
    check(bool(moved.order), "lines out of order are rejected", str(moved.order))
    hv = tags.verify("d0: fault vector=13 error=0x0 eip=0x1 ring=1\nd0: end destroyed\n", new)
    check(not hv.forged and hv.guest_lines == 0, "the hypervisor's own dN: lines need no tag")
    # Every `dN:` line the hypervisor writes itself must be known to
    # tags.HV_LINES, or a correct run would be rejected as forged.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    missing = []
    for src in glob.glob(os.path.join(root, "lab*", "hv", "*.c")) + \
            glob.glob(os.path.join(root, "solutions", "lab*", "hv", "*.c")):
        with open(src, errors="replace") as f:
            for fmt in re.findall(r'result\("d%u: ([^"%]*)', f.read()):
                if fmt and not tags.HV_LINES.match("d0: " + fmt):
                    missing.append("%s: d%%u: %s" % (os.path.relpath(src, root), fmt))
    check(not missing, "every `dN:` result line of the hypervisor's sources is in "
          "tags.HV_LINES", "; ".join(missing))


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_machine_outputs(out, doc, emus):
    """results.json (Gradescope's shape, scores consistent with the
    verdicts) and junit.xml (parses; failure counts match) of the grade
    of every self-test kernel written to `out`.  doc: results.json as
    already parsed by main() (None when it did not parse)."""
    # results.json, read again from the file: it must be valid JSON text.
    path = os.path.join(out, "results.json")
    try:
        with open(path) as f:
            doc = json.load(f)
        check(isinstance(doc, dict), "results.json parses as a JSON object")
    except (OSError, ValueError) as e:
        check(False, "results.json parses as a JSON object", str(e))
        doc = None
    failed_runs = {}      # "name[emu]" -> verdict, from results.json
    if isinstance(doc, dict):
        tests = doc.get("tests")
        problems = []
        if not _number(doc.get("score")):
            problems.append("top-level score %r is not a number" % (doc.get("score"),))
        if not isinstance(tests, list):
            problems.append("tests is %r, not a list" % type(tests).__name__)
            tests = []
        names = [t.get("name") for t in tests if isinstance(t, dict)]
        if len(set(names)) != len(tests):
            problems.append("test names are not unique: %r" % names)
        for t in tests:
            if not isinstance(t, dict):
                problems.append("a test entry is %r, not an object" % (t,))
                continue
            for key, kind in (("name", str), ("output", str)):
                if not isinstance(t.get(key), kind):
                    problems.append("%s: %s is %r" % (t.get("name"), key, t.get(key)))
            for key in ("score", "max_score"):
                if not _number(t.get(key)):
                    problems.append("%s: %s is %r, not a number" % (t.get("name"), key,
                                                                     t.get(key)))
            if t.get("visibility") not in ("visible", "hidden", "after_due_date",
                                           "after_published"):
                problems.append("%s: visibility %r" % (t.get("name"), t.get("visibility")))
        check(not problems and len(tests) == len(EXPECT),
              "results.json: top-level score, tests[] with name, score, max_score, output, "
              "visibility (%d tests)" % len(tests), "\n".join(problems[:10]))

        # The scores must agree with pass/fail, and pass/fail with the verdicts.
        problems = []
        for t in tests:
            if not isinstance(t, dict) or not _number(t.get("score")) \
                    or not _number(t.get("max_score")):
                continue
            runs = t.get("extra_data", {}).get("runs", {})
            all_ok = bool(runs) and all(k == "OK" for k in runs.values())
            for emu, kind in runs.items():
                if kind != "OK":
                    failed_runs["%s[%s]" % (t.get("extra_data", {}).get("test"), emu)] = kind
            want = EXPECT.get(t.get("extra_data", {}).get("test"), ("?", ""))[0] == "OK"
            status = t.get("status")
            if all_ok != want:
                problems.append("%s: runs %r, expected %s" % (t["name"], runs,
                                                              "all OK" if want else "failures"))
            if all_ok and (t["score"] != t["max_score"] or status != "passed"):
                problems.append("%s passed but has score %s/%s, status %r"
                                % (t["name"], t["score"], t["max_score"], status))
            if not all_ok and (t["score"] != 0 or status != "failed"):
                problems.append("%s failed but has score %s/%s, status %r"
                                % (t["name"], t["score"], t["max_score"], status))
            if not 0 <= t["score"] <= t["max_score"]:
                problems.append("%s: score %s outside 0..%s" % (t["name"], t["score"],
                                                                t["max_score"]))
        total = sum(t["score"] for t in tests if isinstance(t, dict) and _number(t.get("score")))
        if doc.get("score") != total:
            problems.append("top-level score %r is not the sum of the tests' scores %r"
                            % (doc.get("score"), total))
        if "max_score" in doc and doc["max_score"] != sum(
                t["max_score"] for t in tests if isinstance(t, dict)
                and _number(t.get("max_score"))):
            problems.append("top-level max_score %r is not the sum of the tests'"
                            % doc["max_score"])
        check(not problems, "results.json: scores match pass/fail (passed: score = max_score; "
              "failed: 0; total = sum)", "\n".join(problems[:10]))

    # junit.xml: parses, each suite's counts match its elements, and the
    # failures are exactly the failed runs of results.json.
    try:
        root = ET.parse(os.path.join(out, "junit.xml")).getroot()
        check(True, "junit.xml parses")
    except (OSError, ET.ParseError) as e:
        check(False, "junit.xml parses", str(e))
        return
    problems = []
    suites = root.findall("testsuite") if root.tag == "testsuites" else \
        ([root] if root.tag == "testsuite" else [])
    if not suites:
        problems.append("no <testsuite> (root is <%s>)" % root.tag)
    junit_failed = {}
    for s in suites:
        cases = s.findall("testcase")
        fails = [c for c in cases if c.find("failure") is not None]
        for attr, n in (("tests", len(cases)), ("failures", len(fails))):
            if s.get(attr) != str(n):
                problems.append("suite %s: %s=%r but it has %d" % (s.get("name"), attr,
                                                                   s.get(attr), n))
        for c in fails:
            junit_failed[c.get("name")] = c.find("failure").get("type")
    want = len([n for n, (k, _) in EXPECT.items() if k != "OK"]) * len(emus)
    nfail = sum(int(s.get("failures", "0") or 0) for s in suites
                if (s.get("failures") or "0").isdigit())
    if nfail != want:
        problems.append("%d failures in junit.xml, expected %d" % (nfail, want))
    if failed_runs and junit_failed != failed_runs:
        problems.append("junit failures %r differ from results.json's failed runs %r"
                        % (sorted(junit_failed.items()), sorted(failed_runs.items())))
    check(not problems, "junit.xml: failures count matches (%d failed runs = results.json's)"
          % nfail, "\n".join(problems[:10]))


def _shared_spec(name, description, hv_args, result):
    """One test of SHARED_INI: good.elf with mod.bin, differing only in these."""
    return ("\n[%s]\ndescription = %s\nkernel = good.elf\nhv_args = %s\n"
            "modules =\n    mod.bin x=1,y=2\ntimeout = 5\nresults =\n    %s\n"
            % (name, description, hv_args, result))


# share-a and share-b are the very same boot (one run serves both); share-c
# differs in its hypervisor arguments only.
SHARED_INI = "".join([
    _shared_spec("share-a", "Boots good.elf; passes.", "a=1 b=2",
                 r"^selftest: value=(?P<v>[0-9]+)$"),
    _shared_spec("share-b", "The very same boot as share-a, judged by other checks; fails.",
                 "a=1 b=2", r"^selftest: value=424242$"),
    _shared_spec("share-c", "Other hypervisor arguments: a boot of its own.", "a=1",
                 r"^end status=0$"),
])


SPIN_INI = """
[quick]
description = Passes in a tenth of a second, beside the spinners: its result must survive the Ctrl-C.
points = 1
kernel = good.elf
guest_tags = no
timeout = 10
results =
    ^selftest: value=42$

[spin-a]
description = Prints one line, then spins for far longer than the Ctrl-C check waits.
points = 1
kernel = hang.elf
guest_tags = no
timeout = 60
results =
    ^selftest: value=42$

[spin-b]
description = Spins for a minute printing nothing: a second emulator beside the first.
points = 1
kernel = never.elf
guest_tags = no
timeout = 60
results =
    ^selftest: value=42$
"""


UNTIL_INI = """
[old-gap]
description = Passes at lab 1 (good.elf); retired from lab 2 on.
lab = 1
points = 7
kernel = good.elf
guest_tags = no
modules =
    mod.bin
timeout = 5
until_lab = 1
until_lab_reason = the selftest's stand-in for a lab 1-3 test lab 4 closes (lab2/new-way)
results =
    ^end status=0$
"""


def until_lab_checks():
    """until_lab: parsed and checked (no emulator)."""
    print("until_lab (no emulator)")
    import configparser
    import spec

    def parse(body):
        cp = configparser.ConfigParser(interpolation=None)
        cp.read_string("[t]\n" + body)
        try:
            return spec.parse_test(cp["t"], 1, "x.ini")
        except spec.SpecError as e:
            return str(e)
    t = parse("until_lab = 3\nuntil_lab_reason = replaced by lab4/gdt-gs\n")
    check(not isinstance(t, str) and spec.retired(t, 3) is None
          and spec.retired(t, 4) == "not run at lab 4: replaced by lab4/gdt-gs",
          "until_lab = 3: graded at lab 3, retired at lab 4 with its reason", str(t))
    check("needs until_lab_reason" in str(parse("until_lab = 3\n")),
          "until_lab without a reason is refused")
    check("before the test's own lab" in str(parse("lab = 2\nuntil_lab = 1\nuntil_lab_reason = x\n")),
          "until_lab before the test's lab is refused")
    t = parse("until_lab = 3\nuntil_lab_reason = replaced by lab4/gdt-gs\n")
    try:
        spec._check_replacements([t], 4, None)
        why = "accepted"
    except spec.SpecError as e:
        why = str(e)
    check("names lab4/gdt-gs, which is no test" in why,
          "an until_lab_reason naming a lab 4 test that does not exist is refused", why)
    spec._check_replacements([t], 3, None)  # lab 4's tests not loaded: no claim to check


def check_until_lab(scratch):
    """A retired test is listed, never booted and counts for nothing."""
    ini = os.path.join(scratch, "until.ini")
    with open(ini, "w") as f:
        f.write(UNTIL_INI)
    out = os.path.join(scratch, "until")
    base = PYTHON + [os.path.join(GRADER, "grade.py"), "--emu", "qemu",
                     "--build", os.path.join(scratch, "build"), "--tests-file", ini, "--out", out,
                     "--max-output", str(MAX_OUTPUT), "--jobs", "1", "--no-record"]
    r = subprocess.run(base + ["--lab", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and "0 runs of 1 tests" in r.stdout
          and "lab1/old-gap: not run at lab 2: the selftest's stand-in" in r.stdout
          and "lab 1: no test run; 1 not run at this lab (until_lab): old-gap" in r.stdout
          and "total: 0/0 points" in r.stdout and r.stdout.strip().endswith("0 passed, 0 failed"),
          "at a later lab an until_lab test is listed, not run, and out of the score",
          r.stdout[-800:])
    r = subprocess.run(base + ["--lab", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and "total: 7/7 points" in r.stdout,
          "at its own lab an until_lab test is graded", r.stdout[-800:])


def check_shared_boot(scratch):
    """grade.py boots once for share-a and share-b, judges each on that output
    with its own verdict and log, and boots share-c separately."""
    ini = os.path.join(scratch, "shared.ini")
    with open(ini, "w") as f:
        f.write(SHARED_INI)
    out = os.path.join(scratch, "shared")
    cmd = PYTHON + [os.path.join(GRADER, "grade.py"), "--lab", "1", "--emu", "qemu",
                    "--build", os.path.join(scratch, "build"), "--tests-file", ini, "--out", out,
                    "--max-output", str(MAX_OUTPUT), "--jobs", "2", "--no-record"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    check("3 runs of 3 tests (2 boots)" in r.stdout, "three tests, two distinct boots: two runs",
          r.stdout[:400])
    verdicts = dict(re.findall(r"^lab1\s+(share-\w)\s+qemu\s+(\w+)", r.stdout, re.M))
    check(verdicts == {"share-a": "OK", "share-b": "FAIL", "share-c": "OK"},
          "each test sharing a boot keeps its own verdict", str(verdicts))
    logs = {}
    for name in ("share-a", "share-b", "share-c"):
        try:
            with open(os.path.join(out, "lab1-%s-qemu.log" % name)) as f:
                logs[name] = f.read()
        except OSError:
            logs[name] = ""
    body = lambda log: log[log.find("== console"):]  # noqa: E731
    check("lab1/share-b" in logs["share-a"].splitlines()[3] if logs["share-a"].count("\n") > 3
          else False, "a shared log names the tests it shared the boot with", logs["share-a"][:400])
    check(body(logs["share-a"]) == body(logs["share-b"]) and body(logs["share-a"]),
          "tests sharing a boot are judged on the very same output")
    check("one boot served" not in logs["share-c"], "other arguments get a boot of their own")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--emu", choices=["qemu", "bochs", "both"], default="both")
    a = ap.parse_args()
    t_start = time.monotonic()
    scratch = tempfile.mkdtemp(prefix="parakeet-grader-selftest-")
    tag = os.path.basename(scratch)
    emus = ["qemu", "bochs"] if a.emu == "both" else [a.emu]
    try:
        unit_checks()

        print("building the self-test kernels")
        try:
            build.build(os.path.join(scratch, "build"))
            check(True, "kernels built (toolchain prefix %r)" % build.toolprefix())
        except (RuntimeError, subprocess.CalledProcessError) as e:
            check(False, "kernels built", str(e))
            return finish(t_start)

        # 1. Every kind, on every emulator, in one parallel grade.
        print("grading the kernels on %s" % " and ".join(emus))
        out = os.path.join(scratch, "out")
        # A log from an earlier grade of another test must not survive.
        os.makedirs(out)
        stale = os.path.join(out, "lab1-gone-qemu.log")
        with open(stale, "w") as f:
            f.write("# an older build's run\n")
        r, secs = grade(scratch, out, ["--emu", a.emu])
        print("    (grade took %.1f s)" % secs)
        check(r.returncode != 0, "grade.py exits non-zero when tests fail")
        last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        check(re.fullmatch(r"\d+ passed, \d+ failed", last) is not None,
              "the last line is `N passed, N failed`", last)
        check(last == "1 passed, 9 failed", "1 passed (good), 9 failed", last)
        check(not os.path.exists(stale), "an earlier grade's logs are removed first")
        check("got:      selftest: value=41" in r.stdout,
              "a missing line's nearest miss is shown (got: ... value=41)")
        check("unfinished exercise: LAB 1 exercise 1 (frame allocator)" in r.stdout,
              "an unfinished exercise is shown prominently")
        check("make qemu LAB=1 TEST=wrong" in r.stdout and "make qemu-gdb LAB=1 TEST=wrong"
              in r.stdout and "make gdb LAB=1" in r.stdout, "rerun and debug commands given")
        check(not survivors(tag), "no emulator survives the grade", "\n".join(survivors(tag)))

        doc = None
        try:
            with open(os.path.join(out, "results.json")) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            check(False, "results.json parses", str(e))
        if doc is not None:
            ok = isinstance(doc.get("score"), (int, float)) and \
                isinstance(doc.get("execution_time"), (int, float)) and \
                isinstance(doc.get("tests"), list) and len(doc["tests"]) == len(EXPECT)
            for t in doc.get("tests", []):
                ok = ok and isinstance(t.get("name"), str) and \
                    isinstance(t.get("score"), (int, float)) and \
                    isinstance(t.get("max_score"), (int, float)) and \
                    isinstance(t.get("output"), str) and \
                    t.get("visibility") in ("visible", "hidden", "after_due_date",
                                            "after_published")
            check(ok, "results.json has Gradescope's fields and types")
            check(doc.get("score") == 10, "score counts only the passing test", str(doc.get("score")))
            runs = {t["extra_data"]["test"]: t for t in doc.get("tests", [])}
            for name, (kind, phrase) in EXPECT.items():
                t = runs.get(name)
                for emu in emus:
                    got = t["extra_data"]["runs"].get(emu) if t else None
                    # (stuck: 20 s is its timeout; it must end long before)
                    limit = emulators.timeout_for(emu, {"hang": 4, "never": 2, "flood": 10,
                                                        "stuck": 2}.get(name, 5)) + 3
                    secs = t["extra_data"]["seconds"].get(emu, 999) if t else 999
                    check(got == kind and phrase in t["output"] and secs <= limit,
                          "%-6s on %-5s reported %-7s (%s) in %.1f s <= %.0f s" % (
                              name, emu, kind, phrase or "all checks", secs, limit),
                          "got %s:\n%s" % (got, t["output"][:600] if t else "(missing)"))
        check_machine_outputs(out, doc, emus)
        for name in EXPECT:
            for emu in emus:
                log = os.path.join(out, "lab1-%s-%s.log" % (name, emu))
                try:
                    with open(log) as f:
                        text = f.read()
                except OSError:
                    text = ""
                if not ("== replay this run" in text and "seed" in text
                        and "== console (COM1)" in text):
                    check(False, "log %s has the command, settings, seed, console" % log)
                    break
            else:
                continue
            break
        else:
            check(True, "every run's log has the replay command, settings, seed and output")

        # 2. --expect skeleton: only the kernel that names its exercise passes.
        print("--expect skeleton")
        r, _ = grade(scratch, os.path.join(scratch, "skel"),
                     ["--emu", a.emu, "--expect", "skeleton", "--tests", "todo"])
        check(r.returncode == 0 and r.stdout.strip().endswith("1 passed, 0 failed"),
              "a skeleton's failure naming its exercise passes", r.stdout[-800:])
        r, _ = grade(scratch, os.path.join(scratch, "skel2"),
                     ["--emu", "qemu", "--expect", "skeleton", "--tests", "lab1/[gw]*"])
        check(r.returncode != 0 and r.stdout.strip().endswith("0 passed, 2 failed"),
              "a pass, or a failure naming no exercise, does not", r.stdout[-800:])

        # 3. Ctrl-C while emulators run: all of them must go.
        print("Ctrl-C")
        # Two kernels that spin for a minute: the hang/never tests of
        # TESTS_INI end by themselves 4 s after their last output, which
        # under load can come before the SIGINT does.
        spin_ini = os.path.join(scratch, "spin.ini")
        with open(spin_ini, "w") as f:
            f.write(SPIN_INI)
        intr = os.path.join(scratch, "intr")
        p = subprocess.Popen(PYTHON + [os.path.join(GRADER, "grade.py"), "--lab", "1",
                                       "--build", os.path.join(scratch, "build"), "--tests-file",
                                       spin_ini, "--out", intr, "--jobs", "3",
                                       "--emu", "qemu", "--no-record"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             # make test runs this self-test as a background
                             # job, which inherits SIGINT *ignored*; a student's
                             # Ctrl-C is never ignored, so neither is ours.
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        # Both spinners running, and `quick` finished (its partial
        # results.json written).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                len(survivors(tag)) < 2 or not os.path.exists(os.path.join(intr, "results.json"))):
            time.sleep(0.1)
        running = len(survivors(tag))
        os.kill(p.pid, signal.SIGINT)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
        time.sleep(0.2)
        check(running >= 2 and p.returncode == 130 and not survivors(tag),
              "SIGINT stops grading (status 130) and kills the %d running emulators" % running,
              "status %s, survivors: %s; its last output:\n%s"
              % (p.returncode, survivors(tag), (p.stdout.read().decode(errors="replace") if p.stdout else "")[-1200:]))
        # What finished before the Ctrl-C stands: results.json, marked
        # unfinished, with quick's pass in it (a batch or an autograder
        # that is stopped reads it).
        try:
            with open(os.path.join(intr, "results.json")) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            doc = {"output": "(unreadable: %s)" % e, "tests": []}
        runs = {t["name"]: t.get("extra_data", {}).get("runs") for t in doc.get("tests", [])}
        check("so far (the grade has not finished)" in doc.get("output", "")
              and runs.get("lab1/quick") == {"qemu": "OK"},
              "after Ctrl-C, results.json holds the runs that finished, marked unfinished",
              "output %r, runs %r" % (doc.get("output"), runs))

        # 4. run.py (make qemu / make bochs), without a terminal.
        print("run.py")
        for emu in emus:
            r = subprocess.run(PYTHON + [os.path.join(GRADER, "run.py"), "--emu", emu,
                                         "--lab", "1", "--build", os.path.join(scratch, "build"),
                                         "--tests-file", TESTS_INI, "--test", "good"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               stdin=subprocess.DEVNULL, timeout=60)
            check(r.returncode == 0 and "hello on the console" in r.stdout
                  and "end status=0" in r.stdout, "run.py boots a test on %s" % emu,
                  r.stdout[-600:])
        t0 = time.monotonic()
        r = subprocess.run(PYTHON + [os.path.join(GRADER, "run.py"), "--emu", "qemu",
                                     "--lab", "1", "--build", os.path.join(scratch, "build"),
                                     "--tests-file", TESTS_INI, "--test", "hang", "--timeout", "1"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        # run.py's own words say the 1 s --timeout stopped it (the test's
        # timeout is 4 s); the wall-time bound is loose, for busy machines
        # (8 s failed once at load 20).
        check(r.returncode == 124 and "stopped after 1 s (--timeout)" in r.stdout
              and time.monotonic() - t0 < 30 and not survivors(tag),
              "run.py --timeout stops a hung kernel", r.stdout[-600:])
        # 5. One boot, many tests: identical guests and options share a run.
        print("shared boots")
        check_shared_boot(scratch)
        # 6. until_lab: a test retired at a later lab.
        print("until_lab")
        check_until_lab(scratch)
        # 7. GRUB refuses the kernel (Bochs boots through GRUB).
        if "bochs" in emus:
            print("GRUB refusals")
            check_grub_refusal(scratch)
        check(not survivors(tag), "no emulator survives the self-test",
              "\n".join(survivors(tag)))
    finally:
        for s in survivors(tag):    # never leave one behind, even on our own bug
            try:
                os.kill(int(s.split()[0]), signal.SIGKILL)
            except OSError:
                pass
        if a.keep:
            print("scratch directory kept: %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return finish(t_start)


def check_grub_refusal(scratch):
    """A file GRUB cannot load ends the Bochs run at once, with GRUB's own
    error on the console and the file named in the verdict (grader/
    emulators.py's guards), not as a timeout that says nothing."""
    build_dir = os.path.join(scratch, "build")
    shutil.copy(os.path.join(build_dir, "guests", "mod.bin"),
                os.path.join(build_dir, "nomultiboot.elf"))
    ini = os.path.join(scratch, "grub.ini")
    with open(ini, "w") as f:
        f.write("[grub-refuses]\ndescription = no Multiboot header\npoints = 1\n"
                "kernel = nomultiboot.elf\nguest_tags = no\nmodules =\n    mod.bin\n"
                "timeout = 5\nresults =\n    ^end status=0$\n")
    r, secs = grade(scratch, os.path.join(scratch, "out-grub"), ["--emu", "bochs"],
                    tests_file=ini)
    check(r.returncode != 0 and
          "CRASH: GRUB could not boot: /hv.elf error: no multiboot header found" in r.stdout
          and secs < emulators.timeout_for("bochs", 5),
          "GRUB's refusal of a kernel is reported with its message in %.1f s" % secs,
          r.stdout[-800:])


def finish(t_start) -> int:
    print("grader self-test: wall time %.1f s" % (time.monotonic() - t_start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
