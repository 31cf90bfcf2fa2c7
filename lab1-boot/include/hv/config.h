/*
 * hv/config.h - the hypervisor's memory layout and limits (lab 1).
 *
 * Virtual memory, seen from any address space:
 *
 *   0x00000000 .. 0xFBFFFFFF   the guest's (its kernel at 0xC0000000 by convention)
 *   0xFC000000 .. 0xFF7FFFFF   DIRECTMAP: machine memory 0 .. 56 MiB, so the
 *                              hypervisor reaches frame MFN at
 *                              DIRECTMAP_VIRT_START + MFN * PAGE_SIZE; its own
 *                              image is loaded at 1 MiB, hence linked at 0xFC100000
 *   0xFF800000 .. 0xFFFFFFFF   reserved for later labs (lab 4: machine-to-phys table)
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

#define DIRECTMAP_VIRT_START HYPERVISOR_VIRT_START
#define DIRECTMAP_SIZE (_UL(56) << 20)
#define DIRECTMAP_VIRT_END (DIRECTMAP_VIRT_START + DIRECTMAP_SIZE)
#define DIRECTMAP_NR_L1 (DIRECTMAP_SIZE >> 22) /* page tables that map it  */

/* Frames the hypervisor can reach, hence manage: those in the direct map. */
#define MAX_FRAMES (DIRECTMAP_SIZE >> PAGE_SHIFT)

/* Where lab 4 maps the read-only machine-to-phys table. */
#define RO_MPT_VIRT_START _UL(0xFF800000)

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
