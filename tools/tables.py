#!/usr/bin/env python3
"""tools/tables.py - `make tables LAB=N`: how a build resolved every table
and weak hook of hv/hooks.h, with the lab each entry came from.

Two looks at the same build, checked against each other:
  1. the hypervisor itself: boot hv.elf in QEMU with the option `tables`
     and no modules; it prints every hypercall, trap vector, domain option,
     initcall and vcpu switch hook as it resolved them at boot, with the
     lab the REGISTER_* macro recorded (PARAKEET_LAB, from the directory).
  2. the objects: `nm` of every object linked in finds each table entry
     (the static __hypercall_FN, __trap_FN, ... the macros define) and
     each weak definition, and the lab directory the object was built from.
     Weak hooks are resolved by the linker, so they come from here alone:
     the linked hv.elf says whether the weak default or a strong
     replacement won.

--check (make-test) fails unless both agree: every entry in the objects is
in the boot's tables with the same lab, every hypercall and vector line
names a lab, and each replaced entry comes from a lower lab than the one
that replaced it.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

TABLE_PREFIXES = [  # symbol prefix the macro gives the entry -> table kind
    ("__hypercall_", "hypercall"),
    ("__trap_", "vector"),
    ("__domopt_", "option"),
    ("__initcall_", "initcall"),
    ("__switch_hook_", "switch-hook"),
    ("__domain_hook_", "domain-hook"),
]


def lab_of(path):
    """The N of the last labN-* component of an object's path."""
    labs = [c for c in path.split("/") if re.match(r"lab[0-9]+-", c)]
    return int(re.match(r"lab([0-9]+)-", labs[-1]).group(1)) if labs else None


def source_of(obj, build):
    """build/x/obj/lab1-boot/hv/traps.o -> lab1-boot/hv/traps.{c,S}."""
    rel = os.path.relpath(obj, os.path.join(build, "obj"))
    base = os.path.splitext(rel)[0]
    for ext in (".c", ".S"):
        if os.path.exists(base + ext):
            return base + ext
    return base + ".c"


def nm(tool, path):
    out = subprocess.run([tool, "--defined-only", path], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            yield parts[1], parts[2]


def scan_objects(tool, build, objs):
    """Table entries and weak/strong definitions found in the objects."""
    entries = []        # (kind, fn, lab, source)
    defs = {}           # symbol -> [(type letter, lab, source)]
    for obj in objs:
        src = source_of(obj, build)
        lab = lab_of(src)
        for typ, sym in nm(tool, obj):
            if typ in "rRdD":
                for prefix, kind in TABLE_PREFIXES:
                    if sym.startswith(prefix):
                        entries.append((kind, sym[len(prefix):], lab, src))
                        break
            if typ in "TWVw":
                defs.setdefault(sym, []).append((typ, lab, src))
    weak = {s: d for s, d in defs.items() if any(t in "WVw" for t, _, _ in d)}
    return entries, weak


def boot_tables(build, timeout):
    """Boot hv.elf with `tables` and no modules; the result-channel lines."""
    hv = os.path.abspath(os.path.join(build, "hv.elf"))
    with tempfile.TemporaryDirectory() as tmp:
        con, res = os.path.join(tmp, "console.txt"), os.path.join(tmp, "result.txt")
        argv = ["qemu-system-i386", "-nodefaults", "-accel", "tcg", "-m", "32", "-display", "none",
                "-no-reboot", "-kernel", hv, "-append", "tables",
                "-serial", "file:" + con, "-serial", "file:" + res,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        try:
            subprocess.run(argv, timeout=timeout, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:  # run() has killed QEMU
            pass
        except FileNotFoundError:
            sys.exit("tables: qemu-system-i386 not found; `make deps` installs it")
        lines, console = [], []
        if os.path.exists(res):
            with open(res, errors="replace") as f:
                lines = f.read().splitlines()
        if os.path.exists(con):
            with open(con, errors="replace") as f:
                console = f.read().splitlines()
    return lines, console


def parse(lines):
    """'table KIND k=v ...' lines -> list of (kind, dict)."""
    rows = []
    for line in lines:
        m = re.match(r"table (\S+)(.*)$", line)
        if m:
            rows.append((m.group(1), dict(re.findall(r"(\w+)=(\S+)", m.group(2)))))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--lab", required=True, type=int)
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--hv-objs", default="")
    ap.add_argument("--guest-objs", default="")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)

    hv_objs, guest_objs = a.hv_objs.split(), a.guest_objs.split()
    entries, hv_weak = scan_objects(a.nm, a.build, hv_objs)
    _, guest_weak = scan_objects(a.nm, a.build, guest_objs)
    lines, console = boot_tables(a.build, a.timeout)
    rows = parse(lines)
    src_of = {(k, fn): src for k, fn, _, src in entries}
    problems = []

    if not any(k == "end" for k, _ in rows):
        problems.append("the hypervisor did not print its tables (no 'table end' "
                        "on the result channel); its console ended with:\n    "
                        + "\n    ".join(console[-8:]))

    def show(title, kind, key):
        print(title)
        for k, r in rows:
            if k == kind:
                lab = r.get("lab", "?")
                value = r.get(key, "?") if key else ""
                if kind == "vector" and value.isdigit():
                    value = "%#04x" % int(value)
                label = ("%-4s " % value) if key else ""
                print("  %s%-28s lab %s  %s" % (label, r.get("fn", "?"), lab,
                                                 src_of.get((kind, r.get("fn")), "")))
                if "lab" not in r:
                    problems.append("%s %s: no lab" % (kind, r.get(key)))
            elif k == kind + "-replaced":
                value = r.get(key, "?")
                if kind == "vector" and value.isdigit():
                    value = "%#04x" % int(value)
                print("  %-4s %-28s lab %s  %s  (replaced by a higher lab)"
                      % (value, r.get("fn"), r.get("lab"),
                         src_of.get((kind, r.get("fn")), "")))

    print("Lab %d tables, build %s (hv/hooks.h has the rules)" % (a.lab, a.build))
    show("hypercalls (number, handler, lab; highest lab wins):", "hypercall", "nr")
    show("trap vectors (vector, handler, lab; highest lab wins; 0x82 is the "
         "hypercall gate, other vectors go to do_guest_trap):", "vector", "nr")
    show("domain options (key, parser, lab; a key is unique):", "option", "key")
    show("initcalls (all run, in this order):", "initcall", None)
    show("vcpu switch hooks (all run, in this order):", "switch-hook", None)
    show("domain hooks (create runs in this order, destroy in reverse):",
         "domain-hook", None)

    linked = dict((s, t) for t, s in nm(a.nm, os.path.join(a.build, "hv.elf")))
    for title, weak in (("hypervisor", hv_weak), ("guest library", guest_weak)):
        print("weak hooks, %s (the strong definition wins, else the weak default):" % title)
        if not weak:
            print("  (none)")
        for sym in sorted(weak):
            defs = weak[sym]
            strong = [d for d in defs if d[0] == "T"]
            default = [d for d in defs if d[0] != "T"][0]
            if strong:
                win = strong[0]
                print("  %-20s lab %s  %s  (replaces the weak default, lab %s %s)"
                      % (sym, win[1], win[2], default[1], default[2]))
            else:
                print("  %-20s lab %s  %s  (the weak default)" % (sym, default[1], default[2]))
            if title == "hypervisor" and sym in linked:
                if (linked[sym] == "T") != bool(strong):
                    problems.append("hv.elf has %s as '%s', the objects say %s"
                                    % (sym, linked[sym], "strong" if strong else "weak"))

    # The two looks must agree.
    booted = {}
    for k, r in rows:
        booted.setdefault((k.replace("-replaced", ""), r.get("fn")), []).append(r)
    for kind, fn, lab, src in entries:
        got = booted.get((kind, fn))
        if not got:
            problems.append("%s %s (%s, lab %s) is in the objects but not in the "
                            "hypervisor's tables" % (kind, fn, src, lab))
        elif all(str(lab) != g.get("lab") for g in got):
            problems.append("%s %s (%s): the directory says lab %s, the hypervisor "
                            "says lab %s" % (kind, fn, src, lab, got[0].get("lab")))
    winners = {(k, r.get("nr")): int(r.get("lab", 0)) for k, r in rows
               if k in ("hypercall", "vector")}
    for k, r in rows:
        if k in ("hypercall-replaced", "vector-replaced"):
            w = winners.get((k.split("-")[0], r.get("nr")))
            if w is None or int(r.get("lab", 0)) >= w:
                problems.append("%s %s %s lab %s was replaced by lab %s, not a higher lab"
                                % (k, r.get("nr"), r.get("fn"), r.get("lab"), w))
    for p in problems:
        print("tables: " + p, file=sys.stderr)
    if a.check:
        print("tables check: %d entries in the objects, %d lines from the hypervisor, "
              "%s" % (len(entries), len(rows), "agree" if not problems else
                      "%d problem(s)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
