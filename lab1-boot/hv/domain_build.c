/*
 * hv/domain_build.c - building a domain from a checked ELF image (lab 1,
 * exercise 4).
 *
 * The guest sees its memory as pseudo-physical frames 0 .. nr_pages-1,
 * mapped one after another from virt_base, the lowest address the ELF
 * image loads at (0xC0000000 for our guests):
 *
 *     virt_base + pfn * PAGE_SIZE  <->  frame get_p2m(d, pfn)
 *
 * and the builder places, pfn after pfn:
 *
 *     [kernel image][mfn_list][start_info][page directory][page tables][guard][stack]
 *     ^ pfn 0                                                                first_free_pfn ^
 *
 * The guard page is the domain's like any other but left unmapped: a
 * stack that overflows hits it and page-faults, instead of running into
 * the page tables just below and rewriting its own mappings.
 *
 * plus the shared_info page mapped just past the domain's memory, at
 * virt_base + nr_pages * PAGE_SIZE.  The page directory's top entries (from
 * HV_L2_FIRST_SLOT) are copied from the hypervisor's idle_pg_table, so the
 * hypervisor is mapped in every address space, as in Xen.
 */
#include <hv/elf.h>
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>

#define BOOT_STACK_PAGES 2
#define GUARD_PAGES 1 /* unmapped, below the boot stack */

/* ---- given helpers ---- */

/* The hypervisor's address of the domain's pfn (through the direct map). */
static void *pfn_to_hv(struct domain *d, unsigned long pfn)
{
    return mfn_to_virt(get_p2m(d, pfn));
}

/* The guest virtual address of pfn. */
static unsigned long pfn_to_va(struct domain *d, unsigned long pfn)
{
    return d->virt_base + (pfn << PAGE_SHIFT);
}

/* Copy len bytes (or zeros when src is NULL) to guest address va, page by page. */
static void write_guest_va(struct domain *d, unsigned long va, const void *src,
                           unsigned long len)
{
    while (len) {
        unsigned long off = va & (PAGE_SIZE - 1);
        unsigned long n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        uint8_t *dst = (uint8_t *)pfn_to_hv(d, (va - d->virt_base) >> PAGE_SHIFT) + off;

        if (src) {
            memcpy(dst, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset(dst, 0, n);
        }
        va += n;
        len -= n;
    }
}

/*
 * Exercise 4: build domain d from the checked image - its memory, its
 * kernel, its page tables and its start_info, laid out as above.
 *
 * On entry d->max_pages, d->shared_info, d->cmdline and d->domain_id are
 * set and the p2m table is allocated but empty.  Invariant: the guest's
 * page tables map only frames d owns (machine frame numbers), its
 * shared_info page and the hypervisor's own slots - every pfn except the
 * guard page below the boot stack, which stays unmapped; everything
 * start_info says is true.  Returns 0, or -1 after refuse_module() when the domain
 * does not fit in max_pages or below HYPERVISOR_VIRT_START (domain.c frees
 * what was allocated).  Leaves d->virt_base, d->pt_base_mfn, d->entry,
 * d->start_info_va and d->boot_stack_top set for enter_guest().
 * (The handout's hints give the construction step by step.)
 */
int construct_domain(struct domain *d, const struct elf_info *elf,
                     const uint8_t *image)
{
    /* LAB 1: your code here (exercise 4: domain builder) */
    (void)elf; (void)image; (void)write_guest_va; (void)pfn_to_va;
    EXERCISE_TODO(1, 4, "domain builder");
    refuse_module(d, "cannot build the domain: LAB 1 exercise 4 (domain builder) is not done");
    return -1;
}
