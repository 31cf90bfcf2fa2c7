/*
 * hv/bvt.h - the scheduler's state and the functions between its
 * exercises (lab 5).
 *
 * struct vcpu (hv/sched.h) has lab 5's core fields: avt, evt, weight,
 * warp, warp_limit, unwarp_requirement, warping, cpu_time, fpu_state.  The
 * few more the scheduler keeps live here, per domain slot.
 *
 * Module options (hv/options5.c), all optional:
 *   weight=N   1..100 (default 1): the CPU share is proportional to it;
 *              mcu_advance = BVT_WEIGHT_UNIT / weight (hv/sched_math.h).
 *   warp=MS    how far back (in ms of the domain's own run time at its
 *              weight) its effective virtual time goes when an event
 *              wakes it (default 0: never warps).
 *   warpl=MS   warp limit: it runs warped at most this long (0: no limit).
 *   warpu=MS   unwarp requirement: after unwarping it must wait this long
 *              before it may warp again (0: at its next wake).
 * Hypervisor option ctx_allow=MS (default CTX_ALLOW_DEFAULT_NS): the
 * context-switch allowance.
 */
#ifndef HV_BVT_H
#define HV_BVT_H

#include <stdint.h>
#include <hv/exercise.h>
#include <hv/sched.h>
#include <hv/sched_math.h>

#define CTX_ALLOW_DEFAULT_NS (2 * NSEC_PER_MSEC)

struct sched_info {
    uint32_t mcu_advance;    /* BVT_WEIGHT_UNIT / weight                  */
    uint64_t last_start;     /* system time it last started running       */
    uint64_t warp_start;     /* when its current warp began               */
    uint64_t unwarp_time;    /* when it last stopped warping              */
    int was_blocked;         /* blocked at the last look: a wake is news  */
    int has_run;             /* entered once: later runs restore its frame */
    unsigned long nr_nm;     /* #NM traps taken (lazy FPU)                */
    unsigned long nr_switches; /* times switched to                       */
};
extern struct sched_info sched_info[MAX_DOMAINS];
extern uint64_t ctx_allow_ns;
extern uint64_t idle_ns;     /* time nothing was runnable                */

/* A stub on a path taken every tick says it is not done once, not a
 * thousand times a second. */
#define TODO_ONCE(lab, ex, name)                                            \
    do {                                                                    \
        static int said_;                                                   \
        if (!said_++)                                                       \
            EXERCISE_TODO((lab), (ex), (name));                             \
    } while (0)

static inline struct sched_info *SI(const struct vcpu *v)
{
    return &sched_info[v->domain->domain_id];
}

/* Is v's domain ready to run (alive and neither blocked nor paused)? */
static inline int vcpu_runnable(const struct vcpu *v)
{
    return v->domain->state == DOMSTATE_running;
}

/* Exercise 4 (hv/context.c): keep prev's registers (the frame at the top
 * of the stack); run next after prev (NULL the first time; ended; or next
 * itself).  Also the #NM handler and the fpu_switch hook (lazy FPU). */
int context_save(struct vcpu *prev);   /* 0: cannot (exercise 4 not done) */
void context_switch(struct vcpu *prev, struct vcpu *next) __attribute__((noreturn));
void fpu_forget(struct vcpu *v);   /* its domain ended */

/* Exercise 5 (hv/bvt.c). */
void bvt_account(struct vcpu *v, uint64_t ran_ns); /* avt += ran * adv   */
void bvt_update_evt(struct vcpu *v, uint64_t now); /* warp bookkeeping    */
void bvt_wake(struct vcpu *v, uint64_t now);       /* woken by an event   */
struct vcpu *bvt_pick(struct vcpu *skip);          /* lowest evt, or NULL */

/* Exercise 6 (hv/schedule.c). */
void charge_current(uint64_t now);                 /* account run time    */
void notice_wakes(uint64_t now);                   /* blocked -> woken    */
extern struct vcpu *yield_from; /* sched_op yield: pick another if any   */

/* Given (hv/sched_setup.c): the watchdog on CPU time, from the tick. */
void watchdog_tick5(void);

/* Given (hv/trace.c): the trace channel (hypervisor option `trace`). */
extern int sched_tracing;
extern const char *sched_reason; /* why schedule() was called: "block", ... */
void sched_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *trace_name(const struct vcpu *v, char *buf, unsigned int len);
void sched_trace_dump(void); /* when the run ends */

/* Given (hv/sched_setup.c): the end of the run, with CPU times. */
void sched_print_summary_and_exit(void) __attribute__((noreturn));

#endif /* HV_BVT_H */
