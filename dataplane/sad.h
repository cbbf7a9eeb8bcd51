/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_SAD_H
#define MIF_SAD_H

/** @file
 * Security Association Database (RFC 4301 4.4.2). Inbound SAs are found
 * by SPI, or by SPI and outer destination when the SA was configured
 * with match_dst (RFC 4301 4.1 lookup order: the longer match wins).
 *
 * Concurrency: one writer (the control thread) calls add/del/reclaim;
 * any number of workers call the lookups with no lock. The hash is an
 * rte_hash in lock-free mode; a deleted SA is freed only after every
 * worker registered with the QSBR variable has reported a quiescent
 * state, so a worker may use an SA it looked up until its next report.
 */

#include <stdint.h>

#include "common/addr.h"
#include "dataplane/sa.h"

struct rte_rcu_qsbr;
struct mif_sad;

/** Key of the inbound hash (24 bytes). */
struct mif_sad_key {
	uint32_t spi;			/**< host order */
	uint8_t family;			/**< 0 for an SPI-only SA */
	uint8_t pad[3];
	uint8_t dst[16];		/**< IPv4 in the first 4 bytes */
};

/**
 * Create a SAD for up to @p max_sa inbound SAs.
 * @param qsbr the workers' QSBR variable (the dataplane's global one)
 * @return the SAD, or NULL (logged).
 */
struct mif_sad *mif_sad_create(const char *name, uint32_t max_sa,
			       struct rte_rcu_qsbr *qsbr, int socket);

/** Destroy the SAD and every SA still in it; workers must be stopped. */
void mif_sad_destroy(struct mif_sad *sad);

/**
 * Make @p sa known and give it the SAD's event ring. Inbound SAs are
 * keyed by SPI (and destination); outbound SAs by their id, which is
 * what an SPD PROTECT verdict carries (so at most UINT32_MAX).
 * @return 0, -EEXIST (same key), -ENOSPC, -ERANGE (outbound id).
 */
int mif_sad_add(struct mif_sad *sad, struct mif_sa *sa);

/**
 * Remove @p sa from its hash and free it after a grace period. Other
 * references (an SPD that still names an outbound SA's id) simply stop
 * finding it. @return 0 or -ENOENT.
 */
int mif_sad_del(struct mif_sad *sad, struct mif_sa *sa);

/** Free what waits for a grace period, without waiting. @return count. */
unsigned int mif_sad_reclaim(struct mif_sad *sad);

/** Inbound lookup of one packet; @p dst may be NULL. */
struct mif_sa *mif_sad_lookup(const struct mif_sad *sad, uint32_t spi,
			      const struct mif_addr *dst);

/**
 * Look up @p n keys at once (n <= 64). keys[i].family/dst carry the
 * packet's outer destination; SPI-only SAs are found as well.
 * out[i] is NULL on a miss.
 */
void mif_sad_lookup_burst(const struct mif_sad *sad,
			  const struct mif_sad_key *keys, uint16_t n,
			  struct mif_sa *out[]);

/** Dequeue up to @p n SA events (control thread). @return count. */
unsigned int mif_sad_events_poll(struct mif_sad *sad,
				 struct mif_sa_event *ev, unsigned int n);

/** Inbound SAs in the hash. */
uint32_t mif_sad_count(const struct mif_sad *sad);

/**
 * Outbound SA with id @p id (an SPD PROTECT verdict), or NULL. Workers,
 * lock-free; valid until the caller's next quiescent-state report.
 */
struct mif_sa *mif_sad_out_lookup(const struct mif_sad *sad, uint32_t id);

/** Outbound SAs in the SAD. */
uint32_t mif_sad_out_count(const struct mif_sad *sad);

#endif
