/* SPDX-License-Identifier: BSD-3-Clause */
/* INFORMATIONAL exchanges (RFC 7296 1.4): Delete of the IKE SA or of
 * Child SAs, liveness checks, in both roles. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "control/ike_sa.h"
#include "control/mif_neg.h"

static const char *
peer_name(const struct mif_ike_sa *sa)
{
	return sa->peer >= 0 ? mif_ike_cfg->peers[sa->peer].name : "?";
}

/* The peer deletes Child SAs by its inbound SPIs (our outbound ones);
 * we answer with our inbound SPIs of the same pairs (RFC 7296 1.4.1). */
static unsigned int
delete_children(struct mif_ike_sa *sa, const struct mif_ike_delete *d,
		uint32_t *ours, unsigned int cap)
{
	struct mif_ike_child *ch;
	unsigned int n = 0;
	uint16_t i;

	for (i = 0; i < d->nspi && n < cap; i++) {
		ch = mif_ike_child_find(sa, mif_ike_pld_delete_spi(d, i), false);
		if (ch == NULL)
			continue;
		ours[n++] = ch->spi_in;
		mif_ike_child_down(sa, ch, "deleted by the peer");
	}
	return n;
}

void
mif_ike_info_request(struct mif_ike_sa *sa, const struct mif_ike_msg *m)
{
	uint32_t ours[MIF_IKE_SA_MAX_CHILD];
	const struct mif_ike_pld *p;
	struct mif_ike_delete d;
	struct mif_ike_gen g;
	unsigned int n = 0;
	bool ike = false;

	for (p = mif_ike_msg_find(m, MIF_IKE_PLD_DELETE); p != NULL;
	     p = mif_ike_msg_next(m, p)) {
		if (mif_ike_pld_delete_parse(p->body, p->len, &d) != 0)
			continue;
		if (d.proto == MIF_IKE_PROTO_IKE)
			ike = true;
		else if (d.proto == MIF_IKE_PROTO_ESP)
			n += delete_children(sa, &d, ours + n,
					     MIF_IKE_SA_MAX_CHILD - n);
	}
	if (mif_ike_sk_start(sa, &g, sa->resp, sizeof(sa->resp),
			     MIF_IKE_EXCH_INFORMATIONAL, true,
			     m->hdr.msgid) != 0)
		return;
	if (mif_neg_cookie2_echo(&g, m) < 0)
		return;
	if (!ike && n > 0 &&
	    (mif_ike_gen_begin(&g, MIF_IKE_PLD_DELETE, false) != 0 ||
	     mif_ike_pld_delete_build(&g.wr, MIF_IKE_PROTO_ESP, ours,
				      (uint16_t)n) != 0 ||
	     mif_ike_gen_end(&g) != 0))
		return;
	mif_ike_send_response(sa, &g);
	if (ike) {
		MIF_LOG(ike, NOTICE, "peer %s: IKE SA %016" PRIx64 " deleted by the peer",
			peer_name(sa), mif_ike_sa_our_spi(sa));
		sa->state = MIF_IKE_ST_DEAD;
	}
}

void
mif_ike_info_response(struct mif_ike_sa *sa, enum mif_ike_req kind)
{
	struct mif_ike_child *ch;

	switch (kind) {
	case MIF_IKE_REQ_DELETE_CHILD:
		ch = mif_ike_child_find(sa, sa->req_spi, true);
		if (ch != NULL)
			mif_ike_child_down(sa, ch, "deleted by us");
		sa->req_spi = 0;
		break;
	case MIF_IKE_REQ_DELETE_IKE:
		MIF_LOG(ike, NOTICE, "peer %s: IKE SA %016" PRIx64 " deleted",
			peer_name(sa), mif_ike_sa_our_spi(sa));
		sa->state = MIF_IKE_ST_DEAD;
		break;
	default:
		break;
	}
}

int
mif_ike_info_delete(struct mif_ike_sa *sa, uint32_t spi)
{
	struct mif_ike_gen g;
	int rc;

	if (sa->req != MIF_IKE_REQ_NONE)
		return -EBUSY;
	if ((rc = mif_ike_sk_start(sa, &g, sa->req_buf, sizeof(sa->req_buf),
				   MIF_IKE_EXCH_INFORMATIONAL, false,
				   sa->msgid_out)) != 0 ||
	    (rc = mif_ike_gen_begin(&g, MIF_IKE_PLD_DELETE, false)) != 0 ||
	    (rc = mif_ike_pld_delete_build(&g.wr, spi == 0 ?
					   MIF_IKE_PROTO_IKE :
					   MIF_IKE_PROTO_ESP, &spi,
					   spi == 0 ? 0 : 1)) != 0 ||
	    (rc = mif_ike_gen_end(&g)) != 0)
		return rc;
	sa->req_spi = spi;
	if (spi == 0)
		sa->state = MIF_IKE_ST_DELETING;
	return mif_ike_send_request(sa, &g, spi == 0 ? MIF_IKE_REQ_DELETE_IKE :
				    MIF_IKE_REQ_DELETE_CHILD);
}

int
mif_ike_info_dpd(struct mif_ike_sa *sa)
{
	struct mif_ike_gen g;
	int rc;

	if ((rc = mif_ike_sk_start(sa, &g, sa->req_buf, sizeof(sa->req_buf),
				   MIF_IKE_EXCH_INFORMATIONAL, false,
				   sa->msgid_out)) != 0)
		return rc;
	mif_ike_stats.dpd++;
	sa->req_spi = 0;
	return mif_ike_send_request(sa, &g, MIF_IKE_REQ_DPD);
}
