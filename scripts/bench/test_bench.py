#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit test of the make-bench driver, without DPDK traffic: the parsers
against the exact output formats they read, the ESP sizes against the
pcap generator's real encapsulation, the scenario table, and every
configuration the driver writes through `mifgw --check`.

usage: test_bench.py [MIFGW]
"""

import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402
import crypto_perf  # noqa: E402
import esp_cfg  # noqa: E402
import latency  # noqa: E402
import memory  # noqa: E402
import readme_table  # noqa: E402
import mifpcap  # noqa: E402 (run.py put pktgen-scripts on the path)

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL: %s" % what)


CRYPTO_OUT = """
    lcore id    Buf Size  Burst Size    Enqueued    Dequeued  Failed Enq  Failed Deq        MOps        Gbps  Cycles/Buf

           1          52          32      500000      500000           0           0      2.5487      1.0602      902.44
           1         500          32      500000      500000           0           0      1.9290      7.7160     1192.33
"""

COUNTERS = """noise
=== mifgw counters ===
port lan rx 10
port lan tx_bytes 640
drop no_route 3
=== end ===
=== mifgw counters ===
port lan rx 8029664
port wan tx 8029632
port wan tx_bytes 513896448
drop no_route 7
lcore 1 rx 16012768
=== end ===
"""

SAD_OUT = ("  1000000 SAs: hash+queues 83.2 MB (83 B/SA), SA+keys+2 counter "
           "slots+window 1728 B/SA, total 1811 B/SA\n")
SPD_OUT = ("ipv4 random  10000  acl     build     153.1 ms      65329 "
           "rules/s  mem    1855.9 KiB       49.9 ns/pkt\n"
           "ipv4 random  10000  linear  build       2.5 ms    3962617 "
           "rules/s  mem     703.1 KiB    25589.2 ns/pkt\n")


def test_parsers():
    res = crypto_perf.parse(CRYPTO_OUT)
    check(res == {52: 2.5487, 500: 1.9290}, "crypto-perf table: %s" % res)
    bad = CRYPTO_OUT.replace("     0      2.5487", "     9      2.5487")
    try:
        crypto_perf.parse(bad)
        check(False, "failed dequeues must be an error")
    except crypto_perf.CryptoPerfError:
        pass
    c = run.parse_counters(COUNTERS)
    check(c is not None and c["port"]["wan"]["tx"] == 8029632 and
          c["port"]["wan"]["tx_bytes"] == 513896448 and
          c["drop"] == {"no_route": 7} and
          c["port"]["lan"] == {"rx": 8029664},
          "last counters block: %s" % c)
    check(run.parse_counters("=== mifgw counters ===\nport a tx 1\n")
          is None, "an unfinished block is not read")
    lat = latency.parse("x\nlatency: size 64 rate 299000 sent 897958 "
                        "received 897900 p50 175205 p90 43991 p99 58187 "
                        "p999 60038 max 60042 (ns) achieved 299300 pps\n")
    check(lat is not None and lat["p50"] == 175205 and
          lat["achieved"] == 299300 and lat["received"] == 897900,
          "bench_latency line: %s" % lat)
    check(latency.parse("latency: size 64 rate 0 sent 5 received 0\n")
          is None, "a run with nothing back has no percentiles")
    rows = memory.sad_rows(SAD_OUT, "t")
    check([r["bytes_each"] for r in rows] == [83, 1728, 1811] and
          rows[0]["total_bytes"] == 83200000, "test_sad line: %s" % rows)
    rows = memory.spd_rows(SPD_OUT, "t")
    check(len(rows) == 2 and rows[0]["bytes_each"] == 190 and
          rows[1]["bytes_each"] == 71, "bench_spd lines: %s" % rows)


def test_readme_table():
    base = {c: "" for c in run.COLUMNS}
    rows = [dict(base, scenario="esp-out-tunnel-v4-gcm128", direction="out",
                 algorithm="gcm128", frame_size="64", mpps="1.5",
                 gbps="0.77", ns_pkt="300.2", t_bypass="100",
                 t_crypto="100", ratio="2.002", worker_cpu="0.5"),
            dict(base, scenario="esp-in-tunnel-v4-cbc-sha1", direction="in",
                 algorithm="cbc-sha1", frame_size="1420",
                 note="n/a (why)"),
            dict(base, scenario="crypto-out-gcm128", mpps="9")]
    t = readme_table.table(rows).splitlines()
    check(len(t) == 4, "header, rule and two headline rows: %s" % t)
    check(t[2] == "| out | AES-128-GCM | 64 | 1.50 | 0.77 | 300 | 100 | "
          "100 | 2.00 | 50% |", "measured row: %s" % t[2])
    check("n/a (why)" in t[3], "n/a row keeps its reason: %s" % t[3])


def test_esp_sizes():
    """esp_len()/esp_frame() must match what mifpcap's EspSa builds."""
    algs = {"gcm128": ("aes-gcm-128", None), "gcm256": ("aes-gcm-256", None),
            "cbc-sha1": ("aes-cbc-128", "hmac-sha1-96"),
            "cbc-sha256": ("aes-cbc-128", "hmac-sha256-128")}
    check(sorted(algs) == sorted(crypto_perf.ALGS), "algorithm list")
    for alg, (cipher, auth) in algs.items():
        klen, slen = mifpcap.CIPHERS[cipher][1:3]
        akey = bytes(mifpcap.AUTHS[auth][1]) if auth else b""
        sa = mifpcap.EspSa(0x1000, cipher, bytes(klen), bytes(slen), auth,
                           akey, "tunnel", "198.51.100.2", "198.51.100.1")
        for size in run.SIZES:
            flows = mifpcap.Flows(1, "10.200.0.1", "10.100.0.1", 1024,
                                  5001, "udp", 1)
            ip = next(mifpcap.clear_ip_packets(flows, [size], [0], 1))
            outer = sa.encap(ip)
            iv = crypto_perf.ALGS[alg]["iv"]
            icv = crypto_perf.ALGS[alg]["icv"]
            enc = len(outer) - 20 - 8 - iv - icv
            check(enc == crypto_perf.esp_len(alg, size),
                  "%s %d B: encrypted %d, esp_len %d" % (
                      alg, size, enc, crypto_perf.esp_len(alg, size)))
            check(14 + len(outer) == crypto_perf.esp_frame(alg, size),
                  "%s %d B: ESP frame %d, esp_frame %d" % (
                      alg, size, 14 + len(outer),
                      crypto_perf.esp_frame(alg, size)))


def test_scenarios():
    names = [s["name"] for s in run.SCENARIOS]
    check(len(names) == len(set(names)), "scenario names are unique")
    for s in run.SCENARIOS:
        check(s["kind"] in ("fwd", "crypto", "esp", "ctl", "latency"),
              "%s: kind %s" % (s["name"], s["kind"]))
        check(s["alg"] == "none" or s["alg"] in crypto_perf.ALGS,
              "%s: algorithm %s" % (s["name"], s["alg"]))
        check(s["kind"] != "ctl" or s["na"],
              "%s: a scenario without a runner carries its reason"
              % s["name"])
        check(s["kind"] != "latency" or s["alg"] == "none" or s["na"],
              "%s: ESP latency needs the ESP runner" % s["name"])
    # The list: both directions, both modes and families, the
    # four algorithms, the SA counts with 10,000 rules, 2 and 4 paths.
    esp = [s for s in run.SCENARIOS if s["kind"] == "esp"]
    check({(s["dir"], s["mode"], s["family"]) for s in esp} >=
          {(d, m, f) for d in ("out", "in") for m in ("tunnel", "transport")
           for f in (4, 6)}, "directions x modes x families")
    check({s["alg"] for s in esp} == set(crypto_perf.ALGS), "algorithms")
    check({s["sas"] for s in esp if s["rules"] == 10000} ==
          {1, 1000, 100000}, "1, 1000, 100000 SAs with 10000 rules")
    check({s["paths"] for s in esp} == {1, 2, 4}, "paths")
    e = esp_cfg.EspScenario(run.NET[4], "in", "tunnel", 4, "cbc-sha1", 3,
                            10000)
    pol = e.policies_cfg()
    check(pol.count("dir =") == 10000 and pol.count('"protect"') == 3,
          "10000 rules of which 3 protect")
    check(e.sas_cfg().count("replay_window = 0") == 3,
          "inbound SAs run without anti-replay (the pcap repeats)")


class Args:
    worker_lcores = [1]


def test_configs(mifgw):
    """Every configuration the driver writes passes mifgw --check."""
    with tempfile.TemporaryDirectory(prefix="test-bench-") as tmp:
        cfgs = {"out": run.gateway_cfg(Args, "lan", "/x.pcap"),
                "in": run.gateway_cfg(Args, "wan", "/x.pcap")}
        two = Args()
        two.worker_lcores = [1, 2]
        cfgs["2w"] = run.gateway_cfg(two, "lan", "/x.pcap")
        check(cfgs["2w"].count("rx_pcap=") == 2 and
              cfgs["2w"].count("tx_pcap=") == 3,
              "two workers: 2 RX and 3 TX queues on the pcap port")
        # The ESP scenarios' files, once mifgw knows the "sas" section.
        probe = os.path.join(tmp, "probe.cfg")
        with open(probe, "w", encoding="ascii") as f:
            f.write('workers = [ 1 ];\nports = ( { name = "lan"; '
                    'dev = "net_null0"; role = "protected"; } );\n'
                    'sas = ();\n')
        if subprocess.run([mifgw, "--", "-f", probe, "--check"],
                          capture_output=True).returncode == 0:
            for s in run.SCENARIOS:
                if s["kind"] != "esp" or s["na"] or s["sas"] > 1000:
                    continue
                e = esp_cfg.EspScenario(run.NET[s["family"]], s["dir"],
                                        s["mode"], s["family"], s["alg"],
                                        s["sas"], s["rules"])
                cfgs[s["name"]] = run.gateway_cfg(
                    Args, "lan" if s["dir"] == "out" else "wan", "/x.pcap",
                    e.sas_cfg() + e.policies_cfg())
        else:
            print("test_bench: mifgw has no sas section, ESP configs not "
                  "checked")
        for name, text in cfgs.items():
            path = os.path.join(tmp, name + ".cfg")
            with open(path, "w", encoding="ascii") as f:
                f.write(text)
            r = subprocess.run([mifgw, "--", "-f", path, "--check"],
                               capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "%s config: %s" % (name, r.stderr))


def main():
    test_parsers()
    test_readme_table()
    test_esp_sizes()
    test_scenarios()
    if len(sys.argv) > 1:
        test_configs(sys.argv[1])
    print("test_bench: %d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
