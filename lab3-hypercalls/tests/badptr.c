/*
 * tests/badptr.c - no pointer can hurt the hypervisor (lab 3).  Every
 * hypercall that takes a pointer is called with a null pointer, one into
 * the hole, an unmapped one, a misaligned one that runs off the end of
 * mapped memory, and a length that wraps; each must fail with -EFAULT or
 * -EINVAL, and a valid call must still work afterwards.  Unknown
 * hypercall numbers give -ENOSYS, and a multicall returns each entry's own
 * result; it takes 64 entries but not 65 and writes back only each
 * entry's result word.  Exercises: 2, 5.
 *
 * op=readonly: only this - a multicall whose entries the hypervisor can
 * read but not write (a read-only alias of our page) fails with -EFAULT
 * when it cannot write a result.  Exercise 5.  A test of its own
 * (multicall-readonly), because the alias is made differently before and
 * from lab 4 (readonly_alias() below).
 */
#include <guest/events.h>
#include <guest/traps.h>

#define HOLE 0xFC100000UL
#define UNMAPPED 0xB0000000UL

/*
 * A read-only alias of the page holding `p`, at a virtual address nothing
 * has used yet (two pages past shared_info: no stale TLB entry can make it
 * writable).  From lab 4 our page tables are read-only to us and
 * update_va_mapping (hypercall 14) installs the entry after checking it,
 * or mmu_update (hypercall 1) does, while a student's lab 4 has the one
 * but not yet the other; before lab 4 neither exists (-ENOSYS) and our
 * page tables are ours to write (the known gap).  0 if nothing works.
 */
#define ALIAS_UVMF_INVLPG 2 /* UVMF_INVLPG, lab 4's public/mmu.h */
struct alias_mmu_update {   /* lab 4's mmu_update_t: machine address, value */
    uint64_t ptr, val;
};

static unsigned long readonly_alias(const void *p)
{
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    uint32_t *pd = (uint32_t *)start_info->pt_base;
    unsigned long alias = start_info->shared_info_va + 2 * 4096;
    unsigned long pfn = ((unsigned long)p - GUEST_VIRT_BASE) >> 12, i;
    uint32_t pte = (uint32_t)(mfn_list[pfn] << 12) | 0x1; /* present, not RW */
    uint32_t *l1 = NULL;
    struct alias_mmu_update req;
    long rc;

    rc = _hypercall5(__HYPERVISOR_update_va_mapping, alias, pte, 0, ALIAS_UVMF_INVLPG, 0);
    if (rc == 0)
        return alias + ((unsigned long)p & 4095);
    if (rc != -ENOSYS) {
        report("readonly_alias update_va_mapping=%ld", rc);
        return 0;
    }
    if (!(pd[alias >> 22] & 1))
        return 0;
    req.ptr = ((uint64_t)(pd[alias >> 22] >> 12) << 12) + ((alias >> 12) & 1023) * 4;
    req.val = pte;
    rc = _hypercall5(__HYPERVISOR_mmu_update, (unsigned long)&req, 1, 0, 0x7FF0 /* DOMID_SELF */, 0);
    if (rc == 0) /* (no invlpg: nothing has used the alias, see above) */
        return alias + ((unsigned long)p & 4095);
    if (rc != -ENOSYS) {
        report("readonly_alias mmu_update=%ld", rc);
        return 0;
    }
    for (i = 0; i < start_info->nr_pages; i++)
        if (mfn_list[i] == pd[alias >> 22] >> 12)
            l1 = (uint32_t *)(GUEST_VIRT_BASE + i * 4096);
    if (!l1)
        return 0;
    l1[(alias >> 12) & 1023] = pte;
    return alias + ((unsigned long)p & 4095);
}

/* Entries the hypervisor can read but not write: -EFAULT, not 0. */
static void multicall_readonly(void)
{
    static multicall_entry_t ro_page[4096 / sizeof(multicall_entry_t)]
        __attribute__((aligned(4096)));
    unsigned long ro;

    ro_page[0].op = __HYPERVISOR_xen_version;
    ro = readonly_alias(ro_page);
    report("multicall_readonly=%ld",
           ro ? HYPERVISOR_multicall((multicall_entry_t *)ro, 1) : -1000L);
}

static void multicall_limits(void)
{
    static multicall_entry_t many[MAX_MULTICALL_ENTRIES + 1];
    static multicall_entry_t selfref[2];
    evtchn_op_t *op = (evtchn_op_t *)&selfref[0].args[1];
    unsigned int i, ok = 0;
    long rc;

    for (i = 0; i <= MAX_MULTICALL_ENTRIES; i++)
        many[i].op = __HYPERVISOR_xen_version;
    rc = HYPERVISOR_multicall(many, MAX_MULTICALL_ENTRIES);
    for (i = 0; i < MAX_MULTICALL_ENTRIES; i++)
        ok += many[i].result == 0x10000;
    report("multicall_64 rc=%ld results_ok=%u", rc, ok);
    report("multicall_65=%ld", HYPERVISOR_multicall(many, MAX_MULTICALL_ENTRIES + 1));

    /*
     * The entry's own argument words hold the evtchn_op its call fills in:
     * writing back the whole entry, not just its result, would undo it.
     */
    selfref[0].op = __HYPERVISOR_event_channel_op;
    selfref[0].args[0] = (unsigned long)op;
    op->cmd = EVTCHNOP_alloc_unbound;
    op->u.alloc_unbound.dom = DOMID_SELF;
    op->u.alloc_unbound.remote_dom = DOMID_SELF;
    op->u.alloc_unbound.port = 0;
    rc = HYPERVISOR_multicall(selfref, 1);
    report("multicall_result_only rc=%ld result=%ld port_kept=%d", rc,
           (long)selfref[0].result, op->u.alloc_unbound.port > 0);
}

int main(void)
{
    /* Our mappings end with the shared_info page: 3 bytes before the end
     * is misaligned, and any structure there runs into unmapped memory. */
    unsigned long edge = start_info->shared_info_va + 4096 - 3;
    const unsigned long bad[4] = { 0, HOLE, UNMAPPED, edge };
    const char *names[4] = { "null", "hole", "unmapped", "misaligned" };
    static struct mc_batch batch;
    static multicall_entry_t nested[1];
    const char *what = cmdline_option("op");
    unsigned int i;
    long rc;

    if (what && !strcmp(what, "readonly")) {
        multicall_readonly();
        report("still_works=%ld", HYPERVISOR_console_io(CONSOLEIO_write, 12, "still works\n"));
        return 0;
    }

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

    multicall_limits();
    report("still_works=%ld", HYPERVISOR_console_io(CONSOLEIO_write, 12, "still works\n"));
    return 0;
}
