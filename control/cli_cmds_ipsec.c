/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec state for operators: SAs, SPDs, interface sets, and the
 * interface-set operations.
 *
 * Nothing here reads key material: an SA is shown through its
 * parameters, counters and paths only (struct mif_sa's keys pointer is
 * never followed). SA counters are per-lcore slots summed while the
 * workers write them, so a value may be one burst old.
 *
 * Path operations edit a draft of the SA's interface set and publish it
 * (dataplane/ifset.h): workers switch at their next burst, the replaced
 * set is freed after a grace period. They select SAs by name or by a
 * traffic selector, a prefix that every SA a policy protects for that
 * traffic is meant by.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "common/addr.h"
#include "common/cfg_spd.h"
#include "common/ifset_ops.h"
#include "common/log.h"
#include "common/state.h"
#include "control/cli_cmd.h"
#include "control/cli_gw.h"
#include "control/ifset_link.h"
#include "dataplane/ifset.h"
#include "dataplane/sa.h"
#include "dataplane/sa_cfg.h"
#include "dataplane/spd.h"

#define SOFT_IDLE_US	1000000	/* soft handover: old path quiet 1 s */
#define MAX_SEL		64	/* SAs one selector may name */
#define MAX_WATCH	256	/* SAs with a drain or retired sets */

/* SAs whose set the CLI changed and that still need the timer: a soft
 * handover to finish, replaced sets to free. Only these are ticked, so
 * the timer does not walk every SA. */
static uint64_t watch[MAX_WATCH];
static unsigned int n_watch;

static void
watch_add(uint64_t id)
{
	unsigned int i;

	for (i = 0; i < n_watch; i++)
		if (watch[i] == id)
			return;
	/* When full, the set's holder still frees retired sets at its next
	 * publish; only a soft handover would wait for one. */
	if (n_watch < MAX_WATCH)
		watch[n_watch++] = id;
}

void
mif_cli_paths_tick(uint64_t now_tsc)
{
	const struct mif_sa_ent *e;
	struct mif_ifset_ref *r;
	unsigned int i = 0;

	while (i < n_watch) {
		e = mif_sa_tab_get(mif_state.sas, watch[i]);
		r = e != NULL && e->sa != NULL ? e->sa->ifs : NULL;
		if (r != NULL) {
			if (r->drain.old_id != 0)
				(void)mif_ifset_tick(r, mif_state.qsbr, now_tsc);
			mif_ifset_reclaim(r);
		}
		if (r == NULL || (r->drain.old_id == 0 && r->n_retired == 0)) {
			watch[i] = watch[--n_watch];
			continue;
		}
		i++;
	}
}

static const struct mif_sa_tab *
sa_tab(struct mif_cli_out *out)
{
	const struct mif_sa_tab *t = mif_state.sas;

	if (t == NULL || t->n == 0)
		mif_cli_printf(out, "%% no SAs: the configuration has no \"sas\"\n");
	return t != NULL && t->n > 0 ? t : NULL;
}

static const char *
alg_name(const struct mif_sa *sa, char *buf, size_t len)
{
	static const char *const auth[] = {
		[MIF_SA_AUTH_NONE] = "",
		[MIF_SA_AUTH_HMAC_SHA1_96] = "/sha1-96",
		[MIF_SA_AUTH_HMAC_SHA256_128] = "/sha256-128",
	};
	const char *a = sa->auth < RTE_DIM(auth) ? auth[sa->auth] : "/?";

	switch (sa->cipher) {
	case MIF_SA_CIPHER_AES_GCM16:
		snprintf(buf, len, "aes-gcm-%u", sa->key_len * 8u);
		break;
	case MIF_SA_CIPHER_AES_CBC:
		snprintf(buf, len, "aes-cbc-%u%s", sa->key_len * 8u, a);
		break;
	default:
		snprintf(buf, len, "null%s", a);
		break;
	}
	return buf;
}

static uint64_t
drops_sum(const struct mif_sa_ctr *c)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < MIF_SA_DROP_MAX; i++)
		n += c->drop[i];
	return n;
}

static void
sa_row(struct mif_cli_table *t, const struct mif_sa_ent *e, bool raw)
{
	const struct mif_sa *sa = e->sa;
	char spi[16], alg[32], peer[MIF_ADDR_STRLEN], n[3][32];
	struct mif_sa_ctr c;

	mif_sa_stats(sa, &c);
	snprintf(spi, sizeof(spi), "0x%08x", sa->spi);
	mif_cli_table_row(t, (const char *const[]){ e->name,
		sa->dir == MIF_SA_DIR_IN ? "in" : "out", spi,
		sa->mode == MIF_SA_MODE_TUNNEL ? "tunnel" : "transport",
		alg_name(sa, alg, sizeof(alg)),
		sa->mode == MIF_SA_MODE_TUNNEL ?
		mif_addr_fmt(&sa->ep.remote, peer, sizeof(peer)) : NULL,
		raw ? (snprintf(n[0], 32, "%" PRIu64, c.packets), n[0]) :
		mif_cli_fmt_count(c.packets, n[0], 32),
		raw ? (snprintf(n[1], 32, "%" PRIu64, c.bytes), n[1]) :
		mif_cli_fmt_bytes(c.bytes, n[1], 32),
		raw ? (snprintf(n[2], 32, "%" PRIu64, drops_sum(&c)), n[2]) :
		mif_cli_fmt_count(drops_sum(&c), n[2], 32) });
}

static int
cmd_show_sa(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "name", "dir", "spi", "mode",
		"algorithm", "peer", ">packets", ">bytes", ">drops" };
	const struct mif_sa_tab *tab = sa_tab(x->out);
	bool raw = strcmp(x->argv[x->argc - 1].str, "exact") == 0;
	struct mif_cli_table t;
	unsigned int i;

	if (tab == NULL)
		return 0;
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < tab->n; i++)
		if (tab->ent[i].sa != NULL)
			sa_row(&t, &tab->ent[i], raw);
	mif_cli_table_print(&t, x->out);
	return 0;
}

static void
life_line(struct mif_cli_out *out, const char *what,
	  const struct mif_sa_life *l)
{
	char b[32], p[32];

	if (l->bytes == 0 && l->packets == 0 && l->seconds == 0)
		return;
	mif_cli_printf(out, "  %s lifetime: %s, %s packets, %" PRIu64 " s\n",
		       what, l->bytes ? mif_cli_fmt_bytes(l->bytes, b, 32) : "-",
		       l->packets ? mif_cli_fmt_count(l->packets, p, 32) : "-",
		       l->seconds);
}

static void
sa_detail(struct mif_cli_out *out, const struct mif_sa_ent *e, uint64_t id)
{
	const struct mif_sa *sa = e->sa;
	char alg[32], a[2][MIF_ADDR_STRLEN], n[4][32];
	uint32_t ev = mif_sa_events(sa);
	struct mif_sa_ctr c;
	unsigned int i;

	mif_sa_stats(sa, &c);
	mif_cli_printf(out, "sa %s (id %" PRIu64 "): %s, spi 0x%08x, %s, %s, esn %s%s\n",
		       e->name, id, sa->dir == MIF_SA_DIR_IN ? "in" : "out",
		       sa->spi, sa->mode == MIF_SA_MODE_TUNNEL ? "tunnel" :
		       "transport", alg_name(sa, alg, sizeof(alg)),
		       sa->esn ? "on" : "off", mif_sa_dead(sa) ? ", DEAD" : "");
	mif_cli_printf(out, "  endpoints %s -> %s%s\n",
		       mif_addr_fmt(&sa->ep.local, a[0], sizeof(a[0])),
		       mif_addr_fmt(&sa->ep.remote, a[1], sizeof(a[1])),
		       sa->ep.udp_encap ? " (UDP-encapsulated)" : "");
	mif_cli_printf(out, "  packets %s, bytes %s, sequence %s, lifetime used %s / %s packets\n",
		       mif_cli_fmt_count(c.packets, n[0], 32),
		       mif_cli_fmt_bytes(c.bytes, n[1], 32),
		       mif_cli_fmt_count(__atomic_load_n(&sa->seq,
							 __ATOMIC_RELAXED),
					 n[2], 32),
		       mif_cli_fmt_bytes(sa->life_bytes, n[3], 32),
		       mif_cli_fmt_count(sa->life_packets, n[0], 32));
	life_line(out, "soft", &sa->soft);
	life_line(out, "hard", &sa->hard);
	if (ev != 0)
		mif_cli_printf(out, "  events:%s%s%s\n",
			       ev & MIF_SA_EV_SOFT ? " soft-expired" : "",
			       ev & MIF_SA_EV_HARD ? " hard-expired" : "",
			       ev & MIF_SA_EV_SEQ_OVERFLOW ? " seq-overflow" : "");
	mif_cli_printf(out, "  drops:");
	for (i = 0; i < MIF_SA_DROP_MAX; i++)
		mif_cli_printf(out, " %s %s", mif_sa_drop_name(i),
			       mif_cli_fmt_count(c.drop[i], n[0], 32));
	mif_cli_printf(out, "\n");
}

static int
cmd_show_sa_detail(struct mif_cli_exec *x)
{
	const struct mif_sa_tab *tab = sa_tab(x->out);
	unsigned int i;

	if (tab == NULL)
		return 0;
	for (i = 0; i < tab->n && !mif_cli_out_full(x->out); i++)
		if (tab->ent[i].sa != NULL)
			sa_detail(x->out, &tab->ent[i], i + 1);
	return 0;
}

/* mif_spd_dump() writes to a FILE; each "sa N" gets the SA's name. */
static void
spd_print(struct mif_cli_out *out, const struct mif_spd *spd)
{
	const struct mif_sa_ent *e;
	char *buf = NULL, *line, *save = NULL, *p;
	size_t len = 0;
	unsigned long id;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL) {
		mif_cli_printf(out, "%% out of memory\n");
		return;
	}
	mif_spd_dump(spd, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL &&
	     !mif_cli_out_full(out); line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, " sa ");
		id = p != NULL ? strtoul(p + 4, NULL, 10) : 0;
		e = mif_sa_tab_get(mif_state.sas, id);
		mif_cli_printf(out, "%s%s%s%s\n", line, e ? " (" : "",
			       e ? e->name : "", e ? ")" : "");
	}
	free(buf);
}

static int
cmd_show_spd(struct mif_cli_exec *x)
{
	unsigned int d;

	if (!mif_state.ipsec) {
		mif_cli_printf(x->out, "no \"sas\" and no \"policies\": no SPD, every packet is forwarded in clear\n");
		return 0;
	}
	for (d = 0; d < RTE_DIM(mif_state.spd); d++) {
		const struct mif_spd *spd = mif_spd_deref(&mif_state.spd[d]);

		if (spd != NULL)
			spd_print(x->out, spd);
	}
	return 0;
}

static void
paths_of(struct mif_cli_out *out, const struct mif_sa_ent *e)
{
	static const char *const hdr[] = { ">id", "state", "local", "remote",
		">prio", ">weight", ">rx", ">tx", ">tx_bytes", ">drop_in" };
	const struct mif_ifset_ref *r = e->sa->ifs;
	const struct mif_ifset *s = r != NULL ? mif_ifset_load(r) : NULL;
	char c[7][32], a[2][MIF_ADDR_STRLEN], st[24];
	struct mif_ifset_pctr pc;
	struct mif_cli_table t;
	uint64_t no_match, no_path;
	unsigned int i;

	if (s == NULL)
		return;
	mif_ifset_stats(r, &no_match, &no_path);
	mif_cli_printf(out, "sa %s: %s policy, generation %" PRIu64 ", no_match %" PRIu64 ", no_path %" PRIu64 "\n",
		       e->name, mif_ifset_policy_name(s->policy), s->gen,
		       no_match, no_path);
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < s->n; i++) {
		const struct mif_ifset_path *p = &s->path[i];

		mif_ifset_path_stats(r, p->id, &pc);
		snprintf(c[0], 32, "%u", p->id);
		snprintf(st, sizeof(st), "%s%s",
			 mif_ifset_state_name(p->state), p->down ? ",down" : "");
		snprintf(c[1], 32, "%u", p->priority);
		snprintf(c[2], 32, "%u", p->weight);
		mif_cli_table_row(&t, (const char *const[]){ c[0], st,
			mif_addr_fmt(&p->ep.local, a[0], sizeof(a[0])),
			mif_addr_fmt(&p->ep.remote, a[1], sizeof(a[1])),
			c[1], c[2], mif_cli_fmt_count(pc.rx, c[3], 32),
			mif_cli_fmt_count(pc.tx, c[4], 32),
			mif_cli_fmt_bytes(pc.tx_bytes, c[5], 32),
			mif_cli_fmt_count(pc.drop_in, c[6], 32) });
	}
	mif_cli_table_print(&t, out);
}

static int
cmd_show_paths(struct mif_cli_exec *x)
{
	const struct mif_sa_tab *tab = sa_tab(x->out);
	unsigned int i;

	if (tab == NULL)
		return 0;
	for (i = 0; i < tab->n && !mif_cli_out_full(x->out); i++)
		if (tab->ent[i].sa != NULL)
			paths_of(x->out, &tab->ent[i]);
	return 0;
}

/* ---- interface-set operations ------------------------------------ */

/* A policy's far side: where traffic protected by it goes (out) or
 * comes from (in). */
static const struct mif_prefix *
policy_far(const struct mif_cfg_policy *p)
{
	return p->dir == MIF_CFG_POLICY_OUT ? &p->dst : &p->src;
}

/* A prefix selects the SAs whose PROTECT policies' far side contains
 * it; anything else is an SA name. @return how many in @p ids. */
static unsigned int
sa_select(struct mif_cli_exec *x, const char *what, uint64_t *ids)
{
	const struct mif_cli_gw *gw = x->ctx;
	const struct mif_sa_tab *tab = mif_state.sas;
	const struct mif_cfg_policy *p;
	struct mif_prefix sel;
	unsigned int i, k, n = 0;
	uint32_t id;

	if (mif_prefix_parse(what, &sel, true, true) != 0) {
		if (mif_sa_tab_resolve((void *)(uintptr_t)tab, what, &id) == 0)
			ids[n++] = id;
		return n;
	}
	for (i = 0; gw != NULL && i < gw->cfg->n_policies; i++) {
		p = &gw->cfg->policies[i];
		if (p->action != MIF_CFG_POLICY_PROTECT ||
		    policy_far(p)->addr.family != sel.addr.family ||
		    policy_far(p)->len > sel.len ||
		    !mif_prefix_contains(policy_far(p), &sel.addr) ||
		    mif_sa_tab_resolve((void *)(uintptr_t)tab, p->sa, &id) != 0)
			continue;
		for (k = 0; k < n && ids[k] != id; k++)
			;
		if (k == n && n < MAX_SEL)
			ids[n++] = id;
	}
	return n;
}

enum path_op {
	OP_ADD,
	OP_ADD_ALT,
	OP_REMOVE,
	OP_ALTERNATE,
	OP_PROMOTE,
	OP_HARD,
	OP_SOFT,
};

static void
ops_ep(struct mif_ifset_ops_ep *o, const struct mif_sa_ep *e)
{
	memset(o, 0, sizeof(*o));
	o->local = e->local;
	o->remote = e->remote;
	o->udp = e->udp_encap;
	o->lport = e->sport;
	o->rport = e->dport;
}

/* The endpoints of path @id in @sa's current set (ids are per SA). */
static int
path_ep(const struct mif_sa *sa, uint64_t id, struct mif_ifset_ops_ep *ep)
{
	const struct mif_ifset_path *p;

	p = mif_ifset_find_const(mif_ifset_load(sa->ifs), (uint16_t)id);
	if (p == NULL)
		return -ENOENT;
	ops_ep(ep, &p->ep);
	return 0;
}

/* The id of the live path with @ep's addresses in @sa's set, or 0. */
static uint16_t
path_id(const struct mif_sa *sa, const struct mif_ifset_ops_ep *ep)
{
	const struct mif_ifset *s = mif_ifset_load(sa->ifs);
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->path[i].state != MIF_IFSET_REMOVED &&
		    mif_addr_eq(&s->path[i].ep.local, &ep->local) &&
		    mif_addr_eq(&s->path[i].ep.remote, &ep->remote))
			return s->path[i].id;
	return 0;
}

/* The operation the command line says, on @sa's endpoints; ids are
 * resolved to endpoints here, as IKEv2 would name them. */
static int
op_build(struct mif_cli_exec *x, const struct mif_sa *sa, enum path_op op,
	 struct mif_ifset_op *o)
{
	static const enum mif_ifset_op_kind kind[] = {
		[OP_ADD] = MIF_IFSET_OP_ADD, [OP_ADD_ALT] = MIF_IFSET_OP_ADD,
		[OP_REMOVE] = MIF_IFSET_OP_REMOVE,
		[OP_ALTERNATE] = MIF_IFSET_OP_ALTERNATE,
		[OP_PROMOTE] = MIF_IFSET_OP_PROMOTE,
		[OP_HARD] = MIF_IFSET_OP_HARD, [OP_SOFT] = MIF_IFSET_OP_SOFT,
	};
	int rc = 0;

	o->kind = kind[op];
	o->peer = MIF_IFSET_PEER_ANY;
	if (op == OP_ADD || op == OP_ADD_ALT) {
		ops_ep(&o->ep, &sa->ep);
		o->ep.local = x->argv[3].addr;
		o->ep.remote = x->argv[4].addr;
		o->state = op == OP_ADD_ALT ? MIF_IFSET_ALTERNATE :
			MIF_IFSET_ACTIVE;
		o->weight = 1;
		if (o->ep.local.family != o->ep.remote.family ||
		    o->ep.local.family != sa->ep.remote.family)
			return -EAFNOSUPPORT;
		return 0;
	}
	rc = path_ep(sa, x->argv[3].u, &o->ep);
	if (rc == 0 && (op == OP_HARD || op == OP_SOFT))
		rc = path_ep(sa, x->argv[4].u, &o->new_ep);
	o->drain_idle_us = SOFT_IDLE_US;
	return rc;
}

/* Through the operations registry (common/ifset_ops.h), as IKEv2 does:
 * the SA by name and, when @ts is given, only if its selectors lie
 * inside that traffic selector. */
static int
path_apply(struct mif_cli_exec *x, const struct mif_sa_ent *e,
	   enum path_op op, const char *why, const struct mif_ifset_ts *ts)
{
	struct mif_ifset_op o;
	char msg[200];
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = op_build(x, e->sa, op, &o)) != 0)
		return rc;
	o.why = why;
	o.ts = ts;
	o.sa_name = e->name;
	if (mif_ifset_registry() == NULL)
		return -ENOENT;
	rc = mif_ifset_ops_apply(mif_ifset_registry(), &o, msg, sizeof(msg));
	MIF_LOG(cli, INFO, "%s", msg);
	if (rc != 0)
		return rc;
	watch_add(e->sa->id);
	if (op == OP_ADD || op == OP_ADD_ALT)
		mif_cli_printf(x->out, "sa %s: path %u added\n", e->name,
			       path_id(e->sa, &o.ep));
	else
		mif_cli_printf(x->out, "sa %s: done\n", e->name);
	return 0;
}

static const char *
op_error(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no path with that id in this SA's set";
	case -EINVAL:
		return "not allowed for that path (removed, down, or the set would break a rule)";
	case -EEXIST:
		return "a path with these endpoints is already there";
	case -ENOSPC:
		return "the set is full";
	case -EAFNOSUPPORT:
		return "the addresses must be of the SA's family";
	case -EBUSY:
		return "a soft handover is already in progress";
	default:
		return strerror(-rc);
	}
}

static int
cmd_paths(struct mif_cli_exec *x)
{
	static const char *const ops[] = { "add", "add", "remove",
		"alternate", "promote", "hard", "soft" };
	const struct mif_ifset_ts *tsp = NULL;
	const struct mif_sa_ent *e;
	struct mif_ifset_ts ts;
	uint64_t ids[MAX_SEL];
	enum path_op op;
	unsigned int n, i, done = 0;
	char why[64];
	int rc;

	for (op = OP_ADD; op < RTE_DIM(ops); op++)
		if (strcmp(x->argv[1].str, ops[op]) == 0)
			break;
	if (op == OP_ADD && strcmp(x->argv[x->argc - 1].str, "alternate") == 0)
		op = OP_ADD_ALT;
	if (strcmp(x->argv[1].str, "handover") == 0)
		op = strcmp(x->argv[5].str, "soft") == 0 ? OP_SOFT : OP_HARD;
	if (sa_tab(x->out) == NULL)
		return -ENOENT;
	n = sa_select(x, x->argv[2].str, ids);
	if (n == 0) {
		mif_cli_printf(x->out, "%% no SA named or protecting '%s'\n",
			       x->argv[2].str);
		return -ENOENT;
	}
	/* An add given a prefix is a traffic-selector operation: the
	 * registry applies it to the selected SAs whose selectors lie
	 * inside it (the peer's side; ours left open). Ids are per SA, so
	 * the other operations name each SA. */
	memset(&ts, 0, sizeof(ts));
	if ((op == OP_ADD || op == OP_ADD_ALT) &&
	    mif_prefix_parse(x->argv[2].str, &ts.remote, true, true) == 0)
		tsp = &ts;
	snprintf(why, sizeof(why), "CLI paths %s", x->argv[1].str);
	for (i = 0; i < n; i++) {
		e = mif_sa_tab_get(mif_state.sas, ids[i]);
		if (e == NULL || e->sa == NULL || e->sa->ifs == NULL)
			continue;
		rc = path_apply(x, e, op, why, tsp);
		if (rc != 0)
			mif_cli_printf(x->out, "%% sa %s: %s\n", e->name,
				       op_error(rc));
		else
			done++;
	}
	MIF_LOG(cli, NOTICE, "paths %s on '%s': %u of %u SAs changed",
		x->argv[1].str, x->argv[2].str, done, n);
	return done == n ? 0 : -EINVAL;
}

/* ---- policies at run time --------------------------------------- */

/*
 * The running configuration's policy list is the source of both SPDs:
 * a change edits the list, builds the SPD of that direction from it and
 * publishes it (the old one is freed after a grace period). Nothing is
 * written back to the file, so a later `config reload` of an unchanged
 * file sees different policies and refuses.
 */
static int
spd_rebuild(struct mif_cli_exec *x, struct mif_cfg *cfg,
	    enum mif_cfg_policy_dir dir)
{
	enum mif_spd_dir sd = dir == MIF_CFG_POLICY_OUT ? MIF_SPD_DIR_OUT :
		MIF_SPD_DIR_IN;
	struct mif_spd *spd;
	int rc;

	rc = mif_spd_cfg_build(cfg, sd, mif_sa_tab_resolve, mif_state.sas,
			       SOCKET_ID_ANY, &spd);
	if (rc != 0) {
		mif_cli_printf(x->out, "%% cannot build the SPD: %s\n",
			       strerror(-rc));
		return rc;
	}
	if ((rc = mif_spd_publish(&mif_state.spd[sd], spd,
				  mif_state.qsbr)) != 0) {
		mif_spd_destroy(spd);
		return rc;
	}
	mif_cli_printf(x->out, "spd %s: %u rules published\n",
		       sd == MIF_SPD_DIR_OUT ? "out" : "in",
		       mif_spd_rule_count(spd));
	return 0;
}

static struct mif_cfg *
policy_cfg(struct mif_cli_exec *x)
{
	struct mif_cli_gw *gw = x->ctx;

	if (gw == NULL || gw->cfg == NULL || !mif_state.ipsec ||
	    mif_state.sas == NULL) {
		mif_cli_printf(x->out, "%% no SPD in this gateway: it was started without \"sas\" and \"policies\"\n");
		return NULL;
	}
	return gw->cfg;
}

/* "policy add {in|out} SRC DST {bypass|discard|protect} [SA]" */
static int
cmd_policy_add(struct mif_cli_exec *x)
{
	struct mif_cfg *cfg = policy_cfg(x);
	struct mif_cfg_policy p, *np;
	uint32_t id;
	int rc;

	if (cfg == NULL)
		return -ENODEV;
	memset(&p, 0, sizeof(p));
	p.dir = strcmp(x->argv[2].str, "out") == 0 ? MIF_CFG_POLICY_OUT :
		MIF_CFG_POLICY_IN;
	p.src = x->argv[3].prefix;
	p.dst = x->argv[4].prefix;
	p.proto = MIF_CFG_PROTO_ANY;
	p.sport_hi = p.dport_hi = 65535;
	p.action = x->argv[5].str[0] == 'b' ? MIF_CFG_POLICY_BYPASS :
		x->argv[5].str[0] == 'd' ? MIF_CFG_POLICY_DISCARD :
		MIF_CFG_POLICY_PROTECT;
	if (p.src.addr.family != p.dst.addr.family) {
		mif_cli_printf(x->out, "%% src and dst must be of one family\n");
		return -EINVAL;
	}
	/* RFC 4301 5.2: an inbound SA checks the decrypted packet against
	 * selectors taken from its inbound PROTECT policies when the SA
	 * table was built at start; a new one would not be among them, and
	 * what it allows would be dropped after decryption. */
	if (p.action == MIF_CFG_POLICY_PROTECT && p.dir == MIF_CFG_POLICY_IN) {
		mif_cli_printf(x->out, "%% inbound protect policies cannot be added at run time: the SA's inner-packet selectors are fixed at start\n");
		return -EOPNOTSUPP;
	}
	if (p.action == MIF_CFG_POLICY_PROTECT) {
		if (x->argc < 7 ||
		    mif_sa_tab_resolve(mif_state.sas, x->argv[6].str, &id) != 0) {
			mif_cli_printf(x->out, "%% protect needs a configured SA name (show sa)\n");
			return -ENOENT;
		}
		snprintf(p.sa, sizeof(p.sa), "%s", x->argv[6].str);
	}
	np = realloc(cfg->policies, (cfg->n_policies + 1) * sizeof(*np));
	if (np == NULL)
		return -ENOMEM;
	cfg->policies = np;
	np[cfg->n_policies++] = p;
	if ((rc = spd_rebuild(x, cfg, p.dir)) != 0) {
		cfg->n_policies--;
		return rc;
	}
	MIF_LOG(cli, NOTICE, "policy %s added from the CLI (%u policies)",
		x->argv[2].str, cfg->n_policies);
	return 0;
}

/* "policy del {in|out} N": the N-th policy of that direction, counted
 * from 1 in configuration order (show policies). */
static int
cmd_policy_del(struct mif_cli_exec *x)
{
	struct mif_cfg *cfg = policy_cfg(x);
	enum mif_cfg_policy_dir dir;
	struct mif_cfg_policy old;
	unsigned int i, k = 0;
	int rc;

	if (cfg == NULL)
		return -ENODEV;
	dir = strcmp(x->argv[2].str, "out") == 0 ? MIF_CFG_POLICY_OUT :
		MIF_CFG_POLICY_IN;
	for (i = 0; i < cfg->n_policies; i++)
		if (cfg->policies[i].dir == dir && ++k == x->argv[3].u)
			break;
	if (i == cfg->n_policies) {
		mif_cli_printf(x->out, "%% no %s policy %" PRIu64 " (%u of that direction)\n",
			       x->argv[2].str, x->argv[3].u, k);
		return -ENOENT;
	}
	old = cfg->policies[i];
	memmove(&cfg->policies[i], &cfg->policies[i + 1],
		(cfg->n_policies - i - 1) * sizeof(old));
	cfg->n_policies--;
	if ((rc = spd_rebuild(x, cfg, dir)) != 0) {
		memmove(&cfg->policies[i + 1], &cfg->policies[i],
			(cfg->n_policies - i) * sizeof(old));
		cfg->policies[i] = old;
		cfg->n_policies++;
		return rc;
	}
	MIF_LOG(cli, NOTICE, "policy %s %" PRIu64 " deleted from the CLI",
		x->argv[2].str, x->argv[3].u);
	return 0;
}

static int
cmd_show_policies(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "dir", ">n", "src", "dst",
		">prio", "action", "sa" };
	static const char *const act[] = { "discard", "bypass", "protect" };
	struct mif_cfg *cfg = policy_cfg(x);
	char n[16], pr[16], a[2][MIF_PREFIX_STRLEN];
	unsigned int i, k[2] = { 0, 0 };
	struct mif_cli_table t;

	if (cfg == NULL)
		return -ENODEV;
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < cfg->n_policies && !mif_cli_out_full(x->out); i++) {
		const struct mif_cfg_policy *p = &cfg->policies[i];

		snprintf(n, sizeof(n), "%u", ++k[p->dir]);
		snprintf(pr, sizeof(pr), "%u", p->priority);
		mif_cli_table_row(&t, (const char *const[]){
			p->dir == MIF_CFG_POLICY_OUT ? "out" : "in", n,
			mif_prefix_fmt(&p->src, a[0], sizeof(a[0])),
			mif_prefix_fmt(&p->dst, a[1], sizeof(a[1])), pr,
			p->action < RTE_DIM(act) ? act[p->action] : "?",
			p->action == MIF_CFG_POLICY_PROTECT ? p->sa : NULL });
	}
	mif_cli_table_print(&t, x->out);
	return 0;
}

static const struct mif_cli_cmd ipsec_cmds[] = {
	{ "show policies", { NULL, "Policies as configured, numbered per direction" },
	  cmd_show_policies, NULL },
	{ "policy add {in|out} <src:prefix> <dst:prefix> {bypass|discard}",
	  { "Security policies", "Add one (any protocol and port)",
	    "Direction", "Source prefix", "Destination prefix",
	    "Action" }, cmd_policy_add, NULL },
	{ "policy add {in|out} <src:prefix> <dst:prefix> protect <sa:word>",
	  { NULL, NULL, NULL, NULL, NULL, NULL, "Name of a configured SA" },
	  cmd_policy_add, NULL },
	{ "policy del {in|out} <n:uint:1-1048576>",
	  { NULL, "Delete one", "Direction", "Number (show policies)" },
	  cmd_policy_del, NULL },
	{ "show sa", { NULL, "Security associations (never keys)" },
	  cmd_show_sa, NULL },
	{ "show sa exact", { NULL, NULL, "Exact numbers, not 1.2M" },
	  cmd_show_sa, NULL },
	{ "show sa detail", { NULL, NULL, "Endpoints, lifetimes, drops by reason" },
	  cmd_show_sa_detail, NULL },
	{ "show spd", { NULL, "Security policies, both directions" },
	  cmd_show_spd, NULL },
	{ "show paths", { NULL, "Interface sets: the paths of each SA" },
	  cmd_show_paths, NULL },
	{ "paths add <sa:word> <local:ipaddr> <remote:ipaddr>",
	  { "Interface-set operations", "Add an ACTIVE path",
	    "SA name, or a traffic selector prefix", "Our outer address",
	    "The peer's outer address" }, cmd_paths, NULL },
	{ "paths add <sa:word> <local:ipaddr> <remote:ipaddr> alternate",
	  { NULL, NULL, NULL, NULL, NULL, "As a backup (ALTERNATE)" },
	  cmd_paths, NULL },
	{ "paths remove <sa:word> <id:uint:1-65535>",
	  { NULL, "Stop using a path (REMOVED)", "SA name or selector",
	    "Path id (show paths)" }, cmd_paths, NULL },
	{ "paths alternate <sa:word> <id:uint:1-65535>",
	  { NULL, "Make a path a backup", "SA name or selector",
	    "Path id" }, cmd_paths, NULL },
	{ "paths promote <sa:word> <id:uint:1-65535>",
	  { NULL, "Make a backup path ACTIVE", "SA name or selector",
	    "Path id" }, cmd_paths, NULL },
	{ "paths handover <sa:word> <from:uint:1-65535> <to:uint:1-65535> {hard|soft}",
	  { NULL, "Move traffic from one path to another",
	    "SA name or selector", "Path id to leave", "Path id to take",
	    "hard: at once; soft: the old one drains" }, cmd_paths, NULL },
};

int
mif_cli_cmds_ipsec_register(void)
{
	return mif_cli_cmd_register_table(ipsec_cmds, RTE_DIM(ipsec_cmds));
}
