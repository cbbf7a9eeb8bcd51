/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ifset_ops.h"
#include "common/log.h"

struct mif_ifset_ops {
	unsigned int n;
	unsigned int max;
	struct mif_ifset_ops_sa sa[];
};

static const char *const op_names[MIF_IFSET_OP_MAX] = {
	[MIF_IFSET_OP_ADD] = "add",
	[MIF_IFSET_OP_REMOVE] = "remove",
	[MIF_IFSET_OP_ALTERNATE] = "alternate",
	[MIF_IFSET_OP_PROMOTE] = "promote",
	[MIF_IFSET_OP_FAIL] = "fail",
	[MIF_IFSET_OP_RESTORE] = "restore",
	[MIF_IFSET_OP_HARD] = "hard-handover",
	[MIF_IFSET_OP_SOFT] = "soft-handover",
};

const char *
mif_ifset_op_name(enum mif_ifset_op_kind k)
{
	return k < MIF_IFSET_OP_MAX ? op_names[k] : "?";
}

struct mif_ifset_ops *
mif_ifset_ops_create(unsigned int max)
{
	struct mif_ifset_ops *o;

	o = calloc(1, sizeof(*o) + (size_t)max * sizeof(o->sa[0]));
	if (o == NULL) {
		MIF_LOG(ctl, ERR, "no memory for %u interface-set SAs", max);
		return NULL;
	}
	o->max = max;
	return o;
}

void
mif_ifset_ops_destroy(struct mif_ifset_ops *o)
{
	free(o);
}

static int
find(const struct mif_ifset_ops *o, const void *sa)
{
	unsigned int i;

	for (i = 0; i < o->n; i++)
		if (o->sa[i].sa == sa)
			return (int)i;
	return -ENOENT;
}

int
mif_ifset_ops_add(struct mif_ifset_ops *o, const struct mif_ifset_ops_sa *sa)
{
	if (sa->sa == NULL || sa->apply == NULL)
		return -EINVAL;
	if (find(o, sa->sa) >= 0)
		return -EEXIST;
	if (o->n == o->max)
		return -ENOSPC;
	o->sa[o->n++] = *sa;
	return 0;
}

int
mif_ifset_ops_del(struct mif_ifset_ops *o, const void *sa)
{
	int i = find(o, sa);

	if (i < 0)
		return i;
	o->sa[i] = o->sa[--o->n];
	return 0;
}

/* @in lies inside @out (same family, not shorter, same leading bits). */
static bool
prefix_inside(const struct mif_prefix *out, const struct mif_prefix *in)
{
	if (out->addr.family == 0)
		return true;		/* the TS leaves this side open */
	return in->addr.family == out->addr.family && in->len >= out->len &&
		mif_prefix_contains(out, &in->addr);
}

bool
mif_ifset_ts_covers(const struct mif_ifset_ts *ts,
		    const struct mif_ifset_ts *sel)
{
	return prefix_inside(&ts->local, &sel->local) &&
		prefix_inside(&ts->remote, &sel->remote) &&
		(ts->proto == 0 || ts->proto == sel->proto);
}

static bool
in_scope(const struct mif_ifset_op *op, const struct mif_ifset_ops_sa *sa)
{
	if (op->peer != MIF_IFSET_PEER_ANY && op->peer != sa->peer)
		return false;
	if (op->sa_name != NULL && strcmp(op->sa_name, sa->name) != 0)
		return false;
	return op->ts == NULL || mif_ifset_ts_covers(op->ts, &sa->sel);
}

static int
op_check(const struct mif_ifset_op *op, char *msg, size_t len)
{
	const char *bad = NULL;

	if (op->kind >= MIF_IFSET_OP_MAX)
		bad = "unknown operation";
	else if (op->ep.local.family != AF_INET &&
		 op->ep.local.family != AF_INET6)
		bad = "no local address";
	else if ((op->kind == MIF_IFSET_OP_HARD ||
		  op->kind == MIF_IFSET_OP_SOFT) &&
		 op->new_ep.local.family != op->new_ep.remote.family)
		bad = "handover needs the new path's two addresses";
	else if (op->kind == MIF_IFSET_OP_SOFT && op->drain_idle_us == 0 &&
		 op->drain_pkts == 0)
		bad = "soft handover needs a drain time or packet count";
	if (bad == NULL)
		return 0;
	snprintf(msg, len, "%s: %s", mif_ifset_op_name(op->kind), bad);
	return -EINVAL;
}

/* Apply to every SA in scope; *done counts the SAs changed. */
static int
apply_all(struct mif_ifset_ops *o, const struct mif_ifset_op *op, char *msg,
	  size_t len, unsigned int *done)
{
	unsigned int i, scope = 0, missing = 0;
	char one[160];
	int rc = 0, r;

	*done = 0;
	if ((rc = op_check(op, msg, len)) != 0)
		return rc;
	for (i = 0; i < o->n; i++) {
		if (!in_scope(op, &o->sa[i]))
			continue;
		scope++;
		one[0] = '\0';
		r = o->sa[i].apply(o->sa[i].sa, op, one, sizeof(one));
		if (r == 0) {
			(*done)++;
		} else if (r == -ENOENT) {
			missing++;	/* another SA of the peer may have it */
		} else if (rc == 0) {
			rc = r;
			snprintf(msg, len, "%s: sa %s: %s",
				 mif_ifset_op_name(op->kind), o->sa[i].name,
				 one);
		}
	}
	if (rc != 0)
		return rc;
	if (scope == 0) {
		snprintf(msg, len, "%s: no SA of peer %u in scope",
			 mif_ifset_op_name(op->kind), op->peer);
		return -ENOENT;
	}
	if (*done == 0) {
		snprintf(msg, len, "%s: path not found in %u SA(s)",
			 mif_ifset_op_name(op->kind), missing);
		return -ENOENT;
	}
	snprintf(msg, len, "%s: %u SA(s) changed", mif_ifset_op_name(op->kind),
		 *done);
	return 0;
}

int
mif_ifset_ops_apply(struct mif_ifset_ops *o, const struct mif_ifset_op *op,
		    char *msg, size_t len)
{
	unsigned int done;
	char dummy[8];

	if (msg == NULL) {
		msg = dummy;
		len = sizeof(dummy);
	}
	return apply_all(o, op, msg, len, &done);
}

int
mif_ifset_ops_local_link(struct mif_ifset_ops *o, const struct mif_addr *local,
			 bool up)
{
	struct mif_ifset_op op;
	unsigned int done;
	char msg[200];
	int rc;

	memset(&op, 0, sizeof(op));
	op.kind = up ? MIF_IFSET_OP_RESTORE : MIF_IFSET_OP_FAIL;
	op.peer = MIF_IFSET_PEER_ANY;
	op.ep.local = *local;
	op.why = up ? "link up" : "link down";
	rc = apply_all(o, &op, msg, sizeof(msg), &done);
	if (rc == -ENOENT)
		return 0;		/* no path uses this address */
	if (rc != 0) {
		MIF_LOG(ctl, WARNING, "%s", msg);
		return rc;
	}
	return (int)done;
}
