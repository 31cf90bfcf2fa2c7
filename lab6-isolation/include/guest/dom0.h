/*
 * guest/dom0.h - domain 0's tools, in miniature (lab 6, given): dom0_op
 * wrappers, waiting for a domain to end, and event channels between
 * domains.
 *
 * In Xen, domain 0 runs the management tools (xm, xend) that create and
 * control the other domains through dom0_op; a Parakeet test kernel in
 * module 0 calls these functions instead.  Each returns the hypervisor's
 * answer: 0 (or a value) or a negative errno, -EPERM for any domain but
 * domain 0.
 */
#ifndef GUEST_DOM0_H
#define GUEST_DOM0_H

#include <guest/events.h>
#include <public/dom0_ops.h>

static inline long HYPERVISOR_dom0_op(dom0_op_t *op)
{
    return _hypercall1(__HYPERVISOR_dom0_op, op);
}

/* Build the module `dom` (role=domu), paused; *store_port (may be NULL)
 * gets its store port, unbound for us.  The first call binds VIRQ_DOM_EXC
 * (nr_dom_exc counts it; needs events_init). */
long dom0_create(domid_t dom, evtchn_port_t *store_port);
/* Bind VIRQ_DOM_EXC now, if not yet (nr_dom_exc counts it); dom0_create
 * and dom0_wait_ended do it too. */
void dom0_watch_ends(void);
long dom0_pause(domid_t dom);
long dom0_unpause(domid_t dom);
long dom0_destroy(domid_t dom);
long dom0_getinfo(domid_t dom, struct dom0_getdomaininfo *info);
/* Its BVT weight (1..100) through ADJUSTDOM; get returns it (or -errno). */
long dom0_set_weight(domid_t dom, unsigned long weight);
long dom0_get_weight(domid_t dom);
/* Its memory limit, in pages (SETDOMAINMAXMEM). */
long dom0_set_max_pages(domid_t dom, unsigned long pages);

/*
 * Bind VIRQ_DOM_EXC (once; needs events_init and lab 5's timer_init) and
 * wait up to `ms` ms of system time for domain `dom` to end (its
 * getdomaininfo says DOMFLAGS_DYING).  0 when it did, -1 at the timeout.
 * Each VIRQ_DOM_EXC wakes us to look again; a timer wakes us too, since
 * lab 5 destroys a domain that blocks with nothing that could wake it.
 */
long dom0_wait_ended(domid_t dom, unsigned int ms);
extern volatile unsigned long nr_dom_exc; /* VIRQ_DOM_EXC seen so far */

/* ---- event channels between domains (any domain) ---- */

/* A port of ours that domain `remote` may bind: the port or -errno. */
long evtchn_alloc_unbound(domid_t remote);
/* Connect to port `remote_port` of domain `remote`: our port or -errno. */
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port);
/* EVTCHNSTAT_* of port `port` of domain `dom` (domain 0: any domain). */
long evtchn_status_of(domid_t dom, evtchn_port_t port, struct evtchn_status *st);
/* Block (a timer bounds it) until `*flag` is non-zero or `ms` ms passed:
 * 0 or -1.  The handler that sets the flag is the caller's. */
long wait_flag(volatile int *flag, unsigned int ms);

#endif /* GUEST_DOM0_H */
