/*
 * tests/bench_sched.c - how long lab 5's paths are, in instructions (lab
 * 5).  Not a graded test: tools/check-bench.py boots two copies, op=ping
 * (domain 0, which measures) and op=pong (domain 1), and compares each
 * figure with tools/bench-baseline.ini, like lab 3's bench.c.
 *
 *   context_switch  one switch from a domain to another: ping and pong
 *                   both loop on sched_op yield, so every yield switches;
 *                   a round trip is two switches.
 *   timer_latency   set_timer_op with a deadline in the past, up to the
 *                   first instruction of our VIRQ_TIMER handler (raised,
 *                   delivered on the way back, demultiplexed).  After one
 *                   unmeasured event: lab 3's fair demultiplexer starts
 *                   each scan just after the port it handled last, so the
 *                   very first event (scan from port 0) is 52 instructions
 *                   shorter than every later one (scan past the timer's
 *                   own port, then round) - and a tick landing in that
 *                   first one on Bochs only made the two emulators'
 *                   smallest batches different paths.
 *
 * The hypervisor's 1 ms tick lands in some measurements and not others,
 * and a millisecond is a million instructions on QEMU but 20 000 on Bochs,
 * so each figure is the smallest of many short batches: a batch the tick
 * missed, the same on both emulators.
 */
#include <guest/options.h>
#include <guest/time.h>

#define BATCHES 64
#define ROUNDS 4 /* round trips per batch */

static volatile uint64_t handler_tsc;

static void on_timer(void)
{
    handler_tsc = rdtsc();
}

static uint64_t bench_switch(void)
{
    uint64_t best = ~0ULL, t0, t;
    unsigned int b, i;

    for (b = 0; b < BATCHES; b++) {
        t0 = rdtsc();
        for (i = 0; i < ROUNDS; i++)
            HYPERVISOR_sched_op(SCHEDOP_yield, 0);
        t = rdtsc() - t0;
        if (t < best)
            best = t;
    }
    return best / (2 * ROUNDS);
}

static uint64_t bench_timer_past(void)
{
    uint64_t best = ~0ULL, t0, t;
    unsigned int b;

    set_timer_hook(on_timer);
    HYPERVISOR_set_timer_op(1); /* warm up: the demultiplexer's steady state */
    for (b = 0; b < BATCHES; b++) {
        t0 = rdtsc();
        HYPERVISOR_set_timer_op(1); /* 1 ns after boot: long past */
        t = handler_tsc - t0;
        if (t < best)
            best = t;
    }
    set_timer_hook(NULL);
    return best;
}

/*
 * Pong: yield four times as often as ping does, then end.  The two
 * alternate while both are runnable, so ping never yields alone; pong's
 * extra yields come after ping has ended and return at once.  (A fixed
 * count, not a timing test: make bench also runs this without -icount,
 * where the TSC is the host's clock.)
 */
static void pong(void)
{
    unsigned int i;

    for (i = 0; i < 4 * BATCHES * ROUNDS; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
}

int main(void)
{
    const char *op = cmdline_option("op");

    if (op && !strcmp(op, "pong")) {
        pong();
        report("bench pong=done");
        return 0;
    }
    report("events_init=%ld", events_init());
    report("timer_port_ok=%d", timer_init() >= 0);
    report("bench context_switch=%lu", (unsigned long)bench_switch());
    report("bench timer_latency=%lu", (unsigned long)bench_timer_past());
    report("bench done sched=1");
    return 0;
}
