/*
 * tests/fair.c - fair delivery across ports (lab 3, exercise 7).
 *
 * Two loopback pairs: port `low` is flooded - its handler raises it again,
 * FLOOD times in all - and port `high`, a higher number, is raised once, at
 * the same moment.  A fair demultiplexer handles `high` before it handles
 * `low` a second time; one that always scans from port 0 and rereads a
 * word until it is empty handles all FLOOD raises of `low` first.  The
 * guest counts, in its handlers, how many times `low` ran before `high`.
 */
#include <guest/events.h>

#define FLOOD 1000

static long low, low_peer, high, high_peer;
static volatile unsigned int low_hits, high_hits, low_before_high = ~0u;

static void on_low(evtchn_port_t port)
{
    low_hits++;
    if (low_hits < FLOOD)
        evtchn_send((evtchn_port_t)low_peer); /* raises low again */
}

static void on_high(evtchn_port_t port)
{
    high_hits++;
    if (low_before_high == ~0u)
        low_before_high = low_hits;
}

int main(void)
{
    report("events_init=%ld", events_init());
    low = evtchn_alloc_unbound_self();
    low_peer = evtchn_bind_interdomain_self((evtchn_port_t)low);
    high = evtchn_alloc_unbound_self();
    high_peer = evtchn_bind_interdomain_self((evtchn_port_t)high);
    if (low <= 0 || low_peer <= 0 || high <= 0 || high_peer <= 0 || high <= low) {
        report("no ports: low=%ld/%ld high=%ld/%ld", low, low_peer, high, high_peer);
        return 1;
    }
    bind_evtchn_to_handler(low, on_low);
    bind_evtchn_to_handler(high, on_high);

    /* Both raised while upcalls are masked: one upcall finds both pending. */
    local_irq_disable();
    evtchn_send((evtchn_port_t)low_peer);
    evtchn_send((evtchn_port_t)high_peer);
    local_irq_enable();

    report("fair flood=%u high=%u low_before_high=%u", low_hits, high_hits,
           low_before_high);
    return 0;
}
