/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_AUTH_H
#define MIF_IKE_AUTH_H

/** @file
 * IKEv2 AUTH payload data (RFC 7296 2.15). The signed octets of one side
 * are its own first message (IKE_SA_INIT request or response) as sent,
 * the peer's nonce, and prf(SK_p, ID body) where SK_p is SK_pi for the
 * initiator and SK_pr for the responder, and the ID body is the IDi/IDr
 * payload after its generic header. With a pre-shared key, AUTH =
 * prf(prf(key, "Key Pad for IKEv2"), signed octets).
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "common/wr.h"

/** The inputs of one side's signed octets. */
struct mif_ike_auth_in {
	uint16_t prf;			/**< negotiated PRF */
	const uint8_t *msg;		/**< our IKE_SA_INIT message */
	size_t msg_len;
	const uint8_t *peer_nonce;	/**< the other side's nonce data */
	size_t peer_nonce_len;
	const uint8_t *sk_p;		/**< SK_pi or SK_pr */
	size_t sk_p_len;
	const uint8_t *id;		/**< ID payload body */
	size_t id_len;
};

/**
 * Append the signed octets (RealMessage | Nonce | MACedID) to @p w,
 * for signature methods. @return 0, -ENOSPC, or a PRF error.
 */
int mif_ike_auth_octets(struct mif_wr *w, const struct mif_ike_auth_in *in);

/**
 * AUTH data for a pre-shared key into @p out (mif_ike_prf_len() bytes,
 * @p *out_len set). Computed without copying the message.
 * @return 0 or -errno.
 */
int mif_ike_auth_psk(const struct mif_ike_auth_in *in, const uint8_t *psk,
		     size_t psk_len, uint8_t *out, size_t cap, size_t *out_len);

/**
 * Check received PSK AUTH data in constant time.
 * @return 0, -EKEYREJECTED when it does not match (or has the wrong
 *   length), or another -errno on failure to compute.
 */
int mif_ike_auth_psk_verify(const struct mif_ike_auth_in *in,
			    const uint8_t *psk, size_t psk_len,
			    const uint8_t *auth, size_t auth_len);

/** Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 3). */
enum {
	MIF_IKE_HASH_SHA1 = 1,
	MIF_IKE_HASH_SHA2_256 = 2,
	MIF_IKE_HASH_SHA2_384 = 3,
	MIF_IKE_HASH_SHA2_512 = 4,
};

/** Largest signature AUTH data: length, AlgorithmIdentifier, and an RSA
 * 4096 signature. */
#define MIF_IKE_SIG_MAX		(1 + 15 + 512)

/**
 * Digital Signature AUTH data (RFC 7427 3, auth method 14) over the
 * signed octets: the AlgorithmIdentifier's length, its DER encoding,
 * then the signature. RSA keys sign with PKCS#1 v1.5, EC keys with ECDSA
 * (DER signature); @p hash is MIF_IKE_HASH_SHA2_*.
 * @return 0, -ENOTSUP (key type or hash), -ENOSPC, -EIO.
 */
int mif_ike_auth_sig_sign(EVP_PKEY *key, uint16_t hash, const uint8_t *octets,
			  size_t olen, uint8_t *out, size_t cap,
			  size_t *out_len);

/**
 * Verify received Digital Signature AUTH data with the peer's public key.
 * The AlgorithmIdentifier must be one of the supported ones and match
 * the key type.
 * @return 0; -EBADMSG (malformed); -ENOTSUP (unknown algorithm);
 *   -EKEYREJECTED (wrong key type or the signature does not verify).
 */
int mif_ike_auth_sig_verify(EVP_PKEY *key, const uint8_t *auth, size_t len,
			    const uint8_t *octets, size_t olen);

/**
 * SIGNATURE_HASH_ALGORITHMS notify data: the hashes we verify, 2 bytes
 * each. @return 0 or -ENOSPC.
 */
int mif_ike_auth_sig_hashes_build(struct mif_wr *w);

#endif
