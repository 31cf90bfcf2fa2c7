/*
 * tests/fork.c - "fork" of a 64-page ring-3 program, batched and one
 * request at a time (lab 4).
 *
 * A ring-3 program fills 63 heap pages and one stack page, all demand-
 * paged, and exits with a checksum.  The kernel then copies its address
 * space twice: once with the update queue batching the 64 new entries
 * into one mmu_update, once with every request sent on its own.  Each
 * child runs a program that recomputes the checksum from its copy and
 * then scribbles over it; the parent, run again, must still see its own
 * pages untouched.  The guest reports the lab 4 hypercalls each copy took
 * (building the child's tables included): batching must need at least
 * ten times fewer.
 * Exercises: 1, 2, 3, 4, 5.
 */
#include <guest/pmap.h>

#define HEAP_PAGES 63
#define WORDS 1024

USER_DATA static volatile int scribble;

/* The value at word j of heap page i: any function of both. */
#define VALUE(i, j) ((i)*2654435761u ^ (j)*40503u)

USER_FN static void user_fill(void)
{
    volatile uint32_t *heap = (volatile uint32_t *)USER_VIRT_BASE;
    uint32_t i, j, sum = 0;

    for (i = 0; i < HEAP_PAGES; i++)
        for (j = 0; j < WORDS; j += 64) {
            heap[i * WORDS + j] = VALUE(i, j);
            sum += VALUE(i, j);
        }
    user_syscall3(SYS_exit, (long)(sum & 0x7FFFFFFF), 0, 0);
}

/* Recompute the sum from the pages; with `scribble`, then overwrite them. */
USER_FN static void user_check(void)
{
    volatile uint32_t *heap = (volatile uint32_t *)USER_VIRT_BASE;
    uint32_t i, j, sum = 0;

    for (i = 0; i < HEAP_PAGES; i++)
        for (j = 0; j < WORDS; j += 64) {
            sum += heap[i * WORDS + j];
            if (scribble)
                heap[i * WORDS + j] = 0xDEAD;
        }
    user_syscall3(SYS_exit, (long)(sum & 0x7FFFFFFF), 0, 0);
}

/* Copy parent into a new child (batched or not), run the check there. */
static unsigned long fork_and_check(struct aspace *parent, int batched)
{
    static struct aspace child;
    unsigned long calls;
    long rc;
    int sum;

    aspace_switch_kernel();
    pmap_set_batching(batched);
    calls = pmap_hypercalls;
    rc = aspace_create(&child);
    rc = rc ?: aspace_copy(&child, parent);
    calls = pmap_hypercalls - calls;
    pmap_set_batching(1);
    rc = rc ?: aspace_switch(&child);
    scribble = 1;
    sum = rc ? -1 : pmap_enter_user(user_check, USER_VIRT_END);
    scribble = 0;
    report("fork %s rc=%ld pages=%u sum=%d hypercalls=%lu", batched ? "batched" : "single",
           rc, aspace_mapped_pages(&child), sum, calls);
    aspace_destroy(&child);
    return calls;
}

int main(void)
{
    static struct aspace parent;
    unsigned long batched, single, hv_free0, pfns_free0;
    long rc;
    int sum;

    rc = traps_init();
    pmap_init();
    rc = rc ?: make_user_pages();
    demand_paging_init(USER_VIRT_BASE, USER_VIRT_BASE + HEAP_PAGES * PAGE_SIZE,
                       USER_VIRT_END - PAGE_SIZE);
    hv_free0 = hv_free_frames();
    pfns_free0 = nr_free_pfns();
    rc = rc ?: aspace_create(&parent);
    rc = rc ?: aspace_switch(&parent);
    report("init=%ld", rc);
    if (rc < 0)
        return 1;
    sum = pmap_enter_user(user_fill, USER_VIRT_END);
    report("parent sum=%d pages=%u faults=%lu", sum, aspace_mapped_pages(&parent),
           demand_stats.faults);

    batched = fork_and_check(&parent, 1);
    single = fork_and_check(&parent, 0);
    report("fork hypercalls batched=%lu single=%lu times_fewer=%lu", batched, single,
           batched ? single / batched : 0);

    aspace_switch(&parent);
    report("parent again sum=%d", pmap_enter_user(user_check, USER_VIRT_END));
    aspace_destroy(&parent);
    report("balance hv_frames=%ld pfns=%ld", (long)(hv_free_frames() - hv_free0),
           (long)(nr_free_pfns() - pfns_free0));
    return 0;
}
