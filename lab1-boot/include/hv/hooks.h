/*
 * hv/hooks.h - every way a later lab extends an earlier one (lab 1, given).
 *
 * The layering rule: lab N is the union of labs 1..N, and a later lab never
 * edits an earlier lab's file.  It extends the hypervisor in exactly two
 * ways, both listed here with their override rule and the lab that
 * declares them.  docs/architecture.md explains each with an example;
 * `make tables LAB=N` (or the hypervisor option `tables`) prints how they
 * resolved in a given build.
 *
 * 1. Tables: entries that REGISTER_* macros put in a linker section
 *    (hv/hv.ld gathers each between start/end symbols, read-only).
 *
 *    section             macro                           rule
 *    ------------------  ------------------------------  ------------------
 *    .hypercalls         REGISTER_HYPERCALL(nr, fn)      highest lab wins
 *    .trap_handlers      REGISTER_TRAP_HANDLER(vec, fn)  highest lab wins
 *    .domain_options     REGISTER_DOMAIN_OPTION(k,fn,h)  unique key
 *    .initcall           __initcall(fn)                  all run, link order
 *    .vcpu_switch_hooks  REGISTER_VCPU_SWITCH_HOOK(fn)   all run, link order
 *    .domain_hooks       REGISTER_DOMAIN_HOOK(n,c,d)     all run: create in
 *                                                        link order, destroy
 *                                                        in reverse
 *    __ex_table          (asm in hv/guest_access.h)      one per instruction
 *
 *    Every table is declared by lab 1 (here and in hv/hv.ld).
 *
 *    "Highest lab wins": lab 3's full sched_op replaces lab 1's
 *    shutdown-only one.  Two entries for the same number or vector from
 *    the *same* lab are a bug and stop the boot with a panic naming both.
 *    "Unique key": a second lab registering an option key that exists
 *    already is a panic naming both (an option is a promise to the user
 *    about what it means; a later lab that must change it registers a new
 *    key).  "Link order" is lab order: the Makefile links lab 1's objects
 *    first, each lab's in file-name order.
 *
 * 2. Weak hooks: a function an earlier lab calls and defines __weak as a
 *    default; a later lab defines the same name (strong) and the linker
 *    takes that one.  At most one strong definition may exist - two are a
 *    link error ("multiple definition").
 *
 *    hook                declared in  weak default in       replaced by
 *    ------------------  -----------  --------------------  ---------------
 *    do_guest_trap       hv/traps.h   lab 1 hv/traps.c      lab 2 trap_policy.c
 *    test_all_events     hv/traps.h   lab 1 hv/traps.c      lab 3 upcall.c
 *    schedule            hv/sched.h   lab 1 hv/domain.c     lab 5 schedule.c
 *    start_domains       hv/sched.h   lab 1 hv/domain.c     lab 5 sched_setup.c
 *    event_source_armed  hv/event.h   lab 3 debug_virq.c    lab 5 timer.c
 *    fpu_switch          hv/sched.h   lab 1 hv/domain.c     lab 5 context.c
 *    watchdog_init       hv/sched.h   lab 1 hv/watchdog.c   lab 5 sched_setup.c
 *    deliver_failsafe_callback
 *                        hv/traps.h   lab 1 hv/traps.c      lab 3 failsafe.c
 *    finish_domain_build hv/sched.h   lab 1 hv/domain.c     lab 4 domain_mm.c
 *    domain_relinquish_resources
 *                        hv/sched.h   lab 1 hv/domain.c     lab 4 domain_mm.c
 *    audit_grant_mapping, audit_granted_refs
 *                        hv/page_type.h lab 4 page_info.c   lab 6 grant_setup.c
 *    relinquish_shared_frame
 *                        hv/page_type.h lab 4 domain_mm.c   lab 6 grant_setup.c
 *    release_grant_mappings_in_l1
 *                        hv/page_type.h lab 4 page_info.c   lab 6 grant_setup.c
 *    domain_holds_grant_mappings
 *                        hv/page_type.h lab 4 page_info.c   lab 6 grant_setup.c
 *
 * The lab an entry belongs to is never typed by hand: the Makefile
 * compiles every file with -DPARAKEET_LAB=N, N taken from the labN-...
 * directory the file comes from (under solutions/ too), and each
 * macro records it together with the function's name and source file.
 */
#ifndef HV_HOOKS_H
#define HV_HOOKS_H

#ifndef PARAKEET_LAB
/* Not compiled by the Makefile (a host unit test): using a macro below
 * then fails with this name in the error. */
#define PARAKEET_LAB PARAKEET_LAB_is_set_by_the_Makefile_from_the_labN_directory
#endif

/* Where an entry came from: printed by the `tables` option. */
struct hook_origin {
    unsigned int lab; /* PARAKEET_LAB of the registering file */
    const char *name; /* the function's name                  */
    const char *file; /* the file, as the Makefile compiled it */
};
#define HOOK_ORIGIN(fn) { PARAKEET_LAB, #fn, __FILE__ }

/*
 * The rules of the tables above, coded once (hv/hooks.c): may entry `e`
 * take a slot that `old` holds (NULL: the slot is empty)?  1 yes, 0 no
 * (old is from a higher lab).  A clash the rule forbids - a second entry
 * from old's lab, or any second entry under HOOK_UNIQUE - panics naming
 * both; `what` names the slot ("hypercall 3", "domain option 'mem='").
 */
enum hook_rule { HOOK_HIGHEST_LAB_WINS, HOOK_UNIQUE };
int hook_wins(const struct hook_origin *old, const struct hook_origin *e,
              enum hook_rule rule, const char *what);

struct cpu_user_regs;
struct domain;
struct vcpu;

/* ---- .hypercalls (hv/hypercall.c builds the table at boot) ---- */
typedef long (*hypercall_fn_t)(unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4,
                               unsigned long a5);
struct hypercall_entry {
    unsigned int nr;
    hypercall_fn_t fn;
    struct hook_origin origin;
};
/*
 * A handler may declare fewer than five parameters.  In the i386 C calling
 * convention the caller pushes and pops the arguments, so a callee simply
 * never looks at the extra ones (Xen's table relies on the same).  The cast
 * through void (*)(void) tells GCC this is deliberate.
 */
#define REGISTER_HYPERCALL(nr, fn)                                          \
    static const struct hypercall_entry __hypercall_##fn                    \
        __attribute__((used, section(".hypercalls"))) = {                   \
            (nr), (hypercall_fn_t)(void (*)(void))(fn), HOOK_ORIGIN(fn) }

/* ---- .trap_handlers (hv/traps.c builds the table at boot) ---- */
typedef void (*trap_handler_t)(struct cpu_user_regs *regs);
struct trap_handler_entry {
    unsigned int vector;
    trap_handler_t handler;
    struct hook_origin origin;
};
#define REGISTER_TRAP_HANDLER(vec, fn)                                      \
    static const struct trap_handler_entry __trap_##fn                      \
        __attribute__((used, section(".trap_handlers"))) = {                \
            (vec), (fn), HOOK_ORIGIN(fn) }

/* ---- .domain_options (hv/domain.c looks keys up per module) ---- */
/* Return 0, or -1 after writing why into `why` (a full sentence). */
typedef int (*domain_option_fn)(struct domain *d, const char *value,
                                char *why, unsigned int whylen);
struct domain_option {
    const char *key;
    domain_option_fn parse;
    const char *help;
    struct hook_origin origin;
};
#define REGISTER_DOMAIN_OPTION(k, fn, helptext)                             \
    static const struct domain_option __domopt_##fn                         \
        __attribute__((used, section(".domain_options"))) = {               \
            (k), (fn), (helptext), HOOK_ORIGIN(fn) }

/* ---- .initcall (hv/setup.c runs them all after the IDT is up) ---- */
typedef void (*initcall_t)(void);
struct initcall_entry {
    initcall_t fn;
    struct hook_origin origin;
};
#define __initcall(fn)                                                      \
    static const struct initcall_entry __initcall_##fn                      \
        __attribute__((used, section(".initcall"))) = { (fn), HOOK_ORIGIN(fn) }

/* ---- .vcpu_switch_hooks (hv/domain.c runs them all on a switch) ---- */
/*
 * Every lab that keeps per-vcpu state in the processor (lab 2: the direct
 * system-call gate and the TSS ring-1 stack; lab 5: the FPU) registers a
 * function called whenever `next` is about to run after `prev` (NULL the
 * first time, or when prev's domain ended).
 */
typedef void (*vcpu_switch_hook_t)(struct vcpu *prev, struct vcpu *next);
struct vcpu_switch_hook_entry {
    vcpu_switch_hook_t fn;
    struct hook_origin origin;
};
#define REGISTER_VCPU_SWITCH_HOOK(fn)                                       \
    static const struct vcpu_switch_hook_entry __switch_hook_##fn           \
        __attribute__((used, section(".vcpu_switch_hooks"))) = {            \
            (fn), HOOK_ORIGIN(fn) }

/* ---- .domain_hooks (hv/domain.c runs them on every domain) ---- */
/*
 * A lab that keeps state of its own per domain (lab 6: the grant table,
 * the store page domain 0 talks through) registers a pair of functions:
 *   create(d)  runs once d is built (after finish_domain_build) and before
 *              it first runs: 0, or non-zero after refuse_module() said why.
 *   destroy(d) runs when d's memory is about to be given back - after it
 *              ended, or when its build failed half-way - before
 *              domain_relinquish_resources.  It must cope with a d whose
 *              create never ran or failed (check its own fields).
 * Creates run in link order and destroys in reverse, so what was set up
 * last is torn down first.  Either pointer may be NULL.
 */
typedef int (*domain_create_hook_t)(struct domain *d);
typedef void (*domain_destroy_hook_t)(struct domain *d);
struct domain_hook_entry {
    domain_create_hook_t create;
    domain_destroy_hook_t destroy;
    struct hook_origin origin;
};
#define REGISTER_DOMAIN_HOOK(name, createfn, destroyfn)                     \
    static const struct domain_hook_entry __domain_hook_##name              \
        __attribute__((used, section(".domain_hooks"))) = {                 \
            (createfn), (destroyfn), HOOK_ORIGIN(name) }

/* The option `tables` on the hypervisor's command line prints every table
 * above, resolved, before the domains run (hv/setup.c). */
void print_tables(void);

#endif /* HV_HOOKS_H */
