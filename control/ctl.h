/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CTL_H
#define MIF_CTL_H

/** @file
 * The control thread (main lcore): drains the punt ring, runs ARP, ND
 * and ICMP, resolves next hops, and prints counters on request. It
 * transmits on its own TX queue of each port (mif_port.ctl_txq). Every
 * function here runs on the control thread only.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "common/addr.h"
#include "common/cfg.h"
#include "common/counters.h"
#include "control/ratelimit.h"

struct mif_cli;

struct mif_ctl {
	struct mif_counters *cnt;	/**< the main lcore's block */
	struct rte_mempool *pool;
	struct mif_ratelimit icmp_rl;	/**< all ICMP errors share it */
	struct mif_ratelimit log_rl;	/**< DEBUG lines about bad input */
	uint64_t log_suppressed;
	uint64_t hz;
	volatile int dump_requested;	/**< set from SIGUSR1 */
	struct mif_cli *cli;		/**< polled by mif_ctl_run(); may be NULL */
	/** mif_cli_poll(), set by main(): a hook, so that what links
	 * ctl.c alone (fuzz_fwd) needs no CLI. NULL: no CLI. */
	int (*cli_poll)(struct mif_cli *cli);
	/** CLI timer work on the resolver tick (mif_cli_paths_tick()). */
	void (*cli_tick)(uint64_t now_tsc);
};

extern struct mif_ctl mif_ctl;

/** Set up the control thread's state from @p cfg. @return 0 or -errno. */
int mif_ctl_init(const struct mif_cfg *cfg, struct rte_mempool *pool);

void mif_ctl_fini(void);

/** Run until mif_state_quit(): mif_ctl_poll(), sleeping when idle. */
void mif_ctl_run(void);

/**
 * One round of the control loop: up to a burst of punted packets, the
 * resolver timer when due, a pending counters dump.
 * @return the number of punted packets handled.
 */
unsigned int mif_ctl_poll(void);

/** Print the counters block to stdout. */
void mif_ctl_counters_print(void);

/** Per-SA lines in the counters block (control/ctl_sa.c). */
void mif_ctl_sa_init(void);

/** Log SA events (lifetimes, overflow) at NOTICE. @return count. */
unsigned int mif_ctl_sa_events_poll(void);

/** Drop @p m and count @p why on the control lcore. */
void mif_ctl_drop(struct rte_mbuf *m, enum mif_drop why);

/**
 * Drop malformed input @p m (counted as ctl_bad) with a DEBUG line
 * saying @p what was wrong; at most 5 lines, then 1 a second, and the
 * next line tells how many were suppressed.
 */
void mif_ctl_bad(struct rte_mbuf *m, uint16_t port, const char *what);

/** Send a complete frame (starting at Ethernet) on port index @p port. */
void mif_ctl_tx(uint16_t port, struct rte_mbuf *m);

/**
 * Route and send an IP packet that starts at its IP header (our own
 * replies and errors, or forwarded packets that waited for a neighbour;
 * their TTL is already final). Queues it when the next hop is not
 * resolved yet.
 */
void mif_ctl_ip_output(struct rte_mbuf *m);

/** A fresh mbuf with room for headers, or NULL (counted as no_mbuf). */
struct rte_mbuf *mif_ctl_alloc(void);

/** Read the IP addresses of an IP packet (mbuf at L3) into mif_addrs. */
void mif_ctl_ip_addrs(struct rte_mbuf *m, struct mif_addr *src,
		      struct mif_addr *dst);

#endif
