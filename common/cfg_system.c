/* SPDX-License-Identifier: BSD-3-Clause */
/* Sections about the process: eal, workers, log, dataplane. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_log.h>

#include "common/cfg_internal.h"
#include "common/log.h"

/* An EAL argument longer than this is a mistake, not a device list. */
#define EAL_ARG_MAX	1024

int
mif_cfg_parse_eal(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	const char *arg;
	unsigned int i, n;
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, false, 0, MIF_CFG_MAX_EAL_ARGS,
				 "strings")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	for (i = 0; i < n; i++) {
		rc = mif_cfg_as_str(ctx, config_setting_get_elem(s, i),
				    EAL_ARG_MAX, "an EAL argument string",
				    &arg);
		if (rc != 0)
			return rc;
		cfg->eal_argv[i] = strdup(arg);
		if (cfg->eal_argv[i] == NULL)
			return mif_cfg_err(ctx, s, "out of memory");
		cfg->eal_argc = i + 1;
	}
	return 0;
}

int
mif_cfg_parse_workers(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	const config_setting_t *e;
	unsigned int i, j, n, id;
	char what[64];
	int rc;

	if ((rc = mif_cfg_as_seq(ctx, s, false, 1, MIF_CFG_MAX_WORKERS,
				 "lcore ids")) != 0)
		return rc;
	n = (unsigned int)config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if ((rc = mif_cfg_as_uint(ctx, e, 0, RTE_MAX_LCORE - 1,
					  &id)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (cfg->workers[j] == id) {
				snprintf(what, sizeof(what), "workers[%u]", j);
				return mif_cfg_err_got(ctx, e,
						       "an lcore id not listed before (as %s)",
						       what);
			}
		cfg->workers[i] = id;
	}
	cfg->n_workers = n;
	return 0;
}

static int
log_level(struct mif_cfg_ctx *ctx, const config_setting_t *s, int *level)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err",
		"warning", "notice", "info", "debug", NULL };
	int idx, rc;

	if ((rc = mif_cfg_as_enum(ctx, s, names, &idx)) != 0)
		return rc;
	/* The names above are in RTE_LOG_* order, which starts at 1. */
	*level = (int)RTE_LOG_EMERG + idx;
	return 0;
}

int
mif_cfg_parse_log(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	static const char *const allowed[] = { "level", "main", "cfg", "dp",
		"ctl", "esp", "ike", "cli", NULL };
	struct mif_cfg *cfg = ctx->cfg;
	struct mif_cfg_log *l;
	const config_setting_t *e;
	const char *name;
	int k, rc;

	if ((rc = mif_cfg_as_group(ctx, s, "log levels")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, allowed)) != 0)
		return rc;
	for (k = 0; k < config_setting_length(s); k++) {
		e = config_setting_get_elem(s, (unsigned int)k);
		name = config_setting_name(e);
		if (strcmp(name, "level") == 0) {
			l = &cfg->logs[0];
		} else {
			/* At most 7 subsystems follow "*". */
			l = &cfg->logs[cfg->n_logs++];
			snprintf(l->subsystem, sizeof(l->subsystem), "%s",
				 name);
		}
		if ((rc = log_level(ctx, e, &l->level)) != 0)
			return rc;
	}
	return 0;
}

int
mif_cfg_parse_dataplane(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	struct mif_cfg *cfg = ctx->cfg;
	/* Ranges are documented in docs/configuration.md. */
	const struct {
		const char *name;
		unsigned int min, max;
		unsigned int *v;
	} keys[] = {
		{ "mbufs", 1024, 1u << 22, &cfg->mbufs },
		{ "burst", 1, MIF_CFG_MAX_BURST, &cfg->burst },
		{ "neigh_timeout", 1, 86400, &cfg->neigh_timeout_s },
		{ "neigh_queue", 0, 1024, &cfg->neigh_queue_len },
		{ "icmp_rate", 0, 1000000, &cfg->icmp_rate },
		{ "idle_sleep_us", 0, 100000, &cfg->idle_sleep_us },
	};
	const char *allowed[RTE_DIM(keys) + 1];
	const config_setting_t *e;
	size_t i;
	int k, rc;

	for (i = 0; i < RTE_DIM(keys); i++)
		allowed[i] = keys[i].name;
	allowed[i] = NULL;
	if ((rc = mif_cfg_as_group(ctx, s, "dataplane tunables")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, allowed)) != 0)
		return rc;
	for (k = 0; k < config_setting_length(s); k++) {
		e = config_setting_get_elem(s, (unsigned int)k);
		for (i = 0; strcmp(keys[i].name, config_setting_name(e)) != 0;
		     i++)
			;
		if ((rc = mif_cfg_as_uint(ctx, e, keys[i].min, keys[i].max,
					  keys[i].v)) != 0)
			return rc;
	}
	return 0;
}
