/*
 * guest/blk.h - the split block driver, both halves, and the store
 * handshake that connects them (lab 6).
 *
 *   guest/xenbus.c  (given)       hypercall wrappers, grant helpers, the
 *                                 store page handshake (public/io/store.h)
 *   guest/blkfront.c (exercise 6) a domU's driver: requests over the ring
 *   guest/blkback.c  (exercises 6, 7) domain 0's backend: checks every
 *                                 request, moves the data with disk_io,
 *                                 and serves its frontends fairly
 *
 * Nothing a frontend writes is trusted by the backend: the ring's indexes,
 * every request field and every grant reference are checked, and the
 * grant references are only ever *used* through the hypervisor
 * (map_grant_ref), which checks them again against the frontend's table.
 */
#ifndef GUEST_BLK_H
#define GUEST_BLK_H

#include <guest/dom0.h>
#include <guest/events.h>
#include <guest/gnttab.h>
#include <guest/ring.h>
#include <public/disk_io.h>
#include <public/dom0_ops.h>
#include <public/io/blkif.h>
#include <public/io/store.h>

/* disk_io (51): domain 0 only (public/disk_io.h). */
static inline long HYPERVISOR_disk_io(unsigned int cmd, unsigned long sector,
                                      unsigned long count, void *buf)
{
    return _hypercall5(__HYPERVISOR_disk_io, cmd, sector, count,
                       (unsigned long)buf, 0);
}

/* ---- guest/xenbus.c (given) ----
 * Grants go through guest/gnttab.c, domain control and channels between
 * domains through guest/dom0.c; what is left here is the store page. */
/* A page of our address space to map other domains' frames at. */
void *xb_window(void);
/* Wait (blocked, events on) until *word == want, or `ms` milliseconds.
 * 0 or -EAGAIN (time out). */
long xb_wait_for(volatile uint32_t *word, uint32_t want, unsigned int ms);

/* ---- the frontend (guest/blkfront.c) ---- */
struct blkfront {
    struct store_page *store;  /* our store page, mapped              */
    evtchn_port_t store_port;  /* start_info->store_evtchn            */
    struct front_ring ring;
    void *ring_page;           /* the ring's page, granted to dom 0   */
    grant_ref_t ring_ref;
    evtchn_port_t port;        /* the ring's event channel            */
    uint64_t sectors;          /* our virtual disk, from the backend  */
    void *bounce;              /* one granted page for blkfront_io    */
    grant_ref_t bounce_ref[2]; /* [0] read-write, [1] read-only       */
    unsigned long requests, errors;
    uint64_t next_id;
};
/* Connect to domain 0's backend (the handshake; xenbus.c).  0 or -errno. */
long blkfront_connect(struct blkfront *f);
/* Exercise 6: read or write nsect (1..8) sectors at `sector` of our
 * virtual disk into/from buf (512 * nsect bytes); waits for the answer.
 * BLKIF_RSP_OKAY or BLKIF_RSP_ERROR (or -EAGAIN: no answer in time). */
long blkfront_io(struct blkfront *f, unsigned int op, uint64_t sector,
                 unsigned int nsect, void *buf);
/* Exercise 6, the parts: post one request (a free slot, filled in); take
 * one response (its status, id in *id), -EAGAIN when none is there. */
long blkfront_post(struct blkfront *f, const struct blkif_request *req);
long blkfront_take(struct blkfront *f, uint64_t *id);
void blkfront_disconnect(struct blkfront *f);

/* ---- the backend (guest/blkback.c) ---- */
enum blkback_state {
    BLKBACK_UNUSED = 0,
    BLKBACK_WAITING,   /* store mapped, frontend not yet Initialised */
    BLKBACK_CONNECTED, /* serving                                    */
    BLKBACK_BROKEN,    /* disconnected: it broke the protocol        */
    BLKBACK_GONE,      /* its domain ended                           */
};
struct blkback {
    domid_t domid;
    enum blkback_state state;
    struct store_page *store;
    grant_handle_t store_handle;
    evtchn_port_t store_port;   /* ours, bound to its store port      */
    struct sring *sring;        /* its ring, mapped                   */
    grant_handle_t ring_handle;
    struct back_ring ring;
    evtchn_port_t port;         /* ours, bound to its ring port       */
    uint64_t first, sectors;    /* its slice of the disk (our policy) */
    void *data;                 /* where its data pages get mapped    */
    const char *why;            /* why it was disconnected            */
    /* what it got: */
    unsigned long requests, errors, sectors_done, rounds;
};
/* xenbus.c: create domain domid (a role=domu module) with a slice of the
 * disk, map its store, say InitWait, unpause it.  0 or -errno. */
long blkback_create(struct blkback *b, domid_t domid, uint64_t first,
                    uint64_t sectors);
/* xenbus.c: if its frontend said Initialised, map the ring, bind the port,
 * say Connected.  1 connected now, 0 not yet, -1 broken. */
int blkback_try_connect(struct blkback *b);
/* Drop a frontend: unmap what we map of it, close our ports. */
void blkback_disconnect(struct blkback *b, enum blkback_state state,
                        const char *why);
/* Exercise 6: carry out one request (already copied out of the ring). */
int blkback_do_request(struct blkback *b, const struct blkif_request *req);
/* Exercise 6: take up to `budget` requests off b's ring, answer each,
 * notify; how many were taken, or -1 when b was disconnected. */
int blkback_serve(struct blkback *b, unsigned int budget);
/* Exercise 7: serve every frontend until all have gone: round robin,
 * at most `batch` requests each per round, blocking when none has work. */
void blkback_run(struct blkback *b, unsigned int n, unsigned int batch);
/* If set, called after every round of blkback_run (a test's policy). */
extern void (*blkback_round_hook)(struct blkback *b, unsigned int n);

#endif /* GUEST_BLK_H */
