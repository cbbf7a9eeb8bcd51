/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "common/ifset_ops.h"
#include "common/log.h"
#include "common/state.h"
#include "control/ifset_link.h"
#include "dataplane/ifset.h"
#include "dataplane/port.h"
#include "dataplane/sa_cfg.h"

/* One SA: FAIL or RESTORE the paths on each address of the port. */
static bool
sa_link(struct mif_sa *sa, const struct mif_port *p, bool up)
{
	struct mif_ifset_op op;
	bool changed = false;
	char msg[160];
	unsigned int i;
	int rc;

	memset(&op, 0, sizeof(op));
	op.kind = up ? MIF_IFSET_OP_RESTORE : MIF_IFSET_OP_FAIL;
	op.peer = MIF_IFSET_PEER_ANY;
	op.why = up ? "port link up" : "port link down";
	for (i = 0; i < p->n_addrs; i++) {
		op.ep.local = p->addrs[i].addr;
		rc = mif_ifset_op_apply(sa->ifs, &op, msg, sizeof(msg));
		if (rc == 0)
			changed = true;
		else if (rc != -ENOENT && rc != -EALREADY)
			MIF_LOG(ctl, WARNING, "port %s: %s", p->name, msg);
	}
	return changed;
}

unsigned int
mif_ifset_link_event(const struct mif_port *p, bool up)
{
	const struct mif_sa_tab *t = mif_state.sas;
	unsigned int i, n = 0;

	for (i = 0; t != NULL && i < t->n; i++)
		if (t->ent[i].sa != NULL && t->ent[i].sa->ifs != NULL &&
		    sa_link(t->ent[i].sa, p, up))
			n++;
	return n;
}
