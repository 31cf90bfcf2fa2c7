/*
 * tests/callbacks.c - set_callbacks validates like set_trap_table, and a
 * refused call changes nothing (lab 3).  Also: no upcall before a callback
 * is registered, and the guest - not the hypervisor - clears
 * upcall_pending.  Two extra entry points count which callback ran and
 * then continue into the usual one.  Exercises: 1, 2, 3.
 */
#include <guest/events.h>

#define HOLE 0xFC100000UL
#define RING0_CS 0xe008 /* the hypervisor's __HYPERVISOR_CS (hv/desc.h) */

void wrong_entry(void);
void probe_entry(void);
static volatile unsigned int wrong_hits, probe_hits, probe_upcall_pending, hits;

__asm__(".text\n"
        "wrong_callback:\n\t"        /* must never run: its registration was refused */
        "pushal\n\t"
        "call wrong_entry\n\t"
        "popal\n\t"
        "jmp hypervisor_callback\n"
        "probe_callback:\n\t"        /* notes upcall_pending as the upcall arrives */
        "pushal\n\t"
        "call probe_entry\n\t"
        "popal\n\t"
        "jmp hypervisor_callback\n");
extern char wrong_callback[], probe_callback[];

static struct vcpu_info *vcpu0(void)
{
    return &((shared_info_t *)start_info->shared_info_va)->vcpu_info[0];
}

void wrong_entry(void)
{
    wrong_hits++;
}

void probe_entry(void)
{
    probe_hits++;
    probe_upcall_pending = vcpu0()->evtchn_upcall_pending;
}

static void count_hit(evtchn_port_t port)
{
    (void)port;
    hits++;
}

int main(void)
{
    extern char hypervisor_callback[], failsafe_callback[];
    unsigned long ev = (unsigned long)hypervisor_callback;
    unsigned long fs = (unsigned long)failsafe_callback;
    const unsigned long K = FLAT_KERNEL_CS;
    long a, b;

    /*
     * An event with no callback registered and events unmasked: there is
     * nowhere to deliver it, so it must wait (a bounce to 0 would crash us).
     */
    a = evtchn_alloc_unbound_self();
    b = evtchn_bind_interdomain_self((evtchn_port_t)a);
    if (a <= 0 || b <= 0) {
        report("no ports: alloc_unbound=%ld bind_interdomain=%ld", a, b);
        return 1;
    }
    vcpu0()->evtchn_upcall_mask = 0;
    evtchn_send((evtchn_port_t)b);
    HYPERVISOR_xen_version(0);
    report("no_callback alive=1 upcall_pending=%u", vcpu0()->evtchn_upcall_pending);
    vcpu0()->evtchn_upcall_mask = 1;

    report("ring0=%ld", HYPERVISOR_set_callbacks(RING0_CS, ev, K, fs));
    report("ring0_failsafe=%ld", HYPERVISOR_set_callbacks(K, ev, RING0_CS, fs));
    report("ring3=%ld", HYPERVISOR_set_callbacks(FLAT_USER_CS, ev, K, fs));
    report("ring3_failsafe=%ld", HYPERVISOR_set_callbacks(K, ev, FLAT_USER_CS, fs));
    report("data_selector=%ld", HYPERVISOR_set_callbacks(FLAT_KERNEL_DS, ev, K, fs));
    report("hole=%ld", HYPERVISOR_set_callbacks(K, HOLE, K, fs));
    report("failsafe_hole=%ld", HYPERVISOR_set_callbacks(K, ev, K, HOLE));
    report("valid=%ld", events_init()); /* delivers the event that waited */
    bind_evtchn_to_handler((evtchn_port_t)a, count_hit);

    /* Refused calls, each with a good event callback: nothing may change. */
    report("refused_failsafe_hole=%ld",
           HYPERVISOR_set_callbacks(K, (unsigned long)wrong_callback, K, HOLE));
    report("refused_failsafe_ring0=%ld",
           HYPERVISOR_set_callbacks(K, (unsigned long)wrong_callback, RING0_CS, fs));
    report("refused_failsafe_ring3=%ld",
           HYPERVISOR_set_callbacks(K, (unsigned long)wrong_callback, FLAT_USER_CS, fs));
    hits = 0;
    evtchn_send((evtchn_port_t)b);
    report("after_refused hits=%u wrong=%u", hits, wrong_hits);

    /* The guest clears upcall_pending: it is still set when the upcall lands. */
    report("probe=%ld", HYPERVISOR_set_callbacks(K, (unsigned long)probe_callback, K, fs));
    evtchn_send((evtchn_port_t)b);
    report("probe hits=%u upcall_pending_at_entry=%u", probe_hits, probe_upcall_pending);
    return 0;
}
