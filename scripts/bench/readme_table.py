#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The README's performance table from a make-bench CSV: the ESP issue's
headline points (tunnel IPv4, AES-128-GCM and AES-128-CBC + HMAC-SHA1,
both directions) and the forwarding reference, as Markdown.

usage: readme_table.py docs/bench/bench-DATE.csv
"""

import csv
import sys

HEADLINE = ("esp-out-tunnel-v4-gcm128", "esp-in-tunnel-v4-gcm128",
            "esp-out-tunnel-v4-cbc-sha1", "esp-in-tunnel-v4-cbc-sha1",
            "bypass-out-v4", "bypass-in-v4")
NAMES = {"gcm128": "AES-128-GCM", "cbc-sha1": "AES-128-CBC+SHA1",
         "none": "none (BYPASS)"}


def num(v, spec):
    """Empty CSV cells are references that do not apply to the row."""
    if v == "":
        return "-"
    try:
        return spec % float(v)
    except ValueError:
        return "n/a"


def table(rows):
    out = ["| direction | algorithm | frame B | Mpps | Gbps | ns/pkt (CPU) "
           "| t_bypass | t_crypto | ratio | worker CPU |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name in HEADLINE:
        for r in rows:
            if r["scenario"] != name:
                continue
            if not r["mpps"]:
                out.append("| %s | %s | %s | %s |||||||" % (
                    r["direction"], NAMES.get(r["algorithm"],
                                              r["algorithm"]),
                    r["frame_size"], r["note"]))
                continue
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                       % (r["direction"],
                          NAMES.get(r["algorithm"], r["algorithm"]),
                          r["frame_size"], num(r["mpps"], "%.2f"),
                          num(r["gbps"], "%.2f"), num(r["ns_pkt"], "%.0f"),
                          num(r["t_bypass"], "%.0f"),
                          num(r["t_crypto"], "%.0f"),
                          num(r["ratio"], "%.2f"),
                          num(float(r["worker_cpu"] or 0) * 100, "%.0f%%")))
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(sys.argv[1], newline="", encoding="ascii") as f:
        print(table(list(csv.DictReader(f))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
