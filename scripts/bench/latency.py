# SPDX-License-Identifier: BSD-3-Clause
"""Packet latency through a running mifgw whose ports are net_memif
servers: bench_latency (scripts/bench/bench_latency.c) is the client of
both, first as fast as it can, then at half that rate."""

import os
import re
import subprocess

LINE_RE = re.compile(r"latency: size (\d+) rate (\d+) sent (\d+) received "
                     r"(\d+) p50 (\d+) p90 (\d+) p99 (\d+) p999 (\d+) max "
                     r"(\d+) \(ns\) achieved (\d+) pps")
GW_MAC = "02:00:00:00:01:01"        # mifgw's memif input port
SAT_SECONDS = 2


class LatencyError(Exception):
    pass


def parse(text):
    m = LINE_RE.search(text)
    if not m:
        return None
    keys = ("size", "rate", "sent", "received", "p50", "p90", "p99",
            "p999", "max", "achieved")
    return dict(zip(keys, (int(g) for g in m.groups())))


def memif_dev(n, sock, role, mac=None):
    dev = "net_memif%s,role=%s,socket=%s,socket-abstract=no" % (n, role,
                                                                 sock)
    return dev + (",mac=" + mac if mac else "")


def sender(args, socks, size, rate, seconds, hist=None):
    exe = os.path.join(args.build, "tests", "bench", "bench_latency")
    if not os.access(exe, os.X_OK):
        raise LatencyError("%s not built" % exe)
    # lcore 0: the worker's lcore stays mifgw's alone; the sender shares
    # the main lcore with mifgw's (mostly sleeping) control thread.
    argv = [exe, "-l", "0", "--no-pci", "--log-level", "*:error",
            "--vdev", memif_dev("_lat_in", socks[0], "client"),
            "--vdev", memif_dev("_lat_out", socks[1], "client")] + \
        args.mem_args("bench-lat-%d" % os.getpid()) + \
        ["--", GW_MAC, str(size), str(int(rate)), str(seconds)] + \
        ([hist] if hist else [])
    try:
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        raise LatencyError("bench_latency timed out")
    res = parse(r.stdout)
    if r.returncode != 0 or res is None:
        raise LatencyError("bench_latency exit %d: %s" % (
            r.returncode, (r.stderr.strip().splitlines() or ["?"])[-1]))
    if res["received"] == 0:
        raise LatencyError("nothing came back through mifgw")
    return res


def measure(args, tmp, socks, size):
    """Saturate, then half the rate that came out; the latencies of the
    second run, with a sample of them for the plot."""
    sat = sender(args, socks, size, 0, SAT_SECONDS)
    rate = sat["achieved"] // 2
    if rate < 1000:
        raise LatencyError("the memif path carried only %d pps"
                           % sat["achieved"])
    hist = os.path.join(tmp, "lat-%d.txt" % size)
    res = sender(args, socks, size, rate, int(max(args.seconds, 1)), hist)
    with open(hist, encoding="ascii") as f:
        res["samples"] = [int(x) for x in f if x.strip()]
    res["pps"] = res["achieved"]
    res["sat_pps"] = sat["achieved"]
    return res
