/* SPDX-License-Identifier: BSD-3-Clause */
/* The extension's state machine on real interface sets (through
 * mif_ifset_op_apply): add, remove, alternate, promote, replace, soft
 * handover, per-TS scope, transport host selectors, every refusal
 * leaving the sets and the table as they were, and the fallbacks. The
 * test plays the peer: it answers the RR checks the machine sends, or
 * does not, or answers with a wrong cookie. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_eal.h>

#include "common/ifset_ops.h"
#include "control/ike_wire.h"
#include "control/mif_path.h"
#include "dataplane/ifset.h"
#include "tests/unit/check.h"

#define L0	"192.0.2.1"		/* our address */
#define R0	"198.51.100.1"		/* the peer's IKE address */

static struct mif_ifset_ops *ops;
static struct mif_ifset_ref *ra, *rb;

/* What the machine asked us (the peer) to answer. */
static unsigned int n_rr;
static struct mif_ifset_ops_ep rr_ep[64];
static struct mif_mobike_cookie2 rr_c[64];

static int
send_rr(void *ctx, const struct mif_ifset_ops_ep *ep,
	const struct mif_mobike_cookie2 *c)
{
	CHECK(ctx == &n_rr);
	CHECK(n_rr < 64);
	rr_ep[n_rr] = *ep;
	rr_c[n_rr++] = *c;
	return 0;
}

static struct mif_addr
A(const char *s)
{
	struct mif_addr a;

	memset(&a, 0, sizeof(a));
	CHECK_EQ(mif_addr_parse(s, &a), 0);
	return a;
}

/* State of the path L0 -> @rm in @r, or -1 when absent. */
static int
pstate(struct mif_ifset_ref *r, const char *rm)
{
	const struct mif_ifset *s = r->cur;
	struct mif_addr a = A(rm);
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (mif_addr_eq(&s->path[i].ep.remote, &a))
			return s->path[i].state;
	return -1;
}

static struct mif_ifset_ref *mk_sa_peer(const char *name, const char *lsel,
					uint32_t spi, struct mif_path_sa *ps,
					uint32_t peer);

static struct mif_ifset_ref *
mk_sa(const char *name, const char *lsel, uint32_t spi,
      struct mif_path_sa *ps)
{
	return mk_sa_peer(name, lsel, spi, ps, 7);
}

static struct mif_ifset_ref *
mk_sa_peer(const char *name, const char *lsel, uint32_t spi,
	   struct mif_path_sa *ps, uint32_t peer)
{
	struct mif_ifset_ops_sa s;
	struct mif_ifset_ref *r;
	struct mif_sa_ep e;

	memset(&e, 0, sizeof(e));
	e.local = A(L0);
	e.remote = A(R0);
	r = mif_ifset_ref_create(spi, &e, 1);
	CHECK(r != NULL);
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.peer = peer;
	CHECK_EQ(mif_prefix_parse(lsel, &s.sel.local, false, false), 0);
	CHECK_EQ(mif_prefix_parse("0.0.0.0/0", &s.sel.remote, false, false),
		 0);
	s.sa = r;
	s.apply = mif_ifset_op_apply;
	CHECK_EQ(mif_ifset_ops_add(ops, &s), 0);
	CHECK_EQ(mif_path_child_add(ps, spi, &s.sel, false), 0);
	return r;
}

static struct mif_ext_op
op_new(uint16_t type, uint16_t ifid, uint32_t seq, const char *addr)
{
	struct mif_ext_op o;

	memset(&o, 0, sizeof(o));
	o.type = type;
	o.ifid = ifid;
	o.seq = seq;
	o.backup_of = MIF_EXT_NO_BACKUP;
	if (addr != NULL)
		o.addr = A(addr);
	return o;
}

static struct mif_path_sa ps;
static uint32_t mid = 1;
static uint64_t now = 1000;

/* One request with one operation; answer its RR checks when @answer. */
static uint16_t
req1(const struct mif_ext_op *o, bool answer)
{
	struct mif_path_reply rep;
	unsigned int first = n_rr;
	int rc;

	rc = mif_path_request(&ps, mid++, o, 1, &ps.ike.remote, now, &rep);
	CHECK(rc == 0 || rc == 1);
	if (rc == 1) {
		CHECK_EQ(n_rr, first + 1);
		if (!answer)
			return 0xffff;
		CHECK_EQ(mif_path_rr_answer(&ps, &rr_c[first], &rep), 0);
	}
	return rep.err;
}

static void
test_negotiation(void)
{
	struct mif_ext_sup sup = { MIF_EXT_SUP_PER_TS, 4 };
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 2, 1, "198.51.100.2");
	struct mif_path_reply rep;

	/* MIF_SUPPORTED without the VID: ignored, MOBIKE mode. */
	mif_path_note_auth(&ps, true, &sup);
	CHECK_EQ(ps.mode, MIF_PATH_MODE_MOBIKE);
	CHECK_EQ(mif_path_request(&ps, 1, &o, 1, &ps.ike.remote, now, &rep),
		 -ENOTSUP);
	CHECK_EQ(ps.st.ignored, 2);
	CHECK_EQ(n_rr, 0);
	mif_path_note_vid(&ps);
	mif_path_note_auth(&ps, true, &sup);
	CHECK_EQ(ps.mode, MIF_PATH_MODE_MIF);
	CHECK_STR(mif_path_mode_name(ps.mode), "mif");
}

static void
test_add_rr(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 2, 1, "198.51.100.2");
	struct mif_mobike_cookie2 bad;
	struct mif_path_reply rep;

	/* No answer: the deadline passes, nothing changed anywhere. */
	CHECK_EQ(req1(&o, false), 0xffff);
	CHECK(mif_addr_eq(&rr_ep[0].remote, &o.addr));
	CHECK_EQ(pstate(ra, "198.51.100.2"), -1);
	CHECK_EQ(mif_path_tick(&ps, now + 1, &rep), 1);
	CHECK_EQ(mif_path_tick(&ps, now + MIF_PATH_RR_TIMEOUT_US, &rep), 0);
	CHECK_EQ(rep.err, MIF_EXT_N_UNACCEPTABLE_ADDRESS);
	CHECK_EQ(rep.err_data.op, 1);
	CHECK_EQ(rep.err_data.ifid, 2);
	CHECK(mif_path_if_get(&ps, 2) == NULL);
	CHECK_EQ(pstate(ra, "198.51.100.2"), -1);
	CHECK_EQ(ps.st.rr_fail, 1);

	/* A wrong cookie: refused, and RFC 4555 says close the IKE SA. */
	o.seq = 2;
	CHECK_EQ(req1(&o, false), 0xffff);
	bad = rr_c[n_rr - 1];
	bad.v[0] ^= 0x80;
	CHECK_EQ(mif_path_rr_answer(&ps, &bad, &rep), 0);
	CHECK_EQ(rep.err, MIF_EXT_N_UNACCEPTABLE_ADDRESS);
	CHECK(rep.close_ike);
	CHECK(mif_path_if_get(&ps, 2) == NULL);
	CHECK_EQ(pstate(ra, "198.51.100.2"), -1);
	CHECK_EQ(mif_path_rr_answer(&ps, &rr_c[n_rr - 1], &rep), -ENOENT);

	/* Answered: both SAs get the path ACTIVE, the reply lists it. */
	o.seq = 3;
	CHECK_EQ(mif_path_request(&ps, mid++, &o, 1, &ps.ike.remote, now,
				  &rep), 1);
	CHECK_EQ(pstate(ra, "198.51.100.2"), -1);	/* not before RR */
	CHECK_EQ(mif_path_rr_answer(&ps, &rr_c[n_rr - 1], &rep), 0);
	CHECK_EQ(rep.err, 0);
	CHECK_EQ(rep.state.n, 2);
	CHECK_EQ(rep.state.ent[1].ifid, 2);
	CHECK_EQ(rep.state.ent[1].state, MIF_EXT_ST_ACTIVE);
	CHECK_EQ(rep.state.ent[1].seq, 3);
	CHECK_EQ(pstate(ra, "198.51.100.2"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(rb, "198.51.100.2"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(ra, R0), MIF_IFSET_ACTIVE);	/* both carry */
}

static void
test_refusals(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_REMOVE, 9, 5, NULL);
	struct mif_ext_op two[2];
	struct mif_path_reply rep;
	const struct mif_ifset *before = ra->cur;

	/* REMOVE of an unknown interface. */
	CHECK_EQ(req1(&o, true), MIF_EXT_N_UNKNOWN_IF_ID);
	/* A replayed message ID. */
	o.ifid = 2;
	CHECK_EQ(mif_path_request(&ps, mid - 1, &o, 1, &ps.ike.remote, now,
				  &rep), 0);
	CHECK_EQ(rep.err, MIF_EXT_N_STALE_UPDATE);
	/* A stale per-interface sequence (IfID 2 is at 3). */
	o.seq = 3;
	CHECK_EQ(req1(&o, true), MIF_EXT_N_STALE_UPDATE);
	/* ADD of a used IfID, of an address already used. */
	o = op_new(MIF_EXT_N_IF_ADD, 2, 9, "198.51.100.9");
	CHECK_EQ(req1(&o, true), MIF_IKE_N_INVALID_SYNTAX);
	o = op_new(MIF_EXT_N_IF_ADD, 5, 1, "198.51.100.2");
	CHECK_EQ(req1(&o, true), MIF_EXT_N_UNACCEPTABLE_ADDRESS);
	/* One good and one bad operation: nothing, not even an RR. */
	two[0] = op_new(MIF_EXT_N_IF_ADD, 5, 1, "198.51.100.5");
	two[1] = op_new(MIF_EXT_N_IF_REMOVE, 99, 1, NULL);
	n_rr = 0;
	CHECK_EQ(mif_path_request(&ps, mid++, two, 2, &ps.ike.remote, now,
				  &rep), 0);
	CHECK_EQ(rep.err, MIF_EXT_N_UNKNOWN_IF_ID);
	CHECK_EQ(rep.err_data.op, 2);
	CHECK_EQ(rep.err_data.ifid, 99);
	CHECK_EQ(n_rr, 0);
	CHECK(mif_path_if_get(&ps, 5) == NULL);
	/* An unknown SPI scope, a TS that holds no Child SA. */
	o = op_new(MIF_EXT_N_IF_PROMOTE, 2, 9, NULL);
	o.scope.one = true;
	o.scope.spi = 0xdead;
	CHECK_EQ(req1(&o, true), MIF_IKE_N_CHILD_SA_NOT_FOUND);
	o.scope.one = false;
	o.nts_d = 1;
	o.ts_d[0].type = MIF_IKE_TS_IPV4_ADDR_RANGE;
	o.ts_d[0].end_port = 65535;
	memcpy(o.ts_d[0].start, (uint8_t[]){ 10, 9, 0, 0 }, 4);
	memcpy(o.ts_d[0].end, (uint8_t[]){ 10, 9, 255, 255 }, 4);
	CHECK_EQ(req1(&o, true), MIF_EXT_N_TS_UNKNOWN);
	/* A range that is not a prefix. */
	memcpy(o.ts_d[0].start, (uint8_t[]){ 10, 1, 0, 1 }, 4);
	CHECK_EQ(req1(&o, true), MIF_EXT_N_TS_UNKNOWN);
	CHECK(ra->cur == before);		/* never republished */
	CHECK_EQ(mif_path_if_get(&ps, 2)->seq, 3);
}

static void
test_alt_promote_replace(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 3, 1, "198.51.100.3");

	/* ADD as the alternate of IfID 2. */
	o.flags = MIF_EXT_F_ALT;
	o.backup_of = 2;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "198.51.100.3"), MIF_IFSET_ALTERNATE);
	CHECK_EQ(mif_path_if_get(&ps, 3)->state, MIF_EXT_ST_ALTERNATE);
	/* PROMOTE it, then make 2 its alternate. */
	o = op_new(MIF_EXT_N_IF_PROMOTE, 3, 2, NULL);
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "198.51.100.3"), MIF_IFSET_ACTIVE);
	CHECK_EQ(req1(&o, true), MIF_EXT_N_STALE_UPDATE);
	o.seq = 3;
	CHECK_EQ(req1(&o, true), MIF_IKE_N_INVALID_SYNTAX);	/* active */
	o = op_new(MIF_EXT_N_IF_SET_ALTERNATE, 2, 4, NULL);
	o.backup_of = 3;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "198.51.100.2"), MIF_IFSET_ALTERNATE);
	CHECK_EQ(pstate(rb, "198.51.100.2"), MIF_IFSET_ALTERNATE);
	/* REPLACE (hard handover) of 3: new address after its RR. */
	o = op_new(MIF_EXT_N_IF_REPLACE, 3, 4, "203.0.113.3");
	CHECK_EQ(req1(&o, false), 0xffff);
	CHECK_EQ(pstate(ra, "198.51.100.3"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(ra, "203.0.113.3"), -1);
	CHECK(mif_addr_eq(&rr_ep[n_rr - 1].remote, &o.addr));
	{
		struct mif_path_reply rep;

		CHECK_EQ(mif_path_rr_answer(&ps, &rr_c[n_rr - 1], &rep), 0);
		CHECK_EQ(rep.err, 0);
	}
	CHECK_EQ(pstate(ra, "203.0.113.3"), MIF_IFSET_ACTIVE);
	CHECK(pstate(ra, "198.51.100.3") != MIF_IFSET_ACTIVE);
	CHECK(mif_addr_eq(&mif_path_if_get(&ps, 3)->addr, &o.addr));
}

static void
test_soft_and_limit(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 4, 1, "203.0.113.4");

	/* Soft handover 3 -> 4: ADD, check, then REMOVE. */
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "203.0.113.4"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(ra, "203.0.113.3"), MIF_IFSET_ACTIVE);
	o = op_new(MIF_EXT_N_IF_REMOVE, 3, 5, NULL);
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "203.0.113.3"), MIF_IFSET_REMOVED);
	CHECK_EQ(pstate(ra, "203.0.113.4"), MIF_IFSET_ACTIVE);
	CHECK_EQ(mif_path_if_get(&ps, 3)->state, MIF_EXT_ST_REMOVED);
	/* Live now: 0, 2, 4 (3 is removed); MaxIfaces 4 allows one more. */
	o = op_new(MIF_EXT_N_IF_ADD, 6, 1, "203.0.113.6");
	CHECK_EQ(req1(&o, true), 0);
	o = op_new(MIF_EXT_N_IF_ADD, 7, 1, "203.0.113.7");
	CHECK_EQ(req1(&o, true), MIF_EXT_N_LIMIT_EXCEEDED);
	CHECK_EQ(pstate(ra, "203.0.113.7"), -1);
	o = op_new(MIF_EXT_N_IF_REMOVE, 6, 2, NULL);
	CHECK_EQ(req1(&o, true), 0);
}

static void
test_per_ts(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 8, 1, "203.0.113.8");

	/* Our side 10.1.0.0/16 holds SA a only. */
	o.nts_d = 1;
	o.ts_d[0].type = MIF_IKE_TS_IPV4_ADDR_RANGE;
	o.ts_d[0].end_port = 65535;
	memcpy(o.ts_d[0].start, (uint8_t[]){ 10, 1, 0, 0 }, 4);
	memcpy(o.ts_d[0].end, (uint8_t[]){ 10, 1, 255, 255 }, 4);
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "203.0.113.8"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(rb, "203.0.113.8"), -1);
	CHECK_EQ(mif_path_if_get(&ps, 8)->nts, 1);
	/* One SPI: SA b only. */
	o = op_new(MIF_EXT_N_IF_REMOVE, 8, 2, NULL);
	o.scope.one = true;
	o.scope.spi = 0x202;
	CHECK_EQ(req1(&o, true), MIF_EXT_N_TS_UNKNOWN);	/* b lacks it */
	CHECK_EQ(pstate(ra, "203.0.113.8"), MIF_IFSET_ACTIVE);
	o.scope.spi = 0x101;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(pstate(ra, "203.0.113.8"), MIF_IFSET_REMOVED);
}

static void
test_transport(void)
{
	struct mif_path_child *c;
	struct mif_ifset_ts sel;
	struct mif_ext_op o;

	memset(&sel, 0, sizeof(sel));
	CHECK_EQ(mif_prefix_parse(L0 "/32", &sel.local, false, false), 0);
	CHECK_EQ(mif_prefix_parse(R0 "/32", &sel.remote, false, false), 0);
	CHECK_EQ(mif_path_child_add(&ps, 0x303, &sel, true), 0);
	CHECK_EQ(mif_path_child_add(&ps, 0x303, &sel, true), -EEXIST);
	c = &ps.child[ps.n_child - 1];
	CHECK_EQ(c->n_hosts, 1);
	/* ADD with T widens the host selectors of transport SAs. */
	o = op_new(MIF_EXT_N_IF_ADD, 9, 1, "203.0.113.9");
	o.flags = MIF_EXT_F_TRANSPORT;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(c->n_hosts, 2);
	CHECK(mif_addr_eq(&c->host[1], &o.addr));
	/* REPLACE rewrites it, REMOVE narrows. */
	o = op_new(MIF_EXT_N_IF_REPLACE, 9, 2, "203.0.113.19");
	o.flags = MIF_EXT_F_TRANSPORT;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(c->n_hosts, 2);
	CHECK(mif_addr_eq(&c->host[1], &o.addr));
	o = op_new(MIF_EXT_N_IF_REMOVE, 9, 3, NULL);
	o.flags = MIF_EXT_F_TRANSPORT;
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(c->n_hosts, 1);
	CHECK(mif_addr_eq(&c->host[0], &ps.ike.remote));
	/* Without T the host selectors stay. */
	o = op_new(MIF_EXT_N_IF_ADD, 10, 1, "203.0.113.10");
	CHECK_EQ(req1(&o, true), 0);
	CHECK_EQ(c->n_hosts, 1);
}

static void
test_local_plan(void)
{
	struct mif_ext_op o = op_new(MIF_EXT_N_IF_ADD, 2, 0, "192.0.2.50");
	struct mif_path_plan p;
	struct mif_ext_op back;

	/* MIF: the notify data round-trips through the parser. */
	CHECK_EQ(mif_path_local_plan(&ps, &o, &p), 0);
	CHECK_EQ(p.act, MIF_PATH_ACT_MIF);
	CHECK_EQ(o.seq, 1);
	memset(&back, 0, sizeof(back));
	CHECK_EQ(mif_ext_op_parse(p.type, p.data, p.len, &back), 0);
	CHECK(mif_addr_eq(&back.addr, &o.addr));
	CHECK_EQ(back.seq, 1);
	o.ifid = 0;
	CHECK_EQ(mif_path_local_plan(&ps, &o, &p), -EINVAL);
}

/* MOBIKE only: one path, hard handover of the IKE path and every SA. */
static void
test_mobike(void)
{
	struct mif_ifset_ops_ep ike, from;
	struct mif_path_reply rep;
	struct mif_path_sa m;
	struct mif_path_plan p;
	struct mif_ext_op o;

	memset(&ike, 0, sizeof(ike));
	ike.local = A(L0);
	ike.remote = A(R0);
	mif_path_sa_init(&m, 7, ops, &ike, send_rr, &n_rr);
	mif_path_note_auth(&m, true, NULL);
	CHECK_EQ(m.mode, MIF_PATH_MODE_MOBIKE);
	o = op_new(MIF_EXT_N_IF_ADD, 2, 0, "192.0.2.60");
	CHECK_EQ(mif_path_local_plan(&m, &o, &p), 0);
	CHECK_EQ(p.act, MIF_PATH_ACT_ADDRS);
	CHECK(strstr(p.why, "one active path") != NULL);
	o.type = MIF_EXT_N_IF_REPLACE;
	CHECK_EQ(mif_path_local_plan(&m, &o, &p), 0);
	CHECK_EQ(p.act, MIF_PATH_ACT_UPDATE);
	/* The peer moved: RR to its new address, then all SAs follow. */
	from = ike;
	from.remote = A("203.0.113.77");
	CHECK_EQ(mif_path_mobike_update(&m, 10, &from, now, &rep), 1);
	CHECK_EQ(pstate(ra, "203.0.113.77"), -1);
	CHECK_EQ(mif_path_mobike_update(&m, 9, &from, now, &rep), -EALREADY);
	CHECK_EQ(mif_path_rr_answer(&m, &rr_c[n_rr - 1], &rep), 0);
	CHECK_EQ(rep.err, 0);
	CHECK_EQ(rep.msg_id, 10);
	CHECK_EQ(pstate(ra, "203.0.113.77"), MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(rb, "203.0.113.77"), MIF_IFSET_ACTIVE);
	CHECK(pstate(ra, R0) != MIF_IFSET_ACTIVE);
	CHECK(mif_addr_eq(&m.ike.remote, &from.remote));
	/* Stale again; then a move whose RR is never answered. */
	CHECK_EQ(mif_path_mobike_update(&m, 10, &ike, now, &rep), -EALREADY);
	CHECK_EQ(mif_path_mobike_update(&m, 11, &ike, now, &rep), 1);
	CHECK_EQ(mif_path_tick(&m, now + MIF_PATH_RR_TIMEOUT_US, &rep), 0);
	CHECK_EQ(rep.err, MIF_IKE_N_UNACCEPTABLE_ADDRESSES);
	CHECK_EQ(pstate(ra, "203.0.113.77"), MIF_IFSET_ACTIVE);
	CHECK(mif_addr_eq(&m.ike.remote, &from.remote));
	/* A MIF request on a MOBIKE-only SA is ignored. */
	CHECK_EQ(mif_path_request(&m, 12, &o, 1, &ike.remote, now, &rep),
		 -ENOTSUP);

	/* Neither: nothing moves, and the operator reads why. */
	mif_path_sa_init(&m, 7, ops, &ike, send_rr, &n_rr);
	mif_path_note_auth(&m, false, NULL);
	CHECK_EQ(mif_path_local_plan(&m, &o, &p), -EOPNOTSUPP);
	CHECK_EQ(p.act, MIF_PATH_ACT_NONE);
	CHECK(strstr(p.why, "neither") != NULL);
	CHECK_EQ(mif_path_mobike_update(&m, 1, &from, now, &rep), -ENOTSUP);
}

/* The dataplane refuses the second ADD of a request (its set holds 8
 * paths): the first, already applied, is undone, and the table keeps
 * neither. */
static void
test_rollback(void)
{
	struct mif_ifset_ops_ep ike;
	struct mif_ext_sup sup = { 0, 16 };
	struct mif_path_reply rep;
	struct mif_ifset_ref *rc;
	struct mif_path_sa p2;
	struct mif_ext_op two[2];
	char a[32];
	unsigned int i, first;

	memset(&ike, 0, sizeof(ike));
	ike.local = A(L0);
	ike.remote = A(R0);
	mif_path_sa_init(&p2, 8, ops, &ike, send_rr, &n_rr);
	mif_path_note_vid(&p2);
	mif_path_note_auth(&p2, true, &sup);
	rc = mk_sa_peer("c", "10.3.0.0/24", 0x404, &p2, 8);
	for (i = 2; i <= 7; i++) {		/* paths 2..7 of 8 */
		snprintf(a, sizeof(a), "203.0.113.%u", 100 + i);
		two[0] = op_new(MIF_EXT_N_IF_ADD, (uint16_t)i, 1, a);
		CHECK_EQ(mif_path_request(&p2, i, two, 1, &ike.remote, now,
					  &rep), 1);
		CHECK_EQ(mif_path_rr_answer(&p2, &rr_c[n_rr - 1], &rep), 0);
		CHECK_EQ(rep.err, 0);
	}
	CHECK_EQ(rc->cur->n, 7);
	two[0] = op_new(MIF_EXT_N_IF_ADD, 20, 1, "203.0.113.120");
	two[1] = op_new(MIF_EXT_N_IF_ADD, 21, 1, "203.0.113.121");
	first = n_rr;
	CHECK_EQ(mif_path_request(&p2, 100, two, 2, &ike.remote, now, &rep),
		 1);
	CHECK_EQ(n_rr, first + 2);		/* one check per address */
	CHECK_EQ(mif_path_rr_answer(&p2, &rr_c[first], &rep), 1);
	CHECK_EQ(mif_path_rr_answer(&p2, &rr_c[first + 1], &rep), 0);
	CHECK_EQ(rep.err, MIF_EXT_N_LIMIT_EXCEEDED);
	CHECK_EQ(rep.err_data.ifid, 21);
	CHECK(pstate(rc, "203.0.113.120") != MIF_IFSET_ACTIVE);
	CHECK_EQ(pstate(rc, "203.0.113.121"), -1);
	CHECK(mif_path_if_get(&p2, 20) == NULL);
	CHECK(mif_path_if_get(&p2, 21) == NULL);
	CHECK_EQ(pstate(rc, "203.0.113.107"), MIF_IFSET_ACTIVE);
	CHECK_EQ(mif_ifset_ops_del(ops, rc), 0);
	mif_ifset_ref_destroy(rc);
}

int
main(void)
{
	char *eal[] = { "test_mif_path", "--no-huge", "-m", "64",
			"--no-shconf", "--no-pci", "--no-telemetry", "-l",
			"0", "--log-level", "*:notice" };
	struct mif_ifset_ops_ep ike;

	CHECK(rte_eal_init(RTE_DIM(eal), eal) >= 0);
	ops = mif_ifset_ops_create(8);
	CHECK(ops != NULL);
	memset(&ike, 0, sizeof(ike));
	ike.local = A(L0);
	ike.remote = A(R0);
	mif_path_sa_init(&ps, 7, ops, &ike, send_rr, &n_rr);
	ra = mk_sa("a", "10.1.0.0/24", 0x101, &ps);
	rb = mk_sa("b", "10.2.0.0/24", 0x202, &ps);
	test_negotiation();
	test_add_rr();
	test_refusals();
	test_alt_promote_replace();
	test_soft_and_limit();
	test_per_ts();
	test_transport();
	test_local_plan();
	test_mobike();
	test_rollback();
	CHECK_DONE();
}
