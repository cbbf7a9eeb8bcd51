/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_REPLAY_H
#define MIF_REPLAY_H

/** @file
 * ESP anti-replay window (RFC 4303 3.4.3 and Appendix A2), kept as a
 * ring of 64-bit blocks so that sliding the window clears whole words
 * instead of shifting a bitmap (the scheme of RFC 6479).
 *
 * Concurrency: mif_replay_check() may run on any worker without a lock
 * and is only a pre-filter before decryption; mif_replay_update() is the
 * authoritative test-and-set and the caller serialises it per window
 * (see struct mif_sa). The window moves only through update, i.e. only
 * after the ICV of the packet verified.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIF_REPLAY_WIN_MAX	65536u	/**< largest configurable window */

struct mif_replay {
	uint64_t top;		/**< highest accepted 64-bit sequence */
	uint32_t win;		/**< window size in packets; 0 = disabled */
	uint32_t mask;		/**< blocks - 1; blocks is a power of two */
	uint64_t bmp[];		/**< one bit per sequence number */
};

/** Bytes needed for a window of @p win packets (header included). */
size_t mif_replay_size(uint32_t win);

/**
 * Initialise @p r, which must be mif_replay_size(@p win) bytes.
 * @return 0, or -EINVAL when @p win > MIF_REPLAY_WIN_MAX.
 */
int mif_replay_init(struct mif_replay *r, uint32_t win);

/**
 * Full 64-bit sequence number for a received low half (RFC 4303 A2.2).
 * Without ESN the result is @p seq_lo. With ESN it is the value closest
 * to the window; 0 when no valid value exists (taken as a replay).
 */
uint64_t mif_replay_infer(const struct mif_replay *r, uint32_t seq_lo,
			  bool esn);

/**
 * Pre-decryption check: may the packet with @p seq still be new?
 * @return 0, -ERANGE (0, or left of the window) or -EALREADY (seen).
 */
int mif_replay_check(const struct mif_replay *r, uint64_t seq);

/**
 * Record @p seq after its ICV verified, sliding the window if needed.
 * Repeats the check, so of two copies decrypted at once only one passes.
 * @return 0, -ERANGE or -EALREADY (nothing changed).
 */
int mif_replay_update(struct mif_replay *r, uint64_t seq);

/**
 * Self-test for debug builds at start-up: known answers for a window of
 * 64 (duplicates, old, far ahead, update only after the ICV) and the
 * ESN inference around 2^32. No EAL needed.
 * @return 0, or -EPROTO (logged) on the first wrong answer.
 */
int mif_replay_selftest(void);

#endif
