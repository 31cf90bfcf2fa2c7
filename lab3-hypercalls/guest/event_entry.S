/*
 * guest/event_entry.S - where the hypervisor's upcall lands (lab 3, given).
 *
 * The hypervisor built an interrupt frame (eip, cs, eflags [, esp, ss]) on
 * our stack and masked events.  Save every register - the interrupted code
 * must not notice - run the demultiplexer, restore, and iret.
 */
#include <public/xen.h>

        .text
        .globl  hypervisor_callback
hypervisor_callback:
        pushal
        call    do_hypervisor_callback
        popal
        iret

/*
 * The failsafe callback: the hypervisor could not reload one of our data
 * segment registers on the way back to us.  The frame is ds, es, fs, gs,
 * then eip, cs, eflags [, esp, ss]; every data segment register is null.
 * This port gives up: load our data segment (nothing in memory can be
 * reached without one), report the four selectors and crash.
 */
        .globl  failsafe_callback
failsafe_callback:
        movl    $FLAT_KERNEL_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        pushl   %esp                    /* the frame: ds, es, fs, gs, ...   */
        call    do_failsafe_callback    /* does not return                  */
1:      jmp     1b
