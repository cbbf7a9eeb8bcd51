/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The crypto-path decision of issue #3 item 4, measured: the same ESP
 * tunnel-IPv4 AES-128-GCM encap and decap (inner packets of 64 and 1420
 * bytes, bursts of 32, one lcore) through
 *   direct   mifgw's mif_esp_outb_burst / mif_esp_inb_burst, which call
 *            intel-ipsec-mb synchronously;
 *   cryptodev  DPDK's rte_ipsec on the crypto_aesni_mb PMD: op pool, one
 *            session per SA, crypto_prepare, enqueue, dequeue on the
 *            same lcore, process.
 * Both paths get the same packets, and their rounds are interleaved
 * (direct out, cryptodev out, direct in, cryptodev in, repeat) so that
 * the load of the shared machine falls on both alike. Only the work is
 * timed, one burst at a time: refilling the mbufs and resetting the
 * replay windows between rounds is not. Each figure is the median burst
 * over all trials, divided by the burst size: on a host loaded several
 * times over, nearly every trial of some milliseconds is descheduled at
 * least once, while a burst of a few microseconds rarely is, so the
 * median burst is the undisturbed cost. The inbound
 * ciphertexts come from mifgw and are decrypted by both paths, so each
 * run also checks that the two implementations agree on the wire.
 *
 *   bench_crypto_path [seconds per figure, default 1]
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_ipsec.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "dataplane/esp_inb.h"
#include "dataplane/esp_outb.h"
#include "dataplane/replay.h"
#include "dataplane/sad.h"

#define BURST	32
#define TRIALS	20
#define SPI	0x1000
#define IV_OFS	(sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

static struct rte_mempool *pool, *op_pool, *sess_pool;
static struct mif_esp_ctx *ctx;
static struct mif_sad *sad;
static uint8_t dev_id;
static double secs = 1.0;
/* BENCH_CP_ROUNDS=N: N rounds per trial instead of a time, so that an
 * instruction count (valgrind --tool=callgrind) is the same every run. */
static unsigned long fixed_rounds;

/* The DPDK side: one rte_ipsec SA and its cryptodev session. */
struct dev_sa {
	struct rte_ipsec_sa *sa;
	struct rte_ipsec_sa_prm prm;
	struct rte_crypto_sym_xform xf;
	struct rte_ipsec_session ss;
	size_t size;
};

static const uint8_t key[16] = {
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
};
static const uint8_t salt[4] = { 0x33, 0x33, 0x33, 0x33 };
static struct rte_ipv4_hdr outer_tmpl = {
	.version_ihl = 0x45,
	.time_to_live = 64,
	.next_proto_id = IPPROTO_ESP,
	.src_addr = RTE_BE32(0xc0000201),
	.dst_addr = RTE_BE32(0xc0000202),
};

static void
fill_inner(uint8_t *p, uint16_t len)
{
	struct rte_ipv4_hdr h = {
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(len),
		.time_to_live = 64,
		.next_proto_id = 17,
		.src_addr = RTE_BE32(0x0a000001),
		.dst_addr = RTE_BE32(0x0a000102),
	};

	memset(p, 0xab, len);
	h.hdr_checksum = rte_ipv4_cksum(&h);
	memcpy(p, &h, sizeof(h));
}

static struct mif_sa *
sa_new(enum mif_sa_dir dir)
{
	struct mif_sa_params p;

	memset(&p, 0, sizeof(p));
	p.spi = SPI;
	p.dir = dir;
	p.mode = MIF_SA_MODE_TUNNEL;
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.1" : "192.0.2.2",
		       &p.ep.local);
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.2" : "192.0.2.1",
		       &p.ep.remote);
	p.key_len = 16;
	memcpy(p.key, key, 16);
	memcpy(p.salt, salt, 4);
	p.cipher = MIF_SA_CIPHER_AES_GCM16;
	p.replay_win = 64;
	p.n_slots = 1;
	return mif_sa_create(&p);
}

/* (Re)initialise the rte_ipsec SA: also resets its window and seq. */
static int
dev_sa_reset(struct dev_sa *d)
{
	return rte_ipsec_sa_init(d->sa, &d->prm, d->size) < 0 ? -1 : 0;
}

static int
dev_sa_create(struct dev_sa *d, bool outb)
{
	int sz;

	memset(d, 0, sizeof(*d));
	d->xf.type = RTE_CRYPTO_SYM_XFORM_AEAD;
	d->xf.aead.op = outb ? RTE_CRYPTO_AEAD_OP_ENCRYPT :
		RTE_CRYPTO_AEAD_OP_DECRYPT;
	d->xf.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
	d->xf.aead.key.data = key;
	d->xf.aead.key.length = 16;
	d->xf.aead.iv.offset = IV_OFS;
	d->xf.aead.iv.length = 12;
	d->xf.aead.digest_length = 16;
	d->xf.aead.aad_length = 8;

	/* Same multi-writer sequence semantics as mifgw's shared SA. */
	d->prm.flags = RTE_IPSEC_SAFLAG_SQN_ATOM;
	d->prm.ipsec_xform.spi = SPI;
	memcpy(&d->prm.ipsec_xform.salt, salt, 4);
	d->prm.ipsec_xform.direction = outb ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS :
		RTE_SECURITY_IPSEC_SA_DIR_INGRESS;
	d->prm.ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	d->prm.ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TUNNEL;
	d->prm.ipsec_xform.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV4;
	d->prm.ipsec_xform.replay_win_sz = 64;
	d->prm.crypto_xform = &d->xf;
	d->prm.tun.hdr_len = sizeof(outer_tmpl);
	d->prm.tun.hdr_l3_off = 0;
	d->prm.tun.next_proto = IPPROTO_IPIP;
	d->prm.tun.hdr = &outer_tmpl;

	sz = rte_ipsec_sa_size(&d->prm);
	if (sz < 0)
		return -1;
	d->size = sz;
	d->sa = rte_zmalloc(NULL, d->size, RTE_CACHE_LINE_SIZE);
	if (d->sa == NULL || dev_sa_reset(d) != 0)
		return -1;
	d->ss.sa = d->sa;
	d->ss.type = RTE_SECURITY_ACTION_TYPE_NONE;
	d->ss.crypto.dev_id = dev_id;
	d->ss.crypto.ses = rte_cryptodev_sym_session_create(dev_id, &d->xf,
							    sess_pool);
	if (d->ss.crypto.ses == NULL)
		return -1;
	return rte_ipsec_session_prepare(&d->ss);
}

/* One burst through rte_ipsec + cryptodev, polled on this lcore, the
 * way ipsec-secgw's lookaside-none path does it. */
static uint16_t
dev_burst(struct dev_sa *d, struct rte_mbuf *mb[], uint16_t n)
{
	struct rte_crypto_op *cop[BURST];
	uint16_t k, done = 0, i;

	if (rte_crypto_op_bulk_alloc(op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     cop, n) == 0)
		return 0;
	k = rte_ipsec_pkt_crypto_prepare(&d->ss, mb, cop, n);
	if (k != n)
		goto out;
	k = rte_cryptodev_enqueue_burst(dev_id, 0, cop, n);
	if (k != n)
		goto out;
	while (done < n)
		done += rte_cryptodev_dequeue_burst(dev_id, 0, cop + done,
						    n - done);
	for (i = 0; i < n; i++) {
		if (cop[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
			cop[i]->sym->m_src->ol_flags |=
				RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		mb[i] = cop[i]->sym->m_src;
	}
	k = rte_ipsec_pkt_process(&d->ss, mb, n);
out:
	rte_mempool_put_bulk(op_pool, (void **)cop, n);
	return k;
}

/* Separate symbols so that a profile tells the two directions apart. */
static __attribute__((noipa)) uint16_t
dev_outb_burst(struct dev_sa *d, struct rte_mbuf *mb[], uint16_t n)
{
	return dev_burst(d, mb, n);
}

static __attribute__((noipa)) uint16_t
dev_inb_burst(struct dev_sa *d, struct rte_mbuf *mb[], uint16_t n)
{
	return dev_burst(d, mb, n);
}

static void
refill(struct rte_mbuf *mb[], uint8_t src[][2048], const uint16_t *len,
       bool outer)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		rte_pktmbuf_reset(mb[i]);
		rte_memcpy(rte_pktmbuf_append(mb[i], len[i]), src[i], len[i]);
		/* rte_ipsec reads the header lengths from the mbuf. */
		mb[i]->l2_len = 0;
		mb[i]->l3_len = outer ? sizeof(struct rte_ipv4_hdr) : 0;
	}
}

enum path { DIRECT_OUT, DEV_OUT, DIRECT_IN, DEV_IN, N_PATHS };
static const char *const path_name[N_PATHS] = {
	"direct encap", "cryptodev encap", "direct decap", "cryptodev decap",
};

struct bench {
	struct mif_sa *out, *in;
	struct dev_sa d_out, d_in;
	struct rte_mbuf *mb[BURST];
	uint8_t plain[BURST][2048], cipher[BURST][2048];
	uint16_t plen[BURST], clen[BURST];
	uint16_t size;
};

static void
check_inner(struct bench *b, enum path p)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		if (rte_pktmbuf_data_len(b->mb[i]) != b->size ||
		    memcmp(rte_pktmbuf_mtod(b->mb[i], void *), b->plain[i],
			   b->size) != 0) {
			fprintf(stderr, "bench_crypto_path: %s: packet %u "
				"is not the inner packet\n", path_name[p], i);
			exit(1);
		}
	}
}

#define MAX_SAMPLES	(1u << 18)

struct samples {
	uint32_t n;
	uint32_t c[MAX_SAMPLES];
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
median_ns(struct samples *s)
{
	qsort(s->c, s->n, sizeof(s->c[0]), cmp_u32);
	return (double)s->c[s->n / 2] * 1e9 / rte_get_tsc_hz() / BURST;
}

/* One trial of path @p: the cycles of each burst go to @s. */
static void
trial(struct bench *b, enum path p, struct samples *s)
{
	uint64_t t0, t, deadline, r = 0;
	struct mif_sa *got[BURST];
	bool in = p == DIRECT_IN || p == DEV_IN;
	uint16_t k = 0;

	deadline = rte_rdtsc() + (uint64_t)(secs / TRIALS * rte_get_tsc_hz());
	while (fixed_rounds ? r++ < fixed_rounds : rte_rdtsc() < deadline) {
		refill(b->mb, in ? b->cipher : b->plain,
		       in ? b->clen : b->plen, in);
		if (p == DIRECT_IN)
			mif_replay_init(b->in->replay, 64);
		else if (p == DEV_IN && dev_sa_reset(&b->d_in) != 0)
			exit(1);
		t0 = rte_rdtsc();
		switch (p) {
		case DIRECT_OUT:
			k = mif_esp_outb_burst(ctx, b->out, b->mb, BURST);
			break;
		case DEV_OUT:
			k = dev_outb_burst(&b->d_out, b->mb, BURST);
			break;
		case DIRECT_IN:
			k = mif_esp_inb_burst(ctx, sad, b->mb, got, BURST);
			break;
		default:
			k = dev_inb_burst(&b->d_in, b->mb, BURST);
			break;
		}
		t = rte_rdtsc() - t0;
		if (s->n < MAX_SAMPLES)
			s->c[s->n++] = t > UINT32_MAX ? UINT32_MAX : t;
		if (k != BURST) {
			fprintf(stderr, "bench_crypto_path: %s: %u of %u "
				"packets failed\n", path_name[p], BURST - k,
				BURST);
			exit(1);
		}
	}
	if (in)
		check_inner(b, p);
}

static void
setup(struct bench *b, uint16_t size)
{
	unsigned int i;

	b->size = size;
	b->out = sa_new(MIF_SA_DIR_OUT);
	b->in = sa_new(MIF_SA_DIR_IN);
	if (b->out == NULL || b->in == NULL || mif_sad_add(sad, b->in) != 0 ||
	    dev_sa_create(&b->d_out, true) != 0 ||
	    dev_sa_create(&b->d_in, false) != 0 ||
	    rte_pktmbuf_alloc_bulk(pool, b->mb, BURST) != 0) {
		fprintf(stderr, "bench_crypto_path: setup failed\n");
		exit(1);
	}
	for (i = 0; i < BURST; i++) {
		fill_inner(b->plain[i], size);
		b->plen[i] = size;
	}
	/* Ciphertexts with sequence numbers 1..32, decrypted by both. */
	refill(b->mb, b->plain, b->plen, false);
	if (mif_esp_outb_burst(ctx, b->out, b->mb, BURST) != BURST)
		exit(1);
	for (i = 0; i < BURST; i++) {
		b->clen[i] = rte_pktmbuf_data_len(b->mb[i]);
		memcpy(b->cipher[i], rte_pktmbuf_mtod(b->mb[i], void *),
		       b->clen[i]);
	}
}

static void
teardown(struct bench *b)
{
	rte_pktmbuf_free_bulk(b->mb, BURST);
	mif_sad_del(sad, b->in);
	mif_sad_reclaim(sad);
	mif_sa_destroy(b->out);
	rte_cryptodev_sym_session_free(dev_id, b->d_out.ss.crypto.ses);
	rte_cryptodev_sym_session_free(dev_id, b->d_in.ss.crypto.ses);
	rte_free(b->d_out.sa);
	rte_free(b->d_in.sa);
}

static void
run(uint16_t size)
{
	static struct samples smp[N_PATHS];
	static struct bench b;
	double best[N_PATHS];
	unsigned int i, p;

	setup(&b, size);
	for (p = 0; p < N_PATHS; p++)
		smp[p].n = 0;
	for (i = 0; i < TRIALS; i++)
		for (p = 0; p < N_PATHS; p++)
			trial(&b, p, &smp[p]);
	for (p = 0; p < N_PATHS; p++)
		best[p] = median_ns(&smp[p]);
	printf("%5u  %9.1f %9.1f %6.2f   %9.1f %9.1f %6.2f\n", size,
	       best[DIRECT_OUT], best[DEV_OUT],
	       best[DEV_OUT] / best[DIRECT_OUT], best[DIRECT_IN],
	       best[DEV_IN], best[DEV_IN] / best[DIRECT_IN]);
	fflush(stdout);
	teardown(&b);
}

/* The inbound window update is serialised per SA by a spinlock taken
 * once per run of packets of one SA (esp_inb.c). A lock-free update has
 * to make each packet's test-and-set atomic: one CAS per packet. Both
 * costs, uncontended, per burst of BURST packets of one SA. */
static void
replay_sync_cost(void)
{
	static uint64_t word[BURST];
	rte_spinlock_t lock = RTE_SPINLOCK_INITIALIZER;
	uint64_t t0, t_lock = 0, t_cas = 0, cur;
	unsigned int r, i;

	for (r = 0; r < 200000; r++) {
		t0 = rte_rdtsc_precise();
		rte_spinlock_lock(&lock);
		for (i = 0; i < BURST; i++)
			word[i] |= 1ull << (r & 63);
		rte_spinlock_unlock(&lock);
		t_lock += rte_rdtsc_precise() - t0;
		t0 = rte_rdtsc_precise();
		for (i = 0; i < BURST; i++) {
			cur = __atomic_load_n(&word[i], __ATOMIC_RELAXED);
			while (!__atomic_compare_exchange_n(&word[i], &cur,
				cur | 1ull << (r & 63), false,
				__ATOMIC_RELEASE, __ATOMIC_RELAXED))
				;
		}
		t_cas += rte_rdtsc_precise() - t0;
	}
	printf("replay update sync per burst of %d (ns): spinlock per run "
	       "%.1f, CAS per packet %.1f\n", BURST,
	       t_lock * 1e9 / rte_get_tsc_hz() / 200000,
	       t_cas * 1e9 / rte_get_tsc_hz() / 200000);
}

static int
cryptodev_setup(void)
{
	struct rte_cryptodev_config conf = {
		.socket_id = SOCKET_ID_ANY,
		.nb_queue_pairs = 1,
	};
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = 2048 };
	int id;

	id = rte_cryptodev_get_dev_id("crypto_aesni_mb");
	if (id < 0)
		return -1;
	dev_id = id;
	sess_pool = rte_cryptodev_sym_session_pool_create("bs", 16,
		rte_cryptodev_sym_get_private_session_size(dev_id), 0, 0,
		SOCKET_ID_ANY);
	op_pool = rte_crypto_op_pool_create("bo",
		RTE_CRYPTO_OP_TYPE_SYMMETRIC, 1023, 64, 64, SOCKET_ID_ANY);
	if (sess_pool == NULL || op_pool == NULL)
		return -1;
	qp.mp_session = sess_pool;
	if (rte_cryptodev_configure(dev_id, &conf) != 0 ||
	    rte_cryptodev_queue_pair_setup(dev_id, 0, &qp, SOCKET_ID_ANY) != 0)
		return -1;
	return rte_cryptodev_start(dev_id);
}

int
main(int argc, char **argv)
{
	char prefix[40], dir[PATH_MAX];
	char *eal[] = { "bench_crypto_path", "--no-huge", "-m", "256",
			"--no-shconf", "--no-pci", "--no-telemetry", "-l", "0",
			"--vdev", "crypto_aesni_mb", "--log-level", "*:warning",
			"--file-prefix", prefix };
	struct rte_rcu_qsbr *q;

	if (argc > 1)
		secs = atof(argv[1]);
	if (getenv("BENCH_CP_ROUNDS") != NULL)
		fixed_rounds = strtoul(getenv("BENCH_CP_ROUNDS"), NULL, 10);
	snprintf(prefix, sizeof(prefix), "bench_cp_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("b", 255, 0, 0, 2048 + 128,
				       SOCKET_ID_ANY);
	ctx = mif_esp_ctx_create(0, SOCKET_ID_ANY);
	q = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	if (pool == NULL || ctx == NULL || q == NULL ||
	    rte_rcu_qsbr_init(q, 1) != 0 || cryptodev_setup() != 0) {
		fprintf(stderr, "bench_crypto_path: init failed\n");
		return 1;
	}
	sad = mif_sad_create("b", 16, q, SOCKET_ID_ANY);
	if (sad == NULL)
		return 1;

	printf("ESP AES-128-GCM tunnel IPv4, ns per packet, burst %d, one "
	       "lcore, median burst of %d interleaved trials, "
	       "intel-ipsec-mb %s\n",
	       BURST, TRIALS, IMB_VERSION_STR);
	printf("%5s  %9s %9s %6s   %9s %9s %6s\n", "inner", "dir-enc",
	       "dev-enc", "dev/dir", "dir-dec", "dev-dec", "dev/dir");
	replay_sync_cost();
	/* BENCH_CP_SIZE=64 or 1420: one size only (profiling). */
	if (getenv("BENCH_CP_SIZE") != NULL) {
		run(atoi(getenv("BENCH_CP_SIZE")));
	} else {
		run(64);
		run(1420);
	}

	rte_cryptodev_stop(dev_id);
	rte_cryptodev_close(dev_id);
	mif_sad_destroy(sad);
	mif_esp_ctx_destroy(ctx);
	rte_free(q);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	return 0;
}
