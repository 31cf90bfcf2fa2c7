/*
 * hv/desc.h - segment descriptors, the GDT, the TSS and IDT gates (lab 1).
 *
 * The GDT follows Xen's plan: entries 0-255 would hold a guest's own
 * descriptors (Xen's set_gdt; Parakeet leaves them empty), and the
 * hypervisor's reserved entries start at 256, selector 0x800.
 */
#ifndef HV_DESC_H
#define HV_DESC_H

#include <public/xen.h>

#define FIRST_RESERVED_GDT_ENTRY 256
#define __HYPERVISOR_CS 0x0808 /* GDT entry 257, ring 0 code              */
#define __HYPERVISOR_DS 0x0810 /* GDT entry 258, ring 0 data              */
/* 259..262: FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS   */
#define __TSS_SELECTOR 0x0838  /* GDT entry 263, the task-state segment   */
#define NR_GDT_ENTRIES 264

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

/* Is the descriptor for this selector a present segment of this DPL? */
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
