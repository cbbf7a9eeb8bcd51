/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_string_fns.h>

#include "common/log.h"
#include "dataplane/esp_crypto.h"
#include "dataplane/esp_hdr.h"
#include "dataplane/ifset.h"
#include "dataplane/replay.h"
#include "dataplane/sa.h"

static const char *const drop_names[MIF_SA_DROP_MAX] = {
	[MIF_SA_DROP_REPLAY] = "replay",
	[MIF_SA_DROP_AUTH] = "auth",
	[MIF_SA_DROP_BAD_PAD] = "bad_pad",
	[MIF_SA_DROP_BAD_LEN] = "bad_len",
	[MIF_SA_DROP_SEQ_OVERFLOW] = "seq_overflow",
	[MIF_SA_DROP_HARD_EXPIRED] = "hard_expired",
	[MIF_SA_DROP_POLICY] = "policy",
	[MIF_SA_DROP_ECN] = "ecn",
	[MIF_SA_DROP_PATH] = "path",
};

const char *
mif_sa_drop_name(enum mif_sa_drop reason)
{
	return reason < MIF_SA_DROP_MAX ? drop_names[reason] : "?";
}

static int
check_algs(const struct mif_sa_params *p)
{
	switch (p->cipher) {
	case MIF_SA_CIPHER_AES_GCM16:
		if (p->auth != MIF_SA_AUTH_NONE)
			return -EINVAL;
		return p->key_len == 16 || p->key_len == 32 ? 0 : -EINVAL;
	case MIF_SA_CIPHER_AES_CBC:
		if (p->key_len != 16 && p->key_len != 32)
			return -EINVAL;
		/* CBC needs an HMAC like NULL does. */
		__attribute__((fallthrough));
	case MIF_SA_CIPHER_NULL:
		if (p->auth != MIF_SA_AUTH_HMAC_SHA1_96 &&
		    p->auth != MIF_SA_AUTH_HMAC_SHA256_128)
			return -EINVAL;
		if (p->auth_key_len == 0 ||
		    p->auth_key_len > MIF_SA_AUTH_KEY_MAX)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static int
check_params(const struct mif_sa_params *p)
{
	int rc;

	if ((rc = check_algs(p)) != 0) {
		MIF_LOG(esp, ERR, "spi 0x%08x: unsupported algorithm or key length (cipher %d, key %u bytes, auth %d, auth key %u bytes)",
			p->spi, p->cipher, p->key_len, p->auth,
			p->auth_key_len);
		return rc;
	}
	if (p->replay_win > MIF_REPLAY_WIN_MAX ||
	    (p->esn && p->replay_win == 0 && p->dir == MIF_SA_DIR_IN)) {
		MIF_LOG(esp, ERR, "spi 0x%08x: replay window %u out of range (1..%u with ESN, 0..%u without)",
			p->spi, p->replay_win, MIF_REPLAY_WIN_MAX,
			MIF_REPLAY_WIN_MAX);
		return -EINVAL;
	}
	if (p->n_slots == 0 || p->n_slots > MIF_SA_MAX_SLOTS) {
		MIF_LOG(esp, ERR, "spi 0x%08x: %u counter slots (1..%u)",
			p->spi, p->n_slots, MIF_SA_MAX_SLOTS);
		return -EINVAL;
	}
	if (p->mode == MIF_SA_MODE_TUNNEL &&
	    (p->ep.local.family != p->ep.remote.family ||
	     (p->ep.local.family != AF_INET &&
	      p->ep.local.family != AF_INET6))) {
		MIF_LOG(esp, ERR, "spi 0x%08x: tunnel endpoints missing or of different families",
			p->spi);
		return -EINVAL;
	}
	if (!p->esn && p->seq_start > UINT32_MAX) {
		MIF_LOG(esp, ERR, "spi 0x%08x: start sequence above 2^32-1 without ESN",
			p->spi);
		return -EINVAL;
	}
	return 0;
}

/* Layout of the single allocation: SA, keys, counter slots, window. */
struct layout {
	size_t keys, ctr, replay, total;
};

static void
layout_of(const struct mif_sa_params *p, struct layout *l)
{
	l->keys = RTE_ALIGN_CEIL(sizeof(struct mif_sa), RTE_CACHE_LINE_SIZE);
	l->ctr = l->keys + sizeof(struct mif_sa_keys);
	l->replay = l->ctr + p->n_slots * sizeof(struct mif_sa_ctr);
	l->total = l->replay;
	if (p->dir == MIF_SA_DIR_IN)
		l->total += mif_replay_size(p->replay_win);
	l->total = RTE_ALIGN_CEIL(l->total, RTE_CACHE_LINE_SIZE);
}

size_t
mif_sa_mem_size(const struct mif_sa_params *p)
{
	struct layout l;

	layout_of(p, &l);
	return l.total;
}

static uint64_t
deadline(uint64_t seconds, uint64_t now)
{
	if (seconds == 0)
		return UINT64_MAX;
	return now + seconds * rte_get_tsc_hz();
}

static void
set_sizes(struct mif_sa *sa)
{
	switch (sa->cipher) {
	case MIF_SA_CIPHER_AES_GCM16:
		sa->iv_len = 8;
		sa->icv_len = 16;
		sa->align = 4;
		return;
	case MIF_SA_CIPHER_AES_CBC:
		sa->iv_len = 16;
		sa->align = 16;
		break;
	case MIF_SA_CIPHER_NULL:
		sa->iv_len = 0;
		sa->align = 4;
		break;
	}
	sa->icv_len = sa->auth == MIF_SA_AUTH_HMAC_SHA1_96 ? 12 : 16;
	sa->hash_state_len = sa->auth == MIF_SA_AUTH_HMAC_SHA1_96 ? 20 : 32;
}

/* The constant part of the outer IPv4 header; the per-packet words
 * (bytes 0-7) and the checksum stay zero and out of the sum. */
static void
outer4_prebuild(struct mif_sa *sa)
{
	uint8_t *h = sa->outer4;

	memset(h, 0, sizeof(sa->outer4));
	h[0] = 0x45;
	h[8] = 64;
	h[9] = sa->ep.udp_encap ? IPPROTO_UDP : MIF_IPPROTO_ESP;
	memcpy(h + 12, &sa->ep.local.v4, 4);
	memcpy(h + 16, &sa->ep.remote.v4, 4);
	sa->outer4_sum = rte_raw_cksum(h + 8, 2) + rte_raw_cksum(h + 12, 8);
}

static void
copy_params(struct mif_sa *sa, const struct mif_sa_params *p)
{
	uint64_t now = rte_get_tsc_cycles();

	sa->spi = p->spi;
	sa->id = p->id;
	sa->dir = p->dir;
	sa->mode = p->mode;
	sa->cipher = p->cipher;
	sa->auth = p->auth;
	sa->df = p->df;
	sa->esn = p->esn;
	sa->fragment = p->fragment;
	sa->match_dst = p->match_dst;
	sa->key_len = p->key_len;
	sa->ep = p->ep;
	if (sa->ep.udp_encap && sa->ep.sport == 0)
		sa->ep.sport = MIF_ESP_NATT_PORT_DEFAULT;
	if (sa->ep.udp_encap && sa->ep.dport == 0)
		sa->ep.dport = MIF_ESP_NATT_PORT_DEFAULT;
	sa->soft = p->soft;
	sa->hard = p->hard;
	sa->soft_tsc = deadline(p->soft.seconds, now);
	sa->hard_tsc = deadline(p->hard.seconds, now);
	sa->seq_max = p->esn ? UINT64_MAX : UINT32_MAX;
	sa->seq = p->seq_start;
	sa->n_slots = p->n_slots;
	rte_spinlock_init(&sa->lock);
	set_sizes(sa);
	if (sa->ep.local.family == AF_INET)
		outer4_prebuild(sa);
}

struct mif_sa *
mif_sa_create(const struct mif_sa_params *p)
{
	struct mif_sa *sa;
	struct layout l;
	uint8_t *base;

	if (check_params(p) != 0)
		return NULL;
	layout_of(p, &l);
	base = aligned_alloc(RTE_CACHE_LINE_SIZE, l.total);
	if (base == NULL) {
		MIF_LOG(esp, ERR, "spi 0x%08x: no memory (%zu bytes)",
			p->spi, l.total);
		return NULL;
	}
	memset(base, 0, l.total);
	sa = (struct mif_sa *)base;
	sa->alloc_size = l.total;
	sa->keys = (struct mif_sa_keys *)(base + l.keys);
	sa->ctr = (struct mif_sa_ctr *)(base + l.ctr);
	copy_params(sa, p);
	if (p->dir == MIF_SA_DIR_IN) {
		sa->replay = (struct mif_replay *)(base + l.replay);
		mif_replay_init(sa->replay, p->replay_win);
	}
	/* The single endpoint pair becomes a set of one ACTIVE path. */
	sa->ifs = mif_ifset_ref_create(sa->spi, &sa->ep, sa->n_slots);
	if (sa->ifs == NULL || mif_esp_keys_init(sa->keys, p) != 0) {
		mif_sa_destroy(sa);
		return NULL;
	}
	return sa;
}

void
mif_sa_destroy(struct mif_sa *sa)
{
	if (sa == NULL)
		return;
	mif_ifset_ref_destroy(sa->ifs);
	/* Wipe everything, not only the keys: the window and counters are
	 * harmless, but one call covers the expanded key schedules too. */
	explicit_bzero(sa, sa->alloc_size);
	free(sa);
}

void
mif_sa_stats(const struct mif_sa *sa, struct mif_sa_ctr *out)
{
	unsigned int s, r;

	memset(out, 0, sizeof(*out));
	for (s = 0; s < sa->n_slots; s++) {
		const struct mif_sa_ctr *c = &sa->ctr[s];

		out->packets += c->packets;
		out->bytes += c->bytes;
		for (r = 0; r < MIF_SA_DROP_MAX; r++)
			out->drop[r] += c->drop[r];
	}
}

void
mif_sa_event_raise(struct mif_sa *sa, uint32_t ev)
{
	struct mif_sa_event e;
	uint32_t old;

	old = __atomic_fetch_or(&sa->events, ev, __ATOMIC_ACQ_REL);
	if ((old & ev) == ev || sa->ev_ring == NULL)
		return;
	e.id = sa->id;
	e.spi = sa->spi;
	e.ev = ev & ~old;
	/* A full ring loses the message, not the state: the flag stays set
	 * and the control plane can still read it with mif_sa_events(). */
	rte_ring_mp_enqueue_elem(sa->ev_ring, &e, sizeof(e));
}

static bool
over(const struct mif_sa_life *l, uint64_t pk, uint64_t by)
{
	return (l->packets != 0 && pk >= l->packets) ||
	       (l->bytes != 0 && by >= l->bytes);
}

bool
mif_sa_life_charge(struct mif_sa *sa, uint64_t packets, uint64_t bytes,
		   uint64_t now_tsc)
{
	uint64_t pk = 0, by = 0;

	if (sa->hard.packets | sa->hard.bytes | sa->soft.packets |
	    sa->soft.bytes) {
		pk = __atomic_add_fetch(&sa->life_packets, packets,
					__ATOMIC_RELAXED);
		by = __atomic_add_fetch(&sa->life_bytes, bytes,
					__ATOMIC_RELAXED);
	}
	if (over(&sa->hard, pk, by) || now_tsc >= sa->hard_tsc) {
		mif_sa_event_raise(sa, MIF_SA_EV_HARD | MIF_SA_EV_SOFT);
		return true;
	}
	if (over(&sa->soft, pk, by) || now_tsc >= sa->soft_tsc)
		mif_sa_event_raise(sa, MIF_SA_EV_SOFT);
	return false;
}
