#!/bin/sh
# SPDX-License-Identifier: MIT
# The pull-request check: the performance suite of a base revision and of this working tree,
# run in alternation on this machine and judged on paired ratios (vitals_bench --paired).
#
#   scripts/bench-compare.sh [vitals_bench options...]      (make bench-compare BASE=rev)
#
# BASE             the base revision (default: the merge base of HEAD with main, or
#                  origin/main); BASE=HEAD compares the tree with its own last commit
# HEAD_BUILD       the Release tree of this working tree (default build/release)
# COMPARE_DIR      cached base trees and the reports (default build/compare)
# COMPARE_BUDGET   seconds of measurement at most (default: what is left of 9.5 minutes
#                  after the builds, at least 120; 0: no budget)
#
# The base revision is checked out as a git worktree and built once per commit, under
# COMPARE_DIR/<commit>/; later comparisons reuse it. Reports: COMPARE_DIR/report.md (the pull
# request comment), report.json, report.html. Exit status: 0 no regression, 1 a regression or a
# benchmark that head broke, 2 usage error, 3 the harness or a build failed.
set -eu

head_build="${HEAD_BUILD:-build/release}"
dir="${COMPARE_DIR:-build/compare}"
budget="${COMPARE_BUDGET:-}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

say() { echo "bench-compare: $*" >&2; }

if ! git rev-parse --git-dir >/dev/null 2>&1; then
    say "not in a git repository"
    exit 2
fi
base="${BASE:-}"
if [ -z "$base" ]; then
    for ref in main origin/main; do
        if git rev-parse --verify -q "$ref^{commit}" >/dev/null; then
            base=$(git merge-base HEAD "$ref")
            break
        fi
    done
fi
if [ -z "$base" ]; then
    say "no main branch to take the merge base with; set BASE=<revision>"
    exit 2
fi
if ! sha=$(git rev-parse --verify -q "$base^{commit}"); then
    say "BASE=$base is not a revision of this repository"
    exit 2
fi
short=$(printf '%.12s' "$sha")
src="$dir/$short/src"
bld="$dir/$short/build"
base_suite="$bld/tests/perf/vitals_bench"

start=$(date +%s)
mkdir -p "$dir"
if [ ! -x "$base_suite" ] || [ ! -f "$dir/$short/built" ]; then
    say "building base $short in $src"
    if [ ! -d "$src" ]; then
        git worktree prune
        git worktree add --detach --force "$src" "$sha" >/dev/null 2>&1
    fi
    cmake -S "$src" -B "$bld" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$bld" --target vitals_bench -j "$jobs" >/dev/null
    touch "$dir/$short/built"
fi
say "building head (this working tree) in $head_build"
cmake -S . -B "$head_build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$head_build" --target vitals_bench -j "$jobs" >/dev/null
built=$(date +%s)
say "builds took $((built - start)) s; comparing base $short with head"
# Both builds read the same generated inputs, this tree's (unless VITALS_PERF_CACHE says
# otherwise): the two sides of a pair must not differ by how much of their own copy of an
# input the page cache still holds (tests/perf/perf_inputs.c, warm()), and the base's build
# does not generate its own 2.7 GB of them.
VITALS_PERF_CACHE="${VITALS_PERF_CACHE:-$(cd "$head_build" && pwd)/perf-inputs}"
export VITALS_PERF_CACHE

# Unless COMPARE_BUDGET says otherwise, measure for what is left of 9.5 minutes after the
# builds (at least 2 minutes), so that a comparison from a clean checkout ends within 10.
if [ -z "${COMPARE_BUDGET:-}" ]; then
    budget=$((570 - (built - start)))
    [ "$budget" -ge 120 ] || budget=120
fi
set +e
"$head_build/tests/perf/vitals_bench" --paired "$base_suite" --time-budget "$budget" \
    --markdown "$dir/report.md" --json "$dir/report.json" --html "$dir/report.html" "$@"
code=$?
set -e
say "done in $(($(date +%s) - start)) s (exit $code)"
exit $code
