/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_TELEMETRY_H
#define MIF_TELEMETRY_H

/** @file
 * Operational state for collectors: DPDK telemetry endpoints under
 * /mifgw/ (read with dpdk-telemetry.py or any client of the
 * dpdk_telemetry.v2 socket), and the port link monitor that logs every
 * link change at NOTICE.
 *
 * Endpoints (a parameter after a comma selects one object):
 * - /mifgw/version             mifgw and DPDK versions, pid, uptime
 * - /mifgw/ports[,NAME]        role, MAC, MTU, link, addresses
 * - /mifgw/stats[,NAME]        per port rx/tx, drops by reason, control
 *                              events, summed over every lcore
 * - /mifgw/workers[,LCORE]     lcores, their RX queues and packets
 *
 * The callbacks run on DPDK's telemetry threads. They read only memory
 * that is never freed while the process lives: the port array (read-only
 * once the ports are up), the per-lcore counters (plain 64-bit loads, a
 * value may be one update old) and the link states cached by
 * mif_telemetry_link_check(). They take no lock and never call into a
 * driver, so they cannot disturb the workers or race with shutdown.
 */

#include <stdint.h>

#include "common/cfg.h"

/**
 * Register the /mifgw/ endpoints and record every port's link state.
 * Call once on the main lcore after the ports have started.
 * @return 0, -EALREADY on a second call, or -errno when DPDK refused an
 *         endpoint (logged).
 */
int mif_telemetry_init(const struct mif_cfg *cfg);

/**
 * Poll the link state of every started port, at most once a second
 * (@p now in TSC cycles), and log each change as one NOTICE line.
 * Control thread only: the driver calls are not thread-safe against
 * port stop/close, which happen on the same thread.
 */
void mif_telemetry_link_check(uint64_t now);

#endif
