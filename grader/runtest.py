"""
grader/runtest.py - one test on one emulator: boot, watch, judge, log.

run_one() is what each worker thread of grade.py does.  It never raises
for a problem of the run itself: a missing file or a failed grub-mkrescue
becomes an ERROR verdict, so one broken test cannot stop the others.

The log it writes (build/grade/labL-NAME-EMU.log) holds everything needed
to understand and replay the run: the command line, the emulator
settings and seed, both channels, and the emulator's own output.

One boot, many tests: tests whose kernel, modules, hypervisor arguments,
memory and timeout are identical (boot_key) would boot the very same
machine and see the very same output, so run_shared() boots it once and
judges each of them on that output.  Each keeps its own verdict and log
(the log names the tests it shared the boot with).  grade.py and
tools/check-exercises.py group their runs with group_runs().
"""

import os
import time
from dataclasses import dataclass
from typing import Optional

import checks
import emulators
import process
import tags

TAIL_BYTES = 256 << 10   # how much of the emulator's stdout/stderr/log goes into our log


@dataclass
class RunRecord:
    test: object          # spec.Test
    emulator: str
    verdict: checks.Verdict
    seconds: float
    log: str              # path of the full log
    console: str = ""
    result: str = ""
    command: str = ""     # replays the emulator run
    nonces: Optional[list] = None   # this boot's nonces (a recording reuses them)
    replay: str = ""      # the replay command and what checking it found (grade.py)


def read_text(path: Optional[str], limit: Optional[int] = None, tail: bool = False) -> str:
    if not path:
        return ""
    try:
        with open(path, "rb") as f:
            if tail and limit:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - limit))
                return checks.clean(f.read())
            return checks.clean(f.read(limit) if limit else f.read())
    except OSError:
        return ""


def boot_key(test, emulator: str):
    """Everything that decides what a run of `test` boots and how long it may
    take: two tests with the same key see the same output."""
    return (emulator, test.kernel, tuple((m.file, m.args) for m in test.modules),
            test.hv_args, test.memory, test.timeout)


def group_runs(pairs):
    """[(test, emulator)] -> [([tests], emulator)]: one entry per distinct boot,
    in the order of each boot's first test."""
    groups = {}
    for test, emu in pairs:
        groups.setdefault(boot_key(test, emu), []).append(test)
    return [(tests, key[0]) for key, tests in groups.items()]


def log_path(test, emulator: str, outdir: str) -> str:
    return os.path.abspath(os.path.join(outdir, "lab%d-%s-%s.log" % (test.lab, test.name,
                                                                      emulator)))


def run_one(test, emulator: str, build: str, outdir: str, timeout_scale: float = 1.0,
            max_output: int = process.DEFAULT_MAX_OUTPUT) -> RunRecord:
    return run_shared([test], emulator, build, outdir, timeout_scale, max_output)[0]


class Unfinished:
    """process.watch's `hopeless` for a boot: reads COM1 and COM2 as they
    grow, for `todo: LAB L exercise E` lines (a skeleton's stub prints one
    when it is reached).  The boot is hopeless once every test sharing it
    lists, in its exercises=, an exercise that said so: such a test fails
    (checks.needed_unfinished), and a stub that leaves a guest waiting -
    lab 6's rings, say - would otherwise hold the run to its timeout,
    40 s of a student's grade for a verdict known in the first second."""

    def __init__(self, tests, paths):
        self.tests = tests
        self.files = {p: [0, b""] for p in paths if p}   # path -> [offset, partial line]
        self.todos = []

    def __call__(self) -> Optional[str]:
        for path, st in self.files.items():
            try:
                with open(path, "rb") as f:
                    f.seek(st[0])
                    data = f.read(1 << 20)
            except OSError:
                continue
            st[0] += len(data)
            lines = (st[1] + data).split(b"\n")
            st[1] = lines.pop()          # an unfinished last line: next time
            for line in lines:
                m = checks.TODO_RE.search(line.decode("utf-8", "replace"))
                if m:
                    self.todos.append(m.group(1))
        need = [checks.needed_unfinished(t, self.todos) for t in self.tests]
        if not all(need):
            return None
        return "%s is not done" % checks.EXERCISE_RE.search(need[0][0]).group(0)


def run_shared(tests, emulator: str, build: str, outdir: str, timeout_scale: float = 1.0,
               max_output: int = process.DEFAULT_MAX_OUTPUT):
    """Boot the first test's machine once and judge every test on its output
    (the tests must share a boot_key).  One RunRecord per test, in order."""
    lead = tests[0]
    assert all(boot_key(t, emulator) == boot_key(lead, emulator) for t in tests)
    base = "lab%d-%s-%s" % (lead.lab, lead.name, emulator)
    workdir = os.path.abspath(os.path.join(outdir, "work", base))
    timeout = emulators.timeout_for(emulator, lead.timeout * timeout_scale)
    # A run that prints nothing for the test's own (unscaled) budget is
    # hung: TIMEOUT_SCALE is for slow machines, not for silence.
    idle = min(timeout, emulators.timeout_for(emulator, lead.timeout))
    t0 = time.monotonic()
    # A fresh nonce per module and boot: the guests fold it into every
    # result line, so no line copied from another run verifies (tags.py).
    nonces = tags.new_nonces(len(lead.modules)) if lead.guest_tags else None

    def records(launch, outcome, judge, console="", result="", seconds=None):
        recs = []
        for t in tests:
            v = judge(t)
            log = log_path(t, emulator, outdir)
            shared = [o.id for o in tests if o is not t]
            # The log keeps the raw channels (tags, nonces); people read them without.
            write_log(log, t, emulator, launch, outcome, v, console, result, timeout, shared,
                      nonces)
            recs.append(RunRecord(t, emulator, v,
                                  seconds if seconds is not None else time.monotonic() - t0,
                                  log, tags.display(console, nonces),
                                  tags.display(result, nonces),
                                  launch.command_line() if launch and outcome else "",
                                  nonces))
        return recs

    try:
        launch = emulators.launch(emulator, build, lead.modules, lead.hv_args, lead.memory,
                                  workdir, kernel=lead.kernel, nonces=nonces)
    except (emulators.SetupError, OSError) as e:
        v = checks.Verdict("ERROR", "could not start the run: %s" % e)
        return records(None, None, lambda t: v)
    for f in (launch.console, launch.result):
        if f and os.path.exists(f):
            os.unlink(f)
    if process.RUN_AS:     # the emulator, run as the build user, writes here
        import pwd
        pw = pwd.getpwnam(process.RUN_AS)
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    try:
        p = process.start(launch)
    except OSError as e:
        v = checks.Verdict("ERROR", "could not start %s: %s" % (launch.argv[0], e))
        return records(launch, None, lambda t: v)
    outcome = process.watch(p, launch, timeout, max_output, idle,
                            hopeless=Unfinished(tests, (launch.console, launch.result)))
    if outcome.stop == "exit":
        outcome.detail = emulators.exit_detail(launch)
    # Read at most the cap (+ a little): a flood stops at the cap anyway.
    console = read_text(launch.console, max_output + 65536)
    result = read_text(launch.result, max_output + 65536)
    return records(launch, outcome,
                   lambda t: checks.verdict(t, console, result, outcome, emulator, nonces),
                   console, result, outcome.seconds)


def write_log(path, test, emulator, launch, outcome, v, console, result, timeout, shared=(),
              nonces=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        w = f.write
        w("# %s on %s: %s%s\n" % (test.id, emulator, v.kind, " - " + v.reason if v.reason else ""))
        w("# test spec: %s [%s]\n" % (test.source, test.name))
        w("# timeout: %.1f s (wall time)\n" % timeout)
        if shared:
            w("# one boot served this test and %s (same guests and options): the output "
              "below is theirs too\n" % ", ".join(shared))
        if launch:
            w("\n== replay this run (the exact emulator command):\n%s\n" % launch.command_line())
            w("\n== emulator settings\n")
            for s in launch.settings:
                w("%s\n" % s)
            if nonces:
                w("nonces (one per module; guest lines end in \" @SEQ:TAG\", grader/tags.py): "
                  "%s\n" % " ".join(nonces))
        if outcome:
            w("\n== how it ended\nstop=%s exit_status=%s seconds=%.2f first_output=%s "
              "last_output=%s detail=%s\n" % (
                  outcome.stop, outcome.returncode, outcome.seconds,
                  "%.2f" % outcome.first_output if outcome.first_output is not None else "none",
                  "%.2f" % outcome.last_output if outcome.last_output is not None else "none",
                  outcome.detail))
        if v.expected:
            w("expected: %s\n" % v.expected)
        if v.nearest:
            w("got (closest line): %s\n" % v.nearest)
        w("\n== console (COM1)\n%s" % console)
        if console and not console.endswith("\n"):
            w("\n")
        w("\n== result channel (COM2)\n%s" % result)
        if result and not result.endswith("\n"):
            w("\n")
        if launch:
            for title, p in (("emulator stdout", launch.stdout),
                             ("emulator stderr", launch.stderr),
                             ("Bochs log (last part)", launch.bochs_log)):
                if p:
                    w("\n== %s\n%s" % (title, read_text(p, TAIL_BYTES, tail=True)))
