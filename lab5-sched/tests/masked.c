/*
 * tests/masked.c - a domain that spins for span_ms with its events
 * masked (lab 5, exercises 1, 5, 6).  Masking events is the guest's
 * "cli": it stops upcalls to this guest, not the hypervisor's timer, so
 * the other domains must still run (the test checks them).  It reports
 * only that it spun the whole span; it never unmasks.
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    uint64_t span = option_ul("span_ms", 40) * NSEC_PER_MSEC, end;

    local_irq_disable(); /* never undone */
    end = now() + span;
    while (now_moving() < end)
        ;
    report("masked spun_ms=%lu", (unsigned long)(span / NSEC_PER_MSEC));
    return 0;
}
