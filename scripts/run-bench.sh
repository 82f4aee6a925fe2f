#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the performance suite of a Release build tree: scripts/run-bench.sh BUILD_DIR [ARGS...]
set -eu
build=$1; shift
out="$build/../bench"
mkdir -p "$out"
found=0
for b in "$build"/tests/perf/bench_*; do
    [ -x "$b" ] || continue
    found=1
    "$b" "$@"
done
if [ "$found" -eq 0 ]; then
    echo "run-bench: no performance suite built yet" >&2
fi
