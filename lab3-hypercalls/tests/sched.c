/*
 * tests/sched.c - sched_op (lab 3).  op=block: block returns at once when
 * an event is already pending, and sleeps until a debug event otherwise;
 * op=yield returns; op=poweroff|reboot|crash first tries reasons that do
 * not exist (sched_op takes the reason by value, as in Xen 3.0: a pointer
 * passed where the reason goes is just a bad reason), then shuts down with
 * that reason; op=forever blocks with nothing that could wake it.
 * Exercise 6.
 */
#include <guest/events.h>

static volatile unsigned int hits;
static void count_hit(evtchn_port_t port)
{
    (void)port;
    hits++;
}

int main(void)
{
    const char *op = cmdline_option("op");
    static const unsigned long bad_reasons[] = { SHUTDOWN_crash + 1, 0xFC100000UL,
                                                 0xFFFFFFFFUL };
    unsigned long reason;
    unsigned int i;
    long a, b, rc;

    if (!op)
        return 1;
    report("events_init=%ld", events_init());
    if (!strcmp(op, "block")) {
        a = evtchn_alloc_unbound_self();
        b = evtchn_bind_interdomain_self((evtchn_port_t)a);
        bind_evtchn_to_handler(a, count_hit);
        local_irq_disable();
        evtchn_send(b);                           /* pending, not delivered */
        report("before_block hits=%u", hits);
        rc = HYPERVISOR_sched_op(SCHEDOP_block, 0); /* returns at once */
        report("block_pending rc=%ld hits=%u", rc, hits);  /* delivered on return */
        bind_evtchn_to_handler(evtchn_bind_virq(VIRQ_DEBUG), count_hit);
        HYPERVISOR_debug_virq(1, 5000);
        rc = HYPERVISOR_sched_op(SCHEDOP_block, 0);    /* sleeps until it fires */
        report("block_wait rc=%ld hits=%u", rc, hits);
        return 0;
    }
    if (!strcmp(op, "yield")) {
        report("yield=%ld", HYPERVISOR_sched_op(SCHEDOP_yield, 0));
        return 0;
    }
    if (!strcmp(op, "forever")) {
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
        report("woke=1");
        return 0;
    }
    for (i = 0; i < sizeof(bad_reasons) / sizeof(bad_reasons[0]); i++)
        report("shutdown_reason_%#lx=%ld", bad_reasons[i],
               HYPERVISOR_sched_op(SCHEDOP_shutdown, bad_reasons[i]));
    reason = !strcmp(op, "reboot") ? SHUTDOWN_reboot
           : !strcmp(op, "crash") ? SHUTDOWN_crash : SHUTDOWN_poweroff;
    HYPERVISOR_sched_op(SCHEDOP_shutdown, reason);
    report("survived=1");
    return 0;
}
