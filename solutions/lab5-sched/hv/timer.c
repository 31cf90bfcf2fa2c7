/*
 * hv/timer.c - one-shot timers for guests (lab 5, exercise 3).
 *
 * set_timer_op(deadline) (hypercall 15, Xen 3.0): raise VIRQ_TIMER when
 * system time reaches `deadline` (ns, 64 bits, passed in two registers on
 * x86_32: low word first).  One timer per vCPU: a new call replaces the
 * old deadline; 0 cancels; a deadline already past fires at once.  The
 * event goes through lab 3's path (send_guest_virq), so a domain blocked
 * in sched_op wakes when its timer fires.
 *
 * The tick checks deadlines, so a timer fires within one tick (TICK_NS)
 * after its deadline, never before.
 */
#include <hv/bvt.h>
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/time.h>

static void timer_fire(struct vcpu *v)
{
    sched_trace("timer d%u", v->domain->domain_id);
    v->timer_deadline = 0;
    send_guest_virq(v, VIRQ_TIMER);
}

/* Exercise 3: set_timer_op(lo, hi). */
static long do_set_timer_op(unsigned long lo, unsigned long hi)
{
    struct vcpu *v = current;
    uint64_t deadline = (uint64_t)hi << 32 | lo;
    //@ begin lab5 ex3: set_timer_op
    v->timer_deadline = deadline;
    if (deadline && deadline <= NOW())
        timer_fire(v);
    return 0;
    //@ stub
    //@ (void)v; (void)deadline; (void)timer_fire;
    //@ TODO_ONCE(5, 3, "set_timer_op");
    //@ return -ENOSYS;
    //@ end
}
REGISTER_HYPERCALL(__HYPERVISOR_set_timer_op, do_set_timer_op);

/* Exercise 3: from the tick: fire every living vcpu's due timer. */
void run_timers(uint64_t now)
{
    unsigned int i;
    //@ begin lab5 ex3: run timers
    for (i = 0; i < nr_domains; i++) {
        struct vcpu *v = domains[i].vcpu;
        if (v && domain_alive(&domains[i]) && v->timer_deadline &&
            v->timer_deadline <= now)
            timer_fire(v);
    }
    //@ stub
    //@ (void)i; (void)now;
    //@ end
}

/* Could anything wake v from SCHEDOP_block?  Its timer, or lab 3's debug
 * source (replaces lab 3's weak hook).  Either must be able to raise an
 * event that wakes it (bound, not masked). */
int event_source_armed(struct vcpu *v)
{
    return (v->timer_deadline && virq_can_wake(v, VIRQ_TIMER)) ||
           debug_virq_armed5(v);
}
