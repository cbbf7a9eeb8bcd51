/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_FWD_H
#define MIF_FWD_H

/** @file
 * The per-packet pipeline of a worker lcore:
 *   RX -> Ethernet parse -> L3 checks -> FIB -> IPsec stage (SPD,
 *   ESP in/out, RFC 4301 5.2 check) -> route ->
 *   TTL/hop limit -> neighbour -> Ethernet prepend -> TX burst per port,
 * with a punt path to the control thread for what a worker must not do
 * (ARP, ND, our own addresses, ICMP errors, unresolved next hops).
 */

#include <errno.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "common/counters.h"

#define MIF_MAX_BURST	64

struct mif_esp_ctx;

/** One worker's scratch: TX staging per port and the punt batch. */
struct mif_fwd_ctx {
	struct mif_counters *cnt;	/**< the worker's own block */
	/** ESP crypto context (intel-ipsec-mb manager, SA counter slot);
	 * NULL leaves the worker without IPsec (unit tests). */
	struct mif_esp_ctx *esp;
	uint16_t txq;			/**< this worker's TX queue on every port */
	uint16_t n_tx[MIF_MAX_PORTS];
	uint16_t n_punt;
	struct rte_mbuf *tx[MIF_MAX_PORTS][MIF_MAX_BURST];
	struct rte_mbuf *punt[MIF_MAX_BURST];
};

/**
 * Process @p n (<= MIF_MAX_BURST) packets received on port index
 * @p in_port. Every mbuf is consumed: staged for TX, staged for the
 * control thread, or freed and counted. Call mif_fwd_flush() after.
 */
void mif_fwd_burst(struct mif_fwd_ctx *c, uint16_t in_port,
		   struct rte_mbuf **pkts, uint16_t n);

/** Send staged packets and punts; free and count what was refused. */
void mif_fwd_flush(struct mif_fwd_ctx *c);

/**
 * Decrement an IPv4 TTL and patch the header checksum incrementally
 * (RFC 1624). The caller checked ttl > 1.
 */
static inline void
mif_fwd_ipv4_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t sum;

	ip->time_to_live--;
	/* TTL is the high byte of its 16-bit word: the word dropped by
	 * 0x0100, so the one's-complement checksum rises by as much. */
	sum = (uint32_t)ip->hdr_checksum + rte_cpu_to_be_16(0x0100);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = (uint16_t)sum;
}

/**
 * Prepend an Ethernet header to @p m (which starts at L3).
 * @return 0, or -ENOSPC when the mbuf has no headroom.
 */
static inline int
mif_fwd_eth_push(struct rte_mbuf *m, const struct rte_ether_addr *dst,
		 const struct rte_ether_addr *src, uint16_t ethertype)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (eh == NULL)
		return -ENOSPC;
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ethertype);
	m->l2_len = sizeof(*eh);
	return 0;
}

#endif
