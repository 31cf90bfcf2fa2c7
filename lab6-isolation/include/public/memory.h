/*
 * public/memory.h - memory reservations, the guest ABI (lab 6).
 *
 * memory_op (12): a domain gives frames back to the hypervisor
 * (decrease_reservation) and asks for frames again (increase_reservation),
 * never owning more than its max_pages, which domain 0 sets with
 * DOM0_SETDOMAINMAXMEM.  A guest "balloon" driver uses it to shrink and
 * grow its domain while it runs (the paper's §3.3.2).
 *
 * The hypercall: memory_op(cmd, arg) (12), arg the guest address of a
 * xen_memory_reservation (or of a domid_t for commands 3 and 4).
 *
 * Names, numbers and the layout of xen_memory_reservation follow Xen
 * 3.0.2 (x86_32).  Parakeet implements extent_order 0 only (single
 * frames; others are -EINVAL) and ignores address_bits.  As in Xen, the
 * result is the number of extents done (fewer than nr_extents when it
 * stopped at a bad one or ran out), or a negative errno when none could
 * be tried.  The frames are machine frame numbers: a paravirtual guest
 * knows its own MFNs (its p2m table) and updates the m2p table itself.
 *
 * Pinned by tests/abi/abi_dom0.c.
 */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include <public/xen.h>

#define XENMEM_increase_reservation 0 /* OUT: the MFNs given            */
#define XENMEM_decrease_reservation 1 /* IN: the MFNs to give back      */
#define XENMEM_maximum_ram_page 2     /* result: the highest MFN         */
#define XENMEM_current_reservation 3  /* arg: &domid; result: tot_pages  */
#define XENMEM_maximum_reservation 4  /* arg: &domid; result: max_pages  */

struct xen_memory_reservation {
    unsigned long extent_start; /* guest address of an array of MFNs   */
    unsigned long nr_extents;   /* how many                              */
    unsigned int extent_order;  /* 0: one frame each                     */
    unsigned int address_bits;  /* ignored                               */
    domid_t domid;              /* DOMID_SELF (domain 0: any domain)     */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

#endif /* PUBLIC_MEMORY_H */
