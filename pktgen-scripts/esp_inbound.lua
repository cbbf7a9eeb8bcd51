-- SPDX-License-Identifier: BSD-3-Clause
--[[
esp_inbound.lua: ESP traffic toward mifgw's unprotected side (inbound
processing: SA lookup, anti-replay, ICV check, decryption, inner policy
check, forwarding), with the ESP rate sent and the clear rate coming out
of the protected side.

Topology (two boxes, see pktgen-scripts/README.md):
    pktgen port CLEAR_PORT (0) <--- mifgw "lan"  (protected: clear out)
    pktgen port ESP_PORT   (1) ---> mifgw "wan"  (unprotected: ESP in)
mifgw runs config/lab-esp.cfg with the inbound SA of pktgen-scripts/
README.md ("The ESP lab"), whose keys must match the pcap's.

Traffic: a pcap of ESP frames made by gen_esp.py, sent in pktgen's pcap
mode. Pktgen loads it from the command line:
    gen_esp.py -o esp.pcap --spi 0x1001 --cipher aes-gcm-128 \
        --key <hex> --salt <hex> --outer-src 198.51.100.2 \
        --outer-dst 198.51.100.1 --size 512 --flows 1024 --count 200000
    pktgen <EAL> -- -P -m "[1:2].0,[3:4].1" -s 1:esp.pcap \
        -f esp_inbound.lua
Pktgen replays the file in a loop (and copies a short file several times
into its packet pool), so sequence numbers repeat: with anti-replay on in
mifgw only the first copy of each packet is accepted. For throughput, run
the SA without anti-replay (README); to count accepted packets with
anti-replay on, set SEND_COUNT to PCAP_PACKETS and a large pcap.

Parameters: the variables below.

Prints: ESP frames sent per second (port ESP_PORT) and clear frames
received per second (port CLEAR_PORT) over DURATION_S whole seconds, the
totals, the share of sent ESP frames that came out decrypted, and the
same as "RESULT,esp_inbound,..." CSV lines.
]]

-- Parameters ------------------------------------------------------------
local ESP_PORT = 1
local CLEAR_PORT = 0
local RATE_PCT = 100
local SEND_COUNT = 0            -- 0: send until stopped
local PCAP_PACKETS = 0          -- packets in the pcap (gen_esp.py prints it)
local WARMUP_MS = 2000
local DURATION_S = 10
local SCREEN_OFF = true
---------------------------------------------------------------------------

local dir = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local lab = require("mifgw_lab")

local SCRIPT = "esp_inbound"
local esp = tostring(ESP_PORT)
local ports = { ESP_PORT, CLEAR_PORT }

-- With a finite count, wait until the port has sent it all.
local function wait_done(limit_s)
    local waited = 0

    while waited < limit_s * 1000 do
        local s = pktgen.isSending(esp)
        if s[ESP_PORT] ~= "y" then
            return true
        end
        pktgen.delay(100)
        waited = waited + 100
    end
    return false
end

local function main()
    if SCREEN_OFF then
        pktgen.screen("off")
    end
    pktgen.stop("all")
    lab.banner(SCRIPT, {
        string.format("ESP from pcap on port %d -> mifgw unprotected; " ..
            "clear back on port %d", ESP_PORT, CLEAR_PORT),
        string.format("rate %d%%, count %s, pcap of %d packets", RATE_PCT,
            SEND_COUNT == 0 and "forever" or tostring(SEND_COUNT),
            PCAP_PACKETS),
    })
    pktgen.set_range(esp, "off")
    pktgen.pcap(esp, "on")
    pktgen.set(esp, "rate", RATE_PCT)
    pktgen.set(esp, "count", SEND_COUNT)

    local before = lab.snapshot(ports)
    pktgen.start(esp)
    local d, secs
    if SEND_COUNT == 0 then
        pktgen.delay(WARMUP_MS)
        d, secs = lab.measure(ports, ESP_PORT, "opackets", DURATION_S)
        pktgen.stop(esp)
    else
        d, secs = lab.measure(ports, ESP_PORT, "opackets", DURATION_S)
        if not wait_done(600) then
            print("  still sending after 600 s; stopping")
        end
        pktgen.stop(esp)
    end
    lab.drain()
    local total = lab.diff(before, lab.snapshot(ports), ports)

    print(string.format("ESP inbound, %d s:", secs))
    if secs == 0 then
        print("  port " .. esp .. " did not send: was a pcap given with " ..
            "-s " .. esp .. ":esp.pcap?")
    end
    lab.report(SCRIPT, "esp", ESP_PORT, "tx", d[ESP_PORT].opackets,
        d[ESP_PORT].obytes, secs)
    lab.report(SCRIPT, "clear", CLEAR_PORT, "rx", d[CLEAR_PORT].ipackets,
        d[CLEAR_PORT].ibytes, secs)
    lab.report_totals(SCRIPT, "esp", ESP_PORT, total[ESP_PORT].opackets,
        CLEAR_PORT, total[CLEAR_PORT].ipackets)
    if PCAP_PACKETS > 0 and total[ESP_PORT].opackets > PCAP_PACKETS then
        print(string.format("  note: %d frames sent from a pcap of %d: " ..
            "repeats are replays to an SA with anti-replay on",
            total[ESP_PORT].opackets, PCAP_PACKETS))
    end

    pktgen.pcap(esp, "off")
    if SCREEN_OFF then
        pktgen.screen("on")
    end
end

main()
