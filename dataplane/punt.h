/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_PUNT_H
#define MIF_PUNT_H

/** @file
 * The punt path: workers hand packets they must not handle themselves
 * to the control thread through one multi-producer/single-consumer
 * rte_ring (mif_state.punt). Each packet carries why, in an mbuf dynamic
 * field. A punted mbuf starts at its L3 header (or the ARP header), with
 * l2_len set so the Ethernet header can still be read in front of it.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

enum mif_punt_reason {
	MIF_PUNT_ARP = 1,	/**< any ARP frame */
	MIF_PUNT_LOCAL,		/**< to one of our addresses, or ND multicast */
	MIF_PUNT_TTL,		/**< TTL / hop limit would expire */
	MIF_PUNT_NO_ROUTE,
	MIF_PUNT_NEIGH,		/**< next hop not resolved; aux = nh index */
	MIF_PUNT_MTU,		/**< too big for the egress port; aux = mtu */
};

struct mif_punt_meta {
	uint8_t reason;		/**< enum mif_punt_reason */
	uint8_t family;		/**< AF_INET / AF_INET6, 0 for ARP */
	uint16_t in_port;	/**< index into mif_ports */
	uint32_t aux;
};

extern int mif_punt_meta_offset;

static inline struct mif_punt_meta *
mif_punt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, mif_punt_meta_offset,
				 struct mif_punt_meta *);
}

/**
 * Register the dynamic field and create the ring of @p size slots.
 * @return 0 or -errno (logged).
 */
int mif_punt_init(unsigned int size);

void mif_punt_fini(void);

#endif
