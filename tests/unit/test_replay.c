/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Anti-replay window (RFC 4303 3.4.3, Appendix A2): fixed cases for
 * windows of 64, 1024 and 4096, ESN inference around 2^32, and a
 * randomised comparison with a trivially correct model.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dataplane/replay.h"
#include "tests/unit/check.h"

static struct mif_replay *
win_new(uint32_t w)
{
	struct mif_replay *r = malloc(mif_replay_size(w));

	CHECK(r != NULL);
	CHECK_EQ(mif_replay_init(r, w), 0);
	return r;
}

/* Receive = check, then (the ICV having verified) update. */
static int
rx(struct mif_replay *r, uint64_t seq)
{
	int rc = mif_replay_check(r, seq);

	if (rc != 0)
		return rc;
	return mif_replay_update(r, seq);
}

static void
test_basic(uint32_t w)
{
	struct mif_replay *r = win_new(w);
	uint64_t s;

	CHECK_EQ(rx(r, 0), -ERANGE);		/* 0 is never sent */
	for (s = 1; s <= 3 * w; s++)
		CHECK_EQ(rx(r, s), 0);
	CHECK_EQ(rx(r, 3 * w), -EALREADY);	/* duplicate of the top */
	CHECK_EQ(rx(r, 2 * w + 1), -EALREADY);	/* oldest still inside */
	CHECK_EQ(rx(r, 2 * w), -ERANGE);	/* just left of the window */
	CHECK_EQ(rx(r, 1), -ERANGE);

	/* Far ahead: a jump larger than the whole ring clears it; the
	 * sequence numbers skipped over are new and accepted once. */
	CHECK_EQ(rx(r, 100 * w), 0);
	CHECK_EQ(rx(r, 100 * w - w + 1), 0);
	CHECK_EQ(rx(r, 100 * w - w + 1), -EALREADY);
	CHECK_EQ(rx(r, 100 * w - w), -ERANGE);
	CHECK_EQ(rx(r, 100 * w - 1), 0);

	/* Jump by exactly one window, then fill it backwards. */
	CHECK_EQ(rx(r, 101 * w), 0);
	for (s = 101 * w - 1; s > 100 * w; s--)
		CHECK_EQ(rx(r, s), s == 100 * w - 1 ? -EALREADY : 0);
	CHECK_EQ(rx(r, 100 * w), -ERANGE);
	free(r);
}

/* A packet whose ICV fails is checked but never recorded: the genuine
 * packet with the same number must still pass afterwards. */
static void
test_update_after_icv(void)
{
	struct mif_replay *r = win_new(64);

	CHECK_EQ(rx(r, 10), 0);
	CHECK_EQ(mif_replay_check(r, 20), 0);	/* forged, ICV fails */
	CHECK_EQ(mif_replay_check(r, 20), 0);	/* ... nothing recorded */
	CHECK_EQ(mif_replay_check(r, 9), 0);
	CHECK_EQ(rx(r, 20), 0);			/* genuine one */
	CHECK_EQ(rx(r, 20), -EALREADY);
	/* Two copies pass the pre-check before either is recorded (two
	 * workers); the update lets only one through. */
	CHECK_EQ(mif_replay_check(r, 15), 0);
	CHECK_EQ(mif_replay_check(r, 15), 0);
	CHECK_EQ(mif_replay_update(r, 15), 0);
	CHECK_EQ(mif_replay_update(r, 15), -EALREADY);
	free(r);
}

static void
test_esn(uint32_t w)
{
	struct mif_replay *r = win_new(w);
	uint64_t s;

	/* Without ESN the low half is the sequence number. */
	CHECK_EQ(mif_replay_infer(r, 0xfffffff0u, false), 0xfffffff0ull);
	/* At the start (top 0) a number just below 2^32 would belong to
	 * the subspace before 0: it does not exist. */
	CHECK_EQ(mif_replay_infer(r, 0xffffffffu, true), 0);
	CHECK_EQ(mif_replay_infer(r, 5, true), 5);

	CHECK_EQ(rx(r, 0xfffffff0ull), 0);
	/* Window inside subspace 0: small numbers belong to subspace 1. */
	s = mif_replay_infer(r, 5, true);
	CHECK_EQ(s, 0x100000005ull);
	CHECK_EQ(rx(r, s), 0);
	/* Now the window straddles 2^32: a number just below it is late
	 * traffic from subspace 0 and still inside the window. */
	s = mif_replay_infer(r, 0xfffffff8u, true);
	CHECK_EQ(s, 0xfffffff8ull);
	CHECK_EQ(rx(r, s), 0);
	CHECK_EQ(rx(r, s), -EALREADY);
	CHECK_EQ(rx(r, mif_replay_infer(r, 0xfffffff0u, true)), -EALREADY);
	CHECK_EQ(mif_replay_infer(r, 7, true), 0x100000007ull);
	/* Far from the window it is taken as ahead, in subspace 1. */
	s = mif_replay_infer(r, 0x10000000u, true);
	CHECK_EQ(s >> 32, 1);
	/* At the top of 2^64 there is no next subspace. */
	r->top = UINT64_MAX - 1;
	CHECK_EQ(mif_replay_infer(r, 3, true), 0);
	free(r);
}

/* Random traffic near the top against a set-based model. */
static void
test_model(uint32_t w, unsigned int rounds)
{
	struct mif_replay *r = win_new(w);
	uint64_t top = 0, s, span = 3ull * w;
	uint8_t *seen = calloc(1, 1u << 24);
	unsigned int i;
	int want, got;

	CHECK(seen != NULL);
	srand(w);
	for (i = 0; i < rounds; i++) {
		s = top + 1 + (rand() % 8) - (rand() % span);
		if ((int64_t)s < 0 || s >= (1u << 24) - 64)
			continue;
		if (s == 0 || (top >= w && s <= top - w))
			want = -ERANGE;
		else if (seen[s])
			want = -EALREADY;
		else
			want = 0;
		got = rx(r, s);
		CHECK_EQ(got, want);
		if (got == 0) {
			seen[s] = 1;
			if (s > top)
				top = s;
		}
	}
	free(seen);
	free(r);
}

static void
test_limits(void)
{
	struct mif_replay *r = malloc(mif_replay_size(MIF_REPLAY_WIN_MAX));

	CHECK(r != NULL);
	CHECK_EQ(mif_replay_init(r, MIF_REPLAY_WIN_MAX + 1), -EINVAL);
	CHECK_EQ(mif_replay_init(r, 0), 0);	/* disabled window */
	CHECK_EQ(rx(r, 5), 0);
	CHECK_EQ(rx(r, 5), 0);
	CHECK_EQ(rx(r, 0), -ERANGE);
	CHECK(mif_replay_size(4096) <= sizeof(*r) + 128 * 8);
	free(r);
}

int
main(void)
{
	static const uint32_t wins[] = { 64, 1024, 4096 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		test_basic(wins[i]);
		test_esn(wins[i]);
		test_model(wins[i], 300000);
	}
	test_model(32, 100000);
	test_update_after_icv();
	test_limits();
	CHECK_EQ(mif_replay_selftest(), 0);
	CHECK_DONE();
}
