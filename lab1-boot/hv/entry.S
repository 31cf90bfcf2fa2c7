/*
 * hv/entry.S - the way into and out of the hypervisor (lab 1, given).
 *
 * Every one of the 256 vectors has a tiny stub that makes the stack look
 * the same for all of them: if the CPU pushed no error code, the stub
 * pushes a 0 in its place, then every stub pushes its vector number.
 * common_trap then saves the general and segment registers, so the stack
 * holds a complete `struct cpu_user_regs` (hv/x86.h), and calls
 * trap_dispatch(regs) in C.  restore_all undoes it and irets.
 *
 * A trap from a guest (ring 1 or 3) switches to the stack in the TSS
 * (ss0:esp0 = the top of hv_stack), so a guest's frame always sits at the
 * very top of hv_stack: that is guest_cpu_user_regs().
 */
#include <common/x86_traps.h>  /* X86_TRAP_HAS_ERRCODE: the one list   */
#include <hv/config.h>
#include <hv/desc.h>
#include <hv/entry.h>           /* UREGS_SIZE, TRAP_STUB_SIZE           */

#define REGS_SIZE UREGS_SIZE    /* sizeof(struct cpu_user_regs) */

        .text

/* One stub per vector; .rept with a counter generates all 256. */
        .globl  trap_stubs_start
        .align  TRAP_STUB_SIZE
trap_stubs_start:
        vector = 0
        .rept   256
        stub = .                        /* where this vector's stub starts  */
        .if     X86_TRAP_HAS_ERRCODE(vector) == 0
        pushl   $0                      /* fake error code                  */
        .endif
        pushl   $vector
        jmp     common_trap
        .org    stub + TRAP_STUB_SIZE, 0x90 /* pad with nops; an error if   */
                                        /* the stub is longer than that     */
        vector = vector + 1
        .endr

common_trap:
        /* Push in the reverse order of struct cpu_user_regs. */
        pushl   %gs                     /* pushing a segment register may   */
        pushl   %fs                     /* leave the upper 16 bits of the   */
        pushl   %es                     /* slot unchanged: readers mask it  */
        pushl   %ds
        pushl   %eax
        pushl   %ebp
        pushl   %edi
        pushl   %esi
        pushl   %edx
        pushl   %ecx
        pushl   %ebx
        movl    $__HYPERVISOR_DS, %eax  /* the guest's segments may be      */
        movl    %eax, %ds               /* anything: use our own            */
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        cld                             /* C expects the direction flag clear */
        pushl   %esp                    /* argument: struct cpu_user_regs * */
        call    trap_dispatch
        addl    $4, %esp
        /* fall through: trap_dispatch returned, resume whoever trapped */

        .globl  restore_all
restore_all:
        popl    %ebx
        popl    %ecx
        popl    %edx
        popl    %esi
        popl    %edi
        popl    %ebp
        popl    %eax
        popl    %ds
        popl    %es
        popl    %fs
        popl    %gs
        addl    $8, %esp                /* drop entry_vector and error_code */
        iret                            /* eip, cs, eflags [, esp, ss]      */

/*
 * return_to_guest(): load the frame at the top of the stack (filled in by
 * enter_guest, exercise 5) and iret into the guest.  Whatever C frames are
 * below it on the stack are simply abandoned.
 */
        .globl  return_to_guest
return_to_guest:
        movl    $(hv_stack_top - REGS_SIZE), %esp
        jmp     restore_all

/* guest_cpu_user_regs(): where a guest's trap frame lives. */
        .globl  guest_cpu_user_regs
guest_cpu_user_regs:
        movl    $(hv_stack_top - REGS_SIZE), %eax
        ret

/*
 * reset_stack_and_call(fn): throw away the current stack (all of it below
 * the guest frame) and call fn(), which must never return.  Used when a
 * domain ends in the middle of a hypercall or trap: nothing on the stack
 * is worth returning to.
 */
        .globl  reset_stack_and_call
reset_stack_and_call:
        movl    4(%esp), %eax           /* fn                               */
        movl    $(hv_stack_top - REGS_SIZE), %esp
        xorl    %ebp, %ebp              /* a fresh backtrace starts here    */
        call    *%eax
1:      hlt
        jmp     1b
