/*
 * tests/blk_hostile.c - a frontend that attacks domain 0's backend (lab
 * 6, exercises 5 and 6).  It connects like an honest one, then sends
 * requests no backend may carry out, each of which must come back
 * BLKIF_RSP_ERROR (-1): a bad operation or device, segment counts 0, 12
 * and 255, a segment outside its page, sectors past the virtual disk
 * (including a range that wraps 2^64), grant references never granted,
 * beyond the table, granted to another domain, already ended, or read-only
 * for a read.  A good request still works afterwards; a request rewritten
 * right after posting gets an answer; a flood of 2000 bad requests gets
 * 2000 answers.  Last it breaks the ring itself (end=ahead: req_prod far
 * ahead, end=behind: behind what the backend consumed) and checks that
 * the backend disconnected it (Closed in its store page) instead of
 * spinning.
 */
#include <guest/blk.h>
#include <guest/options.h>
#include <guest/pmap.h>
#include <guest/time.h>

static struct blkfront f;

/* Post req as it is and wait for its answer: the status, or -EAGAIN. */
/* Wait up to 2 s for the next answer on the ring: its status (and id),
 * or -EAGAIN.  A fixed sleep is not enough: domain 0 serves three
 * frontends, and on Bochs an answer can take longer than any short sleep,
 * then land in whatever this domain counts next. */
static long wait_answer(uint64_t *id)
{
    uint64_t deadline = now() + 2000 * NSEC_PER_MSEC;
    long st;

    for (;;) {
        st = blkfront_take(&f, id);
        if (st != -EAGAIN)
            return st;
        if (now() >= deadline)
            return -EAGAIN;
        local_irq_disable();
        if (!front_ring_final_check(&f.ring)) {
            set_timer(deadline);
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        }
        local_irq_enable();
    }
}

static long send(const struct blkif_request *req)
{
    uint64_t id;

    if (blkfront_post(&f, req) < 0)
        return -EBUSY;
    return wait_answer(&id);
}

static void good(struct blkif_request *r)
{
    memset(r, 0, sizeof(*r));
    r->operation = BLKIF_OP_READ;
    r->nr_segments = 1;
    r->id = 42;
    r->seg[0].gref = f.bounce_ref[0];
    r->seg[0].last_sect = 7;
}

static void attacks(void)
{
    struct blkif_request r;
    long ended, other;
    unsigned long pfn = pfn_alloc();
    int i;

    good(&r);
    r.operation = 7;
    report("hostile bad_op=%ld", send(&r));
    good(&r);
    r.handle = 1;
    report("hostile bad_handle=%ld", send(&r));
    good(&r);
    r.nr_segments = 0;
    report("hostile segs0=%ld", send(&r));
    good(&r);
    r.nr_segments = 12;
    for (i = 1; i < 11; i++)
        r.seg[i] = r.seg[0];
    report("hostile segs12=%ld", send(&r));
    good(&r);
    r.nr_segments = 255;
    report("hostile segs255=%ld", send(&r));
    good(&r);
    r.seg[0].first_sect = 3;
    r.seg[0].last_sect = 2;
    report("hostile first_after_last=%ld", send(&r));
    good(&r);
    r.seg[0].last_sect = 8;
    report("hostile last_sect8=%ld", send(&r));
    good(&r);
    r.sector_number = f.sectors;
    report("hostile past_end=%ld", send(&r));
    good(&r);
    r.sector_number = f.sectors - 1;
    r.seg[0].last_sect = 1;
    report("hostile straddle=%ld", send(&r));
    good(&r);
    r.sector_number = ~7ULL; /* + 8 sectors wraps to 0 */
    report("hostile wrap=%ld", send(&r));
    good(&r);
    r.seg[0].gref = 300;
    report("hostile gref_not_granted=%ld", send(&r));
    good(&r);
    r.seg[0].gref = 100000;
    report("hostile gref_beyond_table=%ld", send(&r));
    other = gnttab_grant_access(7, pfn_to_mfn(pfn), 0);
    good(&r);
    r.seg[0].gref = (grant_ref_t)other;
    report("hostile gref_other_domain=%ld", other < 0 ? -99 : send(&r));
    ended = gnttab_grant_access(0, pfn_to_mfn(pfn), 0);
    gnttab_end_access((grant_ref_t)ended);
    good(&r);
    r.seg[0].gref = (grant_ref_t)ended;
    report("hostile gref_ended=%ld", send(&r));
    good(&r);
    r.seg[0].gref = f.bounce_ref[1]; /* read-only: no disk read into it */
    report("hostile gref_readonly_read=%ld", send(&r));
    good(&r);
    report("hostile valid=%ld", send(&r));
}

/* Rewrite a posted request at once: the backend answers whichever
 * version it copied, once, and nothing else (the flood after this counts
 * every answer, so a second one would show there). */
static void rewrite(void)
{
    struct blkif_request r, *slot;
    uint64_t id;
    long st;

    good(&r);
    slot = ring_slot(f.ring.sring, f.ring.nr_ents, f.ring.slot_size, f.ring.req_prod_pvt);
    blkfront_post(&f, &r);
    slot->nr_segments = 200;
    slot->sector_number = ~0ULL;
    slot->seg[0].gref = 100000;
    st = wait_answer(&id);
    report("hostile rewrite answered=%d", (st == 0 || st == -1) && id == 42);
}

/* 2000 bad requests, as fast as the ring takes them. */
static void flood(void)
{
    struct blkif_request r;
    unsigned long posted = 0, answered = 0, errors = 0;
    uint64_t id, deadline = now() + 5000 * NSEC_PER_MSEC;
    long st;

    good(&r);
    r.nr_segments = 0;
    while (answered < 2000 && now() < deadline) {
        while (posted < 2000 && blkfront_post(&f, &r) == 0)
            posted++;
        while ((st = blkfront_take(&f, &id)) != -EAGAIN) {
            answered++;
            errors += st == BLKIF_RSP_ERROR;
        }
        local_irq_disable();
        if (!front_ring_final_check(&f.ring)) {
            set_timer(now() + NSEC_PER_MSEC);
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        }
        local_irq_enable();
    }
    report("hostile flood answered=%lu all_errors=%d", answered, errors == answered);
}

static void break_ring(const char *how)
{
    struct sring *s = f.ring.sring;
    long rc;

    if (!strcmp(how, "behind"))
        s->req_prod = s->rsp_prod - 5;
    else
        s->req_prod = s->rsp_prod + 1000;
    evtchn_send(f.port);
    rc = xb_wait_for(&f.store->backend_state, XenbusStateClosed, 1000);
    report("hostile %s disconnected=%d", how, rc == 0);
}

int main(void)
{
    const char *end = cmdline_option("end");

    if (events_init() < 0 || timer_init() < 0)
        return 1;
    pmap_init();
    report("hostile connect=%ld", blkfront_connect(&f));
    attacks();
    rewrite();
    flood();
    break_ring(end ? end : "ahead");
    return 0;
}
