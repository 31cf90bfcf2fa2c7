/*
 * tests/nested.c - faults the hypervisor cannot deliver (lab 2).
 * op=unmapped: the guest's stack is unmapped when it faults;
 * op=hole:     its stack pointer is inside the hypervisor hole;
 * op=handler:  its #UD handler is at an unmapped address;
 * op=none:     it registered no handler at all.
 * Each must end this domain with a report, never the hypervisor.
 * Exercises: 1, 3, 7.
 */
#include <guest/traps.h>

int main(void)
{
    const char *op = cmdline_option("op");
    trap_info_t t[2] = { { 6, 0, FLAT_KERNEL_CS, 0 }, { 0, 0, 0, 0 } };
    extern char guest_trap_6[];

    if (!op)
        return 1;
    if (strcmp(op, "none")) {
        t[0].address = strcmp(op, "handler") ? (unsigned long)guest_trap_6 : 0xB0000000UL;
        report("set_trap_table=%ld", HYPERVISOR_set_trap_table(t));
    }
    report("op=%s", op);
    if (!strcmp(op, "unmapped"))
        __asm__ volatile("movl $0xB0001000, %%esp; ud2" ::: "memory");
    else if (!strcmp(op, "hole"))
        __asm__ volatile("movl $0xFC001000, %%esp; ud2" ::: "memory");
    else
        __asm__ volatile("ud2" ::: "memory");
    report("survived=1");
    return 0;
}
