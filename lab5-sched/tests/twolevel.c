/*
 * tests/twolevel.c - two-level scheduling (lab 5, exercises 1-3, and 4-6
 * when another domain runs too): the guest kernel runs two ring-3 tasks
 * round-robin on its own timer (guest/uthread.c) while the hypervisor
 * shares the CPU between domains.  Each task counts its loops; the
 * kernel switches every slice_us until `slices` have passed, then both
 * tasks see uthread_stop and one exits.  Equal slices of the guest's
 * time give the two tasks near-equal counts (within tol percent).
 */
#include <guest/options.h>
#include <guest/uthread.h>

/* Without a working timer nothing would ever stop the first task: it
 * gives up after LOOP_CAP loops (a fifth of a second of QEMU, some 10 s
 * of a loaded Bochs for both tasks; 50 M took the skeleton's run to its
 * 30 s timeout there).  With the timer each task runs ~2 M loops. */
#define LOOP_CAP 10000000UL
static volatile unsigned long count[2] USER_DATA;
static uint8_t stacks[2][2048] USER_DATA __attribute__((aligned(16)));

USER_FN static void task0(void)
{
    while (!uthread_stop && count[0] < LOOP_CAP)
        count[0]++;
    user_syscall3(SYS_exit, 0, 0, 0);
}
USER_FN static void task1(void)
{
    while (!uthread_stop && count[1] < LOOP_CAP)
        count[1]++;
    user_syscall3(SYS_exit, 1, 0, 0);
}

int main(void)
{
    void (*entry[2])(void) = { task0, task1 };
    unsigned long top[2] = { (unsigned long)stacks[0] + sizeof(stacks[0]),
                             (unsigned long)stacks[1] + sizeof(stacks[1]) };
    unsigned long slices = option_ul("slices", 20), tol = option_ul("tol", 20);
    uint64_t slice = option_ul("slice_us", 1000) * 1000ULL;
    struct uthread_stats st;
    unsigned long lo, hi;
    long rc;

    report("traps_init=%ld", traps_init());
    report("user_pages=%d", make_user_pages());
    report("events_init=%ld", events_init());
    report("timer_port_ok=%d", timer_init() >= 0);
    rc = uthread_run(entry, top, slice, slices, &st);
    lo = count[0] < count[1] ? count[0] : count[1];
    hi = count[0] < count[1] ? count[1] : count[0];
    printf("two tasks: %lu and %lu loops, %lu switches in %lu ticks\n", count[0], count[1],
           st.switches, st.ticks);
    report("uthread rc=%ld ticks_ok=%d switches_ok=%d", rc, st.ticks >= slices,
           st.switches + 1 >= slices);
    report("uthread both_ran=%d balanced=%d", lo > 0, hi - lo <= hi / 100 * tol);
    return 0;
}
