"""Our own log template: the plan's rows with empty columns for what was done.

A row whose done columns are all empty was not filled in: it is counted as
*skipped* in the report (the set was not done, or not logged), so that every
row of the file is still accounted for. A done row with no load written uses
the planned load.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from planner.export import plan_to_frame, unneutralise, write_atomic
from planner.logs.common import Log, LogFormatError, Report, finish, kg, reject, to_number
from planner.logs.source import Source
from planner.programme import PLAN_COLUMNS, Plan

READ_COLUMNS = ("key", "date", "session_id", "exercise", "set", "side", "done_reps",
                "done_hold_s", "rpe", "pain_during", "pain_after", "pain_next_morning",
                "session_rpe", "session_min", "note")
DONE_COLUMNS = ("done_reps", "done_hold_s", "done_load", "rpe", "pain_during", "pain_after",
                "pain_next_morning", "session_rpe", "session_min", "note")


def template_columns(unit: str) -> list[str]:
    load = f"load_{unit}"
    plan_cols = [load if c == "load_kg" else c for c in PLAN_COLUMNS]
    done = [f"done_load_{unit}" if c == "done_load" else c for c in DONE_COLUMNS]
    return plan_cols + done


def write_log_template(plan_table: pd.DataFrame, path: str | Path, *, unit: str = "kg",
                       overwrite: bool = False) -> Path:
    """Write the log template for a plan: its rows, planned values filled in, done columns
    empty. Refuses to replace an existing file unless ``overwrite``; writes atomically."""
    frame = plan_to_frame(Plan(plan_table, unit=unit))
    for col in template_columns(unit)[len(PLAN_COLUMNS):]:
        frame[col] = ""
    return write_atomic(path, lambda fh: frame.to_csv(fh, index=False), overwrite=overwrite)


def _given(col: pd.Series) -> pd.Series:
    """Cells with something written in them."""
    if col.dtype.kind in "ifbM":
        return col.notna()
    return col.notna() & (col.astype("str").str.strip() != "")


def _text(col: pd.Series) -> pd.Series:
    """A column as stripped text, blanks as missing."""
    s = col.astype("str").str.strip()
    return s.where(s != "")


def _number(col: pd.Series, lines, name, report, comma):
    """Numbers of a column the fast reader may already have typed."""
    if col.dtype.kind in "if":
        return col.astype("Float64"), pd.Series(False, index=col.index)
    if col.dtype.kind == "b":
        return col.astype("Float64"), pd.Series(False, index=col.index)
    return to_number(col.astype("str"), lines, name, report, comma)


def read_template_source(src: Source) -> Log:
    report = Report(src.name)
    header = {h.strip(): h for h in src.first_record()}
    unit = "lb" if "load_lb" in header or "done_load_lb" in header else "kg"
    missing = [c for c in template_columns(unit) if c not in header and c != "note"]
    if missing:
        raise LogFormatError(f"{src.name}: line 1: the log template lacks the column(s) "
                             f"{', '.join(missing)}; write a fresh one with "
                             "'planner log-template PLAN -o LOG'")
    wanted = [header[c] for c in READ_COLUMNS + (f"load_{unit}", f"done_load_{unit}")
              if c in header]
    try:
        raw = pd.read_csv(io.BytesIO(src.utf8()), sep=src.delimiter, engine="pyarrow",
                          usecols=wanted)
    except Exception:  # noqa: BLE001 - odd bytes or rows: the careful, slower reader
        try:
            raw = pd.read_csv(io.StringIO(src.text), sep=src.delimiter, dtype="str",
                              keep_default_na=False, usecols=wanted)
        except (pd.errors.ParserError, ValueError) as exc:
            raise LogFormatError(f"{src.name}: the log template cannot be read as CSV ({exc})"
                                 ) from None
    src.data = src._text = None  # the table holds it all now: let the file's bytes go
    if src._note:  # the careful reader had to decode the file as Windows-1252
        report.add([1], "", "", src._note, "coerced")
    raw.columns = [c.strip() for c in raw.columns]
    if raw.empty:
        raise LogFormatError(f"{src.name}: the log template has a header but no rows")
    raw["_line"] = raw.index.to_numpy() + 2
    rows_read = len(raw)
    done_load = f"done_load_{unit}"
    filled = pd.Series(False, index=raw.index)
    for c in ("done_reps", "done_hold_s", done_load, "rpe", "pain_during", "pain_after",
              "pain_next_morning", "session_rpe", "session_min", "note"):
        if c in raw:
            filled |= _given(raw[c])
    if (~filled).any():
        report.add(raw.loc[~filled, "_line"], "", "", "not filled in (not done or not logged)",
                   "skipped")
    comma = src.delimiter == ";"
    cols = {"reps": "done_reps", "hold_s": "done_hold_s", "load": done_load, "rpe": "rpe",
            "pain_during": "pain_during", "pain_after": "pain_after",
            "pain_next_morning": "pain_next_morning", "session_rpe": "session_rpe",
            "session_min": "session_min", "planned": f"load_{unit}"}
    values, keep = {}, filled.copy()
    for field, col in cols.items():
        v, bad = _number(raw[col], raw["_line"], col, report, comma)
        bad &= filled
        if field in ("reps", "hold_s", "load"):
            keep &= reject(bad & keep, raw, col, "expected a number", report)
        elif bad.any():
            report.add(raw.loc[bad, "_line"], col, raw.loc[bad, col],
                       "expected a number; value dropped", "coerced")
        values[field] = v
    for field in ("reps", "hold_s", "load"):
        keep &= reject((values[field] < 0).fillna(False) & keep, raw, cols[field],
                       "expected a number of 0 or more", report)
    when = raw["date"]
    if not pd.api.types.is_datetime64_any_dtype(when):
        # Few distinct days in many rows: parse each distinct text once.
        codes, uniques = pd.factorize(when)
        days = pd.to_datetime(_text(pd.Series(uniques, dtype=object).astype("str")),
                              format="%Y-%m-%d", errors="coerce")
        when = pd.Series(days.to_numpy()[codes], index=raw.index).where(codes >= 0)
    keep &= reject(when.isna() & keep, raw, "date", "expected a date like 2026-01-05", report)
    frac = keep & values["reps"].notna() & (values["reps"] != values["reps"].round())
    if frac.any():
        report.add(raw.loc[frac, "_line"], "done_reps", raw.loc[frac, "done_reps"],
                   "repetitions must be whole; rounded", "coerced")
    k = keep.to_numpy()  # a boolean mask: faster than looking labels up
    load = values["load"].fillna(values["planned"])
    exercise = unneutralise(_text(raw["exercise"]))
    frame = pd.DataFrame({
        "performed_at": when[k].astype("datetime64[s]"),
        "date": when[k].astype("datetime64[s]"),
        "session_id": unneutralise(_text(raw.loc[k, "session_id"])),
        "workout": pd.NA,
        "exercise": exercise[k],
        "source_exercise": exercise[k],
        "set": pd.to_numeric(raw.loc[k, "set"], errors="coerce").astype("Int64"),
        "set_type": pd.Series("working", index=raw.index[k], dtype="str"),
        "reps": values["reps"][k].round().astype("Int64"),
        "hold_s": values["hold_s"][k],
        "side": _text(raw.loc[k, "side"]).fillna("both"),
        "load_kg": kg(load[k].round(6), unit),
        "rpe": values["rpe"][k],
        "pain_during": values["pain_during"][k],
        "pain_after": values["pain_after"][k],
        "pain_next_morning": values["pain_next_morning"][k],
        "session_rpe": values["session_rpe"][k],
        "session_min": values["session_min"][k],
        "note": unneutralise(_text(raw.loc[k, "note"])) if "note" in raw else pd.NA,
        "key": unneutralise(_text(raw.loc[k, "key"])),
        "source_file": pd.Series(src.name, index=raw.index[k], dtype="str"),
        "source_line": raw.loc[k, "_line"],
    })
    sources = {"reps": "done_reps", "hold_s": "done_hold_s", "load_kg": done_load, "rpe": "rpe",
               "pain_during": "pain_during", "pain_after": "pain_after",
               "pain_next_morning": "pain_next_morning", "session_rpe": "session_rpe",
               "date": "date"}
    return finish(frame, raw, sources, report, fmt="template", unit=unit, path=src.name,
                  rows_read=rows_read, duplicates_in_raw=False)
