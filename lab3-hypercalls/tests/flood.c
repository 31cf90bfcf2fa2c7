/*
 * tests/flood.c - a hostile guest (lab 3): it asks the debug event source
 * for an event every 10 PIT ticks (8.4 us), shorter than the path that
 * delivers one.  On Bochs (20 million instructions a second) the next
 * interrupt is already waiting when the guest's upcall returns, for ever:
 * nothing else ever runs again.  The hypervisor must refuse any period
 * below DEBUG_VIRQ_MIN_PERIOD (public/event_channel.h), and at that period
 * the guest must still get work done between events.  Exercises: 1, 2, 3.
 */
#include <guest/events.h>

#define EVENTS 200
static volatile unsigned long events, rounds, last_round, min_gap = ~0UL;

static void on_debug(evtchn_port_t port)
{
    (void)port;
    if (events++ > 0 && rounds - last_round < min_gap)
        min_gap = rounds - last_round;   /* rounds between two events */
    last_round = rounds;
}

int main(void)
{
    const char *p = cmdline_option("period");
    unsigned long period = p ? strtoul(p, NULL, 0) : DEBUG_VIRQ_MIN_PERIOD;
    unsigned long stall = 0, seen = 0;
    long port, rc;

    rc = events_init();
    port = evtchn_bind_virq(VIRQ_DEBUG);
    report("events=%s", rc == 0 && port > 0 ? "ok" : "failed");
    if (rc < 0 || port <= 0)
        return 1;
    bind_evtchn_to_handler((evtchn_port_t)port, on_debug);

    rc = HYPERVISOR_debug_virq(0xFFFFFFFFUL, 10);
    HYPERVISOR_debug_virq(0, 0); /* if it was accepted and we got here */
    report("period_10=%ld", rc);
    report("below_min=%ld", HYPERVISOR_debug_virq(0xFFFFFFFFUL, DEBUG_VIRQ_MIN_PERIOD - 1));
    HYPERVISOR_debug_virq(0, 0);

    events = 0;
    report("at_period=%ld", HYPERVISOR_debug_virq(EVENTS, period));
    while (events < EVENTS) {
        rounds++;
        if (++stall == 20000000) {       /* none for a long time: lost */
            if (events == seen)
                break;
            seen = events;
            stall = 0;
        }
    }
    report("period=%lu min_gap=%lu", period, min_gap);
    report("at_min events=%lu progress=%d", events, min_gap > 0 && min_gap != ~0UL);
    return 0;
}
