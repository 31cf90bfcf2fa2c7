/*
 * tests/alloc_sweep.c - domain 0 of lab 6's fault sweep (lab 6; issue 15).
 *
 * tools/fault-sweep boots the hypervisor with failframe=N, which makes the
 * Nth frame allocation since boot fail once.  From lab 6 on, allocations
 * happen after boot too, on domain 0's request, and this kernel walks
 * through each path once:
 *
 *   1. DOM0_CREATEDOMAIN of module 1 (a deferred build: its pages, its p2m
 *      table, shared_info, its grant table's frame, its store page);
 *   2. map module 1's store page through its grant (GNTTAB_RESERVED_
 *      XENSTORE; no allocation, but it shows the store survived) and
 *      unmap it; run module 1 to its end;
 *   3. XENMEM_increase_reservation of EXTRA frames for itself (after
 *      raising its max_pages), then give them all back;
 *   4. create module 2, the next domain, and run it to its end.
 *
 * Whichever allocation fails, the caller must get a clear error - a
 * create -ENOMEM (the hypervisor names the shortage on the console), an
 * increase fewer frames than asked - and nothing may leak: after a refused
 * create the machine's free frames are what they were, and the same
 * module is created on a second try (a module refused for lack of memory
 * may be tried again, public/dom0_ops.h); after each step the free count
 * is back to its start.  The result lines do not depend on N, so every
 * run of the sweep has the same expected output.
 */
#include <guest/balloon.h>
#include <guest/dom0.h>
#include <guest/gnttab.h>
#include <guest/time.h>

#define EXTRA 8
#define WAIT_MS 5000

static unsigned long free_frames(void)
{
    return hv_free_frames();
}

/* Create module dom, a second time if the first was refused for memory. */
static long create(domid_t dom, unsigned long free0)
{
    long rc = dom0_create(dom, NULL);

    if (rc == -ENOMEM) {
        if (free_frames() != free0) {
            report("alloc d%u refused_create_leaked=%ld", dom,
                   (long)(free0 - free_frames()));
            return -1;
        }
        rc = dom0_create(dom, NULL);
    }
    if (rc != 0)
        report("alloc d%u create=%ld", dom, rc);
    return rc;
}

/* Module dom's store page, through its grant to us: mapped, read, unmapped. */
static long store_roundtrip(domid_t dom)
{
    unsigned long pfn = pfn_alloc(), va;
    grant_handle_t h;
    long rc;

    if (pfn == PFN_NONE)
        return -ENOMEM;
    va = (unsigned long)pfn_to_virt(pfn);
    rc = gnttab_map(dom, GNTTAB_RESERVED_XENSTORE, va, 0, &h);
    if (rc != GNTST_okay)
        return rc;
    (void)*(volatile uint32_t *)va;
    return gnttab_unmap(va, h);
}

int main(void)
{
    unsigned long mfns[EXTRA], free0, i;
    struct dom0_getdomaininfo info;
    long rc, got, back;

    if (events_init() < 0 || timer_init() < 0)
        return 1;
    pmap_init();
    free0 = free_frames();

    /* 1-2: a domain created, its store mapped, run to its end. */
    if (create(1, free0) != 0)
        return 1;
    report("alloc child store=%ld", store_roundtrip(1));
    rc = dom0_unpause(1);
    if (rc == 0)
        rc = dom0_wait_ended(1, WAIT_MS);
    report("alloc child ran=%ld frames_back=%d", rc, free_frames() == free0);

    /* 3: frames for ourselves, all given back. */
    if (dom0_getinfo(0, &info) != 0 ||
        dom0_set_max_pages(0, info.tot_pages + EXTRA + 2) != 0)
        report("alloc maxmem failed");
    got = reservation_op(XENMEM_increase_reservation, mfns, EXTRA, DOMID_SELF);
    for (back = 0, i = 0; got > 0 && i < (unsigned long)got; i++)
        back += reservation_op(XENMEM_decrease_reservation, &mfns[i], 1, DOMID_SELF);
    report("alloc increase some=%d all_back=%d frames_back=%d", got >= 0 && got <= EXTRA,
           back == got, free_frames() == free0);

    /* 4: the next domain. */
    if (create(2, free0) != 0)
        return 1;
    rc = dom0_unpause(2);
    if (rc == 0)
        rc = dom0_wait_ended(2, WAIT_MS);
    report("alloc after ran=%ld frames_back=%d", rc, free_frames() == free0);
    return 0;
}
