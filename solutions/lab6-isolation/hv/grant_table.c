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
    //@ begin lab6 ex4: grant tables
    unsigned long va = (unsigned long)op->host_addr, frame;
    int readonly = !!(op->flags & GNTMAP_readonly);
    struct grant_table *gt = gnttab_of(d), *rgt;
    struct active_grant_entry *act;
    struct grant_entry *shared, e;
    struct page_info *pg;
    struct domain *rd;
    l1_pgentry_t *pl1e, ol1e;
    unsigned int h;

    if ((op->flags & ~(uint32_t)GNTMAP_readonly) != GNTMAP_host_map) {
        printk("d%u: map_grant_ref flags %#x refused: GNTMAP_host_map "
               "[| GNTMAP_readonly] only\n",
               d->domain_id, op->flags);
        return GNTST_general_error;
    }
    if ((op->host_addr >> 32) || (va & ~PAGE_MASK) || va >= HYPERVISOR_VIRT_START) {
        printk("d%u: map_grant_ref host_addr %#llx refused: a page-aligned "
               "address below %#lx\n",
               d->domain_id,
               (unsigned long long)op->host_addr, (unsigned long)HYPERVISOR_VIRT_START);
        return GNTST_bad_virt_addr;
    }
    rd = gnttab_domain(op->dom);
    if (!rd || rd == d || !(rgt = gnttab_of(rd))) {
        printk("d%u: map_grant_ref of domain %u refused: no such live domain "
               "(or itself)\n",
               d->domain_id, op->dom);
        return GNTST_bad_domain;
    }
    if (op->ref >= NR_GRANT_ENTRIES) {
        printk("d%u: map_grant_ref ref %u of d%u refused: the table has %u "
               "entries\n",
               d->domain_id, op->ref, rd->domain_id,
               (unsigned int)NR_GRANT_ENTRIES);
        return GNTST_bad_gntref;
    }
    for (h = 0; h < MAPTRACK_MAX && gt->maptrack[h].flags; h++)
        ;
    if (h == MAPTRACK_MAX) {
        printk("d%u: map_grant_ref refused: it holds %u grant mappings already\n",
               d->domain_id, MAPTRACK_MAX);
        return GNTST_no_device_space;
    }
    if (!(pl1e = guest_l1e(d, va))) {
        printk("d%u: map_grant_ref: no L1 maps host_addr %#lx\n", d->domain_id, va);
        return GNTST_general_error;
    }
    /* Replacing a grant mapping would drop its references while its pin
     * and maptrack slot stay: the granter would see it mapped for good
     * and lab 4's audit of the granter would count references that are
     * gone (the lab 6 fuzzer found it, issue 15).  Unmap it first. */
    if ((*pl1e & _PAGE_PRESENT) && audit_grant_mapping(d, *pl1e)) {
        printk("d%u: map_grant_ref host_addr %#lx refused: a grant is mapped there "
               "already; unmap it first\n",
               d->domain_id, va);
        return GNTST_general_error;
    }

    shared = gnttab_entry(rd, op->ref);
    e = *(volatile struct grant_entry *)shared; /* once: rd may rewrite it */
    act = &rgt->active[op->ref];
    if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != d->domain_id ||
        (!readonly && (e.flags & GTF_readonly)) ||
        ((act->rd_pins || act->wr_pins) && act->domid != d->domain_id)) {
        printk("d%u: map_grant_ref d%u ref %u refused: the entry (flags %#x, "
               "domid %u) does not permit %s access by d%u\n",
               d->domain_id,
               rd->domain_id, op->ref, e.flags, e.domid,
               readonly ? "read-only" : "writable", d->domain_id);
        return GNTST_permission_denied;
    }
    /* While mapped, the frame is the one first mapped, whatever the
     * granter wrote since. */
    frame = (act->rd_pins || act->wr_pins) ? act->frame : e.frame;
    pg = mfn_to_page(frame);
    if (frame >= max_page || !get_page(pg, rd)) {
        printk("d%u: map_grant_ref d%u ref %u refused: frame %#lx is not d%u's\n",
               d->domain_id, rd->domain_id, op->ref, frame, rd->domain_id);
        return GNTST_bad_page;
    }
    if (!readonly && !get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        printk("d%u: map_grant_ref d%u ref %u refused: frame %#lx is in use as a "
               "table and cannot be mapped writable\n",
               d->domain_id,
               rd->domain_id, op->ref, frame);
        return GNTST_general_error;
    }

    /* The references are ours: the entry holds them from now on. */
    ol1e = *pl1e;
    *pl1e = MAKE_PTE(frame, _PAGE_PRESENT | _PAGE_ACCESSED |
                                (readonly ? 0 : _PAGE_RW | _PAGE_DIRTY));
    put_page_from_l1e(ol1e, d);
    invlpg(va);

    if (!act->rd_pins && !act->wr_pins) {
        act->domid = d->domain_id;
        act->frame = frame;
    }
    if (readonly)
        act->rd_pins++;
    else
        act->wr_pins++;
    shared->flags |= (uint16_t)(GTF_reading | (readonly ? 0 : GTF_writing));

    gt->maptrack[h].flags = op->flags;
    gt->maptrack[h].dom = rd->domain_id;
    gt->maptrack[h].ref = op->ref;
    gt->maptrack[h].host_addr = va;
    gt->maptrack[h].frame = frame;
    op->handle = h;
    return GNTST_okay;
    //@ stub
    //@ (void)d; (void)op; (void)guest_l1e;
    //@ EXERCISE_TODO(6, 4, "grant tables: map_grant_ref");
    //@ return GNTST_general_error;
    //@ end
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
    //@ begin lab6 ex4: grant tables
    struct grant_table *gt = gnttab_of(d);
    struct grant_mapping *m;
    l1_pgentry_t *pl1e, ol1e;
    int readonly;

    if (op->handle >= MAPTRACK_MAX || !gt->maptrack[op->handle].flags) {
        printk("d%u: unmap_grant_ref handle %u refused: it names no mapping\n",
               d->domain_id, op->handle);
        return GNTST_bad_handle;
    }
    m = &gt->maptrack[op->handle];
    readonly = !!(m->flags & GNTMAP_readonly);
    if (op->host_addr != m->host_addr) {
        printk("d%u: unmap_grant_ref handle %u: host_addr %#llx refused: it is "
               "mapped at %#lx\n",
               d->domain_id, op->handle,
               (unsigned long long)op->host_addr, m->host_addr);
        return GNTST_bad_virt_addr;
    }
    if (op->dev_bus_addr) {
        printk("d%u: unmap_grant_ref handle %u: dev_bus_addr %#llx refused: no "
               "device mappings\n",
               d->domain_id, op->handle,
               (unsigned long long)op->dev_bus_addr);
        return GNTST_bad_dev_addr;
    }
    pl1e = guest_l1e(d, m->host_addr);
    ol1e = pl1e ? *pl1e : 0;
    if (!(ol1e & _PAGE_PRESENT) || PTE_MFN(ol1e) != m->frame ||
        (!(ol1e & _PAGE_RW)) != readonly) {
        printk("d%u: unmap_grant_ref handle %u refused: the entry at %#lx (%#x) "
               "no longer maps frame %#lx as granted\n",
               d->domain_id, op->handle,
               m->host_addr, ol1e, m->frame);
        return GNTST_general_error;
    }
    *pl1e = 0;
    invlpg(m->host_addr);
    put_page_from_l1e(ol1e, d); /* may free it: its granter may have died */
    gnttab_unpin(m->dom, m->ref, readonly);
    m->flags = 0;
    return GNTST_okay;
    //@ stub
    //@ (void)d; (void)op;
    //@ EXERCISE_TODO(6, 4, "grant tables: unmap_grant_ref");
    //@ return GNTST_general_error;
    //@ end
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
    //@ begin lab6 ex4: grant tables
    struct domain *rd = gnttab_domain(op->domid);
    struct grant_entry *shared, e;
    struct page_info *pg;

    if (!rd || rd == d || !gnttab_of(rd)) {
        printk("d%u: transfer to domain %u refused: no such live domain (or "
               "itself)\n",
               d->domain_id, op->domid);
        return GNTST_bad_domain;
    }
    if (op->ref >= NR_GRANT_ENTRIES) {
        printk("d%u: transfer to d%u ref %u refused: the table has %u entries\n",
               d->domain_id, rd->domain_id, op->ref, (unsigned int)NR_GRANT_ENTRIES);
        return GNTST_bad_gntref;
    }
    pg = mfn_to_page(op->mfn);
    if (op->mfn >= max_page || page_get_owner(pg) != d ||
        (pg->count_info & PGC_count_mask) != 1 || (pg->type_info & PGT_count_mask) ||
        op->mfn == gnttab_of(d)->shared_mfn) {
        printk("d%u: transfer of frame %#lx refused: not its own, or still in use "
               "(%u references, %u typed; only the allocation one may be left)\n",
               d->domain_id, op->mfn,
               op->mfn < max_page ? pg->count_info & PGC_count_mask : 0,
               op->mfn < max_page ? pg->type_info & PGT_count_mask : 0);
        return GNTST_bad_page;
    }
    shared = gnttab_entry(rd, op->ref);
    e = *(volatile struct grant_entry *)shared;
    if ((e.flags & GTF_type_mask) != GTF_accept_transfer || e.domid != d->domain_id ||
        (e.flags & GTF_transfer_committed)) {
        printk("d%u: transfer to d%u ref %u refused: the entry (flags %#x, domid "
               "%u) does not accept a transfer from d%u\n",
               d->domain_id,
               rd->domain_id, op->ref, e.flags, e.domid, d->domain_id);
        return GNTST_permission_denied;
    }
    if (rd->tot_pages >= rd->max_pages) {
        printk("d%u: transfer to d%u refused: it owns %lu frames, its maximum\n",
               d->domain_id, rd->domain_id, rd->tot_pages);
        return GNTST_general_error;
    }

    list_del(&pg->list);
    d->tot_pages--;
    pg->owner = rd;
    list_add_tail(&pg->list, &rd->page_list);
    rd->tot_pages++;
    set_gpfn_from_mfn(op->mfn, INVALID_M2P_ENTRY);

    shared->frame = (uint32_t)op->mfn;
    shared->flags |= GTF_transfer_committed;
    shared->flags |= GTF_transfer_completed;
    return GNTST_okay;
    //@ stub
    //@ (void)d; (void)op;
    //@ EXERCISE_TODO(6, 4, "grant tables: transfer");
    //@ return GNTST_general_error;
    //@ end
}
