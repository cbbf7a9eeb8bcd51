/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_WR_H
#define MIF_WR_H

/** @file
 * Bounds-checked write buffer, the counterpart of struct mif_rd. Every
 * putter checks the room left and returns -ENOSPC without writing
 * anything when it is short. Integers are written in network byte order.
 * Length fields that are only known later are written as placeholders
 * and patched by offset (mif_wr_patch_u16/u32), which is checked too.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** A caller-owned buffer being filled from the start. */
struct mif_wr {
	uint8_t *buf;		/**< start of the buffer */
	size_t cap;		/**< its size */
	size_t len;		/**< bytes written so far */
};

/** Start writing into @p buf of @p cap bytes. */
static inline void
mif_wr_init(struct mif_wr *wr, void *buf, size_t cap)
{
	wr->buf = buf;
	wr->cap = cap;
	wr->len = 0;
}

/** Bytes still free. */
static inline size_t
mif_wr_room(const struct mif_wr *wr)
{
	return wr->cap - wr->len;
}

/**
 * Reserve @p n bytes, zeroed, and return where they start so the caller
 * can fill them. @return 0 or -ENOSPC.
 */
static inline int
mif_wr_reserve(struct mif_wr *wr, size_t n, uint8_t **out)
{
	if (n > mif_wr_room(wr))
		return -ENOSPC;
	*out = wr->buf + wr->len;
	memset(*out, 0, n);
	wr->len += n;
	return 0;
}

/** Append @p n bytes. @return 0 or -ENOSPC. */
static inline int
mif_wr_put_bytes(struct mif_wr *wr, const void *src, size_t n)
{
	if (n > mif_wr_room(wr))
		return -ENOSPC;
	if (n != 0)
		memcpy(wr->buf + wr->len, src, n);
	wr->len += n;
	return 0;
}

/** Append one byte. @return 0 or -ENOSPC. */
static inline int
mif_wr_put_u8(struct mif_wr *wr, uint8_t v)
{
	return mif_wr_put_bytes(wr, &v, 1);
}

/** Append a big-endian 16-bit value. @return 0 or -ENOSPC. */
static inline int
mif_wr_put_u16(struct mif_wr *wr, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return mif_wr_put_bytes(wr, b, sizeof(b));
}

/** Append a big-endian 32-bit value. @return 0 or -ENOSPC. */
static inline int
mif_wr_put_u32(struct mif_wr *wr, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	return mif_wr_put_bytes(wr, b, sizeof(b));
}

/** Append a big-endian 64-bit value. @return 0 or -ENOSPC. */
static inline int
mif_wr_put_u64(struct mif_wr *wr, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
	return mif_wr_put_bytes(wr, b, sizeof(b));
}

/**
 * Overwrite two already written bytes at offset @p off.
 * @return 0, or -ERANGE if they lie beyond what was written.
 */
static inline int
mif_wr_patch_u16(struct mif_wr *wr, size_t off, uint16_t v)
{
	if (off > wr->len || wr->len - off < 2)
		return -ERANGE;
	wr->buf[off] = (uint8_t)(v >> 8);
	wr->buf[off + 1] = (uint8_t)v;
	return 0;
}

/**
 * Overwrite four already written bytes at offset @p off.
 * @return 0, or -ERANGE if they lie beyond what was written.
 */
static inline int
mif_wr_patch_u32(struct mif_wr *wr, size_t off, uint32_t v)
{
	if (off > wr->len || wr->len - off < 4)
		return -ERANGE;
	wr->buf[off] = (uint8_t)(v >> 24);
	wr->buf[off + 1] = (uint8_t)(v >> 16);
	wr->buf[off + 2] = (uint8_t)(v >> 8);
	wr->buf[off + 3] = (uint8_t)v;
	return 0;
}

/**
 * Overwrite one already written byte at offset @p off.
 * @return 0, or -ERANGE if it lies beyond what was written.
 */
static inline int
mif_wr_patch_u8(struct mif_wr *wr, size_t off, uint8_t v)
{
	if (off >= wr->len)
		return -ERANGE;
	wr->buf[off] = v;
	return 0;
}

#endif
