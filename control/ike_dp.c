/* SPDX-License-Identifier: BSD-3-Clause */
/* Child SAs into the SAD, the SA table and the SPDs (ike_dp.h). Control
 * thread only; it is the single writer of those publications while the
 * daemon runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "common/log.h"
#include "common/state.h"
#include "control/ike_dp.h"
#include "control/ike_sa.h"
#include "dataplane/sa_cfg.h"
#include "dataplane/sad.h"
#include "dataplane/spd.h"

#define DP_SLOTS	MIF_SPD_CFG_EXTRA_MAX	/* Child SA pairs at once */
#define DP_REPLAY_WIN	64

struct dp_slot {
	bool used;
	uint64_t seq;			/* install order: newest first */
	uint32_t spi_in;
	struct mif_sa *in, *out;
	struct mif_spd_sel sel_in;	/* peer's side -> ours */
	struct mif_spd_sel sel_out;	/* ours -> peer's side */
	char name[MIF_NAME_LEN];
};

static const struct mif_cfg *dcfg;
static struct mif_sa_tab *base;		/* the static table */
static struct dp_slot slots[DP_SLOTS];
static uint64_t seq;
static bool warned;

static unsigned int rules_build(enum mif_spd_dir dir, struct mif_spd_rule *r,
				unsigned int max);

void
mif_ike_dp_init(const struct mif_cfg *cfg)
{
	dcfg = cfg;
	base = mif_state.sas;
	mif_spd_cfg_extra = rules_build;
}

static uint32_t
base_n(void)
{
	return base != NULL ? base->n : 0;
}

/* SA ids: the static SAs hold 1..n, then two per slot. */
static uint32_t
slot_id(unsigned int i, bool out)
{
	return base_n() + 1 + 2 * i + (out ? 1 : 0);
}

/* The longest prefix that starts at the range's start and stays inside
 * it: a range that is not a prefix is narrowed, never widened. */
static void
ts_prefix(const struct mif_ike_ts *t, struct mif_prefix *p)
{
	unsigned int alen = t->type == MIF_IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
	unsigned int len, i, bit;
	bool ok;

	memset(p, 0, sizeof(*p));
	p->addr.family = alen == 4 ? AF_INET : AF_INET6;
	memcpy(alen == 4 ? (void *)&p->addr.v4 : p->addr.v6, t->start, alen);
	for (len = 0; len < alen * 8; len++) {
		ok = true;
		for (i = 0; i < alen * 8 && ok; i++) {
			bit = 0x80u >> (i % 8);
			if (i < len)
				ok = (t->start[i / 8] & bit) ==
					(t->end[i / 8] & bit);
			else
				ok = !(t->start[i / 8] & bit) &&
					(t->end[i / 8] & bit);
		}
		if (ok)
			break;
	}
	p->len = (uint8_t)len;
}

static void
sel_make(const struct mif_ike_ts *src, const struct mif_ike_ts *dst,
	 struct mif_spd_sel *s)
{
	memset(s, 0, sizeof(*s));
	ts_prefix(src, &s->src);
	ts_prefix(dst, &s->dst);
	s->proto = src->ipproto != 0 ? src->ipproto : MIF_SPD_PROTO_ANY;
	s->sport_lo = src->start_port;
	s->sport_hi = src->end_port;
	s->dport_lo = dst->start_port;
	s->dport_hi = dst->end_port;
	/* Ports only mean something for TCP, UDP, SCTP and ICMP. */
	if (s->proto == MIF_SPD_PROTO_ANY) {
		s->sport_lo = s->dport_lo = 0;
		s->sport_hi = s->dport_hi = 65535;
	}
}

static void
params(const struct mif_ike_sa *sa, const struct mif_ike_child *ch,
       const struct mif_ike_child_keys *k, bool out, uint32_t id,
       struct mif_sa_params *p)
{
	bool gcm = ch->alg.encr == MIF_IKE_ENCR_AES_GCM_16;
	const uint8_t *ek = out ? k->enc_out : k->enc_in;
	const uint8_t *ik = out ? k->int_out : k->int_in;
	unsigned int life = mif_ike_cfg->peers[sa->peer].child_lifetime;

	memset(p, 0, sizeof(*p));
	p->spi = out ? ch->spi_out : ch->spi_in;
	p->id = id;
	p->dir = out ? MIF_SA_DIR_OUT : MIF_SA_DIR_IN;
	p->mode = ch->transport ? MIF_SA_MODE_TRANSPORT : MIF_SA_MODE_TUNNEL;
	p->ep.local = sa->path.local;
	p->ep.remote = sa->path.remote;
	/* RFC 3948: behind a NAT (or when the peer asks for it by faking
	 * one), ESP travels in UDP between the ports IKE now uses. */
	p->ep.udp_encap = sa->nat;
	p->ep.sport = sa->path.lport;
	p->ep.dport = sa->path.rport;
	p->cipher = gcm ? MIF_SA_CIPHER_AES_GCM16 : MIF_SA_CIPHER_AES_CBC;
	p->key_len = (uint8_t)(ch->alg.keylen / 8);
	memcpy(p->key, ek, p->key_len);
	if (gcm)
		memcpy(p->salt, ek + p->key_len, 4);
	p->auth = ch->alg.integ == MIF_IKE_INTEG_HMAC_SHA1_96 ?
		MIF_SA_AUTH_HMAC_SHA1_96 :
		ch->alg.integ == MIF_IKE_INTEG_HMAC_SHA2_256_128 ?
		MIF_SA_AUTH_HMAC_SHA256_128 : MIF_SA_AUTH_NONE;
	p->auth_key_len = k->int_len;
	memcpy(p->auth_key, ik, k->int_len);
	p->esn = ch->alg.esn;
	p->replay_win = out ? 0 : DP_REPLAY_WIN;
	p->df = MIF_SA_DF_COPY;
	/* The daemon rekeys at 90%; the hard limit is a safety net. The
	 * soft packet limit makes the workers ask for a rekey well before
	 * 32-bit sequence numbers run out. */
	p->hard.seconds = life + life / 10;
	p->soft.packets = mif_ike_cfg->peers[sa->peer].child_rekey_packets;
	if (p->soft.packets == 0 && !ch->alg.esn)
		p->soft.packets = (1ull << 32) - (1ull << 20);
	p->n_slots = dcfg->n_workers + 1;
}

/* A table of the static SAs plus every installed pair. */
static struct mif_sa_tab *
tab_build(void)
{
	uint32_t n = base_n(), top = 0, i;
	struct mif_sa_tab *t;
	struct mif_sa_ent *e;

	for (i = 0; i < DP_SLOTS; i++)
		if (slots[i].used)
			top = i + 1;
	t = calloc(1, sizeof(*t) + (n + 2 * top) * sizeof(t->ent[0]));
	if (t == NULL)
		return NULL;
	t->n = n + 2 * top;
	if (n > 0)
		memcpy(t->ent, base->ent, n * sizeof(t->ent[0]));
	for (i = 0; i < top; i++) {
		if (!slots[i].used)
			continue;
		e = &t->ent[slot_id(i, false) - 1];
		e->sa = slots[i].in;
		e->sels = &slots[i].sel_in;
		e->n_sels = 1;
		/* Bounded so that the suffix always fits (gcc's -O0 build
		 * proves -Wformat-truncation otherwise). */
		snprintf(e->name, sizeof(e->name), "%.27s-in", slots[i].name);
		e = &t->ent[slot_id(i, true) - 1];
		e->sa = slots[i].out;
		snprintf(e->name, sizeof(e->name), "%.27s-out", slots[i].name);
	}
	return t;
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct dp_slot *x = *(const struct dp_slot *const *)a;
	const struct dp_slot *y = *(const struct dp_slot *const *)b;

	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* PROTECT rules of the installed pairs for @p dir, newest first
 * (mif_spd_cfg_extra). */
static unsigned int
rules_build(enum mif_spd_dir dir, struct mif_spd_rule *r, unsigned int max)
{
	static const struct dp_slot *order[DP_SLOTS];
	unsigned int i, n = 0;

	for (i = 0; i < DP_SLOTS && n < max; i++)
		if (slots[i].used)
			order[n++] = &slots[i];
	qsort(order, n, sizeof(order[0]), rule_cmp);
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].action = MIF_SPD_PROTECT;
		r[i].sel = dir == MIF_SPD_DIR_OUT ? order[i]->sel_out :
			order[i]->sel_in;
		r[i].sa_id = slot_id((unsigned int)(order[i] - slots),
				     dir == MIF_SPD_DIR_OUT);
	}
	return n;
}

/* Publish a new SA table and both SPDs. The SPD publication waits for
 * a grace period after its store, which also covers the table stored
 * just before it: the old table is freed only then. */
static int
publish(void)
{
	struct mif_sa_tab *t, *old = mif_state.sas;
	struct mif_spd *spd;
	unsigned int d;
	int rc = 0;

	if ((t = tab_build()) == NULL)
		return -ENOMEM;
	__atomic_store_n(&mif_state.sas, t, __ATOMIC_RELEASE);
	for (d = 0; d < 2 && rc == 0; d++) {
		rc = mif_spd_cfg_build(dcfg, (enum mif_spd_dir)d,
				       mif_sa_tab_resolve, base, SOCKET_ID_ANY,
				       &spd);
		if (rc == 0 && (rc = mif_spd_publish(&mif_state.spd[d], spd,
						    mif_state.qsbr)) != 0)
			mif_spd_destroy(spd);
	}
	if (rc != 0) {
		MIF_LOG(ike, ERR, "SPD rebuild for the Child SAs failed: %s",
			strerror(-rc));
		rte_rcu_qsbr_synchronize(mif_state.qsbr, RTE_QSBR_THRID_INVALID);
	}
	/* Only the tables built here are ours to free; the static one's
	 * selectors belong to it and it is restored by fini. */
	if (old != base)
		free(old);
	return rc;
}

static struct dp_slot *
slot_of(uint32_t spi_in)
{
	unsigned int i;

	for (i = 0; i < DP_SLOTS; i++)
		if (slots[i].used && slots[i].spi_in == spi_in)
			return &slots[i];
	return NULL;
}

static int
sa_make(const struct mif_ike_sa *sa, const struct mif_ike_child *ch,
	const struct mif_ike_child_keys *k, unsigned int i, bool out,
	struct mif_sa **res)
{
	struct mif_sa_params p;
	int rc;

	params(sa, ch, k, out, slot_id(i, out), &p);
	*res = mif_sa_create(&p);
	OPENSSL_cleanse(&p, sizeof(p));
	if (*res == NULL)
		return -EINVAL;
	if ((rc = mif_sad_add(mif_state.sad, *res)) != 0) {
		mif_sa_destroy(*res);
		*res = NULL;
	}
	return rc;
}

int
mif_ike_dp_install(const struct mif_ike_sa *sa, const struct mif_ike_child *ch,
		   const struct mif_ike_child_keys *k)
{
	const struct mif_cfg_ike_peer *peer = &mif_ike_cfg->peers[sa->peer];
	struct dp_slot *s = NULL;
	unsigned int i;
	int rc;

	if (mif_state.sad == NULL || dcfg == NULL) {
		if (!warned)
			MIF_LOG(ike, ERR, "no IPsec dataplane: negotiated Child SAs are not installed");
		warned = true;
		return -ENOTSUP;
	}
	for (i = 0; i < DP_SLOTS && s == NULL; i++)
		if (!slots[i].used)
			s = &slots[i];
	if (s == NULL)
		return -ENOSPC;
	i = (unsigned int)(s - slots);
	memset(s, 0, sizeof(*s));
	if ((rc = sa_make(sa, ch, k, i, false, &s->in)) != 0 ||
	    (rc = sa_make(sa, ch, k, i, true, &s->out)) != 0)
		goto out;
	s->spi_in = ch->spi_in;
	s->seq = ++seq;
	sel_make(&ch->ts_remote.ts[0], &ch->ts_local.ts[0], &s->sel_in);
	sel_make(&ch->ts_local.ts[0], &ch->ts_remote.ts[0], &s->sel_out);
	snprintf(s->name, sizeof(s->name), "%.12s-%08x", peer->name,
		 ch->spi_in);
	s->used = true;
	if ((rc = publish()) != 0) {
		s->used = false;
		publish();
	}
out:
	if (rc != 0) {
		MIF_LOG(ike, ERR, "peer %s: Child SA 0x%08x not installed: %s",
			peer->name, ch->spi_in, strerror(-rc));
		if (s->in != NULL)
			mif_sad_del(mif_state.sad, s->in);
		if (s->out != NULL)
			mif_sad_del(mif_state.sad, s->out);
		memset(s, 0, sizeof(*s));
	}
	return rc;
}

void
mif_ike_dp_remove(const struct mif_ike_sa *sa, const struct mif_ike_child *ch)
{
	struct dp_slot *s = slot_of(ch->spi_in);

	(void)sa;
	if (s == NULL)
		return;
	/* Policies and table entries go first; the SAD frees (and wipes)
	 * the SAs after its own grace period. */
	s->used = false;
	publish();
	mif_sad_del(mif_state.sad, s->in);
	mif_sad_del(mif_state.sad, s->out);
	memset(s, 0, sizeof(*s));
}

void
mif_ike_dp_fini(void)
{
	struct mif_sa_tab *old = mif_state.sas;

	mif_spd_cfg_extra = NULL;
	if (dcfg == NULL || old == base)
		return;
	__atomic_store_n(&mif_state.sas, base, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(mif_state.qsbr, RTE_QSBR_THRID_INVALID);
	free(old);
}
