/*
 * tests/desc.c - a guest's own segment descriptors (lab 4, exercise 7).
 * The option op= picks what it does; every value it reports is one it
 * computed (a hypercall's result, a byte read through a segment of its
 * own), and tests.ini's "exercise 7" block says which values must appear.
 *
 *   op=gdt        set_gdt with a page of good descriptors (refused while
 *                 the page is still mapped writable), use them (%gs, %ds
 *                 read through them), update_descriptor, 14 frames, an
 *                 LDT (MMUEXT_SET_LDT) read through %fs; the GDT page
 *                 cannot be mapped writable while in use.  It ends with a
 *                 GDT and an LDT still loaded: the hypervisor must drop
 *                 their references when the domain ends.
 *   op=refuse     every descriptor the hypervisor must refuse, through
 *                 both update_descriptor and set_gdt, and every bad frame,
 *                 count, address and pointer, for set_gdt,
 *                 update_descriptor and MMUEXT_SET_LDT.
 *   op=ldt-gate   (lab 1's ldt test) a call gate to the hypervisor's code
 *   op=ldt-data   segment, or a 4 GiB data segment, in an LDT: SET_LDT
 *                 refuses it, and the selector then faults.
 *   op=exit-gs    (lab 1's exit-segment, lab 3's failsafe-callback with
 *                 failsafe=1) %gs names a descriptor of our own that
 *                 update_descriptor makes not-present: reloading %gs on
 *                 the way back from that very hypercall faults.
 *   op=exit-iret  (lab 1's exit-iret) a hypercall from the last two bytes
 *                 below the limit of a code segment of our own (made with
 *                 update_descriptor in a set_gdt page): the
 *                 hypervisor's iret to the next byte faults (Bochs; QEMU
 *                 checks no code-segment limits).
 *
 * Labs 1-3 could reach their descriptors only through the "known gap"
 * (writable page tables); these are the same attacks, the lab 4 way.
 * Pages come from the top of our memory, which nothing else uses; we
 * remap them with update_va_mapping (a frame with a writable mapping
 * cannot become a descriptor page).
 */
#include <guest/failsafe.h>
#include <guest/lib.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>

#define PTE_P 0x001
#define PTE_RW 0x002
#define KERNEL_BASE 0xC0000000UL

/* Descriptor types (type nibble and S bit) and flags. */
#define T_DATA 0x12      /* read/write data         */
#define T_DATA_DOWN 0x16 /* read/write, expand-down */
#define T_CODE 0x1A      /* execute/read code       */
#define T_TSS 0x09       /* system: 32-bit TSS      */
#define T_LDT 0x02       /* system: LDT             */
#define T_CALLGATE 0x0C  /* system: 32-bit call gate */
#define G_4K 1
#define G_BYTE 0

#define GDT_SEL(i, rpl) (((i) << 3) | (rpl))
#define LDT_SEL(i, rpl) (((i) << 3) | 4 | (rpl))
#define HV_CS 0xe008 /* the hypervisor's code segment (hv/desc.h) */

struct desc {
    uint32_t a, b;
};

/* A code/data/system segment descriptor, present. */
static struct desc seg(uint32_t base, uint32_t limit, unsigned int type,
                       unsigned int dpl, int g)
{
    struct desc d;

    d.a = (limit & 0xFFFF) | (base << 16);
    d.b = ((base >> 16) & 0xFF) | (type << 8) | (dpl << 13) | 0x8000 |
          (limit & 0xF0000) | ((type & 0x10) ? 1U << 22 : 0) |
          (g ? 1U << 23 : 0) | (base & 0xFF000000);
    return d;
}

/* A 32-bit call gate to sel:off, DPL dpl, present or not. */
static struct desc gate(uint16_t sel, uint32_t off, unsigned int dpl, int present)
{
    struct desc d;

    d.a = (off & 0xFFFF) | ((uint32_t)sel << 16);
    d.b = (off & 0xFFFF0000) | (present ? 0x8000 : 0) | (dpl << 13) | (T_CALLGATE << 8);
    return d;
}

/* ---- pages and hypercalls ---- */

static unsigned int pages_taken;

/* A page of ours from the top of memory: its address; *mfn its frame. */
static volatile struct desc *take_page(unsigned long *mfn)
{
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    unsigned long pfn = start_info->nr_pages - 1 - pages_taken++;
    volatile struct desc *p = (volatile struct desc *)(KERNEL_BASE + (pfn << 12));

    *mfn = mfn_list[pfn];
    memset((void *)p, 0, 4096);
    return p;
}

static unsigned long va_to_mfn(unsigned long va)
{
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;

    return mfn_list[(va - KERNEL_BASE) >> 12];
}

static long remap(volatile void *va, unsigned long mfn, int writable)
{
    return _hypercall5(__HYPERVISOR_update_va_mapping, (unsigned long)va,
                       (mfn << 12) | PTE_P | (writable ? PTE_RW : 0), 0, UVMF_INVLPG, 0);
}

static long set_gdt(const unsigned long *frames, unsigned long entries)
{
    return _hypercall5(__HYPERVISOR_set_gdt, (unsigned long)frames, entries, 0, 0, 0);
}

static long update_descriptor(unsigned long mfn, unsigned int entry, struct desc d)
{
    return _hypercall5(__HYPERVISOR_update_descriptor, (mfn << 12) + entry * 8, 0,
                       d.a, d.b, 0);
}

static long set_ldt(unsigned long va, unsigned int nr_ents)
{
    struct mmuext_op op;

    op.cmd = MMUEXT_SET_LDT;
    op.arg1.linear_addr = va;
    op.arg2.nr_ents = nr_ents;
    return _hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
}

static struct parakeet_page_info page_info(unsigned long mfn)
{
    struct parakeet_page_info pi;

    memset(&pi, 0, sizeof(pi));
    if (_hypercall5(__HYPERVISOR_page_info, mfn, (unsigned long)&pi, 0, 0, 0) < 0)
        pi.type = pi.type_count = ~0U;
    return pi;
}

/* Read the 32-bit word at offset 0 of segment `sel` via %gs. */
static uint32_t read_via_gs(uint16_t sel)
{
    uint32_t v;

    __asm__ volatile("movw %w1, %%gs\n\t"
                     "movl %%gs:0, %0\n\t"
                     "movw %w2, %%gs"
                     : "=r"(v) : "r"(sel), "r"(0) : "memory");
    return v;
}

/* ---- op=gdt ---- */

static volatile uint32_t ds_marker = 0xd5d5d5d5;

static int gdt(void)
{
    unsigned long mfn, data_mfn, ldt_mfn, frames[FIRST_RESERVED_GDT_PAGE];
    volatile struct desc *g = take_page(&mfn);
    volatile uint32_t *data = (volatile uint32_t *)take_page(&data_mfn);
    volatile struct desc *ldt = take_page(&ldt_mfn);
    struct parakeet_page_info pi;
    uint32_t v;
    unsigned int i;

    data[0] = 0x5eed0001;
    data[2] = 0x5eed0003;
    g[1] = seg(0, 0xFC3FF, T_DATA, 1, G_4K); /* flat, ends at 0xFC3FFFFF */
    g[2] = seg(0, 0xFC3FF, T_CODE, 1, G_4K);
    g[3] = seg((uint32_t)(unsigned long)data, 0xFFF, T_DATA, 1, G_BYTE);
    g[4] = seg(0, 0xFC3FF, T_DATA, 3, G_4K);

    report("gdt.set_while_writable=%ld", set_gdt(&mfn, 5));
    report("gdt.remap_readonly=%ld", remap(g, mfn, 0));
    report("gdt.set=%ld", set_gdt(&mfn, 5));
    pi = page_info(mfn);
    report("gdt.frame type=%u type_count=%u", pi.type, pi.type_count);
    report("gdt.remap_writable_in_use=%ld", remap(g, mfn, 1));

    /* Through our own segments: %gs based at `data`, %ds flat. */
    report("gdt.gs_read=%#x", read_via_gs(GDT_SEL(3, 1)));
    __asm__ volatile("movw %%ds, %%cx\n\t"
                     "movw %w1, %%ds\n\t"
                     "movl (%2), %0\n\t"
                     "movw %%cx, %%ds"
                     : "=r"(v) : "r"(GDT_SEL(1, 1)), "r"(&ds_marker) : "ecx", "memory");
    report("gdt.ds_read=%#x", v);

    /* update_descriptor: move entry 3's base 8 bytes on; a refused one changes nothing. */
    report("gdt.update=%ld",
           update_descriptor(mfn, 3, seg((uint32_t)(unsigned long)data + 8, 0xFFF, T_DATA, 1, G_BYTE)));
    report("gdt.gs_read_updated=%#x", read_via_gs(GDT_SEL(3, 1)));
    report("gdt.update_dpl0=%ld",
           update_descriptor(mfn, 3, seg((uint32_t)(unsigned long)data, 0xFFF, T_DATA, 0, G_BYTE)));
    report("gdt.gs_read_after_refused=%#x", read_via_gs(GDT_SEL(3, 1)));

    /* All 14 frames (the same one 14 times: 14 type references), then one entry too many. */
    for (i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        frames[i] = mfn;
    report("gdt.set_14_frames=%ld", set_gdt(frames, FIRST_RESERVED_GDT_ENTRY));
    pi = page_info(mfn);
    report("gdt.frame_14 type=%u type_count=%u", pi.type, pi.type_count);
    report("gdt.set_7169_entries=%ld", set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1));
    report("gdt.gs_read_14=%#x", read_via_gs(GDT_SEL(3, 1)));

    /* Give it up: no type left, so it can be writable again. */
    report("gdt.clear=%ld", set_gdt(NULL, 0));
    pi = page_info(mfn);
    report("gdt.cleared type_count=%u", pi.type_count);
    report("gdt.remap_writable_after=%ld", remap(g, mfn, 1));

    /* An LDT: entry 1 a data segment based at `data`, read through %fs. */
    ldt[1] = seg((uint32_t)(unsigned long)data, 0xFFF, T_DATA, 1, G_BYTE);
    report("ldt.remap_readonly=%ld", remap(ldt, ldt_mfn, 0));
    report("ldt.set=%ld", set_ldt((unsigned long)ldt, 2));
    pi = page_info(ldt_mfn);
    report("ldt.frame type=%u type_count=%u", pi.type, pi.type_count);
    __asm__ volatile("movw %w1, %%fs\n\t"
                     "movl %%fs:0, %0\n\t"
                     "movw %w2, %%fs"
                     : "=r"(v) : "r"(LDT_SEL(1, 1)), "r"(0) : "memory");
    report("ldt.fs_read=%#x", v);
    report("ldt.update=%ld",
           update_descriptor(ldt_mfn, 1, seg((uint32_t)(unsigned long)data + 8, 0xFFF, T_DATA, 1, G_BYTE)));
    __asm__ volatile("movw %w1, %%fs\n\t"
                     "movl %%fs:0, %0\n\t"
                     "movw %w2, %%fs"
                     : "=r"(v) : "r"(LDT_SEL(1, 1)), "r"(0) : "memory");
    report("ldt.fs_read_updated=%#x", v);

    /* End with both loaded: the hypervisor must let go of them itself. */
    report("gdt.remap_readonly_again=%ld", remap(g, mfn, 0));
    report("gdt.left_loaded=%ld", set_gdt(&mfn, 5));
    return 0;
}

/* ---- op=refuse ---- */

struct bad_case {
    const char *name;
    struct desc d;
};

static int refuse(void)
{
    unsigned long mfn, ldt_mfn, l2_mfn, free_mfn = 0, idt_mfn, m, frames[1];
    volatile struct desc *g = take_page(&mfn);
    volatile struct desc *ldt = take_page(&ldt_mfn);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr;
    const struct bad_case cases[] = {
        { "dpl0_data", seg(0, 0xFFFFF, T_DATA, 0, G_4K) },
        { "dpl0_code", seg(0, 0xFBFFF, T_CODE, 0, G_4K) },
        { "gate_to_hv", gate(HV_CS, 0xFC100000, 3, 1) },
        { "gate_to_guest", gate(FLAT_RING1_CS, KERNEL_BASE, 3, 1) },
        { "tss", seg(KERNEL_BASE, 0x67, T_TSS, 1, G_BYTE) },
        { "ldt", seg(KERNEL_BASE, 0xFFF, T_LDT, 1, G_BYTE) },
        { "limit_into_hole", seg(0, 0xFC400, T_DATA, 1, G_4K) },
        { "limit_4g", seg(0, 0xFFFFF, T_DATA, 1, G_4K) },
        { "base_in_hole", seg(0xFC400000, 0, T_DATA, 1, G_BYTE) },
        { "base_wraps", seg(0xFFFFF000, 0x1FFF, T_DATA, 3, G_BYTE) },
        { "expand_down", seg(0, 0, T_DATA_DOWN, 1, G_4K) }, /* 0x1000 up to 4 GiB */
        { "code_into_hole", seg(0x10000000, 0xEC400, T_CODE, 1, G_4K) },
    };
    const struct bad_case good[] = {
        { "limit_at_m2p_end", seg(0, 0xFC3FF, T_DATA, 1, G_4K) },
        { "not_present_gate", gate(HV_CS, 0xFC100000, 3, 0) },
    };
    unsigned int i;

    /* Each bad descriptor: update_descriptor into a page of ours, and
     * set_gdt on a page holding it. */
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]) + 2; i++) {
        int ok = i >= sizeof(cases) / sizeof(cases[0]);
        const struct bad_case *c = ok ? &good[i - sizeof(cases) / sizeof(cases[0])] : &cases[i];
        long upd, set;

        upd = update_descriptor(mfn, 1, c->d);
        g[1] = c->d;
        remap(g, mfn, 0);
        set = set_gdt(&mfn, 2);
        if (set == 0)
            set_gdt(NULL, 0);
        remap(g, mfn, 1);
        g[1].a = g[1].b = 0;
        report("%s.%s update=%ld set_gdt=%ld", ok ? "accept" : "refuse", c->name, upd, set);
    }

    /* Frames that are not ours, or not descriptor-typeable. */
    __asm__ volatile("sidt %0" : "=m"(idtr));
    idt_mfn = (idtr.base - MACH2PHYS_VIRT_END) >> 12; /* the direct map starts there */
    l2_mfn = va_to_mfn(start_info->pt_base);
    for (m = 0x400; m < 0x4000 && !free_mfn; m++) /* a free frame, by asking */
        if (page_info(m).owner == DOMID_FREE)
            free_mfn = m;
    report("frames free_found=%d", free_mfn != 0);
    frames[0] = 0x100;
    report("refuse.frame_hv_text set_gdt=%ld update=%ld", set_gdt(frames, 1),
           update_descriptor(0x100, 1, seg(0, 0, T_DATA, 1, 0)));
    frames[0] = idt_mfn;
    report("refuse.frame_idt set_gdt=%ld update=%ld", set_gdt(frames, 1),
           update_descriptor(idt_mfn, 1, seg(0, 0, T_DATA, 1, 0)));
    frames[0] = free_mfn;
    report("refuse.frame_free set_gdt=%ld update=%ld", set_gdt(frames, 1),
           update_descriptor(free_mfn, 1, seg(0, 0, T_DATA, 1, 0)));
    frames[0] = 0xFFFFF;
    report("refuse.frame_beyond set_gdt=%ld update=%ld", set_gdt(frames, 1),
           update_descriptor(0xFFFFF, 1, seg(0, 0, T_DATA, 1, 0)));
    frames[0] = l2_mfn;
    report("refuse.frame_l2 set_gdt=%ld update=%ld", set_gdt(frames, 1),
           update_descriptor(l2_mfn, 1, seg(0, 0, T_DATA, 1, 0)));
    frames[0] = mfn; /* writable-mapped, and good */
    report("refuse.frame_writable set_gdt=%ld", set_gdt(frames, 1));

    /* Counts, addresses, pointers. */
    report("refuse.entries_7169 set_gdt=%ld", set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1));
    report("refuse.frame_list_in_hole set_gdt=%ld",
           set_gdt((const unsigned long *)HYPERVISOR_VIRT_START, 1));
    report("refuse.update_misaligned update=%ld",
           _hypercall5(__HYPERVISOR_update_descriptor, (mfn << 12) + 4, 0, 0, 0, 0));
    report("refuse.update_above_4g update=%ld",
           _hypercall5(__HYPERVISOR_update_descriptor, mfn << 12, 1, 0, 0, 0));

    /* The LDT: bad frames, addresses and counts (op=ldt-gate and
     * op=ldt-data are lab 1's attacks through it). */
    ldt[0] = seg(0, 0xFC3FF, T_DATA, 1, G_4K); /* good, but mapped writable */
    report("refuse.ldt_writable set_ldt=%ld", set_ldt((unsigned long)ldt, 1));
    remap(ldt, ldt_mfn, 0);
    report("refuse.ldt_misaligned set_ldt=%ld", set_ldt((unsigned long)ldt + 8, 1));
    report("refuse.ldt_8193 set_ldt=%ld", set_ldt((unsigned long)ldt, 8193));
    report("refuse.ldt_into_hole set_ldt=%ld", set_ldt(0xFBFFF000UL, 1024));
    report("refuse.ldt_unmapped set_ldt=%ld", set_ldt(0x00400000UL, 1));
    /* The refusals kept no reference: the LDT page (mapped read-only)
     * has no type reference left, the GDT page (mapped writable again)
     * only its writable one. */
    report("refuse.ldt_frame type_count=%u", page_info(ldt_mfn).type_count);
    report("refuse.gdt_frame type=%u type_count=%u", page_info(mfn).type,
           page_info(mfn).type_count);
    return 0;
}

/* ---- op=ldt-gate, op=ldt-data: lab 1's LDT attacks ---- */

/* Runs behind the call gate: if it runs at all, it is in ring 0. */
static volatile unsigned long gate_cs;
void desc_gate_target(void);
__asm__(".text\n"
        ".globl desc_gate_target\n"
        "desc_gate_target:\n\t"
        "movl %cs, %eax\n\t"          /* the privilege we run at      */
        "movl %eax, gate_cs\n\t"
        "lret\n");

/*
 * Lab 1's ldt test built these at linear address 0, where the reset LDTR
 * pointed, through its own page tables.  At lab 4 the way to an LDT is
 * MMUEXT_SET_LDT, which must refuse the page; the LDT then stays null,
 * and using the selector faults (#GP) - the domain has no handler, so it
 * is destroyed with the fault named.
 */
static int ldt_attack(int want_gate)
{
    unsigned long mfn;
    volatile struct desc *ldt = take_page(&mfn);
    extern char desc_lcall[], desc_lfs[];
    struct parakeet_page_info pi;

    ldt[0] = gate(HV_CS, (uint32_t)(unsigned long)desc_gate_target, 3, 1);
    ldt[1] = seg(0, 0xFFFFF, T_DATA, 1, G_4K); /* flat 4 GiB, DPL 1 */
    if (!want_gate)
        ldt[0].a = ldt[0].b = 0; /* only the data segment */
    /* read-only, so that only the descriptors can be the reason to refuse */
    report("ldt.%s remap_readonly=%ld", want_gate ? "gate" : "data", remap(ldt, mfn, 0));
    report("ldt.%s set_ldt=%ld", want_gate ? "gate" : "data", set_ldt((unsigned long)ldt, 2));
    pi = page_info(mfn);
    report("ldt.%s frame type_count=%u", want_gate ? "gate" : "data", pi.type_count);
    if (want_gate) {
        report("ldt.gate lcall=%#lx", (unsigned long)desc_lcall);
        __asm__ volatile(".globl desc_lcall\ndesc_lcall: lcall $%c0, $0"
                         : : "i"(LDT_SEL(0, 1)) : "eax", "memory");
        report("ldt.gate reached cs=%#lx cpl=%lu", gate_cs, gate_cs & 3);
    } else {
        unsigned char b;
        report("ldt.data load=%#lx", (unsigned long)desc_lfs);
        __asm__ volatile(".globl desc_lfs\ndesc_lfs: movw %w1, %%fs\n\t"
                         "movb %%fs:0xFC500000, %0\n\t"
                         "movw %w2, %%fs"
                         : "=q"(b) : "r"(LDT_SEL(1, 1)), "r"(0) : "memory");
        report("ldt.data read hypervisor byte=%#x", b);
    }
    return 0;
}

/* ---- op=exit-gs ---- */

/* The failsafe callback (failsafe_entry) and failsafe_report(): guest/failsafe.h. */

static int exit_gs(void)
{
    unsigned long mfn;
    volatile struct desc *g = take_page(&mfn);
    uint16_t gs_after;

    if (cmdline_option("failsafe"))
        report("exitgs.set_callbacks=%ld",
               _hypercall5(__HYPERVISOR_set_callbacks, FLAT_KERNEL_CS, 0, FLAT_KERNEL_CS,
                           (unsigned long)failsafe_entry, 0));
    g[1] = seg(0, 0xFC3FF, T_DATA, 1, G_4K);
    remap(g, mfn, 0);
    report("exitgs.set_gdt=%ld", set_gdt(&mfn, 2));
    __asm__ volatile("movw %w0, %%gs" : : "r"(GDT_SEL(1, 1)));
    report("exitgs.gs before=%#x", read_segment(gs));
    /* Not present any more - and on the way back from this very hypercall
     * the hypervisor reloads %gs from it. */
    report("exitgs.update_not_present=%ld",
           update_descriptor(mfn, 1, (struct desc){ g[1].a, g[1].b & ~0x8000u }));
    gs_after = read_segment(gs);
    failsafe_report("exitgs", gs_after);
    return 0;
}

/* ---- op=exit-iret ---- */

/*
 * A code segment of our own ending at the last byte of a page of ours,
 * `int $0x82` in that page's last two bytes, and a far call to them: the
 * hypervisor's iret returns to the byte after, past the limit.
 */
static int exit_iret(void)
{
    unsigned long mfn, code_mfn, at, end;
    volatile struct desc *g = take_page(&mfn);
    volatile uint8_t *code = (volatile uint8_t *)take_page(&code_mfn);
    struct {
        uint32_t off;
        uint16_t sel;
    } __attribute__((packed)) target;

    end = (unsigned long)code + 0xFFF;
    code[0xFFE] = 0xCD; /* int $0x82 */
    code[0xFFF] = 0x82;
    remap(g, mfn, 0);
    report("iret.set_gdt=%ld", set_gdt(&mfn, 3));
    report("iret.update_descriptor=%ld", /* the segment's last byte: end */
           update_descriptor(mfn, 2, seg(0, (uint32_t)(end >> 12), T_CODE, 1, G_4K)));
    at = end - 1;
    target.off = (uint32_t)at;
    target.sel = GDT_SEL(2, 1);
    report("iret.hypercall_at=%#lx limit=%#lx", at, end);
    __asm__ volatile("lcall *%1"
                     : "=a"(at)
                     : "m"(target), "a"(__HYPERVISOR_console_io), "b"(CONSOLEIO_write),
                       "c"(0), "d"("")
                     : "memory");
    report("iret.survived=1"); /* (it cannot: the iret faults first) */
    return 0;
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (op && !strcmp(op, "gdt"))
        return gdt();
    if (op && !strcmp(op, "refuse"))
        return refuse();
    if (op && !strcmp(op, "ldt-gate"))
        return ldt_attack(1);
    if (op && !strcmp(op, "ldt-data"))
        return ldt_attack(0);
    if (op && !strcmp(op, "exit-gs"))
        return exit_gs();
    if (op && !strcmp(op, "exit-iret"))
        return exit_iret();
    printf("desc: give op=gdt|refuse|ldt-gate|ldt-data|exit-gs|exit-iret\n");
    return 1;
}
