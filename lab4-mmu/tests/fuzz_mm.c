/*
 * tests/fuzz_mm.c - the memory-management fuzzer guest (lab 4; issue 15).
 *
 * Lab 3's fuzzer (lab3-hypercalls/tests/fuzz.c) throws random hypercalls
 * of every lab at the hypervisor; this one aims at lab 4's five doors -
 * mmu_update, mmuext_op, update_va_mapping, set_gdt, update_descriptor -
 * with arguments drawn from lab 4's boundary dictionaries: machine
 * addresses of its own page tables (boot and sandbox), of the
 * hypervisor's frames and of frames beyond memory; entries with every
 * flag, reserved bits included, mapping tables, the hypervisor and
 * nothing; counts 0, huge, negative and wrapping; list and done pointers
 * into the hole, straddling it, unmapped or read-only.
 *
 * A sandbox address space (aspace_create) and two spare pages are the
 * playground: random requests may change them, and the guest puts back
 * what it needs after each call (pins, %cr3, LDT, GDT, the spare pages'
 * kernel mappings).  Requests that would rewrite the guest's own kernel
 * mappings are aimed at the sandbox instead, update_descriptor never
 * writes the guest's own code or data (pick_desc_ma), and NEW_BASEPTR
 * only ever names a directory that maps the kernel: the hypervisor rightly
 * lets a guest do each of these to itself.  Each batch ends in a request
 * that must fail, so a huge count stops there instead of reading on.
 *
 * After every call: the answer is 0 or a small negative error; a request
 * aimed at the hypervisor's memory, or a descriptor aimed at a frame not
 * ours or at a page table in use, was refused; the number of frames this
 * domain owns has not moved (none of these calls allocates or frees; the
 * machine's free count is no measure from lab 5 on, where other domains
 * run meanwhile - the summary's end-of-run count catches a leak); the boot directory
 * is still a validated L2 whose hypervisor slots are unchanged; the
 * guest's canaries are intact and no exception arrived.  Every
 * AUDIT_EVERY calls and at the end, lab 4's frame audit runs on this
 * domain (page_info(PAGE_INFO_AUDIT)) and must find nothing.
 *
 * Options: seed=N, calls=N, trace=N (print each call from number N on).
 * A failure reports the seed and call number and the `make fuzz` command
 * that replays it (tools/fuzz).
 */
#include <guest/pmap.h>
#include <guest/fuzz_rng.h>

#define AUDIT_EVERY 64
#define NREQ 8 /* requests per batch at most, the terminator included */
#define CANARY 0x5AFEC0DEUL
#define HV_IMAGE_MFN 0x100UL /* the hypervisor's image is loaded at 1 MiB */

enum { CALL_MMU, CALL_EXT, CALL_UVM, CALL_GDT, CALL_DESC, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
    "mmu_update", "mmuext_op", "update_va_mapping", "set_gdt", "update_descriptor",
};

static unsigned long canary_before = CANARY;
static union {
    mmu_update_t mmu[NREQ];
    mmuext_op_t ext[NREQ];
    unsigned long frames[16];
    uint8_t bytes[4096];
} scratch __attribute__((aligned(4096)));
static unsigned int done_word;
static unsigned long canary_after = CANARY;

static uint32_t seed;
static unsigned long call_no, ncalls, trace_from = ~0UL, audits;
static unsigned long stats_ok, stats_err, accepted[NR_KINDS];
static unsigned long targ[4]; /* the call's arguments, for the trace */

static struct aspace sb;                /* the sandbox address space */
static unsigned long spare_pfn[2];      /* [0] writable, [1] read-only */
static uint32_t spare_pte[2];           /* their kernel mappings, to put back */
static unsigned long boot_l2m, kern_l1m, sb_l2m, sb_l1m, spare_m[2], si_mfn;
static uint32_t hv_slots[1024 - HV_FIRST_SLOT];
static unsigned long owned0;
static unsigned long max_mfn; /* the frame table's size: page_info says */
/* The frames whose pinned state we put back, and that state at start. */
static unsigned long tracked[5];
static int tracked_pinned[5];

static unsigned long num_option(const char *name, unsigned long dflt)
{
    const char *s = cmdline_option(name);
    return s && *s ? strtoul(s, NULL, 10) : dflt;
}

static void __attribute__((noreturn)) fail(const char *why, unsigned long v)
{
    report("fuzz_mm FAIL seed=%u call=%lu %s=%#lx", seed, call_no, why, v);
    printf("fuzz_mm: seed=%u failed at call %lu; replay it with:\n"
           "  make fuzz LAB=4 SEED=%u CALLS=%lu TRACE=%lu\n",
           seed, call_no, seed, call_no + 1, call_no > 20 ? call_no - 20 : 0);
    shutdown(SHUTDOWN_crash);
}

/* Any exception at all is a failure: the hypervisor corrupted us. */
static void on_trap(struct trap_frame *f)
{
    printf("fuzz_mm: trap vector=%u eip=%#x error=%#x (eip's frame %#lx, pte %#x)\n",
           f->vector, f->eip, f->error_code, virt_to_mfn((const void *)f->eip),
           kernel_pte(f->eip));
    fail("trap_vector", f->vector);
}

/* Is mfn one of our frames?  (The machine-to-phys table says which pfn,
 * our frame list says whether that pfn is really it.) */
static int ours(unsigned long mfn)
{
    unsigned long pfn = mfn < max_mfn ? mfn_to_pfn(mfn) : PFN_NONE;
    return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

/* ---------------------------------------------------------- dictionaries */

static const uint32_t hole_ptrs[] = {
    0xFC000000, 0xFBFFFFFE, 0xFBFFFFF8, 0xFBFFFFFC, 0xFC400000, 0xFFC00000,
    0xFFFFFFFC, 0xFFFFF000, 0x00000000, 0x00000004, 0x40000000, 0x7FFFFFF8,
};

/* A frame: ours of every kind, the hypervisor's, beyond memory, any. */
static unsigned long pick_mfn(void)
{
    unsigned long m;

    switch (rnd() % 12) {
    case 0: return sb_l1m;
    case 1: return sb_l2m;
    case 2: return boot_l2m;
    case 3: return kern_l1m;
    case 4: return spare_m[0];
    case 5: return spare_m[1];
    case 6: return si_mfn;
    case 7: return HV_IMAGE_MFN + rnd() % 64;
    case 8: return 0;
    case 9: return (rnd() & 1) ? 0xFFFFF : 0x10000 + rnd() % 0x1000;
    case 10: return virt_to_mfn(&scratch); /* our own data, mapped writable */
    default:
        m = rnd() % 0x2000;
        return m;
    }
}

static uint32_t pick_flags(void)
{
    static const uint32_t f[] = {
        _PAGE_PRESENT, _PAGE_PRESENT | _PAGE_RW, _PAGE_PRESENT | _PAGE_USER,
        _PAGE_PRESENT | _PAGE_RW | _PAGE_USER, 0, _PAGE_RW,
        _PAGE_PRESENT | _PAGE_PSE, _PAGE_PRESENT | _PAGE_RW | 0x100 /* global */,
        _PAGE_PRESENT | 0x18 /* PWT PCD */ | 0xE00 /* available */,
        _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY,
    };
    return (rnd() % 4) ? f[rnd() % (sizeof(f) / sizeof(f[0]))] : (rnd() & 0xFFF);
}

static uint32_t pick_pte(void)
{
    return MAKE_PTE(pick_mfn(), pick_flags());
}

/* A guest virtual address for a pointer argument. */
static unsigned long pick_ptr(unsigned long good)
{
    switch (rnd() % 8) {
    case 0: return hole_ptrs[rnd() % (sizeof(hole_ptrs) / sizeof(hole_ptrs[0]))];
    case 1: return start_info->pt_base + (rnd() % 1024) * 4; /* read-only */
    case 2: return good + 1 + rnd() % 3;                      /* misaligned */
    default: return good;
    }
}

static unsigned int pick_count(void)
{
    static const uint32_t c[] = { 0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                  0x20000000, 0x15555556, 0x10000, 0xFFFFFFF0 };
    if (rnd() % 4)
        return 1 + rnd() % (NREQ - 1);
    return c[rnd() % (sizeof(c) / sizeof(c[0]))];
}

/* ---------------------------------------------------------- requests */

/* A page-table entry's machine address to aim at, never one of the
 * kernel's mappings except the spare pages'.  *hv is set when it lies in
 * a frame the hypervisor owns (the request must be refused). */
static uint64_t pick_entry_ma(int *hv)
{
    unsigned long slot, m;

    *hv = 0;
    switch (rnd() % 9) {
    case 0:
    case 1: return ((uint64_t)sb_l1m << PAGE_SHIFT) + (rnd() % 1024) * 4;
    case 2: /* the sandbox directory: below the kernel, or the hypervisor's slots */
        slot = (rnd() & 1) ? rnd() % L2_INDEX(GUEST_VIRT_BASE) : HV_FIRST_SLOT + rnd() % 16;
        return ((uint64_t)sb_l2m << PAGE_SHIFT) + slot * 4;
    case 3: /* the boot directory's hypervisor slots */
        return ((uint64_t)boot_l2m << PAGE_SHIFT) + (HV_FIRST_SLOT + rnd() % 16) * 4;
    case 4: return kernel_pte_ma((unsigned long)pfn_to_virt(spare_pfn[rnd() & 1]));
    case 5:
        *hv = 1;
        return ((uint64_t)(HV_IMAGE_MFN + rnd() % 64) << PAGE_SHIFT) + (rnd() % 1024) * 4;
    case 6: return ((uint64_t)pick_mfn() << PAGE_SHIFT) | (rnd() % 1024) * 4 | (1ULL << 32);
    default:
        m = pick_mfn();
        if (ours(m) && m != spare_m[0] && m != spare_m[1] && m != si_mfn)
            m = sb_l1m; /* not our kernel's tables, not our data */
        return ((uint64_t)m << PAGE_SHIFT) + (rnd() % 1024) * 4;
    }
}

/*
 * A machine address for update_descriptor.  The hypervisor lets a guest
 * write a checked descriptor into any ordinary frame of its own, as Xen
 * does: that is no different from the guest writing its own memory
 * through its own writable mapping, which it may.  So the only frames of
 * ours worth aiming at are the ones whose contents we never rely on - the
 * scratch page, the spare pages, the sandbox's tables, the unused
 * vcpu_info slots of shared_info (a lent page the guest may write) - and
 * the boot tables, in use, which must be refused.  Any other frame of
 * ours - our code, data, stack - is swapped for the scratch page: seed
 * 20261201 once rewrote the code of _hypercall5 that way, and the next
 * hypercall faulted (issue 15).  *refuse is set when the write must be
 * refused: a frame not ours, or one of the boot tables.
 */
static uint64_t pick_desc_ma(int *refuse)
{
    unsigned long m = pick_mfn(), off = (rnd() % 512) * 8;
    unsigned long scratch_m = virt_to_mfn(&scratch);

    if (m == si_mfn) /* vcpu_info[1..31]: Parakeet's one vCPU uses slot 0 */
        off = sizeof(struct vcpu_info) + off % ((MAX_VIRT_CPUS - 1) * sizeof(struct vcpu_info));
    else if (ours(m) && m != scratch_m && m != spare_m[0] && m != spare_m[1] &&
             m != sb_l1m && m != sb_l2m && m != boot_l2m && m != kern_l1m)
        m = scratch_m;
    *refuse = (!ours(m) && m != si_mfn) || m == boot_l2m || m == kern_l1m;
    return ((uint64_t)m << PAGE_SHIFT) + off;
}

static void gen_mmu(mmu_update_t *r, int *hv)
{
    unsigned long m;

    if (rnd() % 8) {
        r->ptr = pick_entry_ma(hv) | MMU_NORMAL_PT_UPDATE;
        r->val = pick_pte();
        return;
    }
    /* MMU_MACHPHYS_UPDATE: for our frames only the true pfn (a no-op). */
    m = pick_mfn();
    r->ptr = ((uint64_t)m << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    r->val = ours(m) ? mfn_to_pfn(m) : rnd() % 0x4000;
    *hv = 0;
}

static void gen_ext(mmuext_op_t *o)
{
    static const unsigned int cmds[] = {
        MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE,
        MMUEXT_UNPIN_TABLE, MMUEXT_NEW_BASEPTR, MMUEXT_TLB_FLUSH_LOCAL,
        MMUEXT_INVLPG_LOCAL, MMUEXT_TLB_FLUSH_MULTI, MMUEXT_INVLPG_MULTI,
        MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL, MMUEXT_FLUSH_CACHE,
        MMUEXT_SET_LDT, MMUEXT_NEW_USER_BASEPTR, 14, 16, 0xFFFFFFFF,
    };
    static const uint32_t ents[] = { 0, 1, 8, 511, 512, 8191, 8192, 0xFFFFFFFF };
    unsigned long m;

    o->cmd = (rnd() % 8) ? cmds[rnd() % (sizeof(cmds) / sizeof(cmds[0]))] : rnd();
    if (o->cmd == MMUEXT_INVLPG_LOCAL || o->cmd == MMUEXT_SET_LDT ||
        o->cmd == MMUEXT_INVLPG_ALL)
        o->arg1.linear_addr = pick_ptr((unsigned long)&scratch);
    else
        o->arg1.mfn = pick_mfn();
    if (o->cmd == MMUEXT_NEW_BASEPTR) { /* only directories that map us */
        m = o->arg1.mfn;
        if (ours(m) && m != boot_l2m && m != sb_l2m)
            o->arg1.mfn = (rnd() & 1) ? boot_l2m : sb_l2m;
    }
    if (o->cmd == MMUEXT_SET_LDT)
        o->arg2.nr_ents = ents[rnd() % (sizeof(ents) / sizeof(ents[0]))];
    else
        o->arg2.vcpumask = (void *)pick_ptr((unsigned long)&scratch);
}

/* ---------------------------------------------------------- one call */

static long do_call(unsigned int kind, int *must_refuse)
{
    unsigned int i, n = pick_count(), room = n < NREQ ? n : NREQ;
    unsigned long list = pick_ptr((unsigned long)&scratch);
    unsigned int *done = (rnd() % 3) ? NULL : (unsigned int *)pick_ptr((unsigned long)&done_word);
    domid_t dom = (rnd() % 8) ? DOMID_SELF : (domid_t)((rnd() & 1) ? rnd() % 4 : rnd());
    unsigned long va;
    uint64_t desc;
    int hv;

    *must_refuse = 0;
    switch (kind) {
    case CALL_MMU:
        for (i = 0; i < room; i++) {
            gen_mmu(&scratch.mmu[i], &hv);
            if (n == 1 && hv && list == (unsigned long)&scratch)
                *must_refuse = 1;
        }
        if (room && n > 1) /* the terminator: an unknown command */
            scratch.mmu[room - 1].ptr = ((uint64_t)sb_l1m << PAGE_SHIFT) | 3;
        targ[0] = list, targ[1] = n, targ[2] = (unsigned long)done, targ[3] = dom;
        return HYPERVISOR_mmu_update((mmu_update_t *)list, n, done, dom);
    case CALL_EXT:
        for (i = 0; i < room; i++)
            gen_ext(&scratch.ext[i]);
        if (room && n > 1)
            scratch.ext[room - 1].cmd = 0xFFFFFFFF;
        targ[0] = list, targ[1] = n, targ[2] = (unsigned long)done, targ[3] = dom;
        return HYPERVISOR_mmuext_op((mmuext_op_t *)list, n, done, dom);
    case CALL_UVM:
        switch (rnd() % 4) {
        case 0: va = hole_ptrs[rnd() % 8] & ~0xFFFUL; break;
        case 1: va = USER_VIRT_BASE + (rnd() % 1024) * PAGE_SIZE; break;
        default: va = (unsigned long)pfn_to_virt(spare_pfn[rnd() & 1]); break;
        }
        *must_refuse = va >= HYPERVISOR_VIRT_START;
        targ[0] = va, targ[1] = pick_pte();
        targ[2] = (rnd() % 4) ? rnd() % 8 : pick_ptr((unsigned long)&scratch);
        targ[3] = 0;
        return HYPERVISOR_update_va_mapping(targ[0], targ[1], targ[2]);
    case CALL_GDT:
        for (i = 0; i < 16; i++)
            scratch.frames[i] = pick_mfn();
        targ[0] = list, targ[1] = (rnd() % 2) ? 1 + rnd() % 1024 : pick_count();
        targ[2] = targ[3] = 0;
        return HYPERVISOR_set_gdt((unsigned long *)list, targ[1]);
    default: {
        static const uint64_t descs[] = {
            0, 0x00CFBA000000FFFFULL /* DPL1 code */, 0x00CF9A000000FFFFULL /* DPL0 */,
            0x00CFF2000000FFFFULL /* DPL3 data */, 0xFC00B2000000FFFFULL /* base in hole */,
            0x0000EC0000080000ULL /* call gate */, 0x0000E20000000000ULL /* LDT */,
            0x0000890000000067ULL /* TSS */, 0x00CFB2000000FFFFULL /* DPL1 data, 4G */,
        };
        uint64_t ma = pick_desc_ma(must_refuse);

        if (rnd() % 4 == 0)
            ma += 1 + rnd() % 7; /* misaligned */
        desc = (rnd() % 4) ? descs[rnd() % (sizeof(descs) / sizeof(descs[0]))]
                           : ((uint64_t)rnd() << 32 | rnd());
        targ[0] = (unsigned long)ma, targ[1] = (unsigned long)(ma >> 32);
        targ[2] = (unsigned long)desc, targ[3] = (unsigned long)(desc >> 32);
        return HYPERVISOR_update_descriptor(ma, desc);
    }
    }
}

/* ---------------------------------------------------------- after a call */

static void put_back(void)
{
    struct parakeet_page_info pi;
    unsigned int i;
    long rc;

    /* %cr3 first: NEW_BASEPTR may have moved us to the sandbox. */
    if ((rc = mmuext(MMUEXT_NEW_BASEPTR, boot_l2m)) < 0)
        fail("put_back_cr3_rc", (unsigned long)rc);
    for (i = 0; i < 5; i++) {
        if (HYPERVISOR_page_info(tracked[i], &pi) < 0)
            fail("page_info_mfn", tracked[i]);
        if (!!(pi.flags & PAGE_INFO_PINNED) == tracked_pinned[i])
            continue;
        if (tracked_pinned[i])
            rc = mmuext(tracked[i] == sb_l1m || tracked[i] == kern_l1m
                            ? MMUEXT_PIN_L1_TABLE : MMUEXT_PIN_L2_TABLE, tracked[i]);
        else
            rc = mmuext(MMUEXT_UNPIN_TABLE, tracked[i]);
        if (rc < 0)
            fail("put_back_pin_mfn", tracked[i]);
    }
    HYPERVISOR_set_gdt(NULL, 0);
    scratch.ext[0] = (mmuext_op_t){ .cmd = MMUEXT_SET_LDT };
    HYPERVISOR_mmuext_op(&scratch.ext[0], 1, NULL, DOMID_SELF);
    for (i = 0; i < 2; i++)
        if (kernel_pte((unsigned long)pfn_to_virt(spare_pfn[i])) != spare_pte[i]) {
            mmu_update_t r = { kernel_pte_ma((unsigned long)pfn_to_virt(spare_pfn[i])),
                               spare_pte[i] };
            if ((rc = HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF)) < 0)
                fail("put_back_spare_rc", (unsigned long)rc);
        }
}

static void check(unsigned int kind, long rc, int must_refuse)
{
    struct parakeet_page_info pi;
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;
    unsigned int i;
    long found;

    if (rc > 0 || rc < -64)
        fail(kind_name[kind], (unsigned long)rc);
    if (must_refuse && rc == 0)
        fail("accepted_hv_target", kind);
    if (canary_before != CANARY || canary_after != CANARY)
        fail("canary", canary_before ^ canary_after);
    if (HYPERVISOR_page_info(boot_l2m, &pi) < 0 || pi.type != PAGE_TYPE_L2 ||
        !(pi.flags & PAGE_INFO_VALIDATED))
        fail("boot_l2_type", pi.type);
    if (pi.nr_owned != owned0)
        fail("owned_frames", pi.nr_owned);
    for (i = 0; i < 1024 - HV_FIRST_SLOT; i++)
        if (l2[HV_FIRST_SLOT + i] != hv_slots[i])
            fail("hv_slot", HV_FIRST_SLOT + i);
    if (call_no % AUDIT_EVERY == AUDIT_EVERY - 1 || call_no + 1 == ncalls) {
        audits++;
        if ((found = HYPERVISOR_page_info(PAGE_INFO_AUDIT, &pi)) != 0)
            fail("frame_audit_problems", (unsigned long)found);
    }
}

/* ---------------------------------------------------------- set-up */

static void setup(void)
{
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;
    struct parakeet_page_info pi;
    unsigned int i, v;
    long rc;

    if ((rc = traps_init()) < 0)
        fail("traps_init_rc", (unsigned long)rc);
    for (v = 0; v < 20; v++)
        set_trap_callback(v, on_trap);
    pmap_init();
    for (i = 0x100000; i; i >>= 1) /* the machine-to-phys table ends there */
        if (HYPERVISOR_page_info(max_mfn + i - 1, &pi) == 0)
            max_mfn += i;
    if ((rc = aspace_create(&sb)) < 0)
        fail("aspace_create_rc", (unsigned long)rc);
    for (i = 0; i < 2; i++) {
        spare_pfn[i] = pfn_alloc();
        memset(pfn_to_virt(spare_pfn[i]), 0, PAGE_SIZE);
        spare_m[i] = pfn_to_mfn(spare_pfn[i]);
    }
    kernel_map_pfn(spare_pfn[1], 0); /* read-only: it may become a table */
    if ((rc = pmap_flush()) < 0)
        fail("spare_ro_rc", (unsigned long)rc);
    for (i = 0; i < 2; i++)
        spare_pte[i] = kernel_pte((unsigned long)pfn_to_virt(spare_pfn[i]));
    boot_l2m = virt_to_mfn((const void *)start_info->pt_base);
    kern_l1m = PTE_MFN(l2[L2_INDEX(GUEST_VIRT_BASE)]);
    sb_l2m = pfn_to_mfn(sb.l2_pfn);
    sb_l1m = pfn_to_mfn(sb.l1_pfn);
    si_mfn = PTE_MFN(kernel_pte(start_info->shared_info_va));
    for (i = 0; i < 1024 - HV_FIRST_SLOT; i++)
        hv_slots[i] = l2[HV_FIRST_SLOT + i];
    tracked[0] = boot_l2m, tracked[1] = kern_l1m, tracked[2] = sb_l2m;
    tracked[3] = sb_l1m, tracked[4] = spare_m[1];
    for (i = 0; i < 5; i++) {
        if (HYPERVISOR_page_info(tracked[i], &pi) < 0)
            fail("page_info_mfn", tracked[i]);
        tracked_pinned[i] = !!(pi.flags & PAGE_INFO_PINNED);
    }
    owned0 = pi.nr_owned;
    if ((rc = HYPERVISOR_page_info(PAGE_INFO_AUDIT, &pi)) != 0)
        fail("frame_audit_at_start", (unsigned long)rc);
}

static const char *yes(unsigned long n)
{
    return n ? "yes" : "no";
}

int main(void)
{
    unsigned int kind;
    int must_refuse;
    long rc;

    seed = (uint32_t)num_option("seed", 1);
    ncalls = num_option("calls", 10000);
    trace_from = num_option("trace", ~0UL);
    fuzz_rng_seed(seed);
    setup();
    report("fuzz_mm start calls=%lu", ncalls);
    for (call_no = 0; call_no < ncalls; call_no++) {
        kind = rnd() % NR_KINDS;
        rc = do_call(kind, &must_refuse);
        if (call_no >= trace_from)
            printf("fuzz_mm: call %lu %s (%#lx, %#lx, %#lx, %#lx) rc=%ld\n", call_no,
                   kind_name[kind], targ[0], targ[1], targ[2], targ[3], rc);
        if (rc == 0)
            stats_ok++, accepted[kind]++;
        else
            stats_err++;
        put_back();
        check(kind, rc, must_refuse);
        if ((call_no + 1) % 100000 == 0) /* a sign of life in long runs */
            printf("fuzz_mm: %lu calls done\n", call_no + 1);
    }
    printf("fuzz_mm: seed=%u calls=%lu accepted=%lu refused=%lu audits=%lu\n", seed,
           ncalls, stats_ok, stats_err, audits);
    report("fuzz_mm done calls=%lu failures=0 audits=%lu", ncalls, audits);
    /* A fuzzer that only ever hears "no" is not fuzzing the valid paths:
     * each hypercall must have accepted some of its calls. */
    printf("fuzz_mm: accepted mmu_update=%lu mmuext_op=%lu update_va_mapping=%lu "
           "set_gdt=%lu update_descriptor=%lu\n", accepted[CALL_MMU], accepted[CALL_EXT],
           accepted[CALL_UVM], accepted[CALL_GDT], accepted[CALL_DESC]);
    report("fuzz_mm accepted mmu_update=%s mmuext_op=%s update_va_mapping=%s "
           "set_gdt=%s update_descriptor=%s", yes(accepted[CALL_MMU]),
           yes(accepted[CALL_EXT]), yes(accepted[CALL_UVM]), yes(accepted[CALL_GDT]),
           yes(accepted[CALL_DESC]));
    return 0;
}
