/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_rcu_qsbr.h>

#include "common/cfg_sa.h"
#include "common/ifset_ops.h"
#include "common/log.h"
#include "common/state.h"
#include "dataplane/esp_hdr.h"
#include "dataplane/ifset.h"

static const char *const state_names[MIF_IFSET_STATE_MAX] = {
	[MIF_IFSET_ACTIVE] = "active",
	[MIF_IFSET_ALTERNATE] = "alternate",
	[MIF_IFSET_REMOVED] = "removed",
	[MIF_IFSET_PENDING] = "pending",
};

static const char *const policy_names[MIF_IFSET_POL_MAX] = {
	[MIF_IFSET_POL_HASH] = "hash",
	[MIF_IFSET_POL_PRIMARY] = "primary",
	[MIF_IFSET_POL_WEIGHTED] = "weighted",
};

static const char *const fb_names[MIF_IFSET_FB_MAX] = {
	[MIF_IFSET_FB_IMMEDIATE] = "immediate",
	[MIF_IFSET_FB_NEVER] = "never",
	[MIF_IFSET_FB_MANUAL] = "manual",
};

static const char *
name_of(const char *const *names, unsigned int n, unsigned int v)
{
	return v < n ? names[v] : "?";
}

static int
parse_of(const char *const *names, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

const char *
mif_ifset_state_name(enum mif_ifset_state st)
{
	return name_of(state_names, MIF_IFSET_STATE_MAX, st);
}

const char *
mif_ifset_policy_name(enum mif_ifset_policy p)
{
	return name_of(policy_names, MIF_IFSET_POL_MAX, p);
}

const char *
mif_ifset_failback_name(enum mif_ifset_failback fb)
{
	return name_of(fb_names, MIF_IFSET_FB_MAX, fb);
}

int
mif_ifset_state_parse(const char *s)
{
	return parse_of(state_names, MIF_IFSET_STATE_MAX, s);
}

int
mif_ifset_policy_parse(const char *s)
{
	return parse_of(policy_names, MIF_IFSET_POL_MAX, s);
}

int
mif_ifset_failback_parse(const char *s)
{
	return parse_of(fb_names, MIF_IFSET_FB_MAX, s);
}

/* ---- flow hash ------------------------------------------------------ */

static uint32_t
mix32(uint32_t h)
{
	/* A final avalanche so that the low bits (the bucket) depend on
	 * every input bit; CRC alone leaves them correlated. */
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

static bool
has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
		proto == IPPROTO_SCTP;
}

uint32_t
mif_ifset_flow_hash(const uint8_t *ip, uint32_t len)
{
	uint32_t h = 0, ports = 0, l4 = 0;
	uint64_t addrs[4];
	uint8_t proto = 0;
	bool first = true;

	if (len >= sizeof(struct rte_ipv4_hdr) && (ip[0] >> 4) == 4) {
		struct rte_ipv4_hdr v4;

		memcpy(&v4, ip, sizeof(v4));
		/* rte_hash_crc loads 8 bytes at a time: hash an aligned copy
		 * of the address pair, not the packed header's fields. */
		memcpy(addrs, &v4.src_addr, 8);
		h = rte_hash_crc(addrs, 8, 0);
		proto = v4.next_proto_id;
		l4 = (v4.version_ihl & 0x0f) * 4u;
		first = (rte_be_to_cpu_16(v4.fragment_offset) &
			 RTE_IPV4_HDR_OFFSET_MASK) == 0;
	} else if (len >= sizeof(struct rte_ipv6_hdr) && (ip[0] >> 4) == 6) {
		struct rte_ipv6_hdr v6;

		memcpy(&v6, ip, sizeof(v6));
		memcpy(addrs, v6.src_addr, 32);
		h = rte_hash_crc(addrs, 32, 0);
		proto = v6.proto;
		l4 = sizeof(v6);
	}
	if (first && has_ports(proto) && l4 != 0 && len >= l4 + 4)
		memcpy(&ports, ip + l4, 4);
	h = rte_hash_crc_4byte(ports, h);
	h = rte_hash_crc_4byte(proto, h);
	return mix32(h);
}

/* ---- sets ----------------------------------------------------------- */

/* The constant part of a path's outer IPv4 header: bytes 0-7 and the
 * checksum are written per packet and stay out of the sum. */
static void
outer4_prebuild(struct mif_ifset_path *pa)
{
	uint8_t *h = pa->outer4;

	memset(h, 0, sizeof(pa->outer4));
	if (pa->ep.local.family != AF_INET)
		return;
	h[0] = 0x45;
	h[8] = 64;
	h[9] = pa->ep.udp_encap ? IPPROTO_UDP : MIF_IPPROTO_ESP;
	memcpy(h + 12, &pa->ep.local.v4, 4);
	memcpy(h + 16, &pa->ep.remote.v4, 4);
	pa->outer4_sum = rte_raw_cksum(h + 8, 2) + rte_raw_cksum(h + 12, 8);
}

static struct mif_ifset *
set_alloc(void)
{
	struct mif_ifset *s;

	s = aligned_alloc(RTE_CACHE_LINE_SIZE,
			  RTE_ALIGN_CEIL(sizeof(*s), RTE_CACHE_LINE_SIZE));
	if (s == NULL)
		MIF_LOG(dp, ERR, "no memory for an interface set (%zu bytes)",
			sizeof(*s));
	else
		memset(s, 0, sizeof(*s));
	return s;
}

static int
ep_check(const struct mif_sa_ep *ep)
{
	if (ep->local.family != ep->remote.family ||
	    (ep->local.family != AF_INET && ep->local.family != AF_INET6))
		return -EINVAL;
	if (ep->udp_encap && (ep->sport == 0 || ep->dport == 0))
		return -EINVAL;
	return 0;
}

struct mif_ifset_ref *
mif_ifset_ref_create(uint32_t spi, const struct mif_sa_ep *ep,
		     unsigned int n_slots)
{
	struct mif_ifset_path spec;
	struct mif_ifset_ref *r;
	struct mif_ifset *s;
	uint16_t id;

	r = calloc(1, sizeof(*r));
	if (r == NULL || n_slots == 0)
		goto fail;
	r->spi = spi;
	r->n_slots = n_slots;
	r->next_id = 1;
	r->ctr = aligned_alloc(RTE_CACHE_LINE_SIZE,
			       n_slots * sizeof(*r->ctr));
	s = set_alloc();
	if (r->ctr == NULL || s == NULL) {
		free(s);
		goto fail;
	}
	memset(r->ctr, 0, n_slots * sizeof(*r->ctr));
	memset(&spec, 0, sizeof(spec));
	spec.ep = *ep;
	spec.state = MIF_IFSET_ACTIVE;
	spec.weight = 1;
	if (ep->local.family == 0 && ep->remote.family == 0) {
		s->wildcard = true;
		s->n = 1;
		s->path[0] = spec;
		s->path[0].id = r->next_id++;
		if (mif_ifset_publish(r, s, NULL, NULL) != 0)
			goto fail;
		return r;
	}
	if (mif_ifset_path_add(r, s, &spec, &id) != 0 ||
	    mif_ifset_publish(r, s, NULL, NULL) != 0)
		goto fail;
	return r;
fail:
	MIF_LOG(dp, ERR, "spi 0x%08x: cannot create the interface set",
		spi);
	mif_ifset_ref_destroy(r);
	return NULL;
}

void
mif_ifset_ref_destroy(struct mif_ifset_ref *r)
{
	if (r == NULL)
		return;
	while (r->n_retired > 0)
		free(r->retired[--r->n_retired].set);
	free(r->cur);
	free(r->ctr);
	free(r);
}

struct mif_ifset *
mif_ifset_draft(const struct mif_ifset_ref *r)
{
	struct mif_ifset *d = set_alloc();

	if (d != NULL && r->cur != NULL)
		memcpy(d, r->cur, sizeof(*d));
	return d;
}

void
mif_ifset_draft_free(struct mif_ifset *d)
{
	free(d);
}

struct mif_ifset_path *
mif_ifset_find(struct mif_ifset *s, uint16_t id)
{
	unsigned int i;

	for (i = 0; id != 0 && i < s->n; i++)
		if (s->path[i].id == id)
			return &s->path[i];
	return NULL;
}

const struct mif_ifset_path *
mif_ifset_find_const(const struct mif_ifset *s, uint16_t id)
{
	return mif_ifset_find((struct mif_ifset *)(uintptr_t)s, id);
}

static void
slot_stats(const struct mif_ifset_ref *r, unsigned int cs,
	   struct mif_ifset_pctr *o)
{
	unsigned int w;

	memset(o, 0, sizeof(*o));
	for (w = 0; w < r->n_slots; w++) {
		o->rx += r->ctr[w].p[cs].rx;
		o->tx += r->ctr[w].p[cs].tx;
		o->tx_bytes += r->ctr[w].p[cs].tx_bytes;
		o->drop_in += r->ctr[w].p[cs].drop_in;
	}
}

/* A counter slot no entry of @d uses, and not used by the published set
 * either (a worker may still count on it until the grace period). */
static int
cslot_free(const struct mif_ifset_ref *r, const struct mif_ifset *d)
{
	bool used[MIF_IFSET_CTR_SLOTS] = { false };
	unsigned int i;

	for (i = 0; i < d->n; i++)
		used[d->path[i].cslot] = true;
	for (i = 0; r->cur != NULL && i < r->cur->n; i++)
		used[r->cur->path[i].cslot] = true;
	for (i = 0; i < MIF_IFSET_CTR_SLOTS; i++)
		if (!used[i])
			return (int)i;
	return -ENOSPC;
}

/* Drop the oldest REMOVED entry to make room; -ENOSPC if none. */
static int
purge_removed(struct mif_ifset *d)
{
	unsigned int i, best = MIF_IFSET_MAX_PATHS;

	for (i = 0; i < d->n; i++)
		if (d->path[i].state == MIF_IFSET_REMOVED &&
		    (best == MIF_IFSET_MAX_PATHS ||
		     d->path[i].id < d->path[best].id))
			best = i;
	if (best == MIF_IFSET_MAX_PATHS)
		return -ENOSPC;
	memmove(&d->path[best], &d->path[best + 1],
		(d->n - best - 1) * sizeof(d->path[0]));
	d->n--;
	return 0;
}

static bool
same_ep(const struct mif_sa_ep *a, const struct mif_sa_ep *b)
{
	size_t alen = a->local.family == AF_INET ? 4 : 16;

	return a->local.family == b->local.family &&
		a->udp_encap == b->udp_encap &&
		memcmp(&a->local.v4, &b->local.v4, alen) == 0 &&
		memcmp(&a->remote.v4, &b->remote.v4, alen) == 0 &&
		(!a->udp_encap || (a->sport == b->sport &&
				   a->dport == b->dport));
}

int
mif_ifset_path_add(struct mif_ifset_ref *r, struct mif_ifset *d,
		   const struct mif_ifset_path *spec, uint16_t *id)
{
	struct mif_ifset_path *pa;
	unsigned int i;
	int cs;

	if (ep_check(&spec->ep) != 0 || spec->state >= MIF_IFSET_STATE_MAX ||
	    spec->state == MIF_IFSET_REMOVED ||
	    spec->weight > MIF_IFSET_WEIGHT_MAX)
		return -EINVAL;
	for (i = 0; i < d->n; i++)
		if (d->path[i].state != MIF_IFSET_REMOVED &&
		    same_ep(&d->path[i].ep, &spec->ep))
			return -EEXIST;
	if (d->wildcard) {
		/* The first real path ends "any address". */
		d->wildcard = false;
		d->n = 0;
	}
	if (d->n == MIF_IFSET_MAX_PATHS && purge_removed(d) != 0)
		return -ENOSPC;
	if ((cs = cslot_free(r, d)) < 0)
		return cs;
	/* Ids are never reused: 65535 adds per SA before a rekey. */
	if (r->next_id == 0)
		return -ENOSPC;
	pa = &d->path[d->n++];
	*pa = *spec;
	pa->id = r->next_id++;
	pa->cslot = cs;
	pa->down = false;
	pa->stands_for = 0;
	if (pa->weight == 0)
		pa->weight = 1;
	outer4_prebuild(pa);
	/* Reports of a reused slot start from what it holds now. */
	slot_stats(r, cs, &r->base[cs]);
	*id = pa->id;
	return 0;
}

int
mif_ifset_path_set_state(struct mif_ifset *d, uint16_t id,
			 enum mif_ifset_state st)
{
	struct mif_ifset_path *pa = mif_ifset_find(d, id);

	if (pa == NULL)
		return -ENOENT;
	if (st >= MIF_IFSET_STATE_MAX ||
	    (pa->state == MIF_IFSET_REMOVED && st != MIF_IFSET_REMOVED))
		return -EINVAL;
	pa->state = st;
	if (st != MIF_IFSET_ACTIVE)
		pa->stands_for = 0;
	return 0;
}

/* Best alternate for failed path @id: alt_of == id first, then any. */
static struct mif_ifset_path *
best_alternate(struct mif_ifset *d, uint16_t id)
{
	struct mif_ifset_path *best = NULL, *pa;
	unsigned int i, pass;

	for (pass = 0; pass < 2 && best == NULL; pass++) {
		for (i = 0; i < d->n; i++) {
			pa = &d->path[i];
			if (pa->state != MIF_IFSET_ALTERNATE || pa->down ||
			    pa->id == id ||
			    pa->alt_of != (pass == 0 ? id : 0))
				continue;
			if (best == NULL || pa->priority < best->priority)
				best = pa;
		}
	}
	return best;
}

int
mif_ifset_path_fail(struct mif_ifset *d, uint16_t id)
{
	struct mif_ifset_path *pa = mif_ifset_find(d, id), *alt;
	uint16_t orig;

	if (pa == NULL)
		return -ENOENT;
	if (pa->down)
		return -EALREADY;
	pa->down = true;
	if (pa->state != MIF_IFSET_ACTIVE)
		return 0;
	/* A stand-in that fails hands its role on: the new stand-in
	 * replaces the path that failed first. */
	orig = pa->stands_for != 0 ? pa->stands_for : id;
	pa->state = MIF_IFSET_ALTERNATE;
	pa->stands_for = 0;
	if (pa->alt_of == 0 && orig != id)
		pa->alt_of = orig;
	alt = best_alternate(d, orig);
	if (alt == NULL && orig != id)
		alt = best_alternate(d, id);
	if (alt != NULL) {
		alt->state = MIF_IFSET_ACTIVE;
		alt->stands_for = orig;
	}
	return 0;
}

static struct mif_ifset_path *
stand_in_of(struct mif_ifset *d, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (d->path[i].state == MIF_IFSET_ACTIVE &&
		    d->path[i].stands_for == id)
			return &d->path[i];
	return NULL;
}

int
mif_ifset_path_restore(struct mif_ifset *d, uint16_t id,
		       enum mif_ifset_failback fb)
{
	struct mif_ifset_path *pa = mif_ifset_find(d, id), *si;

	if (pa == NULL)
		return -ENOENT;
	if (!pa->down)
		return -EALREADY;
	pa->down = false;
	if (pa->state == MIF_IFSET_REMOVED)
		return 0;
	si = stand_in_of(d, id);
	if (fb == MIF_IFSET_FB_IMMEDIATE) {
		pa->state = MIF_IFSET_ACTIVE;
		if (si != NULL) {
			si->state = MIF_IFSET_ALTERNATE;
			si->stands_for = 0;
			si->alt_of = id;
		}
	} else if (fb == MIF_IFSET_FB_NEVER && si != NULL) {
		/* The stand-in is now the primary in its own right. */
		si->stands_for = 0;
		pa->alt_of = si->id;
	}
	/* MANUAL: stays ALTERNATE; the stand-in keeps stands_for so that
	 * a promote of @id swaps them back. */
	return 0;
}

int
mif_ifset_path_promote(struct mif_ifset *d, uint16_t id)
{
	struct mif_ifset_path *pa = mif_ifset_find(d, id), *o;

	if (pa == NULL)
		return -ENOENT;
	if (pa->state == MIF_IFSET_REMOVED || pa->down)
		return -EINVAL;
	if (pa->state == MIF_IFSET_ACTIVE)
		return 0;
	if ((o = stand_in_of(d, id)) != NULL) {
		o->state = MIF_IFSET_ALTERNATE;
		o->stands_for = 0;
		o->alt_of = id;
	}
	o = mif_ifset_find(d, pa->alt_of);
	if (o != NULL && o->state == MIF_IFSET_ACTIVE) {
		o->state = MIF_IFSET_ALTERNATE;
		o->stands_for = 0;
		o->alt_of = id;
	}
	pa->state = MIF_IFSET_ACTIVE;
	pa->alt_of = 0;
	return 0;
}

/* ---- publication ---------------------------------------------------- */

static uint32_t
bucket_score(unsigned int b, uint16_t id)
{
	return mix32(rte_hash_crc_4byte((uint32_t)id << 16 | b, 0x6d69));
}

/* Natural log of x / 2^32 for x >= 1, without libm: the exponent from
 * the top bit, the mantissa m in [1, 2) from the atanh series of
 * (m-1)/(m+1) (|t| <= 1/3, five terms: error below 1e-6). */
static double
ln_frac32(uint32_t x)
{
	int k = 31 - __builtin_clz(x);
	double m = (double)x / (double)(1ULL << k);
	double t = (m - 1) / (m + 1), t2 = t * t;
	double s = t * (1 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 *
		       (1.0 / 7 + t2 / 9))));

	return 2 * s + (k - 32) * 0.69314718055994531;
}

/* Weighted rendezvous hashing per bucket: the bucket goes to the path
 * with the highest -w/ln(u). Adding or removing a path moves only the
 * buckets that path wins or held, so other flows keep their path. */
static void
buckets_fill(struct mif_ifset *s)
{
	double best, sc;
	unsigned int b, i;
	uint16_t w;

	for (b = 0; b < MIF_IFSET_BUCKETS; b++) {
		s->bucket[b] = MIF_IFSET_NONE;
		best = 0;
		for (i = 0; i < s->n; i++) {
			if (s->path[i].state != MIF_IFSET_ACTIVE)
				continue;
			w = s->policy == MIF_IFSET_POL_WEIGHTED ?
				s->path[i].weight : 1;
			sc = -(double)w /
				ln_frac32(bucket_score(b, s->path[i].id) | 1);
			if (s->bucket[b] == MIF_IFSET_NONE || sc > best) {
				best = sc;
				s->bucket[b] = i;
			}
		}
	}
}

static void
finish(struct mif_ifset *s)
{
	unsigned int i;

	s->n_active = 0;
	s->primary = MIF_IFSET_NONE;
	for (i = 0; i < s->n; i++) {
		if (s->path[i].state != MIF_IFSET_ACTIVE)
			continue;
		s->n_active++;
		if (s->primary == MIF_IFSET_NONE ||
		    s->path[i].priority < s->path[s->primary].priority)
			s->primary = i;
	}
	buckets_fill(s);
}

static int
validate(const struct mif_ifset *s)
{
	unsigned int i, j;

	if (s->n == 0 || s->n > MIF_IFSET_MAX_PATHS ||
	    s->policy >= MIF_IFSET_POL_MAX)
		return -EINVAL;
	for (i = 0; i < s->n; i++) {
		if (s->path[i].state >= MIF_IFSET_STATE_MAX ||
		    s->path[i].cslot >= MIF_IFSET_CTR_SLOTS)
			return -EINVAL;
		for (j = i + 1; j < s->n; j++)
			if (s->path[i].id == s->path[j].id)
				return -EINVAL;
	}
	return 0;
}

static const char *
ep_fmt(const struct mif_sa_ep *ep, char *buf, size_t len)
{
	char l[MIF_ADDR_STRLEN], r[MIF_ADDR_STRLEN];

	mif_addr_fmt(&ep->local, l, sizeof(l));
	mif_addr_fmt(&ep->remote, r, sizeof(r));
	if (ep->udp_encap)
		snprintf(buf, len, "%s:%u-%s:%u", l, ep->sport, r, ep->dport);
	else
		snprintf(buf, len, "%s-%s", l, r);
	return buf;
}

/* One NOTICE per path that appeared, vanished or changed state. */
static void
log_changes(const struct mif_ifset_ref *r, const struct mif_ifset *old,
	    const struct mif_ifset *s, const char *why)
{
	const struct mif_ifset_path *a, *b;
	char e[2 * MIF_ADDR_STRLEN + 16];
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		b = &s->path[i];
		a = old != NULL ? mif_ifset_find_const(old, b->id) : NULL;
		if (a != NULL && a->state == b->state && a->down == b->down)
			continue;
		MIF_LOG(dp, NOTICE, "sa spi 0x%08x path %u (%s): %s%s -> %s%s (%s)",
			r->spi, b->id, ep_fmt(&b->ep, e, sizeof(e)),
			a != NULL ? mif_ifset_state_name(a->state) : "new",
			a != NULL && a->down ? "/down" : "",
			mif_ifset_state_name(b->state), b->down ? "/down" : "",
			why != NULL ? why : "unspecified");
	}
	for (i = 0; old != NULL && i < old->n; i++) {
		a = &old->path[i];
		if (mif_ifset_find_const(s, a->id) == NULL)
			MIF_LOG(dp, NOTICE, "sa spi 0x%08x path %u (%s): %s -> purged (%s)",
				r->spi, a->id, ep_fmt(&a->ep, e, sizeof(e)),
				mif_ifset_state_name(a->state),
				why != NULL ? why : "unspecified");
	}
}

int
mif_ifset_publish(struct mif_ifset_ref *r, struct mif_ifset *d,
		  struct rte_rcu_qsbr *qsbr, const char *why)
{
	struct mif_ifset *old = r->cur;

	if (validate(d) != 0) {
		MIF_LOG(dp, ERR, "sa spi 0x%08x: interface set refused (%u paths)",
			r->spi, d->n);
		free(d);
		return -EINVAL;
	}
	finish(d);
	d->gen = old != NULL ? old->gen + 1 : 1;
	if (why != NULL)
		log_changes(r, old, d, why);
	/* Release: a worker that loads the new pointer sees the whole set
	 * as written above. */
	__atomic_store_n(&r->cur, d, __ATOMIC_RELEASE);
	if (old == NULL)
		return 0;
	if (qsbr == NULL) {
		free(old);
		return 0;
	}
	r->qsbr = qsbr;
	if (r->n_retired == MIF_IFSET_RETIRED_MAX) {
		/* Full: wait for the oldest one's grace period. */
		rte_rcu_qsbr_check(qsbr, r->retired[0].token, true);
		mif_ifset_reclaim(r);
	}
	/* Every worker reports a quiescent state once per loop and holds
	 * no set pointer across it: once all have passed this token,
	 * none can still read @old. The token is taken after the store. */
	r->retired[r->n_retired].set = old;
	r->retired[r->n_retired].token = rte_rcu_qsbr_start(qsbr);
	r->n_retired++;
	mif_ifset_reclaim(r);
	return 0;
}

unsigned int
mif_ifset_reclaim(struct mif_ifset_ref *r)
{
	unsigned int k = 0;

	while (k < r->n_retired &&
	       rte_rcu_qsbr_check(r->qsbr, r->retired[k].token, false) == 1)
		free(r->retired[k++].set);
	if (k > 0) {
		memmove(&r->retired[0], &r->retired[k],
			(r->n_retired - k) * sizeof(r->retired[0]));
		r->n_retired -= k;
	}
	return k;
}

/* ---- soft handover -------------------------------------------------- */

static uint64_t
rx_of(const struct mif_ifset_ref *r, const struct mif_ifset_path *pa)
{
	struct mif_ifset_pctr c;

	slot_stats(r, pa->cslot, &c);
	return c.rx - r->base[pa->cslot].rx;
}

int
mif_ifset_drain_start(struct mif_ifset_ref *r, uint16_t old_id,
		      uint16_t new_id, uint64_t idle_us, uint64_t new_pkts)
{
	const struct mif_ifset_path *a, *b;

	a = mif_ifset_find_const(r->cur, old_id);
	b = mif_ifset_find_const(r->cur, new_id);
	if (a == NULL || b == NULL || old_id == new_id)
		return -ENOENT;
	if (r->drain.old_id != 0)
		return -EBUSY;
	r->drain.old_id = old_id;
	r->drain.new_id = new_id;
	r->drain.idle_tsc = idle_us * rte_get_tsc_hz() / 1000000;
	r->drain.new_pkts = new_pkts;
	r->drain.old_rx = rx_of(r, a);
	r->drain.old_rx_tsc = rte_get_tsc_cycles();
	r->drain.new_rx0 = rx_of(r, b);
	return 0;
}

int
mif_ifset_tick(struct mif_ifset_ref *r, struct rte_rcu_qsbr *qsbr,
	       uint64_t now)
{
	struct mif_ifset_drain *dr = &r->drain;
	const struct mif_ifset_path *a, *b;
	struct mif_ifset *d;
	uint64_t rx;
	int rc;

	if (dr->old_id == 0)
		return 0;
	a = mif_ifset_find_const(r->cur, dr->old_id);
	b = mif_ifset_find_const(r->cur, dr->new_id);
	if (a == NULL || a->state == MIF_IFSET_REMOVED) {
		dr->old_id = 0;		/* removed meanwhile */
		return 0;
	}
	rx = rx_of(r, a);
	if (rx != dr->old_rx) {
		dr->old_rx = rx;
		dr->old_rx_tsc = now;
	}
	/* A clock read before the handover began counts as no time. */
	if ((now <= dr->old_rx_tsc || now - dr->old_rx_tsc < dr->idle_tsc) &&
	    (dr->new_pkts == 0 || b == NULL ||
	     rx_of(r, b) - dr->new_rx0 < dr->new_pkts))
		return 0;
	if ((d = mif_ifset_draft(r)) == NULL)
		return -ENOMEM;
	mif_ifset_path_set_state(d, dr->old_id, MIF_IFSET_REMOVED);
	dr->old_id = 0;
	if ((rc = mif_ifset_publish(r, d, qsbr, "soft handover: drained"))
	    != 0)
		return rc;
	return 1;
}

/* ---- operations (common/ifset_ops.h) ------------------------------- */

static void
ep_of(struct mif_sa_ep *e, const struct mif_ifset_ops_ep *o)
{
	memset(e, 0, sizeof(*e));
	e->local = o->local;
	e->remote = o->remote;
	e->udp_encap = o->udp;
	e->sport = o->udp ? o->lport : 0;
	e->dport = o->udp ? o->rport : 0;
}

/* The live (not REMOVED) entry with these endpoints. */
static struct mif_ifset_path *
find_ep(struct mif_ifset *d, const struct mif_ifset_ops_ep *o)
{
	struct mif_sa_ep e;
	unsigned int i;

	ep_of(&e, o);
	for (i = 0; i < d->n; i++)
		if (d->path[i].state != MIF_IFSET_REMOVED &&
		    same_ep(&d->path[i].ep, &e))
			return &d->path[i];
	return NULL;
}

static int
op_add(struct mif_ifset_ref *r, struct mif_ifset *d,
       const struct mif_ifset_op *op, const struct mif_ifset_ops_ep *ep,
       uint8_t state, uint16_t *id)
{
	struct mif_ifset_path spec, *alt = NULL;

	if (op->has_alt_of && (alt = find_ep(d, &op->alt_of)) == NULL)
		return -ENOENT;
	memset(&spec, 0, sizeof(spec));
	ep_of(&spec.ep, ep);
	spec.state = state;
	spec.priority = op->priority;
	spec.weight = op->weight;
	spec.alt_of = alt != NULL ? alt->id : 0;
	return mif_ifset_path_add(r, d, &spec, id);
}

/* FAIL / RESTORE of one path, or of every path on a local address. */
static int
op_link(struct mif_ifset_ref *r, struct mif_ifset *d,
	const struct mif_ifset_op *op)
{
	size_t alen = op->ep.local.family == AF_INET ? 4 : 16;
	uint16_t ids[MIF_IFSET_MAX_PATHS];
	struct mif_ifset_path *pa;
	unsigned int i, n = 0, changed = 0;

	if (op->ep.remote.family != 0) {
		if ((pa = find_ep(d, &op->ep)) == NULL)
			return -ENOENT;
		ids[n++] = pa->id;
	}
	for (i = 0; op->ep.remote.family == 0 && i < d->n; i++)
		if (d->path[i].ep.local.family == op->ep.local.family &&
		    memcmp(&d->path[i].ep.local.v4, &op->ep.local.v4, alen)
		    == 0)
			ids[n++] = d->path[i].id;
	if (n == 0)
		return -ENOENT;
	/* Ids, not pointers: a failover changes the entries' states. */
	for (i = 0; i < n; i++)
		if ((op->kind == MIF_IFSET_OP_FAIL ?
		     mif_ifset_path_fail(d, ids[i]) :
		     mif_ifset_path_restore(d, ids[i], r->failback)) == 0)
			changed++;
	return changed > 0 ? 0 : -EALREADY;
}

/* Hard handover: the new path takes the old one's place in one set. */
static int
op_hard(struct mif_ifset_ref *r, struct mif_ifset *d,
	const struct mif_ifset_op *op, uint16_t *nid)
{
	struct mif_ifset_path *old = find_ep(d, &op->ep), *nw;
	uint8_t prio, state;
	uint16_t oid, w;
	int rc;

	if (old == NULL)
		return -ENOENT;
	oid = old->id;
	prio = old->priority;
	w = old->weight;
	state = old->state == MIF_IFSET_PENDING ? MIF_IFSET_ACTIVE :
		old->state;
	if ((nw = find_ep(d, &op->new_ep)) != NULL) {
		nw->state = state;
		*nid = nw->id;
	} else if ((rc = op_add(r, d, op, &op->new_ep, state, nid)) != 0) {
		return rc;
	}
	if ((nw = mif_ifset_find(d, *nid)) != NULL) {
		nw->priority = prio;
		nw->weight = w;
	}
	return mif_ifset_path_set_state(d, oid, MIF_IFSET_REMOVED);
}

static int
op_edit(struct mif_ifset_ref *r, struct mif_ifset *d,
	const struct mif_ifset_op *op, uint16_t *nid)
{
	struct mif_ifset_path *pa = NULL;

	if (op->kind == MIF_IFSET_OP_ADD)
		return op_add(r, d, op, &op->ep, op->state, nid);
	if (op->kind == MIF_IFSET_OP_FAIL || op->kind == MIF_IFSET_OP_RESTORE)
		return op_link(r, d, op);
	if (op->kind == MIF_IFSET_OP_HARD)
		return op_hard(r, d, op, nid);
	if (op->kind == MIF_IFSET_OP_SOFT) {
		if (find_ep(d, &op->ep) == NULL)
			return -ENOENT;
		if (r->drain.old_id != 0)
			return -EBUSY;
		/* The new path may already be there (an alternate made
		 * ready beforehand): it becomes ACTIVE. */
		if ((pa = find_ep(d, &op->new_ep)) != NULL) {
			*nid = pa->id;
			return mif_ifset_path_set_state(d, pa->id,
							MIF_IFSET_ACTIVE);
		}
		return op_add(r, d, op, &op->new_ep, MIF_IFSET_ACTIVE, nid);
	}
	if ((pa = find_ep(d, &op->ep)) == NULL)
		return -ENOENT;
	switch (op->kind) {
	case MIF_IFSET_OP_REMOVE:
		return mif_ifset_path_set_state(d, pa->id, MIF_IFSET_REMOVED);
	case MIF_IFSET_OP_ALTERNATE:
		if (op->has_alt_of) {
			struct mif_ifset_path *a = find_ep(d, &op->alt_of);

			if (a == NULL || a == pa)
				return -ENOENT;
			pa->alt_of = a->id;
		}
		return mif_ifset_path_set_state(d, pa->id, MIF_IFSET_ALTERNATE);
	case MIF_IFSET_OP_PROMOTE:
		return mif_ifset_path_promote(d, pa->id);
	default:
		return -EINVAL;
	}
}

int
mif_ifset_op_apply(void *ref, const struct mif_ifset_op *op, char *msg,
		   size_t len)
{
	struct mif_ifset_ref *r = ref;
	uint16_t nid = 0, oid = 0;
	struct mif_ifset *d;
	char why[64];
	int rc;

	if ((d = mif_ifset_draft(r)) == NULL) {
		snprintf(msg, len, "no memory");
		return -ENOMEM;
	}
	if (op->kind == MIF_IFSET_OP_SOFT && find_ep(d, &op->ep) != NULL)
		oid = find_ep(d, &op->ep)->id;
	if ((rc = op_edit(r, d, op, &nid)) != 0) {
		mif_ifset_draft_free(d);
		snprintf(msg, len, "spi 0x%08x: %s", r->spi, strerror(-rc));
		return rc;
	}
	snprintf(why, sizeof(why), "%s%s%s", mif_ifset_op_name(op->kind),
		 op->why != NULL ? ", " : "", op->why != NULL ? op->why : "");
	if ((rc = mif_ifset_publish(r, d, mif_state.qsbr, why)) != 0) {
		snprintf(msg, len, "spi 0x%08x: set refused", r->spi);
		return rc;
	}
	/* Soft handover: both carry traffic now; the old path goes once
	 * it has drained (mif_ifset_tick()). */
	if (op->kind == MIF_IFSET_OP_SOFT)
		mif_ifset_drain_start(r, oid, nid, op->drain_idle_us,
				      op->drain_pkts);
	snprintf(msg, len, "spi 0x%08x: done", r->spi);
	return 0;
}

/* ---- configuration (manually keyed SAs) ---------------------------- */

int
mif_ifset_cfg_apply(struct mif_ifset_ref *r, const struct mif_cfg_sa *c)
{
	uint16_t ids[MIF_CFG_SA_MAX_PATHS + 1];
	struct mif_ifset_path spec;
	struct mif_ifset *d;
	unsigned int i;
	int rc;

	if (c->n_paths == 0 && c->path_policy == 0 && c->failback == 0)
		return 0;
	if ((d = mif_ifset_draft(r)) == NULL)
		return -ENOMEM;
	d->policy = c->path_policy;
	r->failback = c->failback;
	ids[0] = d->path[0].id;
	for (i = 0; i < c->n_paths; i++) {
		const struct mif_cfg_sa_path *p = &c->paths[i];

		/* Added later through the registry (control/ifset_link.c). */
		if (p->has_ts)
			continue;
		memset(&spec, 0, sizeof(spec));
		spec.ep.local = p->local;
		spec.ep.remote = p->remote;
		spec.ep.udp_encap = c->udp_encap;
		spec.ep.sport = c->udp_encap ? p->sport : 0;
		spec.ep.dport = c->udp_encap ? p->dport : 0;
		spec.state = p->state;
		spec.priority = p->priority;
		spec.weight = p->weight;
		/* The loader bounds alt_of by the entries before this one. */
		spec.alt_of = p->alt_of >= 0 ? ids[p->alt_of] : 0;
		if ((rc = mif_ifset_path_add(r, d, &spec, &ids[i + 1])) != 0) {
			MIF_LOG(dp, ERR, "SA \"%s\" paths[%u] (line %u): %s",
				c->name, i, p->line, strerror(-rc));
			mif_ifset_draft_free(d);
			return rc;
		}
	}
	return mif_ifset_publish(r, d, NULL, "configuration");
}

/* ---- counters ------------------------------------------------------- */

void
mif_ifset_path_stats(const struct mif_ifset_ref *r, uint16_t id,
		     struct mif_ifset_pctr *out)
{
	const struct mif_ifset_path *pa = mif_ifset_find_const(r->cur, id);
	const struct mif_ifset_pctr *b;

	memset(out, 0, sizeof(*out));
	if (pa == NULL)
		return;
	slot_stats(r, pa->cslot, out);
	b = &r->base[pa->cslot];
	out->rx -= b->rx;
	out->tx -= b->tx;
	out->tx_bytes -= b->tx_bytes;
	out->drop_in -= b->drop_in;
}

void
mif_ifset_stats(const struct mif_ifset_ref *r, uint64_t *no_match,
		uint64_t *no_path)
{
	unsigned int w;

	*no_match = *no_path = 0;
	for (w = 0; w < r->n_slots; w++) {
		*no_match += r->ctr[w].no_match;
		*no_path += r->ctr[w].no_path;
	}
}
