/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ESP_HDR_H
#define MIF_ESP_HDR_H

/** @file
 * ESP wire formats (RFC 4303 section 2, RFC 3948 section 2). All fields
 * are in network byte order; read them with memcpy and rte_be_to_cpu_*,
 * never by casting a packet pointer of unknown alignment.
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#define MIF_IPPROTO_ESP		50
#define MIF_IPPROTO_IPIP	4
#define MIF_IPPROTO_IPV6	41
#define MIF_IPPROTO_NONE	59	/**< RFC 4303 2.6: dummy packet */

#define MIF_ESP_NATT_PORT_DEFAULT	4500	/**< RFC 3948 */
#define MIF_ESP_KEEPALIVE	0xff	/**< RFC 3948 2.3: one-byte payload */

/** ESP header, RFC 4303 2: followed by the IV and the payload. */
struct mif_esp_hdr {
	rte_be32_t spi;
	rte_be32_t seq;			/**< low 32 bits of the sequence */
} __rte_packed;

/** ESP trailer before the ICV, RFC 4303 2.4 and 2.6. */
struct mif_esp_tail {
	uint8_t pad_len;
	uint8_t next_proto;
} __rte_packed;

/** UDP header in front of ESP, RFC 3948 2.1. */
struct mif_esp_udp {
	rte_be16_t sport;
	rte_be16_t dport;
	rte_be16_t len;
	rte_be16_t cksum;		/**< 0 over IPv4 */
} __rte_packed;

/** GCM nonce, RFC 4106 4: salt from the key material, then the IV. */
struct mif_esp_gcm_nonce {
	uint8_t salt[4];
	uint8_t iv[8];
} __rte_packed;

/** GCM AAD, RFC 4106 5: SPI + 32-bit sequence, or SPI + 64-bit ESN. */
struct mif_esp_gcm_aad {
	rte_be32_t spi;
	rte_be32_t seq_hi;		/**< ESN high, only with ESN */
	rte_be32_t seq_lo;
} __rte_packed;

#endif
