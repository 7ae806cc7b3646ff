"""Write the sample plan and a realistic 12-week log of it into data/.

The log follows the default programme (deadlift from 40 kg) with what real
training looks like: a few missed stretch days and sessions, sets one rep
short or over, a bad week (week 7) when pain breaks the pain-monitoring
rules and the deadlift falls short, then a recovery. Fixed seed: the files
are the same on every run.

Run: .venv/bin/python scripts/make_sample_log.py [--force]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from planner import PlanConfig, generate
from planner.files.plan_csv import plan_to_frame
from planner.files.safewrite import write_atomic
from planner.logs.template import template_columns

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = 20260803
BAD_WEEK = 7


def sample_plan():
    return generate(PlanConfig(start_date=date(2026, 8, 3), weeks=12, deadlift_start_load=40))


def sample_log(plan) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    t = plan.table
    f = plan_to_frame(plan)
    for col in template_columns("kg")[len(t.columns):]:
        f[col] = ""
    sessions = t.groupby("session_id", sort=False).agg(
        week=("week", "first"), exercises=("exercise", lambda s: set(s)))
    for sid, s in sessions.iterrows():
        week, training = int(s["week"]), "glute_bridge" in s["exercises"]
        bad = week == BAD_WEEK
        missed = (sid == "W06D5") or rng.random() > (0.94 if training else 0.82)
        if missed:
            continue
        rows = t.index[t["session_id"] == sid]
        base_pain = max(0.0, 3.2 - 0.2 * week)
        for i in rows:
            ex = t.at[i, "exercise"]
            if ex == "deadlift":
                target = int(t.at[i, "target_reps"])
                delta = -int(rng.integers(2, 4)) if bad else int(rng.choice([-1, 0, 0, 0, 0, 1]))
                f.at[i, "done_reps"] = str(max(1, target + delta))
                f.at[i, "rpe"] = str(int(rng.integers(6, 9)) + (1 if bad else 0))
            elif ex == "glute_bridge":
                f.at[i, "done_reps"] = str(int(t.at[i, "target_reps"]) - (3 if bad else 0))
            else:
                hold = float(t.at[i, "target_hold_s"]) - (2 if bad else 0)
                f.at[i, "done_hold_s"] = f"{max(3.0, hold):g}"
            if ex != "rotational_stretch" or not training:
                during = 6 + int(rng.integers(0, 2)) if bad else round(
                    base_pain + rng.normal(0, 0.6))
                f.at[i, "pain_during"] = str(int(np.clip(during, 0, 10)))
                f.at[i, "pain_after"] = str(int(np.clip(during + (0 if bad else -1), 0, 10)))
        first = rows[0]
        morning = 4 + int(rng.integers(0, 2)) if bad else round(base_pain - 1 + rng.normal(0, 0.4))
        f.loc[rows, "pain_next_morning"] = str(int(np.clip(morning, 0, 10)))
        f.at[first, "session_rpe"] = str(int(rng.integers(4, 7)) + (2 if bad else 0)
                                         if training else int(rng.integers(1, 3)))
        f.at[first, "session_min"] = str(int(rng.integers(25, 36)) if training else 5)
        if bad and training and sid.endswith("D1"):
            f.at[first, "note"] = "lifted a heavy box at work on Sunday; back tight"
        if week == BAD_WEEK + 1 and sid.endswith("D1"):
            f.at[first, "note"] = "much better; kept it easy"
    return f[template_columns("kg")]


def main() -> None:
    force = "--force" in sys.argv
    plan = sample_plan()
    print(plan.to_csv(DATA / "sample_plan.csv", overwrite=force))
    log = sample_log(plan)
    print(write_atomic(DATA / "sample_log.csv", lambda fh: log.to_csv(fh, index=False),
                       overwrite=force))


if __name__ == "__main__":
    main()
