/*
 * tests/mmu_smoke.c - the shortest tour of lab 4's page-table hypercalls
 * (lab 4, exercises 1-5).
 *
 * The guest builds a second address space from two of its free pages - a
 * page directory A that copies its own guest slots, and an L1 B that
 * copies the L1 mapping its kernel and points A's kernel slot at B - then
 * pins B and A, switches to A, adds a mapping through B that is live at
 * once, switches back, unpins both, and makes A and B ordinary pages
 * again; an L1 that is only partly valid is refused and gives back the
 * references its valid part took.  After each step it reads the counts
 * back through page_info
 * (hypercall 50) and reports them, so the test checks the hypervisor's
 * bookkeeping, not just return codes.
 *
 * Run with mem=2M: the kernel's L1 then has free entries (pfns 513-1023).
 */
#include <guest/lib.h>
#include <public/mmu.h>

#define VIRT_BASE 0xC0000000UL
#define PAGE_SIZE 4096UL
#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_U 0x004
#define NO_FOREIGNDOM 0x7FF0 /* DOMID_SELF */
#define ALIAS_PFN 700        /* a va the bootstrap leaves unmapped (mem=2M) */

static unsigned long *mfn_list;

static unsigned long pfn_to_mfn(unsigned long pfn) { return mfn_list[pfn]; }
static void *pfn_to_va(unsigned long pfn) { return (void *)(VIRT_BASE + pfn * PAGE_SIZE); }
static unsigned long va_to_pfn(unsigned long va) { return (va - VIRT_BASE) / PAGE_SIZE; }

static long mmu_update1(uint64_t ptr, uint32_t val, unsigned int *done)
{
    struct mmu_update req = { ptr, val };
    return _hypercall5(__HYPERVISOR_mmu_update, (unsigned long)&req, 1,
                       (unsigned long)done, NO_FOREIGNDOM, 0);
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op;

    op.cmd = cmd;
    op.arg1.mfn = mfn;
    op.arg2.nr_ents = 0;
    return _hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0,
                       NO_FOREIGNDOM, 0);
}

static struct parakeet_page_info info(unsigned long mfn)
{
    struct parakeet_page_info pi;

    memset(&pi, 0, sizeof(pi));
    if (_hypercall2(__HYPERVISOR_page_info, mfn, &pi) < 0)
        pi.type = 99;
    return pi;
}

/* "smoke <what> type=T type_count=N count=C pinned=P" for frame mfn. */
static void report_frame(const char *what, unsigned long mfn)
{
    struct parakeet_page_info pi = info(mfn);

    report("smoke %s type=%u type_count=%u count=%u pinned=%u", what,
           (unsigned)pi.type, (unsigned)pi.type_count, (unsigned)pi.count,
           (unsigned)!!(pi.flags & PAGE_INFO_PINNED));
}

/* Machine address of the bootstrap L1 entry that maps va. */
static uint64_t boot_pte_ma(unsigned long va)
{
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;
    unsigned long l1_mfn = l2[va >> 22] >> 12;

    return ((uint64_t)l1_mfn << 12) | (((va >> 12) & 1023) * 4);
}

int main(void)
{
    unsigned long boot_l2, a_pfn = start_info->first_free_pfn, b_pfn = a_pfn + 1;
    unsigned long c_pfn = a_pfn + 2, d_pfn = a_pfn + 3, a, b, c, dmfn;
    unsigned long kslot = VIRT_BASE >> 22;
    const uint32_t *boot = (const uint32_t *)start_info->pt_base;
    uint32_t *l2a = pfn_to_va(a_pfn), *l1b = pfn_to_va(b_pfn);
    uint32_t *d_l1 = pfn_to_va(d_pfn);
    const uint32_t *kl1 = NULL;
    unsigned long free_before, i;
    unsigned int done = 99;
    volatile uint32_t *alias = (volatile uint32_t *)pfn_to_va(ALIAS_PFN);

    mfn_list = (unsigned long *)start_info->mfn_list;
    boot_l2 = pfn_to_mfn(va_to_pfn(start_info->pt_base));
    a = pfn_to_mfn(a_pfn);
    b = pfn_to_mfn(b_pfn);
    c = pfn_to_mfn(c_pfn);
    dmfn = pfn_to_mfn(d_pfn);
    free_before = info(a).nr_free;
    report_frame("boot_l2", boot_l2);

    /* 1. Fill A and B while they are still ordinary writable pages. */
    for (i = 0; i < start_info->nr_pages; i++)
        if (pfn_to_mfn(i) == boot[kslot] >> 12)
            kl1 = pfn_to_va(i);
    if (!kl1) {
        report("smoke kernel_l1=not_found");
        return 1;
    }
    for (i = 0; i < 1024; i++) {
        uint32_t e = kl1[i];
        unsigned long m = e >> 12;
        if ((e & PTE_P) && (m == a || m == b))
            e &= ~PTE_RW; /* no writable mapping of a table */
        l1b[i] = e;
    }
    for (i = 0; i < 1008; i++)
        l2a[i] = boot[i];
    l2a[kslot] = (b << 12) | PTE_P | PTE_RW | PTE_U;

    /* 2. Our own mappings of A and B become read-only: one batch of two. */
    {
        struct mmu_update req[2] = {
            { boot_pte_ma((unsigned long)l2a), (a << 12) | PTE_P },
            { boot_pte_ma((unsigned long)l1b), (b << 12) | PTE_P },
        };
        long rc = _hypercall5(__HYPERVISOR_mmu_update, (unsigned long)req, 2,
                              (unsigned long)&done, NO_FOREIGNDOM, 0);
        report("smoke readonly rc=%ld done=%u", rc, done);
    }
    report_frame("a_ro", a);

    /* 3. Pin B, then A (which takes a second L1 reference on B). */
    report("smoke pin_l1=%ld", mmuext(MMUEXT_PIN_L1_TABLE, b));
    report_frame("b_pinned", b);
    report("smoke pin_l2=%ld", mmuext(MMUEXT_PIN_L2_TABLE, a));
    report_frame("a_pinned", a);
    report_frame("b_used", b);

    /* 4. Switch to A; a mapping added through B is live at once. */
    report("smoke switch=%ld", mmuext(MMUEXT_NEW_BASEPTR, a));
    report_frame("a_current", a);
    report_frame("boot_l2_idle", boot_l2);
    report("smoke unpin_current=%ld", mmuext(MMUEXT_UNPIN_TABLE, a));
    report("smoke alias_map=%ld", mmu_update1(((uint64_t)b << 12) | (ALIAS_PFN * 4),
                                              (c << 12) | PTE_P | PTE_RW, NULL));
    *alias = 0x5a5a1234;
    report("smoke alias_write=%s",
           *(volatile uint32_t *)pfn_to_va(c_pfn) == 0x5a5a1234 ? "ok" : "wrong");
    report_frame("c_aliased", c);

    /* 5. Back, unpin A (releasing its reference on B), then B. */
    report("smoke switch_back=%ld", mmuext(MMUEXT_NEW_BASEPTR, boot_l2));
    report_frame("a_unused", a);
    report("smoke unpin_l2=%ld", mmuext(MMUEXT_UNPIN_TABLE, a));
    report_frame("a_unpinned", a);
    report_frame("b_after_a", b);
    report("smoke unpin_l1=%ld", mmuext(MMUEXT_UNPIN_TABLE, b));
    report_frame("b_unpinned", b);
    report_frame("c_unaliased", c);
    /* B is an L1 no one uses now: an ordinary page, not updatable. */
    report("smoke update_unused_l1=%ld",
           mmu_update1(((uint64_t)b << 12) | (ALIAS_PFN * 4), (c << 12) | PTE_P | PTE_RW,
                       NULL));

    /* 5b. An L1 whose first entry is fine and whose second maps frame 0
     * (the hypervisor's): refused, and the first entry's reference on C
     * given back. */
    d_l1[0] = (c << 12) | PTE_P | PTE_RW;
    d_l1[1] = (0 << 12) | PTE_P;
    report("smoke readonly_d=%ld",
           mmu_update1(boot_pte_ma((unsigned long)d_l1), (dmfn << 12) | PTE_P, NULL));
    report("smoke pin_bad_l1=%ld", mmuext(MMUEXT_PIN_L1_TABLE, dmfn));
    report_frame("d_refused", dmfn);
    report_frame("c_after_refusal", c);
    report("smoke writable_d=%ld", mmu_update1(boot_pte_ma((unsigned long)d_l1),
                                               (dmfn << 12) | PTE_P | PTE_RW, NULL));

    /* 6. A and B are ordinary pages again: writable mappings are allowed. */
    report("smoke writable_a=%ld", mmu_update1(boot_pte_ma((unsigned long)l2a),
                                               (a << 12) | PTE_P | PTE_RW, NULL));
    report("smoke writable_b=%ld", mmu_update1(boot_pte_ma((unsigned long)l1b),
                                               (b << 12) | PTE_P | PTE_RW, NULL));
    report("smoke flush=%ld", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0));
    l2a[0] = 0x1234; /* a plain write now */
    report_frame("a_plain", a);
    report("smoke free_delta=%ld", (long)(info(a).nr_free - free_before));
    return 0;
}
