"""One normaliser for every log format: a format is a :class:`Spec`, the checks live here.

``normalise(raw, spec, ...)`` takes the file's data rows as text (one column per
header column, a ``_line`` column with each row's physical line) and returns the
:class:`Log`. Every check is vectorised over the rows (text is parsed once per
distinct value) and reports under a stable rule code (``common.RULES``). A row is
imported, rejected (with the first rule it fails) or skipped; the count is checked.

The order of the checks: the row's shape (ragged rows), whether a template row was
filled in, numbers, units, the plausible ranges (reps, loads, holds, dates) before
any other work, then set types and names, and last what is only worth a note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planner.export import unneutralise
from planner.logs.common import (
    LOG_COLUMNS,
    MAX_HOLD_S,
    MAX_LOAD_KG,
    MAX_REPS,
    MIN_DATE,
    SCALE_0_10,
    SIDES,
    Log,
    LogFormatError,
    Report,
    exercise_ids,
    hold_exercises,
)
from planner.logs.values import (
    by_unique,
    duration_minutes,
    format_times,
    parse_numbers,
    parse_times,
    to_float,
)
from planner.units import KG_PER_LB

UNIT_WORDS = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"}
NUMBER_FIELDS = ("reps", "load", "hold", "rpe", "pain_during", "pain_after",
                 "pain_next_morning", "session_rpe", "session_min", "duration_s",
                 "planned_load")
# Text where a number must be rejects the row for these; elsewhere the value is dropped.
REQUIRED_NUMBERS = ("reps", "load", "hold")


@dataclass(frozen=True)
class Spec:
    """How one log format maps onto the Log.

    columns : field -> the header names that hold it (matched without case), first found
    date_formats : strptime formats of the date column, tried in order
    header_units : header name of a weight column (folded) -> the unit it states
    set_types : text of the set-type (or set-order) column, folded -> set type;
        None when every set is a working set
    session : how sets group into sessions: "time+workout", "date" or "column"
    rejoin : the field whose values may hold the delimiter (FitNotes' exercise names)
    duplicates : "row" (a row repeated to the letter), "key" (a planned set twice) or "none"
    filled : fields of which one must be given, else the row is skipped (our template)
    """

    fmt: str
    columns: Mapping[str, tuple[str, ...]]
    date_formats: tuple[str, ...]
    date_example: str
    header_units: Mapping[str, str] = field(default_factory=dict)
    set_types: Mapping[str, str] | None = None
    set_types_expected: str = ""
    numbered_sets: bool = False
    session: str = "time+workout"
    rejoin: str | None = None
    duplicates: str = "row"
    hold_clock: bool = False
    zero_load_is_none: bool = True
    filled: tuple[str, ...] = ()


def resolve(header: list[str], spec: Spec, name: str, header_line: int) -> dict[str, int]:
    """field -> index of its column in ``header``; a used column named twice is an error."""
    folded = [h.strip().strip('"').strip().casefold() for h in header]
    out = {}
    for fld, names in spec.columns.items():
        for cand in names:
            where = [i for i, h in enumerate(folded) if h == cand.casefold()]
            if len(where) > 1:
                raise LogFormatError(
                    f"{name}: line {header_line}, column {where[1] + 1}: the column "
                    f"{header[where[1]].strip()!r} appears twice (columns {where[0] + 1} and "
                    f"{where[1] + 1}); expected each column once")
            if where:
                out[fld] = where[0]
                break
    return out


class _Rows:
    """The rows being normalised: their text, which are still kept, and the report."""

    def __init__(self, raw: pd.DataFrame, header: list[str], cols: dict[str, int],
                 report: Report):
        self.raw, self.header, self.cols, self.report = raw, header, cols, report
        self.lines = raw["_line"]
        self.keep = pd.Series(True, index=raw.index)
        self._texts: dict[str, pd.Series] = {}

    def has(self, fld: str) -> bool:
        return fld in self.cols

    def name(self, fld: str) -> str:
        return self.header[self.cols[fld]].strip() if fld in self.cols else fld

    def text(self, fld: str) -> pd.Series:
        if fld not in self.cols:
            return pd.Series("", index=self.raw.index, dtype="str")
        if fld not in self._texts:
            text = self.raw[f"f{self.cols[fld]}"]
            padded = pc.match_substring_regex(pa.array(text), r"^\s|\s$")
            if pc.any(padded).as_py():
                text = text.str.strip()  # a copy only when a value needs it
            self._texts[fld] = text
        return self._texts[fld]

    def reject(self, mask: pd.Series, fld: str, rule: str, value=None, **detail) -> None:
        m = mask & self.keep
        if m.any():
            shown = self.text(fld) if value is None else value
            self.report.add(self.lines[m], self.name(fld), shown[m], rule, **detail)
            self.keep &= ~m

    def note(self, mask: pd.Series, fld: str, rule: str, value=None, **detail) -> None:
        m = mask & self.keep
        if m.any():
            shown = self.text(fld) if value is None else value
            self.report.add(self.lines[m], self.name(fld), shown[m], rule, **detail)


def fit_ragged(raw: pd.DataFrame, ragged: pd.DataFrame, header: list[str], spec: Spec,
               cols: dict[str, int], delimiter: str, report: Report) -> pd.DataFrame:
    """Rows with the wrong number of fields: padded when the missing columns are unnamed,
    re-joined where a name held the delimiter (``spec.rejoin``), else rejected, naming the
    column where the row stops matching the header. Returns the rescued rows."""
    n = len(header)
    if ragged.empty:
        return raw.iloc[:0]
    fields = ragged["fields"].to_numpy()
    blank_tail = np.array([all(not h.strip() for h in header[k:]) for k in range(n + 1)])
    pad = (fields < n) & blank_tail[np.clip(fields, 0, n)]
    at = cols.get(spec.rejoin) if spec.rejoin else None
    join = (fields > n) & (at is not None)
    fixable = pad | join
    short = ~fixable & (fields < n)
    long = ~fixable & (fields > n)
    for mask, rule, idx in ((short, "ragged-short", np.clip(fields, 0, n - 1)),
                            (long, "ragged-long", np.full(len(fields), n - 1))):
        if mask.any():
            report.add(ragged["line"][mask], pd.Series(np.asarray(header, dtype=object)[
                idx[mask]]).str.strip(), ragged["text"][mask].str.slice(0, 80), rule,
                expected=n, found=fields[mask])
    if not fixable.any():
        return raw.iloc[:0]
    # Only the rows to rescue are split again (by the csv module, in one call).
    texts = ragged["text"][fixable]
    records = list(csv.reader(io.StringIO("\n".join(texts.str.replace("\r", "", regex=False))
                                          + "\n", newline=""), delimiter=delimiter))
    rows, kept_lines, joined_lines, joined = [], [], [], []
    for rec, line in zip(records, ragged["line"][fixable], strict=False):
        if len(rec) < n:
            rec = rec + [""] * (n - len(rec))
        elif len(rec) > n and at is not None:
            extra = len(rec) - n
            name = delimiter.join(rec[at:at + extra + 1])
            rec = rec[:at] + [name] + rec[at + extra + 1:]
            joined_lines.append(line)
            joined.append(name)
        if len(rec) != n:
            continue
        rows.append(rec)
        kept_lines.append(line)
    if joined:
        report.add(joined_lines, header[at].strip(), pd.Series(joined, dtype="str"), "rejoined")
    lost = set(ragged["line"][fixable]) - set(kept_lines)
    if lost:  # the csv module split differently: still accounted for
        report.add(sorted(lost), header[-1].strip(), "", "ragged-long", expected=n,
                   found="a different number")
    out = pd.DataFrame(rows, columns=[f"f{i}" for i in range(n)], dtype="str")
    out["_line"] = np.asarray(kept_lines, dtype=np.int64)
    return out


def _numbers(rows: _Rows, decimal_comma: bool, hold_clock: bool) -> dict[str, pd.Series]:
    values = {}
    for fld in NUMBER_FIELDS:
        if not rows.has(fld):
            values[fld] = pd.Series(np.nan, index=rows.raw.index)
            continue
        codes, uniques = pd.factorize(rows.text(fld).fillna(""))
        parsed = parse_numbers(pd.Series(uniques, dtype="str"), decimal_comma,
                                fld == "hold" and hold_clock)
        if len(codes) == 0:
            values[fld] = pd.Series(np.nan, index=rows.raw.index)
            continue
        at = {c: pd.Series(parsed[c].to_numpy()[codes], index=rows.raw.index)
              for c in parsed.columns}
        rows.note(at["comma"], fld, "decimal-comma")
        if fld in REQUIRED_NUMBERS:
            rows.reject(at["bad"], fld, "number")
        else:
            rows.note(at["bad"], fld, "number-dropped")
        values[fld] = at["value"]
    return values


def _units(rows: _Rows, spec: Spec, load: pd.Series, unit: str | None, name: str
           ) -> tuple[pd.Series, str]:
    """Per-row "kg"/"lb" for the loads. A unit the file states wins over ``unit``."""
    idx = rows.raw.index
    stated = spec.header_units.get(rows.name("load").casefold()) if rows.has("load") else None
    if stated:
        if unit is not None and unit != stated:
            rows.report.add([1], rows.name("load"), stated, "unit-stated", stated=stated,
                            given=unit)
        return pd.Series(stated, index=idx, dtype="str"), stated
    if rows.has("unit"):
        words = rows.text("unit").str.casefold()
        per_row = words.map(UNIT_WORDS)
        blank = words.fillna("") == ""
        rows.reject(~blank & per_row.isna(), "unit", "unit-unknown")
        weighed = load.notna() & (load != 0)
        missing = blank & weighed
        if unit is None:
            rows.reject(missing, "unit", "unit-missing", value=rows.text("load"))
        else:
            first = missing & rows.keep
            first = first & (first.cumsum() == 1)
            rows.note(first, "load", "unit-given", given=unit)
            per_row = per_row.where(~missing, unit)
            differ = ~blank & per_row.notna() & (per_row != unit) & rows.keep
            differ = differ & (differ.cumsum() == 1)
            if differ.any():
                rows.report.add(rows.lines[differ], rows.name("unit"), per_row[differ],
                                "unit-stated", stated="per row", given=unit)
        counts = per_row[rows.keep].value_counts()
        return per_row, (str(counts.index[0]) if len(counts) else unit or "kg")
    if unit is None:
        if rows.has("load") and (rows.text("load").fillna("") != "").any():
            raise LogFormatError(f"{name}: line 1, column {rows.name('load')!r}: the file does "
                                 "not say whether weights are in kg or lb; pass unit=\"kg\" or "
                                 "unit=\"lb\" (--unit on the command line)")
        unit = "kg"
    return pd.Series(unit, index=idx, dtype="str"), unit


def _ranges(rows: _Rows, values: dict[str, pd.Series], load_kg: pd.Series,
            is_hold: pd.Series) -> None:
    """Reject values outside the plausible ranges. The hold range is for holds (the
    stretch); another exercise's long timed set (a run) is kept without its duration."""
    for fld, v in (("reps", values["reps"]), ("load", values["load"]),
                   ("hold", values["hold"])):
        rows.reject((v < 0).fillna(False), fld, "negative")
    rows.reject((values["reps"] > MAX_REPS).fillna(False), "reps", "reps-range")
    rows.reject((load_kg > MAX_LOAD_KG).fillna(False), "load", "load-range")
    long = (values["hold"] > MAX_HOLD_S).fillna(False)
    rows.reject(long & is_hold, "hold", "hold-range")
    rows.note(long & ~is_hold, "hold", "timed-not-hold")
    values["hold"] = values["hold"].where(~long)


def _dates(rows: _Rows, spec: Spec, fld: str, required: bool) -> pd.Series:
    s = rows.text(fld)
    codes, uniques = pd.factorize(s.fillna(""))
    parsed, tz = parse_times(pd.Series(uniques, dtype="str"), spec.date_formats)
    when = pd.Series(parsed[codes] if len(codes) else parsed[:0], index=s.index)
    if not required:
        return when
    rows.reject(when.isna(), fld, "date", example=spec.date_example)
    after_tomorrow = pd.Timestamp.now().normalize() + pd.Timedelta(days=2)
    rows.reject((when < MIN_DATE) | (when >= after_tomorrow), fld, "date-range")
    rows.note(pd.Series(tz[codes], index=s.index), fld, "date-timezone")
    return when


def _set_types(rows: _Rows, spec: Spec) -> pd.Series:
    idx = rows.raw.index
    if spec.set_types is None:
        return pd.Series("working", index=idx, dtype="str")
    fld = "set" if spec.numbered_sets else "set_type"
    codes, uniques = pd.factorize(rows.text(fld).fillna("").str.casefold())
    low = pd.Series(uniques, dtype="str")
    if spec.numbered_sets:
        rest = low.str.contains("rest", regex=False).to_numpy(dtype=bool)
        numbered = low.str.fullmatch(r"\d+(\.0+)?")
        kind = low.map(spec.set_types).where(~numbered, "working")
    else:
        rest = np.zeros(len(low), dtype=bool)
        kind = low.where(low != "", "normal").map(spec.set_types)
    kind = kind.to_numpy(dtype=object)
    rows.reject(pd.Series(rest[codes], index=idx), fld, "rest-timer")
    out = pd.Series(kind[codes], index=idx, dtype="str")
    rows.reject(out.isna(), fld, "set-type", expected=spec.set_types_expected)
    return out


def normalise(raw: pd.DataFrame, spec: Spec, *, header: list[str], name: str,
              unit: str | None = None, aliases: dict[str, str] | None = None,
              ragged: pd.DataFrame | None = None, delimiter: str = ",",
              notes: list[str] = (), header_line: int = 1) -> Log:
    """The Log of ``raw`` (text columns f0, f1, ... named by ``header``, and ``_line``).

    ``ragged`` holds the rows with another number of fields (line, fields, text);
    ``aliases`` maps folded exercise names to catalogue ids (see check_aliases).
    """
    report = Report(name)
    for text in notes:
        report.add([header_line], "", "", "encoding", detail=text)
    cols = resolve(header, spec, name, header_line)
    rows_read = len(raw) + (0 if ragged is None else len(ragged))
    if ragged is not None and len(ragged):
        rescued = fit_ragged(raw, ragged, header, spec, cols, delimiter, report)
        if len(rescued):
            raw = pd.concat([raw, rescued], ignore_index=True).sort_values(
                "_line", kind="stable").reset_index(drop=True)
    rows = _Rows(raw, header, cols, report)
    idx = raw.index
    if spec.filled:
        filled = pd.Series(False, index=idx)
        for fld in spec.filled:
            if rows.has(fld):
                filled |= rows.text(fld).fillna("") != ""
        if (~filled).any():
            report.add(rows.lines[~filled], "", "", "unfilled")
        rows.keep &= filled
    values = _numbers(rows, delimiter == ";", spec.hold_clock)
    load = values["load"]
    if spec.filled and rows.has("planned_load"):  # our template: the planned load by default
        load = load.fillna(values["planned_load"])
    units, summary_unit = _units(rows, spec, load, unit, name)
    exercise_text = rows.text("exercise")
    load_kg = load.round(6).where(units != "lb", load.round(6) * KG_PER_LB)
    # Every row's exercise (each distinct name looked up once): the hold range needs it.
    source_all = exercise_text if spec.fmt != "template" else unneutralise(exercise_text)
    exercise_all, variant_all = exercise_ids(source_all, aliases, variants=True)
    _ranges(rows, values, load_kg, exercise_all.isin(hold_exercises()))
    when = _dates(rows, spec, "date", required=True)
    set_type = _set_types(rows, spec)
    rows.reject(exercise_text.fillna("") == "", "exercise", "exercise-empty")
    side = rows.text("side").fillna("").str.casefold()
    side = side.where(side != "", "both")
    rows.reject(~side.isin(SIDES), "side", "side")
    reps = values["reps"]
    rows.note(reps.notna() & (reps != reps.round()), "reps", "reps-fraction")
    for fld in SCALE_0_10:
        v = values[fld]
        off = ((v < 0) | (v > 10)).fillna(False) & rows.keep
        rows.note(off, fld, "scale-range")
        values[fld] = v.where(~off)

    # The kept rows, in the Log's order (time, then line): built once, never re-sorted.
    k = np.flatnonzero(rows.keep.to_numpy())
    order = np.lexsort((rows.lines.to_numpy()[k], when.to_numpy()[k]))
    k = k[order]
    kept = idx[k]
    source_exercise = source_all.iloc[k]
    exercise, variant = exercise_all.iloc[k], variant_all.iloc[k]
    if variant.any():
        first = ~source_exercise[variant].str.casefold().duplicated()
        shown = source_exercise[variant][first]
        report.add(rows.lines[shown.index], rows.name("exercise"), shown, "deadlift-variant")
    performed_at = when.iloc[k].astype("datetime64[s]")
    hold = values["hold"].iloc[k]
    unreadable = pd.Series(False, index=idx)
    if rows.has("duration"):
        fld, text = "duration", rows.text("duration").fillna("")
        minutes = by_unique(text, duration_minutes).astype("float64")
        unreadable = minutes.isna() & (text != "")
    elif rows.has("duration_s"):
        fld, minutes = "duration_s", values["duration_s"] / 60
    elif rows.has("end"):
        fld = "end"
        minutes = (_dates(rows, spec, "end", required=False) - when).dt.total_seconds() / 60
    else:
        fld, minutes = "session_min", values["session_min"]
    minutes = minutes.astype("float64")
    off = (np.isinf(minutes) | (minutes < 0)).fillna(False)
    rows.note(unreadable | off, fld, "duration")
    session_min = minutes.where(~off).iloc[k]
    workout = rows.text("workout").iloc[k]
    workout = workout.where(workout != "")
    note = rows.text("note").iloc[k]
    if rows.has("workout_note"):
        note = note.where(note.fillna("") != "", rows.text("workout_note").iloc[k])
    note = note.where(note.fillna("") != "")
    if spec.fmt == "template":
        note = unneutralise(note)
    if spec.session == "column":
        session_id = unneutralise(rows.text("session_id").iloc[k].where(lambda s: s != ""))
    elif spec.session == "date":
        session_id = format_times(performed_at, "%Y-%m-%d")
    else:
        session_id = format_times(performed_at, "%Y-%m-%dT%H:%M") + "|" + workout.fillna("")
    frame = pd.DataFrame({
        "performed_at": performed_at,
        "date": performed_at.dt.normalize(),
        "session_id": session_id,
        "workout": workout,
        "exercise": exercise,
        "source_exercise": source_exercise,
        "set_type": set_type.iloc[k],
        "reps": reps.iloc[k].round(),
        "hold_s": hold.where(hold > 0) if spec.zero_load_is_none else hold,
        "side": side.iloc[k],
        "load_kg": load_kg.where(load_kg != 0).iloc[k] if spec.zero_load_is_none
        else load_kg.iloc[k],
        "rpe": values["rpe"].iloc[k],
        "pain_during": values["pain_during"].iloc[k],
        "pain_after": values["pain_after"].iloc[k],
        "pain_next_morning": values["pain_next_morning"].iloc[k],
        "session_rpe": values["session_rpe"].iloc[k],
        "session_min": session_min,
        "note": note,
        "key": unneutralise(rows.text("key").iloc[k].where(lambda s: s != ""))
        if rows.has("key") else pd.Series(pd.NA, index=kept, dtype="str"),
        "source_file": pd.Series(name, index=kept, dtype="str"),
        "source_line": rows.lines.iloc[k],
    }, index=kept)
    if spec.fmt == "template":
        number = by_unique(rows.text("set").iloc[k], to_float).astype("float64")
        frame["set"] = number.where((number == number.round()) & (number.abs() < 1e6))
    else:  # sets numbered per session and exercise, in time order (the frame's order)
        frame["set"] = frame.groupby(["session_id", "exercise"], sort=False,
                                     dropna=False).cumcount() + 1
    _duplicates(frame, raw, rows, spec, k)
    return _finish(frame, report, spec.fmt, summary_unit, rows_read, name)


def _duplicates(frame: pd.DataFrame, raw: pd.DataFrame, rows: _Rows, spec: Spec,
                k: np.ndarray) -> None:
    if spec.duplicates == "key" and frame["key"].notna().any():
        keys = frame["key"]
        if keys.nunique() != keys.count():
            dups = keys.duplicated(keep="first") & keys.notna()
            rows.report.add(frame.loc[dups, "source_line"], rows.name("key"),
                            frame.loc[dups, "key"], "duplicate-key")
    elif spec.duplicates == "row" and len(frame):
        cols = [c for c in raw.columns if c != "_line"]
        # rows hashed first; only rows whose hash repeats are compared in full
        hashed = pd.util.hash_pandas_object(raw.iloc[k][cols], index=False)
        maybe = hashed.duplicated(keep=False)
        dups = pd.Series(False, index=hashed.index)
        if maybe.any():
            dups[maybe] = raw.iloc[k][cols][maybe.to_numpy()].duplicated(keep="first")
        if dups.any():
            fld = "set" if rows.has("set") else "exercise"
            rows.report.add(frame.loc[dups.to_numpy(), "source_line"], rows.name(fld),
                            rows.text(fld).iloc[k][dups.to_numpy()], "duplicate-row")


def _finish(frame: pd.DataFrame, report: Report, fmt: str, unit: str, rows_read: int,
            name: str) -> Log:
    out = pd.DataFrame({c: frame[c] for c in LOG_COLUMNS}, copy=False)
    differ = {c: t for c, t in LOG_COLUMNS.items() if str(out[c].dtype) != t}
    if differ:
        out = out.astype(differ)
    if out["performed_at"].is_monotonic_increasing and \
            out["source_line"].is_monotonic_increasing:
        out = out.reset_index(drop=True)
    else:
        out = out.sort_values(["performed_at", "source_line"], kind="stable").reset_index(
            drop=True)
    log = Log(out, report.frame(), fmt, unit, rows_read, name)
    log.check_accounting()
    return log
