/*
 * hv/config.h - the hypervisor's memory layout and limits (lab 1).
 *
 * Virtual memory, seen from any address space - Xen 3.0's x86_32 non-PAE
 * layout of the top 64 MiB, cut to what Parakeet uses:
 *
 *   0x00000000 .. 0xFBFFFFFF   the guest's (its kernel at 0xC0000000 by convention)
 *   0xFC000000 .. 0xFC3FFFFF   RO_MPT: the machine-to-phys table, read-only
 *                              (PDE slot 1008).  The guest segments reach
 *                              it, so a guest kernel reads it directly
 *                              (MACH2PHYS_VIRT_START in public/xen.h)
 *   0xFC400000 .. 0xFFBFFFFF   DIRECTMAP: machine memory 0 .. 56 MiB (slots
 *                              1009-1022), so the hypervisor reaches frame
 *                              MFN at DIRECTMAP_VIRT_START + MFN * PAGE_SIZE;
 *                              its own image is loaded at 1 MiB, hence
 *                              linked at 0xFC500000
 *   0xFFC00000 .. 0xFFFFFFFF   PERDOMAIN (slot 1023): lab 4 maps the current
 *                              vCPU's GDT and LDT frames here
 *
 * The first byte a guest segment cannot reach is DIRECTMAP_VIRT_START.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <public/xen.h>

/* Constants usable from both C (unsigned long) and assembly (no suffix). */
#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE (_UL(1) << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* The read-only machine-to-phys table (hv/m2p.c): one PDE slot, 4 MiB. */
#define RO_MPT_VIRT_START MACH2PHYS_VIRT_START /* 0xFC000000 */
#define RO_MPT_VIRT_END MACH2PHYS_VIRT_END     /* 0xFC400000 */

/* The direct map of machine memory, right above it. */
#define DIRECTMAP_VIRT_START _UL(0xFC400000)
#define DIRECTMAP_SIZE (_UL(56) << 20)
#define DIRECTMAP_VIRT_END (DIRECTMAP_VIRT_START + DIRECTMAP_SIZE)
#define DIRECTMAP_NR_L1 (DIRECTMAP_SIZE >> 22) /* page tables that map it  */

/* Frames the hypervisor can reach, hence manage: those in the direct map. */
#define MAX_FRAMES (DIRECTMAP_SIZE >> PAGE_SHIFT)

/*
 * The last 4 MiB, one PDE slot, are per-domain (Xen's name): lab 4 maps
 * the current vCPU's GDT frames at GDT_VIRT_START and its LDT frames at
 * LDT_VIRT_START, 16 pages each (Xen 3.0's layout for vCPU 0).
 */
#define PERDOMAIN_VIRT_START _UL(0xFFC00000)
#define GDT_VIRT_START PERDOMAIN_VIRT_START
#define LDT_VIRT_START (GDT_VIRT_START + (_UL(64) << 10))
#define GDT_LDT_PAGES 16 /* each of the GDT and the LDT: 64 KiB */

/* The one hypervisor stack (one CPU): traps from a guest land at its top. */
#define HV_STACK_SIZE (16 * 1024)

#define MAX_DOMAINS 16 /* module slots; a refused module still uses one */
#define MAX_MODULES MAX_DOMAINS
#define DEFAULT_DOMAIN_MEM (_UL(4) << 20)

/* __va/__pa: between machine addresses and direct-map virtual addresses. */
#ifndef __ASSEMBLER__
#define __va(pa) ((void *)((unsigned long)(pa) + DIRECTMAP_VIRT_START))
#define __pa(va) ((unsigned long)(va) - DIRECTMAP_VIRT_START)
#endif

#endif /* HV_CONFIG_H */
