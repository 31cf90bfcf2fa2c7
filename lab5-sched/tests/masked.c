/*
 * tests/masked.c - a domain that spins for span_ms with its events
 * masked (lab 5, exercises 1, 5, 6).  Masking events is the guest's
 * "cli": it stops upcalls to this guest, not the hypervisor's timer, so
 * the other domains must still run (the test checks them).  It reports
 * how often another domain ran meanwhile (a step of more than 200 us
 * between two of its reads of now()); it never unmasks.
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    uint64_t span = option_ul("span_ms", 40) * NSEC_PER_MSEC, end, t, prev;
    unsigned long preempted = 0;

    local_irq_disable(); /* never undone */
    prev = now();
    end = prev + span;
    while ((t = now_moving()) < end) {
        if (t - prev > 200000)
            preempted++;
        prev = t;
    }
    printf("masked: preempted %lu times in %lu ms\n", preempted,
           (unsigned long)(span / NSEC_PER_MSEC));
    report("masked spun_ms=%lu preempted=%d", (unsigned long)(span / NSEC_PER_MSEC),
           preempted > 0);
    return 0;
}
