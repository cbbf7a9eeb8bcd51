/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "common/rd.h"
#include "control/ctl.h"
#include "control/nd.h"
#include "control/resolve.h"
#include "dataplane/fwd.h"
#include "dataplane/port.h"

#define ND_OPT_SLLA		1	/* source link-layer address */
#define ND_OPT_TLLA		2	/* target link-layer address */
#define ND_NA_FLAG_ROUTER	0x80
#define ND_NA_FLAG_SOLICITED	0x40
#define ND_NA_FLAG_OVERRIDE	0x20
#define ND_HOPS			255	/* RFC 4861 7.1: must arrive as 255 */
#define ND_MSG_LEN		24	/* type..target of NS and NA */
#define ND_LLA_OPT_LEN		8

struct nd_msg {
	uint8_t type;
	uint8_t flags;			/* NA only */
	struct mif_addr src, dst, target;
	bool has_lla;			/* SLLA in an NS, TLLA in an NA */
	struct rte_ether_addr lla;
};

void
mif_nd_ip6_fill(void *p, const struct mif_addr *src,
		const struct mif_addr *dst, uint16_t plen, uint8_t hops)
{
	struct rte_ipv6_hdr *ip = p;

	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, src->v6, 16);
	memcpy(ip->dst_addr, dst->v6, 16);
}

/* Options: type, length in units of 8 bytes (never 0), value. */
static int
nd_parse_opts(struct mif_rd *rd, struct nd_msg *nd, uint8_t want)
{
	struct mif_rd body;
	uint8_t type, len;

	while (rd->left > 0) {
		if (mif_rd_get_u8(rd, &type) != 0 ||
		    mif_rd_get_u8(rd, &len) != 0 || len == 0)
			return -EBADMSG;
		/* Two bytes were read already: take the rest. */
		if (mif_rd_take_declared(rd, 0, (size_t)len * 8 - 2,
					 &body) != 0)
			return -EBADMSG;
		if (type == want && len == 1) {
			mif_rd_get_bytes(&body, nd->lla.addr_bytes,
					 RTE_ETHER_ADDR_LEN);
			nd->has_lla = true;
		}
	}
	return 0;
}

static int
nd_parse(struct rte_mbuf *m, struct nd_msg *nd)
{
	const struct rte_ipv6_hdr *ip;
	struct mif_rd rd;
	uint8_t code;

	ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	memset(nd, 0, sizeof(*nd));
	nd->src.family = nd->dst.family = nd->target.family = AF_INET6;
	memcpy(nd->src.v6, ip->src_addr, 16);
	memcpy(nd->dst.v6, ip->dst_addr, 16);
	if (ip->hop_limits != ND_HOPS)
		return -EBADMSG;

	mif_rd_init(&rd, ip + 1, m->data_len - sizeof(*ip));
	if (mif_rd_get_u8(&rd, &nd->type) != 0 ||
	    mif_rd_get_u8(&rd, &code) != 0 || code != 0 ||
	    mif_rd_skip(&rd, 2) != 0 ||		/* checksum, verified */
	    mif_rd_get_u8(&rd, &nd->flags) != 0 ||
	    mif_rd_skip(&rd, 3) != 0 ||
	    mif_rd_get_bytes(&rd, nd->target.v6, 16) != 0)
		return -EBADMSG;
	if (nd->target.v6[0] == 0xff)
		return -EBADMSG;
	return nd_parse_opts(&rd, nd, nd->type == MIF_ND_NEIGH_SOLICIT ?
			     ND_OPT_SLLA : ND_OPT_TLLA);
}

/* Build and send NS or NA (24 bytes + one link-layer option). */
static void
nd_send(uint16_t port, uint8_t type, uint8_t flags,
	const struct mif_addr *src, const struct mif_addr *dst,
	const struct rte_ether_addr *dst_mac, const struct mif_addr *target)
{
	const uint16_t plen = ND_MSG_LEN + ND_LLA_OPT_LEN;
	const struct mif_port *p = &mif_ports[port];
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *icmp;
	uint16_t ck;

	if ((m = mif_ctl_alloc()) == NULL)
		return;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + plen);
	if (ip == NULL) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	mif_nd_ip6_fill(ip, src, dst, plen, ND_HOPS);
	icmp = (uint8_t *)(ip + 1);
	memset(icmp, 0, plen);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target->v6, 16);
	icmp[24] = type == MIF_ND_NEIGH_SOLICIT ? ND_OPT_SLLA : ND_OPT_TLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);

	if (mif_fwd_eth_push(m, dst_mac, &p->mac, RTE_ETHER_TYPE_IPV6) != 0) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	mif_ctl_tx(port, m);
}

void
mif_nd_ns_send(uint16_t port, const struct mif_addr *target)
{
	struct mif_addr src, dst;
	struct rte_ether_addr mac;

	if (mif_port_src_addr(&mif_ports[port], target, &src) != 0)
		return;
	/* RFC 4291 2.7.1: solicited-node group ff02::1:ffXX:XXXX. */
	memset(&dst, 0, sizeof(dst));
	dst.family = AF_INET6;
	dst.v6[0] = 0xff;
	dst.v6[1] = 0x02;
	dst.v6[11] = 0x01;
	dst.v6[12] = 0xff;
	memcpy(&dst.v6[13], &target->v6[13], 3);
	/* RFC 2464 7: 33:33 and the group's last four bytes. */
	mac.addr_bytes[0] = 0x33;
	mac.addr_bytes[1] = 0x33;
	memcpy(&mac.addr_bytes[2], &dst.v6[12], 4);
	nd_send(port, MIF_ND_NEIGH_SOLICIT, 0, &src, &dst, &mac, target);
	mif_ctl.cnt->ctl[MIF_CTL_NS_SENT]++;
}

static bool
addr_unspecified(const struct mif_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->v6, zero, 16) == 0;
}

/* RFC 4861 7.2.3/7.2.4: answer a solicitation for one of our addresses,
 * to the solicitor, or to all nodes when it is doing DAD. */
static void
nd_ns_input(struct rte_mbuf *m, uint16_t port, const struct nd_msg *nd)
{
	static const struct rte_ether_addr all_nodes_mac = {
		.addr_bytes = { 0x33, 0x33, 0, 0, 0, 1 } };
	const struct rte_ether_hdr *eh;
	struct rte_ether_addr dst_mac;
	struct mif_addr dst;
	uint8_t flags = ND_NA_FLAG_ROUTER | ND_NA_FLAG_OVERRIDE;

	if (addr_unspecified(&nd->src)) {
		if (nd->has_lla)	/* 7.1.1: no SLLA from :: */
			goto bad;
		memset(&dst, 0, sizeof(dst));
		dst.family = AF_INET6;
		dst.v6[0] = 0xff;
		dst.v6[1] = 0x02;
		dst.v6[15] = 0x01;
		dst_mac = all_nodes_mac;
	} else {
		dst = nd->src;
		flags |= ND_NA_FLAG_SOLICITED;
		if (nd->has_lla) {
			dst_mac = nd->lla;
		} else {
			eh = rte_pktmbuf_mtod_offset(m,
					const struct rte_ether_hdr *,
					-(int)sizeof(*eh));
			dst_mac = eh->src_addr;
		}
		/* It is about to talk to us: remember it. */
		if (nd->has_lla)
			mif_resolve_learn(port, &nd->src, &nd->lla, true);
	}
	if (mif_port_has_addr(&mif_ports[port], &nd->target)) {
		nd_send(port, MIF_ND_NEIGH_ADVERT, flags, &nd->target, &dst,
			&dst_mac, &nd->target);
		mif_ctl.cnt->ctl[MIF_CTL_NA_SENT]++;
	}
	rte_pktmbuf_free(m);
	return;
bad:
	mif_ctl_bad(m, port, "nd: source link-layer option from ::");
}

void
mif_nd_input(struct rte_mbuf *m, uint16_t port, uint8_t type)
{
	struct nd_msg nd;

	if (type != MIF_ND_NEIGH_SOLICIT && type != MIF_ND_NEIGH_ADVERT) {
		mif_ctl.cnt->ctl[MIF_CTL_ND_IGNORED]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (nd_parse(m, &nd) != 0) {
		mif_ctl_bad(m, port, "nd: hop limit not 255, truncated, bad code, multicast target or bad option");
		return;
	}
	if (type == MIF_ND_NEIGH_SOLICIT) {
		nd_ns_input(m, port, &nd);
		return;
	}
	/* An advertisement updates what we asked for (7.2.5); we create
	 * nothing from unsolicited ones. */
	if (nd.has_lla)
		mif_resolve_learn(port, &nd.target, &nd.lla, false);
	rte_pktmbuf_free(m);
}
