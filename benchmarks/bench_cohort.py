"""Cohort benchmark: ingest throughput, ``cohort`` embedded vs hand-written DuckDB SQL, peak
memory, and the same cohort on a local Dask cluster (scheduler + 2 workers).

Run: .venv/bin/python benchmarks/bench_cohort.py [ATHLETES ...] [--work DIR] [--no-dask]
                                                   [--reuse-store] [--doubling]
                                                   [--workers 1,2] [--repeat N]
     (default 200 1000; the issue's goal is 10000 athletes x 52 weeks: run that on a machine
     with more than 2 cores and a few GB of free memory)

``--workers 1,2`` ingests the cohort once per number of worker processes (``ingest(...,
workers=N)``), each into a new store, one after the other: the throughputs of one run;
the cohort phases then use the last store. Default: 1.
``--doubling`` also ingests one athlete's export of 50,000, 100,000, 200,000 and 400,000 sets,
in chunks (as ``planner ingest`` does) and read whole, each in its own process.
Each phase runs in its own process so that its peak RSS (``resource.getrusage``) is its
own. The SQL computes the same per-athlete aggregates as ``cohort`` on this cohort (last
session, per-exercise and per-session compliance, best e1RM and its trend, the latest
coupled rolling ACWR on the volume load of the last stretch of training: from the last
session more than 28 days after the one before); the synthetic logs are Strong exports,
which carry no pain scores and no session RPE, so pain is "no pain data" for everyone and
the load is the volume load, and the SQL skips both. The cohort phase computes its table
(``cache=False``): it never reads the one an earlier run kept in the store.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = "2026-01-31"

SQL = """
WITH s AS (SELECT * FROM read_parquet($sets, hive_partitioning = true,
                                      hive_types = {'athlete': VARCHAR})
           WHERE date <= $as_of),
p AS (SELECT * FROM read_parquet($plans, hive_partitioning = true,
                                 hive_types = {'athlete': VARCHAR})),
base AS (SELECT athlete, count(*) AS sets, max(date) AS last_session FROM s GROUP BY athlete),
sided AS (SELECT DISTINCT athlete, exercise FROM p WHERE side IN ('left', 'right')),
w AS (SELECT s.athlete, date, s.exercise, coalesce(x.side, s.side) AS side, reps, hold_s,
             load_kg, row_number() OVER (PARTITION BY s.athlete, date, s.exercise,
                                         coalesce(x.side, s.side)
                                         ORDER BY performed_at, source_line) AS n
      FROM s LEFT JOIN sided ON s.athlete = sided.athlete AND s.exercise = sided.exercise
             LEFT JOIN (VALUES ('left'), ('right')) AS x(side)
                    ON s.side = 'both' AND sided.athlete IS NOT NULL
      WHERE set_type IN ('working', 'failure')),
m AS (SELECT p.athlete, p.session_id, p.exercise, p.date,
             w.athlete IS NOT NULL AND (coalesce(w.reps, 0) > 0 OR coalesce(w.hold_s, 0) > 0)
             AND NOT coalesce(w.reps < p.target_reps, false)
             AND NOT coalesce(w.hold_s < p.target_hold_s - 0.01, false)
             AND NOT coalesce(coalesce(w.load_kg, p.load_kg) < p.load_kg - 0.01, false) AS ok
      FROM p LEFT JOIN w ON p.athlete = w.athlete AND p.date = w.date
           AND p.exercise = w.exercise AND p.set = w.n AND p.side = w.side
      WHERE p.date <= $as_of),
ex AS (SELECT athlete, session_id, exercise, bool_and(ok) AS ok FROM m GROUP BY ALL),
comp AS (SELECT athlete,
                avg(CASE WHEN exercise = 'deadlift' THEN ok::INT END) AS compliance_deadlift,
                avg(CASE WHEN exercise = 'glute_bridge' THEN ok::INT END) AS compliance_bridge,
                avg(CASE WHEN exercise = 'rotational_stretch' THEN ok::INT END) AS c_stretch
         FROM ex GROUP BY athlete),
ses AS (SELECT athlete, avg(ok::INT) AS compliance_sessions
        FROM (SELECT athlete, session_id, bool_and(ok) AS ok FROM ex GROUP BY ALL)
        GROUP BY athlete),
dl AS (SELECT athlete, date, max(load_kg * (1 + least(reps, 36) / 30.0)) AS e1rm
       FROM s WHERE exercise = 'deadlift' AND set_type IN ('working', 'failure')
                AND load_kg IS NOT NULL AND reps >= 1 GROUP BY ALL),
trend AS (SELECT athlete, max(e1rm) AS best_e1rm_kg,
                 regr_slope(e1rm, epoch(date) / 86400) * 7 AS e1rm_trend_kg_per_week
          FROM dl GROUP BY athlete),
logged AS (SELECT DISTINCT athlete, date FROM s),
breaks AS (SELECT athlete, date, lag(date) OVER (PARTITION BY athlete ORDER BY date) AS prev
           FROM logged),
stretch AS (SELECT athlete, max(date) AS start FROM breaks
            WHERE prev IS NULL OR datediff('day', prev, date) > 28 GROUP BY athlete),
daily AS (SELECT athlete, date, sum(coalesce(reps * load_kg, 0)) AS v
          FROM s WHERE set_type IN ('working', 'failure') GROUP BY ALL),
grid AS (SELECT athlete, unnest(generate_series(any_value(start), max(date), INTERVAL 1 DAY))
                AS d
         FROM daily JOIN stretch USING (athlete) GROUP BY athlete),
dense AS (SELECT g.athlete, g.d, coalesce(daily.v, 0) AS v
          FROM grid g LEFT JOIN daily ON g.athlete = daily.athlete AND g.d = daily.date),
roll AS (SELECT athlete, d,
                avg(v) OVER (PARTITION BY athlete ORDER BY d ROWS 6 PRECEDING) AS a,
                avg(v) OVER (PARTITION BY athlete ORDER BY d ROWS 27 PRECEDING) AS c,
                count(*) OVER (PARTITION BY athlete ORDER BY d ROWS 27 PRECEDING) AS k
         FROM dense),
acwr AS (SELECT athlete, arg_max(CASE WHEN k >= 28 AND c > 0 THEN a / c END, d) AS acwr
         FROM roll GROUP BY athlete)
SELECT base.*, comp.*, ses.compliance_sessions, trend.best_e1rm_kg,
       trend.e1rm_trend_kg_per_week, acwr.acwr
FROM base LEFT JOIN comp USING (athlete) LEFT JOIN ses USING (athlete)
     LEFT JOIN trend USING (athlete) LEFT JOIN acwr USING (athlete)
ORDER BY athlete
"""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, folder: Path, workers: int = 1) -> dict:
    """One measured phase, in this process."""
    import pandas as pd

    import planner

    store = folder / "store"
    import deltalake  # noqa: F401  (imports are not what a phase measures)
    import duckdb  # noqa: F401

    import planner.clinic.cohort  # noqa: F401
    import planner.clinic.store  # noqa: F401

    t0 = time.perf_counter()
    out: dict = {}
    if name in ("ingest", "ingest-whole"):
        # ingest-whole: each export read in one piece (the reading before chunks), to compare
        r = planner.ingest(folder / "roster.csv", store, workers=workers,
                           chunk_bytes=1 << 60 if name == "ingest-whole" else None)
        logs = r.files[r.files["kind"] == "log"]
        out["sets"] = int(logs["rows_read"].sum())
        out["imported"] = int(logs["imported"].sum())
    elif name == "cohort":
        c = planner.cohort(store, as_of=AS_OF, cache=False)  # computed, never the kept table
        c.athletes.to_parquet(folder / "cohort_embedded.parquet")
        out["athletes"] = len(c.athletes)
    elif name == "sql":
        import duckdb

        st = planner.open_store(store)
        sets = [f for fs in st.files("sets").values() for f in fs]
        plans = [f for fs in st.files("plans").values() for f in fs]
        t0 = time.perf_counter()  # the file lists come from the Delta log, as for cohort
        with duckdb.connect() as con:
            df = con.execute(SQL, {"sets": sets, "plans": plans,
                                   "as_of": pd.Timestamp(AS_OF)}).df()
        df.to_parquet(folder / "cohort_sql.parquet")
        out["athletes"] = len(df)
    elif name == "dask":
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            t0 = time.perf_counter()
            c = planner.cohort(store, as_of=AS_OF, scheduler=cluster.scheduler_address)
            out["seconds"] = time.perf_counter() - t0
        c.athletes.to_parquet(folder / "cohort_dask.parquet")
    out.setdefault("seconds", time.perf_counter() - t0)
    out["peak_rss_mb"] = _rss_mb()
    # the largest worker process's peak (ingest with workers; 0 without)
    out["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def run(name: str, folder: Path, workers: int = 1) -> dict:
    res = subprocess.run([sys.executable, __file__, "--phase", name, str(folder),
                          str(workers)], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench(athletes: int, work: Path, dask: bool, reuse: bool = False,
          repeat: int = 3, workers: tuple[int, ...] = (1,)) -> None:
    import pandas as pd

    from benchmarks.make_cohort import make

    folder = work / f"cohort-{athletes}"
    if reuse and not (folder / "store").exists() and (work / f"cohort-{athletes}r").exists():
        folder = work / f"cohort-{athletes}r"  # a store of replicated athletes (make_cohort)
    if not (reuse and (folder / "store").exists()) and not (folder / "roster.csv").exists():
        made = make(folder, athletes)
        print(f"wrote {folder}: {made['athletes']} athletes, {made['sets']:,} sets")
    if reuse and (folder / "store").exists():
        print(f"{athletes} athletes: the store of an earlier run (no ingest figures)")
    else:
        for n in workers:
            if (folder / "store").exists():
                import shutil

                shutil.rmtree(folder / "store")
            ing = run("ingest", folder, n)
            print(f"{athletes} athletes: ingest with {n} worker{'s' * (n > 1)} "
                  f"{ing['sets']:,} sets in {ing['seconds']:.1f} s = "
                  f"{ing['sets'] / ing['seconds']:,.0f} sets/s, peak RSS "
                  f"{ing['peak_rss_mb']:.0f} MB"
                  + (f" + {n} x {ing['worker_rss_mb']:.0f} MB (workers)" if n > 1 else "")
                  + f" (load average {os.getloadavg()[0]:.1f})",
                  flush=True)
    # cohort and SQL alternate, each in a fresh process: the ratio of each pair is measured
    # under the same load; medians over the repeats.
    pairs = [(run("cohort", folder), run("sql", folder)) for _ in range(repeat)]
    for i, (co, sq) in enumerate(pairs, 1):
        print(f"  run {i}: cohort (embedded) {co['seconds']:.2f} s, peak RSS "
              f"{co['peak_rss_mb']:.0f} MB; hand-written DuckDB SQL {sq['seconds']:.2f} s, "
              f"peak RSS {sq['peak_rss_mb']:.0f} MB; ratio {co['seconds'] / sq['seconds']:.2f}x"
              f" (load average {os.getloadavg()[0]:.1f})")
    med = statistics.median
    print(f"  median of {repeat}: cohort {med(c['seconds'] for c, _ in pairs):.2f} s, SQL "
          f"{med(q['seconds'] for _, q in pairs):.2f} s, ratio "
          f"{med(c['seconds'] / q['seconds'] for c, q in pairs):.2f}x, cohort peak RSS "
          f"{med(c['peak_rss_mb'] for c, _ in pairs):.0f} MB")
    emb = pd.read_parquet(folder / "cohort_embedded.parquet")
    sql = pd.read_parquet(folder / "cohort_sql.parquet")
    for col in ("compliance_deadlift", "compliance_sessions", "best_e1rm_kg",
                "e1rm_trend_kg_per_week", "acwr"):
        diff = (emb[col].astype(float) - sql[col].astype(float)).abs().max()
        print(f"  |cohort - SQL| max on {col}: {diff:.2g}")
    if dask:
        dk = run("dask", folder)
        same = emb.equals(pd.read_parquet(folder / "cohort_dask.parquet"))
        print(f"  cohort on Dask (LocalCluster, 2 workers x 1 thread) {dk['seconds']:.2f} s; "
              f"same table as embedded: {same} (load average {os.getloadavg()[0]:.1f})")


def doubling(work: Path, base: Path, sizes=(50_000, 100_000, 200_000, 400_000)) -> None:
    """Peak RSS of ingesting one athlete's export as it doubles (one Strong file, its
    workouts repeated, each copy a minute later), each into a fresh store in its own
    process."""
    import pandas as pd

    one = pd.read_csv(base / "logs" / "a00000.csv", dtype=str, keep_default_na=False)
    for n in sizes:
        folder = work / f"doubling-{n}"
        if not (folder / "roster.csv").exists():
            (folder / "logs").mkdir(parents=True, exist_ok=True)
            reps = -(-n // len(one))
            parts = []
            for i in range(reps):  # the same workouts again, each a minute later
                part = one.copy()
                when = pd.to_datetime(part["Date"]) + pd.Timedelta(minutes=i)
                part["Date"] = when.dt.strftime("%Y-%m-%d %H:%M:%S")
                parts.append(part)
            pd.concat(parts).head(n).to_csv(folder / "logs" / "a.csv", index=False)
            pd.DataFrame([{"athlete": "a", "name": "A", "plan": "", "logs": "logs/a.csv",
                           "unit": "kg"}]).to_csv(folder / "roster.csv", index=False)
        out = {}
        for how in ("ingest", "ingest-whole"):
            if (folder / "store").exists():
                import shutil

                shutil.rmtree(folder / "store")
            out[how] = run(how, folder)
        r, w = out["ingest"], out["ingest-whole"]
        mb = (folder / "logs" / "a.csv").stat().st_size / 1e6
        print(f"one export of {r['sets']:,} sets ({mb:.0f} MB): ingest in chunks "
              f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB;"
              f" read whole {w['seconds']:.1f} s, peak RSS {w['peak_rss_mb']:.0f} MB "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--phase"]:  # one phase, in its own process (see bench)
        args = sys.argv[2:]
        print(json.dumps(phase(args[0], Path(args[1]), int(args[2]) if len(args) > 2 else 1)))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("athletes", nargs="*", type=int,
                    help="cohort sizes (default 200 1000; none with --doubling alone)")
    ap.add_argument("--work", type=Path, help="folder for the cohorts and stores "
                    "(default: a new temporary folder)")
    ap.add_argument("--no-dask", action="store_true", help="leave out the Dask cluster run")
    ap.add_argument("--reuse-store", action="store_true",
                    help="use a store already ingested in --work")
    ap.add_argument("--doubling", action="store_true",
                    help="also ingest one export doubling from 50,000 to 400,000 sets")
    ap.add_argument("--workers", default="1", help="ingest worker processes, e.g. 1,2")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each engine")
    args = ap.parse_args()
    sizes = args.athletes or ([] if args.doubling else [200, 1000])
    workers = tuple(int(x) for x in args.workers.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="planner-cohort-bench-"))
    for n in sizes:
        bench(n, work, not args.no_dask, args.reuse_store, args.repeat, workers)
    if args.doubling:  # one athlete's export of the smallest cohort, repeated
        from benchmarks.make_cohort import make

        base = work / f"cohort-{(sizes or [200])[0]}"
        if not (base / "logs" / "a00000.csv").exists():
            make(base, (sizes or [200])[0])
        doubling(work, base)


if __name__ == "__main__":
    main()
