/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 4555 notify data and the peer's address list. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/rd.h"
#include "control/ike_wire.h"
#include "control/mif_ext.h"
#include "control/mobike.h"

bool
mif_mobike_is_type(uint16_t type)
{
	return (type >= MIF_IKE_N_MOBIKE_SUPPORTED &&
		type <= MIF_IKE_N_NO_NATS_ALLOWED) ||
		type == MIF_IKE_N_UNACCEPTABLE_ADDRESSES ||
		type == MIF_IKE_N_UNEXPECTED_NAT_DETECTED;
}

static int
addr_read(struct mif_rd *rd, int family, struct mif_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	if (family == AF_INET)
		return mif_rd_get_bytes(rd, &a->v4, 4);
	return mif_rd_get_bytes(rd, a->v6, 16);
}

int
mif_mobike_addr_parse(uint16_t type, const uint8_t *d, size_t len,
		      struct mif_addr *out)
{
	struct mif_addr a;
	struct mif_rd rd;
	int fam;

	if (type == MIF_IKE_N_ADDITIONAL_IP4_ADDRESS && len == 4)
		fam = AF_INET;
	else if (type == MIF_IKE_N_ADDITIONAL_IP6_ADDRESS && len == 16)
		fam = AF_INET6;
	else
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if (addr_read(&rd, fam, &a) != 0)
		return -EBADMSG;
	if (!mif_ext_addr_usable(&a))
		return -EADDRNOTAVAIL;
	*out = a;
	return 0;
}

int
mif_mobike_addr_build(struct mif_wr *w, const struct mif_addr *a,
		      uint16_t *type)
{
	int rc;

	if (!mif_ext_addr_usable(a))
		return -EINVAL;
	if (a->family == AF_INET) {
		if ((rc = mif_wr_put_bytes(w, &a->v4, 4)) != 0)
			return rc;
		*type = MIF_IKE_N_ADDITIONAL_IP4_ADDRESS;
	} else {
		if ((rc = mif_wr_put_bytes(w, a->v6, 16)) != 0)
			return rc;
		*type = MIF_IKE_N_ADDITIONAL_IP6_ADDRESS;
	}
	return 0;
}

int
mif_mobike_cookie2_parse(const uint8_t *d, size_t len,
			 struct mif_mobike_cookie2 *out)
{
	struct mif_rd rd;

	if (len < MIF_MOBIKE_COOKIE2_MIN || len > MIF_MOBIKE_COOKIE2_MAX)
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if (mif_rd_get_bytes(&rd, out->v, len) != 0)
		return -EBADMSG;
	out->len = (uint8_t)len;
	return 0;
}

int
mif_mobike_cookie2_build(struct mif_wr *w, const struct mif_mobike_cookie2 *c)
{
	if (c->len < MIF_MOBIKE_COOKIE2_MIN || c->len > MIF_MOBIKE_COOKIE2_MAX)
		return -EINVAL;
	return mif_wr_put_bytes(w, c->v, c->len);
}

int
mif_mobike_cookie2_new(struct mif_mobike_cookie2 *c, uint8_t len)
{
	if (len < MIF_MOBIKE_COOKIE2_MIN || len > MIF_MOBIKE_COOKIE2_MAX)
		return -EINVAL;
	if (RAND_bytes(c->v, len) != 1)
		return -EIO;
	c->len = len;
	return 0;
}

bool
mif_mobike_cookie2_eq(const struct mif_mobike_cookie2 *a,
		      const struct mif_mobike_cookie2 *b)
{
	/* The length is not secret; the value is compared in constant
	 * time so a forger learns nothing from the timing. */
	return a->len == b->len && a->len >= MIF_MOBIKE_COOKIE2_MIN &&
		CRYPTO_memcmp(a->v, b->v, a->len) == 0;
}

int
mif_mobike_nonats_parse(const uint8_t *d, size_t len,
			struct mif_mobike_nonats *out)
{
	struct mif_mobike_nonats n;
	struct mif_rd rd;
	int fam;

	if (len == MIF_MOBIKE_NONATS4_LEN)
		fam = AF_INET;
	else if (len == MIF_MOBIKE_NONATS6_LEN)
		fam = AF_INET6;
	else
		return -EBADMSG;
	mif_rd_init(&rd, d, len);
	if (addr_read(&rd, fam, &n.src) != 0 ||
	    addr_read(&rd, fam, &n.dst) != 0 ||
	    mif_rd_get_u16(&rd, &n.sport) != 0 ||
	    mif_rd_get_u16(&rd, &n.dport) != 0 || rd.left != 0)
		return -EBADMSG;
	*out = n;
	return 0;
}

int
mif_mobike_nonats_build(struct mif_wr *w, const struct mif_mobike_nonats *n)
{
	size_t need, start = w->len;
	int rc;

	if (n->src.family != n->dst.family ||
	    (n->src.family != AF_INET && n->src.family != AF_INET6))
		return -EINVAL;
	need = n->src.family == AF_INET ? MIF_MOBIKE_NONATS4_LEN :
		MIF_MOBIKE_NONATS6_LEN;
	if (mif_wr_room(w) < need)
		return -ENOSPC;
	if (n->src.family == AF_INET) {
		mif_wr_put_bytes(w, &n->src.v4, 4);
		mif_wr_put_bytes(w, &n->dst.v4, 4);
	} else {
		mif_wr_put_bytes(w, n->src.v6, 16);
		mif_wr_put_bytes(w, n->dst.v6, 16);
	}
	mif_wr_put_u16(w, n->sport);
	rc = mif_wr_put_u16(w, n->dport);
	if (rc != 0)
		w->len = start;
	return rc;
}

bool
mif_mobike_nonats_match(const struct mif_mobike_nonats *n,
			const struct mif_mobike_nonats *pkt)
{
	return mif_addr_eq(&n->src, &pkt->src) &&
		mif_addr_eq(&n->dst, &pkt->dst) &&
		n->sport == pkt->sport && n->dport == pkt->dport;
}

int
mif_mobike_validate(uint16_t type, const uint8_t *d, size_t len)
{
	struct mif_mobike_cookie2 c;
	struct mif_mobike_nonats n;
	struct mif_addr a;

	switch (type) {
	case MIF_IKE_N_MOBIKE_SUPPORTED:
		return 0;
	case MIF_IKE_N_ADDITIONAL_IP4_ADDRESS:
	case MIF_IKE_N_ADDITIONAL_IP6_ADDRESS:
		return mif_mobike_addr_parse(type, d, len, &a);
	case MIF_IKE_N_NO_ADDITIONAL_ADDRESSES:
	case MIF_IKE_N_UPDATE_SA_ADDRESSES:
	case MIF_IKE_N_UNACCEPTABLE_ADDRESSES:
	case MIF_IKE_N_UNEXPECTED_NAT_DETECTED:
		return len == 0 ? 0 : -EBADMSG;
	case MIF_IKE_N_COOKIE2:
		return mif_mobike_cookie2_parse(d, len, &c);
	case MIF_IKE_N_NO_NATS_ALLOWED:
		return mif_mobike_nonats_parse(d, len, &n);
	default:
		return -ENOENT;
	}
}

bool
mif_mobike_addrs_has(const struct mif_mobike_addrs *l,
		     const struct mif_addr *a)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (mif_addr_eq(&l->a[i], a))
			return true;
	return false;
}

/* Add once; a list that would overflow is remembered, not cut. */
static void
list_put(struct mif_mobike_addr_list *l, const struct mif_addr *a)
{
	if (mif_mobike_addrs_has(&l->list, a))
		return;
	if (l->list.n >= MIF_MOBIKE_MAX_ADDRS) {
		l->over = true;
		return;
	}
	l->list.a[l->list.n++] = *a;
}

void
mif_mobike_addrs_begin(struct mif_mobike_addr_list *l)
{
	memset(l, 0, sizeof(*l));
}

int
mif_mobike_addrs_note(struct mif_mobike_addr_list *l, uint16_t type,
		      const uint8_t *d, size_t len)
{
	struct mif_addr a;
	int rc;

	if (type == MIF_IKE_N_NO_ADDITIONAL_ADDRESSES) {
		if (len != 0)
			return -EBADMSG;
		l->no_additional = true;
		l->any = true;
		return 0;
	}
	if (type != MIF_IKE_N_ADDITIONAL_IP4_ADDRESS &&
	    type != MIF_IKE_N_ADDITIONAL_IP6_ADDRESS)
		return 0;
	if ((rc = mif_mobike_addr_parse(type, d, len, &a)) != 0)
		return rc;
	l->any = true;
	list_put(l, &a);
	return 0;
}

int
mif_mobike_addrs_commit(struct mif_mobike_addrs *peer,
			const struct mif_mobike_addr_list *l,
			const struct mif_addr *hdr_src, bool *changed)
{
	struct mif_mobike_addr_list tmp;

	*changed = false;
	if (!l->any)
		return 0;
	/* RFC 4555 3.6: the two kinds are exclusive in one message. */
	if (l->no_additional && l->list.n != 0)
		return -EBADMSG;
	if (l->over)
		return -E2BIG;
	/* The header's address heads the list; the others follow. */
	mif_mobike_addrs_begin(&tmp);
	list_put(&tmp, hdr_src);
	for (unsigned int i = 0; i < l->list.n; i++)
		list_put(&tmp, &l->list.a[i]);
	if (tmp.over)
		return -E2BIG;
	*peer = tmp.list;
	*changed = true;
	return 0;
}
