/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>

#include "common/log.h"
#include "dataplane/port.h"

#define PORT_RX_DESC	1024
#define PORT_TX_DESC	1024

struct mif_port mif_ports[MIF_MAX_PORTS];
unsigned int mif_n_ports;
int8_t mif_port_index_by_id[RTE_MAX_ETHPORTS];

static bool
dev_is_af_packet(const char *dev)
{
	return strncmp(dev, "net_af_packet", 13) == 0 ||
	       strncmp(dev, "eth_af_packet", 13) == 0;
}

int
mif_port_dev_args(const char *dev, unsigned int nq, char *out, size_t len)
{
	int n;

	/* af_packet opens one fanout socket per queue pair at probe time
	 * and hashes received frames over all of them, so the queue count
	 * must be fixed in the device string, not at configure time. */
	if (dev_is_af_packet(dev) && strstr(dev, "qpairs=") == NULL)
		n = snprintf(out, len, "%s,qpairs=%u", dev, nq);
	else
		n = snprintf(out, len, "%s", dev);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void
mif_port_derive_ll6(struct mif_port *p)
{
	uint8_t *a = p->ll6.v6;
	const uint8_t *m = p->mac.addr_bytes;

	/* RFC 4291 appendix A: modified EUI-64 interface identifier. */
	memset(&p->ll6, 0, sizeof(p->ll6));
	p->ll6.family = AF_INET6;
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = m[0] ^ 0x02;
	a[9] = m[1];
	a[10] = m[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = m[3];
	a[14] = m[4];
	a[15] = m[5];
}

bool
mif_port_has_addr(const struct mif_port *p, const struct mif_addr *a)
{
	unsigned int i;

	for (i = 0; i < p->n_addrs; i++)
		if (mif_addr_eq(&p->addrs[i].addr, a))
			return true;
	return a->family == AF_INET6 && mif_addr_eq(&p->ll6, a);
}

int
mif_port_src_addr(const struct mif_port *p, const struct mif_addr *dst,
		  struct mif_addr *src)
{
	const struct mif_addr *first = NULL;
	unsigned int i;

	for (i = 0; i < p->n_addrs; i++) {
		if (p->addrs[i].addr.family != dst->family)
			continue;
		if (mif_prefix_contains(&p->addrs[i], dst)) {
			*src = p->addrs[i].addr;
			return 0;
		}
		if (first == NULL)
			first = &p->addrs[i].addr;
	}
	/* Link-local peers are answered from the link-local address, and
	 * it is the IPv6 fallback when the port has no global one. */
	if (dst->family == AF_INET6 && p->ll6.family == AF_INET6 &&
	    (first == NULL ||
	     (dst->v6[0] == 0xfe && (dst->v6[1] & 0xc0) == 0x80)))
		first = &p->ll6;
	if (first == NULL)
		return -ENOENT;
	*src = *first;
	return 0;
}

/* Probe the device unless the EAL already did (-a, --vdev), then find
 * its port id by matching the same device string. */
static int
port_probe(const char *devargs, uint16_t *port_id)
{
	struct rte_dev_iterator it;
	uint16_t pid;
	int rc;

	rc = rte_dev_probe(devargs);
	if (rc != 0 && rc != -EEXIST) {
		/* Drivers' probe functions mostly return -1, which is no
		 * errno: their own log line above says why. */
		MIF_LOG(dp, ERR, "dev %s: probe failed: %s", devargs,
			rc == -1 ? "the driver refused the device" :
			strerror(-rc));
		return rc == -1 ? -ENODEV : rc;
	}
	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it) {
		*port_id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	MIF_LOG(dp, ERR, "dev %s: probed, but no ethdev port matches",
		devargs);
	return -ENODEV;
}

static void
port_rss_conf(struct rte_eth_conf *conf, const struct rte_eth_dev_info *di,
	      uint16_t n_rxq)
{
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
		      di->flow_type_rss_offloads;

	if (n_rxq <= 1 || hf == 0)
		return;
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_key = NULL;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
}

/* Queue counts: TX is one per worker plus the control thread's; RX is
 * one per worker, except that af_packet fixes it to its qpairs. */
static int
port_queue_counts(struct mif_port *p, const struct rte_eth_dev_info *di,
		  unsigned int n_workers)
{
	unsigned int need_tx = n_workers + 1;

	if (di->max_tx_queues < need_tx) {
		MIF_LOG(dp, ERR, "port %s: device offers %u TX queues, need %u (one per worker + control); for net_af_packet set qpairs=%u",
			p->name, di->max_tx_queues, need_tx, need_tx);
		return -ENOTSUP;
	}
	if (strcmp(di->driver_name, "net_af_packet") == 0)
		p->n_rxq = di->max_rx_queues;
	else if (strcmp(di->driver_name, "net_tap") == 0)
		/* net_tap refuses RX and TX queue counts that differ; the
		 * workers share the extra RX queue like any other. */
		p->n_rxq = need_tx;
	else
		p->n_rxq = RTE_MIN(n_workers, (unsigned int)di->max_rx_queues);
	p->n_txq = need_tx;
	p->ctl_txq = n_workers;
	return 0;
}

static int
port_queues_setup(struct mif_port *p, struct rte_mempool *mp)
{
	uint16_t nrx = PORT_RX_DESC, ntx = PORT_TX_DESC;
	int socket = rte_eth_dev_socket_id(p->port_id);
	uint16_t q;
	int rc;

	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc != 0)
		return rc;
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, socket, NULL,
					    mp);
		if (rc != 0) {
			MIF_LOG(dp, ERR, "port %s: rx queue %u: %s", p->name,
				q, strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, socket, NULL);
		if (rc != 0) {
			MIF_LOG(dp, ERR, "port %s: tx queue %u: %s", p->name,
				q, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void
solicited_node_mac(const struct mif_addr *a, struct rte_ether_addr *mac)
{
	/* RFC 2464 7: 33:33 + low 32 bits of ff02::1:ffXX:XXXX. */
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	mac->addr_bytes[2] = 0xff;
	mac->addr_bytes[3] = a->v6[13];
	mac->addr_bytes[4] = a->v6[14];
	mac->addr_bytes[5] = a->v6[15];
}

/* Ask for the multicast groups ND needs; devices that filter nothing
 * (af_packet, tap in promiscuous mode) may refuse, which is fine. */
static void
port_mc_setup(struct mif_port *p)
{
	struct rte_ether_addr mc[MIF_CFG_MAX_PORT_ADDRS + 3];
	unsigned int i, n = 0;
	int rc;

	rte_ether_unformat_addr("33:33:00:00:00:01", &mc[n++]);
	rte_ether_unformat_addr("33:33:00:00:00:02", &mc[n++]);
	solicited_node_mac(&p->ll6, &mc[n++]);
	for (i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].addr.family == AF_INET6)
			solicited_node_mac(&p->addrs[i].addr, &mc[n++]);
	rc = rte_eth_dev_set_mc_addr_list(p->port_id, mc, n);
	if (rc != 0 && rc != -ENOTSUP)
		MIF_LOG(dp, WARNING, "port %s: multicast list: %s", p->name,
			strerror(-rc));
}

static int
port_setup(struct mif_port *p, const struct mif_cfg_port *cp,
	   struct rte_mempool *mp, unsigned int n_workers)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info di;
	char devargs[MIF_CFG_DEV_LEN + 16];
	int rc;

	snprintf(p->name, sizeof(p->name), "%s", cp->name);
	p->role = cp->role;
	p->mtu = cp->mtu;
	memcpy(p->addrs, cp->addrs, sizeof(p->addrs));
	p->n_addrs = cp->n_addrs;

	rc = mif_port_dev_args(cp->dev, n_workers + 1, devargs,
			       sizeof(devargs));
	if (rc != 0) {
		MIF_LOG(dp, ERR, "port %s: device string too long", p->name);
		return rc;
	}
	if ((rc = port_probe(devargs, &p->port_id)) != 0)
		return rc;
	if ((rc = rte_eth_dev_info_get(p->port_id, &di)) != 0)
		return rc;
	if ((rc = port_queue_counts(p, &di, n_workers)) != 0)
		return rc;

	memset(&conf, 0, sizeof(conf));
	port_rss_conf(&conf, &di, p->n_rxq);
	rc = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (rc != 0) {
		MIF_LOG(dp, ERR, "port %s: configure %u rx / %u tx queues: %s",
			p->name, p->n_rxq, p->n_txq, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
	if (rc != 0)
		MIF_LOG(dp, WARNING, "port %s: device MTU %u not set (%s); forwarding still enforces it",
			p->name, p->mtu, strerror(-rc));
	if ((rc = port_queues_setup(p, mp)) != 0)
		return rc;
	if ((rc = rte_eth_macaddr_get(p->port_id, &p->mac)) != 0)
		return rc;
	mif_port_derive_ll6(p);
	port_mc_setup(p);

	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		MIF_LOG(dp, ERR, "port %s: start: %s", p->name, strerror(-rc));
		return rc;
	}
	p->started = true;
	return 0;
}

int
mif_port_setup_all(const struct mif_cfg *cfg, struct rte_mempool *mp,
		   unsigned int n_workers)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct mif_port *p;
	unsigned int i;
	int rc;

	memset(mif_port_index_by_id, -1, sizeof(mif_port_index_by_id));
	for (i = 0; i < cfg->n_ports && i < MIF_MAX_PORTS; i++) {
		p = &mif_ports[i];
		rc = port_setup(p, &cfg->ports[i], mp, n_workers);
		mif_n_ports = i + 1;
		if (rc != 0) {
			MIF_LOG(dp, ERR, "port %s (%s): setup failed: %s",
				cfg->ports[i].name, cfg->ports[i].dev,
				strerror(-rc));
			return rc;
		}
		mif_port_index_by_id[p->port_id] = (int8_t)i;
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		MIF_LOG(dp, NOTICE, "port %s: ethdev %u, mac %s, %u rx / %u tx queues, mtu %u",
			p->name, p->port_id, mac, p->n_rxq, p->n_txq, p->mtu);
	}
	return 0;
}

void
mif_port_close_all(void)
{
	struct mif_port *p;
	unsigned int i;
	int rc;

	for (i = 0; i < mif_n_ports; i++) {
		p = &mif_ports[i];
		if (!p->started)
			continue;
		rc = rte_eth_dev_stop(p->port_id);
		if (rc != 0)
			MIF_LOG(dp, WARNING, "port %s: stop: %s", p->name,
				strerror(-rc));
		rte_eth_dev_close(p->port_id);
		p->started = false;
	}
}

bool
mif_port_link_up(unsigned int idx)
{
	struct rte_eth_link link;

	if (idx >= mif_n_ports ||
	    rte_eth_link_get_nowait(mif_ports[idx].port_id, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}
