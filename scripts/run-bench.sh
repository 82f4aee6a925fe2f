#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the performance suite of a Release build tree with the regression gate and writes its
# reports:  scripts/run-bench.sh BUILD_DIR [vitals_bench options...]
# Results go to build/bench/ (VITALS_BENCH_OUT moves them): results.json (pytest-benchmark
# schema), results.gbench.json (Google Benchmark schema), results.csv, report.md, report.svg,
# report.html. The baseline is benchmarks/baseline.json (VITALS_BASELINE moves it); each
# benchmark runs in VITALS_BENCH_REPETITIONS processes (3).
# Exit status: 0 every benchmark within its thresholds, 1 a threshold or check failed,
# 2 usage error, 3 a crash or timeout.
set -eu
build=$1; shift
suite="$build/tests/perf/vitals_bench"
out="${VITALS_BENCH_OUT:-build/bench}"
baseline="${VITALS_BASELINE:-benchmarks/baseline.json}"
if [ ! -x "$suite" ]; then
    echo "run-bench: $suite is not built" >&2
    exit 3
fi
mkdir -p "$out"
# Three processes per benchmark: the gate tests the medians of processes (rounds of one process
# share its moment of the machine), and three against a baseline of four runs or more can reach
# p < 0.01.
exec "$suite" \
    --gate --baseline "$baseline" --repetitions "${VITALS_BENCH_REPETITIONS:-3}" \
    --json "$out/results.json" \
    --gbench-json "$out/results.gbench.json" \
    --csv "$out/results.csv" \
    --markdown "$out/report.md" \
    --svg "$out/report.svg" \
    --html "$out/report.html" \
    "$@"
