/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "common/log.h"
#include "common/state.h"
#include "control/arp.h"
#include "control/ctl.h"
#include "control/icmp.h"
#include "control/nd.h"
#include "control/resolve.h"
#include "dataplane/fwd.h"
#include "dataplane/neigh.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"

/* Control-thread bookkeeping per neighbour-table slot. */
struct slot {
	bool used;
	uint8_t tries;			/* solicitations sent */
	uint16_t port;
	uint16_t n_q;
	struct mif_addr ip;
	uint64_t deadline;		/* next retry, or expiry */
	struct rte_mbuf **q;		/* neigh_queue_len entries */
};

static struct {
	struct slot *slots;		/* MIF_NEIGH_MAX */
	struct rte_mbuf **qmem;
	unsigned int qlen;
	uint64_t timeout;		/* cycles */
} rs;

static void
slot_reset(struct slot *s, int idx, uint16_t port, const struct mif_addr *ip)
{
	s->used = true;
	s->tries = 0;
	s->port = port;
	s->n_q = 0;
	s->ip = *ip;
	s->deadline = 0;
	s->q = rs.qmem + (size_t)idx * rs.qlen;
}

static void
solicit(struct slot *s)
{
	if (s->ip.family == AF_INET)
		mif_arp_request_send(s->port, &s->ip);
	else
		mif_nd_ns_send(s->port, &s->ip);
	s->tries++;
	s->deadline = rte_get_tsc_cycles() + mif_ctl.hz;
}

static void
send_one(struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *mac)
{
	const struct mif_port *p = &mif_ports[port];
	uint8_t v = *rte_pktmbuf_mtod(m, uint8_t *) >> 4;

	if (mif_fwd_eth_push(m, mac, &p->mac, v == 4 ? RTE_ETHER_TYPE_IPV4 :
			     RTE_ETHER_TYPE_IPV6) != 0) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	mif_ctl_tx(port, m);
}

static void
entry_remove(struct slot *s, bool failed)
{
	struct mif_neigh_key k;
	struct rte_mbuf *m;
	uint16_t i;

	for (i = 0; i < s->n_q; i++) {
		m = s->q[i];
		/* RFC 1812 4.3.3.1 / RFC 4443 3.1: tell the sender of a
		 * forwarded packet that its destination is unreachable. */
		if (failed && mif_punt_meta(m)->reason == MIF_PUNT_NEIGH)
			mif_icmp_error_unreach_host(m);
		mif_ctl_drop(m, MIF_DROP_NEIGH_UNRESOLVED);
	}
	s->n_q = 0;
	s->used = false;
	mif_neigh_key_make(&k, &s->ip, s->port);
	mif_neigh_del(mif_state.neigh, &k);
}

void
mif_resolve_output(struct rte_mbuf *m, uint16_t port,
		   const struct mif_addr *nh)
{
	struct mif_neigh_table *t = mif_state.neigh;
	struct rte_ether_addr mac;
	struct mif_neigh_key k;
	struct slot *s;
	bool created;
	int idx;

	mif_neigh_key_make(&k, nh, port);
	if (mif_neigh_lookup(t, &k, &mac)) {
		send_one(m, port, &mac);
		return;
	}
	idx = mif_neigh_add(t, &k, 0, &created);
	if (idx < 0) {
		mif_ctl_drop(m, MIF_DROP_NEIGH_TABLE_FULL);
		return;
	}
	s = &rs.slots[idx];
	if (created || !s->used) {
		slot_reset(s, idx, port, nh);
		solicit(s);
	}
	if (s->n_q >= rs.qlen) {
		mif_ctl_drop(m, MIF_DROP_NEIGH_QUEUE_FULL);
		return;
	}
	s->q[s->n_q++] = m;
}

void
mif_resolve_learn(uint16_t port, const struct mif_addr *ip,
		  const struct rte_ether_addr *mac, bool create)
{
	struct mif_neigh_table *t = mif_state.neigh;
	uint64_t word = mif_neigh_word(mac, MIF_NEIGH_REACHABLE);
	struct mif_neigh_key k;
	struct slot *s;
	bool created;
	uint16_t i;
	int idx;

	mif_neigh_key_make(&k, ip, port);
	idx = create ? mif_neigh_add(t, &k, word, &created) :
		       mif_neigh_find(t, &k);
	if (idx < 0)
		return;
	s = &rs.slots[idx];
	if (mif_neigh_state_get(t, idx) == MIF_NEIGH_STATIC)
		return;
	if (!s->used)
		slot_reset(s, idx, port, ip);
	mif_neigh_set(t, idx, word);
	s->deadline = rte_get_tsc_cycles() + rs.timeout;
	s->tries = 0;
	mif_ctl.cnt->ctl[MIF_CTL_NEIGH_LEARNED]++;

	for (i = 0; i < s->n_q; i++)
		send_one(s->q[i], port, mac);
	s->n_q = 0;
}

void
mif_resolve_timer(uint64_t now)
{
	struct mif_neigh_table *t = mif_state.neigh;
	struct slot *s;
	int idx;

	for (idx = 0; idx < MIF_NEIGH_MAX; idx++) {
		s = &rs.slots[idx];
		if (!s->used || now < s->deadline)
			continue;
		switch (mif_neigh_state_get(t, idx)) {
		case MIF_NEIGH_INCOMPLETE:
			if (s->tries < MIF_RESOLVE_TRIES)
				solicit(s);
			else
				entry_remove(s, true);
			break;
		case MIF_NEIGH_REACHABLE:
			/* Not confirmed for neigh_timeout: STALE, asked
			 * again while workers keep using the MAC, so busy
			 * flows never wait for a new resolution. */
			mif_neigh_set(t, idx, (t->word[idx] &
				      MIF_NEIGH_MAC_MASK) |
				      ((uint64_t)MIF_NEIGH_STALE <<
				       MIF_NEIGH_STATE_SHIFT));
			mif_ctl.cnt->ctl[MIF_CTL_NEIGH_EXPIRED]++;
			s->tries = 0;
			solicit(s);
			break;
		case MIF_NEIGH_STALE:
			if (s->tries < MIF_RESOLVE_TRIES) {
				solicit(s);
				break;
			}
			mif_ctl.cnt->ctl[MIF_CTL_NEIGH_LOST]++;
			entry_remove(s, false);
			break;
		case MIF_NEIGH_STATIC:
			break;
		}
	}
}

static int
add_static(const struct mif_cfg_neigh *n)
{
	struct rte_ether_addr mac;
	struct mif_neigh_key k;
	char buf[MIF_ADDR_STRLEN];
	bool created;
	int idx;

	memcpy(mac.addr_bytes, n->mac, sizeof(mac.addr_bytes));
	mif_neigh_key_make(&k, &n->ip, (uint16_t)n->port);
	idx = mif_neigh_add(mif_state.neigh, &k,
			    mif_neigh_word(&mac, MIF_NEIGH_STATIC), &created);
	if (idx < 0) {
		MIF_LOG(ctl, ERR, "static neighbour %s: table full",
			mif_addr_fmt(&n->ip, buf, sizeof(buf)));
		return idx;
	}
	mif_neigh_set(mif_state.neigh, idx,
		      mif_neigh_word(&mac, MIF_NEIGH_STATIC));
	return 0;
}

int
mif_resolve_init(const struct mif_cfg *cfg)
{
	unsigned int i;
	int rc;

	rs.qlen = cfg->neigh_queue_len == 0 ? 1 : cfg->neigh_queue_len;
	rs.timeout = (uint64_t)cfg->neigh_timeout_s * mif_ctl.hz;
	rs.slots = calloc(MIF_NEIGH_MAX, sizeof(*rs.slots));
	rs.qmem = calloc((size_t)MIF_NEIGH_MAX * rs.qlen, sizeof(*rs.qmem));
	if (rs.slots == NULL || rs.qmem == NULL) {
		MIF_LOG(ctl, ERR, "resolver: out of memory (queue %u)",
			rs.qlen);
		mif_resolve_fini();
		return -ENOMEM;
	}
	for (i = 0; i < cfg->n_neighs; i++)
		if ((rc = add_static(&cfg->neighs[i])) != 0)
			return rc;
	return 0;
}

void
mif_resolve_fini(void)
{
	unsigned int i, j;

	for (i = 0; rs.slots != NULL && i < MIF_NEIGH_MAX; i++)
		for (j = 0; rs.slots[i].used && j < rs.slots[i].n_q; j++)
			rte_pktmbuf_free(rs.slots[i].q[j]);
	free(rs.slots);
	free(rs.qmem);
	memset(&rs, 0, sizeof(rs));
}
