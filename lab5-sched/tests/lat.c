/*
 * tests/lat.c - how soon a woken domain runs (lab 5, exercises 3, 5, 6).
 *
 * n times (default 10), the guest sets a timer period_us ahead and
 * blocks; when it runs again it reads now().  Its latency is how long
 * after the deadline that was.  With other domains spinning, a domain
 * with a warp should run within one context-switch allowance of the
 * event (plus the tick that noticed the deadline): bound_us.  The guest
 * reports whether its worst latency stayed within bound_us; the test says
 * which answer is right (1 with warp, 0 without).
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    unsigned long n = option_ul("n", 10), i;
    uint64_t period = option_ul("period_us", 3000) * 1000ULL;
    uint64_t bound = option_ul("bound_us", 1500) * 1000ULL;
    uint64_t start = option_ul("start_ms", 0) * NSEC_PER_MSEC;
    uint64_t deadline, t, lat, max = 0, sum = 0;

    events_init();
    timer_init();
    while (now_moving() < start)
        ;
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
    }
    printf("latency: %lu wakes, worst %lu us, mean %lu us after the deadline (bound %lu us)\n",
           n, (unsigned long)(max / 1000), (unsigned long)(sum / n / 1000),
           (unsigned long)(bound / 1000));
    report("latency wakes=%lu within_bound=%d", n, max <= bound);
    return 0;
}
