/* SPDX-License-Identifier: BSD-3-Clause */
/* Payload bodies. The SA and TS walkers take an optional output: with
 * NULL they only check (the _validate() step), with a struct they fill it,
 * and _parse() always runs the checking walk first, so nothing is stored
 * from a body that fails anywhere. */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/rd.h"
#include "control/ike_pld.h"

#define BAD(...) do {							\
	MIF_LOG(ike, DEBUG, __VA_ARGS__);				\
	return -EBADMSG;						\
} while (0)

/* RFC 7296 3.3.5: attributes are TV (AF set, 2-byte value) or TLV. */
static int
walk_attrs(struct mif_rd *rd, struct mif_ike_xform *x)
{
	uint16_t type, v;
	int rc;

	while (rd->left > 0) {
		if ((rc = mif_rd_get_u16(rd, &type)) != 0 ||
		    (rc = mif_rd_get_u16(rd, &v)) != 0)
			BAD("transform attribute header truncated (%zu left)",
			    rd->left);
		if (!(type & MIF_IKE_ATTR_AF)) {
			if (type == MIF_IKE_ATTR_KEY_LENGTH)
				BAD("key length attribute must be TV");
			if ((rc = mif_rd_skip(rd, v)) != 0)
				BAD("attribute %u length %u past transform end (%zu)",
				    type, v, rd->left);
			if (x != NULL)
				x->unknown_attr = true;
			continue;
		}
		type &= ~MIF_IKE_ATTR_AF;
		if (type != MIF_IKE_ATTR_KEY_LENGTH) {
			if (x != NULL)
				x->unknown_attr = true;
		} else if (x != NULL) {
			x->keylen = v;
		}
	}
	return 0;
}

static int
walk_xform(struct mif_rd *rd, bool last, struct mif_ike_xform *x)
{
	uint8_t more, rsv, type, rsv2;
	uint16_t len, id;
	struct mif_rd body, hdr = *rd;

	/* Header fits, declared length fits, declared >= header. */
	if (rd->left < MIF_IKE_XFORM_LEN)
		BAD("transform header truncated (%zu < %d)", rd->left,
		    MIF_IKE_XFORM_LEN);
	if (mif_rd_get_u8(&hdr, &more) || mif_rd_get_u8(&hdr, &rsv) ||
	    mif_rd_get_u16(&hdr, &len) || mif_rd_get_u8(&hdr, &type) ||
	    mif_rd_get_u8(&hdr, &rsv2) || mif_rd_get_u16(&hdr, &id))
		return -EBADMSG;
	if (mif_rd_take_declared(rd, MIF_IKE_XFORM_LEN, len, &body) != 0)
		BAD("transform length %u out of bounds (%zu left, min %d)",
		    len, rd->left, MIF_IKE_XFORM_LEN);
	if (more != (last ? 0 : MIF_IKE_XFORM_MORE))
		BAD("transform last field %u, expected %u", more,
		    last ? 0 : MIF_IKE_XFORM_MORE);
	if (x != NULL) {
		memset(x, 0, sizeof(*x));
		x->type = type;
		x->id = id;
	}
	return walk_attrs(&body, x);
}

static int
walk_prop_body(struct mif_rd *body, uint8_t spi_size, uint8_t nx,
	       struct mif_ike_prop *p)
{
	const uint8_t *spi;
	unsigned int i;
	int rc;

	if (spi_size > MIF_IKE_SPI_MAX)
		BAD("proposal SPI size %u > %d", spi_size, MIF_IKE_SPI_MAX);
	if (mif_rd_ptr(body, spi_size, &spi) != 0)
		BAD("proposal SPI (%u) past proposal end", spi_size);
	if (nx == 0 || nx > MIF_IKE_MAX_XFORMS)
		BAD("proposal with %u transforms (1..%d)", nx,
		    MIF_IKE_MAX_XFORMS);
	if (p != NULL) {
		p->spi_size = spi_size;
		p->nxforms = nx;
		memcpy(p->spi, spi, spi_size);
	}
	for (i = 0; i < nx; i++) {
		rc = walk_xform(body, i + 1 == nx, p ? &p->x[i] : NULL);
		if (rc != 0)
			return rc;
	}
	if (body->left != 0)
		BAD("%zu bytes after the last transform", body->left);
	return 0;
}

static int
walk_sa(const uint8_t *buf, size_t len, struct mif_ike_sa_props *out)
{
	uint8_t more = MIF_IKE_PROP_MORE, rsv, num, proto, spi_size, nx;
	uint8_t prev = 0;
	uint16_t plen;
	struct mif_rd rd, hdr, body;
	unsigned int n = 0;
	int rc;

	mif_rd_init(&rd, buf, len);
	while (more == MIF_IKE_PROP_MORE) {
		if (n == MIF_IKE_MAX_PROPS)
			BAD("more than %d proposals", MIF_IKE_MAX_PROPS);
		if (rd.left < MIF_IKE_PROP_LEN)
			BAD("proposal header truncated (%zu < %d)", rd.left,
			    MIF_IKE_PROP_LEN);
		hdr = rd;
		if (mif_rd_get_u8(&hdr, &more) || mif_rd_get_u8(&hdr, &rsv) ||
		    mif_rd_get_u16(&hdr, &plen) || mif_rd_get_u8(&hdr, &num) ||
		    mif_rd_get_u8(&hdr, &proto) ||
		    mif_rd_get_u8(&hdr, &spi_size) || mif_rd_get_u8(&hdr, &nx))
			return -EBADMSG;
		if (mif_rd_take_declared(&rd, MIF_IKE_PROP_LEN, plen, &body))
			BAD("proposal length %u out of bounds (%zu left, min %d)",
			    plen, rd.left, MIF_IKE_PROP_LEN);
		if (more != 0 && more != MIF_IKE_PROP_MORE)
			BAD("proposal last field %u", more);
		/* RFC 7296 3.3.1: numbering starts at 1 and each proposal
		 * repeats the previous number or adds one. */
		if (n == 0 ? num != 1 : num != prev && num != prev + 1)
			BAD("proposal number %u after %u", num, prev);
		prev = num;
		if (out != NULL) {
			out->p[n].num = num;
			out->p[n].proto = proto;
		}
		rc = walk_prop_body(&body, spi_size, nx,
				    out ? &out->p[n] : NULL);
		if (rc != 0)
			return rc;
		n++;
	}
	if (rd.left != 0)
		BAD("%zu bytes after the last proposal", rd.left);
	if (out != NULL)
		out->nprops = (uint8_t)n;
	return 0;
}

int
mif_ike_pld_sa_validate(const uint8_t *body, size_t len)
{
	return walk_sa(body, len, NULL);
}

int
mif_ike_pld_sa_parse(const uint8_t *body, size_t len,
		     struct mif_ike_sa_props *out)
{
	int rc;

	if ((rc = mif_ike_pld_sa_validate(body, len)) != 0)
		return rc;
	return walk_sa(body, len, out);
}

static int
build_xform(struct mif_wr *w, const struct mif_ike_xform *x, bool last)
{
	uint16_t len = MIF_IKE_XFORM_LEN + (x->keylen ? MIF_IKE_ATTR_LEN : 0);
	int rc;

	if ((rc = mif_wr_put_u8(w, last ? 0 : MIF_IKE_XFORM_MORE)) ||
	    (rc = mif_wr_put_u8(w, 0)) || (rc = mif_wr_put_u16(w, len)) ||
	    (rc = mif_wr_put_u8(w, x->type)) || (rc = mif_wr_put_u8(w, 0)) ||
	    (rc = mif_wr_put_u16(w, x->id)))
		return rc;
	if (x->keylen == 0)
		return 0;
	if ((rc = mif_wr_put_u16(w, MIF_IKE_ATTR_AF |
				 MIF_IKE_ATTR_KEY_LENGTH)) != 0)
		return rc;
	return mif_wr_put_u16(w, x->keylen);
}

static int
build_prop(struct mif_wr *w, const struct mif_ike_prop *p, bool last)
{
	size_t start = w->len;
	unsigned int i;
	int rc;

	if (p->nxforms == 0 || p->nxforms > MIF_IKE_MAX_XFORMS ||
	    p->spi_size > MIF_IKE_SPI_MAX)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, last ? 0 : MIF_IKE_PROP_MORE)) ||
	    (rc = mif_wr_put_u8(w, 0)) || (rc = mif_wr_put_u16(w, 0)) ||
	    (rc = mif_wr_put_u8(w, p->num)) ||
	    (rc = mif_wr_put_u8(w, p->proto)) ||
	    (rc = mif_wr_put_u8(w, p->spi_size)) ||
	    (rc = mif_wr_put_u8(w, p->nxforms)) ||
	    (rc = mif_wr_put_bytes(w, p->spi, p->spi_size)))
		return rc;
	for (i = 0; i < p->nxforms; i++)
		if ((rc = build_xform(w, &p->x[i], i + 1 == p->nxforms)) != 0)
			return rc;
	if (w->len - start > UINT16_MAX)
		return -EINVAL;
	return mif_wr_patch_u16(w, start + 2, (uint16_t)(w->len - start));
}

int
mif_ike_pld_sa_build(struct mif_wr *w, const struct mif_ike_sa_props *in)
{
	unsigned int i;
	int rc;

	if (in->nprops == 0 || in->nprops > MIF_IKE_MAX_PROPS)
		return -EINVAL;
	for (i = 0; i < in->nprops; i++)
		if ((rc = build_prop(w, &in->p[i], i + 1 == in->nprops)) != 0)
			return rc;
	return 0;
}

/* RFC 7296 3.13.1: the length is fixed by the type. */
static int
walk_ts_one(struct mif_rd *rd, struct mif_ike_ts *t)
{
	uint8_t type, proto;
	uint16_t len, sport, eport;
	struct mif_rd hdr = *rd, body;
	size_t alen;

	if (rd->left < MIF_IKE_TS_HDR_LEN)
		BAD("selector header truncated (%zu < %d)", rd->left,
		    MIF_IKE_TS_HDR_LEN);
	if (mif_rd_get_u8(&hdr, &type) || mif_rd_get_u8(&hdr, &proto) ||
	    mif_rd_get_u16(&hdr, &len) || mif_rd_get_u16(&hdr, &sport) ||
	    mif_rd_get_u16(&hdr, &eport))
		return -EBADMSG;
	if (mif_rd_take_declared(rd, MIF_IKE_TS_HDR_LEN, len, &body) != 0)
		BAD("selector length %u out of bounds (%zu left)", len,
		    rd->left);
	if (type == MIF_IKE_TS_IPV4_ADDR_RANGE)
		alen = 4;
	else if (type == MIF_IKE_TS_IPV6_ADDR_RANGE)
		alen = 16;
	else
		BAD("selector type %u not supported", type);
	if (body.left != 2 * alen)
		BAD("selector type %u length %u, expected %zu", type, len,
		    MIF_IKE_TS_HDR_LEN + 2 * alen);
	if (t == NULL)
		return 0;
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->ipproto = proto;
	t->start_port = sport;
	t->end_port = eport;
	if (mif_rd_get_bytes(&body, t->start, alen) ||
	    mif_rd_get_bytes(&body, t->end, alen))
		return -EBADMSG;
	return 0;
}

static int
walk_ts(const uint8_t *buf, size_t len, struct mif_ike_ts_set *out)
{
	struct mif_rd rd;
	uint8_t n, rsv[3];
	unsigned int i;
	int rc;

	mif_rd_init(&rd, buf, len);
	if (mif_rd_get_u8(&rd, &n) || mif_rd_get_bytes(&rd, rsv, 3))
		BAD("TS payload truncated (%zu < 4)", len);
	if (n == 0 || n > MIF_IKE_MAX_TS)
		BAD("TS payload with %u selectors (1..%d)", n, MIF_IKE_MAX_TS);
	for (i = 0; i < n; i++)
		if ((rc = walk_ts_one(&rd, out ? &out->ts[i] : NULL)) != 0)
			return rc;
	if (rd.left != 0)
		BAD("%zu bytes after the last selector", rd.left);
	if (out != NULL)
		out->n = n;
	return 0;
}

int
mif_ike_pld_ts_validate(const uint8_t *body, size_t len)
{
	return walk_ts(body, len, NULL);
}

int
mif_ike_pld_ts_parse(const uint8_t *body, size_t len,
		     struct mif_ike_ts_set *out)
{
	int rc;

	if ((rc = mif_ike_pld_ts_validate(body, len)) != 0)
		return rc;
	return walk_ts(body, len, out);
}

int
mif_ike_pld_ts_build(struct mif_wr *w, const struct mif_ike_ts_set *in)
{
	const struct mif_ike_ts *t;
	unsigned int i;
	size_t alen;
	int rc;

	if (in->n == 0 || in->n > MIF_IKE_MAX_TS)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, in->n)) || (rc = mif_wr_put_u8(w, 0)) ||
	    (rc = mif_wr_put_u16(w, 0)))
		return rc;
	for (i = 0; i < in->n; i++) {
		t = &in->ts[i];
		if (t->type == MIF_IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (t->type == MIF_IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return -EINVAL;
		if ((rc = mif_wr_put_u8(w, t->type)) ||
		    (rc = mif_wr_put_u8(w, t->ipproto)) ||
		    (rc = mif_wr_put_u16(w, (uint16_t)(8 + 2 * alen))) ||
		    (rc = mif_wr_put_u16(w, t->start_port)) ||
		    (rc = mif_wr_put_u16(w, t->end_port)) ||
		    (rc = mif_wr_put_bytes(w, t->start, alen)) ||
		    (rc = mif_wr_put_bytes(w, t->end, alen)))
			return rc;
	}
	return 0;
}

/* RFC 7296 3.5: type, 3 reserved bytes, then a non-empty identity whose
 * length is fixed for address types. */
int
mif_ike_pld_id_validate(const uint8_t *body, size_t len)
{
	struct mif_rd rd;
	uint8_t type;

	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &type) || mif_rd_skip(&rd, 3) || rd.left == 0)
		BAD("ID payload too short (%zu < 5)", len);
	if (type == MIF_IKE_ID_IPV4_ADDR && rd.left != 4)
		BAD("ID_IPV4_ADDR of %zu bytes", rd.left);
	if (type == MIF_IKE_ID_IPV6_ADDR && rd.left != 16)
		BAD("ID_IPV6_ADDR of %zu bytes", rd.left);
	return 0;
}

int
mif_ike_pld_id_parse(const uint8_t *body, size_t len, struct mif_ike_id *out)
{
	struct mif_rd rd;
	int rc;

	if ((rc = mif_ike_pld_id_validate(body, len)) != 0)
		return rc;
	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &out->type) || mif_rd_skip(&rd, 3))
		return -EBADMSG;
	out->len = rd.left;
	return mif_rd_ptr(&rd, rd.left, &out->data);
}

int
mif_ike_pld_id_build(struct mif_wr *w, const struct mif_ike_id *in)
{
	int rc;

	if (in->len == 0)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, in->type)) || (rc = mif_wr_put_u8(w, 0)) ||
	    (rc = mif_wr_put_u16(w, 0)))
		return rc;
	return mif_wr_put_bytes(w, in->data, in->len);
}

/* RFC 7296 3.10: the SPI size is 0, or that of an IKE (8) or ESP/AH (4)
 * SPI; anything else cannot be matched to an SA. */
int
mif_ike_pld_notify_validate(const uint8_t *body, size_t len)
{
	struct mif_rd rd;
	uint8_t proto, spi_size;
	uint16_t type;

	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &proto) || mif_rd_get_u8(&rd, &spi_size) ||
	    mif_rd_get_u16(&rd, &type))
		BAD("notify too short (%zu < 4)", len);
	if (spi_size != 0 && spi_size != 4 && spi_size != 8)
		BAD("notify %u SPI size %u", type, spi_size);
	if (spi_size > rd.left)
		BAD("notify %u SPI (%u) past payload end (%zu)", type,
		    spi_size, rd.left);
	return 0;
}

int
mif_ike_pld_notify_parse(const uint8_t *body, size_t len,
			 struct mif_ike_notify *out)
{
	struct mif_rd rd;
	int rc;

	if ((rc = mif_ike_pld_notify_validate(body, len)) != 0)
		return rc;
	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &out->proto) ||
	    mif_rd_get_u8(&rd, &out->spi_size) ||
	    mif_rd_get_u16(&rd, &out->type) ||
	    mif_rd_ptr(&rd, out->spi_size, &out->spi))
		return -EBADMSG;
	out->data_len = rd.left;
	return mif_rd_ptr(&rd, rd.left, &out->data);
}

int
mif_ike_pld_notify_build(struct mif_wr *w, const struct mif_ike_notify *in)
{
	int rc;

	if (in->spi_size != 0 && in->spi_size != 4 && in->spi_size != 8)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, in->proto)) ||
	    (rc = mif_wr_put_u8(w, in->spi_size)) ||
	    (rc = mif_wr_put_u16(w, in->type)) ||
	    (rc = mif_wr_put_bytes(w, in->spi, in->spi_size)))
		return rc;
	return mif_wr_put_bytes(w, in->data, in->data_len);
}

/* RFC 7296 3.11: an IKE SA delete carries no SPI; ESP/AH ones carry
 * 4-byte SPIs, and the count must fill the payload exactly. */
int
mif_ike_pld_delete_validate(const uint8_t *body, size_t len)
{
	uint8_t proto, spi_size;
	uint16_t n;
	struct mif_rd rd;

	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &proto) || mif_rd_get_u8(&rd, &spi_size) ||
	    mif_rd_get_u16(&rd, &n))
		BAD("delete too short (%zu < 4)", len);
	if (proto == MIF_IKE_PROTO_IKE) {
		if (spi_size != 0 || n != 0 || rd.left != 0)
			BAD("IKE delete with SPI size %u, %u SPIs, %zu bytes",
			    spi_size, n, rd.left);
		return 0;
	}
	if (proto != MIF_IKE_PROTO_ESP && proto != MIF_IKE_PROTO_AH)
		BAD("delete for protocol %u", proto);
	if (spi_size != 4)
		BAD("delete SPI size %u for protocol %u", spi_size, proto);
	if (n == 0 || rd.left != (size_t)n * 4)
		BAD("delete of %u SPIs in %zu bytes", n, rd.left);
	return 0;
}

int
mif_ike_pld_delete_parse(const uint8_t *body, size_t len,
			 struct mif_ike_delete *out)
{
	struct mif_rd rd;
	int rc;

	if ((rc = mif_ike_pld_delete_validate(body, len)) != 0)
		return rc;
	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &out->proto) ||
	    mif_rd_get_u8(&rd, &out->spi_size) ||
	    mif_rd_get_u16(&rd, &out->nspi))
		return -EBADMSG;
	return mif_rd_ptr(&rd, rd.left, &out->spis);
}

uint32_t
mif_ike_pld_delete_spi(const struct mif_ike_delete *d, uint16_t i)
{
	struct mif_rd rd;
	uint32_t spi;

	if (d->spi_size != 4 || i >= d->nspi)
		return 0;
	mif_rd_init(&rd, d->spis + (size_t)i * 4, 4);
	if (mif_rd_get_u32(&rd, &spi) != 0)
		return 0;
	return spi;
}

int
mif_ike_pld_delete_build(struct mif_wr *w, uint8_t proto,
			 const uint32_t *spis, uint16_t nspi)
{
	bool ike = proto == MIF_IKE_PROTO_IKE;
	unsigned int i;
	int rc;

	if (ike ? nspi != 0 : nspi == 0)
		return -EINVAL;
	if ((rc = mif_wr_put_u8(w, proto)) ||
	    (rc = mif_wr_put_u8(w, ike ? 0 : 4)) ||
	    (rc = mif_wr_put_u16(w, nspi)))
		return rc;
	for (i = 0; i < nspi; i++)
		if ((rc = mif_wr_put_u32(w, spis[i])) != 0)
			return rc;
	return 0;
}

/* RFC 7296 3.4: group, 2 reserved bytes, a non-empty public value. Its
 * length per group is checked by the DH code, which knows the groups. */
int
mif_ike_pld_ke_validate(const uint8_t *body, size_t len)
{
	(void)body;
	if (len < 5)
		BAD("KE payload too short (%zu < 5)", len);
	return 0;
}

int
mif_ike_pld_ke_parse(const uint8_t *body, size_t len, struct mif_ike_ke *out)
{
	struct mif_rd rd;
	int rc;

	if ((rc = mif_ike_pld_ke_validate(body, len)) != 0)
		return rc;
	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u16(&rd, &out->group) || mif_rd_skip(&rd, 2))
		return -EBADMSG;
	out->len = rd.left;
	return mif_rd_ptr(&rd, rd.left, &out->data);
}

int
mif_ike_pld_ke_build(struct mif_wr *w, const struct mif_ike_ke *in)
{
	int rc;

	if (in->len == 0)
		return -EINVAL;
	if ((rc = mif_wr_put_u16(w, in->group)) || (rc = mif_wr_put_u16(w, 0)))
		return rc;
	return mif_wr_put_bytes(w, in->data, in->len);
}

int
mif_ike_pld_nonce_validate(const uint8_t *body, size_t len)
{
	(void)body;
	if (len < MIF_IKE_NONCE_MIN || len > MIF_IKE_NONCE_MAX)
		BAD("nonce of %zu bytes (%d..%d)", len, MIF_IKE_NONCE_MIN,
		    MIF_IKE_NONCE_MAX);
	return 0;
}

int
mif_ike_pld_auth_validate(const uint8_t *body, size_t len)
{
	(void)body;
	if (len < 5)
		BAD("AUTH payload too short (%zu < 5)", len);
	return 0;
}

int
mif_ike_pld_cert_validate(const uint8_t *body, size_t len)
{
	(void)body;
	if (len < 1)
		BAD("CERT/CERTREQ payload without encoding");
	return 0;
}

/* RFC 7383 2.5: fragments are numbered from 1 up to the total. */
int
mif_ike_pld_skf_validate(const uint8_t *body, size_t len)
{
	struct mif_rd rd;
	uint16_t num, total;

	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u16(&rd, &num) || mif_rd_get_u16(&rd, &total))
		BAD("SKF payload too short (%zu < 4)", len);
	if (num == 0 || total == 0 || num > total)
		BAD("SKF fragment %u of %u", num, total);
	return 0;
}

int
mif_ike_pld_cp_validate(const uint8_t *body, size_t len)
{
	(void)body;
	if (len < 4)
		BAD("CP payload too short (%zu < 4)", len);
	return 0;
}

/* RFC 3748 4: code, identifier and a length that covers the packet. */
int
mif_ike_pld_eap_validate(const uint8_t *body, size_t len)
{
	struct mif_rd rd;
	uint8_t code, id;
	uint16_t elen;

	mif_rd_init(&rd, body, len);
	if (mif_rd_get_u8(&rd, &code) || mif_rd_get_u8(&rd, &id) ||
	    mif_rd_get_u16(&rd, &elen))
		BAD("EAP payload too short (%zu < 4)", len);
	if (elen != len)
		BAD("EAP length %u in a %zu byte payload", elen, len);
	return 0;
}

/* Transform types 1..5 are the ones RFC 7296 defines. */
#define XFORM_TYPES	(MIF_IKE_XFORM_ESN + 1)

static bool
xform_eq(const struct mif_ike_xform *a, const struct mif_ike_xform *b)
{
	return a->type == b->type && a->id == b->id &&
		a->keylen == b->keylen && !a->unknown_attr &&
		!b->unknown_attr;
}

static bool
prop_has_type(const struct mif_ike_prop *p, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < p->nxforms; i++)
		if (p->x[i].type == type)
			return true;
	return false;
}

static bool
prop_has(const struct mif_ike_prop *p, const struct mif_ike_xform *x)
{
	unsigned int i;

	for (i = 0; i < p->nxforms; i++)
		if (xform_eq(&p->x[i], x))
			return true;
	return false;
}

/* Our first transform of @type that @offer also has; absent from both is
 * fine, and so is an offer without a type we allow as "none" (ID 0). */
static int
pick_type(const struct mif_ike_prop *offer, const struct mif_ike_prop *our,
	  uint8_t type, struct mif_ike_prop *chosen)
{
	bool in_offer = prop_has_type(offer, type);
	unsigned int i;

	if (!in_offer && !prop_has_type(our, type))
		return 0;
	for (i = 0; i < our->nxforms; i++) {
		if (our->x[i].type != type)
			continue;
		if (!in_offer && our->x[i].id == 0)
			return 0;
		if (in_offer && prop_has(offer, &our->x[i])) {
			chosen->x[chosen->nxforms++] = our->x[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int
match_prop(const struct mif_ike_prop *offer, const struct mif_ike_prop *our,
	   struct mif_ike_prop *chosen)
{
	uint8_t t;
	unsigned int i;

	if (offer->proto != our->proto)
		return -ENOENT;
	for (i = 0; i < offer->nxforms; i++)
		if (offer->x[i].type == 0 || offer->x[i].type >= XFORM_TYPES)
			return -ENOENT;
	memset(chosen, 0, sizeof(*chosen));
	chosen->num = offer->num;
	chosen->proto = offer->proto;
	chosen->spi_size = offer->spi_size;
	memcpy(chosen->spi, offer->spi, offer->spi_size);
	for (t = 1; t < XFORM_TYPES; t++)
		if (pick_type(offer, our, t, chosen) != 0)
			return -ENOENT;
	return chosen->nxforms > 0 ? 0 : -ENOENT;
}

int
mif_ike_sa_select(const struct mif_ike_sa_props *offer,
		  const struct mif_ike_sa_props *ours,
		  struct mif_ike_prop *chosen)
{
	unsigned int i, j;

	for (i = 0; i < ours->nprops; i++)
		for (j = 0; j < offer->nprops; j++)
			if (match_prop(&offer->p[j], &ours->p[i], chosen) == 0)
				return 0;
	return -ENOENT;
}

int
mif_ike_sa_check_reply(const struct mif_ike_sa_props *offered,
		       const struct mif_ike_sa_props *reply)
{
	const struct mif_ike_prop *r = &reply->p[0], *o = NULL;
	bool seen[XFORM_TYPES] = { false };
	unsigned int i;
	uint8_t t;

	if (reply->nprops != 1)
		BAD("reply SA with %u proposals", reply->nprops);
	for (i = 0; i < offered->nprops && o == NULL; i++)
		if (offered->p[i].num == r->num &&
		    offered->p[i].proto == r->proto)
			o = &offered->p[i];
	if (o == NULL)
		BAD("reply proposal #%u was not offered", r->num);
	for (i = 0; i < r->nxforms; i++) {
		t = r->x[i].type;
		if (t == 0 || t >= XFORM_TYPES || seen[t])
			BAD("reply transform type %u unknown or repeated", t);
		if (!prop_has(o, &r->x[i]))
			BAD("reply transform %u/%u was not offered", t,
			    r->x[i].id);
		seen[t] = true;
	}
	/* Every type we offered must be answered, unless we offered its
	 * "none" (ID 0) choice, which a responder may leave out. */
	for (t = 1; t < XFORM_TYPES; t++) {
		if (seen[t] || !prop_has_type(o, t))
			continue;
		if (!prop_has(o, &(struct mif_ike_xform){ .type = t }))
			BAD("reply lacks transform type %u", t);
	}
	return 0;
}
