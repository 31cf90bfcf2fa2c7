/*
 * hv/event.c - raising an event and unmasking a port (lab 3, exercises 1
 * and 4), and the helpers built on them.
 *
 * The protocol with the guest (see hv/event.h for the fields):
 *   hypervisor: set pending[port]; if the port is not masked and this
 *               makes the selector bit for its word newly set, set
 *               upcall_pending and wake the domain;
 *   guest:      in its upcall, clear upcall_pending, take the selector,
 *               scan those words of pending & ~mask, clear and handle.
 * Each step only ever *adds* work for the other side, so neither needs a
 * lock: the bit operations are atomic and the guest re-checks before it
 * returns.
 */
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/lib.h>

static void mark_upcall_pending(struct vcpu *v)
{
    struct domain *d = v->domain;

    d->shared_info->vcpu_info[0].evtchn_upcall_pending = 1;
    if (d->state == DOMSTATE_blocked)
        d->state = DOMSTATE_running; /* sched_op block returns */
}

/*
 * Exercise 1: make `port` pending for v, and request an upcall
 * (mark_upcall_pending) exactly when the guest has not been told yet: not
 * when the port was already pending, not while it is masked, not when its
 * selector word (vcpu_info[0].evtchn_pending_sel, bit port / 32) was
 * already flagged.  Each step on the shared page is one atomic bit
 * operation: the guest may be in its demultiplexer.  (The handout's hints
 * give the steps.)
 */
void evtchn_set_pending(struct vcpu *v, unsigned int port)
{
    struct shared_info *s = v->domain->shared_info;
    //@ begin lab3 ex1: raising an event
    if (test_and_set_bit(port, s->evtchn_pending))
        return;
    if (test_bit(port, s->evtchn_mask))
        return;
    if (test_and_set_bit(port / 32, &s->vcpu_info[0].evtchn_pending_sel))
        return;
    mark_upcall_pending(v);
    //@ stub
    //@ (void)s; (void)port; (void)mark_upcall_pending;
    //@ EXERCISE_TODO(3, 1, "raising an event");
    //@ end
}

/*
 * Exercise 4: EVTCHNOP_unmask: clear the port's mask bit (-EINVAL for a
 * port out of range); if an event is pending on it, do what
 * evtchn_set_pending would have done had the port been unmasked then, so
 * the upcall happens at once - on the way back from this very hypercall.
 */
long evtchn_unmask(struct domain *d, unsigned int port)
{
    struct shared_info *s = d->shared_info;
    //@ begin lab3 ex4: virtual interrupt flag
    if (port >= NR_EVENT_CHANNELS)
        return -EINVAL;
    if (test_and_clear_bit(port, s->evtchn_mask) && test_bit(port, s->evtchn_pending) &&
        !test_and_set_bit(port / 32, &s->vcpu_info[0].evtchn_pending_sel))
        mark_upcall_pending(d->vcpu);
    return 0;
    //@ stub
    //@ (void)s; (void)port;
    //@ EXERCISE_TODO(3, 4, "virtual interrupt flag");
    //@ return -ENOSYS;
    //@ end
}

/* ---- given ---- */

void send_guest_virq(struct vcpu *v, unsigned int virq)
{
    unsigned int port = virq < NR_VIRQS ? v->virq_to_evtchn[virq] : 0;
    if (port)
        evtchn_set_pending(v, port);
}

int event_pending(struct vcpu *v)
{
    const struct vcpu_info *vi = &v->domain->shared_info->vcpu_info[0];
    return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}
