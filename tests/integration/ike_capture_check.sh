#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Capture a fresh IKE_SA_INIT from the installed strongSwan and check
# that the IKE parser accepts it (interop of the wire format, each run).
# Usage: ike_capture_check.sh CAPTURE_SCRIPT TEST_IKE_MSG
set -eu
out=$(mktemp /tmp/ikecap.XXXXXX)
trap 'rm -f "$out" "$out.bin"' EXIT
"$1" "$out.bin"
"$2" "$out.bin"
