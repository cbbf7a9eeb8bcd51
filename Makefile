# SPDX-License-Identifier: BSD-3-Clause
#
# A thin front end: meson builds, scripts/ does the rest. "make demo" and
# "make test" work on a fresh Debian 12 machine as root: they install what
# is missing, reserve hugepages, build, then run.

BUILD ?= build
DEBUG_BUILD ?= build-debug
FUZZ_BUILD ?= build-fuzz

export BUILD DEBUG_BUILD FUZZ_BUILD

.NOTPARALLEL:
.PHONY: all deps hugepages build debug unit test demo bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

hugepages:
	@scripts/hugepages.sh

build: deps
	@scripts/build.sh release

debug: deps
	@scripts/build.sh debug

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

test: deps hugepages
	@scripts/run-tests.sh

demo: deps hugepages build
	@scripts/demo.sh

# Figures to docs/bench/ (CSV, text, PNG); BENCH_ARGS passes options to
# the driver, e.g. BENCH_ARGS="--workers 2 --seconds 10".
bench: deps hugepages build
	@/usr/bin/python3 scripts/bench/run.py --build $(BUILD) $(BENCH_ARGS)

# libFuzzer harnesses built by clang in $(FUZZ_BUILD), each run for
# FUZZ_SECONDS (default 600) in turn; FUZZ_HARNESSES picks some, e.g.
# "make fuzz FUZZ_SECONDS=60 FUZZ_HARNESSES='cfg spd'". docs/fuzzing.md.
fuzz: deps
	@scripts/fuzz.sh run $(FUZZ_HARNESSES)

clean:
	rm -rf $(BUILD) $(DEBUG_BUILD) $(FUZZ_BUILD)
