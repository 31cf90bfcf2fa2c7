/*
 * hv/sched_setup.c - lab 5's given scheduler plumbing: the BVT module
 * options, the context-switch allowance, starting every domain at once,
 * the watchdog on CPU time, and the summary with each domain's CPU time.
 *
 * Lab 1 ran domains one after another (hv/domain.c); lab 5 overrides its
 * weak start_domains() to build them all first and hand the CPU to the
 * scheduler (hv/schedule.c), and its weak watchdog_init() to count a
 * domain's *CPU time* instead of the time since it started (which, with
 * domains sharing the CPU, would also count the others' turns).
 */
#include <hv/bvt.h>
#include <hv/domain.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/multiboot.h>
#include <hv/time.h>

struct sched_info sched_info[MAX_DOMAINS];
uint64_t ctx_allow_ns = CTX_ALLOW_DEFAULT_NS;

/* ---- module options: weight=, warp=, warpl=, warpu= (hv/bvt.h) ---- */

/* "N" with lo <= N <= hi into *out; else -1 with why. */
static int parse_number(const char *key, const char *value, unsigned long lo,
                        unsigned long hi, const char *unit, unsigned long *out,
                        char *why, unsigned int whylen)
{
    char *end;
    unsigned long n = strtoul(value, &end, 10);

    if (!(*value >= '0' && *value <= '9') || *end || n < lo || n > hi) {
        snprintf(why, whylen, "%s=%s: expected a whole number of %s from %lu to %lu",
                 key, value, unit, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

static int option_weight(struct domain *d, const char *value, char *why,
                         unsigned int whylen)
{
    unsigned long n;

    if (parse_number("weight", value, 1, BVT_WEIGHT_MAX, "shares", &n, why, whylen) < 0)
        return -1;
    d->vcpu->weight = n;
    return 0;
}
REGISTER_DOMAIN_OPTION("weight", option_weight,
                       "BVT weight 1..100, CPU share proportional to it, e.g. weight=3");

static int option_warp(struct domain *d, const char *value, char *why,
                       unsigned int whylen)
{
    unsigned long n;

    if (parse_number("warp", value, 0, 1000, "ms", &n, why, whylen) < 0)
        return -1;
    d->vcpu->warp = (long)(n * NSEC_PER_MSEC);
    return 0;
}
REGISTER_DOMAIN_OPTION("warp", option_warp,
                       "BVT warp in ms: how far back a woken domain jumps, e.g. warp=10");

static int option_warpl(struct domain *d, const char *value, char *why,
                        unsigned int whylen)
{
    unsigned long n;

    if (parse_number("warpl", value, 0, 1000, "ms", &n, why, whylen) < 0)
        return -1;
    d->vcpu->warp_limit = n * NSEC_PER_MSEC;
    return 0;
}
REGISTER_DOMAIN_OPTION("warpl", option_warpl,
                       "BVT warp limit in ms: longest run warped (0: none), e.g. warpl=5");

static int option_warpu(struct domain *d, const char *value, char *why,
                        unsigned int whylen)
{
    unsigned long n;

    if (parse_number("warpu", value, 0, 1000, "ms", &n, why, whylen) < 0)
        return -1;
    d->vcpu->unwarp_requirement = n * NSEC_PER_MSEC;
    return 0;
}
REGISTER_DOMAIN_OPTION("warpu", option_warpu,
                       "BVT unwarp requirement in ms before warping again, e.g. warpu=20");

/* ctx_allow=MS on the hypervisor's command line. */
static void ctx_allow_init(void)
{
    const char *v = hv_cmdline_option("ctx_allow");
    char *end;
    unsigned long ms;

    if (!v)
        return;
    ms = strtoul(v, &end, 10);
    if (*v >= '0' && *v <= '9' && !*end && ms <= 1000)
        ctx_allow_ns = ms * NSEC_PER_MSEC;
    else
        printk("ctx_allow=%s: expected milliseconds 0..1000; using %llu ms\n", v,
               (unsigned long long)(ctx_allow_ns / NSEC_PER_MSEC));
}
__initcall(ctx_allow_init);

/* ---- the watchdog, on CPU time ---- */

#define WATCHDOG_TICK_NS (250 * NSEC_PER_MSEC) /* lab 1's 4 Hz ticks */
static uint64_t watchdog_budget_ns; /* 0: off */

/* Replaces lab 1's: the same option and message, counted in CPU time. */
void watchdog_init(void)
{
    unsigned long ms = watchdog_budget_ms();

    /* whole 250 ms ticks, rounded up, as lab 1 */
    watchdog_budget_ns = (ms * NSEC_PER_MSEC + WATCHDOG_TICK_NS - 1) /
                         WATCHDOG_TICK_NS * WATCHDOG_TICK_NS;
    if (!watchdog_budget_ns)
        printk("watchdog: off (watchdog=0)\n");
    else
        printk("watchdog: a domain is destroyed after %lu ms of CPU time without "
               "ending\n", ms);
}

/* From the tick: has current used its whole budget? */
void watchdog_tick5(void)
{
    struct domain *d = current ? current->domain : NULL;

    if (!watchdog_budget_ns || !d || !domain_alive(d))
        return;
    if (current->cpu_time + (NOW() - SI(current)->last_start) >= watchdog_budget_ns)
        domain_crash(d, "watchdog: ran %llu ticks without ending",
                     (unsigned long long)(watchdog_budget_ns / WATCHDOG_TICK_NS));
}

/* ---- start and end ---- */

/* Replaces lab 1's: build every module, then let the scheduler run them. */
void start_domains(void)
{
    unsigned int i;

    if (boot_info.nr_modules == 0) {
        printk("no modules: give guest kernels as Multiboot modules\n");
        result("no modules");
    }
    build_all_domains();
    for (i = 0; i < nr_domains; i++) {
        struct domain *d = &domains[i];
        struct vcpu *v = d->vcpu;
        if (d->state != DOMSTATE_built)
            continue;
        if (!v->weight)
            v->weight = 1;
        sched_info[i].mcu_advance = bvt_mcu_advance(v->weight);
        update_wallclock(d);          /* exercise 2 */
        update_vcpu_system_time(v);
        d->state = DOMSTATE_running;
    }
    current = NULL;
    schedule();
}

/* The summary, with a line per domain that ran: its CPU time and share. */
void sched_print_summary_and_exit(void)
{
    uint64_t total = 0;
    unsigned int i;

    sched_trace_dump();
    for (i = 0; i < nr_domains; i++)
        if (domains[i].vcpu && sched_info[i].has_run)
            total += domains[i].vcpu->cpu_time;
    printk("CPU time (ns of system time; idle %llu):\n", (unsigned long long)idle_ns);
    for (i = 0; i < nr_domains; i++) {
        const struct vcpu *v = domains[i].vcpu;
        unsigned int pm;
        if (!v || !sched_info[i].has_run)
            continue;
        pm = share_permille(v->cpu_time, total);
        printk("  d%u %-12s %llu ns, %u.%u%%, weight %lu, %lu switches in, %lu #NM\n",
               i, domains[i].name, (unsigned long long)v->cpu_time, pm / 10, pm % 10,
               v->weight, sched_info[i].nr_switches, sched_info[i].nr_nm);
        result("d%u: cpu_ns=%llu share=%u.%u%% weight=%lu switches=%lu nm=%lu", i,
               (unsigned long long)v->cpu_time, pm / 10, pm % 10, v->weight,
               sched_info[i].nr_switches, sched_info[i].nr_nm);
    }
    result("sched idle_ns=%llu total_ns=%llu", (unsigned long long)idle_ns,
           (unsigned long long)NOW());
    print_summary_and_exit();
}
