-- SPDX-License-Identifier: BSD-3-Clause
--[[
clear_imix.lua: clear IMIX traffic (7:4:1 of 64/512/1420-byte frames,
without FCS) over many flows toward mifgw's protected side, with the rate
sent and the rate seen on the return port.

Topology (two boxes, see pktgen-scripts/README.md):
    pktgen port TX_PORT (0) ---> mifgw "lan"  (protected)
    pktgen port RX_PORT (1) <--- mifgw "wan"  (unprotected)
mifgw runs config/lab-clear.cfg (or config/lab-esp.cfg once it carries the
README's SA pair: RX then counts the ESP frames mifgw sends).

Traffic: pktgen's range mode steps frame sizes evenly between a minimum
and a maximum and cannot weight them, so the mix comes from a pcap made by
gen_imix.py (every flow carries all three sizes; 4096 flows here) and is
sent in pktgen's pcap mode. The pcap is loaded by pktgen itself, from the
command line:
    gen_imix.py -o imix.pcap --flows 4096 --dst-mac <mifgw lan MAC>
    pktgen <EAL> -- -P -m "[1:2].0,[3:4].1" -s 0:imix.pcap -f clear_imix.lua

Parameters: the variables below.

Prints: frames sent and received per second over DURATION_S whole seconds
(Mpps, Gbps of frames, Gbps at layer 1), the average frame size seen on
each side, the totals and the loss; and the same as "RESULT,clear_imix,..."
CSV lines.
]]

-- Parameters ------------------------------------------------------------
local TX_PORT = 0
local RX_PORT = 1
local RATE_PCT = 100
local WARMUP_MS = 2000
local DURATION_S = 10
local SCREEN_OFF = true
---------------------------------------------------------------------------

local dir = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local lab = require("mifgw_lab")

local SCRIPT = "clear_imix"
local tx = tostring(TX_PORT)
local ports = { TX_PORT, RX_PORT }

local function avg(bytes, pkts)
    if pkts == 0 then
        return 0
    end
    return bytes / pkts
end

local function main()
    if SCREEN_OFF then
        pktgen.screen("off")
    end
    pktgen.stop("all")
    lab.banner(SCRIPT, {
        string.format("tx port %d (pcap mode) -> mifgw protected, rx " ..
            "port %d", TX_PORT, RX_PORT),
        string.format("rate %d%%, warm-up %d ms, %d s", RATE_PCT, WARMUP_MS,
            DURATION_S),
    })
    pktgen.set_range(tx, "off")
    pktgen.pcap(tx, "on")
    pktgen.set(tx, "rate", RATE_PCT)
    pktgen.set(tx, "count", 0)

    local before = lab.snapshot(ports)
    pktgen.start(tx)
    pktgen.delay(WARMUP_MS)
    local d, secs = lab.measure(ports, TX_PORT, "opackets", DURATION_S)
    pktgen.stop(tx)
    lab.drain()
    local total = lab.diff(before, lab.snapshot(ports), ports)

    print(string.format("IMIX 7:4:1 (64/512/1420), %d s:", secs))
    if secs == 0 then
        print("  port " .. tx .. " did not send: was a pcap given with " ..
            "-s " .. tx .. ":imix.pcap?")
    end
    lab.report(SCRIPT, "imix", TX_PORT, "tx", d[TX_PORT].opackets,
        d[TX_PORT].obytes, secs)
    lab.report(SCRIPT, "imix", RX_PORT, "rx", d[RX_PORT].ipackets,
        d[RX_PORT].ibytes, secs)
    print(string.format("  average frame: sent %.1f, received %.1f bytes " ..
        "(326.3 expected when sent clear)", avg(d[TX_PORT].obytes,
        d[TX_PORT].opackets), avg(d[RX_PORT].ibytes, d[RX_PORT].ipackets)))
    lab.report_totals(SCRIPT, "imix", TX_PORT, total[TX_PORT].opackets,
        RX_PORT, total[RX_PORT].ipackets)

    pktgen.pcap(tx, "off")
    if SCREEN_OFF then
        pktgen.screen("on")
    end
end

main()
