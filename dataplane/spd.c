/* SPDX-License-Identifier: BSD-3-Clause */
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "common/cfg_spd.h"
#include "common/log.h"
#include "dataplane/spd.h"

/* Bursts larger than this are classified in chunks (stack scratch). */
#define SPD_CHUNK		64
/* IPv6 extension headers walked before giving up on the ports. */
#define SPD_V6_EXT_MAX		8
/* The only bit of the key's meta word: ports (or ICMP type/code) known. */
#define SPD_META_L4		1u

/*
 * Packet keys in the layout the ACL tries read. rte_acl consumes the
 * first field as one byte and every later input as 4 consecutive bytes,
 * with multi-byte values in network order. The byte after proto is no
 * ACL field: it tells the linear matcher which family the key holds.
 */
struct spd_key4 {
	uint8_t proto;
	uint8_t family;
	uint8_t pad[2];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint32_t meta;
};

struct spd_key6 {
	uint8_t proto;
	uint8_t family;
	uint8_t pad[2];
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t meta;
};

union spd_key {
	struct spd_key4 k4;
	struct spd_key6 k6;
};

enum { F4_PROTO, F4_SRC, F4_DST, F4_SPORT, F4_DPORT, F4_META, F4_NUM };
enum {
	F6_PROTO, F6_SRC0, F6_DST0 = F6_SRC0 + 4, F6_SPORT = F6_DST0 + 4,
	F6_DPORT, F6_META, F6_NUM
};

RTE_ACL_RULE_DEF(spd_acl4_rule, F4_NUM);
RTE_ACL_RULE_DEF(spd_acl6_rule, F6_NUM);

struct spd_rule {
	struct mif_spd_rule r;
	uint32_t seq;			/* insertion order, breaks ties */
};

struct mif_spd {
	/* Read by the workers. */
	struct rte_acl_ctx *acl4;	/* NULL when there is no IPv4 rule */
	struct rte_acl_ctx *acl6;
	const uint32_t *verdict;	/* [0] default, [i + 1] rule i */
	const struct spd_rule *rules;	/* sorted by (priority, seq) */
	uint32_t n_rules;

	/* Control side. */
	struct spd_rule *rules_w;	/* same array as rules, writable */
	uint32_t cap;
	uint32_t *verdict_w;
	bool built;
	enum mif_spd_dir dir;
	enum mif_spd_action def_action;
	int socket_id;
	uint32_t id;
	char name[32];
};

static uint32_t spd_next_id;

static bool
proto_has_ports(uint16_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP ||
	       p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

static bool
sel_ports_any(const struct mif_spd_sel *s)
{
	return s->sport_lo == 0 && s->sport_hi == UINT16_MAX &&
	       s->dport_lo == 0 && s->dport_hi == UINT16_MAX;
}

/*
 * Packet parsing. Every read goes through rte_pktmbuf_read(), which
 * bounds it by pkt_len and copies across segments, and transport bytes
 * are bounded by the IP length so link padding is never taken for ports.
 */

/* Ports, or ICMP type/code, of the upper-layer header at off. */
static int
key_l4(const struct rte_mbuf *m, uint32_t off, uint32_t end, uint8_t proto,
       uint16_t *sport, uint16_t *dport, uint32_t *meta)
{
	uint8_t buf[4];
	const uint8_t *p;
	uint16_t tc;

	*sport = 0;
	*dport = 0;
	*meta = 0;
	if (!proto_has_ports(proto))
		return 0;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		if (end - off < 2)
			return -EBADMSG;
		p = rte_pktmbuf_read(m, off, 2, buf);
		if (p == NULL)
			return -EBADMSG;
		/* RFC 7296 3.13.1: type and code as one 16-bit "port". */
		tc = rte_cpu_to_be_16((uint16_t)(p[0] << 8 | p[1]));
		*sport = tc;
		*dport = tc;
	} else {
		if (end - off < 4)
			return -EBADMSG;
		p = rte_pktmbuf_read(m, off, 4, buf);
		if (p == NULL)
			return -EBADMSG;
		memcpy(sport, p, 2);
		memcpy(dport, p + 2, 2);
	}
	*meta = rte_cpu_to_be_32(SPD_META_L4);
	return 0;
}

static int
key_parse4(const struct rte_mbuf *m, struct spd_key4 *k)
{
	struct rte_ipv4_hdr buf;
	const struct rte_ipv4_hdr *h;
	uint32_t ihl, tot;

	h = rte_pktmbuf_read(m, 0, sizeof(*h), &buf);
	if (h == NULL)
		return -EBADMSG;
	ihl = (uint32_t)(h->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	tot = rte_be_to_cpu_16(h->total_length);
	if (ihl < sizeof(*h) || tot < ihl || tot > rte_pktmbuf_pkt_len(m))
		return -EBADMSG;

	k->proto = h->next_proto_id;
	k->family = AF_INET;
	memcpy(&k->src, &h->src_addr, 4);
	memcpy(&k->dst, &h->dst_addr, 4);

	/* RFC 4301 7.1: a non-first fragment carries no ports (OPAQUE). */
	if ((rte_be_to_cpu_16(h->fragment_offset) &
	     RTE_IPV4_HDR_OFFSET_MASK) != 0) {
		k->sport = 0;
		k->dport = 0;
		k->meta = 0;
		return 0;
	}
	return key_l4(m, ihl, tot, k->proto, &k->sport, &k->dport, &k->meta);
}

/*
 * Walk the IPv6 header chain to the upper-layer header. Only the
 * headers RFC 8200 defines as extension headers with the generic
 * length format are skipped (hop-by-hop, routing, destination options)
 * plus the fragment header; AH and ESP are upper-layer protocols for
 * the SPD. A chain longer than SPD_V6_EXT_MAX leaves the ports OPAQUE.
 */
static int
key_parse6(const struct rte_mbuf *m, struct spd_key6 *k)
{
	struct rte_ipv6_hdr buf;
	const struct rte_ipv6_hdr *h;
	const uint8_t *e;
	uint8_t ebuf[8], nh;
	uint32_t off, end, plen;
	unsigned int i;

	h = rte_pktmbuf_read(m, 0, sizeof(*h), &buf);
	if (h == NULL)
		return -EBADMSG;
	plen = rte_be_to_cpu_16(h->payload_len);
	end = sizeof(*h) + plen;
	/* Jumbograms (payload length 0) are not supported: dropped. */
	if (plen == 0 || end > rte_pktmbuf_pkt_len(m))
		return -EBADMSG;

	k->family = AF_INET6;
	memcpy(k->src, h->src_addr, 16);
	memcpy(k->dst, h->dst_addr, 16);
	nh = h->proto;
	off = sizeof(*h);
	for (i = 0; i < SPD_V6_EXT_MAX; i++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT) {
			k->proto = nh;
			return key_l4(m, off, end, nh, &k->sport, &k->dport,
				      &k->meta);
		}
		if (end - off < 8)
			return -EBADMSG;
		e = rte_pktmbuf_read(m, off, 8, ebuf);
		if (e == NULL)
			return -EBADMSG;
		if (nh == IPPROTO_FRAGMENT) {
			nh = e[0];
			off += 8;
			/* Non-first fragment: ports are OPAQUE. */
			if (((e[2] << 8 | e[3]) & 0xfff8) != 0)
				goto opaque;
			continue;
		}
		nh = e[0];
		if ((uint32_t)(e[1] + 1) * 8 > end - off)
			return -EBADMSG;
		off += (uint32_t)(e[1] + 1) * 8;
	}
opaque:
	k->proto = nh;
	k->sport = 0;
	k->dport = 0;
	k->meta = 0;
	return 0;
}

static int
key_parse(const struct rte_mbuf *m, union spd_key *k)
{
	uint8_t b;
	const uint8_t *p;

	p = rte_pktmbuf_read(m, 0, 1, &b);
	if (p == NULL)
		return -EBADMSG;
	switch (*p >> 4) {
	case 4:
		return key_parse4(m, &k->k4);
	case 6:
		return key_parse6(m, &k->k6);
	default:
		return -EBADMSG;
	}
}

/*
 * Linear matching, for the reference classifier and the RFC 4301 5.2
 * check. Addresses are compared as big-endian words under the mask of
 * the prefix length.
 */

static bool
pfx4_match(const struct mif_prefix *p, uint32_t a_be)
{
	uint32_t mask = p->len == 0 ? 0 : ~0u << (32 - p->len);

	return ((rte_be_to_cpu_32(a_be) ^ rte_be_to_cpu_32(p->addr.v4)) &
		mask) == 0;
}

static bool
pfx6_match(const struct mif_prefix *p, const uint8_t *a)
{
	uint64_t x, y, mask;
	unsigned int i, len;

	for (i = 0; i < 2; i++) {
		len = p->len > 64 * i ? p->len - 64 * i : 0;
		if (len == 0)
			break;
		mask = len >= 64 ? ~0ull : ~0ull << (64 - len);
		memcpy(&x, a + 8 * i, 8);
		memcpy(&y, p->addr.v6 + 8 * i, 8);
		if (((be64toh(x) ^ be64toh(y)) & mask) != 0)
			return false;
	}
	return true;
}

static bool
sel_match_key(const struct mif_spd_sel *s, const union spd_key *k)
{
	uint16_t sp, dp;
	uint32_t meta;

	if (s->src.addr.family != k->k4.family)
		return false;
	if (s->proto != MIF_SPD_PROTO_ANY && s->proto != k->k4.proto)
		return false;
	if (k->k4.family == AF_INET) {
		if (!pfx4_match(&s->src, k->k4.src) ||
		    !pfx4_match(&s->dst, k->k4.dst))
			return false;
		sp = k->k4.sport;
		dp = k->k4.dport;
		meta = k->k4.meta;
	} else {
		if (!pfx6_match(&s->src, k->k6.src) ||
		    !pfx6_match(&s->dst, k->k6.dst))
			return false;
		sp = k->k6.sport;
		dp = k->k6.dport;
		meta = k->k6.meta;
	}
	if (sel_ports_any(s))
		return true;
	if ((rte_be_to_cpu_32(meta) & SPD_META_L4) == 0)
		return false;
	sp = rte_be_to_cpu_16(sp);
	dp = rte_be_to_cpu_16(dp);
	return sp >= s->sport_lo && sp <= s->sport_hi &&
	       dp >= s->dport_lo && dp <= s->dport_hi;
}

/* Selector and rule validation, control side. */

static unsigned int
family_bits(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

void
mif_spd_sel_init_any(struct mif_spd_sel *s, int family)
{
	memset(s, 0, sizeof(*s));
	s->src.addr.family = (uint8_t)family;
	s->dst.addr.family = (uint8_t)family;
	s->proto = MIF_SPD_PROTO_ANY;
	s->sport_hi = UINT16_MAX;
	s->dport_hi = UINT16_MAX;
}

int
mif_spd_sel_validate(const struct mif_spd_sel *s)
{
	uint8_t f = s->src.addr.family;

	if ((f != AF_INET && f != AF_INET6) || s->dst.addr.family != f) {
		MIF_LOG(dp, DEBUG, "selector: families %u/%u, need AF_INET or AF_INET6 on both sides",
			f, s->dst.addr.family);
		return -EINVAL;
	}
	if (s->src.len > family_bits(f) || s->dst.len > family_bits(f)) {
		MIF_LOG(dp, DEBUG, "selector: prefix length %u/%u too long",
			s->src.len, s->dst.len);
		return -EINVAL;
	}
	if (s->proto > MIF_SPD_PROTO_ANY) {
		MIF_LOG(dp, DEBUG, "selector: protocol %u > 255", s->proto);
		return -EINVAL;
	}
	if (s->sport_lo > s->sport_hi || s->dport_lo > s->dport_hi) {
		MIF_LOG(dp, DEBUG, "selector: empty port range %u-%u/%u-%u",
			s->sport_lo, s->sport_hi, s->dport_lo, s->dport_hi);
		return -EINVAL;
	}
	if (!sel_ports_any(s) && !proto_has_ports(s->proto)) {
		MIF_LOG(dp, DEBUG, "selector: port range with protocol %u, which has no ports",
			s->proto);
		return -EINVAL;
	}
	return 0;
}

static int
rule_validate(const struct mif_spd_rule *r)
{
	int rc;

	if ((rc = mif_spd_sel_validate(&r->sel)) != 0)
		return rc;
	switch (r->action) {
	case MIF_SPD_DISCARD:
	case MIF_SPD_BYPASS:
		return 0;
	case MIF_SPD_PROTECT:
		if (r->sa_id > MIF_SPD_SA_ID_MAX) {
			MIF_LOG(dp, DEBUG, "rule: SA id %#x is reserved",
				r->sa_id);
			return -EINVAL;
		}
		return 0;
	}
	MIF_LOG(dp, DEBUG, "rule: unknown action %d", (int)r->action);
	return -EINVAL;
}

struct mif_spd *
mif_spd_create(const struct mif_spd_params *p)
{
	const char *name = p->name != NULL ? p->name : "?";
	struct mif_spd *spd;

	if (p->dir != MIF_SPD_DIR_OUT && p->dir != MIF_SPD_DIR_IN) {
		MIF_LOG(dp, ERR, "spd %s: unknown direction %d", name,
			(int)p->dir);
		return NULL;
	}
	if (p->def_action != MIF_SPD_DISCARD &&
	    p->def_action != MIF_SPD_BYPASS) {
		MIF_LOG(dp, ERR, "spd %s: default action must be discard or bypass",
			name);
		return NULL;
	}
	/* RFC 4301 5.2: unprotected-side traffic matching nothing is
	 * dropped; the gateway fails closed. */
	if (p->dir == MIF_SPD_DIR_IN && p->def_action != MIF_SPD_DISCARD) {
		MIF_LOG(dp, ERR, "spd %s: inbound default action must be discard",
			name);
		return NULL;
	}
	spd = rte_zmalloc_socket("mif_spd", sizeof(*spd), RTE_CACHE_LINE_SIZE,
				 p->socket_id);
	if (spd == NULL) {
		MIF_LOG(dp, ERR, "spd %s: out of memory", name);
		return NULL;
	}
	spd->dir = p->dir;
	spd->def_action = p->def_action;
	spd->socket_id = p->socket_id;
	spd->id = __atomic_fetch_add(&spd_next_id, 1, __ATOMIC_RELAXED);
	snprintf(spd->name, sizeof(spd->name), "%s", name);
	return spd;
}

void
mif_spd_destroy(struct mif_spd *spd)
{
	uint32_t i;

	if (spd == NULL)
		return;
	/* A reader that broke the RCU contract now sees DISCARD rather
	 * than a stale SA id: fail closed. */
	if (spd->verdict_w != NULL)
		for (i = 0; i <= spd->n_rules; i++)
			spd->verdict_w[i] = MIF_SPD_V_DISCARD;
	rte_acl_free(spd->acl4);
	rte_acl_free(spd->acl6);
	rte_free(spd->verdict_w);
	free(spd->rules_w);
	rte_free(spd);
}

int
mif_spd_rule_add(struct mif_spd *spd, const struct mif_spd_rule *r)
{
	struct spd_rule *nr;
	uint32_t cap;
	int rc;

	if (spd->built)
		return -EBUSY;
	if ((rc = rule_validate(r)) != 0)
		return rc;
	if (spd->n_rules >= MIF_SPD_MAX_RULES) {
		MIF_LOG(dp, ERR, "spd %s: more than %u rules", spd->name,
			MIF_SPD_MAX_RULES);
		return -ENOSPC;
	}
	if (spd->n_rules == spd->cap) {
		cap = spd->cap == 0 ? 64 : spd->cap * 2;
		nr = realloc(spd->rules_w, (size_t)cap * sizeof(*nr));
		if (nr == NULL)
			return -ENOMEM;
		spd->rules_w = nr;
		spd->rules = nr;
		spd->cap = cap;
	}
	nr = &spd->rules_w[spd->n_rules];
	nr->r = *r;
	nr->seq = spd->n_rules++;
	return 0;
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct spd_rule *x = a, *y = b;

	if (x->r.priority != y->r.priority)
		return x->r.priority < y->r.priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint32_t
rule_verdict(const struct mif_spd_rule *r)
{
	switch (r->action) {
	case MIF_SPD_PROTECT:
		return r->sa_id;
	case MIF_SPD_BYPASS:
		return MIF_SPD_V_BYPASS;
	default:
		return MIF_SPD_V_DISCARD;
	}
}

/* ACL tries: field layouts and rule conversion. */

static const struct rte_acl_field_def acl4_defs[F4_NUM] = {
	{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F4_PROTO, 0,
	  offsetof(struct spd_key4, proto) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F4_SRC, 1,
	  offsetof(struct spd_key4, src) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F4_DST, 2,
	  offsetof(struct spd_key4, dst) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F4_SPORT, 3,
	  offsetof(struct spd_key4, sport) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F4_DPORT, 3,
	  offsetof(struct spd_key4, dport) },
	{ RTE_ACL_FIELD_TYPE_BITMASK, 4, F4_META, 4,
	  offsetof(struct spd_key4, meta) },
};

#define ACL6_ADDR(f, in, member, i)					\
	{ RTE_ACL_FIELD_TYPE_MASK, 4, (f) + (i), (in) + (i),		\
	  offsetof(struct spd_key6, member) + 4 * (i) }

static const struct rte_acl_field_def acl6_defs[F6_NUM] = {
	{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F6_PROTO, 0,
	  offsetof(struct spd_key6, proto) },
	ACL6_ADDR(F6_SRC0, 1, src, 0), ACL6_ADDR(F6_SRC0, 1, src, 1),
	ACL6_ADDR(F6_SRC0, 1, src, 2), ACL6_ADDR(F6_SRC0, 1, src, 3),
	ACL6_ADDR(F6_DST0, 5, dst, 0), ACL6_ADDR(F6_DST0, 5, dst, 1),
	ACL6_ADDR(F6_DST0, 5, dst, 2), ACL6_ADDR(F6_DST0, 5, dst, 3),
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F6_SPORT, 9,
	  offsetof(struct spd_key6, sport) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F6_DPORT, 9,
	  offsetof(struct spd_key6, dport) },
	{ RTE_ACL_FIELD_TYPE_BITMASK, 4, F6_META, 10,
	  offsetof(struct spd_key6, meta) },
};

/* Rule data and the fields both layouts share. */
static void
acl_common(const struct mif_spd_sel *s, uint32_t rank,
	   struct rte_acl_rule_data *d, struct rte_acl_field *proto,
	   struct rte_acl_field *sport, struct rte_acl_field *dport,
	   struct rte_acl_field *meta)
{
	d->category_mask = 1;
	/* rte_acl picks the highest priority; rank 0 is our best rule and
	 * every rank gets its own value, so ties never reach rte_acl. */
	d->priority = (int32_t)(RTE_ACL_MAX_PRIORITY - rank);
	d->userdata = rank + 1;
	if (s->proto != MIF_SPD_PROTO_ANY) {
		proto->value.u8 = (uint8_t)s->proto;
		proto->mask_range.u8 = 0xff;
	}
	sport->value.u16 = s->sport_lo;
	sport->mask_range.u16 = s->sport_hi;
	dport->value.u16 = s->dport_lo;
	dport->mask_range.u16 = s->dport_hi;
	if (!sel_ports_any(s)) {
		meta->value.u32 = SPD_META_L4;
		meta->mask_range.u32 = SPD_META_L4;
	}
}

static void
acl4_rule(const struct mif_spd_sel *s, uint32_t rank,
	  struct spd_acl4_rule *a)
{
	memset(a, 0, sizeof(*a));
	acl_common(s, rank, &a->data, &a->field[F4_PROTO],
		   &a->field[F4_SPORT], &a->field[F4_DPORT],
		   &a->field[F4_META]);
	a->field[F4_SRC].value.u32 = rte_be_to_cpu_32(s->src.addr.v4);
	a->field[F4_SRC].mask_range.u32 = s->src.len;
	a->field[F4_DST].value.u32 = rte_be_to_cpu_32(s->dst.addr.v4);
	a->field[F4_DST].mask_range.u32 = s->dst.len;
}

/* A /len IPv6 prefix as four 32-bit MASK fields. */
static void
acl6_addr(const struct mif_prefix *p, struct rte_acl_field *f)
{
	uint32_t w;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		memcpy(&w, p->addr.v6 + 4 * i, 4);
		f[i].value.u32 = rte_be_to_cpu_32(w);
		f[i].mask_range.u32 = p->len >= 32 * (i + 1) ? 32 :
				      p->len > 32 * i ? p->len - 32 * i : 0;
	}
}

static void
acl6_rule(const struct mif_spd_sel *s, uint32_t rank,
	  struct spd_acl6_rule *a)
{
	memset(a, 0, sizeof(*a));
	acl_common(s, rank, &a->data, &a->field[F6_PROTO],
		   &a->field[F6_SPORT], &a->field[F6_DPORT],
		   &a->field[F6_META]);
	acl6_addr(&s->src, &a->field[F6_SRC0]);
	acl6_addr(&s->dst, &a->field[F6_DST0]);
}

static struct rte_acl_ctx *
acl_ctx_create(const struct mif_spd *spd, uint8_t family, uint32_t n)
{
	struct rte_acl_param ap;
	struct rte_acl_ctx *ctx;
	char name[RTE_ACL_NAMESIZE];

	/* rte_acl names are global: the SPD id keeps them unique while an
	 * old and a new SPD coexist. */
	snprintf(name, sizeof(name), "mifspd%u_%c", spd->id,
		 family == AF_INET ? '4' : '6');
	memset(&ap, 0, sizeof(ap));
	ap.name = name;
	ap.socket_id = spd->socket_id;
	ap.rule_size = family == AF_INET ? RTE_ACL_RULE_SZ(F4_NUM) :
					   RTE_ACL_RULE_SZ(F6_NUM);
	ap.max_rule_num = n;
	ctx = rte_acl_create(&ap);
	if (ctx == NULL)
		MIF_LOG(dp, ERR, "spd %s: rte_acl_create(%s, %u rules): %s",
			spd->name, name, n, rte_strerror(rte_errno));
	return ctx;
}

static int
acl_rules_add(const struct mif_spd *spd, struct rte_acl_ctx *ctx,
	      uint8_t family)
{
	struct spd_acl4_rule r4;
	struct spd_acl6_rule r6;
	uint32_t i;
	int rc = 0;

	for (i = 0; i < spd->n_rules && rc == 0; i++) {
		if (spd->rules[i].r.sel.src.addr.family != family)
			continue;
		if (family == AF_INET) {
			acl4_rule(&spd->rules[i].r.sel, i, &r4);
			rc = rte_acl_add_rules(ctx,
				(const struct rte_acl_rule *)&r4, 1);
		} else {
			acl6_rule(&spd->rules[i].r.sel, i, &r6);
			rc = rte_acl_add_rules(ctx,
				(const struct rte_acl_rule *)&r6, 1);
		}
	}
	if (rc != 0)
		MIF_LOG(dp, ERR, "spd %s: rte_acl_add_rules(rule %u): %s",
			spd->name, i - 1, strerror(-rc));
	return rc;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Distinct first 32-bit words of the src or dst prefixes (under their
 * mask, length clipped to 32): how well that field splits the rules at
 * the top of the trie. */
static uint32_t
first_word_diversity(const struct mif_spd *spd, uint8_t family, bool dst,
		     uint64_t *tmp)
{
	const struct mif_prefix *p;
	uint32_t i, n = 0, distinct = 0, w, len;

	for (i = 0; i < spd->n_rules; i++) {
		p = dst ? &spd->rules[i].r.sel.dst : &spd->rules[i].r.sel.src;
		if (p->addr.family != family)
			continue;
		memcpy(&w, family == AF_INET ? (const void *)&p->addr.v4 :
		       (const void *)p->addr.v6, 4);
		len = RTE_MIN(p->len, 32u);
		w = len == 0 ? 0 : rte_be_to_cpu_32(w) & (~0u << (32 - len));
		tmp[n++] = (uint64_t)w << 6 | len;
	}
	qsort(tmp, n, sizeof(*tmp), u64_cmp);
	for (i = 0; i < n; i++)
		distinct += i == 0 || tmp[i] != tmp[i - 1];
	return distinct;
}

/*
 * rte_acl builds its trie in the order of the field definitions. The
 * address field whose first word takes more distinct values goes first:
 * it splits the rules early, and wildcards in the later field are then
 * copied into fewer branches. For policies from a few user pools to
 * many destinations (outbound) that is the destination, for the mirror
 * inbound set the source; bench_spd's "ts" shape built in half the time
 * and memory with the better order. Only the definition order and the
 * input indexes change; the key layout and offsets stay.
 */
static int
acl_cfg_init(const struct mif_spd *spd, uint8_t family,
	     struct rte_acl_config *cfg)
{
	struct rte_acl_field_def t;
	unsigned int i, words = family == AF_INET ? 1 : 4;
	uint64_t *tmp;
	bool dst_first;

	memset(cfg, 0, sizeof(*cfg));
	cfg->num_categories = 1;
	if (family == AF_INET) {
		cfg->num_fields = F4_NUM;
		memcpy(cfg->defs, acl4_defs, sizeof(acl4_defs));
	} else {
		cfg->num_fields = F6_NUM;
		memcpy(cfg->defs, acl6_defs, sizeof(acl6_defs));
	}
	if ((tmp = malloc(((size_t)spd->n_rules + 1) * sizeof(*tmp))) == NULL)
		return -ENOMEM;
	dst_first = first_word_diversity(spd, family, true, tmp) >
		    first_word_diversity(spd, family, false, tmp);
	free(tmp);
	MIF_LOG(dp, DEBUG, "spd %s: IPv%c trie starts with the %s address",
		spd->name, family == AF_INET ? '4' : '6',
		dst_first ? "destination" : "source");
	if (!dst_first)
		return 0;
	/* Source words sit at positions 1..words, destination words right
	 * after; swap them and keep each position's input index. */
	for (i = 1; i <= words; i++) {
		t = cfg->defs[i];
		cfg->defs[i] = cfg->defs[i + words];
		cfg->defs[i + words] = t;
		cfg->defs[i + words].input_index = cfg->defs[i].input_index;
		cfg->defs[i].input_index = t.input_index;
	}
	return 0;
}

/* Build the trie of one family; *out stays NULL without rules. */
static int
acl_build_family(struct mif_spd *spd, uint8_t family,
		 struct rte_acl_ctx **out)
{
	struct rte_acl_config cfg;
	struct rte_acl_ctx *ctx;
	uint32_t i, n = 0;
	int rc;

	*out = NULL;
	for (i = 0; i < spd->n_rules; i++)
		n += spd->rules[i].r.sel.src.addr.family == family;
	if (n == 0)
		return 0;
	if ((ctx = acl_ctx_create(spd, family, n)) == NULL)
		return rte_errno != 0 ? -rte_errno : -ENOMEM;
	if ((rc = acl_rules_add(spd, ctx, family)) != 0)
		goto out;

	if ((rc = acl_cfg_init(spd, family, &cfg)) != 0)
		goto out;
	if ((rc = rte_acl_build(ctx, &cfg)) != 0) {
		MIF_LOG(dp, ERR, "spd %s: rte_acl_build(%u IPv%c rules): %s",
			spd->name, n, family == AF_INET ? '4' : '6',
			strerror(-rc));
		goto out;
	}
	*out = ctx;
out:
	if (rc != 0)
		rte_acl_free(ctx);
	return rc;
}

/* XXX(#3): every policy change rebuilds all tries from scratch, which
 * takes seconds of control-thread time at 50k rules (docs/spd.md);
 * policies installed per CHILD_SA by IKE will need an incremental layer
 * on top of a static base. */
int
mif_spd_build(struct mif_spd *spd)
{
	uint32_t i;
	int rc;

	if (spd->built)
		return -EBUSY;
	if (spd->n_rules > 1)
		qsort(spd->rules_w, spd->n_rules, sizeof(*spd->rules_w),
		      rule_cmp);

	spd->verdict_w = rte_malloc_socket("mif_spd_verdict",
					   (spd->n_rules + 1) * sizeof(uint32_t),
					   RTE_CACHE_LINE_SIZE, spd->socket_id);
	if (spd->verdict_w == NULL) {
		MIF_LOG(dp, ERR, "spd %s: no memory for %u verdicts",
			spd->name, spd->n_rules + 1);
		return -ENOMEM;
	}
	spd->verdict_w[0] = spd->def_action == MIF_SPD_BYPASS ?
			    MIF_SPD_V_BYPASS : MIF_SPD_V_DISCARD;
	for (i = 0; i < spd->n_rules; i++)
		spd->verdict_w[i + 1] = rule_verdict(&spd->rules[i].r);
	spd->verdict = spd->verdict_w;

	if ((rc = acl_build_family(spd, AF_INET, &spd->acl4)) != 0)
		goto out;
	if ((rc = acl_build_family(spd, AF_INET6, &spd->acl6)) != 0)
		goto out;
	spd->built = true;
out:
	if (rc != 0) {
		rte_acl_free(spd->acl4);
		spd->acl4 = NULL;
		rte_free(spd->verdict_w);
		spd->verdict_w = NULL;
		spd->verdict = NULL;
	}
	return rc;
}

unsigned int
mif_spd_rule_count(const struct mif_spd *spd)
{
	return spd->n_rules;
}

enum mif_spd_dir
mif_spd_dir(const struct mif_spd *spd)
{
	return spd->dir;
}

/* Fast path. */

static void
acl_run(const struct mif_spd *spd, const struct rte_acl_ctx *ctx,
	const uint8_t **in, const uint16_t *idx, uint32_t n,
	uint32_t results[])
{
	uint32_t r[SPD_CHUNK];
	uint32_t i;

	if (n == 0)
		return;
	if (ctx == NULL) {
		/* No rule of this family: all take the default. */
		for (i = 0; i < n; i++)
			results[idx[i]] = spd->verdict[0];
		return;
	}
	if (unlikely(rte_acl_classify(ctx, in, r, n, 1) != 0)) {
		for (i = 0; i < n; i++)
			results[idx[i]] = MIF_SPD_V_DISCARD;
		return;
	}
	for (i = 0; i < n; i++)
		results[idx[i]] = spd->verdict[r[i]];
}

static void
classify_chunk(const struct mif_spd *spd, struct rte_mbuf *mb[], uint16_t n,
	       uint32_t results[])
{
	union spd_key keys[SPD_CHUNK];
	const uint8_t *in4[SPD_CHUNK], *in6[SPD_CHUNK];
	uint16_t idx4[SPD_CHUNK], idx6[SPD_CHUNK];
	uint32_t n4 = 0, n6 = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (unlikely(key_parse(mb[i], &keys[i]) != 0)) {
			results[i] = MIF_SPD_V_BADPKT;
			continue;
		}
		if (keys[i].k4.family == AF_INET) {
			in4[n4] = (const uint8_t *)&keys[i].k4;
			idx4[n4++] = i;
		} else {
			in6[n6] = (const uint8_t *)&keys[i].k6;
			idx6[n6++] = i;
		}
	}
	acl_run(spd, spd->acl4, in4, idx4, n4, results);
	acl_run(spd, spd->acl6, in6, idx6, n6, results);
}

void
mif_spd_classify_burst(const struct mif_spd *spd, struct rte_mbuf *mb[],
		       uint16_t n, uint32_t results[])
{
	uint16_t i, c;

	RTE_ASSERT(spd == NULL || spd->built);
	if (unlikely(spd == NULL)) {
		/* Nothing published yet: fail closed. */
		for (i = 0; i < n; i++)
			results[i] = MIF_SPD_V_DISCARD;
		return;
	}
	for (i = 0; i < n; i += c) {
		c = RTE_MIN(n - i, SPD_CHUNK);
		classify_chunk(spd, mb + i, c, results + i);
	}
}

void
mif_spd_classify_linear_burst(const struct mif_spd *spd,
			      struct rte_mbuf *mb[], uint16_t n,
			      uint32_t results[])
{
	union spd_key k;
	uint32_t j;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (key_parse(mb[i], &k) != 0) {
			results[i] = MIF_SPD_V_BADPKT;
			continue;
		}
		for (j = 0; j < spd->n_rules; j++)
			if (sel_match_key(&spd->rules[j].r.sel, &k))
				break;
		results[i] = spd->verdict[j < spd->n_rules ? j + 1 : 0];
	}
}

int
mif_spd_check_inner(const struct mif_spd_sel *sels, unsigned int n_sels,
		    const struct rte_mbuf *m)
{
	union spd_key k;
	unsigned int i;

	if (key_parse(m, &k) != 0)
		return -EBADMSG;
	for (i = 0; i < n_sels; i++)
		if (sel_match_key(&sels[i], &k))
			return 0;
	return -EACCES;
}

int
mif_spd_publish(struct mif_spd **slot, struct mif_spd *spd,
		struct rte_rcu_qsbr *qs)
{
	struct mif_spd *old;

	if (spd == NULL || !spd->built || qs == NULL)
		return -EINVAL;
	/* Release: the tries, verdicts and rules written by the build are
	 * visible to any worker whose acquire load sees the new pointer. */
	old = __atomic_exchange_n(slot, spd, __ATOMIC_ACQ_REL);
	if (old == NULL || old == spd)
		return 0;
	/* Starts a new token after the store and waits until every online
	 * reader reported quiescent past it: no worker holds old now. */
	rte_rcu_qsbr_synchronize(qs, RTE_QSBR_THRID_INVALID);
	MIF_LOG(dp, INFO, "spd %s (%u rules) replaces %s (%u rules)",
		spd->name, spd->n_rules, old->name, old->n_rules);
	mif_spd_destroy(old);
	return 0;
}

static void
dump_proto(const struct mif_spd_sel *s, char *buf, size_t len)
{
	if (s->proto == MIF_SPD_PROTO_ANY)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%u", s->proto);
}

int
mif_spd_dump(const struct mif_spd *spd, FILE *f)
{
	char src[MIF_PREFIX_STRLEN], dst[MIF_PREFIX_STRLEN], proto[8];
	const struct mif_spd_rule *r;
	uint32_t i;

	fprintf(f, "spd %s: dir %s, default %s, %u rules%s\n", spd->name,
		spd->dir == MIF_SPD_DIR_OUT ? "out" : "in",
		mif_spd_action_name(spd->def_action), spd->n_rules,
		spd->built ? "" : " (not built)");
	for (i = 0; i < spd->n_rules; i++) {
		r = &spd->rules[i].r;
		dump_proto(&r->sel, proto, sizeof(proto));
		fprintf(f, "  %u: prio %u %s -> %s proto %s sport %u-%u dport %u-%u %s",
			i, r->priority,
			mif_prefix_fmt(&r->sel.src, src, sizeof(src)),
			mif_prefix_fmt(&r->sel.dst, dst, sizeof(dst)), proto,
			r->sel.sport_lo, r->sel.sport_hi, r->sel.dport_lo,
			r->sel.dport_hi, mif_spd_action_name(r->action));
		if (r->action == MIF_SPD_PROTECT)
			fprintf(f, " sa %u", r->sa_id);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* Names, for the configuration loader and the CLI. */

static const char *const action_names[] = {
	[MIF_SPD_DISCARD] = "discard",
	[MIF_SPD_BYPASS] = "bypass",
	[MIF_SPD_PROTECT] = "protect",
};

const char *
mif_spd_action_name(enum mif_spd_action a)
{
	if ((unsigned int)a >= RTE_DIM(action_names))
		return "?";
	return action_names[a];
}

int
mif_spd_action_parse(const char *s, enum mif_spd_action *a)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(action_names); i++) {
		if (strcasecmp(s, action_names[i]) == 0) {
			*a = (enum mif_spd_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The configuration loader owns the syntax; the CLI shares it. */
int
mif_spd_proto_parse(const char *s, uint16_t *proto)
{
	return mif_cfg_proto_parse(s, proto);
}

int
mif_spd_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi)
{
	return mif_cfg_port_range_parse(s, lo, hi);
}
