/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker pipeline on crafted frames: two net_null ports set up by
 * the real port code, routes built from a configuration, static
 * neighbours. Each case feeds one frame to mif_fwd_burst() and checks
 * where it went (TX staging, punt batch with its reason, or a drop
 * counter) and what was rewritten.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "common/state.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"
#include "tests/unit/check.h"

static struct rte_mempool *pool;
static struct mif_fwd_ctx ctx;
static struct mif_cfg cfg;
static const struct rte_ether_addr mac_gw4 = {{ 2, 0, 0, 0, 0xaa, 1 }};
static const struct rte_ether_addr mac_gw6 = {{ 2, 0, 0, 0, 0xbb, 1 }};
static const struct rte_ether_addr mac_host = {{ 2, 0, 0, 0, 0xcc, 1 }};
static const struct rte_ether_addr mac_peer = {{ 2, 0, 0, 0, 0xdd, 1 }};

static struct mif_addr
A(const char *s)
{
	struct mif_addr a;

	CHECK_EQ(mif_addr_parse(s, &a), 0);
	return a;
}

static void
cfg_port(unsigned int i, const char *name, const char *dev,
	 const char *a4, const char *a6, uint16_t mtu)
{
	struct mif_cfg_port *p = &cfg.ports[i];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	p->is_vdev = true;
	p->mtu = mtu;
	CHECK_EQ(mif_prefix_parse(a4, &p->addrs[0], true, false), 0);
	CHECK_EQ(mif_prefix_parse(a6, &p->addrs[1], true, false), 0);
	p->n_addrs = 2;
}

static void
cfg_route(unsigned int i, const char *dst, const char *via, unsigned int port)
{
	CHECK_EQ(mif_prefix_parse(dst, &cfg.routes[i].dst, false, false), 0);
	cfg.routes[i].via = A(via);
	cfg.routes[i].has_via = true;
	cfg.routes[i].port = port;
}

static void
add_static(const char *ip, const struct rte_ether_addr *mac, uint16_t port)
{
	struct mif_addr a = A(ip);
	struct mif_neigh_key k;
	bool created;

	mif_neigh_key_make(&k, &a, port);
	CHECK(mif_neigh_add(mif_state.neigh, &k,
			    mif_neigh_word(mac, MIF_NEIGH_STATIC), &created) >= 0);
	CHECK(created);
}

static void
setup(void)
{
	static struct mif_cfg_route routes[3];

	cfg_port(0, "lan", "net_null0", "192.0.2.1/24", "2001:db8:1::1/64",
		 1500);
	cfg_port(1, "wan", "net_null1", "198.51.100.1/24", "2001:db8:2::1/64",
		 1400);
	cfg.n_ports = 2;
	cfg.routes = routes;
	cfg_route(0, "10.0.0.0/8", "198.51.100.254", 1);
	cfg_route(1, "2001:db8:100::/48", "2001:db8:2::fe", 1);
	/* Covers our own 192.0.2.1: the local host route must still win. */
	cfg_route(2, "192.0.2.0/25", "198.51.100.254", 1);
	cfg.n_routes = 3;

	CHECK_EQ(mif_state_rcu_init(1), 0);
	CHECK_EQ(mif_punt_init(64), 0);
	CHECK_EQ(mif_port_setup_all(&cfg, pool, 1), 0);
	CHECK_EQ(mif_n_ports, 2);
	CHECK_EQ(mif_ports[0].n_txq, 2);	/* worker + control */
	CHECK_EQ(mif_ports[0].ctl_txq, 1);
	CHECK_EQ(mif_port_index_by_id[mif_ports[1].port_id], 1);
	mif_state.routes = mif_route_table_create(&cfg, mif_ports, 2, "t");
	CHECK(mif_state.routes != NULL);
	mif_state.neigh = mif_neigh_table_create("t_neigh", mif_state.qsbr);
	CHECK(mif_state.neigh != NULL);
	add_static("198.51.100.254", &mac_gw4, 1);
	add_static("2001:db8:2::fe", &mac_gw6, 1);
	add_static("198.51.100.2", &mac_host, 1);

	/* The test thread plays worker 0 for the QSBR variable. */
	CHECK_EQ(rte_rcu_qsbr_thread_register(mif_state.qsbr, 0), 0);
	rte_rcu_qsbr_thread_online(mif_state.qsbr, 0);
	ctx.cnt = &mif_counters[rte_lcore_id()];
	ctx.txq = 0;
}

/* Ethernet + IPv4 + @p plen payload bytes. */
static struct rte_mbuf *
frame4(const struct rte_ether_addr *dst_mac, const char *src,
       const char *dst, uint8_t ttl, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;

	CHECK(m != NULL);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eh) + sizeof(*ip) + plen);
	CHECK(eh != NULL);
	memset(eh, 0, m->data_len);
	eh->dst_addr = *dst_mac;
	eh->src_addr = mac_peer;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + plen);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = A(src).v4;
	ip->dst_addr = A(dst).v4;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static struct rte_mbuf *
frame6(const struct rte_ether_addr *dst_mac, const char *src,
       const char *dst, uint8_t hops, uint8_t proto, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;

	CHECK(m != NULL);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eh) + sizeof(*ip) + plen);
	CHECK(eh != NULL);
	memset(eh, 0, m->data_len);
	eh->dst_addr = *dst_mac;
	eh->src_addr = mac_peer;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eh + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = proto;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, A(src).v6, 16);
	memcpy(ip->dst_addr, A(dst).v6, 16);
	return m;
}

static struct rte_ipv4_hdr *
ip4_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
				       sizeof(struct rte_ether_hdr));
}

static void
run(struct rte_mbuf *m, uint16_t in_port)
{
	mif_fwd_burst(&ctx, in_port, &m, 1);
}

/* Forget what the last case staged. */
static void
reset(void)
{
	unsigned int p, i;

	for (p = 0; p < MIF_MAX_PORTS; p++) {
		for (i = 0; i < ctx.n_tx[p]; i++)
			rte_pktmbuf_free(ctx.tx[p][i]);
		ctx.n_tx[p] = 0;
	}
	for (i = 0; i < ctx.n_punt; i++)
		rte_pktmbuf_free(ctx.punt[i]);
	ctx.n_punt = 0;
}

static void
expect_tx(uint16_t port, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;

	CHECK_EQ(ctx.n_punt, 0);
	CHECK_EQ(ctx.n_tx[port], 1);
	CHECK_EQ(ctx.n_tx[!port], 0);
	m = ctx.tx[port][0];
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CHECK(rte_is_same_ether_addr(&eh->dst_addr, mac));
	CHECK(rte_is_same_ether_addr(&eh->src_addr, &mif_ports[port].mac));
}

static void
expect_punt(enum mif_punt_reason why, uint16_t in_port)
{
	CHECK_EQ(ctx.n_tx[0] + ctx.n_tx[1], 0);
	CHECK_EQ(ctx.n_punt, 1);
	CHECK_EQ(mif_punt_meta(ctx.punt[0])->reason, why);
	CHECK_EQ(mif_punt_meta(ctx.punt[0])->in_port, in_port);
}

static void
expect_drop(struct rte_mbuf *m, uint16_t in_port, enum mif_drop why)
{
	uint64_t before = ctx.cnt->drop[why];

	run(m, in_port);
	CHECK_EQ(ctx.cnt->drop[why], before + 1);
	CHECK_EQ(ctx.n_tx[0] + ctx.n_tx[1] + ctx.n_punt, 0);
}

static void
test_v4_forward(void)
{
	const struct rte_ether_addr *lan = &mif_ports[0].mac;
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	run(frame4(lan, "192.0.2.2", "10.1.2.3", 64, 100), 0);
	expect_tx(1, &mac_gw4);
	ip = ip4_of(ctx.tx[1][0]);
	CHECK_EQ(ip->time_to_live, 63);
	CHECK_EQ(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	CHECK_EQ(ctx.tx[1][0]->pkt_len, 14 + 20 + 100);
	reset();

	/* Connected and statically known. */
	run(frame4(lan, "192.0.2.2", "198.51.100.2", 2, 0), 0);
	expect_tx(1, &mac_host);
	CHECK_EQ(ip4_of(ctx.tx[1][0])->time_to_live, 1);
	CHECK_EQ(rte_raw_cksum(ip4_of(ctx.tx[1][0]), 20), 0xffff);
	reset();

	/* Ethernet padding is cut: 28 bytes of IP in a 60-byte frame. */
	m = frame4(lan, "192.0.2.2", "198.51.100.2", 64, 8);
	CHECK(rte_pktmbuf_append(m, 18) != NULL);
	run(m, 0);
	expect_tx(1, &mac_host);
	CHECK_EQ(ctx.tx[1][0]->pkt_len, 14 + 28);
	reset();

	/* IP options are forwarded; the checksum stays right. */
	m = frame4(lan, "192.0.2.2", "10.9.9.9", 64, 8);
	ip = ip4_of(m);
	ip->version_ihl = 0x46;		/* 4 bytes of options: the payload */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	run(m, 0);
	expect_tx(1, &mac_gw4);
	CHECK_EQ(rte_raw_cksum(ip4_of(ctx.tx[1][0]), 24), 0xffff);
	reset();

	/* Broadcast frames are accepted at L2. */
	m = frame4(&(struct rte_ether_addr){{ 0xff, 0xff, 0xff, 0xff, 0xff,
		   0xff }}, "192.0.2.2", "10.1.2.3", 64, 0);
	run(m, 0);
	expect_tx(1, &mac_gw4);
	reset();
}

static void
test_v4_punt(void)
{
	const struct rte_ether_addr *lan = &mif_ports[0].mac;
	struct rte_ipv4_hdr *ip;
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;

	/* Connected but not resolved: punted after the TTL decrement. */
	run(frame4(lan, "192.0.2.2", "198.51.100.3", 64, 0), 0);
	expect_punt(MIF_PUNT_NEIGH, 0);
	ip = rte_pktmbuf_mtod(ctx.punt[0], struct rte_ipv4_hdr *);
	CHECK_EQ(ip->time_to_live, 63);
	CHECK_EQ(ctx.punt[0]->l2_len, 14);
	reset();

	run(frame4(lan, "192.0.2.2", "10.1.2.3", 1, 0), 0);
	expect_punt(MIF_PUNT_TTL, 0);
	CHECK_EQ(rte_pktmbuf_mtod(ctx.punt[0],
				  struct rte_ipv4_hdr *)->time_to_live, 1);
	reset();

	run(frame4(lan, "192.0.2.2", "203.0.113.1", 64, 0), 0);
	expect_punt(MIF_PUNT_NO_ROUTE, 0);
	reset();

	/* Our addresses, also the other port's and one under a route. */
	run(frame4(lan, "192.0.2.2", "192.0.2.1", 64, 0), 0);
	expect_punt(MIF_PUNT_LOCAL, 0);
	reset();
	run(frame4(lan, "192.0.2.2", "198.51.100.1", 1, 0), 0);
	expect_punt(MIF_PUNT_LOCAL, 0);
	reset();
	/* ... while its neighbour in the /25 follows the route. */
	run(frame4(&mif_ports[1].mac, "198.51.100.9", "192.0.2.3", 64, 0), 1);
	expect_tx(1, &mac_gw4);
	reset();

	/* Bigger than the wan MTU (1400). */
	run(frame4(lan, "192.0.2.2", "10.1.2.3", 64, 1400 - 20 + 1), 0);
	expect_punt(MIF_PUNT_MTU, 0);
	CHECK_EQ(mif_punt_meta(ctx.punt[0])->aux, 1400);
	reset();
	run(frame4(lan, "192.0.2.2", "10.1.2.3", 64, 1400 - 20), 0);
	expect_tx(1, &mac_gw4);
	reset();

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 28);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	run(m, 0);
	expect_punt(MIF_PUNT_ARP, 0);
	reset();
}

static void
test_v4_drops(void)
{
	const struct rte_ether_addr *lan = &mif_ports[0].mac;
	struct rte_ipv4_hdr *ip;
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	rte_pktmbuf_trim(m, m->pkt_len - 10);	/* not even Ethernet */
	expect_drop(m, 0, MIF_DROP_BAD_LEN);

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	rte_pktmbuf_trim(m, 8);			/* 12 bytes of IPv4 */
	expect_drop(m, 0, MIF_DROP_BAD_LEN);

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 10);
	rte_pktmbuf_trim(m, 1);			/* total_length too big */
	expect_drop(m, 0, MIF_DROP_BAD_LEN);

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	ip4_of(m)->hdr_checksum ^= 0x0100;
	expect_drop(m, 0, MIF_DROP_BAD_CSUM);

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	ip = ip4_of(m);
	ip->version_ihl = 0x55;
	expect_drop(m, 0, MIF_DROP_BAD_IP);
	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	ip4_of(m)->version_ihl = 0x44;		/* header shorter than 20 */
	expect_drop(m, 0, MIF_DROP_BAD_IP);
	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	ip = ip4_of(m);
	ip->total_length = rte_cpu_to_be_16(16);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	expect_drop(m, 0, MIF_DROP_BAD_IP);

	expect_drop(frame4(&mac_host, "192.0.2.2", "10.1.2.3", 64, 0), 0,
		    MIF_DROP_NOT_FOR_US);
	expect_drop(frame4(lan, "192.0.2.2", "224.0.0.5", 64, 0), 0,
		    MIF_DROP_MCAST);
	/* Directed broadcast to a connected subnet: not forwarded. */
	expect_drop(frame4(lan, "192.0.2.2", "198.51.100.255", 64, 0), 0,
		    MIF_DROP_MCAST);
	expect_drop(frame4(lan, "192.0.2.2", "192.0.2.255", 64, 0), 0,
		    MIF_DROP_MCAST);
	expect_drop(frame4(lan, "127.0.0.1", "10.1.2.3", 64, 0), 0,
		    MIF_DROP_BAD_ADDR);
	expect_drop(frame4(lan, "192.0.2.2", "127.0.0.1", 64, 0), 0,
		    MIF_DROP_BAD_ADDR);

	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->ether_type = rte_cpu_to_be_16(0x88cc);	/* LLDP */
	expect_drop(m, 0, MIF_DROP_BAD_L2);
	/* Ethertype 0 once leaked the mbuf (found by fuzz_fwd). */
	m = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->ether_type = 0;
	expect_drop(m, 0, MIF_DROP_BAD_L2);
	CHECK_EQ(rte_mempool_in_use_count(pool), 0);
}

static void
test_v6(void)
{
	const struct rte_ether_addr *lan = &mif_ports[0].mac;
	struct rte_ether_addr snm = {{ 0x33, 0x33, 0xff, 0, 0, 1 }};
	char ll[MIF_ADDR_STRLEN];
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;

	run(frame6(lan, "2001:db8:1::2", "2001:db8:100::5", 64, IPPROTO_UDP,
		   40), 0);
	expect_tx(1, &mac_gw6);
	ip = rte_pktmbuf_mtod_offset(ctx.tx[1][0], struct rte_ipv6_hdr *, 14);
	CHECK_EQ(ip->hop_limits, 63);
	CHECK_EQ(ctx.tx[1][0]->pkt_len, 14 + 40 + 40);
	reset();

	run(frame6(lan, "2001:db8:1::2", "2001:db8:100::5", 1, IPPROTO_UDP,
		   0), 0);
	expect_punt(MIF_PUNT_TTL, 0);
	reset();
	run(frame6(lan, "2001:db8:1::2", "2001:db8:9::1", 64, IPPROTO_UDP, 0),
	    0);
	expect_punt(MIF_PUNT_NO_ROUTE, 0);
	reset();
	run(frame6(lan, "2001:db8:1::2", "2001:db8:2::7", 64, IPPROTO_UDP, 0),
	    0);
	expect_punt(MIF_PUNT_NEIGH, 0);
	reset();
	run(frame6(lan, "2001:db8:1::2", "2001:db8:1::1", 64, IPPROTO_ICMPV6,
		   8), 0);
	expect_punt(MIF_PUNT_LOCAL, 0);
	reset();

	/* The port's own link-local address is local too. */
	mif_addr_fmt(&mif_ports[0].ll6, ll, sizeof(ll));
	run(frame6(lan, "fe80::2", ll, 255, IPPROTO_ICMPV6, 8), 0);
	expect_punt(MIF_PUNT_LOCAL, 0);
	reset();

	/* ND to a solicited-node group goes up; other multicast does not. */
	run(frame6(&snm, "2001:db8:1::2", "ff02::1:ff00:1", 255,
		   IPPROTO_ICMPV6, 32), 0);
	expect_punt(MIF_PUNT_LOCAL, 0);
	reset();
	expect_drop(frame6(&snm, "2001:db8:1::2", "ff02::1", 1, IPPROTO_UDP,
			   0), 0, MIF_DROP_MCAST);

	/* Link-local traffic never crosses the gateway. */
	expect_drop(frame6(lan, "fe80::2", "2001:db8:100::5", 64, IPPROTO_UDP,
			   0), 0, MIF_DROP_BAD_ADDR);
	expect_drop(frame6(lan, "2001:db8:1::2", "::1", 64, IPPROTO_UDP, 0),
		    0, MIF_DROP_BAD_ADDR);

	m = frame6(lan, "2001:db8:1::2", "2001:db8:100::5", 64, IPPROTO_UDP,
		   8);
	rte_pktmbuf_trim(m, 1);
	expect_drop(m, 0, MIF_DROP_BAD_LEN);
	m = frame6(lan, "2001:db8:1::2", "2001:db8:100::5", 64, IPPROTO_UDP,
		   0);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14)[0] = 0x45;
	expect_drop(m, 0, MIF_DROP_BAD_IP);
}

/* Flush: staged packets leave on the null ports and count; a full punt
 * ring drops and counts. */
static void
test_flush(void)
{
	const struct rte_ether_addr *lan = &mif_ports[0].mac;
	uint64_t tx = ctx.cnt->port[1].tx_packets;
	uint64_t full = ctx.cnt->drop[MIF_DROP_PUNT_FULL];
	struct rte_mbuf *pkts[3], *m = NULL;
	unsigned int n = 0;

	pkts[0] = frame4(lan, "192.0.2.2", "10.1.2.3", 64, 0);
	pkts[1] = frame4(lan, "192.0.2.2", "10.1.2.4", 64, 0);
	pkts[2] = frame4(lan, "192.0.2.2", "203.0.113.9", 64, 0);
	mif_fwd_burst(&ctx, 0, pkts, 3);
	CHECK_EQ(ctx.n_tx[1], 2);
	CHECK_EQ(ctx.n_punt, 1);
	mif_fwd_flush(&ctx);
	CHECK_EQ(ctx.cnt->port[1].tx_packets, tx + 2);
	CHECK_EQ(ctx.n_tx[1] + ctx.n_punt, 0);
	CHECK_EQ(rte_ring_count(mif_state.punt), 1);

	while (rte_ring_free_count(mif_state.punt) > 0) {
		m = rte_pktmbuf_alloc(pool);
		CHECK(m != NULL);
		CHECK_EQ(rte_ring_enqueue(mif_state.punt, m), 0);
	}
	run(frame4(lan, "192.0.2.2", "203.0.113.9", 64, 0), 0);
	mif_fwd_flush(&ctx);
	CHECK_EQ(ctx.cnt->drop[MIF_DROP_PUNT_FULL], full + 1);
	while (rte_ring_dequeue(mif_state.punt, (void **)&m) == 0) {
		rte_pktmbuf_free(m);
		n++;
	}
	CHECK_EQ(n, 63);
}

/* Default routes (prefix length 0) catch everything else; our own and
 * broadcast addresses still win. */
static void
test_default_routes(void)
{
	static struct mif_cfg_route routes[2];
	struct mif_route_table *rt;
	struct mif_cfg c = cfg;
	struct mif_addr a;
	const struct mif_nh *e;

	c.routes = routes;
	c.n_routes = 2;
	CHECK_EQ(mif_prefix_parse("0.0.0.0/0", &routes[0].dst, false, false), 0);
	routes[0].via = A("192.0.2.254");
	routes[0].has_via = true;
	routes[0].port = 0;
	CHECK_EQ(mif_prefix_parse("::/0", &routes[1].dst, false, false), 0);
	routes[1].via = A("2001:db8:1::fe");
	routes[1].has_via = true;
	routes[1].port = 0;
	rt = mif_route_table_create(&c, mif_ports, 2, "t_def");
	CHECK(rt != NULL);

	a = A("203.0.113.9");
	e = &rt->nh[mif_route_lookup(rt, &a)];
	CHECK_EQ(e->kind, MIF_NH_GATEWAY);
	CHECK(mif_addr_eq(&e->gw, &routes[0].via));
	a = A("2001:db8:9::1");
	e = &rt->nh[mif_route_lookup(rt, &a)];
	CHECK_EQ(e->kind, MIF_NH_GATEWAY);
	CHECK(mif_addr_eq(&e->gw, &routes[1].via));
	a = A("198.51.100.1");
	CHECK_EQ(mif_route_lookup(rt, &a), MIF_NH_IDX_LOCAL);
	a = A("198.51.100.255");
	CHECK_EQ(mif_route_lookup(rt, &a), MIF_NH_IDX_BCAST);
	a = A("198.51.100.77");
	CHECK_EQ(rt->nh[mif_route_lookup(rt, &a)].kind, MIF_NH_CONNECTED);
	CHECK_EQ(rt->nh[mif_route_lookup(rt, &a)].port, 1);
	mif_route_table_destroy(rt);
}

/* Entries disappear for readers at once and their slots come back after
 * a grace period. */
static void
test_neigh(void)
{
	struct mif_neigh_table *t = mif_state.neigh;
	struct mif_addr a = A("192.0.2.77");
	struct rte_ether_addr mac;
	struct mif_neigh_key k;
	bool created;
	int slot, i;

	mif_neigh_key_make(&k, &a, 0);
	CHECK(!mif_neigh_lookup(t, &k, &mac));
	slot = mif_neigh_add(t, &k, 0, &created);
	CHECK(slot >= 0 && created);
	CHECK(!mif_neigh_lookup(t, &k, &mac));		/* INCOMPLETE */
	CHECK_EQ(mif_neigh_add(t, &k, 0, &created), slot);
	CHECK(!created);
	mif_neigh_set(t, slot, mif_neigh_word(&mac_peer, MIF_NEIGH_REACHABLE));
	CHECK(mif_neigh_lookup(t, &k, &mac));
	CHECK(rte_is_same_ether_addr(&mac, &mac_peer));
	CHECK_EQ(mif_neigh_state_get(t, slot), MIF_NEIGH_REACHABLE);
	k.port = 1;					/* same IP, other port */
	CHECK(!mif_neigh_lookup(t, &k, &mac));
	k.port = 0;
	CHECK_EQ(mif_neigh_del(t, &k), 0);
	CHECK(!mif_neigh_lookup(t, &k, &mac));
	CHECK_EQ(mif_neigh_del(t, &k), -ENOENT);

	/* Churn through more than the table holds: deleted slots must be
	 * reclaimed once this "worker" reports quiescent states. */
	for (i = 0; i < 3 * MIF_NEIGH_MAX; i++) {
		a.v4 = rte_cpu_to_be_32(0x0a000000 + (uint32_t)i);
		mif_neigh_key_make(&k, &a, 0);
		CHECK(mif_neigh_add(t, &k, 0, &created) >= 0);
		CHECK_EQ(mif_neigh_del(t, &k), 0);
		rte_rcu_qsbr_quiescent(mif_state.qsbr, 0);
	}
}

int
main(void)
{
	char prefix[32];
	/* DPDK 22.11 refuses --in-memory with --no-huge: --no-shconf and a
	 * per-process prefix keep runs apart. */
	char *eal[] = { "test_fwd", "--no-huge", "-m", "256", "--no-shconf",
			"--no-pci", "-l", "0", "--log-level", "*:warning",
			"--no-telemetry", "--file-prefix", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "test_fwd_%d", (int)getpid());
	CHECK(rte_eal_init((int)RTE_DIM(eal) - 1, eal) >= 0);
	pool = rte_pktmbuf_pool_create("test_fwd", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	CHECK(pool != NULL);
	setup();
	test_v4_forward();
	test_v4_punt();
	test_v4_drops();
	test_v6();
	test_flush();
	test_default_routes();
	test_neigh();
	mif_port_close_all();
	CHECK_DONE();
}
