/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_IO_H
#define MIF_IKE_IO_H

/** @file
 * IKE datagrams in and out of the control thread. Workers punt UDP to
 * our own addresses; the ICMP code hands ports 500 and 4500 here before
 * it would answer port-unreachable. Replies are built as IP/UDP packets
 * and leave through mif_ctl_ip_output() on the control TX queue.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct mif_ike_path;

/**
 * A UDP packet for one of our addresses (mbuf at L3, linear). When it is
 * IKE (destination port 500, or 4500 with the non-ESP marker) and the
 * daemon runs, the datagram is handled and @p m freed.
 * @return true if consumed; false leaves @p m to the caller.
 */
bool mif_ike_io_input(struct rte_mbuf *m, uint16_t port);

/**
 * Send @p len bytes of IKE from path->local:lport to path->remote:rport,
 * with the non-ESP marker when either port is 4500.
 * @return 0, -EMSGSIZE, -ENOBUFS.
 */
int mif_ike_io_send(const struct mif_ike_path *path, const uint8_t *msg,
		    size_t len);

#endif
