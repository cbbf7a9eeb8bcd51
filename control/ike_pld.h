/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_PLD_H
#define MIF_IKE_PLD_H

/** @file
 * IKEv2 payload bodies: validate, parse and build.
 *
 * Each payload has a _validate() that checks every length and count in
 * the body (the bytes after the generic header) without extracting
 * anything, a _parse() that runs the validation and then fills a struct,
 * and a _build() that writes a body into a struct mif_wr. Parsed structs
 * point into the input buffer where they hold variable-length data.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wr.h"
#include "control/ike_wire.h"

/** Bounds on what one SA payload may carry (strongSwan 5.9.8's default IKE
 * proposal has 36 transforms). */
#define MIF_IKE_MAX_PROPS	16
#define MIF_IKE_MAX_XFORMS	64
/** Traffic selectors per TS payload. */
#define MIF_IKE_MAX_TS		16
/** SPI sizes in proposals, notifies and deletes. */
#define MIF_IKE_SPI_MAX		8

/** One transform. */
struct mif_ike_xform {
	uint8_t type;		/**< MIF_IKE_XFORM_* */
	bool unknown_attr;	/**< carried an attribute we do not know */
	uint16_t id;
	uint16_t keylen;	/**< Key Length attribute in bits, 0 absent */
};

/** One proposal. */
struct mif_ike_prop {
	uint8_t num;
	uint8_t proto;		/**< MIF_IKE_PROTO_* */
	uint8_t spi_size;
	uint8_t nxforms;
	uint8_t spi[MIF_IKE_SPI_MAX];
	struct mif_ike_xform x[MIF_IKE_MAX_XFORMS];
};

/** The proposals of an SA payload. */
struct mif_ike_sa_props {
	uint8_t nprops;
	struct mif_ike_prop p[MIF_IKE_MAX_PROPS];
};

/** @return 0 or -EBADMSG (the first failed check is logged at DEBUG). */
int mif_ike_pld_sa_validate(const uint8_t *body, size_t len);
/** Validate, then fill @p out. @return 0 or -EBADMSG. */
int mif_ike_pld_sa_parse(const uint8_t *body, size_t len,
			 struct mif_ike_sa_props *out);
/** Write the proposals of @p in (numbers and "last" fields as given and
 * computed). @return 0, -EINVAL for a bad struct, or -ENOSPC. */
int mif_ike_pld_sa_build(struct mif_wr *w, const struct mif_ike_sa_props *in);

/**
 * Responder's proposal choice (RFC 7296 2.7, 3.3.6): the first of
 * @p ours (our preference order) that matches an offered proposal of the
 * same protocol. An offered proposal with an unknown transform type is
 * unacceptable, and transforms with unknown attributes are never chosen.
 * A match needs, for every transform type in either proposal, a transform
 * in both with the same ID and key length; a type we list only with the
 * ID 0 (INTEG none, DH none, ESN no) may be absent from the offer.
 * @p chosen gets the offered proposal's number, protocol and SPI, and
 * one transform per type, in our order.
 * @return 0, or -ENOENT (answer NO_PROPOSAL_CHOSEN).
 */
int mif_ike_sa_select(const struct mif_ike_sa_props *offer,
		      const struct mif_ike_sa_props *ours,
		      struct mif_ike_prop *chosen);

/**
 * Initiator's check of the responder's SA (RFC 7296 3.3.6): exactly one
 * proposal, numbered like one we offered for the same protocol, with
 * exactly one transform per type, each among those we offered in it, and
 * no type missing.
 * @return 0 or -EBADMSG.
 */
int mif_ike_sa_check_reply(const struct mif_ike_sa_props *offered,
			   const struct mif_ike_sa_props *reply);

/** One traffic selector; addresses in network byte order. */
struct mif_ike_ts {
	uint8_t type;		/**< MIF_IKE_TS_IPV4/6_ADDR_RANGE */
	uint8_t ipproto;
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16];	/**< first 4 bytes used for IPv4 */
	uint8_t end[16];
};

/** The selectors of a TSi or TSr payload. */
struct mif_ike_ts_set {
	uint8_t n;
	struct mif_ike_ts ts[MIF_IKE_MAX_TS];
};

int mif_ike_pld_ts_validate(const uint8_t *body, size_t len);
int mif_ike_pld_ts_parse(const uint8_t *body, size_t len,
			 struct mif_ike_ts_set *out);
int mif_ike_pld_ts_build(struct mif_wr *w, const struct mif_ike_ts_set *in);

/** An IDi/IDr payload. */
struct mif_ike_id {
	uint8_t type;		/**< MIF_IKE_ID_* */
	const uint8_t *data;
	size_t len;
};

int mif_ike_pld_id_validate(const uint8_t *body, size_t len);
int mif_ike_pld_id_parse(const uint8_t *body, size_t len,
			 struct mif_ike_id *out);
int mif_ike_pld_id_build(struct mif_wr *w, const struct mif_ike_id *in);

/** A Notify payload. */
struct mif_ike_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;		/**< MIF_IKE_N_* */
	const uint8_t *spi;
	const uint8_t *data;
	size_t data_len;
};

int mif_ike_pld_notify_validate(const uint8_t *body, size_t len);
int mif_ike_pld_notify_parse(const uint8_t *body, size_t len,
			     struct mif_ike_notify *out);
int mif_ike_pld_notify_build(struct mif_wr *w,
			     const struct mif_ike_notify *in);

/** A Delete payload. */
struct mif_ike_delete {
	uint8_t proto;
	uint8_t spi_size;	/**< 0 for IKE, 4 for ESP/AH */
	uint16_t nspi;
	const uint8_t *spis;	/**< nspi * spi_size bytes */
};

int mif_ike_pld_delete_validate(const uint8_t *body, size_t len);
int mif_ike_pld_delete_parse(const uint8_t *body, size_t len,
			     struct mif_ike_delete *out);
/** SPI @p i of a parsed ESP/AH delete (host order), 0 if out of range. */
uint32_t mif_ike_pld_delete_spi(const struct mif_ike_delete *d, uint16_t i);
/** Write a delete of @p nspi 4-byte SPIs (host order), or an IKE SA
 * delete when proto is IKE. */
int mif_ike_pld_delete_build(struct mif_wr *w, uint8_t proto,
			     const uint32_t *spis, uint16_t nspi);

/** A Key Exchange payload. */
struct mif_ike_ke {
	uint16_t group;		/**< MIF_IKE_DH_* */
	const uint8_t *data;
	size_t len;
};

int mif_ike_pld_ke_validate(const uint8_t *body, size_t len);
int mif_ike_pld_ke_parse(const uint8_t *body, size_t len,
			 struct mif_ike_ke *out);
int mif_ike_pld_ke_build(struct mif_wr *w, const struct mif_ike_ke *in);

/** Nonce: RFC 7296 3.9 bounds. @return 0 or -EBADMSG. */
int mif_ike_pld_nonce_validate(const uint8_t *body, size_t len);

/** AUTH: method and at least one byte of data. */
int mif_ike_pld_auth_validate(const uint8_t *body, size_t len);

/** CERT and CERTREQ: encoding and data. */
int mif_ike_pld_cert_validate(const uint8_t *body, size_t len);

/** SKF: fragment number and total (RFC 7383 2.5). */
int mif_ike_pld_skf_validate(const uint8_t *body, size_t len);

/** CP and EAP: their fixed headers (contents are not read yet). */
int mif_ike_pld_cp_validate(const uint8_t *body, size_t len);
int mif_ike_pld_eap_validate(const uint8_t *body, size_t len);

#endif
