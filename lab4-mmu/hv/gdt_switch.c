/*
 * hv/gdt_switch.c - where the CPU finds the current vCPU's GDT and LDT
 * (lab 4, given).
 *
 * Lab 1's gdt[] is one table for everybody.  From lab 4 each vCPU may have
 * its own descriptor pages (exercise 7, hv/descriptor.c), so the GDTR
 * points at a fixed window instead, GDT_VIRT_START, in the per-domain area
 * (hv/descriptor.h has the map).  One CPU runs one vCPU at a time, so one
 * hypervisor page table for that area - PDE slot 1023, shared by every
 * address space because every L2 copies the hypervisor's slots from
 * idle_pg_table - is enough: a vcpu switch hook rewrites its entries for
 * the vCPU about to run.  Xen does the same per vCPU, with one such area
 * each; it also maps LDT pages lazily, on the page fault their first use
 * raises.  Parakeet maps them eagerly, at MMUEXT_SET_LDT and on switch.
 *
 * The entries are supervisor-only and writable: writable because the CPU
 * itself writes descriptors (the accessed bit when it loads a segment,
 * the busy bit of the TSS); supervisor-only and above every guest
 * segment's limit, so no guest reaches them.
 */
#include <hv/descriptor.h>
#include <hv/hooks.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>

/* The per-domain area's page table: GDT window, then LDT window. */
static l1_pgentry_t perdomain_pt[L1_PAGETABLE_ENTRIES] __aligned(PAGE_SIZE);

/* Whose tables the area maps now; NULL: gdt[]'s own (the idle GDT). */
static struct vcpu *loaded;

/*
 * No _PAGE_USER.  Accessed and dirty already set: otherwise the CPU sets
 * them itself on first use - in the PDE, that is in whichever guest L2 is
 * current, making its hypervisor slot differ from idle_pg_table's.
 */
#define AREA_PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define AREA_PDE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

/* Map frame mfn (INVALID_MFN: nothing) at va in the area; drop the old TLB entry. */
static void map_area_page(unsigned long va, unsigned long mfn)
{
    perdomain_pt[l1_table_offset(va)] = mfn == INVALID_MFN ? 0 : MAKE_PTE(mfn, AREA_PTE_FLAGS);
    invlpg(va);
}

/* lgdt: the window, with lab 1's limit (0xefff) - never reloads a segment. */
static void load_gdt_window(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __packed gdtr = { LAST_RESERVED_GDT_BYTE, GDT_VIRT_START };

    __asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
}

int descriptors_loaded(const struct vcpu *v)
{
    return v && loaded == v;
}

/*
 * GDT window pages 0..13: v's set_gdt frames, then gdt[]'s own (zero)
 * pages; page 14: gdt[]'s reserved page.  Only if v is the loaded vCPU
 * (NULL: the idle GDT).
 */
void write_gdt_ptes(struct vcpu *v)
{
    unsigned int i, n = v ? (v->gdt_ents + DESCS_PER_PAGE - 1) / DESCS_PER_PAGE : 0;

    if (v != loaded)
        return;
    for (i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        map_area_page(GDT_VIRT_START + i * PAGE_SIZE,
                      i < n ? v->gdt_frames[i] : virt_to_mfn(&gdt[i * DESCS_PER_PAGE]));
    map_area_page(GDT_VIRT_START + FIRST_RESERVED_GDT_PAGE * PAGE_SIZE,
                  virt_to_mfn(&gdt[FIRST_RESERVED_GDT_ENTRY]));
}

/*
 * The LDT window: v's LDT frames, and the LDT descriptor (__LDT_SELECTOR,
 * in gdt[]'s reserved page, so in every GDT) over them; or nothing and a
 * null LDTR.  Only if v is the loaded vCPU.
 */
void write_ldt_ptes(struct vcpu *v)
{
    unsigned int i, n = v ? (v->ldt_ents + DESCS_PER_PAGE - 1) / DESCS_PER_PAGE : 0;
    uint32_t base = LDT_VIRT_START, limit;
    struct desc_struct *ldt_desc = &gdt[GDT_INDEX(__LDT_SELECTOR)];

    if (v != loaded)
        return;
    for (i = 0; i < LDT_AREA_PAGES; i++)
        map_area_page(LDT_VIRT_START + i * PAGE_SIZE, i < n ? v->ldt_frames[i] : INVALID_MFN);
    if (!n) {
        __asm__ volatile("lldt %w0" : : "q"(0) : "memory");
        ldt_desc->a = ldt_desc->b = 0;
        return;
    }
    /* An LDT descriptor (S = 0, type 2), DPL 0, present, byte granular:
     * limit = entries * 8 - 1 fits in 16 bits (8192 entries at most). */
    limit = v->ldt_ents * 8 - 1;
    ldt_desc->a = (limit & 0xFFFF) | (base << 16);
    ldt_desc->b = ((base >> 16) & 0xFF) | (0x82U << 8) | (limit & 0xF0000) |
                  (base & 0xFF000000);
    __asm__ volatile("lldt %w0" : : "q"(__LDT_SELECTOR) : "memory");
}

/* The vcpu switch hook: the area now shows next's tables. */
static void gdt_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    loaded = next;
    write_gdt_ptes(next);
    write_ldt_ptes(next);
    load_gdt_window();
}
REGISTER_VCPU_SWITCH_HOOK(gdt_switch);

/*
 * destroy_gdt() (hv/descriptor.c) calls this first: if v's tables are
 * mapped, show the idle GDT and no LDT instead, so that no frame is freed
 * while the CPU can still read descriptors from it.
 */
void unload_descriptors(struct vcpu *v)
{
    if (!descriptors_loaded(v))
        return;
    loaded = NULL;
    write_gdt_ptes(NULL);
    write_ldt_ptes(NULL);
}

/* At boot: hook the area's page table into slot 1023 and run on the window. */
static void init_perdomain_area(void)
{
    if (idle_pg_table[PERDOMAIN_SLOT])
        panic("PDE slot %lu (%#lx) is already in use (%#x): the per-domain "
              "area needs it", (unsigned long)PERDOMAIN_SLOT,
              (unsigned long)PERDOMAIN_VIRT_START, idle_pg_table[PERDOMAIN_SLOT]);
    idle_pg_table[PERDOMAIN_SLOT] = MAKE_PTE(virt_to_mfn(perdomain_pt), AREA_PDE_FLAGS);
    write_cr3(read_cr3()); /* flush: the slot was empty until now */
    write_gdt_ptes(NULL);
    load_gdt_window();
}
__initcall(init_perdomain_area);
