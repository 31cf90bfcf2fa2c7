/*
 * hv/grant_table.c - grant tables: mapping, unmapping and transferring
 * another domain's frame (lab 6, exercise 4).
 *
 * Lab 4's invariant was that a domain's page tables map only its own
 * frames.  Grants are the one, controlled, exception: domain A writes an
 * entry in its grant table - "domain B may map my frame F (read-only)" -
 * and B asks the hypervisor to map it (GNTTABOP_map_grant_ref).  The
 * hypervisor checks A's entry, then does for B what lab 4's
 * get_page_from_l1e() would do for one of B's own frames:
 *
 *   - the mapping is one L1 entry at host_addr in B's current page
 *     tables, and it holds lab 4's references on F: a general reference
 *     (F is not freed while B maps it, even if A dies) and, for a writable
 *     mapping, a PGT_writable_page type reference (F cannot become a page
 *     table - and a table cannot be mapped writable - while B maps it);
 *   - A's entry shows GTF_reading while any mapping of it exists and
 *     GTF_writing while a writable one does, so A knows when it may end
 *     the grant (the active entry's pins count the mappings);
 *   - B's maptrack remembers the mapping; the handle names it for unmap.
 *
 * Unmapping undoes exactly that.  A transfer (GNTTABOP_transfer, the
 * paper's page flipping) moves a frame outright: the caller gives a frame
 * it owns and no longer uses (its only reference is the allocation one)
 * to a domain that offered an accept_transfer entry for it.
 *
 * The hypervisor runs on one CPU and is never preempted inside a
 * hypercall, so between reading the granter's entry and setting its
 * flags the granter cannot change it; Xen, on many CPUs, needs a
 * compare-and-swap there.  The entry is still the granter's memory: read
 * it once, into a local copy, and decide on the copy.
 *
 * Every refusal returns a GNTST_* status and prints one line naming the
 * domain, the value and what was expected; nothing has changed then.
 */
#include <hv/exercise.h>
#include <hv/grant_table.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <hv/x86.h>

/* The L1 entry that maps va in d's current page tables, or NULL if no L1
 * does (d's page directory is validated: a present slot is d's L1). */
static l1_pgentry_t *guest_l1e(struct domain *d, unsigned long va)
{
    l2_pgentry_t l2e = ((l2_pgentry_t *)mfn_to_virt(d->pt_base_mfn))[l2_table_offset(va)];

    if (!(l2e & _PAGE_PRESENT))
        return NULL;
    return (l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)) + l1_table_offset(va);
}

/*
 * Exercise 4a: map grant op->ref of domain op->dom at op->host_addr in d's
 * current page tables.  Check, in this order, refusing with:
 *   flags other than GNTMAP_host_map [| GNTMAP_readonly]  general_error
 *   host_addr not page-aligned, or in the hypervisor hole  bad_virt_addr
 *   op->dom not a live domain other than d                 bad_domain
 *   ref beyond the table                                   bad_gntref
 *   no free maptrack slot (d maps MAPTRACK_MAX already)    no_device_space
 *   no L1 maps host_addr                                   general_error
 *   host_addr maps one of d's grant mappings already       general_error
 *   the entry is not permit_access for d, or it is
 *   GTF_readonly and the map is writable, or it is mapped
 *   already by another domain                              permission_denied
 *   the frame is not the granter's                         bad_page
 *   writable, and the frame is in use as a table           general_error
 * Then write the L1 entry (dropping the old one's references), flush it,
 * pin the active entry, set GTF_reading [| GTF_writing], fill the
 * maptrack slot and op->handle.
 */
int16_t gnttab_map_one(struct domain *d, struct gnttab_map_grant_ref *op)
{
    /* LAB 6: your code here (exercise 4: grant tables) */
    (void)d; (void)op; (void)guest_l1e;
    EXERCISE_TODO(6, 4, "grant tables: map_grant_ref");
    return GNTST_general_error;
}

/*
 * Exercise 4b: undo d's mapping op->handle.  Refuse a handle that names
 * no mapping (bad_handle), a host_addr other than the one it was mapped
 * at (bad_virt_addr), a dev_bus_addr (bad_dev_addr), and an L1 entry at
 * host_addr that no longer maps the granted frame as mapped
 * (general_error).  Then clear the entry, flush it, drop its references
 * (lab 4's put_page_from_l1e), unpin (gnttab_unpin) and free the slot.
 */
int16_t gnttab_unmap_one(struct domain *d, const struct gnttab_unmap_grant_ref *op)
{
    /* LAB 6: your code here (exercise 4: grant tables) */
    (void)d; (void)op;
    EXERCISE_TODO(6, 4, "grant tables: unmap_grant_ref");
    return GNTST_general_error;
}

/*
 * Exercise 4c: give frame op->mfn to domain op->domid through its entry
 * op->ref.  Refuse a receiver that is not a live domain other than d
 * (bad_domain), a ref beyond the table (bad_gntref), a frame that is not
 * d's or has any reference but its allocation one - still mapped, a
 * table, pinned, d's grant table or shared_info (bad_page) - an entry that
 * is not accept_transfer for d or was used already (permission_denied),
 * and a receiver at its max_pages (general_error).  Then move the frame:
 * owner, page lists, both tot_pages, its m2p entry (invalid until the
 * receiver writes its own pfn); then the entry: frame, committed,
 * completed.
 */
int16_t gnttab_transfer_one(struct domain *d, const struct gnttab_transfer *op)
{
    /* LAB 6: your code here (exercise 4: grant tables) */
    (void)d; (void)op;
    EXERCISE_TODO(6, 4, "grant tables: transfer");
    return GNTST_general_error;
}
