/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP cost per packet: mif_esp_outb_burst / mif_esp_inb_burst on one
 * lcore, against intel-ipsec-mb's own AES-GCM cost for the same bytes
 * measured in the same run. Inner IP packets of 64 and 1420 bytes,
 * bursts of 32, tunnel IPv4. The cost of refilling the mbufs between
 * rounds is measured alone and subtracted. Each figure is the best of
 * 20 trials: the machine is shared with other work.
 *
 *   bench_esp [seconds per figure, default 1]
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/esp_inb.h"
#include "dataplane/esp_outb.h"
#include "dataplane/replay.h"
#include "dataplane/sad.h"

#define BURST	32

static struct rte_mempool *pool;
static struct mif_esp_ctx *ctx;
static struct mif_sad *sad;
static double secs = 1.0;

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
sa_new(enum mif_sa_dir dir, bool gcm)
{
	struct mif_sa_params p;

	memset(&p, 0, sizeof(p));
	p.spi = gcm ? 0x1000 : 0x2000;
	p.dir = dir;
	p.mode = MIF_SA_MODE_TUNNEL;
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.1" : "192.0.2.2",
		       &p.ep.local);
	mif_addr_parse(dir == MIF_SA_DIR_OUT ? "192.0.2.2" : "192.0.2.1",
		       &p.ep.remote);
	p.key_len = 16;
	memset(p.key, 0x11, 16);
	if (gcm) {
		p.cipher = MIF_SA_CIPHER_AES_GCM16;
	} else {
		p.cipher = MIF_SA_CIPHER_AES_CBC;
		p.auth = MIF_SA_AUTH_HMAC_SHA1_96;
		p.auth_key_len = 20;
		memset(p.auth_key, 0x22, 20);
	}
	p.replay_win = 64;
	p.n_slots = 1;
	return mif_sa_create(&p);
}

/* Put @len bytes of @src into each mbuf, reset to the default layout. */
static void
refill(struct rte_mbuf *mb[], uint8_t src[][2048], const uint16_t *len)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		rte_pktmbuf_reset(mb[i]);
		rte_memcpy(rte_pktmbuf_append(mb[i], len[i]), src[i], len[i]);
	}
}

static double
ns_per_pkt(uint64_t cycles, uint64_t pkts)
{
	return (double)cycles * 1e9 / rte_get_tsc_hz() / pkts;
}

#define TRIALS	20

/* Rounds of refill (+ work when @sa) for one trial; returns cycles per
 * round. The machine is shared: the caller keeps the best trial, the
 * one least disturbed by other processes. */
static double
trial(struct mif_sa *sa, bool outb, struct rte_mbuf *mb[],
      uint8_t src[][2048], const uint16_t *len)
{
	uint64_t t0, t, spent = 0, n = 0, deadline;
	struct mif_sa *got[BURST];
	uint16_t k;

	deadline = rte_rdtsc() + (uint64_t)(secs / TRIALS * rte_get_tsc_hz());
	while ((t0 = rte_rdtsc()) < deadline) {
		refill(mb, src, len);
		if (sa != NULL && outb) {
			k = mif_esp_outb_burst(ctx, sa, mb, BURST);
		} else if (sa != NULL) {
			/* The same 32 sequence numbers every round. */
			mif_replay_init(sa->replay, 64);
			k = mif_esp_inb_burst(ctx, sad, mb, got, BURST);
		} else {
			k = BURST;
		}
		if (k != BURST) {
			fprintf(stderr, "bench_esp: %u of %u packets failed\n",
				BURST - k, BURST);
			exit(1);
		}
		t = rte_rdtsc();
		spent += t - t0;
		n++;
	}
	return (double)spent / n;
}

static double
rounds(struct mif_sa *sa, bool outb, struct rte_mbuf *mb[],
       uint8_t src[][2048], const uint16_t *len)
{
	double best = 1e300, t;
	unsigned int i;

	for (i = 0; i < TRIALS; i++) {
		t = trial(sa, outb, mb, src, len);
		if (t < best)
			best = t;
	}
	return best;
}

/* intel-ipsec-mb alone: the job API over the same bytes as ESP. */
static double
raw_trial(const struct gcm_key_data *key, uint32_t ct, bool enc)
{
	static uint8_t buf[BURST][2048], tag[BURST][16];
	uint8_t iv[12] = { 1 }, aad[8] = { 2 };
	uint64_t t0, spent = 0, n = 0, deadline;
	IMB_JOB *job;
	unsigned int i;

	deadline = rte_rdtsc() + (uint64_t)(secs / TRIALS * rte_get_tsc_hz());
	while ((t0 = rte_rdtsc()) < deadline) {
		for (i = 0; i < BURST; i++) {
			job = IMB_GET_NEXT_JOB(ctx->mgr);
			job->cipher_mode = IMB_CIPHER_GCM;
			job->hash_alg = IMB_AUTH_AES_GMAC;
			job->cipher_direction = enc ? IMB_DIR_ENCRYPT :
				IMB_DIR_DECRYPT;
			job->chain_order = enc ? IMB_ORDER_CIPHER_HASH :
				IMB_ORDER_HASH_CIPHER;
			job->key_len_in_bytes = 16;
			job->enc_keys = job->dec_keys = key;
			job->src = buf[i];
			job->dst = buf[i] + 36;
			job->cipher_start_src_offset_in_bytes = 36;
			job->msg_len_to_cipher_in_bytes = ct;
			job->hash_start_src_offset_in_bytes = 36;
			job->msg_len_to_hash_in_bytes = ct;
			job->iv = iv;
			job->iv_len_in_bytes = 12;
			job->u.GCM.aad = aad;
			job->u.GCM.aad_len_in_bytes = 8;
			job->auth_tag_output = tag[i];
			job->auth_tag_output_len_in_bytes = 16;
			IMB_SUBMIT_JOB(ctx->mgr);
		}
		while (IMB_FLUSH_JOB(ctx->mgr) != NULL)
			;
		spent += rte_rdtsc() - t0;
		n++;
	}
	return ns_per_pkt(spent, n * BURST);
}

static double
raw_gcm(uint16_t inner, bool enc)
{
	struct gcm_key_data key __rte_aligned(64);
	uint32_t ct = inner + 2 + (4 - (inner + 2) % 4) % 4;
	double best = 1e300, t;
	unsigned int i;
	uint8_t k[16];

	memset(k, 0x11, sizeof(k));
	IMB_AES128_GCM_PRE(ctx->mgr, k, &key);
	for (i = 0; i < TRIALS; i++) {
		t = raw_trial(&key, ct, enc);
		if (t < best)
			best = t;
	}
	return best;
}

static void
run(uint16_t size, bool gcm)
{
	static uint8_t plain[BURST][2048], cipher[BURST][2048];
	uint16_t plen[BURST], clen[BURST];
	struct rte_mbuf *mb[BURST];
	struct mif_sa *out, *in;
	double base_o, base_i, t_o, t_i, r_o = 0, r_i = 0;
	unsigned int i;

	out = sa_new(MIF_SA_DIR_OUT, gcm);
	in = sa_new(MIF_SA_DIR_IN, gcm);
	if (out == NULL || in == NULL || mif_sad_add(sad, in) != 0 ||
	    rte_pktmbuf_alloc_bulk(pool, mb, BURST) != 0)
		exit(1);
	for (i = 0; i < BURST; i++) {
		fill_inner(plain[i], size);
		plen[i] = size;
	}
	/* Ciphertexts for the inbound rounds: sequence numbers 1..32. */
	refill(mb, plain, plen);
	if (mif_esp_outb_burst(ctx, out, mb, BURST) != BURST)
		exit(1);
	for (i = 0; i < BURST; i++) {
		clen[i] = rte_pktmbuf_data_len(mb[i]);
		memcpy(cipher[i], rte_pktmbuf_mtod(mb[i], void *), clen[i]);
	}

	base_o = rounds(NULL, true, mb, plain, plen);
	t_o = rounds(out, true, mb, plain, plen);
	base_i = rounds(NULL, false, mb, cipher, clen);
	t_i = rounds(in, false, mb, cipher, clen);
	t_o = ns_per_pkt(t_o - base_o, BURST);
	t_i = ns_per_pkt(t_i - base_i, BURST);
	if (gcm) {
		r_o = raw_gcm(size, true);
		r_i = raw_gcm(size, false);
		printf("%-22s %5u  %8.1f %8.1f %5.2fx   %8.1f %8.1f %5.2fx\n",
		       "aes128-gcm16", size, t_o, r_o, t_o / r_o, t_i, r_i,
		       t_i / r_i);
	} else {
		printf("%-22s %5u  %8.1f %8s %6s   %8.1f\n",
		       "aes128-cbc+sha1-96", size, t_o, "-", "", t_i);
	}
	rte_pktmbuf_free_bulk(mb, BURST);
	mif_sad_del(sad, in);
	mif_sad_reclaim(sad);
	mif_sa_destroy(out);
}

int
main(int argc, char **argv)
{
	char prefix[32], dir[PATH_MAX];
	char *eal[] = { "bench_esp", "--no-huge", "-m", "128", "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:warning", "--file-prefix", prefix };
	struct rte_rcu_qsbr *q;

	if (argc > 1)
		secs = atof(argv[1]);
	snprintf(prefix, sizeof(prefix), "bench_esp_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("b", 255, 0, 0, 2048 + 128,
				       SOCKET_ID_ANY);
	ctx = mif_esp_ctx_create(0, SOCKET_ID_ANY);
	q = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	if (pool == NULL || ctx == NULL || q == NULL ||
	    rte_rcu_qsbr_init(q, 1) != 0)
		return 1;
	sad = mif_sad_create("b", 16, q, SOCKET_ID_ANY);
	if (sad == NULL)
		return 1;

	printf("ESP cost per packet (ns), tunnel IPv4, burst %d, %s, "
	       "intel-ipsec-mb %s\n", BURST, "one lcore", IMB_VERSION_STR);
	printf("%-22s %5s  %8s %8s %6s   %8s %8s %6s\n", "algorithm", "inner",
	       "encap", "raw-gcm", "ratio", "decap", "raw-gcm", "ratio");
	/* BENCH_ESP_ONLY=64 limits the run to GCM at 64 bytes (profiling). */
	run(64, true);
	if (getenv("BENCH_ESP_ONLY") == NULL) {
		run(1420, true);
		run(64, false);
		run(1420, false);
	}

	mif_sad_destroy(sad);
	mif_esp_ctx_destroy(ctx);
	rte_free(q);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	return 0;
}
