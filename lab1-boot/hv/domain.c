/*
 * hv/domain.c - domains, from module to summary (lab 1, given).
 *
 * Until lab 5 brings a scheduler, domains run one at a time in module
 * order.  For each module:
 *     parse its options -> check its ELF (exercise 3) -> build it
 *     (exercise 4) -> enter it in ring 1 (exercise 5)
 * and when it shuts down or is destroyed, free its memory, check the
 * hypervisor's integrity and go on with the next module.  When none is
 * left, print one summary line per domain and end the run.
 *
 * A module that cannot be built is *refused*: one line says which module
 * and why, and the next module still runs.  Only the hypervisor's own bugs
 * panic.
 */
#include <hv/desc.h>
#include <hv/domain.h>
#include <hv/elf.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/multiboot.h>
#include <hv/sched.h>

struct domain domains[MAX_DOMAINS];
unsigned int nr_domains;
struct vcpu *current;
static struct vcpu vcpus[MAX_DOMAINS];
static unsigned int next_module;

extern char hv_stack_top[];
void reset_stack_and_call(void (*fn)(void)) __noreturn;

/* ---- the p2m table: a domain's PFN -> MFN, kept in hypervisor frames ---- */

#define P2M_PER_FRAME (PAGE_SIZE / sizeof(unsigned long))

unsigned long get_p2m(const struct domain *d, unsigned long pfn)
{
    const unsigned long *t;
    if (pfn >= d->max_pages)
        return INVALID_MFN;
    t = mfn_to_virt(d->p2m_frames[pfn / P2M_PER_FRAME]);
    return t[pfn % P2M_PER_FRAME];
}

void set_p2m(struct domain *d, unsigned long pfn, unsigned long mfn)
{
    unsigned long *t;
    ASSERT(pfn < d->max_pages);
    t = mfn_to_virt(d->p2m_frames[pfn / P2M_PER_FRAME]);
    t[pfn % P2M_PER_FRAME] = mfn;
    set_gpfn_from_mfn(mfn, pfn); /* and the reverse, for the guest (hv/m2p.c) */
}

/* ---- options on the module's command line ---- */

/* parse_size() is in common/string.c, where the host fuzzer reaches it. */

static int option_mem(struct domain *d, const char *value, char *why,
                      unsigned int whylen)
{
    long long bytes = parse_size(value);

    if (bytes < 0) {
        snprintf(why, whylen, "mem=%s is not a size (examples: mem=4M, mem=512K)",
                 value);
        return -1;
    }
    if (bytes < 64 * 1024 || bytes > (long long)P2M_MAX_FRAMES * P2M_PER_FRAME * PAGE_SIZE) {
        snprintf(why, whylen, "mem=%s is out of range: a domain has 64K to %luM",
                 value, (unsigned long)(P2M_MAX_FRAMES * P2M_PER_FRAME * PAGE_SIZE >> 20));
        return -1;
    }
    d->max_pages = (unsigned long)((bytes + PAGE_SIZE - 1) >> PAGE_SHIFT);
    return 0;
}
REGISTER_DOMAIN_OPTION("mem", option_mem, "memory for the domain, e.g. mem=4M");

static int option_name(struct domain *d, const char *value, char *why,
                       unsigned int whylen)
{
    const char *p;

    if (!*value || strlen(value) >= sizeof(d->name)) {
        snprintf(why, whylen, "name=%s: a name has 1 to %u characters", value,
                 (unsigned int)sizeof(d->name) - 1);
        return -1;
    }
    for (p = value; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')) {
            snprintf(why, whylen, "name=%s: use letters, digits, '-', '_' or '.'",
                     value);
            return -1;
        }
    strlcpy(d->name, value, sizeof(d->name));
    return 0;
}
REGISTER_DOMAIN_OPTION("name", option_name, "the domain's name, e.g. name=web");

/* The table of options, its checks and the parser: hv/domain_options.c. */

/* ---- building, refusing and ending domains ---- */

/*
 * Weak hook (hv/sched.h): give back the frames on d->page_list.  Lab 4
 * overrides it: a frame there may be a typed, pinned page table holding
 * references to others, so it must drop those first.
 */
__weak void domain_relinquish_resources(struct domain *d)
{
    while (d->page_list.next && !list_empty(&d->page_list)) {
        struct page_info *pg = list_first_entry(&d->page_list, struct page_info, list);
        set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
        free_domheap_page(pg);
    }
}

/*
 * Weak hook (hv/sched.h): the last step of building d, after
 * construct_domain().  Nothing to do in lab 1; lab 4 types and pins the
 * bootstrap page tables here, so the guest starts as a Xen guest does.
 */
__weak int finish_domain_build(struct domain *d)
{
    (void)d;
    return 0;
}

/* Give back everything a domain holds.  Safe on a half-built domain. */
static void domain_free_memory(struct domain *d)
{
    unsigned int i;

    if (read_cr3() != __pa(idle_pg_table))
        write_cr3(__pa(idle_pg_table)); /* never run on tables being freed */
    run_domain_destroy_hooks(d);
    domain_relinquish_resources(d);
    for (i = 0; i < P2M_MAX_FRAMES; i++)
        if (d->p2m_frames[i]) {
            free_frame(d->p2m_frames[i]);
            d->p2m_frames[i] = 0;
        }
    if (d->shared_info) {
        free_xenheap_page(d->shared_info);
        d->shared_info = NULL;
    }
}

/*
 * Refuse the module of domain d: one line on the console and one on the
 * result channel, naming the module and the reason.  Also for exercise 4.
 */
void refuse_module(struct domain *d, const char *fmt, ...)
{
    const struct boot_module *m = &boot_info.modules[d->domain_id];
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("module %u (%s): refused: %s\n", d->domain_id, m->file, why);
    result("module %u refused: %s", d->domain_id, why);
    snprintf(d->end_reason, sizeof(d->end_reason), "refused: %s", why);
    d->state = DOMSTATE_refused;
}

static void default_name(struct domain *d, const char *file)
{
    const char *base = file, *p;
    size_t n;

    for (p = file; *p; p++)
        if (*p == '/')
            base = p + 1;
    n = strlen(base);
    if (n > 4 && !strcmp(base + n - 4, ".elf"))
        n -= 4;
    if (n >= sizeof(d->name))
        n = sizeof(d->name) - 1;
    memcpy(d->name, base, n);
    d->name[n] = '\0';
}

/* Can the hypervisor enter ring 1 at all?  Exercise 2 must be done. */
static int ring1_segments_ready(struct domain *d)
{
    if (!gdt_selector_ok(FLAT_RING1_CS, 1, 1) || !gdt_selector_ok(FLAT_RING1_DS, 0, 1)) {
        refuse_module(d, "cannot enter ring 1: GDT entries for FLAT_RING1_CS "
                      "(%#x) and FLAT_RING1_DS (%#x) must be present DPL-1 code and "
                      "data segments (LAB 1 exercise 2)", FLAT_RING1_CS, FLAT_RING1_DS);
        return 0;
    }
    if (init_tss.esp0 != (uint32_t)hv_stack_top || init_tss.ss0 != __HYPERVISOR_DS) {
        refuse_module(d, "cannot enter ring 1: the TSS must give ss0 %#x and esp0 "
                      "%p (the top of hv_stack), found %#x:%#x (LAB 1 exercise 2)",
                      __HYPERVISOR_DS, (void *)hv_stack_top, init_tss.ss0,
                      init_tss.esp0);
        return 0;
    }
    return 1;
}

static const char *const role_names[] = { "domain", "domu", "disk" };

/*
 * Build domain d from module d->domain_id: 0 built, -1 refused (it said
 * why), 1 not built at boot because its role= says domain 0 creates it or
 * serves it as a disk (lab 6).
 */
static int build_domain(struct domain *d)
{
    const struct boot_module *m = &boot_info.modules[d->domain_id];
    char why[160];

    INIT_LIST_HEAD(&d->page_list);
    d->vcpu = &vcpus[d->domain_id];
    d->vcpu->domain = d;
    d->cmdline = m->args;
    d->max_pages = DEFAULT_DOMAIN_MEM >> PAGE_SHIFT;
    d->is_privileged = d->domain_id == 0;
    default_name(d, m->file);

    if (parse_domain_options(d, m->args, why, sizeof(why)) < 0) {
        refuse_module(d, "%s", why);
        return -1;
    }
    if (d->role != MODULE_DOMAIN) {
        printk("module %u (%s): role=%s: not built at boot, domain 0 %s it\n",
               d->domain_id, m->file, role_names[d->role],
               d->role == MODULE_DISK ? "serves" : "creates");
        return 1;
    }
    return build_deferred_domain(d);
}

/* The second half of build_domain: d's options are parsed. */
int build_deferred_domain(struct domain *d)
{
    const struct boot_module *m = &boot_info.modules[d->domain_id];
    unsigned long len = m->end - m->start, nr_p2m, i;
    struct elf_info elf;
    char why[160];

    if (m->end > DIRECTMAP_SIZE) {
        snprintf(why, sizeof(why), "module ends at %#lx, beyond the %luM the "
                 "hypervisor maps", m->end, DIRECTMAP_SIZE >> 20);
        goto refuse;
    }
    nr_p2m = (d->max_pages + P2M_PER_FRAME - 1) / P2M_PER_FRAME;
    if (d->max_pages + nr_p2m + 1 > nr_free_frames()) {
        snprintf(why, sizeof(why), "mem= asks for %lu pages (%lu KiB) but only %lu "
                 "frames are free", d->max_pages, d->max_pages * 4, nr_free_frames());
        goto refuse;
    }
    if (elf_check((const uint8_t *)__va(m->start), len, HYPERVISOR_VIRT_START,
                  &elf, why, sizeof(why)) < 0)     /* exercise 3 */
        goto refuse;
    if (!ring1_segments_ready(d))
        return -1;

    for (i = 0; i < nr_p2m; i++)
        if ((d->p2m_frames[i] = alloc_frame()) == INVALID_MFN) {
            d->p2m_frames[i] = 0;
            snprintf(why, sizeof(why), "out of memory for its p2m table");
            goto refuse;
        }
    d->shared_info = alloc_xenheap_page();
    if (!d->shared_info) {
        snprintf(why, sizeof(why), "out of memory for its shared_info page");
        goto refuse;
    }
    /* Xen starts a guest with events masked: it unmasks when ready (lab 3). */
    d->shared_info->vcpu_info[0].evtchn_upcall_mask = 1;

    if (construct_domain(d, &elf, (const uint8_t *)__va(m->start)) < 0) { /* ex. 4 */
        if (d->state != DOMSTATE_refused)
            refuse_module(d, "construct_domain() failed without saying why");
        domain_free_memory(d);
        return -1;
    }
    if (finish_domain_build(d) != 0) {             /* lab 4's hook */
        if (d->state != DOMSTATE_refused)
            refuse_module(d, "finish_domain_build() failed without saying why");
        domain_free_memory(d);
        return -1;
    }
    if (run_domain_create_hooks(d) != 0) {         /* lab 6's state */
        domain_free_memory(d);
        return -1;
    }
    d->state = DOMSTATE_built;
    printk("d%u (%s): built: %lu pages, entry %#lx, start_info at %#lx\n",
           d->domain_id, d->name, d->max_pages, d->entry, d->start_info_va);
    return 0;

refuse:
    refuse_module(d, "%s", why);
    domain_free_memory(d);
    return -1;
}

static const char *const shutdown_names[] = { "poweroff", "reboot", "suspend",
                                              "crash" };

void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->state = DOMSTATE_shutdown;
    d->shutdown_code = reason;
    snprintf(d->end_reason, sizeof(d->end_reason), "shutdown (%s)",
             reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[80];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("d%u (%s): destroyed: %s\n", d->domain_id, d->name, why);
    snprintf(d->end_reason, sizeof(d->end_reason), "destroyed: %s", why);
    d->state = DOMSTATE_destroyed;
}

/*
 * Xen's domain_crash_synchronous(): the current domain cannot go on - for
 * example the frame that would deliver its exception cannot be written -
 * and nothing on this stack is worth returning to.  End it (if the caller
 * has not already, with a reason, through domain_crash) and run the next.
 */
void domain_crash_synchronous(void)
{
    if (domain_alive(current->domain))
        domain_crash(current->domain, "crashed (domain_crash_synchronous)");
    schedule();
}

/* How it ended, one word, for the result channel. */
static const char *end_word(const struct domain *d)
{
    if (d->state == DOMSTATE_shutdown)
        return d->shutdown_code < ARRAY_SIZE(shutdown_names)
                   ? shutdown_names[d->shutdown_code] : "shutdown";
    if (d->state == DOMSTATE_destroyed)
        return "destroyed";
    if (d->state == DOMSTATE_refused)
        return "refused";
    if (d->state == DOMSTATE_unused)   /* lab 6: never created */
        return d->role == MODULE_DISK ? "disk" : "not-created";
    return "unfinished";
}

/* Print how d ended, free its memory, check integrity (lab 5 calls it too). */
void finish_domain(struct domain *d)
{
    console_domain_ended(d->domain_id);
    printk("d%u (%s): ended: %s\n", d->domain_id, d->name, d->end_reason);
    result("d%u: end %s", d->domain_id, end_word(d));
    if (d->console_dropped)
        result("d%u: console budget exceeded, %lu bytes dropped", d->domain_id,
               d->console_dropped);
    result("d%u: entered the hypervisor %lu times", d->domain_id, d->vcpu->nr_traps);
    domain_free_memory(d);
    integrity_check();
}

/* Lab 6 overrides it: a block per domain at the end (hv/sched.h). */
__weak void print_domain_blocks(void)
{
}

/* The summary, one line per domain, and the end of the run (lab 5 too). */
void __noreturn print_summary_and_exit(void)
{
    unsigned int i;

    printk("all domains have ended; summary:\n");
    for (i = 0; i < nr_domains; i++) {
        const struct domain *d = &domains[i];
        printk("  d%u %-12s %s%s\n", d->domain_id, d->name, d->end_reason,
               d->console_dropped ? "; console output cut at its budget" : "");
        result("summary d%u name=%s end=%s", d->domain_id, d->name, end_word(d));
    }
    print_domain_blocks();
    printk("%lu frames free at the end\n", nr_free_frames());
    machine_exit(0);
}

extern const struct vcpu_switch_hook_entry __vcpu_switch_hooks_start[],
    __vcpu_switch_hooks_end[];

void run_vcpu_switch_hooks(struct vcpu *prev, struct vcpu *next)
{
    const struct vcpu_switch_hook_entry *hook;

    for (hook = __vcpu_switch_hooks_start; hook < __vcpu_switch_hooks_end; hook++)
        hook->fn(prev, next);
}

/* The `tables` option: the switch hooks in the order they run. */
void print_vcpu_switch_hooks(void)
{
    const struct vcpu_switch_hook_entry *hook;

    for (hook = __vcpu_switch_hooks_start; hook < __vcpu_switch_hooks_end; hook++) {
        printk("  vcpu switch hook: %s lab %u (%s)\n", hook->origin.name,
               hook->origin.lab, hook->origin.file);
        result("table switch-hook fn=%s lab=%u", hook->origin.name,
               hook->origin.lab);
    }
}

extern const struct domain_hook_entry __domain_hooks_start[], __domain_hooks_end[];

int run_domain_create_hooks(struct domain *d)
{
    const struct domain_hook_entry *h;

    for (h = __domain_hooks_start; h < __domain_hooks_end; h++)
        if (h->create && h->create(d) != 0) {
            if (d->state != DOMSTATE_refused)
                refuse_module(d, "domain hook %s failed without saying why",
                              h->origin.name);
            return -1;
        }
    return 0;
}

void run_domain_destroy_hooks(struct domain *d)
{
    const struct domain_hook_entry *h;

    for (h = __domain_hooks_end; h-- > __domain_hooks_start;)
        if (h->destroy)
            h->destroy(d);
}

/* The `tables` option: the domain hooks in the order their creates run. */
void print_domain_hooks(void)
{
    const struct domain_hook_entry *h;

    for (h = __domain_hooks_start; h < __domain_hooks_end; h++) {
        printk("  domain hook: %s lab %u (%s)\n", h->origin.name, h->origin.lab,
               h->origin.file);
        result("table domain-hook fn=%s lab=%u", h->origin.name, h->origin.lab);
    }
}

/*
 * The FPU (x87) is processor state like the general registers, but nothing
 * saves it on a trap: whatever one domain leaves in it, the next would
 * read (its registers, its status and control words).  Until lab 5 switches
 * each domain's FPU state (fpu_taskswitch, lazily, through CR0.TS), every
 * domain starts with a freshly initialised FPU.  Lab 5 overrides this
 * weak hook.
 */
__weak void fpu_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    (void)next;
    /* CR0.EM would make fninit raise #UD, CR0.TS #NM: clear both. */
    write_cr0(read_cr0() & ~(X86_CR0_EM | X86_CR0_TS));
    __asm__ volatile("fninit" ::: "memory");
}

static void fpu_switch_hook(struct vcpu *prev, struct vcpu *next)
{
    fpu_switch(prev, next);
}
REGISTER_VCPU_SWITCH_HOOK(fpu_switch_hook);

/*
 * Lab 5 runs domains concurrently, so it builds them all first: every
 * module in order, a refused one getting its line as always.  Returns
 * how many were built (hv/sched.h).
 */
unsigned int build_all_domains(void)
{
    unsigned int built = 0;

    while (next_module < boot_info.nr_modules) {
        struct domain *d = &domains[next_module++];
        d->domain_id = (domid_t)(next_module - 1);
        nr_domains = next_module;
        if (build_domain(d) == 0)
            built++;
    }
    return built;
}

/* Build modules in order until one can be entered; then enter it. */
static void __noreturn run_next_domain(void)
{
    struct vcpu *prev = current;

    if (current) {
        finish_domain(current->domain);
        current = NULL;
    }
    while (next_module < boot_info.nr_modules) {
        struct domain *d = &domains[next_module++];
        d->domain_id = (domid_t)(next_module - 1);
        nr_domains = next_module;
        if (build_domain(d) != 0)
            continue;
        run_vcpu_switch_hooks(prev, d->vcpu);
        current = d->vcpu;
        d->state = DOMSTATE_running;
        enter_guest(d->vcpu);                 /* exercise 5: never returns */
    }
    print_summary_and_exit();
}

/*
 * schedule(): the current domain cannot go on (it ended); run something
 * else.  Lab 1 runs the next module; lab 5 replaces this with a scheduler.
 */
__weak void schedule(void)
{
    reset_stack_and_call(run_next_domain);
}

__weak void start_domains(void)
{
    if (boot_info.nr_modules == 0) {
        printk("no modules: give guest kernels as Multiboot modules\n");
        result("no modules");
    }
    reset_stack_and_call(run_next_domain);
}
