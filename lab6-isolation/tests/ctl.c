/*
 * tests/ctl.c - domain 0 controls other domains (lab 6, exercises 1-3).
 *
 * One kernel, several parts (op= after "--"); module 0 plays domain 0 and
 * creates the others from modules with role=domu:
 *
 *   op=control  (domain 0) privilege and life cycle: create, getdomaininfo,
 *               weights, pause (a paused domain gets no CPU), unpause,
 *               wait for its end (VIRQ_DOM_EXC), destroy a domain that
 *               would never end; the machine's free frames at the end
 *               equal those before the first create.
 *   op=worker   (a domU) every dom0_op, and everything else that would act
 *               on another domain, is refused with -EPERM; then it spins
 *               on system time for spin_ms and ends.
 *   op=sleeper  (a domU) sleeps forever, to be destroyed.
 *   op=chan     (domain 0) event channels between domains: binds a new
 *               domain's store port, they ring each other, it closes its
 *               end and the peer sees it; a destroyed peer's channel is
 *               seen closed too.
 *   op=peer     (a domU) the other end for op=chan.
 *   op=mem      (domain 0) memory reservations: domain 0 takes frames
 *               until a big domain no longer fits (its create fails), a
 *               domU balloons 256 pages out, the big one now fits and
 *               runs, domain 0 and the domU take their frames back.
 *   op=balloon  (a domU) the balloon for op=mem, and the limits: nothing
 *               beyond max_pages, no frame still mapped, none not its own.
 *   op=big      (a domU) reports how many pages it got and ends.
 *
 * Every value below is one the guests computed; the test's expected lines
 * are in tests.ini.
 */
#include <guest/balloon.h>
#include <guest/dom0.h>
#include <guest/options.h>
#include <guest/time.h>

#define WAIT_MS 3000 /* system time; generous, both emulators */

/* ---- helpers ---- */

static volatile int flag; /* set by chan_handler */
static volatile unsigned long nr_chan_events;

static void chan_handler(evtchn_port_t port)
{
    (void)port;
    nr_chan_events++;
    flag = 1;
}

/* The common start: events and the timer (lab 5 blocks only when armed). */
static int init(void)
{
    long e = events_init(), t = timer_init();

    if (e < 0 || t < 0) {
        report("init events=%ld timer=%ld", e, t);
        return -1;
    }
    return 0;
}

static unsigned long free_frames(void)
{
    return hv_free_frames();
}

/* ---- op=control ---- */

static int control(void)
{
    struct dom0_getdomaininfo info;
    unsigned long free0, free1;
    uint64_t t1, t2;
    evtchn_port_t store = 0;
    dom0_op_t op;
    long rc;

    free0 = free_frames();
    report("control getinfo_before=%ld", dom0_getinfo(1, &info));
    report("control create_self=%ld", dom0_create(0, NULL));
    rc = dom0_create(1, &store);
    report("control create=%ld store_port_ok=%d", rc, store > 0);
    report("control create_again=%ld", dom0_create(1, NULL));
    rc = dom0_getinfo(1, &info);
    report("control info rc=%ld paused=%d pages_ok=%d", rc,
           !!(info.flags & DOMFLAGS_PAUSED), info.tot_pages > 0 && info.tot_pages <= info.max_pages + 1);
    rc = dom0_set_weight(1, 3);
    report("control weight set=%ld get=%ld", rc, dom0_get_weight(1));
    report("control weight bad=%ld", dom0_set_weight(1, 1000));
    memset(&op, 0, sizeof(op));
    op.cmd = DOM0_GETDOMAININFO;
    op.interface_version = 0x02000000;
    report("control bad_version=%ld", HYPERVISOR_dom0_op(&op));
    op.cmd = 99;
    op.interface_version = DOM0_INTERFACE_VERSION;
    report("control bad_cmd=%ld", HYPERVISOR_dom0_op(&op));
    report("control pause_self=%ld destroy_self=%ld", dom0_pause(0), dom0_destroy(0));
    report("control nosuch pause=%ld info=%ld", dom0_pause(40), dom0_getinfo(40, &info));
    rc = dom0_set_max_pages(1, 16);
    report("control maxmem below_owned=%ld huge=%ld", rc, dom0_set_max_pages(1, 1UL << 20));

    /* Run it, then pause it: a paused domain gets no CPU. */
    report("control unpause=%ld", dom0_unpause(1));
    sleep_ms(5);
    report("control pause=%ld", dom0_pause(1));
    dom0_getinfo(1, &info);
    t1 = info.cpu_time;
    report("control paused_flag=%d ran_before=%d", !!(info.flags & DOMFLAGS_PAUSED), t1 > 0);
    sleep_ms(20);
    dom0_getinfo(1, &info);
    t2 = info.cpu_time;
    report("control ran_while_paused=%d", t2 != t1);
    report("control unpause_again=%ld", dom0_unpause(1));
    rc = dom0_wait_ended(1, WAIT_MS);
    dom0_getinfo(1, &info);
    report("control worker ended=%ld shutdown=%d code=%u exc_seen=%d", rc,
           !!(info.flags & DOMFLAGS_SHUTDOWN),
           (info.flags >> DOMFLAGS_SHUTDOWNSHIFT) & DOMFLAGS_SHUTDOWNMASK, nr_dom_exc > 0);
    report("control unpause_ended=%ld", dom0_unpause(1));

    /* A domain that would never end: destroyed. */
    rc = dom0_create(2, NULL);
    report("control create2=%ld unpause2=%ld", rc, dom0_unpause(2));
    sleep_ms(5);
    report("control destroy=%ld", dom0_destroy(2));
    dom0_getinfo(2, &info);
    report("control destroyed dying=%d shutdown=%d", !!(info.flags & DOMFLAGS_DYING),
           !!(info.flags & DOMFLAGS_SHUTDOWN));
    report("control destroy_again=%ld", dom0_destroy(2));
    free1 = free_frames();
    report("control frames_back=%d exc=%lu", free1 == free0, nr_dom_exc);

    /* One left paused as domain 0 ends: the hypervisor must destroy it and
     * take its frames back (tests.ini compares the free frames). */
    report("control create_left_paused=%ld", dom0_create(3, NULL));
    if (free1 != free0)
        printf("free frames: %lu before, %lu after\n", free0, free1);
    return 0;
}

/* ---- op=worker ---- */

static int worker(void)
{
    struct dom0_getdomaininfo info;
    unsigned long mfn = 0;
    struct evtchn_status st;
    evtchn_op_t eop;
    domid_t zero = 0;
    uint64_t end;
    unsigned long loops = 0;

    report("worker getinfo=%ld create=%ld pause=%ld destroy=%ld weight=%ld maxmem=%ld",
           dom0_getinfo(0, &info), dom0_create(2, NULL), dom0_pause(0), dom0_destroy(0),
           dom0_set_weight(0, 5), dom0_set_max_pages(1, 4096));
    report("worker mem_other=%ld mem_read_other=%ld",
           reservation_op(XENMEM_increase_reservation, &mfn, 1, 0),
           HYPERVISOR_memory_op(XENMEM_current_reservation, &zero));
    memset(&eop, 0, sizeof(eop));
    eop.cmd = EVTCHNOP_alloc_unbound;
    eop.u.alloc_unbound.dom = 0;
    eop.u.alloc_unbound.remote_dom = 1;
    report("worker evtchn_in_other=%ld status_other=%ld",
           HYPERVISOR_event_channel_op(&eop), evtchn_status_of(0, 1, &st));
    end = now() + option_ul("spin_ms", 40) * NSEC_PER_MSEC;
    while (now_moving() < end)
        loops++;
    report("worker spun=%d", loops > 0);
    return 0;
}

/* ---- op=sleeper ---- */

static int sleeper(void)
{
    for (;;)
        sleep_ms(1000);
    return 0; /* (never) */
}

/* ---- op=chan and op=peer ---- */

static int chan(void)
{
    struct evtchn_status st;
    evtchn_port_t store = 0, store2 = 0;
    long local, rc, local2;
    unsigned long before;

    rc = dom0_create(1, &store);
    report("chan create=%ld", rc);
    report("chan bind_wrong_port=%ld", evtchn_bind_interdomain(1, store + 1));
    report("chan bind_nosuch=%ld", evtchn_bind_interdomain(40, store));
    local = evtchn_bind_interdomain(1, store);
    report("chan bind=%d", local > 0);
    bind_evtchn_to_handler((evtchn_port_t)local, chan_handler);
    report("chan bind_twice=%ld", evtchn_bind_interdomain(1, store));
    rc = evtchn_status_of(1, store, &st);
    report("chan peer_status=%ld dom=%u port_ok=%d", rc, st.u.interdomain.dom,
           st.u.interdomain.port == (evtchn_port_t)local);
    /* A port of ours unbound for ourselves: the peer may not bind it. */
    report("chan self_unbound=%d", evtchn_alloc_unbound_self() > 0);
    report("chan unpause=%ld", dom0_unpause(1));

    /* It rings first; we answer. */
    report("chan got_ring=%d", wait_flag(&flag, WAIT_MS) == 0);
    flag = 0;
    report("chan send=%ld", evtchn_send((evtchn_port_t)local));
    /* It tells us it got it; then we close our end. */
    report("chan got_ack=%d", wait_flag(&flag, WAIT_MS) == 0);
    report("chan close=%ld", evtchn_close((evtchn_port_t)local));
    report("chan peer_ended=%ld", dom0_wait_ended(1, WAIT_MS));

    /* A peer that is destroyed: our end becomes unbound, and is raised. */
    rc = dom0_create(2, &store2);
    local2 = evtchn_bind_interdomain(2, store2);
    bind_evtchn_to_handler((evtchn_port_t)local2, chan_handler);
    report("chan create2=%ld bind2=%d unpause2=%ld", rc, local2 > 0, dom0_unpause(2));
    sleep_ms(5);
    flag = 0;
    before = nr_chan_events;
    report("chan destroy2=%ld", dom0_destroy(2));
    report("chan destroyed_peer status=%ld raised=%d", evtchn_status_of(DOMID_SELF,
           (evtchn_port_t)local2, &st), nr_chan_events > before || evtchn_is_pending((evtchn_port_t)local2));
    report("chan send_after=%ld", evtchn_send((evtchn_port_t)local2));
    return 0;
}

static int peer(void)
{
    struct evtchn_status st;
    evtchn_port_t port = start_info->store_evtchn;
    long rc;

    rc = evtchn_status_of(DOMID_SELF, port, &st);
    report("peer store status=%ld dom=%u", rc, st.u.interdomain.dom);
    {
        unsigned int p, bound = 0;
        for (p = 1; p < 64; p++) /* none of domain 0's ports is offered to us */
            bound += evtchn_bind_interdomain(0, p) >= 0;
        report("peer bind_not_offered=%u", bound);
    }
    report("peer alloc_nosuch=%ld", evtchn_alloc_unbound(40));
    bind_evtchn_to_handler(port, chan_handler);
    report("peer ring=%ld", evtchn_send(port));
    report("peer got_answer=%d", wait_flag(&flag, WAIT_MS) == 0);
    flag = 0;
    evtchn_send(port); /* the ack */
    report("peer saw_close=%d", wait_flag(&flag, WAIT_MS) == 0);
    report("peer status_after=%ld", evtchn_status_of(DOMID_SELF, port, &st));
    return 0;
}

/* ---- op=mem, op=balloon, op=big ---- */

#define ABSORB_MAX 3072
static unsigned long absorbed[ABSORB_MAX];

static int mem(void)
{
    struct dom0_getdomaininfo info;
    unsigned long big = option_ul("big_pages", 1024), target, take, free0, tot0;
    evtchn_port_t store = 0;
    long local, got, rc;

    pmap_init();
    free0 = free_frames();
    rc = dom0_create(1, &store);
    local = evtchn_bind_interdomain(1, store);
    bind_evtchn_to_handler((evtchn_port_t)local, chan_handler);
    report("mem create=%ld bind=%d", rc, local > 0);
    dom0_getinfo(1, &info);
    tot0 = info.tot_pages;

    /* Take frames until the big domain needs 128 more than are free. */
    target = big - 128;
    take = free_frames() > target ? free_frames() - target : 0;
    if (take > ABSORB_MAX)
        take = ABSORB_MAX;
    rc = dom0_set_max_pages(0, start_info->nr_pages + take);
    got = reservation_op(XENMEM_increase_reservation, absorbed, take, DOMID_SELF);
    report("mem absorb maxmem=%ld all=%d", rc, got == (long)take);
    report("mem create_big_before=%ld", dom0_create(2, NULL));

    /* The balloon gives 256 pages back. */
    report("mem unpause=%ld", dom0_unpause(1));
    report("mem ballooned=%d", wait_flag(&flag, WAIT_MS) == 0);
    flag = 0;
    dom0_getinfo(1, &info);
    report("mem domu_pages_drop=%ld", (long)(tot0 - info.tot_pages));
    rc = dom0_create(2, NULL);
    report("mem create_big_after=%ld unpause=%ld", rc, dom0_unpause(2));
    report("mem big_ended=%ld", dom0_wait_ended(2, WAIT_MS));

    /* Everyone takes their frames back. */
    got = got > 0 ? reservation_op(XENMEM_decrease_reservation, absorbed, (unsigned long)got,
                                   DOMID_SELF) : 0;
    report("mem returned_absorbed=%d", got == (long)take);
    evtchn_send((evtchn_port_t)local);
    report("mem balloon_ended=%ld", dom0_wait_ended(1, WAIT_MS));
    report("mem frames_back=%d", free_frames() == free0);
    if (free_frames() != free0)
        printf("free frames: %lu before, %lu after\n", free0, free_frames());
    return 0;
}

static int balloon(void)
{
    evtchn_port_t port = start_info->store_evtchn;
    domid_t self = DOMID_SELF;
    unsigned long max, cur0, mfn;
    long out, in, rc;

    pmap_init();
    bind_evtchn_to_handler(port, chan_handler);
    cur0 = (unsigned long)HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    max = (unsigned long)HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    report("balloon max_is_nr_pages=%d", max == start_info->nr_pages);

    /* Refused: a frame still mapped (our own code), one not ours. */
    mfn = virt_to_mfn((void *)balloon);
    report("balloon give_mapped=%ld", reservation_op(XENMEM_decrease_reservation, &mfn, 1,
                                                     DOMID_SELF));
    mfn = start_info->shared_info >> PAGE_SHIFT;
    report("balloon give_shared_info=%ld",
           reservation_op(XENMEM_decrease_reservation, &mfn, 1, DOMID_SELF));
    mfn = 0;
    report("balloon give_frame0=%ld", reservation_op(XENMEM_decrease_reservation, &mfn, 1,
                                                     DOMID_SELF));
    report("balloon bad_order=%ld", ({
               struct xen_memory_reservation r = { (unsigned long)&mfn, 1, 1, 0, DOMID_SELF };
               HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
           }));

    out = balloon_out(256);
    rc = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    report("balloon out=%ld now=%ld", out, (long)cur0 - rc);
    evtchn_send(port);
    report("balloon told=%d", wait_flag(&flag, WAIT_MS) == 0);
    in = balloon_in(256);
    rc = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    report("balloon in=%ld back_to_start=%d", in, rc == (long)cur0);
    /* At max_pages: one more is refused (0 done). */
    report("balloon beyond_max=%ld", reservation_op(XENMEM_increase_reservation, &mfn, 1,
                                                    DOMID_SELF));
    /* The pages that came back work: write and read each. */
    {
        unsigned long i, bad = 0, pfns[16];
        for (i = 0; i < 16; i++) {
            pfns[i] = pfn_alloc();
            *(volatile unsigned long *)pfn_to_virt(pfns[i]) = i * 7 + 1;
        }
        for (i = 0; i < 16; i++) {
            bad += *(volatile unsigned long *)pfn_to_virt(pfns[i]) != i * 7 + 1;
            pfn_free(pfns[i]);
        }
        report("balloon pages_work=%d", bad == 0);
    }
    return 0;
}

static int big(void)
{
    report("big pages=%lu", start_info->nr_pages);
    return 0;
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (init() < 0)
        return 1;
    if (!op)
        op = "control";
    if (!strcmp(op, "control"))
        return control();
    if (!strcmp(op, "worker"))
        return worker();
    if (!strcmp(op, "sleeper"))
        return sleeper();
    if (!strcmp(op, "chan"))
        return chan();
    if (!strcmp(op, "peer"))
        return peer();
    if (!strcmp(op, "mem"))
        return mem();
    if (!strcmp(op, "balloon"))
        return balloon();
    if (!strcmp(op, "big"))
        return big();
    report("unknown op=%s", op);
    return 1;
}
