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
 * t is system time in ns.  Off by default.  The lines are kept in memory
 * and printed when the run ends (before the summary): on Bochs a console
 * byte costs 87 us of emulated time, so printing each event as it happens
 * would change the very timeline being traced.  At most TRACE_BYTES of
 * them are kept; the last line says how many were dropped.
 */
#include <hv/bvt.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/time.h>

int sched_tracing;
const char *sched_reason;

#define TRACE_BYTES (64 * 1024)
static char trace_buf[TRACE_BYTES];
static unsigned int trace_len;
static unsigned long trace_dropped;

static void trace_init(void)
{
    sched_tracing = hv_cmdline_option("trace") != NULL;
}
__initcall(trace_init);

/*
 * A kept line is the time in 16 hex digits, a space, the event, '\n'.
 * Hex because recording must be cheap: the decimal %llu the console shows
 * divides a 64-bit number once per digit (libgcc's __udivdi3, hundreds of
 * instructions each), which on Bochs cost each traced switch tens of
 * microseconds of the very CPU time the fairness tests measure.  The
 * dump converts, after the run.
 */
#define T_DIGITS 16

static void trace_record(const char *fmt, va_list ap)
{
    static const char hex[] = "0123456789abcdef";
    char *p = trace_buf + trace_len;
    unsigned int room = TRACE_BYTES - trace_len, i;
    uint64_t t = NOW();
    int n;

    if (room < T_DIGITS + 3) {
        trace_dropped++;
        return;
    }
    for (i = 0; i < T_DIGITS; i++)
        p[i] = hex[(t >> (4 * (T_DIGITS - 1 - i))) & 0xF];
    p[T_DIGITS] = ' ';
    n = vsnprintf(p + T_DIGITS + 1, room - T_DIGITS - 1, fmt, ap);
    if (n < 0 || (unsigned int)n + T_DIGITS + 2 >= room) {
        trace_buf[trace_len] = '\0';
        trace_dropped++;
        return;
    }
    p[T_DIGITS + 1 + n] = '\n';
    trace_len += T_DIGITS + 2 + (unsigned int)n;
    trace_buf[trace_len] = '\0';
}

/*
 * Called on every switch and timer event, traced or not: when tracing is
 * off it must cost next to nothing (make bench's context_switch and
 * timer_latency rows count it).  So the test comes first, in a function
 * too small to need a stack frame; the recording, with its registers and
 * locals, is trace_record's.
 */
void sched_trace(const char *fmt, ...)
{
    va_list ap;

    if (!sched_tracing)
        return;
    va_start(ap, fmt);
    trace_record(fmt, ap);
    va_end(ap);
}

/* At the end of the run: every kept line, on the console, t in decimal. */
void sched_trace_dump(void)
{
    char *line = trace_buf, *nl;
    uint64_t t;
    unsigned int i;

    if (!sched_tracing)
        return;
    while (line < trace_buf + trace_len && (nl = strchr(line, '\n'))) {
        *nl = '\0';
        for (t = 0, i = 0; i < T_DIGITS; i++)
            t = t << 4 | (uint64_t)(line[i] <= '9' ? line[i] - '0' : line[i] - 'a' + 10);
        printk("trace t=%llu %s\n", (unsigned long long)t, line + T_DIGITS + 1);
        line = nl + 1;
    }
    printk("trace end: %lu events dropped (the buffer holds %u bytes)\n",
           trace_dropped, TRACE_BYTES);
}

/* "d3" or "idle", in a buffer of the caller's. */
const char *trace_name(const struct vcpu *v, char *buf, unsigned int len)
{
    if (!v)
        return "idle";
    snprintf(buf, len, "d%u", v->domain->domain_id);
    return buf;
}
