/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show log` and `set log level`. rte_log output is captured through a
 * stdio cookie stream into a fixed ring of recent lines; every byte is
 * also copied to stderr, so nothing is lost for a journal or a terminal.
 * Worker lcores may log too, hence the spinlock around the ring; it is
 * held only for a copy of one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_spinlock.h>

#include "common/log.h"
#include "control/cli.h"
#include "control/cli_cmd.h"

#define RING_LINES	512
#define LINE_LEN	240
#define SHOW_DEFAULT	50

struct log_line {
	struct timespec ts;
	char text[LINE_LEN];
};

static struct {
	rte_spinlock_t lock;
	struct log_line lines[RING_LINES];
	uint64_t n;			/* lines ever stored */
	char part[LINE_LEN];		/* line being assembled */
	size_t part_len;
	bool part_cut;			/* rest of a long line is dropped */
	FILE *stream;
} ring = { .lock = RTE_SPINLOCK_INITIALIZER };

/* Caller holds ring.lock. */
static void
ring_push(void)
{
	struct log_line *l = &ring.lines[ring.n % RING_LINES];

	clock_gettime(CLOCK_REALTIME, &l->ts);
	memcpy(l->text, ring.part, ring.part_len);
	l->text[ring.part_len] = '\0';
	ring.n++;
	ring.part_len = 0;
	ring.part_cut = false;
}

static ssize_t
ring_write(void *cookie, const char *buf, size_t size)
{
	size_t i;

	(void)cookie;
	if (fwrite(buf, 1, size, stderr) != size)
		clearerr(stderr);	/* a closed stderr must not stop us */
	rte_spinlock_lock(&ring.lock);
	for (i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			ring_push();
			continue;
		}
		if (ring.part_len < LINE_LEN - 1)
			ring.part[ring.part_len++] = buf[i];
		else
			ring.part_cut = true;
	}
	rte_spinlock_unlock(&ring.lock);
	return (ssize_t)size;
}

int
mif_cli_log_capture(void)
{
	cookie_io_functions_t io = { .write = ring_write };
	FILE *f;

	if (ring.stream != NULL)
		return 0;
	f = fopencookie(NULL, "w", io);
	if (f == NULL)
		return -ENOMEM;
	/* Line buffered: a line reaches the ring (and stderr) whole. */
	setvbuf(f, NULL, _IOLBF, 0);
	if (rte_openlog_stream(f) != 0) {
		fclose(f);
		return -EIO;
	}
	ring.stream = f;
	return 0;
}

static void
print_lines(struct mif_cli_out *out, uint64_t want)
{
	static struct log_line copy[RING_LINES];
	uint64_t n, first, i;
	struct tm tm;
	char ts[32];

	/* Copy under the lock, format outside it. */
	rte_spinlock_lock(&ring.lock);
	n = ring.n;
	first = n > RING_LINES ? n - RING_LINES : 0;
	if (n - first > want)
		first = n - want;
	for (i = first; i < n; i++)
		copy[i - first] = ring.lines[i % RING_LINES];
	rte_spinlock_unlock(&ring.lock);

	if (ring.stream == NULL)
		mif_cli_printf(out, "%% log capture is not active\n");
	for (i = 0; i < n - first; i++) {
		localtime_r(&copy[i].ts.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		mif_cli_printf(out, "%s.%03ld %s\n", ts,
			       copy[i].ts.tv_nsec / 1000000, copy[i].text);
	}
}

static int
cmd_show_log(struct mif_cli_exec *x)
{
	print_lines(x->out, x->argc > 2 ? x->argv[2].u : SHOW_DEFAULT);
	return 0;
}

static const char *const subsystems[] = {
	"main", "cfg", "dp", "ctl", "esp", "ike", "cli",
};

static const char *
level_name(int level)
{
	static const char *const names[] = {
		[RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert",
		[RTE_LOG_CRIT] = "crit", [RTE_LOG_ERR] = "err",
		[RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
		[RTE_LOG_INFO] = "info", [RTE_LOG_DEBUG] = "debug",
	};

	if (level < 0 || (size_t)level >= RTE_DIM(names) ||
	    names[level] == NULL)
		return "?";
	return names[level];
}

static int
cmd_show_log_levels(struct mif_cli_exec *x)
{
	static const char *const hdr[] = { "subsystem", "level" };
	const int types[] = { mif_logtype_main, mif_logtype_cfg,
		mif_logtype_dp, mif_logtype_ctl, mif_logtype_esp,
		mif_logtype_ike, mif_logtype_cli };
	struct mif_cli_table t;
	size_t i;

	mif_cli_table_init(&t, 2, hdr);
	for (i = 0; i < RTE_DIM(subsystems); i++)
		mif_cli_table_row(&t, (const char *const[]){ subsystems[i],
			level_name(rte_log_get_level(types[i])) });
	mif_cli_table_print(&t, x->out);
	return 0;
}

static int
cmd_set_log_level(struct mif_cli_exec *x)
{
	const char *sub = x->argv[3].str, *lvl = x->argv[4].str;
	int level = mif_log_level_parse(lvl), rc;

	if (level < 0) {
		mif_cli_printf(x->out, "%% unknown level '%s'\n", lvl);
		return -EINVAL;
	}
	rc = mif_log_set_level(sub, level);
	if (rc != 0) {
		mif_cli_printf(x->out, "%% cannot set level of '%s': %s\n",
			       sub, strerror(-rc));
		return rc;
	}
	MIF_LOG(cli, NOTICE, "log level of %s set to %s from the CLI", sub,
		lvl);
	mif_cli_printf(x->out, "log level of %s is now %s\n", sub, lvl);
	return 0;
}

static const struct mif_cli_cmd log_cmds[] = {
	{ "show log", { "Show state", "Recent log lines (last 50)" },
	  cmd_show_log, NULL },
	{ "show log <count:uint:1-512>",
	  { NULL, NULL, "How many recent lines" }, cmd_show_log, NULL },
	{ "show log levels", { NULL, NULL, "Log level per subsystem" },
	  cmd_show_log_levels, NULL },
	{ "set log level {*|main|cfg|dp|ctl|esp|ike|cli} "
	  "{emerg|alert|crit|err|warning|notice|info|debug}",
	  { "Change settings", "Logging", "Level of a subsystem",
	    "Subsystem, * for all", "New level" },
	  cmd_set_log_level, NULL },
};

int
mif_cli_cmds_log_register(void)
{
	return mif_cli_cmd_register_table(log_cmds, RTE_DIM(log_cmds));
}
