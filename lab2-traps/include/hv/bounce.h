/*
 * hv/bounce.h - delivering a trap to the guest's own handler (lab 2).
 *
 * "Bouncing": the hypervisor caught an exception a guest raised; it builds
 * on the guest kernel's stack the frame the CPU would have built had the
 * guest's handler been in the IDT, and resumes the guest at that handler.
 */
#ifndef HV_BOUNCE_H
#define HV_BOUNCE_H

#include <hv/sched.h>

/*
 * What is being delivered: an exception vector 0-255, BOUNCE_UPCALL for
 * lab 3's event upcall or BOUNCE_FAILSAFE for lab 3's failsafe callback.
 * Used for messages and for nested faults.
 */
#define BOUNCE_UPCALL 256
#define BOUNCE_FAILSAFE 257
const char *bounce_name(unsigned int what);

/*
 * Exercise 3 (hv/bounce.c): make the guest continue at cs:eip as if a gate
 * had taken it there.  0 on success; on failure it calls nested_fault(),
 * which does not return (the -1 is for a skeleton's stub).
 */
int create_bounce_frame(struct cpu_user_regs *regs, unsigned int what,
                        uint16_t cs, unsigned long eip, uint32_t error_code,
                        int has_error_code);

/*
 * Exercise 7 (hv/bounce.c): a fault while delivering a fault ends the
 * domain - reported, then domain_crash_synchronous(): never returns.
 */
void nested_fault(struct cpu_user_regs *regs, unsigned int what,
                  const char *nested, unsigned long where)
    __attribute__((noreturn));

/* Exercise 4 (hv/trap_policy.c): record %cr2 where the guest reads it. */
void propagate_page_fault(struct vcpu *v, unsigned long cr2);

/* Exercise 6 (hv/fast_trap.c): install / remove the direct system-call gate. */
void install_fast_trap(struct vcpu *v);
void remove_fast_trap(struct vcpu *v);

#endif /* HV_BOUNCE_H */
