/*
 * tests/hog.c - a CPU-bound domain that measures its own share of the CPU
 * (lab 5, exercises 4-6).
 *
 * It spins from system time start_ms to start_ms + span_ms (both from
 * boot, so every hog measures the same window), reading now() in a loop.
 * A step between two reads longer than gap_us means another domain ran
 * meanwhile; the rest of the window is our CPU time.  With expect=P it
 * reports whether its share is within tol (default 5) points of P%.
 * Without expect= it is just a load for other tests.
 */
#include <guest/options.h>
#include <guest/time.h>

int main(void)
{
    uint64_t start = option_ul("start_ms", 50) * NSEC_PER_MSEC;
    uint64_t span = option_ul("span_ms", 100) * NSEC_PER_MSEC;
    uint64_t gap = option_ul("gap_us", 200) * 1000ULL;
    unsigned long expect = option_ul("expect", 0), tol = option_ul("tol", 5);
    uint64_t t, prev, away = 0, end;
    unsigned long loops = 0, permille, late;

    t = now();
    late = start && t > start;
    if (t > start)
        start = t;
    while (now_moving() < start)
        ;
    /* From start, not from our first read: if another domain ran at
     * start, that gap is its time.  The last gap counts up to end only. */
    end = start + span;
    prev = start;
    for (;;) {
        t = now_moving();
        if (t > end)
            t = end;
        if (t - prev > gap)
            away += t - prev;
        if (t == end)
            break;
        prev = t;
        loops++;
    }
    /* Per mille of the window we ran, in 32-bit arithmetic (us). */
    permille = (unsigned long)((uint32_t)((span - away) / 1000) * 1000U /
                               (uint32_t)(span / 1000));
    printf("hog: ran %lu.%lu%% of %lu ms from %lu ms (%lu loops)%s\n", permille / 10,
           permille % 10, (unsigned long)(span / NSEC_PER_MSEC),
           (unsigned long)(start / NSEC_PER_MSEC), loops, late ? ", started late" : "");
    if (expect)
        report("hog late=%lu share_ok=%d", late,
               permille + tol * 10 >= expect * 10 && permille <= expect * 10 + tol * 10);
    else
        report("hog late=%lu ran=%d", late, loops > 0);
    return 0;
}
