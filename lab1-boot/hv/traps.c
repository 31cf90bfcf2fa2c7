/*
 * hv/traps.c - the IDT and trap_dispatch(), where every trap lands
 * (lab 1, given).
 *
 * Policy in lab 1:
 *   - int $0x82 from the guest kernel is a hypercall: its gate goes
 *     straight to hv/entry.S's hypercall_entry, not through here;
 *   - a vector with a registered handler (REGISTER_TRAP_HANDLER) goes there;
 *   - a fault in the hypervisor is either an expected one (a guest copy,
 *     listed in the exception table: resume at its fixup) or a bug (panic);
 *   - a fault in a guest goes to do_guest_trap(): lab 1 reports it and
 *     destroys the domain; lab 2 replaces that with bouncing it back into
 *     the guest's own handler.
 */
#include <common/x86_traps.h>
#include <hv/desc.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/traps.h>

struct gate_struct idt_table[NR_VECTORS] __aligned(8);
static trap_handler_t trap_handlers[NR_VECTORS];

static const char *const trap_names[] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved (15)", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error",
};

const char *trap_name(unsigned int vector)
{
    if (vector < ARRAY_SIZE(trap_names))
        return trap_names[vector];
    if (vector == HYPERCALL_VECTOR)
        return "hypercall";
    if (vector >= FIRST_IRQ_VECTOR && vector < FIRST_IRQ_VECTOR + NR_IRQS)
        return "hardware interrupt";
    return "software interrupt";
}

/* The one list, shared with both entry.S files: common/x86_traps.h. */
int trap_has_error_code(unsigned int vector)
{
    return X86_TRAP_HAS_ERRCODE(vector);
}

void set_gate(unsigned int vector, int type, int dpl, void *handler)
{
    struct gate_struct *g = &idt_table[vector];
    uint32_t addr = (uint32_t)handler;

    g->offset_low = addr & 0xFFFF;
    g->offset_high = addr >> 16;
    g->selector = __HYPERVISOR_CS;
    g->zero = 0;
    g->type_attr = 0x80 | (dpl << 5) | type; /* present | DPL | type */
}

extern const struct trap_handler_entry __trap_handlers_start[],
    __trap_handlers_end[];
static const struct trap_handler_entry *trap_entries[NR_VECTORS];

/* Collect the registered handlers; for a vector registered twice the
 * higher lab's entry wins (hv/hooks.h), and twice by one lab is a bug. */
static void build_trap_handler_table(void)
{
    const struct trap_handler_entry *e, *old;
    char what[40];

    for (e = __trap_handlers_start; e < __trap_handlers_end; e++) {
        if (e->vector >= NR_VECTORS)
            panic("trap handler %s (%s) for vector %u: no such vector",
                  e->origin.name, e->origin.file, e->vector);
        old = trap_entries[e->vector];
        snprintf(what, sizeof(what), "the handler of vector %u", e->vector);
        if (hook_wins(old ? &old->origin : NULL, &e->origin, HOOK_HIGHEST_LAB_WINS, what)) {
            trap_entries[e->vector] = e;
            trap_handlers[e->vector] = e->handler;
        }
    }
}

/* The `tables` option: "vector V (NAME): FN lab N (FILE)" per registered
 * vector, then each entry a higher lab replaced. */
void print_trap_table(void)
{
    const struct trap_handler_entry *e;
    unsigned int v;

    for (v = 0; v < NR_VECTORS; v++) {
        e = trap_entries[v];
        if (!e)
            continue;
        printk("  vector %#04x (%s): %s lab %u (%s)\n", v, trap_name(v),
               e->origin.name, e->origin.lab, e->origin.file);
        result("table vector nr=%u fn=%s lab=%u", v, e->origin.name,
               e->origin.lab);
    }
    for (e = __trap_handlers_start; e < __trap_handlers_end; e++)
        if (trap_entries[e->vector] != e) {
            printk("  vector %#04x: %s lab %u (%s) replaced by lab %u\n",
                   e->vector, e->origin.name, e->origin.lab, e->origin.file,
                   trap_entries[e->vector]->origin.lab);
            result("table vector-replaced nr=%u fn=%s lab=%u", e->vector,
                   e->origin.name, e->origin.lab);
        }
    /* What trap_dispatch() does with every vector nobody registered. */
    printk("  vector %#04x (hypercall): hypercall_entry lab 1 (its own gate, "
           "hv/entry.S)\n", HYPERCALL_VECTOR);
    printk("  other vectors: from a guest, the weak hook do_guest_trap; from "
           "the hypervisor, the exception table or fatal_trap\n");
}

void init_idt(void)
{
    extern char trap_stubs_start[], hypercall_entry[];
    struct {
        uint16_t limit;
        uint32_t base;
    } __packed idtr = { sizeof(idt_table) - 1, (uint32_t)idt_table };
    unsigned int v;

    /*
     * Every gate has DPL 0 - a guest's `int n` then raises #GP - except,
     * as in Xen: the hypercall gate (DPL 1: the guest kernel only) and the
     * breakpoint and overflow gates (DPL 3: int3 and into work anywhere).
     * Interrupt gates: the hypervisor always runs with interrupts off.
     */
    for (v = 0; v < NR_VECTORS; v++)
        set_gate(v, GATE_INTERRUPT, 0, trap_stubs_start + TRAP_STUB_SIZE * v);
    set_gate(TRAP_int3, GATE_INTERRUPT, 3, trap_stubs_start + TRAP_STUB_SIZE * TRAP_int3);
    set_gate(TRAP_overflow, GATE_INTERRUPT, 3, trap_stubs_start + TRAP_STUB_SIZE * TRAP_overflow);
    set_gate(HYPERCALL_VECTOR, GATE_INTERRUPT, 1, hypercall_entry); /* its own */

    __asm__ volatile("lidt %0" : : "m"(idtr));
    build_trap_handler_table();
}

unsigned long search_exception_table(unsigned long eip)
{
    extern const struct exception_table_entry __start___ex_table[],
        __stop___ex_table[];
    const struct exception_table_entry *e;

    for (e = __start___ex_table; e < __stop___ex_table; e++)
        if (e->insn == eip)
            return e->fixup;
    return 0;
}

void report_guest_fault(struct cpu_user_regs *regs)
{
    struct domain *d = current->domain;
    unsigned int v = regs->entry_vector;
    uint8_t bytes[8];
    char hex[3 * sizeof(bytes) + 1] = "";
    size_t i, missing;

    /* The instruction bytes help a student see *what* faulted. */
    missing = copy_from_guest(bytes, regs->eip, sizeof(bytes));
    for (i = 0; i < sizeof(bytes) - missing; i++)
        snprintf(hex + 3 * i, 4, " %02x", bytes[i]);
    if (missing == sizeof(bytes))
        strlcpy(hex, " (unreadable)", sizeof(hex));

    printk("d%u (%s): %s (vector %u), error code %#x, at eip %#x in ring %u, "
           "bytes at eip:%s\n", d->domain_id, d->name, trap_name(v), v,
           regs->error_code, regs->eip, regs->cs & 3, hex);
    if (v == TRAP_page_fault)
        printk("d%u (%s): the faulting address (cr2) was %#x\n", d->domain_id,
               d->name, read_cr2());
    result("d%u: fault vector=%u error=%#x eip=%#x ring=%u", d->domain_id, v,
           regs->error_code, regs->eip, regs->cs & 3);
}

/* Lab 1's policy for a guest's exception: report it, end the domain. */
__weak void do_guest_trap(struct cpu_user_regs *regs)
{
    report_guest_fault(regs);
    domain_crash(current->domain, "%s at eip %#x", trap_name(regs->entry_vector),
                 regs->eip);
}

/* ---- faults on the way back to a guest (hv/entry.S's exit fixups) ---- */

/* The fault that sent us to the last fixup, for its messages. */
static unsigned int fixup_vector, fixup_error_code;
static const char *const seg_names[] = { "ds", "es", "fs", "gs" };

/*
 * Documented weak hook: deliver the guest's *failsafe callback* - Xen's
 * name for the guest's handler of exactly this fault (a selector that
 * cannot be reloaded on the way back).  Return 1 if it was delivered (or
 * delivering it ended the domain), 0 if the guest has none.  Lab 1 knows
 * no callbacks; lab 3, where set_callbacks registers it, overrides this
 * (hv/failsafe.c).
 */
__weak int deliver_failsafe_callback(struct cpu_user_regs *regs)
{
    (void)regs;
    return 0;
}

/*
 * The selector in slot `which` (0 ds .. 3 gs) of the guest's frame could
 * not be loaded on the way back (hv/entry.S).  Deliver the failsafe
 * callback if the guest has one; otherwise put the null selector in that
 * slot - a guest may always load null into a data segment register, and
 * it sees the change when it next uses the register.  restore_all then
 * tries again.
 */
void exit_segment_fault(struct cpu_user_regs *regs, unsigned int which)
{
    uint32_t *slot = &regs->ds + which;
    struct domain *d;

    /*
     * The hypervisor never uses %fs or %gs, and hypercall_entry does not
     * even load them: during a hypercall they still hold the guest's
     * selectors.  A fault in the hypervisor saves them in its own frame,
     * and if the guest's descriptor went bad meanwhile (the very fault
     * being fixed up, often), restoring that frame faults again.  Null
     * serves the hypervisor just as well.
     */
    if (!guest_mode(regs) && (which == 2 || which == 3)) {
        *slot = 0;
        return;
    }
    if (which > 3 || !guest_mode(regs))
        panic("could not reload %%%s = %#x returning to the hypervisor itself "
              "(%s, error code %#x)", which <= 3 ? seg_names[which] : "?",
              *slot & 0xFFFF, trap_name(fixup_vector), fixup_error_code);
    d = current->domain;
    printk("d%u (%s): returning to the guest: %%%s = %#x could not be loaded "
           "(%s, error code %#x)\n", d->domain_id, d->name, seg_names[which],
           *slot & 0xFFFF, trap_name(fixup_vector), fixup_error_code);
    result("d%u: exit fault %s=%#x vector=%u", d->domain_id, seg_names[which],
           *slot & 0xFFFF, fixup_vector);
    if (!deliver_failsafe_callback(regs)) {
        printk("d%u (%s): no failsafe callback: %%%s is loaded with the null "
               "selector\n", d->domain_id, d->name, seg_names[which]);
        *slot = 0;
    }
    if (!domain_alive(d))
        schedule();             /* delivering it ended the domain */
}

/*
 * The iret back to the guest faulted: its cs:eip, eflags or ss:esp cannot
 * be loaded (for example an eip past the end of its code segment, after a
 * hypercall made from the last two bytes below the hole).  The guest has
 * nowhere sensible to go: end the domain, naming the frame.
 */
void exit_iret_fault(struct cpu_user_regs *regs)
{
    struct domain *d = current->domain;

    if (!guest_mode(regs))
        panic("iret to the hypervisor itself at %#x:%#x faulted (%s)",
              regs->cs & 0xFFFF, regs->eip, trap_name(fixup_vector));
    result("d%u: exit fault iret cs=%#x eip=%#x vector=%u", d->domain_id,
           regs->cs & 0xFFFF, regs->eip, fixup_vector);
    domain_crash(d, "returning to it failed: iret to %#x:%#x raised %s",
                 regs->cs & 0xFFFF, regs->eip, trap_name(fixup_vector));
    schedule();
}

/* Lab 3 delivers pending events here; lab 1 has none. */
__weak void test_all_events(struct cpu_user_regs *regs)
{
    (void)regs;
}

void trap_dispatch(struct cpu_user_regs *regs)
{
    unsigned int v = regs->entry_vector;
    unsigned long fixup;

    if (guest_mode(regs))
        current->nr_traps++; /* every entry from this guest (hypercall_entry
                                counts the hypercalls) */
    if (trap_handlers[v]) {
        trap_handlers[v](regs);
    } else if (v >= FIRST_IRQ_VECTOR && v < FIRST_IRQ_VECTOR + NR_IRQS) {
        /* All lines are masked until lab 5; this can only be spurious. */
    } else if (!guest_mode(regs)) {
        fixup = search_exception_table(regs->eip);
        if (!fixup)
            fatal_trap(regs);
        fixup_vector = v;       /* for the fixup's messages */
        fixup_error_code = regs->error_code;
        regs->eip = fixup;      /* e.g. copy_from_guest hit an unmapped page */
        return;
    } else {
        do_guest_trap(regs);
    }

    if (guest_mode(regs))
        guest_exit_work(regs);
}

/*
 * The last thing before every return to a guest (trap_dispatch, and
 * hv/entry.S's hypercall_entry, which does the common case - running, no
 * event pending - inline and calls this for the rest).
 *
 * Back to the guest - unless it ended.  Anything before may have ended it
 * (a handler, a hypercall, an interrupt's handler), and so may delivering
 * its events: an upcall whose frame cannot be written destroys the domain.
 * A domain that is no longer alive is never resumed, not even for one
 * instruction: schedule() runs the next.
 */
void guest_exit_work(struct cpu_user_regs *regs)
{
    if (domain_alive(current->domain))
        test_all_events(regs);
    if (!domain_alive(current->domain))
        schedule();
}

/* The 8259 PICs: move IRQs 0-15 to vectors 0x20-0x2F (the BIOS put them
 * over the CPU's exception vectors) and mask every line. */
void init_pic(void)
{
    outb(0x20, 0x11);            /* ICW1: edge, cascade, ICW4 follows */
    outb(0xA0, 0x11);
    outb(0x21, FIRST_IRQ_VECTOR); /* ICW2: vector base                */
    outb(0xA1, FIRST_IRQ_VECTOR + 8);
    outb(0x21, 0x04);            /* ICW3: slave on IRQ2               */
    outb(0xA1, 0x02);
    outb(0x21, 0x01);            /* ICW4: 8086 mode                   */
    outb(0xA1, 0x01);
    outb(0x21, 0xFF);            /* mask everything                   */
    outb(0xA1, 0xFF);
}

void pic_unmask(unsigned int irq)
{
    uint16_t port = irq < 8 ? 0x21 : 0xA1;
    outb(port, inb(port) & ~(1 << (irq & 7)));
    if (irq >= 8)
        pic_unmask(2);           /* the cascade line */
}

void pic_eoi(unsigned int irq)
{
    if (irq >= 8)
        outb(0xA0, 0x20);
    outb(0x20, 0x20);
}
