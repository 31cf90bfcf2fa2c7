"""
grader/process.py - start an emulator, watch it, and always end it.

Every emulator runs in its own process group (start_new_session=True), so
killing the group with os.killpg() also ends anything it started.  Every
live group is remembered in LIVE; kill_all() ends them all (grade.py calls
it on Ctrl-C, SIGTERM and at exit), so no emulator ever outlives the grader.

watch() waits on the run, looking at it at least every POLL seconds, and
stops it when:
  - its deadline passes                        -> stop="timeout"
  - nothing was printed for `idle` seconds      -> stop="timeout", detail="silent"
  - COM1 or COM2 output passes the cap         -> stop="flood"
  - Bochs logs a triple fault or a panic       -> stop="triple" / "panic"
  - `hopeless` says it can no longer pass        -> stop="unfinished", HOPELESS_GRACE
    seconds later (runtest.py: it reached an exercise the test needs that
    is not done; a run that hangs there would otherwise wait out its timeout)
otherwise the emulator exits by itself           -> stop="exit"
"""

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from emulators import BOCHS_PANIC, BOCHS_SHUTDOWN, BOCHS_TRIPLE_FAULT, Launch

# Python as we were started: with -S when we were (the Makefile starts
# Parakeet's Python without site-packages, which it does not need).
PYTHON = [sys.executable] + (["-S"] if sys.flags.no_site else [])
POLL = 0.05                   # seconds between checks
DEFAULT_MAX_OUTPUT = 1 << 20  # bytes per channel (1 MiB)
MAX_BOCHS_LOG = 64 << 20      # Bochs' own log: a runaway logger is a flood too
HOPELESS_GRACE = 1.0          # seconds a hopeless run goes on (its last words)

LIVE = {}                     # pid -> Popen, every process group still running
RUN_AS = None                 # grade.py --run-as: start emulators as this user (we are root)
_LIVE_LOCK = threading.Lock()
_STOPPING = False             # set by kill_all(): no new emulator may start


class Stopped(OSError):
    """start() after kill_all(): the grader is being interrupted."""


@dataclass
class RunOutcome:
    stop: str                     # exit | timeout | flood | triple | panic | unfinished
    returncode: Optional[int]     # emulator exit status (negative: signal)
    seconds: float                # wall time of the run
    first_output: Optional[float] = None  # when COM1/COM2 first grew (s)
    last_output: Optional[float] = None   # when they last grew (s)
    detail: str = ""              # e.g. which channel flooded, the Bochs panic line


def as_user(user) -> dict:
    """Popen arguments that run the child as `user` (None: as ourselves).
    The emulators run the student's code, so the grader (root) starts them
    as the unprivileged build user, like the build itself."""
    if not user:
        return {}
    import pwd
    pw = pwd.getpwnam(user)
    if sys.version_info >= (3, 9):
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}

    def demote():
        os.setgid(pw.pw_gid)
        os.setgroups([])
        os.setuid(pw.pw_uid)
    return {"preexec_fn": demote}


def start(launch: Launch, stdin=subprocess.DEVNULL, stdout=None, stderr=None) -> subprocess.Popen:
    """Start the emulator in a new process group and register it."""
    env = dict(os.environ)
    env.update(launch.env)
    out = stdout if stdout is not None else open(launch.stdout, "wb")
    err = stderr if stderr is not None else open(launch.stderr, "wb")
    try:
        # Start and register under the lock: kill_all() either sees this
        # process in LIVE or has already set _STOPPING, so an emulator can
        # never slip in between Ctrl-C and the end of the grader.
        with _LIVE_LOCK:
            if _STOPPING:
                raise Stopped("interrupted: not starting %s" % launch.argv[0])
            p = subprocess.Popen(launch.argv, cwd=launch.cwd, env=env, stdin=stdin,
                                 stdout=out, stderr=err, start_new_session=True,
                                 **as_user(RUN_AS))
            LIVE[p.pid] = p
    finally:
        if stdout is None:
            out.close()
        if stderr is None:
            err.close()
    return p


def kill_group(p: subprocess.Popen, gentle: bool = False) -> None:
    """End p's whole process group.  gentle: SIGTERM first (QEMU then puts
    the terminal back in order), SIGKILL if it is still there after 2 s."""
    if gentle and p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(2)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)   # the group, even if the leader exited
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass
    with _LIVE_LOCK:
        LIVE.pop(p.pid, None)


def kill_all(gentle: bool = False) -> None:
    """End every emulator this process started, and let no new one start
    (Ctrl-C, SIGTERM).  Called at a normal end too, where LIVE is empty."""
    global _STOPPING
    with _LIVE_LOCK:
        _STOPPING = True
        procs = list(LIVE.values())
    for p in procs:
        kill_group(p, gentle)


def allow_again() -> None:
    """After kill_all() at the normal end of the grade's runs, let new
    emulators start again (grade.py then records failing runs; a Ctrl-C
    during that calls kill_all() once more)."""
    global _STOPPING
    with _LIVE_LOCK:
        _STOPPING = False


def _size(path: Optional[str]) -> int:
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


class _LogScanner:
    """Reads a growing Bochs log incrementally, looking for a panic."""

    def __init__(self, path: Optional[str]):
        self.path, self.pos, self.tail = path, 0, b""

    def scan(self) -> Optional[str]:
        if not self.path:
            return None
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read(1 << 20)
        except OSError:
            return None
        self.pos += len(data)
        text = (self.tail + data).decode("utf-8", "replace")
        lines = text.split("\n")
        self.tail = lines.pop().encode()       # an unfinished last line
        for line in lines:
            # Bochs logs the normal end ("Shutdown" to port 0x8900) as a
            # PANIC too; that one is not a failure.
            if BOCHS_PANIC in line and BOCHS_SHUTDOWN not in line:
                return line.strip()
        return None


def watch(p: subprocess.Popen, launch: Launch, timeout: Optional[float],
          max_output: int = DEFAULT_MAX_OUTPUT, idle: Optional[float] = None,
          gentle: bool = False,
          hopeless: Optional[Callable[[], Optional[str]]] = None) -> RunOutcome:
    """Wait for the run to end or stop it (see the module comment).  idle:
    stop early when neither channel has grown for that many seconds.
    gentle: stop it with SIGTERM first (a QEMU recording a run then closes
    its record/replay log properly; grader/replay.py).  hopeless: called
    whenever the output grew; a string (why) means the run cannot pass."""
    t0 = time.monotonic()
    scanner = _LogScanner(launch.bochs_log)
    seen = 0
    first = last = None
    stop, detail = "exit", ""
    doomed_at, why = None, ""     # when hopeless() first said so
    try:
        while True:
            rc = p.poll()
            now = time.monotonic() - t0
            sizes = {"console": _size(launch.console), "result": _size(launch.result)}
            total = sizes["console"] + sizes["result"]
            if total > seen:
                seen = total
                last = now
                if first is None:
                    first = now
                if hopeless is not None and doomed_at is None:
                    why = hopeless() or ""
                    if why:
                        doomed_at = now
            if rc is not None:
                break
            if doomed_at is not None and now - doomed_at > HOPELESS_GRACE:
                stop, detail = "unfinished", why
                break
            flooded = [k for k, v in sizes.items() if v > max_output]
            if flooded:
                stop = "flood"
                detail = "%s output passed %d bytes" % (" and ".join(flooded), max_output)
                break
            if launch.bochs_log and _size(launch.bochs_log) > MAX_BOCHS_LOG:
                stop, detail = "flood", "the Bochs log passed %d bytes" % MAX_BOCHS_LOG
                break
            panic = scanner.scan()
            if panic:
                stop = "triple" if BOCHS_TRIPLE_FAULT in panic else "panic"
                detail = panic
                time.sleep(0.2)   # let Bochs finish its register dump
                break
            if timeout is not None and now > timeout:
                stop = "timeout"
                break
            if idle is not None and now - (last if last is not None else 0.0) > idle:
                stop, detail = "timeout", "silent"
                break
            try:
                p.wait(timeout=POLL)   # returns at once when the emulator exits
            except subprocess.TimeoutExpired:
                pass
    finally:
        kill_group(p, gentle)   # always: even after a normal exit, children may linger
    if stop == "exit" and launch.bochs_log:
        # Bochs may have panicked and quit between two polls.
        panic = scanner.scan()
        if panic:
            stop = "triple" if BOCHS_TRIPLE_FAULT in panic else "panic"
            detail = panic
    return RunOutcome(stop, p.returncode, time.monotonic() - t0, first, last, detail)
