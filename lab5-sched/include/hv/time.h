/*
 * hv/time.h - system time, the timer interrupt and guest timers (lab 5).
 *
 * The hypervisor owns the 8253 PIT: it interrupts every TICK_NS (1 ms
 * unless the hypervisor option tick_us= says otherwise; IRQ 0,
 * which guests never see).  System time is not counted in ticks, though:
 * it is the TSC, calibrated against the PIT once at boot (exercise 1),
 * scaled to nanoseconds since boot.  Guests read it from their shared_info
 * without a hypercall (exercise 2) and ask for one-shot events with
 * set_timer_op (exercise 3).
 *
 * The tick only gives the hypervisor a chance to act: fire due timers,
 * account CPU time and preempt (exercise 6).  A tick that lands in a guest
 * is not counted as one of its entries into the hypervisor (the summary's
 * "entered the hypervisor N times"): the guest did not ask for it.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <stdint.h>
#include <hv/sched.h>
#include <hv/sched_math.h>

#define PIT_HZ 1193182u                /* the 8253's input clock            */
#define TICK_NS tick_ns()              /* ns between timer interrupts       */
#define IRQ_PIT 0

/* Given (hv/tick.c): 1 ms, or the hypervisor option tick_us=N. */
uint64_t tick_ns(void);

/* Exercise 1 (hv/time.c): ns since boot, from the TSC. */
uint64_t NOW(void);
extern struct time_scale tsc_scale;    /* set by the calibration           */
extern uint64_t tsc_hz;                /* measured TSC frequency           */
extern uint64_t boot_tsc;              /* TSC at system time 0             */

/* Exercise 2 (hv/time.c): publish system time (and the wall clock) in v's
 * shared_info, with the version protocol. */
void update_vcpu_system_time(struct vcpu *v);
void update_wallclock(struct domain *d);

/* Exercise 3 (hv/timer.c): fire every timer due at `now`. */
void run_timers(uint64_t now);

/* Given (hv/debug_virq5.c): lab 3's debug source, driven by the tick. */
void debug_virq_tick5(uint64_t now);
int debug_virq_armed5(struct vcpu *v);

/* Exercise 6 (hv/schedule.c): the tick's scheduling work.  May not return
 * (it switches to another domain) when regs is a guest's frame. */
void sched_tick(struct cpu_user_regs *regs);

#endif /* HV_TIME_H */
