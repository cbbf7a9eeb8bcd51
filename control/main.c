/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mifgw [EAL options] -- -f FILE [--check]
 *
 * The configuration is loaded and validated before the EAL starts, so
 * --check needs neither hugepages nor ports, and the file may carry EAL
 * options of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "common/cfg.h"
#include "common/counters.h"
#include "common/log.h"
#include "common/state.h"
#include "control/cli.h"
#include "control/cli_cmd.h"
#include "control/cli_gw.h"
#include "control/ctl.h"
#include "control/eal_args.h"
#include "control/ifset_link.h"
#include "control/ike_daemon.h"
#include "control/ratelimit.h"
#include "control/telemetry.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"
#include "dataplane/route.h"
#include "dataplane/sa_cfg.h"
#include "dataplane/sad.h"
#include "dataplane/spd.h"
#include "dataplane/worker.h"

#define EXIT_USAGE	2
#define PUNT_RING_SIZE	1024
#define POOL_CACHE	256

struct app_opts {
	const char *file;
	bool check;
};

static struct mif_cfg cfg;
static struct mif_worker *workers[RTE_MAX_LCORE];
static struct mif_cli_gw cli_gw = { .cfg = &cfg };

static void
usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [EAL options] -- -f FILE [--check]\n"
		"  -f, --file FILE  configuration (libconfig)\n"
		"  --check          validate FILE and exit (0 valid, 1 not)\n"
		"  -h, --help       this text\n", prog);
}

/* Application options: everything after "--" (or all of argv when
 * there is no "--"). */
static int
parse_app_opts(int argc, char **argv, struct app_opts *o)
{
	static const struct option lopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'c':
			o->check = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		case ':':
			fprintf(stderr, "mifgw: option '%s' needs a value\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, "mifgw: bad option '%s'\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mifgw: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (o->file == NULL) {
		fprintf(stderr, "mifgw: no configuration file (-f FILE)\n");
		return -EINVAL;
	}
	return 0;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		mif_ctl.dump_requested = 1;
	else
		mif_state_quit();
}

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

static void
apply_log_levels(void)
{
	unsigned int i;

	for (i = 0; i < cfg.n_logs; i++)
		if (mif_log_set_level(cfg.logs[i].subsystem,
				      cfg.logs[i].level) != 0)
			MIF_LOG(main, WARNING, "log: cannot set level of '%s'",
				cfg.logs[i].subsystem);
}

/* Every configured worker must be an enabled lcore other than main. */
static int
check_worker_lcores(void)
{
	unsigned int i, lc;

	if (cfg.n_workers == 0) {
		MIF_LOG(main, ERR, "no worker lcores configured");
		return -EINVAL;
	}
	for (i = 0; i < cfg.n_workers; i++) {
		lc = cfg.workers[i];
		if (lc >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lc) ||
		    lc == rte_get_main_lcore()) {
			MIF_LOG(main, ERR, "worker lcore %u is not an EAL worker lcore (main is %u); fix -l or workers",
				lc, rte_get_main_lcore());
			return -EINVAL;
		}
		mif_state.worker_lcores[i] = lc;
	}
	mif_state.n_workers = cfg.n_workers;
	return 0;
}

/* SAs, SAD and both SPDs from the file. No worker runs yet, so the
 * SPD publication's grace period is immediate. */
static int
ipsec_setup(void)
{
	static const enum mif_spd_dir dirs[] = {
		MIF_SPD_DIR_OUT, MIF_SPD_DIR_IN
	};
	struct mif_spd *spd;
	unsigned int i;
	int rc;

	mif_state.ipsec = cfg.n_sas > 0 || cfg.n_policies > 0 ||
		cfg.ike.n_peers > 0;
	if (!mif_state.ipsec) {
		MIF_LOG(main, NOTICE, "no \"sas\" and no \"policies\": no IPsec, every packet is forwarded in clear");
		return 0;
	}
	mif_state.sad = mif_sad_create("mif_sad", RTE_MAX(cfg.n_sas, 64u),
				       mif_state.qsbr, (int)rte_socket_id());
	if (mif_state.sad == NULL)
		return -ENOMEM;
	/* One counter slot per worker, one spare for the control thread. */
	if ((rc = mif_sa_tab_create(&cfg, mif_state.sad, cfg.n_workers + 1,
				    &mif_state.sas)) != 0)
		return rc;
	for (i = 0; i < RTE_DIM(dirs); i++) {
		if ((rc = mif_spd_cfg_build(&cfg, dirs[i], mif_sa_tab_resolve,
					    mif_state.sas, SOCKET_ID_ANY,
					    &spd)) != 0)
			return rc;
		if ((rc = mif_spd_publish(&mif_state.spd[dirs[i]], spd,
					  mif_state.qsbr)) != 0) {
			mif_spd_destroy(spd);
			return rc;
		}
	}
	mif_ctl_sa_init();
	/* The CLI, link events and IKEv2 change paths through it. */
	return mif_ifset_registry_init(&cfg);
}

/* After the workers stopped: SPDs, then the SAD, which wipes the keys
 * of every SA in it (mif_sa_destroy()). */
static void
ipsec_teardown(void)
{
	unsigned int d;

	mif_ifset_registry_fini();
	for (d = 0; d < RTE_DIM(mif_state.spd); d++) {
		mif_spd_destroy(mif_state.spd[d]);
		mif_state.spd[d] = NULL;
	}
	mif_sad_destroy(mif_state.sad);
	mif_state.sad = NULL;
	mif_sa_tab_destroy(mif_state.sas);
	mif_state.sas = NULL;
}

/* The exception tap is one more port, with no address: workers poll it
 * like the others (what the host sends meets the outbound SPD) and send
 * to it what is for the host (dataplane/fwd.c, local_input()). */
static int
exception_port_add(void)
{
	struct mif_cfg_port *p;

	if (cfg.exception_dev[0] == '\0')
		return 0;
	if (cfg.n_ports == MIF_CFG_MAX_PORTS) {
		MIF_LOG(main, ERR, "exception: %u ports already, no room for the tap",
			cfg.n_ports);
		return -ENOSPC;
	}
	p = &cfg.ports[cfg.n_ports];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "exception");
	snprintf(p->dev, sizeof(p->dev), "%s", cfg.exception_dev);
	p->is_vdev = true;
	p->role = MIF_PORT_PROTECTED;
	p->mtu = MIF_CFG_DEF_MTU;
	mif_state.exc_port = (uint16_t)cfg.n_ports++;
	mif_state.has_exc = true;
	return 0;
}

static int
dataplane_setup(void)
{
	unsigned int cache;
	int rc;

	mif_state.burst = cfg.burst;
	mif_state.idle_sleep_us = cfg.idle_sleep_us;
	if ((rc = mif_state_rcu_init(cfg.n_workers)) != 0)
		return rc;
	cache = RTE_MIN((unsigned int)POOL_CACHE, cfg.mbufs / 8);
	mif_state.pool = rte_pktmbuf_pool_create("mif_pool", cfg.mbufs,
			cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			(int)rte_socket_id());
	if (mif_state.pool == NULL) {
		MIF_LOG(main, ERR, "mbuf pool of %u: %s", cfg.mbufs,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if ((rc = mif_punt_init(PUNT_RING_SIZE)) != 0 ||
	    (rc = exception_port_add()) != 0)
		return rc;
	if ((rc = mif_port_setup_all(&cfg, mif_state.pool,
				     cfg.n_workers)) != 0)
		return rc;
	mif_state.neigh = mif_neigh_table_create("mif_neigh", mif_state.qsbr);
	if (mif_state.neigh == NULL)
		return -ENOMEM;
	mif_state_publish(routes, mif_route_table_create(&cfg, mif_ports,
							 mif_n_ports, "mif_rt"));
	if (mif_state.routes == NULL)
		return -ENOMEM;
	if ((rc = ipsec_setup()) != 0 ||
	    (rc = mif_ctl_init(&cfg, mif_state.pool)) != 0)
		return rc;
	return mif_ike_daemon_init(&cfg);
}

static int
workers_launch(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < cfg.n_workers; i++) {
		workers[i] = mif_worker_create(i, cfg.n_workers,
					       cfg.workers[i]);
		if (workers[i] == NULL)
			return -ENOMEM;
		rc = rte_eal_remote_launch(mif_worker_main, workers[i],
					   cfg.workers[i]);
		if (rc != 0) {
			MIF_LOG(main, ERR, "launch on lcore %u: %s",
				cfg.workers[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/*
 * The operator CLI, served from the control loop. With no "cli" keys in
 * the file it is on at its defaults, and a failure to listen (a second
 * gateway on the same host) only costs the CLI; a configured CLI that
 * cannot listen stops the start, as any other bad setting does.
 */
static int
cli_start(void)
{
	const struct mif_cfg_cli *c = &cfg.cli;
	struct mif_cli_conf cc;
	bool asked;
	int rc;

	mif_cli_conf_from_cfg(&cc, &cfg);
	if (!cc.enabled)
		return 0;
	asked = c->has_address || c->port != 0 || c->password[0] != '\0' ||
		c->sessions != 0 || c->has_idle_timeout || c->auth_delay_ms != 0;
	cc.ctx = &cli_gw;
	if (((rc = mif_cli_cmds_gw_register()) != 0 && rc != -EEXIST) ||
	    ((rc = mif_cli_cmds_ipsec_register()) != 0 && rc != -EEXIST) ||
	    ((rc = mif_cli_cmds_ike_register()) != 0 && rc != -EEXIST))
		return rc;
	mif_ctl.cli_poll = mif_cli_poll;
	mif_ctl.cli_tick = mif_cli_paths_tick;
	mif_ctl.cli = mif_cli_create(&cc);
	explicit_bzero(cc.password, sizeof(cc.password));
	if (mif_ctl.cli != NULL || !asked)
		return 0;
	return -EADDRNOTAVAIL;
}

static void
teardown(void)
{
	unsigned int i;

	mif_state_quit();
	mif_cli_destroy(mif_ctl.cli);
	mif_ctl.cli = NULL;
	rte_eal_mp_wait_lcore();
	mif_ctl_fini();
	mif_port_close_all();
	for (i = 0; i < cfg.n_workers; i++)
		mif_worker_destroy(workers[i]);
	mif_ike_daemon_fini();
	ipsec_teardown();
	mif_route_table_destroy(mif_state.routes);
	mif_neigh_table_destroy(mif_state.neigh);
	mif_punt_fini();
	rte_mempool_free(mif_state.pool);
	mif_state_rcu_fini();
}

/* Split argv at the first "--": EAL options before, ours after. */
static void
split_argv(int argc, char **argv, int *n_eal, char ***app, int *n_app)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	if (i == argc) {
		*n_eal = 0;
		*app = argv;
		*n_app = argc;
		return;
	}
	*n_eal = i - 1;
	/* argv[i] ("--") stands in as the program name for getopt. */
	argv[i] = argv[0];
	*app = &argv[i];
	*n_app = argc - i;
}

int
main(int argc, char **argv)
{
	static struct mif_eal_args ea;
	char err[MIF_CFG_ERR_LEN];
	struct app_opts o;
	char **app;
	int n_eal, n_app, rc;

	split_argv(argc, argv, &n_eal, &app, &n_app);
	if (parse_app_opts(n_app, app, &o) != 0) {
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if (mif_cfg_load(o.file, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILURE;
	}
	if (o.check) {
		printf("%s: configuration OK\n", o.file);
		mif_cfg_free(&cfg);
		return EXIT_SUCCESS;
	}
	if (mif_eal_args_merge(&ea, argv[0], argv + 1, n_eal, &cfg, err,
			       sizeof(err)) != 0) {
		fprintf(stderr, "mifgw: %s\n", err);
		mif_cfg_free(&cfg);
		return EXIT_USAGE;
	}
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "mifgw: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		mif_cfg_free(&cfg);
		return EXIT_FAILURE;
	}
	/* rte_eal_init() installed its own log stream: capture from here,
	 * so `show log` holds the start-up lines. Without it show log is
	 * empty, nothing else. */
	(void)mif_cli_log_capture();
	apply_log_levels();
	signals_install();
#ifndef __OPTIMIZE__
	/* Debug builds check the core algorithms before trusting them. */
	if (mif_ratelimit_selftest() != 0) {
		rc = -EPROTO;
		goto out;
	}
#endif

	if ((rc = check_worker_lcores()) != 0 ||
	    (rc = dataplane_setup()) != 0 || (rc = workers_launch()) != 0) {
		MIF_LOG(main, ERR, "start-up failed: %s", strerror(-rc));
		teardown();
		goto out;
	}
	/* Logged inside; the gateway forwards without telemetry. */
	(void)mif_telemetry_init(&cfg);
	if ((rc = cli_start()) != 0) {
		MIF_LOG(main, ERR, "cli: not started: %s", strerror(-rc));
		teardown();
		goto out;
	}
	MIF_LOG(main, NOTICE, "running: %u ports, %u workers",
		mif_n_ports, cfg.n_workers);
	mif_ctl_run();
	MIF_LOG(main, NOTICE, "shutting down");
	teardown();
	mif_ctl_counters_print();
out:
	mif_cfg_free(&cfg);
	rte_eal_cleanup();
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
