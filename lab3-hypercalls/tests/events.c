/*
 * tests/events.c - event delivery (lab 3): exactly once to the right port,
 * held while masked and delivered on unmask, many ports at once, one
 * upcall at a time, and the port operations' answers - with the state a
 * refused operation must leave unchanged.  Every count is kept by the
 * handlers or read back from the hypervisor's answers.
 * Exercises: 1 (raising), 2 (channels), 3 (upcalls), 4 (unmask).
 */
#include <guest/events.h>

#define NPAIRS 20
#define DOMAIN_PORTS 64 /* a Parakeet domain's ports: MAX_EVTCHNS, hv/sched.h */
static volatile unsigned int hits[DOMAIN_PORTS];
static volatile unsigned int depth, max_depth;
static volatile long chain_send_to = -1;

static struct vcpu_info *vcpu0(void)
{
    return &((shared_info_t *)start_info->shared_info_va)->vcpu_info[0];
}

static void count_hit(evtchn_port_t port)
{
    hits[port]++;
}

/* Counts, and the first time sends on another port from inside the upcall. */
static void chain_hit(evtchn_port_t port)
{
    long to = chain_send_to;
    if (++depth > max_depth)
        max_depth = depth;
    hits[port]++;
    chain_send_to = -1;
    if (to > 0)
        evtchn_send((evtchn_port_t)to);
    depth--;
}

static unsigned int total_hits(void)
{
    unsigned int i, n = 0;
    for (i = 0; i < DOMAIN_PORTS; i++)
        n += hits[i];
    return n;
}

/* One raw event_channel_op, for the arguments the helpers never pass. */
static long raw_op(evtchn_op_t *op)
{
    return HYPERVISOR_event_channel_op(op);
}

static long bind_virq_vcpu(unsigned int virq, unsigned int vcpu)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_bind_virq };
    op.u.bind_virq.virq = virq;
    op.u.bind_virq.vcpu = vcpu;
    return raw_op(&op);
}

static long alloc_unbound_for(domid_t dom, domid_t remote)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_alloc_unbound };
    op.u.alloc_unbound.dom = dom;
    op.u.alloc_unbound.remote_dom = remote;
    return raw_op(&op);
}

static long status_of(domid_t dom, evtchn_port_t port, uint32_t *status)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_status };
    long rc;
    op.u.status.dom = dom;
    op.u.status.port = port;
    op.u.status.status = 99;
    rc = raw_op(&op);
    *status = op.u.status.status;
    return rc;
}

/* Ports 1..63 whose status says closed: the ports still free. */
static unsigned int free_ports(void)
{
    unsigned int port, n = 0;
    uint32_t st;
    for (port = 1; port < DOMAIN_PORTS; port++)
        if (status_of(DOMID_SELF, port, &st) == 0 && st == EVTCHNSTAT_closed)
            n++;
    return n;
}

/* The lowest port whose status says closed (0 if none). */
static evtchn_port_t a_free_port(void)
{
    evtchn_port_t port;
    uint32_t st;
    for (port = 1; port < DOMAIN_PORTS; port++)
        if (status_of(DOMID_SELF, port, &st) == 0 && st == EVTCHNSTAT_closed)
            return port;
    return 0;
}

int main(void)
{
    long a, b, c, d, e, f, rc, virq_port;
    unsigned int i, twice = 0, missed = 0, before;
    unsigned long up;
    long ports_a[NPAIRS], ports_b[NPAIRS];
    uint32_t st_unbound = 99, st_inter = 99, st_virq = 99, st_closed = 99, st;

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
    up = nr_upcalls;
    rc = evtchn_send(b); /* raises b's peer: a */
    report("once send=%ld a_hits=%u b_hits=%u total=%u upcalls=%lu", rc, hits[a],
           hits[b], total_hits(), nr_upcalls - up);

    /*
     * 2. masked: stays pending, and touches neither the selector nor
     * upcall_pending (no upcall at all); unmask delivers it at once, in
     * exactly one upcall; unmasking a port with nothing pending makes none.
     */
    mask_evtchn(a);
    up = nr_upcalls;
    evtchn_send(b);
    report("masked hits=%u pending=%d sel=%#lx upcall_pending=%u upcalls=%lu", hits[a],
           evtchn_is_pending(a), vcpu0()->evtchn_pending_sel,
           vcpu0()->evtchn_upcall_pending, nr_upcalls - up);
    /* an upcall for b, in a's word, must still leave the masked a alone */
    evtchn_send(a); /* raises a's peer, b */
    report("masked_neighbour a_hits=%u b_hits=%u pending=%d", hits[a], hits[b],
           evtchn_is_pending(a));
    up = nr_upcalls;
    rc = unmask_evtchn(a);
    report("unmasked rc=%ld hits=%u pending=%d upcalls=%lu", rc, hits[a],
           evtchn_is_pending(a), nr_upcalls - up);
    up = nr_upcalls;
    rc = unmask_evtchn(b);
    report("unmask_idle rc=%ld upcalls=%lu", rc, nr_upcalls - up);
    report("unmask_64=%ld", unmask_evtchn(DOMAIN_PORTS));
    report("unmask_huge=%ld", unmask_evtchn(0x7FFFFFF0U));

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
    up = nr_upcalls;
    local_irq_enable();
    for (i = 0; i < NPAIRS; i++) {
        if (hits[ports_a[i]] > 1)
            twice++;
        if (hits[ports_a[i]] == 0)
            missed++;
    }
    report("many ports=%d delivered=%u twice=%u missed=%u upcalls=%lu", NPAIRS,
           total_hits(), twice, missed, nr_upcalls - up);

    /*
     * 4. one upcall at a time: a handler that sends an event from inside
     * the upcall must not be interrupted by it (events are masked while
     * the callback runs): the second event is handled by the same upcall.
     */
    c = evtchn_alloc_unbound_self();
    d = evtchn_bind_interdomain_self((evtchn_port_t)c);
    e = evtchn_alloc_unbound_self();
    f = evtchn_bind_interdomain_self((evtchn_port_t)e);
    if (c > 0 && d > 0 && e > 0 && f > 0) {
        bind_evtchn_to_handler(c, chain_hit);
        bind_evtchn_to_handler(e, chain_hit);
        memset((void *)hits, 0, sizeof(hits));
        chain_send_to = f;
        up = nr_upcalls;
        evtchn_send(d);
        report("nested hits=%u,%u upcalls=%lu depth=%u", hits[c], hits[e],
               nr_upcalls - up, max_depth);
        evtchn_close(c);
        evtchn_close(e);
    }

    /* 5. status and the errors */
    evtchn_status(evtchn_alloc_unbound_self(), &st_unbound);
    evtchn_status(b, &st_inter);
    virq_port = evtchn_bind_virq(VIRQ_DEBUG);
    evtchn_status(virq_port, &st_virq);
    report("bind_virq_again=%ld", evtchn_bind_virq(VIRQ_DEBUG));
    report("bind_virq_bad=%ld", evtchn_bind_virq(99));
    evtchn_close(a);
    evtchn_status(a, &st_closed);
    report("status unbound=%u interdomain=%u virq=%u closed=%u", st_unbound, st_inter,
           st_virq, st_closed);
    rc = status_of(DOMID_SELF, 0, &st);
    report("status_port0 rc=%ld status=%u", rc, st);
    report("status_64=%ld", status_of(DOMID_SELF, DOMAIN_PORTS, &st));
    report("status_other_dom=%ld", status_of(5, b, &st));

    /* close gives the peer back, unbound, and it can be bound again */
    evtchn_status(b, &st);
    report("close_peer status=%u", st);
    rc = evtchn_bind_interdomain_self((evtchn_port_t)b);
    report("rebind_peer=%s", rc > 0 ? "ok" : "failed");
    if (rc > 0)
        evtchn_close(rc);
    /* and a closed VIRQ port frees the VIRQ */
    report("close_virq=%ld", evtchn_close(virq_port));
    virq_port = evtchn_bind_virq(VIRQ_DEBUG);
    report("rebind_virq=%s", virq_port > 0 ? "ok" : "failed");

    /* refused calls change nothing: the number of free ports stays */
    a = a_free_port();
    before = free_ports();
    report("bind_virq_8=%ld", evtchn_bind_virq(8)); /* NR_VIRQS: one past the last */
    report("bind_virq_vcpu1=%ld", bind_virq_vcpu(VIRQ_CONSOLE, 1));
    report("bind_virq_again2=%ld", evtchn_bind_virq(VIRQ_DEBUG));
    report("alloc_unbound_other=%ld", alloc_unbound_for(5, DOMID_SELF));
    report("alloc_unbound_remote_other=%ld", alloc_unbound_for(DOMID_SELF, 5));
    report("bind_to_free=%ld", evtchn_bind_interdomain_self((evtchn_port_t)a));
    report("bind_to_virq=%ld", evtchn_bind_interdomain_self((evtchn_port_t)virq_port));
    report("bind_to_interdomain=%ld",
           evtchn_bind_interdomain_self((evtchn_port_t)ports_a[0]));
    report("bind_to_port0=%ld", evtchn_bind_interdomain_self(0));
    report("bind_to_port64=%ld", evtchn_bind_interdomain_self(DOMAIN_PORTS));
    report("refused leaked=%d", (int)before - (int)free_ports());

    report("send_unbound=%ld", evtchn_send(b));
    report("send_closed=%ld", evtchn_send(a));
    report("send_virq=%ld", evtchn_send(virq_port));
    report("send_bad_port=%ld", evtchn_send(9999));
    report("close_bad_port=%ld", evtchn_close(0));
    report("close_closed=%ld", evtchn_close(a));
    {
        unsigned int n = 0, free = free_ports();
        while (evtchn_alloc_unbound_self() > 0)
            n++;
        report("exhausted rc=%ld after=%u free=%u", evtchn_alloc_unbound_self(), n, free);
    }
    return 0;
}
