/*
 * tests/blk_front.c - a domU using its virtual disk through domain 0's
 * backend (lab 6, exercises 5-7).  Created by domain 0 (role=domu on its
 * line); it connects through its store page and then, by op=:
 *
 *   sum      read its whole virtual disk, 8 sectors per request; check
 *            every word against tests/mkdisk.py's formula, which also
 *            says where on the real disk its slice starts (base=); report
 *            the checksum; a read just past its end must fail
 *   write    write n= sectors of its own pattern, read them back
 *   steady   1-sector reads for window_ms twice: alone, then while a
 *            flooder runs (start the flooder at start_ms = window_ms);
 *            its throughput must stay within 3x of alone
 *   flood    keep its ring full of reads (segs= segments, default 1, of
 *            sectors= each, default 8) from start_ms for span_ms
 *   forever  read until destroyed (the destroy-with-ring test)
 *   paced    read until destroyed, one sector at a time, idle between
 *            requests idle= times what one took it at the start: a
 *            steady client whose demand is below its fair share (the
 *            performance-isolation test)
 */
#include <guest/blk.h>
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>

#define MUL 2654435761u
#define MUL_INV 0x0e8b2f51u /* MUL * MUL_INV == 1 mod 2^32 */

static struct blkfront f;
static uint32_t buf[1024] __attribute__((aligned(4096)));

static void op_sum(void)
{
    uint32_t sum = 0, bad = 0, base = 0, s, i;
    unsigned long errors = 0;

    for (s = 0; s < f.sectors; s += 8) {
        unsigned int n = f.sectors - s < 8 ? (unsigned int)(f.sectors - s) : 8;

        if (blkfront_io(&f, BLKIF_OP_READ, s, n, buf) != BLKIF_RSP_OKAY) {
            errors++;
            continue;
        }
        if (s == 0) /* word 0 of disk sector b is b*128*MUL: invert it */
            base = buf[0] * MUL_INV / 128;
        for (i = 0; i < n * 128; i++) {
            sum += buf[i];
            bad += buf[i] != ((base + s) * 128 + i) * MUL;
        }
    }
    report("blk sum=%#010x base=%u bad_words=%u errors=%lu", sum, base, bad, errors);
    report("blk beyond=%ld last=%ld", blkfront_io(&f, BLKIF_OP_READ, f.sectors, 1, buf),
           blkfront_io(&f, BLKIF_OP_READ, f.sectors - 1, 1, buf));
}

static void op_write(void)
{
    unsigned long n = option_ul("n", 64), s, errors = 0, bad = 0, i;
    uint32_t tag = 0xd0000000u | (start_info->domid << 20);

    for (s = 0; s < n; s++) {
        for (i = 0; i < 128; i++)
            buf[i] = tag | (uint32_t)(s * 128 + i);
        errors += blkfront_io(&f, BLKIF_OP_WRITE, s, 1, buf) != BLKIF_RSP_OKAY;
    }
    for (s = 0; s < n; s++) {
        errors += blkfront_io(&f, BLKIF_OP_READ, s, 1, buf) != BLKIF_RSP_OKAY;
        for (i = 0; i < 128; i++)
            bad += buf[i] != (tag | (uint32_t)(s * 128 + i));
    }
    report("blk write sectors=%lu errors=%lu readback_bad=%lu", n, errors, bad);
}

/* 1-sector reads until `end`; how many completed. */
static unsigned long reads_until(uint64_t end)
{
    unsigned long n = 0, s = 0;

    while (now() < end) {
        if (blkfront_io(&f, BLKIF_OP_READ, s, 1, buf) == BLKIF_RSP_OKAY)
            n++;
        s = (s + 1) % f.sectors;
    }
    return n;
}

/*
 * A steady client: 1-sector reads until destroyed, idle between them for
 * `idle` times what a request took it at the start (its first 20, alone
 * but for the CPU spinner), so it asks for at most 1/(idle+1) of what
 * the backend could give it - below its fair share.  Idle time, not a
 * spin loop: a domU that computed between requests would compete for the
 * CPU with domain 0, which beside a flooder is busy on the flooder's
 * behalf at weight 4, and the test would measure CPU shares, not the
 * backend's fairness.  Measured, not fixed, so that it is the same
 * fraction on QEMU and on Bochs (which runs ~50x fewer instructions per
 * ms).
 */
static void op_paced(void)
{
    uint64_t idle = option_ul("idle", 2), t0 = now(), took, pause;
    unsigned long s = 0;

    for (; s < 20; s++)
        blkfront_io(&f, BLKIF_OP_READ, s, 1, buf);
    took = (now() - t0) / 20;
    pause = took * idle;
    printf("paced: a request took %lu ns alone; idle %lu ns between them\n",
           (unsigned long)took, (unsigned long)pause);
    for (;; s = (s + 1) % f.sectors) {
        uint64_t deadline;

        blkfront_io(&f, BLKIF_OP_READ, s, 1, buf);
        deadline = now() + pause;
        set_timer(deadline);
        while (now() < deadline)
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
    }
}

static void op_steady(void)
{
    uint64_t w = option_ul("window_ms", 50) * NSEC_PER_MSEC, t = now();
    unsigned long alone = reads_until(t + w), shared = reads_until(t + 2 * w);

    printf("steady: %lu reads alone, %lu with the flooder\n", alone, shared);
    /* Two frontends sharing domain 0 fairly get half of it each; the
     * flooder's own CPU time and the extra switches cost a little more. */
    report("blk steady alone_over_1000=%d within_3x=%d", alone > 1000, shared * 3 >= alone);
}

static void op_flood(void)
{
    uint64_t start = option_ul("start_ms", 0) * NSEC_PER_MSEC;
    uint64_t end = start + option_ul("span_ms", 50) * NSEC_PER_MSEC, id;
    unsigned long posted = 0, done = 0;
    struct blkif_request req;
    unsigned int i;

    while (now() < start)
        sleep_ms(1);
    memset(&req, 0, sizeof(req));
    req.operation = BLKIF_OP_READ;
    /* segs= segments of sectors= each, all into the one bounce page */
    req.nr_segments = (uint8_t)option_ul("segs", 1);
    for (i = 0; i < req.nr_segments && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        req.seg[i].gref = f.bounce_ref[0];
        req.seg[i].last_sect = (uint8_t)(option_ul("sectors", 8) - 1);
    }
    while (now() < end) {
        while (blkfront_post(&f, &req) == 0)
            posted++;
        while (blkfront_take(&f, &id) != -EAGAIN)
            done++;
        if (front_ring_free(&f.ring))
            continue; /* answers made room: fill it before sleeping */
        local_irq_disable();
        if (!front_ring_final_check(&f.ring)) {
            set_timer(end);
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        }
        local_irq_enable();
    }
    printf("flood: posted %lu, %lu answered\n", posted, done);
    report("blk flood posted_many=%d", posted > 100);
}

int main(void)
{
    const char *op = cmdline_option("op");
    long rc;

    if (events_init() < 0 || timer_init() < 0)
        return 1;
    pmap_init();
    report("blk disk_io=%ld", HYPERVISOR_disk_io(DISKIO_size, 0, 0, NULL));
    rc = blkfront_connect(&f);
    report("blk connect=%ld", rc);
    if (rc < 0)
        return 1;
    report("blk sectors=%lu", (unsigned long)f.sectors);
    if (!op || !strcmp(op, "sum"))
        op_sum();
    else if (!strcmp(op, "write"))
        op_write();
    else if (!strcmp(op, "steady"))
        op_steady();
    else if (!strcmp(op, "flood"))
        op_flood();
    else if (!strcmp(op, "forever"))
        reads_until(~0ULL);
    else if (!strcmp(op, "paced"))
        op_paced();
    blkfront_disconnect(&f);
    return 0;
}
