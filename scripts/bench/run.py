#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""make bench: mifgw's own cost per packet, with same-run references.

Every scenario is one entry of SCENARIOS. A scenario that needs something
mifgw cannot do yet is printed as "n/a (reason)", never estimated. The
method, the columns and how to read them are in docs/benchmarks.md.
"""

import argparse
import csv
import datetime
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "pktgen-scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mifpcap  # noqa: E402
import cpu  # noqa: E402
import crypto_perf  # noqa: E402
import esp_cfg  # noqa: E402
import latency  # noqa: E402
import memory  # noqa: E402

SIZES = (64, 512, 1420)
ENDS = (64, 1420)
PCAP_MAC = "02:70:63:61:70:00"      # net_pcap's MAC for its first device
PEER_MAC = {"lan": "02:00:00:00:00:01", "wan": "02:00:00:00:00:02"}
L1_EXTRA = 24                       # FCS + preamble + inter-frame gap
BLOCK_START = "=== mifgw counters ==="
BLOCK_END = "=== end ==="
READY_RE = re.compile(r"mif\.main: [a-z_]*: running: \d+ ports")
PORT_MAC_RE = re.compile(r"port (\w+): ethdev \d+, mac ([0-9A-Fa-f:]+)")
EAL_MODE_FILE = "/run/mifgw/eal-mode"

# Addresses: "core" hosts behind lan, "user" hosts behind wan (the lab of
# pktgen-scripts/README.md, with net_pcap and net_null for the NICs).
NET = {
    4: {"lan": "192.0.2.1/24", "wan": "198.51.100.1/24",
        "core": "10.100.0.0/16", "user": "10.200.0.0/16",
        "core_ip": "10.100.0.1", "user_ip": "10.200.0.1",
        "lan_nh": "192.0.2.2", "wan_nh": "198.51.100.2",
        "any": "0.0.0.0/0"},
    6: {"lan": "2001:db8:1::1/64", "wan": "2001:db8:2::1/64",
        "core": "2001:db8:100::/48", "user": "2001:db8:200::/48",
        "core_ip": "2001:db8:100::1", "user_ip": "2001:db8:200::1",
        "lan_nh": "2001:db8:1::2", "wan_nh": "2001:db8:2::2",
        "any": "::/0"},
}

# Why the scenarios that cannot run today cannot. Each is re-checked at
# run time where a check exists (see probe_*), so the table follows the
# tree without editing this file.
NA_SA_CFG = "no static SA keys in the configuration (docs/configuration.md)"
NA_SPD = "policies are parsed but not applied by the worker"
NA_CTL = ("the CLI now has policy add/del, but this driver does not drive "
          "it at 1,000/s yet (one telnet command per update)")
NA_LAT_ESP = "needs the ESP path (see the esp-* rows)"


def sc(name, kind, direction, family=4, mode="-", alg="none", sizes=SIZES,
       sas=0, rules=0, paths=1, na=None):
    return {"name": name, "kind": kind, "dir": direction, "family": family,
            "mode": mode, "alg": alg, "sizes": sizes, "sas": sas,
            "rules": rules, "paths": paths, "na": na}


def esp(direction, mode, family, alg, sizes=SIZES, sas=1, rules=1,
        paths=1, na=None):
    name = "esp-%s-%s-v%d-%s" % (direction, mode, family, alg)
    if sas != 1 or rules != 1:
        name += "-%dsa-%drules" % (sas, rules)
    if paths != 1:
        name += "-%dpaths" % paths
    return sc(name, "esp", direction, family, mode, alg, sizes, sas, rules,
              paths, na)


# The scenario table of issue #8 (and the ESP issue's benchmark): kind
# "fwd" is clear forwarding, "crypto" dpdk-test-crypto-perf, "esp" the full
# IPsec path; "ctl" and "latency" are the stressed and the latency runs.
SCENARIOS = [
    sc("bypass-out-v4", "fwd", "out", 4),
    sc("bypass-out-v6", "fwd", "out", 6),
    sc("bypass-in-v4", "fwd", "in", 4),
    sc("bypass-in-v6", "fwd", "in", 6),
    sc("bypass-out-v4-10000rules", "fwd", "out", 4, sizes=(64, 1420),
       rules=10000, na="spd"),
] + [
    sc("crypto-%s-%s" % (d, a), "crypto", d, 4, "tunnel", a)
    for a in crypto_perf.ALGS for d in ("out", "in")
] + [
    # The ESP issue's headline points at all three sizes, the others at
    # the two ends (the 20-minute budget).
    esp(d, "tunnel", 4, a, SIZES if a in ("gcm128", "cbc-sha1") else ENDS)
    for a in crypto_perf.ALGS for d in ("out", "in")
] + [
    esp(d, m, f, "gcm128", ENDS) for d in ("out", "in")
    for m, f in (("tunnel", 6), ("transport", 4), ("transport", 6))
] + [
    esp(d, "tunnel", 4, "gcm128", ENDS, sas, 10000)
    for sas in (1, 1000, 100000) for d in ("out", "in")
] + [
    esp("out", "tunnel", 4, "gcm128", ENDS, 1, 1, p)
    for p in (2, 4)
] + [
    sc("esp-out-tunnel-v4-gcm128-ctl1000", "ctl", "out", 4, "tunnel",
       "gcm128", (64,), 1000, 10000, na=NA_CTL),
    sc("latency-out-v4-50pct", "latency", "out", 4, sizes=(64, 1420)),
    sc("latency-out-tunnel-v4-gcm128-50pct", "latency", "out", 4, "tunnel",
       "gcm128", (64, 1420), 1, 1, na=NA_LAT_ESP),
]

COLUMNS = ["scenario", "direction", "mode", "family", "algorithm",
           "frame_size", "sas", "rules", "paths", "mpps", "gbps",
           "gbps_l1", "ns_pkt", "t_bypass", "t_crypto", "ratio",
           "ns_pkt_wall", "worker_cpu", "lat_p50_ns", "lat_p99_ns",
           "load_avg", "note"]


class BenchError(Exception):
    pass


class State:
    """What one run shares between scenarios: the references measured so
    far, the pcaps written, the probes' verdicts."""

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.pcaps = {}
        self.bypass = {}        # (dir, family, frame in) -> ns/pkt
        self.tcrypto = {}       # (dir, alg, clear frame) -> ns/op
        self.reasons = {}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def eal_mem_args(tag):
    mode = os.environ.get("MIF_EAL_MODE")
    if mode not in ("huge", "no-huge"):
        try:
            with open(EAL_MODE_FILE, encoding="ascii") as f:
                mode = f.read().strip()
        except OSError:
            mode = "huge"
    if mode == "no-huge":
        return ["--no-huge", "-m", "512", "--no-shconf",
                "--file-prefix", tag]
    return ["--in-memory"]


def machine():
    model = "unknown"
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
        for ln in f:
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    flags = ""
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
        for ln in f:
            if ln.startswith("flags"):
                fl = ln.split()
                flags = " ".join(x for x in ("avx512f", "vaes", "sha_ni")
                                 if x in fl)
                break
    return {"cpu": model, "cores": os.cpu_count(), "flags": flags,
            "kernel": platform.release(), "host": platform.node()}


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


# ---------------------------------------------------------------- mifgw

def parse_counters(text):
    end = text.rfind(BLOCK_END)
    start = text.rfind(BLOCK_START, 0, end) if end >= 0 else -1
    if start < 0:
        return None
    res = {"port": {}, "drop": {}}
    for ln in text[start:end].splitlines():
        f = ln.split()
        if len(f) == 4 and f[0] == "port":
            res["port"].setdefault(f[1], {})[f[2]] = int(f[3])
        elif len(f) == 3 and f[0] == "drop":
            res["drop"][f[1]] = int(f[2])
    return res


class Gateway:
    """One mifgw run: config in, counters out, always stopped."""

    def __init__(self, args, tmp, tag, cfg_text):
        self.args = args
        self.tag = tag
        self.cfg = os.path.join(tmp, tag + ".cfg")
        self.out = os.path.join(tmp, tag + ".out")
        self.err = os.path.join(tmp, tag + ".err")
        with open(self.cfg, "w", encoding="ascii") as f:
            f.write(cfg_text)
        self.proc = None

    def read(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def tail(self):
        lines = [ln for ln in self.read(self.err).splitlines()
                 if "mif." in ln or "error" in ln.lower()]
        return " | ".join(lines[-3:])

    def start(self):
        lcores = ",".join(str(c) for c in [0] + self.args.worker_lcores)
        argv = [self.args.mifgw, "-l", lcores, "--no-pci"] + \
            eal_mem_args("bench-%d-%s" % (os.getpid(), self.tag)) + \
            ["--", "-f", self.cfg]
        with open(self.out, "wb") as so, open(self.err, "wb") as se:
            self.proc = subprocess.Popen(argv, stdout=so, stderr=se,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if READY_RE.search(self.read(self.err)):
                return
            if self.proc.poll() is not None:
                raise BenchError("mifgw exited with %d at start: %s"
                                 % (self.proc.returncode, self.tail()))
            time.sleep(0.05)
        raise BenchError("mifgw not ready after 30 s: " + self.tail())

    def port_macs(self):
        return {m.group(1): m.group(2).lower()
                for m in PORT_MAC_RE.finditer(self.read(self.err))}

    def counters(self):
        """SIGUSR1, then the block it produced, with the time the signal
        was sent (the control thread prints within its next tick)."""
        before = self.read(self.out).count(BLOCK_END)
        t = time.monotonic()
        os.kill(self.proc.pid, signal.SIGUSR1)
        while time.monotonic() < t + 5:
            text = self.read(self.out)
            if text.count(BLOCK_END) > before:
                return t, parse_counters(text)
            time.sleep(0.02)
        raise BenchError("no counters block within 5 s of SIGUSR1")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def port_cfg(name, role, dev, family_addrs):
    return ('\t{ name = "%s"; role = "%s";\n\t  dev = "%s";\n'
            '\t  addresses = [ %s ]; }' %
            (name, role, dev, ", ".join('"%s"' % a for a in family_addrs)))


def gateway_cfg(args, in_port, pcap, policies="", devs=None):
    """Two ports: in_port reads the pcap in a loop (one RX queue per
    worker), the other is net_null; routes and static neighbours for both
    families, so every frame is forwarded and none is resolved. devs
    replaces the two devices (the latency run's memif ports)."""
    n = len(args.worker_lcores)
    if devs is None:
        pcap_dev = "net_pcap0" + "".join(",rx_pcap=" + pcap
                                         for _ in range(n)) \
            + ",infinite_rx=1" + ",tx_pcap=/dev/null" * (n + 1)
        devs = {"lan": "net_null0,no-rx=1", "wan": "net_null0,no-rx=1"}
        devs[in_port] = pcap_dev
    ports = ",\n".join(
        port_cfg(p, "protected" if p == "lan" else "unprotected", devs[p],
                 [NET[4][p], NET[6][p]]) for p in ("lan", "wan"))
    routes, neighs = [], []
    for f in (4, 6):
        a = NET[f]
        routes.append('\t{ prefix = "%s"; via = "%s"; port = "lan"; }'
                      % (a["core"], a["lan_nh"]))
        routes.append('\t{ prefix = "%s"; via = "%s"; port = "wan"; }'
                      % (a["user"], a["wan_nh"]))
        for p in ("lan", "wan"):
            neighs.append('\t{ ip = "%s"; mac = "%s"; port = "%s"; }'
                          % (a[p + "_nh"], PEER_MAC[p], p))
    return ("workers = [ %s ];\nlog = { level = \"notice\"; };\n"
            "dataplane = { mbufs = %d; burst = 32; idle_sleep_us = 0; };\n"
            "ports = (\n%s\n);\nroutes = (\n%s\n);\nneighbors = (\n%s\n);\n"
            "%s" % (", ".join(str(c) for c in args.worker_lcores),
                    16384 * n, ports, ",\n".join(routes),
                    ",\n".join(neighs), policies))


def measure(args, tmp, tag, cfg_text, in_port, out_port):
    """Start, warm up, then counters and the workers' CPU time at two
    instants args.seconds apart. Returns a Point."""
    gw = Gateway(args, tmp, tag, cfg_text)
    try:
        gw.start()
        mac = gw.port_macs().get(in_port)
        if mac != PCAP_MAC:
            raise BenchError("port %s has MAC %s, the pcap sends to %s"
                             % (in_port, mac, PCAP_MAC))
        time.sleep(args.warmup)
        cpu0 = cpu.worker_ns(gw.proc.pid)
        t0, c0 = gw.counters()
        time.sleep(args.seconds)
        cpu1 = cpu.worker_ns(gw.proc.pid)
        t1, c1 = gw.counters()
    finally:
        gw.stop()
    dt = t1 - t0
    tx = c1["port"][out_port]["tx"] - c0["port"][out_port]["tx"]
    txb = c1["port"][out_port]["tx_bytes"] - \
        c0["port"][out_port]["tx_bytes"]
    drops = sum(c1["drop"].values()) - sum(c0["drop"].values())
    if tx <= 0:
        raise BenchError("nothing forwarded (%d drops): %s"
                         % (drops, gw.tail()))
    if cpu1 <= cpu0:
        raise BenchError("no CPU time read for the worker threads")
    n = len(args.worker_lcores)
    return Point(tx / dt, txb / dt, drops, (cpu1 - cpu0) / tx,
                 (cpu1 - cpu0) / 1e9 / dt / n, n)


class Point:
    """One measured window. ns_pkt is worker CPU time per packet (what
    the packet costs); pps and bps are per wall second (what came out)."""

    def __init__(self, pps, bps, drops, ns_pkt, cpu_share, workers):
        self.pps, self.bps, self.drops = pps, bps, drops
        self.ns_pkt, self.cpu_share = ns_pkt, cpu_share
        self.workers = workers

    def fields(self):
        return dict(mpps=self.pps / 1e6, gbps=self.bps * 8 / 1e9,
                    gbps_l1=(self.bps + L1_EXTRA * self.pps) * 8 / 1e9,
                    ns_pkt=self.ns_pkt,
                    ns_pkt_wall=self.workers * 1e9 / self.pps,
                    worker_cpu=self.cpu_share)


# ---------------------------------------------------------------- pcaps

def clear_pcap(tmp, direction, family, size, cache):
    """1024 frames over 1024 flows, core -> user outbound, the reverse
    inbound, all to the pcap port's MAC."""
    key = (direction, family, size)
    if key in cache:
        return cache[key]
    a = NET[family]
    src, dst = ((a["core_ip"], a["user_ip"]) if direction == "out"
                else (a["user_ip"], a["core_ip"]))
    if size < mifpcap.min_frame(family, "udp"):
        raise BenchError("frame %d below the IPv%d/UDP minimum %d"
                         % (size, family, mifpcap.min_frame(family, "udp")))
    flows = mifpcap.Flows(1024, src, dst, 1024, 5001, "udp", 256)
    peer = PEER_MAC["lan" if direction == "out" else "wan"]
    frames = mifpcap.clear_packets(flows, [size], [0], 1024, peer,
                                   PCAP_MAC)
    path = os.path.join(tmp, "clear-%s-v%d-%d.pcap" % key)
    mifpcap.write_pcap(path, frames)
    cache[key] = path
    return path


# ---------------------------------------------------------------- probes

def probe_spd(args, tmp, pcaps):
    """Does the worker apply the policies section? A DISCARD-everything
    outbound policy must stop forwarding. Returns None or the reason."""
    pol = ('policies = (\n\t{ dir = "out"; src = "0.0.0.0/0"; '
           'dst = "0.0.0.0/0"; action = "discard"; }\n);\n')
    cfg = gateway_cfg(args, "lan", clear_pcap(tmp, "out", 4, 64, pcaps),
                      pol)
    try:
        pps = measure(args, tmp, "probe-spd", cfg, "lan", "wan").pps
    except BenchError as e:
        if str(e).startswith("nothing forwarded"):
            return None
        return "policy probe failed: %s" % e
    return "%s: %.2f Mpps forwarded under DISCARD-all" % (NA_SPD,
                                                         pps / 1e6)


def probe_sa_cfg(args, tmp):
    """Does --check accept a static SA section? None or the reason."""
    cfg = os.path.join(tmp, "probe-sa.cfg")
    with open(cfg, "w", encoding="ascii") as f:
        f.write('workers = [ 1 ];\nports = ( { name = "lan"; '
                'dev = "net_null0"; role = "protected"; } );\nsas = ();\n')
    r = subprocess.run([args.mifgw, "--", "-f", cfg, "--check"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode == 0:
        return None
    if 'unknown key "sas"' in r.stderr:
        return NA_SA_CFG + ': "sas" is an unknown key'
    return "%s: %s" % (NA_SA_CFG, r.stderr.strip()[-80:] or "rejected")


# ---------------------------------------------------------------- rows

def row(s, size, **kw):
    r = {c: "" for c in COLUMNS}
    r.update(scenario=s["name"], direction=s["dir"], mode=s["mode"],
             family="v%d" % s["family"], algorithm=s["alg"],
             frame_size=size, sas=s["sas"], rules=s["rules"],
             paths=s["paths"], load_avg="%.2f" % os.getloadavg()[0])
    r.update(kw)
    return r


def fmt(v, spec):
    return spec % v if isinstance(v, float) else str(v)


def bypass_cfg(st, rules=0):
    """Nothing while the worker ignores policies. Once it applies them
    (the SPD probe), BYPASS for everything in both directions and
    families, after `rules` filler DISCARD rules that never match."""
    if st.reasons.get("spd"):
        return ""
    ent = []
    for i in range(max(0, rules - 4)):
        ent.append('\t{ dir = "out"; src = "172.16.%d.%d/32"; '
                   'dst = "0.0.0.0/0"; action = "discard"; }'
                   % (i // 256, i % 256))
    for d in ("out", "in"):
        for f in (4, 6):
            ent.append('\t{ dir = "%s"; src = "%s"; dst = "%s"; '
                       'action = "bypass"; priority = 1000; }'
                       % (d, NET[f]["any"], NET[f]["any"]))
    return "policies = (\n%s\n);\n" % ",\n".join(ent)


def check_cfg(st, tag, text):
    """mifgw --check first: a refused file is n/a with mifgw's own
    first error, not a failed start."""
    path = os.path.join(st.tmp, tag + "-check.cfg")
    with open(path, "w", encoding="ascii") as f:
        f.write(text)
    r = subprocess.run([st.args.mifgw, "--", "-f", path, "--check"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        err = r.stderr.strip().splitlines() or ["exit %d" % r.returncode]
        raise BenchError("mifgw --check: " +
                         err[-1].replace(path + ":", "line "))


def fwd_point(st, tag, direction, family, size, rules=0):
    """Clear forwarding of `size`-byte frames: (pps, Bps, drops)."""
    in_port, out_port = (("lan", "wan") if direction == "out"
                         else ("wan", "lan"))
    pcap = clear_pcap(st.tmp, direction, family, size, st.pcaps)
    cfg = gateway_cfg(st.args, in_port, pcap, bypass_cfg(st, rules))
    check_cfg(st, tag, cfg)
    return measure(st.args, st.tmp, tag, cfg, in_port, out_port)


def bypass_ref(st, direction, family, size):
    """t_bypass for frames of `size` bytes entering in `direction`,
    measured once per run and kept."""
    key = (direction, family, size)
    if key not in st.bypass:
        st.bypass[key] = fwd_point(st, "ref-%s-v%d-%d" % key, direction,
                                   family, size).ns_pkt
    return st.bypass[key]


def run_fwd(st, s):
    rows = []
    what = ("plain forwarding, no policy" if st.reasons.get("spd") else
            "BYPASS policy" + (" after %d rules" % s["rules"]
                               if s["rules"] else ""))
    for size in s["sizes"]:
        na = s["na"] and st.reasons.get(s["na"], s["na"])
        if na:
            rows.append(row(s, size, note="n/a (%s)" % na))
            continue
        try:
            p = fwd_point(st, "%s-%d" % (s["name"], size), s["dir"],
                          s["family"], size, s["rules"])
        except BenchError as e:
            rows.append(row(s, size, note="n/a (%s)" % e))
            continue
        if not s["rules"]:
            st.bypass[(s["dir"], s["family"], size)] = p.ns_pkt
        rows.append(row(s, size, t_bypass=st.bypass.get(
            (s["dir"], s["family"], size), ""), note=what + (
                ", %d drops" % p.drops if p.drops else ""), **p.fields()))
        log("  %-28s %5d B  %6.3f Mpps  %7.1f ns/pkt (CPU %.0f%%)"
            % (s["name"], size, p.pps / 1e6, p.ns_pkt,
               100 * p.cpu_share))
    return rows


def run_crypto(args, s, tcrypto):
    rows = []
    try:
        res = crypto_perf.measure(args, s["alg"], s["dir"], s["sizes"])
    except crypto_perf.CryptoPerfError as e:
        return [row(s, size, note="n/a (%s)" % e) for size in s["sizes"]]
    for size in s["sizes"]:
        ns, wall, note = res[size]
        tcrypto[(s["dir"], s["alg"], size)] = ns
        rows.append(row(s, size, mpps=1e3 / wall, ns_pkt=ns, t_crypto=ns,
                        ns_pkt_wall=wall, worker_cpu=ns / wall, note=note))
        log("  %-28s %5d B  %6.3f Mops  %7.1f ns/op (CPU %.0f%%)"
            % (s["name"], size, 1e3 / wall, ns, 100 * ns / wall))
    return rows


def run_latency(st, s, hists):
    """Forwarding latency through memif ports (scripts/bench/latency.py):
    the rate that saturates the path, then half of it."""
    args, tmp = st.args, st.tmp
    rows = []
    socks = [os.path.join(tmp, "%s.sock" % p) for p in ("lan", "wan")]
    devs = {"lan": latency.memif_dev(0, socks[0], "server",
                                     latency.GW_MAC),
            "wan": latency.memif_dev(1, socks[1], "server")}
    for size in s["sizes"]:
        gw = Gateway(args, tmp, "%s-%d" % (s["name"], size),
                     gateway_cfg(args, "lan", None, bypass_cfg(st),
                                 devs=devs))
        try:
            gw.start()
            res = latency.measure(args, tmp, socks, size)
        except (BenchError, latency.LatencyError) as e:
            rows.append(row(s, size, note="n/a (%s)" % e))
            continue
        finally:
            gw.stop()
        hists["%s %d B" % (s["name"], size)] = res["samples"]
        rows.append(row(s, size, mpps=res["pps"] / 1e6,
                        lat_p50_ns=float(res["p50"]),
                        lat_p99_ns=float(res["p99"]),
                        note="at %.3f Mpps = 50%% of %.3f Mpps that "
                        "saturated the memif path; p99.9 %.1f us, max "
                        "%.1f us; %d of %d back" % (
                            res["pps"] / 1e6, res["sat_pps"] / 1e6,
                            res["p999"] / 1e3, res["max"] / 1e3,
                            res["received"], res["sent"])))
        log("  %-28s %5d B  p50 %.1f us  p99 %.1f us at %.3f Mpps"
            % (s["name"], size, res["p50"] / 1e3, res["p99"] / 1e3,
               res["pps"] / 1e6))
    return rows


def with_paths(cfg, paths):
    """The outbound SA b0 (IPv4) with paths - 1 more ACTIVE paths, each
    to its own remote on wan with a static neighbour (interface sets,
    docs/interface-sets.md): the cost of the per-packet path choice."""
    a = NET[4]
    local = a["wan"].split("/")[0]
    base = a["wan_nh"].rsplit(".", 1)[0]
    rem = ["%s.%d" % (base, 10 + k) for k in range(paths - 1)]
    neigh = "".join('\t{ ip = "%s"; mac = "%s"; port = "wan"; },\n'
                    % (r, PEER_MAC["wan"]) for r in rem)
    pl = ", ".join('{ local = "%s"; remote = "%s"; }' % (local, r)
                   for r in rem)
    head = '\t{ name = "b0"; '
    i = cfg.index(head)
    j = cfg.index("; }", i) + 1
    cfg = cfg[:j] + " paths = ( %s );" % pl + cfg[j:]
    return cfg.replace("neighbors = (\n", "neighbors = (\n" + neigh, 1)


def esp_point(st, s, size):
    """One ESP point: (row fields, log line). Checks that what leaves
    has the length the reference peer's encapsulation has, so a gateway
    that forwarded the frames in clear would not be counted as ESP."""
    in_port, out_port = (("lan", "wan") if s["dir"] == "out"
                         else ("wan", "lan"))
    e = esp_cfg.EspScenario(NET[s["family"]], s["dir"], s["mode"],
                            s["family"], s["alg"], s["sas"], s["rules"])
    path = os.path.join(st.tmp, "%s-%d.pcap" % (s["name"], size))
    tag = "%s-%d" % (s["name"], size)
    cfg = gateway_cfg(st.args, in_port, path,
                      e.sas_cfg() + e.policies_cfg())
    # Before the pcap: a refused file (too many SAs) costs no encryption.
    cfg1 = cfg
    if s["paths"] > 1:
        cfg = with_paths(cfg, s["paths"])
    check_cfg(st, tag, cfg)
    frames = e.frames(size, PEER_MAC[in_port], PCAP_MAC)
    mifpcap.write_pcap(path, frames)
    p = measure(st.args, st.tmp, tag, cfg, in_port, out_port)
    p1 = None
    if s["paths"] > 1:
        # The one-path reference in the same run, right after.
        p1 = measure(st.args, st.tmp, tag + "-1path", cfg1, in_port,
                     out_port)
    want = e.out_frame_len(size)
    if abs(p.bps / p.pps - want) > 0.5:
        raise BenchError("mifgw sent %.1f-byte frames, %s would be %d"
                         % (p.bps / p.pps, "ESP" if s["dir"] == "out"
                            else "the clear frame", want))
    ns = p.ns_pkt
    tb = bypass_ref(st, s["dir"], s["family"], len(frames[0]))
    tc = st.tcrypto.get((s["dir"], s["alg"], size))
    note = "%d-byte frames in, %d out" % (len(frames[0]), want)
    if p.drops:
        note += ", %d drops" % p.drops
    if p1 is not None:
        note += ("; interface-set overhead %+.1f%% (1 path %.1f ns/pkt)"
                 % (100.0 * (ns - p1.ns_pkt) / p1.ns_pkt, p1.ns_pkt))
    if s["mode"] != "tunnel" or s["family"] != 4:
        note += "; t_crypto of tunnel v4"
    f = dict(t_bypass=tb, note=note, **p.fields())
    if tc:
        f.update(t_crypto=tc, ratio=(ns - tb) / tc)
    return f


def run_esp(st, s):
    """The full IPsec path. It needs static SAs in the configuration and
    policies applied by the worker; without them every point is n/a with
    the reason the probes found."""
    why = st.reasons.get("sa") or st.reasons.get("spd") or s["na"]
    if why:
        return [row(s, size, note="n/a (%s)" % why) for size in s["sizes"]]
    rows = []
    for size in s["sizes"]:
        try:
            f = esp_point(st, s, size)
        except (BenchError, mifpcap.GenError) as e:
            rows.append(row(s, size, note="n/a (%s)" % e))
            continue
        rows.append(row(s, size, **f))
        log("  %-28s %5d B  %6.3f Mpps  %7.1f ns/pkt  ratio %s%s"
            % (s["name"], size, f["mpps"], f["ns_pkt"],
               fmt(f.get("ratio", ""), "%.2f"),
               "  " + f["note"] if s["paths"] > 1 else ""))
    return rows


def print_table(rows, out):
    form = "%-36s %4s %3s %3s %10s %7s %6s %7s %8s %8s %5s %4s %13s %5s  %s"
    print(form % ("scenario", "size", "fam", "dir", "alg", "Mpps", "Gbps",
                  "ns/pkt", "t_bypass", "t_crypto", "ratio", "cpu%",
                  "p50/p99 us", "load", "note"), file=out)
    for r in rows:
        lat = ""
        if isinstance(r["lat_p50_ns"], float):
            lat = "%.1f/%.1f" % (r["lat_p50_ns"] / 1e3,
                                 r["lat_p99_ns"] / 1e3)
        print(form % (r["scenario"], r["frame_size"], r["family"],
                      r["direction"], r["algorithm"], fmt(r["mpps"], "%.3f"),
                      fmt(r["gbps"], "%.2f"), fmt(r["ns_pkt"], "%.1f"),
                      fmt(r["t_bypass"], "%.1f"), fmt(r["t_crypto"], "%.1f"),
                      fmt(r["ratio"], "%.2f"),
                      fmt(r["worker_cpu"] * 100 if isinstance(
                          r["worker_cpu"], float) else "", "%.0f"),
                      lat, r["load_avg"],
                      r["note"]), file=out)


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="ascii") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: fmt(v, "%.4f") for k, v in r.items()})


def build_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"),
                    help="meson build directory (default $BUILD or build)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "bench"),
                    help="where the CSV, the text and the PNGs go")
    ap.add_argument("--seconds", type=float, default=5.0,
                    help="measuring window per point (default 5)")
    ap.add_argument("--warmup", type=float, default=1.5,
                    help="seconds between start and the first read")
    ap.add_argument("--workers", type=int, default=1,
                    help="worker lcores, 1..N-1 (default 1)")
    ap.add_argument("--only", default=None,
                    help="regular expression on scenario names")
    ap.add_argument("--no-memory", action="store_true",
                    help="skip the memory figures (test_sad, bench_spd)")
    ap.add_argument("--list", action="store_true",
                    help="print the scenario table and exit")
    return ap


def main(argv=None):
    args = build_args().parse_args(argv)
    if args.list:
        for s in SCENARIOS:
            print("%-40s %-7s %-3s v%d %-9s %-8s sizes %s%s"
                  % (s["name"], s["kind"], s["dir"], s["family"], s["mode"],
                     s["alg"], ",".join(map(str, s["sizes"])),
                     "  n/a: " + s["na"] if s["na"] and " " in s["na"]
                     else ""))
        return 0
    args.build = os.path.abspath(args.build)
    args.mifgw = os.path.join(args.build, "control", "mifgw")
    if not os.access(args.mifgw, os.X_OK):
        print("bench: %s not built (make build)" % args.mifgw,
              file=sys.stderr)
        return 1
    ncpu = os.cpu_count() or 1
    if not 1 <= args.workers < ncpu:
        print("bench: --workers must be 1..%d on this machine" % (ncpu - 1),
              file=sys.stderr)
        return 2
    args.worker_lcores = list(range(1, args.workers + 1))
    args.mem_args = eal_mem_args
    os.makedirs(args.out, exist_ok=True)

    m = machine()
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime("%Y-%m-%d")
    t_start = time.monotonic()
    head = ["mifgw bench %s UTC" % now.strftime("%Y-%m-%d %H:%M"),
            "machine: %s, %d cores (%s), kernel %s"
            % (m["cpu"], m["cores"], m["flags"], m["kernel"]),
            "workers: lcores %s; window %.1f s after %.1f s warm-up"
            % (args.worker_lcores, args.seconds, args.warmup),
            "load average at start: %s" % loadavg()]
    for ln in head:
        log(ln)

    tmp = tempfile.mkdtemp(prefix="mifgw-bench-")
    rows, hists = [], {}
    st = State(args, tmp)
    try:
        st.reasons = {"sa": probe_sa_cfg(args, tmp),
                      "spd": probe_spd(args, tmp, st.pcaps)}
        for k, v in st.reasons.items():
            log("probe %s: %s" % (k, v or "ready"))
        sel = [s for s in SCENARIOS
               if not args.only or re.search(args.only, s["name"])]
        for s in sel:
            if s["kind"] == "fwd":
                rows += run_fwd(st, s)
            elif s["kind"] == "crypto":
                rows += run_crypto(args, s, st.tcrypto)
            elif s["kind"] == "esp":
                rows += run_esp(st, s)
            elif s["kind"] == "latency" and not s["na"]:
                rows += run_latency(st, s, hists)
            else:
                rows += [row(s, z, note="n/a (%s)" % s["na"])
                         for z in s["sizes"]]
        mem_rows = [] if args.no_memory else memory.measure(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    head.append("load average at end: %s; run took %.0f s"
                % (loadavg(), time.monotonic() - t_start))
    base = os.path.join(args.out, "bench-%s" % stamp)
    with open(base + ".txt", "w", encoding="utf-8") as f:
        for out in (sys.stdout, f):
            print("\n".join(head), file=out)
            print(file=out)
            print_table(rows, out)
            memory.print_table(mem_rows, out)
    write_csv(base + ".csv", rows)
    if mem_rows:
        memory.write_csv(base + "-memory.csv", mem_rows)
    import plots  # noqa: E402 (matplotlib only when there is something)
    for p in plots.draw(rows, base, head[0] + "\n" + head[1], hists):
        print("plot: %s" % os.path.relpath(p, ROOT))
    print("csv: %s" % os.path.relpath(base + ".csv", ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
