/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_SPD_H
#define MIF_CFG_SPD_H

/** @file
 * The "policies" section: security policies as the operator writes
 * them. The dataplane turns them into one SPD per direction
 * (dataplane/spd.h, mif_spd_cfg_build()). Keys are documented in
 * docs/spd.md.
 */

#include <stdint.h>

#include "common/addr.h"
#include "common/cfg.h"

#define MIF_CFG_MAX_POLICIES	(1u << 20)
/** Protocol value meaning "any" (same as MIF_SPD_PROTO_ANY). */
#define MIF_CFG_PROTO_ANY	256

enum mif_cfg_policy_dir {
	MIF_CFG_POLICY_OUT,	/**< "out": from the protected side */
	MIF_CFG_POLICY_IN,	/**< "in": from the unprotected side */
};

enum mif_cfg_policy_action {
	MIF_CFG_POLICY_DISCARD,
	MIF_CFG_POLICY_BYPASS,
	MIF_CFG_POLICY_PROTECT,
};

struct mif_cfg_policy {
	enum mif_cfg_policy_dir dir;
	struct mif_prefix src;
	struct mif_prefix dst;
	uint16_t proto;			/**< 0..255 or MIF_CFG_PROTO_ANY */
	uint16_t sport_lo, sport_hi;	/**< ICMP: type << 8 | code */
	uint16_t dport_lo, dport_hi;
	uint32_t priority;		/**< lower wins; default 0 */
	enum mif_cfg_policy_action action;
	char sa[MIF_NAME_LEN];		/**< PROTECT: SA or bundle name */
	unsigned int line;
};

/**
 * "tcp", "udp", "sctp", "icmp", "icmp6"/"ipv6-icmp", "esp", "gre",
 * "any" or a number 0..255. @return 0 or -EINVAL.
 */
int mif_cfg_proto_parse(const char *s, uint16_t *proto);

/** "443", "1024-65535" or "any". @return 0 or -EINVAL. */
int mif_cfg_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi);

#endif
