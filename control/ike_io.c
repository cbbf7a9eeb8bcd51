/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE over UDP on the control thread (control/ike_io.h). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "common/log.h"
#include "control/ctl.h"
#include "control/ike_daemon.h"
#include "control/ike_io.h"
#include "control/ike_sa.h"
#include "dataplane/punt.h"

#define IKE_PORT	500
#define NATT_PORT	4500
#define NON_ESP_LEN	4
#define IO_TTL		64

static uint8_t rx_buf[MIF_IKE_MSG_MAX_LEN];

/* Locate the UDP header and the addresses; 0 or -EBADMSG. */
static int
udp_locate(struct rte_mbuf *m, struct mif_ike_path *p, uint32_t *l4off)
{
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	struct rte_udp_hdr u;
	uint32_t off;

	mif_ctl_ip_addrs(m, &p->remote, &p->local);
	if (p->local.family == AF_INET) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)b;

		if (ip->next_proto_id != IPPROTO_UDP)
			return -EBADMSG;
		off = (uint32_t)(ip->version_ihl & 0xf) * 4;
	} else {
		if (((const struct rte_ipv6_hdr *)b)->proto != IPPROTO_UDP)
			return -EBADMSG;
		off = sizeof(struct rte_ipv6_hdr);
	}
	if (m->data_len < off + sizeof(u))
		return -EBADMSG;
	memcpy(&u, b + off, sizeof(u));
	if (rte_be_to_cpu_16(u.dgram_len) < sizeof(u) ||
	    rte_be_to_cpu_16(u.dgram_len) > m->data_len - off)
		return -EBADMSG;
	p->rport = rte_be_to_cpu_16(u.src_port);
	p->lport = rte_be_to_cpu_16(u.dst_port);
	*l4off = off;
	return 0;
}

bool
mif_ike_io_input(struct rte_mbuf *m, uint16_t port)
{
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	struct mif_ike_path p;
	struct rte_udp_hdr u;
	uint32_t off, len;

	(void)port;
	if (!mif_ike_daemon_running() || udp_locate(m, &p, &off) != 0)
		return false;
	if (p.lport != IKE_PORT && p.lport != NATT_PORT)
		return false;
	memcpy(&u, b + off, sizeof(u));
	len = rte_be_to_cpu_16(u.dgram_len) - (uint32_t)sizeof(u);
	off += (uint32_t)sizeof(u);
	if (p.lport == NATT_PORT) {
		/* RFC 3948 2.2: a one-byte 0xff is a NAT keepalive; ESP the
		 * workers did not take has a non-zero SPI here. */
		if (len < NON_ESP_LEN || b[off] | b[off + 1] | b[off + 2] |
		    b[off + 3]) {
			rte_pktmbuf_free(m);
			return true;
		}
		off += NON_ESP_LEN;
		len -= NON_ESP_LEN;
	}
	memcpy(rx_buf, b + off, len);
	rte_pktmbuf_free(m);
	mif_ike_daemon_rx(rx_buf, len, &p);
	return true;
}

static void
fill_udp(uint8_t *l4, const struct mif_ike_path *path, size_t len)
{
	struct rte_udp_hdr u = {
		.src_port = rte_cpu_to_be_16(path->lport),
		.dst_port = rte_cpu_to_be_16(path->rport),
		.dgram_len = rte_cpu_to_be_16((uint16_t)len),
	};

	memcpy(l4, &u, sizeof(u));
}

int
mif_ike_io_send(const struct mif_ike_path *path, const uint8_t *msg,
		size_t len)
{
	bool v4 = path->local.family == AF_INET;
	size_t l3 = v4 ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	size_t mark = path->lport == NATT_PORT ? NON_ESP_LEN : 0;
	size_t udp = sizeof(struct rte_udp_hdr) + mark + len;
	struct rte_mbuf *m;
	uint8_t *p;
	uint16_t ck;

	if ((m = mif_ctl_alloc()) == NULL)
		return -ENOBUFS;
	if (l3 + udp > rte_pktmbuf_tailroom(m) ||
	    (p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l3 + udp))) ==
	    NULL) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	memset(p, 0, l3 + sizeof(struct rte_udp_hdr) + mark);
	memcpy(p + l3 + sizeof(struct rte_udp_hdr) + mark, msg, len);
	fill_udp(p + l3, path, udp);
	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + udp));
		ip->time_to_live = IO_TTL;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = path->local.v4;
		ip->dst_addr = path->remote.v4;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		ck = rte_ipv4_udptcp_cksum(ip, p + l3);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;

		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)udp);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = IO_TTL;
		memcpy(ip->src_addr, path->local.v6, 16);
		memcpy(ip->dst_addr, path->remote.v6, 16);
		ck = rte_ipv6_udptcp_cksum(ip, p + l3);
	}
	memcpy(p + l3 + offsetof(struct rte_udp_hdr, dgram_cksum), &ck, 2);
	m->l3_len = (uint16_t)l3;
	mif_punt_meta(m)->reason = 0;
	mif_punt_meta(m)->in_port = 0;
	mif_ctl_ip_output(m);
	return 0;
}
