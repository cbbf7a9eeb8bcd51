/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "common/log.h"
#include "dataplane/neigh.h"

struct mif_neigh_table *
mif_neigh_table_create(const char *name, struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters hp;
	struct rte_hash_rcu_config rc;
	struct mif_neigh_table *t;

	t = rte_zmalloc(name, sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		goto nomem;
	t->word = rte_zmalloc(name, MIF_NEIGH_MAX * sizeof(uint64_t),
			      RTE_CACHE_LINE_SIZE);
	if (t->word == NULL)
		goto nomem;

	memset(&hp, 0, sizeof(hp));
	hp.name = name;
	hp.entries = MIF_NEIGH_MAX;
	hp.key_len = sizeof(struct mif_neigh_key);
	hp.hash_func = rte_jhash;
	hp.socket_id = (int)rte_socket_id();
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	t->h = rte_hash_create(&hp);
	if (t->h == NULL) {
		MIF_LOG(dp, ERR, "neigh %s: hash create: %s", name,
			rte_strerror(rte_errno));
		goto out;
	}
	if (qsbr != NULL) {
		/* Deleted keys wait in the hash's defer queue until every
		 * worker has passed a quiescent state, then free their slot. */
		memset(&rc, 0, sizeof(rc));
		rc.v = qsbr;
		rc.mode = RTE_HASH_QSBR_MODE_DQ;
		if (rte_hash_rcu_qsbr_add(t->h, &rc) != 0) {
			MIF_LOG(dp, ERR, "neigh %s: attach qsbr: %s", name,
				rte_strerror(rte_errno));
			goto out;
		}
	}
	return t;
nomem:
	MIF_LOG(dp, ERR, "neigh %s: out of memory", name);
out:
	mif_neigh_table_destroy(t);
	return NULL;
}

void
mif_neigh_table_destroy(struct mif_neigh_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	rte_free(t->word);
	rte_free(t);
}

int
mif_neigh_find(const struct mif_neigh_table *t, const struct mif_neigh_key *k)
{
	int32_t slot = rte_hash_lookup(t->h, k);

	return slot < 0 ? -ENOENT : slot;
}

int
mif_neigh_add(struct mif_neigh_table *t, const struct mif_neigh_key *k,
	      uint64_t word, bool *created)
{
	int32_t slot;
	hash_sig_t sig;

	*created = false;
	sig = rte_hash_hash(t->h, k);
	slot = rte_hash_lookup_with_hash(t->h, k, sig);
	if (slot >= 0)
		return slot;

	/* The slot is known only after the add, so the word is stored
	 * after the key is visible. Until then a worker reads the slot's
	 * old word, which is zero (INCOMPLETE, a miss): slots start zeroed
	 * and mif_neigh_del() zeroes a word before its key goes. */
	slot = rte_hash_add_key_with_hash(t->h, k, sig);
	if (slot < 0)
		return slot == -ENOSPC ? -ENOSPC : -EINVAL;
	if (slot >= MIF_NEIGH_MAX) {
		/* Cannot happen with entries == MIF_NEIGH_MAX; fail closed. */
		rte_hash_del_key_with_hash(t->h, k, sig);
		return -ENOSPC;
	}
	mif_neigh_set(t, slot, word);
	*created = true;
	return slot;
}

int
mif_neigh_del(struct mif_neigh_table *t, const struct mif_neigh_key *k)
{
	int32_t slot;

	slot = rte_hash_lookup(t->h, k);
	if (slot < 0)
		return -ENOENT;
	/* Back to INCOMPLETE first: a worker that still finds the key until
	 * the delete lands sees a miss, and a recycled slot starts clean. */
	mif_neigh_set(t, slot, 0);
	rte_hash_del_key(t->h, k);
	return 0;
}
