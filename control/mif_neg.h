/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_NEG_H
#define MIF_NEG_H

/** @file
 * The IKE daemon's side of the MIF/MOBIKE negotiation (issue 6): what
 * the peer announced in IKE_SA_INIT (our Vendor ID) and IKE_AUTH
 * (MOBIKE_SUPPORTED, MIF_SUPPORTED), and the RFC 4555 3.7 COOKIE2 echo
 * that every INFORMATIONAL responder owes. Kept apart from mif_ext.c so
 * that the wire-format code links without the IKE message code.
 */

#include <stdbool.h>

#include "control/ike_msg.h"
#include "control/mif_path.h"

/** True when an IKE_SA_INIT message carries our Vendor ID. */
bool mif_neg_vid_seen(const struct mif_ike_msg *m);

/**
 * The path mode of an IKE SA from the peer's IKE_AUTH message @p m and
 * whether it sent our VID. A malformed MIF_SUPPORTED counts as absent.
 * Logs the mode at NOTICE with @p peer (the configured peer name).
 */
enum mif_path_mode mif_neg_auth_mode(bool vid, const struct mif_ike_msg *m,
				     const char *peer);

/**
 * Copy each well-formed COOKIE2 of the INFORMATIONAL request @p m into
 * the response being generated in @p g, as-is (RFC 4555 3.7).
 * @return number copied, or -errno from the generator.
 */
int mif_neg_cookie2_echo(struct mif_ike_gen *g, const struct mif_ike_msg *m);

#endif
