/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE_SA_INIT, both roles (RFC 7296 1.2): proposal choice, key exchange
 * with INVALID_KE_PAYLOAD and retry, NAT detection payloads, and
 * stateless cookies once too many SAs are half-open (2.6). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rte_cycles.h>

#include "common/log.h"
#include "control/ike_sa.h"
#include "control/mif_neg.h"

#define NONCE_LEN	32
#define SECRET_ROTATE_S	300

static struct mif_ike_cookie_secret secret[2];	/* current, previous */
static uint64_t rotate_tsc;

static int
secret_new(struct mif_ike_cookie_secret *s, uint8_t version)
{
	s->version = version;
	return RAND_bytes(s->key, sizeof(s->key)) == 1 ? 0 : -EIO;
}

int
mif_ike_init_secret_init(void)
{
	rotate_tsc = rte_get_tsc_cycles() + rte_get_tsc_hz() * SECRET_ROTATE_S;
	return secret_new(&secret[0], 1);
}

void
mif_ike_init_timer(uint64_t now)
{
	if (now < rotate_tsc)
		return;
	secret[1] = secret[0];
	if (secret_new(&secret[0], (uint8_t)(secret[1].version + 1)) != 0)
		secret[0] = secret[1];
	rotate_tsc = now + rte_get_tsc_hz() * SECRET_ROTATE_S;
}

void
mif_ike_init_offer(const struct mif_cfg_ike_peer *peer,
		   struct mif_ike_sa_props *out)
{
	const struct mif_cfg_ike_prop *c;
	struct mif_ike_prop *p;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->nprops = (uint8_t)peer->n_props;
	for (i = 0; i < peer->n_props; i++) {
		c = &peer->props[i];
		p = &out->p[i];
		p->num = (uint8_t)(i + 1);
		p->proto = MIF_IKE_PROTO_IKE;
		p->x[p->nxforms++] = (struct mif_ike_xform){
			MIF_IKE_XFORM_ENCR, false, c->encr, c->keylen };
		p->x[p->nxforms++] = (struct mif_ike_xform){
			MIF_IKE_XFORM_PRF, false, c->prf, 0 };
		if (c->integ != 0)
			p->x[p->nxforms++] = (struct mif_ike_xform){
				MIF_IKE_XFORM_INTEG, false, c->integ, 0 };
		p->x[p->nxforms++] = (struct mif_ike_xform){
			MIF_IKE_XFORM_DH, false, c->dh, 0 };
	}
}

/* A plain IKE_SA_INIT answer that carries only one notify. */
static void
init_notify(const struct mif_ike_msg *m, const struct mif_ike_path *path,
	    uint16_t type, const void *data, size_t len)
{
	struct mif_ike_hdr h = { .ispi = m->hdr.ispi,
				 .exchange = MIF_IKE_EXCH_SA_INIT,
				 .flags = MIF_IKE_FLAG_RESPONSE };
	uint8_t buf[128];
	struct mif_ike_gen g;
	size_t out;

	if (mif_ike_gen_init(&g, buf, sizeof(buf), &h) != 0 ||
	    mif_ike_add_notify(&g, type, data, len) != 0 ||
	    mif_ike_gen_finish(&g, &out) != 0)
		return;
	mif_ike_send_raw(path, buf, out);
}

static int
add_natd(struct mif_ike_gen *g, const struct mif_ike_sa *sa)
{
	const struct mif_ike_path *p = &sa->path;
	uint8_t h[MIF_IKE_NATD_LEN];
	int rc;

	if ((rc = mif_ike_natd_hash(sa->spi_i, sa->spi_r, &p->local, p->lport,
				    h)) != 0 ||
	    (rc = mif_ike_add_notify(g, MIF_IKE_N_NAT_DETECTION_SOURCE_IP, h,
				     sizeof(h))) != 0 ||
	    (rc = mif_ike_natd_hash(sa->spi_i, sa->spi_r, &p->remote,
				    p->rport, h)) != 0)
		return rc;
	return mif_ike_add_notify(g, MIF_IKE_N_NAT_DETECTION_DESTINATION_IP, h,
				  sizeof(h));
}

/* RFC 7296 2.23: a NAT sits between us when the peer's hashes of its
 * source and of our address do not match what we see. A peer may also
 * send wrong hashes on purpose to force UDP encapsulation. */
static bool
nat_detect(const struct mif_ike_msg *m, uint64_t spi_r,
	   const struct mif_ike_path *p)
{
	const struct mif_ike_pld *pl;
	uint8_t h[MIF_IKE_NATD_LEN];
	struct mif_ike_notify n;
	bool src_ok = false, dst_ok = false, any = false;

	for (pl = mif_ike_msg_find(m, MIF_IKE_PLD_NOTIFY); pl != NULL;
	     pl = mif_ike_msg_next(m, pl)) {
		if (mif_ike_pld_notify_parse(pl->body, pl->len, &n) != 0 ||
		    n.data_len != MIF_IKE_NATD_LEN)
			continue;
		if (n.type == MIF_IKE_N_NAT_DETECTION_SOURCE_IP &&
		    mif_ike_natd_hash(m->hdr.ispi, spi_r, &p->remote, p->rport,
				      h) == 0) {
			any = true;
			src_ok |= memcmp(h, n.data, sizeof(h)) == 0;
		} else if (n.type == MIF_IKE_N_NAT_DETECTION_DESTINATION_IP &&
			   mif_ike_natd_hash(m->hdr.ispi, spi_r, &p->local,
					     p->lport, h) == 0) {
			any = true;
			dst_ok |= memcmp(h, n.data, sizeof(h)) == 0;
		}
	}
	return any && !(src_ok && dst_ok);
}

int
mif_ike_init_keys(struct mif_ike_sa *sa, const struct mif_ike_ke *ke)
{
	uint8_t gir[MIF_IKE_DH_MAX], seed[MIF_IKE_PRF_MAX];
	size_t girlen = 0;
	int rc;

	if ((rc = mif_ike_dh_derive(sa->dh, ke->data, ke->len, gir,
				    sizeof(gir), &girlen)) != 0 ||
	    (rc = mif_ike_skeyseed(sa->algs.prf, sa->ni, sa->ni_len, sa->nr,
				   sa->nr_len, gir, girlen, seed)) != 0)
		goto out;
	rc = mif_ike_keys_derive(&sa->keys, &sa->algs, seed, sa->ni,
				 sa->ni_len, sa->nr, sa->nr_len, sa->spi_i,
				 sa->spi_r);
out:
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(seed, sizeof(seed));
	mif_ike_dh_destroy(sa->dh);
	sa->dh = NULL;
	return rc;
}

/* The first configured peer this address pair may belong to; its
 * proposals answer IKE_SA_INIT before the identities are known. */
static int
peer_by_path(const struct mif_ike_path *path)
{
	const struct mif_cfg_ike_peer *p;
	unsigned int i;

	for (i = 0; i < mif_ike_cfg->n_peers; i++) {
		p = &mif_ike_cfg->peers[i];
		if (!mif_addr_eq(&p->local, &path->local))
			continue;
		if (p->remote.family == 0 ||
		    mif_addr_eq(&p->remote, &path->remote))
			return (int)i;
	}
	return -1;
}

/* RFC 7296 2.6: with too many half-open SAs, an initiator must first
 * return our cookie. @return true to go on. */
static bool
cookie_ok(const struct mif_ike_msg *m, const struct mif_ike_path *path,
	  const struct mif_ike_pld *ni)
{
	uint8_t c[MIF_IKE_COOKIE_LEN];
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;

	if (mif_ike_sa_half_open() < mif_ike_cfg->cookie_threshold)
		return true;
	p = mif_ike_msg_find_notify(m, MIF_IKE_N_COOKIE);
	if (p != NULL && mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
	    mif_ike_cookie_check(&secret[0], &secret[1], ni->body, ni->len,
				 &path->remote, m->hdr.ispi, n.data,
				 n.data_len) == 0)
		return true;
	if (p != NULL)
		mif_ike_stats.cookie_bad++;
	if (mif_ike_cookie_make(&secret[0], ni->body, ni->len, &path->remote,
				m->hdr.ispi, c) == 0) {
		mif_ike_stats.cookie_sent++;
		init_notify(m, path, MIF_IKE_N_COOKIE, c, sizeof(c));
	}
	return false;
}

/* Choose a proposal and check the KE group; answers the errors.
 * @return 0, or -errno when refused. */
static int
choose(const struct mif_ike_msg *m, const struct mif_ike_path *path,
       const struct mif_cfg_ike_peer *peer, struct mif_ike_sa_props *chosen,
       struct mif_ike_ke *ke)
{
	static struct mif_ike_sa_props offer, ours;
	const struct mif_ike_pld *sap = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	const struct mif_ike_pld *kep = mif_ike_msg_find(m, MIF_IKE_PLD_KE);
	struct mif_ike_algs a;
	uint8_t grp[2];
	char peer_s[MIF_ADDR_STRLEN];

	mif_addr_fmt(&path->remote, peer_s, sizeof(peer_s));
	if (sap == NULL || kep == NULL ||
	    mif_ike_pld_sa_parse(sap->body, sap->len, &offer) != 0 ||
	    mif_ike_pld_ke_parse(kep->body, kep->len, ke) != 0) {
		mif_ike_stats.rx_bad++;
		init_notify(m, path, MIF_IKE_N_INVALID_SYNTAX, NULL, 0);
		return -EBADMSG;
	}
	mif_ike_init_offer(peer, &ours);
	chosen->nprops = 1;
	if (mif_ike_sa_select(&offer, &ours, &chosen->p[0]) != 0 ||
	    mif_ike_algs_from_prop(&chosen->p[0], &a) != 0) {
		mif_ike_stats.no_proposal++;
		MIF_IKE_LOG_UNAUTH(NOTICE, "IKE_SA_INIT from %s (peer %s): no proposal in common, answered NO_PROPOSAL_CHOSEN",
			peer_s, peer->name);
		init_notify(m, path, MIF_IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return -ENOENT;
	}
	if (ke->group != a.dh) {
		mif_ike_stats.invalid_ke++;
		MIF_IKE_LOG_UNAUTH(INFO, "IKE_SA_INIT from %s: KE group %u, we chose %u: INVALID_KE_PAYLOAD",
			peer_s, ke->group, a.dh);
		grp[0] = (uint8_t)(a.dh >> 8);
		grp[1] = (uint8_t)a.dh;
		init_notify(m, path, MIF_IKE_N_INVALID_KE_PAYLOAD, grp, 2);
		return -EPROTO;
	}
	return 0;
}

static int
build_init_resp(struct mif_ike_sa *sa, const struct mif_ike_sa_props *chosen)
{
	struct mif_ike_hdr h = { .ispi = sa->spi_i, .rspi = sa->spi_r,
				 .exchange = MIF_IKE_EXCH_SA_INIT,
				 .flags = MIF_IKE_FLAG_RESPONSE };
	uint8_t pub[MIF_IKE_DH_MAX];
	struct mif_ike_gen g;
	size_t publen, len;
	int rc;

	if ((rc = mif_ike_dh_pub(sa->dh, pub, sizeof(pub), &publen)) != 0 ||
	    (rc = mif_ike_gen_init(&g, sa->init_resp, sizeof(sa->init_resp),
				   &h)) != 0)
		return rc;
	mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false);
	mif_ike_pld_sa_build(&g.wr, chosen);
	mif_ike_gen_end(&g);
	mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false);
	mif_ike_pld_ke_build(&g.wr, &(struct mif_ike_ke){
		.group = sa->algs.dh, .data = pub, .len = publen });
	mif_ike_gen_end(&g);
	mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, sa->nr, sa->nr_len);
	add_natd(&g, sa);
	/* Our VID gates the MIF notify numbers (docs/protocol.md). */
	mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, mif_ext_vid, MIF_EXT_VID_LEN);
	/* The generator's error is sticky: finish reports the first. */
	if ((rc = mif_ike_gen_finish(&g, &len)) != 0)
		return rc;
	sa->init_resp_len = (uint16_t)len;
	return 0;
}

/* A fresh responder SA from a checked request. */
static int
responder_setup(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
		const struct mif_ike_pld *ni, const struct mif_ike_ke *ke,
		const struct mif_ike_sa_props *chosen)
{
	int rc;

	sa->spi_i = m->hdr.ispi;
	if (m->raw_len > sizeof(sa->init_req) || ni->len > sizeof(sa->ni))
		return -EMSGSIZE;
	memcpy(sa->init_req, m->raw, m->raw_len);
	sa->init_req_len = (uint16_t)m->raw_len;
	memcpy(sa->ni, ni->body, ni->len);
	sa->ni_len = ni->len;
	sa->nr_len = NONCE_LEN;
	if (RAND_bytes(sa->nr, NONCE_LEN) != 1)
		return -EIO;
	if ((rc = mif_ike_algs_from_prop(&chosen->p[0], &sa->algs)) != 0)
		return rc;
	if ((sa->dh = mif_ike_dh_create(sa->algs.dh)) == NULL)
		return -ENOMEM;
	/* Our public value must be taken before the keys drop the DH. */
	if ((rc = build_init_resp(sa, chosen)) != 0)
		return rc;
	if ((rc = mif_ike_init_keys(sa, ke)) != 0)
		return rc;
	sa->state = MIF_IKE_ST_INIT_DONE;
	sa->msgid_in = 1;
	sa->nat = nat_detect(m, 0, &sa->path);
	sa->mif_vid = mif_neg_vid_seen(m);
	return 0;
}

void
mif_ike_init_request(const struct mif_ike_msg *m,
		     const struct mif_ike_path *path)
{
	static struct mif_ike_sa_props chosen;
	const struct mif_ike_pld *ni = mif_ike_msg_find(m, MIF_IKE_PLD_NONCE);
	char peer_s[MIF_ADDR_STRLEN];
	struct mif_ike_sa *sa;
	struct mif_ike_ke ke;
	int peer, rc;

	mif_addr_fmt(&path->remote, peer_s, sizeof(peer_s));
	if ((peer = peer_by_path(path)) < 0) {
		mif_ike_stats.sa_refused++;
		mif_ike_stats.no_peer++;
		MIF_IKE_LOG_UNAUTH(NOTICE, "IKE_SA_INIT from %s: no peer configured for this address, ignored",
			peer_s);
		return;
	}
	if (ni == NULL) {
		mif_ike_stats.rx_bad++;
		init_notify(m, path, MIF_IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (!cookie_ok(m, path, ni) ||
	    choose(m, path, &mif_ike_cfg->peers[peer], &chosen, &ke) != 0)
		return;
	if ((sa = mif_ike_sa_create(false, path)) == NULL) {
		MIF_IKE_LOG_UNAUTH(WARNING, "IKE_SA_INIT from %s: SA limit reached (%u half-open), ignored",
			peer_s, mif_ike_sa_half_open());
		return;
	}
	if ((rc = responder_setup(sa, m, ni, &ke, &chosen)) != 0) {
		mif_ike_stats.init_failed++;
		MIF_IKE_LOG_UNAUTH(NOTICE, "IKE_SA_INIT from %s: cannot answer: %s",
			peer_s, strerror(-rc));
		mif_ike_sa_destroy(sa);
		return;
	}
	MIF_IKE_LOG_UNAUTH(INFO, "IKE_SA_INIT from %s: SA %016" PRIx64 " half-open (encr %u/%u prf %u dh %u)",
		peer_s, sa->spi_r, sa->algs.encr, sa->algs.encr_keylen,
		sa->algs.prf, sa->algs.dh);
	mif_ike_send_raw(&sa->path, sa->init_resp, sa->init_resp_len);
}

/* (Re)build and send our IKE_SA_INIT request with a fresh DH key. */
static int
send_init(struct mif_ike_sa *sa)
{
	static struct mif_ike_sa_props offer;
	struct mif_ike_hdr h = { .ispi = sa->spi_i,
				 .exchange = MIF_IKE_EXCH_SA_INIT,
				 .flags = MIF_IKE_FLAG_INITIATOR };
	uint8_t pub[MIF_IKE_DH_MAX];
	struct mif_ike_gen g;
	size_t publen, len;
	int rc;

	mif_ike_dh_destroy(sa->dh);
	if ((sa->dh = mif_ike_dh_create(sa->ke_group)) == NULL)
		return -ENOMEM;
	mif_ike_init_offer(&mif_ike_cfg->peers[sa->peer], &offer);
	if ((rc = mif_ike_dh_pub(sa->dh, pub, sizeof(pub), &publen)) != 0 ||
	    (rc = mif_ike_gen_init(&g, sa->init_req, sizeof(sa->init_req),
				   &h)) != 0)
		return rc;
	/* RFC 7296 2.6: the returned cookie comes first. */
	if (sa->cookie_len > 0)
		mif_ike_add_notify(&g, MIF_IKE_N_COOKIE, sa->cookie,
				   sa->cookie_len);
	mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false);
	mif_ike_pld_sa_build(&g.wr, &offer);
	mif_ike_gen_end(&g);
	mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false);
	mif_ike_pld_ke_build(&g.wr, &(struct mif_ike_ke){
		.group = sa->ke_group, .data = pub, .len = publen });
	mif_ike_gen_end(&g);
	mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, sa->ni, sa->ni_len);
	add_natd(&g, sa);
	/* Our VID gates the MIF notify numbers (docs/protocol.md). */
	mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, mif_ext_vid, MIF_EXT_VID_LEN);
	if ((rc = mif_ike_gen_finish(&g, &len)) != 0)
		return rc;
	sa->init_req_len = (uint16_t)len;
	sa->req = MIF_IKE_REQ_INIT;
	sa->retx = 0;
	sa->retx_tsc = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * MIF_IKE_RETX_FIRST_MS / 1000;
	return mif_ike_send_raw(&sa->path, sa->init_req, sa->init_req_len);
}

int
mif_ike_init_start(unsigned int peer)
{
	const struct mif_cfg_ike_peer *p = &mif_ike_cfg->peers[peer];
	struct mif_ike_path path = { .local = p->local, .remote = p->remote,
				     .lport = 500, .rport = 500 };
	struct mif_ike_sa *sa;
	int rc;

	if ((sa = mif_ike_sa_create(true, &path)) == NULL)
		return -ENOSPC;
	sa->peer = (int)peer;
	sa->ke_group = p->props[0].dh;
	sa->ni_len = NONCE_LEN;
	if (RAND_bytes(sa->ni, NONCE_LEN) != 1 ||
	    (rc = send_init(sa)) != 0) {
		MIF_LOG(ike, ERR, "peer %s: cannot start IKE_SA_INIT", p->name);
		mif_ike_sa_destroy(sa);
		return -EIO;
	}
	MIF_LOG(ike, INFO, "peer %s: IKE_SA_INIT sent, SA %016" PRIx64,
		p->name, sa->spi_i);
	return 0;
}

/* An error notify instead of an SA: retry with a cookie or another
 * group, or give up. */
static void
init_refused(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	unsigned int i;
	uint16_t grp;

	p = mif_ike_msg_find_notify(m, MIF_IKE_N_COOKIE);
	if (p != NULL && sa->cookie_len == 0 &&
	    mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
	    n.data_len >= 1 && n.data_len <= sizeof(sa->cookie)) {
		memcpy(sa->cookie, n.data, n.data_len);
		sa->cookie_len = (uint16_t)n.data_len;
		send_init(sa);
		return;
	}
	p = mif_ike_msg_find_notify(m, MIF_IKE_N_INVALID_KE_PAYLOAD);
	if (p != NULL && mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
	    n.data_len == 2) {
		grp = (uint16_t)(n.data[0] << 8 | n.data[1]);
		for (i = 0; i < peer->n_props; i++)
			if (peer->props[i].dh == grp && grp != sa->ke_group) {
				mif_ike_stats.invalid_ke++;
				MIF_LOG(ike, INFO, "peer %s: INVALID_KE_PAYLOAD, retrying with group %u",
					peer->name, grp);
				sa->ke_group = grp;
				send_init(sa);
				return;
			}
	}
	MIF_LOG(ike, NOTICE, "peer %s: IKE_SA_INIT refused with notify %u",
		peer->name, mif_ike_msg_error(m));
	if (mif_ike_msg_error(m) == MIF_IKE_N_NO_PROPOSAL_CHOSEN)
		mif_ike_stats.no_proposal++;
	sa->state = MIF_IKE_ST_DEAD;
}

void
mif_ike_init_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	static struct mif_ike_sa_props offer, reply;
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	const struct mif_ike_pld *sap, *kep, *nr;
	struct mif_ike_ke ke;

	sap = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	kep = mif_ike_msg_find(m, MIF_IKE_PLD_KE);
	nr = mif_ike_msg_find(m, MIF_IKE_PLD_NONCE);
	if (sap == NULL) {
		init_refused(sa, m);
		return;
	}
	mif_ike_init_offer(peer, &offer);
	if (kep == NULL || nr == NULL || m->hdr.rspi == 0 ||
	    nr->len > sizeof(sa->nr) || m->raw_len > sizeof(sa->init_resp) ||
	    mif_ike_pld_sa_parse(sap->body, sap->len, &reply) != 0 ||
	    mif_ike_sa_check_reply(&offer, &reply) != 0 ||
	    mif_ike_algs_from_prop(&reply.p[0], &sa->algs) != 0 ||
	    mif_ike_pld_ke_parse(kep->body, kep->len, &ke) != 0 ||
	    ke.group != sa->ke_group || sa->algs.dh != sa->ke_group) {
		mif_ike_stats.rx_bad++;
		MIF_LOG(ike, NOTICE, "peer %s: unusable IKE_SA_INIT response, SA deleted",
			peer->name);
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	sa->req = MIF_IKE_REQ_NONE;
	sa->spi_r = m->hdr.rspi;
	sa->nat = nat_detect(m, sa->spi_r, &sa->path);
	sa->mif_vid = mif_neg_vid_seen(m);
	/* RFC 7296 2.23: with a NAT, the rest goes over port 4500. */
	if (sa->nat) {
		sa->path.lport = sa->path.rport = 4500;
		sa->natt = true;
	}
	memcpy(sa->nr, nr->body, nr->len);
	sa->nr_len = nr->len;
	memcpy(sa->init_resp, m->raw, m->raw_len);
	sa->init_resp_len = (uint16_t)m->raw_len;
	if (mif_ike_init_keys(sa, &ke) != 0) {
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	sa->msgid_out = 1;
	mif_ike_auth_start(sa);
}
