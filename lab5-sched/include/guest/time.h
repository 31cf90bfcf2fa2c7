/*
 * guest/time.h - time and timers for a guest kernel (lab 5, given).
 *
 * A paravirtual guest never sees the real timer.  It reads the time from
 * shared memory instead: the hypervisor publishes, in shared_info's
 * vcpu_info[0].time, the system time (ns since boot) at one TSC reading
 * and the factor that turns TSC ticks into ns.  now() extrapolates from
 * there with rdtsc - no hypercall - and the `version` counter (odd while
 * the hypervisor writes) tells it when it read a torn record and must
 * read again.  For events in the future a guest asks for a one-shot
 * timer (set_timer_op, a deadline in ns of system time) and receives
 * VIRQ_TIMER through lab 3's event path when it expires.
 */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include <guest/events.h>

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

/* set_timer_op(deadline): on x86_32 the u64 travels low word first. */
static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall2(__HYPERVISOR_set_timer_op, (uint32_t)deadline,
                       (uint32_t)(deadline >> 32));
}
/* fpu_taskswitch(1): set our virtual CR0.TS, so the next FPU use traps
 * (#NM, vector 7) to us; (0): clear it.  The guest's own lazy FPU. */
static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return _hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* System time now, in ns since the hypervisor booted. */
uint64_t now(void);
/*
 * now() for loops that wait for a time to come: if system time has not
 * moved for TIME_STALL_READS reads in a row (exercises 1-2 not done: the
 * record is never published), report it and end the domain, so the test
 * fails at once instead of spinning until its timeout.
 */
#define TIME_STALL_READS 1000000UL
uint64_t now_moving(void);
/* How many times now() found the record being written and read it again. */
extern unsigned long nr_time_retries;
/* The wall clock at boot (seconds, ns) as published, read consistently. */
void wallclock_at_boot(uint32_t *sec, uint32_t *nsec);
/* The wall clock now: boot wall clock + system time, in ns since 1970. */
uint64_t wallclock_now(void);

/*
 * Bind VIRQ_TIMER to our handler (needs events_init first).  Returns the
 * port or a negative errno.  Each expiry counts in nr_timer_events and then
 * calls the hook set with set_timer_hook (NULL: none), with upcalls masked.
 */
long timer_init(void);
void set_timer_hook(void (*fn)(void));
extern volatile unsigned long nr_timer_events;
extern volatile uint64_t last_timer_event_ns; /* now() when it last fired */

/* Arm the one timer for `deadline` (0 cancels); set_timer_op's result. */
long set_timer(uint64_t deadline);
/* Block until at least ms milliseconds of system time have passed. */
void sleep_ms(unsigned int ms);

#endif /* GUEST_TIME_H */
