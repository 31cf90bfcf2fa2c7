/*
 * hv/page_ref.c - the frame table's reference counts (lab 4, exercise 1).
 *
 * Every machine frame has a struct page_info (hv/mm.h).  Lab 4 gives it
 * two counters (hv/page_type.h says what each counts):
 *
 *   count_info & PGC_count_mask   general references: "someone uses this
 *                                 frame, do not free it";
 *   type_info & PGT_count_mask    type references: "someone uses it as
 *                                 this type (an L1, an L2, a descriptor
 *                                 page, a writable page)".
 *
 * The invariant all of lab 4 rests on: a frame has one type at a time,
 * and the type can change only while no one holds a reference of it.  So
 * a frame in use as a page table (type count > 0) can never gain a
 * writable mapping, and a frame mapped writable can never become a table.
 *
 * The two transitions that matter: 0 -> 1 of a table type validates the
 * frame's contents (alloc_page_type, exercises 2-3, which takes the
 * references its entries need); 1 -> 0 releases them (free_page_type).
 * A general count that drops to 0 gives the frame back to the allocator -
 * which can only happen after the domain has ended, because the owner's
 * allocation reference is dropped last (hv/domain_mm.c).
 */
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/page_type.h>

/*
 * Exercise 1a: take a general reference on pg for domain d.
 * Refuse (return 0) unless d owns the frame and the frame is in use (its
 * count is not 0: a count of 0 means free, or on its way back to the
 * allocator); refuse too if the count would overflow PGC_count_mask.
 * Return 1 with the count one higher.
 */
int get_page(struct page_info *pg, struct domain *d)
{
    //@ begin lab4 ex1: frame table
    uint32_t x = pg->count_info;

    if (page_get_owner(pg) != d || d == NULL)
        return 0; /* the hypervisor's, free, or another domain's */
    if ((x & PGC_count_mask) == 0 || (x & PGC_count_mask) == PGC_count_mask)
        return 0; /* being freed, or the count would overflow */
    pg->count_info = x + 1;
    return 1;
    //@ stub
    //@ (void)pg; (void)d;
    //@ EXERCISE_TODO(4, 1, "frame table: get_page");
    //@ return 0;
    //@ end
}

/*
 * Exercise 1b: drop a general reference.  The last one (count 0) frees
 * the frame: its type must be gone by then (type_info back to 0), and
 * free_domheap_page (lab 1) takes it off its owner's list.
 * Dropping a reference nobody holds is a hypervisor bug: panic.
 */
void put_page(struct page_info *pg)
{
    //@ begin lab4 ex1: frame table
    uint32_t x = pg->count_info;

    if ((x & PGC_count_mask) == 0)
        panic("put_page: frame %#lx has no reference to drop", page_to_mfn(pg));
    pg->count_info = x - 1;
    if (((x - 1) & PGC_count_mask) == 0) {
        if (pg->type_info & PGT_count_mask)
            panic("put_page: frame %#lx freed with %u type references",
                  page_to_mfn(pg), pg->type_info & PGT_count_mask);
        pg->type_info = 0;
        free_domheap_page(pg);
    }
    //@ stub
    //@ (void)pg; /* (get_page announced the exercise; this runs once a frame) */
    //@ end
}

/*
 * Exercise 1c: take a type reference of `type` (PGT_l1_page_table, ...).
 *  - count > 0: only the same type may be taken (and it is validated);
 *  - count 0, same type and still PGT_validated (a writable or descriptor
 *    page nobody uses): just count it;
 *  - count 0 otherwise: the frame changes type.  Record the new type with
 *    count 1 *before* validating, so that a table whose entries point back
 *    at itself finds itself already typed and is refused; if it had
 *    another type before, flush the TLB (flush_tlb_local): it may still
 *    hold a writable mapping of what is about to become a table, or -
 *    the processor caches directory entries too - a walk through what was
 *    an L1 and is about to become writable; validate a
 *    table with alloc_page_type() (on failure: back to PGT_none, count 0,
 *    return 0); then mark it PGT_validated.
 * Refuse when the type count would overflow PGT_count_mask.
 */
int get_page_type(struct page_info *pg, uint32_t type)
{
    //@ begin lab4 ex1: frame table
    uint32_t x = pg->type_info;

    if ((x & PGT_count_mask) == PGT_count_mask)
        return 0;
    if (x & PGT_count_mask) {
        if ((x & PGT_type_mask) != type || !(x & PGT_validated))
            return 0; /* in use as something else */
        pg->type_info = x + 1;
        return 1;
    }
    if ((x & PGT_type_mask) == type && (x & PGT_validated)) {
        pg->type_info = x + 1;
        return 1;
    }
    pg->type_info = type | 1;
    if ((x & PGT_type_mask) != PGT_none && (x & PGT_type_mask) != type)
        flush_tlb_local();
    if (pgt_is_table(type) && !alloc_page_type(pg, type)) {
        pg->type_info = PGT_none;
        return 0;
    }
    pg->type_info |= PGT_validated;
    return 1;
    //@ stub
    //@ (void)pg; (void)type;
    //@ EXERCISE_TODO(4, 1, "frame table: get_page_type");
    //@ return 0;
    //@ end
}

/*
 * Exercise 1d: drop a type reference.  When the last reference of a
 * table goes, the frame stops being that table: clear PGT_validated and
 * release its entries' references (free_page_type) - keep the type bits,
 * with count 0 the next get_page_type may change them.
 * Dropping a type reference nobody holds is a hypervisor bug: panic.
 */
void put_page_type(struct page_info *pg)
{
    //@ begin lab4 ex1: frame table
    uint32_t x = pg->type_info;

    if ((x & PGT_count_mask) == 0)
        panic("put_page_type: frame %#lx has no type reference to drop",
              page_to_mfn(pg));
    if ((x & PGT_count_mask) == 1 && pgt_is_table(x)) {
        pg->type_info = (x - 1) & ~(PGT_validated | PGT_pinned);
        free_page_type(pg, x & PGT_type_mask);
        return;
    }
    pg->type_info = x - 1;
    //@ stub
    //@ (void)pg;
    //@ end
}

/* ---- given: the pairs, general reference first and dropped last ---- */

int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type)
{
    if (!get_page(pg, d))
        return 0;
    if (!get_page_type(pg, type)) {
        put_page(pg);
        return 0;
    }
    return 1;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

int get_page_from_pagenr(unsigned long mfn, struct domain *d)
{
    return mfn < max_page && get_page(mfn_to_page(mfn), d);
}
