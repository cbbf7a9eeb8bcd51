/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_RD_H
#define MIF_RD_H

/** @file
 * Bounds-checked read cursor for untrusted input (IKE messages, ESP
 * trailers). Every getter checks that the bytes are there before touching
 * them and returns -EBADMSG otherwise; on failure the cursor is left
 * unchanged. Multi-byte integers are read in network byte order.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** A view of the bytes still to be read. */
struct mif_rd {
	const uint8_t *p;	/**< next byte to read */
	size_t left;		/**< bytes left from p */
};

/** Start reading @p len bytes at @p buf. */
static inline void
mif_rd_init(struct mif_rd *rd, const void *buf, size_t len)
{
	rd->p = buf;
	rd->left = len;
}

/** Skip @p n bytes. @return 0 or -EBADMSG if fewer are left. */
static inline int
mif_rd_skip(struct mif_rd *rd, size_t n)
{
	if (n > rd->left)
		return -EBADMSG;
	rd->p += n;
	rd->left -= n;
	return 0;
}

/**
 * Take @p n bytes as a pointer into the buffer and advance past them.
 * @return 0 or -EBADMSG.
 */
static inline int
mif_rd_ptr(struct mif_rd *rd, size_t n, const uint8_t **out)
{
	if (n > rd->left)
		return -EBADMSG;
	*out = rd->p;
	rd->p += n;
	rd->left -= n;
	return 0;
}

/** Copy @p n bytes out and advance. @return 0 or -EBADMSG. */
static inline int
mif_rd_get_bytes(struct mif_rd *rd, void *dst, size_t n)
{
	if (n > rd->left)
		return -EBADMSG;
	memcpy(dst, rd->p, n);
	rd->p += n;
	rd->left -= n;
	return 0;
}

/** Read one byte. @return 0 or -EBADMSG. */
static inline int
mif_rd_get_u8(struct mif_rd *rd, uint8_t *v)
{
	if (rd->left < 1)
		return -EBADMSG;
	*v = rd->p[0];
	rd->p++;
	rd->left--;
	return 0;
}

/** Read a big-endian 16-bit value. @return 0 or -EBADMSG. */
static inline int
mif_rd_get_u16(struct mif_rd *rd, uint16_t *v)
{
	if (rd->left < 2)
		return -EBADMSG;
	*v = (uint16_t)(rd->p[0] << 8 | rd->p[1]);
	rd->p += 2;
	rd->left -= 2;
	return 0;
}

/** Read a big-endian 32-bit value. @return 0 or -EBADMSG. */
static inline int
mif_rd_get_u32(struct mif_rd *rd, uint32_t *v)
{
	if (rd->left < 4)
		return -EBADMSG;
	*v = (uint32_t)rd->p[0] << 24 | (uint32_t)rd->p[1] << 16 |
		(uint32_t)rd->p[2] << 8 | rd->p[3];
	rd->p += 4;
	rd->left -= 4;
	return 0;
}

/** Read a big-endian 64-bit value. @return 0 or -EBADMSG. */
static inline int
mif_rd_get_u64(struct mif_rd *rd, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	if (rd->left < 8)
		return -EBADMSG;
	for (i = 0; i < 8; i++)
		r = r << 8 | rd->p[i];
	*v = r;
	rd->p += 8;
	rd->left -= 8;
	return 0;
}

/**
 * Split off one length-prefixed element whose header the caller has
 * already decoded, checking in the project's order: the fixed header of
 * @p hdr_len bytes fits in what is left, the @p declared total length is
 * at most what is left, and it is at least the header size. On success
 * @p body views the bytes after the header, and @p rd has moved past the
 * whole element.
 * @return 0 or -EBADMSG.
 */
static inline int
mif_rd_take_declared(struct mif_rd *rd, size_t hdr_len, size_t declared,
		     struct mif_rd *body)
{
	if (hdr_len > rd->left)
		return -EBADMSG;
	if (declared > rd->left)
		return -EBADMSG;
	if (declared < hdr_len)
		return -EBADMSG;
	body->p = rd->p + hdr_len;
	body->left = declared - hdr_len;
	rd->p += declared;
	rd->left -= declared;
	return 0;
}

/**
 * Take the next @p n bytes as a sub-cursor and advance past them.
 * @return 0 or -EBADMSG.
 */
static inline int
mif_rd_sub(struct mif_rd *rd, size_t n, struct mif_rd *sub)
{
	if (n > rd->left)
		return -EBADMSG;
	sub->p = rd->p;
	sub->left = n;
	rd->p += n;
	rd->left -= n;
	return 0;
}

#endif
