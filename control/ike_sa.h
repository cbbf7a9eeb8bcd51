/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_SA_H
#define MIF_IKE_SA_H

/** @file
 * The IKEv2 daemon's IKE SA table and state machine (control thread
 * only). An IKE SA is created by an IKE_SA_INIT request (responder) or
 * by a configured peer with initiate = true (initiator); it is half-open
 * until IKE_AUTH completes. Each SA carries its window-1 state: the
 * next request ID expected from the peer with the cached response to the
 * previous one, and our own outstanding request with its retransmission
 * deadline. Memory is bounded: max_sas SAs in total, max_half_open of
 * them half-open, MIF_IKE_SA_MAX_CHILD Child SAs each, and fixed-size
 * message buffers per SA.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/cfg_ike.h"
#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"

/** Largest message we build or keep (no IKE fragmentation yet). */
#define MIF_IKE_SA_BUF		1536
#define MIF_IKE_SA_MAX_CHILD	4
/** Retransmissions: first after 1 s, doubled, given up after 5. */
#define MIF_IKE_RETX_FIRST_MS	1000
#define MIF_IKE_RETX_MAX	5
/** Half-open SAs are dropped after this. */
#define MIF_IKE_HALF_OPEN_S	30
/** Liveness check after this much silence from the peer. */
#define MIF_IKE_DPD_S		30

enum mif_ike_state {
	MIF_IKE_ST_INIT_SENT,		/**< initiator: waiting for SA_INIT */
	MIF_IKE_ST_INIT_DONE,		/**< responder: SA_INIT answered */
	MIF_IKE_ST_AUTH_SENT,		/**< initiator: waiting for AUTH */
	MIF_IKE_ST_ESTABLISHED,
	MIF_IKE_ST_DELETING,		/**< our Delete is outstanding */
	MIF_IKE_ST_DEAD,		/**< to be freed on the next tick */
};

/** What our outstanding request was, to read its response. */
enum mif_ike_req {
	MIF_IKE_REQ_NONE,
	MIF_IKE_REQ_INIT,
	MIF_IKE_REQ_AUTH,
	MIF_IKE_REQ_CHILD_REKEY,
	MIF_IKE_REQ_IKE_REKEY,
	MIF_IKE_REQ_DELETE_CHILD,
	MIF_IKE_REQ_DELETE_IKE,
	MIF_IKE_REQ_DPD,
};

/** Where a message came from / goes to; ports in host order. */
struct mif_ike_path {
	struct mif_addr local;
	struct mif_addr remote;
	uint16_t lport;
	uint16_t rport;
};

/** One Child SA pair as negotiated. */
struct mif_ike_child {
	bool used;
	bool installed;			/**< in the SAD and SPD */
	uint32_t spi_in;		/**< ours (host order) */
	uint32_t spi_out;		/**< the peer's */
	unsigned int cfg_child;		/**< index in the peer's children */
	struct mif_cfg_ike_prop alg;
	bool transport;
	struct mif_ike_ts_set ts_local;	/**< narrowed */
	struct mif_ike_ts_set ts_remote;
	uint64_t rekey_tsc;		/**< when to rekey, UINT64_MAX: never */
	uint32_t rekey_of;		/**< spi_in of the SA this replaces */
};

struct mif_ike_dh;

struct mif_ike_sa {
	bool used;
	bool initiator;			/**< we were the original initiator */
	enum mif_ike_state state;
	uint64_t spi_i, spi_r;
	int peer;			/**< cfg index, -1 until known */
	struct mif_ike_path path;
	bool natt;			/**< moved to port 4500 */
	bool up;			/**< was established */
	bool nat;			/**< NAT detected (or faked by the
					 * peer): ESP goes in UDP */
	bool mif_vid;			/**< peer sent the MIF Vendor ID */
	uint8_t mif_mode;		/**< enum mif_path_mode (mif_neg.h) */
	struct mif_ike_algs algs;
	struct mif_ike_sa_keys keys;
	struct mif_ike_dh *dh;		/**< until the keys are derived */
	uint16_t ke_group;		/**< initiator: group we sent */
	uint8_t ni[MIF_IKE_NONCE_MAX], nr[MIF_IKE_NONCE_MAX];
	uint16_t ni_len, nr_len;
	uint8_t cookie[64];		/**< initiator: cookie to return */
	uint16_t cookie_len;
	/* The IKE_SA_INIT messages, signed by AUTH. */
	uint8_t init_req[MIF_IKE_SA_BUF];
	uint8_t init_resp[MIF_IKE_SA_BUF];
	uint16_t init_req_len, init_resp_len;
	/* Responder side of the window. */
	uint32_t msgid_in;		/**< next request ID expected */
	bool have_resp;
	uint8_t resp[MIF_IKE_SA_BUF];	/**< answer to msgid_in - 1 */
	uint16_t resp_len;
	/* Requester side. */
	uint32_t msgid_out;		/**< ID of the next request */
	enum mif_ike_req req;		/**< outstanding, or NONE */
	uint8_t req_buf[MIF_IKE_SA_BUF];
	uint16_t req_len;
	unsigned int retx;
	uint64_t retx_tsc;
	uint32_t req_spi;		/**< the Child SA a request is about */
	struct mif_ike_child pending;	/**< child being negotiated by us */
	uint8_t cn[MIF_IKE_NONCE_MAX];	/**< our nonce in that exchange */
	uint16_t cn_len;
	/* Timers. */
	uint64_t created_tsc;
	uint64_t last_rx_tsc;
	uint64_t rekey_tsc;		/**< IKE SA rekey, UINT64_MAX: never */
	struct mif_ike_child child[MIF_IKE_SA_MAX_CHILD];
};

/** Daemon counters, printed as "ike NAME VALUE" lines. */
struct mif_ike_stats {
	uint64_t rx, tx, rx_bad, rx_no_sa, rx_retransmit, rx_bad_msgid;
	uint64_t rx_icv_fail, tx_retransmit, tx_fail;
	uint64_t sa_up, sa_down, sa_refused, child_up, child_down;
	uint64_t no_proposal, auth_failed, unknown_id, invalid_ke;
	uint64_t cookie_sent, cookie_bad, half_open_full, sa_limit;
	uint64_t timeout, rekey_child, rekey_ike, dpd, dp_event;
	uint64_t no_peer, init_failed, log_suppressed;
};

extern struct mif_ike_stats mif_ike_stats;

/** May a line that an unauthenticated packet can cause be logged now?
 * One token bucket for all of them (ike_daemon.c); a refused line is
 * counted in log_suppressed, and the next allowed one is preceded by a
 * line saying how many were suppressed. */
bool mif_ike_log_allow(void);
#define MIF_IKE_LOG_UNAUTH(lvl, ...) do {				\
		if (mif_ike_log_allow())				\
			MIF_LOG(ike, lvl, __VA_ARGS__);			\
	} while (0)
extern struct mif_ike_msg_stats mif_ike_parse_stats;
extern const struct mif_cfg_ike *mif_ike_cfg;

/** Set up the table for @p cfg's limits. @return 0 or -ENOMEM. */
int mif_ike_sa_table_init(const struct mif_cfg_ike *cfg);
/** Destroy every SA (Child SAs leave the dataplane) and the table. */
void mif_ike_sa_table_fini(void);

/** A new SA with a random local SPI, or NULL at a limit (counted). */
struct mif_ike_sa *mif_ike_sa_create(bool initiator,
				     const struct mif_ike_path *path);
/** Take the SA's Child SAs out of the dataplane, wipe and free it. */
void mif_ike_sa_destroy(struct mif_ike_sa *sa);
/** The SA of an SPI pair (rspi 0: a half-open responder SA by its
 * initiator SPI and peer address). */
struct mif_ike_sa *mif_ike_sa_lookup(uint64_t ispi, uint64_t rspi,
				     const struct mif_addr *remote);
/** Half-open SAs now. */
unsigned int mif_ike_sa_half_open(void);
/** Call @p fn on every SA in use. */
void mif_ike_sa_foreach(void (*fn)(struct mif_ike_sa *sa, void *arg),
			void *arg);
const char *mif_ike_state_name(enum mif_ike_state s);
/** Our SPI of @p sa. */
static inline uint64_t
mif_ike_sa_our_spi(const struct mif_ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

/* Messages (ike_daemon.c). */

/** Start a message on @p sa in @p buf with an open SK payload. */
int mif_ike_sk_start(struct mif_ike_sa *sa, struct mif_ike_gen *g,
		     uint8_t *buf, size_t cap, uint8_t exch, bool response,
		     uint32_t msgid);
/** Seal and send a response built by mif_ike_sk_start() into sa->resp
 * and keep it for retransmitted requests. */
int mif_ike_send_response(struct mif_ike_sa *sa, struct mif_ike_gen *g);
/** Seal and send a request built into sa->req_buf; arms retransmission. */
int mif_ike_send_request(struct mif_ike_sa *sa, struct mif_ike_gen *g,
			 enum mif_ike_req kind);
/** Send a plain (unencrypted) message of @p len bytes on @p path. */
int mif_ike_send_raw(const struct mif_ike_path *path, const uint8_t *msg,
		     size_t len);
/** Add a notify payload (no SPI) to @p g. */
int mif_ike_add_notify(struct mif_ike_gen *g, uint16_t type,
		       const void *data, size_t len);
/** The notify type of the first error notify in @p m, or 0. */
uint16_t mif_ike_msg_error(const struct mif_ike_msg *m);

/* Exchanges (ike_init.c, ike_auth_x.c, ike_child.c, ike_info.c). */

/** Responder: an IKE_SA_INIT request without an SA of ours. */
void mif_ike_init_request(const struct mif_ike_msg *m,
			  const struct mif_ike_path *path);
/** Cookie secrets (RFC 7296 2.6): create, and rotate on the timer. */
int mif_ike_init_secret_init(void);
void mif_ike_init_timer(uint64_t now_tsc);
/** The IKE proposals of @p peer, numbered from 1 in the file's order. */
void mif_ike_init_offer(const struct mif_cfg_ike_peer *peer,
			struct mif_ike_sa_props *out);
/** Initiator: start an IKE SA with configured peer @p peer. */
int mif_ike_init_start(unsigned int peer);
/** Initiator: the IKE_SA_INIT response. */
void mif_ike_init_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Derive SKEYSEED and the IKE SA keys from @p ke (both roles). */
int mif_ike_init_keys(struct mif_ike_sa *sa, const struct mif_ike_ke *ke);

/** Initiator: send IKE_AUTH after the keys are derived. */
int mif_ike_auth_start(struct mif_ike_sa *sa);
/** Responder: the IKE_AUTH request (decrypted in @p m). */
void mif_ike_auth_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Initiator: the IKE_AUTH response. */
void mif_ike_auth_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m);

/** The ESP proposals of @p peer, with @p spi, as an SA payload. */
void mif_ike_child_props(const struct mif_cfg_ike_peer *peer, uint32_t spi,
			 struct mif_ike_sa_props *out);
/** Traffic selectors of child @p c as sets (local, remote). */
void mif_ike_child_ts(const struct mif_cfg_ike_child *c,
		      struct mif_ike_ts_set *local,
		      struct mif_ike_ts_set *remote);
/**
 * Responder: choose a child config and narrow the initiator's TSi/TSr
 * (TSi is the initiator's side) into @p ch. @return 0 or -ENOENT
 * (TS_UNACCEPTABLE).
 */
int mif_ike_child_narrow(const struct mif_cfg_ike_peer *peer,
			 const struct mif_ike_ts_set *tsi,
			 const struct mif_ike_ts_set *tsr,
			 struct mif_ike_child *ch);
/**
 * Responder: the Child SA a request proposes (SA, TSi, TSr, mode) into
 * @p ch with a fresh SPI of ours, and the chosen proposal into @p chosen.
 * @return 0 or the error notify to answer with.
 */
uint16_t mif_ike_child_accept(struct mif_ike_sa *sa,
			      const struct mif_ike_msg *m,
			      struct mif_ike_child *ch,
			      struct mif_ike_sa_props *chosen);
/** Initiator: read the responder's SA/TS for sa->pending and bring it
 * up with the nonces of the exchange. */
void mif_ike_child_confirm(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Add a Child SA's SA, TSi, TSr (and mode notify) to @p g. */
int mif_ike_auth_add_child(struct mif_ike_gen *g,
			   const struct mif_ike_child *ch,
			   const struct mif_ike_sa_props *sa_pld,
			   bool initiator);
/** Arm the IKE SA rekey timer from the peer's lifetime. */
void mif_ike_sa_set_rekey(struct mif_ike_sa *sa);
/** Derive keys for @p ch (optional g^ir) and install it. */
int mif_ike_child_up(struct mif_ike_sa *sa, struct mif_ike_child *ch,
		     const uint8_t *gir, size_t gir_len, const uint8_t *ni,
		     size_t ni_len, const uint8_t *nr, size_t nr_len);
/** Remove a Child SA from the dataplane and forget it. */
void mif_ike_child_down(struct mif_ike_sa *sa, struct mif_ike_child *ch,
			const char *why);
/** The child with our inbound SPI @p spi, or the peer's @p spi. */
struct mif_ike_child *mif_ike_child_find(struct mif_ike_sa *sa,
					 uint32_t spi, bool ours);
/** A free child slot or NULL. */
struct mif_ike_child *mif_ike_child_slot(struct mif_ike_sa *sa);
/** IKE SA rekey request from the peer (ike_rekey.c). */
void mif_ike_rekey_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** CREATE_CHILD_SA request from the peer. */
void mif_ike_child_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Response to our CREATE_CHILD_SA. */
void mif_ike_child_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Start a rekey of @p ch. */
int mif_ike_child_rekey(struct mif_ike_sa *sa, struct mif_ike_child *ch);

/** INFORMATIONAL request from the peer. */
void mif_ike_info_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m);
/** Response to our INFORMATIONAL. */
void mif_ike_info_response(struct mif_ike_sa *sa, enum mif_ike_req kind);
/** Send a Delete of the IKE SA (@p spi 0) or of one Child SA. */
int mif_ike_info_delete(struct mif_ike_sa *sa, uint32_t spi);
/** Send an empty INFORMATIONAL (liveness check). */
int mif_ike_info_dpd(struct mif_ike_sa *sa);

/* Dataplane (ike_child.c): hooks set by whoever owns the SAD/SPD
 * publication. Without them Child SAs are negotiated but not installed
 * (logged once). */
struct mif_ike_child_keys {
	uint8_t enc_in[36], enc_out[36];
	uint8_t int_in[64], int_out[64];
	uint8_t enc_len, int_len;
};

#endif
