/* SPDX-License-Identifier: BSD-3-Clause */
/* The "neighbors" section: static ARP/ND entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_internal.h"

static int
neigh_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	    struct mif_cfg_neigh *nb)
{
	static const char *const allowed[] = { "ip", "mac", "port", NULL };
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_as_group(ctx, g, "neighbor settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "ip", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &nb->ip)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "mac", true, "a MAC address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_mac(ctx, s, nb->mac)) != 0)
		return rc;
	/* The name is resolved by the link step, once all ports are in. */
	return mif_cfg_member(ctx, g, "port", true, "a port name", &s);
}

int
mif_cfg_parse_neighs(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, true, 0, MIF_CFG_MAX_NEIGHS,
				 "neighbor groups")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	if (n == 0)
		return 0;
	cfg->neighs = calloc(n, sizeof(*cfg->neighs));
	if (cfg->neighs == NULL)
		return mif_cfg_err(ctx, s, "out of memory for %u neighbors", n);
	cfg->n_neighs = n;
	for (i = 0; i < n; i++)
		if ((rc = neigh_parse(ctx, config_setting_get_elem(s, i),
				      &cfg->neighs[i])) != 0)
			return rc;
	return 0;
}

int
mif_cfg_link_neighs(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	const struct mif_cfg_neigh *a, *b;
	const config_setting_t *g, *ip;
	unsigned int i, j;
	int rc;

	for (i = 0; i < cfg->n_neighs; i++) {
		g = config_setting_get_elem(s, i);
		ip = config_setting_get_member(g, "ip");
		b = &cfg->neighs[i];
		if ((rc = mif_cfg_port_ref(ctx, g, &cfg->neighs[i].port)) != 0 ||
		    (rc = mif_cfg_onlink_check(ctx, ip, b->port, &b->ip)) != 0)
			return rc;
		/* 4096 entries at most: the quadratic scan stays below
		 * ten million comparisons. */
		for (j = 0; j < i; j++) {
			a = &cfg->neighs[j];
			if (a->port == b->port && mif_addr_eq(&a->ip, &b->ip))
				return mif_cfg_err_got(ctx, ip,
						       "an address without an entry before on this port (neighbors[%u])",
						       j);
		}
	}
	return 0;
}
