/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telnet decoding and line editing for CLI sessions. Everything here is
 * bounded: the decoder keeps at most MIF_TELNET_SB_MAX bytes of a
 * sub-negotiation, the editor at most MIF_CLI_LINE_MAX bytes of a line,
 * and neither allocates.
 */
#include <errno.h>
#include <string.h>

#include "control/cli_telnet.h"

enum {
	ST_DATA,
	ST_CR,		/* after CR: swallow one LF or NUL */
	ST_IAC,
	ST_OPT,		/* after WILL/WONT/DO/DONT */
	ST_SB,
	ST_SB_IAC,
};

static bool
bit_test_set(uint8_t *bits, uint8_t opt)
{
	bool was = bits[opt / 8] & (1u << (opt % 8));

	bits[opt / 8] |= 1u << (opt % 8);
	return was;
}

static void
send_cmd(struct mif_telnet *t, struct mif_cli_out *reply, uint8_t verb,
	 uint8_t opt)
{
	const uint8_t cmd[3] = { MIF_TELNET_IAC, verb, opt };

	mif_cli_write_raw(reply, cmd, sizeof(cmd));
	t->st.replies++;
}

void
mif_telnet_init(struct mif_telnet *t, struct mif_cli_out *reply)
{
	memset(t, 0, sizeof(*t));
	t->state = ST_DATA;
	/* RFC 857/858: a server that echoes and suppresses go-ahead puts
	 * the client in character-at-a-time mode. */
	t->us[MIF_TELNET_OPT_ECHO] = MIF_TELNET_Q_WANTYES;
	t->us[MIF_TELNET_OPT_SGA] = MIF_TELNET_Q_WANTYES;
	t->him[MIF_TELNET_OPT_SGA] = MIF_TELNET_Q_WANTYES;
	send_cmd(t, reply, MIF_TELNET_WILL, MIF_TELNET_OPT_ECHO);
	send_cmd(t, reply, MIF_TELNET_WILL, MIF_TELNET_OPT_SGA);
	send_cmd(t, reply, MIF_TELNET_DO, MIF_TELNET_OPT_SGA);
	t->st.replies = 0;
}

static bool
us_supported(uint8_t opt)
{
	return opt == MIF_TELNET_OPT_ECHO || opt == MIF_TELNET_OPT_SGA;
}

/*
 * One option command from the peer. The answers follow RFC 854's rule
 * against loops: acknowledge only a change of state, never a request for
 * the state already in force. Refusals of unsupported options are sent
 * once per option, so a flood of the same request costs one answer.
 */
static void
negotiate(struct mif_telnet *t, uint8_t verb, uint8_t opt,
	  struct mif_cli_out *reply)
{
	bool peer_side = verb == MIF_TELNET_WILL || verb == MIF_TELNET_WONT;
	bool enable = verb == MIF_TELNET_WILL || verb == MIF_TELNET_DO;
	uint8_t *q = peer_side ? &t->him[opt] : &t->us[opt];
	uint8_t *refused = peer_side ? t->refused_him : t->refused_us;
	bool ok = peer_side ? opt == MIF_TELNET_OPT_SGA : us_supported(opt);
	uint8_t yes = peer_side ? MIF_TELNET_DO : MIF_TELNET_WILL;
	uint8_t no = peer_side ? MIF_TELNET_DONT : MIF_TELNET_WONT;

	if (enable) {
		if (*q == MIF_TELNET_Q_WANTYES) {
			*q = MIF_TELNET_Q_YES;
		} else if (*q == MIF_TELNET_Q_NO) {
			if (ok) {
				*q = MIF_TELNET_Q_YES;
				send_cmd(t, reply, yes, opt);
			} else if (!bit_test_set(refused, opt)) {
				send_cmd(t, reply, no, opt);
			}
		}
		return;
	}
	if (*q == MIF_TELNET_Q_YES)
		send_cmd(t, reply, no, opt);
	*q = MIF_TELNET_Q_NO;
}

static void
put_data(struct mif_telnet_io *io, uint8_t c)
{
	if (io->n_data < io->data_cap)
		io->data[io->n_data++] = c;
}

/* The byte after IAC outside a sub-negotiation. */
static void
rx_command(struct mif_telnet *t, uint8_t c, struct mif_telnet_io *io)
{
	t->st.commands++;
	t->state = ST_DATA;
	switch (c) {
	case MIF_TELNET_IAC:
		put_data(io, 0xff);
		break;
	case MIF_TELNET_WILL:
	case MIF_TELNET_WONT:
	case MIF_TELNET_DO:
	case MIF_TELNET_DONT:
		t->verb = c;
		t->state = ST_OPT;
		break;
	case MIF_TELNET_SB:
		t->sb_len = 0;
		t->state = ST_SB;
		break;
	case MIF_TELNET_EC:
		put_data(io, 0x7f);
		break;
	case MIF_TELNET_EL:
		put_data(io, 0x15);
		break;
	case MIF_TELNET_IP:
		put_data(io, 0x03);
		break;
	case MIF_TELNET_AYT:
		mif_cli_write_raw(io->reply, "\r\n[yes]\r\n", 9);
		break;
	default:
		/* NOP, DM, BRK, AO, GA, SE out of place, or unassigned:
		 * nothing to do for a command line. */
		break;
	}
}

static void
rx_sb(struct mif_telnet *t, uint8_t c)
{
	if (t->sb_len < sizeof(t->sb))
		t->sb[t->sb_len++] = c;
	else if (t->sb_len++ == sizeof(t->sb))
		t->st.sb_truncated++;	/* once per sub-negotiation */
}

int
mif_telnet_rx(struct mif_telnet *t, const uint8_t *in, size_t n,
	      struct mif_telnet_io *io)
{
	size_t i;
	uint8_t c;

	for (i = 0; i < n; i++) {
		c = in[i];
		switch (t->state) {
		case ST_CR:
			t->state = ST_DATA;
			if (c == '\n' || c == '\0')
				break;
			/* fall through */
		case ST_DATA:
			if (c == MIF_TELNET_IAC) {
				t->state = ST_IAC;
			} else if (c == '\r') {
				put_data(io, '\r');
				t->state = ST_CR;
			} else if (c != '\0') {
				put_data(io, c);
			}
			break;
		case ST_IAC:
			rx_command(t, c, io);
			break;
		case ST_OPT:
			t->state = ST_DATA;
			if (++t->st.negotiations > MIF_TELNET_NEG_MAX)
				return -EPROTO;
			negotiate(t, t->verb, c, io->reply);
			break;
		case ST_SB:
			if (c == MIF_TELNET_IAC)
				t->state = ST_SB_IAC;
			else
				rx_sb(t, c);
			break;
		case ST_SB_IAC:
			/* The options we accept have no sub-negotiation, so
			 * a finished one is dropped. IAC IAC is a data 255;
			 * any other command ends the SB early. */
			if (c == MIF_TELNET_IAC) {
				rx_sb(t, c);
				t->state = ST_SB;
			} else if (c == MIF_TELNET_SE) {
				t->state = ST_DATA;
			} else {
				rx_command(t, c, io);
			}
			break;
		}
	}
	return 0;
}

/* Line editor. */

enum { ESC_NONE, ESC_START, ESC_CSI };

#define CTRL(c) ((c) & 0x1f)

void
mif_cli_edit_init(struct mif_cli_edit *e)
{
	memset(e, 0, sizeof(*e));
}

void
mif_cli_edit_reset(struct mif_cli_edit *e)
{
	e->len = e->pos = 0;
	e->line[0] = '\0';
	e->overflow = false;
	e->esc = ESC_NONE;
	e->hist_pos = 0;
}

static void
echo_rep(struct mif_cli_out *echo, char c, size_t n)
{
	while (n-- > 0)
		mif_cli_write_raw(echo, &c, 1);
}

/* Redraw from the cursor to the end, blank @gone cells, put the cursor
 * back where it was. */
static void
echo_tail(const struct mif_cli_edit *e, size_t gone, struct mif_cli_out *echo)
{
	if (echo == NULL)
		return;
	mif_cli_write_raw(echo, e->line + e->pos, e->len - e->pos);
	echo_rep(echo, ' ', gone);
	echo_rep(echo, '\b', e->len - e->pos + gone);
}

void
mif_cli_edit_insert(struct mif_cli_edit *e, const char *s,
		    struct mif_cli_out *echo)
{
	size_t n = strlen(s);

	if (n > MIF_CLI_LINE_MAX - e->len) {
		if (echo != NULL)
			mif_cli_write_raw(echo, "\a", 1);
		e->overflow = true;
		return;
	}
	memmove(e->line + e->pos + n, e->line + e->pos, e->len - e->pos);
	memcpy(e->line + e->pos, s, n);
	e->len += n;
	e->line[e->len] = '\0';
	if (echo != NULL)
		mif_cli_write_raw(echo, e->line + e->pos, n);
	e->pos += n;
	echo_tail(e, 0, echo);
}

/* Delete @n bytes before the cursor. */
static void
delete_back(struct mif_cli_edit *e, size_t n, struct mif_cli_out *echo)
{
	if (n > e->pos)
		n = e->pos;
	if (n == 0)
		return;
	memmove(e->line + e->pos - n, e->line + e->pos, e->len - e->pos);
	e->pos -= n;
	e->len -= n;
	e->line[e->len] = '\0';
	if (echo != NULL)
		echo_rep(echo, '\b', n);
	echo_tail(e, n, echo);
}

static void
move_to(struct mif_cli_edit *e, size_t pos, struct mif_cli_out *echo)
{
	if (echo != NULL) {
		if (pos < e->pos)
			echo_rep(echo, '\b', e->pos - pos);
		else
			mif_cli_write_raw(echo, e->line + e->pos, pos - e->pos);
	}
	e->pos = pos;
}

static void
replace_line(struct mif_cli_edit *e, const char *s, struct mif_cli_out *echo)
{
	size_t old = e->len;

	move_to(e, 0, echo);
	e->len = strlen(s);
	memcpy(e->line, s, e->len + 1);
	e->pos = e->len;
	if (echo == NULL)
		return;
	mif_cli_write_raw(echo, e->line, e->len);
	if (old > e->len) {
		echo_rep(echo, ' ', old - e->len);
		echo_rep(echo, '\b', old - e->len);
	}
}

void
mif_cli_edit_hist_add(struct mif_cli_edit *e, const char *line)
{
	unsigned int last = (e->hist_head + MIF_CLI_HIST_LEN - 1) %
		MIF_CLI_HIST_LEN;

	size_t n = strlen(line);

	/* Stored without trailing blanks, so "show x " and "show x" are
	 * one entry. */
	while (n > 0 && line[n - 1] == ' ')
		n--;
	if (n == 0 || n > MIF_CLI_LINE_MAX)
		return;
	if (e->hist_n > 0 && strncmp(e->hist[last], line, n) == 0 &&
	    e->hist[last][n] == '\0')
		return;
	memcpy(e->hist[e->hist_head], line, n);
	e->hist[e->hist_head][n] = '\0';
	e->hist_head = (e->hist_head + 1) % MIF_CLI_HIST_LEN;
	if (e->hist_n < MIF_CLI_HIST_LEN)
		e->hist_n++;
}

/* @dir +1 = older (up), -1 = newer (down). */
static void
hist_move(struct mif_cli_edit *e, int dir, struct mif_cli_out *echo)
{
	unsigned int slot;

	if (dir > 0 && e->hist_pos >= e->hist_n)
		return;
	if (dir < 0 && e->hist_pos == 0)
		return;
	e->hist_pos += dir;
	if (e->hist_pos == 0) {
		replace_line(e, "", echo);
		return;
	}
	slot = (e->hist_head + MIF_CLI_HIST_LEN - e->hist_pos) %
		MIF_CLI_HIST_LEN;
	replace_line(e, e->hist[slot], echo);
}

static void
delete_word(struct mif_cli_edit *e, struct mif_cli_out *echo)
{
	size_t p = e->pos;

	while (p > 0 && e->line[p - 1] == ' ')
		p--;
	while (p > 0 && e->line[p - 1] != ' ')
		p--;
	delete_back(e, e->pos - p, echo);
}

/* ESC [ ... final byte: arrows, Home/End, Delete. Unknown sequences
 * are dropped; a byte that cannot belong to one ends the sequence and is
 * handled as usual (@return false). */
static bool
edit_escape(struct mif_cli_edit *e, uint8_t c, struct mif_cli_out *echo)
{
	if (e->esc == ESC_START) {
		e->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
		e->esc_n = 0;
		e->esc_param = 0;
		return e->esc == ESC_CSI;
	}
	/* ECMA-48: parameter bytes 0x30-0x3f, intermediates 0x20-0x2f,
	 * then one final byte 0x40-0x7e. */
	if (c >= 0x20 && c <= 0x3f) {
		if (c >= '0' && c <= '9')
			e->esc_param = (uint8_t)(e->esc_param * 10 + (c - '0'));
		if (++e->esc_n > 8)
			e->esc = ESC_NONE;
		return true;
	}
	e->esc = ESC_NONE;
	if (c < 0x40 || c > 0x7e)
		return false;
	if (c == 'A')
		hist_move(e, 1, echo);
	else if (c == 'B')
		hist_move(e, -1, echo);
	else if (c == 'C' && e->pos < e->len)
		move_to(e, e->pos + 1, echo);
	else if (c == 'D' && e->pos > 0)
		move_to(e, e->pos - 1, echo);
	else if (c == 'H' || (c == '~' && (e->esc_param == 1 ||
					   e->esc_param == 7)))
		move_to(e, 0, echo);
	else if (c == 'F' || (c == '~' && (e->esc_param == 4 ||
					   e->esc_param == 8)))
		move_to(e, e->len, echo);
	else if (c == '~' && e->esc_param == 3 && e->pos < e->len) {
		move_to(e, e->pos + 1, echo);
		delete_back(e, 1, echo);
	}
	return true;
}

static enum mif_cli_edit_ev
edit_control(struct mif_cli_edit *e, uint8_t c, struct mif_cli_out *echo)
{
	switch (c) {
	case '\r':
	case '\n':
		e->line[e->len] = '\0';
		return e->overflow ? MIF_CLI_EV_TOOLONG : MIF_CLI_EV_LINE;
	case 0x7f:
	case '\b':
		delete_back(e, 1, echo);
		break;
	case CTRL('U'):
		move_to(e, e->len, echo);
		delete_back(e, e->len, echo);
		break;
	case CTRL('W'):
		delete_word(e, echo);
		break;
	case CTRL('A'):
		move_to(e, 0, echo);
		break;
	case CTRL('E'):
		move_to(e, e->len, echo);
		break;
	case CTRL('B'):
		if (e->pos > 0)
			move_to(e, e->pos - 1, echo);
		break;
	case CTRL('F'):
		if (e->pos < e->len)
			move_to(e, e->pos + 1, echo);
		break;
	case CTRL('P'):
		hist_move(e, 1, echo);
		break;
	case CTRL('N'):
		hist_move(e, -1, echo);
		break;
	case CTRL('C'):
		return MIF_CLI_EV_INTR;
	case CTRL('D'):
		if (e->len == 0)
			return MIF_CLI_EV_EOF;
		break;
	case 0x1b:
		e->esc = ESC_START;
		break;
	default:
		break;	/* other control bytes are ignored */
	}
	return MIF_CLI_EV_NONE;
}

enum mif_cli_edit_ev
mif_cli_edit_input(struct mif_cli_edit *e, uint8_t c, struct mif_cli_out *echo)
{
	char s[2] = { (char)c, '\0' };

	if (e->esc != ESC_NONE && edit_escape(e, c, echo))
		return MIF_CLI_EV_NONE;
	if (c == '\t') {
		if (echo != NULL)
			return MIF_CLI_EV_COMPLETE;
		c = ' ';
		s[0] = ' ';
	}
	if (c == '?' && echo != NULL)
		return MIF_CLI_EV_HELP;
	if (c >= 0x80)
		return MIF_CLI_EV_NONE;	/* commands are ASCII */
	if (c < 0x20 || c == 0x7f)
		return edit_control(e, c, echo);
	if (e->overflow)
		return MIF_CLI_EV_NONE;	/* already refused; no more bells */
	mif_cli_edit_insert(e, s, echo);
	return MIF_CLI_EV_NONE;
}

void
mif_cli_edit_redraw(const struct mif_cli_edit *e, const char *prompt,
		    struct mif_cli_out *echo)
{
	mif_cli_write_raw(echo, prompt, strlen(prompt));
	mif_cli_write_raw(echo, e->line, e->len);
	echo_rep(echo, '\b', e->len - e->pos);
}
