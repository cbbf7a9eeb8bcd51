#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit test of the Lua scripts for Pktgen-DPDK in pktgen-scripts/.

Pktgen itself is not packaged by Debian and is not built here, so this
test checks what can be checked without it:

1. every .lua file parses with Debian's luac5.3 (`luac5.3 -p`);
2. every pktgen.* name the scripts use (comments and strings stripped) is
   in ALLOWED, the documented Lua API of Pktgen-DPDK, and every direct call
   passes an argument count that pktgen's C binding accepts;
3. each runnable script runs to completion under lua5.3 against SimPktgen
   (below), a stand-in that enforces the same names and argument counts,
   returns the table shapes of both pktgen API generations (24.10 and
   earlier: flat portStats(list, "port") and pktStats; 26.02: nested
   portStats(list), no pktStats, counters read as zero while they are
   being refreshed) and moves counters at a known rate,
   refreshed once a second as pktgen's stats timer does. The test then
   checks the figures the script prints (RESULT lines) against that rate.
   This checks the scripts' own logic (tick-aligned windows, rate and loss
   arithmetic, percentile code); it says nothing about pktgen's behaviour.
4. the checker rejects a script with a typo, a wrong argument count and a
   syntax error (so this test can fail).

5. the lab configurations config/lab-*.cfg pass `mifgw --check` (when the
   mifgw binary is given) and route the addresses the scripts send to out
   of the ports the scripts expect; and config/lab-clear.cfg, with its two
   PCI devices swapped for net_pcap virtual devices, makes mifgw forward
   a gen_clear.py file (IPv4 and IPv6, 64/512/1420 bytes, many flows) from
   "lan" to "wan", every frame to pktgen port 1's MAC with its TTL or hop
   limit lowered by one.

usage: test_pktgen_scripts.py [PKTGEN_SCRIPTS_DIR [MIFGW]]
"""

import glob
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(HERE, "..", "..", "pktgen-scripts")
MIFGW = sys.argv[2] if len(sys.argv) > 2 else None
CONFIGS = os.path.join(SCRIPTS, "..", "config")

# The documented Lua API of Pktgen-DPDK: names from the help text
# (lua_help_info[]) and the luaL_Reg tables of app/lpktgenlib.c in tags
# pktgen-23.10.2 and pktgen-26.02.4, plus pktgen.latency, which the help
# text omits but pktgen documents by its own scripts/latency.lua. The
# values are the argument counts the C functions accept (lua_gettop
# switch); None means any. portStats took 2 arguments up to 24.10 and
# takes 1 since 26.02; pktStats exists up to 24.10 only.
ALLOWED = {
    "set": {3}, "set_mac": {3}, "set_ipaddr": {3}, "mac_from_arp": {1},
    "set_proto": {2}, "set_type": {2}, "seq": {12, 13}, "seqTable": {3},
    "ports_per_page": {1}, "icmp_echo": {2}, "send_arp": {2},
    "pcap": {2}, "ping4": {1}, "ping6": {1}, "start": {1}, "stop": {1},
    "screen": {1}, "prime": {1}, "delay": {1}, "pause": {2}, "sleep": {1},
    "load": {1}, "save": {1}, "clear": {1}, "clr": None, "cls": None,
    "clock_gettime": {1}, "update": None, "reset": {1}, "vlan": {2},
    "mpls": {2}, "qinq": {2}, "gre": {2}, "gre_eth": {2}, "rnd": {4},
    "rnd_list": {0, 1}, "set_range": {2}, "latsampler_params": {5},
    "latsampler": {2}, "pattern": {2}, "userPattern": {2}, "jitter": {2},
    "gtpu_teid": {3}, "page": {1}, "port": {1}, "process": {2},
    "capture": {2}, "bonding": {2}, "blink": {2}, "help": None,
    "isSending": {1}, "linkState": {1}, "portStats": {1, 2},
    "pktStats": {1}, "portSizes": {1}, "portInfo": {1}, "portCount": None,
    "totalPorts": None, "run": {3}, "continue": {1}, "input": {1},
    "latency": {2, 3},
    "range.dst_mac": {3}, "range.src_mac": {3}, "range.set_type": {2},
    "range.src_ip": {3}, "range.dst_ip": {3}, "range.ip_proto": {2},
    "range.src_port": {3}, "range.dst_port": {3}, "range.ttl": {3},
    "range.hop_limits": {3}, "range.vlan_id": {3},
    "range.mpls_entry": {2}, "range.qinqids": {3}, "range.gre_key": {2},
    "range.pkt_size": {3}, "range.cos": {3}, "range.tos": {2},
    "range.traffic_class": {3},
}
# Tables, not functions: pktgen.info.<field> is allowed.
ALLOWED_TABLES = {"info"}

# Scripts that only hold helpers for the others.
LIBRARIES = {"mifgw_lab.lua"}

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL: %s" % what)
    return cond


def strip_lua(src):
    """Source with comments removed and string contents blanked (quotes
    kept, so argument lists stay countable); newlines are preserved so
    line numbers still match."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("--", i):
            m = re.match(r"--\[(=*)\[", src[i:])
            if m:
                end = src.find("]" + m.group(1) + "]", i)
                end = n if end < 0 else end + len(m.group(1)) + 2
            else:
                end = src.find("\n", i)
                end = n if end < 0 else end
            out.append(re.sub(r"[^\n]", " ", src[i:end]))
            i = end
        elif c in "'\"":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
        elif re.match(r"\[(=*)\[", src[i:]):
            m = re.match(r"\[(=*)\[", src[i:])
            end = src.find("]" + m.group(1) + "]", i)
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append('"' + re.sub(r"[^\n]", " ", src[i + 1:end - 1]) + '"')
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def count_args(code, open_idx):
    """Arguments of the call whose '(' is at open_idx (strings blanked)."""
    depth, args, seen = 0, 0, False
    for k in range(open_idx, len(code)):
        ch = code[k]
        if ch in "([{":
            depth += 1
            if depth == 1:
                continue
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return args + (1 if seen else 0)
        if depth == 1:
            if ch == ",":
                args += 1
                seen = False
                continue
        if depth >= 1 and not ch.isspace():
            seen = True
    return -1


REF = re.compile(r"\bpktgen\s*\.\s*([A-Za-z_]\w*)"
                 r"(?:\s*\.\s*([A-Za-z_]\w*))?")


def api_problems(path):
    """List of 'file:line: problem' for names and argument counts."""
    src = open(path).read()
    code = strip_lua(src)
    probs = []
    for m in REF.finditer(code):
        line = code.count("\n", 0, m.start()) + 1
        first, second = m.group(1), m.group(2)
        if first in ALLOWED_TABLES:
            continue
        name = first + "." + second if first == "range" and second \
            else first
        if first != "range" and second:
            probs.append("%s:%d: pktgen.%s.%s is not in the API"
                         % (path, line, first, second))
            continue
        if name not in ALLOWED:
            probs.append("%s:%d: pktgen.%s is not in Pktgen's documented "
                         "Lua API" % (path, line, name))
            continue
        rest = code[m.end():]
        paren = len(rest) - len(rest.lstrip())
        if rest[paren:paren + 1] == "(" and ALLOWED[name] is not None:
            n = count_args(code, m.end() + paren)
            if n not in ALLOWED[name]:
                probs.append("%s:%d: pktgen.%s called with %d argument(s),"
                             " pktgen accepts %s" % (path, line, name, n,
                                                     sorted(ALLOWED[name])))
    return probs


def find_tool(name):
    return shutil.which(name) or ("/usr/bin/" + name
                                  if os.path.exists("/usr/bin/" + name)
                                  else None)


def luac_ok(luac, path):
    r = subprocess.run([luac, "-p", path], capture_output=True, text=True)
    return r.returncode == 0, r.stderr.strip()


# SimPktgen: a Lua stand-in for the pktgen module, for test step 3. Time
# advances only in delay(); counters of sending ports grow at RATE_PPS x
# rate% and are published to portStats once per simulated second. Every
# function checks its argument count against ALLOWED (injected below).
SIM = r"""
local ARITY = __ARITY__
local SHAPE = tonumber(os.getenv("SIM_SHAPE") or "23")
local RATE_PPS = 1000000
local FWD = { [0] = 1, [1] = 0, [2] = 0 }       -- where mifgw sends it
local now_ms, next_tick, last_tick = 0, 1000, 0
local live, shown, port = {}, {}, {}
local FIELDS = { "ipackets", "opackets", "ibytes", "obytes", "ierrors",
                 "oerrors", "imissed", "rx_nombuf" }
local latsamp = {}
for p = 0, 2 do
    live[p], shown[p] = {}, {}
    for _, f in ipairs(FIELDS) do live[p][f], shown[p][f] = 0, 0 end
    port[p] = { sending = false, rate = 100, count = 0, sent = 0,
                mode = "single", size = 64, range_size = 64, lat = false }
end
local function ports(pl)
    if pl == "all" then return { 0, 1, 2 } end
    local t = {}
    for n in tostring(pl):gmatch("%d+") do t[#t + 1] = tonumber(n) end
    return t
end
local function frame(p)
    local s = port[p]
    if s.mode == "pcap" then return 326 end
    if s.mode == "range" then return s.range_size - 4 end
    return s.size - 4
end
local function advance(ms)
    for p = 0, 2 do
        local s = port[p]
        if s.sending then
            local n = math.floor(RATE_PPS * s.rate / 100 * ms / 1000)
            if s.count > 0 and s.sent + n > s.count then
                n = s.count - s.sent
                s.sending = false
            end
            s.sent = s.sent + n
            local q = FWD[p]
            live[p].opackets = live[p].opackets + n
            live[p].obytes = live[p].obytes + n * frame(p)
            live[q].ipackets = live[q].ipackets + n
            live[q].ibytes = live[q].ibytes + n * frame(p)
        end
    end
    now_ms = now_ms + ms
    while now_ms >= next_tick do
        for p = 0, 2 do
            for _, f in ipairs(FIELDS) do shown[p][f] = live[p][f] end
        end
        last_tick = next_tick
        next_tick = next_tick + 1000
    end
end
local function chk(name, ...)
    local n, ok = select("#", ...), false
    local allowed = ARITY[name]
    if allowed == nil then error("SimPktgen: unknown function " .. name) end
    if allowed == "any" then return end
    for _, a in ipairs(allowed) do if a == n then ok = true end end
    if not ok then
        error(string.format("%s, wrong number of arguments (%d)", name, n))
    end
end
local function f(name, body)
    return function(...)
        chk(name, ...)
        if body then return body(...) end
    end
end
pktgen = { range = {}, info = { Pktgen_Version = "sim" } }
for name, _ in pairs(ARITY) do
    local r = name:match("^range%.(.*)$")
    if r then pktgen.range[r] = f(name) else pktgen[name] = f(name) end
end
pktgen.delay = f("delay", function(ms) advance(ms) end)
pktgen.sleep = f("sleep", function(s) advance(s * 1000) end)
pktgen.start = f("start", function(pl)
    for _, p in ipairs(ports(pl)) do
        port[p].sending, port[p].sent = true, 0
    end
end)
pktgen.stop = f("stop", function(pl)
    for _, p in ipairs(ports(pl)) do port[p].sending = false end
end)
pktgen.set = f("set", function(pl, what, v)
    for _, p in ipairs(ports(pl)) do
        if what == "rate" then port[p].rate = tonumber(v) end
        if what == "count" then port[p].count = v end
        if what == "size" then port[p].size = v end
    end
end)
pktgen.set_range = f("set_range", function(pl, st)
    for _, p in ipairs(ports(pl)) do
        if st == "on" then port[p].mode = "range"
        elseif port[p].mode == "range" then port[p].mode = "single" end
    end
end)
pktgen.pcap = f("pcap", function(pl, st)
    for _, p in ipairs(ports(pl)) do
        if st == "on" then port[p].mode = "pcap"
        elseif port[p].mode == "pcap" then port[p].mode = "single" end
    end
end)
pktgen.range.pkt_size = f("range.pkt_size", function(pl, what, v)
    for _, p in ipairs(ports(pl)) do
        if what == "start" then port[p].range_size = v end
    end
end)
pktgen.isSending = f("isSending", function(pl)
    local t = { n = 0 }
    for _, p in ipairs(ports(pl)) do
        t[p] = port[p].sending and "y" or "n"
        t.n = t.n + 1
    end
    return t
end)
local function stats(pl)
    local t = { n = 0 }
    for _, p in ipairs(ports(pl)) do
        local c = {}
        -- 26.02 zeroes the counters while refreshing them: a read in
        -- the first 5 ms after a refresh sees zeros here.
        local mid = SHAPE >= 26 and now_ms - last_tick < 5
        for k, v in pairs(shown[p]) do c[k] = mid and 0 or v end
        if SHAPE >= 26 then t[p] = { curr = c, sizes = {}, qstats = {} }
        else t[p] = c end
        t.n = t.n + 1
    end
    return t
end
if SHAPE >= 26 then
    ARITY.portStats = { 1 }
    pktgen.pktStats = nil
    pktgen.portStats = f("portStats", stats)
else
    ARITY.portStats = { 2 }
    pktgen.portStats = f("portStats", function(pl, kind)
        if kind ~= "port" and kind ~= "rate" then error("bad type") end
        return stats(pl)
    end)
    pktgen.pktStats = f("pktStats", function(pl)
        local t = {}
        for _, p in ipairs(ports(pl)) do
            t[p] = { latency = { num_pkts = 100, num_skipped = 0,
                min_us = 5.0, avg_us = 10.0, max_us = 100.0 } }
        end
        return t
    end)
end
pktgen.latsampler_params = f("latsampler_params",
    function(pl, kind, n, rate, file)
        for _, p in ipairs(ports(pl)) do latsamp[p] = { file = file } end
    end)
pktgen.latsampler = f("latsampler", function(pl, st)
    for _, p in ipairs(ports(pl)) do
        if st == "off" and latsamp[p] then
            -- samples 1000..100000 ns: p50 50 us, p99 99 us, max 100 us
            local out = assert(io.open(latsamp[p].file, "w"))
            out:write("Latency\n")
            for k = 100, 1, -1 do out:write(k * 1000, "\n") end
            out:close()
        end
    end
end)
"""


def sim_source(tmp):
    ar = ", ".join('["%s"] = %s' % (k, '"any"' if v is None else
                                    "{" + ", ".join(map(str, sorted(v)))
                                    + "}")
                   for k, v in sorted(ALLOWED.items()))
    path = os.path.join(tmp, "simpktgen.lua")
    with open(path, "w") as fh:
        fh.write(SIM.replace("__ARITY__", "{" + ar + "}"))
    return path


def run_sim(lua, sim, script, shape, edits=None, tmp=None):
    """Run a script (optionally with parameter edits) under SimPktgen."""
    path = os.path.join(SCRIPTS, script)
    if edits:
        src = open(path).read()
        for old, new in edits:
            check(old in src, "%s: parameter line %r present" % (script, old))
            src = src.replace(old, new)
        path = os.path.join(tmp, script)
        with open(path, "w") as fh:
            fh.write(src)
        shutil.copy(os.path.join(SCRIPTS, "mifgw_lab.lua"), tmp)
    env = dict(os.environ, SIM_SHAPE=str(shape))
    r = subprocess.run([lua, "-e", "dofile(%r)" % sim, path],
                       capture_output=True, text=True, env=env, timeout=120)
    check(r.returncode == 0, "%s (shape %d) failed: %s"
          % (script, shape, r.stderr.strip()))
    res = [ln.split(",") for ln in r.stdout.splitlines()
           if ln.startswith("RESULT,")]
    return res, r.stdout


def result(rows, case, port, direction):
    for r in rows:
        if r[2] == case and int(r[3]) == port and r[4] == direction:
            return r
    return None


def near(a, b, tol=0.02):
    return abs(a - b) <= tol * max(abs(b), 1e-9)


def sim_checks(lua, tmp):
    sim = sim_source(tmp)
    for shape in (23, 26):
        rows, _ = run_sim(lua, sim, "clear_sizes.lua", shape)
        for size in (64, 512, 1420):
            for port, d in ((0, "tx"), (1, "rx")):
                r = result(rows, str(size), port, d)
                if not check(r is not None, "clear_sizes: no %d %d %s row"
                             % (size, port, d)):
                    continue
                check(int(r[6]) == 10, "clear_sizes: %s s measured" % r[6])
                check(near(float(r[7]), 1.0), "clear_sizes %d: %s Mpps, "
                      "simulated 1.0" % (size, r[7]))
                check(near(float(r[8]), size * 8e-3),
                      "clear_sizes %d: %s Gbps, want %.3f"
                      % (size, r[8], size * 8e-3))
                check(near(float(r[9]), (size + 24) * 8e-3),
                      "clear_sizes %d: L1 %s Gbps" % (size, r[9]))
            t = result(rows, "%d-total" % size, 0, "tx")
            u = result(rows, "%d-total" % size, 1, "rx")
            check(t and u and t[5] == u[5] and int(t[5]) > 10000000,
                  "clear_sizes %d: totals %s/%s" % (size, t, u))

        rows, out = run_sim(lua, sim, "clear_sizes.lua", shape, [
            ("local IPV6 = false", "local IPV6 = true"),
            ('SRC_IP = "10.100.0.1"', 'SRC_IP = "2001:db8:100::1"'),
            ('DST_IP = "10.200.0.1"', 'DST_IP = "2001:db8:200::1"'),
        ], tmp)
        check(result(rows, "74", 0, "tx") is not None and
              result(rows, "64", 0, "tx") is None and
              result(rows, "1420", 1, "rx") is not None,
              "clear_sizes IPv6: 64 measured as pktgen's 74-byte minimum")

        rows, out = run_sim(lua, sim, "clear_imix.lua", shape)
        r = result(rows, "imix", 1, "rx")
        check(r is not None and near(float(r[8]), 326 * 8e-3),
              "clear_imix: rx Gbps %s" % (r,))

        rows, _ = run_sim(lua, sim, "esp_inbound.lua", shape,
                          [("local RATE_PCT = 100", "local RATE_PCT = 50")],
                          tmp)
        r = result(rows, "clear", 0, "rx")
        check(r is not None and near(float(r[7]), 0.5),
              "esp_inbound: clear rx %s Mpps at 50%%" % (r,))
        rows, _ = run_sim(lua, sim, "esp_inbound.lua", shape,
                          [("local SEND_COUNT = 0",
                            "local SEND_COUNT = 3000000")], tmp)
        r = result(rows, "esp-total", 1, "tx")
        check(r is not None and int(r[5]) == 3000000,
              "esp_inbound: a finite count sends it exactly (%s)" % (r,))

        samples = os.path.join(tmp, "lat.txt")
        rows, out = run_sim(lua, sim, "latency.lua", shape,
                            [('"/tmp/mifgw-latency-samples.txt"',
                              repr(samples).replace("'", '"'))], tmp)
        p50 = result(rows, "p50_us", 1, "rx")
        p99 = result(rows, "p99_us", 1, "rx")
        mx = result(rows, "max_us", 1, "rx")
        check(p50 and p99 and mx and float(p50[7]) == 50.0 and
              float(p99[7]) == 99.0 and float(mx[7]) == 100.0,
              "latency: percentiles %s %s %s" % (p50, p99, mx))
        r = result(rows, "load", 0, "tx")
        check(r is not None and near(float(r[7]), 0.5),
              "latency: background load %s Mpps at 50%%" % (r,))
        check(("pktgen: 100 latency frames" in out) == (shape < 26),
              "latency: pktStats summary only where pktgen has it")

        rows, _ = run_sim(lua, sim, "handover.lua", shape)
        a = result(rows, "path-A", 1, "tx")
        b = result(rows, "path-B", 2, "tx")
        ta = result(rows, "total", 1, "tx")
        tb = result(rows, "total", 2, "tx")
        tc = result(rows, "total", 0, "rx")
        check(a and b and near(float(a[7]), 0.1) and near(float(b[7]), 0.1),
              "handover: per-path rates %s %s" % (a, b))
        check(ta and tb and tc and int(tc[5]) == int(ta[5]) + int(tb[5])
              and int(ta[5]) > 0 and int(tb[5]) > 0,
              "handover: clear out equals A + B (%s %s %s)" % (ta, tb, tc))


def self_test(luac, tmp):
    """The checker itself must reject broken scripts."""
    bad = {
        "typo.lua": 'pktgen.strat("0")\n',
        "arity.lua": 'pktgen.set("0", "rate")\n',
        "range.lua": 'pktgen.range.pkt_sizes("0", "start", 64)\n',
        "nested.lua": 'pktgen.delay(math.max(1, 2), 3)\n',
    }
    for name, text in bad.items():
        p = os.path.join(tmp, name)
        with open(p, "w") as fh:
            fh.write(text)
        check(api_problems(p) != [], "checker accepts %s" % name)
    ok = os.path.join(tmp, "ok.lua")
    with open(ok, "w") as fh:
        fh.write('-- pktgen.bogus("x") in a comment\n'
                 'local s = "pktgen.bogus(1)"\n'
                 'pktgen.set("0", "rate", math.min(10, 20))\n'
                 'pktgen.range.pkt_size("0", "start", 68)\n'
                 'local t = pktgen.info.Pktgen_Version\n')
    check(api_problems(ok) == [], "checker rejects a valid script: %s"
          % api_problems(ok))
    syn = os.path.join(tmp, "syntax.lua")
    with open(syn, "w") as fh:
        fh.write("local x = = 1\n")
    check(not luac_ok(luac, syn)[0], "luac accepts a syntax error")


def lua_param(script, name):
    src = open(os.path.join(SCRIPTS, script)).read()
    m = re.search(r'^local %s = "([^"]*)"' % name, src, re.M)
    return m.group(1) if m else None


def cfg_routes(path):
    """(prefix, port) of every route line of a lab configuration."""
    txt = open(path).read()
    return [(ipaddress.ip_network(p), port) for p, port in re.findall(
        r'prefix = "([^"]+)";[^}]*port = "([^"]+)"', txt)]


def route_port(routes, addr):
    a = ipaddress.ip_address(addr.split("/")[0])
    best = None
    for net, port in routes:
        if a.version == net.version and a in net and \
                (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, port)
    return best[1] if best else None


PCAP_MAC = "02:70:63:61:70:%02x"    # net_pcap's MAC for ethdev N
PKTGEN_P1_MAC = "02:00:00:00:00:02"  # lab-clear.cfg: neighbour on "wan"


def last_counters(text):
    block = text.rsplit("=== mifgw counters ===", 1)
    c = {}
    if len(block) < 2:
        return c
    for ln in block[1].split("=== end ===")[0].splitlines():
        w = ln.split()
        if len(w) == 4 and w[0] == "port":
            c[(w[1], w[2])] = int(w[3])
    return c


def lab_forwarding(tmp):
    """Run mifgw on lab-clear.cfg over net_pcap and check what it sends
    to the pktgen side."""
    sys.path.insert(0, SCRIPTS)
    from scapy.utils import rdpcap      # noqa: E402 (scapy only here)
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6
    import mifpcap

    gen = os.path.join(SCRIPTS, "gen_clear.py")
    parts = []
    for v6 in (False, True):
        out = os.path.join(tmp, "lan-v%d.pcap" % (6 if v6 else 4))
        r = subprocess.run([sys.executable, gen, "-o", out, "--size",
                            "64,512,1420", "--flows", "200",
                            "--dst-mac", PCAP_MAC % 0] +
                           (["--ipv6"] if v6 else []),
                           capture_output=True, text=True, timeout=120)
        if not check(r.returncode == 0, "gen_clear: %s" % r.stderr):
            return
        parts += [bytes(p) for p in rdpcap(out)]
    lan_in = os.path.join(tmp, "lan_in.pcap")
    mifpcap.write_pcap(lan_in, parts)
    empty = os.path.join(tmp, "empty.pcap")
    mifpcap.write_pcap(empty, [])

    def vdev(n, rx):
        # two TX queues: one per worker plus the control thread
        return ("net_pcap%d,rx_pcap=%s,tx_pcap=%s,tx_pcap=%s"
                % (n, rx, os.path.join(tmp, "out%d.pcap" % n),
                   os.path.join(tmp, "out%d-ctl.pcap" % n)))

    cfg = open(os.path.join(CONFIGS, "lab-clear.cfg")).read()
    cfg = cfg.replace('"0000:03:00.0"', '"%s"' % vdev(0, lan_in))
    cfg = cfg.replace('"0000:03:00.1"', '"%s"' % vdev(1, empty))
    cfg = re.sub(r"(?m)^eal = .*$", 'eal = [ "-l", "0-1", "--no-huge", '
                 '"-m", "512", "--no-shconf", "--no-pci", "--file-prefix", '
                 '"mif-lab-%d" ];' % os.getpid(), cfg)
    cfg = cfg.replace("mbufs = 65536", "mbufs = 8192")
    path = os.path.join(tmp, "lab-vdev.cfg")
    with open(path, "w") as fh:
        fh.write(cfg)

    out_path = os.path.join(tmp, "mifgw.out")
    with open(out_path, "w") as so, \
            open(os.path.join(tmp, "mifgw.err"), "w") as se:
        proc = subprocess.Popen([MIFGW, "--", "-f", path], stdout=so,
                                stderr=se)
    c = {}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
            proc.send_signal(signal.SIGUSR1)
            time.sleep(0.2)
            c = last_counters(open(out_path).read())
            if c.get(("wan", "tx"), 0) >= len(parts):
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    c = last_counters(open(out_path).read())
    err = open(os.path.join(tmp, "mifgw.err")).read().strip()[-400:]
    check(c.get(("lan", "rx")) == len(parts) and
          c.get(("wan", "tx")) == len(parts),
          "lab-clear.cfg over net_pcap: lan rx %s, wan tx %s, want %d (%s)"
          % (c.get(("lan", "rx")), c.get(("wan", "tx")), len(parts), err))
    sent = [p for f in ("out1.pcap", "out1-ctl.pcap")
            if os.path.exists(os.path.join(tmp, f))
            for p in rdpcap(os.path.join(tmp, f))]
    check(len(sent) == len(parts), "wan sent %d frames, want %d"
          % (len(sent), len(parts)))
    check(all(p.dst == PKTGEN_P1_MAC and p.src == PCAP_MAC % 1
              for p in sent), "wan frames go to pktgen port 1's MAC")
    check(all((p[IP].ttl if IP in p else p[IPv6].hlim) == 63
              for p in sent), "TTL / hop limit lowered by one")
    check(sorted(len(p) for p in sent) == sorted(len(b) for b in parts),
          "wan frame sizes equal the lan input's")


def config_checks():
    cfgs = sorted(glob.glob(os.path.join(CONFIGS, "lab-*.cfg")))
    check(len(cfgs) >= 3, "lab configurations: %s" % cfgs)
    for c in cfgs:
        if MIFGW:
            r = subprocess.run([MIFGW, "--", "-f", c, "--check"],
                               capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "mifgw --check %s: %s"
                  % (c, (r.stdout + r.stderr).strip()))
        routes = cfg_routes(c)
        # Clear traffic of the scripts: from the lan side to the wan side.
        for script in ("clear_sizes.lua", "latency.lua"):
            dst = lua_param(script, "DST_IP")
            src = lua_param(script, "SRC_IP")
            check(route_port(routes, dst) == "wan", "%s: %s DST_IP %s "
                  "not routed out of wan" % (c, script, dst))
            check(route_port(routes, src) == "lan", "%s: %s SRC_IP %s "
                  "not routed back out of lan" % (c, script, src))
    if not MIFGW:
        print("note: no mifgw binary given, --check of the lab "
              "configurations and the forwarding run skipped")
        return
    with tempfile.TemporaryDirectory(prefix="mif-lab-") as tmp:
        lab_forwarding(tmp)


def main():
    luac = find_tool("luac5.3")
    lua = find_tool("lua5.3")
    if not check(luac is not None and lua is not None,
                 "luac5.3/lua5.3 not found (Debian package lua5.3)"):
        return 1
    files = sorted(glob.glob(os.path.join(SCRIPTS, "*.lua")))
    check(len(files) >= 6, "expected the lab scripts, found %s" % files)
    for f in files:
        ok, err = luac_ok(luac, f)
        check(ok, "luac5.3 -p %s: %s" % (f, err))
        for p in api_problems(f):
            check(False, p)
        if os.path.basename(f) not in LIBRARIES:
            head = open(f).read(4000)
            for word in ("Topology", "Parameters", "Prints"):
                check(word in head, "%s: header comment lacks %s"
                      % (f, word))
    config_checks()
    with tempfile.TemporaryDirectory(prefix="mif-pktgen-") as tmp:
        self_test(luac, tmp)
        sim_checks(lua, tmp)
    print("test_pktgen_scripts: %d files, %d checks, %d failed"
          % (len(files), checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
