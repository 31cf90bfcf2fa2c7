/*
 * hv/fast_trap.c - the direct system-call gate (lab 2, exercise 6).
 *
 * A system call from a guest application would normally cost two trips:
 * ring 3 -> hypervisor -> bounced into the guest kernel.  Because the only
 * check a handler needs - that it does not run in ring 0 - was made when
 * set_trap_table accepted it, the hypervisor can put the guest's handler
 * straight into the IDT: a *trap* gate (interrupts stay enabled: the paper's
 * "we can't virtualise interrupt gates"), DPL 3 so applications may use
 * it, whose selector is the guest's ring-1 code segment.  `int $0x80` then
 * goes from ring 3 to the guest kernel in ring 1 - on the TSS's ss1:esp1
 * stack, set by stack_switch - and the hypervisor never runs.
 *
 * The gate belongs to the running domain: a vcpu switch hook removes the
 * old domain's and installs the new one's.
 */
#include <hv/bounce.h>
#include <hv/desc.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/traps.h>

extern char trap_stubs_start[];

/*
 * Exercise 6a: write the IDT entry for v->syscall_vector: the handler and
 * selector from v->trap_ctxt, type GATE_TRAP, DPL 3, present.  (set_gate()
 * in hv/traps.c always uses the hypervisor's selector; here you fill
 * idt_table[] yourself.)
 */
void install_fast_trap(struct vcpu *v)
{
    /* LAB 2: your code here (exercise 6: direct system-call gate) */
    (void)v;
    EXERCISE_TODO(2, 6, "direct system-call gate");
}

/* Given: put the hypervisor's own stub back (a DPL-0 interrupt gate). */
void remove_fast_trap(struct vcpu *v)
{
    unsigned int n = v->syscall_vector;
    set_gate(n, GATE_INTERRUPT, 0, trap_stubs_start + 16 * n);
}

/*
 * Exercise 6b: set_fast_trap(vector).  The vector must not be one the CPU
 * or the hypervisor uses (the exceptions below 0x20, the PIC's interrupts
 * 0x20..0x2F - a guest gate there would take the hypervisor's timer - or
 * HYPERCALL_VECTOR), and the guest
 * must already have a handler for it in its trap table with a ring-1
 * selector: -EINVAL and a console line otherwise.  Remove any previous
 * gate of this vcpu, then record the vector and install the gate.
 */
static long do_set_fast_trap(unsigned long vector)
{
    struct vcpu *v = current;
    /* LAB 2: your code here (exercise 6: direct system-call gate) */
    (void)vector; (void)v;
    EXERCISE_TODO(2, 6, "direct system-call gate");
    return -ENOSYS;
}
REGISTER_HYPERCALL(__HYPERVISOR_set_fast_trap, do_set_fast_trap);

/* Given: the gate and the TSS ring-1 stack follow the running vcpu. */
static void fast_trap_switch(struct vcpu *prev, struct vcpu *next)
{
    if (prev && prev->syscall_vector)
        remove_fast_trap(prev);
    if (next->syscall_vector)
        install_fast_trap(next);
    init_tss.ss1 = (uint16_t)next->kernel_ss;
    init_tss.esp1 = next->kernel_sp;
}
REGISTER_VCPU_SWITCH_HOOK(fast_trap_switch);
