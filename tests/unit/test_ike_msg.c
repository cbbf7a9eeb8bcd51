/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE message parser: hand-written messages with every field commented,
 * one valid IKE_SA_INIT request and one broken message per rule, a real
 * strongSwan IKE_SA_INIT (captured by tests/unit/ike_capture.sh), and a
 * generate -> parse round trip. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"
#include "tests/unit/check.h"
#include "tests/unit/ike_strongswan_init.h"

#define R4(x)	x, x, x, x
#define R16(x)	R4(x), R4(x), R4(x), R4(x)
#define R20(x)	R16(x), R4(x)
#define R32(x)	R16(x), R16(x)

/* IKE_SA_INIT request: SA with two proposals, KE (group 19), Ni, the two
 * NAT detection notifies and a Vendor ID. 296 bytes. */
static const uint8_t sa_init[] = {
	/* IKE header (offset 0) */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* SPIi */
	0, 0, 0, 0, 0, 0, 0, 0,			/* SPIr: zero */
	33,				/* next payload: SA */
	0x20,				/* version 2.0 */
	34,				/* exchange: IKE_SA_INIT */
	0x08,				/* flags: initiator */
	0, 0, 0, 0,			/* message ID 0 */
	0, 0, 0x01, 0x28,		/* length 296 */
	/* SA (offset 28) */
	34, 0, 0, 84,			/* next KE, not critical, len 84 */
	/* proposal 1 */
	2, 0, 0, 44,			/* more follow, length 44 */
	1, 1, 0, 4,			/* #1, IKE, SPI size 0, 4 transforms */
	3, 0, 0, 12, 1, 0, 0, 12,	/* ENCR AES_CBC */
	0x80, 14, 0x01, 0x00,		/* key length 256 (TV) */
	3, 0, 0, 8, 2, 0, 0, 5,		/* PRF HMAC_SHA2_256 */
	3, 0, 0, 8, 3, 0, 0, 12,	/* INTEG HMAC_SHA2_256_128 */
	0, 0, 0, 8, 4, 0, 0, 19,	/* DH 19, last transform */
	/* proposal 2 */
	0, 0, 0, 36,			/* last proposal, length 36 */
	2, 1, 0, 3,			/* #2, IKE, SPI size 0, 3 transforms */
	3, 0, 0, 12, 1, 0, 0, 20,	/* ENCR AES_GCM_16 */
	0x80, 14, 0x00, 0x80,		/* key length 128 */
	3, 0, 0, 8, 2, 0, 0, 5,		/* PRF HMAC_SHA2_256 */
	0, 0, 0, 8, 4, 0, 0, 19,	/* DH 19, last */
	/* KE (offset 112) */
	40, 0, 0, 72,			/* next Nonce, len 72 */
	0, 19, 0, 0,			/* group 19, reserved */
	R32(0xaa), R32(0xbb),		/* x | y */
	/* Nonce (offset 184) */
	41, 0, 0, 36,			/* next N, len 36 */
	R32(0x11),			/* Ni */
	/* N(NAT_DETECTION_SOURCE_IP) (offset 220) */
	41, 0, 0, 28,			/* next N, len 28 */
	0, 0, 0x40, 0x04,		/* proto 0, SPI size 0, type 16388 */
	R20(0x22),			/* SHA-1 hash */
	/* N(NAT_DETECTION_DESTINATION_IP) (offset 248) */
	43, 0, 0, 28,			/* next V, len 28 */
	0, 0, 0x40, 0x05,		/* type 16389 */
	R20(0x33),
	/* V (offset 276) */
	0, 0, 0, 20,			/* last payload, len 20 */
	R16(0x44),			/* vendor ID */
};

static int
parse(const uint8_t *b, size_t n, struct mif_ike_msg *m)
{
	return mif_ike_msg_parse(m, b, n, NULL);
}

static void
test_valid(void)
{
	static struct mif_ike_msg m;
	static struct mif_ike_sa_props sa;
	struct mif_ike_msg_stats st = { 0 };
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	struct mif_ike_ke ke;

	CHECK_EQ(sizeof(sa_init), 296);
	CHECK_EQ(mif_ike_msg_parse(&m, sa_init, sizeof(sa_init), &st), 0);
	CHECK_EQ(st.parsed, 1);
	CHECK(m.hdr.ispi == 0x0102030405060708ULL);
	CHECK_EQ(m.hdr.rspi, 0);
	CHECK_EQ(m.hdr.exchange, MIF_IKE_EXCH_SA_INIT);
	CHECK_EQ(m.hdr.flags, MIF_IKE_FLAG_INITIATOR);
	CHECK_EQ(m.hdr.length, 296);
	CHECK_EQ(m.npld, 6);
	CHECK_EQ(m.sk, -1);

	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_SA)) != NULL);
	CHECK_EQ(p->off, 28);
	CHECK_EQ(p->len, 80);
	CHECK_EQ(mif_ike_pld_sa_parse(p->body, p->len, &sa), 0);
	CHECK_EQ(sa.nprops, 2);
	CHECK_EQ(sa.p[0].num, 1);
	CHECK_EQ(sa.p[0].proto, MIF_IKE_PROTO_IKE);
	CHECK_EQ(sa.p[0].nxforms, 4);
	CHECK_EQ(sa.p[0].x[0].type, MIF_IKE_XFORM_ENCR);
	CHECK_EQ(sa.p[0].x[0].id, MIF_IKE_ENCR_AES_CBC);
	CHECK_EQ(sa.p[0].x[0].keylen, 256);
	CHECK_EQ(sa.p[0].x[2].id, MIF_IKE_INTEG_HMAC_SHA2_256_128);
	CHECK_EQ(sa.p[0].x[3].type, MIF_IKE_XFORM_DH);
	CHECK_EQ(sa.p[0].x[3].id, 19);
	CHECK_EQ(sa.p[1].num, 2);
	CHECK_EQ(sa.p[1].x[0].id, MIF_IKE_ENCR_AES_GCM_16);
	CHECK_EQ(sa.p[1].x[0].keylen, 128);
	CHECK(!sa.p[1].x[0].unknown_attr);

	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_KE)) != NULL);
	CHECK_EQ(mif_ike_pld_ke_parse(p->body, p->len, &ke), 0);
	CHECK_EQ(ke.group, 19);
	CHECK_EQ(ke.len, 64);
	CHECK_EQ(ke.data[63], 0xbb);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_NONCE)) != NULL);
	CHECK_EQ(p->len, 32);

	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_NOTIFY)) != NULL);
	CHECK_EQ(mif_ike_pld_notify_parse(p->body, p->len, &n), 0);
	CHECK_EQ(n.type, MIF_IKE_N_NAT_DETECTION_SOURCE_IP);
	CHECK_EQ(n.data_len, 20);
	CHECK((p = mif_ike_msg_next(&m, p)) != NULL);
	CHECK_EQ(mif_ike_pld_notify_parse(p->body, p->len, &n), 0);
	CHECK_EQ(n.type, MIF_IKE_N_NAT_DETECTION_DESTINATION_IP);
	CHECK(mif_ike_msg_next(&m, p) == NULL);
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_COOKIE) == NULL);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_VENDOR)) != NULL);
	CHECK_EQ(p->off, 276);
	CHECK_EQ(p->len, 16);
}

/* Copy sa_init, change it, and expect @rc with reason @e. */
static void
mutate(size_t off, uint8_t v, int rc, enum mif_ike_perr e)
{
	static struct mif_ike_msg m;
	struct mif_ike_msg_stats st = { 0 };
	uint8_t b[sizeof(sa_init)];

	memcpy(b, sa_init, sizeof(b));
	b[off] = v;
	CHECK_EQ(mif_ike_msg_parse(&m, b, sizeof(b), &st), rc);
	CHECK_EQ(m.perr, e);
	CHECK_EQ(st.err[e], rc != 0);
	CHECK_EQ(st.parsed, rc == 0);
}

static void
test_broken_sa_init(void)
{
	static struct mif_ike_msg m;

	/* V length 21: one byte past the message end. */
	mutate(276 + 3, 21, -EBADMSG, MIF_IKE_PERR_PLD_LENGTH);
	/* V says another notify follows, but the message ends. */
	mutate(276, 41, -EBADMSG, MIF_IKE_PERR_CHAIN);
	/* V length 3: shorter than its own generic header. */
	mutate(276 + 3, 3, -EBADMSG, MIF_IKE_PERR_PLD_LENGTH);
	/* Nonce length 0 (a zero-length payload). */
	mutate(184 + 3, 0, -EBADMSG, MIF_IKE_PERR_PLD_LENGTH);
	/* Nonce length 4: header only, no nonce data (16..256). */
	mutate(184 + 3, 4, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* Proposal 1's second transform (PRF) length 7 < 8. */
	mutate(28 + 4 + 8 + 12 + 3, 7, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* Proposal 1 with 5 transforms declared, 4 present. */
	mutate(28 + 4 + 7, 5, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* Proposal 2 numbered 3 (must be 1 or 2 after 1). */
	mutate(28 + 4 + 44 + 4, 3, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* Proposal 1's "last" field: 2 expected, 1 is invalid. */
	mutate(28 + 4, 1, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* First notify with SPI size 3. */
	mutate(220 + 5, 3, -EBADMSG, MIF_IKE_PERR_BAD_PLD);
	/* Huge declared message length (low byte; high byte below). */
	mutate(24, 0xff, -EBADMSG, MIF_IKE_PERR_LENGTH);
	/* Length one byte short of the datagram. */
	mutate(27, 0x27, -EBADMSG, MIF_IKE_PERR_LENGTH);
	/* Major version 3: answered with INVALID_MAJOR_VERSION. */
	mutate(17, 0x30, -EPROTONOSUPPORT, MIF_IKE_PERR_VERSION);
	/* Minor version is ignored. */
	mutate(17, 0x21, 0, MIF_IKE_PERR_OK);
	/* Critical bit on a known payload is ignored (RFC 7296 2.5). */
	mutate(184 + 1, 0x80, 0, MIF_IKE_PERR_OK);
	/* KE names SA as the next payload: a second SA is refused. */
	mutate(112, 33, -EBADMSG, MIF_IKE_PERR_DUPLICATE);

	/* Too short for the IKE header, and an empty datagram. */
	CHECK_EQ(parse(sa_init, 27, &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_SHORT);
	CHECK_EQ(parse(sa_init, 0, &m), -EBADMSG);
	CHECK_EQ(m.err_notify, MIF_IKE_N_INVALID_SYNTAX);
}

/* Header of 4 0xff bytes then 0xffff_ffff as length. */
static void
test_huge_length(void)
{
	static struct mif_ike_msg m;
	uint8_t b[sizeof(sa_init)];

	memcpy(b, sa_init, sizeof(b));
	b[24] = b[25] = b[26] = b[27] = 0xff;	/* length 4294967295 */
	CHECK_EQ(parse(b, sizeof(b), &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_LENGTH);
}

static const uint8_t hdr_unknown[] = {
	/* IKE header */
	R4(0x0a), R4(0x0b),		/* SPIi */
	0, 0, 0, 0, 0, 0, 0, 0,		/* SPIr */
	40,				/* next payload: Nonce */
	0x20, 34, 0x08,			/* v2, IKE_SA_INIT, initiator */
	0, 0, 0, 0,			/* message ID */
	0, 0, 0, 28 + 20 + 8 + 12,	/* length 68 */
	/* Nonce */
	200, 0, 0, 20,			/* next: type 200 (unknown), len 20 */
	R16(0x55),
	/* unknown payload type 200 */
	41, 0x00, 0, 8,			/* next N; flags patched by tests */
	0xde, 0xad, 0xbe, 0xef,
	/* N(COOKIE) */
	0, 0, 0, 12,			/* last, len 12 */
	0, 0, 0x40, 0x06,		/* type 16390 */
	1, 2, 3, 4,			/* cookie data */
};

static void
test_unknown_payloads(void)
{
	static struct mif_ike_msg m;
	struct mif_ike_msg_stats st = { 0 };
	uint8_t b[sizeof(hdr_unknown)];

	memcpy(b, hdr_unknown, sizeof(b));
	/* Not critical: skipped, the rest still parsed. */
	CHECK_EQ(mif_ike_msg_parse(&m, b, sizeof(b), &st), 0);
	CHECK_EQ(m.npld, 2);
	CHECK_EQ(m.nskipped, 1);
	CHECK_EQ(st.skipped_unknown, 1);
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_COOKIE) != NULL);

	/* Critical: rejected, UNSUPPORTED_CRITICAL_PAYLOAD with its type. */
	b[28 + 20 + 1] = 0x80;
	CHECK_EQ(mif_ike_msg_parse(&m, b, sizeof(b), &st), -EPROTO);
	CHECK_EQ(m.perr, MIF_IKE_PERR_CRITICAL);
	CHECK_EQ(m.err_notify, MIF_IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	CHECK_EQ(m.err_data, 200);
	CHECK_EQ(st.err[MIF_IKE_PERR_CRITICAL], 1);

	/* Trailing bytes after the last payload. */
	memcpy(b, hdr_unknown, sizeof(b));
	b[28 + 20 + 8 + 3] = 8;		/* N length 8, 4 bytes left over */
	CHECK_EQ(parse(b, sizeof(b), &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_CHAIN);
}

/* A chain of 60 empty unknown payloads, each naming the same type as
 * the next one: the forward-only walk ends at the payload bound. */
static void
test_chain_loop(void)
{
	static struct mif_ike_msg m;
	static uint8_t b[28 + 60 * 4];
	static const uint8_t hdr[28] = {
		R4(1), R4(2), 0, 0, 0, 0, 0, 0, 0, 0,	/* SPIs */
		150,			/* next payload: 150, unknown */
		0x20, 37, 0x08,		/* v2, INFORMATIONAL, initiator */
		0, 0, 0, 1,		/* message ID 1 */
		0, 0, 0x01, 0x0c,	/* length 268 */
	};
	unsigned int i;

	memcpy(b, hdr, sizeof(hdr));
	for (i = 0; i < 60; i++) {
		b[28 + 4 * i] = 150;		/* next: 150 again */
		b[28 + 4 * i + 3] = 4;		/* length 4, empty */
	}
	b[28 + 4 * 59] = 0;			/* the last one ends it */
	CHECK_EQ(parse(b, sizeof(b), &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_TOO_MANY);

	/* 40 of them fit under the bound and are all skipped. */
	b[27] = 28 + 40 * 4;
	b[26] = 0;
	b[28 + 4 * 39] = 0;
	CHECK_EQ(parse(b, 28 + 40 * 4, &m), 0);
	CHECK_EQ(m.nskipped, 40);

	/* Nine vendor IDs: over the per-type bound of eight. */
	for (i = 0; i < 9; i++) {
		b[28 + 4 * i] = i == 8 ? 0 : MIF_IKE_PLD_VENDOR;
		b[28 + 4 * i + 3] = 4;
	}
	b[16] = MIF_IKE_PLD_VENDOR;
	b[27] = 28 + 9 * 4;
	CHECK_EQ(parse(b, 28 + 9 * 4, &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_TOO_MANY);
}

static const uint8_t sk_msg[] = {
	/* IKE header */
	R4(1), R4(2), R4(3), R4(4),	/* SPIi, SPIr */
	41,				/* next payload: N */
	0x20, 37, 0x08,			/* v2, INFORMATIONAL, initiator */
	0, 0, 0, 2,			/* message ID 2 */
	0, 0, 0, 28 + 8 + 8,		/* length 44 */
	/* N, unencrypted before SK */
	46, 0, 0, 8,			/* next SK, len 8 */
	0, 0, 0x40, 0x00,		/* INITIAL_CONTACT */
	/* SK */
	42, 0, 0, 8,			/* first inner payload: D; len 8 */
	R4(0x77),			/* IV/ciphertext stand-in */
};

static void
test_sk_position(void)
{
	static struct mif_ike_msg m;
	uint8_t b[sizeof(sk_msg) + 4];

	CHECK_EQ(parse(sk_msg, sizeof(sk_msg), &m), 0);
	CHECK_EQ(m.sk, 1);
	CHECK_EQ(m.pld[1].off, 36);
	CHECK_EQ(m.sk_inner_np, MIF_IKE_PLD_DELETE);

	/* SK followed by four more bytes: SK must end the message. */
	memcpy(b, sk_msg, sizeof(sk_msg));
	memset(b + sizeof(sk_msg), 0, 4);
	b[27] = sizeof(b);
	CHECK_EQ(parse(b, sizeof(b), &m), -EBADMSG);
	CHECK_EQ(m.perr, MIF_IKE_PERR_SK_NOT_LAST);
}

/* Decrypted content: one D for ESP SPI 0x01020304; a nested SK is
 * refused and leaves nothing behind; an unknown critical payload inside
 * gets the same answer as outside. */
static void
test_sk_inner(void)
{
	static struct mif_ike_msg m;

	{
		static const uint8_t inner[] = {
			0, 0, 0, 12,		/* D: last, len 12 */
			3, 4, 0, 1,		/* ESP, SPI size 4, 1 SPI */
			1, 2, 3, 4,		/* SPI */
		};
		static const uint8_t nested[] = {
			46, 0, 0, 12,		/* D, next SK */
			3, 4, 0, 1, 1, 2, 3, 4,
			0, 0, 0, 4,		/* SK inside SK */
		};
		const struct mif_ike_pld *p;
		struct mif_ike_delete d;

		CHECK_EQ(parse(sk_msg, sizeof(sk_msg), &m), 0);
		CHECK_EQ(mif_ike_msg_parse_inner(&m, inner, sizeof(inner),
						 NULL), 0);
		CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_DELETE)) != NULL);
		CHECK(p->inner);
		CHECK_EQ(mif_ike_pld_delete_parse(p->body, p->len, &d), 0);
		CHECK_EQ(mif_ike_pld_delete_spi(&d, 0), 0x01020304);
		CHECK_EQ(parse(sk_msg, sizeof(sk_msg), &m), 0);
		CHECK_EQ(mif_ike_msg_parse_inner(&m, nested, sizeof(nested),
						 NULL), -EBADMSG);
		/* The D before the nested SK is not left behind. */
		CHECK_EQ(m.npld, 2);
		CHECK(mif_ike_msg_find(&m, MIF_IKE_PLD_DELETE) == NULL);
	}
	/* An unknown critical payload inside SK: same answer as outside. */
	{
		static const uint8_t inner[] = {
			0, 0x80, 0, 6,		/* last, critical, len 6 */
			0xca, 0xfe,
		};
		static struct mif_ike_msg m2;
		uint8_t b2[sizeof(sk_msg)];

		memcpy(b2, sk_msg, sizeof(b2));
		b2[36] = 222;			/* SK: first inner type 222 */
		CHECK_EQ(parse(b2, sizeof(b2), &m2), 0);
		CHECK_EQ(mif_ike_msg_parse_inner(&m2, inner, sizeof(inner),
						 NULL), -EPROTO);
		CHECK_EQ(m2.err_notify,
			 MIF_IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
		CHECK_EQ(m2.err_data, 222);
	}
}

/* Payload parsers on their own. */
static void
test_payloads(void)
{
	static const uint8_t ts[] = {
		2, 0, 0, 0,			/* 2 selectors */
		7, 6, 0, 16,			/* IPv4 range, TCP, len 16 */
		0, 0, 0xff, 0xff,		/* ports 0-65535 */
		10, 0, 0, 0, 10, 0, 0, 255,	/* 10.0.0.0 - 10.0.0.255 */
		8, 0, 0, 40,			/* IPv6 range, any, len 40 */
		0, 0, 0xff, 0xff,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, R4(0), R4(0),
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, R4(0xff), R4(0xff),
	};
	static const uint8_t id4[] = { 1, 0, 0, 0, 192, 0, 2, 1 };
	struct mif_ike_ts_set set;
	struct mif_ike_id id;
	uint8_t b[sizeof(ts)];

	CHECK_EQ(mif_ike_pld_ts_parse(ts, sizeof(ts), &set), 0);
	CHECK_EQ(set.n, 2);
	CHECK_EQ(set.ts[0].ipproto, 6);
	CHECK_EQ(set.ts[0].end[3], 255);
	CHECK_EQ(set.ts[1].type, MIF_IKE_TS_IPV6_ADDR_RANGE);
	CHECK_EQ(set.ts[1].end[15], 0xff);
	memcpy(b, ts, sizeof(b));
	b[7] = 17;			/* IPv4 selector of 17 bytes */
	CHECK_EQ(mif_ike_pld_ts_validate(b, sizeof(b)), -EBADMSG);
	memcpy(b, ts, sizeof(b));
	b[0] = 3;			/* 3 declared, 2 present */
	CHECK_EQ(mif_ike_pld_ts_validate(b, sizeof(b)), -EBADMSG);
	b[0] = 0;			/* none */
	CHECK_EQ(mif_ike_pld_ts_validate(b, 4), -EBADMSG);
	CHECK_EQ(mif_ike_pld_ts_validate(ts, sizeof(ts) - 1), -EBADMSG);

	CHECK_EQ(mif_ike_pld_id_parse(id4, sizeof(id4), &id), 0);
	CHECK_EQ(id.type, MIF_IKE_ID_IPV4_ADDR);
	CHECK_EQ(id.len, 4);
	CHECK_EQ(mif_ike_pld_id_validate(id4, 7), -EBADMSG);
	CHECK_EQ(mif_ike_pld_id_validate(id4, 4), -EBADMSG);

	/* Delete: IKE SA delete has no SPIs; ESP needs 4 bytes each. */
	{
		static const uint8_t d_ike[] = { 1, 0, 0, 0 };
		static const uint8_t d_bad[] = { 3, 4, 0, 2, 1, 2, 3, 4 };
		static const uint8_t d_spi8[] = { 3, 8, 0, 1, R4(1), R4(2) };

		CHECK_EQ(mif_ike_pld_delete_validate(d_ike, 4), 0);
		CHECK_EQ(mif_ike_pld_delete_validate(d_bad, 8), -EBADMSG);
		CHECK_EQ(mif_ike_pld_delete_validate(d_spi8, 12), -EBADMSG);
		CHECK_EQ(mif_ike_pld_delete_validate(d_ike, 3), -EBADMSG);
	}
	/* SKF numbering. */
	{
		static const uint8_t f_ok[] = { 0, 2, 0, 3, 9 };
		static const uint8_t f_bad[] = { 0, 4, 0, 3, 9 };
		static const uint8_t f_zero[] = { 0, 0, 0, 3, 9 };

		CHECK_EQ(mif_ike_pld_skf_validate(f_ok, 5), 0);
		CHECK_EQ(mif_ike_pld_skf_validate(f_bad, 5), -EBADMSG);
		CHECK_EQ(mif_ike_pld_skf_validate(f_zero, 5), -EBADMSG);
	}
}

#define XF(t, i, kl)	((struct mif_ike_xform){ (t), false, (i), (kl) })

static void
set_prop(struct mif_ike_prop *p, uint8_t proto, unsigned int n,
	 const struct mif_ike_xform *x)
{
	memset(p, 0, sizeof(*p));
	p->num = 1;
	p->proto = proto;
	p->nxforms = (uint8_t)n;
	memcpy(p->x, x, n * sizeof(*x));
}

/* Proposal choice against sa_init's offer: #1 AES-CBC-256, SHA2-256,
 * HMAC-SHA2-256-128, group 19; #2 AES-GCM-16-128, SHA2-256, group 19. */
static void
test_select(void)
{
	static struct mif_ike_sa_props offer, ours;
	const struct mif_ike_xform gcm128[] = {
		XF(1, 20, 128), XF(2, 5, 0), XF(4, 19, 0),
	}, gcm256[] = {
		XF(1, 20, 256), XF(2, 5, 0), XF(4, 19, 0),
	}, cbc[] = {
		XF(1, 12, 256), XF(2, 5, 0), XF(3, 12, 0), XF(4, 31, 0),
		XF(4, 19, 0),
	}, gcm_none[] = {
		XF(1, 20, 128), XF(3, 0, 0), XF(2, 5, 0), XF(4, 19, 0),
	};
	struct mif_ike_prop c;
	struct mif_ike_algs a;
	static struct mif_ike_msg m;

	CHECK_EQ(parse(sa_init, sizeof(sa_init), &m), 0);
	CHECK_EQ(mif_ike_pld_sa_parse(m.pld[0].body, m.pld[0].len, &offer), 0);

	ours.nprops = 1;
	set_prop(&ours.p[0], 1, 3, gcm128);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), 0);
	CHECK_EQ(c.num, 2);
	CHECK_EQ(c.nxforms, 3);
	CHECK_EQ(mif_ike_algs_from_prop(&c, &a), 0);
	CHECK_EQ(a.encr, MIF_IKE_ENCR_AES_GCM_16);
	CHECK_EQ(a.encr_keylen, 128);
	CHECK_EQ(a.dh, 19);

	/* Key length must match too. */
	set_prop(&ours.p[0], 1, 3, gcm256);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), -ENOENT);
	/* Our second proposal matches the offer's first; our DH order
	 * (31 first) decides, and 19 is the one both have. */
	ours.nprops = 2;
	set_prop(&ours.p[1], 1, 5, cbc);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), 0);
	CHECK_EQ(c.num, 1);
	CHECK_EQ(c.nxforms, 4);
	CHECK_EQ(c.x[3].id, 19);
	CHECK_EQ(mif_ike_algs_from_prop(&c, &a), 0);
	CHECK_EQ(a.integ, MIF_IKE_INTEG_HMAC_SHA2_256_128);
	/* "INTEG none" in ours accepts an offer without INTEG. */
	ours.nprops = 1;
	set_prop(&ours.p[0], 1, 4, gcm_none);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), 0);
	CHECK_EQ(c.num, 2);
	CHECK_EQ(c.nxforms, 3);
	/* Another protocol never matches. */
	set_prop(&ours.p[0], MIF_IKE_PROTO_ESP, 3, gcm128);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), -ENOENT);
}

/* The initiator's check of a reply, against the same offer. */
static void
test_check_reply(void)
{
	static struct mif_ike_sa_props offer, ours, reply;
	const struct mif_ike_xform gcm128[] = {
		XF(1, 20, 128), XF(2, 5, 0), XF(4, 19, 0),
	};
	static struct mif_ike_msg m;
	struct mif_ike_prop c;
	struct mif_ike_algs a;

	CHECK_EQ(parse(sa_init, sizeof(sa_init), &m), 0);
	CHECK_EQ(mif_ike_pld_sa_parse(m.pld[0].body, m.pld[0].len, &offer), 0);
	ours.nprops = 1;
	set_prop(&ours.p[0], 1, 3, gcm128);
	CHECK_EQ(mif_ike_sa_select(&offer, &ours, &c), 0);
	reply.nprops = 1;
	reply.p[0] = c;
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), 0);
	reply.p[0].num = 3;			/* not offered */
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), -EBADMSG);
	reply.p[0] = c;
	reply.p[0].x[2].id = 20;		/* group 20, not offered */
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), -EBADMSG);
	reply.p[0] = c;
	reply.p[0].nxforms = 2;			/* DH missing */
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), -EBADMSG);
	reply.p[0] = c;
	reply.p[0].x[2] = reply.p[0].x[1];	/* PRF twice */
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), -EBADMSG);
	reply.p[0] = c;
	reply.nprops = 2;
	reply.p[1] = c;
	CHECK_EQ(mif_ike_sa_check_reply(&offer, &reply), -EBADMSG);

	/* Unsupported sets are refused by the crypto side. */
	c.x[2].id = 0;
	CHECK_EQ(mif_ike_algs_from_prop(&c, &a), -ENOTSUP);
}

/* A real IKE_SA_INIT request from strongSwan's charon, with the default
 * proposals of tests/unit/ike_capture.sh: the committed capture (exact
 * is true) or a fresh one given on the command line. */
static void
check_strongswan(const uint8_t *msg, size_t len, bool exact)
{
	static struct mif_ike_msg m;
	static struct mif_ike_sa_props sa;
	const struct mif_ike_pld *p;
	struct mif_ike_ke ke;
	unsigned int i, j, dh19 = 0;

	CHECK_EQ(parse(msg, len, &m), 0);
	CHECK_EQ(m.hdr.exchange, MIF_IKE_EXCH_SA_INIT);
	CHECK_EQ(m.hdr.flags, MIF_IKE_FLAG_INITIATOR);
	CHECK_EQ(m.hdr.rspi, 0);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_SA)) != NULL);
	CHECK_EQ(mif_ike_pld_sa_parse(p->body, p->len, &sa), 0);
	CHECK(sa.nprops >= 1);
	for (i = 0; i < sa.nprops; i++)
		for (j = 0; j < sa.p[i].nxforms; j++)
			dh19 += sa.p[i].x[j].type == MIF_IKE_XFORM_DH &&
				sa.p[i].x[j].id == MIF_IKE_DH_ECP_256;
	CHECK(dh19 >= 1);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_KE)) != NULL);
	CHECK_EQ(mif_ike_pld_ke_parse(p->body, p->len, &ke), 0);
	CHECK_EQ(ke.group, MIF_IKE_DH_ECP_256);
	CHECK(mif_ike_msg_find(&m, MIF_IKE_PLD_NONCE) != NULL);
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_NAT_DETECTION_SOURCE_IP));
	CHECK(mif_ike_msg_find_notify(&m,
				      MIF_IKE_N_NAT_DETECTION_DESTINATION_IP));
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_FRAGMENTATION_SUPPORTED));
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_REDIRECT_SUPPORTED));
	/* The default proposal's 36 transforms fit under the bound. */
	if (exact) {
		CHECK_EQ(len, 1012);
		CHECK_EQ(sa.nprops, 4);
		CHECK_EQ(sa.p[3].nxforms, 36);
	}

	/* Our AES-GCM-16-128 / SHA2-256 / group 19 proposal is chosen
	 * from strongSwan's offer. */
	{
		static struct mif_ike_sa_props ours;
		const struct mif_ike_xform x[] = {
			XF(1, 20, 128), XF(2, 5, 0), XF(4, 19, 0),
		};
		struct mif_ike_prop c;

		ours.nprops = 1;
		set_prop(&ours.p[0], 1, 3, x);
		CHECK_EQ(mif_ike_sa_select(&sa, &ours, &c), 0);
		CHECK_EQ(c.nxforms, 3);
	}

	/* Every truncation of it is refused without reading past it. */
	for (i = 0; i < len; i++)
		CHECK(parse(msg, i, &m) < 0);
}

/* A capture file from tests/unit/ike_capture.sh FILE.bin. */
static int
check_file(const char *path)
{
	static uint8_t buf[MIF_IKE_MSG_MAX_LEN + 1];
	FILE *f = fopen(path, "rb");
	size_t n;

	CHECK(f != NULL);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(n > 0 && n <= MIF_IKE_MSG_MAX_LEN);
	check_strongswan(buf, n, false);
	printf("%s: %zu byte strongSwan IKE_SA_INIT accepted\n", path, n);
	CHECK_DONE();
}

/* Build an IKE_SA_INIT with the generator, parse it back, compare. */
static void
test_round_trip(void)
{
	static struct mif_ike_sa_props in, out;
	static struct mif_ike_msg m;
	struct mif_ike_hdr h = {
		.ispi = 0xfedcba9876543210ULL, .exchange = MIF_IKE_EXCH_SA_INIT,
		.flags = MIF_IKE_FLAG_INITIATOR,
	};
	uint8_t buf[1024], pub[64], nonce[32];
	const struct mif_ike_pld *p;
	struct mif_ike_ke ke = { .group = 19, .data = pub, .len = 64 };
	struct mif_ike_ke ke2;
	struct mif_ike_notify n = {
		.type = MIF_IKE_N_FRAGMENTATION_SUPPORTED,
	}, n2;
	struct mif_ike_gen g;
	size_t len;

	memset(pub, 0x9c, sizeof(pub));
	memset(nonce, 0x3e, sizeof(nonce));
	in.nprops = 2;
	in.p[0] = (struct mif_ike_prop){ .num = 1, .proto = 1, .nxforms = 3 };
	in.p[0].x[0] = (struct mif_ike_xform){ 1, false, 20, 256 };
	in.p[0].x[1] = (struct mif_ike_xform){ 2, false, 7, 0 };
	in.p[0].x[2] = (struct mif_ike_xform){ 4, false, 31, 0 };
	in.p[1] = (struct mif_ike_prop){ .num = 2, .proto = 1, .nxforms = 4 };
	in.p[1].x[0] = (struct mif_ike_xform){ 1, false, 12, 128 };
	in.p[1].x[1] = (struct mif_ike_xform){ 2, false, 5, 0 };
	in.p[1].x[2] = (struct mif_ike_xform){ 3, false, 12, 0 };
	in.p[1].x[3] = (struct mif_ike_xform){ 4, false, 14, 0 };

	CHECK_EQ(mif_ike_gen_init(&g, buf, sizeof(buf), &h), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false), 0);
	CHECK_EQ(mif_ike_pld_sa_build(&g.wr, &in), 0);
	CHECK_EQ(mif_ike_gen_end(&g), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false), 0);
	CHECK_EQ(mif_ike_pld_ke_build(&g.wr, &ke), 0);
	CHECK_EQ(mif_ike_gen_end(&g), 0);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, nonce, 32), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_NOTIFY, false), 0);
	CHECK_EQ(mif_ike_pld_notify_build(&g.wr, &n), 0);
	CHECK_EQ(mif_ike_gen_end(&g), 0);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, "mifgw", 5), 0);
	CHECK_EQ(mif_ike_gen_finish(&g, &len), 0);

	CHECK_EQ(parse(buf, len, &m), 0);
	CHECK(m.hdr.ispi == h.ispi);
	CHECK_EQ(m.hdr.version, MIF_IKE_VERSION);
	CHECK_EQ(m.npld, 5);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_SA)) != NULL);
	CHECK_EQ(mif_ike_pld_sa_parse(p->body, p->len, &out), 0);
	CHECK_EQ(out.nprops, 2);
	CHECK_EQ(out.p[1].nxforms, 4);
	CHECK_EQ(out.p[0].x[0].keylen, 256);
	CHECK_EQ(out.p[0].x[2].id, 31);
	CHECK_EQ(out.p[1].x[0].keylen, 128);
	CHECK_EQ(out.p[1].x[3].id, 14);
	CHECK_MEM(&out.p[1].x[2], &in.p[1].x[2], sizeof(in.p[1].x[2]));
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_KE)) != NULL);
	CHECK_EQ(mif_ike_pld_ke_parse(p->body, p->len, &ke2), 0);
	CHECK_EQ(ke2.group, 19);
	CHECK_MEM(ke2.data, pub, 64);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_NONCE)) != NULL);
	CHECK_MEM(p->body, nonce, 32);
	CHECK((p = mif_ike_msg_find_notify(&m,
			MIF_IKE_N_FRAGMENTATION_SUPPORTED)) != NULL);
	CHECK_EQ(mif_ike_pld_notify_parse(p->body, p->len, &n2), 0);
	CHECK_EQ(n2.data_len, 0);
	CHECK((p = mif_ike_msg_find(&m, MIF_IKE_PLD_VENDOR)) != NULL);
	CHECK_MEM(p->body, "mifgw", 5);
}

/* Generator errors, and a TS body round trip. */
static void
test_gen_errors(void)
{
	struct mif_ike_hdr h = { .exchange = MIF_IKE_EXCH_SA_INIT };
	uint8_t buf[256], nonce[32] = { 0 };
	struct mif_ike_gen g;
	size_t len;

	/* Out of room: the error sticks and finish reports it. */
	CHECK_EQ(mif_ike_gen_init(&g, buf, 40, &h), 0);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, nonce, 32), -ENOSPC);
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, "x", 1), -ENOSPC);
	CHECK_EQ(mif_ike_gen_finish(&g, &len), -ENOSPC);
	/* An open payload cannot be finished. */
	CHECK_EQ(mif_ike_gen_init(&g, buf, sizeof(buf), &h), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_NONCE, false), 0);
	CHECK_EQ(mif_ike_gen_finish(&g, &len), -EINVAL);
	/* A TS round trip. */
	{
		struct mif_ike_ts_set a = { .n = 1 }, b2;
		struct mif_wr w;

		a.ts[0].type = MIF_IKE_TS_IPV4_ADDR_RANGE;
		a.ts[0].end_port = 65535;
		memset(a.ts[0].end, 0xff, 4);
		mif_wr_init(&w, buf, sizeof(buf));
		CHECK_EQ(mif_ike_pld_ts_build(&w, &a), 0);
		CHECK_EQ(w.len, 4 + 16);
		CHECK_EQ(mif_ike_pld_ts_parse(buf, w.len, &b2), 0);
		CHECK_MEM(&b2.ts[0], &a.ts[0], sizeof(a.ts[0]));
	}
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		return check_file(argv[1]);
	test_valid();
	test_broken_sa_init();
	test_huge_length();
	test_unknown_payloads();
	test_chain_loop();
	test_sk_position();
	test_sk_inner();
	test_payloads();
	test_select();
	test_check_reply();
	check_strongswan(ike_strongswan_init, sizeof(ike_strongswan_init),
			 true);
	CHECK_EQ(IKE_STRONGSWAN_INIT_GROUP, MIF_IKE_DH_ECP_256);
	test_round_trip();
	test_gen_errors();
	CHECK_DONE();
}
