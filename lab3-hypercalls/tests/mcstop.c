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
    static const char before[] = "mc_before=1", after[] = "mc_after=1";

    mc[0].op = __HYPERVISOR_test_report;
    mc[0].args[0] = (unsigned long)before;
    mc[0].args[1] = sizeof(before) - 1;
    mc[1].op = __HYPERVISOR_sched_op;
    mc[1].args[0] = SCHEDOP_block;
    mc[2].op = __HYPERVISOR_test_report;
    mc[2].args[0] = (unsigned long)after;
    mc[2].args[1] = sizeof(after) - 1;
    HYPERVISOR_multicall(mc, 3);
    report("survived=1");
    return 0;
}
