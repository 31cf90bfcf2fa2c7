#!/usr/bin/env python3
"""
grader/run.py - boot one test's guests interactively (make qemu / bochs).

    python3 grader/run.py --emu qemu|bochs --lab N --build BUILDDIR
        [--test NAME] [--gdb PORT] [--hv-args "..."] [--timeout SECONDS]
        [--record | --replay]

Without --test it boots the lab's `demo = yes` test (searching labs N down
to 1).  QEMU: the console (COM1) is this terminal (`-serial mon:stdio`:
Ctrl-A X quits, Ctrl-A C gives QEMU's monitor); the result channel (COM2)
goes to BUILDDIR/run/result.txt.  Bochs: the console file is copied to
this terminal as it grows.  The emulator is always stopped on exit, on
Ctrl-C and after --timeout seconds (default 120; none with --gdb).
The command lines come from emulators.py, as for grading.

--record (make qemu-record) runs the test as the grader does - console
and result channel to files, the test's timeout - with QEMU recording
every input into BUILDDIR/record/labL-NAME/, then prints the console.
--replay (make qemu-replay) replays that recording under GDB's stub
(QEMU waits for `make gdb`), copying the console to this terminal as the
replay prints it.  grader/replay.py has the details.
"""

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import emulators  # noqa: E402
import process    # noqa: E402
import replay     # noqa: E402
import spec       # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_test(a):
    if a.tests_file:
        tests = []
        for f in a.tests_file:
            tests += spec.read_file(f, a.lab)
    else:
        tests = spec.load(a.root, a.lab, a.hidden)
    if a.test:
        found = [t for t in tests if t.name == a.test or t.id == a.test]
        if not found:
            sys.exit("run: no test %r in labs 1..%d (tests: %s)"
                     % (a.test, a.lab, " ".join(t.name for t in tests)))
        return sorted(found, key=lambda t: -t.lab)[0]   # the latest lab's wins
    for n in range(a.lab, 0, -1):
        for t in tests:
            if t.lab == n and t.demo:
                return t
    sys.exit("run: lab %d has no `demo = yes` test; give TEST=name" % a.lab)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Boot one Parakeet test interactively.")
    ap.add_argument("--emu", choices=["qemu", "bochs"], default="qemu")
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--test", default=None)
    ap.add_argument("--gdb", type=int, default=None, metavar="PORT")
    ap.add_argument("--hv-args", default=None, help="replace the test's hypervisor command line")
    ap.add_argument("--add-hv-args", default="",
                    help="append to the hypervisor command line (make trace: `trace`)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="stop after this many seconds (default 120; none with --gdb; 0 = none)")
    ap.add_argument("--hidden", default=None)
    ap.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--tests-file", action="append", default=[], help=argparse.SUPPRESS)
    rr = ap.add_mutually_exclusive_group()
    rr.add_argument("--record", action="store_true",
                    help="record the run (QEMU) into BUILD/record/labL-NAME for --replay")
    rr.add_argument("--replay", action="store_true",
                    help="replay the recorded run under GDB's stub (with --gdb PORT)")
    a = ap.parse_args(argv)

    t = find_test(a)
    if (a.record or a.replay) and a.emu != "qemu":
        sys.exit("run: record/replay is QEMU's (Bochs has no GDB stub): use --emu qemu")
    if a.record:
        return record_main(a, t)
    if a.replay:
        return replay_main(a, t)
    hv_args = a.hv_args if a.hv_args is not None else t.hv_args
    hv_args = " ".join(x for x in (hv_args, a.add_hv_args) if x)
    timeout = a.timeout if a.timeout is not None else (None if a.gdb else 120.0)
    if timeout == 0:
        timeout = None
    workdir = os.path.abspath(os.path.join(a.build, "run"))
    if a.gdb and a.emu != "qemu":
        sys.exit("run: --gdb needs QEMU (Bochs as packaged has no GDB stub)")
    try:
        if a.emu == "qemu":
            launch = emulators.launch_qemu(a.build, t.modules, hv_args, t.memory, workdir,
                                           interactive=True, gdb_port=a.gdb, kernel=t.kernel)
        else:
            launch = emulators.launch_bochs(a.build, t.modules, hv_args, t.memory, workdir,
                                            kernel=t.kernel)
    except emulators.SetupError as e:
        sys.exit("run: %s" % e)
    if os.path.exists(launch.result):
        os.unlink(launch.result)

    print("run: %s on %s: %s" % (t.id, a.emu, t.description or ""))
    print("run: modules: %s" % (" | ".join(m.cmdline() for m in t.modules) or "(none)"))
    print("run: result channel -> %s" % launch.result)
    if a.emu == "qemu":
        print("run: Ctrl-A X quits QEMU%s" % ("; stops after %.0f s" % timeout if timeout else ""))
    if a.gdb:
        print("run: QEMU waits for GDB on 127.0.0.1:%d.  In another terminal:  make gdb LAB=%d"
              "\n     (or: gdb -ex 'target remote 127.0.0.1:%d' %s)"
              % (a.gdb, a.lab, a.gdb, os.path.join(a.build, "hv.elf")))
    sys.stdout.flush()

    # Keep the terminal's settings: QEMU puts it in raw mode for mon:stdio.
    saved = None
    if sys.stdin.isatty():
        try:
            import termios
            saved = termios.tcgetattr(sys.stdin.fileno())
        except (ImportError, OSError):
            saved = None

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    status = 0
    try:
        if a.emu == "qemu":
            p = process.start(launch, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)
            try:
                p.wait(timeout)
            except Exception:          # subprocess.TimeoutExpired
                print("\r\nrun: stopped after %.0f s (--timeout)" % timeout)
                status = 124
        else:
            p = process.start(launch)
            status = tail_bochs(p, launch, timeout)
    except KeyboardInterrupt:
        print("\r\nrun: interrupted")
        status = 130
    finally:
        process.kill_all(gentle=True)
        if saved is not None:
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
    try:
        with open(launch.result) as f:
            lines = f.read().splitlines()
        print(one_line_summary(lines, launch.result))
    except OSError:
        print("run: no result lines (%s)" % launch.result)
    return status


def record_main(a, t) -> int:
    """make qemu-record: one run as the grader makes it, recorded."""
    hv_args = a.hv_args if a.hv_args is not None else t.hv_args
    timeout = a.timeout if a.timeout else t.timeout
    print("run: recording %s on qemu: %s" % (t.id, t.description or ""))
    print("run: modules: %s" % (" | ".join(m.cmdline() for m in t.modules) or "(none)"))
    sys.stdout.flush()
    try:
        rdir, launch, outcome = replay.record(t, a.build, hv_args=hv_args, timeout=timeout)
    except emulators.SetupError as e:
        sys.exit("run: %s" % e)
    except KeyboardInterrupt:
        process.kill_all(gentle=True)
        print("\nrun: interrupted")
        return 130
    sys.stdout.write(read_text(launch.console))
    lines = read_text(launch.result).splitlines()
    print(one_line_summary(lines, launch.result))
    print("run: recorded %.1f s (%s) into %s (%s)" % (
        outcome.seconds, "ended by itself" if outcome.stop == "exit" else
        "stopped: %s %s" % (outcome.stop, outcome.detail), os.path.relpath(rdir),
        human_size(os.path.join(rdir, emulators.RR_LOG))))
    args = make_args(a)
    print("run: replay it, backwards too:  make qemu-replay %s TEST=%s   and in another "
          "terminal:  make gdb %s" % (args, t.name, args))
    return 0


def replay_main(a, t) -> int:
    """make qemu-replay: the recording, under GDB's stub, halted.  Under GDB
    QEMU also listens on a QMP socket in a private temporary directory
    (a short path: Unix socket paths are limited to ~100 bytes), named in
    the marker file for tools/gdb/parakeet.py."""
    qmp_dir = tempfile.mkdtemp(prefix="pk-replay-") if a.gdb else None
    qmp = os.path.join(qmp_dir, "qmp.sock") if qmp_dir else None
    try:
        meta, launch = replay.replay_launch(t, a.build, gdb_port=a.gdb, qmp=qmp)
    except (replay.Stale, emulators.SetupError) as e:
        if qmp_dir:
            shutil.rmtree(qmp_dir, ignore_errors=True)
        sys.exit("run: %s" % e)
    for f in (launch.console, launch.result):
        if os.path.exists(f):
            os.unlink(f)
    marker = os.path.join(a.build, replay.RECORD_DIR, replay.REPLAYING)
    print("run: replaying %s as recorded %s by %s (it %s): %s" % (
        t.id, meta["recorded"], meta["how"],
        "ended by itself" if meta["stop"] == "exit" else "was stopped: " + meta["stop"],
        os.path.relpath(replay.record_dir(a.build, t))))
    if a.gdb:
        print("run: QEMU waits for GDB on 127.0.0.1:%d.  In another terminal:  make gdb %s\n"
              "     reverse-stepi, reverse-continue, reverse-finish and watchpoints run "
              "backwards; pk-last-trap,\n     pk-who-wrote ADDR and pk-guest-last answer the "
              "usual questions (handouts/tools.md)." % (a.gdb, make_args(a)))
    sys.stdout.flush()

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    status = 0
    try:
        p = process.start(launch)
        with open(marker, "w") as f:     # .gdbinit and parakeet.py: a replay is running
            f.write("%s %d%s\n" % (t.id, p.pid, " " + qmp if qmp else ""))
        status = tail_bochs(p, launch, a.timeout or None)
    except KeyboardInterrupt:
        print("\nrun: interrupted")
        status = 130
    finally:
        process.kill_all(gentle=True)
        if os.path.exists(marker):
            os.unlink(marker)
        if qmp_dir:
            shutil.rmtree(qmp_dir, ignore_errors=True)
    got = read_text(launch.result)
    print(one_line_summary(got.splitlines(), launch.result))
    return status


def make_args(a) -> str:
    """LAB=N [REF=...] as the build directory's name says (build/lab2-refall)."""
    m = re.match(r"lab(\d+)(?:-ref(.+))?$", os.path.basename(os.path.normpath(a.build)))
    if not m:
        return "LAB=%d" % a.lab
    return "LAB=%s%s%s" % (m.group(1), " REF=%s" % m.group(2) if m.group(2) else "",
                           " HIDDEN=%s" % a.hidden if a.hidden else "")


def read_text(path) -> str:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except (OSError, TypeError):
        return ""


def human_size(path) -> str:
    try:
        n = os.path.getsize(path)
    except OSError:
        return "no log"
    return "%s log" % ("%d KiB" % (n >> 10) if n < 10 << 20 else "%d MiB" % (n >> 20))


def one_line_summary(lines, path) -> str:
    """`run: 7 domains (hello poweroff, rogue destroyed, ...); end status=0`"""
    end = [x for x in lines if x.startswith("end status=")]
    doms = []
    for x in lines:
        m = re.match(r"summary d(\d+) name=(\S+) end=(\S+)", x)
        if m:
            doms.append("%s %s" % (m.group(2), m.group(3)))
    todo = unfinished_exercises(lines)
    panic = [x for x in lines if x.startswith("panic: ")]
    parts = ["%d domain%s (%s)" % (len(doms), "" if len(doms) == 1 else "s", ", ".join(doms))
             if doms else "no domain summary"]
    if todo:
        parts.append("unfinished exercises this run reached: %s" % ", ".join(todo))
    if panic:
        parts.append(panic[0])
    parts.append(end[-1] if end else "no `end status=` line (crash or interrupted)")
    return "run: " + "; ".join(parts) + " [result channel: %s]" % path


def unfinished_exercises(lines):
    """Each exercise named by a `todo: LAB L exercise E (name) ...` line, once,
    in lab and exercise order: `lab 1 ex 4 (domain builder)`.  (An exercise
    reports itself every time its code runs, so lines repeat.)"""
    found = {}
    for x in lines:
        m = re.match(r"(?:d\d+: )?todo: LAB (\d+) exercise (\d+)( \([^)]*\))?", x, re.I)
        if m:
            key = (int(m.group(1)), int(m.group(2)))
            found.setdefault(key, "lab %d ex %d%s" % (key[0], key[1], m.group(3) or ""))
    return [found[k] for k in sorted(found)]


def tail_bochs(p, launch, timeout) -> int:
    """Copy Bochs' console file to the terminal until Bochs ends (also a
    QEMU replay's: its serial ports write files, as when it was recorded)."""
    t0 = time.monotonic()
    pos = 0
    out = sys.stdout.buffer
    while True:
        done = p.poll() is not None
        try:
            with open(launch.console, "rb") as f:
                f.seek(pos)
                data = f.read()
            pos += len(data)
            out.write(data)
            out.flush()
        except OSError:
            pass
        if done:
            return 0
        if timeout and time.monotonic() - t0 > timeout:
            print("\nrun: stopped after %.0f s (--timeout)" % timeout)
            return 124
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
