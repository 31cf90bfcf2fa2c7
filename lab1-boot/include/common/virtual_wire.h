/*
 * common/virtual_wire.h - let the 8259 PIC's interrupts reach the CPU
 * (lab 1, given; used by hv/boot.S and by make bench's native kernel).
 *
 * Parakeet, and the native benchmark kernel, take every interrupt from
 * the 8259 PICs.  On a CPU with a local APIC the PIC's INTR output reaches
 * the CPU through the APIC's LINT0 pin, and only if LINT0 is programmed as
 * ExtINT - "virtual wire" mode, in the MultiProcessor Specification's
 * words.  After a reset LINT0 is masked.  SeaBIOS and Bochs's BIOS set
 * virtual wire mode before they boot anything; QEMU's minimal qboot
 * firmware, which the grader boots QEMU with, does not.  So the kernel
 * sets it itself and works whatever the firmware did.
 *
 * An assembler macro, because it must run before paging is on: the APIC's
 * registers are then at their physical address.  Clobbers %eax, %ebx,
 * %ecx and %edx (cpuid, rdmsr).
 */
#ifndef COMMON_VIRTUAL_WIRE_H
#define COMMON_VIRTUAL_WIRE_H

#ifdef __ASSEMBLER__
/* Assembler, which clang-format would take for C: */
/* clang-format off */

#define CPUID_1_EDX_APIC (1 << 9)  /* CPUID leaf 1, %edx: has a local APIC */
#define MSR_IA32_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1 << 11) /* the APIC's global enable, in that MSR */
#define APIC_SVR 0xF0              /* spurious-interrupt vector register */
#define APIC_SVR_ENABLE 0x100      /* ... its software-enable bit */
#define APIC_LVT_LINT0 0x350       /* LINT0's local vector table entry */
#define APIC_DM_EXTINT 0x700       /* delivery mode ExtINT; mask bit 0 */

.macro  virtual_wire
        movl    $1, %eax
        cpuid                           /* leaf 1: feature flags in %edx    */
        testl   $CPUID_1_EDX_APIC, %edx
        jz      9f                      /* no local APIC: INTR goes direct  */
        movl    $MSR_IA32_APIC_BASE, %ecx
        rdmsr                           /* %eax: the APIC's base and flags  */
        testl   $APIC_BASE_ENABLE, %eax
        jz      9f                      /* APIC off: INTR goes direct       */
        andl    $0xFFFFF000, %eax       /* the registers' physical page     */
        /* Software-enable the APIC (a disabled one keeps LINT0 masked),
         * spurious vector 0xFF; then LINT0: ExtINT, unmasked. */
        movl    $(APIC_SVR_ENABLE | 0xFF), APIC_SVR(%eax)
        movl    $APIC_DM_EXTINT, APIC_LVT_LINT0(%eax)
9:
.endm

/* clang-format on */
#endif /* __ASSEMBLER__ */
#endif /* COMMON_VIRTUAL_WIRE_H */
