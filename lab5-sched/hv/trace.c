/*
 * hv/trace.c - the scheduler's trace channel (lab 5, given).
 *
 * With the hypervisor option `trace` (hv_args = trace), every scheduling
 * event is one console line, for `make trace` to draw a timeline from:
 *
 *   trace t=NS switch from=dA|idle to=dB|idle reason=R
 *         R: start (the first), slice (the tick preempted it), wake (a
 *         woken domain was further behind), block, yield, end (it ended),
 *         idle (nothing was runnable: the CPU halted until now)
 *   trace t=NS timer dN          its set_timer_op deadline passed
 *   trace t=NS wake dN           blocked, now runnable
 *   trace t=NS block dN          it blocked (sched_op)
 *   trace t=NS end dN            it ended
 *
 * t is system time in ns.  Off by default: on Bochs every console byte
 * costs emulated time.
 */
#include <hv/bvt.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/time.h>

int sched_tracing;
const char *sched_reason;

static void trace_init(void)
{
    sched_tracing = hv_cmdline_option("trace") != NULL;
}
__initcall(trace_init);

void sched_trace(const char *fmt, ...)
{
    char buf[96];
    va_list ap;

    if (!sched_tracing)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("trace t=%llu %s\n", (unsigned long long)NOW(), buf);
}

/* "d3" or "idle", in a buffer of the caller's. */
const char *trace_name(const struct vcpu *v, char *buf, unsigned int len)
{
    if (!v)
        return "idle";
    snprintf(buf, len, "d%u", v->domain->domain_id);
    return buf;
}
