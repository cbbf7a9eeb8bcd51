/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_PATH_H
#define MIF_PATH_H

/** @file
 * Per-IKE-SA state machine of the multiple-interface extension and of
 * its MOBIKE fallback (issue 6). It decides, the IKE daemon carries
 * the messages:
 *
 * - a peer's request (its MIF_IF_* notifies, already parsed) is checked
 *   whole against a staged copy of the interface table; any error gives
 *   one error notify and changes nothing;
 * - operations that bring a new address (ADD, REPLACE) wait for a
 *   return-routability check: an INFORMATIONAL with COOKIE2 sent to that
 *   address (cb.send_rr) must be answered with the same cookie before
 *   the deadline; until then the response to the request is held back
 *   (the peer retransmits, the daemon drops the copies);
 * - the request is then applied through the interface-set operations
 *   API (common/ifset_ops.h) in order; a dataplane refusal undoes the
 *   steps already made, so the request is all or nothing.
 *
 * All of it runs on the control thread.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/ifset_ops.h"
#include "control/mif_ext.h"
#include "control/mobike.h"

#define MIF_PATH_MAX_OPS	8	/**< MIF notifies in one request */
#define MIF_PATH_MAX_CHILD	16
#define MIF_PATH_MAX_HOSTS	4	/**< transport host selectors */
#define MIF_PATH_RR_TIMEOUT_US	5000000	/**< default RR deadline */

/** What the peer agreed to in IKE_SA_INIT and IKE_AUTH. */
enum mif_path_mode {
	MIF_PATH_MODE_NONE,	/**< neither: nothing moves */
	MIF_PATH_MODE_MOBIKE,	/**< RFC 4555: one path, hard handover */
	MIF_PATH_MODE_MIF,	/**< the extension (MOBIKE for IKE) */
};

/** One interface of the peer, as the peer named it. */
struct mif_path_if {
	bool used;
	uint16_t ifid;
	uint8_t state;		/**< enum mif_ext_if_state */
	uint8_t flags;		/**< MIF_EXT_F_* of the last operation */
	uint16_t backup_of;
	uint8_t prio;
	uint32_t seq;
	uint8_t nts;
	struct mif_addr addr;
	uint16_t port;		/**< host order */
	struct mif_ext_scope scope;
	bool has_ts;
	struct mif_ifset_ts ts;
};

/** A Child SA of the IKE SA, for scopes and transport selectors. */
struct mif_path_child {
	uint32_t spi;		/**< the peer's inbound SPI (its scope key) */
	struct mif_ifset_ts sel;
	bool transport;
	uint8_t n_hosts;	/**< transport: the peer's host selectors */
	struct mif_addr host[MIF_PATH_MAX_HOSTS];
};

/** Sends an INFORMATIONAL request with COOKIE2 along @p ep. */
typedef int (*mif_path_send_rr_fn)(void *ctx,
				   const struct mif_ifset_ops_ep *ep,
				   const struct mif_mobike_cookie2 *c);

/** One pending return-routability check. */
struct mif_path_rr {
	struct mif_ifset_ops_ep ep;
	struct mif_mobike_cookie2 cookie;
	bool ok;
};

/** A request waiting for its checks. */
struct mif_path_txn {
	bool active;
	bool mobike;		/**< an UPDATE_SA_ADDRESSES, not MIF */
	uint32_t msg_id;
	uint8_t n;
	struct mif_ext_op op[MIF_PATH_MAX_OPS];
	uint8_t n_rr;
	struct mif_path_rr rr[MIF_PATH_MAX_OPS];
	uint64_t deadline_us;
	struct mif_ifset_ops_ep new_ike;	/**< mobike */
};

/** The answer the daemon sends for a request. */
struct mif_path_reply {
	uint32_t msg_id;
	uint16_t err;		/**< 0, or the error notify type */
	struct mif_ext_err err_data;	/**< for MIF errors */
	bool close_ike;		/**< RFC 4555 3.7: COOKIE2 mismatch */
	struct mif_ext_state state;	/**< MIF_IF_STATE when err == 0 */
	char why[160];		/**< for the log and the operator */
};

struct mif_path_stats {
	uint64_t ignored;	/**< MIF notifies without the VID */
	uint64_t refused;	/**< requests answered with an error */
	uint64_t applied;	/**< requests applied */
	uint64_t rr_sent;
	uint64_t rr_ok;
	uint64_t rr_fail;	/**< timeout or wrong cookie */
};

struct mif_path_sa {
	uint32_t peer;			/**< ifset_ops peer id */
	struct mif_ifset_ops *ops;
	mif_path_send_rr_fn send_rr;
	void *ctx;
	enum mif_path_mode mode;
	bool peer_vid;
	struct mif_ext_sup peer_sup;
	struct mif_ifset_ops_ep ike;	/**< current IKE SA path */
	bool have_msg_id;
	uint32_t last_msg_id;		/**< last request accepted */
	uint64_t rr_timeout_us;
	struct mif_path_if ifs[MIF_EXT_MAX_IFACES];
	uint8_t n_child;
	struct mif_path_child child[MIF_PATH_MAX_CHILD];
	struct mif_mobike_addrs peer_addrs;	/**< MOBIKE candidates */
	struct mif_path_txn txn;
	uint32_t local_seq;		/**< our own operations */
	struct mif_path_stats st;
};

/**
 * Start the machine for an IKE SA whose path is @p ike, in mode NONE.
 * Interface 0 stands for the IKE path.
 */
void mif_path_sa_init(struct mif_path_sa *ps, uint32_t peer,
		      struct mif_ifset_ops *ops,
		      const struct mif_ifset_ops_ep *ike,
		      mif_path_send_rr_fn send_rr, void *ctx);

/** IKE_SA_INIT carried our Vendor ID. */
void mif_path_note_vid(struct mif_path_sa *ps);

/**
 * IKE_AUTH is done: @p mobike when MOBIKE_SUPPORTED came, @p sup when a
 * valid MIF_SUPPORTED came (ignored without the VID). Sets the mode.
 */
void mif_path_note_auth(struct mif_path_sa *ps, bool mobike,
			const struct mif_ext_sup *sup);

/** Register a Child SA. @return 0, -ENOSPC or -EEXIST. */
int mif_path_child_add(struct mif_path_sa *ps, uint32_t spi,
		       const struct mif_ifset_ts *sel, bool transport);

/**
 * The peer's request @p msg_id with @p n operations (scopes filled),
 * received from @p hdr_src (the request's IP source, for USE_HDR).
 * @return 0: @p reply is ready to send; 1: checks are running, the
 * reply comes from mif_path_rr_answer() or mif_path_tick();
 * -ENOTSUP: not negotiated, the notifies are to be ignored.
 */
int mif_path_request(struct mif_path_sa *ps, uint32_t msg_id,
		     const struct mif_ext_op *ops, unsigned int n,
		     const struct mif_addr *hdr_src, uint64_t now_us,
		     struct mif_path_reply *reply);

/**
 * The response to one of our RR requests arrived with @p c (NULL when
 * it had no COOKIE2). @return 0: @p reply is ready (applied or
 * refused); 1: other checks still run; -ENOENT: no check pending.
 */
int mif_path_rr_answer(struct mif_path_sa *ps,
		       const struct mif_mobike_cookie2 *c,
		       struct mif_path_reply *reply);

/** Deadline check. @return 0 when @p reply became ready, else 1. */
int mif_path_tick(struct mif_path_sa *ps, uint64_t now_us,
		  struct mif_path_reply *reply);

/**
 * MOBIKE responder (RFC 4555 3.5): UPDATE_SA_ADDRESSES in request
 * @p msg_id that came from @p from (addresses and ports). Stale message
 * IDs are refused (-EALREADY, nothing sent, RFC 4555 3.5 window rule).
 * A new path is checked (RR) and then every SA of the peer and the IKE
 * path move there at once. Return values as mif_path_request().
 */
int mif_path_mobike_update(struct mif_path_sa *ps, uint32_t msg_id,
			   const struct mif_ifset_ops_ep *from,
			   uint64_t now_us, struct mif_path_reply *reply);

/** What the local side (end user) must send for one of its changes. */
enum mif_path_action {
	MIF_PATH_ACT_NONE,	/**< nothing can be sent: see why */
	MIF_PATH_ACT_MIF,	/**< INFORMATIONAL with the MIF notify */
	MIF_PATH_ACT_UPDATE,	/**< MOBIKE UPDATE_SA_ADDRESSES from addr */
	MIF_PATH_ACT_ADDRS,	/**< MOBIKE address list update only */
};

struct mif_path_plan {
	enum mif_path_action act;
	uint16_t type;		/**< MIF: notify type */
	uint8_t data[MIF_EXT_OP_HDR_LEN + 16 + 2 * MIF_EXT_MAX_TS * 40];
	size_t len;		/**< MIF: notify data */
	struct mif_addr addr;	/**< UPDATE: the new local address */
	char why[160];
};

/**
 * Plan one local operation @p op (our interface @p op->ifid) by the
 * negotiated mode: the extension as asked; MOBIKE: REPLACE and PROMOTE
 * become a hard handover, ADD and SET_ALTERNATE only announce a
 * candidate, a second active path is impossible; neither: nothing.
 * @return 0, -EOPNOTSUPP (mode NONE, or not expressible; why says so)
 * or -EINVAL.
 */
int mif_path_local_plan(struct mif_path_sa *ps, struct mif_ext_op *op,
			struct mif_path_plan *plan);

/** Name of a mode for logs and the CLI. */
const char *mif_path_mode_name(enum mif_path_mode m);

/** Look up an interface of the peer; NULL when unknown. */
const struct mif_path_if *mif_path_if_get(const struct mif_path_sa *ps,
					  uint16_t ifid);

#endif
