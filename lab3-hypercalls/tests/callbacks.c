/*
 * tests/callbacks.c - set_callbacks validates like set_trap_table (lab 3).
 * Exercise 3.
 */
#include <guest/events.h>

#define RING0_CS 0xe008 /* the hypervisor's __HYPERVISOR_CS (hv/desc.h) */

int main(void)
{
    extern char hypervisor_callback[], failsafe_callback[];
    unsigned long ev = (unsigned long)hypervisor_callback;
    unsigned long fs = (unsigned long)failsafe_callback;

    report("ring0=%ld", HYPERVISOR_set_callbacks(RING0_CS, ev, FLAT_KERNEL_CS, fs));
    report("ring0_failsafe=%ld", HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, ev, RING0_CS, fs));
    report("hole=%ld", HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, 0xFC100000UL,
                                                 FLAT_KERNEL_CS, fs));
    report("valid=%ld", events_init());
    return 0;
}
