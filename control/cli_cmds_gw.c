/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Commands that read or change the running gateway as a whole: the
 * routing table, configuration check and reload.
 *
 * Reload follows the loader's rule (validate everything before applying
 * anything): the file is loaded and compared with the running
 * configuration first, and only when every changed part can be applied
 * at run time is any of it applied. What needs a restart (ports, worker
 * lcores, pool sizes, EAL options, CLI settings) refuses the reload and
 * says which key changed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_log.h>

#include "common/addr.h"
#include "common/cfg.h"
#include "common/cfg_sa.h"
#include "common/cfg_spd.h"
#include "common/log.h"
#include "common/state.h"
#include "control/cli_cmd.h"
#include "control/cli_gw.h"
#include "dataplane/port.h"
#include "dataplane/route.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static struct mif_cli_gw *
gw_of(struct mif_cli_exec *x)
{
	struct mif_cli_gw *gw = x->ctx;

	if (gw == NULL || gw->cfg == NULL) {
		mif_cli_printf(x->out, "%% not available: no gateway behind this CLI\n");
		return NULL;
	}
	return gw;
}

static const char *
port_name(unsigned int i)
{
	return i < mif_n_ports ? mif_ports[i].name : "?";
}

static void
prefix_host(const struct mif_prefix *in, struct mif_prefix *host)
{
	*host = *in;
	host->len = in->addr.family == AF_INET ? 32 : 128;
}

/* Host bits cleared, as the route module stores connected prefixes. */
static void
prefix_net(const struct mif_prefix *in, struct mif_prefix *net)
{
	unsigned int i, bits = in->len;

	*net = *in;
	if (in->addr.family == AF_INET) {
		net->addr.v4 = bits == 0 ? 0 : htonl(ntohl(in->addr.v4) &
						     (~0u << (32 - bits)));
		return;
	}
	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		net->addr.v6[i] &= (uint8_t)(0xff00 >> bits);
		bits = 0;
	}
}

/* As the route module: IPv4 subnets up to /30 have a broadcast
 * address, which is never forwarded. */
static bool
subnet_bcast(const struct mif_prefix *in, struct mif_prefix *host)
{
	uint32_t m;

	if (in->addr.family != AF_INET || in->len > 30)
		return false;
	m = in->len == 0 ? ~0u : ~(~0u << (32 - in->len));
	host->addr = in->addr;
	host->addr.v4 = htonl(ntohl(in->addr.v4) | m);
	host->len = 32;
	return true;
}

static void
route_row(struct mif_cli_table *t, const struct mif_prefix *p,
	  const char *kind, const struct mif_addr *via, const char *port)
{
	char ps[MIF_PREFIX_STRLEN], vs[MIF_ADDR_STRLEN];

	mif_cli_table_row(t, (const char *const[]){
		mif_prefix_fmt(p, ps, sizeof(ps)), kind,
		via != NULL ? mif_addr_fmt(via, vs, sizeof(vs)) : NULL,
		port });
}

static void
routes_of_ports(struct mif_cli_table *t)
{
	struct mif_prefix p;
	unsigned int i, k;

	for (i = 0; i < mif_n_ports; i++)
		for (k = 0; k < mif_ports[i].n_addrs; k++) {
			prefix_net(&mif_ports[i].addrs[k], &p);
			route_row(t, &p, "connected", NULL, mif_ports[i].name);
		}
	for (i = 0; i < mif_n_ports; i++) {
		for (k = 0; k < mif_ports[i].n_addrs; k++) {
			prefix_host(&mif_ports[i].addrs[k], &p);
			route_row(t, &p, "local", NULL, mif_ports[i].name);
			if (subnet_bcast(&mif_ports[i].addrs[k], &p))
				route_row(t, &p, "broadcast", NULL,
					  mif_ports[i].name);
		}
		if (mif_ports[i].ll6.family != AF_INET6)
			continue;
		p.addr = mif_ports[i].ll6;
		p.len = 128;
		route_row(t, &p, "local", NULL, mif_ports[i].name);
	}
}

/*
 * The FIBs cannot be walked, so the list is rebuilt from what the
 * published table was built from (ports and the running configuration,
 * in the route module's order); `show route ADDR` asks the table itself.
 */
static int
cmd_show_routes(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "prefix", "kind", "via", "port" };
	const struct mif_route_table *rt = mif_state.routes;
	struct mif_cli_gw *gw = gw_of(x);
	const struct mif_cfg_route *r;
	struct mif_cli_table t;
	unsigned int i;

	if (gw == NULL)
		return -ENODEV;
	/* First, so that a table too long for the output bound still
	 * says how big it is. */
	if (rt != NULL)
		mif_cli_printf(x->out, "published table: %u prefixes, %u next hops; %u configured routes\n",
			       rt->n_routes, rt->n_nh, gw->cfg->n_routes);
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	routes_of_ports(&t);
	for (i = 0; i < gw->cfg->n_routes && !mif_cli_out_full(x->out); i++) {
		r = &gw->cfg->routes[i];
		route_row(&t, &r->dst, r->has_via ? "gateway" : "connected",
			  r->has_via ? &r->via : NULL, port_name(r->port));
	}
	mif_cli_table_print(&t, x->out);
	return 0;
}

static int
cmd_show_route(struct mif_cli_exec *x)
{
	const struct mif_route_table *rt = mif_state.routes;
	const struct mif_addr *dst = &x->argv[2].addr;
	char ds[MIF_ADDR_STRLEN], gs[MIF_ADDR_STRLEN];
	const struct mif_nh *nh;

	if (rt == NULL) {
		mif_cli_printf(x->out, "%% no routing table published\n");
		return -ENODEV;
	}
	nh = &rt->nh[mif_route_lookup(rt, dst)];
	mif_addr_fmt(dst, ds, sizeof(ds));
	switch (nh->kind) {
	case MIF_NH_LOCAL:
		mif_cli_printf(x->out, "%s: local (an address of this gateway)\n", ds);
		break;
	case MIF_NH_BCAST:
		mif_cli_printf(x->out, "%s: subnet broadcast (dropped)\n", ds);
		break;
	case MIF_NH_CONNECTED:
		mif_cli_printf(x->out, "%s: connected on %s\n", ds,
			       port_name(nh->port));
		break;
	case MIF_NH_GATEWAY:
		mif_cli_printf(x->out, "%s: via %s on %s\n", ds,
			       mif_addr_fmt(&nh->gw, gs, sizeof(gs)),
			       port_name(nh->port));
		break;
	default:
		mif_cli_printf(x->out, "%s: no route\n", ds);
		break;
	}
	return 0;
}

static struct mif_cfg *
cfg_load(const char *path, struct mif_cli_out *out)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		mif_cli_printf(out, "%% out of memory\n");
		return NULL;
	}
	if (mif_cfg_load(path, c, err, sizeof(err)) != 0) {
		mif_cli_printf(out, "%% %s\n", err);
		mif_cfg_free(c);
		free(c);
		return NULL;
	}
	return c;
}

static void
cfg_release(struct mif_cfg *c)
{
	mif_cfg_free(c);
	free(c);
}

static int
cmd_config_check(struct mif_cli_exec *x)
{
	struct mif_cli_gw *gw = x->ctx;
	const char *path;
	struct mif_cfg *c;

	if (x->argc > 2)
		path = x->argv[2].str;
	else if (gw != NULL && gw->cfg != NULL)
		path = gw->cfg->path;
	else {
		mif_cli_printf(x->out, "%% no running configuration: name a file\n");
		return -ENOENT;
	}
	if ((c = cfg_load(path, x->out)) == NULL)
		return -EINVAL;
	mif_cli_printf(x->out, "%s: configuration OK\n", path);
	cfg_release(c);
	return 0;
}

/* Comparison of the parts that need a restart. Each returns true when
 * they differ and writes the reason. */

static bool
prefix_eq(const struct mif_prefix *a, const struct mif_prefix *b)
{
	return a->len == b->len && mif_addr_eq(&a->addr, &b->addr);
}

static bool
port_differs(const struct mif_cfg_port *a, const struct mif_cfg_port *b,
	     const char **what)
{
	unsigned int i;

	*what = strcmp(a->name, b->name) != 0 ? "name" :
		strcmp(a->dev, b->dev) != 0 ? "dev" :
		a->role != b->role ? "role" :
		a->mtu != b->mtu ? "mtu" :
		a->n_addrs != b->n_addrs ? "addresses" : NULL;
	for (i = 0; *what == NULL && i < a->n_addrs; i++)
		if (!prefix_eq(&a->addrs[i], &b->addrs[i]))
			*what = "addresses";
	return *what != NULL;
}

static bool
ports_differ(const struct mif_cfg *a, const struct mif_cfg *b, char *why,
	     size_t len)
{
	unsigned int i, n = a->n_ports;
	const char *what;

	/* main() appends the exception tap to the running port list. */
	if (a->exception_dev[0] != '\0' && n == b->n_ports + 1)
		n--;
	if (n != b->n_ports) {
		snprintf(why, len, "ports: %u ports instead of %u", b->n_ports,
			 a->n_ports);
		return true;
	}
	for (i = 0; i < n; i++)
		if (port_differs(&a->ports[i], &b->ports[i], &what)) {
			snprintf(why, len, "ports[%u].%s: changed (port %s)", i,
				 what, a->ports[i].name);
			return true;
		}
	return false;
}

static bool
system_differs(const struct mif_cfg *a, const struct mif_cfg *b, char *why,
	       size_t len)
{
	const char *key = NULL;
	unsigned int i;

	if (a->n_workers != b->n_workers ||
	    memcmp(a->workers, b->workers, a->n_workers * sizeof(a->workers[0])))
		key = "workers";
	else if (a->mbufs != b->mbufs)
		key = "dataplane.mbufs";
	else if (a->burst != b->burst)
		key = "dataplane.burst";
	else if (a->neigh_timeout_s != b->neigh_timeout_s)
		key = "dataplane.neigh_timeout";
	else if (a->neigh_queue_len != b->neigh_queue_len)
		key = "dataplane.neigh_queue";
	else if (a->icmp_rate != b->icmp_rate)
		key = "dataplane.icmp_rate";
	else if (a->idle_sleep_us != b->idle_sleep_us)
		key = "dataplane.idle_sleep_us";
	else if (a->eal_argc != b->eal_argc)
		key = "eal";
	for (i = 0; key == NULL && i < a->eal_argc; i++)
		if (strcmp(a->eal_argv[i], b->eal_argv[i]) != 0)
			key = "eal";
	if (key == NULL && memcmp(&a->cli, &b->cli, sizeof(a->cli)) != 0)
		key = "cli";
	if (key == NULL && strcmp(a->exception_dev, b->exception_dev) != 0)
		key = "exception";
	if (key == NULL && a->n_sas != b->n_sas)
		key = "sas";
	/* Loaded into zeroed memory, so whole-struct compares see only
	 * what the file said; a false difference refuses, never applies. */
	for (i = 0; key == NULL && i < a->n_sas; i++)
		if (memcmp(&a->sas[i], &b->sas[i], sizeof(a->sas[i])) != 0)
			key = "sas";
	if (key == NULL && (a->ike.n_peers != b->ike.n_peers ||
			    a->ike.cookie_threshold != b->ike.cookie_threshold ||
			    a->ike.max_half_open != b->ike.max_half_open ||
			    a->ike.max_sas != b->ike.max_sas))
		key = "ike";
	for (i = 0; key == NULL && i < a->ike.n_peers; i++)
		if (memcmp(&a->ike.peers[i], &b->ike.peers[i],
			   sizeof(a->ike.peers[i])) != 0)
			key = "ike";
	if (key != NULL)
		snprintf(why, len, "%s: changed", key);
	return key != NULL;
}

static bool
neighs_differ(const struct mif_cfg *a, const struct mif_cfg *b)
{
	unsigned int i;

	if (a->n_neighs != b->n_neighs)
		return true;
	for (i = 0; i < a->n_neighs; i++)
		if (!mif_addr_eq(&a->neighs[i].ip, &b->neighs[i].ip) ||
		    memcmp(a->neighs[i].mac, b->neighs[i].mac, 6) != 0 ||
		    a->neighs[i].port != b->neighs[i].port)
			return true;
	return false;
}

static bool
policy_eq(const struct mif_cfg_policy *a, const struct mif_cfg_policy *b)
{
	return a->dir == b->dir && prefix_eq(&a->src, &b->src) &&
		prefix_eq(&a->dst, &b->dst) && a->proto == b->proto &&
		a->sport_lo == b->sport_lo && a->sport_hi == b->sport_hi &&
		a->dport_lo == b->dport_lo && a->dport_hi == b->dport_hi &&
		a->priority == b->priority && a->action == b->action &&
		strcmp(a->sa, b->sa) == 0;
}

static bool
policies_differ(const struct mif_cfg *a, const struct mif_cfg *b)
{
	unsigned int i;

	if (a->n_policies != b->n_policies)
		return true;
	for (i = 0; i < a->n_policies; i++)
		if (!policy_eq(&a->policies[i], &b->policies[i]))
			return true;
	return false;
}

/* What reload cannot apply: the first such difference, or false. */
static bool
needs_restart(const struct mif_cfg *run, const struct mif_cfg *next,
	      char *why, size_t len)
{
	if (ports_differ(run, next, why, len) ||
	    system_differs(run, next, why, len))
		return true;
	if (neighs_differ(run, next)) {
		snprintf(why, len, "neighbors: static neighbours changed");
		return true;
	}
	if (policies_differ(run, next)) {
		snprintf(why, len, "policies: changed, and the running gateway cannot rebuild its policies yet");
		return true;
	}
	return false;
}

static bool
routes_differ(const struct mif_cfg *a, const struct mif_cfg *b)
{
	const struct mif_cfg_route *x, *y;
	unsigned int i;

	if (a->n_routes != b->n_routes)
		return true;
	for (i = 0; i < a->n_routes; i++) {
		x = &a->routes[i];
		y = &b->routes[i];
		if (!prefix_eq(&x->dst, &y->dst) || x->has_via != y->has_via ||
		    x->port != y->port ||
		    (x->has_via && !mif_addr_eq(&x->via, &y->via)))
			return true;
	}
	return false;
}

static bool
logs_differ(const struct mif_cfg *a, const struct mif_cfg *b)
{
	unsigned int i;

	if (a->n_logs != b->n_logs)
		return true;
	for (i = 0; i < a->n_logs; i++)
		if (strcmp(a->logs[i].subsystem, b->logs[i].subsystem) != 0 ||
		    a->logs[i].level != b->logs[i].level)
			return true;
	return false;
}

/* Build a table from @next aside, publish it, free the old one after a
 * grace period: workers holding the old pointer finish their burst. */
static int
routes_apply(struct mif_cli_gw *gw, struct mif_cfg *next,
	     struct mif_cli_out *out)
{
	struct mif_route_table *old = mif_state.routes, *rt;
	struct mif_cfg_route *tmp;
	unsigned int n;
	char name[32];

	snprintf(name, sizeof(name), "mif_rt%u", ++gw->rt_gen);
	rt = mif_route_table_create(next, mif_ports, mif_n_ports, name);
	if (rt == NULL) {
		mif_cli_printf(out, "%% routes: cannot build the new table (see show log)\n");
		return -ENOMEM;
	}
	mif_state_publish(routes, rt);
	mif_state_rcu_synchronize();
	mif_route_table_destroy(old);

	/* The running configuration takes the new list; @next the old. */
	tmp = gw->cfg->routes;
	n = gw->cfg->n_routes;
	gw->cfg->routes = next->routes;
	gw->cfg->n_routes = next->n_routes;
	next->routes = tmp;
	next->n_routes = n;
	mif_cli_printf(out, "routes: %u configured routes, table %s published (%u prefixes)\n",
		       gw->cfg->n_routes, name, rt->n_routes);
	return 0;
}

static void
logs_apply(struct mif_cfg *run, const struct mif_cfg *next,
	   struct mif_cli_out *out)
{
	unsigned int i;

	for (i = 0; i < next->n_logs; i++)
		if (mif_log_set_level(next->logs[i].subsystem,
				      next->logs[i].level) != 0)
			mif_cli_printf(out, "%% log: cannot set level of '%s'\n",
				       next->logs[i].subsystem);
	memcpy(run->logs, next->logs, sizeof(run->logs));
	run->n_logs = next->n_logs;
	mif_cli_printf(out, "log levels: applied (%u entries)\n",
		       next->n_logs);
}

static int
cmd_config_reload(struct mif_cli_exec *x)
{
	struct mif_cli_gw *gw = gw_of(x);
	uint64_t t0 = now_us(), t1;
	bool rdiff, ldiff;
	struct mif_cfg *next;
	char why[256];
	int rc = 0;

	if (gw == NULL)
		return -ENODEV;
	/* The control thread stops here for the load, a table build and a
	 * grace period; workers keep forwarding on the old table. */
	if ((next = cfg_load(gw->cfg->path, x->out)) == NULL) {
		mif_cli_printf(x->out, "%% reload refused: nothing was applied\n");
		return -EINVAL;
	}
	if (needs_restart(gw->cfg, next, why, sizeof(why))) {
		mif_cli_printf(x->out, "%% reload refused: %s; needs a restart\n"
			       "%% nothing was applied\n", why);
		MIF_LOG(cli, WARNING, "config reload of %s refused: %s; needs a restart",
			gw->cfg->path, why);
		rc = -EPERM;
		goto out;
	}
	rdiff = routes_differ(gw->cfg, next);
	ldiff = logs_differ(gw->cfg, next);
	if (!rdiff && !ldiff) {
		mif_cli_printf(x->out, "%s: no change\n", gw->cfg->path);
		goto out;
	}
	if (ldiff)
		logs_apply(gw->cfg, next, x->out);
	if (rdiff && (rc = routes_apply(gw, next, x->out)) != 0)
		goto out;
	t1 = now_us();
	mif_cli_printf(x->out, "applied in %" PRIu64 " ms\n", (t1 - t0) / 1000);
	MIF_LOG(cli, NOTICE, "config reload of %s applied:%s%s (%" PRIu64 " ms)",
		gw->cfg->path, ldiff ? " log levels" : "",
		rdiff ? " routes" : "", (t1 - t0) / 1000);
out:
	cfg_release(next);
	return rc;
}

static const struct mif_cli_cmd gw_cmds[] = {
	{ "show routes", { NULL, "Routing table: connected, local, static" },
	  cmd_show_routes, NULL },
	{ "show routes <dst:ipaddr>", { NULL, NULL,
	  "Look one destination up in the published table" },
	  cmd_show_route, NULL },
	{ "config check", { "Configuration file", "Load and validate the running file" },
	  cmd_config_check, NULL },
	{ "config check <file:word>", { NULL, NULL, "Path of another file" },
	  cmd_config_check, NULL },
	{ "config reload", { NULL, "Apply what changed in the running file" },
	  cmd_config_reload, NULL },
};

int
mif_cli_cmds_gw_register(void)
{
	return mif_cli_cmd_register_table(gw_cmds, RTE_DIM(gw_cmds));
}
