/*
 * tests/exceptions.c - exceptions from ring 1 and ring 3 reach the guest's
 * own handlers with the frame the hardware would build (lab 2).
 *
 * Each case is one instruction between two labels.  The handler finds the
 * case by the EIP it was given, records the frame, and resumes after the
 * instruction.  The guest then compares what its handler saw with what
 * the CPU would have pushed, and reports the comparison.
 * Exercises: 1 (policy), 2 (trap table), 3 (bouncing), 4 (page faults),
 * 5 (stack_switch, for ring 3).
 */
#include <guest/traps.h>

struct fault_case {
    const char *name;
    unsigned int vector;
    uint32_t error;          /* expected error code (0 when none)           */
    int is_trap;             /* saved EIP is after the instruction           */
    unsigned long cr2;       /* expected %cr2 for page faults                */
    const char *at, *end;    /* labels around the instruction                */
    int seen;
    struct trap_frame got;
    unsigned long got_cr2;
    unsigned long frame_at;  /* where the handler found the frame          */
};

#define LABELS(n) extern char n[], n##_end[];
LABELS(k_de) LABELS(k_bp) LABELS(k_of) LABELS(k_ud) LABELS(k_gp) LABELS(k_pf)
LABELS(u_de) LABELS(u_bp) LABELS(u_of) LABELS(u_ud) LABELS(u_gp) LABELS(u_pf)
LABELS(u_pfp) LABELS(k_int81) LABELS(k_int14) LABELS(k_tf) LABELS(u_int81) LABELS(u_int14)

static struct fault_case cases[] = {
    { "ring1.de", 0, 0, 0, 0, k_de, k_de_end, 0, {0}, 0, 0 },
    { "ring1.bp", 3, 0, 1, 0, k_bp, k_bp_end, 0, {0}, 0, 0 },
    { "ring1.of", 4, 0, 1, 0, k_of, k_of_end, 0, {0}, 0, 0 },
    { "ring1.ud", 6, 0, 0, 0, k_ud, k_ud_end, 0, {0}, 0, 0 },
    { "ring1.gp", 13, (0x40 << 3) | 2, 0, 0, k_gp, k_gp_end, 0, {0}, 0, 0 },
    { "ring1.pf", 14, 0x2, 0, 0xB0000000, k_pf, k_pf_end, 0, {0}, 0, 0 },
    { "ring3.de", 0, 0, 0, 0, u_de, u_de_end, 0, {0}, 0, 0 },
    { "ring3.bp", 3, 0, 1, 0, u_bp, u_bp_end, 0, {0}, 0, 0 },
    { "ring3.of", 4, 0, 1, 0, u_of, u_of_end, 0, {0}, 0, 0 },
    { "ring3.ud", 6, 0, 0, 0, u_ud, u_ud_end, 0, {0}, 0, 0 },
    { "ring3.gp", 13, (0x40 << 3) | 2, 0, 0, u_gp, u_gp_end, 0, {0}, 0, 0 },
    { "ring3.pf", 14, 0x4, 0, 0xB0000004, u_pf, u_pf_end, 0, {0}, 0, 0 },
    { "ring3.pf_present", 14, 0x5, 0, GUEST_VIRT_BASE, u_pfp, u_pfp_end, 0, {0}, 0, 0 },
    /*
     * `int n` through the hypervisor: its gate for n is DPL 0, so the CPU
     * raises #GP (error n << 3 | 2) and the hypervisor delivers vector n
     * after the instruction only if the guest's trap table lets the ring
     * use it: 0x81 is DPL 3, 14 (#PF) DPL 0, which stays a #GP.
     */
    { "ring1.int81", 0x81, 0, 1, 0, k_int81, k_int81_end, 0, {0}, 0, 0 },
    { "ring1.int14", 13, (14 << 3) | 2, 0, 0, k_int14, k_int14_end, 0, {0}, 0, 0 },
    /* #UD with EFLAGS.TF set: a gate clears TF, so no #DB in the handler. */
    { "ring1.ud_tf", 6, 0, 0, 0, k_tf, k_tf_end, 0, {0}, 0, 0 },
    { "ring3.int81", 0x81, 0, 1, 0, u_int81, u_int81_end, 0, {0}, 0, 0 },
    { "ring3.int14", 13, (14 << 3) | 2, 0, 0, u_int14, u_int14_end, 0, {0}, 0, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void record_and_skip(struct trap_frame *f)
{
    unsigned int i;
    for (i = 0; i < NCASES; i++) {
        struct fault_case *c = &cases[i];
        unsigned long where = (unsigned long)(c->is_trap ? c->end : c->at);
        if (f->eip == where && f->vector == c->vector) {
            c->seen++;
            c->got = *f;
            c->frame_at = (unsigned long)f;
            if (f->vector == 14)
                c->got_cr2 = guest_cr2();
            f->eip = (uint32_t)(unsigned long)c->end;
            f->eflags &= ~0x100u; /* resume without TF (ring1.ud_tf set it) */
            return;
        }
    }
    report("unexpected.trap vector=%u error=%#x eip=%#x", f->vector, f->error_code,
           f->eip);
    shutdown(SHUTDOWN_crash);
}

/* The same six instructions in ring 1 ... */
static void kernel_faults(void)
{
    __asm__ volatile(
        "xorl %%edx, %%edx; movl $1, %%eax; xorl %%ecx, %%ecx\n"
        ".globl k_de, k_de_end\nk_de: divl %%ecx\nk_de_end:\n"
        ".globl k_bp, k_bp_end\nk_bp: int3\nk_bp_end:\n"
        "movl $0x7fffffff, %%eax; addl $1, %%eax\n"
        ".globl k_of, k_of_end\nk_of: into\nk_of_end:\n"
        ".globl k_ud, k_ud_end\nk_ud: ud2\nk_ud_end:\n"
        ".globl k_gp, k_gp_end\nk_gp: int $0x40\nk_gp_end:\n"
        ".globl k_pf, k_pf_end\nk_pf: movl %%eax, 0xB0000000\nk_pf_end:\n"
        ".globl k_int81, k_int81_end\nk_int81: int $0x81\nk_int81_end:\n"
        ".globl k_int14, k_int14_end\nk_int14: int $0x0e\nk_int14_end:\n"
        "pushfl; orl $0x100, (%%esp); popfl\n"
        ".globl k_tf, k_tf_end\nk_tf: ud2\nk_tf_end:\n"
        : : : "eax", "ecx", "edx", "memory", "cc");
}

/* ... and in ring 3, plus a user read of a present kernel page. */
USER_FN static void user_faults(void)
{
    __asm__ volatile(
        "xorl %%edx, %%edx; movl $1, %%eax; xorl %%ecx, %%ecx\n"
        ".globl u_de, u_de_end\nu_de: divl %%ecx\nu_de_end:\n"
        ".globl u_bp, u_bp_end\nu_bp: int3\nu_bp_end:\n"
        "movl $0x7fffffff, %%eax; addl $1, %%eax\n"
        ".globl u_of, u_of_end\nu_of: into\nu_of_end:\n"
        ".globl u_ud, u_ud_end\nu_ud: ud2\nu_ud_end:\n"
        ".globl u_gp, u_gp_end\nu_gp: int $0x40\nu_gp_end:\n"
        ".globl u_pf, u_pf_end\nu_pf: movl 0xB0000004, %%eax\nu_pf_end:\n"
        ".globl u_pfp, u_pfp_end\nu_pfp: movl 0xC0000000, %%eax\nu_pfp_end:\n"
        ".globl u_int81, u_int81_end\nu_int81: int $0x81\nu_int81_end:\n"
        ".globl u_int14, u_int14_end\nu_int14: int $0x0e\nu_int14_end:\n"
        : : : "eax", "ecx", "edx", "memory", "cc");
    user_syscall3(SYS_exit, 0, 0, 0);
}

static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));

int main(void)
{
    unsigned int i;
    long rc = traps_init();
    int code;

    report("traps_init=%ld", rc);
    if (rc < 0)
        return 1;
    for (i = 0; i < 20; i++)
        set_trap_callback(i, record_and_skip);
    set_trap_callback(SYSCALL_VECTOR, exit_only_syscall);
    set_trap_callback(SYSCALL_VECTOR_SLOW, record_and_skip);

    kernel_faults();
    if (make_user_pages() < 0) {
        report("user pages could not be mapped");
        return 1;
    }
    code = enter_user(user_faults, (unsigned long)user_stack + sizeof(user_stack));
    report("user.exit=%d", code);

    for (i = 0; i < NCASES; i++) {
        const struct fault_case *c = &cases[i];
        unsigned long want_eip = (unsigned long)(c->is_trap ? c->end : c->at);
        int ring = c->name[4] == '1' ? 1 : 3;
        int on_kstack = c->frame_at >= (unsigned long)trap_stack &&
                        c->frame_at < (unsigned long)trap_stack + TRAP_STACK_SIZE;
        report("%s seen=%d vector=%u error=%#x eip=%s ring=%u%s%s%s", c->name, c->seen,
               c->got.vector, c->got.error_code,
               c->got.eip == want_eip ? "ok" : "wrong", c->got.cs & 3,
               c->vector == 14 ? (c->got_cr2 == c->cr2 ? " cr2=ok" : " cr2=wrong") : "",
               ring == 3 ? ((c->got.ss & 3) == 3 && c->got.esp > (unsigned long)user_stack &&
                                    c->got.esp <= (unsigned long)user_stack + sizeof(user_stack)
                                ? " user_esp=ok" : " user_esp=wrong")
                         : "",
               /* from ring 3 the frame must be on the stack_switch stack */
               ring == 3 ? (on_kstack ? " kernel_stack=ok" : " kernel_stack=wrong") : "");
        (void)c->error;
    }
    return 0;
}
