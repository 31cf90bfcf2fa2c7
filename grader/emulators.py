"""
grader/emulators.py - how Parakeet boots a test on QEMU and on Bochs.

This is the ONE place that knows emulator command lines.  grade.py,
run.py and the self-test all call launch_qemu() / launch_bochs(), which
return a Launch: the argv, environment and working directory to start,
plus where the two serial channels end up.

The channels (see grader/README.md):
  COM1 = console (for people), COM2 = result lines (for the grader).

Determinism: both emulators count time in instructions, not wall time,
and start their real-time clock at the same fixed moment (SEED below), so
a run is repeatable: the same build and test print the same bytes.
  QEMU : -icount shift=ICOUNT_SHIFT,sleep=off  -rtc base=...,clock=vm
  Bochs: cpu: ips=BOCHS_IPS   clock: sync=none, time0=SEED
"""

import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import tags

# --- settings recorded in every log ----------------------------------------

QEMU = "qemu-system-i386"
BOCHS = "bochs"

# One instruction = 2**ICOUNT_SHIFT ns of virtual time; sleep=off: never
# wait for the host clock, so idle time costs no wall time.  Grading runs
# at 4 ns an instruction (250 M a second): a test that waits for time to
# pass (ticks, timers, the watchdog) then runs a quarter of the
# instructions it ran at 1 ns, and QEMU's part of `make grade LAB=6`
# takes 27 % less CPU (15.4 -> 11.2 s, 2026-12-03).  Every test must also
# pass on Bochs at 50 ns an instruction, so 4 ns asks nothing new of a
# solution; at 32 ns lab5/masked-spinner already fails on QEMU.
ICOUNT_SHIFT = 2
# make bench and check-bench count instructions with rdtsc, which under
# -icount reads virtual nanoseconds: they run at 1 ns an instruction, so
# that a count is an instruction count on QEMU as on Bochs.
COUNTING_ICOUNT_SHIFT = 0

# Bochs instructions per emulated second.  Bochs models the UART's
# transmit time (one byte at 115200 baud = 87 us of emulated time), so this
# also sets how many instructions a console byte costs (1736 here).  Higher
# values make BIOS + GRUB boot slower in wall time (measured: 4M ips 1.9 s,
# 20M 2.1 s, 200M 4.1 s per boot).
BOCHS_IPS = 20_000_000

# The "seed": the fixed moment both emulators' real-time clocks start at
# (2000-01-01T00:00:00Z).  With instruction-counted time nothing else in a
# run depends on the host, so this pins down the whole run.
SEED = 946684800
SEED_ISO = "2000-01-01T00:00:00"

# A Bochs run boots BIOS and GRUB first and executes instructions more
# slowly than QEMU: its timeout is the test's timeout times this factor.
BOCHS_TIMEOUT_FACTOR = 3.0

# QEMU's firmware: qboot, the minimal BIOS shipped with QEMU (Debian's
# qemu-system-data; QEMU finds it in its own data directory).  It sets up
# the chipset and runs the Multiboot loader's option ROM without SeaBIOS's
# device probing: a hello boot takes 0.10 s with SeaBIOS and 0.08 s with
# qboot, wall and CPU alike (10 runs each, 2026-12-02, 2-core VM).  Two
# differences the hypervisor copes with: qboot leaves the local APIC's
# LINT0 masked, so hv/boot.S wires the PIC through it itself
# (common/virtual_wire.h), and its memory map has one empty entry and no
# reserved block below the top of RAM.
QEMU_BIOS = "qboot.rom"

BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"

# What Bochs writes to its log (log: FILE) on a triple fault when
# `cpu: reset_on_triple_fault=0`:
#   >>PANIC<< exception(): 3rd (13) exception with no resolution
#   WARNING: Any simulation after this point is completely bogus !
# The Debian build then drops into its debugger, which reads `quit` from
# our -rc file and exits with status 0.  The runner also kills it as soon
# as the line appears, in case it keeps running.
BOCHS_TRIPLE_FAULT = "exception with no resolution"
BOCHS_PANIC = ">>PANIC<<"
# ... and when the kernel writes "Shutdown" to port 0x8900 (exit status 1),
# also as a PANIC line:  >>PANIC<< Shutdown port: shutdown requested
BOCHS_SHUTDOWN = "Shutdown port: shutdown requested"


@dataclass
class Module:
    """One Multiboot module: a file in $BUILD/guests and its arguments."""
    file: str           # file name as written in tests.ini, e.g. hello.elf
    args: str = ""      # the rest of the line, e.g. "name=alpha mem=4M"

    def cmdline(self) -> str:
        """What the hypervisor sees on both emulators: FILE ARGS."""
        return (self.file + " " + self.args).strip()


@dataclass
class Launch:
    """Everything needed to start one emulator run and read its output."""
    emulator: str                    # "qemu" or "bochs"
    argv: List[str]
    cwd: str
    env: Dict[str, str]              # added to os.environ
    console: str                     # COM1 file (None when on the terminal)
    result: str                      # COM2 file
    stdout: str                      # where the emulator's stdout goes
    stderr: str                      # where the emulator's stderr goes
    bochs_log: Optional[str] = None  # Bochs' own log file
    settings: List[str] = field(default_factory=list)  # for the log

    def command_line(self) -> str:
        """A shell command that replays this run exactly."""
        envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in self.env.items())
        cmd = " ".join(shlex.quote(a) for a in self.argv)
        return "cd %s && %s%s" % (shlex.quote(self.cwd), envs + " " if envs else "", cmd)


class SetupError(Exception):
    """A run could not be prepared (missing file, grub-mkrescue failed)."""


def module_paths(build: str, modules: List[Module]) -> List[str]:
    """Absolute paths of the files to load as the modules: each guest's
    copy without debug sections (guests-boot/, made by the Makefile) when
    it was made from the guest in guests/, else that guest itself (lab 1's
    malformed modules have no copy).  Both emulators load the same files,
    so they report the same free frames.  SetupError names a missing one."""
    paths = []
    for m in modules:
        p = os.path.abspath(os.path.join(build, "guests", m.file))
        if not os.path.isfile(p):
            raise SetupError("module file %s not found (expected %s; did `make build` finish?)"
                             % (m.file, p))
        paths.append(stripped_copy(p, os.path.join(build, "guests-boot", m.file)))
    return paths


def stripped_copy(path: str, stripped: str) -> str:
    """stripped when the Makefile made it from path (it is at least as
    new), else path: a stale copy is never loaded."""
    stripped = os.path.abspath(stripped)
    if os.path.isfile(stripped) and os.path.getmtime(stripped) >= os.path.getmtime(path):
        return stripped
    return path


def kernel_path(build: str, kernel: str = "hv.elf") -> str:
    p = os.path.abspath(os.path.join(build, kernel))
    if not os.path.isfile(p):
        raise SetupError("%s not found (did `make build` finish?)" % p)
    return p


# --- QEMU --------------------------------------------------------------------

def qemu_initrd(paths: List[str], modules: List[Module]) -> str:
    """The -initrd string: "path args,path args"; commas in args doubled.

    QEMU passes each module's whole string (path first) as its Multiboot
    command line; the hypervisor keeps only the path's last component, so
    it sees "hello.elf name=alpha" exactly as with GRUB.
    """
    parts = []
    for p, m in zip(paths, modules):
        if "," in p or " " in p:
            raise SetupError("module path %r contains a comma or space, which QEMU's "
                             "-initrd cannot express" % p)
        parts.append((p + " " + m.args.replace(",", ",,")).strip())
    return ",".join(parts)


def with_nonces(modules: List[Module], nonces: Optional[List[str]]) -> List[Module]:
    """The modules with each one's nonce after "--" (tags.py)."""
    if not nonces:
        return modules
    return [Module(m.file, tags.with_nonce(m.args, n)) for m, n in zip(modules, nonces)]


def launch_qemu(build: str, modules: List[Module], hv_args: str, memory: int,
                workdir: str, interactive: bool = False, gdb_port: Optional[int] = None,
                kernel: str = "hv.elf", nonces: Optional[List[str]] = None,
                rr: Optional[str] = None, rr_dir: Optional[str] = None,
                console_name: str = "console.txt", result_name: str = "result.txt",
                qmp: Optional[str] = None) -> Launch:
    """QEMU argv for one run.  interactive: console on stdio (Ctrl-A X quits).
    rr="record" or "replay": QEMU's record/replay into/from rr_dir (see
    rr_options() below); the channels' files may then be renamed, so a
    replay does not overwrite what the recording printed.  qmp: a Unix
    socket path for QEMU's machine protocol (a replay under GDB: the
    pk-* helpers seek through it, tools/gdb/parakeet.py says why)."""
    modules = with_nonces(modules, nonces)
    hv = kernel_path(build, kernel)
    paths = module_paths(build, modules)
    os.makedirs(workdir, exist_ok=True)
    console = os.path.join(workdir, console_name)
    result = os.path.join(workdir, result_name)
    argv = [QEMU, "-nodefaults", "-accel", "tcg", "-bios", QEMU_BIOS, "-m", str(memory),
            "-display", "none", "-no-reboot", "-kernel", hv, "-append", hv_args]
    if paths:
        argv += ["-initrd", qemu_initrd(paths, modules)]
    if interactive:
        argv += ["-serial", "mon:stdio"]
        console = None
    else:
        argv += ["-serial", "file:" + console]
    argv += ["-serial", "file:" + result,
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-icount", "shift=%d,sleep=off" % ICOUNT_SHIFT + rr_icount(rr, rr_dir),
             "-rtc", "base=%s,clock=vm" % SEED_ISO]
    if rr:
        argv += rr_options(rr_dir)
    if gdb_port:
        argv += ["-S", "-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    if qmp:
        argv += ["-qmp", "unix:%s,server=on,wait=off" % qmp]
    if rr == "replay" and gdb_port:
        # A triple fault (a shutdown) pauses the replay for GDB, at the
        # faulting instruction, instead of ending QEMU and the session.
        argv += ["-action", "shutdown=pause"]
    settings = ["emulator: " + qemu_version(),
                "icount: shift=%d,sleep=off (1 instruction = %d ns of virtual time)"
                % (ICOUNT_SHIFT, 1 << ICOUNT_SHIFT),
                "seed: rtc base=%s (%d), clock=vm" % (SEED_ISO, SEED),
                "memory: %d MiB" % memory,
                "modules: " + " | ".join(m.cmdline() for m in modules),
                "hv_args: " + hv_args]
    if rr:
        settings.append("record/replay: %s, %s" % (rr, rr_dir))
    return Launch("qemu", argv, workdir, {}, console, result,
                  os.path.join(workdir, "stdout.txt"), os.path.join(workdir, "stderr.txt"),
                  settings=settings)


# --- QEMU record/replay (make qemu-record / qemu-replay; issue 19) --------------
#
# QEMU 7.2 can record a run and replay it instruction for instruction
# (docs/devel/replay.rst in QEMU's sources): with -icount, every input
# from outside the CPU (the clock, serial input, device events) is written
# to a log (rr=record) and read back from it (rr=replay).  A snapshot of
# the machine at the start ("init") is kept in a qcow2 image given as a
# drive with id=rr: GDB's reverse-stepi and reverse-continue load it and
# replay forwards to the instruction before.  The image starts empty;
# qemu-img (Debian's qemu-utils) makes it.  Bochs has no GDB stub: this is
# QEMU's alone.

RR_LOG = "replay.bin"      # QEMU's record of every input
RR_IMAGE = "rr.qcow2"      # holds the snapshot "init" (empty before recording)
RR_SNAPSHOT = "init"


def rr_icount(rr: Optional[str], rr_dir: Optional[str]) -> str:
    """What record/replay adds to -icount's options ("" without it)."""
    if not rr:
        return ""
    if rr not in ("record", "replay") or not rr_dir:
        raise ValueError("rr must be record or replay, with a directory")
    log = os.path.join(os.path.abspath(rr_dir), RR_LOG)
    if "," in log:
        raise SetupError("record directory %r contains a comma, which QEMU's -icount "
                         "cannot express" % rr_dir)
    return ",rr=%s,rrfile=%s,rrsnapshot=%s" % (rr, log, RR_SNAPSHOT)


def rr_options(rr_dir: str) -> List[str]:
    """The snapshot drive record/replay needs, no network (a network device
    would be one more input to record), and no VAPIC (below)."""
    return ["-drive", "file=%s,if=none,id=rr" % os.path.join(os.path.abspath(rr_dir), RR_IMAGE),
            "-net", "none", "-global", RR_NO_VAPIC]


# Why no VAPIC.  GDB's reverse-continue makes QEMU 7.2 load the start
# snapshot twice: once when GDB asks (the machine is stopped), and once
# more from a timer, when the replay reaches the instruction GDB was at
# and must go back to the last breakpoint hit.  Loading a snapshot resets
# every device, and the APIC's VAPIC helper (kvmvapic, a Windows TPR
# speed-up Parakeet never uses; on by default, under TCG too) resets by
# running a function on the vCPU thread and waiting for it - while the
# main thread holds the replay lock that the vCPU thread, which has just
# been running, needs before it can take that work.  Both wait forever:
# GDB's reverse-continue hung, QEMU idle, in 23 of 40 tries on 2 cores at
# load 7-31, and in none of 40 without the VAPIC (handouts/tools.md has
# the numbers; stacks taken with gdb -p on a hung QEMU, 2026-12-01: main
# thread in load_snapshot > qemu_devices_reset > run_on_cpu, vCPU thread
# in replay_mutex_lock).  Without the VAPIC there is nothing to run on the
# vCPU during a reset.  It also drops the VAPIC's option ROM from the
# firmware, so a recording starts its hypervisor about 64 000
# instructions earlier than a graded run: replay.py compares the result
# channels, not instruction counts.
RR_NO_VAPIC = "apic-common.vapic=off"


def rr_new_image(rr_dir: str) -> None:
    """An empty qcow2 image for the snapshot, made fresh for each recording
    (it lives in the build directory, never in the repository)."""
    os.makedirs(rr_dir, exist_ok=True)
    image = os.path.join(rr_dir, RR_IMAGE)
    if os.path.exists(image):
        os.unlink(image)
    try:
        r = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image, "1M"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise SetupError("qemu-img not found: record/replay keeps its snapshot in a qcow2 "
                         "image that qemu-img makes (make deps installs it: Debian package "
                         "qemu-utils, Homebrew qemu)")
    except subprocess.TimeoutExpired:
        raise SetupError("qemu-img create %s did not finish in 30 s" % image)
    if r.returncode != 0:
        raise SetupError("qemu-img create %s failed (status %d): %s"
                         % (image, r.returncode, (r.stderr or r.stdout).strip()))


_versions: Dict[str, str] = {}


def qemu_version() -> str:
    if "qemu" not in _versions:
        try:
            out = subprocess.run([QEMU, "--version"], capture_output=True, text=True,
                                 timeout=10).stdout
            _versions["qemu"] = out.splitlines()[0] if out else QEMU
        except (OSError, subprocess.TimeoutExpired):
            _versions["qemu"] = QEMU + " (version unknown)"
    return _versions["qemu"]


# --- Bochs -------------------------------------------------------------------

GRUB_FAILED = "grub: cannot boot"   # checks.py looks for this on the console


def _grub_shutdown(indent: str) -> List[str]:
    """End Bochs from GRUB: write "Shutdown" to port 0x8900."""
    return [indent + "insmod iorw"] + [indent + "outb 0x8900 0x%02x" % ord(c)
                                       for c in "Shutdown"]


def _grub_failure(command: str, what: str) -> str:
    """What GRUB runs when `command` failed: repeat it with GRUB's output
    on COM1 (so its error message reaches the console file), then end
    Bochs.  Without this a GRUB error is only on Bochs' invisible screen
    and the run times out saying nothing.  The script runs without GRUB's
    menu (see GRUB_CORE_CFG), so no command is loaded on demand: it loads
    what it uses."""
    lines = ["insmod serial",
             "insmod terminal",
             "insmod echo",
             "serial --unit=0 --speed=115200",
             "terminal_output serial",
             'echo "%s %s:"' % (GRUB_FAILED, what),
             command]
    return "\n".join(lines + _grub_shutdown("")) + "\n"


def grub_cfg(modules: List[Module], hv_args: str) -> Tuple[str, List[str]]:
    """The script GRUB runs (GRUB_CORE_CFG sources it), and the failure
    scripts it names: /boot/grub/fail/N.cfg, sourced only when command N
    fails.  GRUB parses every line of a script it runs, taken branches or
    not, so keeping the failure paths out of grub.cfg saves 1.5 M
    instructions a Bochs boot.  GRUB passes only the ARGS of a module
    line, so repeat the file name: `module /guests/FILE FILE ARGS` gives
    the hypervisor "FILE ARGS"."""
    commands = [(("multiboot /hv.elf %s" % hv_args).strip(), "/hv.elf")]
    commands += [("module /guests/%s %s" % (m.file, m.cmdline()), "module /guests/" + m.file)
                 for m in modules]
    commands += [("boot", "boot")]
    lines = ["insmod multiboot"]
    lines += ["if ! %s; then source /boot/grub/fail/%d.cfg; fi" % (c, i)
              for i, (c, _) in enumerate(commands)]
    return "\n".join(lines) + "\n", [_grub_failure(c, what) for c, what in commands]


# grade.py --run-as sets this to a directory of its own: the build
# directory belongs to the build user, and the grader (root) does not write
# into a directory a student's build could have planted links in.
GRUB_CACHE: Optional[str] = None

# The configuration built into GRUB's core image.  grub-mkrescue's own
# core searches every BIOS disk for the disc and then starts GRUB's menu
# ("normal mode"), which reads its command, file-system and terminal
# lists before it reads grub.cfg; ours only sources grub.cfg from the disc
# it booted from.  Measured on Bochs, one boot of two guests: GRUB's part
# 40 M -> 30 M instructions, 0.66 -> 0.52 s CPU (bochs.log ticks and
# user time, 2026-12-03, 2-core VM).  Modules are loaded from the disc,
# not built into the core: the core is LZMA-compressed and GRUB
# decompresses it byte by byte, which costs more than reading the files.
GRUB_CORE_CFG = "\n".join(["insmod configfile",
                           "source /boot/grub/grub.cfg"] + _grub_shutdown("")) + "\n"
GRUB_CORE_MODULES = ["iso9660", "biosdisk"]    # what reads grub.cfg from the disc

# The modules the scripts load (and what they depend on), no
# translations, fonts or themes.  A full grub-mkrescue image is ~10 MB
# and GRUB reads much of it through Bochs' emulated ATAPI drive; this one
# is ~1 MB.
GRUB_MODULES = "configfile multiboot serial terminal echo iorw"
GRUB_MKRESCUE_OPTIONS = ["--install-modules=" + GRUB_MODULES,
                         "--locales=", "--fonts=", "--themes="]
# No Rock Ridge: GRUB reads a Rock Ridge directory entry's extra records
# for every name it compares while it looks a file up, about 200 K
# instructions a file on Bochs.  Plain ISO 9660 names, left as they are
# (lower case, long, no ";1"), are the same to GRUB: GRUB's part of a
# Bochs boot 27.5 M -> 25.5 M instructions (bochs.log ticks, 2026-12-03).
GRUB_XORRISO_COMMANDS = ["-rockridge", "off", "-compliance",
                         "untranslated_names:omit_version:lowercase:full_ascii"
                         ":deep_paths:long_paths:no_force_dots"]

# Which grub-mkrescue makes i386-pc (BIOS) images: GRUB_MKRESCUE= names
# one; else Debian's grub-mkrescue when its i386-pc modules (grub-pc-bin)
# are installed; else Homebrew's prefixed builds (brew install
# i686-elf-grub).  The same order as grub_mkrescue in tools/tool-checks.sh
# (tools/test-platforms checks that the two agree).
GRUB_MKRESCUE_NAMES = ("GRUB_MKRESCUE=", "grub-mkrescue (with /usr/lib/grub/i386-pc)",
                       "i686-elf-grub-mkrescue", "i386-elf-grub-mkrescue")


def grub_mkrescue() -> str:
    """The grub-mkrescue command to run, or "" when there is none."""
    named = os.environ.get("GRUB_MKRESCUE")
    if named:
        return named if shutil.which(named) else ""
    if shutil.which("grub-mkrescue") and os.path.isdir("/usr/lib/grub/i386-pc"):
        return "grub-mkrescue"
    for c in ("i686-elf-grub-mkrescue", "i386-elf-grub-mkrescue"):
        if shutil.which(c):
            return c
    return ""


def grub_mkimage_name(mkrescue: str) -> str:
    """The grub-mkimage of the same GRUB as mkrescue: the name with its
    last "mkrescue" made "mkimage" (Debian's grub-mkimage, Homebrew's
    i686-elf-grub-mkimage, or the file beside GRUB_MKRESCUE=)."""
    head, sep, tail = mkrescue.rpartition("mkrescue")
    return head + "mkimage" + tail if sep else ""


def grub_mkimage(mkrescue: str) -> str:
    """grub_mkimage_name(mkrescue) if it is installed, else ""."""
    name = grub_mkimage_name(mkrescue)
    return name if name and shutil.which(name) else ""


def boot_image(hv: str) -> str:
    """The file GRUB is to load for hv: the build's hv-boot.elf (hv.elf
    without debug sections, made by the Makefile) when it was made from
    this hv.elf, else hv itself.  GRUB reads and byte-moves the whole file:
    a 280 KB hv.elf cost Bochs 4.4 M instructions more than its 70 KB
    stripped copy (bochs.log ticks, 2026-12-02); what it loads is the same."""
    if os.path.basename(hv) != "hv.elf":
        return hv
    return stripped_copy(hv, os.path.join(os.path.dirname(hv), "hv-boot.elf"))


_iso_locks: Dict[str, threading.Lock] = {}
_iso_locks_guard = threading.Lock()


def grub_iso(build: str, modules: List[Module], hv_args: str, kernel: str = "hv.elf") -> str:
    """A bootable GRUB ISO for (hv, modules, args), cached under
    $BUILD/grub-cache/ by a hash of every input byte: grub-mkrescue takes
    a fraction of a second to a few seconds, so each set is built once
    (at most GRUB_CACHE_MAX images are kept, the least recently used go).
    Safe to call from many threads (one lock per key)."""
    hv = boot_image(kernel_path(build, kernel))
    paths = module_paths(build, modules)
    cfg, failures = grub_cfg(modules, hv_args)
    h = hashlib.sha256()
    for text in [GRUB_CORE_CFG, cfg] + failures + GRUB_XORRISO_COMMANDS:
        h.update(text.encode() + b"\0")
    for p in [hv] + paths:
        h.update(b"\0" + os.path.basename(p).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    key = h.hexdigest()[:20]
    cache = GRUB_CACHE or os.path.join(os.path.abspath(build), "grub-cache")
    iso = os.path.join(cache, key + ".iso")
    with _iso_locks_guard:
        lock = _iso_locks.setdefault(key, threading.Lock())
    with lock:
        if os.path.isfile(iso):
            os.utime(iso)   # recently used: the last to be pruned
            return iso
        mkrescue = grub_mkrescue()
        if not mkrescue:
            raise SetupError("no grub-mkrescue for i386-pc found (tried %s): "
                             "make deps installs one (Debian: grub-common grub-pc-bin "
                             "xorriso mtools; macOS: brew install i686-elf-grub xorriso mtools)"
                             % ", ".join(GRUB_MKRESCUE_NAMES))
        mkimage = grub_mkimage(mkrescue)
        if not mkimage:
            raise SetupError("the grub-mkrescue found (%s) has no grub-mkimage beside it "
                             "(expected %s; the grader makes GRUB's core image with it): "
                             "Debian: apt-get install grub-common; macOS: brew reinstall "
                             "i686-elf-grub" % (mkrescue, grub_mkimage_name(mkrescue) or "?"))
        os.makedirs(cache, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            root = os.path.join(tmp, "iso")
            os.makedirs(os.path.join(root, "boot", "grub"))
            os.makedirs(os.path.join(root, "guests"))
            shutil.copy(hv, os.path.join(root, "hv.elf"))
            for p, m in zip(paths, modules):
                shutil.copy(p, os.path.join(root, "guests", m.file))
            with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
                f.write(cfg)
            os.makedirs(os.path.join(root, "boot", "grub", "fail"))
            for i, text in enumerate(failures):
                with open(os.path.join(root, "boot", "grub", "fail", "%d.cfg" % i), "w") as f:
                    f.write(text)
            core = grub_core(cache, mkimage)
            # grub-mkrescue lays out the disc, its boot record and the
            # modules; the xorriso commands after "--" swap its core image
            # for ours (the El Torito boot entry names that file) and
            # leave out Rock Ridge (GRUB_XORRISO_COMMANDS).
            out = os.path.join(tmp, "out.iso")
            _run_grub_tool([mkrescue, "-o", out] + GRUB_MKRESCUE_OPTIONS +
                           [root, "--", "-map", core, "/boot/grub/i386-pc/eltorito.img"] +
                           GRUB_XORRISO_COMMANDS, out)
            os.replace(out, iso)   # atomic: readers never see half an ISO
        _prune_grub_cache(cache, keep=iso)
    return iso


def grub_core(cache: str, mkimage: str) -> str:
    """GRUB's core image (grub-mkimage), the same for every ISO of a
    cache: made once and kept beside the ISOs, named by a hash of what
    goes into it (a grub-mkimage an ISO was 1.3 s of make test's CPU)."""
    h = hashlib.sha256()
    exe = shutil.which(mkimage) or mkimage
    st = os.stat(exe)      # an upgraded GRUB (new modules on the disc) makes a new core
    for text in [exe, "%d %d" % (st.st_mtime_ns, st.st_size), GRUB_CORE_CFG] + GRUB_CORE_MODULES:
        h.update(text.encode() + b"\0")
    core = os.path.join(cache, "core-%s.img" % h.hexdigest()[:20])
    if not os.path.isfile(core):
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            core_cfg = os.path.join(tmp, "core.cfg")
            with open(core_cfg, "w") as f:
                f.write(GRUB_CORE_CFG)
            out = os.path.join(tmp, "core.img")
            _run_grub_tool([mkimage, "-O", "i386-pc-eltorito", "-p", "/boot/grub",
                            "-c", core_cfg, "-o", out] + GRUB_CORE_MODULES, out)
            os.replace(out, core)   # atomic: another thread may make it too
    return core


def _run_grub_tool(argv: List[str], out: str) -> None:
    r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=120, start_new_session=True)
    if r.returncode != 0 or not os.path.isfile(out):
        raise SetupError("%s failed (status %d):\n%s"
                         % (argv[0], r.returncode, r.stdout[-2000:]))


# Every rebuild of hv.elf or a guest gives new keys; the cache keeps the
# most recently used images and deletes the rest, so build/ stays bounded
# (about 1 MB an image).
GRUB_CACHE_MAX = 64


def _prune_grub_cache(cache: str, keep: str) -> None:
    try:
        isos = [os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".iso")]
        isos.sort(key=lambda f: os.stat(f).st_mtime, reverse=True)
    except OSError:
        return
    for old in isos[GRUB_CACHE_MAX:]:
        if old != keep:
            try:
                os.unlink(old)   # a run using it already has it open
            except OSError:
                pass


def bochsrc(iso: str, memory: int, console: str, result: str, log: str) -> str:
    return "\n".join([
        "# written by grader/emulators.py",
        "display_library: sdl2",          # with SDL_VIDEODRIVER=dummy: no window
        "megs: %d" % memory,
        "romimage: file=%s" % BOCHS_BIOS,
        "vgaromimage: file=%s" % BOCHS_VGABIOS,
        "boot: cdrom",
        "ata0-master: type=cdrom, path=%s, status=inserted" % iso,
        "cpu: reset_on_triple_fault=0, ips=%d" % BOCHS_IPS,
        "clock: sync=none, time0=%d" % SEED,
        "log: %s" % log,
        "com1: enabled=1, mode=file, dev=%s" % console,
        "com2: enabled=1, mode=file, dev=%s" % result,
        "sound: driver=dummy",
        "mouse: enabled=0",
        "",
    ])


# Bochs makes a CD-ROM seek take 80 ms times the distance travelled over
# the disc's size (iodev/harddrv.cc, start_seek), and its BIOS polls the
# drive meanwhile: on our 1 MB ISO, GRUB's seeks between the directory,
# its modules and our files cost 4.1 M instructions of the boot (bochs.log
# ticks, 2026-12-02).  The same ISO at the start of an otherwise empty
# 32 MiB disc seeks 30 times less far in proportion.  The padding is a
# hole in a sparse file; GRUB reads only the ISO.
BOCHS_CD_BYTES = 32 << 20


def write_bochs_cd(path: str, iso: bytes) -> None:
    """The run's CD image: the ISO's bytes, then a hole up to
    BOCHS_CD_BYTES.  Every Bochs work directory of a grade keeps one, so
    on a file system without holes (the file takes its full size on
    disk) the image stays unpadded: slower seeks rather than 32 MiB a
    run."""
    with open(path, "wb") as f:
        f.write(iso)
        if len(iso) >= BOCHS_CD_BYTES:
            return
        f.truncate(BOCHS_CD_BYTES)
        f.flush()
        if os.fstat(f.fileno()).st_blocks * 512 >= BOCHS_CD_BYTES // 2:
            f.truncate(len(iso))


def launch_bochs(build: str, modules: List[Module], hv_args: str, memory: int,
                 workdir: str, kernel: str = "hv.elf",
                 nonces: Optional[List[str]] = None) -> Launch:
    """Bochs argv for one run (builds or reuses the GRUB ISO first).

    With nonces, the cached ISO holds a placeholder of the same length
    where each nonce goes, and this run boots a copy with the nonces
    written in: grub-mkrescue still runs once per set of guests."""
    os.makedirs(workdir, exist_ok=True)
    if nonces:
        cached = grub_iso(build, with_nonces(modules, [tags.placeholder(i)
                                                       for i in range(len(modules))]),
                          hv_args, kernel)
        with open(cached, "rb") as f:
            data, problem = tags.patch_iso(f.read(), nonces)
        if problem:
            raise SetupError(problem)
        modules = with_nonces(modules, nonces)
    else:
        cached = grub_iso(build, modules, hv_args, kernel)
        with open(cached, "rb") as f:
            data = f.read()
    iso = os.path.join(workdir, "run.iso")
    write_bochs_cd(iso, data)
    console = os.path.join(workdir, "console.txt")
    result = os.path.join(workdir, "result.txt")
    log = os.path.join(workdir, "bochs.log")
    for f in (console, result, log):   # Bochs creates COM files lazily
        if os.path.exists(f):
            os.unlink(f)
    rc = os.path.join(workdir, "bochsrc.txt")
    with open(rc, "w") as f:
        f.write(bochsrc(iso, memory, console, result, log))
    # Debian's Bochs starts in its debugger: continue, and quit when it
    # stops (after a panic such as a triple fault).
    cmds = os.path.join(workdir, "bochs-debugger.txt")
    with open(cmds, "w") as f:
        f.write("c\nquit\n")
    argv = [BOCHS, "-q", "-f", rc, "-rc", cmds]
    settings = ["emulator: Bochs (%s)" % BOCHS,
                "cpu: ips=%d, reset_on_triple_fault=0" % BOCHS_IPS,
                "clock: sync=none, time0=%d (seed, %sZ)" % (SEED, SEED_ISO),
                "memory: %d MiB" % memory,
                "iso: %s (a copy of %s; the disc Bochs sees: %d bytes)"
                % (iso, cached, os.path.getsize(iso)),
                "modules: " + " | ".join(m.cmdline() for m in modules),
                "hv_args: " + hv_args,
                "bochsrc: %s" % rc]
    return Launch("bochs", argv, workdir, {"SDL_VIDEODRIVER": "dummy"}, console, result,
                  os.path.join(workdir, "stdout.txt"), os.path.join(workdir, "stderr.txt"),
                  bochs_log=log, settings=settings)


def launch(emulator: str, build: str, modules: List[Module], hv_args: str, memory: int,
           workdir: str, kernel: str = "hv.elf", nonces: Optional[List[str]] = None) -> Launch:
    if emulator == "qemu":
        return launch_qemu(build, modules, hv_args, memory, workdir, kernel=kernel,
                           nonces=nonces)
    if emulator == "bochs":
        return launch_bochs(build, modules, hv_args, memory, workdir, kernel=kernel,
                            nonces=nonces)
    raise ValueError("unknown emulator %r" % emulator)


def timeout_for(emulator: str, seconds: float) -> float:
    """The wall-time limit of one run on this emulator."""
    return seconds * (BOCHS_TIMEOUT_FACTOR if emulator == "bochs" else 1.0)


def exit_detail(launch: Launch) -> str:
    """After an emulator exited by itself: what it said about why.

    Bochs: "shutdown" when the kernel wrote Shutdown to port 0x8900, else
    the message Bochs printed when it quit.  QEMU: its first error line.
    """
    def read(path, limit=1 << 20):
        try:
            with open(path, "rb") as f:
                return f.read(limit).decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""
    err = read(launch.stderr)
    if launch.emulator == "bochs":
        if BOCHS_SHUTDOWN in err or BOCHS_SHUTDOWN in read(launch.bochs_log, 64 << 20):
            return "shutdown"
        lines = err.splitlines()
        for i, line in enumerate(lines):
            if "Bochs is exiting with the following message" in line and i + 1 < len(lines):
                return lines[i + 1].strip()
        return ""
    for line in err.splitlines():
        if line.strip() and "warning" not in line.lower():
            return line.strip()
    return ""
