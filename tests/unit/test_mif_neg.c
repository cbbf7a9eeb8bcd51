/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's negotiation helpers on real IKE messages (built by the
 * generator, read back by the parser): our VID among others, the path
 * mode from IKE_AUTH notifies, and the COOKIE2 echo. */
#include <errno.h>
#include <string.h>

#include "control/ike_sa.h"
#include "control/ike_wire.h"
#include "control/mif_neg.h"
#include "tests/unit/check.h"

static uint8_t buf[1024];
static size_t len;
static struct mif_ike_msg m;

static struct mif_ike_gen
start(void)
{
	struct mif_ike_hdr h = { .ispi = 0x1122334455667788ull,
				 .exchange = MIF_IKE_EXCH_INFORMATIONAL,
				 .flags = MIF_IKE_FLAG_INITIATOR };
	struct mif_ike_gen g;

	CHECK_EQ(mif_ike_gen_init(&g, buf, sizeof(buf), &h), 0);
	return g;
}

static void
finish(struct mif_ike_gen *g)
{
	CHECK_EQ(mif_ike_gen_finish(g, &len), 0);
	CHECK_EQ(mif_ike_msg_parse(&m, buf, len, NULL), 0);
}

static void
test_vid(void)
{
	struct mif_ike_gen g = start();

	/* Someone else's VID, then a 15-byte prefix of ours: not ours. */
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, "strongSwan", 10), 0);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, mif_ext_vid, 15), 0);
	finish(&g);
	CHECK(!mif_neg_vid_seen(&m));
	g = start();
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, "strongSwan", 10), 0);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, mif_ext_vid,
				 MIF_EXT_VID_LEN), 0);
	finish(&g);
	CHECK(mif_neg_vid_seen(&m));
}

static void
test_mode(void)
{
	const uint8_t sup[] = { 0x01, 0x07, 0x00, 0x08 };	/* v1, TSA, 8 */
	const uint8_t bad[] = { 0x02, 0x07, 0x00, 0x08 };	/* version 2 */
	struct mif_ike_gen g = start();

	CHECK_EQ(mif_ike_add_notify(&g, MIF_IKE_N_MOBIKE_SUPPORTED, NULL, 0),
		 0);
	CHECK_EQ(mif_ike_add_notify(&g, MIF_EXT_N_SUPPORTED, sup, 4), 0);
	finish(&g);
	CHECK_EQ(mif_neg_auth_mode(true, &m, "t"), MIF_PATH_MODE_MIF);
	/* Without the VID the private number means nothing. */
	CHECK_EQ(mif_neg_auth_mode(false, &m, "t"), MIF_PATH_MODE_MOBIKE);
	g = start();
	CHECK_EQ(mif_ike_add_notify(&g, MIF_EXT_N_SUPPORTED, bad, 4), 0);
	finish(&g);
	CHECK_EQ(mif_neg_auth_mode(true, &m, "t"), MIF_PATH_MODE_NONE);
	g = start();
	CHECK_EQ(mif_ike_add_notify(&g, MIF_IKE_N_MOBIKE_SUPPORTED, NULL, 0),
		 0);
	CHECK_EQ(mif_ike_add_notify(&g, MIF_EXT_N_SUPPORTED, bad, 4), 0);
	finish(&g);
	CHECK_EQ(mif_neg_auth_mode(true, &m, "t"), MIF_PATH_MODE_MOBIKE);
}

static void
test_cookie2(void)
{
	uint8_t c[16], shortc[4] = { 1, 2, 3, 4 }, out[1024];
	const struct mif_ike_pld *p;
	struct mif_ike_msg r;
	struct mif_ike_notify n;
	struct mif_ike_hdr h = { .ispi = 1, .rspi = 2,
				 .exchange = MIF_IKE_EXCH_INFORMATIONAL,
				 .flags = MIF_IKE_FLAG_RESPONSE };
	struct mif_ike_gen g = start(), rg;
	size_t rlen;

	for (unsigned int i = 0; i < sizeof(c); i++)
		c[i] = (uint8_t)(0xc0 + i);
	/* A 4-byte COOKIE2 is malformed (8-64): not echoed. */
	CHECK_EQ(mif_ike_add_notify(&g, MIF_IKE_N_COOKIE2, shortc, 4), 0);
	CHECK_EQ(mif_ike_add_notify(&g, MIF_IKE_N_COOKIE2, c, sizeof(c)), 0);
	finish(&g);
	CHECK_EQ(mif_ike_gen_init(&rg, out, sizeof(out), &h), 0);
	CHECK_EQ(mif_neg_cookie2_echo(&rg, &m), 1);
	CHECK_EQ(mif_ike_gen_finish(&rg, &rlen), 0);
	CHECK_EQ(mif_ike_msg_parse(&r, out, rlen, NULL), 0);
	CHECK((p = mif_ike_msg_find_notify(&r, MIF_IKE_N_COOKIE2)) != NULL);
	CHECK_EQ(mif_ike_pld_notify_parse(p->body, p->len, &n), 0);
	CHECK_EQ(n.data_len, sizeof(c));
	CHECK_MEM(n.data, c, sizeof(c));
	CHECK(mif_ike_msg_next(&r, p) == NULL);
	/* No room: the generator's error comes back. */
	CHECK_EQ(mif_ike_gen_init(&rg, out, 40, &h), 0);
	CHECK(mif_neg_cookie2_echo(&rg, &m) < 0);
}

int
main(void)
{
	test_vid();
	test_mode();
	test_cookie2();
	CHECK_DONE();
}
