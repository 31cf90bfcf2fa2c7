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
    //@ begin lab2 ex7: nested faults
    printk("d%u (%s): nested fault: delivering %s (vector %u) from eip %#x "
           "failed with %s at %#lx\n", d->domain_id, d->name, bounce_name(what),
           what, regs->eip, nested, where);
    result("d%u: nested fault: vector=%u then %s at %#lx", d->domain_id, what,
           nested, where);
    current->bounce_eip = 0;
    domain_crash(d, "nested fault while delivering %s", bounce_name(what));
    //@ stub
    //@ (void)regs; (void)nested; (void)where;
    //@ EXERCISE_TODO(2, 7, "nested faults");
    //@ domain_crash(d, "nested fault while delivering %s", bounce_name(what));
    //@ end
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
    //@ begin lab2 ex3: bouncing
    int from_user = (regs->cs & 3) == 3;
    size_t len = 3 * sizeof(uint32_t); /* eip, cs, eflags */
    unsigned long sp, p;
    int faulted = 0;

    if (from_user) {
        if (!v->kernel_ss) {
            nested_fault(regs, what, "no kernel stack registered "
                         "(stack_switch)", 0);
            return -1;
        }
        sp = v->kernel_sp;
        len += 2 * sizeof(uint32_t);   /* and esp, ss */
    } else {
        sp = regs->esp;
    }
    if (has_error_code)
        len += sizeof(uint32_t);
    sp -= len;
    if (!guest_range_ok(sp, len)) {
        nested_fault(regs, what, "#SS (stack in the hypervisor hole)", sp);
        return -1;
    }
    /*
     * The frame, lowest address first, a word at a time: put_guest_u32
     * stores straight from a register, and a store that faults (unmapped,
     * read-only) sets `faulted` - one test after the last.
     */
    p = sp;
    if (has_error_code) {
        put_guest_u32(p, error_code, &faulted);
        p += sizeof(uint32_t);
    }
    put_guest_u32(p, regs->eip, &faulted);
    put_guest_u32(p + 4, regs->cs & 0xFFFF, &faulted);
    put_guest_u32(p + 8, regs->eflags, &faulted);
    if (from_user) {
        put_guest_u32(p + 12, regs->esp, &faulted);
        put_guest_u32(p + 16, regs->ss & 0xFFFF, &faulted);
    }
    if (faulted) {
        nested_fault(regs, what, "#PF (stack unmapped or read-only)", sp);
        return -1;
    }
    regs->esp = sp;
    regs->ss = from_user ? v->kernel_ss : regs->ss & 0xFFFF;
    regs->cs = cs;
    regs->eip = eip;
    regs->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_VM);
    v->bounce_eip = eip;
    v->bounce_vector = what;
    return 0;
    //@ stub
    //@ (void)v; (void)cs; (void)eip; (void)error_code; (void)has_error_code;
    //@ EXERCISE_TODO(2, 3, "bouncing");
    //@ nested_fault(regs, what, "no bounce frame (LAB 2 exercise 3 is not done)", 0);
    //@ return -1;
    //@ end
}
