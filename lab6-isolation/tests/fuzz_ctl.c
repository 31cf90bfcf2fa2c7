/*
 * tests/fuzz_ctl.c - the fuzzer of lab 6's hypercalls (lab 6; issue 15).
 *
 * Lab 3's fuzzer (fuzz.c) throws every lab's hypercalls at the
 * hypervisor, lab 4's (fuzz_mm.c) aims at the memory doors; this one aims
 * at lab 6's four: dom0_op (7), memory_op (12), grant_table_op (20) and
 * Parakeet's disk_io (51), with arguments from lab 6's boundary
 * dictionaries - every command number in and out of range; domain ids 0,
 * self, a live domU, one never built, the disk module, beyond the modules,
 * DOMID_SELF and the other 0x7FF0+ names, 0xFFFF; grant references 0, the
 * store's, the last, beyond the table; frames of our own (mapped or not),
 * of other domains, of the hypervisor and beyond memory; extent counts 0,
 * small, huge and wrapping, orders 0 and not; sectors 0, the last, beyond
 * the disk and wrapping; pointers into the hole, unmapped, read-only (our
 * page tables), straddling a guard page, misaligned; structures valid and
 * garbage.
 *
 * One kernel, three parts (mode= after "--"):
 *   mode=fuzz    the fuzzer: as domain 0 (privileged: dom0_op and disk_io
 *                work) or as a domU (self=N: they must give -EPERM);
 *   mode=peer    a sandbox domU for domain 0 to act on: it keeps rewriting
 *                its grant table with offers valid and garbage (to domain
 *                0, to others; its own frames, its tables, others', the
 *                hypervisor's; accept_transfer too), so that map, unmap
 *                and transfer meet every kind of entry;
 *   mode=launch  a domain 0 that creates module 1 (the fuzzer as a domU),
 *                waits for its end, then creates module 2 and waits.
 *
 * Domain 0 fuzzes in a sandbox: it may not destroy what the run needs
 * (lab 4's fuzzer learnt that), so a destroy aimed at the peer (sandbox=)
 * goes to the doomed module (doomed=) instead, and a create aimed at the
 * module that runs after the fuzzing (after=) goes there too.  Pausing or
 * destroying itself stays in: the hypervisor must refuse it.  Pointers
 * into our own image other than the scratch areas are moved to an
 * unmapped address (the hypervisor's legitimate writes - dom0_op's
 * results, reservations' MFNs, grant statuses, disk sectors - land in
 * scratch); a map_grant_ref's host_addr inside our kernel goes to one of
 * the grant pages.
 *
 * After every call: the answer is in range; the guest is alive (its
 * segments, its canaries, no exception); the frames we own are exactly
 * those we expect (the count moved only by what memory_op and transfer
 * said they did, and every frame freed was one we no longer mapped); the
 * machine's frames are conserved - free + ours + the sandboxes' does not
 * move, but for a create or destroy, and grant calls may only free (an
 * orphaned granted frame at its last unmap); answers the hypervisor owes
 * us hold (a domU's dom0_op and disk_io are -EPERM, domain 0 cannot pause
 * or destroy itself, a bad interface version is -EACCES, a disk read into
 * our read-only page tables is -EFAULT, a hole address is never mapped);
 * every AUDIT_EVERY calls lab 4's frame audit of this domain finds
 * nothing.  At the end every mapping and frame goes back, the sandboxes
 * are destroyed, the machine's free frames are back to their start, and
 * the next domain runs.
 *
 * Options: seed=N calls=N trace=N (print each call from number N on),
 * self=, sandbox=, doomed=, after=, disk= (module indices).  A failure
 * reports seed and call number and the `make fuzz LAB=6` command that
 * replays it (tools/fuzz).
 */
#include <guest/balloon.h>
#include <guest/dom0.h>
#include <guest/fuzz_rng.h>
#include <guest/gnttab.h>
#include <guest/time.h>
#include <guest/traps.h>
#include <public/disk_io.h>

#define AUDIT_EVERY 64
#define CLEANUP_EVERY 256
#define CANARY 0x5AFEC0DEUL
#define HV_IMAGE_MFN 0x100UL
#define UNMAPPED 0xB0000000UL
#define AREA_PAGES 3 /* then one guard page, unmapped */
#define NR_GRANT_VA 8
#define NR_GOT 4096
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum { CALL_DOM0, CALL_MEM, CALL_GNT, CALL_DISK, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
    "dom0_op", "memory_op", "grant_table_op", "disk_io",
};

static unsigned long canary_before = CANARY;
static uint8_t area[(AREA_PAGES + 1) * PAGE_SIZE] __attribute__((aligned(4096)));
static unsigned long extents[NR_GOT] __attribute__((aligned(4096)));
static unsigned long canary_after = CANARY;
#define AREA_END ((unsigned long)area + AREA_PAGES * PAGE_SIZE)

static uint32_t seed;
static unsigned long call_no, ncalls, trace_from = ~0UL, audits;
static unsigned long accepted[NR_KINDS], refused[NR_KINDS];
static unsigned long targ[5];
static int privileged;
static domid_t self_id, sandbox, doomed, after, disk_mod, nr_mods;
static int doomed_alive, sandbox_alive;
static unsigned long disk_sectors;

/* Frames increase_reservation gave: ours, and the ones we gave the sandboxes. */
static unsigned long got[NR_GOT], nr_got;
static unsigned long owned_expected;
static unsigned long own_given; /* frames of ours, not got, given back or away */
static unsigned long grant_va[NR_GRANT_VA];
static unsigned long map_va[64]; /* our grant mappings by handle (0: none) */
static unsigned long boot_l2m, gnttab_frame, sandbox_si_mfn;

static unsigned long num_option(const char *name, unsigned long dflt)
{
    const char *s = cmdline_option(name);
    return s && *s ? strtoul(s, NULL, 10) : dflt;
}

static void __attribute__((noreturn)) fail(const char *why, unsigned long v)
{
    report("fuzz_ctl FAIL seed=%u call=%lu %s=%#lx", seed, call_no, why, v);
    printf("fuzz_ctl: seed=%u failed at call %lu; replay it with:\n"
           "  make fuzz LAB=6 FUZZ_TESTS=lab6/fuzz-ctl%s-run HOST_SECONDS=0 SEED=%u "
           "CALLS=%lu TRACE=%lu\n",
           seed, call_no, privileged ? "" : "-domu", seed, call_no + 1,
           call_no > 20 ? call_no - 20 : 0);
    if (privileged) { /* the peers would run on to the timeout */
        dom0_destroy(doomed);
        dom0_destroy(sandbox);
    }
    shutdown(SHUTDOWN_crash);
}

static void on_trap(struct trap_frame *f)
{
    printf("fuzz_ctl: trap vector=%u eip=%#x error=%#x\n", f->vector, f->eip,
           f->error_code);
    fail("trap_vector", f->vector);
}

/* ---------------------------------------------------------- dictionaries */

static const uint32_t hole_ptrs[] = {
    0xFC000000, 0xFBFFFFFE, 0xFBFFFFF8, 0xFBFFFFFC, 0xFC400000, 0xFFC00000,
    0xFFFFFFFC, 0xFFFFF000, 0x00000000, 0x00000004, 0x40000000, UNMAPPED,
};

static int in_image(unsigned long v)
{
    return v >= GUEST_VIRT_BASE && v < start_info->shared_info_va + PAGE_SIZE;
}

static int in_scratch(unsigned long v)
{
    return (v >= (unsigned long)area && v < AREA_END + PAGE_SIZE) ||
           (v >= (unsigned long)extents && v < (unsigned long)(extents + NR_GOT));
}

/* A guest pointer: `good` mostly, else from the boundary dictionary. */
static unsigned long pick_ptr(unsigned long good)
{
    switch (rnd() % 10) {
    case 0: return hole_ptrs[rnd() % NELEM(hole_ptrs)];
    case 1: return start_info->pt_base + (rnd() % 1024) * 4; /* read-only */
    case 2: return good + 1 + rnd() % 3;                      /* misaligned */
    case 3: return AREA_END - 1 - rnd() % 16;                 /* into the guard */
    default: return good;
    }
}

/* An argument pointing at our own image outside scratch goes nowhere. */
static unsigned long filter_ptr(unsigned long p)
{
    return in_image(p) && !in_scratch(p) ? UNMAPPED | (p & 0xFFF) : p;
}

static domid_t pick_dom(void)
{
    const domid_t d[] = {
        0, self_id, sandbox, doomed, after, disk_mod, nr_mods, nr_mods + 1,
        DOMID_SELF, 0x7FF1, DOMID_XEN, 0x7FF3, DOMID_FREE, 0x7FFF, 0x8000, 0xFFFF,
    };
    return (rnd() % 8) ? d[rnd() % NELEM(d)] : (domid_t)rnd();
}

/* A frame: ours (mapped, unmapped, given), a sandbox's, the hypervisor's, none. */
static unsigned long pick_mfn(void)
{
    switch (rnd() % 12) {
    case 0:
    case 1:
    case 2: return nr_got ? got[rnd() % nr_got] : 0;
    case 3: return pfn_to_mfn(rnd() % start_info->nr_pages);
    case 4: return boot_l2m;
    case 5: return gnttab_frame;
    case 6: return sandbox_si_mfn + rnd() % 8 - 4;
    case 7: return HV_IMAGE_MFN + rnd() % 64;
    case 8: return (rnd() & 1) ? 0 : 0xFFFFFFFFUL;
    case 9: return 0x10000 + rnd() % 0x100000;
    case 10: /* ours, unmapped: a grant page's own frame, the guard page's */
        return pfn_to_mfn(virt_to_pfn((void *)((rnd() & 1) ? grant_va[rnd() % NR_GRANT_VA]
                                                           : AREA_END)));
    default: return rnd() % 0x2000;
    }
}

static uint32_t pick_count(uint32_t small)
{
    static const uint32_t c[] = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x40000000,
                                  0x40000001, 0x3FFFFFFF, 0x10000, 512, 513, 4096 };
    return (rnd() % 4) ? rnd() % (small + 1) : c[rnd() % NELEM(c)];
}

static void garbage(void *p, unsigned long n)
{
    uint32_t *w = p;
    unsigned long i;

    for (i = 0; i < n / 4; i++)
        w[i] = (rnd() & 1) ? rnd() : rnd() % 64;
}

/* ---------------------------------------------------------- dom0_op */

static long do_dom0(int *expect)
{
    static const uint32_t cmds[] = {
        DOM0_CREATEDOMAIN, DOM0_DESTROYDOMAIN, DOM0_PAUSEDOMAIN, DOM0_UNPAUSEDOMAIN,
        DOM0_GETDOMAININFO, DOM0_ADJUSTDOM, DOM0_SETDOMAINMAXMEM,
        0, 1, 6, 13, 27, 29, 0x7FFFFFFF, 0xFFFFFFFF,
    };
    unsigned long p = (unsigned long)area + (rnd() % 64) * 4;
    dom0_op_t *op = (dom0_op_t *)p;
    domid_t dom = pick_dom();

    if (rnd() % 8 == 0)
        garbage(op, sizeof(*op));
    else
        memset(op, 0, sizeof(*op));
    op->cmd = (rnd() % 8) ? cmds[rnd() % NELEM(cmds)] : rnd() % 64;
    op->interface_version = (rnd() % 8) ? DOM0_INTERFACE_VERSION
                            : (rnd() & 1) ? DOM0_INTERFACE_VERSION + 1 : rnd();
    /* The sandbox: never destroy the peer, never create the module that
     * runs after us (see the top); pausing ourselves stays in. */
    if (privileged && op->cmd == DOM0_DESTROYDOMAIN && dom == sandbox)
        dom = doomed;
    if (privileged && op->cmd == DOM0_CREATEDOMAIN && dom == after)
        dom = doomed;
    switch (op->cmd) {
    case DOM0_ADJUSTDOM: {
        static const uint32_t adv[] = { 0, 1, 10, 100, 1000, 0xFFFFFFFF };
        op->u.adjustdom.domain = dom;
        op->u.adjustdom.sched_id = (rnd() % 4) ? SCHED_BVT : rnd() % 4;
        op->u.adjustdom.direction = (rnd() % 4) ? rnd() % 2 : rnd();
        op->u.adjustdom.u.bvt.mcu_adv = adv[rnd() % NELEM(adv)];
        op->u.adjustdom.u.bvt.warpback = rnd() % 3;
        op->u.adjustdom.u.bvt.warpvalue = (int32_t)((rnd() & 1) ? rnd() % 100000 : rnd());
        op->u.adjustdom.u.bvt.warpl = (rnd() & 1) ? 0 : -1;
        op->u.adjustdom.u.bvt.warpu = (rnd() & 1) ? 1000 : (int64_t)rnd() << 31;
        break;
    }
    case DOM0_SETDOMAINMAXMEM: {
        static const uint32_t kb[] = { 0, 4, 4096, 4100, 8192, 0x7FFFFFFF, 0xFFFFFFFF };
        op->u.setdomainmaxmem.domain = dom;
        op->u.setdomainmaxmem.max_memkb = (rnd() % 2) ? kb[rnd() % NELEM(kb)]
                                                      : 4 * (1000 + rnd() % 1100);
        break;
    }
    case DOM0_CREATEDOMAIN:
        op->u.createdomain.domain = dom;
        break;
    default:
        op->u.pausedomain.domain = dom; /* the others name it first */
        break;
    }
    p = filter_ptr(pick_ptr(p));
    targ[0] = p, targ[1] = op->cmd, targ[2] = op->interface_version, targ[3] = dom;
    targ[4] = 0;
    /* What the hypervisor owes us, if the structure can be read. */
    *expect = 1; /* 1: no expectation */
    if (p == (unsigned long)op) {
        if (!privileged)
            *expect = -EPERM;
        else if (op->interface_version != DOM0_INTERFACE_VERSION)
            *expect = -EACCES;
        else if ((op->cmd == DOM0_PAUSEDOMAIN || op->cmd == DOM0_DESTROYDOMAIN) &&
                 (dom == self_id))
            *expect = -EINVAL;
        else if (op->cmd == DOM0_CREATEDOMAIN && (dom == self_id || dom == 0 ||
                                                  dom == sandbox || dom >= nr_mods))
            *expect = -EINVAL;
    }
    return HYPERVISOR_dom0_op((dom0_op_t *)p);
}

/* ---------------------------------------------------------- memory_op */

static void got_add(unsigned long mfn)
{
    if (nr_got < NR_GOT)
        got[nr_got++] = mfn;
}

static int got_take(unsigned long mfn)
{
    unsigned long i;

    for (i = 0; i < nr_got; i++)
        if (got[i] == mfn) {
            got[i] = got[--nr_got];
            return 1;
        }
    return 0;
}

/* Is mfn one of ours that our kernel still maps?  Freeing it is a bug. */
static int mapped_ours(unsigned long mfn)
{
    unsigned long pfn;

    for (pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (pfn_to_mfn(pfn) == mfn)
            return PTE_MFN(kernel_pte((unsigned long)pfn_to_virt(pfn))) == mfn &&
                   (kernel_pte((unsigned long)pfn_to_virt(pfn)) & _PAGE_PRESENT);
    return 0;
}

static long do_mem(struct xen_memory_reservation **rp, domid_t *target)
{
    static const uint32_t cmds[] = { 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 0xFFFFFFFF };
    static const uint32_t orders[] = { 1, 9, 31, 32, 0xFFFFFFFF };
    unsigned long p = (unsigned long)area + PAGE_SIZE + (rnd() % 64) * 4;
    struct xen_memory_reservation *r = (struct xen_memory_reservation *)p;
    unsigned long cmd = (rnd() % 8) ? cmds[rnd() % NELEM(cmds)] : rnd();
    unsigned long i, k = rnd() % 16;

    *rp = NULL;
    if (cmd == XENMEM_current_reservation || cmd == XENMEM_maximum_reservation) {
        *(domid_t *)p = pick_dom();
        *target = *(domid_t *)p;
    } else if (rnd() % 8 == 0) {
        garbage(r, sizeof(*r));
        r->extent_start = filter_ptr(r->extent_start);
        *target = r->domid;
    } else {
        r->extent_start = filter_ptr(pick_ptr((unsigned long)&extents[k]));
        r->nr_extents = pick_count(8);
        r->extent_order = (rnd() % 8) ? 0 : orders[rnd() % NELEM(orders)];
        r->address_bits = (rnd() & 1) ? 0 : rnd();
        r->domid = (rnd() % 2) ? DOMID_SELF : pick_dom();
        *target = r->domid;
        if (cmd == XENMEM_decrease_reservation)
            for (i = 0; i < 16; i++)
                extents[k + i] = pick_mfn();
        else
            for (i = 0; i < 16; i++)
                extents[k + i] = 0;
        *rp = r;
    }
    if (*rp && (r->extent_start < (unsigned long)extents ||
                r->extent_start >= (unsigned long)(extents + NR_GOT)))
        *rp = NULL; /* we cannot see what it did */
    if (!*rp && (cmd == XENMEM_increase_reservation || cmd == XENMEM_decrease_reservation) &&
        in_scratch(r->extent_start))
        r->extent_start = UNMAPPED; /* garbage may not write our scratch blindly */
    p = filter_ptr(pick_ptr(p));
    if (p != (unsigned long)r)
        *rp = NULL;
    targ[0] = cmd, targ[1] = p, targ[2] = *rp ? r->nr_extents : 0;
    targ[3] = *rp ? r->extent_order : 0, targ[4] = *target;
    return HYPERVISOR_memory_op((unsigned int)cmd, (void *)p);
}

/* What a memory_op did to our frames, to the ones we count. */
static void after_mem(long rc, const struct xen_memory_reservation *r, unsigned long cmd,
                      domid_t target)
{
    const unsigned long *e;
    struct parakeet_page_info pi;
    unsigned long i;
    int self = target == DOMID_SELF || target == self_id;

    if (!privileged && !self && r && r->extent_order == 0 && rc != -EPERM &&
        (cmd == XENMEM_increase_reservation || cmd == XENMEM_decrease_reservation))
        fail("domu_memory_op_other_rc", (unsigned long)rc);
    if (!r || rc <= 0 || (cmd != XENMEM_increase_reservation && cmd != XENMEM_decrease_reservation))
        return;
    if ((unsigned long)rc > r->nr_extents || r->extent_order != 0)
        fail("memory_op_done", (unsigned long)rc);
    e = (const unsigned long *)r->extent_start;
    for (i = 0; i < (unsigned long)rc; i++) {
        if (cmd == XENMEM_increase_reservation) {
            if (HYPERVISOR_page_info(e[i], &pi) < 0 || pi.count != 1 ||
                (self && pi.owner != self_id))
                fail("increase_gave_mfn", e[i]);
            got_add(e[i]);
            if (self)
                owned_expected++;
        } else {
            if (!got_take(e[i]) && self) {
                if (mapped_ours(e[i]))
                    fail("decrease_freed_mapped_mfn", e[i]);
                own_given++; /* a frame of ours we had unmapped */
            }
            if (self)
                owned_expected--;
        }
    }
}

/* ---------------------------------------------------------- grant_table_op */

static size_t gnt_size(unsigned long cmd)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref: return sizeof(struct gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref: return sizeof(struct gnttab_unmap_grant_ref);
    case GNTTABOP_setup_table: return sizeof(struct gnttab_setup_table);
    case GNTTABOP_transfer: return sizeof(struct gnttab_transfer);
    default: return 32;
    }
}

static grant_ref_t pick_ref(void)
{
    static const uint32_t r[] = { 0, 1, 7, 8, 9, 511, 512, 513, 0xFFFF, 0x80000000, 0xFFFFFFFF };
    return (rnd() % 2) ? rnd() % 16 : r[rnd() % NELEM(r)];
}

/*
 * How many of our grant mappings sit at each grant_va[] page: va_mapped()
 * is asked up to eight times for every map it generates, and scanning
 * map_va[] each time was a fifth of this guest's instructions.  Every
 * change to map_va[] goes through set_map_va(), which keeps the counts.
 */
static unsigned int grant_va_maps[NR_GRANT_VA];

static int grant_va_index(unsigned long va)
{
    int i;

    for (i = 0; i < NR_GRANT_VA; i++)
        if (grant_va[i] == va)
            return i;
    return -1;
}

static void set_map_va(unsigned int h, unsigned long va)
{
    int old = map_va[h] ? grant_va_index(map_va[h]) : -1, now = va ? grant_va_index(va) : -1;

    if (old >= 0)
        grant_va_maps[old]--;
    if (now >= 0)
        grant_va_maps[now]++;
    map_va[h] = va;
}

/* Is one of our grant mappings at va (one of grant_va[])? */
static int va_mapped(unsigned long va)
{
    int i = grant_va_index(va);

    return i >= 0 && grant_va_maps[i] > 0;
}

/*
 * Where to map a grant: one of our grant pages not mapping a grant now,
 * mostly.  Mapping over a grant mapping we hold replaces its entry and
 * drops its references, but its pin stays until we die (the granter sees
 * GTF_reading for good; Xen crashes a domain that does this): do it rarely,
 * or the 64 maptrack slots fill with such mappings.
 */
static unsigned long pick_host_addr(void)
{
    static const uint32_t a[] = { 0, 0x1000, 0xFC000000, 0xFFFFF000, 0xFBFFF000,
                                  USER_VIRT_BASE, UNMAPPED };
    unsigned long va = grant_va[rnd() % NR_GRANT_VA];
    unsigned int i;

    for (i = 0; i < NR_GRANT_VA && va_mapped(va) && rnd() % 256; i++)
        va = grant_va[(i + 1 + rnd()) % NR_GRANT_VA];

    switch (rnd() % 8) {
    case 0: return a[rnd() % NELEM(a)];
    case 1: return va + 1 + rnd() % 0xFFF;
    default: return va;
    }
}

static void gen_gnt(unsigned long cmd, void *p)
{
    if (rnd() % 8 == 0) {
        garbage(p, gnt_size(cmd));
        if (cmd == GNTTABOP_map_grant_ref && in_image((unsigned long)((struct gnttab_map_grant_ref *)p)->host_addr))
            ((struct gnttab_map_grant_ref *)p)->host_addr = grant_va[0];
        if (cmd == GNTTABOP_setup_table)
            ((struct gnttab_setup_table *)p)->frame_list =
                filter_ptr(((struct gnttab_setup_table *)p)->frame_list);
        return;
    }
    switch (cmd) {
    case GNTTABOP_map_grant_ref: {
        static const uint32_t fl[] = { GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly,
                                       GNTMAP_device_map, 0, GNTMAP_host_map | GNTMAP_contains_pte,
                                       GNTMAP_host_map | GNTMAP_application_map };
        struct gnttab_map_grant_ref *m = p;
        m->host_addr = pick_host_addr();
        if (rnd() % 16 == 0)
            m->host_addr |= (uint64_t)1 << 32;
        m->flags = (rnd() % 8) ? fl[rnd() % 2] : (rnd() % 2) ? fl[rnd() % NELEM(fl)] : rnd();
        m->ref = (rnd() % 2) ? GNTTAB_RESERVED_XENSTORE : pick_ref();
        m->dom = (rnd() % 2) ? sandbox : pick_dom();
        m->status = 0x7777;
        m->handle = rnd();
        m->dev_bus_addr = rnd();
        break;
    }
    case GNTTABOP_unmap_grant_ref: {
        struct gnttab_unmap_grant_ref *u = p;
        unsigned int h = rnd() % 64;
        u->handle = (rnd() % 4) ? h : (rnd() & 1) ? 64 + rnd() % 4 : rnd();
        u->host_addr = (rnd() % 4 && h < 64 && map_va[h]) ? map_va[h] : pick_host_addr();
        u->dev_bus_addr = (rnd() % 8) ? 0 : rnd();
        u->status = 0x7777;
        break;
    }
    case GNTTABOP_setup_table: {
        struct gnttab_setup_table *s = p;
        s->dom = (rnd() % 2) ? DOMID_SELF : pick_dom();
        s->nr_frames = (rnd() % 2) ? 1 : pick_count(3);
        s->status = 0x7777;
        s->frame_list = filter_ptr(pick_ptr((unsigned long)area + 2 * PAGE_SIZE + 4 * (rnd() % 8)));
        break;
    }
    default: {
        struct gnttab_transfer *t = p;
        t->mfn = pick_mfn();
        t->domid = (rnd() % 2) ? sandbox : pick_dom();
        t->ref = pick_ref();
        t->status = 0x7777;
        break;
    }
    }
}

static long do_gnt(unsigned long *cmdp, unsigned long *uopp, unsigned long *nrp)
{
    static const uint32_t cmds[] = { 0, 0, 0, 1, 1, 2, 4, 3, 5, 0xFFFFFFFF };
    unsigned long cmd = (rnd() % 8) ? cmds[rnd() % NELEM(cmds)] : rnd();
    size_t size = gnt_size(cmd);
    unsigned long uop = (unsigned long)area + (rnd() % 16) * 8, n = pick_count(4), i;

    /* Every entry up to the guard page is generated: a huge count runs
     * into it (-EFAULT) after doing what it read. */
    for (i = 0; i < n && uop + (i + 1) * size <= AREA_END; i++)
        gen_gnt(cmd, (void *)(uop + i * size));
    uop = filter_ptr(pick_ptr(uop));
    *cmdp = cmd, *uopp = uop, *nrp = n;
    targ[0] = cmd, targ[1] = uop, targ[2] = n, targ[3] = targ[4] = 0;
    if (n && uop >= (unsigned long)area && uop <= AREA_END - sizeof(struct gnttab_map_grant_ref)) {
        struct gnttab_map_grant_ref *m = (void *)uop;
        targ[3] = (unsigned long)m->host_addr, targ[4] = m->dom;
    }
    return HYPERVISOR_grant_table_op((unsigned int)cmd, (void *)uop, (unsigned int)n);
}

static void after_gnt(long rc, unsigned long cmd, unsigned long uop, unsigned long n)
{
    size_t size = gnt_size(cmd);
    unsigned long i;

    if (rc == 0 && n > 512)
        fail("grant_batch_accepted", n);
    if (rc != 0 && rc != -EFAULT)
        return;
    if (uop < (unsigned long)area || uop >= AREA_END)
        return;
    for (i = 0; i < n && uop + (i + 1) * size <= AREA_END; i++) {
        void *p = (void *)(uop + i * size);
        if (cmd == GNTTABOP_map_grant_ref) {
            struct gnttab_map_grant_ref *m = p;
            if (m->status == 0x7777)
                break; /* not reached */
            if (m->status != GNTST_okay)
                continue;
            if (m->handle >= 64 || (m->host_addr & 0xFFF) ||
                m->host_addr >= HYPERVISOR_VIRT_START)
                fail("map_accepted_host_addr", (unsigned long)m->host_addr);
            set_map_va(m->handle, (unsigned long)m->host_addr);
        } else if (cmd == GNTTABOP_unmap_grant_ref) {
            struct gnttab_unmap_grant_ref *u = p;
            if (u->status == 0x7777)
                break;
            if (u->status == GNTST_okay && u->handle < 64)
                set_map_va(u->handle, 0);
        } else if (cmd == GNTTABOP_setup_table) {
            struct gnttab_setup_table *s = p;
            if (s->status == 0x7777)
                break;
            /* (Not when frame_list lies in the op itself: the copy back
             * of the op overwrites the frame number.) */
            if (s->status == GNTST_okay && s->nr_frames == 1 && n == 1 &&
                (s->frame_list >= uop + size || s->frame_list + 4 <= uop) &&
                s->frame_list >= (unsigned long)area && s->frame_list < AREA_END &&
                !(s->frame_list & 3) && *(unsigned long *)s->frame_list != gnttab_frame)
                fail("setup_table_frame", *(unsigned long *)s->frame_list);
        } else if (cmd == GNTTABOP_transfer) {
            struct gnttab_transfer *t = p;
            if (t->status == 0x7777)
                break;
            if (t->status != GNTST_okay)
                continue;
            if (!got_take(t->mfn)) {
                if (mapped_ours(t->mfn))
                    fail("transfer_took_mapped_mfn", t->mfn);
                own_given++;
            }
            owned_expected--;
        }
    }
}

/* Undo every grant mapping we hold, known or not. */
static void unmap_all(int sweep)
{
    unsigned int h, v;

    for (h = 0; h < 64; h++) {
        if (map_va[h] && gnttab_unmap(map_va[h], h) == GNTST_okay)
            set_map_va(h, 0);
        for (v = 0; sweep && v < NR_GRANT_VA; v++)
            gnttab_unmap(grant_va[v], h);
    }
}

/* ---------------------------------------------------------- disk_io */

static long do_disk(int *expect)
{
    static const uint32_t cmds[] = { DISKIO_read, DISKIO_write, DISKIO_size, 3, 0xFFFFFFFF };
    unsigned long cmd = (rnd() % 8) ? cmds[rnd() % 3] : (rnd() % 2) ? cmds[rnd() % NELEM(cmds)] : rnd();
    unsigned long count = (rnd() % 4) ? 1 + rnd() % DISKIO_MAX_SECTORS : pick_count(16);
    unsigned long sector, buf, good = (unsigned long)area + (rnd() % 8) * DISKIO_SECTOR_SIZE / 2;

    switch (rnd() % 8) {
    case 0: sector = disk_sectors - 1; break;
    case 1: sector = disk_sectors; break;
    case 2: sector = disk_sectors - count + (rnd() % 3); break;
    case 3: sector = (rnd() & 1) ? 0xFFFFFFFF : 0x800000 + rnd() % 8; break; /* wraps */
    default: sector = rnd() % (disk_sectors + 1); break;
    }
    buf = filter_ptr(pick_ptr(good));
    *expect = 1;
    if (!privileged)
        *expect = -EPERM;
    else if (disk_sectors && cmd == DISKIO_size)
        *expect = (int)disk_sectors;
    else if (disk_sectors && (cmd == DISKIO_read || cmd == DISKIO_write)) {
        if (count == 0 || count > DISKIO_MAX_SECTORS)
            *expect = -EINVAL;
        else if (sector >= disk_sectors || count > disk_sectors - sector)
            *expect = -ERANGE;
        else if (cmd == DISKIO_read && buf >= start_info->pt_base &&
                 buf < start_info->pt_base + PAGE_SIZE)
            *expect = -EFAULT; /* our page tables are read-only to us */
    }
    targ[0] = cmd, targ[1] = sector, targ[2] = count, targ[3] = buf, targ[4] = 0;
    return _hypercall5(__HYPERVISOR_disk_io, cmd, sector, count, buf, 0);
}

/* ---------------------------------------------------------- the checks */

static unsigned long tot_of(domid_t dom)
{
    struct dom0_getdomaininfo info;

    if (!privileged || dom0_getinfo(dom, &info) != 0 || (info.flags & DOMFLAGS_DYING))
        return 0;
    return info.tot_pages;
}

/* free + ours + the sandboxes': conserved by every call but create/destroy. */
static unsigned long frames_sum(unsigned long *owned)
{
    struct parakeet_page_info pi;

    if (HYPERVISOR_page_info(boot_l2m, &pi) < 0)
        fail("page_info_rc", boot_l2m);
    *owned = pi.nr_owned;
    return pi.nr_free + pi.nr_owned + tot_of(sandbox) + tot_of(doomed);
}

static void check_alive(void)
{
    if (canary_before != CANARY || canary_after != CANARY)
        fail("canary", canary_before ^ canary_after);
    if ((read_segment(cs) & 3) != 1)
        fail("cs", read_segment(cs));
    if (read_segment(ds) != FLAT_KERNEL_DS || read_segment(ss) != FLAT_KERNEL_SS)
        fail("ds_ss", read_segment(ds));
}

static void check_audit(void)
{
    struct parakeet_page_info pi;
    long found;

    audits++;
    if ((found = HYPERVISOR_page_info(PAGE_INFO_AUDIT, &pi)) != 0)
        fail("frame_audit_problems", (unsigned long)found);
}

/* Where the sandboxes stand: alive or not (a create or destroy moved it). */
static void sandboxes(void)
{
    struct dom0_getdomaininfo info;

    if (!privileged)
        return;
    doomed_alive = dom0_getinfo(doomed, &info) == 0 && !(info.flags & DOMFLAGS_DYING);
    sandbox_alive = dom0_getinfo(sandbox, &info) == 0 && !(info.flags & DOMFLAGS_DYING);
    if (!sandbox_alive)
        fail("sandbox_dead", sandbox);
    sandbox_si_mfn = info.shared_info_frame;
}

/* ---------------------------------------------------------- set-up, end */

static unsigned long free_at_start; /* before the sandbox was created */

static void setup(void)
{
    struct parakeet_page_info pi;
    unsigned int v, i;
    long rc;
    evtchn_port_t port;

    if ((rc = traps_init()) < 0)
        fail("traps_init_rc", (unsigned long)rc);
    for (v = 0; v < 20; v++)
        set_trap_callback(v, on_trap);
    if ((rc = events_init()) < 0 || (rc = timer_init()) < 0)
        fail("events_timer_rc", (unsigned long)rc);
    pmap_init();
    boot_l2m = virt_to_mfn((const void *)start_info->pt_base);
    if ((rc = gnttab_init()) < 0)
        fail("gnttab_init_rc", (unsigned long)rc);
    gnttab_frame = gnttab_mfn;
    for (i = 0; i < NR_GRANT_VA; i++) {
        unsigned long pfn = pfn_alloc();
        if (pfn == PFN_NONE)
            fail("pfn_alloc", i);
        grant_va[i] = (unsigned long)pfn_to_virt(pfn);
    }
    /* The guard page after the scratch area: unmapped. */
    if ((rc = HYPERVISOR_update_va_mapping(AREA_END, 0, UVMF_INVLPG)) < 0)
        fail("guard_rc", (unsigned long)rc);
    privileged = !!(start_info->flags & SIF_PRIVILEGED);
    self_id = (domid_t)num_option("self", 0);
    sandbox = (domid_t)num_option("sandbox", 1);
    doomed = (domid_t)num_option("doomed", 2);
    after = (domid_t)num_option("after", 3);
    disk_mod = (domid_t)num_option("disk", 4);
    nr_mods = (domid_t)num_option("modules", 5);
    if (privileged) {
        rc = _hypercall5(__HYPERVISOR_disk_io, DISKIO_size, 0, 0, 0, 0);
        disk_sectors = rc > 0 ? (unsigned long)rc : 0;
        if (HYPERVISOR_page_info(boot_l2m, &pi) < 0)
            fail("page_info_rc", boot_l2m);
        free_at_start = pi.nr_free;
        if ((rc = dom0_create(sandbox, &port)) < 0 || (rc = dom0_unpause(sandbox)) < 0)
            fail("sandbox_create_rc", (unsigned long)rc);
        sandboxes();
    }
}

/* Everything back: mappings, frames, the sandboxes; then the next domain. */
static void finish(unsigned long free0)
{
    struct parakeet_page_info pi;
    long rc;

    unmap_all(1);
    while (nr_got) { /* ours go back; the sandboxes' go with them */
        unsigned long mfn = got[--nr_got];
        if (HYPERVISOR_page_info(mfn, &pi) == 0 && pi.owner == self_id)
            reservation_op(XENMEM_decrease_reservation, &mfn, 1, DOMID_SELF);
    }
    check_audit();
    if (!privileged)
        return;
    dom0_destroy(doomed);
    dom0_destroy(sandbox);
    if (HYPERVISOR_page_info(boot_l2m, &pi) < 0)
        fail("page_info_rc", boot_l2m);
    /* Frames of our own we had unmapped may have gone for good. */
    report("fuzz_ctl frames_back=%d", pi.nr_free == free0 + own_given);
    printf("fuzz_ctl: %lu frames free at the start, %u at the end, %lu of ours given\n",
           free0, pi.nr_free, own_given);
    if ((rc = dom0_create(after, NULL)) < 0 || (rc = dom0_unpause(after)) < 0 ||
        (rc = dom0_wait_ended(after, 20000)) < 0)
        fail("after_rc", (unsigned long)rc);
}

static int launch(void)
{
    long rc;

    if ((rc = events_init()) < 0 || (rc = timer_init()) < 0)
        return 1;
    for (domid_t d = 1; d <= 2; d++)
        if ((rc = dom0_create(d, NULL)) < 0 || (rc = dom0_unpause(d)) < 0 ||
            (rc = dom0_wait_ended(d, 3600 * 1000)) < 0) {
            report("launch d%u rc=%ld", d, rc);
            return 1;
        }
    report("launch ended=2");
    return 0;
}

/* mode=peer: keep rewriting our grant table (see the top). */
static int peer(void)
{
    unsigned long spare[2], own_l1;
    const uint32_t *l2 = (const uint32_t *)start_info->pt_base;

    pmap_init();
    if (events_init() < 0 || timer_init() < 0 || gnttab_init() < 0)
        return 1;
    fuzz_rng_seed((uint32_t)num_option("seed", 1));
    spare[0] = pfn_to_mfn(pfn_alloc());
    spare[1] = pfn_to_mfn(pfn_alloc());
    own_l1 = PTE_MFN(l2[L2_INDEX(GUEST_VIRT_BASE)]);
    for (;;) {
        unsigned int i;
        for (i = 0; i < 4; i++) {
            grant_entry_t *e = &gnttab_shared[(rnd() & 1) ? rnd() % 16 : rnd() % NR_GRANT_ENTRIES];
            static const uint16_t fl[] = { GTF_permit_access, GTF_permit_access | GTF_readonly,
                                           GTF_accept_transfer, GTF_invalid };
            const unsigned long frames[] = { spare[0], spare[1], own_l1, gnttab_mfn,
                                             HV_IMAGE_MFN, 0xFFFFF, 0 };
            e->flags = 0;
            e->domid = (rnd() % 4) ? 0 : (domid_t)((rnd() & 1) ? rnd() % 4 : rnd());
            e->frame = (uint32_t)((rnd() % 4) ? frames[rnd() % 2] : (rnd() & 1)
                                  ? frames[rnd() % NELEM(frames)] : rnd());
            e->flags = (uint16_t)((rnd() % 8) ? fl[rnd() % NELEM(fl)] : rnd());
        }
        sleep_ms(1);
    }
}

static const char *yes(unsigned long n)
{
    return n ? "yes" : "no";
}

int main(void)
{
    const char *mode = cmdline_option("mode");
    unsigned long sum0, sum, owned, free0, cmd = 0, uop = 0, n = 0;
    struct xen_memory_reservation *r = NULL;
    domid_t target = 0;
    unsigned int kind;
    int expect;
    long rc;

    if (mode && !strcmp(mode, "peer"))
        return peer();
    if (mode && !strcmp(mode, "launch"))
        return launch();
    seed = (uint32_t)num_option("seed", 1);
    ncalls = num_option("calls", 10000);
    trace_from = num_option("trace", ~0UL);
    fuzz_rng_seed(seed);
    setup();
    free0 = free_at_start;
    sum0 = frames_sum(&owned_expected);
    report("fuzz_ctl start calls=%lu privileged=%d", ncalls, privileged);
    for (call_no = 0; call_no < ncalls; call_no++) {
        kind = rnd() % NR_KINDS;
        expect = 1;
        switch (kind) {
        case CALL_DOM0: rc = do_dom0(&expect); break;
        case CALL_MEM:
            rc = do_mem(&r, &target);
            cmd = targ[0];
            break;
        case CALL_GNT: rc = do_gnt(&cmd, &uop, &n); break;
        default: rc = do_disk(&expect); break;
        }
        if (call_no >= trace_from)
            printf("fuzz_ctl: call %lu %s (%#lx, %#lx, %#lx, %#lx, %#lx) rc=%ld\n", call_no,
                   kind_name[kind], targ[0], targ[1], targ[2], targ[3], targ[4], rc);
        check_alive();
        if (rc < -64 || (rc > 0 && kind != CALL_MEM && kind != CALL_DISK))
            fail(kind_name[kind], (unsigned long)rc);
        if (expect != 1 && rc != expect) {
            printf("fuzz_ctl: %s gave %ld, expected %d\n", kind_name[kind], rc, expect);
            fail("expected", (unsigned long)expect);
        }
        /* memory_op counts only reservations that moved frames (the
         * three read-only commands are given code, not exercise 2's). */
        if (kind == CALL_MEM ? rc > 0 && cmd <= XENMEM_decrease_reservation : rc >= 0)
            accepted[kind]++;
        else
            refused[kind]++;
        if (kind == CALL_MEM)
            after_mem(rc, r, cmd, target);
        else if (kind == CALL_GNT)
            after_gnt(rc, cmd, uop, n);
        if (kind == CALL_DOM0 && rc == 0)
            sandboxes(); /* a create or destroy moves the sum */
        sum = frames_sum(&owned);
        if (owned != owned_expected) {
            printf("fuzz_ctl: we own %lu frames, expected %lu\n", owned, owned_expected);
            fail("owned_frames", owned);
        }
        if (kind == CALL_DOM0 && rc == 0)
            sum0 = sum;
        else if (sum != sum0 && !(kind == CALL_GNT && sum > sum0)) {
            printf("fuzz_ctl: free+owned frames moved from %lu to %lu\n", sum0, sum);
            fail("frames_sum", sum);
        }
        sum0 = sum;
        if (call_no % CLEANUP_EVERY == CLEANUP_EVERY - 1) {
            unmap_all(0);
            sum0 = frames_sum(&owned);
        }
        if (call_no % AUDIT_EVERY == AUDIT_EVERY - 1)
            check_audit();
        if ((call_no + 1) % 100000 == 0)
            printf("fuzz_ctl: %lu calls done\n", call_no + 1);
    }
    printf("fuzz_ctl: seed=%u calls=%lu accepted dom0_op=%lu memory_op=%lu "
           "grant_table_op=%lu disk_io=%lu, refused %lu %lu %lu %lu, audits=%lu\n",
           seed, ncalls, accepted[0], accepted[1], accepted[2], accepted[3], refused[0],
           refused[1], refused[2], refused[3], audits);
    finish(free0);
    report("fuzz_ctl done calls=%lu failures=0", ncalls);
    report("fuzz_ctl accepted dom0_op=%s memory_op=%s grant_table_op=%s disk_io=%s",
           yes(accepted[0]), yes(accepted[1]), yes(accepted[2]), yes(accepted[3]));
    return 0;
}
