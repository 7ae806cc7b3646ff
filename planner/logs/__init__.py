"""Workout logs: our template and the exports of Strong, Hevy and FitNotes.

``read_log(path, unit=None)`` detects the format from the file itself and
returns a :class:`Log` (the normalised table and the import report).
``LogFormatError`` is raised for a file that cannot be read as a log at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.logs.apps import read_fitnotes_source, read_hevy_source, read_strong_source
from planner.logs.common import LOG_COLUMNS, REPORT_COLUMNS, Log, LogFormatError
from planner.logs.source import header_key, open_source
from planner.logs.template import read_template_source, write_log_template

FORMATS = ("template", "strong", "hevy", "fitnotes")

__all__ = ["FORMATS", "LOG_COLUMNS", "REPORT_COLUMNS", "Log", "LogFormatError", "detect_format",
           "parse_log", "read_fitnotes", "read_hevy", "read_log", "read_strong",
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
    if {"date", "exercise", "reps"} <= keys and ("category" in keys or any(
            k.startswith("weight") for k in keys)):
        return "fitnotes"
    return None


def _headerless_strong(first: list[str]) -> bool:
    import re

    return (len(first) >= 11 and re.match(r"^\d{4}-\d{2}-\d{2}", first[0].strip()) is not None
            and first[5].strip().lower() in ("kg", "kgs", "lb", "lbs"))


# Files larger than this get a progress bar (when one can be shown).
PROGRESS_BYTES = 5_000_000


def parse_log(buffer, unit: str | None = None, name: str = "<buffer>",
              expect: str | None = None, progress: bool | None = None) -> Log:
    """Read a log from bytes, text or an open file (see :func:`read_log`)."""
    if unit is not None and unit not in ("kg", "lb"):
        raise LogFormatError(f'{name}: unit must be "kg" or "lb", got {unit!r}')
    src = open_source(buffer, name)
    if progress is None:
        progress = len(src.data) > PROGRESS_BYTES and sys.stderr.isatty()
    if not progress:
        return _parse(src, unit, expect)
    from tqdm.auto import tqdm

    with tqdm(total=2, desc=f"reading {Path(src.name).name}", unit="step",
              bar_format="{desc}: {bar} {n}/{total} {postfix}") as bar:
        bar.set_postfix_str("format and rows")
        bar.update(1)
        log = _parse(src, unit, expect)
        bar.set_postfix_str(f"{log.rows_imported:,} sets imported")
        bar.update(1)
    return log


def _parse(src, unit: str | None, expect: str | None) -> Log:
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
        shown = ", ".join(h.strip()[:30] for h in first[:8])
        raise LogFormatError(f"{src.name}: line 1: not a workout log: the header matches none "
                             "of our template, Strong, Hevy or FitNotes (found: "
                             f"{shown}); expected e.g. Date, Exercise Name, Set Order, "
                             "Weight, Reps")
    if expect is not None and fmt != expect:
        raise LogFormatError(f"{src.name}: line 1: expected a {expect} log, found {fmt}")
    if fmt == "template":
        return read_template_source(src)
    rows, lines = src.rows()
    if len(rows) == (0 if headerless else 1):
        raise LogFormatError(f"{src.name}: the {fmt} log has a header but no rows")
    if fmt == "strong":
        return read_strong_source(src, rows, lines, unit, headerless)
    if fmt == "hevy":
        return read_hevy_source(src, rows, lines, unit)
    return read_fitnotes_source(src, rows, lines, unit)


def read_log(path: str | Path, unit: str | None = None, progress: bool | None = None) -> Log:
    """Read a workout log, detecting its format (template, Strong, Hevy, FitNotes).

    Parameters
    ----------
    path : the file
    unit : "kg" or "lb" for files that do not say which unit their weights are in;
        where the file says it, the file wins. Never guessed.
    progress : show a progress bar; None shows one for files over 5 MB on a terminal
    """
    return parse_log(Path(path), unit=unit, name=str(path), progress=progress)


def read_strong(path: str | Path, unit: str | None = None) -> Log:
    """Read a Strong export (every variant; see planner.logs.apps)."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="strong")


def read_hevy(path: str | Path, unit: str | None = None) -> Log:
    """Read a Hevy export."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="hevy")


def read_fitnotes(path: str | Path, unit: str | None = None) -> Log:
    """Read a FitNotes export."""
    return parse_log(Path(path), unit=unit, name=str(path), expect="fitnotes")


def read_template(path: str | Path) -> Log:
    """Read a filled-in log template (see write_log_template)."""
    return parse_log(Path(path), name=str(path), expect="template")
