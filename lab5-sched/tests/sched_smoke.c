/*
 * tests/sched_smoke.c - lab 5's smoke test (the hypervisor side's own):
 * time, a timer and preemption, with nothing from lab 5's guest port.
 *
 * op=spin ms=N: read system time from shared_info (version protocol, TSC
 *   scaled as the hypervisor says) until N ms have passed, counting loop
 *   iterations; report whether time ever went backwards, and the count.
 *   A gap of over 0.5 ms between two reads means another domain ran
 *   meanwhile: with three domains each spinner must see one (preempted=1).
 * op=timer: bind VIRQ_TIMER, set a timer 5 ms ahead, block; report that
 *   it woke at or after the deadline and within two ticks of it.
 */
#include <guest/events.h>

static uint64_t now(void);

static shared_info_t *shared(void)
{
    return (shared_info_t *)start_info->shared_info_va;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ((delta << shift) * mul) >> 32, without losing the product's top bits. */
static uint64_t scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (((delta & 0xFFFFFFFFu) * mul) >> 32) + (delta >> 32) * mul;
}

/* System time now, in ns: retry while the hypervisor is mid-update. */
static uint64_t now(void)
{
    volatile struct vcpu_time_info *t = &shared()->vcpu_info[0].time;
    uint32_t v;
    uint64_t ns;

    do {
        v = t->version;
        __asm__ volatile("" ::: "memory");
        ns = t->system_time + scale(rdtsc() - t->tsc_timestamp,
                                    t->tsc_to_system_mul, t->tsc_shift);
        __asm__ volatile("" ::: "memory");
    } while ((v & 1) || v != t->version);
    return ns;
}

static volatile unsigned int fired;
static volatile uint64_t fired_at;
static void on_timer(evtchn_port_t port)
{
    (void)port;
    if (!fired++)
        fired_at = now(); /* here, not after: the guest may be preempted */
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (op && !strcmp(op, "spin")) {
        const char *ms_s = cmdline_option("ms"); /* one buffer: op is done */
        uint64_t span = 0;
        const char *p;

        for (p = ms_s ? ms_s : "10"; *p >= '0' && *p <= '9'; p++)
            span = span * 10 + (uint64_t)(*p - '0');
        span *= 1000000ULL;
        uint64_t start, last, t;
        unsigned long loops = 0, backwards = 0, gaps = 0;
        int done;

        start = last = now();

        while ((t = now()) - start < span && loops < 2000000) {
            if (t < last)
                backwards++;
            if (t > last + 500000) /* 0.5 ms between two reads: another ran */
                gaps++;
            last = t;
            loops++;
        }
        /* 2 000 000 loops are far more than 100 ms on Bochs (and the ms= of
         * the tests on QEMU): reaching them means time stood still */
        done = loops < 2000000;
        report("spin done=%d backwards=%lu loops_nonzero=%d preempted=%d",
               done, backwards, loops != 0, gaps != 0);
        return 0;
    }
    if (op && !strcmp(op, "timer")) {
        uint64_t deadline, woke;
        long rc;

        report("events_init=%ld", events_init());
        bind_evtchn_to_handler(evtchn_bind_virq(VIRQ_TIMER), on_timer);
        /* nothing slow between setting the timer and blocking: on Bochs
         * one report costs milliseconds of console time */
        deadline = now() + 5000000ULL;
        rc = _hypercall2(__HYPERVISOR_set_timer_op, (uint32_t)deadline,
                         (uint32_t)(deadline >> 32));
        while (!fired && rc == 0)
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        woke = fired_at;
        report("set_timer_op=%ld", rc);
        report("timer fired=%u not_early=%d within_2ms=%d", fired, woke >= deadline,
               woke < deadline + 2000000ULL);
        return 0;
    }
    report("unknown op");
    return 1;
}
