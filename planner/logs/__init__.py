"""Workout logs: our template, the CSV exports of Strong, Hevy, FitNotes and Liftosaur, and
Garmin FIT activities.

``read_log(path, unit=None, aliases=None)`` detects the format from the file itself and
returns a :class:`Log` (the normalised table and the import report).
``LogFormatError`` is raised for a file that cannot be read as a log at all.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planner.logs.apps import FITNOTES, HEVY, LIFTOSAUR, STRONG, STRONG_HEADERLESS
from planner.logs.common import (
    LOG_COLUMNS,
    REPORT_COLUMNS,
    RULES,
    Log,
    LogAccountingError,
    LogFormatError,
    check_aliases,
    parse_aliases,
)
from planner.logs.fit import parse_fit, read_fit
from planner.logs.normalise import Spec, normalise, resolve
from planner.logs.source import Source, header_key, is_fit, open_source, per_row, read_records
from planner.logs.template import check_template_header, write_log_template
from planner.units import UNIT_ALIASES

FORMATS = ("template", "strong", "hevy", "fitnotes", "fit", "liftosaur")
SPECS: dict[str, Spec] = {"strong": STRONG, "hevy": HEVY, "fitnotes": FITNOTES,
                          "liftosaur": LIFTOSAUR}

__all__ = ["FORMATS", "LOG_COLUMNS", "REPORT_COLUMNS", "RULES", "Log", "LogAccountingError",
           "LogFormatError", "Spec", "detect_format", "normalise", "parse_aliases",
           "parse_log", "read_fit", "read_fitnotes", "read_hevy", "read_log", "read_strong",
           "read_template", "write_log_template"]


def detect_format(header: list[str]) -> str | None:
    """The log format a header row belongs to, or None."""
    keys = {header_key(h) for h in header}
    if {"key", "session_id", "exercise"} <= keys and any(k.startswith("done_") for k in keys):
        return "template"
    if {"exercise_title", "set_index"} <= keys:
        return "hevy"
    if {"exercise name", "set order"} <= keys:
        return "strong"
    if {"workout datetime", "exercise", "is warmup set?"} <= keys:
        return "liftosaur"
    if {"date", "exercise", "reps"} <= keys and ("category" in keys or any(
            k.startswith("weight") for k in keys)):
        return "fitnotes"
    return None


def _headerless_strong(first: list[str]) -> bool:
    return (len(first) >= 11 and re.match(r"^\d{4}-\d{2}-\d{2}", first[0].strip()) is not None
            and first[5].strip().lower() in UNIT_ALIASES)


# Files larger than this get a progress bar (when one can be shown).
PROGRESS_BYTES = 5_000_000


def parse_log(buffer, unit: str | None = None, name: str = "<buffer>",
              expect: str | None = None, progress: bool | None = None,
              aliases: dict[str, str] | None = None) -> Log:
    """Read a log from bytes, text or an open file (see :func:`read_log`)."""
    if unit is not None and unit not in ("kg", "lb"):
        raise LogFormatError(f'{name}: unit must be "kg" or "lb", got {unit!r}')
    folded = check_aliases(aliases)
    src = open_source(buffer, name)
    if progress is None:
        progress = len(src.data) > PROGRESS_BYTES and sys.stderr.isatty()
    if not progress:
        return _parse(src, unit, expect, folded)
    # Imported only when a bar is shown: tqdm.auto loads IPython's display in a notebook.
    from tqdm.auto import tqdm

    with tqdm(total=2, desc=f"reading {Path(src.name).name}", unit="step",
              bar_format="{desc}: {bar} {n}/{total} {postfix}") as bar:
        bar.set_postfix_str("format and rows")
        bar.update(1)
        log = _parse(src, unit, expect, folded)
        bar.set_postfix_str(f"{log.rows_imported:,} sets imported")
        bar.update(1)
    return log


def _blank(table) -> np.ndarray:
    """Records that hold nothing but blanks (a column at a time, while any could be)."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= per_row(column, lambda a: pc.equal(pc.utf8_length(
            pc.utf8_trim_whitespace(a)), 0))
        if not blank.any():
            break
    return blank


def _rows(table, picked: np.ndarray, columns: list[int]):
    """The records at ``picked`` (sorted), only ``columns``; a slice when contiguous."""
    table = table.select([f"f{i}" for i in columns])
    if len(picked) and picked[-1] - picked[0] + 1 == len(picked):
        return table.slice(int(picked[0]), len(picked))
    return table.take(picked)


def _parse(src: Source, unit: str | None, expect: str | None,
           aliases: dict[str, str]) -> Log:
    if is_fit(src.data):  # a Garmin FIT file (planner.logs.fit), not a CSV export
        return parse_fit(src, unit, expect, aliases)
    first = src.first_record()
    if not first:
        raise LogFormatError(f"{src.name}: the file is empty; expected a workout log")
    fmt = detect_format(first)
    headerless = fmt is None and _headerless_strong(first)
    if headerless:
        fmt = "strong"
    if fmt is None:
        keys = {header_key(h) for h in first}
        if {"key", "session_id", "target_reps"} <= keys:
            raise LogFormatError(f"{src.name}: line 1: this is a plan, not a log; write a log "
                                 "template from it with 'planner log-template PLAN -o LOG'")
        # The header is not echoed: a file that is not a log may be anything (notes, a
        # health record), and this message reaches the page, the terminal and the audit log.
        raise LogFormatError(f"{src.name}: line 1: not a workout log: its {len(first)} "
                             "column names match none of our template, Strong, Hevy, "
                             "FitNotes or Liftosaur; expected e.g. Date, Exercise Name, Set Order, "
                             "Weight, Reps")
    if expect is not None and fmt != expect:
        raise LogFormatError(f"{src.name}: line 1: expected a {expect} log, found {fmt}")
    spec = check_template_header(first, src.name) if fmt == "template" else SPECS[fmt]
    # Fields whose texts rarely repeat are read as plain text, the rest dictionary-encoded;
    # so are the columns no check reads when rows are not compared whole (plain text is
    # read faster than codes, and these are only tested for blanks).
    plain: tuple[int, ...] = ()
    if (spec.plain or spec.duplicates != "row") and not headerless:
        with contextlib.suppress(LogFormatError):  # said below, with the header's line
            found = resolve(first, spec, src.name, 1)
            plain = tuple(i for f, i in found.items() if f in spec.plain)
            if spec.duplicates != "row":
                plain += tuple(i for i in range(len(first)) if i not in found.values())
    records = read_records(src, len(first), plain)
    table, lines = records.table, records.lines
    blank = _blank(table)
    nonblank = np.flatnonzero(~blank)
    if headerless:
        header = (STRONG_HEADERLESS + [""] * len(first))[:len(first)]
        header_line, data = 0, nonblank
    else:
        if not len(nonblank):
            raise LogFormatError(f"{src.name}: the file is empty; expected a workout log")
        at = nonblank[0]
        header = [table.column(i)[at].as_py() for i in range(table.num_columns)]
        header_line, data = int(lines[at]), nonblank[1:]
    ragged = records.ragged
    ragged = ragged[(ragged["line"] > header_line) & ~ragged["text"].str.fullmatch(
        rf'[\s"{src.delimiter}]*')].reset_index(drop=True)
    if not len(data) and not len(ragged):
        raise LogFormatError(f"{src.name}: the {fmt} log has a header but no rows")
    # Only the columns a check reads (all of them where whole rows are compared).
    used = sorted(set(resolve(header, spec, src.name, max(header_line, 1)).values()))
    columns = list(range(len(header))) if spec.duplicates == "row" else used
    raw = _rows(table, data, columns).to_pandas(  # one categorical a column, or text
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    raw["_line"] = lines[data]
    del table, records
    src.data = b""  # the table holds it all now: let the file's bytes go
    return normalise(raw, spec, header=header, name=src.name, unit=unit, aliases=aliases,
                     ragged=ragged, delimiter=src.delimiter, notes=src.notes,
                     header_line=max(header_line, 1))


def read_log(path: str | Path, unit: str | None = None, progress: bool | None = None,
             aliases: dict[str, str] | None = None) -> Log:
    """Read a workout log, detecting its format (template, Strong, Hevy, FitNotes).

    Parameters
    ----------
    path : the file
    unit : "kg" or "lb" for files that do not say which unit their weights are in;
        where the file says it, the file wins (and the report says so). Never guessed.
    progress : show a progress bar; None shows one for files over 5 MB on a terminal
    aliases : exercise names (any case) to read as one of the planner's exercises, e.g.
        ``{"Deadlift Old Data": "deadlift"}``; they win over the built-in names.

    Raises
    ------
    LogFormatError : the file cannot be read as a workout log at all (one line: file,
        line, column, what was expected)
    ValueError : an alias names no exercise of the catalogue
    """
    return parse_log(Path(path), unit=unit, name=str(path), progress=progress,
                     aliases=aliases)


def read_strong(path: str | Path, unit: str | None = None,
                aliases: dict[str, str] | None = None) -> Log:
    """Read a Strong export (every variant; see planner.logs.apps)."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="strong", aliases=aliases)


def read_hevy(path: str | Path, unit: str | None = None,
              aliases: dict[str, str] | None = None) -> Log:
    """Read a Hevy export."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="hevy", aliases=aliases)


def read_fitnotes(path: str | Path, unit: str | None = None,
                  aliases: dict[str, str] | None = None) -> Log:
    """Read a FitNotes export."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="fitnotes",
                     aliases=aliases)


def read_template(path: str | Path, aliases: dict[str, str] | None = None) -> Log:
    """Read a filled-in log template (see write_log_template)."""
    return parse_log(Path(path), name=str(path), expect="template", aliases=aliases)
