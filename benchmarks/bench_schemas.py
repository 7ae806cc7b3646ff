"""What checking a table against its schema costs, against the ingest it guards.

Run: .venv/bin/python benchmarks/bench_schemas.py [SETS] [--athletes N] [--work DIR]
     (default 1,000,000 sets: a Strong export written by make_big_log.py; and a cohort of
     200 athletes x 52 weeks written by make_cohort.py)

Prints the time to read the export (``read_log``), to ingest it into a new store
(``planner.ingest``: read in chunks, dedupe, Parquet, Delta commit; it checks every
chunk before it writes it) and to check the whole table at once with
``planner.schemas.check_table``: the log row (``LOG_ROW``) and the stored set
(``STORED_SET``), with the value checks and with the columns, dtypes and blanks only.
The share is the check's time over the ingest's.

A check has a fixed cost too (a few ms a call, whatever the rows): the cohort phase
ingests many small exports (one plan and one export an athlete, each checked before it
is written) and times the checks inside the ingest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_big_log import write  # noqa: E402
from make_cohort import make  # noqa: E402

import planner  # noqa: E402
import planner.clinic.store as store  # noqa: E402
from planner.clinic.store import _log_rows, ingest  # noqa: E402
from planner.schemas import LOG_ROW, STORED_SET, check_table  # noqa: E402


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def cohort(work: Path, athletes: int) -> None:
    """Ingest a cohort of small exports, each into a new store, with the store's check timed
    inside the ingest (CPU time of this process, so that other work on the machine counts
    less): with the value checks and with the columns, dtypes and blanks only."""
    folder = work / "cohort"
    make(folder, athletes)
    checked, values = store.check_table, store.CHECK_VALUES
    spent = [0.0, 0]

    def timed(*args, **kwargs):
        t = time.process_time()
        try:
            return checked(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - t
            spent[1] += 1

    for run, label in enumerate(("values, dtypes, blanks", "columns, dtypes, blanks only")):
        spent[:] = [0.0, 0]
        store.check_table, store.CHECK_VALUES = timed, run == 0
        try:
            t, c = time.perf_counter(), time.process_time()
            r = ingest(folder / "roster.csv", work / f"store-{run}")
            wall, cpu = time.perf_counter() - t, time.process_time() - c
        finally:
            store.check_table, store.CHECK_VALUES = checked, values
        sets = int(r.files["imported"].sum())
        print(f"cohort of {athletes} athletes ({sets:,} sets), the store's check ({label}): "
              f"ingest {wall:.1f} s ({cpu:.1f} s CPU); {spent[1]} checks, {spent[0]:.2f} s CPU "
              f"= {100 * spent[0] / cpu:.1f} % of the ingest's CPU, "
              f"{1000 * spent[0] / spent[1]:.1f} ms a check")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--athletes", type=int, default=200)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        export = work / "athlete" / "strong.csv"
        export.parent.mkdir()
        write(str(export), args.sets, "strong")
        t = time.perf_counter()
        log = planner.read_log(export, unit="kg")
        read_s = time.perf_counter() - t
        rows = _log_rows(log, "athlete", "0" * 64)
        n = len(log.table)
        print(f"{n:,} sets read in {read_s:.1f} s (read_log, one piece)")

        t = time.perf_counter()
        ingest(work, work / "store", unit="kg")
        ingest_s = time.perf_counter() - t
        print(f"ingest into a new store: {ingest_s:.1f} s (checks included)")

        for label, frame, schema in (("log row", log.table, LOG_ROW),
                                     ("stored set", rows, STORED_SET)):
            for values in (True, False):
                s = best(lambda f=frame, sc=schema, v=values: check_table(f, sc, values=v))
                what = "values, dtypes, blanks" if values else "columns, dtypes, blanks only"
                print(f"check {label} ({what}): {s:.2f} s = {100 * s / ingest_s:.1f} % of "
                      f"the ingest, {1e9 * s / n:.0f} ns a set")
        if args.athletes:
            cohort(work, args.athletes)


if __name__ == "__main__":
    main()
