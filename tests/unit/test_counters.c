/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/counters.h"
#include "tests/unit/check.h"

static void
test_sum(void)
{
	struct mif_counters s;

	mif_counters_reset();
	mif_counters[0].port[1].rx_packets = 3;
	mif_counters[1].port[1].rx_packets = 4;
	mif_counters[RTE_MAX_LCORE - 1].port[1].rx_packets = 5;
	mif_counters[2].drop[MIF_DROP_NO_ROUTE] = 7;
	mif_counters[3].drop[MIF_DROP_NO_ROUTE] = 1;
	mif_counters[3].ctl[MIF_CTL_MAX - 1] = 9;
	mif_counters_sum(&s);
	CHECK_EQ(s.port[1].rx_packets, 12);
	CHECK_EQ(s.port[0].rx_packets, 0);
	CHECK_EQ(s.drop[MIF_DROP_NO_ROUTE], 8);
	CHECK_EQ(s.ctl[MIF_CTL_MAX - 1], 9);
	/* Blocks never share a cache line between lcores. */
	CHECK_EQ(sizeof(struct mif_counters) % RTE_CACHE_LINE_SIZE, 0);
}

static void
test_names(void)
{
	unsigned int i, j;

	for (i = 0; i < MIF_DROP_MAX; i++) {
		CHECK(mif_drop_names[i] != NULL);
		CHECK(strchr(mif_drop_names[i], ' ') == NULL);
		for (j = 0; j < i; j++)
			CHECK(strcmp(mif_drop_names[i], mif_drop_names[j]));
	}
	for (i = 0; i < MIF_CTL_MAX; i++)
		CHECK(mif_ctl_event_names[i] != NULL);
	CHECK_STR(mif_drop_names[MIF_DROP_BAD_LEN], "bad_len");
	CHECK_STR(mif_drop_names[MIF_DROP_PUNT_FULL], "punt_full");
}

static void
test_print(void)
{
	const char *names[] = { "lan", "wan" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	mif_counters_reset();
	mif_counters[1].port[1].tx_packets = 42;
	mif_counters[0].drop[MIF_DROP_TTL_EXCEEDED] = 2;
	mif_counters_hw[1].valid = true;
	mif_counters_hw[1].rx_missed = 7;
	mif_counters_hw[1].rx_nombuf = 3;
	f = open_memstream(&buf, &len);
	CHECK(f != NULL);
	mif_counters_print(f, names, 2);
	fclose(f);
	CHECK(strncmp(buf, "=== mifgw counters ===\n", 23) == 0);
	CHECK(strstr(buf, "\nport lan rx 0\n") != NULL);
	CHECK(strstr(buf, "\nport wan tx 42\n") != NULL);
	CHECK(strstr(buf, "\nport wan tx_bytes 0\nport wan rx_missed 7\nport wan rx_nombuf 3\n") != NULL);
	CHECK(strstr(buf, "\nport lan rx_missed") == NULL);	/* not read */
	CHECK(strstr(buf, "\ndrop ttl_exceeded 2\n") != NULL);
	CHECK(strstr(buf, "\ndrop no_route 0\n") != NULL);
	CHECK(strstr(buf, "\nlcore 1 tx 42\nlcore 1 drops 0\n") != NULL);
	CHECK(strstr(buf, "\nlcore 0 drops 2\n") != NULL);
	CHECK(strstr(buf, "\nlcore 2 ") == NULL);	/* idle: not shown */
	CHECK(strcmp(buf + len - 12, "=== end ===\n") == 0);
	free(buf);
}

int
main(void)
{
	test_sum();
	test_names();
	test_print();
	CHECK_DONE();
}
