#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What "make demo" runs once deps, hugepages and the build are done:
# scripts/demo.py with the freshly built mifgw.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${BUILD:-build}/control/mifgw
if [ ! -x "$bin" ]; then
	echo "demo: $bin not built; run 'make build' first" >&2
	exit 1
fi
exec /usr/bin/python3 scripts/demo.py "$bin"
