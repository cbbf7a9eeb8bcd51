/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread's side of the static SAs: lifetime and overflow
 * events from the workers, and the per-SA lines of the counters block. */
#include <inttypes.h>
#include <stdio.h>

#include "common/counters.h"
#include "common/log.h"
#include "common/state.h"
#include "control/ctl.h"
#include "control/ike_daemon.h"
#include "dataplane/sa_cfg.h"
#include "dataplane/sad.h"

#define SA_EV_BURST	32

static const char *
sa_name(uint64_t id)
{
	const struct mif_sa_ent *e = mif_sa_tab_get(mif_state.sas, id);

	return e != NULL ? e->name : "?";
}

static const char *
ev_text(uint32_t ev)
{
	switch (ev) {
	case MIF_SA_EV_SOFT:
		return "soft lifetime reached, rekey needed";
	case MIF_SA_EV_HARD:
		return "hard lifetime reached, SA no longer used";
	case MIF_SA_EV_SEQ_OVERFLOW:
		return "sequence numbers exhausted, SA no longer used";
	default:
		return "unknown event";
	}
}

unsigned int
mif_ctl_sa_events_poll(void)
{
	struct mif_sa_event ev[SA_EV_BURST];
	unsigned int n, i;

	if (mif_state.sad == NULL)
		return 0;
	n = mif_sad_events_poll(mif_state.sad, ev, SA_EV_BURST);
	/* Static SAs are not rekeyed: the line tells the operator. SAs of
	 * the IKE daemon are its to rekey. */
	for (i = 0; i < n; i++)
		if (!mif_ike_daemon_sa_event(ev[i].spi, ev[i].ev))
			MIF_LOG(ctl, NOTICE, "SA %s (spi 0x%08x): %s",
			sa_name(ev[i].id), ev[i].spi, ev_text(ev[i].ev));
	return n;
}

/* "sa NAME COUNTER VALUE" lines; a reader sees a value at most one
 * update old (counters.h). */
static void
sa_counters_print(FILE *f)
{
	const struct mif_sa_tab *t = mif_state.sas;
	struct mif_sa_ctr sum;
	unsigned int i, r;

	for (i = 0; t != NULL && i < t->n; i++) {
		/* Holes: ids of Child SAs removed (control/ike_dp.c). */
		if (t->ent[i].sa == NULL)
			continue;
		mif_sa_stats(t->ent[i].sa, &sum);
		fprintf(f, "sa %s packets %" PRIu64 "\n", t->ent[i].name,
			sum.packets);
		fprintf(f, "sa %s bytes %" PRIu64 "\n", t->ent[i].name,
			sum.bytes);
		for (r = 0; r < MIF_SA_DROP_MAX; r++)
			fprintf(f, "sa %s %s %" PRIu64 "\n", t->ent[i].name,
				mif_sa_drop_name(r), sum.drop[r]);
	}
}

void
mif_ctl_sa_init(void)
{
	mif_counters_print_extra = sa_counters_print;
}
