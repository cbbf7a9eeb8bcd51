/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_MOBIKE_H
#define MIF_MOBIKE_H

/** @file
 * RFC 4555 (MOBIKE) Notify data: parsers, builders and the peer's
 * address list. The Notify header is handled by ike_pld; here only the
 * data. Parsers validate the whole data before writing their output
 * and return -EBADMSG on bad syntax and -EADDRNOTAVAIL for an address
 * no peer may use (answer UNACCEPTABLE_ADDRESSES).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/wr.h"

#define MIF_MOBIKE_COOKIE2_MIN	8	/**< RFC 4555 4.2.5 */
#define MIF_MOBIKE_COOKIE2_MAX	64
#define MIF_MOBIKE_NONATS4_LEN	12	/**< RFC 4555 4.2.6 */
#define MIF_MOBIKE_NONATS6_LEN	36
/** Peer addresses kept per IKE SA (the IP header's one included). */
#define MIF_MOBIKE_MAX_ADDRS	16

/** True for the RFC 4555 notify types (16396..16402, 40, 41). */
bool mif_mobike_is_type(uint16_t type);

/**
 * Check the data of any MOBIKE notify @p type. MOBIKE_SUPPORTED data is
 * ignored whatever it holds (RFC 4555 4.2.1); the other status types
 * without data and both errors must be empty.
 * @return 0, -EBADMSG, -EADDRNOTAVAIL, or -ENOENT for other types.
 */
int mif_mobike_validate(uint16_t type, const uint8_t *d, size_t len);

/** ADDITIONAL_IP4/IP6_ADDRESS -> @p out. */
int mif_mobike_addr_parse(uint16_t type, const uint8_t *d, size_t len,
			  struct mif_addr *out);
/** Writes the address; @p type gets 16397 or 16398. */
int mif_mobike_addr_build(struct mif_wr *w, const struct mif_addr *a,
			  uint16_t *type);

/** COOKIE2 value. */
struct mif_mobike_cookie2 {
	uint8_t len;
	uint8_t v[MIF_MOBIKE_COOKIE2_MAX];
};

int mif_mobike_cookie2_parse(const uint8_t *d, size_t len,
			     struct mif_mobike_cookie2 *out);
int mif_mobike_cookie2_build(struct mif_wr *w,
			     const struct mif_mobike_cookie2 *c);
/** Fresh unpredictable cookie of @p len bytes (OpenSSL RAND_bytes). */
int mif_mobike_cookie2_new(struct mif_mobike_cookie2 *c, uint8_t len);
/** Constant-time comparison of a received cookie with ours. */
bool mif_mobike_cookie2_eq(const struct mif_mobike_cookie2 *a,
			   const struct mif_mobike_cookie2 *b);

/** NO_NATS_ALLOWED: the addresses and ports the sender used. */
struct mif_mobike_nonats {
	struct mif_addr src;
	struct mif_addr dst;
	uint16_t sport;		/**< host order */
	uint16_t dport;
};

int mif_mobike_nonats_parse(const uint8_t *d, size_t len,
			    struct mif_mobike_nonats *out);
int mif_mobike_nonats_build(struct mif_wr *w,
			    const struct mif_mobike_nonats *n);
/**
 * RFC 4555 3.9: true when the packet really came from and to what the
 * notify says; false means a NAT is in the path (answer
 * UNEXPECTED_NAT_DETECTED).
 */
bool mif_mobike_nonats_match(const struct mif_mobike_nonats *n,
			     const struct mif_mobike_nonats *pkt);

/** The peer's addresses, as its last list said (RFC 4555 3.6). */
struct mif_mobike_addrs {
	uint8_t n;
	struct mif_addr a[MIF_MOBIKE_MAX_ADDRS];
};

/** A list being collected from one message's notifies. */
struct mif_mobike_addr_list {
	struct mif_mobike_addrs list;
	bool no_additional;	/**< NO_ADDITIONAL_ADDRESSES seen */
	bool any;		/**< any address notify seen */
	bool over;		/**< more than fit: refused at commit */
};

void mif_mobike_addrs_begin(struct mif_mobike_addr_list *l);
/**
 * Take one notify of the message being read (other types are ignored).
 * @return 0, -EBADMSG or -EADDRNOTAVAIL; the list is not final until
 * commit.
 */
int mif_mobike_addrs_note(struct mif_mobike_addr_list *l, uint16_t type,
			  const uint8_t *d, size_t len);
/**
 * The message passed: replace @p peer's list when the message carried
 * one, the IP header's source @p hdr_src first. Nothing changes when
 * the message had no address notify (returns 0, *changed false).
 * @return 0, -EBADMSG (NO_ADDITIONAL_ADDRESSES with addresses) or
 * -E2BIG (more than MIF_MOBIKE_MAX_ADDRS).
 */
int mif_mobike_addrs_commit(struct mif_mobike_addrs *peer,
			    const struct mif_mobike_addr_list *l,
			    const struct mif_addr *hdr_src, bool *changed);
/** True when @p a is in the list. */
bool mif_mobike_addrs_has(const struct mif_mobike_addrs *l,
			  const struct mif_addr *a);

#endif
