/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_STATE_H
#define MIF_STATE_H

/** @file
 * What the control thread publishes to the worker lcores.
 *
 * Tables that workers read (routes today; SPD and SAD later) are reached
 * through pointers in struct mif_state. The control thread builds a new
 * table aside, publishes it with mif_state_publish() (a store-release),
 * waits for a QSBR grace period (every registered worker has reported a
 * quiescent state since the store) and only then frees the old one.
 * Workers load a pointer once per burst with a load-acquire and report a
 * quiescent state once per loop iteration, never while holding a table
 * pointer from an earlier iteration.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

struct mif_route_table;
struct mif_neigh_table;
struct rte_ring;
struct rte_mempool;
struct mif_sad;
struct mif_spd;
struct mif_sa_tab;

struct mif_state {
	/* Published tables: load with mif_state_load(). */
	struct mif_route_table *routes;
	/** SPD per direction (MIF_SPD_DIR_OUT, _IN): mif_spd_deref() */
	struct mif_spd *spd[2];

	/* Set once before the workers start, then read-only. */
	struct mif_neigh_table *neigh;	/**< lock-free for readers */
	struct rte_ring *punt;		/**< workers -> control, MP/SC */
	struct rte_mempool *pool;
	/** IPsec: false when the file has neither "sas" nor "policies"
	 * (a plain router, everything BYPASS). */
	bool ipsec;
	struct mif_sad *sad;		/**< lock-free lookups, QSBR frees */
	struct mif_sa_tab *sas;		/**< static SAs by id (sa_cfg.h) */
	bool has_exc;			/**< an exception tap is configured */
	uint16_t exc_port;		/**< its index into mif_ports */
	struct rte_rcu_qsbr *qsbr;	/**< one reader slot per worker */
	unsigned int burst;
	unsigned int idle_sleep_us;
	unsigned int n_workers;
	unsigned int worker_lcores[RTE_MAX_LCORE];

	/* Written by the control thread (or a signal), polled by workers. */
	volatile int quit;
};

extern struct mif_state mif_state;

/** Worker side: read a published table pointer. */
#define mif_state_load(field)						\
	__atomic_load_n(&mif_state.field, __ATOMIC_ACQUIRE)

/**
 * Control side: publish a table; everything written to it before this
 * call is visible to a worker that loads the new pointer.
 */
#define mif_state_publish(field, val)					\
	__atomic_store_n(&mif_state.field, (val), __ATOMIC_RELEASE)

/** Ask every loop (workers and control) to stop. Async-signal-safe. */
static inline void
mif_state_quit(void)
{
	__atomic_store_n(&mif_state.quit, 1, __ATOMIC_RELEASE);
}

static inline bool
mif_state_quitting(void)
{
	return __atomic_load_n(&mif_state.quit, __ATOMIC_ACQUIRE) != 0;
}

/**
 * Create the QSBR variable for @p max_threads readers.
 * @return 0 or -ENOMEM.
 */
int mif_state_rcu_init(unsigned int max_threads);

/** Block until every registered reader passed a quiescent state. */
void mif_state_rcu_synchronize(void);

/** Free what mif_state_rcu_init() made. */
void mif_state_rcu_fini(void);

#endif
