/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE_AUTH, both roles (RFC 7296 1.2, 2.15): identities matched against
 * the configured peers, PSK authentication, and the first Child SA. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <arpa/inet.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "control/ike_auth.h"
#include "control/ike_sa.h"
#include "control/mif_neg.h"

#define ID_BODY_MAX	(4 + MIF_CFG_IKE_ID_LEN)

/* The ID payload body of a configured identity: an address when it
 * parses as one, an e-mail address when it holds '@', else an FQDN. */
static size_t
id_body(const char *id, uint8_t out[ID_BODY_MAX])
{
	struct mif_addr a;
	size_t len;

	memset(out, 0, 4);
	if (mif_addr_parse(id, &a) == 0) {
		out[0] = a.family == AF_INET ? MIF_IKE_ID_IPV4_ADDR :
			MIF_IKE_ID_IPV6_ADDR;
		len = a.family == AF_INET ? 4 : 16;
		memcpy(out + 4, a.family == AF_INET ? (void *)&a.v4 : a.v6,
		       len);
		return 4 + len;
	}
	out[0] = strchr(id, '@') != NULL ? MIF_IKE_ID_RFC822_ADDR :
		MIF_IKE_ID_FQDN;
	len = strlen(id);
	memcpy(out + 4, id, len);
	return 4 + len;
}

/* A printable form of a received ID, for log lines. */
static void
id_print(const struct mif_ike_pld *p, char *buf, size_t cap)
{
	size_t i, n = 0;

	if (p == NULL || p->len < 4) {
		snprintf(buf, cap, "(none)");
		return;
	}
	if (p->body[0] == MIF_IKE_ID_IPV4_ADDR && p->len == 8) {
		inet_ntop(AF_INET, p->body + 4, buf, (socklen_t)cap);
		return;
	}
	if (p->body[0] == MIF_IKE_ID_IPV6_ADDR && p->len == 20) {
		inet_ntop(AF_INET6, p->body + 4, buf, (socklen_t)cap);
		return;
	}
	for (i = 4; i < p->len && n + 5 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n,
				      p->body[i] >= 0x20 && p->body[i] < 0x7f ?
				      "%c" : "\\x%02x", p->body[i]);
	buf[n] = '\0';
}

static bool
id_matches(const char *cfg_id, const struct mif_ike_pld *p)
{
	uint8_t b[ID_BODY_MAX];
	size_t len = id_body(cfg_id, b);

	/* The three reserved bytes are not compared (RFC 7296 3.5). */
	return p != NULL && p->len == len && p->body[0] == b[0] &&
		memcmp(p->body + 4, b + 4, len - 4) == 0;
}

/* The peer whose addresses and remote identity fit, or -1. */
static int
peer_by_id(const struct mif_ike_sa *sa, const struct mif_ike_pld *id)
{
	const struct mif_cfg_ike_peer *p;
	unsigned int i;

	for (i = 0; i < mif_ike_cfg->n_peers; i++) {
		p = &mif_ike_cfg->peers[i];
		if (!mif_addr_eq(&p->local, &sa->path.local) ||
		    (p->remote.family != 0 &&
		     !mif_addr_eq(&p->remote, &sa->path.remote)))
			continue;
		if (id_matches(p->remote_id, id))
			return (int)i;
	}
	return -1;
}

/* AUTH data as it goes in the payload: method, 3 reserved, then the
 * PSK MAC over our side's signed octets. */
static int
auth_make(const struct mif_ike_sa *sa, const struct mif_cfg_ike_peer *peer,
	  const uint8_t *idb, size_t idlen, uint8_t *out, size_t *len)
{
	struct mif_ike_auth_in in = {
		.prf = sa->algs.prf,
		.msg = sa->initiator ? sa->init_req : sa->init_resp,
		.msg_len = sa->initiator ? sa->init_req_len : sa->init_resp_len,
		.peer_nonce = sa->initiator ? sa->nr : sa->ni,
		.peer_nonce_len = sa->initiator ? sa->nr_len : sa->ni_len,
		.sk_p = sa->initiator ? sa->keys.sk_pi : sa->keys.sk_pr,
		.sk_p_len = sa->keys.prf_len, .id = idb, .id_len = idlen,
	};

	memset(out, 0, 4);
	out[0] = MIF_IKE_AUTH_PSK;
	if (mif_ike_auth_psk(&in, peer->psk, peer->psk_len, out + 4,
			     MIF_IKE_PRF_MAX, len) != 0)
		return -EIO;
	*len += 4;
	return 0;
}

/* Check the peer's AUTH payload over its signed octets. */
static int
auth_check(const struct mif_ike_sa *sa, const struct mif_cfg_ike_peer *peer,
	   const struct mif_ike_pld *id, const struct mif_ike_pld *auth)
{
	struct mif_ike_auth_in in = {
		.prf = sa->algs.prf,
		.msg = sa->initiator ? sa->init_resp : sa->init_req,
		.msg_len = sa->initiator ? sa->init_resp_len : sa->init_req_len,
		.peer_nonce = sa->initiator ? sa->ni : sa->nr,
		.peer_nonce_len = sa->initiator ? sa->ni_len : sa->nr_len,
		.sk_p = sa->initiator ? sa->keys.sk_pr : sa->keys.sk_pi,
		.sk_p_len = sa->keys.prf_len, .id = id->body, .id_len = id->len,
	};

	/* XXX(#5): only PSK; certificate and signature AUTH (methods 1,
	 * 14) are refused with AUTHENTICATION_FAILED. */
	if (auth == NULL || auth->len < 5 || auth->body[0] != MIF_IKE_AUTH_PSK)
		return -ENOTSUP;
	return mif_ike_auth_psk_verify(&in, peer->psk, peer->psk_len,
				       auth->body + 4, auth->len - 4u);
}

static int
add_ts(struct mif_ike_gen *g, uint8_t type, const struct mif_ike_ts_set *ts)
{
	int rc;

	if ((rc = mif_ike_gen_begin(g, type, false)) != 0 ||
	    (rc = mif_ike_pld_ts_build(&g->wr, ts)) != 0)
		return rc;
	return mif_ike_gen_end(g);
}

/* SA, TSi, TSr and the mode notify of a Child SA; @p ch holds the
 * selectors from our side. */
int
mif_ike_auth_add_child(struct mif_ike_gen *g, const struct mif_ike_child *ch,
		       const struct mif_ike_sa_props *sa_pld, bool initiator)
{
	int rc;

	if (ch->transport &&
	    (rc = mif_ike_add_notify(g, MIF_IKE_N_USE_TRANSPORT_MODE, NULL,
				     0)) != 0)
		return rc;
	if ((rc = mif_ike_gen_begin(g, MIF_IKE_PLD_SA, false)) != 0 ||
	    (rc = mif_ike_pld_sa_build(&g->wr, sa_pld)) != 0 ||
	    (rc = mif_ike_gen_end(g)) != 0)
		return rc;
	/* TSi is the initiator's side of this exchange. */
	if ((rc = add_ts(g, MIF_IKE_PLD_TSI, initiator ? &ch->ts_local :
			 &ch->ts_remote)) != 0)
		return rc;
	return add_ts(g, MIF_IKE_PLD_TSR, initiator ? &ch->ts_remote :
		      &ch->ts_local);
}

int
mif_ike_auth_start(struct mif_ike_sa *sa)
{
	static struct mif_ike_sa_props esp;
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	struct mif_ike_child *ch = &sa->pending;
	uint8_t idb[ID_BODY_MAX], auth[4 + MIF_IKE_PRF_MAX];
	size_t idlen = id_body(peer->local_id, idb), alen;
	struct mif_ike_gen g;
	int rc;

	memset(ch, 0, sizeof(*ch));
	ch->cfg_child = 0;
	ch->transport = peer->children[0].transport;
	mif_ike_child_ts(&peer->children[0], &ch->ts_local, &ch->ts_remote);
	if (RAND_bytes((uint8_t *)&ch->spi_in, 4) != 1)
		return -EIO;
	ch->spi_in |= 0x100;	/* SPIs below 256 are reserved */
	mif_ike_child_props(peer, ch->spi_in, &esp);
	if ((rc = auth_make(sa, peer, idb, idlen, auth, &alen)) != 0 ||
	    (rc = mif_ike_sk_start(sa, &g, sa->req_buf, sizeof(sa->req_buf),
				   MIF_IKE_EXCH_AUTH, false,
				   sa->msgid_out)) != 0 ||
	    (rc = mif_ike_gen_add(&g, MIF_IKE_PLD_IDI, idb, idlen)) != 0 ||
	    (rc = mif_ike_gen_add(&g, MIF_IKE_PLD_AUTH, auth, alen)) != 0 ||
	    (rc = mif_ike_auth_add_child(&g, ch, &esp, true)) != 0 ||
	    (rc = mif_ike_send_request(sa, &g, MIF_IKE_REQ_AUTH)) != 0) {
		MIF_LOG(ike, ERR, "peer %s: cannot send IKE_AUTH: %s",
			peer->name, strerror(-rc));
		sa->state = MIF_IKE_ST_DEAD;
		return rc;
	}
	sa->state = MIF_IKE_ST_AUTH_SENT;
	return 0;
}

/* A refusal of the whole IKE SA: one notify, then the SA goes. */
static void
auth_refuse(struct mif_ike_sa *sa, const struct mif_ike_msg *m, uint16_t type)
{
	struct mif_ike_gen g;

	if (mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
			     MIF_IKE_EXCH_AUTH, true, m->hdr.msgid) == 0 &&
	    mif_ike_add_notify(&g, type, NULL, 0) == 0)
		mif_ike_send_response(sa, &g);
	sa->state = MIF_IKE_ST_DEAD;
}

static void
auth_established(struct mif_ike_sa *sa, const char *who)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	char a[MIF_ADDR_STRLEN];

	sa->state = MIF_IKE_ST_ESTABLISHED;
	sa->up = true;
	mif_ike_stats.sa_up++;
	mif_ike_sa_set_rekey(sa);
	MIF_LOG(ike, NOTICE, "peer %s (%s, %s): IKE SA %016" PRIx64 " established as %s",
		peer->name, mif_addr_fmt(&sa->path.remote, a, sizeof(a)),
		peer->remote_id, mif_ike_sa_our_spi(sa), who);
}

void
mif_ike_auth_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	static struct mif_ike_sa_props chosen;
	const struct mif_ike_pld *idi = mif_ike_msg_find(m, MIF_IKE_PLD_IDI);
	const struct mif_ike_pld *auth = mif_ike_msg_find(m, MIF_IKE_PLD_AUTH);
	uint8_t idb[ID_BODY_MAX], ab[4 + MIF_IKE_PRF_MAX];
	char ids[96], a[MIF_ADDR_STRLEN];
	const struct mif_cfg_ike_peer *peer;
	struct mif_ike_child ch;
	struct mif_ike_gen g;
	size_t idlen, alen;
	uint16_t cerr;
	int rc;

	id_print(idi, ids, sizeof(ids));
	mif_addr_fmt(&sa->path.remote, a, sizeof(a));
	if (idi == NULL || (sa->peer = peer_by_id(sa, idi)) < 0) {
		mif_ike_stats.unknown_id++;
		MIF_IKE_LOG_UNAUTH(NOTICE, "IKE_AUTH from %s: identity \"%s\" matches no configured peer: AUTHENTICATION_FAILED",
			a, ids);
		auth_refuse(sa, m, MIF_IKE_N_AUTHENTICATION_FAILED);
		return;
	}
	peer = &mif_ike_cfg->peers[sa->peer];
	if ((rc = auth_check(sa, peer, idi, auth)) != 0) {
		mif_ike_stats.auth_failed++;
		MIF_IKE_LOG_UNAUTH(NOTICE, "IKE_AUTH from %s (peer %s, \"%s\"): %s: AUTHENTICATION_FAILED",
			a, peer->name, ids, rc == -ENOTSUP ?
			"not a PSK AUTH payload" : "PSK AUTH does not verify");
		auth_refuse(sa, m, MIF_IKE_N_AUTHENTICATION_FAILED);
		return;
	}
	memset(&ch, 0, sizeof(ch));
	cerr = mif_ike_child_accept(sa, m, &ch, &chosen);
	idlen = id_body(peer->local_id, idb);
	if (auth_make(sa, peer, idb, idlen, ab, &alen) != 0 ||
	    mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
			     MIF_IKE_EXCH_AUTH, true, m->hdr.msgid) != 0 ||
	    mif_ike_gen_add(&g, MIF_IKE_PLD_IDR, idb, idlen) != 0 ||
	    mif_ike_gen_add(&g, MIF_IKE_PLD_AUTH, ab, alen) != 0 ||
	    (cerr != 0 ? mif_ike_add_notify(&g, cerr, NULL, 0) :
	     mif_ike_auth_add_child(&g, &ch, &chosen, false)) != 0 ||
	    mif_ike_send_response(sa, &g) != 0) {
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	auth_established(sa, "responder");
	sa->mif_mode = (uint8_t)mif_neg_auth_mode(sa->mif_vid, m, peer->name);
	if (cerr == 0)
		mif_ike_child_up(sa, &ch, NULL, 0, sa->ni, sa->ni_len, sa->nr,
				 sa->nr_len);
}

void
mif_ike_auth_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	const struct mif_ike_pld *idr = mif_ike_msg_find(m, MIF_IKE_PLD_IDR);
	const struct mif_ike_pld *auth = mif_ike_msg_find(m, MIF_IKE_PLD_AUTH);
	uint16_t err = mif_ike_msg_error(m);
	char ids[96];

	id_print(idr, ids, sizeof(ids));
	if (auth == NULL) {
		if (err == MIF_IKE_N_AUTHENTICATION_FAILED)
			mif_ike_stats.auth_failed++;
		MIF_LOG(ike, NOTICE, "peer %s: IKE_AUTH refused with notify %u",
			peer->name, err);
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	if (idr == NULL || !id_matches(peer->remote_id, idr) ||
	    auth_check(sa, peer, idr, auth) != 0) {
		mif_ike_stats.auth_failed++;
		MIF_LOG(ike, NOTICE, "peer %s: responder \"%s\" did not authenticate as \"%s\", SA deleted",
			peer->name, ids, peer->remote_id);
		mif_ike_info_delete(sa, 0);
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	auth_established(sa, "initiator");
	sa->mif_mode = (uint8_t)mif_neg_auth_mode(sa->mif_vid, m, peer->name);
	if (err != 0) {
		MIF_LOG(ike, NOTICE, "peer %s: no Child SA (notify %u)",
			peer->name, err);
		return;
	}
	mif_ike_child_confirm(sa, m);
}
