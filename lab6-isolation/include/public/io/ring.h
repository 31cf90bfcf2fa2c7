/*
 * public/io/ring.h - the shared I/O ring of a split driver (lab 6,
 * exercise 5 uses it from guest/ring.c).
 *
 * A frontend (the domain that wants I/O) and a backend (domain 0, which
 * owns the device) share one granted page.  Its first 64 bytes are four
 * free-running indexes; the rest is an array of slots, each holding either
 * a request (written by the frontend) or, once the backend has taken that
 * request, its response (written by the backend into the same slot).
 *
 *   req_prod   written by the frontend: requests published so far
 *              (ever, not modulo the ring size)
 *   req_event  written by the backend: "send me an event when req_prod
 *              reaches this" - the frontend reads it after publishing
 *   rsp_prod   written by the backend: responses published so far
 *   rsp_event  written by the frontend: the backend sends an event when
 *              rsp_prod reaches this
 *
 * Events are the expensive part (a hypercall and an upcall), so each side
 * notifies only when it moves its producer index across the other side's
 * *_event mark: a consumer that is busy leaves the mark behind and gets
 * no events; one about to sleep sets the mark to "the next one" and
 * checks once more (the final check) before blocking.
 *
 * Indexes are free-running 32-bit counters: slot = index & (nr_ents - 1),
 * and every comparison is a difference (prod - cons), which stays right
 * when the counters wrap past 2^32.  nr_ents is a power of two.
 *
 * The invariant each side relies on and neither may trust of the other:
 *   rsp_prod <= req_prod <= rsp_prod + nr_ents (as differences).
 * A backend that finds req_prod - req_cons > nr_ents has a broken (or
 * hostile) frontend and must stop serving it, not loop.
 *
 * Layout: Xen 3.0.2's struct sring (xen/include/public/io/ring.h): the
 * four indexes, 48 bytes of padding, the slots.  Parakeet writes the
 * ring's operations as functions (guest/ring.c) rather than Xen's macros,
 * over slots of any size; the names follow Xen's.
 */
#ifndef PUBLIC_IO_RING_H
#define PUBLIC_IO_RING_H

#include <stdint.h>

typedef uint32_t RING_IDX;

struct sring {
    RING_IDX req_prod, req_event; /* offset 0, 4   */
    RING_IDX rsp_prod, rsp_event; /* offset 8, 12  */
    uint8_t pad[48];              /* offset 16: Xen's layout            */
    uint8_t ring[];               /* offset 64: the slots               */
};
#define SRING_HEADER_SIZE 64

/*
 * Slots in a ring of `bytes` bytes (the header included) whose slot is
 * `slot_size` bytes: the largest power of two that fits.  A 4 KiB page of
 * 112-byte blkif slots holds 32 (Xen's BLK_RING_SIZE).
 */
static inline unsigned int ring_nr_ents(unsigned int bytes, unsigned int slot_size)
{
    unsigned int n = 1, fit = (bytes - SRING_HEADER_SIZE) / slot_size;

    if (bytes < SRING_HEADER_SIZE || fit == 0)
        return 0;
    while (n * 2 <= fit)
        n *= 2;
    return n;
}

/* A frontend's private view of a ring (Xen: struct NAME_front_ring). */
struct front_ring {
    RING_IDX req_prod_pvt; /* requests filled in, not all published yet */
    RING_IDX rsp_cons;     /* responses consumed                        */
    unsigned int nr_ents;  /* slots: a power of two                     */
    unsigned int slot_size;
    struct sring *sring;   /* the shared page                           */
};

/* A backend's private view (Xen: struct NAME_back_ring). */
struct back_ring {
    RING_IDX rsp_prod_pvt; /* responses filled in, not all published    */
    RING_IDX req_cons;     /* requests consumed (copied out)            */
    unsigned int nr_ents;
    unsigned int slot_size;
    struct sring *sring;
};

/* Slot `idx` (free-running) of a ring: idx modulo nr_ents. */
static inline void *ring_slot(struct sring *s, unsigned int nr_ents,
                              unsigned int slot_size, RING_IDX idx)
{
    return s->ring + (idx & (nr_ents - 1)) * slot_size;
}

#endif /* PUBLIC_IO_RING_H */
