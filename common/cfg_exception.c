/* SPDX-License-Identifier: BSD-3-Clause */
/* The "exception" group: the tap port to the host's own stack
 * (docs/architecture.md, "The gateway as an endpoint"). */
#include <string.h>

#include "common/cfg_internal.h"

int
mif_cfg_parse_exception(struct mif_cfg_ctx *ctx, const config_setting_t *s)
{
	static const char *const allowed[] = { "dev", NULL };
	const config_setting_t *d;
	const char *dev;
	int rc;

	if ((rc = mif_cfg_as_group(ctx, s, "exception settings")) != 0 ||
	    (rc = mif_cfg_keys_check(ctx, s, allowed)) != 0 ||
	    (rc = mif_cfg_member(ctx, s, "dev", true,
				 "a net_tap device string", &d)) != 0 ||
	    (rc = mif_cfg_as_str(ctx, d, MIF_CFG_DEV_LEN - 1,
				 "a net_tap device string", &dev)) != 0)
		return rc;
	/* Only a tap gives the kernel an interface the host stack uses. */
	if (strncmp(dev, "net_tap", 7) != 0)
		return mif_cfg_err_got(ctx, d, "a net_tap device string (\"net_tapN,iface=NAME\")");
	strcpy(ctx->cfg->exception_dev, dev);
	return 0;
}
