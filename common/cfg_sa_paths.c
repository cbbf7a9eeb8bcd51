/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "common/cfg_sa_paths.h"

/* Same order as enum mif_ifset_state / _policy / _failback
 * (dataplane/ifset.h); REMOVED is not configurable. */
static const char *const state_names[] = {
	"active", "alternate", "removed", "pending", NULL
};
static const char *const policy_names[] = {
	"hash", "primary", "weighted", NULL
};
static const char *const fb_names[] = {
	"immediate", "never", "manual", NULL
};

static int
get_enum(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 const char *const names[], int *idx)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	return s == NULL ? 0 : mif_cfg_as_enum(ctx, s, names, idx);
}

static int
path_addrs(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   const struct mif_cfg_sa *sa, struct mif_cfg_sa_path *p)
{
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "local", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &p->local)) != 0)
		return rc;
	if (!mif_cfg_addr_unicast(&p->local))
		return mif_cfg_err_got(ctx, s, "a unicast address");
	if ((rc = mif_cfg_member(ctx, g, "remote", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &p->remote)) != 0)
		return rc;
	if (!mif_cfg_addr_unicast(&p->remote))
		return mif_cfg_err_got(ctx, s, "a unicast address");
	if (p->remote.family != p->local.family)
		return mif_cfg_err_got(ctx, s, "an address of the family of local (%s)",
				       p->local.family == AF_INET ? "IPv4" : "IPv6");
	/* Transport mode keeps the packets' own addresses, so every path
	 * must be of the SA's family; a tunnel may mix them. */
	if (sa->transport && p->local.family != sa->local.family)
		return mif_cfg_err_got(ctx, s, "an address of the SA's family (transport mode)");
	return 0;
}

/* ts = { local = "prefix"; remote = "prefix"; }: the path is an ADD
 * operation applied at start-up to the peer's SAs inside the selector.
 * Such a path has no position in this SA's set, so alt_of cannot name
 * it nor be used on it. */
static int
path_ts(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	struct mif_cfg_sa_path *p, bool alt)
{
	static const char *const allowed[] = { "local", "remote", NULL };
	const config_setting_t *t = config_setting_get_member(g, "ts");
	const config_setting_t *s;
	int rc;

	p->has_ts = false;
	if (t == NULL)
		return 0;
	if ((rc = mif_cfg_as_group(ctx, t, "traffic selector settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, t, allowed)) != 0 ||
	    (rc = mif_cfg_member(ctx, t, "local", true, "a prefix", &s)) != 0 ||
	    (rc = mif_cfg_as_prefix(ctx, s, false, &p->ts_local)) != 0 ||
	    (rc = mif_cfg_member(ctx, t, "remote", true, "a prefix", &s)) != 0 ||
	    (rc = mif_cfg_as_prefix(ctx, s, false, &p->ts_remote)) != 0)
		return rc;
	if (p->ts_remote.addr.family != p->ts_local.addr.family)
		return mif_cfg_err_got(ctx, s, "a prefix of the family of local (%s)",
				       p->ts_local.addr.family == AF_INET ?
				       "IPv4" : "IPv6");
	if (alt)
		return mif_cfg_err(ctx, t, "a path with ts cannot use alt_of");
	p->has_ts = true;
	return 0;
}

static int
path_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   const struct mif_cfg_sa *sa, unsigned int k,
	   struct mif_cfg_sa_path *p)
{
	static const char *const allowed[] = {
		"local", "remote", "sport", "dport", "state", "priority",
		"weight", "alt_of", "ts", NULL
	};
	unsigned int sport = sa->sport, dport = sa->dport, prio = 0, w = 1;
	unsigned int alt = 0;
	const config_setting_t *s;
	int rc, st = 0;

	if ((rc = mif_cfg_as_group(ctx, g, "path settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0 ||
	    (rc = path_addrs(ctx, g, sa, p)) != 0)
		return rc;
	if (!sa->udp_encap &&
	    ((s = config_setting_get_member(g, "sport")) != NULL ||
	     (s = config_setting_get_member(g, "dport")) != NULL))
		return mif_cfg_err(ctx, s, "ports need encap = \"udp\" on the SA");
	if ((rc = mif_cfg_get_uint(ctx, g, "sport", 1, UINT16_MAX,
				   &sport)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "dport", 1, UINT16_MAX,
				   &dport)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "priority", 0, 255, &prio)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "weight", 1, 1000, &w)) != 0 ||
	    (rc = get_enum(ctx, g, "state", state_names, &st)) != 0)
		return rc;
	if (st == 2)
		return mif_cfg_err_got(ctx, config_setting_get_member(g, "state"),
				       "\"active\", \"alternate\" or \"pending\"");
	/* alt_of: 0 is the SA's own path, k the k-th entry of paths. */
	if ((s = config_setting_get_member(g, "alt_of")) != NULL) {
		if ((rc = mif_cfg_as_uint(ctx, s, 0, k, &alt)) != 0)
			return rc;
		if (st != 1)
			return mif_cfg_err(ctx, s, "alt_of is for state = \"alternate\"");
		if (alt == k + 1)
			return mif_cfg_err(ctx, s, "a path cannot back up itself");
	}
	if ((rc = path_ts(ctx, g, p, s != NULL)) != 0)
		return rc;
	p->sport = (uint16_t)sport;
	p->dport = (uint16_t)dport;
	p->state = (uint8_t)st;
	p->priority = (uint8_t)prio;
	p->weight = (uint16_t)w;
	p->alt_of = s != NULL ? (int)alt : -1;
	p->line = mif_cfg_line(g);
	return 0;
}

/* Two entries (or an entry and the SA itself) with the same endpoints
 * would make the inbound check ambiguous. */
static bool
same(const struct mif_addr *l1, const struct mif_addr *r1,
     const struct mif_addr *l2, const struct mif_addr *r2)
{
	return mif_addr_eq(l1, l2) && mif_addr_eq(r1, r2);
}

int
mif_cfg_sa_paths_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
		       struct mif_cfg_sa *sa)
{
	const config_setting_t *s = config_setting_get_member(g, "paths");
	int rc, pol = 0, fb = 0;
	unsigned int i, j;

	if ((rc = get_enum(ctx, g, "path_policy", policy_names, &pol)) != 0 ||
	    (rc = get_enum(ctx, g, "failback", fb_names, &fb)) != 0)
		return rc;
	sa->path_policy = (uint8_t)pol;
	sa->failback = (uint8_t)fb;
	sa->n_paths = 0;
	if (s == NULL)
		return 0;
	if ((rc = mif_cfg_as_seq(ctx, s, true, 0, MIF_CFG_SA_MAX_PATHS,
				 "path groups")) != 0)
		return rc;
	for (i = 0; i < (unsigned int)config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		struct mif_cfg_sa_path *p = &sa->paths[i];

		if ((rc = path_parse(ctx, e, sa, i, p)) != 0)
			return rc;
		if (p->alt_of > 0 && sa->paths[p->alt_of - 1].has_ts)
			return mif_cfg_err(ctx, e, "alt_of: paths[%d] has a ts",
					   p->alt_of - 1);
		if (same(&p->local, &p->remote, &sa->local, &sa->remote))
			return mif_cfg_err(ctx, e, "the SA's own local/remote pair is already its first path");
		for (j = 0; j < i; j++)
			if (same(&p->local, &p->remote, &sa->paths[j].local,
				 &sa->paths[j].remote))
				return mif_cfg_err(ctx, e, "same local/remote as paths[%u]", j);
		sa->n_paths = i + 1;
	}
	/* Several paths reorder the SA's packets by their delay difference
	 * (docs/interface-sets.md, "Replay window"): an inbound SA with a
	 * paths list gets the wider window unless replay_window is set. */
	if (!sa->out && sa->n_paths > 0 &&
	    config_setting_get_member(g, "replay_window") == NULL)
		sa->replay_window = MIF_CFG_SA_PATHS_WIN;
	return 0;
}
