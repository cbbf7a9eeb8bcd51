/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ROUTE_H
#define MIF_ROUTE_H

/** @file
 * Routing tables: an rte_fib (IPv4, DIR-24-8) and an rte_fib6 (trie)
 * whose next-hop values index a next-hop array. Built whole by the
 * control thread and published through mif_state.routes; workers only
 * read it. Entry 0 is "no route" (the FIBs' default), entry 1 "local"
 * (an address of the gateway itself), entry 2 "broadcast" (the
 * broadcast address of a connected IPv4 subnet, never forwarded).
 */

#include <stdint.h>

#include "common/addr.h"
#include "common/cfg.h"

struct rte_fib;
struct rte_fib6;
struct mif_port;

enum mif_nh_kind {
	MIF_NH_NONE = 0,	/**< no route: ICMP unreachable */
	MIF_NH_LOCAL,		/**< to the gateway itself */
	MIF_NH_CONNECTED,	/**< on-link: the destination is the next hop */
	MIF_NH_GATEWAY,		/**< via a router on a port */
	MIF_NH_BCAST,		/**< a connected subnet's broadcast: dropped */
};

#define MIF_NH_IDX_NONE		0
#define MIF_NH_IDX_LOCAL	1
#define MIF_NH_IDX_BCAST	2
#define MIF_NH_IDX_FIRST	3	/* first one of connected/gateway */

struct mif_nh {
	uint8_t kind;		/**< enum mif_nh_kind */
	uint16_t port;		/**< index into mif_ports */
	struct mif_addr gw;	/**< MIF_NH_GATEWAY only */
};

struct mif_route_table {
	struct rte_fib *fib4;
	struct rte_fib6 *fib6;
	struct mif_nh *nh;	/**< n_nh entries */
	unsigned int n_nh;
	unsigned int n_routes;	/**< prefixes added, both families */
};

/**
 * Build the tables from the ports' addresses (local host routes and
 * connected prefixes, plus the IPv6 link-local of each port) and the
 * configured routes. @p name makes the DPDK object names unique.
 * @return the table, or NULL (logged).
 */
struct mif_route_table *mif_route_table_create(const struct mif_cfg *cfg,
		const struct mif_port *ports, unsigned int n_ports,
		const char *name);

void mif_route_table_destroy(struct mif_route_table *rt);

/** Look up one destination (control path). @return a next-hop index. */
uint32_t mif_route_lookup(const struct mif_route_table *rt,
			  const struct mif_addr *dst);

#endif
