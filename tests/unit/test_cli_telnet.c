/* SPDX-License-Identifier: BSD-3-Clause */
/* Telnet decoder and line editor, fed with hand-written byte arrays. */
#include <errno.h>
#include <string.h>

#include "control/cli_telnet.h"
#include "tests/unit/check.h"

static char rbuf[64 * 1024];
static struct mif_cli_out reply;
static uint8_t data[64 * 1024];

/* Decode @in; returns rc, leaves data and reply for checks. */
static int
rx(struct mif_telnet *t, const void *in, size_t n, size_t *n_data)
{
	struct mif_telnet_io io = { .data = data, .data_cap = sizeof(data),
		.reply = &reply };
	int rc;

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	rc = mif_telnet_rx(t, in, n, &io);
	*n_data = io.n_data;
	return rc;
}

static void
test_opening(void)
{
	struct mif_telnet t;
	static const uint8_t offer[] = {
		255, 251, 1,	/* IAC WILL ECHO */
		255, 251, 3,	/* IAC WILL SGA */
		255, 253, 3,	/* IAC DO SGA */
	};

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	CHECK_EQ(reply.len, sizeof(offer));
	CHECK_MEM(rbuf, offer, sizeof(offer));
	CHECK(!mif_telnet_char_mode(&t));
}

/* Debian's telnet answers our offer: no reply (they are acks), and the
 * session goes to character mode. */
static void
test_client_agrees(void)
{
	struct mif_telnet t;
	static const uint8_t in[] = {
		255, 253, 1,	/* IAC DO ECHO: ack of our WILL */
		255, 253, 3,	/* IAC DO SGA */
		255, 251, 3,	/* IAC WILL SGA: ack of our DO */
		'h', 'i',
	};
	size_t n;

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	CHECK_EQ(rx(&t, in, sizeof(in), &n), 0);
	CHECK_EQ(reply.len, 0);
	CHECK_EQ(n, 2);
	CHECK_MEM(data, "hi", 2);
	CHECK(mif_telnet_char_mode(&t));

	/* IAC DONT ECHO: we stop echoing and say so once. */
	static const uint8_t dont[] = { 255, 254, 1 };
	static const uint8_t wont[] = { 255, 252, 1 };

	CHECK_EQ(rx(&t, dont, sizeof(dont), &n), 0);
	CHECK_EQ(reply.len, 3);
	CHECK_MEM(rbuf, wont, 3);
	CHECK(!mif_telnet_char_mode(&t));
	CHECK_EQ(rx(&t, dont, sizeof(dont), &n), 0);
	CHECK_EQ(reply.len, 0);		/* already off: no answer */
}

/* Options we do not do are refused once, however often asked. */
static void
test_refuse_once(void)
{
	struct mif_telnet t;
	uint8_t in[3 * 100];
	size_t n, i;
	static const uint8_t wont_ttype[] = { 255, 252, 24 };
	static const uint8_t dont_naws[] = { 255, 254, 31 };

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	for (i = 0; i < 100; i++) {
		in[3 * i] = 255;
		in[3 * i + 1] = 253;	/* DO TERMINAL-TYPE */
		in[3 * i + 2] = 24;
	}
	CHECK_EQ(rx(&t, in, sizeof(in), &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(reply.len, 3);
	CHECK_MEM(rbuf, wont_ttype, 3);

	static const uint8_t naws[] = { 255, 251, 31, 255, 251, 31 };

	CHECK_EQ(rx(&t, naws, sizeof(naws), &n), 0);
	CHECK_EQ(reply.len, 3);
	CHECK_MEM(rbuf, dont_naws, 3);
}

static void
test_flood_cutoff(void)
{
	struct mif_telnet t;
	uint8_t in[3 * (MIF_TELNET_NEG_MAX + 1)];
	size_t n, i;

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	for (i = 0; i <= MIF_TELNET_NEG_MAX; i++) {
		in[3 * i] = 255;
		in[3 * i + 1] = i % 2 ? 252 : 251;	/* WILL/WONT SGA */
		in[3 * i + 2] = 3;
	}
	CHECK_EQ(rx(&t, in, sizeof(in) - 3, &n), 0);
	CHECK(reply.len <= 3 * MIF_TELNET_NEG_MAX);
	CHECK_EQ(rx(&t, in + sizeof(in) - 3, 3, &n), -EPROTO);
}

static void
test_data_bytes(void)
{
	struct mif_telnet t;
	size_t n;
	static const uint8_t in[] = {
		'a', 255, 255,		/* IAC IAC: data 255 */
		'b', '\r', '\n',	/* CR LF: one CR */
		'c', '\r', 0,		/* CR NUL: one CR */
		'd', '\n',		/* bare LF kept */
		255, 247,		/* IAC EC: erase char */
		255, 248,		/* IAC EL: erase line */
		255, 244,		/* IAC IP: interrupt */
		255, 241,		/* IAC NOP: nothing */
		0, 'e',			/* NUL dropped */
	};
	static const uint8_t want[] = { 'a', 255, 'b', '\r', 'c', '\r', 'd',
		'\n', 0x7f, 0x15, 0x03, 'e' };

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	CHECK_EQ(rx(&t, in, sizeof(in), &n), 0);
	CHECK_EQ(n, sizeof(want));
	CHECK_MEM(data, want, sizeof(want));

	/* CR at the end of one read, LF at the start of the next. */
	CHECK_EQ(rx(&t, "x\r", 2, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(rx(&t, "\ny", 2, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(data[0], 'y');
}

static void
test_subnegotiation(void)
{
	struct mif_telnet t;
	uint8_t big[3 + 1000 + 2];
	size_t n;
	static const uint8_t sb[] = {
		255, 250, 24, 0, 'x', 't', 255, 255, 'm', /* IAC SB TTYPE IS ... */
		255, 240,		/* IAC SE */
		'o', 'k',
	};

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_telnet_init(&t, &reply);
	CHECK_EQ(rx(&t, sb, sizeof(sb), &n), 0);
	CHECK_EQ(n, 2);
	CHECK_MEM(data, "ok", 2);
	CHECK_EQ(t.sb_len, 6);

	/* An oversized SB is cut at SB_MAX, counted once, then ignored. */
	big[0] = 255;
	big[1] = 250;
	big[2] = 31;
	memset(big + 3, 'z', 1000);
	big[1003] = 255;
	big[1004] = 240;
	CHECK_EQ(rx(&t, big, sizeof(big), &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(t.st.sb_truncated, 1);
	CHECK_EQ(rx(&t, "k", 1, &n), 0);
	CHECK_EQ(n, 1);

	/* IAC followed by a command inside SB ends the SB. */
	static const uint8_t cut[] = { 255, 250, 1, 2, 255, 244, 'q' };

	CHECK_EQ(rx(&t, cut, sizeof(cut), &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(data[0], 0x03);
	CHECK_EQ(data[1], 'q');
}

/* Editor. */

static char ebuf[64 * 1024];
static struct mif_cli_out echo;

static enum mif_cli_edit_ev
type(struct mif_cli_edit *e, const char *s, bool char_mode)
{
	enum mif_cli_edit_ev ev = MIF_CLI_EV_NONE;

	while (*s != '\0' && ev == MIF_CLI_EV_NONE)
		ev = mif_cli_edit_input(e, (uint8_t)*s++,
					char_mode ? &echo : NULL);
	return ev;
}

static void
test_edit_basic(void)
{
	static struct mif_cli_edit e;

	mif_cli_out_init(&echo, ebuf, sizeof(ebuf), false);
	mif_cli_edit_init(&e);
	CHECK_EQ(type(&e, "shw", true), MIF_CLI_EV_NONE);
	CHECK_EQ(echo.len, 3);
	CHECK_MEM(ebuf, "shw", 3);
	/* Left arrow, insert 'o', End. */
	CHECK_EQ(type(&e, "\x1b[Do\x1b[F", true), MIF_CLI_EV_NONE);
	CHECK_STR(e.line, "show");
	CHECK_EQ(e.pos, 4);
	CHECK_EQ(type(&e, " vex\x7fr\r", true), MIF_CLI_EV_LINE);
	CHECK_STR(e.line, "show ver");
	mif_cli_edit_reset(&e);

	/* ^W erases the last word, ^U the line. */
	CHECK_EQ(type(&e, "show foo  \x17" "log", false), MIF_CLI_EV_NONE);
	CHECK_STR(e.line, "show log");
	CHECK_EQ(type(&e, "\x15" "a\n", false), MIF_CLI_EV_LINE);
	CHECK_STR(e.line, "a");
	mif_cli_edit_reset(&e);

	/* '?' and TAB are events in character mode, text in line mode. */
	CHECK_EQ(type(&e, "sh?", true), MIF_CLI_EV_HELP);
	CHECK_EQ(type(&e, "\t", true), MIF_CLI_EV_COMPLETE);
	mif_cli_edit_reset(&e);
	CHECK_EQ(type(&e, "sh\tx?\r", false), MIF_CLI_EV_LINE);
	CHECK_STR(e.line, "sh x?");
	mif_cli_edit_reset(&e);

	CHECK_EQ(type(&e, "abc\x03", true), MIF_CLI_EV_INTR);
	mif_cli_edit_reset(&e);
	CHECK_EQ(type(&e, "\x04", true), MIF_CLI_EV_EOF);
	/* Bytes >= 0x80 and other controls are dropped. */
	CHECK_EQ(type(&e, "\x80\xff\x01\x1b[99;5Za\r", true), MIF_CLI_EV_LINE);
	CHECK_STR(e.line, "a");
}

static void
test_edit_overflow(void)
{
	static struct mif_cli_edit e;
	size_t i;

	mif_cli_out_init(&echo, ebuf, sizeof(ebuf), false);
	mif_cli_edit_init(&e);
	for (i = 0; i < MIF_CLI_LINE_MAX; i++)
		CHECK_EQ(mif_cli_edit_input(&e, 'a', NULL), MIF_CLI_EV_NONE);
	CHECK(!e.overflow);
	/* One byte more than a line holds: refused, then the whole line
	 * is reported too long at its end, and the next line is clean. */
	for (i = 0; i < 1024 * 1024; i++)
		mif_cli_edit_input(&e, 'b', &echo);
	CHECK(e.overflow);
	CHECK_EQ(e.len, MIF_CLI_LINE_MAX);
	CHECK_EQ(echo.len, 1);		/* one bell, not a million */
	CHECK_EQ(mif_cli_edit_input(&e, '\r', NULL), MIF_CLI_EV_TOOLONG);
	mif_cli_edit_reset(&e);
	CHECK_EQ(type(&e, "ok\r", false), MIF_CLI_EV_LINE);
	CHECK_STR(e.line, "ok");
}

static void
test_history(void)
{
	static struct mif_cli_edit e;
	char l[16];
	int i;

	mif_cli_out_init(&echo, ebuf, sizeof(ebuf), false);
	mif_cli_edit_init(&e);
	mif_cli_edit_hist_add(&e, "one");
	mif_cli_edit_hist_add(&e, "two  ");
	mif_cli_edit_hist_add(&e, "two");	/* repeat: not stored */
	mif_cli_edit_hist_add(&e, "");
	CHECK_EQ(e.hist_n, 2);
	type(&e, "\x1b[A", true);
	CHECK_STR(e.line, "two");
	type(&e, "\x10", true);			/* ^P */
	CHECK_STR(e.line, "one");
	type(&e, "\x1b[A", true);		/* oldest: stays */
	CHECK_STR(e.line, "one");
	type(&e, "\x1b[B\x1b[B", true);
	CHECK_STR(e.line, "");
	/* The ring keeps the last MIF_CLI_HIST_LEN lines. */
	for (i = 0; i < MIF_CLI_HIST_LEN + 5; i++) {
		snprintf(l, sizeof(l), "cmd %d", i);
		mif_cli_edit_hist_add(&e, l);
	}
	CHECK_EQ(e.hist_n, MIF_CLI_HIST_LEN);
	for (i = 0; i < MIF_CLI_HIST_LEN + 3; i++)
		type(&e, "\x1b[A", true);
	snprintf(l, sizeof(l), "cmd %d", 5);
	CHECK_STR(e.line, l);
}

int
main(void)
{
	test_opening();
	test_client_agrees();
	test_refuse_once();
	test_flood_cutoff();
	test_data_bytes();
	test_subnegotiation();
	test_edit_basic();
	test_edit_overflow();
	test_history();
	CHECK_DONE();
}
