/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ESP_CRYPTO_H
#define MIF_ESP_CRYPTO_H

/** @file
 * The crypto under ESP: intel-ipsec-mb called synchronously from the
 * worker (one IMB_MGR per lcore), keys expanded once per SA, and the
 * per-worker context the ESP burst functions share.
 */

#include <stdbool.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>
#include <rte_common.h>

#include "dataplane/sa.h"

#define MIF_ESP_BURST	64	/**< packets per crypto round */

/** Expanded key material of one SA; wiped when the SA is destroyed. */
struct mif_sa_keys {
	union {
		struct gcm_key_data gcm;
		struct {
			uint8_t enc[16 * 15] __rte_aligned(16);
			uint8_t dec[16 * 15] __rte_aligned(16);
			uint8_t iv_key[16 * 11] __rte_aligned(16);
			uint8_t ipad[32] __rte_aligned(16);
			uint8_t opad[32] __rte_aligned(16);
		} cbc;
	};
	uint8_t salt[4];
} __rte_cache_aligned;

/** Drops counted per worker before an SA is known, or not tied to one. */
enum mif_esp_drop {
	MIF_ESP_DROP_NO_SA,
	MIF_ESP_DROP_NOT_ESP,		/**< not ESP, not NAT-T */
	MIF_ESP_DROP_BAD_LEN,		/**< too short before SA lookup */
	MIF_ESP_DROP_KEEPALIVE,		/**< RFC 3948 NAT keepalive */
	MIF_ESP_DROP_NONLINEAR,		/**< segmented mbuf */
	MIF_ESP_DROP_NOSPACE,		/**< no headroom or tailroom */
	MIF_ESP_DROP_CRYPTO,		/**< job refused by the library */
	MIF_ESP_DROP_UNSUPPORTED,	/**< e.g. IPv6 extension headers */
	MIF_ESP_DROP_DUMMY,		/**< RFC 4303 2.6 next header 59 */
	MIF_ESP_DROP_FRAGMENT,		/**< outer IP fragment */
	MIF_ESP_DROP_MAX,
};

/** Per-packet scratch of one burst round; lives in the context. */
struct mif_esp_pkt {
	uint8_t nonce[16] __rte_aligned(16);	/**< GCM salt+IV, CBC IV */
	uint8_t aad[16];
	uint8_t icv[32];		/**< computed */
	uint8_t icv_rx[32];		/**< received (inbound) */
	struct mif_sa *sa;
	uint64_t seq;
	uint32_t len;			/**< inner bytes, for counters */
	uint16_t l3_len;		/**< outer IP header length */
	uint16_t udp_len;		/**< 8 with NAT-T, else 0 */
	uint16_t ct_off;		/**< from the outer IP header */
	uint16_t ct_len;
	int16_t err;			/**< 0, or drop reason + 1 */
	bool crypto_ok;
	uint8_t path_cslot;		/**< inbound: interface-set path */
};

/** One per worker lcore; never shared. */
struct mif_esp_ctx {
	IMB_MGR *mgr;
	unsigned int slot;		/**< counter slot in every SA */
	uint16_t ip_id;			/**< outer IPv4 identification */
	uint64_t drop[MIF_ESP_DROP_MAX];
	struct mif_esp_pkt pkt[MIF_ESP_BURST];
} __rte_cache_aligned;

/**
 * Create a worker context with its own IMB_MGR.
 * @param slot counter slot, below every SA's n_slots
 * @return the context, or NULL (logged).
 */
struct mif_esp_ctx *mif_esp_ctx_create(unsigned int slot, int socket);

void mif_esp_ctx_destroy(struct mif_esp_ctx *ctx);

/** Name of a worker drop reason ("no_sa", ...). */
const char *mif_esp_drop_name(enum mif_esp_drop reason);

/**
 * Expand the keys of @p p into @p k (control thread only).
 * @return 0 or -errno.
 */
int mif_esp_keys_init(struct mif_sa_keys *k, const struct mif_sa_params *p);

/** Fill @p job for the ESP packet whose bytes start at @p buf. */
struct mif_esp_job {
	uint8_t *buf;
	uint32_t esp_off;		/**< ESP header */
	uint32_t ct_off;		/**< first encrypted byte */
	uint32_t ct_len;		/**< encrypted bytes */
	uint32_t auth_len;		/**< HMAC: from esp_off, incl. ESN hi */
	const uint8_t *iv;		/**< 12-byte nonce or 16-byte IV */
	const uint8_t *aad;		/**< GCM */
	uint8_t *tag;
	bool encrypt;
	void *user;
};

void mif_esp_job_fill(IMB_JOB *job, const struct mif_sa *sa,
		      const struct mif_esp_job *j);

/** Constant-time equality of two ICVs. */
static inline bool
mif_esp_icv_eq(const uint8_t *a, const uint8_t *b, unsigned int n)
{
	uint8_t d = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/**
 * Derive an unpredictable CBC IV for sequence @p seq (RFC 3602 3: the
 * IV must not be predictable): AES under a per-SA random IV key.
 */
void mif_esp_cbc_iv(IMB_MGR *mgr, const struct mif_sa *sa, uint64_t seq,
		    uint8_t iv[16]);

#endif
