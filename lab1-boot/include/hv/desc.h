/*
 * hv/desc.h - segment descriptors, the GDT, the TSS and IDT gates (lab 1).
 *
 * The GDT is laid out as Xen 3.0's (x86_32):
 *
 *   entries 0 .. 7167      pages 0-13: the guest's own descriptor pages.
 *                          Empty (all zero, not present) until lab 4's
 *                          set_gdt.
 *   entry 7168  0xe000     FIRST_RESERVED_GDT_ENTRY: null (Xen 3.0 puts its
 *                          double-fault TSS here; Parakeet has none)
 *   entry 7169  0xe008     __HYPERVISOR_CS   ring 0 code, flat 4 GiB
 *   entry 7170  0xe010     __HYPERVISOR_DS   ring 0 data, flat 4 GiB
 *   entry 7171  0xe019     FLAT_RING1_CS     } guest segments from 0 to
 *   entry 7172  0xe021     FLAT_RING1_DS     } HYPERVISOR_VIRT_START - 1
 *   entry 7173  0xe02b     FLAT_RING3_CS     } (public/xen.h)
 *   entry 7174  0xe033     FLAT_RING3_DS     }
 *   entry 7175  0xe038     unused
 *   entry 7176  0xe040     __TSS_SELECTOR    the TSS (Xen's __TSS(0))
 *   entry 7177  0xe048     __LDT_SELECTOR    reserved for the LDT (Xen's
 *                          __LDT(0)); lab 4's MMUEXT_SET_LDT fills it
 *   entries 7178 .. 7679   rest of the reserved page, zero
 *
 * Memory: gdt[] is NR_GDT_ENTRIES (7680) entries, 15 pages, page-aligned,
 * so the reserved entries are exactly its last page, and lgdt's limit
 * (NR_GDT_ENTRIES * 8 - 1 = 0xefff, Xen's LAST_RESERVED_GDT_BYTE) covers
 * only memory that is this table.  In labs 1-3 the CPU uses gdt[] as it is.
 *
 * How lab 4 will give each guest its own descriptor pages (not done yet):
 * like Xen's per-domain GDT area, each vCPU gets 16 pages of hypervisor
 * virtual address space (GDT_VIRT_START(v)).  set_gdt(frames, entries)
 * validates up to FIRST_RESERVED_GDT_PAGE (14) guest frames, takes a
 * segment-descriptor type reference on each and maps them read-only at
 * pages 0..n-1; pages n..13 map the zero frames of gdt[]'s own pages
 * 0..13; page 14 maps the frame of gdt[]'s reserved page, shared by every
 * GDT.  Switching to the vCPU loads that area with the same limit 0xefff,
 * so the reserved selectors above work in every guest's GDT.
 */
#ifndef HV_DESC_H
#define HV_DESC_H

#include <public/xen.h>

/* FIRST_RESERVED_GDT_PAGE/_BYTE/_ENTRY come from public/xen.h. */
#define NR_RESERVED_GDT_PAGES 1
#define NR_RESERVED_GDT_ENTRIES (NR_RESERVED_GDT_PAGES * 4096 / 8) /* 512 */
#define NR_GDT_ENTRIES (FIRST_RESERVED_GDT_ENTRY + NR_RESERVED_GDT_ENTRIES)
#define LAST_RESERVED_GDT_BYTE (NR_GDT_ENTRIES * 8 - 1) /* 0xefff: lgdt's limit */

#define __HYPERVISOR_CS 0xe008 /* GDT entry 7169, ring 0 code             */
#define __HYPERVISOR_DS 0xe010 /* GDT entry 7170, ring 0 data             */
/* 7171..7174: FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS  */
#define __TSS_SELECTOR 0xe040  /* GDT entry 7176, the task-state segment  */
#define __LDT_SELECTOR 0xe048  /* GDT entry 7177, reserved for the LDT    */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Selector -> GDT index (drop the RPL and table-indicator bits). */
#define GDT_INDEX(sel) ((sel) >> 3)

/*
 * One 8-byte GDT entry, as two 32-bit words (Intel SDM vol. 3, fig. 3-8):
 *   a: limit[15:0] | base[15:0] << 16
 *   b: base[23:16] | type:4 S:1 DPL:2 P:1 | limit[19:16] | AVL L D/B G | base[31:24]
 */
struct desc_struct {
    uint32_t a, b;
};

/* The "type" nibble plus the S bit (bit 4): code/data vs system. */
#define DESC_TYPE_DATA_RW 0x12 /* S=1, data, read/write                  */
#define DESC_TYPE_CODE_RX 0x1A /* S=1, code, execute/read                */
#define DESC_TYPE_TSS 0x09     /* S=0, available 32-bit TSS               */

/* 15 pages, page-aligned: the reserved page is gdt[FIRST_RESERVED_GDT_ENTRY..]. */
extern struct desc_struct gdt[NR_GDT_ENTRIES];

/* The 32-bit task-state segment: only ss0/esp0 and the I/O map matter. */
struct tss_struct {
    uint16_t back_link, __blh;
    uint32_t esp0;
    uint16_t ss0, __ss0h;
    uint32_t esp1;
    uint16_t ss1, __ss1h;
    uint32_t esp2;
    uint16_t ss2, __ss2h;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, __esh, cs, __csh, ss, __ssh, ds, __dsh;
    uint16_t fs, __fsh, gs, __gsh, ldt, __ldth;
    uint16_t trace, io_bitmap_base;
} __attribute__((packed));

extern struct tss_struct init_tss;

/* Exercise 2 (hv/gdt.c). */
struct desc_struct make_seg_desc(uint32_t base, uint32_t limit, uint8_t type,
                                 uint8_t dpl, int granularity_4k);
void init_gdt_and_tss(void);
/* Given (hv/gdt.c): just the ring-0 entries, before anything can trap. */
void init_early_gdt(void);

/* Given (hv/gdt.c helpers): lgdt + reload every segment register; ltr. */
void load_gdt(struct desc_struct *table, unsigned int entries);
void load_tr(uint16_t sel);

/*
 * Is this selector a GDT selector (TI = 0) within gdt[] whose descriptor is
 * a present code (want_code 1) or data segment of this DPL?
 */
int gdt_selector_ok(uint16_t sel, int want_code, int want_dpl);

/* IDT (given, hv/traps.c). */
#define NR_VECTORS 256
struct gate_struct {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr; /* P | DPL<<5 | type (0xE interrupt, 0xF trap gate) */
    uint16_t offset_high;
};
extern struct gate_struct idt_table[NR_VECTORS];
#define GATE_INTERRUPT 0xE /* clears IF on entry */
#define GATE_TRAP 0xF      /* leaves IF alone    */
void set_gate(unsigned int vector, int type, int dpl, void *handler);
#endif /* __ASSEMBLER__ */

#endif /* HV_DESC_H */
