/*
 * hv/machine.c - ending the run, on either emulator (lab 1, given).
 *
 * QEMU: a write of N to the isa-debug-exit device (port 0xF4, added by the
 * runner) ends QEMU with exit status (N << 1) | 1.  Only that odd status
 * means "the hypervisor chose to stop": QEMU with -no-reboot also exits 0
 * on a triple fault.
 * Bochs: the string "Shutdown" written to port 0x8900 ends it (always with
 * status 1, so the grader reads `end status=N` on the result channel).
 * On real hardware neither port does anything, and we halt forever.
 */
#include <hv/lib.h>
#include <hv/x86.h>

void machine_exit(int status)
{
    const char *s = "Shutdown";

    cli();
    result("end status=%d", status);
    console_drain();
    outw(0xF4, (uint16_t)status);      /* QEMU: exits here           */
    while (*s)
        outb(0x8900, (uint8_t)*s++);   /* Bochs: exits here          */
    for (;;)
        halt();
}
