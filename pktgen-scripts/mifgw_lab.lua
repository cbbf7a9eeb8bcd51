-- SPDX-License-Identifier: BSD-3-Clause
--[[
mifgw_lab.lua: helpers shared by the mifgw lab scripts for Pktgen-DPDK.
It is loaded by the other scripts (require "mifgw_lab"), not run itself.

Counters. Pktgen's portStats() changed in release 26.02: up to 24.10 it
takes (portlist, "port") and returns flat counters per port; from 26.02
it takes (portlist) only and nests them under "curr". counters() accepts
both, so the scripts run on either side of that change.

Rates. Pktgen refreshes the counters it shows to Lua once a second, from
a timer that pktgen.delay() keeps running. A rate computed between two
arbitrary reads would be off by up to a second of traffic, so measure()
waits for a refresh, counts whole refresh periods and divides by them.

Sizes. The lab uses the project's convention: a frame size is the
Ethernet frame WITHOUT the 4-byte FCS (what a pcap stores and what DPDK's
byte counters count). Pktgen's own "size" includes the FCS, so the
scripts pass size + FCS to pktgen. Gbps is printed twice: from the byte
counters (frames without FCS) and at layer 1 (adding FCS, preamble and
inter-frame gap, 24 bytes a frame), which is what a line rate refers to.

Output. Besides the human-readable lines every result is printed as one
CSV line starting with "RESULT," so a log can be grepped into a table:
  RESULT,script,case,port,dir,packets,seconds,mpps,gbps,l1_gbps
]]

local M = {}

M.FCS = 4
M.PKTGEN_MIN_V6 = 74    -- pktgen raises smaller IPv6 frames to this
M.L1_EXTRA = 24         -- FCS 4 + preamble and SFD 8 + inter-frame gap 12
M.POLL_MS = 10          -- how often next_tick() looks at the counters
M.TICK_TIMEOUT_MS = 2500

local FIELDS = { "ipackets", "opackets", "ibytes", "obytes", "ierrors",
                 "oerrors", "imissed", "rx_nombuf" }

-- Counters of one port since pktgen started or last cleared them.
function M.counters(pid)
    local pl = tostring(pid)
    local ok, t = pcall(pktgen.portStats, pl, "port")

    if not ok or type(t) ~= "table" then
        t = pktgen.portStats(pl)
    end
    local e = t[pid]
    if e == nil then
        error(string.format("portStats has no entry for port %d", pid))
    end
    if type(e.curr) == "table" then
        e = e.curr
    end
    local c = {}
    for _, f in ipairs(FIELDS) do
        c[f] = e[f] or 0
    end
    return c
end

function M.snapshot(ports)
    local s = {}

    for _, p in ipairs(ports) do
        s[p] = M.counters(p)
    end
    return s
end

function M.diff(a, b, ports)
    local d = {}

    for _, p in ipairs(ports) do
        d[p] = {}
        for _, f in ipairs(FIELDS) do
            d[p][f] = b[p][f] - a[p][f]
        end
    end
    return d
end

-- Wait for pktgen's next counter refresh, seen as a rise of
-- prev[ref][field]; returns a snapshot taken just after it and whether a
-- rise was seen before the timeout. Pktgen 26.02 zeroes its counters
-- while it refreshes them, so a read can land in the middle: a counter
-- that went down is not taken as a refresh, and the snapshot returned is
-- read again POLL_MS later, when the refresh (microseconds long) is over
-- and the next one (a second away) has not begun.
function M.next_tick(ports, ref, field, prev)
    local waited = 0

    while waited < M.TICK_TIMEOUT_MS do
        pktgen.delay(M.POLL_MS)
        waited = waited + M.POLL_MS
        if M.counters(ref)[field] > prev[ref][field] then
            pktgen.delay(M.POLL_MS)
            return M.snapshot(ports), true
        end
    end
    return M.snapshot(ports), false
end

-- Counter deltas over `seconds` whole refresh periods, timed by the
-- counter `field` of port `ref` (a sending port's "opackets").
-- Returns deltas and the periods actually measured (0 when the
-- reference counter never moved, e.g. the port is not sending).
function M.measure(ports, ref, field, seconds)
    local first, ok = M.next_tick(ports, ref, field, M.snapshot(ports))

    if not ok then
        return M.diff(first, first, ports), 0
    end
    local last, n = first, 0
    while n < seconds do
        local s, moved = M.next_tick(ports, ref, field, last)
        if not moved then
            break
        end
        last, n = s, n + 1
    end
    return M.diff(first, last, ports), n
end

-- Wait long enough for frames in flight and two counter refreshes.
function M.drain(ms)
    pktgen.delay(ms or 2200)
end

function M.rate(pkts, bytes, secs)
    if secs <= 0 then
        return 0, 0, 0
    end
    local mpps = pkts / secs / 1e6
    local gbps = bytes * 8 / secs / 1e9
    local l1 = (bytes + pkts * M.L1_EXTRA) * 8 / secs / 1e9
    return mpps, gbps, l1
end

-- One result: a readable line and a RESULT CSV line.
function M.report(script, case, port, dir, pkts, bytes, secs)
    local mpps, gbps, l1 = M.rate(pkts, bytes, secs)

    print(string.format("  %-14s port %d %-2s %12d pkts %8.3f Mpps " ..
        "%7.3f Gbps %7.3f Gbps L1", case, port, dir, pkts, mpps, gbps, l1))
    print(string.format("RESULT,%s,%s,%d,%s,%d,%d,%.4f,%.4f,%.4f",
        script, case, port, dir, pkts, secs, mpps, gbps, l1))
end

-- Totals of a whole run, with loss from the sender's to the receiver's
-- count (negative loss means the receiver saw extra frames, e.g. ARP).
function M.report_totals(script, case, tx_port, sent, rx_port, got)
    local loss = 0

    if sent > 0 then
        loss = (sent - got) * 100 / sent
    end
    print(string.format("  %-14s sent %d on port %d, received %d on " ..
        "port %d, loss %.4f%%", case, sent, tx_port, got, rx_port, loss))
    print(string.format("RESULT,%s,%s-total,%d,tx,%d,0,0,0,0",
        script, case, tx_port, sent))
    print(string.format("RESULT,%s,%s-total,%d,rx,%d,0,0,0,0",
        script, case, rx_port, got))
end

function M.gcd(a, b)
    while b ~= 0 do
        a, b = b, a % b
    end
    return a
end

-- Distinct (source address, source port) pairs when range mode steps
-- both by one per packet: they repeat after lcm(n_ips, n_ports).
function M.range_flows(n_ips, n_ports)
    return n_ips // M.gcd(n_ips, n_ports) * n_ports
end

-- IPv4 dotted quad + n (no carry checks beyond the last octet group).
function M.ipv4_add(addr, n)
    local a, b, c, d = addr:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if a == nil then
        error("not an IPv4 address: " .. addr)
    end
    local v = ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) *
        256 + tonumber(d) + n
    return string.format("%d.%d.%d.%d", (v >> 24) & 255, (v >> 16) & 255,
        (v >> 8) & 255, v & 255)
end

-- IPv6 address + n, changing only the last 16-bit group (enough for the
-- address ranges of the lab); errors out when that group would overflow.
function M.ipv6_add(addr, n)
    local head, last = addr:match("^(.*:)(%x*)$")
    if head == nil then
        error("not an IPv6 address: " .. addr)
    end
    local v = (tonumber(last ~= "" and last or "0", 16)) + n
    if v > 0xffff then
        error(string.format("%s + %d leaves the last group", addr, n))
    end
    return string.format("%s%x", head, v)
end

-- Sorted numbers from a latency sampler file ("Latency" header line,
-- then one value in nanoseconds per line).
function M.read_samples(path)
    local f = io.open(path, "r")
    local v = {}

    if f == nil then
        return v
    end
    for line in f:lines() do
        local n = tonumber(line)
        if n ~= nil then
            v[#v + 1] = n
        end
    end
    f:close()
    table.sort(v)
    return v
end

-- Nearest-rank percentile of a sorted array (p in 0..100).
function M.percentile(sorted, p)
    if #sorted == 0 then
        return 0
    end
    local rank = math.ceil(p / 100 * #sorted)
    if rank < 1 then
        rank = 1
    end
    return sorted[rank]
end

function M.banner(script, lines)
    print(string.format("=== mifgw lab: %s ===", script))
    for _, l in ipairs(lines) do
        print("  " .. l)
    end
end

return M
