/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_DAEMON_H
#define MIF_IKE_DAEMON_H

/** @file
 * The IKEv2 daemon on the control thread (docs/ike.md): message
 * dispatch, timers (retransmission, half-open expiry, liveness, rekey,
 * cookie secret rotation) and start-up of configured initiators. Runs
 * only when the configuration has an "ike" section.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/cfg.h"

struct mif_ike_path;

/** Start the daemon for @p cfg (kept by reference). @return 0 or -errno. */
int mif_ike_daemon_init(const struct mif_cfg *cfg);

/** Delete every SA (Child SAs leave the dataplane) and stop. */
void mif_ike_daemon_fini(void);

/** True between init and fini with at least one peer. */
bool mif_ike_daemon_running(void);

/** One IKE datagram (UDP payload, non-ESP marker removed). */
void mif_ike_daemon_rx(const uint8_t *msg, size_t len,
		       const struct mif_ike_path *path);

/** Timers; call about ten times a second. */
void mif_ike_daemon_timer(uint64_t now_tsc);

/**
 * A lifetime or sequence event (MIF_SA_EV_*) of the dataplane SA with
 * @p spi: when it is one of our Child SAs, its rekey starts now.
 * @return true if the SA is ours.
 */
bool mif_ike_daemon_sa_event(uint32_t spi, uint32_t ev);

/** "ike NAME VALUE" and per-SA lines for the counters block. */
void mif_ike_daemon_print(FILE *f);

/**
 * Operator commands (the CLI's `ike initiate|terminate|rekey`), run on
 * the control thread. @p name is a configured peer's name.
 */

/** Start an IKE SA with the peer now, whatever its `initiate` key.
 * @return 0; -ENOENT no such peer (or IKE not running); -EALREADY the
 * peer has an SA; -EDESTADDRREQ its remote address is "any"; -ENOSPC
 * at the SA limit; -EIO the request could not be sent. */
int mif_ike_daemon_initiate(const char *name);

/** Delete the peer's IKE SAs and their Child SAs: an established SA
 * gets a Delete (removed when answered or after the retransmissions),
 * any other is dropped at the next tick. A peer with initiate = true
 * starts again by itself after a few seconds.
 * @return SAs affected (0: none), or -ENOENT. */
int mif_ike_daemon_terminate(const char *name);

/** Rekey the peer's Child SAs (@p ike false: one CREATE_CHILD_SA per
 * IKE SA, the window allows one request) or its IKE SA (@p ike true:
 * deleted and started again, there is no IKE SA rekey as initiator
 * yet, XXX(#5)). @return rekeys started (0: none was possible, e.g. a
 * request is in flight), or -ENOENT. */
int mif_ike_daemon_rekey(const char *name, bool ike);

#endif
