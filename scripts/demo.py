#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The demo behind "make demo": mifgw between two client namespaces.

usage: demo.py MIFGW

Builds the integration suite's topology (tests/integration/harness.py),
shows ping and an iperf3 run crossing the gateway, a TTL=1 probe and an
unroutable destination, prints the counters, and tears everything down.
"""

import json
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'integration'))

import harness  # noqa: E402
from harness import SIDES, HarnessError, Topology, eal_mode  # noqa: E402

LAN, WAN = SIDES['lan'], SIDES['wan']
IPERF_SECONDS = 3


def step(title):
    bold, off = ('\033[1m', '\033[0m') if sys.stdout.isatty() else ('', '')
    print(f'\n{bold}== {title}{off}', flush=True)


def show(cp_or_text):
    text = cp_or_text if isinstance(cp_or_text, str) else \
        cp_or_text.stdout + cp_or_text.stderr
    for line in text.rstrip().splitlines():
        print(f'   {line}')
    sys.stdout.flush()


def iperf(t, v):
    dst = WAN[f'cl{v}']
    srv = t.helper('wan', ['iperf3', '-s', '-1', '-B', dst, '-p', '5201'])
    time.sleep(0.5)
    cp = t.client('lan', ['iperf3', '-c', dst, '-p', '5201', '-t',
                          str(IPERF_SECONDS), '-J'],
                  check=False, timeout=IPERF_SECONDS + 20)
    srv.kill()
    try:
        res = json.loads(cp.stdout)
        end = res['end']
        sent = end['sum_sent']
        rcvd = end['sum_received']
    except (ValueError, KeyError):
        show(cp)
        return False
    print(f'   IPv{v} TCP lan -> wan, {IPERF_SECONDS}s: '
          f'{sent["bits_per_second"] / 1e6:.0f} Mbit/s sent, '
          f'{rcvd["bits_per_second"] / 1e6:.0f} Mbit/s received, '
          f'{sent.get("retransmits", 0)} retransmits')
    return True


def counters_table(c):
    for port, ctrs in c['port'].items():
        print(f'   port {port:4} rx {ctrs.get("rx", 0):8} '
              f'tx {ctrs.get("tx", 0):8}  (bytes rx '
              f'{ctrs.get("rx_bytes", 0)}, tx {ctrs.get("tx_bytes", 0)})')
    drops = {k: v for k, v in c['drop'].items() if v}
    print('   drops: ' + (', '.join(f'{k} {v}' for k, v in drops.items())
                          or 'none'))
    for kind, lines in c['other'].items():
        nz = [ln for ln in lines if not ln.endswith(' 0')]
        if nz:
            print(f'   {kind}: ' + ', '.join(nz))


def demo(t):
    ok = True
    step('Topology')
    print(f"""   lan client   ns {t.ns["lan"]:22} {LAN["cl4"]}, {LAN["cl6"]}
        |       veth {t.cl_if["lan"]} - {t.gw_if["lan"]}
   mifgw        ns {t.ns["gw"]:22} port lan (protected):   {LAN["gw4"]}, {LAN["gw6"]}
                {"":25} port wan (unprotected): {WAN["gw4"]}, {WAN["gw6"]}
        |       veth {t.gw_if["wan"]} - {t.cl_if["wan"]}
   wan client   ns {t.ns["wan"]:22} {WAN["cl4"]}, {WAN["cl6"]}""")
    if eal_mode() == 'no-huge':
        print('   (no hugepages: mifgw runs with --no-huge -m 512)')

    step('Start mifgw on two net_af_packet ports')
    print('   ' + ' '.join(['ip netns exec', t.ns['gw']] + t.command()))
    t.start()
    print(f'   ready, pid {t.proc.pid}; config:')
    with open(t.cfg_path, encoding='ascii') as f:
        show(f.read())

    step('IPv4 and IPv6 ping across the gateway (lan -> wan)')
    for v in (4, 6):
        got, out = t.ping('lan', WAN[f'cl{v}'], count=3)
        show(out)
        ok &= got == 3

    step('The gateway answers for its own addresses')
    for v in (4, 6):
        got, out = t.ping('lan', LAN[f'gw{v}'], count=2)
        show(out.splitlines()[-2] if out.strip() else out)
        ok &= got == 2

    step('TTL 1: time exceeded from the gateway')
    got, out = t.ping('lan', WAN['cl4'], count=1, ttl=1, wait=1)
    show(out.splitlines()[1] if len(out.splitlines()) > 1 else out)

    step(f'iperf3 across the gateway, {IPERF_SECONDS} s each')
    for v in (4, 6):
        ok &= iperf(t, v)

    step('An unroutable destination (203.0.113.200) is dropped and counted')
    got, out = t.ping('lan', '203.0.113.200', count=2, wait=1)
    show(out.splitlines()[1] if len(out.splitlines()) > 1 else out)

    step('Counters (SIGUSR1)')
    counters_table(t.counters())

    step('Stop (SIGTERM) and tear down')
    code = t.stop(signal.SIGTERM)
    print(f'   mifgw exited with status {code}')
    ok &= code == 0
    return ok


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print('demo: needs root (namespaces, packet sockets)',
              file=sys.stderr)
        return 1
    harness.VERBOSE = False
    t = Topology(argv[1])
    try:
        ok = demo(t)
    except HarnessError as e:
        print(f'demo: {e}', file=sys.stderr)
        t.dump_logs()
        ok = False
    finally:
        t.close()
    print('   namespaces and veth pairs removed')
    step('Read more')
    print('   README.md                how to build, run and test')
    print('   docs/architecture.md     threads, queues, tables, a packet\'s path')
    print('   docs/configuration.md    every configuration key')
    print('   config/                  example configurations')
    print('   tests/integration/       the harness this demo uses')
    print('\ndemo: ' + ('done' if ok else 'FAILED (see above)'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
