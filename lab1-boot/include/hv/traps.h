/*
 * hv/traps.h - trap vectors, the trap-handler table and exception fixups
 * (lab 1).
 *
 * trap_dispatch() (hv/traps.c) is the C entry for every vector.  A lab adds
 * behaviour by registering a handler for a vector with
 * REGISTER_TRAP_HANDLER(vector, fn) (hv/hooks.h): the entry is placed in the
 * linker section .trap_handlers, and when two labs register the same vector
 * the higher lab wins, so a later lab can replace an earlier one's handler
 * without touching its file.
 */
#ifndef HV_TRAPS_H
#define HV_TRAPS_H

#include <hv/hooks.h>
#include <hv/x86.h>

#define TRAP_divide_error 0
#define TRAP_debug 1
#define TRAP_nmi 2
#define TRAP_int3 3
#define TRAP_overflow 4
#define TRAP_bounds 5
#define TRAP_invalid_op 6
#define TRAP_no_device 7
#define TRAP_double_fault 8
#define TRAP_copro_seg 9
#define TRAP_invalid_tss 10
#define TRAP_no_segment 11
#define TRAP_stack_error 12
#define TRAP_gp_fault 13
#define TRAP_page_fault 14
#define TRAP_spurious_int 15
#define TRAP_copro_error 16
#define TRAP_alignment_check 17
#define TRAP_machine_check 18
#define TRAP_simd_error 19
#define FIRST_IRQ_VECTOR 0x20 /* the 8259 PIC is remapped to 0x20..0x2F */
#define NR_IRQS 16

/* "#GP", "#PF", ... for messages. */
const char *trap_name(unsigned int vector);
/* Does the CPU push an error code for this vector? */
int trap_has_error_code(unsigned int vector);

void trap_dispatch(struct cpu_user_regs *regs);
/* Fill the IDT with the entry stubs (hv/entry.S) and load it. */
void init_idt(void);
/* The `tables` option: the resolved trap-handler table (hv/traps.c). */
void print_trap_table(void);

/*
 * Hooks: weak defaults in hv/traps.c that a later lab overrides.
 *  - do_guest_trap: an exception raised by a guest.  Lab 1 reports it and
 *    destroys the domain; lab 2 bounces it to the guest's own handler.
 *  - test_all_events: last thing before returning to a guest (lab 3
 *    delivers pending events here).
 */
void do_guest_trap(struct cpu_user_regs *regs);
void test_all_events(struct cpu_user_regs *regs);
/*
 *  - deliver_failsafe_callback: a guest's data segment selector could not
 *    be reloaded on the way back to it.  Lab 1 has no callbacks (returns
 *    0: the null selector is loaded instead); lab 3 bounces to the
 *    guest's failsafe callback, as Xen does, and returns 1.
 */
int deliver_failsafe_callback(struct cpu_user_regs *regs);

/* Given (hv/traps.c), called by hv/entry.S's exit-path fixups. */
void exit_segment_fault(struct cpu_user_regs *regs, unsigned int which);
void exit_iret_fault(struct cpu_user_regs *regs) __attribute__((noreturn));

/* Report a guest fault (domain, vector, error code, EIP, the bytes there). */
void report_guest_fault(struct cpu_user_regs *regs);

/* A fault in the hypervisor itself: registers, backtrace, end the run. */
void fatal_trap(struct cpu_user_regs *regs) __attribute__((noreturn));
/* Before every return to a guest: deliver its events, or run the next
 * domain if it ended (hv/traps.c; hv/entry.S calls it too). */
void guest_exit_work(struct cpu_user_regs *regs);
void show_registers(const struct cpu_user_regs *regs);

/*
 * Exception fixups (Linux's __ex_table): an instruction that may fault on a
 * guest address (copy_from_guest) is listed with the address to resume at.
 */
struct exception_table_entry {
    unsigned long insn, fixup;
};
unsigned long search_exception_table(unsigned long eip);

/* The 8259 PIC: remapped, all lines masked (lab 5 unmasks the timer). */
void init_pic(void);
void pic_unmask(unsigned int irq);
void pic_eoi(unsigned int irq);

#endif /* HV_TRAPS_H */
