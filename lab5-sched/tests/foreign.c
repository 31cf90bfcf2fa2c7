/*
 * tests/foreign.c - a domain attacks the memory of another domain that is
 * alive at the same time (lab 5, with lab 4's validation).
 *
 * Until lab 5 domains run one after another, so lab 4's hostile tests
 * could only aim at *free* frames: no other domain was alive.  From lab 5
 * they run concurrently, and this test closes that gap:
 *
 *   op=victim   takes a page of its own, fills it with a canary, and marks
 *               it in the machine-to-phys table (MMU_MACHPHYS_UPDATE: its
 *               m2p entry becomes MARK), then sleeps while the attacker
 *               runs; it wakes, checks the canary and that the frame is
 *               still its own, and puts its m2p entry back.
 *   op=attack   finds the victim's frame by reading the read-only m2p
 *               table (any guest may read it), checks with page_info that
 *               the victim owns it, and tries every lab 4 door on it: map
 *               it writable and read-only (mmu_update and
 *               update_va_mapping), pin it as an L1 and an L2, make it its
 *               base pointer, write it as if it were a page table, change
 *               its m2p entry, use it as a descriptor page (set_gdt,
 *               update_descriptor), and name the victim as foreigndom.
 *
 * Each answer is reported; the test expects every one refused, the
 * victim's page untouched, both domains alive to their end, and no frame
 * lost.
 */
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>

#define MARK 0xCAFEUL          /* the victim's m2p mark: no real pfn this high */
#define CANARY 0x5AFEC0DEUL

static struct aspace as;

/* One mmu_update request, sent alone, as domain `dom`. */
static long mmu1(uint64_t ptr, uint32_t val, domid_t dom)
{
    mmu_update_t req = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&req, 1, NULL, dom);
}

/* The machine address of our user L1's entry for USER_VIRT_BASE. */
static uint64_t user_l1e_ma(void)
{
    return ((uint64_t)pfn_to_mfn(as.l1_pfn) << PAGE_SHIFT) + L1_INDEX(USER_VIRT_BASE) * 4;
}

/* One past the highest MFN page_info knows (the m2p's length). */
static unsigned long machine_frames(void)
{
    struct parakeet_page_info pi;
    unsigned long lo = 0x100, hi = 1UL << 20; /* lo valid, hi not */

    while (hi - lo > 1) {
        unsigned long mid = lo + (hi - lo) / 2;
        if (HYPERVISOR_page_info(mid, &pi) == 0)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

static int victim(void)
{
    unsigned long pfn = pfn_alloc(), mfn, i, bad = 0;
    volatile unsigned long *page;
    struct parakeet_page_info pi;
    long rc;

    if (pfn == PFN_NONE)
        return 1;
    page = pfn_to_virt(pfn);
    mfn = pfn_to_mfn(pfn);
    for (i = 0; i < PAGE_SIZE / sizeof(long); i++)
        page[i] = CANARY ^ i;
    rc = mmu1(((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, MARK, DOMID_SELF);
    report("victim mark=%ld", rc);
    sleep_ms(option_ul("sleep_ms", 100));
    for (i = 0; i < PAGE_SIZE / sizeof(long); i++)
        bad += page[i] != (CANARY ^ i);
    rc = HYPERVISOR_page_info(mfn, &pi);
    report("victim canary_bad=%lu still_mine=%d", bad,
           rc == 0 && pi.owner == start_info->domid && pi.type != PAGE_TYPE_L1 &&
               pi.type != PAGE_TYPE_L2);
    rc = mmu1(((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn, DOMID_SELF);
    report("victim unmark=%ld", rc);
    pfn_free(pfn);
    return 0;
}

/* The victim's marked frame, once it is there (we may start first). */
static unsigned long find_victim_frame(domid_t vdom)
{
    unsigned long n = machine_frames(), mfn, tries;
    struct parakeet_page_info pi;

    for (tries = 0; tries < 200; tries++) {
        for (mfn = 0x100; mfn < n; mfn++)
            if (machine_to_phys_mapping[mfn] == MARK &&
                HYPERVISOR_page_info(mfn, &pi) == 0 && pi.owner == vdom)
                return mfn;
        sleep_ms(1);
    }
    return 0;
}

static int attacker(void)
{
    domid_t vdom = (domid_t)option_ul("victim", 0);
    unsigned long m, pfn;
    uint64_t ma;
    unsigned long frames[1];
    long rc;

    rc = aspace_create(&as);
    rc = rc ?: aspace_switch(&as);
    report("attack init=%ld", rc);
    if (rc < 0)
        return 1;
    m = find_victim_frame(vdom);
    report("attack found=%d", m != 0);
    if (!m)
        return 1;
    ma = (uint64_t)m << PAGE_SHIFT;

    report("attack map_rw=%ld", mmu1(user_l1e_ma(), MAKE_PTE(m, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER), DOMID_SELF));
    report("attack map_ro=%ld", mmu1(user_l1e_ma(), MAKE_PTE(m, _PAGE_PRESENT | _PAGE_USER), DOMID_SELF));
    report("attack uvm_rw=%ld", HYPERVISOR_update_va_mapping(USER_VIRT_BASE, MAKE_PTE(m, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER), UVMF_INVLPG));
    report("attack entry_after=%#x", aspace_pte(&as, USER_VIRT_BASE));
    report("attack pin_l1=%ld", mmuext(MMUEXT_PIN_L1_TABLE, m));
    report("attack pin_l2=%ld", mmuext(MMUEXT_PIN_L2_TABLE, m));
    report("attack new_baseptr=%ld", mmuext(MMUEXT_NEW_BASEPTR, m));
    report("attack pt_write=%ld", mmu1(ma, 0x1234567, DOMID_SELF));
    report("attack machphys=%ld", mmu1(ma | MMU_MACHPHYS_UPDATE, 7, DOMID_SELF));
    report("attack update_descriptor=%ld", HYPERVISOR_update_descriptor(ma, 0));
    frames[0] = m;
    report("attack set_gdt=%ld", HYPERVISOR_set_gdt(frames, 512));
    report("attack foreigndom=%ld",
           mmu1(user_l1e_ma(), MAKE_PTE(m, _PAGE_PRESENT | _PAGE_USER), vdom));
    /* Our own page still maps: the doors are open, just not to that frame. */
    pfn = pfn_alloc();
    report("attack own_page=%ld", mmu1(user_l1e_ma(), MAKE_PTE(pfn_to_mfn(pfn), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER), DOMID_SELF));
    rc = aspace_destroy(&as);
    pfn_free(pfn);
    report("attack destroy=%ld", rc);
    return 0;
}

int main(void)
{
    const char *op = cmdline_option("op");
    long rc = traps_init();

    pmap_init();
    rc = rc ?: events_init();
    rc = rc ?: (timer_init() < 0);
    report("init=%ld", rc);
    if (rc || !op)
        return 1;
    if (!strcmp(op, "victim"))
        return victim();
    if (!strcmp(op, "attack"))
        return attacker();
    return 1;
}
