/*
 * tests/hvwrite.c - a guest that writes into the hypervisor (lab 1).
 * By default it writes to 0xFC500000: the hypervisor's image as the
 * direct map sees it (its Multiboot page, just before its code), which
 * the hypervisor's integrity checksum covers.  `at=ADDR` writes there
 * instead (the hole test also tries 0xFC400000, the first byte of the
 * direct map).  The data segment ends at 0xFC3FFFFF (the read-only
 * machine-to-phys table below it is readable), so the write must raise
 * #GP and the domain must be destroyed; the integrity check then proves
 * nothing changed.  (QEMU's TCG does not check data-segment limits: on
 * QEMU the write succeeds and the integrity check reports it - see the
 * lab 1 handout.)
 */
#include <guest/lib.h>

int main(void)
{
    const char *at = cmdline_option("at");
    volatile unsigned char *target =
        (unsigned char *)(at ? strtoul(at, NULL, 0) : 0xFC500000UL);
    extern char hole_write[];

    report("hole.write at=%#lx eip=%#lx", (unsigned long)target, (unsigned long)hole_write);
    __asm__ volatile(".globl hole_write\nhole_write: movb $0xCC, (%0)"
                     : : "r"(target) : "memory");
    report("hole.survived=1");
    return 0;
}
