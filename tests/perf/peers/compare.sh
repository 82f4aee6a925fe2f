#!/bin/sh
# Side by side, 5 alternations (RUNS=n for more): the harness's overhead on an empty body, and
# for a ~0.7 us function with each tool's defaults the time to a result and the peak RSS
# (/usr/bin/time: the largest resident set of the process tree), then the medians.
# Run from a scratch directory (not a git repository) holding vb_selftest (a Release build of
# build*/tests/perf), gbench_peer and pytest_peer_one_us.py. BUSY=1 keeps the second core
# busy with `yes > /dev/null` during the runs, as on a shared CI runner.
set -eu
runs=${RUNS:-5}
py=/usr/bin/python3 # Debian's python, with pytest-benchmark
busy=
if [ "${BUSY:-0}" = 1 ]; then
  yes >/dev/null &
  busy=$!
  trap 'kill $busy' EXIT
fi
: >runs.txt
# One line "tool seconds kilobytes median_ns" per run of a tool.
measure() {
  tool=$1; shift
  /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null 2>&1
  echo "$tool $(cat time.txt)"
}
ns() { $py -c "import json,sys;$1" ; }
i=0
while [ $i -lt "$runs" ]; do
  i=$((i + 1))
  ./vb_selftest -k harness/empty --quiet --csv vb_empty.csv >/dev/null
  vbe=$($py -c "import csv;print(float(next(csv.DictReader(open('vb_empty.csv')))['median'])*1e9)")
  ./gbench_peer --benchmark_filter=empty --benchmark_format=json 2>/dev/null >gb_empty.json
  gbe=$(ns "print(json.load(open('gb_empty.json'))['benchmarks'][0]['real_time'])")
  echo "overhead $i vbench_ns=$vbe gbench_ns=$gbe"
  echo "empty vbench $vbe" >>runs.txt
  echo "empty gbench $gbe" >>runs.txt
  set -- $(measure vbench ./vb_selftest -k harness/one_us --quiet --csv vb_one.csv)
  vbm=$($py -c "import csv;print(float(next(csv.DictReader(open('vb_one.csv')))['median'])*1e9)")
  echo "ttr vbench $2 $3 $vbm" >>runs.txt
  set -- $(measure vbench_nofork ./vb_selftest -k harness/one_us --quiet --no-fork --csv vb_one.csv)
  echo "ttr vbench_nofork $2 $3 -" >>runs.txt
  set -- $(measure gbench sh -c './gbench_peer --benchmark_filter=one_us --benchmark_format=json >gb_one.json')
  gbm=$(ns "print(json.load(open('gb_one.json'))['benchmarks'][0]['real_time'])")
  echo "ttr gbench $2 $3 $gbm" >>runs.txt
  set -- $(measure pytest $py -m pytest -q -p no:cacheprovider --benchmark-json=pt_one.json pytest_peer_one_us.py)
  ptm=$(ns "print(json.load(open('pt_one.json'))['benchmarks'][0]['stats']['median']*1e9)")
  echo "ttr pytest $2 $3 $ptm" >>runs.txt
  grep "^ttr" runs.txt | tail -4 | sed "s/^ttr/run $i/"
done
$py - <<'PY'
import statistics as st
rows = [l.split() for l in open('runs.txt')]
print('medians of %d runs' % (len([r for r in rows if r[:2] == ['empty', 'vbench']])))
for tool in ('vbench', 'gbench'):
    print('  empty body %-14s %.3f ns/iteration' % (tool, st.median(float(r[2]) for r in rows if r[:2] == ['empty', tool])))
for tool in ('vbench', 'vbench_nofork', 'gbench', 'pytest'):
    t = [r for r in rows if r[:2] == ['ttr', tool]]
    med = [float(r[4]) for r in t if r[4] != '-']
    print('  ~0.7 us %-14s %.2f s to a result, %.1f MB peak RSS%s' % (
        tool, st.median(float(r[2]) for r in t), st.median(float(r[3]) for r in t) / 1000,
        ', median %.0f ns' % st.median(med) if med else ''))
PY
