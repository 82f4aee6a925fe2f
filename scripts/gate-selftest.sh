#!/bin/sh
# SPDX-License-Identifier: MIT
# The regression gate's proof on the real suite: slowdowns planted in real code paths of
# libvitals (tests/perf/mutants/, patches applied to scratch copies, never to the shipped
# library), judged by the paired comparison against the unchanged build, beside unchanged
# comparisons that must raise no alarm; optionally runs of the stored-baseline gate too.
#
#   scripts/gate-selftest.sh [options]
#     -u N         unchanged paired comparisons of the whole suite (default 20)
#     -t N         paired comparisons per mutant and strength (default 5)
#     -s N         runs of the stored-baseline gate (make bench's) (default 0)
#     -m LIST      only these mutants (comma-separated names of the manifest)
#     -k LEVELS    only these strengths (comma-separated, of 1.10 and 1.25)
#     -b SECONDS   the time budget of each paired comparison (default 570, as make bench-compare
#                  with no build to do): no pair starts that would end past it; undecided is
#                  inconclusive
#     --load       keep one core busy with another process for the whole run (yes > /dev/null),
#                  as on a shared CI runner
#     -o DIR       where builds, runs and the summary go (default build/gate-selftest)
#     -r N         number this run's rounds from N (default 1): more runs into a DIR that holds
#                  earlier ones, without overwriting them (the summary covers every run there)
#     -h           this help
#
# The manifest (tests/perf/mutants/manifest) lists each mutant: its patch, the benchmarks whose
# code path it slows (the targets), and the strength knob (the environment variable
# VITALS_MUTANT_WORK, read by the mutant at run time, so one build per mutant serves every
# strength) that plants about 1.10x and 1.25x on them. The summary (DIR/summary.md) gives the
# false alarms of the unchanged comparisons, the detections per mutant and strength, and the
# slowdown each mutant really caused, measured from all its pairs. Exit status: 0 when the
# acceptance holds (no false alarm, >= 95% of 1.10x and all 1.25x planted slowdowns detected),
# 1 when not, 2 usage error, 3 a build or run failed.
set -eu

unchanged=20
trials=5
stored=0
only=""
levels="1.10,1.25"
budget=570
load=0
out="build/gate-selftest"
first=1
while [ $# -gt 0 ]; do
    case "$1" in
    -u) unchanged=$2; shift 2 ;;
    -t) trials=$2; shift 2 ;;
    -s) stored=$2; shift 2 ;;
    -m) only=$2; shift 2 ;;
    -k) levels=$2; shift 2 ;;
    -b) budget=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -r) first=$2; shift 2 ;;
    --load) load=1; shift ;;
    -h | --help) sed -n '2,/^set -eu/{/^#/p;}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gate-selftest: unknown option $1 (try -h)" >&2; exit 2 ;;
    esac
done
for n in "$unchanged" "$trials" "$stored" "$budget" "$first"; do
    case "$n" in '' | *[!0-9]*) echo "gate-selftest: counts are whole numbers" >&2; exit 2 ;; esac
done
if [ "$first" -lt 1 ]; then
    echo "gate-selftest: -r counts from 1" >&2
    exit 2
fi

root=$(git rev-parse --show-toplevel)
cd "$root"
manifest=tests/perf/mutants/manifest
jobs=$(nproc 2>/dev/null || echo 2)
sha=$(git rev-parse HEAD)
short=$(printf '%.12s' "$sha")
code=$(git ls-tree -r HEAD | grep -v -e '	docs/' -e '	scripts/' -e '	tests/perf/mutants/' \
    -e '\.md$' | md5sum | cut -c1-12)
mkdir -p "$out/runs"
log="$out/selftest.log"
: >"$log"
say() { echo "gate-selftest: $*" | tee -a "$log" >&2; }
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    say "note: the working tree has uncommitted changes; the builds are of HEAD ($short)"
fi

# A Release build of HEAD, plus the patch of a mutant when given, in DIR.
build() { # build DIR [PATCH]
    dir=$1
    # The stamp names the content of what is compiled (not the commit: a change to the docs,
    # the scripts or the manifest reuses the builds), and for a mutant its patch.
    stamp="built-$code"
    if [ $# -ge 2 ]; then
        stamp="$stamp-$(md5sum <"$root/$2" | cut -c1-12)"
    fi
    if [ -x "$dir/build/tests/perf/vitals_bench" ] && [ -f "$dir/$stamp" ]; then
        return 0
    fi
    rm -rf "$dir"
    git worktree prune
    git worktree add --detach --force "$dir/src" "$sha" >/dev/null 2>&1
    if [ $# -ge 2 ]; then
        if ! git -C "$dir/src" apply "$root/$2"; then
            say "$2 no longer applies to $short: update the mutant"
            exit 3
        fi
    fi
    cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release >>"$log" 2>&1
    cmake --build "$dir/build" --target vitals_bench -j "$jobs" >>"$log" 2>&1 || {
        say "the build in $dir failed (see $log)"
        exit 3
    }
    touch "$dir/$stamp"
}

say "building the base, the unchanged copy and the mutants of $short"
build "$out/base"
build "$out/same"
base="$out/base/build/tests/perf/vitals_bench"
# Every build reads the same generated inputs, the base's (unless VITALS_PERF_CACHE says
# otherwise): the two sides of a pair must not differ by how much of their own copy of an
# input the page cache still holds (tests/perf/perf_inputs.c, warm()).
VITALS_PERF_CACHE="${VITALS_PERF_CACHE:-$(cd "$out/base/build" && pwd)/perf-inputs}"
export VITALS_PERF_CACHE
mutants="$out/mutants.list"
: >"$mutants"
while IFS=';' read -r name patch targets k110 k125 what; do
    case "$name" in '' | '#'*) continue ;; esac
    if [ -n "$only" ] && ! printf ',%s,' "$only" | grep -q ",$name,"; then
        continue
    fi
    for level in $(echo "$levels" | tr ',' ' '); do
        case "$level" in 1.10) knob=$k110 ;; 1.25) knob=$k125 ;; *) say "strength $level?"; exit 2 ;; esac
        build "$out/mutants/$name" "$patch"
        echo "$name;$level;$knob;$targets" >>"$mutants"
    done
done <"$manifest"

hog=""
child=""
# Stops a process and its descendants (their children first).
kill_tree() {
    if command -v pgrep >/dev/null 2>&1; then
        for c in $(pgrep -P "$1"); do
            kill_tree "$c"
        done
    fi
    kill "$1" 2>/dev/null || true
}
cleanup() {
    if [ -n "$child" ]; then
        kill_tree "$child"
    fi
    if [ -n "$hog" ]; then
        kill "$hog" 2>/dev/null || true
    fi
}
# Runs a command in the background and waits for it, with the command's exit status: the shell
# runs a trap only once its foreground command has ended, and `wait` returns at a signal.
run() {
    "$@" &
    child=$!
    wait "$child"
}
trap cleanup EXIT
# A signal ends the run (the EXIT trap stops the comparison running and the hog); without
# these the shell ran the cleanup and went on with the next comparison.
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "$load" = 1 ]; then
    yes >/dev/null &
    hog=$!
    say "one core kept busy by process $hog (yes > /dev/null)"
fi

# Mutant comparisons and unchanged ones interleaved, so that each kind sees the machine of
# every hour of the run.
start=$(date +%s)
max=$trials
[ "$unchanged" -gt "$max" ] && max=$unchanged
[ "$stored" -gt "$max" ] && max=$stored
# Round k of this run (1..max) writes the files of round first+k-1.
k=1
while [ "$k" -le "$max" ]; do
    round=$((first + k - 1))
    if [ "$k" -le "$trials" ]; then
        while IFS=';' read -r name level knob targets; do
            say "round $round: $name at $level (VITALS_MUTANT_WORK=$knob) on $targets"
            run env VITALS_MUTANT_WORK="$knob" "$out/mutants/$name/build/tests/perf/vitals_bench" \
                --paired "$base" --time-budget "$budget" \
                -k "$targets" --quiet --json "$out/runs/mutant-$name-$level-$round.json" \
                >>"$log" 2>&1 </dev/null || [ $? -eq 1 ] || say "the run failed (see $log)"
        done <"$mutants"
    fi
    if [ "$k" -le "$unchanged" ]; then
        say "round $round: unchanged, the whole suite"
        run "$out/same/build/tests/perf/vitals_bench" --paired "$base" --time-budget "$budget" --quiet \
            --json "$out/runs/unchanged-$round.json" >>"$log" 2>&1 </dev/null ||
            [ $? -eq 1 ] || say "the run failed (see $log)"
    fi
    if [ "$k" -le "$stored" ]; then
        say "round $round: the stored-baseline gate (make bench's run)"
        run env VITALS_BENCH_OUT="$out/runs/stored-$round" sh scripts/run-bench.sh "$out/same/build" \
            --quiet --gab-json "$out/runs/stored-$round/gab.json" \
            >"$out/runs/stored-$round.log" 2>&1 || true
    fi
    k=$((k + 1))
done
say "runs took $(($(date +%s) - start)) s"

python3 scripts/gate-selftest-summary.py "$out/runs" "$manifest" \
    --load "$load" --commit "$short" | tee "$out/summary.md"
