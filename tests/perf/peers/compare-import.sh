#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs `vitals import` (2 threads, then 1) and the Python peer on the same generated exports,
# alternately, N runs each, with wall time and peak RSS from /usr/bin/time. The figures of
# docs/architecture.md ("Speed and memory") come from this script.
# usage: tests/perf/peers/compare-import.sh VITALS [RUNS] [SIZES]   e.g. build/programs/vitals 3 "10M 100M 1G"
set -eu
vitals=$1
runs=${2:-3}
sizes=${3:-"10M 100M 1G"}
peer=$(dirname "$0")/healthkit_import.py
dir=${TMPDIR:-/tmp}/vitals-compare-import
mkdir -p "$dir"
for size in $sizes; do
    xml=$dir/export-$size.xml
    [ -f "$xml" ] || "$vitals" generate -o "$xml" --size "$size"
    i=1
    while [ "$i" -le "$runs" ]; do
        for t in 2 1; do
            rm -f "$dir/v.db" "$dir/v.db-wal" "$dir/v.db-shm"
            /usr/bin/time -f "$size run $i vitals --threads $t: %e s, peak RSS %M kB" \
                "$vitals" import "$xml" --db "$dir/v.db" --threads "$t" --quiet
        done
        rm -f "$dir/p.db" "$dir/p.db-wal" "$dir/p.db-shm"
        /usr/bin/time -f "$size run $i python peer: %e s, peak RSS %M kB" \
            /usr/bin/python3 "$peer" "$xml" "$dir/p.db" >/dev/null
        i=$((i + 1))
    done
done 2>&1
