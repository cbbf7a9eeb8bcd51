-- SPDX-License-Identifier: BSD-3-Clause
--[[
clear_sizes.lua: clear traffic toward mifgw's protected side at fixed frame
sizes (64, 512, 1420 bytes by default), many flows, with the rate sent and
the rate seen on the return port.

Topology (two boxes, see pktgen-scripts/README.md):
    pktgen port TX_PORT (0) ---> mifgw "lan"  (protected)
    pktgen port RX_PORT (1) <--- mifgw "wan"  (unprotected)
mifgw runs config/lab-clear.cfg (plain routing: frames come back clear),
or config/lab-esp.cfg once it carries the README's SA pair (frames then
come back as ESP, and RX counts ESP frames and bytes).

Traffic: pktgen's range mode on TX_PORT. Each packet steps the source
address over N_SRC_IPS addresses from SRC_IP and the source port over
N_SRC_PORTS ports from SRC_PORT, toward DST_IP:DST_PORT, UDP. Both step at
once, so there are lcm(N_SRC_IPS, N_SRC_PORTS) distinct flows (255 x 16 =
4080 by default; keep the two counts coprime).

Parameters: the variables below. Sizes are frames WITHOUT FCS (the
project's convention); pktgen is given size + 4. Pktgen sends no IPv6
frame shorter than 74 bytes: with IPV6 a 64 becomes 74, and says so.

Prints, per size: the frames sent and received per second over DURATION_S
whole seconds after WARMUP_MS (Mpps, Gbps of frames, Gbps at layer 1),
then the totals of the run and the loss. Each figure is also a line
"RESULT,clear_sizes,<size>,<port>,<tx|rx>,pkts,secs,mpps,gbps,l1_gbps".

Run: pktgen <EAL options> -- -P -m "[1:2].0,[3:4].1" -f clear_sizes.lua
]]

-- Parameters ------------------------------------------------------------
local TX_PORT = 0
local RX_PORT = 1
local GW_MAC = "02:00:00:00:01:01"      -- mifgw "lan" port MAC
local IPV6 = false
local SRC_IP = "10.100.0.1"             -- IPv6: "2001:db8:100::1"
local DST_IP = "10.200.0.1"             -- IPv6: "2001:db8:200::1"
local N_SRC_IPS = 255
local SRC_PORT = 1024
local N_SRC_PORTS = 16
local DST_PORT = 5001
local SIZES = { 64, 512, 1420 }         -- frame bytes without FCS
local RATE_PCT = 100                    -- percent of line rate
local WARMUP_MS = 2000
local DURATION_S = 10
local SCREEN_OFF = true
---------------------------------------------------------------------------

local dir = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local lab = require("mifgw_lab")

local SCRIPT = "clear_sizes"
local tx = tostring(TX_PORT)
local ports = { TX_PORT, RX_PORT }

local function setup_range()
    local last = IPV6 and lab.ipv6_add(SRC_IP, N_SRC_IPS - 1) or
        lab.ipv4_add(SRC_IP, N_SRC_IPS - 1)

    pktgen.range.set_type(tx, IPV6 and "ipv6" or "ipv4")
    pktgen.range.ip_proto(tx, "udp")
    pktgen.range.dst_mac(tx, "start", GW_MAC)
    pktgen.range.dst_ip(tx, "start", DST_IP)
    pktgen.range.dst_ip(tx, "inc", IPV6 and "::" or "0.0.0.0")
    pktgen.range.dst_ip(tx, "min", DST_IP)
    pktgen.range.dst_ip(tx, "max", DST_IP)
    pktgen.range.src_ip(tx, "start", SRC_IP)
    pktgen.range.src_ip(tx, "min", SRC_IP)
    pktgen.range.src_ip(tx, "max", last)
    pktgen.range.src_ip(tx, "inc", IPV6 and "::1" or "0.0.0.1")
    pktgen.range.src_port(tx, "start", SRC_PORT)
    pktgen.range.src_port(tx, "min", SRC_PORT)
    pktgen.range.src_port(tx, "max", SRC_PORT + N_SRC_PORTS - 1)
    pktgen.range.src_port(tx, "inc", 1)
    pktgen.range.dst_port(tx, "start", DST_PORT)
    pktgen.range.dst_port(tx, "min", DST_PORT)
    pktgen.range.dst_port(tx, "max", DST_PORT)
    pktgen.range.dst_port(tx, "inc", 0)
    pktgen.set_range(tx, "on")
    pktgen.set(tx, "rate", RATE_PCT)
    pktgen.set(tx, "count", 0)
end

local function set_size(size)
    local s = size + lab.FCS

    pktgen.range.pkt_size(tx, "start", s)
    pktgen.range.pkt_size(tx, "min", s)
    pktgen.range.pkt_size(tx, "max", s)
    pktgen.range.pkt_size(tx, "inc", 0)
end

local function run_size(size)
    local case = tostring(size)

    if IPV6 and size < lab.PKTGEN_MIN_V6 then
        -- pktgen would send a larger frame than the label says
        print(string.format("frame %d bytes: pktgen sends IPv6 frames of " ..
            "at least %d bytes; measuring %d", size, lab.PKTGEN_MIN_V6,
            lab.PKTGEN_MIN_V6))
        size = lab.PKTGEN_MIN_V6
        case = tostring(size)
    end
    set_size(size)
    local before = lab.snapshot(ports)
    pktgen.start(tx)
    pktgen.delay(WARMUP_MS)
    local d, secs = lab.measure(ports, TX_PORT, "opackets", DURATION_S)
    pktgen.stop(tx)
    lab.drain()
    local total = lab.diff(before, lab.snapshot(ports), ports)

    print(string.format("frame %d bytes (pktgen size %d), %d s:", size,
        size + lab.FCS, secs))
    if secs == 0 then
        print("  port " .. tx .. " did not send: check link and config")
    end
    lab.report(SCRIPT, case, TX_PORT, "tx", d[TX_PORT].opackets,
        d[TX_PORT].obytes, secs)
    lab.report(SCRIPT, case, RX_PORT, "rx", d[RX_PORT].ipackets,
        d[RX_PORT].ibytes, secs)
    lab.report_totals(SCRIPT, case, TX_PORT, total[TX_PORT].opackets,
        RX_PORT, total[RX_PORT].ipackets)
end

local function main()
    if SCREEN_OFF then
        pktgen.screen("off")
    end
    pktgen.stop("all")
    lab.banner(SCRIPT, {
        string.format("tx port %d -> mifgw protected, rx port %d", TX_PORT,
            RX_PORT),
        string.format("%s flows: %d source addresses x %d source ports",
            lab.range_flows(N_SRC_IPS, N_SRC_PORTS), N_SRC_IPS,
            N_SRC_PORTS),
        string.format("rate %d%%, warm-up %d ms, %d s per size", RATE_PCT,
            WARMUP_MS, DURATION_S),
    })
    setup_range()
    for _, size in ipairs(SIZES) do
        run_size(size)
    end
    pktgen.set_range(tx, "off")
    if SCREEN_OFF then
        pktgen.screen("on")
    end
end

main()
