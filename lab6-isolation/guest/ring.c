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
    /* LAB 6: your code here (exercise 5: I/O rings) */
    (void)old; (void)new; (void)event;
    report("todo: LAB 6 exercise 5 (I/O rings) is not done: "
           "lab6-isolation/guest/ring.c ring_need_notify()");
    return 1;
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

/* LAB 6: your code here (exercise 5: I/O rings) */
static void ring_todo(const char *fn)
{
    report("todo: LAB 6 exercise 5 (I/O rings) is not done: "
           "lab6-isolation/guest/ring.c %s()", fn);
}
unsigned int front_ring_free(const struct front_ring *r)
{
    (void)r;
    ring_todo(__func__);
    return 0;
}
void *front_ring_next_request(struct front_ring *r)
{
    (void)r;
    ring_todo(__func__);
    return NULL;
}
int front_ring_push_requests(struct front_ring *r)
{
    (void)r;
    ring_todo(__func__);
    return 0;
}
void *front_ring_next_response(struct front_ring *r)
{
    (void)r;
    return NULL;
}
int front_ring_final_check(struct front_ring *r)
{
    (void)r;
    return 0;
}
int back_ring_pending(struct back_ring *r)
{
    (void)r;
    ring_todo(__func__);
    return 0;
}
void back_ring_copy_request(struct back_ring *r, void *out)
{
    (void)r; (void)out;
    ring_todo(__func__);
}
void *back_ring_next_response(struct back_ring *r)
{
    (void)r;
    ring_todo(__func__);
    return NULL;
}
int back_ring_push_responses(struct back_ring *r)
{
    (void)r;
    return 0;
}
int back_ring_final_check(struct back_ring *r)
{
    (void)r;
    return 0;
}
