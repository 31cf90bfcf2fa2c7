/*
 * tests/hostile_cpu.c - a guest kernel that attacks the CPU interface (lab 2;
 * issue 15).  Table-driven: each attack is one instruction, run from ring
 * 1 with the guest's own trap table installed, and each must come back to
 * the guest as the fault the processor defines - #GP with the documented
 * error code - bounced by the hypervisor to the guest's handler, which
 * skips the instruction.  Nothing may execute: had one of them worked,
 * the guest would be running with the hypervisor's privilege.
 *
 * Classes (the names in the report lines):
 *   priv.*  privileged instructions from ring 1: #GP(0)
 *   sel.*   loading the hypervisor's selectors (ring-0 code and data, its
 *           TSS and LDT slots, beyond the GDT, a TI=1 selector with the
 *           null LDT lab 1 loads) into a segment register: #GP(selector)
 *   far.*   far jumps and calls to the hypervisor's code and TSS, and an
 *           iret to ring 0: #GP(selector)
 *   int     `int n` for every vector 0..255 from ring 1: #GP((n << 3) | 2)
 *           except the gates a guest may use (3 and 4: its own handler;
 *           0x80 and 0x81: its system call handlers, 0x81 through the
 *           hypervisor's #GP as Xen does; 0x82: the hypercall)
 *   int, priv3  the same `int n` and eight privileged instructions from an
 *           application in ring 3 (there 0x82 is a #GP too)
 */
#include <guest/traps.h>

struct attack {
    const char *cls; /* priv, sel or far */
    const char *name;
    void (*run)(void);
    const char *end; /* where the handler resumes: after the instruction */
    unsigned int error; /* the #GP error code expected */
};

/* Each stub is `instruction; stub_end: ret`: the #GP handler resumes at
 * the stub's end label, past the instruction that faulted. */
#define STUB(name, insn)                                                   \
    void atk_##name(void);                                                 \
    extern const char atk_##name##_end[];                                  \
    __asm__(".text\n.globl atk_" #name "\natk_" #name ":\n" insn "\n"      \
            ".globl atk_" #name "_end\natk_" #name "_end:\nret\n")

STUB(cli, "cli");
STUB(sti, "sti");
STUB(hlt, "hlt");
STUB(lgdt, "lgdt 0xC0000000");
STUB(lidt, "lidt 0xC0000000");
STUB(lldt, "xorl %eax, %eax\nlldt %ax");
STUB(ltr, "movl $0xe040, %eax\nltr %ax");
STUB(mov_cr0, "movl $0x80000011, %eax\nmovl %eax, %cr0");
STUB(read_cr3, "movl %cr3, %eax");
STUB(mov_cr4, "xorl %eax, %eax\nmovl %eax, %cr4");
STUB(mov_dr7, "xorl %eax, %eax\nmovl %eax, %dr7");
STUB(clts, "clts");
STUB(lmsw, "xorl %eax, %eax\nlmsw %ax");
STUB(invlpg, "invlpg 0xC0000000");
STUB(wbinvd, "wbinvd");
STUB(wrmsr, "movl $0x1b, %ecx\nxorl %eax, %eax\nxorl %edx, %edx\nwrmsr");
STUB(rdmsr, "movl $0x1b, %ecx\nrdmsr");
STUB(in, "inb $0x80, %al");
STUB(out, "outb %al, $0x80");
STUB(rdpmc, "xorl %ecx, %ecx\nrdpmc");
/* The hypervisor's selectors (hv/desc.h) into data and stack registers. */
STUB(ds_hv_code, "movl $0xe008, %eax\nmovl %eax, %ds");
STUB(es_hv_data, "movl $0xe010, %eax\nmovl %eax, %es");
STUB(fs_hv_data_rpl1, "movl $0xe011, %eax\nmovl %eax, %fs");
STUB(gs_tss, "movl $0xe040, %eax\nmovl %eax, %gs");
STUB(ss_hv_data, "movl $0xe010, %eax\nmovl %eax, %ss");
STUB(ss_ring3_data, "movl $0xe033, %eax\nmovl %eax, %ss");
STUB(es_ldt_slot, "movl $0xe048, %eax\nmovl %eax, %es");
STUB(es_beyond_gdt, "movl $0xfff9, %eax\nmovl %eax, %es");
STUB(es_ldt_selector, "movl $0x000d, %eax\nmovl %eax, %es");
/* Far transfers into the hypervisor, and an iret "returning" to ring 0. */
STUB(ljmp_hv_code, "ljmp $0xe008, $0");
STUB(lcall_hv_code, "lcall $0xe008, $0");
STUB(ljmp_tss, "ljmp $0xe040, $0");
STUB(lcall_tss, "lcall $0xe040, $0");
/* iret faults with its frame still pushed: the resume point restores %esp. */
uint32_t iret_saved_esp;
void atk_iret_ring0(void);
extern const char atk_iret_ring0_end[];
__asm__(".text\n.globl atk_iret_ring0\natk_iret_ring0:\n"
        "movl %esp, iret_saved_esp\n"
        "pushfl\npushl $0xe008\npushl $0\niret\n"
        ".globl atk_iret_ring0_end\natk_iret_ring0_end:\n"
        "movl iret_saved_esp, %esp\nret\n");

static const struct attack attacks[] = {
#define A(c, n, err) { #c, #n, atk_##n, atk_##n##_end, err }
    A(priv, cli, 0), A(priv, sti, 0), A(priv, hlt, 0), A(priv, lgdt, 0),
    A(priv, lidt, 0), A(priv, lldt, 0), A(priv, ltr, 0), A(priv, mov_cr0, 0),
    A(priv, read_cr3, 0), A(priv, mov_cr4, 0), A(priv, mov_dr7, 0), A(priv, clts, 0),
    A(priv, lmsw, 0), A(priv, invlpg, 0), A(priv, wbinvd, 0), A(priv, wrmsr, 0),
    A(priv, rdmsr, 0), A(priv, in, 0), A(priv, out, 0), A(priv, rdpmc, 0),
    A(sel, ds_hv_code, 0xe008), A(sel, es_hv_data, 0xe010),
    A(sel, fs_hv_data_rpl1, 0xe010), A(sel, gs_tss, 0xe040), A(sel, ss_hv_data, 0xe010),
    A(sel, ss_ring3_data, 0xe030), A(sel, es_ldt_slot, 0xe048),
    A(sel, es_beyond_gdt, 0xfff8), A(sel, es_ldt_selector, 0x000c),
    A(far, ljmp_hv_code, 0xe008), A(far, lcall_hv_code, 0xe008), A(far, ljmp_tss, 0xe040),
    A(far, lcall_tss, 0xe040), A(far, iret_ring0, 0xe008),
#undef A
};
#define NR_ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

static const char *resume_at;     /* the current attack's end label */
static unsigned int seen_vector, seen_error, nr_seen;

/* Ring 3's side: the application says which attack it makes and how long
 * the instruction is (it cannot write kernel memory; we can read its). */
static uint8_t user_stack[4096] USER_DATA __attribute__((aligned(16)));
static volatile uint32_t user_attack USER_DATA, user_len USER_DATA;
#define NR_USER_ATTACKS (256 + 8)
static unsigned int r3_vector[NR_USER_ATTACKS], r3_error[NR_USER_ATTACKS],
    r3_count[NR_USER_ATTACKS];

static int from_user(const struct trap_frame *f)
{
    if ((f->cs & 3) != 3)
        return 0;
    if (user_attack < NR_USER_ATTACKS) {
        r3_vector[user_attack] = f->vector;
        r3_error[user_attack] = f->error_code;
        r3_count[user_attack]++;
    }
    return 1;
}

/* #GP and the other faults: note what came, resume past the attack. */
static void on_fault(struct trap_frame *f)
{
    if (from_user(f)) {
        f->eip += user_len;
        return;
    }
    seen_vector = f->vector;
    seen_error = f->error_code;
    nr_seen++;
    f->eip = (uint32_t)resume_at;
}
/* int3 (vector 3), into (4), int $0x80: traps, eip is already past. */
static void on_trap(struct trap_frame *f)
{
    if ((f->vector == SYSCALL_VECTOR || f->vector == SYSCALL_VECTOR_SLOW) &&
        (f->cs & 3) == 3 && f->eax == SYS_exit)
        return_from_user(0);
    if (from_user(f)) {
        r3_error[user_attack] = 0;
        return;
    }
    seen_vector = f->vector;
    seen_error = 0;
    nr_seen++;
}

static void run_attacks(void)
{
    unsigned int i;

    for (i = 0; i < NR_ATTACKS; i++) {
        const struct attack *a = &attacks[i];
        uint16_t ds = read_segment(ds), ss = read_segment(ss);

        nr_seen = 0;
        seen_vector = seen_error = ~0u;
        resume_at = a->end;
        a->run();
        /* report only what the processor and the hypervisor decided */
        report("%s %s vector=%u error=%#x faults=%u ok=%d", a->cls, a->name,
               seen_vector, seen_error, nr_seen,
               nr_seen == 1 && seen_vector == 13 && seen_error == a->error &&
               read_segment(ds) == ds && read_segment(ss) == ss);
    }
}

/* int n, every n: a stub per vector, generated by the assembler. */
void int_stubs(void);
extern const uint32_t int_stub_table[256];
__asm__(".text\n.globl int_stubs\nint_stubs:\n"
        ".set n, 0\n.rept 256\n"
        "movl $63, %eax\n"           /* for 0x82: an unknown hypercall   */
        ".byte 0xcd, n\n"             /* int $n, 2 bytes even for n = 3 */
        "ret\n"
        ".set n, n + 1\n.endr\n"
        ".section .rodata\n.globl int_stub_table\n.align 4\nint_stub_table:\n"
        ".set n, 0\n.rept 256\n.long int_stubs + n * 8\n.set n, n + 1\n.endr\n.text\n");

static void run_int_n(void)
{
    unsigned int n, gp = 0, gp_error_ok = 0, own = 0, hypercall = 0, other = 0;
    long eax;

    for (n = 0; n < 256; n++) {
        void (*stub)(void) = (void (*)(void))int_stub_table[n];
        nr_seen = 0;
        seen_vector = ~0u;
        resume_at = (const char *)int_stub_table[n] + 7; /* mov 5 + int 2 */
        __asm__ volatile("call *%1" : "=a"(eax) : "r"(stub) : "ecx", "edx", "memory");
        if (n == 0x82 && nr_seen == 0 && eax == -ENOSYS) {
            hypercall++;
        } else if (nr_seen == 1 && seen_vector == 13) {
            gp++;
            if (seen_error == ((n << 3) | 2))
                gp_error_ok++;
            else
                report("int %#x: #GP error %#x, expected %#x", n, seen_error, (n << 3) | 2);
        } else if (nr_seen == 1 && seen_vector == n && (n == 3 || n == 4 || n == SYSCALL_VECTOR || n == SYSCALL_VECTOR_SLOW)) {
            own++;
        } else {
            other++;
            report("int %#x: vector=%u faults=%u eax=%ld", n, seen_vector, nr_seen, eax);
        }
    }
    report("int ring1 vectors=256 gp=%u gp_error_ok=%u own=%u hypercall=%u other=%u", gp,
           gp_error_ok, own, hypercall, other);
}

/* The same attacks from ring 3, in the application's pages. */
void user_int_stubs(void);
extern const uint32_t user_stub_table[NR_USER_ATTACKS][2];
__asm__(".pushsection .user.text,\"ax\"\n.globl user_int_stubs\nuser_int_stubs:\n"
        ".set n, 0\n.rept 256\n"
        ".byte 0xcd, n\n"             /* int $n */
        "ret\n"
        ".set n, n + 1\n.endr\n"
        "u_cli: cli\nu_cli_e: ret\n"
        "u_sti: sti\nu_sti_e: ret\n"
        "u_hlt: hlt\nu_hlt_e: ret\n"
        "u_in: inb $0x80, %al\nu_in_e: ret\n"
        "u_out: outb %al, $0x80\nu_out_e: ret\n"
        "u_cr3: movl %cr3, %eax\nu_cr3_e: ret\n"
        "u_lgdt: lgdt 0xC0000000\nu_lgdt_e: ret\n"
        "u_wrmsr: wrmsr\nu_wrmsr_e: ret\n"
        ".popsection\n"
        ".pushsection .user.data,\"aw\"\n.globl user_stub_table\n.align 4\nuser_stub_table:\n"
        ".set n, 0\n.rept 256\n.long user_int_stubs + n * 3, user_int_stubs + n * 3 + 2\n"
        ".set n, n + 1\n.endr\n"
        ".long u_cli, u_cli_e, u_sti, u_sti_e, u_hlt, u_hlt_e, u_in, u_in_e\n"
        ".long u_out, u_out_e, u_cr3, u_cr3_e, u_lgdt, u_lgdt_e, u_wrmsr, u_wrmsr_e\n"
        ".popsection\n");
static const char *const user_priv_names[8] = { "cli", "sti", "hlt", "in", "out",
                                                "read_cr3", "lgdt", "wrmsr" };

USER_FN static void user_main(void)
{
    uint32_t i;

    for (i = 0; i < NR_USER_ATTACKS; i++) {
        user_attack = i;
        user_len = user_stub_table[i][1] - user_stub_table[i][0];
        __asm__ volatile("call *%0" : : "r"(user_stub_table[i][0]) : "eax", "ecx", "edx", "memory");
    }
    user_attack = ~0u;
    user_syscall3(SYS_exit, 0, 0, 0);
}

static void run_user(void)
{
    unsigned int n, gp = 0, gp_error_ok = 0, own = 0, other = 0, i;

    if (make_user_pages() < 0) {
        report("user pages could not be mapped");
        return;
    }
    enter_user(user_main, (unsigned long)user_stack + sizeof(user_stack));
    for (n = 0; n < 256; n++) {
        if (r3_count[n] == 1 && r3_vector[n] == 13) {
            gp++;
            if (r3_error[n] == ((n << 3) | 2))
                gp_error_ok++;
            else
                report("ring3 int %#x: #GP error %#x, expected %#x", n, r3_error[n], (n << 3) | 2);
        } else if (r3_count[n] == 1 && r3_vector[n] == n && (n == 3 || n == 4 || n == SYSCALL_VECTOR || n == SYSCALL_VECTOR_SLOW)) {
            own++;
        } else {
            other++;
            report("ring3 int %#x: vector=%u faults=%u", n, r3_vector[n], r3_count[n]);
        }
    }
    report("int ring3 vectors=256 gp=%u gp_error_ok=%u own=%u other=%u", gp, gp_error_ok,
           own, other);
    for (i = 0; i < 8; i++)
        report("priv3 %s vector=%u error=%#x faults=%u", user_priv_names[i],
               r3_vector[256 + i], r3_error[256 + i], r3_count[256 + i]);
}

int main(void)
{
    unsigned int v;
    long rc = traps_init();

    report("traps_init=%ld", rc);
    if (rc < 0)
        return 1;
    for (v = 0; v < 20; v++)
        set_trap_callback(v, on_fault);
    set_trap_callback(3, on_trap);
    set_trap_callback(4, on_trap);
    set_trap_callback(SYSCALL_VECTOR, on_trap);
    set_trap_callback(SYSCALL_VECTOR_SLOW, on_trap);
    run_attacks();
    run_int_n();
    run_user();
    report("still_in_ring=%u", read_segment(cs) & 3);
    return 0;
}
