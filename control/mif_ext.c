/* SPDX-License-Identifier: BSD-3-Clause */
/* Multiple-interface extension: Notify data parsers and builders.
 * Layouts are in docs/protocol.md; every reader goes through mif_rd and
 * checks the whole data before it writes its output. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/rd.h"
#include "control/ike_wire.h"
#include "control/mif_ext.h"

/* SHA-256("MIF-IPsec-v1"), first 16 bytes; test_mif_ext recomputes it. */
const uint8_t mif_ext_vid[MIF_EXT_VID_LEN] = {
	0x36, 0x51, 0xeb, 0x48, 0x7e, 0x37, 0x2b, 0x95,
	0xfe, 0x5e, 0xa7, 0x6f, 0x1e, 0x93, 0xb9, 0x33,
};

bool
mif_ext_is_op_type(uint16_t type)
{
	return type >= MIF_EXT_N_IF_ADD && type <= MIF_EXT_N_IF_PROMOTE;
}

bool
mif_ext_is_mif_type(uint16_t type)
{
	return (type >= MIF_EXT_N_SUPPORTED && type <= MIF_EXT_N_IF_STATE) ||
		(type >= MIF_EXT_N_UNACCEPTABLE_ADDRESS &&
		 type <= MIF_EXT_N_STALE_UPDATE);
}

const char *
mif_ext_type_name(uint16_t type)
{
	static const char *const st[] = { "MIF_SUPPORTED", "MIF_IF_ADD",
		"MIF_IF_REMOVE", "MIF_IF_SET_ALTERNATE", "MIF_IF_REPLACE",
		"MIF_IF_PROMOTE", "MIF_IF_STATE" };
	static const char *const er[] = { "MIF_UNACCEPTABLE_ADDRESS",
		"MIF_UNKNOWN_IF_ID", "MIF_TS_UNKNOWN", "MIF_LIMIT_EXCEEDED",
		"MIF_STALE_UPDATE" };

	if (type >= MIF_EXT_N_SUPPORTED && type <= MIF_EXT_N_IF_STATE)
		return st[type - MIF_EXT_N_SUPPORTED];
	if (type >= MIF_EXT_N_UNACCEPTABLE_ADDRESS &&
	    type <= MIF_EXT_N_STALE_UPDATE)
		return er[type - MIF_EXT_N_UNACCEPTABLE_ADDRESS];
	return "?";
}

bool
mif_ext_vid_match(const uint8_t *body, size_t len)
{
	return len == MIF_EXT_VID_LEN &&
		memcmp(body, mif_ext_vid, MIF_EXT_VID_LEN) == 0;
}

int
mif_ext_scope_parse(uint8_t proto, uint8_t spi_size, const uint8_t *spi,
		    struct mif_ext_scope *out)
{
	if (proto == 0 && spi_size == 0) {
		out->one = false;
		out->spi = 0;
		return 0;
	}
	if (proto != MIF_IKE_PROTO_ESP || spi_size != 4 || spi == NULL)
		return -EBADMSG;
	out->one = true;
	out->spi = (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
		(uint32_t)spi[2] << 8 | spi[3];
	/* SPI 0 is reserved (RFC 4303 2.1): no Child SA carries it. */
	return out->spi == 0 ? -EBADMSG : 0;
}

bool
mif_ext_addr_usable(const struct mif_addr *a)
{
	static const uint8_t zero[16];
	static const uint8_t loop6[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t v;

	if (a->family == AF_INET) {
		v = ntohl(a->v4);
		/* 0/8, 127/8, 224/4 and above (multicast, class E, bcast) */
		return (v >> 24) != 0 && (v >> 24) != 127 && (v >> 28) < 0xe;
	}
	if (a->family != AF_INET6)
		return false;
	if (memcmp(a->v6, zero, 16) == 0 || memcmp(a->v6, loop6, 16) == 0)
		return false;
	/* A v4-mapped address would let one host claim an IPv4 path
	 * through an IPv6 notify; the peer must use type 4. */
	return a->v6[0] != 0xff && memcmp(a->v6, mapped, 12) != 0;
}

/* ---- MIF_SUPPORTED ---------------------------------------------------- */

int
mif_ext_sup_validate(const uint8_t *d, size_t len)
{
	struct mif_rd rd;
	uint8_t ver, flags;
	uint16_t max;

	if (len != MIF_EXT_SUP_LEN)
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if (mif_rd_get_u8(&rd, &ver) != 0 || mif_rd_get_u8(&rd, &flags) != 0 ||
	    mif_rd_get_u16(&rd, &max) != 0)
		return -EBADMSG;
	/* A later version must use a new VID; a bare 0 says nothing. */
	if (ver != MIF_EXT_VERSION || max == 0)
		return -EBADMSG;
	return 0;
}

int
mif_ext_sup_parse(const uint8_t *d, size_t len, struct mif_ext_sup *out)
{
	struct mif_rd rd;
	uint8_t flags;
	uint16_t max;
	int rc;

	if ((rc = mif_ext_sup_validate(d, len)) != 0)
		return rc;
	/* Validated: exactly 4 bytes, read through the cursor again. */
	mif_rd_init(&rd, d, len);
	if (mif_rd_skip(&rd, 1) != 0 || mif_rd_get_u8(&rd, &flags) != 0 ||
	    mif_rd_get_u16(&rd, &max) != 0)
		return -EBADMSG;
	out->flags = flags & (MIF_EXT_SUP_TRANSPORT | MIF_EXT_SUP_PER_TS |
			      MIF_EXT_SUP_AUTO);
	out->max_ifaces = max;
	/* More than we keep is not an error: we use our own bound. */
	if (out->max_ifaces > MIF_EXT_MAX_IFACES)
		out->max_ifaces = MIF_EXT_MAX_IFACES;
	return 0;
}

int
mif_ext_sup_build(struct mif_wr *w, const struct mif_ext_sup *in)
{
	int rc;

	if (in->max_ifaces == 0 || in->max_ifaces > MIF_EXT_MAX_IFACES)
		return -EINVAL;
	if (mif_wr_room(w) < MIF_EXT_SUP_LEN)
		return -ENOSPC;
	if ((rc = mif_wr_put_u8(w, MIF_EXT_VERSION)) != 0 ||
	    (rc = mif_wr_put_u8(w, in->flags & 0x07)) != 0 ||
	    (rc = mif_wr_put_u16(w, in->max_ifaces)) != 0)
		return rc;
	return 0;
}

/* ---- traffic selectors (RFC 7296 3.13.1 substructures) ---------------- */

/* Read one selector; when @out is NULL only check it. */
static int
ts_read(struct mif_rd *rd, struct mif_ike_ts *out)
{
	struct mif_ike_ts t;
	uint16_t len;
	size_t alen;

	memset(&t, 0, sizeof(t));
	if (mif_rd_get_u8(rd, &t.type) != 0 ||
	    mif_rd_get_u8(rd, &t.ipproto) != 0 ||
	    mif_rd_get_u16(rd, &len) != 0 ||
	    mif_rd_get_u16(rd, &t.start_port) != 0 ||
	    mif_rd_get_u16(rd, &t.end_port) != 0)
		return -EBADMSG;
	if (t.type == MIF_IKE_TS_IPV4_ADDR_RANGE && len == MIF_IKE_TS4_LEN)
		alen = 4;
	else if (t.type == MIF_IKE_TS_IPV6_ADDR_RANGE &&
		 len == MIF_IKE_TS6_LEN)
		alen = 16;
	else
		return -EBADMSG;
	if (mif_rd_get_bytes(rd, t.start, alen) != 0 ||
	    mif_rd_get_bytes(rd, t.end, alen) != 0)
		return -EBADMSG;
	/* An empty range selects nothing: a sender bug, not a scope. */
	if (t.start_port > t.end_port || memcmp(t.start, t.end, alen) > 0)
		return -EBADMSG;
	if (out != NULL)
		*out = t;
	return 0;
}

static int
ts_write(struct mif_wr *w, const struct mif_ike_ts *t)
{
	size_t alen;
	int rc;

	if (t->type == MIF_IKE_TS_IPV4_ADDR_RANGE)
		alen = 4;
	else if (t->type == MIF_IKE_TS_IPV6_ADDR_RANGE)
		alen = 16;
	else
		return -EINVAL;
	if (t->start_port > t->end_port || memcmp(t->start, t->end, alen) > 0)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, t->type)) != 0 ||
	    (rc = mif_wr_put_u8(w, t->ipproto)) != 0 ||
	    (rc = mif_wr_put_u16(w, (uint16_t)(8 + 2 * alen))) != 0 ||
	    (rc = mif_wr_put_u16(w, t->start_port)) != 0 ||
	    (rc = mif_wr_put_u16(w, t->end_port)) != 0 ||
	    (rc = mif_wr_put_bytes(w, t->start, alen)) != 0 ||
	    (rc = mif_wr_put_bytes(w, t->end, alen)) != 0)
		return rc;
	return 0;
}

/* ---- operations -------------------------------------------------------- */

/* Which address each operation must or must not carry. */
static int
op_addr_rule(uint16_t type, uint8_t flags, uint8_t at)
{
	switch (type) {
	case MIF_EXT_N_IF_ADD:
		/* USE_HDR: the address is the request's IP source. */
		if (flags & MIF_EXT_F_USE_HDR)
			return at == MIF_EXT_AT_NONE ? 0 : -EBADMSG;
		return at != MIF_EXT_AT_NONE ? 0 : -EBADMSG;
	case MIF_EXT_N_IF_REPLACE:
		if (flags & MIF_EXT_F_USE_HDR)
			return at == MIF_EXT_AT_NONE ? 0 : -EBADMSG;
		return at != MIF_EXT_AT_NONE ? 0 : -EBADMSG;
	case MIF_EXT_N_IF_REMOVE:
	case MIF_EXT_N_IF_PROMOTE:
	case MIF_EXT_N_IF_SET_ALTERNATE:
		return at == MIF_EXT_AT_NONE ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

/* The 16-byte fixed part; the address type says what follows. */
static int
op_hdr_read(struct mif_rd *rd, uint16_t type, struct mif_ext_op *o,
	    uint8_t *at)
{
	uint8_t ver;

	if (mif_rd_get_u8(rd, &ver) != 0 || mif_rd_get_u8(rd, &o->flags) ||
	    mif_rd_get_u16(rd, &o->ifid) != 0 ||
	    mif_rd_get_u16(rd, &o->backup_of) != 0 ||
	    mif_rd_get_u8(rd, &o->prio) != 0 || mif_rd_get_u8(rd, at) != 0 ||
	    mif_rd_get_u32(rd, &o->seq) != 0 ||
	    mif_rd_get_u16(rd, &o->port) != 0 ||
	    mif_rd_get_u8(rd, &o->nts_s) != 0 ||
	    mif_rd_get_u8(rd, &o->nts_d) != 0)
		return -EBADMSG;
	if (ver != MIF_EXT_VERSION || (o->flags & ~MIF_EXT_F_MASK) != 0)
		return -EBADMSG;
	/* IfID 0 is the IKE address, which only MOBIKE moves. */
	if (o->ifid == MIF_EXT_IFID_IKE || o->ifid == MIF_EXT_NO_BACKUP ||
	    o->backup_of == o->ifid)
		return -EBADMSG;
	if (*at != MIF_EXT_AT_NONE && *at != MIF_EXT_AT_IP4 &&
	    *at != MIF_EXT_AT_IP6)
		return -EBADMSG;
	if (op_addr_rule(type, o->flags, *at) != 0)
		return -EBADMSG;
	/* ALT only means something on ADD; SET_ALTERNATE names the
	 * interface it backs up. */
	if ((o->flags & MIF_EXT_F_ALT) && type != MIF_EXT_N_IF_ADD)
		return -EBADMSG;
	if (type == MIF_EXT_N_IF_SET_ALTERNATE &&
	    o->backup_of == MIF_EXT_NO_BACKUP)
		return -EBADMSG;
	/* A sequence of 0 is never newer than the initial state. */
	if (o->seq == 0)
		return -EBADMSG;
	return 0;
}

/* Everything after the fixed part; @o gets the values. */
static int
op_body_read(struct mif_rd *rd, uint8_t at, struct mif_ext_op *o)
{
	unsigned int i;
	int rc;

	memset(&o->addr, 0, sizeof(o->addr));
	if (at == MIF_EXT_AT_IP4) {
		o->addr.family = AF_INET;
		if (mif_rd_get_bytes(rd, &o->addr.v4, 4) != 0)
			return -EBADMSG;
	} else if (at == MIF_EXT_AT_IP6) {
		o->addr.family = AF_INET6;
		if (mif_rd_get_bytes(rd, o->addr.v6, 16) != 0)
			return -EBADMSG;
	}
	/* Counts are checked against what is left before the limit, so a
	 * truncated message is a syntax error and not a limit. */
	if ((size_t)(o->nts_s + o->nts_d) * MIF_IKE_TS4_LEN > rd->left)
		return -EBADMSG;
	if (o->nts_s > MIF_EXT_MAX_TS || o->nts_d > MIF_EXT_MAX_TS)
		return -E2BIG;
	for (i = 0; i < o->nts_s; i++)
		if ((rc = ts_read(rd, &o->ts_s[i])) != 0)
			return rc;
	for (i = 0; i < o->nts_d; i++)
		if ((rc = ts_read(rd, &o->ts_d[i])) != 0)
			return rc;
	if (rd->left != 0)
		return -EBADMSG;
	if (at != MIF_EXT_AT_NONE && !mif_ext_addr_usable(&o->addr))
		return -EADDRNOTAVAIL;
	return 0;
}

static int
op_read(uint16_t type, const uint8_t *d, size_t len, struct mif_ext_op *o)
{
	struct mif_rd rd;
	uint8_t at;
	int rc;

	if (!mif_ext_is_op_type(type) || len < MIF_EXT_OP_HDR_LEN)
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if ((rc = op_hdr_read(&rd, type, o, &at)) != 0)
		return rc;
	return op_body_read(&rd, at, o);
}

int
mif_ext_op_validate(uint16_t type, const uint8_t *d, size_t len)
{
	struct mif_ext_op tmp;

	return op_read(type, d, len, &tmp);
}

int
mif_ext_op_parse(uint16_t type, const uint8_t *d, size_t len,
		 struct mif_ext_op *out)
{
	struct mif_ext_op tmp;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	if ((rc = op_read(type, d, len, &tmp)) != 0)
		return rc;
	tmp.type = type;
	tmp.scope = out->scope;
	*out = tmp;
	return 0;
}

static int
op_build_check(const struct mif_ext_op *in, uint8_t *at)
{
	if (in->addr.family == AF_INET)
		*at = MIF_EXT_AT_IP4;
	else if (in->addr.family == AF_INET6)
		*at = MIF_EXT_AT_IP6;
	else if (in->addr.family == 0)
		*at = MIF_EXT_AT_NONE;
	else
		return -EINVAL;
	if (!mif_ext_is_op_type(in->type) ||
	    (in->flags & ~MIF_EXT_F_MASK) != 0 ||
	    op_addr_rule(in->type, in->flags, *at) != 0)
		return -EINVAL;
	if (in->ifid == MIF_EXT_IFID_IKE || in->ifid == MIF_EXT_NO_BACKUP ||
	    in->backup_of == in->ifid || in->seq == 0)
		return -EINVAL;
	if (((in->flags & MIF_EXT_F_ALT) && in->type != MIF_EXT_N_IF_ADD) ||
	    (in->type == MIF_EXT_N_IF_SET_ALTERNATE &&
	     in->backup_of == MIF_EXT_NO_BACKUP))
		return -EINVAL;
	if (in->nts_s > MIF_EXT_MAX_TS || in->nts_d > MIF_EXT_MAX_TS)
		return -EINVAL;
	if (*at != MIF_EXT_AT_NONE && !mif_ext_addr_usable(&in->addr))
		return -EINVAL;
	return 0;
}

int
mif_ext_op_build(struct mif_wr *w, const struct mif_ext_op *in)
{
	size_t start = w->len;
	unsigned int i;
	uint8_t at;
	int rc;

	if ((rc = op_build_check(in, &at)) != 0)
		return rc;
	if ((rc = mif_wr_put_u8(w, MIF_EXT_VERSION)) != 0 ||
	    (rc = mif_wr_put_u8(w, in->flags)) != 0 ||
	    (rc = mif_wr_put_u16(w, in->ifid)) != 0 ||
	    (rc = mif_wr_put_u16(w, in->backup_of)) != 0 ||
	    (rc = mif_wr_put_u8(w, in->prio)) != 0 ||
	    (rc = mif_wr_put_u8(w, at)) != 0 ||
	    (rc = mif_wr_put_u32(w, in->seq)) != 0 ||
	    (rc = mif_wr_put_u16(w, in->port)) != 0 ||
	    (rc = mif_wr_put_u8(w, in->nts_s)) != 0 ||
	    (rc = mif_wr_put_u8(w, in->nts_d)) != 0)
		goto out;
	if (at == MIF_EXT_AT_IP4)
		rc = mif_wr_put_bytes(w, &in->addr.v4, 4);
	else if (at == MIF_EXT_AT_IP6)
		rc = mif_wr_put_bytes(w, in->addr.v6, 16);
	if (rc != 0)
		goto out;
	for (i = 0; i < in->nts_s && rc == 0; i++)
		rc = ts_write(w, &in->ts_s[i]);
	for (i = 0; i < in->nts_d && rc == 0; i++)
		rc = ts_write(w, &in->ts_d[i]);
out:
	/* Leave nothing half written behind. */
	if (rc != 0)
		w->len = start;
	return rc;
}

/* ---- MIF_IF_STATE ------------------------------------------------------ */

static int
state_read(const uint8_t *d, size_t len, struct mif_ext_state *o)
{
	struct mif_rd rd;
	uint8_t ver, n, r1, r2;
	unsigned int i;

	mif_rd_init(&rd, d, len);
	if (mif_rd_get_u8(&rd, &ver) != 0 || mif_rd_get_u8(&rd, &n) != 0 ||
	    mif_rd_get_u8(&rd, &r1) != 0 || mif_rd_get_u8(&rd, &r2) != 0)
		return -EBADMSG;
	if (ver != MIF_EXT_VERSION || r1 != 0 || r2 != 0)
		return -EBADMSG;
	/* Fixed-size entries: the length must match the count exactly. */
	if (rd.left != (size_t)n * MIF_EXT_STATE_ENT_LEN)
		return -EBADMSG;
	if (n > MIF_EXT_MAX_IFACES)
		return -E2BIG;
	o->n = n;
	for (i = 0; i < n; i++) {
		struct mif_ext_state_ent *e = &o->ent[i];

		if (mif_rd_get_u16(&rd, &e->ifid) != 0 ||
		    mif_rd_get_u8(&rd, &e->state) != 0 ||
		    mif_rd_get_u8(&rd, &e->nts) != 0 ||
		    mif_rd_get_u32(&rd, &e->seq) != 0)
			return -EBADMSG;
		if (e->state < MIF_EXT_ST_ACTIVE ||
		    e->state > MIF_EXT_ST_REMOVED ||
		    e->nts > 2 * MIF_EXT_MAX_TS)
			return -EBADMSG;
	}
	return 0;
}

int
mif_ext_state_validate(const uint8_t *d, size_t len)
{
	struct mif_ext_state tmp;

	return state_read(d, len, &tmp);
}

int
mif_ext_state_parse(const uint8_t *d, size_t len, struct mif_ext_state *out)
{
	struct mif_ext_state tmp;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	if ((rc = state_read(d, len, &tmp)) != 0)
		return rc;
	*out = tmp;
	return 0;
}

int
mif_ext_state_build(struct mif_wr *w, const struct mif_ext_state *in)
{
	unsigned int i;
	int rc = 0;

	if (in->n > MIF_EXT_MAX_IFACES)
		return -EINVAL;
	if (mif_wr_room(w) < MIF_EXT_STATE_HDR_LEN +
	    (size_t)in->n * MIF_EXT_STATE_ENT_LEN)
		return -ENOSPC;
	mif_wr_put_u8(w, MIF_EXT_VERSION);
	mif_wr_put_u8(w, in->n);
	mif_wr_put_u16(w, 0);
	/* Room was checked for the whole data above. */
	for (i = 0; i < in->n && rc == 0; i++) {
		mif_wr_put_u16(w, in->ent[i].ifid);
		mif_wr_put_u8(w, in->ent[i].state);
		mif_wr_put_u8(w, in->ent[i].nts);
		rc = mif_wr_put_u32(w, in->ent[i].seq);
	}
	return rc;
}

/* ---- error notifies ---------------------------------------------------- */

int
mif_ext_err_validate(const uint8_t *d, size_t len)
{
	struct mif_rd rd;
	uint8_t ver, op;

	if (len != MIF_EXT_ERR_LEN)
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if (mif_rd_get_u8(&rd, &ver) != 0 || mif_rd_get_u8(&rd, &op) != 0)
		return -EBADMSG;
	if (ver != MIF_EXT_VERSION ||
	    op > MIF_EXT_N_IF_PROMOTE - MIF_EXT_N_SUPPORTED)
		return -EBADMSG;
	return 0;
}

int
mif_ext_err_parse(const uint8_t *d, size_t len, struct mif_ext_err *out)
{
	struct mif_rd rd;
	uint8_t ver;
	int rc;

	if ((rc = mif_ext_err_validate(d, len)) != 0)
		return rc;
	mif_rd_init(&rd, d, len);
	if (mif_rd_get_u8(&rd, &ver) != 0 || mif_rd_get_u8(&rd, &out->op) ||
	    mif_rd_get_u16(&rd, &out->ifid) != 0)
		return -EBADMSG;
	return 0;
}

int
mif_ext_err_build(struct mif_wr *w, const struct mif_ext_err *in)
{
	if (in->op > MIF_EXT_N_IF_PROMOTE - MIF_EXT_N_SUPPORTED)
		return -EINVAL;
	if (mif_wr_room(w) < MIF_EXT_ERR_LEN)
		return -ENOSPC;
	mif_wr_put_u8(w, MIF_EXT_VERSION);
	mif_wr_put_u8(w, in->op);
	return mif_wr_put_u16(w, in->ifid);
}
