/* SPDX-License-Identifier: BSD-3-Clause */
/* Interface sets: states and failover, the fast-path checks, flow
 * spread and stickiness, counters across swaps, soft handover, and a
 * stress run of publications against readers under QSBR. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_rcu_qsbr.h>

#include "common/addr.h"
#include "dataplane/ifset.h"
#include "tests/unit/check.h"

static struct mif_sa_ep
ep4(const char *l, const char *r, bool udp)
{
	struct mif_sa_ep e;

	memset(&e, 0, sizeof(e));
	CHECK_EQ(mif_addr_parse(l, &e.local), 0);
	CHECK_EQ(mif_addr_parse(r, &e.remote), 0);
	e.udp_encap = udp;
	e.sport = udp ? 4500 : 0;
	e.dport = udp ? 4500 : 0;
	return e;
}

static uint16_t
add(struct mif_ifset_ref *r, struct mif_ifset *d, const char *l,
    const char *rm, enum mif_ifset_state st, uint8_t prio, uint16_t alt_of)
{
	struct mif_ifset_path spec;
	uint16_t id = 0;

	memset(&spec, 0, sizeof(spec));
	spec.ep = ep4(l, rm, false);
	spec.state = st;
	spec.priority = prio;
	spec.weight = 1;
	spec.alt_of = alt_of;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), 0);
	return id;
}

static enum mif_ifset_state
state_of(const struct mif_ifset_ref *r, uint16_t id)
{
	const struct mif_ifset_path *pa = mif_ifset_find_const(r->cur, id);

	CHECK(pa != NULL);
	return pa->state;
}

/* Inbound as the worker sees it: outer src = remote, dst = local. */
static bool
inb(struct mif_ifset_ref *r, const char *src, const char *dst, bool udp,
    uint16_t sport, uint16_t dport)
{
	struct mif_addr s, d;
	int cs;

	CHECK_EQ(mif_addr_parse(src, &s), 0);
	CHECK_EQ(mif_addr_parse(dst, &d), 0);
	cs = mif_ifset_inb_check(r, 0, s.family, &s.v4, &d.v4, udp, sport,
				 dport);
	/* The worker counts rx only after the ICV and replay checks. */
	if (cs >= 0)
		mif_ifset_count_rx(r, 0, (unsigned int)cs);
	return cs >= 0;
}

static void
test_default_and_inbound(void)
{
	struct mif_sa_ep e = ep4("198.51.100.1", "203.0.113.7", true);
	struct mif_ifset_pctr c;
	struct mif_ifset_ref *r;
	uint64_t nm, np;

	r = mif_ifset_ref_create(0x100, &e, 2);
	CHECK(r != NULL);
	CHECK_EQ(r->cur->n, 1);
	CHECK_EQ(r->cur->n_active, 1);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	CHECK(inb(r, "203.0.113.7", "198.51.100.1", true, 4500, 4500));
	/* Wrong source, wrong destination, wrong port, not UDP. */
	CHECK(!inb(r, "203.0.113.8", "198.51.100.1", true, 4500, 4500));
	CHECK(!inb(r, "203.0.113.7", "198.51.100.2", true, 4500, 4500));
	CHECK(!inb(r, "203.0.113.7", "198.51.100.1", true, 4501, 4500));
	CHECK(!inb(r, "203.0.113.7", "198.51.100.1", false, 0, 0));
	/* Swapped roles: our address as the source is not the path. */
	CHECK(!inb(r, "198.51.100.1", "203.0.113.7", true, 4500, 4500));
	mif_ifset_path_stats(r, 1, &c);
	CHECK_EQ(c.rx, 1);
	mif_ifset_stats(r, &nm, &np);
	CHECK_EQ(nm, 5);
	CHECK_EQ(np, 0);
	/* The prebuilt outer header carries the path's addresses. */
	CHECK_EQ(r->cur->path[0].outer4[9], IPPROTO_UDP);
	CHECK_MEM(r->cur->path[0].outer4 + 12, &e.local.v4, 4);
	CHECK_MEM(r->cur->path[0].outer4 + 16, &e.remote.v4, 4);
	mif_ifset_ref_destroy(r);
}

/* ALTERNATE and REMOVED drop inbound (counted on the path), PENDING
 * accepts inbound but is never chosen outbound. */
static void
test_states(void)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x101, &e, 1);
	const struct mif_ifset_path *pa;
	struct mif_ifset_pctr c;
	struct mif_ifset *d;
	uint16_t b, p;
	uint32_t f;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	b = add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ALTERNATE, 1, 1);
	p = add(r, d, "10.0.2.1", "10.9.2.1", MIF_IFSET_PENDING, 2, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK(inb(r, "10.9.0.1", "10.0.0.1", false, 0, 0));
	CHECK(!inb(r, "10.9.1.1", "10.0.1.1", false, 0, 0));
	CHECK(inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	mif_ifset_path_stats(r, b, &c);
	CHECK_EQ(c.drop_in, 1);
	CHECK_EQ(c.rx, 0);
	for (f = 0; f < 1000; f++) {
		pa = mif_ifset_outb_choose(r->cur, f * 2654435761u);
		CHECK(pa != NULL);
		CHECK_EQ(pa->id, 1);
	}
	/* Remove the only ACTIVE path: nothing is chosen any more. */
	d = mif_ifset_draft(r);
	CHECK_EQ(mif_ifset_path_set_state(d, 1, MIF_IFSET_REMOVED), 0);
	CHECK_EQ(mif_ifset_path_set_state(d, 1, MIF_IFSET_ACTIVE), -EINVAL);
	CHECK_EQ(mif_ifset_path_set_state(d, 99, MIF_IFSET_ACTIVE), -ENOENT);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK(mif_ifset_outb_choose(r->cur, 7) == NULL);
	CHECK(!inb(r, "10.9.0.1", "10.0.0.1", false, 0, 0));
	mif_ifset_path_stats(r, 1, &c);
	CHECK_EQ(c.rx, 1);
	CHECK_EQ(c.drop_in, 1);
	/* Promote the pending path. */
	d = mif_ifset_draft(r);
	CHECK_EQ(mif_ifset_path_promote(d, p), 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK_EQ(mif_ifset_outb_choose(r->cur, 7)->id, p);
	mif_ifset_ref_destroy(r);
}

static void
test_limits(void)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x102, &e, 1);
	struct mif_ifset_path spec;
	struct mif_ifset *d;
	char l[32];
	uint16_t id;
	int i;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	memset(&spec, 0, sizeof(spec));
	spec.ep = e;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), -EEXIST);
	spec.ep.remote.family = AF_INET6;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), -EINVAL);
	spec.ep = ep4("10.0.0.2", "10.9.0.1", true);
	spec.ep.sport = 0;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), -EINVAL);
	spec.ep = ep4("10.0.0.2", "10.9.0.1", false);
	spec.state = MIF_IFSET_REMOVED;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), -EINVAL);
	for (i = 1; i < MIF_IFSET_MAX_PATHS; i++) {
		snprintf(l, sizeof(l), "10.0.3.%d", i);
		add(r, d, l, "10.9.0.1", MIF_IFSET_ACTIVE, 0, 0);
	}
	spec.state = MIF_IFSET_ACTIVE;
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), -ENOSPC);
	/* A REMOVED entry makes room (the oldest one goes). */
	CHECK_EQ(mif_ifset_path_set_state(d, 3, MIF_IFSET_REMOVED), 0);
	CHECK_EQ(mif_ifset_path_add(r, d, &spec, &id), 0);
	CHECK(mif_ifset_find(d, 3) == NULL);
	CHECK_EQ(d->n, MIF_IFSET_MAX_PATHS);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK_EQ(r->cur->n_active, MIF_IFSET_MAX_PATHS);
	mif_ifset_ref_destroy(r);
}

/* Primary A with alternates B (prio 2) and C (prio 1) for A. */
static struct mif_ifset_ref *
mh_setup(uint16_t *b, uint16_t *c)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x103, &e, 1);
	struct mif_ifset *d;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	d->policy = MIF_IFSET_POL_PRIMARY;
	*b = add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ALTERNATE, 2, 1);
	*c = add(r, d, "10.0.2.1", "10.9.2.1", MIF_IFSET_ALTERNATE, 1, 1);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK_EQ(mif_ifset_outb_choose(r->cur, 0)->id, 1);
	return r;
}

static void
step(struct mif_ifset_ref *r, int (*op)(struct mif_ifset *, uint16_t),
     uint16_t id, int want)
{
	struct mif_ifset *d = mif_ifset_draft(r);

	CHECK_EQ(op(d, id), want);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
}

static int
restore_imm(struct mif_ifset *d, uint16_t id)
{
	return mif_ifset_path_restore(d, id, MIF_IFSET_FB_IMMEDIATE);
}

static int
restore_never(struct mif_ifset *d, uint16_t id)
{
	return mif_ifset_path_restore(d, id, MIF_IFSET_FB_NEVER);
}

static int
restore_manual(struct mif_ifset *d, uint16_t id)
{
	return mif_ifset_path_restore(d, id, MIF_IFSET_FB_MANUAL);
}

static void
test_multihoming(void)
{
	struct mif_ifset_ref *r;
	uint16_t b, c;

	/* Failover in priority order, then immediate failback. */
	r = mh_setup(&b, &c);
	CHECK(!inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	step(r, mif_ifset_path_fail, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ALTERNATE);
	CHECK_EQ(state_of(r, c), MIF_IFSET_ACTIVE);
	CHECK_EQ(state_of(r, b), MIF_IFSET_ALTERNATE);
	CHECK_EQ(mif_ifset_outb_choose(r->cur, 0)->id, c);
	CHECK(inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	CHECK(!inb(r, "10.9.0.1", "10.0.0.1", false, 0, 0));
	step(r, mif_ifset_path_fail, 1, -EALREADY);
	/* The stand-in fails too: the next alternate stands for A. */
	step(r, mif_ifset_path_fail, c, 0);
	CHECK_EQ(state_of(r, b), MIF_IFSET_ACTIVE);
	CHECK_EQ(mif_ifset_outb_choose(r->cur, 0)->id, b);
	step(r, mif_ifset_path_fail, b, 0);
	CHECK(mif_ifset_outb_choose(r->cur, 0) == NULL);
	step(r, restore_imm, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	CHECK_EQ(mif_ifset_outb_choose(r->cur, 0)->id, 1);
	step(r, restore_imm, 1, -EALREADY);
	mif_ifset_ref_destroy(r);

	/* Immediate failback demotes the stand-in. */
	r = mh_setup(&b, &c);
	step(r, mif_ifset_path_fail, 1, 0);
	step(r, restore_imm, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	CHECK_EQ(state_of(r, c), MIF_IFSET_ALTERNATE);
	CHECK_EQ(r->cur->n_active, 1);
	mif_ifset_ref_destroy(r);

	/* Never: A becomes C's alternate and takes over if C fails. */
	r = mh_setup(&b, &c);
	step(r, mif_ifset_path_fail, 1, 0);
	step(r, restore_never, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ALTERNATE);
	CHECK_EQ(state_of(r, c), MIF_IFSET_ACTIVE);
	step(r, mif_ifset_path_fail, c, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	mif_ifset_ref_destroy(r);

	/* Manual: A waits; promote(A) swaps back. */
	r = mh_setup(&b, &c);
	step(r, mif_ifset_path_fail, 1, 0);
	step(r, restore_manual, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ALTERNATE);
	CHECK_EQ(state_of(r, c), MIF_IFSET_ACTIVE);
	step(r, mif_ifset_path_promote, 1, 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	CHECK_EQ(state_of(r, c), MIF_IFSET_ALTERNATE);
	CHECK_EQ(r->cur->n_active, 1);
	/* Promoting an alternate replaces the path it backs up. */
	step(r, mif_ifset_path_promote, b, 0);
	CHECK_EQ(state_of(r, b), MIF_IFSET_ACTIVE);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ALTERNATE);
	step(r, mif_ifset_path_fail, c, 0);
	step(r, mif_ifset_path_promote, c, -EINVAL);
	mif_ifset_ref_destroy(r);
}

static void
flow(uint8_t *pkt, uint32_t i)
{
	struct rte_ipv4_hdr h;
	uint16_t ports[2];

	memset(&h, 0, sizeof(h));
	h.version_ihl = 0x45;
	h.next_proto_id = IPPROTO_UDP;
	h.src_addr = rte_cpu_to_be_32(0x0a000000 | (i >> 8));
	h.dst_addr = rte_cpu_to_be_32(0xc0000201);
	memcpy(pkt, &h, sizeof(h));
	ports[0] = rte_cpu_to_be_16(1024 + (i & 0xff));
	ports[1] = rte_cpu_to_be_16(53);
	memcpy(pkt + sizeof(h), ports, 4);
}

#define N_FLOWS 20000

static void
spread(const struct mif_ifset *s, uint16_t *path_of, unsigned int *cnt)
{
	const struct mif_ifset_path *pa;
	uint8_t pkt[28];
	uint32_t i;

	memset(cnt, 0, 9 * sizeof(*cnt));
	for (i = 0; i < N_FLOWS; i++) {
		flow(pkt, i);
		pa = mif_ifset_outb_choose(s, mif_ifset_flow_hash(pkt,
								  sizeof(pkt)));
		CHECK(pa != NULL);
		CHECK_EQ(pa->state, MIF_IFSET_ACTIVE);
		path_of[i] = pa->id;
		cnt[pa->id]++;
	}
}

static void
test_spread(void)
{
	static uint16_t before[N_FLOWS], after[N_FLOWS];
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x104, &e, 1);
	unsigned int cnt[9], i, moved = 0;
	struct mif_ifset *d;
	uint8_t pkt[28];

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ACTIVE, 0, 0);
	add(r, d, "10.0.2.1", "10.9.2.1", MIF_IFSET_ACTIVE, 0, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	spread(r->cur, before, cnt);
	printf("hash, 3 paths: %u %u %u flows\n", cnt[1], cnt[2], cnt[3]);
	for (i = 1; i <= 3; i++)
		CHECK(cnt[i] > N_FLOWS / 3 * 6 / 10 &&
		      cnt[i] < N_FLOWS / 3 * 14 / 10);
	/* The same flow always hashes the same way. */
	flow(pkt, 77);
	CHECK_EQ(mif_ifset_flow_hash(pkt, sizeof(pkt)),
		 mif_ifset_flow_hash(pkt, sizeof(pkt)));
	/* Truncated input: addresses only, never past len. */
	CHECK(mif_ifset_flow_hash(pkt, 20) != mif_ifset_flow_hash(pkt, 28));
	CHECK_EQ(mif_ifset_flow_hash(pkt, 10), mif_ifset_flow_hash(pkt, 0));

	/* Stickiness: removing path 2 moves only path 2's flows. */
	d = mif_ifset_draft(r);
	CHECK_EQ(mif_ifset_path_set_state(d, 2, MIF_IFSET_REMOVED), 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	spread(r->cur, after, cnt);
	for (i = 0; i < N_FLOWS; i++) {
		CHECK(after[i] != 2);
		if (before[i] != 2)
			CHECK_EQ(after[i], before[i]);
		else
			moved++;
	}
	CHECK(moved > 0);

	/* Weighted: 3:1 between paths 1 and 3. */
	d = mif_ifset_draft(r);
	d->policy = MIF_IFSET_POL_WEIGHTED;
	mif_ifset_find(d, 1)->weight = 3;
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	spread(r->cur, after, cnt);
	printf("weighted 3:1: %u %u flows\n", cnt[1], cnt[3]);
	CHECK(cnt[1] > 2 * cnt[3] && cnt[1] < 5 * cnt[3]);
	mif_ifset_ref_destroy(r);
}

static void
test_transport_and_counters(void)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x105, &e, 3);
	const struct mif_ifset_path *pa;
	struct mif_ifset_pctr c;
	struct mif_addr s, dst;
	struct mif_ifset *d;
	uint16_t b;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	b = add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ALTERNATE, 0, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	mif_addr_parse("10.0.0.1", &s);
	mif_addr_parse("10.9.0.1", &dst);
	pa = mif_ifset_outb_transport(r->cur, AF_INET, &s.v4, &dst.v4, false);
	CHECK(pa != NULL && pa->id == 1);
	mif_ifset_count_tx(r, 2, pa, 100);
	mif_ifset_count_tx(r, 0, pa, 50);
	mif_addr_parse("10.0.1.1", &s);
	mif_addr_parse("10.9.1.1", &dst);
	CHECK(mif_ifset_outb_transport(r->cur, AF_INET, &s.v4, &dst.v4,
				       false) == NULL);
	/* Counters survive publications. */
	d = mif_ifset_draft(r);
	CHECK_EQ(mif_ifset_path_promote(d, b), 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	mif_ifset_path_stats(r, 1, &c);
	CHECK_EQ(c.tx, 2);
	CHECK_EQ(c.tx_bytes, 150);
	CHECK(mif_ifset_outb_transport(r->cur, AF_INET, &s.v4, &dst.v4,
				       false) != NULL);
	mif_ifset_ref_destroy(r);
}

static void
test_soft_drain(void)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x106, &e, 1);
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles();
	struct mif_ifset *d;
	uint16_t b;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	b = add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ACTIVE, 0, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "soft handover: add"), 0);
	CHECK_EQ(mif_ifset_drain_start(r, 1, b, 10000, 0), 0);
	CHECK_EQ(mif_ifset_drain_start(r, 1, b, 10000, 0), -EBUSY);
	CHECK_EQ(mif_ifset_tick(r, NULL, t0), 0);
	/* A keeps receiving: not drained. */
	CHECK(inb(r, "10.9.0.1", "10.0.0.1", false, 0, 0));
	CHECK_EQ(mif_ifset_tick(r, NULL, t0 + hz / 200), 0);
	CHECK_EQ(mif_ifset_tick(r, NULL, t0 + hz / 200 + hz / 200), 0);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_ACTIVE);
	/* Quiet for the idle time: A is removed. */
	CHECK_EQ(mif_ifset_tick(r, NULL, t0 + hz / 100 + hz / 50), 1);
	CHECK_EQ(state_of(r, 1), MIF_IFSET_REMOVED);
	CHECK(!inb(r, "10.9.0.1", "10.0.0.1", false, 0, 0));
	CHECK_EQ(mif_ifset_tick(r, NULL, t0 + hz), 0);

	/* Packet-count condition: B received 3 packets. */
	d = mif_ifset_draft(r);
	add(r, d, "10.0.2.1", "10.9.2.1", MIF_IFSET_ACTIVE, 0, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	CHECK_EQ(mif_ifset_drain_start(r, b, 3, 60000000, 3), 0);
	t0 = rte_get_tsc_cycles();
	CHECK(inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	CHECK(inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	CHECK_EQ(mif_ifset_tick(r, NULL, t0), 0);
	CHECK(inb(r, "10.9.2.1", "10.0.2.1", false, 0, 0));
	CHECK_EQ(mif_ifset_tick(r, NULL, t0), 1);
	CHECK_EQ(state_of(r, b), MIF_IFSET_REMOVED);
	mif_ifset_ref_destroy(r);
}

/* Reordering the flow spread causes at the receiver, to size the
 * default replay window: one SA, 64 flows hashed over two ACTIVE paths
 * whose one-way delays are @d1 and @d2 ms plus up to @jit ms of uniform
 * jitter, @pps packets per second, sequence numbers in sending order.
 * A packet's depth is how far below the highest number seen so far it
 * arrives; beyond the window it would be dropped as a replay. */
struct arrival {
	double t;
	uint32_t seq;
};

static int
by_time(const void *a, const void *b)
{
	double x = ((const struct arrival *)a)->t;
	double y = ((const struct arrival *)b)->t;

	return x < y ? -1 : x > y;
}

#define N_REORDER 100000

static uint32_t
reorder_depth(const struct mif_ifset *s, double pps, double d1, double d2,
	      double jit)
{
	static struct arrival at[N_REORDER];
	uint32_t i, top = 0, depth = 0, seed = 12345;
	const struct mif_ifset_path *pa;
	uint8_t pkt[28];
	double d;

	for (i = 0; i < N_REORDER; i++) {
		flow(pkt, (i * 7) % 64);
		pa = mif_ifset_outb_choose(s, mif_ifset_flow_hash(pkt, 28));
		CHECK(pa != NULL);
		seed = seed * 1103515245 + 12345;
		d = (pa->id == 1 ? d1 : d2) + jit * (seed >> 16) / 65536.0;
		at[i].t = i / pps + d / 1000;
		at[i].seq = i + 1;
	}
	qsort(at, N_REORDER, sizeof(at[0]), by_time);
	for (i = 0; i < N_REORDER; i++) {
		if (at[i].seq > top)
			top = at[i].seq;
		else if (top - at[i].seq > depth)
			depth = top - at[i].seq;
	}
	return depth;
}

static void
test_reorder(void)
{
	static const struct {
		double pps, d1, d2, jit;
	} sc[] = {
		{ 12500, 5, 5, 2 },	/* two similar WLAN paths */
		{ 12500, 5, 25, 5 },	/* WLAN + LTE, 100 Mb/s of 1 kB */
		{ 12500, 5, 60, 10 },	/* WLAN + a slow LTE */
		{ 50000, 5, 25, 5 },	/* 400 Mb/s of 1 kB */
	};
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	struct mif_ifset_ref *r = mif_ifset_ref_create(0x107, &e, 1);
	struct mif_ifset *d;
	uint32_t depth;
	unsigned int i;

	CHECK(r != NULL);
	d = mif_ifset_draft(r);
	add(r, d, "10.0.1.1", "10.9.1.1", MIF_IFSET_ACTIVE, 0, 0);
	CHECK_EQ(mif_ifset_publish(r, d, NULL, "test"), 0);
	for (i = 0; i < RTE_DIM(sc); i++) {
		depth = reorder_depth(r->cur, sc[i].pps, sc[i].d1, sc[i].d2,
				      sc[i].jit);
		printf("reorder: %.0f pps, paths %.0f/%.0f ms +%.0f ms "
		       "jitter: depth %u\n", sc[i].pps, sc[i].d1, sc[i].d2,
		       sc[i].jit, depth);
		/* Depth follows rate x delay difference (plus jitter). */
		CHECK(depth <= (sc[i].d2 - sc[i].d1 + sc[i].jit) *
		      sc[i].pps / 1000 + 1);
		if (i < 3)
			CHECK(depth < MIF_IFSET_REPLAY_WIN_DEFAULT);
	}
	mif_ifset_ref_destroy(r);
}

/* ---- stress: publications against readers under QSBR ----------------- */

#define N_READERS 2

static struct rte_rcu_qsbr *qv;
static struct mif_ifset_ref *sr;
static volatile int stop;
static uint64_t reads[N_READERS], bad[N_READERS];

static void *
reader(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg, i;
	const struct mif_ifset_path *pa;
	const struct mif_ifset *s;
	uint32_t f = id * 7919;

	rte_rcu_qsbr_thread_register(qv, id);
	rte_rcu_qsbr_thread_online(qv, id);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		s = mif_ifset_load(sr);
		for (i = 0; i < 32; i++) {
			pa = mif_ifset_outb_choose(s, f++ * 2654435761u);
			/* Never a REMOVED (or any non-ACTIVE) path. */
			if (pa != NULL && pa->state != MIF_IFSET_ACTIVE)
				bad[id]++;
			if (s->n == 0 || s->n > MIF_IFSET_MAX_PATHS ||
			    s->n_active > s->n)
				bad[id]++;
			reads[id]++;
		}
		rte_rcu_qsbr_quiescent(qv, id);
	}
	rte_rcu_qsbr_thread_offline(qv, id);
	rte_rcu_qsbr_thread_unregister(qv, id);
	return NULL;
}

/* One random change; returns 0 when something was published. */
static int
stress_update(unsigned int k)
{
	struct mif_ifset *d = mif_ifset_draft(sr);
	struct mif_ifset_path spec;
	uint16_t id;
	char l[32];
	int rc = -1;

	CHECK(d != NULL);
	id = d->path[k % d->n].id;
	switch (k % 5) {
	case 0:
		memset(&spec, 0, sizeof(spec));
		snprintf(l, sizeof(l), "10.1.%u.%u", (k >> 8) & 0xff, k & 0xff);
		spec.ep = ep4(l, "10.9.0.1", false);
		spec.state = k & 8 ? MIF_IFSET_ACTIVE : MIF_IFSET_ALTERNATE;
		spec.weight = 1 + k % 7;
		rc = mif_ifset_path_add(sr, d, &spec, &id);
		break;
	case 1:
		rc = mif_ifset_path_set_state(d, id, MIF_IFSET_REMOVED);
		break;
	case 2:
		rc = mif_ifset_path_fail(d, id);
		break;
	case 3:
		rc = mif_ifset_path_restore(d, id, k & 16 ?
					    MIF_IFSET_FB_IMMEDIATE :
					    MIF_IFSET_FB_NEVER);
		break;
	case 4:
		d->policy = k % MIF_IFSET_POL_MAX;
		rc = mif_ifset_path_promote(d, id);
		break;
	}
	if (rc != 0) {
		mif_ifset_draft_free(d);
		return -1;
	}
	CHECK_EQ(mif_ifset_publish(sr, d, qv, NULL), 0);
	return 0;
}

static void
test_stress(double secs)
{
	struct mif_sa_ep e = ep4("10.0.0.1", "10.9.0.1", false);
	uint64_t hz = rte_get_tsc_hz(), t0, t1, n = 0, k = 0;
	uint64_t total = 0, errs = 0;
	pthread_t th[N_READERS];
	unsigned int i;

	qv = calloc(1, rte_rcu_qsbr_get_memsize(N_READERS));
	CHECK(qv != NULL);
	CHECK_EQ(rte_rcu_qsbr_init(qv, N_READERS), 0);
	sr = mif_ifset_ref_create(0x200, &e, 1);
	CHECK(sr != NULL);
	for (i = 0; i < N_READERS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, reader,
					(void *)(uintptr_t)i), 0);
	t0 = rte_get_tsc_cycles();
	do {
		if (stress_update(k++ * 2654435761u >> 7) == 0)
			n++;
		t1 = rte_get_tsc_cycles();
	} while (t1 - t0 < secs * hz);
	/* Grace period with the readers still running. */
	for (i = 0, t1 = 0; i < 200; i++) {
		uint64_t tok = rte_rcu_qsbr_start(qv), s0 = rte_get_tsc_cycles();

		while (rte_rcu_qsbr_check(qv, tok, false) != 1)
			;
		t1 += rte_get_tsc_cycles() - s0;
	}
	printf("grace period: %.1f us mean over 200 (%u readers)\n",
	       t1 * 1e6 / hz / 200, N_READERS);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < N_READERS; i++) {
		pthread_join(th[i], NULL);
		total += reads[i];
		errs += bad[i];
	}
	printf("stress: %lu publications in %.1f s (%.0f/s, %.1f us each "
	       "incl. grace period), %lu reader checks, %lu bad\n",
	       (unsigned long)n, secs, n / secs, secs * 1e6 / (n ? n : 1),
	       (unsigned long)total, (unsigned long)errs);
	/* The rate depends on the shared machine; docs quote a quiet run. */
	CHECK(n > 100 * secs);
	CHECK(total > 0);
	CHECK_EQ(errs, 0);
	mif_ifset_ref_destroy(sr);
	free(qv);
}

int
main(int argc, char **argv)
{
	char *eal[] = { "test_ifset", "--no-huge", "-m", "64", "--no-shconf",
			"--no-pci", "--no-telemetry", "-l", "0",
			"--log-level", "*:notice" };
	double secs = argc > 1 ? atof(argv[1]) : 3.0;

	CHECK(rte_eal_init(RTE_DIM(eal), eal) >= 0);
	test_default_and_inbound();
	test_states();
	test_limits();
	test_multihoming();
	test_spread();
	test_transport_and_counters();
	test_soft_drain();
	test_reorder();
	test_stress(secs);
	rte_eal_cleanup();
	CHECK_DONE();
}
