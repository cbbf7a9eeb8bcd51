/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CFG_INTERNAL_H
#define MIF_CFG_INTERNAL_H

/* Shared by the cfg_*.c files only: the load context and the typed
 * getters. Every getter reports its own error in the form
 * "FILE:LINE: key.path: expected X, got Y" and returns -EINVAL, so a
 * section parser only propagates the return code. Only the first error
 * is kept. */

#include <stdarg.h>
#include <stdbool.h>

#include <libconfig.h>

#include "common/cfg.h"

struct mif_cfg_ctx {
	const char *file;		/* as the caller named it */
	struct mif_cfg *cfg;
	char *err;
	size_t errlen;
	bool failed;			/* err holds the first error */
};

/* One top-level key. parse() runs in file order and checks everything
 * local to the section; link() runs afterwards, in table order, for
 * references to other sections (a route's port, say). */
struct mif_cfg_section {
	const char *name;
	bool required;
	int (*parse)(struct mif_cfg_ctx *ctx, const config_setting_t *s);
	int (*link)(struct mif_cfg_ctx *ctx, const config_setting_t *s);
};

/* Errors. All return -EINVAL so callers can "return mif_cfg_err(...)". */
int mif_cfg_err(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mif_cfg_err_got(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mif_cfg_err_missing(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
			const char *name, const char *expected);
int mif_cfg_err_at(struct mif_cfg_ctx *ctx, unsigned int line,
		   const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Key paths such as "ports[1].addresses[0]"; "" for the root. */
const char *mif_cfg_path(const config_setting_t *s, char *buf, size_t len);
/* A source line for s: its own, else the nearest ancestor's, else 1. */
unsigned int mif_cfg_line(const config_setting_t *s);
/* True when s or an enclosing key may hold key material. */
bool mif_cfg_is_secret(const config_setting_t *s);
/* What the "got ..." part says about s; hides secret values. */
const char *mif_cfg_describe(const config_setting_t *s, char *buf,
			     size_t len);

/* Structure. */
int mif_cfg_keys_check(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		       const char *const allowed[]);
int mif_cfg_member(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		   const char *name, bool required, const char *expected,
		   const config_setting_t **out);
int mif_cfg_as_group(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		     const char *what);
int mif_cfg_as_seq(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		   bool groups, unsigned int min, unsigned int max,
		   const char *what);

/* Scalars. */
int mif_cfg_as_uint(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		    unsigned int min, unsigned int max, unsigned int *v);
int mif_cfg_as_str(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		   size_t maxlen, const char *what, const char **v);
int mif_cfg_as_name(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		    char *buf, size_t len);
int mif_cfg_as_enum(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		    const char *const names[], int *idx);
int mif_cfg_as_addr(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		    struct mif_addr *a);
int mif_cfg_as_prefix(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		      bool host_bits, struct mif_prefix *p);
int mif_cfg_as_mac(struct mif_cfg_ctx *ctx, const config_setting_t *s,
		   uint8_t mac[6]);

/* Group members with a default: absent leaves *v untouched. */
int mif_cfg_get_uint(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		     const char *name, unsigned int min, unsigned int max,
		     unsigned int *v);

/* Resolve a "port = NAME" member to an index into cfg->ports. */
int mif_cfg_port_ref(struct mif_cfg_ctx *ctx, const config_setting_t *grp,
		     unsigned int *port);
/* A next hop or neighbour must be inside one of the port's subnets (or
 * IPv6 link-local) and must not be the port's own address. */
int mif_cfg_onlink_check(struct mif_cfg_ctx *ctx, const config_setting_t *s,
			 unsigned int port, const struct mif_addr *a);
/* Not unspecified, loopback, multicast or IPv4 class E/broadcast. */
bool mif_cfg_addr_unicast(const struct mif_addr *a);
/* False for the network and broadcast address of an IPv4 subnet of
 * length @p len (up to /30); true for IPv6. */
bool mif_cfg_v4_host_ok(const struct mif_addr *a, unsigned int len);

/* The source text is scanned before libconfig parses it (cfg_scan.c). */
struct mif_cfg_scan {
	unsigned int include_line;	/* first @include, 0 if none */
	unsigned int big_line;		/* first truncated integer, or 0 */
	char big_text[32];		/* that literal, possibly cut */
	unsigned int nul_line;		/* first NUL byte, or 0 */
};
void mif_cfg_scan(const char *buf, size_t len, struct mif_cfg_scan *sc);

/* Sections: one parse function (and maybe a link function) each. */
int mif_cfg_parse_eal(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_workers(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_log(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_dataplane(struct mif_cfg_ctx *ctx,
			    const config_setting_t *s);
int mif_cfg_parse_ports(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_routes(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_link_routes(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_neighs(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_link_neighs(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_policies(struct mif_cfg_ctx *ctx,
			   const config_setting_t *s);
int mif_cfg_link_policies(struct mif_cfg_ctx *ctx,
			  const config_setting_t *s);
int mif_cfg_parse_sas(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_link_sas(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_exception(struct mif_cfg_ctx *ctx,
			    const config_setting_t *s);
int mif_cfg_parse_cli(struct mif_cfg_ctx *ctx, const config_setting_t *s);
int mif_cfg_parse_ike(struct mif_cfg_ctx *ctx, const config_setting_t *s);

#endif
