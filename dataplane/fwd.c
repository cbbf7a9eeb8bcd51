/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "common/state.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"

enum policy_verdict {
	POLICY_BYPASS,		/* forward in clear */
	POLICY_DISCARD,
};

/*
 * POLICY STAGE. Every packet that passed the L3 checks goes through here
 * before routing. The gateway has no SPD yet, and a gateway without an
 * SPD forwards everything in clear: that is RFC 4301's BYPASS for all
 * traffic, which is what this returns. The SPD/IPsec stage replaces this
 * call (it may then also consume packets for ESP).
 */
static inline enum policy_verdict
policy_stage_no_spd(struct rte_mbuf *m, uint16_t in_port)
{
	RTE_SET_USED(m);
	RTE_SET_USED(in_port);
	return POLICY_BYPASS;
}

/*
 * THE "TO THE CONTROL PLANE" DECISION for packets addressed to the
 * gateway. Today the control thread serves all of them: ICMP and ICMPv6
 * echo, ND, and counting what nothing serves. IKE (UDP 500/4500) will go
 * there too; inbound ESP will not, it stays on the worker.
 */
static inline bool
local_to_control_plane(const struct rte_mbuf *m)
{
	RTE_SET_USED(m);
	return true;
}

static inline void
drop(struct mif_fwd_ctx *c, struct rte_mbuf *m, enum mif_drop why)
{
	c->cnt->drop[why]++;
	rte_pktmbuf_free(m);
}

static inline void
punt(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint16_t in_port,
     uint8_t family, enum mif_punt_reason why, uint32_t aux)
{
	struct mif_punt_meta *pm = mif_punt_meta(m);

	pm->reason = (uint8_t)why;
	pm->family = family;
	pm->in_port = in_port;
	pm->aux = aux;
	c->punt[c->n_punt++] = m;
}

static inline void
tx_stage(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint16_t port)
{
	c->tx[port][c->n_tx[port]++] = m;
}

/* Ethernet: accept our MAC, broadcast and multicast (ND needs the
 * solicited-node groups; af_packet delivers every frame on the link).
 * Returns the ethertype, or -1 after a drop (ethertype 0 is a value a
 * frame can carry). */
static inline int
parse_eth(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ether_hdr *eh;

	if (unlikely(m->data_len < sizeof(*eh))) {
		drop(c, m, MIF_DROP_BAD_LEN);
		return -1;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (rte_is_unicast_ether_addr(&eh->dst_addr) &&
	    unlikely(!rte_is_same_ether_addr(&eh->dst_addr,
					     &mif_ports[in_port].mac))) {
		drop(c, m, MIF_DROP_NOT_FOR_US);
		return -1;
	}
	m->l2_len = sizeof(*eh);
	return rte_be_to_cpu_16(eh->ether_type);
}

static inline bool
ipv4_martian_src(uint32_t a)
{
	/* 0/8, 127/8, multicast, class E and broadcast never source. */
	return (a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000;
}

/* IPv4 checks; the mbuf already starts at the IP header. Returns false
 * after a drop or punt. */
static inline bool
check_ipv4(struct mif_fwd_ctx *c, struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;
	uint16_t hl, tot;
	uint32_t src, dst;

	if (unlikely(m->data_len < sizeof(*ip)))
		goto drop_bad_len;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	hl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip)))
		goto drop_bad_ip;
	if (unlikely(m->data_len < hl))
		goto drop_bad_len;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < hl))
		goto drop_bad_ip;
	if (unlikely(tot > m->pkt_len))
		goto drop_bad_len;
	if (m->pkt_len > tot)	/* Ethernet padding */
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - tot));
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	     RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_raw_cksum(ip, hl) != 0xffff))
		goto drop_bad_csum;
	m->l3_len = hl;

	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely(ipv4_martian_src(src) || (dst >> 24) == 127 ||
		     (dst >> 24) == 0))
		goto drop_bad_addr;
	if (unlikely(dst >= 0xe0000000))	/* multicast, broadcast */
		goto drop_mcast;
	return true;

drop_bad_len:
	drop(c, m, MIF_DROP_BAD_LEN);
	return false;
drop_bad_ip:
	drop(c, m, MIF_DROP_BAD_IP);
	return false;
drop_bad_csum:
	drop(c, m, MIF_DROP_BAD_CSUM);
	return false;
drop_bad_addr:
	drop(c, m, MIF_DROP_BAD_ADDR);
	return false;
drop_mcast:
	drop(c, m, MIF_DROP_MCAST);
	return false;
}

static inline bool
ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static inline bool
ipv6_is_loopback_or_unspec(const uint8_t *a)
{
	static const uint8_t zero[15];

	return memcmp(a, zero, 15) == 0 && a[15] <= 1;
}

static inline bool
check_ipv6(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_ipv6_hdr *ip;
	uint32_t tot;

	if (unlikely(m->data_len < sizeof(*ip)))
		goto drop_bad_len;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6))
		goto drop_bad_ip;
	tot = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(tot > m->pkt_len))
		goto drop_bad_len;
	if (m->pkt_len > tot)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - tot));
	m->l3_len = sizeof(*ip);

	if (unlikely(ip->src_addr[0] == 0xff))
		goto drop_bad_addr;
	if (ip->dst_addr[0] == 0xff) {
		/* Multicast: only ICMPv6 (ND) is for us; no MLD, no
		 * multicast routing. */
		if (ip->proto != IPPROTO_ICMPV6)
			goto drop_mcast;
		punt(c, m, in_port, AF_INET6, MIF_PUNT_LOCAL, 0);
		return false;
	}
	if (unlikely(ipv6_is_loopback_or_unspec(ip->dst_addr)))
		goto drop_bad_addr;
	return true;

drop_bad_len:
	drop(c, m, MIF_DROP_BAD_LEN);
	return false;
drop_bad_ip:
	drop(c, m, MIF_DROP_BAD_IP);
	return false;
drop_bad_addr:
	drop(c, m, MIF_DROP_BAD_ADDR);
	return false;
drop_mcast:
	drop(c, m, MIF_DROP_MCAST);
	return false;
}

/* Neighbour lookup and Ethernet header; the packet leaves on @p e. */
static inline void
output(struct mif_fwd_ctx *c, const struct mif_neigh_table *nt,
       struct rte_mbuf *m, uint16_t in_port, uint8_t family,
       const struct mif_nh *e, uint32_t nh, const void *dst)
{
	const struct mif_port *out = &mif_ports[e->port];
	struct mif_neigh_key k;
	struct rte_ether_addr mac;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.port = e->port;
	if (e->kind == MIF_NH_GATEWAY)
		memcpy(k.addr, family == AF_INET ? (const void *)&e->gw.v4 :
		       (const void *)e->gw.v6, family == AF_INET ? 4 : 16);
	else
		memcpy(k.addr, dst, family == AF_INET ? 4 : 16);
	if (!mif_neigh_lookup(nt, &k, &mac)) {
		punt(c, m, in_port, family, MIF_PUNT_NEIGH, nh);
		return;
	}
	mif_fwd_eth_push(m, &mac, &out->mac, family == AF_INET ?
			 RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	tx_stage(c, m, e->port);
}

static inline void
route_ipv4(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	   const struct mif_neigh_table *nt, struct rte_mbuf *m,
	   uint16_t in_port, uint64_t nh)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const struct mif_nh *e;

	if (unlikely(nh >= rt->n_nh))
		nh = MIF_NH_IDX_NONE;
	e = &rt->nh[nh];
	switch (e->kind) {
	case MIF_NH_NONE:
		punt(c, m, in_port, AF_INET, MIF_PUNT_NO_ROUTE, 0);
		return;
	case MIF_NH_LOCAL:
		if (local_to_control_plane(m))
			punt(c, m, in_port, AF_INET, MIF_PUNT_LOCAL, 0);
		else
			drop(c, m, MIF_DROP_LOCAL_UNHANDLED);
		return;
	case MIF_NH_BCAST:	/* RFC 2644: no directed broadcasts */
		drop(c, m, MIF_DROP_MCAST);
		return;
	default:
		break;
	}
	if (ip->time_to_live <= 1) {
		punt(c, m, in_port, AF_INET, MIF_PUNT_TTL, 0);
		return;
	}
	if (m->pkt_len > mif_ports[e->port].mtu) {
		punt(c, m, in_port, AF_INET, MIF_PUNT_MTU,
		     mif_ports[e->port].mtu);
		return;
	}
	mif_fwd_ipv4_ttl_dec(ip);
	output(c, nt, m, in_port, AF_INET, e, (uint32_t)nh, &ip->dst_addr);
}

static inline void
route_ipv6(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	   const struct mif_neigh_table *nt, struct rte_mbuf *m,
	   uint16_t in_port, uint64_t nh)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	const struct mif_nh *e;

	if (unlikely(nh >= rt->n_nh))
		nh = MIF_NH_IDX_NONE;
	e = &rt->nh[nh];
	if (e->kind == MIF_NH_LOCAL) {
		if (local_to_control_plane(m))
			punt(c, m, in_port, AF_INET6, MIF_PUNT_LOCAL, 0);
		else
			drop(c, m, MIF_DROP_LOCAL_UNHANDLED);
		return;
	}
	/* RFC 4291 2.5.6: link-local packets never leave their link. */
	if (unlikely(ipv6_is_link_local(ip->src_addr) ||
		     ipv6_is_link_local(ip->dst_addr))) {
		drop(c, m, MIF_DROP_BAD_ADDR);
		return;
	}
	if (e->kind == MIF_NH_NONE) {
		punt(c, m, in_port, AF_INET6, MIF_PUNT_NO_ROUTE, 0);
		return;
	}
	if (ip->hop_limits <= 1) {
		punt(c, m, in_port, AF_INET6, MIF_PUNT_TTL, 0);
		return;
	}
	if (m->pkt_len > mif_ports[e->port].mtu) {
		punt(c, m, in_port, AF_INET6, MIF_PUNT_MTU,
		     mif_ports[e->port].mtu);
		return;
	}
	ip->hop_limits--;
	output(c, nt, m, in_port, AF_INET6, e, (uint32_t)nh, ip->dst_addr);
}

void
mif_fwd_burst(struct mif_fwd_ctx *c, uint16_t in_port,
	      struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *v4[MIF_MAX_BURST], *v6[MIF_MAX_BURST];
	uint32_t dst4[MIF_MAX_BURST];
	uint8_t dst6[MIF_MAX_BURST][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh4[MIF_MAX_BURST], nh6[MIF_MAX_BURST];
	struct mif_port_counters *pc = &c->cnt->port[in_port];
	const struct mif_route_table *rt = mif_state_load(routes);
	const struct mif_neigh_table *nt = mif_state.neigh;
	uint16_t i, n4 = 0, n6 = 0;
	struct rte_mbuf *m;
	int et;

	RTE_ASSERT(n <= MIF_MAX_BURST);
	for (i = 0; i < n; i++) {
		m = pkts[i];
		pc->rx_packets++;
		pc->rx_bytes += m->pkt_len;
		if ((et = parse_eth(c, m, in_port)) < 0)
			continue;
		rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
		if (et == RTE_ETHER_TYPE_ARP) {
			punt(c, m, in_port, 0, MIF_PUNT_ARP, 0);
		} else if (et == RTE_ETHER_TYPE_IPV4) {
			if (!check_ipv4(c, m))
				continue;
			if (policy_stage_no_spd(m, in_port) != POLICY_BYPASS) {
				drop(c, m, MIF_DROP_POLICY);
				continue;
			}
			dst4[n4] = rte_be_to_cpu_32(rte_pktmbuf_mtod(m,
					struct rte_ipv4_hdr *)->dst_addr);
			v4[n4++] = m;
		} else if (et == RTE_ETHER_TYPE_IPV6) {
			if (!check_ipv6(c, m, in_port))
				continue;
			if (policy_stage_no_spd(m, in_port) != POLICY_BYPASS) {
				drop(c, m, MIF_DROP_POLICY);
				continue;
			}
			memcpy(dst6[n6], rte_pktmbuf_mtod(m,
			       struct rte_ipv6_hdr *)->dst_addr, 16);
			v6[n6++] = m;
		} else {
			drop(c, m, MIF_DROP_BAD_L2);
		}
	}

	if (n4 > 0)
		rte_fib_lookup_bulk(rt->fib4, dst4, nh4, n4);
	for (i = 0; i < n4; i++)
		route_ipv4(c, rt, nt, v4[i], in_port, nh4[i]);
	if (n6 > 0)
		rte_fib6_lookup_bulk(rt->fib6, dst6, nh6, n6);
	for (i = 0; i < n6; i++)
		route_ipv6(c, rt, nt, v6[i], in_port, nh6[i]);
}

static void
flush_port(struct mif_fwd_ctx *c, uint16_t p)
{
	struct mif_port_counters *pc = &c->cnt->port[p];
	uint16_t n = c->n_tx[p], sent, i;
	uint64_t bytes = 0;

	for (i = 0; i < n; i++)
		bytes += c->tx[p][i]->pkt_len;
	sent = rte_eth_tx_burst(mif_ports[p].port_id, c->txq, c->tx[p], n);
	for (i = sent; i < n; i++) {
		bytes -= c->tx[p][i]->pkt_len;
		drop(c, c->tx[p][i], MIF_DROP_TX_FULL);
	}
	pc->tx_packets += sent;
	pc->tx_bytes += bytes;
	c->n_tx[p] = 0;
}

void
mif_fwd_flush(struct mif_fwd_ctx *c)
{
	unsigned int done, i;
	uint16_t p;

	for (p = 0; p < mif_n_ports; p++)
		if (c->n_tx[p] > 0)
			flush_port(c, p);
	if (c->n_punt == 0)
		return;
	done = rte_ring_mp_enqueue_burst(mif_state.punt, (void **)c->punt,
					 c->n_punt, NULL);
	c->cnt->ctl[MIF_CTL_PUNTED] += done;
	for (i = done; i < c->n_punt; i++)
		drop(c, c->punt[i], MIF_DROP_PUNT_FULL);
	c->n_punt = 0;
}
