/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_string_fns.h>

#include "common/log.h"
#include "dataplane/sad.h"

#define EV_RING_SIZE	4096
#define LOOKUP_MAX	64

struct mif_sad {
	struct rte_hash *h;		/* inbound: SPI (+ destination) */
	struct rte_hash *out;		/* outbound: the SA's id */
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
	struct rte_ring *ev;
	uint32_t n_in;
	uint32_t n_out;
	uint32_t n_dst;			/* SAs keyed with a destination */
	uint32_t max;
};

/* A deferred free: the SA and its key slot in one of the hashes. */
struct deferred {
	struct mif_sa *sa;
	int32_t pos;			/* -1: no slot */
	uint32_t outbound;		/* slot is in sad->out */
};

static void
key_of(const struct mif_sa *sa, struct mif_sad_key *k)
{
	memset(k, 0, sizeof(*k));
	k->spi = sa->spi;
	if (!sa->match_dst)
		return;
	k->family = sa->ep.local.family;
	if (k->family == AF_INET)
		memcpy(k->dst, &sa->ep.local.v4, 4);
	else
		memcpy(k->dst, sa->ep.local.v6, 16);
}

static void
free_deferred(void *p, void *e, unsigned int n)
{
	struct mif_sad *sad = p;
	struct deferred *d = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (d[i].pos >= 0)
			rte_hash_free_key_with_position(d[i].outbound ?
							sad->out : sad->h,
							d[i].pos);
		mif_sa_destroy(d[i].sa);
	}
}

static int
sad_alloc(struct mif_sad *sad, const char *name, int socket)
{
	char n[RTE_MEMZONE_NAMESIZE];
	struct rte_hash_parameters hp = {
		/* rte_hash wants at least one bucket's worth. */
		.entries = RTE_MAX(sad->max, 64u),
		.key_len = sizeof(struct mif_sad_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* Workers read without locks; the control thread is the
		 * only writer. The extendable table lets the hash hold
		 * exactly max entries whatever the cuckoo collisions. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dp = {
		.size = 2 * sad->max,
		.esize = sizeof(struct deferred),
		.trigger_reclaim_limit = 32,
		.max_reclaim_size = 256,
		.free_fn = free_deferred,
		.p = sad,
		.v = sad->qsbr,
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,
	};

	snprintf(n, sizeof(n), "sad_%s", name);
	hp.name = n;
	if ((sad->h = rte_hash_create(&hp)) == NULL)
		return -rte_errno;
	snprintf(n, sizeof(n), "sado_%s", name);
	hp.name = n;
	hp.key_len = sizeof(uint32_t);
	if ((sad->out = rte_hash_create(&hp)) == NULL)
		return -rte_errno;
	snprintf(n, sizeof(n), "sadq_%s", name);
	dp.name = n;
	if ((sad->dq = rte_rcu_qsbr_dq_create(&dp)) == NULL)
		return -rte_errno;
	snprintf(n, sizeof(n), "sadev_%s", name);
	sad->ev = rte_ring_create_elem(n, sizeof(struct mif_sa_event),
				       EV_RING_SIZE, socket, RING_F_SC_DEQ);
	if (sad->ev == NULL)
		return -rte_errno;
	return 0;
}

struct mif_sad *
mif_sad_create(const char *name, uint32_t max_sa, struct rte_rcu_qsbr *qsbr,
	       int socket)
{
	struct mif_sad *sad;
	int rc;

	if (qsbr == NULL || max_sa == 0) {
		MIF_LOG(esp, ERR, "sad %s: need a QSBR variable and a size",
			name);
		return NULL;
	}
	sad = rte_zmalloc_socket("mif_sad", sizeof(*sad), 0, socket);
	if (sad == NULL) {
		MIF_LOG(esp, ERR, "sad %s: no memory", name);
		return NULL;
	}
	sad->qsbr = qsbr;
	sad->max = max_sa;
	if ((rc = sad_alloc(sad, name, socket)) != 0) {
		MIF_LOG(esp, ERR, "sad %s: cannot allocate for %u SAs: %s",
			name, max_sa, rte_strerror(-rc));
		mif_sad_destroy(sad);
		return NULL;
	}
	return sad;
}

void
mif_sad_destroy(struct mif_sad *sad)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	if (sad == NULL)
		return;
	/* The defer queue frees its entries when deleted; the caller
	 * guarantees the workers are gone. */
	if (sad->dq != NULL)
		rte_rcu_qsbr_dq_delete(sad->dq);
	if (sad->h != NULL) {
		while (rte_hash_iterate(sad->h, &key, &data, &it) >= 0)
			mif_sa_destroy(data);
		rte_hash_free(sad->h);
	}
	if (sad->out != NULL) {
		it = 0;
		while (rte_hash_iterate(sad->out, &key, &data, &it) >= 0)
			mif_sa_destroy(data);
		rte_hash_free(sad->out);
	}
	rte_ring_free(sad->ev);
	rte_free(sad);
}

/* Insert, taking back slots of deleted entries whose grace period is
 * over; when the table is still full, wait for the workers (control
 * thread only, bounded by one loop of every worker) and retry once. */
static int
insert(struct mif_sad *sad, struct rte_hash *h, const void *k,
       struct mif_sa *sa)
{
	int rc;

	rte_rcu_qsbr_dq_reclaim(sad->dq, 256, NULL, NULL, NULL);
	rc = rte_hash_add_key_data(h, k, sa);
	if (rc == -ENOSPC) {
		rte_rcu_qsbr_synchronize(sad->qsbr, RTE_QSBR_THRID_INVALID);
		mif_sad_reclaim(sad);
		rc = rte_hash_add_key_data(h, k, sa);
	}
	return rc;
}

int
mif_sad_add(struct mif_sad *sad, struct mif_sa *sa)
{
	struct mif_sad_key k;
	uint32_t id;
	int rc;

	if (sa->dir == MIF_SA_DIR_OUT) {
		if (sa->id > UINT32_MAX)
			return -ERANGE;
		id = (uint32_t)sa->id;
		if (rte_hash_lookup(sad->out, &id) >= 0)
			return -EEXIST;
		if ((rc = insert(sad, sad->out, &id, sa)) != 0)
			return rc;
		sa->ev_ring = sad->ev;
		sad->n_out++;
		return 0;
	}
	key_of(sa, &k);
	if (rte_hash_lookup(sad->h, &k) >= 0)
		return -EEXIST;
	if ((rc = insert(sad, sad->h, &k, sa)) != 0)
		return rc;
	sa->ev_ring = sad->ev;
	sad->n_in++;
	if (sa->match_dst)
		sad->n_dst++;
	return 0;
}

int
mif_sad_del(struct mif_sad *sad, struct mif_sa *sa)
{
	struct deferred d = { .sa = sa, .pos = -1 };
	uint32_t id = (uint32_t)sa->id;
	struct mif_sad_key k;
	void *cur = NULL;
	int32_t pos;

	if (sa->dir == MIF_SA_DIR_OUT) {
		/* Only the SA that holds the key may remove it. */
		if (sa->id > UINT32_MAX ||
		    rte_hash_lookup_data(sad->out, &id, &cur) < 0 || cur != sa)
			return -ENOENT;
		d.pos = rte_hash_del_key(sad->out, &id);
		d.outbound = 1;
		sad->n_out--;
	} else {
		key_of(sa, &k);
		if (rte_hash_lookup_data(sad->h, &k, &cur) < 0 || cur != sa)
			return -ENOENT;
		pos = rte_hash_del_key(sad->h, &k);
		if (pos < 0)
			return -ENOENT;
		d.pos = pos;
		sad->n_in--;
		if (sa->match_dst)
			sad->n_dst--;
	}
	if (rte_rcu_qsbr_dq_enqueue(sad->dq, &d) != 0) {
		/* Queue full even after its own reclaim: wait for a grace
		 * period here rather than leak or free too early. */
		rte_rcu_qsbr_synchronize(sad->qsbr, RTE_QSBR_THRID_INVALID);
		free_deferred(sad, &d, 1);
	}
	return 0;
}

unsigned int
mif_sad_reclaim(struct mif_sad *sad)
{
	unsigned int freed = 0, pending = 0, avail = 0;

	rte_rcu_qsbr_dq_reclaim(sad->dq, UINT32_MAX, &freed, &pending,
				&avail);
	return freed;
}

struct mif_sa *
mif_sad_lookup(const struct mif_sad *sad, uint32_t spi,
	       const struct mif_addr *dst)
{
	struct mif_sad_key k;
	void *data;

	memset(&k, 0, sizeof(k));
	k.spi = spi;
	if (dst != NULL && sad->n_dst != 0) {
		k.family = dst->family;
		if (dst->family == AF_INET)
			memcpy(k.dst, &dst->v4, 4);
		else
			memcpy(k.dst, dst->v6, 16);
		if (rte_hash_lookup_data(sad->h, &k, &data) >= 0)
			return data;
		memset(&k, 0, sizeof(k));
		k.spi = spi;
	}
	if (rte_hash_lookup_data(sad->h, &k, &data) >= 0)
		return data;
	return NULL;
}

static void
lookup_bulk(const struct mif_sad *sad, const struct mif_sad_key *keys,
	    uint16_t n, struct mif_sa *out[])
{
	const void *kp[LOOKUP_MAX];
	void *data[LOOKUP_MAX];
	uint64_t hits = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		kp[i] = &keys[i];
	rte_hash_lookup_bulk_data(sad->h, kp, n, &hits, data);
	for (i = 0; i < n; i++)
		out[i] = (hits >> i) & 1 ? data[i] : NULL;
}

void
mif_sad_lookup_burst(const struct mif_sad *sad,
		     const struct mif_sad_key *keys, uint16_t n,
		     struct mif_sa *out[])
{
	struct mif_sad_key spi_only[LOOKUP_MAX];
	struct mif_sa *again[LOOKUP_MAX];
	uint16_t i;

	RTE_ASSERT(n <= LOOKUP_MAX);
	if (sad->n_dst == 0) {
		/* Common case: no SA is keyed by destination. */
		for (i = 0; i < n; i++) {
			memset(&spi_only[i], 0, sizeof(spi_only[i]));
			spi_only[i].spi = keys[i].spi;
		}
		lookup_bulk(sad, spi_only, n, out);
		return;
	}
	lookup_bulk(sad, keys, n, out);
	for (i = 0; i < n; i++) {
		memset(&spi_only[i], 0, sizeof(spi_only[i]));
		spi_only[i].spi = keys[i].spi;
	}
	lookup_bulk(sad, spi_only, n, again);
	for (i = 0; i < n; i++)
		if (out[i] == NULL)
			out[i] = again[i];
}

unsigned int
mif_sad_events_poll(struct mif_sad *sad, struct mif_sa_event *ev,
		    unsigned int n)
{
	return rte_ring_sc_dequeue_burst_elem(sad->ev, ev, sizeof(*ev), n,
					      NULL);
}

uint32_t
mif_sad_count(const struct mif_sad *sad)
{
	return sad->n_in;
}

struct mif_sa *
mif_sad_out_lookup(const struct mif_sad *sad, uint32_t id)
{
	void *data;

	if (rte_hash_lookup_data(sad->out, &id, &data) >= 0)
		return data;
	return NULL;
}

uint32_t
mif_sad_out_count(const struct mif_sad *sad)
{
	return sad->n_out;
}
