#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of the harness itself: what it leaves behind when interrupted,
and how it reads the counters block.

usage: test_harness.py MIFGW CASE      (meson registers one test each)
       test_harness.py --list
       test_harness.py MIFGW hold      (internal: start, report, wait)

  sigterm   a run that gets SIGTERM (what meson sends on timeout) removes
            its namespaces and stops its mifgw before it exits
  sigkill   a run killed outright leaves them; the next run's sweep removes
            them and kills what was inside
  counters  parse_counters() reads the last complete block only
"""

import json
import os
import signal
import subprocess
import sys
import time

import harness
from harness import PYTHON, Topology, parse_counters, run

failures = []


def check(cond, what):
    print(f'{"ok  " if cond else "FAIL"} {what}', flush=True)
    if not cond:
        failures.append(what)
    return cond


def namespaces():
    cp = run(['ip', 'netns', 'list'], check=False)
    return {ln.split()[0] for ln in cp.stdout.splitlines() if ln.split()}


def pid_alive(pid):
    try:
        with open(f'/proc/{pid}/stat', encoding='ascii') as f:
            # A zombie has already released everything it held.
            return f.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False


def hold(mifgw):
    t = Topology(mifgw).start()
    print(json.dumps({'ns': list(t.ns.values()), 'pid': t.proc.pid}),
          flush=True)
    time.sleep(120)
    return 1


def start_holder(mifgw):
    p = subprocess.Popen([PYTHON, os.path.abspath(__file__), mifgw, 'hold'],
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         text=True)
    # Skip the harness's own log lines up to the JSON report.
    line = p.stdout.readline()
    while line and not line.startswith('{'):
        line = p.stdout.readline()
    try:
        info = json.loads(line)
    except ValueError:
        p.kill()
        p.wait()
        check(False, f'holder started a topology (said {line!r})')
        return p, None
    have = namespaces()
    check(all(ns in have for ns in info['ns']),
          f'holder made namespaces {info["ns"]}')
    check(pid_alive(info['pid']), f'holder mifgw pid {info["pid"]} runs')
    return p, info


def wait_gone(info, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = namespaces() & set(info['ns'])
        if not left and not pid_alive(info['pid']):
            return set(), False
        time.sleep(0.1)
    return namespaces() & set(info['ns']), pid_alive(info['pid'])


def case_sigterm(mifgw):
    p, info = start_holder(mifgw)
    if info is None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        code = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        code = p.wait()
    check(code == 128 + signal.SIGTERM, f'holder exited {code} on SIGTERM')
    left, alive = wait_gone(info, 2)
    check(not left, f'namespaces removed (left: {sorted(left)})')
    check(not alive, f'mifgw pid {info["pid"]} stopped')


def case_sigkill(mifgw):
    p, info = start_holder(mifgw)
    if info is None:
        return
    p.kill()
    p.wait()
    check(set(info['ns']) <= namespaces(),
          'SIGKILL leaves the namespaces (nothing could run)')
    harness.sweep_stale()
    left, alive = wait_gone(info, 5)
    check(not left, f'sweep removed them (left: {sorted(left)})')
    check(not alive, f'sweep killed mifgw pid {info["pid"]}')


def case_counters(_mifgw):
    text = '\n'.join([
        'noise', '=== mifgw counters ===', 'port lan rx 1', 'drop x 9',
        '=== end ===',
        '=== mifgw counters ===', 'port lan rx 5', 'port lan tx 7',
        'port wan rx 2', 'drop no_route 3', 'ctl punted 4', '=== end ===',
        '=== mifgw counters ===', 'port lan rx 99',     # cut short
    ])
    c = parse_counters(text)
    check(c is not None, 'a complete block is found')
    if c is None:
        return
    check(c['port'] == {'lan': {'rx': 5, 'tx': 7}, 'wan': {'rx': 2}},
          f'ports from the last complete block: {c["port"]}')
    check(c['drop'] == {'no_route': 3}, f'drops: {c["drop"]}')
    check(c['other'] == {'ctl': ['punted 4']}, f'other lines: {c["other"]}')
    check(parse_counters('=== mifgw counters ===\nport a rx 1\n') is None,
          'an unfinished block is not a block')


CASES = {'sigterm': case_sigterm, 'sigkill': case_sigkill,
         'counters': case_counters}


def main(argv):
    if len(argv) == 2 and argv[1] == '--list':
        print('\n'.join(CASES))
        return 0
    if len(argv) == 3 and argv[2] == 'hold':
        return hold(argv[1])
    if len(argv) != 3 or argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0 and argv[2] != 'counters':
        print('SKIP: namespaces need root')
        return 77
    CASES[argv[2]](argv[1])
    print(f'{argv[2]}: {len(failures)} check(s) failed' if failures
          else f'{argv[2]}: all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
