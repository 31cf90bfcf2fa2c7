/*
 * tests/blk_dom0.c - domain 0 with a block backend (lab 6, exercises
 * 5-7): it owns the disk (disk_io), creates the domUs named on its
 * command line, gives each a slice of the disk and serves them until all
 * have ended.
 *
 * Options (after "--"):
 *   fronts=N      modules 1..N are role=domu kernels it creates (default 1)
 *   slice=S       each gets S sectors: domU k the sectors [(k-1)S, kS)
 *   batch=B       requests per frontend per round (exercise 7; default 4)
 *   verify=N      at the end, check on the disk that domU 1 wrote its
 *                 first N sectors and domU 2's slice is untouched
 *   perf=N        the performance-isolation measurement, domain 0's own
 *                 (so it holds on both emulators, whose instructions per
 *                 ms differ 50x): domU 1 reads steadily; domain 0 times
 *                 its N requests alone (but for a CPU spinner, domain
 *                 fronts+1, which it creates first: a role=domu module,
 *                 so a run whose dom0_op is unfinished ends instead of
 *                 spinning on), then creates domU 2, a
 *                 flooder, and times domU 1's next N requests beside it;
 *                 then it destroys all three.  domU 1 asks for less than
 *                 its fair share (blk_front op=paced), so a fair backend
 *                 serves it nearly as fast as alone: within 2x
 *   kill=K after=R  destroy domain K once it made R requests (the
 *                   destroy-with-ring test); the backend must drop it
 *                   and keep serving the others
 * It reports disk_io's own checks first (the hypercall is domain 0's
 * alone), then per frontend how it ended and what it was served.
 */
#include <guest/blk.h>
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>

#define MAX_FRONTS 6

static struct blkback backs[MAX_FRONTS];
static uint32_t buf[1024] __attribute__((aligned(4096)));

/* disk.img's word i of sector s (tests/mkdisk.py). */
static uint32_t disk_word(uint32_t s, uint32_t i)
{
    return (s * 128 + i) * 2654435761u;
}

/* disk_io from domain 0: what it returns for good and bad arguments. */
static void check_disk_io(void)
{
    long size = HYPERVISOR_disk_io(DISKIO_size, 0, 0, NULL);
    int ok = 1, i;

    report("disk_io size=%ld", size);
    if (size <= 0)
        return;
    if (HYPERVISOR_disk_io(DISKIO_read, (unsigned long)size - 8, 8, buf) != 0)
        ok = 0;
    for (i = 0; i < 1024; i++)
        if (buf[i] != disk_word((uint32_t)size - 8 + i / 128, i % 128))
            ok = 0;
    report("disk_io read_last_page=%d", ok);
    report("disk_io beyond=%ld straddle=%ld count0=%ld count9=%ld badcmd=%ld badbuf=%ld",
           HYPERVISOR_disk_io(DISKIO_read, (unsigned long)size, 1, buf),
           HYPERVISOR_disk_io(DISKIO_read, (unsigned long)size - 1, 2, buf),
           HYPERVISOR_disk_io(DISKIO_read, 0, 0, buf),
           HYPERVISOR_disk_io(DISKIO_read, 0, 9, buf),
           HYPERVISOR_disk_io(7, 0, 1, buf),
           HYPERVISOR_disk_io(DISKIO_read, 0, 1, (void *)HYPERVISOR_VIRT_START));
}

/* kill=K after=R: domain 0's policy destroys domain K mid-I/O. */
static unsigned long kill_dom, kill_after, killed, others_at_kill;

/* Requests served to every frontend but domain `skip`. */
static unsigned long others_requests(struct blkback *b, unsigned int n, unsigned long skip)
{
    unsigned long sum = 0, i;

    for (i = 0; i < n; i++)
        if (i + 1 != skip)
            sum += b[i].requests;
    return sum;
}
static void kill_policy(struct blkback *b, unsigned int n)
{
    struct blkback *k;

    if (!kill_dom || kill_dom > n)
        return;
    k = &b[kill_dom - 1];
    if (k->state != BLKBACK_CONNECTED || k->requests < kill_after)
        return;
    report("kill d%lu destroy=%ld after_requests_ok=%d", kill_dom,
           dom0_destroy((domid_t)kill_dom),
           k->requests >= kill_after);
    killed = kill_dom;
    others_at_kill = others_requests(b, n, killed);
    kill_dom = 0;
}

/* After the fact, on the disk itself: domU k's writes (blk_front op=write:
 * word i of its sector s is 0xd0000000 | k << 20 | s*128+i) landed in its
 * own slice, and the next slice is as mkdisk.py made it. */
static void check_slices(unsigned long slice, unsigned long written)
{
    unsigned long s, i, mine = 1, next = 1;

    for (s = 0; s < written; s++) {
        HYPERVISOR_disk_io(DISKIO_read, s, 1, buf);
        for (i = 0; i < 128; i++)
            mine &= buf[i] == (0xd0000000u | 1u << 20 | (uint32_t)(s * 128 + i));
        HYPERVISOR_disk_io(DISKIO_read, slice + s, 1, buf);
        for (i = 0; i < 128; i++)
            next &= buf[i] == disk_word((uint32_t)(slice + s), (uint32_t)i);
    }
    report("disk after d1_written_in_its_slice=%lu d2_slice_intact=%lu", mine, next);
}

/* perf=N: the phases of the measurement, driven from the round hook. */
static unsigned long perf_n, perf_fronts, perf_phase, perf_mark;
static uint64_t perf_t0, perf_alone, perf_shared;

static void perf_policy(struct blkback *b, unsigned int n)
{
    struct blkback *steady = &b[0], *flood = &b[1];

    (void)n;
    switch (perf_phase) {
    case 0: /* warm up: 20 requests, then start the clock */
        if (steady->requests < 20)
            return;
        perf_mark = steady->requests;
        perf_t0 = now();
        perf_phase = 1;
        return;
    case 1: /* N alone; then create the flooder */
        if (steady->requests < perf_mark + perf_n)
            return;
        perf_alone = now() - perf_t0;
        report("perf create_flooder=%ld", blkback_create(flood, 2, 512, 512));
        perf_phase = 2;
        return;
    case 2: /* the flooder is flooding: start the second clock */
        if (flood->requests < 64)
            return;
        perf_mark = steady->requests;
        perf_t0 = now();
        perf_phase = 3;
        return;
    case 3: /* N beside it; then end the experiment */
        if (steady->requests < perf_mark + perf_n)
            return;
        perf_shared = now() - perf_t0;
        perf_phase = 4;
        dom0_destroy(1);
        dom0_destroy(2);
        dom0_destroy((domid_t)(perf_fronts + 1));
        return;
    }
}

static void round_hook(struct blkback *b, unsigned int n)
{
    if (perf_n)
        perf_policy(b, n);
    else
        kill_policy(b, n);
}

static const char *state_name(enum blkback_state s)
{
    static const char *const names[] = { "unused", "waiting", "connected",
                                         "broken", "gone" };
    return names[s];
}

int main(void)
{
    unsigned long fronts = option_ul("fronts", 1), slice = option_ul("slice", 512);
    unsigned long batch = option_ul("batch", 4);
    unsigned long i;
    long rc;

    if (events_init() < 0 || timer_init() < 0)
        return 1;
    pmap_init();
    kill_dom = option_ul("kill", 0);
    kill_after = option_ul("after", 50);
    perf_n = option_ul("perf", 0);
    blkback_round_hook = round_hook;
    check_disk_io();
    if (fronts > MAX_FRONTS)
        fronts = MAX_FRONTS;
    perf_fronts = fronts;
    if (perf_n) {
        domid_t spinner = (domid_t)(fronts + 1);
        long created = dom0_create(spinner, NULL);

        report("perf spinner create=%ld unpause=%ld", created,
               created == 0 ? dom0_unpause(spinner) : created);
    }
    for (i = 0; i < fronts; i++) {
        if (perf_n && i == 1)
            continue; /* the flooder comes later */
        rc = blkback_create(&backs[i], (domid_t)(i + 1), i * slice, slice);
        report("backend d%lu create=%ld", i + 1, rc);
        if (rc < 0)
            backs[i].state = BLKBACK_UNUSED;
    }
    blkback_run(backs, (unsigned int)fronts, (unsigned int)batch);
    for (i = 0; i < fronts; i++)
        report("backend d%lu end=%s requests=%lu errors=%lu sectors=%lu",
               i + 1, state_name(backs[i].state), backs[i].requests,
               backs[i].errors, (unsigned long)backs[i].sectors_done);
    if (perf_n) {
        /* domU 1 asks for less than its fair share (tests.ini sizes its
         * work to about a third of the backend), so a fair backend
         * serves it about as fast beside the flooder as alone. */
        unsigned long ratio = perf_alone ? (unsigned long)(perf_shared * 100 / perf_alone) : 0;

        printf("perf: %lu requests of domU 1 took %lu us alone, %lu us beside "
               "the flooder: x%lu.%02lu\n",
               perf_n, (unsigned long)(perf_alone / 1000),
               (unsigned long)(perf_shared / 1000), ratio / 100, ratio % 100);
        report("perf measured=%d within_2x=%d", perf_phase == 4,
               perf_phase == 4 && perf_shared <= 2 * perf_alone);
    }
    if (killed)
        report("kill others_served_after=%d",
               others_requests(backs, (unsigned int)fronts, killed) > others_at_kill);
    if (option_ul("verify", 0))
        check_slices(slice, option_ul("verify", 0));
    return 0;
}
