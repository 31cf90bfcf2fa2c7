/*
 * hv/fault_inject.c - make the Nth frame allocation fail (lab 1, given;
 * issue 15).
 *
 * `failframe=N` on the hypervisor's command line makes the Nth call of
 * alloc_frame() since boot return INVALID_MFN, once, as if memory had run
 * out just then.  Every caller must cope: refuse the domain or the
 * hypercall with a clear message, give back what it had taken (the
 * free-frame count at the end equals an ordinary run's), never panic.
 * tools/fault-sweep boots a domain build with N swept over its
 * allocations.  At boot it reports how many allocations the hypervisor
 * made before the first domain, so a sweep knows where domain 0 starts.
 */
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>

static unsigned long nr_allocs, fail_at;

/* Called first thing by alloc_frame(): 1 means "fail this one". */
int fault_inject_frame(void)
{
    nr_allocs++;
    if (!fail_at || nr_allocs != fail_at)
        return 0;
    printk("failframe: frame allocation %lu fails on purpose\n", nr_allocs);
    result("failframe fired n=%lu", nr_allocs);
    return 1;
}

static void fault_inject_init(void)
{
    const char *v = hv_cmdline_option("failframe");

    if (!v)
        return;
    fail_at = strtoul(v, NULL, 10);
    printk("failframe=%lu: that frame allocation will fail; %lu made so far\n",
           fail_at, nr_allocs);
    result("failframe armed n=%lu allocations_before_domains=%lu", fail_at, nr_allocs);
}
__initcall(fault_inject_init);
