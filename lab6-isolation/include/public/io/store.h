/*
 * public/io/store.h - Parakeet's store page: how a frontend and its
 * backend find each other (lab 6, guest/xenbus.c).
 *
 * Xen has XenStore, a small database served by domain 0 that both sides
 * of a split driver read and write ("device/vbd/768/ring-ref", ...).
 * Parakeet keeps the idea and drops the database: every domain domain 0
 * creates gets one *store page*, a frame it owns (start_info.store_mfn),
 * granted to domain 0 in grant entry GNTTAB_RESERVED_XENSTORE, and one
 * event channel to domain 0 (start_info.store_evtchn; DOM0_CREATEDOMAIN
 * returns it to domain 0 as store_evtchn).  The page holds the fields
 * XenStore's block-device directory would, each written by one side only:
 *
 *   backend  (domain 0): backend_state, sectors, sector_size, info
 *   frontend (domU)    : frontend_state, ring_ref, event_channel
 *
 * The handshake (Xen's XenbusState protocol, same numbers):
 *   1. backend:  fills in the disk, backend_state = InitWait, notifies
 *   2. frontend: grants a ring page, allocates a port unbound for domain
 *                0, writes ring_ref and event_channel,
 *                frontend_state = Initialised, notifies
 *   3. backend:  maps the ring, binds the port, backend_state = Connected
 *   4. frontend: sees Connected: frontend_state = Connected; I/O may start
 *   Either side ends with Closing, then Closed.
 * A side writes its state last, after a write barrier, so the other side
 * that reads the state first (then a read barrier) sees every field.
 */
#ifndef PUBLIC_IO_STORE_H
#define PUBLIC_IO_STORE_H

#include <public/grant_table.h>
#include <public/event_channel.h>

/* Xen's enum xenbus_state (xen/include/public/io/xenbus.h). */
#define XenbusStateUnknown 0
#define XenbusStateInitialising 1
#define XenbusStateInitWait 2    /* backend: waiting for the frontend   */
#define XenbusStateInitialised 3 /* frontend: ring-ref and port written */
#define XenbusStateConnected 4
#define XenbusStateClosing 5
#define XenbusStateClosed 6

#define STORE_MAGIC 0x53544f52 /* "STOR": set by the backend at step 1 */

struct store_page {
    uint32_t magic;           /* backend: STORE_MAGIC                      */
    uint32_t backend_state;   /* backend: XenbusState*                     */
    uint32_t frontend_state;  /* frontend: XenbusState*                    */
    grant_ref_t ring_ref;     /* frontend: ring-ref                        */
    uint32_t event_channel;   /* frontend: event-channel (unbound for 0)   */
    uint32_t sector_size;     /* backend: 512                              */
    uint64_t sectors;         /* backend: the virtual disk's size          */
    uint32_t info;            /* backend: VDISK_* (blkif.h)                */
    domid_t backend_id;       /* backend: its domain id (0)                */
    domid_t frontend_id;      /* backend: the domain this page belongs to  */
};

#endif /* PUBLIC_IO_STORE_H */
