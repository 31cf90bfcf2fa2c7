/*
 * guest/fuzz_rng.h - the fuzzer guests' random numbers (lab 3; issue 15).
 *
 * xorshift32: tiny, and the same sequence on every emulator, so a seed
 * names one run exactly (`make fuzz SEED=`).  Used by lab 3's fuzz.c and
 * lab 4's fuzz_mm.c.
 */
#ifndef GUEST_FUZZ_RNG_H
#define GUEST_FUZZ_RNG_H

#include <stdint.h>

static uint32_t fuzz_rng_state;

/* Start the sequence of `seed` (any value: 0 too). */
static inline void fuzz_rng_seed(uint32_t seed)
{
    fuzz_rng_state = seed * 2654435761u + 0x9E3779B9u;
    if (!fuzz_rng_state)
        fuzz_rng_state = 1; /* xorshift's one fixed point */
}

static inline uint32_t rnd(void)
{
    fuzz_rng_state ^= fuzz_rng_state << 13;
    fuzz_rng_state ^= fuzz_rng_state >> 17;
    fuzz_rng_state ^= fuzz_rng_state << 5;
    return fuzz_rng_state;
}

#endif /* GUEST_FUZZ_RNG_H */
