/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE daemon helpers that need no EAL: proposal strings of the "ike"
 * section, prefixes as traffic selectors, and the responder's selector
 * narrowing (RFC 7296 2.9) against a peer's children. */
#include <errno.h>
#include <string.h>

#include "common/cfg_ike.h"
#include "control/ike_sa.h"
#include "tests/unit/check.h"

static void
test_prop_parse(void)
{
	struct mif_cfg_ike_prop p;

	CHECK_EQ(mif_cfg_ike_prop_parse("aes256gcm16-prfsha256-ecp256", false,
					&p), 0);
	CHECK_EQ(p.encr, 20);
	CHECK_EQ(p.keylen, 256);
	CHECK_EQ(p.prf, 5);
	CHECK_EQ(p.integ, 0);
	CHECK_EQ(p.dh, 19);
	/* CBC: the PRF follows the integrity hash. */
	CHECK_EQ(mif_cfg_ike_prop_parse("aes128-sha384-modp2048", false, &p), 0);
	CHECK_EQ(p.prf, 6);
	CHECK_EQ(p.integ, 13);
	CHECK_EQ(p.dh, 14);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes128-sha256-esn", true, &p), 0);
	CHECK(p.esn);
	/* AEAD with integrity, CBC without, no DH, DH in ESP, duplicates,
	 * unknown tokens, empty tokens. */
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256gcm16-sha256-ecp256", false,
					&p), -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256-prfsha256-ecp256", false, &p),
		 -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256gcm16-prfsha256", false, &p),
		 -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256gcm16-ecp256", true, &p),
		 -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256-aes128-sha256", true, &p),
		 -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256-sha512", true, &p), -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("3des-sha1", true, &p), -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("aes256gcm16--ecp256", false, &p),
		 -EINVAL);
	CHECK_EQ(mif_cfg_ike_prop_parse("", true, &p), -EINVAL);
}

static struct mif_ike_ts
ts4(const char *lo, const char *hi, uint8_t proto, uint16_t plo,
    uint16_t phi)
{
	struct mif_ike_ts t = { .type = MIF_IKE_TS_IPV4_ADDR_RANGE,
				.ipproto = proto, .start_port = plo,
				.end_port = phi };
	struct mif_addr a;

	mif_addr_parse(lo, &a);
	memcpy(t.start, &a.v4, 4);
	mif_addr_parse(hi, &a);
	memcpy(t.end, &a.v4, 4);
	return t;
}

static void
peer_init(struct mif_cfg_ike_peer *p)
{
	struct mif_cfg_ike_child *c = &p->children[0];

	memset(p, 0, sizeof(*p));
	p->n_children = 1;
	c->n_local = c->n_remote = 1;
	mif_prefix_parse("192.0.2.0/24", &c->local_ts[0], false, false);
	mif_prefix_parse("10.9.0.0/16", &c->remote_ts[0], false, false);
}

static void
test_child_ts(void)
{
	struct mif_cfg_ike_peer p;
	struct mif_ike_ts_set l, r;
	struct mif_ike_ts want = ts4("192.0.2.0", "192.0.2.255", 0, 0, 65535);

	peer_init(&p);
	mif_ike_child_ts(&p.children[0], &l, &r);
	CHECK_EQ(l.n, 1);
	CHECK_MEM(l.ts[0].start, want.start, 4);
	CHECK_MEM(l.ts[0].end, want.end, 4);
	CHECK_EQ(l.ts[0].end_port, 65535);
	want = ts4("10.9.0.0", "10.9.255.255", 0, 0, 65535);
	CHECK_MEM(r.ts[0].end, want.end, 4);
}

static void
test_narrow(void)
{
	struct mif_ike_ts_set tsi = { .n = 1 }, tsr = { .n = 1 };
	struct mif_cfg_ike_peer p;
	struct mif_ike_child ch;
	struct mif_ike_ts w;

	peer_init(&p);
	/* The peer asks for everything: narrowed to the child's prefixes. */
	tsi.ts[0] = ts4("0.0.0.0", "255.255.255.255", 0, 0, 65535);
	tsr.ts[0] = ts4("0.0.0.0", "255.255.255.255", 0, 0, 65535);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), 0);
	w = ts4("10.9.0.0", "10.9.255.255", 0, 0, 65535);
	CHECK_MEM(ch.ts_remote.ts[0].start, w.start, 4);
	CHECK_MEM(ch.ts_remote.ts[0].end, w.end, 4);
	w = ts4("192.0.2.0", "192.0.2.255", 0, 0, 65535);
	CHECK_MEM(ch.ts_local.ts[0].end, w.end, 4);
	/* A smaller request with a protocol and ports stays as asked. */
	tsi.ts[0] = ts4("10.9.1.0", "10.9.1.255", 6, 1024, 65535);
	tsr.ts[0] = ts4("192.0.2.7", "192.0.2.7", 6, 443, 443);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), 0);
	CHECK_EQ(ch.ts_local.ts[0].ipproto, 6);
	CHECK_EQ(ch.ts_local.ts[0].start_port, 443);
	CHECK_MEM(ch.ts_local.ts[0].start, tsr.ts[0].start, 4);
	CHECK_EQ(ch.ts_remote.ts[0].start_port, 1024);
	/* The first offered selector that overlaps wins. */
	tsi.n = 2;
	tsi.ts[0] = ts4("172.16.0.0", "172.16.0.255", 0, 0, 65535);
	tsi.ts[1] = ts4("10.9.3.3", "10.9.3.3", 0, 0, 65535);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), 0);
	CHECK_MEM(ch.ts_remote.ts[0].start, tsi.ts[1].start, 4);
	/* Disjoint: TS_UNACCEPTABLE. */
	tsi.n = 1;
	tsi.ts[0] = ts4("172.16.0.0", "172.16.0.255", 0, 0, 65535);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), -ENOENT);
	/* A reversed range is empty, an IPv6 selector does not meet IPv4. */
	tsi.ts[0] = ts4("10.9.0.9", "10.9.0.1", 0, 0, 65535);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), -ENOENT);
	tsi.ts[0] = ts4("10.9.0.1", "10.9.0.9", 0, 0, 65535);
	tsi.ts[0].type = MIF_IKE_TS_IPV6_ADDR_RANGE;
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), -ENOENT);
	/* An empty port range. */
	tsi.ts[0] = ts4("10.9.0.1", "10.9.0.9", 0, 0, 65535);
	tsr.ts[0] = ts4("192.0.2.7", "192.0.2.7", 0, 9, 8);
	CHECK_EQ(mif_ike_child_narrow(&p, &tsi, &tsr, &ch), -ENOENT);
}

int
main(void)
{
	test_prop_parse();
	test_child_ts();
	test_narrow();
	CHECK_DONE();
}
