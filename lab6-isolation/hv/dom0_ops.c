/*
 * hv/dom0_ops.c - the dom0_op hypercall (lab 6, exercise 1).
 *
 * dom0_op(op) (7) is domain 0's whole control interface (public/
 * dom0_ops.h): create a domain from a role=domu module, pause it, unpause
 * it, destroy it, read its state, set its CPU weight and its memory limit.
 * The mechanism for each is given (hv/domain_ctl.c, hv/domctl.h); this
 * file is the *policy gate* in front of it, and the invariant is the
 * paper's isolation: no domain but domain 0 can affect another domain.
 * So before anything else:
 *
 *   - the caller must be privileged (d->is_privileged): else -EPERM;
 *   - interface_version must be DOM0_INTERFACE_VERSION: else -EACCES
 *     (a guest built against another ABI must not be half-understood);
 *   - the target must exist: domctl_find() (an id beyond the modules, a
 *     slot never built) -ESRCH - except for CREATEDOMAIN, whose target is
 *     a module not built yet;
 *   - domain 0 may not pause or destroy itself (-EINVAL): the mechanism
 *     works only on a domain that is not running now, and a paused domain
 *     0 could never be unpaused.
 *
 * The given dispatcher copies the op in, calls do_one(), and copies it back
 * out when do_one() returned 0 (GETDOMAININFO, CREATEDOMAIN and ADJUSTDOM
 * GET write their results into it).
 */
#include <hv/domctl.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

/*
 * The largest max_pages d's p2m table can describe: the builder gave it
 * p2m frames for its mem= (hv/domain.c), each holding 1024 entries, and
 * get_p2m() trusts max_pages to stay within them.
 */
static unsigned long p2m_capacity(const struct domain *d)
{
    unsigned long n = 0;

    while (n < P2M_MAX_FRAMES && d->p2m_frames[n])
        n++;
    return n * (PAGE_SIZE / sizeof(unsigned long));
}

/*
 * Exercise 1: check, then call the mechanism.  Per command:
 *   CREATEDOMAIN    u.createdomain.domain: a module below nr_domains whose
 *                   role is MODULE_DOMU and that is not built (state
 *                   DOMSTATE_unused, or DOMSTATE_refused: a module refused
 *                   for lack of memory may be tried again); else -EINVAL.
 *                   domctl_create() returns the store port.
 *   PAUSEDOMAIN,    the target, alive (domain_alive()) and not the caller:
 *   UNPAUSEDOMAIN,  else -EINVAL (UNPAUSE of the caller too).
 *   DESTROYDOMAIN   DESTROY's reason: "destroyed by domain 0".
 *   GETDOMAININFO   domctl_getinfo(); ended domains too.
 *   ADJUSTDOM       u.adjustdom: sched_id SCHED_BVT (else -EINVAL),
 *                   direction SCHED_INFO_PUT or _GET (else -EINVAL).
 *   SETDOMAINMAXMEM max_memkb / 4 pages: not below what the domain owns
 *                   now (reservation_pages()) nor above p2m_capacity():
 *                   -EINVAL.
 *   anything else   -ENOSYS.
 */
static long do_one(struct domain *d, struct dom0_op *op)
{
    /* LAB 6: your code here (exercise 1: dom0_op) */
    (void)d; (void)op; (void)p2m_capacity;
    EXERCISE_TODO(6, 1, "dom0_op");
    return -ENOSYS;
}

/* ---- given ---- */

static long do_dom0_op(unsigned long arg)
{
    struct dom0_op op;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    rc = do_one(current->domain, &op);
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
REGISTER_HYPERCALL(__HYPERVISOR_dom0_op, do_dom0_op);
