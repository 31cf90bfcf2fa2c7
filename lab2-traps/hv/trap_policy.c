/*
 * hv/trap_policy.c - what to do with an exception a guest raised (lab 2,
 * exercises 1 and 4).
 *
 * This file defines do_guest_trap(), replacing lab 1's weak "report and
 * destroy" (hv/traps.c).  trap_dispatch() has already dealt with
 * hypercalls, interrupts and the hypervisor's own faults, so everything
 * here came from the guest, in ring 1 or ring 3.  Kinds (Intel SDM 6.5):
 *   - faults (#DE #UD #GP #PF ...): the saved EIP is the faulting
 *     instruction; the handler may fix the cause and retry it;
 *   - traps (#BP from int3, #OF from into): EIP is the next instruction;
 *   - aborts (#DF #MC): no reliable state; the domain cannot continue.
 * A guest's `int n` arrives as #GP with error code (n << 3) | 2, because
 * every gate but a few has DPL 0; if the guest's own table lets the ring
 * that executed it raise n, it is delivered as the interrupt it asked for.
 */
#include <hv/bounce.h>
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/traps.h>

enum trap_kind { KIND_FAULT, KIND_TRAP, KIND_ABORT };

static enum trap_kind trap_kind(unsigned int vector)
{
    switch (vector) {
    case TRAP_debug:
    case TRAP_int3:
    case TRAP_overflow:
        return KIND_TRAP;
    case TRAP_double_fault:
    case TRAP_machine_check:
        return KIND_ABORT;
    default:
        return KIND_FAULT;
    }
}

/*
 * Exercise 4: store the faulting address where the guest reads it: the
 * virtual CPU's arch.cr2 in the shared_info page (Xen 3 does the same; the
 * guest cannot read %cr2 itself, ring 0 only).
 */
void propagate_page_fault(struct vcpu *v, unsigned long cr2)
{
    /* LAB 2: your code here (exercise 4: page faults) */
    (void)v; (void)cr2;
    EXERCISE_TODO(2, 4, "page faults");
}

/*
 * Exercise 1: route one guest exception.
 *   - an abort ends the domain (report_guest_fault + domain_crash);
 *   - #GP from `int n` ((error_code & 3) == 2, n = error_code >> 3) is
 *     delivered as vector n, with EIP past the 2-byte instruction and no
 *     error code, if trap_ctxt[n] has a handler whose privilege level
 *     allows the current ring; otherwise it stays a #GP;
 *   - #PF: propagate_page_fault() first (read %cr2 before anything else
 *     can fault);
 *   - no handler registered: report and destroy, naming the exception;
 *   - otherwise create_bounce_frame() to trap_ctxt[vector]'s cs:address
 *     (with the error code when the vector has one).
 * Before any of that, the nested-fault check, a rule of your design (the
 * handout, exercise 1): a handler that faults before it can even start
 * must end the domain through nested_fault() (which does not return),
 * never loop, while working handlers keep working.
 */
void do_guest_trap(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vector = regs->entry_vector;
    unsigned int ring = regs->cs & 3;
    /* LAB 2: your code here (exercise 1: dispatch policy) */
    (void)v; (void)ring; (void)trap_kind;
    EXERCISE_TODO(2, 1, "dispatch policy");
    report_guest_fault(regs);
    domain_crash(current->domain, "%s: LAB 2 exercise 1 (dispatch policy) is not done",
                 trap_name(vector));
}
