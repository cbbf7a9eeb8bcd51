/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_CRYPTO_H
#define MIF_IKE_CRYPTO_H

/** @file
 * IKEv2 cryptography on OpenSSL 3.0: the PRFs (HMAC-SHA2) and prf+, key
 * derivation for the IKE SA (RFC 7296 2.14) and Child SAs (2.17), the SK
 * payload (AES-GCM-16 per RFC 5282, AES-CBC with HMAC-SHA2 per RFC 4868),
 * and Diffie-Hellman groups 14, 19, 20 and 31.
 *
 * Every key buffer in these structs is wiped with OPENSSL_cleanse() by
 * its wipe/destroy function; callers wipe their own copies.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/ike_wire.h"

/** Largest PRF output and key (HMAC-SHA2-512). */
#define MIF_IKE_PRF_MAX		64
/** Largest integrity key (HMAC-SHA2-512-256). */
#define MIF_IKE_INTEG_KEY_MAX	64
/** Largest encryption key: AES-256 plus the 4-byte GCM salt. */
#define MIF_IKE_ENCR_KEY_MAX	36
/** Largest ICV (HMAC-SHA2-512-256). */
#define MIF_IKE_ICV_MAX		32
/** Largest DH public value and shared secret (MODP 2048). */
#define MIF_IKE_DH_MAX		256

/** Error for an ICV that does not verify (distinct from -EBADMSG). */
#define MIF_IKE_EICV		EKEYREJECTED

/** One negotiated IKE SA transform set. */
struct mif_ike_algs {
	uint16_t encr;		/**< MIF_IKE_ENCR_AES_CBC or _AES_GCM_16 */
	uint16_t encr_keylen;	/**< bits: 128, 192, 256 */
	uint16_t prf;		/**< MIF_IKE_PRF_HMAC_SHA2_* */
	uint16_t integ;		/**< MIF_IKE_INTEG_*, NONE with GCM */
	uint16_t dh;		/**< MIF_IKE_DH_* */
};

/** A chunk of input for a PRF computed over several pieces. */
struct mif_ike_seg {
	const void *p;
	size_t len;
};

/** PRF output length in bytes, 0 for an unsupported PRF. */
size_t mif_ike_prf_len(uint16_t prf);

/**
 * prf(key, seg[0] | seg[1] | ...) into @p out (mif_ike_prf_len() bytes).
 * @return 0, -ENOTSUP for an unknown PRF, -EIO on an OpenSSL failure.
 */
int mif_ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
		const struct mif_ike_seg *seg, unsigned int nseg, uint8_t *out);

/**
 * prf+ (RFC 7296 2.13): @p outlen bytes of T1 | T2 | ... where
 * Tn = prf(K, Tn-1 | S | n).
 * @return 0, -EINVAL if more than 255 blocks are asked, -ENOTSUP, -EIO.
 */
int mif_ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		     const struct mif_ike_seg *seg, unsigned int nseg,
		     uint8_t *out, size_t outlen);

/** Check that a transform set is one this module implements, with a
 * valid key length. @return 0 or -ENOTSUP. */
int mif_ike_algs_check(const struct mif_ike_algs *a);

struct mif_ike_prop;

/**
 * The transform set of a chosen IKE proposal (one transform per type,
 * as mif_ike_sa_select() returns it).
 * @return 0, or -ENOTSUP if it is not one this module implements.
 */
int mif_ike_algs_from_prop(const struct mif_ike_prop *p,
			   struct mif_ike_algs *a);

/** The keys of one IKE SA and the sizes that go with its transforms. */
struct mif_ike_sa_keys {
	struct mif_ike_algs algs;
	uint8_t prf_len;	/**< SK_d, SK_pi, SK_pr length */
	uint8_t integ_len;	/**< SK_ai/ar length, 0 with AEAD */
	uint8_t encr_len;	/**< SK_ei/er length, salt included */
	uint8_t icv_len;
	uint8_t iv_len;
	uint8_t block_len;	/**< padding unit */
	uint8_t sk_d[MIF_IKE_PRF_MAX];
	uint8_t sk_ai[MIF_IKE_INTEG_KEY_MAX];
	uint8_t sk_ar[MIF_IKE_INTEG_KEY_MAX];
	uint8_t sk_ei[MIF_IKE_ENCR_KEY_MAX];
	uint8_t sk_er[MIF_IKE_ENCR_KEY_MAX];
	uint8_t sk_pi[MIF_IKE_PRF_MAX];
	uint8_t sk_pr[MIF_IKE_PRF_MAX];
};

/**
 * SKEYSEED = prf(Ni | Nr, g^ir) for a new IKE SA (RFC 7296 2.14).
 * @p out receives mif_ike_prf_len(prf) bytes. @return 0 or -errno.
 */
int mif_ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t ni_len,
		     const uint8_t *nr, size_t nr_len, const uint8_t *gir,
		     size_t gir_len, uint8_t *out);

/**
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) when rekeying an IKE
 * SA (RFC 7296 2.18); @p old_prf is the old SA's PRF. @return 0 or -errno.
 */
int mif_ike_skeyseed_rekey(uint16_t old_prf, const uint8_t *sk_d,
			   size_t sk_d_len, const uint8_t *gir, size_t gir_len,
			   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			   size_t nr_len, uint8_t *out);

/**
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), sized for @p algs.
 * @return 0, -ENOTSUP for unsupported transforms, -EIO.
 */
int mif_ike_keys_derive(struct mif_ike_sa_keys *k,
			const struct mif_ike_algs *algs,
			const uint8_t *skeyseed, const uint8_t *ni,
			size_t ni_len, const uint8_t *nr, size_t nr_len,
			uint64_t spi_i, uint64_t spi_r);

/** Wipe all keys of @p k. */
void mif_ike_keys_wipe(struct mif_ike_sa_keys *k);

/**
 * Child SA KEYMAT (RFC 7296 2.17) = prf+(SK_d, [g^ir (new) |] Ni | Nr),
 * @p len bytes; @p gir may be NULL when no KE was exchanged. The caller
 * takes, in order, the initiator-to-responder encryption and integrity
 * keys, then those of the other direction.
 * @return 0 or -errno.
 */
int mif_ike_child_keymat(const struct mif_ike_sa_keys *k, const uint8_t *gir,
			 size_t gir_len, const uint8_t *ni, size_t ni_len,
			 const uint8_t *nr, size_t nr_len, uint8_t *out,
			 size_t len);

/**
 * Seal the SK payload built by mif_ike_gen_*(): @p msg holds the
 * message up to the end of the inner plaintext (*len bytes), with the SK
 * generic header at @p sk_off followed by iv_len reserved bytes. Adds the
 * padding, a random IV, encrypts, patches the SK and IKE header lengths
 * and appends the ICV. @p initiator selects SK_ei/SK_ai (message sent by
 * the original initiator) or SK_er/SK_ar.
 * @param cap size of the @p msg buffer.
 * @return 0 (*len updated), -ENOSPC, -EINVAL, -EIO.
 */
int mif_ike_sk_seal(const struct mif_ike_sa_keys *k, bool initiator,
		    uint8_t *msg, size_t cap, size_t sk_off, size_t *len);

/**
 * Verify and decrypt the SK payload at @p sk_off of a parsed message of
 * @p len bytes, writing the inner payloads (padding removed) to @p out.
 * For CBC the ICV is checked in constant time over the whole message
 * before anything is decrypted. @p initiator says who sent the message.
 * @return 0; -EBADMSG for a malformed SK payload (lengths, padding);
 *   -MIF_IKE_EICV when the ICV does not verify; -ENOSPC; -EIO.
 */
int mif_ike_sk_open(const struct mif_ike_sa_keys *k, bool initiator,
		    const uint8_t *msg, size_t len, size_t sk_off,
		    uint8_t *out, size_t cap, size_t *out_len);

/**
 * mif_ike_sk_seal() for an Encrypted Fragment payload (RFC 7383) at
 * @p skf_off, opened by mif_ike_gen_skf_begin(): the fragment number and
 * total sit between the generic header and the IV, and are covered by
 * the ICV (and the GCM AAD).
 */
int mif_ike_skf_seal(const struct mif_ike_sa_keys *k, bool initiator,
		     uint8_t *msg, size_t cap, size_t skf_off, size_t *len);

/** mif_ike_sk_open() for an Encrypted Fragment payload; @p out gets
 * this fragment's share of the inner payloads. */
int mif_ike_skf_open(const struct mif_ike_sa_keys *k, bool initiator,
		     const uint8_t *msg, size_t len, size_t skf_off,
		     uint8_t *out, size_t cap, size_t *out_len);

struct mif_addr;

/** NAT detection hash length (SHA-1). */
#define MIF_IKE_NATD_LEN	20

/**
 * NAT_DETECTION_SOURCE/DESTINATION_IP data (RFC 7296 2.23):
 * SHA-1(SPIi | SPIr | IP address | port), SPIr zero in the IKE_SA_INIT
 * request. @p port in host order. @return 0, -EAFNOSUPPORT, -EIO.
 */
int mif_ike_natd_hash(uint64_t spi_i, uint64_t spi_r,
		      const struct mif_addr *ip, uint16_t port,
		      uint8_t out[MIF_IKE_NATD_LEN]);

/** Cookie length: secret version, then HMAC-SHA-256. */
#define MIF_IKE_COOKIE_LEN	33

/** A cookie secret; the daemon keeps the current and the previous one
 * and changes them periodically (RFC 7296 2.6). */
struct mif_ike_cookie_secret {
	uint8_t version;
	uint8_t key[32];
};

/**
 * A stateless cookie (RFC 7296 2.6) binding the initiator's nonce,
 * address and SPI: version | HMAC-SHA-256(key, Ni | IPi | SPIi).
 * @return 0 or -errno.
 */
int mif_ike_cookie_make(const struct mif_ike_cookie_secret *s,
			const uint8_t *ni, size_t ni_len,
			const struct mif_addr *ip, uint64_t spi_i,
			uint8_t out[MIF_IKE_COOKIE_LEN]);

/**
 * Check a cookie returned by an initiator against the secret its version
 * names (@p cur or @p prev, which may be NULL), in constant time.
 * @return 0, or -EKEYREJECTED for a wrong, stale or malformed cookie.
 */
int mif_ike_cookie_check(const struct mif_ike_cookie_secret *cur,
			 const struct mif_ike_cookie_secret *prev,
			 const uint8_t *ni, size_t ni_len,
			 const struct mif_addr *ip, uint64_t spi_i,
			 const uint8_t *cookie, size_t len);

/** A Diffie-Hellman private key. */
struct mif_ike_dh;

/** Public value length of @p group on the wire, 0 if unsupported. */
size_t mif_ike_dh_pub_len(uint16_t group);

/** Generate a key pair for @p group; NULL (logged) on failure. */
struct mif_ike_dh *mif_ike_dh_create(uint16_t group);

/**
 * Import a private key (big-endian scalar for groups 14, 19, 20; the raw
 * 32 bytes for 31), for known-answer tests. NULL (logged) on failure.
 */
struct mif_ike_dh *mif_ike_dh_create_priv(uint16_t group, const uint8_t *priv,
					  size_t len);

/** The group of @p dh. */
uint16_t mif_ike_dh_group(const struct mif_ike_dh *dh);

/**
 * Our public value as the KE payload carries it: MODP left-padded to
 * 256 bytes, ECP as x | y (RFC 5903 7), X25519 raw. @return 0 or -errno.
 */
int mif_ike_dh_pub(const struct mif_ike_dh *dh, uint8_t *out, size_t cap,
		   size_t *len);

/**
 * Shared secret g^ir from the peer's public value (fixed length per
 * group; ECP gives x only). Rejects a value of the wrong length or not
 * on the curve / out of range with -EBADMSG. @return 0 or -errno.
 */
int mif_ike_dh_derive(struct mif_ike_dh *dh, const uint8_t *peer,
		      size_t peer_len, uint8_t *out, size_t cap, size_t *len);

/** Free the key (OpenSSL clears the private part). NULL is fine. */
void mif_ike_dh_destroy(struct mif_ike_dh *dh);

#endif
