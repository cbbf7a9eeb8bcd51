/* SPDX-License-Identifier: BSD-3-Clause */
/* From the "policies" section of the configuration to built SPDs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_spd.h"
#include "common/log.h"
#include "dataplane/spd.h"

_Static_assert(MIF_CFG_PROTO_ANY == MIF_SPD_PROTO_ANY,
	       "the loader and the SPD spell \"any\" alike");

static int
rule_from_cfg(const struct mif_cfg *cfg, const struct mif_cfg_policy *p,
	      mif_spd_sa_resolve_t resolve, void *arg,
	      struct mif_spd_rule *r)
{
	int rc;

	r->sel.src = p->src;
	r->sel.dst = p->dst;
	r->sel.proto = p->proto;
	r->sel.sport_lo = p->sport_lo;
	r->sel.sport_hi = p->sport_hi;
	r->sel.dport_lo = p->dport_lo;
	r->sel.dport_hi = p->dport_hi;
	r->priority = p->priority;
	r->sa_id = 0;
	switch (p->action) {
	case MIF_CFG_POLICY_PROTECT:
		r->action = MIF_SPD_PROTECT;
		if ((rc = resolve(arg, p->sa, &r->sa_id)) != 0) {
			MIF_LOG(dp, ERR, "%s:%u: policy names SA \"%s\", which is not configured",
				cfg->path, p->line, p->sa);
			return rc;
		}
		return 0;
	case MIF_CFG_POLICY_BYPASS:
		r->action = MIF_SPD_BYPASS;
		return 0;
	default:
		r->action = MIF_SPD_DISCARD;
		return 0;
	}
}

int
mif_spd_cfg_build(const struct mif_cfg *cfg, enum mif_spd_dir dir,
		  mif_spd_sa_resolve_t resolve, void *arg, int socket_id,
		  struct mif_spd **out)
{
	struct mif_spd_rule *extra = NULL;
	unsigned int n = 0;
	int rc;

	/* Whoever rebuilds an SPD (start-up, the CLI) keeps the rules of
	 * the provider, so they are never lost to a rebuild. */
	if (mif_spd_cfg_extra != NULL) {
		extra = calloc(MIF_SPD_CFG_EXTRA_MAX, sizeof(*extra));
		if (extra == NULL)
			return -ENOMEM;
		n = mif_spd_cfg_extra(dir, extra, MIF_SPD_CFG_EXTRA_MAX);
	}
	rc = mif_spd_cfg_build_extra(cfg, dir, extra, n, resolve, arg,
				     socket_id, out);
	free(extra);
	return rc;
}

unsigned int (*mif_spd_cfg_extra)(enum mif_spd_dir dir,
				  struct mif_spd_rule *rules,
				  unsigned int max);

int
mif_spd_cfg_build_extra(const struct mif_cfg *cfg, enum mif_spd_dir dir,
			const struct mif_spd_rule *extra, unsigned int n_extra,
			mif_spd_sa_resolve_t resolve, void *arg,
			int socket_id, struct mif_spd **out)
{
	struct mif_spd_params prm = {
		.name = dir == MIF_SPD_DIR_OUT ? "out" : "in",
		.dir = dir,
		.def_action = MIF_SPD_DISCARD,
		.socket_id = socket_id,
	};
	enum mif_cfg_policy_dir want = dir == MIF_SPD_DIR_OUT ?
				       MIF_CFG_POLICY_OUT : MIF_CFG_POLICY_IN;
	struct mif_spd_rule r;
	struct mif_spd *spd;
	unsigned int i;
	int rc = 0;

	*out = NULL;
	if ((spd = mif_spd_create(&prm)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n_extra; i++)
		if ((rc = mif_spd_rule_add(spd, &extra[i])) != 0)
			goto out;
	for (i = 0; i < cfg->n_policies; i++) {
		if (cfg->policies[i].dir != want)
			continue;
		if ((rc = rule_from_cfg(cfg, &cfg->policies[i], resolve, arg,
					&r)) != 0)
			goto out;
		/* The loader checked what the SPD checks; a refusal here
		 * is a mismatch between the two and is reported as such. */
		if ((rc = mif_spd_rule_add(spd, &r)) != 0) {
			MIF_LOG(dp, ERR, "%s:%u: policy refused by the SPD: %s",
				cfg->path, cfg->policies[i].line,
				strerror(-rc));
			goto out;
		}
	}
	if ((rc = mif_spd_build(spd)) != 0)
		goto out;
	MIF_LOG(dp, INFO, "spd %s: %u policies", prm.name,
		mif_spd_rule_count(spd));
	*out = spd;
out:
	if (rc != 0)
		mif_spd_destroy(spd);
	return rc;
}
