/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_latency: one-way packet latency through mifgw, for make bench.
 *
 * mifgw's two ports are net_memif servers; this program is the client of
 * both. It sends UDP/IPv4 frames into "in", each carrying a sequence
 * number, keeps the TSC at which every sequence number left, and takes
 * the difference when the frame comes back out of "out". Both processes
 * read the same TSC, so no clock needs synchronising.
 *
 * usage: bench_latency [EAL options] -- GW_MAC FRAME_SIZE RATE_PPS SECONDS
 *            [HIST_FILE]
 * The EAL options carry two --vdev net_memif...,role=client: the first is
 * mifgw's input port, the second its output port.
 * RATE_PPS 0 sends as fast as it can and reports the rate that came out
 * (the saturation point the driver halves). It prints one line:
 *   latency: size S rate R sent N received M p50 A p90 B p99 C p999 D
 *   max E (ns) achieved X pps
 * and, with HIST_FILE, every latency in ns, one per line (a sample of at
 * most 100000), for the plot.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#define BURST		32
#define POOL_SIZE	8191
#define SEQ_OFF		(RTE_ETHER_HDR_LEN + 20 + 8)	/* UDP payload */
#define MAX_SAMPLES	100000

struct run {
	uint16_t in, out;
	uint16_t size;
	struct rte_ether_addr gw_mac, my_mac;
	uint64_t rate, seconds;
	uint64_t *sent_tsc;	/* by sequence number */
	uint32_t *lat_ns;	/* by arrival */
	uint64_t n_slots;
	uint64_t sent, recv;
	uint64_t recv_bytes;
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
port_up(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;
	uint64_t deadline;
	int rc;

	if ((rc = rte_eth_dev_configure(port, 1, 1, &conf)) != 0 ||
	    (rc = rte_eth_rx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL,
					 mp)) != 0 ||
	    (rc = rte_eth_tx_queue_setup(port, 0, 1024, SOCKET_ID_ANY,
					 NULL)) != 0 ||
	    (rc = rte_eth_dev_start(port)) != 0)
		return rc;
	/* memif comes up when the server (mifgw) has accepted us. */
	deadline = rte_get_timer_cycles() + 10 * rte_get_timer_hz();
	do {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(10);
	} while (rte_get_timer_cycles() < deadline);
	return -ETIMEDOUT;
}

/* UDP/IPv4 10.100.0.1:1024 -> 10.200.0.1:5001, the outbound lab flow. */
static void
build(struct run *r, struct rte_mbuf *m, uint64_t seq)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t ip_len = r->size - RTE_ETHER_HDR_LEN;

	memset(p, 0, r->size);
	eh->dst_addr = r->gw_mac;
	eh->src_addr = r->my_mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0x0a640001);
	ip->dst_addr = rte_cpu_to_be_32(0x0ac80001);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(5001);
	udp->dgram_len = rte_cpu_to_be_16(ip_len - 20);
	memcpy(p + SEQ_OFF, &seq, sizeof(seq));
	m->data_len = m->pkt_len = r->size;
}

static void
send_some(struct run *r, struct rte_mempool *mp, unsigned int n)
{
	struct rte_mbuf *m[BURST];
	uint64_t now;
	unsigned int i, k;

	if (rte_pktmbuf_alloc_bulk(mp, m, n) != 0)
		return;
	for (i = 0; i < n; i++)
		build(r, m[i], r->sent + i);
	now = rte_rdtsc();
	for (i = 0; i < n; i++)
		r->sent_tsc[(r->sent + i) % r->n_slots] = now;
	k = rte_eth_tx_burst(r->in, 0, m, n);
	r->sent += k;
	for (i = k; i < n; i++)
		rte_pktmbuf_free(m[i]);
}

static void
receive(struct run *r, double ns_per_tsc)
{
	struct rte_mbuf *m[BURST];
	uint64_t now = rte_rdtsc(), seq;
	unsigned int i, n;

	n = rte_eth_rx_burst(r->out, 0, m, BURST);
	for (i = 0; i < n; i++) {
		if (m[i]->data_len >= SEQ_OFF + sizeof(seq)) {
			memcpy(&seq, rte_pktmbuf_mtod_offset(m[i], uint8_t *,
							     SEQ_OFF),
			       sizeof(seq));
			if (seq < r->sent && r->recv < r->n_slots)
				r->lat_ns[r->recv] = (uint32_t)RTE_MIN(
					(now - r->sent_tsc[seq % r->n_slots]) *
					ns_per_tsc, (double)UINT32_MAX);
			r->recv_bytes += m[i]->pkt_len;
			r->recv++;
		}
		rte_pktmbuf_free(m[i]);
	}
}

/*
 * Pace by TSC: the frames due by now leave in bursts of at most BURST,
 * so at 50 % load bursts stay short and the queueing seen is mifgw's.
 */
static void
loop(struct run *r, struct rte_mempool *mp)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc();
	uint64_t end = t0 + r->seconds * hz, drain, now, due;
	double ns_per_tsc = 1e9 / (double)hz;

	while ((now = rte_rdtsc()) < end) {
		due = r->rate ? (uint64_t)((double)(now - t0) / hz * r->rate)
			      : r->sent + BURST;
		if (due > r->sent)
			send_some(r, mp, RTE_MIN(due - r->sent,
						 (uint64_t)BURST));
		receive(r, ns_per_tsc);
	}
	/* Frames still inside mifgw: wait 10 ms for them. */
	drain = rte_rdtsc() + hz / 100;
	while (rte_rdtsc() < drain)
		receive(r, ns_per_tsc);
}

static void
report(struct run *r, const char *hist)
{
	uint64_t n = RTE_MIN(r->recv, r->n_slots), i, step;
	FILE *f;

	if (n == 0) {
		printf("latency: size %u rate %" PRIu64 " sent %" PRIu64
		       " received 0\n", r->size, r->rate, r->sent);
		return;
	}
	qsort(r->lat_ns, n, sizeof(*r->lat_ns), cmp_u32);
	printf("latency: size %u rate %" PRIu64 " sent %" PRIu64 " received %"
	       PRIu64 " p50 %u p90 %u p99 %u p999 %u max %u (ns) achieved %.0f"
	       " pps\n", r->size, r->rate, r->sent, r->recv,
	       r->lat_ns[n / 2], r->lat_ns[n * 9 / 10], r->lat_ns[n * 99 / 100],
	       r->lat_ns[n * 999 / 1000], r->lat_ns[n - 1],
	       (double)r->recv / (double)r->seconds);
	if (hist == NULL || (f = fopen(hist, "w")) == NULL)
		return;
	step = n > MAX_SAMPLES ? n / MAX_SAMPLES : 1;
	for (i = 0; i < n; i += step)
		fprintf(f, "%u\n", r->lat_ns[i]);
	fclose(f);
}

static int
parse_args(struct run *r, int argc, char **argv)
{
	long size;

	if (argc < 5 || argc > 6)
		return -EINVAL;
	if (rte_ether_unformat_addr(argv[1], &r->gw_mac) != 0)
		return -EINVAL;
	size = strtol(argv[2], NULL, 10);
	if (size < SEQ_OFF + 8 || size > 1514)
		return -EINVAL;
	r->size = (uint16_t)size;
	r->rate = strtoull(argv[3], NULL, 10);
	r->seconds = strtoull(argv[4], NULL, 10);
	if (r->seconds == 0 || r->seconds > 60 || r->rate > 50000000)
		return -EINVAL;
	return 0;
}

int
main(int argc, char **argv)
{
	struct run r = { 0 };
	struct rte_mempool *mp;
	int n, rc = 1;

	if ((n = rte_eal_init(argc, argv)) < 0) {
		fprintf(stderr, "bench_latency: EAL init failed\n");
		return 1;
	}
	if (parse_args(&r, argc - n, argv + n) != 0 ||
	    rte_eth_dev_count_avail() != 2) {
		fprintf(stderr, "usage: bench_latency [EAL with two --vdev "
			"net_memif] -- GW_MAC SIZE RATE_PPS SECONDS [HIST]\n");
		goto out;
	}
	r.in = 0;
	r.out = 1;
	/* Ring of send times: large enough for 10 ms in flight at 50 Mpps. */
	r.n_slots = 1u << 20;
	r.sent_tsc = calloc(r.n_slots, sizeof(*r.sent_tsc));
	r.lat_ns = calloc(r.n_slots, sizeof(*r.lat_ns));
	mp = rte_pktmbuf_pool_create("lat", POOL_SIZE, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (r.sent_tsc == NULL || r.lat_ns == NULL || mp == NULL) {
		fprintf(stderr, "bench_latency: setup failed\n");
		goto out;
	}
	rte_eth_macaddr_get(r.in, &r.my_mac);
	if (port_up(r.in, mp) != 0 || port_up(r.out, mp) != 0) {
		fprintf(stderr, "bench_latency: memif link not up in 10 s\n");
		goto out;
	}
	loop(&r, mp);
	report(&r, argc - n == 6 ? argv[n + 5] : NULL);
	rc = 0;
out:
	free(r.sent_tsc);
	free(r.lat_ns);
	rte_eal_cleanup();
	return rc;
}
