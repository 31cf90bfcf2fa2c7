/*
 * hv/mm.h - machine frames, the frame table and page-table entries (lab 1).
 *
 * Words: a *machine frame* (MFN) is a 4 KiB page of real memory; a guest's
 * *pseudo-physical frame* (PFN) is its own numbering 0..nr_pages-1 of the
 * frames it was given.  The builder's p2m table maps PFN -> MFN.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <stdint.h>
#include <hv/config.h>
#include <hv/list.h>

struct domain;

/*
 * One entry per machine frame, indexed by MFN: who owns the frame and, from
 * lab 4, what it is used as.  Xen's struct page_info, cut to what we use.
 */
struct page_info {
    struct list_head list; /* lab 1: on the free list or the owner's page_list */
    struct domain *owner;  /* lab 1: NULL while free or the hypervisor's      */
    uint32_t count_info;   /* lab 1: PGC_* flags; lab 4: general refcount     */
    uint32_t type_info;    /* lab 4: PGT_* type and type reference count      */
};

#define PGC_allocated (1U << 31) /* lab 1: handed out by alloc_frame      */
#define PGC_reserved (1U << 30)  /* lab 1: never free (firmware, hv, ...)  */
#define PGC_count_mask 0x0FFFFFFFU /* lab 4: reference count              */

extern struct page_info frame_table[MAX_FRAMES];
extern unsigned long max_page; /* frames below this have a frame_table entry */

#define INVALID_MFN (~0UL)

static inline struct page_info *mfn_to_page(unsigned long mfn)
{
    return &frame_table[mfn];
}
static inline unsigned long page_to_mfn(const struct page_info *pg)
{
    return (unsigned long)(pg - frame_table);
}
static inline void *mfn_to_virt(unsigned long mfn)
{
    return __va(mfn << PAGE_SHIFT);
}
static inline unsigned long virt_to_mfn(const void *va)
{
    return __pa(va) >> PAGE_SHIFT;
}

/* Exercise 1 (hv/page_alloc.c): the machine frame allocator. */
struct boot_info;
void init_frame_allocator(const struct boot_info *bi);
unsigned long alloc_frame(void);     /* a zeroed frame, or INVALID_MFN     */
void free_frame(unsigned long mfn);
int fault_inject_frame(void);        /* failframe=N: hv/fault_inject.c     */
unsigned long nr_free_frames(void);

/* Given wrappers in the Xen style (hv/page_alloc.c). */
struct page_info *alloc_domheap_page(struct domain *d); /* counted to d */
void free_domheap_page(struct page_info *pg);
void *alloc_xenheap_page(void); /* hypervisor-owned, direct-map address */
void free_xenheap_page(void *va);

/* Two-level non-PAE page tables. */
typedef uint32_t l1_pgentry_t; /* page-table entry (PTE)               */
typedef uint32_t l2_pgentry_t; /* page-directory entry (PDE)           */
#define L1_PAGETABLE_ENTRIES 1024
#define L2_PAGETABLE_ENTRIES 1024
#define L1_PAGETABLE_SHIFT 12
#define L2_PAGETABLE_SHIFT 22
#define l1_table_offset(va) (((va) >> L1_PAGETABLE_SHIFT) & 1023)
#define l2_table_offset(va) (((va) >> L2_PAGETABLE_SHIFT) & 1023)

#define _PAGE_PRESENT 0x001
#define _PAGE_RW 0x002
#define _PAGE_USER 0x004
#define _PAGE_PWT 0x008
#define _PAGE_PCD 0x010
#define _PAGE_ACCESSED 0x020
#define _PAGE_DIRTY 0x040
#define _PAGE_PSE 0x080
#define _PAGE_GLOBAL 0x100

#define PTE_MFN(e) ((e) >> PAGE_SHIFT)
#define MAKE_PTE(mfn, flags) (((uint32_t)(mfn) << PAGE_SHIFT) | (flags))

/* First PDE index of the hypervisor's region: 0xFC000000 >> 22 = 1008
 * (the read-only m2p; the direct map is 1009-1022, per-domain 1023). */
#define HV_L2_FIRST_SLOT l2_table_offset(HYPERVISOR_VIRT_START)

/* The hypervisor's own page directory, built by boot.S. */
extern l2_pgentry_t idle_pg_table[L2_PAGETABLE_ENTRIES];

/*
 * The machine-to-phys table (hv/m2p.c): for each machine frame, the pfn
 * its owner knows it by, or INVALID_M2P_ENTRY.  Guests read it at
 * MACH2PHYS_VIRT_START; the hypervisor writes it only through these.
 * set_p2m() (hv/domain.c) records both directions; whoever frees a
 * domain's frame writes INVALID_M2P_ENTRY first (lab 1's weak
 * domain_relinquish_resources does).  The value is public/mmu.h's.
 */
#define INVALID_M2P_ENTRY (~0UL)
extern unsigned long rdwr_mpt[MAX_FRAMES];
void init_m2p(void);

static inline void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
    if (mfn < MAX_FRAMES)
        rdwr_mpt[mfn] = pfn;
}
static inline unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    return mfn < MAX_FRAMES ? rdwr_mpt[mfn] : INVALID_M2P_ENTRY;
}

#endif /* HV_MM_H */
