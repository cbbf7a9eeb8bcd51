/* SPDX-License-Identifier: BSD-3-Clause */
/* `show ports | interfaces | workers | stats` and `clear stats` against
 * port and counter state set by hand, as the dataplane would leave it. */
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "common/counters.h"
#include "common/state.h"
#include "control/cli_cmd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "tests/unit/check.h"

static char obuf[64 * 1024];

static const char *
run(const char *line)
{
	struct mif_cli_out out;

	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	mif_cli_cmd_exec(line, &out, NULL, NULL);
	obuf[out.len] = '\0';
	return obuf;
}

static void
setup(void)
{
	struct mif_port *p = &mif_ports[0];

	memset(mif_ports, 0, sizeof(mif_ports));
	snprintf(p->name, sizeof(p->name), "lan");
	p->role = MIF_PORT_PROTECTED;
	p->mtu = 1500;
	p->mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 1 } };
	CHECK_EQ(mif_prefix_parse("192.0.2.1/24", &p->addrs[0], true, false),
		 0);
	CHECK_EQ(mif_prefix_parse("2001:db8:1::1/64", &p->addrs[1], true,
				  false), 0);
	p->n_addrs = 2;
	mif_port_derive_ll6(p);
	p = &mif_ports[1];
	snprintf(p->name, sizeof(p->name), "wlan-uplink");
	p->role = MIF_PORT_UNPROTECTED;
	p->mtu = 1400;
	p->started = true;	/* port id 0 is no ethdev here: link down */
	mif_n_ports = 2;
	mif_state.n_workers = 1;
	mif_state.worker_lcores[0] = 1;

	mif_counters[1].port[0].rx_packets = 1234567;
	mif_counters[1].port[0].rx_bytes = 3400000000ull;
	mif_counters[1].port[1].tx_packets = 1234567;
	mif_counters[1].port[1].tx_bytes = 1536;
	mif_counters[1].drop[MIF_DROP_NO_ROUTE] = 12;
	mif_counters[0].drop[MIF_DROP_NO_ROUTE] = 30;
	mif_counters[0].ctl[MIF_CTL_ARP_REPLY_SENT] = 5;
}

static void
test_show(void)
{
	const char *o;

	o = run("show ports");
	CHECK(strstr(o, "name         role         mac                 mtu  link   "
		     "  rx_pkts  rx_bytes  tx_pkts  tx_bytes\n") != NULL);
	CHECK(strstr(o, "lan          protected    02:00:00:00:00:01  1500"
		     "  stopped     1.2M    3.4 GB        0       0 B\n") != NULL);
	CHECK(strstr(o, "wlan-uplink  unprotected  00:00:00:00:00:00  1400"
		     "  down           0       0 B     1.2M    1.5 KB\n") != NULL);
	o = run("show ports exact");
	CHECK(strstr(o, "1234567  3400000000") != NULL);

	o = run("sh int");
	CHECK(strstr(o, "lan          192.0.2.1/24\n") != NULL);
	CHECK(strstr(o, "             2001:db8:1::1/64\n") != NULL);
	CHECK(strstr(o, "fe80::ff:fe00:1\n") != NULL);
	CHECK(strstr(o, "wlan-uplink  -\n") != NULL);

	o = run("show workers");
	CHECK(strstr(o, "lcore  role     rx_pkts  tx_pkts  drops\n") != NULL);
	CHECK(strstr(o, "    0  control        0        0     30\n") != NULL);
	CHECK(strstr(o, "    1  worker      1.2M     1.2M     12\n") != NULL);

	o = run("show stats");
	CHECK(strstr(o, "no_route") != NULL);
	CHECK(strstr(o, "total") != NULL);
	CHECK(strstr(o, "42\n") != NULL);
	CHECK(strstr(o, "arp_reply_sent") != NULL);
	CHECK(strstr(o, "bad_len") == NULL);	/* zero rows are left out */
}

static void
test_clear(void)
{
	const char *o;

	CHECK(strstr(run("clear stats"), "counters cleared") != NULL);
	o = run("show stats exact");
	CHECK(strstr(o, "no_route") == NULL);
	CHECK(strstr(o, "counters since clear at") != NULL);
	mif_counters[1].drop[MIF_DROP_NO_ROUTE] += 7;
	mif_counters[1].port[0].rx_packets += 3;
	o = run("show stats exact");
	CHECK(strstr(o, "no_route") != NULL);
	CHECK(strstr(o, "7\n") != NULL);
	o = run("show ports exact");
	CHECK(strstr(o, "stopped        3         0") != NULL);
	/* Counters reset behind the CLI's back count from zero. */
	mif_counters_reset();
	mif_counters[1].drop[MIF_DROP_NO_ROUTE] = 2;
	o = run("show stats exact");
	CHECK(strstr(o, "total              2\n") != NULL);
}

static void
neigh_put(const char *ip, uint16_t port, const struct rte_ether_addr *mac,
	  enum mif_neigh_state st)
{
	struct mif_neigh_key k;
	struct mif_addr a;
	bool created;
	int slot;

	CHECK_EQ(mif_addr_parse(ip, &a), 0);
	mif_neigh_key_make(&k, &a, port);
	slot = mif_neigh_add(mif_state.neigh, &k, 0, &created);
	CHECK(slot >= 0);
	mif_neigh_set(mif_state.neigh, slot, mif_neigh_word(mac, st));
}

static void
test_neighbors(void)
{
	static const struct rte_ether_addr m1 = { { 2, 0, 0, 0, 0, 0xaa } };
	static const struct rte_ether_addr m2 = { { 2, 0, 0, 0, 0, 0xbb } };
	static const struct rte_ether_addr none = { { 0 } };
	const char *o;

	mif_state.neigh = NULL;
	CHECK(strstr(run("show neighbors"), "% no neighbour table") != NULL);
	CHECK_EQ(mif_state_rcu_init(1), 0);
	mif_state.neigh = mif_neigh_table_create("t_cli_neigh", mif_state.qsbr);
	CHECK(mif_state.neigh != NULL);
	CHECK(strstr(run("show neighbors"), "0 entries") != NULL);
	neigh_put("192.0.2.254", 0, &m1, MIF_NEIGH_STATIC);
	neigh_put("2001:db8:1::2", 0, &m2, MIF_NEIGH_REACHABLE);
	neigh_put("198.51.100.7", 1, &none, MIF_NEIGH_INCOMPLETE);
	o = run("sh nei");
	CHECK(strstr(o, "address        port         mac                "
		     "state\n") != NULL);
	CHECK(strstr(o, "192.0.2.254    lan          02:00:00:00:00:AA  "
		     "static\n") != NULL);
	CHECK(strstr(o, "2001:db8:1::2  lan          02:00:00:00:00:BB  "
		     "reachable\n") != NULL);
	CHECK(strstr(o, "198.51.100.7   wlan-uplink  -                  "
		     "incomplete\n") != NULL);
	CHECK(strstr(o, "3 entries\n") != NULL);
	mif_neigh_table_destroy(mif_state.neigh);
	mif_state.neigh = NULL;
	mif_state_rcu_fini();
}

int
main(void)
{
	char prefix[32], rundir[256];
	/* The neighbour table is an rte_hash: it needs the EAL, without
	 * hugepages. DPDK 22.11 refuses --in-memory with --no-huge, so a
	 * per-process prefix and --no-shconf keep runs apart. */
	char *eal[] = { "test_cli_dp", "--no-huge", "-m", "64",
			"--no-shconf", "--no-pci", "-l", "0", "--log-level",
			"*:error", "--no-telemetry", "--file-prefix", prefix,
			NULL };

	snprintf(prefix, sizeof(prefix), "test_cli_dp_%d", (int)getpid());
	CHECK(rte_eal_init((int)RTE_DIM(eal) - 1, eal) >= 0);
	CHECK_EQ(mif_cli_cmds_dp_register(), 0);
	setup();
	test_show();
	test_clear();
	test_neighbors();
	/* --no-shconf still leaves an empty runtime directory behind. */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	CHECK_DONE();
}
