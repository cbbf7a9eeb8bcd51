/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane state for operators: ports, interfaces, workers, counters.
 *
 * Counters are read while the workers write them (plain aligned 64-bit
 * stores, see common/counters.h), so a value may be one update old.
 * `clear stats` does not zero them, which would race with the workers:
 * it records a baseline that later `show` commands subtract.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_lcore.h>

#include "common/addr.h"
#include "common/counters.h"
#include "common/state.h"
#include "control/cli_cmd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"

static struct mif_counters base[RTE_MAX_LCORE];
static time_t cleared_at;

#define N_WORDS	((offsetof(struct mif_counters, ctl) +			\
		  sizeof(((struct mif_counters *)0)->ctl)) / sizeof(uint64_t))

/* Counters of lcore @lc since the last clear, added into @acc. */
static void
lcore_add(unsigned int lc, struct mif_counters *acc)
{
	const uint64_t *now = (const uint64_t *)&mif_counters[lc];
	const uint64_t *b = (const uint64_t *)&base[lc];
	uint64_t *d = (uint64_t *)acc, v;
	size_t i;

	for (i = 0; i < N_WORDS; i++) {
		v = now[i];
		/* A counter never goes down, except when something reset
		 * all of them behind our back: then count from zero. */
		d[i] += v >= b[i] ? v - b[i] : v;
	}
}

static void
sum_since_clear(struct mif_counters *sum)
{
	unsigned int lc;

	memset(sum, 0, sizeof(*sum));
	for (lc = 0; lc < RTE_MAX_LCORE; lc++)
		lcore_add(lc, sum);
}

static bool
exact(const struct mif_cli_exec *x)
{
	return strcmp(x->argv[x->argc - 1].str, "exact") == 0;
}

static const char *
fmt_n(uint64_t v, bool raw, char *buf, size_t len)
{
	if (raw) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	return mif_cli_fmt_count(v, buf, len);
}

static const char *
fmt_b(uint64_t v, bool raw, char *buf, size_t len)
{
	if (raw) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	return mif_cli_fmt_bytes(v, buf, len);
}

static void
since_line(struct mif_cli_out *out)
{
	char ts[32];
	struct tm tm;

	if (cleared_at == 0)
		return;
	localtime_r(&cleared_at, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	mif_cli_printf(out, "counters since clear at %s\n", ts);
}

static int
cmd_show_ports(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "name", "role", "mac", ">mtu",
		"link", ">rx_pkts", ">rx_bytes", ">tx_pkts", ">tx_bytes" };
	char mac[RTE_ETHER_ADDR_FMT_SIZE], mtu[8], c[4][32];
	const struct mif_port_counters *pc;
	struct mif_counters sum;
	struct mif_cli_table t;
	bool raw = exact(x);
	unsigned int i;

	sum_since_clear(&sum);
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < mif_n_ports; i++) {
		const struct mif_port *p = &mif_ports[i];

		pc = &sum.port[i];
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		snprintf(mtu, sizeof(mtu), "%u", p->mtu);
		mif_cli_table_row(&t, (const char *const[]){ p->name,
			p->role == MIF_PORT_PROTECTED ? "protected" :
			"unprotected", mac, mtu,
			!p->started ? "stopped" :
			mif_port_link_up(i) ? "up" : "down",
			fmt_n(pc->rx_packets, raw, c[0], sizeof(c[0])),
			fmt_b(pc->rx_bytes, raw, c[1], sizeof(c[1])),
			fmt_n(pc->tx_packets, raw, c[2], sizeof(c[2])),
			fmt_b(pc->tx_bytes, raw, c[3], sizeof(c[3])) });
	}
	mif_cli_table_print(&t, x->out);
	since_line(x->out);
	return 0;
}

static int
cmd_show_interfaces(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "name", "address" };
	char a[MIF_PREFIX_STRLEN];
	struct mif_cli_table t;
	unsigned int i, k;

	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < mif_n_ports; i++) {
		const struct mif_port *p = &mif_ports[i];

		for (k = 0; k < p->n_addrs; k++)
			mif_cli_table_row(&t, (const char *const[]){
				k == 0 ? p->name : "",
				mif_prefix_fmt(&p->addrs[k], a, sizeof(a)) });
		if (p->ll6.family == AF_INET6)
			mif_cli_table_row(&t, (const char *const[]){
				p->n_addrs == 0 ? p->name : "",
				mif_addr_fmt(&p->ll6, a, sizeof(a)) });
		else if (p->n_addrs == 0)
			mif_cli_table_row(&t, (const char *const[]){ p->name,
				NULL });
	}
	mif_cli_table_print(&t, x->out);
	return 0;
}

static void
worker_row(struct mif_cli_table *t, unsigned int lc, const char *role,
	   bool raw)
{
	struct mif_counters c;
	uint64_t rx = 0, tx = 0, drops = 0;
	char id[8], n[3][32];
	unsigned int i;

	memset(&c, 0, sizeof(c));
	lcore_add(lc, &c);
	for (i = 0; i < MIF_MAX_PORTS; i++) {
		rx += c.port[i].rx_packets;
		tx += c.port[i].tx_packets;
	}
	for (i = 0; i < MIF_DROP_MAX; i++)
		drops += c.drop[i];
	snprintf(id, sizeof(id), "%u", lc);
	mif_cli_table_row(t, (const char *const[]){ id, role,
		fmt_n(rx, raw, n[0], sizeof(n[0])),
		fmt_n(tx, raw, n[1], sizeof(n[1])),
		fmt_n(drops, raw, n[2], sizeof(n[2])) });
}

static int
cmd_show_workers(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { ">lcore", "role", ">rx_pkts",
		">tx_pkts", ">drops" };
	struct mif_cli_table t;
	bool raw = exact(x);
	unsigned int i;

	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	worker_row(&t, rte_get_main_lcore(), "control", raw);
	for (i = 0; i < mif_state.n_workers && i < RTE_MAX_LCORE; i++)
		worker_row(&t, mif_state.worker_lcores[i], "worker", raw);
	mif_cli_table_print(&t, x->out);
	since_line(x->out);
	return 0;
}

static int
cmd_show_stats(struct mif_cli_exec *x)
{
	static const char *const dh[] = { "drop reason", ">packets" };
	static const char *const ch[] = { "control event", ">count" };
	struct mif_counters sum;
	struct mif_cli_table t;
	uint64_t total = 0;
	bool raw = exact(x);
	char n[32];
	unsigned int i;

	sum_since_clear(&sum);
	mif_cli_table_init(&t, RTE_DIM(dh), dh);
	for (i = 0; i < MIF_DROP_MAX; i++) {
		total += sum.drop[i];
		if (sum.drop[i] != 0)
			mif_cli_table_row(&t, (const char *const[]){
				mif_drop_names[i],
				fmt_n(sum.drop[i], raw, n, sizeof(n)) });
	}
	mif_cli_table_row(&t, (const char *const[]){ "total",
		fmt_n(total, raw, n, sizeof(n)) });
	mif_cli_table_print(&t, x->out);
	mif_cli_write(x->out, "\n", 1);

	mif_cli_table_init(&t, RTE_DIM(ch), ch);
	for (i = 0; i < MIF_CTL_MAX; i++)
		if (sum.ctl[i] != 0)
			mif_cli_table_row(&t, (const char *const[]){
				mif_ctl_event_names[i],
				fmt_n(sum.ctl[i], raw, n, sizeof(n)) });
	mif_cli_table_print(&t, x->out);
	since_line(x->out);
	return 0;
}

static void
neigh_row(struct mif_cli_table *t, const struct mif_neigh_table *nt,
	  const struct mif_neigh_key *k, int32_t slot)
{
	static const char *const states[] = {
		[MIF_NEIGH_INCOMPLETE] = "incomplete",
		[MIF_NEIGH_REACHABLE] = "reachable",
		[MIF_NEIGH_STATIC] = "static",
		[MIF_NEIGH_STALE] = "stale",
	};
	char a[MIF_ADDR_STRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr ea;
	struct mif_addr addr = { .family = k->family };
	unsigned int st;
	uint64_t w;

	if (k->family == AF_INET)
		memcpy(&addr.v4, k->addr, 4);
	else
		memcpy(addr.v6, k->addr, 16);
	w = __atomic_load_n(&nt->word[slot], __ATOMIC_RELAXED);
	st = (unsigned int)(w >> MIF_NEIGH_STATE_SHIFT);
	memcpy(ea.addr_bytes, &w, RTE_ETHER_ADDR_LEN);
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	mif_cli_table_row(t, (const char *const[]){
		mif_addr_fmt(&addr, a, sizeof(a)),
		k->port < mif_n_ports ? mif_ports[k->port].name : "?",
		st == MIF_NEIGH_INCOMPLETE ? NULL : mac,
		st < RTE_DIM(states) ? states[st] : "?" });
}

/* The control thread is the table's only writer, so walking it here
 * races with nobody that changes it. */
static int
cmd_show_neighbors(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "address", "port", "mac",
		"state" };
	const struct mif_neigh_table *nt = mif_state.neigh;
	struct mif_cli_table t;
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t slot;
	unsigned int n = 0;

	if (nt == NULL) {
		mif_cli_printf(x->out, "%% no neighbour table: the dataplane is not running\n");
		return -ENODEV;
	}
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	while ((slot = rte_hash_iterate(nt->h, &key, &data, &it)) >= 0) {
		if (slot >= MIF_NEIGH_MAX)
			continue;
		neigh_row(&t, nt, key, slot);
		n++;
	}
	mif_cli_table_print(&t, x->out);
	mif_cli_printf(x->out, "%u entries\n", n);
	return 0;
}

static int
cmd_clear_stats(struct mif_cli_exec *x)
{
	/* Word by word: each 64-bit load is whole even while a worker
	 * stores to it; the snapshot as a whole is not atomic, which a
	 * baseline does not need. */
	memcpy(base, mif_counters, sizeof(base));
	cleared_at = time(NULL);
	mif_cli_printf(x->out, "counters cleared\n");
	return 0;
}

static const struct mif_cli_cmd dp_cmds[] = {
	{ "show ports", { "Show state", "Ports: link, MAC, traffic" },
	  cmd_show_ports, NULL },
	{ "show ports exact", { NULL, NULL, "Exact numbers, not 1.2M" },
	  cmd_show_ports, NULL },
	{ "show interfaces", { NULL, "Addresses of each port" },
	  cmd_show_interfaces, NULL },
	{ "show neighbors", { NULL, "ARP and ND entries" },
	  cmd_show_neighbors, NULL },
	{ "show workers", { NULL, "Lcores and their traffic" },
	  cmd_show_workers, NULL },
	{ "show workers exact", { NULL, NULL, "Exact numbers, not 1.2M" },
	  cmd_show_workers, NULL },
	{ "show stats", { NULL, "Drops by reason, control events" },
	  cmd_show_stats, NULL },
	{ "show stats exact", { NULL, NULL, "Exact numbers, not 1.2M" },
	  cmd_show_stats, NULL },
	{ "clear stats", { "Reset state", "Start counting from zero" },
	  cmd_clear_stats, NULL },
};

int
mif_cli_cmds_dp_register(void)
{
	return mif_cli_cmd_register_table(dp_cmds, RTE_DIM(dp_cmds));
}
