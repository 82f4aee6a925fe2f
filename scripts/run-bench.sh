#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the performance suite of a Release build tree and writes its reports:
#   scripts/run-bench.sh BUILD_DIR [vitals_bench options...]
# Results go to build/bench/: results.json (pytest-benchmark schema), results.gbench.json
# (Google Benchmark schema), results.csv, report.md.
set -eu
build=$1; shift
suite="$build/tests/perf/vitals_bench"
out="${VITALS_BENCH_OUT:-build/bench}"
if [ ! -x "$suite" ]; then
    echo "run-bench: $suite is not built" >&2
    exit 3
fi
mkdir -p "$out"
exec "$suite" \
    --json "$out/results.json" \
    --gbench-json "$out/results.gbench.json" \
    --csv "$out/results.csv" \
    --markdown "$out/report.md" \
    "$@"
