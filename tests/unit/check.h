/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_TEST_CHECK_H
#define MIF_TEST_CHECK_H

/* Minimal assertions for the unit suite: the first failure prints where
 * and what, and exits 1 so meson counts the test as failed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_count;

#define CHECK(cond) do {						\
	check_count++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		exit(1);						\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long va_ = (long long)(a), vb_ = (long long)(b);		\
	check_count++;							\
	if (va_ != vb_) {						\
		fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, "	\
			"expected %s == %lld\n", __FILE__, __LINE__,	\
			#a, va_, #b, vb_);				\
		exit(1);						\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *sa_ = (a), *sb_ = (b);				\
	check_count++;							\
	if (strcmp(sa_, sb_) != 0) {					\
		fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != "	\
			"\"%s\"\n", __FILE__, __LINE__, sa_, sb_);	\
		exit(1);						\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) do {						\
	check_count++;							\
	if (memcmp((a), (b), (n)) != 0) {				\
		fprintf(stderr, "%s:%d: CHECK_MEM failed: %s != %s "	\
			"(%zu bytes)\n", __FILE__, __LINE__, #a, #b,	\
			(size_t)(n));					\
		exit(1);						\
	}								\
} while (0)

#define CHECK_DONE() do {						\
	printf("%s: %d checks passed\n", __FILE__, check_count);	\
	return 0;							\
} while (0)

#endif
