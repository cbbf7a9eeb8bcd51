/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for everything that reads a received frame: the
 * worker's Ethernet/IPv4/IPv6 checks and routing (dataplane/fwd.c), then
 * the control thread's ARP, ND and ICMP parsers and the resolver for
 * whatever the worker punted. Two net_ring ports; one static and one
 * learned neighbour keep the forwarding branches reachable.
 *
 * Input: byte 0 picks the arrival port (bit 0) and whether the
 * destination MAC is replaced by that port's own MAC (bit 1, so that
 * unicast frames are not all filtered); the rest is the frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "common/state.h"
#include "control/cli.h"
#include "control/ctl.h"
#include "control/ike_daemon.h"
#include "control/ike_io.h"
#include "control/resolve.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The control thread also serves the CLI, the IKE daemon, SA events and
 * interface-set link events. This harness runs none of them (no CLI, no
 * daemon, no SAD, no SAs), so these stand in for the real functions with
 * the answers those give in that state: nothing to do, not for IKE.
 */
int
mif_cli_poll(struct mif_cli *cli)
{
	(void)cli;
	return 0;
}

void
mif_cli_paths_tick(uint64_t now_tsc)
{
	(void)now_tsc;
}

unsigned int
mif_ctl_sa_events_poll(void)
{
	return 0;
}

void
mif_ike_daemon_timer(uint64_t now_tsc)
{
	(void)now_tsc;
}

bool
mif_ike_io_input(struct rte_mbuf *m, uint16_t port)
{
	(void)m;
	(void)port;
	return false;
}

unsigned int
mif_ifset_link_event(const struct mif_port *p, bool up)
{
	(void)p;
	(void)up;
	return 0;
}

static struct rte_mempool *pool;
static struct mif_fwd_ctx ctx;
static struct mif_cfg cfg;
static struct rte_ring *rings[2][2];

static void
cfg_port(unsigned int i, const char *a4, const char *a6)
{
	struct mif_cfg_port *p = &cfg.ports[i];

	snprintf(p->name, sizeof(p->name), "p%u", i);
	snprintf(p->dev, sizeof(p->dev), "net_ring%u", i);
	p->is_vdev = true;
	p->mtu = 1400;
	if (mif_prefix_parse(a4, &p->addrs[0], true, false) != 0 ||
	    mif_prefix_parse(a6, &p->addrs[1], true, false) != 0)
		abort();
	p->n_addrs = 2;
}

static void
static_neigh(const char *ip, uint16_t port)
{
	static const struct rte_ether_addr mac = {{ 2, 0, 0, 0, 1, 1 }};
	struct mif_neigh_key k;
	struct mif_addr a;
	bool created;

	if (mif_addr_parse(ip, &a) != 0)
		abort();
	mif_neigh_key_make(&k, &a, port);
	if (mif_neigh_add(mif_state.neigh, &k,
			  mif_neigh_word(&mac, MIF_NEIGH_STATIC), &created) < 0)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct mif_cfg_route route;
	char *eal[] = { "fuzz_fwd", "--no-huge", "-m", "256", "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0", "--log-level",
			"*:crit", "--file-prefix", "fuzz_fwd" };
	char name[RTE_RING_NAMESIZE];
	int i, q;

	(void)argc;
	(void)argv;
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fz", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	cfg_port(0, "192.0.2.1/24", "2001:db8:1::1/64");
	cfg_port(1, "198.51.100.1/24", "2001:db8:2::1/64");
	cfg.n_ports = 2;
	if (mif_prefix_parse("10.0.0.0/8", &route.dst, false, false) != 0 ||
	    mif_addr_parse("198.51.100.254", &route.via) != 0)
		abort();
	route.has_via = true;
	route.port = 1;
	cfg.routes = &route;
	cfg.n_routes = 1;
	cfg.icmp_rate = 1000000;
	cfg.neigh_queue_len = 4;
	cfg.neigh_timeout_s = 300;
	if (pool == NULL || mif_state_rcu_init(1) != 0 ||
	    mif_punt_init(64) != 0 ||
	    mif_port_setup_all(&cfg, pool, 1) != 0)
		abort();
	for (i = 0; i < 2; i++)
		for (q = 0; q < 2; q++) {
			snprintf(name, sizeof(name), "ETH_RXTX%d_net_ring%d",
				 q, i);
			if ((rings[i][q] = rte_ring_lookup(name)) == NULL)
				abort();
		}
	mif_state.routes = mif_route_table_create(&cfg, mif_ports, 2, "fz");
	mif_state.neigh = mif_neigh_table_create("fz_neigh", mif_state.qsbr);
	if (mif_state.routes == NULL || mif_state.neigh == NULL ||
	    mif_ctl_init(&cfg, pool) != 0)
		abort();
	static_neigh("198.51.100.254", 1);
	static_neigh("2001:db8:2::fe", 1);
	rte_rcu_qsbr_thread_register(mif_state.qsbr, 0);
	rte_rcu_qsbr_thread_online(mif_state.qsbr, 0);
	ctx.cnt = &mif_counters[0];
	return 0;
}

static void
drain(void)
{
	struct rte_mbuf *m;
	int i, q;

	for (i = 0; i < 2; i++)
		for (q = 0; q < 2; q++)
			while (rte_ring_dequeue(rings[i][q], (void **)&m) == 0)
				rte_pktmbuf_free(m);
}

static void
expire_all(void)
{
	static uint64_t later;
	int i;

	/* An ICMP error about a dropped packet may itself wait for its
	 * sender to resolve: two rounds of retries. */
	for (i = 0; i < 2 * (MIF_RESOLVE_TRIES + 1); i++) {
		later += 1000 * rte_get_tsc_hz();
		mif_resolve_timer(rte_get_tsc_cycles() + later);
		drain();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t port;
	struct rte_mbuf *m;
	uint8_t *p;

	if (size < 1 || size - 1 > RTE_MBUF_DEFAULT_DATAROOM)
		return 0;
	port = data[0] & 1;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL) {
		/* Packets waiting for next hops that never answer hold the
		 * pool: let every resolution time out, then try again. */
		expire_all();
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			abort();	/* a leak in the code under test */
	}
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(size - 1));
	if (p == NULL && size > 1)
		abort();
	memcpy(p, data + 1, size - 1);
	if ((data[0] & 2) && size - 1 >= RTE_ETHER_ADDR_LEN)
		memcpy(p, mif_ports[port].mac.addr_bytes, RTE_ETHER_ADDR_LEN);

	mif_fwd_burst(&ctx, port, &m, 1);
	mif_fwd_flush(&ctx);
	while (mif_ctl_poll() > 0)
		;
	rte_rcu_qsbr_quiescent(mif_state.qsbr, 0);
	drain();
	/* FUZZ_FWD_LEAKS=1: every input must give all its mbufs back once
	 * pending resolutions are over (slow; for reproducing leaks). */
	if (getenv("FUZZ_FWD_LEAKS") != NULL) {
		expire_all();
		if (rte_mempool_in_use_count(pool) != 0) {
			fprintf(stderr, "fuzz_fwd: %u mbufs leaked\n",
				rte_mempool_in_use_count(pool));
			abort();
		}
	}
	return 0;
}
