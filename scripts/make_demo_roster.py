"""Write the small demo roster in data/roster/ (notebook 04 and the coach page use it).

Five athletes, each a folder with their plan and what they logged up to AS_OF
(a fixed day, so that the notebook shows the same flags on any machine):

- ana:  followed the plan, pain low: no flags, due (the plan ends within 7 days);
- ben:  skipped half the sessions and left pain blank: low compliance, no pain data;
- cleo: pain 7/10 during the last week: a stop rule (pain rules broken);
- dev:  a Strong export of deadlifts only, last one three weeks ago, no plan:
        no log for 10 days, no pain data, due;
- eli:  a 12-week plan not yet half done, the deadlift doubled last week: ACWR >= 1.5.

Run: ``python scripts/make_demo_roster.py`` (fixed seed; writes the same files each time).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402

OUT = ROOT / "data" / "roster"
AS_OF = pd.Timestamp("2026-03-01")  # a Sunday: the day notebook 04 analyses the roster for
STRONG_HEADER = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                 "Seconds,Notes,Workout Notes,RPE")


def _log(plan: planner.Plan, path: Path, rng: np.random.Generator, *, skip: float = 0.0,
         skip_exercise: str | None = None, pain: bool = True, stop_from: str | None = None,
         double_from: str | None = None) -> None:
    """The plan's sets up to AS_OF as done, in our log template; ``skip``: the share of
    ``skip_exercise``'s sessions (of all sessions when None) left out; pain 1-3 a day
    (7 during from ``stop_from``); deadlift loads doubled from ``double_from``."""
    planner.write_log_template(plan.table, path)
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t = t[pd.to_datetime(t["date"]) <= AS_OF].copy()
    done = pd.Series(True, index=t.index)
    if skip:
        which = t["exercise"] == skip_exercise if skip_exercise else done
        sessions = t.loc[which, "session_id"].unique()
        left_out = set(rng.choice(sessions, int(round(skip * len(sessions))), replace=False))
        done &= ~(which & t["session_id"].isin(left_out))
    t.loc[done, "done_reps"] = t.loc[done, "target_reps"]
    t.loc[done, "done_hold_s"] = t.loc[done, "target_hold_s"]
    t.loc[done, "done_load_kg"] = t.loc[done, "load_kg"]
    if double_from:
        late = done & (t["exercise"] == "deadlift") & (t["date"] >= double_from)
        t.loc[late, "done_load_kg"] = (pd.to_numeric(t.loc[late, "load_kg"]) * 2).map("{:g}".format)
    if pain:
        for col in ("pain_during", "pain_after", "pain_next_morning"):
            t.loc[done, col] = rng.integers(1, 4, done.sum()).astype(str)
        if stop_from:
            t.loc[done & (t["date"] >= stop_from), "pain_during"] = "7"
    t.to_csv(path, index=False)


def _strong(path: Path) -> None:
    """Weekly deadlifts in Strong's export, the last on 2026-02-08."""
    days = pd.date_range("2025-12-07 18:00", "2026-02-08 18:00", freq="7D")
    rows = []
    for i, d in enumerate(days):
        for s in (1, 2, 3):
            rows.append(f'{d:%Y-%m-%d %H:%M:%S},"Pull",40m,"Deadlift (Barbell)",{s},'
                        f'{60 + 2.5 * i},8,0,0,,,')
    path.write_text("\n".join([STRONG_HEADER, *rows]) + "\n")


def main() -> None:
    rng = np.random.default_rng(2026)
    if OUT.exists():
        shutil.rmtree(OUT)
    eight = planner.generate(planner.PlanConfig(weeks=8, start_date="2026-01-05",
                                                training_days=("mon", "thu")))
    twelve = planner.generate(planner.PlanConfig(weeks=12, start_date="2026-01-26",
                                                 training_days=("mon", "thu")))
    for name, plan, kwargs in (
            ("ana", eight, {}),
            ("ben", eight, {"skip": 0.5, "pain": False}),
            ("cleo", eight, {"stop_from": "2026-02-23"}),
            ("eli", twelve, {"double_from": "2026-02-23"})):
        folder = OUT / name
        folder.mkdir(parents=True)
        plan.to_csv(folder / "plan.csv")
        _log(plan, folder / "log.csv", rng, **kwargs)
    (OUT / "dev").mkdir(parents=True)
    _strong(OUT / "dev" / "strong.csv")
    print(f"wrote {sum(1 for _ in OUT.rglob('*.csv'))} files in {OUT}")


if __name__ == "__main__":
    main()
