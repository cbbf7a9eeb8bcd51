/* SPDX-License-Identifier: BSD-3-Clause */
/* The "policies" section: SPD rules per direction (docs/spd.md). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cfg_internal.h"
#include "common/cfg_spd.h"

/* Whole messages, kept greppable. */
static const char proto_expected[] =
	"a protocol (\"tcp\", \"udp\", \"sctp\", \"icmp\", \"icmp6\", \"esp\", \"gre\", \"any\") or 0..255";
static const char ports_refused[] =
	"ports need proto \"tcp\", \"udp\" or \"sctp\" (ICMP: icmp_type, icmp_code)";

static const char *const dir_names[] = { "out", "in", NULL };
static const char *const action_names[] = {
	"discard", "bypass", "protect", NULL
};

static int
parse_dec(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v > max)
		return -EINVAL;
	return 0;
}

int
mif_cfg_proto_parse(const char *s, uint16_t *proto)
{
	static const struct {
		const char *name;
		uint16_t proto;
	} names[] = {
		{ "any", MIF_CFG_PROTO_ANY }, { "tcp", IPPROTO_TCP },
		{ "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
		{ "icmp", IPPROTO_ICMP }, { "icmp6", IPPROTO_ICMPV6 },
		{ "ipv6-icmp", IPPROTO_ICMPV6 }, { "esp", IPPROTO_ESP },
		{ "gre", IPPROTO_GRE },
	};
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*proto = names[i].proto;
			return 0;
		}
	}
	if (parse_dec(s, 255, &v) != 0)
		return -EINVAL;
	*proto = (uint16_t)v;
	return 0;
}

int
mif_cfg_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *dash;
	unsigned long a, b;

	if (strcasecmp(s, "any") == 0) {
		*lo = 0;
		*hi = UINT16_MAX;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash = '\0';
	if (parse_dec(buf, UINT16_MAX, &a) != 0)
		return -EINVAL;
	b = a;
	if (dash != NULL && parse_dec(dash + 1, UINT16_MAX, &b) != 0)
		return -EINVAL;
	if (a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static bool
has_ports(uint16_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static bool
is_icmp(uint16_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static int
get_proto(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	  uint16_t *proto)
{
	const config_setting_t *s;
	unsigned int v;
	int rc;

	*proto = MIF_CFG_PROTO_ANY;
	if (mif_cfg_member(ctx, g, "proto", false, NULL, &s) != 0)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		if ((rc = mif_cfg_as_uint(ctx, s, 0, 255, &v)) != 0)
			return rc;
		*proto = (uint16_t)v;
		return 0;
	}
	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    mif_cfg_proto_parse(config_setting_get_string(s), proto) == 0)
		return 0;
	return mif_cfg_err_got(ctx, s, "%s", proto_expected);
}

/* "sport"/"dport": an integer port or a "LO-HI"/"any" string. The
 * protocol is known already, so a port on a portless one is refused. */
static int
get_ports(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	  const char *key, uint16_t proto, uint16_t *lo, uint16_t *hi)
{
	const config_setting_t *s;
	unsigned int v;
	int rc;

	*lo = 0;
	*hi = UINT16_MAX;
	if (mif_cfg_member(ctx, g, key, false, NULL, &s) != 0)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		if ((rc = mif_cfg_as_uint(ctx, s, 0, UINT16_MAX, &v)) != 0)
			return rc;
		*lo = *hi = (uint16_t)v;
	} else if (config_setting_type(s) != CONFIG_TYPE_STRING ||
		   mif_cfg_port_range_parse(config_setting_get_string(s),
					    lo, hi) != 0) {
		return mif_cfg_err_got(ctx, s, "a port, a range \"LO-HI\" or \"any\"");
	}
	if ((*lo != 0 || *hi != UINT16_MAX) && !has_ports(proto))
		return mif_cfg_err(ctx, s, "%s", ports_refused);
	return 0;
}

/* RFC 7296 3.13.1: ICMP type and code form one 16-bit "port"; the SPD
 * matches it against both ranges. */
static int
get_icmp(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	 struct mif_cfg_policy *p)
{
	const config_setting_t *t, *c;
	unsigned int type, code;
	int rc;

	if (mif_cfg_member(ctx, g, "icmp_type", false, NULL, &t) != 0)
		t = NULL;
	if (mif_cfg_member(ctx, g, "icmp_code", false, NULL, &c) != 0)
		c = NULL;
	if (t == NULL && c == NULL)
		return 0;
	if (!is_icmp(p->proto))
		return mif_cfg_err(ctx, t != NULL ? t : c,
				   "icmp_type and icmp_code need proto \"icmp\" or \"icmp6\"");
	if (t == NULL)
		return mif_cfg_err_missing(ctx, g, "icmp_type",
					   "an ICMP type with icmp_code");
	if ((rc = mif_cfg_as_uint(ctx, t, 0, 255, &type)) != 0)
		return rc;
	p->sport_lo = (uint16_t)(type << 8);
	p->sport_hi = (uint16_t)(type << 8 | 0xff);
	if (c != NULL) {
		if ((rc = mif_cfg_as_uint(ctx, c, 0, 255, &code)) != 0)
			return rc;
		p->sport_lo = p->sport_hi = (uint16_t)(type << 8 | code);
	}
	p->dport_lo = p->sport_lo;
	p->dport_hi = p->sport_hi;
	return 0;
}

static int
get_selectors(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	      struct mif_cfg_policy *p)
{
	const config_setting_t *s;
	int rc;

	if ((rc = mif_cfg_member(ctx, g, "src", true, "a prefix", &s)) != 0 ||
	    (rc = mif_cfg_as_prefix(ctx, s, false, &p->src)) != 0)
		return rc;
	if ((rc = mif_cfg_member(ctx, g, "dst", true, "a prefix", &s)) != 0 ||
	    (rc = mif_cfg_as_prefix(ctx, s, false, &p->dst)) != 0)
		return rc;
	if (p->dst.addr.family != p->src.addr.family)
		return mif_cfg_err_got(ctx, s, "a prefix of the family of src (%s)",
				       p->src.addr.family == AF_INET ? "IPv4" : "IPv6");
	if ((rc = get_proto(ctx, g, &p->proto)) != 0 ||
	    (rc = get_ports(ctx, g, "sport", p->proto, &p->sport_lo,
			    &p->sport_hi)) != 0 ||
	    (rc = get_ports(ctx, g, "dport", p->proto, &p->dport_lo,
			    &p->dport_hi)) != 0)
		return rc;
	return get_icmp(ctx, g, p);
}

static int
get_action(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   struct mif_cfg_policy *p)
{
	const config_setting_t *s;
	int rc, idx;

	if ((rc = mif_cfg_member(ctx, g, "action", true,
				 "\"protect\", \"bypass\" or \"discard\"",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_enum(ctx, s, action_names, &idx)) != 0)
		return rc;
	p->action = (enum mif_cfg_policy_action)idx;
	if (p->action != MIF_CFG_POLICY_PROTECT) {
		if (mif_cfg_member(ctx, g, "sa", false, NULL, &s) == 0)
			return mif_cfg_err(ctx, s, "sa is only for action \"protect\"");
		return 0;
	}
	/* The name is resolved against the SAs when the SPD is built. */
	if ((rc = mif_cfg_member(ctx, g, "sa", true, "an SA name", &s)) != 0)
		return rc;
	return mif_cfg_as_name(ctx, s, p->sa, sizeof(p->sa));
}

static int
policy_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	     struct mif_cfg_policy *p)
{
	static const char *const allowed[] = {
		"dir", "src", "dst", "proto", "sport", "dport", "icmp_type",
		"icmp_code", "priority", "action", "sa", NULL
	};
	const config_setting_t *s;
	int rc, idx;

	if ((rc = mif_cfg_as_group(ctx, g, "policy settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0)
		return rc;
	p->line = mif_cfg_line(g);
	if ((rc = mif_cfg_member(ctx, g, "dir", true, "\"out\" or \"in\"",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_enum(ctx, s, dir_names, &idx)) != 0)
		return rc;
	p->dir = (enum mif_cfg_policy_dir)idx;
	if ((rc = get_selectors(ctx, g, p)) != 0)
		return rc;
	p->priority = 0;
	if ((rc = mif_cfg_get_uint(ctx, g, "priority", 0, 1000000000,
				   &p->priority)) != 0)
		return rc;
	return get_action(ctx, g, p);
}

int
mif_cfg_parse_policies(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, true, 0, MIF_CFG_MAX_POLICIES,
				 "policy groups")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	if (n == 0)
		return 0;
	cfg->policies = calloc(n, sizeof(*cfg->policies));
	if (cfg->policies == NULL)
		return mif_cfg_err(ctx, s, "out of memory for %u policies", n);
	cfg->n_policies = n;
	for (i = 0; i < n; i++)
		if ((rc = policy_parse(ctx, config_setting_get_elem(s, i),
				       &cfg->policies[i])) != 0)
			return rc;
	return 0;
}
