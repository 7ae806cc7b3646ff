"""Coach benchmark: opening the coach page on a store of N athletes, and the zip of next
blocks for the athletes due.

Run: .venv/bin/python benchmarks/bench_coach.py [ATHLETES] [--due N] [--repeat N]
                                                [--work DIR] [--no-reference]
     (default 1000 athletes, 100 due; the issue's goals: the page in 3 s, the zip of 100
     next blocks in 10 s, on a 2-core machine)

The store is built once and reused (under --work, default /tmp/planner-bench-coach):
benchmarks/make_cohort.py's synthetic cohort (52-week plans, Strong logs) with one plan
start per N/due athletes, so that as of the day before the first plan ends about ``due``
athletes are due a next block (their plan ends within 7 days). Times, each the median of
``--repeat`` runs in this process (imports done before):

- page: ``CoachApp(store)`` until the roster table is shown (open_store, cohort,
  roster_flags, the table's rows: the page's "refresh"), first with nothing kept for the
  day (the store's ``cache/`` removed before each run: the first opening after an ingest
  or on a new day), then opened again (the cohort table kept in the store);
- cohort: ``cohort(store)`` computed (``cache=False``); reference: the hand-written
  DuckDB SQL of benchmarks/bench_cohort.py (the same per-athlete aggregates, no pain);
  and read back from the store;
- roster_flags, and the table's rows (``RosterTable.show``);
- zip: ``next_blocks_zip`` for everyone due (the page's download); reference: the same
  blocks one athlete at a time (each athlete's sets and plans read on their own, the
  calendar through icalendar, the CSV through pandas: the code path before the batched
  one), run once.
Only times are printed; nothing is checked.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(work: Path, athletes: int, due: int) -> tuple[Path, object]:
    """The store of ``athletes`` synthetic athletes (made and ingested once, then reused)
    and the day as of which about ``due`` of them are due a next block."""
    import pandas as pd

    import benchmarks.make_cohort as make_cohort
    import planner

    plans = max(1, round(athletes / max(1, due)))
    make_cohort.PLANS = plans  # one plan start a week, N/due athletes on each
    folder = work / f"cohort-{athletes}-plans{plans}"
    store = folder / "store"
    if not (store / "store.json").exists():
        t = time.perf_counter()
        made = make_cohort.make(folder, athletes)
        print(f"wrote {folder}: {made['athletes']} athletes, {made['sets']:,} sets "
              f"({time.perf_counter() - t:.0f} s)", flush=True)
        t = time.perf_counter()
        planner.ingest(folder / "roster.csv", store, workers=None)
        print(f"ingested into {store} ({time.perf_counter() - t:.0f} s)", flush=True)
    first_end = pd.read_csv(folder / "plans" / "plan0.csv", usecols=["date"])["date"].max()
    # The first plan ends within 7 days of this day, the next one (a week later) does not.
    return store, pd.Timestamp(first_end) - pd.Timedelta(days=1)


def timed(fn, repeat: int) -> tuple[float, list[float], object]:
    """Median and all wall times of ``repeat`` calls, and the last result."""
    runs, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs, out


def sql_cohort(store, as_of):
    """The hand-written DuckDB SQL of bench_cohort.py on the store's current files."""
    import duckdb
    import pandas as pd

    from benchmarks.bench_cohort import SQL
    from planner.clinic.store import open_store

    st = open_store(store)
    sets = [f for fs in st.files("sets").values() for f in fs]
    plans = [f for fs in st.files("plans").values() for f in fs]
    with duckdb.connect() as con:
        return con.execute(SQL, {"sets": sets, "plans": plans,
                                 "as_of": pd.Timestamp(as_of)}).df()


def one_at_a_time(store, flags, as_of) -> int:
    """The next blocks of everyone due as the zip held them before it read them all at
    once: each athlete's plan and sets read on their own, the calendar through icalendar
    and the CSV through pandas; the zipped size in bytes."""
    import io
    import zipfile

    import pandas as pd

    from planner.clinic.athlete import athlete_log, athlete_plan
    from planner.files.calendar import plan_ics
    from planner.files.plan_csv import plan_to_frame
    from planner.files.sheet import sheet_html
    from planner.nextblock import next_block

    as_of = pd.Timestamp(as_of).normalize()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for a in flags.loc[flags["due_next_block"], "athlete"]:
            try:
                _, plan = athlete_plan(store, a)
                block = next_block(plan, athlete_log(store, a), today=as_of.date())
            except Exception:  # noqa: BLE001 (as the zip: reported, not fatal)
                continue
            stem = f"{a}/next-block-{block.table['date'].min():%Y-%m-%d}"
            z.writestr(f"{stem}.csv", plan_to_frame(block).to_csv(index=False))
            z.writestr(f"{stem}.ics", plan_ics(block))
            z.writestr(f"{stem}-sheet.html", sheet_html(block))
    return len(buf.getvalue())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("athletes", nargs="?", type=int, default=1000)
    ap.add_argument("--due", type=int, default=100, help="about how many are due (100)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each step (3)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/planner-bench-coach"),
                    help="where the synthetic store is kept between runs")
    ap.add_argument("--no-reference", action="store_true",
                    help="leave out the references (hand-written SQL, one athlete at a time)")
    args = ap.parse_args()
    store, as_of = build(args.work, args.athletes, args.due)

    import pandas as pd  # noqa: F401  (imports are not what is measured)

    from planner.clinic.coach_page import CoachApp, RosterTable
    from planner.clinic.cohort import cohort
    from planner.clinic.flags import roster_flags
    from planner.clinic.next_blocks import next_blocks_zip
    from planner.clinic.store import open_store

    n, rep = args.athletes, args.repeat
    print(f"{n} athletes, as of {as_of:%Y-%m-%d}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; medians of {rep} runs", flush=True)
    rows = []
    kept = "cache" in inspect.signature(cohort).parameters  # older code keeps nothing

    def cold_page():
        shutil.rmtree(store / "cache", ignore_errors=True)
        return CoachApp(store, as_of=as_of, search=[])

    page, page_runs, app = timed(cold_page, rep)
    due = int(app.flags["due_next_block"].sum())
    rows.append(("page: CoachApp(store), first opening", page, page_runs, None, "3 s"))
    if kept:
        page, page_runs, _ = timed(lambda: CoachApp(store, as_of=as_of, search=[]), rep)
        rows.append(("page: CoachApp(store), opened again", page, page_runs, None, "3 s"))
    computed = {"cache": False} if kept else {}
    co, co_runs, result = timed(lambda: cohort(store, as_of=as_of, **computed), rep)
    ref = None
    if not args.no_reference:
        ref = timed(lambda: sql_cohort(store, as_of), rep)[0]
    rows.append(("  cohort, computed", co, co_runs, ref and ("hand-written SQL", ref), ""))
    if kept:
        cohort(store, as_of=as_of)
        co, co_runs, _ = timed(lambda: cohort(store, as_of=as_of), rep)
        rows.append(("  cohort, kept in the store", co, co_runs, None, ""))
    fl, fl_runs, flags = timed(lambda: roster_flags(result.athletes, as_of), rep)
    rows.append(("  roster_flags", fl, fl_runs, None, ""))
    table = RosterTable()
    tr, tr_runs, _ = timed(lambda: table.show(flags), rep)
    rows.append(("  table rows (RosterTable.show)", tr, tr_runs, None, ""))
    st = open_store(store)
    zp, zp_runs, z = timed(lambda: next_blocks_zip(st, flags, as_of), rep)
    ref = None
    if not args.no_reference:
        t = time.perf_counter()
        one_at_a_time(st, flags, as_of)
        ref = ("one athlete at a time, 1 run", time.perf_counter() - t)
    rows.append((f"zip: next blocks of the {due} due", zp, zp_runs, ref, "10 s"))

    print(f"\n{'step':44s} {'median':>8s}  {'runs':20s} {'goal':>5s}  reference")
    for name, med, runs, ref, goal in rows:
        said = f"{ref[0]} {ref[1]:.2f} s (this step: {med / ref[1]:.2f}x that)" if ref else ""
        print(f"{name:44s} {med:7.2f}s  {' '.join(f'{r:.2f}' for r in runs):20s} {goal:>5s}  "
              f"{said}")
    print(f"\nzip: {len(z.data) / 1e6:.1f} MB, {len(z.built)} blocks built, "
          f"{len(z.failed)} not; {zp / max(1, due) * 1000:.0f} ms an athlete. "
          f"Load average now {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":  # ingest's worker processes start this file again
    main()
