/*
 * hv/m2p.c - the machine-to-phys table (lab 1, given; lab 4 lets a guest
 * update its entries with mmu_update's MMU_MACHPHYS_UPDATE).
 *
 * A domain's p2m table (hv/domain.c) answers "which machine frame is my
 * pfn?".  The m2p answers the reverse for every machine frame: the pfn
 * its owner calls it, or INVALID_M2P_ENTRY when no domain owns it.  A
 * guest needs the reverse as soon as it reads its own page tables, whose
 * entries hold machine frame numbers (lab 4).
 *
 * One table, two views, as in Xen 3.0:
 *   - the hypervisor writes rdwr_mpt[], an array in its own .bss, hence
 *     reached through the direct map like any of its data;
 *   - every address space maps the same frames read-only at
 *     RO_MPT_VIRT_START (PDE slot 1008: present, not writable, not user).
 *     The guest segments end at MACH2PHYS_VIRT_END - 1, so a ring-1 guest
 *     kernel reads machine_to_phys_mapping[mfn] in one instruction, and a
 *     write to it is a page fault (CR0.WP makes read-only bind ring 1).
 *     Ring 3 cannot read it (no _PAGE_USER).
 * Only the first M2P_PAGES pages of the 4 MiB slot are mapped: one entry
 * per frame the hypervisor manages (MAX_FRAMES); beyond them, not present.
 */
#include <hv/lib.h>
#include <hv/mm.h>

/* 4 bytes per frame: 14336 frames fill 14 pages. */
#define M2P_PAGES ((MAX_FRAMES * sizeof(unsigned long) + PAGE_SIZE - 1) >> PAGE_SHIFT)

unsigned long rdwr_mpt[MAX_FRAMES] __attribute__((aligned(PAGE_SIZE)));

/* The hypervisor's page table for slot 1008, shared by every address space. */
static l1_pgentry_t ro_mpt_l1[L1_PAGETABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

_Static_assert(M2P_PAGES <= L1_PAGETABLE_ENTRIES, "the m2p must fit in one slot");
_Static_assert(RO_MPT_VIRT_END == DIRECTMAP_VIRT_START,
               "the direct map starts right after the m2p (hv/config.h)");
_Static_assert(l2_table_offset(RO_MPT_VIRT_START) == HV_L2_FIRST_SLOT,
               "the m2p is the hypervisor's first slot, 1008");

/*
 * Called by start_hypervisor() before any domain exists and before it
 * reloads %cr3 (which flushes the TLB): every frame starts unowned, and
 * slot 1008 of idle_pg_table - copied into every guest page directory by
 * the domain builder - maps the table read-only.  _PAGE_ACCESSED (and
 * _PAGE_DIRTY) are set in advance so the processor never writes these
 * entries: a copy in a guest's page directory stays bit-for-bit equal to
 * idle_pg_table's, which lab 4's validation compares.
 */
void init_m2p(void)
{
    unsigned long i;

    for (i = 0; i < MAX_FRAMES; i++)
        rdwr_mpt[i] = INVALID_M2P_ENTRY;
    for (i = 0; i < M2P_PAGES; i++)
        ro_mpt_l1[i] = MAKE_PTE(virt_to_mfn((const char *)rdwr_mpt + i * PAGE_SIZE),
                                _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY);
    idle_pg_table[l2_table_offset(RO_MPT_VIRT_START)] =
        MAKE_PTE(virt_to_mfn(ro_mpt_l1), _PAGE_PRESENT | _PAGE_ACCESSED);
}
