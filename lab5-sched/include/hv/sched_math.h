/*
 * hv/sched_math.h - the pure arithmetic of lab 5's time and BVT (given).
 *
 * Nothing here touches the machine, so the host unit test
 * (lab5-sched/tests/unit/test_sched_math.c) checks it directly.
 *
 * Time.  The TSC counts at tsc_hz; system time counts nanoseconds.  Xen
 * turns one into the other with two numbers that every guest gets in
 * shared_info (struct vcpu_time_info), so a guest converts without a
 * division:
 *     ns = ((tsc_delta << tsc_shift) * tsc_to_system_mul) >> 32
 * (a negative shift shifts right).  The shift is chosen so that the
 * multiplier, a fraction of 2^32, is between 1/2 and 1: as many
 * significant bits as 32 bits hold.
 *
 * BVT (Duda and Cheriton, SOSP 1999).  Each domain has an *actual virtual
 * time* (avt) that grows while it runs, by run time times mcu_advance;
 * mcu_advance is inversely proportional to its weight, so a heavier
 * domain's clock runs slower and it gets more of the CPU before it is no
 * longer the furthest behind.  The scheduler runs the domain with the
 * lowest *effective* virtual time, evt = avt - (warping ? warp : 0).
 *
 * Units (the module options, hv/sched_bvt.h): weight= a number 1..100;
 * warp=, warpl=, warpu= milliseconds of system time.  Virtual time counts
 * ns x BVT_WEIGHT_UNIT / weight, so at weight 1 a domain's virtual time is
 * its run time times BVT_WEIGHT_UNIT.
 */
#ifndef HV_SCHED_MATH_H
#define HV_SCHED_MATH_H

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

/* TSC ticks -> ns: ns = ((delta << shift) * mul) >> 32. */
struct time_scale {
    uint32_t mul;
    int shift;
};

/* The scale for a counter running at hz (hz > 0). */
static inline struct time_scale time_scale_for(uint64_t hz)
{
    struct time_scale ts = { 0, 0 };
    uint64_t num = NSEC_PER_SEC, den = hz; /* ns per tick = num / den */

    while (num >= den) {      /* bring num/den below 1 ...             */
        den <<= 1;
        ts.shift++;
    }
    while (num * 2 < den) {   /* ... but not below 1/2                 */
        num <<= 1;
        ts.shift--;
    }
    ts.mul = (uint32_t)((num << 32) / den); /* num < den < 2^33: fits */
    return ts;
}

/* ns for delta ticks.  The 64 x 32 bit product has 96 bits: the two
 * halves of delta are multiplied separately so none is lost. */
static inline uint64_t scale_delta(uint64_t delta, struct time_scale ts)
{
    uint64_t lo, hi;

    if (ts.shift < 0)
        delta >>= -ts.shift;
    else
        delta <<= ts.shift;
    lo = (delta & 0xFFFFFFFFu) * ts.mul;
    hi = (delta >> 32) * ts.mul;
    return (lo >> 32) + hi;
}

/* ---- BVT ---- */

#define BVT_WEIGHT_UNIT 720720UL /* 1..16 all divide it: exact advances */
#define BVT_WEIGHT_MAX 100

/* How fast a domain's virtual time runs, per ns of run time. */
static inline uint32_t bvt_mcu_advance(unsigned long weight)
{
    return (uint32_t)(BVT_WEIGHT_UNIT / (weight ? weight : 1));
}

/* Virtual time after running ran_ns at mcu_advance adv. */
static inline uint64_t bvt_avt_after(uint64_t avt, uint64_t ran_ns, uint32_t adv)
{
    return avt + ran_ns * adv;
}

/* Effective virtual time: back by the warp (in virtual time) while
 * warping, never below 0. */
static inline uint64_t bvt_evt(uint64_t avt, int warping, uint64_t warp_vt)
{
    if (!warping)
        return avt;
    return avt > warp_vt ? avt - warp_vt : 0;
}

/*
 * Should the running domain (cur_evt) give way to the best other runnable
 * one (other_evt)?  Only once it is ahead by more than the context-switch
 * allowance allow_vt: without it two equal domains would swap at every
 * decision (thrashing); with it each runs about allow_vt / adv ns a turn.
 */
static inline int bvt_should_preempt(uint64_t cur_evt, uint64_t other_evt,
                                     uint64_t allow_vt)
{
    return cur_evt > other_evt + allow_vt;
}

/* A domain waking after a sleep starts no further behind than the
 * least-advanced runnable domain (svt, the scheduler's virtual time):
 * sleeping banks no credit. */
static inline uint64_t bvt_wake_avt(uint64_t avt, uint64_t svt)
{
    return avt > svt ? avt : svt;
}

/* share in tenths of a percent of total (0 when total is 0). */
static inline unsigned int share_permille(uint64_t part, uint64_t total)
{
    return total ? (unsigned int)((part * 1000 + total / 2) / total) : 0;
}

#endif /* HV_SCHED_MATH_H */
