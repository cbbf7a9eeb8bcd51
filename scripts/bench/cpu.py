# SPDX-License-Identifier: BSD-3-Clause
"""CPU time that DPDK lcore threads of a process have run, from
/proc/PID/task/TID/schedstat (first field: ns on a CPU). On a shared
host a polling worker is descheduled now and then. Packets per CPU
second measures what the worker costs; packets per wall second also
depends on how often the host let it run."""

import os

WORKER_COMM = ("lcore-worker", "rte-worker")  # DPDK lcore thread names


def worker_ns(pid):
    """Sum of on-CPU ns of pid's lcore worker threads (0 if gone)."""
    total = 0
    base = "/proc/%d/task" % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return 0
    for tid in tids:
        try:
            with open("%s/%s/comm" % (base, tid), encoding="ascii") as f:
                if not f.read().startswith(WORKER_COMM):
                    continue
            with open("%s/%s/schedstat" % (base, tid),
                      encoding="ascii") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total
