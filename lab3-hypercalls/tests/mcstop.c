/*
 * tests/mcstop.c - a multicall stops at the entry that ends the domain
 * (lab 3).  The second of three entries blocks with nothing that could
 * wake the domain, which destroys it; the third must never run: a dead
 * domain's batch is not finished for it.  Exercises: 5, 6.
 */
#include <guest/events.h>

int main(void)
{
    static multicall_entry_t mc[3];
    static const char before[] = "mc_before\n", after[] = "mc_after\n";

    /* console_io, not test_report: result lines carry report()'s tag */
    mc[0].op = __HYPERVISOR_console_io;
    mc[0].args[0] = CONSOLEIO_write;
    mc[0].args[1] = sizeof(before) - 1;
    mc[0].args[2] = (unsigned long)before;
    mc[1].op = __HYPERVISOR_sched_op;
    mc[1].args[0] = SCHEDOP_block;
    mc[2].op = __HYPERVISOR_console_io;
    mc[2].args[0] = CONSOLEIO_write;
    mc[2].args[1] = sizeof(after) - 1;
    mc[2].args[2] = (unsigned long)after;
    report("multicall=%ld", HYPERVISOR_multicall(mc, 3));
    report("survived=1");
    return 0;
}
