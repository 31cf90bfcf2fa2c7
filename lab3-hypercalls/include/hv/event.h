/*
 * hv/event.h - raising events (lab 3).
 *
 * An event is one bit, evtchn_pending[port], in the domain's shared_info.
 * A second bitmap, evtchn_mask[], lets the guest ignore a port; a selector
 * word, vcpu_info.evtchn_pending_sel, says which pending words to scan; and
 * vcpu_info.evtchn_upcall_pending says "scan at all".  The guest's
 * evtchn_upcall_mask plays the part of the interrupt flag.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/sched.h>
#include <public/errno.h>
#include <public/event_channel.h>

/* Port states (struct evtchn.state). */
#define ECS_FREE 0
#define ECS_UNBOUND 1
#define ECS_INTERDOMAIN 2
#define ECS_VIRQ 4

/* Exercise 1 (hv/event.c). */
void evtchn_set_pending(struct vcpu *v, unsigned int port);
/* Exercise 4 (hv/event.c). */
long evtchn_unmask(struct domain *d, unsigned int port);
/* Given (hv/event.c): raise virq for v if the domain bound it to a port. */
void send_guest_virq(struct vcpu *v, unsigned int virq);
/* Given (hv/event.c): would raising virq wake v (bound, not masked, not pending)? */
int virq_can_wake(struct vcpu *v, unsigned int virq);
/* Given (hv/event.c): is an unmasked event waiting for v? */
int event_pending(struct vcpu *v);
/* Given (hv/debug_virq.c, weak; lab 5 adds timers): can anything wake v? */
int event_source_armed(struct vcpu *v);
/* Given (hv/debug_virq.c): debug_virq's period check, 0 or -EINVAL with
 * a message (lab 5's debug_virq checks the same). */
long debug_virq_check_period(unsigned long period);
/* Given (hv/sched_op.c): halt until v's domain is no longer blocked, or
 * end it if nothing could wake it (lab 5: a block inside a multicall). */
void idle_until_woken(struct vcpu *v);

/*
 * Atomic bit operations on the shared page: the guest changes it too.
 * The old bit is in the carry flag; "=@ccc" hands the flag itself to the
 * compiler, which branches on it directly (no sbb to turn it into 0/-1).
 */
static inline int test_and_set_bit(unsigned int nr, volatile unsigned long *addr)
{
    int old;
    __asm__ volatile("lock btsl %2, %1"
                     : "=@ccc"(old), "+m"(*addr) : "Ir"(nr) : "memory");
    return old;
}
static inline int test_and_clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    int old;
    __asm__ volatile("lock btrl %2, %1"
                     : "=@ccc"(old), "+m"(*addr) : "Ir"(nr) : "memory");
    return old;
}
/* bt with a register bit number addresses the whole bit string, as the
 * two above do: no word index and shift to compute in C. */
static inline int test_bit(unsigned int nr, const volatile unsigned long *addr)
{
    int bit;
    __asm__ volatile("btl %2, %1"
                     : "=@ccc"(bit) : "m"(*addr), "Ir"(nr) : "memory");
    return bit;
}

#endif /* HV_EVENT_H */
