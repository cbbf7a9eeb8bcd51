/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 4555 notify data: hand-written bytes for every type, malformed
 * data refused with nothing changed, and the peer's address list. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "control/ike_wire.h"
#include "control/mobike.h"
#include "tests/unit/check.h"

static struct mif_addr
A(const char *s)
{
	struct mif_addr a;

	memset(&a, 0, sizeof(a));
	CHECK_EQ(mif_addr_parse(s, &a), 0);
	return a;
}

static void
test_addr(void)
{
	const uint8_t v4[] = { 198, 51, 100, 9 };	/* 198.51.100.9 */
	const uint8_t v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 0x09 };	/* 2001:db8::9 */
	const uint8_t lo[] = { 127, 0, 0, 1 };
	const uint8_t mc6[16] = { 0xff, 0x02, [15] = 1 };
	struct mif_addr a = A("192.0.2.200"), keep = a, b;
	uint8_t buf[16];
	struct mif_wr w;
	uint16_t type;

	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP4_ADDRESS, v4,
				       4, &b), 0);
	CHECK(mif_addr_eq(&b, &(struct mif_addr){ 0 }) == false);
	CHECK_EQ(b.family, AF_INET);
	CHECK_MEM(&b.v4, v4, 4);
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP6_ADDRESS, v6,
				       16, &b), 0);
	CHECK_EQ(b.family, AF_INET6);
	/* Wrong size for the type, both ways round. */
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP4_ADDRESS, v6,
				       16, &a), -EBADMSG);
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP6_ADDRESS, v4,
				       4, &a), -EBADMSG);
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP4_ADDRESS, v4,
				       3, &a), -EBADMSG);
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP4_ADDRESS, lo,
				       4, &a), -EADDRNOTAVAIL);
	CHECK_EQ(mif_mobike_addr_parse(MIF_IKE_N_ADDITIONAL_IP6_ADDRESS, mc6,
				       16, &a), -EADDRNOTAVAIL);
	CHECK_MEM(&a, &keep, sizeof(a));
	mif_wr_init(&w, buf, sizeof(buf));
	CHECK_EQ(mif_mobike_addr_build(&w, &b, &type), 0);
	CHECK_EQ(type, MIF_IKE_N_ADDITIONAL_IP6_ADDRESS);
	CHECK_MEM(buf, v6, 16);
}

static void
test_cookie2(void)
{
	uint8_t d[65];
	struct mif_mobike_cookie2 c, e, k;
	struct mif_wr w;
	uint8_t out[64];

	for (unsigned int i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	memset(&c, 0, sizeof(c));
	k = c;
	CHECK_EQ(mif_mobike_cookie2_parse(d, 7, &c), -EBADMSG);	/* < 8 */
	CHECK_EQ(mif_mobike_cookie2_parse(d, 65, &c), -EBADMSG);	/* > 64 */
	CHECK_MEM(&c, &k, sizeof(c));
	CHECK_EQ(mif_mobike_cookie2_parse(d, 8, &c), 0);
	CHECK_EQ(mif_mobike_cookie2_parse(d, 64, &c), 0);
	CHECK_EQ(c.len, 64);
	e = c;
	CHECK(mif_mobike_cookie2_eq(&c, &e));
	e.v[63] ^= 1;
	CHECK(!mif_mobike_cookie2_eq(&c, &e));
	e.v[63] ^= 1;
	e.len = 63;
	CHECK(!mif_mobike_cookie2_eq(&c, &e));
	mif_wr_init(&w, out, sizeof(out));
	CHECK_EQ(mif_mobike_cookie2_build(&w, &c), 0);
	CHECK_MEM(out, d, 64);
	CHECK_EQ(mif_mobike_cookie2_new(&c, 16), 0);
	CHECK_EQ(mif_mobike_cookie2_new(&e, 16), 0);
	CHECK(!mif_mobike_cookie2_eq(&c, &e));		/* fresh each time */
	CHECK_EQ(mif_mobike_cookie2_new(&c, 4), -EINVAL);
}

static void
test_nonats(void)
{
	const uint8_t n4[] = {
		192, 0, 2, 1,		/* source 192.0.2.1 */
		198, 51, 100, 1,	/* destination 198.51.100.1 */
		0x01, 0xf4,		/* source port 500 */
		0x11, 0x94,		/* destination port 4500 */
	};
	struct mif_mobike_nonats n, pkt;
	uint8_t b[40];
	struct mif_wr w;

	CHECK_EQ(mif_mobike_nonats_parse(n4, sizeof(n4), &n), 0);
	CHECK_EQ(n.sport, 500);
	CHECK_EQ(n.dport, 4500);
	pkt.src = A("192.0.2.1");
	pkt.dst = A("198.51.100.1");
	pkt.sport = 500;
	pkt.dport = 4500;
	CHECK(mif_mobike_nonats_match(&n, &pkt));
	pkt.sport = 1024;			/* a NAT moved the port */
	CHECK(!mif_mobike_nonats_match(&n, &pkt));
	CHECK_EQ(mif_mobike_nonats_parse(n4, 11, &n), -EBADMSG);
	CHECK_EQ(mif_mobike_nonats_parse(b, 24, &n), -EBADMSG);
	mif_wr_init(&w, b, sizeof(b));
	CHECK_EQ(mif_mobike_nonats_build(&w, &n), 0);
	CHECK_EQ(w.len, 12);
	CHECK_MEM(b, n4, 12);
	n.src = A("2001:db8::1");
	n.dst = A("2001:db8::2");
	mif_wr_init(&w, b, sizeof(b));
	CHECK_EQ(mif_mobike_nonats_build(&w, &n), 0);
	CHECK_EQ(w.len, 36);
	CHECK_EQ(mif_mobike_nonats_parse(b, 36, &pkt), 0);
	CHECK(mif_mobike_nonats_match(&n, &pkt));
	n.dst = A("192.0.2.2");			/* mixed families */
	CHECK_EQ(mif_mobike_nonats_build(&w, &n), -EINVAL);
}

static void
test_validate(void)
{
	const uint8_t x[4] = { 1, 2, 3, 4 };

	/* MOBIKE_SUPPORTED: data ignored (RFC 4555 4.2.1). */
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_MOBIKE_SUPPORTED, x, 4), 0);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_UPDATE_SA_ADDRESSES, x, 0), 0);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_UPDATE_SA_ADDRESSES, x, 1),
		 -EBADMSG);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_NO_ADDITIONAL_ADDRESSES, x, 4),
		 -EBADMSG);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_UNACCEPTABLE_ADDRESSES, x, 2),
		 -EBADMSG);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_COOKIE2, x, 4), -EBADMSG);
	CHECK_EQ(mif_mobike_validate(MIF_IKE_N_COOKIE, x, 4), -ENOENT);
	CHECK(mif_mobike_is_type(16396) && mif_mobike_is_type(16402));
	CHECK(mif_mobike_is_type(40) && !mif_mobike_is_type(16403));
}

static void
test_list(void)
{
	const uint8_t a1[] = { 198, 51, 100, 1 }, a2[] = { 203, 0, 113, 5 };
	struct mif_addr hdr = A("192.0.2.9");
	struct mif_mobike_addrs peer, keep;
	struct mif_mobike_addr_list l;
	bool ch;
	uint8_t d[4];

	memset(&peer, 0, sizeof(peer));
	peer.n = 1;
	peer.a[0] = A("192.0.2.1");
	keep = peer;
	/* No address notify: nothing changes. */
	mif_mobike_addrs_begin(&l);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_COOKIE2, d, 4), 0);
	CHECK_EQ(mif_mobike_addrs_commit(&peer, &l, &hdr, &ch), 0);
	CHECK(!ch);
	CHECK_MEM(&peer, &keep, sizeof(peer));
	/* Two addresses (one twice): header first, no duplicate. */
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
				       a1, 4), 0);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
				       a2, 4), 0);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
				       a1, 4), 0);
	CHECK_EQ(mif_mobike_addrs_commit(&peer, &l, &hdr, &ch), 0);
	CHECK(ch);
	CHECK_EQ(peer.n, 3);
	CHECK(mif_addr_eq(&peer.a[0], &hdr));
	CHECK(!mif_mobike_addrs_has(&peer, &keep.a[0]));	/* replaced */
	keep = peer;
	/* NO_ADDITIONAL_ADDRESSES together with an address: refused. */
	mif_mobike_addrs_begin(&l);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_NO_ADDITIONAL_ADDRESSES,
				       NULL, 0), 0);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
				       a1, 4), 0);
	CHECK_EQ(mif_mobike_addrs_commit(&peer, &l, &hdr, &ch), -EBADMSG);
	CHECK_MEM(&peer, &keep, sizeof(peer));
	/* A bad address in the list: the note fails. */
	d[0] = 0;
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
				       d, 4), -EADDRNOTAVAIL);
	/* More than fit: refused whole. */
	mif_mobike_addrs_begin(&l);
	for (unsigned int i = 0; i < MIF_MOBIKE_MAX_ADDRS + 1; i++) {
		d[0] = 10;
		d[1] = 0;
		d[2] = 0;
		d[3] = (uint8_t)(i + 1);
		CHECK_EQ(mif_mobike_addrs_note(&l,
			MIF_IKE_N_ADDITIONAL_IP4_ADDRESS, d, 4), 0);
	}
	CHECK_EQ(mif_mobike_addrs_commit(&peer, &l, &hdr, &ch), -E2BIG);
	CHECK_MEM(&peer, &keep, sizeof(peer));
	/* Only NO_ADDITIONAL_ADDRESSES: the header's address alone. */
	mif_mobike_addrs_begin(&l);
	CHECK_EQ(mif_mobike_addrs_note(&l, MIF_IKE_N_NO_ADDITIONAL_ADDRESSES,
				       NULL, 0), 0);
	CHECK_EQ(mif_mobike_addrs_commit(&peer, &l, &hdr, &ch), 0);
	CHECK_EQ(peer.n, 1);
}

int
main(void)
{
	test_addr();
	test_cookie2();
	test_nonats();
	test_validate();
	test_list();
	CHECK_DONE();
}
