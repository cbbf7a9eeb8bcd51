/* SPDX-License-Identifier: BSD-3-Clause */
/* Static SAs: from the "sas" and "policies" sections to SAs in the SAD. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "common/cfg_sa.h"
#include "common/cfg_spd.h"
#include "common/log.h"
#include "dataplane/ifset.h"
#include "dataplane/sa_cfg.h"

static void
params_from_cfg(const struct mif_cfg_sa *c, uint64_t id,
		unsigned int n_slots, struct mif_sa_params *p)
{
	static const enum mif_sa_cipher cipher[] = {
		[MIF_CFG_SA_NULL] = MIF_SA_CIPHER_NULL,
		[MIF_CFG_SA_AES_CBC_128] = MIF_SA_CIPHER_AES_CBC,
		[MIF_CFG_SA_AES_CBC_256] = MIF_SA_CIPHER_AES_CBC,
		[MIF_CFG_SA_AES_GCM_128] = MIF_SA_CIPHER_AES_GCM16,
		[MIF_CFG_SA_AES_GCM_256] = MIF_SA_CIPHER_AES_GCM16,
	};
	static const enum mif_sa_auth auth[] = {
		[MIF_CFG_SA_AUTH_NONE] = MIF_SA_AUTH_NONE,
		[MIF_CFG_SA_HMAC_SHA1_96] = MIF_SA_AUTH_HMAC_SHA1_96,
		[MIF_CFG_SA_HMAC_SHA256_128] = MIF_SA_AUTH_HMAC_SHA256_128,
	};
	static const enum mif_sa_df df[] = {
		[MIF_CFG_SA_DF_COPY] = MIF_SA_DF_COPY,
		[MIF_CFG_SA_DF_CLEAR] = MIF_SA_DF_CLEAR,
		[MIF_CFG_SA_DF_SET] = MIF_SA_DF_SET,
	};

	memset(p, 0, sizeof(*p));
	p->spi = c->spi;
	p->id = id;
	p->dir = c->out ? MIF_SA_DIR_OUT : MIF_SA_DIR_IN;
	p->mode = c->transport ? MIF_SA_MODE_TRANSPORT : MIF_SA_MODE_TUNNEL;
	p->ep.local = c->local;
	p->ep.remote = c->remote;
	p->ep.udp_encap = c->udp_encap;
	p->ep.sport = c->sport;
	p->ep.dport = c->dport;
	p->cipher = cipher[c->cipher];
	memcpy(p->key, c->key, c->key_len);
	p->key_len = c->key_len;
	memcpy(p->salt, c->salt, sizeof(p->salt));
	p->auth = auth[c->auth];
	memcpy(p->auth_key, c->auth_key, c->auth_key_len);
	p->auth_key_len = c->auth_key_len;
	p->esn = c->esn;
	p->fragment = c->fragment;
	p->replay_win = c->out ? 0 : c->replay_window;
	p->df = df[c->df];
	p->soft.bytes = c->soft.bytes;
	p->soft.packets = c->soft.packets;
	p->soft.seconds = c->soft.seconds;
	p->hard.bytes = c->hard.bytes;
	p->hard.packets = c->hard.packets;
	p->hard.seconds = c->hard.seconds;
	p->n_slots = n_slots;
}

/* The inbound PROTECT policies naming SA @p k become its selectors. */
static int
sels_from_cfg(const struct mif_cfg *cfg, unsigned int k,
	      struct mif_sa_ent *e)
{
	const struct mif_cfg_policy *p;
	unsigned int i, n = 0;

	for (i = 0; i < cfg->n_policies; i++) {
		p = &cfg->policies[i];
		if (p->dir == MIF_CFG_POLICY_IN &&
		    p->action == MIF_CFG_POLICY_PROTECT &&
		    strcmp(p->sa, cfg->sas[k].name) == 0)
			n++;
	}
	if (n == 0)
		return 0;
	e->sels = calloc(n, sizeof(*e->sels));
	if (e->sels == NULL)
		return -ENOMEM;
	for (i = 0; i < cfg->n_policies; i++) {
		p = &cfg->policies[i];
		if (p->dir != MIF_CFG_POLICY_IN ||
		    p->action != MIF_CFG_POLICY_PROTECT ||
		    strcmp(p->sa, cfg->sas[k].name) != 0)
			continue;
		e->sels[e->n_sels].src = p->src;
		e->sels[e->n_sels].dst = p->dst;
		e->sels[e->n_sels].proto = p->proto;
		e->sels[e->n_sels].sport_lo = p->sport_lo;
		e->sels[e->n_sels].sport_hi = p->sport_hi;
		e->sels[e->n_sels].dport_lo = p->dport_lo;
		e->sels[e->n_sels].dport_hi = p->dport_hi;
		e->n_sels++;
	}
	return 0;
}

static int
sa_add(const struct mif_cfg *cfg, unsigned int k, struct mif_sad *sad,
       unsigned int n_slots, struct mif_sa_ent *e)
{
	const struct mif_cfg_sa *c = &cfg->sas[k];
	struct mif_sa_params p;
	int rc;

	params_from_cfg(c, k + 1, n_slots, &p);
	e->sa = mif_sa_create(&p);
	explicit_bzero(&p, sizeof(p));
	if (e->sa != NULL && mif_ifset_cfg_apply(e->sa->ifs, c) != 0) {
		mif_sa_destroy(e->sa);
		e->sa = NULL;
	}
	if (e->sa == NULL) {
		MIF_LOG(dp, ERR, "%s:%u: SA \"%s\" (spi 0x%x): cannot be created",
			cfg->path, c->line, c->name, c->spi);
		return -EINVAL;
	}
	if ((rc = mif_sad_add(sad, e->sa)) != 0) {
		MIF_LOG(dp, ERR, "%s:%u: SA \"%s\" (spi 0x%x): SAD refused it: %s",
			cfg->path, c->line, c->name, c->spi, strerror(-rc));
		mif_sa_destroy(e->sa);
		e->sa = NULL;
		return rc;
	}
	snprintf(e->name, sizeof(e->name), "%s", c->name);
	if ((rc = sels_from_cfg(cfg, k, e)) != 0)
		return rc;
	if (!c->out && e->n_sels == 0)
		MIF_LOG(dp, WARNING, "SA \"%s\" (spi 0x%x): no inbound protect policy names it, so every packet it decrypts fails the inner check",
			c->name, c->spi);
	return 0;
}

int
mif_sa_tab_create(const struct mif_cfg *cfg, struct mif_sad *sad,
		  unsigned int n_slots, struct mif_sa_tab **out)
{
	struct mif_sa_tab *t;
	unsigned int k;
	int rc = 0;

	*out = NULL;
	t = calloc(1, sizeof(*t) + cfg->n_sas * sizeof(t->ent[0]));
	if (t == NULL)
		return -ENOMEM;
	for (k = 0; k < cfg->n_sas; k++) {
		if ((rc = sa_add(cfg, k, sad, n_slots, &t->ent[k])) != 0)
			goto out;
		t->n = k + 1;
	}
	MIF_LOG(dp, INFO, "%u static SAs (%u inbound in the SAD)", t->n,
		mif_sad_count(sad));
	*out = t;
out:
	if (rc != 0)
		mif_sa_tab_destroy(t);
	return rc;
}

void
mif_sa_tab_destroy(struct mif_sa_tab *t)
{
	unsigned int i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->ent[i].sels);
	free(t);
}

int
mif_sa_tab_resolve(void *arg, const char *name, uint32_t *id)
{
	const struct mif_sa_tab *t = arg;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->ent[i].name, name) == 0) {
			*id = i + 1;
			return 0;
		}
	}
	return -ENOENT;
}
