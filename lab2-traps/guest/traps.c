/*
 * guest/traps.c - the guest kernel's trap table and handlers (lab 2,
 * given).  Handlers are entered in ring 1 (guest/trap_entry.S) and call the
 * callback a test installed for the vector, or report the trap and crash.
 */
#include <guest/traps.h>
#include <public/errno.h>

extern char guest_trap_0[], guest_trap_1[], guest_trap_2[], guest_trap_3[],
    guest_trap_4[], guest_trap_5[], guest_trap_6[], guest_trap_7[],
    guest_trap_8[], guest_trap_9[], guest_trap_10[], guest_trap_11[],
    guest_trap_12[], guest_trap_13[], guest_trap_14[], guest_trap_15[],
    guest_trap_16[], guest_trap_17[], guest_trap_18[], guest_trap_19[],
    guest_trap_128[], guest_trap_129[];
static char *const stubs[20] = {
    guest_trap_0, guest_trap_1, guest_trap_2, guest_trap_3, guest_trap_4,
    guest_trap_5, guest_trap_6, guest_trap_7, guest_trap_8, guest_trap_9,
    guest_trap_10, guest_trap_11, guest_trap_12, guest_trap_13, guest_trap_14,
    guest_trap_15, guest_trap_16, guest_trap_17, guest_trap_18, guest_trap_19,
};

static trap_callback_t callbacks[256];
struct trap_frame last_trap;
unsigned long nr_guest_traps;
long fast_trap_status = -1;
/* The kernel stack for traps from ring 3 (stack_switch). */
uint8_t trap_stack[TRAP_STACK_SIZE] __attribute__((aligned(16)));

void set_trap_callback(unsigned int vector, trap_callback_t fn)
{
    callbacks[vector & 255] = fn;
}

unsigned long guest_cr2(void)
{
    return ((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].arch.cr2;
}

void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
    nr_guest_traps++;
    last_trap = *f;
    if (callbacks[f->vector]) {
        callbacks[f->vector](f);
        return;
    }
    printf("unexpected trap: vector %u, error code %#x, eip %#x, cs %#x\n",
           f->vector, f->error_code, f->eip, f->cs);
    report("unexpected.trap vector=%u error=%#x eip=%#x ring=%u", f->vector,
           f->error_code, f->eip, f->cs & 3);
    shutdown(SHUTDOWN_crash);
}

long traps_init(void)
{
    static trap_info_t table[23];
    unsigned int i, n = 0;
    long rc;

    for (i = 0; i < 20; i++) {
        table[n].vector = (uint8_t)i;
        /* int3 and into may be used by applications, like on real hardware. */
        table[n].flags = (i == 3 || i == 4) ? 3 : 0;
        table[n].cs = FLAT_KERNEL_CS;
        table[n].address = (unsigned long)stubs[i];
        n++;
    }
    table[n].vector = SYSCALL_VECTOR;
    table[n].flags = 3; /* applications make system calls */
    table[n].cs = FLAT_KERNEL_CS;
    table[n].address = (unsigned long)guest_trap_128;
    n++;
    /*
     * A second system-call vector, without a direct gate: `int $0x81` from
     * ring 1 or 3 hits the hypervisor's DPL-0 gate, and the #GP it causes
     * is delivered to us as vector 0x81 because this entry allows ring 3.
     */
    table[n].vector = SYSCALL_VECTOR_SLOW;
    table[n].flags = 3;
    table[n].cs = FLAT_KERNEL_CS;
    table[n].address = (unsigned long)guest_trap_129;
    n++;
    table[n].address = 0; /* end of the table */

    if ((rc = HYPERVISOR_set_trap_table(table)) < 0)
        return rc;
    if ((rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                      (unsigned long)trap_stack + sizeof(trap_stack))) < 0)
        return rc;
    fast_trap_status = HYPERVISOR_set_fast_trap(SYSCALL_VECTOR);
    return 0;
}

/*
 * Our page tables are ours to write until lab 4: set _PAGE_USER on every
 * page of the .user section.  Weak: from lab 4 our page tables are
 * read-only, and lab 4's guest/pmap.c defines the version that asks the
 * hypervisor instead.  The PDE points at a page-table frame; its
 * pfn (hence our address for it) is found in the frame list.  This is
 * safe without a TLB flush (which ring 1 cannot do) only because nothing
 * has touched these pages yet: no stale translation can be cached.
 */
__attribute__((weak)) int make_user_pages(void)
{
    extern char __user_start[], __user_end[];
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    uint32_t *pd = (uint32_t *)start_info->pt_base;
    unsigned long va;

    for (va = (unsigned long)__user_start; va < (unsigned long)__user_end; va += 4096) {
        unsigned long l1_mfn = pd[va >> 22] >> 12, pfn;
        uint32_t *l1 = NULL;
        for (pfn = 0; pfn < start_info->nr_pages; pfn++)
            if (mfn_list[pfn] == l1_mfn)
                l1 = (uint32_t *)(GUEST_VIRT_BASE + pfn * 4096);
        if (!l1)
            return -1;
        l1[(va >> 12) & 1023] |= 0x4; /* _PAGE_USER */
    }
    return 0;
}

int enter_user_asm(void (*entry)(void), unsigned long user_esp);
int enter_user(void (*entry)(void), unsigned long user_esp)
{
    return enter_user_asm(entry, user_esp);
}

void exit_only_syscall(struct trap_frame *f)
{
    if (f->eax == SYS_exit)
        return_from_user((int)f->ebx);
    f->eax = (uint32_t)-ENOSYS;
}
