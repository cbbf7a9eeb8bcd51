/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_IKE_H
#define MIF_CFG_IKE_H

/** @file
 * The "ike" section: IKEv2 peers, their proposals and children, and the
 * daemon's limits (docs/configuration.md, docs/ike.md). Transform ids are
 * the IANA numbers of RFC 7296 3.3.2 so that control/ike_*.c can use them
 * as they are. Pre-shared keys stay here from load to mif_cfg_free(),
 * which wipes them; they never reach an error line or a log.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"

#define MIF_CFG_IKE_MAX_PEERS		256
#define MIF_CFG_IKE_MAX_PROPS		8
#define MIF_CFG_IKE_MAX_CHILDREN	4
#define MIF_CFG_IKE_MAX_TS		4
#define MIF_CFG_IKE_ID_LEN		128
#define MIF_CFG_IKE_NAME_LEN		32	/**< as MIF_NAME_LEN */
#define MIF_CFG_IKE_PSK_MAX		128
#define MIF_CFG_IKE_PSK_MIN		8
#define MIF_CFG_IKE_DEF_COOKIE		32
#define MIF_CFG_IKE_DEF_HALF_OPEN	256
#define MIF_CFG_IKE_DEF_MAX_SAS		1024
#define MIF_CFG_IKE_DEF_IKE_LIFE	14400
#define MIF_CFG_IKE_DEF_CHILD_LIFE	3600

/** One proposal: IANA transform ids; 0 for "none" (integ with AEAD,
 * dh in ESP proposals). */
struct mif_cfg_ike_prop {
	uint16_t encr;
	uint16_t keylen;		/**< bits */
	uint16_t prf;			/**< IKE only */
	uint16_t integ;
	uint16_t dh;
	bool esn;			/**< ESP only */
};

struct mif_cfg_ike_child {
	char name[MIF_CFG_IKE_NAME_LEN];
	struct mif_prefix local_ts[MIF_CFG_IKE_MAX_TS];
	struct mif_prefix remote_ts[MIF_CFG_IKE_MAX_TS];
	unsigned int n_local, n_remote;
	bool transport;			/**< mode = "transport" */
};

struct mif_cfg_ike_peer {
	char name[MIF_CFG_IKE_NAME_LEN];
	struct mif_addr local;
	struct mif_addr remote;		/**< family 0 for "any" */
	char local_id[MIF_CFG_IKE_ID_LEN];
	char remote_id[MIF_CFG_IKE_ID_LEN];
	uint8_t psk[MIF_CFG_IKE_PSK_MAX];
	unsigned int psk_len;
	struct mif_cfg_ike_prop props[MIF_CFG_IKE_MAX_PROPS];
	unsigned int n_props;
	struct mif_cfg_ike_prop esp[MIF_CFG_IKE_MAX_PROPS];
	unsigned int n_esp;
	struct mif_cfg_ike_child children[MIF_CFG_IKE_MAX_CHILDREN];
	unsigned int n_children;
	unsigned int ike_lifetime;	/**< seconds until an IKE rekey */
	unsigned int child_lifetime;	/**< seconds until a Child rekey */
	/** Soft packet limit of each Child SA; 0: 2^32 - 2^20 without
	 * ESN, none with ESN. */
	uint64_t child_rekey_packets;
	bool initiate;
	unsigned int line;
};

/** The "ike" group; n_peers == 0 when the section is absent. */
struct mif_cfg_ike {
	struct mif_cfg_ike_peer *peers;	/**< malloc'd; wiped when freed */
	unsigned int n_peers;
	unsigned int cookie_threshold;	/**< half-open SAs before cookies */
	unsigned int max_half_open;	/**< refuse new SAs above this */
	unsigned int max_sas;		/**< IKE SAs in total */
};

/**
 * Parse one proposal string ("aes256gcm16-prfsha256-ecp256", or for
 * ESP "aes256gcm16-esn"). @return 0 or -EINVAL.
 */
int mif_cfg_ike_prop_parse(const char *s, bool esp,
			   struct mif_cfg_ike_prop *p);

/** Wipe and free the peers of @p ike. */
void mif_cfg_ike_free(struct mif_cfg_ike *ike);

#endif
