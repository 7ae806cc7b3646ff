"""Import and full analysis of a 1,000,000-set log, against DuckDB on the same file.

Run: .venv/bin/python benchmarks/bench_logs.py [SETS] [FORMAT ...] [--repeat N]

For each format (template, strong, hevy, fitnotes; all by default) writes a log of SETS
sets (benchmarks/make_big_log.py: the app exports in the apps' real layouts) to a
temporary folder, then runs, each in a fresh process so that peak memory is its own,
planner and DuckDB back to back, N times (3 by default), and reports the medians:
  planner: read_log (format detection, parsing, the normaliser's checks, report) + analyse
  DuckDB : read the same CSV and compute the same aggregations in SQL (the app's dates
           and units parsed, exercise names mapped to ours, warm-ups left out; daily
           volume load, deadlift volume load and time under tension; deadlift top load,
           volume load and best e1RM per day; stretch holds per day and side; bridge
           sets and reps per week; session-RPE load and worst pain per day where the
           format has them; weekly sums).
DuckDB checks nothing (ranges, dates, units per row, duplicates) and writes no report:
the ratio is what the checks and the Log cost on top of the arithmetic.
Goals: planner <= 3 s, <= 2 x DuckDB's time, peak memory <= 1.5 GB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMATS = ("template", "strong", "hevy", "fitnotes")
# The unit to pass for files that do not say theirs (Strong's plain "Weight" column).
UNITS = {"strong": "kg"}

PLANNER = """
import json, resource, sys, time
t0 = time.perf_counter()
from planner.analysis import analyse
from planner.logs import read_log
t1 = time.perf_counter()
c1 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
log = read_log(sys.argv[1], unit=sys.argv[2] or None)
t2 = time.perf_counter()
result = analyse(log)
t3 = time.perf_counter()
cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - c1
print(json.dumps({"import_modules": t1 - t0, "read": t2 - t1, "analyse": t3 - t2, "cpu": cpu,
                  "rows": log.rows_read, "imported": log.rows_imported,
                  "rejected": log.rows_rejected, "report_rows": len(log.report),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Each format as the same normalised table ``sets``, read in one statement (the CSV's text
# cast by DuckDB): day, session, ex (our id or the name),
# working (bool), reps, load_kg, hold_s, srpe (session RPE x minutes), pain columns.
VIEWS = {
    "template": """
CREATE TABLE sets AS SELECT CAST(strptime(date, '%Y-%m-%d') AS DATE) AS day,
  session_id AS session, exercise AS ex, side, true AS working,
  TRY_CAST(done_reps AS DOUBLE) AS reps,
  coalesce(TRY_CAST(done_load_kg AS DOUBLE), TRY_CAST(load_kg AS DOUBLE)) AS load_kg,
  TRY_CAST(done_hold_s AS DOUBLE) AS hold_s,
  TRY_CAST(session_rpe AS DOUBLE) * TRY_CAST(session_min AS DOUBLE) AS srpe,
  TRY_CAST(pain_during AS DOUBLE) AS pd, TRY_CAST(pain_after AS DOUBLE) AS pa,
  TRY_CAST(pain_next_morning AS DOUBLE) AS pm
FROM read_csv('{path}', header=true, all_varchar=true)
WHERE coalesce(done_reps, done_hold_s, done_load_kg, rpe, pain_during, pain_after,
  pain_next_morning, session_rpe, session_min, note) IS NOT NULL;
""",
    "strong": """
CREATE TABLE sets AS SELECT CAST(t AS DATE) AS day, CAST(t AS VARCHAR) || "Workout Name"
  AS session, coalesce(a.id, trim(r."Exercise Name")) AS ex, 'both' AS side,
  regexp_full_match("Set Order", '\\d+') AS working, TRY_CAST(Reps AS DOUBLE) AS reps,
  nullif(round(TRY_CAST(Weight AS DOUBLE), 6), 0) AS load_kg,
  nullif(TRY_CAST(Seconds AS DOUBLE), 0) AS hold_s, NULL::DOUBLE AS srpe,
  NULL::DOUBLE AS pd, NULL::DOUBLE AS pa, NULL::DOUBLE AS pm
FROM (SELECT *, strptime(Date, '%Y-%m-%d %H:%M:%S') AS t
      FROM read_csv('{path}', header=true, all_varchar=true)) r
LEFT JOIN aliases a ON a.name = lower(trim(r."Exercise Name"));
""",
    "hevy": """
CREATE TABLE sets AS SELECT CAST(t AS DATE) AS day, CAST(t AS VARCHAR) || title AS session,
  coalesce(a.id, trim(r.exercise_title)) AS ex, 'both' AS side,
  set_type IN ('normal', 'failure') AS working, TRY_CAST(reps AS DOUBLE) AS reps,
  nullif(round(TRY_CAST(weight_kg AS DOUBLE), 6), 0) AS load_kg,
  nullif(TRY_CAST(duration_seconds AS DOUBLE), 0) AS hold_s, NULL::DOUBLE AS srpe,
  NULL::DOUBLE AS pd, NULL::DOUBLE AS pa, NULL::DOUBLE AS pm
FROM (SELECT *, strptime(start_time, '%d %b %Y, %H:%M') AS t
      FROM read_csv('{path}', header=true, all_varchar=true)) r
LEFT JOIN aliases a ON a.name = lower(trim(r.exercise_title));
""",
    "fitnotes": """
CREATE TABLE sets AS SELECT CAST(strptime(Date, '%Y-%m-%d') AS DATE) AS day,
  Date AS session, coalesce(a.id, trim(r.Exercise)) AS ex, 'both' AS side,
  true AS working, TRY_CAST(Reps AS DOUBLE) AS reps,
  nullif(round(TRY_CAST("Weight (lbs)" AS DOUBLE), 6) * 0.45359237, 0) AS load_kg,
  nullif(epoch(TRY_CAST(Time AS INTERVAL)), 0) AS hold_s, NULL::DOUBLE AS srpe,
  NULL::DOUBLE AS pd, NULL::DOUBLE AS pa, NULL::DOUBLE AS pm
FROM read_csv('{path}', header=true, all_varchar=true) r
LEFT JOIN aliases a ON a.name = lower(trim(r.Exercise));
""",
}

QUERIES = {
    "daily": """SELECT day, sum(reps * load_kg) AS vl,
        sum(CASE WHEN ex = 'deadlift' THEN reps * load_kg ELSE 0 END) AS dl_vl,
        sum(CASE WHEN hold_s <= 600 THEN hold_s END) AS tut
        FROM sets WHERE working GROUP BY day""",
    "srpe": """SELECT day, sum(s) FROM (SELECT session, first(day) AS day, first(srpe) AS s
        FROM sets GROUP BY session) GROUP BY day""",
    "deadlift": """SELECT day, max(load_kg) AS top, sum(reps) AS reps,
        sum(reps * load_kg) AS vl, max(load_kg * (1 + least(reps, 36) / 30.0)) AS e1rm
        FROM sets WHERE ex = 'deadlift' AND working AND load_kg IS NOT NULL AND reps >= 1
        GROUP BY day ORDER BY day""",
    "holds": """SELECT day, side, count(*), avg(hold_s), min(hold_s) FROM sets
        WHERE ex = 'rotational_stretch' AND hold_s IS NOT NULL GROUP BY day, side""",
    "bridge": """SELECT date_trunc('week', day) AS wk, count(*), sum(reps) FROM sets
        WHERE ex = 'glute_bridge' AND working GROUP BY wk""",
    "pain": """SELECT day, max(pd), max(pa), max(pm) FROM sets
        WHERE coalesce(pd, pa, pm) IS NOT NULL GROUP BY day""",
    "weekly": """SELECT date_trunc('week', day) AS wk, sum(reps * load_kg),
        sum(CASE WHEN hold_s <= 600 THEN hold_s END) FROM sets WHERE working GROUP BY wk""",
}

DUCKDB = """
import csv, json, resource, sys, time
views, queries, aliases_csv = json.loads(sys.argv[3])
t0 = time.perf_counter()
import duckdb
t1 = time.perf_counter()
c1 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
con = duckdb.connect()
with open(aliases_csv, encoding="utf-8") as fh:
    rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")][1:]
con.execute("CREATE TABLE aliases (name VARCHAR, id VARCHAR)")
con.executemany("INSERT INTO aliases VALUES (?, ?)", [(n.strip().lower(), i.strip())
                                                       for n, i in rows])
con.execute(views[sys.argv[2]].format(path=sys.argv[1]))
sizes = {k: len(con.execute(q).fetchall()) for k, q in queries.items()}
t2 = time.perf_counter()
cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - c1
print(json.dumps({"import_modules": t1 - t0, "total": t2 - t1, "cpu": cpu, "groups": sizes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(args: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True,
                         check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench(fmt: str, sets: int, repeat: int, tmp: Path) -> dict:
    path = tmp / f"big_{fmt}.csv"
    subprocess.run([sys.executable, str(HERE / "make_big_log.py"), str(path), str(sets), fmt],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    extra = json.dumps([VIEWS, QUERIES, str(ROOT / "data" / "exercise_aliases.csv")])
    ours, theirs = [], []
    for _ in range(repeat):  # back to back, so that both see the same machine load
        ours.append(run([PLANNER, str(path), UNITS.get(fmt, "")]))
        theirs.append(run([DUCKDB, str(path), fmt, extra]))
    med = statistics.median
    read, analyse = med(r["read"] for r in ours), med(r["analyse"] for r in ours)
    total = med(r["read"] + r["analyse"] for r in ours)
    duck = med(r["total"] for r in theirs)
    ratios = [o["read"] + o["analyse"] for o in ours]
    ratio = med(o / d["total"] for o, d in zip(ratios, theirs, strict=True))
    size_mb = path.stat().st_size / 1e6
    path.unlink()
    return {"format": fmt, "mb": size_mb,
            "read": read, "analyse": analyse, "total": total, "duckdb": duck, "ratio": ratio,
            "cpu": med(r["cpu"] for r in ours), "duck_cpu": med(r["cpu"] for r in theirs),
            "peak_mb": max(r["peak_mb"] for r in ours),
            "duck_peak_mb": max(r["peak_mb"] for r in theirs),
            "rows": ours[0]["rows"], "imported": ours[0]["imported"],
            "rejected": ours[0]["rejected"], "report_rows": ours[0]["report_rows"],
            "all_totals": [round(x, 2) for x in ratios],
            "all_duckdb": [round(d["total"], 2) for d in theirs]}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="?", type=int, default=1_000_000,
                    help="sets a file (default 1,000,000)")
    ap.add_argument("formats", nargs="*", metavar="FORMAT",
                    help=f"one or more of {', '.join(FORMATS)} (default: all)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    a = ap.parse_args()
    if set(a.formats) - set(FORMATS):
        ap.error(f"unknown format {sorted(set(a.formats) - set(FORMATS))[0]!r}; expected one "
                 f"of {', '.join(FORMATS)}")
    repeat, sets, formats = a.repeat, a.sets, a.formats or list(FORMATS)
    load = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            rows.append(bench(fmt, sets, repeat, Path(tmp)))
            r = rows[-1]
            print(f"{fmt}: planner runs {r['all_totals']} s, duckdb runs {r['all_duckdb']} s; "
                  f"{r['imported']:,} of {r['rows']:,} rows imported, {r['rejected']:,} "
                  f"rejected, {r['report_rows']:,} report rows", flush=True)
    print(f"\n{sets:,} sets a file; medians of {repeat} runs, planner and DuckDB back to back "
          f"in fresh processes; load average before: {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} cores, after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("wall seconds (cpu: user + system seconds of all the process's threads; DuckDB "
          "runs on every core, planner mostly on one)")
    head = (f"{'format':<9} {'read_log':>8} {'analyse':>8} {'total':>7} {'duckdb':>7} "
            f"{'ratio':>6} {'cpu':>6} {'duck cpu':>8} {'peak MB':>8} {'duck MB':>8}")
    print(head)
    for r in rows:
        print(f"{r['format']:<9} {r['read']:>8.2f} {r['analyse']:>8.2f} {r['total']:>7.2f} "
              f"{r['duckdb']:>7.2f} {r['ratio']:>6.2f} {r['cpu']:>6.2f} {r['duck_cpu']:>8.2f} "
              f"{r['peak_mb']:>8.0f} "
              f"{r['duck_peak_mb']:>8.0f}")
    print("goals: total <= 3 s, ratio <= 2, peak <= 1500 MB")


if __name__ == "__main__":
    main()
