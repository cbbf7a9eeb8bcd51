/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The /mifgw/ telemetry endpoints over the real telemetry socket, against
 * port, worker and counter state set by hand. Replies are compared as
 * exact JSON text, so every value and its place are checked.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "common/cfg.h"
#include "common/counters.h"
#include "common/state.h"
#include "control/telemetry.h"
#include "dataplane/port.h"
#include "tests/unit/check.h"

static int sock = -1;
static char reply[64 * 1024];

static const char *
path_of_socket(const char *rundir)
{
	static char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(path, sizeof(path), "%.80s/dpdk_telemetry.v2", rundir);
	return path;
}

static void
tel_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ssize_t n;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
		 path_of_socket(rte_eal_get_runtime_dir()));
	sock = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(sock >= 0);
	CHECK_EQ(connect(sock, (struct sockaddr *)&sun, sizeof(sun)), 0);
	/* The greeting: version, pid, max_output_len. */
	n = recv(sock, reply, sizeof(reply) - 1, 0);
	CHECK(n > 0);
}

static const char *
get(const char *cmd)
{
	ssize_t n;

	CHECK_EQ(send(sock, cmd, strlen(cmd), 0), (long long)strlen(cmd));
	n = recv(sock, reply, sizeof(reply) - 1, 0);
	CHECK(n > 0);
	reply[n] = '\0';
	return reply;
}

static void
setup_state(void)
{
	struct mif_port *p = &mif_ports[0];

	memset(mif_ports, 0, sizeof(mif_ports));
	snprintf(p->name, sizeof(p->name), "lan");
	p->role = MIF_PORT_PROTECTED;
	p->mtu = 1500;
	p->n_rxq = 3;
	p->n_txq = 3;
	p->mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 1 } };
	CHECK_EQ(mif_prefix_parse("192.0.2.1/24", &p->addrs[0], true, false),
		 0);
	p->n_addrs = 1;
	mif_port_derive_ll6(p);

	p = &mif_ports[1];
	snprintf(p->name, sizeof(p->name), "wlan-1");
	p->role = MIF_PORT_UNPROTECTED;
	p->mtu = 1400;
	p->n_rxq = 2;
	p->n_txq = 3;
	p->port_id = 7;		/* no such ethdev: its link is unknown */
	/* No address and no link-local one: the port lists none. */
	p->started = true;
	mif_n_ports = 2;

	mif_state.n_workers = 2;
	mif_state.worker_lcores[0] = 1;
	mif_state.worker_lcores[1] = 2;

	mif_counters[1].port[0].rx_packets = 1000;
	mif_counters[2].port[0].rx_packets = 234;
	mif_counters[1].port[0].rx_bytes = 3400000000ull;
	mif_counters[2].port[1].tx_packets = 5;
	mif_counters[2].port[1].tx_bytes = 1536;
	mif_counters[1].drop[MIF_DROP_NO_ROUTE] = 12;
	mif_counters[0].drop[MIF_DROP_NO_ROUTE] = 30;
	mif_counters[2].drop[MIF_DROP_BAD_CSUM] = 1;
	mif_counters[0].ctl[MIF_CTL_ARP_REPLY_SENT] = 5;
}

static void
test_listing(void)
{
	const char *r = get("/");

	CHECK(strstr(r, "\"/mifgw/version\"") != NULL);
	CHECK(strstr(r, "\"/mifgw/ports\"") != NULL);
	CHECK(strstr(r, "\"/mifgw/stats\"") != NULL);
	CHECK(strstr(r, "\"/mifgw/workers\"") != NULL);
	CHECK(strstr(get("/help,/mifgw/stats"), "Param: port name") != NULL);
}

static void
test_version(void)
{
	char want[128];
	const char *r = get("/mifgw/version");

	CHECK(strstr(r, "{\"/mifgw/version\":{\"version\":\"" MIF_VERSION
		     "\",\"dpdk\":\"DPDK ") != NULL);
	snprintf(want, sizeof(want), "\"pid\":%d,", (int)getpid());
	CHECK(strstr(r, want) != NULL);
	CHECK(strstr(r, "\"config\":\"/etc/mifgw/unit.cfg\",\"ports\":2,"
		     "\"workers\":2}}") != NULL);
}

static void
test_ports(void)
{
	CHECK_STR(get("/mifgw/ports"),
		  "{\"/mifgw/ports\":{"
		  "\"name\":[\"lan\",\"wlan-1\"],"
		  "\"role\":[\"protected\",\"unprotected\"],"
		  "\"link\":[\"stopped\",\"unknown\"],"
		  "\"mtu\":[1500,1400],"
		  "\"mac\":[\"02:00:00:00:00:01\",\"00:00:00:00:00:00\"],"
		  "\"addresses\":[\"lan 192.0.2.1/24\","
		  "\"lan fe80::ff:fe00:1/64\"]}}");
	CHECK_STR(get("/mifgw/ports,lan"),
		  "{\"/mifgw/ports\":{\"name\":\"lan\",\"port_id\":0,"
		  "\"role\":\"protected\",\"mac\":\"02:00:00:00:00:01\","
		  "\"mtu\":1500,\"link\":\"stopped\",\"speed_mbps\":0,"
		  "\"duplex\":\"unknown\",\"rx_queues\":3,\"tx_queues\":3,"
		  "\"addresses\":[\"192.0.2.1/24\",\"fe80::ff:fe00:1/64\"]}}");
}

static void
test_stats(void)
{
	const char *r = get("/mifgw/stats");

	CHECK(strstr(r, "{\"/mifgw/stats\":{\"ports\":[\"lan\",\"wlan-1\"],"
		     "\"rx\":[1234,0],\"rx_bytes\":[3400000000,0],"
		     "\"tx\":[0,5],\"tx_bytes\":[0,1536],"
		     "\"drop/bad_len\":0,") != NULL);
	CHECK(strstr(r, "\"drop/bad_csum\":1,") != NULL);
	CHECK(strstr(r, "\"drop/no_route\":42,") != NULL);
	CHECK(strstr(r, "\"drops\":43,\"ctl/punted\":0,") != NULL);
	CHECK(strstr(r, "\"ctl/arp_reply_sent\":5,") != NULL);
	CHECK_STR(get("/mifgw/stats,wlan-1"),
		  "{\"/mifgw/stats\":{\"name\":\"wlan-1\",\"rx\":0,"
		  "\"rx_bytes\":0,\"tx\":5,\"tx_bytes\":1536}}");

	/* A worker counts on: the next read sees it. */
	mif_counters[2].port[1].tx_packets++;
	CHECK(strstr(get("/mifgw/stats,wlan-1"), "\"tx\":6,") != NULL);
	mif_counters[2].port[1].tx_packets--;
}

static void
test_workers(void)
{
	/* 2 workers: lan's queues 0,2 and wlan-1's 0 go to worker 0 on
	 * lcore 1, lan:1 and wlan-1:1 to worker 1 on lcore 2. */
	CHECK_STR(get("/mifgw/workers"),
		  "{\"/mifgw/workers\":{\"lcore\":[0,1,2],"
		  "\"role\":[\"control\",\"worker\",\"worker\"],"
		  "\"n_rx_queues\":[0,3,2],"
		  "\"rx\":[0,1000,234],\"tx\":[0,0,5],\"drops\":[30,12,1],"
		  "\"rx_queues\":[\"1 lan:0\",\"1 lan:2\",\"1 wlan-1:0\","
		  "\"2 lan:1\",\"2 wlan-1:1\"]}}");
	CHECK_STR(get("/mifgw/workers,2"),
		  "{\"/mifgw/workers\":{\"lcore\":2,\"role\":\"worker\","
		  "\"rx\":234,\"tx\":5,\"drops\":1,\"index\":1,"
		  "\"rx_queues\":[\"lan:1\",\"wlan-1:1\"]}}");
	CHECK_STR(get("/mifgw/workers,0"),
		  "{\"/mifgw/workers\":{\"lcore\":0,\"role\":\"control\","
		  "\"rx\":0,\"tx\":0,\"drops\":30}}");
}

static void
test_bad_params(void)
{
	static const char *const bad[] = {
		"/mifgw/ports,wan", "/mifgw/ports,LAN", "/mifgw/stats,lan ",
		"/mifgw/workers,3", "/mifgw/workers,1x", "/mifgw/workers,-1",
		"/mifgw/workers, 1", "/mifgw/workers,18446744073709551617",
	};
	char want[128];
	size_t i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(want, sizeof(want), "{\"%.*s\":null}",
			 (int)strcspn(bad[i], ","), bad[i]);
		CHECK_STR(get(bad[i]), want);
	}
}

int
main(void)
{
	static struct mif_cfg cfg;
	static char prefix[32], rundir[PATH_MAX];
	char *eal[] = { "test_telemetry", "--no-huge", "-m", "64",
			"--no-shconf", "--no-pci", "-l", "0",
			"--log-level", "*:error", "--file-prefix", prefix,
			NULL };

	/* The telemetry socket needs a runtime directory of our own. */
	snprintf(prefix, sizeof(prefix), "mifut-tel-%d", (int)getpid());
	CHECK(rte_eal_init((int)RTE_DIM(eal) - 1, eal) >= 0);
	setup_state();
	snprintf(cfg.path, sizeof(cfg.path), "/etc/mifgw/unit.cfg");
	CHECK_EQ(mif_telemetry_init(&cfg), 0);
	/* The endpoints exist once: a second registration is refused. */
	CHECK(mif_telemetry_init(&cfg) != 0);
	/* A poll before a second has passed touches no port. */
	mif_telemetry_link_check(0);

	tel_connect();
	test_listing();
	test_version();
	test_ports();
	test_stats();
	test_workers();
	test_bad_params();
	close(sock);

	/* DPDK unlinks the socket at exit but leaves the directory. */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (unlink(path_of_socket(rundir)) != 0 && errno != ENOENT)
		perror("unlink telemetry socket");
	if (rmdir(rundir) != 0 && errno != ENOTEMPTY)
		perror(rundir);
	CHECK_DONE();
}
