/*
 * guest/events.h - the guest kernel's event machinery (lab 3): the upcall
 * entry and demultiplexer, port binding, masking in place of cli/sti, and
 * batched hypercalls.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <guest/lib.h>
#include <public/event_channel.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port);

static inline long HYPERVISOR_event_channel_op(evtchn_op_t *op)
{
    return _hypercall1(__HYPERVISOR_event_channel_op, op);
}
static inline long HYPERVISOR_set_callbacks(unsigned long ecs, unsigned long eip,
                                            unsigned long fcs, unsigned long feip)
{
    return _hypercall5(__HYPERVISOR_set_callbacks, ecs, eip, fcs, feip, 0);
}
static inline long HYPERVISOR_multicall(multicall_entry_t *list, unsigned long nr)
{
    return _hypercall2(__HYPERVISOR_multicall, list, nr);
}
static inline long HYPERVISOR_xen_version(int cmd)
{
    return _hypercall2(__HYPERVISOR_xen_version, cmd, 0);
}
static inline long HYPERVISOR_debug_virq(unsigned long count, unsigned long period)
{
    return _hypercall2(__HYPERVISOR_debug_virq, count, period);
}

/*
 * Raise `port`: the guest's most frequent hypercall, so it is inline - no
 * call, no frame of its own around the one `int $0x82`.  send reads only
 * cmd and port: the rest of op need not be cleared.
 */
static inline long evtchn_send(evtchn_port_t port)
{
    evtchn_op_t op;

    op.cmd = EVTCHNOP_send;
    op.u.send.port = port;
    return HYPERVISOR_event_channel_op(&op);
}

/* Register the event callback; returns set_callbacks' result. */
long events_init(void);

/* Ports.  Each returns the port, or a negative errno. */
long evtchn_alloc_unbound_self(void);
long evtchn_bind_interdomain_self(evtchn_port_t remote);
long evtchn_bind_virq(unsigned int virq);
long evtchn_close(evtchn_port_t port);
long evtchn_status(evtchn_port_t port, uint32_t *status);
void bind_evtchn_to_handler(evtchn_port_t port, evtchn_handler_t fn);

/* The per-port mask, and the guest's "interrupt flag". */
void mask_evtchn(evtchn_port_t port);
long unmask_evtchn(evtchn_port_t port);
int evtchn_is_pending(evtchn_port_t port);
void local_irq_disable(void); /* cli */
void local_irq_enable(void);  /* sti, and take what was pending at once */
/* Make the hypervisor deliver pending events now (a null hypercall). */
void force_evtchn_callback(void);

/* Batching (multicall). */
struct mc_batch {
    multicall_entry_t entries[MAX_MULTICALL_ENTRIES];
    unsigned int n;
};
void mc_add(struct mc_batch *b, unsigned long op, unsigned long a0,
            unsigned long a1, unsigned long a2);
long mc_flush(struct mc_batch *b);

extern unsigned long nr_upcalls; /* how many times the callback ran */

#endif /* GUEST_EVENTS_H */
