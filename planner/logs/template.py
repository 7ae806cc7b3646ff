"""Our own log template: the plan's rows with empty columns for what was done.

A row whose done columns are all empty was not filled in: it is counted as
*skipped* in the report (the set was not done, or not logged), so that every
row of the file is still accounted for. A done row with no load written uses
the planned load.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.files.plan_csv import plan_to_frame
from planner.files.safewrite import write_atomic
from planner.logs.common import LogFormatError
from planner.logs.normalise import Spec
from planner.plan import PLAN_COLUMNS, Plan

# A row with none of these fields written in was not filled in: skipped.
FILLED = ("reps", "hold", "load", "rpe", "pain_during", "pain_after", "pain_next_morning",
          "session_rpe", "session_min", "note")
DONE_COLUMNS = ("done_reps", "done_hold_s", "done_load", "rpe", "pain_during", "pain_after",
                "pain_next_morning", "session_rpe", "session_min", "note")


def template_columns(unit: str) -> list[str]:
    load = f"load_{unit}"
    plan_cols = [load if c == "load_kg" else c for c in PLAN_COLUMNS]
    done = [f"done_load_{unit}" if c == "done_load" else c for c in DONE_COLUMNS]
    return plan_cols + done


def write_log_template(plan_table: pd.DataFrame | Plan, path: str | Path, *,
                       unit: str | None = None, overwrite: bool = False) -> Path:
    """Write the log template for a plan (a Plan, or its table with ``unit``, kg by
    default): its rows, planned values filled in, done columns empty. Refuses to replace
    an existing file unless ``overwrite``; writes atomically."""
    if isinstance(plan_table, Plan):
        unit = unit or plan_table.unit
        plan_table = plan_table.table
    unit = unit or "kg"
    frame = plan_to_frame(Plan(plan_table, unit=unit))
    for col in template_columns(unit)[len(PLAN_COLUMNS):]:
        frame[col] = ""
    return write_atomic(path, lambda fh: frame.to_csv(fh, index=False), overwrite=overwrite)


def template_spec(unit: str) -> Spec:
    """The column spec of a log template in ``unit`` ("kg" or "lb")."""
    return Spec(
        fmt="template",
        columns={"key": ("key",), "date": ("date",), "session_id": ("session_id",),
                 "exercise": ("exercise",), "set": ("set",), "side": ("side",),
                 "reps": ("done_reps",), "hold": ("done_hold_s",),
                 "load": (f"done_load_{unit}",), "planned_load": (f"load_{unit}",),
                 "rpe": ("rpe",), "pain_during": ("pain_during",),
                 "pain_after": ("pain_after",), "pain_next_morning": ("pain_next_morning",),
                 "session_rpe": ("session_rpe",), "session_min": ("session_min",),
                 "note": ("note",)},
        date_formats=("%Y-%m-%d",),
        date_example="2026-01-05",
        header_units={f"done_load_{unit}": unit},
        session="column",
        duplicates="key",
        zero_load_is_none=False,
        filled=FILLED,
        plain=("key",),
    )


def check_template_header(header: list[str], name: str) -> Spec:
    """The spec for a template header; a header that lacks columns is an error."""
    keys = {h.strip() for h in header}
    unit = "lb" if "load_lb" in keys or "done_load_lb" in keys else "kg"
    missing = [c for c in template_columns(unit) if c not in keys and c != "note"]
    if missing:
        raise LogFormatError(f"{name}: line 1: the log template lacks the column(s) "
                             f"{', '.join(missing)}; write a fresh one with "
                             "'planner log-template PLAN -o LOG'")
    return template_spec(unit)
