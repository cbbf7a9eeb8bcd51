/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_MSG_H
#define MIF_IKE_MSG_H

/** @file
 * IKEv2 message parser and generator.
 *
 * The parser treats every message as hostile. It reads the IKE header and
 * walks the payload chain through a bounds-checked cursor, validates each
 * known payload (mif_ike_pld_*_validate()) before recording a view of it,
 * skips unknown non-critical payloads and rejects unknown critical ones
 * with the notify to send. Payload bodies are not copied: the views point
 * into the caller's buffer, which must outlive the struct mif_ike_msg.
 *
 * The generator builds a message payload by payload into a caller buffer,
 * chaining the next-payload fields and patching the lengths; an SK payload
 * is opened with mif_ike_gen_sk_begin() and sealed by mif_ike_sk_seal()
 * (ike_crypto.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wr.h"
#include "control/ike_wire.h"

/** Largest message accepted or built (the IKE length field is 32 bits;
 * RFC 7296 only requires 1280 bytes, strongSwan caps at 10000 by default).
 */
#define MIF_IKE_MSG_MAX_LEN	65535
/** Payloads per message, outer and decrypted together. */
#define MIF_IKE_MSG_MAX_PLD	48
/** Per-type bounds for the payloads that may repeat. */
#define MIF_IKE_MSG_MAX_NOTIFY	24
#define MIF_IKE_MSG_MAX_VENDOR	8
#define MIF_IKE_MSG_MAX_CERT	8
#define MIF_IKE_MSG_MAX_CERTREQ	8
#define MIF_IKE_MSG_MAX_DELETE	8

/** IKE header in host byte order. */
struct mif_ike_hdr {
	uint64_t ispi;
	uint64_t rspi;
	uint8_t next_payload;
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

/** View of one payload. */
struct mif_ike_pld {
	const uint8_t *body;	/**< after the generic header */
	uint16_t len;		/**< body length */
	uint16_t off;		/**< generic header offset in its buffer */
	uint8_t type;		/**< MIF_IKE_PLD_* */
	uint8_t flags;		/**< generic header flags */
	bool inner;		/**< found inside a decrypted SK payload */
};

/** Why a message was rejected; one counter each. */
enum mif_ike_perr {
	MIF_IKE_PERR_OK = 0,
	MIF_IKE_PERR_SHORT,		/**< shorter than the IKE header */
	MIF_IKE_PERR_VERSION,		/**< major version not 2 */
	MIF_IKE_PERR_LENGTH,		/**< header length != datagram */
	MIF_IKE_PERR_PLD_LENGTH,	/**< payload length out of bounds */
	MIF_IKE_PERR_CHAIN,		/**< chain runs past the end/trailer */
	MIF_IKE_PERR_TOO_MANY,		/**< payload count over a bound */
	MIF_IKE_PERR_DUPLICATE,		/**< a single-instance payload twice */
	MIF_IKE_PERR_BAD_PLD,		/**< a payload failed validation */
	MIF_IKE_PERR_SK_NOT_LAST,	/**< data after SK/SKF */
	MIF_IKE_PERR_CRITICAL,		/**< unknown critical payload */
	MIF_IKE_PERR_MAX,
};

/** Parse counters, owned by the caller (the IKE thread). */
struct mif_ike_msg_stats {
	uint64_t parsed;
	uint64_t skipped_unknown;	/**< non-critical unknown payloads */
	uint64_t err[MIF_IKE_PERR_MAX];
};

/** A parsed message: the header and views of its payloads. */
struct mif_ike_msg {
	struct mif_ike_hdr hdr;
	const uint8_t *raw;		/**< the whole message */
	size_t raw_len;
	struct mif_ike_pld pld[MIF_IKE_MSG_MAX_PLD];
	unsigned int npld;
	unsigned int nskipped;		/**< unknown non-critical payloads */
	int sk;				/**< index of SK or SKF, -1 if none */
	uint8_t sk_inner_np;		/**< next payload in the SK header */
	enum mif_ike_perr perr;		/**< reason of the last failure */
	uint16_t err_notify;		/**< notify to answer with, 0 none */
	uint8_t err_data;		/**< its data (the payload type) */
};

/**
 * Parse and validate a whole message of @p len bytes (the UDP payload,
 * without the non-ESP marker on port 4500).
 * @param st counters to bump, or NULL.
 * @return 0; -EBADMSG if malformed (m->err_notify = INVALID_SYNTAX);
 *   -EPROTONOSUPPORT for a major version other than 2
 *   (INVALID_MAJOR_VERSION); -EPROTO for an unknown critical payload
 *   (UNSUPPORTED_CRITICAL_PAYLOAD, type in m->err_data).
 */
int mif_ike_msg_parse(struct mif_ike_msg *m, const uint8_t *buf, size_t len,
		      struct mif_ike_msg_stats *st);

/**
 * Parse the decrypted content of the SK payload and append its payloads
 * to @p m (marked inner). @p plain must outlive @p m.
 * @return as mif_ike_msg_parse().
 */
int mif_ike_msg_parse_inner(struct mif_ike_msg *m, const uint8_t *plain,
			    size_t len, struct mif_ike_msg_stats *st);

/** First payload of @p type, or NULL. */
const struct mif_ike_pld *mif_ike_msg_find(const struct mif_ike_msg *m,
					   uint8_t type);

/** Next payload of the same type after @p prev, or NULL. */
const struct mif_ike_pld *mif_ike_msg_next(const struct mif_ike_msg *m,
					   const struct mif_ike_pld *prev);

/** First notify of @p ntype, or NULL. */
const struct mif_ike_pld *mif_ike_msg_find_notify(const struct mif_ike_msg *m,
						  uint16_t ntype);

/** Name of a parse error, for counters and logs. */
const char *mif_ike_perr_name(enum mif_ike_perr e);

/** Message generator state. */
struct mif_ike_gen {
	struct mif_wr wr;	/**< the buffer; builders write into it */
	size_t np_off;		/**< next-payload byte to patch */
	size_t open_off;	/**< open payload's header, SIZE_MAX none */
	size_t sk_off;		/**< SK payload header, SIZE_MAX none */
	int err;		/**< first error, sticky */
};

/**
 * Start a message in @p buf: writes the IKE header from @p h (its
 * next_payload and length are filled in later).
 * @return 0 or -ENOSPC.
 */
int mif_ike_gen_init(struct mif_ike_gen *g, void *buf, size_t cap,
		     const struct mif_ike_hdr *h);

/**
 * Open a payload of @p type: writes its generic header and links it from
 * the previous next-payload field. The body is then written into g->wr
 * (by a mif_ike_pld_*_build() function) and closed by mif_ike_gen_end().
 * @return 0 or -errno (also kept in g->err).
 */
int mif_ike_gen_begin(struct mif_ike_gen *g, uint8_t type, bool critical);

/** Close the open payload and patch its length. @return 0 or -errno. */
int mif_ike_gen_end(struct mif_ike_gen *g);

/** Add a payload whose body is ready in memory. @return 0 or -errno. */
int mif_ike_gen_add(struct mif_ike_gen *g, uint8_t type, const void *body,
		    size_t len);

/**
 * Open the SK payload: writes its header and reserves @p iv_len bytes
 * for the IV. Payloads added afterwards go inside it. It must be the last
 * outer payload.
 * @return 0 or -errno.
 */
int mif_ike_gen_sk_begin(struct mif_ike_gen *g, size_t iv_len);

/**
 * Open an Encrypted Fragment payload (RFC 7383) numbered @p num of
 * @p total, naming @p inner_np as the first inner payload when it is
 * fragment 1, and reserve the IV. The fragment's share of the inner
 * payloads is then written as raw bytes into g->wr, and the message is
 * sealed by mif_ike_skf_seal().
 * @return 0 or -errno.
 */
int mif_ike_gen_skf_begin(struct mif_ike_gen *g, uint8_t inner_np,
			  uint16_t num, uint16_t total, size_t iv_len);

/**
 * Finish the message: patches the IKE header length and returns the
 * length written. With an SK payload open, this is the plaintext end that
 * mif_ike_sk_seal() expects, and g->sk_off gives the SK header offset.
 * @return 0 or the first error met while building.
 */
int mif_ike_gen_finish(struct mif_ike_gen *g, size_t *len);

#endif
