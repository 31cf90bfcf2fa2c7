/*
 * bench/bench.c - the microbenchmarks and workloads of `make bench`
 * (issue 17; uses labs 1-4), compiled unchanged against the paravirtual
 * port (port_pv.c: a guest of Parakeet) and the native one (native/: a
 * ring-0 kernel on the bare emulated machine).  Only port.h separates it
 * from the machine, so any difference between the two columns of the
 * table is the cost of the paths behind the port.
 *
 * Each figure is rdtsc after minus before, divided by the repetitions:
 * instructions per operation under the grader's deterministic settings,
 * noisy host time otherwise.  One result line per figure:
 * "bench NAME=VALUE".
 */
#include "port.h"

#define REPEAT 128 /* repetitions per measurement */
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
    user_n = REPEAT;
    port_run_user(user_syscalls, (unsigned long)user_stack + sizeof(user_stack));
    return user_ticks;
}

/* ---- a page fault taken by the kernel (0x1000 is never mapped) ---- */

static uint64_t bench_page_fault(void)
{
    unsigned int n = REPEAT;
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

    for (i = 0; i < REPEAT; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, 0, 1);
    port_flush();
}

static uint64_t bench_pte_single(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < REPEAT; i++)
        port_map(space, PORT_USER_BASE + i * PORT_PAGE_SIZE, frame, 0);
    t0 = port_rdtsc() - t0;
    unmap_all();
    return t0;
}

static uint64_t bench_pte_batched(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < REPEAT; i++)
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

    for (i = 0; i < REPEAT; i++)
        port_map_current(PORT_USER_BASE + i * PORT_PAGE_SIZE, frame);
    t0 = port_rdtsc() - t0;
    unmap_all();
    return t0;
}

static uint64_t bench_switch(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < REPEAT / 2; i++) {
        port_switch(0);
        port_switch(space);
    }
    return port_rdtsc() - t0;
}

static uint64_t bench_irq_off_on(void)
{
    uint64_t t0 = port_rdtsc();
    unsigned int i;

    for (i = 0; i < REPEAT; i++) {
        port_irq_disable();
        port_irq_enable();
    }
    return port_rdtsc() - t0;
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
    return t0 * REPEAT / FORK_PAGES; /* main divides by REPEAT */
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

static const struct benchmark {
    const char *name;
    uint64_t (*run)(void);
    unsigned int per; /* the total is divided by this */
} benchmarks[] = {
    { "syscall", bench_syscall, REPEAT },
    { "page_fault", bench_page_fault, REPEAT },
    { "pte_update_single", bench_pte_single, REPEAT },
    { "pte_update_batched", bench_pte_batched, REPEAT },
    { "pte_update_current", bench_map_current, REPEAT },
    { "space_switch", bench_switch, REPEAT },
    { "irq_disable_enable", bench_irq_off_on, REPEAT },
    { "space_fork_per_page", bench_fork, REPEAT },
    { "work_compute", work_compute, 1 },
    { "work_fork_exec_exit", work_fork_exec_exit, 1 },
};

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
    for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++) {
        uint64_t total;
        benchmarks[i].run(); /* warm up: first-touch faults, lazy paths */
        total = benchmarks[i].run();
        port_report("bench %s=%lu", benchmarks[i].name,
                    (unsigned long)(total / benchmarks[i].per));
    }
    port_report("bench checksum=%lu", (unsigned long)checksum);
    port_report("bench done port=%s", port_name());
    port_exit(0);
}
