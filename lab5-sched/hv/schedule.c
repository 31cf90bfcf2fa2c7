/*
 * hv/schedule.c - preemption and accounting (lab 5, exercise 6): the
 * scheduler that replaces lab 1's "run the next module".
 *
 * schedule() is called whenever the running domain cannot or should not
 * go on: it ended (guest_exit_work), it blocked or yielded (sched_op), or
 * the tick decided it has had its turn (sched_tick).  It charges the run
 * time to the domain (cpu_time, and BVT's virtual time), keeps its
 * registers, picks the runnable domain with the lowest effective virtual
 * time and switches to it.  With nothing runnable it idles (hlt, with
 * interrupts on: the tick wakes blocked domains through their timers);
 * when every domain has ended, it prints the summary and ends the run.
 *
 * The tick preempts the running domain when another runnable one is
 * behind it in virtual time by more than the context-switch allowance
 * (bvt_should_preempt) - including one just woken and warped.
 */
#include <hv/bvt.h>
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/time.h>
#include <hv/traps.h>

struct vcpu *yield_from;
uint64_t idle_ns;
void reset_stack_and_call(void (*fn)(void)) __noreturn;

/* Exercise 6: charge current for the time since it last started. */
void charge_current(uint64_t now)
{
    struct sched_info *si;
    uint64_t ran;

    if (!current)
        return;
    si = SI(current);
    /* LAB 5: your code here (exercise 6: accounting) */
    (void)si; (void)ran; (void)now;
}

/* Given: domains woken since the last look (an event made a blocked one
 * runnable: lab 3's evtchn_set_pending does that) get BVT's wake-up. */
void notice_wakes(uint64_t now)
{
    unsigned int i;

    for (i = 0; i < nr_domains; i++) {
        struct vcpu *v = domains[i].vcpu;
        if (!v || !domain_alive(&domains[i]))
            continue;
        if (domains[i].state == DOMSTATE_blocked) {
            SI(v)->was_blocked = 1;
        } else if (SI(v)->was_blocked && vcpu_runnable(v)) {
            SI(v)->was_blocked = 0;
            sched_trace("wake d%u", i);
            bvt_wake(v, now);
        }
    }
}

/* Given: every runnable domain's evt, as of now (warps may have ended). */
static void update_evts(uint64_t now)
{
    unsigned int i;

    for (i = 0; i < nr_domains; i++)
        if (domains[i].vcpu && vcpu_runnable(domains[i].vcpu))
            bvt_update_evt(domains[i].vcpu, now);
}

/* Given: could anything still happen?  Some domain runnable, or blocked
 * with an armed source. */
static int anything_can_run(void)
{
    unsigned int i;

    for (i = 0; i < nr_domains; i++) {
        struct domain *d = &domains[i];
        if (d->vcpu && (d->state == DOMSTATE_running ||
                        (d->state == DOMSTATE_blocked && event_source_armed(d->vcpu))))
            return 1;
    }
    return 0;
}

static int any_alive(void)
{
    unsigned int i;

    for (i = 0; i < nr_domains; i++)
        if (domains[i].vcpu && domain_alive(&domains[i]))
            return 1;
    return 0;
}

/*
 * Given: nothing can run and nothing could ever wake the domains still
 * blocked (no timer, no armed source; every other domain has ended): end
 * them, saying so, so the run ends.  Their memory is freed like anyone's.
 */
static void end_stuck_domains(void)
{
    unsigned int i;

    for (i = 0; i < nr_domains; i++)
        if (domains[i].vcpu && domains[i].state == DOMSTATE_blocked) {
            domain_crash(&domains[i],
                         "blocked with no event source until every other domain ended");
            fpu_forget(domains[i].vcpu);
            finish_domain(&domains[i]);
        }
}

/*
 * Given: prev keeps the CPU (its frame is still at the top of the stack):
 * when context_save() cannot save it (exercise 4 not done), or when the
 * skeleton of exercise 6 runs each domain until it ends, as lab 1 did.
 * A blocked prev waits in place, as in lab 3.
 */
static void __noreturn keep_running(struct vcpu *v)
{
    current = v;
    SI(v)->last_start = NOW();
    while (v->domain->state == DOMSTATE_blocked) {
        if (!event_source_armed(v)) {
            domain_crash(v->domain, "blocked with no event source that could wake it");
            break;
        }
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    guest_exit_work(guest_cpu_user_regs()); /* if it ended: schedule() */
    return_to_guest();
}

/* Runs on a fresh stack (schedule() below): the frame at the top is
 * current's, if current is set. */
static void do_schedule(void)
{
    struct vcpu *prev = current, *next = NULL;
    uint64_t now = NOW(), t;
    unsigned int idled = 0;
    char name[8];

    if (prev) {
        charge_current(now);
        if (domain_alive(prev->domain)) {
            if (!context_save(prev))  /* exercise 4 */
                keep_running(prev);
        } else {
            fpu_forget(prev);
            sched_trace("end d%u", prev->domain->domain_id);
            sched_reason = "end";
            finish_domain(prev->domain); /* its end line, memory, integrity */
        }
    }
    /* LAB 5: your code here (exercise 6: schedule) */
    TODO_ONCE(5, 6, "schedule");
    unsigned int i;
    (void)now; (void)t; (void)anything_can_run; (void)end_stuck_domains; (void)update_evts;
    if (prev && domain_alive(prev->domain)) /* as lab 1: on until it ends */
        keep_running(prev);
    for (i = 0; i < nr_domains && !next; i++)
        if (domains[i].vcpu && vcpu_runnable(domains[i].vcpu) && !SI(domains[i].vcpu)->has_run)
            next = domains[i].vcpu;
    if (!next || !any_alive())
        sched_print_summary_and_exit();
    if (sched_tracing && (prev != next || idled))
        sched_trace("switch from=%s to=d%u reason=%s",
                    idled ? "idle" : trace_name(prev, name, sizeof(name)),
                    next->domain->domain_id,
                    idled ? "idle" : !prev ? "start" : sched_reason ? sched_reason : "slice");
    sched_reason = NULL;
    context_switch(prev, next);       /* exercise 4: never returns */
}

/* Replaces lab 1's weak schedule(): nothing on the stack is kept. */
void schedule(void)
{
    reset_stack_and_call(do_schedule);
}

/*
 * Exercise 6: the tick's scheduling work.  Only when the tick interrupted
 * a guest: in the idle loop (or lab 3's idle_until_woken) the loop looks itself.
 * Charge current, notice wakes, and preempt it if the best other runnable
 * domain is behind it by more than the context-switch allowance.
 */
void sched_tick(struct cpu_user_regs *regs)
{
    uint64_t now = NOW();
    struct vcpu *best;

    if (!guest_mode(regs) || !current || !domain_alive(current->domain))
        return;
    /* LAB 5: your code here (exercise 6: preempt) */
    (void)now; (void)best;
}
