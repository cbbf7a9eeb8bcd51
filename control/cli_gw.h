/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CLI_GW_H
#define MIF_CLI_GW_H

/** @file
 * CLI commands that need the running gateway: routes, configuration
 * check and reload. Their context (mif_cli_conf.ctx) is a struct
 * mif_cli_gw; the commands refuse to run without one, so a host that
 * only runs the CLI server (tests/cli_host.c) may register them too.
 */

#include <stdint.h>

#include "common/cfg.h"

/** What the gateway hands to these commands. Control thread only. */
struct mif_cli_gw {
	/** The running configuration. `config reload` replaces its
	 * run-time parts (log levels, routes) in place. */
	struct mif_cfg *cfg;
	/** Route tables published so far: names new DPDK FIB objects. */
	unsigned int rt_gen;
};

/** Register `show routes`, `show route ADDR`, `config check [FILE]`,
 * `config reload`. @return 0 or the registry's error. */
int mif_cli_cmds_gw_register(void);

/** Register `show sa [exact|detail]`, `show spd`, `show paths` and the
 * interface-set operations `paths add|remove|alternate|promote|handover`
 * (control/cli_cmds_ipsec.c). They read mif_state's SAD, SA table and
 * SPDs. @return 0 or the registry's error. */
int mif_cli_cmds_ipsec_register(void);

/** Register `show ike [detail]` (control/cli_cmds_ike.c). */
int mif_cli_cmds_ike_register(void);

/**
 * Timer for the path operations (control loop, a few times a second):
 * finishes soft handovers whose old path has drained and frees replaced
 * interface sets after their grace period, for the SAs the CLI changed.
 */
void mif_cli_paths_tick(uint64_t now_tsc);

#endif
