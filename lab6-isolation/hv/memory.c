/*
 * hv/memory.c - memory reservations, the memory_op hypercall (lab 6,
 * exercise 2).
 *
 * A domain's memory is not fixed at birth: it may give frames back
 * (XENMEM_decrease_reservation) and ask for frames again
 * (XENMEM_increase_reservation), up to its max_pages, which only domain 0
 * changes (DOM0_SETDOMAINMAXMEM).  The guest's "balloon driver" inflates
 * (gives frames back, so other domains can be built from them) and
 * deflates (takes them back) while it runs: the paper's §3.3.2.  The
 * frames are machine frame numbers, which a paravirtual guest knows.
 *
 * The invariants:
 *   - a domain never owns more than max_pages frames (besides the store
 *     page the hypervisor gave it): each frame increase_reservation gives
 *     counts in tot_pages, and the count is checked before each one;
 *   - a frame goes back to the allocator only when nothing uses it.  Lab
 *     4's counts say so: a frame the guest still maps (a writable type
 *     reference), uses as a page table or a GDT, or that another domain
 *     has mapped through a grant, holds more than its owner's allocation
 *     reference.  Freeing such a frame would hand a page another domain
 *     may get next to someone who can still reach it.  So
 *     decrease_reservation frees a frame only when its general count is
 *     exactly 1 (the allocation reference) and its type count 0, by
 *     dropping that last reference (put_page frees it).
 *
 * As in Xen, a command does the extents one by one and returns how many
 * it did: fewer than nr_extents when it stopped at the first that could
 * not be done (limit reached, no memory, a frame not the domain's, still
 * in use, an array entry that cannot be read or written).
 */
#include <hv/domctl.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <public/errno.h>
#include <public/memory.h>

/*
 * Exercise 2a: give d up to r->nr_extents new frames (alloc_domheap_page:
 * zeroed, on d->page_list, counted in d->tot_pages), writing each one's
 * MFN into the guest's array at r->extent_start (an array of unsigned
 * long).  Stop before d would own more than d->max_pages frames
 * (reservation_pages(), hv/domctl.h: its store page does not count).  Each new frame
 * gets its owner's allocation reference, as lab 4 gave every frame at
 * build time: general count 1, type PGT_none.  A frame whose MFN cannot
 * be written to the guest goes back (free_domheap_page) and ends the
 * command.  Returns how many frames d got.
 */
static long increase_reservation(struct domain *d, const struct xen_memory_reservation *r)
{
    /* LAB 6: your code here (exercise 2: memory reservations) */
    (void)d; (void)r;
    EXERCISE_TODO(6, 2, "memory reservations");
    return -ENOSYS;
}

/*
 * Exercise 2b: read each MFN from the guest's array and give the frame
 * back.  Stop at the first MFN that is beyond the frame table
 * (max_page), not d's (page_get_owner), or in use (see the top); for one
 * that may go, write INVALID_M2P_ENTRY into its m2p entry
 * (set_gpfn_from_mfn) and drop the allocation reference (put_page).
 * Returns how many frames went back.
 */
static long decrease_reservation(struct domain *d, const struct xen_memory_reservation *r)
{
    /* LAB 6: your code here (exercise 2: memory reservations) */
    (void)d; (void)r;
    EXERCISE_TODO(6, 2, "memory reservations");
    return -ENOSYS;
}

/* ---- given ---- */

/* The domain a command is about: the caller, or (domain 0) any other. */
static struct domain *target(domid_t dom, long *rc)
{
    struct domain *d = current->domain, *t;

    if (dom == DOMID_SELF || dom == d->domain_id)
        return d;
    if (!d->is_privileged) {
        *rc = -EPERM;
        return NULL;
    }
    if (!(t = domctl_find(dom)) || !domain_alive(t)) {
        *rc = -ESRCH;
        return NULL;
    }
    return t;
}

static long do_memory_op(unsigned long cmd, unsigned long arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    domid_t dom;
    long rc = 0;

    switch (cmd) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
        if (copy_from_guest(&r, arg, sizeof(r)))
            return -EFAULT;
        if (r.extent_order != 0)
            return -EINVAL; /* Parakeet: single frames only */
        if (!(d = target(r.domid, &rc)))
            return rc;
        if (lab4_unchecked) {
            /* Without lab 4's counts nothing tells a frame in use from a
             * free one: giving one back could hand out a mapped frame. */
            printk("d%u: memory_op: reservations need lab 4's reference "
                   "counts (LAB 4 exercises 1-4)\n", current->domain->domain_id);
            return -ENOSYS;
        }
        return cmd == XENMEM_increase_reservation ? increase_reservation(d, &r)
                                                  : decrease_reservation(d, &r);
    case XENMEM_maximum_ram_page:
        return (long)(max_page - 1);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        if (copy_from_guest(&dom, arg, sizeof(dom)))
            return -EFAULT;
        if (!(d = target(dom, &rc)))
            return rc;
        return (long)(cmd == XENMEM_current_reservation ? reservation_pages(d)
                                                         : d->max_pages);
    default:
        return -ENOSYS;
    }
}
REGISTER_HYPERCALL(__HYPERVISOR_memory_op, do_memory_op);
