/*
 * tests/lat.c - how soon a woken domain runs (lab 5, exercises 3, 5, 6).
 *
 * n times (default 10), the guest sets a timer period_us ahead and
 * blocks; when it runs again it reads now().  Its latency is how long
 * after the deadline that was.  With other domains spinning, a domain
 * with a warp should run within one context-switch allowance of the
 * event (plus the tick that noticed the deadline): bound_us.  The guest
 * reports whether its worst latency stayed within bound_us; the test says
 * which answer is right (1 with warp, 0 without).  With warmup_ms=W it
 * first sleeps W ms, so the others have run a while: virtual time starts
 * at 0, and a warp larger than the others' virtual time could not take
 * the woken domain further back than 0.
 *
 * With burst_ms=B it then stays busy for B ms after each wake, and
 * measures how long it kept the CPU before another domain first ran (a
 * step in its system time longer than gap_us): a warp lasts at most the
 * warp limit (warpl=), after which BVT shares the CPU again, so that
 * stretch is bounded by hold_us; it reports whether every one was.
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    unsigned long n = option_ul("n", 10), i;
    uint64_t period = option_ul("period_us", 3000) * 1000ULL;
    uint64_t bound = option_ul("bound_us", 1500) * 1000ULL;
    uint64_t start = option_ul("start_ms", 0) * NSEC_PER_MSEC;
    uint64_t burst = option_ul("burst_ms", 0) * NSEC_PER_MSEC;
    uint64_t hold_bound = option_ul("hold_us", 4000) * 1000ULL;
    uint64_t gap = option_ul("gap_us", 200) * 1000ULL;
    uint64_t deadline, t, lat, max = 0, sum = 0, held, max_held = 0, prev, u;

    uint64_t warmup = option_ul("warmup_ms", 0);

    events_init();
    timer_init();
    while (now_moving() < start)
        ;
    if (warmup)
        sleep_ms((unsigned int)warmup);
    for (i = 0; i < n; i++) {
        unsigned long seen = nr_timer_events;
        deadline = now() + period;
        set_timer(deadline);
        while (nr_timer_events == seen)
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        t = now();
        lat = t > deadline ? t - deadline : 0;
        sum += lat;
        if (lat > max)
            max = lat;
        held = burst; /* if no other domain ran during the burst */
        for (prev = t; (u = now_moving()) < t + burst; prev = u)
            if (u - prev > gap && held == burst)
                held = prev - t;
        if (held > max_held)
            max_held = held;
    }
    if (burst) {
        printf("burst: kept the CPU for at most %lu us after a wake (bound %lu us)\n",
               (unsigned long)(max_held / 1000), (unsigned long)(hold_bound / 1000));
        report("burst wakes=%lu held_within=%d", n, max_held <= hold_bound);
    }
    printf("latency: %lu wakes, worst %lu us, mean %lu us after the deadline (bound %lu us)\n",
           n, (unsigned long)(max / 1000), (unsigned long)(sum / n / 1000),
           (unsigned long)(bound / 1000));
    report("latency wakes=%lu within_bound=%d", n, max <= bound);
    return 0;
}
