/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPD unit tests: rule semantics on hand-built packets, header parsing
 * edge cases, the RFC 4301 5.2 inner check, rte_acl against the linear
 * reference on random rule sets, and replacement under RCU while a
 * reader thread classifies.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "common/cfg_spd.h"
#include "dataplane/spd.h"
#include "tests/unit/check.h"

static struct rte_mempool *pool;

#define DISCARD	MIF_SPD_V_DISCARD
#define BYPASS	MIF_SPD_V_BYPASS
#define BADPKT	MIF_SPD_V_BADPKT

/* Hand-built packets. Checksums are zero: the SPD does not read them. */

/* IPv4/TCP 10.1.2.3:5555 -> 192.0.2.9:443, no options. */
static const uint8_t v4_tcp[] = {
	0x45, 0x00, 0x00, 0x28,	/* version 4, IHL 5; TOS; total length 40 */
	0x00, 0x01, 0x00, 0x00,	/* id 1; flags 0, fragment offset 0 */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64; protocol 6 (TCP); checksum */
	10, 1, 2, 3,		/* source 10.1.2.3 */
	192, 0, 2, 9,		/* destination 192.0.2.9 */
	0x15, 0xb3, 0x01, 0xbb,	/* TCP source port 5555; destination 443 */
	0, 0, 0, 1,		/* sequence number */
	0, 0, 0, 0,		/* acknowledgement number */
	0x50, 0x02, 0xff, 0xff,	/* data offset 5; SYN; window */
	0, 0, 0, 0,		/* checksum; urgent pointer */
};
#define V4_SPORT_OFF	20
#define V4_DPORT_OFF	22

/* The same flow with 4 bytes of IPv4 options: ports move to offset 24. */
static const uint8_t v4_tcp_opts[] = {
	0x46, 0x00, 0x00, 0x2c,	/* version 4, IHL 6; TOS; total length 44 */
	0x00, 0x02, 0x00, 0x00,	/* id 2; flags 0, fragment offset 0 */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64; protocol 6 (TCP); checksum */
	10, 1, 2, 3,		/* source 10.1.2.3 */
	192, 0, 2, 9,		/* destination 192.0.2.9 */
	0x01, 0x01, 0x01, 0x00,	/* options: NOP, NOP, NOP, end of list */
	0x15, 0xb3, 0x01, 0xbb,	/* TCP source port 5555; destination 443 */
	0, 0, 0, 1,		/* sequence number */
	0, 0, 0, 0,		/* acknowledgement number */
	0x50, 0x02, 0xff, 0xff,	/* data offset 5; SYN; window */
	0, 0, 0, 0,		/* checksum; urgent pointer */
};

/* IPv4/UDP 10.1.2.3:1500 -> 198.51.100.7:53. */
static const uint8_t v4_udp[] = {
	0x45, 0x00, 0x00, 0x1c,	/* version 4, IHL 5; TOS; total length 28 */
	0x00, 0x03, 0x00, 0x00,	/* id 3; flags 0, fragment offset 0 */
	0x40, 0x11, 0x00, 0x00,	/* TTL 64; protocol 17 (UDP); checksum */
	10, 1, 2, 3,		/* source 10.1.2.3 */
	198, 51, 100, 7,	/* destination 198.51.100.7 */
	0x05, 0xdc, 0x00, 0x35,	/* UDP source port 1500; destination 53 */
	0x00, 0x08, 0x00, 0x00,	/* UDP length 8; checksum */
};

/* IPv4/ICMP echo request 10.1.2.3 -> 192.0.2.9. */
static const uint8_t v4_icmp_echo[] = {
	0x45, 0x00, 0x00, 0x1c,	/* version 4, IHL 5; TOS; total length 28 */
	0x00, 0x04, 0x00, 0x00,	/* id 4; flags 0, fragment offset 0 */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64; protocol 1 (ICMP); checksum */
	10, 1, 2, 3,		/* source 10.1.2.3 */
	192, 0, 2, 9,		/* destination 192.0.2.9 */
	0x08, 0x00, 0x00, 0x00,	/* type 8 (echo request), code 0; checksum */
	0x00, 0x01, 0x00, 0x01,	/* identifier; sequence */
};

/* Non-first fragment of a TCP packet: offset 185 (1480 bytes). */
static const uint8_t v4_tcp_frag2[] = {
	0x45, 0x00, 0x00, 0x1c,	/* version 4, IHL 5; TOS; total length 28 */
	0x00, 0x05, 0x00, 0xb9,	/* id 5; flags 0, fragment offset 185 */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64; protocol 6 (TCP); checksum */
	10, 1, 2, 3,		/* source 10.1.2.3 */
	192, 0, 2, 9,		/* destination 192.0.2.9 */
	0x01, 0xbb, 0x01, 0xbb,	/* payload bytes that look like port 443 */
	0, 0, 0, 0,		/* payload */
};

/* IPv6/TCP 2001:db8:1::5:40000 -> 2001:db8:2::9:443. */
static const uint8_t v6_tcp[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6; traffic class; flow label */
	0x00, 0x14, 0x06, 0x40,	/* payload length 20; next 6 (TCP); hops 64 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0,	/* source */
	0, 0, 0, 0, 0, 0, 0, 0x05,			/* 2001:db8:1::5 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0,	/* destination */
	0, 0, 0, 0, 0, 0, 0, 0x09,			/* 2001:db8:2::9 */
	0x9c, 0x40, 0x01, 0xbb,	/* TCP source port 40000; destination 443 */
	0, 0, 0, 1,		/* sequence number */
	0, 0, 0, 0,		/* acknowledgement number */
	0x50, 0x02, 0xff, 0xff,	/* data offset 5; SYN; window */
	0, 0, 0, 0,		/* checksum; urgent pointer */
};
#define V6_SPORT_OFF	40

/* The same flow behind an 8-byte hop-by-hop options header. */
static const uint8_t v6_hbh_tcp[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6; traffic class; flow label */
	0x00, 0x1c, 0x00, 0x40,	/* payload length 28; next 0 (HBH); hops 64 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0,	/* source */
	0, 0, 0, 0, 0, 0, 0, 0x05,			/* 2001:db8:1::5 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0,	/* destination */
	0, 0, 0, 0, 0, 0, 0, 0x09,			/* 2001:db8:2::9 */
	0x06, 0x00,		/* HBH: next 6 (TCP); length 0 (8 bytes) */
	0x01, 0x04, 0, 0, 0, 0,	/* PadN option, 4 bytes of padding */
	0x9c, 0x40, 0x01, 0xbb,	/* TCP source port 40000; destination 443 */
	0, 0, 0, 1,		/* sequence number */
	0, 0, 0, 0,		/* acknowledgement number */
	0x50, 0x02, 0xff, 0xff,	/* data offset 5; SYN; window */
	0, 0, 0, 0,		/* checksum; urgent pointer */
};

/* Non-first IPv6 fragment of a TCP packet (ports OPAQUE). */
static const uint8_t v6_frag2[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6; traffic class; flow label */
	0x00, 0x10, 0x2c, 0x40,	/* payload length 16; next 44 (frag); hops */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0,	/* source */
	0, 0, 0, 0, 0, 0, 0, 0x05,			/* 2001:db8:1::5 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0,	/* destination */
	0, 0, 0, 0, 0, 0, 0, 0x09,			/* 2001:db8:2::9 */
	0x06, 0x00,		/* fragment: next 6 (TCP); reserved */
	0x05, 0xc8,		/* offset 185 (1480 bytes), M = 0 */
	0, 0, 0, 7,		/* identification */
	0x9c, 0x40, 0x01, 0xbb,	/* payload that looks like ports */
	0, 0, 0, 0,		/* payload */
};

/* First IPv6 fragment (offset 0, M = 1): the ports are there. */
static const uint8_t v6_frag1[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6; traffic class; flow label */
	0x00, 0x1c, 0x2c, 0x40,	/* payload length 28; next 44 (frag); hops */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0,	/* source */
	0, 0, 0, 0, 0, 0, 0, 0x05,			/* 2001:db8:1::5 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0,	/* destination */
	0, 0, 0, 0, 0, 0, 0, 0x09,			/* 2001:db8:2::9 */
	0x06, 0x00,		/* fragment: next 6 (TCP); reserved */
	0x00, 0x01,		/* offset 0, M = 1 */
	0, 0, 0, 8,		/* identification */
	0x9c, 0x40, 0x01, 0xbb,	/* TCP source port 40000; destination 443 */
	0, 0, 0, 1,		/* sequence number */
	0, 0, 0, 0,		/* acknowledgement number */
	0x50, 0x02, 0xff, 0xff,	/* data offset 5; SYN; window */
	0, 0, 0, 0,		/* checksum; urgent pointer */
};

static struct rte_mbuf *
mk(const void *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	CHECK(m != NULL);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	CHECK(p != NULL || len == 0);
	if (len > 0)
		memcpy(p, data, len);
	return m;
}

/* The same bytes split over two segments at byte cut. */
static struct rte_mbuf *
mk_seg(const void *data, size_t len, size_t cut)
{
	struct rte_mbuf *a = mk(data, cut);
	struct rte_mbuf *b = mk((const uint8_t *)data + cut, len - cut);

	CHECK_EQ(rte_pktmbuf_chain(a, b), 0);
	return a;
}

/* A copy of pkt with 16-bit big-endian v written at off. */
static struct rte_mbuf *
mk_patch16(const uint8_t *pkt, size_t len, size_t off, uint16_t v)
{
	uint8_t buf[128];

	CHECK(len <= sizeof(buf) && off + 2 <= len);
	memcpy(buf, pkt, len);
	buf[off] = (uint8_t)(v >> 8);
	buf[off + 1] = (uint8_t)v;
	return mk(buf, len);
}

/* Classify one mbuf with both classifiers, which must agree. */
static uint32_t
classify1(const struct mif_spd *spd, struct rte_mbuf *m)
{
	uint32_t r = 0, lin = 1;

	mif_spd_classify_burst(spd, &m, 1, &r);
	mif_spd_classify_linear_burst(spd, &m, 1, &lin);
	CHECK_EQ(r, lin);
	rte_pktmbuf_free(m);
	return r;
}

#define C(spd, arr) classify1((spd), mk((arr), sizeof(arr)))

static void
sel4(struct mif_spd_sel *s, const char *src, const char *dst, uint16_t proto,
     uint16_t slo, uint16_t shi, uint16_t dlo, uint16_t dhi)
{
	mif_spd_sel_init_any(s, AF_INET);
	CHECK_EQ(mif_prefix_parse(src, &s->src, false, false), 0);
	CHECK_EQ(mif_prefix_parse(dst, &s->dst, false, false), 0);
	s->proto = proto;
	s->sport_lo = slo;
	s->sport_hi = shi;
	s->dport_lo = dlo;
	s->dport_hi = dhi;
}

static void
sel6(struct mif_spd_sel *s, const char *src, const char *dst, uint16_t proto,
     uint16_t slo, uint16_t shi, uint16_t dlo, uint16_t dhi)
{
	sel4(s, "0.0.0.0/0", "0.0.0.0/0", proto, slo, shi, dlo, dhi);
	CHECK_EQ(mif_prefix_parse(src, &s->src, false, false), 0);
	CHECK_EQ(mif_prefix_parse(dst, &s->dst, false, false), 0);
}

static void
add(struct mif_spd *spd, const struct mif_spd_sel *s, uint32_t prio,
    enum mif_spd_action a, uint32_t sa)
{
	struct mif_spd_rule r = { .sel = *s, .priority = prio, .action = a,
				  .sa_id = sa };

	CHECK_EQ(mif_spd_rule_add(spd, &r), 0);
}

static struct mif_spd *
new_spd(enum mif_spd_dir dir, enum mif_spd_action def)
{
	struct mif_spd_params p = { .name = "test", .dir = dir,
				    .def_action = def,
				    .socket_id = SOCKET_ID_ANY };
	struct mif_spd *spd = mif_spd_create(&p);

	CHECK(spd != NULL);
	return spd;
}

static void
test_v4_rules(void)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_BYPASS);
	struct mif_spd_sel s;

	/* 10/8 -> 192.0.2/24 TCP to 443: protect with SA 7. */
	sel4(&s, "10.0.0.0/8", "192.0.2.0/24", IPPROTO_TCP, 0, 65535, 443, 443);
	add(spd, &s, 10, MIF_SPD_PROTECT, 7);
	/* UDP from source ports 1000-2000 in 10.1/16: discard, and it is
	 * preferred (priority 5) over the broader rule below. */
	sel4(&s, "10.1.0.0/16", "0.0.0.0/0", IPPROTO_UDP, 1000, 2000, 0, 65535);
	add(spd, &s, 5, MIF_SPD_DISCARD, 0);
	/* Anything else from 10/8 to 198.51.100/24: protect with SA 9. */
	sel4(&s, "10.0.0.0/8", "198.51.100.0/24", MIF_SPD_PROTO_ANY,
	     0, 65535, 0, 65535);
	add(spd, &s, 20, MIF_SPD_PROTECT, 9);
	/* ICMP echo request (type 8, any code) to 192.0.2/24: SA 11. */
	sel4(&s, "0.0.0.0/0", "192.0.2.0/24", IPPROTO_ICMP,
	     0x0800, 0x08ff, 0x0800, 0x08ff);
	add(spd, &s, 30, MIF_SPD_PROTECT, 11);
	CHECK_EQ(mif_spd_build(spd), 0);
	CHECK_EQ(mif_spd_rule_count(spd), 4);

	CHECK_EQ(C(spd, v4_tcp), 7);
	CHECK_EQ(C(spd, v4_tcp_opts), 7);
	/* dport range edges: 442 and 444 miss the /32-port rule. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp),
					   V4_DPORT_OFF, 442)), BYPASS);
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp),
					   V4_DPORT_OFF, 444)), BYPASS);
	/* UDP sport 1500 hits the discard rule (priority 5 beats 20). */
	CHECK_EQ(C(spd, v4_udp), DISCARD);
	CHECK_EQ(classify1(spd, mk_patch16(v4_udp, sizeof(v4_udp),
					   V4_SPORT_OFF, 1000)), DISCARD);
	CHECK_EQ(classify1(spd, mk_patch16(v4_udp, sizeof(v4_udp),
					   V4_SPORT_OFF, 2000)), DISCARD);
	/* Outside 1000-2000: falls to the protocol-any rule. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_udp, sizeof(v4_udp),
					   V4_SPORT_OFF, 999)), 9);
	CHECK_EQ(classify1(spd, mk_patch16(v4_udp, sizeof(v4_udp),
					   V4_SPORT_OFF, 2001)), 9);
	/* Source 11.1.2.3: outside 10/8, default bypass. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_udp, sizeof(v4_udp), 12,
					   0x0b01)), BYPASS);
	/* ICMP echo request matches type 8; an echo reply (type 0) not. */
	CHECK_EQ(C(spd, v4_icmp_echo), 11);
	CHECK_EQ(classify1(spd, mk_patch16(v4_icmp_echo,
					   sizeof(v4_icmp_echo), 20, 0x0000)),
		 BYPASS);
	/* A non-first fragment has no ports: the port rule cannot match
	 * and it falls to the default, not to SA 7. */
	CHECK_EQ(C(spd, v4_tcp_frag2), BYPASS);
	{
		struct mif_spd *slot = NULL;

		CHECK_EQ(mif_spd_publish(&slot, spd, NULL), -EINVAL);
		CHECK(slot == NULL);
	}
	mif_spd_destroy(spd);
}

static void
test_priorities(void)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_IN, MIF_SPD_DISCARD);
	struct mif_spd_sel s;

	/* Added worst first: the lowest priority value must win. */
	sel4(&s, "10.0.0.0/8", "0.0.0.0/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 65535);
	add(spd, &s, 300, MIF_SPD_PROTECT, 300);
	add(spd, &s, 200, MIF_SPD_PROTECT, 200);
	sel4(&s, "10.1.2.3/32", "192.0.2.9/32", IPPROTO_TCP, 5555, 5555,
	     443, 443);
	add(spd, &s, 250, MIF_SPD_PROTECT, 250);
	/* Two rules at priority 100: the one added first wins. */
	sel4(&s, "10.1.0.0/16", "0.0.0.0/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 65535);
	add(spd, &s, 100, MIF_SPD_PROTECT, 101);
	add(spd, &s, 100, MIF_SPD_PROTECT, 102);
	CHECK_EQ(mif_spd_build(spd), 0);
	CHECK_EQ(C(spd, v4_tcp), 101);
	/* 10.2.2.3 misses 10.1/16: 200 beats 250 (exact match) and 300. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp), 12,
					   0x0a02)), 200);
	/* 172.16.2.3: no rule, inbound default discard. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp), 12,
					   0xac10)), DISCARD);
	/* Rules are frozen once built. */
	CHECK_EQ(mif_spd_rule_add(spd, &(struct mif_spd_rule){ .sel = s }),
		 -EBUSY);
	CHECK_EQ(mif_spd_build(spd), -EBUSY);
	mif_spd_destroy(spd);
}

static void
test_v6_rules(void)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_DISCARD);
	struct mif_spd_sel s;
	struct rte_mbuf *m;

	sel6(&s, "2001:db8:1::/48", "2001:db8:2::/64", IPPROTO_TCP,
	     32768, 65535, 443, 443);
	add(spd, &s, 10, MIF_SPD_PROTECT, 60);
	sel6(&s, "2001:db8:1::/48", "::/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 65535);
	add(spd, &s, 20, MIF_SPD_BYPASS, 0);
	/* An IPv4 rule must not leak into IPv6 classification. */
	sel4(&s, "0.0.0.0/0", "0.0.0.0/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 65535);
	add(spd, &s, 1, MIF_SPD_PROTECT, 44);
	CHECK_EQ(mif_spd_build(spd), 0);

	CHECK_EQ(C(spd, v6_tcp), 60);
	CHECK_EQ(C(spd, v6_hbh_tcp), 60);
	CHECK_EQ(C(spd, v6_frag1), 60);
	/* Non-first fragment: OPAQUE ports, only the any-port rule. */
	CHECK_EQ(C(spd, v6_frag2), BYPASS);
	/* sport 32767 is below the range. */
	CHECK_EQ(classify1(spd, mk_patch16(v6_tcp, sizeof(v6_tcp),
					   V6_SPORT_OFF, 32767)), BYPASS);
	/* Source 2001:db9:1::5 matches nothing: default discard. */
	CHECK_EQ(classify1(spd, mk_patch16(v6_tcp, sizeof(v6_tcp), 10,
					   0x0db9)), DISCARD);
	/* Last bit of the /64 destination: 2001:db8:2:1::9 misses it. */
	CHECK_EQ(classify1(spd, mk_patch16(v6_tcp, sizeof(v6_tcp), 30,
					   0x0001)), BYPASS);
	CHECK_EQ(C(spd, v4_tcp), 44);

	/* Headers split across segments classify the same. */
	m = mk_seg(v6_hbh_tcp, sizeof(v6_hbh_tcp), 30);
	CHECK_EQ(classify1(spd, m), 60);
	m = mk_seg(v6_hbh_tcp, sizeof(v6_hbh_tcp), 50);
	CHECK_EQ(classify1(spd, m), 60);
	m = mk_seg(v4_tcp_opts, sizeof(v4_tcp_opts), 25);
	CHECK_EQ(classify1(spd, m), 44);
	mif_spd_destroy(spd);
}

/* A chain of nine destination-options headers: too long to walk. */
static void
test_v6_long_chain(void)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_DISCARD);
	struct mif_spd_sel s;
	uint8_t pkt[40 + 9 * 8 + 20];
	unsigned int i;

	memcpy(pkt, v6_tcp, 40);
	pkt[4] = 0;
	pkt[5] = 9 * 8 + 20;	/* payload length */
	pkt[6] = 60;		/* next: destination options */
	for (i = 0; i < 9; i++) {
		uint8_t *e = pkt + 40 + 8 * i;

		e[0] = i < 8 ? 60 : IPPROTO_TCP;	/* next header */
		e[1] = 0;				/* 8 bytes */
		e[2] = 1;				/* PadN */
		e[3] = 4;
		memset(e + 4, 0, 4);
	}
	memcpy(pkt + 40 + 72, v6_tcp + 40, 20);

	sel6(&s, "::/0", "::/0", IPPROTO_TCP, 0, 65535, 443, 443);
	add(spd, &s, 1, MIF_SPD_PROTECT, 1);
	/* Classified by addresses and the last next header seen (60). */
	sel6(&s, "::/0", "::/0", 60, 0, 65535, 0, 65535);
	add(spd, &s, 2, MIF_SPD_PROTECT, 2);
	CHECK_EQ(mif_spd_build(spd), 0);
	CHECK_EQ(C(spd, pkt), 2);
	mif_spd_destroy(spd);
}

static void
test_malformed(void)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_BYPASS);
	struct mif_spd_sel s;
	uint8_t buf[128];

	sel4(&s, "0.0.0.0/0", "0.0.0.0/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 65535);
	add(spd, &s, 1, MIF_SPD_BYPASS, 0);
	sel6(&s, "::/0", "::/0", MIF_SPD_PROTO_ANY, 0, 65535, 0, 65535);
	add(spd, &s, 1, MIF_SPD_BYPASS, 0);
	CHECK_EQ(mif_spd_build(spd), 0);

	/* Empty, one byte, a cut IPv4 header, an unknown version. */
	CHECK_EQ(classify1(spd, mk(v4_tcp, 0)), BADPKT);
	CHECK_EQ(classify1(spd, mk(v4_tcp, 1)), BADPKT);
	CHECK_EQ(classify1(spd, mk(v4_tcp, 19)), BADPKT);
	memcpy(buf, v4_tcp, sizeof(v4_tcp));
	buf[0] = 0x55;
	CHECK_EQ(classify1(spd, mk(buf, sizeof(v4_tcp))), BADPKT);
	/* IHL 4 (< 20 bytes). */
	buf[0] = 0x44;
	CHECK_EQ(classify1(spd, mk(buf, sizeof(v4_tcp))), BADPKT);
	/* Total length 41 > 40 bytes present. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp), 2, 41)),
		 BADPKT);
	/* Total length 19 < IHL. */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp), 2, 19)),
		 BADPKT);
	/* Total length 22: only 2 bytes of TCP, though the buffer holds
	 * more (link padding must never be read as ports). */
	CHECK_EQ(classify1(spd, mk_patch16(v4_tcp, sizeof(v4_tcp), 2, 22)),
		 BADPKT);
	/* Options claim 24 bytes of header; the TCP header is then cut. */
	CHECK_EQ(classify1(spd, mk(v4_tcp_opts, 26)), BADPKT);
	/* Padding after a complete packet is fine. */
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, v4_udp, sizeof(v4_udp));
	CHECK_EQ(classify1(spd, mk(buf, 60)), BYPASS);

	/* IPv6: cut fixed header, payload length beyond the data, a
	 * jumbogram, a cut TCP header, an HBH header longer than the
	 * packet. */
	CHECK_EQ(classify1(spd, mk(v6_tcp, 39)), BADPKT);
	CHECK_EQ(classify1(spd, mk(v6_tcp, sizeof(v6_tcp) - 1)), BADPKT);
	CHECK_EQ(classify1(spd, mk_patch16(v6_tcp, sizeof(v6_tcp), 4, 0)),
		 BADPKT);
	CHECK_EQ(classify1(spd, mk_patch16(v6_tcp, sizeof(v6_tcp), 4, 3)),
		 BADPKT);
	memcpy(buf, v6_hbh_tcp, sizeof(v6_hbh_tcp));
	buf[41] = 3;		/* HBH length 32 bytes > 28 of payload */
	CHECK_EQ(classify1(spd, mk(buf, sizeof(v6_hbh_tcp))), BADPKT);
	/* HBH header itself cut: payload length 4. */
	CHECK_EQ(classify1(spd, mk_patch16(v6_hbh_tcp, sizeof(v6_hbh_tcp),
					   4, 4)), BADPKT);

	/* A burst mixing good and bad packets keeps positions. */
	{
		struct rte_mbuf *mb[4];
		uint32_t r[4];
		unsigned int i;

		mb[0] = mk(v4_tcp, sizeof(v4_tcp));
		mb[1] = mk(v4_tcp, 10);
		mb[2] = mk(v6_tcp, sizeof(v6_tcp));
		mb[3] = mk(v6_tcp, 20);
		mif_spd_classify_burst(spd, mb, 4, r);
		CHECK_EQ(r[0], BYPASS);
		CHECK_EQ(r[1], BADPKT);
		CHECK_EQ(r[2], BYPASS);
		CHECK_EQ(r[3], BADPKT);
		for (i = 0; i < 4; i++)
			rte_pktmbuf_free(mb[i]);
	}
	mif_spd_destroy(spd);
}

static void
test_defaults_and_validation(void)
{
	struct mif_spd_params p = { .name = "bad", .dir = MIF_SPD_DIR_IN,
				    .def_action = MIF_SPD_BYPASS,
				    .socket_id = SOCKET_ID_ANY };
	struct mif_spd *spd;
	struct mif_spd_rule r;

	/* Fail closed: the unprotected side cannot default to bypass. */
	CHECK(mif_spd_create(&p) == NULL);
	p.def_action = MIF_SPD_PROTECT;
	p.dir = MIF_SPD_DIR_OUT;
	CHECK(mif_spd_create(&p) == NULL);

	/* An empty SPD builds and returns its default for both families. */
	spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_BYPASS);
	CHECK_EQ(mif_spd_build(spd), 0);
	CHECK_EQ(C(spd, v4_tcp), BYPASS);
	CHECK_EQ(C(spd, v6_tcp), BYPASS);
	mif_spd_destroy(spd);
	spd = new_spd(MIF_SPD_DIR_IN, MIF_SPD_DISCARD);
	CHECK_EQ(mif_spd_build(spd), 0);
	CHECK_EQ(C(spd, v4_tcp), DISCARD);
	CHECK_EQ(C(spd, v6_hbh_tcp), DISCARD);

	/* Nothing published: discard. */
	{
		struct rte_mbuf *m = mk(v4_tcp, sizeof(v4_tcp));
		uint32_t v = 0;

		mif_spd_classify_burst(NULL, &m, 1, &v);
		CHECK_EQ(v, DISCARD);
		rte_pktmbuf_free(m);
	}
	mif_spd_destroy(spd);

	spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_DISCARD);
	memset(&r, 0, sizeof(r));
	sel4(&r.sel, "10.0.0.0/8", "0.0.0.0/0", MIF_SPD_PROTO_ANY, 0, 65535,
	     0, 80);
	/* Ports with protocol any. */
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.proto = 47;	/* GRE has no ports */
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.proto = IPPROTO_UDP;
	r.sel.dport_lo = 81;	/* empty range */
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.dport_lo = 0;
	r.sel.dst.addr.family = AF_INET6;
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.dst.addr.family = AF_INET;
	r.sel.src.len = 33;
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.src.len = 8;
	r.sel.proto = 257;
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sel.proto = IPPROTO_UDP;
	r.action = MIF_SPD_PROTECT;
	r.sa_id = MIF_SPD_V_BYPASS;
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	r.sa_id = MIF_SPD_SA_ID_MAX;
	CHECK_EQ(mif_spd_rule_add(spd, &r), 0);
	r.action = (enum mif_spd_action)7;
	CHECK_EQ(mif_spd_rule_add(spd, &r), -EINVAL);
	CHECK_EQ(mif_spd_rule_count(spd), 1);
	/* Unbuilt SPDs cannot be published, nor without a QSBR variable. */
	CHECK_EQ(mif_spd_publish(&spd, spd, (struct rte_rcu_qsbr *)1),
		 -EINVAL);
	mif_spd_destroy(spd);
}

static void
test_inner_check(void)
{
	struct mif_spd_sel sels[2];
	struct rte_mbuf *m;

	/* SA selectors: 10/8 -> 192.0.2/24 TCP 443, and an IPv6 pair. */
	sel4(&sels[0], "10.0.0.0/8", "192.0.2.0/24", IPPROTO_TCP, 0, 65535,
	     443, 443);
	sel6(&sels[1], "2001:db8:1::/48", "2001:db8:2::/48",
	     MIF_SPD_PROTO_ANY, 0, 65535, 0, 65535);
	CHECK_EQ(mif_spd_sel_validate(&sels[0]), 0);
	CHECK_EQ(mif_spd_sel_validate(&sels[1]), 0);

#define INNER(arr) ({							\
	struct rte_mbuf *m_ = mk((arr), sizeof(arr));			\
	int rc_ = mif_spd_check_inner(sels, 2, m_);			\
	rte_pktmbuf_free(m_);						\
	rc_; })
	CHECK_EQ(INNER(v4_tcp), 0);
	CHECK_EQ(INNER(v4_tcp_opts), 0);
	CHECK_EQ(INNER(v6_tcp), 0);
	CHECK_EQ(INNER(v6_hbh_tcp), 0);
	/* UDP to 198.51.100.7 is outside the SA's selectors. */
	CHECK_EQ(INNER(v4_udp), -EACCES);
	/* A non-first fragment cannot prove its port: rejected. */
	CHECK_EQ(INNER(v4_tcp_frag2), -EACCES);
	/* Port 80 instead of 443. */
	m = mk_patch16(v4_tcp, sizeof(v4_tcp), V4_DPORT_OFF, 80);
	CHECK_EQ(mif_spd_check_inner(sels, 2, m), -EACCES);
	rte_pktmbuf_free(m);
	/* Only the IPv6 selector: the IPv4 packet does not match. */
	m = mk(v4_tcp, sizeof(v4_tcp));
	CHECK_EQ(mif_spd_check_inner(&sels[1], 1, m), -EACCES);
	CHECK_EQ(mif_spd_check_inner(sels, 0, m), -EACCES);
	rte_pktmbuf_free(m);
	/* A truncated inner packet. */
	m = mk(v4_tcp, 30);
	CHECK_EQ(mif_spd_check_inner(sels, 2, m), -EBADMSG);
	rte_pktmbuf_free(m);
#undef INNER
}

static void
test_parse_helpers(void)
{
	enum mif_spd_action a;
	uint16_t p, lo, hi;

	CHECK_EQ(mif_spd_action_parse("protect", &a), 0);
	CHECK_EQ(a, MIF_SPD_PROTECT);
	CHECK_EQ(mif_spd_action_parse("BYPASS", &a), 0);
	CHECK_EQ(a, MIF_SPD_BYPASS);
	CHECK_EQ(mif_spd_action_parse("drop", &a), -EINVAL);
	CHECK_STR(mif_spd_action_name(MIF_SPD_DISCARD), "discard");
	CHECK_EQ(mif_spd_proto_parse("tcp", &p), 0);
	CHECK_EQ(p, IPPROTO_TCP);
	CHECK_EQ(mif_spd_proto_parse("any", &p), 0);
	CHECK_EQ(p, MIF_SPD_PROTO_ANY);
	CHECK_EQ(mif_spd_proto_parse("132", &p), 0);
	CHECK_EQ(p, 132);
	CHECK_EQ(mif_spd_proto_parse("256", &p), -EINVAL);
	CHECK_EQ(mif_spd_proto_parse("-1", &p), -EINVAL);
	CHECK_EQ(mif_spd_proto_parse("", &p), -EINVAL);
	CHECK_EQ(mif_spd_port_range_parse("443", &lo, &hi), 0);
	CHECK(lo == 443 && hi == 443);
	CHECK_EQ(mif_spd_port_range_parse("1024-65535", &lo, &hi), 0);
	CHECK(lo == 1024 && hi == 65535);
	CHECK_EQ(mif_spd_port_range_parse("any", &lo, &hi), 0);
	CHECK(lo == 0 && hi == 65535);
	CHECK_EQ(mif_spd_port_range_parse("2-1", &lo, &hi), -EINVAL);
	CHECK_EQ(mif_spd_port_range_parse("65536", &lo, &hi), -EINVAL);
	CHECK_EQ(mif_spd_port_range_parse("1-", &lo, &hi), -EINVAL);
	CHECK_EQ(mif_spd_port_range_parse("-5", &lo, &hi), -EINVAL);
	CHECK_EQ(mif_spd_port_range_parse("12345678901234567", &lo, &hi),
		 -EINVAL);
}

/* The "policies" section of a real file, through mif_spd_cfg_build(). */
static int
resolve(void *arg, const char *name, uint32_t *id)
{
	static const char *const names[] = { "web", "web_in", "v6" };
	unsigned int i;

	(void)arg;
	for (i = 0; i < RTE_DIM(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*id = 100 + i;
			return 0;
		}
	}
	return -ENOENT;
}

static int
resolve_none(void *arg, const char *name, uint32_t *id)
{
	(void)arg;
	(void)name;
	(void)id;
	return -ENOENT;
}

static void
test_cfg_build(void)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_spd *out, *in;
	struct mif_cfg cfg;
	uint8_t pkt[sizeof(v6_tcp)];

	CHECK_EQ(mif_cfg_load(MIF_SOURCE_ROOT "/tests/configs/good_policies.cfg",
			      &cfg, err, sizeof(err)), 0);
	CHECK_EQ(cfg.n_policies, 5);
	/* What the loader made of each key. */
	CHECK_EQ(cfg.policies[0].dir, MIF_CFG_POLICY_OUT);
	CHECK_EQ(cfg.policies[0].proto, IPPROTO_TCP);
	CHECK(cfg.policies[0].sport_lo == 1024 &&
	      cfg.policies[0].sport_hi == 65535);
	CHECK(cfg.policies[0].dport_lo == 443 &&
	      cfg.policies[0].dport_hi == 443);
	CHECK_EQ(cfg.policies[0].priority, 10);
	CHECK_EQ(cfg.policies[0].action, MIF_CFG_POLICY_PROTECT);
	CHECK_STR(cfg.policies[0].sa, "web");
	CHECK_EQ(cfg.policies[0].line, 10);
	CHECK_EQ(cfg.policies[1].dir, MIF_CFG_POLICY_IN);
	CHECK_EQ(cfg.policies[2].proto, IPPROTO_ICMPV6);
	CHECK(cfg.policies[2].sport_lo == 0x8000 &&
	      cfg.policies[2].sport_hi == 0x8000 &&
	      cfg.policies[2].dport_lo == 0x8000 &&
	      cfg.policies[2].dport_hi == 0x8000);
	CHECK_EQ(cfg.policies[3].proto, IPPROTO_UDP);
	CHECK_EQ(cfg.policies[3].action, MIF_CFG_POLICY_BYPASS);
	CHECK_STR(cfg.policies[3].sa, "");
	CHECK_EQ(cfg.policies[4].proto, MIF_CFG_PROTO_ANY);
	CHECK(cfg.policies[4].sport_lo == 0 &&
	      cfg.policies[4].dport_hi == 65535);
	CHECK_EQ(cfg.policies[4].priority, 1000);
	CHECK_EQ(cfg.policies[4].action, MIF_CFG_POLICY_DISCARD);
	CHECK_EQ(mif_spd_cfg_build(&cfg, MIF_SPD_DIR_OUT, resolve_none, NULL,
				   SOCKET_ID_ANY, &out), -ENOENT);
	CHECK(out == NULL);
	CHECK_EQ(mif_spd_cfg_build(&cfg, MIF_SPD_DIR_OUT, resolve, NULL,
				   SOCKET_ID_ANY, &out), 0);
	CHECK_EQ(mif_spd_cfg_build(&cfg, MIF_SPD_DIR_IN, resolve, NULL,
				   SOCKET_ID_ANY, &in), 0);
	CHECK_EQ(mif_spd_rule_count(out), 4);
	CHECK_EQ(mif_spd_rule_count(in), 1);
	CHECK_EQ(mif_spd_dir(in), MIF_SPD_DIR_IN);

	/* 10.1.2.3:5555 -> 203.0.113.9:443 TCP: SA "web". */
	memcpy(pkt, v4_tcp, sizeof(v4_tcp));
	memcpy(pkt + 16, (uint8_t[]){ 203, 0, 113, 9 }, 4);
	CHECK_EQ(classify1(out, mk(pkt, sizeof(v4_tcp))), 100);
	/* The same to port 80: the catch-all discard. */
	CHECK_EQ(classify1(out, mk_patch16(pkt, sizeof(v4_tcp),
					   V4_DPORT_OFF, 80)), DISCARD);
	/* Source port 1023 is outside "1024-65535". */
	CHECK_EQ(classify1(out, mk_patch16(pkt, sizeof(v4_tcp),
					   V4_SPORT_OFF, 1023)), DISCARD);
	/* UDP to port 53 from 10/8: bypass (priority 5 beats 1000). */
	CHECK_EQ(classify1(out, mk_patch16(v4_udp, sizeof(v4_udp),
					   V4_DPORT_OFF, 53)), BYPASS);
	/* The reverse direction only in the inbound SPD. */
	memcpy(pkt, v4_tcp, sizeof(v4_tcp));
	memcpy(pkt + 12, (uint8_t[]){ 203, 0, 113, 9, 10, 1, 2, 3 }, 8);
	memcpy(pkt + 20, (uint8_t[]){ 0x01, 0xbb, 0x15, 0xb3 }, 4);
	CHECK_EQ(classify1(in, mk(pkt, sizeof(v4_tcp))), 101);
	CHECK_EQ(classify1(out, mk(pkt, sizeof(v4_tcp))), DISCARD);
	CHECK_EQ(classify1(in, mk(v4_tcp, sizeof(v4_tcp))), DISCARD);
	/* ICMPv6 echo request (128/0) from 2001:db8:1::/64: SA "v6";
	 * an echo reply (129) is not selected. */
	memcpy(pkt, v6_tcp, sizeof(v6_tcp));
	pkt[6] = IPPROTO_ICMPV6;
	pkt[40] = 128;		/* type: echo request */
	pkt[41] = 0;		/* code */
	CHECK_EQ(classify1(out, mk(pkt, sizeof(v6_tcp))), 102);
	pkt[40] = 129;
	CHECK_EQ(classify1(out, mk(pkt, sizeof(v6_tcp))), DISCARD);

	/* The operator's view lists rules in evaluation order. */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		CHECK(f != NULL);
		CHECK_EQ(mif_spd_dump(out, f), 0);
		CHECK_EQ(mif_spd_dump(in, f), 0);
		fclose(f);
		CHECK(strstr(text, "spd out: dir out, default discard, 4 rules\n"
			     "  0: prio 5 10.0.0.0/8 -> 0.0.0.0/0 proto 17 "
			     "sport 0-65535 dport 53-53 bypass\n"
			     "  1: prio 10 10.0.0.0/8 -> 203.0.113.0/24 proto 6 "
			     "sport 1024-65535 dport 443-443 protect sa 100\n")
		      != NULL);
		CHECK(strstr(text, "2001:db8:1::/64 -> ::/0 proto 58 sport "
			     "32768-32768 dport 32768-32768 protect sa 102\n")
		      != NULL);
		CHECK(strstr(text, "spd in: dir in, default discard, 1 rules\n")
		      != NULL);
		free(text);
	}
	mif_spd_destroy(out);
	mif_spd_destroy(in);
	mif_cfg_free(&cfg);
}

/*
 * Random rule sets: the rte_acl classifier must give the linear
 * reference's verdict for every packet. Addresses and ports come from
 * small pools so that rules overlap and ties are frequent.
 */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const uint16_t rnd_protos[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP,
	47, MIF_SPD_PROTO_ANY,
};

static void
rnd_addr(uint8_t family, uint8_t *a)
{
	unsigned int i, n = family == AF_INET ? 4 : 16;

	/* Two choices per byte keep the address space tiny. */
	for (i = 0; i < n; i++)
		a[i] = (rnd() & 1) ? 0x0a : 0xc0 | (uint8_t)(rnd() & 1);
}

static void
rnd_prefix(uint8_t family, struct mif_prefix *p)
{
	unsigned int bits = family == AF_INET ? 32 : 128, i;
	uint8_t *a = family == AF_INET ? (uint8_t *)&p->addr.v4 : p->addr.v6;

	memset(p, 0, sizeof(*p));
	p->addr.family = family;
	rnd_addr(family, a);
	p->len = (uint8_t)(rnd() % (bits + 1));
	for (i = p->len; i < bits; i++)
		a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static void
rnd_range(uint16_t *lo, uint16_t *hi)
{
	uint16_t a = (uint16_t)(rnd() % 8 * 1000), b = (uint16_t)(rnd() % 8 * 1000);

	switch (rnd() % 3) {
	case 0:
		*lo = 0;
		*hi = 65535;
		break;
	case 1:
		*lo = *hi = a;
		break;
	default:
		*lo = RTE_MIN(a, b);
		*hi = RTE_MAX(a, b);
	}
}

static void
rnd_rule(struct mif_spd_rule *r)
{
	uint8_t family = (rnd() & 1) ? AF_INET : AF_INET6;
	struct mif_spd_sel *s = &r->sel;

	memset(r, 0, sizeof(*r));
	rnd_prefix(family, &s->src);
	rnd_prefix(family, &s->dst);
	s->proto = rnd_protos[rnd() % RTE_DIM(rnd_protos)];
	s->sport_hi = s->dport_hi = 65535;
	if (s->proto != 47 && s->proto != MIF_SPD_PROTO_ANY) {
		rnd_range(&s->sport_lo, &s->sport_hi);
		rnd_range(&s->dport_lo, &s->dport_hi);
	}
	r->priority = rnd() % 16;
	r->action = (enum mif_spd_action)(rnd() % 3);
	r->sa_id = rnd() % 100000;
}

/* A packet with random fields from the same pools; about one in eight
 * is a non-first fragment. */
static struct rte_mbuf *
rnd_packet(void)
{
	uint8_t pkt[80], proto = (uint8_t)rnd_protos[rnd() % 6];
	uint16_t sp = (uint16_t)(rnd() % 8 * 1000 + rnd() % 3 - 1);
	uint16_t dp = (uint16_t)(rnd() % 8 * 1000 + rnd() % 3 - 1);
	bool frag = rnd() % 8 == 0;
	size_t l3;

	memset(pkt, 0, sizeof(pkt));
	if (rnd() & 1) {
		pkt[0] = 0x45;
		pkt[3] = 40;			/* total length */
		if (frag)
			pkt[7] = 0x10;		/* fragment offset 16 */
		pkt[8] = 64;
		pkt[9] = proto;
		rnd_addr(AF_INET, pkt + 12);
		rnd_addr(AF_INET, pkt + 16);
		l3 = 20;
	} else {
		pkt[0] = 0x60;
		pkt[5] = frag ? 28 : 20;	/* payload length */
		pkt[6] = frag ? 44 : proto;
		pkt[7] = 64;
		rnd_addr(AF_INET6, pkt + 8);
		rnd_addr(AF_INET6, pkt + 24);
		l3 = 40;
		if (frag) {
			pkt[40] = proto;	/* fragment: next header */
			pkt[43] = 0x80;		/* offset 16 */
			l3 = 48;
		}
	}
	pkt[l3] = (uint8_t)(sp >> 8);
	pkt[l3 + 1] = (uint8_t)sp;
	pkt[l3 + 2] = (uint8_t)(dp >> 8);
	pkt[l3 + 3] = (uint8_t)dp;
	return mk(pkt, l3 + 20);
}

/* fix_src: one source prefix for all rules, so that the build puts
 * the destination first in the trie (the other order is the common
 * outcome of fully random rules). */
static void
test_random_vs_linear(unsigned int n_rules, unsigned int n_pkts,
		      bool fix_src)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_BYPASS);
	struct mif_spd_rule r;
	struct rte_mbuf *mb[32];
	uint32_t a[32], l[32];
	unsigned int i, j, hits = 0;

	for (i = 0; i < n_rules; i++) {
		rnd_rule(&r);
		if (fix_src)
			CHECK_EQ(mif_prefix_parse(r.sel.src.addr.family ==
						  AF_INET ? "10.0.0.0/8" :
						  "a00::/8", &r.sel.src, false,
						  false), 0);
		CHECK_EQ(mif_spd_rule_add(spd, &r), 0);
	}
	CHECK_EQ(mif_spd_build(spd), 0);
	for (i = 0; i < n_pkts; i += 32) {
		for (j = 0; j < 32; j++)
			mb[j] = rnd_packet();
		mif_spd_classify_burst(spd, mb, 32, a);
		mif_spd_classify_linear_burst(spd, mb, 32, l);
		for (j = 0; j < 32; j++) {
			if (a[j] != l[j])
				fprintf(stderr, "packet %u: acl %#x linear %#x\n",
					i + j, a[j], l[j]);
			CHECK_EQ(a[j], l[j]);
			hits += a[j] != BYPASS;
			rte_pktmbuf_free(mb[j]);
		}
	}
	/* Bursts longer than the classifier's internal chunk (64), with
	 * v4, v6 and malformed packets mixed, keep every position. */
	{
		struct rte_mbuf *big[150];
		uint32_t va[150], vl[150];

		for (j = 0; j < RTE_DIM(big); j++)
			big[j] = j % 10 == 9 ? mk(v6_tcp, 30) : rnd_packet();
		mif_spd_classify_burst(spd, big, RTE_DIM(big), va);
		mif_spd_classify_linear_burst(spd, big, RTE_DIM(big), vl);
		for (j = 0; j < RTE_DIM(big); j++) {
			CHECK_EQ(va[j], vl[j]);
			CHECK(j % 10 != 9 || va[j] == BADPKT);
			rte_pktmbuf_free(big[j]);
		}
	}
	/* The pools are small enough that most packets hit some rule;
	 * a test where nothing matched would prove nothing. */
	printf("random %u rules%s: %u/%u packets matched a non-default rule\n",
	       n_rules, fix_src ? " (one source)" : "", hits, n_pkts);
	CHECK(hits > n_pkts / 20);
	mif_spd_destroy(spd);
}

/*
 * Replacement under RCU: a reader classifies continuously while the
 * control side publishes new SPDs. Generation g maps the packet to
 * flow j onto SA g * 16 + j; every burst must come from one generation,
 * and generations never go backwards.
 */
#define RCU_FLOWS	8
#define RCU_GENS	150

static struct mif_spd *rcu_slot;
static struct rte_rcu_qsbr *rcu_qs;
static volatile bool rcu_stop;
static volatile uint32_t rcu_published;
static uint64_t rcu_bursts, rcu_errors, rcu_gens_seen;

static struct mif_spd *
rcu_spd(uint32_t g)
{
	struct mif_spd *spd = new_spd(MIF_SPD_DIR_OUT, MIF_SPD_DISCARD);
	struct mif_spd_sel s;
	char dst[64];
	unsigned int j;

	for (j = 0; j < RCU_FLOWS; j++) {
		snprintf(dst, sizeof(dst), "198.51.100.%u/32", j);
		sel4(&s, "0.0.0.0/0", dst, MIF_SPD_PROTO_ANY, 0, 65535,
		     0, 65535);
		add(spd, &s, j, MIF_SPD_PROTECT, g * 16 + j);
		snprintf(dst, sizeof(dst), "2001:db8::%u/128", j);
		sel6(&s, "::/0", dst, MIF_SPD_PROTO_ANY, 0, 65535, 0, 65535);
		add(spd, &s, j, MIF_SPD_PROTECT, g * 16 + j);
	}
	CHECK_EQ(mif_spd_build(spd), 0);
	return spd;
}

static void *
rcu_reader(void *arg)
{
	struct rte_mbuf **mb = arg;
	uint32_t r[2 * RCU_FLOWS], g, last = 0;
	const struct mif_spd *spd;
	unsigned int i;

	rte_rcu_qsbr_thread_register(rcu_qs, 0);
	rte_rcu_qsbr_thread_online(rcu_qs, 0);
	while (!rcu_stop) {
		spd = mif_spd_deref(&rcu_slot);
		mif_spd_classify_burst(spd, mb, 2 * RCU_FLOWS, r);
		g = r[0] / 16;
		for (i = 0; i < 2 * RCU_FLOWS; i++)
			if (r[i] != g * 16 + i % RCU_FLOWS)
				rcu_errors++;
		if (g < last || g > rcu_published)
			rcu_errors++;
		if (g != last)
			rcu_gens_seen++;
		last = g;
		rcu_bursts++;
		rte_rcu_qsbr_quiescent(rcu_qs, 0);
	}
	rte_rcu_qsbr_thread_offline(rcu_qs, 0);
	rte_rcu_qsbr_thread_unregister(rcu_qs, 0);
	return NULL;
}

static void
test_rcu_replace(void)
{
	struct rte_mbuf *mb[2 * RCU_FLOWS];
	uint8_t pkt[sizeof(v6_tcp)];
	pthread_attr_t attr;
	cpu_set_t cpus;
	pthread_t th;
	uint64_t before;
	uint32_t g;
	unsigned int j;
	long c;

	rcu_qs = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1),
			     RTE_CACHE_LINE_SIZE);
	CHECK(rcu_qs != NULL);
	CHECK_EQ(rte_rcu_qsbr_init(rcu_qs, 1), 0);
	for (j = 0; j < RCU_FLOWS; j++) {
		memcpy(pkt, v4_tcp, sizeof(v4_tcp));
		memcpy(pkt + 16, (uint8_t[]){ 198, 51, 100, (uint8_t)j }, 4);
		mb[j] = mk(pkt, sizeof(v4_tcp));
		memcpy(pkt, v6_tcp, sizeof(v6_tcp));
		memset(pkt + 24, 0, 16);
		memcpy(pkt + 24, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		pkt[39] = (uint8_t)j;
		mb[RCU_FLOWS + j] = mk(pkt, sizeof(v6_tcp));
	}
	CHECK_EQ(mif_spd_publish(&rcu_slot, rcu_spd(0), rcu_qs), 0);

	/* EAL pinned this thread to lcore 0; let the reader use any CPU
	 * so that it really runs alongside the publisher. */
	CPU_ZERO(&cpus);
	for (c = 0; c < sysconf(_SC_NPROCESSORS_ONLN) && c < CPU_SETSIZE; c++)
		CPU_SET(c, &cpus);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	CHECK_EQ(pthread_create(&th, &attr, rcu_reader, mb), 0);
	pthread_attr_destroy(&attr);

	for (g = 1; g <= RCU_GENS; g++) {
		struct mif_spd *spd = rcu_spd(g);

		/* Let the reader finish a few bursts on the old one. */
		before = __atomic_load_n(&rcu_bursts, __ATOMIC_RELAXED);
		while (__atomic_load_n(&rcu_bursts, __ATOMIC_RELAXED) <
		       before + 3)
			sched_yield();
		rcu_published = g;
		CHECK_EQ(mif_spd_publish(&rcu_slot, spd, rcu_qs), 0);
	}
	rcu_stop = true;
	CHECK_EQ(pthread_join(th, NULL), 0);
	printf("rcu: %" PRIu64 " bursts, %" PRIu64 " generation changes, "
	       "%" PRIu64 " errors\n", rcu_bursts, rcu_gens_seen, rcu_errors);
	CHECK_EQ(rcu_errors, 0);
	CHECK(rcu_gens_seen >= RCU_GENS / 2);
	CHECK(rcu_bursts >= 3 * RCU_GENS);

	/* Re-publishing the current SPD must not free it. */
	CHECK_EQ(mif_spd_publish(&rcu_slot, rcu_slot, rcu_qs), 0);
	mif_spd_destroy(rcu_slot);
	for (j = 0; j < 2 * RCU_FLOWS; j++)
		rte_pktmbuf_free(mb[j]);
	rte_free(rcu_qs);
}

int
main(void)
{
	char prefix[32], dir[PATH_MAX];
	/* DPDK 22.11 refuses --in-memory with --no-huge; --no-shconf and a
	 * per-process prefix keep runs from sharing any state. */
	char *eal[] = { "test_spd", "--no-huge", "-m", "256", "--no-shconf",
			"--no-pci", "-l", "0", "--log-level", "*:warning",
			"--no-telemetry", "--file-prefix", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "test_spd_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "test_spd: EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_spd", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	CHECK(pool != NULL);

	CHECK_EQ(mif_spd_selftest(), 0);
	test_v4_rules();
	test_priorities();
	test_v6_rules();
	test_v6_long_chain();
	test_malformed();
	test_defaults_and_validation();
	test_inner_check();
	test_parse_helpers();
	test_cfg_build();
	test_random_vs_linear(40, 20000, false);
	test_random_vs_linear(2000, 20000, false);
	test_random_vs_linear(2000, 20000, true);
	test_rcu_replace();

	rte_mempool_free(pool);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (rmdir(dir) != 0)
		fprintf(stderr, "test_spd: rmdir %s: %s\n", dir,
			strerror(errno));
	CHECK_DONE();
}
