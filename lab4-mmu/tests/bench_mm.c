/*
 * tests/bench_mm.c - how long lab 4's page-table paths are, in
 * instructions (lab 4).  Not a graded test: `tools/check-bench.py` boots
 * it next to lab 3's bench.c and compares each figure with
 * tools/bench-baseline.ini.  The method is lab 3's (tests/bench.c):
 * under the grader's deterministic settings rdtsc counts instructions,
 * guest and hypervisor together.
 *
 * What it shows students: an entry sent in a batch costs a fraction of
 * one sent alone (the trap is paid once per batch), update_va_mapping is
 * the cheap way to change one entry of the current address space, and a
 * "fork" costs mostly the copy of each page.
 * One line per benchmark on the result channel: "bench NAME=INSTRUCTIONS".
 *
 * Each figure is the smallest of TRIES measurements, each at most ~100 000
 * instructions: from lab 5 on (make bench boots this guest on later labs
 * too, with a 10 ms tick: 200 000 instructions on Bochs, ten million on
 * QEMU) the tick lands in some measurements on Bochs and none on QEMU;
 * the smallest is one it missed, the same on both emulators.
 */
#include <guest/pmap.h>

#define BATCH 128 /* entries per measurement */
#define FORK_PAGES 64 /* pages per fork */
#define TRIES 8 /* measurements per figure: the smallest counts */

static struct aspace as, child;
static mmu_update_t reqs[BATCH];
static unsigned long page_pfn;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc"
                     : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Requests that map (map=1) or unmap BATCH user pages of `as`. */
static void prepare(int map)
{
    unsigned int i;
    uint64_t l1 = (uint64_t)pfn_to_mfn(as.l1_pfn) << PAGE_SHIFT;

    for (i = 0; i < BATCH; i++) {
        reqs[i].ptr = (l1 + i * 4) | MMU_NORMAL_PT_UPDATE;
        reqs[i].val = map ? MAKE_PTE(pfn_to_mfn(page_pfn), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
                          : 0;
    }
}

/* Per entry: BATCH entries in one mmu_update. */
static uint64_t bench_batched(void)
{
    uint64_t t0, t;

    prepare(1);
    t0 = rdtsc();
    HYPERVISOR_mmu_update(reqs, BATCH, NULL, DOMID_SELF);
    t = rdtsc() - t0;
    prepare(0);
    HYPERVISOR_mmu_update(reqs, BATCH, NULL, DOMID_SELF);
    return t;
}

/* Per entry: BATCH mmu_updates of one entry each. */
static uint64_t bench_single(void)
{
    uint64_t t0, t;
    unsigned int i;

    prepare(1);
    t0 = rdtsc();
    for (i = 0; i < BATCH; i++)
        HYPERVISOR_mmu_update(&reqs[i], 1, NULL, DOMID_SELF);
    t = rdtsc() - t0;
    prepare(0);
    HYPERVISOR_mmu_update(reqs, BATCH, NULL, DOMID_SELF);
    return t;
}

/* Per call: update_va_mapping of BATCH addresses of the current space. */
static uint64_t bench_uvm(void)
{
    uint32_t val = MAKE_PTE(pfn_to_mfn(page_pfn), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
    uint64_t t0, t;
    unsigned int i;

    t0 = rdtsc();
    for (i = 0; i < BATCH; i++)
        HYPERVISOR_update_va_mapping(USER_VIRT_BASE + i * PAGE_SIZE, val, UVMF_INVLPG);
    t = rdtsc() - t0;
    prepare(0);
    HYPERVISOR_mmu_update(reqs, BATCH, NULL, DOMID_SELF);
    return t;
}

/* Per switch: NEW_BASEPTR to the bootstrap tables and back, BATCH/2 times. */
static uint64_t bench_switch(void)
{
    unsigned long boot = virt_to_mfn((void *)start_info->pt_base);
    unsigned long mine = pfn_to_mfn(as.l2_pfn);
    uint64_t t0;
    unsigned int i;

    t0 = rdtsc();
    for (i = 0; i < BATCH / 2; i++) {
        mmuext(MMUEXT_NEW_BASEPTR, boot);
        mmuext(MMUEXT_NEW_BASEPTR, mine);
    }
    return rdtsc() - t0;
}

/*
 * Per page of a fork: create a space, copy FORK_PAGES pages of `as` into
 * it (batched).  Timed in two parts, the create (~70 000 instructions: a
 * new page directory, validated) and the copy (~100 000), each the
 * smallest over the calls so far: a tick (see TRIES) may land in one
 * part of every fork, but in each part of only some.
 */
static uint64_t bench_fork(void)
{
    static uint64_t create = ~0ULL, copy = ~0ULL;
    uint64_t t0, t;
    unsigned int i;

    for (i = 0; i < FORK_PAGES; i++)
        aspace_map(&as, USER_VIRT_BASE + i * PAGE_SIZE, pfn_alloc(), _PAGE_RW);
    pmap_flush();
    t0 = rdtsc();
    aspace_create(&child);
    if ((t = rdtsc() - t0) < create)
        create = t;
    t0 = rdtsc();
    aspace_copy(&child, &as);
    if ((t = rdtsc() - t0) < copy)
        copy = t;
    aspace_destroy(&child);
    for (i = 0; i < FORK_PAGES; i++) {
        pfn_free(mfn_to_pfn(PTE_MFN(aspace_pte(&as, USER_VIRT_BASE + i * PAGE_SIZE))));
        aspace_unmap(&as, USER_VIRT_BASE + i * PAGE_SIZE);
    }
    pmap_flush();
    return (create + copy) * BATCH / FORK_PAGES; /* main divides by BATCH */
}

static const struct benchmark {
    const char *name;
    uint64_t (*run)(void);
} benchmarks[] = {
    { "mmu_update_batched_per_entry", bench_batched },
    { "mmu_update_single", bench_single },
    { "update_va_mapping", bench_uvm },
    { "new_baseptr", bench_switch },
    { "fork_per_page", bench_fork },
};

int main(void)
{
    unsigned int i;
    long rc;

    pmap_init();
    page_pfn = pfn_alloc();
    if ((rc = aspace_create(&as)) < 0 || (rc = aspace_switch(&as)) < 0) {
        report("bench setup failed: %ld", rc);
        return 1;
    }
    for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++) {
        uint64_t best = ~0ULL, t;
        unsigned int k;

        benchmarks[i].run(); /* warm up */
        for (k = 0; k < TRIES; k++)
            if ((t = benchmarks[i].run()) < best)
                best = t;
        report("bench %s=%lu", benchmarks[i].name, (unsigned long)(best / BATCH));
    }
    aspace_destroy(&as);
    report("bench done hv_frames=%lu", hv_free_frames());
    return 0;
}
