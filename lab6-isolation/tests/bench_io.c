/*
 * tests/bench_io.c - how long lab 6's I/O paths are, in instructions (lab
 * 6).  Not a graded test: tools/check-bench.py boots two copies, op=back
 * (domain 0: the block backend, which owns disk.img) and op=front (domain
 * 1, created by domain 0 with a 512-sector slice of the disk), and
 * compares each figure with tools/bench-baseline.ini, like lab 5's
 * bench_sched.c.
 *
 *   grant_map_unmap     domain 0: one map_grant_ref of a page domain 1
 *                       granted it (its store page) and one
 *                       unmap_grant_ref, through guest/xenbus.c's
 *                       wrappers, as the backend does for every segment.
 *   io_ring_round_trip  domain 1: blkfront_io of one sector, from posting
 *                       the request to taking its response, domain 0
 *                       blocked at the start.  It includes the event that
 *                       wakes domain 0, two domain switches (domain
 *                       1 blocks, domain 0 yields after answering), the
 *                       backend's checks, one grant map + unmap and a
 *                       512-byte disk_io read, and the event back.
 *   work_block_io       domain 1: a workload, reading its first 256
 *                       sectors in 32 requests of 8 (a page each):
 *                       instructions per run, summed over pieces of two
 *                       requests each timed alone (see bench_work).
 *
 * Each figure is the smallest of several short batches, so that the 1 ms
 * tick (a million instructions on QEMU, 20 000 on Bochs) lands in none
 * and the figure is the same on both emulators.  Domain 1 reports its
 * figures itself (d1: lines); domain 0 says `bench done io=1` once the
 * frontend has ended and the backend has served it without an error.
 */
#include <guest/blk.h>
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>

#define BATCHES 32
#define ROUNDS 4 /* map + unmap pairs per batch                  */
#define RUNS 16  /* tries of each piece of the workload          */
#define PIECE 8  /* sectors per timed piece of the workload      */
#define WORK_SECTORS 256
#define SLICE 512 /* domain 1's virtual disk, in sectors          */

static uint32_t buf[1024] __attribute__((aligned(4096)));

/* ---- domain 0: the backend ---- */

/* One map + unmap of domain 1's store page (grant entry 1, which it
 * offers domain 0 from birth) at a page of our own; 0 if any failed. */
static uint64_t bench_grant(domid_t dom)
{
    uint64_t best = ~0ULL, t0, t;
    void *va = xb_window();
    grant_handle_t h;
    unsigned int b, i;
    int bad = 0;

    if (!va)
        return 0;
    for (b = 0; b < BATCHES; b++) {
        t0 = rdtsc();
        for (i = 0; i < ROUNDS; i++) {
            bad |= gnttab_map(dom, GNTTAB_RESERVED_XENSTORE, (unsigned long)va, 0, &h) !=
                   GNTST_okay;
            bad |= gnttab_unmap((unsigned long)va, h) != GNTST_okay;
        }
        t = rdtsc() - t0;
        if (t < best)
            best = t;
    }
    return bad ? 0 : best / ROUNDS;
}

static int back(void)
{
    static struct blkback be;
    long rc;

    rc = blkback_create(&be, 1, 0, SLICE);
    report("backend create=%ld", rc);
    if (rc < 0)
        return 1;
    report("bench grant_map_unmap=%lu", (unsigned long)bench_grant(1));
    blkback_run(&be, 1, 4);
    report("backend requests=%lu errors=%lu", be.requests, be.errors);
    report("bench done io=%d", be.requests > 0 && be.errors == 0);
    return 0;
}

/* ---- domain 1: the frontend ---- */

static struct blkfront f;
static unsigned long errors; /* requests that failed: then no figure means anything */

/*
 * Every timed request starts with domain 0 idle and blocked, the state a
 * backend waits in, so that it measures the wake too.  After its last
 * answer domain 0 has only yielded, and whether it had blocked by the
 * next request depended on where the last tick fell: on Bochs, now and
 * then a batch found it still runnable and took 121 instructions less,
 * and that batch was the smallest.  Yielding to it lets it finish and
 * block.
 */
static void backend_idle(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, 0);
}

static uint64_t bench_round_trip(void)
{
    uint64_t best = ~0ULL, t0, t;
    unsigned int b;

    /* One per batch: four would be 24 000 instructions, more than a tick
     * of Bochs's clock (20 000), so every batch would hold one. */
    for (b = 0; b < BATCHES; b++) {
        backend_idle();
        t0 = rdtsc();
        errors += blkfront_io(&f, BLKIF_OP_READ, b % 8, 1, buf) != BLKIF_RSP_OKAY;
        t = rdtsc() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

/*
 * The workload, in pieces of PIECE sectors (one request of a page): each
 * piece is timed alone and the smallest of RUNS tries counts.  A whole
 * run is 12 ms of Bochs's clock, so a tick would land in every one of
 * them and make the two emulators disagree; a piece (~8000 instructions)
 * misses the tick (every 20 000 on Bochs) more often than not, so some of
 * its RUNS tries do.  (Pieces of two requests, 8 tries, missed it too
 * rarely: Bochs's sum came out 5 % above QEMU's.)  The sum is the run as
 * it would be without the tick.
 */
static uint64_t bench_work(void)
{
    uint64_t sum = 0, best, t0, t;
    unsigned long s, j;
    unsigned int r;

    for (s = 0; s < WORK_SECTORS; s += PIECE) {
        best = ~0ULL;
        for (r = 0; r < RUNS; r++) {
            backend_idle();
            t0 = rdtsc();
            for (j = s; j < s + PIECE; j += 8)
                errors += blkfront_io(&f, BLKIF_OP_READ, j, 8, buf) != BLKIF_RSP_OKAY;
            t = rdtsc() - t0;
            if (t < best)
                best = t;
        }
        sum += best;
    }
    return sum;
}

/* Untimed: the last page read holds what tests/mkdisk.py put there (the
 * slice starts at sector 0 of the disk), so the reads really moved data. */
static unsigned long bad_words(void)
{
    unsigned long i, bad = 0;

    for (i = 0; i < 1024; i++)
        bad += buf[i] != (uint32_t)(((WORK_SECTORS - 8) * 128 + i) * 2654435761u);
    return bad;
}

static int front(void)
{
    long rc;

    rc = blkfront_connect(&f);
    report("front connect=%ld", rc);
    if (rc < 0)
        return 1;
    report("bench io_ring_round_trip=%lu", (unsigned long)bench_round_trip());
    report("bench work_block_io=%lu", (unsigned long)bench_work());
    report("front errors=%lu bad_words=%lu", errors, bad_words());
    blkfront_disconnect(&f);
    return 0;
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (events_init() < 0 || timer_init() < 0)
        return 1;
    pmap_init();
    if (op && !strcmp(op, "front"))
        return front();
    return back();
}
