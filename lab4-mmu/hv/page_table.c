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
    /* LAB 4: your code here (exercise 2: validating an L1) */
    (void)l1e; (void)d; (void)not_owned_why; (void)type_name;
    EXERCISE_TODO(4, 2, "validating an L1: get_page_from_l1e");
    return -EINVAL;
}

/* Exercise 2b: drop what get_page_from_l1e took for this entry. */
void put_page_from_l1e(l1_pgentry_t l1e, struct domain *d)
{
    /* LAB 4: your code here (exercise 2: validating an L1) */
    (void)l1e; (void)d;
}

/*
 * Exercise 2c: validate the L1 in frame pg: every entry's references, or
 * none (undo the entries already taken when one is refused).  1 / 0.
 */
static int alloc_l1_table(struct page_info *pg)
{
    /* LAB 4: your code here (exercise 2: validating an L1) */
    (void)pg;
    EXERCISE_TODO(4, 2, "validating an L1: alloc_l1_table");
    return 0;
}

/* Exercise 2d: the L1 in pg is no longer one: drop every entry's references. */
static void free_l1_table(struct page_info *pg)
{
    /* LAB 4: your code here (exercise 2: validating an L1) */
    (void)pg;
}

/*
 * Exercise 3a: the references one guest L2 entry (slot < 1008) needs.
 * Not present: 0.  Refuse reserved bits (L2_DISALLOW_MASK: PSE above
 * all, XSA-148), a frame d does not own (as above), and a frame that
 * cannot be (or be validated as) an L1 (-EINVAL); print why.
 */
int get_page_from_l2e(l2_pgentry_t l2e, struct domain *d)
{
    /* LAB 4: your code here (exercise 3: validating an L2) */
    (void)l2e; (void)d;
    EXERCISE_TODO(4, 3, "validating an L2: get_page_from_l2e");
    return -EINVAL;
}

/* Exercise 3b: drop what get_page_from_l2e took for this entry. */
void put_page_from_l2e(l2_pgentry_t l2e, struct domain *d)
{
    /* LAB 4: your code here (exercise 3: validating an L2) */
    (void)l2e; (void)d;
}

/*
 * Exercise 3c: validate the L2 in frame pg: every guest slot (below
 * HV_L2_FIRST_SLOT) or none, then install the hypervisor's slots from
 * idle_pg_table.  1 / 0.
 */
static int alloc_l2_table(struct page_info *pg)
{
    /* LAB 4: your code here (exercise 3: validating an L2) */
    (void)pg;
    EXERCISE_TODO(4, 3, "validating an L2: alloc_l2_table");
    return 0;
}

/* Exercise 3d: the L2 in pg is no longer one: drop its guest slots' references. */
static void free_l2_table(struct page_info *pg)
{
    /* LAB 4: your code here (exercise 3: validating an L2) */
    (void)pg;
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
