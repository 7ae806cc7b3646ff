"""Import and full analysis of a 1,000,000-set log, against DuckDB on the same file.

Run: .venv/bin/python benchmarks/bench_logs.py [SETS]

Writes a filled-in log template (benchmarks/make_big_log.py) to a temporary
folder, then, each in a fresh process so that peak memory is its own:
  planner: read_log (format detection, parsing, the normaliser's checks, report) + analyse
  DuckDB : read the same CSV and compute the same aggregations in SQL (daily
           volume load, time under tension and session-RPE load; deadlift best e1RM
           and top load per day; worst pain per day; weekly sums).
Goals: planner <= 3 s, <= 2 x DuckDB's time, peak memory <= 1.5 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

PLANNER = """
import json, resource, sys, time
t0 = time.perf_counter()
from planner.analysis import analyse
from planner.logs import read_log
t1 = time.perf_counter()
log = read_log(sys.argv[1])
t2 = time.perf_counter()
result = analyse(log)
t3 = time.perf_counter()
print(json.dumps({"import_modules": t1 - t0, "read": t2 - t1, "analyse": t3 - t2,
                  "rows": log.rows_read, "imported": log.rows_imported,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DUCKDB = """
import json, resource, sys, time
t0 = time.perf_counter()
import duckdb
t1 = time.perf_counter()
con = duckdb.connect()
con.execute(f"CREATE TABLE log AS SELECT * FROM read_csv_auto('{sys.argv[1]}', header=true)")
load = "coalesce(TRY_CAST(done_load_kg AS DOUBLE), load_kg)"
done = "(done_reps IS NOT NULL OR done_hold_s IS NOT NULL OR pain_during IS NOT NULL)"
queries = {
 "daily": f'''SELECT date, sum(done_reps * {load}) AS vl,
                     sum(done_hold_s) AS tut FROM log WHERE {done} GROUP BY date''',
 "srpe": f'''SELECT date, sum(s) FROM (SELECT session_id, first(date) AS date,
                     max(session_rpe) * max(session_min) AS s FROM log WHERE {done}
                     GROUP BY session_id) GROUP BY date''',
 "deadlift": f'''SELECT date, max({load}) AS top,
                     max({load} * (1 + done_reps / 30.0)) AS e1rm
                 FROM log WHERE exercise = 'deadlift' AND done_reps > 0 GROUP BY date''',
 "pain": f'''SELECT date, max(pain_during), max(pain_after), max(pain_next_morning)
             FROM log WHERE {done} GROUP BY date''',
 "weekly": f'''SELECT date_trunc('week', date) AS wk, sum(done_reps * {load}),
                     sum(done_hold_s) FROM log WHERE {done} GROUP BY wk''',
}
sizes = {k: len(con.execute(q).fetchall()) for k, q in queries.items()}
t2 = time.perf_counter()
print(json.dumps({"import_modules": t1 - t0, "total": t2 - t1, "groups": sizes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    sets = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big_log.csv"
        subprocess.run([sys.executable, str(HERE / "make_big_log.py"), str(path), str(sets)],
                       check=True, capture_output=True)
        size_mb = path.stat().st_size / 1e6
        ours = [run(PLANNER, path) for _ in range(3)]
        theirs = [run(DUCKDB, path) for _ in range(3)]
    best = min(ours, key=lambda r: r["read"] + r["analyse"])
    ours_t = best["read"] + best["analyse"]
    duck_t = min(r["total"] for r in theirs)
    print(f"log: {sets:,} sets, {size_mb:.0f} MB CSV")
    print(f"planner: read_log {best['read']:.2f} s + analyse {best['analyse']:.2f} s = "
          f"{ours_t:.2f} s (goal <= 3 s); peak memory {best['peak_mb']:.0f} MB "
          f"(goal <= 1500); {best['imported']:,} of {best['rows']:,} rows imported, "
          "the rest reported")
    print(f"duckdb : {duck_t:.2f} s for the same aggregations; peak memory "
          f"{min(r['peak_mb'] for r in theirs):.0f} MB")
    print(f"ratio planner / duckdb: {ours_t / duck_t:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()
