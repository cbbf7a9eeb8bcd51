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

struct mif_port;

/**
 * Apply a link change of @p p to the interface sets of the static SAs
 * (mif_state.sas). @return the number of SAs changed.
 */
unsigned int mif_ifset_link_event(const struct mif_port *p, bool up);

#endif
