#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""IKEv2 between mifgw's daemon and strongSwan's charon (issue 5).

Topology (harness.py): server ("lan", 192.0.2.2) - mifgw - user ("wan",
198.51.100.2). charon runs in the user's namespace with kernel-libipsec
(this kernel has no ESP) behind its inner address 10.9.0.1; mifgw
protects 192.0.2.0/24 <-> 10.9.0.0/24. charon gets a private /run
(unshare -m) and its own strongswan.conf; everything is removed on exit.

Usage: test_ike.py MIFGW SCENARIO; test_ike.py --list
"""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

INNER = '10.9.0.1'
SERVER = '192.0.2.2'
GW = '198.51.100.1'
USER = '198.51.100.2'
# The IPv6 outer addresses (scenario responder_v6); the inner traffic
# stays IPv4.
GW6 = '2001:db8:2::1'
USER6 = '2001:db8:2::2'
PSK = 'mifgw-ike-test-psk-0123'
GW_ID = 'gw.example.org'
USER_ID = 'user@example.org'


def ike_section(initiate=False, remote_id=USER_ID, proposals=None,
                child_life=3600, gw=GW, user=USER, rekey_packets=0,
                remote=None):
    props = proposals or ['aes256gcm16-prfsha256-ecp256',
                          'aes256-sha256-modp2048']
    q = ', '.join(f'"{p}"' for p in props)
    return f'''
ike = {{
  cookie_threshold = 8;
  max_half_open = 32;
  peers = ( {{
    name = "user1"; local_addr = "{gw}";
    remote_addr = "{remote or (user if initiate else 'any')}";
    local_id = "{GW_ID}"; remote_id = "{remote_id}";
    auth = "psk"; psk = "{PSK}";
    proposals = [ {q} ];
    esp_proposals = [ "aes256gcm16", "aes128-sha256" ];
    child_lifetime = {child_life};
    {f"child_rekey_packets = {rekey_packets};" if rekey_packets else ""}
    initiate = {'true' if initiate else 'false'};
    children = ( {{ name = "net"; local_ts = [ "192.0.2.0/24" ];
                    remote_ts = [ "10.9.0.0/24" ]; mode = "tunnel"; }} );
  }} );
}};
'''


class Charon:
    """charon + swanctl in the user's namespace."""

    def __init__(self, topo, psk=PSK, local_id=USER_ID, remote_id=GW_ID,
                 proposals='aes256gcm16-prfsha256-ecp256',
                 esp='aes256gcm16', start=False, ike_rekey='0s',
                 child_rekey='0s', gw=GW, user=USER):
        self.topo = topo
        self.ns = topo.ns['wan']
        self.dir = os.path.join(topo.dir, 'charon')
        os.makedirs(os.path.join(self.dir, 'run'))
        self.log = os.path.join(self.dir, 'charon.log')
        self.conf = os.path.join(self.dir, 'strongswan.conf')
        self.swanctl = os.path.join(self.dir, 'swanctl.conf')
        with open(self.conf, 'w', encoding='ascii') as f:
            f.write(f'''charon {{
  load = random nonce openssl hmac gcm kdf socket-default kernel-libipsec kernel-netlink vici
  retransmit_tries = 3
  retransmit_timeout = 1.0
  filelog {{
    t {{ path = {self.log}
        flush_line = yes
        default = 1
        ike = 2
    }}
  }}
}}
''')
        with open(self.swanctl, 'w', encoding='ascii') as f:
            f.write(f'''connections {{
  gw {{
    version = 2
    local_addrs = {user}
    remote_addrs = {gw}
    proposals = {proposals}
    rekey_time = {ike_rekey}
    over_time = 60s
    rand_time = 1s
    local {{ auth = psk
            id = {local_id} }}
    remote {{ auth = psk
             id = {remote_id} }}
    children {{
      net {{ local_ts = 10.9.0.0/24
            remote_ts = 192.0.2.0/24
            esp_proposals = {esp}
            rekey_time = {child_rekey}
            life_time = 60s
            rand_time = 1s
            start_action = {'start' if start else 'none'} }}
    }}
  }}
}}
secrets {{
  ike-gw {{ id-1 = {local_id}
           id-2 = {remote_id}
           secret = {psk} }}
}}
''')
        self.proc = None

    def sh(self, cmd, timeout=30, check=False):
        """A command in charon's mount namespace view (/run bound)."""
        script = (f"mount --bind '{self.dir}/run' /run && "
                  f"STRONGSWAN_CONF='{self.conf}' {cmd}")
        return harness.run(['unshare', '-m', 'sh', '-c', script],
                           ns=self.ns, timeout=timeout, check=check)

    def start(self):
        script = (f"mount --bind '{self.dir}/run' /run && "
                  f"exec env STRONGSWAN_CONF='{self.conf}' "
                  f"/usr/lib/ipsec/charon")
        self.proc = self.topo.helper('wan', ['unshare', '-m', 'sh', '-c',
                                             script])
        for _ in range(50):
            if os.path.exists(os.path.join(self.dir, 'run',
                                           'charon.vici')):
                break
            time.sleep(0.1)
        else:
            raise harness.HarnessError('charon: no vici socket')
        cp = self.sh(f"swanctl --load-all --file '{self.swanctl}'")
        if cp.returncode != 0:
            raise harness.HarnessError('swanctl --load-all: ' + cp.stdout
                                       + cp.stderr)

    def initiate(self, timeout=15):
        return self.sh(f'swanctl --initiate --child net --timeout '
                       f'{timeout}', timeout=timeout + 5)

    def logtext(self):
        try:
            with open(self.log, encoding='utf-8', errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def wait_log(self, pattern, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.logtext()):
                return True
            time.sleep(0.2)
        return False


def fail(topo, charon, msg):
    print('FAIL:', msg)
    if charon is not None:
        print('--- charon log (tail) ---')
        print('\n'.join(charon.logtext().splitlines()[-40:]))
    print('--- mifgw stderr (tail) ---')
    print('\n'.join(topo.stderr().splitlines()[-40:]))
    sys.exit(1)


def counters(topo):
    topo.proc.send_signal(harness.signal.SIGUSR1)
    time.sleep(0.5)
    return harness.parse_counters(topo.stdout())


def ike_lines(c, key):
    return c['other'].get(key, []) if c else []


def ike_value(c, name):
    for line in ike_lines(c, 'ike'):
        f = line.split()
        if f[0] == name:
            return int(f[1])
    return None


def sa_packets(c):
    """{sa name: packets} of the Child SA entries mifgw installed."""
    out = {}
    for line in ike_lines(c, 'sa'):
        f = line.split()
        if len(f) == 3 and f[1] == 'packets' and f[0].startswith('user1-'):
            out[f[0]] = int(f[2])
    return out


def make_topo(mifgw, **ike):
    topo = harness.Topology(
        mifgw, routes=[{'prefix': '10.9.0.0/24', 'via': USER,
                        'port': 'wan'}],
        client_extra={'wan': [(INNER + '/32', 'lo')]})
    gw = topo.gw
    orig = gw.write_config

    def write_config():
        orig()
        with open(gw.cfg_path, 'a', encoding='ascii') as f:
            f.write(ike_section(**ike))
    gw.write_config = write_config
    return topo


def traffic(topo, charon):
    """Ping and a TCP transfer from the user's inner address to the
    server, through the negotiated SAs."""
    cp = topo.client('wan', ['ping', '-n', '-c', '5', '-i', '0.2', '-W',
                             '2', '-I', INNER, SERVER], check=False,
                     timeout=30)
    if ' 5 received' not in cp.stdout:
        fail(topo, charon, 'ping through the tunnel: ' + cp.stdout)
    srv = topo.helper('lan', [harness.PYTHON, os.path.join(harness.HERE,
                      'xfer.py'), 'serve', '--bind', SERVER, '--port',
                      '5201', '--timeout', '20'])
    time.sleep(0.5)
    cp = topo.python('wan', 'xfer.py', ['send', '--dst', SERVER, '--port',
                     5201, '--bytes', 2000000, '--timeout', 20],
                     timeout=40, check=False)
    out, _ = srv.communicate(timeout=30)
    try:
        got = json.loads(out.strip().splitlines()[-1])
        sent = json.loads(cp.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        got = sent = None
    if cp.returncode != 0 or not got or got != {**got, **{
            'bytes': sent['bytes'], 'sha256': sent['sha256']}} or \
            got['bytes'] != 2000000:
        fail(topo, charon, f'TCP transfer: {cp.stdout} {cp.stderr} / {out}')
    print('ping 5/5 and a 2 MB TCP transfer through the Child SA')


def check_installed(topo, charon, want=1):
    c = counters(topo)
    children = ike_lines(c, 'ike_child')
    inst = [x for x in children if x.endswith('installed') and
            'NOT' not in x]
    if len(inst) != want:
        fail(topo, charon, f'expected {want} installed Child SAs, '
             f'counters show {children}')
    return c


def sc_responder(mifgw):
    with make_topo(mifgw) as topo:
        ch = Charon(topo)
        ch.start()
        cp = ch.initiate()
        if cp.returncode != 0:
            fail(topo, ch, 'swanctl --initiate failed')
        check_installed(topo, ch)
        traffic(topo, ch)
        c = counters(topo)
        pk = sa_packets(c)
        if len(pk) != 2 or min(pk.values()) < 5:
            fail(topo, ch, f'SA packet counters {pk}')
        print('mifgw SA counters:', pk)
        # Delete from charon's side: the SAs leave the dataplane.
        ch.sh('swanctl --terminate --ike gw --timeout 10', timeout=20)
        time.sleep(1)
        c = counters(topo)
        if ike_lines(c, 'ike_child') or sa_packets(c) or \
                ike_value(c, 'sa_down') != 1:
            fail(topo, ch, 'after the delete: ' + str(c['other']))
        cp = topo.client('wan', ['ping', '-n', '-c', '2', '-W', '1', '-I',
                                 INNER, SERVER], check=False, timeout=20)
        print('charon deleted the IKE SA; mifgw removed both SAs')


def sc_responder_v6(mifgw):
    """charon initiates over IPv6 outer addresses (IPv4 inside)."""
    with make_topo(mifgw, gw=GW6, user=USER6) as topo:
        ch = Charon(topo, gw=GW6, user=USER6)
        ch.start()
        if ch.initiate().returncode != 0:
            fail(topo, ch, 'swanctl --initiate failed over IPv6')
        check_installed(topo, ch)
        traffic(topo, ch)
        print('IKE and ESP over IPv6 outer addresses')


def sc_initiator(mifgw):
    with make_topo(mifgw, initiate=True) as topo:
        ch = Charon(topo)
        ch.start()
        if not ch.wait_log(r'CHILD_SA net\{\d+\} established', 20):
            fail(topo, ch, 'mifgw did not bring up the Child SA')
        check_installed(topo, ch)
        traffic(topo, ch)
        print('mifgw initiated; charon established IKE and Child SA')


def sc_rekey(mifgw):
    """mifgw rekeys the Child SA (lifetime 12 s) under a continuous
    ping, then deletes the old pair: no loss."""
    with make_topo(mifgw, initiate=True, child_life=12) as topo:
        ch = Charon(topo)
        ch.start()
        if not ch.wait_log(r'CHILD_SA net\{\d+\} established', 20):
            fail(topo, ch, 'no Child SA')
        cp = topo.client('wan', ['ping', '-n', '-c', '100', '-i', '0.2',
                                 '-W', '2', '-I', INNER, SERVER],
                         check=False, timeout=60)
        m = re.search(r'(\d+) received', cp.stdout)
        got = int(m.group(1)) if m else 0
        c = counters(topo)
        if ike_value(c, 'rekey_child') is None or \
                ike_value(c, 'rekey_child') < 1:
            fail(topo, ch, 'no Child SA rekey happened')
        if got != 100:
            fail(topo, ch, f'{100 - got} of 100 pings lost across the '
                 'rekey')
        check_installed(topo, ch, 1)
        print(f'{ike_value(c, "rekey_child")} Child SA rekeys under ping,'
              ' 100/100 replies')


def sc_peer_rekey(mifgw):
    """charon rekeys the Child SA (every 6 s) and the IKE SA (after
    11 s) under a continuous ping: mifgw answers both, the Child SAs
    move to the new IKE SA, and no reply is lost."""
    with make_topo(mifgw) as topo:
        ch = Charon(topo, child_rekey='6s', ike_rekey='11s')
        ch.start()
        if ch.initiate().returncode != 0:
            fail(topo, ch, 'swanctl --initiate failed')
        cp = topo.client('wan', ['ping', '-n', '-c', '100', '-i', '0.2',
                                 '-W', '2', '-I', INNER, SERVER],
                         check=False, timeout=60)
        m = re.search(r'(\d+) received', cp.stdout)
        got = int(m.group(1)) if m else 0
        time.sleep(1)
        c = counters(topo)
        if (ike_value(c, 'rekey_child') or 0) < 1 or \
                (ike_value(c, 'rekey_ike') or 0) < 1:
            fail(topo, ch, 'charon did not rekey both: ' +
                 str(ike_lines(c, 'ike')))
        if not ch.wait_log(r'IKE_SA gw\[\d+\] rekeyed', 1):
            fail(topo, ch, 'charon did not complete the IKE rekey')
        sas = [x for x in ike_lines(c, 'ike_sa') if 'ESTABLISHED' in x]
        if len(sas) != 1:
            fail(topo, ch, f'IKE SAs after the rekey: {sas}')
        if got != 100:
            fail(topo, ch, f'{100 - got} of 100 pings lost across the '
                 'rekeys')
        check_installed(topo, ch, 1)
        print(f'charon rekeyed {ike_value(c, "rekey_child")} Child SAs '
              f'and {ike_value(c, "rekey_ike")} IKE SA under ping, '
              '100/100 replies')


# The daemon's bucket for lines an unauthenticated packet can cause
# (ike_daemon.c UNAUTH_LOG_RATE/BURST).
UNAUTH_RATE = 5
UNAUTH_BURST = 10
UNAUTH_RE = re.compile(r'IKE_SA_INIT from|IKE_AUTH from|'
                       r'message dropped|does not verify')


def unauth_lines(topo):
    return sum(1 for x in topo.stderr().splitlines() if UNAUTH_RE.search(x))


def check_log_bound(topo, seconds, what):
    """Under a flood the log grows by at most the bucket's burst plus
    its rate over the flood's duration (a little slack for the clock)."""
    n = unauth_lines(topo)
    bound = UNAUTH_BURST + UNAUTH_RATE * (seconds + 2)
    if n > bound:
        fail(topo, None, f'{what}: {n} log lines about unauthenticated '
             f'messages in {seconds:.1f}s, bound {bound}')
    print(f'{what}: {n} log lines about unauthenticated messages '
          f'(bound {bound:.0f})')
    return n


def sc_cookies(mifgw):
    """A flood of 300 IKE_SA_INIT from the user's namespace: past 8
    half-open SAs mifgw answers with cookies only, the half-open count
    stays bounded, and charon (which returns the cookie) still gets
    its SAs and traffic through."""
    with make_topo(mifgw) as topo:
        t0 = time.monotonic()
        cp = topo.python('wan', 'ike_flood.py', [GW, 300], timeout=60)
        res = json.loads(cp.stdout.strip().splitlines()[-1])
        check_log_bound(topo, time.monotonic() - t0, 'cookies')
        c = counters(topo)
        half = ike_value(c, 'half_open')
        if res['cookies'] < 200 or ike_value(c, 'cookie_sent') < 200:
            fail(topo, None, f'flood {res}, counters '
                 f'{ike_lines(c, "ike")}')
        if half is None or half > 32:
            fail(topo, None, f'{half} half-open SAs after the flood')
        ch = Charon(topo)
        ch.start()
        if ch.initiate().returncode != 0:
            fail(topo, ch, 'charon could not connect during cookies')
        if not re.search(r'received COOKIE', ch.logtext(), re.I) and \
                not re.search(r'COOKIE', ch.logtext()):
            fail(topo, ch, 'charon was not asked for a cookie')
        check_installed(topo, ch)
        traffic(topo, ch)
        print(f'flood: {res["sent"]} sent, {res["cookies"]} cookie '
              f'answers; {half} half-open kept; charon got through')


def sc_garbage(mifgw):
    """600 damaged IKE messages to ports 500 and 4500: counted as bad,
    no SA is created, and charon connects afterwards."""
    with make_topo(mifgw) as topo:
        t0 = time.monotonic()
        topo.python('wan', 'ike_flood.py', [GW, 600, 'garbage'],
                    timeout=60)
        check_log_bound(topo, time.monotonic() - t0, 'garbage')
        c = counters(topo)
        if (ike_value(c, 'rx_bad') or 0) < 300 or ike_lines(c, 'ike_sa'):
            fail(topo, None, 'after garbage: ' + str(ike_lines(c, 'ike')))
        ch = Charon(topo)
        ch.start()
        if ch.initiate().returncode != 0:
            fail(topo, ch, 'charon could not connect after the garbage')
        check_installed(topo, ch)
        print(f'{ike_value(c, "rx_bad")} of 600 damaged messages counted '
              'as bad, no SA made; charon then connected')


def sc_dp_rekey(mifgw):
    """The workers' soft packet limit (60 packets) raises an event that
    makes the daemon rekey the Child SA, under ping, without loss."""
    with make_topo(mifgw, initiate=True, rekey_packets=60) as topo:
        ch = Charon(topo)
        ch.start()
        if not ch.wait_log(r'CHILD_SA net\{\d+\} established', 20):
            fail(topo, ch, 'no Child SA')
        cp = topo.client('wan', ['ping', '-n', '-c', '100', '-i', '0.1',
                                 '-W', '2', '-I', INNER, SERVER],
                         check=False, timeout=60)
        m = re.search(r'(\d+) received', cp.stdout)
        got = int(m.group(1)) if m else 0
        time.sleep(1)
        c = counters(topo)
        if (ike_value(c, 'dp_event') or 0) < 1 or \
                (ike_value(c, 'rekey_child') or 0) < 1:
            fail(topo, ch, 'no rekey from a dataplane event: ' +
                 str(ike_lines(c, 'ike')))
        if got != 100:
            fail(topo, ch, f'{100 - got} of 100 pings lost')
        if not ch.wait_log(r'received DELETE for ESP CHILD_SA', 1):
            fail(topo, ch, 'charon never got our Delete of the old pair')
        print(f'{ike_value(c, "dp_event")} dataplane events, '
              f'{ike_value(c, "rekey_child")} rekeys, 100/100 replies; '
              'charon took our Delete of the old pairs')


def expect_fail(mifgw, ch_kw, mif_log, charon_log, what, ike_kw=None):
    with make_topo(mifgw, **(ike_kw or {})) as topo:
        bad = Charon(topo, **ch_kw)
        bad.start()
        bad.initiate(timeout=8)
        if not bad.wait_log(charon_log, 10):
            fail(topo, bad, f'{what}: charon did not log {charon_log}')
        if not re.search(mif_log, topo.stderr()):
            fail(topo, bad, f'{what}: mifgw did not log {mif_log}')
        # The daemon goes on: a good peer still gets through.
        bad.sh('swanctl --load-all --file /dev/null')
        if not topo.alive():
            fail(topo, bad, 'mifgw died')
        print(f'{what}: refused as expected, mifgw logged it')
        return topo


def sc_badpsk(mifgw):
    expect_fail(mifgw, {'psk': 'a-completely-different-psk'},
                r'PSK AUTH does not verify: AUTHENTICATION_FAILED',
                r'received AUTHENTICATION_FAILED', 'wrong PSK')


def sc_unknown_id(mifgw):
    expect_fail(mifgw, {'local_id': 'stranger@example.org'},
                r'identity "stranger@example.org" matches no configured '
                r'peer', r'received AUTHENTICATION_FAILED',
                'unknown identity')


def sc_no_proposal(mifgw):
    expect_fail(mifgw, {'proposals': 'aes128-sha1-modp3072'},
                r'no proposal in common, answered NO_PROPOSAL_CHOSEN',
                r'received NO_PROPOSAL_CHOSEN', 'no common proposal')


def sc_log_flood(mifgw):
    """300 IKE_SA_INIT whose proposal mifgw does not accept: each is
    answered NO_PROPOSAL_CHOSEN and counted, but the NOTICE line about
    it goes through the token bucket; the number suppressed is counted
    and reported in one line."""
    with make_topo(mifgw, proposals=['aes128-sha256-modp2048']) as topo:
        t0 = time.monotonic()
        topo.python('wan', 'ike_flood.py', [GW, 300], timeout=60)
        dur = time.monotonic() - t0
        n = check_log_bound(topo, dur, 'log_flood')
        time.sleep(1)
        c = counters(topo)
        sup = ike_value(c, 'log_suppressed') or 0
        if (ike_value(c, 'no_proposal') or 0) < 300 or sup < 100 or \
                n + sup < 300:
            fail(topo, None, f'{n} lines, counters {ike_lines(c, "ike")}')
        m = re.findall(r'(\d+) log lines about unauthenticated IKE '
                       r'messages suppressed', topo.stderr())
        # One report a second at most (+1 for the one after the pause).
        if not m or sum(int(x) for x in m) != sup or len(m) > dur + 3:
            fail(topo, None, f'suppressed reports {m}, counter {sup}')
        print(f'300 refused requests: {n} lines logged, {sup} suppressed '
              f'and reported in {len(m)} lines')


def cli(topo, cmd):
    """One CLI command through nc in the gateway's namespace (the
    server's telnet option bytes are not UTF-8: decoded leniently)."""
    cp = subprocess.run(['ip', 'netns', 'exec', topo.ns['gw'], 'nc', '-q',
                         '3', '-w', '10', '127.0.0.1', '2323'],
                        input=f'{cmd}\nexit\n'.encode(),
                        capture_output=True, timeout=20, check=False)
    return cp.stdout.decode('utf-8', 'replace')


def sc_cli(mifgw):
    """initiate = false: the operator starts the SA with `ike initiate`,
    traffic passes, `ike rekey` makes a new Child SA and `ike terminate`
    removes everything from the dataplane."""
    with make_topo(mifgw, remote=USER) as topo:
        ch = Charon(topo)
        ch.start()
        time.sleep(3)
        c = counters(topo)
        if ike_lines(c, 'ike_child') or ike_value(c, 'tx'):
            fail(topo, ch, 'mifgw initiated without being asked')
        out = cli(topo, 'ike initiate nosuch')
        if 'no IKE peer "nosuch"' not in out:
            fail(topo, ch, 'unknown peer: ' + out)
        out = cli(topo, 'ike initiate user1')
        if 'IKE_SA_INIT sent' not in out:
            fail(topo, ch, 'ike initiate: ' + out)
        if not ch.wait_log(r'CHILD_SA net\{\d+\} established', 20):
            fail(topo, ch, 'no Child SA after ike initiate')
        out = cli(topo, 'ike initiate user1')
        if 'already has an IKE SA' not in out:
            fail(topo, ch, 'second ike initiate: ' + out)
        check_installed(topo, ch)
        traffic(topo, ch)
        out = cli(topo, 'ike rekey user1 child')
        if '1 Child SA rekeys started' not in out:
            fail(topo, ch, 'ike rekey: ' + out)
        time.sleep(2)
        c = check_installed(topo, ch)
        if ike_value(c, 'rekey_child') != 1:
            fail(topo, ch, 'rekey not counted: ' + str(ike_lines(c, 'ike')))
        out = cli(topo, 'ike terminate user1')
        if '1 IKE SAs terminated' not in out:
            fail(topo, ch, 'ike terminate: ' + out)
        time.sleep(2)
        c = counters(topo)
        if ike_lines(c, 'ike_child') or ike_lines(c, 'ike_sa') or \
                sa_packets(c) or ike_value(c, 'sa_down') != 1:
            fail(topo, ch, 'after ike terminate: ' + str(c['other']))
        if not ch.wait_log(r'received DELETE for IKE_SA', 5):
            fail(topo, ch, 'charon did not get the Delete')
        print('ike initiate / rekey child / terminate through the CLI')


SCENARIOS = {
    'responder': sc_responder,
    'responder_v6': sc_responder_v6,
    'initiator': sc_initiator,
    'rekey': sc_rekey,
    'dp_rekey': sc_dp_rekey,
    'peer_rekey': sc_peer_rekey,
    'cookies': sc_cookies,
    'garbage': sc_garbage,
    'badpsk': sc_badpsk,
    'unknown_id': sc_unknown_id,
    'no_proposal': sc_no_proposal,
    'log_flood': sc_log_flood,
    'cli': sc_cli,
}


def main():
    if sys.argv[1:] == ['--list']:
        print('\n'.join(SCENARIOS))
        return 0
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        print(__doc__)
        return 2
    SCENARIOS[sys.argv[2]](sys.argv[1])
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
