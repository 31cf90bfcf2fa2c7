#!/usr/bin/env python3
"""
tools/check-bench.py - the paravirtual paths may not grow (`make check-bench`,
and a step of `make test`).

Boots lab 3's benchmark guest (lab3-hypercalls/tests/bench.c), lab 4's
(lab4-mmu/tests/bench_mm.c: page-table updates), make bench's
paravirtual guest (bench/bench.c: its workloads) and lab 5's
(lab5-sched/tests/bench_sched.c: a switch between two domains, a timer
event; two copies) and lab 6's (lab6-isolation/tests/bench_io.c: grant map +
unmap, an I/O-ring round trip, block reads; domain 0 and a domU) on QEMU
and on Bochs with
the grader's deterministic settings, where the time-stamp counter counts
instructions, and compares each figure with the committed
baseline tools/bench-baseline.ini:

  - a figure more than 10 % above its baseline fails, naming the benchmark
    and both numbers (a path got longer: find out why, or, if it is worth
    it, raise the baseline in the same commit and say why);
  - a figure more than 10 % below is reported as an improvement to record
    (`--update` rewrites the baseline from this run);
  - the two emulators must report the same figures, exactly.  One
    difference is known and allowed: Bochs counts an instruction that
    faults on a memory access (the page-fault rows' load) as one, QEMU
    does not count it, so there Bochs is higher by FAULTS[name] per
    operation.  Any other difference is a path whose instruction count
    depends on the emulator - a `rep` string instruction with a non-zero
    count (QEMU -icount counts one more), another fault, a tick in a
    measurement - and fails (handouts/bench.md, "The two measures").

Counts are deterministic, so this check cannot flake: the same build gives
the same numbers on every run.

usage: tools/check-bench.py [--build DIR] [--update] [--emu qemu|bochs|both] | --self-test
"""

import argparse
import configparser
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "grader"))

import runtest  # noqa: E402
import spec  # noqa: E402
from emulators import Module  # noqa: E402
import emulators  # noqa: E402

# rdtsc counts instructions only at one nanosecond an instruction
# (emulators.COUNTING_ICOUNT_SHIFT; grading runs at ICOUNT_SHIFT).
emulators.ICOUNT_SHIFT = emulators.COUNTING_ICOUNT_SHIFT

BASELINE = os.path.join(HERE, "bench-baseline.ini")
GROWTH_LIMIT = 1.10       # fail above baseline * this
# Figures whose operation takes a fault on a memory access: Bochs counts
# the faulting instruction, QEMU does not (measured: one skipped
# `movl 0x1000, %eax` is 106 instructions natively on QEMU, 107 on
# Bochs).  Per operation, Bochs minus QEMU.
FAULTS = {"page_fault_bounced": 1, "page_fault": 1}


def emulators_agree(name, qemu, bochs):
    """QEMU's and Bochs's figures are the same path (see FAULTS)."""
    return bochs - qemu == FAULTS.get(name, 0)

# any domain's: lab 6's frontend (domain 1) measures its own paths
LINE = re.compile(r"^d\d+: bench (\w+)=(\d+)\b")


# The benchmark guests: lab 3's (hypercalls, traps, events) and, when lab 4
# is present, lab 4's (page-table updates), each booted in its own lab's
# reference build.  Their figures share one baseline table.
SUITES = [
    # lab, guest (with its arguments; several: one domain each), build
    # directory, the line that says it finished
    (3, "bench.elf", "build/lab3-refall", r"^d0: bench upcalls=[1-9]"),
    (4, "bench_mm.elf", "build/lab4-refall", r"^d0: bench done hv_frames=[1-9]"),
    # make bench's guest (bench/bench.c on bench/port_pv.c): its workloads
    (4, "bench_pv.elf", "build/lab4-refall", r"^d0: bench done port=pv"),
    (5, "bench_sched.elf -- op=ping|bench_sched.elf -- op=pong", "build/lab5-refall",
     r"^d0: bench done sched=1"),
    # lab 6: domain 0 the block backend, domain 1 the frontend it creates
    (6, "bench_io.elf -- op=back|bench_io.elf role=domu -- op=front|disk.img role=disk",
     "build/lab6-refall", r"^d0: bench done io=1"),
]


# Lab 1's watchdog (hv/watchdog.c) ticks at 4 Hz of emulated time until
# lab 5 replaces it: every 5 million instructions on Bochs, 250 million on
# QEMU.  bench_pv's work_compute (ten million) held two ticks on Bochs
# only (9 795 040 against 9 794 802), so the guests of labs 3 and 4 boot
# with it off in their own labs' builds.
NO_WATCHDOG = "watchdog=0"


def hv_args_for(build_lab: int) -> str:
    return NO_WATCHDOG if build_lab < 5 else ""


def modules_of(guest: str):
    """'a.elf ARGS|b.elf ARGS' -> one Module each, in domain order."""
    out = []
    for item in guest.split("|"):
        name, _, args = item.strip().partition(" ")
        out.append(Module(name, args.strip()))
    return out


def suites():
    """The suites whose lab directory exists (a release may stop at lab 3)."""
    return [s for s in SUITES if any(d.startswith("lab%d-" % s[0]) for d in os.listdir(ROOT))]


def bench_test(lab: int, guest: str, done: str) -> spec.Test:
    return spec.Test(lab=lab, name="bench", source="tools/check-bench.py",
                     description="instruction counts of the paravirtual paths",
                     modules=modules_of(guest), memory=32, timeout=60,
                     results=[done], hv_args=hv_args_for(lab))


def measure_one(lab: int, guest: str, build: str, done: str, emulator: str, outdir: str):
    rec = runtest.run_one(bench_test(lab, guest, done), emulator, build, outdir)
    figures = {}
    for line in rec.result.splitlines():
        m = LINE.match(line.strip())
        if m and m.group(1) not in ("upcalls", "checksum", "done"):
            figures[m.group(1)] = int(m.group(2))
    return rec, figures


def load_baseline():
    cp = configparser.ConfigParser()
    cp.read(BASELINE)
    return {k: int(v) for k, v in cp["instructions"].items()} if "instructions" in cp else {}


HEADER = ("# tools/bench-baseline.ini - instructions per operation of the labs'\n"
          "# benchmark guests (REF=all), as tools/check-bench.py measures them.\n"
          "# Rewritten by `tools/check-bench.py --update`; commit it with the change\n"
          "# that moved the figures and say why in the commit message.\n"
          "# measured on -\n\n[instructions]\n")


def rewrite_baseline(text, figures, note):
    """The baseline file's text with figures' values: every comment, blank
    line and the order of the figures kept (the comments say which guest
    measures what); a figure no longer measured dropped, a new one added
    at the end under a comment asking for one.  Returns (text, added,
    dropped)."""
    out, seen, dropped = [], set(), []
    for line in text.splitlines():
        m = re.match(r"^(\w+)\s*=", line)
        if m:
            if m.group(1) in figures:
                out.append("%s = %d" % (m.group(1), figures[m.group(1)]))
                seen.add(m.group(1))
            else:
                dropped.append(m.group(1))
            continue
        out.append("# " + note if line.startswith("# measured on") else line)
    added = [k for k in figures if k not in seen]
    if added:
        out.append("# added by --update (%s): say which guest measures these" % note)
        out += ["%s = %d" % (k, figures[k]) for k in added]
    return "\n".join(out) + "\n", added, dropped


def write_baseline(figures, note):
    try:
        with open(BASELINE) as f:
            text = f.read()
    except FileNotFoundError:
        text = HEADER
    text, added, dropped = rewrite_baseline(text, figures, note)
    with open(BASELINE, "w") as f:
        f.write(text)
    for what, names in (("added", added), ("dropped (not measured any more)", dropped)):
        if names:
            print("check-bench: %s: %s" % (what, ", ".join(names)))


def self_test() -> int:
    """--self-test: --update keeps the committed baseline's comments and
    order, changes only values, drops and adds figures as it says."""
    with open(BASELINE) as f:
        text = f.read()
    figures = load_baseline()
    same, added, dropped = rewrite_baseline(text, figures, "measured on qemu, bochs")
    problems = []
    if (same, added, dropped) != (text, [], []):
        problems.append("rewriting the baseline with its own figures changed it")
    first, second = list(figures)[:2]
    moved = dict(figures, **{first: figures[first] + 1, "a_new_figure": 7})
    del moved[second]
    out, added, dropped = rewrite_baseline(text, moved, "measured on qemu")
    comments = [line for line in text.splitlines() if line.startswith("#") and "measured on" not in line]
    if [line for line in out.splitlines() if line.startswith("#") and "measured on" not in line
            and "added by --update" not in line] != comments:
        problems.append("the comments were not kept")
    if added != ["a_new_figure"] or dropped != [second]:
        problems.append("added %s dropped %s, expected ['a_new_figure'] and ['%s']" % (added, dropped, second))
    if "%s = %d" % (first, figures[first] + 1) not in out.splitlines() or "# measured on qemu" not in out:
        problems.append("a changed value or the note is missing")
    for p in problems:
        print("check-bench self-test: " + p)
    print("check-bench self-test: %s" % ("FAILED" if problems else "ok"))
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=None,
                    help="lab 3's build directory (default build/lab3-refall); lab 4's is build/lab4-refall")
    ap.add_argument("--emu", default="both", choices=["qemu", "bochs", "both"])
    ap.add_argument("--update", action="store_true", help="rewrite the baseline from this run")
    ap.add_argument("--self-test", action="store_true", help="check --update's rewriting, boot nothing")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    os.chdir(ROOT)
    todo = [(lab, guest, args.build if (args.build and lab == 3) else build, done)
            for lab, guest, build, done in suites()]
    for lab, guest, build, _ in todo:
        if not os.path.isfile(os.path.join(build, "guests", modules_of(guest)[0].file)):
            r = subprocess.run(["make", "--no-print-directory", "build", "LAB=%d" % lab, "REF=all"])
            if r.returncode:
                return 1
    emus = ["qemu", "bochs"] if args.emu == "both" else [args.emu]
    results = {}
    with tempfile.TemporaryDirectory(prefix="check-bench-") as out:
        for emu in emus:
            results[emu] = {}
            for lab, guest, build, done in todo:
                rec, figures = measure_one(lab, guest, build, done, emu,
                                           os.path.join(out, "lab%d" % lab))
                if rec.verdict.kind != "OK" or not figures:
                    print("check-bench: the benchmark guest %s did not run on %s: %s %s"
                          % (guest, emu, rec.verdict.kind, rec.verdict.reason))
                    print(rec.result[-2000:])
                    return 1
                results[emu].update(figures)
    first = results[emus[0]]
    if args.update:
        write_baseline(first, "measured on %s" % ", ".join(emus))
        print("check-bench: baseline rewritten: %s" % BASELINE)
        return 0

    baseline = load_baseline()
    failed = 0
    print("%-30s %10s %10s %10s  %s" % ("benchmark", "baseline", "qemu" if "qemu" in results else "",
                                        "bochs" if "bochs" in results else "", "verdict"))
    for name in first:
        base = baseline.get(name)
        values = [results[e].get(name) for e in emus]
        verdicts = []
        if base is None:
            verdicts.append("no baseline (run --update)")
            failed += 1
        else:
            worst = max(v for v in values if v is not None)
            if worst > base * GROWTH_LIMIT:
                verdicts.append("GREW %.0f %% (limit %d %%)"
                                % ((worst / base - 1) * 100, (GROWTH_LIMIT - 1) * 100))
                failed += 1
            elif worst < base / GROWTH_LIMIT:
                verdicts.append("shorter by %.0f %%: record it (--update)"
                                % ((1 - worst / base) * 100))
        if emus == ["qemu", "bochs"] and None not in values and \
                not emulators_agree(name, values[0], values[1]):
            verdicts.append("QEMU and Bochs disagree (expected Bochs - QEMU = %d)"
                            % FAULTS.get(name, 0))
            failed += 1
        cols = [str(results[e].get(name, "-")) for e in emus] + [""] * (2 - len(emus))
        print("%-30s %10s %10s %10s  %s" % (name, base if base is not None else "-",
                                            cols[0], cols[1], "; ".join(verdicts) or "ok"))
    for name in baseline:
        if name not in first:
            print("%-30s: in the baseline but not measured any more" % name)
            failed += 1
    print("check-bench: %s" % ("%d problem(s)" % failed if failed else "every path within 10 % of its baseline"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
