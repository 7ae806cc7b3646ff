"""Write a synthetic cohort: ATHLETES athletes x WEEKS weeks, as a roster CSV, a few shared plan
files and one Strong export per athlete (fixed seed: the same files every run).

Run: .venv/bin/python benchmarks/make_cohort.py OUT_DIR [ATHLETES] [WEEKS] [SEED]
     .venv/bin/python benchmarks/make_cohort.py --replicate SRC_STORE DST_STORE TIMES

Each athlete follows one of seven 52-week plans (start Mondays a week apart) and logs in
Strong: every planned set of the sessions they did (each athlete skips a share of sessions
drawn from 0-40 %, and some stop logging before the end), deadlift loads as planned with
the odd missed rep. About 2,000 sets an athlete-year (10,000 athletes: about 20 M sets).
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from planner import PlanConfig, generate

NAMES = {"deadlift": "Deadlift (Barbell)", "glute_bridge": "Glute Bridge",
         "rotational_stretch": "Lower Back Rotational Stretch"}
PLANS = 7
HEADER = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps",
          "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]


def make(out: Path, athletes: int, weeks: int = 52, seed: int = 20260101) -> dict[str, int]:
    """Write the cohort under ``out``; return counts (athletes, sets)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "plans").mkdir(exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    first = date(2025, 1, 6)
    plans = []
    for i in range(PLANS):
        plan = generate(PlanConfig(weeks=weeks, start_date=first + timedelta(weeks=i),
                                   deadlift_start_load=40 + 5 * i))
        path = out / "plans" / f"plan{i}.csv"
        if not path.exists():
            plan.to_csv(path)
        plans.append(plan.table)
    roster = []
    total = 0
    for a in range(athletes):
        aid = f"a{a:05d}"
        k = int(rng.integers(PLANS))
        t = plans[k]
        sessions = t["session_id"].unique()
        miss = rng.uniform(0, 0.4)
        stop = len(sessions) if rng.random() < 0.8 else int(rng.integers(len(sessions) // 4,
                                                                         len(sessions)))
        kept = sessions[:stop][rng.random(stop) >= miss]
        d = t[t["session_id"].isin(kept)]
        reps = d["target_reps"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        cut = (d["exercise"] == "deadlift").to_numpy() & (rng.random(len(d)) < 0.1)
        reps[cut] -= 1
        hold = d["target_hold_s"].to_numpy(dtype=float, na_value=np.nan)
        when = d["date"] + pd.Timedelta(hours=17)  # a workout's start, as Strong writes it
        frame = pd.DataFrame({
            "Date": when.dt.strftime("%Y-%m-%d %H:%M:%S"), "Workout Name": "Back",
            "Duration": "35m", "Exercise Name": d["exercise"].map(NAMES),
            "Set Order": d.groupby(["session_id", "exercise"]).cumcount() + 1,
            "Weight": d["load_kg"].astype("Float64").fillna(0).to_numpy(dtype=float),
            "Reps": np.nan_to_num(reps, nan=0).astype(int),
            "Distance": 0, "Seconds": np.nan_to_num(hold, nan=0).astype(int),
            "Notes": "", "Workout Notes": "", "RPE": ""})
        path = out / "logs" / f"{aid}.csv"
        frame.to_csv(path, index=False, columns=HEADER)
        total += len(frame)
        roster.append({"athlete": aid, "name": f"Athlete {a}", "plan": f"plans/plan{k}.csv",
                       "logs": f"logs/{aid}.csv", "unit": "kg"})
    pd.DataFrame(roster).to_csv(out / "roster.csv", index=False)
    return {"athletes": athletes, "sets": total}


def main() -> None:
    if sys.argv[1] == "--replicate":  # --replicate SRC_STORE DST_STORE TIMES
        print(replicate(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])), "athletes")
        return
    out = Path(sys.argv[1])
    athletes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    weeks = int(sys.argv[3]) if len(sys.argv) > 3 else 52
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20260101
    print(make(out, athletes, weeks, seed))



def replicate(src: Path, dst: Path, times: int) -> int:
    """A store of ``times`` x the athletes of the store ``src``: each athlete's Parquet files
    linked under ``times`` new ids (``r1a00000``, ...), added in one Delta commit per table.
    For the cohort's scaling figures where ingesting the larger cohort would take too long;
    returns the number of athletes."""
    import json
    import os

    from deltalake import DeltaTable
    from deltalake.transaction import AddAction

    from planner.clinic.store import PLANS_SCHEMA, SETS_SCHEMA, open_store

    st = open_store(src)
    out = open_store(dst, create=True)
    ids = set()
    for name, schema in (("sets", SETS_SCHEMA), ("plans", PLANS_SCHEMA)):
        actions = []
        for athlete, files in st.files(name).items():
            for k in range(times):
                new = f"r{k}{athlete}"
                ids.add(new)
                for f in files:
                    rel = f"athlete={new}/{Path(f).name}"
                    target = out.path / name / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if not target.exists():
                        os.link(f, target)
                    size = target.stat().st_size
                    actions.append(AddAction(rel, size, {"athlete": new},
                                             int(target.stat().st_mtime * 1000), True,
                                             json.dumps({"numRecords": 0})))
        DeltaTable.create(str(out.path / name), schema=schema, partition_by=["athlete"])
        DeltaTable(str(out.path / name)).create_write_transaction(
            actions, mode="append", schema=schema, partition_by=["athlete"])
    return len(ids)


if __name__ == "__main__":
    main()
