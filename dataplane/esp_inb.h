/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ESP_INB_H
#define MIF_ESP_INB_H

/** @file
 * ESP decapsulation (RFC 4303 3.4, RFC 3948 3, RFC 6040 ECN decap).
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/esp_crypto.h"
#include "dataplane/sa.h"

struct mif_sad;

/**
 * Decapsulate @p n packets. Each mbuf starts at the outer IP header;
 * ESP directly or in UDP (RFC 3948) is accepted, NAT keepalives are
 * dropped and counted. The SA is found in @p sad by SPI (and outer
 * destination). Order of checks per packet: lengths, SA, hard lifetime,
 * replay (before decryption), ICV, replay window update, trailer.
 *
 * Good packets come first in @p mb, starting at the inner IP header
 * (tunnel) or at the rebuilt transport packet, with @p sa_out[i] their
 * SA. The caller MUST then check the inner packet against the SA's
 * selectors (RFC 4301 5.2) and count a failure with
 * mif_sa_drop(sa, slot, MIF_SA_DROP_POLICY). Failed packets follow the
 * good ones, counted; the caller frees them.
 *
 * @return the number of good packets.
 */
uint16_t mif_esp_inb_burst(struct mif_esp_ctx *ctx,
			   const struct mif_sad *sad, struct rte_mbuf *mb[],
			   struct mif_sa *sa_out[], uint16_t n);

/** What a packet for one of the gateway's addresses is, for the worker
 * to decide between mif_esp_inb_burst() and the control plane. */
enum mif_esp_class {
	MIF_ESP_CLASS_OTHER,		/**< not ESP, not IKE */
	MIF_ESP_CLASS_ESP,		/**< protocol 50, or ESP in UDP 4500 */
	MIF_ESP_CLASS_IKE,		/**< UDP 500, or 4500 with the
					     non-ESP marker (RFC 3948 2.2) */
	MIF_ESP_CLASS_KEEPALIVE,	/**< RFC 3948 2.3, to be dropped */
};

/**
 * Classify @p m (starting at its IPv4/IPv6 header; no IPv6 extension
 * headers are walked). Reads only within the first segment.
 */
enum mif_esp_class mif_esp_classify(const struct rte_mbuf *m);

#endif
