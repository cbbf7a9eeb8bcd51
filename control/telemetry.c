/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry endpoints (/mifgw/...) and the port link monitor.
 *
 * DPDK 22.11 lets a dict hold scalars and arrays of scalars, not nested
 * dicts. So a summary endpoint answers in columns (one array per field,
 * all in port or lcore order), and the same endpoint with a parameter
 * answers for one object. Lists that belong to an object inside a
 * summary (addresses of a port, RX queues of a worker) are one flat
 * array of "OWNER ITEM" strings.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "common/addr.h"
#include "common/counters.h"
#include "common/log.h"
#include "common/state.h"
#include "control/ifset_link.h"
#include "control/telemetry.h"
#include "dataplane/port.h"

#ifndef MIF_VERSION
#define MIF_VERSION "unknown"
#endif

/*
 * Cached link state, one word per port: written by the control thread,
 * read by telemetry threads, so both sides use atomic 64-bit accesses.
 * Bit 63: known; bit 0: up; bit 1: full duplex; bits 32..62: Mbps.
 */
#define LINK_KNOWN	(1ULL << 63)
#define LINK_UP		(1ULL << 0)
#define LINK_FDX	(1ULL << 1)
#define LINK_SPEED_SHIFT 32
#define LINK_SPEED_MASK	0x7fffffffULL

static uint64_t link_word[MIF_MAX_PORTS];
static uint64_t next_link_check;
static char cfg_path[PATH_MAX];
static struct timespec started;

static uint64_t
link_word_get(unsigned int port)
{
	return __atomic_load_n(&link_word[port], __ATOMIC_RELAXED);
}

static uint64_t
link_word_of(const struct rte_eth_link *l)
{
	uint64_t w = LINK_KNOWN;

	if (l->link_status == RTE_ETH_LINK_UP)
		w |= LINK_UP;
	if (l->link_duplex == RTE_ETH_LINK_FULL_DUPLEX)
		w |= LINK_FDX;
	/* RTE_ETH_SPEED_NUM_UNKNOWN is UINT32_MAX: keep it as the mask. */
	w |= ((uint64_t)l->link_speed & LINK_SPEED_MASK) << LINK_SPEED_SHIFT;
	return w;
}

static uint32_t
link_speed(uint64_t w)
{
	return (uint32_t)((w >> LINK_SPEED_SHIFT) & LINK_SPEED_MASK);
}

static const char *
link_state_name(unsigned int port)
{
	uint64_t w = link_word_get(port);

	if (!mif_ports[port].started)
		return "stopped";
	if (!(w & LINK_KNOWN))
		return "unknown";
	return (w & LINK_UP) ? "up" : "down";
}

/* "down", or "up 10000 Mbps full-duplex", for the change log. */
static const char *
link_fmt(uint64_t w, char *buf, size_t len)
{
	uint32_t mbps = link_speed(w);

	if (!(w & LINK_KNOWN))
		snprintf(buf, len, "unknown");
	else if (!(w & LINK_UP))
		snprintf(buf, len, "down");
	else if (mbps == 0 || mbps == LINK_SPEED_MASK)
		snprintf(buf, len, "up (speed unknown) %s",
			 (w & LINK_FDX) ? "full-duplex" : "half-duplex");
	else
		snprintf(buf, len, "up %" PRIu32 " Mbps %s", mbps,
			 (w & LINK_FDX) ? "full-duplex" : "half-duplex");
	return buf;
}

static void
link_check_port(unsigned int i, bool first)
{
	const struct mif_port *p = &mif_ports[i];
	char was[48], now[48];
	struct rte_eth_link l;
	uint64_t old, w;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = rte_eth_link_get_nowait(p->port_id, &l);
	if (rc != 0) {
		if (first)
			MIF_LOG(dp, WARNING, "port %s: cannot read link state: %s",
				p->name, rte_strerror(-rc));
		return;
	}
	w = link_word_of(&l);
	old = link_word_get(i);
	if (w == old)
		return;
	__atomic_store_n(&link_word[i], w, __ATOMIC_RELAXED);
	if (first || !(old & LINK_KNOWN))
		MIF_LOG(dp, INFO, "port %s: link %s", p->name,
			link_fmt(w, now, sizeof(now)));
	else
		MIF_LOG(dp, NOTICE, "port %s: link changed from %s to %s",
			p->name, link_fmt(old, was, sizeof(was)),
			link_fmt(w, now, sizeof(now)));
	/* Issue 4: SA paths on this port fail over, or fail back. */
	if ((old ^ w) & LINK_UP)
		mif_ifset_link_event(p, (w & LINK_UP) != 0);
}

void
mif_telemetry_link_check(uint64_t now)
{
	unsigned int i;

	if (now < next_link_check)
		return;
	next_link_check = now + rte_get_tsc_hz();
	for (i = 0; i < mif_n_ports && i < MIF_MAX_PORTS; i++)
		if (mif_ports[i].started)
			link_check_port(i, false);
}

/* ---- telemetry callbacks -------------------------------------------- */

/* Port index by name, or -1. */
static int
port_by_name(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < mif_n_ports; i++)
		if (strcmp(mif_ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool
has_param(const char *params)
{
	return params != NULL && params[0] != '\0';
}

static const char *
role_name(const struct mif_port *p)
{
	return p->role == MIF_PORT_PROTECTED ? "protected" : "unprotected";
}

static struct rte_tel_data *
array_new(enum rte_tel_value_type type)
{
	struct rte_tel_data *a = rte_tel_data_alloc();

	if (a != NULL && rte_tel_data_start_array(a, type) != 0) {
		rte_tel_data_free(a);
		return NULL;
	}
	return a;
}

/* Hand @p a to @p d, which frees it after the reply; NULL fails. */
static int
dict_put_array(struct rte_tel_data *d, const char *name,
	       struct rte_tel_data *a)
{
	if (a == NULL)
		return -ENOMEM;
	if (rte_tel_data_add_dict_container(d, name, a, 0) != 0) {
		rte_tel_data_free(a);
		return -ENOSPC;
	}
	return 0;
}

static int
tel_version(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", MIF_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_int(d, "pid", (int)getpid());
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (uint64_t)(ts.tv_sec - started.tv_sec));
	rte_tel_data_add_dict_string(d, "config", cfg_path);
	rte_tel_data_add_dict_int(d, "ports", (int)mif_n_ports);
	rte_tel_data_add_dict_int(d, "workers", (int)mif_state.n_workers);
	return 0;
}

/* Every address of port @p p, with "OWNER " in front when given. */
static void
port_addrs_add(struct rte_tel_data *a, const struct mif_port *p,
	       const char *owner)
{
	char pfx[MIF_PREFIX_STRLEN], s[MIF_NAME_LEN + MIF_PREFIX_STRLEN + 2];
	unsigned int k;

	for (k = 0; k < p->n_addrs; k++) {
		mif_prefix_fmt(&p->addrs[k], pfx, sizeof(pfx));
		snprintf(s, sizeof(s), "%s%s%s", owner ? owner : "",
			 owner ? " " : "", pfx);
		rte_tel_data_add_array_string(a, s);
	}
	if (p->ll6.family == AF_INET6) {
		mif_addr_fmt(&p->ll6, pfx, sizeof(pfx));
		snprintf(s, sizeof(s), "%s%s%s/64", owner ? owner : "",
			 owner ? " " : "", pfx);
		rte_tel_data_add_array_string(a, s);
	}
}

static int
tel_port_one(unsigned int i, struct rte_tel_data *d)
{
	const struct mif_port *p = &mif_ports[i];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint64_t w = link_word_get(i);
	struct rte_tel_data *a;

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_int(d, "port_id", p->port_id);
	rte_tel_data_add_dict_string(d, "role", role_name(p));
	rte_tel_data_add_dict_string(d, "mac", mac);
	rte_tel_data_add_dict_int(d, "mtu", p->mtu);
	rte_tel_data_add_dict_string(d, "link", link_state_name(i));
	rte_tel_data_add_dict_u64(d, "speed_mbps",
		link_speed(w) == LINK_SPEED_MASK ? 0 : link_speed(w));
	rte_tel_data_add_dict_string(d, "duplex", !(w & LINK_KNOWN) ?
		"unknown" : (w & LINK_FDX) ? "full" : "half");
	rte_tel_data_add_dict_int(d, "rx_queues", p->n_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", p->n_txq);
	a = array_new(RTE_TEL_STRING_VAL);
	if (a != NULL)
		port_addrs_add(a, p, NULL);
	return dict_put_array(d, "addresses", a);
}

static int
tel_ports(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	struct rte_tel_data *name, *role, *link, *mtu, *mac, *addrs;
	char m[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i;
	int idx, rc;

	if (has_param(params)) {
		if ((idx = port_by_name(params)) < 0)
			return -EINVAL;
		return tel_port_one((unsigned int)idx, d);
	}
	rte_tel_data_start_dict(d);
	name = array_new(RTE_TEL_STRING_VAL);
	role = array_new(RTE_TEL_STRING_VAL);
	link = array_new(RTE_TEL_STRING_VAL);
	mac = array_new(RTE_TEL_STRING_VAL);
	addrs = array_new(RTE_TEL_STRING_VAL);
	mtu = array_new(RTE_TEL_INT_VAL);
	for (i = 0; i < mif_n_ports; i++) {
		const struct mif_port *p = &mif_ports[i];

		if (name == NULL || role == NULL || link == NULL ||
		    mac == NULL || addrs == NULL || mtu == NULL)
			break;
		rte_ether_format_addr(m, sizeof(m), &p->mac);
		rte_tel_data_add_array_string(name, p->name);
		rte_tel_data_add_array_string(role, role_name(p));
		rte_tel_data_add_array_string(link, link_state_name(i));
		rte_tel_data_add_array_string(mac, m);
		rte_tel_data_add_array_int(mtu, p->mtu);
		port_addrs_add(addrs, p, p->name);
	}
	/* dict_put_array() consumes its array even when it fails. */
	rc = dict_put_array(d, "name", name);
	rc |= dict_put_array(d, "role", role);
	rc |= dict_put_array(d, "link", link);
	rc |= dict_put_array(d, "mtu", mtu);
	rc |= dict_put_array(d, "mac", mac);
	rc |= dict_put_array(d, "addresses", addrs);
	return rc == 0 ? 0 : -ENOMEM;
}

static void
port_counters_dict(struct rte_tel_data *d, const struct mif_port_counters *c)
{
	rte_tel_data_add_dict_u64(d, "rx", c->rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", c->rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx", c->tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", c->tx_bytes);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	struct rte_tel_data *col[5];
	struct mif_counters sum;
	char key[64];
	uint64_t drops = 0;
	unsigned int i;
	int idx, rc = 0;

	mif_counters_sum(&sum);
	rte_tel_data_start_dict(d);
	if (has_param(params)) {
		if ((idx = port_by_name(params)) < 0)
			return -EINVAL;
		rte_tel_data_add_dict_string(d, "name", params);
		port_counters_dict(d, &sum.port[idx]);
		return 0;
	}
	col[0] = array_new(RTE_TEL_STRING_VAL);
	for (i = 1; i < RTE_DIM(col); i++)
		col[i] = array_new(RTE_TEL_U64_VAL);
	for (i = 0; i < mif_n_ports && col[0] && col[1] && col[2] &&
	     col[3] && col[4]; i++) {
		rte_tel_data_add_array_string(col[0], mif_ports[i].name);
		rte_tel_data_add_array_u64(col[1], sum.port[i].rx_packets);
		rte_tel_data_add_array_u64(col[2], sum.port[i].rx_bytes);
		rte_tel_data_add_array_u64(col[3], sum.port[i].tx_packets);
		rte_tel_data_add_array_u64(col[4], sum.port[i].tx_bytes);
	}
	rc |= dict_put_array(d, "ports", col[0]);
	rc |= dict_put_array(d, "rx", col[1]);
	rc |= dict_put_array(d, "rx_bytes", col[2]);
	rc |= dict_put_array(d, "tx", col[3]);
	rc |= dict_put_array(d, "tx_bytes", col[4]);

	for (i = 0; i < MIF_DROP_MAX; i++) {
		snprintf(key, sizeof(key), "drop/%s", mif_drop_names[i]);
		rte_tel_data_add_dict_u64(d, key, sum.drop[i]);
		drops += sum.drop[i];
	}
	rte_tel_data_add_dict_u64(d, "drops", drops);
	for (i = 0; i < MIF_CTL_MAX; i++) {
		snprintf(key, sizeof(key), "ctl/%s", mif_ctl_event_names[i]);
		rte_tel_data_add_dict_u64(d, key, sum.ctl[i]);
	}
	return rc == 0 ? 0 : -ENOMEM;
}

struct lcore_totals {
	uint64_t rx, tx, drops;
};

static void
lcore_totals(unsigned int lc, struct lcore_totals *t)
{
	const struct mif_counters *c = &mif_counters[lc];
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < MIF_MAX_PORTS; i++) {
		t->rx += c->port[i].rx_packets;
		t->tx += c->port[i].tx_packets;
	}
	for (i = 0; i < MIF_DROP_MAX; i++)
		t->drops += c->drop[i];
}

/*
 * The RX queues of worker @p idx as "PORT:QUEUE", after "LCORE " when
 * @p owner is not negative. This repeats the rule by which
 * mif_worker_create() hands out queues, because the worker objects are
 * freed at shutdown while a telemetry thread may still be answering.
 */
static unsigned int
worker_queues_add(struct rte_tel_data *a, unsigned int idx, int owner)
{
	const unsigned int step = mif_state.n_workers;
	const int w = MIF_NAME_LEN - 1;
	char s[MIF_NAME_LEN * 2 + 16];
	unsigned int p, q, n = 0;

	if (step == 0)
		return 0;
	for (p = 0; p < mif_n_ports; p++) {
		for (q = idx; q < mif_ports[p].n_rxq; q += step) {
			if (owner >= 0)
				snprintf(s, sizeof(s), "%d %.*s:%u", owner, w,
					 mif_ports[p].name, q);
			else
				snprintf(s, sizeof(s), "%.*s:%u", w,
					 mif_ports[p].name, q);
			if (rte_tel_data_add_array_string(a, s) != 0)
				return n;
			n++;
		}
	}
	return n;
}

/* Lcore at position @p pos: 0 is the control lcore, then the workers. */
static unsigned int
lcore_at(unsigned int pos)
{
	return pos == 0 ? rte_get_main_lcore() :
		mif_state.worker_lcores[pos - 1];
}

static int
tel_worker_one(unsigned int pos, struct rte_tel_data *d)
{
	unsigned int lc = lcore_at(pos);
	struct lcore_totals t;
	struct rte_tel_data *a;

	lcore_totals(lc, &t);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "lcore", (int)lc);
	rte_tel_data_add_dict_string(d, "role", pos == 0 ? "control" :
				     "worker");
	rte_tel_data_add_dict_u64(d, "rx", t.rx);
	rte_tel_data_add_dict_u64(d, "tx", t.tx);
	rte_tel_data_add_dict_u64(d, "drops", t.drops);
	if (pos == 0)
		return 0;
	rte_tel_data_add_dict_int(d, "index", (int)(pos - 1));
	a = array_new(RTE_TEL_STRING_VAL);
	if (a != NULL)
		worker_queues_add(a, pos - 1, -1);
	return dict_put_array(d, "rx_queues", a);
}

static int
tel_workers(const char *cmd __rte_unused, const char *params,
	    struct rte_tel_data *d)
{
	struct rte_tel_data *lcore, *role, *nq, *rx, *tx, *drops, *queues;
	unsigned int pos, n = mif_state.n_workers + 1, q;
	struct lcore_totals t;
	char *end;
	unsigned long v;
	int rc;

	if (has_param(params)) {
		/* Digits only: strtoul() would take " 1", "+1" and "-1". */
		if (!isdigit((unsigned char)params[0]))
			return -EINVAL;
		errno = 0;
		v = strtoul(params, &end, 10);
		if (errno != 0 || *end != '\0')
			return -EINVAL;
		for (pos = 0; pos < n; pos++)
			if (lcore_at(pos) == v)
				return tel_worker_one(pos, d);
		return -EINVAL;
	}
	rte_tel_data_start_dict(d);
	lcore = array_new(RTE_TEL_INT_VAL);
	role = array_new(RTE_TEL_STRING_VAL);
	nq = array_new(RTE_TEL_INT_VAL);
	rx = array_new(RTE_TEL_U64_VAL);
	tx = array_new(RTE_TEL_U64_VAL);
	drops = array_new(RTE_TEL_U64_VAL);
	queues = array_new(RTE_TEL_STRING_VAL);
	for (pos = 0; pos < n; pos++) {
		if (!lcore || !role || !nq || !rx || !tx || !drops || !queues)
			break;
		lcore_totals(lcore_at(pos), &t);
		q = pos == 0 ? 0 : worker_queues_add(queues, pos - 1,
							 (int)lcore_at(pos));
		rte_tel_data_add_array_int(lcore, (int)lcore_at(pos));
		rte_tel_data_add_array_string(role, pos == 0 ? "control" :
					      "worker");
		rte_tel_data_add_array_int(nq, (int)q);
		rte_tel_data_add_array_u64(rx, t.rx);
		rte_tel_data_add_array_u64(tx, t.tx);
		rte_tel_data_add_array_u64(drops, t.drops);
	}
	rc = dict_put_array(d, "lcore", lcore);
	rc |= dict_put_array(d, "role", role);
	rc |= dict_put_array(d, "n_rx_queues", nq);
	rc |= dict_put_array(d, "rx", rx);
	rc |= dict_put_array(d, "tx", tx);
	rc |= dict_put_array(d, "drops", drops);
	rc |= dict_put_array(d, "rx_queues", queues);
	return rc == 0 ? 0 : -ENOMEM;
}

static const struct {
	const char *path;
	telemetry_cb fn;
	const char *help;
} endpoints[] = {
	/* Help texts stay under RTE_TEL_MAX_STRING_LEN (128). */
	{ "/mifgw/version", tel_version,
	  "mifgw and DPDK versions, pid, uptime, config file" },
	{ "/mifgw/ports", tel_ports,
	  "Ports: role, MAC, MTU, link, addresses. Param: port name" },
	{ "/mifgw/stats", tel_stats,
	  "Port rx/tx, drops by reason, control events. Param: port name" },
	{ "/mifgw/workers", tel_workers,
	  "Lcores, their RX queues and packets. Param: lcore id" },
};

int
mif_telemetry_init(const struct mif_cfg *cfg)
{
	static bool registered;
	unsigned int i;
	int rc;

	/* DPDK 22.11 lists a command twice if it is registered twice. */
	if (registered)
		return -EALREADY;
	registered = true;
	/* The configuration is freed before the EAL stops the telemetry
	 * threads, so keep a copy of what the endpoints show. */
	snprintf(cfg_path, sizeof(cfg_path), "%s", cfg->path);
	clock_gettime(CLOCK_MONOTONIC, &started);
	for (i = 0; i < mif_n_ports && i < MIF_MAX_PORTS; i++)
		if (mif_ports[i].started)
			link_check_port(i, true);
	next_link_check = rte_get_tsc_cycles() + rte_get_tsc_hz();

	for (i = 0; i < RTE_DIM(endpoints); i++) {
		rc = rte_telemetry_register_cmd(endpoints[i].path,
						endpoints[i].fn,
						endpoints[i].help);
		if (rc != 0) {
			MIF_LOG(main, ERR, "telemetry: cannot register %s: %s",
				endpoints[i].path, strerror(-rc));
			return rc;
		}
	}
	MIF_LOG(main, INFO, "telemetry: %zu endpoints under /mifgw/",
		RTE_DIM(endpoints));
	return 0;
}
