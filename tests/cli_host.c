/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test host for the CLI server: runs mif_cli_poll() in a loop the way the
 * control loop does, until SIGTERM. Used by tests/integration/test_cli.py
 * until the server is wired into mifgw.
 *
 *   cli_host [--addr A] [--port P] [--password PW] [--sessions N]
 *            [--idle S] [--auth-delay MS] [--port-file F]
 *
 * Adds "test lines <n>" (n numbered lines, for large output) and
 * "test loop" (iterations and the slowest one) to the grammar.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "common/log.h"
#include "control/cli.h"
#include "control/cli_cmd.h"

static volatile sig_atomic_t stop;
static uint64_t loops, loop_max_us;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
cmd_test_lines(struct mif_cli_exec *x)
{
	uint64_t i;

	for (i = 1; i <= x->argv[2].u && !mif_cli_out_full(x->out); i++)
		mif_cli_printf(x->out, "line %" PRIu64 " of %" PRIu64 "\n", i,
			       x->argv[2].u);
	return 0;
}

static int
cmd_test_loop(struct mif_cli_exec *x)
{
	mif_cli_printf(x->out, "loops %" PRIu64 " max_us %" PRIu64 "\n",
		       loops, loop_max_us);
	return 0;
}

static int
cmd_test_fail(struct mif_cli_exec *x)
{
	(void)x;
	return -ENOTSUP;
}

static const struct mif_cli_cmd host_cmds[] = {
	{ "test lines <n:uint:1-1000000>",
	  { "Test host commands", "Print numbered lines", "How many" },
	  cmd_test_lines, NULL },
	{ "test loop", { NULL, "Poll loop iterations and slowest one" },
	  cmd_test_loop, NULL },
	{ "test fail", { NULL, "A command that fails" }, cmd_test_fail, NULL },
};

static int
parse_args(int argc, char **argv, struct mif_cli_conf *conf,
	   const char **port_file)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "password", required_argument, NULL, 'w' },
		{ "sessions", required_argument, NULL, 's' },
		{ "idle", required_argument, NULL, 'i' },
		{ "auth-delay", required_argument, NULL, 'd' },
		{ "port-file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			snprintf(conf->addr, sizeof(conf->addr), "%s", optarg);
			break;
		case 'p':
			conf->port = (uint16_t)atoi(optarg);
			break;
		case 'w':
			snprintf(conf->password, sizeof(conf->password), "%s",
				 optarg);
			break;
		case 's':
			conf->max_sessions = (unsigned int)atoi(optarg);
			break;
		case 'i':
			conf->idle_timeout_s = (unsigned int)atoi(optarg);
			break;
		case 'd':
			conf->auth_delay_ms = (unsigned int)atoi(optarg);
			break;
		case 'f':
			*port_file = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int
write_port(const char *path, uint16_t port)
{
	char tmp[4096];
	FILE *f;

	/* Write then rename, so a reader never sees a half-written file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -errno;
	return 0;
}

int
main(int argc, char **argv)
{
	struct mif_cli_conf conf;
	const char *port_file = NULL;
	struct mif_cli *cli;
	uint64_t t0, dt;

	mif_cli_conf_init(&conf);
	conf.banner = "mifgw CLI test host\n";
	if (parse_args(argc, argv, &conf, &port_file) != 0)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	mif_log_set_level("cli", RTE_LOG_INFO);
	if (mif_cli_cmd_register_table(host_cmds, RTE_DIM(host_cmds)) != 0)
		return 1;
	cli = mif_cli_create(&conf);
	if (cli == NULL)
		return 1;
	MIF_LOG(cli, NOTICE, "cli_host: started, pid %d", (int)getpid());
	if (port_file != NULL && write_port(port_file, mif_cli_port(cli)) != 0)
		return 1;
	while (!stop) {
		t0 = now_us();
		if (mif_cli_poll(cli) == 0)
			usleep(1000);
		dt = now_us() - t0;
		loops++;
		if (dt > loop_max_us)
			loop_max_us = dt;
	}
	printf("cli_host: loops %" PRIu64 " max_poll_us %" PRIu64 "\n", loops,
	       mif_cli_stats_get(cli)->poll_max_us);
	mif_cli_destroy(cli);
	mif_cli_cmd_registry_clear();
	return 0;
}
