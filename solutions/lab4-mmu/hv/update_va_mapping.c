/*
 * hv/update_va_mapping.c - one entry of the current address space, fast
 * (lab 4, exercise 6).
 *
 * update_va_mapping(va, val_lo, val_hi, flags), hypercall 14: the guest
 * names a virtual address instead of the machine address of an entry, and
 * the hypervisor finds the L1 entry by walking the current page directory
 * (which it validated, so every present guest slot points at a validated
 * L1 of the domain).  It saves the guest a p2m lookup and a batch; it must
 * not save a single check: the entry goes through mod_l1_entry, exactly
 * the slow path's code.  (XSA-182 was a fast path in Xen that decided some
 * updates were "safe" and skipped a check.)  flags asks for a TLB flush
 * afterwards: UVMF_NONE, UVMF_TLB_FLUSH (all of it) or UVMF_INVLPG (va);
 * UVMF_ALL is the same here, with one vCPU.
 */
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <hv/x86.h>
#include <public/errno.h>
#include <public/mmu.h>

/*
 * Exercise 6: refuse va in the hypervisor hole, a high word and unknown
 * flags (-EINVAL) before changing anything; find the L2 slot of va in
 * d->pt_base_mfn (not present: -EINVAL, there is no L1 to change); update
 * the L1 entry with mod_l1_entry; then flush as flags say.
 */
static long update_va_mapping_checked(unsigned long va, unsigned long val_lo,
                                      unsigned long val_hi, unsigned long flags)
{
    struct domain *d = current->domain;
    //@ begin lab4 ex6: update_va_mapping
    l2_pgentry_t l2e;
    l1_pgentry_t *pl1e;
    long rc;

    if (va >= HYPERVISOR_VIRT_START || val_hi ||
        (flags & ~(unsigned long)(UVMF_FLUSHTYPE_MASK | UVMF_ALL)) ||
        (flags & UVMF_FLUSHTYPE_MASK) == UVMF_FLUSHTYPE_MASK) {
        printk("d%u: update_va_mapping(%#lx, %#lx, %#lx, %#lx) refused: address in "
               "the hypervisor hole, high word or unknown flags\n", d->domain_id, va,
               val_lo, val_hi, flags);
        return -EINVAL;
    }
    l2e = ((l2_pgentry_t *)mfn_to_virt(d->pt_base_mfn))[l2_table_offset(va)];
    if (!(l2e & _PAGE_PRESENT)) {
        printk("d%u: update_va_mapping: no L1 maps %#lx\n", d->domain_id, va);
        return -EINVAL;
    }
    pl1e = (l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)) + l1_table_offset(va);
    if ((rc = mod_l1_entry(pl1e, (l1_pgentry_t)val_lo, d)) < 0)
        return rc;
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
        flush_tlb_local();
    else if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG)
        invlpg(va);
    return 0;
    //@ stub
    //@ (void)va; (void)val_lo; (void)val_hi; (void)flags; (void)d;
    //@ EXERCISE_TODO(4, 6, "update_va_mapping");
    //@ return -ENOSYS;
    //@ end
}
/*
 * Given: the hypercall.  Until exercises 1-4 are done, domains keep lab
 * 1's unchecked tables (hv/domain_mm.c) and there is nothing to check an
 * entry against: update_va_mapping then answers -ENOSYS, as in labs 1-3,
 * and a guest that asks for it first (lab 3's multicall-readonly) falls
 * back to writing its own page table as it did there.  An entry that
 * holds a grant mapping (lab 6) is refused, -EPERM.
 */
static long do_update_va_mapping(unsigned long va, unsigned long val_lo,
                                 unsigned long val_hi, unsigned long flags)
{
    struct domain *d = current->domain;
    l2_pgentry_t l2e;

    if (lab4_unchecked)
        return -ENOSYS;
    /* Only unmap_grant_ref may remove a grant mapping (hv/page_info.c). */
    l2e = va < HYPERVISOR_VIRT_START && domain_holds_grant_mappings(d)
              ? ((l2_pgentry_t *)mfn_to_virt(d->pt_base_mfn))[l2_table_offset(va)]
              : 0;
    if ((l2e & _PAGE_PRESENT) &&
        l1e_holds_grant((l1_pgentry_t *)mfn_to_virt(PTE_MFN(l2e)) + l1_table_offset(va),
                        d)) {
        printk("d%u: update_va_mapping(%#lx) refused: its entry holds a grant "
               "mapping (unmap it with GNTTABOP_unmap_grant_ref)\n",
               d->domain_id, va);
        return -EPERM;
    }
    return update_va_mapping_checked(va, val_lo, val_hi, flags);
}
REGISTER_HYPERCALL(__HYPERVISOR_update_va_mapping, do_update_va_mapping);
