/*
 * guest/uthread.h - a tiny scheduler inside the guest kernel (lab 5,
 * given): two ring-3 tasks run round-robin, switched on the guest's own
 * timer.  Two-level scheduling made visible: the hypervisor shares the
 * CPU between domains, and inside its share this kernel shares its time
 * between its tasks - with the same tools (a one-shot timer, a saved
 * frame), one level up.
 */
#ifndef GUEST_UTHREAD_H
#define GUEST_UTHREAD_H

#include <guest/time.h>
#include <guest/traps.h>

#define UTHREAD_TASKS 2

/* What a task's ring-3 code may read: set by the kernel to end the run. */
extern volatile unsigned long uthread_stop USER_DATA;

struct uthread_stats {
    unsigned long switches;  /* times the kernel changed task          */
    unsigned long ticks;     /* its timer events                       */
    int exit_code;           /* the SYS_exit code of the task that ended */
};

/*
 * Run entry[0] and entry[1] in ring 3, each on its own stack (top given),
 * switching every slice_ns of system time.  After `slices` slices the
 * kernel sets uthread_stop; the first task that then makes SYS_exit ends
 * the run (the other is dropped).  Needs traps_init, make_user_pages,
 * events_init and timer_init done.  Returns 0 or a negative errno.
 */
long uthread_run(void (*entry[UTHREAD_TASKS])(void), unsigned long stack_top[UTHREAD_TASKS],
                 uint64_t slice_ns, unsigned long slices, struct uthread_stats *stats);

#endif /* GUEST_UTHREAD_H */
