/*
 * tests/ctxsw.c - context-switch torture (lab 5, exercise 4, with 1, 3,
 * 5, 6 to get preempted at all).
 *
 * Two copies run at once, v=1 and v=2, and each sets every piece of
 * vCPU state it can to values of its own: the general registers and
 * EFLAGS.DF (hold_regs below), %ds %es %fs %gs, its trap table (v=2
 * routes int3 through the `into` stub, so its int3 traps arrive as
 * vector 4), its event callback (v=2 enters through alt_callback, which
 * counts), its address space (a variable holding v), and the x87 FPU: a
 * value computed step by step in the FPU registers, with v's own rounding
 * mode, across the whole run.  Between the checks it spins, so the
 * hypervisor preempts it many times for the other copy.  Any state that
 * leaks between them shows as a bad count, and the FPU result differs
 * from the one a copy computes alone (the test knows that value).
 *
 * With ts=1 the guest also asks for #NM through fpu_taskswitch(1) before
 * every FPU step: the hypervisor must bounce exactly one #NM per request
 * (and clear our virtual TS), however often it switched its own FPU.
 *
 * With preempts=N it goes on after its `rounds` (same checks, the FPU
 * still holding its values and touched every round by an exchange that
 * changes nothing) until it has been preempted N times, so the state
 * must survive thousands of switches, not a handful.  It counts a
 * preemption when two consecutive rounds' readings of now() are further
 * apart than three quarters of a hypervisor tick (tick_us=, which the
 * test gives the hypervisor too): a round takes a few microseconds, the
 * tick's own work and our timer's upcall less than half a tick, while
 * the other domain, once switched to, runs until a tick at the earliest.
 * It stops early when it has run alone for 50 ticks after its rounds
 * (the other domain has ended), and says how many it saw.
 */
#include <guest/options.h>
#include <guest/time.h>
#include <guest/traps.h>

/* Rounds of some 400 instructions each (a few us even on QEMU) with the
 * same now(): time is not being published (lab 5 exercises 1-2). */
#define STILL_ROUNDS 10000

/*
 * unsigned long hold_regs(uint32_t pattern, uint32_t spins, uint32_t df):
 * load every general register but %esp with a value derived from pattern
 * (and set EFLAGS.DF when df), spin `spins` times on a counter in memory,
 * then check: returns 0 when every register and DF came back as loaded.
 */
__asm__(".text\n"
        ".globl hold_regs\n"
        "hold_regs:\n"
        "  pushl %ebp\n"
        "  pushl %ebx\n"
        "  pushl %esi\n"
        "  pushl %edi\n"
        "  movl 24(%esp), %ecx\n"          /* spins                          */
        "  movl %ecx, spin_counter\n"      /* the loop counts in memory       */
        "  cmpl $0, 28(%esp)\n"            /* df?                             */
        "  je 1f\n"
        "  std\n"
        "1:\n"
        "  movl 20(%esp), %eax\n"          /* pattern                        */
        "  movl %eax, %ebx\n  xorl $0x11111111, %ebx\n"
        "  movl %eax, %ecx\n  xorl $0x22222222, %ecx\n"
        "  movl %eax, %edx\n  xorl $0x33333333, %edx\n"
        "  movl %eax, %esi\n  xorl $0x44444444, %esi\n"
        "  movl %eax, %edi\n  xorl $0x55555555, %edi\n"
        "  movl %eax, %ebp\n  xorl $0x66666666, %ebp\n"
        "2:\n"
        "  decl spin_counter\n"            /* preempted somewhere in here     */
        "  jnz 2b\n"
        "  xorl $0x11111111, %ebx\n  xorl %eax, %ebx\n" /* 0 if unchanged   */
        "  xorl $0x22222222, %ecx\n  xorl %eax, %ecx\n  orl %ecx, %ebx\n"
        "  xorl $0x33333333, %edx\n  xorl %eax, %edx\n  orl %edx, %ebx\n"
        "  xorl $0x44444444, %esi\n  xorl %eax, %esi\n  orl %esi, %ebx\n"
        "  xorl $0x55555555, %edi\n  xorl %eax, %edi\n  orl %edi, %ebx\n"
        "  xorl $0x66666666, %ebp\n  xorl %eax, %ebp\n  orl %ebp, %ebx\n"
        "  xorl 20(%esp), %eax\n  orl %eax, %ebx\n"  /* eax itself          */
        "  pushfl\n  popl %eax\n"          /* DF is bit 10                   */
        "  shrl $10, %eax\n  andl $1, %eax\n"
        "  xorl 28(%esp), %eax\n  orl %eax, %ebx\n"  /* DF as asked?         */
        "  cld\n"                          /* C code needs DF clear           */
        "  movl %ebx, %eax\n"
        "  popl %edi\n"
        "  popl %esi\n"
        "  popl %ebx\n"
        "  popl %ebp\n"
        "  ret\n"
        /* v=2's event callback: count, then lab 3's usual entry. */
        ".globl alt_callback\n"
        "alt_callback:\n"
        "  incl alt_upcalls\n"
        "  jmp hypervisor_callback\n");

volatile uint32_t spin_counter;
volatile unsigned long alt_upcalls;
unsigned long hold_regs(uint32_t pattern, uint32_t spins, uint32_t df);

static unsigned long v;
static volatile unsigned long my_v; /* in our address space only */
static unsigned long int3_right, int3_wrong, nm_traps;

static void int3_as_3(struct trap_frame *f)
{
    (void)f;
    if (v == 1)
        int3_right++;
    else
        int3_wrong++;
}
static void int3_as_4(struct trap_frame *f)
{
    (void)f;
    if (v == 2)
        int3_right++;
    else
        int3_wrong++;
}
static void nm_trap(struct trap_frame *f)
{
    (void)f;
    nm_traps++;
}

/* The FPU holds x, a, b in st(0..2) for the whole run; one step is
 * x = x * a + b.  v=2 rounds toward minus infinity (control word). */
static void fpu_start(unsigned long which)
{
    static const uint32_t num = 1000003, den = 1000000;
    uint16_t cw = which == 2 ? 0x077F : 0x037F; /* RC=01 (down) for v=2 */
    uint32_t b = (uint32_t)which;

    __asm__ volatile("fninit\n"
                     "fldcw %0\n"
                     "fildl %1\n"        /* b                  */
                     "fildl %2\n"        /* num                */
                     "fidivl %3\n"       /* a = num / den      */
                     "fld1\n"            /* x = 1              */
                     : : "m"(cw), "m"(b), "m"(num), "m"(den));
}
static void fpu_step(void)
{
    __asm__ volatile("fmul %%st(1), %%st\n"
                     "fadd %%st(2), %%st\n" ::: "memory");
}
/* Use the FPU without changing it: st(0) and st(1) swapped, and back. */
static void fpu_touch(void)
{
    __asm__ volatile("fxch %%st(1)\n"
                     "fxch %%st(1)\n" ::: "memory");
}
static uint64_t fpu_result(uint16_t *cw)
{
    uint64_t x;
    __asm__ volatile("fstpl %0\n fnstcw %1\n fstp %%st(0)\n fstp %%st(0)\n"
                     : "=m"(x), "=m"(*cw));
    return x;
}

static uint16_t seg_ds(void) { return read_segment(ds); }
static uint16_t seg_es(void) { return read_segment(es); }
static uint16_t seg_fs(void) { return read_segment(fs); }
static uint16_t seg_gs(void) { return read_segment(gs); }

int main(void)
{
    unsigned long rounds = option_ul("rounds", 2000), spins = option_ul("spins", 2000);
    unsigned long ts = option_ul("ts", 0), i, bad_regs = 0, bad_segs = 0, bad_mem = 0;
    unsigned long preempts = option_ul("preempts", 0), tick_us = option_ul("tick_us", 1000);
    unsigned long preempted = 0, timer_seen = 0, still = 0;
    uint64_t last_t = 0;
    uint64_t away_ns = tick_us * 750, alone_ns = tick_us * 1000 * 50, t, last, last_away;
    uint64_t most_here = 0, least_away = ~0ULL; /* the gaps seen, for the console */
    uint16_t want_ds, want_fs, want_gs, cw;
    uint64_t x;
    extern char alt_callback[], failsafe_callback[], guest_trap_4[], guest_trap_7[],
        guest_trap_13[], guest_trap_14[];
    long rc;

    v = option_ul("v", 1);
    my_v = v;
    report("ctxsw v=%lu traps_init=%ld", v, traps_init());
    report("events_init=%ld", events_init());
    set_trap_callback(3, int3_as_3);
    set_trap_callback(4, int3_as_4);
    set_trap_callback(7, nm_trap);
    if (v == 2) {
        /* Set_trap_table replaces the table: list what we still use. */
        trap_info_t t[] = { { 3, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_4 },
                            { 4, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_4 },
                            { 7, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_7 },
                            { 13, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_13 },
                            { 14, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_14 },
                            { 0, 0, 0, 0 } };
        rc = HYPERVISOR_set_trap_table(t);
        rc |= HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, (unsigned long)alt_callback,
                                       FLAT_KERNEL_CS, (unsigned long)failsafe_callback);
        report("own_table_and_callback=%ld", rc);
    }
    /* Our own upcalls while we spin: a 500 us periodic timer. */
    timer_init();
    want_ds = v == 2 ? FLAT_USER_DS : FLAT_KERNEL_DS;
    want_fs = v == 2 ? 0 : FLAT_USER_DS;
    want_gs = v == 2 ? FLAT_KERNEL_DS : 0;
    __asm__ volatile("movw %0, %%ds\n movw %0, %%es\n movw %1, %%fs\n movw %2, %%gs"
                     : : "r"(want_ds), "r"(want_fs), "r"(want_gs) : "memory");
    fpu_start(v);
    set_timer(now() + 500000);
    last = last_away = now();
    for (i = 0; i < rounds || preempted < preempts; i++) {
        if (nr_timer_events != timer_seen) { /* it fired: our next upcall */
            timer_seen = nr_timer_events;
            set_timer(now() + 500000);
        }
        if (hold_regs(0x12345678 * (uint32_t)v + (uint32_t)i, (uint32_t)spins, v == 1))
            bad_regs++;
        if (seg_ds() != want_ds || seg_es() != want_ds || seg_fs() != want_fs ||
            seg_gs() != want_gs)
            bad_segs++;
        if (my_v != v)
            bad_mem++;
        t = now_moving(); /* time that stands still ends us, not a hang */
        if (t - last > away_ns) {
            preempted++;
            last_away = t;
            if (t - last < least_away)
                least_away = t - last;
        } else if (t - last > most_here) {
            most_here = t - last;
        }
        last = t;
        if (i >= rounds) {           /* only waiting to be preempted */
            fpu_touch();
            if (t - last_away > alone_ns)
                break;               /* alone: the other has ended */
            if (t == last_t && ++still == STILL_ROUNDS)
                break;               /* time stands still: give up now */
            if (t != last_t)
                still = 0;
            last_t = t;
            continue;
        }
        if (ts)
            HYPERVISOR_fpu_taskswitch(1);
        fpu_step();
        if (i % 64 == 0)
            __asm__ volatile("int3");
    }
    set_timer(0);
    x = fpu_result(&cw);
    __asm__ volatile("movw %0, %%ds\n movw %0, %%es" : : "r"((uint16_t)FLAT_KERNEL_DS));
    printf("ctxsw v=%lu: %lu rounds, preempted %lu times (shortest time away %lu us; "
           "longest gap between rounds otherwise %lu us), %lu timer events, %lu upcalls, "
           "fpu %08lx%08lx\n", v, i, preempted,
           (unsigned long)(least_away == ~0ULL ? 0 : least_away / 1000),
           (unsigned long)(most_here / 1000), nr_timer_events, nr_upcalls, (unsigned long)(x >> 32),
           (unsigned long)x);
    /* One line per copy: the two copies' lines may come in either order. */
    report("ctxsw v=%lu bad_regs=%lu bad_segs=%lu bad_mem=%lu int3_right=%lu int3_wrong=%lu "
           "callback_ok=%d fpu_cw=%#x fpu=%08lx%08lx nm_traps=%lu asked=%lu",
           v, bad_regs, bad_segs, bad_mem, int3_right, int3_wrong,
           v == 2 ? alt_upcalls == nr_upcalls : alt_upcalls == 0, cw,
           (unsigned long)(x >> 32), (unsigned long)x, nm_traps, ts ? rounds : 0);
    if (preempts)
        report("ctxsw v=%lu preempted=%lu", v, preempted);
    return 0;
}
