/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>

#include "common/rd.h"
#include "control/arp.h"
#include "control/ctl.h"
#include "control/resolve.h"
#include "dataplane/fwd.h"
#include "dataplane/port.h"

/* The fields of an Ethernet/IPv4 ARP packet, host order. */
struct arp_msg {
	uint16_t op;
	struct rte_ether_addr sha, tha;
	struct mif_addr spa, tpa;
};

static int
arp_parse(struct rte_mbuf *m, struct arp_msg *a)
{
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	struct mif_rd rd;

	mif_rd_init(&rd, rte_pktmbuf_mtod(m, const void *), m->data_len);
	if (mif_rd_get_u16(&rd, &htype) != 0 ||
	    mif_rd_get_u16(&rd, &ptype) != 0 ||
	    mif_rd_get_u8(&rd, &hlen) != 0 || mif_rd_get_u8(&rd, &plen) != 0 ||
	    mif_rd_get_u16(&rd, &a->op) != 0)
		return -EBADMSG;
	if (htype != RTE_ARP_HRD_ETHER || ptype != RTE_ETHER_TYPE_IPV4 ||
	    hlen != RTE_ETHER_ADDR_LEN || plen != 4)
		return -EBADMSG;
	memset(&a->spa, 0, sizeof(a->spa));
	memset(&a->tpa, 0, sizeof(a->tpa));
	a->spa.family = a->tpa.family = AF_INET;
	if (mif_rd_get_bytes(&rd, a->sha.addr_bytes, RTE_ETHER_ADDR_LEN) ||
	    mif_rd_get_bytes(&rd, &a->spa.v4, 4) ||
	    mif_rd_get_bytes(&rd, a->tha.addr_bytes, RTE_ETHER_ADDR_LEN) ||
	    mif_rd_get_bytes(&rd, &a->tpa.v4, 4))
		return -EBADMSG;
	return 0;
}

/* Write an ARP packet at the start of @p m's data. */
static void
arp_fill(struct rte_arp_hdr *h, uint16_t op,
	 const struct rte_ether_addr *sha, uint32_t sip,
	 const struct rte_ether_addr *tha, uint32_t tip)
{
	h->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	h->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	h->arp_hlen = RTE_ETHER_ADDR_LEN;
	h->arp_plen = 4;
	h->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &h->arp_data.arp_sha);
	h->arp_data.arp_sip = sip;
	rte_ether_addr_copy(tha, &h->arp_data.arp_tha);
	h->arp_data.arp_tip = tip;
}

static void
arp_send(uint16_t port, uint16_t op, const struct rte_ether_addr *dst_mac,
	 const struct rte_ether_addr *tha, uint32_t sip, uint32_t tip)
{
	const struct mif_port *p = &mif_ports[port];
	struct rte_arp_hdr *h;
	struct rte_mbuf *m;

	if ((m = mif_ctl_alloc()) == NULL)
		return;
	h = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*h));
	if (h == NULL) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	arp_fill(h, op, &p->mac, sip, tha, tip);
	if (mif_fwd_eth_push(m, dst_mac, &p->mac, RTE_ETHER_TYPE_ARP) != 0) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	mif_ctl_tx(port, m);
}

void
mif_arp_request_send(uint16_t port, const struct mif_addr *target)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr zero;
	struct mif_addr src;

	if (mif_port_src_addr(&mif_ports[port], target, &src) != 0)
		return;		/* no IPv4 address on that port */
	arp_send(port, RTE_ARP_OP_REQUEST, &bcast, &zero, src.v4, target->v4);
	mif_ctl.cnt->ctl[MIF_CTL_ARP_REQUEST_SENT]++;
}

void
mif_arp_input(struct rte_mbuf *m, uint16_t port)
{
	const struct mif_port *p = &mif_ports[port];
	struct arp_msg a;
	bool for_us;

	if (arp_parse(m, &a) != 0) {
		mif_ctl_bad(m, port, "arp: truncated, or not Ethernet/IPv4");
		return;
	}
	if (rte_is_multicast_ether_addr(&a.sha) ||
	    (a.spa.v4 == 0 && a.op != RTE_ARP_OP_REQUEST)) {
		mif_ctl_bad(m, port, "arp: multicast or zero sender");
		return;
	}
	for_us = mif_port_has_addr(p, &a.tpa);

	/* RFC 826: update the sender if known; add it when the packet
	 * is for us (it is about to talk to us). A probe (sender 0.0.0.0,
	 * RFC 5227) teaches nothing. */
	if (a.spa.v4 != 0)
		mif_resolve_learn(port, &a.spa, &a.sha, for_us);

	if (a.op == RTE_ARP_OP_REQUEST && for_us) {
		arp_send(port, RTE_ARP_OP_REPLY, &a.sha, &a.sha, a.tpa.v4,
			 a.spa.v4);
		mif_ctl.cnt->ctl[MIF_CTL_ARP_REPLY_SENT]++;
	}
	rte_pktmbuf_free(m);
}
