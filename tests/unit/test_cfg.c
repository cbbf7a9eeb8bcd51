/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader: every field of tests/configs/good_full.cfg,
 * the defaults from good_minimal.cfg, the exact first error of every
 * tests/configs/bad_*.cfg (its "# expect:" line), plus limits, the raw
 * text scanner and the hiding of key material. Runs from the source
 * root so that FILE in error lines is the path relative to it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_log.h>

#include "common/cfg.h"
#include "common/cfg_internal.h"
#include "tests/unit/check.h"

#define CONFIGS "tests/configs"
#define EXPECT "# expect: "

static void
check_prefix(const struct mif_prefix *p, const char *want)
{
	char buf[MIF_PREFIX_STRLEN];

	CHECK_STR(mif_prefix_fmt(p, buf, sizeof(buf)), want);
}

static void
check_addr(const struct mif_addr *a, const char *want)
{
	char buf[MIF_ADDR_STRLEN];

	CHECK_STR(mif_addr_fmt(a, buf, sizeof(buf)), want);
}

static void
test_good_full(void)
{
	static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 0xfe };
	static const uint8_t mac1[6] = { 2, 0, 0, 0, 1, 1 };
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;

	CHECK_EQ(mif_cfg_load(CONFIGS "/good_full.cfg", &c, err,
			      sizeof(err)), 0);
	CHECK_STR(c.path, CONFIGS "/good_full.cfg");

	CHECK_EQ(c.eal_argc, 3);
	CHECK_STR(c.eal_argv[0], "-l");
	CHECK_STR(c.eal_argv[1], "0-2");
	CHECK_STR(c.eal_argv[2], "--in-memory");

	CHECK_EQ(c.n_workers, 2);
	CHECK_EQ(c.workers[0], 2);
	CHECK_EQ(c.workers[1], 1);

	CHECK_EQ(c.n_logs, 3);
	CHECK_STR(c.logs[0].subsystem, "*");
	CHECK_EQ(c.logs[0].level, RTE_LOG_WARNING);
	CHECK_STR(c.logs[1].subsystem, "dp");
	CHECK_EQ(c.logs[1].level, RTE_LOG_DEBUG);
	CHECK_STR(c.logs[2].subsystem, "ike");
	CHECK_EQ(c.logs[2].level, RTE_LOG_INFO);

	CHECK_EQ(c.mbufs, 8192);
	CHECK_EQ(c.burst, 64);
	CHECK_EQ(c.neigh_timeout_s, 600);
	CHECK_EQ(c.neigh_queue_len, 0);
	CHECK_EQ(c.icmp_rate, 10);
	CHECK_EQ(c.idle_sleep_us, 50);

	CHECK_EQ(c.n_ports, 3);
	CHECK_STR(c.ports[0].name, "lan");
	CHECK_STR(c.ports[0].dev, "net_af_packet0,iface=veth-lan");
	CHECK(c.ports[0].is_vdev);
	CHECK_EQ(c.ports[0].role, MIF_PORT_PROTECTED);
	CHECK_EQ(c.ports[0].n_addrs, 2);
	check_prefix(&c.ports[0].addrs[0], "192.0.2.1/24");
	check_prefix(&c.ports[0].addrs[1], "2001:db8:1::1/64");
	CHECK_EQ(c.ports[0].mtu, 9000);
	CHECK_EQ(c.ports[0].line, 19);

	CHECK_STR(c.ports[1].name, "wan-1");
	CHECK_STR(c.ports[1].dev, "0000:3B:00.1");
	CHECK(!c.ports[1].is_vdev);
	CHECK_EQ(c.ports[1].role, MIF_PORT_UNPROTECTED);
	CHECK_EQ(c.ports[1].n_addrs, 1);
	check_prefix(&c.ports[1].addrs[0], "198.51.100.2/31");
	CHECK_EQ(c.ports[1].mtu, 1500);
	CHECK_EQ(c.ports[1].line, 26);

	CHECK_STR(c.ports[2].name, "spare");
	CHECK_STR(c.ports[2].dev, "crypto_null");
	CHECK(c.ports[2].is_vdev);
	CHECK_EQ(c.ports[2].n_addrs, 0);

	CHECK_EQ(c.n_routes, 4);
	check_prefix(&c.routes[0].dst, "10.0.0.0/8");
	CHECK(c.routes[0].has_via);
	check_addr(&c.routes[0].via, "192.0.2.254");
	CHECK_EQ(c.routes[0].port, 0);
	check_prefix(&c.routes[1].dst, "0.0.0.0/0");
	check_addr(&c.routes[1].via, "198.51.100.3");
	CHECK_EQ(c.routes[1].port, 1);
	check_prefix(&c.routes[2].dst, "2001:db8:100::/40");
	check_addr(&c.routes[2].via, "fe80::1");
	CHECK_EQ(c.routes[2].port, 0);
	check_prefix(&c.routes[3].dst, "203.0.113.0/24");
	CHECK(!c.routes[3].has_via);
	CHECK_EQ(c.routes[3].port, 0);

	CHECK_EQ(c.n_neighs, 2);
	check_addr(&c.neighs[0].ip, "192.0.2.254");
	CHECK_MEM(c.neighs[0].mac, mac0, 6);
	CHECK_EQ(c.neighs[0].port, 0);
	check_addr(&c.neighs[1].ip, "fe80::1");
	CHECK_MEM(c.neighs[1].mac, mac1, 6);
	CHECK_EQ(c.neighs[1].port, 0);

	CHECK_EQ(mif_cfg_port_find(&c, "wan-1"), 1);
	CHECK_EQ(mif_cfg_port_find(&c, "spare"), 2);
	CHECK_EQ(mif_cfg_port_find(&c, "WAN-1"), -1);
	CHECK_EQ(mif_cfg_port_find(&c, ""), -1);

	mif_cfg_free(&c);
	CHECK(c.routes == NULL && c.neighs == NULL && c.eal_argc == 0);
	mif_cfg_free(&c);
}

static void
test_defaults(void)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;

	CHECK_EQ(mif_cfg_load(CONFIGS "/good_minimal.cfg", &c, err,
			      sizeof(err)), 0);
	CHECK_EQ(c.eal_argc, 0);
	CHECK_EQ(c.n_workers, 0);
	CHECK_EQ(c.n_logs, 1);
	CHECK_STR(c.logs[0].subsystem, "*");
	CHECK_EQ(c.logs[0].level, RTE_LOG_NOTICE);
	CHECK_EQ(c.mbufs, 16384);
	CHECK_EQ(c.burst, 32);
	CHECK_EQ(c.neigh_timeout_s, 300);
	CHECK_EQ(c.neigh_queue_len, 16);
	CHECK_EQ(c.icmp_rate, 100);
	CHECK_EQ(c.idle_sleep_us, 0);
	CHECK_EQ(c.n_ports, 1);
	CHECK_STR(c.ports[0].dev, "01:00.0");
	CHECK(!c.ports[0].is_vdev);
	CHECK_EQ(c.ports[0].mtu, 1500);
	CHECK_EQ(c.ports[0].n_addrs, 0);
	CHECK_EQ(c.n_routes, 0);
	CHECK(c.routes == NULL);
	CHECK_EQ(c.n_neighs, 0);
	mif_cfg_free(&c);
}

/* The first line of a broken file says what the loader must print. */
static void
check_bad_file(const char *path)
{
	char line[1024], err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;
	FILE *f;

	f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK(fgets(line, sizeof(line), f) != NULL);
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, EXPECT, strlen(EXPECT)) != 0) {
		fprintf(stderr, "%s: first line is not \"" EXPECT "...\"\n",
			path);
		exit(1);
	}
	memset(&c, 0xa5, sizeof(c));
	CHECK_EQ(mif_cfg_load(path, &c, err, sizeof(err)), -EINVAL);
	if (strcmp(err, line + strlen(EXPECT)) != 0) {
		fprintf(stderr, "%s:\n  want: %s\n  got:  %s\n", path,
			line + strlen(EXPECT), err);
		exit(1);
	}
	/* A failed load leaves nothing behind to apply or free. */
	CHECK(c.n_ports == 0 && c.routes == NULL && c.eal_argc == 0);
}

static void
test_config_dir(void)
{
	char path[512], err[MIF_CFG_ERR_LEN];
	unsigned int good = 0, bad = 0;
	struct dirent *de;
	struct mif_cfg c;
	size_t n;
	DIR *d;

	d = opendir(CONFIGS);
	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".cfg") != 0)
			continue;
		snprintf(path, sizeof(path), CONFIGS "/%s", de->d_name);
		if (strncmp(de->d_name, "good_", 5) == 0) {
			if (mif_cfg_load(path, &c, err, sizeof(err)) != 0) {
				fprintf(stderr, "%s: %s\n", path, err);
				exit(1);
			}
			mif_cfg_free(&c);
			good++;
		} else {
			check_bad_file(path);
			bad++;
		}
	}
	closedir(d);
	printf("%s: %u good, %u broken files as expected\n", CONFIGS, good,
	       bad);
	CHECK(good >= 2);
	CHECK(bad >= 12);
}

/* The shipped examples must stay loadable. */
static void
test_examples(void)
{
	static const char *const files[] = { "config/gateway.cfg",
		"config/minimal.cfg" };
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		if (mif_cfg_load(files[i], &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		CHECK(c.n_ports >= 1);
		mif_cfg_free(&c);
	}
}

static int
load_str(const char *text, char *err, size_t errlen)
{
	struct mif_cfg c;
	int rc;

	rc = mif_cfg_load_mem("mem", text, strlen(text), &c, err, errlen);
	if (rc == 0)
		mif_cfg_free(&c);
	return rc;
}

#define PORT_LAN "ports = ( { name = \"lan\"; dev = \"net_null0\"; " \
	"role = \"protected\"; addresses = [ \"10.0.0.1/8\" ]; } );\n"

static void
test_io_errors(void)
{
	static const char text[] = PORT_LAN "x = 1;\0 y = 2;\n";
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;

	CHECK_EQ(mif_cfg_load(CONFIGS "/no-such.cfg", &c, err, sizeof(err)),
		 -ENOENT);
	CHECK_STR(err, CONFIGS "/no-such.cfg: cannot open: No such file or directory");
	CHECK_EQ(mif_cfg_load(CONFIGS, &c, err, sizeof(err)), -EIO);
	CHECK_STR(err, CONFIGS ": cannot read: Is a directory");
	CHECK_EQ(mif_cfg_load("/dev/null", &c, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "/dev/null:1: ports: expected a top-level section (required), got nothing");

	/* libconfig would stop at the NUL and never see "y". */
	CHECK_EQ(mif_cfg_load_mem("mem", text, sizeof(text) - 1, &c, err,
				  sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: expected text, got a NUL byte");

	/* A short buffer gets a cut line, never an overrun. */
	memset(err, 'x', sizeof(err));
	CHECK_EQ(load_str("a = ;", err, 8), -EINVAL);
	CHECK_STR(err, "mem:1: ");
	CHECK_EQ(err[8], 'x');
}

/* Literals in comments, strings and names are not numbers. */
static void
test_scanner(void)
{
	char err[MIF_CFG_ERR_LEN];

	CHECK_EQ(load_str(PORT_LAN "# 99999999999\n// 99999999999\n"
			  "/* 99999999999\n 88888888888 */\n"
			  "dataplane = { mbufs = 2147483647; burst = -0; "
			  "icmp_rate = 0x7fffffff; neigh_queue = 9L; };\n",
			  err, sizeof(err)), -EINVAL);
	/* The only complaint is the range, not the literals. */
	CHECK_STR(err, "mem:6: dataplane.mbufs: expected an integer in 1024..4194304, got 2147483647");
	CHECK_EQ(load_str(PORT_LAN "dataplane = { burst = 1e99; };\n", err,
			  sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.burst: expected an integer in 1..64, got the float 1e+99");
	CHECK_EQ(load_str(PORT_LAN "dataplane = { icmp_rate = 0x80000000; };",
			  err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.icmp_rate: expected an integer that fits in 32 bits (64 with an L suffix), got 0x80000000");
	CHECK_EQ(load_str(PORT_LAN "dataplane = { burst = -2147483649; };",
			  err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.burst: expected an integer that fits in 32 bits (64 with an L suffix), got -2147483649");
	CHECK_EQ(load_str(PORT_LAN "dataplane = { mbufs = 4294967296000L; };",
			  err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.mbufs: expected an integer in 1024..4194304, got 4294967296000");
	CHECK_EQ(load_str(PORT_LAN "eal = [ \"@include\", \"99999999999\" ];",
			  err, sizeof(err)), 0);
}

/* Nothing under a key named like key material reaches an error line. */
static void
test_secrets(void)
{
	char err[MIF_CFG_ERR_LEN], buf[128];
	const config_setting_t *s;
	config_t lc;

	CHECK_EQ(load_str(PORT_LAN "dataplane = { psk_key = 99999999999; };",
			  err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.psk_key: expected an integer that fits in 32 bits (64 with an L suffix), got a larger one (value not shown)");
	CHECK_EQ(load_str(PORT_LAN "dataplane = { Key = \"s3cret\"; };", err,
			  sizeof(err)), -EINVAL);
	CHECK(strstr(err, "s3cret") == NULL);

	config_init(&lc);
	CHECK_EQ(config_read_string(&lc, "sas = ( { enc_key = \"0xabcdef\"; "
				    "spi = 5; }, { keys = [ 42 ]; } );\n"
				    "peer = { secret = true; x = 1.5; };"),
		 CONFIG_TRUE);
	s = config_lookup(&lc, "sas.[0].enc_key");
	CHECK(s != NULL);
	CHECK(mif_cfg_is_secret(s));
	CHECK_STR(mif_cfg_describe(s, buf, sizeof(buf)),
		  "a string (value not shown)");
	s = config_lookup(&lc, "sas.[0].spi");
	CHECK(!mif_cfg_is_secret(s));
	CHECK_STR(mif_cfg_describe(s, buf, sizeof(buf)), "5");
	s = config_setting_get_elem(config_lookup(&lc, "sas.[1].keys"), 0);
	CHECK_STR(mif_cfg_describe(s, buf, sizeof(buf)),
		  "an integer (value not shown)");
	CHECK_STR(mif_cfg_path(s, buf, sizeof(buf)), "sas[1].keys[0]");
	s = config_lookup(&lc, "peer.secret");
	CHECK_STR(mif_cfg_describe(s, buf, sizeof(buf)),
		  "a boolean (value not shown)");
	s = config_lookup(&lc, "peer.x");
	CHECK_STR(mif_cfg_describe(s, buf, sizeof(buf)), "the float 1.5");
	config_destroy(&lc);
}

/* Every getter, given a wrong value under a key-like name, must keep
 * the value out of the error line. */
static void
test_secret_getters(void)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg cfg;
	struct mif_cfg_ctx ctx = { .file = "k", .cfg = &cfg, .err = err,
		.errlen = sizeof(err) };
	static const char *const names[] = { "a", NULL };
	const config_setting_t *s, *n;
	struct mif_prefix pf;
	struct mif_addr a;
	const char *str;
	unsigned int u;
	uint8_t mac[6];
	char name[8];
	config_t lc;
	int i, idx;

	config_init(&lc);
	CHECK_EQ(config_read_string(&lc, "auth_key = \"SECRETVALUE/99\";\n"
				    "KEYS = 77777;\n"), CONFIG_TRUE);
	s = config_lookup(&lc, "auth_key");
	n = config_lookup(&lc, "KEYS");
	for (i = 0; i < 10; i++) {
		ctx.failed = false;
		err[0] = '\0';
		switch (i) {
		case 0: CHECK(mif_cfg_as_uint(&ctx, s, 0, 1, &u) != 0); break;
		case 1: CHECK(mif_cfg_as_str(&ctx, s, 4, "x", &str) != 0); break;
		case 2: CHECK(mif_cfg_as_name(&ctx, s, name, sizeof(name)) != 0);
			break;
		case 3: CHECK(mif_cfg_as_enum(&ctx, s, names, &idx) != 0); break;
		case 4: CHECK(mif_cfg_as_addr(&ctx, s, &a) != 0); break;
		case 5: CHECK(mif_cfg_as_prefix(&ctx, s, false, &pf) != 0); break;
		case 6: CHECK(mif_cfg_as_mac(&ctx, s, mac) != 0); break;
		case 7: CHECK(mif_cfg_as_group(&ctx, s, "x") != 0); break;
		case 8: CHECK(mif_cfg_as_seq(&ctx, s, false, 0, 1, "x") != 0);
			break;
		case 9: CHECK(mif_cfg_as_uint(&ctx, n, 0, 1, &u) != 0); break;
		}
		CHECK(strncmp(err, i == 9 ? "k:2: KEYS: " : "k:1: auth_key: ",
			      i == 9 ? 11 : 15) == 0);
		CHECK(strstr(err, "SECRET") == NULL);
		CHECK(strstr(err, "77777") == NULL);
		CHECK(strstr(err, "(value not shown)") != NULL);
	}
	config_destroy(&lc);
}

/* Sections may come in any order; the first error in the file wins. */
static void
test_order(void)
{
	static const char routes_first[] = "routes = ( { prefix = "
		"\"0.0.0.0/0\"; via = \"10.0.0.2\"; port = \"lan\"; } );\n"
		PORT_LAN;
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg c;

	CHECK_EQ(mif_cfg_load_mem("o", routes_first, sizeof(routes_first) - 1,
				  &c, err, sizeof(err)), 0);
	CHECK_EQ(c.n_routes, 1);
	CHECK_EQ(c.routes[0].port, 0);
	mif_cfg_free(&c);

	CHECK_EQ(load_str("dataplane = { burst = 0; };\n"
			  "ports = ( { name = \"1x\"; } );\n", err,
			  sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:1: dataplane.burst: expected an integer in 1..64, got 0");
	CHECK_EQ(load_str("ports = ( { name = \"1x\"; } );\n"
			  "dataplane = { burst = 0; };\n", err,
			  sizeof(err)), -EINVAL);
	CHECK(strncmp(err, "mem:1: ports[0].name: ", 22) == 0);
	/* Within a group, unknown keys come before values. */
	CHECK_EQ(load_str("dataplane = { burst = 0;\n bursts = 1; };\n", err,
			  sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:2: dataplane.bursts: expected one of the keys (mbufs, burst, neigh_timeout, neigh_queue, icmp_rate, idle_sleep_us), got unknown key \"bursts\"");
}

/* A file beyond MIF_CFG_MAX_FILE is refused before parsing. */
static void
test_big_file(void)
{
	char path[] = "/tmp/mif-test-cfg-XXXXXX", err[MIF_CFG_ERR_LEN];
	char want[128];
	struct mif_cfg c;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, (off_t)MIF_CFG_MAX_FILE + 1), 0);
	close(fd);
	CHECK_EQ(mif_cfg_load(path, &c, err, sizeof(err)), -EINVAL);
	unlink(path);
	snprintf(want, sizeof(want), "%s: larger than %u bytes, not read",
		 path, MIF_CFG_MAX_FILE);
	CHECK_STR(err, want);
}

/* Getters a later section uses directly: optional members keep the
 * default, and only the first error is kept. */
static void
test_getters(void)
{
	char err[MIF_CFG_ERR_LEN];
	struct mif_cfg cfg;
	struct mif_cfg_ctx ctx = { .file = "g", .cfg = &cfg, .err = err,
		.errlen = sizeof(err) };
	const config_setting_t *grp, *s;
	unsigned int v = 7;
	config_t lc;

	config_init(&lc);
	CHECK_EQ(config_read_string(&lc, "ike = {\n rekey = 3600;\n"
				    " dpd = true;\n};\n"), CONFIG_TRUE);
	grp = config_lookup(&lc, "ike");
	CHECK_EQ(mif_cfg_get_uint(&ctx, grp, "retries", 1, 9, &v), 0);
	CHECK_EQ(v, 7);
	CHECK_EQ(mif_cfg_member(&ctx, grp, "retries", false, "x", &s),
		 -ENOENT);
	CHECK(!ctx.failed);
	CHECK_EQ(mif_cfg_get_uint(&ctx, grp, "rekey", 60, 86400, &v), 0);
	CHECK_EQ(v, 3600);
	CHECK_EQ(mif_cfg_get_uint(&ctx, grp, "dpd", 0, 60, &v), -EINVAL);
	CHECK_STR(err, "g:3: ike.dpd: expected an integer in 0..60, got the boolean true");
	CHECK_EQ(mif_cfg_member(&ctx, grp, "peers", true, "a list", &s),
		 -EINVAL);
	CHECK_STR(err, "g:3: ike.dpd: expected an integer in 0..60, got the boolean true");
	ctx.failed = false;
	CHECK_EQ(mif_cfg_member(&ctx, grp, "peers", true, "a list", &s),
		 -EINVAL);
	CHECK_STR(err, "g:1: ike.peers: expected a list (required), got nothing");
	config_destroy(&lc);
}

/* Echoed strings are escaped and cut. */
static void
test_echo(void)
{
	char err[MIF_CFG_ERR_LEN];

	CHECK_EQ(load_str("ports = ( { name = \"a\\tb\\\"c\"; } );", err,
			  sizeof(err)), -EINVAL);
	CHECK_STR(err, "mem:1: ports[0].name: expected a name of 1..31 letters, digits, '_' or '-' starting with a letter, got \"a\\x09b\\\"c\"");
	CHECK_EQ(load_str("ports = ( { name = \"lan\"; dev = \"net_"
			  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			  "-\"; } );", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "got \"net_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"") != NULL);
}

/* Device strings: both PCI forms, devargs, and the vdev prefixes. */
static void
test_devs(void)
{
	static const struct {
		const char *dev;
		int rc;
	} cases[] = {
		{ "0000:00:1f.7", 0 }, { "00:00.0", 0 },
		{ "0000:af:00.0,rx_low_latency=1", 0 },
		{ "net_tap0,iface=x", 0 }, { "eth_ring0", 0 },
		{ "net_", -EINVAL }, { "net_a b", -EINVAL },
		{ "00:20.0", -EINVAL }, { "00:00.8", -EINVAL },
		{ "0:00:00.0", -EINVAL }, { "00:00.0x", -EINVAL },
		{ "af_packet0", -EINVAL }, { "", -EINVAL },
	};
	char text[256], err[MIF_CFG_ERR_LEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(text, sizeof(text), "ports = ( { name = \"p\"; "
			 "dev = \"%s\"; role = \"protected\"; } );",
			 cases[i].dev);
		if (load_str(text, err, sizeof(err)) != cases[i].rc) {
			fprintf(stderr, "dev \"%s\": %s\n", cases[i].dev, err);
			exit(1);
		}
		check_count++;
	}
}

/* Bounds from cfg.h, and how long the biggest allowed file takes. */
static void
test_limits(void)
{
	size_t cap = (MIF_CFG_MAX_ROUTES + 2) * 80 + 256, off;
	char err[MIF_CFG_ERR_LEN];
	struct timespec t0, t1;
	unsigned int i, n;
	char *text;
	double ms;
	int rc;

	text = malloc(cap);
	CHECK(text != NULL);
	for (n = MIF_CFG_MAX_ROUTES; n <= MIF_CFG_MAX_ROUTES + 1; n++) {
		off = (size_t)snprintf(text, cap, PORT_LAN "routes = (\n");
		for (i = 0; i < n; i++)
			off += (size_t)snprintf(text + off, cap - off,
						"{ prefix = \"%u.%u.%u.0/24\"; "
						"via = \"10.0.0.2\"; port = \"lan\"; },\n",
						11 + i / 65536, i / 256 % 256,
						i % 256);
		snprintf(text + off - 2, cap - off + 2, "\n);\n");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = load_str(text, err, sizeof(err));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		printf("%u routes: rc %d in %.0f ms\n", n, rc, ms);
		CHECK_EQ(rc, n == MIF_CFG_MAX_ROUTES ? 0 : -EINVAL);
	}
	CHECK_STR(err, "mem:2: routes: expected a list ( { ... }, ... ) of 0..65536 route groups, got a list ( ) of 65537 items");

	off = (size_t)snprintf(text, cap, PORT_LAN "neighbors = (\n");
	for (i = 0; i < MIF_CFG_MAX_NEIGHS; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"{ ip = \"10.1.%u.%u\"; mac = \"02:00:00:00:%02x:%02x\"; port = \"lan\"; },\n",
					i / 256, i % 256, i / 256, i % 256);
	snprintf(text + off - 2, cap - off + 2, "\n);\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = load_str(text, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("%u neighbors: rc %d in %.0f ms\n", MIF_CFG_MAX_NEIGHS, rc, ms);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	CHECK_EQ(rc, 0);
	free(text);
}

int
main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : MIF_SOURCE_ROOT;

	if (chdir(root) != 0) {
		fprintf(stderr, "%s: %s\n", root, strerror(errno));
		return 1;
	}
	test_good_full();
	test_defaults();
	test_config_dir();
	test_examples();
	test_io_errors();
	test_scanner();
	test_secrets();
	test_getters();
	test_secret_getters();
	test_order();
	test_big_file();
	test_echo();
	test_devs();
	test_limits();
	CHECK_DONE();
}
