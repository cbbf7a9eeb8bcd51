/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_PORT_H
#define MIF_PORT_H

/** @file
 * Gateway ports: one ethdev per configured port. Each port has one RX
 * queue per worker (more when the device forces them, e.g. af_packet
 * qpairs; workers then share them out round robin) and one TX queue per
 * worker plus one for the control thread, so no TX queue is shared.
 * The port array is filled before the workers start and is read-only
 * afterwards.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "common/cfg.h"
#include "common/counters.h"

struct rte_mempool;

struct mif_port {
	char name[MIF_NAME_LEN];
	uint16_t port_id;		/**< ethdev port id */
	uint16_t mtu;			/**< IP MTU */
	uint16_t n_rxq;
	uint16_t n_txq;
	uint16_t ctl_txq;		/**< the control thread's TX queue */
	enum mif_port_role role;
	struct rte_ether_addr mac;
	struct mif_prefix addrs[MIF_CFG_MAX_PORT_ADDRS];
	unsigned int n_addrs;
	struct mif_addr ll6;		/**< fe80:: from the MAC (EUI-64) */
	bool started;
};

extern struct mif_port mif_ports[MIF_MAX_PORTS];
extern unsigned int mif_n_ports;

/** Port index (into mif_ports) by ethdev port id; -1 when unknown. */
extern int8_t mif_port_index_by_id[RTE_MAX_ETHPORTS];

/**
 * Probe, configure and start every configured port, with @p n_workers
 * worker TX queues plus one control TX queue each.
 * @return 0 or -errno (logged); ports already started stay started.
 */
int mif_port_setup_all(const struct mif_cfg *cfg, struct rte_mempool *mp,
		       unsigned int n_workers);

/** Stop and close every started port. */
void mif_port_close_all(void);

/** Link state from the driver, without waiting. */
bool mif_port_link_up(unsigned int idx);

/**
 * Fill the fields of @p p derived from its MAC (the IPv6 link-local
 * address), for ports created by mif_port_setup_all() and by tests.
 */
void mif_port_derive_ll6(struct mif_port *p);

/**
 * Does @p a belong to port @p p (any configured address or the
 * link-local one)?
 */
bool mif_port_has_addr(const struct mif_port *p, const struct mif_addr *a);

/**
 * Pick the source address for traffic from port @p p towards @p dst:
 * an address whose prefix contains @p dst, else the first of that
 * family, else (IPv6) the link-local one.
 * @return 0, or -ENOENT when the port has no address of that family.
 */
int mif_port_src_addr(const struct mif_port *p, const struct mif_addr *dst,
		      struct mif_addr *src);

/**
 * Append ",qpairs=N" to an af_packet vdev string that sets none, so the
 * device offers @p nq queues. Other strings are copied unchanged.
 * @return 0, or -ENAMETOOLONG.
 */
int mif_port_dev_args(const char *dev, unsigned int nq, char *out,
		      size_t len);

#endif
