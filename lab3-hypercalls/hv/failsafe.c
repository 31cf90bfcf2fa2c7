/*
 * hv/failsafe.c - the failsafe callback (lab 3, given).
 *
 * Xen's *failsafe callback* is the guest's handler for one particular
 * fault: on the way back to the guest, one of its data segment selectors
 * (%ds, %es, %fs, %gs) cannot be reloaded - its descriptor changed while
 * the guest was in the hypervisor.  The guest registers it with
 * set_callbacks (exercise 3).  Lab 1's exit path (hv/entry.S) catches the
 * fault and calls the weak hook deliver_failsafe_callback(), which this
 * file overrides: build the frame Xen builds,
 *
 *     DS ES FS GS EIP CS EFLAGS [ESP SS]      (lowest address first)
 *
 * - an interrupt-style frame (lab 2's create_bounce_frame) with the four
 * selectors below it - and enter the callback with every data segment
 * register null, so that the reload cannot fault again.  The guest decides
 * what to load instead and returns with iret.  If the frame cannot be
 * written, the domain is crashed (create_bounce_frame's nested fault).
 */
#include <hv/bounce.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/traps.h>

int deliver_failsafe_callback(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint32_t segs[4] = { regs->ds & 0xFFFF, regs->es & 0xFFFF, regs->fs & 0xFFFF,
                         regs->gs & 0xFFFF };

    if (!v->failsafe_callback_eip)
        return 0;               /* none registered: lab 1's null selector */
    if (create_bounce_frame(regs, BOUNCE_FAILSAFE, (uint16_t)v->failsafe_callback_cs,
                            v->failsafe_callback_eip, 0, 0) < 0)
        return 1;               /* it ended the domain */
    if (copy_to_guest(regs->esp - sizeof(segs), segs, sizeof(segs))) {
        nested_fault(regs, BOUNCE_FAILSAFE, "#PF (stack unmapped or read-only)",
                     regs->esp - sizeof(segs));
        return 1;
    }
    regs->esp -= sizeof(segs);
    regs->ds = regs->es = regs->fs = regs->gs = 0;
    printk("d%u (%s): delivered to its failsafe callback at %#lx\n",
           v->domain->domain_id, v->domain->name, v->failsafe_callback_eip);
    return 1;
}
