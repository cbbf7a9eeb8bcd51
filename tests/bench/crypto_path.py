#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The crypto-path decision (issue #3 item 4) in one run: rounds of
bench_crypto_path (mifgw's direct intel-ipsec-mb path against rte_ipsec
on the crypto_aesni_mb cryptodev, interleaved inside the program) and of
dpdk-test-crypto-perf (t_crypto, throughput test, AES-128-GCM, buffers
of the ESP payload of a 64 and a 1420-byte inner packet), alternated so
that the shared machine's load falls on all of them alike. Each figure
is the best of the rounds.

    crypto_path.py BUILD_DIR [rounds, default 3] [seconds per figure]
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "bench"))
import crypto_perf  # noqa: E402

SIZES = (64, 1420)
ROW = re.compile(r"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s+([\d.]+)"
                 r"\s+([\d.]+)\s+[\d.]+\s*$")


class Args:
    worker_lcores = [1]

    @staticmethod
    def mem_args(tag):
        return ["--no-huge", "-m", "512", "--no-shconf", "--file-prefix",
                tag]


def payload(inner):
    """ESP payload bytes for an inner IP packet: + trailer, padded to 4."""
    return (inner + 2 + 3) // 4 * 4


def main():
    build = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    secs = sys.argv[3] if len(sys.argv) > 3 else "0.5"
    prog = os.path.join(build, "tests", "bench", "bench_crypto_path")
    best = {}

    def keep(key, val):
        best[key] = min(best.get(key, val), val)

    for r in range(rounds):
        out = subprocess.run([prog, secs], check=True, text=True,
                             stdout=subprocess.PIPE).stdout
        for ln in out.splitlines():
            m = ROW.match(ln)
            if m:
                s = int(m.group(1))
                for i, k in enumerate(("dir_out", "dev_out", "dir_in",
                                       "dev_in")):
                    keep((k, s), float(m.group(2 + i)))
        for d, op in (("out", "encrypt"), ("in", "decrypt")):
            opts = crypto_perf.ALGS["gcm128"][d][0]
            for s in SIZES:
                cpu_ns, _ = crypto_perf.run_one(Args, opts, payload(s))
                keep(("tc_" + d, s), cpu_ns)
        print("round %d of %d done" % (r + 1, rounds), file=sys.stderr)

    print("AES-128-GCM, tunnel IPv4, ns per packet, best of %d rounds"
          % rounds)
    print("%5s %4s  %8s %8s %8s  %9s %9s" % (
        "inner", "dir", "t_crypto", "direct", "cryptodv", "direct/tc",
        "cdev/tc"))
    for s in SIZES:
        for d in ("out", "in"):
            tc = best[("tc_" + d, s)]
            a, b = best[("dir_" + d, s)], best[("dev_" + d, s)]
            print("%5d %4s  %8.1f %8.1f %8.1f  %9.2f %9.2f" % (
                s, d, tc, a, b, a / tc, b / tc))


if __name__ == "__main__":
    main()
