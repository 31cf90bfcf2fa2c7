#!/usr/bin/env python3
"""tools/trace.py - draw lab 5's scheduling trace as a timeline (make trace).

`make trace LAB=5 TEST=name` boots the test with the hypervisor option
`trace`; the hypervisor then keeps every scheduling event and prints them
on the console when the run ends (format: lab5-sched/hv/trace.c):

    trace t=NS switch from=WHO to=WHO reason=R   (WHO: dN or idle; R: start,
                                                  slice, wake, block, yield,
                                                  end, idle)
    trace t=NS timer dN | wake dN | block dN | end dN

This tool reads that console (and the result channel, for the module
names and the summary's CPU times) and writes an SVG: one lane per
domain, coloured spans of running, runnable and blocked time, an arrow at
every switch (from the lane that stopped to the lane that started, its
reason in the tooltip), a dot at every wake and a tick at every timer.
It prints each domain's share of the CPU as the trace shows it and, when
the summary has them, as the hypervisor counted it (`dN: cpu_ns=N`).

    python3 tools/trace.py CONSOLE_FILE [RESULT_FILE] [-o out.svg]
    python3 tools/trace.py --self-test

Standard library only, like the grader.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional, Tuple

SWITCH = re.compile(r"^trace t=(\d+) switch from=(d\d+|idle) to=(d\d+|idle) reason=(\w+)")
EVENT = re.compile(r"^trace t=(\d+) (timer|wake|block|end) d(\d+)$")
HV_PREFIX = re.compile(r"^\(hv\) ")
MODULE = re.compile(r'^module (\d+) file=(\S+)(?: args="(?:[^"]*?\bname=([^\s"]+))?)?')
CPU = re.compile(r"^d(\d+): cpu_ns=(\d+)(?: share=([0-9.]+)%)?")
END = re.compile(r"^d(\d+): end (\S+)")
# Console lines may start with "(hv) "; a guest's tag or nonce at the end
# of a result line never matters: lines are matched at their start.

COLOURS = {"running": "#2e8b57", "runnable": "#f0c040", "blocked": "#a0a0b0"}
# What a domain is after it stops running, by the switch's reason.
AFTER = {"slice": "runnable", "yield": "runnable", "wake": "runnable",
         "block": "blocked", "end": None, "start": None, "idle": None}


class Trace:
    """The events of one run, and the spans they imply."""

    def __init__(self) -> None:
        self.switches: List[Tuple[int, str, str, str]] = []
        self.wakes: List[Tuple[int, str, str]] = []  # (t, dN, wake|timer)
        self.ended: Dict[str, int] = {}
        self.blocks: List[Tuple[int, str]] = []
        self.names: Dict[str, str] = {}
        self.cpu_ns: Dict[str, int] = {}
        self.ends: Dict[str, str] = {}

    @classmethod
    def parse(cls, text: str) -> "Trace":
        t = cls()
        for line in text.splitlines():
            line = HV_PREFIX.sub("", line.strip())
            m = SWITCH.match(line)
            if m:
                t.switches.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
                continue
            m = EVENT.match(line)
            if m:
                when, what, d = int(m.group(1)), m.group(2), "d" + m.group(3)
                if what in ("wake", "timer"):
                    t.wakes.append((when, d, what))
                elif what == "end":
                    t.ended[d] = when
                elif what == "block":
                    t.blocks.append((when, d))
                continue
            m = MODULE.match(line)
            if m:
                t.names["d" + m.group(1)] = m.group(3) or m.group(2).rsplit("/", 1)[-1]
                continue
            m = CPU.match(line)
            if m:
                t.cpu_ns["d" + m.group(1)] = int(m.group(2))
                continue
            m = END.match(line)
            if m:
                t.ends["d" + m.group(1)] = m.group(2)
        t.switches.sort(key=lambda s: s[0])
        t.wakes.sort(key=lambda w: w[0])
        return t

    def domains(self) -> List[str]:
        seen = set(self.names) | set(self.cpu_ns)
        for _, a, b, _ in self.switches:
            seen |= {a, b}
        for _, d, _ in self.wakes:
            seen.add(d)
        seen.discard("idle")
        return sorted(seen, key=lambda d: int(d[1:]))

    def bounds(self) -> Tuple[int, int]:
        times = [s[0] for s in self.switches] + [w[0] for w in self.wakes] + \
            [b[0] for b in self.blocks] + list(self.ended.values())
        if not times:
            return 0, 1
        return min(times), max(max(times), min(times) + 1)

    def spans(self) -> Dict[str, List[Tuple[int, int, str]]]:
        """Per domain: (start, end, state) spans from the first switch on.

        A domain is runnable until it first runs; then running until a
        switch away, and blocked or runnable after it by the reason; a wake
        turns blocked into runnable; `end` ends its lane.
        """
        start, stop = self.bounds()
        state: Dict[str, Optional[str]] = {d: "runnable" for d in self.domains()}
        since: Dict[str, int] = {d: start for d in state}
        out: Dict[str, List[Tuple[int, int, str]]] = {d: [] for d in state}

        def move(d: str, t: int, new: Optional[str]) -> None:
            if d not in state or state[d] == new:
                return
            if state[d] is not None and t > since[d]:
                out[d].append((since[d], t, state[d]))
            state[d] = new
            since[d] = t

        # At one time: blocks and ends first, then switches, then wakes.
        events = [(t, 0, ("b", d, "", "")) for t, d in self.blocks]
        events += [(t, 0, ("e", d, "", "")) for d, t in self.ended.items()]
        events += [(t, 1, ("s", a, b, why)) for t, a, b, why in self.switches]
        events += [(t, 2, ("w", d, why, "")) for t, d, why in self.wakes]
        for t, _, ev in sorted(events, key=lambda e: (e[0], e[1])):
            kind, a, b, why = ev
            if kind == "s":
                if a != "idle" and why not in ("start", "idle") and state.get(a) == "running":
                    move(a, t, AFTER.get(why, "runnable"))
                if b != "idle":
                    move(b, t, "running")
            elif kind == "b":
                move(a, t, "blocked")
            elif kind == "e":
                move(a, t, None)
            elif kind == "w" and b == "wake" and state.get(a) == "blocked":
                move(a, t, "runnable")
        for d in state:
            move(d, stop, None)
        return out

    def shares(self) -> Dict[str, float]:
        """Each domain's running time as a percentage of the traced span."""
        start, stop = self.bounds()
        total = stop - start
        return {d: 100.0 * sum(e - s for s, e, st in sp if st == "running") / total
                for d, sp in self.spans().items()}


def svg(trace: Trace, title: str = "") -> str:
    """The timeline as an SVG document."""
    doms = trace.domains()
    start, stop = trace.bounds()
    left, lane, width, top = 150, 34, 900, 40
    height = top + lane * max(len(doms), 1) + 60
    scale = width / (stop - start)
    y = {d: top + i * lane for i, d in enumerate(doms)}

    def x(t: int) -> float:
        return left + (t - start) * scale

    root = ET.Element("svg", xmlns="http://www.w3.org/2000/svg",
                      width=str(left + width + 20), height=str(height),
                      viewBox="0 0 %d %d" % (left + width + 20, height))
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(defs, "marker", id="arrow", markerWidth="6", markerHeight="6",
                           refX="5", refY="3", orient="auto")
    ET.SubElement(marker, "path", d="M0,0 L6,3 L0,6 z", fill="#333")
    ET.SubElement(root, "rect", x="0", y="0", width="100%", height="100%", fill="white")
    text = ET.SubElement(root, "text", x=str(left), y="20", fill="#000")
    text.set("font-family", "sans-serif")
    text.set("font-size", "14")
    text.text = title or "scheduling trace"
    shares = trace.shares()
    for d in doms:
        label = ET.SubElement(root, "text", x="8", y=str(y[d] + lane * 0.6), fill="#000")
        label.set("font-family", "monospace")
        label.set("font-size", "12")
        name = trace.names.get(d, "")
        label.text = "%s %s %.1f%%" % (d, name[:10], shares.get(d, 0.0))
    for d, spans in trace.spans().items():
        for s, e, st in spans:
            r = ET.SubElement(root, "rect", x="%.2f" % x(s), y=str(y[d] + 4),
                              width="%.2f" % max((e - s) * scale, 0.5),
                              height=str(lane - 12), fill=COLOURS[st])
            ET.SubElement(r, "title").text = "%s %s %.3f-%.3f ms" % (
                d, st, (s - start) / 1e6, (e - start) / 1e6)
    mid = lane // 2
    for t, a, b, why in trace.switches:
        if a == "idle" or b == "idle" or a == b or a not in y or b not in y:
            continue
        line = ET.SubElement(root, "line", x1="%.2f" % x(t), y1=str(y[a] + mid),
                             x2="%.2f" % x(t), y2=str(y[b] + mid), stroke="#333")
        line.set("stroke-width", "0.8")
        line.set("marker-end", "url(#arrow)")
        ET.SubElement(line, "title").text = "%.3f ms %s -> %s (%s)" % (
            (t - start) / 1e6, a, b, why)
    for t, d, what in trace.wakes:
        if d not in y:
            continue
        if what == "wake":
            c = ET.SubElement(root, "circle", cx="%.2f" % x(t), cy=str(y[d] + 4), r="3",
                              fill="#c03030")
        else:  # its timer fired: a small tick under the lane
            c = ET.SubElement(root, "line", x1="%.2f" % x(t), y1=str(y[d] + lane - 8),
                              x2="%.2f" % x(t), y2=str(y[d] + lane - 2), stroke="#3050c0")
            c.set("class", "timer")
        ET.SubElement(c, "title").text = "%.3f ms %s: %s" % ((t - start) / 1e6, d, what)
    # Legend and time axis.
    ly = top + lane * len(doms) + 20
    for i, (st, colour) in enumerate(COLOURS.items()):
        ET.SubElement(root, "rect", x=str(left + i * 110), y=str(ly), width="14",
                      height="14", fill=colour)
        lt = ET.SubElement(root, "text", x=str(left + i * 110 + 20), y=str(ly + 12))
        lt.set("font-family", "sans-serif")
        lt.set("font-size", "12")
        lt.text = st
    axis = ET.SubElement(root, "text", x=str(left + 340), y=str(ly + 12))
    axis.set("font-family", "sans-serif")
    axis.set("font-size", "12")
    axis.text = "%.3f ms to %.3f ms of system time; arrows: switches; dots: wakes; blue: timers" % (
        start / 1e6, stop / 1e6)
    return ET.tostring(root, encoding="unicode")


def report(trace: Trace) -> str:
    """The per-domain shares, from the trace and from the summary."""
    lines = []
    start, stop = trace.bounds()
    lines.append("trace: %d switches, %d wakes and timers over %.3f ms" % (
        len(trace.switches), len(trace.wakes), (stop - start) / 1e6))
    shares = trace.shares()
    total_cpu = sum(trace.cpu_ns.values())
    for d in trace.domains():
        s = "  %-4s %-14s ran %5.1f%% of the trace" % (d, trace.names.get(d, ""),
                                                         shares.get(d, 0.0))
        if d in trace.cpu_ns and total_cpu:
            s += ", %5.1f%% of the CPU time in the summary (cpu_ns=%d)" % (
                100.0 * trace.cpu_ns[d] / total_cpu, trace.cpu_ns[d])
        if d in trace.ends:
            s += ", ended: %s" % trace.ends[d]
        lines.append(s)
    return "\n".join(lines)


SAMPLE = """module 0 file=hog.elf args="-- x=1"
module 1 file=lat.elf args=""
(hv) trace t=1000000 switch from=idle to=d0 reason=start
(hv) trace t=3000000 switch from=d0 to=d1 reason=slice
(hv) trace t=4000000 block d1
(hv) trace t=4000000 switch from=d1 to=d0 reason=block
(hv) trace t=6000000 timer d1
(hv) trace t=6000000 wake d1
(hv) trace t=6000000 switch from=d0 to=d1 reason=wake
(hv) trace t=7000000 switch from=d1 to=d0 reason=yield
(hv) trace t=9000000 end d0
(hv) trace t=9000000 switch from=d0 to=d1 reason=end
(hv) trace t=11000000 end d1
(hv) trace end: 0 events dropped (the buffer holds 65536 bytes)
d0: cpu_ns=6000000 share=75.0%
d1: cpu_ns=2000000 share=25.0%
d0: end poweroff
"""


def self_test() -> int:
    """Spans, shares and the SVG of a small made-up trace; 0 when right."""
    t = Trace.parse(SAMPLE)
    problems = []
    spans = t.spans()
    want = {
        "d0": [(1000000, 3000000, "running"), (3000000, 4000000, "runnable"),
               (4000000, 6000000, "running"), (6000000, 7000000, "runnable"),
               (7000000, 9000000, "running")],
        # d1 is runnable until it first runs, blocked 4-6 ms until woken.
        "d1": [(1000000, 3000000, "runnable"), (3000000, 4000000, "running"),
               (4000000, 6000000, "blocked"), (6000000, 7000000, "running"),
               (7000000, 9000000, "runnable"), (9000000, 11000000, "running")],
    }
    for d, w in want.items():
        if spans.get(d) != w:
            problems.append("%s spans %s, expected %s" % (d, spans.get(d), w))
    shares = t.shares()
    if abs(shares["d0"] - 60.0) > 1e-9 or abs(shares["d1"] - 40.0) > 1e-9:
        problems.append("shares %s, expected d0 60%%, d1 40%%" % shares)
    doc = svg(t, "self-test")
    try:
        root = ET.fromstring(doc)
    except ET.ParseError as e:
        problems.append("SVG does not parse: %s" % e)
        root = None
    if root is not None:
        ns = "{http://www.w3.org/2000/svg}"
        arrows = [e for e in root.findall(ns + "line") if e.get("class") != "timer"]
        if len(arrows) != 5:
            problems.append("expected 5 switch arrows, got %d" % len(arrows))
        if len(root.findall(ns + "circle")) != 1:
            problems.append("expected 1 wake mark")
        if len([e for e in root.findall(ns + "line") if e.get("class") == "timer"]) != 1:
            problems.append("expected 1 timer mark")
    rep = report(t)
    for needle in ("d0   hog.elf", "75.0% of the CPU time", "ended: poweroff"):
        if needle not in rep:
            problems.append("report lacks %r:\n%s" % (needle, rep))
    if Trace.parse("").bounds() != (0, 1):
        problems.append("an empty trace has no bounds")
    for p in problems:
        print("trace self-test: " + p)
    print("trace self-test: %s" % ("FAIL" if problems else "ok"))
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*",
                    help="the console of a traced run, and optionally its result channel")
    ap.add_argument("-o", "--out", help="where the SVG goes (default: FIRST_FILE.svg)")
    ap.add_argument("--title", default="")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if not a.files:
        ap.error("a console file is needed (or --self-test)")
    text = ""
    for name in a.files:
        with open(name, errors="replace") as f:
            text += f.read() + "\n"
    trace = Trace.parse(text)
    if not trace.switches:
        print("trace: no trace lines in %s: was the run made with the hypervisor "
              "option `trace`, at lab 5 or later?" % " ".join(a.files), file=sys.stderr)
        return 1
    out = a.out or a.files[0] + ".svg"
    with open(out, "w") as f:
        f.write(svg(trace, a.title))
    print(report(trace))
    print("trace: timeline in %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
