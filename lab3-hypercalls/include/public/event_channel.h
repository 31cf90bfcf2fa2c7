/*
 * public/event_channel.h - events, the guest ABI (lab 3).
 * Names, numbers and layouts follow Xen 3.0.2's event_channel.h: hypercall
 * 16, event_channel_op(evtchn_op_t *), takes one pointer to a struct
 * evtchn_op holding a command and its arguments; results are written back
 * into the same structure.  A subset: the pirq, ipi and bind_vcpu
 * commands are numbered but not implemented, and their structures are
 * left out of the union (which keeps Xen's size: evtchn_op is 28 bytes).
 * Pinned by tests/abi/abi_event_channel.c.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include <public/xen.h>

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9

#define DOMID_SELF ((domid_t)0x7FF0)

/* Virtual interrupts (VIRQ_*). */
#define VIRQ_TIMER 0 /* lab 5: the timer set with set_timer_op fired  */
#define VIRQ_DEBUG 1 /* lab 3: Parakeet raises it from its debug source */
#define VIRQ_CONSOLE 2

struct evtchn_alloc_unbound {
    domid_t dom, remote_dom; /* IN: DOMID_SELF or own id; who may bind */
    evtchn_port_t port;      /* OUT */
};
struct evtchn_bind_interdomain {
    domid_t remote_dom;       /* IN (lab 3: only ourselves)          */
    evtchn_port_t remote_port; /* IN: an unbound port of remote_dom   */
    evtchn_port_t local_port;  /* OUT                                 */
};
struct evtchn_bind_virq {
    uint32_t virq;      /* IN */
    uint32_t vcpu;      /* IN: must be 0                               */
    evtchn_port_t port; /* OUT */
};
struct evtchn_close {
    evtchn_port_t port; /* IN */
};
struct evtchn_send {
    evtchn_port_t port; /* IN */
};
struct evtchn_unmask {
    evtchn_port_t port; /* IN */
};

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5
struct evtchn_status {
    domid_t dom;        /* IN */
    evtchn_port_t port; /* IN */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t virq;
    } u;
};

struct evtchn_op {
    uint32_t cmd; /* EVTCHNOP_* */
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_unmask unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;

/* multicall: a batch of hypercalls in one trap (Xen has it in xen.h). */
struct multicall_entry {
    unsigned long op, result;
    unsigned long args[6];
};
typedef struct multicall_entry multicall_entry_t;
#define MAX_MULTICALL_ENTRIES 64 /* Parakeet: its limit on one batch */

/*
 * Parakeet: a source of asynchronous events for lab 3's tests, before lab 5
 * brings timers.  debug_virq(count, period): raise VIRQ_DEBUG `count` times,
 * once every `period` ticks of the PIT (1.193182 MHz); count 0 stops it.
 */
#define __HYPERVISOR_debug_virq 49

#endif /* PUBLIC_EVENT_CHANNEL_H */
