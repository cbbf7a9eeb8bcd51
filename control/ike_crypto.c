/* SPDX-License-Identifier: BSD-3-Clause */
/* IKEv2 crypto on OpenSSL 3.0. Only EVP and the non-deprecated BN/EC
 * point interfaces are used. The IKE thread is the only caller, but the
 * HMAC method is fetched once under pthread_once so that tests and
 * fuzzers with several threads are safe too. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rd.h"
#include "control/ike_crypto.h"
#include "control/ike_pld.h"

static EVP_MAC *hmac_method;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void
hmac_fetch(void)
{
	hmac_method = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static const char *
prf_digest(uint16_t prf)
{
	switch (prf) {
	case MIF_IKE_PRF_HMAC_SHA2_256:
		return "SHA256";
	case MIF_IKE_PRF_HMAC_SHA2_384:
		return "SHA384";
	case MIF_IKE_PRF_HMAC_SHA2_512:
		return "SHA512";
	default:
		return NULL;
	}
}

size_t
mif_ike_prf_len(uint16_t prf)
{
	switch (prf) {
	case MIF_IKE_PRF_HMAC_SHA2_256:
		return 32;
	case MIF_IKE_PRF_HMAC_SHA2_384:
		return 48;
	case MIF_IKE_PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

/* HMAC with digest @dname over the segments; @out gets the full digest
 * (@outsz bytes). */
static int
hmac_v(const char *dname, const uint8_t *key, size_t klen,
       const struct mif_ike_seg *seg, unsigned int nseg, uint8_t *out,
       size_t outsz)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	size_t outl = 0;
	unsigned int i;
	int rc = -EIO;

	pthread_once(&hmac_once, hmac_fetch);
	if (hmac_method == NULL || (ctx = EVP_MAC_CTX_new(hmac_method)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)dname, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, klen, params))
		goto out;
	for (i = 0; i < nseg; i++)
		if (seg[i].len != 0 && !EVP_MAC_update(ctx, seg[i].p,
						       seg[i].len))
			goto out;
	if (!EVP_MAC_final(ctx, out, &outl, outsz) || outl != outsz)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int
mif_ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const struct mif_ike_seg *seg, unsigned int nseg, uint8_t *out)
{
	const char *d = prf_digest(prf);

	if (d == NULL)
		return -ENOTSUP;
	return hmac_v(d, key, klen, seg, nseg, out, mif_ike_prf_len(prf));
}

#define PRF_PLUS_MAX_SEG	8

int
mif_ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		 const struct mif_ike_seg *seg, unsigned int nseg,
		 uint8_t *out, size_t outlen)
{
	struct mif_ike_seg s[PRF_PLUS_MAX_SEG + 2];
	uint8_t t[MIF_IKE_PRF_MAX], n;
	size_t plen = mif_ike_prf_len(prf), done = 0, take;
	unsigned int i, blocks;
	int rc = 0;

	if (plen == 0)
		return -ENOTSUP;
	if (nseg > PRF_PLUS_MAX_SEG)
		return -EINVAL;
	/* RFC 7296 2.13: the counter is one octet, so 255 blocks at most. */
	blocks = (unsigned int)((outlen + plen - 1) / plen);
	if (blocks > 255)
		return -EINVAL;
	for (n = 1; done < outlen; n++) {
		/* T1 = prf(K, S | 0x01); Tn = prf(K, Tn-1 | S | n). */
		i = 0;
		if (n > 1)
			s[i++] = (struct mif_ike_seg){ t, plen };
		memcpy(&s[i], seg, nseg * sizeof(*seg));
		i += nseg;
		s[i++] = (struct mif_ike_seg){ &n, 1 };
		if ((rc = mif_ike_prf(prf, key, klen, s, i, t)) != 0)
			break;
		take = outlen - done < plen ? outlen - done : plen;
		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (rc != 0)
		OPENSSL_cleanse(out, outlen);
	return rc;
}

/* Sizes of the supported transforms; -ENOTSUP for anything else. */
static int
algs_sizes(const struct mif_ike_algs *a, struct mif_ike_sa_keys *k)
{
	size_t key = a->encr_keylen / 8;

	if (a->encr_keylen != 128 && a->encr_keylen != 192 &&
	    a->encr_keylen != 256)
		return -ENOTSUP;
	if ((k->prf_len = (uint8_t)mif_ike_prf_len(a->prf)) == 0)
		return -ENOTSUP;
	if (a->encr == MIF_IKE_ENCR_AES_GCM_16) {
		/* RFC 5282: 4 bytes of salt follow each key. */
		if (a->integ != MIF_IKE_INTEG_NONE)
			return -ENOTSUP;
		k->encr_len = (uint8_t)(key + 4);
		k->integ_len = 0;
		k->icv_len = 16;
		k->iv_len = 8;
		k->block_len = 1;
		return 0;
	}
	if (a->encr != MIF_IKE_ENCR_AES_CBC)
		return -ENOTSUP;
	k->encr_len = (uint8_t)key;
	k->iv_len = 16;
	k->block_len = 16;
	switch (a->integ) {
	case MIF_IKE_INTEG_HMAC_SHA2_256_128:
		k->integ_len = 32;
		break;
	case MIF_IKE_INTEG_HMAC_SHA2_384_192:
		k->integ_len = 48;
		break;
	case MIF_IKE_INTEG_HMAC_SHA2_512_256:
		k->integ_len = 64;
		break;
	default:
		return -ENOTSUP;
	}
	/* RFC 4868: the ICV is half the digest. */
	k->icv_len = k->integ_len / 2;
	return 0;
}

int
mif_ike_algs_check(const struct mif_ike_algs *a)
{
	struct mif_ike_sa_keys k;

	return algs_sizes(a, &k);
}

int
mif_ike_algs_from_prop(const struct mif_ike_prop *p, struct mif_ike_algs *a)
{
	const struct mif_ike_xform *x;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (p->proto != MIF_IKE_PROTO_IKE)
		return -ENOTSUP;
	for (i = 0; i < p->nxforms; i++) {
		x = &p->x[i];
		if (x->type == MIF_IKE_XFORM_ENCR) {
			a->encr = x->id;
			a->encr_keylen = x->keylen;
		} else if (x->type == MIF_IKE_XFORM_PRF) {
			a->prf = x->id;
		} else if (x->type == MIF_IKE_XFORM_INTEG) {
			a->integ = x->id;
		} else if (x->type == MIF_IKE_XFORM_DH) {
			a->dh = x->id;
		}
	}
	if (mif_ike_dh_pub_len(a->dh) == 0)
		return -ENOTSUP;
	return mif_ike_algs_check(a);
}

int
mif_ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t ni_len,
		 const uint8_t *nr, size_t nr_len, const uint8_t *gir,
		 size_t gir_len, uint8_t *out)
{
	uint8_t key[2 * MIF_IKE_NONCE_MAX];
	struct mif_ike_seg s = { gir, gir_len };
	int rc;

	/* With an HMAC PRF the whole Ni | Nr is the key (RFC 7296 2.14). */
	if (ni_len > MIF_IKE_NONCE_MAX || nr_len > MIF_IKE_NONCE_MAX)
		return -EINVAL;
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	rc = mif_ike_prf(prf, key, ni_len + nr_len, &s, 1, out);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
mif_ike_skeyseed_rekey(uint16_t old_prf, const uint8_t *sk_d,
		       size_t sk_d_len, const uint8_t *gir, size_t gir_len,
		       const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		       size_t nr_len, uint8_t *out)
{
	struct mif_ike_seg s[3] = {
		{ gir, gir_len }, { ni, ni_len }, { nr, nr_len },
	};

	return mif_ike_prf(old_prf, sk_d, sk_d_len, s, 3, out);
}

int
mif_ike_keys_derive(struct mif_ike_sa_keys *k, const struct mif_ike_algs *algs,
		    const uint8_t *skeyseed, const uint8_t *ni, size_t ni_len,
		    const uint8_t *nr, size_t nr_len, uint64_t spi_i,
		    uint64_t spi_r)
{
	uint8_t spis[16], km[3 * MIF_IKE_PRF_MAX + 2 * MIF_IKE_INTEG_KEY_MAX +
			     2 * MIF_IKE_ENCR_KEY_MAX];
	struct mif_ike_seg s[3] = {
		{ ni, ni_len }, { nr, nr_len }, { spis, sizeof(spis) },
	};
	size_t total, o = 0;
	int i, rc;

	memset(k, 0, sizeof(*k));
	if ((rc = algs_sizes(algs, k)) != 0)
		return rc;
	k->algs = *algs;
	for (i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	total = 3u * k->prf_len + 2u * k->integ_len + 2u * k->encr_len;
	rc = mif_ike_prf_plus(algs->prf, skeyseed, k->prf_len, s, 3, km,
			      total);
	if (rc != 0)
		goto out;
	memcpy(k->sk_d, km + o, k->prf_len), o += k->prf_len;
	memcpy(k->sk_ai, km + o, k->integ_len), o += k->integ_len;
	memcpy(k->sk_ar, km + o, k->integ_len), o += k->integ_len;
	memcpy(k->sk_ei, km + o, k->encr_len), o += k->encr_len;
	memcpy(k->sk_er, km + o, k->encr_len), o += k->encr_len;
	memcpy(k->sk_pi, km + o, k->prf_len), o += k->prf_len;
	memcpy(k->sk_pr, km + o, k->prf_len);
out:
	OPENSSL_cleanse(km, sizeof(km));
	if (rc != 0)
		mif_ike_keys_wipe(k);
	return rc;
}

void
mif_ike_keys_wipe(struct mif_ike_sa_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int
mif_ike_child_keymat(const struct mif_ike_sa_keys *k, const uint8_t *gir,
		     size_t gir_len, const uint8_t *ni, size_t ni_len,
		     const uint8_t *nr, size_t nr_len, uint8_t *out, size_t len)
{
	struct mif_ike_seg s[3];
	unsigned int n = 0;

	if (gir != NULL)
		s[n++] = (struct mif_ike_seg){ gir, gir_len };
	s[n++] = (struct mif_ike_seg){ ni, ni_len };
	s[n++] = (struct mif_ike_seg){ nr, nr_len };
	return mif_ike_prf_plus(k->algs.prf, k->sk_d, k->prf_len, s, n, out,
				len);
}

static const EVP_CIPHER *
sk_cipher(const struct mif_ike_sa_keys *k)
{
	bool gcm = k->algs.encr == MIF_IKE_ENCR_AES_GCM_16;

	switch (k->algs.encr_keylen) {
	case 128:
		return gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
	case 192:
		return gcm ? EVP_aes_192_gcm() : EVP_aes_192_cbc();
	case 256:
		return gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

static const char *
integ_digest(uint16_t integ)
{
	switch (integ) {
	case MIF_IKE_INTEG_HMAC_SHA2_256_128:
		return "SHA256";
	case MIF_IKE_INTEG_HMAC_SHA2_384_192:
		return "SHA384";
	case MIF_IKE_INTEG_HMAC_SHA2_512_256:
		return "SHA512";
	default:
		return NULL;
	}
}

/* The truncated HMAC of msg[0 .. len) into @icv. */
static int
integ_icv(const struct mif_ike_sa_keys *k, const uint8_t *key,
	  const uint8_t *msg, size_t len, uint8_t *icv)
{
	uint8_t full[64];
	struct mif_ike_seg s = { msg, len };
	int rc;

	rc = hmac_v(integ_digest(k->algs.integ), key, k->integ_len, &s, 1,
		    full, 2u * k->icv_len);
	memcpy(icv, full, k->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

/* One AES pass over @in into @out (same length). For GCM the nonce is
 * salt | IV, @aad is authenticated and @tag written (enc) or checked
 * (dec). Returns -MIF_IKE_EICV for a GCM tag mismatch. */
static int
aes_pass(const struct mif_ike_sa_keys *k, const uint8_t *key, bool enc,
	 const uint8_t *iv, const uint8_t *aad, size_t aad_len,
	 const uint8_t *in, size_t n, uint8_t *out, uint8_t *tag)
{
	bool gcm = k->algs.encr == MIF_IKE_ENCR_AES_GCM_16;
	size_t klen = gcm ? k->encr_len - 4u : k->encr_len;
	uint8_t nonce[16];
	EVP_CIPHER_CTX *c;
	int l, rc = -EIO;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -ENOMEM;
	if (gcm) {
		memcpy(nonce, key + klen, 4);
		memcpy(nonce + 4, iv, 8);
	} else {
		memcpy(nonce, iv, 16);
	}
	if (!EVP_CipherInit_ex(c, sk_cipher(k), NULL, NULL, NULL, enc))
		goto out;
	if (gcm && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL))
		goto out;
	if (!EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) ||
	    !EVP_CIPHER_CTX_set_padding(c, 0))
		goto out;
	if (gcm && !EVP_CipherUpdate(c, NULL, &l, aad, (int)aad_len))
		goto out;
	if (n != 0 && (!EVP_CipherUpdate(c, out, &l, in, (int)n) ||
		       (size_t)l != n))
		goto out;
	if (gcm && !enc &&
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag))
		goto out;
	if (!EVP_CipherFinal_ex(c, out + n, &l)) {
		rc = gcm && !enc ? -MIF_IKE_EICV : -EIO;
		goto out;
	}
	if (gcm && enc && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16,
					       tag))
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

/* SK and SKF differ only in the header before the IV: 4 bytes, or 8
 * with the fragment number and total (RFC 7383 2.5), AAD included. */
static int
seal(const struct mif_ike_sa_keys *k, bool initiator, uint8_t *msg,
     size_t cap, size_t sk_off, size_t hlen, size_t *len)
{
	const uint8_t *ekey = initiator ? k->sk_ei : k->sk_er;
	const uint8_t *akey = initiator ? k->sk_ai : k->sk_ar;
	size_t ivo = sk_off + hlen, pto = ivo + k->iv_len;
	size_t plen, pad, ctlen, total, i;
	bool gcm = k->algs.encr == MIF_IKE_ENCR_AES_GCM_16;
	int rc;

	if (k->block_len == 0 || k->iv_len == 0 || *len < pto ||
	    sk_off < MIF_IKE_HDR_LEN)
		return -EINVAL;
	plen = *len - pto;
	/* Pad so plaintext | padding | pad length fills whole blocks. */
	pad = (k->block_len - (plen + 1) % k->block_len) % k->block_len;
	ctlen = plen + pad + 1;
	total = pto + ctlen + k->icv_len;
	if (total > cap || total > UINT16_MAX + sk_off)
		return -ENOSPC;
	for (i = 0; i < pad; i++)
		msg[pto + plen + i] = 0;
	msg[pto + plen + pad] = (uint8_t)pad;
	if (RAND_bytes(msg + ivo, k->iv_len) != 1)
		return -EIO;
	/* Lengths first: with GCM they are part of the AAD. */
	msg[sk_off + 2] = (uint8_t)((total - sk_off) >> 8);
	msg[sk_off + 3] = (uint8_t)(total - sk_off);
	msg[24] = (uint8_t)(total >> 24);
	msg[25] = (uint8_t)(total >> 16);
	msg[26] = (uint8_t)(total >> 8);
	msg[27] = (uint8_t)total;
	rc = aes_pass(k, ekey, true, msg + ivo, msg, ivo, msg + pto, ctlen,
		      msg + pto, msg + pto + ctlen);
	if (rc != 0)
		return rc;
	if (!gcm && (rc = integ_icv(k, akey, msg, pto + ctlen,
				    msg + pto + ctlen)) != 0)
		return rc;
	*len = total;
	return 0;
}

int
mif_ike_sk_seal(const struct mif_ike_sa_keys *k, bool initiator,
		uint8_t *msg, size_t cap, size_t sk_off, size_t *len)
{
	return seal(k, initiator, msg, cap, sk_off, MIF_IKE_GEN_LEN, len);
}

int
mif_ike_skf_seal(const struct mif_ike_sa_keys *k, bool initiator,
		 uint8_t *msg, size_t cap, size_t skf_off, size_t *len)
{
	return seal(k, initiator, msg, cap, skf_off, MIF_IKE_GEN_LEN + 4, len);
}

/* RFC 7296 3.14: IV | ciphertext (padding and pad length included) |
 * ICV, all inside the SK payload, which ends the message. Only lengths
 * are checked here, nothing is decrypted. */
static int
sk_check(const struct mif_ike_sa_keys *k, const uint8_t *msg, size_t len,
	 size_t sk_off, size_t hlen, size_t *ctlen)
{
	struct mif_rd rd;
	uint16_t plen;
	size_t body;

	if (k->iv_len == 0 || sk_off < MIF_IKE_HDR_LEN || sk_off > len)
		return -EINVAL;
	mif_rd_init(&rd, msg + sk_off, len - sk_off);
	if (mif_rd_skip(&rd, 2) || mif_rd_get_u16(&rd, &plen) ||
	    mif_rd_skip(&rd, hlen - MIF_IKE_GEN_LEN))
		return -EBADMSG;
	if (plen != len - sk_off)
		return -EBADMSG;
	body = rd.left;
	/* At least the IV, the ICV and one block holding the pad length. */
	if (body < (size_t)k->iv_len + k->icv_len + k->block_len)
		return -EBADMSG;
	*ctlen = body - k->iv_len - k->icv_len;
	if (*ctlen % k->block_len != 0)
		return -EBADMSG;
	return 0;
}

static int
open_sk(const struct mif_ike_sa_keys *k, bool initiator, const uint8_t *msg,
	size_t len, size_t sk_off, size_t hlen, uint8_t *out, size_t cap,
	size_t *out_len)
{
	const uint8_t *ekey = initiator ? k->sk_ei : k->sk_er;
	const uint8_t *akey = initiator ? k->sk_ai : k->sk_ar;
	size_t ivo = sk_off + hlen, cto, ctlen;
	uint8_t icv[MIF_IKE_ICV_MAX], tag[16], padlen;
	bool gcm = k->algs.encr == MIF_IKE_ENCR_AES_GCM_16;
	int rc;

	if ((rc = sk_check(k, msg, len, sk_off, hlen, &ctlen)) != 0)
		return rc;
	cto = ivo + k->iv_len;
	if (ctlen > cap)
		return -ENOSPC;
	if (!gcm) {
		/* Verify before decrypting, over everything up to the ICV,
		 * and without an early exit on the first differing byte. */
		if ((rc = integ_icv(k, akey, msg, cto + ctlen, icv)) != 0)
			return rc;
		if (CRYPTO_memcmp(icv, msg + cto + ctlen, k->icv_len) != 0)
			return -MIF_IKE_EICV;
	} else {
		memcpy(tag, msg + cto + ctlen, sizeof(tag));
	}
	rc = aes_pass(k, ekey, false, msg + ivo, msg, ivo, msg + cto, ctlen,
		      out, tag);
	if (rc != 0)
		goto out;
	padlen = out[ctlen - 1];
	if ((size_t)padlen + 1 > ctlen) {
		rc = -EBADMSG;
		goto out;
	}
	*out_len = ctlen - padlen - 1;
out:
	if (rc != 0)
		OPENSSL_cleanse(out, ctlen);
	return rc;
}

int
mif_ike_sk_open(const struct mif_ike_sa_keys *k, bool initiator,
		const uint8_t *msg, size_t len, size_t sk_off, uint8_t *out,
		size_t cap, size_t *out_len)
{
	return open_sk(k, initiator, msg, len, sk_off, MIF_IKE_GEN_LEN, out,
		       cap, out_len);
}

int
mif_ike_skf_open(const struct mif_ike_sa_keys *k, bool initiator,
		 const uint8_t *msg, size_t len, size_t skf_off, uint8_t *out,
		 size_t cap, size_t *out_len)
{
	return open_sk(k, initiator, msg, len, skf_off, MIF_IKE_GEN_LEN + 4,
		       out, cap, out_len);
}

/* The address bytes as IKE hashes them: 4 or 16, network order. */
static int
addr_seg(const struct mif_addr *ip, struct mif_ike_seg *seg)
{
	if (ip->family == AF_INET)
		*seg = (struct mif_ike_seg){ &ip->v4, 4 };
	else if (ip->family == AF_INET6)
		*seg = (struct mif_ike_seg){ ip->v6, 16 };
	else
		return -EAFNOSUPPORT;
	return 0;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int
mif_ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct mif_addr *ip,
		  uint16_t port, uint8_t out[MIF_IKE_NATD_LEN])
{
	uint8_t spis[16], pb[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct mif_ike_seg a;
	EVP_MD_CTX *c;
	unsigned int n = 0;
	int rc = -EIO;

	if (addr_seg(ip, &a) != 0)
		return -EAFNOSUPPORT;
	put_be64(spis, spi_i);
	put_be64(spis + 8, spi_r);
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	if (EVP_DigestInit_ex(c, EVP_sha1(), NULL) &&
	    EVP_DigestUpdate(c, spis, sizeof(spis)) &&
	    EVP_DigestUpdate(c, a.p, a.len) &&
	    EVP_DigestUpdate(c, pb, sizeof(pb)) &&
	    EVP_DigestFinal_ex(c, out, &n) && n == MIF_IKE_NATD_LEN)
		rc = 0;
	EVP_MD_CTX_free(c);
	return rc;
}

int
mif_ike_cookie_make(const struct mif_ike_cookie_secret *s, const uint8_t *ni,
		    size_t ni_len, const struct mif_addr *ip, uint64_t spi_i,
		    uint8_t out[MIF_IKE_COOKIE_LEN])
{
	uint8_t spi[8];
	struct mif_ike_seg seg[3] = { { ni, ni_len }, { NULL, 0 },
				      { spi, sizeof(spi) } };

	if (addr_seg(ip, &seg[1]) != 0)
		return -EAFNOSUPPORT;
	put_be64(spi, spi_i);
	out[0] = s->version;
	return hmac_v("SHA256", s->key, sizeof(s->key), seg, 3, out + 1, 32);
}

int
mif_ike_cookie_check(const struct mif_ike_cookie_secret *cur,
		     const struct mif_ike_cookie_secret *prev,
		     const uint8_t *ni, size_t ni_len,
		     const struct mif_addr *ip, uint64_t spi_i,
		     const uint8_t *cookie, size_t len)
{
	const struct mif_ike_cookie_secret *s = NULL;
	uint8_t want[MIF_IKE_COOKIE_LEN];
	int rc;

	if (len != MIF_IKE_COOKIE_LEN)
		return -EKEYREJECTED;
	if (cur != NULL && cookie[0] == cur->version)
		s = cur;
	else if (prev != NULL && cookie[0] == prev->version)
		s = prev;
	if (s == NULL)
		return -EKEYREJECTED;
	if ((rc = mif_ike_cookie_make(s, ni, ni_len, ip, spi_i, want)) != 0)
		return rc;
	if (CRYPTO_memcmp(want, cookie, sizeof(want)) != 0)
		rc = -EKEYREJECTED;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

struct mif_ike_dh {
	uint16_t group;
	EVP_PKEY *key;
};

size_t
mif_ike_dh_pub_len(uint16_t group)
{
	switch (group) {
	case MIF_IKE_DH_MODP_2048:
		return 256;
	case MIF_IKE_DH_ECP_256:
		return 64;
	case MIF_IKE_DH_ECP_384:
		return 96;
	case MIF_IKE_DH_CURVE25519:
		return 32;
	default:
		return 0;
	}
}

/* OpenSSL's name for the group and the key type it belongs to. */
static const char *
dh_group_name(uint16_t group, const char **type)
{
	switch (group) {
	case MIF_IKE_DH_MODP_2048:
		*type = "DH";
		return "modp_2048";
	case MIF_IKE_DH_ECP_256:
		*type = "EC";
		return "P-256";
	case MIF_IKE_DH_ECP_384:
		*type = "EC";
		return "P-384";
	case MIF_IKE_DH_CURVE25519:
		*type = "X25519";
		return NULL;
	default:
		*type = NULL;
		return NULL;
	}
}

static struct mif_ike_dh *
dh_wrap(uint16_t group, EVP_PKEY *key)
{
	struct mif_ike_dh *dh;

	if (key == NULL)
		return NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL) {
		EVP_PKEY_free(key);
		return NULL;
	}
	dh->group = group;
	dh->key = key;
	return dh;
}

struct mif_ike_dh *
mif_ike_dh_create(uint16_t group)
{
	const char *type, *name = dh_group_name(group, &type);
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	if (type == NULL) {
		MIF_LOG(ike, ERR, "DH group %u not supported", group);
		return NULL;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL)
		goto out;
	if (EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (name != NULL) {
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) <= 0)
			goto out;
	}
	if (EVP_PKEY_generate(ctx, &key) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	if (key == NULL)
		MIF_LOG(ike, ERR, "DH group %u: key generation failed", group);
	return dh_wrap(group, key);
}

/* Build an EVP_PKEY of @type from the params made by @bld. */
static EVP_PKEY *
pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld, int selection)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (params == NULL)
		return NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, selection, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

/* The public value of a private scalar: g^x mod p, or x*G as 04|x|y. */
/* The builder keeps pointers, not copies: @pt and *@y (MODP) must live
 * until the params are built; the caller frees *@y. */
static int
dh_pub_from_priv(uint16_t group, const BIGNUM *x, OSSL_PARAM_BLD *bld,
		 uint8_t *pt, size_t ptsz, BIGNUM **y)
{
	BN_CTX *bnctx = BN_CTX_new();
	BIGNUM *p = NULL, *g = NULL;
	EC_GROUP *ecg = NULL;
	EC_POINT *pub = NULL;
	size_t n;
	int rc = -EIO;

	if (bnctx == NULL)
		return -ENOMEM;
	if (group == MIF_IKE_DH_MODP_2048) {
		p = BN_get_rfc3526_prime_2048(NULL);
		g = BN_new();
		*y = BN_new();
		if (p == NULL || g == NULL || *y == NULL ||
		    !BN_set_word(g, 2) ||
		    !BN_mod_exp(*y, g, x, p, bnctx) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, *y))
			goto out;
		rc = 0;
		goto out;
	}
	ecg = EC_GROUP_new_by_curve_name(group == MIF_IKE_DH_ECP_256 ?
					 NID_X9_62_prime256v1 : NID_secp384r1);
	if (ecg == NULL || (pub = EC_POINT_new(ecg)) == NULL ||
	    !EC_POINT_mul(ecg, pub, x, NULL, NULL, bnctx))
		goto out;
	n = EC_POINT_point2oct(ecg, pub, POINT_CONVERSION_UNCOMPRESSED, pt,
			       ptsz, bnctx);
	if (n == 0 || !OSSL_PARAM_BLD_push_octet_string(bld,
			OSSL_PKEY_PARAM_PUB_KEY, pt, n))
		goto out;
	rc = 0;
out:
	BN_free(p);
	BN_free(g);
	EC_POINT_free(pub);
	EC_GROUP_free(ecg);
	BN_CTX_free(bnctx);
	return rc;
}

struct mif_ike_dh *
mif_ike_dh_create_priv(uint16_t group, const uint8_t *priv, size_t len)
{
	const char *type, *name = dh_group_name(group, &type);
	uint8_t pt[1 + 2 * 48];
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *key = NULL;
	BIGNUM *x = NULL, *y = NULL;

	if (type == NULL || len == 0 || len > MIF_IKE_DH_MAX)
		goto out;
	if (group == MIF_IKE_DH_CURVE25519) {
		if (len == 32)
			key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519",
							      NULL, priv, len);
		goto out;
	}
	if ((x = BN_secure_new()) == NULL ||
	    BN_bin2bn(priv, (int)len, x) == NULL)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    dh_pub_from_priv(group, x, bld, pt, sizeof(pt), &y) != 0)
		goto out;
	key = pkey_fromdata(type, bld, EVP_PKEY_KEYPAIR);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(x);
	BN_free(y);
	if (key == NULL)
		MIF_LOG(ike, ERR, "DH group %u: private key import failed", group);
	return dh_wrap(group, key);
}

uint16_t
mif_ike_dh_group(const struct mif_ike_dh *dh)
{
	return dh->group;
}

int
mif_ike_dh_pub(const struct mif_ike_dh *dh, uint8_t *out, size_t cap,
	       size_t *len)
{
	size_t want = mif_ike_dh_pub_len(dh->group), n = 0;
	uint8_t pt[1 + 2 * 48];
	BIGNUM *y = NULL;
	int rc = -EIO;

	if (cap < want)
		return -ENOSPC;
	switch (dh->group) {
	case MIF_IKE_DH_MODP_2048:
		/* RFC 7296 3.4: left-padded with zeros to the prime size. */
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY,
					  &y) &&
		    BN_bn2binpad(y, out, (int)want) == (int)want)
			rc = 0;
		BN_free(y);
		break;
	case MIF_IKE_DH_ECP_256: case MIF_IKE_DH_ECP_384:
		/* RFC 5903 7: x | y, without the 0x04 point format. */
		if (EVP_PKEY_get_octet_string_param(dh->key,
				OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt,
				sizeof(pt), &n) && n == want + 1 &&
		    pt[0] == POINT_CONVERSION_UNCOMPRESSED) {
			memcpy(out, pt + 1, want);
			rc = 0;
		}
		break;
	case MIF_IKE_DH_CURVE25519:
		n = want;
		if (EVP_PKEY_get_raw_public_key(dh->key, out, &n) && n == want)
			rc = 0;
		break;
	}
	if (rc == 0)
		*len = want;
	return rc;
}

/* The peer's public value as an EVP_PKEY of our group, or NULL. */
static EVP_PKEY *
dh_peer_key(uint16_t group, const uint8_t *peer, size_t len)
{
	const char *type, *name = dh_group_name(group, &type);
	uint8_t pt[1 + 2 * 48];
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *key = NULL;
	BIGNUM *y = NULL;

	if (group == MIF_IKE_DH_CURVE25519)
		return EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
						      peer, len);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     name, 0))
		goto out;
	if (group == MIF_IKE_DH_MODP_2048) {
		if ((y = BN_bin2bn(peer, (int)len, NULL)) == NULL ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
			goto out;
	} else {
		pt[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(pt + 1, peer, len);
		if (!OSSL_PARAM_BLD_push_octet_string(bld,
				OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1))
			goto out;
	}
	key = pkey_fromdata(type, bld, EVP_PKEY_PUBLIC_KEY);
out:
	BN_free(y);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

/* The quick public-key check: for ECP the point is on the curve and not
 * at infinity (P-256 and P-384 have cofactor 1, so the full check's
 * n * Q = O adds a scalar multiplication and nothing else); for MODP the
 * value is in 2..p-2, which for a safe prime excludes the only small
 * subgroup. X25519 needs none: a low-order point makes derive fail on
 * the all-zero result. */
static int
dh_peer_check(uint16_t group, EVP_PKEY *pk)
{
	EVP_PKEY_CTX *c;
	int ok;

	if (group == MIF_IKE_DH_CURVE25519)
		return 0;
	if ((c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL)
		return -ENOMEM;
	ok = EVP_PKEY_public_check_quick(c);
	EVP_PKEY_CTX_free(c);
	return ok == 1 ? 0 : -EBADMSG;
}

int
mif_ike_dh_derive(struct mif_ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  uint8_t *out, size_t cap, size_t *len)
{
	size_t want = mif_ike_dh_pub_len(dh->group), n;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	int rc = -EBADMSG;

	/* The secret has the size of the prime or of x (RFC 5903 7),
	 * which is the public length or half of it for ECP. */
	if (dh->group == MIF_IKE_DH_ECP_256 || dh->group == MIF_IKE_DH_ECP_384)
		n = want / 2;
	else
		n = want;
	if (peer_len != want) {
		MIF_LOG(ike, DEBUG, "DH group %u: peer value of %zu bytes, expected %zu",
			dh->group, peer_len, want);
		return -EBADMSG;
	}
	if (cap < n)
		return -ENOSPC;
	if ((pk = dh_peer_key(dh->group, peer, peer_len)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) <= 0) {
		rc = -EIO;
		goto out;
	}
	if (dh->group == MIF_IKE_DH_MODP_2048 &&
	    EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0) {
		rc = -EIO;
		goto out;
	}
	if (dh_peer_check(dh->group, pk) != 0 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) <= 0)
		goto out;
	*len = cap;
	if (EVP_PKEY_derive(ctx, out, len) <= 0 || *len != n) {
		OPENSSL_cleanse(out, cap);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		MIF_LOG(ike, DEBUG, "DH group %u: peer value rejected", dh->group);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

void
mif_ike_dh_destroy(struct mif_ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}
