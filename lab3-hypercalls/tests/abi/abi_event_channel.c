/*
 * tests/abi/abi_event_channel.c - public/event_channel.h is Xen 3.0's
 * (lab 3).
 *
 * Numbers and layouts from Xen 3.0.2's xen/include/public/event_channel.h
 * and xen.h (multicall_entry, VIRQ_*, DOMID_SELF), x86_32.  Parakeet
 * implements a subset of evtchn_op's commands; the union is still 24
 * bytes, so evtchn_op is Xen's 28.  Compiled, never run, by
 * tools/abi-check (`make unit`).
 */
#include "abi.h"
#include <public/event_channel.h>

ABI_SIZE(evtchn_port_t, 4);
ABI_CONST(EVTCHNOP_bind_interdomain, 0);
ABI_CONST(EVTCHNOP_bind_virq, 1);
ABI_CONST(EVTCHNOP_bind_pirq, 2);
ABI_CONST(EVTCHNOP_close, 3);
ABI_CONST(EVTCHNOP_send, 4);
ABI_CONST(EVTCHNOP_status, 5);
ABI_CONST(EVTCHNOP_alloc_unbound, 6);
ABI_CONST(EVTCHNOP_bind_ipi, 7);
ABI_CONST(EVTCHNOP_bind_vcpu, 8);
ABI_CONST(EVTCHNOP_unmask, 9);
ABI_CONST(EVTCHNSTAT_closed, 0);
ABI_CONST(EVTCHNSTAT_unbound, 1);
ABI_CONST(EVTCHNSTAT_interdomain, 2);
ABI_CONST(EVTCHNSTAT_pirq, 3);
ABI_CONST(EVTCHNSTAT_virq, 4);
ABI_CONST(EVTCHNSTAT_ipi, 5);
ABI_CONST(VIRQ_TIMER, 0);
ABI_CONST(VIRQ_DEBUG, 1);
ABI_CONST(VIRQ_CONSOLE, 2);
ABI_CONST(DOMID_SELF, 0x7FF0);
#ifdef NR_EVENT_CHANNELS /* public in Xen: 1024 on x86_32 */
ABI_CONST(NR_EVENT_CHANNELS, 1024);
#endif
ABI_OWN(__HYPERVISOR_debug_virq, 49);

ABI_SIZE(struct evtchn_alloc_unbound, 8);
ABI_OFFSET(struct evtchn_alloc_unbound, dom, 0);
ABI_OFFSET(struct evtchn_alloc_unbound, remote_dom, 2);
ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

ABI_SIZE(struct evtchn_bind_interdomain, 12);
ABI_OFFSET(struct evtchn_bind_interdomain, remote_dom, 0);
ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);
ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8);

ABI_SIZE(struct evtchn_bind_virq, 12);
ABI_OFFSET(struct evtchn_bind_virq, virq, 0);
ABI_OFFSET(struct evtchn_bind_virq, vcpu, 4);
ABI_OFFSET(struct evtchn_bind_virq, port, 8);

ABI_SIZE(struct evtchn_close, 4);
ABI_OFFSET(struct evtchn_close, port, 0);
ABI_SIZE(struct evtchn_send, 4);
ABI_OFFSET(struct evtchn_send, port, 0);
ABI_SIZE(struct evtchn_unmask, 4);
ABI_OFFSET(struct evtchn_unmask, port, 0);

ABI_SIZE(struct evtchn_status, 24);
ABI_OFFSET(struct evtchn_status, dom, 0);
ABI_OFFSET(struct evtchn_status, port, 4);
ABI_OFFSET(struct evtchn_status, status, 8);
ABI_OFFSET(struct evtchn_status, vcpu, 12);
ABI_OFFSET(struct evtchn_status, u, 16);
ABI_OFFSET(struct evtchn_status, u.unbound.dom, 16);
ABI_OFFSET(struct evtchn_status, u.interdomain.dom, 16);
ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);
ABI_OFFSET(struct evtchn_status, u.virq, 16);

ABI_SIZE(struct evtchn_op, 28);
ABI_OFFSET(struct evtchn_op, cmd, 0);
ABI_OFFSET(struct evtchn_op, u, 4);
ABI_OFFSET(struct evtchn_op, u.alloc_unbound.port, 8);
ABI_OFFSET(struct evtchn_op, u.bind_interdomain.local_port, 12);
ABI_OFFSET(struct evtchn_op, u.bind_virq.port, 12);
ABI_OFFSET(struct evtchn_op, u.close.port, 4);
ABI_OFFSET(struct evtchn_op, u.send.port, 4);
ABI_OFFSET(struct evtchn_op, u.status.u, 20);
ABI_OFFSET(struct evtchn_op, u.unmask.port, 4);
ABI_SIZE(evtchn_op_t, 28);

ABI_SIZE(struct multicall_entry, 32);
ABI_OFFSET(struct multicall_entry, op, 0);
ABI_OFFSET(struct multicall_entry, result, 4);
ABI_OFFSET(struct multicall_entry, args, 8);
ABI_FIELD_SIZE(struct multicall_entry, args, 24);
ABI_SIZE(multicall_entry_t, 32);
ABI_OWN(MAX_MULTICALL_ENTRIES, 64);
