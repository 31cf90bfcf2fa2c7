/*
 * hv/page_alloc.c - the machine frame allocator (lab 1, exercise 1).
 *
 * Every 4 KiB frame of machine memory the hypervisor can reach has a
 * struct page_info in frame_table[].  How the free frames are kept is
 * yours to design (the handout, exercise 1): free_list below, threaded
 * through page_info.list, is one way - O(1) both ways and no memory
 * beyond the frame table; a bitmap or a stack of MFNs are others.  The
 * tests judge which frames come out, the count and the zeros, not the
 * structure.
 *
 * Which frames may be free?  RAM in the boot loader's memory map, minus:
 *   - the first MiB (real-mode structures, the BIOS, VGA memory);
 *   - anything the map calls reserved (firmware, ACPI tables, ...);
 *   - the hypervisor's own image (boot_info.hv_start .. hv_end);
 *   - the modules: the guest kernels we have not loaded yet.
 * The boot loader's own structures need no care: setup.c copied what we
 * use from them into boot_info before this runs.
 */
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/multiboot.h>
#include <hv/sched.h>

struct page_info frame_table[MAX_FRAMES];
unsigned long max_page;
static struct list_head free_list = LIST_HEAD_INIT(free_list);
static unsigned long free_count;

/*
 * Does [pa, pa + PAGE_SIZE) touch [start, end)?  (`inline` only so that
 * the skeleton, which does not call it yet, compiles under -Werror.)
 */
static inline int overlaps(unsigned long pa, unsigned long start, unsigned long end)
{
    return pa < end && pa + PAGE_SIZE > start;
}

/*
 * Exercise 1a: put every usable frame on the free list.
 * Hints: a frame is usable if it lies entirely inside a region of type
 * E820_RAM and touches none of the exclusions above (regions may overlap,
 * so check the non-RAM regions too).  Only frames below MAX_FRAMES can be
 * reached through the direct map.  Mark the others PGC_reserved.  Set
 * max_page to one past the highest frame that is RAM.
 */
void init_frame_allocator(const struct boot_info *bi)
{
    /* LAB 1: your code here (exercise 1: frame allocator) */
    (void)bi;
    EXERCISE_TODO(1, 1, "frame allocator");
}

/*
 * Exercise 1b: take a frame off the free list, mark it PGC_allocated and
 * return its MFN, zeroed (a guest must never see another's old data).
 * Return INVALID_MFN when none is left.
 */
unsigned long alloc_frame(void)
{
    if (fault_inject_frame()) /* given: failframe=N (hv/fault_inject.c) */
        return INVALID_MFN;
    /* LAB 1: your code here (exercise 1: frame allocator) */
    return INVALID_MFN;
}

/*
 * Exercise 1c: put an allocated frame back.  Freeing a frame that is not
 * allocated is a hypervisor bug: panic, saying which frame.
 */
void free_frame(unsigned long mfn)
{
    /* LAB 1: your code here (exercise 1: frame allocator) */
    (void)mfn;
}

/* Given: how many frames are free (keep free_count right and this is). */
unsigned long nr_free_frames(void)
{
    return free_count;
}

/* ---- given: Xen-style wrappers on top of the exercise ---- */

struct page_info *alloc_domheap_page(struct domain *d)
{
    unsigned long mfn = alloc_frame();
    struct page_info *pg;

    if (mfn == INVALID_MFN)
        return NULL;
    pg = mfn_to_page(mfn);
    pg->owner = d;
    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages++;
    return pg;
}

void free_domheap_page(struct page_info *pg)
{
    struct domain *d = pg->owner;

    ASSERT(d);
    list_del(&pg->list);
    d->tot_pages--;
    free_frame(page_to_mfn(pg));
}

void *alloc_xenheap_page(void)
{
    unsigned long mfn = alloc_frame();
    return mfn == INVALID_MFN ? NULL : mfn_to_virt(mfn);
}

void free_xenheap_page(void *va)
{
    free_frame(virt_to_mfn(va));
}
