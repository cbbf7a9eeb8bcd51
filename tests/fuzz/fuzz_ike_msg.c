/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the IKEv2 message parser and the payload parsers.
 * Each input is parsed as a whole message; when that succeeds, every
 * payload it found goes through its own parser (the message parser has
 * validated them, so a failure there is a contract breach and aborts),
 * the SK body is run through the decrypted-content walker and through
 * the SK length checks with fixed keys, and SA payloads are rebuilt and
 * parsed again to compare. The same bytes are also fed to each payload
 * parser directly, so their edge cases are reached without a valid
 * message around them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include <openssl/evp.h>

#include "control/ike_auth.h"
#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct mif_ike_sa_keys keys_gcm, keys_cbc;
static struct mif_ike_sa_props props, props2;
static struct mif_ike_msg msg;
static struct mif_ike_msg_stats stats;
static EVP_PKEY *sig_key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct mif_ike_algs gcm = {
		.encr = MIF_IKE_ENCR_AES_GCM_16, .encr_keylen = 128,
		.prf = MIF_IKE_PRF_HMAC_SHA2_256,
	};
	static const struct mif_ike_algs cbc = {
		.encr = MIF_IKE_ENCR_AES_CBC, .encr_keylen = 256,
		.prf = MIF_IKE_PRF_HMAC_SHA2_256,
		.integ = MIF_IKE_INTEG_HMAC_SHA2_256_128,
	};
	uint8_t seed[32] = { 1 }, n[16] = { 2 };

	(void)argc;
	(void)argv;
	rte_log_set_global_level(RTE_LOG_EMERG);
	if (mif_ike_keys_derive(&keys_gcm, &gcm, seed, n, 16, n, 16, 1, 2) ||
	    mif_ike_keys_derive(&keys_cbc, &cbc, seed, n, 16, n, 16, 1, 2))
		abort();
	if ((sig_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		abort();
	return 0;
}

/* Rebuild a parsed SA and check that it reads back the same. */
static void
sa_round_trip(const struct mif_ike_sa_props *a)
{
	static uint8_t buf[65536];
	const struct mif_ike_xform *x, *y;
	struct mif_wr w;
	unsigned int i, j;

	mif_wr_init(&w, buf, sizeof(buf));
	if (mif_ike_pld_sa_build(&w, a) != 0)
		abort();
	if (mif_ike_pld_sa_parse(buf, w.len, &props2) != 0)
		abort();
	if (props2.nprops != a->nprops)
		abort();
	for (i = 0; i < a->nprops; i++) {
		if (props2.p[i].nxforms != a->p[i].nxforms ||
		    props2.p[i].num != a->p[i].num ||
		    props2.p[i].spi_size != a->p[i].spi_size ||
		    memcmp(props2.p[i].spi, a->p[i].spi, a->p[i].spi_size))
			abort();
		for (j = 0; j < a->p[i].nxforms; j++) {
			x = &a->p[i].x[j];
			y = &props2.p[i].x[j];
			if (x->type != y->type || x->id != y->id ||
			    x->keylen != y->keylen)
				abort();
		}
	}
}

/* Choose from the offer as a responder with two proposals would; a
 * choice must carry one transform per type and convert or be refused. */
static void
select_once(const struct mif_ike_sa_props *offer)
{
	static struct mif_ike_sa_props ours = {
		.nprops = 2,
		.p = {
			{ .num = 1, .proto = 1, .nxforms = 4, .x = {
				{ 1, false, 20, 128 }, { 1, false, 20, 256 },
				{ 2, false, 5, 0 }, { 4, false, 19, 0 } } },
			{ .num = 2, .proto = 3, .nxforms = 3, .x = {
				{ 1, false, 12, 256 }, { 3, false, 12, 0 },
				{ 5, false, 0, 0 } } },
		},
	};
	bool seen[6] = { false };
	struct mif_ike_prop c;
	struct mif_ike_algs a;
	unsigned int i;

	if (mif_ike_sa_select(offer, &ours, &c) != 0)
		return;
	for (i = 0; i < c.nxforms; i++) {
		if (c.x[i].type == 0 || c.x[i].type > 5 || seen[c.x[i].type])
			abort();
		seen[c.x[i].type] = true;
	}
	(void)mif_ike_algs_from_prop(&c, &a);
}

/* A payload the message parser accepted must parse on its own. */
static void
check_pld(const struct mif_ike_pld *p)
{
	struct mif_ike_ts_set ts;
	struct mif_ike_notify n;
	struct mif_ike_delete d;
	struct mif_ike_id id;
	struct mif_ike_ke ke;
	int rc = 0;

	switch (p->type) {
	case MIF_IKE_PLD_SA:
		rc = mif_ike_pld_sa_parse(p->body, p->len, &props);
		if (rc == 0) {
			sa_round_trip(&props);
			select_once(&props);
		}
		break;
	case MIF_IKE_PLD_TSI: case MIF_IKE_PLD_TSR:
		rc = mif_ike_pld_ts_parse(p->body, p->len, &ts);
		break;
	case MIF_IKE_PLD_NOTIFY:
		rc = mif_ike_pld_notify_parse(p->body, p->len, &n);
		if (rc == 0 && n.spi_size + n.data_len + 4 != p->len)
			abort();
		break;
	case MIF_IKE_PLD_DELETE:
		rc = mif_ike_pld_delete_parse(p->body, p->len, &d);
		if (rc == 0 && d.nspi > 0)
			(void)mif_ike_pld_delete_spi(&d, d.nspi - 1);
		break;
	case MIF_IKE_PLD_IDI: case MIF_IKE_PLD_IDR:
		rc = mif_ike_pld_id_parse(p->body, p->len, &id);
		break;
	case MIF_IKE_PLD_KE:
		rc = mif_ike_pld_ke_parse(p->body, p->len, &ke);
		break;
	}
	if (rc != 0)
		abort();
}

static void
check_sk(void)
{
	static uint8_t plain[65536];
	const struct mif_ike_pld *sk = &msg.pld[msg.sk];
	size_t n;

	/* The ICV will not verify, but every length check runs first. */
	if (sk->type == MIF_IKE_PLD_SKF) {
		(void)mif_ike_skf_open(&keys_gcm, true, msg.raw, msg.raw_len,
				       sk->off, plain, sizeof(plain), &n);
		(void)mif_ike_skf_open(&keys_cbc, false, msg.raw,
				       msg.raw_len, sk->off, plain,
				       sizeof(plain), &n);
	} else {
		(void)mif_ike_sk_open(&keys_gcm, true, msg.raw, msg.raw_len,
				      sk->off, plain, sizeof(plain), &n);
		(void)mif_ike_sk_open(&keys_cbc, false, msg.raw, msg.raw_len,
				      sk->off, plain, sizeof(plain), &n);
	}
	/* Treat the SK body as if it were the decrypted content. */
	memcpy(plain, sk->body, sk->len);
	(void)mif_ike_msg_parse_inner(&msg, plain, sk->len, &stats);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mif_ike_ts_set ts;
	struct mif_ike_notify n;
	struct mif_ike_delete d;
	unsigned int i;

	if (mif_ike_msg_parse(&msg, data, size, &stats) == 0) {
		if (msg.hdr.length != size || msg.npld > MIF_IKE_MSG_MAX_PLD)
			abort();
		for (i = 0; i < msg.npld; i++) {
			if (msg.pld[i].body < data ||
			    msg.pld[i].body + msg.pld[i].len > data + size)
				abort();
			check_pld(&msg.pld[i]);
		}
		if (msg.sk >= 0)
			check_sk();
		for (i = 0; i < msg.npld; i++)
			check_pld(&msg.pld[i]);
	}

	/* Each payload parser on the raw bytes. */
	if (size > UINT16_MAX)
		return 0;
	if (mif_ike_pld_sa_parse(data, size, &props) == 0)
		sa_round_trip(&props);
	(void)mif_ike_pld_ts_parse(data, size, &ts);
	(void)mif_ike_pld_notify_parse(data, size, &n);
	(void)mif_ike_pld_delete_parse(data, size, &d);
	(void)mif_ike_pld_skf_validate(data, size);
	/* Signature AUTH data; verification is slow, so only inputs that
	 * start with a plausible AlgorithmIdentifier length get that far. */
	if (size > 0 && (data[0] == 12 || data[0] == 15))
		(void)mif_ike_auth_sig_verify(sig_key, data, size, data, size);
	(void)mif_ike_pld_eap_validate(data, size);
	return 0;
}
