/* SPDX-License-Identifier: BSD-3-Clause */
#include "common/log.h"
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

/* Tokens taken from @p rl at @p now out of @p tries attempts. */
static unsigned int
selftest_take(struct mif_ratelimit *rl, uint64_t now, unsigned int tries)
{
	unsigned int got = 0;

	while (tries-- > 0)
		got += mif_ratelimit_take(rl, now);
	return got;
}

int
mif_ratelimit_selftest(void)
{
	/* 10/s with a bucket of 3 on a 1 kHz clock: 3 at once, then one
	 * per 100 ticks; a step back in time adds nothing. */
	static const struct {
		uint64_t at;
		unsigned int want;
	} steps[] = {
		{ 1000, 3 }, { 1000, 0 }, { 1099, 0 }, { 1100, 1 },
		{ 1150, 0 }, { 900, 0 }, { 1300, 2 }, { 99000, 3 },
	};
	struct mif_ratelimit rl;
	unsigned int i, got;

	mif_ratelimit_init(&rl, 10, 3, 1000, 1000);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		got = selftest_take(&rl, steps[i].at, 10);
		if (got != steps[i].want) {
			MIF_LOG(ctl, ERR, "step %u at %lu: %u tokens, want %u",
				i, (unsigned long)steps[i].at, got,
				steps[i].want);
			return -1;
		}
	}
	return 0;
}
