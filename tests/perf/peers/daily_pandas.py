#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The peer of vitals' daily metrics: the same statistics with pandas, timed side by side.

Usage: /usr/bin/python3 tests/perf/peers/daily_pandas.py health.db [rounds]

Reads the records of a vitals database (made by `vitals generate --db`), then times, apart from
the loading, a pandas groupby over (day, metric) computing count, sum, mean, min, max, sample
std, median, p25, p75 and p95 (pandas' default linear interpolation, as vitals). Prints the
median time of `rounds` runs and checks a few values against `vitals daily --format json`.
Runs with Debian's python3 (python3-pandas).
"""
import json
import sqlite3
import statistics
import subprocess
import sys
import time

import pandas as pd


def load(db):
    con = sqlite3.connect(db)
    frame = pd.read_sql_query(
        "SELECT r.day AS day, t.metric AS metric, r.value AS value FROM records r "
        "JOIN types t ON t.id = r.type_id WHERE r.value IS NOT NULL", con)
    con.close()
    return frame


def daily(frame):
    g = frame.groupby(["metric", "day"])["value"]
    out = g.agg(["count", "sum", "mean", "min", "max", "std", "median"])
    q = g.quantile([0.25, 0.75, 0.95]).unstack()
    return out.join(q)


def main():
    db = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    t0 = time.perf_counter()
    frame = load(db)
    load_s = time.perf_counter() - t0
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = daily(frame)
        times.append(time.perf_counter() - t0)
    print(f"pandas: {len(frame)} values, load {load_s:.3f} s, groupby median "
          f"{statistics.median(times):.4f} s over {rounds} rounds, {len(result)} rows")
    vitals = sys.argv[3] if len(sys.argv) > 3 else None
    if vitals:
        rows = json.loads(subprocess.run([vitals, "daily", "--db", db, "--metric", "heart_rate",
                                          "--format", "json"], check=True,
                                         capture_output=True).stdout)
        for row in rows[:50]:
            ref = result.loc[("heart_rate", row["date"])]
            assert row["count"] == ref["count"]
            for k in ("sum", "mean", "min", "max", "median"):
                assert abs(row[k] - ref[k]) <= 1e-9 * max(1.0, abs(ref[k])), (k, row, ref)
            assert abs(row["stddev"] - ref["std"]) <= 1e-9 * max(1.0, ref["std"])
            assert abs(row["p95"] - ref[0.95]) <= 1e-9 * max(1.0, ref[0.95])
        print("vitals daily agrees with pandas on", min(50, len(rows)), "heart-rate days")


if __name__ == "__main__":
    main()
