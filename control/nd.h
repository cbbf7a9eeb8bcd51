/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ND_H
#define MIF_ND_H

/** @file
 * IPv6 neighbour discovery (RFC 4861) on the control thread: answer
 * neighbour solicitations for our addresses, learn from solicitations
 * and advertisements, solicit next hops. Router solicitations and
 * advertisements are counted and ignored: the gateway sends no RAs.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "common/addr.h"

#define MIF_ND_ROUTER_SOLICIT	133
#define MIF_ND_ROUTER_ADVERT	134
#define MIF_ND_NEIGH_SOLICIT	135
#define MIF_ND_NEIGH_ADVERT	136
#define MIF_ND_REDIRECT		137

/**
 * Handle an ND message (mbuf at the IPv6 header, ICMPv6 checksum
 * already verified, no extension headers). Consumes @p m.
 */
void mif_nd_input(struct rte_mbuf *m, uint16_t port, uint8_t type);

/** Multicast a solicitation for @p target on port index @p port. */
void mif_nd_ns_send(uint16_t port, const struct mif_addr *target);

/** Build an IPv6 header (payload length, next header ICMPv6). */
void mif_nd_ip6_fill(void *ip6, const struct mif_addr *src,
		     const struct mif_addr *dst, uint16_t plen, uint8_t hops);

#endif
