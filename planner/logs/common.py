"""What every log reader shares: the Log, its columns, the import report, validation.

Every reader turns its source rows into a *raw* table of text (one row per
data row of the file, with its physical line number) and hands it to
:func:`normalise`, which coerces numbers and dates in bulk, checks every value
with a pandera schema, and accounts for every row: a row is imported, or it is
reported as rejected (or, for an untouched template row, skipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from planner.catalogue import data_path
from planner.units import KG_PER_LB

LOG_COLUMNS: dict[str, str] = {
    "performed_at": "datetime64[s]",
    "date": "datetime64[s]",
    "session_id": "str",
    "workout": "str",
    "exercise": "str",
    "source_exercise": "str",
    "set": "Int64",
    "set_type": "str",
    "reps": "Int64",
    "hold_s": "Float64",
    "side": "str",
    "load_kg": "Float64",
    "rpe": "Float64",
    "pain_during": "Float64",
    "pain_after": "Float64",
    "pain_next_morning": "Float64",
    "session_rpe": "Float64",
    "session_min": "Float64",
    "note": "str",
    "key": "str",
    "source_file": "str",
    "source_line": "Int64",
}
REPORT_COLUMNS = ("file", "line", "column", "value", "problem", "action")
ACTIONS = ("coerced", "flagged", "rejected", "skipped")
SET_TYPES = ("working", "warmup", "failure", "drop")
SIDES = ("both", "left", "right")
NUMERIC = ("reps", "hold_s", "load", "rpe", "pain_during", "pain_after", "pain_next_morning",
           "session_rpe", "session_min")
# Loads above this are implausible for a deadlift and flagged (the world record is ~500 kg).
MAX_PLAUSIBLE_KG = 500.0


class LogFormatError(ValueError):
    """A file that cannot be read as a workout log at all; names the file (and line)."""


@dataclass(frozen=True)
class Log:
    """A normalised workout log.

    ``table`` has one row per performed set (LOG_COLUMNS, loads in kg);
    ``report`` has one row per problem found (REPORT_COLUMNS). Every data row
    of the file is either in ``table`` or reported as rejected or skipped:
    ``rows_read == rows_imported + rows_rejected + rows_skipped``.
    """

    table: pd.DataFrame
    report: pd.DataFrame
    source_format: str
    unit: str
    rows_read: int
    path: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def rows_imported(self) -> int:
        return len(self.table)

    def _lines(self, action: str) -> int:
        r = self.report
        return int(r.loc[r["action"] == action, "line"].nunique()) if len(r) else 0

    @property
    def rows_rejected(self) -> int:
        return self._lines("rejected")

    @property
    def rows_skipped(self) -> int:
        return self._lines("skipped")


class Report:
    """Collects report rows; ``add`` takes aligned Series or scalars."""

    def __init__(self, path: str):
        self.path = path
        self.parts: list[pd.DataFrame] = []

    def add(self, lines, column, value, problem: str, action: str) -> None:
        lines = pd.Series(lines)
        if lines.empty:
            return
        n = len(lines)

        def col(x):
            if isinstance(x, pd.Series):
                return x.astype(object).where(x.notna(), "").astype(str).to_numpy()
            return np.full(n, "" if x is None else str(x), dtype=object)

        self.parts.append(pd.DataFrame({
            "file": self.path, "line": lines.to_numpy(dtype=np.int64), "column": col(column),
            "value": col(value), "problem": problem, "action": action}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "str")
                                 for c in REPORT_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values(["line", "action"], kind="stable").reset_index(drop=True)


@cache
def _aliases() -> dict[str, str]:
    table = pd.read_csv(data_path("exercise_aliases.csv"), dtype=str, comment="#")
    return {a.strip().casefold(): e.strip() for a, e in zip(table["alias"], table["exercise"],
                                                          strict=True)}


def exercise_ids(names: pd.Series) -> pd.Series:
    """Catalogue ids for app exercise names; names not in the alias table stay as written."""
    aliases = _aliases()
    key = names.str.strip().str.casefold()
    mapped = key.map(aliases)
    return mapped.fillna(names.str.strip())


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def to_number(text: pd.Series, lines: pd.Series, column: str, report: Report,
              decimal_comma: bool) -> tuple[pd.Series, pd.Series]:
    """Parse numbers in bulk. Returns (values, bad) where ``bad`` marks cells that hold
    text that is not a number. Decimal commas are accepted and reported as coerced."""
    s = text.str.strip()
    blank = s.isna() | (s == "")
    if decimal_comma:
        comma = s.str.match(_DECIMAL_COMMA, na=False)
        if comma.any():
            report.add(lines[comma], column, s[comma], "decimal comma read as a decimal point",
                       "coerced")
            s = s.where(~comma, s.str.replace(",", ".", regex=False))
    values = pd.to_numeric(s.where(~blank), errors="coerce")
    bad = values.isna() & ~blank
    return values.astype("Float64"), bad


_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")


def duration_minutes(text: pd.Series) -> pd.Series:
    """Durations written like "1h 6m", "52m", "264h 1m", "45s" or "1:06:00", in minutes."""
    s = text.fillna("").str.strip()
    hms = s.str.extract(r"^(\d+):(\d{1,2}):(\d{1,2})$").astype(float)
    parts = s.str.extract(_DURATION).astype(float)
    mins = parts[0].fillna(0) * 60 + parts[1].fillna(0) + parts[2].fillna(0) / 60
    mins = mins.where(parts.notna().any(axis=1))
    from_hms = hms[0] * 60 + hms[1] + hms[2] / 60
    return mins.fillna(from_hms).where(s != "").astype("Float64")


def clock_seconds(text: pd.Series) -> pd.Series:
    """Times written as H:MM:SS or MM:SS (FitNotes), in seconds."""
    s = text.fillna("").str.strip()
    hms = s.str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})$").astype(float)
    return (hms[0].fillna(0) * 3600 + hms[1] * 60 + hms[2]).where(hms[2].notna()).astype(
        "Float64")


def _schema():
    def rng(lo, hi):
        return pa.Check.in_range(lo, hi)

    return pa.DataFrameSchema({
        "reps": pa.Column(None, pa.Check.le(100), nullable=True),
        "hold_s": pa.Column(None, pa.Check.le(4 * 3600), nullable=True),
        "load_kg": pa.Column(None, pa.Check.le(MAX_PLAUSIBLE_KG), nullable=True),
        "rpe": pa.Column(None, rng(0, 10), nullable=True),
        "pain_during": pa.Column(None, rng(0, 10), nullable=True),
        "pain_after": pa.Column(None, rng(0, 10), nullable=True),
        "pain_next_morning": pa.Column(None, rng(0, 10), nullable=True),
        "session_rpe": pa.Column(None, rng(0, 10), nullable=True),
        "date": pa.Column(None, pa.Check.le(pd.Timestamp(datetime.now().date())),
                          nullable=True),
    })


# What to do with a value that fails the schema: drop the value (coerce) or keep and flag.
_ON_FAIL = {"reps": ("flagged", "more than 100 repetitions in one set is implausible"),
            "hold_s": ("flagged", "a timed set over 4 hours is implausible"),
            "load_kg": ("flagged", f"a load over {MAX_PLAUSIBLE_KG:g} kg is implausible"),
            "rpe": ("coerced", "expected an RPE from 0 to 10; value dropped"),
            "pain_during": ("coerced", "expected pain from 0 to 10; value dropped"),
            "pain_after": ("coerced", "expected pain from 0 to 10; value dropped"),
            "pain_next_morning": ("coerced", "expected pain from 0 to 10; value dropped"),
            "session_rpe": ("coerced", "expected a session RPE from 0 to 10; value dropped"),
            "date": ("flagged", "the date is in the future")}


def validate(frame: pd.DataFrame, sources: dict[str, str], raw: pd.DataFrame,
             report: Report) -> pd.DataFrame:
    """Check plausibility with the pandera schema (all failures at once, lazy=True)."""
    cols = [c for c in _ON_FAIL if c in frame]
    try:
        _schema().validate(frame[cols], lazy=True)
        return frame
    except pa.errors.SchemaErrors as exc:
        fails = exc.failure_cases
    fails = fails[fails["index"].notna() & fails["column"].isin(cols)]
    for column, f in fails.groupby("column"):
        idx = f["index"].astype(int).to_numpy()  # labels of ``frame`` (and of ``raw``)
        action, problem = _ON_FAIL[column]
        src = sources.get(column, column)
        shown = raw[src] if src in raw else frame[column].astype(str)
        report.add(frame.loc[idx, "source_line"], src, shown.loc[idx], problem, action)
        if action == "coerced":
            frame.loc[idx, column] = pd.NA
    return frame


def finish(frame: pd.DataFrame, raw: pd.DataFrame, sources: dict[str, str], report: Report,
           *, fmt: str, unit: str, path: str, rows_read: int,
           duplicates_in_raw: bool = True) -> Log:
    """Validate, flag duplicated rows, order the columns, and build the Log.

    A planned set (template key) logged twice, or an app row repeated to the letter
    (every field but its line), is flagged and kept; FitNotes does not number its
    sets, so equal sets there are normal.
    """
    frame = validate(frame, sources, raw, report)
    if "key" in frame and frame["key"].notna().any():
        keys = frame["key"]
        if keys.nunique() == keys.count():  # the common case: every planned set once
            dups = pd.Series(False, index=frame.index)
        else:
            dups = keys.duplicated(keep="first") & keys.notna()
        if dups.any():
            report.add(frame.loc[dups, "source_line"], "key", frame.loc[dups, "key"],
                       "this planned set is logged twice; both kept", "flagged")
    elif duplicates_in_raw and len(frame):
        cols = [c for c in raw.columns if not c.startswith("_")]
        dups = raw.loc[frame.index].duplicated(cols, keep="first")
        if dups.any():
            report.add(frame.loc[dups.to_numpy(), "source_line"], "", "",
                       "this row repeats an earlier one to the letter; both kept", "flagged")
    out = pd.DataFrame({c: frame[c] if c in frame else pd.Series(pd.NA, index=frame.index)
                        for c in LOG_COLUMNS}, copy=False)
    differ = {c: t for c, t in LOG_COLUMNS.items() if str(out[c].dtype) != t}
    if differ:
        out = out.astype(differ)
    # Already in time order, file order within a time (most files): no sort, no copy.
    if out["performed_at"].is_monotonic_increasing and \
            out["source_line"].is_monotonic_increasing:
        out = out.reset_index(drop=True)
    else:
        out = out.sort_values(["performed_at", "source_line"], kind="stable").reset_index(
            drop=True)
    log = Log(out, report.frame(), fmt, unit, rows_read, path)
    assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped, (
        "every row is imported or reported")
    return log


def kg(values: pd.Series, unit: str | pd.Series) -> pd.Series:
    """Loads in ``unit`` ("kg"/"lb", or a Series of them per row) converted to kg."""
    if isinstance(unit, str):
        return values * KG_PER_LB if unit == "lb" else values
    return values.where(unit != "lb", values * KG_PER_LB)


def parse_unit(text: pd.Series) -> pd.Series:
    """Per-row unit words (kg, kgs, lb, lbs) as "kg"/"lb"; anything else NA."""
    s = text.fillna("").str.strip().str.lower()
    return s.map({"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"})


def reject(mask: pd.Series, raw: pd.DataFrame, column: str, problem: str, report: Report,
           value: pd.Series | None = None) -> pd.Series:
    """Report the rows in ``mask`` as rejected; return the mask of rows still kept."""
    if mask.any():
        shown = value if value is not None else raw.get(column, "")
        if isinstance(shown, pd.Series):
            shown = shown[mask]
        report.add(raw.loc[mask, "_line"], column, shown, problem, "rejected")
    return ~mask


def source_name(path: str | Path) -> str:
    return str(path)
