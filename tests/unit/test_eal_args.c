/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "control/eal_args.h"
#include "tests/unit/check.h"

/* The merged vector as one space-separated string, argv[0] left out. */
static const char *
joined(const struct mif_eal_args *ea)
{
	static char s[1024];
	int i;

	s[0] = '\0';
	for (i = 1; i < ea->argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, ea->argv[i]);
	}
	CHECK(ea->argv[ea->argc] == NULL);
	return s;
}

static void
cfg_init(struct mif_cfg *cfg, char **file_eal, unsigned int n)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < n; i++)
		cfg->eal_argv[i] = file_eal[i];
	cfg->eal_argc = n;
	cfg->n_workers = 1;
	cfg->workers[0] = 1;
	cfg->n_ports = 1;
	cfg->ports[0].is_vdev = true;
	snprintf(cfg->ports[0].dev, sizeof(cfg->ports[0].dev),
		 "net_af_packet0,iface=x");
}

static void
test_merge(void)
{
	static struct mif_cfg cfg;
	struct mif_eal_args ea;
	char err[128];
	char *file[] = { "-l", "0-2", "-n", "4", "--file-prefix", "gw",
			 "--log-level=*:info" };
	char *cli1[] = { "--lcores", "0,1", "--file-prefix=t1" };
	char *cli2[] = { "-l3-4", "--in-memory" };

	/* Nothing on the command line: the file as written. */
	cfg_init(&cfg, file, 7);
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", NULL, 0, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(ea.argv[0], "mifgw");
	CHECK_STR(joined(&ea),
		  "-l 0-2 -n 4 --file-prefix gw --log-level=*:info --no-pci");

	/* --lcores replaces -l (one option, two names); --file-prefix=
	 * replaces --file-prefix given as two words. */
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli1, 3, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(joined(&ea), "-n 4 --log-level=*:info --lcores 0,1 "
		  "--file-prefix=t1 --no-pci");

	/* An inline short value is still -l. */
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli2, 2, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(joined(&ea), "-n 4 --file-prefix gw --log-level=*:info "
		  "-l3-4 --in-memory --no-pci");
}

static void
test_derived(void)
{
	static struct mif_cfg cfg;
	struct mif_eal_args ea;
	char err[128];
	char *cli[] = { "--in-memory", "-a", "0000:01:00.0" };

	/* No lcore option anywhere: main lcore 0 plus the workers. */
	cfg_init(&cfg, NULL, 0);
	cfg.n_workers = 2;
	cfg.workers[0] = 1;
	cfg.workers[1] = 3;
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli, 1, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(joined(&ea), "--in-memory -l 0,1,3 --main-lcore 0 --no-pci");
	CHECK_EQ(ea.main_lcore, 0);

	/* Lcore 0 is a worker: main takes the lowest free one. */
	cfg.workers[0] = 0;
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli, 1, &cfg, err,
				    sizeof(err)), 0);
	CHECK_EQ(ea.main_lcore, 1);
	CHECK_STR(joined(&ea), "--in-memory -l 1,0,3 --main-lcore 1 --no-pci");

	/* A PCI port is allow-listed, unless -a is given already. */
	cfg.ports[0].is_vdev = false;
	snprintf(cfg.ports[0].dev, sizeof(cfg.ports[0].dev), "0000:3b:00.0");
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli, 1, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(joined(&ea),
		  "--in-memory -l 1,0,3 --main-lcore 1 -a 0000:3b:00.0");
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli, 3, &cfg, err,
				    sizeof(err)), 0);
	CHECK_STR(joined(&ea),
		  "--in-memory -a 0000:01:00.0 -l 1,0,3 --main-lcore 1");
}

static void
test_errors(void)
{
	static struct mif_cfg cfg;
	struct mif_eal_args ea;
	char err[128] = "";
	char *file[] = { "-n", "4", "--file-prefix" };
	char *cli[] = { "-l" };
	char *many[MIF_EAL_MAX_ARGS + 4];
	int i;

	cfg_init(&cfg, file, 3);
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", NULL, 0, &cfg, err,
				    sizeof(err)), -EINVAL);
	CHECK_STR(err, "EAL option --file-prefix needs a value");
	cfg_init(&cfg, NULL, 0);
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", cli, 1, &cfg, err,
				    sizeof(err)), -EINVAL);
	CHECK_STR(err, "EAL option -l needs a value");
	for (i = 0; i < MIF_EAL_MAX_ARGS + 4; i++)
		many[i] = "-v";
	CHECK_EQ(mif_eal_args_merge(&ea, "mifgw", many, MIF_EAL_MAX_ARGS + 4,
				    &cfg, err, sizeof(err)), -E2BIG);
}

int
main(void)
{
	test_merge();
	test_derived();
	test_errors();
	CHECK_DONE();
}
