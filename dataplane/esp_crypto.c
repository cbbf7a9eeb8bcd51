/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "common/log.h"
#include "dataplane/esp_crypto.h"

#define HMAC_BLOCK	64

/* Key expansion runs on the control thread only, with its own manager;
 * workers never touch this one. */
static IMB_MGR *ctl_mgr;

static const char *const drop_names[MIF_ESP_DROP_MAX] = {
	[MIF_ESP_DROP_NO_SA] = "no_sa",
	[MIF_ESP_DROP_NOT_ESP] = "not_esp",
	[MIF_ESP_DROP_BAD_LEN] = "bad_len",
	[MIF_ESP_DROP_KEEPALIVE] = "natt_keepalive",
	[MIF_ESP_DROP_NONLINEAR] = "segmented",
	[MIF_ESP_DROP_NOSPACE] = "no_room",
	[MIF_ESP_DROP_CRYPTO] = "crypto_error",
	[MIF_ESP_DROP_UNSUPPORTED] = "unsupported",
	[MIF_ESP_DROP_DUMMY] = "dummy",
	[MIF_ESP_DROP_FRAGMENT] = "fragment",
};

const char *
mif_esp_drop_name(enum mif_esp_drop reason)
{
	return reason < MIF_ESP_DROP_MAX ? drop_names[reason] : "?";
}

static IMB_MGR *
mgr_new(void)
{
	IMB_MGR *m;

	m = alloc_mb_mgr(0);
	if (m == NULL) {
		MIF_LOG(esp, ERR, "alloc_mb_mgr failed");
		return NULL;
	}
	init_mb_mgr_auto(m, NULL);
	if (imb_get_errno(m) != 0) {
		MIF_LOG(esp, ERR, "init_mb_mgr_auto: %s",
			imb_get_strerror(imb_get_errno(m)));
		free_mb_mgr(m);
		return NULL;
	}
	return m;
}

struct mif_esp_ctx *
mif_esp_ctx_create(unsigned int slot, int socket)
{
	struct mif_esp_ctx *ctx;

	ctx = rte_zmalloc_socket("mif_esp_ctx", sizeof(*ctx),
				 RTE_CACHE_LINE_SIZE, socket);
	if (ctx == NULL) {
		MIF_LOG(esp, ERR, "slot %u: no memory for the context", slot);
		return NULL;
	}
	ctx->slot = slot;
	ctx->mgr = mgr_new();
	if (ctx->mgr == NULL) {
		rte_free(ctx);
		return NULL;
	}
	return ctx;
}

void
mif_esp_ctx_destroy(struct mif_esp_ctx *ctx)
{
	if (ctx == NULL)
		return;
	free_mb_mgr(ctx->mgr);
	/* The scratch held nonces and ICVs: not keys, but wipe anyway. */
	explicit_bzero(ctx, sizeof(*ctx));
	rte_free(ctx);
}

static void
hmac_pre(IMB_MGR *m, struct mif_sa_keys *k, const struct mif_sa_params *p)
{
	uint8_t blk[HMAC_BLOCK];
	unsigned int i, pass;

	/* RFC 2104: the inner and outer hash states after one block of
	 * key ^ ipad / key ^ opad are all the per-packet HMAC needs. */
	for (pass = 0; pass < 2; pass++) {
		uint8_t x = pass == 0 ? 0x36 : 0x5c;
		uint8_t *out = pass == 0 ? k->cbc.ipad : k->cbc.opad;

		memset(blk, x, sizeof(blk));
		for (i = 0; i < p->auth_key_len; i++)
			blk[i] ^= p->auth_key[i];
		if (p->auth == MIF_SA_AUTH_HMAC_SHA1_96)
			IMB_SHA1_ONE_BLOCK(m, blk, out);
		else
			IMB_SHA256_ONE_BLOCK(m, blk, out);
	}
	explicit_bzero(blk, sizeof(blk));
}

int
mif_esp_keys_init(struct mif_sa_keys *k, const struct mif_sa_params *p)
{
	uint8_t ivk[16], scratch[16 * 15] __rte_aligned(16);
	int rc = 0;

	if (ctl_mgr == NULL && (ctl_mgr = mgr_new()) == NULL)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));

	if (p->cipher == MIF_SA_CIPHER_AES_GCM16) {
		if (p->key_len == 16)
			IMB_AES128_GCM_PRE(ctl_mgr, p->key, &k->gcm);
		else
			IMB_AES256_GCM_PRE(ctl_mgr, p->key, &k->gcm);
		memcpy(k->salt, p->salt, sizeof(k->salt));
		goto out;
	}

	if (p->cipher == MIF_SA_CIPHER_AES_CBC) {
		if (p->key_len == 16)
			IMB_AES_KEYEXP_128(ctl_mgr, p->key, k->cbc.enc,
					   k->cbc.dec);
		else
			IMB_AES_KEYEXP_256(ctl_mgr, p->key, k->cbc.enc,
					   k->cbc.dec);
		if (getrandom(ivk, sizeof(ivk), 0) != sizeof(ivk)) {
			rc = -EIO;
			MIF_LOG(esp, ERR, "spi 0x%08x: getrandom for the IV key failed",
				p->spi);
			goto out;
		}
		IMB_AES_KEYEXP_128(ctl_mgr, ivk, k->cbc.iv_key, scratch);
	}
	hmac_pre(ctl_mgr, k, p);
out:
	explicit_bzero(ivk, sizeof(ivk));
	explicit_bzero(scratch, sizeof(scratch));
	return rc;
}

void
mif_esp_cbc_iv(IMB_MGR *mgr, const struct mif_sa *sa, uint64_t seq,
	       uint8_t iv[16])
{
	static const uint8_t zero[16];
	uint8_t blk[16] __rte_aligned(16);
	uint64_t s = rte_cpu_to_be_64(seq);
	uint32_t spi = rte_cpu_to_be_32(sa->spi);

	/* CFB of a zero block is E(iv_key, blk): distinct per (spi, seq),
	 * unpredictable without the random IV key. */
	memset(blk, 0, sizeof(blk));
	memcpy(blk, &s, sizeof(s));
	memcpy(blk + 8, &spi, sizeof(spi));
	IMB_AES128_CFB_ONE(mgr, iv, zero, blk, sa->keys->cbc.iv_key, 16);
}

static void
fill_gcm(IMB_JOB *job, const struct mif_sa *sa, const struct mif_esp_job *j)
{
	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->key_len_in_bytes = sa->key_len;
	job->enc_keys = &sa->keys->gcm;
	job->dec_keys = &sa->keys->gcm;
	job->hash_start_src_offset_in_bytes = j->ct_off;
	job->msg_len_to_hash_in_bytes = j->ct_len;
	job->iv_len_in_bytes = 12;
	job->u.GCM.aad = j->aad;
	/* RFC 4106 5: 8 bytes, or 12 with the ESN high half. */
	job->u.GCM.aad_len_in_bytes = sa->esn ? 12 : 8;
	job->auth_tag_output_len_in_bytes = 16;
}

static void
fill_hmac(IMB_JOB *job, const struct mif_sa *sa, const struct mif_esp_job *j)
{
	job->hash_alg = sa->auth == MIF_SA_AUTH_HMAC_SHA1_96 ?
		IMB_AUTH_HMAC_SHA_1 : IMB_AUTH_HMAC_SHA_256;
	job->hash_start_src_offset_in_bytes = j->esp_off;
	job->msg_len_to_hash_in_bytes = j->auth_len;
	job->u.HMAC._hashed_auth_key_xor_ipad = sa->keys->cbc.ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = sa->keys->cbc.opad;
	job->auth_tag_output_len_in_bytes = sa->icv_len;
	if (sa->cipher == MIF_SA_CIPHER_AES_CBC) {
		job->cipher_mode = IMB_CIPHER_CBC;
		job->key_len_in_bytes = sa->key_len;
		job->enc_keys = sa->keys->cbc.enc;
		job->dec_keys = sa->keys->cbc.dec;
		job->iv_len_in_bytes = 16;
	} else {
		job->cipher_mode = IMB_CIPHER_NULL;
		job->key_len_in_bytes = 0;
		job->iv_len_in_bytes = 0;
	}
}

void
mif_esp_job_fill(IMB_JOB *job, const struct mif_sa *sa,
		 const struct mif_esp_job *j)
{
	/* The library reads from src + offset but writes at dst itself. */
	job->src = j->buf;
	job->dst = j->buf + j->ct_off;
	job->cipher_start_src_offset_in_bytes = j->ct_off;
	job->msg_len_to_cipher_in_bytes = j->ct_len;
	job->iv = j->iv;
	job->auth_tag_output = j->tag;
	job->user_data = j->user;
	job->cipher_direction = j->encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	/* Encrypt-then-MAC outbound; verify (hash) before decrypt inbound. */
	job->chain_order = j->encrypt ? IMB_ORDER_CIPHER_HASH :
		IMB_ORDER_HASH_CIPHER;
	if (sa->cipher == MIF_SA_CIPHER_AES_GCM16)
		fill_gcm(job, sa, j);
	else
		fill_hmac(job, sa, j);
}
