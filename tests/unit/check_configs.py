#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run `mifgw -- -f FILE --check` on every tests/configs/*.cfg and on the
shipped config/*.cfg examples.

good_*.cfg and config/*.cfg must exit 0. Every other file must exit 1 and
print, as one whole line on stderr, the text after "# expect: " on its
first line. Paths are given relative to the source root (the working
directory), as in the expect lines. --check must not initialise the EAL,
so no "EAL:" line may appear in the output.

usage: check_configs.py MIFGW CONFIG_DIR
"""
import os
import subprocess
import sys

EXPECT = '# expect: '


def expected_line(path):
    with open(path, encoding='utf-8') as f:
        first = f.readline().rstrip('\n')
    if not first.startswith(EXPECT):
        return None
    return first[len(EXPECT):]


def check(mifgw, root, rel):
    try:
        p = subprocess.run([mifgw, '--', '-f', rel, '--check'], cwd=root,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return 'no exit within 30 s'
    # --check returns before rte_eal_init(): no EAL line may appear.
    if 'EAL:' in p.stdout + p.stderr:
        return 'EAL was initialised by --check:\n%s' % (p.stdout + p.stderr)
    good = os.path.basename(rel).startswith('good_') or \
        rel.startswith('config' + os.sep)
    if good:
        if p.returncode != 0:
            return 'exit %d, want 0; stderr:\n%s' % (p.returncode, p.stderr)
        return None
    want = expected_line(os.path.join(root, rel))
    if want is None:
        return 'first line is not "%s..."' % EXPECT
    if p.returncode != 1:
        return 'exit %d, want 1; stderr:\n%s' % (p.returncode, p.stderr)
    if want not in p.stderr.splitlines():
        return 'stderr lacks the line\n  %s\ngot:\n%s' % (want, p.stderr)
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    mifgw = os.path.abspath(sys.argv[1])
    cfgdir = os.path.abspath(sys.argv[2])
    root = os.path.dirname(os.path.dirname(cfgdir))
    files = sorted(os.path.join(os.path.relpath(cfgdir, root), f)
                   for f in os.listdir(cfgdir) if f.endswith('.cfg'))
    examples = os.path.join(root, 'config')
    if os.path.isdir(examples):
        files += sorted(os.path.join('config', f)
                        for f in os.listdir(examples) if f.endswith('.cfg'))
    failed = 0
    for rel in files:
        why = check(mifgw, root, rel)
        print('%-4s %s' % ('ok' if why is None else 'FAIL', rel))
        if why is not None:
            print('     ' + why.replace('\n', '\n     '))
            failed += 1
    n_bad = sum(1 for f in files if not os.path.basename(f).startswith('good_')
                and not f.startswith('config' + os.sep))
    print('%d files, %d broken ones, %d failed' % (len(files), n_bad, failed))
    if n_bad < 12:
        print('fewer than 12 broken examples')
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
