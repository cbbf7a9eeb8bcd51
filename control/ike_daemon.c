/* SPDX-License-Identifier: BSD-3-Clause */
/* The IKEv2 daemon: dispatch of incoming messages by exchange and role,
 * the window of one request each way, and the timers (ike_daemon.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/counters.h"
#include "common/log.h"
#include "control/ike_daemon.h"
#include "control/ike_dp.h"
#include "control/ike_io.h"
#include "control/ike_sa.h"
#include "control/ratelimit.h"

#define START_DELAY_S	1	/* let the ports come up first */
#define RESTART_S	10	/* between attempts of an initiator */
/* Lines an unauthenticated sender can cause: a flood must not fill the
 * log, but the first few of a burst are what an operator needs. */
#define UNAUTH_LOG_RATE		5
#define UNAUTH_LOG_BURST	10

static bool running;
static const struct mif_cfg *dcfg;
static uint64_t hz, next_start_tsc;
static void (*prev_print)(FILE *f);
static uint8_t plain[MIF_IKE_MSG_MAX_LEN];
static struct mif_ratelimit unauth_rl;
static uint64_t unauth_pending;	/* suppressed since the last report */

/* At most one line a second says how many were suppressed. */
static void
unauth_report(uint64_t now)
{
	static uint64_t next;

	if (unauth_pending == 0 || now < next)
		return;
	MIF_LOG(ike, NOTICE, "%" PRIu64 " log lines about unauthenticated IKE messages suppressed",
		unauth_pending);
	unauth_pending = 0;
	next = now + hz;
}

bool
mif_ike_log_allow(void)
{
	if (mif_ratelimit_take(&unauth_rl, rte_get_tsc_cycles()))
		return true;
	unauth_pending++;
	mif_ike_stats.log_suppressed++;
	return false;
}

bool
mif_ike_daemon_running(void)
{
	return running;
}

int
mif_ike_sk_start(struct mif_ike_sa *sa, struct mif_ike_gen *g, uint8_t *buf,
		 size_t cap, uint8_t exch, bool response, uint32_t msgid)
{
	struct mif_ike_hdr h = {
		.ispi = sa->spi_i, .rspi = sa->spi_r, .exchange = exch,
		.flags = (uint8_t)((sa->initiator ? MIF_IKE_FLAG_INITIATOR : 0) |
				   (response ? MIF_IKE_FLAG_RESPONSE : 0)),
		.msgid = msgid,
	};
	int rc;

	if ((rc = mif_ike_gen_init(g, buf, cap, &h)) != 0)
		return rc;
	return mif_ike_gen_sk_begin(g, sa->keys.iv_len);
}

static int
seal(struct mif_ike_sa *sa, struct mif_ike_gen *g, uint8_t *buf, size_t cap,
     uint16_t *out_len)
{
	size_t len;
	int rc;

	if ((rc = mif_ike_gen_finish(g, &len)) != 0 ||
	    (rc = mif_ike_sk_seal(&sa->keys, sa->initiator, buf, cap,
				  g->sk_off, &len)) != 0) {
		MIF_LOG(ike, ERR, "SA %016" PRIx64 ": cannot build a message: %s",
			mif_ike_sa_our_spi(sa), strerror(-rc));
		return rc;
	}
	*out_len = (uint16_t)len;
	return 0;
}

int
mif_ike_send_raw(const struct mif_ike_path *path, const uint8_t *msg,
		 size_t len)
{
	int rc = mif_ike_io_send(path, msg, len);

	if (rc != 0)
		mif_ike_stats.tx_fail++;
	else
		mif_ike_stats.tx++;
	return rc;
}

int
mif_ike_send_response(struct mif_ike_sa *sa, struct mif_ike_gen *g)
{
	int rc;

	if ((rc = seal(sa, g, sa->resp, sizeof(sa->resp), &sa->resp_len)) != 0)
		return rc;
	sa->have_resp = true;
	return mif_ike_send_raw(&sa->path, sa->resp, sa->resp_len);
}

int
mif_ike_send_request(struct mif_ike_sa *sa, struct mif_ike_gen *g,
		     enum mif_ike_req kind)
{
	int rc;

	if ((rc = seal(sa, g, sa->req_buf, sizeof(sa->req_buf),
		       &sa->req_len)) != 0)
		return rc;
	sa->req = kind;
	sa->retx = 0;
	sa->retx_tsc = rte_get_tsc_cycles() + hz * MIF_IKE_RETX_FIRST_MS / 1000;
	return mif_ike_send_raw(&sa->path, sa->req_buf, sa->req_len);
}

int
mif_ike_add_notify(struct mif_ike_gen *g, uint16_t type, const void *data,
		   size_t len)
{
	struct mif_ike_notify n = { .type = type, .data = data,
				    .data_len = len };
	int rc;

	if ((rc = mif_ike_gen_begin(g, MIF_IKE_PLD_NOTIFY, false)) != 0 ||
	    (rc = mif_ike_pld_notify_build(&g->wr, &n)) != 0)
		return rc;
	return mif_ike_gen_end(g);
}

uint16_t
mif_ike_msg_error(const struct mif_ike_msg *m)
{
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;

	for (p = mif_ike_msg_find(m, MIF_IKE_PLD_NOTIFY); p != NULL;
	     p = mif_ike_msg_next(m, p))
		if (mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
		    n.type <= MIF_IKE_N_ERROR_MAX)
			return n.type;
	return 0;
}

/* Decrypt the SK payload of @p m (sent by the peer) and parse what is
 * inside. @return 0 or -errno (counted). */
static int
open_sk(struct mif_ike_sa *sa, struct mif_ike_msg *m, const uint8_t *msg,
	size_t len, const struct mif_ike_path *path)
{
	size_t plen;
	int rc;

	if (m->sk < 0 || m->pld[m->sk].type != MIF_IKE_PLD_SK) {
		/* XXX(#5): IKE fragments (SKF) are not reassembled; such
		 * messages are dropped. */
		mif_ike_stats.rx_bad++;
		return -EBADMSG;
	}
	rc = mif_ike_sk_open(&sa->keys, !sa->initiator, msg, len,
			     m->pld[m->sk].off, plain, sizeof(plain), &plen);
	if (rc == -MIF_IKE_EICV) {
		mif_ike_stats.rx_icv_fail++;
		MIF_LOG(ike, DEBUG, "SA %016" PRIx64 ": message %u: ICV does not verify",
			mif_ike_sa_our_spi(sa), m->hdr.msgid);
		return rc;
	}
	if (rc == 0)
		rc = mif_ike_msg_parse_inner(m, plain, plen,
					     &mif_ike_parse_stats);
	if (rc != 0) {
		mif_ike_stats.rx_bad++;
		return rc;
	}
	/* RFC 7296 2.23: after the move to 4500, or behind a NAT that
	 * changed its mapping, answer where the last authenticated message
	 * came from. */
	if (path->lport == 4500)
		sa->path = *path;
	return 0;
}

static void
request_dispatch(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	switch (m->hdr.exchange) {
	case MIF_IKE_EXCH_AUTH:
		if (!sa->initiator && sa->state == MIF_IKE_ST_INIT_DONE)
			mif_ike_auth_request(sa, m);
		break;
	case MIF_IKE_EXCH_CREATE_CHILD_SA:
		if (sa->state >= MIF_IKE_ST_ESTABLISHED)
			mif_ike_child_request(sa, m);
		break;
	case MIF_IKE_EXCH_INFORMATIONAL:
		if (sa->state >= MIF_IKE_ST_ESTABLISHED ||
		    sa->state == MIF_IKE_ST_INIT_DONE)
			mif_ike_info_request(sa, m);
		break;
	default:
		mif_ike_stats.rx_bad++;
		break;
	}
}

static void
response_dispatch(struct mif_ike_sa *sa, const struct mif_ike_msg *m,
		  enum mif_ike_req kind)
{
	switch (kind) {
	case MIF_IKE_REQ_AUTH:
		mif_ike_auth_response(sa, m);
		break;
	case MIF_IKE_REQ_CHILD_REKEY:
	case MIF_IKE_REQ_IKE_REKEY:
		mif_ike_child_response(sa, m);
		break;
	default:
		mif_ike_info_response(sa, kind);
		break;
	}
}

static bool
rx_request(struct mif_ike_sa *sa, struct mif_ike_msg *m, const uint8_t *msg,
	   size_t len, const struct mif_ike_path *path)
{
	/* RFC 7296 2.1: a retransmitted request gets the same answer. */
	if (sa->have_resp && m->hdr.msgid + 1 == sa->msgid_in) {
		mif_ike_stats.rx_retransmit++;
		mif_ike_send_raw(&sa->path, sa->resp, sa->resp_len);
		return false;
	}
	if (m->hdr.msgid != sa->msgid_in) {
		mif_ike_stats.rx_bad_msgid++;
		return false;
	}
	if (open_sk(sa, m, msg, len, path) != 0)
		return false;
	sa->msgid_in++;
	sa->have_resp = false;
	sa->last_rx_tsc = rte_get_tsc_cycles();
	request_dispatch(sa, m);
	return true;
}

static bool
rx_response(struct mif_ike_sa *sa, struct mif_ike_msg *m, const uint8_t *msg,
	    size_t len, const struct mif_ike_path *path)
{
	enum mif_ike_req kind = sa->req;

	if (kind == MIF_IKE_REQ_NONE || m->hdr.msgid != sa->msgid_out) {
		mif_ike_stats.rx_bad_msgid++;
		return false;
	}
	if (open_sk(sa, m, msg, len, path) != 0)
		return false;
	sa->req = MIF_IKE_REQ_NONE;
	sa->msgid_out++;
	sa->last_rx_tsc = rte_get_tsc_cycles();
	response_dispatch(sa, m, kind);
	return true;
}

static void
rx_sa_init(const struct mif_ike_msg *m, const struct mif_ike_path *path)
{
	struct mif_ike_sa *sa;

	if (!(m->hdr.flags & MIF_IKE_FLAG_RESPONSE)) {
		if (m->hdr.rspi != 0 || m->hdr.msgid != 0) {
			mif_ike_stats.rx_bad++;
			return;
		}
		sa = mif_ike_sa_lookup(m->hdr.ispi, 0, &path->remote);
		if (sa == NULL) {
			mif_ike_init_request(m, path);
		} else if (sa->state == MIF_IKE_ST_INIT_DONE &&
			   sa->init_resp_len > 0) {
			mif_ike_stats.rx_retransmit++;
			mif_ike_send_raw(&sa->path, sa->init_resp,
					 sa->init_resp_len);
		}
		return;
	}
	sa = mif_ike_sa_lookup(m->hdr.ispi, m->hdr.rspi, NULL);
	if (sa == NULL || !sa->initiator || sa->state != MIF_IKE_ST_INIT_SENT) {
		mif_ike_stats.rx_no_sa++;
		return;
	}
	mif_ike_init_response(sa, m);
}

void
mif_ike_daemon_rx(const uint8_t *msg, size_t len,
		  const struct mif_ike_path *path)
{
	static struct mif_ike_msg m;
	struct mif_ike_sa *sa;
	int rc;

	mif_ike_stats.rx++;
	if ((rc = mif_ike_msg_parse(&m, msg, len, &mif_ike_parse_stats)) != 0) {
		mif_ike_stats.rx_bad++;
		MIF_LOG(ike, DEBUG, "%u-byte message dropped: %s",
			(unsigned int)len, mif_ike_perr_name(m.perr));
		return;
	}
	if (m.hdr.exchange == MIF_IKE_EXCH_SA_INIT) {
		rx_sa_init(&m, path);
		return;
	}
	sa = mif_ike_sa_lookup(m.hdr.ispi, m.hdr.rspi, NULL);
	if (sa == NULL || sa->spi_r == 0 || sa->state == MIF_IKE_ST_DEAD) {
		/* XXX(#5): no INVALID_IKE_SPI answer (RFC 7296 2.21.4);
		 * the message is only counted. */
		mif_ike_stats.rx_no_sa++;
		return;
	}
	if (m.hdr.flags & MIF_IKE_FLAG_RESPONSE)
		rx_response(sa, &m, msg, len, path);
	else
		rx_request(sa, &m, msg, len, path);
}

/* Our request went unanswered: resend with back-off, or give up. */
static void
retransmit(struct mif_ike_sa *sa, uint64_t now)
{
	const uint8_t *buf = sa->req == MIF_IKE_REQ_INIT ? sa->init_req :
		sa->req_buf;
	size_t len = sa->req == MIF_IKE_REQ_INIT ? sa->init_req_len :
		sa->req_len;

	if (sa->retx >= MIF_IKE_RETX_MAX) {
		mif_ike_stats.timeout++;
		MIF_LOG(ike, NOTICE, "SA %016" PRIx64 " (%s): no answer after %u retransmissions, deleted",
			mif_ike_sa_our_spi(sa), mif_ike_state_name(sa->state),
			sa->retx);
		sa->state = MIF_IKE_ST_DEAD;
		return;
	}
	sa->retx++;
	mif_ike_stats.tx_retransmit++;
	mif_ike_send_raw(&sa->path, buf, len);
	sa->retx_tsc = now + (hz * MIF_IKE_RETX_FIRST_MS / 1000 << sa->retx);
}

static void
sa_timer(struct mif_ike_sa *sa, void *arg)
{
	uint64_t now = *(const uint64_t *)arg;
	unsigned int i;

	if (sa->state == MIF_IKE_ST_DEAD) {
		mif_ike_sa_destroy(sa);
		return;
	}
	if (sa->req != MIF_IKE_REQ_NONE && now >= sa->retx_tsc) {
		retransmit(sa, now);
		return;
	}
	if (sa->state < MIF_IKE_ST_ESTABLISHED) {
		if (now - sa->created_tsc > hz * MIF_IKE_HALF_OPEN_S) {
			mif_ike_stats.timeout++;
			sa->state = MIF_IKE_ST_DEAD;
		}
		return;
	}
	if (sa->req != MIF_IKE_REQ_NONE || sa->state != MIF_IKE_ST_ESTABLISHED)
		return;
	if (now >= sa->rekey_tsc) {
		/* XXX(#5): no IKE SA rekey as initiator; at the end of its
		 * lifetime the SA is deleted and an initiator peer starts a
		 * new one (break before make). */
		MIF_LOG(ike, NOTICE, "SA %016" PRIx64 ": IKE lifetime reached, deleting it",
			mif_ike_sa_our_spi(sa));
		mif_ike_stats.rekey_ike++;
		mif_ike_info_delete(sa, 0);
		return;
	}
	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		if (sa->child[i].used && now >= sa->child[i].rekey_tsc) {
			mif_ike_child_rekey(sa, &sa->child[i]);
			return;
		}
	if (now - sa->last_rx_tsc > hz * MIF_IKE_DPD_S)
		mif_ike_info_dpd(sa);
}

struct peer_seen {
	bool seen[MIF_CFG_IKE_MAX_PEERS];
};

static void
mark_peer(struct mif_ike_sa *sa, void *arg)
{
	struct peer_seen *ps = arg;

	if (sa->peer >= 0 && sa->state != MIF_IKE_ST_DEAD)
		ps->seen[sa->peer] = true;
}

/* Peers with initiate = true and no IKE SA get one. */
static void
start_initiators(void)
{
	const struct mif_cfg_ike *ike = &dcfg->ike;
	static struct peer_seen ps;
	unsigned int i;

	memset(&ps, 0, sizeof(ps));
	mif_ike_sa_foreach(mark_peer, &ps);
	for (i = 0; i < ike->n_peers; i++)
		if (ike->peers[i].initiate && !ps.seen[i])
			mif_ike_init_start(i);
}

void
mif_ike_daemon_timer(uint64_t now)
{
	if (!running)
		return;
	mif_ike_init_timer(now);
	unauth_report(now);
	mif_ike_sa_foreach(sa_timer, &now);
	if (now >= next_start_tsc) {
		start_initiators();
		next_start_tsc = now + hz * RESTART_S;
	}
}

struct sa_event {
	uint32_t spi;
	bool found;
};

static void
event_sa(struct mif_ike_sa *sa, void *arg)
{
	struct sa_event *e = arg;
	struct mif_ike_child *ch;

	if (e->found || sa->state != MIF_IKE_ST_ESTABLISHED)
		return;
	ch = mif_ike_child_find(sa, e->spi, true);
	if (ch == NULL)
		ch = mif_ike_child_find(sa, e->spi, false);
	if (ch == NULL)
		return;
	e->found = true;
	/* A pair already being replaced waits for its Delete. */
	if (ch->rekey_tsc != UINT64_MAX)
		ch->rekey_tsc = 0;
}

bool
mif_ike_daemon_sa_event(uint32_t spi, uint32_t ev)
{
	struct sa_event e = { .spi = spi };

	if (!running)
		return false;
	mif_ike_sa_foreach(event_sa, &e);
	if (e.found) {
		mif_ike_stats.dp_event++;
		MIF_LOG(ike, INFO, "Child SA 0x%08x: dataplane event 0x%x, rekeying",
			spi, ev);
	}
	return e.found;
}

static void
print_sa(struct mif_ike_sa *sa, void *arg)
{
	FILE *f = arg;
	const struct mif_ike_child *c;
	unsigned int i;
	const char *peer = sa->peer >= 0 ? dcfg->ike.peers[sa->peer].name :
		"?";

	fprintf(f, "ike_sa %s %016" PRIx64 " %s\n", peer,
		mif_ike_sa_our_spi(sa), mif_ike_state_name(sa->state));
	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++) {
		c = &sa->child[i];
		if (c->used)
			fprintf(f, "ike_child %s %08x %08x %s\n", peer,
				c->spi_in, c->spi_out,
				c->installed ? "installed" : "negotiated");
	}
}

void
mif_ike_daemon_print(FILE *f)
{
	const struct mif_ike_stats *s = &mif_ike_stats;
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{ "rx", s->rx }, { "tx", s->tx }, { "rx_bad", s->rx_bad },
		{ "rx_no_sa", s->rx_no_sa },
		{ "rx_retransmit", s->rx_retransmit },
		{ "rx_bad_msgid", s->rx_bad_msgid },
		{ "rx_icv_fail", s->rx_icv_fail },
		{ "tx_retransmit", s->tx_retransmit },
		{ "tx_fail", s->tx_fail }, { "sa_up", s->sa_up },
		{ "sa_down", s->sa_down }, { "sa_refused", s->sa_refused },
		{ "child_up", s->child_up }, { "child_down", s->child_down },
		{ "no_proposal", s->no_proposal },
		{ "auth_failed", s->auth_failed },
		{ "unknown_id", s->unknown_id },
		{ "invalid_ke", s->invalid_ke },
		{ "cookie_sent", s->cookie_sent },
		{ "cookie_bad", s->cookie_bad },
		{ "half_open_full", s->half_open_full },
		{ "sa_limit", s->sa_limit }, { "timeout", s->timeout },
		{ "rekey_child", s->rekey_child },
		{ "rekey_ike", s->rekey_ike }, { "dpd", s->dpd },
		{ "dp_event", s->dp_event }, { "no_peer", s->no_peer },
		{ "init_failed", s->init_failed },
		{ "log_suppressed", s->log_suppressed },
	};
	unsigned int i;

	if (prev_print != NULL)
		prev_print(f);
	if (!running)
		return;
	for (i = 0; i < RTE_DIM(c); i++)
		fprintf(f, "ike %s %" PRIu64 "\n", c[i].name, c[i].v);
	fprintf(f, "ike half_open %u\n", mif_ike_sa_half_open());
	mif_ike_sa_foreach(print_sa, f);
}

int
mif_ike_daemon_init(const struct mif_cfg *cfg)
{
	int rc;

	if (cfg->ike.n_peers == 0)
		return 0;
	dcfg = cfg;
	hz = rte_get_tsc_hz();
	mif_ratelimit_init(&unauth_rl, UNAUTH_LOG_RATE, UNAUTH_LOG_BURST, hz,
			   rte_get_tsc_cycles());
	unauth_pending = 0;
	mif_ike_dp_init(cfg);
	if ((rc = mif_ike_sa_table_init(&cfg->ike)) != 0 ||
	    (rc = mif_ike_init_secret_init()) != 0)
		return rc;
	next_start_tsc = rte_get_tsc_cycles() + hz * START_DELAY_S;
	prev_print = mif_counters_print_extra;
	mif_counters_print_extra = mif_ike_daemon_print;
	running = true;
	MIF_LOG(ike, NOTICE, "IKEv2 daemon: %u peers, at most %u IKE SAs (%u half-open), cookies above %u half-open",
		cfg->ike.n_peers, cfg->ike.max_sas, cfg->ike.max_half_open,
		cfg->ike.cookie_threshold);
	return 0;
}

void
mif_ike_daemon_fini(void)
{
	if (!running)
		return;
	running = false;
	mif_ike_sa_table_fini();
	mif_ike_dp_fini();
	mif_counters_print_extra = prev_print;
}

static int
peer_index(const char *name)
{
	unsigned int i;

	if (!running)
		return -ENOENT;
	for (i = 0; i < dcfg->ike.n_peers; i++)
		if (strcmp(dcfg->ike.peers[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

struct op_walk {
	int peer;
	bool ike;
	int n;
};

static void
count_peer(struct mif_ike_sa *sa, void *arg)
{
	struct op_walk *w = arg;

	w->n += sa->peer == w->peer && sa->state != MIF_IKE_ST_DEAD;
}

int
mif_ike_daemon_initiate(const char *name)
{
	struct op_walk w = { .peer = peer_index(name) };

	if (w.peer < 0)
		return w.peer;
	if (dcfg->ike.peers[w.peer].remote.family == 0)
		return -EDESTADDRREQ;
	mif_ike_sa_foreach(count_peer, &w);
	if (w.n > 0)
		return -EALREADY;
	MIF_LOG(ike, NOTICE, "peer %s: initiating (operator)", name);
	return mif_ike_init_start((unsigned int)w.peer);
}

static void
terminate_sa(struct mif_ike_sa *sa, void *arg)
{
	struct op_walk *w = arg;

	if (sa->peer != w->peer || sa->state == MIF_IKE_ST_DEAD ||
	    sa->state == MIF_IKE_ST_DELETING)
		return;
	w->n++;
	/* Half-open or busy: no Delete can go now; the tick reaps it. */
	if (sa->state != MIF_IKE_ST_ESTABLISHED ||
	    mif_ike_info_delete(sa, 0) != 0)
		sa->state = MIF_IKE_ST_DEAD;
}

int
mif_ike_daemon_terminate(const char *name)
{
	struct op_walk w = { .peer = peer_index(name) };

	if (w.peer < 0)
		return w.peer;
	mif_ike_sa_foreach(terminate_sa, &w);
	MIF_LOG(ike, NOTICE, "peer %s: %d IKE SAs terminated (operator)",
		name, w.n);
	return w.n;
}

static void
rekey_sa(struct mif_ike_sa *sa, void *arg)
{
	struct op_walk *w = arg;
	unsigned int i;

	if (sa->peer != w->peer || sa->state != MIF_IKE_ST_ESTABLISHED ||
	    sa->req != MIF_IKE_REQ_NONE)
		return;
	if (w->ike) {
		if (mif_ike_info_delete(sa, 0) == 0) {
			mif_ike_stats.rekey_ike++;
			w->n++;
		}
		return;
	}
	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		if (sa->child[i].used && sa->child[i].installed) {
			w->n += mif_ike_child_rekey(sa, &sa->child[i]) == 0;
			return;
		}
}

int
mif_ike_daemon_rekey(const char *name, bool ike)
{
	struct op_walk w = { .peer = peer_index(name), .ike = ike };

	if (w.peer < 0)
		return w.peer;
	mif_ike_sa_foreach(rekey_sa, &w);
	/* Break before make: the new IKE SA starts while the old one's
	 * Delete is under way. */
	if (ike && w.n > 0 && dcfg->ike.peers[w.peer].remote.family != 0 &&
	    mif_ike_init_start((unsigned int)w.peer) != 0)
		return -EIO;
	MIF_LOG(ike, NOTICE, "peer %s: %d %s rekeys started (operator)", name,
		w.n, ike ? "IKE SA" : "Child SA");
	return w.n;
}
