/*
 * hv/sched.h - domains and virtual CPUs (lab 1 declares every field; the
 * comment on each says which lab first uses it).
 *
 * A *domain* is one guest: its memory, its options, how it ended.  A *vcpu*
 * is the processor state the hypervisor keeps for it while it does not run.
 * Parakeet gives each domain exactly one vcpu.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdint.h>
#include <hv/config.h>
#include <hv/hooks.h>
#include <hv/list.h>
#include <hv/x86.h>
#include <public/xen.h>

/* lab 2: one guest trap handler, as registered by set_trap_table. */
struct trap_bounce_info {
    uint8_t vector;   /* which exception or int n                      */
    uint8_t flags;    /* bits 0-1: lowest ring allowed to use `int n`   */
    uint16_t cs;      /* handler's code selector (never ring 0)         */
    unsigned long address; /* handler's entry point                     */
};

/*
 * lab 3: one event channel port.  A domain has MAX_EVTCHNS of them; the
 * ABI's bitmaps have room for NR_EVENT_CHANNELS (public/xen.h), as in Xen.
 */
#define MAX_EVTCHNS 64
struct evtchn {
    uint8_t state;         /* ECS_* (lab 3)                                  */
    uint8_t notify_vcpu;
    uint16_t virq;         /* ECS_VIRQ: which virtual interrupt            */
    uint16_t remote_dom;   /* ECS_UNBOUND / ECS_INTERDOMAIN: the peer      */
    uint16_t remote_port;  /* ECS_INTERDOMAIN: the peer's port             */
};
#define NR_VIRQS 8

/*
 * lab 6: what a Multiboot module is (the option role=, registered by lab
 * 6).  Until lab 6 every module is a domain built at boot.
 */
enum module_role {
    MODULE_DOMAIN = 0, /* a guest kernel, built and started at boot         */
    MODULE_DOMU,       /* a guest kernel domain 0 creates (dom0_op)         */
    MODULE_DISK,       /* not a kernel: the disk image domain 0 serves      */
};

struct grant_table;     /* lab 6: hv/grant_table.h */

enum domain_state {
    DOMSTATE_unused = 0,  /* lab 1: slot free                              */
    DOMSTATE_refused,     /* lab 1: module could not be built              */
    DOMSTATE_built,       /* lab 1: memory loaded, not yet run             */
    DOMSTATE_running,     /* lab 1: runnable (lab 5: may be preempted)     */
    DOMSTATE_blocked,     /* lab 3: waiting for an event                   */
    DOMSTATE_paused,      /* lab 6: paused by domain 0                     */
    DOMSTATE_shutdown,    /* lab 1: asked to end (sched_op shutdown)       */
    DOMSTATE_destroyed,   /* lab 1: killed by the hypervisor               */
};

struct vcpu {
    struct domain *domain;          /* lab 1: owner                          */
    struct cpu_user_regs user_regs; /* lab 5: saved guest registers when descheduled */

    /* lab 2: virtual CPU state for trap delivery */
    struct trap_bounce_info trap_ctxt[256];
    unsigned long kernel_ss;        /* lab 2: stack_switch: ring-1 stack for  */
    unsigned long kernel_sp;        /*        traps from ring 3              */
    unsigned long syscall_vector;   /* lab 2: vector of the direct gate, or 0 */
    unsigned long nr_traps;         /* lab 1: times this guest entered the hv */
    unsigned long bounce_eip;       /* lab 2: handler we last bounced to      */
    unsigned int bounce_vector;     /* lab 2: ... and for which vector        */

    /* lab 3: events */
    unsigned long event_callback_cs, event_callback_eip;
    unsigned long failsafe_callback_cs, failsafe_callback_eip;
    uint16_t virq_to_evtchn[NR_VIRQS];

    /* lab 5: time and scheduling */
    uint64_t timer_deadline;        /* set_timer_op, ns of system time        */
    uint64_t cpu_time;              /* ns run so far                          */
    uint64_t avt, evt;              /* BVT actual and effective virtual time  */
    unsigned long weight;           /* BVT weight (mcu_advance derives)       */
    long warp;                      /* BVT warp, and its limits               */
    unsigned long warp_limit, unwarp_requirement;
    int warping;
    struct list_head run_list;      /* on the run queue                       */
    int fpu_dirtied;                /* lazy FPU: used since the last switch   */
    uint8_t fpu_state[512] __attribute__((aligned(16))); /* fxsave area    */

    /* lab 4: its own descriptor tables (hv/descriptor.c, hv/gdt_switch.c) */
    unsigned long gdt_frames[FIRST_RESERVED_GDT_PAGE]; /* set_gdt's MFNs    */
    unsigned int gdt_ents;          /* entries set_gdt gave, 0 = none       */
    unsigned long ldt_base;         /* MMUEXT_SET_LDT: guest VA of the LDT  */
    unsigned int ldt_ents;          /* ... its 8-byte entries, 0 = none     */
    unsigned long ldt_frames[16];   /* the frames it mapped (64 KiB at most) */
};

struct domain {
    domid_t domain_id;          /* lab 1: module index                       */
    char name[32];              /* lab 1: name= or the module file name      */
    const char *cmdline;        /* lab 1: module options after the file name */
    enum domain_state state;    /* lab 1                                      */
    unsigned int shutdown_code; /* lab 1: SHUTDOWN_* when state == shutdown  */
    char end_reason[96];        /* lab 1: how it ended, for the summary      */
    unsigned long console_bytes;   /* lab 1: console output so far (budget)  */
    unsigned long console_dropped; /* lab 1: ... and dropped past the budget */

    /* lab 1: memory */
    unsigned long max_pages;    /* mem= in pages                              */
    unsigned long tot_pages;    /* frames currently owned                     */
    struct list_head page_list; /* the frames it owns (struct page_info.list) */
#define P2M_MAX_FRAMES 16
    unsigned long p2m_frames[P2M_MAX_FRAMES]; /* hv frames holding PFN->MFN  */
    unsigned long virt_base;    /* VA of PFN 0 (lowest ELF load address)     */
    unsigned long pt_base_mfn;  /* its page directory (%cr3 >> 12)           */
    struct shared_info *shared_info; /* hv address of its shared page       */
    unsigned long start_info_va;     /* guest address of start_info          */
    unsigned long entry;        /* ELF entry point                            */
    unsigned long boot_stack_top; /* initial %esp                            */

    struct vcpu *vcpu;          /* lab 1: its one virtual CPU                */

    /* lab 3: event channels */
    struct evtchn evtchn[MAX_EVTCHNS];

    /* lab 6: control and isolation */
    int is_privileged;          /* domain 0: may use dom0_op (module 0)       */
    enum module_role role;      /* role= on its module line                   */
    struct grant_table *grant_table; /* the grants it offers (lab 6)          */
};

/* hv/entry.S's hypercall entry reads these fields by offset (hv/entry.h). */
_Static_assert(offsetof(struct vcpu, domain) == VCPU_domain, "VCPU_domain");
_Static_assert(offsetof(struct vcpu, nr_traps) == VCPU_nr_traps, "VCPU_nr_traps");
_Static_assert(offsetof(struct domain, state) == DOMAIN_state, "DOMAIN_state");
_Static_assert(offsetof(struct domain, shared_info) == DOMAIN_shared_info,
               "DOMAIN_shared_info");
_Static_assert(DOMSTATE_running == DOMAIN_STATE_RUNNING, "DOMAIN_STATE_RUNNING");
_Static_assert(offsetof(struct shared_info, vcpu_info[0].evtchn_upcall_pending) ==
                   SHINFO_upcall_pending, "SHINFO_upcall_pending");

extern struct domain domains[MAX_DOMAINS];
extern unsigned int nr_domains;
extern struct vcpu *current; /* the vcpu whose address space is loaded */

/* Given (hv/domain.c). */
void refuse_module(struct domain *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void domain_shutdown(struct domain *d, unsigned int reason);
void domain_crash(struct domain *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Xen's name: end the current domain (if not already ended) and never return. */
void domain_crash_synchronous(void) __attribute__((noreturn));
void schedule(void) __attribute__((noreturn));
/*
 * Given (hv/domain.c), for lab 5's scheduler, which runs domains
 * concurrently: build every module now (refused ones say why; returns how
 * many were built); end one domain (print how it ended, free its memory,
 * check integrity); print the summary and end the run.
 */
unsigned int build_all_domains(void);
void finish_domain(struct domain *d);
void print_summary_and_exit(void) __attribute__((noreturn));
/* Weak hook, called by print_summary_and_exit after its lines: nothing
 * here; lab 6 (hv/domain_ctl.c) prints a block per domain. */
void print_domain_blocks(void);
void start_domains(void) __attribute__((noreturn));
unsigned long get_p2m(const struct domain *d, unsigned long pfn);
void set_p2m(struct domain *d, unsigned long pfn, unsigned long mfn);
/*
 * Built, running, blocked or paused: not (yet) ended.  Inline, and one
 * range check, because every return to a guest and every hypercall asks.
 */
static inline int domain_alive(const struct domain *d)
{
    return (unsigned int)d->state - DOMSTATE_built <=
           (unsigned int)DOMSTATE_paused - DOMSTATE_built;
}
_Static_assert(DOMSTATE_built + 1 == DOMSTATE_running &&
                   DOMSTATE_running + 1 == DOMSTATE_blocked &&
                   DOMSTATE_blocked + 1 == DOMSTATE_paused,
               "domain_alive() relies on the living states being consecutive");

/* Exercise 4 (hv/domain_build.c) and exercise 5 (hv/enter_guest.c). */
struct elf_info;
int construct_domain(struct domain *d, const struct elf_info *elf,
                     const uint8_t *image);
void enter_guest(struct vcpu *v) __attribute__((noreturn));

/*
 * Given (hv/domain.c), documented weak hooks around a domain's memory
 * (lab 4 overrides both, in lab4-mmu/hv/domain_mm.c):
 *   finish_domain_build(d): called right after construct_domain()
 *     succeeded, before the domain first runs.  0, or non-zero after
 *     calling refuse_module() with the reason; the module is then refused
 *     and domain_relinquish_resources() frees what it holds.  Lab 1: 0.
 *   domain_relinquish_resources(d): called when a domain has ended (or
 *     its build failed half-way: frames on d->page_list may then be in
 *     any state the builder or finish_domain_build left them), with
 *     idle_pg_table loaded, before the p2m frames and shared_info are
 *     freed.  Lab 1 frees every frame on d->page_list, writing
 *     INVALID_M2P_ENTRY into its m2p entry first.
 */
int finish_domain_build(struct domain *d);
void domain_relinquish_resources(struct domain *d);

/*
 * Given (hv/domain.c), for lab 6's dom0_op: build domain d from its module
 * now (d->domain_id is the module's index; its options were parsed at boot,
 * when its role= kept it from being built).  0 and d->state ==
 * DOMSTATE_built, or -1 after refuse_module() said why (d's memory is then
 * given back and d->state is DOMSTATE_refused).
 */
int build_deferred_domain(struct domain *d);

/* The .domain_hooks table (hv/hooks.h): run every create hook on d, in
 * link order (0, or -1 after one refused the module); every destroy hook,
 * in reverse order; print the table for the `tables` option. */
int run_domain_create_hooks(struct domain *d);
void run_domain_destroy_hooks(struct domain *d);
void print_domain_hooks(void);

/* vcpu switch hooks (REGISTER_VCPU_SWITCH_HOOK, hv/hooks.h): all run, in
 * link order, whenever `next` is about to run after `prev`. */
void run_vcpu_switch_hooks(struct vcpu *prev, struct vcpu *next);
/* The `tables` option: the switch hooks in the order they run. */
void print_vcpu_switch_hooks(void);

/*
 * Given (hv/domain.c), a documented weak hook: make the FPU ready for
 * `next`.  Lab 1 resets it (fninit), so no domain reads another's x87
 * state; lab 5 overrides it to save and restore each vcpu's fpu_state.
 */
void fpu_switch(struct vcpu *prev, struct vcpu *next);

/*
 * Given (hv/watchdog.c), a documented weak hook: start the watchdog that
 * destroys a domain running longer than watchdog= (lab 1, an initcall).
 * Lab 5, whose scheduler preempts instead, overrides it.
 */
void watchdog_init(void);
/* Given (hv/watchdog.c): the watchdog= option, in milliseconds. */
unsigned long watchdog_budget_ms(void);

/* Given (hv/entry.S): the trap frame at the top of the hypervisor stack. */
struct cpu_user_regs *guest_cpu_user_regs(void);
/* Given (hv/entry.S): load the registers in that frame and iret to them. */
void return_to_guest(void) __attribute__((noreturn));

#endif /* HV_SCHED_H */
