/* SPDX-License-Identifier: BSD-3-Clause */
/* Commands every session has: version, help, leaving. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_version.h>

#include "control/cli_cmd.h"

#ifndef MIF_VERSION
#define MIF_VERSION "unknown"
#endif

static time_t start_time;

static int
cmd_show_version(struct mif_cli_exec *x)
{
	struct utsname u;
	time_t up = time(NULL) - start_time;

	mif_cli_printf(x->out, "mifgw %s, built %s %s\n", MIF_VERSION,
		       __DATE__, __TIME__);
	mif_cli_printf(x->out, "%s\n", rte_version());
	if (uname(&u) == 0)
		mif_cli_printf(x->out, "%s %s on %s\n", u.sysname, u.release,
			       u.machine);
	mif_cli_printf(x->out, "pid %d, up %ldd %02ld:%02ld:%02ld\n",
		       (int)getpid(), (long)(up / 86400),
		       (long)(up / 3600 % 24), (long)(up / 60 % 60),
		       (long)(up % 60));
	return 0;
}

static int
cmd_help(struct mif_cli_exec *x)
{
	mif_cli_printf(x->out,
		"Type a command; words may be abbreviated (\"sh ver\").\n"
		"  ?          what may follow at the cursor (or end a line with ?)\n"
		"  TAB        complete the current word\n"
		"  up/down    history (also ^P/^N)\n"
		"  ^U ^W ^C   erase line, erase word, drop line\n"
		"  exit       leave\n"
		"Top-level commands:\n");
	mif_cli_cmd_help("", x->out);
	return 0;
}

static int
cmd_exit(struct mif_cli_exec *x)
{
	mif_cli_printf(x->out, "bye\n");
	return MIF_CLI_RC_QUIT;
}

static const struct mif_cli_cmd sys_cmds[] = {
	{ "show version", { "Show state", "Software versions and uptime" },
	  cmd_show_version, NULL },
	{ "help", { "How to use this CLI" }, cmd_help, NULL },
	{ "exit", { "Close this session" }, cmd_exit, NULL },
	{ "quit", { "Close this session" }, cmd_exit, NULL },
};

int
mif_cli_cmds_sys_register(void)
{
	if (start_time == 0)
		start_time = time(NULL);
	return mif_cli_cmd_register_table(sys_cmds, RTE_DIM(sys_cmds));
}
