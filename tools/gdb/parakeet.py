"""
tools/gdb/parakeet.py - GDB commands that show Parakeet's own structures
(lab 1 onwards; .gdbinit.tmpl sources it for `make gdb`).

GDB prints any C structure (`print domains[0]`, `print *current`), but a
hypervisor's state is spread over tables: which slot of domains[] is which
guest, which vcpu is current, who owns frame 1234.  These commands read
those tables through the symbols in hv.elf and print them the way the
hypervisor's own messages do.  They only read memory; nothing here changes
the machine.

    pk-domains        every domain slot in use: id, name, state, pages, entry
    pk-domain [N]     one domain: memory, addresses, event channels (lab 3)
    pk-vcpu [N]       domain N's virtual CPU (default: the current one)
    pk-page X         the page_info of a frame (X: frame number, physical
                      address, or direct-map address >= 0xFC400000)
    pk-regs           the trap frame being handled, else the CPU's registers
    add-guest NAME    load guests/NAME.elf's symbols (linked at 0xC0000000)

Going backwards, in a recorded run replayed by `make qemu-replay` (issue
19; QEMU's record/replay, so QEMU only):
    pk-last-trap      reverse-continue to the last entry into the hypervisor
                      (a trap stub or the hypercall gate): vector, from where
    pk-who-wrote ADDR [LEN]  reverse-continue to the last write to ADDR
                      (LEN bytes, default 4): who wrote it, old and new value;
                      a guest address is the frame it maps now
    pk-guest-last     back to the guest's last instruction (ring 1 or 3)
                      before the hypervisor was last entered from a guest
    pk-replay         where the replay is: instruction count (QEMU monitor)

What they read (all declared in lab1-boot/include/hv/):
    sched.h  struct domain domains[MAX_DOMAINS], unsigned nr_domains,
             struct vcpu *current, struct vcpu (one per domain)
    mm.h     struct page_info frame_table[MAX_FRAMES], unsigned long max_page
    x86.h    struct cpu_user_regs (the trap frame entry.S builds)

Each command is plain Python over gdb.parse_and_eval(): read it to learn
GDB's Python API.  Every field of those structures exists from lab 1 on;
what a later lab fills in (event channels in lab 3) is shown only when the
build has that lab's code.
"""

import json
import os
import re
import socket
import time

import gdb

# The hypervisor's part of every address space (lab1-boot/include/hv/config.h).
HYPERVISOR_VIRT_START = 0xFC000000   # the read-only machine-to-phys table, 4 MiB
DIRECTMAP_VIRT_START = 0xFC400000    # machine memory 0..56 MiB; hv.elf at 0xFC500000
DIRECTMAP_SIZE = 56 << 20
PERDOMAIN_VIRT_START = 0xFFC00000    # lab 4: the current vCPU's GDT and LDT
PAGE_SHIFT = 12

# Event channel states, from lab3-hypercalls/include/hv/event.h (ECS_*).
ECS_NAMES = {0: "free", 1: "unbound", 2: "interdomain", 4: "virq"}


class ParakeetError(gdb.GdbError):
    """An error shown to the user as one line, without a Python traceback."""


# ---------------------------------------------------------------- helpers

def value(expr):
    """Evaluate a C expression in the hypervisor, or explain what is missing."""
    try:
        return gdb.parse_and_eval(expr)
    except gdb.MemoryError:
        raise                      # ParakeetCommand.invoke explains this one
    except gdb.error as e:
        raise ParakeetError("cannot evaluate `%s`: %s\n(are the hypervisor's symbols loaded - "
                            "`file build/labN/hv.elf` - and does this lab's build have it?)"
                            % (expr, e))


def build_has(symbol):
    """Does hv.elf define `symbol`?  Tells which labs this build contains."""
    try:
        gdb.parse_and_eval("&" + symbol)
        return True
    except gdb.error:
        return False


def u32(val):
    return int(val) & 0xFFFFFFFF


def c_string(val):
    """A char array or char * as a Python string ('' for NULL)."""
    try:
        if val.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and int(val) == 0:
            return ""
        return val.string(errors="replace")
    except gdb.MemoryError:
        return "<unreadable>"


def state_name(val):
    """DOMSTATE_running -> running."""
    return str(val).replace("DOMSTATE_", "")


def parse_int(arg, what):
    """A number or any C expression (`2`, `0x1a000`, `domains[1].pt_base_mfn`)."""
    try:
        return int(gdb.parse_and_eval(arg))
    except (gdb.error, ValueError):
        raise ParakeetError("%s: expected a number or C expression, got %r" % (what, arg))


def domain(n):
    """domains[n], after checking that slot is in use."""
    count = int(value("nr_domains"))
    if not 0 <= n < count:
        raise ParakeetError("no domain %d: %s (nr_domains = %d; see pk-domains)"
                            % (n, "domains 0..%d exist" % (count - 1) if count else
                               "no domain has been made yet", count))
    return value("domains[%d]" % n)


def current_domain_id():
    """The id of the domain whose vcpu is `current`, or None."""
    cur = value("current")
    if int(cur) == 0:
        return None
    return int(cur["domain"]["domain_id"])


def print_regs(r, indent="  "):
    """A struct cpu_user_regs, laid out like the hypervisor's own dumps."""
    g = lambda name: u32(r[name])  # noqa: E731
    print("%seax %08x ebx %08x ecx %08x edx %08x" % (indent, g("eax"), g("ebx"), g("ecx"), g("edx")))
    print("%sesi %08x edi %08x ebp %08x esp %08x" % (indent, g("esi"), g("edi"), g("ebp"), g("esp")))
    print("%seip %08x cs %04x (ring %d) ss %04x ds %04x eflags %08x" % (
        indent, g("eip"), g("cs"), g("cs") & 3, g("ss"), g("ds"), g("eflags")))
    print("%svector %d error code %#x" % (indent, g("entry_vector"), g("error_code")))
    if not g("cs") & 3:
        # The CPU pushes esp and ss only when the trap changes rings.
        print("%s(a trap from ring 0, the hypervisor itself: esp and ss are not part of "
              "this frame)" % indent)


# ---------------------------------------------------------------- base class

class ParakeetCommand(gdb.Command):
    """Shared by every command below: registers `name` and turns a memory
    read that fails into one explained line instead of a Python traceback."""

    name = None

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            self.run(arg.strip())
        except gdb.MemoryError as e:
            raise ParakeetError(
                "%s: %s.\nThe hypervisor's data lives at 0xFC400000 and up, readable only "
                "once boot.S has turned paging on:\nstop somewhere later first "
                "(e.g. `break start_hypervisor`, `continue`)." % (self.name, e))

    def run(self, arg):
        raise NotImplementedError


# ---------------------------------------------------------------- commands

class PkDomains(ParakeetCommand):
    """List every domain: id, name, state, pages owned/allowed, entry point.
The current domain (the one whose vcpu is loaded) is marked with *.
Until lab 5 domains run one after another, so a domain appears here once
the hypervisor reaches its module (run_next_domain in hv/domain.c)."""

    name = "pk-domains"

    def run(self, arg):
        count = int(value("nr_domains"))
        cur = current_domain_id()
        print("  id  name             state       pages/max   entry       how it ended")
        for n in range(count):
            d = value("domains[%d]" % n)
            print("%s %2d  %-16s %-11s %5d/%-5d 0x%08x  %s" % (
                "*" if n == cur else " ", int(d["domain_id"]), c_string(d["name"]),
                state_name(d["state"]), int(d["tot_pages"]), int(d["max_pages"]),
                u32(d["entry"]), c_string(d["end_reason"])))
        if count == 0:
            print("  (no domains yet: start_domains() makes them from the modules "
                  "at the end of start_hypervisor)")


class PkDomain(ParakeetCommand):
    """Show one domain in detail: pk-domain [N] (default: the current domain).
Its command line, memory, page directory, guest addresses and (lab 3) the
event channel ports it has bound, with their pending and mask bits."""

    name = "pk-domain"

    def run(self, arg):
        n = parse_int(arg, self.name) if arg else current_domain_id()
        if n is None:
            raise ParakeetError("pk-domain: no domain is current; give a number (see pk-domains)")
        d = domain(n)
        ended = c_string(d["end_reason"])
        print('domain %d "%s"  state %s%s' % (int(d["domain_id"]), c_string(d["name"]),
                                            state_name(d["state"]),
                                            "  (%s)" % ended if ended else ""))
        print("  command line   %s" % c_string(d["cmdline"]))
        print("  memory         %d pages owned, %d allowed (mem=)" %
              (int(d["tot_pages"]), int(d["max_pages"])))
        gone = state_name(d["state"]) in ("shutdown", "destroyed", "refused")
        print("  page directory frame %d (cr3 0x%08x)%s" %
              (int(d["pt_base_mfn"]), u32(d["pt_base_mfn"]) << PAGE_SHIFT,
               "  (stale: its frames were freed when it ended)" if gone else ""))
        print("  virt_base      0x%08x   entry 0x%08x   boot stack 0x%08x" %
              (u32(d["virt_base"]), u32(d["entry"]), u32(d["boot_stack_top"])))
        print("  start_info     0x%08x (guest address)   shared_info 0x%08x (hv address)" %
              (u32(d["start_info_va"]), u32(d["shared_info"])))
        if build_has("do_event_channel_op"):           # lab 3
            self.print_event_channels(d)

    @staticmethod
    def print_event_channels(d):
        """Lab 3: the ports in use (state != ECS_FREE), with pending/mask bits."""
        ports = []
        for p in range(d["evtchn"].type.range()[1] + 1):
            e = d["evtchn"][p]
            if int(e["state"]) != 0:
                ports.append((p, e))
        if not ports:
            print("  event channels none bound")
            return
        si = d["shared_info"]
        print("  event channels (port: state, details, pending/masked bits in shared_info)")
        for p, e in ports:
            state = int(e["state"])
            if state == 4:
                what = "virq %d" % int(e["virq"])
            elif state in (1, 2):
                what = "remote d%d port %d" % (int(e["remote_dom"]), int(e["remote_port"]))
            else:
                what = ""
            bits = ""
            if int(si) != 0:
                word, bit = divmod(p, 32)
                pend = (u32(si["evtchn_pending"][word]) >> bit) & 1
                mask = (u32(si["evtchn_mask"][word]) >> bit) & 1
                bits = "pending %d masked %d" % (pend, mask)
            print("    %2d: %-11s %-20s %s" % (p, ECS_NAMES.get(state, "state %d" % state),
                                              what, bits))


class PkVcpu(ParakeetCommand):
    """Show a virtual CPU: pk-vcpu [N] (N = domain id; default: the current vcpu).
Prints how often it entered the hypervisor, its saved registers (lab 5
saves them when it is descheduled; before that, pk-regs shows the live
trap frame), the trap table it registered (lab 2) and its event
callbacks and VIRQ bindings (lab 3)."""

    name = "pk-vcpu"

    def run(self, arg):
        v = domain(parse_int(arg, self.name))["vcpu"] if arg else value("current")
        if int(v) == 0:
            raise ParakeetError("pk-vcpu: no vcpu (none is current, or that domain was "
                                "refused before it got one); give a domain id")
        v = v.dereference()
        d = v["domain"]
        print('vcpu of domain %d "%s"   entered the hypervisor %d times' % (
            int(d["domain_id"]), c_string(d["name"]), int(v["nr_traps"])))
        saved = v["user_regs"]
        if int(saved["cs"]) == 0 and int(saved["eip"]) == 0:
            print("  saved registers: none (a vcpu's registers are saved when it is descheduled,"
                  " from lab 5; pk-regs shows the live trap frame)")
        else:
            print("  saved registers (valid while it is not running):")
            print_regs(saved, indent="    ")
        # lab 2: trap delivery
        entries = []
        for vec in range(256):
            t = v["trap_ctxt"][vec]
            if u32(t["address"]) != 0:
                entries.append("%d->%04x:%08x%s" % (vec, int(t["cs"]), u32(t["address"]),
                                                   " dpl%d" % (int(t["flags"]) & 3)
                                                   if int(t["flags"]) & 3 else ""))
        print("  trap table     %s" % (" ".join(entries) if entries else "(none registered)"))
        print("  kernel stack   %04x:%08x (stack_switch)   direct gate vector %s" % (
            int(v["kernel_ss"]), u32(v["kernel_sp"]),
            hex(int(v["syscall_vector"])) if int(v["syscall_vector"]) else "none"))
        if u32(v["bounce_eip"]):
            print("  last bounce    vector %d to handler 0x%08x" %
                  (int(v["bounce_vector"]), u32(v["bounce_eip"])))
        # lab 3: events
        if build_has("do_event_channel_op"):
            print("  callbacks      event %04x:%08x   failsafe %04x:%08x" % (
                int(v["event_callback_cs"]), u32(v["event_callback_eip"]),
                int(v["failsafe_callback_cs"]), u32(v["failsafe_callback_eip"])))
            virqs = ["virq %d->port %d" % (i, int(v["virq_to_evtchn"][i]))
                     for i in range(v["virq_to_evtchn"].type.range()[1] + 1)
                     if int(v["virq_to_evtchn"][i])]
            print("  virq bindings  %s" % (" ".join(virqs) if virqs else "none"))


class PkRegs(ParakeetCommand):
    """Show the trap frame the hypervisor is handling: pk-regs.
Looks for a `regs` (struct cpu_user_regs *) in the selected frame and the
frames that called it - trap_dispatch(), do_hypercall() and the do_*
handlers have one.  Outside a trap it shows the guest frame at the top of
the hypervisor stack (what guest_cpu_user_regs() returns), then the CPU's
own registers."""

    name = "pk-regs"

    def run(self, arg):
        try:
            f = gdb.selected_frame()
        except gdb.error:
            raise ParakeetError("pk-regs: the machine is not running (target remote first)")
        regs, where = find_regs(f)
        if regs is not None:
            print("trap frame `regs` of %s:" % where)
            print_regs(regs.dereference())
            return
        # entry.S builds every trap frame at the top of the hypervisor stack
        # (hv_stack_top), so after a guest trapped, its registers are there.
        if build_has("hv_stack_top"):
            top = value("(struct cpu_user_regs *)((char *)&hv_stack_top"
                        " - sizeof(struct cpu_user_regs))")
            try:
                from_guest = u32(top["cs"]) & 3
            except gdb.MemoryError:
                from_guest = None
            if from_guest:
                print("not inside a trap handler; the last guest frame, at the top of "
                      "the hypervisor stack:")
                print_regs(top.dereference())
            else:
                print("not inside a trap handler, and no guest frame on the hypervisor "
                      "stack yet%s" % (" (paging is not on yet)" if from_guest is None else ""))
        print("the CPU now:")
        gdb.execute("info registers eip esp ebp cs ss eflags")


def find_regs(start):
    """The innermost `regs` (a struct cpu_user_regs *) visible from frame
    `start` outwards, and where it was found; (None, None) if none.
    With -O2 a parameter is often <optimized out> once the function has
    used it; GDB may still know the value it had on entry (`regs@entry`)."""
    f, depth = start, 0
    try:
        while f is not None:
            f.select()
            for name in ("regs", "regs@entry"):
                try:
                    regs = gdb.parse_and_eval(name)
                    if regs.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and int(regs) != 0:
                        return regs, "%s() (frame #%d%s)" % (
                            f.name(), depth, ", its value on entry" if "@" in name else "")
                except gdb.error:         # not here, or <optimized out>
                    pass
            f = f.older()
            depth += 1
    finally:
        start.select()                    # leave the user's frame selected
    return None, None


class PkPage(ParakeetCommand):
    """Show a frame's page_info: pk-page X.
X is a frame number (below max_page), a physical address (at or above
max_page), or a hypervisor virtual address in the direct map (0xFC400000
up to 0xFFC00000).  Any C expression works: pk-page domains[0].pt_base_mfn"""

    name = "pk-page"

    def run(self, arg):
        if not arg:
            raise ParakeetError("usage: pk-page FRAME-NUMBER | PHYSICAL-ADDRESS | 0xFC...-ADDRESS")
        x = parse_int(arg, self.name) & 0xFFFFFFFF
        max_page = int(value("max_page"))
        if x >= PERDOMAIN_VIRT_START:
            raise ParakeetError("%#x is in the per-domain area (0xFFC00000 and up: lab 4 maps "
                                "the current vCPU's GDT and LDT there), not the direct map"
                                % x)
        if x >= DIRECTMAP_VIRT_START:
            mfn, how = (x - DIRECTMAP_VIRT_START) >> PAGE_SHIFT, "hypervisor address %#x" % x
        elif x >= HYPERVISOR_VIRT_START:
            raise ParakeetError("%#x is in the read-only machine-to-phys table (0xFC000000-"
                                "0xFC3FFFFF), not the direct map: print rdwr_mpt[MFN] for a "
                                "frame's entry; pk-page takes 0xFC400000 and up" % x)
        elif x < max_page:
            mfn, how = x, "frame number"
        else:
            mfn, how = x >> PAGE_SHIFT, "physical address %#x" % x
        if mfn >= max_page:
            raise ParakeetError("frame %d is beyond max_page (%d): the machine has no such "
                                "frame, so no page_info" % (mfn, max_page))
        pg = value("frame_table[%d]" % mfn)
        count = u32(pg["count_info"])
        flags = [n for bit, n in ((31, "allocated"), (30, "reserved"))   # PGC_*
                 if count & (1 << bit)]
        owner = pg["owner"]
        if int(owner) != 0:
            who = 'domain %d "%s"' % (int(owner["domain_id"]), c_string(owner["name"]))
        elif count & (1 << 30):
            who = "nobody: reserved (firmware, the hypervisor image, its tables)"
        elif count & (1 << 31):
            who = "the hypervisor (allocated, no domain)"
        else:
            who = "nobody: free"
        print("frame %d (machine address 0x%08x; %s)" % (mfn, mfn << PAGE_SHIFT, how))
        print("  owner       %s" % who)
        print("  count_info  %#010x  flags: %s  refcount %d" % (
            count, " ".join(flags) or "none", count & 0x0FFFFFFF))
        print("  type_info   %#010x  (page types come with lab 4)"
              % u32(pg["type_info"]))


class AddGuest(ParakeetCommand):
    """Load a test guest's symbols: add-guest NAME (guests/NAME.elf of this build).
Every guest is linked at 0xC0000000 (lab1-boot/guest/guest.ld), so only one
guest's symbols are loaded at a time: add-guest drops the previous one's.
A breakpoint on a guest function stops whenever ANY domain runs that
address: `pk-domains` tells which one (the line marked *)."""

    name = "add-guest"
    loaded = None          # the guest ELF add-guest loaded last

    def run(self, arg):
        if not arg:
            raise ParakeetError("usage: add-guest NAME   (e.g. add-guest hello)")
        build = guest_build_dir()
        guests = os.path.join(build, "guests")
        path = os.path.join(guests, arg if arg.endswith(".elf") else arg + ".elf")
        if not os.path.isfile(path):
            have = sorted(f[:-4] for f in os.listdir(guests) if f.endswith(".elf")) \
                if os.path.isdir(guests) else []
            raise ParakeetError("no %s; guests in this build: %s" % (path, " ".join(have) or "none"))
        if AddGuest.loaded:
            try:
                gdb.execute("remove-symbol-file %s" % AddGuest.loaded, to_string=True)
                print("dropped the symbols of %s" % AddGuest.loaded)
            except gdb.error:
                pass               # already removed by hand
            AddGuest.loaded = None
        # The ELF's own section addresses are its run addresses: no offset.
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        # GDB names a symbol file by its absolute path; remove-symbol-file needs that.
        AddGuest.loaded = os.path.abspath(path)
        print("symbols of %s loaded (guest kernel code at 0xc0000000 and up)" % path)


def guest_build_dir():
    """The build directory: $PK_BUILD (set by .gdbinit), else hv.elf's directory."""
    build = os.environ.get("PK_BUILD")
    if build:
        return build
    hv = gdb.current_progspace().filename
    if hv:
        return os.path.dirname(hv)
    raise ParakeetError("add-guest: which build? load hv.elf first (`file build/labN/hv.elf`)")


# ---------------------------------------------------------------- going backwards
#
# QEMU replays a recorded run (make qemu-replay) and runs it backwards for
# GDB: reverse-stepi loads the snapshot taken at the start and replays
# forwards to the instruction before; reverse-continue replays forwards
# and stops at the last breakpoint or watchpoint hit before where it
# started.  The commands below are breakpoints and watchpoints set for
# one reverse-continue and removed after it: plain GDB, written once.

VECTOR_NAMES = {0: "#DE divide error", 1: "#DB debug", 2: "NMI", 3: "#BP int3",
                4: "#OF overflow", 5: "#BR bound", 6: "#UD invalid opcode",
                7: "#NM device not available", 8: "#DF double fault",
                10: "#TS invalid TSS", 11: "#NP segment not present",
                12: "#SS stack fault", 13: "#GP general protection",
                14: "#PF page fault", 16: "#MF x87 error", 17: "#AC alignment check",
                18: "#MC machine check", 19: "#XM SIMD error", 0x82: "hypercall gate"}

# Where the CPU enters the hypervisor (lab1-boot/hv/entry.S): each of the
# 256 trap stubs pushes its vector and jumps to common_trap, and the
# hypercall gate (int $0x82) has its own entry.
TRAP_ENTRY = "common_trap"
HYPERCALL_ENTRY = "hypercall_entry"


def reg(name):
    return u32(gdb.parse_and_eval("$" + name))


def mem32(addr):
    return u32(gdb.parse_and_eval("*(unsigned int *)%#x" % (addr & 0xFFFFFFFF)))


def where(addr):
    """`0xc0100123 <main+12>` (GDB's own symbol lookup; loaded guests too)."""
    try:
        sym = gdb.execute("info symbol %#x" % addr, to_string=True).strip()
    except gdb.error:
        sym = ""
    if not sym or sym.startswith("No symbol"):
        return "%#010x" % addr
    return "%#010x <%s>" % (addr, sym.split(" in section")[0].replace(" + ", "+"))


# QEMU 7.2's own reverse-continue (GDB's `bc` packet) used to hang now and
# then, QEMU idle and GDB waiting: a deadlock inside QEMU when it reloads
# the start snapshot from a timer with the VAPIC device present, which
# make qemu-record and qemu-replay now leave out (grader/emulators.py,
# "Why no VAPIC", has the stacks and the numbers).  These commands do not
# need it anyway.  They use the monitor's replay_seek and replay_break and
# forward `continue` to do what reverse-continue means - replay forwards
# from a little before here, note the instruction count of every hit,
# then seek to the last one (the replay is deterministic, so that is
# exact) - because they need more than GDB's command gives: every hit
# (pk-last-trap again and again), a test on each (pk-who-wrote's frame),
# and the hits of their own breakpoints, not the user's.

def icount():
    """The replay's instruction count (QMP's query-replay, else the
    monitor's `info replay` through GDB)."""
    q = Qmp.get()
    if q:
        r = q.command("query-replay")
        if r.get("mode") != "play":
            raise ParakeetError("not a replay (QEMU's replay mode is %s): going backwards "
                                "needs a recorded run, make qemu-replay, then make gdb"
                                % r.get("mode"))
        return int(r["icount"])
    try:
        out = gdb.execute("monitor info replay", to_string=True)
    except gdb.error as e:
        raise ParakeetError("not a replay (%s): going backwards needs a recorded run, "
                            "make qemu-replay, then make gdb" % e)
    m = re.search(r"Replaying execution .*instruction count = (\d+)", out)
    if not m:
        raise ParakeetError("not a replay (QEMU says: %s): going backwards needs a recorded "
                            "run, make qemu-replay, then make gdb" % out.strip())
    return int(m.group(1))


def ended():
    """Has the replay reached a shutdown (a triple fault)?  make qemu-replay
    pauses QEMU there (-action shutdown=pause) - but QEMU 7.2 aborts if it
    is made to run again from that state, forwards or backwards."""
    q = Qmp.get()
    return bool(q) and q.command("query-status").get("status") == "shutdown"


def refuse_if_ended(what):
    if ended():
        n = icount()
        raise ParakeetError(
            "%s: the replay is at its end, instruction %d, where the machine shut down (a "
            "triple fault: the instruction at $pc faulted and no handler could be reached; "
            "x/i $pc, monitor info registers).  QEMU 7.2 aborts if it runs on or back from a shutdown.  To go "
            "backwards: end this replay, start make qemu-replay again, and in GDB: "
            "monitor replay_break %d, continue - that stops just before it, and everything "
            "runs backwards from there." % (what, n, n))


class PkCheckNotEnded(ParakeetCommand):
    """Used by the hooks make qemu-replay's GDB session defines (pk_replay_setup):
refuses to resume the machine from a shutdown (a triple fault), which would
abort QEMU 7.2, and says how to go backwards instead."""

    name = "pk-check-not-ended"

    def run(self, arg):
        try:
            gone = ended()
        except (OSError, ParakeetError):   # no QMP, a closed socket: let GDB try
            return
        if gone:
            refuse_if_ended(arg or "that")


def replay_marker():
    """The words of make qemu-replay's marker file, BUILD/record/replaying:
    the test, QEMU's pid, the QMP socket (grader/run.py); [] if none."""
    try:
        with open(os.path.join(os.environ.get("PK_BUILD", ""), "record", "replaying")) as f:
            return f.read().split()
    except OSError:
        return []


def qemu_pid():
    """QEMU's process id from the marker file; None if unknown."""
    try:
        return int(replay_marker()[1])
    except (IndexError, ValueError):
        return None


# Why a second connection to QEMU.  `monitor replay_seek` restarts the
# machine behind GDB's back, and when it gets there QEMU's GDB stub sends
# a stop packet GDB never asked for.  Worse, any byte GDB sends while the
# machine still runs pauses it (QEMU 7.2 gdbstub.c, gdb_read_byte) and
# that packet is dropped: GDB waits 2 s, sends it again, and the seek has
# stopped short.  Watching QEMU's threads in /proc to guess when a seek is
# done guesses wrong on a busy machine (measured 2026-12-01: 1 seek in
# 120 stopped short and cost 8 s; one make test run hung for its whole
# budget).  QEMU's machine protocol (QMP) on a socket of its own answers
# exactly: query-status says "paused" once the seek is done, and by then
# the stop packet is already in GDB's socket, where GDB's next command
# finds it before QEMU's acknowledgement and drops it ("Packet instead of
# Ack, ignoring it").  make qemu-replay starts QEMU with -qmp.

class Qmp:
    """A minimal QMP client: JSON lines over a Unix socket."""

    conn = None          # (socket path, Qmp) of the replay in use

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.buf = b""
        self.read()                                  # the greeting
        self.command("qmp_capabilities")

    @staticmethod
    def get():
        """The replay's QMP connection, or None (an older make qemu-replay,
        or a replay started by hand: then the GDB monitor is used)."""
        words = replay_marker()
        path = words[2] if len(words) > 2 else None
        if Qmp.conn and Qmp.conn[0] == path:
            return Qmp.conn[1]
        Qmp.conn = None
        if not path:
            return None
        try:
            Qmp.conn = (path, Qmp(path))
        except (OSError, ValueError, ParakeetError) as e:
            print("pk: no QMP connection to the replay (%s): using the GDB monitor" % e)
            Qmp.conn = (path, None)        # say it once, not at every command
        return Qmp.conn[1]

    def read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                Qmp.conn = None
                raise ParakeetError("the replay's QEMU closed its QMP socket (did it end?)")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.read()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise ParakeetError("QEMU refused %s: %s" % (name, r["error"].get("desc")))
            # anything else is an event (STOP, RESUME): not an answer


def busy(pid):
    """Is any of QEMU's threads running or waiting for a CPU (state R)?
    None when /proc cannot tell.  Only a guess (see Qmp above)."""
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/stat" % (pid, t)) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "R":
                    return True
        return False
    except (OSError, IndexError):
        return None


def wait_idle(pid, limit):
    """Without QMP: wait until QEMU looks idle - no word to its GDB stub,
    which pauses the machine on any byte it receives while it runs."""
    t0, still = time.monotonic(), 0
    while time.monotonic() - t0 < limit:
        time.sleep(0.05)
        state = busy(pid) if pid else None
        if state is None:
            time.sleep(1.0)       # no /proc: give the seek a moment
            return
        still = 0 if state else still + 1
        if still >= 6:            # 0.3 s with every thread asleep
            return


def wait_paused(q, limit):
    """With QMP: wait until the machine has stopped (the seek is done)."""
    t0, pause = time.monotonic(), 0.005
    while q.command("query-status")["running"]:
        if time.monotonic() - t0 > limit:
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def seek(target, limit=120.0):
    """Move the replay to instruction `target` (forwards or backwards: QEMU
    loads the start snapshot and replays), and wait until it is there."""
    if target < 1:
        target = 1      # QEMU cannot stop "at" 0 once it has left it
    t0 = time.monotonic()
    q = Qmp.get()
    while True:
        now = icount()
        if now == target:
            break
        if time.monotonic() - t0 > limit:
            raise ParakeetError("the replay did not reach instruction %d in %.0f s (it is "
                                "at %d)" % (target, limit, now))
        # A seek forwards from a pause (an early look above) just goes on.
        if q:
            q.command("replay-seek", icount=target)
            wait_paused(q, limit)
        else:
            gdb.execute("monitor replay_seek %d" % target, to_string=True)
            wait_idle(qemu_pid(), limit)
    # GDB did not see the machine move: forget its registers and memory.
    gdb.execute("maintenance flush register-cache", to_string=True)
    gdb.execute("maintenance flush dcache", to_string=True)


def last_hit_before_here(setup, accept=None, what="pk", offset=0):
    """Replay forwards to here with the breakpoints setup() returns (None:
    the user's own) and seek to the last hit that accept(icount) takes
    (plus offset: -1 is the instruction before it; each seek backwards
    replays from the start, so seek once).
    Looks at the last 20000 instructions first, then 8 times as many, and
    so on back to the start, so a recent hit costs one short replay.
    Returns that instruction count, or None (the replay stays here)."""
    refuse_if_ended(what)
    end = icount()
    bps = setup() if setup else [b for b in gdb.breakpoints() if b.enabled and b.visible]
    quiet = [(b, b.silent) for b in bps]
    for b, _ in quiet:
        b.silent = True             # one line per hit would drown the answer
    hits, window = [], 20000
    try:
        while True:
            start = max(1, end - window)
            seek(start)
            while True:
                gdb.execute("monitor replay_break %d" % end, to_string=True)
                quiet_continue()
                n = icount()
                if os.environ.get("PK_DEBUG"):
                    print("pk: window from %d: stopped at %d (pc %#x)" % (start, n, reg("pc")))
                if n >= end:
                    break
                if accept is None or accept(n):
                    hits.append(n)
                step_past(bps, n)
            if hits or start == 1:
                break
            window *= 8
    finally:
        for b, was in quiet:
            if setup:
                b.delete()
            else:
                b.silent = was
        gdb.execute("monitor replay_delete_break", to_string=True)
    if icount() != end:
        seek(end)
    if not hits:
        return None
    seek(hits[-1] + offset)
    return hits[-1]


def quiet_continue():
    """`continue`, without GDB's lines for each stop.  GDB 13 prints
    "Program received signal SIGINT" (a replay_break stop) and the frame
    even inside gdb.execute(..., to_string=True), and one search makes
    dozens of stops; so GDB's standard output is pointed at /dev/null for
    the while (and put back whatever happens)."""
    gdb.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        gdb.execute("continue", to_string=True)
    finally:
        gdb.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def step_past(bps, n):
    """One instruction on from a breakpoint hit at instruction n, with the
    breakpoints disabled and QEMU's replay_break rather than GDB's step:
    GDB steps over a breakpoint with a single-step, and single-stepping an
    instruction that faults (a bad iret) hangs QEMU 7.2's replay."""
    for b in bps:
        b.enabled = False
    try:
        gdb.execute("monitor replay_break %d" % (n + 1), to_string=True)
        quiet_continue()
    finally:
        for b in bps:
            b.enabled = True


def internal_breakpoints(specs):
    def setup():
        bps = []
        for spec in specs:
            try:
                bps.append(gdb.Breakpoint(spec, internal=True))
            except gdb.error as e:
                for b in bps:
                    b.delete()
                raise ParakeetError("cannot set a breakpoint at %s: %s (are this build's "
                                    "hv.elf symbols loaded?)" % (spec, e))
        return bps
    return setup


def at_entry():
    pc = reg("pc")
    return pc in (u32(gdb.parse_and_eval("&" + TRAP_ENTRY)),
                  u32(gdb.parse_and_eval("&" + HYPERCALL_ENTRY)))


def entry_frame():
    """At an entry point: (vector, error code, eip, cs, hypercall number or None)."""
    pc = reg("pc")
    esp = reg("esp")
    if pc == u32(gdb.parse_and_eval("&" + HYPERCALL_ENTRY)):
        return 0x82, None, mem32(esp), mem32(esp + 4), reg("eax")
    return mem32(esp), mem32(esp + 4), mem32(esp + 8), mem32(esp + 12), None


def describe_entry():
    vector, error, eip, cs, nr = entry_frame()
    name = VECTOR_NAMES.get(vector, "interrupt" if vector >= 32 else "vector")
    how = "hypercall %d" % nr if nr is not None else "error code %#x" % error
    print("entered the hypervisor: vector %d (%s), %s" % (vector, name, how))
    print("  from ring %d at %04x:%s" % (cs & 3, cs & 0xFFFF, where(eip)))
    if cs & 3:
        # The CPU pushed the guest's esp too (a ring change): show its stack.
        sp = mem32(reg("esp") + (12 if nr is not None else 20))
        try:
            words = " ".join("%08x" % mem32(sp + 4 * i) for i in range(4))
        except gdb.MemoryError:
            words = "(unreadable)"
        print("  the guest's esp was %#010x: %s" % (sp, words))
    if vector == 14:
        print("  (the faulting address was in cr2: `p/x $cr2` is the value now, not "
              "then; the hypervisor reads it in trap_dispatch)")
    return vector, eip, cs


class PkLastTrap(ParakeetCommand):
    """Run backwards to the last entry into the hypervisor: pk-last-trap.
Stops at the first instruction the hypervisor ran for it (common_trap for
the 256 trap stubs, hypercall_entry for int $0x82) and shows the vector,
error code or hypercall number, and the ring and address it came from.
Again goes one entry further back.  Needs a replay (make qemu-replay)."""

    name = "pk-last-trap"

    def run(self, arg):
        n = last_hit_before_here(internal_breakpoints(["*" + TRAP_ENTRY, "*" + HYPERCALL_ENTRY]),
                                 lambda n: at_entry(), self.name)
        if n is None:
            print("pk-last-trap: no entry into the hypervisor before here (instruction %d)"
                  % icount())
            return
        print("instruction %d of the recording:" % n)
        describe_entry()


class PkGuestLast(ParakeetCommand):
    """Run backwards to the guest's last instruction: pk-guest-last.
Goes back to the last entry into the hypervisor that came from a guest
(ring 1 or 3), then one instruction further, into the guest.  For a fault
the instruction at the trap frame's eip did not complete, so GDB stops on
the instruction before it; both are shown.  Use add-guest NAME for the
guest's symbols.  Needs a replay (make qemu-replay)."""

    name = "pk-guest-last"

    def run(self, arg):
        def from_guest(n):
            return at_entry() and entry_frame()[3] & 3 != 0
        n = last_hit_before_here(internal_breakpoints(["*" + TRAP_ENTRY, "*" + HYPERCALL_ENTRY]),
                                 from_guest, self.name)
        if n is None:
            print("pk-guest-last: no guest entered the hypervisor before here")
            return
        print("instruction %d of the recording:" % n)
        vector, eip, cs = describe_entry()
        seek(n - 1)
        pc = reg("pc")
        ring = reg("cs") & 3
        print("the guest's last instruction, in ring %d:" % ring)
        gdb.execute("x/i $pc")
        if pc != eip and (vector in (3, 4) or vector >= 32):
            print("  (a software interrupt: the trap frame's eip, %s, is the instruction "
                  "after it)" % where(eip))
        elif pc != eip:
            print("  (the instruction at %s raised vector %d and did not complete; "
                  "this is the one before it that did)" % (where(eip), vector))


def machine_address(va):
    """Walk the page tables loaded now (cr3) for virtual address va: its
    machine address, or None if unmapped.  The tables are read through the
    hypervisor's direct map, which every address space maps from lab 1 on
    (two-level, non-PAE; a 4 MiB PSE entry is honoured too)."""
    if va >= DIRECTMAP_VIRT_START and va < DIRECTMAP_VIRT_START + DIRECTMAP_SIZE:
        return va - DIRECTMAP_VIRT_START
    try:
        cr3 = reg("cr3") & ~0xFFF
        pde = mem32(DIRECTMAP_VIRT_START + cr3 + (va >> 22) * 4)
        if not pde & 1:
            return None
        if pde & 0x80:                                   # a 4 MiB page
            return (pde & 0xFFC00000) | (va & 0x3FFFFF)
        pte = mem32(DIRECTMAP_VIRT_START + (pde & ~0xFFF) + ((va >> 12) & 0x3FF) * 4)
    except (gdb.MemoryError, gdb.error):
        return None
    return (pte & ~0xFFF) | (va & 0xFFF) if pte & 1 else None


class PkWhoWrote(ParakeetCommand):
    """Run backwards to the last write to an address: pk-who-wrote ADDR [LEN].
ADDR is any C expression (`&current->domain->state`, `0xc0105000`, a
guest's variable once add-guest has loaded its symbols); LEN is 1, 2 or 4
bytes (default 4).  Reverse-continues to the write and shows the
instruction that wrote, the ring it ran in, and the value before and after.
A guest address means the machine word it maps to NOW (through the page
tables loaded now): writes through that guest address while those page
tables are loaded, and writes through the hypervisor's direct map of the
same frame (0xFC400000 + machine address), both count; the same guest
address in another address space does not.  Needs a replay (make qemu-replay)."""

    name = "pk-who-wrote"

    def run(self, arg):
        parts = arg.rsplit(None, 1)
        length = 4
        if len(parts) == 2 and parts[1] in ("1", "2", "4"):
            arg, length = parts[0], int(parts[1])
        if not arg:
            raise ParakeetError("usage: pk-who-wrote ADDRESS-EXPRESSION [1|2|4]")
        try:
            gdb.selected_frame()     # else reading cr3 below fails with a bare gdb.error
        except gdb.error:
            raise ParakeetError("pk-who-wrote: the machine is not running (make qemu-replay, "
                                "then make gdb)")
        addr = parse_int(arg, self.name) & 0xFFFFFFFF
        ctype = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int"}[length]
        ma = machine_address(addr)
        if ma is None or (addr & 0xFFF) + length > 0x1000:
            raise ParakeetError("pk-who-wrote: %#x is not mapped in the address space loaded "
                                "now (cr3 %#x)%s" % (addr, reg("cr3"),
                                                     "" if ma is None else
                                                     ", or it crosses a page boundary"))
        if ma >= DIRECTMAP_SIZE:
            raise ParakeetError("pk-who-wrote: %#x maps machine address %#x, beyond the "
                                "hypervisor's direct map (56 MiB)" % (addr, ma))
        alias = DIRECTMAP_VIRT_START + ma
        watched = [addr] if addr == alias else [addr, alias]
        expr = "*(%s *)%#x" % (ctype, alias)      # readable in every address space
        now = u32(gdb.parse_and_eval(expr))
        wps = []

        def setup():
            for a in watched:
                wps.append(gdb.Breakpoint("*(%s *)%#x" % (ctype, a), gdb.BP_WATCHPOINT,
                                          gdb.WP_WRITE, internal=True))
            return wps
        seen = [0] * len(watched)
        values = {}

        def accept(n):
            # A watchpoint stops just after the write, and only when the value
            # it watches changed.  Through the guest address, only a write
            # while it maps the same frame is this word.
            hit = False
            for i, (w, a) in enumerate(zip(wps, watched)):
                if w.hit_count > seen[i]:
                    seen[i] = w.hit_count
                    hit = hit or a == alias or machine_address(a) == ma
            if hit:
                values[n] = u32(gdb.parse_and_eval(expr))    # just after the write
            return hit
        n = last_hit_before_here(setup, accept, self.name, offset=-1)
        via = "" if addr == alias else " (machine address %#x, %#x in the direct map)" % (
            ma, alias)
        if n is None:
            print("pk-who-wrote: nothing wrote %#x%s between the start of the recording and "
                  "here (value now %#x)" % (addr, via, now))
            return
        after = values[n]
        before = u32(gdb.parse_and_eval(expr))   # at the writing instruction, before it ran
        print("the last write to %#x%s (%d bytes) before here, instruction %d of the "
              "recording: %#x -> %#x" % (addr, via, length, n - 1, before, after))
        print("  by the instruction at %s, in ring %d%s" % (
            where(reg("pc")), reg("cs") & 3,
            "" if current_domain_id() is None else
            " (current domain %d)" % current_domain_id()))
        gdb.execute("x/i $pc")
        print("  (stopped before the write executes: stepi shows the new value)")


class PkReverseContinue(ParakeetCommand):
    """Run backwards to the last hit of your breakpoints: pk-reverse-continue.
What reverse-continue does, done with forward replay (see the comment
above icount() in tools/gdb/parakeet.py), and it prints how far back that
was.  Uses every enabled breakpoint and watchpoint.  Needs a replay."""

    name = "pk-reverse-continue"

    def run(self, arg):
        if not any(b.enabled and b.is_valid() and b.visible for b in gdb.breakpoints()):
            raise ParakeetError("pk-reverse-continue: no breakpoint or watchpoint is set "
                                "(break FUNCTION, watch EXPR)")
        here = icount()
        n = last_hit_before_here(None, lambda n: True, self.name)
        if n is None:
            print("pk-reverse-continue: no breakpoint was hit before here (instruction %d)"
                  % here)
            return
        print("instruction %d of the recording (%d instructions back):" % (n, here - n))
        gdb.execute("frame 0")


class PkReplay(ParakeetCommand):
    """Where a replay is: pk-replay (QEMU's `info replay`: the instruction
count from the start of the recording).  `monitor replay_break N` then
`continue` stops at instruction N, e.g. just before a triple fault
(QEMU exits at the end of the recording, and cannot run backwards from
there)."""

    name = "pk-replay"

    def run(self, arg):
        print("instruction %d of the recording%s" % (
            icount(), " - its end: the machine shut down here (a triple fault)"
            if ended() else ""))


def pk_replay_setup():
    """Called by .gdbinit after `target remote`: when make qemu-replay is
    running (it leaves BUILD/record/replaying), stop at machine_exit, so
    the end of the recording does not end the session (QEMU exits there,
    and nothing runs backwards after that)."""
    build = os.environ.get("PK_BUILD", "")
    marker = os.path.join(build, "record", "replaying")
    if not build or not os.path.isfile(marker):
        return
    with open(marker) as f:
        words = f.read().split()
    try:
        os.kill(int(words[1]), 0)      # a marker left by a replay that was killed: ignore it
    except (IndexError, ValueError, OSError):
        return
    test = words[0]
    print("replaying the recorded run of %s: reverse-stepi, reverse-continue, "
          "reverse-finish run backwards;" % test)
    print("  pk-last-trap, pk-who-wrote ADDR, pk-guest-last, pk-replay "
          "(help user-defined).  A breakpoint at")
    print("  machine_exit keeps the session alive at the end (QEMU exits there); a triple")
    print("  fault stops the replay at the faulting instruction.")
    # At a triple fault QEMU is in its shutdown state, and resuming it
    # from there aborts QEMU 7.2: these hooks refuse with the way round.
    for cmd in ("continue", "stepi", "nexti", "step", "next", "finish", "until", "advance",
                "reverse-stepi", "reverse-nexti", "reverse-step", "reverse-next",
                "reverse-continue", "reverse-finish"):
        gdb.execute("define hook-%s\npk-check-not-ended %s\nend" % (cmd, cmd))
    gdb.execute("break machine_exit")


for command in (PkDomains, PkDomain, PkVcpu, PkRegs, PkPage, AddGuest,
                PkLastTrap, PkGuestLast, PkWhoWrote, PkReverseContinue, PkReplay,
                PkCheckNotEnded):
    command()
