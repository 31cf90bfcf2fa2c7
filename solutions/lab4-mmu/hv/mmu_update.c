/*
 * hv/mmu_update.c - the guest changes its page tables (lab 4, exercise 4).
 *
 * mmu_update(reqs, count, done, foreigndom), hypercall 1: a batch of
 * requests, each a machine address and a new value (public/mmu.h).  The
 * guest's tables are read-only to it once they are in use, so this is how
 * it writes them: the hypervisor checks each new entry exactly as
 * validation would (exercises 2-3), takes its references, writes it, and
 * drops the old entry's references - new ones first, so an entry
 * rewritten with the same frame never lets that frame's count touch 0.
 *
 * One trap for a whole batch is the point: a guest queues its updates and
 * flushes them at once (the port's pmap).  The first bad request stops the
 * batch; the requests before it stay done, and *done says how many, as in
 * Xen, so the guest knows exactly what its tables hold.
 *
 * A frame that is not in use as a table right now is just a page of the
 * guest's: it writes it through its own mapping.  mmu_update refuses it.
 */
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>

/*
 * Exercise 4a: replace the L1 entry at pl1e (a validated L1 of d, seen
 * through the direct map) by nl1e: take nl1e's references
 * (get_page_from_l1e; on a refusal return its error and change nothing),
 * write the entry, then drop the old entry's references.  0 / -errno.
 * update_va_mapping (exercise 6) calls this too: one set of checks.
 */
long mod_l1_entry(l1_pgentry_t *pl1e, l1_pgentry_t nl1e, struct domain *d)
{
    //@ begin lab4 ex4: mmu_update
    l1_pgentry_t ol1e = *pl1e;
    int rc = get_page_from_l1e(nl1e, d);

    if (rc < 0)
        return rc;
    *pl1e = nl1e;
    put_page_from_l1e(ol1e, d);
    return 0;
    //@ stub
    //@ (void)pl1e; (void)nl1e; (void)d;
    //@ EXERCISE_TODO(4, 4, "mmu_update: mod_l1_entry");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Exercise 4b: the same for slot `slot` of a validated L2.  The slots from
 * HV_L2_FIRST_SLOT up are the hypervisor's: refuse them (-EINVAL, as Xen),
 * saying so - even a write of the value they hold.
 */
long mod_l2_entry(l2_pgentry_t *pl2e, l2_pgentry_t nl2e, unsigned int slot,
                  struct domain *d)
{
    //@ begin lab4 ex4: mmu_update
    l2_pgentry_t ol2e;
    int rc;

    if (slot >= HV_L2_FIRST_SLOT) {
        printk("d%u: L2 slot %u refused: slots %lu-%u map the hypervisor\n",
               d->domain_id, slot, HV_L2_FIRST_SLOT, L2_PAGETABLE_ENTRIES - 1);
        return -EINVAL;
    }
    ol2e = *pl2e;
    if ((rc = get_page_from_l2e(nl2e, d)) < 0)
        return rc;
    *pl2e = nl2e;
    put_page_from_l2e(ol2e, d);
    return 0;
    //@ stub
    //@ (void)pl2e; (void)nl2e; (void)slot; (void)d;
    //@ EXERCISE_TODO(4, 4, "mmu_update: mod_l2_entry");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Exercise 4c: one MMU_NORMAL_PT_UPDATE: the entry at machine address ma
 * gets val.  The frame must be d's (get_page_from_pagenr, else -EPERM)
 * and in use as a validated L1 or L2 right now (type count > 0, else
 * -EINVAL); then mod_l1_entry or mod_l2_entry.  Hold the general
 * reference while you work, drop it at the end.
 */
static long normal_pt_update(unsigned long ma, l1_pgentry_t val, struct domain *d)
{
    //@ begin lab4 ex4: mmu_update
    unsigned long mfn = ma >> PAGE_SHIFT;
    struct page_info *pg;
    uint32_t type;
    void *table;
    long rc;

    if (!get_page_from_pagenr(mfn, d)) {
        printk("d%u: mmu_update: frame %#lx is not the domain's\n", d->domain_id, mfn);
        return -EPERM;
    }
    pg = mfn_to_page(mfn);
    type = pg->type_info & PGT_type_mask;
    table = (uint8_t *)mfn_to_virt(mfn) + (ma & ~PAGE_MASK);
    if (!(pg->type_info & PGT_count_mask) || !(pg->type_info & PGT_validated)) {
        printk("d%u: mmu_update: frame %#lx is not in use as a page table (write "
               "it through your own mapping)\n", d->domain_id, mfn);
        rc = -EINVAL;
    } else if (type == PGT_l1_page_table) {
        rc = mod_l1_entry(table, val, d);
    } else if (type == PGT_l2_page_table) {
        rc = mod_l2_entry(table, val, (ma & ~PAGE_MASK) / sizeof(l2_pgentry_t), d);
    } else {
        printk("d%u: mmu_update: frame %#lx is a page of type %u, not a page "
               "table\n", d->domain_id, mfn, PGT_TYPE_NR(pg->type_info));
        rc = -EINVAL;
    }
    put_page(pg);
    return rc;
    //@ stub
    //@ (void)ma; (void)val; (void)d;
    //@ EXERCISE_TODO(4, 4, "mmu_update: MMU_NORMAL_PT_UPDATE");
    //@ return -ENOSYS;
    //@ end
}

/* Given: MMU_MACHPHYS_UPDATE - record pfn for a frame the caller owns. */
static long machphys_update(unsigned long ma, unsigned long pfn, struct domain *d)
{
    unsigned long mfn = ma >> PAGE_SHIFT;

    if (!get_page_from_pagenr(mfn, d)) {
        printk("d%u: mmu_update: MMU_MACHPHYS_UPDATE of frame %#lx, which is not "
               "the domain's\n", d->domain_id, mfn);
        return -EPERM;
    }
    set_gpfn_from_mfn(mfn, pfn);
    put_page(mfn_to_page(mfn));
    return 0;
}

/*
 * Exercise 4d: the hypercall.  foreigndom must be DOMID_SELF or the
 * caller's own id (-ESRCH).  For each request in turn: copy it in
 * (-EFAULT), refuse a high word (no PAE: -EINVAL), run its command (low 2
 * bits of ptr; unknown: -EINVAL).  Stop at the first error.  If done is
 * not 0, write there how many requests were done (-EFAULT if that fails
 * and nothing else did).  Return 0 or the first error.
 */
static long mmu_update_checked(unsigned long ureqs, unsigned long count,
                               unsigned long pdone, unsigned long foreigndom)
{
    struct domain *d = current->domain;
    //@ begin lab4 ex4: mmu_update
    unsigned long i;
    long rc = 0;

    if (foreigndom != DOMID_SELF && foreigndom != d->domain_id)
        return -ESRCH;
    for (i = 0; i < count; i++) {
        struct mmu_update req;
        unsigned long ptr;

        if (copy_from_guest(&req, ureqs + i * sizeof(req), sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        if ((req.ptr >> 32) || (req.val >> 32)) {
            printk("d%u: mmu_update: request %lu has a high word (no PAE here)\n",
                   d->domain_id, i);
            rc = -EINVAL;
            break;
        }
        ptr = (unsigned long)req.ptr;
        switch (ptr & 3) {
        case MMU_NORMAL_PT_UPDATE:
            rc = normal_pt_update(ptr & ~3UL, (l1_pgentry_t)req.val, d);
            break;
        case MMU_MACHPHYS_UPDATE:
            rc = machphys_update(ptr & ~3UL, (unsigned long)req.val, d);
            break;
        default:
            printk("d%u: mmu_update: request %lu: command %lu is not implemented\n",
                   d->domain_id, i, ptr & 3);
            rc = -EINVAL;
            break;
        }
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(pdone, &i, sizeof(i)) && !rc)
        rc = -EFAULT;
    return rc;
    //@ stub
    //@ (void)ureqs; (void)count; (void)pdone; (void)foreigndom; (void)d;
    //@ (void)normal_pt_update; (void)machphys_update;
    //@ EXERCISE_TODO(4, 4, "mmu_update");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Given: the first request of the batch that would replace an entry
 * holding a grant mapping (lab 6), or count.  Only unmap_grant_ref may
 * remove one (l1e_holds_grant, hv/page_info.c).  Nothing in a batch can
 * make such an entry, so looking before running it is enough.  A request
 * that cannot be read or is malformed is left to mmu_update_checked.
 */
static unsigned long first_grant_overwrite(unsigned long ureqs, unsigned long count,
                                           struct domain *d)
{
    unsigned long i, mfn;
    struct mmu_update req;
    struct page_info *pg;

    for (i = 0; i < count; i++) {
        if (copy_from_guest(&req, ureqs + i * sizeof(req), sizeof(req)) ||
            (req.ptr >> 32))
            return count;
        if ((req.ptr & 3) != MMU_NORMAL_PT_UPDATE)
            continue;
        mfn = (unsigned long)req.ptr >> PAGE_SHIFT;
        if (mfn >= max_page)
            continue;
        pg = mfn_to_page(mfn);
        if (page_get_owner(pg) == d &&
            (pg->type_info & PGT_type_mask) == PGT_l1_page_table &&
            (pg->type_info & PGT_count_mask) && (pg->type_info & PGT_validated) &&
            l1e_holds_grant((l1_pgentry_t *)((uint8_t *)mfn_to_virt(mfn) +
                                             ((unsigned long)req.ptr & ~PAGE_MASK & ~3UL)),
                            d))
            return i;
    }
    return count;
}

/*
 * Given: the hypercall.  Until exercises 1-4 are done, domains keep lab
 * 1's unchecked tables (hv/domain_mm.c) and mmu_update writes entries of
 * the caller's own frames as the guest itself could: so lab 2's ring-3
 * programs, whose guest port sets _PAGE_USER through mmu_update from lab 4
 * on, still run while lab 4 is unfinished.  A request over a grant
 * mapping stops the batch there with -EPERM (the ones before it are done).
 */
static long do_mmu_update(unsigned long ureqs, unsigned long count,
                          unsigned long pdone, unsigned long foreigndom)
{
    struct domain *d = current->domain;
    unsigned long n;
    long rc;

    if (lab4_unchecked) /* asked before the domain first ran */
        return mmu_update_unchecked(ureqs, count, pdone, foreigndom);
    n = domain_holds_grant_mappings(d) ? first_grant_overwrite(ureqs, count, d) : count;
    rc = mmu_update_checked(ureqs, n, pdone, foreigndom);
    if (rc || n == count)
        return rc;
    printk("d%u: mmu_update: request %lu refused: its entry holds a grant mapping "
           "(unmap it with GNTTABOP_unmap_grant_ref)\n",
           d->domain_id, n);
    return -EPERM;
}
REGISTER_HYPERCALL(__HYPERVISOR_mmu_update, do_mmu_update);
