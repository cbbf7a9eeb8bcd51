/* SPDX-License-Identifier: BSD-3-Clause */
/* Child SAs (RFC 7296 1.3, 2.9, 2.17): proposals, traffic selector
 * narrowing, key material, CREATE_CHILD_SA for new and rekeyed Child SAs
 * in both roles, and the hand-over to the dataplane (ike_dp.c). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rte_cycles.h>

#include "common/log.h"
#include "control/ike_dp.h"
#include "control/ike_sa.h"

#define NONCE_LEN	32

void
mif_ike_child_props(const struct mif_cfg_ike_peer *peer, uint32_t spi,
		    struct mif_ike_sa_props *out)
{
	const struct mif_cfg_ike_prop *c;
	struct mif_ike_prop *p;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->nprops = (uint8_t)peer->n_esp;
	for (i = 0; i < peer->n_esp; i++) {
		c = &peer->esp[i];
		p = &out->p[i];
		p->num = (uint8_t)(i + 1);
		p->proto = MIF_IKE_PROTO_ESP;
		p->spi_size = 4;
		p->spi[0] = (uint8_t)(spi >> 24);
		p->spi[1] = (uint8_t)(spi >> 16);
		p->spi[2] = (uint8_t)(spi >> 8);
		p->spi[3] = (uint8_t)spi;
		p->x[p->nxforms++] = (struct mif_ike_xform){
			MIF_IKE_XFORM_ENCR, false, c->encr, c->keylen };
		if (c->integ != 0)
			p->x[p->nxforms++] = (struct mif_ike_xform){
				MIF_IKE_XFORM_INTEG, false, c->integ, 0 };
		p->x[p->nxforms++] = (struct mif_ike_xform){
			MIF_IKE_XFORM_ESN, false, c->esn ? 1 : 0, 0 };
	}
}

/* A prefix as an address range selector. */
static void
prefix_ts(const struct mif_prefix *p, struct mif_ike_ts *t)
{
	unsigned int alen = p->addr.family == AF_INET ? 4 : 16, i, bits;
	const uint8_t *a = p->addr.family == AF_INET ?
		(const uint8_t *)&p->addr.v4 : p->addr.v6;

	memset(t, 0, sizeof(*t));
	t->type = p->addr.family == AF_INET ? MIF_IKE_TS_IPV4_ADDR_RANGE :
		MIF_IKE_TS_IPV6_ADDR_RANGE;
	t->end_port = 65535;
	for (i = 0; i < alen; i++) {
		bits = p->len > i * 8 ? p->len - i * 8 : 0;
		if (bits >= 8) {
			t->start[i] = t->end[i] = a[i];
			continue;
		}
		t->start[i] = (uint8_t)(a[i] & (0xff00 >> bits));
		t->end[i] = (uint8_t)(t->start[i] | (0xff >> bits));
	}
}

void
mif_ike_child_ts(const struct mif_cfg_ike_child *c,
		 struct mif_ike_ts_set *local, struct mif_ike_ts_set *remote)
{
	unsigned int i;

	local->n = (uint8_t)c->n_local;
	for (i = 0; i < c->n_local; i++)
		prefix_ts(&c->local_ts[i], &local->ts[i]);
	remote->n = (uint8_t)c->n_remote;
	for (i = 0; i < c->n_remote; i++)
		prefix_ts(&c->remote_ts[i], &remote->ts[i]);
}

/* The intersection of two selectors into @p out. @return true if not
 * empty. Addresses are big-endian, so memcmp orders them. */
static bool
ts_meet(const struct mif_ike_ts *a, const struct mif_ike_ts *b,
	struct mif_ike_ts *out)
{
	size_t alen = a->type == MIF_IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;

	if (a->type != b->type ||
	    (a->ipproto != 0 && b->ipproto != 0 && a->ipproto != b->ipproto))
		return false;
	*out = *a;
	out->ipproto = a->ipproto != 0 ? a->ipproto : b->ipproto;
	if (memcmp(b->start, a->start, alen) > 0)
		memcpy(out->start, b->start, alen);
	if (memcmp(b->end, a->end, alen) < 0)
		memcpy(out->end, b->end, alen);
	out->start_port = RTE_MAX(a->start_port, b->start_port);
	out->end_port = RTE_MIN(a->end_port, b->end_port);
	return memcmp(out->start, out->end, alen) <= 0 &&
		out->start_port <= out->end_port;
}

/* RFC 7296 2.9: narrow the offer to what the policy allows. The first
 * offered selector is the packet that triggered the request when there
 * are two or more; the first non-empty intersection with ours is kept. */
static bool
ts_narrow(const struct mif_ike_ts_set *ours,
	  const struct mif_ike_ts_set *offer, struct mif_ike_ts_set *out)
{
	unsigned int i, j;

	for (i = 0; i < offer->n; i++)
		for (j = 0; j < ours->n; j++)
			if (ts_meet(&offer->ts[i], &ours->ts[j],
				    &out->ts[0])) {
				out->n = 1;
				return true;
			}
	return false;
}

int
mif_ike_child_narrow(const struct mif_cfg_ike_peer *peer,
		     const struct mif_ike_ts_set *tsi,
		     const struct mif_ike_ts_set *tsr, struct mif_ike_child *ch)
{
	static struct mif_ike_ts_set local, remote;
	unsigned int i;

	for (i = 0; i < peer->n_children; i++) {
		mif_ike_child_ts(&peer->children[i], &local, &remote);
		/* The peer initiates: TSi is its side, TSr ours. */
		if (ts_narrow(&remote, tsi, &ch->ts_remote) &&
		    ts_narrow(&local, tsr, &ch->ts_local)) {
			ch->cfg_child = i;
			return 0;
		}
	}
	return -ENOENT;
}

static uint32_t
spi_get(const struct mif_ike_prop *p)
{
	return (uint32_t)p->spi[0] << 24 | (uint32_t)p->spi[1] << 16 |
		(uint32_t)p->spi[2] << 8 | p->spi[3];
}

static void
alg_from_prop(const struct mif_ike_prop *p, struct mif_cfg_ike_prop *a)
{
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < p->nxforms; i++) {
		switch (p->x[i].type) {
		case MIF_IKE_XFORM_ENCR:
			a->encr = p->x[i].id;
			a->keylen = p->x[i].keylen;
			break;
		case MIF_IKE_XFORM_INTEG:
			a->integ = p->x[i].id;
			break;
		case MIF_IKE_XFORM_ESN:
			a->esn = p->x[i].id == MIF_IKE_ESN_YES;
			break;
		default:
			break;
		}
	}
}

static int
ts_get(const struct mif_ike_msg *m, uint8_t type, struct mif_ike_ts_set *ts)
{
	const struct mif_ike_pld *p = mif_ike_msg_find(m, type);

	return p == NULL ? -ENOENT : mif_ike_pld_ts_parse(p->body, p->len, ts);
}

static uint32_t
spi_new(void)
{
	uint32_t spi = 0;

	if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1)
		return 0;
	return spi | 0x100;	/* 1..255 are reserved (RFC 4303 2.1) */
}

uint16_t
mif_ike_child_accept(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
		     struct mif_ike_child *ch, struct mif_ike_sa_props *chosen)
{
	static struct mif_ike_sa_props offer, ours;
	static struct mif_ike_ts_set tsi, tsr;
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	const struct mif_ike_pld *p = mif_ike_msg_find(m, MIF_IKE_PLD_SA);

	memset(ch, 0, sizeof(*ch));
	mif_ike_child_props(peer, 0, &ours);
	chosen->nprops = 1;
	if (p == NULL || mif_ike_pld_sa_parse(p->body, p->len, &offer) != 0 ||
	    mif_ike_sa_select(&offer, &ours, &chosen->p[0]) != 0 ||
	    chosen->p[0].spi_size != 4) {
		mif_ike_stats.no_proposal++;
		MIF_LOG(ike, NOTICE, "peer %s: no ESP proposal in common: NO_PROPOSAL_CHOSEN",
			peer->name);
		return MIF_IKE_N_NO_PROPOSAL_CHOSEN;
	}
	if (ts_get(m, MIF_IKE_PLD_TSI, &tsi) != 0 ||
	    ts_get(m, MIF_IKE_PLD_TSR, &tsr) != 0 ||
	    mif_ike_child_narrow(peer, &tsi, &tsr, ch) != 0) {
		MIF_LOG(ike, NOTICE, "peer %s: traffic selectors outside every child: TS_UNACCEPTABLE",
			peer->name);
		return MIF_IKE_N_TS_UNACCEPTABLE;
	}
	ch->spi_out = spi_get(&chosen->p[0]);
	if ((ch->spi_in = spi_new()) == 0)
		return MIF_IKE_N_TEMPORARY_FAILURE;
	chosen->p[0].spi[0] = (uint8_t)(ch->spi_in >> 24);
	chosen->p[0].spi[1] = (uint8_t)(ch->spi_in >> 16);
	chosen->p[0].spi[2] = (uint8_t)(ch->spi_in >> 8);
	chosen->p[0].spi[3] = (uint8_t)ch->spi_in;
	alg_from_prop(&chosen->p[0], &ch->alg);
	/* RFC 7296 1.3.1: transport only when asked and allowed. */
	ch->transport = peer->children[ch->cfg_child].transport &&
		mif_ike_msg_find_notify(m, MIF_IKE_N_USE_TRANSPORT_MODE) != NULL;
	return 0;
}

/* Key lengths of one direction: encryption (salt included for GCM)
 * and integrity. */
static void
key_lens(const struct mif_cfg_ike_prop *a, size_t *enc, size_t *integ)
{
	*enc = a->keylen / 8u + (a->encr == MIF_IKE_ENCR_AES_GCM_16 ? 4 : 0);
	switch (a->integ) {
	case MIF_IKE_INTEG_HMAC_SHA1_96:
		*integ = 20;
		break;
	case MIF_IKE_INTEG_HMAC_SHA2_256_128:
		*integ = 32;
		break;
	case MIF_IKE_INTEG_HMAC_SHA2_384_192:
		*integ = 48;
		break;
	case MIF_IKE_INTEG_HMAC_SHA2_512_256:
		*integ = 64;
		break;
	default:
		*integ = 0;
	}
}

static void
rekey_arm(const struct mif_ike_sa *sa, struct mif_ike_child *ch)
{
	uint64_t life = mif_ike_cfg->peers[sa->peer].child_lifetime;
	uint32_t jitter = 0;

	/* The initiator of the SA rekeys at 90% minus up to 5% of
	 * jitter; the responder 5% later, so both seldom start at once. */
	RAND_bytes((uint8_t *)&jitter, sizeof(jitter));
	life = life * 90 / 100 - (life * 5 / 100) * (jitter % 1000) / 1000;
	if (!sa->initiator)
		life += life * 5 / 100;
	ch->rekey_tsc = rte_get_tsc_cycles() + life * rte_get_tsc_hz();
}

int
mif_ike_child_up(struct mif_ike_sa *sa, struct mif_ike_child *ch,
		 const uint8_t *gir, size_t gir_len, const uint8_t *ni,
		 size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	struct mif_ike_child_keys k;
	struct mif_ike_child *slot = mif_ike_child_slot(sa);
	uint8_t km[2 * (36 + 64)];
	size_t enc, integ;
	const uint8_t *ir, *ri;
	int rc;

	if (slot == NULL) {
		MIF_LOG(ike, WARNING, "peer %s: more than %u Child SAs, new one dropped",
			peer->name, MIF_IKE_SA_MAX_CHILD);
		return -ENOSPC;
	}
	key_lens(&ch->alg, &enc, &integ);
	rc = mif_ike_child_keymat(&sa->keys, gir, gir_len, ni, ni_len, nr,
				  nr_len, km, 2 * (enc + integ));
	if (rc != 0)
		goto out;
	/* RFC 7296 2.17: initiator-to-responder keys come first. */
	ir = km;
	ri = km + enc + integ;
	memset(&k, 0, sizeof(k));
	k.enc_len = (uint8_t)enc;
	k.int_len = (uint8_t)integ;
	memcpy(k.enc_out, sa->initiator ? ir : ri, enc);
	memcpy(k.int_out, (sa->initiator ? ir : ri) + enc, integ);
	memcpy(k.enc_in, sa->initiator ? ri : ir, enc);
	memcpy(k.int_in, (sa->initiator ? ri : ir) + enc, integ);
	*slot = *ch;
	slot->used = true;
	rekey_arm(sa, slot);
	slot->installed = mif_ike_dp_install(sa, slot, &k) == 0;
	mif_ike_stats.child_up++;
	MIF_LOG(ike, NOTICE, "peer %s: Child SA %s established, SPIs 0x%08x in, 0x%08x out (%s, %s)",
		peer->name, peer->children[slot->cfg_child].name, slot->spi_in,
		slot->spi_out, slot->transport ? "transport" : "tunnel",
		slot->installed ? "installed" : "NOT installed");
	OPENSSL_cleanse(&k, sizeof(k));
out:
	OPENSSL_cleanse(km, sizeof(km));
	return rc;
}

void
mif_ike_child_down(struct mif_ike_sa *sa, struct mif_ike_child *ch,
		   const char *why)
{
	const char *peer = sa->peer >= 0 ? mif_ike_cfg->peers[sa->peer].name :
		"?";

	if (ch->installed)
		mif_ike_dp_remove(sa, ch);
	mif_ike_stats.child_down++;
	MIF_LOG(ike, NOTICE, "peer %s: Child SA 0x%08x/0x%08x removed: %s",
		peer, ch->spi_in, ch->spi_out, why);
	memset(ch, 0, sizeof(*ch));
}

struct mif_ike_child *
mif_ike_child_find(struct mif_ike_sa *sa, uint32_t spi, bool ours)
{
	unsigned int i;

	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		if (sa->child[i].used &&
		    (ours ? sa->child[i].spi_in : sa->child[i].spi_out) == spi)
			return &sa->child[i];
	return NULL;
}

struct mif_ike_child *
mif_ike_child_slot(struct mif_ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		if (!sa->child[i].used)
			return &sa->child[i];
	return NULL;
}

void
mif_ike_child_confirm(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	static struct mif_ike_sa_props offer, reply;
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	struct mif_ike_child *ch = &sa->pending;
	const struct mif_ike_pld *p = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	const struct mif_ike_pld *nr = mif_ike_msg_find(m, MIF_IKE_PLD_NONCE);
	bool in_auth = m->hdr.exchange == MIF_IKE_EXCH_AUTH;
	static struct mif_ike_ts_set tsi, tsr;

	mif_ike_child_props(peer, ch->spi_in, &offer);
	if (p == NULL || mif_ike_pld_sa_parse(p->body, p->len, &reply) != 0 ||
	    mif_ike_sa_check_reply(&offer, &reply) != 0 ||
	    reply.p[0].spi_size != 4 || ts_get(m, MIF_IKE_PLD_TSI, &tsi) ||
	    ts_get(m, MIF_IKE_PLD_TSR, &tsr) || tsi.n == 0 || tsr.n == 0 ||
	    (!in_auth && nr == NULL)) {
		mif_ike_stats.rx_bad++;
		MIF_LOG(ike, NOTICE, "peer %s: unusable Child SA in the response, not installed",
			peer->name);
		return;
	}
	ch->spi_out = spi_get(&reply.p[0]);
	alg_from_prop(&reply.p[0], &ch->alg);
	/* XXX(#5): the responder's narrowing is taken as it is, without
	 * checking that it stays inside what we proposed. */
	ch->ts_local = tsi;
	ch->ts_remote = tsr;
	ch->transport = ch->transport &&
		mif_ike_msg_find_notify(m, MIF_IKE_N_USE_TRANSPORT_MODE) != NULL;
	if (in_auth)
		mif_ike_child_up(sa, ch, NULL, 0, sa->ni, sa->ni_len, sa->nr,
				 sa->nr_len);
	else
		mif_ike_child_up(sa, ch, NULL, 0, sa->cn, sa->cn_len,
				 nr->body, nr->len);
}

/* Responder side of a Child SA rekey or a new Child SA. */
static void
child_new(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
	  struct mif_ike_child *old)
{
	static struct mif_ike_sa_props chosen;
	const struct mif_ike_pld *ni = mif_ike_msg_find(m, MIF_IKE_PLD_NONCE);
	struct mif_ike_child ch;
	struct mif_ike_gen g;
	uint8_t nr[NONCE_LEN];
	uint16_t err;

	err = ni == NULL ? MIF_IKE_N_INVALID_SYNTAX :
		mif_ike_child_slot(sa) == NULL ? MIF_IKE_N_NO_ADDITIONAL_SAS :
		mif_ike_child_accept(sa, m, &ch, &chosen);
	if (err == 0 && RAND_bytes(nr, sizeof(nr)) != 1)
		err = MIF_IKE_N_TEMPORARY_FAILURE;
	if (mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
			     MIF_IKE_EXCH_CREATE_CHILD_SA, true,
			     m->hdr.msgid) != 0)
		return;
	if (err != 0) {
		mif_ike_add_notify(&g, err, NULL, 0);
		mif_ike_send_response(sa, &g);
		return;
	}
	if (old != NULL)
		ch.rekey_of = old->spi_in;
	if (mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, nr, sizeof(nr)) != 0 ||
	    mif_ike_auth_add_child(&g, &ch, &chosen, false) != 0 ||
	    mif_ike_send_response(sa, &g) != 0)
		return;
	if (old != NULL) {
		mif_ike_stats.rekey_child++;
		/* The initiator of the rekey deletes the old SA (RFC 7296
		 * 2.8); until then both stay installed. */
		old->rekey_tsc = UINT64_MAX;
	}
	mif_ike_child_up(sa, &ch, NULL, 0, ni->body, ni->len, nr, sizeof(nr));
}

void
mif_ike_child_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	struct mif_ike_child *old = NULL;
	struct mif_ike_gen g;

	/* RFC 7296 1.3.2: an IKE SA rekey has no selectors. */
	if (mif_ike_msg_find(m, MIF_IKE_PLD_KE) != NULL &&
	    mif_ike_msg_find(m, MIF_IKE_PLD_TSI) == NULL) {
		mif_ike_rekey_request(sa, m);
		return;
	}
	p = mif_ike_msg_find_notify(m, MIF_IKE_N_REKEY_SA);
	if (p != NULL && mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
	    n.spi_size == 4) {
		old = mif_ike_child_find(sa, (uint32_t)n.spi[0] << 24 |
					 (uint32_t)n.spi[1] << 16 |
					 (uint32_t)n.spi[2] << 8 | n.spi[3],
					 false);
		if (old == NULL) {
			if (mif_ike_sk_start(sa, &g, sa->resp,
					     sizeof(sa->resp),
					     MIF_IKE_EXCH_CREATE_CHILD_SA,
					     true, m->hdr.msgid) == 0 &&
			    mif_ike_add_notify(&g, MIF_IKE_N_CHILD_SA_NOT_FOUND,
					       NULL, 0) == 0)
				mif_ike_send_response(sa, &g);
			return;
		}
	}
	child_new(sa, m, old);
}

int
mif_ike_child_rekey(struct mif_ike_sa *sa, struct mif_ike_child *old)
{
	static struct mif_ike_sa_props esp;
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	struct mif_ike_child *ch = &sa->pending;
	uint8_t spi[4];
	struct mif_ike_notify n = { .proto = MIF_IKE_PROTO_ESP, .spi_size = 4,
				    .type = MIF_IKE_N_REKEY_SA, .spi = spi };
	struct mif_ike_gen g;
	int rc;

	old->rekey_tsc = UINT64_MAX;
	*ch = *old;
	ch->used = ch->installed = false;
	ch->rekey_of = old->spi_in;
	ch->spi_in = spi_new();
	spi[0] = (uint8_t)(old->spi_in >> 24);
	spi[1] = (uint8_t)(old->spi_in >> 16);
	spi[2] = (uint8_t)(old->spi_in >> 8);
	spi[3] = (uint8_t)old->spi_in;
	sa->cn_len = NONCE_LEN;
	if (ch->spi_in == 0 || RAND_bytes(sa->cn, NONCE_LEN) != 1)
		return -EIO;
	mif_ike_child_props(peer, ch->spi_in, &esp);
	if ((rc = mif_ike_sk_start(sa, &g, sa->req_buf, sizeof(sa->req_buf),
				   MIF_IKE_EXCH_CREATE_CHILD_SA, false,
				   sa->msgid_out)) != 0 ||
	    (rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_NOTIFY, false)) != 0 ||
	    (rc = mif_ike_pld_notify_build(&g.wr, &n)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0)
		return rc;
	/* RFC 7296 3.10: the SA payload must precede the nonce. */
	if ((rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false)) != 0 ||
	    (rc = mif_ike_pld_sa_build(&g.wr, &esp)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0 ||
	    (rc = mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, sa->cn,
				  sa->cn_len)) != 0)
		return rc;
	if (ch->transport &&
	    (rc = mif_ike_add_notify(&g, MIF_IKE_N_USE_TRANSPORT_MODE, NULL,
				     0)) != 0)
		return rc;
	/* We initiate this exchange: TSi is our side. */
	if ((rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_TSI, false)) != 0 ||
	    (rc = mif_ike_pld_ts_build(&g.wr, &ch->ts_local)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0 ||
	    (rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_TSR, false)) != 0 ||
	    (rc = mif_ike_pld_ts_build(&g.wr, &ch->ts_remote)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0)
		return rc;
	mif_ike_stats.rekey_child++;
	MIF_LOG(ike, INFO, "peer %s: rekeying Child SA 0x%08x", peer->name,
		old->spi_in);
	return mif_ike_send_request(sa, &g, MIF_IKE_REQ_CHILD_REKEY);
}

void
mif_ike_child_response(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	uint32_t old = sa->pending.rekey_of;
	uint16_t err = mif_ike_msg_error(m);

	if (err != 0) {
		MIF_LOG(ike, NOTICE, "peer %s: CREATE_CHILD_SA refused with notify %u",
			peer->name, err);
		return;
	}
	mif_ike_child_confirm(sa, m);
	/* New SA in place: now the old one may go (RFC 7296 2.8). */
	if (old != 0 && mif_ike_child_find(sa, sa->pending.spi_in, true))
		mif_ike_info_delete(sa, old);
}
