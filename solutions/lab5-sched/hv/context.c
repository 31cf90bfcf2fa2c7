/*
 * hv/context.c - switching virtual CPUs (lab 5, exercise 4).
 *
 * Parakeet has one hypervisor stack.  Whenever a guest is in the
 * hypervisor, its registers are in the trap frame at the very top of that
 * stack (guest_cpu_user_regs(), hv/entry.S); return_to_guest() loads
 * whatever frame is there.  So switching from one vCPU to another is:
 *
 *   1. copy the frame into prev->user_regs: its general and segment
 *      registers, eip, eflags, its stack pointer - everything the CPU
 *      pushed or entry.S saved (context_save);
 *   2. switch what the *processor* holds for a vCPU outside that frame:
 *      every lab registered a vcpu switch hook for its piece - lab 2 the
 *      TSS's ring-1 stack (from stack_switch) and the direct system-call
 *      gate, lab 4 the GDT and LDT frames, lab 5 the FPU (below); the
 *      trap table and callbacks live in struct vcpu and need nothing;
 *   3. load next's address space (%cr3 = its page directory, lab 4's
 *      d->pt_base_mfn) and copy next->user_regs into the frame;
 *   4. deliver next's pending events and iret into it.
 *
 * The FPU is switched *lazily*: a switch only sets CR0.TS, so the next
 * x87 instruction raises #NM.  Only then does the hypervisor save the
 * FPU's previous owner's state and restore (or initialise) this one's.
 * A domain that never touches the FPU never pays for it; a domain that
 * is the only FPU user keeps it across switches with no #NM at all.
 * A guest can ask for the same trick for its own tasks (fpu_taskswitch,
 * hypercall 5): its virtual TS makes the #NM bounce to its own handler
 * once the hypervisor has made the FPU its own.
 */
#include <hv/bvt.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/time.h>
#include <hv/traps.h>

static struct vcpu *fpu_owner;  /* whose state is in the FPU, or NULL */
static int guest_ts[MAX_DOMAINS]; /* fpu_taskswitch(1): the guest's TS */

/* A freshly initialised x87 in fnsave's 108-byte layout: control word
 * 0x37F (all exceptions masked, 64-bit precision), every tag empty, every
 * register zero - identical on every emulator, unlike fninit's registers. */
static const uint16_t fpu_init_image[54] = { 0x037F, 0, 0, 0, 0xFFFF };

static inline void stts(void) { write_cr0(read_cr0() | X86_CR0_TS); }
static inline void clts(void) { __asm__ volatile("clts" ::: "memory"); }

/* Exercise 4: save the frame of prev (which is alive); 1 when done.  (0
 * tells the scheduler it cannot switch: each domain then runs until it
 * ends, as in lab 1.) */
int context_save(struct vcpu *prev)
{
    //@ begin lab5 ex4: save a vcpu
    prev->user_regs = *guest_cpu_user_regs();
    return 1;
    //@ stub
    //@ (void)prev;
    //@ TODO_ONCE(5, 4, "save a vcpu");
    //@ return 0;
    //@ end
}

/*
 * Exercise 4: run next after prev (prev NULL the first time; prev may have
 * ended, or be next itself).  Never returns.
 */
void context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    struct sched_info *si = SI(next);

    si->last_start = NOW();
    //@ begin lab5 ex4: switch to a vcpu
    if (prev != next) {
        run_vcpu_switch_hooks(prev, next); /* TSS, syscall gate, GDT/LDT, FPU */
        si->nr_switches++;
    }
    current = next;
    update_vcpu_system_time(next);
    if (!si->has_run) {             /* its first time: lab 1 builds the frame */
        si->has_run = 1;
        enter_guest(next);
    }
    write_cr3(next->domain->pt_base_mfn << PAGE_SHIFT);
    *regs = next->user_regs;
    //@ stub
    //@ TODO_ONCE(5, 4, "switch to a vcpu");
    //@ current = next;
    //@ if (!si->has_run) { /* so that the first domain still starts */
    //@     si->has_run = 1;
    //@     run_vcpu_switch_hooks(prev, next);
    //@     enter_guest(next);
    //@ }
    //@ domain_crash(next->domain, "cannot switch back to it: LAB 5 exercise 4 is not done");
    //@ schedule();
    //@ end
    guest_exit_work(regs);          /* its events; or, if it ended, the next */
    return_to_guest();
}

/*
 * Exercise 4, lazy FPU: the vcpu switch hook (replacing lab 1's, which
 * reset the FPU for every domain).  No saving here: set TS unless next
 * already owns the FPU and has not set its own virtual TS.
 */
void fpu_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    write_cr0(read_cr0() & ~X86_CR0_EM);
    //@ begin lab5 ex4: lazy FPU switch
    if (next == fpu_owner && !guest_ts[next->domain->domain_id])
        clts();
    else
        stts();
    //@ stub
    //@ (void)next; (void)fpu_owner; (void)guest_ts;
    //@ clts();
    //@ __asm__ volatile("frstor %0" : : "m"(fpu_init_image));
    //@ end
}

/*
 * Exercise 4: #NM, the first x87 instruction since TS was set.  Make the
 * FPU current's: save the previous owner's state (fnsave), load current's
 * (frstor; the clean image the first time), clear TS.  If the guest had
 * set its own TS (fpu_taskswitch), clear that and bounce the #NM to it,
 * as the processor would have.
 */
static void do_device_not_available(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct sched_info *si;

    if (!guest_mode(regs) || !v)
        fatal_trap(regs);   /* the hypervisor never uses the FPU */
    si = SI(v);
    si->nr_nm++;
    //@ begin lab5 ex4: #NM
    clts();
    if (fpu_owner != v) {
        if (fpu_owner)
            __asm__ volatile("fnsave %0" : "=m"(fpu_owner->fpu_state));
        if (v->fpu_dirtied)
            __asm__ volatile("frstor %0" : : "m"(v->fpu_state));
        else
            __asm__ volatile("frstor %0" : : "m"(fpu_init_image));
        v->fpu_dirtied = 1;      /* here: "has a saved state worth restoring" */
        fpu_owner = v;
    }
    if (guest_ts[v->domain->domain_id]) {
        guest_ts[v->domain->domain_id] = 0;
        do_guest_trap(regs);     /* lab 2 bounces it to the guest's handler */
    }
    //@ stub
    //@ TODO_ONCE(5, 4, "#NM");
    //@ domain_crash(v->domain, "#NM at %#x: LAB 5 exercise 4 (lazy FPU) is not done",
    //@              regs->eip);
    //@ end
}
REGISTER_TRAP_HANDLER(TRAP_no_device, do_device_not_available);

/* fpu_taskswitch(set): the guest's own TS (Xen 3.0, hypercall 5). */
static long do_fpu_taskswitch(unsigned long set)
{
    struct vcpu *v = current;

    guest_ts[v->domain->domain_id] = set != 0;
    if (set)
        stts();
    else if (fpu_owner == v)
        clts();
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_fpu_taskswitch, do_fpu_taskswitch);

/* A domain that ended owns nothing: its FPU state is simply dropped. */
void fpu_forget(struct vcpu *v)
{
    if (fpu_owner == v)
        fpu_owner = NULL;
    guest_ts[v->domain->domain_id] = 0;
}
