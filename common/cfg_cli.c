/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cli" section: where the operator CLI listens and how it guards
 * itself (docs/cli.md). Absent keys keep the CLI's defaults, so the
 * struct records only what the file says; control/cli.c merges it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libconfig.h>

#include "common/cfg_internal.h"

static bool
loopback(const struct mif_addr *a)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return (ntohl(a->v4) >> 24) == 127;
	return memcmp(a->v6, v6_lo, sizeof(v6_lo)) == 0;
}

static int
cli_bool(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
	 const char *name, bool *v)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return mif_cfg_err_got(ctx, s, "true or false");
	*v = config_setting_get_bool(s) != 0;
	return 0;
}

/* Not mif_cfg_as_addr(): a listen address may be 0.0.0.0 or ::. */
static int
cli_address(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
	    struct mif_cfg_cli *c)
{
	const config_setting_t *s = config_setting_get_member(grp, "address");
	const char *str;
	bool mcast;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		goto bad;
	str = config_setting_get_string(s);
	if (mif_addr_parse(str, &c->address) != 0)
		goto bad;
	mcast = c->address.family == AF_INET ?
		(ntohl(c->address.v4) >> 28) == 0xe : c->address.v6[0] == 0xff;
	if (mcast)
		goto bad;
	c->has_address = true;
	return 0;
bad:
	return mif_cfg_err_got(ctx, s, "an IPv4 or IPv6 address to listen on (0.0.0.0 or :: for all)");
}

/* The value never reaches an error line: "password" is one of the
 * secret words mif_cfg_describe() hides. */
static int
cli_password(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
	     struct mif_cfg_cli *c)
{
	const config_setting_t *s = config_setting_get_member(grp, "password");
	const char *pw;
	int rc;

	if (s == NULL)
		return 0;
	rc = mif_cfg_as_str(ctx, s, sizeof(c->password) - 1, "a password",
			    &pw);
	if (rc != 0)
		return rc;
	memcpy(c->password, pw, strlen(pw) + 1);
	return 0;
}

int
mif_cfg_parse_cli(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	static const char *const keys[] = { "enabled", "address", "port",
		"password", "sessions", "idle_timeout", "auth_delay_ms",
		NULL };
	struct mif_cfg_cli *c = &ctx->cfg->cli;
	const config_setting_t *idle;
	bool enabled = true;
	int rc;

	if ((rc = mif_cfg_as_group(ctx, s, "CLI settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, keys)) != 0 ||
	    (rc = cli_bool(ctx, s, "enabled", &enabled)) != 0 ||
	    (rc = cli_address(ctx, s, c)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "port", 1, 65535, &c->port)) != 0 ||
	    (rc = cli_password(ctx, s, c)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "sessions", 1, 64,
				   &c->sessions)) != 0 ||
	    (rc = mif_cfg_get_uint(ctx, s, "auth_delay_ms", 100, 60000,
				   &c->auth_delay_ms)) != 0)
		return rc;
	c->disabled = !enabled;
	idle = config_setting_get_member(s, "idle_timeout");
	if (idle != NULL) {
		if ((rc = mif_cfg_as_uint(ctx, idle, 0, 86400,
					  &c->idle_timeout_s)) != 0)
			return rc;
		c->has_idle_timeout = true;
	}
	/* Without a password, telnet must not be reachable from outside:
	 * anyone on the network would get an operator shell. */
	if (c->has_address && c->password[0] == '\0' && !loopback(&c->address))
		return mif_cfg_err(ctx, config_setting_get_member(s, "address"),
				   "a non-loopback address needs cli.password (telnet would be open to anyone who can reach it)");
	return 0;
}
