/*
 * tests/resume.c - the upcall frame returns the guest exactly where it
 * was (lab 3).  A computation that depends on every register and the carry
 * flag runs while 200 debug events interrupt it at arbitrary
 * instructions; its result must equal the same computation run without
 * interruptions.  Exercises: 1, 2, 3.
 *
 * 200 events, one about every 210 000 instructions (period 1000 ticks of
 * the PIT, DEBUG_VIRQ_MIN_PERIOD, with the grader's 1 instruction = 4 ns
 * on QEMU): each still lands at an arbitrary instruction of the loop, and
 * the whole test runs about 0.1 G instructions (it was 1 000 events at
 * period 2000 and 1 ns an instruction: 3.3 G).  A shorter period is refused: on Bochs the delivery path alone
 * takes most of 400 ticks (the debug-period test).
 */
#include <guest/events.h>

#define EVENTS 200
#define STALL_ROUNDS 5000
static volatile unsigned long debug_events;

static void on_debug(evtchn_port_t port)
{
    (void)port;
    debug_events++;
}

/* 4000 steps of a mixing function using six registers and CF. */
static inline void mix(uint32_t *s)
{
    __asm__ volatile(
        "movl 0(%0), %%eax\n\t"
        "movl 4(%0), %%ebx\n\t"
        "movl 8(%0), %%ecx\n\t"
        "movl 12(%0), %%edx\n\t"
        "movl $4000, %%esi\n"
        "1:\n\t"
        "addl %%ebx, %%eax\n\t"
        "adcl %%ecx, %%edx\n\t"  /* depends on the carry just made */
        "roll $7, %%eax\n\t"
        "xorl %%eax, %%ebx\n\t"
        "leal 0x9e3779b9(%%ecx, %%edx), %%ecx\n\t"
        "imull %%esi, %%edx\n\t"
        "decl %%esi\n\t"
        "jnz 1b\n\t"
        "movl %%eax, 0(%0)\n\t"
        "movl %%ebx, 4(%0)\n\t"
        "movl %%ecx, 8(%0)\n\t"
        "movl %%edx, 12(%0)\n\t"
        : : "D"(s) : "eax", "ebx", "ecx", "edx", "esi", "memory", "cc");
}

int main(void)
{
    uint32_t with[4] = { 1, 2, 3, 4 }, without[4] = { 1, 2, 3, 4 };
    unsigned long rounds = 0, seen = 0, i;
    const char *p = cmdline_option("period");
    unsigned long period = p ? strtoul(p, NULL, 0) : DEBUG_VIRQ_MIN_PERIOD;
    long port;

    long rc;

    rc = events_init();
    report("events_init=%ld", rc);
    port = evtchn_bind_virq(VIRQ_DEBUG);
    report("bind_virq=%s", port < 0 ? "failed" : "ok");
    if (rc < 0 || port < 0)
        return 1;       /* nothing would ever arrive: end now, not at the timeout */
    bind_evtchn_to_handler(port, on_debug);
    report("debug_virq=%ld", HYPERVISOR_debug_virq(EVENTS, period));
    /*
     * Compute until all events have arrived.  Events come every ~10 rounds
     * on QEMU and several per round on Bochs; if none arrives for
     * STALL_ROUNDS, the hypervisor lost them: stop in a second or two
     * rather than hang until the grader's timeout.
     */
    while (debug_events < EVENTS) {
        mix(with);
        rounds++;
        if (rounds % STALL_ROUNDS == 0) {
            if (debug_events == seen)
                break;
            seen = debug_events;
        }
    }
    for (i = 0; i < rounds; i++)    /* the same rounds, undisturbed */
        mix(without);
    report("rounds=%lu", rounds);
    report("resume events=%lu same=%d rounds_enough=%d", debug_events,
           !memcmp(with, without, sizeof(with)), rounds > 10);
    return 0;
}
