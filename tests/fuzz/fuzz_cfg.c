/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the configuration loader. The input is the file
 * text; mif_cfg_load_mem() is the loader behind mif_cfg_load() minus the
 * read(2) loop. Besides crashes and sanitizer reports it aborts when a
 * result breaks the loader's contract: an error must be one line that
 * starts with "FILE:", a success must hold at least one port and only
 * in-range indices.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "common/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5's scanner loses the text of a string literal (and of a
 * string being concatenated) when a syntax error follows it: a few
 * bytes per failed load, inside libconfig. Only those two scanner
 * frames are listed, so a missing config_destroy() of ours would still
 * be reported through the parser's setting allocations. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static void
check_ok(const struct mif_cfg *c)
{
	unsigned int i;

	if (c->n_ports == 0 || c->n_ports > MIF_CFG_MAX_PORTS ||
	    c->burst == 0 || c->burst > MIF_CFG_MAX_BURST)
		abort();
	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].port >= c->n_ports)
			abort();
	for (i = 0; i < c->n_neighs; i++)
		if (c->neighs[i].port >= c->n_ports)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;
	int rc;

	rc = mif_cfg_load_mem("f", (const char *)data, size, &c, err,
			      sizeof(err));
	if (rc == 0) {
		check_ok(&c);
		mif_cfg_free(&c);
		return 0;
	}
	if (strncmp(err, "f:", 2) != 0 || strchr(err, '\n') != NULL ||
	    c.n_ports != 0 || c.routes != NULL)
		abort();
	return 0;
}
