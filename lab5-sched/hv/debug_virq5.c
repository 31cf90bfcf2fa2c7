/*
 * hv/debug_virq5.c - lab 3's debug event source, on lab 5's timer
 * (given).
 *
 * Lab 3's debug_virq(count, period) programmed the PIT itself; from lab 5
 * the PIT is the hypervisor's heartbeat, so this version (registered for
 * the same hypercall by a later lab, it replaces lab 3's) keeps a
 * software deadline instead and the tick raises VIRQ_DEBUG when it is
 * due - at most once a tick, as the PIT's interrupts could not come
 * closer either; and not while the last one is still pending, so none
 * is merged into another while its domain waits for the CPU.  Same arguments, same checks, same meaning: `period` is
 * still in PIT ticks (1/PIT_HZ s).
 */
#include <hv/bvt.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/time.h>

static unsigned long debug_remaining;
static struct vcpu *debug_target;
static uint64_t debug_period_ns, debug_next;

static long do_debug_virq5(unsigned long count, unsigned long period)
{
    if (count == 0) {
        debug_remaining = 0;
        debug_target = NULL;
        return 0;
    }
    if (debug_virq_check_period(period)) /* lab 3's check and message */
        return -EINVAL;
    debug_period_ns = (uint64_t)period * NSEC_PER_SEC / PIT_HZ;
    debug_next = NOW() + debug_period_ns;
    debug_remaining = count;
    debug_target = current;
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_debug_virq, do_debug_virq5);

void debug_virq_tick5(uint64_t now)
{
    unsigned int port;

    if (!debug_remaining || !debug_target)
        return;
    if (!domain_alive(debug_target->domain)) { /* a source dies with its domain */
        debug_remaining = 0;
        debug_target = NULL;
        return;
    }
    if (now < debug_next)
        return;
    port = debug_target->virq_to_evtchn[VIRQ_DEBUG];
    if (port && test_bit(port, debug_target->domain->shared_info->evtchn_pending))
        return; /* the last one not yet taken (its domain may be waiting for
                   the CPU): wait, rather than merge two into one bit */
    send_guest_virq(debug_target, VIRQ_DEBUG);
    debug_next += debug_period_ns;
    if (debug_next < now)
        debug_next = now + debug_period_ns; /* never a burst to catch up */
    if (--debug_remaining == 0)
        debug_target = NULL;
}

int debug_virq_armed5(struct vcpu *v)
{
    return debug_target == v && debug_remaining > 0 && virq_can_wake(v, VIRQ_DEBUG);
}
