/*
 * public/dom0_ops.h - domain 0's control interface, the guest ABI (lab 6).
 *
 * The hypervisor provides mechanism; a privileged guest, domain 0, decides
 * policy: which domains run, with how much memory and which share of the
 * CPU.  It asks through one hypercall, dom0_op (7), that every other
 * domain is refused with -EPERM.
 *
 * The hypercall: dom0_op(op) (7), op the guest address of a struct dom0_op;
 * the hypervisor copies it in, and back out when the command returned 0.
 *
 * Names, numbers and layouts follow Xen 3.0.2 (x86_32) for the commands
 * Parakeet implements: CREATEDOMAIN 8, DESTROYDOMAIN 9, PAUSEDOMAIN 10,
 * UNPAUSEDOMAIN 11, GETDOMAININFO 12, ADJUSTDOM 7 (BVT parameters),
 * SETDOMAINMAXMEM 28.  Others return -ENOSYS.
 *
 * Parakeet's differences, each marked below:
 *   - CREATEDOMAIN builds the domain from a Multiboot module (Xen's
 *     creates an empty one that domain 0's tools then load).  A domain's
 *     id is its module's index in Parakeet, so `domain` names the module:
 *     one whose line says role=domu, not created yet.  The new domain is
 *     paused; UNPAUSEDOMAIN starts it.
 *   - CREATEDOMAIN also returns store_evtchn: the new domain's store port
 *     (see public/io/store.h), unbound for domain 0 to bind.
 *
 * Pinned by tests/abi/abi_dom0.c.
 */
#ifndef PUBLIC_DOM0_OPS_H
#define PUBLIC_DOM0_OPS_H

#include <public/xen.h>

#define DOM0_INTERFACE_VERSION 0x03000000

typedef uint8_t xen_domain_handle_t[16];

/* VIRQ_DOM_EXC (Xen's number): raised in domain 0 when a domain ends. */
#define VIRQ_DOM_EXC 3

#define DOM0_ADJUSTDOM 7
#define SCHED_BVT 0
#define SCHED_INFO_PUT 0 /* set the parameters                          */
#define SCHED_INFO_GET 1 /* read them                                    */
struct sched_adjdom_cmd {
    uint32_t sched_id;  /* IN: SCHED_BVT                                  */
    uint32_t direction; /* IN: SCHED_INFO_PUT or SCHED_INFO_GET           */
    domid_t domain;     /* IN                                             */
    union {
        struct bvt_adjdom {
            uint32_t mcu_adv;   /* mcu advance: the inverse of the weight  */
            uint32_t warpback;  /* may it warp? (0/1)                      */
            int32_t warpvalue;  /* warp                                    */
            int64_t warpl;      /* warp limit                              */
            int64_t warpu;      /* unwarp requirement                      */
        } bvt;
        uint8_t sedf_pad[32];   /* Xen's SEDF parameters (not implemented):
                                   they make the union 32 bytes           */
    } u;
};

#define DOM0_CREATEDOMAIN 8
struct dom0_createdomain {
    uint32_t ssidref;           /* IN: ignored (Xen's security label)      */
    xen_domain_handle_t handle; /* IN: kept, returned by GETDOMAININFO     */
    domid_t domain;             /* IN: the module to build (Parakeet)      */
    uint32_t store_evtchn;      /* OUT (Parakeet): its store port          */
};

#define DOM0_DESTROYDOMAIN 9
struct dom0_destroydomain {
    domid_t domain; /* IN */
};

#define DOM0_PAUSEDOMAIN 10
struct dom0_pausedomain {
    domid_t domain; /* IN */
};

#define DOM0_UNPAUSEDOMAIN 11
struct dom0_unpausedomain {
    domid_t domain; /* IN */
};

#define DOM0_GETDOMAININFO 12
#define DOMFLAGS_DYING (1 << 0)    /* destroyed (or ended): being torn down */
#define DOMFLAGS_SHUTDOWN (1 << 2) /* shut itself down; code in bits 16-23  */
#define DOMFLAGS_PAUSED (1 << 3)   /* paused by domain 0                    */
#define DOMFLAGS_BLOCKED (1 << 4)  /* blocked waiting for an event          */
#define DOMFLAGS_RUNNING (1 << 5)  /* running or runnable                   */
#define DOMFLAGS_SHUTDOWNMASK 255
#define DOMFLAGS_SHUTDOWNSHIFT 16
struct dom0_getdomaininfo {
    domid_t domain;                   /* IN: this one (Xen: or the next)   */
    uint32_t flags;                   /* OUT: DOMFLAGS_*                   */
    unsigned long tot_pages;          /* OUT: frames it owns now           */
    unsigned long max_pages;          /* OUT: the most it may own          */
    unsigned long shared_info_frame;  /* OUT: MFN of its shared_info       */
    uint64_t cpu_time;                /* OUT: ns it has run (lab 5)        */
    uint32_t nr_online_vcpus;         /* OUT: 1                            */
    uint32_t max_vcpu_id;             /* OUT: 0                            */
    uint32_t ssidref;                 /* OUT: 0                            */
    xen_domain_handle_t handle;       /* OUT: as given to CREATEDOMAIN     */
};

#define DOM0_SETDOMAINMAXMEM 28
struct dom0_setdomainmaxmem {
    domid_t domain;          /* IN */
    unsigned long max_memkb; /* IN: new max_pages * 4                     */
};

struct dom0_op {
    uint32_t cmd;               /* DOM0_*                                  */
    uint32_t interface_version; /* DOM0_INTERFACE_VERSION, else -EACCES    */
    union {
        struct dom0_createdomain createdomain;
        struct dom0_pausedomain pausedomain;
        struct dom0_unpausedomain unpausedomain;
        struct dom0_destroydomain destroydomain;
        struct sched_adjdom_cmd adjustdom;
        struct dom0_getdomaininfo getdomaininfo;
        struct dom0_setdomainmaxmem setdomainmaxmem;
        uint8_t pad[128];
    } u;
};
typedef struct dom0_op dom0_op_t;

#endif /* PUBLIC_DOM0_OPS_H */
