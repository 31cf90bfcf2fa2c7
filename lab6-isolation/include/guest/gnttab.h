/*
 * guest/gnttab.h - grant tables, the guest's side (lab 6, given).
 *
 * A domain offers one of its frames to another by writing an entry of its
 * grant table; the other maps it through the hypervisor.  This library
 * holds the table (gnttab_init maps it), hands out free references, and
 * wraps grant_table_op (20).  Entries 0-7 are reserved, as in Xen
 * (GNTTAB_RESERVED_XENSTORE is 1): gnttab_alloc_ref never returns them.
 *
 * Ending a grant is the subtle part: the grantee may have it mapped, and
 * then the hypervisor has set GTF_reading (and GTF_writing) in the entry.
 * The granter must not take the frame back until both are clear - and it
 * must check and clear the entry in one atomic step, because the
 * hypervisor may set GTF_reading between a read and a write (another
 * domain runs whenever this one is preempted).  gnttab_end_access does.
 *
 * Needs pmap_init() (guest/pmap.h) first: the table is mapped at the
 * address of one of our free pfns.
 */
#ifndef GUEST_GNTTAB_H
#define GUEST_GNTTAB_H

#include <guest/lib.h>
#include <public/grant_table.h>

#define GNTTAB_NR_RESERVED 8 /* entries 0-7: not handed out (Xen's number) */

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* Our table, mapped writable by gnttab_init; NULL before. */
extern grant_entry_t *gnttab_shared;
extern unsigned long gnttab_mfn; /* its frame */

/* Ask for our table's frame (setup_table) and map it: 0 or a negative
 * error (the hypercall's, or the GNTST_* status). */
long gnttab_init(void);

/* A free reference (>= GNTTAB_NR_RESERVED), or -1 when none is left. */
long gnttab_alloc_ref(void);
void gnttab_free_ref(grant_ref_t ref);

/* Offer frame mfn to domain `domid`, read-only or writable: the entry is
 * written frame and domid first, flags last (the hypervisor may read it
 * at any moment).  gnttab_grant_access also allocates the reference. */
void gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, unsigned long mfn, int readonly);
long gnttab_grant_access(domid_t domid, unsigned long mfn, int readonly);

/* End the offer: 0, or -EBUSY while it is mapped (GTF_reading or
 * GTF_writing set), the entry then unchanged.  Atomic (see the top). */
long gnttab_end_access(grant_ref_t ref);

/* Offer entry ref for a frame `domid` will transfer to us. */
void gnttab_grant_transfer_ref(grant_ref_t ref, domid_t domid);
/* The transferred frame's MFN once the transfer completed (the entry is
 * then free again), or 0 if none arrived yet. */
unsigned long gnttab_end_transfer(grant_ref_t ref);

/* One operation each; the GNTST_* status (or the hypercall's negative
 * errno if it failed as a whole). */
long gnttab_map(domid_t dom, grant_ref_t ref, unsigned long va, int readonly,
                grant_handle_t *handle);
long gnttab_unmap(unsigned long va, grant_handle_t handle);
long gnttab_transfer(unsigned long mfn, domid_t domid, grant_ref_t ref);

#endif /* GUEST_GNTTAB_H */
