/*
 * tests/m2pfault.c - a write to the read-only machine-to-phys table is a
 * page fault the guest's own handler sees (lab 2).
 *
 * The m2p is mapped at MACH2PHYS_VIRT_START present, read-only and
 * supervisor-only, and the guest segments reach it.  So:
 *   - a ring-1 write to our first frame's entry is a #PF with error 0x3
 *     (present, write, supervisor) and cr2 = that entry's address; the
 *     handler skips the instruction and the entry still holds pfn 0;
 *   - a ring-3 read of the same entry is a #PF with error 0x5 (present,
 *     read, user): ring 3 cannot even read the table.
 * The handler records what it saw; main() compares it with what the CPU
 * must have reported.  Exercises: 1 (policy), 2 (trap table), 3
 * (bouncing), 4 (cr2), 5 (stack_switch, for ring 3).
 */
#include <guest/traps.h>

struct pf_case {
    const char *at, *end; /* labels around the faulting instruction */
    int seen;
    uint32_t error;
    unsigned long cr2;
};
extern char k_m2p[], k_m2p_end[], u_m2p[], u_m2p_end[];
static struct pf_case kcase = { k_m2p, k_m2p_end, 0, 0, 0 };
static struct pf_case ucase = { u_m2p, u_m2p_end, 0, 0, 0 };

static void on_page_fault(struct trap_frame *f)
{
    struct pf_case *c = f->eip == (uint32_t)(unsigned long)k_m2p   ? &kcase
                        : f->eip == (uint32_t)(unsigned long)u_m2p ? &ucase
                                                                   : NULL;

    if (!c) {
        report("unexpected.trap vector=%u error=%#x eip=%#x cr2=%#lx", f->vector,
               f->error_code, f->eip, guest_cr2());
        shutdown(SHUTDOWN_crash);
    }
    c->seen++;
    c->error = f->error_code;
    c->cr2 = guest_cr2();
    f->eip = (uint32_t)(unsigned long)c->end;
}

/* The entry ring 3 reads: a plain variable in user data, set by main(). */
static unsigned long user_target USER_DATA;

USER_FN static void user_read(void)
{
    __asm__ volatile(".globl u_m2p, u_m2p_end\nu_m2p: movl (%0), %%eax\nu_m2p_end:\n"
                     : : "r"(user_target) : "eax", "memory");
    user_syscall3(SYS_exit, 0, 0, 0);
}

static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));

int main(void)
{
    const volatile unsigned long *m2p = (const volatile unsigned long *)MACH2PHYS_VIRT_START;
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    unsigned long entry = (unsigned long)&m2p[mfn_list[0]];
    long rc = traps_init();
    int code;

    report("traps_init=%ld", rc);
    if (rc < 0)
        return 1;
    set_trap_callback(14, on_page_fault);
    set_trap_callback(SYSCALL_VECTOR, exit_only_syscall);

    __asm__ volatile(".globl k_m2p, k_m2p_end\nk_m2p: movl $0x5a5a5a5a, (%0)\nk_m2p_end:\n"
                     : : "r"(entry) : "memory");
    report("m2p.ring1_write seen=%d error=%#x cr2=%s entry=%#lx", kcase.seen, kcase.error,
           kcase.cr2 == entry ? "ok" : "wrong", m2p[mfn_list[0]]);

    if (make_user_pages() < 0) {
        report("user pages could not be mapped");
        return 1;
    }
    user_target = entry;
    code = enter_user(user_read, (unsigned long)user_stack + sizeof(user_stack));
    report("m2p.ring3_read seen=%d error=%#x cr2=%s exit=%d", ucase.seen, ucase.error,
           ucase.cr2 == entry ? "ok" : "wrong", code);
    return 0;
}
