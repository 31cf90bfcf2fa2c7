/*
 * tests/zombie.c - a domain destroyed while its event upcall is delivered
 * must never run again (lab 3, hostile; issue 10 item 3).
 *
 * What an attacker tries: with an event pending, point the stack at an
 * unmapped address and make any hypercall.  On the way back the
 * hypervisor delivers the upcall; writing its frame on that stack fails,
 * so the domain is destroyed.  A hypervisor that then resumes it anyway
 * runs a "destroyed" domain: it makes hypercalls, and may even end as
 * "poweroff".  The guest reports what it sees after the hypercall
 * (`zombie.after=...`): that line must never appear.  Exercises: 3.
 */
#include <guest/events.h>

#define UNMAPPED_STACK 0x00100000UL /* below the kernel, never mapped */

unsigned long zombie_saved_esp; /* the real stack, while esp is not */

static void on_event(evtchn_port_t port)
{
    (void)port;
}

int main(void)
{
    shared_info_t *s = (shared_info_t *)start_info->shared_info_va;
    long rc, port;

    report("events_init=%ld", events_init());
    port = evtchn_alloc_unbound_self();
    if (port >= 0)
        bind_evtchn_to_handler((evtchn_port_t)port, on_event);
    local_irq_disable();
    /* An upcall is due as soon as events are unmasked. */
    s->vcpu_info[0].evtchn_upcall_pending = 1;
    report("zombie.stack=%#lx", UNMAPPED_STACK);
    /*
     * Unmask, move the stack, make the cheapest hypercall, move back.
     * Nothing may touch the stack in between: it is unmapped.
     */
    __asm__ volatile("movl %%esp, zombie_saved_esp\n\t"
                     "movb $0, %[mask]\n\t"
                     "movl %[stack], %%esp\n\t"
                     "int $0x82\n\t"
                     "movl zombie_saved_esp, %%esp"
                     : "=a"(rc), [mask] "=m"(s->vcpu_info[0].evtchn_upcall_mask)
                     : "a"(__HYPERVISOR_xen_version), "b"(0), "c"(0),
                       [stack] "r"(UNMAPPED_STACK)
                     : "memory");
    /* Only a resumed, destroyed domain gets here. */
    report("zombie.after=%ld", rc);
    return 0;
}
