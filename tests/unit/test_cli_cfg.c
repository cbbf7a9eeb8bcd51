/* SPDX-License-Identifier: BSD-3-Clause */
/* The "cli" configuration group: parsing, errors (which never show the
 * password) and the merge into struct mif_cli_conf. */
#include <errno.h>
#include <string.h>

#include "common/cfg.h"
#include "control/cli.h"
#include "tests/unit/check.h"

#define PORTS "ports = ( { name = \"p0\"; dev = \"net_null0\"; " \
	"role = \"protected\"; } );\n"

static struct mif_cfg cfg;
static char err[MIF_CFG_ERR_LEN];

static int
load(const char *text)
{
	mif_cfg_free(&cfg);
	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
	return mif_cfg_load_mem("t.cfg", text, strlen(text), &cfg, err,
				sizeof(err));
}

static void
test_defaults(void)
{
	struct mif_cli_conf c;

	CHECK_EQ(load(PORTS), 0);
	mif_cli_conf_from_cfg(&c, &cfg);
	CHECK(c.enabled);
	CHECK_STR(c.addr, "127.0.0.1");
	CHECK_EQ(c.port, 2323);
	CHECK_STR(c.password, "");
	CHECK_EQ(c.max_sessions, 8);
	CHECK_EQ(c.idle_timeout_s, 600);
	CHECK_EQ(c.auth_delay_ms, MIF_CLI_DEFAULT_AUTH_DELAY_MS);
	CHECK_EQ(mif_cli_conf_check(&c, err, sizeof(err)), 0);
}

static void
test_full(void)
{
	struct mif_cli_conf c;

	CHECK_EQ(load(PORTS "cli = { address = \"0.0.0.0\"; port = 2424; "
		      "password = \"t0p s3cret\"; sessions = 2; "
		      "idle_timeout = 0; auth_delay_ms = 500; };\n"), 0);
	mif_cli_conf_from_cfg(&c, &cfg);
	CHECK_STR(c.addr, "0.0.0.0");
	CHECK_EQ(c.port, 2424);
	CHECK_STR(c.password, "t0p s3cret");
	CHECK_EQ(c.max_sessions, 2);
	CHECK_EQ(c.idle_timeout_s, 0);
	CHECK_EQ(c.auth_delay_ms, 500);
	CHECK_EQ(mif_cli_conf_check(&c, err, sizeof(err)), 0);

	CHECK_EQ(load(PORTS "cli = { enabled = false; address = \"::1\"; };\n"),
		 0);
	mif_cli_conf_from_cfg(&c, &cfg);
	CHECK(!c.enabled);
	CHECK_STR(c.addr, "::1");
}

static void
test_errors(void)
{
	CHECK_EQ(load(PORTS "cli = { address = \"192.0.2.1\"; };\n"), -EINVAL);
	CHECK(strstr(err, "t.cfg:2: cli.address: a non-loopback address "
		     "needs cli.password") != NULL);
	CHECK_EQ(load(PORTS "cli = { port = 0; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.port") != NULL);
	CHECK_EQ(load(PORTS "cli = { sessions = 65; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.sessions") != NULL);
	CHECK_EQ(load(PORTS "cli = { auth_delay_ms = 10; };\n"), -EINVAL);
	CHECK_EQ(load(PORTS "cli = { enabled = 1; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.enabled: expected true or false") != NULL);
	CHECK_EQ(load(PORTS "cli = { adress = \"127.0.0.1\"; };\n"), -EINVAL);
	CHECK(strstr(err, "adress") != NULL);
	CHECK_EQ(load(PORTS "cli = { address = \"localhost\"; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.address: expected an IPv4 or IPv6 address") !=
	      NULL);
	CHECK_EQ(load(PORTS "cli = { address = \"239.1.1.1\"; "
		      "password = \"x\"; };\n"), -EINVAL);
	CHECK_EQ(load(PORTS "cli = ( 1 );\n"), -EINVAL);

	/* A password of the wrong type or length is not echoed. */
	CHECK_EQ(load(PORTS "cli = { password = 123456; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.password") != NULL);
	CHECK(strstr(err, "123456") == NULL);
	CHECK_EQ(load(PORTS "cli = { password = \"" "0123456789abcdef"
		      "0123456789abcdef0123456789abcdef0123456789abcdef"
		      "0123456789abcdef0123456789abcdef0123456789abcdef"
		      "0123456789abcdefX\"; };\n"), -EINVAL);
	CHECK(strstr(err, "cli.password") != NULL);
	CHECK(strstr(err, "0123456789abcdef") == NULL);
}

int
main(void)
{
	test_defaults();
	test_full();
	test_errors();
	mif_cfg_free(&cfg);
	CHECK_DONE();
}
