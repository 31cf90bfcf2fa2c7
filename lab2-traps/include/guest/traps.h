/*
 * guest/traps.h - the guest kernel's side of trap virtualisation (lab 2):
 * its trap table, its handlers, its kernel stack for traps from ring 3,
 * and a way into ring 3 and back.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <guest/lib.h>
#include <public/arch-x86_32.h>

/* The frame guest/trap_entry.S builds; the CPU-pushed part starts at eip. */
struct trap_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax; /* pushal */
    uint32_t vector;
    uint32_t error_code; /* the CPU's, or 0 pushed by the stub */
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;    /* only when the trap came from ring 3 */
};
/* trap_entry.S relies on this layout: pushal's eight registers, then the
 * vector and error code it drops with `addl $8, %esp`, then the CPU's. */
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 8 * 4,
               "struct trap_frame: vector must follow pushal's 8 registers");
_Static_assert(__builtin_offsetof(struct trap_frame, eip) == 10 * 4,
               "struct trap_frame: eip must follow the vector and error code");

/* A handler returns normally to resume at frame->eip (which it may change). */
typedef void (*trap_callback_t)(struct trap_frame *f);

static inline long HYPERVISOR_set_trap_table(const trap_info_t *table)
{
    return _hypercall1(__HYPERVISOR_set_trap_table, table);
}
static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp)
{
    return _hypercall2(__HYPERVISOR_stack_switch, ss, esp);
}
static inline long HYPERVISOR_set_fast_trap(unsigned long vector)
{
    return _hypercall1(__HYPERVISOR_set_fast_trap, vector);
}

#define SYSCALL_VECTOR 0x80
/* The kernel stack traps_init registers with stack_switch (traps from ring 3). */
#define TRAP_STACK_SIZE 8192
extern uint8_t trap_stack[TRAP_STACK_SIZE];
#define SYSCALL_VECTOR_SLOW 0x81 /* no direct gate: through the hypervisor */
#define GUEST_VIRT_BASE 0xC0000000UL /* guest.ld links us here: pfn 0 */

/*
 * Register handlers for vectors 0-19, SYSCALL_VECTOR and SYSCALL_VECTOR_SLOW
 * and a kernel stack
 * for traps from ring 3: returns 0 or the first failing hypercall's error.
 * Then ask for the direct system-call gate.  The gate is only a shortcut -
 * without it int $0x80 still reaches us, bounced by the hypervisor - so its
 * failure is not fatal: the result is left in fast_trap_status (0 = the
 * gate is installed).
 */
long traps_init(void);
extern long fast_trap_status;
void set_trap_callback(unsigned int vector, trap_callback_t fn);
/* The last trap seen, for tests. */
extern struct trap_frame last_trap;
extern unsigned long nr_guest_traps;
/* %cr2 of the last page fault, from shared_info (the hypervisor puts it there). */
unsigned long guest_cr2(void);

/*
 * Ring 3: mark [__user_start, __user_end) user-accessible in our page
 * tables, then run entry() in ring 3 on stack user_esp until it makes the
 * SYS_exit system call; returns the exit code.
 */
int enter_user(void (*entry)(void), unsigned long user_esp);
void return_from_user(int code) __attribute__((noreturn));
/* A system-call handler for programs that only exit: SYS_exit makes
 * enter_user return its code, any other number gets -ENOSYS (38). */
void exit_only_syscall(struct trap_frame *f);
int make_user_pages(void);

/* System calls (int $0x80, number in %eax, arguments in %ebx %ecx %edx). */
#define SYS_exit 1
#define SYS_check 2
#define SYS_report 3

/* For code in .user.text: must be inlined, the kernel's text is not user-accessible. */
#define USER_FN __attribute__((section(".user.text"), noinline))
#define USER_DATA __attribute__((section(".user.data")))
static inline __attribute__((always_inline)) long user_syscall3(long nr, long a,
                                                                long b, long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory");
    return ret;
}

#endif /* GUEST_TRAPS_H */
