/*
 * public/grant_table.h - grant tables, the guest ABI (lab 6).
 *
 * Domains share memory only by *granting* it.  Each domain has a grant
 * table - an array of grant_entry in frames it shares with the hypervisor
 * (GNTTABOP_setup_table tells it which; it maps them) - and writes an
 * entry to offer one of its frames to one other domain:
 *   flags = GTF_permit_access [| GTF_readonly], domid = the grantee,
 *   frame = the frame's MFN.
 * The grantee maps it (GNTTABOP_map_grant_ref, naming the granter and the
 * entry's index, its *grant reference*); while it is mapped the
 * hypervisor sets GTF_reading (and GTF_writing for a writable mapping) in
 * the entry, so the granter can see it is in use and must not end the
 * grant until both are clear.  GTF_accept_transfer offers an entry for
 * GNTTABOP_transfer, which moves a frame - ownership and contents - from
 * the caller to the granter (the paper's page flipping).
 *
 * The hypercall: grant_table_op(cmd, uop, count) (20): `count` operations
 * of command `cmd`, an array of its structure at guest address `uop`; each
 * one's status says how it went; the result is 0, or a negative errno when
 * the array itself could not be read or written.
 *
 * Names, numbers, flags and layouts follow Xen 3.0.2 (x86_32).  Parakeet:
 * NR_GRANT_FRAMES is 1 (512 entries); GNTMAP_host_map is required and
 * GNTMAP_device_map, GNTMAP_application_map and GNTMAP_contains_pte are
 * refused (GNTST_general_error); GNTTABOP_dump_table is not implemented.
 * GNTTAB_RESERVED_XENSTORE is Xen 4.2's number for the entry the domain
 * builder fills to let domain 0 map a new domain's store page.
 *
 * Pinned by tests/abi/abi_dom0.c.
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include <public/xen.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry {
    uint16_t flags; /* GTF_*                                              */
    domid_t domid;  /* the domain allowed to map (or transfer to) it      */
    uint32_t frame; /* permit_access: the MFN; accept_transfer: the MFN
                       the hypervisor wrote after a transfer              */
};
typedef struct grant_entry grant_entry_t;

#define NR_GRANT_FRAMES 1 /* Parakeet: one frame of entries per domain */
#define NR_GRANT_ENTRIES (NR_GRANT_FRAMES * 4096 / sizeof(struct grant_entry))
#define GNTTAB_RESERVED_XENSTORE 1 /* Parakeet (Xen 4.2's number) */

#define GTF_invalid (0U << 0)
#define GTF_permit_access (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_type_mask (3U << 0)
#define _GTF_readonly 2
#define GTF_readonly (1U << _GTF_readonly) /* permit_access: read only   */
#define _GTF_reading 3
#define GTF_reading (1U << _GTF_reading)   /* set by the hv: mapped      */
#define _GTF_writing 4
#define GTF_writing (1U << _GTF_writing)   /* set by the hv: mapped r/w  */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed (1U << _GTF_transfer_completed)

#define GNTTABOP_map_grant_ref 0
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /* IN: where to map it (a page-aligned VA)    */
    uint32_t flags;        /* IN: GNTMAP_*                                */
    grant_ref_t ref;       /* IN: the entry in dom's table                */
    domid_t dom;           /* IN: the granter                             */
    int16_t status;        /* OUT: GNTST_*                                */
    grant_handle_t handle; /* OUT: names this mapping for unmap          */
    uint64_t dev_bus_addr; /* OUT: 0 (no device mappings)                 */
};

#define GNTTABOP_unmap_grant_ref 1
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;    /* IN: the VA it was mapped at                 */
    uint64_t dev_bus_addr; /* IN: 0                                       */
    grant_handle_t handle; /* IN: from map_grant_ref                      */
    int16_t status;        /* OUT: GNTST_*                                */
};

#define GNTTABOP_setup_table 2
struct gnttab_setup_table {
    domid_t dom;                /* IN: DOMID_SELF                         */
    uint32_t nr_frames;         /* IN: at most NR_GRANT_FRAMES            */
    int16_t status;             /* OUT: GNTST_*                           */
    unsigned long frame_list;   /* IN: guest address of nr_frames MFNs    */
};

#define GNTTABOP_transfer 4
struct gnttab_transfer {
    unsigned long mfn; /* IN: a frame the caller owns and has unmapped    */
    domid_t domid;     /* IN: the domain to give it to                    */
    grant_ref_t ref;   /* IN: an accept_transfer entry of domid's table   */
    int16_t status;    /* OUT: GNTST_*                                    */
};

#define _GNTMAP_device_map 0
#define GNTMAP_device_map (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map 1
#define GNTMAP_host_map (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly 2
#define GNTMAP_readonly (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte 4
#define GNTMAP_contains_pte (1 << _GNTMAP_contains_pte)

#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)

#endif /* PUBLIC_GRANT_TABLE_H */
