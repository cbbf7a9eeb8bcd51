/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_WORKER_H
#define MIF_WORKER_H

/** @file
 * Worker lcores: each polls its share of every port's RX queues, runs
 * the forwarding pipeline and reports an RCU quiescent state once per
 * loop iteration.
 */

#include <stdint.h>

#include "common/counters.h"
#include "dataplane/fwd.h"

#define MIF_WORKER_MAX_RXQ	64

struct mif_worker {
	unsigned int idx;		/**< 0..n_workers-1: QSBR id, TX queue */
	unsigned int lcore;
	unsigned int n_rxq;
	struct {
		uint16_t port;		/**< index into mif_ports */
		uint16_t queue;
	} rxq[MIF_WORKER_MAX_RXQ];
	struct mif_fwd_ctx fwd;
};

/**
 * Allocate worker @p idx of @p n_workers on @p lcore and give it RX
 * queue q of each port when q % n_workers == idx.
 * @return the worker or NULL (logged).
 */
struct mif_worker *mif_worker_create(unsigned int idx,
				     unsigned int n_workers,
				     unsigned int lcore);

void mif_worker_destroy(struct mif_worker *w);

/** lcore entry point (rte_eal_remote_launch), argument a mif_worker. */
int mif_worker_main(void *arg);

#endif
