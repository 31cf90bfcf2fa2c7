/*
 * hv/trace.c - scheduling events on the trace channel (lab 5, given).
 *
 * The format is in hv/trace.h; tools/trace.py reads it.  The lines go to
 * the result channel, which only the hypervisor writes, so a guest cannot
 * draw itself a better picture.  The option is read once, at boot.
 */
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/trace.h>

int trace_enabled;

static void trace_init(void)
{
    trace_enabled = hv_cmdline_option("trace") != NULL;
    if (trace_enabled)
        printk("trace: scheduling events go to the result channel\n");
}
__initcall(trace_init);

/* "dN" or "idle", in a buffer of the caller's. */
static const char *who(const struct vcpu *v, char *buf, unsigned int len)
{
    if (!v)
        return "idle";
    snprintf(buf, len, "d%u", v->domain->domain_id);
    return buf;
}

void trace_switch(uint64_t now, const struct vcpu *from, const struct vcpu *to,
                  const char *why)
{
    char a[8], b[8];

    if (trace_enabled)
        result("trace t=%llu switch from=%s to=%s why=%s", (unsigned long long)now,
               who(from, a, sizeof(a)), who(to, b, sizeof(b)), why);
}

void trace_wake(uint64_t now, const struct vcpu *v, const char *why)
{
    if (trace_enabled && v)
        result("trace t=%llu wake d=%u why=%s", (unsigned long long)now,
               v->domain->domain_id, why);
}
