/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"

RTE_LOG_REGISTER(mif_logtype_main, mif.main, NOTICE);
RTE_LOG_REGISTER(mif_logtype_cfg, mif.cfg, NOTICE);
RTE_LOG_REGISTER(mif_logtype_dp, mif.dp, NOTICE);
RTE_LOG_REGISTER(mif_logtype_ctl, mif.ctl, NOTICE);
RTE_LOG_REGISTER(mif_logtype_esp, mif.esp, NOTICE);
RTE_LOG_REGISTER(mif_logtype_ike, mif.ike, NOTICE);
RTE_LOG_REGISTER(mif_logtype_cli, mif.cli, NOTICE);

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "emerg", RTE_LOG_EMERG },
	{ "alert", RTE_LOG_ALERT },
	{ "crit", RTE_LOG_CRIT },
	{ "err", RTE_LOG_ERR },
	{ "error", RTE_LOG_ERR },
	{ "warning", RTE_LOG_WARNING },
	{ "notice", RTE_LOG_NOTICE },
	{ "info", RTE_LOG_INFO },
	{ "debug", RTE_LOG_DEBUG },
};

int
mif_log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < RTE_DIM(level_names); i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return level_names[i].level;
	return -EINVAL;
}

static const char *const subsystems[] = {
	"main", "cfg", "dp", "ctl", "esp", "ike", "cli",
};

bool
mif_log_subsystem_valid(const char *sub)
{
	size_t i;

	if (strcmp(sub, "*") == 0)
		return true;
	for (i = 0; i < RTE_DIM(subsystems); i++)
		if (strcmp(sub, subsystems[i]) == 0)
			return true;
	return false;
}

int
mif_log_set_level(const char *sub, int level)
{
	char pattern[64];

	if (!mif_log_subsystem_valid(sub))
		return -ENOENT;
	snprintf(pattern, sizeof(pattern), "mif.%s", sub);
	return rte_log_set_level_pattern(pattern, level) == 0 ? 0 : -EINVAL;
}
