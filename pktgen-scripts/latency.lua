-- SPDX-License-Identifier: BSD-3-Clause
--[[
latency.lua: one-way latency through mifgw under a background load, from
pktgen's latency packets (timestamped UDP frames it injects among the
traffic) and its latency sampler (which records single latencies to a file
so that percentiles can be computed).

Topology (two boxes, see pktgen-scripts/README.md):
    pktgen port TX_PORT (0) ---> mifgw "lan"  (protected)
    pktgen port RX_PORT (1) <--- mifgw "wan"  (unprotected)
Both pktgen ports must share one clock (the same box): the latency is the
receive time minus the transmit timestamp carried in the frame.
mifgw runs config/lab-clear.cfg: the receiving port must read the
timestamp, so frames have to come back clear. Through an ESP SA the
timestamp is encrypted and pktgen cannot see it; the README explains how
to measure the ESP path (a second gateway that decrypts).

Traffic: single-packet mode, FRAME bytes (without FCS) at LOAD_PCT of line
rate (50 % by default), plus one latency frame every LAT_INTERVAL_US. The
sampler keeps up to NUM_SAMPLES latencies, SAMPLES_PER_S per second, and
writes them (nanoseconds, one a line) to SAMPLE_FILE when stopped.

Prints: the background rates sent and received, pktgen's own latency
summary (frames, min/avg/max in microseconds) where its Lua API exposes it
(pktgen.pktStats, up to release 24.10), and percentiles p50, p90, p99,
p99.9 and the maximum from the sample file; RESULT lines
"RESULT,latency,p50_us,<port>,rx,<samples>,<secs>,<value>,0,0" and so on.

Run: pktgen <EAL> -- -P -m "[1:2].0,[3:4].1" -f latency.lua
]]

-- Parameters ------------------------------------------------------------
local TX_PORT = 0
local RX_PORT = 1
local GW_MAC = "02:00:00:00:01:01"      -- mifgw "lan" port MAC
local SRC_IP = "10.100.0.1/24"
local DST_IP = "10.200.0.1"
local SRC_PORT = 1024
local DST_PORT = 5001
local FRAME = 64                        -- bytes without FCS
local LOAD_PCT = 50
local LAT_INTERVAL_US = 100             -- one latency frame per 100 us
local LAT_ENTROPY = 16                  -- source ports the latency frames use
local NUM_SAMPLES = 20000
local SAMPLES_PER_S = 1000
local SAMPLE_FILE = "/tmp/mifgw-latency-samples.txt"
local DURATION_S = 15
local SCREEN_OFF = true
---------------------------------------------------------------------------

local dir = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local lab = require("mifgw_lab")

local SCRIPT = "latency"
local tx = tostring(TX_PORT)
local rx = tostring(RX_PORT)
local ports = { TX_PORT, RX_PORT }

local function setup()
    pktgen.set_range(tx, "off")
    pktgen.set_type(tx, "ipv4")
    pktgen.set_proto(tx, "udp")
    pktgen.set_mac(tx, "dst", GW_MAC)
    pktgen.set_ipaddr(tx, "src", SRC_IP)
    pktgen.set_ipaddr(tx, "dst", DST_IP)
    pktgen.set(tx, "sport", SRC_PORT)
    pktgen.set(tx, "dport", DST_PORT)
    pktgen.set(tx, "size", FRAME + lab.FCS)
    pktgen.set(tx, "rate", LOAD_PCT)
    pktgen.set(tx, "count", 0)

    -- The latency frame is copied from the single-packet settings above
    -- when latency is enabled, so this comes after them.
    pktgen.latency(tx, "rate", LAT_INTERVAL_US)
    pktgen.latency(tx, "entropy", LAT_ENTROPY)
    pktgen.latency(tx, "enable")
    pktgen.latency(rx, "enable")
    pktgen.latsampler_params(rx, "simple", NUM_SAMPLES, SAMPLES_PER_S,
        SAMPLE_FILE)
end

local function pktgen_summary()
    if pktgen.pktStats == nil then
        print("  (this pktgen has no pktgen.pktStats: see its latency page)")
        return
    end
    local s = pktgen.pktStats(rx)[RX_PORT]
    if s == nil or s.latency == nil then
        return
    end
    local l = s.latency
    print(string.format("  pktgen: %d latency frames, %d skipped, " ..
        "min %.2f avg %.2f max %.2f us", l.num_pkts or 0,
        l.num_skipped or 0, l.min_us or 0, l.avg_us or 0, l.max_us or 0))
end

local function percentiles(secs)
    local v = lab.read_samples(SAMPLE_FILE)

    if #v == 0 then
        print("  no samples in " .. SAMPLE_FILE .. ": did frames come " ..
            "back clear on port " .. rx .. "?")
        return
    end
    print(string.format("  sampler: %d samples from %s", #v, SAMPLE_FILE))
    for _, p in ipairs({ 50, 90, 99, 99.9, 100 }) do
        local us = lab.percentile(v, p) / 1000
        local name = p == 100 and "max" or ("p" .. tostring(p))
        print(string.format("  %-6s %10.2f us", name, us))
        print(string.format("RESULT,%s,%s_us,%d,rx,%d,%d,%.3f,0,0", SCRIPT,
            name, RX_PORT, #v, secs, us))
    end
end

local function main()
    if SCREEN_OFF then
        pktgen.screen("off")
    end
    pktgen.stop("all")
    lab.banner(SCRIPT, {
        string.format("tx port %d -> mifgw protected -> rx port %d",
            TX_PORT, RX_PORT),
        string.format("%d-byte frames at %d%%, latency frame every %d us",
            FRAME, LOAD_PCT, LAT_INTERVAL_US),
    })
    setup()

    local before = lab.snapshot(ports)
    pktgen.start(tx)
    pktgen.latsampler(rx, "on")
    local d, secs = lab.measure(ports, TX_PORT, "opackets", DURATION_S)
    pktgen.latsampler(rx, "off")
    pktgen.stop(tx)
    lab.drain()
    local total = lab.diff(before, lab.snapshot(ports), ports)

    print(string.format("latency at %d%% load, %d s:", LOAD_PCT, secs))
    lab.report(SCRIPT, "load", TX_PORT, "tx", d[TX_PORT].opackets,
        d[TX_PORT].obytes, secs)
    lab.report(SCRIPT, "load", RX_PORT, "rx", d[RX_PORT].ipackets,
        d[RX_PORT].ibytes, secs)
    lab.report_totals(SCRIPT, "load", TX_PORT, total[TX_PORT].opackets,
        RX_PORT, total[RX_PORT].ipackets)
    pktgen_summary()
    percentiles(secs)

    pktgen.latency(tx, "disable")
    pktgen.latency(rx, "disable")
    if SCREEN_OFF then
        pktgen.screen("on")
    end
end

main()
