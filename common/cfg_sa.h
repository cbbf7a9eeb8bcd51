/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_SA_H
#define MIF_CFG_SA_H

/** @file
 * The "sas" section: manually keyed ESP SAs as the operator writes them
 * (docs/configuration.md). The dataplane turns each entry into a
 * struct mif_sa (dataplane/sa_cfg.c). Policies name these SAs by name.
 *
 * Key material sits in this struct from load to mif_cfg_free(), which
 * wipes it; it never reaches an error line or a log.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/cfg.h"

#define MIF_CFG_MAX_SAS		65536
#define MIF_CFG_SA_KEY_MAX	32
#define MIF_CFG_SA_AUTH_KEY_MAX	64
/** Same bound as the replay window code (MIF_REPLAY_WIN_MAX). */
#define MIF_CFG_SA_WIN_MAX	65536
#define MIF_CFG_SA_DEF_WIN	64
#define MIF_CFG_SA_DEF_PORT	4500

enum mif_cfg_sa_cipher {
	MIF_CFG_SA_NULL,
	MIF_CFG_SA_AES_CBC_128,
	MIF_CFG_SA_AES_CBC_256,
	MIF_CFG_SA_AES_GCM_128,
	MIF_CFG_SA_AES_GCM_256,
};

enum mif_cfg_sa_auth {
	MIF_CFG_SA_AUTH_NONE,
	MIF_CFG_SA_HMAC_SHA1_96,
	MIF_CFG_SA_HMAC_SHA256_128,
};

enum mif_cfg_sa_df {
	MIF_CFG_SA_DF_COPY,
	MIF_CFG_SA_DF_CLEAR,
	MIF_CFG_SA_DF_SET,
};

struct mif_cfg_sa_life {
	uint64_t bytes;			/**< 0: no limit */
	uint64_t packets;
	uint64_t seconds;
};

/** Extra paths of an SA's interface set (docs/interface-sets.md); the
 * SA's own local/remote is the first path. */
#define MIF_CFG_SA_MAX_PATHS	7

struct mif_cfg_sa_path {
	struct mif_addr local;
	struct mif_addr remote;
	uint16_t sport, dport;		/**< default: the SA's */
	uint8_t state;			/**< enum mif_ifset_state order */
	uint8_t priority;
	uint16_t weight;
	int alt_of;			/**< -1; 0: the SA's path; k: paths[k-1] */
	/** ts set: added at start-up by an ADD operation with this traffic
	 * selector, to every SA of the peer whose selectors lie inside. */
	bool has_ts;
	struct mif_prefix ts_local;
	struct mif_prefix ts_remote;
	unsigned int line;
};

struct mif_cfg_sa {
	char name[MIF_NAME_LEN];
	uint32_t spi;			/**< host order, >= 256 */
	bool out;			/**< dir = "out" */
	bool transport;			/**< mode = "transport" */
	struct mif_addr local;		/**< our outer address */
	struct mif_addr remote;		/**< the peer's outer address */
	enum mif_cfg_sa_cipher cipher;
	uint8_t key[MIF_CFG_SA_KEY_MAX];
	uint8_t key_len;
	uint8_t salt[4];		/**< AES-GCM only */
	enum mif_cfg_sa_auth auth;
	uint8_t auth_key[MIF_CFG_SA_AUTH_KEY_MAX];
	uint8_t auth_key_len;
	bool esn;
	unsigned int replay_window;	/**< inbound; default 64 */
	bool udp_encap;			/**< encap = "udp" (RFC 3948) */
	uint16_t sport, dport;		/**< default 4500 */
	enum mif_cfg_sa_df df;
	bool fragment;			/**< non-DF IPv4 over MTU: fragment */
	struct mif_cfg_sa_life soft;
	struct mif_cfg_sa_life hard;
	struct mif_cfg_sa_path paths[MIF_CFG_SA_MAX_PATHS];
	unsigned int n_paths;
	uint8_t path_policy;		/**< enum mif_ifset_policy order */
	uint8_t failback;		/**< enum mif_ifset_failback order */
	unsigned int line;
};

/** Index of the SA called @p name, or -1. */
int mif_cfg_sa_find(const struct mif_cfg *cfg, const char *name);

#endif
