/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_DP_H
#define MIF_IKE_DP_H

/** @file
 * Child SAs into the dataplane: each negotiated pair becomes an inbound
 * and an outbound struct mif_sa in the SAD, an entry pair in the SA table
 * (mif_state.sas: names for the counters, selectors for the inbound
 * inner check) and a PROTECT policy in each SPD, ahead of the file's
 * policies. Every change republishes the table and both SPDs through
 * QSBR; the newest pair's policies come first, so a rekey moves outbound
 * traffic to the new SA while the old one still decrypts (no loss).
 */

#include "common/cfg.h"

struct mif_ike_sa;
struct mif_ike_child;
struct mif_ike_child_keys;

/** Remember @p cfg (static policies, worker count). */
void mif_ike_dp_init(const struct mif_cfg *cfg);

/** Put the original SA table back; call after the last remove. */
void mif_ike_dp_fini(void);

/**
 * Install the pair of @p ch with @p k (wiped by the caller).
 * @return 0, -ENOTSUP (no IPsec dataplane), -ENOSPC, or -errno.
 */
int mif_ike_dp_install(const struct mif_ike_sa *sa,
		       const struct mif_ike_child *ch,
		       const struct mif_ike_child_keys *k);

/** Remove the pair of @p ch (keys are wiped when the SAs are freed). */
void mif_ike_dp_remove(const struct mif_ike_sa *sa,
		       const struct mif_ike_child *ch);

#endif
