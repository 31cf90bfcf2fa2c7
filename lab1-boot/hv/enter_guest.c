/*
 * hv/enter_guest.c - the first entry into a guest, in ring 1 (lab 1,
 * exercise 5).
 *
 * There is no instruction "go to ring 1".  The only way down the rings is
 * to return from a trap: `iret` pops eip, cs, eflags and - because the new
 * privilege level differs - esp and ss.  So we write the frame a trap from
 * the guest *would* have left at the top of the hypervisor stack
 * (guest_cpu_user_regs()) and "return" to it with return_to_guest().
 */
#include <hv/exercise.h>
#include <hv/lib.h>
#include <hv/sched.h>

/*
 * Exercise 5: switch to the domain's page directory (%cr3 takes a machine
 * address) and fill the frame: the guest starts at d->entry in ring 1
 * (FLAT_KERNEL_CS), on the stack d->boot_stack_top (FLAT_KERNEL_SS), with
 * data segments FLAT_KERNEL_DS, interrupts enabled in EFLAGS (bit 1 always
 * set), %esi = d->start_info_va, every other register 0.  Then
 * return_to_guest().
 */
void enter_guest(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct cpu_user_regs *regs = guest_cpu_user_regs();

    /* LAB 1: your code here (exercise 5: into ring 1) */
    (void)regs;
    EXERCISE_TODO(1, 5, "into ring 1");
    domain_crash(d, "cannot enter the guest: LAB 1 exercise 5 is not done");
    schedule();
}
