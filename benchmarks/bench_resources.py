"""Resources of the log readers: big files, and small files with pathological values.

Run: .venv/bin/python benchmarks/bench_resources.py [MB]

Generates (fixed seeds) a Strong export and a filled-in log template of about MB
megabytes each (default 200), then reads each with ``read_log`` in a fresh process
and prints the time, the throughput (MB/s) and the peak resident memory
(``ru_maxrss``). Then the pathological small cases, each read and analysed in a fresh
process: dates in year 0001 and on 9999-12-31, 5 MB of rows with the wrong number of
fields, and reps of 1e20. Goals: read_log within 1.5 GB per million sets; each small
case under 2 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
STRONG_HEAD = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
               "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]
EXERCISES = (["Deadlift (Barbell)", "Glute Bridge", "Lying Spinal Twist",
                      "Romanian Deadlift (Barbell)", "Squat (Barbell)", "Bench Press (Barbell)",
                      "Hip Thrust (Barbell)", "Pull Up"])

READ = """
import json, resource, sys, time
t0 = time.perf_counter()
from planner.logs import read_log
t1 = time.perf_counter()
log = read_log(sys.argv[1], unit=sys.argv[2] if len(sys.argv) > 2 else None)
t2 = time.perf_counter()
print(json.dumps({"read": t2 - t1, "rows": log.rows_read, "imported": log.rows_imported,
                  "rejected": log.rows_rejected,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SMALL = """
import json, resource, sys, time
from planner.analysis import analyse
from planner.logs import read_log
t0 = time.perf_counter()
log = read_log(sys.argv[1], unit="kg")
analyse(log)
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "rows": log.rows_read, "imported": log.rows_imported,
                  "rejected": log.rows_rejected,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def strong_export(path: Path, megabytes: float, seed: int = 7) -> int:
    """A Strong export (comma, no unit column) of about ``megabytes``; returns the sets."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    per_row = 69  # bytes a row, about
    n = int(megabytes * 1e6 / per_row)
    sets_per_session = 18
    sessions = -(-n // sets_per_session)
    last = pd.Timestamp(date.today() - timedelta(days=1)) + pd.Timedelta(hours=18)
    # a session every 2 hours, ending yesterday: ~36 years of history for 200 MB, all after
    # 1970 (a denser history than any lifter's: the cost is per row, not per day)
    starts = last - pd.to_timedelta(np.arange(sessions)[::-1] * 2, unit="h")
    session = np.arange(n) // sets_per_session
    exercise = np.array(EXERCISES)[rng.integers(0, len(EXERCISES), n)]
    order = (np.arange(n) % 3 + 1).astype(str).astype(object)
    order[rng.random(n) < 0.1] = "W"
    weight = np.round(rng.uniform(20, 180, n) / 2.5) * 2.5
    bodyweight = np.isin(exercise, ["Glute Bridge", "Lying Spinal Twist", "Pull Up"])
    frame = pd.DataFrame({
        "Date": starts[session].strftime("%Y-%m-%d %H:%M:%S"),
        "Workout Name": np.where(session % 2, "Back day", "Legs"),
        "Duration": "1h 6m",
        "Exercise Name": exercise,
        "Set Order": order,
        "Weight": np.where(bodyweight, 0.0, weight),
        "Reps": np.where(exercise == "Lying Spinal Twist", 0, rng.integers(5, 16, n)),
        "Distance": 0,
        "Seconds": np.where(exercise == "Lying Spinal Twist", rng.integers(5, 11, n), 0),
        "Notes": np.where(rng.random(n) < 0.05, "felt good, back fine", ""),
        "Workout Notes": "",
        "RPE": np.where(rng.random(n) < 0.3, rng.integers(6, 10, n).astype(str), ""),
    })
    frame.to_csv(path, index=False, columns=STRONG_HEAD)
    return n


def template_log(path: Path, megabytes: float) -> int:
    """A filled-in log template of about ``megabytes`` (benchmarks/make_big_log.py)."""
    sets = int(megabytes * 1e6 / 128)
    subprocess.run([sys.executable, str(HERE / "make_big_log.py"), str(path), str(sets)],
                   check=True, capture_output=True)
    return sets


def make(kind: str, path: Path, megabytes: float) -> int:
    """Write a big file in a child process, so that this one stays small: a child's
    ``ru_maxrss`` starts from its parent's resident size at the fork."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import bench_resources as b; "
            f"print(b.{kind}(__import__('pathlib').Path({str(path)!r}), {megabytes}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[-1])


def small_cases(folder: Path) -> dict[str, Path]:
    head = ",".join(STRONG_HEAD) + "\n"
    row = "{day},A,52m,Deadlift (Barbell),{order},60,{reps},0,0,,,\n"
    ok = row.format(day="2024-03-04 18:00:00", order=1, reps=10)
    cases = {
        "year 0001": head + row.format(day="0001-01-01 00:00:00", order=1, reps=10) + ok,
        "9999-12-31": head + row.format(day="9999-12-31 23:59:59", order=1, reps=10) + ok,
        "reps 1e20": head + row.format(day="2024-03-04 18:00:00", order=2, reps="1e20") + ok,
    }
    ragged = "2024-03-04 18:00:00,A,52m,Deadlift (Barbell),1,60\n"
    cases["5 MB ragged rows"] = head + ok + ragged * (5_000_000 // len(ragged))
    out = {}
    for name, text in cases.items():
        out[name] = folder / (name.replace(" ", "_") + ".csv")
        out[name].write_text(text)
    return out


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, kind, unit in (("Strong export", "strong_export", "kg"),
                                 ("log template", "template_log", None)):
            path = tmp / f"{name.split()[0].lower()}.csv"
            sets = make(kind, path, megabytes)
            size = path.stat().st_size / 1e6
            r = run(READ, str(path), *([unit] if unit else []))
            budget = 1500 * sets / 1e6
            print(f"{name}: {size:.0f} MB, {r['rows']:,} rows ({r['imported']:,} imported, "
                  f"{r['rejected']:,} rejected): read_log {r['read']:.1f} s = "
                  f"{size / r['read']:.1f} MB/s; peak RSS {r['peak_mb']:.0f} MB "
                  f"(budget {budget:.0f} MB at 1.5 GB per million sets)")
            path.unlink()
        for name, path in small_cases(tmp).items():
            r = run(SMALL, str(path))
            verdict = "ok" if r["seconds"] < 2 else "OVER 2 s"
            print(f"{name} ({path.stat().st_size / 1e6:.1f} MB): read_log + analyse "
                  f"{r['seconds']:.2f} s ({verdict}); {r['rows']:,} rows, {r['imported']} "
                  f"imported, {r['rejected']:,} rejected; peak RSS {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
