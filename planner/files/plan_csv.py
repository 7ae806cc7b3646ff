"""Writing a plan to CSV with its settings file, and reading a plan CSV back.

A plan is written as two files: the CSV (a plain table, one row per prescribed
set, that any spreadsheet opens) and beside it a small JSON settings file
(``plan.csv`` -> ``plan.settings.json``) holding the :class:`PlanConfig` the
plan came from and a SHA-256 digest of the CSV's bytes. Both are written or
neither (:mod:`planner.files.safewrite`): never over an existing file unless
``overwrite=True``, exclusively, so two writers cannot both win.

:func:`read_plan` reads the CSV back, checks every cell, and takes the settings
from the settings file when the digest still matches. When the settings file
is missing or the table was edited by hand, the table wins: the settings are
inferred from it (:func:`planner.infer.infer_config`) and ``Plan.settings_notes``
says which settings were inferred and how.

Text cells that a spreadsheet would run as a formula are written with a
leading apostrophe (:mod:`planner.files.cells`), and the reader takes it off again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.catalogue import catalogue
from planner.config import ConfigError, PlanConfig
from planner.files.cells import neutralise, unneutralise
from planner.files.safe_read import UnreadableFileError, read_regular
from planner.files.safewrite import OutputError, write_files
from planner.infer import infer_config
from planner.plan import PHASES, PLAN_COLUMNS, PLAN_DATES, PLAN_RANGES, SIDES, Plan
from planner.units import from_kg, to_kg
from planner.version import __version__

__all__ = ["PlanFormatError", "read_plan", "settings_path", "write_plan_csv"]

TEXT_COLUMNS = tuple(c for c, t in PLAN_COLUMNS.items() if t == "str")
SETTINGS_KIND = "planner plan settings"
SETTINGS_SCHEMA_VERSION = 1
# The largest plan the planner writes (104 weeks, 7 days, 3 deadlift days, the most volume)
# is 0.9 MB; a spreadsheet that saves it as UTF-16 with every cell quoted keeps it under
# 3 MB. 10 MB leaves room for any hand-made plan, while a bigger "plan" (a wrong file, a
# log, a disk image) is refused before it is read: reading and checking it would cost
# memory and minutes for a file that cannot be a plan.
MAX_PLAN_BYTES = 10_000_000
# The settings file beside a plan is a page of JSON (about 2 kB).
MAX_SETTINGS_BYTES = 1_000_000
WHOLE_COLUMNS = ("week", "day", "set", "target_reps", "rest_s")


class PlanFormatError(ValueError):
    """A file that cannot be read as a plan; the message names the file, line and column."""


def plan_to_frame(plan: Plan) -> pd.DataFrame:
    """The plan table as written to CSV: dates as ISO text, loads in the plan's unit."""
    out = plan.table.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    if plan.unit == "lb":
        out["load_kg"] = from_kg(out["load_kg"], "lb").round(4)
        out = out.rename(columns={"load_kg": "load_lb"})
    for col in TEXT_COLUMNS:
        out[col] = neutralise(out[col])
    return out


def settings_path(csv_path: str | Path) -> Path:
    """The settings file that goes with a plan CSV: ``plan.csv`` -> ``plan.settings.json``."""
    p = Path(csv_path)
    return p.with_name(f"{p.stem}.settings.json")


def _json_value(x: Any) -> Any:
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, tuple | list):
        return [_json_value(v) for v in x]
    if isinstance(x, dict) or hasattr(x, "items"):
        return {str(k): _json_value(v) for k, v in x.items()}
    if isinstance(x, np.generic):
        return x.item()
    return x


def settings_json(plan: Plan, csv_bytes: bytes, csv_name: str) -> bytes:
    """The settings file's content for ``plan`` whose CSV is ``csv_bytes``."""
    doc = {"kind": SETTINGS_KIND, "schema_version": SETTINGS_SCHEMA_VERSION,
           "planner_version": __version__, "csv": csv_name, "unit": plan.unit,
           "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(),
           "config": _json_value(plan.config.to_dict()) if plan.config is not None else None,
           "notes": list(plan.notes)}
    return (json.dumps(doc, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _load_settings(path: Path) -> dict | None:
    """The settings file at ``path`` as a dict, or None when it is not one of ours."""
    try:
        # Not a regular file (a pipe, a device) or too large: not one of ours.
        data = read_regular(path, what="a plan settings file", max_bytes=MAX_SETTINGS_BYTES)
        doc = json.loads(data.decode("utf-8"))
    except (UnreadableFileError, OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("kind") != SETTINGS_KIND:
        return None
    return doc


def _orphan_settings(path: Path) -> bool:
    """A settings file of ours whose plan CSV is gone (left by an interrupted write)."""
    doc = _load_settings(path)
    if doc is None:
        return False
    csv_name = doc.get("csv")
    return isinstance(csv_name, str) and not (path.parent / csv_name).exists()


def write_plan_csv(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``plan`` to ``path`` as CSV, one row per prescribed set, with its settings file.

    The load column is ``load_kg`` or ``load_lb`` after the plan's unit. The
    settings file (:func:`settings_path`) holds ``plan.config`` and a digest of
    the CSV; both files are written or neither.
    """
    path = Path(path)
    data = plan_to_frame(plan).to_csv(index=False, lineterminator="\n").encode("utf-8")
    side = settings_path(path)
    if side == path:
        raise OutputError(path, "a plan CSV cannot be named like its settings file; "
                          "use a name ending in .csv")
    write_files([(path, data), (side, settings_json(plan, data, path.name))],
                overwrite=overwrite, replaceable=_orphan_settings)
    return path


# --- reading -------------------------------------------------------------------------------

def _fail(path: Path, line: int | None, column: str | None, message: str) -> PlanFormatError:
    where = f"{path}"
    if line is not None:
        where += f": line {line}"
    if column is not None:
        where += f", column '{column}'" if line is not None else f": column '{column}'"
    return PlanFormatError(f"{where}: {message}")


def _show(cell: str) -> str:
    cell = cell if len(cell) <= 40 else cell[:37] + "..."
    return "'" + cell.replace("\n", " ") + "'"


def _decode(path: Path, data: bytes) -> tuple[str, str | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "read as UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise _fail(path, None, None, "not a plan CSV (a binary file)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "read as Windows-1252 (not UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "read as Latin-1 (not UTF-8)"


def _records(path: Path, text: str) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, rows and the line each row starts on; handles Excel's ``sep=`` line and
    semicolon or tab separated files."""
    first_line = 1
    m = re.match(r"\s*sep=(.)\s*?(\r\n|\n|\r)", text)
    if m:
        sep = m.group(1)
        text = text[m.end():]
        first_line = 2
    else:
        head = text.split("\n", 1)[0]
        counts = {d: head.count(d) for d in (",", ";", "\t")}
        sep = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows, lines = [], []
    start = first_line
    try:
        for record in reader:
            if record and any(c.strip() for c in record):
                rows.append(record)
                lines.append(start)
            start = first_line + reader.line_num
    except csv.Error as exc:
        raise _fail(path, first_line + reader.line_num - 1, None,
                    f"not a plan CSV ({exc})") from None
    if not rows:
        raise _fail(path, None, None, "not a plan CSV (the file is empty)")
    return [c.strip().lstrip("\ufeff") for c in rows[0]], rows[1:], lines[1:], sep


def read_plan(path: str | Path) -> Plan:
    """Read a plan CSV written by :func:`write_plan_csv` (or edited in a spreadsheet).

    Comma, semicolon (with decimal commas) or tab separated files in UTF-8,
    UTF-16 or Windows-1252, with or without Excel's ``sep=`` first line, are
    read. Every cell is checked: whole numbers where counts are expected,
    values within range (loads 0-500 kg, reps 1-100, holds 1-600 s), known
    exercises, sides and phases, reps for repetition exercises and holds for
    timed ones.

    The settings come from the plan's settings file when its digest matches
    the CSV; otherwise they are inferred from the table (``Plan.settings_source``
    and ``Plan.settings_notes`` say which and how).

    Raises PlanFormatError naming the file, line and column of the first
    problem found, and what was expected there; also for a path that is not a
    regular file (a folder, a device, a pipe) and a file over MAX_PLAN_BYTES.
    """
    path = Path(path)
    # Only a regular file, and at most MAX_PLAN_BYTES of it: a device (/dev/zero) or a pipe
    # is refused before it is read, not read until memory runs out or a writer comes.
    data = read_regular(path, what="a plan CSV", max_bytes=MAX_PLAN_BYTES,
                        error=PlanFormatError)
    text, encoding_note = _decode(path, data)
    header, rows, lines, sep = _records(path, text)
    table, unit = parse_plan_rows(path, header, rows, lines, decimal_comma=sep != ",")
    notes = [encoding_note] if encoding_note else []
    config, source, more = _settings_for(path, data, table, unit)
    plan_notes: tuple[str, ...] = ()
    if source == "settings file":
        kept = (_load_settings(settings_path(path)) or {}).get("notes", [])
        plan_notes = tuple(n for n in kept if isinstance(n, str)) if isinstance(kept, list) \
            else ()
    return Plan(table, unit=unit, config=config, notes=plan_notes, settings_source=source,
                settings_notes=tuple(notes + more))


def _settings_for(path: Path, data: bytes, table: pd.DataFrame,
                  unit: str) -> tuple[PlanConfig | None, str, list[str]]:
    side = settings_path(path)
    doc = _load_settings(side)
    reason = f"no settings file {side.name} beside the plan"
    if doc is not None:
        if doc.get("csv_sha256") != hashlib.sha256(data).hexdigest():
            reason = (f"the table no longer matches {side.name} (edited by hand?); the "
                      "table wins")
        elif not isinstance(doc.get("schema_version"), int) or \
                doc["schema_version"] > SETTINGS_SCHEMA_VERSION:
            reason = (f"{side.name} was written by a newer planner (schema "
                      f"{doc.get('schema_version')!s})")
        elif doc.get("unit") != unit or not isinstance(doc.get("config"), dict):
            reason = f"{side.name} does not describe this table"
        else:
            raw = doc["config"]
            known = {f.name for f in fields(PlanConfig)}
            ignored = sorted(k for k in raw if k not in known)
            try:
                config = PlanConfig(**{k: v for k, v in raw.items() if k in known})
            except (ConfigError, TypeError, ValueError) as exc:
                reason = f"{side.name} holds settings that are not valid now ({exc})"
            else:
                notes = [f"settings from {side.name}"]
                if ignored:
                    notes.append(f"settings not known to this version ignored: "
                                 f"{', '.join(ignored)}")
                return config, "settings file", notes
    try:
        config, inferred = infer_config(table, unit)
    except ValueError as exc:  # a ConfigError, or a table no plan could come from
        return None, "table", [reason, f"the settings could not be inferred from the table: "
                               f"{exc}"]
    return config, "table", [reason] + inferred


def parse_plan_rows(path: Path, header: list[str], rows: list[list[str]], lines: list[int],
                    *, decimal_comma: bool = False) -> tuple[pd.DataFrame, str]:
    """Check and type the cells of a plan CSV; return the table (loads in kg) and the unit."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise _fail(path, lines[0] - 1 if lines else 1, name,
                        f"the column appears twice (columns {seen[name] + 1} and {i + 1}); "
                        "a plan CSV has each column once")
        seen[name] = i
    if "load_kg" in seen and "load_lb" in seen:
        raise _fail(path, 1, None, "has both load_kg and load_lb columns; keep the one your "
                    "loads are in and delete the other")
    unit = "lb" if "load_lb" in seen else "kg"
    if unit == "lb":
        seen["load_kg"] = seen.pop("load_lb")
    missing = [c for c in PLAN_COLUMNS if c not in seen]
    if missing:
        raise _fail(path, 1, None, f"missing plan column(s) {', '.join(missing)}; "
                    f"a plan CSV has the columns {', '.join(PLAN_COLUMNS)}")
    if not rows:
        raise _fail(path, None, None, "has a header but no rows; a plan has one row per set")
    width = len(header)
    for row, line in zip(rows, lines, strict=True):
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise _fail(path, line, None, f"{len(row)} fields where the header has {width}")
    line_no = pd.Series(lines)

    def cells(col: str) -> pd.Series:
        j = seen[col]
        return pd.Series([r[j].strip() if j < len(r) else "" for r in rows], dtype=object)

    table: dict[str, Any] = {}
    for col, dtype in PLAN_COLUMNS.items():
        text = cells(col)
        blank = text == ""
        shown = "load_lb" if (col == "load_kg" and unit == "lb") else col
        if dtype == "str":
            table[col] = unneutralise(pd.Series(text.mask(blank), dtype="str"))
            continue
        if dtype.startswith("datetime"):
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            lo, hi = (pd.Timestamp(d) for d in PLAN_DATES)
            bad = values.isna() | (values < lo) | (values > hi)
            expected = (f"a date like 2026-01-05, from {PLAN_DATES[0]} to {PLAN_DATES[1]}")
        else:
            numeric = text.str.replace(",", ".", regex=False) if decimal_comma else text
            values = pd.to_numeric(numeric.mask(blank), errors="coerce").astype(float)
            if col == "load_kg" and unit == "lb":
                values = to_kg(values, "lb")
            lo, hi = PLAN_RANGES[col]
            whole = col in WHOLE_COLUMNS
            bad = (~blank & (values.isna() | ~np.isfinite(values) | (values < lo)
                             | (values > hi + 1e-9)))
            if whole:
                bad |= ~blank & values.notna() & (values % 1 != 0)
            if not dtype[0].isupper():
                bad |= blank
            unit_text = {"load_kg": f" {unit}", "target_hold_s": " s", "rest_s": " s"}.get(col, "")
            lo_u, hi_u = (lo, hi) if not (col == "load_kg" and unit == "lb") else (
                0, round(from_kg(hi, "lb"), 1))
            expected = (f"{'a whole number' if whole else 'a number'} from {lo_u:g} to "
                        f"{hi_u:g}{unit_text}")
            if dtype[0].isupper():
                expected += " or blank"
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise _fail(path, int(line_no.iloc[i]), shown,
                        f"found {_show(text.iloc[i]) if text.iloc[i] else 'a blank cell'}; "
                        f"expected {expected}")
        table[col] = values.astype(dtype) if dtype[0] in "dF" else values.round(6).astype(dtype)
    frame = pd.DataFrame(table)
    _check_rows(path, frame, line_no, unit)
    return frame[list(PLAN_COLUMNS)], unit


def _check_rows(path: Path, t: pd.DataFrame, line_no: pd.Series, unit: str) -> None:
    """Checks across cells: known exercises, sides and phases, the dose each exercise needs."""
    cat = catalogue()

    def first(mask: pd.Series, column: str, message: Callable[[int], str]) -> None:
        if mask.any():
            i = int(mask.to_numpy().argmax())
            raise _fail(path, int(line_no.iloc[i]), column, message(i))

    for col in ("key", "session_id", "exercise"):
        first(t[col].isna(), col, lambda i: "found a blank cell; expected text")
    first(~t["exercise"].isin(list(cat)), "exercise",
          lambda i: f"unknown exercise {_show(t['exercise'].iloc[i])}; expected one of "
                    f"{', '.join(cat)}")
    first(~t["side"].isin(SIDES), "side",
          lambda i: f"found {_show(str(t['side'].iloc[i]))}; expected one of {', '.join(SIDES)}")
    first(~t["phase"].isin(PHASES), "phase",
          lambda i: f"found {_show(str(t['phase'].iloc[i]))}; expected one of "
                    f"{', '.join(PHASES)}")
    dose = t["exercise"].map({k: v.dose for k, v in cat.items()})
    reps = dose.isin(["bodyweight_reps", "loaded_reps"])
    first(reps & t["target_reps"].isna(), "target_reps",
          lambda i: f"blank for {t['exercise'].iloc[i]}; expected the repetitions of the set")
    first(~reps & t["target_hold_s"].isna(), "target_hold_s",
          lambda i: f"blank for {t['exercise'].iloc[i]}; expected the hold in seconds")
    load_col = "load_lb" if unit == "lb" else "load_kg"
    first((dose == "loaded_reps") & t["load_kg"].isna(), load_col,
          lambda i: f"blank for {t['exercise'].iloc[i]}; expected the load in {unit}")
    dup = t["key"].duplicated()
    first(dup, "key", lambda i: f"the key {_show(t['key'].iloc[i])} appears twice; each set "
                                "of a plan has its own key")
