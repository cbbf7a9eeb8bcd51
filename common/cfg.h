/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_H
#define MIF_CFG_H

/** @file
 * The gateway's configuration, loaded from a libconfig file. The loader
 * validates the whole file into a struct mif_cfg before anything is
 * applied; an error names file, line, key path and what was expected.
 * Every key is documented in docs/configuration.md.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/cfg_ike.h"

#define MIF_NAME_LEN		32
#define MIF_CFG_MAX_PORTS	16
#define MIF_CFG_MAX_PORT_ADDRS	8
#define MIF_CFG_MAX_ROUTES	65536
#define MIF_CFG_MAX_NEIGHS	4096
#define MIF_CFG_MAX_WORKERS	64
#define MIF_CFG_MAX_EAL_ARGS	64
#define MIF_CFG_DEV_LEN		256
#define MIF_CFG_ERR_LEN		512
#define MIF_CFG_MAX_LOGS	16
#define MIF_CFG_MAX_BURST	64	/**< upper bound of dataplane.burst */
#define MIF_CFG_MAX_FILE	(64u << 20) /**< bytes read at most */

/* Defaults of the optional keys (docs/configuration.md). */
#define MIF_CFG_DEF_MTU			1500
#define MIF_CFG_DEF_MBUFS		16384
#define MIF_CFG_DEF_BURST		32
#define MIF_CFG_DEF_NEIGH_TIMEOUT	300
#define MIF_CFG_DEF_NEIGH_QUEUE		16
#define MIF_CFG_DEF_ICMP_RATE		100
#define MIF_CFG_DEF_IDLE_SLEEP_US	0

enum mif_port_role {
	MIF_PORT_PROTECTED,	/**< trusted side: clear traffic */
	MIF_PORT_UNPROTECTED,	/**< untrusted side: ESP and IKE */
};

struct mif_cfg_port {
	char name[MIF_NAME_LEN];
	char dev[MIF_CFG_DEV_LEN];	/**< PCI address or vdev string */
	bool is_vdev;
	enum mif_port_role role;
	struct mif_prefix addrs[MIF_CFG_MAX_PORT_ADDRS]; /**< host bits set */
	unsigned int n_addrs;
	uint16_t mtu;			/**< IP MTU; default 1500 */
	unsigned int line;		/**< where the port was declared */
};

struct mif_cfg_route {
	struct mif_prefix dst;
	struct mif_addr via;		/**< next hop, when has_via */
	bool has_via;
	unsigned int port;		/**< index into mif_cfg.ports */
};

struct mif_cfg_neigh {
	struct mif_addr ip;
	uint8_t mac[6];
	unsigned int port;		/**< index into mif_cfg.ports */
};

struct mif_cfg_log {
	char subsystem[MIF_NAME_LEN];	/**< "cfg", "dp", ... or "*" */
	int level;			/**< RTE_LOG_* */
};

struct mif_cfg_policy;
struct mif_cfg_sa;

/** The "cli" group (control/cli.h, docs/cli.md). Only what the file
 * says is recorded; absent keys keep the CLI's defaults. */
struct mif_cfg_cli {
	bool disabled;			/**< enabled = false */
	bool has_address;
	struct mif_addr address;	/**< listen address */
	unsigned int port;		/**< 0: not given */
	char password[129];		/**< "": none; never logged */
	unsigned int sessions;		/**< 0: not given */
	bool has_idle_timeout;
	unsigned int idle_timeout_s;	/**< 0 = never (when given) */
	unsigned int auth_delay_ms;	/**< 0: not given */
};

struct mif_cfg {
	char path[PATH_MAX];

	/* EAL arguments from the file; the command line wins. */
	char *eal_argv[MIF_CFG_MAX_EAL_ARGS];
	unsigned int eal_argc;

	struct mif_cfg_port ports[MIF_CFG_MAX_PORTS];
	unsigned int n_ports;

	struct mif_cfg_route *routes;	/**< malloc'd, n_routes entries */
	unsigned int n_routes;

	struct mif_cfg_neigh *neighs;	/**< malloc'd, n_neighs entries */
	unsigned int n_neighs;

	/** malloc'd, n_policies entries (common/cfg_spd.h) */
	struct mif_cfg_policy *policies;
	unsigned int n_policies;

	/** malloc'd, n_sas entries (common/cfg_sa.h); wiped when freed */
	struct mif_cfg_sa *sas;
	unsigned int n_sas;

	/** "ike" group (common/cfg_ike.h); peers wiped when freed */
	struct mif_cfg_ike ike;

	/** "exception" group: the tap to the host stack; "" when absent */
	char exception_dev[MIF_CFG_DEV_LEN];

	/** lcore ids; n_workers == 0 when the key is absent */
	unsigned int workers[MIF_CFG_MAX_WORKERS];
	unsigned int n_workers;

	/* logs[0] is always "*" (default notice); per-subsystem entries
	 * follow in file order, so apply them in index order. */
	struct mif_cfg_log logs[MIF_CFG_MAX_LOGS];
	unsigned int n_logs;

	/* Tunables (the "dataplane" group). */
	unsigned int mbufs;		/**< mbufs in the pool */
	unsigned int burst;		/**< RX burst, <= MIF_MAX_BURST */
	unsigned int neigh_timeout_s;	/**< reachable lifetime */
	unsigned int neigh_queue_len;	/**< packets held per unresolved nh */
	unsigned int icmp_rate;		/**< ICMP errors per second */
	unsigned int idle_sleep_us;	/**< worker sleep on empty poll; 0 spins */

	struct mif_cfg_cli cli;		/**< the "cli" group */
};

/**
 * Load and validate @p path into @p cfg. Nothing is applied.
 * @param err  receives "FILE:LINE: key.path: message" on failure
 * @return 0, or -EINVAL (bad content) / -ENOENT / -EIO (unreadable)
 */
int mif_cfg_load(const char *path, struct mif_cfg *cfg,
		 char *err, size_t errlen);

/**
 * As mif_cfg_load(), from @p len bytes at @p buf (not NUL-terminated);
 * @p name stands for FILE in error lines. For the fuzz harness and for
 * text that does not come from a file.
 */
int mif_cfg_load_mem(const char *name, const char *buf, size_t len,
		     struct mif_cfg *cfg, char *err, size_t errlen);

/** Release what mif_cfg_load() allocated. Safe on a zeroed cfg. */
void mif_cfg_free(struct mif_cfg *cfg);

/** Index of the port called @p name, or -1. */
int mif_cfg_port_find(const struct mif_cfg *cfg, const char *name);

#endif
