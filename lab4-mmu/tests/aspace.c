/*
 * tests/aspace.c - a guest manages its own address space (lab 4).
 *
 * It builds a fresh page directory and L1 from free pfns, pins them,
 * switches to them, runs a ring-3 program whose heap and stack pages are
 * all demand-paged (the page-fault handler of guest/pmap.c maps a zero
 * page on each first touch), then runs three programs that make bad
 * accesses and are killed, switches back, unpins and frees everything.
 * At each step it reads the frames' type and counts back through
 * page_info (hypercall 50), and at the end checks that no frame was lost,
 * in its own allocator or in the hypervisor's.
 * Exercises: 1 (counts), 2 and 3 (validation when pinned), 4 (the queue's
 * mmu_update), 5 (pin, NEW_BASEPTR, unpin).
 */
#include <guest/pmap.h>

#define HEAP_PAGES 10
#define HEAP_END (USER_VIRT_BASE + 0x100000)
#define STACK_LO (USER_VIRT_END - 0x10000)

/* ---- ring 3 ---- */

/* Fill HEAP_PAGES pages of the heap, read them back, use two stack
 * pages; exit with the sum (or -1 if a page did not hold its values). */
USER_FN static void user_main(void)
{
    volatile char buf[6000];
    volatile uint32_t *heap = (volatile uint32_t *)USER_VIRT_BASE;
    uint32_t i, sum = 0;

    buf[0] = 1;
    buf[sizeof(buf) - 1] = 2;
    for (i = 0; i < HEAP_PAGES; i++)
        heap[i * 1024 + i] = i * 7 + 1; /* one word per page, a new page each */
    for (i = 0; i < HEAP_PAGES; i++) {
        if (heap[i * 1024] != 0 && i != 0) /* a fresh page reads 0 */
            user_syscall3(SYS_exit, -1, 0, 0);
        sum += heap[i * 1024 + i];
    }
    user_syscall3(SYS_exit, (long)sum + buf[0] + buf[sizeof(buf) - 1], 0, 0);
}

/* Outside both demand-paged ranges: killed. */
USER_FN static void user_wild_read(void)
{
    user_syscall3(SYS_exit, *(volatile uint32_t *)(USER_VIRT_BASE + 0x200000), 0, 0);
}
/* The kernel's own memory: present but not user: killed. */
USER_FN static void user_kernel_write(void)
{
    *(volatile uint32_t *)GUEST_VIRT_BASE = 0;
    user_syscall3(SYS_exit, 0, 0, 0);
}
/* The machine-to-phys table: the hypervisor's, read-only: killed. */
USER_FN static void user_m2p_write(void)
{
    *(volatile unsigned long *)MACH2PHYS_VIRT_START = 0;
    user_syscall3(SYS_exit, 0, 0, 0);
}

/* ---- ring 1 ---- */

static int run(const char *name, void (*fn)(void))
{
    unsigned long faults = demand_stats.faults;
    int rc = pmap_enter_user(fn, USER_VIRT_END);

    if (rc == DEMAND_KILLED)
        printf("ring-3 program %s killed: page fault at %#lx, error code %#lx\n", name,
               demand_stats.kill_va, demand_stats.kill_err);
    if (rc == DEMAND_KILLED)
        report("%s killed va=%#lx error=%#lx faults=%lu", name, demand_stats.kill_va,
               demand_stats.kill_err, demand_stats.faults - faults);
    else
        report("%s exit=%d faults=%lu", name, rc, demand_stats.faults - faults);
    return rc;
}

int main(void)
{
    static struct aspace as;
    unsigned long hv_free0, pfns_free0, l1_mfn, l2_mfn, data_mfn;
    long rc;

    rc = traps_init();
    pmap_init();
    report("init traps=%ld user_pages=%d", rc, make_user_pages());
    demand_paging_init(USER_VIRT_BASE, HEAP_END, STACK_LO);
    hv_free0 = hv_free_frames();
    pfns_free0 = nr_free_pfns();
    report_frame("boot_l2", virt_to_mfn((void *)start_info->pt_base));

    rc = aspace_create(&as);
    report("create=%ld", rc);
    if (rc < 0)
        return 1;
    l1_mfn = pfn_to_mfn(as.l1_pfn);
    l2_mfn = pfn_to_mfn(as.l2_pfn);
    report_frame("pinned l2", l2_mfn);
    report_frame("pinned l1", l1_mfn);
    report("kernel_maps l2_rw=%u l1_rw=%u",
           !!(kernel_pte((unsigned long)pfn_to_virt(as.l2_pfn)) & _PAGE_RW),
           !!(kernel_pte((unsigned long)pfn_to_virt(as.l1_pfn)) & _PAGE_RW));

    rc = aspace_switch(&as);
    report("switch=%ld", rc);
    printf("running in my own address space: page directory pfn %lu (mfn %#lx), "
           "user L1 pfn %lu\n",
           as.l2_pfn, l2_mfn, as.l1_pfn);
    report_frame("current l2", l2_mfn);

    run("demand", user_main);
    report("mapped pages=%u", aspace_mapped_pages(&as));
    printf("a ring-3 program ran on %u pages, each mapped on its first touch\n",
           aspace_mapped_pages(&as));
    data_mfn = PTE_MFN(aspace_pte(&as, USER_VIRT_BASE));
    report_frame("heap page", data_mfn);
    run("wild_read", user_wild_read);
    run("kernel_write", user_kernel_write);
    run("m2p_write", user_m2p_write);

    rc = aspace_switch_kernel();
    report("switch_back=%ld", rc);
    report_frame("unused l2", l2_mfn);

    rc = aspace_destroy(&as);
    report("destroy=%ld", rc);
    report_frame("freed l2", l2_mfn);
    report_frame("freed l1", l1_mfn);
    report_frame("freed heap page", data_mfn);
    printf("address space torn down: %lu lab 4 hypercalls in all\n", pmap_hypercalls);
    report("balance hv_frames=%ld pfns=%ld hypercalls=%lu",
           (long)(hv_free_frames() - hv_free0), (long)(nr_free_pfns() - pfns_free0),
           pmap_hypercalls);
    return 0;
}
