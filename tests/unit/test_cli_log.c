/* SPDX-License-Identifier: BSD-3-Clause */
/* `show log`: rte_log lines captured in the ring after rte_eal_init(),
 * still copied to stderr; ring wrap and long lines. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "common/log.h"
#include "control/cli.h"
#include "control/cli_cmd.h"
#include "tests/unit/check.h"

static char obuf[512 * 1024];

static const char *
run(const char *line)
{
	struct mif_cli_out out;

	mif_cli_out_init(&out, obuf, sizeof(obuf) - 1, false);
	mif_cli_cmd_exec(line, &out, NULL, NULL);
	obuf[out.len] = '\0';
	return obuf;
}

static unsigned int
count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_ring(void)
{
	char big[600];
	const char *o;
	int i;

	MIF_LOG(cli, NOTICE, "first line %d", 1);
	MIF_LOG(cli, NOTICE, "second line %d", 2);
	o = run("show log 2");
	CHECK_EQ(count_lines(o), 2);
	/* "HH:MM:SS.mmm mif.cli: test_ring: first line 1" */
	CHECK(strstr(o, " mif.cli: test_ring: first line 1\n") != NULL);
	CHECK(o[2] == ':' && o[5] == ':' && o[8] == '.' && o[12] == ' ');
	CHECK(strstr(run("show log 1"), "second line 2") != NULL);
	CHECK(strstr(run("show log 1"), "first line") == NULL);

	/* Below the level: not logged, not captured. */
	MIF_LOG(cli, DEBUG, "hidden debug line");
	CHECK(strstr(run("show log"), "hidden debug") == NULL);

	for (i = 0; i < 600; i++)
		MIF_LOG(cli, NOTICE, "wrap %d", i);
	o = run("show log 512");
	CHECK_EQ(count_lines(o), 512);
	CHECK(strstr(o, "wrap 87\n") == NULL);
	CHECK(strstr(o, "wrap 88\n") != NULL);
	CHECK(strstr(o, "wrap 599\n") != NULL);
	CHECK_EQ(count_lines(run("show log")), 50);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	MIF_LOG(cli, NOTICE, "%s", big);
	MIF_LOG(cli, NOTICE, "after the long one");
	o = run("show log 2");
	CHECK_EQ(count_lines(o), 2);
	CHECK(strlen(o) < 2 * 260);
	CHECK(strstr(o, "after the long one\n") != NULL);
}

int
main(void)
{
	char prefix[32], rundir[256], errpath[] = "/tmp/test_cli_log.XXXXXX";
	char *eal[] = { "test_cli_log", "--no-huge", "-m", "64",
			"--no-shconf", "--no-pci", "-l", "0", "--log-level",
			"*:error", "--no-telemetry", "--file-prefix", prefix,
			NULL };
	char text[4096] = "";
	int fd, saved;
	ssize_t n;

	snprintf(prefix, sizeof(prefix), "test_cli_log_%d", (int)getpid());
	CHECK(rte_eal_init((int)RTE_DIM(eal) - 1, eal) >= 0);
	/* After the EAL, which installs its own log stream. */
	CHECK_EQ(mif_cli_log_capture(), 0);
	CHECK_EQ(mif_cli_log_capture(), 0);	/* idempotent */
	CHECK_EQ(mif_cli_cmds_log_register(), 0);
	mif_log_set_level("cli", RTE_LOG_NOTICE);

	/* Every captured line still reaches stderr. */
	fd = mkstemp(errpath);
	CHECK(fd >= 0);
	saved = dup(STDERR_FILENO);
	CHECK(dup2(fd, STDERR_FILENO) >= 0);
	test_ring();
	fflush(stderr);
	CHECK(dup2(saved, STDERR_FILENO) >= 0);
	n = pread(fd, text, sizeof(text) - 1, 0);
	CHECK(n > 0);
	text[n] = '\0';
	CHECK(strstr(text, "mif.cli: test_ring: first line 1\n") != NULL);
	close(fd);
	unlink(errpath);

	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	CHECK_DONE();
}
