/*
 * tests/abi/abi_arch_x86_32.c - public/arch-x86_32.h is Xen 3.0's (lab 2).
 *
 * trap_info as in Xen 3.0.2's xen/include/public/arch-x86_32.h.
 * Compiled, never run, by tools/abi-check (`make unit`).
 */
#include "abi.h"
#include <public/arch-x86_32.h>

ABI_SIZE(struct trap_info, 8);
ABI_OFFSET(struct trap_info, vector, 0);
ABI_OFFSET(struct trap_info, flags, 1);
ABI_OFFSET(struct trap_info, cs, 2);
ABI_OFFSET(struct trap_info, address, 4);
ABI_SIZE(trap_info_t, 8);
