/* SPDX-License-Identifier: BSD-3-Clause */
/* The IKE SA table (control thread only): a fixed array of slots sized
 * by ike.max_sas, each SA malloc'd when created, and the limits on
 * half-open SAs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rte_cycles.h>

#include "common/log.h"
#include "control/ike_sa.h"

struct mif_ike_stats mif_ike_stats;
struct mif_ike_msg_stats mif_ike_parse_stats;
const struct mif_cfg_ike *mif_ike_cfg;

static struct mif_ike_sa **tab;
static unsigned int tab_len;

int
mif_ike_sa_table_init(const struct mif_cfg_ike *cfg)
{
	mif_ike_cfg = cfg;
	tab_len = cfg->max_sas;
	tab = calloc(tab_len, sizeof(*tab));
	if (tab == NULL) {
		MIF_LOG(ike, ERR, "no memory for %u IKE SA slots", tab_len);
		return -ENOMEM;
	}
	return 0;
}

void
mif_ike_sa_table_fini(void)
{
	unsigned int i;

	for (i = 0; i < tab_len; i++)
		if (tab[i] != NULL)
			mif_ike_sa_destroy(tab[i]);
	free(tab);
	tab = NULL;
	tab_len = 0;
}

unsigned int
mif_ike_sa_half_open(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < tab_len; i++)
		if (tab[i] != NULL && tab[i]->state < MIF_IKE_ST_ESTABLISHED)
			n++;
	return n;
}

static int
free_slot(void)
{
	unsigned int i;

	for (i = 0; i < tab_len; i++)
		if (tab[i] == NULL)
			return (int)i;
	return -1;
}

struct mif_ike_sa *
mif_ike_sa_create(bool initiator, const struct mif_ike_path *path)
{
	struct mif_ike_sa *sa;
	uint64_t spi = 0;
	int slot;

	if (mif_ike_sa_half_open() >= mif_ike_cfg->max_half_open) {
		mif_ike_stats.half_open_full++;
		return NULL;
	}
	if ((slot = free_slot()) < 0) {
		mif_ike_stats.sa_limit++;
		return NULL;
	}
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return NULL;
	while (spi == 0)
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1) {
			free(sa);
			return NULL;
		}
	sa->used = true;
	sa->initiator = initiator;
	sa->peer = -1;
	sa->path = *path;
	sa->natt = path->lport == 4500;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->created_tsc = sa->last_rx_tsc = rte_get_tsc_cycles();
	sa->rekey_tsc = UINT64_MAX;
	tab[slot] = sa;
	return sa;
}

void
mif_ike_sa_destroy(struct mif_ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < MIF_IKE_SA_MAX_CHILD; i++)
		if (sa->child[i].used)
			mif_ike_child_down(sa, &sa->child[i], "IKE SA gone");
	if (sa->up)
		mif_ike_stats.sa_down++;
	mif_ike_dh_destroy(sa->dh);
	for (i = 0; i < tab_len; i++)
		if (tab[i] == sa)
			tab[i] = NULL;
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

struct mif_ike_sa *
mif_ike_sa_lookup(uint64_t ispi, uint64_t rspi, const struct mif_addr *remote)
{
	struct mif_ike_sa *sa;
	unsigned int i;

	/* XXX(#5): a linear scan over max_sas slots per message; fine for
	 * the default 1024, a hash on our SPI is needed beyond that. */
	for (i = 0; i < tab_len; i++) {
		sa = tab[i];
		if (sa == NULL || sa->state == MIF_IKE_ST_DEAD ||
		    sa->spi_i != ispi)
			continue;
		if (rspi == 0 && !sa->initiator &&
		    mif_addr_eq(&sa->path.remote, remote))
			return sa;
		if (rspi != 0 && sa->spi_r == rspi)
			return sa;
		if (rspi != 0 && sa->initiator && sa->spi_r == 0)
			return sa;
	}
	return NULL;
}

void
mif_ike_sa_foreach(void (*fn)(struct mif_ike_sa *sa, void *arg), void *arg)
{
	unsigned int i;

	for (i = 0; i < tab_len; i++)
		if (tab[i] != NULL)
			fn(tab[i], arg);
}

const char *
mif_ike_state_name(enum mif_ike_state s)
{
	static const char *const names[] = { "INIT_SENT", "INIT_DONE",
		"AUTH_SENT", "ESTABLISHED", "DELETING", "DEAD" };

	return (unsigned int)s < RTE_DIM(names) ? names[s] : "?";
}

void
mif_ike_sa_set_rekey(struct mif_ike_sa *sa)
{
	uint64_t life = mif_ike_cfg->peers[sa->peer].ike_lifetime;

	/* The responder waits 5% longer, so the initiator usually acts. */
	if (!sa->initiator)
		life += life / 20;
	sa->rekey_tsc = rte_get_tsc_cycles() + life * rte_get_tsc_hz();
}
