/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_EXT_H
#define MIF_EXT_H

/** @file
 * Wire format of the multiple-interface ("MIF") extension of IKEv2
 * (issue 6): the Vendor ID, MIF_SUPPORTED, the five interface
 * operations, MIF_IF_STATE and the error notifies. docs/protocol.md
 * gives every byte. Only the Notify data is handled here; the Notify
 * header (protocol ID, SPI size, SPI) gives the scope, read by
 * mif_ext_scope_parse().
 *
 * Every parser validates first and fills its output only when the
 * whole data is correct. Errors: -EBADMSG (syntax: answer
 * INVALID_SYNTAX), -EADDRNOTAVAIL (an address nobody may own: answer
 * MIF_UNACCEPTABLE_ADDRESS), -E2BIG (a count past our limits: answer
 * MIF_LIMIT_EXCEEDED).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/wr.h"
#include "control/ike_pld.h"

/** Private-use Notify types (RFC 7296 3.10.1), gated by the VID. */
enum mif_ext_notify {
	MIF_EXT_N_SUPPORTED = 50000,
	MIF_EXT_N_IF_ADD = 50001,
	MIF_EXT_N_IF_REMOVE = 50002,
	MIF_EXT_N_IF_SET_ALTERNATE = 50003,
	MIF_EXT_N_IF_REPLACE = 50004,
	MIF_EXT_N_IF_PROMOTE = 50005,
	MIF_EXT_N_IF_STATE = 50006,
	MIF_EXT_N_UNACCEPTABLE_ADDRESS = 8300,
	MIF_EXT_N_UNKNOWN_IF_ID = 8301,
	MIF_EXT_N_TS_UNKNOWN = 8302,
	MIF_EXT_N_LIMIT_EXCEEDED = 8303,
	MIF_EXT_N_STALE_UPDATE = 8304,
};

#define MIF_EXT_VERSION		1
#define MIF_EXT_VID_LEN		16
/** Vendor ID: the first 16 bytes of SHA-256("MIF-IPsec-v1"). */
extern const uint8_t mif_ext_vid[MIF_EXT_VID_LEN];

/** MIF_SUPPORTED flags. */
#define MIF_EXT_SUP_TRANSPORT	0x01	/**< T: transport mode too */
#define MIF_EXT_SUP_PER_TS	0x02	/**< S: per-TS operations */
#define MIF_EXT_SUP_AUTO	0x04	/**< A: auto-failover to alternates */
#define MIF_EXT_SUP_LEN		4

/** Operation flags (byte 1 of an operation). */
#define MIF_EXT_F_ALT		0x01	/**< ADD: as an alternate */
#define MIF_EXT_F_AUTO		0x02	/**< may be promoted on ESP */
#define MIF_EXT_F_USE_HDR	0x04	/**< address from the IP header */
#define MIF_EXT_F_TRANSPORT	0x08	/**< rewrite host selectors */
#define MIF_EXT_F_MASK		0x0f	/**< the rest must be zero */

#define MIF_EXT_OP_HDR_LEN	16
#define MIF_EXT_NO_BACKUP	0xffff
#define MIF_EXT_IFID_IKE	0	/**< the IKE SA's own address */
/** Interfaces per IKE SA and side; also the largest MaxIfaces. */
#define MIF_EXT_MAX_IFACES	16
/** Selectors per side in one operation. */
#define MIF_EXT_MAX_TS		4

/** Address types of byte 7. */
#define MIF_EXT_AT_NONE		0
#define MIF_EXT_AT_IP4		4
#define MIF_EXT_AT_IP6		6

/** Interface states in MIF_IF_STATE. */
enum mif_ext_if_state {
	MIF_EXT_ST_ACTIVE = 1,
	MIF_EXT_ST_ALTERNATE = 2,
	MIF_EXT_ST_PENDING_RR = 3,
	MIF_EXT_ST_REMOVED = 4,
};

#define MIF_EXT_STATE_HDR_LEN	4
#define MIF_EXT_STATE_ENT_LEN	8
#define MIF_EXT_ERR_LEN		4

/** Which Child SAs an operation reaches (from the Notify header). */
struct mif_ext_scope {
	bool one;		/**< false: every Child SA of the IKE SA */
	uint32_t spi;		/**< one: the sender's inbound ESP SPI */
};

/** MIF_SUPPORTED data. */
struct mif_ext_sup {
	uint8_t flags;		/**< MIF_EXT_SUP_*; unknown bits dropped */
	uint16_t max_ifaces;	/**< 1..MIF_EXT_MAX_IFACES accepted */
};

/** One interface operation (MIF_IF_ADD .. MIF_IF_PROMOTE). */
struct mif_ext_op {
	uint16_t type;		/**< MIF_EXT_N_IF_* */
	struct mif_ext_scope scope;
	uint8_t flags;		/**< MIF_EXT_F_* */
	uint16_t ifid;
	uint16_t backup_of;	/**< MIF_EXT_NO_BACKUP: none */
	uint8_t prio;		/**< lower is preferred */
	uint32_t seq;		/**< per-IfID update counter */
	uint16_t port;		/**< host order; 0: the IKE SA's port */
	struct mif_addr addr;	/**< family 0: no address */
	uint8_t nts_s;		/**< sender-side selectors */
	uint8_t nts_d;		/**< receiver-side selectors */
	struct mif_ike_ts ts_s[MIF_EXT_MAX_TS];
	struct mif_ike_ts ts_d[MIF_EXT_MAX_TS];
};

/** One entry of MIF_IF_STATE. */
struct mif_ext_state_ent {
	uint16_t ifid;
	uint8_t state;		/**< enum mif_ext_if_state */
	uint8_t nts;		/**< selectors it is scoped to, 0: all */
	uint32_t seq;
};

/** MIF_IF_STATE data. */
struct mif_ext_state {
	uint8_t n;
	struct mif_ext_state_ent ent[MIF_EXT_MAX_IFACES];
};

/** Data of the five MIF error notifies. */
struct mif_ext_err {
	uint8_t op;		/**< failed type - 50000 (1..5), 0: request */
	uint16_t ifid;
};

/** True for the 50000..50006 and 8300..8304 types. */
bool mif_ext_is_mif_type(uint16_t type);
/** True for MIF_IF_ADD .. MIF_IF_PROMOTE. */
bool mif_ext_is_op_type(uint16_t type);
/** Name of a MIF notify type, "?" for others. */
const char *mif_ext_type_name(uint16_t type);

/** True when a Vendor ID payload body is ours. */
bool mif_ext_vid_match(const uint8_t *body, size_t len);

/**
 * Scope from a Notify header: protocol 0 with no SPI (every Child SA)
 * or protocol ESP with a 4-byte SPI. @return 0 or -EBADMSG.
 */
int mif_ext_scope_parse(uint8_t proto, uint8_t spi_size, const uint8_t *spi,
			struct mif_ext_scope *out);

int mif_ext_sup_validate(const uint8_t *d, size_t len);
int mif_ext_sup_parse(const uint8_t *d, size_t len, struct mif_ext_sup *out);
int mif_ext_sup_build(struct mif_wr *w, const struct mif_ext_sup *in);

/**
 * Check an operation's data for notify @p type. Besides the syntax:
 * REMOVE and PROMOTE carry no address, ADD (unless USE_HDR) and
 * REPLACE carry one, IfID 0 is never the object of an operation.
 * @return 0, -EBADMSG, -EADDRNOTAVAIL or -E2BIG.
 */
int mif_ext_op_validate(uint16_t type, const uint8_t *d, size_t len);
/** Validate, then fill @p out (scope left as it was). */
int mif_ext_op_parse(uint16_t type, const uint8_t *d, size_t len,
		     struct mif_ext_op *out);
/**
 * Write @p in's data; refuses (-EINVAL) what the validator would.
 * @return 0, -EINVAL or -ENOSPC.
 */
int mif_ext_op_build(struct mif_wr *w, const struct mif_ext_op *in);

int mif_ext_state_validate(const uint8_t *d, size_t len);
int mif_ext_state_parse(const uint8_t *d, size_t len,
			struct mif_ext_state *out);
int mif_ext_state_build(struct mif_wr *w, const struct mif_ext_state *in);

int mif_ext_err_validate(const uint8_t *d, size_t len);
int mif_ext_err_parse(const uint8_t *d, size_t len, struct mif_ext_err *out);
int mif_ext_err_build(struct mif_wr *w, const struct mif_ext_err *in);

/**
 * True when @p a may be a peer's interface address: not unspecified,
 * loopback, multicast, broadcast or (IPv4) 0/8; IPv6 not v4-mapped.
 */
bool mif_ext_addr_usable(const struct mif_addr *a);

#endif
