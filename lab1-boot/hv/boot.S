/*
 * hv/boot.S - the first instructions the hypervisor runs (lab 1, given).
 *
 * The boot loader (GRUB, or QEMU's built-in Multiboot loader) has put our
 * image at physical 1 MiB and jumps to `start` with paging off, %eax holding
 * the Multiboot magic and %ebx the physical address of the multiboot_info.
 * This file's first part (.text.boot) is linked at its physical address
 * (see hv.ld); everything else is linked at 0xFC5xxxxx, so until paging is
 * on every other symbol must be translated to its physical address by
 * subtracting DIRECTMAP_VIRT_START.
 *
 * Steps: let the PIC's interrupts through the local APIC (see
 * common/virtual_wire.h); fill the boot page tables so that machine
 * memory 0..56 MiB appears both at 0 (identity, so the instruction after
 * enabling paging still has a mapping) and at 0xFC400000 (the direct
 * map); load %cr3; turn on paging with CR0.WP; jump to the high address;
 * set up the stack; call C.
 */
#include <common/virtual_wire.h>
#include <hv/config.h>

#define PA(sym) ((sym) - DIRECTMAP_VIRT_START)
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_HEADER_FLAGS 0x00000003 /* page-align modules, want memory info */

        .section .text.boot, "ax"
        .code32

        /* The Multiboot header must lie in the first 8 KiB of the image. */
        .align 4
multiboot_header:
        .long MULTIBOOT_HEADER_MAGIC
        .long MULTIBOOT_HEADER_FLAGS
        .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS) /* checksum */

        .globl start
start:
        cli
        cld
        movl    %eax, %esi              /* keep the Multiboot magic         */
        movl    %ebx, %edi              /* keep the multiboot_info address  */

        virtual_wire                    /* PIC -> CPU, whatever the firmware
                                           did (common/virtual_wire.h)    */

        /*
         * Page-table entries: boot_l1 is DIRECTMAP_NR_L1 contiguous page
         * tables; entry i maps frame i, present and writable.
         */
        movl    $PA(boot_l1), %edx
        xorl    %ecx, %ecx              /* ecx = frame number               */
1:      movl    %ecx, %eax
        shll    $PAGE_SHIFT, %eax       /* frame number -> physical address */
        orl     $0x3, %eax              /* _PAGE_PRESENT | _PAGE_RW         */
        movl    %eax, (%edx,%ecx,4)
        incl    %ecx
        cmpl    $(DIRECTMAP_NR_L1 * 1024), %ecx
        jb      1b

        /*
         * Page-directory entries: slot i (identity) and slot 1009 + i
         * (direct map) both point at page table i.  Slot 1008, the
         * read-only machine-to-phys table, is filled later in C (hv/m2p.c).
         */
        movl    $PA(idle_pg_table), %edx
        xorl    %ecx, %ecx              /* ecx = page table number          */
2:      movl    %ecx, %eax
        shll    $PAGE_SHIFT, %eax
        addl    $PA(boot_l1), %eax      /* physical address of table i      */
        orl     $0x23, %eax             /* present, writable, accessed: the
                                           CPU never writes these entries,
                                           so guests' copies stay equal   */
        movl    %eax, (%edx,%ecx,4)                     /* identity slot    */
        movl    %eax, ((DIRECTMAP_VIRT_START >> 22) * 4)(%edx,%ecx,4) /* high slot  */
        incl    %ecx
        cmpl    $DIRECTMAP_NR_L1, %ecx
        jb      2b

        movl    %edx, %cr3              /* the idle page directory          */
        movl    %cr0, %eax
        orl     $0x80010000, %eax       /* CR0.PG | CR0.WP                  */
        movl    %eax, %cr0              /* paging is on; we still run low   */

        movl    $high, %eax             /* an absolute, high address        */
        jmp     *%eax

        .text                           /* from here on, linked high        */
high:
        movl    $(hv_stack + HV_STACK_SIZE), %esp
        xorl    %ebp, %ebp              /* ends the backtrace's frame chain */
        pushl   %edi                    /* start_hypervisor(magic, mbi_pa)  */
        pushl   %esi
        call    start_hypervisor
3:      hlt                             /* start_hypervisor never returns   */
        jmp     3b

        .section .bss
        .align  PAGE_SIZE
        .globl  idle_pg_table
idle_pg_table:
        .space  PAGE_SIZE
        .globl  boot_l1
boot_l1:
        .space  DIRECTMAP_NR_L1 * PAGE_SIZE
        .globl  hv_stack
hv_stack:
        .space  HV_STACK_SIZE
        .globl  hv_stack_top
hv_stack_top:
