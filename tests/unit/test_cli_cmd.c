/* SPDX-License-Identifier: BSD-3-Clause */
/* The CLI grammar: registration, parsing, help, completion, output. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "control/cli_cmd.h"
#include "tests/unit/check.h"

static char obuf[256 * 1024];
static struct mif_cli_out out;
static struct mif_cli_arg last[MIF_CLI_MAX_TOKS];
static unsigned int last_argc;
static const char *last_cmd;

static int
record(struct mif_cli_exec *x)
{
	last_argc = x->argc;
	memcpy(last, x->argv, x->argc * sizeof(x->argv[0]));
	last_cmd = x->priv;
	mif_cli_printf(x->out, "ran %s\n", (const char *)x->priv);
	return 0;
}

static int
fail(struct mif_cli_exec *x)
{
	(void)x;
	return -ENOENT;
}

static const struct mif_cli_cmd cmds[] = {
	{ "show version", { "Show", "Version" }, record, "ver" },
	{ "show vrf <name:word>", { NULL, "VRF", "VRF name" }, record, "vrf" },
	{ "show log", { NULL, "Log" }, record, "log" },
	{ "show log <n:uint:1-100>", { NULL, NULL, "Lines" }, record, "logn" },
	{ "show log levels", { NULL, NULL, "Levels" }, record, "levels" },
	{ "set level {err|warning|debug}", { "Set", "Level", "Which" },
	  record, "level" },
	{ "route add <dst:prefix> via <gw:ipaddr>",
	  { "Routes", "Add", "Destination", "Via", "Gateway" }, record,
	  "route" },
	{ "fail", { "Fails" }, fail, "fail" },
};

static const char *
run(const char *line)
{
	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	last_cmd = NULL;
	mif_cli_cmd_exec(line, &out, NULL, NULL);
	obuf[out.len] = '\0';
	return obuf;
}

static void
test_register(void)
{
	static const struct mif_cli_cmd bad[] = {
		{ "<x:word>", { NULL }, record, NULL },	/* no keyword first */
		{ "show <x:float>", { NULL }, record, NULL },
		{ "show <x:uint:5-1>", { NULL }, record, NULL },
		{ "show {a||b}", { NULL }, record, NULL },
		{ "show <x:word:1-2>", { NULL }, record, NULL },
		{ "sh?w", { NULL }, record, NULL },
		{ "", { NULL }, record, NULL },
		{ "show x", { NULL }, NULL, NULL },	/* no handler */
	};
	size_t i;

	mif_cli_cmd_registry_clear();
	CHECK_EQ(mif_cli_cmd_register_table(cmds, RTE_DIM(cmds)), 0);
	CHECK_EQ(mif_cli_cmd_register(&cmds[0]), -EEXIST);
	for (i = 0; i < RTE_DIM(bad); i++)
		CHECK_EQ(mif_cli_cmd_register(&bad[i]), -EINVAL);
}

static void
test_parse(void)
{
	const char *syn;

	CHECK_STR(run("show version"), "ran ver\n");
	CHECK_STR(run("  sh   ver  "), "ran ver\n");
	CHECK_STR(run("show vrf blue"), "ran vrf\n");
	CHECK_STR(last[2].str, "blue");
	/* "show v" could be version or vrf. */
	CHECK(strstr(run("show v"), "% ambiguous command at 'v': version, vrf")
	      != NULL);
	/* Keyword beats argument: "levels" is not a count. */
	CHECK_STR(run("show log levels"), "ran levels\n");
	CHECK_STR(run("show log lev"), "ran levels\n");
	CHECK_STR(run("show log 42"), "ran logn\n");
	CHECK_EQ(last[2].u, 42);
	CHECK(strstr(run("show log 101"), "% invalid input at '101'") != NULL);
	CHECK(strstr(run("show log -1"), "% invalid input") != NULL);
	CHECK(strstr(run("show log 99999999999999999999999"),
		     "% invalid input") != NULL);
	CHECK_STR(run("show log"), "ran log\n");
	CHECK(strstr(run("show"), "% incomplete command") != NULL);
	CHECK(strstr(run("nonsense"), "% unknown command 'nonsense'") != NULL);
	CHECK(strstr(run("show version extra"), "% invalid input at 'extra'")
	      != NULL);
	CHECK_STR(run(""), "");
	CHECK_STR(run("   \t "), "");

	CHECK_STR(run("set level w"), "ran level\n");
	CHECK_STR(last[2].str, "warning");
	CHECK_STR(run("set lev debug"), "ran level\n");
	CHECK_STR(last[2].str, "debug");
	CHECK(strstr(run("set level info"), "% invalid input") != NULL);

	CHECK_STR(run("route add 10.0.0.0/8 via 192.0.2.1"), "ran route\n");
	CHECK_EQ(last_argc, 5);
	CHECK_EQ(last[2].prefix.len, 8);
	CHECK_EQ(last[4].addr.family, AF_INET);
	CHECK_STR(run("ro a 2001:db8::/32 v 2001:db8::1"), "ran route\n");
	CHECK_EQ(last[4].addr.family, AF_INET6);
	CHECK(strstr(run("route add 10.0.0.1/8 via 192.0.2.1"),
		     "% invalid input at '10.0.0.1/8'") != NULL);
	CHECK(strstr(run("route add 10.0.0.0/8 via 192.0.2.300"),
		     "% invalid input") != NULL);

	/* A failing handler that printed nothing gets a generic line. */
	CHECK_STR(run("fail"), "% error: No such file or directory\n");

	CHECK_EQ(mif_cli_cmd_parse("sh log 3", NULL, &syn), 0);
	CHECK_STR(syn, "show log <n:uint:1-100>");
	CHECK_EQ(mif_cli_cmd_parse("sh", NULL, &syn), -EINVAL);
}

static void
test_limits(void)
{
	static char line[MIF_CLI_LINE_MAX + 2];
	char word[MIF_CLI_WORD_MAX + 2];

	/* 33 words. */
	strcpy(line, "show");
	for (int i = 0; i < MIF_CLI_MAX_WORDS; i++)
		strcat(line, " x");
	CHECK(strstr(run(line), "% line too long") != NULL);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK(strstr(run(line), "% line too long") != NULL);
	memset(word, 'w', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	snprintf(line, sizeof(line), "show vrf %s", word);
	CHECK(strstr(run(line), "% invalid input") != NULL);
	word[MIF_CLI_WORD_MAX] = '\0';
	snprintf(line, sizeof(line), "show vrf %s", word);
	CHECK_STR(run(line), "ran vrf\n");
}

static const char *
help(const char *line)
{
	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	mif_cli_cmd_help(line, &out);
	obuf[out.len] = '\0';
	return obuf;
}

static void
test_help(void)
{
	CHECK_STR(help(""),
		  "  fail   Fails\n"
		  "  route  Routes\n"
		  "  set    Set\n"
		  "  show   Show\n");
	CHECK_STR(help("show "),
		  "  log      Log\n"
		  "  version  Version\n"
		  "  vrf      VRF\n");
	CHECK_STR(help("show v"),
		  "  version  Version\n"
		  "  vrf      VRF\n");
	CHECK_STR(help("show log "),
		  "  <n 1-100>  Lines\n"
		  "  levels     Levels\n"
		  "  <cr>       run the command\n");
	CHECK_STR(help("set level "),
		  "  debug    Which\n"
		  "  err      Which\n"
		  "  warning  Which\n");
	CHECK_STR(help("route add 10.0.0.0/8 "), "  via   Via\n");
	CHECK_STR(help("route add "), "  <dst:prefix>  Destination\n");
	CHECK(strstr(help("show x"), "% no command matches 'x'") != NULL);
	CHECK(strstr(help("bogus "), "% unknown command 'bogus'") != NULL);
}

static const char *
complete(const char *line, char *ext)
{
	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	mif_cli_cmd_complete(line, ext, 64, &out);
	obuf[out.len] = '\0';
	return obuf;
}

static void
test_complete(void)
{
	char ext[64];

	CHECK_STR(complete("sh", ext), "");
	CHECK_STR(ext, "ow ");
	CHECK_STR(complete("show ver", ext), "");
	CHECK_STR(ext, "sion ");
	/* version/vrf: nothing to add after "v", so both are listed. */
	CHECK(strstr(complete("show v", ext), "version") != NULL);
	CHECK_STR(ext, "");
	CHECK_STR(complete("set level wa", ext), "");
	CHECK_STR(ext, "rning ");
	CHECK_STR(complete("route add 10.0.0.0/8 ", ext), "");
	CHECK_STR(ext, "via ");
	/* An argument cannot be completed: its help is shown. */
	CHECK(strstr(complete("route add ", ext), "<dst:prefix>") != NULL);
	CHECK_STR(ext, "");
	/* "show log " may end or go on: list, do not guess. */
	CHECK(strstr(complete("show log ", ext), "<cr>") != NULL);
	CHECK_STR(ext, "");
	CHECK_STR(complete("show log l", ext), "");
	CHECK_STR(ext, "evels ");
}

static void
test_output(void)
{
	static const char *const hdr[] = { "name", ">packets", "state" };
	static const char want[] = "name    packets  state\n"
		"lan           7  up\n"
		"uplink     1.2M  up\n"
		"lan           7  -\n";
	struct mif_cli_table t;
	char b[32], small[8];
	struct mif_cli_out o;

	CHECK_STR(mif_cli_fmt_count(0, b, sizeof(b)), "0");
	CHECK_STR(mif_cli_fmt_count(9999, b, sizeof(b)), "9999");
	CHECK_STR(mif_cli_fmt_count(12345, b, sizeof(b)), "12.3K");
	CHECK_STR(mif_cli_fmt_count(1234567, b, sizeof(b)), "1.2M");
	CHECK_STR(mif_cli_fmt_count(999999999, b, sizeof(b)), "1.0G");
	CHECK_STR(mif_cli_fmt_count(123456789012ull, b, sizeof(b)), "123G");
	CHECK_STR(mif_cli_fmt_count(UINT64_MAX, b, sizeof(b)), "18.4E");
	CHECK_STR(mif_cli_fmt_bytes(999, b, sizeof(b)), "999 B");
	CHECK_STR(mif_cli_fmt_bytes(1536, b, sizeof(b)), "1.5 KB");
	CHECK_STR(mif_cli_fmt_bytes(3400000000ull, b, sizeof(b)), "3.4 GB");

	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	CHECK_EQ(mif_cli_table_init(&t, 3, hdr), 0);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(mif_cli_table_row(&t, (const char *const[]){
			i == 1 ? "uplink" : "lan", i == 1 ? "1.2M" : "7",
			i == 2 ? NULL : "up" }), 0);
	mif_cli_table_print(&t, &out);
	obuf[out.len] = '\0';
	CHECK(strncmp(obuf, want, strlen(want)) == 0);
	CHECK(t.cells == NULL);

	/* Bounded output: overflow is flagged, never written past. */
	mif_cli_out_init(&o, small, sizeof(small), true);
	mif_cli_printf(&o, "ab\ncd");
	CHECK_EQ(o.len, 6);
	CHECK_MEM(small, "ab\r\ncd", 6);
	mif_cli_printf(&o, "xyz");
	CHECK(o.truncated);
	CHECK_EQ(o.len, 6);
	mif_cli_out_consume(&o, 6);
	CHECK_EQ(o.len, 0);
	o.truncated = false;
	mif_cli_write(&o, "\xff", 1);	/* IAC doubled in telnet mode */
	CHECK_MEM(small, "\xff\xff", 2);
}

/* The command sets shipped with the CLI register without conflicts. */
static void
test_builtin_sets(void)
{
	mif_cli_cmd_registry_clear();
	CHECK_EQ(mif_cli_cmds_sys_register(), 0);
	CHECK_EQ(mif_cli_cmds_log_register(), 0);
	CHECK(strstr(run("sh ver"), "DPDK") != NULL);
	CHECK(strstr(run("set log level cli debug"), "is now debug") != NULL);
	CHECK(strstr(run("show log levels"), "cli        debug") != NULL);
	CHECK(strstr(run("set log level nosuch debug"), "% invalid input")
	      != NULL);
	mif_cli_cmd_registry_clear();
}

int
main(void)
{
	test_register();
	test_parse();
	test_limits();
	test_help();
	test_complete();
	test_output();
	test_builtin_sets();
	CHECK_DONE();
}
