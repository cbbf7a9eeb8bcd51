/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "common/addr.h"
#include "tests/unit/check.h"

static void
test_parse(void)
{
	struct mif_prefix p;
	char buf[MIF_PREFIX_STRLEN];

	CHECK_EQ(mif_prefix_parse("192.0.2.0/24", &p, false, false), 0);
	CHECK_EQ(p.len, 24);
	CHECK_STR(mif_prefix_fmt(&p, buf, sizeof(buf)), "192.0.2.0/24");
	CHECK_EQ(mif_prefix_parse("192.0.2.1/24", &p, false, false), -ERANGE);
	CHECK_EQ(mif_prefix_parse("192.0.2.1/24", &p, true, false), 0);
	CHECK_EQ(mif_prefix_parse("192.0.2.0/33", &p, false, false), -ERANGE);
	CHECK_EQ(mif_prefix_parse("192.0.2.0/", &p, false, false), -EINVAL);
	CHECK_EQ(mif_prefix_parse("192.0.2.0/-1", &p, false, false), -EINVAL);
	CHECK_EQ(mif_prefix_parse("192.0.2.0/2x", &p, false, false), -EINVAL);
	CHECK_EQ(mif_prefix_parse("192.0.2.1", &p, false, false), -EINVAL);
	CHECK_EQ(mif_prefix_parse("192.0.2.1", &p, false, true), 0);
	CHECK_EQ(p.len, 32);
	CHECK_EQ(mif_prefix_parse("2001:db8::/32", &p, false, false), 0);
	CHECK_STR(mif_prefix_fmt(&p, buf, sizeof(buf)), "2001:db8::/32");
	CHECK_EQ(mif_prefix_parse("2001:db8::1/64", &p, false, false), -ERANGE);
	CHECK_EQ(mif_prefix_parse("2001:db8::/129", &p, false, false), -ERANGE);
	CHECK_EQ(mif_prefix_parse("nonsense/8", &p, false, false), -EINVAL);
}

static void
test_contains(void)
{
	struct mif_prefix p;
	struct mif_addr a;

	CHECK_EQ(mif_prefix_parse("10.1.0.0/17", &p, false, false), 0);
	CHECK_EQ(mif_addr_parse("10.1.127.255", &a), 0);
	CHECK(mif_prefix_contains(&p, &a));
	CHECK_EQ(mif_addr_parse("10.1.128.0", &a), 0);
	CHECK(!mif_prefix_contains(&p, &a));
	CHECK_EQ(mif_addr_parse("::1", &a), 0);
	CHECK(!mif_prefix_contains(&p, &a));
	CHECK_EQ(mif_prefix_parse("fc00::/7", &p, false, false), 0);
	CHECK_EQ(mif_addr_parse("fdff::1", &a), 0);
	CHECK(mif_prefix_contains(&p, &a));
	CHECK_EQ(mif_addr_parse("fe00::1", &a), 0);
	CHECK(!mif_prefix_contains(&p, &a));
	CHECK_EQ(mif_prefix_parse("0.0.0.0/0", &p, false, false), 0);
	CHECK_EQ(mif_addr_parse("203.0.113.9", &a), 0);
	CHECK(mif_prefix_contains(&p, &a));
}

int
main(void)
{
	test_parse();
	test_contains();
	CHECK_DONE();
}
