/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_SA_CFG_H
#define MIF_SA_CFG_H

/** @file
 * Static SAs from the "sas" section: created at start, put in the SAD,
 * and listed in a table that maps an SA id (index + 1) to its name and,
 * for inbound SAs, the selectors of the RFC 4301 5.2 inner check (the
 * inbound PROTECT policies that name the SA). The table is immutable
 * once built; workers read it through mif_state.
 */

#include <stdint.h>

#include "common/cfg.h"
#include "dataplane/sa.h"
#include "dataplane/sad.h"
#include "dataplane/spd.h"

struct mif_sa_ent {
	struct mif_sa *sa;		/**< owned by the SAD */
	char name[MIF_NAME_LEN];
	struct mif_spd_sel *sels;	/**< inbound: inner-check selectors */
	unsigned int n_sels;
};

struct mif_sa_tab {
	unsigned int n;
	struct mif_sa_ent ent[];	/**< SA id i + 1 is ent[i] */
};

/**
 * Create every SA of @p cfg with @p n_slots counter slots and add it to
 * @p sad. Keys are wiped from the intermediate parameters.
 * @return 0 or -errno (logged with the SA's file and line, never keys).
 */
int mif_sa_tab_create(const struct mif_cfg *cfg, struct mif_sad *sad,
		      unsigned int n_slots, struct mif_sa_tab **out);

/** Free the table (the SAs belong to the SAD). NULL is a no-op. */
void mif_sa_tab_destroy(struct mif_sa_tab *t);

/** The entry of SA @p id, or NULL. */
static inline const struct mif_sa_ent *
mif_sa_tab_get(const struct mif_sa_tab *t, uint64_t id)
{
	if (t == NULL || id == 0 || id > t->n)
		return NULL;
	return &t->ent[id - 1];
}

/** mif_spd_sa_resolve_t over a struct mif_sa_tab (the @p arg). */
int mif_sa_tab_resolve(void *arg, const char *name, uint32_t *id);

#endif
