/* SPDX-License-Identifier: BSD-3-Clause */
/* The "ike" section: IKEv2 peers (common/cfg_ike.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_ike.h"
#include "common/cfg_internal.h"

/* IANA ids (RFC 7296 3.3.2, RFC 5282, RFC 4868, RFC 5903, RFC 8031). */
struct tok {
	const char *name;
	uint8_t kind;		/* 'e' encr, 'p' prf, 'i' integ, 'd' dh, 's' esn */
	uint16_t id;
	uint16_t keylen;
};

static const struct tok toks[] = {
	{ "aes128gcm16", 'e', 20, 128 }, { "aes256gcm16", 'e', 20, 256 },
	{ "aes128", 'e', 12, 128 }, { "aes256", 'e', 12, 256 },
	{ "prfsha256", 'p', 5, 0 }, { "prfsha384", 'p', 6, 0 },
	{ "prfsha512", 'p', 7, 0 },
	{ "sha256", 'i', 12, 0 }, { "sha384", 'i', 13, 0 },
	{ "sha512", 'i', 14, 0 }, { "sha1", 'i', 2, 0 },
	{ "modp2048", 'd', 14, 0 }, { "ecp256", 'd', 19, 0 },
	{ "ecp384", 'd', 20, 0 }, { "curve25519", 'd', 31, 0 },
	{ "x25519", 'd', 31, 0 }, { "esn", 's', 1, 0 }, { "noesn", 's', 0, 0 },
};

static int
prop_tok(const char *t, size_t len, bool esp, struct mif_cfg_ike_prop *p)
{
	const struct tok *k;
	size_t i;

	for (i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		k = &toks[i];
		if (strlen(k->name) != len || memcmp(k->name, t, len) != 0)
			continue;
		switch (k->kind) {
		case 'e':
			if (p->encr != 0)
				return -EINVAL;
			p->encr = k->id;
			p->keylen = k->keylen;
			return 0;
		case 'p':
			if (esp || p->prf != 0)
				return -EINVAL;
			p->prf = k->id;
			return 0;
		case 'i':
			if (p->integ != 0)
				return -EINVAL;
			p->integ = k->id;
			return 0;
		case 'd':
			/* XXX(#5): PFS groups in ESP proposals are refused;
			 * Child SAs take their keys from SK_d alone. */
			if (esp || p->dh != 0)
				return -EINVAL;
			p->dh = k->id;
			return 0;
		default:
			if (!esp)
				return -EINVAL;
			p->esn = k->id == 1;
			return 0;
		}
	}
	return -EINVAL;
}

int
mif_cfg_ike_prop_parse(const char *s, bool esp, struct mif_cfg_ike_prop *p)
{
	const char *t = s, *dash;
	bool aead;
	int rc;

	memset(p, 0, sizeof(*p));
	while (*t != '\0') {
		dash = strchr(t, '-');
		if (dash == NULL)
			dash = t + strlen(t);
		if ((rc = prop_tok(t, (size_t)(dash - t), esp, p)) != 0)
			return rc;
		t = *dash == '-' ? dash + 1 : dash;
	}
	if (p->encr == 0)
		return -EINVAL;
	aead = p->encr == 20;
	/* AEAD takes no integrity transform; CBC needs one. */
	if (aead != (p->integ == 0))
		return -EINVAL;
	if (!esp && p->prf == 0) {
		if (aead || p->integ == 2)
			return -EINVAL;
		/* "aes256-sha256-ecp256": the PRF follows the integrity hash,
		 * as strongSwan's proposal strings do. */
		p->prf = (uint16_t)(p->integ - 7);
	}
	if (!esp && p->dh == 0)
		return -EINVAL;
	/* The dataplane has HMAC-SHA1-96 and HMAC-SHA2-256-128 only. */
	if (esp && p->integ != 0 && p->integ != 2 && p->integ != 12)
		return -EINVAL;
	return 0;
}

/* An optional member: absent gives 0 with *out NULL. */
static int
opt_member(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   const char *key, const char *expected,
	   const config_setting_t **out)
{
	int rc = mif_cfg_member(ctx, g, key, false, expected, out);

	return rc == -ENOENT ? 0 : rc;
}

static int
props_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	    const char *key, bool esp, struct mif_cfg_ike_prop *out,
	    unsigned int *n)
{
	const config_setting_t *s, *e;
	const char *v;
	unsigned int i;
	int rc;

	if ((rc = opt_member(ctx, g, key, "a list", &s)) != 0)
		return rc;
	if (s == NULL) {
		/* Default: AES-GCM-16-256 with SHA-256 and ECP-256. */
		mif_cfg_ike_prop_parse(esp ? "aes256gcm16" :
				       "aes256gcm16-prfsha256-ecp256", esp,
				       &out[0]);
		*n = 1;
		return 0;
	}
	if ((rc = mif_cfg_as_seq(ctx, s, false, 1, MIF_CFG_IKE_MAX_PROPS,
				 "proposal strings")) != 0)
		return rc;
	*n = (unsigned int)config_setting_length(s);
	for (i = 0; i < *n; i++) {
		e = config_setting_get_elem(s, i);
		if ((rc = mif_cfg_as_str(ctx, e, 64, "a proposal", &v)) != 0)
			return rc;
		if (mif_cfg_ike_prop_parse(v, esp, &out[i]) != 0)
			return mif_cfg_err_got(ctx, e, esp ?
					       "an ESP proposal such as \"aes256gcm16\" or \"aes256-sha256\"" :
					       "an IKE proposal such as \"aes256gcm16-prfsha256-ecp256\"");
	}
	return 0;
}

static int
ts_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 struct mif_prefix *out, unsigned int *n)
{
	const config_setting_t *s;
	unsigned int i;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, key, true, "a list of prefixes",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_seq(ctx, s, false, 1, MIF_CFG_IKE_MAX_TS,
				 "prefixes")) != 0)
		return rc;
	*n = (unsigned int)config_setting_length(s);
	for (i = 0; i < *n; i++)
		if ((rc = mif_cfg_as_prefix(ctx, config_setting_get_elem(s, i),
					    false, &out[i])) != 0)
			return rc;
	return 0;
}

static int
child_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	    struct mif_cfg_ike_child *c)
{
	static const char *const allowed[] = { "name", "local_ts",
		"remote_ts", "mode", NULL };
	static const char *const modes[] = { "tunnel", "transport", NULL };
	const config_setting_t *s;
	int rc, mode = 0;

	if ((rc = mif_cfg_as_group(ctx, g, "child settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0 ||
	    (rc = mif_cfg_member(ctx, g, "name", true, "a name", &s)) != 0 ||
	    (rc = mif_cfg_as_name(ctx, s, c->name, sizeof(c->name))) != 0 ||
	    (rc = ts_parse(ctx, g, "local_ts", c->local_ts,
			   &c->n_local)) != 0 ||
	    (rc = ts_parse(ctx, g, "remote_ts", c->remote_ts,
			   &c->n_remote)) != 0 ||
	    (rc = opt_member(ctx, g, "mode", "a mode", &s)) != 0)
		return rc;
	if (s != NULL && (rc = mif_cfg_as_enum(ctx, s, modes, &mode)) != 0)
		return rc;
	c->transport = mode == 1;
	return 0;
}

static int
children_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	       struct mif_cfg_ike_peer *p)
{
	const config_setting_t *s;
	unsigned int i;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "children", true, "a list of groups",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_seq(ctx, s, true, 1, MIF_CFG_IKE_MAX_CHILDREN,
				 "child groups")) != 0)
		return rc;
	p->n_children = (unsigned int)config_setting_length(s);
	for (i = 0; i < p->n_children; i++)
		if ((rc = child_parse(ctx, config_setting_get_elem(s, i),
				      &p->children[i])) != 0)
			return rc;
	return 0;
}

static int
id_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 char *out)
{
	const config_setting_t *s;
	const char *v;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, key, true, "an identity", &s)) != 0 ||
	    (rc = mif_cfg_as_str(ctx, s, MIF_CFG_IKE_ID_LEN - 1,
				 "an identity", &v)) != 0)
		return rc;
	if (v[0] == '\0')
		return mif_cfg_err_got(ctx, s, "a non-empty identity");
	strcpy(out, v);
	return 0;
}

static int
addrs_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	    struct mif_cfg_ike_peer *p)
{
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "local_addr", true, "an address",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_addr(ctx, s, &p->local)) != 0 ||
	    (rc = mif_cfg_member(ctx, g, "remote_addr", true,
				 "an address or \"any\"", &s)) != 0)
		return rc;
	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(s), "any") == 0) {
		p->remote.family = 0;
	} else if ((rc = mif_cfg_as_addr(ctx, s, &p->remote)) != 0) {
		return rc;
	} else if (p->remote.family != p->local.family) {
		return mif_cfg_err_got(ctx, s, "an address of local_addr's family");
	}
	if (p->initiate && p->remote.family == 0)
		return mif_cfg_err(ctx, s, "initiate = true needs a remote address, not \"any\"");
	return 0;
}

static int
psk_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	  struct mif_cfg_ike_peer *p)
{
	static const char *const auths[] = { "psk", NULL };
	const config_setting_t *s;
	const char *v;
	int rc, a;

	if ((rc = opt_member(ctx, g, "auth", "\"psk\"", &s)) != 0)
		return rc;
	if (s != NULL && (rc = mif_cfg_as_enum(ctx, s, auths, &a)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "psk", true, "a pre-shared key",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_str(ctx, s, MIF_CFG_IKE_PSK_MAX,
				 "a pre-shared key", &v)) != 0)
		return rc;
	if (strlen(v) < MIF_CFG_IKE_PSK_MIN)
		return mif_cfg_err(ctx, s, "a pre-shared key needs at least %u characters",
				   MIF_CFG_IKE_PSK_MIN);
	p->psk_len = (unsigned int)strlen(v);
	memcpy(p->psk, v, p->psk_len);
	return 0;
}

static int
bool_get(struct mif_cfg_ctx *ctx, const config_setting_t *g, const char *key,
	 bool *v)
{
	const config_setting_t *s;
	int rc;

	if ((rc = opt_member(ctx, g, key, "true or false", &s)) != 0 || s == NULL)
		return rc;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return mif_cfg_err_got(ctx, s, "true or false");
	*v = config_setting_get_bool(s) != 0;
	return 0;
}

static int
peer_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   struct mif_cfg_ike_peer *p)
{
	static const char *const allowed[] = { "name", "local_addr",
		"remote_addr", "local_id", "remote_id", "auth", "psk",
		"proposals", "esp_proposals", "children", "ike_lifetime",
		"child_lifetime", "child_rekey_packets", "initiate", NULL };
	const config_setting_t *s;
	unsigned int pk = 0;
	int rc;

	p->line = mif_cfg_line(g);
	p->ike_lifetime = MIF_CFG_IKE_DEF_IKE_LIFE;
	p->child_lifetime = MIF_CFG_IKE_DEF_CHILD_LIFE;
	if ((rc = mif_cfg_as_group(ctx, g, "peer settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0 ||
	    (rc = mif_cfg_member(ctx, g, "name", true, "a name", &s)) != 0 ||
	    (rc = mif_cfg_as_name(ctx, s, p->name, sizeof(p->name))) != 0 ||
	    (rc = bool_get(ctx, g, "initiate", &p->initiate)) != 0 ||
	    (rc = addrs_parse(ctx, g, p)) != 0 ||
	    (rc = id_parse(ctx, g, "local_id", p->local_id)) != 0 ||
	    (rc = id_parse(ctx, g, "remote_id", p->remote_id)) != 0 ||
	    (rc = psk_parse(ctx, g, p)) != 0 ||
	    (rc = props_parse(ctx, g, "proposals", false, p->props,
			      &p->n_props)) != 0 ||
	    (rc = props_parse(ctx, g, "esp_proposals", true, p->esp,
			      &p->n_esp)) != 0 ||
	    (rc = children_parse(ctx, g, p)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "ike_lifetime", 60, 86400 * 7,
				   &p->ike_lifetime)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "child_lifetime", 10, 86400 * 7,
				   &p->child_lifetime)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, g, "child_rekey_packets", 1,
				   UINT32_MAX, &pk)) != 0)
		return rc;
	p->child_rekey_packets = pk;
	return 0;
}

static int
peers_parse(struct mif_cfg_ctx *ctx, const config_setting_t *grp)
{
	struct mif_cfg_ike *ike = &ctx->cfg->ike;
	const config_setting_t *s;
	unsigned int i, j;
	int rc;

	if ((rc = mif_cfg_member(ctx, grp, "peers", true, "a list of groups",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_seq(ctx, s, true, 1, MIF_CFG_IKE_MAX_PEERS,
				 "peer groups")) != 0)
		return rc;
	ike->n_peers = (unsigned int)config_setting_length(s);
	ike->peers = calloc(ike->n_peers, sizeof(*ike->peers));
	if (ike->peers == NULL) {
		ike->n_peers = 0;
		return mif_cfg_err(ctx, s, "out of memory for peers");
	}
	for (i = 0; i < ike->n_peers; i++) {
		if ((rc = peer_parse(ctx, config_setting_get_elem(s, i),
				     &ike->peers[i])) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(ike->peers[j].name, ike->peers[i].name) == 0)
				return mif_cfg_err(ctx,
						   config_setting_get_elem(s, i),
						   "peer name \"%s\" already used by ike.peers[%u]",
						   ike->peers[i].name, j);
	}
	return 0;
}

int
mif_cfg_parse_ike(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	static const char *const allowed[] = { "peers", "cookie_threshold",
		"max_half_open", "max_sas", NULL };
	struct mif_cfg_ike *ike = &ctx->cfg->ike;
	int rc;

	ike->cookie_threshold = MIF_CFG_IKE_DEF_COOKIE;
	ike->max_half_open = MIF_CFG_IKE_DEF_HALF_OPEN;
	ike->max_sas = MIF_CFG_IKE_DEF_MAX_SAS;
	if ((rc = mif_cfg_as_group(ctx, s, "IKE settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, allowed)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "cookie_threshold", 0, 65536,
				   &ike->cookie_threshold)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "max_half_open", 1, 65536,
				   &ike->max_half_open)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "max_sas", 1, 65536,
				   &ike->max_sas)) != 0)
		return rc;
	return peers_parse(ctx, s);
}

void
mif_cfg_ike_free(struct mif_cfg_ike *ike)
{
	if (ike->peers != NULL)
		explicit_bzero(ike->peers, ike->n_peers * sizeof(*ike->peers));
	free(ike->peers);
	ike->peers = NULL;
	ike->n_peers = 0;
}
