/*
 * bench/bench.c - the microbenchmarks and workloads of `make bench`
 * (issue 17; uses labs 1-4), compiled unchanged against the paravirtual
 * port (port_pv.c: a guest of Parakeet) and the native one (native/: a
 * ring-0 kernel on the bare emulated machine).  Only port.h separates it
 * from the machine, so any difference between the two columns of the
 * table is the cost of the paths behind the port.
 *
 * Each figure is rdtsc after minus before: instructions under the
 * grader's deterministic settings, noisy host time otherwise.  One result
 * line per figure: "bench NAME=VALUE".
 *
 * From lab 5 the hypervisor's timer tick interrupts us every millisecond,
 * and a millisecond is a million instructions on QEMU but 20 000 on
 * Bochs, so a tick's instructions would land in a figure on one emulator
 * and not the other.  Hence two kinds of figure:
 *
 *   operations  (syscall ... timer_latency) the smallest of BATCHES
 *               short batches of BATCH operations, divided by BATCH: a
 *               batch is a few thousand instructions, so some batch the
 *               tick missed - the same figure on both emulators, exactly.
 *               space_fork_per_page too, the smallest of BATCHES forks of
 *               FORK_PAGES pages (~160 000 instructions): some fork fits
 *               between two ticks only at lab 5's slowest tick (tick_us=
 *               10000), which make bench gives this guest.
 *   long runs   (the work_ rows, millions of instructions: too long for a
 *               tick to miss) measured whole, minus the ticks that landed
 *               in them (port_ticks) times what one tick costs, which
 *               calibrate_tick() measures first: the cost of the path
 *               itself, as if no tick came.  Only nearly: a tick costs
 *               less when it interrupts the hypervisor than the guest (the
 *               scheduler runs only in the latter), so a tick that lands
 *               in a hypercall is over-subtracted by a few hundred.
 *
 * Natively, and before lab 5, no tick lands and nothing is subtracted.
 */
#include "port.h"

#define BATCH 16   /* operations per batch */
#define BATCHES 16 /* batches per figure: the smallest one counts */
#define PTE_BATCH 32 /* entries per mmu_update batch */
#define FORK_PAGES 64

/* ---- a null system call from ring 3 ---- */

static uint8_t user_stack[4096] PORT_USER_DATA __attribute__((aligned(16)));
static unsigned int user_n PORT_USER_DATA;
static uint32_t user_ticks PORT_USER_DATA;

PORT_USER_FN static void user_syscalls(void)
{
    uint32_t lo0, hi0, lo1, hi1;
    unsigned int i;

    __asm__ volatile("rdtsc"
                     : "=a"(lo0), "=d"(hi0));
    for (i = 0; i < user_n; i++)
        __asm__ volatile("int $0x80"
                         :
                         : "a"(2)
                         : "memory");
    __asm__ volatile("rdtsc"
                     : "=a"(lo1), "=d"(hi1));
    user_ticks = lo1 - lo0;
    (void)hi0;
    (void)hi1;
    __asm__ volatile("int $0x80"
                     :
                     : "a"(PORT_SYS_exit), "b"(0)
                     : "memory");
}

static uint64_t bench_syscall(void)
{
    user_n = BATCH;
    port_run_user(user_syscalls, (unsigned long)user_stack + sizeof(user_stack));
    return user_ticks;
}

/* ---- a page fault taken by the kernel (0x1000 is never mapped) ---- */

static uint64_t bench_page_fault(void)
{
    unsigned int n = BATCH;
    uint64_t t0;

    port_skip_faults(1);
    t0 = port_rdtsc();
    while (n--)
        __asm__ volatile(".byte 0xA1; .long 0x1000"
                         :
                         :
                         : "eax", "memory");
    t0 = port_rdtsc() - t0;
    port_skip_faults(0);
    return t0;
}

/* ---- page-table updates in a space of our own ---- */

static struct port_space *space;
static unsigned long frame;

static void unmap_all(void)
{
    unsigned int i;

    for (i = 0; i < PTE_BATCH; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, 0, 1);
    port_flush();
}

static uint64_t bench_pte_single(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < BATCH; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, frame, 0);
    t0 = port_rdtsc() - t0;
    unmap_all();
    return t0;
}

static uint64_t bench_pte_batched(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < PTE_BATCH; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, frame, 1);
    port_flush();
    t0 = port_rdtsc() - t0;
    unmap_all();
    return t0;
}

static uint64_t bench_map_current(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < BATCH; i++)
        port_map_current(PORT_USER_BASE + i * PORT_PAGE_SIZE, frame);
    t0 = port_rdtsc() - t0;
    unmap_all();
    return t0;
}

static uint64_t bench_switch(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < BATCH / 2; i++) {
        port_switch(0);
        port_switch(space);
    }
    return port_rdtsc() - t0;
}

static uint64_t bench_irq_off_on(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < BATCH; i++) {
        port_irq_disable();
        port_irq_enable();
    }
    return port_rdtsc() - t0;
}

/* A timer interrupt already due, taken (native: the PIT's IRQ 0; the
 * paravirtual figure is lab 5's bench_sched, so port_pv returns 0). */
static uint64_t bench_timer(void)
{
    return port_timer_latency();
}

/* Per page: a new space and a copy of FORK_PAGES pages of `space`. */
static uint64_t bench_fork(void)
{
    struct port_space *child;
    uint64_t t0;
    unsigned int i;

    for (i = 0; i < FORK_PAGES; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, port_frame_alloc(), 1);
    port_flush();
    t0 = port_rdtsc();
    child = port_space_new();
    port_space_copy(child, space);
    t0 = port_rdtsc() - t0;
    port_space_clear(child);
    port_space_free(child);
    port_space_clear(space);
    return t0;
}

/* ---- workloads ---- */

/* Compute-bound: a sieve, a sort and a checksum, all in the kernel; the
 * port is never called, so the two sides should run the same instructions. */
static uint8_t sieve[16384];
static uint32_t numbers[1024];
static uint32_t checksum;

static void compute_once(uint32_t seed)
{
    unsigned int i, j, primes = 0;
    uint32_t x = seed;

    for (i = 2; i < sizeof(sieve); i++)
        sieve[i] = 1;
    for (i = 2; i < sizeof(sieve); i++)
        if (sieve[i]) {
            primes++;
            for (j = i * 2; j < sizeof(sieve); j += i)
                sieve[j] = 0;
        }
    for (i = 0; i < 1024; i++) {
        x = x * 1103515245u + 12345u;
        numbers[i] = x >> 8;
    }
    for (i = 1; i < 1024; i++) { /* shell-less insertion sort: O(n^2) on purpose */
        uint32_t v = numbers[i];
        for (j = i; j > 0 && numbers[j - 1] > v; j--)
            numbers[j] = numbers[j - 1];
        numbers[j] = v;
    }
    for (i = 0; i < 1024; i++)
        checksum = (checksum << 5 | checksum >> 27) ^ numbers[i] ^ primes;
}

static uint64_t work_compute(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int k;

    for (k = 0; k < 4; k++)
        compute_once(k + 1);
    return port_rdtsc() - t0;
}

/* Page-table-heavy: fork + exec + exit of a ring-3 program, ITER times.
 * fork copies the parent's 16 pages into a new space; exec throws that
 * space away for a fresh one with 4 pages of stack; the program writes
 * each page and exits. */
#define ITER 16
#define PARENT_PAGES 16
#define EXEC_PAGES 4

PORT_USER_FN static void user_touch_and_exit(void)
{
    unsigned int i;

    for (i = 0; i < EXEC_PAGES; i++)
        *(volatile uint32_t *)(PORT_USER_BASE + i * PORT_PAGE_SIZE) = i;
    __asm__ volatile("int $0x80"
                     :
                     : "a"(PORT_SYS_exit), "b"(0)
                     : "memory");
}

static uint64_t work_fork_exec_exit(void)
{
    uint64_t t0;
    unsigned int k, i;

    for (i = 0; i < PARENT_PAGES; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, port_frame_alloc(), 1);
    port_flush();
    t0 = port_rdtsc();
    for (k = 0; k < ITER; k++) {
        struct port_space *child = port_space_new(), *image;

        port_space_copy(child, space); /* fork */
        image = port_space_new();      /* exec */
        for (i = 0; i < EXEC_PAGES; i++)
            port_map(image, PORT_USER_BASE + i * PORT_PAGE_SIZE, port_frame_alloc(), 1);
        port_space_clear(child);
        port_space_free(child);
        port_switch(image);
        port_run_user(user_touch_and_exit, PORT_USER_BASE + EXEC_PAGES * PORT_PAGE_SIZE);
        port_switch(space); /* exit: back to the parent */
        port_space_clear(image);
        port_space_free(image);
    }
    t0 = port_rdtsc() - t0;
    port_space_clear(space);
    return t0;
}

/* ---- the tick ---- */

#define SPIN 1000

/* A fixed stretch of instructions that touches nothing: the ruler. */
static void __attribute__((noinline)) spin(void)
{
    unsigned int n = SPIN;

    while (n--)
        __asm__ volatile("");
}

static uint64_t tick_cost; /* instructions one tick adds to a measurement */

/*
 * Time SPIN-loops one at a time: the smallest of the first 16 is the loop
 * alone (a loop is a few thousand instructions, so most miss the tick),
 * and a later loop that takes longer is longer by the cost of the one tick
 * that landed in it.  tick_cost is the average over TICK_SAMPLES such
 * loops.  No tick port_ticks() counts within NO_TICK_LOOPS loops (natively,
 * or before lab 5): nothing to subtract.
 */
#define TICK_SAMPLES 8
#define NO_TICK_LOOPS 4000 /* ~12 M instructions: more than a 10 ms tick on QEMU */
#define MAX_LOOPS 16000

static uint64_t time_spin(void)
{
    uint64_t t0 = port_rdtsc();

    spin();
    return port_rdtsc() - t0;
}

static void calibrate_tick(void)
{
    uint64_t best = ~0ULL, extra = 0, t;
    unsigned long ticks0 = port_ticks();
    unsigned int n, ticked = 0;

    for (n = 0; n < 16; n++)
        if ((t = time_spin()) < best)
            best = t;
    for (n = 0; n < MAX_LOOPS && ticked < TICK_SAMPLES; n++) {
        if (n == NO_TICK_LOOPS && port_ticks() == ticks0)
            break; /* no tick we could count (lab 1's slow one is not) */
        if ((t = time_spin()) > best) {
            extra += t - best;
            ticked++;
        }
    }
    tick_cost = ticked && port_ticks() ? extra / ticked : 0;
}

/* ---- the I/O workload: lab 6's, on the bare machine ---- */

#define IO_SECTORS 256
#define IO_PER_REQUEST 8 /* sectors: a page per request */

static uint32_t io_buf[1024] __attribute__((aligned(4096)));

/*
 * Read the disk's first 256 sectors in 32 requests of a page - the run
 * lab 6's tests/bench_io.c times through the split driver - then check
 * that the last page holds what tests/mkdisk.py wrote there (word i of
 * sector s is (s * 128 + i) * 2654435761), so the reads really moved the
 * data.  0 if this port has no disk (the paravirtual one).
 */
static uint64_t work_block_io(void)
{
    uint64_t t0 = port_rdtsc(), t;
    unsigned long s, i, bad = 0;

    for (s = 0; s < IO_SECTORS; s += IO_PER_REQUEST)
        if (port_block_read(s, IO_PER_REQUEST, io_buf) < 0)
            return 0;
    t = port_rdtsc() - t0;
    for (i = 0; i < 1024; i++)
        bad += io_buf[i] != (uint32_t)(((IO_SECTORS - IO_PER_REQUEST) * 128 + i) * 2654435761u);
    if (bad) {
        port_report("bench work_block_io: %lu of the 1024 words read from sector %u are not "
                    "tests/mkdisk.py's", bad, IO_SECTORS - IO_PER_REQUEST);
        port_exit(1);
    }
    return t;
}

/* ---- the table ---- */

enum kind {
    OPERATIONS, /* run() times one short batch: the smallest batch counts */
    LONG_RUN,   /* run() times all of it: the ticks' cost is subtracted  */
};

static const struct benchmark {
    const char *name;
    uint64_t (*run)(void);
    enum kind kind;
    unsigned int per; /* the figure is divided by this */
} benchmarks[] = {
    { "syscall", bench_syscall, OPERATIONS, BATCH },
    { "page_fault", bench_page_fault, OPERATIONS, BATCH },
    { "pte_update_single", bench_pte_single, OPERATIONS, BATCH },
    { "pte_update_batched", bench_pte_batched, OPERATIONS, PTE_BATCH },
    { "pte_update_current", bench_map_current, OPERATIONS, BATCH },
    { "space_switch", bench_switch, OPERATIONS, BATCH },
    { "irq_disable_enable", bench_irq_off_on, OPERATIONS, BATCH },
    { "space_fork_per_page", bench_fork, OPERATIONS, FORK_PAGES },
    { "timer_latency", bench_timer, OPERATIONS, 1 }, /* 0: not on this port */
    { "work_compute", work_compute, LONG_RUN, 1 },
    { "work_fork_exec_exit", work_fork_exec_exit, LONG_RUN, 1 },
    { "work_block_io", work_block_io, LONG_RUN, 1 }, /* 0: not on this port */
};

static uint64_t measure(const struct benchmark *b)
{
    uint64_t best = ~0ULL, t;
    unsigned long ticks;
    unsigned int i;

    b->run(); /* warm up: first-touch faults, lazy paths */
    if (b->kind == OPERATIONS) {
        for (i = 0; i < BATCHES; i++)
            if ((t = b->run()) < best)
                best = t;
        return best;
    }
    ticks = port_ticks();
    t = b->run();
    ticks = port_ticks() - ticks;
    /* (in wall-time runs the "cost" is host-clock noise: never below 0) */
    return ticks * tick_cost < t ? t - ticks * tick_cost : t;
}

void bench_main(void);
void bench_main(void)
{
    unsigned int i;
    int rc;

    if ((rc = port_init()) < 0) {
        port_report("bench setup failed: %d", rc);
        port_exit(1);
    }
    frame = port_frame_alloc();
    space = port_space_new();
    if (!space || !frame) {
        port_report("bench setup failed: no space or frame");
        port_exit(1);
    }
    port_switch(space);
    calibrate_tick();
    for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++) {
        uint64_t t = measure(&benchmarks[i]);

        if (t) /* 0: the port does not measure this one */
            port_report("bench %s=%lu", benchmarks[i].name, (unsigned long)(t / benchmarks[i].per));
    }
    port_report("bench tick: %lu instructions each, subtracted from the long runs",
                (unsigned long)tick_cost);
    port_report("bench checksum=%lu", (unsigned long)checksum);
    port_report("bench done port=%s", port_name());
    port_exit(0);
}
