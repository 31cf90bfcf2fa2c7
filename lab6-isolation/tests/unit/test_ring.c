/*
 * tests/unit/test_ring.c - host-side unit tests of lab 6's I/O ring
 * (exercise 5, guest/ring.c): index arithmetic across the 2^32 wrap, the
 * notification thresholds, a full ring, and a backend facing a garbage
 * producer index.  Compiled for x86_64 by `make unit`.
 *
 * unit-sources: solutions/lab6-isolation/guest/ring.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <guest/ring.h>
#include <public/io/blkif.h>

/* guest/lib.h's report(): a skeleton's stub says what is missing. */
void report(const char *fmt, ...);
void report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static union {
    struct sring s;
    unsigned char bytes[4096];
} page;

struct msg {
    uint32_t seq;
    uint32_t pad[3];
};

static void test_sizes(void)
{
    CHECK(ring_nr_ents(4096, 108) == 32); /* Xen's BLK_RING_SIZE */
    CHECK(ring_nr_ents(4096, 16) == 128);  /* 252 fit: 128 */
    CHECK(ring_nr_ents(4096, 4032) == 1);
    CHECK(ring_nr_ents(4096, 4033) == 0);
    CHECK(ring_nr_ents(32, 4) == 0);       /* smaller than the header */
    CHECK(offsetof(struct sring, ring) == SRING_HEADER_SIZE);
    CHECK(offsetof(struct sring, rsp_event) == 12);
}

static void test_notify(void)
{
    /* event in (old, new]: notify */
    CHECK(ring_need_notify(0, 1, 1) == 1);
    CHECK(ring_need_notify(0, 5, 3) == 1);
    CHECK(ring_need_notify(0, 5, 5) == 1);
    /* event not yet reached, or already passed before old */
    CHECK(ring_need_notify(0, 5, 6) == 0);
    CHECK(ring_need_notify(3, 5, 3) == 0);
    CHECK(ring_need_notify(3, 5, 1) == 0);
    /* no move: nothing to say */
    CHECK(ring_need_notify(7, 7, 7) == 0);
    /* across the wrap */
    CHECK(ring_need_notify(0xfffffffeu, 2, 0xffffffffu) == 1);
    CHECK(ring_need_notify(0xfffffffeu, 2, 0) == 1);
    CHECK(ring_need_notify(0xfffffffeu, 2, 2) == 1);
    CHECK(ring_need_notify(0xfffffffeu, 2, 3) == 0);
    CHECK(ring_need_notify(0xfffffffeu, 2, 0xfffffffeu) == 0);
}

/* Run n requests through the ring starting at counter `base`, a batch at
 * a time; every one must come back in order with its own value. */
static void roundtrip(RING_IDX base, unsigned int n, unsigned int batch)
{
    struct front_ring f;
    struct back_ring b;
    unsigned int sent = 0, got = 0, notifies = 0, i;

    front_ring_init(&f, &page.s, sizeof(page), sizeof(struct msg));
    page.s.req_prod = page.s.rsp_prod = base;
    page.s.req_event = page.s.rsp_event = base + 1;
    f.req_prod_pvt = f.rsp_cons = base;
    back_ring_attach(&b, &page.s, sizeof(page), sizeof(struct msg));
    CHECK(f.nr_ents == 128 && b.nr_ents == 128);
    while (got < n) {
        struct msg *m;
        int pending;

        for (i = 0; i < batch && sent < n; i++) {
            m = front_ring_next_request(&f);
            if (!m)
                break;
            m->seq = sent++;
        }
        notifies += front_ring_push_requests(&f);
        pending = back_ring_pending(&b);
        CHECK(pending >= 0 && (unsigned int)pending <= b.nr_ents);
        while (pending-- > 0) {
            struct msg req, *rsp;

            back_ring_copy_request(&b, &req);
            rsp = back_ring_next_response(&b);
            rsp->seq = req.seq + 1000000;
        }
        back_ring_push_responses(&b);
        back_ring_final_check(&b);
        while ((m = front_ring_next_response(&f))) {
            CHECK(m->seq == got + 1000000);
            got++;
        }
        front_ring_final_check(&f);
    }
    CHECK(got == n && sent == n);
    CHECK(front_ring_free(&f) == f.nr_ents);
    /* the backend re-armed req_event every round: one event per batch */
    CHECK(notifies == (n + batch - 1) / batch);
}

static void test_full(void)
{
    struct front_ring f;
    unsigned int i;

    front_ring_init(&f, &page.s, sizeof(page), sizeof(union blkif_sring_entry));
    CHECK(f.nr_ents == 32);
    for (i = 0; i < 32; i++)
        CHECK(front_ring_next_request(&f) != NULL);
    CHECK(front_ring_free(&f) == 0);
    CHECK(front_ring_next_request(&f) == NULL); /* full: no 33rd */
    /* the first push crosses req_event = 1: notify; a second push of
     * nothing does not */
    CHECK(front_ring_push_requests(&f) == 1);
    CHECK(front_ring_push_requests(&f) == 0);
}

static void test_hostile_index(void)
{
    struct front_ring f;
    struct back_ring b;

    front_ring_init(&f, &page.s, sizeof(page), sizeof(struct msg));
    back_ring_attach(&b, &page.s, sizeof(page), sizeof(struct msg));
    page.s.req_prod = 128;
    CHECK(back_ring_pending(&b) == 128); /* exactly a ring: fine */
    page.s.req_prod = 129;
    CHECK(back_ring_pending(&b) == -1);  /* more than a ring ahead */
    page.s.req_prod = 0x80000000u;
    CHECK(back_ring_pending(&b) == -1);
    page.s.req_prod = (RING_IDX)-1;      /* "behind" us */
    CHECK(back_ring_pending(&b) == -1);
    CHECK(back_ring_final_check(&b) == 1); /* work: the broken index */
    /* responses not yet pushed hold slots: with 100 unanswered, only 28
     * more requests may be taken even if 128 are published */
    page.s.req_prod = 128;
    b.req_cons = 100;
    b.rsp_prod_pvt = 0;
    CHECK(back_ring_pending(&b) == 28);
    (void)f;
}

int main(void)
{
    test_sizes();
    test_notify();
    roundtrip(0, 1000, 7);
    roundtrip(0xffffff00u, 1000, 32);  /* the counters wrap mid-way */
    roundtrip(0xfffffff0u, 300, 128);  /* full batches across the wrap */
    test_full();
    test_hostile_index();
    return check_summary("test_ring");
}
