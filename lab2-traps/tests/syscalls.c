/*
 * tests/syscalls.c - 10 000 system calls from ring 3 through the direct
 * gate (lab 2).  Each carries three arguments the kernel checks; the
 * hypervisor's own count of entries from this domain, printed when it
 * ends, shows that none of them went through the hypervisor.
 * With `move_gate`, the guest first moves its direct gate to 0x81: the
 * old gate must be gone, so the same calls on 0x80 then all go through
 * the hypervisor (its count shows it) and still arrive.
 * Exercises: 2, 5, 6.
 */
#include <guest/traps.h>

#define NCALLS 10000

static unsigned long calls, bad_args, interrupts_off;
static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));

USER_FN static void user_main(void)
{
    long i, wrong = 0;
    for (i = 0; i < NCALLS; i++)
        if (user_syscall3(SYS_check, i, i * 3, i ^ 0x55) != i + 1)
            wrong++;
    user_syscall3(SYS_exit, wrong, 0, 0);
}

static unsigned long read_eflags(void)
{
    unsigned long f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

static void syscall_handler(struct trap_frame *f)
{
    switch (f->eax) {
    case SYS_check:
        calls++;
        if (!(read_eflags() & 0x200)) /* a trap gate leaves IF set */
            interrupts_off++;
        if (f->ecx != f->ebx * 3 || f->edx != (f->ebx ^ 0x55))
            bad_args++;
        f->eax = f->ebx + 1;
        return;
    case SYS_exit:
        return_from_user((int)f->ebx);
    default:
        f->eax = (uint32_t)-38;
    }
}

int main(void)
{
    long rc = traps_init();
    int wrong;

    report("traps_init=%ld", rc);
    report("fast_trap=%ld", fast_trap_status);
    if (rc < 0 || make_user_pages() < 0)
        return 1;
    if (cmdline_option("move_gate"))
        report("moved_gate=%ld", HYPERVISOR_set_fast_trap(SYSCALL_VECTOR_SLOW));
    set_trap_callback(SYSCALL_VECTOR, syscall_handler);
    wrong = enter_user(user_main, (unsigned long)user_stack + sizeof(user_stack));
    report("syscalls calls=%lu bad_args=%lu wrong_results=%d interrupts_off=%lu", calls,
           bad_args, wrong, interrupts_off);
    return 0;
}
