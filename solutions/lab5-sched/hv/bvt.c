/*
 * hv/bvt.c - Borrowed Virtual Time (lab 5, exercise 5), and sched_op
 * yield and block on top of it.
 *
 * Every runnable domain has an actual virtual time, avt, that advances by
 * its run time times its mcu_advance (BVT_WEIGHT_UNIT / weight): a domain
 * of weight 3 ages a third as fast as one of weight 1, so it runs three
 * times as long before it is no longer the furthest behind.  The
 * scheduler always runs the lowest *effective* virtual time, evt: avt,
 * minus the warp while the domain is warping.
 *
 * Warp is what makes BVT low-latency: a domain woken by an event (a timer,
 * a packet) with warp= set jumps back by that much virtual time, so it
 * runs at once instead of waiting its turn; it may stay warped for at
 * most warpl= ms, and after that must run unwarped for warpu= ms before
 * it may warp again - so warp buys latency, never more than its share.
 *
 * A woken domain's avt is first raised to the scheduler's virtual time
 * (the least avt of the others that are runnable): sleeping earns no
 * credit, or a domain that slept for a second would then own the CPU for
 * a second.
 *
 * The run queue is every domain slot (MAX_DOMAINS, 16): picking the
 * lowest evt is one pass, which at this size is simpler and no slower
 * than keeping a sorted list.
 */
#include <hv/bvt.h>
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/time.h>

/* The warp in virtual time: warp ns of run time at v's weight. */
static uint64_t warp_vt(const struct vcpu *v)
{
    return (uint64_t)v->warp * SI(v)->mcu_advance;
}

/* Exercise 5: v ran ran_ns: its actual virtual time advances. */
void bvt_account(struct vcpu *v, uint64_t ran_ns)
{
    //@ begin lab5 ex5: advance virtual time
    v->avt = bvt_avt_after(v->avt, ran_ns, SI(v)->mcu_advance);
    //@ stub
    //@ (void)v; (void)ran_ns;
    //@ end
}

/* Exercise 5: end a warp that has lasted warpl; recompute evt. */
void bvt_update_evt(struct vcpu *v, uint64_t now)
{
    struct sched_info *si = SI(v);
    //@ begin lab5 ex5: effective virtual time
    if (v->warping && v->warp_limit && now - si->warp_start >= v->warp_limit) {
        v->warping = 0;
        si->unwarp_time = now;
    }
    v->evt = bvt_evt(v->avt, v->warping, warp_vt(v));
    //@ stub
    //@ (void)si; (void)now; (void)warp_vt;
    //@ v->evt = v->avt;
    //@ end
}

/* The scheduler's virtual time: the least avt of the runnable others. */
static uint64_t svt(const struct vcpu *except)
{
    uint64_t min = ~0ULL;
    unsigned int i;

    for (i = 0; i < nr_domains; i++) {
        const struct vcpu *w = domains[i].vcpu;
        if (w && w != except && vcpu_runnable(w) && w->avt < min)
            min = w->avt;
    }
    return min == ~0ULL ? except->avt : min;
}

/* Exercise 5: v was woken by an event. */
void bvt_wake(struct vcpu *v, uint64_t now)
{
    struct sched_info *si = SI(v);
    //@ begin lab5 ex5: wake and warp
    v->avt = bvt_wake_avt(v->avt, svt(v));
    if (v->warp > 0 && (!v->unwarp_requirement ||
                        now - si->unwarp_time >= v->unwarp_requirement)) {
        v->warping = 1;
        si->warp_start = now;
    }
    //@ stub
    //@ (void)si; (void)svt;
    //@ end
    bvt_update_evt(v, now);
}

/*
 * Exercise 5: the runnable vcpu with the lowest evt (ties: the lowest
 * domain id), not `skip` unless it is the only one; NULL if none.
 */
struct vcpu *bvt_pick(struct vcpu *skip)
{
    struct vcpu *best = NULL;
    unsigned int i;
    //@ begin lab5 ex5: pick
    for (i = 0; i < nr_domains; i++) {
        struct vcpu *w = domains[i].vcpu;
        if (!w || !vcpu_runnable(w) || w == skip)
            continue;
        if (!best || w->evt < best->evt)
            best = w;
    }
    if (!best && skip && vcpu_runnable(skip))
        best = skip;
    //@ stub
    //@ TODO_ONCE(5, 5, "pick");
    //@ for (i = 0; i < nr_domains && !best; i++) /* the first runnable */
    //@     if (domains[i].vcpu && vcpu_runnable(domains[i].vcpu))
    //@         best = domains[i].vcpu;
    //@ (void)skip;
    //@ end
    return best;
}

/*
 * sched_op(cmd, arg) at lab 5 (it replaces lab 3's):
 *   yield:    let the scheduler run another domain (this one stays
 *             runnable and runs again at its turn); returns 0.
 *   block:    as in lab 3 (unmask events; return at once if one is
 *             pending), but the CPU goes to the other domains until an
 *             event wakes it; a domain nothing could wake stays blocked
 *             until the others have ended, and is ended then.
 *   shutdown: as in lab 3.
 * A switch never returns here: the guest's %eax (the result) is set in
 * its frame first, which context_save keeps.
 */
static long do_sched_op5(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    /* Called directly (not from a multicall): the frame's %eax is our number. */
    int direct = regs->eax == __HYPERVISOR_sched_op;

    switch (cmd) {
    case SCHEDOP_yield:
        //@ begin lab5 ex5: yield
        if (direct) {
            regs->eax = 0;
            yield_from = v;
            sched_reason = "yield";
            schedule();
        }
        //@ stub
        //@ (void)direct;
        //@ end
        return 0;
    case SCHEDOP_block:
        v->domain->shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
        if (event_pending(v))
            return 0;
        /* Nothing armed that could wake it?  Unlike lab 3, it need not
         * end now: the others run on, and only when nothing else can
         * run does the scheduler end it (schedule.c, end_stuck_domains).
         * A block inside a multicall has no scheduler to go to (the
         * multicall's remaining entries must still run): lab 3's
         * idle_until_woken halts until an interrupt wakes it, or ends
         * it at once if nothing could; other domains wait meanwhile. */
        v->domain->state = DOMSTATE_blocked;
        sched_trace("block d%u", v->domain->domain_id);
        SI(v)->was_blocked = 1;
        v->warping = 0;
        SI(v)->unwarp_time = NOW();
        //@ begin lab5 ex5: block
        if (direct) {
            regs->eax = 0;
            sched_reason = "block";
            schedule();
        }
        //@ stub
        //@ TODO_ONCE(5, 5, "block");
        //@ (void)direct;
        //@ end
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
}
REGISTER_HYPERCALL(__HYPERVISOR_sched_op, do_sched_op5);
