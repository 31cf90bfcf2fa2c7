/*
 * tests/events.c - event delivery (lab 3): exactly once to the right port,
 * held while masked and delivered on unmask, many ports at once, and the
 * port operations' answers.  Every count is kept by the handlers.
 * Exercises: 1 (raising), 2 (channels), 3 (upcalls), 4 (unmask).
 */
#include <guest/events.h>

#define NPAIRS 20
static volatile unsigned int hits[64];

static void count_hit(evtchn_port_t port)
{
    hits[port]++;
}

static unsigned int total_hits(void)
{
    unsigned int i, n = 0;
    for (i = 0; i < 64; i++)
        n += hits[i];
    return n;
}

int main(void)
{
    long a, b, rc;
    unsigned int i, twice = 0, missed = 0;
    long ports_a[NPAIRS], ports_b[NPAIRS];
    uint32_t st_unbound = 99, st_inter = 99, st_virq = 99, st_closed = 99;

    report("events_init=%ld", events_init());

    /* 1. once, to the right port */
    a = evtchn_alloc_unbound_self();
    b = evtchn_bind_interdomain_self((evtchn_port_t)a);
    if (a <= 0 || b <= 0) { /* ports index hits[]: stop rather than fault */
        report("no ports: alloc_unbound=%ld bind_interdomain=%ld", a, b);
        return 1;
    }
    bind_evtchn_to_handler(a, count_hit);
    bind_evtchn_to_handler(b, count_hit);
    rc = evtchn_send(b); /* raises b's peer: a */
    report("once send=%ld a_hits=%u b_hits=%u total=%u", rc, hits[a], hits[b],
           total_hits());

    /* 2. masked: stays pending; unmask delivers it at once */
    mask_evtchn(a);
    evtchn_send(b);
    report("masked hits=%u pending=%d", hits[a], evtchn_is_pending(a));
    rc = unmask_evtchn(a);
    report("unmasked rc=%ld hits=%u pending=%d", rc, hits[a], evtchn_is_pending(a));

    /* 3. many ports at once, with events masked in the vcpu */
    for (i = 0; i < NPAIRS; i++) {
        ports_a[i] = evtchn_alloc_unbound_self();
        ports_b[i] = evtchn_bind_interdomain_self((evtchn_port_t)ports_a[i]);
        if (ports_a[i] <= 0 || ports_b[i] <= 0) {
            report("no ports for pair %u: alloc_unbound=%ld bind_interdomain=%ld", i,
                   ports_a[i], ports_b[i]);
            return 1;
        }
        bind_evtchn_to_handler(ports_a[i], count_hit);
    }
    memset((void *)hits, 0, sizeof(hits));
    local_irq_disable();
    for (i = 0; i < NPAIRS; i++)
        evtchn_send(ports_b[i]);
    report("many while_masked=%u", total_hits());
    local_irq_enable();
    for (i = 0; i < NPAIRS; i++) {
        if (hits[ports_a[i]] > 1)
            twice++;
        if (hits[ports_a[i]] == 0)
            missed++;
    }
    report("many ports=%d delivered=%u twice=%u missed=%u", NPAIRS, total_hits(),
           twice, missed);

    /* 4. status and the errors */
    evtchn_status(evtchn_alloc_unbound_self(), &st_unbound);
    evtchn_status(b, &st_inter);
    rc = evtchn_bind_virq(VIRQ_DEBUG);
    evtchn_status(rc, &st_virq);
    report("bind_virq_again=%ld", evtchn_bind_virq(VIRQ_DEBUG));
    report("bind_virq_bad=%ld", evtchn_bind_virq(99));
    evtchn_close(a);
    evtchn_status(a, &st_closed);
    report("status unbound=%u interdomain=%u virq=%u closed=%u", st_unbound, st_inter,
           st_virq, st_closed);
    report("send_closed=%ld", evtchn_send(a));
    report("send_bad_port=%ld", evtchn_send(9999));
    report("close_bad_port=%ld", evtchn_close(0));
    {
        unsigned int n = 0;
        while (evtchn_alloc_unbound_self() > 0)
            n++;
        report("exhausted rc=%ld after=%u", evtchn_alloc_unbound_self(), n);
    }
    return 0;
}
