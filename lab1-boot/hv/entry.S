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
 * The hypercall vector is the exception: `int $0x82` has its own entry,
 * hypercall_entry, which builds the same frame but calls the hypercall's
 * handler directly (it is the hot path: every guest makes thousands).
 *
 * A trap from a guest (ring 1 or 3) switches to the stack in the TSS
 * (ss0:esp0 = the top of hv_stack), so a guest's frame always sits at the
 * very top of hv_stack: that is guest_cpu_user_regs().
 */
#include <common/x86_traps.h>  /* X86_TRAP_HAS_ERRCODE: the one list   */
#include <hv/config.h>
#include <hv/desc.h>
#include <hv/entry.h>           /* UREGS_*, TRAP_STUB_SIZE, VCPU_* ...  */
#include <public/errno.h>       /* ENOSYS                               */
#include <public/xen.h>         /* HYPERCALL_VECTOR, NR_HYPERCALLS      */

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
        jmp     restore_all             /* trap_dispatch returned: resume   */
                                        /* whoever trapped                  */

/*
 * hypercall_entry: `int $0x82`, a hypercall from the guest kernel.
 *
 * The gate has DPL 1, so only ring 1 (and ring 0, which never does) can
 * get here: ring 3 gets #GP.  %eax is the hypercall number, %ebx %ecx
 * %edx %esi %edi the five arguments.  This is the path guests take most,
 * so it does only what a hypercall needs, with no generic dispatcher:
 *
 *   1. build the same struct cpu_user_regs as common_trap (C may read it,
 *      and the way out, restore_all, is the same guarded exit);
 *   2. check the number and call hypercall_fns[nr] directly.  The frame's
 *      first five words are %ebx %ecx %edx %esi %edi - in exactly the
 *      order C (cdecl) expects its arguments on the stack, so the frame
 *      *is* the argument list.  A handler may change its own arguments,
 *      so the guest's argument registers are not preserved (Xen's ABI
 *      says the same; the guest's _hypercall5 declares them "+b" ...);
 *   3. the exit work every return to a guest does (guest_exit_work() in
 *      hv/traps.c), but inline for the common case: the domain is still
 *      running and no event is pending, so there is nothing to do.
 *
 * Anything unusual (an ended domain, an event to deliver, a call from
 * ring 0) leaves the fast path for the C functions that handle every case.
 */
        .globl  hypercall_entry
hypercall_entry:
        pushl   $0                      /* error_code: none                 */
        pushl   $HYPERCALL_VECTOR       /* entry_vector                     */
        pushl   %gs                     /* the rest of the frame, exactly   */
        pushl   %fs                     /* as common_trap pushes it         */
        pushl   %es
        pushl   %ds
        pushl   %eax                    /* the hypercall number             */
        pushl   %ebp
        pushl   %edi                    /* argument 5                       */
        pushl   %esi                    /* argument 4                       */
        pushl   %edx                    /* argument 3                       */
        pushl   %ecx                    /* argument 2                       */
        pushl   %ebx                    /* argument 1: %esp = the frame     */
        movl    $__HYPERVISOR_DS, %ebx  /* C needs our %ds and %es (not %fs */
        movl    %ebx, %ds               /* or %gs: C never uses them).  The */
        movl    %ebx, %es               /* frame holds the arguments now    */
        cld                             /* C expects the direction flag clear */
        testb   $3, UREGS_cs(%esp)      /* the ring check, the only one: RPL */
        jz      .Lhypercall_from_hv     /* 0 means the hypervisor: a bug    */
        movl    current, %ebx           /* %ebx: C preserves it across calls */
        incl    VCPU_nr_traps(%ebx)     /* count it, as trap_dispatch does  */
        movl    VCPU_domain(%ebx), %ebx /* %ebx = current->domain           */
        cmpl    $DOMAIN_STATE_RUNNING, DOMAIN_state(%ebx)
        jne     .Lhypercall_slow        /* ended? C refuses and says why    */
        cmpl    $NR_HYPERCALLS, %eax    /* the number is the guest's: check */
        jae     .Lhypercall_bad_nr      /* it before it indexes the table   */
        call    *hypercall_fns(,%eax,4) /* fn(ebx, ecx, edx, esi, edi)      */
        movl    %eax, UREGS_eax(%esp)   /* its result, the guest's new %eax */
.Lhypercall_exit:
        /* guest_exit_work(), inline for the case with nothing to do: */
        cmpl    $DOMAIN_STATE_RUNNING, DOMAIN_state(%ebx)
        jne     .Lhypercall_exit_slow   /* it ended (or blocked): C decides */
        movl    DOMAIN_shared_info(%ebx), %eax
        cmpb    $0, SHINFO_upcall_pending(%eax)
        jne     .Lhypercall_events      /* an event may be due              */
        /* fall through: nothing pending, back to the guest */

/*
 * restore_all: load the frame at %esp and iret to it.
 *
 * On the way back to a guest, four instructions load values the guest
 * chose: the data segment selectors (whatever it had in %ds..%gs when it
 * trapped) and the iret (its cs:eip, eflags, ss:esp).  Each may fault -
 * a selector whose descriptor changed while we ran, an eip beyond its code
 * segment's limit - and a fault here must not panic the hypervisor.  Each
 * has an entry in the exception table (__ex_table, as for copy_from_guest),
 * so trap_dispatch resumes at its fixup below, which calls C:
 *   exit_segment_fault() loads the null selector instead, or delivers the
 *     guest's failsafe callback (lab 3), as Xen does; then we try again;
 *   exit_iret_fault() ends the domain.
 *
 * The segment registers are loaded *before* the general registers are
 * popped, while the frame is whole: a fault on one of them then leaves
 * every guest register in the frame for C to read and change.
 */
        .globl  restore_all
restore_all:
.Lload_ds:
        mov     UREGS_ds(%esp), %ds     /* guest-supplied: may fault        */
.Lload_es:
        mov     UREGS_es(%esp), %es     /* (the reads use %ss: always ours) */
.Lload_fs:
        mov     UREGS_fs(%esp), %fs
.Lload_gs:
        mov     UREGS_gs(%esp), %gs
        popl    %ebx
        popl    %ecx
        popl    %edx
        popl    %esi
        popl    %edi
        popl    %ebp
        popl    %eax
        addl    $(UREGS_eip - UREGS_ds), %esp /* skip ds..gs, entry_vector  */
                                        /* and error_code                   */
.Liret:
        iret                            /* eip, cs, eflags [, esp, ss]      */

        .section __ex_table, "a"
        .long   .Lload_ds, .Lfix_ds
        .long   .Lload_es, .Lfix_es
        .long   .Lload_fs, .Lfix_fs
        .long   .Lload_gs, .Lfix_gs
        .long   .Liret, .Lfix_iret
        .previous

        .section .fixup, "ax"
/* A selector could not be loaded.  %esp is the frame again, intact. */
.Lfix_ds:
        pushl   $0                      /* which one: 0 ds, 1 es, 2 fs, 3 gs */
        jmp     .Lfix_seg
.Lfix_es:
        pushl   $1
        jmp     .Lfix_seg
.Lfix_fs:
        pushl   $2
        jmp     .Lfix_seg
.Lfix_gs:
        pushl   $3
.Lfix_seg:
        movl    $__HYPERVISOR_DS, %eax  /* C needs our own data segments;   */
        movl    %eax, %ds               /* the guest's registers are all in */
        movl    %eax, %es               /* the frame, so clobbering is fine */
        leal    4(%esp), %eax           /* the frame                        */
        pushl   %eax
        call    exit_segment_fault      /* (regs, which): fix the frame     */
        addl    $8, %esp
        jmp     restore_all             /* and try again                    */

/*
 * The iret faulted.  It had popped nothing: %esp points at the frame's
 * eip, and the fault's own frame overwrote what lies below it, which the
 * registers (restored on the way back here) still hold.
 */
.Lfix_iret:
        subl    $UREGS_eip, %esp        /* back to the start of the frame   */
        movl    %ebx, UREGS_ebx(%esp)   /* put the guest's registers back   */
        movl    %ecx, UREGS_ecx(%esp)
        movl    %edx, UREGS_edx(%esp)
        movl    %esi, UREGS_esi(%esp)
        movl    %edi, UREGS_edi(%esp)
        movl    %ebp, UREGS_ebp(%esp)
        movl    %eax, UREGS_eax(%esp)
        mov     %ds, UREGS_ds(%esp)     /* and its segment registers (16    */
        mov     %es, UREGS_es(%esp)     /* bits; readers mask the slots)    */
        mov     %fs, UREGS_fs(%esp)
        mov     %gs, UREGS_gs(%esp)
        movl    $__HYPERVISOR_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        pushl   %esp                    /* the frame                        */
        call    exit_iret_fault         /* never returns                    */
1:      hlt
        jmp     1b
        .previous

/* hypercall_entry's ways off the fast path (each ends in restore_all). */
.Lhypercall_bad_nr:
        movl    $-ENOSYS, UREGS_eax(%esp) /* no such hypercall              */
        jmp     .Lhypercall_exit
.Lhypercall_events:                     /* running, an upcall pending:      */
        pushl   %esp                    /* the frame                        */
        call    test_all_events         /* deliver it (lab 3)               */
        addl    $4, %esp
        cmpl    $DOMAIN_STATE_RUNNING, DOMAIN_state(%ebx)
        je      restore_all             /* still running: back to the guest */
        jmp     .Lhypercall_exit_slow   /* delivering ended it              */
.Lhypercall_slow:
        pushl   %esp                    /* the frame                        */
        call    do_hypercall            /* the general path (hv/hypercall.c) */
        addl    $4, %esp
.Lhypercall_exit_slow:
        pushl   %esp                    /* the frame                        */
        call    guest_exit_work         /* events, or the next domain       */
        addl    $4, %esp
        jmp     restore_all
.Lhypercall_from_hv:
        pushl   %esp                    /* the frame                        */
        call    fatal_trap              /* panics: names the vector and eip */

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
