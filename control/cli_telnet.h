/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CLI_TELNET_H
#define MIF_CLI_TELNET_H

/** @file
 * The terminal side of a CLI session: a telnet decoder (RFC 854 commands,
 * RFC 857 ECHO and RFC 858 SUPPRESS-GO-AHEAD negotiation) and a line
 * editor with history. Both are plain state machines fed with bytes, so
 * unit tests and the fuzzer drive them without a socket.
 *
 * A client that answers DO ECHO (Debian's telnet) gets character mode:
 * the server echoes and edits. A client that never negotiates (nc) stays
 * in line mode: its terminal echoes and sends whole lines.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/cli_cmd.h"

#define MIF_TELNET_IAC		255
#define MIF_TELNET_DONT		254
#define MIF_TELNET_DO		253
#define MIF_TELNET_WONT		252
#define MIF_TELNET_WILL		251
#define MIF_TELNET_SB		250
#define MIF_TELNET_GA		249
#define MIF_TELNET_EL		248
#define MIF_TELNET_EC		247
#define MIF_TELNET_AYT		246
#define MIF_TELNET_AO		245
#define MIF_TELNET_IP		244
#define MIF_TELNET_BRK		243
#define MIF_TELNET_DM		242
#define MIF_TELNET_NOP		241
#define MIF_TELNET_SE		240

#define MIF_TELNET_OPT_ECHO	1
#define MIF_TELNET_OPT_SGA	3

#define MIF_TELNET_SB_MAX	64	/**< sub-negotiation bytes kept */
#define MIF_TELNET_NEG_MAX	512	/**< option commands before cut-off */

/** Per-option negotiation state, one side (ours or the peer's). */
enum mif_telnet_q {
	MIF_TELNET_Q_NO,
	MIF_TELNET_Q_YES,
	MIF_TELNET_Q_WANTYES,	/**< we asked, no answer yet */
};

struct mif_telnet_stats {
	uint64_t commands;	/**< IAC sequences seen */
	uint64_t negotiations;	/**< WILL/WONT/DO/DONT received */
	uint64_t replies;	/**< negotiation answers sent */
	uint64_t sb_truncated;	/**< sub-negotiations over SB_MAX */
};

struct mif_telnet {
	uint8_t state;
	uint8_t verb;			/* WILL/WONT/DO/DONT being read */
	uint8_t us[256];		/* enum mif_telnet_q, our side */
	uint8_t him[256];		/* enum mif_telnet_q, peer side */
	/* Refusals already sent; a peer repeating a request we refused
	 * gets no second answer (no loops, no amplification). */
	uint8_t refused_us[256 / 8];
	uint8_t refused_him[256 / 8];
	uint8_t sb[MIF_TELNET_SB_MAX];
	size_t sb_len;
	struct mif_telnet_stats st;
};

/** Bytes a decoder step produced. */
struct mif_telnet_io {
	uint8_t *data;		/**< user data, one byte per input at most */
	size_t n_data;
	size_t data_cap;
	struct mif_cli_out *reply;	/**< negotiation answers (raw) */
};

/** Reset @p t and queue the server's opening offer (WILL ECHO, WILL SGA,
 * DO SGA) to @p reply. */
void mif_telnet_init(struct mif_telnet *t, struct mif_cli_out *reply);

/**
 * Decode @p n bytes from the client. CR LF and CR NUL become one '\r';
 * a lone LF becomes '\n'; IAC IAC becomes byte 255; IAC EC, EL and IP
 * become 0x7f, ^U and ^C.
 * @return 0, or -EPROTO when the client sent more than
 *         MIF_TELNET_NEG_MAX negotiations (cut the session off).
 */
int mif_telnet_rx(struct mif_telnet *t, const uint8_t *in, size_t n,
		  struct mif_telnet_io *io);

/** True when the client let us echo: character mode. */
static inline bool
mif_telnet_char_mode(const struct mif_telnet *t)
{
	return t->us[MIF_TELNET_OPT_ECHO] == MIF_TELNET_Q_YES;
}

/* The line editor. */

#define MIF_CLI_HIST_LEN	16

enum mif_cli_edit_ev {
	MIF_CLI_EV_NONE,
	MIF_CLI_EV_LINE,	/**< line complete: in e->line */
	MIF_CLI_EV_HELP,	/**< '?' in character mode */
	MIF_CLI_EV_COMPLETE,	/**< TAB in character mode */
	MIF_CLI_EV_TOOLONG,	/**< line over MIF_CLI_LINE_MAX, dropped */
	MIF_CLI_EV_INTR,	/**< ^C: line dropped */
	MIF_CLI_EV_EOF,		/**< ^D on an empty line */
};

struct mif_cli_edit {
	char line[MIF_CLI_LINE_MAX + 1];
	size_t len;
	size_t pos;		/**< cursor, <= len */
	bool overflow;		/**< bytes were refused since the last EOL */
	uint8_t esc;		/* escape sequence state */
	uint8_t esc_n;		/* bytes in the sequence so far */
	uint8_t esc_param;	/* numeric parameter of ESC [ n ~ */
	char hist[MIF_CLI_HIST_LEN][MIF_CLI_LINE_MAX + 1];
	unsigned int hist_n;	/**< entries stored */
	unsigned int hist_head;	/**< next slot to write */
	unsigned int hist_pos;	/**< 0 = editing, k = k-th most recent */
};

void mif_cli_edit_init(struct mif_cli_edit *e);

/**
 * Feed one data byte. When @p echo is not NULL (character mode) the
 * editor echoes and redraws through it; otherwise it only collects.
 * @return the event, MIF_CLI_EV_NONE while the line is being typed.
 */
enum mif_cli_edit_ev mif_cli_edit_input(struct mif_cli_edit *e, uint8_t c,
					struct mif_cli_out *echo);

/** Clear the line after an event was handled. */
void mif_cli_edit_reset(struct mif_cli_edit *e);

/** Insert @p s at the cursor (TAB completion), echoing it. */
void mif_cli_edit_insert(struct mif_cli_edit *e, const char *s,
			 struct mif_cli_out *echo);

/** Remember @p line in the history (empty and repeated lines are not). */
void mif_cli_edit_hist_add(struct mif_cli_edit *e, const char *line);

/** Redraw "@p prompt + line" on a fresh line, cursor in place. */
void mif_cli_edit_redraw(const struct mif_cli_edit *e, const char *prompt,
			 struct mif_cli_out *echo);

#endif
