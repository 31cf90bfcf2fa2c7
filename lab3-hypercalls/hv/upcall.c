/*
 * hv/upcall.c - delivering events: set_callbacks and the upcall (lab 3,
 * exercise 3).
 *
 * Events replace interrupts.  The guest registers one entry point, its
 * event callback; whenever the hypervisor is about to return to the guest
 * and an unmasked event is waiting, it makes the guest "take an interrupt"
 * there: the same frame an interrupt gate would build (eip, cs, eflags, and
 * esp, ss from ring 3 - no error code), built by lab 2's
 * create_bounce_frame.  While the callback runs, events are masked
 * (evtchn_upcall_mask = 1), as an interrupt gate clears IF; the guest
 * unmasks when it is done.
 */
#include <hv/bounce.h>
#include <hv/desc.h>
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/traps.h>

/*
 * Exercise 3a: set_callbacks(event_cs, event_eip, failsafe_cs,
 * failsafe_eip) (Xen 3.0 x86_32).  Validate both like a trap handler: the
 * selector must be the guest kernel's code segment FLAT_KERNEL_CS (ring 1,
 * never ring 0) and the address below HYPERVISOR_VIRT_START; -EINVAL and
 * one console line otherwise, changing nothing.  Then record them in the
 * vcpu.  (The failsafe callback is the guest's handler for a segment
 * register that cannot be reloaded on the way back to it: lab 1's exit
 * path delivers it through hv/failsafe.c.)
 */
static long do_set_callbacks(unsigned long event_cs, unsigned long event_eip,
                             unsigned long failsafe_cs, unsigned long failsafe_eip)
{
    struct vcpu *v = current;
    /* LAB 3: your code here (exercise 3: upcalls) */
    (void)v; (void)event_cs; (void)event_eip; (void)failsafe_cs; (void)failsafe_eip;
    EXERCISE_TODO(3, 3, "upcalls");
    return -ENOSYS;
}
REGISTER_HYPERCALL(__HYPERVISOR_set_callbacks, do_set_callbacks);

/*
 * Exercise 3b: the last thing before every return to the guest (it
 * replaces lab 1's empty weak test_all_events in hv/traps.c).  If the
 * guest registered a callback, an event is pending (evtchn_upcall_pending)
 * and events are not masked: mask them and bounce to the callback with
 * create_bounce_frame(regs, BOUNCE_UPCALL, cs, eip, 0, 0).
 */
void test_all_events(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct vcpu_info *vi = &v->domain->shared_info->vcpu_info[0];
    /* LAB 3: your code here (exercise 3: upcalls) */
    (void)regs; (void)v; (void)vi;
}
