/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "common/state.h"
#include "dataplane/esp_inb.h"
#include "dataplane/esp_outb.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"
#include "dataplane/sa_cfg.h"
#include "dataplane/sad.h"
#include "dataplane/spd.h"

/* The ESP code's own drop reasons are folded into the gateway's, in the
 * same order. */
_Static_assert(MIF_DROP_ESP_FRAGMENT - MIF_DROP_NO_SA ==
	       MIF_ESP_DROP_FRAGMENT &&
	       MIF_DROP_ESP_SA - MIF_DROP_NO_SA == MIF_ESP_DROP_MAX,
	       "enum mif_drop mirrors enum mif_esp_drop");

#define IKE_PORT	500
#define NATT_PORT	4500

/* What a packet for one of our addresses, arriving on the unprotected
 * side, is. */
enum local_kind {
	LOCAL_CTL,		/* IKE, ICMP (echo, ND, errors) */
	LOCAL_ESP,		/* ESP, or UDP 4500 without the marker */
	LOCAL_OTHER,		/* decided by the inbound SPD */
};

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
	/* The host stack on the exception tap addresses its own MAC (the
	 * tap runs without ARP): everything it writes is for us. */
	if (rte_is_unicast_ether_addr(&eh->dst_addr) &&
	    !(mif_state.has_exc && in_port == mif_state.exc_port) &&
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

static enum local_kind local_classify(const struct rte_mbuf *m);

/* A packet for one of our addresses. IKE and ICMP (echo, ND, errors)
 * are the control thread's; with an exception tap, anything else goes
 * to the host stack behind it (the gateway as an endpoint), without,
 * the control thread counts it as local_unhandled. */
static inline void
to_host(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint8_t family)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
	};
	uint16_t x = mif_state.exc_port;

	/* The tap's kernel side has a MAC of its own that we do not
	 * track; a broadcast frame with a unicast IP is taken by it. */
	if (unlikely(mif_fwd_eth_push(m, &bcast, &mif_ports[x].mac,
				      family == AF_INET ? RTE_ETHER_TYPE_IPV4 :
				      RTE_ETHER_TYPE_IPV6) != 0)) {
		drop(c, m, MIF_DROP_LOCAL_UNHANDLED);
		return;
	}
	tx_stage(c, m, x);
}

static inline void
local_input(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint16_t in_port,
	    uint8_t family)
{
	if (!mif_state.has_exc || in_port == mif_state.exc_port ||
	    local_classify(m) != LOCAL_OTHER)
		punt(c, m, in_port, family, MIF_PUNT_LOCAL, 0);
	else
		to_host(c, m, family);
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
		local_input(c, m, in_port, AF_INET);
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
		local_input(c, m, in_port, AF_INET6);
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

static inline void
route_one(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	  const struct mif_neigh_table *nt, struct rte_mbuf *m,
	  uint16_t in_port, uint64_t nh)
{
	if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 4)
		route_ipv4(c, rt, nt, m, in_port, nh);
	else
		route_ipv6(c, rt, nt, m, in_port, nh);
}

/* FIB lookups for a burst of IPv4 and IPv6 packets (data at L3),
 * results in packet order. */
static void
fib_lookup(const struct mif_route_table *rt, struct rte_mbuf *mb[],
	   uint16_t n, uint64_t nh[])
{
	uint32_t dst4[MIF_MAX_BURST];
	uint8_t dst6[MIF_MAX_BURST][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh4[MIF_MAX_BURST], nh6[MIF_MAX_BURST];
	uint16_t at4[MIF_MAX_BURST], at6[MIF_MAX_BURST];
	uint16_t i, n4 = 0, n6 = 0;
	const uint8_t *p;

	for (i = 0; i < n; i++) {
		p = rte_pktmbuf_mtod(mb[i], const uint8_t *);
		if ((p[0] >> 4) == 4) {
			dst4[n4] = rte_be_to_cpu_32(((const struct rte_ipv4_hdr *)
						     p)->dst_addr);
			at4[n4++] = i;
		} else {
			memcpy(dst6[n6], ((const struct rte_ipv6_hdr *)p)->dst_addr,
			       16);
			at6[n6++] = i;
		}
	}
	if (n4 > 0)
		rte_fib_lookup_bulk(rt->fib4, dst4, nh4, n4);
	if (n6 > 0)
		rte_fib6_lookup_bulk(rt->fib6, dst6, nh6, n6);
	for (i = 0; i < n4; i++)
		nh[at4[i]] = nh4[i];
	for (i = 0; i < n6; i++)
		nh[at6[i]] = nh6[i];
}

static void
route_burst(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	    const struct mif_neigh_table *nt, struct rte_mbuf *mb[],
	    uint16_t n, uint16_t in_port)
{
	uint64_t nh[MIF_MAX_BURST];
	uint16_t i;

	if (n == 0)
		return;
	fib_lookup(rt, mb, n, nh);
	for (i = 0; i < n; i++)
		route_one(c, rt, nt, mb[i], in_port, nh[i]);
}

static inline bool
nh_is_local(const struct mif_route_table *rt, uint64_t nh)
{
	return nh < rt->n_nh && rt->nh[nh].kind == MIF_NH_LOCAL;
}

/* Move the ESP code's worker drops into the gateway's counters, and
 * count the rest of @p failed as dropped by their SA (whose own
 * counters say why). The failed mbufs are freed. */
static void
esp_fold(struct mif_fwd_ctx *c, struct rte_mbuf *failed[], uint16_t n)
{
	uint64_t own = 0;
	unsigned int r;
	uint16_t i;

	for (r = 0; r < MIF_ESP_DROP_MAX; r++) {
		c->cnt->drop[MIF_DROP_NO_SA + r] += c->esp->drop[r];
		own += c->esp->drop[r];
		c->esp->drop[r] = 0;
	}
	if (n > own)
		c->cnt->drop[MIF_DROP_ESP_SA] += n - own;
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(failed[i]);
}

/* Tunnel mode forwards the inner packet, so its TTL or hop limit goes
 * down by one first (RFC 4301 5.1, as for any forwarded packet); one
 * that would reach 0 goes to the control thread for ICMP time exceeded.
 * The host's own packets from the exception tap are not forwarded.
 * @return the packets left in @p mb. */
static uint16_t
tunnel_ttl_stage(struct mif_fwd_ctx *c, struct rte_mbuf *mb[], uint16_t n,
		 uint16_t in_port)
{
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;
	uint16_t i, k = 0;

	if (mif_state.has_exc && in_port == mif_state.exc_port)
		return n;
	for (i = 0; i < n; i++) {
		ip4 = rte_pktmbuf_mtod(mb[i], struct rte_ipv4_hdr *);
		if ((ip4->version_ihl >> 4) == 4) {
			if (ip4->time_to_live <= 1) {
				punt(c, mb[i], in_port, AF_INET, MIF_PUNT_TTL, 0);
				continue;
			}
			mif_fwd_ipv4_ttl_dec(ip4);
		} else {
			ip6 = (struct rte_ipv6_hdr *)ip4;
			if (ip6->hop_limits <= 1) {
				punt(c, mb[i], in_port, AF_INET6, MIF_PUNT_TTL,
				     0);
				continue;
			}
			ip6->hop_limits--;
		}
		mb[k++] = mb[i];
	}
	return k;
}

/* The largest inner packet whose ESP packet fits the MTU of the port
 * that routes to @p sa's remote end, or 0 when no port does. The first
 * path of the SA's set is used (sa->ep); RFC 4303 padding rounds the
 * payload and its 2-byte trailer up to sa->align. */
static uint32_t
inner_mtu(const struct mif_route_table *rt, const struct mif_sa *sa)
{
	uint32_t nh = mif_route_lookup(rt, &sa->ep.remote), mtu, room;

	if (nh == MIF_NH_IDX_NONE || rt->nh[nh].port >= MIF_MAX_PORTS)
		return 0;
	mtu = mif_ports[rt->nh[nh].port].mtu;
	room = sa->ep.remote.family == AF_INET ? 20 : 40;
	if (sa->ep.udp_encap)
		room += 8;
	room += 8 + sa->iv_len + sa->icv_len;	/* SPI, sequence; IV; ICV */
	if (mtu <= room + 2u + sa->align)
		return 0;
	return (mtu - room) / sa->align * sa->align - 2;
}

/* Whether @p m may be cut by frag4(): IPv4 without DF, without options
 * (RFC 791 copies only some of them into every fragment), one segment. */
static bool
can_frag4(const struct mif_sa *sa, const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	return sa->fragment && (ip->version_ihl >> 4) == 4 &&
		(ip->version_ihl & 0xf) == 5 && m->nb_segs == 1 &&
		!(ip->fragment_offset &
		  rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) &&
		rte_be_to_cpu_16(ip->total_length) <= m->data_len;
}

/* RFC 791: cut @p m into fragments of at most @p mtu bytes, each a new
 * single-segment mbuf from @p m's pool (the ESP code takes no chains).
 * @p m is consumed. @return fragments written to @p out (at most
 * @p room), 0 when they would not fit or the pool is empty. */
static uint16_t
frag4(struct mif_fwd_ctx *c, struct rte_mbuf *m, uint32_t mtu,
      struct rte_mbuf *out[], uint16_t room)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t len = rte_be_to_cpu_16(ip->total_length);
	uint32_t chunk = (mtu - sizeof(*ip)) & ~7u, off, n;
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset), k = 0, w;
	struct rte_ipv4_hdr *h;
	struct rte_mbuf *f;

	if (chunk == 0 || (len - sizeof(*ip) + chunk - 1) / chunk > room)
		goto fail;
	for (off = sizeof(*ip); off < len; off += n) {
		n = RTE_MIN(chunk, len - off);
		if ((f = rte_pktmbuf_alloc(m->pool)) == NULL)
			goto fail_mbuf;
		out[k++] = f;
		h = (struct rte_ipv4_hdr *)rte_pktmbuf_append(f,
			(uint16_t)(sizeof(*ip) + n));
		if (h == NULL)
			goto fail_mbuf;
		*h = *ip;
		memcpy(h + 1, (const uint8_t *)ip + off, n);
		/* Offsets count from the original's own (it may itself be
		 * a fragment); MF stays on all but the original's last. */
		w = (uint16_t)((fo & RTE_IPV4_HDR_OFFSET_MASK) +
			       (off - sizeof(*ip)) / 8);
		if (off + n < len || (fo & RTE_IPV4_HDR_MF_FLAG))
			w |= RTE_IPV4_HDR_MF_FLAG;
		h->fragment_offset = rte_cpu_to_be_16(w);
		h->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + n));
		h->hdr_checksum = 0;
		h->hdr_checksum = rte_ipv4_cksum(h);
		f->port = m->port;
		f->l3_len = sizeof(*ip);
	}
	c->cnt->ctl[MIF_CTL_ESP_FRAGMENTED]++;
	rte_pktmbuf_free(m);
	return k;
fail_mbuf:
	rte_pktmbuf_free_bulk(out, k);
	drop(c, m, MIF_DROP_NO_MBUF);
	return 0;
fail:
	drop(c, m, MIF_DROP_MTU_EXCEEDED);
	return 0;
}

/* RFC 4301 8.1/8.2 before encryption: an inner packet whose ESP packet
 * would not fit the outgoing port is either fragmented here (IPv4
 * without DF, on an SA with "fragment") or goes to the control thread,
 * which answers with ICMP fragmentation needed / packet too big
 * carrying the inner MTU (rate limited there).
 * @p mb holds @p cap entries; fragments take more slots.
 * @return the packets now in @p mb. */
static uint16_t
mtu_stage(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	  const struct mif_sa *sa, struct rte_mbuf *mb[], uint16_t n,
	  uint16_t cap, uint16_t in_port)
{
	struct rte_mbuf *res[MIF_MAX_BURST];
	uint32_t mtu = 0;
	uint16_t i, k = 0;
	uint8_t fam;

	for (i = 0; i < n; i++) {
		/* Fits any SA on the smallest port (576, less at most
		 * 40 + 8 + 8 + 16 + 16 + 15 + 2 of ESP): no lookup. */
		if (likely(mb[i]->pkt_len <= 448)) {
			res[k++] = mb[i];
			continue;
		}
		if (mtu == 0 && (mtu = inner_mtu(rt, sa)) == 0)
			mtu = UINT32_MAX;	/* no route: routing decides */
		if (likely(mb[i]->pkt_len <= mtu)) {
			res[k++] = mb[i];
			continue;
		}
		if (can_frag4(sa, mb[i])) {
			/* Room left once the packets still to come have
			 * theirs. */
			k = (uint16_t)(k + frag4(c, mb[i], mtu, res + k,
				(uint16_t)(cap - k - (n - i - 1))));
			continue;
		}
		fam = (*rte_pktmbuf_mtod(mb[i], uint8_t *) >> 4) == 4 ?
			AF_INET : AF_INET6;
		punt(c, mb[i], in_port, fam, MIF_PUNT_MTU, mtu);
	}
	memcpy(mb, res, k * sizeof(res[0]));
	return k;
}

/* PROTECT: one mif_esp_outb_burst() per SA, packets of an SA in their
 * arrival order, then the outer packets are routed. */
static void
protect_stage(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	      const struct mif_neigh_table *nt, uint16_t in_port,
	      struct rte_mbuf *mb[], const uint32_t v[], uint16_t n)
{
	struct rte_mbuf *grp[MIF_MAX_BURST], *out[MIF_MAX_BURST];
	bool done[MIF_MAX_BURST] = { false };
	uint16_t i, j, g, ok, n_out = 0, left = n;
	struct mif_sa *sa;

	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (j = i, g = 0; j < n; j++) {
			if (!done[j] && v[j] == v[i]) {
				grp[g++] = mb[j];
				done[j] = true;
			}
		}
		left = (uint16_t)(left - g);
		sa = mif_sad_out_lookup(mif_state.sad, v[i]);
		if (unlikely(sa == NULL)) {
			for (j = 0; j < g; j++)
				drop(c, grp[j], MIF_DROP_NO_SA);
			continue;
		}
		/* Fragments may fill out[], but never the slots the packets
		 * of later SAs still need. */
		g = mtu_stage(c, rt, sa, grp, g,
			      (uint16_t)(MIF_MAX_BURST - n_out - left), in_port);
		if (sa->mode == MIF_SA_MODE_TUNNEL)
			g = tunnel_ttl_stage(c, grp, g, in_port);
		ok = mif_esp_outb_burst(c->esp, sa, grp, g);
		esp_fold(c, grp + ok, (uint16_t)(g - ok));
		memcpy(out + n_out, grp, ok * sizeof(grp[0]));
		n_out = (uint16_t)(n_out + ok);
	}
	route_burst(c, rt, nt, out, n_out, in_port);
}

/* The SPD of @p dir on packets that are neither ESP nor IKE for us. */
static void
policy_stage(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	     const struct mif_neigh_table *nt, uint16_t in_port,
	     enum mif_spd_dir dir, struct rte_mbuf *mb[], const uint64_t nh[],
	     uint16_t n)
{
	const struct mif_spd *spd = mif_spd_deref(&mif_state.spd[dir]);
	struct rte_mbuf *prot[MIF_MAX_BURST];
	uint32_t v[MIF_MAX_BURST], pv[MIF_MAX_BURST];
	uint16_t i, n_prot = 0;

	mif_spd_classify_burst(spd, mb, n, v);
	for (i = 0; i < n; i++) {
		if (mif_spd_verdict_is_protect(v[i])) {
			/* Inbound, PROTECT means this should have come in
			 * ESP (RFC 4301 5.2): clear is refused. */
			if (dir == MIF_SPD_DIR_IN) {
				drop(c, mb[i], MIF_DROP_POLICY_CLEAR);
				continue;
			}
			prot[n_prot] = mb[i];
			pv[n_prot++] = v[i];
		} else if (v[i] == MIF_SPD_V_BYPASS) {
			route_one(c, rt, nt, mb[i], in_port, nh[i]);
		} else if (v[i] == MIF_SPD_V_BADPKT) {
			drop(c, mb[i], MIF_DROP_POLICY_BADPKT);
		} else {
			drop(c, mb[i], MIF_DROP_POLICY);
		}
	}
	if (n_prot > 0)
		protect_stage(c, rt, nt, in_port, prot, pv, n_prot);
}

/* Inbound ESP for us: decrypt, RFC 4301 5.2 check of the inner packet
 * against its SA's selectors, route the inner packet. */
static void
esp_in_stage(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	     const struct mif_neigh_table *nt, uint16_t in_port,
	     struct rte_mbuf *mb[], uint16_t n)
{
	const struct mif_sa_tab *tab = mif_state.sas;
	struct mif_sa *sa[MIF_MAX_BURST];
	struct rte_mbuf *in[MIF_MAX_BURST];
	uint64_t nh[MIF_MAX_BURST];
	const struct mif_sa_ent *e;
	uint16_t i, ok, n_in = 0;

	ok = mif_esp_inb_burst(c->esp, mif_state.sad, mb, sa, n);
	esp_fold(c, mb + ok, (uint16_t)(n - ok));
	for (i = 0; i < ok; i++) {
		e = mif_sa_tab_get(tab, sa[i]->id);
		if (unlikely(e == NULL ||
			     mif_spd_check_inner(e->sels, e->n_sels,
						 mb[i]) != 0)) {
			mif_sa_drop(sa[i], c->esp->slot, MIF_SA_DROP_POLICY);
			drop(c, mb[i], MIF_DROP_ESP_SA);
			continue;
		}
		in[n_in++] = mb[i];
	}
	if (n_in == 0)
		return;
	/* Everything that came in ESP for us, ICMP included, is the host
	 * stack's when there is one: its answer then meets the outbound
	 * SPD, where the control thread's would leave in clear. */
	fib_lookup(rt, in, n_in, nh);
	for (i = 0; i < n_in; i++) {
		if (mif_state.has_exc && nh_is_local(rt, nh[i]))
			to_host(c, in[i], (*rte_pktmbuf_mtod(in[i],
				const uint8_t *) >> 4) == 4 ? AF_INET : AF_INET6);
		else
			route_one(c, rt, nt, in[i], in_port, nh[i]);
	}
}

/* Unprotected side, a packet for one of our addresses. Reads through
 * rte_pktmbuf_read(), so a short packet is never read past its end; it
 * then goes to the SPD, which drops it as unreadable. */
static enum local_kind
local_classify(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip4 = (const struct rte_ipv4_hdr *)p;
	const struct rte_udp_hdr *u;
	struct rte_udp_hdr uh;
	uint32_t l4, marker;
	const void *r;
	uint8_t proto;

	if ((p[0] >> 4) == 4) {
		proto = ip4->next_proto_id;
		l4 = m->l3_len;
		/* A non-first fragment has no UDP header to read. */
		if ((rte_be_to_cpu_16(ip4->fragment_offset) &
		     RTE_IPV4_HDR_OFFSET_MASK) != 0)
			return proto == IPPROTO_ESP ? LOCAL_ESP : LOCAL_OTHER;
	} else {
		proto = ((const struct rte_ipv6_hdr *)p)->proto;
		l4 = sizeof(struct rte_ipv6_hdr);
	}
	if (proto == IPPROTO_ESP)
		return LOCAL_ESP;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return LOCAL_CTL;
	if (proto != IPPROTO_UDP)
		return LOCAL_OTHER;
	u = rte_pktmbuf_read(m, l4, sizeof(uh), &uh);
	if (u == NULL)
		return LOCAL_OTHER;
	if (u->dst_port == rte_cpu_to_be_16(IKE_PORT))
		return LOCAL_CTL;
	if (u->dst_port != rte_cpu_to_be_16(NATT_PORT))
		return LOCAL_OTHER;
	/* RFC 3948 2.2: four zero bytes mark IKE on port 4500; anything
	 * else (ESP, a keepalive) is the ESP code's to judge. */
	r = rte_pktmbuf_read(m, l4 + sizeof(uh), 4, &marker);
	if (r != NULL && memcmp(r, "\0\0\0\0", 4) == 0)
		return LOCAL_CTL;
	return LOCAL_ESP;
}


/* The IPsec boundary (RFC 4301 5.1, 5.2). From the protected side,
 * transit traffic goes through the outbound SPD; our own addresses are
 * served as before. From the unprotected side, ESP for us goes to the
 * SAD, IKE and ICMP to the control thread, everything else through
 * the inbound SPD, whose default is DISCARD. */
static void
ipsec_stage(struct mif_fwd_ctx *c, const struct mif_route_table *rt,
	    const struct mif_neigh_table *nt, uint16_t in_port,
	    struct rte_mbuf *mb[], const uint64_t nh[], uint16_t n)
{
	bool protected = mif_ports[in_port].role == MIF_PORT_PROTECTED;
	struct rte_mbuf *pol[MIF_MAX_BURST], *esp[MIF_MAX_BURST];
	uint64_t pnh[MIF_MAX_BURST];
	uint16_t i, n_pol = 0, n_esp = 0;
	enum local_kind k;

	for (i = 0; i < n; i++) {
		if (!nh_is_local(rt, nh[i]))
			k = LOCAL_OTHER;
		else if (protected)
			k = LOCAL_CTL;
		else
			k = local_classify(mb[i]);
		if (k == LOCAL_CTL) {
			route_one(c, rt, nt, mb[i], in_port, nh[i]);
		} else if (k == LOCAL_ESP) {
			esp[n_esp++] = mb[i];
		} else {
			pol[n_pol] = mb[i];
			pnh[n_pol++] = nh[i];
		}
	}
	if (n_pol > 0)
		policy_stage(c, rt, nt, in_port, protected ? MIF_SPD_DIR_OUT :
			     MIF_SPD_DIR_IN, pol, pnh, n_pol);
	if (n_esp > 0)
		esp_in_stage(c, rt, nt, in_port, esp, n_esp);
}

void
mif_fwd_burst(struct mif_fwd_ctx *c, uint16_t in_port,
	      struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *l3[MIF_MAX_BURST];
	uint64_t nh[MIF_MAX_BURST];
	struct mif_port_counters *pc = &c->cnt->port[in_port];
	const struct mif_route_table *rt = mif_state_load(routes);
	const struct mif_neigh_table *nt = mif_state.neigh;
	uint16_t i, n_l3 = 0;
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
		if (et == RTE_ETHER_TYPE_ARP)
			punt(c, m, in_port, 0, MIF_PUNT_ARP, 0);
		else if (et == RTE_ETHER_TYPE_IPV4 && check_ipv4(c, m))
			l3[n_l3++] = m;
		else if (et == RTE_ETHER_TYPE_IPV6 && check_ipv6(c, m, in_port))
			l3[n_l3++] = m;
		else if (et != RTE_ETHER_TYPE_IPV4 && et != RTE_ETHER_TYPE_IPV6)
			drop(c, m, MIF_DROP_BAD_L2);
	}
	if (n_l3 == 0)
		return;
	fib_lookup(rt, l3, n_l3, nh);
	/* Without "sas" and "policies" the gateway is a plain router:
	 * everything is forwarded as before the IPsec stage existed. */
	if (!mif_state.ipsec || c->esp == NULL) {
		for (i = 0; i < n_l3; i++)
			route_one(c, rt, nt, l3[i], in_port, nh[i]);
		return;
	}
	ipsec_stage(c, rt, nt, in_port, l3, nh, n_l3);
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
