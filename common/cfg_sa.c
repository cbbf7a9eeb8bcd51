/* SPDX-License-Identifier: BSD-3-Clause */
/* The "sas" section: manually keyed ESP SAs (docs/configuration.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_internal.h"
#include "common/cfg_sa.h"
#include "common/cfg_sa_paths.h"
#include "common/cfg_spd.h"

static const char *const dir_names[] = { "in", "out", NULL };
static const char *const mode_names[] = { "tunnel", "transport", NULL };
static const char *const cipher_names[] = {
	"null", "aes-cbc-128", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256",
	NULL
};
static const char *const auth_names[] = {
	"none", "hmac-sha1-96", "hmac-sha256-128", NULL
};
static const char *const encap_names[] = { "none", "udp", NULL };
static const char *const df_names[] = { "copy", "clear", "set", NULL };

/* Key bytes per cipher and HMAC key bytes per auth (RFC 2404: 20,
 * RFC 4868: 32). */
static const uint8_t cipher_key_len[] = { 0, 16, 32, 16, 32 };
static const uint8_t auth_key_len[] = { 0, 20, 32 };

static bool
is_gcm(enum mif_cfg_sa_cipher c)
{
	return c == MIF_CFG_SA_AES_GCM_128 || c == MIF_CFG_SA_AES_GCM_256;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits, an optional "0x" in front and ':' between bytes allowed.
 * @return the byte count, or -1. */
static int
hex_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi, lo;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s != '\0') {
		if (*s == ':' && n > 0) {
			s++;
			continue;
		}
		if ((hi = hex_nibble(s[0])) < 0 || (lo = hex_nibble(s[1])) < 0 ||
		    n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (int)n;
}

/* A hex string of exactly @p want bytes. The error never shows the
 * value: these members carry key material. */
static int
get_hex(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	uint8_t *out, size_t want)
{
	const config_setting_t *s;
	uint8_t buf[MIF_CFG_SA_AUTH_KEY_MAX];
	int rc, n;

	if ((rc = mif_cfg_member(ctx, g, key, true, "a hex string", &s)) != 0)
		return rc;
	n = -1;
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		n = hex_decode(config_setting_get_string(s), buf, sizeof(buf));
	if (n != (int)want)
		rc = mif_cfg_err(ctx, s, "expected %zu bytes in hex (%zu digits), got something else (value not shown)",
				 want, want * 2);
	else
		memcpy(out, buf, want);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int
get_enum(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 const char *const names[], bool required, const char *expected,
	 int *idx)
{
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, key, required, expected, &s)) != 0)
		return required ? rc : 0;
	return mif_cfg_as_enum(ctx, s, names, idx);
}

static int
get_bool(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 bool *v)
{
	const config_setting_t *s;

	if (mif_cfg_member(ctx, g, key, false, NULL, &s) != 0)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return mif_cfg_err_got(ctx, s, "true or false");
	*v = config_setting_get_bool(s) != 0;
	return 0;
}

/* An integer of up to 64 bits ("L" suffix in libconfig), >= 0. */
static int
get_u64(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	uint64_t *v)
{
	const config_setting_t *s;
	int type;

	if (mif_cfg_member(ctx, g, key, false, NULL, &s) != 0)
		return 0;
	type = config_setting_type(s);
	if ((type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) ||
	    config_setting_get_int64(s) < 0)
		return mif_cfg_err_got(ctx, s, "an integer >= 0 (0: no limit)");
	*v = (uint64_t)config_setting_get_int64(s);
	return 0;
}

static int
get_life(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 struct mif_cfg_sa_life *l)
{
	static const char *const allowed[] = {
		"bytes", "packets", "seconds", NULL
	};
	const config_setting_t *s;
	int rc;

	if (mif_cfg_member(ctx, g, key, false, NULL, &s) != 0)
		return 0;
	if ((rc = mif_cfg_as_group(ctx, s, "lifetime settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, allowed)) != 0 ||
	    (rc = get_u64(ctx, s, "bytes", &l->bytes)) != 0 ||
	    (rc = get_u64(ctx, s, "packets", &l->packets)) != 0)
		return rc;
	return get_u64(ctx, s, "seconds", &l->seconds);
}

/* RFC 4303 2.1: 0 is reserved for local use, 1..255 by IANA. An SPI
 * above 2^31 needs "L" or a string in libconfig, so both are taken. */
static int
get_spi(struct mif_cfg_ctx *ctx, const config_setting_t *g, uint32_t *spi)
{
	const config_setting_t *s;
	long long v = -1;
	char *end;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "spi", true, "an SPI", &s)) != 0)
		return rc;
	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		v = config_setting_get_int64(s);
	} else if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		errno = 0;
		v = strtoll(config_setting_get_string(s), &end, 0);
		if (errno != 0 || *end != '\0' ||
		    config_setting_get_string(s)[0] == '\0')
			v = -1;
	}
	if (v < 256 || v > UINT32_MAX)
		return mif_cfg_err_got(ctx, s, "an SPI in 256..4294967295 (0x100..0xffffffff)");
	*spi = (uint32_t)v;
	return 0;
}

static int
get_addrs(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	  struct mif_cfg_sa *sa)
{
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "local", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &sa->local)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "remote", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &sa->remote)) != 0)
		return rc;
	if (!mif_cfg_addr_unicast(&sa->remote))
		return mif_cfg_err_got(ctx, s, "a unicast address");
	if (sa->remote.family != sa->local.family)
		return mif_cfg_err_got(ctx, s, "an address of the family of local (%s)",
				       sa->local.family == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

/* Cipher, auth and their keys; the combinations RFC 4106/4303 allow. */
static int
get_crypto(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   struct mif_cfg_sa *sa)
{
	const config_setting_t *s;
	int rc, idx = 0;

	if ((rc = get_enum(ctx, g, "cipher", cipher_names, true,
			   "a cipher", &idx)) != 0)
		return rc;
	sa->cipher = (enum mif_cfg_sa_cipher)idx;
	idx = MIF_CFG_SA_AUTH_NONE;
	if ((rc = get_enum(ctx, g, "auth", auth_names, false, NULL,
			   &idx)) != 0)
		return rc;
	sa->auth = (enum mif_cfg_sa_auth)idx;
	s = config_setting_get_member(g, "auth");
	if (is_gcm(sa->cipher) && sa->auth != MIF_CFG_SA_AUTH_NONE)
		return mif_cfg_err(ctx, s, "AES-GCM authenticates itself: auth must be \"none\" or absent");
	if (!is_gcm(sa->cipher) && sa->auth == MIF_CFG_SA_AUTH_NONE)
		return mif_cfg_err_missing(ctx, g, "auth",
					   "\"hmac-sha1-96\" or \"hmac-sha256-128\" with this cipher");

	sa->key_len = cipher_key_len[sa->cipher];
	if (sa->key_len > 0 &&
	    (rc = get_hex(ctx, g, "key", sa->key, sa->key_len)) != 0)
		return rc;
	if (sa->key_len == 0 &&
	    (s = config_setting_get_member(g, "key")) != NULL)
		return mif_cfg_err(ctx, s, "cipher \"null\" takes no key");
	if (is_gcm(sa->cipher)) {
		if ((rc = get_hex(ctx, g, "salt", sa->salt, 4)) != 0)
			return rc;
	} else if ((s = config_setting_get_member(g, "salt")) != NULL) {
		return mif_cfg_err(ctx, s, "salt is only for AES-GCM");
	}
	sa->auth_key_len = auth_key_len[sa->auth];
	if (sa->auth_key_len > 0)
		return get_hex(ctx, g, "auth_key", sa->auth_key,
			       sa->auth_key_len);
	if ((s = config_setting_get_member(g, "auth_key")) != NULL)
		return mif_cfg_err(ctx, s, "auth_key needs an auth algorithm");
	return 0;
}

static int
get_encap(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	  struct mif_cfg_sa *sa)
{
	unsigned int sport = MIF_CFG_SA_DEF_PORT, dport = MIF_CFG_SA_DEF_PORT;
	const config_setting_t *s;
	int rc, idx = 0;

	if ((rc = get_enum(ctx, g, "encap", encap_names, false, NULL,
			   &idx)) != 0)
		return rc;
	sa->udp_encap = idx == 1;
	if (!sa->udp_encap) {
		if ((s = config_setting_get_member(g, "sport")) != NULL ||
		    (s = config_setting_get_member(g, "dport")) != NULL)
			return mif_cfg_err(ctx, s, "ports need encap = \"udp\"");
	}
	if ((rc = mif_cfg_get_uint(ctx, g, "sport", 1, UINT16_MAX,
				   &sport)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "dport", 1, UINT16_MAX,
				   &dport)) != 0)
		return rc;
	sa->sport = (uint16_t)sport;
	sa->dport = (uint16_t)dport;
	return 0;
}

static int
life_check(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   const struct mif_cfg_sa *sa)
{
	const struct mif_cfg_sa_life *a = &sa->soft, *b = &sa->hard;

	/* A soft limit at or past the hard one would never warn. */
	if ((a->bytes != 0 && b->bytes != 0 && a->bytes >= b->bytes) ||
	    (a->packets != 0 && b->packets != 0 && a->packets >= b->packets) ||
	    (a->seconds != 0 && b->seconds != 0 && a->seconds >= b->seconds))
		return mif_cfg_err(ctx, config_setting_get_member(g, "soft"),
				   "each soft limit must be below its hard limit");
	return 0;
}

static int
get_window(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   struct mif_cfg_sa *sa)
{
	const config_setting_t *s = config_setting_get_member(g,
							       "replay_window");
	int rc;

	sa->replay_window = MIF_CFG_SA_DEF_WIN;
	if (s != NULL && sa->out)
		return mif_cfg_err(ctx, s, "replay_window is for dir = \"in\"");
	if ((rc = mif_cfg_get_uint(ctx, g, "replay_window", 0,
				   MIF_CFG_SA_WIN_MAX,
				   &sa->replay_window)) != 0)
		return rc;
	/* RFC 4303 2.2.1: the high half is inferred from the window. */
	if (s != NULL && sa->esn && sa->replay_window == 0)
		return mif_cfg_err(ctx, s, "ESN needs a replay window (not 0)");
	return 0;
}

static int
sa_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	 struct mif_cfg_sa *sa)
{
	static const char *const allowed[] = {
		"name", "spi", "dir", "mode", "local", "remote", "cipher",
		"key", "salt", "auth", "auth_key", "esn", "replay_window",
		"encap", "sport", "dport", "df", "soft", "hard", "paths",
		"path_policy", "failback", "fragment", NULL
	};
	const config_setting_t *s;
	int rc, idx;

	if ((rc = mif_cfg_as_group(ctx, g, "SA settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0)
		return rc;
	sa->line = mif_cfg_line(g);
	if ((rc = mif_cfg_member(ctx, g, "name", true, "an SA name",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_name(ctx, s, sa->name, sizeof(sa->name))) != 0 ||
	    (rc = get_spi(ctx, g, &sa->spi)) != 0)
		return rc;
	if ((rc = get_enum(ctx, g, "dir", dir_names, true,
			   "\"in\" or \"out\"", &idx)) != 0)
		return rc;
	sa->out = idx == 1;
	idx = 0;
	if ((rc = get_enum(ctx, g, "mode", mode_names, false, NULL,
			   &idx)) != 0)
		return rc;
	sa->transport = idx == 1;
	idx = 0;
	if ((rc = get_addrs(ctx, g, sa)) != 0 ||
	    (rc = get_crypto(ctx, g, sa)) != 0 ||
	    (rc = get_bool(ctx, g, "esn", &sa->esn)) != 0 ||
	    (rc = get_bool(ctx, g, "fragment", &sa->fragment)) != 0 ||
	    (rc = get_window(ctx, g, sa)) != 0 ||
	    (rc = get_encap(ctx, g, sa)) != 0 ||
	    (rc = get_enum(ctx, g, "df", df_names, false, NULL, &idx)) != 0)
		return rc;
	sa->df = (enum mif_cfg_sa_df)idx;
	if ((rc = get_life(ctx, g, "soft", &sa->soft)) != 0 ||
	    (rc = get_life(ctx, g, "hard", &sa->hard)) != 0)
		return rc;
	if ((rc = mif_cfg_sa_paths_parse(ctx, g, sa)) != 0)
		return rc;
	return life_check(ctx, g, sa);
}

/* Names are unique, and so is (dir in, SPI): the SAD keys on it. */
static int
sa_dup_check(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	     unsigned int i)
{
	const struct mif_cfg_sa *sas = ctx->cfg->sas, *b = &sas[i];
	unsigned int j;

	for (j = 0; j < i; j++) {
		if (strcmp(sas[j].name, b->name) == 0)
			return mif_cfg_err_got(ctx, config_setting_get_member(g, "name"),
					       "a name not used before (sas[%u])", j);
		if (!b->out && !sas[j].out && sas[j].spi == b->spi)
			return mif_cfg_err(ctx, config_setting_get_member(g, "spi"),
					   "inbound SPI 0x%x is already used by sas[%u]",
					   b->spi, j);
	}
	return 0;
}

int
mif_cfg_parse_sas(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, true, 0, MIF_CFG_MAX_SAS,
				 "SA groups")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	if (n == 0)
		return 0;
	cfg->sas = calloc(n, sizeof(*cfg->sas));
	if (cfg->sas == NULL)
		return mif_cfg_err(ctx, s, "out of memory for %u SAs", n);
	cfg->n_sas = n;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, i);

		if ((rc = sa_parse(ctx, g, &cfg->sas[i])) != 0 ||
		    (rc = sa_dup_check(ctx, g, i)) != 0)
			return rc;
	}
	return 0;
}

int
mif_cfg_sa_find(const struct mif_cfg *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_sas; i++)
		if (strcmp(cfg->sas[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* True when @p a is an address of some port. */
static bool
is_own_addr(const struct mif_cfg *cfg, const struct mif_addr *a)
{
	unsigned int p, i;

	for (p = 0; p < cfg->n_ports; p++)
		for (i = 0; i < cfg->ports[p].n_addrs; i++)
			if (mif_addr_eq(&cfg->ports[p].addrs[i].addr, a))
				return true;
	return false;
}

int
mif_cfg_link_sas(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	const struct mif_cfg *cfg = ctx->cfg;
	unsigned int i;

	/* ESP for an inbound SA must reach us, and what we send must come
	 * from an address the peer can answer. */
	for (i = 0; i < cfg->n_sas; i++)
		if (!is_own_addr(cfg, &cfg->sas[i].local))
			return mif_cfg_err_got(ctx,
					       config_setting_get_member(config_setting_get_elem(s, i), "local"),
					       "an address of one of the ports");
	return 0;
}

/* A PROTECT policy names an SA of its own direction: "out" policies
 * outbound SAs, "in" policies (the inbound SA's selectors) inbound. */
int
mif_cfg_link_policies(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	const struct mif_cfg *cfg = ctx->cfg;
	const struct mif_cfg_policy *p;
	const config_setting_t *g;
	unsigned int i;
	int k;

	for (i = 0; i < cfg->n_policies; i++) {
		p = &cfg->policies[i];
		if (p->action != MIF_CFG_POLICY_PROTECT)
			continue;
		g = config_setting_get_member(config_setting_get_elem(s, i),
					      "sa");
		k = mif_cfg_sa_find(cfg, p->sa);
		if (k < 0)
			return mif_cfg_err_got(ctx, g, "the name of an SA in \"sas\"");
		if (cfg->sas[k].out != (p->dir == MIF_CFG_POLICY_OUT))
			return mif_cfg_err_got(ctx, g, "an SA with dir = \"%s\" (the policy's direction)",
					       p->dir == MIF_CFG_POLICY_OUT ? "out" : "in");
	}
	return 0;
}
