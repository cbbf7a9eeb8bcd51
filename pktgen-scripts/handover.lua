-- SPDX-License-Identifier: BSD-3-Clause
--[[
handover.lua: a hard handover seen from the user's side. ESP of one SA
arrives on one unprotected port of mifgw (path A); half-way through the
run the sender moves to a second unprotected port (path B), as a user
whose WLAN access changes. mifgw must accept the SA on both paths (the
SA's interface set has both ACTIVE, or the operator moves it at the
switch) and keep forwarding the decrypted traffic.

Topology (two boxes, three links, see pktgen-scripts/README.md):
    pktgen port CLEAR_PORT (0) <--- mifgw "lan"   (protected: clear out)
    pktgen port PORT_A     (1) ---> mifgw "wan"   (unprotected, path A)
    pktgen port PORT_B     (2) ---> mifgw "wan2"  (unprotected, path B)
mifgw runs config/lab-handover.cfg with the SA of the README ("The
handover lab").

Traffic: two pcaps from gen_esp.py for the same SA (same SPI and keys)
with the outer addresses of each path, and sequence numbers that do not
overlap (path B's start where path A's end), given to pktgen with
    -s 1:esp_a.pcap -s 2:esp_b.pcap
Each port sends PHASE_COUNT frames at most (0: until the phase ends).

Parameters: the variables below.

Prints: for each phase the frames sent on the active port and received
clear on CLEAR_PORT, with rates; at the end the counts on every port
(sent and received, so traffic mifgw sends back on either path shows up)
and the frames lost around the switch; all also as "RESULT,handover,..."
CSV lines.
]]

-- Parameters ------------------------------------------------------------
local CLEAR_PORT = 0
local PORT_A = 1
local PORT_B = 2
local RATE_PCT = 10
local PHASE_S = 10              -- seconds on each path
local PHASE_COUNT = 0           -- frames per path, 0: until PHASE_S ends
local SWITCH_GAP_MS = 0         -- pause between stopping A and starting B
local SCREEN_OFF = true
---------------------------------------------------------------------------

local dir = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local lab = require("mifgw_lab")

local SCRIPT = "handover"
local ports = { CLEAR_PORT, PORT_A, PORT_B }

local function prepare(pid)
    local pl = tostring(pid)

    pktgen.set_range(pl, "off")
    pktgen.pcap(pl, "on")
    pktgen.set(pl, "rate", RATE_PCT)
    pktgen.set(pl, "count", PHASE_COUNT)
end

-- Send on one port for PHASE_S seconds; returns the counter deltas of the
-- whole phase and the seconds over which the rates were measured.
local function phase(name, pid)
    local pl = tostring(pid)
    local before = lab.snapshot(ports)

    pktgen.start(pl)
    local d, secs = lab.measure(ports, pid, "opackets", PHASE_S)
    pktgen.stop(pl)
    local after = lab.snapshot(ports)
    print(string.format("phase %s: port %d sending, %d s measured", name,
        pid, secs))
    lab.report(SCRIPT, name, pid, "tx", d[pid].opackets, d[pid].obytes,
        secs)
    lab.report(SCRIPT, name, CLEAR_PORT, "rx", d[CLEAR_PORT].ipackets,
        d[CLEAR_PORT].ibytes, secs)
    return lab.diff(before, after, ports)
end

local function main()
    if SCREEN_OFF then
        pktgen.screen("off")
    end
    pktgen.stop("all")
    lab.banner(SCRIPT, {
        string.format("ESP on port %d (path A), then port %d (path B); " ..
            "clear back on port %d", PORT_A, PORT_B, CLEAR_PORT),
        string.format("rate %d%%, %d s per path, gap %d ms", RATE_PCT,
            PHASE_S, SWITCH_GAP_MS),
    })
    prepare(PORT_A)
    prepare(PORT_B)

    local start = lab.snapshot(ports)
    local a = phase("path-A", PORT_A)
    if SWITCH_GAP_MS > 0 then
        pktgen.delay(SWITCH_GAP_MS)
    end
    local b = phase("path-B", PORT_B)
    lab.drain()
    local total = lab.diff(start, lab.snapshot(ports), ports)

    print("counts over the whole run:")
    for _, p in ipairs(ports) do
        print(string.format("  port %d: sent %d, received %d", p,
            total[p].opackets, total[p].ipackets))
        print(string.format("RESULT,%s,total,%d,tx,%d,0,0,0,0", SCRIPT, p,
            total[p].opackets))
        print(string.format("RESULT,%s,total,%d,rx,%d,0,0,0,0", SCRIPT, p,
            total[p].ipackets))
    end
    local sent = total[PORT_A].opackets + total[PORT_B].opackets
    lab.report_totals(SCRIPT, "A+B", PORT_A, sent, CLEAR_PORT,
        total[CLEAR_PORT].ipackets)
    -- Frames still in flight at the switch are counted in phase B, so a
    -- per-phase loss is approximate; the total above is exact.
    print(string.format("  path A: sent %d, clear out during phase %d; " ..
        "path B: sent %d, clear out during phase %d",
        a[PORT_A].opackets, a[CLEAR_PORT].ipackets, b[PORT_B].opackets,
        b[CLEAR_PORT].ipackets))

    pktgen.pcap(tostring(PORT_A), "off")
    pktgen.pcap(tostring(PORT_B), "off")
    if SCREEN_OFF then
        pktgen.screen("on")
    end
end

main()
