/*
 * tests/readonly_alias.c - a multicall the hypervisor can read but not
 * write back (lab 4; lab 3's multicall-readonly, the lab 4 way).
 *
 * Lab 3's badptr.c made a read-only alias of one of its pages by writing
 * its own page table, which lab 4 forbids; here the alias is made with
 * update_va_mapping, at an address just past shared_info that nothing has
 * used (so no stale TLB entry can make it writable).  A multicall whose
 * entries are read through that alias must fail with -EFAULT when the
 * hypervisor cannot write an entry's result, instead of reporting
 * success; the entry really is unchanged; a later call still works.
 * Exercises: 1, 2, 3 (the domain's tables), 6 (update_va_mapping) and 4
 * (whose mod_l1_entry update_va_mapping shares).
 */
#include <guest/events.h>
#include <guest/pmap.h>

int main(void)
{
    static multicall_entry_t page[PAGE_SIZE / sizeof(multicall_entry_t)]
        __attribute__((aligned(PAGE_SIZE)));
    unsigned long alias = start_info->shared_info_va + 2 * PAGE_SIZE;
    long rc;

    page[0].op = __HYPERVISOR_xen_version;
    page[0].result = 0x5555;
    rc = HYPERVISOR_update_va_mapping(alias, MAKE_PTE(virt_to_mfn(page), _PAGE_PRESENT),
                                      UVMF_INVLPG);
    report("alias map=%ld readable=%d", rc,
           rc == 0 && ((multicall_entry_t *)alias)->op == __HYPERVISOR_xen_version);
    if (rc < 0)
        return 1;
    report("multicall_readonly=%ld", HYPERVISOR_multicall((multicall_entry_t *)alias, 1));
    report("entry result=%#lx", (unsigned long)page[0].result);
    rc = HYPERVISOR_multicall(page, 1);
    report("multicall_writable=%ld result=%#lx", rc, (unsigned long)page[0].result);
    report("alias unmap=%ld", HYPERVISOR_update_va_mapping(alias, 0, UVMF_INVLPG));
    report("still_works=%ld", HYPERVISOR_console_io(CONSOLEIO_write, 12, "still works\n"));
    return 0;
}
