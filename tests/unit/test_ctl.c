/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow path end to end, without a network: two net_ring ports set
 * up by the real port code, whose TX rings the test reads back. Frames go through the worker
 * pipeline (mif_fwd_burst/flush) into the punt ring, the control thread
 * handles them (mif_ctl_poll), and the test checks what it sent: ARP
 * replies and requests, neighbour advertisements and solicitations,
 * echo replies, ICMP errors under the rate limit, packets released when
 * a next hop resolves and dropped when it does not.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "common/state.h"
#include "control/ctl.h"
#include "control/resolve.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"
#include "tests/unit/check.h"

static struct rte_mempool *pool;
static struct mif_fwd_ctx ctx;
static struct mif_cfg cfg;
static struct rte_ring *txr[2][2];	/* [port][queue] */
static const struct rte_ether_addr mac_peer = {{ 2, 0, 0, 0, 0xdd, 1 }};
static const struct rte_ether_addr mac_far = {{ 2, 0, 0, 0, 0xee, 1 }};
static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff }};

static struct mif_addr
A(const char *s)
{
	struct mif_addr a;

	CHECK_EQ(mif_addr_parse(s, &a), 0);
	return a;
}

static void
cfg_port(unsigned int i, const char *a4, const char *a6)
{
	struct mif_cfg_port *p = &cfg.ports[i];

	snprintf(p->name, sizeof(p->name), "p%u", i);
	snprintf(p->dev, sizeof(p->dev), "net_ring%u", i);
	p->is_vdev = true;
	p->mtu = 1500;
	CHECK_EQ(mif_prefix_parse(a4, &p->addrs[0], true, false), 0);
	CHECK_EQ(mif_prefix_parse(a6, &p->addrs[1], true, false), 0);
	p->n_addrs = 2;
}

/* net_ring without arguments loops TX queue q back to RX queue q over a
 * ring named ETH_RXTX<q>_<device>; the test reads those rings. */
static void
rings_find(unsigned int i)
{
	char name[RTE_RING_NAMESIZE];
	int q;

	for (q = 0; q < 2; q++) {
		snprintf(name, sizeof(name), "ETH_RXTX%d_net_ring%u", q, i);
		txr[i][q] = rte_ring_lookup(name);
		CHECK(txr[i][q] != NULL);
	}
}

static void
setup(void)
{
	cfg_port(0, "192.0.2.1/24", "2001:db8:1::1/64");
	cfg_port(1, "198.51.100.1/24", "2001:db8:2::1/64");
	cfg.n_ports = 2;
	cfg.icmp_rate = 5;
	cfg.neigh_queue_len = 4;
	cfg.neigh_timeout_s = 300;

	CHECK_EQ(mif_state_rcu_init(1), 0);
	CHECK_EQ(mif_punt_init(64), 0);
	CHECK_EQ(mif_port_setup_all(&cfg, pool, 1), 0);
	CHECK_EQ(mif_ports[1].ctl_txq, 1);
	rings_find(0);
	rings_find(1);
	mif_state.routes = mif_route_table_create(&cfg, mif_ports, 2, "c");
	CHECK(mif_state.routes != NULL);
	mif_state.neigh = mif_neigh_table_create("c_neigh", mif_state.qsbr);
	CHECK(mif_state.neigh != NULL);
	CHECK_EQ(rte_rcu_qsbr_thread_register(mif_state.qsbr, 0), 0);
	rte_rcu_qsbr_thread_online(mif_state.qsbr, 0);
	CHECK_EQ(mif_ctl_init(&cfg, pool), 0);
	ctx.cnt = &mif_counters[rte_lcore_id()];
	ctx.txq = 0;
}

/* --- frames from the wire --- */

static uint8_t *
eth_frame(struct rte_mbuf **mp, const struct rte_ether_addr *dst,
	  const struct rte_ether_addr *src, uint16_t type, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;

	CHECK(m != NULL);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eh) + len);
	CHECK(eh != NULL);
	memset(eh, 0, sizeof(*eh) + len);
	eh->dst_addr = *dst;
	eh->src_addr = *src;
	eh->ether_type = rte_cpu_to_be_16(type);
	*mp = m;
	return (uint8_t *)(eh + 1);
}

static struct rte_mbuf *
arp_frame(uint16_t op, const struct rte_ether_addr *sha, const char *spa,
	  const char *tpa, const struct rte_ether_addr *dst)
{
	struct rte_arp_hdr *h;
	struct rte_mbuf *m;

	h = (struct rte_arp_hdr *)eth_frame(&m, dst, sha, RTE_ETHER_TYPE_ARP,
					    sizeof(*h));
	h->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	h->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	h->arp_hlen = 6;
	h->arp_plen = 4;
	h->arp_opcode = rte_cpu_to_be_16(op);
	h->arp_data.arp_sha = *sha;
	h->arp_data.arp_sip = A(spa).v4;
	h->arp_data.arp_tip = A(tpa).v4;
	return m;
}

/* IPv4 with @p plen bytes of payload (the first 8 an ICMP header when
 * @p proto is ICMP: echo request, checksum set). */
static struct rte_mbuf *
ip4_frame(uint16_t port, const char *src, const char *dst, uint8_t ttl,
	  uint8_t proto, uint16_t plen)
{
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;
	uint16_t ck;

	ip = (struct rte_ipv4_hdr *)eth_frame(&m, &mif_ports[port].mac,
			&mac_peer, RTE_ETHER_TYPE_IPV4, sizeof(*ip) + plen);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + plen);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = A(src).v4;
	ip->dst_addr = A(dst).v4;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	l4 = (uint8_t *)(ip + 1);
	if (proto == IPPROTO_ICMP) {
		l4[0] = RTE_IP_ICMP_ECHO_REQUEST;
		l4[4] = 0x12;			/* identifier */
		l4[7] = 0x07;			/* sequence */
		ck = (uint16_t)~rte_raw_cksum(l4, plen);
		memcpy(l4 + 2, &ck, 2);
	}
	return m;
}

static struct rte_mbuf *
ip6_frame(const struct rte_ether_addr *dmac, const char *src,
	  const char *dst, uint8_t hops, uint8_t proto, uint16_t plen,
	  uint8_t **l4)
{
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;

	ip = (struct rte_ipv6_hdr *)eth_frame(&m, dmac, &mac_peer,
			RTE_ETHER_TYPE_IPV6, sizeof(*ip) + plen);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = proto;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, A(src).v6, 16);
	memcpy(ip->dst_addr, A(dst).v6, 16);
	if (l4 != NULL)
		*l4 = (uint8_t *)(ip + 1);
	return m;
}

static void
icmp6_cksum(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	uint8_t *l4 = (uint8_t *)(ip + 1);
	uint16_t ck;

	memset(l4 + 2, 0, 2);
	ck = rte_ipv6_udptcp_cksum(ip, l4);
	memcpy(l4 + 2, &ck, 2);
}

/* NS or NA with one link-layer option (or none when @p lla is NULL). */
static struct rte_mbuf *
nd_frame(uint8_t type, const struct rte_ether_addr *dmac, const char *src,
	 const char *dst, const char *target,
	 const struct rte_ether_addr *lla, uint8_t flags)
{
	struct rte_mbuf *m;
	uint8_t *l4;

	m = ip6_frame(dmac, src, dst, 255, IPPROTO_ICMPV6,
		      lla != NULL ? 32 : 24, &l4);
	l4[0] = type;
	l4[4] = flags;
	memcpy(l4 + 8, A(target).v6, 16);
	if (lla != NULL) {
		l4[24] = type == 135 ? 1 : 2;
		l4[25] = 1;
		memcpy(l4 + 26, lla->addr_bytes, 6);
	}
	icmp6_cksum(m);
	return m;
}

/* Worker then control thread, as in the running gateway. */
static void
feed(struct rte_mbuf *m, uint16_t port)
{
	mif_fwd_burst(&ctx, port, &m, 1);
	mif_fwd_flush(&ctx);
	while (mif_ctl_poll() > 0)
		;
}

/* The next frame the control thread sent on @p port, or NULL. */
static struct rte_mbuf *
sent(uint16_t port)
{
	void *m;

	return rte_ring_dequeue(txr[port][1], &m) == 0 ? m : NULL;
}

static unsigned int
drain(uint16_t port)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while ((m = sent(port)) != NULL) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static void *
l3(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, void *, sizeof(struct rte_ether_hdr));
}

static void
check_eth(struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst,
	  uint16_t type)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	CHECK(rte_is_same_ether_addr(&eh->dst_addr, dst));
	CHECK(rte_is_same_ether_addr(&eh->src_addr, &mif_ports[port].mac));
	CHECK_EQ(rte_be_to_cpu_16(eh->ether_type), type);
}

static uint64_t
drops(enum mif_drop why)
{
	struct mif_counters s;

	mif_counters_sum(&s);
	return s.drop[why];
}

/* --- cases --- */

static void
test_arp(void)
{
	struct rte_ether_addr mac;
	struct mif_neigh_key k;
	struct rte_arp_hdr *h;
	struct rte_mbuf *m;
	struct mif_addr a;
	uint64_t bad;

	feed(arp_frame(RTE_ARP_OP_REQUEST, &mac_peer, "192.0.2.2",
		       "192.0.2.1", &bcast), 0);
	m = sent(0);
	CHECK(m != NULL);
	check_eth(m, 0, &mac_peer, RTE_ETHER_TYPE_ARP);
	h = l3(m);
	CHECK_EQ(rte_be_to_cpu_16(h->arp_opcode), RTE_ARP_OP_REPLY);
	CHECK(rte_is_same_ether_addr(&h->arp_data.arp_sha, &mif_ports[0].mac));
	CHECK_EQ(h->arp_data.arp_sip, A("192.0.2.1").v4);
	CHECK(rte_is_same_ether_addr(&h->arp_data.arp_tha, &mac_peer));
	CHECK_EQ(h->arp_data.arp_tip, A("192.0.2.2").v4);
	rte_pktmbuf_free(m);
	CHECK(sent(0) == NULL);

	/* The requester is now known to the workers. */
	a = A("192.0.2.2");
	mif_neigh_key_make(&k, &a, 0);
	CHECK(mif_neigh_lookup(mif_state.neigh, &k, &mac));
	CHECK(rte_is_same_ether_addr(&mac, &mac_peer));

	/* Not for us: no reply, and nothing learned about the sender. */
	feed(arp_frame(RTE_ARP_OP_REQUEST, &mac_far, "192.0.2.3",
		       "192.0.2.99", &bcast), 0);
	CHECK_EQ(drain(0), 0);
	a = A("192.0.2.3");
	mif_neigh_key_make(&k, &a, 0);
	CHECK_EQ(mif_neigh_find(mif_state.neigh, &k), -ENOENT);

	/* Malformed: hardware length 8, and a truncated packet. */
	bad = drops(MIF_DROP_CTL_BAD);
	m = arp_frame(RTE_ARP_OP_REQUEST, &mac_peer, "192.0.2.2", "192.0.2.1",
		      &bcast);
	((struct rte_arp_hdr *)l3(m))->arp_hlen = 8;
	feed(m, 0);
	m = arp_frame(RTE_ARP_OP_REQUEST, &mac_peer, "192.0.2.2", "192.0.2.1",
		      &bcast);
	rte_pktmbuf_trim(m, 5);
	feed(m, 0);
	CHECK_EQ(drops(MIF_DROP_CTL_BAD), bad + 2);
	CHECK_EQ(drain(0), 0);
}

static void
test_echo4(void)
{
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *icmp;

	feed(ip4_frame(0, "192.0.2.2", "192.0.2.1", 64, IPPROTO_ICMP, 64), 0);
	m = sent(0);
	CHECK(m != NULL);
	check_eth(m, 0, &mac_peer, RTE_ETHER_TYPE_IPV4);
	ip = l3(m);
	CHECK_EQ(ip->src_addr, A("192.0.2.1").v4);
	CHECK_EQ(ip->dst_addr, A("192.0.2.2").v4);
	CHECK_EQ(rte_raw_cksum(ip, 20), 0xffff);
	icmp = (uint8_t *)(ip + 1);
	CHECK_EQ(icmp[0], RTE_IP_ICMP_ECHO_REPLY);
	CHECK_EQ(icmp[4], 0x12);
	CHECK_EQ(icmp[7], 0x07);
	CHECK_EQ(rte_raw_cksum(icmp, 64), 0xffff);
	rte_pktmbuf_free(m);

	/* A fragment is not reassembled, so not answered. */
	uint64_t unhandled = drops(MIF_DROP_LOCAL_UNHANDLED);

	m = ip4_frame(0, "192.0.2.2", "192.0.2.1", 64, IPPROTO_ICMP, 64);
	ip = l3(m);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	feed(m, 0);
	CHECK_EQ(drain(0), 0);
	CHECK_EQ(drops(MIF_DROP_LOCAL_UNHANDLED), unhandled + 1);

	/* A corrupt echo request is counted and not answered. */
	m = ip4_frame(0, "192.0.2.2", "192.0.2.1", 64, IPPROTO_ICMP, 64);
	((uint8_t *)l3(m))[20 + 10] ^= 1;
	feed(m, 0);
	CHECK_EQ(drain(0), 0);
}

/* Forwarding to an unresolved next hop: one request, a bounded queue,
 * released by the reply. */
static void
test_resolve_ok(void)
{
	uint64_t full = drops(MIF_DROP_NEIGH_QUEUE_FULL);
	struct rte_arp_hdr *h;
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	int i;

	for (i = 0; i < 6; i++)
		feed(ip4_frame(0, "192.0.2.2", "198.51.100.7", 64, IPPROTO_UDP,
			       8), 0);
	m = sent(1);
	CHECK(m != NULL);
	check_eth(m, 1, &bcast, RTE_ETHER_TYPE_ARP);
	h = l3(m);
	CHECK_EQ(rte_be_to_cpu_16(h->arp_opcode), RTE_ARP_OP_REQUEST);
	CHECK_EQ(h->arp_data.arp_sip, A("198.51.100.1").v4);
	CHECK_EQ(h->arp_data.arp_tip, A("198.51.100.7").v4);
	rte_pktmbuf_free(m);
	CHECK(sent(1) == NULL);			/* only one request */
	CHECK_EQ(drops(MIF_DROP_NEIGH_QUEUE_FULL), full + 2);

	feed(arp_frame(RTE_ARP_OP_REPLY, &mac_far, "198.51.100.7",
		       "198.51.100.1", &mif_ports[1].mac), 1);
	for (i = 0; i < 4; i++) {
		m = sent(1);
		CHECK(m != NULL);
		check_eth(m, 1, &mac_far, RTE_ETHER_TYPE_IPV4);
		ip = l3(m);
		CHECK_EQ(ip->time_to_live, 63);
		CHECK_EQ(rte_raw_cksum(ip, 20), 0xffff);
		rte_pktmbuf_free(m);
	}
	CHECK(sent(1) == NULL);

	/* From now on the worker forwards on its own queue. */
	feed(ip4_frame(0, "192.0.2.2", "198.51.100.7", 64, IPPROTO_UDP, 8), 0);
	CHECK_EQ(rte_ring_count(txr[1][0]), 1);
}

/* A learned neighbour not confirmed for neigh_timeout (300 s) turns
 * STALE: asked again while workers keep using it, removed when silent. */
static uint64_t
ctl_count(enum mif_ctl_event ev)
{
	struct mif_counters s;

	mif_counters_sum(&s);
	return s.ctl[ev];
}

static void
test_refresh(void)
{
	uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();
	uint64_t expired = ctl_count(MIF_CTL_NEIGH_EXPIRED);
	uint64_t lost = ctl_count(MIF_CTL_NEIGH_LOST);
	struct mif_addr a = A("198.51.100.7");
	struct rte_ether_addr mac;
	struct mif_neigh_key k;
	int slot, i;

	mif_neigh_key_make(&k, &a, 1);
	slot = mif_neigh_find(mif_state.neigh, &k);
	CHECK(mif_neigh_lookup(mif_state.neigh, &k, &mac));
	mif_resolve_timer(now + 299 * hz);
	CHECK_EQ(drain(1), 0);
	mif_resolve_timer(now + 301 * hz);
	CHECK_EQ(drain(1), 1);				/* a probe */
	CHECK_EQ(mif_neigh_state_get(mif_state.neigh, slot), MIF_NEIGH_STALE);
	CHECK(mif_neigh_lookup(mif_state.neigh, &k, &mac));
	CHECK(rte_is_same_ether_addr(&mac, &mac_far));
	/* 198.51.100.7 and 192.0.2.2 (from test_arp) both aged out. */
	CHECK_EQ(ctl_count(MIF_CTL_NEIGH_EXPIRED), expired + 2);

	/* It answers: REACHABLE for another 300 s. */
	feed(arp_frame(RTE_ARP_OP_REPLY, &mac_far, "198.51.100.7",
		       "198.51.100.1", &mif_ports[1].mac), 1);
	CHECK_EQ(mif_neigh_state_get(mif_state.neigh, slot),
		 MIF_NEIGH_REACHABLE);
	now = rte_get_tsc_cycles();
	mif_resolve_timer(now + 299 * hz);
	CHECK_EQ(drain(1), 0);

	/* Silent: three probes a second apart, usable all along, then
	 * gone. */
	for (i = 0; i < 3; i++) {
		mif_resolve_timer(now + (301 + i * 2) * hz);
		CHECK_EQ(drain(1), 1);
		CHECK(mif_neigh_lookup(mif_state.neigh, &k, &mac));
	}
	mif_resolve_timer(now + 310 * hz);
	CHECK_EQ(drain(1), 0);
	CHECK(!mif_neigh_lookup(mif_state.neigh, &k, &mac));
	CHECK_EQ(ctl_count(MIF_CTL_NEIGH_EXPIRED), expired + 3);
	CHECK_EQ(ctl_count(MIF_CTL_NEIGH_LOST), lost + 2);
	CHECK_EQ(drain(0), 3);			/* 192.0.2.2's probes */

	/* Later cases send to 192.0.2.2: let it introduce itself again. */
	feed(arp_frame(RTE_ARP_OP_REQUEST, &mac_peer, "192.0.2.2",
		       "192.0.2.1", &bcast), 0);
	CHECK_EQ(drain(0), 1);
}

/* A next hop that never answers: three requests a second apart, then
 * the queued packet is dropped with a host unreachable to its sender. */
static void
test_resolve_fail(void)
{
	uint64_t unres = drops(MIF_DROP_NEIGH_UNRESOLVED);
	uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *icmp;

	feed(ip4_frame(0, "192.0.2.2", "198.51.100.8", 64, IPPROTO_UDP, 8), 0);
	CHECK_EQ(drain(1), 1);
	mif_resolve_timer(now + hz + hz / 10);
	CHECK_EQ(drain(1), 1);
	mif_resolve_timer(now + 2 * hz + hz / 5);
	CHECK_EQ(drain(1), 1);
	CHECK_EQ(drops(MIF_DROP_NEIGH_UNRESOLVED), unres);
	mif_resolve_timer(now + 3 * hz + hz / 2);
	CHECK_EQ(drain(1), 0);
	CHECK_EQ(drops(MIF_DROP_NEIGH_UNRESOLVED), unres + 1);

	m = sent(0);
	CHECK(m != NULL);
	check_eth(m, 0, &mac_peer, RTE_ETHER_TYPE_IPV4);
	ip = l3(m);
	CHECK_EQ(ip->src_addr, A("192.0.2.1").v4);
	CHECK_EQ(ip->dst_addr, A("192.0.2.2").v4);
	icmp = (uint8_t *)(ip + 1);
	CHECK_EQ(icmp[0], 3);			/* unreachable */
	CHECK_EQ(icmp[1], 1);			/* host */
	/* The quote is the packet as it was when it waited (TTL 63). */
	CHECK_EQ(((struct rte_ipv4_hdr *)(icmp + 8))->time_to_live, 63);
	CHECK_EQ(((struct rte_ipv4_hdr *)(icmp + 8))->dst_addr,
		 A("198.51.100.8").v4);
	CHECK_EQ(rte_raw_cksum(icmp, rte_be_to_cpu_16(ip->total_length) - 20),
		 0xffff);
	rte_pktmbuf_free(m);
}

static void
test_icmp_errors(void)
{
	uint64_t ttl = drops(MIF_DROP_TTL_EXCEEDED);
	struct rte_ipv4_hdr *ip, *quoted;
	struct rte_mbuf *m;
	uint8_t *icmp, *l4;
	int i;

	mif_ratelimit_init(&mif_ctl.icmp_rl, 5, 5, rte_get_tsc_hz(),
			   rte_get_tsc_cycles());
	for (i = 0; i < 8; i++)
		feed(ip4_frame(0, "192.0.2.2", "198.51.100.7", 1, IPPROTO_UDP,
			       600), 0);
	CHECK_EQ(drops(MIF_DROP_TTL_EXCEEDED), ttl + 8);
	m = sent(0);
	CHECK(m != NULL);
	ip = l3(m);
	CHECK_EQ(rte_be_to_cpu_16(ip->total_length), 576);	/* quote cut */
	icmp = (uint8_t *)(ip + 1);
	CHECK_EQ(icmp[0], 11);
	CHECK_EQ(icmp[1], 0);
	quoted = (struct rte_ipv4_hdr *)(icmp + 8);
	CHECK_EQ(quoted->src_addr, A("192.0.2.2").v4);
	CHECK_EQ(rte_raw_cksum(icmp, 576 - 20), 0xffff);
	rte_pktmbuf_free(m);
	CHECK_EQ(drain(0), 4);			/* 5 in all, 3 held back */

	/* Never an error about an error. */
	mif_ratelimit_init(&mif_ctl.icmp_rl, 5, 5, rte_get_tsc_hz(),
			   rte_get_tsc_cycles());
	m = ip4_frame(0, "192.0.2.2", "198.51.100.7", 1, IPPROTO_ICMP, 36);
	l4 = (uint8_t *)l3(m) + 20;
	l4[0] = 11;
	feed(m, 0);
	CHECK_EQ(drain(0), 0);

	/* No route: net unreachable. */
	feed(ip4_frame(0, "192.0.2.2", "203.0.113.1", 64, IPPROTO_UDP, 8), 0);
	m = sent(0);
	CHECK(m != NULL);
	icmp = (uint8_t *)l3(m) + 20;
	CHECK_EQ(icmp[0], 3);
	CHECK_EQ(icmp[1], 0);
	rte_pktmbuf_free(m);
}

static void
test_nd(void)
{
	static const struct rte_ether_addr snm1 = {{ 0x33, 0x33, 0xff, 0, 0,
						     1 }};
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint64_t bad;
	uint8_t *l4;

	feed(nd_frame(135, &snm1, "2001:db8:1::2", "ff02::1:ff00:1",
		      "2001:db8:1::1", &mac_peer, 0), 0);
	m = sent(0);
	CHECK(m != NULL);
	check_eth(m, 0, &mac_peer, RTE_ETHER_TYPE_IPV6);
	ip = l3(m);
	CHECK_EQ(ip->hop_limits, 255);
	CHECK_MEM(ip->src_addr, A("2001:db8:1::1").v6, 16);
	CHECK_MEM(ip->dst_addr, A("2001:db8:1::2").v6, 16);
	l4 = (uint8_t *)(ip + 1);
	CHECK_EQ(l4[0], 136);
	CHECK_EQ(l4[4], 0xe0);			/* router, solicited, override */
	CHECK_MEM(l4 + 8, A("2001:db8:1::1").v6, 16);
	CHECK_EQ(l4[24], 2);			/* target link-layer address */
	CHECK_MEM(l4 + 26, mif_ports[0].mac.addr_bytes, 6);
	CHECK_EQ(rte_ipv6_udptcp_cksum_verify(ip, l4), 0);
	rte_pktmbuf_free(m);

	/* Our link-local address answers too. */
	char ll[MIF_ADDR_STRLEN], snm[MIF_ADDR_STRLEN];
	struct rte_ether_addr snm_mac = snm1;

	mif_addr_fmt(&mif_ports[0].ll6, ll, sizeof(ll));
	snprintf(snm, sizeof(snm), "ff02::1:ff%02x:%02x%02x",
		 mif_ports[0].ll6.v6[13], mif_ports[0].ll6.v6[14],
		 mif_ports[0].ll6.v6[15]);
	memcpy(&snm_mac.addr_bytes[3], &mif_ports[0].ll6.v6[13], 3);
	feed(nd_frame(135, &snm_mac, "fe80::2", snm, ll, &mac_peer, 0), 0);
	m = sent(0);
	CHECK(m != NULL);
	CHECK_MEM(((struct rte_ipv6_hdr *)l3(m))->src_addr,
		  mif_ports[0].ll6.v6, 16);
	rte_pktmbuf_free(m);

	/* Not our target: silence. Hop limit not 255, bad checksum, an
	 * option of length 0: counted as malformed. */
	feed(nd_frame(135, &snm1, "2001:db8:1::2", "ff02::1:ff00:1",
		      "2001:db8:1::77", &mac_peer, 0), 0);
	CHECK_EQ(drain(0), 0);
	bad = drops(MIF_DROP_CTL_BAD);
	m = nd_frame(135, &snm1, "2001:db8:1::2", "ff02::1:ff00:1",
		     "2001:db8:1::1", &mac_peer, 0);
	((struct rte_ipv6_hdr *)l3(m))->hop_limits = 64;
	icmp6_cksum(m);
	feed(m, 0);
	m = nd_frame(135, &snm1, "2001:db8:1::2", "ff02::1:ff00:1",
		     "2001:db8:1::1", &mac_peer, 0);
	((uint8_t *)l3(m))[40 + 2] ^= 0x55;
	feed(m, 0);
	m = nd_frame(135, &snm1, "2001:db8:1::2", "ff02::1:ff00:1",
		     "2001:db8:1::1", &mac_peer, 0);
	((uint8_t *)l3(m))[40 + 25] = 0;
	icmp6_cksum(m);
	feed(m, 0);
	CHECK_EQ(drops(MIF_DROP_CTL_BAD), bad + 3);
	CHECK_EQ(drain(0), 0);
}

static void
test_resolve6(void)
{
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;

	feed(ip6_frame(&mif_ports[0].mac, "2001:db8:1::2", "2001:db8:2::7", 64,
		       IPPROTO_UDP, 8, NULL), 0);
	m = sent(1);
	CHECK(m != NULL);
	check_eth(m, 1, &(struct rte_ether_addr){{ 0x33, 0x33, 0xff, 0, 0, 7 }},
		  RTE_ETHER_TYPE_IPV6);
	ip = l3(m);
	CHECK_MEM(ip->dst_addr, A("ff02::1:ff00:7").v6, 16);
	CHECK_MEM(ip->src_addr, A("2001:db8:2::1").v6, 16);
	l4 = (uint8_t *)(ip + 1);
	CHECK_EQ(l4[0], 135);
	CHECK_MEM(l4 + 8, A("2001:db8:2::7").v6, 16);
	CHECK_EQ(l4[24], 1);			/* source link-layer address */
	CHECK_EQ(rte_ipv6_udptcp_cksum_verify(ip, l4), 0);
	rte_pktmbuf_free(m);

	feed(nd_frame(136, &mif_ports[1].mac, "2001:db8:2::7",
		      "2001:db8:2::1", "2001:db8:2::7", &mac_far, 0x60), 1);
	m = sent(1);
	CHECK(m != NULL);
	check_eth(m, 1, &mac_far, RTE_ETHER_TYPE_IPV6);
	CHECK_EQ(((struct rte_ipv6_hdr *)l3(m))->hop_limits, 63);
	rte_pktmbuf_free(m);
}

static void
test_echo6(void)
{
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;

	/* 2001:db8:1::2 was learned from its NS in test_nd. */
	m = ip6_frame(&mif_ports[0].mac, "2001:db8:1::2", "2001:db8:1::1", 64,
		      IPPROTO_ICMPV6, 16, &l4);
	l4[0] = 128;
	l4[5] = 0x42;
	icmp6_cksum(m);
	feed(m, 0);
	m = sent(0);
	CHECK(m != NULL);
	check_eth(m, 0, &mac_peer, RTE_ETHER_TYPE_IPV6);
	ip = l3(m);
	l4 = (uint8_t *)(ip + 1);
	CHECK_EQ(l4[0], 129);
	CHECK_EQ(l4[5], 0x42);
	CHECK_MEM(ip->src_addr, A("2001:db8:1::1").v6, 16);
	CHECK_EQ(rte_ipv6_udptcp_cksum_verify(ip, l4), 0);
	rte_pktmbuf_free(m);
}

int
main(void)
{
	char prefix[32];
	char *eal[] = { "test_ctl", "--no-huge", "-m", "256", "--no-shconf",
			"--no-pci", "-l", "0", "--log-level", "*:warning",
			"--no-telemetry", "--file-prefix", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "test_ctl_%d", (int)getpid());
	CHECK(rte_eal_init((int)RTE_DIM(eal) - 1, eal) >= 0);
	pool = rte_pktmbuf_pool_create("test_ctl", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	CHECK(pool != NULL);
	setup();
	test_arp();
	test_echo4();
	test_resolve_ok();
	test_refresh();
	test_resolve_fail();
	test_icmp_errors();
	test_nd();
	test_resolve6();
	test_echo6();
	mif_ctl_fini();
	mif_port_close_all();
	CHECK_DONE();
}
