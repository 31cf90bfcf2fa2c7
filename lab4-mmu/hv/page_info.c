/*
 * hv/page_info.c - looking at the frame table (lab 4, given).
 *
 *  - page_info(mfn, out), hypercall 50 (Parakeet's, public/mmu.h): one
 *    frame's counts, type, owner and flags, and the machine's free-frame
 *    count.  Read-only, so any domain may ask about any frame: the tests
 *    use it to check the counts, a student to see what went wrong.
 *    page_info(PAGE_INFO_AUDIT, out) runs the audit below on the caller
 *    and returns its number of problems (the fuzzer's check between calls).
 *  - audit_frame_table(d): recount, from d's tables themselves, every
 *    reference they, its pins and its %cr3 should hold, and compare with
 *    the frame table.  Run when a domain ends (hv/domain_mm.c), next to
 *    lab 1's integrity check; the result channel gets
 *    "frame audit dN ok" or "frame audit dN problems=K".
 */
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <hv/x86.h>
#include <public/errno.h>
#include <public/mmu.h>

static unsigned long frame_audit(struct domain *d);

static long do_page_info(unsigned long mfn, unsigned long out)
{
    struct parakeet_page_info info;
    const struct page_info *pg;

    if (mfn == PAGE_INFO_AUDIT) {
        unsigned long found = frame_audit(current->domain);

        memset(&info, 0, sizeof(info));
        info.nr_free = nr_free_frames();
        info.nr_owned = current->domain->tot_pages;
        if (copy_to_guest(out, &info, sizeof(info)))
            return -EFAULT;
        return (long)found;
    }
    if (mfn >= max_page)
        return -EINVAL;
    pg = mfn_to_page(mfn);
    memset(&info, 0, sizeof(info));
    info.count = pg->count_info & PGC_count_mask;
    info.type = PGT_TYPE_NR(pg->type_info);
    info.type_count = pg->type_info & PGT_count_mask;
    if (pg->owner)
        info.owner = pg->owner->domain_id;
    else if (pg->count_info & (PGC_allocated | PGC_reserved))
        info.owner = DOMID_XEN;
    else
        info.owner = DOMID_FREE;
    info.flags = ((pg->type_info & PGT_pinned) ? PAGE_INFO_PINNED : 0) |
                 ((pg->type_info & PGT_validated) ? PAGE_INFO_VALIDATED : 0) |
                 ((pg->count_info & PGC_allocated) ? PAGE_INFO_ALLOCATED : 0);
    info.nr_free = nr_free_frames();
    info.nr_owned = current->domain->tot_pages;
    if (copy_to_guest(out, &info, sizeof(info)))
        return -EFAULT;
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_page_info, do_page_info);

void flush_tlb_local(void)
{
    write_cr3(read_cr3()); /* reloading %cr3 drops every non-global entry */
}

/* ---- the audit ---- */

/* What the frame table should say, recounted: general and type references. */
static uint16_t want_count[MAX_FRAMES], want_type[MAX_FRAMES];
static unsigned long problems;

static void problem(struct domain *d, const char *fmt, unsigned long mfn,
                    unsigned long a, unsigned long b)
{
    if (problems++ < 5) {
        printk("d%u: frame audit: frame %#lx: ", d->domain_id, mfn);
        printk(fmt, a, b);
        printk("\n");
    }
}

/*
 * Documented weak hooks, for lab 6's grant tables (hv/grant_setup.c
 * overrides both).  Until lab 6 no domain maps another's frame, so:
 *   audit_grant_mapping(d, e): is entry e of one of d's tables, which maps
 *     a frame not d's, a grant mapping d holds?  Lab 4: never.
 *   audit_granted_refs(d, count, type): add to count[] and type[] the
 *     references other domains' grant mappings hold on d's frames.
 *     Lab 4: none.
 */
__weak int audit_grant_mapping(struct domain *d, uint32_t e)
{
    (void)d;
    (void)e;
    return 0;
}
/*
 *   release_grant_mappings_in_l1(pg): the L1 in pg stops being one (lab
 *     4's free_page_type, just before free_l1_table drops every entry's
 *     references): forget the grant mappings its entries hold, or their
 *     pins would stay with their references gone.  Lab 4: there are none.
 */
__weak void release_grant_mappings_in_l1(struct page_info *pg)
{
    (void)pg;
}
__weak void audit_granted_refs(struct domain *d, uint16_t *count,
                                              uint16_t *type)
{
    (void)d;
    (void)count;
    (void)type;
}

/*
 * Lab 4's documented weak hook (lab 6 overrides it in hv/grant_setup.c):
 * may d hold a grant mapping now?  mmu_update and update_va_mapping look
 * for one among the entries they replace only when it says yes, so the
 * page-table paths of labs 4 and 5 (and of a lab 6 domain that maps no
 * grant) pay nothing for the check: looking cost 81 instructions an
 * entry of an mmu_update batch (tools/check-bench.py).
 */
__weak int domain_holds_grant_mappings(struct domain *d)
{
    (void)d;
    return 0;
}

/*
 * Given: does the L1 entry at pl1e (one of d's) hold a grant mapping?
 * Lab 4's mmu_update and update_va_mapping refuse to replace one: only
 * GNTTABOP_unmap_grant_ref (lab 6) may remove it, or its references
 * would go while the grant's pin stays and the granter could never end
 * it (Xen refuses "to implicitly unmap a granted PTE" too).  Until lab 6
 * audit_grant_mapping() says never.
 */
int l1e_holds_grant(const l1_pgentry_t *pl1e, struct domain *d)
{
    return (*pl1e & _PAGE_PRESENT) && PTE_MFN(*pl1e) < max_page &&
           page_get_owner(mfn_to_page(PTE_MFN(*pl1e))) != d &&
           audit_grant_mapping(d, *pl1e);
}

static int in_use_table(const struct page_info *pg, uint32_t type)
{
    return (pg->type_info & PGT_type_mask) == type &&
           (pg->type_info & PGT_count_mask) && (pg->type_info & PGT_validated);
}

/*
 * Count what one present entry of d's table refers to: a general
 * reference, and a type reference of `type` unless it is PGT_none (a
 * read-only L1 entry).  The frame must be the domain's and have that type.
 */
static void want_entry(struct domain *d, unsigned long table, uint32_t e,
                       uint32_t type)
{
    unsigned long mfn = PTE_MFN(e);

    if (mfn >= max_page || mfn_to_page(mfn)->owner != d) {
        if (mfn < max_page && type != PGT_l1_page_table && audit_grant_mapping(d, e))
            return; /* lab 6: another domain's grant, counted on its side */
        problem(d, "entry %#lx maps frame %#lx, not the domain's", table, e, mfn);
        return;
    }
    want_count[mfn]++;
    if (type == PGT_none)
        return;
    want_type[mfn]++;
    if ((mfn_to_page(mfn)->type_info & PGT_type_mask) != type)
        problem(d, "entry %#lx maps frame %#lx as a type it does not have "
                   "(a table mapped writable?)",
                table, e, mfn);
}

/* Recount and compare; the number of problems found (the first 5 printed). */
static unsigned long frame_audit(struct domain *d)
{
    struct list_head *pos;
    struct page_info *pg;
    unsigned long mfn, si = virt_to_mfn(d->shared_info);
    unsigned int i;

    problems = 0;
    memset(want_count, 0, sizeof(want_count));
    memset(want_type, 0, sizeof(want_type));
    want_count[si] = want_type[si] = 1; /* lent: allocation + permanent type */
    want_count[d->pt_base_mfn]++;       /* %cr3 */
    want_type[d->pt_base_mfn]++;
    for (pos = d->page_list.next; pos != &d->page_list; pos = pos->next) {
        pg = list_entry(pos, struct page_info, list);
        mfn = page_to_mfn(pg);
        want_count[mfn]++; /* allocation */
        if (pg->type_info & PGT_pinned) {
            want_count[mfn]++;
            want_type[mfn]++;
        }
        if (in_use_table(pg, PGT_l2_page_table)) {
            const l2_pgentry_t *l2 = mfn_to_virt(mfn);
            for (i = 0; i < HV_L2_FIRST_SLOT; i++)
                if (l2[i] & _PAGE_PRESENT)
                    want_entry(d, mfn, l2[i], PGT_l1_page_table);
            for (; i < L2_PAGETABLE_ENTRIES; i++)
                if (l2[i] != idle_pg_table[i])
                    problem(d, "hypervisor slot %lu holds %#lx", mfn, i, l2[i]);
        } else if (in_use_table(pg, PGT_l1_page_table)) {
            const l1_pgentry_t *l1 = mfn_to_virt(mfn);
            for (i = 0; i < L1_PAGETABLE_ENTRIES; i++)
                if (l1[i] & _PAGE_PRESENT)
                    want_entry(d, mfn, l1[i], (l1[i] & _PAGE_RW) ? PGT_writable_page : PGT_none);
        }
    }
    audit_granted_refs(d, want_count, want_type); /* lab 6 */
    /* Compare.  Descriptor pages are exercise 7's: it holds references of
     * its own on them, which this file does not recount. */
    for (mfn = 0; mfn < max_page; mfn++) {
        uint32_t count, tcount, type;

        pg = mfn_to_page(mfn);
        if (pg->owner != d)
            continue;
        count = pg->count_info & PGC_count_mask;
        tcount = pg->type_info & PGT_count_mask;
        type = pg->type_info & PGT_type_mask;
        if (type == PGT_seg_desc_page && tcount) {
            if (count < want_count[mfn])
                problem(d, "descriptor page with %lu references, tables hold %lu",
                        mfn, count, want_count[mfn]);
            continue;
        }
        if (count != want_count[mfn])
            problem(d, "%lu general references, expected %lu", mfn, count,
                    want_count[mfn]);
        if (tcount != want_type[mfn])
            problem(d, "%lu type references, expected %lu", mfn, tcount,
                    want_type[mfn]);
        if (pgt_is_table(type) && tcount && want_type[mfn] &&
            !(pg->type_info & PGT_validated))
            problem(d, "in use as type %lu with %lu references, not validated",
                    mfn, PGT_TYPE_NR(type), tcount);
    }
    return problems;
}

int audit_frame_table(struct domain *d)
{
    unsigned long found = frame_audit(d);

    if (found)
        result("frame audit d%u problems=%lu", d->domain_id, found);
    else
        result("frame audit d%u ok", d->domain_id);
    return found == 0;
}
