/*
 * hv/grant_table.h - grant tables inside the hypervisor (lab 6).
 *
 * A domain shares one of its frames with another domain only by granting
 * it (public/grant_table.h has the guest's side).  The hypervisor keeps,
 * per domain d, a struct grant_table:
 *
 *   shared     the grant entries themselves, in one frame d owns and maps
 *              writable (it writes its offers there; the hypervisor reads
 *              them and sets GTF_reading / GTF_writing while one is mapped);
 *   active     per entry of d's table, the mappings other domains hold of
 *              it right now (pins) and the frame they map - the hypervisor's
 *              own copy, because d may rewrite the shared entry at any time;
 *   maptrack   the mappings d holds of *other* domains' grants: what
 *              unmap_grant_ref's handle names (an index in maptrack).
 *
 * The invariants (exercise 4, hv/grant_table.c):
 *   - a grant mapping is an L1 entry in the mapper's page tables holding
 *     lab 4's references on the frame: a general reference, and a
 *     PGT_writable_page type reference if it is writable - so the frame
 *     can be neither freed nor made a page table while it is mapped;
 *   - the granter's entry has GTF_reading while any mapping of it exists
 *     and GTF_writing while a writable one does; the pins count them;
 *   - when a domain dies (the destroy hook, hv/grant_setup.c) the mappings
 *     it holds are undone, and the frames it granted that others still map
 *     stay allocated - off its books - until the last mapper unmaps.
 *
 * Given code (hv/grant_setup.c): the table's creation and teardown, the
 * hypercall grant_table_op (20) and setup_table.  Exercise 4: map, unmap
 * and transfer.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <stdint.h>
#include <public/grant_table.h>

struct domain;

/* How many mappings of others' grants one domain may hold at once: a
 * mapper that floods gets GNTST_no_device_space, never more memory. */
#define MAPTRACK_MAX 64

/* One entry of d's table as others use it (index = grant reference). */
struct active_grant_entry {
    uint16_t rd_pins;    /* read-only host mappings of it               */
    uint16_t wr_pins;    /* writable host mappings of it                */
    domid_t domid;       /* the grantee holding them                    */
    unsigned long frame; /* the MFN they map (fixed while pinned)       */
};

/* One mapping d holds of another domain's grant.  flags == 0: free. */
struct grant_mapping {
    uint32_t flags;          /* GNTMAP_host_map [| GNTMAP_readonly]     */
    domid_t dom;             /* the granter                             */
    grant_ref_t ref;         /* the entry of its table                  */
    unsigned long host_addr; /* where d's page tables map it            */
    unsigned long frame;     /* the MFN mapped                          */
};

struct grant_table {
    struct grant_entry *shared; /* NR_GRANT_ENTRIES entries, hv address;
                                   NULL once the table is torn down     */
    unsigned long shared_mfn;   /* ... their frame, owned by the domain */
    struct active_grant_entry active[NR_GRANT_ENTRIES];
    struct grant_mapping maptrack[MAPTRACK_MAX];
};

/*
 * Given (hv/grant_setup.c).  d's entry `ref` in its shared table (the
 * hypervisor's address of it), or NULL if d has no table or ref is out of
 * range.  The entry is guest memory: read it once into a local copy
 * before deciding anything on it (d can rewrite it at any moment).
 */
struct grant_entry *gnttab_entry(struct domain *d, grant_ref_t ref);

/* Given: d's grant table (NULL if it has none), and domain `id` if it
 * exists and is alive (NULL otherwise) - for the exercises below. */
struct grant_table *gnttab_of(struct domain *d);
struct domain *gnttab_domain(domid_t id);

/*
 * Given: one host mapping of entry `ref` of domain `dom`'s table is gone
 * (readonly: was it a read-only one): drop its pin, and clear GTF_writing
 * / GTF_reading in the shared entry once no mapping of that kind is left.
 * Works on a dead granter's table too (its active entries outlive it).
 */
void gnttab_unpin(domid_t dom, grant_ref_t ref, int readonly);

/*
 * Exercise 4 (hv/grant_table.c): one operation each, by the calling
 * domain d; the GNTST_* status (GNTST_okay = done).  A refusal changes
 * nothing and prints one line naming what was wrong.
 *   gnttab_map_one      map `op->ref` of `op->dom` at op->host_addr in d's
 *                       current page tables; op->handle set on success.
 *   gnttab_unmap_one    undo mapping `op->handle`, which must be at
 *                       op->host_addr.
 *   gnttab_transfer_one give frame op->mfn (d's, no other use) to
 *                       op->domid through its accept_transfer entry op->ref.
 */
int16_t gnttab_map_one(struct domain *d, struct gnttab_map_grant_ref *op);
int16_t gnttab_unmap_one(struct domain *d, const struct gnttab_unmap_grant_ref *op);
int16_t gnttab_transfer_one(struct domain *d, const struct gnttab_transfer *op);

#endif /* HV_GRANT_TABLE_H */
