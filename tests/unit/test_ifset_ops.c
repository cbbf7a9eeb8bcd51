/* SPDX-License-Identifier: BSD-3-Clause */
/* Interface-set operations API: scope by peer and traffic selector,
 * errors and messages, link events, hard and soft handover, applied
 * to real interface sets through mif_ifset_op_apply(). */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "common/cfg.h"
#include "common/cfg_sa.h"
#include "common/cfg_sa_paths.h"
#include "common/ifset_ops.h"
#include "dataplane/ifset.h"
#include "tests/unit/check.h"

static struct mif_ifset_ref *ra, *rb, *rc2;
static struct mif_ifset_ops *ops;

static struct mif_ifset_ops_ep
oep(const char *l, const char *r)
{
	struct mif_ifset_ops_ep e;

	memset(&e, 0, sizeof(e));
	CHECK_EQ(mif_addr_parse(l, &e.local), 0);
	if (r != NULL)
		CHECK_EQ(mif_addr_parse(r, &e.remote), 0);
	return e;
}

static struct mif_ifset_ref *
mk(const char *name, uint32_t peer, const char *lsel)
{
	struct mif_ifset_ops_sa s;
	struct mif_sa_ep e;
	struct mif_ifset_ref *r;

	memset(&e, 0, sizeof(e));
	mif_addr_parse("192.0.2.1", &e.local);
	mif_addr_parse("198.51.100.1", &e.remote);
	r = mif_ifset_ref_create(peer << 8, &e, 1);
	CHECK(r != NULL);
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.peer = peer;
	CHECK_EQ(mif_prefix_parse(lsel, &s.sel.local, false, false), 0);
	CHECK_EQ(mif_prefix_parse("0.0.0.0/0", &s.sel.remote, false, false),
		 0);
	s.sel.proto = 0;
	s.sa = r;
	s.apply = mif_ifset_op_apply;
	CHECK_EQ(mif_ifset_ops_add(ops, &s), 0);
	CHECK_EQ(mif_ifset_ops_add(ops, &s), -EEXIST);
	return r;
}

static bool
has(struct mif_ifset_ref *r, const char *l, const char *rm, int state)
{
	struct mif_ifset_ops_ep e = oep(l, rm);
	const struct mif_ifset *s = r->cur;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->path[i].ep.local.v4 == e.local.v4 &&
		    s->path[i].ep.remote.v4 == e.remote.v4 &&
		    (state < 0 || s->path[i].state == state))
			return true;
	return false;
}

static int
run(enum mif_ifset_op_kind k, uint32_t peer, const struct mif_ifset_ts *ts,
    const char *l, const char *rm, char *msg)
{
	struct mif_ifset_op op;

	memset(&op, 0, sizeof(op));
	op.kind = k;
	op.peer = peer;
	op.ts = ts;
	op.ep = oep(l, rm);
	op.state = MIF_IFSET_ACTIVE;
	op.weight = 1;
	op.why = "test";
	return mif_ifset_ops_apply(ops, &op, msg, 160);
}

static void
test_scope(void)
{
	struct mif_ifset_op op;
	struct mif_ifset_ts ts;
	char msg[160];

	memset(&ts, 0, sizeof(ts));
	CHECK_EQ(mif_prefix_parse("10.1.0.0/16", &ts.local, false, false), 0);
	/* TS scoped: only SA a (10.1.0.0/24 inside 10.1.0.0/16). */
	CHECK_EQ(run(MIF_IFSET_OP_ADD, 1, &ts, "192.0.2.2", "198.51.100.2",
		     msg), 0);
	CHECK_STR(msg, "add: 1 SA(s) changed");
	CHECK(has(ra, "192.0.2.2", "198.51.100.2", MIF_IFSET_ACTIVE));
	CHECK(!has(rb, "192.0.2.2", "198.51.100.2", -1));
	CHECK(!has(rc2, "192.0.2.2", "198.51.100.2", -1));
	/* Whole peer: b gets it too, a says EEXIST. */
	CHECK_EQ(run(MIF_IFSET_OP_ADD, 1, NULL, "192.0.2.2", "198.51.100.2",
		     msg), -EEXIST);
	CHECK(strstr(msg, "sa a") != NULL);
	CHECK(has(rb, "192.0.2.2", "198.51.100.2", MIF_IFSET_ACTIVE));
	CHECK(!has(rc2, "192.0.2.2", "198.51.100.2", -1));
	/* TS that covers no SA of the peer, unknown peer, unknown path. */
	CHECK_EQ(mif_prefix_parse("10.9.0.0/16", &ts.local, false, false), 0);
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 1, &ts, "192.0.2.2",
		     "198.51.100.2", msg), -ENOENT);
	CHECK(strstr(msg, "no SA of peer 1") != NULL);
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 7, NULL, "192.0.2.2",
		     "198.51.100.2", msg), -ENOENT);
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 1, NULL, "192.0.2.9",
		     "198.51.100.2", msg), -ENOENT);
	CHECK(strstr(msg, "path not found in 2 SA(s)") != NULL);
	/* Protocol selector: SA selectors say any, a TCP-only TS is not
	 * wider than "any", so it covers none. */
	memset(&ts, 0, sizeof(ts));
	ts.proto = 6;
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 1, &ts, "192.0.2.2",
		     "198.51.100.2", msg), -ENOENT);
	/* Remove on the whole peer. */
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 1, NULL, "192.0.2.2",
		     "198.51.100.2", msg), 0);
	/* An SA named (the CLI): only that one, even with a wider scope. */
	memset(&op, 0, sizeof(op));
	op.kind = MIF_IFSET_OP_ADD;
	op.peer = MIF_IFSET_PEER_ANY;
	op.sa_name = "b";
	op.ep = oep("192.0.2.77", "198.51.100.77");
	op.state = MIF_IFSET_ACTIVE;
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), 0);
	CHECK(has(rb, "192.0.2.77", "198.51.100.77", MIF_IFSET_ACTIVE));
	CHECK(!has(ra, "192.0.2.77", "198.51.100.77", -1));
	CHECK(!has(rc2, "192.0.2.77", "198.51.100.77", -1));
	/* Named and scoped: b's selectors are not inside 10.1.0.0/16. */
	memset(&ts, 0, sizeof(ts));
	CHECK_EQ(mif_prefix_parse("10.1.0.0/16", &ts.local, false, false), 0);
	op.ts = &ts;
	op.kind = MIF_IFSET_OP_REMOVE;
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), -ENOENT);
	CHECK(has(rb, "192.0.2.77", "198.51.100.77", MIF_IFSET_ACTIVE));
	op.ts = NULL;
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), 0);
	CHECK(has(rb, "192.0.2.77", "198.51.100.77", MIF_IFSET_REMOVED));
	CHECK(has(ra, "192.0.2.2", "198.51.100.2", MIF_IFSET_REMOVED));
	CHECK(has(rb, "192.0.2.2", "198.51.100.2", MIF_IFSET_REMOVED));
	/* Bad requests. */
	CHECK_EQ(run(MIF_IFSET_OP_MAX, 1, NULL, "192.0.2.2", NULL, msg),
		 -EINVAL);
	CHECK_EQ(run(MIF_IFSET_OP_SOFT, 1, NULL, "192.0.2.1",
		     "198.51.100.1", msg), -EINVAL);
	CHECK(strstr(msg, "soft-handover") != NULL);
}

static void
test_limit(void)
{
	char msg[160], l[32];
	int i, rc = 0;

	for (i = 10; i < 10 + MIF_IFSET_MAX_PATHS + 1 && rc == 0; i++) {
		snprintf(l, sizeof(l), "192.0.2.%d", i);
		rc = run(MIF_IFSET_OP_ADD, 2, NULL, l, "198.51.100.1", msg);
	}
	/* c holds the default path: MAX - 1 more fit, then no room. */
	CHECK_EQ(i, 10 + MIF_IFSET_MAX_PATHS);
	CHECK_EQ(rc, -ENOSPC);
	CHECK(strstr(msg, "sa c") != NULL);
}

static void
test_link_and_handover(void)
{
	struct mif_ifset_op op;
	struct mif_addr a;
	char msg[160];

	/* a: primary 192.0.2.1, alternate 192.0.2.3. */
	memset(&op, 0, sizeof(op));
	op.kind = MIF_IFSET_OP_ADD;
	op.peer = 1;
	op.ep = oep("192.0.2.3", "198.51.100.3");
	op.state = MIF_IFSET_ALTERNATE;
	op.has_alt_of = true;
	op.alt_of = oep("192.0.2.1", "198.51.100.1");
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), 0);
	CHECK(has(ra, "192.0.2.3", "198.51.100.3", MIF_IFSET_ALTERNATE));
	/* Link down on 192.0.2.1: every SA using it fails over. */
	mif_addr_parse("192.0.2.1", &a);
	CHECK_EQ(mif_ifset_ops_local_link(ops, &a, false), 3);
	CHECK(has(ra, "192.0.2.3", "198.51.100.3", MIF_IFSET_ACTIVE));
	CHECK(has(ra, "192.0.2.1", "198.51.100.1", MIF_IFSET_ALTERNATE));
	CHECK_EQ(mif_ifset_ops_local_link(ops, &a, false), -EALREADY);
	CHECK_EQ(mif_ifset_ops_local_link(ops, &a, true), 3);
	CHECK(has(ra, "192.0.2.1", "198.51.100.1", MIF_IFSET_ACTIVE));
	CHECK(has(ra, "192.0.2.3", "198.51.100.3", MIF_IFSET_ALTERNATE));
	mif_addr_parse("192.0.2.99", &a);
	CHECK_EQ(mif_ifset_ops_local_link(ops, &a, false), 0);

	/* Hard handover of b's default path to 192.0.2.4. */
	memset(&op, 0, sizeof(op));
	op.kind = MIF_IFSET_OP_HARD;
	op.peer = 1;
	op.ep = oep("192.0.2.1", "198.51.100.1");
	op.new_ep = oep("192.0.2.4", "198.51.100.4");
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), 0);
	CHECK(has(rb, "192.0.2.1", "198.51.100.1", MIF_IFSET_REMOVED));
	CHECK(has(rb, "192.0.2.4", "198.51.100.4", MIF_IFSET_ACTIVE));
	CHECK_EQ(rb->cur->n_active, 1);

	/* Soft handover on peer 2: both ACTIVE, then the old one goes. */
	op.kind = MIF_IFSET_OP_SOFT;
	op.peer = 2;
	op.new_ep = oep("192.0.2.5", "198.51.100.5");
	op.drain_idle_us = 1000;
	CHECK_EQ(run(MIF_IFSET_OP_REMOVE, 2, NULL, "192.0.2.10",
		     "198.51.100.1", msg), 0);
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), 0);
	CHECK(has(rc2, "192.0.2.5", "198.51.100.5", MIF_IFSET_ACTIVE));
	CHECK(has(rc2, "192.0.2.1", "198.51.100.1", MIF_IFSET_ACTIVE));
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, msg, sizeof(msg)), -EBUSY);
	CHECK_EQ(mif_ifset_tick(rc2, NULL, rte_get_tsc_cycles() +
				rte_get_tsc_hz()), 1);
	CHECK(has(rc2, "192.0.2.1", "198.51.100.1", MIF_IFSET_REMOVED));
	CHECK_EQ(mif_ifset_ops_del(ops, rc2), 0);
	CHECK_EQ(mif_ifset_ops_del(ops, rc2), -ENOENT);
}

/* The text with the first @what replaced by @with (NULL: without the
 * interface-set keys): the window its SA gets. */
static void
win_check(const char *text, size_t len, const char *what, const char *with,
	  unsigned int want)
{
	const char *at = strstr(text, what);
	struct mif_cfg cfg;
	char buf[1024];
	char err[256];
	int n;

	CHECK(at != NULL && len < sizeof(buf));
	if (with == NULL)	/* no paths list: cut from path_policy on */
		n = snprintf(buf, sizeof(buf), "%.*s} );\n",
			     (int)(strstr(text, "  path_policy") - text), text);
	else
		n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - text),
			     text, with, at + strlen(what));
	CHECK(n > 0 && (size_t)n < sizeof(buf));
	memset(&cfg, 0, sizeof(cfg));
	if (mif_cfg_load_mem("inline", buf, (size_t)n, &cfg, err,
			     sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
		return;
	}
	CHECK_EQ(cfg.sas[0].replay_window, want);
	mif_cfg_free(&cfg);
}

/* A configured SA: paths, policy, failback and alt_of reach the set. */
static void
test_config(void)
{
	static const char text[] =
		"ports = ( { name = \"wan\"; dev = \"net_null0\";\n"
		"  role = \"unprotected\"; addresses = [ \"198.51.100.1/24\" ]; } );\n"
		"sas = ( { name = \"u\"; spi = 0x2001; dir = \"in\";\n"
		"  local = \"198.51.100.1\"; remote = \"203.0.113.10\";\n"
		"  cipher = \"aes-gcm-128\"; salt = \"01020304\";\n"
		"  key = \"000102030405060708090a0b0c0d0e0f\";\n"
		"  path_policy = \"weighted\"; failback = \"manual\";\n"
		"  paths = ( { local = \"198.51.100.2\"; remote = \"203.0.113.20\"; weight = 3; },\n"
		"    { local = \"198.51.100.1\"; remote = \"203.0.113.30\";\n"
		"      state = \"alternate\"; priority = 1; alt_of = 0; },\n"
		"    { local = \"2001:db8:2::1\"; remote = \"2001:db8:9::1\";\n"
		"      state = \"pending\"; } ); } );\n";
	const struct mif_ifset_path *p;
	struct mif_cfg_sa *c;
	struct mif_ifset_ref *r;
	struct mif_ifset *d;
	struct mif_sa_ep e;
	struct mif_cfg cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	if (mif_cfg_load_mem("inline", text, sizeof(text) - 1, &cfg, err,
			     sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
	}
	CHECK_EQ(cfg.n_sas, 1);
	c = &cfg.sas[0];
	CHECK_EQ(c->n_paths, 3);
	/* A paths list without replay_window gets the multi-path window. */
	CHECK_EQ(c->replay_window, MIF_IFSET_REPLAY_WIN_DEFAULT);
	CHECK_EQ(MIF_CFG_SA_PATHS_WIN, MIF_IFSET_REPLAY_WIN_DEFAULT);
	memset(&e, 0, sizeof(e));
	e.local = c->local;
	e.remote = c->remote;
	r = mif_ifset_ref_create(c->spi, &e, 1);
	CHECK(r != NULL);
	CHECK_EQ(mif_ifset_cfg_apply(r, c), 0);
	CHECK_EQ(r->cur->n, 4);
	CHECK_EQ(r->cur->policy, MIF_IFSET_POL_WEIGHTED);
	CHECK_EQ(r->failback, MIF_IFSET_FB_MANUAL);
	CHECK_EQ(r->cur->n_active, 2);
	CHECK(has(r, "198.51.100.2", "203.0.113.20", MIF_IFSET_ACTIVE));
	CHECK_EQ(mif_ifset_find_const(r->cur, 2)->weight, 3);
	p = mif_ifset_find_const(r->cur, 3);
	CHECK(p != NULL && p->state == MIF_IFSET_ALTERNATE && p->alt_of == 1);
	CHECK_EQ(mif_ifset_find_const(r->cur, 4)->state, MIF_IFSET_PENDING);
	CHECK_EQ(mif_ifset_find_const(r->cur, 4)->ep.local.family, AF_INET6);
	/* The configured alternate takes over from the SA's own path. */
	d = mif_ifset_draft(r);
	CHECK_EQ(mif_ifset_path_fail(d, 1), 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK_EQ(mif_ifset_find_const(r->cur, 3)->state, MIF_IFSET_ACTIVE);
	mif_ifset_ref_destroy(r);
	mif_cfg_free(&cfg);
	win_check(text, sizeof(text) - 1, "paths", "replay_window = 96; paths", 96);
	win_check(text, sizeof(text) - 1, "paths", NULL, MIF_CFG_SA_DEF_WIN);
}

/* A path with a ts stays out of its SA's configured set and is added,
 * as control/ifset_link.c does at start-up, by an ADD through the
 * registry to the SAs of the peer whose selectors lie inside the ts. */
static void
test_config_ts(void)
{
	static const char text[] =
		"ports = ( { name = \"wan\"; dev = \"net_null0\";\n"
		"  role = \"unprotected\"; addresses = [ \"198.51.100.1/24\" ]; } );\n"
		"sas = ( { name = \"u\"; spi = 0x2001; dir = \"in\";\n"
		"  local = \"198.51.100.1\"; remote = \"203.0.113.10\";\n"
		"  cipher = \"aes-gcm-128\"; salt = \"01020304\";\n"
		"  key = \"000102030405060708090a0b0c0d0e0f\";\n"
		"  paths = ( { local = \"198.51.100.2\"; remote = \"203.0.113.20\"; },\n"
		"    { local = \"198.51.100.3\"; remote = \"203.0.113.30\";\n"
		"      state = \"pending\";\n"
		"      ts = { local = \"10.1.0.0/16\"; remote = \"0.0.0.0/0\"; }; } ); } );\n";
	const struct mif_cfg_sa_path *p;
	struct mif_ifset_ref *in, *out;
	struct mif_ifset_ops *sv = ops;
	struct mif_ifset_op op;
	struct mif_ifset_ts ts;
	struct mif_cfg_sa *c;
	struct mif_cfg cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	if (mif_cfg_load_mem("inline", text, sizeof(text) - 1, &cfg, err,
			     sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
		return;
	}
	c = &cfg.sas[0];
	CHECK_EQ(c->n_paths, 2);
	CHECK(!c->paths[0].has_ts);
	p = &c->paths[1];
	CHECK(p->has_ts);
	CHECK_EQ(p->ts_local.len, 16);
	CHECK_EQ(p->ts_remote.len, 0);
	ops = mif_ifset_ops_create(2);
	CHECK(ops != NULL);
	in = mk("in", 7, "10.1.2.0/24");
	out = mk("out", 7, "10.9.0.0/24");
	CHECK_EQ(mif_ifset_cfg_apply(in, c), 0);
	CHECK(has(in, "198.51.100.2", "203.0.113.20", MIF_IFSET_ACTIVE));
	CHECK(!has(in, "198.51.100.3", "203.0.113.30", MIF_IFSET_PENDING));
	memset(&ts, 0, sizeof(ts));
	ts.local = p->ts_local;
	ts.remote = p->ts_remote;
	memset(&op, 0, sizeof(op));
	op.kind = MIF_IFSET_OP_ADD;
	op.peer = 7;
	op.ts = &ts;
	op.ep.local = p->local;
	op.ep.remote = p->remote;
	op.state = p->state;
	op.weight = p->weight;
	op.why = "test";
	CHECK_EQ(mif_ifset_ops_apply(ops, &op, err, sizeof(err)), 0);
	CHECK(has(in, "198.51.100.3", "203.0.113.30", MIF_IFSET_PENDING));
	/* 10.9.0.0/24 lies outside 10.1.0.0/16: left alone. */
	CHECK(!has(out, "198.51.100.3", "203.0.113.30", MIF_IFSET_PENDING));
	mif_ifset_ref_destroy(in);
	mif_ifset_ref_destroy(out);
	mif_ifset_ops_destroy(ops);
	ops = sv;
	mif_cfg_free(&cfg);
}

int
main(void)
{
	char *eal[] = { "test_ifset_ops", "--no-huge", "-m", "64",
			"--no-shconf", "--no-pci", "--no-telemetry", "-l",
			"0", "--log-level", "*:notice" };

	CHECK(rte_eal_init(RTE_DIM(eal), eal) >= 0);
	ops = mif_ifset_ops_create(4);
	CHECK(ops != NULL);
	ra = mk("a", 1, "10.1.0.0/24");
	rb = mk("b", 1, "10.2.0.0/24");
	rc2 = mk("c", 2, "10.3.0.0/24");
	test_scope();
	test_limit();
	test_link_and_handover();
	test_config();
	test_config_ts();
	mif_ifset_ref_destroy(ra);
	mif_ifset_ref_destroy(rb);
	mif_ifset_ref_destroy(rc2);
	mif_ifset_ops_destroy(ops);
	rte_eal_cleanup();
	CHECK_DONE();
}
