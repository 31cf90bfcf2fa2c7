/*
 * guest/trap_entry.S - the guest kernel's trap entry points (lab 2, given).
 *
 * The hypervisor (or, for the system call, the CPU itself through the
 * direct gate) enters these in ring 1 with the hardware frame on our
 * stack: [error code] eip cs eflags [esp ss].  Like the hypervisor's own
 * entry.S, each stub makes the frame uniform (a 0 where the CPU pushed no
 * error code, then the vector), and guest_trap_common saves the registers
 * and calls guest_trap(struct trap_frame *) in C.  Which vectors come
 * with an error code is the hypervisor's list too: common/x86_traps.h.
 * Selectors are the public ABI's names (public/xen.h), never numbers.
 */
#include <common/x86_traps.h>   /* X86_TRAP_HAS_ERRCODE                 */
#include <public/xen.h>         /* FLAT_USER_CS, FLAT_KERNEL_DS, ...     */

        .text
/* guest_trap_N for the 20 exceptions and the system calls (0x80, 0x81). */
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,128,129
        .globl  guest_trap_\n
guest_trap_\n:
        .if     X86_TRAP_HAS_ERRCODE(\n) == 0
        pushl   $0                      /* no error code: push a 0 instead */
        .endif
        pushl   $\n                     /* the vector                     */
        jmp     guest_trap_common
        .endr

guest_trap_common:
        pushal                          /* eax..edi, see struct trap_frame */
        pushl   %esp                    /* argument: the frame             */
        call    guest_trap
        addl    $4, %esp
        popal                           /* a handler may have changed eax  */
        addl    $8, %esp                /* vector and error code           */
        iret                            /* back to ring 1 or ring 3        */

/*
 * int enter_user(void (*entry)(void), unsigned long user_esp)
 * Save our callee-saved registers and stack pointer, then "return" to
 * ring 3 with iret: ss, esp, eflags, cs, eip of the user program.
 */
        .globl  enter_user_asm
enter_user_asm:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, saved_kernel_esp
        movl    20(%esp), %eax          /* entry                          */
        movl    24(%esp), %ecx          /* user_esp                       */
        pushl   $FLAT_USER_SS           /* ring 3's stack segment         */
        pushl   %ecx
        pushfl
        pushl   $FLAT_USER_CS           /* ring 3's code segment          */
        pushl   %eax
        movl    $FLAT_USER_DS, %edx     /* user data segments             */
        movl    %edx, %ds
        movl    %edx, %es
        iret

/*
 * void return_from_user(int code): called in ring 1 from the SYS_exit
 * handler; abandon the trap stack and return `code` from enter_user.
 */
        .globl  return_from_user
return_from_user:
        movl    4(%esp), %eax
        movl    saved_kernel_esp, %esp
        movl    $FLAT_KERNEL_DS, %edx   /* back to the kernel's data      */
        movl    %edx, %ds
        movl    %edx, %es
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

        .data
saved_kernel_esp:
        .long   0
