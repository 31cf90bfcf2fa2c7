/*
 * guest/ring.c - the I/O ring, both ends (lab 6, exercise 5).
 *
 * A split driver's two halves - the frontend in a guest, the backend in
 * domain 0 - talk through one shared page (public/io/ring.h): requests
 * go one way, responses come back in the same slots.  Nothing here calls
 * the hypervisor: the ring is plain shared memory plus four counters, and
 * event channels are sent only when a push returns 1.
 *
 * The invariants:
 *   - each index has one writer: req_prod and rsp_event the frontend,
 *     rsp_prod and req_event the backend;
 *   - a producer fills the slots first and moves its index after a write
 *     barrier, so the consumer that sees the index sees the slots;
 *   - counters run free: compare them only as differences;
 *   - the backend never trusts the frontend: it reads req_prod once per
 *     batch, refuses an index more than a ring away from its own, and
 *     copies each request out of the shared page once before looking at
 *     it (the frontend may rewrite the slot meanwhile: XSA-155).
 * This file is compiled for the host too (tests/unit/test_ring.c).
 */
#include <guest/ring.h>
#include <common/string.h>

void report(const char *fmt, ...); /* guest/lib.h; the unit test has one */

/*
 * The notification rule (Xen's RING_PUSH_*_AND_CHECK_NOTIFY): the consumer
 * asked for an event when the producer reaches `event`.  Moving from old
 * to new passed it when event is in (old, new] - as differences, so it
 * stays right across the 2^32 wrap: new - event < new - old.
 */
int ring_need_notify(RING_IDX old, RING_IDX new, RING_IDX event)
{
    //@ begin lab6 ex5: I/O rings
    return (RING_IDX)(new - event) < (RING_IDX)(new - old);
    //@ stub
    //@ (void)old; (void)new; (void)event;
    //@ report("todo: LAB 6 exercise 5 (I/O rings) is not done: "
    //@        "lab6-isolation/guest/ring.c ring_need_notify()");
    //@ return 1;
    //@ end
}

/* Given: a fresh shared page, and our view of it.  The first event mark is
 * 1: "tell me about the first one". */
void front_ring_init(struct front_ring *r, struct sring *s, unsigned int bytes,
                     unsigned int slot_size)
{
    s->req_prod = s->rsp_prod = 0;
    s->req_event = s->rsp_event = 1;
    memset(s->pad, 0, sizeof(s->pad));
    r->req_prod_pvt = 0;
    r->rsp_cons = 0;
    r->nr_ents = ring_nr_ents(bytes, slot_size);
    r->slot_size = slot_size;
    r->sring = s;
}

/* Given: the backend's view of a page the frontend initialised.  It starts
 * from the *shared* indexes only as far as the frontend published them;
 * a frontend that lies here is caught by back_ring_pending. */
void back_ring_attach(struct back_ring *r, struct sring *s, unsigned int bytes,
                      unsigned int slot_size)
{
    r->rsp_prod_pvt = s->rsp_prod;
    r->req_cons = s->rsp_prod; /* every request before it was answered */
    r->nr_ents = ring_nr_ents(bytes, slot_size);
    r->slot_size = slot_size;
    r->sring = s;
}

//@ begin lab6 ex5: I/O rings
/* Slots the frontend may still fill: each outstanding request holds one
 * until its response is consumed. */
unsigned int front_ring_free(const struct front_ring *r)
{
    return r->nr_ents - (r->req_prod_pvt - r->rsp_cons);
}

/* The next free slot to fill in, or NULL when the ring is full. */
void *front_ring_next_request(struct front_ring *r)
{
    if (front_ring_free(r) == 0)
        return NULL;
    return ring_slot(r->sring, r->nr_ents, r->slot_size, r->req_prod_pvt++);
}

/* Publish what next_request handed out; 1: notify the backend. */
int front_ring_push_requests(struct front_ring *r)
{
    RING_IDX old = r->sring->req_prod, new = r->req_prod_pvt;

    ring_wmb(); /* the backend sees the requests before the index */
    r->sring->req_prod = new;
    ring_mb();  /* ... and we read req_event after it sees the index */
    return ring_need_notify(old, new, r->sring->req_event);
}

/* The next response, or NULL when there is none yet. */
void *front_ring_next_response(struct front_ring *r)
{
    RING_IDX prod = r->sring->rsp_prod;

    ring_rmb(); /* read the index before the slots it covers */
    if (r->rsp_cons == prod)
        return NULL;
    return ring_slot(r->sring, r->nr_ents, r->slot_size, r->rsp_cons++);
}

/* Before blocking: ask for an event at the next response, then look once
 * more (one may have arrived before the mark was set).  1: there is one. */
int front_ring_final_check(struct front_ring *r)
{
    if (r->sring->rsp_prod != r->rsp_cons)
        return 1;
    r->sring->rsp_event = r->rsp_cons + 1;
    ring_mb();
    return r->sring->rsp_prod != r->rsp_cons;
}

/*
 * Requests waiting for the backend.  req_prod is the frontend's to write
 * and may be anything: read it once, and refuse a value more than a ring
 * ahead of what we consumed (or "behind" it, which as an unsigned
 * difference is the same thing).  Never more than the free response
 * slots either: each request we take needs its slot back for the answer.
 */
int back_ring_pending(struct back_ring *r)
{
    RING_IDX prod = *(volatile RING_IDX *)&r->sring->req_prod;
    RING_IDX ahead = prod - r->req_cons;
    RING_IDX room = r->nr_ents - (r->req_cons - r->rsp_prod_pvt);

    ring_rmb();
    if (ahead > r->nr_ents)
        return -1;
    return (int)(ahead < room ? ahead : room);
}

/* Copy the next request out of the shared page - once; the caller
 * validates the copy, never the slot, which the frontend can rewrite. */
void back_ring_copy_request(struct back_ring *r, void *out)
{
    memcpy(out, ring_slot(r->sring, r->nr_ents, r->slot_size, r->req_cons++),
           r->slot_size);
}

/* The slot for the next response. */
void *back_ring_next_response(struct back_ring *r)
{
    return ring_slot(r->sring, r->nr_ents, r->slot_size, r->rsp_prod_pvt++);
}

/* Publish the responses; 1: notify the frontend. */
int back_ring_push_responses(struct back_ring *r)
{
    RING_IDX old = r->sring->rsp_prod, new = r->rsp_prod_pvt;

    ring_wmb();
    r->sring->rsp_prod = new;
    ring_mb();
    return ring_need_notify(old, new, r->sring->rsp_event);
}

/* Before sleeping: ask for an event at the next request, look once more.
 * 1: there is work (or a broken index, which back_ring_pending reports). */
int back_ring_final_check(struct back_ring *r)
{
    if (back_ring_pending(r) != 0)
        return 1;
    r->sring->req_event = r->req_cons + 1;
    ring_mb();
    return back_ring_pending(r) != 0;
}
//@ stub
//@ static void ring_todo(const char *fn)
//@ {
//@     report("todo: LAB 6 exercise 5 (I/O rings) is not done: "
//@            "lab6-isolation/guest/ring.c %s()", fn);
//@ }
//@ unsigned int front_ring_free(const struct front_ring *r)
//@ {
//@     (void)r;
//@     ring_todo(__func__);
//@     return 0;
//@ }
//@ void *front_ring_next_request(struct front_ring *r)
//@ {
//@     (void)r;
//@     ring_todo(__func__);
//@     return NULL;
//@ }
//@ int front_ring_push_requests(struct front_ring *r)
//@ {
//@     (void)r;
//@     ring_todo(__func__);
//@     return 0;
//@ }
//@ void *front_ring_next_response(struct front_ring *r)
//@ {
//@     (void)r;
//@     return NULL;
//@ }
//@ int front_ring_final_check(struct front_ring *r)
//@ {
//@     (void)r;
//@     return 0;
//@ }
//@ int back_ring_pending(struct back_ring *r)
//@ {
//@     (void)r;
//@     ring_todo(__func__);
//@     return 0;
//@ }
//@ void back_ring_copy_request(struct back_ring *r, void *out)
//@ {
//@     (void)r; (void)out;
//@     ring_todo(__func__);
//@ }
//@ void *back_ring_next_response(struct back_ring *r)
//@ {
//@     (void)r;
//@     ring_todo(__func__);
//@     return NULL;
//@ }
//@ int back_ring_push_responses(struct back_ring *r)
//@ {
//@     (void)r;
//@     return 0;
//@ }
//@ int back_ring_final_check(struct back_ring *r)
//@ {
//@     (void)r;
//@     return 0;
//@ }
//@ end
