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
    //@ begin lab1 ex4: domain builder
    unsigned long nr_pages = d->max_pages;
    unsigned long kernel_pages = (elf->vend - elf->vstart) >> PAGE_SHIFT;
    unsigned long list_pfn, list_pages, si_pfn, pd_pfn, l1_pfn, nr_l1;
    unsigned long guard_pfn, stack_pfn, first_free, map_end, pfn, i;
    unsigned int first_slot;
    l2_pgentry_t *pd;
    start_info_t *si;

    /* 1. Layout. */
    d->virt_base = elf->vstart;
    list_pfn = kernel_pages;
    list_pages = (nr_pages * sizeof(unsigned long) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    si_pfn = list_pfn + list_pages;
    pd_pfn = si_pfn + 1;
    l1_pfn = pd_pfn + 1;
    if (nr_pages + 1 > (HYPERVISOR_VIRT_START - d->virt_base) >> PAGE_SHIFT) {
        refuse_module(d, "%lu pages from %#lx would reach the hypervisor hole at %#lx",
                      nr_pages, d->virt_base, HYPERVISOR_VIRT_START);
        return -1;
    }
    map_end = d->virt_base + ((nr_pages + 1) << PAGE_SHIFT); /* + shared_info */
    first_slot = l2_table_offset(d->virt_base);
    nr_l1 = l2_table_offset(map_end - 1) - first_slot + 1;
    guard_pfn = l1_pfn + nr_l1;
    stack_pfn = guard_pfn + GUARD_PAGES;
    first_free = stack_pfn + BOOT_STACK_PAGES;
    if (first_free > nr_pages) {
        refuse_module(d, "mem=%luK is too small: this kernel's bootstrap needs %lu "
                      "pages", nr_pages * 4, first_free);
        return -1;
    }

    /* 2. Memory. */
    for (pfn = 0; pfn < nr_pages; pfn++) {
        struct page_info *pg = alloc_domheap_page(d);
        if (!pg) {
            refuse_module(d, "out of memory after %lu of %lu pages", pfn, nr_pages);
            return -1;
        }
        set_p2m(d, pfn, page_to_mfn(pg));
    }

    /* 3. Segments and bss. */
    for (i = 0; i < elf->phnum; i++) {
        const Elf32_Phdr *p = &elf->phdrs[i];
        if (p->p_type != PT_LOAD)
            continue;
        write_guest_va(d, p->p_vaddr, image + p->p_offset, p->p_filesz);
        write_guest_va(d, p->p_vaddr + p->p_filesz, NULL, p->p_memsz - p->p_filesz);
    }

    /* 4. Page tables. */
    pd = pfn_to_hv(d, pd_pfn);
    for (i = HV_L2_FIRST_SLOT; i < L2_PAGETABLE_ENTRIES; i++)
        pd[i] = idle_pg_table[i];
    for (i = 0; i < nr_l1; i++)
        pd[first_slot + i] = MAKE_PTE(get_p2m(d, l1_pfn + i),
                                      _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
    for (pfn = 0; pfn <= nr_pages; pfn++) {
        unsigned long va = pfn_to_va(d, pfn);
        l1_pgentry_t *l1 = pfn_to_hv(d, l1_pfn + l2_table_offset(va) - first_slot);
        unsigned long mfn = pfn < nr_pages ? get_p2m(d, pfn)
                                           : virt_to_mfn(d->shared_info);
        if (pfn >= guard_pfn && pfn < guard_pfn + GUARD_PAGES)
            continue;                   /* not present: the stack guard */
        l1[l1_table_offset(va)] = MAKE_PTE(mfn, _PAGE_PRESENT | _PAGE_RW);
    }
    d->pt_base_mfn = get_p2m(d, pd_pfn);

    /* 5. The frame list and start_info. */
    for (pfn = 0; pfn < nr_pages; pfn++) {
        unsigned long *list = pfn_to_hv(d, list_pfn + pfn / (PAGE_SIZE / sizeof(long)));
        list[pfn % (PAGE_SIZE / sizeof(long))] = get_p2m(d, pfn);
    }
    si = pfn_to_hv(d, si_pfn);
    strlcpy(si->magic, START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = nr_pages;
    si->shared_info = virt_to_mfn(d->shared_info) << PAGE_SHIFT;
    si->flags = d->domain_id == 0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
    si->pt_base = pfn_to_va(d, pd_pfn);
    si->nr_pt_frames = 1 + nr_l1;
    si->mfn_list = pfn_to_va(d, list_pfn);
    strlcpy((char *)si->cmd_line, d->cmdline, sizeof(si->cmd_line));
    si->domid = d->domain_id;
    si->shared_info_va = pfn_to_va(d, nr_pages);
    si->first_free_pfn = first_free;

    /* 6. What enter_guest needs. */
    d->entry = elf->entry;
    d->start_info_va = pfn_to_va(d, si_pfn);
    d->boot_stack_top = pfn_to_va(d, first_free);
    return 0;
    //@ stub
    //@ (void)elf; (void)image; (void)write_guest_va; (void)pfn_to_va;
    //@ EXERCISE_TODO(1, 4, "domain builder");
    //@ refuse_module(d, "cannot build the domain: LAB 1 exercise 4 (domain builder) is not done");
    //@ return -1;
    //@ end
}
