/*
 * hv/bounce.c - building the guest's exception frame (lab 2, exercises 3
 * and 7).
 *
 * When the guest's handler for a trap must run, we do in software what
 * the CPU does in hardware for a gate: pick a stack, push the frame, jump.
 *
 *   trap from ring 1: the guest kernel's own stack, regs->ss:regs->esp;
 *                     frame  [error code] EIP CS EFLAGS
 *   trap from ring 3: the kernel stack registered with stack_switch,
 *                     v->kernel_ss:v->kernel_sp;
 *                     frame  [error code] EIP CS EFLAGS ESP SS
 *
 * (lowest address first).  The frame is written with copy_to_guest: the
 * stack is the guest's and may be unmapped, read-only or - a malicious
 * guest - inside the hypervisor.  Then the saved registers are changed so
 * that returning from this trap lands in the handler.
 */
#include <hv/bounce.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/traps.h>

const char *bounce_name(unsigned int what)
{
    if (what == BOUNCE_UPCALL)
        return "the event upcall";
    if (what == BOUNCE_FAILSAFE)
        return "the failsafe callback";
    return trap_name(what);
}

/*
 * Exercise 7: nested faults.  The guest cannot take the fault it caused,
 * because delivering it failed (`nested` says how, `where` is the address
 * that could not be used).  Report the original and the nested fault, on
 * the console and as a result line "dN: nested fault: vector=V then
 * NESTED at WHERE" (V = what), and destroy the domain with domain_crash
 * (naming what could not be delivered).  The given last line then calls
 * domain_crash_synchronous(), Xen's name for "crash the current domain
 * and never return to it": nothing on this stack is worth returning to.
 * (Not to be confused with Xen's *failsafe callback*, the guest's handler
 * for a segment register that cannot be reloaded on the way back to it:
 * lab 1's exit path and lab 3's hv/failsafe.c.)
 */
void nested_fault(struct cpu_user_regs *regs, unsigned int what,
                  const char *nested, unsigned long where)
{
    struct domain *d = current->domain;
    /* LAB 2: your code here (exercise 7: nested faults) */
    (void)regs; (void)nested; (void)where;
    EXERCISE_TODO(2, 7, "nested faults");
    domain_crash(d, "nested fault while delivering %s", bounce_name(what));
    domain_crash_synchronous();
}

/*
 * Exercise 3: make the guest run cs:eip (the handler for `what`) as if a
 * gate had taken it there: on the stack chosen as above, the frame the CPU
 * would push ([error code], eip, cs, eflags, and from ring 3 esp, ss),
 * written with copy_to_guest() (or put_guest_u32()); regs then point at
 * the handler, with TF, NT and VM clear as a gate leaves them.  Returns 0;
 * when delivery is impossible it calls nested_fault(), which does not
 * return: "no kernel stack registered" (ring 3 before any stack_switch),
 * or "#SS ..." / "#PF ..." with the stack address when the frame cannot be
 * written (in the hole / unmapped or read-only).  Record here whatever
 * your nested-fault rule (exercise 1) needs to know about this bounce.
 * (The handout's hints give the steps.)
 */
int create_bounce_frame(struct cpu_user_regs *regs, unsigned int what,
                        uint16_t cs, unsigned long eip, uint32_t error_code,
                        int has_error_code)
{
    struct vcpu *v = current;
    /* LAB 2: your code here (exercise 3: bouncing) */
    (void)v; (void)cs; (void)eip; (void)error_code; (void)has_error_code;
    EXERCISE_TODO(2, 3, "bouncing");
    nested_fault(regs, what, "no bounce frame (LAB 2 exercise 3 is not done)", 0);
    return -1;
}
