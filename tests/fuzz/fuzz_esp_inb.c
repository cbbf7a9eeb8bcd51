/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for ESP decapsulation (mif_esp_inb_burst).
 *
 * The first input byte picks how the rest is used:
 *   0: the whole outer packet, raw: exercises the outer IP/UDP/ESP
 *      parse and the length checks; the SAD holds SPIs 0x100, 0x300
 *      and 0x301, so the fuzzer can reach the SA checks;
 *   1: an ESP plaintext (payload, padding, trailer as the fuzzer
 *      likes) sent through a NULL+HMAC-SHA-256 SA with a correct ICV,
 *      so that the trailer, padding and inner-header checks run;
 *   2: the same, encrypted with AES-128-GCM (ESN) with a correct tag,
 *      so that decryption runs too.
 * The second byte (modes 1 and 2): bit 0 IPv6 outside, bit 1 UDP
 * encapsulation, bit 2 transport SA, bits 3-7 the sequence number.
 * The replay window is reset before each input so that runs repeat.
 * Besides sanitizer reports it aborts when a packet reported good does
 * not start with an IP header of the right version and length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/esp_crypto.h"
#include "dataplane/esp_hdr.h"
#include "dataplane/esp_inb.h"
#include "dataplane/replay.h"
#include "dataplane/sad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define SPI_GCM		0x100
#define SPI_NULL_TUN	0x300
#define SPI_NULL_TR	0x301
#define MAX_PKT		2000

static struct rte_mempool *pool;
static struct mif_esp_ctx *ctx;
static struct mif_sad *sad;
static struct mif_sa *sa_gcm, *sa_tun, *sa_tr;
/* The context lives in DPDK memory, which LeakSanitizer does not scan:
 * keep its manager reachable from here. */
static IMB_MGR *mgr_ref;
static const uint8_t auth_key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t gcm_key[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

static struct mif_sa *
sa_make(uint32_t spi, enum mif_sa_cipher c, enum mif_sa_mode mode)
{
	struct mif_sa_params p;
	struct mif_sa *sa;

	memset(&p, 0, sizeof(p));
	p.spi = spi;
	p.dir = MIF_SA_DIR_IN;
	p.mode = mode;
	p.cipher = c;
	if (c == MIF_SA_CIPHER_AES_GCM16) {
		memcpy(p.key, gcm_key, 16);
		p.key_len = 16;
		p.esn = true;
	} else {
		p.auth = MIF_SA_AUTH_HMAC_SHA256_128;
		memcpy(p.auth_key, auth_key, 32);
		p.auth_key_len = 32;
	}
	mif_addr_parse("192.0.2.1", &p.ep.local);
	mif_addr_parse("192.0.2.2", &p.ep.remote);
	p.replay_win = 64;
	p.n_slots = 1;
	sa = mif_sa_create(&p);
	if (sa == NULL || mif_sad_add(sad, sa) != 0)
		abort();
	return sa;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[32];
	char *eal[] = { "fuzz_esp_inb", "--no-huge", "-m", "128",
			"--no-shconf", "--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:crit", "--file-prefix", prefix };
	struct rte_rcu_qsbr *q;

	(void)argc;
	(void)argv;
	/* Parallel fuzzing jobs must not share a runtime directory. */
	snprintf(prefix, sizeof(prefix), "fuzz_esp_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fz", 63, 0, 0, 4096, SOCKET_ID_ANY);
	ctx = mif_esp_ctx_create(0, SOCKET_ID_ANY);
	q = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	if (pool == NULL || ctx == NULL || q == NULL ||
	    rte_rcu_qsbr_init(q, 1) != 0)
		abort();
	mgr_ref = ctx->mgr;
	sad = mif_sad_create("fz", 16, q, SOCKET_ID_ANY);
	if (sad == NULL)
		abort();
	sa_gcm = sa_make(SPI_GCM, MIF_SA_CIPHER_AES_GCM16, MIF_SA_MODE_TUNNEL);
	sa_tun = sa_make(SPI_NULL_TUN, MIF_SA_CIPHER_NULL, MIF_SA_MODE_TUNNEL);
	sa_tr = sa_make(SPI_NULL_TR, MIF_SA_CIPHER_NULL,
			MIF_SA_MODE_TRANSPORT);
	return 0;
}

/* Outer IPv4/IPv6 (+UDP) header for @len bytes of ESP; returns its size. */
static size_t
outer(uint8_t *p, bool v6, bool udp, size_t len)
{
	size_t l3 = v6 ? 40 : 20, u = udp ? 8 : 0;

	memset(p, 0, l3 + u);
	if (v6) {
		p[0] = 0x60;
		p[4] = (len + u) >> 8;
		p[5] = (len + u) & 0xff;
		p[6] = udp ? 17 : 50;
		p[7] = 64;
	} else {
		p[0] = 0x45;
		p[2] = (l3 + u + len) >> 8;
		p[3] = (l3 + u + len) & 0xff;
		p[8] = 64;
		p[9] = udp ? 17 : 50;
	}
	if (udp) {
		p[l3] = p[l3 + 2] = 4500 >> 8;
		p[l3 + 1] = p[l3 + 3] = 4500 & 0xff;
		p[l3 + 4] = (len + 8) >> 8;
		p[l3 + 5] = (len + 8) & 0xff;
	}
	return l3 + u;
}

/* A valid ESP packet around the fuzzer's plaintext. */
static size_t
build(uint8_t *pkt, bool gcm, uint8_t flags, const uint8_t *pt, size_t n)
{
	uint32_t spi = gcm ? SPI_GCM : flags & 4 ? SPI_NULL_TR : SPI_NULL_TUN;
	uint32_t seq = 1 + (flags >> 3);
	size_t iv = gcm ? 8 : 0, esp_len = 8 + iv + n + 16, off;
	uint8_t *e, aad[12], nonce[12], mac[32];
	struct gcm_context_data gctx;
	unsigned int ml = sizeof(mac);
	uint32_t be;

	off = outer(pkt, flags & 1, flags & 2, esp_len);
	e = pkt + off;
	be = rte_cpu_to_be_32(spi);
	memcpy(e, &be, 4);
	be = rte_cpu_to_be_32(seq);
	memcpy(e + 4, &be, 4);
	if (!gcm) {
		memcpy(e + 8, pt, n);
		HMAC(EVP_sha256(), auth_key, 32, e, 8 + n, mac, &ml);
		memcpy(e + 8 + n, mac, 16);
		return off + esp_len;
	}
	memset(e + 8, 0x5a, 8);
	memcpy(nonce, sa_gcm->keys->salt, 4);
	memcpy(nonce + 4, e + 8, 8);
	memcpy(aad, e, 4);
	memset(aad + 4, 0, 4);		/* ESN high half 0 */
	memcpy(aad + 8, e + 4, 4);
	IMB_AES128_GCM_ENC(ctx->mgr, &sa_gcm->keys->gcm, &gctx, e + 16, pt, n,
			   nonce, aad, 12, e + 16 + n, 16);
	return off + esp_len;
}

static void
check_good(struct rte_mbuf *m, struct mif_sa *sa)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	if (sa == NULL || len < 20)
		abort();
	if ((p[0] >> 4) == 4 && (uint32_t)(p[2] << 8 | p[3]) != len)
		abort();
	if ((p[0] >> 4) == 6 && (len < 40 ||
				 (uint32_t)(p[4] << 8 | p[5]) + 40 != len))
		abort();
	if ((p[0] >> 4) != 4 && (p[0] >> 4) != 6)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[MAX_PKT + 128];
	struct mif_sa *got[1];
	struct rte_mbuf *m;
	size_t len;

	if (size < 2 || size > MAX_PKT)
		return 0;
	mif_replay_init(sa_gcm->replay, 64);
	mif_replay_init(sa_tun->replay, 64);
	mif_replay_init(sa_tr->replay, 64);
	if (data[0] == 1 || data[0] == 2) {
		len = build(pkt, data[0] == 2, data[1], data + 2, size - 2);
	} else {
		len = size - 1;
		memcpy(pkt, data + 1, len);
	}
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL || rte_pktmbuf_append(m, len) == NULL)
		abort();
	memcpy(rte_pktmbuf_mtod(m, void *), pkt, len);
	if (mif_esp_inb_burst(ctx, sad, &m, got, 1) == 1)
		check_good(m, got[0]);
	rte_pktmbuf_free(m);
	return 0;
}
