#!/usr/bin/env python3
"""
tools/bench.py - `make bench`: Parakeet against the bare machine, the
paper's Figure 3 and Tables 3-5 in miniature (issue 17, handouts/bench.md).

Boots bench/bench.c twice - as a guest of lab LAB's build (bench_pv.elf,
REF= as for grading) and as a native ring-0 kernel (build/bench/native.elf,
no hypervisor) - plus the paravirtual-only benchmark guests of
tools/check-bench.py (lab 3's bench.elf, lab 4's bench_mm.elf, lab 5's
bench_sched.elf, lab 6's bench_io.elf), and reports
each figure two ways:

  instructions  under deterministic settings (QEMU -icount shift=0,
                emulators.COUNTING_ICOUNT_SHIFT, where the grader uses
                shift=2; Bochs clock sync=none) rdtsc counts instructions:
                the same on every run and on both emulators;
  wall time     rdtsc under QEMU without -icount (host clock ticks): the
                median, min and max of --runs runs.  Noisy.

Writes build/bench/results.json and build/bench/figure3.svg.

usage: tools/bench.py --lab N --build DIR --native ELF [--runs N] [--emu qemu|bochs|both]
"""

import argparse
import datetime
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "grader"))

import emulators  # noqa: E402
import runtest  # noqa: E402
import spec  # noqa: E402
from emulators import Module  # noqa: E402

# Loading check-bench.py also sets QEMU's -icount to one nanosecond an
# instruction (emulators.COUNTING_ICOUNT_SHIFT), where rdtsc counts
# instructions, for both tools' runs.
_cb = importlib.util.spec_from_file_location("check_bench", os.path.join(HERE, "check-bench.py"))
check_bench = importlib.util.module_from_spec(_cb)
_cb.loader.exec_module(check_bench)

OUT = os.path.join(ROOT, "build", "bench")
LINE = re.compile(r"^(?:d\d+: )?bench (\w+)=(\d+)\b")  # lab 6's domU reports too

# name, what it measures, the paravirtual figure, the native figure
# (None: no native counterpart), per what
ROWS = [
    ("null_hypercall", "int $0x82 to an unused number and back", "null_hypercall", None, "call"),
    ("syscall", "null system call from ring 3 (direct gate / native)", "syscall", "syscall", "call"),
    ("syscall_bounced", "null system call bounced through the hypervisor", "syscall_bounced", "syscall", "call"),
    ("page_fault", "page fault taken by the kernel", "page_fault", "page_fault", "fault"),
    ("pte_update_single", "one page-table entry (mmu_update / store+invlpg)", "pte_update_single", "pte_update_single", "entry"),
    ("pte_update_batched", "page-table entry in a batch of 32", "pte_update_batched", "pte_update_batched", "entry"),
    ("pte_update_current", "entry of the current space (update_va_mapping)", "pte_update_current", "pte_update_current", "entry"),
    ("space_switch", "address-space switch (NEW_BASEPTR / mov cr3)", "space_switch", "space_switch", "switch"),
    ("irq_disable_enable", "events off and on (upcall mask / cli;sti)", "irq_disable_enable", "irq_disable_enable", "pair"),
    ("space_fork_per_page", "fork of a 64-page program", "space_fork_per_page", "space_fork_per_page", "page"),
    ("event_send_upcall", "event send -> upcall (same domain)", "event_send_upcall", None, "event"),
    ("multicall_per_entry", "multicall entry (xen_version)", "multicall_per_entry", None, "entry"),
    ("grant_map_unmap", "grant map + unmap (domain 0 maps a domU's page)", "grant_map_unmap", None, "pair"),
    ("io_ring_round_trip", "I/O-ring request round trip (1 sector, 2 domain switches)",
     "io_ring_round_trip", None, "request"),
    ("context_switch", "context switch between two domains (sched_op yield)", "context_switch", None,
     "switch"),
    ("timer_latency", "timer event due -> handler (set_timer_op in the past / PIT IRQ 0 pending, sti)",
     "timer_latency", "timer_latency", "event"),
    ("work_compute", "WORKLOAD compute-bound (sieve, sort, checksum)", "work_compute", "work_compute", "run"),
    ("work_fork_exec_exit", "WORKLOAD 16 x fork+exec+exit of a ring-3 program", "work_fork_exec_exit", "work_fork_exec_exit", "run"),
    ("work_block_io", "WORKLOAD 256 sectors in 32 page reads (split driver / copy from the image)",
     "work_block_io", "work_block_io", "run"),
]
NOT_BUILT = []  # (name, what, "lab N"): rows a later lab's suite will add

# Lab 3's and lab 4's benchmark guests (bench.elf, bench_mm.elf and make
# bench's bench_pv.elf) were written for hypervisors without lab 5's 1 ms
# tick; a tick is 20 000 instructions on Bochs but a million on QEMU, so in
# a lab 5+ build it lands in Bochs's figures only.  They boot with the
# slowest tick lab 5 allows (hv/tick.c: 10 ms, 200 000 instructions on
# Bochs), so at most one lands in a measurement of lab 3's or 4's guests,
# a few instructions per repetition.  bench_pv copes at any tick for its
# operations (the smallest of short batches) and work_ rows (the ticks'
# cost subtracted), but its 64-page fork (~160 000 instructions, the
# smallest of a few) fits between two ticks only at this rate.  Lab 5's and
# 6's guests keep the default tick: theirs is what they measure with.
SLOW_TICK = "tick_us=10000"


def test_for(lab, kernel, modules, done, tagged=True, hv_args=""):
    return spec.Test(lab=lab, name="bench", source="tools/bench.py",
                     description="make bench", modules=modules, memory=32, timeout=120,
                     results=[done], kernel=kernel, guest_tags=tagged, hv_args=hv_args)


def parse(text):
    figures = {}
    for line in text.splitlines():
        m = LINE.match(line.strip())
        if m and m.group(1) not in ("upcalls", "done", "checksum"):
            figures[m.group(1)] = int(m.group(2))
    return figures


def runs_for(args):
    """(label, build, test) of every boot."""
    pv_build = args.build
    out = []
    for lab, guest, _build, done in check_bench.suites():
        if lab <= args.lab:
            # a suite may boot several domains (lab 5's: "a.elf ARGS|b.elf ARGS")
            slow = SLOW_TICK if lab < 5 <= args.lab else check_bench.hv_args_for(args.lab)
            out.append(("pv", pv_build, test_for(lab, "hv.elf", check_bench.modules_of(guest),
                                                 done, hv_args=slow)))
    if args.lab >= 4 and not any(t.modules[0].file == "bench_pv.elf" for _, _, t in out):
        out.append(("pv", pv_build, test_for(4, "hv.elf", [Module("bench_pv.elf", "")],
                                             r"^d0: bench done port=pv",
                                             hv_args=SLOW_TICK if args.lab >= 5
                                             else check_bench.hv_args_for(args.lab))))
    # the native kernel's disk (work_block_io), if make bench-build made one
    native_build = os.path.dirname(args.native)
    disk = [Module("disk.img", "")] if os.path.isfile(os.path.join(native_build, "guests",
                                                                   "disk.img")) else []
    out.append(("native", native_build,
                test_for(1, os.path.basename(args.native), disk, r"^bench done port=native", False)))
    return out


def instructions(args, emu, tmp):
    result = {"pv": {}, "native": {}}
    for label, build, test in runs_for(args):
        where = label if label == "native" else test.modules[0].file
        rec = runtest.run_one(test, emu, build, os.path.join(tmp, emu, label, where))
        figures = parse(rec.result)
        if rec.verdict.kind != "OK" or not figures:
            sys.exit("bench: %s run on %s failed: %s %s\n%s"
                     % (label, emu, rec.verdict.kind, rec.verdict.reason, rec.result[-1500:]))
        result[label].update(figures)
    alias(result["pv"])
    return result


def alias(pv):
    """Below lab 4 (no bench_pv) lab 3's guest gives the syscall and fault rows."""
    for mine, lab3 in (("syscall", "syscall_direct_gate"), ("page_fault", "page_fault_bounced")):
        if lab3 in pv and mine not in pv:
            pv[mine] = pv[lab3]


def wall(args, tmp):
    """rdtsc per operation under QEMU without -icount: host clock ticks."""
    samples = {"pv": {}, "native": {}}
    for i in range(args.runs):
        for label, build, test in runs_for(args):
            where = label if label == "native" else test.modules[0].file
            work = os.path.join(tmp, "wall%d" % i, label, where)
            launch = emulators.launch_qemu(build, test.modules, test.hv_args, test.memory, work,
                                            kernel=test.kernel)
            argv = list(launch.argv)
            j = argv.index("-icount")
            del argv[j:j + 2]
            try:
                subprocess.run(argv, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=120)
            except subprocess.TimeoutExpired:
                sys.exit("bench: a wall-time run of %s timed out" % label)
            with open(launch.result, errors="replace") as f:
                text = re.sub(r"\s*\[[^\]]*\]$", "", f.read(), flags=re.M)
            for k, v in parse(text).items():
                samples[label].setdefault(k, []).append(v)
    alias(samples["pv"])
    return {label: {k: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)}
                    for k, v in d.items()} for label, d in samples.items()}


def agree(key, a, b):
    """QEMU's figure a and Bochs's b are the same path: identical, except
    that Bochs counts an instruction that faults (check_bench.FAULTS)."""
    if a is None or b is None:
        return a == b
    return check_bench.emulators_agree(key, a, b)


def svg(ratios, natives, path, subtitle):
    """Figure 3's shape: one group per workload, the native bar 1.0 with its
    absolute figure on top (the paper prints native's score there),
    Parakeet's bar native / Parakeet (higher is better)."""
    names = list(ratios)
    left, group, bar, gap = 90, 170, 56, 8
    w = max(620, left + group * len(names) + 30)
    h, top, base = 380, 80, 300
    span = base - top  # pixels for a score of 1.1 (the axis's top)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="sans-serif" font-size="13">' % (w, h, w, h),
             '<rect width="%d" height="%d" fill="white"/>' % (w, h),
             '<text x="%d" y="24" text-anchor="middle" font-size="16" font-weight="bold">'
             'Relative score to native (native = 1.0; higher is better)</text>' % (w // 2),
             '<text x="%d" y="44" text-anchor="middle" font-size="12" fill="#444">%s</text>'
             % (w // 2, subtitle)]
    for k, (label, colour) in enumerate((("native: bare machine, ring 0", "#555"),
                                         ("Parakeet: paravirtualised, ring 1", "#2a7ab0"))):
        x = left + k * 240
        parts.append('<rect x="%d" y="56" width="12" height="12" fill="%s"/>' % (x, colour))
        parts.append('<text x="%d" y="67" font-size="12">%s</text>' % (x + 17, label))
    for i in range(6):  # 0.0 .. 1.0 by 0.2
        t = i * 0.2
        y = base - t / 1.1 * span
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>'
                     % (left, w - 20, y, y, "#888" if i == 0 else "#ddd"))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%.1f</text>' % (left - 6, y + 4, t))
    parts.append('<text transform="translate(24 %d) rotate(-90)" text-anchor="middle">'
                 'relative score (instructions: native / Parakeet)</text>' % ((top + base) // 2))
    first_x = left + (w - 20 - left - group * len(names)) // 2 + 25  # the groups centred
    for i, name in enumerate(names):
        x = first_x + group * i
        n = natives[name]
        absolute = "%.2f M" % (n / 1e6) if n >= 1e6 else "%.1f k" % (n / 1e3)
        for j, (score, colour, label) in enumerate(((1.0, "#555", absolute),
                                                    (ratios[name], "#2a7ab0", "%.3f" % ratios[name]))):
            hh = min(score, 1.1) / 1.1 * span
            parts.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"/>'
                         % (x + (bar + gap) * j, base - hh, bar, hh, colour))
            parts.append('<text x="%d" y="%.1f" text-anchor="middle" font-size="12">%s</text>'
                         % (x + (bar + gap) * j + bar // 2, base - hh - 5, label))
        parts.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                     % (x + bar + gap // 2, base + 20, name))
    parts.append('<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#444">workload '
                 '(the number on a native bar: its instructions per run)</text>'
                 % ((left + w - 20) // 2, base + 48))
    parts.append('</svg>')
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--native", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--emu", default="both", choices=["qemu", "bochs", "both"])
    ap.add_argument("--make-args", default="")
    args = ap.parse_args()
    os.chdir(ROOT)
    os.makedirs(OUT, exist_ok=True)
    emus = ["qemu", "bochs"] if args.emu == "both" else [args.emu]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        counts = {e: instructions(args, e, tmp) for e in emus}
        times = wall(args, tmp) if args.runs > 0 else {"pv": {}, "native": {}}
    first = counts[emus[0]]
    both = len(emus) == 2
    same = {}
    print("make bench (%s), %s.  Instructions: deterministic - the same on every run%s."
          % (args.make_args, date, "; QEMU / Bochs, identical (=) except where one more "
             "per fault (f: Bochs counts the faulting instruction, QEMU does not)"
             if both else ""))
    print("Wall time: rdtsc under QEMU without -icount (host clock ticks), median [min-max] of %d runs: "
          "NOISY, for shape only." % args.runs)
    print()

    def col(key, side):
        """One figure, or 'QEMU / Bochs' when both ran."""
        if key is None or first[side].get(key) is None:
            return "-"
        if not both:
            return str(first[side][key])
        return "%s / %s" % (counts["qemu"][side].get(key, "-"), counts["bochs"][side].get(key, "-"))

    def mark(pairs):
        """=, f (the known fault difference) or != for the (key, side)s of a row."""
        if not both:
            return ""
        marks = set()
        for key, side in pairs:
            a, b = counts["qemu"][side].get(key), counts["bochs"][side].get(key)
            marks.add("=" if a == b else "f" if agree(key, a, b) else "!=")
        return "!=" if "!=" in marks else "f" if "f" in marks else "="

    width = 23 if both else 12
    print("%-28s %*s %*s %2s %7s  %-34s %s" % ("benchmark", width, "Parakeet", width, "native", "",
                                               "pv/nat", "wall: pv / native", "what"))
    rows, ratios = [], {}
    for name, what, pvk, natk, per in ROWS:
        pv = first["pv"].get(pvk)
        nat = first["native"].get(natk) if natk else None
        if pv is None and nat is None:
            continue
        m = mark([(pvk, "pv")] + ([(natk, "native")] if natk else []))
        same[name] = m != "!="
        ratio = pv / nat if pv is not None and nat else None
        if name.startswith("work_") and ratio:
            ratios[name[5:]] = nat / pv
        wt = times["pv"].get(pvk)
        wn = times["native"].get(natk) if natk else None
        wtxt = "%s / %s" % ("%d [%d-%d]" % (wt["median"], wt["min"], wt["max"]) if wt else "-",
                            "%d [%d-%d]" % (wn["median"], wn["min"], wn["max"]) if wn else "-")
        print("%-28s %*s %*s %2s %7s  %-34s %s per %s"
              % (name, width, col(pvk, "pv"), width, col(natk, "native"), m,
                 "%.2f" % ratio if ratio else "-", wtxt, what, per))
        rows.append({"name": name, "what": what, "per": per, "pv": pv, "native": nat,
                     "ratio_pv_native": ratio,
                     "instructions": {e: {"pv": counts[e]["pv"].get(pvk),
                                          "native": counts[e]["native"].get(natk) if natk else None}
                                      for e in emus},
                     "identical_on_emulators": m == "=" if both else None,
                     "emulators_agree": m != "!=" if both else None,
                     "wall_ticks": {"pv": times["pv"].get(pvk),
                                    "native": times["native"].get(natk) if natk else None}})
    # Figures of check-bench's other suites (e.g. lab 5's, added with the
    # lab) that ROWS does not name yet: shown as paravirtual-only rows.
    shown = {r[2] for r in ROWS} | {"syscall_direct_gate", "page_fault_bounced"}
    for name in sorted(set(first["pv"]) - shown):
        m = mark([(name, "pv")])
        same[name] = m != "!="
        print("%-28s %*s %*s %2s %7s  %-34s %s" % (name, width, col(name, "pv"), width, "-", m, "-", "-",
                                                   "(paravirtual only)"))
        rows.append({"name": name, "what": "paravirtual only", "pv": first["pv"][name], "native": None,
                     "instructions": {e: {"pv": counts[e]["pv"].get(name), "native": None} for e in emus}})
    present = {int(d[3]) for d in os.listdir(ROOT) if re.match(r"lab\d-", d)}
    for name, what, lab in NOT_BUILT:
        if int(lab.split()[1]) in present and int(lab.split()[1]) <= args.lab:
            continue  # the lab exists: its suite's rows are above
        print("%-28s %*s %*s %2s %7s  %-34s %s" % (name, width, "-", width, "-", "", "-", "-",
                                                   "%s (not built: %s)" % (what, lab)))
    direct, native = first["pv"].get("syscall"), first["native"].get("syscall")
    verdict = None
    if direct and native:
        verdict = direct <= 1.1 * native
        print("\ndirect-gate system call / native system call = %.3f (acceptance: <= 1.1): %s"
              % (direct / native, "ok" if verdict else "FAILS"))
    if ratios:
        print("workloads, relative score to native (native = 1.0): "
              + ", ".join("%s %.3f" % kv for kv in ratios.items()))
    if both:
        bad = sorted(k for k, v in same.items() if not v)
        print("QEMU and Bochs: %s" % ("every row identical, or one more per fault on Bochs (f)"
                                      if not bad else "DIFFERENT in %s (see handouts/bench.md)"
                                      % ", ".join(bad)))
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"date": date, "make_args": args.make_args, "emulators": emus,
                   "measures": {"instructions": "deterministic: rdtsc under QEMU -icount shift=0 and "
                                                "Bochs clock sync=none, guest and hypervisor together",
                                "wall_ticks": "rdtsc under QEMU without -icount: host clock ticks, noisy"},
                   "rows": rows, "relative_score": ratios, "direct_gate_within_1_1x_native": verdict,
                   "not_built": [{"name": n, "what": w, "comes_with": lab} for n, w, lab in NOT_BUILT
                                 if int(lab.split()[1]) not in present or int(lab.split()[1]) > args.lab]},
                  f, indent=1)
    natives = {name[5:]: first["native"][natk] for name, _, _, natk, _ in ROWS
               if name.startswith("work_") and name[5:] in ratios}
    svg(ratios, natives, os.path.join(OUT, "figure3.svg"),
        "make bench %s on %s, %s" % (args.make_args, " and ".join(
            {"qemu": "QEMU", "bochs": "Bochs"}[e] for e in emus), date))
    print("wrote build/bench/results.json and build/bench/figure3.svg")
    return 0 if verdict is not False and all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
