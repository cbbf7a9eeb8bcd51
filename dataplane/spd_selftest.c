/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up self-test of the SPD: known answers, then rte_acl against the
 * linear reference on random rules and packets. Packets live in stack
 * buffers wrapped in hand-made single-segment mbufs, so no pool is
 * needed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "common/log.h"
#include "dataplane/spd.h"

#define ST_RULES	300
#define ST_PKTS		2000
#define ST_LEN		60

struct st_pkt {
	struct rte_mbuf m;
	uint8_t data[ST_LEN];
};

static uint32_t
st_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

static void
st_wrap(struct st_pkt *p, uint16_t len)
{
	memset(&p->m, 0, sizeof(p->m));
	p->m.buf_addr = p->data;
	p->m.buf_len = sizeof(p->data);
	p->m.data_len = len;
	p->m.pkt_len = len;
	p->m.nb_segs = 1;
}

/* Addresses from {10, 192} per byte keep rules and packets overlapping. */
static void
st_addr(uint64_t *s, uint8_t *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		a[i] = (st_rnd(s) & 1) ? 10 : 192;
}

static void
st_rule(uint64_t *s, struct mif_spd_rule *r)
{
	int family = (st_rnd(s) & 1) ? AF_INET : AF_INET6;
	unsigned int n = family == AF_INET ? 4 : 16;
	uint16_t lo = (uint16_t)(st_rnd(s) % 4 * 1000);

	memset(r, 0, sizeof(*r));
	mif_spd_sel_init_any(&r->sel, family);
	st_addr(s, family == AF_INET ? (uint8_t *)&r->sel.src.addr.v4 :
		   r->sel.src.addr.v6, n);
	st_addr(s, family == AF_INET ? (uint8_t *)&r->sel.dst.addr.v4 :
		   r->sel.dst.addr.v6, n);
	r->sel.src.len = (uint8_t)(st_rnd(s) % (n * 8 + 1));
	r->sel.dst.len = (uint8_t)(st_rnd(s) % (n * 8 + 1));
	if (st_rnd(s) & 1) {
		r->sel.proto = (st_rnd(s) & 1) ? IPPROTO_TCP : IPPROTO_UDP;
		r->sel.dport_lo = lo;
		r->sel.dport_hi = (uint16_t)(lo + st_rnd(s) % 2000);
	}
	r->priority = st_rnd(s) % 8;
	r->action = (enum mif_spd_action)(st_rnd(s) % 3);
	r->sa_id = st_rnd(s) % 1000;
}

static void
st_packet(uint64_t *s, struct st_pkt *p)
{
	uint16_t dport = (uint16_t)(st_rnd(s) % 4 * 1000 + st_rnd(s) % 2100);
	uint8_t proto = (st_rnd(s) & 1) ? IPPROTO_TCP : IPPROTO_UDP;
	unsigned int l3;

	memset(p->data, 0, sizeof(p->data));
	if (st_rnd(s) & 1) {
		p->data[0] = 0x45;		/* IPv4, IHL 5 */
		p->data[3] = 40;		/* total length */
		p->data[9] = proto;
		st_addr(s, p->data + 12, 8);
		l3 = 20;
	} else {
		p->data[0] = 0x60;		/* IPv6 */
		p->data[5] = 20;		/* payload length */
		p->data[6] = proto;
		st_addr(s, p->data + 8, 32);
		l3 = 40;
	}
	p->data[l3 + 2] = (uint8_t)(dport >> 8);
	p->data[l3 + 3] = (uint8_t)dport;
	st_wrap(p, (uint16_t)(l3 + 20));
}

/* Fixed rules and packets with known verdicts. */
static int
st_known(void)
{
	struct mif_spd_params prm = { .name = "selftest", .dir = MIF_SPD_DIR_IN,
				      .def_action = MIF_SPD_DISCARD,
				      .socket_id = SOCKET_ID_ANY };
	struct mif_spd_rule r;
	struct st_pkt p;
	struct rte_mbuf *m = &p.m;
	struct mif_spd *spd;
	uint32_t v[2];
	int rc = -EPROTO;

	if ((spd = mif_spd_create(&prm)) == NULL)
		return -ENOMEM;
	memset(&r, 0, sizeof(r));
	mif_spd_sel_init_any(&r.sel, AF_INET);
	mif_prefix_parse("10.0.0.0/8", &r.sel.src, false, false);
	r.sel.src.addr.family = AF_INET;
	r.sel.proto = IPPROTO_TCP;
	r.sel.dport_lo = r.sel.dport_hi = 443;
	r.action = MIF_SPD_PROTECT;
	r.sa_id = 42;
	if (mif_spd_rule_add(spd, &r) != 0 || mif_spd_build(spd) != 0)
		goto out;

	/* IPv4 TCP 10.0.0.1 -> 192.0.2.1:443, then the same to port 80. */
	memset(p.data, 0, sizeof(p.data));
	memcpy(p.data, (const uint8_t[]){ 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6,
					  0, 0, 10, 0, 0, 1, 192, 0, 2, 1,
					  0x30, 0x39, 0x01, 0xbb }, 24);
	st_wrap(&p, 40);
	mif_spd_classify_burst(spd, &m, 1, &v[0]);
	p.data[23] = 80;
	mif_spd_classify_burst(spd, &m, 1, &v[1]);
	if (v[0] != 42 || v[1] != MIF_SPD_V_DISCARD) {
		MIF_LOG(dp, ERR, "spd selftest: known answers %#x %#x, want 42 and discard",
			v[0], v[1]);
		goto out;
	}
	/* Cut inside the TCP ports: malformed. */
	p.data[3] = 22;
	st_wrap(&p, 22);
	mif_spd_classify_burst(spd, &m, 1, &v[0]);
	if (v[0] != MIF_SPD_V_BADPKT) {
		MIF_LOG(dp, ERR, "spd selftest: truncated packet gave %#x",
			v[0]);
		goto out;
	}
	rc = 0;
out:
	mif_spd_destroy(spd);
	return rc;
}

int
mif_spd_selftest(void)
{
	struct mif_spd_params prm = { .name = "selftest", .dir = MIF_SPD_DIR_OUT,
				      .def_action = MIF_SPD_BYPASS,
				      .socket_id = SOCKET_ID_ANY };
	uint64_t seed = 0x5eed5eed5eedull;
	struct mif_spd_rule r;
	struct rte_mbuf *m;
	struct mif_spd *spd;
	struct st_pkt p;
	uint32_t a, l;
	unsigned int i;
	int rc;

	if ((rc = st_known()) != 0)
		return rc;
	if ((spd = mif_spd_create(&prm)) == NULL)
		return -ENOMEM;
	for (i = 0; i < ST_RULES; i++) {
		st_rule(&seed, &r);
		if ((rc = mif_spd_rule_add(spd, &r)) != 0)
			goto out;
	}
	if ((rc = mif_spd_build(spd)) != 0)
		goto out;
	m = &p.m;
	for (i = 0; i < ST_PKTS; i++) {
		st_packet(&seed, &p);
		mif_spd_classify_burst(spd, &m, 1, &a);
		mif_spd_classify_linear_burst(spd, &m, 1, &l);
		if (a != l) {
			MIF_LOG(dp, ERR, "spd selftest: packet %u: rte_acl %#x, linear %#x",
				i, a, l);
			rc = -EPROTO;
			goto out;
		}
	}
	MIF_LOG(dp, INFO, "spd selftest: %u rules, %u packets agree",
		ST_RULES, ST_PKTS);
out:
	mif_spd_destroy(spd);
	return rc;
}
