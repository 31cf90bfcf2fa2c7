/*
 * hv/tick.c - how often the timer interrupt comes (lab 5, given).
 *
 * The PIT interrupts every TICK_NS (hv/time.h): 1 ms, unless the
 * hypervisor's command line says tick_us=N (50..10000).  A test that
 * wants thousands of preemptions in a short run (lab5/ctxsw) asks for a
 * faster tick, since the tick is the only thing that preempts a domain
 * that never blocks; every other test keeps the 1 ms its bounds assume.
 * The option is read on first use: time_init(), an initcall, is the first
 * user, and initcalls run in no order another lab can rely on.
 */
#include <hv/lib.h>
#include <hv/time.h>

#define TICK_US_MIN 50     /* below this the tick's own work crowds out guests */
#define TICK_US_MAX 10000

uint64_t tick_ns(void)
{
    static uint64_t ns;
    const char *v;
    char *end;
    unsigned long us;

    if (ns)
        return ns;
    ns = 1000 * 1000ULL; /* the default: 1 ms */
    v = hv_cmdline_option("tick_us");
    if (!v)
        return ns;
    us = strtoul(v, &end, 10);
    if (*v >= '0' && *v <= '9' && !*end && us >= TICK_US_MIN && us <= TICK_US_MAX)
        ns = us * 1000ULL;
    else
        printk("tick_us=%s: expected microseconds %u..%u; using %llu us\n", v,
               TICK_US_MIN, TICK_US_MAX, (unsigned long long)(ns / 1000));
    return ns;
}
