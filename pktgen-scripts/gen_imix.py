#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Clear IMIX traffic: 7:4:1 of 64/512/1420-byte frames (without FCS).

Average frame 326.3 bytes. Every flow carries the whole mix; the ratio is
exact when --count is a multiple of 12 (the default is 12 x --flows).
Pktgen-DPDK's range mode steps sizes evenly and cannot weight them, so
the IMIX run in pktgen-scripts/clear_imix.lua replays this file in
pktgen's pcap mode. Same options as gen_clear.py; --size defaults to imix.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_clear  # noqa: E402

if __name__ == "__main__":
    sys.exit(gen_clear.main(sizes_default="imix"))
