/*
 * public/xen.h - the guest ABI: what a paravirtual guest kernel and the
 * hypervisor agree on.  Lab 1 introduces it; later labs add their own
 * public headers next to it.
 *
 * The Xen release followed: Xen 3.0.x (3.0.2's public headers), x86_32
 * without PAE.  Every number, structure layout and calling convention
 * below that Parakeet implements is that release's, so a student can open
 * Xen 3.0's xen/include/public and find the same thing under the same
 * name.  The ABI is pinned by a host test (tests/abi/abi_xen.c, run by
 * `make unit`): changing a number or moving a field fails it.
 *
 * What is Parakeet's own (marked "Parakeet:" where it is defined):
 *   - START_INFO_MAGIC ("parakeet-1.0-x86_32"; Xen writes "xen-3.0-x86_32")
 *     and the three start_info fields after cmd_line (domid,
 *     shared_info_va, first_free_pfn), which Xen guests learn otherwise;
 *   - test_report (48) and, in lab 3, debug_virq (49): numbers from the
 *     range 48-55 that Xen (named in 3.0.4: __HYPERVISOR_arch_0..7) keeps
 *     for architecture-specific hypercalls;
 * Kept from Xen 2.0, which 3.0 dropped: set_fast_trap (11), lab 2's
 * direct system-call gate.
 * A subset: only the hypercalls, commands and fields the labs use are
 * implemented (the others return -ENOSYS or stay zero), one virtual CPU
 * (vcpu_info[0]) is used of the 32 the layout has, and Xen's
 * xen/include/public/sched.h, event_channel.h and arch-x86_32.h are
 * folded into this header and the labs' public headers.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/*
 * The hypervisor owns the top 64 MiB of every address space, as in Xen's
 * non-PAE x86_32 build.  A guest may map nothing at or above this address.
 */
#ifdef __ASSEMBLER__
#define HYPERVISOR_VIRT_START 0xFC000000
#else
#define HYPERVISOR_VIRT_START 0xFC000000UL
#endif

/*
 * The first 4 MiB of the hypervisor's area hold the machine-to-phys table,
 * mapped read-only into every address space (Xen 3.0, x86_32 non-PAE):
 * entry MFN is the pfn the frame's owner knows it by.  The guest segments
 * (FLAT_RING1/3_CS/DS) end at MACH2PHYS_VIRT_END - 1, as Xen 3.0's do, so
 * a guest kernel reads the table directly and a write to it is a page
 * fault; 0xFC400000 is the first byte a guest cannot reach.  Lab 4 names
 * it machine_to_phys_mapping (public/mmu.h).
 */
#define MACH2PHYS_VIRT_START HYPERVISOR_VIRT_START
#ifdef __ASSEMBLER__
#define MACH2PHYS_VIRT_END 0xFC400000
#else
#define MACH2PHYS_VIRT_END 0xFC400000UL
#endif

/*
 * The GDT.  Its first 14 pages (entries 0-7167) are the guest's own
 * descriptor pages, which lab 4's set_gdt fills; the hypervisor reserves
 * the page after them, from entry 7168 (selector 0xe000) on, and keeps
 * them out of the way of any selector numbers a guest OS hard-codes.
 * (Xen 3.0 has these in public/arch-x86_32.h.)
 */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8) /* 7168 */

/*
 * Segment selectors a guest may use: four flat segments from 0 in the
 * reserved page, present in every GDT.  A selector is index << 3 | TI << 2
 * | RPL: 0xe019 is GDT entry 0xe019 >> 3 = 7171, requested privilege level
 * 1.  (Xen 3.0's own comments still say "GDT index 259", the Xen 2.0
 * number; the entries are 7171-7174.)
 */
#define FLAT_RING1_CS 0xe019 /* GDT entry 7171, RPL 1: guest kernel code   */
#define FLAT_RING1_DS 0xe021 /* GDT entry 7172, RPL 1: guest kernel data   */
#define FLAT_RING1_SS 0xe021 /* GDT entry 7172                             */
#define FLAT_RING3_CS 0xe02b /* GDT entry 7173, RPL 3: guest user code     */
#define FLAT_RING3_DS 0xe033 /* GDT entry 7174, RPL 3: guest user data     */
#define FLAT_RING3_SS 0xe033 /* GDT entry 7174                             */
#define FLAT_KERNEL_CS FLAT_RING1_CS
#define FLAT_KERNEL_DS FLAT_RING1_DS
#define FLAT_KERNEL_SS FLAT_RING1_SS
#define FLAT_USER_CS FLAT_RING3_CS
#define FLAT_USER_DS FLAT_RING3_DS
#define FLAT_USER_SS FLAT_RING3_SS

/* The trap vector a guest kernel uses to make a hypercall (DPL 1 gate). */
#define HYPERCALL_VECTOR 0x82

/* Hypercall numbers (Xen 3.0). */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
/*
 * sched_op(cmd, arg): the shutdown reason is passed by value.  This is Xen
 * 3.0.0's sched_op; 3.0.2 renamed number 6 sched_op_compat when it added a
 * sched_op (29) taking a pointer to a structure.  Parakeet has only 6.
 */
#define __HYPERVISOR_sched_op 6
#define __HYPERVISOR_dom0_op 7
#define __HYPERVISOR_update_descriptor 10
/*
 * set_fast_trap(vector): kept from Xen 2.0 (3.0 dropped it and leaves 11
 * unused) for lab 2's direct system-call gate.
 */
#define __HYPERVISOR_set_fast_trap 11
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_mmuext_op 26
/*
 * Parakeet: Xen keeps numbers 48-55 for architecture-specific hypercalls
 * (__HYPERVISOR_arch_0..7 from Xen 3.0.4 on).
 * We use the first for the grader's result channel: a test guest reports a
 * value it computed, and the hypervisor writes it, tagged with the domain
 * id, on a serial line the guest cannot write to directly.
 */
#define __HYPERVISOR_test_report 48
#define NR_HYPERCALLS 64

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* sched_op commands (Xen 3.0 numbering). */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2

/* Reasons for SCHEDOP_shutdown: sched_op(SCHEDOP_shutdown, reason). */
#define SHUTDOWN_poweroff 0 /* Domain exited normally: clean up, kill.   */
#define SHUTDOWN_reboot 1   /* Clean up, kill, and then restart.          */
#define SHUTDOWN_suspend 2  /* Clean up, save suspend info, kill.         */
#define SHUTDOWN_crash 3    /* Tell controller we've crashed.             */

#ifndef __ASSEMBLER__
typedef uint16_t domid_t;
#endif /* __ASSEMBLER__ */

/*
 * shared_info: one page per domain, written by both the hypervisor and the
 * guest.  Lab 1 allocates and maps it; lab 3 fills in the event fields,
 * lab 5 the time fields.  Layout as Xen 3.0 x86_32: 32 vcpu_info slots of
 * 64 bytes (Parakeet uses slot 0), the event bitmaps at 2048 and 2176,
 * the wall clock at 2304.
 */
#define MAX_VIRT_CPUS 32

#ifndef __ASSEMBLER__
struct arch_vcpu_info {
    unsigned long cr2; /* lab 2: faulting address of the last page fault */
    unsigned long pad[5];
};

struct vcpu_time_info {
    uint32_t version; /* lab 5: odd while the hypervisor updates the rest */
    uint32_t pad0;
    uint64_t tsc_timestamp;   /* TSC at the last update of system_time    */
    uint64_t system_time;     /* nanoseconds since boot at tsc_timestamp  */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    int8_t pad1[3];
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* lab 3: an event is waiting          */
    uint8_t evtchn_upcall_mask;    /* lab 3: the guest's "interrupt flag" */
    uint8_t pad0[2];
    unsigned long evtchn_pending_sel; /* lab 3: which pending words to scan */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

struct arch_shared_info {
    unsigned long max_pfn;
    unsigned long pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
};

/*
 * lab 3: event-channel ports the ABI has room for: one bit each in the
 * bitmaps below (1024 on x86_32, as in Xen).  A Parakeet domain gets only
 * the first MAX_EVTCHNS (64, hv/sched.h) of them, ports 1..63 usable; the
 * rest of each bitmap is never used.
 */
#define NR_EVENT_CHANNELS (sizeof(unsigned long) * sizeof(unsigned long) * 64)

struct shared_info {
    struct vcpu_info vcpu_info[MAX_VIRT_CPUS];
    unsigned long evtchn_pending[sizeof(unsigned long) * 8]; /* lab 3 */
    unsigned long evtchn_mask[sizeof(unsigned long) * 8];    /* lab 3 */
    uint32_t wc_version; /* lab 5: wall clock, version as above */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
#endif /* __ASSEMBLER__ */

/*
 * start_info: the start-of-day page the domain builder fills in.  The guest
 * finds its virtual address in %esi when it first runs.
 */
#define MAX_GUEST_CMDLINE 1024
#define START_INFO_MAGIC "parakeet-1.0-x86_32" /* Parakeet: Xen's is "xen-3.0-x86_32" */

#define SIF_PRIVILEGED (1 << 0) /* Is the domain privileged?               */
#define SIF_INITDOMAIN (1 << 1) /* Is this the initial control domain?     */

#ifndef __ASSEMBLER__
struct start_info {
    char magic[32];             /* START_INFO_MAGIC                          */
    unsigned long nr_pages;     /* total pages allocated to this domain      */
    unsigned long shared_info;  /* MACHINE address of the shared info page   */
    uint32_t flags;             /* SIF_xxx flags                              */
    unsigned long store_mfn;    /* unused in Parakeet                         */
    uint32_t store_evtchn;      /* unused in Parakeet                         */
    unsigned long console_mfn;  /* lab 6: console ring frame                 */
    uint32_t console_evtchn;    /* lab 6: console event channel              */
    unsigned long pt_base;      /* VIRTUAL address of the page directory     */
    unsigned long nr_pt_frames; /* number of bootstrap page-table frames     */
    unsigned long mfn_list;     /* VIRTUAL address of the page-frame list    */
    unsigned long mod_start;    /* VIRTUAL address of a pre-loaded module    */
    unsigned long mod_len;      /* size (bytes) of that module               */
    int8_t cmd_line[MAX_GUEST_CMDLINE]; /* the module's options             */
    /* Xen 3.0's start_info ends here (1104 bytes).                          */
    /* Parakeet: fields Xen guests learn by other means. */
    uint32_t domid;               /* this domain's id                         */
    unsigned long shared_info_va; /* VIRTUAL address the builder mapped it at */
    unsigned long first_free_pfn; /* first pfn the bootstrap did not use;   */
                                  /* the boot stack ends there, and below  */
                                  /* the stack is one unmapped guard page  */
};
typedef struct start_info start_info_t;
#endif /* __ASSEMBLER__ */

#endif /* PUBLIC_XEN_H */
