/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI grammar. Each registered command is compiled once from its
 * syntax string into tokens; a line is split into words, and the words
 * narrow the set of candidate commands position by position. Parsing,
 * `?` help and TAB completion all use that same narrowing, so what help
 * offers is exactly what the parser accepts.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "common/log.h"
#include "control/cli_cmd.h"

struct tok {
	enum mif_cli_tok_type type;
	char *name;		/* keyword, "a|b|c" or the argument name */
	const char *help;
	uint64_t min, max;	/* MIF_CLI_TOK_UINT */
};

struct cmd_ent {
	const struct mif_cli_cmd *cmd;
	struct tok toks[MIF_CLI_MAX_TOKS];
	unsigned int n_toks;
};

static struct cmd_ent *registry[MIF_CLI_MAX_CMDS];
static unsigned int n_registry;

/* How well a word fits a token; higher wins at a position. */
enum fit {
	FIT_NO,
	FIT_ARG,	/* a typed argument parsed */
	FIT_PREFIX,	/* abbreviation of a keyword */
	FIT_EXACT,	/* the whole keyword */
};

struct words {
	char *w[MIF_CLI_MAX_WORDS];
	unsigned int n;
	bool trailing_space;	/* the line ends after a separator */
	char store[MIF_CLI_LINE_MAX + 1];
};

static void
ent_free(struct cmd_ent *e)
{
	unsigned int i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n_toks; i++)
		free(e->toks[i].name);
	free(e);
}

static int
parse_range(const char *s, struct tok *t)
{
	char *end;

	t->min = 0;
	t->max = UINT64_MAX;
	if (s == NULL)
		return 0;
	errno = 0;
	t->min = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '-')
		return -EINVAL;
	s = end + 1;
	t->max = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || t->max < t->min)
		return -EINVAL;
	return 0;
}

/* "<name:type[:range]>" into @t; @s is modified. */
static int
compile_arg(char *s, struct tok *t)
{
	char *type, *range;
	size_t n = strlen(s);

	if (n < 3 || s[n - 1] != '>')
		return -EINVAL;
	s[n - 1] = '\0';
	s++;
	type = strchr(s, ':');
	if (type == NULL || type == s)
		return -EINVAL;
	*type++ = '\0';
	range = strchr(type, ':');
	if (range != NULL)
		*range++ = '\0';

	if (strcmp(type, "word") == 0)
		t->type = MIF_CLI_TOK_WORD;
	else if (strcmp(type, "uint") == 0)
		t->type = MIF_CLI_TOK_UINT;
	else if (strcmp(type, "ipaddr") == 0)
		t->type = MIF_CLI_TOK_IPADDR;
	else if (strcmp(type, "prefix") == 0)
		t->type = MIF_CLI_TOK_PREFIX;
	else
		return -EINVAL;
	if (range != NULL && t->type != MIF_CLI_TOK_UINT)
		return -EINVAL;
	if (parse_range(range, t) != 0)
		return -EINVAL;
	t->name = strdup(s);
	return t->name == NULL ? -ENOMEM : 0;
}

static int
compile_tok(char *s, struct tok *t)
{
	size_t n = strlen(s);

	if (s[0] == '<')
		return compile_arg(s, t);
	if (s[0] == '{') {
		if (n < 3 || s[n - 1] != '}' || strstr(s, "||") != NULL ||
		    s[1] == '|' || s[n - 2] == '|')
			return -EINVAL;
		t->type = MIF_CLI_TOK_CHOICE;
		t->name = strndup(s + 1, n - 2);
		return t->name == NULL ? -ENOMEM : 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]) || strchr("<>{}|?", s[i]))
			return -EINVAL;
	t->type = MIF_CLI_TOK_KEYWORD;
	t->name = strdup(s);
	return t->name == NULL ? -ENOMEM : 0;
}

static int
compile(const struct mif_cli_cmd *cmd, struct cmd_ent *e)
{
	char buf[MIF_CLI_LINE_MAX + 1], *save = NULL, *w;
	int rc;

	if (cmd->syntax == NULL || cmd->fn == NULL ||
	    strlen(cmd->syntax) > MIF_CLI_LINE_MAX)
		return -EINVAL;
	strcpy(buf, cmd->syntax);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (e->n_toks == MIF_CLI_MAX_TOKS)
			return -EINVAL;
		rc = compile_tok(w, &e->toks[e->n_toks]);
		if (rc != 0)
			return rc;
		e->toks[e->n_toks].help = cmd->help[e->n_toks];
		e->n_toks++;
	}
	/* A command must start with a keyword so help has a first word. */
	if (e->n_toks == 0 || e->toks[0].type != MIF_CLI_TOK_KEYWORD)
		return -EINVAL;
	return 0;
}

int
mif_cli_cmd_register(const struct mif_cli_cmd *cmd)
{
	struct cmd_ent *e;
	unsigned int i;
	int rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->cmd = cmd;
	rc = compile(cmd, e);
	if (rc != 0) {
		MIF_LOG(cli, ERR, "command \"%s\": bad syntax string",
			cmd->syntax != NULL ? cmd->syntax : "(null)");
		goto out;
	}
	for (i = 0; i < n_registry; i++) {
		if (strcmp(registry[i]->cmd->syntax, cmd->syntax) == 0) {
			rc = -EEXIST;
			goto out;
		}
	}
	if (n_registry == MIF_CLI_MAX_CMDS) {
		MIF_LOG(cli, ERR, "command \"%s\": registry full (%u)",
			cmd->syntax, MIF_CLI_MAX_CMDS);
		rc = -ENOSPC;
		goto out;
	}
	registry[n_registry++] = e;
	return 0;
out:
	ent_free(e);
	return rc;
}

int
mif_cli_cmd_register_table(const struct mif_cli_cmd *cmds, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = mif_cli_cmd_register(&cmds[i])) != 0)
			return rc;
	return 0;
}

void
mif_cli_cmd_registry_clear(void)
{
	unsigned int i;

	for (i = 0; i < n_registry; i++)
		ent_free(registry[i]);
	n_registry = 0;
}

/* Split @line into words; control characters count as separators. */
static int
split(const char *line, struct words *ws)
{
	size_t n = strlen(line), i;
	char *p;

	ws->n = 0;
	ws->trailing_space = n == 0 || (unsigned char)line[n - 1] <= ' ';
	if (n > MIF_CLI_LINE_MAX)
		return -E2BIG;
	memcpy(ws->store, line, n + 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)ws->store[i] <= ' ')
			ws->store[i] = '\0';
	for (i = 0; i < n; i++) {
		p = &ws->store[i];
		if (*p == '\0' || (i > 0 && p[-1] != '\0'))
			continue;
		if (ws->n == MIF_CLI_MAX_WORDS)
			return -E2BIG;
		ws->w[ws->n++] = p;
	}
	return 0;
}

/* Which alternative of "a|b|c" @word selects; FIT_NO when none or
 * when an abbreviation is ambiguous. */
static enum fit
fit_choice(const char *alts, const char *word, const char **start,
	   size_t *len)
{
	size_t wl = strlen(word), n_prefix = 0;
	const char *p = alts, *bar;

	while (*p != '\0') {
		bar = strchr(p, '|');
		size_t al = bar != NULL ? (size_t)(bar - p) : strlen(p);

		if (wl == al && memcmp(p, word, wl) == 0) {
			*start = p;
			*len = al;
			return FIT_EXACT;
		}
		if (wl < al && memcmp(p, word, wl) == 0) {
			if (n_prefix++ == 0) {
				*start = p;
				*len = al;
			}
		}
		p += al + (bar != NULL);
	}
	return n_prefix == 1 ? FIT_PREFIX : FIT_NO;
}

static int
parse_uint(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

/* Match @word against @t; fills @arg when given. */
static enum fit
fit_tok(const struct tok *t, const char *word, struct mif_cli_arg *arg)
{
	struct mif_cli_arg tmp;
	const char *alt = NULL;
	size_t wl = strlen(word), al = 0;
	enum fit f;

	if (arg == NULL)
		arg = &tmp;
	memset(arg, 0, sizeof(*arg));
	arg->type = t->type;
	arg->str = word;
	switch (t->type) {
	case MIF_CLI_TOK_KEYWORD:
		if (strncmp(t->name, word, wl) != 0)
			return FIT_NO;
		arg->str = t->name;
		return t->name[wl] == '\0' ? FIT_EXACT : FIT_PREFIX;
	case MIF_CLI_TOK_CHOICE:
		f = fit_choice(t->name, word, &alt, &al);
		if (f != FIT_NO)
			arg->str = alt;	/* caller copies al bytes */
		arg->u = f != FIT_NO ? al : 0;
		return f;
	case MIF_CLI_TOK_WORD:
		return wl <= MIF_CLI_WORD_MAX ? FIT_ARG : FIT_NO;
	case MIF_CLI_TOK_UINT:
		if (parse_uint(word, &arg->u) != 0 ||
		    arg->u < t->min || arg->u > t->max)
			return FIT_NO;
		return FIT_ARG;
	case MIF_CLI_TOK_IPADDR:
		return mif_addr_parse(word, &arg->addr) == 0 ? FIT_ARG : FIT_NO;
	case MIF_CLI_TOK_PREFIX:
		return mif_prefix_parse(word, &arg->prefix, false, false) == 0 ?
			FIT_ARG : FIT_NO;
	}
	return FIT_NO;
}

/* The name a token shows in help and error messages. */
static void
tok_label(const struct tok *t, char *buf, size_t len)
{
	static const char *const type_names[] = {
		[MIF_CLI_TOK_WORD] = "word",
		[MIF_CLI_TOK_UINT] = "uint",
		[MIF_CLI_TOK_IPADDR] = "ipaddr",
		[MIF_CLI_TOK_PREFIX] = "prefix",
	};

	if (t->type == MIF_CLI_TOK_KEYWORD || t->type == MIF_CLI_TOK_CHOICE)
		snprintf(buf, len, "%s", t->name);
	else if (t->type == MIF_CLI_TOK_UINT && (t->min != 0 ||
						 t->max != UINT64_MAX))
		snprintf(buf, len, "<%s %" PRIu64 "-%" PRIu64 ">", t->name,
			 t->min, t->max);
	else
		snprintf(buf, len, "<%s:%s>", t->name, type_names[t->type]);
}

/* Keyword text a token contributes at a position, for ambiguity checks. */
static bool
same_keyword(const struct mif_cli_arg *a, const struct mif_cli_arg *b)
{
	size_t la = a->type == MIF_CLI_TOK_CHOICE ? a->u : strlen(a->str);
	size_t lb = b->type == MIF_CLI_TOK_CHOICE ? b->u : strlen(b->str);

	return la == lb && memcmp(a->str, b->str, la) == 0;
}

struct narrow {
	bool alive[MIF_CLI_MAX_CMDS];
	unsigned int n_alive;
	unsigned int bad_pos;		/* position that failed */
	bool ambiguous;
	char amb[128];			/* the keywords it could mean */
};

static void
amb_add(struct narrow *nw, const struct mif_cli_arg *a)
{
	size_t l = a->type == MIF_CLI_TOK_CHOICE ? a->u : strlen(a->str);
	size_t used = strlen(nw->amb);

	snprintf(nw->amb + used, sizeof(nw->amb) - used, "%s%.*s",
		 used > 0 ? ", " : "", (int)l, a->str);
}

static void
report_no_match(const struct words *ws, const struct narrow *nw,
		struct mif_cli_out *out)
{
	if (out == NULL)
		return;
	if (nw->ambiguous)
		mif_cli_printf(out, "%% ambiguous command at '%s': %s\n",
			       ws->w[nw->bad_pos], nw->amb);
	else if (nw->bad_pos == 0)
		mif_cli_printf(out, "%% unknown command '%s'\n", ws->w[0]);
	else
		mif_cli_printf(out, "%% invalid input at '%s' (word %u); "
			       "type '?' for help\n", ws->w[nw->bad_pos],
			       nw->bad_pos + 1);
}

/*
 * Keep the candidates that accept word @pos. The best fit at a position
 * wins: a whole keyword beats an abbreviation, which beats a typed
 * argument, so "show log" never reads "log" as a <word>. Two different
 * keywords matched only by abbreviation make the word ambiguous.
 */
static int
narrow_pos(struct narrow *nw, const struct words *ws, unsigned int pos)
{
	enum fit fits[MIF_CLI_MAX_CMDS], best = FIT_NO;
	struct mif_cli_arg args[MIF_CLI_MAX_CMDS];
	const struct mif_cli_arg *first = NULL;
	unsigned int i, j;

	for (i = 0; i < n_registry; i++) {
		fits[i] = FIT_NO;
		if (!nw->alive[i] || registry[i]->n_toks <= pos)
			continue;
		fits[i] = fit_tok(&registry[i]->toks[pos], ws->w[pos],
				  &args[i]);
		if (fits[i] > best)
			best = fits[i];
	}
	nw->n_alive = 0;
	for (i = 0; i < n_registry; i++) {
		nw->alive[i] = fits[i] == best && best != FIT_NO;
		if (!nw->alive[i])
			continue;
		nw->n_alive++;
		if (best != FIT_PREFIX)
			continue;
		for (j = 0; j < i; j++)
			if (nw->alive[j] && same_keyword(&args[j], &args[i]))
				break;
		if (j == i)
			amb_add(nw, &args[i]);
		if (first == NULL)
			first = &args[i];
		else if (!same_keyword(first, &args[i]))
			nw->ambiguous = true;
	}
	if (nw->n_alive == 0 || nw->ambiguous) {
		nw->bad_pos = pos;
		return -EINVAL;
	}
	return 0;
}

static int
narrow(struct narrow *nw, const struct words *ws, unsigned int n_words)
{
	unsigned int i;
	int rc;

	memset(nw, 0, sizeof(*nw));
	for (i = 0; i < n_registry; i++)
		nw->alive[i] = true;
	nw->n_alive = n_registry;
	for (i = 0; i < n_words; i++)
		if ((rc = narrow_pos(nw, ws, i)) != 0)
			return rc;
	return 0;
}

/* The one command the whole line selects, or -1 after printing why. */
static int
select_cmd(const struct words *ws, struct mif_cli_out *out)
{
	struct narrow nw;
	unsigned int i;
	int found = -1;

	if (narrow(&nw, ws, ws->n) != 0) {
		report_no_match(ws, &nw, out);
		return -1;
	}
	for (i = 0; i < n_registry; i++) {
		if (!nw.alive[i] || registry[i]->n_toks != ws->n)
			continue;
		if (found >= 0) {
			if (out != NULL)
				mif_cli_printf(out, "%% ambiguous command\n");
			return -1;
		}
		found = (int)i;
	}
	if (found < 0 && out != NULL)
		mif_cli_printf(out, "%% incomplete command; type '?' for "
			       "what may follow\n");
	return found;
}

int
mif_cli_cmd_parse(const char *line, struct mif_cli_out *out,
		  const char **syntax)
{
	static struct words ws;
	int i;

	if (split(line, &ws) != 0) {
		if (out != NULL)
			mif_cli_printf(out, "%% line too long (max %u words, "
				       "%u bytes)\n", MIF_CLI_MAX_WORDS,
				       MIF_CLI_LINE_MAX);
		return -EINVAL;
	}
	if (ws.n == 0)
		return -EINVAL;
	i = select_cmd(&ws, out);
	if (i < 0)
		return -EINVAL;
	*syntax = registry[i]->cmd->syntax;
	return 0;
}

int
mif_cli_cmd_exec(const char *line, struct mif_cli_out *out, void *ctx,
		 struct mif_cli *cli)
{
	/* Static: the control thread is the only caller, and 1 KiB lines
	 * with 32 argument slots are too big for a comfortable stack. */
	static struct words ws;
	static struct mif_cli_arg argv[MIF_CLI_MAX_TOKS];
	static char choice[MIF_CLI_MAX_TOKS][MIF_CLI_LINE_MAX + 1];
	struct mif_cli_exec x;
	const struct cmd_ent *e;
	size_t before;
	unsigned int i;
	int idx, rc;

	if (split(line, &ws) != 0) {
		mif_cli_printf(out, "%% line too long (max %u words)\n",
			       MIF_CLI_MAX_WORDS);
		return -EINVAL;
	}
	if (ws.n == 0)
		return 0;
	idx = select_cmd(&ws, out);
	if (idx < 0)
		return -EINVAL;
	e = registry[idx];
	for (i = 0; i < e->n_toks; i++) {
		fit_tok(&e->toks[i], ws.w[i], &argv[i]);
		if (argv[i].type == MIF_CLI_TOK_CHOICE) {
			/* The choice points into "a|b|c"; give a string. */
			memcpy(choice[i], argv[i].str, argv[i].u);
			choice[i][argv[i].u] = '\0';
			argv[i].str = choice[i];
			argv[i].u = 0;
		}
	}
	x = (struct mif_cli_exec){ .cli = cli, .out = out, .argv = argv,
		.argc = e->n_toks, .ctx = ctx, .priv = e->cmd->priv };
	before = out->len;
	rc = e->cmd->fn(&x);
	if (rc < 0 && out->len == before)
		mif_cli_printf(out, "%% error: %s\n", strerror(-rc));
	return rc;
}

/* Help and completion: what may come at the position after @n words. */

struct offer {
	char label[MIF_CLI_LINE_MAX + 8];
	const char *help;
	bool keyword;		/* completable text */
};

#define MAX_OFFERS	64

static bool
offer_add(struct offer *o, unsigned int *n, const char *label, size_t len,
	  const char *help, bool keyword)
{
	unsigned int i;

	if (len >= sizeof(o[0].label))
		len = sizeof(o[0].label) - 1;
	for (i = 0; i < *n; i++) {
		if (strlen(o[i].label) == len &&
		    memcmp(o[i].label, label, len) == 0) {
			if (o[i].help == NULL)
				o[i].help = help;
			return true;
		}
	}
	if (*n == MAX_OFFERS)
		return false;
	memcpy(o[*n].label, label, len);
	o[*n].label[len] = '\0';
	o[*n].help = help;
	o[*n].keyword = keyword;
	(*n)++;
	return true;
}

static void
offer_tok(const struct tok *t, const char *partial, struct offer *o,
	  unsigned int *n)
{
	size_t pl = strlen(partial);
	char label[MIF_CLI_LINE_MAX];
	const char *p, *bar;

	if (t->type == MIF_CLI_TOK_KEYWORD) {
		if (strncmp(t->name, partial, pl) == 0)
			offer_add(o, n, t->name, strlen(t->name), t->help, true);
		return;
	}
	if (t->type == MIF_CLI_TOK_CHOICE) {
		for (p = t->name; *p != '\0'; p += (bar != NULL)) {
			bar = strchr(p, '|');
			size_t al = bar != NULL ? (size_t)(bar - p) : strlen(p);

			if (al >= pl && memcmp(p, partial, pl) == 0)
				offer_add(o, n, p, al, t->help, true);
			p += al;
		}
		return;
	}
	if (pl > 0 && fit_tok(t, partial, NULL) == FIT_NO &&
	    t->type != MIF_CLI_TOK_WORD)
		return;	/* could still be typed, but offer nothing wrong */
	tok_label(t, label, sizeof(label));
	offer_add(o, n, label, strlen(label), t->help, false);
}

/* Collect offers for the word after the complete words of @line. */
static int
collect(const char *line, struct words *ws, const char **partial,
	struct offer *o, unsigned int *n_off, bool *cr,
	struct mif_cli_out *out)
{
	struct narrow nw;
	unsigned int n_full, i;

	*n_off = 0;
	*cr = false;
	if (split(line, ws) != 0) {
		mif_cli_printf(out, "%% line too long\n");
		return -EINVAL;
	}
	n_full = ws->n;
	*partial = "";
	if (!ws->trailing_space && ws->n > 0)
		*partial = ws->w[--n_full];
	if (narrow(&nw, ws, n_full) != 0) {
		report_no_match(ws, &nw, out);
		return -EINVAL;
	}
	for (i = 0; i < n_registry; i++) {
		if (!nw.alive[i])
			continue;
		if (registry[i]->n_toks == n_full)
			*cr = true;
		else
			offer_tok(&registry[i]->toks[n_full], *partial, o,
				  n_off);
	}
	return 0;
}

static int
offer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct offer *)a)->label,
		      ((const struct offer *)b)->label);
}

void
mif_cli_cmd_help(const char *line, struct mif_cli_out *out)
{
	static struct words ws;
	static struct offer o[MAX_OFFERS];
	const char *partial;
	unsigned int n, i;
	size_t w = 4;
	bool cr;

	if (collect(line, &ws, &partial, o, &n, &cr, out) != 0)
		return;
	if (partial[0] != '\0')
		cr = false;
	if (n == 0 && !cr) {
		mif_cli_printf(out, "%% no command matches '%s'\n", partial);
		return;
	}
	qsort(o, n, sizeof(o[0]), offer_cmp);
	for (i = 0; i < n; i++)
		if (strlen(o[i].label) > w)
			w = strlen(o[i].label);
	for (i = 0; i < n; i++)
		mif_cli_printf(out, "  %-*s  %s\n", (int)w, o[i].label,
			       o[i].help != NULL ? o[i].help : "");
	if (cr)
		mif_cli_printf(out, "  %-*s  %s\n", (int)w, "<cr>",
			       "run the command");
}

size_t
mif_cli_cmd_complete(const char *line, char *ext, size_t extlen,
		     struct mif_cli_out *out)
{
	static struct words ws;
	static struct offer o[MAX_OFFERS];
	const char *partial, *first = NULL;
	unsigned int n, i, n_kw = 0;
	size_t pl, common = 0, k;
	bool cr;

	ext[0] = '\0';
	if (extlen == 0 || collect(line, &ws, &partial, o, &n, &cr, out) != 0)
		return 0;
	pl = strlen(partial);
	for (i = 0; i < n; i++) {
		if (!o[i].keyword)
			continue;
		if (n_kw++ == 0) {
			first = o[i].label;
			common = strlen(first);
			continue;
		}
		for (k = 0; k < common && o[i].label[k] == first[k]; k++)
			;
		common = k;
	}
	/* Complete only when every possibility is a keyword: an argument
	 * or a command that may end here must not be guessed away. */
	if (n_kw == 0 || n_kw != n || (cr && pl == 0)) {
		mif_cli_cmd_help(line, out);
		return 0;
	}
	if (n_kw == 1) {
		snprintf(ext, extlen, "%s ", first + pl);
		return strlen(ext);
	}
	if (common > pl) {
		k = RTE_MIN(common - pl, extlen - 1);
		memcpy(ext, first + pl, k);
		ext[k] = '\0';
		return k;
	}
	mif_cli_cmd_help(line, out);
	return 0;
}

/* Output helpers. */

void
mif_cli_out_init(struct mif_cli_out *out, char *buf, size_t cap, bool telnet)
{
	*out = (struct mif_cli_out){ .buf = buf, .cap = cap,
		.telnet = telnet };
}

void
mif_cli_out_consume(struct mif_cli_out *out, size_t n)
{
	out->head += RTE_MIN(n, mif_cli_out_pending(out));
	if (out->head == out->len)
		out->head = out->len = 0;
}

/* Room for @n more bytes, compacting sent data away first. */
static bool
out_room(struct mif_cli_out *out, size_t n)
{
	if (out->cap - out->len >= n)
		return true;
	if (out->head > 0) {
		memmove(out->buf, out->buf + out->head, out->len - out->head);
		out->len -= out->head;
		out->head = 0;
	}
	if (out->cap - out->len >= n)
		return true;
	out->truncated = true;
	return false;
}

void
mif_cli_write_raw(struct mif_cli_out *out, const void *p, size_t n)
{
	if (out->truncated || !out_room(out, n))
		return;
	memcpy(out->buf + out->len, p, n);
	out->len += n;
}

void
mif_cli_write(struct mif_cli_out *out, const char *s, size_t n)
{
	size_t run;

	if (!out->telnet) {
		mif_cli_write_raw(out, s, n);
		return;
	}
	/* Copy runs between the bytes the NVT needs rewritten. */
	while (n > 0 && !out->truncated) {
		for (run = 0; run < n && s[run] != '\n' &&
		     (unsigned char)s[run] != 0xff; run++)
			;
		mif_cli_write_raw(out, s, run);
		if (run == n)
			break;
		if (s[run] == '\n')
			mif_cli_write_raw(out, "\r\n", 2);
		else
			mif_cli_write_raw(out, "\xff\xff", 2);
		s += run + 1;
		n -= run + 1;
	}
}

void
mif_cli_vprintf(struct mif_cli_out *out, const char *fmt, va_list ap)
{
	char small[512], *big = NULL;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0)
		goto out;
	if ((size_t)n < sizeof(small)) {
		mif_cli_write(out, small, n);
		goto out;
	}
	big = malloc((size_t)n + 1);
	if (big == NULL) {
		out->truncated = true;
		goto out;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap2);
	mif_cli_write(out, big, n);
out:
	va_end(ap2);
	free(big);
}

void
mif_cli_printf(struct mif_cli_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mif_cli_vprintf(out, fmt, ap);
	va_end(ap);
}

/* @v / 1000^n with one decimal below 100, so widths stay short. */
static void
fmt_scaled(uint64_t v, const char *units, const char *sep, const char *unit_sfx,
	   char *buf, size_t len)
{
	double d = (double)v;
	unsigned int u = 0;

	while (d >= 999.95 && units[u + 1] != '\0') {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, d < 99.95 ? "%.1f%s%c%s" : "%.0f%s%c%s", d, sep,
		 units[u], unit_sfx);
}

const char *
mif_cli_fmt_count(uint64_t v, char *buf, size_t len)
{
	/* Counts below 10000 stay exact: small numbers are read digit by
	 * digit when an operator compares two snapshots. */
	if (v < 10000)
		snprintf(buf, len, "%" PRIu64, v);
	else
		fmt_scaled(v, " KMGTPE", "", "", buf, len);
	return buf;
}

const char *
mif_cli_fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v < 1000)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else
		fmt_scaled(v, " KMGTPE", " ", "B", buf, len);
	return buf;
}

int
mif_cli_table_init(struct mif_cli_table *t, unsigned int n_cols,
		   const char *const *header)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	if (n_cols == 0 || n_cols > MIF_CLI_TABLE_COLS)
		return -EINVAL;
	t->n_cols = n_cols;
	for (i = 0; i < n_cols; i++)
		t->right[i] = header[i][0] == '>';
	return mif_cli_table_row(t, header);
}

int
mif_cli_table_row(struct mif_cli_table *t, const char *const *cells)
{
	const char *c;
	unsigned int i, cap;
	void *p;

	if (t->n_rows == t->cap_rows) {
		cap = t->cap_rows == 0 ? 16 : t->cap_rows * 2;
		p = realloc(t->cells, (size_t)cap * sizeof(*t->cells));
		if (p == NULL) {
			t->failed = true;
			return -ENOMEM;
		}
		t->cells = p;
		t->cap_rows = cap;
	}
	for (i = 0; i < t->n_cols; i++) {
		c = cells[i] != NULL ? cells[i] : "-";
		if (t->n_rows == 0 && c[0] == '>')
			c++;
		snprintf(t->cells[t->n_rows][i], MIF_CLI_CELL_MAX, "%s", c);
	}
	t->n_rows++;
	return 0;
}

void
mif_cli_table_print(struct mif_cli_table *t, struct mif_cli_out *out)
{
	size_t w[MIF_CLI_TABLE_COLS] = { 0 }, l;
	unsigned int r, i;

	for (r = 0; r < t->n_rows; r++)
		for (i = 0; i < t->n_cols; i++)
			if ((l = strlen(t->cells[r][i])) > w[i])
				w[i] = l;
	for (r = 0; r < t->n_rows; r++) {
		for (i = 0; i < t->n_cols; i++) {
			bool last = i + 1 == t->n_cols;

			if (t->right[i])
				mif_cli_printf(out, "%*s", (int)w[i],
					       t->cells[r][i]);
			else if (last)
				mif_cli_printf(out, "%s", t->cells[r][i]);
			else
				mif_cli_printf(out, "%-*s", (int)w[i],
					       t->cells[r][i]);
			if (!last)
				mif_cli_write(out, "  ", 2);
		}
		mif_cli_write(out, "\n", 1);
	}
	if (t->failed)
		mif_cli_printf(out, "%% out of memory: table cut short\n");
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
