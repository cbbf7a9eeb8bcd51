/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "common/log.h"
#include "common/state.h"
#include "control/arp.h"
#include "control/ctl.h"
#include "control/icmp.h"
#include "control/ike_daemon.h"
#include "control/resolve.h"
#include "control/telemetry.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"

#define CTL_BURST	32
#define CTL_IDLE_US	200	/* sleep when the punt ring was empty */
#define CTL_IDLE_LONG_US 1000	/* ... and after CTL_IDLE_ROUNDS such */
#define CTL_IDLE_ROUNDS	100
#define CTL_TIMER_HZ	10	/* resolver timer ticks a second */

struct mif_ctl mif_ctl;

void
mif_ctl_drop(struct rte_mbuf *m, enum mif_drop why)
{
	mif_ctl.cnt->drop[why]++;
	rte_pktmbuf_free(m);
}

void
mif_ctl_bad(struct rte_mbuf *m, uint16_t port, const char *what)
{
	uint32_t len = m->pkt_len;

	mif_ctl_drop(m, MIF_DROP_CTL_BAD);
	if (!rte_log_can_log(mif_logtype_ctl, RTE_LOG_DEBUG))
		return;
	if (!mif_ratelimit_take(&mif_ctl.log_rl, rte_get_tsc_cycles())) {
		mif_ctl.log_suppressed++;
		return;
	}
	if (mif_ctl.log_suppressed > 0) {
		MIF_LOG(ctl, DEBUG, "%" PRIu64 " lines about bad input suppressed",
			mif_ctl.log_suppressed);
		mif_ctl.log_suppressed = 0;
	}
	MIF_LOG(ctl, DEBUG, "port %s: %s (%u bytes): dropped",
		port < mif_n_ports ? mif_ports[port].name : "?", what, len);
}

struct rte_mbuf *
mif_ctl_alloc(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mif_ctl.pool);

	if (m == NULL)
		mif_ctl.cnt->drop[MIF_DROP_NO_MBUF]++;
	return m;
}

void
mif_ctl_tx(uint16_t port, struct rte_mbuf *m)
{
	const struct mif_port *p = &mif_ports[port];
	uint32_t len = m->pkt_len;

	if (rte_eth_tx_burst(p->port_id, p->ctl_txq, &m, 1) != 1) {
		mif_ctl_drop(m, MIF_DROP_TX_FULL);
		return;
	}
	mif_ctl.cnt->port[port].tx_packets++;
	mif_ctl.cnt->port[port].tx_bytes += len;
}

void
mif_ctl_ip_addrs(struct rte_mbuf *m, struct mif_addr *src,
		 struct mif_addr *dst)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip4 = (const struct rte_ipv4_hdr *)p;
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)p;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if ((p[0] >> 4) == 4) {
		src->family = dst->family = AF_INET;
		src->v4 = ip4->src_addr;
		dst->v4 = ip4->dst_addr;
	} else {
		src->family = dst->family = AF_INET6;
		memcpy(src->v6, ip6->src_addr, 16);
		memcpy(dst->v6, ip6->dst_addr, 16);
	}
}

void
mif_ctl_ip_output(struct rte_mbuf *m)
{
	const struct mif_route_table *rt = mif_state.routes;
	struct mif_addr src, dst;
	const struct mif_nh *e;

	mif_ctl_ip_addrs(m, &src, &dst);
	/* Link-local destinations have no route: they are on the link
	 * the packet that we answer came from. */
	if (dst.family == AF_INET6 && dst.v6[0] == 0xfe &&
	    (dst.v6[1] & 0xc0) == 0x80) {
		mif_resolve_output(m, mif_punt_meta(m)->in_port, &dst);
		return;
	}
	e = &rt->nh[mif_route_lookup(rt, &dst)];
	switch (e->kind) {
	case MIF_NH_CONNECTED:
		mif_resolve_output(m, e->port, &dst);
		break;
	case MIF_NH_GATEWAY:
		mif_resolve_output(m, e->port, &e->gw);
		break;
	case MIF_NH_LOCAL:
		mif_ctl_drop(m, MIF_DROP_LOCAL_UNHANDLED);
		break;
	case MIF_NH_BCAST:
		mif_ctl_drop(m, MIF_DROP_MCAST);
		break;
	default:
		mif_ctl_drop(m, MIF_DROP_NO_ROUTE);
		break;
	}
}

static void
ctl_local_input(struct rte_mbuf *m, const struct mif_punt_meta *pm)
{
	if (pm->family == AF_INET)
		mif_icmp4_local_input(m, pm->in_port);
	else
		mif_icmp6_local_input(m, pm->in_port);
}

/* One punted packet. Every branch consumes @p m. */
static void
ctl_punt_input(struct rte_mbuf *m)
{
	const struct mif_punt_meta *pm = mif_punt_meta(m);

	/* Parsers below read the first segment only. */
	if (rte_pktmbuf_linearize(m) != 0 || pm->in_port >= mif_n_ports) {
		mif_ctl_bad(m, pm->in_port, "cannot linearize, or unknown port");
		return;
	}
	switch (pm->reason) {
	case MIF_PUNT_ARP:
		mif_arp_input(m, pm->in_port);
		break;
	case MIF_PUNT_LOCAL:
		ctl_local_input(m, pm);
		break;
	case MIF_PUNT_TTL:
		mif_icmp_error_time_exceeded(m);
		mif_ctl_drop(m, MIF_DROP_TTL_EXCEEDED);
		break;
	case MIF_PUNT_NO_ROUTE:
		mif_icmp_error_unreach_net(m);
		mif_ctl_drop(m, MIF_DROP_NO_ROUTE);
		break;
	case MIF_PUNT_MTU:
		mif_icmp_error_too_big(m, pm->aux);
		mif_ctl_drop(m, MIF_DROP_MTU_EXCEEDED);
		break;
	case MIF_PUNT_NEIGH:
		mif_ctl_ip_output(m);
		break;
	default:
		mif_ctl_bad(m, pm->in_port, "unknown punt reason");
		break;
	}
}

void
mif_ctl_counters_print(void)
{
	const char *names[MIF_MAX_PORTS];
	struct rte_eth_stats st;
	unsigned int i;

	/* The NIC's own drops (ring full, no mbuf) are invisible to the
	 * workers' counters; ethdev stats are read here, never on a
	 * worker, since some PMDs take locks or syscalls for them. */
	for (i = 0; i < mif_n_ports; i++) {
		names[i] = mif_ports[i].name;
		memset(&st, 0, sizeof(st));
		mif_counters_hw[i].valid =
			rte_eth_stats_get(mif_ports[i].port_id, &st) == 0;
		mif_counters_hw[i].rx_missed = st.imissed;
		mif_counters_hw[i].rx_nombuf = st.rx_nombuf;
	}
	mif_counters_print(stdout, names, mif_n_ports);
}

unsigned int
mif_ctl_poll(void)
{
	static uint64_t next_tick;
	struct rte_mbuf *pkts[CTL_BURST];
	unsigned int n, i;
	uint64_t now;

	n = rte_ring_sc_dequeue_burst(mif_state.punt, (void **)pkts,
				      CTL_BURST, NULL);
	for (i = 0; i < n; i++)
		ctl_punt_input(pkts[i]);

	now = rte_get_tsc_cycles();
	if (now >= next_tick) {
		mif_resolve_timer(now);
		mif_telemetry_link_check(now);
		mif_ctl_sa_events_poll();
		if (mif_ctl.cli_tick != NULL)
			mif_ctl.cli_tick(now);
		mif_ike_daemon_timer(now);
		next_tick = now + mif_ctl.hz / CTL_TIMER_HZ;
	}
	if (mif_ctl.dump_requested) {
		mif_ctl.dump_requested = 0;
		mif_ctl_counters_print();
	}
	return n;
}

static unsigned int
cli_poll(void)
{
	if (mif_ctl.cli_poll == NULL)
		return 0;
	return (unsigned int)mif_ctl.cli_poll(mif_ctl.cli);
}

void
mif_ctl_run(void)
{
	unsigned int idle = 0;

	/* Short naps while traffic may be near, longer ones once the ring
	 * has stayed empty for a while: an idle gateway costs ~1% CPU. */
	while (!mif_state_quitting()) {
		/* CLI work counts as activity: a session being served gets
		 * the short naps, so its output is not paced at 1 ms. */
		if (mif_ctl_poll() + cli_poll() > 0) {
			idle = 0;
			continue;
		}
		if (idle < CTL_IDLE_ROUNDS)
			idle++;
		rte_delay_us_sleep(idle < CTL_IDLE_ROUNDS ? CTL_IDLE_US :
				   CTL_IDLE_LONG_US);
	}
}

int
mif_ctl_init(const struct mif_cfg *cfg, struct rte_mempool *pool)
{
	uint64_t burst = cfg->icmp_rate > 0 ? cfg->icmp_rate : 1;

	mif_ctl.cnt = mif_counters_self();
	mif_ctl.pool = pool;
	mif_ctl.hz = rte_get_tsc_hz();
	/* A second's worth of errors may go at once, then icmp_rate/s. */
	mif_ratelimit_init(&mif_ctl.icmp_rl, cfg->icmp_rate, burst,
			   mif_ctl.hz, rte_get_tsc_cycles());
	/* STYLE.md: a burst of 5 lines, then 1 a second. */
	mif_ratelimit_init(&mif_ctl.log_rl, 1, 5, mif_ctl.hz,
			   rte_get_tsc_cycles());
	return mif_resolve_init(cfg);
}

void
mif_ctl_fini(void)
{
	mif_resolve_fini();
}
