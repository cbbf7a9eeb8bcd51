/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ICMP_H
#define MIF_ICMP_H

/** @file
 * ICMP and ICMPv6 on the control thread: echo replies for our own
 * addresses, and error messages (time exceeded, unreachable, packet too
 * big / fragmentation needed) through one token bucket of icmp_rate
 * messages a second. Error functions never consume the packet that
 * caused the error; the caller drops and counts it.
 */

#include <stdint.h>

#include <rte_mbuf.h>

/** A packet for one of our IPv4 addresses (mbuf at L3). Consumes it. */
void mif_icmp4_local_input(struct rte_mbuf *m, uint16_t port);

/** A packet for one of our IPv6 addresses or ND multicast. Consumes it. */
void mif_icmp6_local_input(struct rte_mbuf *m, uint16_t port);

/** TTL or hop limit exceeded in transit. */
void mif_icmp_error_time_exceeded(struct rte_mbuf *orig);

/** No route to the destination. */
void mif_icmp_error_unreach_net(struct rte_mbuf *orig);

/** The next hop never answered ARP/ND. */
void mif_icmp_error_unreach_host(struct rte_mbuf *orig);

/** Too big for the egress @p mtu (IPv4 only when DF is set). */
void mif_icmp_error_too_big(struct rte_mbuf *orig, uint32_t mtu);

#endif
