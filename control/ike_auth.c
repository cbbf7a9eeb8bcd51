/* SPDX-License-Identifier: BSD-3-Clause */
/* AUTH payload computation (RFC 7296 2.15). */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

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
