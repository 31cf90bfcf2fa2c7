/*
 * public/io/blkif.h - the block device's requests and responses (lab 6,
 * exercises 6 and 7).
 *
 * A frontend asks domain 0's backend to read or write sectors of its
 * virtual disk.  It never passes an address: each segment of a request
 * names a *grant reference* to one page of its own memory, and the
 * sectors within that page (first_sect..last_sect, inclusive, 8 sectors
 * of 512 bytes per page).  The backend maps each granted page through
 * the hypervisor, moves the data, unmaps it, and answers with the
 * request's id and a status.  A request covers consecutive sectors of the
 * disk starting at sector_number, segment after segment.
 *
 * Layouts and numbers: Xen 3.0.2 (xen/include/public/io/blkif.h), x86_32:
 * a request is 108 bytes (id at offset 4: a uint64_t is 4-byte aligned in
 * the i386 ABI), a response 12, so a 4 KiB ring holds 32 of them.
 * Parakeet implements BLKIF_OP_READ and BLKIF_OP_WRITE; `handle` (the
 * virtual device) must be 0.
 */
#ifndef PUBLIC_IO_BLKIF_H
#define PUBLIC_IO_BLKIF_H

#include <public/grant_table.h>
#include <public/io/ring.h>

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_SECTOR_SIZE 512
#define BLKIF_SECTORS_PER_PAGE 8 /* 4096 / 512: last_sect is at most 7 */

struct blkif_request_segment {
    grant_ref_t gref;  /* a page the frontend granted to the backend     */
    uint8_t first_sect, last_sect; /* inclusive, both < 8                */
};

struct blkif_request {
    uint8_t operation;           /* BLKIF_OP_*                           */
    uint8_t nr_segments;         /* 1 .. BLKIF_MAX_SEGMENTS_PER_REQUEST  */
    blkif_vdev_t handle;         /* the virtual device: 0                */
    uint64_t id;                 /* the frontend's, echoed in the response */
    blkif_sector_t sector_number; /* first sector of the virtual disk    */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

struct blkif_response {
    uint64_t id;       /* copied from the request                         */
    uint8_t operation; /* copied from the request                         */
    int16_t status;    /* BLKIF_RSP_*                                     */
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

/* One ring slot holds a request, later its response (Xen's union). */
union blkif_sring_entry {
    struct blkif_request req;
    struct blkif_response rsp;
};
#define BLKIF_RING_SIZE ring_nr_ents(4096, sizeof(union blkif_sring_entry))

#define VDISK_READONLY 0x4 /* Xen's vdisk info bit (store.h's info)      */

#ifdef __i386__
_Static_assert(sizeof(struct blkif_request) == 108, "blkif_request: Xen 3.0.2 x86_32");
_Static_assert(sizeof(struct blkif_response) == 12, "blkif_response: Xen 3.0.2 x86_32");
#endif

#endif /* PUBLIC_IO_BLKIF_H */
