/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dataplane/replay.h"

#define BLOCK_BITS	64u
#define BLOCK_SHIFT	6u

/* Words are read by lock-free pre-checks on other workers while the
 * owner of the update lock writes them: relaxed atomics keep the
 * accesses whole; a stale read only lets a packet reach the
 * authoritative re-check in mif_replay_update(). */
static inline uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void
st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static uint32_t
blocks_for(uint32_t win)
{
	uint32_t need, n;

	/* One block more than the window, so that the block being filled
	 * at the top never overlaps the oldest block still in the window. */
	need = (win + BLOCK_BITS - 1) / BLOCK_BITS + 1;
	for (n = 1; n < need; n <<= 1)
		;
	return n;
}

size_t
mif_replay_size(uint32_t win)
{
	if (win > MIF_REPLAY_WIN_MAX)
		win = MIF_REPLAY_WIN_MAX;
	return sizeof(struct mif_replay) + blocks_for(win) * sizeof(uint64_t);
}

int
mif_replay_init(struct mif_replay *r, uint32_t win)
{
	uint32_t n;

	if (win > MIF_REPLAY_WIN_MAX)
		return -EINVAL;
	n = blocks_for(win);
	r->top = 0;
	r->win = win;
	r->mask = n - 1;
	memset(r->bmp, 0, n * sizeof(uint64_t));
	return 0;
}

uint64_t
mif_replay_infer(const struct mif_replay *r, uint32_t seq_lo, bool esn)
{
	uint64_t top = ld(&r->top);
	uint32_t tl = (uint32_t)top, th = (uint32_t)(top >> 32);
	uint32_t w = r->win ? r->win : 1;
	uint32_t bottom = tl - w + 1;	/* wraps on purpose */

	if (!esn)
		return seq_lo;

	/* RFC 4303 A2.2: the window [bottom, tl] either lies inside one
	 * 2^32 subspace or straddles the boundary into the next. */
	if (tl >= w - 1) {
		if (seq_lo >= bottom)
			return (uint64_t)th << 32 | seq_lo;
		if (th == UINT32_MAX)
			return 0;
		return (uint64_t)(th + 1) << 32 | seq_lo;
	}
	if (seq_lo >= bottom) {
		if (th == 0)
			return 0;
		return (uint64_t)(th - 1) << 32 | seq_lo;
	}
	return (uint64_t)th << 32 | seq_lo;
}

int
mif_replay_check(const struct mif_replay *r, uint64_t seq)
{
	uint64_t top = ld(&r->top);
	uint64_t word;

	if (seq == 0)
		return -ERANGE;
	if (r->win == 0 || seq > top)
		return 0;
	if (top - seq >= r->win)
		return -ERANGE;
	word = ld(&r->bmp[(seq >> BLOCK_SHIFT) & r->mask]);
	if (word & (1ull << (seq & (BLOCK_BITS - 1))))
		return -EALREADY;
	return 0;
}

int
mif_replay_update(struct mif_replay *r, uint64_t seq)
{
	uint64_t top = r->top, cur, next, i, n;
	uint64_t *w, bit;
	int rc;

	if ((rc = mif_replay_check(r, seq)) != 0)
		return rc;
	if (r->win == 0) {
		if (seq > top)
			__atomic_store_n(&r->top, seq, __ATOMIC_RELEASE);
		return 0;
	}

	if (seq > top) {
		/* Clear the blocks the top moves into; past a whole ring's
		 * worth everything is stale anyway. */
		cur = top >> BLOCK_SHIFT;
		next = seq >> BLOCK_SHIFT;
		n = next - cur;
		if (n > (uint64_t)r->mask + 1)
			n = (uint64_t)r->mask + 1;
		for (i = 1; i <= n; i++)
			st(&r->bmp[(cur + i) & r->mask], 0);
		/* Release: a reader that sees the new top also sees the
		 * cleared blocks. */
		__atomic_store_n(&r->top, seq, __ATOMIC_RELEASE);
	}

	w = &r->bmp[(seq >> BLOCK_SHIFT) & r->mask];
	bit = 1ull << (seq & (BLOCK_BITS - 1));
	st(w, ld(w) | bit);
	return 0;
}

/* One step of the self-test: what check+update answer for a sequence
 * number (low half inferred when @esn). */
struct st_step {
	uint32_t lo;
	bool esn;
	uint64_t want_seq;
	int want;
};

static const struct st_step st_steps[] = {
	{ 0, false, 0, -ERANGE },		/* 0 is never sent */
	{ 1, false, 1, 0 },
	{ 1, false, 1, -EALREADY },
	{ 70, false, 70, 0 },
	{ 6, false, 6, -ERANGE },		/* 70 - 6 >= 64 */
	{ 7, false, 7, 0 },			/* oldest inside */
	{ 100000, false, 100000, 0 },		/* far ahead */
	{ 70, false, 70, -ERANGE },
	{ 99990, false, 99990, 0 },
	{ 0xfffffff0u, true, 0xfffffff0ull, 0 },
	{ 3, true, 0x100000003ull, 0 },		/* wrapped into 2^32 */
	{ 0xfffffff8u, true, 0xfffffff8ull, 0 },	/* late, before wrap */
	{ 0xfffffff0u, true, 0xfffffff0ull, -EALREADY },
};

int
mif_replay_selftest(void)
{
	uint64_t buf[8];
	struct mif_replay *r = (struct mif_replay *)buf;
	const struct st_step *st;
	uint64_t seq;
	unsigned int i;
	int rc;

	if (mif_replay_size(64) > sizeof(buf) || mif_replay_init(r, 64) != 0)
		return -EPROTO;
	for (i = 0; i < sizeof(st_steps) / sizeof(st_steps[0]); i++) {
		st = &st_steps[i];
		seq = mif_replay_infer(r, st->lo, st->esn);
		rc = mif_replay_check(r, seq);
		/* A forged packet is only checked: nothing may change. */
		if (rc == 0 && mif_replay_check(r, seq) != 0)
			goto fail;
		if (rc == 0)
			rc = mif_replay_update(r, seq);
		if (seq != st->want_seq || rc != st->want)
			goto fail;
	}
	return 0;
fail:
	MIF_LOG(esp, ERR, "step %u: seq %lu gave %d (want %lu, %d)", i,
		(unsigned long)seq, rc, (unsigned long)st->want_seq, st->want);
	return -EPROTO;
}
