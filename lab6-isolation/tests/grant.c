/*
 * tests/grant.c - grant tables between two live domains (lab 6, exercise
 * 4).  One guest, four roles (op= on its command line):
 *
 *   op=granter   offers pages to its peer through its grant table: a
 *                mailbox (writable, ref 8) both use to step through the
 *                test together, a page read-only (9), a page writable (10),
 *                an accept_transfer entry (11), and, for the hostile
 *                grantee, entries it must not be able to use: one granted
 *                to another domain (12), one naming a frame that is not
 *                the granter's (13), and its own page table offered
 *                writable (14).  It checks the flags the hypervisor sets
 *                while its pages are mapped, that ending an in-use grant
 *                is refused until the peer unmaps, and that the frame
 *                transferred to it arrives with its contents.
 *   op=grantee   maps them (peer=, default 0): read-only (a write faults),
 *                writable, unmaps, double unmaps; gives the granter a page
 *                by transfer and finds it can no longer reach it.  With
 *                hostile=1 it then tries every bad argument: refs, domains,
 *                host addresses in the hypervisor hole, unaligned, with no
 *                L1, over its own page table, handles, flags, a map flood.
 *   op=stay / op=die   destroy while mapped: each grants the other a page
 *                and maps the other's; `die` ends holding its mapping and
 *                with its own page still mapped by `stay`.  `stay` sees the
 *                flags clear when its peer is torn down, can still use the
 *                dead domain's page, and unmapping it frees that frame.
 *
 * The two domains run concurrently (lab 5) and poll with sleep_ms(1): the
 * mailbox's step counters say how far each got.  Every status printed is
 * the hypervisor's GNTST_* answer; the grader expects each exactly.
 */
#include <guest/gnttab.h>
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>
#include <public/errno.h>
#include <public/memory.h>

#define REF_MBOX 8
#define REF_RO 9
#define REF_RW 10
#define REF_XFER 11
#define REF_OTHER 12
#define REF_NOT_MINE 13
#define REF_PT 14

#define MAPTRACK_MAX_GUEST 64 /* the hypervisor's MAPTRACK_MAX (hv/grant_table.h) */

#define RO_PATTERN 0xA5000000UL
#define RW_PATTERN 0x3C000000UL
#define XFER_PATTERN 0x7E000000UL

struct mailbox {
    volatile uint32_t a_step, b_step; /* how far the granter / grantee got */
};

static long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

/* Wait (sleeping 1 ms at a time, at most ~2 s of system time) until
 * *p >= v.  1 if it came. */
static int wait_for(volatile uint32_t *p, uint32_t v)
{
    unsigned int i;

    for (i = 0; i < 2000 && *p < v; i++)
        sleep_ms(1);
    return *p >= v;
}

static int wait_flags_clear(volatile uint16_t *flags, uint16_t mask)
{
    unsigned int i;

    for (i = 0; i < 2000 && (*flags & mask); i++)
        sleep_ms(1);
    return !(*flags & mask);
}

static void fill(unsigned long va, unsigned long pattern)
{
    volatile uint32_t *p = (volatile uint32_t *)va;
    unsigned int i;

    for (i = 0; i < PAGE_SIZE / 4; i++)
        p[i] = (uint32_t)(pattern | i);
}

static unsigned long pattern_bad(unsigned long va, unsigned long pattern)
{
    volatile uint32_t *p = (volatile uint32_t *)va;
    unsigned long bad = 0;
    unsigned int i;

    for (i = 0; i < PAGE_SIZE / 4; i++)
        bad += p[i] != (uint32_t)(pattern | i);
    return bad;
}

/* A free page of ours, by its kernel address (0 if none is left). */
static unsigned long page_va(void)
{
    unsigned long pfn = pfn_alloc();

    return pfn == PFN_NONE ? 0 : (unsigned long)pfn_to_virt(pfn);
}

/* The frame of the L1 that maps our kernel (GUEST_VIRT_BASE). */
static unsigned long kernel_l1_mfn(void)
{
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;

    return PTE_MFN(l2[L2_INDEX(GUEST_VIRT_BASE)]);
}

/* ---- a faulting access, caught and skipped ---- */

static volatile unsigned long faults;
extern char probe_insn[], probe_done[], read_insn[], read_done[];

static int probe_fault(struct trap_frame *f, unsigned long cr2)
{
    (void)cr2;
    if (f->eip == (uint32_t)probe_insn)
        f->eip = (uint32_t)probe_done;
    else if (f->eip == (uint32_t)read_insn)
        f->eip = (uint32_t)read_done;
    else
        return 0;
    faults++;
    return 1;
}

/* Read va; the number of page faults it took (0 or 1). */
static __attribute__((noinline)) unsigned long probe_read(unsigned long va)
{
    unsigned long before = faults;
    uint32_t v;

    kernel_fault = probe_fault;
    __asm__ volatile("read_insn: movl (%1), %0\n"
                     "read_done:"
                     : "=r"(v)
                     : "r"(va), "0"(0)
                     : "memory");
    kernel_fault = NULL;
    (void)v;
    return faults - before;
}

/* Write v at va; the number of page faults it took (0 or 1). */
static __attribute__((noinline)) unsigned long probe_write(unsigned long va, uint32_t v)
{
    unsigned long before = faults;

    kernel_fault = probe_fault;
    __asm__ volatile("probe_insn: movl %1, (%0)\n"
                     "probe_done:"
                     :
                     : "r"(va), "r"(v)
                     : "memory");
    kernel_fault = NULL;
    return faults - before;
}

static unsigned long audit(void)
{
    struct parakeet_page_info pi;

    return (unsigned long)HYPERVISOR_page_info(PAGE_INFO_AUDIT, &pi);
}

/* ---- the granter ---- */

static int granter(domid_t peer)
{
    unsigned long mbox = page_va(), ro = page_va(), rw = page_va(), spare = page_va();
    unsigned long mfn, got, gone;
    struct mailbox *mb = (struct mailbox *)mbox;
    struct xen_memory_reservation res = { 0 };
    uint16_t ro_flags, rw_flags, xfer_flags;
    long rc;

    memset((void *)mbox, 0, PAGE_SIZE);
    fill(ro, RO_PATTERN);
    memset((void *)rw, 0, PAGE_SIZE);
    gnttab_grant_access_ref(REF_MBOX, peer, virt_to_mfn((void *)mbox), 0);
    gnttab_grant_access_ref(REF_RO, peer, virt_to_mfn((void *)ro), 1);
    gnttab_grant_access_ref(REF_RW, peer, virt_to_mfn((void *)rw), 0);
    gnttab_grant_access_ref(REF_OTHER, (domid_t)(peer + 5), virt_to_mfn((void *)rw), 0);
    gnttab_grant_access_ref(REF_NOT_MINE, peer, 0x100, 0); /* the hypervisor's */
    gnttab_grant_access_ref(REF_PT, peer, kernel_l1_mfn(), 0);
    mb->a_step = 1;

    if (!wait_for(&mb->b_step, 1)) {
        report("granter peer_mapped=0");
        return 1;
    }
    ro_flags = gnttab_shared[REF_RO].flags;
    rw_flags = gnttab_shared[REF_RW].flags;
    report("granter mapped ro_flags=%#x rw_flags=%#x", ro_flags, rw_flags);
    report("granter end_in_use ro=%ld rw=%ld", gnttab_end_access(REF_RO),
           gnttab_end_access(REF_RW));
    mb->a_step = 2;

    if (!wait_for(&mb->b_step, 2))
        return 1;
    report("granter unmapped ro_flags=%#x rw_flags=%#x", gnttab_shared[REF_RO].flags,
           gnttab_shared[REF_RW].flags);
    report("granter end_after_unmap ro=%ld rw=%ld", gnttab_end_access(REF_RO),
           gnttab_end_access(REF_RW));
    report("granter rw_written bad=%lu", pattern_bad(rw, RW_PATTERN));

    /* Room for one more frame: give one back (lab 6 exercise 2), unmapped
     * first - a frame we still map is in use and cannot go. */
    mfn = virt_to_mfn((void *)spare);
    rc = HYPERVISOR_update_va_mapping(spare, 0, UVMF_INVLPG);
    res.extent_start = (unsigned long)&mfn;
    res.nr_extents = 1;
    res.domid = DOMID_SELF;
    report("granter balloon unmap=%ld gave=%ld", rc,
           HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res));
    gnttab_grant_transfer_ref(REF_XFER, peer);
    mb->a_step = 3;

    if (!wait_for(&mb->b_step, 3))
        return 1;
    xfer_flags = gnttab_shared[REF_XFER].flags;
    got = gnttab_end_transfer(REF_XFER);
    /* The new frame goes where the given-back one was: our pfn, our
     * mapping, our m2p entry. */
    rc = HYPERVISOR_update_va_mapping(spare, MAKE_PTE(got, _PAGE_PRESENT | _PAGE_RW),
                                      UVMF_INVLPG);
    {
        mmu_update_t req = { .ptr = ((uint64_t)got << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                             .val = virt_to_pfn((void *)spare) };
        long rc2 = HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
        struct parakeet_page_info pi;
        long rc3 = HYPERVISOR_page_info(got, &pi);

        report("granter transfer flags=%#x got=%d map=%ld m2p=%ld bad=%lu owner_self=%d",
               xfer_flags, got != 0, rc, rc2, rc ? ~0UL : pattern_bad(spare, XFER_PATTERN),
               rc3 == 0 && pi.owner == start_info->domid);
    }
    /* Offered again, for the hostile grantee's last round. */
    gnttab_grant_access_ref(REF_RO, peer, virt_to_mfn((void *)ro), 1);
    gnttab_grant_access_ref(REF_RW, peer, virt_to_mfn((void *)rw), 0);
    mb->a_step = 4;

    if (!wait_for(&mb->b_step, 4))
        return 1;
    report("granter audit problems=%lu", audit());
    report("granter end_last ro=%ld rw=%ld", gnttab_end_access(REF_RO),
           gnttab_end_access(REF_RW));
    gone = wait_flags_clear(&gnttab_shared[REF_MBOX].flags, GTF_reading | GTF_writing);
    report("granter mailbox unmapped=%lu end=%ld", gone, gnttab_end_access(REF_MBOX));
    return 0;
}

/* ---- the grantee ---- */

static long map_raw(uint64_t host_addr, uint32_t flags, grant_ref_t ref, domid_t dom)
{
    struct gnttab_map_grant_ref op = { 0 };
    long rc;

    op.host_addr = host_addr;
    op.flags = flags;
    op.ref = ref;
    op.dom = dom;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    return rc < 0 ? rc : op.status;
}

/*
 * A grant mapped in an L1 of ours that then goes: dropped from the page
 * directory and unpinned, so lab 4 frees it as a table.  Its references
 * go with it; the mapping must go too (its pin, its handle), or the
 * granter would see its page mapped for good.
 */
static void grant_in_freed_l1(domid_t peer)
{
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;
    unsigned long slot, pfn = pfn_alloc(), mfn;
    uint64_t l2e_ma;
    grant_handle_t h = 0;
    long pin, rc = -999, unpin = -999, unmap = -999;

    for (slot = 1; slot < HV_FIRST_SLOT && (l2[slot] & _PAGE_PRESENT); slot++)
        ;
    if (pfn == PFN_NONE || slot == HV_FIRST_SLOT) {
        report("hostile freed_l1 no_room");
        return;
    }
    mfn = pfn_to_mfn(pfn);
    l2e_ma = ((uint64_t)virt_to_mfn(l2) << PAGE_SHIFT) + slot * 4;
    memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
    kernel_map_pfn(pfn, 0);
    pmap_flush();
    pin = mmuext(MMUEXT_PIN_L1_TABLE, mfn);
    if (pin == 0) {
        queue_pt_update(l2e_ma, MAKE_PTE(mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED));
        pmap_flush();
        rc = gnttab_map(peer, REF_RO, slot << 22, 1, &h);
        queue_pt_update(l2e_ma, 0);
        pmap_flush();
        unpin = mmuext(MMUEXT_UNPIN_TABLE, mfn); /* the L1 is freed */
        unmap = rc ? -999 : gnttab_unmap(slot << 22, h);
    }
    report("hostile freed_l1 pin=%ld map=%ld unpin=%ld unmap=%ld audit=%lu", pin, rc, unpin,
           unmap, audit());
    kernel_map_pfn(pfn, 1);
    pmap_flush();
    pfn_free(pfn);
}

static void hostile(domid_t peer)
{
    unsigned long va = page_va(), l1va, i;
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;
    grant_handle_t h, h2 = 0, hs[MAPTRACK_MAX_GUEST];
    unsigned long vas[MAPTRACK_MAX_GUEST];
    long again;
    unsigned int mapped = 0, unmap_failed = 0;
    unsigned long problems, nfaults;
    long rc = 0, last = 0;

    report("hostile bad_ref=%ld max_ref=%ld", gnttab_map(peer, NR_GRANT_ENTRIES, va, 1, &h),
           gnttab_map(peer, 0xFFFFFFFFU, va, 1, &h));
    report("hostile bad_dom=%ld self=%ld domid_self=%ld", gnttab_map(77, REF_RO, va, 1, &h),
           gnttab_map(start_info->domid, REF_RO, va, 1, &h),
           gnttab_map(DOMID_SELF, REF_RO, va, 1, &h));
    report("hostile hole=%ld top=%ld unaligned=%ld high=%ld",
           gnttab_map(peer, REF_RW, HYPERVISOR_VIRT_START, 0, &h),
           gnttab_map(peer, REF_RW, 0xFFFFF000UL, 0, &h), gnttab_map(peer, REF_RW, va + 4, 0, &h),
           map_raw(((uint64_t)1 << 32) | va, GNTMAP_host_map, REF_RW, peer));
    for (i = 1; i < HV_FIRST_SLOT && (l2[i] & _PAGE_PRESENT); i++)
        ;
    report("hostile no_l1=%ld", gnttab_map(peer, REF_RW, i << 22, 0, &h));
    report("hostile flags device=%ld none=%ld app=%ld",
           map_raw(va, GNTMAP_host_map | GNTMAP_device_map, REF_RW, peer),
           map_raw(va, 0, REF_RW, peer),
           map_raw(va, GNTMAP_host_map | GNTMAP_application_map, REF_RW, peer));
    report("hostile other_domains=%ld invalid_entry=%ld reserved=%ld",
           gnttab_map(peer, REF_OTHER, va, 0, &h), gnttab_map(peer, 40, va, 1, &h),
           gnttab_map(peer, 0, va, 1, &h));
    report("hostile not_granters_frame=%ld", gnttab_map(peer, REF_NOT_MINE, va, 1, &h));
    report("hostile pt_writable=%ld", gnttab_map(peer, REF_PT, va, 0, &h));
    rc = gnttab_map(peer, REF_PT, va, 1, &h);
    report("hostile pt_readonly=%ld unmap=%ld", rc, rc ? -999 : gnttab_unmap(va, h));

    /* Over a grant we map: refused, or the first mapping's references
     * would go while its pin stays (the lab 6 fuzzer found it). */
    rc = gnttab_map(peer, REF_RO, va, 1, &h);
    again = rc ? -999 : gnttab_map(peer, REF_RO, va, 1, &h2);
    if (again == GNTST_okay)
        gnttab_unmap(va, h2);
    report("hostile over_grant map=%ld again=%ld unmap=%ld", rc, again,
           rc ? -999 : gnttab_unmap(va, h));

    /* Over a grant we map, with lab 4's calls: a normal page-table update
     * may not remove a grant mapping (Xen: "Attempt to implicitly unmap a
     * granted PTE") - its references would go while its pin stays, and the
     * granter could never end the grant.  Only unmap_grant_ref may. */
    rc = gnttab_map(peer, REF_RO, va, 1, &h);
    if (rc == GNTST_okay) {
        queue_pt_update(kernel_pte_ma(va), MAKE_PTE(virt_to_mfn((void *)va), _PAGE_PRESENT));
        again = pmap_flush();
        problems = HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG);
    }
    report("hostile implicit_unmap map=%ld mmu_update=%ld update_va=%ld unmap=%ld", rc,
           rc ? -999 : again, rc ? -999 : (long)problems, rc ? -999 : gnttab_unmap(va, h));
    report("hostile implicit_unmap restore=%ld",
           HYPERVISOR_update_va_mapping(va, MAKE_PTE(virt_to_mfn((void *)va),
                                                     _PAGE_PRESENT | _PAGE_RW),
                                        UVMF_INVLPG));

    grant_in_freed_l1(peer);

    /* Over our own page table: the entry that maps our kernel's L1 (read
     * only) becomes the grant; the L1 itself is untouched. */
    l1va = (unsigned long)pfn_to_virt(mfn_to_pfn(kernel_l1_mfn()));
    rc = gnttab_map(peer, REF_RW, l1va, 0, &h);
    problems = audit();
    nfaults = rc ? 9 : probe_write(l1va + 8, 0x1234);
    report("hostile over_pt map=%ld audit=%lu write_faults=%lu unmap=%ld", rc, problems,
           nfaults, rc ? -999 : gnttab_unmap(l1va, h));
    report("hostile over_pt restore=%ld",
           HYPERVISOR_update_va_mapping(l1va, MAKE_PTE(kernel_l1_mfn(), _PAGE_PRESENT),
                                        UVMF_INVLPG));

    report("hostile bad_handle=%ld free_handle=%ld max_handle=%ld",
           gnttab_unmap(va, 9999), gnttab_unmap(va, MAPTRACK_MAX_GUEST - 1),
           gnttab_unmap(va, 0xFFFFFFFFU));

    /* The flood: the mailbox holds one mapping; map the read-only page at
     * fresh addresses until refused. */
    for (i = 0; i < MAPTRACK_MAX_GUEST; i++) {
        if (!(vas[i] = page_va()))
            break;
        last = gnttab_map(peer, REF_RO, vas[i], 1, &hs[i]);
        if (last != GNTST_okay)
            break;
        mapped++;
    }
    for (i = 0; i < mapped; i++)
        unmap_failed += gnttab_unmap(vas[i], hs[i]) != GNTST_okay;
    report("hostile flood mapped=%u refused=%ld unmap_failed=%u", mapped, last, unmap_failed);
    report("hostile audit problems=%lu", audit());
}

static int grantee(domid_t peer)
{
    unsigned long vm = page_va(), vp = page_va(), vw = page_va(), vx = page_va();
    unsigned long t = page_va(), mfn, i;
    grant_handle_t hm = 0, hp = 0, hw = 0, hx;
    struct parakeet_page_info pi;
    struct mailbox *mb;
    unsigned long nfaults;
    long rc = -1, rc2;

    /* Until the granter has offered it, the entry is not for us yet:
     * permission_denied.  Any other answer is final. */
    for (i = 0; i < 2000; i++) {
        if ((rc = gnttab_map(peer, REF_MBOX, vm, 0, &hm)) != GNTST_permission_denied)
            break;
        sleep_ms(1);
    }
    report("grantee mailbox=%ld", rc);
    if (rc != GNTST_okay)
        return 1;
    mb = (struct mailbox *)vm;
    if (!wait_for(&mb->a_step, 1))
        return 1;

    rc = gnttab_map(peer, REF_RO, vp, 1, &hp);
    report("grantee ro map=%ld bad=%lu", rc, rc ? ~0UL : pattern_bad(vp, RO_PATTERN));
    report("grantee ro write_faults=%lu kept=%d", probe_write(vp, 0xBAD),
           *(volatile uint32_t *)vp == (uint32_t)RO_PATTERN);
    report("grantee ro_as_rw=%ld", gnttab_map(peer, REF_RO, vx, 0, &hx));
    rc = gnttab_map(peer, REF_RW, vw, 0, &hw);
    if (rc == GNTST_okay)
        fill(vw, RW_PATTERN);
    report("grantee rw map=%ld", rc);
    mb->b_step = 1;

    if (!wait_for(&mb->a_step, 2))
        return 1;
    /* (One call per statement: C leaves the order of arguments open.) */
    rc = gnttab_unmap(vp, hp);
    report("grantee unmap ro=%ld again=%ld", rc, gnttab_unmap(vp, hp));
    rc = gnttab_unmap(vw + PAGE_SIZE, hw);
    /* Read it just before the unmap, so the processor's TLB holds the
     * translation: the unmap must flush it, or the next read succeeds. */
    (void)*(volatile uint32_t *)vw;
    rc2 = gnttab_unmap(vw, hw);
    nfaults = probe_read(vw);
    report("grantee unmap wrong_addr=%ld rw=%ld", rc, rc2);
    report("grantee after_unmap write_faults=%lu read_faults=%lu", probe_write(vp, 1), nfaults);
    mb->b_step = 2;

    if (!wait_for(&mb->a_step, 3))
        return 1;
    fill(t, XFER_PATTERN);
    mfn = virt_to_mfn((void *)t);
    report("grantee transfer mapped=%ld", gnttab_transfer(mfn, peer, REF_XFER));
    rc = HYPERVISOR_update_va_mapping(t, 0, UVMF_INVLPG);
    report("grantee transfer unmap=%ld give=%ld", rc, gnttab_transfer(mfn, peer, REF_XFER));
    report("grantee transfer again=%ld", gnttab_transfer(mfn, peer, REF_XFER));
    report("grantee transfer regain=%ld",
           HYPERVISOR_update_va_mapping(t, MAKE_PTE(mfn, _PAGE_PRESENT | _PAGE_RW),
                                        UVMF_INVLPG));
    rc = HYPERVISOR_page_info(mfn, &pi);
    report("grantee transfer owner_peer=%d", rc == 0 && pi.owner == peer);
    mb->b_step = 3;

    if (!wait_for(&mb->a_step, 4))
        return 1;
    if (option_ul("hostile", 0))
        hostile(peer);
    mb->b_step = 4;
    report("grantee mailbox unmap=%ld", gnttab_unmap(vm, hm));
    return 0;
}

/* ---- destroy while mapped ---- */

static int stay_or_die(domid_t peer, int die)
{
    unsigned long mine = page_va(), theirs = page_va(), mfn = 0, i;
    grant_handle_t h = 0;
    struct parakeet_page_info pi;
    long rc = -1;
    int cleared;

    memset((void *)mine, 0, PAGE_SIZE);
    gnttab_grant_access_ref(REF_MBOX, peer, virt_to_mfn((void *)mine), 0);
    for (i = 0; i < 2000; i++) {
        if ((rc = gnttab_map(peer, REF_MBOX, theirs, 0, &h)) != GNTST_permission_denied)
            break;
        sleep_ms(1); /* not offered yet */
    }
    report("%s map=%ld", die ? "die" : "stay", rc);
    if (rc != GNTST_okay)
        return 1;
    fill(theirs, die ? XFER_PATTERN : RW_PATTERN); /* the peer checks it */
    /* Wait until the peer has mapped our page too. */
    for (i = 0; i < 2000 && !(gnttab_shared[REF_MBOX].flags & GTF_writing); i++)
        sleep_ms(1);
    report("%s peer_mapped=%d", die ? "die" : "stay",
           !!(gnttab_shared[REF_MBOX].flags & GTF_writing));
    if (die) {
        sleep_ms(5); /* let `stay` see both mappings made */
        return 0;    /* end, holding the mapping; `stay` still maps our page */
    }

    report("stay audit_while_mapped=%lu", audit());
    cleared = wait_flags_clear(&gnttab_shared[REF_MBOX].flags, GTF_reading | GTF_writing);
    report("stay peer_gone flags_cleared=%d end=%ld written_bad=%lu", cleared,
           gnttab_end_access(REF_MBOX), pattern_bad(mine, XFER_PATTERN));
    /* The dead peer's page: still there, still ours to use until unmapped. */
    mfn = PTE_MFN(kernel_pte(theirs));
    rc = HYPERVISOR_page_info(mfn, &pi);
    report("stay orphan owner_xen=%d count=%u bad=%lu", rc == 0 && pi.owner == DOMID_XEN,
           pi.count, pattern_bad(theirs, RW_PATTERN));
    fill(theirs, 0);
    report("stay orphan unmap=%ld", gnttab_unmap(theirs, h));
    rc = HYPERVISOR_page_info(mfn, &pi);
    report("stay orphan freed=%d", rc == 0 && pi.owner == DOMID_FREE);
    report("stay audit=%lu", audit());
    return 0;
}

int main(void)
{
    const char *opt = cmdline_option("op");
    char op[16] = "";
    domid_t peer;
    long rc = traps_init();

    if (opt) /* cmdline_option's one buffer: option_ul reuses it */
        snprintf(op, sizeof(op), "%s", opt);
    peer = (domid_t)option_ul("peer", 0);

    pmap_init();
    demand_paging_init(0, 0, USER_VIRT_END); /* for kernel_fault */
    rc = rc ?: events_init();
    rc = rc ?: (timer_init() < 0);
    rc = rc ?: gnttab_init();
    report("init=%ld", rc);
    if (rc || !*op)
        return 1;
    if (!strcmp(op, "granter"))
        return granter(peer);
    if (!strcmp(op, "grantee"))
        return grantee(peer);
    if (!strcmp(op, "stay") || !strcmp(op, "die"))
        return stay_or_die(peer, !strcmp(op, "die"));
    return 1;
}
