/*
 * bench/native/entry.S - where the native benchmark kernel starts (issue
 * 17): a Multiboot header, so GRUB or QEMU's -kernel loads it on the bare
 * machine with no hypervisor, and the jump to native_main() in ring 0.
 * Traps use lab 2's guest/trap_entry.S unchanged, as the guest does.
 */
#include <common/virtual_wire.h>

        .set    MB_MAGIC, 0x1BADB002
        .set    MB_FLAGS, 0x00000003    /* page-aligned modules, memory map */

        .section .multiboot
        .align  4
        .long   MB_MAGIC
        .long   MB_FLAGS
        .long   -(MB_MAGIC + MB_FLAGS)  /* the three words sum to zero   */

        .text
        .globl  _start
_start:
        cli                             /* no interrupts until we say so  */
        movl    $boot_stack_top, %esp   /* a stack of our own             */
        pushl   %ebx                    /* native_main's 2nd argument: the
                                           Multiboot information (physical) */
        pushl   %eax                    /* its 1st: the loader's magic    */
        virtual_wire                    /* the PIC's IRQ 0 reaches the CPU,
                                           whatever the firmware did
                                           (common/virtual_wire.h)        */
        call    native_main             /* never returns                  */
1:      hlt
        jmp     1b

/*
 * IRQ 0 (the PIT), for the timer benchmark only: save the registers C may
 * change, call native_timer(), return.  A trap gate like the others:
 * native_timer() masks the line again before we return, and the PIT in
 * mode 0 interrupts once.  (Lab 2's trap_entry.S has stubs for the
 * exceptions and system calls only: a guest takes its timer as an
 * event, not a vector.)
 */
        .globl  native_timer_entry
native_timer_entry:
        pushl   %eax                    /* the registers a C call may     */
        pushl   %ecx                    /* change (cdecl: caller-saved)   */
        pushl   %edx                    /* ... all three of them          */
        call    native_timer            /* note the time, EOI, mask IRQ 0 */
        popl    %edx                    /* the interrupted code's values  */
        popl    %ecx                    /*   back, in reverse order       */
        popl    %eax
        iret                            /* to the instruction after sti's */

        .bss
        .align  16
boot_stack:
        .space  16384
boot_stack_top:
