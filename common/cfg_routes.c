/* SPDX-License-Identifier: BSD-3-Clause */
/* The "routes" section: static routes, each bound to a port. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_internal.h"

static int
route_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	    struct mif_cfg_route *r)
{
	static const char *const allowed[] = { "prefix", "via", "port",
		NULL };
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_as_group(ctx, g, "route settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "prefix", true, "a prefix",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_prefix(ctx, s, false, &r->dst)) != 0)
		return rc;

	s = config_setting_get_member(g, "via");
	if (s != NULL) {
		if ((rc = mif_cfg_as_addr(ctx, s, &r->via)) != 0)
			return rc;
		if (r->via.family != r->dst.addr.family)
			return mif_cfg_err_got(ctx, s,
					       "an %s next hop, as the prefix is %s",
					       r->dst.addr.family == AF_INET ?
					       "IPv4" : "IPv6",
					       r->dst.addr.family == AF_INET ?
					       "IPv4" : "IPv6");
		r->has_via = true;
	}
	/* The name is resolved by the link step, once all ports are in. */
	return mif_cfg_member(ctx, g, "port", true, "a port name", &s);
}

int
mif_cfg_parse_routes(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, true, 0, MIF_CFG_MAX_ROUTES,
				 "route groups")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	if (n == 0)
		return 0;
	cfg->routes = calloc(n, sizeof(*cfg->routes));
	if (cfg->routes == NULL)
		return mif_cfg_err(ctx, s, "out of memory for %u routes", n);
	cfg->n_routes = n;
	for (i = 0; i < n; i++)
		if ((rc = route_parse(ctx, config_setting_get_elem(s, i),
				      &cfg->routes[i])) != 0)
			return rc;
	return 0;
}

static int
addr_cmp(const struct mif_addr *a, const struct mif_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	return memcmp(a->v6, b->v6, sizeof(a->v6));
}

/* Order route indices by prefix; ties by index so that the later of
 * two duplicates is the one reported. */
static int
route_idx_cmp(const void *pa, const void *pb, void *arg)
{
	const struct mif_cfg_route *routes = arg;
	unsigned int ia = *(const unsigned int *)pa;
	unsigned int ib = *(const unsigned int *)pb;
	const struct mif_prefix *a = &routes[ia].dst, *b = &routes[ib].dst;
	int c = addr_cmp(&a->addr, &b->addr);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Sorting keeps this O(n log n) for the 65536 routes allowed. */
static int
routes_unique(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	unsigned int *idx, i, bad = 0, first = 0;
	int rc = 0;

	idx = malloc(cfg->n_routes * sizeof(*idx));
	if (idx == NULL)
		return mif_cfg_err(ctx, s, "out of memory");
	for (i = 0; i < cfg->n_routes; i++)
		idx[i] = i;
	qsort_r(idx, cfg->n_routes, sizeof(*idx), route_idx_cmp, cfg->routes);
	/* Report the duplicate that comes first in the file, naming a
	 * route before it with the same prefix. */
	for (i = 1; i < cfg->n_routes; i++) {
		const struct mif_prefix *a = &cfg->routes[idx[i - 1]].dst;
		const struct mif_prefix *b = &cfg->routes[idx[i]].dst;

		if (a->len != b->len || addr_cmp(&a->addr, &b->addr) != 0)
			continue;
		if (rc == 0 || idx[i] < bad) {
			bad = idx[i];
			first = idx[i - 1];
			rc = -EINVAL;
		}
	}
	free(idx);
	if (rc != 0) {
		const config_setting_t *g = config_setting_get_elem(s, bad);

		return mif_cfg_err_got(ctx, config_setting_get_member(g,
								      "prefix"),
				       "a prefix without a route before (routes[%u])",
				       first);
	}
	return 0;
}

int
mif_cfg_link_routes(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	const config_setting_t *g;
	struct mif_cfg_route *r;
	unsigned int i;
	int rc;

	for (i = 0; i < cfg->n_routes; i++) {
		g = config_setting_get_elem(s, i);
		r = &cfg->routes[i];
		if ((rc = mif_cfg_port_ref(ctx, g, &r->port)) != 0)
			return rc;
		if (r->has_via &&
		    (rc = mif_cfg_onlink_check(ctx,
					       config_setting_get_member(g, "via"),
					       r->port, &r->via)) != 0)
			return rc;
	}
	return cfg->n_routes > 1 ? routes_unique(ctx, s) : 0;
}
