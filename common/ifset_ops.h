/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IFSET_OPS_H
#define MIF_IFSET_OPS_H

/** @file
 * Interface-set operations (issue 4) for the CLI and IKEv2: add or
 * remove an interface, set an alternate, promote, declare a path dead
 * or alive, hard and soft handover. An operation names a peer and,
 * optionally, a traffic selector: it applies to every SA of the peer,
 * or only to the SAs whose selectors lie inside the TS.
 *
 * Paths are named by their endpoints (local and remote address, and
 * the UDP ports with NAT-T), since path ids differ from SA to SA.
 *
 * Threading: the registry and every operation belong to the control
 * thread, the only writer of interface sets. The per-SA work is done
 * by the registered apply function (mif_ifset_op_apply() for
 * dataplane SAs), which publishes under RCU.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

/** Outer endpoints of a path; ports in host order, used with udp. */
struct mif_ifset_ops_ep {
	struct mif_addr local;
	struct mif_addr remote;
	bool udp;
	uint16_t lport;
	uint16_t rport;
};

/** Traffic selector: prefixes and an IP protocol (0: any). */
struct mif_ifset_ts {
	struct mif_prefix local;
	struct mif_prefix remote;
	uint8_t proto;
};

enum mif_ifset_op_kind {
	MIF_IFSET_OP_ADD,		/**< ep, state, priority, weight */
	MIF_IFSET_OP_REMOVE,		/**< ep -> REMOVED */
	MIF_IFSET_OP_ALTERNATE,		/**< ep -> ALTERNATE (of alt_of) */
	MIF_IFSET_OP_PROMOTE,		/**< ep -> ACTIVE */
	MIF_IFSET_OP_FAIL,		/**< ep dead: failover */
	MIF_IFSET_OP_RESTORE,		/**< ep alive: failback */
	MIF_IFSET_OP_HARD,		/**< ep replaced by new_ep, one publish */
	MIF_IFSET_OP_SOFT,		/**< new_ep added; ep removed once drained */
	MIF_IFSET_OP_MAX,
};

/** op.peer that reaches every SA (link events). */
#define MIF_IFSET_PEER_ANY	UINT32_MAX

struct mif_ifset_op {
	enum mif_ifset_op_kind kind;
	uint32_t peer;			/**< peer whose SAs are concerned */
	const struct mif_ifset_ts *ts;	/**< NULL: every SA of the peer */
	/** Non-NULL: only the registered SA of this name (the operator
	 * naming one SA); peer and ts still apply. */
	const char *sa_name;
	/** The path; for FAIL/RESTORE a remote of family 0 means every
	 * path with this local address. */
	struct mif_ifset_ops_ep ep;
	struct mif_ifset_ops_ep new_ep;	/**< HARD, SOFT */
	bool has_alt_of;		/**< ALTERNATE/ADD: backs up alt_of */
	struct mif_ifset_ops_ep alt_of;
	uint8_t state;			/**< ADD: enum mif_ifset_state */
	uint8_t priority;
	uint16_t weight;
	uint64_t drain_idle_us;		/**< SOFT: old path quiet this long */
	uint64_t drain_pkts;		/**< SOFT: or new path got this many */
	const char *why;		/**< for the NOTICE lines ("cli", ...) */
};

/**
 * Applies @p op to one SA. Returns 0, -ENOENT (path unknown), -ENOSPC,
 * -EEXIST, -EINVAL, -EALREADY or -ENOMEM, with a message in @p msg.
 */
typedef int (*mif_ifset_apply_fn)(void *sa, const struct mif_ifset_op *op,
				  char *msg, size_t len);

/** An SA the operations may reach. */
struct mif_ifset_ops_sa {
	char name[32];			/**< for messages */
	uint32_t peer;
	struct mif_ifset_ts sel;	/**< the SA's own selectors */
	void *sa;			/**< passed to apply */
	mif_ifset_apply_fn apply;
};

struct mif_ifset_ops;

/** Registry for up to @p max SAs. NULL: no memory (logged). */
struct mif_ifset_ops *mif_ifset_ops_create(unsigned int max);
void mif_ifset_ops_destroy(struct mif_ifset_ops *o);

/** @return 0, -ENOSPC (full), -EEXIST (same sa pointer) or -EINVAL. */
int mif_ifset_ops_add(struct mif_ifset_ops *o,
		      const struct mif_ifset_ops_sa *sa);
/** @return 0 or -ENOENT. */
int mif_ifset_ops_del(struct mif_ifset_ops *o, const void *sa);

/**
 * Apply @p op to every registered SA of op->peer inside op->ts.
 * @return 0 when it applied to at least one SA and failed on none;
 * -ENOENT when no SA is in scope or none had the path; otherwise the
 * first error. @p msg (may be NULL) receives a line the caller prints:
 * "N SAs changed" or which SA failed and why.
 */
int mif_ifset_ops_apply(struct mif_ifset_ops *o,
			const struct mif_ifset_op *op, char *msg, size_t len);

/**
 * Link state of a local address changed (port link down/up): FAIL or
 * RESTORE every path of every SA whose local address is @p local.
 * @return number of SAs changed, or -errno.
 */
int mif_ifset_ops_local_link(struct mif_ifset_ops *o,
			     const struct mif_addr *local, bool up);

/** True when every SA selector of @p sel lies inside @p ts. */
bool mif_ifset_ts_covers(const struct mif_ifset_ts *ts,
			 const struct mif_ifset_ts *sel);

const char *mif_ifset_op_name(enum mif_ifset_op_kind k);

#endif
