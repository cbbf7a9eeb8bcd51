/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CLI_CMD_H
#define MIF_CLI_CMD_H

/** @file
 * The CLI grammar: one registry of commands, each a sequence of tokens,
 * used for parsing, `?` help and TAB completion. Output helpers for
 * aligned tables and human-readable counters.
 *
 * A command is declared by a syntax string, one token per word:
 *
 *     "show log <count:uint:1-1000>"
 *     "set log level {*|main|cfg|dp|ctl|esp|ike|cli} {err|warning|info}"
 *     "route add <dst:prefix> via <gw:ipaddr>"
 *
 * - a bare word is a keyword; users may abbreviate it to any unique prefix
 * - {a|b|c} is one keyword out of a list (prefixes accepted, completed)
 * - <name:word> any word up to MIF_CLI_WORD_MAX bytes
 * - <name:uint> or <name:uint:MIN-MAX> a decimal unsigned integer
 * - <name:ipaddr> an IPv4 or IPv6 address
 * - <name:prefix> an IPv4 or IPv6 prefix, host bits clear
 *
 * The registry is process-wide and used only from the control thread.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define MIF_CLI_LINE_MAX	1024	/**< bytes in one command line */
#define MIF_CLI_MAX_TOKS	16	/**< tokens in one command */
#define MIF_CLI_MAX_WORDS	32	/**< words accepted in one line */
#define MIF_CLI_WORD_MAX	127	/**< bytes in one <word> argument */
#define MIF_CLI_MAX_CMDS	256	/**< commands in the registry */

/** Handler return value asking the session to close after the output. */
#define MIF_CLI_RC_QUIT		1

enum mif_cli_tok_type {
	MIF_CLI_TOK_KEYWORD,
	MIF_CLI_TOK_CHOICE,
	MIF_CLI_TOK_WORD,
	MIF_CLI_TOK_UINT,
	MIF_CLI_TOK_IPADDR,
	MIF_CLI_TOK_PREFIX,
};

/**
 * Output of a command: a bounded buffer. Writes past the capacity are
 * dropped and @c truncated is set; "\n" becomes "\r\n" and byte 255 is
 * doubled when @c telnet is set, as the network virtual terminal needs.
 */
struct mif_cli_out {
	char *buf;
	size_t head;		/**< first byte not yet sent */
	size_t len;		/**< end of the data */
	size_t cap;
	bool truncated;
	bool telnet;
};

/** One parsed word, in the order of the command's tokens. */
struct mif_cli_arg {
	enum mif_cli_tok_type type;
	const char *str;	/**< the word; for keywords and choices the full name */
	uint64_t u;		/**< MIF_CLI_TOK_UINT */
	struct mif_addr addr;	/**< MIF_CLI_TOK_IPADDR */
	struct mif_prefix prefix; /**< MIF_CLI_TOK_PREFIX */
};

struct mif_cli;

/** What a handler gets. */
struct mif_cli_exec {
	struct mif_cli *cli;		/**< the server, NULL outside one */
	struct mif_cli_out *out;
	const struct mif_cli_arg *argv;	/**< one per token, keywords included */
	unsigned int argc;
	void *ctx;			/**< mif_cli_conf.ctx */
	void *priv;			/**< mif_cli_cmd.priv */
};

/**
 * A command handler. Prints its result through mif_cli_printf().
 * @return 0, -errno (a "% error" line is added when nothing was printed)
 *         or MIF_CLI_RC_QUIT.
 */
typedef int (*mif_cli_handler_t)(struct mif_cli_exec *x);

/** A command declaration; must outlive the registry (static tables). */
struct mif_cli_cmd {
	const char *syntax;
	/** Help per token; NULL lets another command sharing the prefix
	 * give it (so "show" is described once). */
	const char *help[MIF_CLI_MAX_TOKS];
	mif_cli_handler_t fn;
	void *priv;
};

/**
 * Add a command to the registry.
 * @return 0, -EINVAL (bad syntax, logged), -EEXIST (same syntax already
 *         there) or -ENOSPC.
 */
int mif_cli_cmd_register(const struct mif_cli_cmd *cmd);

/** Register @p n commands; stops at and returns the first error. */
int mif_cli_cmd_register_table(const struct mif_cli_cmd *cmds, size_t n);

/** Empty the registry (tests and shutdown). */
void mif_cli_cmd_registry_clear(void);

/**
 * Parse and run one line. Empty lines do nothing. Parse errors are
 * printed to @p out as "% ..." lines.
 * @return the handler's return value, 0 for an empty line, or -EINVAL
 *         for a line that matched no command.
 */
int mif_cli_cmd_exec(const char *line, struct mif_cli_out *out, void *ctx,
		     struct mif_cli *cli);

/**
 * Parse only: find the command @p line selects, as exec would.
 * @return 0 and the command's syntax in @p *syntax, or -EINVAL
 *         (the error message goes to @p out when not NULL).
 */
int mif_cli_cmd_parse(const char *line, struct mif_cli_out *out,
		      const char **syntax);

/**
 * `?`: list what may come at the position ending @p line (which holds
 * what precedes the question mark), one line per token with its help.
 */
void mif_cli_cmd_help(const char *line, struct mif_cli_out *out);

/**
 * TAB: complete the last word of @p line. The text to append goes to
 * @p ext (possibly empty); when several words fit and none can be
 * extended, they are listed to @p out.
 * @return number of bytes in @p ext.
 */
size_t mif_cli_cmd_complete(const char *line, char *ext, size_t extlen,
			    struct mif_cli_out *out);

/* Output. */

/** Initialise @p out over @p buf of @p cap bytes. */
void mif_cli_out_init(struct mif_cli_out *out, char *buf, size_t cap,
		      bool telnet);

/** Bytes waiting in @p out. */
static inline size_t
mif_cli_out_pending(const struct mif_cli_out *out)
{
	return out->len - out->head;
}

/** True once output was dropped: a long-running handler loop may stop. */
static inline bool
mif_cli_out_full(const struct mif_cli_out *out)
{
	return out->truncated;
}

/** Mark @p n bytes as sent; resets the buffer once it is empty. */
void mif_cli_out_consume(struct mif_cli_out *out, size_t n);

/** Append text (newline and IAC translated). */
void mif_cli_write(struct mif_cli_out *out, const char *s, size_t n);

/** Append raw bytes: telnet commands and terminal control, untranslated. */
void mif_cli_write_raw(struct mif_cli_out *out, const void *p, size_t n);

void mif_cli_printf(struct mif_cli_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void mif_cli_vprintf(struct mif_cli_out *out, const char *fmt, va_list ap);

/** "1234" -> "1234", 1234567 -> "1.2M", up to "E". Returns @p buf. */
const char *mif_cli_fmt_count(uint64_t v, char *buf, size_t len);

/** Bytes: 1536 -> "1.5 KB", 3.4e9 -> "3.4 GB" (decimal units). */
const char *mif_cli_fmt_bytes(uint64_t v, char *buf, size_t len);

#define MIF_CLI_TABLE_COLS	12
#define MIF_CLI_CELL_MAX	64

/**
 * An aligned table: add the header and rows, then print. Cells are
 * copied (and cut at MIF_CLI_CELL_MAX - 1 bytes); rows are kept in a
 * growing array freed by mif_cli_table_print().
 */
struct mif_cli_table {
	unsigned int n_cols;
	unsigned int n_rows;
	unsigned int cap_rows;
	bool right[MIF_CLI_TABLE_COLS];	/**< right-align (numbers) */
	char (*cells)[MIF_CLI_TABLE_COLS][MIF_CLI_CELL_MAX];
	bool failed;			/**< a row could not be stored */
};

/** Start a table; @p header holds @p n_cols names; a name starting with
 * '>' marks a right-aligned column (the '>' is not printed). */
int mif_cli_table_init(struct mif_cli_table *t, unsigned int n_cols,
		       const char *const *header);

/** Add a row of n_cols cells (NULL prints "-"). @return 0 or -ENOMEM. */
int mif_cli_table_row(struct mif_cli_table *t, const char *const *cells);

/** Print the table with two spaces between columns and free it. */
void mif_cli_table_print(struct mif_cli_table *t, struct mif_cli_out *out);

/* Command sets shipped with the CLI, registered by mif_cli_create(). */
int mif_cli_cmds_sys_register(void);
int mif_cli_cmds_log_register(void);
int mif_cli_cmds_dp_register(void);

#endif
