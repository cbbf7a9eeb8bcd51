/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cfg.h"
#include "common/cfg_sa.h"
#include "common/cfg_spd.h"
#include "common/ifset_ops.h"
#include "common/log.h"
#include "common/state.h"
#include "control/ifset_link.h"
#include "dataplane/ifset.h"
#include "dataplane/port.h"
#include "dataplane/sa_cfg.h"

/* Written and read by the control thread only. */
static struct mif_ifset_ops *registry;

struct mif_ifset_ops *
mif_ifset_registry(void)
{
	return registry;
}

/* A static SA has no IKE peer: SAs sharing their remote outer address
 * are one peer, numbered by the first such SA in the table. */
static uint32_t
peer_of(const struct mif_sa_tab *t, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (t->ent[j].sa != NULL &&
		    mif_addr_eq(&t->ent[j].sa->ep.remote,
				&t->ent[i].sa->ep.remote))
			return j + 1;
	return i + 1;
}

/* Our side is the source of what goes out, the destination of what
 * comes in: one selector for both SAs of a pair. */
static void
sel_of(const struct mif_cfg *cfg, const char *name, struct mif_ifset_ts *ts)
{
	const struct mif_cfg_policy *p;
	unsigned int i;
	bool out;

	memset(ts, 0, sizeof(*ts));
	for (i = 0; i < cfg->n_policies; i++) {
		p = &cfg->policies[i];
		if (p->action != MIF_CFG_POLICY_PROTECT ||
		    strcmp(p->sa, name) != 0)
			continue;
		out = p->dir == MIF_CFG_POLICY_OUT;
		ts->local = out ? p->src : p->dst;
		ts->remote = out ? p->dst : p->src;
		ts->proto = p->proto > 255 ? 0 : (uint8_t)p->proto;
		return;
	}
}

/* Paths given with a ts: one ADD per path, to every SA of the peer whose
 * selectors lie inside it. A selector reaching no SA, or the SA pair
 * both already holding the path, is reported and left alone. */
static int
ts_paths_apply(const struct mif_cfg *cfg, const struct mif_sa_tab *t)
{
	const struct mif_cfg_sa *c;
	struct mif_ifset_op op;
	struct mif_ifset_ts ts;
	unsigned int i, j, k;
	char msg[160];
	int rc;

	for (i = 0; i < cfg->n_sas; i++) {
		c = &cfg->sas[i];
		for (k = 0; t != NULL && k < t->n; k++)
			if (t->ent[k].sa != NULL &&
			    strcmp(t->ent[k].name, c->name) == 0)
				break;
		for (j = 0; j < c->n_paths; j++) {
			const struct mif_cfg_sa_path *p = &c->paths[j];

			if (!p->has_ts)
				continue;
			if (t == NULL || k == t->n)
				return -ENOENT;
			memset(&ts, 0, sizeof(ts));
			ts.local = p->ts_local;
			ts.remote = p->ts_remote;
			memset(&op, 0, sizeof(op));
			op.kind = MIF_IFSET_OP_ADD;
			op.peer = peer_of(t, k);
			op.ts = &ts;
			op.ep.local = p->local;
			op.ep.remote = p->remote;
			op.ep.udp = c->udp_encap;
			op.ep.lport = c->udp_encap ? p->sport : 0;
			op.ep.rport = c->udp_encap ? p->dport : 0;
			op.state = p->state;
			op.priority = p->priority;
			op.weight = p->weight;
			op.why = "configuration";
			rc = mif_ifset_ops_apply(registry, &op, msg, sizeof(msg));
			if (rc == -ENOENT || rc == -EEXIST) {
				MIF_LOG(ctl, NOTICE, "SA \"%s\" paths[%u] (line %u): ts: %s",
					c->name, j, p->line, msg);
			} else if (rc != 0) {
				MIF_LOG(ctl, ERR, "SA \"%s\" paths[%u] (line %u): ts: %s",
					c->name, j, p->line, msg);
				return rc;
			}
		}
	}
	return 0;
}

int
mif_ifset_registry_init(const struct mif_cfg *cfg)
{
	const struct mif_sa_tab *t = mif_state.sas;
	struct mif_ifset_ops_sa s;
	unsigned int i, n = t != NULL ? t->n : 0;
	int rc = 0;

	mif_ifset_registry_fini();
	/* Room for the SAs IKEv2 will register next to the static ones. */
	if ((registry = mif_ifset_ops_create(n + 256)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (t->ent[i].sa == NULL || t->ent[i].sa->ifs == NULL)
			continue;
		memset(&s, 0, sizeof(s));
		snprintf(s.name, sizeof(s.name), "%s", t->ent[i].name);
		s.peer = peer_of(t, i);
		sel_of(cfg, t->ent[i].name, &s.sel);
		s.sa = t->ent[i].sa->ifs;
		s.apply = mif_ifset_op_apply;
		if ((rc = mif_ifset_ops_add(registry, &s)) != 0) {
			MIF_LOG(ctl, ERR, "SA \"%s\": interface-set registry: %s",
				s.name, strerror(-rc));
			goto out;
		}
	}
	MIF_LOG(ctl, INFO, "interface-set registry: %u static SAs", n);
	rc = ts_paths_apply(cfg, t);
out:
	return rc;
}

void
mif_ifset_registry_fini(void)
{
	mif_ifset_ops_destroy(registry);
	registry = NULL;
}

unsigned int
mif_ifset_link_event(const struct mif_port *p, bool up)
{
	unsigned int i, n = 0;
	int rc;

	for (i = 0; registry != NULL && i < p->n_addrs; i++) {
		rc = mif_ifset_ops_local_link(registry, &p->addrs[i].addr, up);
		if (rc > 0)
			n += (unsigned int)rc;
		else if (rc < 0)
			MIF_LOG(ctl, WARNING, "port %s: link %s: %s", p->name,
				up ? "up" : "down", strerror(-rc));
	}
	if (n > 0)
		MIF_LOG(ctl, NOTICE, "port %s: link %s: %u interface-set changes",
			p->name, up ? "up" : "down", n);
	return n;
}
