/*
 * tests/bench.c - how long the paravirtual paths are, in instructions
 * (lab 3; uses labs 2 and 3).  Not a graded test: `tools/check-bench.py`
 * boots it on both emulators and compares each figure with the committed
 * baseline, and `make bench` (later) will extend its table.
 *
 * Under make bench's deterministic settings the time-stamp counter counts
 * instructions (QEMU: -icount shift=0; Bochs: clock sync=none), so
 * `rdtsc` before and after N repetitions, divided by N, is the number of
 * instructions one operation costs - guest and hypervisor together - and
 * the same on every run.  It is path length, not the real cost of a trap
 * on hardware: a privilege change costs hundreds of cycles that no
 * emulator's instruction count shows.
 *
 * Each benchmark is one function in the table at the bottom: it returns
 * the instructions for `n` repetitions of its operation.  Each figure is
 * the smallest of TRIES batches of BATCH repetitions: from lab 5 on
 * (make bench boots this guest on later labs too) the hypervisor's timer
 * tick interrupts now and then, after a different number of instructions
 * on QEMU and on Bochs, and a batch is short enough (a few thousand
 * instructions) that most batches miss it: the smallest is one that did,
 * the same on both emulators.  One line per benchmark on the result
 * channel: "bench NAME=INSTRUCTIONS".
 */
#include <guest/events.h>
#include <guest/traps.h>

#define BATCH 32 /* repetitions per measurement */
#define TRIES 16 /* measurements per figure: the smallest counts */
#define BOUNCED_SYSCALL_VECTOR 0x81 /* in the trap table, no direct gate */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* An unused hypercall number: the shortest path into the hypervisor and
 * back (dispatch, -ENOSYS). */
#define NULL_HYPERCALL 63

static uint64_t bench_null_hypercall(unsigned int n)
{
    uint64_t t0 = rdtsc();
    while (n--)
        _hypercall0(NULL_HYPERCALL);
    return rdtsc() - t0;
}

static uint64_t bench_xen_version(unsigned int n)
{
    uint64_t t0 = rdtsc();
    while (n--)
        HYPERVISOR_xen_version(0);
    return rdtsc() - t0;
}

/* ---- system calls from ring 3 ---- */

static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));
static unsigned int user_n USER_DATA;
static int user_bounced USER_DATA;
static uint32_t user_ticks USER_DATA;

/* Ring 3: n null system calls, through `int $0x80` (the direct gate: the
 * CPU goes straight to the guest kernel) or through `int $0x81` (bounced:
 * that IDT gate has DPL 0, so the CPU raises #GP into the hypervisor,
 * which delivers it to the guest kernel's handler for 0x81). */
USER_FN static void user_syscalls(void)
{
    uint32_t lo0, hi0, lo1, hi1;
    unsigned int i;

    __asm__ volatile("rdtsc" : "=a"(lo0), "=d"(hi0));
    if (user_bounced)
        for (i = 0; i < user_n; i++)
            __asm__ volatile("int $0x81" : : "a"(SYS_check) : "memory");
    else
        for (i = 0; i < user_n; i++)
            __asm__ volatile("int $0x80" : : "a"(SYS_check) : "memory");
    __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
    user_ticks = lo1 - lo0; /* a few thousand per call: fits in 32 bits */
    (void)hi0;
    (void)hi1;
    __asm__ volatile("int $0x80" : : "a"(SYS_exit), "b"(0) : "memory");
}

static void syscall_handler(struct trap_frame *f)
{
    if (f->eax == SYS_exit)
        return_from_user(0);
    f->eax = 0; /* the null system call */
}

static uint64_t run_syscalls(unsigned int n, int bounced)
{
    user_n = n;
    user_bounced = bounced;
    enter_user(user_syscalls, (unsigned long)user_stack + sizeof(user_stack));
    return user_ticks;
}

static uint64_t bench_syscall_direct(unsigned int n)
{
    return run_syscalls(n, 0);
}

static uint64_t bench_syscall_bounced(unsigned int n)
{
    return run_syscalls(n, 1);
}

/* ---- a page fault bounced to the guest kernel ---- */

static void skip_faulting_load(struct trap_frame *f)
{
    f->eip += 5; /* `movl 0x1000, %eax` is A1 + a 4-byte address */
}

static uint64_t bench_page_fault(unsigned int n)
{
    uint64_t t0;

    set_trap_callback(14, skip_faulting_load);
    t0 = rdtsc();
    while (n--) /* 0x1000 is never mapped: guests live at 0xC0000000 */
        __asm__ volatile(".byte 0xA1; .long 0x1000" : : : "eax", "memory");
    return rdtsc() - t0;
}

/* ---- events ---- */

static evtchn_port_t port_a, port_b;
static volatile unsigned long upcalls_seen;

static void count_event(evtchn_port_t port)
{
    (void)port;
    upcalls_seen++;
}

/* Send with delivery on: each send raises the port and the return from
 * the hypercall runs the upcall. */
static uint64_t bench_event_send_upcall(unsigned int n)
{
    uint64_t t0 = rdtsc();
    while (n--)
        evtchn_send(port_b);
    return rdtsc() - t0;
}

/* Send with events masked in the vcpu: the hypercall alone. */
static uint64_t bench_event_send(unsigned int n)
{
    uint64_t t;

    local_irq_disable();
    t = rdtsc();
    while (n--)
        evtchn_send(port_b);
    t = rdtsc() - t;
    local_irq_enable(); /* takes the one pending event */
    return t;
}

/* ---- batching ---- */

static struct mc_batch batch;

/* n xen_version calls in batches of MAX_MULTICALL_ENTRIES: per entry. */
static uint64_t bench_multicall_entry(unsigned int n)
{
    uint64_t t = 0, t0;
    unsigned int i, k;

    for (i = 0; i < n; i += k) {
        k = n - i < MAX_MULTICALL_ENTRIES ? n - i : MAX_MULTICALL_ENTRIES;
        batch.n = 0;
        while (batch.n < k)
            mc_add(&batch, __HYPERVISOR_xen_version, 0, 0, 0);
        t0 = rdtsc();
        mc_flush(&batch);
        t += rdtsc() - t0;
    }
    return t;
}

static const struct benchmark {
    const char *name;
    uint64_t (*run)(unsigned int n);
} benchmarks[] = {
    { "null_hypercall", bench_null_hypercall },
    { "xen_version", bench_xen_version },
    { "syscall_direct_gate", bench_syscall_direct },
    { "syscall_bounced", bench_syscall_bounced },
    { "page_fault_bounced", bench_page_fault },
    { "event_send_masked", bench_event_send },
    { "event_send_upcall", bench_event_send_upcall },
    { "multicall_per_entry", bench_multicall_entry },
};

/* Add vector 0x81 to the trap table traps_init() registered. */
static long add_bounced_syscall_vector(void)
{
    extern char guest_trap_14[], guest_trap_128[];
    static trap_info_t table[] = {
        { 14, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_14 },
        { SYSCALL_VECTOR, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_128 },
        { BOUNCED_SYSCALL_VECTOR, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_128 },
        { 0, 0, 0, 0 },
    };
    long rc = HYPERVISOR_set_trap_table(table);

    if (rc < 0)
        return rc;
    return HYPERVISOR_set_fast_trap(SYSCALL_VECTOR); /* the gate for 0x80 */
}

int main(void)
{
    long rc, a, b;
    unsigned int i;

    if ((rc = traps_init()) < 0 || make_user_pages() < 0 ||
        (rc = add_bounced_syscall_vector()) < 0 || (rc = events_init()) < 0) {
        report("bench setup failed: %ld", rc);
        return 1;
    }
    set_trap_callback(SYSCALL_VECTOR, syscall_handler);
    a = evtchn_alloc_unbound_self();
    b = evtchn_bind_interdomain_self((evtchn_port_t)a);
    if (a <= 0 || b <= 0) {
        report("bench setup failed: ports %ld %ld", a, b);
        return 1;
    }
    port_a = (evtchn_port_t)a;
    port_b = (evtchn_port_t)b;
    bind_evtchn_to_handler(port_a, count_event);

    for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++) {
        uint64_t best = ~0ULL, t;
        unsigned int k;

        benchmarks[i].run(8); /* warm up: first-touch faults, lazy paths */
        for (k = 0; k < TRIES; k++)
            if ((t = benchmarks[i].run(BATCH)) < best)
                best = t;
        report("bench %s=%lu", benchmarks[i].name, (unsigned long)(best / BATCH));
    }
    report("bench upcalls=%lu", upcalls_seen);
    return 0;
}
