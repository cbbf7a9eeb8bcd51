/* SPDX-License-Identifier: BSD-3-Clause */
/* The read cursor and write buffer: every getter and putter exactly at
 * the end and one past it, a failed call leaves the cursor untouched,
 * and the declared-length checks run in the STYLE.md order. */
#include <errno.h>
#include <stdint.h>

#include "common/rd.h"
#include "common/wr.h"
#include "tests/unit/check.h"

static const uint8_t data[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
};

/* A cursor with exactly @n bytes left, at the end of data[]. */
static struct mif_rd
tail(size_t n)
{
	struct mif_rd rd;

	mif_rd_init(&rd, data + sizeof(data) - n, n);
	return rd;
}

static void
test_getters_at_end(void)
{
	struct mif_rd rd;
	uint8_t u8, b[3];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const uint8_t *p;

	rd = tail(1);
	CHECK_EQ(mif_rd_get_u8(&rd, &u8), 0);
	CHECK_EQ(u8, 0x09);
	CHECK_EQ(rd.left, 0);
	CHECK_EQ(mif_rd_get_u8(&rd, &u8), -EBADMSG);

	rd = tail(2);
	CHECK_EQ(mif_rd_get_u16(&rd, &u16), 0);
	CHECK_EQ(u16, 0x0809);
	CHECK_EQ(rd.left, 0);

	rd = tail(4);
	CHECK_EQ(mif_rd_get_u32(&rd, &u32), 0);
	CHECK_EQ(u32, 0x06070809);

	rd = tail(8);
	CHECK_EQ(mif_rd_get_u64(&rd, &u64), 0);
	CHECK(u64 == 0x0203040506070809ULL);
	CHECK_EQ(rd.left, 0);

	rd = tail(3);
	CHECK_EQ(mif_rd_get_bytes(&rd, b, 3), 0);
	CHECK_MEM(b, data + 6, 3);

	rd = tail(3);
	CHECK_EQ(mif_rd_ptr(&rd, 3, &p), 0);
	CHECK(p == data + 6);
	CHECK_EQ(mif_rd_ptr(&rd, 0, &p), 0);

	rd = tail(3);
	CHECK_EQ(mif_rd_skip(&rd, 3), 0);
	CHECK_EQ(rd.left, 0);
	CHECK_EQ(mif_rd_skip(&rd, 0), 0);
}

/* One byte short: error, and p/left unchanged. */
#define SHORT(call, n) do {						\
	struct mif_rd rd_ = tail(n);					\
	const uint8_t *p0_ = rd_.p;					\
	CHECK_EQ(call, -EBADMSG);					\
	CHECK(rd_.p == p0_);						\
	CHECK_EQ(rd_.left, (n));					\
} while (0)

static void
test_getters_past_end(void)
{
	uint8_t u8, b[9];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const uint8_t *p;
	struct mif_rd sub;

	SHORT(mif_rd_get_u8(&rd_, &u8), 0);
	SHORT(mif_rd_get_u16(&rd_, &u16), 1);
	SHORT(mif_rd_get_u16(&rd_, &u16), 0);
	SHORT(mif_rd_get_u32(&rd_, &u32), 3);
	SHORT(mif_rd_get_u64(&rd_, &u64), 7);
	SHORT(mif_rd_get_bytes(&rd_, b, 9), 8);
	SHORT(mif_rd_ptr(&rd_, 4, &p), 3);
	SHORT(mif_rd_skip(&rd_, 2), 1);
	SHORT(mif_rd_sub(&rd_, 5, &sub), 4);
	/* A huge n must not wrap the comparison. */
	SHORT(mif_rd_skip(&rd_, SIZE_MAX), 4);
	SHORT(mif_rd_ptr(&rd_, SIZE_MAX, &p), 4);
}

static void
test_declared_order(void)
{
	struct mif_rd rd, body;

	/* Header of 4 does not fit in 3 bytes, whatever the declared length. */
	rd = tail(3);
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 3, &body), -EBADMSG);
	CHECK_EQ(rd.left, 3);

	/* Declared past the end. */
	rd = tail(8);
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 9, &body), -EBADMSG);
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 0xffff, &body), -EBADMSG);
	CHECK_EQ(mif_rd_take_declared(&rd, 4, SIZE_MAX, &body), -EBADMSG);
	CHECK_EQ(rd.left, 8);

	/* Declared shorter than its own header: would underflow body. */
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 3, &body), -EBADMSG);
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 0, &body), -EBADMSG);
	CHECK_EQ(rd.left, 8);

	/* Exactly the header: empty body. */
	CHECK_EQ(mif_rd_take_declared(&rd, 4, 4, &body), 0);
	CHECK_EQ(body.left, 0);
	CHECK(body.p == data + 5);
	CHECK_EQ(rd.left, 4);

	/* Exactly what is left. */
	CHECK_EQ(mif_rd_take_declared(&rd, 2, 4, &body), 0);
	CHECK_EQ(body.left, 2);
	CHECK_EQ(body.p[0], 0x08);
	CHECK_EQ(rd.left, 0);
	CHECK_EQ(mif_rd_take_declared(&rd, 0, 0, &body), 0);
	CHECK_EQ(mif_rd_take_declared(&rd, 0, 1, &body), -EBADMSG);
}

static void
test_sub(void)
{
	struct mif_rd rd, sub;
	uint16_t v;

	rd = tail(5);
	CHECK_EQ(mif_rd_sub(&rd, 3, &sub), 0);
	CHECK_EQ(rd.left, 2);
	CHECK_EQ(sub.left, 3);
	CHECK_EQ(mif_rd_get_u16(&sub, &v), 0);
	CHECK_EQ(v, 0x0506);
	/* The sub-cursor stops at its own end, not the parent's. */
	CHECK_EQ(mif_rd_get_u16(&sub, &v), -EBADMSG);
	CHECK_EQ(mif_rd_get_u16(&rd, &v), 0);
	CHECK_EQ(v, 0x0809);
}

static void
test_writer(void)
{
	uint8_t buf[16], *r;
	const uint8_t want[] = {
		0xaa,				/* u8 */
		0x12, 0x34,			/* u16 */
		0xde, 0xad, 0xbe, 0xef,		/* u32 */
		0x01, 0x02, 0x03, 0x04,		/* u64 */
		0x05, 0x06, 0x07, 0x08,
		0x99,				/* bytes */
	};
	struct mif_wr wr;

	mif_wr_init(&wr, buf, sizeof(buf));
	CHECK_EQ(mif_wr_put_u8(&wr, 0xaa), 0);
	CHECK_EQ(mif_wr_put_u16(&wr, 0x1234), 0);
	CHECK_EQ(mif_wr_put_u32(&wr, 0xdeadbeef), 0);
	CHECK_EQ(mif_wr_put_u64(&wr, 0x0102030405060708ULL), 0);
	CHECK_EQ(mif_wr_room(&wr), 1);
	/* Too big for the room left: nothing written. */
	CHECK_EQ(mif_wr_put_u16(&wr, 0xffff), -ENOSPC);
	CHECK_EQ(mif_wr_put_u32(&wr, 0xffffffff), -ENOSPC);
	CHECK_EQ(mif_wr_put_u64(&wr, 1), -ENOSPC);
	CHECK_EQ(mif_wr_reserve(&wr, 2, &r), -ENOSPC);
	CHECK_EQ(mif_wr_put_bytes(&wr, want, SIZE_MAX), -ENOSPC);
	CHECK_EQ(wr.len, 15);
	CHECK_EQ(mif_wr_put_bytes(&wr, "\x99", 1), 0);
	CHECK_EQ(mif_wr_put_u8(&wr, 0), -ENOSPC);
	CHECK_EQ(wr.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));

	/* Patching only inside what was written. */
	CHECK_EQ(mif_wr_patch_u16(&wr, 1, 0x5678), 0);
	CHECK_EQ(buf[1], 0x56);
	CHECK_EQ(mif_wr_patch_u16(&wr, 15, 0), -ERANGE);
	CHECK_EQ(mif_wr_patch_u16(&wr, SIZE_MAX, 0), -ERANGE);
	CHECK_EQ(mif_wr_patch_u32(&wr, 12, 0x01020304), 0);
	CHECK_EQ(buf[15], 0x04);
	CHECK_EQ(mif_wr_patch_u32(&wr, 13, 0), -ERANGE);
	CHECK_EQ(mif_wr_patch_u8(&wr, 15, 7), 0);
	CHECK_EQ(mif_wr_patch_u8(&wr, 16, 7), -ERANGE);

	mif_wr_init(&wr, buf, sizeof(buf));
	CHECK_EQ(mif_wr_reserve(&wr, 16, &r), 0);
	CHECK(r == buf);
	CHECK_EQ(buf[3], 0);
	CHECK_EQ(mif_wr_room(&wr), 0);
}

int
main(void)
{
	test_getters_at_end();
	test_getters_past_end();
	test_declared_order();
	test_sub();
	test_writer();
	CHECK_DONE();
}
