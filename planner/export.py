"""Writing plans to CSV and iCalendar, and reading a plan CSV back.

Every writer refuses to replace an existing file unless ``overwrite=True`` and
writes through a temporary file in the same folder that is then renamed over
the target, so a crash never leaves half a file. Text cells that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) are
written with a leading apostrophe, and the reader takes it off again.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from planner.programme import PLAN_COLUMNS, Plan
from planner.units import KG_PER_LB

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = tuple(c for c, t in PLAN_COLUMNS.items() if t == "str")


class PlanFormatError(ValueError):
    """A file that cannot be read as a plan; the message names the file, line and column."""


def write_atomic(path: str | Path, write: Callable[[io.TextIOBase], None], *,
                 overwrite: bool = False, newline: str | None = "") -> Path:
    """Write a text file through ``write(handle)`` atomically.

    Raises FileExistsError when ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass overwrite=True (or --force) "
                              "to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def neutralise(series: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text cells that a spreadsheet would treat as a formula."""
    text = series.astype("str")
    risky = text.str.startswith(FORMULA_STARTS, na=False)
    return text.mask(risky, "'" + text)


def unneutralise(series: pd.Series) -> pd.Series:
    """Undo :func:`neutralise`."""
    text = series.astype("str")
    if not text.str.startswith("'", na=False).any():
        return text
    guarded = text.str.startswith(tuple("'" + s for s in FORMULA_STARTS), na=False)
    return text.mask(guarded, text.str.slice(1))


def plan_to_frame(plan: Plan) -> pd.DataFrame:
    """The plan table as written to CSV: dates as ISO text, loads in the plan's unit."""
    out = plan.table.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    if plan.unit == "lb":
        out["load_kg"] = (out["load_kg"] / KG_PER_LB).round(4)
        out = out.rename(columns={"load_kg": "load_lb"})
    for col in TEXT_COLUMNS:
        out[col] = neutralise(out[col])
    return out


def write_plan_csv(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``plan`` to ``path`` as CSV, one row per prescribed set.

    The load column is ``load_kg`` or ``load_lb`` after the plan's unit.
    """
    frame = plan_to_frame(plan)
    return write_atomic(path, lambda fh: frame.to_csv(fh, index=False), overwrite=overwrite)


def read_plan(path: str | Path) -> Plan:
    """Read a plan CSV written by :func:`write_plan_csv` (or edited in a spreadsheet).

    Raises PlanFormatError naming the file, line and column of the first
    problem found, and what was expected there.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise PlanFormatError(f"{path}: not a plan CSV ({exc})") from None
    unit = "lb" if "load_lb" in raw.columns else "kg"
    if unit == "lb":
        raw = raw.rename(columns={"load_lb": "load_kg"})
    missing = [c for c in PLAN_COLUMNS if c not in raw.columns]
    if missing:
        raise PlanFormatError(f"{path}: line 1: missing plan column(s) {', '.join(missing)}; "
                              f"a plan CSV has the columns {', '.join(PLAN_COLUMNS)}")
    table = pd.DataFrame(index=raw.index)
    for col, dtype in PLAN_COLUMNS.items():
        text = raw[col].str.strip()
        blank = text == ""
        if dtype == "str":
            table[col] = unneutralise(text.mask(blank))
            continue
        if dtype.startswith("datetime"):
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            expected = "a date like 2026-01-05"
        else:
            values = pd.to_numeric(text, errors="coerce")
            expected = "a number"
        bad = values.isna() & ~(blank & (dtype[0].isupper()))
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise PlanFormatError(f"{path}: line {i + 2}, column {col!r}: "
                                  f"found {raw[col].iloc[i]!r}; expected {expected}")
        if col == "load_kg" and unit == "lb":
            values = values * KG_PER_LB
        table[col] = values.astype(dtype)
    return Plan(table[list(PLAN_COLUMNS)], unit=unit)


def session_summaries(plan: Plan) -> pd.DataFrame:
    """One row per session: date, session id, phase and a text line per exercise."""
    from planner.catalogue import catalogue

    names = {k: v.name for k, v in catalogue().items()}
    t = plan.table
    factor = 1.0 if plan.unit == "kg" else 1 / KG_PER_LB
    out = []
    for sid, s in t.groupby("session_id", sort=False):
        lines = []
        for ex, e in s.groupby("exercise", sort=False):
            first = e.iloc[0]
            if ex == "rotational_stretch":
                holds = int((e["side"] == "left").sum())
                lines.append(f"{names[ex]}: {holds} x {first['target_hold_s']:g} s each side")
            elif pd.notna(first["load_kg"]):
                load = round(float(first["load_kg"]) * factor, 2)
                lines.append(f"{names[ex]}: {len(e)} x {first['target_reps']} at {load:g} "
                             f"{plan.unit} ({first['plates']})")
            else:
                lines.append(f"{names[ex]}: {len(e)} x {first['target_reps']}")
        out.append({"session_id": sid, "date": first["date"], "week": int(first["week"]),
                    "phase": first["phase"], "exercises": list(s["exercise"].unique()),
                    "lines": lines})
    return pd.DataFrame(out)


def write_plan_ics(plan: Plan, path: str | Path, *, overwrite: bool = False,
                   start_time: str = "18:00", minutes: int | None = None) -> Path:
    """Write one calendar event per session, listing its exercises and doses.

    Events start at ``start_time`` local (floating) time; their length is
    ``minutes`` or an estimate from the sets, holds and rests. Each event is
    titled by what the session holds (see :mod:`planner.ics`) and has a stable
    UID (session id + date), so re-importing an updated plan updates the events
    instead of duplicating them; DTSTAMP is the time the file is written (UTC).
    """
    from planner.ics import plan_ics

    data = plan_ics(plan, start_time=start_time, minutes=minutes)
    return write_atomic(path, lambda fh: fh.write(data), overwrite=overwrite)


def _session_minutes(table: pd.DataFrame) -> dict[str, int]:
    """Rough session length: 3 s a repetition, the holds, and the rests between sets."""
    work = table["target_reps"].fillna(0).astype(float) * 3 + table["target_hold_s"].fillna(0)
    secs = (work + table["rest_s"]).groupby(table["session_id"], sort=False).sum()
    return {k: max(5, int(round(v / 60 / 5)) * 5) for k, v in secs.items()}
