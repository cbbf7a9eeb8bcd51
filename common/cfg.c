/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loader: reads a libconfig file, checks all of it and
 * fills a struct mif_cfg; nothing is applied here.
 *
 * Files: cfg.c (this: reading, the section table, load/free),
 * cfg_scan.c (raw-text checks libconfig 1.5 lacks), cfg_util.c (key
 * paths, error text, typed getters), one cfg_<section>.c per top-level
 * key group.
 *
 * To add a section (say "sas" for static SAs):
 *  1. add its fields to struct mif_cfg in cfg.h;
 *  2. write cfg_sas.c with mif_cfg_parse_sas(ctx, setting): check the
 *     type with mif_cfg_as_seq()/mif_cfg_as_group(), the keys of each
 *     group with mif_cfg_keys_check() and an allowed-keys array, and read
 *     values only through the mif_cfg_as_*() getters, which format the
 *     error. Return their -EINVAL at once. Add mif_cfg_link_sas() if the
 *     section refers to another one (a port, a peer): link functions run
 *     after every section has been parsed;
 *  3. declare both in cfg_internal.h and add one row to sections[];
 *  4. free what it allocates in mif_cfg_free(), add cfg_sas.c to
 *     mif_cfg_sources, document every key in docs/configuration.md and
 *     add a good and a broken file under tests/configs/. The new name
 *     also joins the list of allowed top-level keys in the first line
 *     of tests/configs/bad_unknown_section.cfg.
 * Values from keys whose name contains "key" must only reach an error
 * line through mif_cfg_describe(), which hides them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_log.h>

#include "common/cfg_internal.h"
#include "common/cfg_sa.h"

static const struct mif_cfg_section sections[] = {
	{ "eal", false, mif_cfg_parse_eal, NULL },
	{ "workers", false, mif_cfg_parse_workers, NULL },
	{ "log", false, mif_cfg_parse_log, NULL },
	{ "dataplane", false, mif_cfg_parse_dataplane, NULL },
	{ "ports", true, mif_cfg_parse_ports, NULL },
	{ "routes", false, mif_cfg_parse_routes, mif_cfg_link_routes },
	{ "neighbors", false, mif_cfg_parse_neighs, mif_cfg_link_neighs },
	{ "sas", false, mif_cfg_parse_sas, mif_cfg_link_sas },
	{ "policies", false, mif_cfg_parse_policies, mif_cfg_link_policies },
	{ "exception", false, mif_cfg_parse_exception, NULL },
	{ "cli", false, mif_cfg_parse_cli, NULL },
	{ "ike", false, mif_cfg_parse_ike, NULL },
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static void
cfg_defaults(struct mif_cfg *cfg)
{
	cfg->mbufs = MIF_CFG_DEF_MBUFS;
	cfg->burst = MIF_CFG_DEF_BURST;
	cfg->neigh_timeout_s = MIF_CFG_DEF_NEIGH_TIMEOUT;
	cfg->neigh_queue_len = MIF_CFG_DEF_NEIGH_QUEUE;
	cfg->icmp_rate = MIF_CFG_DEF_ICMP_RATE;
	cfg->idle_sleep_us = MIF_CFG_DEF_IDLE_SLEEP_US;
	snprintf(cfg->logs[0].subsystem, sizeof(cfg->logs[0].subsystem), "*");
	cfg->logs[0].level = RTE_LOG_NOTICE;
	cfg->n_logs = 1;
}

static int
parse_root(struct mif_cfg_ctx *ctx, const config_setting_t *root)
{
	const char *allowed[N_SECTIONS + 1];
	const config_setting_t *s;
	size_t i;
	int rc, k;

	for (i = 0; i < N_SECTIONS; i++)
		allowed[i] = sections[i].name;
	allowed[N_SECTIONS] = NULL;
	if ((rc = mif_cfg_keys_check(ctx, root, allowed)) != 0)
		return rc;

	/* File order, so that the first error reported is the first one
	 * an operator reading from the top would hit. */
	for (k = 0; k < config_setting_length(root); k++) {
		s = config_setting_get_elem(root, (unsigned int)k);
		for (i = 0; i < N_SECTIONS; i++)
			if (strcmp(config_setting_name(s),
				   sections[i].name) == 0)
				break;
		if ((rc = sections[i].parse(ctx, s)) != 0)
			return rc;
	}

	for (i = 0; i < N_SECTIONS; i++) {
		s = config_setting_get_member(root, sections[i].name);
		if (s == NULL && sections[i].required)
			return mif_cfg_err_missing(ctx, root, sections[i].name,
						   "a top-level section");
		if (s != NULL && sections[i].link != NULL &&
		    (rc = sections[i].link(ctx, s)) != 0)
			return rc;
	}
	return 0;
}

/* First integer setting on @p line, for naming a truncated literal. */
static const config_setting_t *
int_on_line(const config_setting_t *s, unsigned int line, unsigned int depth)
{
	const config_setting_t *hit;
	int type = config_setting_type(s), k;

	if ((type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) &&
	    config_setting_source_line(s) == line)
		return s;
	if (!config_setting_is_aggregate(s) || depth > 16)
		return NULL;
	for (k = 0; k < config_setting_length(s); k++) {
		hit = int_on_line(config_setting_get_elem(s, (unsigned int)k),
				  line, depth + 1);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

static int
report_truncated(struct mif_cfg_ctx *ctx, const config_setting_t *root,
		 const struct mif_cfg_scan *sc)
{
	const config_setting_t *s = int_on_line(root, sc->big_line, 0);
	char path[256] = "";

	if (s != NULL)
		mif_cfg_path(s, path, sizeof(path));
	return mif_cfg_err_at(ctx, sc->big_line, path,
			      "expected an integer that fits in 32 bits (64 with an L suffix), got %s",
			      s != NULL && mif_cfg_is_secret(s) ?
			      "a larger one (value not shown)" : sc->big_text);
}

static int
parse_text(struct mif_cfg_ctx *ctx, const char *text,
	   const struct mif_cfg_scan *sc)
{
	config_t lc;
	int rc;

	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		/* libconfig's texts are fixed strings, never input. */
		rc = mif_cfg_err_at(ctx, (unsigned int)config_error_line(&lc),
				    "", "%s", config_error_text(&lc));
		goto out;
	}
	if (sc->big_line != 0) {
		rc = report_truncated(ctx, config_root_setting(&lc), sc);
		goto out;
	}
	rc = parse_root(ctx, config_root_setting(&lc));
out:
	config_destroy(&lc);
	return rc;
}

int
mif_cfg_load_mem(const char *name, const char *buf, size_t len,
		 struct mif_cfg *cfg, char *err, size_t errlen)
{
	struct mif_cfg_ctx ctx = {
		.file = name, .cfg = cfg, .err = err, .errlen = errlen,
	};
	struct mif_cfg_scan sc;
	char *text = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen > 0)
		err[0] = '\0';
	snprintf(cfg->path, sizeof(cfg->path), "%s", name);
	cfg_defaults(cfg);

	mif_cfg_scan(buf, len, &sc);
	if (sc.nul_line != 0) {
		rc = mif_cfg_err_at(&ctx, sc.nul_line, "",
				    "expected text, got a NUL byte");
		goto out;
	}
	if (sc.include_line != 0) {
		rc = mif_cfg_err_at(&ctx, sc.include_line, "@include",
				    "expected settings only (includes are not supported), got an @include directive");
		goto out;
	}

	text = malloc(len + 1);
	if (text == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		rc = -ENOMEM;
		goto out;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	rc = parse_text(&ctx, text, &sc);
out:
	free(text);
	if (rc != 0) {
		mif_cfg_free(cfg);
		memset(cfg, 0, sizeof(*cfg));
	}
	return rc;
}

/* Double the buffer, up to one byte past the cap so that a file of
 * exactly MIF_CFG_MAX_FILE bytes still reads to EOF. */
static int
buf_grow(char **buf, size_t *cap)
{
	size_t ncap = *cap == 0 ? 65536 : *cap * 2;
	char *nbuf;

	if (ncap > MIF_CFG_MAX_FILE + 1)
		ncap = MIF_CFG_MAX_FILE + 1;
	if (ncap == *cap)
		return -EFBIG;
	nbuf = realloc(*buf, ncap);
	if (nbuf == NULL)
		return -ENOMEM;
	*buf = nbuf;
	*cap = ncap;
	return 0;
}

/* Read the whole file; the size cap also covers pipes and devices. */
static int
read_file(const char *path, char **bufp, size_t *lenp, char *err,
	  size_t errlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? -ENOENT : -EIO;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(EISDIR));
		rc = -EIO;
		goto out;
	}
	for (;;) {
		if (len == cap && (rc = buf_grow(&buf, &cap)) != 0) {
			if (rc == -EFBIG)
				snprintf(err, errlen,
					 "%s: larger than %u bytes, not read",
					 path, MIF_CFG_MAX_FILE);
			else
				snprintf(err, errlen, "%s: out of memory",
					 path);
			rc = rc == -EFBIG ? -EINVAL : rc;
			goto out;
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 strerror(errno));
			rc = -EIO;
			goto out;
		}
		len += (size_t)n;
	}
out:
	close(fd);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
mif_cfg_load(const char *path, struct mif_cfg *cfg, char *err,
	     size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = read_file(path, &buf, &len, err, errlen)) != 0)
		return rc;
	rc = mif_cfg_load_mem(path, buf != NULL ? buf : "", len, cfg, err,
			      errlen);
	free(buf);
	return rc;
}

void
mif_cfg_free(struct mif_cfg *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->eal_argc && i < MIF_CFG_MAX_EAL_ARGS; i++) {
		free(cfg->eal_argv[i]);
		cfg->eal_argv[i] = NULL;
	}
	cfg->eal_argc = 0;
	free(cfg->routes);
	cfg->routes = NULL;
	cfg->n_routes = 0;
	free(cfg->neighs);
	cfg->neighs = NULL;
	cfg->n_neighs = 0;
	free(cfg->policies);
	cfg->policies = NULL;
	cfg->n_policies = 0;
	if (cfg->sas != NULL)
		explicit_bzero(cfg->sas, cfg->n_sas * sizeof(*cfg->sas));
	free(cfg->sas);
	cfg->sas = NULL;
	cfg->n_sas = 0;
	mif_cfg_ike_free(&cfg->ike);
	/* DPDK 22.11 has no rte_memzero_explicit(). */
	explicit_bzero(cfg->cli.password, sizeof(cfg->cli.password));
}

int
mif_cfg_port_find(const struct mif_cfg *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}
