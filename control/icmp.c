/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "control/ctl.h"
#include "control/icmp.h"
#include "control/ike_io.h"
#include "control/nd.h"
#include "dataplane/port.h"
#include "dataplane/punt.h"

#define ICMP4_UNREACH		3
#define ICMP4_UNREACH_NET	0
#define ICMP4_UNREACH_HOST	1
#define ICMP4_UNREACH_PORT	3
#define ICMP4_UNREACH_NEEDFRAG	4
#define ICMP4_TIME_EXCEEDED	11
#define ICMP6_UNREACH		1
#define ICMP6_UNREACH_NOROUTE	0
#define ICMP6_UNREACH_ADDR	3
#define ICMP6_UNREACH_PORT	4
#define ICMP6_TOO_BIG		2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129

#define ICMP_HDR_LEN		8
#define ICMP_TTL		64
/* RFC 1812 4.3.2.3: an IPv4 error fits in 576 bytes; RFC 4443 2.4(c):
 * an ICMPv6 error fits in the minimum MTU, 1280. */
#define ICMP4_ERR_MAX		576
#define ICMP6_ERR_MAX		1280

static uint8_t
ip_version(struct rte_mbuf *m)
{
	return *rte_pktmbuf_mtod(m, uint8_t *) >> 4;
}

/* RFC 1812 4.3.2.7 and RFC 4443 2.4(e): never answer an error with an
 * error, nor a multicast or broadcast, nor a fragment other than the
 * first, nor a packet whose source names no single host. */
static bool
error_allowed4(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	const uint8_t *l4 = (const uint8_t *)ip + m->l3_len;

	if (src == 0 || src >= 0xe0000000 || dst >= 0xe0000000)
		return false;
	if ((rte_be_to_cpu_16(ip->fragment_offset) &
	     RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP && m->data_len > m->l3_len &&
	    l4[0] != RTE_IP_ICMP_ECHO_REQUEST && l4[0] != RTE_IP_ICMP_ECHO_REPLY)
		return false;
	return true;
}

static bool
error_allowed6(struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	static const uint8_t zero[16];
	const uint8_t *l4 = (const uint8_t *)(ip + 1);

	if (memcmp(ip->src_addr, zero, 16) == 0 || ip->src_addr[0] == 0xff ||
	    ip->dst_addr[0] == 0xff)
		return false;
	if (ip->proto == IPPROTO_ICMPV6 && m->data_len > sizeof(*ip) &&
	    l4[0] < 128)
		return false;
	return true;
}

/* Our address to send an error from: the arrival port's, else any. */
static int
error_src(uint16_t in_port, const struct mif_addr *to, struct mif_addr *src)
{
	unsigned int i;

	if (in_port < mif_n_ports &&
	    mif_port_src_addr(&mif_ports[in_port], to, src) == 0)
		return 0;
	for (i = 0; i < mif_n_ports; i++)
		if (mif_port_src_addr(&mif_ports[i], to, src) == 0)
			return 0;
	return -ENOENT;
}

static void
ip4_fill(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst, uint16_t len)
{
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->time_to_live = ICMP_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static bool
error_admit(struct rte_mbuf *orig, bool v4)
{
	if (v4 ? !error_allowed4(orig) : !error_allowed6(orig))
		return false;
	if (!mif_ratelimit_take(&mif_ctl.icmp_rl, rte_get_tsc_cycles())) {
		mif_ctl.cnt->ctl[MIF_CTL_ICMP_RATE_LIMITED]++;
		return false;
	}
	return true;
}

/* Build and send an error about @p orig (mbuf at L3, left untouched).
 * @p word is the second 32-bit word of the ICMP header (MTU fields). */
static void
icmp_error(struct rte_mbuf *orig, uint8_t type, uint8_t code, uint32_t word)
{
	bool v4 = ip_version(orig) == 4;
	uint16_t in_port = mif_punt_meta(orig)->in_port;
	struct mif_addr osrc, odst, src;
	uint32_t quote, hl = v4 ? sizeof(struct rte_ipv4_hdr) :
				  sizeof(struct rte_ipv6_hdr);
	struct rte_mbuf *m;
	uint8_t *ip, *icmp;
	uint16_t ck;

	if (!error_admit(orig, v4))
		return;
	mif_ctl_ip_addrs(orig, &osrc, &odst);
	if (error_src(in_port, &osrc, &src) != 0 ||
	    (m = mif_ctl_alloc()) == NULL)
		return;
	quote = RTE_MIN(orig->data_len, (v4 ? ICMP4_ERR_MAX : ICMP6_ERR_MAX) -
			hl - ICMP_HDR_LEN);
	ip = (uint8_t *)rte_pktmbuf_append(m, hl + ICMP_HDR_LEN + quote);
	if (ip == NULL) {
		mif_ctl_drop(m, MIF_DROP_NO_MBUF);
		return;
	}
	icmp = ip + hl;
	icmp[0] = type;
	icmp[1] = code;
	memset(icmp + 2, 0, 2);
	word = rte_cpu_to_be_32(word);
	memcpy(icmp + 4, &word, 4);
	memcpy(icmp + ICMP_HDR_LEN, rte_pktmbuf_mtod(orig, void *), quote);
	if (v4) {
		ip4_fill((struct rte_ipv4_hdr *)ip, src.v4, osrc.v4,
			 (uint16_t)(hl + ICMP_HDR_LEN + quote));
		ck = (uint16_t)~rte_raw_cksum(icmp, ICMP_HDR_LEN + quote);
	} else {
		mif_nd_ip6_fill(ip, &src, &osrc,
				(uint16_t)(ICMP_HDR_LEN + quote), ICMP_TTL);
		ck = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)ip, icmp);
	}
	memcpy(icmp + 2, &ck, 2);
	mif_punt_meta(m)->reason = 0;
	mif_punt_meta(m)->in_port = in_port;
	m->l3_len = (uint8_t)hl;
	mif_ctl.cnt->ctl[MIF_CTL_ICMP_ERROR_SENT]++;
	mif_ctl_ip_output(m);
}

void
mif_icmp_error_time_exceeded(struct rte_mbuf *orig)
{
	if (ip_version(orig) == 4)
		icmp_error(orig, ICMP4_TIME_EXCEEDED, 0, 0);
	else
		icmp_error(orig, ICMP6_TIME_EXCEEDED, 0, 0);
}

void
mif_icmp_error_unreach_net(struct rte_mbuf *orig)
{
	if (ip_version(orig) == 4)
		icmp_error(orig, ICMP4_UNREACH, ICMP4_UNREACH_NET, 0);
	else
		icmp_error(orig, ICMP6_UNREACH, ICMP6_UNREACH_NOROUTE, 0);
}

void
mif_icmp_error_unreach_host(struct rte_mbuf *orig)
{
	if (ip_version(orig) == 4)
		icmp_error(orig, ICMP4_UNREACH, ICMP4_UNREACH_HOST, 0);
	else
		icmp_error(orig, ICMP6_UNREACH, ICMP6_UNREACH_ADDR, 0);
}

void
mif_icmp_error_too_big(struct rte_mbuf *orig, uint32_t mtu)
{
	const struct rte_ipv4_hdr *ip;

	if (ip_version(orig) != 4) {
		icmp_error(orig, ICMP6_TOO_BIG, 0, mtu);
		return;
	}
	/* We do not fragment: without DF the packet is just dropped. */
	ip = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))
		icmp_error(orig, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG,
			   mtu & 0xffff);	/* RFC 1191: next-hop MTU */
}

/* Turn an echo request into its reply in place and send it back. */
static void
echo4_reply(struct rte_mbuf *m, uint8_t *icmp, uint32_t icmp_len)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t a = ip->src_addr;
	uint16_t ck;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = ICMP_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp[0] = RTE_IP_ICMP_ECHO_REPLY;
	memset(icmp + 2, 0, 2);
	ck = (uint16_t)~rte_raw_cksum(icmp, icmp_len);
	memcpy(icmp + 2, &ck, 2);
	mif_punt_meta(m)->reason = 0;
	mif_ctl.cnt->ctl[MIF_CTL_ECHO_REPLY_SENT]++;
	mif_ctl_ip_output(m);
}

void
mif_icmp4_local_input(struct rte_mbuf *m, uint16_t port)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t len = m->data_len - m->l3_len;
	uint8_t *icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, m->l3_len);

	/* Nothing local reassembles: a fragment to us is not served. */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
						   RTE_IPV4_HDR_OFFSET_MASK))
		goto unhandled;
	if (ip->next_proto_id == IPPROTO_UDP && mif_ike_io_input(m, port))
		return;
	if (ip->next_proto_id == IPPROTO_UDP) {
		icmp_error(m, ICMP4_UNREACH, ICMP4_UNREACH_PORT, 0);
		goto unhandled;
	}
	if (ip->next_proto_id != IPPROTO_ICMP)
		goto unhandled;
	if (len < ICMP_HDR_LEN || rte_raw_cksum(icmp, len) != 0xffff) {
		mif_ctl_bad(m, port, "icmp: truncated or bad checksum");
		return;
	}
	if (icmp[0] == RTE_IP_ICMP_ECHO_REQUEST && icmp[1] == 0) {
		echo4_reply(m, icmp, len);
		return;
	}
unhandled:
	mif_ctl_drop(m, MIF_DROP_LOCAL_UNHANDLED);
}

static void
echo6_reply(struct rte_mbuf *m, uint16_t port, uint8_t *icmp)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct mif_addr src, to;
	uint16_t ck;

	to.family = AF_INET6;
	memcpy(to.v6, ip->src_addr, 16);
	/* To a group (ping ff02::1): answer from our unicast address. */
	if (ip->dst_addr[0] == 0xff) {
		if (mif_port_src_addr(&mif_ports[port], &to, &src) != 0) {
			mif_ctl_drop(m, MIF_DROP_LOCAL_UNHANDLED);
			return;
		}
		memcpy(ip->dst_addr, src.v6, 16);
	}
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, to.v6, 16);
	ip->hop_limits = ICMP_TTL;
	icmp[0] = ICMP6_ECHO_REPLY;
	memset(icmp + 2, 0, 2);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	mif_punt_meta(m)->reason = 0;
	mif_ctl.cnt->ctl[MIF_CTL_ECHO_REPLY_SENT]++;
	mif_ctl_ip_output(m);
}

void
mif_icmp6_local_input(struct rte_mbuf *m, uint16_t port)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint8_t *icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, sizeof(*ip));
	uint32_t len = m->data_len - (uint32_t)sizeof(*ip);

	if (ip->proto == IPPROTO_UDP && ip->dst_addr[0] != 0xff &&
	    mif_ike_io_input(m, port))
		return;
	if (ip->proto == IPPROTO_UDP && ip->dst_addr[0] != 0xff) {
		icmp_error(m, ICMP6_UNREACH, ICMP6_UNREACH_PORT, 0);
		goto unhandled;
	}
	if (ip->proto != IPPROTO_ICMPV6)
		goto unhandled;
	if (len < ICMP_HDR_LEN || rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0) {
		mif_ctl_bad(m, port, "icmpv6: truncated or bad checksum");
		return;
	}
	if (icmp[0] == ICMP6_ECHO_REQUEST && icmp[1] == 0) {
		echo6_reply(m, port, icmp);
		return;
	}
	if (icmp[0] >= MIF_ND_ROUTER_SOLICIT && icmp[0] <= MIF_ND_REDIRECT) {
		mif_nd_input(m, port, icmp[0]);
		return;
	}
unhandled:
	mif_ctl_drop(m, MIF_DROP_LOCAL_UNHANDLED);
}
