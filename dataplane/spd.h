/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_SPD_H
#define MIF_SPD_H

/** @file
 * Security Policy Database (RFC 4301 section 4.4.1), one object per
 * direction.
 *
 * Life cycle: the control thread creates an SPD, adds rules, builds it
 * (rte_acl tries for IPv4 and IPv6) and publishes it into a slot that
 * the workers read under QSBR RCU. A built SPD is immutable; a policy
 * change builds a new SPD and publishes it in place of the old one,
 * which is destroyed after the grace period.
 *
 * Classification yields a 32-bit verdict per packet: an SA id for
 * PROTECT (at most MIF_SPD_SA_ID_MAX), or one of MIF_SPD_V_BYPASS,
 * MIF_SPD_V_DISCARD, MIF_SPD_V_BADPKT. Semantics are described in
 * docs/spd.md.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "common/addr.h"
#include "common/cfg.h"

enum mif_spd_dir {
	MIF_SPD_DIR_OUT,	/**< traffic arriving from the protected side */
	MIF_SPD_DIR_IN,		/**< traffic arriving from the unprotected side */
};

enum mif_spd_action {
	MIF_SPD_DISCARD,
	MIF_SPD_BYPASS,
	MIF_SPD_PROTECT,	/**< rule carries an SA or bundle id */
};

/** Largest SA or bundle id a PROTECT rule may carry. */
#define MIF_SPD_SA_ID_MAX	0xffffffefu
/** Verdict: forward in clear. */
#define MIF_SPD_V_BYPASS	0xfffffffeu
/** Verdict: drop (a DISCARD rule or the default action). */
#define MIF_SPD_V_DISCARD	0xffffffffu
/** Verdict: not a well-formed IPv4/IPv6 packet (truncated, bad lengths,
 * not IP); the caller drops it and counts it as a bad header. */
#define MIF_SPD_V_BADPKT	0xfffffffdu

/** Selector value meaning "any protocol". */
#define MIF_SPD_PROTO_ANY	256

/** Most rules one SPD accepts. */
#define MIF_SPD_MAX_RULES	(1u << 20)

/**
 * A selector set entry (RFC 4301 4.4.1.1), as written by the operator or
 * negotiated by IKE. Both prefixes have the same family. Port ranges are
 * inclusive and apply to TCP, UDP and SCTP; for ICMP and ICMPv6 both
 * ranges match the 16-bit value (type << 8 | code), the convention of
 * RFC 7296 3.13.1. For any other protocol both ranges must be 0-65535.
 * A packet whose ports cannot be known (a non-first fragment, an IPv6
 * header chain too long to walk) is matched only by full ranges: this is
 * the OPAQUE case of RFC 4301 4.4.1.1.
 */
struct mif_spd_sel {
	struct mif_prefix src;
	struct mif_prefix dst;
	uint16_t proto;			/**< 0..255 or MIF_SPD_PROTO_ANY */
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
};

struct mif_spd_rule {
	struct mif_spd_sel sel;
	uint32_t priority;		/**< lower wins; ties: first added wins */
	enum mif_spd_action action;
	uint32_t sa_id;			/**< PROTECT only; <= MIF_SPD_SA_ID_MAX */
};

struct mif_spd_params {
	const char *name;		/**< for logs */
	enum mif_spd_dir dir;
	/** BYPASS or DISCARD; MIF_SPD_DIR_IN accepts DISCARD only. */
	enum mif_spd_action def_action;
	int socket_id;			/**< or SOCKET_ID_ANY */
};

struct mif_spd;

/** Create an empty, unbuilt SPD. @return NULL (logged) on bad params. */
struct mif_spd *mif_spd_create(const struct mif_spd_params *p);

/** Free an SPD that no worker can reach any more. NULL is a no-op. */
void mif_spd_destroy(struct mif_spd *spd);

/**
 * Fill @p s with a selector matching everything of @p family
 * (AF_INET or AF_INET6).
 */
void mif_spd_sel_init_any(struct mif_spd_sel *s, int family);

/** Check a selector. @return 0 or -EINVAL (reason logged at DEBUG). */
int mif_spd_sel_validate(const struct mif_spd_sel *s);

/**
 * Append a rule (copied). Host bits of the prefixes are ignored.
 * @return 0, -EINVAL (bad rule), -EBUSY (SPD already built),
 *	   -ENOSPC (MIF_SPD_MAX_RULES reached) or -ENOMEM
 */
int mif_spd_rule_add(struct mif_spd *spd, const struct mif_spd_rule *r);

/**
 * Build the classifier. Afterwards the SPD is read-only and may be
 * published. On failure the SPD stays unbuilt and may only be destroyed.
 * @return 0, -EBUSY (already built), -ENOMEM or the rte_acl error
 */
int mif_spd_build(struct mif_spd *spd);

/** Number of rules added. */
unsigned int mif_spd_rule_count(const struct mif_spd *spd);

/** Direction given at creation. */
enum mif_spd_dir mif_spd_dir(const struct mif_spd *spd);

/**
 * Classify a burst of packets whose data starts at the IPv4 or IPv6
 * header. Worker lcores call this between two quiescent-state reports.
 * @param spd      a built SPD (mif_spd_deref()); NULL (nothing
 *		   published yet) gives MIF_SPD_V_DISCARD for every packet
 * @param results  @p n verdicts: an SA id or MIF_SPD_V_*
 */
void mif_spd_classify_burst(const struct mif_spd *spd, struct rte_mbuf *mb[],
			    uint16_t n, uint32_t results[]);

/**
 * Reference classifier with the same semantics as
 * mif_spd_classify_burst() that scans the rules in order. For tests and
 * the benchmark; O(rules) per packet.
 */
void mif_spd_classify_linear_burst(const struct mif_spd *spd,
				   struct rte_mbuf *mb[], uint16_t n,
				   uint32_t results[]);

/**
 * RFC 4301 5.2 step 4: after inbound ESP processing the inner packet
 * must match one of the selectors of the SA it arrived on. Selectors
 * are written as for the inbound SPD (src = the peer's side).
 * @param m  the inner packet, data at its IP header
 * @return 0 if a selector matches, -EACCES if none does, -EBADMSG if
 *	   the inner packet is malformed
 */
int mif_spd_check_inner(const struct mif_spd_sel *sels, unsigned int n_sels,
			const struct rte_mbuf *m);

/**
 * Publish @p spd (built) in @p slot, wait for a QSBR grace period on
 * @p qs, then destroy the SPD the slot held before (if any).
 *
 * Ordering: the slot is written with a release store, so a worker that
 * loads it with mif_spd_deref() (acquire) sees the fully built tries.
 * rte_rcu_qsbr_synchronize() returns only after every online reader
 * has reported a quiescent state begun after the store, so none can
 * still hold the old pointer when it is freed.
 *
 * Control thread only; blocks until the workers report. The caller
 * must not itself be a reader registered on @p qs and online.
 * @return 0, -EINVAL (NULL or unbuilt @p spd)
 */
int mif_spd_publish(struct mif_spd **slot, struct mif_spd *spd,
		    struct rte_rcu_qsbr *qs);

/** Worker side of mif_spd_publish(): the current SPD of @p slot. */
static inline const struct mif_spd *
mif_spd_deref(struct mif_spd *const *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/** True when @p verdict names an SA (PROTECT). */
static inline bool
mif_spd_verdict_is_protect(uint32_t verdict)
{
	return verdict <= MIF_SPD_SA_ID_MAX;
}

/**
 * Maps an SA or bundle name from the configuration to the id PROTECT
 * verdicts carry. @return 0, or -ENOENT for an unknown name.
 */
typedef int (*mif_spd_sa_resolve_t)(void *arg, const char *name,
				    uint32_t *id);

/**
 * Build the SPD of direction @p dir from the "policies" section of
 * @p cfg (common/cfg_spd.h), in file order; the default action is
 * DISCARD in both directions (an open outbound side is written as a
 * last catch-all bypass policy). Control thread.
 * @param out  receives the built SPD, ready for mif_spd_publish()
 * @return 0, -ENOENT (unknown SA name, logged with its line) or the
 *	   error of mif_spd_rule_add() / mif_spd_build()
 */
int mif_spd_cfg_build(const struct mif_cfg *cfg, enum mif_spd_dir dir,
		      mif_spd_sa_resolve_t resolve, void *arg, int socket_id,
		      struct mif_spd **out);

/** Most rules the provider below may give. */
#define MIF_SPD_CFG_EXTRA_MAX	1024

/**
 * Rules that every mif_spd_cfg_build() puts ahead of the file's
 * policies, or NULL: the Child SAs of the IKE daemon (control/ike_dp.c
 * sets it), so that an SPD rebuilt elsewhere (the CLI's policy add/del)
 * keeps them. Fills at most @p max rules of @p dir, returns how many.
 * Control thread only.
 */
extern unsigned int (*mif_spd_cfg_extra)(enum mif_spd_dir dir,
					 struct mif_spd_rule *rules,
					 unsigned int max);

/**
 * mif_spd_cfg_build() with @p n_extra rules added before the file's
 * policies (they win ties of priority): the Child SAs negotiated by IKE
 * (control/ike_dp.c). @return as mif_spd_cfg_build()
 */
int mif_spd_cfg_build_extra(const struct mif_cfg *cfg, enum mif_spd_dir dir,
			    const struct mif_spd_rule *extra,
			    unsigned int n_extra, mif_spd_sa_resolve_t resolve,
			    void *arg, int socket_id, struct mif_spd **out);

/**
 * Self-test for debug builds at start-up (after rte_eal_init()): known
 * answers, then rte_acl against the linear reference on random rules.
 * Takes a few milliseconds. @return 0, -EPROTO (logged) or -ENOMEM
 */
int mif_spd_selftest(void);

/**
 * Print the SPD for an operator (CLI "show"): a header line, then one
 * line per rule in evaluation order (priority, then order added; before
 * mif_spd_build() in order added). Control thread. @return 0 or -EIO
 */
int mif_spd_dump(const struct mif_spd *spd, FILE *f);

/** "discard", "bypass", "protect"; parse returns -EINVAL if unknown. */
const char *mif_spd_action_name(enum mif_spd_action a);
int mif_spd_action_parse(const char *s, enum mif_spd_action *a);

/** "tcp", "udp", "sctp", "icmp", "ipv6-icmp"/"icmp6", "any" or a
 * number 0..255. @return 0 or -EINVAL. */
int mif_spd_proto_parse(const char *s, uint16_t *proto);

/** "443", "1024-65535" or "any". @return 0 or -EINVAL. */
int mif_spd_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi);

#endif
