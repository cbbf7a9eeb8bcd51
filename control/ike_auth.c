/* SPDX-License-Identifier: BSD-3-Clause */
/* AUTH payload computation (RFC 7296 2.15). */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/log.h"
#include "common/rd.h"
#include "control/ike_auth.h"
#include "control/ike_crypto.h"

/* RFC 7296 2.15: the 17 ASCII octets, without a terminating NUL. */
static const char key_pad[] = "Key Pad for IKEv2";
#define KEY_PAD_LEN	(sizeof(key_pad) - 1)

static int
maced_id(const struct mif_ike_auth_in *in, uint8_t *out)
{
	struct mif_ike_seg s = { in->id, in->id_len };

	return mif_ike_prf(in->prf, in->sk_p, in->sk_p_len, &s, 1, out);
}

int
mif_ike_auth_octets(struct mif_wr *w, const struct mif_ike_auth_in *in)
{
	uint8_t mac[MIF_IKE_PRF_MAX];
	int rc;

	if ((rc = maced_id(in, mac)) != 0)
		return rc;
	if ((rc = mif_wr_put_bytes(w, in->msg, in->msg_len)) ||
	    (rc = mif_wr_put_bytes(w, in->peer_nonce, in->peer_nonce_len)) ||
	    (rc = mif_wr_put_bytes(w, mac, mif_ike_prf_len(in->prf))))
		return rc;
	return 0;
}

int
mif_ike_auth_psk(const struct mif_ike_auth_in *in, const uint8_t *psk,
		 size_t psk_len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t mac[MIF_IKE_PRF_MAX], padkey[MIF_IKE_PRF_MAX];
	size_t plen = mif_ike_prf_len(in->prf);
	struct mif_ike_seg pad = { key_pad, KEY_PAD_LEN };
	struct mif_ike_seg oct[3] = {
		{ in->msg, in->msg_len },
		{ in->peer_nonce, in->peer_nonce_len },
		{ mac, plen },
	};
	int rc;

	if (plen == 0)
		return -ENOTSUP;
	if (cap < plen)
		return -ENOSPC;
	if ((rc = maced_id(in, mac)) != 0 ||
	    (rc = mif_ike_prf(in->prf, psk, psk_len, &pad, 1, padkey)) != 0)
		goto out;
	if ((rc = mif_ike_prf(in->prf, padkey, plen, oct, 3, out)) != 0)
		goto out;
	*out_len = plen;
out:
	OPENSSL_cleanse(padkey, sizeof(padkey));
	return rc;
}

int
mif_ike_auth_psk_verify(const struct mif_ike_auth_in *in, const uint8_t *psk,
			size_t psk_len, const uint8_t *auth, size_t auth_len)
{
	uint8_t want[MIF_IKE_PRF_MAX];
	size_t n;
	int rc;

	if ((rc = mif_ike_auth_psk(in, psk, psk_len, want, sizeof(want),
				   &n)) != 0)
		return rc;
	if (auth_len != n || CRYPTO_memcmp(want, auth, n) != 0)
		rc = -EKEYREJECTED;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

/* RFC 7427 Appendix A: the AlgorithmIdentifier DER of each supported
 * scheme (RSA with NULL parameters, ECDSA without). */
static const struct sig_alg {
	int key_type;			/* EVP_PKEY_RSA or EVP_PKEY_EC */
	uint16_t hash;
	const char *md;
	uint8_t len;
	uint8_t der[15];
} sig_algs[] = {
	{ EVP_PKEY_RSA, MIF_IKE_HASH_SHA2_256, "SHA256", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	    0x01, 0x01, 0x0b, 0x05, 0x00 } },
	{ EVP_PKEY_RSA, MIF_IKE_HASH_SHA2_384, "SHA384", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	    0x01, 0x01, 0x0c, 0x05, 0x00 } },
	{ EVP_PKEY_RSA, MIF_IKE_HASH_SHA2_512, "SHA512", 15,
	  { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	    0x01, 0x01, 0x0d, 0x05, 0x00 } },
	{ EVP_PKEY_EC, MIF_IKE_HASH_SHA2_256, "SHA256", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
	    0x03, 0x02 } },
	{ EVP_PKEY_EC, MIF_IKE_HASH_SHA2_384, "SHA384", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
	    0x03, 0x03 } },
	{ EVP_PKEY_EC, MIF_IKE_HASH_SHA2_512, "SHA512", 12,
	  { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
	    0x03, 0x04 } },
};

#define N_SIG_ALGS	(sizeof(sig_algs) / sizeof(sig_algs[0]))

static const struct sig_alg *
sig_alg_by_hash(int key_type, uint16_t hash)
{
	size_t i;

	for (i = 0; i < N_SIG_ALGS; i++)
		if (sig_algs[i].key_type == key_type &&
		    sig_algs[i].hash == hash)
			return &sig_algs[i];
	return NULL;
}

static const struct sig_alg *
sig_alg_by_der(const uint8_t *der, size_t len)
{
	size_t i;

	for (i = 0; i < N_SIG_ALGS; i++)
		if (sig_algs[i].len == len &&
		    memcmp(sig_algs[i].der, der, len) == 0)
			return &sig_algs[i];
	return NULL;
}

int
mif_ike_auth_sig_sign(EVP_PKEY *key, uint16_t hash, const uint8_t *octets,
		      size_t olen, uint8_t *out, size_t cap, size_t *out_len)
{
	const struct sig_alg *a = sig_alg_by_hash(EVP_PKEY_get_base_id(key),
						  hash);
	EVP_MD_CTX *c = NULL;
	size_t slen;
	int rc = -EIO;

	if (a == NULL)
		return -ENOTSUP;
	if (cap < 1u + a->len)
		return -ENOSPC;
	slen = cap - 1 - a->len;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	if (EVP_DigestSignInit_ex(c, NULL, a->md, NULL, NULL, key, NULL) != 1)
		goto out;
	/* Ask for the size first: an RSA key larger than @cap allows must
	 * fail cleanly, not write past it. */
	if (EVP_DigestSign(c, NULL, &slen, octets, olen) != 1 ||
	    slen > cap - 1 - a->len) {
		rc = -ENOSPC;
		goto out;
	}
	if (EVP_DigestSign(c, out + 1 + a->len, &slen, octets, olen) != 1)
		goto out;
	out[0] = a->len;
	memcpy(out + 1, a->der, a->len);
	*out_len = 1 + a->len + slen;
	rc = 0;
out:
	EVP_MD_CTX_free(c);
	return rc;
}

int
mif_ike_auth_sig_verify(EVP_PKEY *key, const uint8_t *auth, size_t len,
			const uint8_t *octets, size_t olen)
{
	const uint8_t *der, *sig;
	const struct sig_alg *a;
	EVP_MD_CTX *c = NULL;
	struct mif_rd rd;
	uint8_t alen;
	int rc = -EKEYREJECTED;

	mif_rd_init(&rd, auth, len);
	if (mif_rd_get_u8(&rd, &alen) || mif_rd_ptr(&rd, alen, &der) ||
	    rd.left == 0) {
		MIF_LOG(ike, DEBUG, "signature AUTH of %zu bytes malformed", len);
		return -EBADMSG;
	}
	if ((a = sig_alg_by_der(der, alen)) == NULL) {
		MIF_LOG(ike, DEBUG, "signature algorithm not supported (%u bytes)",
			alen);
		return -ENOTSUP;
	}
	if (a->key_type != EVP_PKEY_get_base_id(key))
		return -EKEYREJECTED;
	if (mif_rd_ptr(&rd, rd.left, &sig) != 0)
		return -EBADMSG;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	/* A malformed signature (bad DER) is a failed verification too. */
	if (EVP_DigestVerifyInit_ex(c, NULL, a->md, NULL, NULL, key,
				    NULL) == 1 &&
	    EVP_DigestVerify(c, sig, len - 1 - alen, octets, olen) == 1)
		rc = 0;
	EVP_MD_CTX_free(c);
	return rc;
}

int
mif_ike_auth_sig_hashes_build(struct mif_wr *w)
{
	int rc;

	if ((rc = mif_wr_put_u16(w, MIF_IKE_HASH_SHA2_256)) ||
	    (rc = mif_wr_put_u16(w, MIF_IKE_HASH_SHA2_384)) ||
	    (rc = mif_wr_put_u16(w, MIF_IKE_HASH_SHA2_512)))
		return rc;
	return 0;
}
