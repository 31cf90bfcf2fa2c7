/*
 * hv/x86.h - the processor: port I/O, control registers, EFLAGS, and the
 * frame every trap leaves on the hypervisor stack (lab 1).
 */
#ifndef HV_X86_H
#define HV_X86_H

#include <stddef.h>
#include <stdint.h>
#include <hv/entry.h>

#define X86_EFLAGS_RESERVED 0x00000002 /* bit 1 always reads as 1        */
#define X86_EFLAGS_TF 0x00000100       /* single-step trap                */
#define X86_EFLAGS_IF 0x00000200       /* interrupts enabled              */
#define X86_EFLAGS_IOPL 0x00003000     /* I/O privilege level             */
#define X86_EFLAGS_NT 0x00004000       /* nested task                     */
#define X86_EFLAGS_VM 0x00020000       /* virtual-8086 mode               */

#define X86_CR0_PE 0x00000001 /* protected mode                          */
#define X86_CR0_EM 0x00000004 /* emulate the FPU: x87 instructions #UD  */
#define X86_CR0_TS 0x00000008 /* task switched: lab 5's lazy FPU          */
#define X86_CR0_WP 0x00010000 /* write protect also binds rings 0-2       */
#define X86_CR0_PG 0x80000000 /* paging                                  */

/*
 * The trap frame: what entry.S saves on the hypervisor stack for every
 * exception, interrupt and hypercall, lowest address first.  The fields
 * from eip on were pushed by the CPU; esp and ss only when the trap came
 * from a less privileged ring (a guest).  Field names follow Xen's
 * cpu_user_regs; the order is Parakeet's own.
 */
struct cpu_user_regs {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint32_t ds;
    uint32_t es;
    uint32_t fs;
    uint32_t gs;
    uint32_t entry_vector; /* pushed by the vector's stub              */
    uint32_t error_code;   /* pushed by the CPU, or 0 by the stub       */
    uint32_t eip;
    uint32_t cs;
    uint32_t eflags;
    uint32_t esp; /* only valid when guest_mode(regs)                  */
    uint32_t ss;  /* only valid when guest_mode(regs)                  */
};

/* entry.S pushes the frame by the numbers in hv/entry.h: keep them equal. */
#define UREGS_CHECK(f)                                                     \
    _Static_assert(offsetof(struct cpu_user_regs, f) == UREGS_##f,         \
                   "hv/entry.h: UREGS_" #f " is not the offset of " #f)
UREGS_CHECK(ebx);
UREGS_CHECK(ecx);
UREGS_CHECK(edx);
UREGS_CHECK(esi);
UREGS_CHECK(edi);
UREGS_CHECK(ebp);
UREGS_CHECK(eax);
UREGS_CHECK(ds);
UREGS_CHECK(es);
UREGS_CHECK(fs);
UREGS_CHECK(gs);
UREGS_CHECK(entry_vector);
UREGS_CHECK(error_code);
UREGS_CHECK(eip);
UREGS_CHECK(cs);
UREGS_CHECK(eflags);
UREGS_CHECK(esp);
UREGS_CHECK(ss);
_Static_assert(sizeof(struct cpu_user_regs) == UREGS_SIZE,
               "hv/entry.h: UREGS_SIZE is not sizeof(struct cpu_user_regs)");

/* Did this trap interrupt a guest (ring 1 or 3) rather than the hypervisor? */
static inline int guest_mode(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) != 0;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline void write_cr0(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v));
}
static inline uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
/* Loading %cr3 switches address space and flushes the (non-global) TLB. */
static inline void write_cr3(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline uint32_t read_cr4(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static inline uint32_t read_eflags(void)
{
    uint32_t v;
    __asm__ volatile("pushfl; popl %0" : "=r"(v));
    return v;
}
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void invlpg(unsigned long va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif /* HV_X86_H */
