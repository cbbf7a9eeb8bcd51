#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Add up meson test logs (testlog.json, one JSON object a line) and print
"N passed, N failed" as the last line. Exit 1 when anything failed.

usage: test-summary.py LABEL=TESTLOG.json ... [--fail WHAT ...]
A missing log counts as one failure: the run it stands for never ended.
"""

import json
import sys

PASS = {'OK', 'EXPECTEDFAIL'}
SKIP = {'SKIP'}


def read_log(path):
    results = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line:
                rec = json.loads(line)
                results.append((rec.get('name', '?'), rec.get('result', '?')))
    return results


def main(argv):
    passed = failed = skipped = 0
    lines = []
    args = iter(argv)
    for arg in args:
        if arg == '--fail':
            what = next(args, 'unknown step')
            lines.append(f'{what}: FAILED')
            failed += 1
            continue
        label, _, path = arg.partition('=')
        try:
            results = read_log(path)
        except (OSError, ValueError) as e:
            lines.append(f'{label}: no usable test log ({e})')
            failed += 1
            continue
        p = sum(1 for _, r in results if r in PASS)
        s = sum(1 for _, r in results if r in SKIP)
        bad = [f'{n} ({r})' for n, r in results
               if r not in PASS and r not in SKIP]
        lines.append(f'{label}: {p} passed, {len(bad)} failed, {s} skipped'
                 + (': ' + ', '.join(bad) if bad else ''))
        passed += p
        failed += len(bad)
        skipped += s

    for line in lines:
        print(line)
    tail = f', {skipped} skipped' if skipped else ''
    print(f'{passed} passed, {failed} failed{tail}')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
