/*
 * hv/grant_setup.c - grant tables: their life and the hypercall (lab 6,
 * given; exercise 4, hv/grant_table.c, does map, unmap and transfer).
 *
 * Each domain gets, when it is built (a domain hook, hv/hooks.h), one
 * zeroed frame of grant entries it owns: it asks for the frame's number
 * with GNTTABOP_setup_table and maps it writable with update_va_mapping,
 * which lab 4 allows because the frame is its own and no table.  As in
 * Xen the frame is not counted in tot_pages - a grant table does not eat
 * into the memory domain 0 gave the domain - but it is on the domain's
 * page_list, so lab 4's domain_relinquish_resources() gives it back with
 * the rest, exactly once.  While the table is in use the hypervisor holds
 * a general reference of its own on the frame: the guest can then never
 * give it back (memory_op) or transfer it away under the hypervisor.
 *
 * When a domain dies, its destroy hook (which runs before lab 4 releases
 * its page tables) undoes every mapping it holds of other domains'
 * grants.  The frames it granted that others still map cannot be freed
 * yet: lab 4's domain_relinquish_resources() asks relinquish_shared_frame()
 * below about each frame that still has references, and it moves such a
 * frame off the dead domain's books to `dom_grant_orphans`, dropping the
 * dead owner's allocation reference: the last mapper's unmap frees it.
 *
 * The audit (lab 4, hv/page_info.c) recounts a domain's references from
 * its own tables; grant mappings are references it cannot see there, so
 * this file answers its two hooks: which of a domain's entries are grant
 * mappings, and how many references others' grant mappings hold on its
 * frames.
 */
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>           /* DOMID_XEN */

static struct grant_table grant_tables[MAX_DOMAINS];

/* The owner of granted frames whose granter died while they were mapped. */
static struct domain dom_grant_orphans;

/*
 * May domain i's maptrack hold a mapping?  Set before every map attempt
 * (gnttab_do_one: the only path to the exercise's gnttab_map_one, which
 * fills maptrack slots however it likes), cleared by a scan that finds
 * every slot free.  Lab 4's mmu_update and update_va_mapping ask
 * domain_holds_grant_mappings() on every call, and a domain that never
 * mapped a grant, or unmapped them all, must not pay a scan of
 * MAPTRACK_MAX slots each time (make bench LAB=6: a single mmu_update was
 * 860 instructions with the scan, 445 without).
 */
static uint8_t maptrack_maybe_used[MAX_DOMAINS];

struct grant_table *gnttab_of(struct domain *d)
{
    return d ? d->grant_table : NULL;
}

struct domain *gnttab_domain(domid_t id)
{
    if (id >= nr_domains || id >= MAX_DOMAINS || !domain_alive(&domains[id]))
        return NULL;
    return &domains[id];
}

struct grant_entry *gnttab_entry(struct domain *d, grant_ref_t ref)
{
    struct grant_table *gt = gnttab_of(d);

    if (!gt || !gt->shared || ref >= NR_GRANT_ENTRIES)
        return NULL;
    return &gt->shared[ref];
}

/* ---- a domain's table: created after its build, gone before its frames ---- */

static int gnttab_create(struct domain *d)
{
    struct grant_table *gt = &grant_tables[d->domain_id];
    struct page_info *pg = alloc_domheap_page(d);

    if (!pg) {
        refuse_module(d, "out of memory for its grant table");
        return -1;
    }
    memset(gt, 0, sizeof(*gt));
    maptrack_maybe_used[d->domain_id] = 0;
    gt->shared_mfn = page_to_mfn(pg);
    gt->shared = mfn_to_virt(gt->shared_mfn); /* alloc_frame zeroed it */
    /* As lab 4's finish_domain_build does for every frame of d: the
     * allocation reference (none while lab 4 is unfinished) - and one more,
     * the hypervisor's own, held while the table is in use: with it the
     * frame is never "unused", so the guest can neither give it back
     * (memory_op) nor transfer it away while the hypervisor writes in it. */
    pg->count_info = (pg->count_info & ~PGC_count_mask) | (lab4_unchecked ? 0 : 2);
    pg->type_info = PGT_none;
    set_gpfn_from_mfn(gt->shared_mfn, INVALID_M2P_ENTRY); /* no pfn of d's */
    /* Not counted against its memory (see the top). */
    d->tot_pages--;
    d->grant_table = gt;
    return 0;
}

void gnttab_unpin(domid_t dom, grant_ref_t ref, int readonly)
{
    struct grant_table *gt = dom < MAX_DOMAINS ? &grant_tables[dom] : NULL;
    struct active_grant_entry *act;

    if (!gt || ref >= NR_GRANT_ENTRIES)
        return;
    act = &gt->active[ref];
    if (readonly ? !act->rd_pins : !act->wr_pins) {
        printk("d%u: grant %u: unpin of a %s mapping it does not have\n", dom, ref,
               readonly ? "read-only" : "writable");
        return;
    }
    if (readonly)
        act->rd_pins--;
    else
        act->wr_pins--;
    if (!gt->shared)
        return; /* the granter is gone: nobody reads the flags */
    if (!act->wr_pins)
        gt->shared[ref].flags &= (uint16_t)~GTF_writing;
    if (!act->wr_pins && !act->rd_pins)
        gt->shared[ref].flags &= (uint16_t)~GTF_reading;
}

/*
 * d is dying: undo every mapping it holds of others' grants (what its
 * page tables map of them is released here, before lab 4 releases the
 * tables), then close its own table.  Its granted frames others still map
 * are moved aside by relinquish_shared_frame(), below.
 */
static void gnttab_destroy(struct domain *d)
{
    struct grant_table *gt = gnttab_of(d);
    unsigned int h;

    if (!gt)
        return; /* its create hook never ran */
    for (h = 0; h < MAPTRACK_MAX; h++) {
        struct grant_mapping *m = &gt->maptrack[h];
        struct gnttab_unmap_grant_ref op = { .host_addr = m->host_addr, .handle = h };

        if (!m->flags)
            continue;
        if (gnttab_unmap_one(d, &op) != GNTST_okay && m->flags) {
            /* Its entry is no longer in the tables it runs on: lab 4's
             * release of those tables drops the references it holds. */
            gnttab_unpin(m->dom, m->ref, !!(m->flags & GNTMAP_readonly));
            m->flags = 0;
        }
    }
    gt->shared = NULL; /* no more offers: gnttab_entry says NULL */
    if (!lab4_unchecked)
        put_page(mfn_to_page(gt->shared_mfn)); /* the hypervisor's reference */
    /* Its frame is counted again, so that lab 4's relinquish gives it
     * back as one of d's. */
    d->tot_pages++;
    d->grant_table = NULL;
}
REGISTER_DOMAIN_HOOK(grant_table, gnttab_create, gnttab_destroy);

/*
 * Lab 4's documented weak hook (hv/domain_mm.c): d has ended, its tables
 * are released, and frame pg still has references.  If other domains map
 * it through d's grants, that is no leak: take it off d's books (owner
 * dom_grant_orphans), drop d's allocation reference, and let the last
 * unmap free it.  1 = taken care of; 0 = not a granted frame (a leak).
 */
int relinquish_shared_frame(struct domain *d, struct page_info *pg)
{
    struct grant_table *gt = &grant_tables[d->domain_id];
    unsigned long mfn = page_to_mfn(pg);
    unsigned int ref;

    for (ref = 0; ref < NR_GRANT_ENTRIES; ref++) {
        const struct active_grant_entry *act = &gt->active[ref];
        if ((act->rd_pins || act->wr_pins) && act->frame == mfn)
            break;
    }
    if (ref == NR_GRANT_ENTRIES)
        return 0;
    if (!dom_grant_orphans.page_list.next) {
        INIT_LIST_HEAD(&dom_grant_orphans.page_list);
        dom_grant_orphans.domain_id = DOMID_XEN;
        snprintf(dom_grant_orphans.name, sizeof(dom_grant_orphans.name), "grant-orphans");
    }
    list_del(&pg->list);
    d->tot_pages--;
    pg->owner = &dom_grant_orphans;
    list_add_tail(&pg->list, &dom_grant_orphans.page_list);
    dom_grant_orphans.tot_pages++;
    printk("d%u: frame %#lx is still mapped through its grant %u: freed at the "
           "last unmap\n",
           d->domain_id, mfn, ref);
    put_page(pg); /* d's allocation reference; the mappings' remain */
    return 1;
}

/*
 * Lab 4's audit hooks (hv/page_info.c).  Entry e of one of d's tables
 * maps a frame that is not d's: is it a grant mapping d holds?
 */
int audit_grant_mapping(struct domain *d, uint32_t e)
{
    struct grant_table *gt = gnttab_of(d);
    unsigned int h;

    for (h = 0; gt && h < MAPTRACK_MAX; h++)
        if (gt->maptrack[h].flags && gt->maptrack[h].frame == PTE_MFN(e) &&
            !(e & _PAGE_RW) == !!(gt->maptrack[h].flags & GNTMAP_readonly))
            return 1;
    return 0;
}

/*
 * Lab 4's documented weak hook (hv/page_info.c): may d hold a grant
 * mapping?  Yes if any of its maptrack slots is in use; lab 4's
 * mmu_update and update_va_mapping then look for one among the entries
 * they replace.
 */
int domain_holds_grant_mappings(struct domain *d)
{
    struct grant_table *gt = gnttab_of(d);
    unsigned int h;

    if (!gt || !maptrack_maybe_used[d->domain_id])
        return 0;
    for (h = 0; h < MAPTRACK_MAX; h++)
        if (gt->maptrack[h].flags)
            return 1;
    maptrack_maybe_used[d->domain_id] = 0; /* no scan again until a map */
    return 0;
}

/* Does entry e map mapping m's frame as m was mapped? */
static int maps_as_granted(l1_pgentry_t e, const struct grant_mapping *m)
{
    return (e & _PAGE_PRESENT) && PTE_MFN(e) == m->frame &&
           !(e & _PAGE_RW) == !!(m->flags & GNTMAP_readonly);
}

/*
 * Lab 4's documented weak hook (hv/page_info.c): the L1 in pg is freed as
 * a table (the guest unpinned it and no page directory holds it).  Its
 * entries' references are about to go (free_l1_table); a grant mapping in
 * it goes with them: unpin it and free its handle, as unmap_grant_ref
 * would.  A mapping is in pg if pg's entry at its host_addr maps it and
 * the tables d runs on map it from no other L1 (then it is that one's).
 */
void release_grant_mappings_in_l1(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);
    struct grant_table *gt = d ? gnttab_of(d) : NULL;
    const l1_pgentry_t *pl1e = mfn_to_virt(page_to_mfn(pg));
    unsigned int h;

    if (!domain_holds_grant_mappings(d))
        return; /* the common case: every L1 a forking guest frees */
    for (h = 0; h < MAPTRACK_MAX; h++) {
        struct grant_mapping *m = &gt->maptrack[h];
        unsigned long va = m->host_addr;
        l2_pgentry_t l2e;

        if (!m->flags || !maps_as_granted(pl1e[l1_table_offset(va)], m))
            continue;
        l2e = d->pt_base_mfn
                  ? ((l2_pgentry_t *)mfn_to_virt(d->pt_base_mfn))[l2_table_offset(va)]
                  : 0;
        if ((l2e & _PAGE_PRESENT) && PTE_MFN(l2e) != page_to_mfn(pg) &&
            maps_as_granted(((l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)))[l1_table_offset(va)],
                            m))
            continue;
        printk("d%u: the L1 in frame %#lx is freed holding grant mapping %u (d%u ref "
               "%u at %#lx): unmapped with it\n",
               d->domain_id, page_to_mfn(pg), h, m->dom, m->ref, va);
        gnttab_unpin(m->dom, m->ref, !!(m->flags & GNTMAP_readonly));
        m->flags = 0;
    }
}

/* ... and the references other domains' grant mappings hold on d's frames. */
void audit_granted_refs(struct domain *d, uint16_t *want_count, uint16_t *want_type)
{
    struct grant_table *gt = &grant_tables[d->domain_id];
    unsigned int ref;

    if (gt->shared)
        want_count[gt->shared_mfn]++; /* the hypervisor's own reference */
    for (ref = 0; ref < NR_GRANT_ENTRIES; ref++) {
        const struct active_grant_entry *act = &gt->active[ref];
        if (act->frame < max_page && (act->rd_pins || act->wr_pins)) {
            want_count[act->frame] += act->rd_pins + act->wr_pins;
            want_type[act->frame] += act->wr_pins;
        }
    }
}

/* ---- the hypercall ---- */

/* GNTTABOP_setup_table: the MFN of the caller's table frame. */
static int16_t gnttab_setup_one(struct domain *d, const struct gnttab_setup_table *op)
{
    struct grant_table *gt = gnttab_of(d);

    if (op->dom != DOMID_SELF && op->dom != d->domain_id) {
        printk("d%u: grant setup_table for domain %u refused: only DOMID_SELF\n",
               d->domain_id, op->dom);
        return GNTST_permission_denied;
    }
    if (op->nr_frames > NR_GRANT_FRAMES) {
        printk("d%u: grant setup_table: nr_frames %u refused: at most %u\n",
               d->domain_id, op->nr_frames, NR_GRANT_FRAMES);
        return GNTST_general_error;
    }
    if (!gt)
        return GNTST_general_error; /* cannot happen: every domain has one */
    if (op->nr_frames &&
        copy_to_guest(op->frame_list, &gt->shared_mfn, sizeof(gt->shared_mfn))) {
        printk("d%u: grant setup_table: frame_list %#lx is not writable\n",
               d->domain_id, op->frame_list);
        return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

/* The size of each command's structure; 0: no such command. */
static size_t gnttab_op_size(unsigned int cmd)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref: return sizeof(struct gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref: return sizeof(struct gnttab_unmap_grant_ref);
    case GNTTABOP_setup_table: return sizeof(struct gnttab_setup_table);
    case GNTTABOP_transfer: return sizeof(struct gnttab_transfer);
    default: return 0;
    }
}

/* One operation, in place in `op` (its status written into it). */
static void gnttab_do_one(struct domain *d, unsigned int cmd, void *op)
{
    int16_t st;

    if (lab4_unchecked && cmd != GNTTABOP_setup_table) {
        /* Without lab 4's reference counts nothing would keep a mapped or
         * transferred frame from being freed under its user. */
        printk("d%u: grant_table_op %u refused: lab 4's exercises 1-4 are not "
               "done, and grants need its reference counts\n",
               d->domain_id, cmd);
        st = GNTST_general_error;
    } else if (cmd == GNTTABOP_map_grant_ref) {
        struct gnttab_map_grant_ref *m = op;
        maptrack_maybe_used[d->domain_id] = 1; /* see its definition */
        m->handle = ~0U;
        m->dev_bus_addr = 0;
        st = gnttab_map_one(d, m);
    } else if (cmd == GNTTABOP_unmap_grant_ref) {
        st = gnttab_unmap_one(d, op);
    } else if (cmd == GNTTABOP_setup_table) {
        st = gnttab_setup_one(d, op);
    } else {
        st = gnttab_transfer_one(d, op);
    }
    switch (cmd) {
    case GNTTABOP_map_grant_ref: ((struct gnttab_map_grant_ref *)op)->status = st; break;
    case GNTTABOP_unmap_grant_ref: ((struct gnttab_unmap_grant_ref *)op)->status = st; break;
    case GNTTABOP_setup_table: ((struct gnttab_setup_table *)op)->status = st; break;
    default: ((struct gnttab_transfer *)op)->status = st; break;
    }
}

/*
 * grant_table_op(cmd, uop, count): each of the `count` structures at uop
 * is copied in, done, and copied back with its status.  -EINVAL for an
 * unknown command or an absurd count, -EFAULT when the array cannot be
 * read or written (the operations before it are done).
 */
#define GNTTAB_MAX_BATCH 512
static long do_grant_table_op(unsigned long cmd, unsigned long uop, unsigned long count)
{
    struct domain *d = current->domain;
    size_t size = gnttab_op_size(cmd);
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_setup_table setup;
        struct gnttab_transfer transfer;
    } op;
    unsigned long i;

    if (!size || count > GNTTAB_MAX_BATCH) {
        printk("d%u: grant_table_op(%lu, %#lx, %lu) refused: no such command or more "
               "than %u operations\n",
               d->domain_id, cmd, uop, count, GNTTAB_MAX_BATCH);
        return -EINVAL;
    }
    for (i = 0; i < count; i++) {
        if (copy_from_guest(&op, uop + i * size, size))
            return -EFAULT;
        gnttab_do_one(d, (unsigned int)cmd, &op);
        if (copy_to_guest(uop + i * size, &op, size))
            return -EFAULT;
    }
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_grant_table_op, do_grant_table_op);
