"""One normaliser for every log format: a format is a :class:`Spec`, the checks live here.

``normalise(raw, spec, ...)`` takes the file's data rows as text (one column per
header column, a ``_line`` column with each row's physical line) and returns the
:class:`Log`. Every check is vectorised and reports under a stable rule code
(``common.RULES``). A row is imported, rejected (with the first rule it fails) or
skipped; the count is checked.

No Python runs per row. Each column is a categorical (the readers get them
dictionary-encoded from Arrow's CSV reader): a check parses or tests each *distinct*
text once and its answer reaches the rows by their codes (``values.at_codes``);
sessions, set numbers and duplicate rows are computed on integer codes; the Log's
text columns are built by Arrow from the codes.

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

from planner.files.cells import unneutralise
from planner.logs.common import (
    LOG_COLUMNS,
    MAX_HOLD_S,
    MAX_LOAD_KG,
    MAX_REPS,
    MIN_DATE,
    SCALE_0_10,
    SET_TYPES,
    SIDES,
    Log,
    LogFormatError,
    Report,
    exercise_ids,
    hold_exercises,
)
from planner.logs.parallel import Later, parallel
from planner.logs.values import (
    as_codes,
    at_codes,
    blank,
    by_unique,
    codes_of,
    duration_minutes,
    parse_numbers,
    parse_times,
    recode,
    to_float,
    to_text,
)
from planner.plausible import probable_typos
from planner.rules import training_day
from planner.symptoms import pain_in_notes, read_pain
from planner.units import KG_PER_LB, UNIT_ALIASES, from_kg

UNIT_WORDS = UNIT_ALIASES
PAIN_FIELDS = ("pain_during", "pain_after", "pain_next_morning")
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
    plain : fields whose texts rarely repeat (a key per row): kept as plain text, not codes
    names : the app's own exercise names (folded) that are one of the planner's exercises in
        this format only (Hevy's "Stretching", the exercise the planner's Hevy routines use
        for the rotational stretch); the user's aliases win, and the first row is reported
    per_side : exercise names (folded) that the planner's routines for this app lay out one
        set per hold and side, left first: their rows logged without a side take the sides
        left, right, left ... in each session (the app has no sides)
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
    plain: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    per_side: tuple[str, ...] = ()


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
        self.times: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def has(self, fld: str) -> bool:
        return fld in self.cols

    def name(self, fld: str) -> str:
        return self.header[self.cols[fld]].strip() if fld in self.cols else fld

    def text(self, fld: str) -> pd.Series:
        """The field's text, stripped, as a categorical: every check below works on its
        distinct texts (``codes_of``) and spreads the answers to the rows by code."""
        if fld not in self._texts:
            if fld not in self.cols:
                empty = pd.Categorical.from_codes(np.zeros(len(self.raw), dtype=np.int8),
                                                  categories=pd.Index([""], dtype="str"))
                self._texts[fld] = pd.Series(empty, index=self.raw.index)
                return self._texts[fld]
            text = as_codes(self.raw[f"f{self.cols[fld]}"])
            cats = pd.Series(text.cat.categories.to_numpy(dtype=object), dtype="str")
            # Stripped, and a line end is a line end: a Windows file's "\r\n" inside a
            # quoted cell reads as "\n", as in every other file (and as the repaired rows).
            if (cats.str.strip() != cats).any() or cats.str.contains("\r", regex=False).any():
                text = recode(text, lambda u: u.str.replace("\r\n", "\n", regex=False)
                              .str.replace("\r", "\n", regex=False).str.strip())
            self._texts[fld] = text
        return self._texts[fld]

    def flags(self, per_text, codes: np.ndarray, missing: bool = False) -> pd.Series | None:
        """Per-row flags from flags of the distinct texts; None when no row is flagged."""
        per_text = np.asarray(per_text, dtype=bool)
        if not per_text.any() and not (missing and (codes < 0).any()):
            return None
        return pd.Series(at_codes(per_text, codes, missing).astype(bool), index=self.raw.index)

    def note(self, mask: pd.Series | None, fld: str, rule: str, value=None, **detail) -> None:
        """Report the kept rows of ``mask`` under ``rule``; they stay imported."""
        if mask is None:
            return
        m = mask & self.keep
        if m.any():
            shown = self.text(fld) if value is None else value
            self.report.add(self.lines[m], self.name(fld), shown[m], rule, **detail)

    def reject(self, mask: pd.Series | None, fld: str, rule: str, value=None,
               **detail) -> None:
        """Report the kept rows of ``mask`` under ``rule`` and leave them out."""
        if mask is None:
            return
        m = mask & self.keep
        self.note(m, fld, rule, value, **detail)
        self.keep &= ~m


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
        codes, uniques = codes_of(rows.text(fld))
        parsed = parse_numbers(uniques.fillna(""), decimal_comma, fld == "hold" and hold_clock)
        rows.note(rows.flags(parsed["comma"], codes), fld, "decimal-comma")
        if fld in PAIN_FIELDS:
            parsed = _pain_as_written(rows, fld, codes, uniques, parsed)
        if fld in REQUIRED_NUMBERS:
            rows.reject(rows.flags(parsed["bad"], codes), fld, "number")
        else:
            rows.note(rows.flags(parsed["bad"], codes), fld, "number-dropped")
        values[fld] = pd.Series(at_codes(parsed["value"].to_numpy(), codes, np.nan),
                                index=rows.raw.index)
    return values


def _pain_as_written(rows: _Rows, fld: str, codes: np.ndarray, uniques: pd.Series,
                     parsed: pd.DataFrame) -> pd.DataFrame:
    """Pain that is not a plain number, read as people write it (planner.symptoms.read_pain:
    "9/10", "7,5", "pain 6", "3-4" ...): read ones are noted, the rest flagged
    "pain-unreadable" (the week is then "pain unreadable", never "within the rules")."""
    bad = parsed["bad"].to_numpy(bool)
    if not bad.any():
        return parsed
    read = read_pain(uniques.where(bad, ""))
    understood = bad & read["understood"].to_numpy(bool) & read["value"].notna().to_numpy()
    parsed = parsed.copy()
    parsed.loc[understood, "value"] = read["value"].to_numpy()[understood]
    parsed.loc[understood, "bad"] = False
    read_as = rows.flags(pd.Series(understood), codes)
    if read_as is not None:
        m = read_as & rows.keep
        rows.report.add(rows.lines[m], rows.name(fld), rows.text(fld)[m], "pain-text",
                        found=at_codes(parsed["value"].to_numpy(), codes, np.nan)[m.to_numpy()])
    unread = bad & ~understood
    parsed.loc[unread, "bad"] = False  # flagged here, not dropped as an unknown number
    rows.note(rows.flags(pd.Series(unread), codes), fld, "pain-unreadable",
              )
    return parsed


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
        codes, uniques = codes_of(rows.text("unit"))
        words = uniques.fillna("").str.casefold()
        per_row = pd.Series(at_codes(words.map(UNIT_WORDS).to_numpy(dtype=object), codes,
                                     None), index=idx, dtype="str")
        blank = pd.Series(at_codes((words == "").to_numpy(dtype=bool), codes, True),
                          index=idx)
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


def _parse_dates(rows: _Rows, spec: Spec, fld: str, background: bool) -> Later:
    """The parse of the field's distinct texts (``parse_times``), on the worker thread
    with ``background``; its texts are taken here."""
    return Later(background, parse_times, codes_of(rows.text(fld))[1].fillna(""),
                 spec.date_formats)


def _minutes_between(start_codes: np.ndarray, start: Later, end_codes: np.ndarray,
                     end: Later) -> np.ndarray:
    """Each row's minutes from its start to its end time (the codes of their texts, and
    their parses: see :func:`_parse_dates`); NaN where either is missing. As pandas'
    ``(end - start).dt.total_seconds() / 60``."""
    nat = np.datetime64("NaT")
    span = at_codes(end.result()[0], end_codes, nat) - at_codes(start.result()[0],
                                                                 start_codes, nat)
    seconds = span.astype(np.int64).astype(np.float64)
    return np.where(np.isnat(span), np.nan, seconds) / 60


def _dates(rows: _Rows, spec: Spec, fld: str, required: bool, parsed: Later) -> pd.Series:
    """The field's times (``parsed``: see :func:`_parse_dates`); with ``required``, rows
    without a time in range are rejected. The codes and the distinct times are kept in
    ``rows.times[fld]``."""
    s = rows.text(fld)
    codes = codes_of(s)[0]
    parsed, tz = parsed.result()
    rows.times[fld] = (codes, parsed)
    when = pd.Series(at_codes(parsed, codes, np.datetime64("NaT")), index=s.index)
    if not required:
        return when
    rows.reject(rows.flags(np.isnat(parsed), codes, missing=True), fld, "date",
                example=spec.date_example)
    after_tomorrow = pd.Timestamp.now().normalize() + pd.Timedelta(days=2)
    out = (parsed < np.datetime64(MIN_DATE)) | (parsed >= np.datetime64(after_tomorrow))
    rows.reject(rows.flags(out, codes), fld, "date-range")
    rows.note(rows.flags(tz, codes), fld, "date-timezone")
    return when


def _set_types(rows: _Rows, spec: Spec) -> pd.Series:
    """Each row's set type (a categorical of SET_TYPES); rest timers and unknown types
    rejected."""
    idx = rows.raw.index
    types = pd.Index(SET_TYPES, dtype="str")
    if spec.set_types is None:
        working = np.full(len(idx), SET_TYPES.index("working"), dtype=np.int8)
        return pd.Series(pd.Categorical.from_codes(working, categories=types), index=idx)
    fld = "set" if spec.numbered_sets else "set_type"
    codes, uniques = codes_of(rows.text(fld))
    # the distinct texts and, last, "" for a missing one
    low = pd.concat([uniques.fillna(""), pd.Series([""], dtype="str")],
                    ignore_index=True).str.casefold()
    if spec.numbered_sets:
        rest = low.str.contains("rest", regex=False).to_numpy(dtype=bool)
        numbered = low.str.fullmatch(r"\d+(\.0+)?")
        kind = low.map(spec.set_types).where(~numbered, "working")
    else:
        rest = np.zeros(len(low), dtype=bool)
        kind = low.where(low != "", "normal").map(spec.set_types)
    # the set type of each distinct text, as codes into SET_TYPES (-1: not a set type)
    kind = pd.Categorical(kind.to_numpy(dtype=object), categories=SET_TYPES).codes
    codes = np.where(codes >= 0, codes, len(low) - 1)
    rows.reject(pd.Series(rest[codes], index=idx), fld, "rest-timer")
    out = kind[codes]
    rows.reject(pd.Series(out < 0, index=idx), fld, "set-type",
                expected=spec.set_types_expected)
    return pd.Series(pd.Categorical.from_codes(np.maximum(out, 0), categories=types),
                     index=idx)


def normalise(raw: pd.DataFrame, spec: Spec, *, header: list[str], name: str,
              unit: str | None = None, aliases: dict[str, str] | None = None,
              ragged: pd.DataFrame | None = None, delimiter: str = ",",
              notes: list[str] = (), header_line: int = 1) -> Log:
    """The Log of ``raw`` (text columns f0, f1, ... named by ``header``, and ``_line``).
    The text columns may be categoricals (as the readers pass them) or plain text.

    ``ragged`` holds the rows with another number of fields (line, fields, text);
    ``aliases`` maps folded exercise names to catalogue ids (see check_aliases).
    """
    report = Report(name)
    for text in notes:
        report.add([header_line], "", "", "encoding", detail=text)
    cols = resolve(header, spec, name, header_line)
    rows_read = len(raw) + (0 if ragged is None else len(ragged))
    raw = _with_rescued_rows(raw, ragged, header, spec, cols, delimiter, report)
    rows = _Rows(raw, header, cols, report)
    # A big log's dates are parsed on a second core while the numbers, units and ranges
    # are checked (and its repeated rows looked for while the Log's columns are built).
    background = parallel(len(raw))
    date_parse, span = _start_date_parses(rows, spec, background)
    # Every row: whether it was filled in, its numbers, units, ranges and date, then
    # its set type, exercise and side, and last what is only worth a note.
    _skip_unfilled(rows, spec)
    values = _numbers(rows, delimiter == ";", spec.hold_clock)
    load_kg, summary_unit = _loads_in_kg(rows, spec, values, unit, name)
    source_all, exercise_all, variant_all = _look_up_exercises(rows, spec, aliases)
    _ranges(rows, values, load_kg, exercise_all.isin(hold_exercises()))
    when = _dates(rows, spec, "date", required=True, parsed=date_parse)
    set_type = _set_types(rows, spec)
    side = _check_exercise_and_side(rows)
    _note_fractions_and_scales(rows, values)
    # The kept rows: their order, then the Log's columns
    k = _kept_in_log_order(rows, when)
    repeats = _start_repeats(raw, spec, k, background)
    source_exercise, exercise = source_all.iloc[k], exercise_all.iloc[k]
    _report_variants(rows, source_exercise, variant_all.iloc[k])
    performed_at = when.iloc[k].astype("datetime64[s]")
    session_min = _session_minutes(rows, values, span, k)
    workout = _blank_missing(rows.text("workout").iloc[k])
    note = _notes(rows, spec, k)
    sessions = _start_sessions(rows, spec, k, workout, exercise, background)
    hold, load_kg = _zero_as_none(spec, values["hold"], load_kg)
    set_number = _template_set_numbers(rows, k) if spec.fmt == "template" else None
    columns = _log_columns(rows, k, name, values, performed_at=performed_at,
                           workout=workout, exercise=exercise,
                           source_exercise=source_exercise, set_type=set_type, hold=hold,
                           side=side, load_kg=load_kg, session_min=session_min, note=note)
    frame = _frame_with_sessions(columns, sessions, set_number)
    _sides_in_routine_order(frame, spec, report)
    _duplicates(frame, rows, spec, k, repeats)
    return _finish(frame, report, spec.fmt, summary_unit, rows_read, name,
                   rows.name("load") if rows.has("load") else "load")


def _with_rescued_rows(raw: pd.DataFrame, ragged: pd.DataFrame | None, header: list[str],
                       spec: Spec, cols: dict[str, int], delimiter: str, report: Report
                       ) -> pd.DataFrame:
    """``raw`` and the ragged rows that :func:`fit_ragged` rescues, in line order (the
    others reported)."""
    if ragged is None or not len(ragged):
        return raw
    rescued = fit_ragged(raw, ragged, header, spec, cols, delimiter, report)
    if not len(rescued):
        return raw
    raw = pd.concat([raw, rescued], ignore_index=True).sort_values(
        "_line", kind="stable").reset_index(drop=True)
    # the concatenation mixed categoricals and text: one categorical a column again
    return raw.astype({c: "category" for c in raw.columns if c != "_line"})


def _start_date_parses(rows: _Rows, spec: Spec, background: bool
                       ) -> tuple[Later, Later | None]:
    """The parse of the start times and, where the file gives end times but no duration,
    the minutes from start to end (else None), there too (see :func:`_parse_dates`)."""
    end = rows.has("end") and not rows.has("duration") and not rows.has("duration_s")
    times = {fld: _parse_dates(rows, spec, fld, background)
             for fld in ("date", "end") if fld == "date" or end}
    span = None
    if end:  # then the minutes from start to end, there too
        span = Later(background, _minutes_between, codes_of(rows.text("date"))[0],
                     times["date"], codes_of(rows.text("end"))[0], times["end"])
    return times["date"], span


def _skip_unfilled(rows: _Rows, spec: Spec) -> None:
    """Skip the rows where none of ``spec.filled`` is given (our template's rows not
    filled in)."""
    if not spec.filled:
        return
    filled = pd.Series(False, index=rows.raw.index)
    for fld in spec.filled:
        if rows.has(fld):
            filled |= ~blank(rows.text(fld))
    if (~filled).any():
        rows.report.add(rows.lines[~filled], "", "", "unfilled")
    rows.keep &= filled


def _loads_in_kg(rows: _Rows, spec: Spec, values: dict[str, pd.Series], unit: str | None,
                 name: str) -> tuple[pd.Series, str]:
    """Each row's load in kg (see :func:`_units`) and the unit of the Log."""
    load = values["load"]
    if spec.filled and rows.has("planned_load"):  # our template: the planned load by default
        load = load.fillna(values["planned_load"])
    units, summary_unit = _units(rows, spec, load, unit, name)
    load_kg = load.round(6)
    if (units == "lb").any():
        load_kg = load_kg.where(units != "lb", load_kg * KG_PER_LB)
    return load_kg, summary_unit


def _look_up_exercises(rows: _Rows, spec: Spec, aliases: dict[str, str] | None
               ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Every row's exercise as named in the file, its catalogue id and whether it is a
    deadlift variant (each distinct name looked up once): the hold range needs them."""
    exercise_text = rows.text("exercise")
    source_all = exercise_text if spec.fmt != "template" else recode(exercise_text,
                                                                        unneutralise)
    exercise_all, variant_all = exercise_ids(source_all, {**spec.names, **(aliases or {})},
                                             variants=True)
    for name, target in spec.names.items():
        if name in (aliases or {}):
            continue
        named = (exercise_all == target) & source_all.str.strip().str.casefold().eq(name)
        if named.any():
            rows.note(named & (named.cumsum() == 1), "exercise", "app-name",
                      exercise=target.replace("_", " "))
    return source_all, exercise_all, variant_all


def _sides_in_routine_order(frame: pd.DataFrame, spec: Spec, report: Report) -> None:
    """Rows of ``spec.per_side`` exercises logged without a side (in the frame's time order)
    take the sides left, right, left ... within each session: the planner's routines for the
    app lay the stretch out one set per hold and side, left first. Reported once."""
    if not spec.per_side or not len(frame):
        return
    named = frame["source_exercise"].str.strip().str.casefold().isin(spec.per_side)
    m = (named & frame["side"].eq("both")).fillna(False).to_numpy(bool)
    if not m.any():
        return
    at = np.flatnonzero(m)
    rank = pd.DataFrame({"s": frame["session_id"].to_numpy()[at],
                         "e": frame["source_exercise"].to_numpy()[at]}
                        ).groupby(["s", "e"], sort=False, dropna=False).cumcount().to_numpy()
    side = frame["side"].to_numpy(dtype=object, copy=True)
    side[at] = np.where(rank % 2 == 0, "left", "right")
    frame["side"] = pd.array(side, dtype=frame["side"].dtype)
    report.add([int(frame["source_line"].iloc[at[0]])], "exercise",
               frame["source_exercise"].iloc[at[0]], "side-order")


def _check_exercise_and_side(rows: _Rows) -> pd.Series:
    """Reject rows without an exercise or with an unknown side; each row's side (a
    categorical, "both" where none is given)."""
    rows.reject(blank(rows.text("exercise")), "exercise", "exercise-empty")
    side = recode(rows.text("side"), lambda u: u.fillna("").str.casefold().replace("", "both"))
    rows.reject(~side.isin(SIDES), "side", "side")
    return side


def _note_fractions_and_scales(rows: _Rows, values: dict[str, pd.Series]) -> None:
    """Note reps with a fraction, and 0-10 scores out of range (dropped from ``values``)."""
    reps = values["reps"]
    rows.note(reps.notna() & (reps != reps.round()), "reps", "reps-fraction")
    for fld in SCALE_0_10:
        if not rows.has(fld):  # no values, none out of range
            continue
        v = values[fld]
        off = ((v < 0) | (v > 10)).fillna(False) & rows.keep
        rows.note(off, fld, "scale-range")
        values[fld] = v.where(~off)


def _kept_in_log_order(rows: _Rows, when: pd.Series) -> np.ndarray:
    """The positions of the kept rows, in the Log's order (time, then line): built once,
    never re-sorted."""
    k = np.flatnonzero(rows.keep.to_numpy())
    lines = rows.lines.to_numpy()[k]
    if len(k) < 2 or (lines[1:] > lines[:-1]).all():  # one stable sort by time will do
        order = _time_order(rows.times["date"], k)
    else:
        order = np.lexsort((lines, when.to_numpy()[k]))
    return k[order]


def _report_variants(rows: _Rows, source_exercise: pd.Series, variant: pd.Series) -> None:
    """Report each deadlift variant's name once (its first spelling, in any case)."""
    if variant.any():
        named = source_exercise[variant]
        shown = named[~named.cat.codes.duplicated().to_numpy()].astype("str")
        shown = shown[~shown.str.casefold().duplicated()]
        rows.report.add(rows.lines[shown.index], rows.name("exercise"), shown,
                        "deadlift-variant")


def _session_minutes(rows: _Rows, values: dict[str, pd.Series], span: Later | None,
                     k: np.ndarray) -> pd.Series:
    """The session's minutes of the rows ``k``: from the duration text, the seconds, the
    end time (``span``) or the minutes, whichever the file has; unreadable, negative and
    infinite ones noted and left out."""
    unreadable = pd.Series(False, index=rows.raw.index)
    if rows.has("duration"):
        fld, text = "duration", rows.text("duration")
        minutes = by_unique(text, duration_minutes).astype("float64")
        unreadable = minutes.isna() & ~blank(text)
    elif rows.has("duration_s"):
        fld, minutes = "duration_s", values["duration_s"] / 60
    elif rows.has("end"):
        fld = "end"
        minutes = pd.Series(span.result(), index=rows.raw.index)
    else:
        fld, minutes = "session_min", values["session_min"]
    minutes = minutes.astype("float64")
    off = (np.isinf(minutes) | (minutes < 0)).fillna(False)
    rows.note(unreadable | off, fld, "duration")
    return minutes.where(~off).iloc[k]


def _notes(rows: _Rows, spec: Spec, k: np.ndarray) -> pd.Series:
    """The notes of the rows ``k`` as text: the set's and its workout's (joined by
    ``NOTE_JOIN`` when both are written)."""
    note = rows.text("note").iloc[k]
    if rows.has("workout_note"):
        note = _joined(note, rows.text("workout_note").iloc[k])
    note = to_text(_blank_missing(note))
    if spec.fmt == "template":
        note = unneutralise(note)
    return note


def _start_sessions(rows: _Rows, spec: Spec, k: np.ndarray, workout: pd.Series,
                    exercise: pd.Series, background: bool) -> Later:
    """The sessions, and the set numbers that follow from them (sets numbered per session
    and exercise, in time order: the frame's order), on the worker thread while the
    other columns are built (see :func:`_numbered`); our template numbers its sets
    itself."""
    exercises = (_codes([exercise])[0] if spec.fmt != "template" else None)
    if spec.session == "column":
        session = _blank_missing(recode(rows.text("session_id").iloc[k], unneutralise))
        return Later(False, _numbered, session, exercises)
    if spec.session == "date":
        return Later(background, _numbered_sessions, rows.times["date"], k, "%Y-%m-%d",
                     None, exercises)
    names = workout.cat.categories.to_numpy(dtype=object)
    return Later(background, _numbered_sessions, rows.times["date"], k,
                 "%Y-%m-%dT%H:%M", (workout.cat.codes.to_numpy(), names), exercises)


def _zero_as_none(spec: Spec, hold: pd.Series, load_kg: pd.Series
                  ) -> tuple[pd.Series, pd.Series]:
    """Holds and loads of zero made missing values, where the format means none by them."""
    if not spec.zero_load_is_none:
        return hold, load_kg
    return hold.where(hold > 0), load_kg.where(load_kg != 0)


def _template_set_numbers(rows: _Rows, k: np.ndarray) -> np.ndarray:
    """Our template's set numbers of the rows ``k``: whole ones, else NaN."""
    number = by_unique(rows.text("set").iloc[k], to_float).astype("float64").to_numpy()
    return np.where((number == number.round()) & (np.abs(number) < 1e6), number, np.nan)


def _log_columns(rows: _Rows, k: np.ndarray, name: str, values: dict[str, pd.Series], *,
                 performed_at: pd.Series, workout: pd.Series, exercise: pd.Series,
                 source_exercise: pd.Series, set_type: pd.Series, hold: pd.Series,
                 side: pd.Series, load_kg: pd.Series, session_min: pd.Series,
                 note: pd.Series) -> dict[str, object]:
    """The Log's columns of the rows ``k`` (``set_type``, ``hold``, ``side`` and
    ``load_kg`` given for every row), each built in its final dtype and handed over
    without a copy: no block of floats is stacked and split again. The sessions' two
    are left None (see :func:`_frame_with_sessions`)."""
    return {
        "performed_at": performed_at.to_numpy(),
        "date": training_day(performed_at).to_numpy(),
        "session_id": None,
        "workout": to_text(workout).array,
        "exercise": to_text(exercise).array,
        "source_exercise": to_text(source_exercise).array,
        "set": None,
        "set_type": to_text(set_type.iloc[k]).array,
        "reps": _integers(values["reps"].to_numpy()[k].round()),
        "hold_s": _floats(hold.to_numpy()[k]),
        "side": to_text(side.iloc[k]).array,
        "load_kg": _floats(load_kg.to_numpy()[k]),
        **{c: _floats(values[c].to_numpy()[k] if rows.has(c) else np.full(len(k), np.nan))
           for c in ("rpe", "pain_during", "pain_after", "pain_next_morning", "session_rpe")},
        "session_min": _floats(session_min.to_numpy()),
        "note": note.array,
        "key": _plain_key(rows, k),
        "source_file": _text_of(name, len(k)),
        "source_line": _integers(rows.lines.to_numpy()[k]),
    }


def _frame_with_sessions(columns: dict[str, object], sessions: Later,
                         set_number: np.ndarray | None) -> pd.DataFrame:
    """The Log's frame: ``columns`` with the sessions and set numbers (``sessions``, taken
    last: see :func:`_start_sessions`), or the template's own set numbers."""
    session, numbers = sessions.result()
    columns["session_id"] = to_text(session).array
    columns["set"] = _integers(numbers if set_number is None else set_number)
    return pd.DataFrame(columns, copy=False)


def _floats(values: np.ndarray) -> pd.arrays.FloatingArray:
    """``Float64`` of floats, NaN as a missing value (as ``astype("Float64")``)."""
    values = np.asarray(values, dtype="float64")
    return pd.arrays.FloatingArray(values, np.isnan(values))


def _integers(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``Int64`` of whole numbers (floats with NaN for missing ones, or integers)."""
    return pd.array(values, dtype="Int64")


def _plain_key(rows: _Rows, k: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The template's key of the rows ``k``, as text (unique per row: no codes)."""
    if not rows.has("key"):
        return _text_of(None, len(k))
    key = rows.raw[f"f{rows.cols['key']}"].iloc[k]
    key = key.astype("str") if isinstance(key.dtype, pd.CategoricalDtype) else key
    if key.str.contains("\r", regex=False).any():  # rare: keys are written by the planner
        key = key.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n",
                                                                      regex=False)
    key = unneutralise(key.str.strip())
    return key.where(key != "").reset_index(drop=True).array


def _text_of(value: str | None, n: int) -> pd.api.extensions.ExtensionArray:
    """``n`` times the same text (or a missing value), as ``str`` built by Arrow."""
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    if value is None:
        return pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string()), dtype=dtype)
    return pd.arrays.ArrowStringArray(pa.repeat(pa.scalar(value, pa.large_string()), n),
                                      dtype=dtype)


def _blank_missing(s: pd.Series) -> pd.Series:
    """A categorical text with the empty text made a missing value."""
    if "" in s.cat.categories:
        return s.cat.remove_categories([""])
    return s


#: Between a set's own note and its workout's note when a row has both.
NOTE_JOIN = " | "


def _joined(a: pd.Series, b: pd.Series) -> pd.Series:
    """Categorical text: ``a`` and ``b`` joined by ``NOTE_JOIN`` where both hold text, else
    the one that does (worked per distinct pair): a set's note and its workout's note are
    both read, so that a symptom written in either is seen."""
    a_codes, a_text = codes_of(a)
    b_codes, b_text = codes_of(b)
    a_words = np.append(a_text.fillna("").to_numpy(dtype=object), "")  # code -1: ""
    b_words = np.append(b_text.fillna("").to_numpy(dtype=object), "")
    pair = a_codes.astype(np.int64) * (len(b_words) + 1) + b_codes.astype(np.int64)
    pair_codes, pairs = pd.factorize(pair)
    at = _first_of_each(pair_codes, len(pairs))
    first_a, first_b = a_codes[at], b_codes[at]
    texts = np.array([x + NOTE_JOIN + y if x and y else x or y for x, y in
                      zip(a_words[first_a], b_words[first_b], strict=True)], dtype=object)
    codes, distinct = pd.factorize(texts)
    return pd.Series(pd.Categorical.from_codes(
        codes[pair_codes].astype(np.int64),
        categories=pd.Index(np.asarray(distinct, dtype=object), dtype="str")), index=a.index)


def _first_of_each(codes: np.ndarray, n: int) -> np.ndarray:
    """The first position of each code 0 .. n-1 in ``codes``."""
    first = np.zeros(n, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1, dtype=np.int64)  # last write wins
    return first


def _time_order(times: tuple[np.ndarray, np.ndarray], k: np.ndarray) -> np.ndarray:
    """A stable sort of the rows ``k`` (each with a time) by time: by the rank of each
    row's distinct time, small integers that numpy sorts by radix, in one pass."""
    codes, distinct = times
    ranks = np.unique(distinct, return_inverse=True)[1].astype(np.int64)  # equal, equal
    row = ranks[codes[k]]
    return np.argsort(row.astype(np.uint16) if len(distinct) <= 2 ** 16 else row,
                      kind="stable")


def _numbered(session: pd.Series, exercises: tuple[int, np.ndarray] | None
              ) -> tuple[pd.Series, np.ndarray | None]:
    """The sessions (a categorical, in the frame's order) and, given the exercises' codes
    (see :func:`_codes`), each set's number within its session and exercise."""
    if exercises is None:
        return session, None
    size, codes = exercises
    key = session.cat.codes.to_numpy().astype(np.int64) * size + codes
    return session, pd.Series(key).groupby(key, sort=False).cumcount().to_numpy() + 1


def _numbered_sessions(times: tuple[np.ndarray, np.ndarray], k: np.ndarray, fmt: str,
                       workout: tuple[np.ndarray, np.ndarray] | None,
                       exercises: tuple[int, np.ndarray] | None
                       ) -> tuple[pd.Series, np.ndarray | None]:
    """:func:`_sessions`, and the set numbers as :func:`_numbered` gives them."""
    return _numbered(_sessions(times, k, fmt, workout), exercises)


def _sessions(times: tuple[np.ndarray, np.ndarray], k: np.ndarray, fmt: str,
              workout: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """Session ids of the rows ``k``: each time as ``fmt`` (and "|" and the workout's
    name: ``workout`` holds the codes of the rows ``k`` and the distinct names),
    formatted once per distinct time and workout (a categorical)."""
    codes, distinct = times
    stamp_codes, stamps = pd.factorize(_stamps(distinct, fmt), use_na_sentinel=True)
    row = at_codes(stamp_codes, codes[k], -1).astype(np.int64)
    if workout is not None:
        names = np.append(workout[1], "")
        w = workout[0].astype(np.int64)
        w = np.where(w >= 0, w, len(names) - 1)
        row = np.where(row >= 0, row * len(names) + w, -1)
    pair_codes, pairs = pd.factorize(row, use_na_sentinel=True)
    if workout is not None:
        stamps = np.asarray(stamps, dtype=object)
        text = stamps[pairs // len(names)] + "|" + names[pairs % len(names)]
    else:
        text = np.asarray(stamps, dtype=object)[pairs]
    return pd.Series(pd.Categorical.from_codes(
        pair_codes, categories=pd.Index(text, dtype="str")))


# strftime formats that numpy writes the same way, in C, for the years 1970-9999 (the
# readers' date range): the unit of numpy's ISO text
_ISO_UNITS = {"%Y-%m-%dT%H:%M": "m", "%Y-%m-%d": "D"}


def _stamps(distinct: np.ndarray, fmt: str) -> np.ndarray:
    """The distinct times as ``fmt`` (a missing value for NaT)."""
    unit = _ISO_UNITS.get(fmt)
    if unit is None:
        return pd.DatetimeIndex(distinct).strftime(fmt).to_numpy(dtype=object)
    years = distinct.astype("datetime64[Y]").astype(np.int64) + 1970
    inside = (years >= 1970) & (years <= 9999)  # NaT is far outside
    out = np.empty(len(distinct), dtype=object)
    out[inside] = np.datetime_as_string(distinct[inside], unit=unit)
    if not inside.all():
        out[~inside] = pd.DatetimeIndex(distinct[~inside]).strftime(fmt).to_numpy(dtype=object)
    return out


def _start_repeats(raw: pd.DataFrame, spec: Spec, k: np.ndarray, background: bool
                   ) -> Later | None:
    """The search for repeated rows among the kept rows ``k`` (see :func:`_repeats`), on
    the worker thread with ``background``; None where rows are not compared whole. The
    codes of the raw texts (one column each) are taken here."""
    if spec.duplicates != "row" or not len(k):
        return None
    return Later(background, _repeated,
                 _codes([as_codes(raw[c]) for c in raw.columns if c != "_line"]), k)


def _duplicates(frame: pd.DataFrame, rows: _Rows, spec: Spec, k: np.ndarray,
                repeats: Later | None) -> None:
    if spec.duplicates == "key" and frame["key"].notna().any():
        keys = frame["key"]
        dups = keys.duplicated(keep="first") & keys.notna()  # one pass over the keys
        if dups.any():
            rows.report.add(frame.loc[dups, "source_line"], rows.name("key"),
                            frame.loc[dups, "key"], "duplicate-key")
    elif spec.duplicates == "row" and len(frame):
        # Rows compared to the letter, as the codes of their raw texts (one per column)
        dups = repeats.result()
        if dups.any():
            fld = "set" if rows.has("set") else "exercise"
            rows.report.add(frame.loc[dups, "source_line"], rows.name(fld),
                            rows.text(fld).iloc[k][dups].astype("str"), "duplicate-row")


def _repeats(columns: list[pd.Series], at: np.ndarray) -> np.ndarray:
    """Whether each row ``at`` repeats an earlier one of ``at`` in every one of ``columns``
    (categoricals). The codes are packed into one integer per row, first those of the
    columns with the most distinct values, as many as fit in 62 bits: only rows that share
    these can repeat one another, and only they (few, as a rule) are compared on all."""
    return _repeated(_codes(columns), at)


def _codes(columns: list[pd.Series]) -> list[tuple[int, np.ndarray]]:
    """Each categorical's codes and their number of values (its texts and the missing
    value)."""
    return [(len(col.cat.categories) + 1, col.cat.codes.to_numpy()) for col in columns]


def _repeated(columns: list[tuple[int, np.ndarray]], at: np.ndarray) -> np.ndarray:
    """:func:`_repeats` on the columns' codes (see :func:`_codes`)."""
    columns = sorted(columns, key=lambda col: -col[0])
    key, partial = _packed(columns, at)
    if not partial:
        return pd.Series(key).duplicated(keep="first").to_numpy()
    out = np.zeros(len(at), dtype=bool)
    maybe = np.flatnonzero(pd.Series(key).duplicated(keep=False).to_numpy())
    key = _packed(columns, at[maybe], renumber=True)[0]
    out[maybe] = pd.Series(key).duplicated(keep="first").to_numpy()
    return out


def _packed(columns: list[tuple[int, np.ndarray]], at: np.ndarray, renumber: bool = False
            ) -> tuple[np.ndarray, bool]:
    """The codes of ``columns`` (see :func:`_codes`) at the rows ``at``, packed into one integer
    per row (equal rows, equal integers). Without ``renumber``, stops at the first column
    that would overflow 62 bits and says whether columns were left out; with it, the
    packed integers are numbered anew (1, 2, ...) whenever they would overflow."""
    key = np.zeros(len(at), dtype=np.int64)
    top = 0
    for size, codes in columns:
        if top >= (2 ** 62) // size:
            if not renumber:
                return key, True
            key = pd.factorize(key)[0].astype(np.int64)
            top = int(key.max(initial=0))
        key *= size
        key += codes[at]
        key += 1
        top = top * size + size
    return key, False


def _finish(frame: pd.DataFrame, report: Report, fmt: str, unit: str, rows_read: int,
            name: str, load_column: str) -> Log:
    out = pd.DataFrame({c: frame[c] for c in LOG_COLUMNS}, copy=False)
    differ = {c: t for c, t in LOG_COLUMNS.items() if str(out[c].dtype) != t}
    if differ:
        out = out.astype(differ)
    out = _without_typos(out, report, unit, load_column)
    out, read_notes = _pain_from_notes(out, report)
    # The rows were taken in the Log's order (time, then line): no sort, no copy.
    log = Log(out, report.frame(), fmt, unit, rows_read, name, notes=read_notes)
    log.check_accounting()
    return log


def _pain_from_notes(out: pd.DataFrame, report: Report) -> tuple[pd.DataFrame, list[str]]:
    """Pain written in the notes by the convention the exports teach ("pain 3/10", "back 4":
    :func:`planner.symptoms.pain_in_notes`) as the session's pain after, where the row has
    no pain after of its own (a pain column wins over a note). Each session's note is
    reported once, on its first row: a score read ("pain-note") or a pain word with a number
    that is no 0-10 score ("pain-unreadable": the week is "pain unreadable")."""
    if not len(out) or not out["note"].notna().any():
        return out, []
    read = pain_in_notes(out["note"])
    value = read["value"].to_numpy()
    unread = ~read["understood"].to_numpy(bool)
    fill = ~np.isnan(value) & out["pain_after"].isna().to_numpy()
    if not fill.any() and not unread.any():
        return out, []
    first = ~out.duplicated(["session_id", "note"]).to_numpy()
    said, unsaid = fill & first, unread & first
    for mask, rule, detail in ((said, "pain-note", {"found": value[said]}),
                               (unsaid, "pain-unreadable", {})):
        if mask.any():
            report.add(out["source_line"][mask].reset_index(drop=True), "notes",
                       out["note"][mask].reset_index(drop=True), rule, **detail)
    if not fill.any():
        return out, []
    out = out.copy()
    out["pain_after"] = out["pain_after"].mask(pd.Series(fill, index=out.index),
                                               pd.Series(value, index=out.index))
    days = out.loc[fill, "date"].nunique()
    return out, [f"pain read from the notes: {int(said.sum())} scores on {days} "
                 f"day{'s' if days != 1 else ''} (as pain after the session)"]


def _without_typos(out: pd.DataFrame, report: Report, unit: str, load_column: str
                   ) -> pd.DataFrame:
    """``out`` without its probable typos (planner.plausible), each reported with the load
    it was judged against and, where evident, the load probably meant."""
    typos = probable_typos(out, unit)
    if typos.empty:
        return out
    lines = out.loc[typos.index, "source_line"]
    for (_, t), line in zip(typos.iterrows(), lines, strict=True):
        likely = (f"; perhaps {float(from_kg(t['likely_kg'], unit)):g} {unit} was meant"
                  if pd.notna(t["likely_kg"]) else "")
        report.add([int(line)], load_column, f"{float(from_kg(t['load_kg'], unit)):g}",
                   "load-typo", detail=t["reason"] + likely)
    return out.drop(index=typos.index).reset_index(drop=True)
