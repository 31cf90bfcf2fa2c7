/*
 * guest/time.c - the guest's clock and its one-shot timer (lab 5, given).
 *
 * now() is Xen's recipe: read the version, then the record, then the
 * version again; if the two versions differ or the first was odd, the
 * hypervisor was writing meanwhile (a timer interrupt can preempt us
 * between any two loads) - read again.  The TSC delta since the record's
 * tsc_timestamp is shifted by tsc_shift and multiplied by the 32.32
 * fixed-point tsc_to_system_mul, so no division is needed.
 */
#include <guest/time.h>

unsigned long nr_time_retries;
volatile unsigned long nr_timer_events;
volatile uint64_t last_timer_event_ns;
static void (*timer_hook)(void);

#define barrier() __asm__ volatile("" ::: "memory")

static volatile struct vcpu_time_info *time_info(void)
{
    return &((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].time;
}

/* (delta << shift) * mul >> 32 without a 64x64 multiply: two 32x32 ones. */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (((delta & 0xFFFFFFFFULL) * mul) >> 32) + (delta >> 32) * mul;
}

uint64_t now(void)
{
    volatile struct vcpu_time_info *t = time_info();
    uint32_t version, mul;
    uint64_t tsc, stamp, system;
    int shift;

    for (;;) {
        version = t->version;
        barrier();
        stamp = t->tsc_timestamp;
        system = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc();
        barrier();
        if (!(version & 1) && version == t->version)
            break;
        nr_time_retries++;
    }
    /* A TSC read before the stamp would be a negative delta: treat as 0. */
    return system + (tsc > stamp ? scale_delta(tsc - stamp, mul, shift) : 0);
}

uint64_t now_moving(void)
{
    static uint64_t last;
    static unsigned long same;
    uint64_t t = now();

    if (t != last) {
        last = t;
        same = 0;
    } else if (++same == TIME_STALL_READS) {
        report("time stands still: now()=%llu for %lu reads in a row",
               (unsigned long long)t, same);
        shutdown(SHUTDOWN_crash);
    }
    return t;
}

void wallclock_at_boot(uint32_t *sec, uint32_t *nsec)
{
    volatile shared_info_t *s = (volatile shared_info_t *)start_info->shared_info_va;
    uint32_t version;

    do {
        version = s->wc_version;
        barrier();
        *sec = s->wc_sec;
        *nsec = s->wc_nsec;
        barrier();
    } while ((version & 1) || version != s->wc_version);
}

uint64_t wallclock_now(void)
{
    uint32_t sec, nsec;

    wallclock_at_boot(&sec, &nsec);
    return (uint64_t)sec * NSEC_PER_SEC + nsec + now();
}

static void timer_event(evtchn_port_t port)
{
    (void)port;
    nr_timer_events++;
    last_timer_event_ns = now();
    if (timer_hook)
        timer_hook();
}

long timer_init(void)
{
    long port = evtchn_bind_virq(VIRQ_TIMER);

    if (port >= 0)
        bind_evtchn_to_handler((evtchn_port_t)port, timer_event);
    return port;
}

void set_timer_hook(void (*fn)(void))
{
    timer_hook = fn;
}

long set_timer(uint64_t deadline)
{
    return HYPERVISOR_set_timer_op(deadline);
}

/*
 * block returns on any event, not only ours, so loop until the time has
 * come.  No race: block itself unmasks events and returns at once if one
 * is pending (lab 3), so a timer that fires before we block still wakes us.
 */
void sleep_ms(unsigned int ms)
{
    uint64_t deadline = now() + ms * NSEC_PER_MSEC;

    set_timer(deadline);
    while (now() < deadline)
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
}
