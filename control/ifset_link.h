/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IFSET_LINK_H
#define MIF_IFSET_LINK_H

/** @file
 * Multihoming on link events (issue 4, docs/interface-sets.md): when a
 * port's link goes down, every path of every static SA whose local
 * address is one of the port's addresses fails over to its
 * alternates; when it comes back, failback follows the SA's policy.
 * Control thread only (the writer of interface sets).
 */

#include <stdbool.h>

struct mif_cfg;
struct mif_ifset_ops;
struct mif_port;

/**
 * Fill the operations registry with every static SA (mif_state.sas)
 * that has an interface set: its name, its peer (SAs with the same
 * remote outer address are one peer) and its selectors (from the first
 * PROTECT policy naming it: local = our side, remote = the peer's
 * side, for both directions). Call once the SA table exists.
 * @return 0, -ENOMEM or -ENOSPC.
 */
int mif_ifset_registry_init(const struct mif_cfg *cfg);
void mif_ifset_registry_fini(void);

/** The registry the CLI and IKEv2 apply operations through, or NULL. */
struct mif_ifset_ops *mif_ifset_registry(void);

/**
 * Apply a link change of @p p, through the registry, to every
 * registered SA with a path on one of the port's addresses.
 * @return the number of SA changes.
 */
unsigned int mif_ifset_link_event(const struct mif_port *p, bool up);

#endif
