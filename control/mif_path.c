/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-IKE-SA state machine of the multiple-interface extension and its
 * MOBIKE fallback: check a request whole on a staged copy, run the
 * return-routability checks, then apply through the ifset operations. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "control/ike_wire.h"
#include "control/mif_path.h"
#include "dataplane/ifset.h"

#define COOKIE_LEN	16

const char *
mif_path_mode_name(enum mif_path_mode m)
{
	switch (m) {
	case MIF_PATH_MODE_MIF:
		return "mif";
	case MIF_PATH_MODE_MOBIKE:
		return "mobike";
	default:
		return "none";
	}
}

void
mif_path_sa_init(struct mif_path_sa *ps, uint32_t peer,
		 struct mif_ifset_ops *ops, const struct mif_ifset_ops_ep *ike,
		 mif_path_send_rr_fn send_rr, void *ctx)
{
	memset(ps, 0, sizeof(*ps));
	ps->peer = peer;
	ps->ops = ops;
	ps->send_rr = send_rr;
	ps->ctx = ctx;
	ps->ike = *ike;
	ps->rr_timeout_us = MIF_PATH_RR_TIMEOUT_US;
	/* Interface 0 is the IKE path; only MOBIKE moves it. */
	ps->ifs[0].used = true;
	ps->ifs[0].ifid = MIF_EXT_IFID_IKE;
	ps->ifs[0].state = MIF_EXT_ST_ACTIVE;
	ps->ifs[0].backup_of = MIF_EXT_NO_BACKUP;
	ps->ifs[0].addr = ike->remote;
	ps->ifs[0].port = ike->rport;
	ps->peer_addrs.n = 1;
	ps->peer_addrs.a[0] = ike->remote;
}

void
mif_path_note_vid(struct mif_path_sa *ps)
{
	ps->peer_vid = true;
}

void
mif_path_note_auth(struct mif_path_sa *ps, bool mobike,
		   const struct mif_ext_sup *sup)
{
	/* Private notify numbers mean nothing without the VID
	 * (RFC 7296 3.10.1): a MIF_SUPPORTED alone is ignored. */
	if (sup != NULL && ps->peer_vid) {
		ps->peer_sup = *sup;
		ps->mode = MIF_PATH_MODE_MIF;
	} else if (mobike) {
		ps->mode = MIF_PATH_MODE_MOBIKE;
	} else {
		ps->mode = MIF_PATH_MODE_NONE;
	}
	if (sup != NULL && !ps->peer_vid)
		ps->st.ignored++;
}

int
mif_path_child_add(struct mif_path_sa *ps, uint32_t spi,
		   const struct mif_ifset_ts *sel, bool transport)
{
	struct mif_path_child *c;
	unsigned int i;

	for (i = 0; i < ps->n_child; i++)
		if (ps->child[i].spi == spi)
			return -EEXIST;
	if (ps->n_child >= MIF_PATH_MAX_CHILD)
		return -ENOSPC;
	c = &ps->child[ps->n_child++];
	memset(c, 0, sizeof(*c));
	c->spi = spi;
	c->sel = *sel;
	c->transport = transport;
	if (transport) {
		c->n_hosts = 1;
		c->host[0] = ps->ike.remote;
	}
	return 0;
}

const struct mif_path_if *
mif_path_if_get(const struct mif_path_sa *ps, uint16_t ifid)
{
	unsigned int i;

	for (i = 0; i < MIF_EXT_MAX_IFACES; i++)
		if (ps->ifs[i].used && ps->ifs[i].ifid == ifid)
			return &ps->ifs[i];
	return NULL;
}

/* ---- helpers on a staged table ---------------------------------------- */

static struct mif_path_if *
tab_find(struct mif_path_if *t, uint16_t ifid)
{
	unsigned int i;

	for (i = 0; i < MIF_EXT_MAX_IFACES; i++)
		if (t[i].used && t[i].ifid == ifid)
			return &t[i];
	return NULL;
}

static unsigned int
tab_live(const struct mif_path_if *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < MIF_EXT_MAX_IFACES; i++)
		n += t[i].used && t[i].state != MIF_EXT_ST_REMOVED;
	return n;
}

/* A free slot, else the slot of a removed interface (its sequence is
 * forgotten, so a replay of that old IfID's ADD is refused by the
 * message ID check instead). */
static struct mif_path_if *
tab_slot(struct mif_path_if *t)
{
	unsigned int i;

	for (i = 1; i < MIF_EXT_MAX_IFACES; i++)
		if (!t[i].used)
			return &t[i];
	for (i = 1; i < MIF_EXT_MAX_IFACES; i++)
		if (t[i].state == MIF_EXT_ST_REMOVED)
			return &t[i];
	return NULL;
}

static bool
tab_addr_taken(const struct mif_path_if *t, const struct mif_addr *a,
	       uint16_t port, const struct mif_path_if *self)
{
	unsigned int i;

	for (i = 0; i < MIF_EXT_MAX_IFACES; i++)
		if (&t[i] != self && t[i].used &&
		    t[i].state != MIF_EXT_ST_REMOVED &&
		    mif_addr_eq(&t[i].addr, a) && t[i].port == port)
			return true;
	return false;
}

/* RFC 7296 3.13.1 range -> prefix, when the range is exactly one. */
static int
ts_to_prefix(const struct mif_ike_ts *t, struct mif_prefix *p)
{
	unsigned int alen = t->type == MIF_IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
	unsigned int bit, len = 0;
	bool host = true;

	memset(p, 0, sizeof(*p));
	/* Leading bits equal in start and end form the prefix; the rest
	 * must be all 0 in start and all 1 in end. */
	for (bit = 0; bit < alen * 8; bit++) {
		unsigned int s = t->start[bit / 8] >> (7 - bit % 8) & 1;
		unsigned int e = t->end[bit / 8] >> (7 - bit % 8) & 1;

		if (host && s == e) {
			len++;
			continue;
		}
		host = false;
		if (s != 0 || e != 1)
			return -EINVAL;
	}
	p->addr.family = alen == 4 ? AF_INET : AF_INET6;
	memcpy(alen == 4 ? (void *)&p->addr.v4 : (void *)p->addr.v6,
	       t->start, alen);
	p->len = (uint8_t)len;
	return 0;
}

static const struct mif_path_child *
child_by_spi(const struct mif_path_sa *ps, uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < ps->n_child; i++)
		if (ps->child[i].spi == spi)
			return &ps->child[i];
	return NULL;
}

/* The operation's selector scope: the peer's side (sender) is the
 * remote prefix, ours (receiver) the local one. Only the first of
 * each side narrows the dataplane scope; docs/protocol.md. */
static int
op_scope_ts(const struct mif_path_sa *ps, const struct mif_ext_op *op,
	    struct mif_path_if *e)
{
	const struct mif_path_child *c = NULL;
	struct mif_ifset_ts ts;
	unsigned int i;
	bool inside = false;

	memset(&ts, 0, sizeof(ts));
	e->has_ts = false;
	if (op->scope.one && (c = child_by_spi(ps, op->scope.spi)) == NULL)
		return MIF_IKE_N_CHILD_SA_NOT_FOUND;
	if (op->nts_s == 0 && op->nts_d == 0) {
		if (c != NULL) {
			e->ts = c->sel;
			e->has_ts = true;
		}
		return 0;
	}
	if (op->nts_s != 0 && ts_to_prefix(&op->ts_s[0], &ts.remote) != 0)
		return MIF_EXT_N_TS_UNKNOWN;
	if (op->nts_d != 0 && ts_to_prefix(&op->ts_d[0], &ts.local) != 0)
		return MIF_EXT_N_TS_UNKNOWN;
	if (op->nts_s == 0)
		ts.remote.addr.family = ts.local.addr.family;
	if (op->nts_d == 0)
		ts.local.addr.family = ts.remote.addr.family;
	ts.proto = op->nts_s != 0 ? op->ts_s[0].ipproto : op->ts_d[0].ipproto;
	/* The TS must hold at least one Child SA (of the SPI, if named). */
	for (i = 0; i < ps->n_child && !inside; i++)
		if ((c == NULL || c == &ps->child[i]) &&
		    mif_ifset_ts_covers(&ts, &ps->child[i].sel))
			inside = true;
	if (!inside)
		return MIF_EXT_N_TS_UNKNOWN;
	e->ts = ts;
	e->has_ts = true;
	return 0;
}

static void
reply_err(struct mif_path_reply *r, uint16_t err, const struct mif_ext_op *op,
	  const char *why)
{
	r->err = err;
	r->err_data.op = op != NULL ?
		(uint8_t)(op->type - MIF_EXT_N_SUPPORTED) : 0;
	r->err_data.ifid = op != NULL ? op->ifid : 0;
	snprintf(r->why, sizeof(r->why), "%s: %s", mif_ext_type_name(err),
		 why);
}

static void
reply_state(const struct mif_path_sa *ps, struct mif_path_reply *r)
{
	unsigned int i;

	r->state.n = 0;
	for (i = 0; i < MIF_EXT_MAX_IFACES; i++) {
		const struct mif_path_if *e = &ps->ifs[i];
		struct mif_ext_state_ent *s;

		if (!e->used)
			continue;
		s = &r->state.ent[r->state.n++];
		s->ifid = e->ifid;
		s->state = e->state;
		s->nts = e->nts;
		s->seq = e->seq;
	}
}

/* ---- checking one operation on the staged table ----------------------- */

static uint16_t
check_add(struct mif_path_sa *ps, struct mif_path_if *t,
	  const struct mif_ext_op *op, const char **why)
{
	struct mif_path_if *e = tab_find(t, op->ifid);
	struct mif_path_if n;
	uint16_t err;

	if (e != NULL && e->state != MIF_EXT_ST_REMOVED) {
		*why = "IfID already in use";
		return MIF_IKE_N_INVALID_SYNTAX;
	}
	if (e != NULL && op->seq <= e->seq) {
		*why = "sequence not newer than the interface's";
		return MIF_EXT_N_STALE_UPDATE;
	}
	if (tab_live(t) >= ps->peer_sup.max_ifaces) {
		*why = "interface limit reached";
		return MIF_EXT_N_LIMIT_EXCEEDED;
	}
	if (op->backup_of != MIF_EXT_NO_BACKUP &&
	    (tab_find(t, op->backup_of) == NULL ||
	     tab_find(t, op->backup_of)->state == MIF_EXT_ST_REMOVED)) {
		*why = "BackupOf names no interface";
		return MIF_EXT_N_UNKNOWN_IF_ID;
	}
	if (!mif_ext_addr_usable(&op->addr) ||
	    tab_addr_taken(t, &op->addr, op->port, NULL)) {
		*why = "address unusable or already an interface";
		return MIF_EXT_N_UNACCEPTABLE_ADDRESS;
	}
	memset(&n, 0, sizeof(n));
	if ((err = op_scope_ts(ps, op, &n)) != 0) {
		*why = "selectors hold no Child SA";
		return err;
	}
	if (e == NULL && (e = tab_slot(t)) == NULL) {
		*why = "no slot left";
		return MIF_EXT_N_LIMIT_EXCEEDED;
	}
	n.used = true;
	n.ifid = op->ifid;
	n.state = (op->flags & MIF_EXT_F_ALT) ? MIF_EXT_ST_ALTERNATE :
		MIF_EXT_ST_ACTIVE;
	n.flags = op->flags;
	n.backup_of = op->backup_of;
	n.prio = op->prio;
	n.seq = op->seq;
	n.nts = (uint8_t)(op->nts_s + op->nts_d);
	n.addr = op->addr;
	n.port = op->port;
	n.scope = op->scope;
	*e = n;
	return 0;
}

static uint16_t
check_existing(struct mif_path_sa *ps, struct mif_path_if *t,
	       const struct mif_ext_op *op, const char **why)
{
	struct mif_path_if *e = tab_find(t, op->ifid), *b;
	uint16_t err;

	if (e == NULL || e->state == MIF_EXT_ST_REMOVED) {
		*why = "no such interface";
		return MIF_EXT_N_UNKNOWN_IF_ID;
	}
	if (op->seq <= e->seq) {
		*why = "sequence not newer than the interface's";
		return MIF_EXT_N_STALE_UPDATE;
	}
	if ((err = op_scope_ts(ps, op, e)) != 0) {
		*why = "selectors hold no Child SA";
		return err;
	}
	e->seq = op->seq;
	e->flags = op->flags;
	switch (op->type) {
	case MIF_EXT_N_IF_REMOVE:
		e->state = MIF_EXT_ST_REMOVED;
		break;
	case MIF_EXT_N_IF_PROMOTE:
		if (e->state != MIF_EXT_ST_ALTERNATE) {
			*why = "only an alternate can be promoted";
			return MIF_IKE_N_INVALID_SYNTAX;
		}
		e->state = MIF_EXT_ST_ACTIVE;
		break;
	case MIF_EXT_N_IF_SET_ALTERNATE:
		b = tab_find(t, op->backup_of);
		if (b == NULL || b->state != MIF_EXT_ST_ACTIVE) {
			*why = "BackupOf names no active interface";
			return MIF_EXT_N_UNKNOWN_IF_ID;
		}
		e->state = MIF_EXT_ST_ALTERNATE;
		e->backup_of = op->backup_of;
		break;
	case MIF_EXT_N_IF_REPLACE:
		if (!mif_ext_addr_usable(&op->addr) ||
		    tab_addr_taken(t, &op->addr, op->port, e)) {
			*why = "address unusable or already an interface";
			return MIF_EXT_N_UNACCEPTABLE_ADDRESS;
		}
		e->addr = op->addr;
		e->port = op->port;
		break;
	}
	return 0;
}

/* ---- applying through the ifset operations ---------------------------- */

static struct mif_ifset_ops_ep
if_ep(const struct mif_path_sa *ps, const struct mif_addr *a, uint16_t port)
{
	struct mif_ifset_ops_ep ep = ps->ike;

	ep.remote = *a;
	ep.rport = port != 0 ? port : ps->ike.rport;
	return ep;
}

/* One extension operation as an ifset operation; @old is the entry
 * before the request (REPLACE's old address), @new after. */
static void
to_ifset_op(const struct mif_path_sa *ps, const struct mif_ext_op *op,
	    const struct mif_path_if *old, const struct mif_path_if *new,
	    const struct mif_path_if *backup, struct mif_ifset_op *o)
{
	static const uint8_t kind[] = {
		[MIF_EXT_N_IF_ADD - MIF_EXT_N_IF_ADD] = MIF_IFSET_OP_ADD,
		[MIF_EXT_N_IF_REMOVE - MIF_EXT_N_IF_ADD] = MIF_IFSET_OP_REMOVE,
		[MIF_EXT_N_IF_SET_ALTERNATE - MIF_EXT_N_IF_ADD] =
			MIF_IFSET_OP_ALTERNATE,
		[MIF_EXT_N_IF_REPLACE - MIF_EXT_N_IF_ADD] = MIF_IFSET_OP_HARD,
		[MIF_EXT_N_IF_PROMOTE - MIF_EXT_N_IF_ADD] = MIF_IFSET_OP_PROMOTE,
	};

	memset(o, 0, sizeof(*o));
	o->kind = kind[op->type - MIF_EXT_N_IF_ADD];
	o->peer = ps->peer;
	o->ts = new->has_ts ? &new->ts : NULL;
	o->ep = if_ep(ps, old != NULL ? &old->addr : &new->addr,
		      old != NULL ? old->port : new->port);
	o->new_ep = if_ep(ps, &new->addr, new->port);
	o->state = new->state == MIF_EXT_ST_ALTERNATE ? MIF_IFSET_ALTERNATE :
		MIF_IFSET_ACTIVE;
	o->priority = new->prio;
	o->weight = 1;
	if (backup != NULL) {
		o->has_alt_of = true;
		o->alt_of = if_ep(ps, &backup->addr, backup->port);
	}
	o->why = "ike-mif";
}

/* The operation that takes @o back (for a request failing half way). */
static void
inverse_op(const struct mif_ifset_op *o, struct mif_ifset_op *inv)
{
	*inv = *o;
	switch (o->kind) {
	case MIF_IFSET_OP_ADD:
		inv->kind = MIF_IFSET_OP_REMOVE;
		break;
	case MIF_IFSET_OP_REMOVE:
	case MIF_IFSET_OP_ALTERNATE:
		inv->kind = MIF_IFSET_OP_PROMOTE;
		break;
	case MIF_IFSET_OP_PROMOTE:
		inv->kind = MIF_IFSET_OP_ALTERNATE;
		break;
	case MIF_IFSET_OP_HARD:
		inv->ep = o->new_ep;
		inv->new_ep = o->ep;
		break;
	default:
		break;
	}
	inv->why = "ike-mif undo";
}

static uint16_t
err_of_errno(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return MIF_EXT_N_LIMIT_EXCEEDED;
	case -ENOENT:
		return MIF_EXT_N_TS_UNKNOWN;
	case -EEXIST:
		return MIF_EXT_N_UNACCEPTABLE_ADDRESS;
	default:
		return MIF_IKE_N_TEMPORARY_FAILURE;
	}
}

/* Transport mode (flag T): the peer's host selectors follow its
 * addresses. XXX(#6): the rewritten selectors are kept here; pushing
 * them into the SPD waits for the daemon hook (docs/protocol.md). */
static void
host_sel_update(struct mif_path_sa *ps, const struct mif_ext_op *op,
		const struct mif_path_if *old, const struct mif_path_if *new)
{
	unsigned int i, j;

	if (!(op->flags & MIF_EXT_F_TRANSPORT))
		return;
	for (i = 0; i < ps->n_child; i++) {
		struct mif_path_child *c = &ps->child[i];

		if (!c->transport ||
		    (op->scope.one && c->spi != op->scope.spi))
			continue;
		/* j: the old address's place, or where ADD's would be. */
		for (j = 0; j < c->n_hosts; j++)
			if (mif_addr_eq(&c->host[j], old != NULL ?
					&old->addr : &new->addr))
				break;
		if (op->type == MIF_EXT_N_IF_ADD && j == c->n_hosts &&
		    c->n_hosts < MIF_PATH_MAX_HOSTS)
			c->host[c->n_hosts++] = new->addr;
		else if (op->type == MIF_EXT_N_IF_REPLACE && j < c->n_hosts)
			c->host[j] = new->addr;
		else if (op->type == MIF_EXT_N_IF_REMOVE && j < c->n_hosts)
			c->host[j] = c->host[--c->n_hosts];
	}
}

/* Apply the request in order; undo what was done if a step fails. */
static int
txn_apply(struct mif_path_sa *ps, const struct mif_path_txn *x,
	  struct mif_path_if *staged, struct mif_path_reply *reply)
{
	struct mif_ifset_op done[MIF_PATH_MAX_OPS], inv;
	struct mif_path_if tab[MIF_EXT_MAX_IFACES];
	char msg[128];
	unsigned int i;
	const char *why;
	int rc = 0;

	/* Re-run the checks step by step to know each step's before and
	 * after; they passed on the same table already. */
	memcpy(tab, ps->ifs, sizeof(tab));
	for (i = 0; i < x->n; i++) {
		const struct mif_ext_op *op = &x->op[i];
		struct mif_path_if before, *e = tab_find(tab, op->ifid);
		const struct mif_path_if *b = NULL;
		bool had = e != NULL && e->state != MIF_EXT_ST_REMOVED;

		if (had)
			before = *e;
		if (op->type == MIF_EXT_N_IF_ADD)
			check_add(ps, tab, op, &why);
		else
			check_existing(ps, tab, op, &why);
		e = tab_find(tab, op->ifid);
		if (op->backup_of != MIF_EXT_NO_BACKUP)
			b = tab_find(tab, op->backup_of);
		to_ifset_op(ps, op, had ? &before : NULL, e, b, &done[i]);
		rc = mif_ifset_ops_apply(ps->ops, &done[i], msg, sizeof(msg));
		if (rc != 0)
			break;
		host_sel_update(ps, op, had ? &before : NULL, e);
	}
	if (rc == 0) {
		memcpy(ps->ifs, staged, sizeof(ps->ifs));
		return 0;
	}
	reply_err(reply, err_of_errno(rc), &x->op[i], msg);
	while (i-- > 0) {
		inverse_op(&done[i], &inv);
		if (mif_ifset_ops_apply(ps->ops, &inv, msg, sizeof(msg)) != 0)
			MIF_LOG(ike, ERR, "peer %u: undo of %s failed: %s",
				ps->peer, mif_ifset_op_name(inv.kind), msg);
	}
	return rc;
}

/* ---- requests ----------------------------------------------------------- */

static int
rr_start(struct mif_path_sa *ps, struct mif_path_txn *x,
	 const struct mif_ifset_ops_ep *ep)
{
	struct mif_path_rr *r = &x->rr[x->n_rr];
	int rc;

	r->ep = *ep;
	r->ok = false;
	if ((rc = mif_mobike_cookie2_new(&r->cookie, COOKIE_LEN)) != 0)
		return rc;
	/* A fresh request per address: a retransmission to several
	 * addresses would prove nothing (RFC 4555 3.7). */
	if ((rc = ps->send_rr(ps->ctx, ep, &r->cookie)) != 0)
		return rc;
	x->n_rr++;
	ps->st.rr_sent++;
	return 0;
}

static int
stage(struct mif_path_sa *ps, const struct mif_ext_op *ops, unsigned int n,
      struct mif_path_if *tab, struct mif_path_reply *reply)
{
	const char *why = "";
	unsigned int i;
	uint16_t err;

	memcpy(tab, ps->ifs, sizeof(ps->ifs));
	for (i = 0; i < n; i++) {
		if (ops[i].type == MIF_EXT_N_IF_ADD)
			err = check_add(ps, tab, &ops[i], &why);
		else
			err = check_existing(ps, tab, &ops[i], &why);
		if (err != 0) {
			reply_err(reply, err, &ops[i], why);
			return -EINVAL;
		}
	}
	return 0;
}

static int
finish(struct mif_path_sa *ps, struct mif_path_reply *reply)
{
	struct mif_path_txn *x = &ps->txn;
	struct mif_path_if tab[MIF_EXT_MAX_IFACES];
	struct mif_ifset_op o;
	char msg[128];
	int rc;

	x->active = false;
	reply->msg_id = x->msg_id;
	if (x->mobike) {
		memset(&o, 0, sizeof(o));
		o.kind = MIF_IFSET_OP_HARD;
		o.peer = ps->peer;
		o.ep = ps->ike;
		o.new_ep = x->new_ike;
		o.why = "mobike";
		rc = mif_ifset_ops_apply(ps->ops, &o, msg, sizeof(msg));
		if (rc != 0 && rc != -ENOENT) {
			reply->err = MIF_IKE_N_UNACCEPTABLE_ADDRESSES;
			snprintf(reply->why, sizeof(reply->why), "%s", msg);
			ps->st.refused++;
			return 0;
		}
		ps->ike = x->new_ike;
		ps->ifs[0].addr = x->new_ike.remote;
		ps->ifs[0].port = x->new_ike.rport;
		ps->st.applied++;
		return 0;
	}
	/* Staging again is cheap and yields the table to commit. */
	if (stage(ps, x->op, x->n, tab, reply) != 0 ||
	    txn_apply(ps, x, tab, reply) != 0) {
		ps->st.refused++;
		return 0;
	}
	ps->st.applied++;
	reply_state(ps, reply);
	snprintf(reply->why, sizeof(reply->why), "%u operation(s) applied",
		 x->n);
	return 0;
}

/* One RR check per new address of the request. */
static int
txn_checks_start(struct mif_path_sa *ps, struct mif_path_txn *x,
		 struct mif_path_reply *reply)
{
	struct mif_ifset_ops_ep ep;
	unsigned int i;

	for (i = 0; i < x->n; i++) {
		if (x->op[i].type != MIF_EXT_N_IF_ADD &&
		    x->op[i].type != MIF_EXT_N_IF_REPLACE)
			continue;
		ep = if_ep(ps, &x->op[i].addr, x->op[i].port);
		if (rr_start(ps, x, &ep) != 0) {
			reply_err(reply, MIF_IKE_N_TEMPORARY_FAILURE,
				  &x->op[i], "cannot send the RR check");
			return -EIO;
		}
	}
	return 0;
}

int
mif_path_request(struct mif_path_sa *ps, uint32_t msg_id,
		 const struct mif_ext_op *ops, unsigned int n,
		 const struct mif_addr *hdr_src, uint64_t now_us,
		 struct mif_path_reply *reply)
{
	struct mif_path_if tab[MIF_EXT_MAX_IFACES];
	struct mif_path_txn *x = &ps->txn;
	unsigned int i;

	memset(reply, 0, sizeof(*reply));
	reply->msg_id = msg_id;
	if (ps->mode != MIF_PATH_MODE_MIF || !ps->peer_vid) {
		ps->st.ignored++;
		return -ENOTSUP;
	}
	if (n == 0 || n > MIF_PATH_MAX_OPS) {
		reply_err(reply, MIF_EXT_N_LIMIT_EXCEEDED, NULL,
			  "too many operations in one request");
		goto refused;
	}
	/* Message IDs only grow (RFC 7296 2.2); an older or equal one is
	 * a replay that slipped past the IKE layer's cache. */
	if (x->active || (ps->have_msg_id && msg_id <= ps->last_msg_id)) {
		reply_err(reply, MIF_EXT_N_STALE_UPDATE, &ops[0],
			  x->active ? "a request is still being checked" :
			  "message ID already seen");
		goto refused;
	}
	/* Every request takes its message ID, refused or not. */
	ps->have_msg_id = true;
	ps->last_msg_id = msg_id;
	memset(x, 0, sizeof(*x));
	for (i = 0; i < n; i++) {
		x->op[i] = ops[i];
		if ((ops[i].flags & MIF_EXT_F_USE_HDR) &&
		    (ops[i].type == MIF_EXT_N_IF_ADD ||
		     ops[i].type == MIF_EXT_N_IF_REPLACE))
			x->op[i].addr = *hdr_src;
	}
	x->n = (uint8_t)n;
	if (stage(ps, x->op, n, tab, reply) != 0)
		goto refused;
	x->msg_id = msg_id;
	x->deadline_us = now_us + ps->rr_timeout_us;
	if (txn_checks_start(ps, x, reply) != 0)
		goto refused;
	x->active = true;
	if (x->n_rr != 0)
		return 1;
	return finish(ps, reply);
refused:
	x->active = false;
	ps->st.refused++;
	return 0;
}

static void
txn_fail(struct mif_path_sa *ps, struct mif_path_reply *reply,
	 const char *why)
{
	struct mif_path_txn *x = &ps->txn;

	memset(reply, 0, sizeof(*reply));
	reply->msg_id = x->msg_id;
	if (x->mobike)
		reply->err = MIF_IKE_N_UNACCEPTABLE_ADDRESSES;
	else
		reply_err(reply, MIF_EXT_N_UNACCEPTABLE_ADDRESS, &x->op[0],
			  why);
	if (x->mobike)
		snprintf(reply->why, sizeof(reply->why), "%s", why);
	x->active = false;
	ps->st.rr_fail++;
	ps->st.refused++;
}

int
mif_path_rr_answer(struct mif_path_sa *ps, const struct mif_mobike_cookie2 *c,
		   struct mif_path_reply *reply)
{
	struct mif_path_txn *x = &ps->txn;
	unsigned int i, left = 0;
	bool hit = false;

	if (!x->active || x->n_rr == 0)
		return -ENOENT;
	for (i = 0; i < x->n_rr && c != NULL; i++)
		if (!x->rr[i].ok && mif_mobike_cookie2_eq(&x->rr[i].cookie, c)) {
			x->rr[i].ok = true;
			hit = true;
			ps->st.rr_ok++;
		}
	if (!hit) {
		/* RFC 4555 3.7: a wrong cookie closes the IKE SA. */
		txn_fail(ps, reply, "return routability: wrong COOKIE2");
		reply->close_ike = true;
		return 0;
	}
	for (i = 0; i < x->n_rr; i++)
		left += !x->rr[i].ok;
	if (left != 0)
		return 1;
	memset(reply, 0, sizeof(*reply));
	return finish(ps, reply);
}

int
mif_path_tick(struct mif_path_sa *ps, uint64_t now_us,
	      struct mif_path_reply *reply)
{
	if (!ps->txn.active || now_us < ps->txn.deadline_us)
		return 1;
	txn_fail(ps, reply, "return routability: no answer in time");
	return 0;
}

/* ---- MOBIKE ------------------------------------------------------------- */

static bool
ep_eq(const struct mif_ifset_ops_ep *a, const struct mif_ifset_ops_ep *b)
{
	return mif_addr_eq(&a->local, &b->local) &&
		mif_addr_eq(&a->remote, &b->remote) &&
		a->lport == b->lport && a->rport == b->rport;
}

int
mif_path_mobike_update(struct mif_path_sa *ps, uint32_t msg_id,
		       const struct mif_ifset_ops_ep *from, uint64_t now_us,
		       struct mif_path_reply *reply)
{
	struct mif_path_txn *x = &ps->txn;

	memset(reply, 0, sizeof(*reply));
	reply->msg_id = msg_id;
	if (ps->mode == MIF_PATH_MODE_NONE) {
		ps->st.ignored++;
		return -ENOTSUP;
	}
	/* RFC 4555 3.5: an update older than one already processed is
	 * ignored, so a delayed packet never moves the SA back. */
	if (x->active || (ps->have_msg_id && msg_id <= ps->last_msg_id))
		return -EALREADY;
	ps->have_msg_id = true;
	ps->last_msg_id = msg_id;
	if (ep_eq(from, &ps->ike)) {
		snprintf(reply->why, sizeof(reply->why), "path unchanged");
		return 0;
	}
	if (!mif_ext_addr_usable(&from->remote)) {
		reply->err = MIF_IKE_N_UNACCEPTABLE_ADDRESSES;
		snprintf(reply->why, sizeof(reply->why),
			 "unusable source address");
		ps->st.refused++;
		return 0;
	}
	memset(x, 0, sizeof(*x));
	x->mobike = true;
	x->msg_id = msg_id;
	x->new_ike = *from;
	x->deadline_us = now_us + ps->rr_timeout_us;
	if (rr_start(ps, x, from) != 0) {
		reply->err = MIF_IKE_N_TEMPORARY_FAILURE;
		ps->st.refused++;
		return 0;
	}
	x->active = true;
	return 1;
}

/* ---- the local side ----------------------------------------------------- */

static int
plan_mobike(struct mif_path_sa *ps, const struct mif_ext_op *op,
	    struct mif_path_plan *p)
{
	switch (op->type) {
	case MIF_EXT_N_IF_REPLACE:
	case MIF_EXT_N_IF_PROMOTE:
		if (op->addr.family == 0) {
			snprintf(p->why, sizeof(p->why),
				 "mobike: hard handover needs the new address");
			return -EINVAL;
		}
		p->act = MIF_PATH_ACT_UPDATE;
		p->addr = op->addr;
		snprintf(p->why, sizeof(p->why),
			 "peer has MOBIKE only: hard handover by UPDATE_SA_ADDRESSES");
		return 0;
	case MIF_EXT_N_IF_ADD:
	case MIF_EXT_N_IF_SET_ALTERNATE:
		p->act = MIF_PATH_ACT_ADDRS;
		p->addr = op->addr;
		snprintf(p->why, sizeof(p->why),
			 "peer has MOBIKE only: one active path, address announced as a candidate");
		return 0;
	default:
		p->act = MIF_PATH_ACT_ADDRS;
		snprintf(p->why, sizeof(p->why),
			 "peer has MOBIKE only: address list updated");
		(void)ps;
		return 0;
	}
}

int
mif_path_local_plan(struct mif_path_sa *ps, struct mif_ext_op *op,
		    struct mif_path_plan *plan)
{
	struct mif_wr w;
	int rc;

	memset(plan, 0, sizeof(*plan));
	if (ps->mode == MIF_PATH_MODE_NONE) {
		snprintf(plan->why, sizeof(plan->why),
			 "peer announced neither the MIF extension nor MOBIKE: paths unchanged");
		return -EOPNOTSUPP;
	}
	if (ps->mode == MIF_PATH_MODE_MOBIKE)
		return plan_mobike(ps, op, plan);
	op->seq = ++ps->local_seq;
	mif_wr_init(&w, plan->data, sizeof(plan->data));
	if ((rc = mif_ext_op_build(&w, op)) != 0) {
		snprintf(plan->why, sizeof(plan->why),
			 "%s: cannot be encoded (%d)",
			 mif_ext_type_name(op->type), rc);
		return rc;
	}
	plan->act = MIF_PATH_ACT_MIF;
	plan->type = op->type;
	plan->len = w.len;
	snprintf(plan->why, sizeof(plan->why), "%s sent",
		 mif_ext_type_name(op->type));
	return 0;
}
