/*
 * tests/hvwrite.c - a guest that writes into the hypervisor (lab 1).
 * It writes to the first byte of the hypervisor's code, at 0xFC100000.
 * Its data segment ends at 0xFBFFFFFF, so the write must raise #GP and
 * the domain must be destroyed; the hypervisor's integrity check then
 * proves nothing changed.  (QEMU's TCG does not check data-segment limits:
 * on QEMU the write succeeds - see the lab 1 handout.)
 */
#include <guest/lib.h>

int main(void)
{
    volatile unsigned char *hv_text = (unsigned char *)0xFC100000UL;
    extern char hole_write[];

    report("hole.write eip=%#lx", (unsigned long)hole_write);
    __asm__ volatile(".globl hole_write\nhole_write: movb $0xCC, (%0)"
                     : : "r"(hv_text) : "memory");
    report("hole.survived=1");
    return 0;
}
