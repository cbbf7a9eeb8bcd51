/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole-message parsing (header, payload chain) and generation. */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/rd.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"

static const char *const perr_names[MIF_IKE_PERR_MAX] = {
	[MIF_IKE_PERR_OK] = "ok",
	[MIF_IKE_PERR_SHORT] = "short",
	[MIF_IKE_PERR_VERSION] = "bad_version",
	[MIF_IKE_PERR_LENGTH] = "bad_length",
	[MIF_IKE_PERR_PLD_LENGTH] = "bad_pld_length",
	[MIF_IKE_PERR_CHAIN] = "bad_chain",
	[MIF_IKE_PERR_TOO_MANY] = "too_many_pld",
	[MIF_IKE_PERR_DUPLICATE] = "duplicate_pld",
	[MIF_IKE_PERR_BAD_PLD] = "bad_pld",
	[MIF_IKE_PERR_SK_NOT_LAST] = "sk_not_last",
	[MIF_IKE_PERR_CRITICAL] = "unsupported_critical",
};

const char *
mif_ike_perr_name(enum mif_ike_perr e)
{
	if ((unsigned int)e >= MIF_IKE_PERR_MAX)
		return "?";
	return perr_names[e];
}

/* How many of a known payload type one message may hold; 0 unknown. */
static unsigned int
pld_limit(uint8_t type)
{
	switch (type) {
	case MIF_IKE_PLD_SA: case MIF_IKE_PLD_KE: case MIF_IKE_PLD_IDI:
	case MIF_IKE_PLD_IDR: case MIF_IKE_PLD_AUTH: case MIF_IKE_PLD_NONCE:
	case MIF_IKE_PLD_TSI: case MIF_IKE_PLD_TSR: case MIF_IKE_PLD_SK:
	case MIF_IKE_PLD_CP: case MIF_IKE_PLD_EAP: case MIF_IKE_PLD_SKF:
		return 1;
	case MIF_IKE_PLD_NOTIFY:
		return MIF_IKE_MSG_MAX_NOTIFY;
	case MIF_IKE_PLD_VENDOR:
		return MIF_IKE_MSG_MAX_VENDOR;
	case MIF_IKE_PLD_CERT:
		return MIF_IKE_MSG_MAX_CERT;
	case MIF_IKE_PLD_CERTREQ:
		return MIF_IKE_MSG_MAX_CERTREQ;
	case MIF_IKE_PLD_DELETE:
		return MIF_IKE_MSG_MAX_DELETE;
	default:
		return 0;
	}
}

/* The _validate step of each known payload; SK content is checked by
 * the crypto code (IV, ICV, padding) once the keys are known. */
static int
validate_pld(uint8_t type, const uint8_t *body, size_t len)
{
	switch (type) {
	case MIF_IKE_PLD_SA:
		return mif_ike_pld_sa_validate(body, len);
	case MIF_IKE_PLD_KE:
		return mif_ike_pld_ke_validate(body, len);
	case MIF_IKE_PLD_IDI: case MIF_IKE_PLD_IDR:
		return mif_ike_pld_id_validate(body, len);
	case MIF_IKE_PLD_CERT: case MIF_IKE_PLD_CERTREQ:
		return mif_ike_pld_cert_validate(body, len);
	case MIF_IKE_PLD_AUTH:
		return mif_ike_pld_auth_validate(body, len);
	case MIF_IKE_PLD_NONCE:
		return mif_ike_pld_nonce_validate(body, len);
	case MIF_IKE_PLD_NOTIFY:
		return mif_ike_pld_notify_validate(body, len);
	case MIF_IKE_PLD_DELETE:
		return mif_ike_pld_delete_validate(body, len);
	case MIF_IKE_PLD_TSI: case MIF_IKE_PLD_TSR:
		return mif_ike_pld_ts_validate(body, len);
	case MIF_IKE_PLD_SKF:
		return mif_ike_pld_skf_validate(body, len);
	case MIF_IKE_PLD_CP:
		return mif_ike_pld_cp_validate(body, len);
	case MIF_IKE_PLD_EAP:
		return mif_ike_pld_eap_validate(body, len);
	default:
		return 0;
	}
}

static unsigned int
count_type(const struct mif_ike_msg *m, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->npld; i++)
		n += m->pld[i].type == type;
	return n;
}

static int
fail(struct mif_ike_msg *m, enum mif_ike_perr e, struct mif_ike_msg_stats *st)
{
	m->perr = e;
	if (st != NULL)
		st->err[e]++;
	if (e == MIF_IKE_PERR_VERSION) {
		m->err_notify = MIF_IKE_N_INVALID_MAJOR_VERSION;
		return -EPROTONOSUPPORT;
	}
	if (e == MIF_IKE_PERR_CRITICAL) {
		m->err_notify = MIF_IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
		return -EPROTO;
	}
	m->err_notify = MIF_IKE_N_INVALID_SYNTAX;
	return -EBADMSG;
}

/* Record one known payload once it has passed validation and the
 * per-type bound. */
static enum mif_ike_perr
add_known(struct mif_ike_msg *m, uint8_t type, uint8_t flags,
	  const struct mif_rd *body, size_t off, bool inner)
{
	struct mif_ike_pld *p;
	unsigned int n = count_type(m, type), lim = pld_limit(type);

	if (n >= lim) {
		MIF_LOG(ike, DEBUG, "msgid %u: payload %u #%u over limit %u",
			m->hdr.msgid, type, n + 1, lim);
		return lim == 1 ? MIF_IKE_PERR_DUPLICATE :
			MIF_IKE_PERR_TOO_MANY;
	}
	if (validate_pld(type, body->p, body->left) != 0) {
		MIF_LOG(ike, DEBUG, "msgid %u: payload %u at %zu invalid",
			m->hdr.msgid, type, off);
		return MIF_IKE_PERR_BAD_PLD;
	}
	p = &m->pld[m->npld++];
	p->body = body->p;
	p->len = (uint16_t)body->left;
	p->off = (uint16_t)off;
	p->type = type;
	p->flags = flags;
	p->inner = inner;
	return MIF_IKE_PERR_OK;
}

/* Walk a payload chain starting with type @np over @len bytes at @base.
 * The cursor only moves forward and every payload, skipped or not,
 * counts towards MIF_IKE_MSG_MAX_PLD, so a chain cannot loop or grow
 * without bound. */
static enum mif_ike_perr
walk_chain(struct mif_ike_msg *m, const uint8_t *base, size_t len,
	   size_t base_off, uint8_t np, bool inner)
{
	struct mif_rd rd, hdr, body;
	uint8_t next, flags;
	uint16_t plen;
	size_t off;
	enum mif_ike_perr e;

	mif_rd_init(&rd, base, len);
	while (np != MIF_IKE_PLD_NONE) {
		if (m->npld + m->nskipped >= MIF_IKE_MSG_MAX_PLD)
			return MIF_IKE_PERR_TOO_MANY;
		off = base_off + (len - rd.left);
		hdr = rd;
		if (mif_rd_get_u8(&hdr, &next) || mif_rd_get_u8(&hdr, &flags) ||
		    mif_rd_get_u16(&hdr, &plen)) {
			MIF_LOG(ike, DEBUG, "msgid %u: payload %u header past end (%zu left)",
				m->hdr.msgid, np, rd.left);
			return MIF_IKE_PERR_CHAIN;
		}
		if (mif_rd_take_declared(&rd, MIF_IKE_GEN_LEN, plen, &body)) {
			MIF_LOG(ike, DEBUG, "msgid %u: payload %u bad length %u (%zu left)",
				m->hdr.msgid, np, plen, rd.left);
			return MIF_IKE_PERR_PLD_LENGTH;
		}
		if (pld_limit(np) == 0) {
			/* RFC 7296 2.5: skip unknown payloads unless the
			 * sender marked them critical. */
			if (flags & MIF_IKE_PLD_CRITICAL) {
				m->err_data = np;
				return MIF_IKE_PERR_CRITICAL;
			}
			m->nskipped++;
			np = next;
			continue;
		}
		if ((e = add_known(m, np, flags, &body, off, inner)) != 0)
			return e;
		if (np == MIF_IKE_PLD_SK || np == MIF_IKE_PLD_SKF) {
			/* RFC 7296 3.14: SK is last; its next-payload names
			 * the first payload inside. */
			if (inner)
				return MIF_IKE_PERR_BAD_PLD;
			if (rd.left != 0)
				return MIF_IKE_PERR_SK_NOT_LAST;
			m->sk = (int)m->npld - 1;
			m->sk_inner_np = next;
			return MIF_IKE_PERR_OK;
		}
		np = next;
	}
	if (rd.left != 0) {
		MIF_LOG(ike, DEBUG, "msgid %u: %zu bytes after the last payload",
			m->hdr.msgid, rd.left);
		return MIF_IKE_PERR_CHAIN;
	}
	return MIF_IKE_PERR_OK;
}

static enum mif_ike_perr
parse_hdr(struct mif_ike_msg *m, const uint8_t *buf, size_t len)
{
	struct mif_ike_hdr *h = &m->hdr;
	struct mif_rd rd;

	mif_rd_init(&rd, buf, len);
	if (mif_rd_get_u64(&rd, &h->ispi) || mif_rd_get_u64(&rd, &h->rspi) ||
	    mif_rd_get_u8(&rd, &h->next_payload) ||
	    mif_rd_get_u8(&rd, &h->version) ||
	    mif_rd_get_u8(&rd, &h->exchange) ||
	    mif_rd_get_u8(&rd, &h->flags) || mif_rd_get_u32(&rd, &h->msgid) ||
	    mif_rd_get_u32(&rd, &h->length)) {
		MIF_LOG(ike, DEBUG, "message of %zu bytes shorter than the IKE header",
			len);
		return MIF_IKE_PERR_SHORT;
	}
	if (MIF_IKE_MAJOR(h->version) != MIF_IKE_MAJOR(MIF_IKE_VERSION)) {
		MIF_LOG(ike, DEBUG, "spi 0x%016lx: major version %u",
			(unsigned long)h->ispi, MIF_IKE_MAJOR(h->version));
		return MIF_IKE_PERR_VERSION;
	}
	/* Declared length within the datagram, at least the header, then
	 * exactly the datagram: UDP carries one message and nothing else. */
	if (h->length > len || h->length < MIF_IKE_HDR_LEN ||
	    h->length != len || len > MIF_IKE_MSG_MAX_LEN) {
		MIF_LOG(ike, DEBUG, "spi 0x%016lx: length %u in a %zu byte datagram",
			(unsigned long)h->ispi, h->length, len);
		return MIF_IKE_PERR_LENGTH;
	}
	return MIF_IKE_PERR_OK;
}

int
mif_ike_msg_parse(struct mif_ike_msg *m, const uint8_t *buf, size_t len,
		  struct mif_ike_msg_stats *st)
{
	enum mif_ike_perr e;

	memset(m, 0, sizeof(*m));
	m->sk = -1;
	m->raw = buf;
	m->raw_len = len;
	if ((e = parse_hdr(m, buf, len)) != MIF_IKE_PERR_OK)
		return fail(m, e, st);
	e = walk_chain(m, buf + MIF_IKE_HDR_LEN, len - MIF_IKE_HDR_LEN,
		       MIF_IKE_HDR_LEN, m->hdr.next_payload, false);
	if (e != MIF_IKE_PERR_OK)
		return fail(m, e, st);
	if (st != NULL) {
		st->parsed++;
		st->skipped_unknown += m->nskipped;
	}
	return 0;
}

int
mif_ike_msg_parse_inner(struct mif_ike_msg *m, const uint8_t *plain,
			size_t len, struct mif_ike_msg_stats *st)
{
	unsigned int skipped = m->nskipped, npld = m->npld;
	enum mif_ike_perr e;

	if (m->sk < 0 || len > MIF_IKE_MSG_MAX_LEN)
		return fail(m, MIF_IKE_PERR_BAD_PLD, st);
	e = walk_chain(m, plain, len, 0, m->sk_inner_np, true);
	if (e != MIF_IKE_PERR_OK) {
		/* Nothing of a failed walk stays visible. */
		m->npld = npld;
		m->nskipped = skipped;
		return fail(m, e, st);
	}
	if (st != NULL)
		st->skipped_unknown += m->nskipped - skipped;
	return 0;
}

const struct mif_ike_pld *
mif_ike_msg_find(const struct mif_ike_msg *m, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < m->npld; i++)
		if (m->pld[i].type == type)
			return &m->pld[i];
	return NULL;
}

const struct mif_ike_pld *
mif_ike_msg_next(const struct mif_ike_msg *m, const struct mif_ike_pld *prev)
{
	unsigned int i;

	if (prev < m->pld || prev >= m->pld + m->npld)
		return NULL;
	for (i = (unsigned int)(prev - m->pld) + 1; i < m->npld; i++)
		if (m->pld[i].type == prev->type)
			return &m->pld[i];
	return NULL;
}

const struct mif_ike_pld *
mif_ike_msg_find_notify(const struct mif_ike_msg *m, uint16_t ntype)
{
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;

	for (p = mif_ike_msg_find(m, MIF_IKE_PLD_NOTIFY); p != NULL;
	     p = mif_ike_msg_next(m, p))
		if (mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
		    n.type == ntype)
			return p;
	return NULL;
}

static int
gen_fail(struct mif_ike_gen *g, int rc)
{
	if (g->err == 0)
		g->err = rc;
	return rc;
}

int
mif_ike_gen_init(struct mif_ike_gen *g, void *buf, size_t cap,
		 const struct mif_ike_hdr *h)
{
	struct mif_wr *w = &g->wr;
	int rc;

	if (cap > MIF_IKE_MSG_MAX_LEN)
		cap = MIF_IKE_MSG_MAX_LEN;
	mif_wr_init(w, buf, cap);
	g->np_off = 16;
	g->open_off = SIZE_MAX;
	g->sk_off = SIZE_MAX;
	g->err = 0;
	if ((rc = mif_wr_put_u64(w, h->ispi)) ||
	    (rc = mif_wr_put_u64(w, h->rspi)) ||
	    (rc = mif_wr_put_u8(w, MIF_IKE_PLD_NONE)) ||
	    (rc = mif_wr_put_u8(w, h->version ? h->version :
				MIF_IKE_VERSION)) ||
	    (rc = mif_wr_put_u8(w, h->exchange)) ||
	    (rc = mif_wr_put_u8(w, h->flags)) ||
	    (rc = mif_wr_put_u32(w, h->msgid)) ||
	    (rc = mif_wr_put_u32(w, 0)))
		return gen_fail(g, rc);
	return 0;
}

int
mif_ike_gen_begin(struct mif_ike_gen *g, uint8_t type, bool critical)
{
	struct mif_wr *w = &g->wr;
	size_t off = w->len;
	int rc;

	if (g->err != 0)
		return g->err;
	if (g->open_off != SIZE_MAX || type == MIF_IKE_PLD_NONE)
		return gen_fail(g, -EINVAL);
	if ((rc = mif_wr_put_u8(w, MIF_IKE_PLD_NONE)) ||
	    (rc = mif_wr_put_u8(w, critical ? MIF_IKE_PLD_CRITICAL : 0)) ||
	    (rc = mif_wr_put_u16(w, 0)))
		return gen_fail(g, rc);
	if ((rc = mif_wr_patch_u8(w, g->np_off, type)) != 0)
		return gen_fail(g, rc);
	g->np_off = off;
	g->open_off = off;
	return 0;
}

int
mif_ike_gen_end(struct mif_ike_gen *g)
{
	size_t plen;
	int rc;

	if (g->err != 0)
		return g->err;
	if (g->open_off == SIZE_MAX)
		return gen_fail(g, -EINVAL);
	plen = g->wr.len - g->open_off;
	if (plen > UINT16_MAX)
		return gen_fail(g, -EMSGSIZE);
	if ((rc = mif_wr_patch_u16(&g->wr, g->open_off + 2,
				   (uint16_t)plen)) != 0)
		return gen_fail(g, rc);
	g->open_off = SIZE_MAX;
	return 0;
}

int
mif_ike_gen_add(struct mif_ike_gen *g, uint8_t type, const void *body,
		size_t len)
{
	int rc;

	if ((rc = mif_ike_gen_begin(g, type, false)) != 0)
		return rc;
	if ((rc = mif_wr_put_bytes(&g->wr, body, len)) != 0)
		return gen_fail(g, rc);
	return mif_ike_gen_end(g);
}

int
mif_ike_gen_sk_begin(struct mif_ike_gen *g, size_t iv_len)
{
	uint8_t *iv;
	int rc;

	if (g->sk_off != SIZE_MAX)
		return gen_fail(g, -EINVAL);
	if ((rc = mif_ike_gen_begin(g, MIF_IKE_PLD_SK, false)) != 0)
		return rc;
	/* The SK header stays open: its length is patched when sealed,
	 * and its next-payload field gets the first inner payload. */
	g->sk_off = g->open_off;
	g->open_off = SIZE_MAX;
	if ((rc = mif_wr_reserve(&g->wr, iv_len, &iv)) != 0)
		return gen_fail(g, rc);
	return 0;
}

int
mif_ike_gen_skf_begin(struct mif_ike_gen *g, uint8_t inner_np, uint16_t num,
		      uint16_t total, size_t iv_len)
{
	uint8_t *iv;
	int rc;

	if (g->sk_off != SIZE_MAX || num == 0 || num > total)
		return gen_fail(g, -EINVAL);
	if ((rc = mif_ike_gen_begin(g, MIF_IKE_PLD_SKF, false)) != 0)
		return rc;
	g->sk_off = g->open_off;
	g->open_off = SIZE_MAX;
	/* RFC 7383 2.5: only the first fragment names the inner payload. */
	if ((rc = mif_wr_patch_u8(&g->wr, g->sk_off,
				  num == 1 ? inner_np : 0)) ||
	    (rc = mif_wr_put_u16(&g->wr, num)) ||
	    (rc = mif_wr_put_u16(&g->wr, total)) ||
	    (rc = mif_wr_reserve(&g->wr, iv_len, &iv)))
		return gen_fail(g, rc);
	return 0;
}

int
mif_ike_gen_finish(struct mif_ike_gen *g, size_t *len)
{
	int rc;

	if (g->err != 0)
		return g->err;
	if (g->open_off != SIZE_MAX)
		return gen_fail(g, -EINVAL);
	if ((rc = mif_wr_patch_u32(&g->wr, 24, (uint32_t)g->wr.len)) != 0)
		return gen_fail(g, rc);
	*len = g->wr.len;
	return 0;
}
