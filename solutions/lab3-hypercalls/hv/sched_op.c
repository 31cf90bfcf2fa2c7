/*
 * hv/sched_op.c - yield, block and shutdown (lab 3, exercise 6).  It
 * replaces lab 1's shutdown-only sched_op (registered with a higher lab).
 *
 * block is the paravirtual `sti; hlt`: "wake me when an event is
 * pending".  The race to avoid: the guest checks for pending events, finds
 * none, an event arrives, then the guest blocks - and sleeps through it.
 * So block itself re-enables event delivery and checks for pending events
 * *inside* the hypervisor, where nothing can arrive between the check and
 * the sleep (interrupts are off there until we halt).
 */
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>

/*
 * Given: sleep with interrupts on until an interrupt handler has made the
 * current domain runnable again (evtchn_set_pending wakes it).  With
 * nothing that could ever wake it, end the domain rather than the machine.
 * Exported (hv/event.h): lab 5 blocks this way inside a multicall, where
 * there is no scheduler to switch to.
 */
void idle_until_woken(struct vcpu *v)
{
    struct domain *d = v->domain;

    while (d->state == DOMSTATE_blocked) {
        if (!event_source_armed(v)) {
            domain_crash(d, "blocked with no event source that could wake it");
            return;
        }
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
}

/*
 * Exercise 6: sched_op(cmd, arg), called by do_sched_op below.
 *   SCHEDOP_yield:    nothing else runs until lab 5; return 0.
 *   SCHEDOP_block:    clear the guest's evtchn_upcall_mask (blocking with
 *                     events masked would sleep forever); if event_pending,
 *                     return 0 at once; otherwise mark the domain
 *                     DOMSTATE_blocked and idle_until_woken; return 0.
 *   SCHEDOP_shutdown: arg is the reason, by value (Xen 3.0); a reason
 *                     above SHUTDOWN_crash is -EINVAL; otherwise
 *                     domain_shutdown (the summary prints the reason).
 *   other:            -ENOSYS.
 */
static long sched_op(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current;
    //@ begin lab3 ex6: sched_op
    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        v->domain->shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
        if (event_pending(v))
            return 0;
        v->domain->state = DOMSTATE_blocked;
        idle_until_woken(v);
        return 0;
    case SCHEDOP_shutdown:
        if (arg > SHUTDOWN_crash)
            return -EINVAL;
        domain_shutdown(v->domain, arg);
        return 0;
    default:
        return -ENOSYS;
    }
    //@ stub
    //@ (void)v; (void)arg; (void)idle_until_woken;
    //@ EXERCISE_TODO(3, 6, "sched_op");
    //@ if (cmd == SCHEDOP_shutdown) { /* so that guests still end */
    //@     domain_shutdown(current->domain, arg > SHUTDOWN_crash ? SHUTDOWN_crash : arg);
    //@     return 0;
    //@ }
    //@ return -ENOSYS;
    //@ end
}
/*
 * Given: the hypercall.  Whatever sched_op did, a domain that is returned
 * to must not still be marked blocked: lab 5's scheduler would never pick
 * it again.  (block that marks the domain blocked and *then* finds an
 * event pending returns in that state.)
 */
static long do_sched_op(unsigned long cmd, unsigned long arg)
{
    long rc = sched_op(cmd, arg);
    struct domain *d = current->domain;

    if (d->state == DOMSTATE_blocked)
        domain_crash(d, "sched_op %lu returned with the domain still marked blocked "
                     "(check for a pending event before marking it blocked)", cmd);
    return rc;
}
REGISTER_HYPERCALL(__HYPERVISOR_sched_op, do_sched_op);
