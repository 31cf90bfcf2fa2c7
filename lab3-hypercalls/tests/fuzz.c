/*
 * tests/fuzz.c - the hypercall fuzzer guest (lab 3; issue 15).
 *
 * A seeded generator of hypercalls: numbers in and out of the table, and
 * arguments drawn from boundary dictionaries - 0, -1, powers of two and
 * their neighbours, both sides of HYPERVISOR_VIRT_START, selectors, small
 * counts, the guest's own scratch buffers (aligned and not), unmapped
 * addresses - and structures built in the scratch buffers, some valid
 * (event-channel operations, trap tables, multicall batches whose entries
 * come from the same generator) and some garbage.  After every call the
 * guest checks it is alive and sane (its segment registers, its canaries)
 * and that a structure passed at an address none of whose bytes it owns
 * was refused with -EFAULT;
 * every SANITY_EVERY calls it also checks that an event sent to itself is
 * delivered exactly once.  The hypervisor's own integrity check runs when
 * the domain ends, and the test spec compares the free-frame count at the
 * end with the count at boot.
 *
 * Options (the module's command line): seed=N, calls=N, trace=N (print
 * each call from number N on).  A failure reports the seed, the call
 * number and the command that replays it (`make fuzz`, tools/fuzz).
 *
 * What is filtered, because it would legitimately end or stall us rather
 * than find a bug: sched_op block and shutdown (they become yield); a
 * console write or a test report that would really print (the count is
 * made 0 or too big); debug_virq is kept short and slow.  Any argument
 * that would point into our own memory outside the scratch buffers is
 * moved to an unmapped address, so that the hypervisor's legitimate
 * writes (event-channel results, multicall results) land only in the
 * scratch buffers.  Calls that succeed in replacing our trap table,
 * kernel stack or callbacks are undone at once.  From lab 4 on, the memory
 * hypercalls may not unmap or rewrite our own pages (filter_memory_call).
 */
#include <guest/events.h>
#include <guest/traps.h>
#include <guest/fuzz_rng.h>

#define SCRATCH_LIST 6144 /* multicall lists start here: [0, 4096) + 64 entries */
#define SCRATCH_DATA 4096 /* structures the entries point at                  */
#define SCRATCH_SIZE (SCRATCH_LIST + SCRATCH_DATA)
#define SANITY_EVERY 1024
#define CANARY 0x5AFEC0DEUL

static unsigned long canary_before = CANARY;
static uint8_t scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));
static unsigned long canary_after = CANARY;

static uint32_t seed;
static unsigned long call_no, ncalls, trace_from = ~0UL;
static unsigned long guest_end; /* end of our mappings (shared_info) */
static unsigned long hits;       /* events delivered to the sanity port */
static unsigned long stats_enosys, stats_efault, stats_einval, stats_ok, stats_other;
static unsigned long nr_multicalls, nr_restores;
static long version;
extern char hypervisor_callback[], failsafe_callback[];

static unsigned long parse_ulong(const char *s, unsigned long dflt)
{
    unsigned long v = 0;
    if (!s || !*s)
        return dflt;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

static void replay_hint(void)
{
    printf("fuzz: seed=%u failed at call %lu; replay it with:\n"
           "  make fuzz SEED=%u CALLS=%lu TRACE=%lu\n",
           seed, call_no, seed, call_no + 1, call_no > 20 ? call_no - 20 : 0);
}

static void __attribute__((noreturn)) fail(const char *why, unsigned long v)
{
    report("fuzz FAIL seed=%u call=%lu %s=%#lx", seed, call_no, why, v);
    replay_hint();
    shutdown(SHUTDOWN_crash);
}

/* Any exception at all is a failure: the hypervisor corrupted us. */
static void on_trap(struct trap_frame *f)
{
    report("fuzz FAIL seed=%u call=%lu trap vector=%u eip=%#x error=%#x", seed,
           call_no, f->vector, f->eip, f->error_code);
    replay_hint();
    shutdown(SHUTDOWN_crash);
}

/* ---------------------------------------------------------- dictionaries */

static const uint32_t boundaries[] = {
    0xFBFFFFFF, 0xFC000000, 0xFBFFFFFC, 0xFBFFFFF0, 0xFBFFF000, 0xFC100000,
    0xFFFFF000, 0xFFFFFFFC, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFF,
    0x10000,    0x1000,     0xFFF,      0xB0000000, 0x00400000, 0xFFFFFFE0,
};
static const uint32_t selectors[] = {
    FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS,
    0x0008, 0x0010, 0x0000, 0x0003, 0x0007, 0x000f, 0xe008, 0xe010,
    0xe018, 0xe01b, 0xe039, 0xe041, 0xFFFF, 0x0019,
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long scratch_ptr(unsigned long zone, unsigned long len)
{
    unsigned long off = rnd() % len;
    switch (rnd() % 4) {
    case 0: off &= ~31UL; break; /* multicall-entry aligned */
    case 1: off &= ~3UL; break;
    default: break;              /* misaligned on purpose */
    }
    return (unsigned long)scratch + zone + off;
}

static unsigned long pick_arg(void)
{
    uint32_t v;

    switch (rnd() % 14) {
    case 0: return 0;
    case 1: return 0xFFFFFFFFUL;
    case 2: return 1UL << (rnd() % 32);
    case 3: return (1UL << (rnd() % 32)) - 1;
    case 4: return (1UL << (rnd() % 32)) + 1;
    case 5: return boundaries[rnd() % NELEM(boundaries)];
    case 6: return scratch_ptr(SCRATCH_LIST, SCRATCH_DATA);
    case 7: return scratch_ptr(0, 4096);
    case 8: return rnd() % 72;
    case 9: return selectors[rnd() % NELEM(selectors)];
    case 10: return -(unsigned long)(rnd() % 64);
    case 11: return GUEST_VIRT_BASE - (rnd() % 64); /* runs into our image */
    default:
        v = rnd();
        return v;
    }
}

/* ---------------------------------------------------------- structures */

static void fill_garbage(uint8_t *p, unsigned long n)
{
    while (n >= 4) {
        uint32_t v = (uint32_t)pick_arg();
        __builtin_memcpy(p, &v, 4);
        p += 4;
        n -= 4;
    }
}

static unsigned long make_evtchn_op(void)
{
    unsigned long p = scratch_ptr(SCRATCH_LIST, SCRATCH_DATA - sizeof(evtchn_op_t));
    evtchn_op_t *op = (evtchn_op_t *)p;
    uint32_t *w = (uint32_t *)p;
    unsigned int i;

    for (i = 0; i < sizeof(*op) / 4; i++)
        w[i] = (rnd() & 1) ? rnd() % 72 : (uint32_t)pick_arg();
    op->cmd = rnd() % 12;
    if (rnd() & 1)
        op->u.alloc_unbound.dom = (rnd() & 1) ? DOMID_SELF : 0;
    if (rnd() & 1)
        op->u.alloc_unbound.remote_dom = (rnd() & 1) ? DOMID_SELF : 0;
    return p;
}

static unsigned long make_trap_table(void)
{
    unsigned long p = scratch_ptr(SCRATCH_LIST, SCRATCH_DATA - 8 * 9) & ~3UL;
    trap_info_t *t = (trap_info_t *)p;
    unsigned int i, n = rnd() % 8;

    for (i = 0; i < n; i++) {
        t[i].vector = (uint8_t)rnd();
        t[i].flags = (uint8_t)((rnd() & 1) ? rnd() % 4 : rnd());
        t[i].cs = (uint16_t)selectors[rnd() % NELEM(selectors)];
        t[i].address = pick_arg();
        if (!t[i].address)
            t[i].address = 0xFC000000UL;
    }
    t[n].vector = 0;
    t[n].address = 0; /* the end */
    return p;
}

static const unsigned long known[] = {
    __HYPERVISOR_set_trap_table, __HYPERVISOR_stack_switch,
    __HYPERVISOR_set_callbacks,  __HYPERVISOR_sched_op,
    __HYPERVISOR_set_fast_trap,  __HYPERVISOR_multicall,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_xen_version,
    __HYPERVISOR_console_io,     __HYPERVISOR_test_report,
    __HYPERVISOR_debug_virq,
};

static void gen_call(unsigned long *nr, unsigned long a[5], int depth);

static unsigned long make_multicall(unsigned long *count, int depth)
{
    unsigned long p = scratch_ptr(0, 4096) & ~((rnd() & 1) ? 31UL : 3UL);
    multicall_entry_t *e = (multicall_entry_t *)p;
    unsigned long i, n;

    switch (rnd() % 8) {
    case 0: n = 0; break;
    case 1: n = MAX_MULTICALL_ENTRIES; break;
    case 2: n = MAX_MULTICALL_ENTRIES + 1; break;
    default: n = 1 + rnd() % 8; break;
    }
    for (i = 0; i < n && i < MAX_MULTICALL_ENTRIES; i++) {
        if (rnd() % 8 == 0) {
            fill_garbage((uint8_t *)&e[i], sizeof(e[i]));
            continue;
        }
        gen_call(&e[i].op, e[i].args, depth + 1);
        e[i].args[5] = pick_arg();
        e[i].result = pick_arg();
    }
    *count = n;
    return p;
}

/* One call: a number, then arguments shaped for it about half the time. */
static void gen_call(unsigned long *nr, unsigned long a[5], int depth)
{
    unsigned int i;
    uint32_t r = rnd() % 16;

    if (r < 11)
        *nr = known[rnd() % NELEM(known)];
    else if (r < 14)
        *nr = rnd() % (NR_HYPERCALLS + 8);
    else
        *nr = pick_arg();
    for (i = 0; i < 5; i++)
        a[i] = pick_arg();
    if (rnd() & 1)
        return; /* all arguments from the dictionaries */
    switch (*nr) {
    case __HYPERVISOR_event_channel_op: a[0] = make_evtchn_op(); break;
    case __HYPERVISOR_set_trap_table: a[0] = make_trap_table(); break;
    case __HYPERVISOR_multicall:
        if (depth < 2)
            a[0] = make_multicall(&a[1], depth);
        break;
    case __HYPERVISOR_set_callbacks:
        a[0] = selectors[rnd() % NELEM(selectors)];
        a[2] = selectors[rnd() % NELEM(selectors)];
        break;
    case __HYPERVISOR_stack_switch: a[0] = selectors[rnd() % NELEM(selectors)]; break;
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_xen_version: a[0] = rnd() % 8; break;
    case __HYPERVISOR_console_io: a[0] = rnd() % 3; break;
    default: break;
    }
}

/* ---------------------------------------------------------- the filter */

static int in_ours(unsigned long v)
{
    return v >= GUEST_VIRT_BASE && v < guest_end;
}
static int in_scratch(unsigned long v, unsigned long from, unsigned long to)
{
    return v >= (unsigned long)scratch + from && v < (unsigned long)scratch + to;
}

/* Is machine frame mfn one of ours?  (start_info's frame list says.) */
static int our_frame(unsigned long mfn)
{
    const unsigned long *list = (const unsigned long *)start_info->mfn_list;
    unsigned long i;

    for (i = 0; i < start_info->nr_pages; i++)
        if (list[i] == mfn)
            return 1;
    return 0;
}

/* Our frame that holds the scratch data zone's last page. */
static unsigned long scratch_data_mfn(void)
{
    unsigned long va = (unsigned long)scratch + SCRATCH_SIZE - 1;

    return ((const unsigned long *)start_info->mfn_list)[(va - GUEST_VIRT_BASE) >> 12];
}

/*
 * Xen's mmu_update request (lab 4's public/mmu.h; this file builds at lab
 * 3 too): a machine address with the command in bits 0-1, and a value.
 */
struct fuzz_mmu_update {
    uint64_t ptr, val;
};

/*
 * From lab 4 on, three hypercalls reach our memory by an address, and the
 * hypervisor is right to let a guest do that to itself: update_va_mapping
 * unmaps or remaps any page of ours (seed 7 at lab 5 unmapped the scratch
 * buffer, and the next multicall's filter faulted reading it),
 * update_descriptor writes 8 bytes into any frame of ours that is not in
 * use as a table, and mmu_update rewrites our page tables.  So
 * update_va_mapping never names an address from GUEST_VIRT_BASE up to the
 * hole, update_descriptor aimed at a frame of ours lands in the scratch
 * data zone instead, and an mmu_update request naming a frame of ours in
 * a list in the scratch buffers names the hypervisor's first frame
 * instead (to be refused).  Before lab 4 these calls are -ENOSYS.
 */
static void filter_memory_call(unsigned long nr, unsigned long a[5])
{
    struct fuzz_mmu_update *r;
    unsigned long i;

    switch (nr) {
    case __HYPERVISOR_update_va_mapping:
        if (a[0] >= GUEST_VIRT_BASE && a[0] < HYPERVISOR_VIRT_START)
            a[0] = 0xB0000000UL | (a[0] & 0xFFF);
        break;
    case __HYPERVISOR_update_descriptor:
        if (a[1] == 0 && our_frame(a[0] >> 12))
            a[0] = (scratch_data_mfn() << 12) | (a[0] & 0x7FF);
        break;
    case __HYPERVISOR_mmu_update:
        if (!in_scratch(a[0], 0, SCRATCH_SIZE))
            break;
        r = (struct fuzz_mmu_update *)a[0];
        for (i = 0; i < a[1] && in_scratch((unsigned long)&r[i + 1] - 1, 0, SCRATCH_SIZE); i++)
            if (!(r[i].ptr >> 32) && our_frame((unsigned long)r[i].ptr >> 12))
                r[i].ptr = (0x100ULL << 12) | (r[i].ptr & 0xFFF); /* the hypervisor's */
        break;
    default:
        break;
    }
}

/*
 * Make a call harmless to us but not to the hypervisor (see the top).
 * nested: the call is a multicall entry, whose pointers may only reach
 * the data zone, so that it cannot rewrite the entries after it.
 */
static void filter_call(unsigned long *nr, unsigned long a[5], int nested)
{
    unsigned int i;

    for (i = 0; i < 5; i++) {
        int ok = nested ? in_scratch(a[i], SCRATCH_LIST, SCRATCH_SIZE)
                        : in_scratch(a[i], 0, SCRATCH_SIZE);
        if (in_ours(a[i]) && !ok)
            a[i] = 0xB0000000UL | (a[i] & 0xFFF);
    }
    filter_memory_call(*nr, a);
    switch (*nr) {
    case __HYPERVISOR_sched_op:
        if (a[0] == SCHEDOP_block || (a[0] == SCHEDOP_shutdown && a[1] <= SHUTDOWN_crash))
            a[0] = SCHEDOP_yield;
        break;
    case __HYPERVISOR_console_io:
        if (a[0] == CONSOLEIO_write && a[1] <= 16 * 1024)
            a[1] = 0;
        break;
    case __HYPERVISOR_test_report:
        if (a[1] > 0 && a[1] < 200)
            a[1] = (rnd() & 1) ? 0 : 200 + (a[1] & 0xFF);
        break;
    case __HYPERVISOR_debug_virq:
        if (a[0] != 0 && a[1] >= 10 && a[1] <= 0xFFFF) {
            a[0] = 1 + a[0] % 4;
            if (a[1] < 2000)
                a[1] = 2000;
        }
        break;
    case __HYPERVISOR_multicall:
        /* A list in the data zone could run past the scratch buffers. */
        if (in_scratch(a[0], SCRATCH_LIST, SCRATCH_SIZE))
            a[0] -= SCRATCH_LIST;
        if (!nested && in_scratch(a[0], 0, SCRATCH_LIST) && a[1] <= MAX_MULTICALL_ENTRIES) {
            multicall_entry_t *e = (multicall_entry_t *)a[0];
            unsigned long j;
            for (j = 0; j < a[1]; j++)
                filter_call(&e[j].op, e[j].args, 1);
        }
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------- sanity */

static void restore_state(void)
{
    long rc;

    nr_restores++;
    if ((rc = traps_init()) < 0)
        fail("restore_traps_rc", (unsigned long)rc);
    rc = HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, (unsigned long)hypervisor_callback,
                                  FLAT_KERNEL_CS, (unsigned long)failsafe_callback);
    if (rc < 0)
        fail("restore_callbacks_rc", (unsigned long)rc);
}

static void check_alive(void)
{
    if (canary_before != CANARY)
        fail("canary_before", canary_before);
    if (canary_after != CANARY)
        fail("canary_after", canary_after);
    if ((read_segment(cs) & 3) != 1)
        fail("cs", read_segment(cs));
    if (read_segment(ds) != FLAT_KERNEL_DS)
        fail("ds", read_segment(ds));
    if (read_segment(ss) != FLAT_KERNEL_SS)
        fail("ss", read_segment(ss));
}

static void on_sanity_event(evtchn_port_t port)
{
    hits++;
}

/*
 * Close every port the fuzzer opened, bind a fresh pair to ourselves,
 * send once and see the event delivered exactly once; then close it.
 */
static void check_events(void)
{
    unsigned long before;
    long a, b, rc;
    evtchn_port_t p;

    HYPERVISOR_debug_virq(0, 0);
    for (p = 0; p < 64; p++)
        evtchn_close(p);
    if ((a = evtchn_alloc_unbound_self()) < 0)
        fail("sanity_alloc_rc", (unsigned long)a);
    if ((b = evtchn_bind_interdomain_self((evtchn_port_t)a)) < 0)
        fail("sanity_bind_rc", (unsigned long)b);
    bind_evtchn_to_handler((evtchn_port_t)a, on_sanity_event);
    unmask_evtchn((evtchn_port_t)a);
    unmask_evtchn((evtchn_port_t)b);
    local_irq_enable();
    before = hits;
    if ((rc = evtchn_send((evtchn_port_t)b)) < 0)
        fail("sanity_send_rc", (unsigned long)rc);
    if (hits != before + 1)
        fail("sanity_event_hits", hits - before);
    evtchn_close((evtchn_port_t)a);
    evtchn_close((evtchn_port_t)b);
    bind_evtchn_to_handler((evtchn_port_t)a, 0);
    /* the version as the first call of the run saw it */
    if (HYPERVISOR_xen_version(0) != version)
        fail("xen_version", (unsigned long)HYPERVISOR_xen_version(0));
}

/*
 * The oracle for pointers: a structure none of whose bytes is mapped -
 * in the hole, straddling HYPERVISOR_VIRT_START, wrapping, or simply
 * unmapped - must give -EFAULT.  (Anything else means the hypervisor read
 * memory the guest does not own.)
 */
static void check_pointer_result(unsigned long nr, const unsigned long a[5], long rc)
{
    unsigned long size;

    switch (nr) {
    case __HYPERVISOR_event_channel_op: size = sizeof(evtchn_op_t); break;
    case __HYPERVISOR_set_trap_table: size = sizeof(trap_info_t); break;
    case __HYPERVISOR_multicall:
        if (a[1] == 0 || a[1] > MAX_MULTICALL_ENTRIES)
            return;
        size = sizeof(multicall_entry_t);
        break;
    default: return;
    }
    if ((a[0] >= guest_end || a[0] <= GUEST_VIRT_BASE - size) && rc != -EFAULT) {
        report("fuzz FAIL seed=%u call=%lu hypercall %lu pointer=%#lx gave %ld, "
               "expected -EFAULT", seed, call_no, nr, a[0], rc);
        replay_hint();
        shutdown(SHUTDOWN_crash);
    }
}

/* ---------------------------------------------------------- main */

static void count(long rc)
{
    if (rc == -ENOSYS)
        stats_enosys++;
    else if (rc == -EFAULT)
        stats_efault++;
    else if (rc == -EINVAL)
        stats_einval++;
    else if (rc == 0)
        stats_ok++;
    else
        stats_other++;
}

int main(void)
{
    unsigned int v;
    long rc;

    seed = (uint32_t)parse_ulong(cmdline_option("seed"), 1);
    ncalls = parse_ulong(cmdline_option("calls"), 10000);
    trace_from = parse_ulong(cmdline_option("trace"), ~0UL);
    fuzz_rng_seed(seed);
    guest_end = start_info->shared_info_va + 4096;
    version = HYPERVISOR_xen_version(0);

    if ((rc = traps_init()) < 0)
        fail("traps_init_rc", (unsigned long)rc);
    for (v = 0; v < 20; v++)
        set_trap_callback(v, on_trap);
    if ((rc = events_init()) < 0)
        fail("events_init_rc", (unsigned long)rc);
    check_events();
    report("fuzz start calls=%lu", ncalls);

    for (call_no = 0; call_no < ncalls; call_no++) {
        unsigned long nr, a[5];

        if (call_no % 4096 == 0)
            fill_garbage(scratch, sizeof(scratch));
        gen_call(&nr, a, 0);
        filter_call(&nr, a, 0);
        if (call_no >= trace_from)
            printf("fuzz call %lu: hypercall %lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n",
                   call_no, nr, a[0], a[1], a[2], a[3], a[4]);
        rc = _hypercall5(nr, a[0], a[1], a[2], a[3], a[4]);
        count(rc);
        check_alive();
        check_pointer_result(nr, a, rc);
        if (nr == __HYPERVISOR_multicall)
            nr_multicalls++;
        /* Undo a call that may have replaced our handlers or stack. */
        if (rc == 0 && (nr == __HYPERVISOR_set_trap_table || nr == __HYPERVISOR_stack_switch ||
                        nr == __HYPERVISOR_set_callbacks || nr == __HYPERVISOR_set_fast_trap ||
                        nr == __HYPERVISOR_multicall))
            restore_state();
        if (call_no % SANITY_EVERY == SANITY_EVERY - 1)
            check_events();
    }
    check_events();
    HYPERVISOR_debug_virq(0, 0);
    printf("fuzz: seed=%u calls=%lu ok=%lu enosys=%lu efault=%lu einval=%lu other=%lu "
           "multicalls=%lu restores=%lu upcalls=%lu\n", seed, ncalls, stats_ok,
           stats_enosys, stats_efault, stats_einval, stats_other, nr_multicalls,
           nr_restores, nr_upcalls);
    report("fuzz done calls=%lu failures=0", call_no);
    return 0;
}
