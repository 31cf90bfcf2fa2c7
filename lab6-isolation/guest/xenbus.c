/*
 * guest/xenbus.c - what both halves of a split driver stand on (lab 6,
 * given): hypercall wrappers for dom0_op and grant_table_op, mapping
 * other domains' granted frames, offering our own, and the store page
 * handshake that connects a frontend to its backend (public/io/store.h).
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

long xb_dom0_op(struct dom0_op *op)
{
    op->interface_version = DOM0_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_dom0_op, op);
}

long xb_grant_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* A page of our own address space: the virtual address of a pfn we take
 * from the allocator.  Mapping a foreign frame there replaces the pfn's
 * own mapping, which we never use again. */
void *xb_window(void)
{
    unsigned long pfn = pfn_alloc();

    return pfn == PFN_NONE ? NULL : pfn_to_virt(pfn);
}

int xb_map_grant(domid_t dom, grant_ref_t ref, int readonly, void *va,
                 grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = (unsigned long)va,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
        .ref = ref,
        .dom = dom,
    };

    if (xb_grant_op(GNTTABOP_map_grant_ref, &m, 1) < 0)
        return GNTST_general_error;
    if (m.status == GNTST_okay)
        *handle = m.handle;
    return m.status;
}

int xb_unmap_grant(void *va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = (unsigned long)va,
        .handle = handle,
    };

    if (xb_grant_op(GNTTABOP_unmap_grant_ref, &u, 1) < 0)
        return GNTST_general_error;
    return u.status;
}

/* ---- our own grant table: entries we write to offer frames ---- */

#define XB_FIRST_REF 8 /* Xen keeps the first 8 entries for the tools */
static struct grant_entry *gtab;
static uint32_t gref_busy[NR_GRANT_ENTRIES / 32];

/* Ask for our table's frame and map it (once). */
static int gnttab_ready(void)
{
    unsigned long mfn = 0;
    struct gnttab_setup_table st = {
        .dom = DOMID_SELF, .nr_frames = 1, .frame_list = (unsigned long)&mfn,
    };
    void *va;

    if (gtab)
        return 0;
    if (xb_grant_op(GNTTABOP_setup_table, &st, 1) < 0 || st.status != GNTST_okay)
        return -1;
    va = xb_window();
    if (!va || HYPERVISOR_update_va_mapping((unsigned long)va,
                   MAKE_PTE(mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY),
                   UVMF_INVLPG) < 0)
        return -1;
    gtab = va;
    return 0;
}

struct grant_entry *xb_grant_entry(grant_ref_t ref)
{
    if (gnttab_ready() < 0 || ref >= NR_GRANT_ENTRIES)
        return NULL;
    return &gtab[ref];
}

long xb_grant_access(domid_t to, unsigned long mfn, int readonly)
{
    grant_ref_t ref;

    if (gnttab_ready() < 0)
        return -1;
    for (ref = XB_FIRST_REF; ref < NR_GRANT_ENTRIES; ref++) {
        if (gref_busy[ref / 32] & (1u << (ref % 32)))
            continue;
        gref_busy[ref / 32] |= 1u << (ref % 32);
        gtab[ref].domid = to;
        gtab[ref].frame = mfn;
        ring_wmb(); /* the entry is complete before it is valid */
        gtab[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
        return ref;
    }
    return -1;
}

long xb_end_access(grant_ref_t ref)
{
    uint16_t flags;

    if (!gtab || ref >= NR_GRANT_ENTRIES)
        return -EINVAL;
    /* The hypervisor sets reading/writing while it maps the frame: clear
     * the entry only if neither is set, in one atomic step. */
    do {
        flags = gtab[ref].flags;
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
    } while (!__sync_bool_compare_and_swap(&gtab[ref].flags, flags, 0));
    gref_busy[ref / 32] &= ~(1u << (ref % 32));
    return 0;
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

static long bind_interdomain(domid_t dom, evtchn_port_t remote)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_bind_interdomain };
    long rc;

    op.u.bind_interdomain.remote_dom = dom;
    op.u.bind_interdomain.remote_port = remote;
    rc = HYPERVISOR_event_channel_op(&op);
    return rc < 0 ? rc : (long)op.u.bind_interdomain.local_port;
}

static long alloc_unbound_for(domid_t remote)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_alloc_unbound };
    long rc;

    op.u.alloc_unbound.dom = DOMID_SELF;
    op.u.alloc_unbound.remote_dom = remote;
    rc = HYPERVISOR_event_channel_op(&op);
    return rc < 0 ? rc : (long)op.u.alloc_unbound.port;
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
    /* 3. a ring page and a bounce page, granted to the backend */
    pfn = pfn_alloc();
    if (pfn == PFN_NONE)
        return -ENOMEM;
    f->ring_page = pfn_to_virt(pfn);
    memset(f->ring_page, 0, PAGE_SIZE);
    front_ring_init(&f->ring, f->ring_page, PAGE_SIZE, sizeof(union blkif_sring_entry));
    rc = xb_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 0);
    if (rc < 0)
        return -ENOSPC;
    f->ring_ref = (grant_ref_t)rc;
    pfn = pfn_alloc();
    if (pfn == PFN_NONE)
        return -ENOMEM;
    f->bounce = pfn_to_virt(pfn);
    rc = xb_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 0);
    f->bounce_ref[0] = (grant_ref_t)rc;
    rc = rc < 0 ? rc : xb_grant_access(f->store->backend_id, pfn_to_mfn(pfn), 1);
    if (rc < 0)
        return -ENOSPC;
    f->bounce_ref[1] = (grant_ref_t)rc;
    /* 4. a port the backend binds */
    rc = alloc_unbound_for(f->store->backend_id);
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
    struct dom0_op op = { .cmd = DOM0_CREATEDOMAIN };
    long rc;
    int st;

    memset(b, 0, sizeof(*b));
    b->domid = domid;
    b->first = first;
    b->sectors = sectors;
    op.u.createdomain.domain = domid;
    rc = xb_dom0_op(&op);
    if (rc < 0)
        return rc;
    b->store = xb_window();
    b->data = xb_window();
    b->sring = xb_window();
    if (!b->store || !b->data || !b->sring)
        return -ENOMEM;
    st = xb_map_grant(domid, GNTTAB_RESERVED_XENSTORE, 0, b->store, &b->store_handle);
    if (st != GNTST_okay) {
        printf("blkback: d%u: mapping its store page: status %d\n", domid, st);
        return -EACCES;
    }
    rc = bind_interdomain(domid, op.u.createdomain.store_evtchn);
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
    op.cmd = DOM0_UNPAUSEDOMAIN;
    op.u.unpausedomain.domain = domid;
    return xb_dom0_op(&op);
}

int blkback_try_connect(struct blkback *b)
{
    grant_ref_t ref;
    evtchn_port_t port;
    long rc;
    int st;

    if (b->state != BLKBACK_WAITING)
        return b->state == BLKBACK_CONNECTED ? 0 : -1;
    if (b->store->frontend_state != XenbusStateInitialised)
        return 0;
    ring_rmb();
    /* Read each field once: the frontend may change them under us. */
    ref = b->store->ring_ref;
    port = b->store->event_channel;
    st = xb_map_grant(b->domid, ref, 0, b->sring, &b->ring_handle);
    if (st != GNTST_okay) {
        blkback_disconnect(b, BLKBACK_BROKEN, "its ring-ref cannot be mapped");
        return -1;
    }
    b->state = BLKBACK_CONNECTED; /* from here on disconnect unmaps it */
    rc = bind_interdomain(b->domid, port);
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
        xb_unmap_grant(b->sring, b->ring_handle);
        if (b->port)
            evtchn_close(b->port);
    }
    if (b->state == BLKBACK_WAITING || b->state == BLKBACK_CONNECTED) {
        if (state == BLKBACK_BROKEN) {
            b->store->backend_state = XenbusStateClosed;
            evtchn_send(b->store_port);
        }
        xb_unmap_grant(b->store, b->store_handle);
        evtchn_close(b->store_port);
    }
    b->port = 0;
    b->state = state;
    b->why = why;
    printf("blkback: d%u disconnected: %s\n", b->domid, why);
}
