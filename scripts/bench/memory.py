# SPDX-License-Identifier: BSD-3-Clause
"""Bytes per SA and per policy rule, from the esp and spd teammates' own
programs (not re-measured differently): test_sad's scale step, run with 1
SA directly and with 1,000,000 through its meson benchmark sad_1m, and
bench_spd -q (the program of the meson benchmark spd, 1k and 10k rules)."""

import csv
import os
import re
import subprocess
import sys

SAD_RE = re.compile(r"(\d+) SAs: hash\+queues ([\d.]+) MB \((\d+) B/SA\), "
                    r"SA\+keys\+2 counter slots\+window (\d+) B/SA, "
                    r"total (\d+) B/SA")
SPD_RE = re.compile(r"^(ipv[46]) +(\w+) +(\d+) +(acl|linear) +build +"
                    r"([\d.]+) ms .* mem +([\d.]+) KiB +([\d.]+) ns/pkt",
                    re.M)
COLUMNS = ["what", "count", "structure", "bytes_each", "total_bytes",
           "source", "note"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sad_rows(text, source):
    rows = []
    for m in SAD_RE.finditer(text):
        n = int(m.group(1))
        rows.append({"what": "SA", "count": n,
                     "structure": "SAD hash + defer queue",
                     "bytes_each": int(m.group(3)),
                     "total_bytes": int(float(m.group(2)) * 1e6),
                     "source": source, "note": ""})
        rows.append({"what": "SA", "count": n,
                     "structure": "SA + keys + 2 counter slots + window",
                     "bytes_each": int(m.group(4)),
                     "total_bytes": int(m.group(4)) * n,
                     "source": source, "note": ""})
        rows.append({"what": "SA", "count": n, "structure": "total",
                     "bytes_each": int(m.group(5)),
                     "total_bytes": int(m.group(5)) * n,
                     "source": source,
                     "note": "hash has a minimum size" if n < 1000 else ""})
    return rows


def spd_rows(text, source):
    rows = []
    for m in SPD_RE.finditer(text):
        fam, shape, n, kind = m.group(1), m.group(2), int(m.group(3)), \
            m.group(4)
        total = float(m.group(6)) * 1024
        rows.append({"what": "policy rule", "count": n,
                     "structure": "%s %s %s" % (kind, fam, shape),
                     "bytes_each": int(total / n), "total_bytes": int(total),
                     "source": source,
                     "note": "%s ns/pkt, build %s ms"
                     % (m.group(7), m.group(5))})
    return rows


def run(argv, timeout, cwd=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=timeout, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if r.returncode != 0:
        return None, "exit %d: %s" % (r.returncode,
                                      (r.stderr or r.stdout)[-200:])
    return r.stdout, None


def na(what, count, err):
    return {"what": what, "count": count, "structure": "", "bytes_each": "",
            "total_bytes": "", "source": "", "note": "n/a (%s)" % err}


def measure(args):
    rows = []
    sad = os.path.join(args.build, "tests", "unit", "test_sad")
    log("memory: test_sad 1")
    out, err = run([sad, "1"], 120)
    rows += sad_rows(out, "test_sad 1") if out else [na("SA", 1, err)]
    log("memory: meson test --benchmark sad_1m (about 2 GB)")
    out, err = run(["meson", "test", "-C", args.build, "--benchmark",
                    "--no-rebuild", "--verbose", "sad_1m"], 900)
    rows += sad_rows(out, "meson benchmark sad_1m") if out else \
        [na("SA", 1000000, err)]
    spd = os.path.join(args.build, "tests", "bench", "bench_spd")
    log("memory: bench_spd -q")
    out, err = run([spd, "-q"], 600)
    got = spd_rows(out, "bench_spd -q") if out else []
    rows += got or [na("policy rule", 10000, err or "no figures")]
    return rows


def print_table(rows, out):
    if not rows:
        return
    print("\nmemory:", file=out)
    print("%-12s %8s  %-38s %10s %14s  %s"
          % ("what", "count", "structure", "B each", "total B", "source"),
          file=out)
    for r in rows:
        print("%-12s %8s  %-38s %10s %14s  %s %s"
              % (r["what"], r["count"], r["structure"], r["bytes_each"],
                 r["total_bytes"], r["source"], r["note"]), file=out)


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="ascii") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
