/*
 * hv/domain_mm.c - a domain's page tables from birth to death (lab 4,
 * given).
 *
 * Lab 1's builder (exercise 4) writes a domain's bootstrap page tables as
 * plain memory.  Lab 4 turns them into what a Xen guest starts with, in
 * finish_domain_build(), the hook lab 1 calls right after
 * construct_domain() succeeded:
 *
 *   1. every frame of the domain gets its owner's allocation reference
 *      (general count 1), as Xen's allocator gives it;
 *   2. the shared_info page (the hypervisor's) is lent to the domain, as
 *      Xen's share_xen_page_with_guest() does: owner d, an allocation
 *      reference and a permanent writable type reference, so the guest can
 *      map it writable and it can never become a table;
 *   3. the guest's own mappings of its page-table frames lose _PAGE_RW
 *      (otherwise validation, rightly, refuses them);
 *   4. the page directory is validated as an L2 - which validates each L1
 *      it points to - and pinned; %cr3 holds a second reference.
 *
 * domain_relinquish_resources(), the hook lab 1 calls when the domain has
 * ended, undoes it: it audits the frame table (hv/page_info.c), lets go
 * of the vCPU's GDT and LDT frames (destroy_gdt, hv/descriptor.c), unpins
 * every table and drops the base reference - the counts then release
 * every table's entries, L2 -> L1 -> data frames - gives the shared_info
 * page back, and drops each frame's allocation reference, which frees it.
 * A frame that still holds a reference then is a bug in the counting: it
 * is reported and left allocated (a leak the free-frame count shows),
 * never freed under someone who uses it.
 *
 * While exercises 1-4 are unfinished, neither hook does anything of lab
 * 4's (lab4_checking).
 */
#include <hv/descriptor.h> /* destroy_gdt, exercise 7 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page_type.h>
#include <hv/sched.h>
#include <hv/x86.h>
#include <public/errno.h>
#include <public/event_channel.h> /* DOMID_SELF */
#include <public/mmu.h>

/* At most this many bootstrap L1s (a 64 MiB domain needs 17). */
#define MAX_BOOT_TABLES 64

/* Does domain d's %cr3 hold a reference on d->pt_base_mfn? */
static uint8_t base_held[MAX_DOMAINS];

static struct page_info *shared_info_page(struct domain *d)
{
    return mfn_to_page(virt_to_mfn(d->shared_info));
}

/* Step 3: every guest mapping of a frame in tables[] becomes read-only. */
static void unwrite_table_mappings(const unsigned long *tables, unsigned int n)
{
    unsigned int t, i, k;

    for (t = 1; t < n; t++) {
        l1_pgentry_t *l1 = mfn_to_virt(tables[t]);
        for (i = 0; i < L1_PAGETABLE_ENTRIES; i++) {
            if ((l1[i] & (_PAGE_PRESENT | _PAGE_RW)) != (_PAGE_PRESENT | _PAGE_RW))
                continue;
            for (k = 0; k < n; k++)
                if (PTE_MFN(l1[i]) == tables[k])
                    l1[i] &= ~(l1_pgentry_t)_PAGE_RW;
        }
    }
}

/*
 * Are exercises 1-4 done?  Until they are, lab 4 cannot check a domain's
 * page tables, and a guest could not change them once they were read-only
 * - so domains run with lab 1's unchecked tables, as in labs 1-3, and
 * every lab 1-3 test still passes while lab 4 is a skeleton (the layering
 * rule: an unfinished exercise never breaks what was finished before).
 * Asked once, at the first build, by calling each exercise the harmless
 * way a skeleton's stub cannot answer right (a stub also prints its TODO
 * line, which names the exercise).  Exercises 5-7 need no such care: no
 * lab 1-3 guest uses them.
 */
static struct domain probe_dom; /* owns nothing: entries not present */

/* Exercise 1 on one of d's frames, left as lab 1 built it (no allocation:
 * the fault sweep counts every frame a build takes). */
static int exercise1_done(struct domain *d)
{
    struct page_info *pg = list_first_entry(&d->page_list, struct page_info, list);
    uint32_t count_info = pg->count_info, type_info = pg->type_info;
    int general, typed;

    pg->count_info = PGC_allocated | 1;
    pg->type_info = PGT_none;
    general = get_page(pg, d) == 1;
    typed = general && get_page_type(pg, PGT_writable_page) == 1;
    if (typed)
        put_page_type(pg);
    if (general)
        put_page(pg);
    pg->count_info = count_info;
    pg->type_info = type_info;
    return typed;
}

int lab4_unchecked;

static int lab4_checking(struct domain *d)
{
    static int asked, done;
    l1_pgentry_t e = 0;

    if (asked)
        return done;
    asked = 1;
    probe_dom.domain_id = DOMID_XEN;
    done = exercise1_done(d);
    done &= get_page_from_l1e(0, &probe_dom) == 0; /* exercise 2 */
    done &= get_page_from_l2e(0, &probe_dom) == 0; /* exercise 3 */
    done &= mod_l1_entry(&e, 0, &probe_dom) == 0;  /* exercise 4 */
    lab4_unchecked = !done;
    if (!done)
        printk("lab 4: exercises 1-4 are not all done (TODO lines above): domains "
               "run with lab 1's unchecked page tables\n");
    return done;
}

/*
 * mmu_update while lab4_unchecked: each request writes an entry of
 * (or the m2p entry of) a frame the caller owns, unchecked - what the
 * guest could do through its own writable mappings of its tables.
 */
long mmu_update_unchecked(unsigned long ureqs, unsigned long count,
                          unsigned long pdone, unsigned long foreigndom)
{
    struct domain *d = current->domain;
    unsigned long i, mfn;
    long rc = 0;

    if (foreigndom != DOMID_SELF && foreigndom != d->domain_id)
        return -ESRCH;
    for (i = 0; i < count && !rc; i++) {
        struct mmu_update req;

        if (copy_from_guest(&req, ureqs + i * sizeof(req), sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        mfn = (unsigned long)(req.ptr >> PAGE_SHIFT);
        if ((req.ptr >> 32) || (req.val >> 32) || mfn >= max_page)
            rc = -EINVAL;
        else if (mfn_to_page(mfn)->owner != d)
            rc = -EPERM;
        else if ((req.ptr & 3) == MMU_NORMAL_PT_UPDATE)
            *(uint32_t *)((uint8_t *)mfn_to_virt(mfn) + (req.ptr & ~PAGE_MASK & ~3UL)) =
                (uint32_t)req.val;
        else if ((req.ptr & 3) == MMU_MACHPHYS_UPDATE)
            set_gpfn_from_mfn(mfn, (unsigned long)req.val);
        else
            rc = -EINVAL;
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(pdone, &i, sizeof(i)) && !rc)
        rc = -EFAULT;
    return rc;
}

int finish_domain_build(struct domain *d)
{
    unsigned long tables[MAX_BOOT_TABLES];
    l2_pgentry_t *l2 = mfn_to_virt(d->pt_base_mfn);
    struct page_info *pg, *base = mfn_to_page(d->pt_base_mfn);
    struct list_head *pos;
    unsigned int n = 0, i;

    if (list_empty(&d->page_list) || !lab4_checking(d))
        return 0; /* lab 1's domain: no counts, relinquish frees it as lab 1 */

    /* 1. The allocation reference. */
    for (pos = d->page_list.next; pos != &d->page_list; pos = pos->next) {
        pg = list_entry(pos, struct page_info, list);
        pg->count_info = (pg->count_info & ~PGC_count_mask) | 1;
        pg->type_info = PGT_none;
    }
    /* 2. The shared_info page, lent. */
    pg = shared_info_page(d);
    pg->owner = d;
    pg->count_info = PGC_allocated | 1;
    pg->type_info = PGT_writable_page | PGT_validated | 1;

    /* 3. Which frames are tables; the guest's mappings of them, read-only. */
    if (d->pt_base_mfn >= max_page || base->owner != d) {
        refuse_module(d, "its page directory (frame %#lx) is not one of its own "
                         "frames",
                      d->pt_base_mfn);
        return -1;
    }
    tables[n++] = d->pt_base_mfn;
    for (i = 0; i < HV_L2_FIRST_SLOT; i++) {
        if (!(l2[i] & _PAGE_PRESENT))
            continue;
        if (n == MAX_BOOT_TABLES || PTE_MFN(l2[i]) >= max_page ||
            mfn_to_page(PTE_MFN(l2[i]))->owner != d) {
            refuse_module(d, "its page directory's slot %u (%#x) is not an L1 of "
                             "its own (or more than %u L1s)",
                          i, l2[i],
                          MAX_BOOT_TABLES - 1);
            return -1;
        }
        tables[n++] = PTE_MFN(l2[i]);
    }
    unwrite_table_mappings(tables, n);

    /* 4. Validate and pin the L2 (and with it every L1); %cr3's reference. */
    if (!get_page_and_type(base, d, PGT_l2_page_table)) {
        refuse_module(d, "its bootstrap page tables fail lab 4's validation (the "
                         "line above says which entry)");
        return -1;
    }
    base->type_info |= PGT_pinned;
    if (!get_page_and_type(base, d, PGT_l2_page_table))
        panic("d%u: cannot take a second reference on its validated L2 %#lx",
              d->domain_id, d->pt_base_mfn);
    base_held[d->domain_id] = 1;
    return 0;
}

/*
 * A documented weak hook, for lab 6's grant tables (hv/grant_setup.c
 * overrides it): frame pg of the ended domain d still has references after
 * its tables were released.  1 if they are other domains' mappings of it
 * through d's grants and the hook took the frame off d's books (it is
 * freed when the last mapper unmaps it); 0 if it is a leak.  Lab 4: no
 * domain maps another's frame, so always a leak.
 */
__weak int relinquish_shared_frame(struct domain *d, struct page_info *pg)
{
    (void)d;
    (void)pg;
    return 0;
}

/* Each lab 4 frame of d back to the allocator (see the top of the file). */
void domain_relinquish_resources(struct domain *d)
{
    struct list_head *pos, *next;
    struct page_info *pg;
    unsigned long leaked = 0;

    if (read_cr3() != __pa(idle_pg_table))
        write_cr3(__pa(idle_pg_table)); /* never run on tables being freed */
    if (!d->page_list.next)
        return; /* never built */
    if (base_held[d->domain_id]) {
        audit_frame_table(d);
        destroy_gdt(d->vcpu); /* exercise 7's descriptor pages (hv/descriptor.c) */
        for (pos = d->page_list.next; pos != &d->page_list; pos = pos->next) {
            pg = list_entry(pos, struct page_info, list);
            if (pg->type_info & PGT_pinned) {
                pg->type_info &= ~PGT_pinned;
                put_page_and_type(pg);
            }
        }
        put_page_and_type(mfn_to_page(d->pt_base_mfn));
        base_held[d->domain_id] = 0;
    }
    if (d->shared_info && shared_info_page(d)->owner == d) {
        pg = shared_info_page(d);
        if ((pg->count_info & PGC_count_mask) != 1 ||
            (pg->type_info & PGT_count_mask) != 1)
            printk("d%u: shared_info frame %#lx still has %u references (%u "
                   "writable) at domain end\n",
                   d->domain_id, page_to_mfn(pg),
                   pg->count_info & PGC_count_mask, pg->type_info & PGT_count_mask);
        pg->owner = NULL; /* the hypervisor's again: lab 1 frees it */
        pg->count_info = PGC_allocated;
        pg->type_info = 0;
    }
    for (pos = d->page_list.next; pos != &d->page_list; pos = next) {
        uint32_t count;

        next = pos->next;
        pg = list_entry(pos, struct page_info, list);
        count = pg->count_info & PGC_count_mask;
        set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
        if (count == 0) { /* built no further than lab 1 */
            pg->type_info = 0;
            free_domheap_page(pg);
        } else if (count == 1 && !(pg->type_info & PGT_count_mask)) {
            put_page(pg); /* the allocation reference: frees it */
        } else if (relinquish_shared_frame(d, pg)) {
            /* lab 6: mapped through a grant; freed at the last unmap */
        } else {
            if (leaked++ < 5)
                printk("d%u: frame %#lx still has %u references (type %u, %u "
                       "type references) at domain end: leaked\n",
                       d->domain_id,
                       page_to_mfn(pg), count, PGT_TYPE_NR(pg->type_info),
                       pg->type_info & PGT_count_mask);
            list_del(&pg->list);
            d->tot_pages--;
        }
    }
    if (leaked)
        result("frames leaked d%u count=%lu", d->domain_id, leaked);
}
