"""Write a filled-in log template of about 1,000,000 sets (for the log benchmark).

Run: .venv/bin/python benchmarks/make_big_log.py OUT.csv [SETS]
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planner import PlanConfig, generate
from planner.export import plan_to_frame
from planner.logs.template import template_columns
from planner.programme import Plan


def big_plan(sets: int) -> Plan:
    """104-week blocks until ``sets`` rows, all between 1978 and yesterday (the readers
    reject dates before 1970): past 24 blocks, later blocks repeat earlier dates."""
    start = date.today() - timedelta(weeks=104, days=7)
    start -= timedelta(days=start.weekday())
    block = generate(PlanConfig(weeks=104, start_date=start, deadlift_start_load=60))
    n = -(-sets // len(block.table))
    parts = []
    for i in range(n):
        t = block.table.copy()
        t["date"] = t["date"] - pd.Timedelta(weeks=104 * ((n - 1 - i) % 24))
        t["week"] = t["week"] + 104 * i
        sid = "W" + t["week"].astype(str).str.zfill(5) + "D" + t["day"].astype(str)
        t["session_id"] = sid
        t["key"] = sid + "-" + t["exercise"] + "-" + t["set"].astype(str) + "-" + t["side"]
        parts.append(t)
    table = pd.concat(parts, ignore_index=True).iloc[:sets]
    return Plan(table.reset_index(drop=True), unit="kg")


def fill(plan: Plan, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = plan_to_frame(plan)
    n = len(f)
    done = rng.random(n) < 0.9
    reps = plan.table["target_reps"].astype("Float64")
    delta = rng.integers(-2, 2, n)
    f["done_reps"] = (reps + delta).clip(lower=0).astype("Int64").astype(str).where(
        done & reps.notna().to_numpy(), "")
    f["done_hold_s"] = plan.table["target_hold_s"].astype(str).where(
        done & plan.table["target_hold_s"].notna().to_numpy(), "")
    f["done_load_kg"] = ""
    f["rpe"] = np.where(done & (plan.table["exercise"] == "deadlift"),
                        rng.integers(5, 9, n).astype(str), "")
    for col in ("pain_during", "pain_after", "pain_next_morning"):
        f[col] = np.where(done, rng.integers(0, 5, n).astype(str), "")
    f["session_rpe"] = np.where(done, rng.integers(3, 7, n).astype(str), "")
    f["session_min"] = np.where(done, "20", "")
    f["note"] = ""
    return f[template_columns("kg")]


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "big_log.csv"
    sets = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    fill(big_plan(sets)).to_csv(out, index=False)
    print(f"wrote {out}: {sets} sets, ending {date.today() - timedelta(days=1)} or earlier")


if __name__ == "__main__":
    main()
