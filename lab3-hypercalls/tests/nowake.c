/*
 * tests/nowake.c - a hostile guest (lab 3): it arms the debug event source
 * for ever (4 294 967 295 ticks, 55 ms apart) so that the hypervisor
 * believes something can wake it, then blocks - but the virtual interrupt
 * the source raises can never wake it:
 *   op=unbound  VIRQ_DEBUG is bound to no port;
 *   op=masked   it is bound, but its port is masked.
 * block must not sleep for ever: the domain is reported as blocked with
 * nothing to wake it, and the next domain runs.  Exercises: 2, 6.
 */
#include <guest/events.h>

int main(void)
{
    const char *op = cmdline_option("op");
    long port;

    if (!op)
        return 1;
    if (!strcmp(op, "masked")) {
        port = evtchn_bind_virq(VIRQ_DEBUG);
        report("bind_virq=%s", port > 0 ? "ok" : "failed");
        if (port <= 0)
            return 1;
        mask_evtchn((evtchn_port_t)port);
    }
    report("armed=%ld", HYPERVISOR_debug_virq(0xFFFFFFFFUL, 0xFFFF));
    HYPERVISOR_sched_op(SCHEDOP_block, 0);
    report("woke=1");
    return 0;
}
