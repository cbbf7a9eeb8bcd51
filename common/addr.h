/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_ADDR_H
#define MIF_ADDR_H

/** @file
 * IPv4/IPv6 addresses and prefixes as the configuration, the control
 * plane and the dataplane exchange them. Addresses are kept in network
 * byte order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct mif_addr {
	uint8_t family;			/**< AF_INET or AF_INET6 */
	union {
		uint32_t v4;		/**< network byte order */
		uint8_t v6[16];
	};
};

struct mif_prefix {
	struct mif_addr addr;
	uint8_t len;			/**< 0..32 or 0..128 */
};

#define MIF_ADDR_STRLEN 46		/* INET6_ADDRSTRLEN */
#define MIF_PREFIX_STRLEN (MIF_ADDR_STRLEN + 4)

/** Parse "192.0.2.1" or "2001:db8::1". @return 0 or -EINVAL. */
int mif_addr_parse(const char *s, struct mif_addr *a);

/**
 * Parse "192.0.2.0/24" or "2001:db8::/64". Host bits must be clear
 * unless @p allow_host_bits (interface addresses such as 192.0.2.1/24).
 * A bare address is a host prefix when @p allow_bare.
 * @return 0, -EINVAL (syntax) or -ERANGE (length or host bits).
 */
int mif_prefix_parse(const char *s, struct mif_prefix *p,
		     bool allow_host_bits, bool allow_bare);

const char *mif_addr_fmt(const struct mif_addr *a, char *buf, size_t len);
const char *mif_prefix_fmt(const struct mif_prefix *p, char *buf, size_t len);

bool mif_addr_eq(const struct mif_addr *a, const struct mif_addr *b);

/** True when @p a lies inside @p p (same family). */
bool mif_prefix_contains(const struct mif_prefix *p, const struct mif_addr *a);

#endif
