/*
 * guest/entry.S - where a guest kernel starts (lab 1, given).
 *
 * The domain builder enters us in ring 1 at the ELF entry point with %esp
 * on a bootstrap stack and %esi = the virtual address of start_info.
 */
        .text
        .globl  _start
_start:
        movl    %esi, start_info        /* keep the start-of-day page       */
        xorl    %ebp, %ebp              /* end of the frame chain           */
        call    guest_start             /* never returns                    */
1:      jmp     1b

        .data
        .globl  start_info
start_info:
        .long   0
