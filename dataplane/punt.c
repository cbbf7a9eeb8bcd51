/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "common/log.h"
#include "common/state.h"
#include "dataplane/punt.h"

int mif_punt_meta_offset = -1;

int
mif_punt_init(unsigned int size)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "mif_punt_meta",
		.size = sizeof(struct mif_punt_meta),
		.align = __alignof__(struct mif_punt_meta),
	};

	mif_punt_meta_offset = rte_mbuf_dynfield_register(&desc);
	if (mif_punt_meta_offset < 0) {
		MIF_LOG(dp, ERR, "punt: dynfield register: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	/* Workers enqueue concurrently; only the control thread dequeues. */
	mif_state.punt = rte_ring_create("mif_punt", size,
					 (int)rte_socket_id(), RING_F_SC_DEQ);
	if (mif_state.punt == NULL) {
		MIF_LOG(dp, ERR, "punt: ring of %u: %s", size,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

void
mif_punt_fini(void)
{
	struct rte_mbuf *m;

	if (mif_state.punt == NULL)
		return;
	while (rte_ring_sc_dequeue(mif_state.punt, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(mif_state.punt);
	mif_state.punt = NULL;
}
