/*
 * hv/domain_ctl.c - the mechanism behind domain 0's control (lab 6, given).
 *
 * Exercise 1 (hv/dom0_ops.c) decides *whether* a dom0_op may happen; this
 * file *does* it.  Read hv/domctl.h first: it lists what is here.
 *
 * The life of a domain domain 0 creates (a module with role=domu):
 *
 *   unused --create--> paused --unpause--> running <--> blocked
 *                        ^                    |
 *                        +------pause---------+
 *   any living state --destroy, or it shuts down--> ended: its channels
 *   close, VIRQ_DOM_EXC tells domain 0, its frames go back.
 *
 * The invariants kept here:
 *   - a paused domain never runs (lab 5's vcpu_runnable wants
 *     DOMSTATE_running) and an event does not wake it (lab 3's
 *     mark_upcall_pending wakes only DOMSTATE_blocked);
 *   - a domain is admitted to the scheduler once, at its first unpause,
 *     exactly as lab 5's start_domains admits the domains built at boot;
 *   - only a domain that is not running now is destroyed: domain 0 is
 *     the only caller and may not destroy itself, so the frames freed are
 *     never those under our feet.
 */
#include <hv/bvt.h>
#include <hv/domctl.h>
#include <hv/event.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched_math.h>
#include <hv/multiboot.h>
#include <hv/page_type.h>
#include <hv/time.h>
#include <hv/x86.h>
#include <public/grant_table.h>

struct domctl_info domctl_info[MAX_DOMAINS];

/* ---- the role= option ---- */

static int option_role(struct domain *d, const char *value, char *why,
                       unsigned int whylen)
{
    static const char *const names[] = { "domain", "domu", "disk" };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(value, names[i]))
            break;
    if (i == ARRAY_SIZE(names)) {
        snprintf(why, whylen, "role=%s: expected role=domain (built at boot), "
                 "role=domu (domain 0 creates it) or role=disk (its disk image)",
                 value);
        return -1;
    }
    if (d->domain_id == 0 && i != MODULE_DOMAIN) {
        snprintf(why, whylen, "role=%s: module 0 is domain 0, which is always "
                 "built at boot (role=domain)", value);
        return -1;
    }
    d->role = (enum module_role)i;
    return 0;
}
REGISTER_DOMAIN_OPTION("role", option_role,
                       "what the module is: domain (default), domu (domain 0 "
                       "creates it with dom0_op) or disk (domain 0's disk image)");

/* ---- finding domains ---- */

struct domain *domctl_find(domid_t dom)
{
    struct domain *d;

    if (dom >= nr_domains)
        return NULL;
    d = &domains[dom];
    if (d->state == DOMSTATE_unused || d->state == DOMSTATE_refused)
        return NULL;
    return d;
}

/*
 * Grant entry `ref` of d's table (lab 6 exercise 4's hv/grant_table.c
 * defines the real one).  This weak default lets the control code build
 * while grant tables are absent: the store page is then not granted.
 */
__weak struct grant_entry *gnttab_entry(struct domain *d, grant_ref_t ref)
{
    (void)d;
    (void)ref;
    return NULL;
}

/* ---- create: build the module, then give it its store ---- */

/* The frame holding d's start_info (the builder mapped it at start_info_va). */
static struct start_info *start_info_of(struct domain *d)
{
    unsigned long pfn = (d->start_info_va - d->virt_base) >> PAGE_SHIFT;
    unsigned long mfn = get_p2m(d, pfn);

    if (mfn == INVALID_MFN)
        return NULL;
    return (struct start_info *)((char *)mfn_to_virt(mfn) +
                                 (d->start_info_va & ~PAGE_MASK));
}

/*
 * The store (public/io/store.h): a zeroed frame d owns, a port unbound for
 * domain 0, and grant entry GNTTAB_RESERVED_XENSTORE offering the frame to
 * domain 0, who maps it with map_grant_ref.  start_info tells d both.
 * store_mfn is the frame domctl_create took before the build (zeroed).
 */
static long give_store(struct domain *d, unsigned long store_mfn)
{
    struct domctl_info *ci = &domctl_info[d->domain_id];
    struct start_info *si = start_info_of(d);
    struct page_info *pg = mfn_to_page(store_mfn);
    struct grant_entry *ge;
    long port;

    /* d's now, as alloc_domheap_page would have made it: on its list (it
     * goes back with the domain), counted in d->tot_pages. */
    pg->owner = d;
    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages++;
    if (!si)
        return -EINVAL;
    if (!lab4_unchecked)        /* lab 4 counts: the owner's allocation ref */
        pg->count_info = (pg->count_info & ~PGC_count_mask) | 1;
    pg->type_info = PGT_none;
    port = evtchn_alloc_unbound_in(d, 0);
    if (port < 0)
        return port;            /* the frame goes back with the domain */
    ci->store_mfn = page_to_mfn(pg);
    ci->store_evtchn = (evtchn_port_t)port;
    si->store_mfn = ci->store_mfn;
    si->store_evtchn = (uint32_t)port;
    ge = gnttab_entry(d, GNTTAB_RESERVED_XENSTORE);
    if (ge) {
        ge->domid = 0;
        ge->frame = (uint32_t)ci->store_mfn;
        __asm__ volatile("" ::: "memory"); /* flags last: the entry is valid */
        ge->flags = GTF_permit_access;
    }
    return 0;
}

long domctl_create(struct domain *d, const xen_domain_handle_t handle,
                   evtchn_port_t *store_evtchn)
{
    struct domctl_info *ci = &domctl_info[d->domain_id];
    unsigned long cr3 = read_cr3(), store_mfn;
    long rc;

    /* A module refused before (no memory then) may be tried again. */
    memset(d->evtchn, 0, sizeof(d->evtchn));
    memset(ci, 0, sizeof(*ci));
    d->end_reason[0] = '\0';
    d->tot_pages = 0;
    /* The store page first: without one the module is refused before
     * anything is built, and may be tried again.  (Taken after the build,
     * its shortage left a built domain to destroy, and a destroyed module
     * can never be created again: the fault sweep found it, issue 15.) */
    store_mfn = alloc_frame();
    if (store_mfn == INVALID_MFN) {
        refuse_module(d, "out of memory for its store page");
        return -ENOMEM;
    }
    rc = build_deferred_domain(d);
    write_cr3(cr3);     /* a refused build frees on the idle tables */
    if (rc != 0) {
        free_frame(store_mfn);
        return -ENOMEM; /* refuse_module() said why, on the console */
    }
    ci->created = 1;
    memcpy(ci->handle, handle, sizeof(ci->handle));
    rc = give_store(d, store_mfn);
    if (rc) {
        domctl_destroy(d, "no memory for its store");
        return rc;
    }
    d->state = DOMSTATE_paused;
    *store_evtchn = ci->store_evtchn;
    printk("d%u (%s): created by domain 0, paused; store frame %#lx, port %u\n",
           d->domain_id, d->name, ci->store_mfn, ci->store_evtchn);
    return 0;
}

/* ---- pause and unpause ---- */

long domctl_pause(struct domain *d)
{
    if (!domain_alive(d) || d->state == DOMSTATE_built)
        return -EINVAL;
    if (d->state != DOMSTATE_paused) {
        domctl_info[d->domain_id].was_blocked = d->state == DOMSTATE_blocked;
        d->state = DOMSTATE_paused;
    }
    return 0;
}

/*
 * First unpause: what lab 5's start_domains does for a domain built at
 * boot (hv/sched_setup.c), and a virtual time level with the others', as
 * BVT gives a domain waking from a long sleep - a newcomer starting at
 * avt 0 would take the CPU from everyone until it caught up.
 */
static void admit(struct domain *d)
{
    struct vcpu *v = d->vcpu;
    uint64_t svt = ~0ULL;
    unsigned int i;

    for (i = 0; i < nr_domains; i++) {
        struct vcpu *w = domains[i].vcpu;
        if (w && w != v && domain_alive(&domains[i]) && w->avt < svt)
            svt = w->avt;
    }
    if (svt == ~0ULL)
        svt = 0;
    v->avt = v->evt = svt;
    if (!v->weight)
        v->weight = 1;
    SI(v)->mcu_advance = bvt_mcu_advance(v->weight);
    SI(v)->has_run = 0;
    SI(v)->was_blocked = 0;
    update_wallclock(d);
    update_vcpu_system_time(v);
    domctl_info[d->domain_id].admitted = 1;
}

long domctl_unpause(struct domain *d)
{
    struct domctl_info *ci = &domctl_info[d->domain_id];

    if (!domain_alive(d) || d->state == DOMSTATE_built)
        return -EINVAL;
    if (d->state != DOMSTATE_paused)
        return 0; /* not paused: nothing to do, as in Xen */
    if (!ci->admitted) {
        admit(d);
        d->state = DOMSTATE_running;
    } else if (ci->was_blocked && !event_pending(d->vcpu)) {
        d->state = DOMSTATE_blocked; /* it goes on waiting */
    } else {
        d->state = DOMSTATE_running;
    }
    return 0;
}

/* ---- destroy ---- */

long domctl_destroy(struct domain *d, const char *why)
{
    unsigned long cr3 = read_cr3();

    if (d->state != DOMSTATE_built && !domain_alive(d))
        return -EINVAL;
    if (current && current->domain == d)
        return -EINVAL; /* only a domain not running now (see the top) */
    domain_crash(d, "%s", why);
    fpu_forget(d->vcpu);
    finish_domain(d);   /* its end line, its frames back, integrity check */
    write_cr3(cr3);     /* finish_domain ran on the idle tables */
    return 0;
}

/* ---- getdomaininfo and BVT parameters ---- */

void domctl_getinfo(const struct domain *d, struct dom0_getdomaininfo *info)
{
    const struct domctl_info *ci = &domctl_info[d->domain_id];
    uint32_t flags = 0;

    switch (d->state) {
    case DOMSTATE_shutdown:
        flags = DOMFLAGS_SHUTDOWN | DOMFLAGS_DYING |
                (d->shutdown_code & DOMFLAGS_SHUTDOWNMASK) << DOMFLAGS_SHUTDOWNSHIFT;
        break;
    case DOMSTATE_destroyed:
        flags = DOMFLAGS_DYING;
        break;
    case DOMSTATE_paused:
        flags = DOMFLAGS_PAUSED;
        break;
    case DOMSTATE_blocked:
        flags = DOMFLAGS_BLOCKED;
        break;
    case DOMSTATE_running:
        flags = DOMFLAGS_RUNNING;
        break;
    default:
        break;
    }
    info->domain = d->domain_id;
    info->flags = flags;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info ? virt_to_mfn(d->shared_info) : 0;
    info->cpu_time = d->vcpu ? d->vcpu->cpu_time : 0;
    info->nr_online_vcpus = 1;
    info->max_vcpu_id = 0;
    info->ssidref = 0;
    memcpy(info->handle, ci->handle, sizeof(info->handle));
}

/*
 * BVT's parameters in Xen's units: mcu_adv is the inverse of the weight
 * (lab 5's mcu_advance); warp values in ns.  PUT sets only the weight and
 * warp (the limits too): -EINVAL for a weight outside 1..BVT_WEIGHT_MAX.
 */
long domctl_bvt(struct domain *d, struct bvt_adjdom *bvt, int put)
{
    struct vcpu *v = d->vcpu;
    unsigned long weight;

    if (!put) {
        bvt->mcu_adv = bvt_mcu_advance(v->weight);
        bvt->warpback = v->warp != 0;
        bvt->warpvalue = (int32_t)v->warp;
        bvt->warpl = (int64_t)v->warp_limit;
        bvt->warpu = (int64_t)v->unwarp_requirement;
        return 0;
    }
    if (bvt->mcu_adv == 0)
        return -EINVAL;
    weight = BVT_WEIGHT_UNIT / bvt->mcu_adv;
    if (weight < 1 || weight > BVT_WEIGHT_MAX || bvt->warpvalue < 0 ||
        bvt->warpl < 0 || bvt->warpu < 0)
        return -EINVAL;
    v->weight = weight;
    SI(v)->mcu_advance = bvt_mcu_advance(weight);
    v->warp = bvt->warpback ? bvt->warpvalue : 0;
    v->warp_limit = (unsigned long)bvt->warpl;
    v->unwarp_requirement = (unsigned long)bvt->warpu;
    return 0;
}

/* ---- when a domain ends ---- */

/*
 * The destroy hook (hv/hooks.h): d has ended (or its build failed) and its
 * frames are about to go back.  Close its channels, tell domain 0, and
 * say what it held (the summary's "frames returned" line).
 */
static void domctl_teardown(struct domain *d)
{
    struct domctl_info *ci = &domctl_info[d->domain_id];
    struct domain *dom0 = &domains[0];
    unsigned int i;

    ci->frames_at_end = d->tot_pages;
    evtchn_close_all(d);
    ci->store_mfn = 0;
    if (d->state == DOMSTATE_refused)
        return; /* never ran: nothing to report */
    result("d%u: teardown frames=%lu", d->domain_id, d->tot_pages);
    if (d != dom0 && nr_domains > 0 && domain_alive(dom0))
        send_guest_virq(dom0->vcpu, VIRQ_DOM_EXC);
    if (d != dom0)
        return;
    /* Domain 0 ended: nobody is left to unpause a paused domain.  It will
     * never run, so the scheduler will never finish it: finish it here,
     * like any destroyed domain (its end line, its frames back, the
     * integrity check).  Domain 0's own frames are still allocated (its
     * destroy hooks run first), so its grants to the paused domain are
     * still there to be undone. */
    for (i = 1; i < nr_domains; i++)
        if (domains[i].state == DOMSTATE_paused) {
            domain_crash(&domains[i], "paused when domain 0 ended");
            fpu_forget(domains[i].vcpu);
            finish_domain(&domains[i]);
        }
}
REGISTER_DOMAIN_HOOK(domctl, NULL, domctl_teardown);

/* ---- the end of the run ---- */

/*
 * Lab 1's weak hook, at the end of the summary: one block per domain that
 * existed (not the disk, not a module domain 0 never created) - how it
 * ended, its share of the CPU time the domains used (lab 5), the I/O
 * done for it (disk_io's count of sectors into and out of its frames:
 * what domain 0's backend did on its behalf) and the frames it gave back
 * when it was torn down.
 */
void print_domain_blocks(void)
{
    uint64_t total = 0;
    unsigned int i;

    for (i = 0; i < nr_domains; i++)
        if (domains[i].vcpu && sched_info[i].has_run)
            total += domains[i].vcpu->cpu_time;
    printk("per domain:\n");
    for (i = 0; i < nr_domains; i++) {
        const struct domain *d = &domains[i];
        const struct domctl_info *ci = &domctl_info[i];
        unsigned int pm = 0;

        if (d->state == DOMSTATE_unused)
            continue; /* the disk, or a domU domain 0 never created */
        if (d->vcpu && sched_info[i].has_run)
            pm = share_permille(d->vcpu->cpu_time, total);
        printk("  d%u %s: %s\n", i, d->name, d->end_reason);
        printk("      cpu %u.%u%%, i/o %lu sectors read + %lu written, "
               "%lu frames returned\n",
               pm / 10, pm % 10, ci->io_read, ci->io_written, ci->frames_at_end);
    }
}
