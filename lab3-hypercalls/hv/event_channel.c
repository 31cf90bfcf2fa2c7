/*
 * hv/event_channel.c - the event_channel_op hypercall (lab 3, exercise 2).
 *
 * A port is an index into the domain's evtchn[] array (struct evtchn in
 * hv/sched.h) and into the pending/mask bitmaps of its shared_info.  Port 0
 * is never handed out, so a zero in virq_to_evtchn[] means "not bound".
 * Until lab 6 lets domains talk, the only "remote" domain is the caller
 * itself: alloc_unbound + bind_interdomain make a connected pair of ports,
 * and sending on one raises the other.
 */
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>

/* Is dom the caller itself (DOMID_SELF or its own id)? */
static int is_self(const struct domain *d, domid_t dom)
{
    return dom == DOMID_SELF || dom == d->domain_id;
}

static int port_valid(unsigned int port)
{
    return port > 0 && port < NR_EVENT_CHANNELS;
}

/* The lowest free port, or -ENOSPC. */
static long get_free_port(struct domain *d)
{
    unsigned int port;
    for (port = 1; port < NR_EVENT_CHANNELS; port++)
        if (d->evtchn[port].state == ECS_FREE)
            return port;
    return -ENOSPC;
}

/*
 * Exercise 2: carry out one command on domain d, reading arguments from
 * and writing results into *op (already copied in; the caller copies it
 * back out).  Errors: a bad port or a port in the wrong state -EINVAL; no
 * free port -ENOSPC; a remote domain other than ourselves -ESRCH; a VIRQ
 * out of range -EINVAL, already bound -EEXIST, vcpu other than 0 -ENOENT;
 * an unknown command -ENOSYS.
 *   alloc_unbound:    a free port in state ECS_UNBOUND (remote_dom = us)
 *   bind_interdomain: a free port connected to remote_port, which must be
 *                     ECS_UNBOUND; both become ECS_INTERDOMAIN, each
 *                     naming the other
 *   bind_virq:        a free port in ECS_VIRQ; v->virq_to_evtchn[virq] = it
 *   close:            back to ECS_FREE (its peer, if any, to ECS_UNBOUND;
 *                     a VIRQ unbound)
 *   send:             on an interdomain port raise the peer's port with
 *                     evtchn_set_pending; on an unbound port nothing
 *   status:           the port's state (EVTCHNSTAT_*) and its binding
 *   unmask:           evtchn_unmask (exercise 4)
 */
static long evtchn_op(struct domain *d, struct evtchn_op *op)
{
    struct vcpu *v = d->vcpu;
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)v; (void)op; (void)is_self; (void)port_valid; (void)get_free_port;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/* Given: copy the operation in, do it, copy the results back. */
/*
 * The OUT part of each command, as an offset and a length in struct
 * evtchn_op: only that is copied back to the guest.  send, close and
 * unmask write nothing - send is the hot one, and copying the whole
 * structure back cost it a third of its time.
 */
static size_t evtchn_op_out(uint32_t cmd, size_t *len)
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

static long do_event_channel_op(unsigned long arg)
{
    struct evtchn_op op;
    size_t off, len;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    rc = evtchn_op(current->domain, &op);
    off = evtchn_op_out(op.cmd, &len);
    if (rc == 0 && len && copy_to_guest(arg + off, (char *)&op + off, len))
        return -EFAULT;
    return rc;
}
REGISTER_HYPERCALL(__HYPERVISOR_event_channel_op, do_event_channel_op);
