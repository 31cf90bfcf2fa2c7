/*
 * hv/mmuext_op.c - pinning, switching and flushing (lab 4, exercise 5).
 *
 * mmuext_op(ops, count, done, foreigndom), hypercall 26: a batch of
 * extended MMU commands (public/mmu.h), stopped by the first bad one, with
 * *done written as in mmu_update.
 *
 *   PIN_L1_TABLE / PIN_L2_TABLE   take a type reference (validating the
 *                                 frame if it is not a table yet) and keep
 *                                 it: a pinned table stays validated while
 *                                 no address space uses it, so switching
 *                                 back to it costs nothing;
 *   UNPIN_TABLE                   drop the pin's reference.  Refused for
 *                                 the current base (-EBUSY).  Any other
 *                                 table still in use stays typed, held by
 *                                 its users' references, and is released
 *                                 when the last one goes: the counts make
 *                                 unpinning safe;
 *   NEW_BASEPTR                   switch %cr3 to another L2 of the domain;
 *   TLB_FLUSH_LOCAL, INVLPG_LOCAL flush this CPU's TLB, or one page of it;
 *   SET_LDT                       exercise 7 (hv/descriptor.c).
 */
#include <hv/descriptor.h> /* set_ldt, exercise 7 */
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <hv/x86.h>
#include <public/errno.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>

/*
 * Exercise 5a: make the L2 in frame mfn d's address space.  It must be d's
 * (-EPERM) and able to be a validated L2 (get_page_type: -EINVAL); the
 * new base holds a general and a type reference of its own, taken before
 * the old base's are dropped (the two may be the same frame).  Load %cr3.
 */
long new_guest_cr3(struct domain *d, unsigned long mfn)
{
    /* LAB 4: your code here (exercise 5: mmuext_op) */
    (void)d; (void)mfn;
    EXERCISE_TODO(4, 5, "mmuext_op: new_guest_cr3");
    return -ENOSYS;
}

/*
 * Exercise 5b: PIN_L1_TABLE / PIN_L2_TABLE of frame mfn with `type`:
 * get_page_and_type (not d's: -EPERM; cannot be that table: -EINVAL),
 * refuse a table pinned already (-EINVAL, dropping what you took), then
 * set PGT_pinned: the pin keeps both references.
 */
static long pin_table(struct domain *d, unsigned long mfn, uint32_t type)
{
    /* LAB 4: your code here (exercise 5: mmuext_op) */
    (void)d; (void)mfn; (void)type;
    EXERCISE_TODO(4, 5, "mmuext_op: pin");
    return -ENOSYS;
}

/*
 * Exercise 5c: UNPIN_TABLE of frame mfn: d's (-EPERM), pinned (-EINVAL),
 * not the current base (-EBUSY).  Clear PGT_pinned and drop the pin's
 * references.
 */
static long unpin_table(struct domain *d, unsigned long mfn)
{
    /* LAB 4: your code here (exercise 5: mmuext_op) */
    (void)d; (void)mfn;
    EXERCISE_TODO(4, 5, "mmuext_op: unpin");
    return -ENOSYS;
}

/* Given: one command.  0 or -errno. */
static long do_one_op(struct domain *d, const struct mmuext_op *op)
{
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
        return pin_table(d, op->arg1.mfn, PGT_l1_page_table);
    case MMUEXT_PIN_L2_TABLE:
        return pin_table(d, op->arg1.mfn, PGT_l2_page_table);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(d, op->arg1.mfn);
    case MMUEXT_NEW_BASEPTR:
        return new_guest_cr3(d, op->arg1.mfn);
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_SET_LDT:
        return set_ldt(d->vcpu, op->arg1.linear_addr, op->arg2.nr_ents);
    default:
        printk("d%u: mmuext_op: command %u is not implemented\n", d->domain_id,
               op->cmd);
        return -EINVAL;
    }
}

/*
 * Given: the hypercall - foreigndom as in mmu_update, each command copied
 * in and run, the first error stops the batch, *done written if asked.
 */
static long do_mmuext_op(unsigned long uops, unsigned long count,
                         unsigned long pdone, unsigned long foreigndom)
{
    struct domain *d = current->domain;
    unsigned long i;
    long rc = 0;

    if (foreigndom != DOMID_SELF && foreigndom != d->domain_id)
        return -ESRCH;
    for (i = 0; i < count; i++) {
        struct mmuext_op op;

        if (copy_from_guest(&op, uops + i * sizeof(op), sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        if ((rc = do_one_op(d, &op)) != 0)
            break;
    }
    if (pdone && copy_to_guest(pdone, &i, sizeof(i)) && !rc)
        rc = -EFAULT;
    return rc;
}
REGISTER_HYPERCALL(__HYPERVISOR_mmuext_op, do_mmuext_op);
