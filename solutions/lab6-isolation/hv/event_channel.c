/*
 * hv/event_channel.c - event_channel_op across domains (lab 6, exercise 3).
 *
 * Lab 3's channels connected a domain to itself.  Now a channel joins two
 * domains: a port of one, ECS_INTERDOMAIN, names the other domain and its
 * port, and `send` on either end raises the other end - the only way one
 * domain can interrupt another, and the doorbell of every split driver
 * (lab 6's block rings).  Connecting takes two steps, so that each side
 * agrees:
 *
 *   domain A: alloc_unbound(remote_dom = B)   -> port a, ECS_UNBOUND,
 *             remote_dom B: "B may bind this";
 *   domain B: bind_interdomain(A, a)          -> port b; both ports become
 *             ECS_INTERDOMAIN, each naming the other.
 *
 * The invariant: a port in ECS_INTERDOMAIN and its peer always name each
 * other - closing one end (or the death of its domain) turns the other
 * into ECS_UNBOUND, never leaves it pointing at a freed or reused port.
 *
 * This file replaces lab 3's handler (hypercall 16, highest lab wins), but
 * not lab 3's work: a command that stays inside the caller's own table -
 * channels of a domain to itself, VIRQs, unmask - goes to lab 3's
 * dispatcher, evtchn_op_local() (hv/event_channel.h), so lab 3's tests stay as
 * green as the student's lab 3 made them; exercise 3 is the part that
 * involves another domain.  Privilege: only domain 0 may allocate a
 * port in another domain's table or ask about another domain's port (it
 * sets up the store channel of each domain it creates that way).
 */
#include <hv/domctl.h>
#include <hv/event_channel.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>

/* A living domain other than d, by id: the other end of a channel. */
static struct domain *other_domain(domid_t dom)
{
    struct domain *rd = domctl_find(dom);
    return rd && domain_alive(rd) ? rd : NULL;
}

/* ---- given helpers (hv/domctl.h) ---- */

long evtchn_alloc_unbound_in(struct domain *d, domid_t remote)
{
    long port = get_free_port(d);

    if (port < 0)
        return port;
    d->evtchn[port].state = ECS_UNBOUND;
    d->evtchn[port].remote_dom = remote;
    return port;
}

/*
 * The other end of d's ECS_INTERDOMAIN port `chn` lost its peer: it
 * becomes ECS_UNBOUND (bindable by d again, as in Xen) and is raised, so
 * a peer waiting for it wakes and finds it closed (Parakeet's addition:
 * Xen's peer learns it from the store).
 */
static void peer_lost(struct domain *d, const struct evtchn *chn)
{
    struct domain *rd = &domains[chn->remote_dom];
    struct evtchn *peer = &rd->evtchn[chn->remote_port];

    peer->state = ECS_UNBOUND;
    peer->remote_dom = d->domain_id;
    peer->remote_port = 0;
    if (domain_alive(rd))
        evtchn_set_pending(rd->vcpu, chn->remote_port);
}

void evtchn_close_all(struct domain *d)
{
    unsigned int port;

    for (port = 1; port < MAX_EVTCHNS; port++) {
        struct evtchn *chn = &d->evtchn[port];
        if (chn->state == ECS_INTERDOMAIN && chn->remote_dom != d->domain_id)
            peer_lost(d, chn);
        memset(chn, 0, sizeof(*chn));
    }
    if (d->vcpu)
        memset(d->vcpu->virq_to_evtchn, 0, sizeof(d->vcpu->virq_to_evtchn));
}

/*
 * Exercise 3, one function per command: the cases where another domain
 * takes part.  The given code below has checked that each domain named
 * exists and has not ended (else -ESRCH, as in lab 3) and passes them
 * found.  Check everything else before the first write, as in lab 3.
 * Errors: acting in another domain's table without privilege -EPERM; a
 * port in the wrong state, or unbound for someone else, -EINVAL; no free
 * port -ENOSPC.
 */

/*
 * alloc_unbound: a free port of `ld` (the domain whose table gets it:
 * the caller, or another one - domain 0 only) in ECS_UNBOUND, that domain
 * `remote` may bind.  At least one of them is not the caller.
 */
static long alloc_unbound_remote(struct domain *d, struct domain *ld, domid_t remote,
                                 struct evtchn_alloc_unbound *a)
{
    //@ begin lab6 ex3: inter-domain event channels
    long port;

    if (ld != d && !d->is_privileged)
        return -EPERM;
    if ((port = get_free_port(ld)) < 0)
        return port;
    ld->evtchn[port].state = ECS_UNBOUND;
    ld->evtchn[port].remote_dom = remote;
    a->port = (evtchn_port_t)port;
    return 0;
    //@ stub
    //@ (void)d; (void)ld; (void)remote; (void)a;
    //@ EXERCISE_TODO(6, 3, "inter-domain event channels");
    //@ return -ENOSYS;
    //@ end
}

/*
 * bind_interdomain to port b->remote_port of another domain rd: it must
 * be ECS_UNBOUND *for d* (its remote_dom is d); both become
 * ECS_INTERDOMAIN, each naming the other.
 */
static long bind_interdomain_remote(struct domain *d, struct domain *rd,
                                    struct evtchn_bind_interdomain *b)
{
    //@ begin lab6 ex3: inter-domain event channels
    unsigned int rport = b->remote_port;
    struct evtchn *rchn;
    long port;

    if (!port_valid(rport))
        return -EINVAL;
    rchn = &rd->evtchn[rport];
    if (rchn->state != ECS_UNBOUND || rchn->remote_dom != d->domain_id)
        return -EINVAL;
    if ((port = get_free_port(d)) < 0)
        return port;
    d->evtchn[port].state = ECS_INTERDOMAIN;
    d->evtchn[port].remote_dom = rd->domain_id;
    d->evtchn[port].remote_port = (uint16_t)rport;
    rchn->state = ECS_INTERDOMAIN;
    rchn->remote_dom = d->domain_id;
    rchn->remote_port = (uint16_t)port;
    b->local_port = (evtchn_port_t)port;
    return 0;
    //@ stub
    //@ (void)d; (void)rd; (void)b;
    //@ EXERCISE_TODO(6, 3, "inter-domain event channels");
    //@ return -ENOSYS;
    //@ end
}

/* send on d's port chn whose peer is in another domain: raise the peer's
 * port (if that domain is still alive).  0. */
static long send_remote(struct domain *d, const struct evtchn *chn)
{
    //@ begin lab6 ex3: inter-domain event channels
    struct domain *rd = &domains[chn->remote_dom];

    (void)d;
    if (domain_alive(rd))
        evtchn_set_pending(rd->vcpu, chn->remote_port);
    return 0;
    //@ stub
    //@ (void)d; (void)chn;
    //@ EXERCISE_TODO(6, 3, "inter-domain event channels");
    //@ return -ENOSYS;
    //@ end
}

/*
 * close d's port chn whose peer is in another domain: the peer's port
 * becomes ECS_UNBOUND for d, and is raised so its domain notices
 * (peer_lost() does both).  0 when done (the caller then frees d's port).
 */
static long close_remote(struct domain *d, struct evtchn *chn)
{
    //@ begin lab6 ex3: inter-domain event channels
    peer_lost(d, chn);
    return 0;
    //@ stub
    //@ (void)d; (void)chn; (void)peer_lost;
    //@ EXERCISE_TODO(6, 3, "inter-domain event channels");
    //@ return -ENOSYS;
    //@ end
}

/* status of a port of another domain ld: may d ask?  0 or -EPERM. */
static long status_allowed(struct domain *d, struct domain *ld)
{
    //@ begin lab6 ex3: inter-domain event channels
    (void)ld;
    return d->is_privileged ? 0 : -EPERM;
    //@ stub
    //@ (void)d; (void)ld;
    //@ EXERCISE_TODO(6, 3, "inter-domain event channels");
    //@ return -ENOSYS;
    //@ end
}

/*
 * ---- given: find the other domain, hand it to exercise 3; a command
 * that stays inside d's own table goes to lab 3's evtchn_op_local() ----
 */

static long evtchn_alloc_unbound(struct domain *d, struct evtchn_op *op)
{
    struct evtchn_alloc_unbound *a = &op->u.alloc_unbound;
    struct domain *ld = is_self(d, a->dom) ? d : other_domain(a->dom);
    domid_t remote = is_self(d, a->remote_dom) ? d->domain_id : a->remote_dom;

    if (ld == d && remote == d->domain_id)
        return evtchn_op_local(d, op);
    if (!ld || (remote != d->domain_id && !other_domain(remote)))
        return -ESRCH;
    return alloc_unbound_remote(d, ld, remote, a);
}

static long evtchn_bind_interdomain(struct domain *d, struct evtchn_op *op)
{
    struct evtchn_bind_interdomain *b = &op->u.bind_interdomain;
    unsigned int rport = b->remote_port;

    if (!is_self(d, b->remote_dom)) {
        struct domain *rd = other_domain(b->remote_dom);
        return rd ? bind_interdomain_remote(d, rd, b) : -ESRCH;
    }
    /* New with lab 6: a port of ours left unbound for another domain is
     * that domain's to bind, not ours. */
    if (port_valid(rport) && d->evtchn[rport].state == ECS_UNBOUND &&
        d->evtchn[rport].remote_dom != d->domain_id)
        return -EINVAL;
    return evtchn_op_local(d, op);
}

/* d's port, if it is one end of a channel to another domain; else NULL. */
static struct evtchn *remote_channel(struct domain *d, unsigned int port)
{
    struct evtchn *chn;

    if (!port_valid(port))
        return NULL;
    chn = &d->evtchn[port];
    if (chn->state != ECS_INTERDOMAIN || chn->remote_dom == d->domain_id)
        return NULL;
    return chn;
}

static long evtchn_close(struct domain *d, struct evtchn_op *op)
{
    struct evtchn *chn = remote_channel(d, op->u.close.port);
    long rc;

    if (!chn)
        return evtchn_op_local(d, op);
    if ((rc = close_remote(d, chn)) != 0)
        return rc;
    memset(chn, 0, sizeof(*chn));
    return 0;
}

static long evtchn_send(struct domain *d, struct evtchn_op *op)
{
    struct evtchn *chn = remote_channel(d, op->u.send.port);

    return chn ? send_remote(d, chn) : evtchn_op_local(d, op);
}

/* status of another domain's port: lab 3's, asked of that domain's table
 * (s->dom is its id, so lab 3's is_self() accepts it). */
static long evtchn_status(struct domain *d, struct evtchn_op *op)
{
    struct evtchn_status *s = &op->u.status;
    struct domain *ld;
    long rc;

    if (is_self(d, s->dom))
        return evtchn_op_local(d, op);
    if (!(ld = domctl_find(s->dom)))
        return -ESRCH;
    if ((rc = status_allowed(d, ld)) != 0)
        return rc;
    return evtchn_op_local(ld, op);
}

/* One command on domain d, as lab 3's evtchn_op() but across domains. */
static long evtchn_op_interdomain(struct domain *d, struct evtchn_op *op)
{
    switch (op->cmd) {
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(d, op);
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(d, op);
    case EVTCHNOP_close:
        return evtchn_close(d, op);
    case EVTCHNOP_send:
        return evtchn_send(d, op);
    case EVTCHNOP_status:
        return evtchn_status(d, op);
    default: /* bind_virq, unmask, unknown: inside d, lab 3's */
        return evtchn_op_local(d, op);
    }
}

/* Lab 3's copy in / out around lab 6's dispatcher (hv/event_channel.h). */
static long do_event_channel_op(unsigned long arg)
{
    return evtchn_op_guest(arg, evtchn_op_interdomain);
}
REGISTER_HYPERCALL(__HYPERVISOR_event_channel_op, do_event_channel_op);
