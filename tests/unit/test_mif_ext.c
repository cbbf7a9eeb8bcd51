/* SPDX-License-Identifier: BSD-3-Clause */
/* MIF extension wire format: hand-written notify data, every field
 * commented; each malformed case refused with its error and the output
 * left untouched; builders produce the same bytes. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/sha.h>

#include "control/ike_wire.h"
#include "control/mif_ext.h"
#include "tests/unit/check.h"

/* MIF_IF_ADD, IPv4, one selector each side. */
static const uint8_t add4[] = {
	0x01,			/* Ver 1 */
	0x00,			/* Flags: none */
	0x00, 0x02,		/* IfID 2 */
	0xff, 0xff,		/* BackupOf: none */
	0x05,			/* Prio 5 */
	0x04,			/* AddrType 4 */
	0x00, 0x00, 0x00, 0x07,	/* UpdSeq 7 */
	0x11, 0x94,		/* Port 4500 */
	0x01,			/* NumTSs 1 */
	0x01,			/* NumTSd 1 */
	198, 51, 100, 7,	/* Address 198.51.100.7 */
	/* TSs: IPv4 range, any proto, len 16, ports 0-65535 */
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff,
	10, 1, 0, 0,		/* start 10.1.0.0 */
	10, 1, 0, 255,		/* end 10.1.0.255 */
	/* TSd: IPv4 range, UDP, len 16, port 53 only */
	0x07, 0x11, 0x00, 0x10, 0x00, 0x35, 0x00, 0x35,
	192, 0, 2, 0,		/* start 192.0.2.0 */
	192, 0, 2, 255,		/* end 192.0.2.255 */
};

/* MIF_IF_REMOVE: no address, no selectors. */
static const uint8_t rm[] = {
	0x01,			/* Ver 1 */
	0x00,			/* Flags */
	0x00, 0x02,		/* IfID 2 */
	0xff, 0xff,		/* BackupOf: none */
	0x00,			/* Prio */
	0x00,			/* AddrType: none */
	0x00, 0x00, 0x00, 0x08,	/* UpdSeq 8 */
	0x00, 0x00,		/* Port: the IKE SA's */
	0x00, 0x00,		/* NumTSs, NumTSd */
};

/* MIF_IF_ADD, IPv6, alternate of IfID 1, auto. */
static const uint8_t add6[] = {
	0x01,			/* Ver 1 */
	0x03,			/* Flags: ALT | AUTO */
	0x00, 0x03,		/* IfID 3 */
	0x00, 0x01,		/* BackupOf 1 */
	0x0a,			/* Prio 10 */
	0x06,			/* AddrType 6 */
	0x00, 0x00, 0x00, 0x01,	/* UpdSeq 1 */
	0x00, 0x00,		/* Port: the IKE SA's */
	0x00, 0x00,		/* NumTSs, NumTSd */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,	/* 2001:db8::42 */
	0, 0, 0, 0, 0, 0, 0, 0x42,
};

static void
test_vid(void)
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256((const uint8_t *)"MIF-IPsec-v1", 12, md);
	CHECK_MEM(mif_ext_vid, md, MIF_EXT_VID_LEN);
	CHECK(mif_ext_vid_match(md, 16));
	CHECK(!mif_ext_vid_match(md, 15));
	md[15] ^= 1;
	CHECK(!mif_ext_vid_match(md, 16));
	CHECK(mif_ext_is_mif_type(50000) && mif_ext_is_mif_type(50006));
	CHECK(mif_ext_is_mif_type(8300) && mif_ext_is_mif_type(8304));
	CHECK(!mif_ext_is_mif_type(50007) && !mif_ext_is_mif_type(8305));
	CHECK(!mif_ext_is_op_type(50000) && mif_ext_is_op_type(50005));
	CHECK_STR(mif_ext_type_name(8304), "MIF_STALE_UPDATE");
	CHECK_STR(mif_ext_type_name(1), "?");
}

static void
test_sup(void)
{
	const uint8_t ok[] = { 0x01, 0x07, 0x00, 0x08 };
	const uint8_t big[] = { 0x01, 0xf2, 0x01, 0x00 };
	const uint8_t ver2[] = { 0x02, 0x00, 0x00, 0x08 };
	const uint8_t zero[] = { 0x01, 0x00, 0x00, 0x00 };
	struct mif_ext_sup s = { 0x55, 0x5555 }, t;
	uint8_t buf[8];
	struct mif_wr w;

	CHECK_EQ(mif_ext_sup_parse(ok, 3, &s), -EBADMSG);	/* short */
	CHECK_EQ(mif_ext_sup_parse(ok, 4 + 0, &s), 0);
	CHECK_EQ(s.flags, 7);
	CHECK_EQ(s.max_ifaces, 8);
	s.flags = 0x55;
	CHECK_EQ(mif_ext_sup_parse(ver2, 4, &s), -EBADMSG);
	CHECK_EQ(mif_ext_sup_parse(zero, 4, &s), -EBADMSG);
	CHECK_EQ(s.flags, 0x55);				/* untouched */
	/* Unknown flag bits dropped; MaxIfaces clamped to ours. */
	CHECK_EQ(mif_ext_sup_parse(big, 4, &s), 0);
	CHECK_EQ(s.flags, MIF_EXT_SUP_PER_TS);
	CHECK_EQ(s.max_ifaces, MIF_EXT_MAX_IFACES);
	mif_wr_init(&w, buf, sizeof(buf));
	t.flags = 7;
	t.max_ifaces = 8;
	CHECK_EQ(mif_ext_sup_build(&w, &t), 0);
	CHECK_EQ(w.len, 4);
	CHECK_MEM(buf, ok, 4);
	t.max_ifaces = 17;
	CHECK_EQ(mif_ext_sup_build(&w, &t), -EINVAL);
	mif_wr_init(&w, buf, 3);
	t.max_ifaces = 1;
	CHECK_EQ(mif_ext_sup_build(&w, &t), -ENOSPC);
	CHECK_EQ(w.len, 0);
}

static void
test_scope(void)
{
	const uint8_t spi[4] = { 0xc0, 0x01, 0x02, 0x03 };
	const uint8_t spi0[4] = { 0 };
	struct mif_ext_scope s;

	CHECK_EQ(mif_ext_scope_parse(0, 0, NULL, &s), 0);
	CHECK(!s.one);
	CHECK_EQ(mif_ext_scope_parse(MIF_IKE_PROTO_ESP, 4, spi, &s), 0);
	CHECK(s.one);
	CHECK_EQ(s.spi, 0xc0010203u);
	CHECK_EQ(mif_ext_scope_parse(1, 8, spi, &s), -EBADMSG);	/* IKE */
	CHECK_EQ(mif_ext_scope_parse(2, 4, spi, &s), -EBADMSG);	/* AH */
	CHECK_EQ(mif_ext_scope_parse(3, 0, NULL, &s), -EBADMSG);
	CHECK_EQ(mif_ext_scope_parse(0, 4, spi, &s), -EBADMSG);
	CHECK_EQ(mif_ext_scope_parse(3, 4, spi0, &s), -EBADMSG);
}

static void
test_op_good(void)
{
	struct mif_ext_op o;
	uint8_t buf[256];
	struct mif_wr w;

	memset(&o, 0, sizeof(o));
	o.scope.one = true;
	o.scope.spi = 99;
	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_ADD, add4, sizeof(add4), &o),
		 0);
	CHECK_EQ(o.type, MIF_EXT_N_IF_ADD);
	CHECK(o.scope.one && o.scope.spi == 99);	/* kept */
	CHECK_EQ(o.ifid, 2);
	CHECK_EQ(o.backup_of, MIF_EXT_NO_BACKUP);
	CHECK_EQ(o.prio, 5);
	CHECK_EQ(o.seq, 7);
	CHECK_EQ(o.port, 4500);
	CHECK_EQ(o.addr.family, AF_INET);
	CHECK_MEM(&o.addr.v4, add4 + 16, 4);
	CHECK_EQ(o.nts_s, 1);
	CHECK_EQ(o.nts_d, 1);
	CHECK_EQ(o.ts_d[0].ipproto, 17);
	CHECK_EQ(o.ts_d[0].start_port, 53);
	CHECK_MEM(o.ts_s[0].end, add4 + 32, 4);
	/* The builder gives the same bytes back. */
	mif_wr_init(&w, buf, sizeof(buf));
	CHECK_EQ(mif_ext_op_build(&w, &o), 0);
	CHECK_EQ(w.len, sizeof(add4));
	CHECK_MEM(buf, add4, sizeof(add4));

	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_ADD, add6, sizeof(add6), &o),
		 0);
	CHECK_EQ(o.flags, MIF_EXT_F_ALT | MIF_EXT_F_AUTO);
	CHECK_EQ(o.backup_of, 1);
	CHECK_EQ(o.addr.family, AF_INET6);
	mif_wr_init(&w, buf, sizeof(buf));
	CHECK_EQ(mif_ext_op_build(&w, &o), 0);
	CHECK_MEM(buf, add6, sizeof(add6));
	/* Too little room: nothing left behind. */
	mif_wr_init(&w, buf, sizeof(add6) - 1);
	CHECK_EQ(mif_ext_op_build(&w, &o), -ENOSPC);
	CHECK_EQ(w.len, 0);

	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_REMOVE, rm, sizeof(rm), &o), 0);
	CHECK_EQ(o.addr.family, 0);
	CHECK_EQ(mif_ext_op_validate(MIF_EXT_N_IF_PROMOTE, rm, sizeof(rm)), 0);
}

/* Change one byte of @base and expect @err, with @o untouched. */
static void
expect_bad(uint16_t type, const uint8_t *base, size_t blen, size_t len,
	   size_t off, uint8_t v, int err)
{
	uint8_t b[sizeof(add4) + 64];
	struct mif_ext_op o, keep;

	memset(b, 0, sizeof(b));
	memcpy(b, base, len > blen ? blen : len);
	if (off < len)
		b[off] = v;
	memset(&o, 0xa5, sizeof(o));
	keep = o;
	if (mif_ext_op_parse(type, b, len, &o) != err)
		fprintf(stderr, "len %zu off %zu\n", len, off);
	CHECK_EQ(mif_ext_op_parse(type, b, len, &o), err);
	CHECK_MEM(&o, &keep, sizeof(o));
	CHECK_EQ(mif_ext_op_validate(type, b, len), err);
}

/* One byte of add4 changed (off past the end: none), or cut at len. */
#define BAD4(len, off, v, err)						\
	expect_bad(MIF_EXT_N_IF_ADD, add4, sizeof(add4), len, off, v, err)
/* rm under another type, optionally with one byte changed. */
#define BADRM(type, off, v, err)					\
	expect_bad(type, rm, sizeof(rm), sizeof(rm), off, v, err)

static void
test_op_bad(void)
{
	size_t i, n = sizeof(add4);

	/* Every truncation of a good ADD is a syntax error. */
	for (i = 0; i < n; i++)
		BAD4(i, n, 0, -EBADMSG);
	BAD4(n + 1, n, 0, -EBADMSG);		/* one trailing byte */
	BAD4(n, 0, 0x02, -EBADMSG);		/* Ver 2 */
	BAD4(n, 1, 0x10, -EBADMSG);		/* MBZ flag bit */
	BAD4(n, 3, 0x00, -EBADMSG);		/* IfID 0 */
	expect_bad(MIF_EXT_N_IF_ADD, add6, sizeof(add6), sizeof(add6), 5,
		   0x03, -EBADMSG);		/* BackupOf = IfID */
	BAD4(n, 7, 0x05, -EBADMSG);		/* AddrType 5 */
	BAD4(n, 7, 0x00, -EBADMSG);		/* ADD without address */
	BAD4(n, 11, 0x00, -EBADMSG);		/* UpdSeq 0 */
	BAD4(n, 14, 0x02, -EBADMSG);		/* NumTSs past the data */
	BAD4(n, 16, 127, -EADDRNOTAVAIL);	/* 127.51.100.7 */
	BAD4(n, 16, 0, -EADDRNOTAVAIL);		/* 0.51.100.7 */
	BAD4(n, 16, 224, -EADDRNOTAVAIL);	/* multicast */
	BAD4(n, 20, 0x08, -EBADMSG);		/* TS type 8 with length 16 */
	BAD4(n, 23, 0x28, -EBADMSG);		/* TS length 40 for type 7 */
	BAD4(n, 30, 0x01, -EBADMSG);		/* start address above end */
	BAD4(n, 40, 0x01, -EBADMSG);		/* start port above end */
	BADRM(MIF_EXT_N_IF_REMOVE, 1, 0x01, -EBADMSG);	/* ALT on REMOVE */
	/* An address on REMOVE (add4 as REMOVE data). */
	expect_bad(MIF_EXT_N_IF_REMOVE, add4, n, n, n, 0, -EBADMSG);
	BADRM(MIF_EXT_N_IF_REPLACE, 99, 0, -EBADMSG);	/* no address */
	BADRM(MIF_EXT_N_IF_SET_ALTERNATE, 99, 0, -EBADMSG); /* no BackupOf */
	BADRM(MIF_EXT_N_SUPPORTED, 99, 0, -EBADMSG);	/* not an op */
	BADRM(MIF_EXT_N_IF_STATE, 99, 0, -EBADMSG);
}

static void
test_op_limits(void)
{
	uint8_t b[16 + 5 * 16];
	struct mif_ext_op o;
	unsigned int i;

	/* Five IPv4 selectors on the sender side: one over the bound. */
	memcpy(b, rm, 16);
	b[14] = 5;
	for (i = 0; i < 5; i++)
		memcpy(b + 16 + 16 * i, add4 + 20, 16);
	memset(&o, 0, sizeof(o));
	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_REMOVE, b, sizeof(b), &o),
		 -E2BIG);
	/* Four fit. */
	b[14] = 4;
	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_REMOVE, b, 16 + 4 * 16, &o), 0);
	CHECK_EQ(o.nts_s, 4);
	/* A count that the data cannot hold is syntax, not a limit. */
	b[14] = 200;
	CHECK_EQ(mif_ext_op_parse(MIF_EXT_N_IF_REMOVE, b, sizeof(b), &o),
		 -EBADMSG);
	/* The builder refuses what the parser would. */
	{
		uint8_t out[256];
		struct mif_wr w;

		mif_wr_init(&w, out, sizeof(out));
		o.nts_s = 5;
		CHECK_EQ(mif_ext_op_build(&w, &o), -EINVAL);
		o.nts_s = 0;
		o.ifid = 0;
		CHECK_EQ(mif_ext_op_build(&w, &o), -EINVAL);
		o.ifid = 2;
		o.addr.family = AF_INET;	/* REMOVE with an address */
		CHECK_EQ(mif_ext_op_build(&w, &o), -EINVAL);
		CHECK_EQ(w.len, 0);
	}
}

static void
test_state_err(void)
{
	const uint8_t st[] = {
		0x01,			/* Ver */
		0x02,			/* Count 2 */
		0x00, 0x00,		/* Reserved */
		0x00, 0x00, 0x01, 0x00,	/* IfID 0 ACTIVE, 0 TS */
		0x00, 0x00, 0x00, 0x00,	/* UpdSeq 0 */
		0x00, 0x02, 0x03, 0x02,	/* IfID 2 PENDING_RR, 2 TS */
		0x00, 0x00, 0x00, 0x07,	/* UpdSeq 7 */
	};
	const uint8_t er[] = {
		0x01,			/* Ver */
		0x02,			/* Op: IF_REMOVE (50002 - 50000) */
		0x00, 0x09,		/* IfID 9 */
	};
	struct mif_ext_state s, k;
	struct mif_ext_err e;
	uint8_t b[64];
	struct mif_wr w;

	CHECK_EQ(mif_ext_state_parse(st, sizeof(st), &s), 0);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.ent[1].state, MIF_EXT_ST_PENDING_RR);
	CHECK_EQ(s.ent[1].seq, 7);
	mif_wr_init(&w, b, sizeof(b));
	CHECK_EQ(mif_ext_state_build(&w, &s), 0);
	CHECK_EQ(w.len, sizeof(st));
	CHECK_MEM(b, st, sizeof(st));
	k = s;
	memcpy(b, st, sizeof(st));
	b[1] = 3;				/* count vs length */
	CHECK_EQ(mif_ext_state_parse(b, sizeof(st), &s), -EBADMSG);
	b[1] = 2;
	b[6] = 5;				/* state 5 */
	CHECK_EQ(mif_ext_state_parse(b, sizeof(st), &s), -EBADMSG);
	b[6] = 1;
	b[2] = 1;				/* reserved */
	CHECK_EQ(mif_ext_state_parse(b, sizeof(st), &s), -EBADMSG);
	CHECK_MEM(&s, &k, sizeof(s));

	CHECK_EQ(mif_ext_err_parse(er, sizeof(er), &e), 0);
	CHECK_EQ(e.op, 2);
	CHECK_EQ(e.ifid, 9);
	CHECK_EQ(mif_ext_err_parse(er, 3, &e), -EBADMSG);
	memcpy(b, er, 4);
	b[1] = 6;				/* IF_STATE is no op */
	CHECK_EQ(mif_ext_err_parse(b, 4, &e), -EBADMSG);
	mif_wr_init(&w, b, sizeof(b));
	CHECK_EQ(mif_ext_err_build(&w, &(struct mif_ext_err){ 2, 9 }), 0);
	CHECK_MEM(b, er, 4);
}

int
main(void)
{
	test_vid();
	test_sup();
	test_scope();
	test_op_good();
	test_op_bad();
	test_op_limits();
	test_state_err();
	CHECK_DONE();
}
