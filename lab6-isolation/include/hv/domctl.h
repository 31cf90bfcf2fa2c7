/*
 * hv/domctl.h - domain 0's control of other domains (lab 6, given).
 *
 * The paper's split: the hypervisor offers *mechanism* - build a domain,
 * pause it, let it run, destroy it, report on it - and domain 0 decides
 * *policy* with the dom0_op hypercall (exercise 1, hv/dom0_ops.c).  The
 * mechanism lives in hv/domain_ctl.c, given:
 *
 *   role=domain|domu|disk   the module option saying what a module is
 *                           (enum module_role, hv/sched.h): built at boot,
 *                           created by domain 0, or domain 0's disk image;
 *   create                  build a role=domu module now (lab 1's
 *                           build_deferred_domain), paused, and give it a
 *                           store: one zeroed frame it owns (store_mfn), a
 *                           port unbound for domain 0 (store_evtchn) and
 *                           its grant entry GNTTAB_RESERVED_XENSTORE
 *                           offering the frame to domain 0;
 *   pause / unpause         DOMSTATE_paused is never runnable (lab 5's
 *                           vcpu_runnable); unpausing a domain that never
 *                           ran admits it to the scheduler;
 *   destroy                 end a domain that is not running now: its
 *                           channels close (peers see it), its frames go
 *                           back, integrity is checked;
 *   VIRQ_DOM_EXC            raised in domain 0 whenever another domain
 *                           ends, for any reason.
 *
 * Domain ids are module indices; module 0 is domain 0 (d->is_privileged).
 */
#ifndef HV_DOMCTL_H
#define HV_DOMCTL_H

#include <hv/sched.h>
#include <public/dom0_ops.h>
#include <public/event_channel.h>
#include <public/grant_table.h>

/* Per-domain state of lab 6's control, indexed by domain id. */
struct domctl_info {
    int created;                 /* built by DOM0_CREATEDOMAIN            */
    int admitted;                /* unpaused once: the scheduler knows it  */
    int was_blocked;             /* blocked when it was paused             */
    unsigned long store_mfn;     /* its store page (0: none)               */
    evtchn_port_t store_evtchn;  /* its store port, unbound for domain 0   */
    xen_domain_handle_t handle;  /* as given to CREATEDOMAIN               */
    unsigned long frames_at_end; /* frames it owned when it was torn down  */
    unsigned long io_read;       /* sectors disk_io read into its frames   */
    unsigned long io_written;    /* sectors disk_io wrote from its frames  */
};
extern struct domctl_info domctl_info[MAX_DOMAINS];

/*
 * The frames d owns that count against its max_pages: all of them
 * (tot_pages) but its store page, which the hypervisor gave it on top
 * of its mem= (memory_op's limit, XENMEM_current_reservation).
 */
static inline unsigned long reservation_pages(const struct domain *d)
{
    return d->tot_pages - (domctl_info[d->domain_id].store_mfn ? 1 : 0);
}

/*
 * The domain with id `dom`, or NULL if there is none: an id beyond the
 * modules, or a slot never built (DOMSTATE_unused, refused).  Ended
 * domains are returned (their state says so): GETDOMAININFO reports them.
 */
struct domain *domctl_find(domid_t dom);

/* Mechanism for dom0_op (exercise 1).  Each returns 0 or a negative errno
 * and prints nothing on success; the callers checked privilege. */
long domctl_create(struct domain *d, const xen_domain_handle_t handle,
                   evtchn_port_t *store_evtchn);      /* d: DOMSTATE_unused */
long domctl_pause(struct domain *d);                   /* alive, not current */
long domctl_unpause(struct domain *d);                 /* paused            */
long domctl_destroy(struct domain *d, const char *why); /* alive, not current */
void domctl_getinfo(const struct domain *d, struct dom0_getdomaininfo *info);
long domctl_bvt(struct domain *d, struct bvt_adjdom *bvt, int put);

/*
 * Event channels across domains (given helpers, hv/event_channel.c at
 * lab 6):
 *   evtchn_alloc_unbound_in(d, remote): a free port of d in ECS_UNBOUND
 *     that domain `remote` may bind; the port, or -ENOSPC.
 *   evtchn_close_all(d): close every port of d (d is being destroyed);
 *     each peer's port becomes ECS_UNBOUND and is raised, so a peer
 *     waiting on it wakes and sees the channel closed.
 */
long evtchn_alloc_unbound_in(struct domain *d, domid_t remote);
void evtchn_close_all(struct domain *d);

/*
 * Grant entry `ref` of d's table, the hypervisor's address of it, or NULL
 * (hv/grant_table.h declares it too; hv/grant_table.c defines it, and
 * hv/domain_ctl.c has a weak default for a build without grant tables).
 * The store set-up writes GNTTAB_RESERVED_XENSTORE through it.
 */
struct grant_entry *gnttab_entry(struct domain *d, grant_ref_t ref);

#endif /* HV_DOMCTL_H */
