/*
 * guest/dom0.c - domain 0's tools: dom0_op wrappers, waiting for a
 * domain's end, event channels between domains (lab 6, given).
 * guest/dom0.h says what each function does.
 */
#include <guest/dom0.h>
#include <guest/lib.h>
#include <guest/time.h>

volatile unsigned long nr_dom_exc;

/* One op: the command and interface version filled in, then the call. */
static long dom0_call(dom0_op_t *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = DOM0_INTERFACE_VERSION;
    return HYPERVISOR_dom0_op(op);
}

static void dom_exc_handler(evtchn_port_t port)
{
    (void)port;
    nr_dom_exc++;
}

/* Bind VIRQ_DOM_EXC once, before the first domain we create can end. */
void dom0_watch_ends(void)
{
    static long port;

    if (port > 0)
        return;
    port = evtchn_bind_virq(VIRQ_DOM_EXC);
    if (port > 0)
        bind_evtchn_to_handler((evtchn_port_t)port, dom_exc_handler);
}

long dom0_create(domid_t dom, evtchn_port_t *store_port)
{
    dom0_op_t op;
    long rc;

    dom0_watch_ends();
    memset(&op, 0, sizeof(op));
    op.u.createdomain.domain = dom;
    op.u.createdomain.handle[0] = (uint8_t)dom; /* any label: we get it back */
    rc = dom0_call(&op, DOM0_CREATEDOMAIN);
    if (rc == 0 && store_port)
        *store_port = op.u.createdomain.store_evtchn;
    return rc;
}

/* PAUSE, UNPAUSE and DESTROY take just the domain. */
static long dom0_simple(uint32_t cmd, domid_t dom)
{
    dom0_op_t op;

    memset(&op, 0, sizeof(op));
    op.u.pausedomain.domain = dom;
    return dom0_call(&op, cmd);
}

long dom0_pause(domid_t dom) { return dom0_simple(DOM0_PAUSEDOMAIN, dom); }
long dom0_unpause(domid_t dom) { return dom0_simple(DOM0_UNPAUSEDOMAIN, dom); }
long dom0_destroy(domid_t dom) { return dom0_simple(DOM0_DESTROYDOMAIN, dom); }

long dom0_getinfo(domid_t dom, struct dom0_getdomaininfo *info)
{
    dom0_op_t op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.u.getdomaininfo.domain = dom;
    rc = dom0_call(&op, DOM0_GETDOMAININFO);
    if (rc == 0)
        *info = op.u.getdomaininfo;
    return rc;
}

/* BVT's mcu_advance is the inverse of the weight: the hypervisor's unit
 * (lab 5's BVT_WEIGHT_UNIT, 720720) divided by it. */
#define WEIGHT_UNIT 720720UL

long dom0_set_weight(domid_t dom, unsigned long weight)
{
    dom0_op_t op;

    memset(&op, 0, sizeof(op));
    op.u.adjustdom.sched_id = SCHED_BVT;
    op.u.adjustdom.direction = SCHED_INFO_PUT;
    op.u.adjustdom.domain = dom;
    op.u.adjustdom.u.bvt.mcu_adv = weight ? (uint32_t)(WEIGHT_UNIT / weight) : 0;
    return dom0_call(&op, DOM0_ADJUSTDOM);
}

long dom0_get_weight(domid_t dom)
{
    dom0_op_t op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.u.adjustdom.sched_id = SCHED_BVT;
    op.u.adjustdom.direction = SCHED_INFO_GET;
    op.u.adjustdom.domain = dom;
    rc = dom0_call(&op, DOM0_ADJUSTDOM);
    if (rc < 0)
        return rc;
    return op.u.adjustdom.u.bvt.mcu_adv ? (long)(WEIGHT_UNIT / op.u.adjustdom.u.bvt.mcu_adv)
                                        : -EINVAL;
}

long dom0_set_max_pages(domid_t dom, unsigned long pages)
{
    dom0_op_t op;

    memset(&op, 0, sizeof(op));
    op.u.setdomainmaxmem.domain = dom;
    op.u.setdomainmaxmem.max_memkb = pages * 4;
    return dom0_call(&op, DOM0_SETDOMAINMAXMEM);
}

long dom0_wait_ended(domid_t dom, unsigned int ms)
{
    struct dom0_getdomaininfo info;
    uint64_t deadline = now() + (uint64_t)ms * NSEC_PER_MSEC;

    dom0_watch_ends();
    for (;;) {
        if (dom0_getinfo(dom, &info) == 0 && (info.flags & DOMFLAGS_DYING))
            return 0;
        if (now() >= deadline)
            return -1;
        set_timer(now() + NSEC_PER_MSEC); /* lab 5: never block unarmed */
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
    }
}

/* ---- event channels between domains ---- */

long evtchn_alloc_unbound(domid_t remote)
{
    evtchn_op_t op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = EVTCHNOP_alloc_unbound;
    op.u.alloc_unbound.dom = DOMID_SELF;
    op.u.alloc_unbound.remote_dom = remote;
    rc = HYPERVISOR_event_channel_op(&op);
    return rc < 0 ? rc : (long)op.u.alloc_unbound.port;
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port)
{
    evtchn_op_t op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = EVTCHNOP_bind_interdomain;
    op.u.bind_interdomain.remote_dom = remote;
    op.u.bind_interdomain.remote_port = remote_port;
    rc = HYPERVISOR_event_channel_op(&op);
    return rc < 0 ? rc : (long)op.u.bind_interdomain.local_port;
}

long evtchn_status_of(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    evtchn_op_t op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = EVTCHNOP_status;
    op.u.status.dom = dom;
    op.u.status.port = port;
    rc = HYPERVISOR_event_channel_op(&op);
    if (rc == 0)
        *st = op.u.status;
    return rc < 0 ? rc : (long)op.u.status.status;
}

long wait_flag(volatile int *flag, unsigned int ms)
{
    uint64_t deadline = now() + (uint64_t)ms * NSEC_PER_MSEC;

    while (!*flag) {
        if (now() >= deadline)
            return -1;
        set_timer(now() + NSEC_PER_MSEC);
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
    }
    return 0;
}
