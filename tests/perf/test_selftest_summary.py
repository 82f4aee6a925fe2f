#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks scripts/gate-selftest-summary.py on runs made up here, whose verdicts and pair ratios
are known, and checks tests/perf/mutants/manifest's lines.

    test_selftest_summary.py SOURCE_DIR

Standard library only; exits 0 when every check holds, 1 with the failed checks listed."""
import json
import os
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)


def bench(name, base, head, verdict, key="time", cpu=None):
    """A paired report's benchmark: base and head medians (or peak RSS) per pair. `cpu`: the
    CPU time's (base, head, verdict), per pair, as a benchmark of two threads has."""
    samples = {"base": [], "head": []}
    for i, (x, y) in enumerate(zip(base, head)):
        if key == "time":
            samples["base"].append({"median": x, "peak_rss": 1 << 20, "heap_peak": -1})
            samples["head"].append({"median": y, "peak_rss": 1 << 20, "heap_peak": -1})
            if cpu:
                samples["base"][-1]["cpu"] = cpu[0][i]
                samples["head"][-1]["cpu"] = cpu[1][i]
        else:
            samples["base"].append({"median": 1.0, "peak_rss": x, "heap_peak": -1})
            samples["head"].append({"median": 1.0, "peak_rss": y, "heap_peak": -1})
    metric = {"verdict": verdict}
    other = {"verdict": "unchanged"}
    overall = f"REGRESSION ({key})" if verdict == "regression" else verdict
    return {"name": name, "threshold": 0.05, "pairs": len(base), "samples": samples,
            "verdict": overall,
            "time": metric if key == "time" else other,
            "cpu": {"verdict": cpu[2]} if cpu else None,
            "peak_rss": metric if key == "peak_rss" else other, "heap_peak": None}


def report(benches):
    return {"seconds": 60.0, "benchmarks": benches}


def write(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)


def run_summary(src, runs, manifest):
    p = subprocess.run([sys.executable, os.path.join(src, "scripts", "gate-selftest-summary.py"),
                        runs, manifest, "--load", "1", "--commit", "test"],
                       capture_output=True, text=True, check=False)
    return p.returncode, p.stdout


def summary_cases(src):
    with tempfile.TemporaryDirectory() as d:
        runs = os.path.join(d, "runs")
        os.mkdir(runs)
        manifest = os.path.join(d, "manifest")
        with open(manifest, "w", encoding="utf-8") as f:
            f.write("# name;patch;targets;k110;k125;what\n")
            f.write("slow;x.patch;a or b;1;2;Slows a and b.\n")
            f.write("grow_memory;y.patch;a;1;2;Grows the memory of a.\n")
        base = [1.0, 1.02, 0.98, 1.01, 0.99]
        # Two unchanged comparisons: one inconclusive verdict, no regression.
        write(os.path.join(runs, "unchanged-1.json"),
              report([bench("g/a", base, base, "unchanged"),
                      bench("g/b", base, base, "inconclusive")]))
        write(os.path.join(runs, "unchanged-2.json"),
              report([bench("g/a", base, base, "unchanged")]))
        # `slow` at 1.10x: a slowed 1.10x and caught; b not slowed at all (1.00x) and judged
        # unchanged: listed, not counted. At 1.25x both slowed and caught.
        write(os.path.join(runs, "mutant-slow-1.10-1.json"),
              report([bench("g/a", base, [x * 1.10 for x in base], "regression"),
                      bench("g/b", base, base, "unchanged")]))
        write(os.path.join(runs, "mutant-slow-1.25-1.json"),
              report([bench("g/a", base, [x * 1.25 for x in base], "regression"),
                      bench("g/b", base, [x * 1.25 for x in base], "regression")]))
        rss = [10 << 20] * 5
        write(os.path.join(runs, "mutant-grow_memory-1.10-1.json"),
              report([bench("g/a", rss, [x * 11 // 10 for x in rss], "regression", "peak_rss")]))
        write(os.path.join(runs, "mutant-grow_memory-1.25-1.json"),
              report([bench("g/a", rss, [x * 5 // 4 for x in rss], "regression", "peak_rss")]))
        # A benchmark of two threads whose wall time the gate could not decide, caught on its CPU
        # time: detected, and its CPU slowdown shown.
        write(os.path.join(runs, "mutant-slow-1.10-2.json"),
              report([bench("g/c", base, [x * 1.10 for x in base], "inconclusive",
                            cpu=(base, [x * 1.08 for x in base], "regression"))]))
        rc, out = run_summary(src, runs, manifest)
        check(rc == 0, f"every planted slowdown caught: exit 0, got {rc}\n{out}")
        check("| slow | 1.10x | `g/c` | time | 1.100 (5) | 1.080 | 1/1 |" in out,
              f"the two-thread benchmark caught on its CPU time\n{out}")
        check("2 comparisons, 3 benchmark verdicts, **0 false alarms**, 1 inconclusive" in out,
              f"the unchanged comparisons counted\n{out}")
        check("planted 1.10x: **3 of 3 detected (100%)**" in out,
              f"b, not slowed at 1.10x, is not counted\n{out}")
        check("planted 1.25x: **3 of 3 detected (100%)**" in out, f"1.25x counted\n{out}")
        check("| slow | 1.10x | `g/b` | time | 1.000 (5) | - | 0/1, not counted" in out,
              f"the row of b at 1.10x says why it is not counted\n{out}")
        check("| grow_memory | 1.10x | `g/a` | peak_rss | 1.100 (5) | - | 1/1 |" in out,
              f"the memory mutant judged on peak RSS\n{out}")

        # A slowdown beyond the threshold that the gate missed is a miss; at 1.25x any miss
        # fails the acceptance.
        write(os.path.join(runs, "mutant-slow-1.25-2.json"),
              report([bench("g/a", base, [x * 1.25 for x in base], "inconclusive"),
                      bench("g/b", base, [x * 1.25 for x in base], "regression")]))
        rc, out = run_summary(src, runs, manifest)
        check(rc == 1, f"a missed 1.25x slowdown fails: exit 1, got {rc}\n{out}")
        check("planted 1.25x: **4 of 5 detected (80%)**, BELOW" in out,
              f"the miss counted\n{out}")
        os.remove(os.path.join(runs, "mutant-slow-1.25-2.json"))

        # A CPU-time regression of an unchanged comparison is a false alarm too.
        write(os.path.join(runs, "unchanged-3.json"),
              report([bench("g/c", base, base, "unchanged", cpu=(base, base, "regression"))]))
        rc, out = run_summary(src, runs, manifest)
        check(rc == 1 and "**1 false alarm**" in out, f"a CPU-time false alarm fails\n{out}")

        # A false alarm of an unchanged comparison fails.
        write(os.path.join(runs, "unchanged-3.json"),
              report([bench("g/a", base, base, "regression")]))
        rc, out = run_summary(src, runs, manifest)
        check(rc == 1 and "**1 false alarm**" in out, f"a false alarm fails\n{out}")


def manifest_lines(src):
    path = os.path.join(src, "tests", "perf", "mutants", "manifest")
    names = set()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(";", 5)
            where = f"{path}:{n}"
            check(len(fields) == 6, f"{where}: 6 fields separated by ';'")
            if len(fields) != 6:
                continue
            name, patch, targets, k110, k125, what = fields
            check(name not in names, f"{where}: the name {name} is used twice")
            names.add(name)
            check(os.path.isfile(os.path.join(src, patch)), f"{where}: {patch} does not exist")
            check(targets.strip() != "", f"{where}: no targets")
            check(k110.isdigit() and k125.isdigit() and int(k110) < int(k125),
                  f"{where}: the knobs are whole numbers, the 1.10x one below the 1.25x one")
            check(what.strip().endswith("."), f"{where}: what it slows, a sentence")
    check(len(names) >= 4, f"{path}: at least the four mutants the issue asks for")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    summary_cases(src)
    manifest_lines(src)
    for f in FAILS:
        print(f"FAIL: {f}", file=sys.stderr)
    print(f"{'FAILED' if FAILS else 'ok'}: gate-selftest-summary and the manifest")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
