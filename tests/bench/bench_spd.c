/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPD benchmark: rte_acl against the linear reference, same rules and
 * packets, same run. For 1k, 10k and 50k random rules of each family it
 * prints build time, build rate, memory and ns per classified packet.
 * Figures are printed, not asserted; the only failure is a verdict on
 * which the two classifiers disagree.
 *
 * Usage: bench_spd [-q] [-- extra EAL options]
 *   -q  quick: 1k and 10k rules only
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane/spd.h"

#define N_PKTS		4096
#define BURST		32
#define WINDOW		256	/* packets timed together */
#define MEASURE_NS	300000000ull	/* per classifier and size */

static struct rte_mempool *pool;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time of this process: builds are single-threaded, and unlike
 * wall time it does not count the time other processes held the core. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(0, &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

/*
 * Two rule shapes. "random": source prefixes inside 10/8 (v4) or
 * 2001:db8::/32 (v6) of length 8..32 (32..128), destinations anywhere
 * with a random length, TCP 40%, UDP 40%, any 20%; for TCP/UDP the
 * destination port is one port (60%), a random range (20%) or any, the
 * source port any (80%) or a random range. Random ranges are the worst
 * case for a trie. "ts": what IKE traffic selectors and operators write:
 * the same prefixes, the destination of length 8..32 (32..128), TCP,
 * UDP or any, the destination port one port (50%) or any, the source
 * port any. Priorities 0..999 and actions are random in both.
 */
enum shape { SHAPE_RANDOM, SHAPE_TS };

static void
rnd_bytes(uint8_t *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static void
clear_host_bits(uint8_t *a, unsigned int len, unsigned int bits)
{
	unsigned int i;

	for (i = len; i < bits; i++)
		a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static void
rnd_prefix(struct mif_prefix *p, uint8_t family, bool inside,
	   unsigned int min_len)
{
	unsigned int bits = family == AF_INET ? 32 : 128;
	uint8_t *a = family == AF_INET ? (uint8_t *)&p->addr.v4 : p->addr.v6;

	memset(p, 0, sizeof(*p));
	p->addr.family = family;
	rnd_bytes(a, bits / 8);
	if (inside && family == AF_INET)
		a[0] = 10;
	else if (inside)
		memcpy(a, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	p->len = (uint8_t)(min_len + rnd() % (bits + 1 - min_len));
	clear_host_bits(a, p->len, bits);
}

static void
rnd_ports(uint16_t *lo, uint16_t *hi, unsigned int p_one,
	  unsigned int p_range)
{
	unsigned int x = rnd() % 100;
	uint16_t a = (uint16_t)rnd(), b = (uint16_t)rnd();

	if (x < p_one) {
		*lo = *hi = a;
	} else if (x < p_one + p_range) {
		*lo = RTE_MIN(a, b);
		*hi = RTE_MAX(a, b);
	} else {
		*lo = 0;
		*hi = UINT16_MAX;
	}
}

static void
rnd_rule(struct mif_spd_rule *r, uint8_t family, enum shape shape)
{
	struct mif_spd_sel *s = &r->sel;
	unsigned int x = rnd() % 100, v6 = family == AF_INET6;

	memset(r, 0, sizeof(*r));
	mif_spd_sel_init_any(s, family);
	rnd_prefix(&s->src, family, true, v6 ? 32 : 8);
	rnd_prefix(&s->dst, family, false,
		   shape == SHAPE_TS ? (v6 ? 32 : 8) : 0);
	s->proto = x < 40 ? IPPROTO_TCP : x < 80 ? IPPROTO_UDP :
		   MIF_SPD_PROTO_ANY;
	if (s->proto != MIF_SPD_PROTO_ANY && shape == SHAPE_RANDOM) {
		rnd_ports(&s->dport_lo, &s->dport_hi, 60, 20);
		rnd_ports(&s->sport_lo, &s->sport_hi, 0, 20);
	} else if (s->proto != MIF_SPD_PROTO_ANY) {
		rnd_ports(&s->dport_lo, &s->dport_hi, 50, 0);
	}
	r->priority = rnd() % 1000;
	r->action = (enum mif_spd_action)(rnd() % 3);
	r->sa_id = rnd() % 1000000;
}

/* An address inside p. */
static void
addr_in(const struct mif_prefix *p, uint8_t *a)
{
	unsigned int bits = p->addr.family == AF_INET ? 32 : 128, i;
	const uint8_t *n = p->addr.family == AF_INET ?
			   (const uint8_t *)&p->addr.v4 : p->addr.v6;

	rnd_bytes(a, bits / 8);
	for (i = 0; i < p->len; i++) {
		a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		a[i / 8] |= n[i / 8] & (0x80 >> (i % 8));
	}
}

static uint16_t
port_in(uint16_t lo, uint16_t hi)
{
	return (uint16_t)(lo + rnd() % ((uint32_t)hi - lo + 1));
}

/* A TCP/UDP packet aimed at rule r (90%) or random (10%). */
static struct rte_mbuf *
mk_packet(const struct mif_spd_rule *r)
{
	const struct mif_spd_sel *s = &r->sel;
	uint8_t pkt[64];
	uint8_t proto = s->proto == MIF_SPD_PROTO_ANY ?
			(rnd() & 1 ? IPPROTO_TCP : IPPROTO_UDP) :
			(uint8_t)s->proto;
	bool v4 = s->src.addr.family == AF_INET, aimed = rnd() % 10 != 0;
	size_t l3 = v4 ? 20 : 40;
	uint16_t sp = port_in(s->sport_lo, s->sport_hi);
	uint16_t dp = port_in(s->dport_lo, s->dport_hi);
	struct rte_mbuf *m;

	memset(pkt, 0, sizeof(pkt));
	if (v4) {
		pkt[0] = 0x45;
		pkt[3] = (uint8_t)(l3 + 20);
		pkt[8] = 64;
		pkt[9] = proto;
		addr_in(&s->src, pkt + 12);
		addr_in(&s->dst, pkt + 16);
		if (!aimed)
			rnd_bytes(pkt + 12, 8);
	} else {
		pkt[0] = 0x60;
		pkt[5] = 20;
		pkt[6] = proto;
		pkt[7] = 64;
		addr_in(&s->src, pkt + 8);
		addr_in(&s->dst, pkt + 24);
		if (!aimed)
			rnd_bytes(pkt + 8, 32);
	}
	pkt[l3] = (uint8_t)(sp >> 8);
	pkt[l3 + 1] = (uint8_t)sp;
	pkt[l3 + 2] = (uint8_t)(dp >> 8);
	pkt[l3 + 3] = (uint8_t)dp;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL || rte_pktmbuf_append(m, (uint16_t)(l3 + 20)) == NULL) {
		fprintf(stderr, "bench_spd: mbuf pool exhausted\n");
		exit(1);
	}
	memcpy(rte_pktmbuf_mtod(m, void *), pkt, l3 + 20);
	return m;
}

typedef void (*classify_fn)(const struct mif_spd *, struct rte_mbuf **,
			    uint16_t, uint32_t *);

/*
 * ns per packet. The cores are shared with other processes, so each
 * window of WINDOW packets keeps its fastest time over the passes, and
 * the sum of those is the figure: every packet counts once, and a pass
 * disturbed by another process only loses where it was slower. Whole
 * passes (every verdict written), at least two, until MEASURE_NS has
 * passed; *mean gets the plain average over all passes.
 */
static double
measure(classify_fn fn, const struct mif_spd *spd, struct rte_mbuf **mb,
	uint32_t *res, double *mean)
{
	static uint64_t best[N_PKTS / WINDOW];
	uint64_t t0 = now_ns(), tw, t = t0, sum = 0;
	unsigned int i, j, passes = 0;

	for (i = 0; i < N_PKTS / WINDOW; i++)
		best[i] = UINT64_MAX;
	do {
		for (i = 0; i < N_PKTS / WINDOW; i++) {
			tw = now_ns();
			for (j = i * WINDOW; j < (i + 1) * WINDOW; j += BURST)
				fn(spd, mb + j, BURST, res + j);
			t = now_ns();
			best[i] = RTE_MIN(best[i], t - tw);
		}
		passes++;
	} while (t - t0 < MEASURE_NS || passes < 2);
	for (i = 0; i < N_PKTS / WINDOW; i++)
		sum += best[i];
	*mean = (double)(t - t0) / ((double)passes * N_PKTS);
	return (double)sum / N_PKTS;
}

/* Other processes share the cores; the figures mean little without
 * the load they were taken under. */
static void
print_load(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			snprintf(buf, sizeof(buf), "?\n");
		fclose(f);
	}
	printf("bench_spd: load average %s: %s", when, buf);
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct mif_spd_rule *x = a, *y = b;

	return (x->priority > y->priority) - (x->priority < y->priority);
}

struct result {
	uint64_t t_add, t_build, t_sort;	/* ns, CPU time */
	uint64_t t_wall;			/* ns, add + build */
	size_t acl_mem, lin_mem;		/* bytes */
	double ns_acl, ns_lin, ns_base;
	double mean_acl, mean_lin;
	unsigned int diff, nondef;
};

/* Add and build, timing both; memory is the growth of the DPDK heap
 * (tries, rte_acl's rule copy, verdicts) plus the SPD's rule array. */
static struct mif_spd *
build(const struct mif_spd_rule *rules, unsigned int n, struct result *res)
{
	struct mif_spd_params p = { .name = "bench", .dir = MIF_SPD_DIR_OUT,
				    .def_action = MIF_SPD_DISCARD,
				    .socket_id = SOCKET_ID_ANY };
	struct mif_spd *spd;
	uint64_t w0 = now_ns(), t0 = cpu_ns();
	size_t h0 = heap_used();
	unsigned int i;
	int rc;

	if ((spd = mif_spd_create(&p)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (mif_spd_rule_add(spd, &rules[i]) != 0)
			goto fail;
	res->t_add = cpu_ns() - t0;
	t0 = cpu_ns();
	if ((rc = mif_spd_build(spd)) != 0) {
		fprintf(stderr, "bench_spd: build of %u rules: %s\n", n,
			strerror(-rc));
		goto fail;
	}
	res->t_build = cpu_ns() - t0;
	res->t_wall = now_ns() - w0;
	res->lin_mem = (size_t)n * sizeof(*rules);
	res->acl_mem = heap_used() - h0 + res->lin_mem;
	return spd;
fail:
	mif_spd_destroy(spd);
	return NULL;
}

static void
print(const char *fam, const char *shp, unsigned int n,
      const struct result *r)
{
	double acl_s = (double)(r->t_add + r->t_build) / 1e9;
	double lin_s = (double)(r->t_add + r->t_sort) / 1e9;

	printf("%-4s %-6s %6u  acl     build %9.1f ms %10.0f rules/s  "
	       "mem %9.1f KiB  %9.1f ns/pkt\n", fam, shp, n, acl_s * 1e3,
	       n / acl_s, (double)r->acl_mem / 1024, r->ns_acl);
	printf("%-4s %-6s %6u  linear  build %9.1f ms %10.0f rules/s  "
	       "mem %9.1f KiB  %9.1f ns/pkt\n", fam, shp, n, lin_s * 1e3,
	       n / lin_s, (double)r->lin_mem / 1024, r->ns_lin);
	printf("%-4s %-6s %6u  check   %u/%u packets differ, %u/%u not "
	       "default, acl %.1fx faster, parse only %.1f ns/pkt, "
	       "means %.1f/%.1f ns/pkt, acl build wall %.1f ms\n", fam, shp,
	       n, r->diff, N_PKTS, r->nondef, N_PKTS, r->ns_lin / r->ns_acl,
	       r->ns_base, r->mean_acl, r->mean_lin, (double)r->t_wall / 1e6);
	fflush(stdout);
}

static int
run(uint8_t family, enum shape shape, unsigned int n_rules)
{
	static struct rte_mbuf *mb[N_PKTS];
	static uint32_t r_acl[N_PKTS], r_lin[N_PKTS];
	struct mif_spd_rule *rules;
	struct result res;
	struct mif_spd *spd, *empty;
	unsigned int i;
	uint64_t t0;

	memset(&res, 0, sizeof(res));
	if ((rules = calloc(n_rules, sizeof(*rules))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n_rules; i++)
		rnd_rule(&rules[i], family, shape);
	spd = build(rules, n_rules, &res);
	empty = build(rules, 0, &(struct result){ 0 });
	if (spd == NULL || empty == NULL)
		return -ENOMEM;

	/* The linear reference itself needs only the sorted rules. */
	t0 = cpu_ns();
	qsort(rules, n_rules, sizeof(*rules), rule_cmp);
	res.t_sort = cpu_ns() - t0;

	for (i = 0; i < N_PKTS; i++)
		mb[i] = mk_packet(&rules[rnd() % n_rules]);
	/* Key extraction and the default verdict alone: no trie. */
	res.ns_base = measure(mif_spd_classify_burst, empty, mb, r_acl,
			      &(double){ 0 });
	res.ns_acl = measure(mif_spd_classify_burst, spd, mb, r_acl,
			     &res.mean_acl);
	res.ns_lin = measure(mif_spd_classify_linear_burst, spd, mb, r_lin,
			     &res.mean_lin);
	for (i = 0; i < N_PKTS; i++) {
		res.diff += r_acl[i] != r_lin[i];
		res.nondef += r_acl[i] != MIF_SPD_V_DISCARD;
		rte_pktmbuf_free(mb[i]);
	}
	print(family == AF_INET ? "ipv4" : "ipv6",
	      shape == SHAPE_TS ? "ts" : "random", n_rules, &res);

	mif_spd_destroy(spd);
	mif_spd_destroy(empty);
	free(rules);
	return res.diff == 0 ? 0 : -EPROTO;
}

int
main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 1000, 10000, 50000 };
	char prefix[64], dir[PATH_MAX];
	char *eal[32] = { argv[0], "--no-huge", "-m", "2048", "--no-shconf",
			  "--no-pci", "-l", "0", "--no-telemetry",
			  "--log-level", "*:warning", "--file-prefix", prefix };
	unsigned int n_eal = 13, n_sizes = RTE_DIM(sizes), i, f, sh;
	int rc = 0, a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-q") == 0) {
			n_sizes = 2;
		} else if (strcmp(argv[a], "--") == 0) {
			for (a++; a < argc && n_eal < RTE_DIM(eal) - 1; a++)
				eal[n_eal++] = argv[a];
		} else {
			fprintf(stderr, "usage: %s [-q] [-- EAL options]\n",
				argv[0]);
			return 2;
		}
	}
	snprintf(prefix, sizeof(prefix), "bench_spd_%d", (int)getpid());
	eal[n_eal] = NULL;
	if (rte_eal_init((int)n_eal, eal) < 0) {
		fprintf(stderr, "bench_spd: EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("bench_spd", N_PKTS + 512, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "bench_spd: no mbuf pool\n");
		return 1;
	}
	printf("bench_spd: %d packets per pass, bursts of %d, ns/pkt is the "
	       "sum of the best times of %d-packet windows (means in the "
	       "check line), key extraction included; build times are CPU "
	       "time\n", N_PKTS, BURST, WINDOW);
	print_load("at start");
	for (sh = 0; sh < 2 && rc == 0; sh++)
		for (f = 0; f < 2 && rc == 0; f++)
			for (i = 0; i < n_sizes && rc == 0; i++)
				rc = run(f == 0 ? AF_INET : AF_INET6,
					 sh == 0 ? SHAPE_TS : SHAPE_RANDOM,
					 sizes[i]);
	print_load("at end");
	if (rc != 0)
		fprintf(stderr, "bench_spd: failed: %s\n", strerror(-rc));

	rte_mempool_free(pool);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	return rc == 0 ? 0 : 1;
}
