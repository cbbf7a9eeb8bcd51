/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"

int
mif_addr_parse(const char *s, struct mif_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static unsigned int
addr_bits(const struct mif_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static const uint8_t *
addr_bytes(const struct mif_addr *a)
{
	return a->family == AF_INET ? (const uint8_t *)&a->v4 : a->v6;
}

/* True when the bits of a and b agree on their first len bits. */
static bool
bits_match(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int full = len / 8, rest = len % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

static bool
host_bits_clear(const struct mif_addr *a, unsigned int len)
{
	const uint8_t *b = addr_bytes(a);
	unsigned int i;

	for (i = len; i < addr_bits(a); i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

int
mif_prefix_parse(const char *s, struct mif_prefix *p, bool allow_host_bits,
		 bool allow_bare)
{
	char buf[MIF_PREFIX_STRLEN];
	char *slash, *end;
	unsigned long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (mif_addr_parse(buf, &p->addr) != 0)
		return -EINVAL;
	if (slash == NULL) {
		if (!allow_bare)
			return -EINVAL;
		p->len = (uint8_t)addr_bits(&p->addr);
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	if (len > addr_bits(&p->addr))
		return -ERANGE;
	p->len = (uint8_t)len;
	if (!allow_host_bits && !host_bits_clear(&p->addr, p->len))
		return -ERANGE;
	return 0;
}

const char *
mif_addr_fmt(const struct mif_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET || a->family == AF_INET6) {
		if (inet_ntop(a->family, addr_bytes(a), buf, len) != NULL)
			return buf;
	}
	snprintf(buf, len, "?");
	return buf;
}

const char *
mif_prefix_fmt(const struct mif_prefix *p, char *buf, size_t len)
{
	char a[MIF_ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", mif_addr_fmt(&p->addr, a, sizeof(a)),
		 p->len);
	return buf;
}

bool
mif_addr_eq(const struct mif_addr *a, const struct mif_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(addr_bytes(a), addr_bytes(b),
		      addr_bits(a) / 8) == 0;
}

bool
mif_prefix_contains(const struct mif_prefix *p, const struct mif_addr *a)
{
	if (p->addr.family != a->family)
		return false;
	return bits_match(addr_bytes(&p->addr), addr_bytes(a), p->len);
}
