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
    //@ begin lab3 ex3: upcalls
    if (event_cs != FLAT_KERNEL_CS || failsafe_cs != FLAT_KERNEL_CS) {
        printk("d%u: set_callbacks: selectors %#lx/%#lx, expected the ring-1 code "
               "segment %#x\n", v->domain->domain_id, event_cs, failsafe_cs,
               FLAT_KERNEL_CS);
        return -EINVAL;
    }
    if (event_eip >= HYPERVISOR_VIRT_START || failsafe_eip >= HYPERVISOR_VIRT_START) {
        printk("d%u: set_callbacks: callback %#lx or %#lx is in the hypervisor "
               "hole\n", v->domain->domain_id, event_eip, failsafe_eip);
        return -EINVAL;
    }
    v->event_callback_cs = event_cs;
    v->event_callback_eip = event_eip;
    v->failsafe_callback_cs = failsafe_cs;
    v->failsafe_callback_eip = failsafe_eip;
    return 0;
    //@ stub
    //@ (void)v; (void)event_cs; (void)event_eip; (void)failsafe_cs; (void)failsafe_eip;
    //@ EXERCISE_TODO(3, 3, "upcalls");
    //@ return -ENOSYS;
    //@ end
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
    //@ begin lab3 ex3: upcalls
    if (!v->event_callback_eip || !vi->evtchn_upcall_pending || vi->evtchn_upcall_mask)
        return;
    vi->evtchn_upcall_mask = 1;
    create_bounce_frame(regs, BOUNCE_UPCALL, (uint16_t)v->event_callback_cs,
                        v->event_callback_eip, 0, 0);
    //@ stub
    //@ (void)regs; (void)v; (void)vi;
    //@ end
}
