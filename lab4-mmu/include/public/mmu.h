/*
 * public/mmu.h - memory management, the guest ABI (lab 4).
 *
 * Names, numbers and layouts follow Xen 3.0.2 (x86_32, no PAE), where they
 * sit in public/xen.h and public/arch-x86_32.h:
 *
 *   hypercall  1  mmu_update(reqs, count, done, foreigndom)
 *   hypercall  2  set_gdt(frame_list, entries)
 *   hypercall 10  update_descriptor(ma_lo, ma_hi, desc_lo, desc_hi)
 *   hypercall 14  update_va_mapping(va, val_lo, val_hi, flags)
 *   hypercall 26  mmuext_op(ops, count, done, foreigndom)
 *
 * The numbers themselves are in public/xen.h (lab 1).  64-bit values
 * (a machine address, a descriptor) travel as two 32-bit registers, low
 * word first; without PAE the high word of a page-table entry must be 0.
 *
 * Parakeet's own: page_info (50), a read-only view of one frame's
 * reference counts for the tests and for students debugging (Xen keeps
 * 48-55 for architecture-specific hypercalls).
 *
 * Pinned by tests/abi/abi_mmu.c.
 */
#ifndef PUBLIC_MMU_H
#define PUBLIC_MMU_H

#include <public/xen.h>

/*
 * mmu_update: each request names a *machine address* and a new value.
 * The low 2 bits of ptr say what the address is (Xen's MMU_* commands):
 *   MMU_NORMAL_PT_UPDATE   ptr is the machine address of a page-table
 *                          entry (in an L1 or L2 the domain owns); val is
 *                          the new entry.
 *   MMU_MACHPHYS_UPDATE    ptr is a machine address in a frame the domain
 *                          owns; val is the pseudo-physical frame number
 *                          the machine-to-phys table records for it.
 */
#define MMU_NORMAL_PT_UPDATE 0
#define MMU_MACHPHYS_UPDATE 1
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* numbered by Xen; not implemented */

struct mmu_update {
    uint64_t ptr; /* machine address | MMU_* command in bits 0-1 */
    uint64_t val; /* new contents                                 */
};
typedef struct mmu_update mmu_update_t;

/* mmuext_op commands (Xen 3.0's numbers; the ones Parakeet implements). */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2 /* PAE / 64-bit only: -EINVAL here */
#define MMUEXT_PIN_L4_TABLE 3 /* 64-bit only: -EINVAL here       */
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8 /* one vCPU: -EINVAL here          */
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_NEW_USER_BASEPTR 15 /* 64-bit only */

struct mmuext_op {
    unsigned int cmd;
    union {
        unsigned long mfn;         /* PIN_*, UNPIN_TABLE, NEW_BASEPTR   */
        unsigned long linear_addr; /* INVLPG_LOCAL, SET_LDT             */
    } arg1;
    union {
        unsigned int nr_ents; /* SET_LDT: number of 8-byte entries   */
        void *vcpumask;       /* *_MULTI (not implemented)           */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

/* update_va_mapping flags: which TLB flush follows the update. */
#define UVMF_NONE 0
#define UVMF_TLB_FLUSH 1   /* flush the whole TLB                  */
#define UVMF_INVLPG 2      /* flush only this address              */
#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_MULTI 0       /* (x86_32: the vCPU mask goes in flags) */
#define UVMF_LOCAL 0       /* this vCPU only                        */
#define UVMF_ALL 4         /* every vCPU (one here)                 */

/*
 * The machine-to-phys table: entry MFN holds the pseudo-physical frame
 * number its owner gave that frame (MMU_MACHPHYS_UPDATE), or
 * INVALID_M2P_ENTRY.  Read-only to guests, at MACH2PHYS_VIRT_START
 * (public/xen.h), as in Xen 3.0.
 */
#define INVALID_M2P_ENTRY (~0UL)
#define machine_to_phys_mapping ((const unsigned long *)MACH2PHYS_VIRT_START)

/*
 * Parakeet: page_info(mfn, out) - one frame's bookkeeping, read-only.
 * Any domain may ask about any frame below max_page (the answer names the
 * owner; it never lets the caller touch the frame).  Returns 0, -EINVAL
 * for an MFN beyond the frame table, -EFAULT for a bad out pointer.
 */
#define __HYPERVISOR_page_info 50
/* page_info(PAGE_INFO_AUDIT, out): run the frame audit on the calling
 * domain now, quietly (no result line): returns how many problems it
 * found, 0 for none (the first few are printed on the console), and fills
 * only out->nr_free.  For fuzzers and tests that check the frame table
 * between hypercalls (lab4-mmu/tests/fuzz_mm.c). */
#define PAGE_INFO_AUDIT (~0UL)

struct parakeet_page_info {
    uint32_t count;      /* general references (count_info & count mask)  */
    uint32_t type;       /* PGT_* type, 0..7 (type_info >> 29)             */
    uint32_t type_count; /* references of that type                        */
    uint16_t owner;      /* domain id, or DOMID_XEN / DOMID_FREE below      */
    uint16_t flags;      /* PAGE_INFO_* below                              */
    uint32_t nr_free;    /* frames free in the whole machine, right now    */
};
#define PAGE_INFO_PINNED 1    /* PGT_pinned                         */
#define PAGE_INFO_VALIDATED 2 /* PGT_validated                      */
#define PAGE_INFO_ALLOCATED 4 /* PGC_allocated                      */

#define PAGE_TYPE_NONE 0
#define PAGE_TYPE_L1 1
#define PAGE_TYPE_L2 2
#define PAGE_TYPE_SEG_DESC 5
#define PAGE_TYPE_WRITABLE 7

#define DOMID_FREE ((domid_t)0x7FF4) /* Parakeet: the frame is free   */
#define DOMID_XEN ((domid_t)0x7FF2)  /* the hypervisor's own frame    */

#endif /* PUBLIC_MMU_H */
