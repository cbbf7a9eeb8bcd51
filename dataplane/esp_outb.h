/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ESP_OUTB_H
#define MIF_ESP_OUTB_H

/** @file
 * ESP encapsulation (RFC 4303 3.3, RFC 3948 for UDP, RFC 6040 ECN).
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/esp_crypto.h"
#include "dataplane/sa.h"

/**
 * Encapsulate @p n packets with the outbound SA @p sa.
 *
 * Each mbuf starts at the inner IP header and leaves starting at the
 * outer IP header (tunnel) or at the original, modified IP header
 * (transport); l3_len is set to the outer header length. Packets that
 * failed are moved behind the good ones, counted in the SA or the
 * context, and left for the caller to free.
 *
 * @return how many packets (at the front of @p mb) are ready to send.
 */
uint16_t mif_esp_outb_burst(struct mif_esp_ctx *ctx, struct mif_sa *sa,
			    struct rte_mbuf *mb[], uint16_t n);

/**
 * As mif_esp_outb_burst(), with the IV of packet i taken from @p iv[i]
 * (8 bytes for GCM, 16 for CBC) instead of being generated. For
 * known-answer tests and tools only: a repeated GCM IV under one key
 * destroys confidentiality and integrity.
 */
uint16_t mif_esp_outb_burst_iv(struct mif_esp_ctx *ctx, struct mif_sa *sa,
			       struct rte_mbuf *mb[], uint16_t n,
			       const uint8_t (*iv)[16]);

/**
 * Turn @p m (empty) into an RFC 3948 2.3 NAT keepalive for @p sa: outer
 * IPv4/UDP header and a single 0xFF byte.
 * @return 0, -EINVAL (SA without UDP encapsulation or not IPv4) or
 * -ENOSPC.
 */
int mif_esp_keepalive_build(struct mif_esp_ctx *ctx, const struct mif_sa *sa,
			    struct rte_mbuf *m);

#endif
