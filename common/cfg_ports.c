/* SPDX-License-Identifier: BSD-3-Clause */
/* The "ports" section: one group per DPDK port. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cfg_internal.h"

#define PORT_MTU_MIN	576
#define PORT_MTU_V6_MIN	1280		/* RFC 8200 section 5 */
#define PORT_MTU_MAX	9216

static const char *const vdev_drivers[] = { "net_", "eth_", "crypto_" };

static bool
hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "DDDD:BB:DD.F" or "BB:DD.F", then the end or ",devargs". Writes the
 * full form, lower case, to @p id so that two spellings compare equal. */
static bool
pci_parse(const char *s, char *id, size_t len)
{
	const char *bdf = s;
	unsigned int dev, fn;
	char dom[5] = "0000";
	size_t i;

	if (hex_run(s, 4) && s[4] == ':') {
		memcpy(dom, s, 4);
		bdf = s + 5;
	}
	if (!hex_run(bdf, 2) || bdf[2] != ':' || !hex_run(bdf + 3, 2) ||
	    bdf[5] != '.' || bdf[6] < '0' || bdf[6] > '7' ||
	    (bdf[7] != '\0' && bdf[7] != ','))
		return false;
	if (sscanf(bdf + 3, "%2x.%1u", &dev, &fn) != 2 || dev > 0x1f)
		return false;
	snprintf(id, len, "%s:%.2s:%.2s.%c", dom, bdf, bdf + 3, bdf[6]);
	for (i = 0; id[i] != '\0'; i++)
		id[i] = (char)tolower((unsigned char)id[i]);
	return true;
}

/* A vdev is "<driver prefix><name>[,args]"; the id is the part before
 * the comma, which DPDK uses as the device name. */
static bool
vdev_parse(const char *s, char *id, size_t len)
{
	size_t i, n, plen;

	for (i = 0; i < sizeof(vdev_drivers) / sizeof(*vdev_drivers); i++) {
		plen = strlen(vdev_drivers[i]);
		if (strncmp(s, vdev_drivers[i], plen) == 0)
			break;
	}
	if (i == sizeof(vdev_drivers) / sizeof(*vdev_drivers))
		return false;
	for (n = plen; s[n] != '\0' && s[n] != ','; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_')
			return false;
	if (n == plen)
		return false;
	snprintf(id, len, "%.*s", (int)n, s);
	return true;
}

static int
port_dev(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	 struct mif_cfg_port *p, unsigned int idx)
{
	char id[MIF_CFG_DEV_LEN], other[MIF_CFG_DEV_LEN];
	const struct mif_cfg_port *q;
	const char *dev;
	unsigned int j;
	int rc;

	if ((rc = mif_cfg_as_str(ctx, s, MIF_CFG_DEV_LEN - 1,
				 "a device string", &dev)) != 0)
		return rc;
	if (pci_parse(dev, id, sizeof(id)))
		p->is_vdev = false;
	else if (vdev_parse(dev, id, sizeof(id)))
		p->is_vdev = true;
	else
		return mif_cfg_err_got(ctx, s,
				       "a PCI address (0000:01:00.0 or 01:00.0) or a vdev starting with net_, eth_ or crypto_");
	for (j = 0; j < idx; j++) {
		q = &ctx->cfg->ports[j];
		if (q->is_vdev)
			vdev_parse(q->dev, other, sizeof(other));
		else
			pci_parse(q->dev, other, sizeof(other));
		if (q->is_vdev == p->is_vdev && strcmp(id, other) == 0)
			return mif_cfg_err_got(ctx, s,
					       "a device not used by another port (ports[%u] \"%s\" uses %s)",
					       j, q->name, id);
	}
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	return 0;
}

static bool
prefixes_overlap(const struct mif_prefix *a, const struct mif_prefix *b)
{
	const struct mif_prefix *wide = a->len <= b->len ? a : b;
	const struct mif_prefix *narrow = wide == a ? b : a;

	return mif_prefix_contains(wide, &narrow->addr);
}

/* Against every address already accepted, on this port and before. */
static int
port_addr_unique(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		 const struct mif_prefix *pf, unsigned int idx)
{
	const struct mif_cfg_port *q;
	char buf[MIF_PREFIX_STRLEN];
	unsigned int j, k;

	for (j = 0; j <= idx; j++) {
		q = &ctx->cfg->ports[j];
		for (k = 0; k < q->n_addrs; k++) {
			if (mif_addr_eq(&q->addrs[k].addr, &pf->addr))
				return mif_cfg_err_got(ctx, s,
						       "an address not configured before (ports[%u].addresses[%u])",
						       j, k);
			if (j == idx || !prefixes_overlap(&q->addrs[k], pf))
				continue;
			mif_prefix_fmt(&q->addrs[k], buf, sizeof(buf));
			return mif_cfg_err_got(ctx, s,
					       "a subnet not overlapping ports[%u].addresses[%u] (%s)",
					       j, k, buf);
		}
	}
	return 0;
}

static int
port_addrs(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	   struct mif_cfg_port *p, unsigned int idx)
{
	const config_setting_t *e;
	struct mif_prefix pf;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, false, 0, MIF_CFG_MAX_PORT_ADDRS,
				 "address strings")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if ((rc = mif_cfg_as_prefix(ctx, e, true, &pf)) != 0)
			return rc;
		if (!mif_cfg_addr_unicast(&pf.addr) ||
		    !mif_cfg_v4_host_ok(&pf.addr, pf.len))
			return mif_cfg_err_got(ctx, e,
					       "a unicast host address inside its prefix, not its network or broadcast address");
		if ((rc = port_addr_unique(ctx, e, &pf, idx)) != 0)
			return rc;
		p->addrs[p->n_addrs++] = pf;
	}
	return 0;
}

static int
port_mtu(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	 struct mif_cfg_port *p)
{
	unsigned int i, mtu;
	int rc;

	if ((rc = mif_cfg_as_uint(ctx, s, PORT_MTU_MIN, PORT_MTU_MAX,
				  &mtu)) != 0)
		return rc;
	for (i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].addr.family == AF_INET6 &&
		    mtu < PORT_MTU_V6_MIN)
			return mif_cfg_err_got(ctx, s,
					       "an integer in %u..%u on a port with IPv6 addresses",
					       PORT_MTU_V6_MIN, PORT_MTU_MAX);
	p->mtu = (uint16_t)mtu;
	return 0;
}

static int
port_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
	   unsigned int idx)
{
	static const char *const allowed[] = { "name", "dev", "role",
		"addresses", "mtu", NULL };
	static const char *const roles[] = { "protected", "unprotected",
		NULL };
	struct mif_cfg_port *p = &ctx->cfg->ports[idx];
	const config_setting_t *s;
	unsigned int j;
	int rc, role;

	if ((rc = mif_cfg_as_group(ctx, g, "port settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, g, allowed)) != 0)
		return rc;
	p->line = mif_cfg_line(g);
	p->mtu = MIF_CFG_DEF_MTU;

	if ((rc = mif_cfg_member(ctx, g, "name", true, "a port name",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_name(ctx, s, p->name, sizeof(p->name))) != 0)
		return rc;
	for (j = 0; j < idx; j++)
		if (strcmp(ctx->cfg->ports[j].name, p->name) == 0)
			return mif_cfg_err_got(ctx, s,
					       "a port name not used before (ports[%u] at line %u)",
					       j, ctx->cfg->ports[j].line);

	if ((rc = mif_cfg_member(ctx, g, "dev", true, "a device string",
				 &s)) != 0 ||
	    (rc = port_dev(ctx, s, p, idx)) != 0)
		return rc;

	if ((rc = mif_cfg_member(ctx, g, "role", true,
				 "\"protected\" or \"unprotected\"",
				 &s)) != 0 ||
	    (rc = mif_cfg_as_enum(ctx, s, roles, &role)) != 0)
		return rc;
	p->role = role == 0 ? MIF_PORT_PROTECTED : MIF_PORT_UNPROTECTED;

	s = config_setting_get_member(g, "addresses");
	if (s != NULL && (rc = port_addrs(ctx, s, p, idx)) != 0)
		return rc;
	s = config_setting_get_member(g, "mtu");
	if (s != NULL && (rc = port_mtu(ctx, s, p)) != 0)
		return rc;
	return 0;
}

int
mif_cfg_parse_ports(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, true, 1, MIF_CFG_MAX_PORTS,
				 "port groups")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	for (i = 0; i < n; i++) {
		if ((rc = port_parse(ctx, config_setting_get_elem(s, i),
				     i)) != 0)
			return rc;
		/* Counted as we go: later ports are checked against these. */
		ctx->cfg->n_ports = i + 1;
	}
	return 0;
}
