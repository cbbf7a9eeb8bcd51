/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_NEIGH_H
#define MIF_NEIGH_H

/** @file
 * The neighbour table (IPv4 ARP and IPv6 ND results), written by the
 * control thread only and read by workers without locks.
 *
 * Layout: an rte_hash created with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF
 * maps (family, port, address) to the key's slot index, and a parallel
 * array holds one 64-bit word per slot: the MAC in bits 0..47 and the
 * state in bits 48..55. Every fact a worker needs is in that one word,
 * so a single atomic load gives a consistent MAC/state pair; no other
 * field has to be ordered against it.
 *
 * Ordering: a slot's word is zero (INCOMPLETE) whenever its key is
 * absent: slots start zeroed and a word is zeroed before its key is
 * deleted. The control thread adds a key, then stores the word with one
 * relaxed atomic store; a worker racing with it reads either zero (a
 * miss: the packet goes to the control thread, which has the answer) or
 * the new word, never a torn one. The word carries no pointer, so no
 * acquire/release pairing is needed for it. Deletion goes through the
 * hash's QSBR defer queue (mif_state.qsbr): a slot is reused only after
 * every worker has reported a quiescent state, so a slot index a worker
 * looked up stays meaningful until the end of its loop iteration.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash.h>

#include "common/addr.h"

#define MIF_NEIGH_MAX		4096

enum mif_neigh_state {
	MIF_NEIGH_INCOMPLETE = 0,	/**< resolving: no MAC yet */
	MIF_NEIGH_REACHABLE,		/**< learned; ages out */
	MIF_NEIGH_STATIC,		/**< from the configuration */
	MIF_NEIGH_STALE,		/**< aged out, MAC still used, asked again */
};

struct mif_neigh_key {
	uint8_t addr[16];		/**< IPv4 in the first 4 bytes */
	uint16_t port;			/**< index into mif_ports */
	uint8_t family;
	uint8_t pad;			/**< zero: hashed with the key */
};

struct rte_rcu_qsbr;

struct mif_neigh_table {
	struct rte_hash *h;
	uint64_t *word;			/**< MIF_NEIGH_MAX words, by slot */
};

#define MIF_NEIGH_MAC_MASK	((UINT64_C(1) << 48) - 1)
#define MIF_NEIGH_STATE_SHIFT	48

/** Fill @p k for address @p a on port @p port. */
static inline void
mif_neigh_key_make(struct mif_neigh_key *k, const struct mif_addr *a,
		   uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	k->port = port;
	if (a->family == AF_INET)
		memcpy(k->addr, &a->v4, 4);
	else
		memcpy(k->addr, a->v6, 16);
}

static inline uint64_t
mif_neigh_word(const struct rte_ether_addr *mac, enum mif_neigh_state st)
{
	uint64_t w = 0;

	memcpy(&w, mac->addr_bytes, RTE_ETHER_ADDR_LEN);	/* LE: bits 0..47 */
	return w | ((uint64_t)st << MIF_NEIGH_STATE_SHIFT);
}

/**
 * Worker (any thread) lookup. Between the caller's quiescent states.
 * @return true and @p mac when the neighbour has a usable MAC.
 */
static inline bool
mif_neigh_lookup(const struct mif_neigh_table *t,
		 const struct mif_neigh_key *k, struct rte_ether_addr *mac)
{
	int32_t slot;
	uint64_t w;

	slot = rte_hash_lookup(t->h, k);
	if (slot < 0 || slot >= MIF_NEIGH_MAX)
		return false;
	w = __atomic_load_n(&t->word[slot], __ATOMIC_RELAXED);
	if ((w >> MIF_NEIGH_STATE_SHIFT) == MIF_NEIGH_INCOMPLETE)
		return false;
	memcpy(mac->addr_bytes, &w, RTE_ETHER_ADDR_LEN);
	return true;
}

/**
 * Create the table; deletions are deferred through @p qsbr.
 * @return the table or NULL (logged).
 */
struct mif_neigh_table *mif_neigh_table_create(const char *name,
					       struct rte_rcu_qsbr *qsbr);

void mif_neigh_table_destroy(struct mif_neigh_table *t);

/**
 * Control thread: find @p k's slot, or add it with @p word.
 * @return the slot index, -ENOSPC (table full) or -EINVAL.
 */
int mif_neigh_add(struct mif_neigh_table *t, const struct mif_neigh_key *k,
		  uint64_t word, bool *created);

/** Control thread: the slot of @p k, or -ENOENT. */
int mif_neigh_find(const struct mif_neigh_table *t,
		   const struct mif_neigh_key *k);

/** Control thread: replace the word of a slot. */
static inline void
mif_neigh_set(struct mif_neigh_table *t, int slot, uint64_t word)
{
	__atomic_store_n(&t->word[slot], word, __ATOMIC_RELAXED);
}

static inline enum mif_neigh_state
mif_neigh_state_get(const struct mif_neigh_table *t, int slot)
{
	return (enum mif_neigh_state)(t->word[slot] >> MIF_NEIGH_STATE_SHIFT);
}

/** Control thread: remove @p k; its slot is reused after a grace period. */
int mif_neigh_del(struct mif_neigh_table *t, const struct mif_neigh_key *k);

#endif
