/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI server. Runs in the control thread: mif_cli_poll() accepts,
 * reads, runs commands and writes, all with non-blocking sockets, and
 * bounds the work it does per call (accepts, bytes read per session) so
 * one busy client cannot stall the control loop.
 *
 * Session life: AUTH (when a password is set) -> CMD -> CLOSING. A wrong
 * password parks the session (PARKED) until a deadline; the thread goes
 * on serving others, and input sent while parked is thrown away, so
 * pipelined guesses gain nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_version.h>

#include "common/addr.h"
#include "common/cfg.h"
#include "common/log.h"
#include "control/cli.h"
#include "control/cli_cmd.h"
#include "control/cli_telnet.h"

#define OUT_MAX		(256 * 1024)	/* output queued per session */
#define OUT_RESERVE	256		/* room kept for the truncation notice */
#define RX_CHUNK	4096		/* bytes read per session per poll */
#define LINES_PER_POLL	8		/* commands run per session per poll */
#define ACCEPT_BURST	32		/* connections accepted per poll */
#define CLOSE_GRACE_MS	2000		/* to flush the last words */
#define LOGIN_TIMEOUT_S	60		/* to type a password */
#define IDLE_POLL_US	1000		/* poll interval while nothing happens */
#define PROMPT		"mifgw> "
#define PW_PROMPT	"Password: "

enum sess_state {
	S_AUTH,
	S_PARKED,
	S_CMD,
	S_CLOSING,
};

struct session {
	int fd;
	unsigned int id;
	enum sess_state state;
	unsigned int auth_fails;
	uint64_t last_rx_ms;
	uint64_t deadline_ms;		/* PARKED: wake; CLOSING: give up */
	char peer[MIF_ADDR_STRLEN + 8];
	struct mif_telnet tn;
	struct mif_cli_edit ed;
	struct mif_cli_out out;
	/* Decoded input not yet fed to the editor: a chunk may hold many
	 * lines, and only LINES_PER_POLL of them run per poll. */
	uint8_t rx[RX_CHUNK];
	size_t rx_off, rx_len;
	char obuf[OUT_MAX + OUT_RESERVE];
};

struct mif_cli {
	struct mif_cli_conf conf;
	int lfd;
	uint16_t port;
	unsigned int next_id;
	struct session *sess[MIF_CLI_MAX_SESSIONS];
	unsigned int n_sess;
	struct mif_cli_stats st;
	uint64_t last_poll_us;
	bool busy;			/* the last poll did some work */
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* CPU time of this thread: what a poll cost, preemption left out. */
static uint64_t
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
now_ms(void)
{
	return now_us() / 1000;
}

void
mif_cli_conf_init(struct mif_cli_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->enabled = true;
	snprintf(conf->addr, sizeof(conf->addr), "%s", MIF_CLI_DEFAULT_ADDR);
	conf->port = MIF_CLI_DEFAULT_PORT;
	conf->max_sessions = MIF_CLI_DEFAULT_SESSIONS;
	conf->idle_timeout_s = MIF_CLI_DEFAULT_IDLE_S;
	conf->auth_delay_ms = MIF_CLI_DEFAULT_AUTH_DELAY_MS;
}

void
mif_cli_conf_from_cfg(struct mif_cli_conf *conf, const struct mif_cfg *cfg)
{
	const struct mif_cfg_cli *c = &cfg->cli;

	mif_cli_conf_init(conf);
	conf->enabled = !c->disabled;
	if (c->has_address)
		mif_addr_fmt(&c->address, conf->addr, sizeof(conf->addr));
	if (c->port != 0)
		conf->port = (uint16_t)c->port;
	RTE_BUILD_BUG_ON(sizeof(c->password) > sizeof(conf->password));
	memcpy(conf->password, c->password, sizeof(c->password));
	if (c->sessions != 0)
		conf->max_sessions = c->sessions;
	if (c->has_idle_timeout)
		conf->idle_timeout_s = c->idle_timeout_s;
	if (c->auth_delay_ms != 0)
		conf->auth_delay_ms = c->auth_delay_ms;
}

static bool
addr_is_loopback(const struct mif_addr *a)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return (ntohl(a->v4) >> 24) == 127;
	return memcmp(a->v6, v6_lo, sizeof(v6_lo)) == 0;
}

int
mif_cli_conf_check(const struct mif_cli_conf *conf, char *err, size_t errlen)
{
	struct mif_addr a;

	if (mif_addr_parse(conf->addr, &a) != 0) {
		snprintf(err, errlen, "cli.address: \"%s\" is not an IPv4 or "
			 "IPv6 address", conf->addr);
		return -EINVAL;
	}
	if (conf->password[0] == '\0' && !addr_is_loopback(&a)) {
		snprintf(err, errlen, "cli.address: refusing to listen on %s "
			 "without a password; set cli.password or use a "
			 "loopback address", conf->addr);
		return -EINVAL;
	}
	if (conf->max_sessions < 1 || conf->max_sessions > MIF_CLI_MAX_SESSIONS) {
		snprintf(err, errlen, "cli.sessions: %u out of range 1-%u",
			 conf->max_sessions, MIF_CLI_MAX_SESSIONS);
		return -EINVAL;
	}
	if (strlen(conf->password) > MIF_CLI_PASSWORD_MAX) {
		snprintf(err, errlen, "cli.password: longer than %u bytes",
			 MIF_CLI_PASSWORD_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Compare over the full fixed width whatever the lengths, so the time
 * taken says nothing about how many leading bytes were right. */
static bool
password_ok(const char *want, const char *got)
{
	uint8_t a[MIF_CLI_PASSWORD_MAX + 1] = { 0 };
	uint8_t b[MIF_CLI_PASSWORD_MAX + 1] = { 0 };
	size_t gl = strnlen(got, MIF_CLI_LINE_MAX + 1);
	volatile uint8_t diff;
	size_t i;

	diff = strlen(want) != gl;
	memcpy(a, want, strlen(want));
	memcpy(b, got, RTE_MIN(gl, (size_t)MIF_CLI_PASSWORD_MAX));
	for (i = 0; i < sizeof(a); i++)
		diff |= a[i] ^ b[i];
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
	return diff == 0;
}

/* Sockets. */

static int
sockaddr_make(const struct mif_cli_conf *conf, struct sockaddr_storage *ss,
	      socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct mif_addr a;

	if (mif_addr_parse(conf->addr, &a) != 0)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (a.family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(conf->port);
		s4->sin_addr.s_addr = a.v4;
		*len = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(conf->port);
		memcpy(&s6->sin6_addr, a.v6, 16);
		*len = sizeof(*s6);
	}
	return 0;
}

static int
listen_open(struct mif_cli *cli)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd;

	if (sockaddr_make(&cli->conf, &ss, &len) != 0)
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, 128) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	cli->lfd = fd;
	cli->port = ntohs(ss.ss_family == AF_INET ?
			  ((struct sockaddr_in *)&ss)->sin_port :
			  ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

static void
peer_fmt(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
	}
	snprintf(buf, len, "%s:%u", a, port);
}

/* Output and state changes. */

static void
say(struct session *s, const char *text)
{
	mif_cli_write(&s->out, text, strlen(text));
}

static void
prompt(struct mif_cli *cli, struct session *s)
{
	(void)cli;
	say(s, s->state == S_CMD ? PROMPT : PW_PROMPT);
}

static void
start_close(struct session *s, const char *why)
{
	if (why != NULL)
		say(s, why);
	s->state = S_CLOSING;
	s->deadline_ms = now_ms() + CLOSE_GRACE_MS;
}

static void
session_free(struct mif_cli *cli, unsigned int i, const char *why)
{
	struct session *s = cli->sess[i];

	MIF_LOG(cli, INFO, "session %u from %s: closed (%s)", s->id, s->peer,
		why);
	close(s->fd);
	explicit_bzero(&s->ed, sizeof(s->ed));	/* may hold a password */
	free(s);
	cli->sess[i] = cli->sess[--cli->n_sess];
	cli->sess[cli->n_sess] = NULL;
}

/* Send what is queued. @return 0, or -errno when the peer is gone. */
static int
flush(struct session *s)
{
	ssize_t n;

	while (mif_cli_out_pending(&s->out) > 0) {
		n = send(s->fd, s->out.buf + s->out.head,
			 mif_cli_out_pending(&s->out),
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		mif_cli_out_consume(&s->out, (size_t)n);
	}
	return 0;
}

static void
accept_one(struct mif_cli *cli, int fd, const struct sockaddr_storage *ss)
{
	static const char full[] = "% too many CLI sessions, try later\r\n";
	struct session *s;

	if (cli->n_sess >= cli->conf.max_sessions ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		/* Best effort: a fresh socket has room for one line. */
		if (send(fd, full, sizeof(full) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			MIF_LOG(cli, DEBUG, "refusal not sent: %s",
				strerror(errno));
		close(fd);
		cli->st.refused_full++;
		return;
	}
	s->fd = fd;
	s->id = ++cli->next_id;
	s->last_rx_ms = now_ms();
	peer_fmt(ss, s->peer, sizeof(s->peer));
	mif_cli_out_init(&s->out, s->obuf, OUT_MAX, true);
	mif_cli_edit_init(&s->ed);
	mif_telnet_init(&s->tn, &s->out);
	s->state = cli->conf.password[0] != '\0' ? S_AUTH : S_CMD;
	if (cli->conf.banner != NULL)
		say(s, cli->conf.banner);
	prompt(cli, s);
	cli->sess[cli->n_sess++] = s;
	cli->st.accepted++;
	MIF_LOG(cli, INFO, "session %u from %s: opened (%u of %u)", s->id,
		s->peer, cli->n_sess, cli->conf.max_sessions);
}

static int
accept_new(struct mif_cli *cli)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, n;

	for (n = 0; n < ACCEPT_BURST; n++) {
		len = sizeof(ss);
		fd = accept4(cli->lfd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				MIF_LOG(cli, WARNING, "accept on port %u: %s",
					cli->port, strerror(errno));
			break;
		}
		accept_one(cli, fd, &ss);
	}
	return n;
}

/* Input handling. */

static void
auth_line(struct mif_cli *cli, struct session *s, bool too_long)
{
	bool ok = !too_long && password_ok(cli->conf.password, s->ed.line);

	explicit_bzero(s->ed.line, sizeof(s->ed.line));
	mif_cli_edit_reset(&s->ed);
	say(s, "\n");
	if (ok) {
		s->state = S_CMD;
		s->auth_fails = 0;
		MIF_LOG(cli, INFO, "session %u from %s: logged in", s->id,
			s->peer);
		prompt(cli, s);
		return;
	}
	cli->st.auth_fail++;
	if (++s->auth_fails >= MIF_CLI_AUTH_TRIES) {
		cli->st.auth_cutoff++;
		MIF_LOG(cli, WARNING, "session %u from %s: %u wrong passwords, cut off",
			s->id, s->peer, s->auth_fails);
		start_close(s, "% authentication failed\n");
		return;
	}
	s->state = S_PARKED;
	s->deadline_ms = now_ms() + cli->conf.auth_delay_ms;
}

/* Output was dropped (a command printed more than the queue holds, or
 * the client stopped reading): say so once, from the reserved room. */
static void
overflow_notice(struct mif_cli *cli, struct session *s)
{
	struct mif_cli_out *o = &s->out;

	if (!o->truncated)
		return;
	cli->st.out_overflow++;
	o->truncated = false;
	o->cap = OUT_MAX + OUT_RESERVE;
	say(s, "\n% output truncated: client not reading fast enough "
	    "or output too large\n");
	o->cap = OUT_MAX;
}

static void
run_line(struct mif_cli *cli, struct session *s, bool char_mode)
{
	struct mif_cli_out *o = &s->out;
	size_t n = s->ed.len;
	int rc;

	if (char_mode)
		say(s, "\n");
	/* Line mode has no live '?': a line ending in '?' asks for help
	 * on what precedes it, as it would on a router. */
	if (!char_mode && n > 0 && s->ed.line[n - 1] == '?') {
		s->ed.line[n - 1] = '\0';
		mif_cli_cmd_help(s->ed.line, o);
		return;
	}
	mif_cli_edit_hist_add(&s->ed, s->ed.line);
	cli->st.lines++;
	rc = mif_cli_cmd_exec(s->ed.line, o, cli->conf.ctx, cli);
	overflow_notice(cli, s);
	if (rc == MIF_CLI_RC_QUIT)
		start_close(s, NULL);
}

static void
complete(struct session *s)
{
	static char tmpbuf[64 * 1024];
	char line[MIF_CLI_LINE_MAX + 1], ext[MIF_CLI_LINE_MAX + 1];
	struct mif_cli_out list;

	memcpy(line, s->ed.line, s->ed.pos);
	line[s->ed.pos] = '\0';
	mif_cli_out_init(&list, tmpbuf, sizeof(tmpbuf), true);
	if (mif_cli_cmd_complete(line, ext, sizeof(ext), &list) > 0) {
		mif_cli_edit_insert(&s->ed, ext, &s->out);
		return;
	}
	if (mif_cli_out_pending(&list) == 0) {
		mif_cli_write_raw(&s->out, "\a", 1);
		return;
	}
	say(s, "\n");
	mif_cli_write_raw(&s->out, list.buf, list.len);
	mif_cli_edit_redraw(&s->ed, PROMPT, &s->out);
}

static void
cmd_event(struct mif_cli *cli, struct session *s, enum mif_cli_edit_ev ev,
	  bool char_mode)
{
	char line[MIF_CLI_LINE_MAX + 1];

	switch (ev) {
	case MIF_CLI_EV_LINE:
		run_line(cli, s, char_mode);
		break;
	case MIF_CLI_EV_HELP:
		memcpy(line, s->ed.line, s->ed.pos);
		line[s->ed.pos] = '\0';
		say(s, "?\n");
		mif_cli_cmd_help(line, &s->out);
		mif_cli_edit_redraw(&s->ed, PROMPT, &s->out);
		return;
	case MIF_CLI_EV_COMPLETE:
		complete(s);
		return;
	case MIF_CLI_EV_TOOLONG:
		cli->st.line_too_long++;
		say(s, char_mode ? "\n" : "");
		mif_cli_printf(&s->out, "%% line too long (over %u bytes), "
			       "dropped\n", MIF_CLI_LINE_MAX);
		break;
	case MIF_CLI_EV_INTR:
		say(s, "^C\n");
		break;
	case MIF_CLI_EV_EOF:
		start_close(s, "\n");
		return;
	case MIF_CLI_EV_NONE:
		return;
	}
	mif_cli_edit_reset(&s->ed);
	if (s->state == S_CMD)
		prompt(cli, s);
}

/* Feed buffered input to the editor; stops after LINES_PER_POLL lines
 * or when the session leaves the login and command states. */
static void
feed(struct mif_cli *cli, struct session *s)
{
	enum mif_cli_edit_ev ev;
	unsigned int lines = 0;
	bool char_mode;

	while (s->rx_off < s->rx_len && lines < LINES_PER_POLL &&
	       (s->state == S_CMD || s->state == S_AUTH)) {
		char_mode = mif_telnet_char_mode(&s->tn);
		/* Never echo a password, whatever the mode. */
		ev = mif_cli_edit_input(&s->ed, s->rx[s->rx_off++],
					char_mode && s->state == S_CMD ?
					&s->out : NULL);
		if (ev != MIF_CLI_EV_NONE)
			lines++;
		if (s->state == S_AUTH) {
			if (ev == MIF_CLI_EV_LINE || ev == MIF_CLI_EV_TOOLONG)
				auth_line(cli, s, ev == MIF_CLI_EV_TOOLONG);
			else if (ev == MIF_CLI_EV_INTR || ev == MIF_CLI_EV_EOF)
				start_close(s, "\n");
			continue;
		}
		cmd_event(cli, s, ev, char_mode);
	}
}

/* Read and decode one chunk into s->rx.
 * @return bytes read, 0 when nothing, -1 when gone. */
static ssize_t
session_read(struct mif_cli *cli, struct session *s, uint64_t now)
{
	uint8_t in[RX_CHUNK];
	struct mif_telnet_io io = { .data = s->rx, .data_cap = sizeof(s->rx),
		.reply = &s->out };
	ssize_t n;

	n = recv(s->fd, in, sizeof(in), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
			errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	s->last_rx_ms = now;
	if (mif_telnet_rx(&s->tn, in, (size_t)n, &io) != 0) {
		cli->st.proto_error++;
		MIF_LOG(cli, WARNING, "session %u from %s: over %u telnet negotiations, cut off",
			s->id, s->peer, MIF_TELNET_NEG_MAX);
		start_close(s, "\n% too many telnet negotiations, closing\n");
		return n;
	}
	s->rx_off = 0;
	s->rx_len = io.n_data;
	return n;
}

/* A session not logged in yet gets LOGIN_TIMEOUT_S at most, so idle
 * connections cannot hold every slot for the whole idle timeout. */
static uint64_t
idle_limit_ms(const struct mif_cli *cli, const struct session *s)
{
	uint64_t idle = cli->conf.idle_timeout_s > 0 ?
		cli->conf.idle_timeout_s : UINT64_MAX / 1000;

	if (s->state == S_AUTH || s->state == S_PARKED)
		idle = RTE_MIN(idle, (uint64_t)LOGIN_TIMEOUT_S);
	return idle * 1000;
}

/* @return 1 when the session did something, 0 idle, -1 to free it. */
static int
session_poll(struct mif_cli *cli, struct session *s, uint64_t now,
	     const char **why)
{
	ssize_t n = 0;

	if (s->state == S_PARKED && now >= s->deadline_ms) {
		s->state = S_AUTH;
		prompt(cli, s);
	}
	/* Backpressure: a client that does not read gets no more input
	 * handled until its output drains (or the idle timer fires). */
	if (s->state != S_CLOSING && mif_cli_out_pending(&s->out) < OUT_MAX / 2) {
		if (s->rx_off == s->rx_len)
			n = session_read(cli, s, now);
		if (n < 0) {
			*why = "peer closed";
			return -1;
		}
		if (s->state == S_PARKED) {
			s->rx_off = s->rx_len;	/* no guessing ahead */
		} else if (s->rx_off < s->rx_len) {
			feed(cli, s);
			overflow_notice(cli, s);
			n++;
		}
	}
	if (s->state != S_CLOSING && now > s->last_rx_ms &&
	    now - s->last_rx_ms > idle_limit_ms(cli, s)) {
		cli->st.closed_idle++;
		start_close(s, "\n% idle timeout, closing\n");
	}
	if (flush(s) != 0) {
		*why = "write failed";
		return -1;
	}
	if (s->state == S_CLOSING &&
	    (mif_cli_out_pending(&s->out) == 0 || now >= s->deadline_ms)) {
		*why = "done";
		return -1;
	}
	return n > 0;
}

int
mif_cli_poll(struct mif_cli *cli)
{
	uint64_t t0, c0, now, dt;
	const char *why = "";
	unsigned int i;
	int work, rc;

	if (cli == NULL)
		return 0;	/* CLI disabled: callers need no test */
	/* A control loop may call this millions of times a second; while
	 * the CLI is quiet, its syscalls (one accept, one recv per session)
	 * run once a millisecond at most. */
	t0 = now_us();
	if (!cli->busy && t0 - cli->last_poll_us < IDLE_POLL_US)
		return 0;
	cli->last_poll_us = t0;
	c0 = cpu_us();
	work = accept_new(cli) > 0;
	now = now_ms();		/* not before accepting: idle ages from it */
	for (i = 0; i < cli->n_sess; ) {
		rc = session_poll(cli, cli->sess[i], now, &why);
		if (rc < 0) {
			session_free(cli, i, why);
			work++;
			continue;	/* slot i now holds the last one */
		}
		work += rc;
		i++;
	}
	dt = now_us() - t0;
	if (dt > cli->st.poll_max_us)
		cli->st.poll_max_us = dt;
	dt = cpu_us() - c0;
	if (dt > cli->st.poll_max_cpu_us)
		cli->st.poll_max_cpu_us = dt;
	cli->busy = work > 0;
	return work;
}

/* `show cli`: the server's own state. */
static int
cmd_show_cli(struct mif_cli_exec *x)
{
	static const char *const state_names[] = {
		[S_AUTH] = "login", [S_PARKED] = "login-wait",
		[S_CMD] = "active", [S_CLOSING] = "closing",
	};
	static const char *const hdr[] = { ">id", "peer", "state", ">idle_s",
		"mode" };
	const struct mif_cli *cli = x->cli;
	const struct mif_cli_stats *st;
	struct mif_cli_table t;
	char id[16], idle[24];
	uint64_t now = now_ms();
	unsigned int i;

	if (cli == NULL)
		return -ENOTSUP;
	st = &cli->st;
	mif_cli_printf(x->out, "listening on %s port %u, %u of %u sessions, "
		       "idle timeout %u s, password %s\n", cli->conf.addr,
		       cli->port, cli->n_sess, cli->conf.max_sessions,
		       cli->conf.idle_timeout_s,
		       cli->conf.password[0] != '\0' ? "set" : "not set");
	mif_cli_table_init(&t, RTE_DIM(hdr), hdr);
	for (i = 0; i < cli->n_sess; i++) {
		const struct session *s = cli->sess[i];

		snprintf(id, sizeof(id), "%u", s->id);
		snprintf(idle, sizeof(idle), "%" PRIu64,
			 (now - s->last_rx_ms) / 1000);
		mif_cli_table_row(&t, (const char *const[]){ id, s->peer,
			state_names[s->state], idle,
			mif_telnet_char_mode(&s->tn) ? "char" : "line" });
	}
	mif_cli_table_print(&t, x->out);
	mif_cli_printf(x->out, "accepted %" PRIu64 ", refused (full) %" PRIu64
		       ", idle closed %" PRIu64 ", wrong passwords %" PRIu64
		       ", cut off %" PRIu64 "\n", st->accepted,
		       st->refused_full, st->closed_idle, st->auth_fail,
		       st->auth_cutoff);
	mif_cli_printf(x->out, "lines %" PRIu64 ", too long %" PRIu64
		       ", telnet floods %" PRIu64 ", output cut %" PRIu64
		       "\n", st->lines, st->line_too_long, st->proto_error,
		       st->out_overflow);
	mif_cli_printf(x->out, "longest poll %" PRIu64 " us (%" PRIu64
		       " us on cpu)\n", st->poll_max_us, st->poll_max_cpu_us);
	return 0;
}

static const struct mif_cli_cmd cli_cmds[] = {
	{ "show cli", { "Show state", "CLI server and sessions" },
	  cmd_show_cli, NULL },
};

static int
builtins_register(void)
{
	static bool done;
	int rc;

	if (done)
		return 0;
	if ((rc = mif_cli_cmd_register_table(cli_cmds, RTE_DIM(cli_cmds))) != 0 ||
	    (rc = mif_cli_cmds_sys_register()) != 0 ||
	    (rc = mif_cli_cmds_log_register()) != 0 ||
	    (rc = mif_cli_cmds_dp_register()) != 0)
		return rc;
	done = true;
	return 0;
}

struct mif_cli *
mif_cli_create(const struct mif_cli_conf *conf)
{
	char err[256];
	struct mif_cli *cli;
	int rc;

	if (mif_cli_conf_check(conf, err, sizeof(err)) != 0) {
		MIF_LOG(cli, ERR, "%s", err);
		return NULL;
	}
	if ((rc = builtins_register()) != 0) {
		MIF_LOG(cli, ERR, "built-in commands: %s", strerror(-rc));
		return NULL;
	}
	if (mif_cli_log_capture() != 0)
		MIF_LOG(cli, WARNING, "log capture unavailable: show log stays empty");
	cli = calloc(1, sizeof(*cli));
	if (cli == NULL)
		return NULL;
	cli->conf = *conf;
	cli->lfd = -1;
	if ((rc = listen_open(cli)) != 0) {
		MIF_LOG(cli, ERR, "cannot listen on %s port %u: %s",
			conf->addr, conf->port, strerror(-rc));
		free(cli);
		return NULL;
	}
	MIF_LOG(cli, NOTICE, "listening on %s port %u (%u sessions, password %s)",
		conf->addr, cli->port, conf->max_sessions,
		conf->password[0] != '\0' ? "set" : "not set");
	return cli;
}

void
mif_cli_destroy(struct mif_cli *cli)
{
	if (cli == NULL)
		return;
	while (cli->n_sess > 0)
		session_free(cli, cli->n_sess - 1, "server stopped");
	if (cli->lfd >= 0)
		close(cli->lfd);
	explicit_bzero(cli->conf.password, sizeof(cli->conf.password));
	free(cli);
}

uint16_t
mif_cli_port(const struct mif_cli *cli)
{
	return cli->port;
}

unsigned int
mif_cli_sessions(const struct mif_cli *cli)
{
	return cli->n_sess;
}

const struct mif_cli_stats *
mif_cli_stats_get(const struct mif_cli *cli)
{
	return &cli->st;
}
