/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAD: insert, look up and delete at scale, SPI+destination keys, and a
 * reader thread that keeps looking up SAs under QSBR while the writer
 * adds and deletes: an SA the reader found must still be intact (freed
 * SAs are wiped, so a premature free shows as a wrong SPI).
 *
 *   test_sad [N]     N SAs (default 100000); prints memory per SA.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/sad.h"
#include "tests/unit/check.h"

#define STABLE		1000	/* SAs the reader must always find */

static struct rte_rcu_qsbr *qsbr;
static struct mif_sad *sad;
static volatile int stop;
static uint64_t reader_lookups, reader_hits, reader_bad;

static struct mif_sa *
sa_new(uint32_t spi, bool with_dst, uint32_t dst)
{
	struct mif_sa_params p;
	struct mif_sa *sa;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.spi = spi;
	p.dir = MIF_SA_DIR_IN;
	p.mode = MIF_SA_MODE_TUNNEL;
	p.ep.local.family = AF_INET;
	p.ep.local.v4 = rte_cpu_to_be_32(dst);
	p.ep.remote.family = AF_INET;
	p.ep.remote.v4 = rte_cpu_to_be_32(0xcb007101);
	p.match_dst = with_dst;
	p.cipher = MIF_SA_CIPHER_AES_GCM16;
	p.key_len = 16;
	for (i = 0; i < 16; i++)
		p.key[i] = spi >> (i % 4 * 8);
	p.replay_win = 64;
	p.n_slots = 2;
	sa = mif_sa_create(&p);
	explicit_bzero(&p, sizeof(p));
	CHECK(sa != NULL);
	return sa;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t used = 0;
	int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			used += st.heap_allocsz_bytes;
	return used;
}

static void
test_scale(uint32_t n)
{
	struct mif_sa **all = calloc(n, sizeof(*all));
	struct mif_sad_key keys[64];
	struct mif_sa *out[64];
	size_t heap0, heap1, sa_bytes = 0;
	uint32_t i, j;

	CHECK(all != NULL);
	heap0 = heap_used();
	sad = mif_sad_create("scale", n, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL);
	heap1 = heap_used();
	for (i = 0; i < n; i++) {
		all[i] = sa_new(0x1000 + i, false, 0xc6336401);
		sa_bytes += all[i]->alloc_size;
		CHECK_EQ(mif_sad_add(sad, all[i]), 0);
	}
	CHECK_EQ(mif_sad_count(sad), n);
	CHECK_EQ(mif_sad_add(sad, all[0]), -EEXIST);
	printf("  %u SAs: hash+queues %.1f MB (%.0f B/SA), SA+keys+2 counter "
	       "slots+window %zu B/SA, total %.0f B/SA\n", n,
	       (heap1 - heap0) / 1e6, (double)(heap1 - heap0) / n,
	       sa_bytes / n, (double)(heap1 - heap0 + sa_bytes) / n);

	for (i = 0; i < n; i++)
		CHECK(mif_sad_lookup(sad, 0x1000 + i, NULL) == all[i]);
	CHECK(mif_sad_lookup(sad, 0x1000 + n, NULL) == NULL);
	for (i = 0; i + 64 <= n; i += 64 * 97) {
		for (j = 0; j < 64; j++) {
			memset(&keys[j], 0, sizeof(keys[j]));
			keys[j].spi = 0x1000 + i + j + (j == 5 ? n : 0);
			keys[j].family = AF_INET;
		}
		mif_sad_lookup_burst(sad, keys, 64, out);
		for (j = 0; j < 64; j++)
			CHECK(out[j] == (j == 5 ? NULL : all[i + j]));
	}

	/* Delete every other SA; no reader is registered, so a reclaim
	 * frees them at once. */
	for (i = 0; i < n; i += 2)
		CHECK_EQ(mif_sad_del(sad, all[i]), 0);
	mif_sad_reclaim(sad);
	CHECK_EQ(mif_sad_count(sad), n - (n + 1) / 2);
	for (i = 0; i < n; i++)
		CHECK(mif_sad_lookup(sad, 0x1000 + i, NULL) ==
		      (i % 2 ? all[i] : NULL));
	/* The freed key slots are reusable: the table fills up again. */
	for (i = 0; i < n; i += 2) {
		all[i] = sa_new(0x1000 + i, false, 0xc6336401);
		CHECK_EQ(mif_sad_add(sad, all[i]), 0);
	}
	CHECK_EQ(mif_sad_count(sad), n);
	mif_sad_destroy(sad);
	free(all);
}

/* RFC 4301 4.1: an SA keyed by SPI and destination wins over SPI only. */
static void
test_dst(void)
{
	struct mif_addr d1 = { .family = AF_INET }, d2 = d1, d6;
	struct mif_sa *a, *b, *c;

	d1.v4 = rte_cpu_to_be_32(0xc6336401);
	d2.v4 = rte_cpu_to_be_32(0xc6336402);
	CHECK_EQ(mif_addr_parse("2001:db8::1", &d6), 0);
	sad = mif_sad_create("dst", 16, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL);
	a = sa_new(0x500, true, 0xc6336401);
	b = sa_new(0x500, false, 0);
	c = sa_new(0x501, true, 0xc6336402);
	CHECK_EQ(mif_sad_add(sad, a), 0);
	CHECK_EQ(mif_sad_add(sad, b), 0);
	CHECK_EQ(mif_sad_add(sad, c), 0);
	CHECK(mif_sad_lookup(sad, 0x500, &d1) == a);
	CHECK(mif_sad_lookup(sad, 0x500, &d2) == b);
	CHECK(mif_sad_lookup(sad, 0x500, &d6) == b);
	CHECK(mif_sad_lookup(sad, 0x501, &d2) == c);
	CHECK(mif_sad_lookup(sad, 0x501, &d1) == NULL);
	CHECK_EQ(mif_sad_del(sad, a), 0);
	CHECK_EQ(mif_sad_del(sad, a), -ENOENT);
	mif_sad_reclaim(sad);
	CHECK(mif_sad_lookup(sad, 0x500, &d1) == b);
	mif_sad_destroy(sad);
}

static void *
reader(void *arg)
{
	uint32_t spi, x = 1;
	struct mif_sa *sa;

	(void)arg;
	rte_rcu_qsbr_thread_register(qsbr, 0);
	rte_rcu_qsbr_thread_online(qsbr, 0);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		x = x * 1103515245 + 12345;
		/* Half stable SAs, half the churning range. */
		spi = x & 0x100 ? 0x10000 + (x >> 8) % STABLE :
			0x20000 + (x >> 8) % 4096;
		sa = mif_sad_lookup(sad, spi, NULL);
		reader_lookups++;
		if (sa != NULL) {
			reader_hits++;
			/* Read it a while, as a worker would. */
			if (sa->spi != spi || sa->dir != MIF_SA_DIR_IN)
				reader_bad++;
		} else if (spi < 0x20000) {
			reader_bad++;
		}
		rte_rcu_qsbr_quiescent(qsbr, 0);
	}
	rte_rcu_qsbr_thread_offline(qsbr, 0);
	rte_rcu_qsbr_thread_unregister(qsbr, 0);
	return NULL;
}

static void
test_concurrent(void)
{
	struct mif_sa *churn[4096] = { NULL };
	pthread_t th;
	uint32_t i, k, round;

	sad = mif_sad_create("conc", 8192, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL);
	for (i = 0; i < STABLE; i++)
		CHECK_EQ(mif_sad_add(sad, sa_new(0x10000 + i, false, 1)), 0);
	CHECK_EQ(pthread_create(&th, NULL, reader, NULL), 0);

	for (round = 0; round < 60; round++) {
		for (i = 0; i < 4096; i++) {
			k = (i * 2654435761u + round) % 4096;
			if (churn[k] != NULL) {
				CHECK_EQ(mif_sad_del(sad, churn[k]), 0);
				churn[k] = NULL;
			} else {
				churn[k] = sa_new(0x20000 + k, false, 1);
				CHECK_EQ(mif_sad_add(sad, churn[k]), 0);
			}
		}
		mif_sad_reclaim(sad);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("  concurrent: %lu lookups, %lu hits, %lu bad\n",
	       reader_lookups, reader_hits, reader_bad);
	CHECK_EQ(reader_bad, 0);
	CHECK(reader_lookups > 1000);
	mif_sad_destroy(sad);
}

/* Outbound SAs are found by the id an SPD PROTECT verdict carries. */
static void
test_outbound(void)
{
	struct mif_sa_params p;
	struct mif_sa *a, *b, *c, *in;

	sad = mif_sad_create("out", 16, qsbr, SOCKET_ID_ANY);
	CHECK(sad != NULL);
	memset(&p, 0, sizeof(p));
	p.spi = 0x900;
	p.dir = MIF_SA_DIR_OUT;
	p.mode = MIF_SA_MODE_TRANSPORT;
	p.cipher = MIF_SA_CIPHER_AES_GCM16;
	p.key_len = 16;
	p.n_slots = 1;
	p.id = 7;
	a = mif_sa_create(&p);
	p.id = 8;
	b = mif_sa_create(&p);
	p.id = 7;
	c = mif_sa_create(&p);		/* same id as a */
	CHECK(a && b && c);
	CHECK_EQ(mif_sad_add(sad, a), 0);
	CHECK_EQ(mif_sad_add(sad, b), 0);
	CHECK_EQ(mif_sad_add(sad, c), -EEXIST);
	CHECK_EQ(mif_sad_del(sad, c), -ENOENT);	/* not the holder */
	CHECK(mif_sad_out_lookup(sad, 7) == a);
	CHECK(mif_sad_out_lookup(sad, 8) == b);
	CHECK(mif_sad_out_lookup(sad, 9) == NULL);
	CHECK_EQ(mif_sad_out_count(sad), 2);
	/* The same SPI inbound is a different table. */
	in = sa_new(0x900, false, 0);
	CHECK_EQ(mif_sad_add(sad, in), 0);
	CHECK(mif_sad_lookup(sad, 0x900, NULL) == in);
	CHECK_EQ(mif_sad_del(sad, a), 0);
	CHECK(mif_sad_out_lookup(sad, 7) == NULL);
	CHECK_EQ(mif_sad_reclaim(sad), 1);
	CHECK_EQ(mif_sad_add(sad, c), 0);
	CHECK(mif_sad_out_lookup(sad, 7) == c);
	p.id = 1ull << 32;
	a = mif_sa_create(&p);
	CHECK_EQ(mif_sad_add(sad, a), -ERANGE);
	mif_sa_destroy(a);
	mif_sad_destroy(sad);		/* b, c and in with it */
}

int
main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	char prefix[32], dir[PATH_MAX], mem[16];
	char *eal[] = { "test_sad", "--no-huge", "-m", mem, "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:warning", "--file-prefix", prefix };

	/* The hash lives in DPDK memory: about 100 B per SA. */
	snprintf(mem, sizeof(mem), "%u", 128 + n / 5000);
	snprintf(prefix, sizeof(prefix), "test_sad_%d", (int)getpid());
	CHECK(rte_eal_init(RTE_DIM(eal), eal) >= 0);
	qsbr = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	CHECK(qsbr != NULL);
	CHECK_EQ(rte_rcu_qsbr_init(qsbr, 1), 0);

	test_dst();
	test_outbound();
	test_concurrent();
	test_scale(n);

	rte_free(qsbr);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	CHECK_DONE();
}
