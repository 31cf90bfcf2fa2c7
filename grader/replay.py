"""
grader/replay.py - record a test's run and replay it exactly (issue 19;
QEMU only: Bochs has no GDB stub and no record/replay).

    make qemu-record LAB=N TEST=t   record()  (grader/run.py --record)
    make qemu-replay LAB=N TEST=t   replay under GDB (grader/run.py --replay)
    make grade                      re-runs each failing QEMU test in record
                                    mode after the grade (record_failure())

A recording is a directory, BUILD/record/labL-NAME/:
    replay.bin     QEMU's log of every input of the run (emulators.RR_LOG)
    rr.qcow2       the snapshot "init" GDB's reverse commands start from
    console.txt    COM1 and COM2 as the recorded run printed them
    result.txt
    replay.json    what was booted (guests, arguments, nonces), a hash of
                   every file booted, and how the run ended
Replaying needs the very same hv.elf and guests (the replay loads them
again, and GDB reads their symbols): replay_launch() refuses, naming the
file, when one changed since the recording.

The grader records nothing while it grades, so grading is not slower when
every test passes.  Runs are deterministic (emulators.py: -icount, a fixed
clock), so a failing test run again in record mode with the same nonces
is the same run; verify() replays the recording once without GDB and
checks that it prints the same result channel, byte for byte.
"""

import hashlib
import json
import os
import shutil
import time
from typing import Optional, Tuple

import emulators
import process
import tags

RECORD_DIR = "record"
META = "replay.json"
REPLAYING = "replaying"      # BUILD/record/replaying: a replay is running (for .gdbinit)


def record_dir(build: str, test) -> str:
    return os.path.abspath(os.path.join(build, RECORD_DIR, "lab%d-%s" % (test.lab, test.name)))


def _sha(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def fingerprints(build: str, test) -> dict:
    """file -> sha256 of everything a run of `test` boots."""
    files = [emulators.kernel_path(build, test.kernel)]
    files += emulators.module_paths(build, test.modules)
    return {os.path.relpath(f, os.path.abspath(build)): _sha(f) for f in files}


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def record(test, build: str, nonces=None, hv_args: Optional[str] = None,
           timeout: Optional[float] = None, how: str = "make qemu-record"):
    """Run `test` once on QEMU in record mode into record_dir().  Returns
    (directory, launch, outcome).  Raises emulators.SetupError."""
    rdir = record_dir(build, test)
    if os.path.isdir(rdir) and not os.path.islink(rdir):
        shutil.rmtree(rdir)
    elif os.path.lexists(rdir):
        os.unlink(rdir)
    os.makedirs(rdir)
    emulators.rr_new_image(rdir)
    hv_args = test.hv_args if hv_args is None else hv_args
    launch = emulators.launch_qemu(build, test.modules, hv_args, test.memory, rdir,
                                   kernel=test.kernel, nonces=nonces, rr="record", rr_dir=rdir)
    timeout = test.timeout if timeout is None else timeout
    p = process.start(launch)
    outcome = process.watch(p, launch, timeout, gentle=True)
    meta = {"test": test.id, "lab": test.lab, "name": test.name, "how": how,
            "kernel": test.kernel, "modules": [[m.file, m.args] for m in test.modules],
            "hv_args": hv_args, "memory": test.memory, "nonces": nonces or [],
            "files": fingerprints(build, test),
            "qemu_global": emulators.RR_NO_VAPIC,
            "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(outcome.seconds, 2), "stop": outcome.stop,
            "exit_status": outcome.returncode,
            "result_sha256": hashlib.sha256(_read(launch.result)).hexdigest()}
    with open(os.path.join(rdir, META), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return rdir, launch, outcome


def load(rdir: str) -> dict:
    with open(os.path.join(rdir, META)) as f:
        return json.load(f)


class Stale(Exception):
    """The recording cannot be replayed against this build."""


def replay_launch(test, build: str, gdb_port: Optional[int] = None,
                  qmp: Optional[str] = None):
    """The QEMU launch that replays test's recording (with GDB's stub when
    gdb_port is given, and QEMU's machine protocol on the Unix socket qmp
    when given).  Raises Stale naming what is missing or changed."""
    rdir = record_dir(build, test)
    try:
        meta = load(rdir)
    except (OSError, ValueError):
        raise Stale("no recording of %s in %s: make it with  make qemu-record TEST=%s  "
                    "(make grade records every failing QEMU test)"
                    % (test.id, os.path.relpath(rdir), test.name))
    for f in (emulators.RR_LOG, emulators.RR_IMAGE):
        if not os.path.isfile(os.path.join(rdir, f)):
            raise Stale("the recording in %s has no %s: record it again" % (rdir, f))
    if meta.get("qemu_global") != emulators.RR_NO_VAPIC:
        # A recording's machine must be the replay's, device for device
        # (emulators.py: why no VAPIC); older recordings had one.
        raise Stale("%s was recorded (%s, by %s) on a machine with QEMU's VAPIC, which this "
                    "Parakeet's replays leave out (-global %s: GDB's reverse-continue could "
                    "hang with it): record it again (make qemu-record TEST=%s, or make grade)"
                    % (test.id, meta.get("recorded"), meta.get("how"), emulators.RR_NO_VAPIC,
                       test.name))
    try:
        now = fingerprints(build, test)
    except emulators.SetupError as e:
        raise Stale(str(e))
    changed = sorted(f for f in set(now) | set(meta["files"])
                     if now.get(f) != meta["files"].get(f))
    if changed:
        raise Stale("%s changed since %s was recorded (%s, by %s): a replay needs the very "
                    "same files; record it again (make qemu-record TEST=%s, or make grade)"
                    % (", ".join(changed), test.id, meta["recorded"], meta["how"], test.name))
    mods = [emulators.Module(f, a) for f, a in meta["modules"]]
    return meta, emulators.launch_qemu(build, mods, meta["hv_args"], meta["memory"], rdir,
                                       kernel=meta["kernel"], nonces=meta["nonces"] or None,
                                       gdb_port=gdb_port, qmp=qmp, rr="replay", rr_dir=rdir,
                                       console_name="console-replay.txt",
                                       result_name="result-replay.txt")


def verify(test, build: str, timeout: float) -> Tuple[bool, str]:
    """Replay the recording once without GDB: does it print exactly the
    recorded result channel?  (ok, a sentence saying what was compared)."""
    try:
        meta, launch = replay_launch(test, build)
    except Stale as e:
        return False, str(e)
    for f in (launch.console, launch.result):
        if os.path.exists(f):
            os.unlink(f)
    p = process.start(launch)
    outcome = process.watch(p, launch, timeout)
    got = _read(launch.result)
    want = _read(os.path.join(record_dir(build, test), "result.txt"))
    if outcome.stop != "exit":
        return False, "the replay did not end by itself (%s after %.0f s)" % (
            outcome.stop, outcome.seconds)
    if got != want:
        n = next((i for i, (a, b) in enumerate(zip(got.split(b"\n"), want.split(b"\n")))
                  if a != b), min(got.count(b"\n"), want.count(b"\n")))
        return False, "the replay's result channel differs from the recording's at line %d" \
            % (n + 1)
    return True, "the replay printed the recorded result channel byte for byte (%d lines)" \
        % want.count(b"\n")


def record_failures(recs, build: str, make_args: str, timeout_scale: float = 1.0,
                    hidden: Optional[str] = None, jobs: int = 1) -> None:
    """After a grade: run each failing QEMU boot again in record mode (with
    the nonces it had, so it is the same run), check that the recorded run
    printed the graded result channel and that its replay prints it again,
    and set rec.replay on every failing record to the command and the
    verdict.  Tests that shared one boot share its recording."""
    import concurrent.futures as cf
    import runtest
    groups = {}
    for rec in recs:
        if rec.emulator == "qemu" and rec.verdict.kind in ("FAIL", "CRASH", "TIMEOUT", "FLOOD"):
            groups.setdefault(runtest.boot_key(rec.test, "qemu"), []).append(rec)

    def one(group):
        lead = group[0]
        timeout = emulators.timeout_for("qemu", lead.test.timeout * timeout_scale)
        try:
            rdir, launch, outcome = record(lead.test, build, nonces=lead.nonces,
                                           timeout=timeout, how="make grade")
        except (emulators.SetupError, OSError) as e:
            return "not recorded: %s" % e
        raw = _read(launch.result).decode("utf-8", "replace")
        if tags.display(raw, lead.nonces) != lead.result:
            note = ("recorded again after the grade, but that run's result channel differs "
                    "from the graded run's: the replay may not show this failure")
        else:
            ok, why = verify(lead.test, build, timeout * 2 + 10)
            note = ("recorded again after the grade: the same result channel as the graded "
                    "run, and %s" % why) if ok else ("recorded again after the grade, but "
                                                     "the replay check failed: %s" % why)
        for rec in group[1:]:        # the same machine: point at the same recording
            other = record_dir(build, rec.test)
            if os.path.isdir(other) and not os.path.islink(other):
                shutil.rmtree(other)
            elif os.path.lexists(other):
                os.unlink(other)
            os.symlink(os.path.basename(rdir), other)
        return note

    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        notes = dict(zip(groups, pool.map(one, groups.values())))
    for key, group in groups.items():
        for rec in group:
            hid = " HIDDEN=%s" % os.path.dirname(rec.test.source) if rec.test.hidden else ""
            cmd = "make qemu-replay %s TEST=%s%s   and in another terminal:  make gdb %s" % (
                make_args, rec.test.name, hid, make_args)
            if notes[key].startswith("not recorded"):
                rec.replay = "none: the run was " + notes[key]
            else:
                rec.replay = "%s\n          (%s)" % (cmd, notes[key])
