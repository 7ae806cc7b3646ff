"""The plan as data: one row per prescribed set, and the columns users' files depend on.

:class:`Plan` is a frozen table with its unit, configuration and notes. It is
produced by :func:`planner.programme.generate` and read back by
:func:`planner.files.plan_csv.read_plan`; the writers import it, it imports none
of them (``to_csv`` and ``to_ics`` are thin conveniences that import on call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from planner.config import MAX_WEEKS, PlanConfig
from planner.limits import MAX_HOLD_S, MAX_LOAD_KG, MAX_REPS, MIN_DATE
from planner.limits import SIDES as SIDES  # the sides' one home, named here for the plan
from planner.metrics import weekly_summary

# Column name -> pandas dtype. Users' files depend on these names: keep them stable.
PLAN_COLUMNS: dict[str, str] = {
    "key": "str",
    "week": "int64",
    "day": "int64",
    "date": "datetime64[s]",
    "weekday": "str",
    "session_id": "str",
    "exercise": "str",
    "set": "int64",
    "side": "str",
    "target_reps": "Int64",
    "target_hold_s": "Float64",
    "load_kg": "Float64",
    "plates": "str",
    "rest_s": "int64",
    "phase": "str",
}
PHASES = ("build", "deload")
#: What a plan cell may hold: (lowest, highest) in the column's unit (loads in kg). A plan's
#: weeks run on across next blocks (a first week up to 10 x MAX_WEEKS, then MAX_WEEKS more).
PLAN_RANGES: dict[str, tuple[float, float]] = {
    "week": (1, 11 * MAX_WEEKS), "day": (1, 7), "set": (1, 100), "target_reps": (1, MAX_REPS),
    "target_hold_s": (1, MAX_HOLD_S), "load_kg": (0, MAX_LOAD_KG), "rest_s": (0, 3600),
}
#: The first and last date a plan may hold.
PLAN_DATES = (MIN_DATE.date(), date(2199, 12, 31))


@dataclass(frozen=True)
class Plan:
    """A programme: ``table`` has one row per prescribed set (see PLAN_COLUMNS).

    ``unit`` is the unit the user reads and writes loads in; the table itself
    always holds kg. ``config`` is the configuration it came from, when known.
    ``notes`` are what the user should know about the plan in plain words: holds
    and cuts with their reasons, the ceiling reached, capped steps, bars on blocks.
    ``settings_source`` says where a plan read from files took its settings
    ("settings file" or "table"), and ``settings_notes`` what was inferred.
    """

    table: pd.DataFrame
    unit: str = "kg"
    config: PlanConfig | None = None
    notes: tuple[str, ...] = ()
    settings_source: str | None = None
    settings_notes: tuple[str, ...] = ()

    def to_csv(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the plan as CSV in its unit (:func:`planner.files.plan_csv.write_plan_csv`).

        A convenience for scripts: the writer lives in :mod:`planner.files`, which
        imports this module, so the import runs on call (the one import from the core
        into ``files``, allowed by name in ``tests/test_layout.py``).
        """
        from planner.files.plan_csv import write_plan_csv

        return write_plan_csv(self, path, overwrite=overwrite)

    def to_ics(self, path: str | Path, *, overwrite: bool = False,
               tz: str | None = None) -> Path:
        """Write the plan's calendar (:func:`planner.files.calendar.write_plan_ics`): an
        event per training day, the stretch inside it, and one repeating event with a
        reminder for the days with only the stretch.

        tz : an IANA time zone such as "Europe/Berlin" (default: this machine's zone)

        Imported on call, as :meth:`to_csv`.
        """
        from planner.files.calendar import write_plan_ics

        return write_plan_ics(self, path, overwrite=overwrite, tz=tz)

    def weekly_summary(self) -> pd.DataFrame:
        """Sessions, sets, repetitions, volume load and hold time per week and exercise."""
        return weekly_summary(self.table)

    @property
    def first_week(self) -> int:
        """The number of the plan's first programme week (1 for a first block)."""
        return int(self.table["week"].min()) if len(self.table) else 0

    @property
    def last_week(self) -> int:
        """The number of the plan's last programme week (not the count of weeks)."""
        return int(self.table["week"].max()) if len(self.table) else 0

    @property
    def n_weeks(self) -> int:
        """How many programme weeks the plan holds."""
        return int(self.table["week"].nunique()) if len(self.table) else 0

    def week(self, n: int) -> pd.DataFrame:
        """The rows of programme week ``n``."""
        return self.table[self.table["week"] == n]
