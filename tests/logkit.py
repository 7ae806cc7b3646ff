"""Build normalised log tables for tests: by hand, or simulated from a plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.logs.common import LOG_COLUMNS

_DTYPES = {"reps": "Int64", "hold_s": "Float64", "load_kg": "Float64", "set": "Int64",
           "rpe": "Float64", "pain_during": "Float64", "pain_after": "Float64",
           "pain_next_morning": "Float64", "session_rpe": "Float64", "session_min": "Float64",
           "source_line": "Int64"}


def log_table(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """A normalised log table from dicts (or a frame) with date, exercise, set, reps, hold_s,
    side, load_kg and any other log column (missing ones are empty)."""
    t = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    t["date"] = pd.to_datetime(t["date"])
    for col, default in (("set_type", "working"), ("side", "both"), ("source_file", "test.csv")):
        t[col] = t[col].fillna(default) if col in t else default
    t["performed_at"] = t["performed_at"].fillna(t["date"]) if "performed_at" in t \
        else t["date"]
    sid = t["date"].dt.strftime("%Y-%m-%d")
    t["session_id"] = t["session_id"].fillna(sid) if "session_id" in t else sid
    t["source_line"] = np.arange(len(t)) + 2
    t = t.reindex(columns=list(LOG_COLUMNS))
    for c, d in _DTYPES.items():
        t[c] = pd.to_numeric(t[c], errors="coerce").astype(d)
    for c in ("performed_at", "date"):
        t[c] = pd.to_datetime(t[c]).astype("datetime64[s]")
    return t


def simulate(plan_table: pd.DataFrame, rng: np.random.Generator, *, miss: float = 0.0,
             short: float = 0.0, extras: bool = False, pain: str | None = None
             ) -> pd.DataFrame:
    """What a person logged for ``plan_table``: each planned set done as written, except
    sessions missed with probability ``miss``, deadlift sets cut short by 1-3 reps with
    probability ``short``; ``extras`` adds warm-ups and a heavy single to deadlift days;
    ``pain`` is None (no pain scores, as in app exports), "calm" or "flare" (a week of
    pain 6-8 somewhere)."""
    t = plan_table
    sessions = t["session_id"].unique()
    kept = set(s for s in sessions if rng.random() >= miss)
    t = t[t["session_id"].isin(kept)]
    reps = t["target_reps"].astype("Float64").copy()
    is_dl = (t["exercise"] == "deadlift").to_numpy()
    cut = is_dl & (rng.random(len(t)) < short)
    reps[cut] = (reps[cut] - rng.integers(1, 4, cut.sum())).clip(lower=1)
    rows = pd.DataFrame({
        "date": t["date"], "exercise": t["exercise"], "set": t["set"], "side": t["side"],
        "reps": reps, "hold_s": t["target_hold_s"], "load_kg": t["load_kg"],
        "set_type": "working", "session_id": t["session_id"]})
    if extras and is_dl.any():
        days = t.loc[is_dl].groupby("session_id").agg(date=("date", "first"),
                                                       load=("load_kg", "first"))
        add = []
        for sid, r in days.iterrows():
            add.append({"date": r["date"], "exercise": "deadlift", "set": 0, "side": "both",
                        "reps": 8, "hold_s": np.nan, "load_kg": 20.0, "set_type": "warmup",
                        "session_id": sid})
            add.append({"date": r["date"], "exercise": "deadlift", "set": 9, "side": "both",
                        "reps": 1, "hold_s": np.nan, "load_kg": float(r["load"]) * 1.25,
                        "set_type": "working", "session_id": sid})
        rows = pd.concat([rows, pd.DataFrame(add)], ignore_index=True)
    out = log_table(rows)
    if pain is not None:
        days = out["date"].drop_duplicates().sort_values()
        level = pd.Series(rng.uniform(0, 3, len(days)), index=days.to_numpy())
        if pain == "flare" and len(days) > 7:
            at = int(rng.integers(0, len(days) - 7))
            level.iloc[at:at + 7] = rng.uniform(6, 8, 7)
        v = out["date"].map(level).astype("Float64").round(0)
        out["pain_during"] = v
        out["pain_after"] = v
        out["pain_next_morning"] = (v - 1).clip(lower=0)
    return out.sort_values(["date", "exercise", "set"], kind="stable").reset_index(drop=True)
