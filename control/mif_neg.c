/* SPDX-License-Identifier: BSD-3-Clause */
/* What the peer announced for MIF and MOBIKE, read from IKE messages. */
#include <errno.h>

#include "common/log.h"
#include "control/ike_pld.h"
#include "control/ike_sa.h"
#include "control/ike_wire.h"
#include "control/mif_neg.h"

bool
mif_neg_vid_seen(const struct mif_ike_msg *m)
{
	const struct mif_ike_pld *p;

	for (p = mif_ike_msg_find(m, MIF_IKE_PLD_VENDOR); p != NULL;
	     p = mif_ike_msg_next(m, p))
		if (mif_ext_vid_match(p->body, p->len))
			return true;
	return false;
}

enum mif_path_mode
mif_neg_auth_mode(bool vid, const struct mif_ike_msg *m, const char *peer)
{
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	struct mif_ext_sup sup;
	bool mobike, mif = false;
	enum mif_path_mode mode;

	mobike = mif_ike_msg_find_notify(m, MIF_IKE_N_MOBIKE_SUPPORTED) !=
		NULL;
	p = mif_ike_msg_find_notify(m, MIF_EXT_N_SUPPORTED);
	/* Private numbers count only behind our VID (RFC 7296 3.10.1). */
	if (vid && p != NULL &&
	    mif_ike_pld_notify_parse(p->body, p->len, &n) == 0 &&
	    mif_ext_sup_parse(n.data, n.data_len, &sup) == 0)
		mif = true;
	mode = mif ? MIF_PATH_MODE_MIF : mobike ? MIF_PATH_MODE_MOBIKE :
		MIF_PATH_MODE_NONE;
	MIF_LOG(ike, NOTICE, "peer %s: path mode %s (vid %s, MOBIKE_SUPPORTED %s, MIF_SUPPORTED %s)",
		peer, mif_path_mode_name(mode), vid ? "yes" : "no",
		mobike ? "yes" : "no", p != NULL ? (mif ? "yes" : "ignored") :
		"no");
	return mode;
}

int
mif_neg_cookie2_echo(struct mif_ike_gen *g, const struct mif_ike_msg *m)
{
	const struct mif_ike_pld *p;
	struct mif_mobike_cookie2 c;
	struct mif_ike_notify n;
	int rc, k = 0;

	for (p = mif_ike_msg_find(m, MIF_IKE_PLD_NOTIFY); p != NULL;
	     p = mif_ike_msg_next(m, p)) {
		if (mif_ike_pld_notify_parse(p->body, p->len, &n) != 0 ||
		    n.type != MIF_IKE_N_COOKIE2 ||
		    mif_mobike_cookie2_parse(n.data, n.data_len, &c) != 0)
			continue;
		if ((rc = mif_ike_add_notify(g, MIF_IKE_N_COOKIE2, c.v,
					     c.len)) != 0)
			return rc;
		k++;
	}
	return k;
}
