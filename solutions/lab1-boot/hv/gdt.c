/*
 * hv/gdt.c - the GDT and the TSS (lab 1, exercise 2).
 *
 * Privilege on x86 comes from segments: the current privilege level is the
 * low two bits of %cs, and a segment's descriptor says which rings may use
 * it (DPL) and how far it reaches (base and limit).  Paging only knows
 * "user" (ring 3) and "supervisor" (rings 0-2), so it cannot keep a ring-1
 * guest kernel out of the hypervisor's top 64 MiB.  The guest's segments
 * can: they start at 0 and their limit ends just below the hypervisor's
 * direct map, at MACH2PHYS_VIRT_END - 1, so any access at 0xFC400000 or
 * above exceeds the limit and raises #GP before it reaches memory.  The
 * 4 MiB below that, from HYPERVISOR_VIRT_START (0xFC000000), hold the
 * machine-to-phys table, which the guest may read but not write: paging
 * (a read-only mapping, and CR0.WP) guards it, as in Xen 3.0.
 *
 * The TSS matters for one thing: when a trap comes from ring 1 or 3 the
 * CPU loads the hypervisor's stack from tss.ss0:esp0.
 */
#include <hv/desc.h>
#include <hv/exercise.h>
#include <hv/lib.h>

/* Page-aligned so that its last page is exactly the reserved entries (hv/desc.h). */
struct desc_struct gdt[NR_GDT_ENTRIES] __aligned(4096);
struct tss_struct init_tss __aligned(128);
extern char hv_stack_top[];

/*
 * Exercise 2a: encode one descriptor (see hv/desc.h for the bit layout).
 * `limit` is 20 bits; in 4 KiB units when granularity_4k is set.  Set the
 * present bit; for code and data segments (the S bit, 0x10, is in `type`)
 * also the D/B bit (32-bit).
 */
struct desc_struct make_seg_desc(uint32_t base, uint32_t limit, uint8_t type,
                                 uint8_t dpl, int granularity_4k)
{
    struct desc_struct d = { 0, 0 };
    //@ begin lab1 ex2: GDT and TSS
    d.a = (limit & 0xFFFF) | ((base & 0xFFFF) << 16);
    d.b = ((base >> 16) & 0xFF)        /* base 23:16                     */
        | ((uint32_t)type << 8)        /* type and S                     */
        | ((uint32_t)(dpl & 3) << 13)  /* descriptor privilege level     */
        | (1U << 15)                   /* present                        */
        | (limit & 0xF0000)            /* limit 19:16                    */
        | ((type & 0x10) ? 1U << 22 : 0) /* D/B: 32-bit segment          */
        | (granularity_4k ? 1U << 23 : 0)
        | (base & 0xFF000000);         /* base 31:24                     */
    //@ stub
    //@ (void)base; (void)limit; (void)type; (void)dpl; (void)granularity_4k;
    //@ end
    return d;
}

/*
 * Exercise 2b: fill the reserved GDT entries and load GDT and TSS.  The
 * selectors (hv/desc.h, public/xen.h) say which entry each one is.
 *   __HYPERVISOR_CS/DS: ring 0, flat 4 GiB.
 *   FLAT_RING1_CS/DS, FLAT_RING3_CS/DS: rings 1 and 3, base 0, limit
 *     ending at MACH2PHYS_VIRT_END - 1 (in 4 KiB units), the last byte of
 *     the read-only machine-to-phys table: the guest reads the table, and
 *     the direct map above it is out of reach.
 *   __TSS_SELECTOR: init_tss, whose ss0:esp0 is __HYPERVISOR_DS and the top
 *     of hv_stack, and whose io_bitmap_base lies beyond its limit (no I/O
 *     bitmap: every `in`/`out` from a guest faults).
 * Then load_gdt() and load_tr() (given, below).
 */
void init_gdt_and_tss(void)
{
    //@ begin lab1 ex2: GDT and TSS
    const uint32_t guest_limit = (uint32_t)(MACH2PHYS_VIRT_END >> 12) - 1;

    gdt[GDT_INDEX(__HYPERVISOR_CS)] = make_seg_desc(0, 0xFFFFF, DESC_TYPE_CODE_RX, 0, 1);
    gdt[GDT_INDEX(__HYPERVISOR_DS)] = make_seg_desc(0, 0xFFFFF, DESC_TYPE_DATA_RW, 0, 1);
    gdt[GDT_INDEX(FLAT_RING1_CS)] = make_seg_desc(0, guest_limit, DESC_TYPE_CODE_RX, 1, 1);
    gdt[GDT_INDEX(FLAT_RING1_DS)] = make_seg_desc(0, guest_limit, DESC_TYPE_DATA_RW, 1, 1);
    gdt[GDT_INDEX(FLAT_RING3_CS)] = make_seg_desc(0, guest_limit, DESC_TYPE_CODE_RX, 3, 1);
    gdt[GDT_INDEX(FLAT_RING3_DS)] = make_seg_desc(0, guest_limit, DESC_TYPE_DATA_RW, 3, 1);

    memset(&init_tss, 0, sizeof(init_tss));
    init_tss.ss0 = __HYPERVISOR_DS;
    init_tss.esp0 = (uint32_t)hv_stack_top;
    init_tss.io_bitmap_base = sizeof(init_tss); /* beyond the limit: no bitmap */
    gdt[GDT_INDEX(__TSS_SELECTOR)] = make_seg_desc((uint32_t)&init_tss,
                                                   sizeof(init_tss) - 1,
                                                   DESC_TYPE_TSS, 0, 0);
    load_gdt(gdt, NR_GDT_ENTRIES);
    load_tr(__TSS_SELECTOR);
    //@ stub
    //@ EXERCISE_TODO(1, 2, "GDT and TSS");
    //@ end
}

/* ---- given ---- */

/*
 * The boot loader's GDT is somewhere in low memory with its own selectors.
 * Before anything can trap we need our ring-0 selectors 0xe008 and 0xe010,
 * so setup.c calls this first; the descriptors are written out by hand
 * (flat 4 GiB, ring 0, code 0x9A / data 0x92) so that it does not depend
 * on exercise 2.
 */
void init_early_gdt(void)
{
    gdt[GDT_INDEX(__HYPERVISOR_CS)] = (struct desc_struct){ 0x0000FFFF, 0x00CF9A00 };
    gdt[GDT_INDEX(__HYPERVISOR_DS)] = (struct desc_struct){ 0x0000FFFF, 0x00CF9200 };
    load_gdt(gdt, NR_GDT_ENTRIES);
}

/* lgdt, then reload %cs with a far jump and the data segment registers. */
void load_gdt(struct desc_struct *table, unsigned int entries)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __packed gdtr = { (uint16_t)(entries * 8 - 1), (uint32_t)table };

    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss\n\t"
                     "mov %2, %%fs\n\t"
                     "mov %2, %%gs"
                     :
                     : "m"(gdtr), "i"(__HYPERVISOR_CS), "r"(__HYPERVISOR_DS)
                     : "memory");
}

void load_tr(uint16_t sel)
{
    __asm__ volatile("ltr %0" : : "r"(sel));
}

int gdt_selector_ok(uint16_t sel, int want_code, int want_dpl)
{
    uint32_t b;
    int present, dpl, s, code;

    if ((sel & 4) || GDT_INDEX(sel) >= NR_GDT_ENTRIES) /* LDT, or beyond gdt[] */
        return 0;
    b = gdt[GDT_INDEX(sel)].b;
    present = (b >> 15) & 1;
    dpl = (b >> 13) & 3;
    s = (b >> 12) & 1;
    code = (b >> 11) & 1;

    return present && s && code == want_code && dpl == want_dpl;
}
