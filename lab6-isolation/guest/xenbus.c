/*
 * guest/xenbus.c - what both halves of a split driver stand on (lab 6,
 * given): the store page handshake that connects a frontend to its
 * backend (public/io/store.h), on top of guest/gnttab.c (grants) and
 * guest/dom0.c (creating domains, channels between them).
 *
 * Xen's Linux calls this layer "xenbus" (with XenStore behind it); here
 * the store is one shared page per domU, so the handshake is a few loads
 * and stores, ordered by barriers, and an event on the store port.
 *
 * Callers must have run events_init(), timer_init() and pmap_init().
 */
#include <guest/blk.h>
#include <guest/pmap.h>
#include <guest/time.h>

/* A page of our own address space: the virtual address of a pfn we take
 * from the allocator.  Mapping a foreign frame there replaces the pfn's
 * own mapping, which we never use again. */
void *xb_window(void)
{
    unsigned long pfn = pfn_alloc();

    return pfn == PFN_NONE ? NULL : pfn_to_virt(pfn);
}

long xb_wait_for(volatile uint32_t *word, uint32_t want, unsigned int ms)
{
    uint64_t deadline = now() + ms * NSEC_PER_MSEC;

    while (*word != want) {
        if (now() >= deadline)
            return -EAGAIN;
        sleep_ms(1); /* the store port's event wakes us sooner */
    }
    ring_rmb();
    return 0;
}

/* ---- the frontend's half of the handshake ---- */

long blkfront_connect(struct blkfront *f)
{
    unsigned long pfn;
    long rc;

    memset(f, 0, sizeof(*f));
    /* 1. our store page: a frame we own, mapped by us */
    f->store = xb_window();
    if (!f->store || !start_info->store_mfn)
        return -ENOENT; /* not created by domain 0: no store */
    rc = HYPERVISOR_update_va_mapping((unsigned long)f->store,
             MAKE_PTE(start_info->store_mfn,
                      _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY),
             UVMF_INVLPG);
    if (rc < 0)
        return rc;
    f->store_port = start_info->store_evtchn;
    /* 2. wait for the backend to describe the disk */
    if (xb_wait_for(&f->store->backend_state, XenbusStateInitWait, 2000) < 0 ||
        f->store->magic != STORE_MAGIC)
        return -EAGAIN;
    f->sectors = f->store->sectors;
    if (!gnttab_shared && gnttab_init() < 0)
        return -ENOSPC;
    /* 3. a ring page and a bounce page, granted to the backend */
    pfn = pfn_alloc();
    if (pfn == PFN_NONE)
        return -ENOMEM;
    f->ring_page = pfn_to_virt(pfn);
    memset(f->ring_page, 0, PAGE_SIZE);
    front_ring_init(&f->ring, f->ring_page, PAGE_SIZE, sizeof(union blkif_sring_entry));
    rc = gnttab_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 0);
    if (rc < 0)
        return -ENOSPC;
    f->ring_ref = (grant_ref_t)rc;
    pfn = pfn_alloc();
    if (pfn == PFN_NONE)
        return -ENOMEM;
    f->bounce = pfn_to_virt(pfn);
    rc = gnttab_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 0);
    f->bounce_ref[0] = (grant_ref_t)rc;
    rc = rc < 0 ? rc : gnttab_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 1);
    if (rc < 0)
        return -ENOSPC;
    f->bounce_ref[1] = (grant_ref_t)rc;
    /* 4. a port the backend binds */
    rc = evtchn_alloc_unbound(f->store->backend_id);
    if (rc < 0)
        return rc;
    f->port = (evtchn_port_t)rc;
    /* 5. tell it: the fields first, the state last */
    f->store->ring_ref = f->ring_ref;
    f->store->event_channel = f->port;
    ring_wmb();
    f->store->frontend_state = XenbusStateInitialised;
    evtchn_send(f->store_port);
    /* 6. wait for Connected */
    if (xb_wait_for(&f->store->backend_state, XenbusStateConnected, 2000) < 0)
        return -EAGAIN;
    f->store->frontend_state = XenbusStateConnected;
    return 0;
}

void blkfront_disconnect(struct blkfront *f)
{
    if (!f->store)
        return;
    f->store->frontend_state = XenbusStateClosed;
    evtchn_send(f->store_port);
}

/* ---- the backend's half ---- */

long blkback_create(struct blkback *b, domid_t domid, uint64_t first,
                    uint64_t sectors)
{
    evtchn_port_t store_evtchn;
    long rc, st;

    memset(b, 0, sizeof(*b));
    b->domid = domid;
    b->first = first;
    b->sectors = sectors;
    rc = dom0_create(domid, &store_evtchn);
    if (rc < 0)
        return rc;
    b->store = xb_window();
    b->data = xb_window();
    b->sring = xb_window();
    if (!b->store || !b->data || !b->sring)
        return -ENOMEM;
    st = gnttab_map(domid, GNTTAB_RESERVED_XENSTORE, (unsigned long)b->store, 0,
                    &b->store_handle);
    if (st != GNTST_okay) {
        printf("blkback: d%u: mapping its store page: status %ld\n", domid, st);
        return -EACCES;
    }
    rc = evtchn_bind_interdomain(domid, store_evtchn);
    if (rc < 0)
        return rc;
    b->store_port = (evtchn_port_t)rc;
    b->store->magic = STORE_MAGIC;
    b->store->sector_size = BLKIF_SECTOR_SIZE;
    b->store->sectors = sectors;
    b->store->info = 0;
    b->store->backend_id = (domid_t)start_info->domid;
    b->store->frontend_id = domid;
    ring_wmb();
    b->store->backend_state = XenbusStateInitWait;
    b->state = BLKBACK_WAITING;
    return dom0_unpause(domid);
}

int blkback_try_connect(struct blkback *b)
{
    grant_ref_t ref;
    evtchn_port_t port;
    long rc, st;

    if (b->state != BLKBACK_WAITING)
        return b->state == BLKBACK_CONNECTED ? 0 : -1;
    if (b->store->frontend_state != XenbusStateInitialised)
        return 0;
    ring_rmb();
    /* Read each field once: the frontend may change them under us. */
    ref = b->store->ring_ref;
    port = b->store->event_channel;
    st = gnttab_map(b->domid, ref, (unsigned long)b->sring, 0, &b->ring_handle);
    if (st != GNTST_okay) {
        blkback_disconnect(b, BLKBACK_BROKEN, "its ring-ref cannot be mapped");
        return -1;
    }
    b->state = BLKBACK_CONNECTED; /* from here on disconnect unmaps it */
    rc = evtchn_bind_interdomain(b->domid, port);
    if (rc < 0) {
        blkback_disconnect(b, BLKBACK_BROKEN, "its event-channel cannot be bound");
        return -1;
    }
    b->port = (evtchn_port_t)rc;
    back_ring_attach(&b->ring, b->sring, PAGE_SIZE, sizeof(union blkif_sring_entry));
    ring_wmb();
    b->store->backend_state = XenbusStateConnected;
    evtchn_send(b->store_port);
    return 1;
}

void blkback_disconnect(struct blkback *b, enum blkback_state state,
                        const char *why)
{
    if (b->state == BLKBACK_CONNECTED) {
        gnttab_unmap((unsigned long)b->sring, b->ring_handle);
        if (b->port)
            evtchn_close(b->port);
    }
    if (b->state == BLKBACK_WAITING || b->state == BLKBACK_CONNECTED) {
        if (state == BLKBACK_BROKEN) {
            b->store->backend_state = XenbusStateClosed;
            evtchn_send(b->store_port);
        }
        gnttab_unmap((unsigned long)b->store, b->store_handle);
        evtchn_close(b->store_port);
    }
    b->port = 0;
    b->state = state;
    b->why = why;
    printf("blkback: d%u disconnected: %s\n", b->domid, why);
}
