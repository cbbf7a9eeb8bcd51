/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_RESOLVE_H
#define MIF_RESOLVE_H

/** @file
 * Next-hop resolution on the control thread: the writer side of the
 * neighbour table. An unresolved next hop gets an INCOMPLETE entry, a
 * bounded queue of packets waiting for it and up to
 * MIF_RESOLVE_TRIES solicitations a second apart; when it answers, the
 * queue is sent; when it does not, the queue is dropped (counted as
 * neigh_unresolved, each with an ICMP unreachable) and the entry
 * removed. A learned entry not confirmed for neigh_timeout seconds
 * expires to STALE: workers go on using its MAC while it is asked again
 * (up to MIF_RESOLVE_TRIES times); an answer makes it REACHABLE, silence
 * removes it. Static entries never expire.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "common/addr.h"
#include "common/cfg.h"

#define MIF_RESOLVE_TRIES	3

/** @return 0 or -errno (logged). Adds the configured static entries. */
int mif_resolve_init(const struct mif_cfg *cfg);

/** Drop every queued packet and forget the state. */
void mif_resolve_fini(void);

/**
 * Send @p m (starting at L3) to @p nh on port @p port, or queue it
 * until @p nh is resolved.
 */
void mif_resolve_output(struct rte_mbuf *m, uint16_t port,
			const struct mif_addr *nh);

/**
 * @p ip on @p port has @p mac (from ARP or ND). Updates an existing
 * entry and sends what waited for it; creates one only when @p create
 * (the neighbour talked to us). Static entries are left alone.
 */
void mif_resolve_learn(uint16_t port, const struct mif_addr *ip,
		       const struct rte_ether_addr *mac, bool create);

/** Retries, failures and expiry; call a few times a second. */
void mif_resolve_timer(uint64_t now);

#endif
