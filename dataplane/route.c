/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_lcore.h>

#include "common/log.h"
#include "dataplane/port.h"
#include "dataplane/route.h"

/* DIR-24-8 with 2-byte next hops spends 32 MiB on its first level; one
 * bit marks extended entries, so indices stay below 2^15. */
#define ROUTE_NH_MAX	((1u << 15) - 1)

/* Sizes the FIBs need for this configuration. */
struct route_sizes {
	unsigned int v4, v6;		/* prefixes per family */
	unsigned int tbl8_v4, tbl8_v6;	/* second-level groups */
};

static void
sizes_add(struct route_sizes *s, const struct mif_prefix *p)
{
	if (p->addr.family == AF_INET) {
		s->v4++;
		if (p->len > 24)
			s->tbl8_v4++;
	} else {
		s->v6++;
		/* The trie has a 24-bit first level, then 8 bits a level. */
		if (p->len > 24)
			s->tbl8_v6 += (p->len - 24 + 7) / 8;
	}
}

static void
sizes_count(const struct mif_cfg *cfg, const struct mif_port *ports,
	    unsigned int n_ports, struct route_sizes *s)
{
	struct mif_prefix host;
	unsigned int i, j;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n_ports; i++) {
		for (j = 0; j < ports[i].n_addrs; j++) {
			host = ports[i].addrs[j];
			sizes_add(s, &host);	/* connected */
			host.len = host.addr.family == AF_INET ? 32 : 128;
			sizes_add(s, &host);	/* local, and broadcast */
			sizes_add(s, &host);
		}
		host.addr = ports[i].ll6;
		host.len = 128;
		sizes_add(s, &host);
	}
	for (i = 0; i < cfg->n_routes; i++)
		sizes_add(s, &cfg->routes[i].dst);
}

static int
route_fibs_create(struct mif_route_table *rt, const struct route_sizes *s,
		  const char *name)
{
	struct rte_fib_conf c4;
	struct rte_fib6_conf c6;
	char n[64];

	memset(&c4, 0, sizeof(c4));
	c4.type = RTE_FIB_DIR24_8;
	c4.default_nh = MIF_NH_IDX_NONE;
	c4.max_routes = (int)s->v4 + 16;
	c4.dir24_8.nh_sz = RTE_FIB_DIR24_8_2B;
	c4.dir24_8.num_tbl8 = s->tbl8_v4 + 16;
	snprintf(n, sizeof(n), "%s_v4", name);
	rt->fib4 = rte_fib_create(n, (int)rte_socket_id(), &c4);
	if (rt->fib4 == NULL) {
		MIF_LOG(dp, ERR, "fib %s: create for %u routes: %s", n, s->v4,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}

	memset(&c6, 0, sizeof(c6));
	c6.type = RTE_FIB6_TRIE;
	c6.default_nh = MIF_NH_IDX_NONE;
	c6.max_routes = (int)s->v6 + 16;
	c6.trie.nh_sz = RTE_FIB6_TRIE_2B;
	c6.trie.num_tbl8 = s->tbl8_v6 + 64;
	snprintf(n, sizeof(n), "%s_v6", name);
	rt->fib6 = rte_fib6_create(n, (int)rte_socket_id(), &c6);
	if (rt->fib6 == NULL) {
		MIF_LOG(dp, ERR, "fib %s: create for %u routes: %s", n, s->v6,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static int
route_add(struct mif_route_table *rt, const struct mif_prefix *p,
	  uint32_t nh)
{
	char buf[MIF_PREFIX_STRLEN];
	int rc;

	if (p->addr.family == AF_INET)
		rc = rte_fib_add(rt->fib4, rte_be_to_cpu_32(p->addr.v4),
				 p->len, nh);
	else
		rc = rte_fib6_add(rt->fib6, p->addr.v6, p->len, nh);
	if (rc != 0) {
		MIF_LOG(dp, ERR, "route %s: add: %s",
			mif_prefix_fmt(p, buf, sizeof(buf)), strerror(-rc));
		return rc;
	}
	rt->n_routes++;
	return 0;
}

/* Gateways are shared by the routes through them. */
static int
nh_find_or_add(struct mif_route_table *rt, unsigned int max,
	       uint8_t kind, unsigned int port, const struct mif_addr *gw)
{
	struct mif_nh *e;
	unsigned int i;

	for (i = MIF_NH_IDX_FIRST; i < rt->n_nh; i++) {
		e = &rt->nh[i];
		if (e->kind == kind && e->port == port &&
		    (kind != MIF_NH_GATEWAY || mif_addr_eq(&e->gw, gw)))
			return (int)i;
	}
	if (rt->n_nh >= max) {
		MIF_LOG(dp, ERR, "next-hop table full (%u entries)", max);
		return -ENOSPC;
	}
	e = &rt->nh[rt->n_nh];
	e->kind = kind;
	e->port = (uint16_t)port;
	if (gw != NULL)
		e->gw = *gw;
	return (int)rt->n_nh++;
}

/* Host bits cleared: interface addresses carry them. */
static void
prefix_mask(struct mif_prefix *p)
{
	unsigned int i, bits = p->len;
	uint32_t m;

	if (p->addr.family == AF_INET) {
		m = bits == 0 ? 0 : ~0u << (32 - bits);
		p->addr.v4 = rte_cpu_to_be_32(rte_be_to_cpu_32(p->addr.v4) & m);
		return;
	}
	for (i = 0; i < 16; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			p->addr.v6[i] &= (uint8_t)(0xff00 >> bits);
			bits = 0;
		}
	}
}

static int
route_add_connected(struct mif_route_table *rt, const struct mif_port *ports,
		    unsigned int n_ports, unsigned int max)
{
	struct mif_prefix net;
	unsigned int i, j;
	int nh, rc;

	for (i = 0; i < n_ports; i++) {
		nh = nh_find_or_add(rt, max, MIF_NH_CONNECTED, i, NULL);
		if (nh < 0)
			return nh;
		for (j = 0; j < ports[i].n_addrs; j++) {
			net = ports[i].addrs[j];
			prefix_mask(&net);
			if ((rc = route_add(rt, &net, (uint32_t)nh)) != 0)
				return rc;
		}
	}
	return 0;
}

static int
route_add_config(struct mif_route_table *rt, const struct mif_cfg *cfg,
		 unsigned int max)
{
	const struct mif_cfg_route *r;
	unsigned int i;
	int nh, rc;

	for (i = 0; i < cfg->n_routes; i++) {
		r = &cfg->routes[i];
		if (r->has_via)
			nh = nh_find_or_add(rt, max, MIF_NH_GATEWAY, r->port,
					    &r->via);
		else
			nh = nh_find_or_add(rt, max, MIF_NH_CONNECTED, r->port,
					    NULL);
		if (nh < 0)
			return nh;
		if ((rc = route_add(rt, &r->dst, (uint32_t)nh)) != 0)
			return rc;
	}
	return 0;
}

/* The all-ones host address of an IPv4 subnet with room for one
 * (RFC 919 directed broadcast; /31 and /32 have none, RFC 3021). */
static bool
subnet_bcast(const struct mif_prefix *p, struct mif_prefix *host)
{
	uint32_t m;

	if (p->addr.family != AF_INET || p->len > 30)
		return false;
	m = p->len == 0 ? ~0u : ~(~0u << (32 - p->len));
	host->addr = p->addr;
	host->addr.v4 = rte_cpu_to_be_32(rte_be_to_cpu_32(p->addr.v4) | m);
	host->len = 32;
	return true;
}

/* Added last so that no configured prefix can hide our own addresses. */
static int
route_add_local(struct mif_route_table *rt, const struct mif_port *ports,
		unsigned int n_ports)
{
	struct mif_prefix host;
	unsigned int i, j;
	int rc;

	for (i = 0; i < n_ports; i++) {
		for (j = 0; j < ports[i].n_addrs; j++) {
			if (subnet_bcast(&ports[i].addrs[j], &host) &&
			    (rc = route_add(rt, &host, MIF_NH_IDX_BCAST)) != 0)
				return rc;
			host = ports[i].addrs[j];
			host.len = host.addr.family == AF_INET ? 32 : 128;
			if ((rc = route_add(rt, &host, MIF_NH_IDX_LOCAL)) != 0)
				return rc;
		}
		if (ports[i].ll6.family != AF_INET6)
			continue;
		host.addr = ports[i].ll6;
		host.len = 128;
		if ((rc = route_add(rt, &host, MIF_NH_IDX_LOCAL)) != 0)
			return rc;
	}
	return 0;
}

struct mif_route_table *
mif_route_table_create(const struct mif_cfg *cfg,
		       const struct mif_port *ports, unsigned int n_ports,
		       const char *name)
{
	struct mif_route_table *rt;
	struct route_sizes s;
	unsigned int max;

	rt = calloc(1, sizeof(*rt));
	if (rt == NULL)
		return NULL;
	max = RTE_MIN(MIF_NH_IDX_FIRST + n_ports + cfg->n_routes,
		      ROUTE_NH_MAX);
	rt->nh = calloc(max, sizeof(*rt->nh));
	if (rt->nh == NULL)
		goto out;
	rt->nh[MIF_NH_IDX_NONE].kind = MIF_NH_NONE;
	rt->nh[MIF_NH_IDX_LOCAL].kind = MIF_NH_LOCAL;
	rt->nh[MIF_NH_IDX_BCAST].kind = MIF_NH_BCAST;
	rt->n_nh = MIF_NH_IDX_FIRST;

	sizes_count(cfg, ports, n_ports, &s);
	if (route_fibs_create(rt, &s, name) != 0 ||
	    route_add_connected(rt, ports, n_ports, max) != 0 ||
	    route_add_config(rt, cfg, max) != 0 ||
	    route_add_local(rt, ports, n_ports) != 0)
		goto out;
	MIF_LOG(dp, INFO, "routes %s: %u prefixes, %u next hops", name,
		rt->n_routes, rt->n_nh);
	return rt;
out:
	mif_route_table_destroy(rt);
	return NULL;
}

void
mif_route_table_destroy(struct mif_route_table *rt)
{
	if (rt == NULL)
		return;
	rte_fib_free(rt->fib4);
	rte_fib6_free(rt->fib6);
	free(rt->nh);
	free(rt);
}

uint32_t
mif_route_lookup(const struct mif_route_table *rt, const struct mif_addr *dst)
{
	uint8_t ip6[1][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh = MIF_NH_IDX_NONE;
	uint32_t ip;

	if (dst->family == AF_INET) {
		ip = rte_be_to_cpu_32(dst->v4);
		rte_fib_lookup_bulk(rt->fib4, &ip, &nh, 1);
	} else {
		memcpy(ip6[0], dst->v6, sizeof(ip6[0]));
		rte_fib6_lookup_bulk(rt->fib6, ip6, &nh, 1);
	}
	return nh < rt->n_nh ? (uint32_t)nh : MIF_NH_IDX_NONE;
}
