/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_tool: run mifgw's ESP code on packets given in hex, for the
 * interoperability tests against scapy (test_esp_scapy.py).
 *
 *   esp_tool enc|dec KEY=VALUE...   < one hex IP packet per line
 *
 * Keys: spi mode(tunnel|transport) cipher(gcm|cbc|null) key salt
 * auth(none|sha1|sha256) authkey esn(0|1) win local remote udp(0|1)
 * sport dport seq df(copy|clear|set).
 * A line "iv=HEX HEXPACKET" forces the IV of that packet (enc only).
 * Output per input line: "OK HEX" or "DROP reason"; then one line of
 * counters "STATS name=value ...".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "common/addr.h"
#include "dataplane/esp_crypto.h"
#include "dataplane/esp_inb.h"
#include "dataplane/esp_outb.h"
#include "dataplane/sad.h"

#define LINE_MAX_BYTES	16000

static int
hex_to_bin(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (h[0] && h[0] != '\n' && h[0] != ' ') {
		if (n >= max || sscanf(h, "%2x", &v) != 1 || h[1] == 0)
			return -EINVAL;
		out[n++] = v;
		h += 2;
	}
	return (int)n;
}

static void
die(const char *msg, const char *arg)
{
	fprintf(stderr, "esp_tool: %s%s\n", msg, arg ? arg : "");
	exit(2);
}

static void
parse_kv(struct mif_sa_params *p, const char *k, const char *v)
{
	int n;

	if (strcmp(k, "spi") == 0) {
		p->spi = strtoul(v, NULL, 0);
	} else if (strcmp(k, "mode") == 0) {
		p->mode = strcmp(v, "transport") == 0 ?
			MIF_SA_MODE_TRANSPORT : MIF_SA_MODE_TUNNEL;
	} else if (strcmp(k, "cipher") == 0) {
		p->cipher = strcmp(v, "gcm") == 0 ? MIF_SA_CIPHER_AES_GCM16 :
			strcmp(v, "cbc") == 0 ? MIF_SA_CIPHER_AES_CBC :
			MIF_SA_CIPHER_NULL;
	} else if (strcmp(k, "key") == 0) {
		if ((n = hex_to_bin(v, p->key, sizeof(p->key))) < 0)
			die("bad key", NULL);
		p->key_len = n;
	} else if (strcmp(k, "salt") == 0) {
		if (hex_to_bin(v, p->salt, sizeof(p->salt)) != 4)
			die("bad salt", NULL);
	} else if (strcmp(k, "auth") == 0) {
		p->auth = strcmp(v, "sha1") == 0 ? MIF_SA_AUTH_HMAC_SHA1_96 :
			strcmp(v, "sha256") == 0 ? MIF_SA_AUTH_HMAC_SHA256_128 :
			MIF_SA_AUTH_NONE;
	} else if (strcmp(k, "authkey") == 0) {
		if ((n = hex_to_bin(v, p->auth_key, sizeof(p->auth_key))) < 0)
			die("bad authkey", NULL);
		p->auth_key_len = n;
	} else if (strcmp(k, "esn") == 0) {
		p->esn = atoi(v) != 0;
	} else if (strcmp(k, "win") == 0) {
		p->replay_win = strtoul(v, NULL, 0);
	} else if (strcmp(k, "local") == 0) {
		if (mif_addr_parse(v, &p->ep.local) != 0)
			die("bad local ", v);
	} else if (strcmp(k, "remote") == 0) {
		if (mif_addr_parse(v, &p->ep.remote) != 0)
			die("bad remote ", v);
	} else if (strcmp(k, "udp") == 0) {
		p->ep.udp_encap = atoi(v) != 0;
	} else if (strcmp(k, "sport") == 0) {
		p->ep.sport = atoi(v);
	} else if (strcmp(k, "dport") == 0) {
		p->ep.dport = atoi(v);
	} else if (strcmp(k, "seq") == 0) {
		p->seq_start = strtoull(v, NULL, 0);
	} else if (strcmp(k, "df") == 0) {
		p->df = strcmp(v, "set") == 0 ? MIF_SA_DF_SET :
			strcmp(v, "clear") == 0 ? MIF_SA_DF_CLEAR :
			MIF_SA_DF_COPY;
	} else if (strcmp(k, "hard_packets") == 0) {
		p->hard.packets = strtoull(v, NULL, 0);
	} else if (strcmp(k, "soft_packets") == 0) {
		p->soft.packets = strtoull(v, NULL, 0);
	} else {
		die("unknown key ", k);
	}
}

static void
print_stats(const struct mif_sa *sa, const struct mif_esp_ctx *ctx)
{
	struct mif_sa_ctr c;
	unsigned int i;

	mif_sa_stats(sa, &c);
	printf("STATS packets=%lu bytes=%lu", c.packets, c.bytes);
	for (i = 0; i < MIF_SA_DROP_MAX; i++)
		printf(" %s=%lu", mif_sa_drop_name(i), c.drop[i]);
	for (i = 0; i < MIF_ESP_DROP_MAX; i++)
		printf(" %s=%lu", mif_esp_drop_name(i), ctx->drop[i]);
	printf(" events=%u\n", mif_sa_events(sa));
}

/* Which counter moved between two snapshots: the drop reason. */
static const char *
what_moved(const struct mif_sa *sa, const struct mif_esp_ctx *ctx,
	   const struct mif_sa_ctr *b, const uint64_t *bctx)
{
	struct mif_sa_ctr a;
	unsigned int i;

	mif_sa_stats(sa, &a);
	for (i = 0; i < MIF_SA_DROP_MAX; i++)
		if (a.drop[i] != b->drop[i])
			return mif_sa_drop_name(i);
	for (i = 0; i < MIF_ESP_DROP_MAX; i++)
		if (ctx->drop[i] != bctx[i])
			return mif_esp_drop_name(i);
	return "uncounted";
}

static int
run_one(bool enc, struct mif_esp_ctx *ctx, struct mif_sa *sa,
	struct mif_sad *sad, struct rte_mbuf *m, const uint8_t *iv)
{
	uint8_t ivs[1][16];
	struct mif_sa *got[1];

	if (!enc)
		return mif_esp_inb_burst(ctx, sad, &m, got, 1);
	if (iv == NULL)
		return mif_esp_outb_burst(ctx, sa, &m, 1);
	memcpy(ivs[0], iv, 16);
	return mif_esp_outb_burst_iv(ctx, sa, &m, 1, ivs);
}

static void
loop(bool enc, struct mif_esp_ctx *ctx, struct mif_sa *sa,
     struct mif_sad *sad, struct rte_mempool *mp)
{
	static char line[2 * LINE_MAX_BYTES + 64];
	static uint8_t pkt[LINE_MAX_BYTES];
	uint8_t iv[16];
	struct mif_sa_ctr before;
	uint64_t bctx[MIF_ESP_DROP_MAX];
	struct rte_mbuf *m;
	const char *h;
	bool have_iv;
	int n, i;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		h = line;
		have_iv = false;
		memset(iv, 0, sizeof(iv));
		if (strncmp(h, "iv=", 3) == 0) {
			if (hex_to_bin(h + 3, iv, sizeof(iv)) < 0)
				die("bad iv", NULL);
			have_iv = true;
			h = strchr(h, ' ');
			if (h == NULL)
				die("iv without packet", NULL);
			h++;
		}
		n = hex_to_bin(h, pkt, sizeof(pkt));
		if (n < 0)
			die("bad packet hex", NULL);
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL || rte_pktmbuf_tailroom(m) < (unsigned)n)
			die("packet too large for an mbuf", NULL);
		memcpy(rte_pktmbuf_append(m, n), pkt, n);
		mif_sa_stats(sa, &before);
		memcpy(bctx, ctx->drop, sizeof(bctx));
		if (run_one(enc, ctx, sa, sad, m, have_iv ? iv : NULL) == 1) {
			const uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

			printf("OK ");
			for (i = 0; i < rte_pktmbuf_data_len(m); i++)
				printf("%02x", d[i]);
			printf("\n");
		} else {
			printf("DROP %s\n", what_moved(sa, ctx, &before, bctx));
		}
		rte_pktmbuf_free(m);
		fflush(stdout);
	}
}

int
main(int argc, char **argv)
{
	char prefix[32], rundir[PATH_MAX];
	/* DPDK 22.11 refuses --in-memory with --no-huge: --no-shconf and a
	 * per-process prefix keep parallel runs apart instead. */
	char *eal[] = { argv[0], "--no-huge", "-m", "128", "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0", "--log-level=*:error",
			"--file-prefix", prefix };
	struct mif_sa_params p;
	struct rte_mempool *mp;
	struct rte_rcu_qsbr *q;
	struct mif_esp_ctx *ctx;
	struct mif_sad *sad;
	struct mif_sa *sa;
	bool enc;
	int i;

	if (argc < 2 || (strcmp(argv[1], "enc") && strcmp(argv[1], "dec")))
		die("usage: esp_tool enc|dec key=value...", NULL);
	enc = strcmp(argv[1], "enc") == 0;
	snprintf(prefix, sizeof(prefix), "esp_tool_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		die("EAL init failed", NULL);

	memset(&p, 0, sizeof(p));
	p.dir = enc ? MIF_SA_DIR_OUT : MIF_SA_DIR_IN;
	p.replay_win = 64;
	p.n_slots = 1;
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL)
			die("expected key=value: ", argv[i]);
		*eq = 0;
		parse_kv(&p, argv[i], eq + 1);
	}
	/* Inbound, "local" is our address, the packet's destination: the
	 * same parameter in both directions keeps the command lines
	 * symmetric for the tests. */
	sa = mif_sa_create(&p);
	explicit_bzero(&p, sizeof(p));
	if (sa == NULL)
		die("SA rejected (see log)", NULL);

	q = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (q == NULL || rte_rcu_qsbr_init(q, 1) != 0)
		die("qsbr", NULL);
	sad = mif_sad_create("tool", 16, q, SOCKET_ID_ANY);
	ctx = mif_esp_ctx_create(0, SOCKET_ID_ANY);
	mp = rte_pktmbuf_pool_create("tool", 63, 0, 0, LINE_MAX_BYTES + 256,
				     SOCKET_ID_ANY);
	if (sad == NULL || ctx == NULL || mp == NULL)
		die("setup failed", NULL);
	if (mif_sad_add(sad, sa) != 0)
		die("SAD add failed", NULL);

	loop(enc, ctx, sa, sad, mp);
	print_stats(sa, ctx);

	/* The SA is in the SAD (either direction): destroyed with it. */
	mif_sad_destroy(sad);
	mif_esp_ctx_destroy(ctx);
	rte_mempool_free(mp);
	rte_free(q);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return 0;
}
