/*
 * tests/badptr.c - no pointer can hurt the hypervisor (lab 3).  Every
 * hypercall that takes a pointer is called with a null pointer, one into
 * the hole, an unmapped one, a misaligned one that runs off the end of
 * mapped memory, and a length that wraps; each must fail with -EFAULT or
 * -EINVAL, and a valid call must still work afterwards.  Unknown
 * hypercall numbers give -ENOSYS, and a multicall returns each entry's own
 * result.  Exercises: 2, 5.
 */
#include <guest/events.h>
#include <guest/traps.h>

#define HOLE 0xFC100000UL
#define UNMAPPED 0xB0000000UL

int main(void)
{
    /* Our mappings end with the shared_info page: 3 bytes before the end
     * is misaligned, and any structure there runs into unmapped memory. */
    unsigned long edge = start_info->shared_info_va + 4096 - 3;
    const unsigned long bad[4] = { 0, HOLE, UNMAPPED, edge };
    const char *names[4] = { "null", "hole", "unmapped", "misaligned" };
    static struct mc_batch batch;
    static multicall_entry_t nested[1];
    unsigned int i;
    long rc;

    for (i = 0; i < 4; i++) {
        report("%s console_io=%ld", names[i],
               HYPERVISOR_console_io(CONSOLEIO_write, 16, (const char *)bad[i]));
        report("%s set_trap_table=%ld", names[i],
               HYPERVISOR_set_trap_table((const trap_info_t *)bad[i]));
        report("%s event_channel_op=%ld", names[i],
               HYPERVISOR_event_channel_op((evtchn_op_t *)bad[i]));
        report("%s multicall=%ld", names[i],
               HYPERVISOR_multicall((multicall_entry_t *)bad[i], 1));
        report("%s test_report=%ld", names[i],
               HYPERVISOR_test_report((const char *)bad[i], 8));
    }
    report("wrap console_io=%ld",
           HYPERVISOR_console_io(CONSOLEIO_write, -16, (const char *)0x100));
    report("wrap test_report=%ld",
           HYPERVISOR_test_report((const char *)0xFFFFFFF0UL, 0x20));
    report("wrap multicall=%ld", HYPERVISOR_multicall(batch.entries, 0x80000001UL));

    report("unknown_63=%ld", _hypercall0(63));
    report("unknown_huge=%ld", _hypercall0(0xFFFFFFFFUL));

    /* A batch with good and bad entries: each gets its own result. */
    nested[0].op = __HYPERVISOR_xen_version;
    mc_add(&batch, __HYPERVISOR_console_io, CONSOLEIO_write, 6, (unsigned long)"batch\n");
    mc_add(&batch, 60, 0, 0, 0);
    mc_add(&batch, __HYPERVISOR_event_channel_op, UNMAPPED, 0, 0);
    mc_add(&batch, __HYPERVISOR_multicall, (unsigned long)nested, 1, 0);
    mc_add(&batch, __HYPERVISOR_xen_version, 0, 0, 0);
    rc = HYPERVISOR_multicall(batch.entries, batch.n);
    report("multicall rc=%ld results=%ld,%ld,%ld,%ld,%#lx", rc,
           (long)batch.entries[0].result, (long)batch.entries[1].result,
           (long)batch.entries[2].result, (long)batch.entries[3].result,
           batch.entries[4].result);

    report("still_works=%ld", HYPERVISOR_console_io(CONSOLEIO_write, 12, "still works\n"));
    return 0;
}
