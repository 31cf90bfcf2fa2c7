/*
 * guest/failsafe.h - a failsafe callback that records its frame, for the
 * test guests that make the hypervisor fail to reload a segment register
 * on the way back to the guest (lab 1's hostile.c, op=gdt-gs, once lab 3
 * brings set_callbacks; lab 4's desc.c, op=exit-gs).
 *
 * It defines the callback, so include it in one source file of a guest.
 * Register `failsafe_entry` with set_callbacks; failsafe_report() then
 * says what the hypervisor did.
 */
#ifndef GUEST_FAILSAFE_H
#define GUEST_FAILSAFE_H

#include <stdint.h>
#include <guest/lib.h>
#include <public/xen.h>

static volatile uint32_t failsafe_frame[7]; /* ds es fs gs eip cs eflags */
static volatile int failsafe_seen;

void failsafe_entry(void);
void failsafe_record(const uint32_t *frame);
void failsafe_record(const uint32_t *frame)
{
    unsigned int i;

    for (i = 0; i < 7; i++)
        failsafe_frame[i] = frame[i];
    failsafe_seen++;
}

/*
 * The failsafe callback: frame ds, es, fs, gs, eip, cs, eflags on our
 * stack, every data segment register null (the hypervisor could not load
 * ours): load ours before touching memory, record the frame, and go on
 * with the null selectors.
 */
#define FAILSAFE_STR_(x) #x
#define FAILSAFE_STR(x) FAILSAFE_STR_(x)
__asm__(".text\n"
        ".globl failsafe_entry\n"
        "failsafe_entry:\n\t"
        "pushal\n\t"                      /* save the general registers      */
        "movl $" FAILSAFE_STR(FLAT_KERNEL_DS) ", %eax\n\t"
        "movl %eax, %ds\n\t"              /* our data segment, for C         */
        "movl %eax, %es\n\t"
        "leal 32(%esp), %eax\n\t"         /* the frame, above pushal's 32 bytes */
        "pushl %eax\n\t"
        "call failsafe_record\n\t"
        "addl $4, %esp\n\t"               /* drop the argument               */
        "popal\n\t"                       /* the general registers back      */
        "addl $16, %esp\n\t"              /* drop ds..gs: keep the null ones */
        "iret\n");                        /* on at eip, with cs and eflags   */

/* Report %gs after the return (gs_after), whether the callback ran, and
 * the selectors it was handed: "<test>.gs after=..." and
 * "<test>.failsafe frame ...". */
static inline void failsafe_report(const char *test, uint16_t gs_after)
{
    report("%s.gs after=%#x failsafe_seen=%d", test, gs_after, failsafe_seen);
    if (failsafe_seen)
        report("%s.failsafe frame ds=%#lx es=%#lx fs=%#lx gs=%#lx cs=%#lx", test,
               (unsigned long)failsafe_frame[0] & 0xFFFF,
               (unsigned long)failsafe_frame[1] & 0xFFFF,
               (unsigned long)failsafe_frame[2] & 0xFFFF,
               (unsigned long)failsafe_frame[3] & 0xFFFF,
               (unsigned long)failsafe_frame[5] & 0xFFFF);
}

#endif /* GUEST_FAILSAFE_H */
