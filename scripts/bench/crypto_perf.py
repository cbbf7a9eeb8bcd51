# SPDX-License-Identifier: BSD-3-Clause
"""t_crypto: ns per crypto operation from Debian's dpdk-test-crypto-perf
(throughput test, crypto_aesni_mb, on the worker's lcore), for the bytes
that ESP encrypts for a given frame."""

import os
import re
import subprocess
import time

import cpu

TOOL = "dpdk-test-crypto-perf"
BURST = 32
POLL = 0.005        # s between reads of the worker thread's CPU time

# ESP algorithms: crypto-perf options per direction, and the block the
# ESP payload is padded to (RFC 4303 2.4: 4 bytes, or the cipher block).
GCM = ["--optype", "aead", "--aead-algo", "aes-gcm", "--aead-iv-sz", "12",
       "--aead-aad-sz", "8", "--digest-sz", "16"]
CBC = ["--cipher-algo", "aes-cbc", "--cipher-key-sz", "16",
       "--cipher-iv-sz", "16"]
ALGS = {
    "gcm128": {"name": "AES-128-GCM", "pad": 4, "iv": 8, "icv": 16,
               "out": [GCM + ["--aead-key-sz", "16", "--aead-op",
                              "encrypt"]],
               "in": [GCM + ["--aead-key-sz", "16", "--aead-op",
                             "decrypt"]]},
    "gcm256": {"name": "AES-256-GCM", "pad": 4, "iv": 8, "icv": 16,
               "out": [GCM + ["--aead-key-sz", "32", "--aead-op",
                              "encrypt"]],
               "in": [GCM + ["--aead-key-sz", "32", "--aead-op",
                             "decrypt"]]},
}


def _hmac(algo, key, digest):
    auth = ["--auth-algo", algo, "--auth-key-sz", str(key),
            "--digest-sz", str(digest)]
    # Inbound is decrypt + verify. crypto-perf needs a test-vector file
    # to verify, so the inbound figure is the sum of two single ops
    # (cipher-only decrypt, auth-only generate): one device round trip
    # more than a chained op would pay.
    return {"out": [["--optype", "cipher-then-auth", "--cipher-op",
                     "encrypt", "--auth-op", "generate"] + CBC + auth],
            "in": [["--optype", "cipher-only", "--cipher-op", "decrypt"]
                   + CBC,
                   ["--optype", "auth-only", "--auth-op", "generate"]
                   + auth]}


ALGS["cbc-sha1"] = dict(name="AES-128-CBC+HMAC-SHA1-96", pad=16, iv=16,
                        icv=12, **_hmac("sha1-hmac", 20, 12))
ALGS["cbc-sha256"] = dict(name="AES-128-CBC+HMAC-SHA256-128", pad=16,
                          iv=16, icv=16, **_hmac("sha2-256-hmac", 32, 16))

ROW_RE = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                    r"(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")


class CryptoPerfError(Exception):
    pass


def esp_len(alg, frame, family=4):
    """Bytes encrypted for a tunnel-mode packet whose inner frame is
    `frame` bytes: the inner IP packet plus the 2-byte trailer, padded."""
    pad = ALGS[alg]["pad"]
    n = frame - 14 + 2
    return (n + pad - 1) // pad * pad


def esp_frame(alg, frame, family=4):
    """Size of the outer (ESP, tunnel) frame for an inner frame."""
    a = ALGS[alg]
    outer_ip = 20 if family == 4 else 40
    return 14 + outer_ip + 8 + a["iv"] + esp_len(alg, frame) + a["icv"]


def parse(text):
    """{buffer size: MOps} from crypto-perf's throughput table."""
    res = {}
    for ln in text.splitlines():
        m = ROW_RE.match(ln)
        if m:
            if int(m.group(7)) or int(m.group(6)):
                raise CryptoPerfError("failed enqueue/dequeue at %s B"
                                      % m.group(2))
            res[int(m.group(2))] = float(m.group(8))
    return res


def ops_for(size):
    """About a second of work at any size: 2M ops of 64 B, 200k of
    1408 B."""
    return int(max(200000, min(2000000, 128e6 / size)))


def run_one(args, opts, size):
    """One buffer size: (ns of worker CPU per op, ns per op in wall time).
    The worker thread's CPU time is polled while the tool runs, so the
    last POLL seconds before it exits are missed (under 1 %)."""
    ops = ops_for(size)
    argv = [TOOL, "-l", "0,%d" % args.worker_lcores[0], "--no-pci",
            "--vdev", "crypto_aesni_mb", "--log-level", "*:error"] + \
        args.mem_args("bench-cp-%d" % os.getpid()) + \
        ["--", "--ptest", "throughput", "--devtype", "crypto_aesni_mb",
         "--burst-sz", str(BURST), "--pool-sz", "8192", "--total-ops",
         str(ops), "--buffer-sz", str(size)] + opts
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    except FileNotFoundError:
        raise CryptoPerfError("%s not installed (Debian package dpdk)"
                              % TOOL)
    used, deadline = 0, time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        used = max(used, cpu.worker_ns(proc.pid))
        time.sleep(POLL)
    if proc.poll() is None:
        proc.kill()
    out, err = proc.communicate()
    res = parse(out)
    if proc.returncode != 0 or size not in res or used == 0:
        lines = [ln for ln in (err + out).splitlines()
                 if ln.strip() and not ln.startswith("#")]
        raise CryptoPerfError("%s exit %s at %d B%s: %s" % (
            TOOL, proc.returncode, size,
            ", no CPU time read" if not used else "",
            " | ".join(lines[-2:])))
    return used / ops, 1e3 / res[size]


def measure(args, alg, direction, frames):
    """{frame: (ns of CPU per op, ns per op in wall time, note)}; both
    sum the ops of the list."""
    a = ALGS[alg]
    lens = {f: esp_len(alg, f) for f in frames}
    ns = {f: 0.0 for f in frames}
    wall = {f: 0.0 for f in frames}
    for i, opts in enumerate(a[direction]):
        # The auth-only half of inbound CBC also covers the ESP header
        # and IV (RFC 4303 2.8: the ICV is over header, IV and payload).
        extra = 8 + a["iv"] if i == 1 else 0
        for f in frames:
            c, w = run_one(args, opts, lens[f] + extra)
            ns[f] += c
            wall[f] += w
    note = "%s %s, %s B per op" % (
        a["name"], "encrypt" if direction == "out" else "decrypt",
        "/".join(str(lens[f]) for f in frames))
    if len(a[direction]) > 1:
        note += " (decrypt + HMAC as two ops, see docs/benchmarks.md)"
    return {f: (ns[f], wall[f], note) for f in frames}
