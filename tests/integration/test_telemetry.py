#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""DPDK telemetry of a running mifgw, and its link-change log.

usage: test_telemetry.py MIFGW          endpoints, both clients
       test_telemetry.py MIFGW link     link monitor (needs a tap port)

Starts mifgw with the harness (tests/integration/harness.py), pings across
it, then reads the /mifgw/ endpoints twice: with Debian's
dpdk-telemetry.py (commands on stdin, -f FILE_PREFIX) and with a direct
SOCK_SEQPACKET client. Every value is checked against the gateway's real
state: the harness's topology (names, roles, addresses, MACs, MTUs) and
the counters block printed on SIGUSR1. Counters are bracketed: a block
taken just before and one just after each telemetry read must enclose
the telemetry value, and the two blocks may differ by a few packets only.
In "link" mode a third port on net_tap goes down and up: each change must
be one NOTICE line and show in /mifgw/ports, and forwarding must go on.

Exit 0 when every check passed, 1 otherwise, 77 (skip) when not root.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time

from harness import SIDES, HarnessError, Topology

TELEMETRY_PY = '/usr/bin/dpdk-telemetry.py'
SOCK_NAME = 'dpdk_telemetry.v2'
ENDPOINTS = ('/mifgw/version', '/mifgw/ports', '/mifgw/stats',
             '/mifgw/workers')
PINGS = 10
# Packets that may arrive between the bracketing blocks without traffic
# from us: a stray ND or ARP retransmission of the clients.
SLACK = 8

failures = []


def check(cond, what):
    print(f'{"ok  " if cond else "FAIL"} {what}', flush=True)
    if not cond:
        failures.append(what)
    return cond


class TelemetryClient:
    """A direct client of the telemetry socket (SOCK_SEQPACKET: one JSON
    message per reply)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.hello = json.loads(self.sock.recv(4096).decode())
        self.bufsize = int(self.hello['max_output_len'])

    def get(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.bufsize + 1).decode())
        key = cmd.split(',', 1)[0]
        if key not in reply:
            raise HarnessError(f'telemetry {cmd}: reply without {key}: '
                               f'{reply}')
        return reply[key]

    def close(self):
        self.sock.close()


def sock_path(t):
    return os.path.join('/var/run/dpdk', t.gw.prefix, SOCK_NAME)


def wait_socket(t, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(sock_path(t)):
            return True
        time.sleep(0.1)
    return False


def block_lcores(c):
    """{lcore: {'rx': n, 'tx': n, 'drops': n}} from a counters block."""
    res = {}
    for line in c['other'].get('lcore', []):
        lc, name, val = line.split()
        res.setdefault(int(lc), {})[name] = int(val)
    return res


def block_ctl(c):
    res = {}
    for line in c['other'].get('ctl', []):
        name, val = line.split()
        res[name] = int(val)
    return res


def bracket(name, before, value, after):
    """before <= value <= after, and the bracket is narrow."""
    check(before <= value <= after,
          f'{name}: {before} <= telemetry {value} <= {after}')
    check(after - before <= SLACK,
          f'{name}: counters moved by {after - before} <= {SLACK} '
          'around the read')


def check_stats(stats, before, after, label):
    """/mifgw/stats against the counters blocks taken around it."""
    check(stats['ports'] == list(SIDES), f'{label}: ports in order '
          f'{stats["ports"]}')
    for i, port in enumerate(stats['ports']):
        for tel, blk in (('rx', 'rx'), ('rx_bytes', 'rx_bytes'),
                         ('tx', 'tx'), ('tx_bytes', 'tx_bytes')):
            b = before['port'][port][blk]
            a = after['port'][port][blk]
            if tel.endswith('bytes'):
                check(b <= stats[tel][i] <= a,
                      f'{label}: {port} {tel}: {b} <= {stats[tel][i]} '
                      f'<= {a}')
            else:
                bracket(f'{label}: {port} {tel}', b, stats[tel][i], a)
    total = 0
    for reason, b in before['drop'].items():
        v = stats.get(f'drop/{reason}')
        if not check(v is not None, f'{label}: drop/{reason} present'):
            continue
        check(b <= v <= after['drop'][reason],
              f'{label}: drop/{reason}: {b} <= {v} <= '
              f'{after["drop"][reason]}')
        total += v
    check(stats['drops'] == total,
          f'{label}: drops {stats["drops"]} is the sum {total}')
    cb, ca = block_ctl(before), block_ctl(after)
    for ev, b in cb.items():
        v = stats.get(f'ctl/{ev}')
        check(v is not None and b <= v <= ca[ev],
              f'{label}: ctl/{ev}: {b} <= {v} <= {ca[ev]}')


def ping_across(t, count):
    ok = True
    for src, dst in (('lan', 'wan'), ('wan', 'lan')):
        for v in ('4', '6'):
            got, out = t.ping(src, SIDES[dst][f'cl{v}'], count=count,
                              interval=0.05)
            ok &= check(got == count, f'ping {src} -> {dst} IPv{v}: '
                        f'{got}/{count} replies')
    return ok


def check_version(c, t):
    v = c.get('/mifgw/version')
    check(v['pid'] == t.proc.pid, f'version: pid {v["pid"]} is mifgw\'s '
          f'{t.proc.pid}')
    check(re.fullmatch(r'\d+\.\d+\.\d+', v['version']) is not None,
          f'version: mifgw version "{v["version"]}"')
    check(v['dpdk'].startswith('DPDK 22.11'), f'version: {v["dpdk"]}')
    check(v['config'] == t.cfg_path, f'version: config {v["config"]}')
    check(v['ports'] == len(SIDES) and v['workers'] == len(t.workers),
          f'version: {v["ports"]} ports, {v["workers"]} workers')
    check(0 <= v['uptime_s'] < 600, f'version: uptime {v["uptime_s"]} s')


def check_ports(c, t):
    p = c.get('/mifgw/ports')
    names = list(SIDES)
    check(p['name'] == names, f'ports: names {p["name"]}')
    check(p['role'] == [SIDES[s]['role'] for s in names],
          f'ports: roles {p["role"]}')
    check(p['link'] == ['up'] * len(names), f'ports: links {p["link"]}')
    check(p['mtu'] == [gp['mtu'] for gp in t.gw.ports],
          f'ports: mtu {p["mtu"]}')
    macs = [t.mac('gw', s).upper() for s in names]
    check([m.upper() for m in p['mac']] == macs,
          f'ports: MACs {p["mac"]} are the gateway veths\' {macs}')
    for s in names:
        want = {f'{s} {SIDES[s]["gw4"]}/{SIDES[s]["len4"]}',
                f'{s} {SIDES[s]["gw6"]}/{SIDES[s]["len6"]}'}
        have = {a for a in p['addresses'] if a.startswith(s + ' ')}
        check(want <= have and
              any(' fe80::' in a for a in have),
              f'ports: {s} addresses {sorted(have)}')
    total_q = 0
    for s in names:
        d = c.get(f'/mifgw/ports,{s}')
        check(d['name'] == s and d['role'] == SIDES[s]['role'] and
              d['link'] == 'up' and d['mac'].upper() == t.mac('gw', s)
              .upper(), f'ports,{s}: {d["name"]} {d["role"]} {d["link"]} '
              f'{d["mac"]}')
        check(f'{SIDES[s]["gw4"]}/{SIDES[s]["len4"]}' in d['addresses'],
              f'ports,{s}: addresses {d["addresses"]}')
        # af_packet: mifgw asks for one queue pair per worker plus one.
        check(d['rx_queues'] == len(t.workers) + 1 and
              d['tx_queues'] == len(t.workers) + 1,
              f'ports,{s}: {d["rx_queues"]} rx / {d["tx_queues"]} tx queues')
        total_q += d['rx_queues']
    return total_q


def check_workers(c, t, total_q, before, after):
    w = c.get('/mifgw/workers')
    lcores = [int(x) for x in t.lcores.split(',')]
    check(w['lcore'] == [lcores[0]] + t.workers,
          f'workers: lcores {w["lcore"]}')
    check(w['role'] == ['control'] + ['worker'] * len(t.workers),
          f'workers: roles {w["role"]}')
    check(sum(w['n_rx_queues']) == total_q and
          len(w['rx_queues']) == total_q,
          f'workers: {total_q} rx queues handed out: {w["rx_queues"]}')
    lb, la = block_lcores(before), block_lcores(after)
    for i, lc in enumerate(w['lcore']):
        for k in ('rx', 'tx', 'drops'):
            bracket(f'workers: lcore {lc} {k}', lb.get(lc, {}).get(k, 0),
                    w[k][i], la.get(lc, {}).get(k, 0))
    d = c.get(f'/mifgw/workers,{t.workers[0]}')
    check(d['role'] == 'worker' and d['index'] == 0 and
          len(d['rx_queues']) == total_q,
          f'workers,{t.workers[0]}: {d["role"]} {d["rx_queues"]}')


def check_bad_params(c):
    for cmd in ('/mifgw/ports,nosuchport', '/mifgw/stats,nosuchport',
                '/mifgw/workers,abc', '/mifgw/workers,4096',
                '/mifgw/workers,99999999999999999999999',
                '/mifgw/workers,-1', '/mifgw/ports,' + 'x' * 200):
        check(c.get(cmd) is None, f'{cmd[:40]}: null (refused)')


def direct_client(t):
    c = TelemetryClient(sock_path(t))
    try:
        check(c.hello.get('pid') == t.proc.pid,
              f'socket hello from pid {c.hello.get("pid")}')
        listing = c.get('/')
        check(all(e in listing for e in ENDPOINTS),
              f'"/" lists {[e for e in listing if e.startswith("/mifgw")]}')
        check('/mifgw/sa' not in listing and '/mifgw/spd' not in listing,
              'no /mifgw/sa or /mifgw/spd (not published yet)')
        for e in ENDPOINTS:
            h = c.get('/help,' + e)
            check(isinstance(h, dict) and len(h.get(e, '')) > 10,
                  f'/help,{e}: {h}')
        check_version(c, t)
        total_q = check_ports(c, t)

        before = t.counters()
        stats = c.get('/mifgw/stats')
        after = t.counters()
        check_stats(stats, before, after, 'socket stats')
        check(stats['rx'][0] >= 2 * PINGS * 2,
              f'socket stats: lan rx {stats["rx"][0]} >= '
              f'{4 * PINGS} (echo requests and replies)')
        one = c.get('/mifgw/stats,wan')
        check(one['name'] == 'wan' and
              before['port']['wan']['rx'] <= one['rx'] <=
              after['port']['wan']['rx'],
              f'stats,wan: rx {one["rx"]}')

        before = t.counters()
        check_workers(c, t, total_q, before, t.counters())
        check_bad_params(c)
    finally:
        c.close()


def script_client(t):
    """Debian's dpdk-telemetry.py, non-interactive: one JSON per line."""
    before = t.counters()
    cp = subprocess.run([sys.executable, TELEMETRY_PY, '-f', t.gw.prefix],
                        input='/\n/mifgw/version\n/mifgw/stats\n'
                              '/mifgw/ports,lan\n/mifgw/workers\nquit\n',
                        capture_output=True, text=True, timeout=30)
    after = t.counters()
    check(cp.returncode == 0, f'dpdk-telemetry.py exit {cp.returncode} '
          f'{cp.stderr.strip()[-200:]}')
    replies = {}
    for line in cp.stdout.splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            replies.update(obj)
    check(all(e in replies.get('/', []) for e in ENDPOINTS),
          'dpdk-telemetry.py: "/" lists the /mifgw endpoints')
    v = replies.get('/mifgw/version') or {}
    check(v.get('pid') == t.proc.pid,
          f'dpdk-telemetry.py: /mifgw/version pid {v.get("pid")}')
    st = replies.get('/mifgw/stats')
    if check(isinstance(st, dict), 'dpdk-telemetry.py: /mifgw/stats read'):
        check_stats(st, before, after, 'dpdk-telemetry.py stats')
    pl = replies.get('/mifgw/ports') or {}
    check(pl.get('name') == 'lan' and pl.get('link') == 'up',
          f'dpdk-telemetry.py: /mifgw/ports,lan {pl}')
    wk = replies.get('/mifgw/workers') or {}
    check(wk.get('lcore') == [int(t.lcores.split(',')[0])] + t.workers,
          f'dpdk-telemetry.py: /mifgw/workers lcores {wk.get("lcore")}')


def wait_log(t, pattern, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.findall(pattern, t.stderr())
        if m:
            return m
        time.sleep(0.1)
    return []


class TapTopology(Topology):
    """The harness's topology plus a third port on a net_tap device.

    af_packet in DPDK 22.11 reports its link as always up, so the link
    monitor is exercised on a tap device, whose link follows the
    interface's up flag. The tap interface appears in the gateway
    namespace and goes away with it."""

    def __init__(self, mifgw, **kw):
        super().__init__(mifgw, **kw)
        self.tap_if = self.gw_if['lan'][:-2] + 't0'
        self._write_gw_config = self.gw.write_config
        self.gw.write_config = self._write_config

    def _write_config(self):
        self._write_gw_config()
        path = self.gw.cfg_path
        with open(path, encoding='ascii') as f:
            text = f.read()
        port = (',\n  { name = "aux"; '
                f'dev = "net_tap0,iface={self.tap_if}"; '
                'role = "unprotected"; '
                'addresses = [ "203.0.113.1/24" ]; }\n);')
        # The ports list is the first "\n);" of the generated file.
        i = text.index('\n);')
        with open(path, 'w', encoding='ascii') as f:
            f.write(text[:i] + port + text[i + 3:])


def set_link(t, ifname, state):
    subprocess.run(['ip', '-n', t.ns['gw'], 'link', 'set', ifname, state],
                   check=True, timeout=10)


def link_change(mifgw):
    """aux's tap interface down then up: one NOTICE line per change."""
    t = TapTopology(mifgw, log_level='notice')
    try:
        t.start()
        check(wait_socket(t), 'tap topology: telemetry socket exists')
        c = TelemetryClient(sock_path(t))
        try:
            p = c.get('/mifgw/ports')
            check(p['name'] == ['lan', 'wan', 'aux'] and
                  p['link'] == ['up'] * 3,
                  f'tap topology: ports {p["name"]} links {p["link"]}')
            set_link(t, t.tap_if, 'down')
            down = wait_log(t, r'mif\.dp: \w+: port aux: link changed '
                            r'from up[^\n]* to down\n')
            check(len(down) == 1, f'link down logged once: {down}')
            check(c.get('/mifgw/ports,aux')['link'] == 'down',
                  'telemetry shows aux link down')
            set_link(t, t.tap_if, 'up')
            up = wait_log(t, r'mif\.dp: \w+: port aux: link changed '
                          r'from down to up[^\n]*\n')
            check(len(up) == 1, f'link up logged once: {up}')
            check(c.get('/mifgw/ports')['link'] == ['up'] * 3,
                  'telemetry shows every link up again')
        finally:
            c.close()
        got, _ = t.ping('lan', SIDES['wan']['cl4'], count=3, interval=0.1)
        check(got == 3, f'forwarding lan -> wan during link changes: '
              f'{got}/3')
        lines = re.findall(r'.*link changed.*', t.stderr())
        check(len(lines) == 2, f'exactly two link-change lines: {lines}')
        code = t.stop()
        check(code == 0, f'tap topology: exit status {code}')
    except HarnessError as e:
        # net_tap needs as many RX as TX queues; mifgw gives a port one
        # TX queue more (the control thread's) unless the port code
        # matches them for tap as it does for af_packet.
        if 'number of rx queues' in t.stderr() and \
                'must be equal to number of tx queues' in t.stderr():
            print('SKIP: mifgw cannot configure a net_tap port yet (RX '
                  'and TX queue counts differ); the link monitor cannot '
                  'be driven on af_packet, whose link is always up')
            t.close()
            return 77
        check(False, f'tap topology: {e}')
    finally:
        if failures:
            t.dump_logs()
        t.close()
    return 0


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != 'link'):
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print('SKIP: namespaces and packet sockets need root')
        return 77
    if len(argv) == 3:
        return link_main(argv[1])
    if not os.path.exists(TELEMETRY_PY):
        print(f'SKIP: {TELEMETRY_PY} missing (Debian package dpdk)')
        return 77
    # NOTICE level only: the ready line is NOTICE, while INFO lines
    # (such as each port's initial link state) must stay hidden.
    t = Topology(argv[1], log_level='notice')
    try:
        t.start()
        check(wait_socket(t), f'telemetry socket {sock_path(t)} exists')
        ping_across(t, PINGS)
        direct_client(t)
        script_client(t)
        check(not re.search(r'port \w+: link up', t.stderr()),
              'initial link state is INFO, hidden at level notice')
        ping_across(t, 2)
        code = t.stop()
        check(code == 0, f'mifgw stopped by SIGTERM, exit status {code}')
        rep = t.sanitizer_reports()
        check(not rep, 'no sanitizer report from mifgw'
              + (': ' + '; '.join(rep[:3]) if rep else ''))
    except (HarnessError, OSError, KeyError, TypeError,
            json.JSONDecodeError) as e:
        check(False, f'{type(e).__name__}: {e}')
    finally:
        if failures:
            t.dump_logs()
        t.close()
    print(f'telemetry: {len(failures)} check(s) failed' if failures
          else 'telemetry: all checks passed')
    return 1 if failures else 0


def link_main(mifgw):
    """The link monitor on a tap port; 77 while mifgw cannot open one."""
    rc = link_change(mifgw)
    if rc == 77:
        return 77
    print(f'telemetry link: {len(failures)} check(s) failed' if failures
          else 'telemetry link: all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
