/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the configuration loader: key paths, error text and typed
 * getters. Sections use only these, so every message has one shape. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_internal.h"

/* Deeper nesting than this is never valid here; paths stop growing. */
#define PATH_DEPTH_MAX	16
/* Echoed strings are cut so that one line stays readable. */
#define ECHO_MAX	48

static const char *const secret_words[] = { "key", "secret", "psk",
	"password" };

static size_t
path_append(const config_setting_t *s, char *buf, size_t len, size_t off,
	    unsigned int depth)
{
	const config_setting_t *parent = config_setting_parent(s);
	const char *name = config_setting_name(s);
	int n;

	if (parent == NULL)
		return off;
	if (depth >= PATH_DEPTH_MAX) {
		n = snprintf(buf + off, len - off, "...");
		return n < 0 ? off : off + (size_t)n;
	}
	off = path_append(parent, buf, len, off, depth + 1);
	if (off >= len)
		return off;
	if (name != NULL)
		n = snprintf(buf + off, len - off, "%s%s", off > 0 ? "." : "",
			     name);
	else
		n = snprintf(buf + off, len - off, "[%d]",
			     config_setting_index(s));
	return n < 0 ? off : off + (size_t)n;
}

const char *
mif_cfg_path(const config_setting_t *s, char *buf, size_t len)
{
	buf[0] = '\0';
	path_append(s, buf, len, 0, 0);
	return buf;
}

unsigned int
mif_cfg_line(const config_setting_t *s)
{
	for (; s != NULL; s = config_setting_parent(s))
		if (config_setting_source_line(s) > 0)
			return config_setting_source_line(s);
	return 1;
}

bool
mif_cfg_is_secret(const config_setting_t *s)
{
	const char *name;
	size_t i;

	for (; s != NULL; s = config_setting_parent(s)) {
		name = config_setting_name(s);
		if (name == NULL)
			continue;
		for (i = 0; i < sizeof(secret_words) / sizeof(*secret_words);
		     i++)
			if (strcasestr(name, secret_words[i]) != NULL)
				return true;
	}
	return false;
}

/* Quote a string for an error line: printable ASCII as is, the rest as
 * \xNN, cut after ECHO_MAX characters. Config files are operator input
 * but may end up on a terminal or in syslog. */
static void
echo_str(const char *s, char *buf, size_t len)
{
	size_t off = 0, i;
	unsigned char c;
	int n;

	n = snprintf(buf, len, "\"");
	off = (size_t)n;
	for (i = 0; s[i] != '\0' && off + 8 < len; i++) {
		if (i == ECHO_MAX) {
			n = snprintf(buf + off, len - off, "...");
			off += (size_t)n;
			break;
		}
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			n = snprintf(buf + off, len - off, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			n = snprintf(buf + off, len - off, "%c", c);
		else
			n = snprintf(buf + off, len - off, "\\x%02x", c);
		off += (size_t)n;
	}
	snprintf(buf + off, len - off, "\"");
}

/*
 * The "got ..." half of an error line. This is the only place that turns
 * a value into text, and it never shows the value of a setting under a
 * key whose name contains "key" (or "secret", "psk", "password"): key
 * material will live in this file, and error lines end up in logs.
 */
const char *
mif_cfg_describe(const config_setting_t *s, char *buf, size_t len)
{
	bool secret = mif_cfg_is_secret(s);

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (secret)
			snprintf(buf, len, "an integer (value not shown)");
		else
			snprintf(buf, len, "%lld",
				 config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT:
		if (secret)
			snprintf(buf, len, "a float (value not shown)");
		else
			snprintf(buf, len, "the float %g",
				 config_setting_get_float(s));
		break;
	case CONFIG_TYPE_BOOL:
		if (secret)
			snprintf(buf, len, "a boolean (value not shown)");
		else
			snprintf(buf, len, "the boolean %s",
				 config_setting_get_bool(s) ? "true" : "false");
		break;
	case CONFIG_TYPE_STRING:
		if (secret)
			snprintf(buf, len, "a string (value not shown)");
		else
			echo_str(config_setting_get_string(s), buf, len);
		break;
	case CONFIG_TYPE_GROUP:
		snprintf(buf, len, "a group { } of %d keys",
			 config_setting_length(s));
		break;
	case CONFIG_TYPE_LIST:
		snprintf(buf, len, "a list ( ) of %d items",
			 config_setting_length(s));
		break;
	case CONFIG_TYPE_ARRAY:
		snprintf(buf, len, "an array [ ] of %d items",
			 config_setting_length(s));
		break;
	default:
		snprintf(buf, len, "nothing");
		break;
	}
	return buf;
}

static int
err_vat(struct mif_cfg_ctx *ctx, unsigned int line, const char *path,
	const char *fmt, va_list ap)
{
	char msg[MIF_CFG_ERR_LEN];

	if (ctx->failed)
		return -EINVAL;
	ctx->failed = true;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (path[0] != '\0')
		snprintf(ctx->err, ctx->errlen, "%s:%u: %s: %s", ctx->file,
			 line, path, msg);
	else
		snprintf(ctx->err, ctx->errlen, "%s:%u: %s", ctx->file, line,
			 msg);
	return -EINVAL;
}

int
mif_cfg_err_at(struct mif_cfg_ctx *ctx, unsigned int line, const char *path,
	       const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = err_vat(ctx, line, path, fmt, ap);
	va_end(ap);
	return rc;
}

int
mif_cfg_err(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	    const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int rc;

	mif_cfg_path(s, path, sizeof(path));
	va_start(ap, fmt);
	rc = err_vat(ctx, mif_cfg_line(s), path, fmt, ap);
	va_end(ap);
	return rc;
}

int
mif_cfg_err_got(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		const char *fmt, ...)
{
	char expected[320], got[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expected, sizeof(expected), fmt, ap);
	va_end(ap);
	return mif_cfg_err(ctx, s, "expected %s, got %s", expected,
			   mif_cfg_describe(s, got, sizeof(got)));
}

int
mif_cfg_err_missing(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		    const char *name, const char *expected)
{
	char path[256];
	size_t off;

	mif_cfg_path(grp, path, sizeof(path));
	off = strlen(path);
	snprintf(path + off, sizeof(path) - off, "%s%s", off > 0 ? "." : "",
		 name);
	return mif_cfg_err_at(ctx, mif_cfg_line(grp), path,
			      "expected %s (required), got nothing", expected);
}

int
mif_cfg_keys_check(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		   const char *const allowed[])
{
	char list[256];
	size_t off, i;
	int k, n;

	for (k = 0; k < config_setting_length(grp); k++) {
		const config_setting_t *s = config_setting_get_elem(grp,
							(unsigned int)k);
		const char *name = config_setting_name(s);

		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(name, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;

		off = 0;
		list[0] = '\0';
		for (i = 0; allowed[i] != NULL && off < sizeof(list); i++) {
			n = snprintf(list + off, sizeof(list) - off, "%s%s",
				     i > 0 ? ", " : "", allowed[i]);
			off += n < 0 ? 0 : (size_t)n;
		}
		return mif_cfg_err(ctx, s,
				   "expected one of the keys (%s), got unknown key \"%s\"",
				   list, name);
	}
	return 0;
}

int
mif_cfg_member(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
	       const char *name, bool required, const char *expected,
	       const config_setting_t **out)
{
	*out = config_setting_get_member(grp, name);
	if (*out != NULL)
		return 0;
	if (required)
		return mif_cfg_err_missing(ctx, grp, name, expected);
	return -ENOENT;
}

int
mif_cfg_as_group(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		 const char *what)
{
	if (config_setting_type(s) == CONFIG_TYPE_GROUP)
		return 0;
	return mif_cfg_err_got(ctx, s, "a group { ... } of %s", what);
}

int
mif_cfg_as_seq(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	       bool groups, unsigned int min, unsigned int max,
	       const char *what)
{
	int type = config_setting_type(s);
	unsigned int n;

	/* Groups only fit in ( ); scalars may use [ ] or ( ). */
	if (type != CONFIG_TYPE_LIST &&
	    (groups || type != CONFIG_TYPE_ARRAY))
		goto bad;
	n = (unsigned int)config_setting_length(s);
	if (n >= min && n <= max)
		return 0;
bad:
	if (groups)
		return mif_cfg_err_got(ctx, s, "a list ( { ... }, ... ) of %u..%u %s",
				       min, max, what);
	return mif_cfg_err_got(ctx, s, "a list [ ... ] of %u..%u %s", min,
			       max, what);
}

int
mif_cfg_as_uint(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		unsigned int min, unsigned int max, unsigned int *v)
{
	long long x;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		goto bad;
	x = config_setting_get_int64(s);
	if (x < (long long)min || x > (long long)max)
		goto bad;
	*v = (unsigned int)x;
	return 0;
bad:
	return mif_cfg_err_got(ctx, s, "an integer in %u..%u", min, max);
}

int
mif_cfg_as_str(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	       size_t maxlen, const char *what, const char **v)
{
	const char *str;
	size_t len;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		goto bad;
	str = config_setting_get_string(s);
	len = strlen(str);
	if (len == 0 || len > maxlen)
		goto bad;
	*v = str;
	return 0;
bad:
	return mif_cfg_err_got(ctx, s, "%s of 1..%zu characters", what,
			       maxlen);
}

int
mif_cfg_as_name(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		char *buf, size_t len)
{
	const char *str;
	size_t i;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		goto bad;
	str = config_setting_get_string(s);
	if (strlen(str) >= len || !isalpha((unsigned char)str[0]))
		goto bad;
	for (i = 1; str[i] != '\0'; i++)
		if (!isalnum((unsigned char)str[i]) && str[i] != '_' &&
		    str[i] != '-')
			goto bad;
	memcpy(buf, str, i + 1);
	return 0;
bad:
	return mif_cfg_err_got(ctx, s,
			       "a name of 1..%zu letters, digits, '_' or '-' starting with a letter",
			       len - 1);
}

int
mif_cfg_as_enum(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		const char *const names[], int *idx)
{
	char list[256];
	size_t off = 0;
	int i, n;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(config_setting_get_string(s),
				   names[i]) == 0) {
				*idx = i;
				return 0;
			}
	}
	list[0] = '\0';
	for (i = 0; names[i] != NULL && off < sizeof(list); i++) {
		n = snprintf(list + off, sizeof(list) - off, "%s\"%s\"",
			     i > 0 ? ", " : "", names[i]);
		off += n < 0 ? 0 : (size_t)n;
	}
	return mif_cfg_err_got(ctx, s, "one of %s", list);
}

bool
mif_cfg_addr_unicast(const struct mif_addr *a)
{
	static const uint8_t zero[16];
	const uint8_t *b;

	if (a->family == AF_INET) {
		b = (const uint8_t *)&a->v4;
		/* 0/8, 127/8, 224/4 and above (multicast, reserved) */
		return b[0] != 0 && b[0] != 127 && b[0] < 224;
	}
	if (a->v6[0] == 0xff || memcmp(a->v6, zero, 16) == 0)
		return false;
	/* ::1 */
	return !(memcmp(a->v6, zero, 15) == 0 && a->v6[15] == 1);
}

int
mif_cfg_as_addr(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		struct mif_addr *a)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    mif_addr_parse(config_setting_get_string(s), a) != 0 ||
	    !mif_cfg_addr_unicast(a))
		return mif_cfg_err_got(ctx, s,
				       "a unicast IPv4 or IPv6 address like 192.0.2.1 or 2001:db8::1");
	return 0;
}

int
mif_cfg_as_prefix(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		  bool host_bits, struct mif_prefix *p)
{
	char clean[MIF_PREFIX_STRLEN];
	const char *str;
	unsigned int i, bits;
	uint8_t *b;
	int rc;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		goto bad;
	str = config_setting_get_string(s);
	rc = mif_prefix_parse(str, p, true, false);
	if (rc == -EINVAL)
		goto bad;
	if (rc != 0) {
		/* Only the length can be out of range with host bits on. */
		bits = strchr(str, ':') != NULL ? 128 : 32;
		return mif_cfg_err_got(ctx, s,
				       "a prefix length in 0..%u", bits);
	}
	if (host_bits || mif_prefix_parse(str, p, false, false) == 0)
		return 0;

	/* Tell the operator which prefix was probably meant. */
	mif_prefix_parse(str, p, true, false);
	b = p->addr.family == AF_INET ? (uint8_t *)&p->addr.v4 : p->addr.v6;
	bits = p->addr.family == AF_INET ? 32 : 128;
	for (i = p->len; i < bits; i++)
		b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return mif_cfg_err_got(ctx, s, "a prefix with the host bits clear (%s)",
			       mif_prefix_fmt(p, clean, sizeof(clean)));
bad:
	if (host_bits)
		return mif_cfg_err_got(ctx, s,
				       "an address with prefix length like 192.0.2.1/24 or 2001:db8::1/64");
	return mif_cfg_err_got(ctx, s,
			       "a prefix like 192.0.2.0/24 or 2001:db8::/32");
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
mif_cfg_as_mac(struct mif_cfg_ctx *ctx, const config_setting_t *s,
	       uint8_t mac[6])
{
	static const uint8_t zero[6];
	const char *str;
	int i, hi, lo;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		goto bad;
	str = config_setting_get_string(s);
	if (strlen(str) != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		hi = hex_nibble(str[i * 3]);
		lo = hex_nibble(str[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && str[i * 3 + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	/* A neighbour is a single station: no group bit, not all zero. */
	if ((mac[0] & 1) != 0 || memcmp(mac, zero, 6) == 0)
		goto bad;
	return 0;
bad:
	return mif_cfg_err_got(ctx, s,
			       "a unicast MAC address like 02:00:00:00:00:01");
}

int
mif_cfg_get_uint(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		 const char *name, unsigned int min, unsigned int max,
		 unsigned int *v)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (s == NULL)
		return 0;
	return mif_cfg_as_uint(ctx, s, min, max, v);
}

int
mif_cfg_port_ref(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		 unsigned int *port)
{
	const struct mif_cfg *cfg = ctx->cfg;
	const config_setting_t *s;
	char names[256];
	size_t off = 0;
	unsigned int i;
	int idx, n;

	s = config_setting_get_member(grp, "port");
	if (s == NULL)
		return mif_cfg_err_missing(ctx, grp, "port", "a port name");
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		idx = mif_cfg_port_find(cfg, config_setting_get_string(s));
		if (idx >= 0) {
			*port = (unsigned int)idx;
			return 0;
		}
	}
	names[0] = '\0';
	for (i = 0; i < cfg->n_ports && off < sizeof(names); i++) {
		n = snprintf(names + off, sizeof(names) - off, "%s\"%s\"",
			     i > 0 ? ", " : "", cfg->ports[i].name);
		off += n < 0 ? 0 : (size_t)n;
	}
	return mif_cfg_err_got(ctx, s, "the name of a port (%s)", names);
}

static bool
v6_link_local(const struct mif_addr *a)
{
	return a->family == AF_INET6 && a->v6[0] == 0xfe &&
	       (a->v6[1] & 0xc0) == 0x80;
}

bool
mif_cfg_v4_host_ok(const struct mif_addr *a, unsigned int len)
{
	uint32_t v, host;

	if (a->family != AF_INET || len >= 31)
		return true;
	v = ntohl(a->v4);
	host = len == 0 ? UINT32_MAX : (1u << (32 - len)) - 1;
	return (v & host) != 0 && (v & host) != host;
}

int
mif_cfg_onlink_check(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		     unsigned int port, const struct mif_addr *a)
{
	const struct mif_cfg_port *p = &ctx->cfg->ports[port];
	bool onlink = v6_link_local(a);
	unsigned int i;

	for (i = 0; i < p->n_addrs; i++) {
		if (mif_addr_eq(&p->addrs[i].addr, a))
			return mif_cfg_err_got(ctx, s,
					       "an address other than port \"%s\"'s own",
					       p->name);
		if (!mif_prefix_contains(&p->addrs[i], a))
			continue;
		if (!mif_cfg_v4_host_ok(a, p->addrs[i].len))
			return mif_cfg_err_got(ctx, s,
					       "a host of port \"%s\"'s subnet, not its network or broadcast address",
					       p->name);
		onlink = true;
	}
	if (!onlink)
		return mif_cfg_err_got(ctx, s,
				       "an address inside a subnet of port \"%s\" (or IPv6 link-local)",
				       p->name);
	return 0;
}
