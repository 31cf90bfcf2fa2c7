/*
 * tests/leak.c - 1 000 address spaces built and torn down (lab 4).
 *
 * Each is created and pinned, gets one page mapped, becomes the current
 * address space, is written through, and is switched away from, unpinned
 * and freed.  A reference the hypervisor forgot to drop shows as a frame
 * that keeps a type (it could never be made writable again, so the next
 * build fails) or as frames missing at the end: the guest counts both,
 * and the hypervisor's summary counts its own.  `n=` changes the count.
 * The console says how many instructions one address space's life
 * takes (rdtsc counts instructions under the grader's settings): about
 * 79 000 with the reference solutions (QEMU, 2026-12-01), so 1 000 of
 * them take about 4 s on Bochs.
 * Exercises: 1, 2, 3, 4, 5.
 */
#include <guest/pmap.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
    static struct aspace as;
    const char *n_opt = cmdline_option("n");
    unsigned long n = n_opt ? strtoul(n_opt, NULL, 10) : 1000, i, done = 0, wrong = 0;
    unsigned long hv_free0, pfns_free0, first_l2 = PFN_NONE, calls;
    uint64_t t0;
    long rc = 0;

    pmap_init();
    hv_free0 = hv_free_frames();
    pfns_free0 = nr_free_pfns();
    calls = pmap_hypercalls;
    t0 = rdtsc();
    for (i = 0; i < n; i++) {
        unsigned long pfn = pfn_alloc();
        volatile uint32_t *p = (volatile uint32_t *)(USER_VIRT_BASE + (i % 1024) * PAGE_SIZE);

        if ((rc = aspace_create(&as)) < 0)
            break;
        if (first_l2 == PFN_NONE)
            first_l2 = as.l2_pfn;
        *(volatile uint32_t *)pfn_to_virt(pfn) = (uint32_t)i;
        aspace_map(&as, (unsigned long)p, pfn, _PAGE_RW);
        if ((rc = aspace_switch(&as)) < 0)
            break;
        wrong += *p != i; /* the page, seen through the new tables */
        *p = ~(uint32_t)i;
        if ((rc = aspace_destroy(&as)) < 0)
            break;
        wrong += *(volatile uint32_t *)pfn_to_virt(pfn) != ~(uint32_t)i;
        done++;
    }
    if (done)
        printf("leak: %lu address spaces, %lu instructions each\n", done,
               (unsigned long)((rdtsc() - t0) / done));
    report("leak spaces=%lu rc=%ld wrong=%lu hypercalls_per_space=%lu", done, rc, wrong,
           done ? (pmap_hypercalls - calls) / done : 0);
    report_frame("leak first_l2", pfn_to_mfn(first_l2));
    report("leak balance hv_frames=%ld pfns=%ld", (long)(hv_free_frames() - hv_free0),
           (long)(nr_free_pfns() - pfns_free0));
    return 0;
}
