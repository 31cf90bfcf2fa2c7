/*
 * guest/event_entry.S - where the hypervisor's upcall lands (lab 3, given).
 *
 * The hypervisor built an interrupt frame (eip, cs, eflags [, esp, ss]) on
 * our stack and masked events.  Save every register - the interrupted code
 * must not notice - run the demultiplexer, restore, and iret.
 */
        .text
        .globl  hypervisor_callback
hypervisor_callback:
        pushal
        call    do_hypervisor_callback
        popal
        iret

        .globl  failsafe_callback
failsafe_callback:
        call    do_failsafe_callback
1:      jmp     1b
