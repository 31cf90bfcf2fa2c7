/*
 * hv/event_channel.h - lab 3's event_channel_op, shared with lab 6 (lab 3).
 *
 * Lab 3's hv/event_channel.c handles every command whose ports all live
 * in the caller's own table.  Lab 6 registers its own handler for
 * hypercall 16 (highest lab wins) that also joins two domains; for
 * everything else it calls lab 3's dispatcher (evtchn_op_local), so a domain's channels to
 * itself behave exactly as the student's lab 3 made them.  What both
 * handlers need is here: the port helpers, the dispatcher, and the copy
 * in / dispatch / copy out that wraps it (static inline: lab 3's `send`
 * is the hottest hypercall, and an extra call would lengthen it).
 */
#ifndef HV_EVENT_CHANNEL_H
#define HV_EVENT_CHANNEL_H

#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>

/* Is dom the caller itself (DOMID_SELF or its own id)? */
static inline int is_self(const struct domain *d, domid_t dom)
{
    return dom == DOMID_SELF || dom == d->domain_id;
}

/* A port that can be in use: 1 .. MAX_EVTCHNS-1 (0 is never handed out). */
static inline int port_valid(unsigned int port)
{
    return port > 0 && port < MAX_EVTCHNS;
}

/* The lowest free port of d, or -ENOSPC. */
static inline long get_free_port(struct domain *d)
{
    unsigned int port;
    for (port = 1; port < MAX_EVTCHNS; port++)
        if (d->evtchn[port].state == ECS_FREE)
            return port;
    return -ENOSPC;
}

/*
 * Given (lab 3's hv/event_channel.c): one command on domain d, already
 * copied in, with every port in d's own table - lab 3's exercise 2 (and
 * exercise 4's unmask).  0 or a negative errno.
 */
long evtchn_op_local(struct domain *d, struct evtchn_op *op);

/* A dispatcher: lab 3's evtchn_op(), or lab 6's, which calls lab 3's. */
typedef long (*evtchn_dispatch_t)(struct domain *d, struct evtchn_op *op);

/*
 * The OUT part of each command, as an offset and a length in struct
 * evtchn_op: only that is copied back to the guest.  send, close and
 * unmask write nothing - send is the hot one, and copying the whole
 * structure back cost it a third of its time.
 */
static inline size_t evtchn_op_out(uint32_t cmd, size_t *len)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        *len = sizeof(evtchn_port_t);
        return offsetof(struct evtchn_op, u.alloc_unbound.port);
    case EVTCHNOP_bind_interdomain:
        *len = sizeof(evtchn_port_t);
        return offsetof(struct evtchn_op, u.bind_interdomain.local_port);
    case EVTCHNOP_bind_virq:
        *len = sizeof(evtchn_port_t);
        return offsetof(struct evtchn_op, u.bind_virq.port);
    case EVTCHNOP_status:
        *len = sizeof(struct evtchn_status);
        return offsetof(struct evtchn_op, u.status);
    default:
        *len = 0;
        return 0;
    }
}

/*
 * The body of event_channel_op: copy the guest's evtchn_op at arg in, run
 * dispatch on the caller's domain, and copy the command's OUT part back
 * if it returned 0.
 */
static inline long evtchn_op_guest(unsigned long arg, evtchn_dispatch_t dispatch)
{
    struct evtchn_op op;
    uint32_t cmd;
    size_t off, len;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    /*
     * What goes back is decided by the command the guest asked for, read
     * before dispatch runs: a command cannot widen its own copy-back, and
     * the compiler, which inlines dispatch, sees that send copies nothing
     * back without reading op.cmd again after the calls inside it.
     */
    cmd = op.cmd;
    rc = dispatch(current->domain, &op);
    off = evtchn_op_out(cmd, &len);
    if (rc == 0 && len && copy_to_guest(arg + off, (char *)&op + off, len))
        return -EFAULT;
    return rc;
}

#endif /* HV_EVENT_CHANNEL_H */
