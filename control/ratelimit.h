/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_RATELIMIT_H
#define MIF_RATELIMIT_H

/** @file
 * Token bucket: @c rate tokens a second, at most @c burst stored. Time is
 * passed in (TSC cycles) so the bucket is testable and never reads a
 * clock itself. Single-threaded: the control thread owns its buckets.
 */

#include <stdbool.h>
#include <stdint.h>

struct mif_ratelimit {
	uint64_t hz;		/**< cycles per second */
	uint64_t rate;		/**< tokens per second; 0 blocks everything */
	uint64_t burst;		/**< bucket depth, in tokens */
	uint64_t credit;	/**< tokens * hz, to keep fractions */
	uint64_t last;		/**< cycle count at the last refill */
};

/** Start full at time @p now. */
void mif_ratelimit_init(struct mif_ratelimit *rl, uint64_t rate,
			uint64_t burst, uint64_t hz, uint64_t now);

/** Take one token at time @p now. @return true if one was available. */
bool mif_ratelimit_take(struct mif_ratelimit *rl, uint64_t now);

/**
 * Check the bucket against a fixed scenario (a debug build runs this at
 * start-up). @return 0, or -1 with the failing step logged.
 */
int mif_ratelimit_selftest(void);

#endif
