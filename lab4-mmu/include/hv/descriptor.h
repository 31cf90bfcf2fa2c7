/*
 * hv/descriptor.h - a guest's own segment descriptors (lab 4, exercise 7).
 *
 * From lab 4 a guest may have its own GDT pages (set_gdt, hypercall 2)
 * and an LDT (mmuext_op MMUEXT_SET_LDT), as in Xen 3.0.  Their frames are
 * typed PGT_seg_desc_page, so the guest can no longer map them writable;
 * it changes one descriptor at a time through update_descriptor
 * (hypercall 10).  Every descriptor the CPU could load from them passed
 * check_descriptor(): no ring-0 segment, no gate, no TSS or LDT, and no
 * segment that reaches the hypervisor's memory.
 *
 * Where the CPU finds them (hv/gdt_switch.c, given): the per-domain area,
 * page-directory slot 1023, one hypervisor L1 shared by every address
 * space and rewritten on each vCPU switch (one CPU, one current vCPU):
 *
 *   GDT_VIRT_START + page 0..n-1   the vCPU's set_gdt frames
 *                  + page n..13    gdt[]'s own pages 0..13 (all zero)
 *                  + page 14       gdt[]'s reserved page (hv/desc.h),
 *                                  the same frame in every GDT
 *   LDT_VIRT_START + page 0..15    the vCPU's LDT frames
 *
 * The GDTR is always GDT_VIRT_START with limit 0xefff (hv/desc.h), so the
 * hypervisor's and the flat guest selectors work in every guest's GDT.
 * Lab 1's gdt[] stays the hypervisor's: the idle GDT, whose pages fill
 * the area when no guest GDT is mapped.
 */
#ifndef HV_DESCRIPTOR_H
#define HV_DESCRIPTOR_H

#include <hv/config.h>
#include <hv/desc.h>
#include <hv/mm.h>
#include <public/xen.h>

struct page_info;
struct vcpu;

/* The per-domain area (hv/config.h): PERDOMAIN_VIRT_START, GDT_VIRT_START, LDT_VIRT_START. */
#define PERDOMAIN_SLOT l2_table_offset(PERDOMAIN_VIRT_START) /* 1023 */
#define GDT_AREA_PAGES 16 /* pages 0..13 guest, 14 reserved, 15 unused  */
#define LDT_AREA_PAGES 16 /* 8192 entries * 8 bytes                     */
#define MAX_LDT_ENTRIES 8192
#define DESCS_PER_PAGE (4096 / 8) /* 512 */

/* ---- exercise 7 (hv/descriptor.c) ---- */

/*
 * Is this descriptor safe for the CPU to load on the guest's behalf?
 * 1 = yes, 0 = no.  Not-present: always (it can only fault).  Present:
 * only a code or data segment (S = 1) with DPL 1..3, expanding up, that
 * ends at or below MACH2PHYS_VIRT_END - 1 without wrapping.
 */
int check_descriptor(const struct desc_struct *d);

/* Every one of the 512 descriptors of a frame: 1 = all safe. */
int check_descriptor_page(unsigned long mfn);

/* MMUEXT_SET_LDT (lab 4's mmuext_op calls this): 0 or -errno. */
long set_ldt(struct vcpu *v, unsigned long va, unsigned int nr_ents);

/* Hypercalls 2 and 10 (registered in hv/descriptor.c). */
long do_set_gdt(unsigned long frame_list, unsigned int entries);
long do_update_descriptor(unsigned long ma_lo, unsigned long ma_hi,
                          unsigned long desc_lo, unsigned long desc_hi);

/*
 * When a domain ends (lab 4's domain_relinquish_resources calls it): stop
 * using its GDT and LDT and drop every reference they hold on its frames.
 */
void destroy_gdt(struct vcpu *v);

/* ---- given (hv/gdt_switch.c) ---- */

/* Map v's descriptor frames in the per-domain area if v is the one loaded. */
void write_gdt_ptes(struct vcpu *v);
void write_ldt_ptes(struct vcpu *v);
/* Is v's GDT/LDT the one in the per-domain area right now? */
int descriptors_loaded(const struct vcpu *v);
/* If it is, show the idle GDT and no LDT instead (before v's frames go). */
void unload_descriptors(struct vcpu *v);

#endif /* HV_DESCRIPTOR_H */
