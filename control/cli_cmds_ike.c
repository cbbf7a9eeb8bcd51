/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show ike [detail]`: the IKE daemon's SAs and counters. Read on the
 * control thread, the daemon's own thread, so the SA table does not
 * change under the walk. SPIs and addresses only: no key, nonce or PSK
 * is ever read here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "common/addr.h"
#include "control/cli_cmd.h"
#include "control/cli_gw.h"
#include "control/ike_daemon.h"
#include "control/ike_sa.h"

struct walk {
	struct mif_cli_out *out;
	struct mif_cli_table *t;
	bool detail;
	unsigned int n;
};

static const char *
peer_name(const struct mif_ike_sa *sa)
{
	const struct mif_cfg_ike *c = mif_ike_cfg;

	if (c == NULL || sa->peer < 0 || (unsigned int)sa->peer >= c->n_peers)
		return "?";
	return c->peers[sa->peer].name;
}

static unsigned int
children(const struct mif_ike_sa *sa)
{
	unsigned int i, n = 0;

	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		n += sa->child[i].used && sa->child[i].installed;
	return n;
}

static void
sa_row(struct mif_ike_sa *sa, void *arg)
{
	struct walk *w = arg;
	char spi[2][20], ep[2][MIF_ADDR_STRLEN + 8], a[MIF_ADDR_STRLEN], n[8];

	snprintf(spi[0], sizeof(spi[0]), "%016" PRIx64, sa->spi_i);
	snprintf(spi[1], sizeof(spi[1]), "%016" PRIx64, sa->spi_r);
	snprintf(ep[0], sizeof(ep[0]), "%s:%u",
		 mif_addr_fmt(&sa->path.local, a, sizeof(a)), sa->path.lport);
	snprintf(ep[1], sizeof(ep[1]), "%s:%u",
		 mif_addr_fmt(&sa->path.remote, a, sizeof(a)), sa->path.rport);
	snprintf(n, sizeof(n), "%u", children(sa));
	mif_cli_table_row(w->t, (const char *const[]){ peer_name(sa),
		mif_ike_state_name(sa->state),
		sa->initiator ? "initiator" : "responder", spi[0], spi[1],
		ep[0], ep[1], sa->nat ? "yes" : "no", n });
	w->n++;
}

static void
child_lines(struct mif_ike_sa *sa, void *arg)
{
	struct walk *w = arg;
	unsigned int i;

	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++) {
		const struct mif_ike_child *c = &sa->child[i];

		if (!c->used)
			continue;
		mif_cli_printf(w->out, "  %s %016" PRIx64 ": child in 0x%08x out 0x%08x %s%s%s\n",
			       peer_name(sa), sa->spi_i, c->spi_in, c->spi_out,
			       c->transport ? "transport" : "tunnel",
			       c->installed ? ", installed" : ", not installed",
			       c->rekey_of != 0 ? ", a rekey" : "");
	}
}

static void
counters(struct mif_cli_out *out)
{
	const struct mif_ike_stats *s = &mif_ike_stats;

	mif_cli_printf(out, "messages rx %" PRIu64 " tx %" PRIu64 " bad %" PRIu64 " no_sa %" PRIu64 " icv_fail %" PRIu64 " retransmitted %" PRIu64 "\n",
		       s->rx, s->tx, s->rx_bad, s->rx_no_sa, s->rx_icv_fail,
		       s->tx_retransmit);
	mif_cli_printf(out, "sa up %" PRIu64 " down %" PRIu64 " refused %" PRIu64 ", child up %" PRIu64 " down %" PRIu64 ", rekeys child %" PRIu64 " ike %" PRIu64 "\n",
		       s->sa_up, s->sa_down, s->sa_refused, s->child_up,
		       s->child_down, s->rekey_child, s->rekey_ike);
	mif_cli_printf(out, "refusals: no_proposal %" PRIu64 " auth_failed %" PRIu64 " unknown_id %" PRIu64 " invalid_ke %" PRIu64 " cookies sent %" PRIu64 " half_open_full %" PRIu64 " timeouts %" PRIu64 "\n",
		       s->no_proposal, s->auth_failed, s->unknown_id,
		       s->invalid_ke, s->cookie_sent, s->half_open_full,
		       s->timeout);
}

static int
cmd_show_ike(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "peer", "state", "role",
		"spi_i", "spi_r", "local", "remote", "nat", ">children" };
	struct mif_cli_table t;
	struct walk w = { .out = x->out, .t = &t };

	if (!mif_ike_daemon_running()) {
		mif_cli_printf(x->out, "IKE is not running: the configuration has no \"ike\" peers\n");
		return 0;
	}
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	mif_ike_sa_foreach(sa_row, &w);
	mif_cli_table_print(&t, x->out);
	mif_cli_printf(x->out, "%u IKE SAs, %u half-open\n", w.n,
		       mif_ike_sa_half_open());
	if (x->argc > 2) {
		mif_ike_sa_foreach(child_lines, &w);
		counters(x->out);
	}
	return 0;
}

/* `ike initiate|terminate|rekey <peer>`: the daemon does the work on
 * this same thread; here only the answer is worded. */
static int
ike_op_rc(struct mif_cli_exec *x, const char *peer, int rc)
{
	if (rc == -ENOENT)
		mif_cli_printf(x->out, "%% no IKE peer \"%s\"\n", peer);
	else if (rc == -EALREADY)
		mif_cli_printf(x->out, "%% peer %s already has an IKE SA\n", peer);
	else if (rc == -EDESTADDRREQ)
		mif_cli_printf(x->out, "%% peer %s has remote_addr \"any\": it must initiate\n",
			       peer);
	else if (rc < 0)
		mif_cli_printf(x->out, "%% peer %s: %s\n", peer, strerror(-rc));
	return rc < 0 ? rc : 0;
}

static int
cmd_ike_initiate(struct mif_cli_exec *x)
{
	const char *peer = x->argv[2].str;
	int rc = mif_ike_daemon_initiate(peer);

	if (rc == 0)
		mif_cli_printf(x->out, "peer %s: IKE_SA_INIT sent\n", peer);
	return ike_op_rc(x, peer, rc);
}

static int
cmd_ike_terminate(struct mif_cli_exec *x)
{
	const char *peer = x->argv[2].str;
	int rc = mif_ike_daemon_terminate(peer);

	if (rc >= 0)
		mif_cli_printf(x->out, "peer %s: %d IKE SAs terminated\n", peer, rc);
	return ike_op_rc(x, peer, rc);
}

static int
cmd_ike_rekey(struct mif_cli_exec *x)
{
	const char *peer = x->argv[2].str;
	bool ike = x->argc > 3 && strcmp(x->argv[3].str, "ike") == 0;
	int rc = mif_ike_daemon_rekey(peer, ike);

	if (rc >= 0)
		mif_cli_printf(x->out, "peer %s: %d %s rekeys started%s\n", peer,
			       rc, ike ? "IKE SA" : "Child SA",
			       rc == 0 ? " (no established SA, or a request in flight)" : "");
	return ike_op_rc(x, peer, rc);
}

static const struct mif_cli_cmd ike_cmds[] = {
	{ "show ike", { NULL, "IKE SAs (never keys)" }, cmd_show_ike, NULL },
	{ "show ike detail", { NULL, NULL, "Child SAs and daemon counters" },
	  cmd_show_ike, NULL },
	{ "ike initiate <peer:word>", { "IKE operations", "Start an IKE SA now",
	  "Peer name (ike.peers[].name)" }, cmd_ike_initiate, NULL },
	{ "ike terminate <peer:word>", { NULL, "Delete the peer's IKE and Child SAs",
	  "Peer name" }, cmd_ike_terminate, NULL },
	{ "ike rekey <peer:word>", { NULL, "Rekey the peer's Child SAs",
	  "Peer name" }, cmd_ike_rekey, NULL },
	{ "ike rekey <peer:word> {child|ike}", { NULL, NULL, NULL,
	  "child: CREATE_CHILD_SA; ike: new IKE SA (break before make)" },
	  cmd_ike_rekey, NULL },
};

int
mif_cli_cmds_ike_register(void)
{
	return mif_cli_cmd_register_table(ike_cmds, RTE_DIM(ike_cmds));
}
