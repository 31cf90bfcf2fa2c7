/*
 * guest/ring.h - the I/O ring's operations, both sides (lab 6, exercise
 * 5: guest/ring.c).  The shared layout and the private views (struct
 * front_ring, struct back_ring) are in public/io/ring.h.
 *
 * Frontend:                          Backend:
 *   front_ring_init (shares a page)    back_ring_attach (maps it)
 *   front_ring_next_request            back_ring_pending
 *   front_ring_push_requests           back_ring_copy_request
 *   front_ring_next_response           back_ring_next_response
 *   front_ring_final_check             back_ring_push_responses
 *                                      back_ring_final_check
 * A push returns 1 when the other side asked to be told (its *_event
 * mark was crossed): then send it an event.
 */
#ifndef GUEST_RING_H
#define GUEST_RING_H

#include <public/io/ring.h>

/* The other side reads the shared page while we write it: the compiler
 * must not move our accesses across these (one CPU: no fence needed for
 * wmb/rmb; mb orders a store before a load, which even x86 reorders). */
#define ring_wmb() __asm__ volatile("" ::: "memory")
#define ring_rmb() __asm__ volatile("" ::: "memory")
#define ring_mb() __sync_synchronize()

/* Did moving a producer from old to new pass the consumer's event mark? */
int ring_need_notify(RING_IDX old, RING_IDX new, RING_IDX event);

void front_ring_init(struct front_ring *r, struct sring *s, unsigned int bytes,
                     unsigned int slot_size);
unsigned int front_ring_free(const struct front_ring *r);
void *front_ring_next_request(struct front_ring *r);
int front_ring_push_requests(struct front_ring *r);
void *front_ring_next_response(struct front_ring *r);
int front_ring_final_check(struct front_ring *r);

void back_ring_attach(struct back_ring *r, struct sring *s, unsigned int bytes,
                      unsigned int slot_size);
/* Requests waiting: 0..nr_ents, or -1 when the producer index is garbage
 * (more than a ring ahead of us, or behind us): a broken frontend. */
int back_ring_pending(struct back_ring *r);
void back_ring_copy_request(struct back_ring *r, void *out);
void *back_ring_next_response(struct back_ring *r);
int back_ring_push_responses(struct back_ring *r);
int back_ring_final_check(struct back_ring *r);

#endif /* GUEST_RING_H */
