/*
 * hv/event_channel.c - the event_channel_op hypercall (lab 3, exercise 2).
 *
 * A port is an index into the domain's evtchn[] array (struct evtchn in
 * hv/sched.h) and into the pending/mask bitmaps of its shared_info.  Port 0
 * is never handed out, so a zero in virq_to_evtchn[] means "not bound".
 * Until lab 6 lets domains talk, the only "remote" domain is the caller
 * itself: alloc_unbound + bind_interdomain make a connected pair of ports,
 * and sending on one raises the other.
 *
 * As in Xen, each command is one function; the given dispatcher at the end
 * calls them.  Each reads its arguments from, and writes its results into,
 * its part of the evtchn_op the hypercall copied in (and copies back out
 * when the function returns 0).  A refused command changes nothing: check
 * everything before the first write.  The helpers is_self(), port_valid()
 * and get_free_port() are in hv/event_channel.h, which lab 6 shares.
 */
#include <hv/event_channel.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>

/*
 * Exercise 2, one function per command.  Errors: a bad port or a port in
 * the wrong state -EINVAL; no free port -ENOSPC; a domain other than
 * ourselves -ESRCH; a VIRQ out of range -EINVAL, already bound -EEXIST, a
 * vcpu other than 0 -ENOENT.
 */

/* alloc_unbound: a free port in state ECS_UNBOUND whose remote_dom is us. */
static long evtchn_alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)d; (void)a; (void)is_self; (void)get_free_port;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/*
 * bind_interdomain: a free port connected to remote_port, which must be
 * ECS_UNBOUND; both become ECS_INTERDOMAIN, each naming the other.
 */
static long evtchn_bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)d; (void)b; (void)port_valid;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/* bind_virq: a free port in ECS_VIRQ, and v->virq_to_evtchn[virq] = it. */
static long evtchn_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct vcpu *v = d->vcpu;
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)v; (void)b;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/*
 * close: the port goes back to ECS_FREE; its peer, if it has one, back to
 * ECS_UNBOUND (it may be bound again); a VIRQ port's VIRQ is unbound.
 */
static long evtchn_close(struct domain *d, struct evtchn_close *c)
{
    struct vcpu *v = d->vcpu;
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)v; (void)c;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/*
 * send: on an ECS_INTERDOMAIN port, raise the peer's port with
 * evtchn_set_pending; on an ECS_UNBOUND port, nothing (and 0).
 */
static long evtchn_send(struct domain *d, unsigned int port)
{
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)d; (void)port;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/*
 * status: the port's state (EVTCHNSTAT_*), vcpu 0, and its binding (the
 * peer, or the VIRQ).  Any port below MAX_EVTCHNS may be asked
 * about, port 0 too (it is closed).
 */
static long evtchn_status(struct domain *d, struct evtchn_status *s)
{
    /* LAB 3: your code here (exercise 2: event channels) */
    (void)d; (void)s;
    EXERCISE_TODO(3, 2, "event channels");
    return -ENOSYS;
}

/* ---- given ---- */

/*
 * One command on domain d; unmask is exercise 4 (hv/event.c).  Always
 * inlined, so that lab 3's own hypercall below pays no extra call on its
 * hot `send` path.
 */
static inline __attribute__((always_inline)) long
evtchn_op(struct domain *d, struct evtchn_op *op)
{
    switch (op->cmd) {
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(d, &op->u.alloc_unbound);
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(d, &op->u.bind_interdomain);
    case EVTCHNOP_bind_virq:
        return evtchn_bind_virq(d, &op->u.bind_virq);
    case EVTCHNOP_close:
        return evtchn_close(d, &op->u.close);
    case EVTCHNOP_send:
        return evtchn_send(d, op->u.send.port);
    case EVTCHNOP_status:
        return evtchn_status(d, &op->u.status);
    case EVTCHNOP_unmask:
        return evtchn_unmask(d, op->u.unmask.port);
    default:
        return -ENOSYS;
    }
}

/* The same, for lab 6's handler (hv/event_channel.h). */
long evtchn_op_local(struct domain *d, struct evtchn_op *op)
{
    return evtchn_op(d, op);
}

/* Copy the evtchn_op in, dispatch, copy it back out (hv/event_channel.h). */
static long do_event_channel_op(unsigned long arg)
{
    return evtchn_op_guest(arg, evtchn_op);
}
REGISTER_HYPERCALL(__HYPERVISOR_event_channel_op, do_event_channel_op);
