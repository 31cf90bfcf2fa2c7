/*
 * hv/descriptor.c - a guest's own GDT and LDT (lab 4, exercise 7).
 *
 * Lab 1 kept ring-1 guests out of the hypervisor with segment limits: the
 * flat guest segments end below the hole.  That guard holds only while
 * every descriptor the CPU can load is one the hypervisor wrote.  Labs
 * 1-3 gave guests no descriptors of their own (and their writable page
 * tables let a guest rewrite gdt[] anyway: the "known gap").  Lab 4 gives
 * them Xen's interface:
 *
 *   set_gdt(frames, entries)      up to 14 frames of the guest's own
 *                                 descriptors, GDT entries 0..7167;
 *   MMUEXT_SET_LDT(va, entries)   an LDT at a guest virtual address;
 *   update_descriptor(ma, desc)   change one descriptor, by machine address.
 *
 * The safety argument has two halves, both yours in this exercise:
 *  - every descriptor in a frame the CPU may read passed check_descriptor;
 *  - such a frame holds a PGT_seg_desc_page type reference for as long as
 *    it is in a GDT or LDT, so the guest cannot map it writable (a frame
 *    has one type at a time, exercise 1) and change a descriptor after
 *    the check.  Its only way to change one is update_descriptor, which
 *    checks first.
 * hv/gdt_switch.c (given) maps the frames where the CPU looks.
 */
#include <hv/descriptor.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <public/errno.h>
#include <public/mmu.h>

/* Bits of a descriptor's high word b (hv/desc.h has the whole layout). */
#define _SEGMENT_EC (1U << 10)   /* data: expand-down; code: conforming */
#define _SEGMENT_CODE (1U << 11) /* code (1) or data (0)                */
#define _SEGMENT_S (1U << 12)    /* code/data (1) or system (0)         */
#define _SEGMENT_DPL (3U << 13)  /* descriptor privilege level          */
#define _SEGMENT_P (1U << 15)    /* present                             */
#define _SEGMENT_G (1U << 23)    /* limit in 4 KiB units                */

static uint32_t desc_base(const struct desc_struct *d)
{
    return (d->a >> 16) | ((d->b & 0xFF) << 16) | (d->b & 0xFF000000);
}

/* The last offset the segment allows, in bytes. */
static uint32_t desc_limit(const struct desc_struct *d)
{
    uint32_t limit = (d->a & 0xFFFF) | (d->b & 0xF0000);

    return (d->b & _SEGMENT_G) ? (limit << 12) | 0xFFF : limit;
}

/*
 * Exercise 7a: may the CPU load this descriptor for the guest?  1 or 0.
 *  - not present (P = 0): yes, loading it can only fault;
 *  - a system descriptor (S = 0: TSS, LDT, call/task/interrupt/trap gate):
 *    no.  (Xen accepts a call gate to a guest code segment; Parakeet
 *    refuses them all: no guest needs one, and a gate to ring 0 is the
 *    oldest way out of a sandbox.)
 *  - DPL 0: no - a ring-0 segment for a ring-1 guest;
 *  - an expand-down data segment (type bit 2, _SEGMENT_EC, without
 *    _SEGMENT_CODE): no - its valid offsets run from limit + 1 up to
 *    4 GiB, through the hole; Parakeet refuses them rather than work out
 *    where they end;
 *  - otherwise yes if base + limit (desc_base, desc_limit: bytes) ends at
 *    or below MACH2PHYS_VIRT_END - 1, computed without 32-bit wrap-around
 *    (a base near 4 GiB plus a limit must not wrap to a small number).
 */
int check_descriptor(const struct desc_struct *d)
{
    //@ begin lab4 ex7: segment descriptors
    uint32_t b = d->b;

    if (!(b & _SEGMENT_P))
        return 1;
    if (!(b & _SEGMENT_S))
        return 0;
    if (!(b & _SEGMENT_DPL))
        return 0;
    if (!(b & _SEGMENT_CODE) && (b & _SEGMENT_EC))
        return 0;
    return (uint64_t)desc_base(d) + desc_limit(d) <= MACH2PHYS_VIRT_END - 1;
    //@ stub
    //@ (void)d; (void)desc_base; (void)desc_limit;
    //@ return 0;
    //@ end
}

/* Given: all 512 descriptors of a frame (the CPU can reach each one). */
int check_descriptor_page(unsigned long mfn)
{
    const struct desc_struct *t = mfn_to_virt(mfn);
    unsigned int i;

    for (i = 0; i < DESCS_PER_PAGE; i++)
        if (!check_descriptor(&t[i])) {
            printk("d%u: descriptor %u of frame %#lx (%08x %08x) is not safe: "
                   "expected not present, or a code/data segment of DPL 1-3, "
                   "expanding up, ending at or below %#lx\n",
                   current->domain->domain_id, i, mfn, t[i].b, t[i].a,
                   (unsigned long)MACH2PHYS_VIRT_END - 1);
            return 0;
        }
    return 1;
}

/*
 * Exercise 7b: take frame mfn for a descriptor table of domain d.
 *   - a general reference: get_page(pg, d) - refused (-EPERM) unless d
 *     owns the frame (and mfn < max_page: check that first);
 *   - a PGT_seg_desc_page type reference: get_page_type - refused
 *     (-EINVAL) while the frame has another type with references, for
 *     example a writable mapping or a page-table use;
 *   - then every descriptor in it must pass (check_descriptor_page):
 *     -EINVAL otherwise.
 * On any refusal keep no reference (drop what you took) and print one
 * line naming the frame.  0 when both references are held.
 */
static long get_desc_frame(struct domain *d, unsigned long mfn, const char *who)
{
    //@ begin lab4 ex7: segment descriptors
    struct page_info *pg;

    if (mfn >= max_page || !get_page(pg = mfn_to_page(mfn), d)) {
        printk("d%u: %s: frame %#lx is not the domain's own\n", d->domain_id,
               who, mfn);
        return -EPERM;
    }
    if (!get_page_type(pg, PGT_seg_desc_page)) {
        printk("d%u: %s: frame %#lx cannot become a descriptor page (type "
               "%u with %u references; is it still mapped writable?)\n",
               d->domain_id, who, mfn, pg->type_info >> 29,
               pg->type_info & PGT_count_mask);
        put_page(pg);
        return -EINVAL;
    }
    if (!check_descriptor_page(mfn)) {
        put_page_and_type(pg);
        return -EINVAL;
    }
    return 0;
    //@ stub
    //@ (void)d; (void)mfn; (void)who;
    //@ EXERCISE_TODO(4, 7, "segment descriptors");
    //@ return -ENOSYS;
    //@ end
}

/* Given: drop the references get_desc_frame took. */
static void put_desc_frames(const unsigned long *frames, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        put_page_and_type(mfn_to_page(frames[i]));
}

#define pages_for(ents) (((ents) + DESCS_PER_PAGE - 1) / DESCS_PER_PAGE)

/*
 * Exercise 7c: set_gdt(frame_list, entries), hypercall 2.
 *   - entries > FIRST_RESERVED_GDT_ENTRY (7168): -EINVAL (the entries
 *     above are the hypervisor's);
 *   - read pages_for(entries) MFNs from frame_list (copy_from_guest;
 *     -EFAULT);
 *   - take every frame (get_desc_frame); on the first refusal drop the
 *     frames taken so far and return its error: the old GDT stays;
 *   - then, and only then, drop the old GDT's frames (put_desc_frames),
 *     record the new ones in current->gdt_frames / gdt_ents, and call
 *     write_gdt_ptes(current) so the CPU sees them at once.
 * Take the new before dropping the old: a frame in both keeps its type.
 */
long do_set_gdt(unsigned long frame_list, unsigned int entries)
{
    //@ begin lab4 ex7: segment descriptors
    struct vcpu *v = current;
    unsigned long frames[FIRST_RESERVED_GDT_PAGE];
    unsigned int i, n = pages_for(entries);
    long rc;

    if (entries > FIRST_RESERVED_GDT_ENTRY) {
        printk("d%u: set_gdt: %u entries, at most %u (the rest are the "
               "hypervisor's)\n", v->domain->domain_id, entries,
               FIRST_RESERVED_GDT_ENTRY);
        return -EINVAL;
    }
    if (copy_from_guest(frames, frame_list, n * sizeof(frames[0])))
        return -EFAULT;
    for (i = 0; i < n; i++)
        if ((rc = get_desc_frame(v->domain, frames[i], "set_gdt")) < 0) {
            put_desc_frames(frames, i);
            return rc;
        }
    put_desc_frames(v->gdt_frames, pages_for(v->gdt_ents));
    memcpy(v->gdt_frames, frames, n * sizeof(frames[0]));
    v->gdt_ents = entries;
    write_gdt_ptes(v);
    return 0;
    //@ stub
    //@ (void)frame_list; (void)entries; (void)put_desc_frames; (void)get_desc_frame;
    //@ EXERCISE_TODO(4, 7, "segment descriptors");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Exercise 7d: update_descriptor(ma_lo, ma_hi, desc_lo, desc_hi),
 * hypercall 10: write one descriptor at machine address ma.
 *   - ma_hi != 0 (no PAE: no machine address above 4 GiB) or ma not a
 *     multiple of 8: -EINVAL;
 *   - the frame must be the caller's (mfn < max_page, get_page): -EPERM;
 *   - the new descriptor must pass check_descriptor: -EINVAL;
 *   - a type reference for the time of the write, as Xen 3.0 does: if
 *     the frame is a descriptor page (its type is PGT_seg_desc_page),
 *     get_page_type(PGT_seg_desc_page) - it may be in a GDT or LDT now,
 *     and the hypervisor's write is the only one allowed; otherwise
 *     get_page_type(PGT_writable_page) - an ordinary page of the guest's,
 *     which must not be a page table.  Refused: -EINVAL;
 *   - write it through the hypervisor's direct map (mfn_to_virt), then
 *     put_page_type and put_page.
 */
long do_update_descriptor(unsigned long ma_lo, unsigned long ma_hi,
                          unsigned long desc_lo, unsigned long desc_hi)
{
    //@ begin lab4 ex7: segment descriptors
    struct domain *d = current->domain;
    struct desc_struct desc = { desc_lo, desc_hi };
    unsigned long mfn = ma_lo >> PAGE_SHIFT;
    struct page_info *pg;
    uint32_t type;

    if (ma_hi || (ma_lo & 7)) {
        printk("d%u: update_descriptor: machine address %#lx%08lx is not an "
               "8-byte-aligned address below 4 GiB\n", d->domain_id, ma_hi, ma_lo);
        return -EINVAL;
    }
    if (mfn >= max_page || !get_page(pg = mfn_to_page(mfn), d)) {
        printk("d%u: update_descriptor: frame %#lx is not the domain's own\n",
               d->domain_id, mfn);
        return -EPERM;
    }
    if (!check_descriptor(&desc)) {
        printk("d%u: update_descriptor: %08lx %08lx is not safe: expected not "
               "present, or a code/data segment of DPL 1-3, expanding up, ending "
               "at or below %#lx\n", d->domain_id, desc_hi, desc_lo,
               (unsigned long)MACH2PHYS_VIRT_END - 1);
        put_page(pg);
        return -EINVAL;
    }
    type = (pg->type_info & PGT_type_mask) == PGT_seg_desc_page ? PGT_seg_desc_page
                                                               : PGT_writable_page;
    if (!get_page_type(pg, type)) {
        printk("d%u: update_descriptor: frame %#lx is a page table (type %u)\n",
               d->domain_id, mfn, pg->type_info >> 29);
        put_page(pg);
        return -EINVAL;
    }
    *(struct desc_struct *)((char *)mfn_to_virt(mfn) + (ma_lo & ~PAGE_MASK)) = desc;
    put_page_type(pg);
    put_page(pg);
    return 0;
    //@ stub
    //@ (void)ma_lo; (void)ma_hi; (void)desc_lo; (void)desc_hi;
    //@ EXERCISE_TODO(4, 7, "segment descriptors");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Given: the machine frame that guest address va maps in v's current
 * address space, or INVALID_MFN if no 4 KiB page is mapped there.
 */
static unsigned long guest_va_to_mfn(struct vcpu *v, unsigned long va)
{
    const l2_pgentry_t *l2 = mfn_to_virt(v->domain->pt_base_mfn);
    l2_pgentry_t l2e = l2[l2_table_offset(va)];
    l1_pgentry_t l1e;

    if (!(l2e & _PAGE_PRESENT) || (l2e & _PAGE_PSE) || PTE_MFN(l2e) >= max_page)
        return INVALID_MFN;
    l1e = ((const l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)))[l1_table_offset(va)];
    if (!(l1e & _PAGE_PRESENT) || PTE_MFN(l1e) >= max_page)
        return INVALID_MFN;
    return PTE_MFN(l1e);
}

/*
 * Exercise 7e: MMUEXT_SET_LDT - the LDT is nr_ents descriptors at guest
 * address va (nr_ents 0: no LDT).
 *   - va not page-aligned, nr_ents > MAX_LDT_ENTRIES (8192), or the table
 *     not ending at or below HYPERVISOR_VIRT_START: -EINVAL;
 *   - each of its pages_for(nr_ents) pages must be mapped now
 *     (guest_va_to_mfn; -EINVAL if not) and taken like a GDT frame
 *     (get_desc_frame); on a refusal drop what you took: the old LDT stays;
 *   - then drop the old LDT's frames, record the new ones (ldt_base,
 *     ldt_ents, ldt_frames) and write_ldt_ptes(v).
 * Parakeet resolves va once, here: changing va's mapping later does not
 * move the LDT (Xen looks va up again on each use; call SET_LDT again).
 */
long set_ldt(struct vcpu *v, unsigned long va, unsigned int nr_ents)
{
    //@ begin lab4 ex7: segment descriptors
    unsigned long frames[LDT_AREA_PAGES];
    unsigned int i, n = pages_for(nr_ents);
    long rc;

    if ((va & ~PAGE_MASK) || nr_ents > MAX_LDT_ENTRIES ||
        va + nr_ents * 8UL < va || va + nr_ents * 8UL > HYPERVISOR_VIRT_START) {
        printk("d%u: set_ldt: %u entries at %#lx: expected a page-aligned "
               "address, at most %u entries, ending at or below %#lx\n",
               v->domain->domain_id, nr_ents, va, MAX_LDT_ENTRIES,
               (unsigned long)HYPERVISOR_VIRT_START);
        return -EINVAL;
    }
    for (i = 0; i < n; i++) {
        frames[i] = guest_va_to_mfn(v, va + i * PAGE_SIZE);
        rc = -EINVAL;
        if (frames[i] == INVALID_MFN)
            printk("d%u: set_ldt: nothing is mapped at %#lx\n",
                   v->domain->domain_id, va + i * PAGE_SIZE);
        else
            rc = get_desc_frame(v->domain, frames[i], "set_ldt");
        if (rc < 0) {
            put_desc_frames(frames, i);
            return rc;
        }
    }
    put_desc_frames(v->ldt_frames, pages_for(v->ldt_ents));
    memcpy(v->ldt_frames, frames, n * sizeof(frames[0]));
    v->ldt_base = va;
    v->ldt_ents = nr_ents;
    write_ldt_ptes(v);
    return 0;
    //@ stub
    //@ (void)v; (void)va; (void)nr_ents; (void)guest_va_to_mfn;
    //@ EXERCISE_TODO(4, 7, "segment descriptors");
    //@ return -ENOSYS;
    //@ end
}

/*
 * Given: the domain is ending.  Stop using its tables (the CPU must not
 * read descriptors from frames about to be freed), then drop the
 * references set_gdt and set_ldt took, so every frame's counts return to
 * zero and the frames can be freed.
 */
void destroy_gdt(struct vcpu *v)
{
    unload_descriptors(v);
    put_desc_frames(v->gdt_frames, pages_for(v->gdt_ents));
    put_desc_frames(v->ldt_frames, pages_for(v->ldt_ents));
    v->gdt_ents = 0;
    v->ldt_ents = 0;
    v->ldt_base = 0;
}

REGISTER_HYPERCALL(__HYPERVISOR_set_gdt, do_set_gdt);
REGISTER_HYPERCALL(__HYPERVISOR_update_descriptor, do_update_descriptor);
