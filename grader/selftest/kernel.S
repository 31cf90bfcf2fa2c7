/*
 * grader/selftest/kernel.S - tiny Multiboot kernels, broken on purpose.
 *
 * The grader's self-test (run.py) builds this file once per variant with
 * -DVARIANT_xxx and checks that the grader reports each one as the right
 * kind of failure.  They use the same channels as the Parakeet hypervisor:
 *   COM1 (0x3F8) console, COM2 (0x2F8) result lines, `end status=N` last,
 *   exit via port 0xF4 (QEMU isa-debug-exit) then "Shutdown" to 0x8900
 *   (Bochs), after draining both UARTs (LSR bit 6), because Bochs models
 *   transmit time and drops bytes still in the UART.
 *
 * Variants:
 *   GOOD    prints the expected lines, lists its Multiboot modules and
 *           command line on the result channel, ends with end status=0
 *   WRONG   like GOOD but reports a wrong value
 *   HANG    prints a line, then spins forever        -> TIMEOUT "hung after"
 *   NEVER   prints nothing and spins forever         -> TIMEOUT "never printed"
 *   FLOOD   prints to the console forever            -> FLOOD
 *   TRIPLE  loads an empty IDT and faults            -> CRASH (triple fault)
 *   SILENT  exits via port 0xF4 without `end status=` -> CRASH (silent exit)
 *   TODO    a skeleton: a `todo:` line, a panic, end status=3 -> FAIL naming
 *           the unfinished exercise
 *   STUCK   a skeleton whose stub leaves it waiting: a `todo:` line, then it
 *           spins -> FAIL "stopped" at once for a test listing that
 *           exercise; TIMEOUT for one that does not
 */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, give memory info */

#define COM1 0x3F8
#define COM2 0x2F8

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    mov %ebx, mbi               /* Multiboot information pointer */

    mov $COM1, %dx
    call uart_init
    mov $COM2, %dx
    call uart_init

#if defined(VARIANT_NEVER)
1:  jmp 1b                      /* no output at all */
#endif

    mov $COM1, %dx
    mov $msg_hello, %esi
    call puts

#if defined(VARIANT_HANG)
1:  jmp 1b                      /* printed one line, then nothing */
#endif

#if defined(VARIANT_FLOOD)
1:  mov $COM1, %dx
    mov $msg_flood, %esi
    call puts
    jmp 1b
#endif

#if defined(VARIANT_TRIPLE)
    lidt idt_empty              /* limit 0: every vector is out of bounds */
    int3                        /* -> #GP -> double fault -> triple fault */
1:  jmp 1b
#endif

#if defined(VARIANT_SILENT)
    call drain
    mov $0xF4, %dx              /* exit without an `end status=` line */
    mov $0, %ax
    outw %ax, %dx
    jmp shutdown_bochs
#endif

#if defined(VARIANT_STUCK)
    mov $COM2, %dx
    mov $msg_todo, %esi
    call puts
1:  jmp 1b                      /* waits for what the stub never does */
#endif

#if defined(VARIANT_TODO)
    mov $COM2, %dx
    mov $msg_todo, %esi
    call puts
    mov $COM1, %dx
    mov $msg_todo_console, %esi
    call puts
    mov $COM2, %dx
    mov $msg_panic, %esi
    call puts
    mov $3, %eax
    jmp finish
#endif

    /* GOOD and WRONG: report values, the modules and the command line. */
    mov $COM2, %dx
#if defined(VARIANT_WRONG)
    mov $msg_wrong, %esi
#else
    mov $msg_value, %esi
#endif
    call puts
    call report_multiboot
    mov $0, %eax

/* finish: write `end status=EAX` on the result channel and leave. */
finish:
    push %eax
    mov $COM2, %dx
    mov $msg_end, %esi
    call puts
    pop %eax
    push %eax
    add $'0', %al               /* single-digit statuses only */
    call putc
    mov $'\n', %al
    call putc
    call drain
    pop %eax
    mov $0xF4, %dx              /* QEMU: exits here with (EAX<<1)|1 */
    outw %ax, %dx
shutdown_bochs:
    mov $0x8900, %dx            /* Bochs: exits on "Shutdown" */
    mov $msg_shutdown, %esi
2:  lodsb
    test %al, %al
    jz 3f
    outb %al, %dx
    jmp 2b
3:  hlt
    jmp 3b

/*
 * report_multiboot: on COM2, "cmdline=..." and "module N cmdline=..." for
 * each module, so the test can check both emulators pass the same strings.
 */
report_multiboot:
    mov mbi, %ebx
    mov $COM2, %dx
    testl $4, (%ebx)            /* flags bit 2: cmdline present */
    jz 1f
    mov $msg_cmdline, %esi
    call puts
    mov 16(%ebx), %esi
    call puts
    mov $'\n', %al
    call putc
1:  testl $8, (%ebx)            /* flags bit 3: modules present */
    jz 9f
    mov 20(%ebx), %ecx          /* mods_count */
    mov 24(%ebx), %edi          /* mods_addr  */
    xor %ebp, %ebp
2:  cmp %ebp, %ecx
    je 9f
    mov $msg_module, %esi
    call puts
    mov %ebp, %eax
    add $'0', %al
    call putc
    mov $msg_modcmd, %esi
    call puts
    mov 8(%edi), %esi           /* module string */
    call puts
    mov $'\n', %al
    call putc
    add $16, %edi
    inc %ebp
    jmp 2b
9:  ret

/* uart_init: port base in DX; 115200 8N1, FIFOs on, no interrupts. */
uart_init:
    mov %dx, %bx
    lea 1(%bx), %dx
    mov $0x00, %al
    outb %al, %dx               /* IER = 0 */
    lea 3(%bx), %dx
    mov $0x80, %al
    outb %al, %dx               /* LCR: DLAB */
    lea 0(%bx), %dx
    mov $0x01, %al
    outb %al, %dx               /* DLL = 1 */
    lea 1(%bx), %dx
    mov $0x00, %al
    outb %al, %dx               /* DLM = 0 */
    lea 3(%bx), %dx
    mov $0x03, %al
    outb %al, %dx               /* 8N1 */
    lea 2(%bx), %dx
    mov $0xC7, %al
    outb %al, %dx               /* FIFO on, cleared */
    lea 4(%bx), %dx
    mov $0x03, %al
    outb %al, %dx               /* DTR, RTS */
    mov %bx, %dx
    ret

/* putc: byte AL to the UART at DX, waiting for room (LSR bit 5). */
putc:
    push %eax
    push %edx
    add $5, %dx
1:  inb %dx, %al
    test $0x20, %al
    jz 1b
    pop %edx
    pop %eax
    outb %al, %dx
    ret

/* puts: the NUL-terminated string at ESI to the UART at DX. */
puts:
    push %eax
    push %esi
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %esi
    pop %eax
    ret

/* drain: wait until both UARTs have sent everything (LSR bit 6). */
drain:
    push %eax
    push %edx
    mov $COM1 + 5, %dx
1:  inb %dx, %al
    test $0x40, %al
    jz 1b
    mov $COM2 + 5, %dx
2:  inb %dx, %al
    test $0x40, %al
    jz 2b
    pop %edx
    pop %eax
    ret

    .section .rodata
msg_hello:        .asciz "selftest kernel: hello on the console\r\n"
msg_flood:        .asciz "flood flood flood flood flood flood flood flood flood flood\r\n"
msg_value:        .asciz "selftest: value=42\n"
msg_wrong:        .asciz "selftest: value=41\n"
msg_cmdline:      .asciz "cmdline="
msg_module:       .asciz "module "
msg_modcmd:       .asciz " cmdline="
msg_end:          .asciz "end status="
msg_todo:         .asciz "todo: LAB 1 exercise 1 (frame allocator) is not done: hv/mm.c alloc_frame()\n"
msg_todo_console: .asciz "(hv) TODO: LAB 1 exercise 1 (frame allocator) is not done\r\n"
msg_panic:        .asciz "panic: unfinished exercise reached\n"
msg_shutdown:     .asciz "Shutdown"

    .data
    .align 8
idt_empty:
    .word 0
    .long 0
mbi:
    .long 0

    .bss
    .align 16
    .space 4096
stack_top:
