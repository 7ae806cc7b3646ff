"""One athlete read back from a store, for the single-athlete analysis and the next block."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.files.plan_csv import read_plan
from planner.logs.common import LOG_COLUMNS, REPORT_COLUMNS, Log
from planner.plan import PLAN_COLUMNS, Plan


def athlete_log(store, athlete: str):
    """The athlete's stored sets as a :class:`planner.Log` (loads in kg), in the order
    performed; its report is empty (the store keeps the import report)."""
    t = store.read("sets", [athlete], list(LOG_COLUMNS))
    t = t.astype(LOG_COLUMNS).sort_values(["performed_at", "exercise", "set"], kind="stable")
    return Log(t.reset_index(drop=True), pd.DataFrame(columns=list(REPORT_COLUMNS)),
               source_format="store", unit="kg", rows_read=len(t), path=f"{athlete} (store)")


def athlete_plan(store, athlete: str) -> tuple[Plan | None, Plan | None]:
    """The athlete's plans from the store: (every stored plan row as one Plan, the plan
    followed now). The current plan is read from its file when the file is still there
    (so its settings and unit come with it); else it is the stored rows of that file."""
    rows = store.read("plans", [athlete])
    if rows.empty:
        return None, None
    rows = rows.sort_values(["date", "session_id", "exercise", "set", "side"], kind="stable")
    t = rows.assign(weekday=rows["date"].dt.strftime("%a"), plates="")
    whole = Plan(t[list(PLAN_COLUMNS)].astype(PLAN_COLUMNS).reset_index(drop=True))
    source = str(rows["source_file"].iloc[-1])
    current = None
    if Path(source).is_file():
        try:
            current = read_plan(source)
        except (ValueError, OSError):
            current = None
    if current is None:
        part = t[t["source_file"] == source]
        current = Plan(part[list(PLAN_COLUMNS)].astype(PLAN_COLUMNS).reset_index(drop=True))
    else:
        whole = Plan(whole.table, unit=current.unit)
    return whole, current
