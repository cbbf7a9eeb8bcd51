/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "common/rd.h"
#include "dataplane/esp_hdr.h"
#include "dataplane/esp_outb.h"
#include "dataplane/ifset.h"

#define OUTER_TTL	64
#define ECN_MASK	0x03

/* What the prepare step learnt about one inner packet. */
struct inner {
	uint8_t family;
	uint8_t proto;		/* next header for the ESP trailer */
	uint8_t tos;		/* DSCP + ECN, IPv4 TOS or IPv6 class */
	bool df;
	uint16_t hlen;		/* IP header (+ IPv6 extensions) */
	uint16_t nh_off;	/* byte naming what follows hlen */
	uint32_t len;		/* whole inner packet */
};

static inline void
drop_sa(struct mif_esp_ctx *ctx, struct mif_esp_pkt *pk, struct mif_sa *sa,
	enum mif_sa_drop reason)
{
	mif_sa_drop(sa, ctx->slot, reason);
	pk->err = 1;
}

static inline void
drop_ctx(struct mif_esp_ctx *ctx, struct mif_esp_pkt *pk,
	 enum mif_esp_drop reason)
{
	ctx->drop[reason]++;
	pk->err = 1;
}

/* Transport mode puts ESP after the IPv6 hop-by-hop, routing and
 * destination options headers (RFC 4303 3.1.1): walk them within the
 * packet's length. */
static int
v6_ext_walk(const uint8_t *p, struct inner *in)
{
	struct mif_rd rd;
	uint8_t e[2];
	unsigned int n;

	mif_rd_init(&rd, p + in->hlen, in->len - in->hlen);
	for (n = 0; in->proto == 0 || in->proto == 43 || in->proto == 60;
	     n++) {
		if (n == 8)
			return -ENOTSUP;
		in->nh_off = rd.p - p;
		if (mif_rd_get_bytes(&rd, e, sizeof(e)) != 0 ||
		    mif_rd_skip(&rd, e[1] * 8u + 6) != 0)
			return -EBADMSG;
		in->proto = e[0];
	}
	in->hlen = rd.p - p;
	return 0;
}

/* Parse the inner IP header with explicit bounds; trims L2 padding. */
static int
inner_parse(struct rte_mbuf *m, struct inner *in)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t have = rte_pktmbuf_data_len(m);
	uint16_t tot;
	uint32_t vtc;

	if (have < 1)
		return -EBADMSG;
	if ((p[0] >> 4) == 4) {
		struct rte_ipv4_hdr h;

		if (have < sizeof(h))
			return -EBADMSG;
		memcpy(&h, p, sizeof(h));
		in->hlen = (h.version_ihl & 0x0f) * 4;
		tot = rte_be_to_cpu_16(h.total_length);
		if (in->hlen < sizeof(h) || tot < in->hlen || tot > have)
			return -EBADMSG;
		in->family = AF_INET;
		in->len = tot;
		in->tos = h.type_of_service;
		in->df = (rte_be_to_cpu_16(h.fragment_offset) &
			  RTE_IPV4_HDR_DF_FLAG) != 0;
		in->proto = h.next_proto_id;
		in->nh_off = offsetof(struct rte_ipv4_hdr, next_proto_id);
	} else if ((p[0] >> 4) == 6) {
		struct rte_ipv6_hdr h;

		if (have < sizeof(h))
			return -EBADMSG;
		memcpy(&h, p, sizeof(h));
		in->hlen = sizeof(h);
		in->len = sizeof(h) + rte_be_to_cpu_16(h.payload_len);
		if (in->len > have)
			return -EBADMSG;
		vtc = rte_be_to_cpu_32(h.vtc_flow);
		in->family = AF_INET6;
		in->tos = (vtc >> 20) & 0xff;
		in->df = true;
		in->proto = h.proto;
		in->nh_off = offsetof(struct rte_ipv6_hdr, proto);
		if (v6_ext_walk(p, in) != 0)
			return -EBADMSG;
	} else {
		return -EBADMSG;
	}
	if (have > in->len)
		rte_pktmbuf_trim(m, have - in->len);
	return 0;
}

static uint16_t
outer_hlen(const struct mif_ifset_path *pa)
{
	return pa->ep.local.family == AF_INET ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
}

/* From the SA's prebuilt header: only TOS, length, ID, DF and the
 * checksum are written per packet. */
static void
outer_v4(struct mif_esp_ctx *ctx, const struct mif_sa *sa,
	 const struct mif_ifset_path *pa, uint8_t *o, const struct inner *in,
	 uint32_t tot)
{
	uint16_t w[4], ck;
	uint32_t sum;
	bool df;

	df = sa->df == MIF_SA_DF_SET || (sa->df == MIF_SA_DF_COPY && in->df);
	memcpy(o, pa->outer4, sizeof(pa->outer4));
	/* RFC 6040 4.1 normal mode: the outer ECN field copies the inner
	 * one; DSCP is copied as RFC 4301 5.1.2.1 allows. */
	o[1] = in->tos;
	w[1] = rte_cpu_to_be_16(tot);
	w[2] = rte_cpu_to_be_16(ctx->ip_id++);
	w[3] = rte_cpu_to_be_16(df ? RTE_IPV4_HDR_DF_FLAG : 0);
	memcpy(o + 2, &w[1], 6);
	memcpy(&w[0], o, 2);
	/* RFC 1071: the sum is byte-order independent, so the words are
	 * added as they lie in memory. */
	sum = pa->outer4_sum + w[0] + w[1] + w[2] + w[3];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ck = (uint16_t)~sum;
	memcpy(o + 10, &ck, 2);
}

static void
outer_v6(const struct mif_ifset_path *pa, uint8_t *o, const struct inner *in,
	 uint32_t tot, uint8_t proto)
{
	struct rte_ipv6_hdr h;

	memset(&h, 0, sizeof(h));
	/* Traffic class copied like the IPv4 TOS above (RFC 6040 4.1). */
	h.vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)in->tos << 20);
	h.payload_len = rte_cpu_to_be_16(tot - sizeof(h));
	h.proto = proto;
	h.hop_limits = OUTER_TTL;
	memcpy(h.src_addr, pa->ep.local.v6, 16);
	memcpy(h.dst_addr, pa->ep.remote.v6, 16);
	memcpy(o, &h, sizeof(h));
}

static void
udp_write(const struct mif_ifset_path *pa, uint8_t *u, uint32_t len)
{
	struct mif_esp_udp h;

	h.sport = rte_cpu_to_be_16(pa->ep.sport);
	h.dport = rte_cpu_to_be_16(pa->ep.dport);
	h.len = rte_cpu_to_be_16(len);
	/* RFC 3948 2.1: zero over IPv4. Over IPv6 it is filled after
	 * encryption, when the bytes it covers are final. */
	h.cksum = 0;
	memcpy(u, &h, sizeof(h));
}

/* Transport mode: the IP header (with any IPv6 extension headers)
 * moves to the new front; the byte that named the upper layer now
 * names ESP (or UDP), and the length grows. */
static void
transport_fix(uint8_t *ip, const struct inner *in, uint32_t tot,
	      uint8_t proto)
{
	uint16_t v;

	ip[in->nh_off] = proto;
	if (in->family == AF_INET) {
		struct rte_ipv4_hdr h;

		memcpy(&h, ip, sizeof(h));
		h.total_length = rte_cpu_to_be_16(tot);
		h.hdr_checksum = 0;
		memcpy(ip, &h, sizeof(h));
		h.hdr_checksum = rte_ipv4_cksum((struct rte_ipv4_hdr *)ip);
		memcpy(ip + offsetof(struct rte_ipv4_hdr, hdr_checksum),
		       &h.hdr_checksum, sizeof(h.hdr_checksum));
	} else {
		v = rte_cpu_to_be_16(tot - sizeof(struct rte_ipv6_hdr));
		memcpy(ip + offsetof(struct rte_ipv6_hdr, payload_len), &v, 2);
	}
}

static uint8_t
outer_family(const struct mif_sa *sa, const struct mif_ifset_path *pa,
	     const struct inner *in)
{
	return sa->mode == MIF_SA_MODE_TUNNEL ? pa->ep.local.family : in->family;
}

/* Sizes of one encapsulation, computed before anything is written. */
struct geom {
	const struct mif_ifset_path *pa;	/* outer addresses, ports (in) */
	uint16_t l3;		/* outer (tunnel) or kept (transport) header */
	uint16_t udp;
	uint16_t add;		/* bytes prepended */
	uint32_t pl;		/* payload bytes to protect */
	uint32_t pad;
	uint32_t tail;		/* bytes appended: pad, trailer, ICV */
	uint32_t tot;		/* final IP packet length */
};

static int
geom_of(const struct mif_sa *sa, const struct inner *in, struct geom *g)
{
	uint32_t a = sa->align;

	g->udp = g->pa->ep.udp_encap ? sizeof(struct mif_esp_udp) : 0;
	if (sa->mode == MIF_SA_MODE_TUNNEL) {
		g->l3 = outer_hlen(g->pa);
		g->pl = in->len;
		g->add = g->l3 + g->udp + sizeof(struct mif_esp_hdr) +
			 sa->iv_len;
	} else {
		g->l3 = in->hlen;
		g->pl = in->len - in->hlen;
		g->add = g->udp + sizeof(struct mif_esp_hdr) + sa->iv_len;
	}
	/* RFC 4303 2.4: pad so that payload + trailer fills whole cipher
	 * blocks and the ICV starts 4-byte aligned. The block is 4 or 16
	 * (sa.c), a power of two: a mask instead of two divisions. */
	RTE_ASSERT(rte_is_power_of_2(a));
	g->pad = -(g->pl + sizeof(struct mif_esp_tail)) & (a - 1);
	g->tail = g->pad + sizeof(struct mif_esp_tail) + sa->icv_len;
	g->tot = (sa->mode == MIF_SA_MODE_TRANSPORT ? g->l3 : 0) + g->add +
		 g->pl + g->tail;
	/* IPv4 counts the header in its length field, IPv6 does not. */
	if (g->tot - (outer_family(sa, g->pa, in) == AF_INET6 ? 40u : 0u) > UINT16_MAX)
		return -EMSGSIZE;
	return 0;
}

/* Checks before anything is written: layout, room, support. */
static int
prepare_check(struct mif_esp_ctx *ctx, struct mif_sa *sa, struct rte_mbuf *m,
	      struct mif_esp_pkt *pk, struct inner *in, struct geom *g)
{
	if (m->nb_segs != 1) {
		drop_ctx(ctx, pk, MIF_ESP_DROP_NONLINEAR);
		return -ENOTSUP;
	}
	if (inner_parse(m, in) != 0 || geom_of(sa, in, g) != 0) {
		drop_sa(ctx, pk, sa, MIF_SA_DROP_BAD_LEN);
		return -EBADMSG;
	}
	if (rte_pktmbuf_headroom(m) < g->add ||
	    rte_pktmbuf_tailroom(m) < g->tail) {
		drop_ctx(ctx, pk, MIF_ESP_DROP_NOSPACE);
		return -ENOSPC;
	}
	return 0;
}

static const uint8_t pad_seq[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

/* Padding and trailer at the end, IP (+UDP) and ESP header in front.
 * Returns the start of the packet. */
static uint8_t *
write_frame(struct mif_esp_ctx *ctx, const struct mif_sa *sa,
	    struct rte_mbuf *m, const struct mif_esp_pkt *pk,
	    const struct inner *in, const struct geom *g)
{
	uint8_t proto = g->udp ? IPPROTO_UDP : MIF_IPPROTO_ESP;
	struct mif_esp_tail et;
	struct mif_esp_hdr eh;
	uint8_t *p, *t;
	uint32_t i;

	/* RFC 4303 2.4 default padding 1, 2, 3, ... (pad < 16). One
	 * fixed-size copy when the appended tail holds 16 bytes: what lands
	 * past the padding is overwritten by the trailer below and by the
	 * ICV (or the ESN high half, write_iv()). Only pad 0 or 1 with a
	 * 12-byte ICV leaves a shorter tail. */
	RTE_ASSERT(g->pad < sizeof(pad_seq));
	t = (uint8_t *)rte_pktmbuf_append(m, g->tail);
	if (likely(g->tail >= sizeof(pad_seq))) {
		memcpy(t, pad_seq, sizeof(pad_seq));
	} else {
		for (i = 0; i < g->pad; i++)
			t[i] = pad_seq[i];
	}
	et.pad_len = g->pad;
	et.next_proto = sa->mode == MIF_SA_MODE_TRANSPORT ? in->proto :
		in->family == AF_INET ? MIF_IPPROTO_IPIP : MIF_IPPROTO_IPV6;
	memcpy(t + g->pad, &et, sizeof(et));

	p = (uint8_t *)rte_pktmbuf_prepend(m, g->add);
	if (sa->mode == MIF_SA_MODE_TRANSPORT) {
		memmove(p, p + g->add, g->l3);
		transport_fix(p, in, g->tot, proto);
	} else if (g->pa->ep.local.family == AF_INET) {
		outer_v4(ctx, sa, g->pa, p, in, g->tot);
	} else {
		outer_v6(g->pa, p, in, g->tot, proto);
	}
	if (g->udp)
		udp_write(g->pa, p + g->l3, g->tot - g->l3);

	eh.spi = rte_cpu_to_be_32(sa->spi);
	eh.seq = rte_cpu_to_be_32((uint32_t)pk->seq);
	memcpy(p + g->l3 + g->udp, &eh, sizeof(eh));
	return p;
}

/* IV into the packet; GCM nonce and AAD, or the ESN high half for an
 * HMAC, into the scratch. */
static void
write_iv(struct mif_esp_ctx *ctx, const struct mif_sa *sa, uint8_t *p,
	 struct mif_esp_pkt *pk, const uint8_t *iv_in)
{
	uint8_t *esp = p + pk->l3_len + pk->udp_len;
	uint8_t *iv = esp + sizeof(struct mif_esp_hdr);
	uint32_t hi = rte_cpu_to_be_32((uint32_t)(pk->seq >> 32));
	uint64_t s = rte_cpu_to_be_64(pk->seq);

	if (sa->cipher == MIF_SA_CIPHER_AES_GCM16) {
		/* RFC 4106 3.1: the IV only has to be unique per key; the
		 * 64-bit sequence number is. */
		memcpy(iv, iv_in ? iv_in : (const uint8_t *)&s, 8);
		memcpy(pk->nonce, sa->keys->salt, 4);
		memcpy(pk->nonce + 4, iv, 8);
		/* RFC 4106 5: SPI, [ESN high], sequence low. */
		memcpy(pk->aad, esp, 4);
		if (sa->esn) {
			memcpy(pk->aad + 4, &hi, 4);
			memcpy(pk->aad + 8, esp + 4, 4);
		} else {
			memcpy(pk->aad + 4, esp + 4, 4);
		}
		return;
	}
	if (sa->cipher == MIF_SA_CIPHER_AES_CBC) {
		if (iv_in != NULL)
			memcpy(iv, iv_in, 16);
		else
			mif_esp_cbc_iv(ctx->mgr, sa, pk->seq, iv);
	}
	/* RFC 4303 2.2.1: the ESN high half is authenticated as if it
	 * followed the trailer; it sits where the ICV will be written,
	 * and is read before the tag overwrites it. */
	if (sa->esn)
		memcpy(p + pk->ct_off + pk->ct_len, &hi, 4);
}

/* Build one packet up to the point where only crypto is missing. */
static int
prepare(struct mif_esp_ctx *ctx, struct mif_sa *sa,
	const struct mif_ifset_path *pa, struct rte_mbuf *m,
	struct mif_esp_pkt *pk, const uint8_t *iv_in)
{
	struct inner in;
	struct geom g;
	uint8_t *p;
	int rc;

	g.pa = pa;
	if ((rc = prepare_check(ctx, sa, m, pk, &in, &g)) != 0)
		return rc;
	pk->len = in.len;
	p = write_frame(ctx, sa, m, pk, &in, &g);
	pk->l3_len = g.l3;
	pk->udp_len = g.udp;
	pk->ct_off = g.l3 + g.udp + sizeof(struct mif_esp_hdr) + sa->iv_len;
	pk->ct_len = g.pl + g.pad + sizeof(struct mif_esp_tail);
	m->l2_len = 0;
	m->l3_len = g.l3;
	write_iv(ctx, sa, p, pk, iv_in);
	return 0;
}

/* Reserve up to @n sequence numbers; returns how many were granted
 * and the first one in *first. Never wraps (RFC 4303 3.3.3). */
static uint16_t
seq_take(struct mif_sa *sa, uint16_t n, uint64_t *first)
{
	uint64_t cur, left, take;

	cur = __atomic_load_n(&sa->seq, __ATOMIC_RELAXED);
	do {
		left = sa->seq_max - cur;
		take = RTE_MIN((uint64_t)n, left);
		if (take == 0)
			break;
	} while (!__atomic_compare_exchange_n(&sa->seq, &cur, cur + take,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	*first = cur + 1;
	return take;
}

static void
crypto_run(struct mif_esp_ctx *ctx, struct mif_sa *sa, struct rte_mbuf *mb[],
	   uint16_t n)
{
	struct mif_esp_job j;
	struct mif_esp_pkt *pk;
	IMB_JOB *job;
	uint16_t i;

	for (i = 0; i < n; i++) {
		pk = &ctx->pkt[i];
		pk->crypto_ok = false;
		if (pk->err)
			continue;
		j.buf = rte_pktmbuf_mtod(mb[i], uint8_t *);
		j.esp_off = pk->l3_len + pk->udp_len;
		j.ct_off = pk->ct_off;
		j.ct_len = pk->ct_len;
		j.auth_len = pk->ct_off + pk->ct_len - j.esp_off +
			(sa->esn ? 4 : 0);
		j.iv = sa->cipher == MIF_SA_CIPHER_AES_GCM16 ? pk->nonce :
			j.buf + j.esp_off + sizeof(struct mif_esp_hdr);
		j.aad = pk->aad;
		j.tag = j.buf + pk->ct_off + pk->ct_len;
		j.encrypt = true;
		j.user = pk;
		job = IMB_GET_NEXT_JOB(ctx->mgr);
		mif_esp_job_fill(job, sa, &j);
		job = IMB_SUBMIT_JOB(ctx->mgr);
		for (; job != NULL; job = IMB_GET_COMPLETED_JOB(ctx->mgr))
			((struct mif_esp_pkt *)job->user_data)->crypto_ok =
				job->status == IMB_STATUS_COMPLETED;
	}
	while ((job = IMB_FLUSH_JOB(ctx->mgr)) != NULL)
		((struct mif_esp_pkt *)job->user_data)->crypto_ok =
			job->status == IMB_STATUS_COMPLETED;
}

static void
udp6_cksum(struct rte_mbuf *m, uint16_t l3)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t ck;

	ck = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)p, p + l3);
	memcpy(p + l3 + offsetof(struct mif_esp_udp, cksum), &ck, 2);
}

/* Move good packets to the front, keeping order; returns their count. */
static uint16_t
compact(struct mif_esp_ctx *ctx, struct rte_mbuf *mb[], uint16_t n)
{
	struct rte_mbuf *bad[MIF_ESP_BURST];
	uint16_t i, k = 0, b = 0;

	for (i = 0; i < n; i++) {
		if (ctx->pkt[i].err)
			bad[b++] = mb[i];
		else
			mb[k++] = mb[i];
	}
	memcpy(&mb[k], bad, b * sizeof(bad[0]));
	return k;
}

/* The path of one packet: by flow for tunnels; in transport mode the
 * packet's own addresses must be an ACTIVE path's (NULL: drop). */
static const struct mif_ifset_path *
path_of(const struct mif_ifset *set, const struct mif_sa *sa,
	const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	if (sa->mode == MIF_SA_MODE_TUNNEL)
		return mif_ifset_outb_choose(set, set->policy ==
					     MIF_IFSET_POL_PRIMARY ? 0 :
					     mif_ifset_flow_hash(p, len));
	/* XXX(#4): transport-mode SAs may be configured with endpoints
	 * that are not the packets' addresses; outbound, the addresses
	 * are therefore not checked yet (the primary path counts). */
	if (!set->wildcard && set->primary != MIF_IFSET_NONE)
		return &set->path[set->primary];
	if (len >= sizeof(struct rte_ipv6_hdr) && (p[0] >> 4) == 6)
		return mif_ifset_outb_transport(set, AF_INET6, p + 8, p + 24,
						sa->ep.udp_encap);
	if (len >= sizeof(struct rte_ipv4_hdr) && (p[0] >> 4) == 4)
		return mif_ifset_outb_transport(set, AF_INET, p + 12, p + 16,
						sa->ep.udp_encap);
	return NULL;
}

static uint16_t
outb_round(struct mif_esp_ctx *ctx, struct mif_sa *sa, struct rte_mbuf *mb[],
	   uint16_t n, const uint8_t (*iv)[16])
{
	const struct mif_ifset *set = mif_ifset_load(sa->ifs);
	const struct mif_ifset_path *pa[MIF_ESP_BURST];
	struct mif_esp_pkt *pk;
	uint64_t first = 0, bytes = 0, now = rte_get_tsc_cycles();
	uint16_t i, got, good = 0;
	uint32_t ev = mif_sa_events(sa);
	enum mif_sa_drop why;

	if (now >= sa->hard_tsc)
		mif_sa_event_raise(sa, MIF_SA_EV_HARD | MIF_SA_EV_SOFT);
	else if (now >= sa->soft_tsc && !(ev & MIF_SA_EV_SOFT))
		mif_sa_event_raise(sa, MIF_SA_EV_SOFT);
	ev = mif_sa_events(sa);
	got = 0;
	if (!(ev & (MIF_SA_EV_HARD | MIF_SA_EV_SEQ_OVERFLOW)))
		got = seq_take(sa, n, &first);
	if (got < n && !(ev & MIF_SA_EV_HARD))
		mif_sa_event_raise(sa, MIF_SA_EV_SEQ_OVERFLOW);
	why = ev & MIF_SA_EV_HARD ? MIF_SA_DROP_HARD_EXPIRED :
		MIF_SA_DROP_SEQ_OVERFLOW;

	for (i = 0; i < n; i++) {
		pk = &ctx->pkt[i];
		pk->err = 0;
		if (unlikely(i >= got)) {
			drop_sa(ctx, pk, sa, why);
			continue;
		}
		pk->seq = first + i;
		/* Paths share the SA's one sequence space (issue 4). */
		pa[i] = path_of(set, sa, mb[i]);
		if (unlikely(pa[i] == NULL)) {
			mif_ifset_count_no_path(sa->ifs, ctx->slot);
			drop_sa(ctx, pk, sa, MIF_SA_DROP_PATH);
			continue;
		}
		prepare(ctx, sa, pa[i], mb[i], pk, iv ? iv[i] : NULL);
	}
	crypto_run(ctx, sa, mb, n);

	for (i = 0; i < n; i++) {
		pk = &ctx->pkt[i];
		if (pk->err)
			continue;
		if (unlikely(!pk->crypto_ok)) {
			drop_ctx(ctx, pk, MIF_ESP_DROP_CRYPTO);
			continue;
		}
		if (pk->udp_len && pa[i]->ep.local.family == AF_INET6)
			udp6_cksum(mb[i], pk->l3_len);
		bytes += pk->len;
		good++;
		mif_ifset_count_tx(sa->ifs, ctx->slot, pa[i], pk->len);
	}
	sa->ctr[ctx->slot].packets += good;
	sa->ctr[ctx->slot].bytes += bytes;
	if (good)
		mif_sa_life_charge(sa, good, bytes, now);
	return compact(ctx, mb, n);
}

/* Rotate mb[a..c) so that mb[b..c) comes first (three reversals). */
static void
rotate(struct rte_mbuf *mb[], uint16_t a, uint16_t b, uint16_t c)
{
	uint16_t r[3][2] = { { a, b }, { b, c }, { a, c } };
	struct rte_mbuf *t;
	unsigned int s;
	int i, j;

	for (s = 0; s < 3; s++) {
		for (i = r[s][0], j = r[s][1] - 1; i < j; i++, j--) {
			t = mb[i];
			mb[i] = mb[j];
			mb[j] = t;
		}
	}
}

uint16_t
mif_esp_outb_burst_iv(struct mif_esp_ctx *ctx, struct mif_sa *sa,
		      struct rte_mbuf *mb[], uint16_t n,
		      const uint8_t (*iv)[16])
{
	uint16_t off, c, r, k = 0;

	RTE_ASSERT(sa->dir == MIF_SA_DIR_OUT);
	RTE_ASSERT(ctx->slot < sa->n_slots);
	for (off = 0; off < n; off += c) {
		c = RTE_MIN(n - off, MIF_ESP_BURST);
		r = outb_round(ctx, sa, &mb[off], c, iv ? &iv[off] : NULL);
		if (k != off)
			rotate(mb, k, off, off + r);
		k += r;
	}
	return k;
}

uint16_t
mif_esp_outb_burst(struct mif_esp_ctx *ctx, struct mif_sa *sa,
		   struct rte_mbuf *mb[], uint16_t n)
{
	return mif_esp_outb_burst_iv(ctx, sa, mb, n, NULL);
}

int
mif_esp_keepalive_build(struct mif_esp_ctx *ctx, const struct mif_sa *sa,
			struct rte_mbuf *m)
{
	struct inner in = { .family = AF_INET, .df = false, .tos = 0 };
	const struct mif_ifset *set = mif_ifset_load(sa->ifs);
	const struct mif_ifset_path *pa = set->primary == MIF_IFSET_NONE ?
		NULL : &set->path[set->primary];
	uint16_t l3 = sizeof(struct rte_ipv4_hdr);
	uint32_t tot = l3 + sizeof(struct mif_esp_udp) + 1;
	uint8_t *p;

	/* On the primary ACTIVE path: the one a NAT binding matters most. */
	if (pa == NULL || !pa->ep.udp_encap || pa->ep.local.family != AF_INET)
		return -EINVAL;
	p = (uint8_t *)rte_pktmbuf_append(m, tot);
	if (p == NULL)
		return -ENOSPC;
	outer_v4(ctx, sa, pa, p, &in, tot);
	udp_write(pa, p + l3, tot - l3);
	p[tot - 1] = MIF_ESP_KEEPALIVE;
	m->l2_len = 0;
	m->l3_len = l3;
	return 0;
}
