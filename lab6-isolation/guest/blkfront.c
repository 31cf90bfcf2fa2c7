/*
 * guest/blkfront.c - a domU's block driver, the frontend (lab 6,
 * exercise 6; the backend is guest/blkback.c, the handshake that connects
 * them guest/xenbus.c).
 *
 * The frontend cannot reach the disk: only domain 0 can (disk_io).  It
 * writes requests into the shared ring, each naming pages of its own by
 * grant reference, sends an event when the backend asked for one, and
 * waits for the response in the same ring.  blkfront_connect granted one
 * bounce page twice: bounce_ref[0] writable (the backend writes into it
 * on a read), bounce_ref[1] read-only (it only reads it for a write) - a
 * backend gets no more access than the operation needs.
 *
 * Pitfalls: publish the request (push) only after filling it in; a push
 * returns whether to notify - sending every time is correct but slow;
 * before blocking, re-arm rsp_event and look again (final check), with
 * events masked so the wake-up cannot slip in between.
 */
#include <guest/blk.h>
#include <guest/time.h>

long blkfront_post(struct blkfront *f, const struct blkif_request *req)
{
    /* LAB 6: your code here (exercise 6: the split block driver) */
    (void)f; (void)req;
    report("todo: LAB 6 exercise 6 (the split block driver) is not done: "
           "lab6-isolation/guest/blkfront.c blkfront_post()");
    return -ENOSYS;
}

long blkfront_take(struct blkfront *f, uint64_t *id)
{
    /* LAB 6: your code here (exercise 6: the split block driver) */
    (void)f; (void)id;
    return -EAGAIN;
}

/* Wait for one response: events masked while we decide to block, so an
 * event between the final check and the block is not lost (block returns
 * at once when one is pending). */
static long wait_response(struct blkfront *f, uint64_t *id)
{
    uint64_t deadline = now() + 2000 * NSEC_PER_MSEC;
    long st;

    for (;;) {
        st = blkfront_take(f, id);
        if (st != -EAGAIN)
            return st;
        if (now() >= deadline)
            return -EAGAIN; /* no backend answers */
        local_irq_disable();
        if (!front_ring_final_check(&f->ring)) {
            set_timer(deadline);
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        }
        local_irq_enable();
    }
}

long blkfront_io(struct blkfront *f, unsigned int op, uint64_t sector,
                 unsigned int nsect, void *buf)
{
    struct blkif_request req;
    uint64_t id;
    long st;

    if (nsect == 0 || nsect > BLKIF_SECTORS_PER_PAGE)
        return -EINVAL;
    memset(&req, 0, sizeof(req));
    req.operation = (uint8_t)op;
    req.nr_segments = 1;
    req.id = ++f->next_id;
    req.sector_number = sector;
    req.seg[0].gref = f->bounce_ref[op == BLKIF_OP_WRITE];
    req.seg[0].first_sect = 0;
    req.seg[0].last_sect = (uint8_t)(nsect - 1);
    if (op == BLKIF_OP_WRITE)
        memcpy(f->bounce, buf, nsect * BLKIF_SECTOR_SIZE);
    st = blkfront_post(f, &req);
    if (st < 0)
        return st;
    do {
        st = wait_response(f, &id);
    } while (st != -EAGAIN && id != req.id); /* not ours: a stale answer */
    if (st == BLKIF_RSP_OKAY && op == BLKIF_OP_READ)
        memcpy(buf, f->bounce, nsect * BLKIF_SECTOR_SIZE);
    return st;
}
