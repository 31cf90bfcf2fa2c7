/*
 * tests/unit/test_sched_math.c - host-side unit tests of lab 5's pure
 * arithmetic (hv/sched_math.h, given): the TSC -> ns scale the hypervisor
 * publishes to guests, and BVT's virtual time.  Compiled for x86_64 by
 * `make unit`.
 */
#include <check.h>
#include <hv/sched_math.h>

/* |a - b| <= tol */
static int near(uint64_t a, uint64_t b, uint64_t tol)
{
    return (a > b ? a - b : b - a) <= tol;
}

static void test_scale(void)
{
    /* The grader's emulators: QEMU 1 GHz (its TSC counts nanoseconds),
     * Bochs 20 MHz (one an instruction); and a fast real machine, 3 GHz. */
    static const uint64_t hz[] = { 1000000000ULL, 20000000ULL, 3000000000ULL,
                                   1193182ULL, 999999999ULL, 7000000000ULL };
    unsigned int i;

    for (i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
        struct time_scale ts = time_scale_for(hz[i]);
        /* the multiplier keeps 32 significant bits: 1/2 <= mul/2^32 < 1 */
        CHECK(ts.mul >= 0x80000000u);
        /* one second of ticks is one second, to 1 ns per 10^8 */
        CHECK(near(scale_delta(hz[i], ts), NSEC_PER_SEC, 10));
        /* an hour: the 96-bit product must not lose the top */
        CHECK(near(scale_delta(hz[i] * 3600, ts), 3600 * NSEC_PER_SEC, 3600 * 10));
        CHECK(scale_delta(0, ts) == 0);
    }
    {
        struct time_scale q = time_scale_for(1000000000ULL);
        struct time_scale b = time_scale_for(20000000ULL);
        CHECK(q.shift == 1 && q.mul == 0x80000000u);      /* 1 ns = 2^31/2^32 * 2 */
        CHECK(scale_delta(12345, q) == 12345);
        CHECK(b.shift == 6);                              /* 50 ns = 0.78 * 64 */
        CHECK(near(scale_delta(1, b), 50, 1));
        CHECK(near(scale_delta(1000, b), 50000, 1));
    }
    /* monotonic: more ticks never give fewer ns */
    {
        struct time_scale b = time_scale_for(20000000ULL);
        uint64_t t, prev = 0;
        int mono = 1;
        for (t = 0; t < 100000; t += 7) {
            uint64_t ns = scale_delta(t, b);
            mono &= ns >= prev;
            prev = ns;
        }
        CHECK(mono);
    }
}

static void test_bvt(void)
{
    uint32_t a1 = bvt_mcu_advance(1), a3 = bvt_mcu_advance(3);
    uint64_t x = 0, y = 0, ran_x = 0, ran_y = 0;
    unsigned int step;

    CHECK(a1 == BVT_WEIGHT_UNIT && a3 * 3 == BVT_WEIGHT_UNIT);
    CHECK(bvt_mcu_advance(0) == BVT_WEIGHT_UNIT);         /* never divides by 0 */
    CHECK(bvt_avt_after(5, 10, a3) == 5 + 10 * (uint64_t)a3);

    /* warp moves evt back by the warp, never below 0, only while warping */
    CHECK(bvt_evt(1000, 0, 300) == 1000);
    CHECK(bvt_evt(1000, 1, 300) == 700);
    CHECK(bvt_evt(100, 1, 300) == 0);

    /* the allowance: no switch until cur is ahead by more than it */
    CHECK(!bvt_should_preempt(110, 100, 10));
    CHECK(bvt_should_preempt(111, 100, 10));
    CHECK(!bvt_should_preempt(50, 100, 0));

    /* sleeping banks no credit */
    CHECK(bvt_wake_avt(10, 500) == 500);
    CHECK(bvt_wake_avt(900, 500) == 900);

    /* Simulate: weights 1 and 3, 1 ms decisions, allowance 2 ms at the
     * runner's weight: shares converge to 25 / 75. */
    {
        int cur = 0; /* 0: x (weight 1), 1: y (weight 3) */
        for (step = 0; step < 10000; step++) {
            if (cur == 0) {
                x = bvt_avt_after(x, 1000000, a1);
                ran_x += 1000000;
                if (bvt_should_preempt(x, y, 2000000ULL * a1))
                    cur = 1;
            } else {
                y = bvt_avt_after(y, 1000000, a3);
                ran_y += 1000000;
                if (bvt_should_preempt(y, x, 2000000ULL * a3))
                    cur = 0;
            }
        }
        CHECK(near(share_permille(ran_x, ran_x + ran_y), 250, 10));
        CHECK(near(share_permille(ran_y, ran_x + ran_y), 750, 10));
    }
    CHECK(share_permille(1, 0) == 0);
    CHECK(share_permille(1, 3) == 333);
}

int main(void)
{
    test_scale();
    test_bvt();
    return check_summary("test_sched_math");
}
