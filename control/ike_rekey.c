/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE SA rekey as responder (RFC 7296 1.3.2, 2.18): CREATE_CHILD_SA with
 * an IKE proposal, KE and nonce. The new IKE SA takes over the Child SAs
 * (they stay installed: nothing changes in the dataplane); the peer then
 * deletes the old IKE SA on the old one. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "control/ike_sa.h"

#define NONCE_LEN	32

static uint64_t
spi8(const struct mif_ike_prop *p)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p->spi[i];
	return v;
}

static void
spi8_put(struct mif_ike_prop *p, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p->spi[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void
rekey_answer_err(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
		 uint16_t type, const void *data, size_t len)
{
	struct mif_ike_gen g;

	if (mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
			     MIF_IKE_EXCH_CREATE_CHILD_SA, true,
			     m->hdr.msgid) == 0 &&
	    mif_ike_add_notify(&g, type, data, len) == 0)
		mif_ike_send_response(sa, &g);
}

/* Keys of the new SA: SKEYSEED = prf(SK_d (old), g^ir | Ni | Nr). */
static int
rekey_keys(const struct mif_ike_sa *old, struct mif_ike_sa *n,
	   const struct mif_ike_ke *ke)
{
	uint8_t gir[MIF_IKE_DH_MAX], seed[MIF_IKE_PRF_MAX];
	size_t girlen = 0;
	int rc;

	if ((rc = mif_ike_dh_derive(n->dh, ke->data, ke->len, gir,
				    sizeof(gir), &girlen)) != 0 ||
	    (rc = mif_ike_skeyseed_rekey(old->algs.prf, old->keys.sk_d,
					 old->keys.prf_len, gir, girlen, n->ni,
					 n->ni_len, n->nr, n->nr_len,
					 seed)) != 0)
		goto out;
	rc = mif_ike_keys_derive(&n->keys, &n->algs, seed, n->ni, n->ni_len,
				 n->nr, n->nr_len, n->spi_i, n->spi_r);
out:
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

static int
rekey_reply(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
	    struct mif_ike_sa *n, struct mif_ike_sa_props *chosen)
{
	uint8_t pub[MIF_IKE_DH_MAX];
	struct mif_ike_gen g;
	size_t publen;
	int rc;

	spi8_put(&chosen->p[0], n->spi_r);
	if ((rc = mif_ike_dh_pub(n->dh, pub, sizeof(pub), &publen)) != 0 ||
	    (rc = mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
				   MIF_IKE_EXCH_CREATE_CHILD_SA, true,
				   m->hdr.msgid)) != 0 ||
	    (rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false)) != 0 ||
	    (rc = mif_ike_pld_sa_build(&g.wr, chosen)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0 ||
	    (rc = mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, n->nr,
				  n->nr_len)) != 0 ||
	    (rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false)) != 0 ||
	    (rc = mif_ike_pld_ke_build(&g.wr, &(struct mif_ike_ke){
			.group = n->algs.dh, .data = pub,
			.len = publen })) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0)
		return rc;
	return mif_ike_send_response(sa, &g);
}

/* Checks of the request; answers its errors. @return 0 to go on. */
static int
rekey_check(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
	    struct mif_ike_sa_props *chosen, struct mif_ike_ke *ke,
	    const struct mif_ike_pld **ni)
{
	static struct mif_ike_sa_props offer, ours;
	const struct mif_ike_pld *sap = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	const struct mif_ike_pld *kep = mif_ike_msg_find(m, MIF_IKE_PLD_KE);
	struct mif_ike_algs a;
	uint8_t grp[2];

	*ni = mif_ike_msg_find(m, MIF_IKE_PLD_NONCE);
	if (sap == NULL || kep == NULL || *ni == NULL ||
	    (*ni)->len > MIF_IKE_NONCE_MAX ||
	    mif_ike_pld_sa_parse(sap->body, sap->len, &offer) != 0 ||
	    mif_ike_pld_ke_parse(kep->body, kep->len, ke) != 0) {
		rekey_answer_err(sa, m, MIF_IKE_N_INVALID_SYNTAX, NULL, 0);
		return -EBADMSG;
	}
	mif_ike_init_offer(&mif_ike_cfg->peers[sa->peer], &ours);
	chosen->nprops = 1;
	if (mif_ike_sa_select(&offer, &ours, &chosen->p[0]) != 0 ||
	    chosen->p[0].spi_size != 8 ||
	    mif_ike_algs_from_prop(&chosen->p[0], &a) != 0) {
		mif_ike_stats.no_proposal++;
		rekey_answer_err(sa, m, MIF_IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return -ENOENT;
	}
	if (ke->group != a.dh) {
		mif_ike_stats.invalid_ke++;
		grp[0] = (uint8_t)(a.dh >> 8);
		grp[1] = (uint8_t)a.dh;
		rekey_answer_err(sa, m, MIF_IKE_N_INVALID_KE_PAYLOAD, grp, 2);
		return -EPROTO;
	}
	return 0;
}

/* The new SA inherits the peer, the path and the Child SAs. */
static void
rekey_move(struct mif_ike_sa *old, struct mif_ike_sa *n)
{
	n->peer = old->peer;
	n->natt = old->natt;
	n->nat = old->nat;
	memcpy(n->child, old->child, sizeof(n->child));
	memset(old->child, 0, sizeof(old->child));
	n->state = MIF_IKE_ST_ESTABLISHED;
	n->up = true;
	/* The old SA now only waits for the peer's Delete. */
	old->up = false;
	old->rekey_tsc = UINT64_MAX;
	mif_ike_sa_set_rekey(n);
}

void
mif_ike_rekey_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	static struct mif_ike_sa_props chosen;
	const struct mif_ike_pld *ni;
	struct mif_ike_sa *n;
	struct mif_ike_ke ke;

	if (rekey_check(sa, m, &chosen, &ke, &ni) != 0)
		return;
	if ((n = mif_ike_sa_create(false, &sa->path)) == NULL) {
		rekey_answer_err(sa, m, MIF_IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	n->spi_i = spi8(&chosen.p[0]);
	memcpy(n->ni, ni->body, ni->len);
	n->ni_len = ni->len;
	n->nr_len = NONCE_LEN;
	if (RAND_bytes(n->nr, NONCE_LEN) != 1 ||
	    mif_ike_algs_from_prop(&chosen.p[0], &n->algs) != 0 ||
	    (n->dh = mif_ike_dh_create(n->algs.dh)) == NULL ||
	    rekey_keys(sa, n, &ke) != 0 || rekey_reply(sa, m, n, &chosen)) {
		MIF_LOG(ike, NOTICE, "SA %016" PRIx64 ": IKE SA rekey failed",
			mif_ike_sa_our_spi(sa));
		mif_ike_sa_destroy(n);
		return;
	}
	mif_ike_dh_destroy(n->dh);
	n->dh = NULL;
	rekey_move(sa, n);
	mif_ike_stats.rekey_ike++;
	MIF_LOG(ike, NOTICE, "peer %s: IKE SA %016" PRIx64 " rekeyed by the peer, new SA %016" PRIx64,
		mif_ike_cfg->peers[n->peer].name, mif_ike_sa_our_spi(sa),
		n->spi_r);
}
