/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_malloc.h>

#include "common/log.h"
#include "common/state.h"

struct mif_state mif_state;

int
mif_state_rcu_init(unsigned int max_threads)
{
	struct rte_rcu_qsbr *v;
	size_t sz;

	sz = rte_rcu_qsbr_get_memsize(max_threads);
	v = rte_zmalloc("mif_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (v == NULL) {
		MIF_LOG(main, ERR, "qsbr: cannot allocate %zu bytes", sz);
		return -ENOMEM;
	}
	if (rte_rcu_qsbr_init(v, max_threads) != 0) {
		MIF_LOG(main, ERR, "qsbr: init for %u threads failed",
			max_threads);
		rte_free(v);
		return -EINVAL;
	}
	mif_state.qsbr = v;
	return 0;
}

void
mif_state_rcu_synchronize(void)
{
	/* The caller is the control thread, which is no registered reader,
	 * so RTE_QSBR_THRID_INVALID. */
	rte_rcu_qsbr_synchronize(mif_state.qsbr, RTE_QSBR_THRID_INVALID);
}

void
mif_state_rcu_fini(void)
{
	rte_free(mif_state.qsbr);
	mif_state.qsbr = NULL;
}
