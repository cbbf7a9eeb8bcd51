/* SPDX-License-Identifier: BSD-3-Clause */
#include "control/ratelimit.h"
#include "tests/unit/check.h"

#define HZ	1000000ull	/* a 1 MHz "TSC" keeps the numbers readable */

static unsigned int
take_n(struct mif_ratelimit *rl, uint64_t now, unsigned int tries)
{
	unsigned int i, got = 0;

	for (i = 0; i < tries; i++)
		got += mif_ratelimit_take(rl, now);
	return got;
}

static void
test_burst_then_rate(void)
{
	struct mif_ratelimit rl;
	uint64_t t = 5 * HZ;

	mif_ratelimit_init(&rl, 10, 10, HZ, t);
	CHECK_EQ(take_n(&rl, t, 100), 10);	/* the full bucket */
	CHECK_EQ(take_n(&rl, t, 100), 0);
	t += HZ / 10;				/* 100 ms: one token */
	CHECK_EQ(take_n(&rl, t, 100), 1);
	t += HZ / 20;				/* 50 ms: half a token */
	CHECK_EQ(take_n(&rl, t, 100), 0);
	t += HZ / 20;				/* the other half */
	CHECK_EQ(take_n(&rl, t, 100), 1);
	t += 1000 * HZ;				/* long idle: capped at burst */
	CHECK_EQ(take_n(&rl, t, 100), 10);
}

static void
test_steady_rate(void)
{
	struct mif_ratelimit rl;
	unsigned int got = 0, ms;
	uint64_t t = 0;

	/* 100/s, bucket 5: over 10 s of 1 ms polls, 5 + 100 * 10. */
	mif_ratelimit_init(&rl, 100, 5, HZ, t);
	for (ms = 0; ms <= 10000; ms++) {
		t = (uint64_t)ms * (HZ / 1000);
		got += take_n(&rl, t, 3);
	}
	CHECK_EQ(got, 5 + 1000);
}

static void
test_zero_rate_and_clock_back(void)
{
	struct mif_ratelimit rl;

	mif_ratelimit_init(&rl, 0, 5, HZ, 0);
	CHECK_EQ(take_n(&rl, 10 * HZ, 10), 0);	/* rate 0 sends nothing */

	mif_ratelimit_init(&rl, 1, 1, HZ, 100 * HZ);
	CHECK_EQ(take_n(&rl, 100 * HZ, 5), 1);
	CHECK_EQ(take_n(&rl, 50 * HZ, 5), 0);	/* clock went back */
	CHECK_EQ(take_n(&rl, 101 * HZ, 5), 1);
}

int
main(void)
{
	test_burst_then_rate();
	test_steady_rate();
	test_zero_rate_and_clock_back();
	CHECK_EQ(mif_ratelimit_selftest(), 0);
	CHECK_DONE();
}
