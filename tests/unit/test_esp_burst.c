/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP burst behaviour that the interop tests do not reach: bursts
 * longer than one crypto round with good and bad packets mixed (order
 * kept, failures moved behind), two workers sharing an outbound SA
 * (sequence numbers unique) and an inbound SA (each copy of a packet
 * accepted once), lifetime events on the SAD ring, segmented and
 * roomless mbufs, RFC 6040 ECN decapsulation, DF handling and the NAT
 * keepalive.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/esp_hdr.h"
#include "dataplane/esp_inb.h"
#include "dataplane/esp_outb.h"
#include "dataplane/ifset.h"
#include "dataplane/sad.h"
#include "tests/unit/check.h"

#define NPKT	150		/* more than two crypto rounds */

static struct rte_mempool *pool;
static struct rte_rcu_qsbr *qsbr;
static struct mif_esp_ctx *ctx0, *ctx1;

static void
params(struct mif_sa_params *p, enum mif_sa_dir dir, unsigned int slots)
{
	memset(p, 0, sizeof(*p));
	p->spi = 0xabc;
	p->dir = dir;
	p->mode = MIF_SA_MODE_TUNNEL;
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.1" : "192.0.2.2",
		       &p->ep.local);
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.2" : "192.0.2.1",
		       &p->ep.remote);
	p->cipher = MIF_SA_CIPHER_AES_GCM16;
	p->key_len = 16;
	memset(p->key, 0x3c, 16);
	memset(p->salt, 0x5a, 4);
	p->replay_win = 1024;
	p->n_slots = slots;
}

static struct mif_sa *
sa_new(enum mif_sa_dir dir, unsigned int slots)
{
	struct mif_sa_params p;
	struct mif_sa *sa;

	params(&p, dir, slots);
	sa = mif_sa_create(&p);
	CHECK(sa != NULL);
	return sa;
}

/* An IPv4/UDP packet of @len bytes at @p; @tag goes into it. */
static void
fill4(uint8_t *p, uint16_t len, uint32_t tag, uint8_t tos, bool df)
{
	struct rte_ipv4_hdr h = {
		.version_ihl = 0x45,
		.type_of_service = tos,
		.total_length = rte_cpu_to_be_16(len),
		.fragment_offset = rte_cpu_to_be_16(df ?
						    RTE_IPV4_HDR_DF_FLAG : 0),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_UDP,
		.src_addr = RTE_BE32(0x0a000001),
		.dst_addr = RTE_BE32(0x0a000002),
	};

	memset(p, 0, len);
	h.hdr_checksum = rte_ipv4_cksum(&h);
	memcpy(p, &h, sizeof(h));
	memcpy(p + 24, &tag, sizeof(tag));
}

static struct rte_mbuf *
pkt4(uint16_t len, uint32_t tag, uint8_t tos, bool df)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	CHECK(m != NULL && len >= 28);
	fill4((uint8_t *)rte_pktmbuf_append(m, len), len, tag, tos, df);
	return m;
}

static uint32_t
tag_of(struct rte_mbuf *m)
{
	uint32_t t;

	memcpy(&t, rte_pktmbuf_mtod_offset(m, uint8_t *, 24), 4);
	return t;
}

static uint32_t
seq_of(struct rte_mbuf *m)
{
	uint32_t s;

	memcpy(&s, rte_pktmbuf_mtod_offset(m, uint8_t *, 24), 4);
	return rte_be_to_cpu_32(s);
}

/* Every 7th packet is malformed (IP length larger than the data): the
 * good ones must come out first and in their original order. */
static void
test_long_burst(void)
{
	struct mif_sa *out = sa_new(MIF_SA_DIR_OUT, 2);
	struct mif_sa *in = sa_new(MIF_SA_DIR_IN, 2);
	struct mif_sa *got[NPKT];
	struct rte_mbuf *mb[NPKT];
	struct mif_sad *sad;
	uint16_t i, j, k, bad = 0, orig[NPKT];
	struct mif_ifset_pctr pc;
	struct mif_sa_ctr c;

	sad = mif_sad_create("burst", 8, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL && mif_sad_add(sad, in) == 0);
	for (i = 0; i < NPKT; i++) {
		mb[i] = pkt4(60 + i, i, 0, false);
		if (i % 7 == 3) {
			rte_pktmbuf_mtod(mb[i], uint8_t *)[2] = 0x10;
			bad++;
		}
	}
	k = mif_esp_outb_burst(ctx0, out, mb, NPKT);
	CHECK_EQ(k, NPKT - bad);
	/* Sequence numbers are taken per round, so a failed packet leaves
	 * a gap: good packet i carries its original index + 1. */
	for (i = 0, j = 0; i < NPKT; i++)
		if (i % 7 != 3)
			orig[j++] = i;
	for (i = 0; i < k; i++)
		CHECK_EQ(seq_of(mb[i]), orig[i] + 1);
	mif_sa_stats(out, &c);
	CHECK_EQ(c.drop[MIF_SA_DROP_BAD_LEN], bad);
	CHECK_EQ(c.packets, k);
	for (i = k; i < NPKT; i++)
		rte_pktmbuf_free(mb[i]);

	/* Now corrupt every 5th ESP packet (a ciphertext byte) and
	 * decapsulate all of them at once. */
	for (i = 0; i < k; i++)
		if (i % 5 == 4)
			rte_pktmbuf_mtod(mb[i], uint8_t *)[40] ^= 1;
	bad = k / 5;
	CHECK_EQ(mif_esp_inb_burst(ctx0, sad, mb, got, k), k - bad);
	for (i = 0, j = 0; i < k - bad; i++, j++) {
		if (j % 5 == 4)
			j++;
		CHECK(got[i] == in);
		CHECK_EQ(tag_of(mb[i]), orig[j]);
		CHECK_EQ(rte_pktmbuf_data_len(mb[i]), 60 + orig[j]);
	}
	for (i = k - bad; i < k; i++)
		CHECK(got[i] == NULL);
	mif_sa_stats(in, &c);
	CHECK_EQ(c.drop[MIF_SA_DROP_AUTH], bad);
	CHECK_EQ(c.packets, k - bad);
	/* Issue 4: forged packets do not count as traffic on the path. */
	mif_ifset_path_stats(in->ifs, 1, &pc);
	CHECK_EQ(pc.rx, k - bad);
	rte_pktmbuf_free_bulk(mb, k);
	mif_sa_destroy(out);
	mif_sad_destroy(sad);
}

static pthread_barrier_t start;

struct worker_arg {
	struct mif_esp_ctx *ctx;
	struct mif_sa *sa;
	struct mif_sad *sad;
	struct rte_mbuf **mb;
	unsigned int n;
	unsigned int ok;
	uint32_t *tags;			/* inbound: tags of accepted packets */
};

static void *
outb_worker(void *p)
{
	struct worker_arg *a = p;
	unsigned int i;

	pthread_barrier_wait(&start);
	for (i = 0; i < a->n; i += 32)
		a->ok += mif_esp_outb_burst(a->ctx, a->sa, &a->mb[i], 32);
	return NULL;
}

static void *
inb_worker(void *p)
{
	struct worker_arg *a = p;
	struct mif_sa *got[32];
	unsigned int i;

	uint16_t k, j;

	pthread_barrier_wait(&start);
	for (i = 0; i < a->n; i += 32) {
		k = mif_esp_inb_burst(a->ctx, a->sad, &a->mb[i], got, 32);
		for (j = 0; j < k; j++)
			a->tags[a->ok++] = tag_of(a->mb[i + j]);
	}
	return NULL;
}

/* Two workers, one outbound SA: 2 x 2048 packets get 4096 distinct
 * sequence numbers. Then both workers decapsulate a copy of every
 * packet each: each sequence number is accepted exactly once. */
static void
test_two_workers(void)
{
	enum { N = 2048 };
	static struct rte_mbuf *a[N], *b[N], *ca[2 * N], *cb[2 * N];
	static struct rte_mbuf *byseq[2 * N];
	static uint32_t tags_a[2 * N], tags_b[2 * N];
	static uint8_t seen[2 * N + 1];
	struct worker_arg wa, wb;
	struct mif_sa *out = sa_new(MIF_SA_DIR_OUT, 2);
	struct mif_sa *in = sa_new(MIF_SA_DIR_IN, 2);
	struct mif_sad *sad;
	struct mif_sa_ctr c;
	pthread_t t1, t2;
	unsigned int i;

	for (i = 0; i < N; i++) {
		a[i] = pkt4(100, i, 0, false);
		b[i] = pkt4(100, N + i, 0, false);
	}
	wa = (struct worker_arg){ ctx0, out, NULL, a, N, 0, NULL };
	wb = (struct worker_arg){ ctx1, out, NULL, b, N, 0, NULL };
	pthread_create(&t1, NULL, outb_worker, &wa);
	pthread_create(&t2, NULL, outb_worker, &wb);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CHECK_EQ(wa.ok + wb.ok, 2 * N);
	for (i = 0; i < 2 * N; i++) {
		uint32_t s = seq_of(i < N ? a[i] : b[i - N]);

		CHECK(s >= 1 && s <= 2 * N && !seen[s]);
		seen[s] = 1;
	}
	mif_sa_stats(out, &c);
	CHECK_EQ(c.packets, 2 * N);
	CHECK(out->ctr[0].packets == N && out->ctr[1].packets == N);

	/* Each worker gets a copy of all 4096, in sequence order, so the
	 * two race on every sequence number. The window (1024) is much
	 * wider than the distance between them (a burst or two): each
	 * number must be accepted exactly once. */
	for (i = 0; i < 2 * N; i++) {
		struct rte_mbuf *src = i < N ? a[i] : b[i - N];

		byseq[seq_of(src) - 1] = src;
	}
	for (i = 0; i < 2 * N; i++) {
		struct rte_mbuf *src = byseq[i];

		ca[i] = rte_pktmbuf_copy(src, pool, 0, UINT32_MAX);
		cb[i] = rte_pktmbuf_copy(src, pool, 0, UINT32_MAX);
		CHECK(ca[i] != NULL && cb[i] != NULL);
	}
	sad = mif_sad_create("two", 8, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL && mif_sad_add(sad, in) == 0);
	wa = (struct worker_arg){ ctx0, in, sad, ca, 2 * N, 0, tags_a };
	wb = (struct worker_arg){ ctx1, in, sad, cb, 2 * N, 0, tags_b };
	pthread_create(&t1, NULL, inb_worker, &wa);
	pthread_create(&t2, NULL, inb_worker, &wb);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	mif_sa_stats(in, &c);
	printf("  two workers: %u + %u accepted, %lu replays\n",
	       wa.ok, wb.ok, c.drop[MIF_SA_DROP_REPLAY]);
	CHECK_EQ(wa.ok + wb.ok, 2 * N);
	CHECK_EQ(c.drop[MIF_SA_DROP_REPLAY], 2 * N);
	CHECK_EQ(c.packets, 2 * N);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < wa.ok; i++) {
		CHECK(tags_a[i] < 2 * N && !seen[tags_a[i]]);
		seen[tags_a[i]] = 1;
	}
	for (i = 0; i < wb.ok; i++) {
		CHECK(tags_b[i] < 2 * N && !seen[tags_b[i]]);
		seen[tags_b[i]] = 1;
	}
	rte_pktmbuf_free_bulk(a, N);
	rte_pktmbuf_free_bulk(b, N);
	rte_pktmbuf_free_bulk(ca, 2 * N);
	rte_pktmbuf_free_bulk(cb, 2 * N);
	mif_sa_destroy(out);
	mif_sad_destroy(sad);
}

/* Soft and hard packet limits raise one event each on the SAD ring. */
static void
test_events(void)
{
	struct mif_sa_params p;
	struct mif_sa_event ev[8];
	struct rte_mbuf *mb[4];
	struct mif_sad *sad;
	struct mif_sa *sa;
	unsigned int i, n;

	params(&p, MIF_SA_DIR_OUT, 2);
	p.id = 77;
	p.soft.packets = 3;
	p.hard.packets = 5;
	sa = mif_sa_create(&p);
	CHECK(sa != NULL);
	sad = mif_sad_create("ev", 8, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL && mif_sad_add(sad, sa) == 0);
	for (i = 0; i < 4; i++) {
		mb[0] = pkt4(64, i, 0, false);
		mb[1] = pkt4(64, i, 0, false);
		n = mif_esp_outb_burst(ctx0, sa, mb, 2);
		/* Charged per burst: 2, 4 (soft), 6 (hard), then nothing. */
		CHECK_EQ(n, i < 3 ? 2 : 0);
		rte_pktmbuf_free_bulk(mb, 2);
	}
	n = mif_sad_events_poll(sad, ev, 8);
	CHECK_EQ(n, 2);
	CHECK(ev[0].id == 77 && ev[0].spi == 0xabc &&
	      ev[0].ev == MIF_SA_EV_SOFT);
	CHECK(ev[1].id == 77 && ev[1].ev == MIF_SA_EV_HARD);
	CHECK(mif_sa_dead(sa));
	CHECK_EQ(sa->ctr[0].drop[MIF_SA_DROP_HARD_EXPIRED], 2);
	CHECK_EQ(mif_sad_del(sad, sa), 0);	/* outbound: deferred free */
	CHECK_EQ(mif_sad_reclaim(sad), 1);
	mif_sad_destroy(sad);
}

static void
test_bad_mbufs(void)
{
	struct mif_sa *out = sa_new(MIF_SA_DIR_OUT, 2);
	struct rte_mbuf *m, *seg;

	/* Two segments: dropped, never read past the first. */
	m = pkt4(64, 1, 0, false);
	seg = rte_pktmbuf_alloc(pool);
	CHECK(rte_pktmbuf_append(seg, 16) != NULL);
	CHECK_EQ(rte_pktmbuf_chain(m, seg), 0);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 0);
	CHECK_EQ(ctx0->drop[MIF_ESP_DROP_NONLINEAR], 1);
	rte_pktmbuf_free(m);

	/* No headroom for the outer headers (36 bytes needed). */
	m = rte_pktmbuf_alloc(pool);
	m->data_off = 16;
	fill4((uint8_t *)rte_pktmbuf_append(m, 64), 64, 1, 0, false);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 0);
	CHECK_EQ(ctx0->drop[MIF_ESP_DROP_NOSPACE], 1);
	rte_pktmbuf_free(m);

	/* No tailroom for padding, trailer and ICV. */
	m = rte_pktmbuf_alloc(pool);
	m->data_off = m->buf_len - 64 - 5;
	fill4((uint8_t *)rte_pktmbuf_append(m, 64), 64, 1, 0, false);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 0);
	CHECK_EQ(ctx0->drop[MIF_ESP_DROP_NOSPACE], 2);
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);
}

/* Encapsulate with TOS @tos_in, rewrite the outer ECN to @outer, then
 * decapsulate: the inner ECN must become @want (-1: dropped). */
static void
ecn_case(struct mif_sa *out, struct mif_sad *sad, uint8_t inner,
	 uint8_t outer, int want)
{
	struct rte_mbuf *m = pkt4(80, 9, 0xa0 | inner, true);
	struct mif_sa *got[1];
	struct rte_ipv4_hdr h;
	uint8_t *p;

	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 1);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(&h, p, sizeof(h));
	CHECK_EQ(h.type_of_service, 0xa0 | inner);	/* copied */
	CHECK(h.fragment_offset == rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG));
	h.type_of_service = (h.type_of_service & ~3) | outer;
	h.hdr_checksum = 0;
	h.hdr_checksum = rte_ipv4_cksum(&h);
	memcpy(p, &h, sizeof(h));
	if (want < 0) {
		CHECK_EQ(mif_esp_inb_burst(ctx0, sad, &m, got, 1), 0);
	} else {
		CHECK_EQ(mif_esp_inb_burst(ctx0, sad, &m, got, 1), 1);
		memcpy(&h, rte_pktmbuf_mtod(m, void *), sizeof(h));
		CHECK_EQ(h.type_of_service, 0xa0 | want);
		CHECK_EQ(rte_ipv4_cksum(&h), 0);
	}
	rte_pktmbuf_free(m);
}

static void
test_ecn_df(void)
{
	/* RFC 6040 figure 4: rows inner, columns outer; -1 drop. */
	static const int table[4][4] = {
		{ 0, 0, 0, -1 },	/* not-ECT */
		{ 1, 1, 1, 3 },		/* ECT(1) */
		{ 2, 1, 2, 3 },		/* ECT(0): outer ECT(1) wins */
		{ 3, 3, 3, 3 },		/* CE */
	};
	struct mif_sa *out = sa_new(MIF_SA_DIR_OUT, 2);
	struct mif_sa *in = sa_new(MIF_SA_DIR_IN, 2);
	struct mif_sa_params p;
	struct mif_sad *sad;
	struct rte_mbuf *m;
	unsigned int i, o;
	uint16_t frag;

	sad = mif_sad_create("ecn", 8, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL && mif_sad_add(sad, in) == 0);
	for (i = 0; i < 4; i++)
		for (o = 0; o < 4; o++)
			ecn_case(out, sad, i, o, table[i][o]);
	CHECK_EQ(in->ctr[0].drop[MIF_SA_DROP_ECN], 1);
	mif_sa_destroy(out);
	mif_sad_destroy(sad);

	/* DF: copy (done above), clear, set. */
	params(&p, MIF_SA_DIR_OUT, 1);
	p.df = MIF_SA_DF_CLEAR;
	out = mif_sa_create(&p);
	m = pkt4(64, 1, 0, true);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 1);
	memcpy(&frag, rte_pktmbuf_mtod_offset(m, uint8_t *, 6), 2);
	CHECK_EQ(frag, 0);
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);
	p.df = MIF_SA_DF_SET;
	out = mif_sa_create(&p);
	m = pkt4(64, 1, 0, false);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 1);
	memcpy(&frag, rte_pktmbuf_mtod_offset(m, uint8_t *, 6), 2);
	CHECK_EQ(frag, rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG));
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);
}

/* RFC 3948 2.3 keepalive out, and recognised (dropped) on the way in. */
static void
test_keepalive(void)
{
	struct mif_sa_params p;
	struct mif_sa *out, *got[1];
	struct mif_sad *sad;
	struct rte_mbuf *m;
	const uint8_t *d;

	params(&p, MIF_SA_DIR_OUT, 1);
	out = mif_sa_create(&p);
	m = rte_pktmbuf_alloc(pool);
	CHECK_EQ(mif_esp_keepalive_build(ctx0, out, m), -EINVAL);
	mif_sa_destroy(out);
	p.ep.udp_encap = true;
	out = mif_sa_create(&p);
	CHECK_EQ(mif_esp_keepalive_build(ctx0, out, m), 0);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	CHECK_EQ(rte_pktmbuf_data_len(m), 29);
	CHECK_EQ(d[9], IPPROTO_UDP);
	CHECK(d[20] == 0x11 && d[21] == 0x94 && d[22] == 0x11 &&
	      d[23] == 0x94);			/* 4500 -> 4500 */
	CHECK(d[24] == 0 && d[25] == 9 && d[26] == 0 && d[27] == 0);
	CHECK_EQ(d[28], 0xff);
	CHECK_EQ(rte_ipv4_cksum((const struct rte_ipv4_hdr *)d), 0);
	sad = mif_sad_create("ka", 8, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL);
	CHECK_EQ(mif_esp_inb_burst(ctx0, sad, &m, got, 1), 0);
	CHECK_EQ(ctx0->drop[MIF_ESP_DROP_KEEPALIVE], 1);
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);
	mif_sad_destroy(sad);
}

/* The worker's split between ESP, IKE and the rest. */
static void
test_classify(void)
{
	struct mif_sa_params p;
	struct mif_sa *out;
	struct rte_mbuf *m;
	uint8_t *d;

	params(&p, MIF_SA_DIR_OUT, 1);
	p.ep.udp_encap = true;
	out = mif_sa_create(&p);
	CHECK(out != NULL);

	m = pkt4(64, 1, 0, false);		/* UDP to port 0 */
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_OTHER);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 1);
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_ESP);
	d = rte_pktmbuf_mtod(m, uint8_t *);
	memset(d + 28, 0, 4);			/* non-ESP marker: IKE */
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_IKE);
	d[22] = 500 >> 8;
	d[23] = 500 & 0xff;			/* port 500 */
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_IKE);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - 24);
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_OTHER);	/* cut */
	rte_pktmbuf_free(m);

	m = rte_pktmbuf_alloc(pool);
	CHECK_EQ(mif_esp_keepalive_build(ctx0, out, m), 0);
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_KEEPALIVE);
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);

	params(&p, MIF_SA_DIR_OUT, 1);
	out = mif_sa_create(&p);
	m = pkt4(64, 1, 0, false);
	CHECK_EQ(mif_esp_outb_burst(ctx0, out, &m, 1), 1);
	CHECK_EQ(mif_esp_classify(m), MIF_ESP_CLASS_ESP);	/* proto 50 */
	rte_pktmbuf_free(m);
	mif_sa_destroy(out);
}

int
main(void)
{
	char prefix[32], dir[PATH_MAX];
	char *eal[] = { "test_esp_burst", "--no-huge", "-m", "128",
			"--no-shconf", "--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:warning", "--file-prefix", prefix };

	snprintf(prefix, sizeof(prefix), "test_esp_burst_%d", (int)getpid());
	CHECK(rte_eal_init(RTE_DIM(eal), eal) >= 0);
	pool = rte_pktmbuf_pool_create("tb", 20000, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	ctx0 = mif_esp_ctx_create(0, SOCKET_ID_ANY);
	ctx1 = mif_esp_ctx_create(1, SOCKET_ID_ANY);
	qsbr = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	CHECK(pool && ctx0 && ctx1 && qsbr);
	CHECK_EQ(rte_rcu_qsbr_init(qsbr, 1), 0);

	pthread_barrier_init(&start, NULL, 2);
	test_long_burst();
	test_two_workers();
	test_events();
	test_bad_mbufs();
	test_ecn_df();
	test_keepalive();
	test_classify();

	mif_esp_ctx_destroy(ctx0);
	mif_esp_ctx_destroy(ctx1);
	rte_mempool_free(pool);
	rte_free(qsbr);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	CHECK_DONE();
}
