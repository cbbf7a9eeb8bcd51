/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key hygiene (issue 9): mif_sa_destroy() must leave no key byte in the
 * memory it hands back. The test is linked with -Wl,--wrap=free, so the
 * free() inside sa.c comes here first: while the block is still ours we
 * look at it, then release it. A wrapper is the only safe observer, as
 * reading the block after free() is itself undefined.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/esp_crypto.h"
#include "dataplane/sa.h"
#include "tests/unit/check.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const void *watched;
static size_t watched_len;
static size_t nonzero_at_free;
static bool seen;

void
__wrap_free(void *p)
{
	const uint8_t *b = p;
	size_t i;

	if (p != NULL && p == watched) {
		seen = true;
		nonzero_at_free = 0;
		for (i = 0; i < watched_len; i++)
			nonzero_at_free += b[i] != 0;
	}
	__real_free(p);
}

static const uint8_t zero[32];

static void
wipe_case(enum mif_sa_cipher c, enum mif_sa_auth a, const char *what)
{
	struct mif_sa_params p;
	struct mif_sa *sa;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.spi = 0x1000 + c;
	p.dir = MIF_SA_DIR_IN;
	p.mode = MIF_SA_MODE_TUNNEL;
	mif_addr_parse("192.0.2.1", &p.ep.local);
	mif_addr_parse("192.0.2.2", &p.ep.remote);
	p.cipher = c;
	p.key_len = 16;
	for (i = 0; i < sizeof(p.key); i++)
		p.key[i] = (uint8_t)(0xa0 + i);
	memcpy(p.salt, "\x5a\x17\x5a\x17", 4);
	p.auth = a;
	if (a != MIF_SA_AUTH_NONE) {
		p.auth_key_len = 32;
		for (i = 0; i < 32; i++)
			p.auth_key[i] = (uint8_t)(0x51 + i);
	}
	p.replay_win = 64;
	p.n_slots = 2;
	sa = mif_sa_create(&p);
	CHECK(sa != NULL);
	if (sa == NULL)
		return;
	/* Key material is there before destroy (else the test proves
	 * nothing): the salt for GCM, the HMAC pads for CBC. */
	CHECK(sa->alloc_size > sizeof(*sa->keys));
	if (c == MIF_SA_CIPHER_AES_GCM16)
		CHECK_MEM(sa->keys->salt, p.salt, 4);
	else
		CHECK(memcmp(sa->keys->cbc.ipad, zero, 32) != 0);
	watched = sa;
	watched_len = sa->alloc_size;
	seen = false;
	mif_sa_destroy(sa);
	CHECK(seen);
	printf("%s: %zu-byte SA block, %zu nonzero bytes at free()\n", what,
	       watched_len, nonzero_at_free);
	CHECK_EQ(nonzero_at_free, 0);
	watched = NULL;
	explicit_bzero(&p, sizeof(p));
}

int
main(void)
{
	wipe_case(MIF_SA_CIPHER_AES_GCM16, MIF_SA_AUTH_NONE, "aes-gcm-16");
	wipe_case(MIF_SA_CIPHER_AES_CBC, MIF_SA_AUTH_HMAC_SHA256_128,
		  "aes-cbc + hmac-sha256");
	CHECK_DONE();
}
