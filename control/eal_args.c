/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control/eal_args.h"

/* Option groups: options in one group replace each other. */
enum opt_group {
	G_NONE = 0,	/* not a group: compared by name */
	G_LCORES,
	G_DEVICES,
	G_MAIN_LCORE,
};

struct opt_desc {
	const char *name;
	bool has_arg;
	enum opt_group group;
};

/* EAL options (DPDK 22.11) that take a value; everything else starting
 * with '-' is a flag, or --name=value. */
static const struct opt_desc opts[] = {
	{ "-l", true, G_LCORES },
	{ "--lcores", true, G_LCORES },
	{ "-c", true, G_LCORES },
	{ "-a", true, G_DEVICES },
	{ "--allow", true, G_DEVICES },
	{ "-b", true, G_DEVICES },
	{ "--block", true, G_DEVICES },
	{ "--no-pci", false, G_DEVICES },
	{ "--main-lcore", true, G_MAIN_LCORE },
	{ "-n", true, G_NONE },
	{ "-r", true, G_NONE },
	{ "-m", true, G_NONE },
	{ "-d", true, G_NONE },
	{ "-s", true, G_NONE },
	{ "--vdev", true, G_NONE },
	{ "--file-prefix", true, G_NONE },
	{ "--socket-mem", true, G_NONE },
	{ "--socket-limit", true, G_NONE },
	{ "--huge-dir", true, G_NONE },
	{ "--proc-type", true, G_NONE },
	{ "--log-level", true, G_NONE },
	{ "--iova-mode", true, G_NONE },
	{ "--base-virtaddr", true, G_NONE },
	{ "--service-corelist", true, G_NONE },
	{ "--mbuf-pool-ops-name", true, G_NONE },
	{ "--vfio-intr", true, G_NONE },
	{ "--vfio-vf-token", true, G_NONE },
	{ "--force-max-simd-bitwidth", true, G_NONE },
	{ "--syslog", true, G_NONE },
	{ "--trace", true, G_NONE },
	{ "--trace-dir", true, G_NONE },
	{ "--trace-bufsz", true, G_NONE },
	{ "--trace-mode", true, G_NONE },
};

/* One option occurrence: argv[i] (and argv[i + 1] when n == 2). */
struct occ {
	char name[64];
	enum opt_group group;
	int i, n;
};

/* Name of the option at argv[i] ("--x" of "--x=v", "-l" of "-l0-1") and
 * how many argv slots it spans. */
static int
occ_parse(char **argv, int argc, int i, struct occ *o, char *err,
	  size_t errlen)
{
	const char *a = argv[i], *eq;
	size_t len, k;

	o->i = i;
	o->n = 1;
	o->group = G_NONE;
	if (a[0] != '-' || a[1] == '\0') {	/* stray word: keep as is */
		snprintf(o->name, sizeof(o->name), "%s", a);
		return 0;
	}
	if (a[1] == '-') {
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
	} else {
		len = 2;
	}
	if (len >= sizeof(o->name))
		len = sizeof(o->name) - 1;
	memcpy(o->name, a, len);
	o->name[len] = '\0';
	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		if (strcmp(opts[k].name, o->name) != 0)
			continue;
		o->group = opts[k].group;
		/* The value is inline (-l0-1, --x=v) or the next word. */
		if (opts[k].has_arg && a[len] == '\0') {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "EAL option %s needs a value",
					 o->name);
				return -EINVAL;
			}
			o->n = 2;
		}
		break;
	}
	return 0;
}

static bool
same_opt(const struct occ *a, const struct occ *b)
{
	if (a->group != G_NONE || b->group != G_NONE)
		return a->group == b->group;
	return strcmp(a->name, b->name) == 0;
}

static int
push(struct mif_eal_args *ea, char *s)
{
	if (ea->argc >= MIF_EAL_MAX_ARGS)
		return -E2BIG;
	ea->argv[ea->argc++] = s;
	ea->argv[ea->argc] = NULL;
	return 0;
}

static char *
store(struct mif_eal_args *ea, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n > sizeof(ea->buf) - ea->used)
		return NULL;
	d = ea->buf + ea->used;
	memcpy(d, s, n);
	ea->used += (unsigned int)n;
	return d;
}

static int
push_copy(struct mif_eal_args *ea, const char *s)
{
	char *d = store(ea, s);

	return d == NULL ? -E2BIG : push(ea, d);
}

/* Does any occurrence in @p argv belong to @p group? */
static bool
has_group(char **argv, int argc, enum opt_group group)
{
	struct occ o;
	char err[128];
	int i;

	for (i = 0; i < argc; i += o.n) {
		if (occ_parse(argv, argc, i, &o, err, sizeof(err)) != 0)
			return false;
		if (o.group == group)
			return true;
	}
	return false;
}

/* Lowest lcore id that is not a worker: the main (control) lcore. */
static unsigned int
pick_main_lcore(const struct mif_cfg *cfg)
{
	unsigned int lc, i;

	for (lc = 0;; lc++) {
		for (i = 0; i < cfg->n_workers; i++)
			if (cfg->workers[i] == lc)
				break;
		if (i == cfg->n_workers)
			return lc;
	}
}

static int
derive_lcores(struct mif_eal_args *ea, const struct mif_cfg *cfg)
{
	char list[MIF_CFG_MAX_WORKERS * 6 + 8], num[16];
	unsigned int i;
	int rc;

	ea->main_lcore = pick_main_lcore(cfg);
	snprintf(list, sizeof(list), "%u", ea->main_lcore);
	for (i = 0; i < cfg->n_workers; i++) {
		snprintf(num, sizeof(num), ",%u", cfg->workers[i]);
		strncat(list, num, sizeof(list) - strlen(list) - 1);
	}
	snprintf(num, sizeof(num), "%u", ea->main_lcore);
	if ((rc = push_copy(ea, "-l")) != 0 ||
	    (rc = push_copy(ea, list)) != 0 ||
	    (rc = push_copy(ea, "--main-lcore")) != 0 ||
	    (rc = push_copy(ea, num)) != 0)
		return rc;
	return 0;
}

/* Probe only the configured PCI devices; none at all without one. */
static int
derive_devices(struct mif_eal_args *ea, const struct mif_cfg *cfg)
{
	unsigned int i, n_pci = 0;
	int rc;

	for (i = 0; i < cfg->n_ports; i++) {
		if (cfg->ports[i].is_vdev)
			continue;
		if ((rc = push_copy(ea, "-a")) != 0 ||
		    (rc = push(ea, (char *)cfg->ports[i].dev)) != 0)
			return rc;
		n_pci++;
	}
	return n_pci == 0 ? push_copy(ea, "--no-pci") : 0;
}

/* Every option that needs a value has one. */
static int
validate(char **argv, int argc, char *err, size_t errlen)
{
	struct occ o;
	int i, rc;

	for (i = 0; i < argc; i += o.n)
		if ((rc = occ_parse(argv, argc, i, &o, err, errlen)) != 0)
			return rc;
	return 0;
}

int
mif_eal_args_merge(struct mif_eal_args *ea, const char *argv0, char **cli,
		   int n_cli, const struct mif_cfg *cfg, char *err,
		   size_t errlen)
{
	char **file = (char **)cfg->eal_argv;
	int n_file = (int)cfg->eal_argc, i, j, rc;
	struct occ o, c;
	bool replaced;

	memset(ea, 0, sizeof(*ea));
	if ((rc = validate(file, n_file, err, errlen)) != 0 ||
	    (rc = validate(cli, n_cli, err, errlen)) != 0 ||
	    (rc = push_copy(ea, argv0)) != 0)
		return rc;

	/* File options the command line does not replace, in order. */
	for (i = 0; i < n_file; i += o.n) {
		if ((rc = occ_parse(file, n_file, i, &o, err, errlen)) != 0)
			return rc;
		replaced = false;
		for (j = 0; j < n_cli && !replaced; j += c.n) {
			if ((rc = occ_parse(cli, n_cli, j, &c, err, errlen)) != 0)
				return rc;
			replaced = same_opt(&o, &c);
		}
		for (j = 0; j < o.n && !replaced; j++)
			if ((rc = push(ea, file[i + j])) != 0)
				return rc;
	}
	for (i = 0; i < n_cli; i++)
		if ((rc = push(ea, cli[i])) != 0)
			return rc;

	if (!has_group(file, n_file, G_LCORES) &&
	    !has_group(cli, n_cli, G_LCORES) &&
	    !has_group(file, n_file, G_MAIN_LCORE) &&
	    !has_group(cli, n_cli, G_MAIN_LCORE) &&
	    (rc = derive_lcores(ea, cfg)) != 0)
		return rc;
	if (!has_group(file, n_file, G_DEVICES) &&
	    !has_group(cli, n_cli, G_DEVICES) &&
	    (rc = derive_devices(ea, cfg)) != 0)
		return rc;
	return 0;
}
