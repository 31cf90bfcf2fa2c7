/*
 * tests/hostile.c - a guest kernel that attacks the hypervisor (lab 1;
 * issue 10).  The option op= picks the attack; each reports the values it
 * computed, and the tests in tests.ini say which must (or must never)
 * appear.  What each attack tries, and what stops it:
 *
 *   op=ldt-gate   build a call gate to the hypervisor's code segment in an
 *                 LDT at linear address 0 and call through it: ring 0.
 *                 Stopped by the null LDT the hypervisor loads at boot.
 *   op=ldt-data   the same with a 4 GiB data segment, then read the
 *                 hypervisor's text through it (the segment-limit guard of
 *                 lab 1 is gone even on Bochs).  Same defence.
 *   op=fpu-leave  leave values on the x87 stack, for
 *   op=fpu-read   the next domain, which reports the FPU it was given.
 *                 Stopped by the FPU reset at each new domain (fpu_switch).
 *   op=recurse    recurse without bound, overflowing the boot stack into
 *                 the page below it.  Stopped by the unmapped guard page.
 *   op=flood      print 2 MiB, more than the grader reads, to silence
 *                 every later domain.  Stopped by the console budget.
 *   op=spin       loop for ever, so that no later domain ever runs.
 *                 Stopped by the watchdog (hv/watchdog.c).
 *   op=gdt-gs     make %gs's descriptor invalid while in the hypervisor,
 *                 so that reloading %gs on the way back faults; and
 *   op=iret-limit return from a hypercall to an eip past the code segment's
 *                 limit, so that the iret faults.  Both stopped by the
 *                 exit-path fixups in hv/entry.S (null selector, the
 *                 failsafe callback in lab 3, or the domain ends).
 *
 * Until lab 4 a guest may write its own page tables (they are mapped
 * writable: see "Known gap until lab 4" in the handouts); the attacks use
 * that only to map pages at addresses of their choice (iret-limit: in
 * its own copy of the read-only m2p's slot).  ldt-*, gdt-gs and
 * iret-limit cannot work from lab 4 on: their tests say `until_lab = 3`
 * and lab 4 redoes each attack the lab 4 way.
 */
#include <guest/failsafe.h>
#include <guest/lib.h>

#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_US 0x004

/* The hypervisor's code selector: two GDT entries below FLAT_RING1_CS, as in Xen. */
#define HV_CS_GUESS ((FLAT_RING1_CS & ~7) - 16)
#define LDT_SEL(i, rpl) (((i) << 3) | 4 | (rpl))

static unsigned long next_free_pfn;

/* A free page of ours: its guest virtual address; *mfn its machine frame. */
static unsigned long alloc_page(unsigned long *mfn)
{
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    unsigned long pfn;

    if (!next_free_pfn)
        next_free_pfn = start_info->first_free_pfn;
    pfn = next_free_pfn++;
    *mfn = mfn_list[pfn];
    return 0xC0000000UL + (pfn << 12);
}

/*
 * Map a fresh page of ours at va by writing our own page tables (possible
 * until lab 4): va's page-directory slot gets a fresh L1, whatever it
 * held.  Returns the hypervisor-independent pointer to use (laundered, so
 * that the compiler does not treat address 0 as a null pointer).
 */
static volatile uint32_t *map_fresh_page(unsigned long va)
{
    uint32_t *pd = (uint32_t *)start_info->pt_base;
    unsigned long l1_mfn, page_mfn;
    uint32_t *l1 = (uint32_t *)alloc_page(&l1_mfn);
    volatile uint32_t *p;

    alloc_page(&page_mfn);
    memset(l1, 0, 4096);
    l1[(va >> 12) & 1023] = (uint32_t)(page_mfn << 12) | PTE_P | PTE_RW;
    pd[va >> 22] = (uint32_t)(l1_mfn << 12) | PTE_P | PTE_RW | PTE_US;
    p = (volatile uint32_t *)va;
    __asm__ volatile("" : "+r"(p));
    return p;
}

/* ---- op=ldt-gate, op=ldt-data ---- */

static volatile unsigned long gate_cs; /* %cs seen behind the gate */

/* Runs behind the call gate: if it runs at all, it is in ring 0. */
void ldt_gate_target(void);
__asm__(".text\n"
        ".globl ldt_gate_target\n"
        "ldt_gate_target:\n\t"
        "movl %cs, %eax\n\t"
        "movl %eax, gate_cs\n\t"
        "lret\n");

static int ldt_attack(int gate)
{
    volatile uint32_t *ldt = map_fresh_page(0); /* the reset LDTR: base 0 */
    unsigned long target = (unsigned long)ldt_gate_target;
    extern char ldt_lcall[], ldt_lfs[];

    /* entry 0: a 32-bit call gate, DPL 3, to HV_CS_GUESS:target */
    ldt[0] = (target & 0xFFFF) | ((uint32_t)HV_CS_GUESS << 16);
    ldt[1] = (target & 0xFFFF0000) | 0x8000 | (3 << 13) | (0xC << 8);
    /* entry 1: a flat 4 GiB read/write data segment, DPL 1 */
    ldt[2] = 0x0000FFFF;
    ldt[3] = 0x00CFB200;
    if (gate) {
        report("ldt.gate lcall=%#lx", (unsigned long)ldt_lcall);
        __asm__ volatile(".globl ldt_lcall\nldt_lcall: lcall $%c0, $0"
                         : : "i"(LDT_SEL(0, 1)) : "eax", "memory");
        report("ldt.gate reached cs=%#lx cpl=%lu", gate_cs, gate_cs & 3);
    } else {
        unsigned char b;
        report("ldt.data load=%#lx", (unsigned long)ldt_lfs);
        __asm__ volatile(".globl ldt_lfs\nldt_lfs: movw %w1, %%fs\n\t"
                         "movb %%fs:0xFC500000, %0\n\t"
                         "movw %w2, %%fs"
                         : "=q"(b) : "r"(LDT_SEL(1, 1)), "r"(0) : "memory");
        report("ldt.data read hypervisor byte=%#x", b);
    }
    return 0;
}

/* ---- op=gdt-gs, op=iret-limit: the way back from the hypervisor ---- */

/*
 * op=gdt-gs: load %gs with a descriptor of our own, then make it invalid
 * (not present) and enter the hypervisor: reloading %gs on the way back
 * faults.  Our own descriptor lives in a GDT entry below the hypervisor's
 * reserved ones - the entries Xen's set_gdt gives a guest.  Until lab 4
 * we reach it by mapping the GDT's frame through our own page tables
 * (sgdt is not privileged); lab 4's update_descriptor makes the same
 * change legitimately.  With failsafe=1 we first register a failsafe
 * callback (lab 3's set_callbacks), which must receive the selectors.
 */
#define MY_GDT_ENTRY 1
#define MY_SEL ((MY_GDT_ENTRY << 3) | 1)

/* Where the hypervisor's direct map of machine memory starts (its
 * DIRECTMAP_VIRT_START): sgdt gives the GDT's address in it. */
#define HV_DIRECTMAP_START 0xFC400000UL

/* The failsafe callback (failsafe_entry) and failsafe_report(): guest/failsafe.h. */

static int gdt_gs(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr;
    volatile uint32_t *window;
    unsigned long pa, l1_mfn, va = 0x00400000UL; /* an empty PD slot */
    uint32_t *pd = (uint32_t *)start_info->pt_base;
    uint32_t *l1;
    uint16_t gs_after;
    long rc = 0;

    if (cmdline_option("failsafe")) {
        rc = _hypercall5(__HYPERVISOR_set_callbacks, FLAT_KERNEL_CS, 0,
                         FLAT_KERNEL_CS, (unsigned long)failsafe_entry, 0);
        report("gdt.set_callbacks=%ld", rc);
    }
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    pa = gdtr.base - HV_DIRECTMAP_START + MY_GDT_ENTRY * 8;
    l1 = (uint32_t *)alloc_page(&l1_mfn);
    memset(l1, 0, 4096);
    l1[0] = (uint32_t)(pa & ~0xFFFUL) | PTE_P | PTE_RW;
    pd[va >> 22] = (uint32_t)(l1_mfn << 12) | PTE_P | PTE_RW | PTE_US;
    window = (volatile uint32_t *)(va + (pa & 0xFFF));
    /* a flat DPL-1 read/write data segment, limit 0xFC3FF pages: it ends
     * where FLAT_RING1_DS does, at MACH2PHYS_VIRT_END - 1 */
    window[0] = 0x0000C3FF;
    window[1] = 0x00CFB200;
    __asm__ volatile("movw %w0, %%gs" : : "r"(MY_SEL));
    report("gdt.gs before=%#x", read_segment(gs));
    window[1] &= ~0x8000u;                  /* not present any more */
    HYPERVISOR_console_io(CONSOLEIO_write, 0, ""); /* in and out again */
    gs_after = read_segment(gs);
    window[0] = window[1] = 0;              /* leave the GDT as we found it */
    failsafe_report("gdt", gs_after);
    return 0;
}

/*
 * op=iret-limit: make a hypercall from the last two bytes our code
 * segment reaches, so that the instruction after it - where the
 * hypervisor's iret returns - is at MACH2PHYS_VIRT_END (0xFC400000), past
 * the segment's limit: the iret faults.  Those two bytes lie in the
 * read-only machine-to-phys table's slot, where we cannot put code; until
 * lab 4 we replace that slot of our own page directory with a page of
 * ours (the known gap).  The hypervisor writes its m2p through its own
 * mapping, never through this slot, so only we see the change.
 */
static int iret_limit(void)
{
    volatile uint8_t *page = (volatile uint8_t *)map_fresh_page(MACH2PHYS_VIRT_END - 4096);
    unsigned long at = MACH2PHYS_VIRT_END - 2;

    page[0xFFE] = 0xCD;                     /* int $0x82 */
    page[0xFFF] = 0x82;
    report("iret.hypercall_at=%#lx", at);
    __asm__ volatile("call *%1"
                     : "=a"(at)
                     : "r"(at), "a"(__HYPERVISOR_console_io), "b"(CONSOLEIO_write),
                       "c"(0), "d"("")
                     : "memory");
    report("iret.survived=1");              /* (it cannot: 0xFC400000) */
    return 0;
}

/* ---- op=fpu-leave, op=fpu-read ---- */

/*
 * fpu-leave pushes 1 and pi on the x87 stack and ends; fpu-read, the next
 * domain, looks at the FPU it was given: the stack top (TOP, status word
 * bits 11-13), the tag word (0xffff: every register empty) and the bits
 * of st(0).  A fresh FPU has top=0 and tag=0xffff.
 */
static int fpu_leave(void)
{
    __asm__ volatile("fld1\n\tfldpi" ::: "memory");
    report("fpu.leave pushed=2");
    return 0;
}

static int fpu_read(void)
{
    uint32_t env[7];         /* fnstenv: control, status, tag, ... */
    uint32_t st0[2] = { 0, 0 };
    uint16_t sw;

    __asm__ volatile("fnstsw %0" : "=m"(sw));
    __asm__ volatile("fnstenv %0\n\tfldenv %0" : "+m"(env));
    if ((env[2] & 0xffff) != 0xffff)   /* something there: take it */
        __asm__ volatile("fstl %0" : "=m"(st0));
    report("fpu.read top=%u tag=%#x st0=%08lx%08lx", (sw >> 11) & 7,
           (unsigned)(env[2] & 0xffff), (unsigned long)st0[1], (unsigned long)st0[0]);
    return 0;
}

/* ---- op=recurse ---- */

/*
 * Recurse without bound.  The boot stack (two pages below first_free_pfn)
 * overflows into the page below it: the guard page, unmapped, so the
 * next push page-faults.  Without the guard, the page tables are there
 * and the recursion writes return addresses into its own PTEs.
 */
static volatile unsigned long depth, limit = ~0UL; /* never reached */

static unsigned long recurse(unsigned long n)
{
    volatile unsigned long pad[16];

    pad[0] = n;
    depth = n;
    if (n == limit)
        return n;
    return recurse(n + 1) + pad[0];
}

static int stack_overflow(void)
{
    unsigned long top = 0xC0000000UL + (start_info->first_free_pfn << 12);

    report("recurse.guard=%#lx", top - 3 * 4096);
    recurse(0);
    report("recurse.survived depth=%lu", depth);
    return 0;
}

/* ---- op=flood ---- */

/*
 * Print 2 MiB (twice the grader's output cap), 16 KiB per console_io,
 * then end normally.  Each domain has a console budget; past it the
 * hypervisor drops this domain's output, so later domains are still heard.
 */
static char flood_buf[16384];

static int flood(void)
{
    unsigned long written = 0, refused = 0, i;

    for (i = 0; i < sizeof(flood_buf); i++)
        flood_buf[i] = (i % 64 == 63) ? '\n' : 'A' + (char)(i % 26);
    for (i = 0; i < 128; i++) {
        if (HYPERVISOR_console_io(CONSOLEIO_write, sizeof(flood_buf), flood_buf) < 0)
            refused++;
        else
            written += sizeof(flood_buf);
    }
    report("flood.written=%lu refused=%lu", written, refused);
    return 0;
}

/* ---- op=spin ---- */

/*
 * Never end, never yield: `for (;;);` (the builder starts us with events
 * masked, and we never unmask them).  Only the watchdog ends this domain.
 */
static int spin(void)
{
    volatile unsigned long n = 0;

    report("spin.forever=1");
    for (;;)
        n++;
    return 0;
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (!op) {
        printf("hostile: give op=ldt-gate|ldt-data|fpu-leave|fpu-read|recurse|flood|spin|gdt-gs|iret-limit\n");
        return 1;
    }
    if (!strcmp(op, "ldt-gate"))
        return ldt_attack(1);
    if (!strcmp(op, "ldt-data"))
        return ldt_attack(0);
    if (!strcmp(op, "fpu-leave"))
        return fpu_leave();
    if (!strcmp(op, "fpu-read"))
        return fpu_read();
    if (!strcmp(op, "recurse"))
        return stack_overflow();
    if (!strcmp(op, "flood"))
        return flood();
    if (!strcmp(op, "spin"))
        return spin();
    if (!strcmp(op, "gdt-gs"))
        return gdt_gs();
    if (!strcmp(op, "iret-limit"))
        return iret_limit();
    printf("hostile: unknown op=%s\n", op);
    return 1;
}
