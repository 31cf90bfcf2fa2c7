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
    //@ begin lab3 ex2: event channels
    struct evtchn *chn;
    long port;

    switch (op->cmd) {
    case EVTCHNOP_alloc_unbound:
        if (!is_self(d, op->u.alloc_unbound.dom) ||
            !is_self(d, op->u.alloc_unbound.remote_dom))
            return -ESRCH;
        if ((port = get_free_port(d)) < 0)
            return port;
        d->evtchn[port].state = ECS_UNBOUND;
        d->evtchn[port].remote_dom = d->domain_id;
        op->u.alloc_unbound.port = (evtchn_port_t)port;
        return 0;

    case EVTCHNOP_bind_interdomain: {
        unsigned int rport = op->u.bind_interdomain.remote_port;
        if (!is_self(d, op->u.bind_interdomain.remote_dom))
            return -ESRCH;
        if (!port_valid(rport) || d->evtchn[rport].state != ECS_UNBOUND)
            return -EINVAL;
        if ((port = get_free_port(d)) < 0)
            return port;
        d->evtchn[port].state = ECS_INTERDOMAIN;
        d->evtchn[port].remote_dom = d->domain_id;
        d->evtchn[port].remote_port = (uint16_t)rport;
        d->evtchn[rport].state = ECS_INTERDOMAIN;
        d->evtchn[rport].remote_port = (uint16_t)port;
        op->u.bind_interdomain.local_port = (evtchn_port_t)port;
        return 0;
    }

    case EVTCHNOP_bind_virq: {
        unsigned int virq = op->u.bind_virq.virq;
        if (virq >= NR_VIRQS)
            return -EINVAL;
        if (op->u.bind_virq.vcpu != 0)
            return -ENOENT;
        if (v->virq_to_evtchn[virq])
            return -EEXIST;
        if ((port = get_free_port(d)) < 0)
            return port;
        d->evtchn[port].state = ECS_VIRQ;
        d->evtchn[port].virq = (uint16_t)virq;
        v->virq_to_evtchn[virq] = (uint16_t)port;
        op->u.bind_virq.port = (evtchn_port_t)port;
        return 0;
    }

    case EVTCHNOP_close:
        port = op->u.close.port;
        if (!port_valid(port) || d->evtchn[port].state == ECS_FREE)
            return -EINVAL;
        chn = &d->evtchn[port];
        if (chn->state == ECS_INTERDOMAIN)
            d->evtchn[chn->remote_port].state = ECS_UNBOUND;
        if (chn->state == ECS_VIRQ)
            v->virq_to_evtchn[chn->virq] = 0;
        memset(chn, 0, sizeof(*chn));
        return 0;

    case EVTCHNOP_send:
        port = op->u.send.port;
        if (!port_valid(port))
            return -EINVAL;
        chn = &d->evtchn[port];
        if (chn->state == ECS_INTERDOMAIN) {
            evtchn_set_pending(v, chn->remote_port);
            return 0;
        }
        return chn->state == ECS_UNBOUND ? 0 : -EINVAL;

    case EVTCHNOP_status:
        port = op->u.status.port;
        if (!is_self(d, op->u.status.dom))
            return -ESRCH;
        if (port < 0 || port >= NR_EVENT_CHANNELS)
            return -EINVAL;
        chn = &d->evtchn[port];
        op->u.status.vcpu = 0;
        switch (chn->state) {
        case ECS_UNBOUND:
            op->u.status.status = EVTCHNSTAT_unbound;
            op->u.status.u.unbound.dom = chn->remote_dom;
            break;
        case ECS_INTERDOMAIN:
            op->u.status.status = EVTCHNSTAT_interdomain;
            op->u.status.u.interdomain.dom = chn->remote_dom;
            op->u.status.u.interdomain.port = chn->remote_port;
            break;
        case ECS_VIRQ:
            op->u.status.status = EVTCHNSTAT_virq;
            op->u.status.u.virq = chn->virq;
            break;
        default:
            op->u.status.status = EVTCHNSTAT_closed;
        }
        return 0;

    case EVTCHNOP_unmask:
        return evtchn_unmask(d, op->u.unmask.port);

    default:
        return -ENOSYS;
    }
    //@ stub
    //@ (void)v; (void)op; (void)is_self; (void)port_valid; (void)get_free_port;
    //@ EXERCISE_TODO(3, 2, "event channels");
    //@ return -ENOSYS;
    //@ end
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
