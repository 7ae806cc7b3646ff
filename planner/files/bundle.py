"""A plan as the files a person downloads: (file name, bytes), nothing written to disk.

The app's download buttons and the coach's zip of next blocks both use
:func:`plan_files`, so a plan reaches people in the same three forms everywhere.
"""

from __future__ import annotations

from planner.files.calendar import plan_ics
from planner.files.plan_csv import plan_to_frame
from planner.files.sheet import sheet_html
from planner.plan import Plan


def plan_files(plan: Plan, kind: str, stem: str, start_time: str = "18:00") -> tuple[str, bytes]:
    """``plan`` as a file for a browser download: (file name, bytes).

    kind : "csv" (the plan table), "ics" (one calendar event per session at
        ``start_time``, "HH:MM") or "sheet" (the printable sheet, HTML).
    """
    if kind == "csv":
        return f"{stem}.csv", plan_to_frame(plan).to_csv(index=False).encode("utf-8")
    if kind == "ics":
        return f"{stem}.ics", plan_ics(plan, start_time=start_time).encode("utf-8")
    if kind == "sheet":
        return f"{stem}-sheet.html", sheet_html(plan).encode("utf-8")
    raise ValueError(f"kind must be one of csv, ics, sheet; got {kind}")
