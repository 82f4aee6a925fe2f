#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each libFuzzer target of a VITALS_FUZZ build for SECONDS: run-fuzz.sh BUILD SECONDS [TARGET...]
# New inputs go to BUILD/corpus/<target> (the seeds in tests/fuzz/corpus stay as they are),
# crashes to BUILD/artifacts/<target>/. Exits non-zero when any target found a crash.
set -u
build=$1
seconds=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)/tests/fuzz
[ $# -gt 0 ] || set -- reader_xml reader_zip time time_of_day baseline xml_differential
status=0
for t in "$@"; do
  exe=$build/tests/fuzz/fuzz_$t
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  dict=
  [ -f "$src/$t.dict" ] && dict="-dict=$src/$t.dict"
  echo "== fuzz_$t for ${seconds}s (log: $build/fuzz_$t.log)"
  # shellcheck disable=SC2086
  if ! "$exe" -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 -timeout=25 \
         -rss_limit_mb=2048 $dict -artifact_prefix="$build/artifacts/$t/" \
         "$build/corpus/$t" "$src/corpus/$t" >"$build/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t: CRASH, see $build/fuzz_$t.log and $build/artifacts/$t/"
    status=1
  fi
  grep -E '^stat::|^Done|^#[0-9]+.*DONE' "$build/fuzz_$t.log" | tail -n 8
done
exit $status
