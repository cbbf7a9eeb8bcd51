/* SPDX-License-Identifier: BSD-3-Clause */
/* Costs of the IKE core, one thread: DH per group (key generation plus
 * shared secret, what a responder pays per IKE_SA_INIT), key derivation,
 * SK seal and open, PSK AUTH, and parsing strongSwan's IKE_SA_INIT. The
 * last line sums one responder's crypto for an IKE SA with group 19,
 * AES-GCM and PSK, the ceiling on IKE SAs per second per core that the
 * daemon's own work will lower. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_log.h>

#include "control/ike_auth.h"
#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "tests/unit/ike_strongswan_init.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run @fn until @secs have passed; microseconds per call. */
static double
measure(const char *name, void (*fn)(void), double secs)
{
	double t0 = now(), t;
	unsigned long n = 0;

	do {
		fn();
		n++;
	} while ((t = now() - t0) < secs);
	printf("%-34s %10.1f us/op %10.0f op/s\n", name, t * 1e6 / n, n / t);
	return t * 1e6 / n;
}

static uint16_t cur_group;
static uint8_t peer_pub[MIF_IKE_DH_MAX];
static size_t peer_len;

static void
dh_once(void)
{
	uint8_t pub[MIF_IKE_DH_MAX], sec[MIF_IKE_DH_MAX];
	struct mif_ike_dh *dh = mif_ike_dh_create(cur_group);
	size_t n;

	if (dh == NULL || mif_ike_dh_pub(dh, pub, sizeof(pub), &n) ||
	    mif_ike_dh_derive(dh, peer_pub, peer_len, sec, sizeof(sec), &n))
		abort();
	mif_ike_dh_destroy(dh);
}

static const struct mif_ike_algs gcm = {
	.encr = MIF_IKE_ENCR_AES_GCM_16, .encr_keylen = 256,
	.prf = MIF_IKE_PRF_HMAC_SHA2_256, .dh = MIF_IKE_DH_ECP_256,
};
static const struct mif_ike_algs cbc = {
	.encr = MIF_IKE_ENCR_AES_CBC, .encr_keylen = 256,
	.prf = MIF_IKE_PRF_HMAC_SHA2_256,
	.integ = MIF_IKE_INTEG_HMAC_SHA2_256_128, .dh = MIF_IKE_DH_ECP_256,
};
static struct mif_ike_sa_keys keys;
static uint8_t ni[32], nr[32], gir[32];

static void
derive_once(void)
{
	uint8_t seed[MIF_IKE_PRF_MAX];

	if (mif_ike_skeyseed(gcm.prf, ni, 32, nr, 32, gir, 32, seed) ||
	    mif_ike_keys_derive(&keys, &gcm, seed, ni, 32, nr, 32, 1, 2))
		abort();
}

/* An IKE_AUTH-sized SK payload: 400 bytes of inner payloads. */
static void
seal_open_once(void)
{
	static const struct mif_ike_hdr h = {
		.ispi = 1, .rspi = 2, .exchange = MIF_IKE_EXCH_AUTH,
	};
	uint8_t buf[1024], plain[1024], body[396] = { 0 };
	struct mif_ike_gen g;
	size_t len, n;

	if (mif_ike_gen_init(&g, buf, sizeof(buf), &h) ||
	    mif_ike_gen_sk_begin(&g, keys.iv_len) ||
	    mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, body, sizeof(body)) ||
	    mif_ike_gen_finish(&g, &len) ||
	    mif_ike_sk_seal(&keys, true, buf, sizeof(buf), g.sk_off, &len) ||
	    mif_ike_sk_open(&keys, true, buf, len, g.sk_off, plain,
			    sizeof(plain), &n))
		abort();
}

static void
auth_once(void)
{
	static uint8_t msg[1012], id[24];
	struct mif_ike_auth_in in = {
		.prf = MIF_IKE_PRF_HMAC_SHA2_256, .msg = msg,
		.msg_len = sizeof(msg), .peer_nonce = ni, .peer_nonce_len = 32,
		.sk_p = keys.sk_pi, .sk_p_len = 32, .id = id, .id_len = 24,
	};
	uint8_t out[64];
	size_t n;

	if (mif_ike_auth_psk(&in, (const uint8_t *)"psk", 3, out, sizeof(out),
			     &n))
		abort();
}

static void
parse_once(void)
{
	static struct mif_ike_msg m;

	if (mif_ike_msg_parse(&m, ike_strongswan_init,
			      sizeof(ike_strongswan_init), NULL))
		abort();
}

int
main(int argc, char **argv)
{
	static const uint16_t groups[] = {
		MIF_IKE_DH_MODP_2048, MIF_IKE_DH_ECP_256, MIF_IKE_DH_ECP_384,
		MIF_IKE_DH_CURVE25519,
	};
	double secs = argc > 1 ? atof(argv[1]) : 1.0, dh19 = 0, total;
	struct mif_ike_dh *peer;
	char name[64];
	unsigned int i;

	rte_log_set_global_level(RTE_LOG_ERR);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		cur_group = groups[i];
		peer = mif_ike_dh_create(cur_group);
		if (peer == NULL || mif_ike_dh_pub(peer, peer_pub,
						   sizeof(peer_pub), &peer_len))
			return 1;
		mif_ike_dh_destroy(peer);
		snprintf(name, sizeof(name), "DH group %u keygen+derive",
			 cur_group);
		total = measure(name, dh_once, secs);
		if (cur_group == MIF_IKE_DH_ECP_256)
			dh19 = total;
	}
	total = dh19;
	total += measure("SKEYSEED + 7 keys (SHA2-256, GCM)", derive_once,
			 secs);
	total += measure("SK seal+open 400 B, AES-GCM-256", seal_open_once,
			 secs);
	if (mif_ike_keys_derive(&keys, &cbc, gir, ni, 32, nr, 32, 1, 2))
		return 1;
	measure("SK seal+open 400 B, AES-CBC+SHA256", seal_open_once, secs);
	total += 2 * measure("PSK AUTH over a 1012 B message", auth_once,
			 secs);
	total += 2 * measure("parse strongSwan IKE_SA_INIT", parse_once, secs);
	printf("%-34s %10.1f us/SA %10.0f SA/s (crypto+parse ceiling)\n",
	       "responder, group 19, GCM, PSK", total, 1e6 / total);
	mif_ike_keys_wipe(&keys);
	return 0;
}
