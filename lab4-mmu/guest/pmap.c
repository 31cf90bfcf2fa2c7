/*
 * guest/pmap.c - the guest kernel's page tables, through the hypervisor
 * (lab 4, given: see guest/pmap.h for the whole picture).
 *
 * The rule the hypervisor enforces, and everything here is shaped by: a
 * frame is either a page table or writable, never both.  So to turn a
 * free frame into a page table we
 *   1. fill it while it is still ordinary writable memory (our kernel
 *      mapping of it, 0xC0000000 + pfn * 4 KiB, is read-write),
 *   2. make that kernel mapping read-only (a queued mmu_update on the
 *      kernel's L1), so that no writable mapping of the frame is left,
 *   3. pin it: the hypervisor validates every entry and types the frame.
 * And to give it back, the reverse: unpin, then make it writable again.
 */
#include <guest/pmap.h>

/* ---- lab 4 hypercalls, counted ---- */

unsigned long pmap_hypercalls;

long mmuext(unsigned int cmd, unsigned long arg)
{
    mmuext_op_t op = { .cmd = cmd };

    op.arg1.mfn = arg; /* the same word as linear_addr */
    pmap_hypercalls++;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* ---- free pfns: one bit each, set = free ---- */

#define MAX_PFNS 16384 /* 64 MiB of guest memory */
static uint32_t free_map[MAX_PFNS / 32];
static unsigned long nr_free, next_hint;

void pmap_init(void)
{
    unsigned long pfn, end = start_info->nr_pages;

    if (end > MAX_PFNS)
        end = MAX_PFNS;
    for (pfn = start_info->first_free_pfn; pfn < end; pfn++)
        pfn_free(pfn);
    next_hint = start_info->first_free_pfn;
}

unsigned long pfn_alloc(void)
{
    unsigned long i, pfn;

    for (i = 0; i < MAX_PFNS; i++) {
        pfn = (next_hint + i) % MAX_PFNS;
        if (free_map[pfn / 32] & (1u << (pfn % 32))) {
            free_map[pfn / 32] &= ~(1u << (pfn % 32));
            nr_free--;
            next_hint = pfn + 1;
            return pfn;
        }
    }
    return PFN_NONE;
}

void pfn_free(unsigned long pfn)
{
    if (pfn >= MAX_PFNS || (free_map[pfn / 32] & (1u << (pfn % 32))))
        return; /* not ours to free, or freed twice: ignore */
    free_map[pfn / 32] |= 1u << (pfn % 32);
    nr_free++;
}

unsigned long nr_free_pfns(void)
{
    return nr_free;
}

/* ---- the update queue ---- */

static mmu_update_t queue[PMAP_QUEUE_LEN];
static unsigned int queued;
static int batching = 1;
unsigned int pmap_last_done;

long pmap_flush(void)
{
    unsigned int n = queued;
    long rc;

    if (n == 0)
        return 0;
    queued = 0;
    pmap_last_done = 0;
    pmap_hypercalls++;
    rc = HYPERVISOR_mmu_update(queue, n, &pmap_last_done, DOMID_SELF);
    if (rc < 0)
        printf("pmap: mmu_update refused request %u of %u (ptr %#llx val %#llx): %ld\n",
               pmap_last_done, n, (unsigned long long)queue[pmap_last_done].ptr,
               (unsigned long long)queue[pmap_last_done].val, rc);
    return rc;
}

void pmap_set_batching(int on)
{
    pmap_flush();
    batching = on;
}

static long queue_request(uint64_t ptr, uint64_t val)
{
    queue[queued].ptr = ptr;
    queue[queued].val = val;
    queued++;
    if (!batching || queued == PMAP_QUEUE_LEN)
        return pmap_flush();
    return 0;
}

long queue_pt_update(uint64_t ma, uint32_t val)
{
    return queue_request(ma | MMU_NORMAL_PT_UPDATE, val);
}

long queue_machphys_update(unsigned long mfn, unsigned long pfn)
{
    return queue_request(((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn);
}

/* ---- the kernel's own mappings (the bootstrap tables) ---- */

static const uint32_t *kernel_l2(void)
{
    return (const uint32_t *)start_info->pt_base; /* read-only, readable */
}

uint64_t kernel_pte_ma(unsigned long va)
{
    uint64_t l1_mfn = PTE_MFN(kernel_l2()[L2_INDEX(va)]);
    return (l1_mfn << PAGE_SHIFT) + L1_INDEX(va) * 4;
}

uint32_t kernel_pte(unsigned long va)
{
    uint32_t pde = kernel_l2()[L2_INDEX(va)];
    const uint32_t *l1;

    if (!(pde & _PAGE_PRESENT))
        return 0;
    l1 = pfn_to_virt(mfn_to_pfn(PTE_MFN(pde)));
    return l1[L1_INDEX(va)];
}

long kernel_map_pfn(unsigned long pfn, int writable)
{
    unsigned long va = (unsigned long)pfn_to_virt(pfn);
    uint32_t flags = _PAGE_PRESENT | (writable ? _PAGE_RW : 0);

    return queue_pt_update(kernel_pte_ma(va), MAKE_PTE(pfn_to_mfn(pfn), flags));
}

/*
 * Lab 2's make_user_pages wrote our page tables directly; from lab 4 they
 * are read-only, so this one (the strong definition; lab 2's is weak)
 * queues the same change: _PAGE_USER on every page of .user.
 */
int make_user_pages(void)
{
    extern char __user_start[], __user_end[];
    unsigned long va;

    for (va = (unsigned long)__user_start; va < (unsigned long)__user_end; va += PAGE_SIZE)
        if (queue_pt_update(kernel_pte_ma(va), kernel_pte(va) | _PAGE_USER) < 0)
            return -1;
    return pmap_flush() < 0 ? -1 : 0;
}

/* ---- address spaces ---- */

struct aspace *current_aspace;

static uint32_t *table(unsigned long pfn)
{
    return pfn_to_virt(pfn);
}

/* Fill a new page directory: the kernel's slots (its L1s, shared by every
 * space) and our user L1.  The hypervisor's slots (1008-1023) stay 0: they
 * are not ours, and the hypervisor fills them in when it validates the
 * directory, as Xen does. */
static void fill_l2(uint32_t *l2, unsigned long l1_pfn)
{
    const uint32_t *boot = kernel_l2();
    unsigned int i;

    memset(l2, 0, PAGE_SIZE);
    for (i = L2_INDEX(GUEST_VIRT_BASE); i < HV_FIRST_SLOT; i++)
        l2[i] = boot[i];
    l2[L2_INDEX(USER_VIRT_BASE)] =
        MAKE_PTE(pfn_to_mfn(l1_pfn), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
}

long aspace_create(struct aspace *as)
{
    long rc;

    as->l2_pfn = pfn_alloc();
    as->l1_pfn = pfn_alloc();
    if (as->l2_pfn == PFN_NONE || as->l1_pfn == PFN_NONE) {
        pfn_free(as->l2_pfn);
        pfn_free(as->l1_pfn);
        return -ENOMEM;
    }
    /* 1. Fill both while they are ordinary writable pages. */
    memset(table(as->l1_pfn), 0, PAGE_SIZE);
    fill_l2(table(as->l2_pfn), as->l1_pfn);
    /* 2. Our last writable mappings of them go: read-only from now on. */
    kernel_map_pfn(as->l1_pfn, 0);
    kernel_map_pfn(as->l2_pfn, 0);
    if ((rc = pmap_flush()) < 0)
        goto undo;
    /* 3. Pin the directory: the hypervisor validates it, and its L1s. */
    if ((rc = mmuext(MMUEXT_PIN_L2_TABLE, pfn_to_mfn(as->l2_pfn))) < 0)
        goto undo;
    return 0;
undo:
    kernel_map_pfn(as->l1_pfn, 1);
    kernel_map_pfn(as->l2_pfn, 1);
    pmap_flush();
    pfn_free(as->l1_pfn);
    pfn_free(as->l2_pfn);
    return rc;
}

static uint64_t user_pte_ma(const struct aspace *as, unsigned long va)
{
    return ((uint64_t)pfn_to_mfn(as->l1_pfn) << PAGE_SHIFT) + L1_INDEX(va) * 4;
}

long aspace_map(struct aspace *as, unsigned long va, unsigned long pfn, uint32_t flags)
{
    if (va < USER_VIRT_BASE || va >= USER_VIRT_END)
        return -EINVAL;
    return queue_pt_update(user_pte_ma(as, va),
                           MAKE_PTE(pfn_to_mfn(pfn), flags | _PAGE_PRESENT | _PAGE_USER));
}

long aspace_unmap(struct aspace *as, unsigned long va)
{
    if (va < USER_VIRT_BASE || va >= USER_VIRT_END)
        return -EINVAL;
    return queue_pt_update(user_pte_ma(as, va), 0);
}

uint32_t aspace_pte(const struct aspace *as, unsigned long va)
{
    if (va < USER_VIRT_BASE || va >= USER_VIRT_END)
        return 0;
    return table(as->l1_pfn)[L1_INDEX(va)];
}

unsigned int aspace_mapped_pages(const struct aspace *as)
{
    unsigned long va;
    unsigned int n = 0;

    for (va = USER_VIRT_BASE; va < USER_VIRT_END; va += PAGE_SIZE)
        n += !!(aspace_pte(as, va) & _PAGE_PRESENT);
    return n;
}

long aspace_switch(struct aspace *as)
{
    long rc;

    if ((rc = pmap_flush()) < 0)
        return rc;
    if ((rc = mmuext(MMUEXT_NEW_BASEPTR, pfn_to_mfn(as->l2_pfn))) < 0)
        return rc;
    current_aspace = as;
    return 0;
}

long aspace_switch_kernel(void)
{
    long rc;

    if ((rc = pmap_flush()) < 0)
        return rc;
    if ((rc = mmuext(MMUEXT_NEW_BASEPTR, virt_to_mfn((void *)start_info->pt_base))) < 0)
        return rc;
    current_aspace = NULL;
    return 0;
}

long aspace_destroy(struct aspace *as)
{
    const uint32_t *l1 = table(as->l1_pfn);
    unsigned int i;
    long rc;

    if (current_aspace == as && (rc = aspace_switch_kernel()) < 0)
        return rc;
    if ((rc = pmap_flush()) < 0)
        return rc;
    /* Unpinned and unused, the directory and its L1 lose their types
     * (and the references they held on the program's pages). */
    if ((rc = mmuext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(as->l2_pfn))) < 0)
        return rc;
    /* The tables are plain pages again: writable, then free.  Their
     * contents are still readable: they tell which pages to free. */
    for (i = 0; i < 1024; i++)
        if (l1[i] & _PAGE_PRESENT)
            pfn_free(mfn_to_pfn(PTE_MFN(l1[i])));
    kernel_map_pfn(as->l1_pfn, 1);
    kernel_map_pfn(as->l2_pfn, 1);
    if ((rc = pmap_flush()) < 0)
        return rc;
    pfn_free(as->l1_pfn);
    pfn_free(as->l2_pfn);
    as->l1_pfn = as->l2_pfn = PFN_NONE;
    return 0;
}

long aspace_copy(struct aspace *to, const struct aspace *from)
{
    unsigned long va, pfn;
    uint32_t pte;
    long rc;

    for (va = USER_VIRT_BASE; va < USER_VIRT_END; va += PAGE_SIZE) {
        pte = aspace_pte(from, va);
        if (!(pte & _PAGE_PRESENT))
            continue;
        if ((pfn = pfn_alloc()) == PFN_NONE)
            return -ENOMEM;
        memcpy(pfn_to_virt(pfn), pfn_to_virt(mfn_to_pfn(PTE_MFN(pte))), PAGE_SIZE);
        if ((rc = aspace_map(to, va, pfn, pte & _PAGE_RW)) < 0)
            return rc;
    }
    return pmap_flush();
}

/* ---- demand paging ---- */

struct demand_stats demand_stats;
int (*kernel_fault)(struct trap_frame *f, unsigned long cr2);
static unsigned long heap_lo, heap_hi, stack_lo;

#define PF_PRESENT 0x1 /* error code: the page was present (a protection fault) */

static int demand_range(unsigned long va)
{
    return (va >= heap_lo && va < heap_hi) || (va >= stack_lo && va < USER_VIRT_END);
}

/* A zero page at va in the current space: 0, or why not. */
static long demand_map(unsigned long va)
{
    unsigned long pfn = pfn_alloc();
    long rc;

    if (pfn == PFN_NONE)
        return -ENOMEM;
    memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
    if ((rc = aspace_map(current_aspace, va & ~(PAGE_SIZE - 1), pfn, _PAGE_RW)) < 0 ||
        (rc = pmap_flush()) < 0) {
        pfn_free(pfn);
        return rc;
    }
    demand_stats.faults++;
    return 0;
}

static void page_fault(struct trap_frame *f)
{
    unsigned long cr2 = guest_cr2();

    if ((f->cs & 3) != 3) {
        if (kernel_fault && kernel_fault(f, cr2))
            return;
        printf("pmap: kernel page fault at %#lx (error %#x, eip %#x)\n", cr2,
               f->error_code, f->eip);
        report("unexpected.trap vector=14 error=%#x eip=%#x ring=%u cr2=%#lx",
               f->error_code, f->eip, f->cs & 3, cr2);
        shutdown(SHUTDOWN_crash);
    }
    if (current_aspace && !(f->error_code & PF_PRESENT) && demand_range(cr2) &&
        demand_map(cr2) == 0)
        return; /* the queue is flushed: back to ring 3, which retries */
    demand_stats.kills++;
    demand_stats.kill_va = cr2;
    demand_stats.kill_err = f->error_code;
    return_from_user(DEMAND_KILLED);
}

void demand_paging_init(unsigned long heap_start, unsigned long heap_end,
                        unsigned long stack_low)
{
    heap_lo = heap_start;
    heap_hi = heap_end;
    stack_lo = stack_low;
    set_trap_callback(14, page_fault);
    set_trap_callback(SYSCALL_VECTOR, exit_only_syscall);
}

int pmap_enter_user(void (*entry)(void), unsigned long user_esp)
{
    if (pmap_flush() < 0)
        return -1;
    return enter_user(entry, user_esp);
}

/* ---- for tests and debugging: one frame's counts, as the hypervisor sees them ---- */

long report_frame(const char *tag, unsigned long mfn)
{
    struct parakeet_page_info pi;
    long rc = HYPERVISOR_page_info(mfn, &pi);

    if (rc < 0) {
        report("%s page_info=%ld", tag, rc);
        return rc;
    }
    report("%s type=%u type_count=%u count=%u pinned=%u validated=%u owner=%s", tag,
           (unsigned)pi.type, (unsigned)pi.type_count, (unsigned)pi.count,
           !!(pi.flags & PAGE_INFO_PINNED), !!(pi.flags & PAGE_INFO_VALIDATED),
           pi.owner == start_info->domid ? "self"
           : pi.owner == DOMID_XEN       ? "xen"
           : pi.owner == DOMID_FREE      ? "free"
                                         : "other");
    return 0;
}

unsigned long hv_free_frames(void)
{
    struct parakeet_page_info pi;

    if (HYPERVISOR_page_info(0, &pi) < 0)
        return ~0UL;
    return pi.nr_free;
}

unsigned long hv_owned_frames(void)
{
    struct parakeet_page_info pi;

    if (HYPERVISOR_page_info(0, &pi) < 0)
        return ~0UL;
    return pi.nr_owned;
}
