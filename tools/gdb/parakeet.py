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

import os

import gdb

# The hypervisor's part of every address space (lab1-boot/include/hv/config.h).
HYPERVISOR_VIRT_START = 0xFC000000   # the read-only machine-to-phys table, 4 MiB
DIRECTMAP_VIRT_START = 0xFC400000    # machine memory 0..56 MiB; hv.elf at 0xFC500000
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


for command in (PkDomains, PkDomain, PkVcpu, PkRegs, PkPage, AddGuest):
    command()
