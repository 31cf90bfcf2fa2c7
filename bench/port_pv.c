/*
 * bench/port_pv.c - the paravirtual port: bench/bench.c as a guest of
 * Parakeet (issue 17; uses labs 1-4).  Every operation of port.h becomes
 * the guest library's call - a hypercall, or a queued one - so this file
 * is the whole difference between `make bench`'s two columns on the
 * guest's side.  Built as guests/bench_pv.elf at lab 4 and later.
 */
#include <guest/events.h>
#include <guest/pmap.h>
#include <guest/traps.h>
#include <common/format.h>
#include <stdarg.h>

#include "port.h"

#define NR_SPACES 4

struct port_space {
    struct aspace as;
    int used;
};
static struct port_space spaces[NR_SPACES];

void bench_main(void);

const char *port_name(void)
{
    return "pv";
}

uint64_t port_timer_latency(void)
{
    return 0; /* lab 5's tests/bench_sched.c: set_timer_op -> VIRQ_TIMER */
}

int port_block_read(unsigned long sector, unsigned int count, void *buf)
{
    (void)sector, (void)count, (void)buf;
    return -1; /* lab 6's tests/bench_io.c: through the split driver */
}

unsigned long port_ticks(void)
{
    volatile struct vcpu_time_info *t =
        &((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].time;

    return t->version / 2; /* +2 per update: odd while one is under way */
}

/* int $0x80 through the direct gate: exit leaves port_run_user, anything
 * else is the null system call. */
static void syscall_handler(struct trap_frame *f)
{
    if (f->eax == PORT_SYS_exit)
        return_from_user((int)f->ebx);
    f->eax = 0;
}

static void skip_faulting_load(struct trap_frame *f)
{
    f->eip += 5; /* `movl 0x1000, %eax` is A1 + a 4-byte address */
}

static void unexpected_fault(struct trap_frame *f)
{
    report("bench page fault at eip=%#lx cr2=%#lx", (unsigned long)f->eip, guest_cr2());
    shutdown(SHUTDOWN_crash);
}

int port_init(void)
{
    long rc;

    pmap_init();
    if ((rc = traps_init()) < 0 || (rc = make_user_pages()) < 0)
        return (int)rc;
    if (fast_trap_status < 0)
        return (int)fast_trap_status; /* the direct gate is what we measure */
    set_trap_callback(SYSCALL_VECTOR, syscall_handler);
    set_trap_callback(14, unexpected_fault);
    return 0;
}

void port_report(const char *fmt, ...)
{
    char line[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    report("%s", line);
}

void port_exit(int code)
{
    shutdown(code ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}

int port_run_user(void (*entry)(void), unsigned long esp)
{
    return pmap_enter_user(entry, esp);
}

void port_skip_faults(int on)
{
    set_trap_callback(14, on ? skip_faulting_load : unexpected_fault);
}

void port_irq_disable(void)
{
    local_irq_disable(); /* the vcpu's upcall mask: a store */
}

void port_irq_enable(void)
{
    local_irq_enable(); /* a store, and a hypercall only if events wait */
}

unsigned long port_frame_alloc(void)
{
    unsigned long pfn = pfn_alloc();

    return pfn == PFN_NONE ? 0 : pfn;
}

void port_frame_free(unsigned long frame)
{
    pfn_free(frame);
}

struct port_space *port_space_new(void)
{
    unsigned int i;

    for (i = 0; i < NR_SPACES; i++)
        if (!spaces[i].used) {
            if (aspace_create(&spaces[i].as) < 0)
                return 0;
            spaces[i].used = 1;
            return &spaces[i];
        }
    return 0;
}

void port_space_free(struct port_space *s)
{
    aspace_destroy(&s->as);
    s->used = 0;
}

void port_map(struct port_space *s, unsigned long va, unsigned long frame, int queue)
{
    if (frame)
        aspace_map(&s->as, va, frame, _PAGE_RW);
    else
        aspace_unmap(&s->as, va);
    if (!queue)
        pmap_flush(); /* one mmu_update of one entry */
}

void port_flush(void)
{
    pmap_flush();
}

void port_map_current(unsigned long va, unsigned long frame)
{
    uint32_t val = frame ? MAKE_PTE(pfn_to_mfn(frame), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER) : 0;

    HYPERVISOR_update_va_mapping(va, val, UVMF_INVLPG);
}

void port_switch(struct port_space *s)
{
    if (s)
        aspace_switch(&s->as);
    else
        aspace_switch_kernel();
}

void port_space_copy(struct port_space *to, struct port_space *from)
{
    aspace_copy(&to->as, &from->as);
}

void port_space_clear(struct port_space *s)
{
    unsigned long va;
    uint32_t pte;

    for (va = PORT_USER_BASE; va < PORT_USER_BASE + 128 * PORT_PAGE_SIZE; va += PORT_PAGE_SIZE)
        if ((pte = aspace_pte(&s->as, va)) & _PAGE_PRESENT) {
            aspace_unmap(&s->as, va);
            pfn_free(mfn_to_pfn(PTE_MFN(pte)));
        }
    pmap_flush();
}

int main(void)
{
    bench_main();
    return 0;
}
