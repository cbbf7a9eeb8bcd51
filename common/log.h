/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_LOG_H
#define MIF_LOG_H

/** @file
 * One rte_log type per subsystem ("mif.cfg", "mif.dp", ...). Every line
 * carries the subsystem and the calling function.
 */

#include <stdbool.h>

#include <rte_log.h>

extern int mif_logtype_main;
extern int mif_logtype_cfg;
extern int mif_logtype_dp;
extern int mif_logtype_ctl;
extern int mif_logtype_esp;
extern int mif_logtype_ike;
extern int mif_logtype_cli;

/** Log from the slow path: MIF_LOG(cfg, ERR, "port %s: ...", name). */
#define MIF_LOG(sub, lvl, fmt, ...)					\
	rte_log(RTE_LOG_ ## lvl, mif_logtype_ ## sub,			\
		"mif." #sub ": %s: " fmt "\n", __func__, ##__VA_ARGS__)

/**
 * Set the level of one subsystem ("cfg", "dp", ...) or of all ("*").
 * @return 0, or -ENOENT for an unknown subsystem.
 */
int mif_log_set_level(const char *sub, int level);

/** True for a known subsystem name or "*". */
bool mif_log_subsystem_valid(const char *sub);

/** Parse "err", "warning", "notice", "info", "debug" into an RTE_LOG_ level. */
int mif_log_level_parse(const char *name);

#endif
