/*
 * hv/page_type.h - frame types and reference counts (lab 4).
 *
 * The safety invariant of lab 4: a machine frame is *either* a page table
 * (or a descriptor table) *or* writable by its guest, never both.  Each
 * frame's struct page_info (hv/mm.h, lab 1) keeps, as in Xen 3.0:
 *
 *   count_info  PGC_allocated | general reference count (PGC_count_mask)
 *               Anything that uses the frame - a mapping of it, a pin, a
 *               %cr3 - holds a general reference, so the frame cannot be
 *               freed under it.  The owner holds one too, from the moment
 *               the domain is built (the "allocation reference", Xen's
 *               PGC_allocated reference): the count reaches 0, and the
 *               frame goes back to the allocator, only after the domain has
 *               ended and every use has been dropped.
 *   type_info   type (bits 29-31) | PGT_validated | PGT_pinned | type
 *               reference count (PGT_count_mask)
 *               A type reference says "this frame is in use as that type":
 *               a writable mapping holds a PGT_writable_page reference, an
 *               L2 entry a PGT_l1_page_table reference on its L1, a %cr3 or
 *               a pin a reference of the table's own type.  The type can
 *               change only while the type count is 0.
 *
 * A type reference always comes with a general reference (take the general
 * one first, drop it last): get_page_and_type / put_page_and_type.
 *
 * Exercise 1 (hv/page_ref.c) implements the counting; exercises 2 and 3
 * (hv/page_table.c) the validation that get_page_type runs when a frame
 * becomes an L1 or L2 (its 0 -> 1 type transition) and the release that
 * put_page_type runs when it stops being one (1 -> 0).
 */
#ifndef HV_PAGE_TYPE_H
#define HV_PAGE_TYPE_H

#include <stdint.h>
#include <hv/mm.h>

struct domain;
struct vcpu;

/* type_info: the type, in bits 29-31 (Xen 3.0's numbers). */
#define PGT_none (0U << 29)          /* no type yet: free to become any      */
#define PGT_l1_page_table (1U << 29) /* an L1 (page table)                   */
#define PGT_l2_page_table (2U << 29) /* an L2 (page directory)               */
#define PGT_seg_desc_page (5U << 29) /* a GDT or LDT frame (exercise 7)      */
#define PGT_writable_page (7U << 29) /* mapped writable by its guest         */
#define PGT_type_mask (7U << 29)
#define PGT_validated (1U << 28) /* contents checked for this type       */
#define PGT_pinned (1U << 27)    /* the guest pinned it: one type ref    */
#define PGT_count_mask 0xFFFFU   /* type references                      */

/* The type, 0..7, as public/mmu.h's PAGE_TYPE_* numbers it. */
#define PGT_TYPE_NR(t) (((t)&PGT_type_mask) >> 29)

/* Does this type need its contents validated (and released)? */
static inline int pgt_is_table(uint32_t type)
{
    type &= PGT_type_mask;
    return type == PGT_l1_page_table || type == PGT_l2_page_table;
}

/* ---- exercise 1, hv/page_ref.c: counting ---- */

/*
 * get_page: take a general reference on a frame d owns.  1 = got it;
 * 0 = refused (not d's, free, or the count would overflow) - the caller
 * names the frame in its error.
 */
int get_page(struct page_info *pg, struct domain *d);
/* Drop a general reference; the last one frees the frame. */
void put_page(struct page_info *pg);

/*
 * get_page_type: take a type reference of `type` (one PGT_* type, no
 * flags).  On the 0 -> 1 transition the frame may change type, and an L1
 * or L2 is validated (alloc_page_type, exercises 2-3).  1 = got it; 0 =
 * refused: in use as another type, or its contents failed validation.
 *
 * PGT_seg_desc_page: get_page_type only makes the frame exclusive (no
 * writable mapping can exist while it holds the type); set_gdt / set_ldt
 * (exercise 7) check its descriptors right after taking the type, before
 * the processor uses any, and drop the type again if one is bad.
 */
int get_page_type(struct page_info *pg, uint32_t type);
/* Drop a type reference; the last one of a table releases its entries. */
void put_page_type(struct page_info *pg);

int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type);
void put_page_and_type(struct page_info *pg);

/* get_page on frame mfn, refusing frames beyond the frame table.  1/0. */
int get_page_from_pagenr(unsigned long mfn, struct domain *d);

/* Who owns the frame (NULL: free or the hypervisor's). */
static inline struct domain *page_get_owner(const struct page_info *pg)
{
    return pg->owner;
}

/* ---- exercises 2 and 3, hv/page_table.c: validation ---- */

/*
 * Called by get_page_type on a frame's 0 -> 1 transition to an L1 or L2:
 * check every entry and take the references it needs.  1 = valid (all
 * references held); 0 = refused (none held).  d is the frame's owner.
 */
int alloc_page_type(struct page_info *pg, uint32_t type);
/* Called on the 1 -> 0 transition: drop every reference the entries hold. */
void free_page_type(struct page_info *pg, uint32_t type);

/*
 * One entry's references (the owner of the table is d): 0, or -EPERM (a
 * frame d does not own: the hypervisor's, another domain's, a free one)
 * or -EINVAL (reserved bits, no such frame, a type that forbids the use).
 * The put_ functions drop exactly what the get_ took.
 */
int get_page_from_l1e(l1_pgentry_t l1e, struct domain *d);
void put_page_from_l1e(l1_pgentry_t l1e, struct domain *d);
int get_page_from_l2e(l2_pgentry_t l2e, struct domain *d);
void put_page_from_l2e(l2_pgentry_t l2e, struct domain *d);

/*
 * Reserved bits, as in Xen 3.0: a guest's present L1 entry may not set PAT
 * (bit 7) or GLOBAL (bit 8) - global mappings would survive the %cr3
 * switch to another domain, and only the hypervisor's own are global.  A
 * present L2 entry may not set PSE (bit 7): a 4 MiB superpage would map
 * 1024 frames without a single check (XSA-148); bit 8 is refused with it.
 * The three "available" bits 9-11 are the guest's to use.
 */
#define L1_DISALLOW_MASK ((uint32_t)(_PAGE_PSE | _PAGE_GLOBAL)) /* PAT = bit 7 */
#define L2_DISALLOW_MASK ((uint32_t)(_PAGE_PSE | _PAGE_GLOBAL))

/*
 * Change one entry of a validated table the caller has typed (exercise 4,
 * shared with exercise 6): take the new entry's references, write it,
 * drop the old one's.  pl1e/pl2e point into the table through the direct
 * map.  0 or -EINVAL / -EPERM (why printed, naming the entry); a hypervisor
 * slot (>= HV_L2_FIRST_SLOT) of an L2 is -EINVAL, as in Xen.
 */
long mod_l1_entry(l1_pgentry_t *pl1e, l1_pgentry_t nl1e, struct domain *d);
long mod_l2_entry(l2_pgentry_t *pl2e, l2_pgentry_t nl2e, unsigned int slot,
                  struct domain *d);

/* ---- exercise 5, hv/mmuext_op.c ---- */

/* Make the validated L2 `mfn` d's address space (NEW_BASEPTR).  0 / -errno. */
long new_guest_cr3(struct domain *d, unsigned long mfn);

/* ---- given, hv/domain_mm.c ---- */

/*
 * 0 when exercises 1-4 are done, so lab 4 checks every domain's page
 * tables; 1 while one is not, and domains keep lab 1's unchecked tables
 * (hv/domain_mm.c says why).  Asked before the first domain runs.
 */
extern int lab4_unchecked;
/* mmu_update while lab4_unchecked: plain writes to the caller's own
 * frames, what it could do through its own mappings.  0 / -errno. */
long mmu_update_unchecked(unsigned long ureqs, unsigned long count,
                          unsigned long pdone, unsigned long foreigndom);

/* ---- given, hv/page_info.c ---- */

/* Flush this CPU's TLB (all but the global - the hypervisor's - entries). */
void flush_tlb_local(void);

/*
 * The frame-table audit: every frame's type count equals the references
 * present tables, pins and %cr3 hold; no table frame is mapped writable.
 * Prints each inconsistency; 1 = consistent.  Run when a domain ends.
 */
int audit_frame_table(struct domain *d);

/*
 * Documented weak hooks lab 6's grant tables override (hv/grant_setup.c),
 * the only references one domain holds on another's frames:
 *   audit_grant_mapping(d, e)         hv/page_info.c: entry e of d's L1
 *                                     maps another domain's frame by grant?
 *   audit_granted_refs(d, cnt, type)  hv/page_info.c: add the references
 *                                     others' grant mappings hold on d's
 *                                     frames
 *   relinquish_shared_frame(d, pg)    hv/domain_mm.c: d ended and pg is
 *                                     still mapped through d's grants: 1 if
 *                                     taken off d's books (freed at the last
 *                                     unmap), 0 if it is a leak
 */
int audit_grant_mapping(struct domain *d, uint32_t e);
void audit_granted_refs(struct domain *d, uint16_t *count, uint16_t *type);
int relinquish_shared_frame(struct domain *d, struct page_info *pg);
/* (hv/page_info.c) the L1 in pg is freed as a table: forget the grant
 * mappings its entries hold (their references go with the L1's). */
void release_grant_mappings_in_l1(struct page_info *pg);
/* (hv/page_info.c) may d hold any grant mapping now?  0 until lab 6. */
int domain_holds_grant_mappings(struct domain *d);
/* Given (hv/page_info.c): does the L1 entry at pl1e, one of d's, hold a
 * grant mapping?  mmu_update and update_va_mapping refuse to replace one. */
int l1e_holds_grant(const l1_pgentry_t *pl1e, struct domain *d);

#endif /* HV_PAGE_TYPE_H */
