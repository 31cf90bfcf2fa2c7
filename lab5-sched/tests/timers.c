/*
 * tests/timers.c - one-shot timers (lab 5, exercises 1-3).
 *
 * A 10 ms timer wakes a blocked guest no earlier than its deadline and
 * less than one hypervisor tick after it (tick_us=) plus the time the
 * event takes from that tick to our handler (slack_us=, default 0); a
 * deadline in the past fires before set_timer_op returns to us; 0
 * cancels; a second set_timer_op replaces the first (one timer a vCPU);
 * sleep_ms(5) sleeps at least 5 ms.  Each line is a value the guest
 * computed; the measured times go to the console for people.
 */
#include <guest/options.h>
#include <guest/time.h>

/* Spin (events on) until system time reaches t. */
static void spin_until(uint64_t t)
{
    while (now_moving() < t)
        ;
}

/* Block until the timer has fired `n` times in all. */
static void block_until_events(unsigned long n)
{
    while (nr_timer_events < n)
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
}

int main(void)
{
    /* The tick that notices a deadline comes up to a tick after it, at a
     * phase nobody chooses (it moves with the boot's path length); the
     * wake, switch and upcall to our handler follow. */
    uint64_t tick = (option_ul("tick_us", 1000) + option_ul("slack_us", 0)) * 1000ULL;
    uint64_t deadline, woke, t0;
    unsigned long before;
    long rc;

    report("events_init=%ld", events_init());
    report("timer_port_ok=%d", timer_init() >= 0);

    /* 10 ms ahead, then block: woken by VIRQ_TIMER. */
    deadline = now() + 10 * NSEC_PER_MSEC;
    rc = set_timer(deadline);
    block_until_events(1);
    woke = last_timer_event_ns;
    printf("10 ms timer: event %lu us after the deadline\n",
           (unsigned long)((woke - deadline) / 1000));
    report("timer10 rc=%ld not_early=%d within_tick=%d", rc, woke >= deadline,
           woke < deadline + tick);

    /* A deadline in the past fires at once: before the hypercall returns. */
    before = nr_timer_events;
    rc = set_timer(now() - 1000);
    report("past rc=%ld fired_at_once=%d", rc, nr_timer_events == before + 1);
    before = nr_timer_events;
    rc = set_timer(1); /* 1 ns after boot: long past */
    report("past_1ns rc=%ld fired_at_once=%d", rc, nr_timer_events == before + 1);

    /* 0 cancels: a timer 2 ms ahead, cancelled, stays silent for 5 ms. */
    before = nr_timer_events;
    t0 = now();
    set_timer(t0 + 2 * NSEC_PER_MSEC);
    rc = set_timer(0);
    spin_until(t0 + 5 * NSEC_PER_MSEC);
    report("cancel rc=%ld fired=%lu", rc, nr_timer_events - before);

    /* One timer a vCPU: the second deadline replaces the first. */
    before = nr_timer_events;
    t0 = now();
    set_timer(t0 + 4 * NSEC_PER_MSEC);
    set_timer(t0 + 1 * NSEC_PER_MSEC);
    spin_until(t0 + 6 * NSEC_PER_MSEC);
    report("replace fired=%lu early_one=%d", nr_timer_events - before,
           last_timer_event_ns < t0 + 4 * NSEC_PER_MSEC);

    /* sleep_ms: set_timer_op + block, at least the time asked for. */
    t0 = now();
    sleep_ms(5);
    woke = now();
    printf("sleep_ms(5) slept %lu us\n", (unsigned long)((woke - t0) / 1000));
    report("sleep5 not_early=%d within_tick=%d", woke >= t0 + 5 * NSEC_PER_MSEC,
           woke < t0 + 5 * NSEC_PER_MSEC + tick);
    return 0;
}
