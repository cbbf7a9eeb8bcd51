/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the SPD's packet parser and classifiers.
 *
 * Input: byte 0 chooses where the packet is split into two mbuf
 * segments (0: not split), the rest is the packet from its IP header.
 * Each input is classified by rte_acl and by the linear reference over
 * a fixed rule set that uses every selector kind, and checked against an
 * SA selector list (RFC 4301 5.2). The two classifiers must agree, and a
 * packet the classifier calls malformed must be malformed for the inner
 * check too; anything else aborts.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dataplane/spd.h"

#define ROOM	2048

static struct rte_mempool *pool;
static struct mif_spd *spd;
static struct mif_spd_sel sels[3];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* The SPD itself lives in DPDK memory, which LeakSanitizer does not
 * scan, so the rule array that LLVMFuzzerInitialize() fills looks
 * unreferenced whenever libFuzzer checks for leaks after an input.
 * Inputs never add rules, so this hides no leak of the input path. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:mif_spd_rule_add\n";
}

static void
sel(struct mif_spd_sel *s, const char *src, const char *dst, uint16_t proto,
    uint16_t slo, uint16_t shi, uint16_t dlo, uint16_t dhi)
{
	memset(s, 0, sizeof(*s));
	if (mif_prefix_parse(src, &s->src, false, false) != 0 ||
	    mif_prefix_parse(dst, &s->dst, false, false) != 0)
		abort();
	s->proto = proto;
	s->sport_lo = slo;
	s->sport_hi = shi;
	s->dport_lo = dlo;
	s->dport_hi = dhi;
}

/* Rules over small address and port sets, so that fuzzed packets hit
 * them: every protocol kind, exact and wide prefixes, port ranges,
 * ICMP type/code, ties. */
static void
rules_add(void)
{
	static const char *const p4[] = { "0.0.0.0/0", "10.0.0.0/8",
					  "10.1.2.3/32", "192.0.2.0/24" };
	static const char *const p6[] = { "::/0", "2001:db8::/32",
					  "2001:db8::1/128", "fe80::/10" };
	static const uint16_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
					   IPPROTO_SCTP, IPPROTO_ICMP,
					   IPPROTO_ICMPV6, 50,
					   MIF_SPD_PROTO_ANY };
	struct mif_spd_rule r;
	unsigned int i, j, k, n = 0;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			for (k = 0; k < RTE_DIM(protos); k++, n++) {
				bool ports = protos[k] <= IPPROTO_ICMPV6 &&
					     protos[k] != 50;

				memset(&r, 0, sizeof(r));
				sel(&r.sel, (n & 1) ? p6[i] : p4[i],
				    (n & 1) ? p6[j] : p4[j], protos[k],
				    0, 65535, 0, 65535);
				if (ports && (n & 2)) {
					r.sel.sport_lo = 0x0800;
					r.sel.sport_hi = 0x08ff;
					r.sel.dport_lo = (uint16_t)(n * 37);
					r.sel.dport_hi = (uint16_t)(n * 37 + 400);
				}
				r.priority = n % 7;
				r.action = (enum mif_spd_action)(n % 3);
				r.sa_id = n;
				if (mif_spd_rule_add(spd, &r) != 0)
					abort();
			}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = { "fuzz_spd", "--no-huge", "-m", "128", "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:crit", "--file-prefix", "fuzz_spd" };
	struct mif_spd_params p = { .name = "fuzz", .dir = MIF_SPD_DIR_IN,
				    .def_action = MIF_SPD_DISCARD,
				    .socket_id = SOCKET_ID_ANY };

	(void)argc;
	(void)argv;
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fz", 63, 0, 0,
				       ROOM + RTE_PKTMBUF_HEADROOM,
				       SOCKET_ID_ANY);
	spd = mif_spd_create(&p);
	if (pool == NULL || spd == NULL)
		abort();
	rules_add();
	if (mif_spd_build(spd) != 0)
		abort();
	sel(&sels[0], "10.0.0.0/8", "192.0.2.0/24", IPPROTO_TCP, 0, 65535,
	    443, 443);
	sel(&sels[1], "2001:db8::/32", "::/0", MIF_SPD_PROTO_ANY, 0, 65535,
	    0, 65535);
	sel(&sels[2], "0.0.0.0/0", "0.0.0.0/0", IPPROTO_ICMP, 0x0800,
	    0x08ff, 0x0800, 0x08ff);
	return 0;
}

static struct rte_mbuf *
seg(const uint8_t *p, size_t n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		abort();
	if (n > 0) {
		if (rte_pktmbuf_append(m, (uint16_t)n) == NULL)
			abort();
		memcpy(rte_pktmbuf_mtod(m, void *), p, n);
	}
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *tail;
	uint32_t a, l;
	size_t cut;
	int rc;

	if (size < 1 || size - 1 > 2 * ROOM)
		return 0;
	cut = data[0];
	data++;
	size--;
	if (cut == 0 || cut >= size)
		cut = size;
	if (cut > ROOM || size - cut > ROOM)
		return 0;
	m = seg(data, cut);
	if (cut < size) {
		tail = seg(data + cut, size - cut);
		if (rte_pktmbuf_chain(m, tail) != 0)
			abort();
	}

	mif_spd_classify_burst(spd, &m, 1, &a);
	mif_spd_classify_linear_burst(spd, &m, 1, &l);
	if (a != l)
		abort();
	rc = mif_spd_check_inner(sels, RTE_DIM(sels), m);
	if (rc != 0 && rc != -EACCES && rc != -EBADMSG)
		abort();
	if ((a == MIF_SPD_V_BADPKT) != (rc == -EBADMSG))
		abort();
	rte_pktmbuf_free(m);
	return 0;
}
