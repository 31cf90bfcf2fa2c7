/*
 * guest/uthread.c - round-robin between two ring-3 tasks on the guest's
 * own timer (lab 5, given).
 *
 * The hypervisor delivers VIRQ_TIMER as an upcall: it builds an interrupt
 * frame on our kernel stack (the stack_switch one, since the task was in
 * ring 3) and enters uthread_callback.  That frame *is* the task's state:
 * its general registers (pushed there) and eip, cs, eflags, esp, ss.  To
 * switch, we copy it out to the current task's slot and copy the other
 * task's slot in - xv6's trapframe swap.  Only frames from ring 3 are
 * swapped: an upcall that interrupted the kernel itself is left alone and
 * the switch waits for the next tick.
 */
#include <guest/uthread.h>

struct uthread_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax; /* pushal */
    uint32_t eip, cs, eflags, esp, ss;                      /* the upcall's */
};

volatile unsigned long uthread_stop USER_DATA;

static struct uthread_frame saved[UTHREAD_TASKS];
static unsigned int cur;
static volatile int need_switch;
static uint64_t slice;
static unsigned long slices_left;
static struct uthread_stats *st;

void do_hypervisor_callback(void); /* lab 3's demultiplexer */
void uthread_upcall(struct uthread_frame *f);

/* The timer: one slice is over; arm the next one. */
static void tick(void)
{
    st->ticks++;
    if (slices_left && !--slices_left)
        uthread_stop = 1;
    need_switch = 1;
    set_timer(now() + slice);
}

void uthread_upcall(struct uthread_frame *f)
{
    do_hypervisor_callback();
    if (!need_switch || (f->cs & 3) != 3)
        return;
    need_switch = 0;
    saved[cur] = *f;
    cur = (cur + 1) % UTHREAD_TASKS;
    *f = saved[cur];
    st->switches++;
}

long uthread_run(void (*entry[UTHREAD_TASKS])(void), unsigned long stack_top[UTHREAD_TASKS],
                 uint64_t slice_ns, unsigned long slices, struct uthread_stats *stats)
{
    extern char uthread_callback[], failsafe_callback[];
    unsigned int i;
    long rc;

    memset(stats, 0, sizeof(*stats));
    st = stats;
    slice = slice_ns;
    slices_left = slices;
    uthread_stop = 0;
    cur = 0;
    need_switch = 0;
    /* Every task but the first starts from a made-up frame. */
    for (i = 1; i < UTHREAD_TASKS; i++) {
        memset(&saved[i], 0, sizeof(saved[i]));
        saved[i].eip = (uint32_t)entry[i];
        saved[i].cs = FLAT_USER_CS;
        saved[i].eflags = 0x202; /* IF, and bit 1 which is always set */
        saved[i].esp = stack_top[i];
        saved[i].ss = FLAT_USER_SS;
    }
    rc = HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, (unsigned long)uthread_callback,
                                  FLAT_KERNEL_CS, (unsigned long)failsafe_callback);
    if (rc < 0)
        return rc;
    set_trap_callback(SYSCALL_VECTOR, exit_only_syscall);
    set_timer_hook(tick);
    set_timer(now() + slice);
    stats->exit_code = enter_user(entry[0], stack_top[0]);
    set_timer(0);
    set_timer_hook(NULL);
    return 0;
}
