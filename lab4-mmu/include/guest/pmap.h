/*
 * guest/pmap.h - the guest kernel's memory management (lab 4, given: the
 * "port").  From lab 4 on the hypervisor no longer lets a guest write its
 * own page tables: they are mapped read-only, and every change goes
 * through a hypercall that validates it.  This is the guest's side of
 * that bargain:
 *
 *   - translations between the guest's pseudo-physical frames (pfns, 0 ..
 *     nr_pages-1, mapped one after another from 0xC0000000) and machine
 *     frames (mfns): start_info's frame list gives pfn -> mfn, the
 *     hypervisor's read-only machine-to-phys table gives mfn -> pfn;
 *   - a small allocator of the pfns the bootstrap did not use;
 *   - a queue of mmu_update requests, sent in one hypercall when it is
 *     full, before a switch of address space, before returning to ring 3,
 *     or when asked (pmap_flush): every trap into the hypervisor costs,
 *     so we pay once per batch instead of once per entry;
 *   - address spaces for ring-3 programs: built from free pfns, pinned,
 *     switched to (NEW_BASEPTR), destroyed;
 *   - demand paging: a page-fault handler that gives a ring-3 program a
 *     zero-filled page on its first touch of its heap or stack, and kills
 *     it on any other fault.
 *
 * The hypercall wrappers for lab 4's five hypercalls are here too.
 */
#ifndef GUEST_PMAP_H
#define GUEST_PMAP_H

#include <guest/traps.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>

/* ---- hypercalls (argument order: public/mmu.h) ---- */

static inline long HYPERVISOR_mmu_update(mmu_update_t *reqs, unsigned int count,
                                         unsigned int *done, domid_t foreigndom)
{
    return _hypercall5(__HYPERVISOR_mmu_update, (unsigned long)reqs, count,
                       (unsigned long)done, foreigndom, 0);
}
static inline long HYPERVISOR_mmuext_op(mmuext_op_t *ops, unsigned int count,
                                        unsigned int *done, domid_t foreigndom)
{
    return _hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)ops, count,
                       (unsigned long)done, foreigndom, 0);
}
/* A page-table entry without PAE is 32 bits: the high word is always 0. */
static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint32_t val,
                                                unsigned long flags)
{
    return _hypercall5(__HYPERVISOR_update_va_mapping, va, val, 0, flags, 0);
}
static inline long HYPERVISOR_update_descriptor(uint64_t ma, uint64_t desc)
{
    return _hypercall5(__HYPERVISOR_update_descriptor, (uint32_t)ma,
                       (uint32_t)(ma >> 32), (uint32_t)desc, (uint32_t)(desc >> 32), 0);
}
static inline long HYPERVISOR_set_gdt(unsigned long *frames, unsigned int entries)
{
    return _hypercall5(__HYPERVISOR_set_gdt, (unsigned long)frames, entries, 0, 0, 0);
}
static inline long HYPERVISOR_page_info(unsigned long mfn, struct parakeet_page_info *out)
{
    return _hypercall5(__HYPERVISOR_page_info, mfn, (unsigned long)out, 0, 0, 0);
}
/* One mmuext_op: cmd with its one argument (an mfn or an address). */
long mmuext(unsigned int cmd, unsigned long arg);

/* ---- page-table entries (x86, two levels, no PAE) ---- */

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define _PAGE_PRESENT 0x001
#define _PAGE_RW 0x002
#define _PAGE_USER 0x004
#define _PAGE_ACCESSED 0x020
#define _PAGE_DIRTY 0x040
#define _PAGE_PSE 0x080
#define L1_INDEX(va) (((va) >> 12) & 1023)
#define L2_INDEX(va) ((va) >> 22)
#define PTE_MFN(e) ((e) >> PAGE_SHIFT)
#define MAKE_PTE(mfn, flags) (((uint32_t)(mfn) << PAGE_SHIFT) | (flags))
/* The page directory's first slot that belongs to the hypervisor (1008). */
#define HV_FIRST_SLOT L2_INDEX(HYPERVISOR_VIRT_START)

/* ---- translations ---- */

#define PFN_NONE (~0UL)

/* The kernel reaches pfn at GUEST_VIRT_BASE + pfn * PAGE_SIZE (lab 1's builder). */
static inline void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(GUEST_VIRT_BASE + (pfn << PAGE_SHIFT));
}
static inline unsigned long virt_to_pfn(const void *va)
{
    return ((unsigned long)va - GUEST_VIRT_BASE) >> PAGE_SHIFT;
}
/* pfn -> mfn: start_info's frame list (the builder's, ours to read). */
static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
    return ((const unsigned long *)start_info->mfn_list)[pfn];
}
/* mfn -> pfn: the hypervisor's machine-to-phys table, read-only to us. */
static inline unsigned long mfn_to_pfn(unsigned long mfn)
{
    return machine_to_phys_mapping[mfn];
}
static inline unsigned long virt_to_mfn(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

/* ---- free pfns ---- */

void pmap_init(void);          /* call once, first */
unsigned long pfn_alloc(void); /* a free pfn, or PFN_NONE */
void pfn_free(unsigned long pfn);
unsigned long nr_free_pfns(void);

/* ---- the update queue ---- */

#define PMAP_QUEUE_LEN 128 /* Xen's Linux 2.4 port queued 128 too */

/* Queue "entry at machine address ma := val" (MMU_NORMAL_PT_UPDATE). */
long queue_pt_update(uint64_t ma, uint32_t val);
/* Queue "machine-to-phys[mfn] := pfn" (MMU_MACHPHYS_UPDATE). */
long queue_machphys_update(unsigned long mfn, unsigned long pfn);
/* Send what is queued: 0, or the hypervisor's error (the requests it did
 * not do are dropped; pmap_last_done says how many it did). */
long pmap_flush(void);
/* Batching off: every request is sent on its own, at once (for comparison). */
void pmap_set_batching(int on);
extern unsigned long pmap_hypercalls; /* lab 4 hypercalls pmap has made */
extern unsigned int pmap_last_done;   /* requests done by the last flush */

/* Machine address of the page-table entry that maps kernel address va in
 * the kernel's (bootstrap) tables, which every address space shares. */
uint64_t kernel_pte_ma(unsigned long va);
uint32_t kernel_pte(unsigned long va);
/* Queue a change to the kernel's mapping of pfn: read-only (before the
 * frame may become a page table) or writable again (after). */
long kernel_map_pfn(unsigned long pfn, int writable);

/* ---- address spaces ---- */

/* Ring-3 programs live in one 4 MiB region with an L1 of its own per space. */
#define USER_VIRT_BASE 0x40000000UL
#define USER_VIRT_END (USER_VIRT_BASE + (1UL << 22))

struct aspace {
    unsigned long l2_pfn; /* the page directory: pinned while the space lives */
    unsigned long l1_pfn; /* the L1 that maps [USER_VIRT_BASE, USER_VIRT_END) */
};

/* Build an empty space: the kernel's mappings shared, nothing in the user
 * region; pinned.  0 or a negative error (nothing left allocated). */
long aspace_create(struct aspace *as);
/* Queue: map pfn at user address va (flags _PAGE_RW etc.; PRESENT and
 * USER are added), or unmap it. */
long aspace_map(struct aspace *as, unsigned long va, unsigned long pfn, uint32_t flags);
long aspace_unmap(struct aspace *as, unsigned long va);
/* The entry that maps user address va (0 if none); the L1 is readable. */
uint32_t aspace_pte(const struct aspace *as, unsigned long va);
/* How many pages of [USER_VIRT_BASE, USER_VIRT_END) as maps. */
unsigned int aspace_mapped_pages(const struct aspace *as);
/* Flush the queue, then load as's page directory (NEW_BASEPTR). */
long aspace_switch(struct aspace *as);
/* Back to the bootstrap page directory. */
long aspace_switch_kernel(void);
/* Switch away if current, unpin, give every frame back: 0 or an error. */
long aspace_destroy(struct aspace *as);
/* Copy every page of from's user region into fresh frames mapped in to. */
long aspace_copy(struct aspace *to, const struct aspace *from);
extern struct aspace *current_aspace; /* NULL: the bootstrap tables */

/* ---- demand paging for ring-3 programs ---- */

/* Install the page-fault handler.  Faults of ring-3 programs that touch an
 * unmapped page of [heap_start, heap_end) or [stack_lo, USER_VIRT_END)
 * get a zero page; any other fault from ring 3 kills the program:
 * enter_user returns DEMAND_KILLED.  Ring-1 faults go to kernel_fault if
 * set (it returns 1 when it handled the fault), else crash the domain. */
void demand_paging_init(unsigned long heap_start, unsigned long heap_end,
                        unsigned long stack_lo);
#define DEMAND_KILLED (-14)
extern int (*kernel_fault)(struct trap_frame *f, unsigned long cr2);
struct demand_stats {
    unsigned long faults;   /* zero pages mapped */
    unsigned long kills;    /* programs killed */
    unsigned long kill_va;  /* the address of the last kill's fault */
    unsigned long kill_err; /* its error code */
};
extern struct demand_stats demand_stats;

/* Run entry() in ring 3 on stack user_esp in the current space, with the
 * queue flushed first; returns the program's exit code. */
int pmap_enter_user(void (*entry)(void), unsigned long user_esp);

/* ---- for tests: the hypervisor's view (hypercall 50) ---- */

/* Report "TAG type=T type_count=N count=N pinned=0|1 validated=0|1
 * owner=self|xen|free|other" for frame mfn. */
long report_frame(const char *tag, unsigned long mfn);
/* Frames free in the whole machine (~0UL if page_info fails). */
unsigned long hv_free_frames(void);
/* Frames this domain owns (~0UL if page_info fails): unlike the free
 * count, no other domain moves it, even when domains run side by side. */
unsigned long hv_owned_frames(void);

#endif /* GUEST_PMAP_H */
