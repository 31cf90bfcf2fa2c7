/*
 * guest/blkback.c - domain 0's block backend (lab 6, exercises 6 and 7;
 * the frontend is guest/blkfront.c, the handshake guest/xenbus.c).
 *
 * Domain 0 alone can reach the disk (disk_io).  It gives each frontend a
 * slice of it - its virtual disk, [first, first + sectors) - and serves
 * the requests it finds in that frontend's ring.  The frontend is not
 * trusted, so (exercise 6):
 *   - each request is copied out of the shared page once and only the
 *     copy is examined (it could rewrite the slot between our check and
 *     our use: a "double fetch", Xen's XSA-155);
 *   - every field is checked: the operation, the device, the segment
 *     count, each segment's first/last sector, and the whole range against
 *     the slice, with arithmetic that cannot overflow;
 *   - grant references are never trusted either: the hypervisor maps each
 *     one only if the frontend really granted that page to us;
 *   - a bad request gets BLKIF_RSP_ERROR, never a crash; a ring whose
 *     producer index is garbage disconnects that frontend.
 * And (exercise 7) the frontends share domain 0 fairly: round robin, at
 * most `batch` requests from each per round, so a flooding frontend costs
 * the others at most one batch of waiting per round.
 */
#include <guest/blk.h>
#include <guest/time.h>

/* Why the last request was refused (the tests print it). */
const char *blkback_last_error;

static int refuse(const char *why)
{
    blkback_last_error = why;
    return BLKIF_RSP_ERROR;
}

int blkback_do_request(struct blkback *b, const struct blkif_request *req)
{
    //@ begin lab6 ex6: the split block driver
    uint64_t sector = req->sector_number, total = 0;
    unsigned int i;
    int readonly = req->operation == BLKIF_OP_WRITE;

    if (req->operation != BLKIF_OP_READ && req->operation != BLKIF_OP_WRITE)
        return refuse("operation is neither read nor write");
    if (req->handle != 0)
        return refuse("handle is not device 0");
    if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return refuse("nr_segments out of 1..11");
    for (i = 0; i < req->nr_segments; i++) {
        if (req->seg[i].first_sect > req->seg[i].last_sect ||
            req->seg[i].last_sect >= BLKIF_SECTORS_PER_PAGE)
            return refuse("a segment's first_sect/last_sect is not within its page");
        total += req->seg[i].last_sect - req->seg[i].first_sect + 1;
    }
    /* sector + total could wrap: compare against what is left instead */
    if (sector >= b->sectors || total > b->sectors - sector)
        return refuse("sectors beyond its virtual disk");
    for (i = 0; i < req->nr_segments; i++) {
        unsigned int n = req->seg[i].last_sect - req->seg[i].first_sect + 1;
        grant_handle_t h;
        long rc;

        if (gnttab_map(b->domid, req->seg[i].gref, (unsigned long)b->data, readonly, &h) !=
            GNTST_okay)
            return refuse("a grant reference the hypervisor would not map");
        rc = HYPERVISOR_disk_io(readonly ? DISKIO_write : DISKIO_read,
                                (unsigned long)(b->first + sector), n,
                                (char *)b->data + req->seg[i].first_sect * BLKIF_SECTOR_SIZE);
        gnttab_unmap((unsigned long)b->data, h);
        if (rc < 0)
            return refuse("disk_io failed");
        sector += n;
    }
    b->sectors_done += total;
    return BLKIF_RSP_OKAY;
    //@ stub
    //@ (void)b; (void)req; (void)refuse;
    //@ report("todo: LAB 6 exercise 6 (the split block driver) is not done: "
    //@        "lab6-isolation/guest/blkback.c blkback_do_request()");
    //@ return BLKIF_RSP_ERROR;
    //@ end
}

int blkback_serve(struct blkback *b, unsigned int budget)
{
    //@ begin lab6 ex6: the split block driver
    int n, i;

    if (b->state != BLKBACK_CONNECTED)
        return 0;
    n = back_ring_pending(&b->ring);
    if (n < 0) {
        blkback_disconnect(b, BLKBACK_BROKEN,
                           "its ring's req_prod is more than a ring away");
        return -1;
    }
    if ((unsigned int)n > budget)
        n = (int)budget;
    for (i = 0; i < n; i++) {
        struct blkif_request req;
        struct blkif_response *rsp;
        int status;

        back_ring_copy_request(&b->ring, &req); /* once: then only the copy */
        status = blkback_do_request(b, &req);
        rsp = back_ring_next_response(&b->ring);
        rsp->id = req.id;
        rsp->operation = req.operation;
        rsp->status = (int16_t)status;
        b->requests++;
        if (status != BLKIF_RSP_OKAY)
            b->errors++;
    }
    if (n > 0 && back_ring_push_responses(&b->ring))
        evtchn_send(b->port);
    return n;
    //@ stub
    //@ (void)b; (void)budget;
    //@ report("todo: LAB 6 exercise 6 (the split block driver) is not done: "
    //@        "lab6-isolation/guest/blkback.c blkback_serve()");
    //@ return 0;
    //@ end
}

/* Has b's domain ended?  Then drop it. */
static void check_gone(struct blkback *b)
{
    struct dom0_getdomaininfo info;

    if (b->state != BLKBACK_WAITING && b->state != BLKBACK_CONNECTED)
        return;
    if (dom0_getinfo(b->domid, &info) < 0 ||
        (info.flags & (DOMFLAGS_DYING | DOMFLAGS_SHUTDOWN)))
        blkback_disconnect(b, BLKBACK_GONE, "its domain ended");
}

/* Work for b now (a request, or a handshake step)?  Re-arms req_event. */
static int has_work(struct blkback *b)
{
    if (b->state == BLKBACK_WAITING)
        return b->store->frontend_state == XenbusStateInitialised;
    if (b->state == BLKBACK_CONNECTED)
        return back_ring_final_check(&b->ring);
    return 0;
}

void (*blkback_round_hook)(struct blkback *b, unsigned int n);

void blkback_run(struct blkback *b, unsigned int n, unsigned int batch)
{
    unsigned long seen_exc = 0;
    unsigned int i, alive;

    dom0_watch_ends(); /* nr_dom_exc counts VIRQ_DOM_EXC (guest/dom0.c) */
    for (;;) {
        int did = 0;

        alive = 0;
        //@ begin lab6 ex7: fair backends
        /* One round: every frontend gets at most `batch` requests. */
        for (i = 0; i < n; i++) {
            if (b[i].state == BLKBACK_WAITING)
                blkback_try_connect(&b[i]);
            if (blkback_serve(&b[i], batch) > 0) {
                did = 1;
                b[i].rounds++;
            }
        }
        //@ stub
        //@ /* Unfair: each frontend is served until its ring is empty, so
        //@  * one that keeps 32 requests waiting gets 32 turns for every
        //@  * one a frontend waiting on each answer gets. */
        //@ static int said;
        //@ if (!said++)
        //@     report("todo: LAB 6 exercise 7 (fair backends) is not done: "
        //@            "lab6-isolation/guest/blkback.c blkback_run()");
        //@ (void)batch;
        //@ for (i = 0; i < n; i++) {
        //@     if (b[i].state == BLKBACK_WAITING)
        //@         blkback_try_connect(&b[i]);
        //@     while (blkback_serve(&b[i], 1000) > 0)
        //@         did = 1;
        //@ }
        //@ end
        if (blkback_round_hook)
            blkback_round_hook(b, n);
        if (nr_dom_exc != seen_exc || !did) {
            seen_exc = nr_dom_exc;
            for (i = 0; i < n; i++)
                check_gone(&b[i]);
        }
        for (i = 0; i < n; i++)
            alive += b[i].state == BLKBACK_WAITING || b[i].state == BLKBACK_CONNECTED;
        if (!alive)
            return;
        if (did) {
            /* The frontends we answered were woken; let them run and post
             * again before the next round, or only the one that never
             * waits for answers (a flooder) would have requests in it. */
            HYPERVISOR_sched_op(SCHEDOP_yield, 0);
            continue;
        }
        /* Nothing to do: block until an event (or 10 ms, in case a domain
         * ended without one), masked while we look a last time. */
        local_irq_disable();
        for (i = 0; i < n; i++)
            if (has_work(&b[i]))
                break;
        if (i == n && nr_dom_exc == seen_exc) {
            set_timer(now() + 10 * NSEC_PER_MSEC);
            HYPERVISOR_sched_op(SCHEDOP_block, 0);
        }
        local_irq_enable();
    }
}
