#!/bin/sh
# Side-by-side: 5 alternations. Overhead of an empty body and time to a result for ~1 us.
# Run from a scratch directory holding vb_selftest (build/tests/perf), gbench_peer and pytest_peer_one_us.py.
for i in 1 2 3 4 5; do
  ./vb_selftest -k harness/empty --quiet --json vb_empty.json >/dev/null
  vb=$(python3 -c "import json;print(json.load(open('vb_empty.json'))['benchmarks'][0]['stats']['median']*1e9)")
  ./gbench_peer --benchmark_filter=empty --benchmark_format=json 2>/dev/null > gb_empty.json
  gb=$(python3 -c "import json;print(json.load(open('gb_empty.json'))['benchmarks'][0]['real_time'])")
  echo "overhead $i vbench_ns=$vb gbench_ns=$gb"
  s=$(date +%s.%N); ./vb_selftest -k harness/one_us --quiet --json vb_one.json >/dev/null; e=$(date +%s.%N)
  vbt=$(echo "$e - $s" | bc); vbm=$(python3 -c "import json;print(json.load(open('vb_one.json'))['benchmarks'][0]['stats']['median']*1e9)")
  s=$(date +%s.%N); ./gbench_peer --benchmark_filter=one_us --benchmark_format=json 2>/dev/null > gb_one.json; e=$(date +%s.%N)
  gbt=$(echo "$e - $s" | bc); gbm=$(python3 -c "import json;print(json.load(open('gb_one.json'))['benchmarks'][0]['real_time'])")
  s=$(date +%s.%N); /usr/bin/python3 -m pytest -q -p no:cacheprovider --benchmark-json=pt_one.json pytest_peer_one_us.py >/dev/null 2>&1; e=$(date +%s.%N)
  ptt=$(echo "$e - $s" | bc); ptm=$(python3 -c "import json;print(json.load(open('pt_one.json'))['benchmarks'][0]['stats']['median']*1e9)")
  echo "ttr $i vbench_s=$vbt (median ${vbm}ns) gbench_s=$gbt (${gbm}ns) pytest_s=$ptt (median ${ptm}ns)"
done
