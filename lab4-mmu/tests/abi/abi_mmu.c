/*
 * tests/abi/abi_mmu.c - public/mmu.h is Xen 3.0's (lab 4).
 *
 * Numbers and layouts from Xen 3.0.2's xen/include/public/xen.h and
 * arch-x86_32.h (x86_32, no PAE): the MMU_* request types, the MMUEXT_*
 * commands, the UVMF_* flags, struct mmu_update (two 64-bit words) and
 * struct mmuext_op (12 bytes), the m2p's place and DOMID_XEN.  The
 * page_info hypercall (50) is Parakeet's own.  Compiled, never run, by
 * tools/abi-check (`make unit`).
 */
#include "abi.h"
#include <public/mmu.h>

ABI_CONST(MMU_NORMAL_PT_UPDATE, 0);
ABI_CONST(MMU_MACHPHYS_UPDATE, 1);
ABI_CONST(MMUEXT_PIN_L1_TABLE, 0);
ABI_CONST(MMUEXT_PIN_L2_TABLE, 1);
ABI_CONST(MMUEXT_PIN_L3_TABLE, 2);
ABI_CONST(MMUEXT_PIN_L4_TABLE, 3);
ABI_CONST(MMUEXT_UNPIN_TABLE, 4);
ABI_CONST(MMUEXT_NEW_BASEPTR, 5);
ABI_CONST(MMUEXT_TLB_FLUSH_LOCAL, 6);
ABI_CONST(MMUEXT_INVLPG_LOCAL, 7);
ABI_CONST(MMUEXT_TLB_FLUSH_MULTI, 8);
ABI_CONST(MMUEXT_INVLPG_MULTI, 9);
ABI_CONST(MMUEXT_TLB_FLUSH_ALL, 10);
ABI_CONST(MMUEXT_INVLPG_ALL, 11);
ABI_CONST(MMUEXT_FLUSH_CACHE, 12);
ABI_CONST(MMUEXT_SET_LDT, 13);
ABI_CONST(MMUEXT_NEW_USER_BASEPTR, 15);
ABI_CONST(UVMF_NONE, 0);
ABI_CONST(UVMF_TLB_FLUSH, 1);
ABI_CONST(UVMF_INVLPG, 2);
ABI_CONST(UVMF_FLUSHTYPE_MASK, 3);
ABI_CONST(UVMF_ALL, 4);
ABI_CONST(MACH2PHYS_VIRT_START, 0xFC000000UL);
ABI_CONST(MACH2PHYS_VIRT_END, 0xFC400000UL);
ABI_CONST(DOMID_XEN, 0x7FF2);
ABI_OWN(__HYPERVISOR_page_info, 50);

ABI_SIZE(struct mmu_update, 16);
ABI_OFFSET(struct mmu_update, ptr, 0);
ABI_OFFSET(struct mmu_update, val, 8);

ABI_SIZE(struct mmuext_op, 12);
ABI_OFFSET(struct mmuext_op, cmd, 0);
ABI_OFFSET(struct mmuext_op, arg1, 4);
ABI_OFFSET(struct mmuext_op, arg2, 8);
