/*
 * tests/clock.c - time seen by a guest being preempted (lab 5,
 * exercises 1, 2 and 4-6 with a second domain).
 *
 * now() is read `reads` times (default 100 000) while other domains run:
 * it never goes backwards, and it is never behind the system time the
 * hypervisor last published nor more than agree_us ahead of it (one tick:
 * the hypervisor refreshes the record at least that often while we run).
 * The wall clock is set and advances with system time.
 */
#include <guest/options.h>
#include <guest/time.h>

#define barrier() __asm__ volatile("" ::: "memory")

/* The system_time of the record as last published (consistent read). */
static uint64_t published(void)
{
    volatile struct vcpu_time_info *t =
        &((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].time;
    uint32_t v;
    uint64_t st;

    do {
        v = t->version;
        barrier();
        st = t->system_time;
        barrier();
    } while ((v & 1) || v != t->version);
    return st;
}

int main(void)
{
    unsigned long reads = option_ul("reads", 100000), i, backwards = 0, behind = 0,
                  far_ahead = 0, preempted = 0;
    uint64_t agree = option_ul("agree_us", 1000) * 1000ULL, prev, t, p, max_ahead = 0;
    uint64_t first, last, wc0, wc1;
    uint32_t sec, nsec;

    wc0 = wallclock_now();
    first = prev = now();
    for (i = 0; i < reads; i++) {
        p = published();
        t = now();
        if (t < prev)
            backwards++;
        else if (t - prev > 200000) /* another domain ran meanwhile */
            preempted++;
        prev = t;
        if (t < p)
            behind++;
        /* Compare only when no update came between: a switch away and
         * back between the two reads refreshes the record. */
        if (t < p || published() != p)
            continue;
        if (t - p > max_ahead)
            max_ahead = t - p;
        if (t - p > agree)
            far_ahead++;
    }
    last = now();
    wc1 = wallclock_now();
    wallclock_at_boot(&sec, &nsec);
    printf("clock: %lu reads over %lu us, at most %lu us ahead of the record, "
           "%lu retries, preempted %lu times\n", reads, (unsigned long)((last - first) / 1000),
           (unsigned long)(max_ahead / 1000), nr_time_retries, preempted);
    report("clock reads=%lu backwards=%lu behind_record=%lu beyond_tick=%lu", reads,
           backwards, behind, far_ahead);
    report("clock advanced=%d preempted=%d", last > first, preempted > 0);
    /* The wall clock is boot time plus system time: it moved as much. */
    report("wallclock set=%d nsec_ok=%d advanced_with_time=%d", sec != 0,
           nsec < 1000000000U, wc1 - wc0 >= last - first - 1000000 &&
           wc1 - wc0 <= last - first + 1000000);
    return 0;
}
