/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_SA_PATHS_H
#define MIF_CFG_SA_PATHS_H

/* Loader of an SA's interface set (paths, path_policy, failback in a
 * "sas" entry); internal to the config loader (common/cfg_sa.c). */

#include "common/cfg_internal.h"
#include "common/cfg_sa.h"

/* Parse the interface-set keys of SA group @g into @sa. The SA's own
 * local/remote/encap must have been read. 0 or the error's rc. */
int mif_cfg_sa_paths_parse(struct mif_cfg_ctx *ctx, const config_setting_t *g,
			   struct mif_cfg_sa *sa);

#endif
