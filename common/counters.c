/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "common/counters.h"

struct mif_counters mif_counters[RTE_MAX_LCORE];
void (*mif_counters_print_extra)(FILE *f);
struct mif_counters_hw mif_counters_hw[MIF_MAX_PORTS];

const char *const mif_drop_names[MIF_DROP_MAX] = {
	[MIF_DROP_BAD_LEN] = "bad_len",
	[MIF_DROP_BAD_L2] = "bad_l2",
	[MIF_DROP_NOT_FOR_US] = "not_for_us",
	[MIF_DROP_BAD_IP] = "bad_ip",
	[MIF_DROP_BAD_CSUM] = "bad_csum",
	[MIF_DROP_BAD_ADDR] = "bad_addr",
	[MIF_DROP_MCAST] = "mcast",
	[MIF_DROP_POLICY] = "policy_discard",
	[MIF_DROP_NO_ROUTE] = "no_route",
	[MIF_DROP_TTL_EXCEEDED] = "ttl_exceeded",
	[MIF_DROP_MTU_EXCEEDED] = "mtu_exceeded",
	[MIF_DROP_NEIGH_UNRESOLVED] = "neigh_unresolved",
	[MIF_DROP_NEIGH_QUEUE_FULL] = "neigh_queue_full",
	[MIF_DROP_NEIGH_TABLE_FULL] = "neigh_table_full",
	[MIF_DROP_PUNT_FULL] = "punt_full",
	[MIF_DROP_TX_FULL] = "tx_full",
	[MIF_DROP_NO_MBUF] = "no_mbuf",
	[MIF_DROP_LOCAL_UNHANDLED] = "local_unhandled",
	[MIF_DROP_CTL_BAD] = "ctl_bad",
	[MIF_DROP_NO_SA] = "no_sa",
	[MIF_DROP_NOT_ESP] = "not_esp",
	[MIF_DROP_ESP_BAD_LEN] = "esp_bad_len",
	[MIF_DROP_NATT_KEEPALIVE] = "natt_keepalive",
	[MIF_DROP_ESP_SEGMENTED] = "esp_segmented",
	[MIF_DROP_ESP_NO_ROOM] = "esp_no_room",
	[MIF_DROP_ESP_CRYPTO] = "esp_crypto",
	[MIF_DROP_ESP_UNSUPPORTED] = "esp_unsupported",
	[MIF_DROP_ESP_DUMMY] = "esp_dummy",
	[MIF_DROP_ESP_FRAGMENT] = "esp_fragment",
	[MIF_DROP_ESP_SA] = "esp_sa",
	[MIF_DROP_POLICY_CLEAR] = "policy_clear",
	[MIF_DROP_POLICY_BADPKT] = "policy_badpkt",
};

const char *const mif_ctl_event_names[MIF_CTL_MAX] = {
	[MIF_CTL_PUNTED] = "punted",
	[MIF_CTL_ARP_REPLY_SENT] = "arp_reply_sent",
	[MIF_CTL_ARP_REQUEST_SENT] = "arp_request_sent",
	[MIF_CTL_NA_SENT] = "na_sent",
	[MIF_CTL_NS_SENT] = "ns_sent",
	[MIF_CTL_NEIGH_LEARNED] = "neigh_learned",
	[MIF_CTL_NEIGH_EXPIRED] = "neigh_expired",
	[MIF_CTL_NEIGH_LOST] = "neigh_lost",
	[MIF_CTL_ECHO_REPLY_SENT] = "echo_reply_sent",
	[MIF_CTL_ICMP_ERROR_SENT] = "icmp_error_sent",
	[MIF_CTL_ICMP_RATE_LIMITED] = "icmp_rate_limited",
	[MIF_CTL_ND_IGNORED] = "nd_ignored",
	[MIF_CTL_ESP_FRAGMENTED] = "esp_fragmented",
};

void
mif_counters_sum(struct mif_counters *sum)
{
	const uint64_t *src;
	uint64_t *dst;
	unsigned int lc;
	size_t i, n;

	/* The struct is nothing but uint64_t, so sum it as an array. */
	RTE_BUILD_BUG_ON(offsetof(struct mif_counters, ctl) +
			 sizeof(sum->ctl) > sizeof(*sum));
	memset(sum, 0, sizeof(*sum));
	dst = (uint64_t *)sum;
	n = (offsetof(struct mif_counters, ctl) + sizeof(sum->ctl)) /
		sizeof(uint64_t);
	for (lc = 0; lc < RTE_MAX_LCORE; lc++) {
		src = (const uint64_t *)&mif_counters[lc];
		for (i = 0; i < n; i++)
			dst[i] += src[i];
	}
}

void
mif_counters_reset(void)
{
	memset(mif_counters, 0, sizeof(mif_counters));
}

/* Per-lcore totals, for lcores that saw anything: shows how RSS or the
 * af_packet fanout spreads the load over the workers. */
static void
print_lcores(FILE *f)
{
	uint64_t rx, tx, drops;
	unsigned int lc, i;

	for (lc = 0; lc < RTE_MAX_LCORE; lc++) {
		rx = tx = drops = 0;
		for (i = 0; i < MIF_MAX_PORTS; i++) {
			rx += mif_counters[lc].port[i].rx_packets;
			tx += mif_counters[lc].port[i].tx_packets;
		}
		for (i = 0; i < MIF_DROP_MAX; i++)
			drops += mif_counters[lc].drop[i];
		if (rx == 0 && tx == 0 && drops == 0)
			continue;
		fprintf(f, "lcore %u rx %" PRIu64 "\n", lc, rx);
		fprintf(f, "lcore %u tx %" PRIu64 "\n", lc, tx);
		fprintf(f, "lcore %u drops %" PRIu64 "\n", lc, drops);
	}
}

void
mif_counters_print(FILE *f, const char *const *port_names,
		   unsigned int n_ports)
{
	struct mif_counters sum;
	unsigned int i;

	mif_counters_sum(&sum);
	fprintf(f, "=== mifgw counters ===\n");
	for (i = 0; i < n_ports && i < MIF_MAX_PORTS; i++) {
		fprintf(f, "port %s rx %" PRIu64 "\n", port_names[i],
			sum.port[i].rx_packets);
		fprintf(f, "port %s rx_bytes %" PRIu64 "\n", port_names[i],
			sum.port[i].rx_bytes);
		fprintf(f, "port %s tx %" PRIu64 "\n", port_names[i],
			sum.port[i].tx_packets);
		fprintf(f, "port %s tx_bytes %" PRIu64 "\n", port_names[i],
			sum.port[i].tx_bytes);
		if (!mif_counters_hw[i].valid)
			continue;
		fprintf(f, "port %s rx_missed %" PRIu64 "\n", port_names[i],
			mif_counters_hw[i].rx_missed);
		fprintf(f, "port %s rx_nombuf %" PRIu64 "\n", port_names[i],
			mif_counters_hw[i].rx_nombuf);
	}
	for (i = 0; i < MIF_DROP_MAX; i++)
		fprintf(f, "drop %s %" PRIu64 "\n", mif_drop_names[i],
			sum.drop[i]);
	for (i = 0; i < MIF_CTL_MAX; i++)
		fprintf(f, "ctl %s %" PRIu64 "\n", mif_ctl_event_names[i],
			sum.ctl[i]);
	print_lcores(f);
	if (mif_counters_print_extra != NULL)
		mif_counters_print_extra(f);
	fprintf(f, "=== end ===\n");
	fflush(f);
}
