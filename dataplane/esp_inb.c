/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "common/rd.h"
#include "dataplane/esp_hdr.h"
#include "dataplane/esp_inb.h"
#include "dataplane/ifset.h"
#include "dataplane/replay.h"
#include "dataplane/sad.h"

#define ECN_NOT_ECT	0
#define ECN_ECT1	1
#define ECN_ECT0	2
#define ECN_CE		3

/* What the outer parse learnt, per packet of a round. */
struct meta {
	uint32_t esp_off;		/* ESP header, from the IP header */
	uint32_t esp_end;		/* one past the ICV */
	uint32_t seq_lo;
	uint8_t src[16];		/* outer source, IPv4 in the first 4 */
	uint16_t sport;			/* UDP ports (host order) */
	uint16_t dport;
	uint8_t ecn;			/* outer ECN field */
	uint32_t plen;			/* payload after the trailer */
	uint8_t next;			/* trailer next header */
	bool udp;			/* arrived UDP-encapsulated */
	uint16_t l3_len;		/* IP header incl. IPv6 extensions */
	uint16_t nh_off;		/* byte naming what follows the IP */
};

#define V6_EXT_MAX	8		/* extension headers walked */

static inline void
drop_ctx(struct mif_esp_ctx *ctx, struct mif_esp_pkt *pk,
	 enum mif_esp_drop reason)
{
	ctx->drop[reason]++;
	pk->err = 1;
}

static inline void
drop_sa(struct mif_esp_ctx *ctx, struct mif_esp_pkt *pk,
	enum mif_sa_drop reason)
{
	mif_sa_drop(pk->sa, ctx->slot, reason);
	pk->err = 1;
}

/* RFC 3948: what follows the UDP header. IKE (non-ESP marker) should
 * have been sent to the control plane before this point; a stray one
 * is still recognised and dropped here. On success @rd covers exactly
 * the ESP packet. @return -1, or an MIF_ESP_DROP_ reason. */
static int
udp_parse(struct mif_rd *rd, struct meta *mt)
{
	static const uint8_t marker[4];
	struct mif_esp_udp u;
	uint16_t ulen;

	if (mif_rd_get_bytes(rd, &u, sizeof(u)) != 0)
		return MIF_ESP_DROP_BAD_LEN;
	mt->udp = true;
	mt->sport = rte_be_to_cpu_16(u.sport);
	mt->dport = rte_be_to_cpu_16(u.dport);
	ulen = rte_be_to_cpu_16(u.len);
	if (ulen < sizeof(u) || ulen - sizeof(u) > rd->left)
		return MIF_ESP_DROP_BAD_LEN;
	rd->left = ulen - sizeof(u);
	if (rd->left == 1 && rd->p[0] == MIF_ESP_KEEPALIVE)
		return MIF_ESP_DROP_KEEPALIVE;
	if (rd->left >= sizeof(marker) &&
	    memcmp(rd->p, marker, sizeof(marker)) == 0)
		return MIF_ESP_DROP_NOT_ESP;
	return -1;
}

/* IPv6 extension headers that may stand in front of ESP (RFC 4303
 * 3.1.1): hop-by-hop, routing, destination options. A fragment header
 * means a fragment, which is not reassembled here. */
static int
v6_ext_walk(struct mif_rd *rd, const uint8_t *start, struct meta *mt,
	    uint8_t *proto)
{
	uint8_t e[2];
	unsigned int n;

	for (n = 0; *proto == 0 || *proto == 43 || *proto == 60; n++) {
		if (n == V6_EXT_MAX)
			return MIF_ESP_DROP_UNSUPPORTED;
		mt->nh_off = rd->p - start;
		if (mif_rd_get_bytes(rd, e, sizeof(e)) != 0 ||
		    mif_rd_skip(rd, e[1] * 8u + 6) != 0)
			return MIF_ESP_DROP_BAD_LEN;
		*proto = e[0];
	}
	return *proto == 44 ? MIF_ESP_DROP_FRAGMENT : -1;
}

/* The outer IP header: on success @rd covers the IP payload. */
static int
ip_parse(struct mif_rd *rd, struct meta *mt, struct mif_sad_key *k,
	 uint8_t *proto)
{
	const uint8_t *start = rd->p;
	struct rte_ipv4_hdr h4;
	struct rte_ipv6_hdr h6;
	uint32_t hlen, tot;
	int rc;

	if (rd->left >= sizeof(h6) && (rd->p[0] >> 4) == 6) {
		mif_rd_get_bytes(rd, &h6, sizeof(h6));
		tot = rte_be_to_cpu_16(h6.payload_len);
		if (tot > rd->left)
			return MIF_ESP_DROP_BAD_LEN;
		rd->left = tot;
		*proto = h6.proto;
		mt->nh_off = offsetof(struct rte_ipv6_hdr, proto);
		if ((rc = v6_ext_walk(rd, start, mt, proto)) >= 0)
			return rc;
		mt->l3_len = rd->p - start;
		mt->ecn = (rte_be_to_cpu_32(h6.vtc_flow) >> 20) & 3;
		k->family = AF_INET6;
		memcpy(k->dst, h6.dst_addr, 16);
		memcpy(mt->src, h6.src_addr, 16);
		return -1;
	}
	if (mif_rd_get_bytes(rd, &h4, sizeof(h4)) != 0 ||
	    (h4.version_ihl >> 4) != 4)
		return MIF_ESP_DROP_BAD_LEN;
	hlen = (h4.version_ihl & 0x0f) * 4;
	tot = rte_be_to_cpu_16(h4.total_length);
	/* Order matters: each comparison makes the next subtraction safe. */
	if (hlen < sizeof(h4) || tot < hlen ||
	    tot - sizeof(h4) > rd->left ||
	    mif_rd_skip(rd, hlen - sizeof(h4)) != 0)
		return MIF_ESP_DROP_BAD_LEN;
	rd->left = tot - hlen;
	if (rte_be_to_cpu_16(h4.fragment_offset) &
	    (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return MIF_ESP_DROP_FRAGMENT;
	*proto = h4.next_proto_id;
	mt->l3_len = hlen;
	mt->nh_off = offsetof(struct rte_ipv4_hdr, next_proto_id);
	mt->ecn = h4.type_of_service & 3;
	k->family = AF_INET;
	memcpy(k->dst, &h4.dst_addr, 4);
	memcpy(mt->src, &h4.src_addr, 4);
	return -1;
}

/* Bounds-checked parse of the outer headers through a cursor; fills the
 * SAD key. Trailing L2 padding is cut off. @return -1 when fine, else
 * an MIF_ESP_DROP_ reason. */
static int
outer_parse(struct rte_mbuf *m, struct meta *mt, struct mif_sad_key *k)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	struct mif_esp_hdr eh;
	struct mif_rd rd;
	uint8_t proto = 0;
	int rc;

	if (m->nb_segs != 1)
		return MIF_ESP_DROP_NONLINEAR;
	memset(k, 0, sizeof(*k));
	mt->udp = false;
	mt->sport = mt->dport = 0;
	mif_rd_init(&rd, p, rte_pktmbuf_data_len(m));
	if ((rc = ip_parse(&rd, mt, k, &proto)) >= 0)
		return rc;
	if ((size_t)(rd.p - p) + rd.left < rte_pktmbuf_data_len(m))
		rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) -
				 (rd.p - p) - rd.left);
	mt->udp = proto == IPPROTO_UDP;
	if (mt->udp) {
		if ((rc = udp_parse(&rd, mt)) >= 0)
			return rc;
	} else if (proto != MIF_IPPROTO_ESP) {
		return MIF_ESP_DROP_NOT_ESP;
	}
	mt->esp_off = rd.p - p;
	mt->esp_end = mt->esp_off + rd.left;
	if (mif_rd_get_bytes(&rd, &eh, sizeof(eh)) != 0)
		return MIF_ESP_DROP_BAD_LEN;
	k->spi = rte_be_to_cpu_32(eh.spi);
	mt->seq_lo = rte_be_to_cpu_32(eh.seq);
	return -1;
}

/* Per-SA checks before crypto, then the job description. */
static int
check_prepare(struct mif_esp_ctx *ctx, struct rte_mbuf *m,
	      struct mif_esp_pkt *pk, const struct meta *mt, uint64_t now)
{
	struct mif_sa *sa = pk->sa;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t fixed, body, hi;

	if (unlikely(mif_sa_dead(sa) || now >= sa->hard_tsc)) {
		if (now >= sa->hard_tsc)
			mif_sa_event_raise(sa, MIF_SA_EV_HARD | MIF_SA_EV_SOFT);
		drop_sa(ctx, pk, MIF_SA_DROP_HARD_EXPIRED);
		return -1;
	}
	fixed = sizeof(struct mif_esp_hdr) + sa->iv_len + sa->icv_len;
	if (mt->esp_end - mt->esp_off < fixed + sizeof(struct mif_esp_tail)) {
		drop_sa(ctx, pk, MIF_SA_DROP_BAD_LEN);
		return -1;
	}
	body = mt->esp_end - mt->esp_off - fixed;
	if (sa->cipher == MIF_SA_CIPHER_AES_CBC && (body % 16) != 0) {
		drop_sa(ctx, pk, MIF_SA_DROP_BAD_LEN);
		return -1;
	}
	pk->seq = mif_replay_infer(sa->replay, mt->seq_lo, sa->esn);
	if (mif_replay_check(sa->replay, pk->seq) != 0) {
		drop_sa(ctx, pk, MIF_SA_DROP_REPLAY);
		return -1;
	}

	pk->ct_off = mt->esp_off + sizeof(struct mif_esp_hdr) + sa->iv_len;
	pk->ct_len = body;
	/* The received ICV is copied out: with ESN its place holds the
	 * high sequence bits while the HMAC runs (RFC 4303 2.2.1). */
	memcpy(pk->icv_rx, p + pk->ct_off + body, sa->icv_len);
	hi = rte_cpu_to_be_32((uint32_t)(pk->seq >> 32));
	if (sa->cipher == MIF_SA_CIPHER_AES_GCM16) {
		memcpy(pk->nonce, sa->keys->salt, 4);
		memcpy(pk->nonce + 4, p + mt->esp_off + 8, 8);
		memcpy(pk->aad, p + mt->esp_off, 4);
		if (sa->esn) {
			memcpy(pk->aad + 4, &hi, 4);
			memcpy(pk->aad + 8, p + mt->esp_off + 4, 4);
		} else {
			memcpy(pk->aad + 4, p + mt->esp_off + 4, 4);
		}
	} else if (sa->esn) {
		memcpy(p + pk->ct_off + body, &hi, 4);
	}
	return 0;
}

static void
crypto_run(struct mif_esp_ctx *ctx, struct rte_mbuf *mb[],
	   const struct meta *mt, uint16_t n)
{
	struct mif_esp_pkt *pk;
	struct mif_esp_job j;
	IMB_JOB *job;
	uint16_t i;

	for (i = 0; i < n; i++) {
		pk = &ctx->pkt[i];
		pk->crypto_ok = false;
		if (pk->err)
			continue;
		j.buf = rte_pktmbuf_mtod(mb[i], uint8_t *);
		j.esp_off = mt[i].esp_off;
		j.ct_off = pk->ct_off;
		j.ct_len = pk->ct_len;
		j.auth_len = pk->ct_off + pk->ct_len - j.esp_off +
			(pk->sa->esn ? 4 : 0);
		j.iv = pk->sa->cipher == MIF_SA_CIPHER_AES_GCM16 ? pk->nonce :
			j.buf + j.esp_off + sizeof(struct mif_esp_hdr);
		j.aad = pk->aad;
		j.tag = pk->icv;
		j.encrypt = false;
		j.user = pk;
		job = IMB_GET_NEXT_JOB(ctx->mgr);
		mif_esp_job_fill(job, pk->sa, &j);
		job = IMB_SUBMIT_JOB(ctx->mgr);
		for (; job != NULL; job = IMB_GET_COMPLETED_JOB(ctx->mgr))
			((struct mif_esp_pkt *)job->user_data)->crypto_ok =
				job->status == IMB_STATUS_COMPLETED;
	}
	while ((job = IMB_FLUSH_JOB(ctx->mgr)) != NULL)
		((struct mif_esp_pkt *)job->user_data)->crypto_ok =
			job->status == IMB_STATUS_COMPLETED;
}

/* ICV, then the window. Packets of one SA usually come in runs, so the
 * SA's update lock is taken once per run, not per packet: the test-
 * and-set must be atomic against other workers holding copies of the
 * same packet (RFC 4303 3.4.3).
 * This is the one lock on the worker path, kept on purpose: a lock-free
 * window needs an atomic read-modify-write per packet (the bit), plus a
 * CAS on the top and a tagged block so that a late packet cannot clear
 * a newer block. Uncontended, one lock per run of 32 costs less than
 * the 32 CASes alone (bench_crypto_path prints both; docs/esp.md). The
 * lock is contended only when two RX queues carry one SA. */
static void
verify_and_record(struct mif_esp_ctx *ctx, uint16_t n)
{
	struct mif_esp_pkt *pk;
	struct mif_sa *held = NULL;
	uint16_t i;

	for (i = 0; i < n; i++) {
		pk = &ctx->pkt[i];
		if (pk->err)
			continue;
		if (unlikely(!pk->crypto_ok)) {
			drop_ctx(ctx, pk, MIF_ESP_DROP_CRYPTO);
			continue;
		}
		if (!mif_esp_icv_eq(pk->icv, pk->icv_rx, pk->sa->icv_len)) {
			drop_sa(ctx, pk, MIF_SA_DROP_AUTH);
			continue;
		}
		if (held != pk->sa) {
			if (held != NULL)
				rte_spinlock_unlock(&held->lock);
			held = pk->sa;
			rte_spinlock_lock(&held->lock);
		}
		if (mif_replay_update(held->replay, pk->seq) != 0) {
			drop_sa(ctx, pk, MIF_SA_DROP_REPLAY);
			continue;
		}
		/* Only now is it the peer's: it counts on its path. */
		mif_ifset_count_rx(pk->sa->ifs, ctx->slot, pk->path_cslot);
	}
	if (held != NULL)
		rte_spinlock_unlock(&held->lock);
}

/* RFC 4303 2.4: padding bytes must be 1, 2, 3, ... */
static int
trailer_check(const uint8_t *p, struct mif_esp_pkt *pk, struct meta *mt)
{
	struct mif_esp_tail t;
	const uint8_t *pad;
	uint32_t i;

	memcpy(&t, p + pk->ct_off + pk->ct_len - sizeof(t), sizeof(t));
	if ((uint32_t)t.pad_len + sizeof(t) > pk->ct_len)
		return -EBADMSG;
	mt->plen = pk->ct_len - sizeof(t) - t.pad_len;
	mt->next = t.next_proto;
	pad = p + pk->ct_off + mt->plen;
	for (i = 0; i < t.pad_len; i++)
		if (pad[i] != i + 1)
			return -EBADMSG;
	return 0;
}

/* RFC 6040 4.2 decapsulation, normal mode. @return new inner ECN, or
 * -1 to drop (CE outside a not-ECT packet). */
static int
ecn_decap(uint8_t outer, uint8_t inner)
{
	if (inner == ECN_NOT_ECT)
		return outer == ECN_CE ? -1 : inner;
	if (outer == ECN_CE)
		return ECN_CE;
	if (outer == ECN_ECT1 && inner == ECN_ECT0)
		return ECN_ECT1;
	return inner;
}

/* Inner IPv4 of a tunnel: check its length, apply ECN. Returns its
 * length, or 0 with *why set. */
static uint32_t
inner4(uint8_t *in, const struct meta *mt, struct rte_mbuf *m,
       enum mif_sa_drop *why)
{
	struct rte_ipv4_hdr h;
	uint32_t len, hlen;
	int e;

	memcpy(&h, in, sizeof(h));
	len = rte_be_to_cpu_16(h.total_length);
	hlen = (h.version_ihl & 0x0f) * 4u;
	if (hlen < sizeof(h) || len < hlen || len > mt->plen)
		return 0;
	if ((e = ecn_decap(mt->ecn, h.type_of_service & 3)) < 0) {
		*why = MIF_SA_DROP_ECN;
		return 0;
	}
	if (e != (h.type_of_service & 3)) {
		h.type_of_service = (h.type_of_service & ~3) | e;
		h.hdr_checksum = 0;
		memcpy(in, &h, sizeof(h));
		h.hdr_checksum = rte_ipv4_cksum((void *)in);
		memcpy(in, &h, sizeof(h));
	}
	m->l3_len = hlen;
	m->packet_type = RTE_PTYPE_L3_IPV4;
	return len;
}

static uint32_t
inner6(uint8_t *in, const struct meta *mt, struct rte_mbuf *m,
       enum mif_sa_drop *why)
{
	struct rte_ipv6_hdr h;
	uint32_t len, vtc;
	int e;

	memcpy(&h, in, sizeof(h));
	len = sizeof(h) + rte_be_to_cpu_16(h.payload_len);
	if (len > mt->plen)
		return 0;
	vtc = rte_be_to_cpu_32(h.vtc_flow);
	if ((e = ecn_decap(mt->ecn, (vtc >> 20) & 3)) < 0) {
		*why = MIF_SA_DROP_ECN;
		return 0;
	}
	vtc = (vtc & ~(3u << 20)) | (uint32_t)e << 20;
	h.vtc_flow = rte_cpu_to_be_32(vtc);
	memcpy(in, &h, sizeof(h));
	m->l3_len = sizeof(h);
	m->packet_type = RTE_PTYPE_L3_IPV6;
	return len;
}

/* Tunnel mode: validate the inner header, apply ECN, strip. */
static int
tunnel_decap(struct rte_mbuf *m, struct mif_esp_pkt *pk,
	     const struct meta *mt, enum mif_sa_drop *why)
{
	uint8_t *in = rte_pktmbuf_mtod(m, uint8_t *) + pk->ct_off;
	uint32_t len;

	*why = MIF_SA_DROP_BAD_LEN;
	if (mt->next == MIF_IPPROTO_IPIP)
		len = mt->plen >= sizeof(struct rte_ipv4_hdr) &&
			(in[0] >> 4) == 4 ? inner4(in, mt, m, why) : 0;
	else if (mt->next == MIF_IPPROTO_IPV6)
		len = mt->plen >= sizeof(struct rte_ipv6_hdr) &&
			(in[0] >> 4) == 6 ? inner6(in, mt, m, why) : 0;
	else
		len = 0;
	if (len == 0) {
		/* Not a tunnel's next header: the trailer is malformed. */
		if (mt->next != MIF_IPPROTO_IPIP &&
		    mt->next != MIF_IPPROTO_IPV6)
			*why = MIF_SA_DROP_BAD_PAD;
		return -EBADMSG;
	}
	/* Anything after the inner packet is TFC padding (RFC 4303 2.7). */
	rte_pktmbuf_adj(m, pk->ct_off);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - len);
	pk->len = len;
	return 0;
}

/* RFC 3948 3.1.2: a transport-mode TCP/UDP checksum covers the
 * addresses the peer used before its NAT. The payload has passed the
 * ICV, so the checksum is simply computed again over the addresses
 * the packet now carries (an IPv4 UDP checksum of 0 stays 0). */
static void
natt_l4_fix(struct rte_mbuf *m, uint32_t hlen, uint8_t proto,
	    uint32_t plen)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *), *l4 = p + hlen;
	bool v4 = (p[0] >> 4) == 4;
	uint16_t ck, off;

	if (proto == IPPROTO_TCP && plen >= 20)
		off = 16;
	else if (proto == IPPROTO_UDP && plen >= 8)
		off = 6;
	else
		return;
	if (proto == IPPROTO_UDP && v4 && l4[off] == 0 && l4[off + 1] == 0)
		return;
	memset(l4 + off, 0, 2);
	ck = v4 ? rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)p, l4) :
		rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)p, l4);
	memcpy(l4 + off, &ck, 2);
}

/* Transport mode: the outer IP header (with any IPv6 extension
 * headers) moves up to the payload; the byte that named ESP or UDP now
 * names the trailer's next header. */
static int
transport_decap(struct rte_mbuf *m, struct mif_esp_pkt *pk,
		const struct meta *mt)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t hlen = mt->l3_len, len = hlen + mt->plen;
	uint16_t v;

	p[mt->nh_off] = mt->next;
	if ((p[0] >> 4) == 4) {
		struct rte_ipv4_hdr h;

		memcpy(&h, p, sizeof(h));
		h.total_length = rte_cpu_to_be_16(len);
		h.hdr_checksum = 0;
		memcpy(p, &h, sizeof(h));
		h.hdr_checksum = rte_ipv4_cksum((void *)p);
		memcpy(p, &h, sizeof(h));
		m->packet_type = RTE_PTYPE_L3_IPV4;
	} else {
		v = rte_cpu_to_be_16(len - sizeof(struct rte_ipv6_hdr));
		memcpy(p + offsetof(struct rte_ipv6_hdr, payload_len), &v, 2);
		m->packet_type = RTE_PTYPE_L3_IPV6;
	}
	memmove(p + pk->ct_off - hlen, p, hlen);
	rte_pktmbuf_adj(m, pk->ct_off - hlen);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - len);
	m->l3_len = hlen;
	/* XXX(#3): behind IPv6 extension headers the NAT-T checksum is
	 * not recomputed (the library helper takes the L4 length from the
	 * IPv6 payload length); such a checksum passes as received. */
	if (mt->udp && (m->packet_type == RTE_PTYPE_L3_IPV4 ||
			hlen == sizeof(struct rte_ipv6_hdr)))
		natt_l4_fix(m, hlen, mt->next, mt->plen);
	pk->len = len;
	return 0;
}

static void
decap_one(struct mif_esp_ctx *ctx, struct rte_mbuf *m,
	  struct mif_esp_pkt *pk, struct meta *mt)
{
	enum mif_sa_drop why;

	if (trailer_check(rte_pktmbuf_mtod(m, uint8_t *), pk, mt) != 0) {
		drop_sa(ctx, pk, MIF_SA_DROP_BAD_PAD);
		return;
	}
	if (mt->next == MIF_IPPROTO_NONE) {
		drop_ctx(ctx, pk, MIF_ESP_DROP_DUMMY);
		return;
	}
	if (pk->sa->mode == MIF_SA_MODE_TRANSPORT) {
		transport_decap(m, pk, mt);
		return;
	}
	if (tunnel_decap(m, pk, mt, &why) != 0)
		drop_sa(ctx, pk, why);
}

/* Count good packets and charge lifetimes once per run of one SA. */
static void
account(struct mif_esp_ctx *ctx, uint16_t n, uint64_t now)
{
	struct mif_sa *run = NULL;
	uint64_t pk_n = 0, by = 0;
	uint16_t i;

	for (i = 0; i <= n; i++) {
		struct mif_esp_pkt *pk = i < n ? &ctx->pkt[i] : NULL;

		if (pk != NULL && pk->err)
			continue;
		if (run != NULL && (pk == NULL || pk->sa != run)) {
			run->ctr[ctx->slot].packets += pk_n;
			run->ctr[ctx->slot].bytes += by;
			mif_sa_life_charge(run, pk_n, by, now);
			pk_n = by = 0;
		}
		if (pk == NULL)
			break;
		run = pk->sa;
		pk_n++;
		by += pk->len;
	}
}

static uint16_t
compact(struct mif_esp_ctx *ctx, struct rte_mbuf *mb[], struct mif_sa *sa[],
	uint16_t n)
{
	struct rte_mbuf *bad[MIF_ESP_BURST];
	uint16_t i, k = 0, b = 0;

	for (i = 0; i < n; i++) {
		if (ctx->pkt[i].err) {
			bad[b++] = mb[i];
		} else {
			sa[k] = ctx->pkt[i].sa;
			mb[k++] = mb[i];
		}
	}
	memcpy(&mb[k], bad, b * sizeof(bad[0]));
	for (i = k; i < n; i++)
		sa[i] = NULL;
	return k;
}

static uint16_t
inb_round(struct mif_esp_ctx *ctx, const struct mif_sad *sad,
	  struct rte_mbuf *mb[], struct mif_sa *sa_out[], uint16_t n)
{
	struct mif_sad_key keys[MIF_ESP_BURST];
	struct mif_sa *found[MIF_ESP_BURST];
	struct meta mt[MIF_ESP_BURST];
	uint64_t now = rte_get_tsc_cycles();
	uint16_t i;
	int rc, cs;

	for (i = 0; i < n; i++) {
		ctx->pkt[i].err = 0;
		ctx->pkt[i].sa = NULL;
		rc = outer_parse(mb[i], &mt[i], &keys[i]);
		if (rc >= 0)
			drop_ctx(ctx, &ctx->pkt[i], rc);
	}
	mif_sad_lookup_burst(sad, keys, n, found);
	for (i = 0; i < n; i++) {
		struct mif_esp_pkt *pk = &ctx->pkt[i];

		if (pk->err)
			continue;
		if (found[i] == NULL) {
			drop_ctx(ctx, pk, MIF_ESP_DROP_NO_SA);
			continue;
		}
		pk->sa = found[i];
		RTE_ASSERT(ctx->slot < pk->sa->n_slots);
		/* Issue 4: after the SPI, the outer addresses (and ports)
		 * must be an ACTIVE or PENDING path of the SA. */
		cs = mif_ifset_inb_check(pk->sa->ifs, ctx->slot,
					 keys[i].family, mt[i].src, keys[i].dst,
					 mt[i].udp, mt[i].sport, mt[i].dport);
		if (unlikely(cs < 0)) {
			drop_sa(ctx, pk, MIF_SA_DROP_PATH);
			continue;
		}
		pk->path_cslot = (uint8_t)cs;
		check_prepare(ctx, mb[i], pk, &mt[i], now);
	}
	crypto_run(ctx, mb, mt, n);
	verify_and_record(ctx, n);
	for (i = 0; i < n; i++)
		if (!ctx->pkt[i].err)
			decap_one(ctx, mb[i], &ctx->pkt[i], &mt[i]);
	account(ctx, n, now);
	return compact(ctx, mb, sa_out, n);
}

/* Rotate mb[a..c) (and sa) so that [b..c) comes first. */
static void
rotate(struct rte_mbuf *mb[], struct mif_sa *sa[], uint16_t a, uint16_t b,
       uint16_t c)
{
	struct rte_mbuf *tm;
	struct mif_sa *ts;
	uint16_t r[3][2] = { { a, b }, { b, c }, { a, c } };
	unsigned int s;
	int i, j;

	for (s = 0; s < 3; s++) {
		for (i = r[s][0], j = r[s][1] - 1; i < j; i++, j--) {
			tm = mb[i]; mb[i] = mb[j]; mb[j] = tm;
			ts = sa[i]; sa[i] = sa[j]; sa[j] = ts;
		}
	}
}

uint16_t
mif_esp_inb_burst(struct mif_esp_ctx *ctx, const struct mif_sad *sad,
		  struct rte_mbuf *mb[], struct mif_sa *sa_out[], uint16_t n)
{
	uint16_t off, c, r, k = 0;

	for (off = 0; off < n; off += c) {
		c = RTE_MIN(n - off, MIF_ESP_BURST);
		r = inb_round(ctx, sad, &mb[off], &sa_out[off], c);
		if (k != off)
			rotate(mb, sa_out, k, off, off + r);
		k += r;
	}
	return k;
}

enum mif_esp_class
mif_esp_classify(const struct rte_mbuf *m)
{
	static const uint8_t marker[4];
	struct meta mt;
	struct mif_rd rd;
	struct mif_sad_key k;
	struct mif_esp_udp u;
	uint8_t proto = 0;
	uint16_t dport, ulen;

	mif_rd_init(&rd, rte_pktmbuf_mtod(m, const uint8_t *),
		    rte_pktmbuf_data_len(m));
	if (ip_parse(&rd, &mt, &k, &proto) >= 0)
		return MIF_ESP_CLASS_OTHER;
	if (proto == MIF_IPPROTO_ESP)
		return MIF_ESP_CLASS_ESP;
	if (proto != IPPROTO_UDP || mif_rd_get_bytes(&rd, &u, sizeof(u)) != 0)
		return MIF_ESP_CLASS_OTHER;
	dport = rte_be_to_cpu_16(u.dport);
	ulen = rte_be_to_cpu_16(u.len);
	if (dport == 500)
		return MIF_ESP_CLASS_IKE;
	if (dport != MIF_ESP_NATT_PORT_DEFAULT || ulen < sizeof(u) ||
	    ulen - sizeof(u) > rd.left)
		return MIF_ESP_CLASS_OTHER;
	rd.left = ulen - sizeof(u);
	if (rd.left == 1 && rd.p[0] == MIF_ESP_KEEPALIVE)
		return MIF_ESP_CLASS_KEEPALIVE;
	if (rd.left >= sizeof(marker) &&
	    memcmp(rd.p, marker, sizeof(marker)) == 0)
		return MIF_ESP_CLASS_IKE;
	/* RFC 3948 2.2: ESP needs at least its 8-byte header. */
	return rd.left >= sizeof(struct mif_esp_hdr) ? MIF_ESP_CLASS_ESP :
		MIF_ESP_CLASS_OTHER;
}
