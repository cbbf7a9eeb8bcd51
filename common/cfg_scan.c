/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pass over the raw file before libconfig sees it, for three things
 * libconfig 1.5 gets silently wrong or that we do not want:
 *  - an integer literal that does not fit its type is truncated to its
 *    low 32 bits (4294967328 reads back as 32), so a typo in "mbufs"
 *    could pass validation with a different value;
 *  - a NUL byte ends the text early and hides what follows;
 *  - "@include" opens any file the process can read.
 * The scanner follows libconfig's token rules for comments, strings,
 * names and numbers closely enough to find literals; everything else it
 * skips and leaves to libconfig's parser.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_internal.h"

struct scan {
	const char *p;
	const char *end;
	unsigned int line;
};

static bool
is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Advance to the end of a comment or string, counting lines. */
static void
skip_until(struct scan *sc, const char *stop, bool escapes)
{
	size_t n = strlen(stop);

	while (sc->p < sc->end) {
		if (escapes && *sc->p == '\\' && sc->end - sc->p >= 2) {
			if (sc->p[1] == '\n')
				sc->line++;
			sc->p += 2;
			continue;
		}
		if ((size_t)(sc->end - sc->p) >= n &&
		    memcmp(sc->p, stop, n) == 0) {
			sc->p += n;
			return;
		}
		if (*sc->p == '\n')
			sc->line++;
		sc->p++;
	}
}

/* Does the literal [s, e) change when libconfig stores it? */
static bool
literal_truncated(const char *s, const char *e, bool hex, bool wide)
{
	char buf[64];
	unsigned long long u;
	long long v;
	char *end;

	if ((size_t)(e - s) >= sizeof(buf))
		return true;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	errno = 0;
	if (hex) {
		u = strtoull(buf, &end, 16);
		return errno != 0 || u > (wide ? (unsigned long long)LLONG_MAX :
					  (unsigned long long)INT_MAX);
	}
	v = strtoll(buf, &end, 10);
	return errno != 0 || (!wide && (v < INT_MIN || v > INT_MAX));
}

/* A number starts at sc->p (sign included). Floats are left alone. */
static void
scan_number(struct scan *sc, struct mif_cfg_scan *out)
{
	const char *start = sc->p, *digits, *e;
	bool hex = false, wide = false;
	size_t n;

	if (*sc->p == '-' || *sc->p == '+')
		sc->p++;
	if (sc->end - sc->p >= 3 && sc->p[0] == '0' &&
	    (sc->p[1] == 'x' || sc->p[1] == 'X') && is_xdigit(sc->p[2])) {
		hex = true;
		sc->p += 2;
	}
	digits = sc->p;
	while (sc->p < sc->end && (hex ? is_xdigit(*sc->p) : is_digit(*sc->p)))
		sc->p++;
	e = sc->p;
	if (!hex && sc->p < sc->end && (*sc->p == '.' || *sc->p == 'e' ||
					*sc->p == 'E')) {
		while (sc->p < sc->end && (is_digit(*sc->p) || *sc->p == '.' ||
		       *sc->p == 'e' || *sc->p == 'E' || *sc->p == '-' ||
		       *sc->p == '+'))
			sc->p++;
		return;
	}
	if (sc->p < sc->end && *sc->p == 'L') {
		wide = true;
		sc->p++;
		if (sc->p < sc->end && *sc->p == 'L')
			sc->p++;
	}
	if (out->big_line != 0 || e == digits)
		return;
	if (literal_truncated(hex ? digits : start, e, hex, wide)) {
		out->big_line = sc->line;
		n = (size_t)(sc->p - start);
		if (n >= sizeof(out->big_text))
			n = sizeof(out->big_text) - 1;
		memcpy(out->big_text, start, n);
		out->big_text[n] = '\0';
	}
}

void
mif_cfg_scan(const char *buf, size_t len, struct mif_cfg_scan *out)
{
	struct scan sc = { .p = buf, .end = buf + len, .line = 1 };
	const char *nul = memchr(buf, '\0', len);
	const char *q;
	char c;

	memset(out, 0, sizeof(*out));
	if (nul != NULL) {
		out->nul_line = 1;
		for (q = buf; q < nul; q++)
			out->nul_line += *q == '\n';
	}
	while (sc.p < sc.end) {
		c = *sc.p;
		if (c == '\n') {
			sc.line++;
			sc.p++;
		} else if (c == '#' || (c == '/' && sc.end - sc.p >= 2 &&
					 sc.p[1] == '/')) {
			/* The newline is counted by the loop. */
			while (sc.p < sc.end && *sc.p != '\n')
				sc.p++;
		} else if (c == '/' && sc.end - sc.p >= 2 && sc.p[1] == '*') {
			sc.p += 2;
			skip_until(&sc, "*/", false);
		} else if (c == '"') {
			sc.p++;
			skip_until(&sc, "\"", true);
		} else if (c == '@') {
			if (out->include_line == 0 &&
			    (size_t)(sc.end - sc.p) >= 8 &&
			    memcmp(sc.p, "@include", 8) == 0)
				out->include_line = sc.line;
			sc.p++;
		} else if (is_name_start(c)) {
			while (sc.p < sc.end && is_name_char(*sc.p))
				sc.p++;
		} else if (is_digit(c) || ((c == '-' || c == '+') &&
			   sc.end - sc.p >= 2 && is_digit(sc.p[1]))) {
			scan_number(&sc, out);
		} else {
			sc.p++;
		}
	}
}
