/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_SA_PATHS_H
#define MIF_CFG_SA_PATHS_H

/* Loader of an SA's interface set (paths, path_policy, failback in a
 * "sas" entry); internal to the config loader (common/cfg_sa.c). */

#include "common/cfg_internal.h"
#include "common/cfg_sa.h"

/* replay_window of an inbound SA with a paths list when the file sets
 * none; equal to MIF_IFSET_REPLAY_WIN_DEFAULT (checked by test_ifset_ops). */
#define MIF_CFG_SA_PATHS_WIN	1024

/* Parse the interface-set keys of SA group @g into @sa. The SA's own
 * local/remote/encap must have been read. 0 or the error's rc. */
int mif_cfg_sa_paths_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
			   struct mif_cfg_sa *sa);

#endif
