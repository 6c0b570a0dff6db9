/* A small fast PRNG (xoshiro256**) seeded from getrandom(2), for choices that
 * need no cryptographic strength (which quote, how long a chargen datagram). */
#ifndef SOCKLAB_CORE_RNG_H
#define SOCKLAB_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
/* Seeds from the kernel's entropy; falls back to time and pid. */
void rng_seed_random(struct rng *r);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Fills buf with n random bytes from the kernel (for keys). */
void rng_fill_secure(void *buf, size_t n);

#endif
