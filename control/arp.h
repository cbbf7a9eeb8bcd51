/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ARP_H
#define MIF_ARP_H

/** @file
 * ARP (RFC 826) on the control thread: answer requests for our
 * addresses, learn from what neighbours send, ask for next hops.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "common/addr.h"

/** Handle a punted ARP frame (mbuf at the ARP header). Consumes @p m. */
void mif_arp_input(struct rte_mbuf *m, uint16_t port);

/** Broadcast a request for @p target on port index @p port. */
void mif_arp_request_send(uint16_t port, const struct mif_addr *target);

#endif
