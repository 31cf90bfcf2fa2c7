/*
 * guest/balloon.c - the balloon driver (lab 6, given).  guest/balloon.h
 * says what it does and why the order of its steps matters.
 */
#include <guest/balloon.h>
#include <guest/lib.h>

static unsigned long balloon_pfns[BALLOON_MAX]; /* pfns with no frame now */
static unsigned long nr_ballooned;
static unsigned long mfns[BALLOON_MAX];         /* one command's array    */
static uint32_t pte_flags;                      /* the kernel's mapping flags */

unsigned long balloon_size(void)
{
    return nr_ballooned;
}

long reservation_op(unsigned int cmd, unsigned long *list, unsigned long n, domid_t dom)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    r.extent_start = (unsigned long)list;
    r.nr_extents = n;
    r.extent_order = 0;
    r.domid = dom;
    return HYPERVISOR_memory_op(cmd, &r);
}

static unsigned long *p2m(void)
{
    return (unsigned long *)start_info->mfn_list;
}

long balloon_out(unsigned long n)
{
    unsigned long i, got = 0;
    long rc, done;

    if (n > BALLOON_MAX - nr_ballooned)
        n = BALLOON_MAX - nr_ballooned;
    /* 1. Free pages, unmapped: the hypervisor frees only unused frames. */
    for (got = 0; got < n; got++) {
        unsigned long pfn = pfn_alloc();
        if (pfn == PFN_NONE)
            break;
        if (!pte_flags)
            pte_flags = kernel_pte((unsigned long)pfn_to_virt(pfn)) & 0xFFF;
        balloon_pfns[nr_ballooned + got] = pfn;
        mfns[got] = pfn_to_mfn(pfn);
        if ((rc = HYPERVISOR_update_va_mapping((unsigned long)pfn_to_virt(pfn), 0,
                                               UVMF_INVLPG)) < 0) {
            printf("balloon: cannot unmap pfn %lu: %ld\n", pfn, rc);
            pfn_free(pfn);
            break;
        }
    }
    /* 2. Give them back; those the hypervisor kept are mapped again. */
    done = reservation_op(XENMEM_decrease_reservation, mfns, got, DOMID_SELF);
    for (i = done < 0 ? 0 : (unsigned long)done; i < got; i++) {
        unsigned long pfn = balloon_pfns[nr_ballooned + i];
        HYPERVISOR_update_va_mapping((unsigned long)pfn_to_virt(pfn),
                                     MAKE_PTE(mfns[i], pte_flags), UVMF_INVLPG);
        pfn_free(pfn);
    }
    if (done < 0)
        return done;
    for (i = 0; i < (unsigned long)done; i++)
        p2m()[balloon_pfns[nr_ballooned + i]] = ~0UL; /* no frame behind it */
    nr_ballooned += (unsigned long)done;
    return done;
}

long balloon_in(unsigned long n)
{
    unsigned long i;
    long done;

    if (n > nr_ballooned)
        n = nr_ballooned;
    done = reservation_op(XENMEM_increase_reservation, mfns, n, DOMID_SELF);
    if (done <= 0)
        return done;
    for (i = 0; i < (unsigned long)done; i++) {
        unsigned long pfn = balloon_pfns[--nr_ballooned];
        p2m()[pfn] = mfns[i];
        queue_machphys_update(mfns[i], pfn);
        queue_pt_update(kernel_pte_ma((unsigned long)pfn_to_virt(pfn)),
                        MAKE_PTE(mfns[i], pte_flags));
    }
    if (pmap_flush() < 0) /* (they were not present: no TLB entry to flush) */
        return -EINVAL;
    for (i = 0; i < (unsigned long)done; i++)
        pfn_free(balloon_pfns[nr_ballooned + i]);
    return done;
}
