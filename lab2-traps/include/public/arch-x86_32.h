/*
 * public/arch-x86_32.h - the trap table a guest registers (lab 2).
 * Layout and names as Xen's trap_info (xen/include/public/arch-x86_32.h).
 */
#ifndef PUBLIC_ARCH_X86_32_H
#define PUBLIC_ARCH_X86_32_H

#include <stdint.h>

/*
 * One entry of the table passed to set_trap_table: "deliver `vector` to
 * cs:address".  The low two bits of flags are the least privileged ring
 * that may raise the vector with `int n` (as a gate's DPL: 3 lets
 * applications use it, 1 only the guest kernel).  An entry whose address
 * is 0 ends the table.
 */
struct trap_info {
    uint8_t vector;
    uint8_t flags;          /* 0-1: privilege level for `int n`         */
    uint16_t cs;            /* code selector: ring 1 (or 3), never 0    */
    unsigned long address;  /* handler                                  */
};
typedef struct trap_info trap_info_t;

#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_SET_DPL(ti, dpl) ((ti)->flags = ((ti)->flags & ~3) | ((dpl) & 3))

#endif /* PUBLIC_ARCH_X86_32_H */
