/* SPDX-License-Identifier: BSD-3-Clause */
#include "control/ratelimit.h"

static inline uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void
mif_ratelimit_init(struct mif_ratelimit *rl, uint64_t rate, uint64_t burst,
		   uint64_t hz, uint64_t now)
{
	rl->hz = hz;
	rl->rate = rate;
	rl->burst = burst == 0 ? 1 : burst;
	rl->credit = rl->burst * hz;
	rl->last = now;
}

bool
mif_ratelimit_take(struct mif_ratelimit *rl, uint64_t now)
{
	uint64_t cap = rl->burst * rl->hz, dt;

	if (rl->rate == 0)
		return false;
	/* Credit is kept in token-cycles: elapsed cycles times the rate
	 * is exact, with no division on the way. A clock that went back
	 * adds nothing. */
	if (now > rl->last) {
		dt = now - rl->last;
		if (dt >= cap / rl->rate)	/* long idle: bucket full */
			rl->credit = cap;
		else
			rl->credit = min_u64(rl->credit + dt * rl->rate, cap);
		rl->last = now;
	}
	if (rl->credit < rl->hz)
		return false;
	rl->credit -= rl->hz;
	return true;
}
