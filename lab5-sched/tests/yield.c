/*
 * tests/yield.c - SCHEDOP_yield hands the CPU over (lab 5, exercise 5).
 *
 * The guest yields n times (default 20) while a CPU hog runs beside it.
 * It hardly runs, so its virtual time stays the lowest: a scheduler that
 * simply picked the lowest would give the CPU straight back.  Yield must
 * pick another runnable domain, so each yield returns only after the hog
 * has run - at least until the next tick.  The guest counts the yields
 * after which its own system time had jumped by more than gap_us (the
 * hog ran meanwhile) and reports whether every one did.
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    unsigned long n = option_ul("n", 20), i, handed = 0;
    uint64_t gap = option_ul("gap_us", 200) * 1000ULL;
    uint64_t start = option_ul("start_ms", 0) * NSEC_PER_MSEC, t, away, least = ~0ULL;

    while (now_moving() < start) /* the hog is running by then */
        ;
    for (i = 0; i < n; i++) {
        t = now();
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
        away = now() - t;
        if (away > gap)
            handed++;
        if (away < least)
            least = away;
    }
    printf("yield: %lu of %lu yields let another domain run (shortest %lu us)\n", handed,
           n, (unsigned long)(least / 1000));
    report("yield n=%lu handed_all=%d", n, handed == n);
    return 0;
}
