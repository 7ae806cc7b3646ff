"""Readers for the exports of logging apps: Strong, Hevy and FitNotes.

Each reader maps the app's columns onto the Log's, in bulk. Variants handled
(see the project's fixture notes): Strong with comma or semicolon, with a
unit in the header, a unit column or none (then the caller must say), with no
header row, with Rest Timer rows (rejected: not sets), W/WARM_UP/F/FAILURE/D
set orders, reps like "10.0", durations like "1h 6m" or in seconds; Hevy kg
and lb accounts, "8 Apr 2026, 16:50" and "Jun 11, 2026, 1:01 PM" dates,
newest-first rows, 0-based set indexes and set types; FitNotes with the unit
in the header or a column, times as H:MM:SS, and exercise names whose commas
split the row (re-joined and reported).

Loads are rounded to 6 decimals in the file's unit before the exact
conversion to kg: float noise such as 149.99999999999997 is not reported.
"""

from __future__ import annotations

import pandas as pd

from planner.logs.common import (
    Log,
    LogFormatError,
    Report,
    clock_seconds,
    duration_minutes,
    exercise_ids,
    finish,
    kg,
    parse_unit,
    reject,
    to_number,
)
from planner.logs.source import Source, raw_frame

STRONG_HEADERLESS = ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight",
                     "Weight Unit", "Reps", "RPE", "Distance", "Distance Unit", "Seconds",
                     "Notes", "Workout Notes"]
STRONG_SET_TYPES = {"w": "warmup", "warm_up": "warmup", "warmup": "warmup", "f": "failure",
                    "failure": "failure", "d": "drop", "drop": "drop", "dropset": "drop"}
HEVY_SET_TYPES = {"normal": "working", "warmup": "warmup", "dropset": "drop",
                  "failure": "failure"}


def _col(raw: pd.DataFrame, *names: str) -> str | None:
    """The first of ``names`` that is a column of ``raw`` (case-insensitive)."""
    lower = {c.strip().lower(): c for c in raw.columns}
    for n in names:
        if n.lower() in lower:
            return lower[n.lower()]
    return None


def _text(raw: pd.DataFrame, col: str | None) -> pd.Series:
    if col is None:
        return pd.Series(pd.NA, index=raw.index, dtype="str")
    return raw[col].str.strip()


def _fit_rows(src: Source, header: list[str], rows, lines, report: Report, *,
              rejoin_at: int | None = None):
    """Rows of the header's length; others re-joined (FitNotes) or rejected."""
    n = len(header)
    good, good_lines = [], []
    for row, line in zip(rows, lines, strict=True):
        if len(row) == n:
            good.append(row)
            good_lines.append(line)
        elif rejoin_at is not None and len(row) > n:
            extra = len(row) - n
            joined = src.delimiter.join(row[rejoin_at:rejoin_at + extra + 1])
            report.add([line], header[rejoin_at], joined, "the name holds the delimiter; the "
                       "split fields were joined back", "coerced")
            good.append(row[:rejoin_at] + [joined] + row[rejoin_at + extra + 1:])
            good_lines.append(line)
        elif len(row) < n and all(not c.strip() for c in header[len(row):]):
            good.append(row + [""] * (n - len(row)))
            good_lines.append(line)
        else:
            report.add([line], "", src.delimiter.join(row)[:80],
                       f"expected {n} fields like the header, found {len(row)}", "rejected")
    return good, good_lines


def _numbers(raw, report, decimal_comma, **cols) -> tuple[dict[str, pd.Series], pd.Series]:
    """Parse number columns; returns the values and the rows with text where a number
    must be (reps, weight): those rows are rejected by the caller."""
    out, bad_rows = {}, pd.Series(False, index=raw.index)
    for field, col in cols.items():
        if col is None:
            out[field] = pd.Series(pd.NA, index=raw.index, dtype="Float64")
            continue
        values, bad = to_number(raw[col], raw["_line"], col, report, decimal_comma)
        if bad.any():
            if field in ("reps", "load"):
                bad_rows |= bad
                report.add(raw.loc[bad, "_line"], col, raw.loc[bad, col],
                           "expected a number", "rejected")
            else:
                report.add(raw.loc[bad, "_line"], col, raw.loc[bad, col],
                           "expected a number; value dropped", "coerced")
        out[field] = values
    return out, bad_rows


def _reps(values: pd.Series, raw, col, report) -> pd.Series:
    frac = values.notna() & (values != values.round())
    if frac.any():
        report.add(raw.loc[frac, "_line"], col, raw.loc[frac, col],
                   "repetitions must be whole; rounded", "coerced")
    return values.round().astype("Int64")


def _negative(values: dict[str, pd.Series], raw, cols: dict[str, str | None], report,
              keep: pd.Series) -> pd.Series:
    for field in ("reps", "load", "hold_s"):
        v = values.get(field)
        if v is None or cols.get(field) is None:
            continue
        neg = (v < 0).fillna(False) & keep
        keep &= reject(neg, raw, cols[field], "expected a number of 0 or more", report)
    return keep


def _unit_series(raw, unit_col, header_unit, unit, src_name) -> pd.Series | str:
    if header_unit:
        return header_unit
    if unit_col is not None:
        per_row = parse_unit(raw[unit_col])
        if unit is not None:
            per_row = per_row.fillna(unit)
        return per_row
    if unit is None:
        raise LogFormatError(f"{src_name}: the file does not say whether weights are in kg or "
                             'lb; pass unit="kg" or unit="lb" (--unit on the command line)')
    return unit


def _assemble(raw, keep, *, performed_at, workout, name, set_type, values, reps, unit,
              session_min, note, session_id, fmt, report, src, rows_read, sources,
              hold=None) -> Log:
    k = raw.index[keep]
    load_unit = unit if isinstance(unit, str) else unit[k]
    # Float noise in the file (149.99999999999997) goes; the unit conversion stays exact.
    load = kg(values["load"][k].round(6), load_unit)
    load = load.where(load != 0) if fmt != "template" else load
    frame = pd.DataFrame({
        "performed_at": performed_at[k],
        "date": performed_at[k].dt.normalize(),
        "session_id": session_id[k],
        "workout": workout[k],
        "exercise": exercise_ids(name[k]),
        "source_exercise": name[k],
        "set_type": set_type[k],
        "reps": reps[k],
        "hold_s": (hold if hold is not None else values.get("hold_s"))[k],
        "side": "both",
        "load_kg": load,
        "rpe": values["rpe"][k],
        "session_min": session_min[k],
        "note": note[k],
        "source_file": src.name,
        "source_line": raw.loc[k, "_line"],
    })
    frame["hold_s"] = frame["hold_s"].where(frame["hold_s"] > 0)
    order = frame.sort_values(["performed_at", "source_line"], kind="stable")
    frame["set"] = order.groupby(["session_id", "exercise"], sort=False).cumcount().reindex(
        frame.index) + 1
    summary_unit = unit if isinstance(unit, str) else (
        unit.dropna().mode().iloc[0] if unit.notna().any() else "kg")
    return finish(frame, raw, sources, report, fmt=fmt, unit=summary_unit, path=src.name,
                  rows_read=rows_read, duplicates_in_raw=fmt != "fitnotes")


def _performed(raw, col, report, *formats) -> tuple[pd.Series, pd.Series]:
    text = raw[col].str.strip() if col else pd.Series("", index=raw.index)
    when = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
    for fmt in formats:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        when = when.fillna(parsed.astype("datetime64[s]"))
    bad = when.isna()
    return when, bad


def _start(src: Source, rows, lines, header: list[str] | None = None,
           rejoin: str | None = None) -> tuple[Report, pd.DataFrame, int]:
    """The report, the raw table of the data rows, and how many data rows were read.

    ``header`` is given for files without a header row; ``rejoin`` names the column
    whose values may hold the delimiter (FitNotes' exercise names).
    """
    report = Report(src.name)
    if src.encoding_note:
        report.add([1], "", "", src.encoding_note, "coerced")
    if header is None:
        header, rows, lines = [h.strip() for h in rows[0]], rows[1:], lines[1:]
    at = next((i for i, h in enumerate(header) if h.lower() == rejoin), None) if rejoin else None
    good, good_lines = _fit_rows(src, header, rows, lines, report, rejoin_at=at)
    return report, raw_frame(header, good, good_lines), len(rows)


def _weights(raw: pd.DataFrame, unit: str | None, name: str, *columns: str):
    """The weight column and the unit(s): from the header, a unit column, or the caller."""
    c_weight = _col(raw, *columns, "Weight")
    header_unit = None
    if c_weight and "(" in c_weight:
        header_unit = "lb" if "lb" in c_weight.lower() else "kg"
    c_unit = _col(raw, "Weight Unit")
    return c_weight, c_unit, _unit_series(raw, c_unit, header_unit, unit, name)


def read_strong_source(src: Source, rows, lines, unit: str | None, headerless: bool) -> Log:
    report, raw, rows_read = _start(src, rows, lines, STRONG_HEADERLESS if headerless else None)
    c_weight, c_unit, units = _weights(raw, unit, src.name, "Weight (kg)", "Weight (lbs)",
                                       "Weight (lb)")
    c = {"reps": _col(raw, "Reps"), "load": c_weight, "hold_s": _col(raw, "Seconds"),
         "rpe": _col(raw, "RPE")}
    values, bad = _numbers(raw, report, src.delimiter == ";", **c)
    keep = ~bad
    when, bad_date = _performed(raw, _col(raw, "Date"), report, "%Y-%m-%d %H:%M:%S",
                                "%Y-%m-%d %H:%M", "%Y-%m-%d", "ISO8601")
    keep &= reject(bad_date & keep, raw, _col(raw, "Date") or "Date",
                   "expected a date like 2024-03-28 15:24:28", report)
    order = _text(raw, _col(raw, "Set Order"))
    low = order.str.lower().fillna("")
    keep &= reject(low.str.contains("rest", regex=False) & keep, raw, _col(raw, "Set Order"),
                   "rest timer entry, not a set", report)
    numeric = low.str.fullmatch(r"\d+(\.0+)?")
    set_type = low.map(STRONG_SET_TYPES).where(~numeric, "working")
    keep &= reject(set_type.isna() & keep, raw, _col(raw, "Set Order") or "Set Order",
                   "expected a set number or W, F, D, WARM_UP, FAILURE", report)
    name = _text(raw, _col(raw, "Exercise Name"))
    keep &= reject((name.fillna("") == "") & keep, raw, _col(raw, "Exercise Name") or "",
                   "the exercise name is empty", report)
    if isinstance(units, pd.Series):
        keep &= reject(units.isna() & keep, raw, c_unit, "expected kg or lbs", report)
    keep = _negative(values, raw, c, report, keep)
    reps = _reps(values["reps"], raw, c["reps"], report) if c["reps"] else values["reps"]
    workout = _text(raw, _col(raw, "Workout Name"))
    c_dur = _col(raw, "Duration")
    c_dur_s = _col(raw, "Duration (sec)")
    if c_dur:
        session_min = duration_minutes(raw[c_dur])
    elif c_dur_s:
        session_min = pd.to_numeric(raw[c_dur_s], errors="coerce").astype("Float64") / 60
    else:
        session_min = pd.Series(pd.NA, index=raw.index, dtype="Float64")
    notes = [_text(raw, _col(raw, n)) for n in ("Notes", "Workout Notes")]
    note = notes[0].where(notes[0].fillna("") != "", notes[1])
    note = note.where(note.fillna("") != "")
    session_id = when.dt.strftime("%Y-%m-%dT%H:%M") + "|" + workout.fillna("")
    sources = {"reps": c["reps"], "load_kg": c_weight, "rpe": c["rpe"], "hold_s": c["hold_s"],
               "date": _col(raw, "Date")}
    return _assemble(raw, keep, performed_at=when, workout=workout, name=name,
                     set_type=set_type, values=values, reps=reps, unit=units,
                     session_min=session_min, note=note, session_id=session_id, fmt="strong",
                     report=report, src=src, rows_read=rows_read, sources=sources)


def read_hevy_source(src: Source, rows, lines, unit: str | None) -> Log:
    report, raw, rows_read = _start(src, rows, lines)
    c_kg, c_lb = _col(raw, "weight_kg"), _col(raw, "weight_lbs", "weight_lb")
    c = {"reps": _col(raw, "reps"), "load": c_kg or c_lb, "hold_s": _col(raw, "duration_seconds"),
         "rpe": _col(raw, "rpe")}
    units = "kg" if c_kg else "lb" if c_lb else _unit_series(raw, None, None, unit, src.name)
    values, bad = _numbers(raw, report, src.delimiter == ";", **c)
    keep = ~bad
    fmts = ("%d %b %Y, %H:%M", "%b %d, %Y, %I:%M %p", "%Y-%m-%d %H:%M:%S", "ISO8601")
    start, bad_date = _performed(raw, _col(raw, "start_time"), report, *fmts)
    end, _ = _performed(raw, _col(raw, "end_time"), report, *fmts)
    keep &= reject(bad_date & keep, raw, _col(raw, "start_time") or "start_time",
                   "expected a date like 8 Apr 2026, 16:50 or Jun 11, 2026, 1:01 PM", report)
    set_type = _text(raw, _col(raw, "set_type")).str.lower().fillna("normal").map(
        lambda s: HEVY_SET_TYPES.get(s or "normal"))
    keep &= reject(set_type.isna() & keep, raw, _col(raw, "set_type"),
                   "expected normal, warmup, dropset or failure", report)
    name = _text(raw, _col(raw, "exercise_title"))
    keep &= reject((name.fillna("") == "") & keep, raw, _col(raw, "exercise_title") or "",
                   "the exercise name is empty", report)
    keep = _negative(values, raw, c, report, keep)
    reps = _reps(values["reps"], raw, c["reps"], report) if c["reps"] else values["reps"]
    workout = _text(raw, _col(raw, "title"))
    session_min = ((end - start).dt.total_seconds() / 60).astype("Float64")
    note = _text(raw, _col(raw, "exercise_notes"))
    note = note.where(note.fillna("") != "")
    session_id = start.dt.strftime("%Y-%m-%dT%H:%M") + "|" + workout.fillna("")
    sources = {"reps": c["reps"], "load_kg": c["load"], "rpe": c["rpe"], "hold_s": c["hold_s"],
               "date": _col(raw, "start_time")}
    # Hevy lists workouts newest first: _assemble sorts by time, then by line.
    return _assemble(raw, keep, performed_at=start, workout=workout, name=name,
                     set_type=set_type, values=values, reps=reps, unit=units,
                     session_min=session_min, note=note, session_id=session_id, fmt="hevy",
                     report=report, src=src, rows_read=rows_read, sources=sources)


def read_fitnotes_source(src: Source, rows, lines, unit: str | None) -> Log:
    report, raw, rows_read = _start(src, rows, lines, rejoin="exercise")
    c_weight, c_unit, units = _weights(raw, unit, src.name, "Weight (kgs)", "Weight (kg)",
                                       "Weight (lbs)", "Weight (lb)")
    c = {"reps": _col(raw, "Reps"), "load": c_weight, "rpe": _col(raw, "RPE")}
    values, bad = _numbers(raw, report, src.delimiter == ";", **c)
    keep = ~bad
    when, bad_date = _performed(raw, _col(raw, "Date"), report, "%Y-%m-%d", "ISO8601")
    keep &= reject(bad_date & keep, raw, _col(raw, "Date") or "Date",
                   "expected a date like 2019-12-12", report)
    name = _text(raw, _col(raw, "Exercise"))
    keep &= reject((name.fillna("") == "") & keep, raw, _col(raw, "Exercise") or "",
                   "the exercise name is empty", report)
    if isinstance(units, pd.Series):
        keep &= reject(units.isna() & keep, raw, c_unit, "expected kgs or lbs", report)
    keep = _negative(values, raw, c, report, keep)
    reps = _reps(values["reps"], raw, c["reps"], report) if c["reps"] else values["reps"]
    hold = clock_seconds(_text(raw, _col(raw, "Time")))
    empty = pd.Series(pd.NA, index=raw.index, dtype="str")
    session_id = when.dt.strftime("%Y-%m-%d")
    set_type = pd.Series("working", index=raw.index, dtype="str")
    sources = {"reps": c["reps"], "load_kg": c_weight, "date": _col(raw, "Date")}
    return _assemble(raw, keep, performed_at=when, workout=empty, name=name,
                     set_type=set_type, values=values, reps=reps, unit=units,
                     session_min=pd.Series(pd.NA, index=raw.index, dtype="Float64"),
                     note=empty, session_id=session_id, fmt="fitnotes", report=report,
                     src=src, rows_read=rows_read, sources=sources, hold=hold)

