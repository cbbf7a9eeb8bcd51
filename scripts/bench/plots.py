# SPDX-License-Identifier: BSD-3-Clause
"""PNG plots of a bench run (python3-matplotlib, Agg backend: no
display needed). As a program, redraws the throughput plot of a
committed CSV: plots.py docs/bench/bench-DATE.csv"""

import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def series(rows):
    """{(label, linestyle): [(frame, Mpps per worker CPU second)]} for
    one direction: 1000 / ns_pkt, the rate one fully available core
    would reach at the measured cost (wall rates on a shared host say
    more about the host than about mifgw)."""
    out = {}
    for r in rows:
        name = r["scenario"]
        if not isinstance(r["ns_pkt"], float) or r["ns_pkt"] <= 0:
            continue
        if int(r["sas"] or 0) > 1 or int(r["rules"] or 0) > 1 or \
                int(r["paths"] or 1) > 1:
            continue
        if name.startswith("crypto-"):
            key = ("crypto-perf %s (Mops)" % r["algorithm"], "--")
        elif name.startswith("bypass-") and not int(r["rules"] or 0):
            key = ("forwarding %s" % r["family"], "-")
        elif name.startswith("esp-"):
            key = ("ESP %s %s %s" % (r["mode"], r["family"],
                                     r["algorithm"]), "-")
        else:
            continue
        out.setdefault(key, []).append((int(r["frame_size"]),
                                        1e3 / r["ns_pkt"]))
    return out


def draw_latency(hists, base, title):
    """Latency distribution (CDF, log time axis) of each latency run."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, samples in sorted(hists.items()):
        xs = sorted(x / 1e3 for x in samples)
        n = len(xs)
        ax.plot(xs, [(i + 1) / n for i in range(n)], label=label)
    ax.set_xscale("log")
    ax.set_xlabel("one-way latency through mifgw, us (memif in and out)")
    ax.set_ylabel("fraction of packets")
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.axhline(0.99, color="grey", lw=0.5)
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title("latency at 50 % of the saturating rate", fontsize=10)
    fig.suptitle(title, fontsize=8)
    fig.tight_layout()
    path = base + "-latency.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def draw(rows, base, title, hists=None):
    """Throughput against frame size, one panel per direction, and the
    latency distribution; returns the paths written."""
    done = [draw_latency(hists, base, title)] if hists else []
    rows = [r for r in rows if not r["scenario"].startswith("latency")]
    dirs = [d for d in ("out", "in")
            if any(r["direction"] == d and isinstance(r["mpps"], float)
                   for r in rows)]
    if not dirs:
        return done
    fig, axes = plt.subplots(1, len(dirs), figsize=(6 * len(dirs), 5),
                             squeeze=False)
    for ax, d in zip(axes[0], dirs):
        ax.set_prop_cycle(color=plt.get_cmap("tab20").colors)
        for (label, ls), pts in sorted(series(
                [r for r in rows if r["direction"] == d]).items()):
            pts.sort()
            ax.plot([p[0] for p in pts], [p[1] for p in pts], ls,
                    marker="o" if ls == "-" else "x", label=label)
        ax.set_title("%sbound, one worker lcore"
                     % ("out" if d == "out" else "in"))
        ax.set_xlabel("frame size, bytes (clear frame, no FCS)")
        ax.set_ylabel("Mpps per worker CPU second (crypto-perf: Mops)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=8)
    fig.tight_layout()
    path = base + "-throughput.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return done + [path]


def main():
    if len(sys.argv) != 2 or not sys.argv[1].endswith(".csv"):
        print("usage: plots.py docs/bench/bench-DATE.csv", file=sys.stderr)
        return 2
    with open(sys.argv[1], newline="", encoding="ascii") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("mpps", "gbps", "ns_pkt"):
            r[k] = float(r[k]) if r[k] else ""
    txt = sys.argv[1][:-4] + ".txt"
    with open(txt, encoding="utf-8") as f:
        title = "\n".join(f.read().splitlines()[:2])
    for p in draw(rows, sys.argv[1][:-4], title):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
