/*
 * tests/abi/abi_dom0.c - public/dom0_ops.h, memory.h and grant_table.h
 * are Xen 3.0's (lab 6).
 *
 * Numbers and layouts from Xen 3.0.2's xen/include/public/dom0_ops.h,
 * sched_ctl.h, memory.h and grant_table.h (x86_32, no PAE), for the
 * commands Parakeet implements.  Parakeet's own: CREATEDOMAIN's
 * store_evtchn (after Xen's fields: the structure grows from 24 to 28
 * bytes, inside dom0_op's 128-byte union) and GNTTAB_RESERVED_XENSTORE
 * (Xen 4.2's number).  Compiled, never run, by tools/abi-check
 * (`make unit`).
 */
#include "abi.h"
#include <public/dom0_ops.h>
#include <public/grant_table.h>
#include <public/memory.h>

/* dom0_op (hypercall 7) */
ABI_CONST(__HYPERVISOR_dom0_op, 7);
ABI_CONST(DOM0_INTERFACE_VERSION, 0x03000000);
ABI_CONST(DOM0_ADJUSTDOM, 7);
ABI_CONST(DOM0_CREATEDOMAIN, 8);
ABI_CONST(DOM0_DESTROYDOMAIN, 9);
ABI_CONST(DOM0_PAUSEDOMAIN, 10);
ABI_CONST(DOM0_UNPAUSEDOMAIN, 11);
ABI_CONST(DOM0_GETDOMAININFO, 12);
ABI_CONST(DOM0_SETDOMAINMAXMEM, 28);
ABI_CONST(VIRQ_DOM_EXC, 3);
ABI_CONST(DOMFLAGS_DYING, 1 << 0);
ABI_CONST(DOMFLAGS_SHUTDOWN, 1 << 2);
ABI_CONST(DOMFLAGS_PAUSED, 1 << 3);
ABI_CONST(DOMFLAGS_BLOCKED, 1 << 4);
ABI_CONST(DOMFLAGS_RUNNING, 1 << 5);
ABI_CONST(DOMFLAGS_SHUTDOWNMASK, 255);
ABI_CONST(DOMFLAGS_SHUTDOWNSHIFT, 16);
ABI_CONST(SCHED_BVT, 0);
ABI_CONST(SCHED_INFO_PUT, 0);
ABI_CONST(SCHED_INFO_GET, 1);

ABI_SIZE(struct dom0_op, 136);
ABI_OFFSET(struct dom0_op, cmd, 0);
ABI_OFFSET(struct dom0_op, interface_version, 4);
ABI_OFFSET(struct dom0_op, u, 8);
ABI_OFFSET(struct dom0_createdomain, handle, 4);
ABI_OFFSET(struct dom0_createdomain, domain, 20);
ABI_OWN(offsetof(struct dom0_createdomain, store_evtchn), 24);
ABI_SIZE(struct dom0_destroydomain, 2);
ABI_SIZE(struct dom0_pausedomain, 2);
ABI_SIZE(struct dom0_unpausedomain, 2);
ABI_SIZE(struct dom0_getdomaininfo, 56);
ABI_OFFSET(struct dom0_getdomaininfo, flags, 4);
ABI_OFFSET(struct dom0_getdomaininfo, tot_pages, 8);
ABI_OFFSET(struct dom0_getdomaininfo, max_pages, 12);
ABI_OFFSET(struct dom0_getdomaininfo, shared_info_frame, 16);
ABI_OFFSET(struct dom0_getdomaininfo, cpu_time, 20);
ABI_OFFSET(struct dom0_getdomaininfo, nr_online_vcpus, 28);
ABI_OFFSET(struct dom0_getdomaininfo, max_vcpu_id, 32);
ABI_OFFSET(struct dom0_getdomaininfo, ssidref, 36);
ABI_OFFSET(struct dom0_getdomaininfo, handle, 40);
ABI_SIZE(struct sched_adjdom_cmd, 44);
ABI_OFFSET(struct sched_adjdom_cmd, domain, 8);
ABI_OFFSET(struct sched_adjdom_cmd, u, 12);
ABI_OFFSET(struct sched_adjdom_cmd, u.bvt.warpvalue, 20);
ABI_OFFSET(struct sched_adjdom_cmd, u.bvt.warpl, 24);
ABI_OFFSET(struct sched_adjdom_cmd, u.bvt.warpu, 32);
ABI_SIZE(struct dom0_setdomainmaxmem, 8);
ABI_OFFSET(struct dom0_setdomainmaxmem, max_memkb, 4);

/* memory_op (hypercall 12) */
ABI_CONST(__HYPERVISOR_memory_op, 12);
ABI_CONST(XENMEM_increase_reservation, 0);
ABI_CONST(XENMEM_decrease_reservation, 1);
ABI_CONST(XENMEM_maximum_ram_page, 2);
ABI_CONST(XENMEM_current_reservation, 3);
ABI_CONST(XENMEM_maximum_reservation, 4);
ABI_SIZE(struct xen_memory_reservation, 20);
ABI_OFFSET(struct xen_memory_reservation, nr_extents, 4);
ABI_OFFSET(struct xen_memory_reservation, extent_order, 8);
ABI_OFFSET(struct xen_memory_reservation, address_bits, 12);
ABI_OFFSET(struct xen_memory_reservation, domid, 16);

/* grant_table_op (hypercall 20) */
ABI_CONST(__HYPERVISOR_grant_table_op, 20);
ABI_SIZE(struct grant_entry, 8);
ABI_OFFSET(struct grant_entry, domid, 2);
ABI_OFFSET(struct grant_entry, frame, 4);
ABI_CONST(GTF_invalid, 0);
ABI_CONST(GTF_permit_access, 1);
ABI_CONST(GTF_accept_transfer, 2);
ABI_CONST(GTF_type_mask, 3);
ABI_CONST(GTF_readonly, 1 << 2);
ABI_CONST(GTF_reading, 1 << 3);
ABI_CONST(GTF_writing, 1 << 4);
ABI_CONST(GTF_transfer_committed, 1 << 2);
ABI_CONST(GTF_transfer_completed, 1 << 3);
ABI_CONST(GNTTABOP_map_grant_ref, 0);
ABI_CONST(GNTTABOP_unmap_grant_ref, 1);
ABI_CONST(GNTTABOP_setup_table, 2);
ABI_CONST(GNTTABOP_transfer, 4);
ABI_CONST(GNTMAP_device_map, 1 << 0);
ABI_CONST(GNTMAP_host_map, 1 << 1);
ABI_CONST(GNTMAP_readonly, 1 << 2);
ABI_CONST(GNTMAP_application_map, 1 << 3);
ABI_CONST(GNTMAP_contains_pte, 1 << 4);
ABI_CONST(GNTST_okay, 0);
ABI_CONST(GNTST_general_error, -1);
ABI_CONST(GNTST_bad_domain, -2);
ABI_CONST(GNTST_bad_gntref, -3);
ABI_CONST(GNTST_bad_handle, -4);
ABI_CONST(GNTST_bad_virt_addr, -5);
ABI_CONST(GNTST_bad_dev_addr, -6);
ABI_CONST(GNTST_no_device_space, -7);
ABI_CONST(GNTST_permission_denied, -8);
ABI_CONST(GNTST_bad_page, -9);
ABI_SIZE(struct gnttab_map_grant_ref, 32);
ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8);
ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);
ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
ABI_OFFSET(struct gnttab_unmap_grant_ref, dev_bus_addr, 8);
ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);
ABI_SIZE(struct gnttab_setup_table, 16);
ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
ABI_OFFSET(struct gnttab_setup_table, status, 8);
ABI_OFFSET(struct gnttab_setup_table, frame_list, 12);
ABI_SIZE(struct gnttab_transfer, 16);
ABI_OFFSET(struct gnttab_transfer, domid, 4);
ABI_OFFSET(struct gnttab_transfer, ref, 8);
ABI_OFFSET(struct gnttab_transfer, status, 12);
ABI_OWN(GNTTAB_RESERVED_XENSTORE, 1);
ABI_OWN(NR_GRANT_FRAMES, 1);
