/*
 * guest/gnttab.c - grant tables, the guest's side (lab 6, given).
 * guest/gnttab.h says what each function is for.
 */
#include <guest/gnttab.h>
#include <guest/pmap.h>
#include <public/errno.h>

grant_entry_t *gnttab_shared;
unsigned long gnttab_mfn;
static uint8_t ref_used[NR_GRANT_ENTRIES];

long gnttab_init(void)
{
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1 };
    unsigned long frame = 0, pfn;
    long rc;

    setup.frame_list = (unsigned long)&frame;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc < 0)
        return rc;
    if (setup.status != GNTST_okay)
        return setup.status;
    /* Our kernel maps every pfn of ours; the table goes at the address of
     * a free one (whose own frame stays ours, unmapped, for good). */
    if ((pfn = pfn_alloc()) == PFN_NONE)
        return -ENOMEM;
    rc = HYPERVISOR_update_va_mapping((unsigned long)pfn_to_virt(pfn),
                                      MAKE_PTE(frame, _PAGE_PRESENT | _PAGE_RW),
                                      UVMF_INVLPG);
    if (rc < 0)
        return rc;
    gnttab_mfn = frame;
    gnttab_shared = pfn_to_virt(pfn);
    return 0;
}

long gnttab_alloc_ref(void)
{
    unsigned int ref;

    for (ref = GNTTAB_NR_RESERVED; ref < NR_GRANT_ENTRIES; ref++)
        if (!ref_used[ref]) {
            ref_used[ref] = 1;
            return ref;
        }
    return -1;
}

void gnttab_free_ref(grant_ref_t ref)
{
    if (ref < NR_GRANT_ENTRIES)
        ref_used[ref] = 0;
}

void gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, unsigned long mfn, int readonly)
{
    volatile grant_entry_t *e = &gnttab_shared[ref];

    e->frame = (uint32_t)mfn;
    e->domid = domid;
    /* Flags last: the entry is valid only now. */
    __asm__ volatile("" ::: "memory");
    e->flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
}

long gnttab_grant_access(domid_t domid, unsigned long mfn, int readonly)
{
    long ref = gnttab_alloc_ref();

    if (ref >= 0)
        gnttab_grant_access_ref((grant_ref_t)ref, domid, mfn, readonly);
    return ref;
}

/* Atomically: if *p == old, *p = new.  Returns what *p held. */
static inline uint16_t cmpxchg16(volatile uint16_t *p, uint16_t old, uint16_t new)
{
    uint16_t prev;

    __asm__ volatile("lock cmpxchgw %2, %1" /* compare %ax with *p; if equal, store new */
                     : "=a"(prev), "+m"(*p)
                     : "r"(new), "0"(old)
                     : "memory");
    return prev;
}

long gnttab_end_access(grant_ref_t ref)
{
    volatile uint16_t *flags = &gnttab_shared[ref].flags;
    uint16_t f = *flags, seen;

    for (;;) {
        if (f & (GTF_reading | GTF_writing))
            return -EBUSY; /* mapped: the frame is not ours to reuse yet */
        seen = cmpxchg16(flags, f, 0);
        if (seen == f)
            return 0;
        f = seen; /* the hypervisor changed it under us: look again */
    }
}

void gnttab_grant_transfer_ref(grant_ref_t ref, domid_t domid)
{
    volatile grant_entry_t *e = &gnttab_shared[ref];

    e->frame = 0;
    e->domid = domid;
    __asm__ volatile("" ::: "memory");
    e->flags = GTF_accept_transfer;
}

unsigned long gnttab_end_transfer(grant_ref_t ref)
{
    volatile grant_entry_t *e = &gnttab_shared[ref];
    unsigned long frame;

    if (!(e->flags & GTF_transfer_completed))
        return 0;
    frame = e->frame;
    e->flags = 0;
    return frame;
}

long gnttab_map(domid_t dom, grant_ref_t ref, unsigned long va, int readonly,
                grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = va,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
        .ref = ref,
        .dom = dom,
    };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (rc < 0)
        return rc;
    if (handle)
        *handle = op.handle;
    return op.status;
}

long gnttab_unmap(unsigned long va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = va, .handle = handle };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc < 0 ? rc : op.status;
}

long gnttab_transfer(unsigned long mfn, domid_t domid, grant_ref_t ref)
{
    struct gnttab_transfer op = { .mfn = mfn, .domid = domid, .ref = ref };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_transfer, &op, 1);

    return rc < 0 ? rc : op.status;
}
