"""Cohort of athletes who log pain: one vectorised analysis against N single analyses.

Run: .venv/bin/python benchmarks/bench_cohort_pain.py [ATHLETES] [--weeks W] [--seed S]
                                                         [--repeat N]

Builds ATHLETES (default 200) simulated 52-week logs of the default plan, with pain scores
(half calm, half with a flare week; tests/logkit.py's simulator: missed sessions, short
sets), and times, in this process, one after the other:
  cohort : ``planner.clinic.cohort.athlete_rows`` over all of them at once (the cohort's rules on
           frames in memory, as ``cohort`` runs them on each chunk of a store);
  one    : ``analyse`` of one log holding all their sets as one person's, against the
           plan (what "one analysis of the same number of sets" costs);
  each   : ``analyse`` of every athlete's log alone, against the plan (N analyses).
cohort and one are timed N times (3 by default) after a first call each, which is shown
apart (it pays for imports and DuckDB's start); medians are compared. N single analyses
run once. The issue's goal: the cohort costs about one analysis of the same number of
sets, not N.
It also checks that every athlete's pain status, compliance and ACWR in the cohort equal
their own analysis.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("athletes", nargs="?", type=int, default=200)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import planner
    from planner.analysis import analyse, programme_weeks
    from planner.clinic.cohort import athlete_rows
    from tests.logkit import simulate

    start = pd.Timestamp("2025-01-06")
    plan = planner.generate(planner.PlanConfig(weeks=args.weeks, start_date=start.date()))
    as_of = start + pd.Timedelta(weeks=args.weeks // 2, days=3)  # mid-programme
    logs = {f"a{i:05d}": simulate(plan.table, np.random.default_rng(args.seed + i),
                                  miss=0.2, short=0.2, pain=("flare", "calm")[i % 2])
            for i in range(args.athletes)}
    sets = pd.concat([lg.assign(athlete=a) for a, lg in logs.items()], ignore_index=True)
    plans = pd.concat([plan.table.assign(athlete=a) for a in logs], ignore_index=True)
    print(f"{args.athletes} athletes, {len(sets):,} sets, as of {as_of:%Y-%m-%d}")

    def timed(fn) -> tuple[float, list[float], object]:
        times = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return times[0], times[1:], out

    cohort_first, cohort_times, (rows, _) = timed(lambda: athlete_rows(sets, plans, as_of))
    one_first, one_times, _ = timed(lambda: analyse(sets.drop(columns="athlete"), plan,
                                                    as_of=as_of))
    cohort_s, one_s = statistics.median(cohort_times), statistics.median(one_times)
    t = time.perf_counter()
    single = {a: analyse(lg[lg["date"] <= as_of], plan, as_of=as_of) for a, lg in logs.items()}
    each_s = time.perf_counter() - t

    rows = rows.set_index("athlete")
    now = int(programme_weeks(pd.Series([as_of]), start).iloc[0])
    bad = 0
    for a, an in single.items():
        pw = an.pain_weeks
        this = pw.loc[pw["week"] == now, "status"]
        bad += rows.loc[a, "pain_status"] != (this.iloc[0] if len(this) else "no pain data")
        bad += not np.isclose(rows.loc[a, "compliance_sessions"],
                              an.summary["compliance_sessions"], equal_nan=True)
        last = an.acwr["rolling_coupled"].iloc[-1]
        bad += not np.isclose(rows.loc[a, "acwr"], last, equal_nan=True)
    def runs(times: list[float]) -> str:
        return ", ".join(f"{x:.2f}" for x in times)

    print(f"  cohort (all at once)        {cohort_s:7.2f} s   median of {runs(cohort_times)}; "
          f"first call {cohort_first:.2f} s")
    print(f"  one analysis, as many sets  {one_s:7.2f} s   median of {runs(one_times)}; "
          f"first call {one_first:.2f} s")
    print(f"  cohort / one = {cohort_s / one_s:.2f}")
    print(f"  {args.athletes} single analyses      {each_s:7.2f} s   cohort / N = "
          f"{cohort_s / each_s:.3f}")
    print(f"  athletes whose cohort row differs from their own analysis: {bad}")
    print(f"  pain status now: {rows['pain_status'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
