#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The summary of scripts/gate-selftest.sh: false alarms of the unchanged comparisons, detections
per mutant and strength, and each mutant's measured slowdown, from the JSON files of its runs.

    gate-selftest-summary.py RUNS_DIR MANIFEST [--load 0|1] [--commit ID]

Prints Markdown; exits 0 when the acceptance holds (no false alarm of the paired mode or of the
stored gate, >= 95% of 1.10x and 100% of 1.25x planted slowdowns detected), 1 otherwise.
Standard library only."""
import glob
import json
import math
import os
import re
import statistics
import sys


def hodges_lehmann(d):
    """The median of the Walsh averages of the differences d."""
    w = [(d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d))]
    return statistics.median(w) if w else float("nan")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def manifest(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, patch, targets, k110, k125, what = line.split(";", 5)
            rows[name] = {"patch": patch, "targets": targets, "what": what}
    return rows


def metric_of(bench, key):
    """The verdict of one metric of a benchmark of a paired report, or None."""
    m = bench.get(key)
    return m["verdict"] if isinstance(m, dict) else None


def mutant_metric(name):
    """Memory mutants are judged on peak RSS, the others on time."""
    return "peak_rss" if "memory" in name or "rss" in name else "time"


# The metrics of a paired report's benchmark; "cpu" is there for a benchmark of two threads.
METRICS = ("time", "cpu", "peak_rss", "heap_peak")


def detected(bench, key):
    """Whether the gate flagged the mutant's metric: for time, the wall time or the CPU time
    (a benchmark of two threads is judged on both; either regression fails it)."""
    keys = ("time", "cpu") if key == "time" else (key,)
    return any(metric_of(bench, k) == "regression" for k in keys)


def measured_slowdown(benches, key):
    """head / base over every pair of every run: exp(HL of log ratios) for time (the sample's
    "median") and CPU time ("cpu", absent when not measured), 1 + HL of the differences /
    median base for memory."""
    d, base = [], []
    for b in benches:
        for x, y in zip(b["samples"]["base"], b["samples"]["head"]):
            if key in ("time", "cpu"):
                field = "median" if key == "time" else "cpu"
                if x.get(field, 0) > 0 and y.get(field, 0) > 0:
                    d.append(math.log(y[field] / x[field]))
            elif x[key] >= 0 and y[key] >= 0:
                d.append(y[key] - x[key])
                base.append(x[key])
    if not d:
        return float("nan"), 0
    if key in ("time", "cpu"):
        return math.exp(hodges_lehmann(d)), len(d)
    return 1 + hodges_lehmann(d) / statistics.median(base), len(d)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    runs, man = args[0], manifest(args[1])
    opts = dict(zip(args[2::2], args[3::2]))
    out = []
    ok = True

    # Unchanged comparisons of the whole suite.
    files = sorted(glob.glob(os.path.join(runs, "unchanged-*.json")),
                   key=lambda p: int(re.findall(r"(\d+)\.json$", p)[0]))
    alarms, judged, inconclusive, seconds = 0, 0, 0, []
    alarm_lines = []
    for p in files:
        r = load(p)
        seconds.append(r["seconds"])
        for b in r["benchmarks"]:
            verdicts = [metric_of(b, k) for k in METRICS]
            if "regression" in verdicts or b.get("head_failed"):
                alarms += 1
                alarm_lines.append(f"{os.path.basename(p)}: {b['name']} {b['verdict']}")
            if "inconclusive" in verdicts:
                inconclusive += 1
            judged += 1
    out.append(f"# Regression gate self-test ({opts.get('--commit', '?')})\n")
    out.append(f"One core busy with another process: {'yes' if opts.get('--load') == '1' else 'no'}.\n")
    out.append("## Unchanged code: paired comparisons of the whole suite\n")
    if files:
        out.append(f"- {len(files)} comparisons, {judged} benchmark verdicts, "
                   f"**{alarms} false alarm{'s' if alarms != 1 else ''}**, "
                   f"{inconclusive} inconclusive (not a failure); median duration "
                   f"{statistics.median(seconds) / 60:.1f} min, longest {max(seconds) / 60:.1f} min")
        out.extend(f"  - {line}" for line in alarm_lines)
        ok = ok and alarms == 0
    else:
        out.append("- none run")

    # Stored-baseline gate runs.
    stored = sorted(glob.glob(os.path.join(runs, "stored-*", "results.json")))
    if stored:
        regressions, not_judged, measured = 0, 0, 0
        lines = []
        for p in stored:
            r = load(p)
            for b in r["benchmarks"]:
                g = b.get("extra_info", {}).get("gate")
                measured += 1
                if not g:
                    continue
                if g.get("verdict") == "regression":
                    regressions += 1
                    lines.append(f"{p.split(os.sep)[-2]}: {b['fullname']} ratio {g['ratio']:.2f}")
                if not g.get("judged", True):
                    not_judged += 1
        out.append("\n## Unchanged code: the stored-baseline gate (make bench)\n")
        out.append(f"- {len(stored)} runs, {measured} benchmark results, **{regressions} false "
                   f"alarm{'s' if regressions != 1 else ''}**, {not_judged} not judged")
        out.extend(f"  - {line}" for line in lines)
        ok = ok and regressions == 0

    # Mutants.
    out.append("\n## Planted slowdowns: paired comparisons against the unchanged build\n")
    out.append("| mutant | planted | benchmark | metric | measured slowdown (pairs) | CPU time | "
               "detected |")
    out.append("|---|---|---|---|---|---|---|")
    totals = {}
    for name in man:
        for level in ("1.10", "1.25"):
            files = sorted(glob.glob(os.path.join(runs, f"mutant-{name}-{level}-*.json")))
            if not files:
                continue
            key = mutant_metric(name)
            per_bench = {}
            for p in files:
                for b in load(p)["benchmarks"]:
                    per_bench.setdefault(b["name"], []).append(b)
            for bname, bs in sorted(per_bench.items()):
                slow, pairs = measured_slowdown(bs, key)
                cpu, cpu_pairs = measured_slowdown(bs, "cpu") if key == "time" else (0, 0)
                cpu_cell = f"{cpu:.3f}" if cpu_pairs else "-"
                hits = sum(1 for b in bs if detected(b, key))
                t = totals.setdefault(level, [0, 0, []])
                # A knob that did not slow this benchmark beyond the gate's threshold (measured
                # over every pair of every comparison) planted nothing the gate should flag
                # there: listed, not counted; its own calibrated entry covers it.
                threshold = max(b.get("threshold", 0.05) for b in bs)
                if not slow >= 1 + threshold:
                    out.append(f"| {name} | {level}x | `{bname}` | {key} | {slow:.3f} ({pairs}) | "
                               f"{cpu_cell} | {hits}/{len(bs)}, not counted: not slowed beyond "
                               f"+{threshold:.0%} |")
                    t[2].append(f"{name} {level}x on `{bname}` ({slow:.3f})")
                    continue
                out.append(f"| {name} | {level}x | `{bname}` | {key} | {slow:.3f} ({pairs}) | "
                           f"{cpu_cell} | {hits}/{len(bs)} |")
                t[0] += hits
                t[1] += len(bs)
    out.append("")
    for level, (hits, n, unslowed) in sorted(totals.items()):
        rate = hits / n if n else 0
        need = 0.95 if level == "1.10" else 1.0
        out.append(f"- planted {level}x: **{hits} of {n} detected ({rate:.0%})**, "
                   f"{'meets' if rate >= need else 'BELOW'} the {need:.0%} required")
        if unslowed:
            out.append(f"  - not counted, the knob did not slow them beyond the threshold: "
                       f"{'; '.join(unslowed)}")
        ok = ok and rate >= need and n > 0
    out.append("")
    out.append("Mutants:")
    for name, m in man.items():
        out.append(f"- `{name}` ({m['patch']}): {m['what']} Targets: `{m['targets']}`.")
    print("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
