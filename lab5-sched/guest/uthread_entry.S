/*
 * guest/uthread_entry.S - the upcall entry of the guest's task scheduler
 * (lab 5, given).  Like lab 3's hypervisor_callback, but it hands the C
 * code a pointer to the saved registers and the interrupt frame, so that
 * uthread_upcall can swap in another task's frame: the iret below then
 * resumes that task instead of the one the event interrupted.
 */
        .text
        .globl  uthread_callback
uthread_callback:
        pushal                          /* the interrupted task's registers */
        pushl   %esp                    /* argument: struct uthread_frame * */
        call    uthread_upcall
        addl    $4, %esp
        popal                           /* possibly another task's          */
        iret                            /* ... and its eip, cs, eflags, esp */
