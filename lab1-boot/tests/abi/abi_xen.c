/*
 * tests/abi/abi_xen.c - public/xen.h is Xen 3.0's x86_32 ABI (lab 1).
 *
 * Every number below was read from Xen 3.0.2's public headers (xen.h,
 * arch-x86_32.h, sched.h) and its x86_32 GDT (asm-x86/desc.h, config.h),
 * non-PAE.  Compiled, never run, by tools/abi-check (`make unit`).
 */
#include "abi.h"
#include <hv/desc.h>
#include <public/xen.h>

/* The address space and the hypercall trap. */
ABI_CONST(HYPERVISOR_VIRT_START, 0xFC000000UL);
/* The read-only machine-to-phys table: the first 4 MiB of the hypervisor's
 * area (arch-x86_32.h, non-PAE); the guest segments end at its end - 1. */
ABI_CONST(MACH2PHYS_VIRT_START, 0xFC000000UL);
ABI_CONST(MACH2PHYS_VIRT_END, 0xFC400000UL);
ABI_CONST(HYPERCALL_VECTOR, 0x82); /* Xen: TRAP_INSTR "int $0x82" */

/* The GDT: guest pages 0-13, then the hypervisor's reserved page. */
ABI_CONST(FIRST_RESERVED_GDT_PAGE, 14);
ABI_CONST(FIRST_RESERVED_GDT_BYTE, 57344);
ABI_CONST(FIRST_RESERVED_GDT_ENTRY, 7168);
ABI_CONST(FLAT_RING1_CS, 0xe019);
ABI_CONST(FLAT_RING1_DS, 0xe021);
ABI_CONST(FLAT_RING1_SS, 0xe021);
ABI_CONST(FLAT_RING3_CS, 0xe02b);
ABI_CONST(FLAT_RING3_DS, 0xe033);
ABI_CONST(FLAT_RING3_SS, 0xe033);
ABI_CONST(FLAT_KERNEL_CS, 0xe019);
ABI_CONST(FLAT_KERNEL_DS, 0xe021);
ABI_CONST(FLAT_KERNEL_SS, 0xe021);
ABI_CONST(FLAT_USER_CS, 0xe02b);
ABI_CONST(FLAT_USER_DS, 0xe033);
ABI_CONST(FLAT_USER_SS, 0xe033);
/* The hypervisor's side of the same GDT (hv/desc.h; Xen's config.h, desc.h). */
ABI_CONST(__HYPERVISOR_CS, 0xe008);
ABI_CONST(__HYPERVISOR_DS, 0xe010);
ABI_CONST(__TSS_SELECTOR, 0xe040); /* Xen's __TSS(0) << 3: entry 7176 */
ABI_CONST(__LDT_SELECTOR, 0xe048); /* Xen's __LDT(0) << 3: entry 7177 */
ABI_CONST(NR_RESERVED_GDT_ENTRIES, 512);
ABI_CONST(LAST_RESERVED_GDT_BYTE, 0xefff);
ABI_CONST(NR_GDT_ENTRIES * 8 - 1, 0xefff); /* lgdt's limit */

/* Hypercall numbers. */
ABI_CONST(__HYPERVISOR_set_trap_table, 0);
ABI_CONST(__HYPERVISOR_mmu_update, 1);
ABI_CONST(__HYPERVISOR_set_gdt, 2);
ABI_CONST(__HYPERVISOR_stack_switch, 3);
ABI_CONST(__HYPERVISOR_set_callbacks, 4);
ABI_CONST(__HYPERVISOR_fpu_taskswitch, 5);
ABI_CONST(__HYPERVISOR_sched_op, 6);
ABI_CONST(__HYPERVISOR_dom0_op, 7);
ABI_CONST(__HYPERVISOR_update_descriptor, 10);
ABI_CONST(__HYPERVISOR_memory_op, 12);
ABI_CONST(__HYPERVISOR_multicall, 13);
ABI_CONST(__HYPERVISOR_update_va_mapping, 14);
ABI_CONST(__HYPERVISOR_set_timer_op, 15);
ABI_CONST(__HYPERVISOR_event_channel_op, 16);
ABI_CONST(__HYPERVISOR_xen_version, 17);
ABI_CONST(__HYPERVISOR_console_io, 18);
ABI_CONST(__HYPERVISOR_grant_table_op, 20);
ABI_CONST(__HYPERVISOR_vm_assist, 21);
ABI_CONST(__HYPERVISOR_mmuext_op, 26);
/* Xen 2.0's, kept; Parakeet's own numbers in Xen's arch range 48-55. */
_Static_assert(__HYPERVISOR_set_fast_trap == 11, "set_fast_trap must be 11 as in Xen 2.0");
ABI_OWN(__HYPERVISOR_test_report, 48);
ABI_OWN(NR_HYPERCALLS, 64);

/* Commands and reasons. */
ABI_CONST(CONSOLEIO_write, 0);
ABI_CONST(CONSOLEIO_read, 1);
ABI_CONST(SCHEDOP_yield, 0);
ABI_CONST(SCHEDOP_block, 1);
ABI_CONST(SCHEDOP_shutdown, 2);
ABI_CONST(SHUTDOWN_poweroff, 0);
ABI_CONST(SHUTDOWN_reboot, 1);
ABI_CONST(SHUTDOWN_suspend, 2);
ABI_CONST(SHUTDOWN_crash, 3);
ABI_CONST(SIF_PRIVILEGED, 1);
ABI_CONST(SIF_INITDOMAIN, 2);
ABI_CONST(MAX_VIRT_CPUS, 32);
ABI_CONST(MAX_GUEST_CMDLINE, 1024);
ABI_SIZE(domid_t, 2);
_Static_assert(sizeof(START_INFO_MAGIC) <= 32, "START_INFO_MAGIC must fit start_info.magic");

/* vcpu_time_info: 32 bytes. */
ABI_SIZE(struct vcpu_time_info, 32);
ABI_OFFSET(struct vcpu_time_info, version, 0);
ABI_OFFSET(struct vcpu_time_info, pad0, 4);
ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
ABI_OFFSET(struct vcpu_time_info, system_time, 16);
ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
ABI_OFFSET(struct vcpu_time_info, pad1, 29);

/* arch_vcpu_info: 24 bytes, so that vcpu_info is 64. */
ABI_SIZE(struct arch_vcpu_info, 24);
ABI_OFFSET(struct arch_vcpu_info, cr2, 0);
ABI_OFFSET(struct arch_vcpu_info, pad, 4);

/* vcpu_info: 64 bytes. */
ABI_SIZE(struct vcpu_info, 64);
ABI_OFFSET(struct vcpu_info, evtchn_upcall_pending, 0);
ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 4);
ABI_OFFSET(struct vcpu_info, arch, 8);
ABI_OFFSET(struct vcpu_info, arch.cr2, 8);
ABI_OFFSET(struct vcpu_info, time, 32);
ABI_OFFSET(struct vcpu_info, time.version, 32);
ABI_OFFSET(struct vcpu_info, time.system_time, 48);

/* arch_shared_info (x86_32, with 3.0.2's nmi_reason). */
ABI_SIZE(struct arch_shared_info, 12);
ABI_OFFSET(struct arch_shared_info, max_pfn, 0);
ABI_OFFSET(struct arch_shared_info, pfn_to_mfn_frame_list_list, 4);
ABI_OFFSET(struct arch_shared_info, nmi_reason, 8);

/* shared_info: 32 vcpu_info, the event bitmaps, the wall clock. */
ABI_SIZE(struct shared_info, 2328);
ABI_OFFSET(struct shared_info, vcpu_info, 0);
ABI_FIELD_SIZE(struct shared_info, vcpu_info, 2048);
ABI_OFFSET(struct shared_info, vcpu_info[1], 64);
ABI_OFFSET(struct shared_info, evtchn_pending, 2048);
ABI_FIELD_SIZE(struct shared_info, evtchn_pending, 128);
ABI_OFFSET(struct shared_info, evtchn_mask, 2176);
ABI_FIELD_SIZE(struct shared_info, evtchn_mask, 128);
ABI_OFFSET(struct shared_info, wc_version, 2304);
ABI_OFFSET(struct shared_info, wc_sec, 2308);
ABI_OFFSET(struct shared_info, wc_nsec, 2312);
ABI_OFFSET(struct shared_info, arch, 2316);
ABI_SIZE(shared_info_t, 2328);

/* start_info: Xen 3.0's 1104 bytes, then Parakeet's three fields. */
ABI_OFFSET(struct start_info, magic, 0);
ABI_FIELD_SIZE(struct start_info, magic, 32);
ABI_OFFSET(struct start_info, nr_pages, 32);
ABI_OFFSET(struct start_info, shared_info, 36);
ABI_OFFSET(struct start_info, flags, 40);
ABI_OFFSET(struct start_info, store_mfn, 44);
ABI_OFFSET(struct start_info, store_evtchn, 48);
ABI_OFFSET(struct start_info, console_mfn, 52);
ABI_OFFSET(struct start_info, console_evtchn, 56);
ABI_OFFSET(struct start_info, pt_base, 60);
ABI_OFFSET(struct start_info, nr_pt_frames, 64);
ABI_OFFSET(struct start_info, mfn_list, 68);
ABI_OFFSET(struct start_info, mod_start, 72);
ABI_OFFSET(struct start_info, mod_len, 76);
ABI_OFFSET(struct start_info, cmd_line, 80);
ABI_FIELD_SIZE(struct start_info, cmd_line, 1024);
/* Parakeet's own, after Xen's last field (cmd_line ends at 1104). */
ABI_OFFSET(struct start_info, domid, 1104);
ABI_OFFSET(struct start_info, shared_info_va, 1108);
ABI_OFFSET(struct start_info, first_free_pfn, 1112);
ABI_SIZE(struct start_info, 1116);
ABI_SIZE(start_info_t, 1116);

/*
 * The structures of later labs, for whoever adds them (Xen 3.0 x86_32):
 * mmu_update 16 (ptr, val: uint64_t), mmuext_op 12 (cmd; arg1 mfn or
 * linear_addr at 4; arg2 nr_ents or vcpumask at 8), grant_entry 8 (flags
 * uint16_t, domid at 2, frame uint32_t at 4).  Pin them in that lab's
 * tests/abi/ when the header defines them.
 */
