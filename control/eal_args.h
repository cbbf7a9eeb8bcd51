/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_EAL_ARGS_H
#define MIF_EAL_ARGS_H

/** @file
 * The EAL argument vector, merged from the configuration file's `eal`
 * list and the command line: an option given on the command line
 * replaces every occurrence of the same option from the file (aliases
 * such as -l/--lcores/-c and -a/--allow/-b/--block/--no-pci count as one
 * option). Then options derived from the configuration are added where
 * neither source set them: the lcore list (the main lcore plus the
 * workers) and which PCI devices to probe.
 */

#include <stdbool.h>

#include "common/cfg.h"

#define MIF_EAL_MAX_ARGS	128

struct mif_eal_args {
	int argc;
	char *argv[MIF_EAL_MAX_ARGS + 1];	/**< NULL-terminated */
	char buf[4096];				/**< derived strings */
	unsigned int used;
	unsigned int main_lcore;		/**< when derived */
};

/**
 * Merge. @p cli is the part of the command line before "--", without
 * argv[0]. Strings from @p cli and @p cfg are referenced, not copied.
 * @return 0, -E2BIG (too many arguments) or -EINVAL (an option that
 * needs a value has none; @p err says which).
 */
int mif_eal_args_merge(struct mif_eal_args *ea, const char *argv0,
		       char **cli, int n_cli, const struct mif_cfg *cfg,
		       char *err, size_t errlen);

#endif
