/* A deterministic random number generator for property tests: the same
 * seed gives the same inputs, so a failure reproduces. xorshift64*
 * (Vigna, "An experimental exploration of Marsaglia's xorshift generators").
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

struct tb_rng {
	uint64_t s;	/* the state: any value but 0 */
};

static inline uint64_t tb_rng_next(struct tb_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1Dull;
}

/* 0 .. n-1 (n > 0). */
static inline unsigned tb_rng_below(struct tb_rng *r, unsigned n)
{
	return (unsigned)(tb_rng_next(r) % n);
}
