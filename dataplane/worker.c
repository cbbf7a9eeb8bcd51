/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "common/log.h"
#include "common/state.h"
#include "dataplane/esp_crypto.h"
#include "dataplane/port.h"
#include "dataplane/worker.h"

struct mif_worker *
mif_worker_create(unsigned int idx, unsigned int n_workers,
		  unsigned int lcore)
{
	struct mif_worker *w;
	unsigned int p, q;

	w = rte_zmalloc_socket("mif_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       (int)rte_lcore_to_socket_id(lcore));
	if (w == NULL) {
		MIF_LOG(dp, ERR, "worker %u: out of memory", idx);
		return NULL;
	}
	w->idx = idx;
	w->lcore = lcore;
	w->fwd.cnt = &mif_counters[lcore];
	w->fwd.txq = (uint16_t)idx;
	/* The worker's index is its counter slot in every SA. */
	if (mif_state.ipsec) {
		w->fwd.esp = mif_esp_ctx_create(idx,
				(int)rte_lcore_to_socket_id(lcore));
		if (w->fwd.esp == NULL) {
			rte_free(w);
			return NULL;
		}
	}
	for (p = 0; p < mif_n_ports; p++) {
		for (q = idx; q < mif_ports[p].n_rxq; q += n_workers) {
			if (w->n_rxq == MIF_WORKER_MAX_RXQ) {
				MIF_LOG(dp, ERR, "worker %u: more than %u rx queues",
					idx, MIF_WORKER_MAX_RXQ);
				mif_worker_destroy(w);
				return NULL;
			}
			w->rxq[w->n_rxq].port = (uint16_t)p;
			w->rxq[w->n_rxq].queue = (uint16_t)q;
			w->n_rxq++;
		}
	}
	return w;
}

void
mif_worker_destroy(struct mif_worker *w)
{
	if (w == NULL)
		return;
	mif_esp_ctx_destroy(w->fwd.esp);
	rte_free(w);
}

/* One pass over every RX queue of this worker. Returns packets seen. */
static unsigned int
worker_poll(struct mif_worker *w, uint16_t burst)
{
	struct rte_mbuf *pkts[MIF_MAX_BURST];
	unsigned int i, total = 0;
	uint16_t n;

	for (i = 0; i < w->n_rxq; i++) {
		n = rte_eth_rx_burst(mif_ports[w->rxq[i].port].port_id,
				     w->rxq[i].queue, pkts, burst);
		if (n == 0)
			continue;
		mif_fwd_burst(&w->fwd, w->rxq[i].port, pkts, n);
		mif_fwd_flush(&w->fwd);
		total += n;
	}
	return total;
}

int
mif_worker_main(void *arg)
{
	struct mif_worker *w = arg;
	struct rte_rcu_qsbr *v = mif_state.qsbr;
	uint16_t burst = (uint16_t)RTE_MIN(mif_state.burst,
					    (unsigned int)MIF_MAX_BURST);
	unsigned int idle_us = mif_state.idle_sleep_us;

	if (rte_rcu_qsbr_thread_register(v, w->idx) != 0) {
		MIF_LOG(dp, ERR, "worker %u: qsbr register failed", w->idx);
		return -1;
	}
	rte_rcu_qsbr_thread_online(v, w->idx);
	MIF_LOG(dp, INFO, "worker %u on lcore %u: %u rx queues, burst %u",
		w->idx, w->lcore, w->n_rxq, burst);

	while (!mif_state_quitting()) {
		unsigned int got = worker_poll(w, burst);

		/* No table pointer survives this point: the next iteration
		 * loads them again, so this is a quiescent state. */
		rte_rcu_qsbr_quiescent(v, w->idx);
		if (got == 0 && idle_us > 0)
			rte_delay_us_sleep(idle_us);
	}

	rte_rcu_qsbr_thread_offline(v, w->idx);
	rte_rcu_qsbr_thread_unregister(v, w->idx);
	return 0;
}
