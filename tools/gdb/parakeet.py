"""
tools/gdb/parakeet.py - GDB commands that show Parakeet's own structures
(lab 1 onwards; .gdbinit.tmpl sources it for `make gdb`).

GDB prints any C structure, but a hypervisor's state is spread over
tables: which slot of domains[] is which guest, which vcpu is current,
who owns frame 1234.  These commands read those tables through the
symbols in hv.elf and print them the way the hypervisor's own messages
do.  They only read memory; nothing here changes the machine.

    pk-domains        every domain slot in use: id, name, state, pages, entry
    pk-domain N       one domain: memory, addresses, event channels
    pk-vcpu [N]       domain N's virtual CPU (default: the current one)
    pk-page X         the page_info of a frame (X: frame number, physical
                      address, or hypervisor virtual address >= 0xFC000000)
    pk-regs           the trap frame being handled, else the CPU's registers
    add-guest NAME    load guests/NAME.elf's symbols (linked at 0xC0000000)

Each command is plain Python over gdb.parse_and_eval(): read it to learn
GDB's Python API.  A structure a later lab adds (event channels in lab 3)
is shown only when the build has it.
"""

import os

import gdb

HYPERVISOR_VIRT_START = 0xFC000000
PAGE_SHIFT = 12


class ParakeetError(gdb.GdbError):
    """An error shown to the user as one line, without a Python traceback."""


def value(expr):
    """Evaluate a C expression in the hypervisor, or explain what is missing."""
    try:
        return gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise ParakeetError("cannot evaluate `%s`: %s (is hv.elf loaded - "
                            "`file build/labN/hv.elf` - and does this lab have it?)"
                            % (expr, e))


def has_field(val, name):
    return any(f.name == name for f in val.type.strip_typedefs().fields())


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
    try:
        return int(gdb.parse_and_eval(arg))
    except (gdb.error, ValueError):
        raise ParakeetError("%s: expected a number or expression, got %r" % (what, arg))


def domain(n):
    count = int(value("nr_domains"))
    if not 0 <= n < count:
        raise ParakeetError("no domain %d: domains 0..%d exist (nr_domains = %d)"
                            % (n, count - 1, count))
    return value("domains[%d]" % n)


def current_domain_id():
    cur = value("current")
    if int(cur) == 0:
        return None
    return int(cur["domain"]["domain_id"])


class PkDomains(gdb.Command):
    """List every domain: id, name, state, pages owned / allowed, entry point.
The current domain (whose vcpu is loaded) is marked with *."""

    def __init__(self):
        super().__init__("pk-domains", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        count = int(value("nr_domains"))
        cur = current_domain_id()
        print("  id  name             state       pages/max   entry       how it ended")
        for n in range(count):
            d = value("domains[%d]" % n)
            print("%s %2d  %-16s %-11s %5d/%-5d 0x%08x  %s" % (
                "*" if n == cur else " ", int(d["domain_id"]), c_string(d["name"]),
                state_name(d["state"]), int(d["tot_pages"]), int(d["max_pages"]),
                int(d["entry"]), c_string(d["end_reason"])))
        if count == 0:
            print("  (no domains yet: they are made from the modules after start_hypervisor's set-up)")


class PkDomain(gdb.Command):
    """Show one domain in detail: pk-domain N (default: the current domain)."""

    def __init__(self):
        super().__init__("pk-domain", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        n = parse_int(arg, "pk-domain") if arg.strip() else current_domain_id()
        if n is None:
            raise ParakeetError("pk-domain: no current domain; give a number (see pk-domains)")
        d = domain(n)
        print("domain %d \"%s\"  state %s%s" % (int(d["domain_id"]), c_string(d["name"]),
                                              state_name(d["state"]),
                                              ("  (" + c_string(d["end_reason"]) + ")")
                                              if c_string(d["end_reason"]) else ""))
        print("  command line   %s" % c_string(d["cmdline"]))
        print("  memory         %d pages owned, %d allowed (mem=)" %
              (int(d["tot_pages"]), int(d["max_pages"])))
        print("  page directory frame %d (cr3 0x%08x)" %
              (int(d["pt_base_mfn"]), int(d["pt_base_mfn"]) << PAGE_SHIFT))
        print("  virt_base      0x%08x   entry 0x%08x   boot stack 0x%08x" %
              (int(d["virt_base"]), int(d["entry"]), int(d["boot_stack_top"])))
        print("  start_info     0x%08x (guest address)   shared_info %s (hv address)" %
              (int(d["start_info_va"]), d["shared_info"]))
        if has_field(d, "evtchn"):
            self.print_event_channels(d)

    @staticmethod
    def print_event_channels(d):
        """Lab 3: the ports in use (state != ECS_FREE), with pending/mask bits."""
        ports = []
        n = d["evtchn"].type.range()[1] + 1
        for p in range(n):
            e = d["evtchn"][p]
            if int(e["state"]) != 0:
                ports.append((p, e))
        if not ports:
            print("  event channels none bound")
            return
        si = d["shared_info"]
        print("  event channels (port: state, pending, masked)")
        for p, e in ports:
            bits = ""
            if int(si) != 0:
                word, bit = divmod(p, 32)
                pend = (int(si["evtchn_pending"][word]) >> bit) & 1
                mask = (int(si["evtchn_mask"][word]) >> bit) & 1
                bits = "  pending %d masked %d" % (pend, mask)
            print("    %2d: state %d virq %d remote d%d:%d%s" % (
                p, int(e["state"]), int(e["virq"]), int(e["remote_dom"]),
                int(e["remote_port"]), bits))


class PkVcpu(gdb.Command):
    """Show a virtual CPU: pk-vcpu [N] (default: the current vcpu).
Prints its saved registers (lab 5 saves them when descheduled), the trap
table entries it registered (lab 2) and its event callbacks (lab 3)."""

    def __init__(self):
        super().__init__("pk-vcpu", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if arg.strip():
            v = domain(parse_int(arg, "pk-vcpu"))["vcpu"]
        else:
            v = value("current")
        if int(v) == 0:
            raise ParakeetError("pk-vcpu: no vcpu (none is current, or that domain was never built)")
        v = v.dereference()
        print("vcpu of domain %d \"%s\"   entered the hypervisor %d times" % (
            int(v["domain"]["domain_id"]), c_string(v["domain"]["name"]), int(v["nr_traps"])))
        saved = v["user_regs"]
        if int(saved["cs"]) == 0 and int(saved["eip"]) == 0:
            print("  saved registers: none (a vcpu's registers are saved when it is descheduled,"
                  " from lab 5; pk-regs shows the live trap frame)")
        else:
            print("  saved registers (valid while it is not running):")
            print_regs(saved, indent="    ")
        if has_field(v, "trap_ctxt"):
            entries = []
            for vec in range(256):
                t = v["trap_ctxt"][vec]
                if int(t["address"]) != 0:
                    entries.append("%d->%04x:%08x%s" % (vec, int(t["cs"]), int(t["address"]),
                                                       " dpl%d" % (int(t["flags"]) & 3)
                                                       if int(t["flags"]) & 3 else ""))
            print("  trap table     %s" % (" ".join(entries) if entries else "(none registered)"))
            print("  kernel stack   %04x:%08x (stack_switch)   direct gate vector %s" % (
                int(v["kernel_ss"]), int(v["kernel_sp"]),
                hex(int(v["syscall_vector"])) if int(v["syscall_vector"]) else "none"))
        if has_field(v, "event_callback_eip"):
            print("  callbacks      event %04x:%08x   failsafe %04x:%08x" % (
                int(v["event_callback_cs"]), int(v["event_callback_eip"]),
                int(v["failsafe_callback_cs"]), int(v["failsafe_callback_eip"])))


def print_regs(r, indent="  "):
    """A struct cpu_user_regs, laid out like the hypervisor's own dumps."""
    g = lambda name: int(r[name]) & 0xFFFFFFFF  # noqa: E731
    print("%seax %08x ebx %08x ecx %08x edx %08x" % (indent, g("eax"), g("ebx"), g("ecx"), g("edx")))
    print("%sesi %08x edi %08x ebp %08x esp %08x" % (indent, g("esi"), g("edi"), g("ebp"), g("esp")))
    print("%seip %08x cs %04x (ring %d) ss %04x ds %04x eflags %08x" % (
        indent, g("eip"), g("cs"), g("cs") & 3, g("ss"), g("ds"), g("eflags")))
    print("%svector %d error code %#x" % (indent, g("entry_vector"), g("error_code")))


class PkRegs(gdb.Command):
    """Show the trap frame the hypervisor is handling.
Looks for a `regs` (struct cpu_user_regs *) in the selected frame and the
frames that called it - trap_dispatch(), do_hypercall() and their callees
have one.  Outside a trap, shows the guest frame at the top of the
hypervisor stack (guest_cpu_user_regs()), then the CPU's own registers."""

    def __init__(self):
        super().__init__("pk-regs", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            f = gdb.selected_frame()
        except gdb.error:
            raise ParakeetError("pk-regs: the program is not running (target remote first)")
        depth = 0
        while f is not None:
            try:
                regs = f.read_var("regs")
                if regs.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and int(regs) != 0:
                    print("trap frame `regs` of %s() (frame #%d):" % (f.name(), depth))
                    print_regs(regs.dereference())
                    return
            except (ValueError, gdb.error):
                pass
            f = f.older()
            depth += 1
        try:
            top = value("(struct cpu_user_regs *)((char *)&hv_stack_top - sizeof(struct cpu_user_regs))")
            print("not inside a trap handler; the guest frame at the top of the hypervisor stack")
            print("(meaningful after a guest has trapped or been entered):")
            print_regs(top.dereference())
        except ParakeetError:
            pass
        print("the CPU now:")
        gdb.execute("info registers eip esp ebp cs ss eflags")


class PkPage(gdb.Command):
    """Show a frame's page_info: pk-page X.
X is a frame number (below max_page), a physical address, or a
hypervisor virtual address (0xFC000000 and up: the direct map)."""

    def __init__(self):
        super().__init__("pk-page", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise ParakeetError("usage: pk-page FRAME-NUMBER | PHYSICAL-ADDRESS | 0xFC...-ADDRESS")
        x = parse_int(arg, "pk-page") & 0xFFFFFFFF
        max_page = int(value("max_page"))
        if x >= HYPERVISOR_VIRT_START:
            mfn, how = (x - HYPERVISOR_VIRT_START) >> PAGE_SHIFT, "hypervisor address %#x" % x
        elif x < max_page:
            mfn, how = x, "frame number"
        else:
            mfn, how = x >> PAGE_SHIFT, "physical address %#x" % x
        if mfn >= max_page:
            raise ParakeetError("frame %d is beyond max_page (%d): no page_info" % (mfn, max_page))
        pg = value("frame_table[%d]" % mfn)
        count = int(pg["count_info"]) & 0xFFFFFFFF
        flags = [n for bit, n in ((31, "allocated"), (30, "reserved")) if count & (1 << bit)]
        owner = pg["owner"]
        who = "nobody (free, or the hypervisor's)" if int(owner) == 0 else \
            "domain %d \"%s\"" % (int(owner["domain_id"]), c_string(owner["name"]))
        print("frame %d (machine address 0x%08x; %s)" % (mfn, mfn << PAGE_SHIFT, how))
        print("  owner       %s" % who)
        print("  count_info  %#010x  flags: %s  refcount %d" % (
            count, " ".join(flags) or "none", count & 0x0FFFFFFF))
        print("  type_info   %#010x  (page types come with lab 4)" % (int(pg["type_info"]) & 0xFFFFFFFF))


class AddGuest(gdb.Command):
    """Load a test guest's symbols: add-guest NAME (guests/NAME.elf).
Every guest is linked at 0xC0000000, so load one at a time: symbols of two
guests at the same addresses would shadow each other (`remove-symbol-file
-a 0xc0000000` drops one).  Breakpoints on guest functions then stop
whenever ANY domain runs that address: check `pk-domains` for which one."""

    def __init__(self):
        super().__init__("add-guest", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            raise ParakeetError("usage: add-guest NAME   (e.g. add-guest hello)")
        build = os.environ.get("PK_BUILD", "build")
        path = os.path.join(build, "guests", name if name.endswith(".elf") else name + ".elf")
        if not os.path.isfile(path):
            have = sorted(f[:-4] for f in os.listdir(os.path.join(build, "guests"))
                          if f.endswith(".elf")) if os.path.isdir(os.path.join(build, "guests")) else []
            raise ParakeetError("no %s; guests in this build: %s" % (path, " ".join(have) or "none"))
        gdb.execute("add-symbol-file %s" % path, to_string=False)
        print("symbols of %s loaded (guest kernel code at 0xc0000000 and up)" % path)


for command in (PkDomains, PkDomain, PkVcpu, PkRegs, PkPage, AddGuest):
    command()
