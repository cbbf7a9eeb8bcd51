/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_COUNTERS_H
#define MIF_COUNTERS_H

/** @file
 * Packet counters: one cache-aligned block per lcore, written only by
 * that lcore with plain (non-atomic) increments, summed when read. A
 * reader on another thread may see a value one update old; counters are
 * 64-bit and aligned, so a read is never torn on x86-64.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_lcore.h>

#define MIF_MAX_PORTS		16	/* == MIF_CFG_MAX_PORTS */

/** Why a packet was dropped. Later subsystems append reasons. */
enum mif_drop {
	MIF_DROP_BAD_LEN,	/**< frame shorter than its headers */
	MIF_DROP_BAD_L2,	/**< ethertype we do not handle */
	MIF_DROP_NOT_FOR_US,	/**< unicast frame to another MAC */
	MIF_DROP_BAD_IP,	/**< IP version, header or total length */
	MIF_DROP_BAD_CSUM,	/**< IPv4 header checksum */
	MIF_DROP_BAD_ADDR,	/**< martian or link-scope address */
	MIF_DROP_MCAST,		/**< multicast/broadcast we do not route */
	MIF_DROP_POLICY,	/**< SPD DISCARD (rule or default) */
	MIF_DROP_NO_ROUTE,
	MIF_DROP_TTL_EXCEEDED,
	MIF_DROP_MTU_EXCEEDED,	/**< larger than the egress MTU */
	MIF_DROP_NEIGH_UNRESOLVED, /**< next hop never answered */
	MIF_DROP_NEIGH_QUEUE_FULL, /**< too many packets waiting */
	MIF_DROP_NEIGH_TABLE_FULL,
	MIF_DROP_PUNT_FULL,	/**< ring to the control thread full */
	MIF_DROP_TX_FULL,	/**< TX queue refused the packet */
	MIF_DROP_NO_MBUF,	/**< control thread could not allocate */
	MIF_DROP_LOCAL_UNHANDLED, /**< to us, but no service for it */
	MIF_DROP_CTL_BAD,	/**< malformed ARP/ND/ICMP to us */
	/* IPsec. The ESP_* block mirrors enum mif_esp_drop, in order
	 * (dataplane/fwd.c checks it at build time). */
	MIF_DROP_NO_SA,		/**< ESP with an SPI we do not know */
	MIF_DROP_NOT_ESP,	/**< UDP 4500 payload neither ESP nor IKE */
	MIF_DROP_ESP_BAD_LEN,	/**< too short for ESP before the SA */
	MIF_DROP_NATT_KEEPALIVE, /**< RFC 3948 2.3, expected: not an error */
	MIF_DROP_ESP_SEGMENTED,
	MIF_DROP_ESP_NO_ROOM,	/**< no head- or tailroom for ESP */
	MIF_DROP_ESP_CRYPTO,	/**< the crypto library refused a job */
	MIF_DROP_ESP_UNSUPPORTED, /**< e.g. IPv6 extension headers */
	MIF_DROP_ESP_DUMMY,	/**< RFC 4303 2.6 dummy packet */
	MIF_DROP_ESP_FRAGMENT,	/**< outer IP fragment */
	MIF_DROP_ESP_SA,	/**< dropped by an SA: see its own counters */
	MIF_DROP_POLICY_CLEAR,	/**< clear packet that a PROTECT rule covers */
	MIF_DROP_POLICY_BADPKT,	/**< the SPD could not read the packet */
	MIF_DROP_MAX
};

/** Control-path events (not drops), printed as "ctl NAME VALUE". */
enum mif_ctl_event {
	MIF_CTL_PUNTED,		/**< packets handed to the control thread */
	MIF_CTL_ARP_REPLY_SENT,
	MIF_CTL_ARP_REQUEST_SENT,
	MIF_CTL_NA_SENT,
	MIF_CTL_NS_SENT,
	MIF_CTL_NEIGH_LEARNED,
	MIF_CTL_NEIGH_EXPIRED,	/**< reachability timed out: now STALE */
	MIF_CTL_NEIGH_LOST,	/**< STALE and silent: removed */
	MIF_CTL_ECHO_REPLY_SENT,
	MIF_CTL_ICMP_ERROR_SENT,
	MIF_CTL_ICMP_RATE_LIMITED,
	MIF_CTL_ND_IGNORED,	/**< RS, RA, redirects: we are no host */
	MIF_CTL_ESP_FRAGMENTED,	/**< inner IPv4 fragmented before ESP */
	MIF_CTL_MAX
};

struct mif_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
};

struct mif_counters {
	struct mif_port_counters port[MIF_MAX_PORTS];
	uint64_t drop[MIF_DROP_MAX];
	uint64_t ctl[MIF_CTL_MAX];
} __rte_cache_aligned;

/** Names for enum mif_drop and enum mif_ctl_event, as printed. */
extern const char *const mif_drop_names[MIF_DROP_MAX];
extern const char *const mif_ctl_event_names[MIF_CTL_MAX];

/** One block per lcore; index with rte_lcore_id() on an EAL thread. */
extern struct mif_counters mif_counters[RTE_MAX_LCORE];

/** The calling EAL thread's block. */
static inline struct mif_counters *
mif_counters_self(void)
{
	return &mif_counters[rte_lcore_id()];
}

/** Add every lcore's block into @p sum (which is zeroed first). */
void mif_counters_sum(struct mif_counters *sum);

/** Zero all blocks; only when no lcore is counting. */
void mif_counters_reset(void);

/**
 * Print the counters block ("=== mifgw counters ===" ... "=== end ===")
 * of the summed counters, naming ports by @p port_names: "port NAME
 * COUNTER N", "drop REASON N", "ctl EVENT N", then "lcore ID rx|tx|drops
 * N" for each lcore that counted anything.
 */
/** What the NIC (ethdev) counts for one port: packets it dropped before
 * the workers saw them. Read by the control thread only. */
struct mif_counters_hw {
	bool valid;		/**< set when the read succeeded */
	uint64_t rx_missed;	/**< rte_eth_stats.imissed */
	uint64_t rx_nombuf;	/**< rte_eth_stats.rx_nombuf */
};

/** Filled by the control thread just before mif_counters_print(); a port
 * whose entry is valid gets "port NAME rx_missed N" and "rx_nombuf N". */
extern struct mif_counters_hw mif_counters_hw[MIF_MAX_PORTS];

/** Lines of other modules (per-SA counters), printed by
 * mif_counters_print() just before "=== end ===" when set. */
extern void (*mif_counters_print_extra)(FILE *f);

void mif_counters_print(FILE *f, const char *const *port_names,
			unsigned int n_ports);

#endif
