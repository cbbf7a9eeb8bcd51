/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IFSET_H
#define MIF_IFSET_H

/** @file
 * Interface sets (issue 4): the outer paths one SA may use.
 *
 * A path is (local address and port, remote address and port) with a
 * state, a priority and a weight. One SA keeps one SPI, one sequence
 * space and one key on all of its paths; only the outer header changes.
 *
 * - ACTIVE: carries traffic both ways.
 * - ALTERNATE: carries nothing until promoted (multihoming backup).
 * - REMOVED: carries nothing; kept so that its traffic is counted.
 * - PENDING: being verified: accepted inbound, never chosen outbound.
 *
 * Publication. A set is immutable once published. The control thread
 * (the only writer) copies the current set, edits the copy, and swaps
 * the SA's pointer with a store-release (mif_ifset_publish()); the old
 * set is freed after a QSBR grace period. Workers load the pointer once
 * per burst with a load-acquire and never lock. Counters do not live in
 * the set: each SA has one counter block per worker slot, indexed by the
 * path's counter slot, so they survive every swap.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "common/addr.h"
#include "dataplane/sa.h"

struct rte_rcu_qsbr;

#define MIF_IFSET_MAX_PATHS	8	/**< entries in one set */
#define MIF_IFSET_CTR_SLOTS	16	/**< counter slots per SA */
#define MIF_IFSET_BUCKETS	64	/**< flow-hash buckets */
#define MIF_IFSET_NONE		0xff	/**< no entry (bucket, primary) */
#define MIF_IFSET_WEIGHT_MAX	1000
#define MIF_IFSET_RETIRED_MAX	32	/**< replaced sets awaiting free */
/**
 * Default inbound replay window for SAs that may use several paths;
 * see docs/interface-sets.md for the reordering figure behind it.
 */
#define MIF_IFSET_REPLAY_WIN_DEFAULT	1024

enum mif_ifset_state {
	MIF_IFSET_ACTIVE,
	MIF_IFSET_ALTERNATE,
	MIF_IFSET_REMOVED,
	MIF_IFSET_PENDING,
	MIF_IFSET_STATE_MAX,
};

/** Which ACTIVE path an outbound packet takes. */
enum mif_ifset_policy {
	MIF_IFSET_POL_HASH,		/**< inner 5-tuple, equal shares */
	MIF_IFSET_POL_PRIMARY,		/**< lowest priority value only */
	MIF_IFSET_POL_WEIGHTED,		/**< inner 5-tuple, by weight */
	MIF_IFSET_POL_MAX,
};

/** What happens when a failed path comes back. */
enum mif_ifset_failback {
	MIF_IFSET_FB_IMMEDIATE,		/**< it takes its place back */
	MIF_IFSET_FB_NEVER,		/**< it becomes the stand-in's alternate */
	MIF_IFSET_FB_MANUAL,		/**< it waits for a promote */
	MIF_IFSET_FB_MAX,
};

/** One entry of a set. Ports in host order, as in struct mif_sa_ep. */
struct mif_ifset_path {
	struct mif_sa_ep ep;
	uint16_t id;			/**< unique for the SA's life, >= 1 */
	uint8_t state;			/**< enum mif_ifset_state */
	uint8_t priority;		/**< lower is preferred */
	uint16_t weight;		/**< 1..MIF_IFSET_WEIGHT_MAX */
	uint16_t alt_of;		/**< ALTERNATE: backs up this id, 0 any */
	uint16_t stands_for;		/**< ACTIVE: promoted for this id */
	bool down;			/**< failed: never promoted */
	uint8_t cslot;			/**< counter slot */
	/** Outer IPv4 header of this path (as struct mif_sa's outer4). */
	uint8_t outer4[20];
	uint32_t outer4_sum;
};

/** A published set (immutable). */
struct mif_ifset {
	uint64_t gen;			/**< version, +1 per publish */
	uint8_t n;
	uint8_t n_active;
	uint8_t policy;			/**< enum mif_ifset_policy */
	uint8_t primary;		/**< entry index, or MIF_IFSET_NONE */
	/** An SA made without endpoints (transport mode): one ACTIVE
	 * entry that stands for every address; no check is made. */
	bool wildcard;
	uint8_t bucket[MIF_IFSET_BUCKETS]; /**< entry index per flow bucket */
	struct mif_ifset_path path[MIF_IFSET_MAX_PATHS];
};

/** Counters of one path on one worker slot. */
struct mif_ifset_pctr {
	uint64_t rx;			/**< accepted inbound */
	uint64_t tx;			/**< sent outbound */
	uint64_t tx_bytes;
	uint64_t drop_in;		/**< inbound on a path not accepting */
};

/** One worker slot's counters for all paths of an SA. */
struct mif_ifset_lctr {
	struct mif_ifset_pctr p[MIF_IFSET_CTR_SLOTS];
	uint64_t no_match;		/**< inbound from no path of the set */
	uint64_t no_path;		/**< outbound with no ACTIVE path */
} __rte_cache_aligned;

/** Soft handover in progress: A drains while B carries traffic. */
struct mif_ifset_drain {
	uint16_t old_id;		/**< 0: none */
	uint16_t new_id;
	uint64_t idle_tsc;		/**< A quiet this long: drained */
	uint64_t new_pkts;		/**< or B received this many (0: off) */
	uint64_t old_rx;		/**< A's rx at the last tick */
	uint64_t old_rx_tsc;		/**< when A's rx last moved */
	uint64_t new_rx0;		/**< B's rx when the handover began */
};

/** What an SA holds: the published set and the counters. */
struct mif_ifset_ref {
	struct mif_ifset *cur;		/**< load with mif_ifset_load() */
	struct mif_ifset_lctr *ctr;	/**< n_slots blocks */
	unsigned int n_slots;
	/* Control thread only. */
	uint32_t spi;			/**< for log lines */
	uint16_t next_id;
	uint8_t failback;		/**< enum mif_ifset_failback */
	struct mif_ifset_pctr base[MIF_IFSET_CTR_SLOTS]; /**< at slot reuse */
	struct mif_ifset_drain drain;
	/* Sets replaced but maybe still read: freed once their QSBR
	 * token has been reached by every worker (oldest first). */
	struct rte_rcu_qsbr *qsbr;
	unsigned int n_retired;
	struct {
		struct mif_ifset *set;
		uint64_t token;
	} retired[MIF_IFSET_RETIRED_MAX];
};

/* ---- fast path ------------------------------------------------------ */

/** Worker: the SA's set, valid until the next quiescent-state report. */
static inline const struct mif_ifset *
mif_ifset_load(const struct mif_ifset_ref *r)
{
	return __atomic_load_n(&r->cur, __ATOMIC_ACQUIRE);
}

/**
 * The entry whose addresses and ports are (@p local, @p remote) as seen
 * on the wire: inbound dst/src, outbound src/dst. @p udp says whether
 * the packet is UDP-encapsulated; its ports then take part (@p lport
 * ours, @p rport the peer's, host order). @return entry index or -1.
 */
static inline int
mif_ifset_match(const struct mif_ifset *s, uint8_t family,
		const void *local, const void *remote, bool udp,
		uint16_t lport, uint16_t rport)
{
	size_t alen = family == AF_INET ? 4 : 16;
	const struct mif_sa_ep *ep;
	unsigned int i;

	if (s->wildcard)
		return 0;
	for (i = 0; i < s->n; i++) {
		ep = &s->path[i].ep;
		if (ep->local.family != family || ep->udp_encap != udp)
			continue;
		if (memcmp(&ep->local.v4, local, alen) != 0 ||
		    memcmp(&ep->remote.v4, remote, alen) != 0)
			continue;
		if (udp && (ep->sport != lport || ep->dport != rport))
			continue;
		return (int)i;
	}
	return -1;
}

/**
 * Inbound check after the SPI lookup: the outer addresses (and ports)
 * must be those of an ACTIVE or PENDING entry. A refused packet is
 * counted on its path (drop_in) or as no_match; an accepted one is not
 * counted yet: the caller passes the returned slot to
 * mif_ifset_count_rx() once the packet has passed its ICV and replay
 * checks, so forged packets never count as traffic on a path.
 * @return the path's counter slot (>= 0) to accept, -1 to drop.
 */
static inline int
mif_ifset_inb_check(const struct mif_ifset_ref *r, unsigned int slot,
		    uint8_t family, const void *src, const void *dst,
		    bool udp, uint16_t sport, uint16_t dport)
{
	const struct mif_ifset *s = mif_ifset_load(r);
	const struct mif_ifset_path *pa;
	int i;

	i = mif_ifset_match(s, family, dst, src, udp, dport, sport);
	if (unlikely(i < 0)) {
		r->ctr[slot].no_match++;
		return -1;
	}
	pa = &s->path[i];
	if (unlikely(pa->state != MIF_IFSET_ACTIVE &&
		     pa->state != MIF_IFSET_PENDING)) {
		r->ctr[slot].p[pa->cslot].drop_in++;
		return -1;
	}
	return pa->cslot;
}

/** An authentic packet accepted on the path of counter slot @p cslot. */
static inline void
mif_ifset_count_rx(const struct mif_ifset_ref *r, unsigned int slot,
		   unsigned int cslot)
{
	r->ctr[slot].p[cslot].rx++;
}

/**
 * Outbound choice for a tunnel-mode packet whose inner flow hashes to
 * @p flow (mif_ifset_flow_hash()). @return the path, or NULL when no
 * path is ACTIVE (the caller drops and calls mif_ifset_count_no_path()).
 */
static inline const struct mif_ifset_path *
mif_ifset_outb_choose(const struct mif_ifset *s, uint32_t flow)
{
	uint8_t i;

	if (s->policy == MIF_IFSET_POL_PRIMARY)
		i = s->primary;
	else
		i = s->bucket[flow % MIF_IFSET_BUCKETS];
	return i == MIF_IFSET_NONE ? NULL : &s->path[i];
}

/**
 * Outbound check for a transport-mode packet: its own addresses are the
 * outer ones and must be those of an ACTIVE entry. @return the path or
 * NULL.
 */
static inline const struct mif_ifset_path *
mif_ifset_outb_transport(const struct mif_ifset *s, uint8_t family,
			 const void *src, const void *dst, bool udp)
{
	const struct mif_ifset_path *pa;
	int i;

	if (s->wildcard)
		return &s->path[0];
	/* Ports are the SA's own per path; only addresses select. */
	for (i = 0; i < s->n; i++) {
		pa = &s->path[i];
		if (pa->state == MIF_IFSET_ACTIVE &&
		    pa->ep.local.family == family && pa->ep.udp_encap == udp &&
		    memcmp(&pa->ep.local.v4, src, family == AF_INET ? 4 : 16)
		    == 0 &&
		    memcmp(&pa->ep.remote.v4, dst, family == AF_INET ? 4 : 16)
		    == 0)
			return pa;
	}
	return NULL;
}

static inline void
mif_ifset_count_tx(const struct mif_ifset_ref *r, unsigned int slot,
		   const struct mif_ifset_path *pa, uint32_t bytes)
{
	r->ctr[slot].p[pa->cslot].tx++;
	r->ctr[slot].p[pa->cslot].tx_bytes += bytes;
}

static inline void
mif_ifset_count_no_path(const struct mif_ifset_ref *r, unsigned int slot)
{
	r->ctr[slot].no_path++;
}

/**
 * Hash of the inner 5-tuple of the IP packet at @p ip (@p len bytes
 * readable): addresses, protocol and, for TCP/UDP/SCTP first fragments,
 * the ports. Never reads past @p len.
 */
uint32_t mif_ifset_flow_hash(const uint8_t *ip, uint32_t len);

/* ---- control thread ------------------------------------------------- */

/**
 * Holder with a default set of one ACTIVE path built from @p ep (the
 * SA's single endpoint pair). @return it, or NULL (logged).
 */
struct mif_ifset_ref *mif_ifset_ref_create(uint32_t spi,
					   const struct mif_sa_ep *ep,
					   unsigned int n_slots);

/** Free the holder and its set; no worker may still use the SA. */
void mif_ifset_ref_destroy(struct mif_ifset_ref *r);

/** A private, editable copy of the published set. NULL: no memory. */
struct mif_ifset *mif_ifset_draft(const struct mif_ifset_ref *r);

/** Free a draft that was not published. */
void mif_ifset_draft_free(struct mif_ifset *d);

/**
 * Finish @p d (buckets, primary), log one NOTICE per path whose state
 * changed (with @p why) and publish it. The previous set is retired: it
 * is freed by a later publish or mif_ifset_reclaim() once every worker
 * registered on @p qsbr has reported a quiescent state; the call waits
 * for a grace period only when MIF_IFSET_RETIRED_MAX sets are pending.
 * @p qsbr NULL frees at once: only when no worker runs. @p d belongs to
 * the holder afterwards. Workers use the new set from their next burst.
 * @return 0 or -EINVAL (d breaks a rule; it is freed, nothing changes).
 */
int mif_ifset_publish(struct mif_ifset_ref *r, struct mif_ifset *d,
		      struct rte_rcu_qsbr *qsbr, const char *why);

/** Free the retired sets whose grace period is over. @return count. */
unsigned int mif_ifset_reclaim(struct mif_ifset_ref *r);

/** Entry with id @p id in @p s, or NULL. */
struct mif_ifset_path *mif_ifset_find(struct mif_ifset *s, uint16_t id);
const struct mif_ifset_path *mif_ifset_find_const(const struct mif_ifset *s,
						  uint16_t id);

/**
 * Add a path (ep, state, priority, weight, alt_of of @p spec; the id and
 * counter slot are assigned). A REMOVED entry makes room when the set is
 * full. @return 0 with *id set, -EEXIST (same endpoints already there,
 * not REMOVED), -ENOSPC or -EINVAL.
 */
int mif_ifset_path_add(struct mif_ifset_ref *r, struct mif_ifset *d,
		       const struct mif_ifset_path *spec, uint16_t *id);

/** Set a path's state (any to any but back from REMOVED). */
int mif_ifset_path_set_state(struct mif_ifset *d, uint16_t id,
			     enum mif_ifset_state st);

/**
 * Path @p id failed (link down, peer dead): it is marked down and, if
 * it was ACTIVE, becomes ALTERNATE and its best alternate (alt_of == id
 * or 0, not down, lowest priority value) becomes ACTIVE in its place.
 * @return 0, -ENOENT, or -EALREADY (already down).
 */
int mif_ifset_path_fail(struct mif_ifset *d, uint16_t id);

/**
 * Path @p id works again: failback as @p fb says.
 * @return 0, -ENOENT or -EALREADY (not down).
 */
int mif_ifset_path_restore(struct mif_ifset *d, uint16_t id,
			   enum mif_ifset_failback fb);

/**
 * Make ALTERNATE or PENDING path @p id ACTIVE. The ACTIVE path it backs
 * up (alt_of), and any path standing in for it, become its alternates.
 * @return 0, -ENOENT, -EINVAL (REMOVED or down).
 */
int mif_ifset_path_promote(struct mif_ifset *d, uint16_t id);

/**
 * Start a soft handover from @p old_id to @p new_id (already ACTIVE in
 * the published set): mif_ifset_tick() sets @p old_id REMOVED once it
 * has had no inbound packet for @p idle_us, or @p new_id has received
 * @p new_pkts packets (0: idle time only). @return 0, -ENOENT, -EBUSY.
 */
int mif_ifset_drain_start(struct mif_ifset_ref *r, uint16_t old_id,
			  uint16_t new_id, uint64_t idle_us,
			  uint64_t new_pkts);

/**
 * Control-thread timer: finishes a drained soft handover (publishes).
 * @return 1 if a set was published, 0 if not, or -errno.
 */
int mif_ifset_tick(struct mif_ifset_ref *r, struct rte_rcu_qsbr *qsbr,
		   uint64_t now_tsc);

struct mif_ifset_op;
struct mif_cfg_sa;

/**
 * Build the set a configured SA asks for (its paths, path_policy and
 * failback; common/cfg_sa.h) on top of its own first path, before the
 * SA is in use. @return 0 or -errno (logged).
 */
int mif_ifset_cfg_apply(struct mif_ifset_ref *r, const struct mif_cfg_sa *c);

/**
 * Apply one operation of common/ifset_ops.h to the set of @p ref (a
 * struct mif_ifset_ref *; the signature is mif_ifset_apply_fn) and
 * publish under mif_state.qsbr. Control thread only.
 * @return 0, -ENOENT (no such path), -ENOSPC, -EEXIST, -EINVAL,
 * -EALREADY or -ENOMEM, with a message in @p msg.
 */
int mif_ifset_op_apply(void *ref, const struct mif_ifset_op *op, char *msg,
		       size_t len);

/** Sum of path @p id's counters over all slots (0 for unknown ids). */
void mif_ifset_path_stats(const struct mif_ifset_ref *r, uint16_t id,
			  struct mif_ifset_pctr *out);

/** Sums of no_match and no_path over all slots. */
void mif_ifset_stats(const struct mif_ifset_ref *r, uint64_t *no_match,
		     uint64_t *no_path);

const char *mif_ifset_state_name(enum mif_ifset_state st);
const char *mif_ifset_policy_name(enum mif_ifset_policy p);
const char *mif_ifset_failback_name(enum mif_ifset_failback fb);
/** Name to value; @return the value or -EINVAL. */
int mif_ifset_state_parse(const char *s);
int mif_ifset_policy_parse(const char *s);
int mif_ifset_failback_parse(const char *s);

#endif
