/*
 * hv/page_table.c - validating a guest's page tables (lab 4, exercises 2
 * and 3).
 *
 * The guest's page tables are walked by the processor directly, so the
 * hypervisor checks every entry before a frame may become a table, and
 * takes a reference for everything an entry uses:
 *
 *   L1 entry, present      a general reference on the frame it maps (the
 *                          domain must own it), and if writable a
 *                          PGT_writable_page type reference - which a
 *                          frame in use as a table cannot give;
 *   L2 entry, present,     a general reference and a PGT_l1_page_table
 *   slot < 1008            type reference on the L1 it points to - taking
 *                          that type validates the L1 (exercise 2) if it
 *                          is not one already;
 *   L2 slots 1008-1023     the hypervisor's own: copied from idle_pg_table,
 *                          whatever the guest wrote there.
 *
 * Recursion is bounded: validating an L2 takes L1 types, validating an L1
 * takes only writable types (which validate nothing).  An L2 entry can
 * never point at an L2 (that frame cannot take the L1 type while it is an
 * L2, and if it is free to become an L1 it is checked as one): no "linear
 * page tables" (XSA-240).
 *
 * The shared_info page is the hypervisor's (a xenheap frame), but while
 * the domain lives its frame_table entry names the domain as owner and
 * holds a permanent writable type reference, as Xen's
 * share_xen_page_with_guest() does (hv/domain_mm.c): so get_page() lets
 * its own domain map it, writable, and nothing can ever make it a table.
 *
 * Errors: get_page_from_l1e/l2e return 0, -EPERM (a frame the domain does
 * not own: the hypervisor's, another domain's, a free one) or -EINVAL
 * (reserved bits; a frame beyond max_page, which is no frame at all; a
 * frame whose current type forbids this use), and print one line saying
 * which.
 */
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <public/errno.h>

static const char *const type_names[8] = {
    "unused frame", "L1 page table", "L2 page table", "type 3", "type 4",
    "descriptor page", "type 6", "writable page",
};

/* "an L1 page table", for messages. */
static const char *type_name(const struct page_info *pg)
{
    if (!(pg->type_info & PGT_count_mask))
        return type_names[0];
    return type_names[PGT_TYPE_NR(pg->type_info)];
}

/* Why get_page refused d frame mfn, for the message (NULL: no idea). */
static const char *not_owned_why(unsigned long mfn, struct domain *d)
{
    const struct page_info *pg;

    if (mfn >= max_page)
        return "beyond the end of machine memory";
    pg = mfn_to_page(mfn);
    if (pg->owner == d)
        return NULL;
    if (pg->owner)
        return "owned by another domain";
    if (pg->count_info & (PGC_allocated | PGC_reserved))
        return "the hypervisor's";
    return "free";
}

/*
 * Exercise 2a: the references one L1 entry needs (see the top of the
 * file).  Not present: nothing to take, 0.  Refuse reserved bits
 * (L1_DISALLOW_MASK) and frames d does not own (errors as above); on a
 * refusal print why, naming the entry and the frame, and take nothing.
 */
int get_page_from_l1e(l1_pgentry_t l1e, struct domain *d)
{
    //@ begin lab4 ex2: validating an L1
    unsigned long mfn = PTE_MFN(l1e);
    struct page_info *pg;
    const char *why;

    if (!(l1e & _PAGE_PRESENT))
        return 0;
    if (l1e & L1_DISALLOW_MASK) {
        printk("d%u: L1 entry %#x refused: reserved bits %#x set\n", d->domain_id,
               l1e, l1e & L1_DISALLOW_MASK);
        return -EINVAL;
    }
    if (!get_page_from_pagenr(mfn, d)) {
        why = not_owned_why(mfn, d);
        printk("d%u: L1 entry %#x refused: frame %#lx is %s\n", d->domain_id, l1e,
               mfn, why ? why : "not usable");
        return mfn >= max_page ? -EINVAL : -EPERM;
    }
    pg = mfn_to_page(mfn);
    if ((l1e & _PAGE_RW) && !get_page_type(pg, PGT_writable_page)) {
        printk("d%u: L1 entry %#x refused: frame %#lx is in use as a %s and "
               "cannot be mapped writable\n", d->domain_id, l1e, mfn, type_name(pg));
        put_page(pg);
        return -EINVAL;
    }
    return 0;
    //@ stub
    //@ (void)l1e; (void)d; (void)not_owned_why; (void)type_name;
    //@ EXERCISE_TODO(4, 2, "validating an L1: get_page_from_l1e");
    //@ return -EINVAL;
    //@ end
}

/* Exercise 2b: drop what get_page_from_l1e took for this entry. */
void put_page_from_l1e(l1_pgentry_t l1e, struct domain *d)
{
    //@ begin lab4 ex2: validating an L1
    struct page_info *pg = mfn_to_page(PTE_MFN(l1e));

    (void)d;
    if (!(l1e & _PAGE_PRESENT))
        return;
    if (l1e & _PAGE_RW)
        put_page_and_type(pg);
    else
        put_page(pg);
    //@ stub
    //@ (void)l1e; (void)d;
    //@ end
}

/*
 * Exercise 2c: validate the L1 in frame pg: every entry's references, or
 * none (undo the entries already taken when one is refused).  1 / 0.
 */
static int alloc_l1_table(struct page_info *pg)
{
    //@ begin lab4 ex2: validating an L1
    l1_pgentry_t *pl1e = mfn_to_virt(page_to_mfn(pg));
    struct domain *d = page_get_owner(pg);
    unsigned int i;

    for (i = 0; i < L1_PAGETABLE_ENTRIES; i++)
        if (get_page_from_l1e(pl1e[i], d) < 0) {
            printk("d%u: frame %#lx is not a valid L1: entry %u refused\n",
                   d->domain_id, page_to_mfn(pg), i);
            while (i-- > 0)
                put_page_from_l1e(pl1e[i], d);
            return 0;
        }
    return 1;
    //@ stub
    //@ (void)pg;
    //@ EXERCISE_TODO(4, 2, "validating an L1: alloc_l1_table");
    //@ return 0;
    //@ end
}

/* Exercise 2d: the L1 in pg is no longer one: drop every entry's references. */
static void free_l1_table(struct page_info *pg)
{
    //@ begin lab4 ex2: validating an L1
    l1_pgentry_t *pl1e = mfn_to_virt(page_to_mfn(pg));
    struct domain *d = page_get_owner(pg);
    unsigned int i;

    for (i = 0; i < L1_PAGETABLE_ENTRIES; i++)
        put_page_from_l1e(pl1e[i], d);
    //@ stub
    //@ (void)pg;
    //@ end
}

/*
 * Exercise 3a: the references one guest L2 entry (slot < 1008) needs.
 * Not present: 0.  Refuse reserved bits (L2_DISALLOW_MASK: PSE above
 * all, XSA-148), a frame d does not own (as above), and a frame that
 * cannot be (or be validated as) an L1 (-EINVAL); print why.
 */
int get_page_from_l2e(l2_pgentry_t l2e, struct domain *d)
{
    //@ begin lab4 ex3: validating an L2
    unsigned long mfn = PTE_MFN(l2e);
    struct page_info *pg;
    const char *why;

    if (!(l2e & _PAGE_PRESENT))
        return 0;
    if (l2e & L2_DISALLOW_MASK) {
        printk("d%u: L2 entry %#x refused: reserved bits %#x set%s\n", d->domain_id,
               l2e, l2e & L2_DISALLOW_MASK,
               (l2e & _PAGE_PSE) ? " (PSE: no superpages for guests)" : "");
        return -EINVAL;
    }
    if (!get_page_from_pagenr(mfn, d)) {
        why = not_owned_why(mfn, d);
        printk("d%u: L2 entry %#x refused: frame %#lx is %s\n", d->domain_id, l2e,
               mfn, why ? why : "not usable");
        return mfn >= max_page ? -EINVAL : -EPERM;
    }
    pg = mfn_to_page(mfn);
    if (!get_page_type(pg, PGT_l1_page_table)) {
        printk("d%u: L2 entry %#x refused: frame %#lx is a %s, not a valid L1\n",
               d->domain_id, l2e, mfn, type_name(pg));
        put_page(pg);
        return -EINVAL;
    }
    return 0;
    //@ stub
    //@ (void)l2e; (void)d;
    //@ EXERCISE_TODO(4, 3, "validating an L2: get_page_from_l2e");
    //@ return -EINVAL;
    //@ end
}

/* Exercise 3b: drop what get_page_from_l2e took for this entry. */
void put_page_from_l2e(l2_pgentry_t l2e, struct domain *d)
{
    //@ begin lab4 ex3: validating an L2
    (void)d;
    if (l2e & _PAGE_PRESENT)
        put_page_and_type(mfn_to_page(PTE_MFN(l2e)));
    //@ stub
    //@ (void)l2e; (void)d;
    //@ end
}

/*
 * Exercise 3c: validate the L2 in frame pg: every guest slot (below
 * HV_L2_FIRST_SLOT) or none, then install the hypervisor's slots from
 * idle_pg_table.  1 / 0.
 */
static int alloc_l2_table(struct page_info *pg)
{
    //@ begin lab4 ex3: validating an L2
    l2_pgentry_t *pl2e = mfn_to_virt(page_to_mfn(pg));
    struct domain *d = page_get_owner(pg);
    unsigned int i;

    for (i = 0; i < HV_L2_FIRST_SLOT; i++)
        if (get_page_from_l2e(pl2e[i], d) < 0) {
            printk("d%u: frame %#lx is not a valid L2: slot %u refused\n",
                   d->domain_id, page_to_mfn(pg), i);
            while (i-- > 0)
                put_page_from_l2e(pl2e[i], d);
            return 0;
        }
    for (i = HV_L2_FIRST_SLOT; i < L2_PAGETABLE_ENTRIES; i++)
        pl2e[i] = idle_pg_table[i];
    return 1;
    //@ stub
    //@ (void)pg;
    //@ EXERCISE_TODO(4, 3, "validating an L2: alloc_l2_table");
    //@ return 0;
    //@ end
}

/* Exercise 3d: the L2 in pg is no longer one: drop its guest slots' references. */
static void free_l2_table(struct page_info *pg)
{
    //@ begin lab4 ex3: validating an L2
    l2_pgentry_t *pl2e = mfn_to_virt(page_to_mfn(pg));
    struct domain *d = page_get_owner(pg);
    unsigned int i;

    for (i = 0; i < HV_L2_FIRST_SLOT; i++)
        put_page_from_l2e(pl2e[i], d);
    //@ stub
    //@ (void)pg;
    //@ end
}

/* ---- given: what get_page_type / put_page_type call ---- */

int alloc_page_type(struct page_info *pg, uint32_t type)
{
    switch (type & PGT_type_mask) {
    case PGT_l1_page_table:
        return alloc_l1_table(pg);
    case PGT_l2_page_table:
        return alloc_l2_table(pg);
    default:
        return 1; /* nothing in the frame to check */
    }
}

void free_page_type(struct page_info *pg, uint32_t type)
{
    switch (type & PGT_type_mask) {
    case PGT_l1_page_table:
        /* Lab 6 first forgets the grant mappings it holds: only their
         * references are the L1's to drop (a documented weak hook). */
        release_grant_mappings_in_l1(pg);
        free_l1_table(pg);
        break;
    case PGT_l2_page_table:
        free_l2_table(pg);
        break;
    default:
        break;
    }
}
