"""What every log reader shares: the Log, its columns, the import report and its rules.

Every check a reader makes has a stable rule code (``RULES``): what is done with a
row or value that fails it (``rejected``, ``coerced``, ``flagged``, ``skipped`` or a
``note``) and the problem in words. The code travels in the report's ``rule``
column, so that a user's script can filter on it while the wording improves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from planner.catalogue import EXERCISE_IDS, catalogue, data_path

# The log's columns, the plausible ranges, set types and sides have one home
# (planner.limits), named here for the readers: a value outside the ranges is never used.
from planner.limits import (  # noqa: F401 (named here for the readers)
    LOG_COLUMNS,
    MAX_HOLD_S,
    MAX_LOAD_KG,
    MAX_REPS,
    MIN_DATE,
    SCALE_0_10,
    SET_TYPES,
    SIDES,
)
from planner.logs.values import at_codes, recode

REPORT_COLUMNS = ("file", "line", "column", "value", "problem", "action", "rule")
ACTIONS = ("coerced", "flagged", "rejected", "skipped", "note")

# rule code -> (action, problem). Problems with {braces} are filled in per report row.
RULES: dict[str, tuple[str, str]] = {
    "encoding": ("coerced", "{detail}"),
    "ragged-short": ("rejected", "expected {expected} fields like the header, found {found}: "
                                 "no value from this column on"),
    "ragged-long": ("rejected", "expected {expected} fields like the header, found {found}: "
                                "extra fields after this column"),
    "rejoined": ("coerced", "the name holds the delimiter; the split fields were joined back"),
    "unfilled": ("skipped", "not filled in (not done or not logged)"),
    "number": ("rejected", "expected a number"),
    "number-dropped": ("coerced", "expected a number; value dropped"),
    "decimal-comma": ("coerced", "decimal comma read as a decimal point"),
    "negative": ("rejected", "expected a number of 0 or more"),
    "reps-range": ("rejected", f"expected 0 to {MAX_REPS} repetitions in one set"),
    "reps-fraction": ("coerced", "repetitions must be whole; rounded"),
    "load-range": ("rejected", f"expected a load from 0 to {MAX_LOAD_KG:g} kg"),
    "hold-range": ("rejected", f"expected a hold from 0 to {MAX_HOLD_S:g} s"),
    "timed-not-hold": ("coerced", f"a timed set longer than {MAX_HOLD_S:g} s of an exercise "
                                  "that is not a hold (cardio, say): the set is kept, its "
                                  "duration dropped"),
    "scale-range": ("coerced", "expected a value from 0 to 10; value dropped"),
    "duration": ("coerced", "expected a session duration like 1h 6m, 52m or 1:06:00, 0 or more;"
                            " value dropped"),
    "date": ("rejected", "expected a date like {example}"),
    "date-range": ("rejected", f"expected a date from {MIN_DATE:%Y-%m-%d} to tomorrow"),
    "date-timezone": ("coerced", "the time zone was dropped; the time is kept as written"),
    "rest-timer": ("skipped", "not a set: the app's rest timer entry"),
    "set-type": ("rejected", "expected {expected}"),
    "exercise-empty": ("rejected", "the exercise name is empty"),
    "side": ("rejected", "expected the side both, left or right"),
    "unit-unknown": ("rejected", "expected the unit kg or lbs"),
    "unit-missing": ("rejected", "a weight without a unit; expected kg or lbs (say which unit "
                                 "the file's weights are in: on the page under “Weights in "
                                 "the file are in”, on the command line with --unit)"),
    "unit-stated": ("note", "the file states its unit ({stated}); the unit given ({given}) "
                            "was not used"),
    "unit-given": ("note", "the file does not say its unit; read as {given} as asked"),
    "deadlift-variant": ("note", "a deadlift variant, kept as its own lift and left out of the "
                                 "deadlift analysis; if it is the barbell deadlift, count it "
                                 "as one: on the page with “Also count as the barbell "
                                 "deadlift”, on the command line with "
                                 "--alias \"{value}=deadlift\""),
    "pain-text": ("coerced", "pain read as {found:g} on the 0-10 scale from how it is "
                             "written (a range counts its higher end; another scale is "
                             "converted)"),
    "app-name": ("note", "{value!r} read as the {exercise}: the planner's routines for this "
                         "app use it (rows of another exercise under this name: rename them "
                         "in the app)"),
    "side-order": ("note", "{value!r} has no sides in this app: its holds are read one per "
                           "side, left first, as the planner's routines lay them out"),
    "pain-note": ("coerced", "pain {found:g}/10 read from the notes, as the session's pain "
                             "after it (write it as \"pain N/10\")"),
    "pain-unreadable": ("flagged", "pain {value!r} could not be read as 0-10: the week is "
                                   "\"pain unreadable\", never \"within the pain rules\"; "
                                   "write it as a number (\"4\" or \"4/10\")"),
    "load-typo": ("rejected", "{detail}: left out as a probable typo; correct it in the file "
                              "and read it again to use it"),
    "duplicate-key": ("flagged", "this planned set is logged twice; both kept"),
    "duplicate-row": ("flagged", "this row repeats an earlier one to the letter; both kept"),
}


class LogFormatError(ValueError):
    """A file that cannot be read as a workout log at all; names the file (and line)."""


class LogAccountingError(RuntimeError):
    """The reader lost a row: rows read != imported + rejected + skipped (a bug, not input)."""


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

    def check_accounting(self) -> None:
        """Raise LogAccountingError unless every row read is imported or reported."""
        accounted = self.rows_imported + self.rows_rejected + self.rows_skipped
        if self.rows_read != accounted:
            raise LogAccountingError(
                f"{self.path}: {self.rows_read} rows read but {self.rows_imported} imported + "
                f"{self.rows_rejected} rejected + {self.rows_skipped} skipped = {accounted}")


def _text(x, n: int) -> np.ndarray:
    if isinstance(x, pd.Series):
        return x.astype(object).where(x.notna(), "").astype(str).to_numpy()
    return np.full(n, "" if x is None else str(x), dtype=object)


class Report:
    """Collects report rows, in bulk: ``add`` takes aligned Series (or scalars) and a rule."""

    def __init__(self, path: str):
        self.path = path
        self.parts: list[pd.DataFrame] = []

    def add(self, lines, column, value, rule: str, **detail) -> None:
        lines = pd.Series(lines)
        if lines.empty:
            return
        n = len(lines)
        action, problem = RULES[rule]
        if isinstance(detail.get("found"), pd.Series | np.ndarray):
            found = np.asarray(detail.pop("found"))
            values, where = np.unique(found, return_inverse=True)
            problems = np.array([problem.format(found=f, **detail) for f in values],
                                dtype=object)[where]
        elif "{value" in problem:
            problems = [problem.format(value=v, **detail) for v in _text(value, n)]
        else:
            problems = problem.format(**detail) if detail else problem
        self.parts.append(pd.DataFrame({
            "file": self.path, "line": lines.to_numpy(dtype=np.int64),
            "column": _text(column, n), "value": _text(value, n), "problem": problems,
            "action": action, "rule": rule}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "str")
                                 for c in REPORT_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        out = out.astype({c: "str" for c in REPORT_COLUMNS if c != "line"})
        return out.sort_values(["line", "action"], kind="stable").reset_index(drop=True)


@cache
def hold_exercises() -> tuple[str, ...]:
    """Ids of the catalogue's timed holds (the stretch): the hold range applies to them."""
    return tuple(ex.id for ex in catalogue().values() if ex.dose == "timed_hold")


@cache
def _catalogue_aliases() -> dict[str, str]:
    table = pd.read_csv(data_path("exercise_aliases.csv"), dtype=str, comment="#")
    return {a.strip().casefold(): e.strip() for a, e in zip(table["alias"], table["exercise"],
                                                          strict=True)}


def check_aliases(aliases: dict[str, str] | None) -> dict[str, str]:
    """The user's name -> exercise id map, keys folded; raises ValueError for unknown ids."""
    out = {}
    for name, target in (aliases or {}).items():
        if target not in EXERCISE_IDS:
            raise ValueError(f"alias {name!r}: expected one of {', '.join(EXERCISE_IDS)}; "
                             f"got {target!r}")
        if not str(name).strip():
            raise ValueError("alias: the exercise name is empty")
        out[str(name).strip().casefold()] = target
    return out


def parse_aliases(items: list[str] | None) -> dict[str, str]:
    """``["Deadlift Old Data=deadlift", ...]`` (the CLI's --alias) as a checked dict."""
    out = {}
    for item in items or []:
        name, sep, target = item.rpartition("=")
        if not sep or not name.strip():
            raise ValueError(f"--alias: expected NAME=EXERCISE like "
                             f"'Deadlift Old Data=deadlift'; got {item!r}")
        out[name.strip()] = target.strip()
    check_aliases(out)
    return out


def exercise_ids(names: pd.Series, aliases: dict[str, str] | None = None, *,
                 variants: bool = False):
    """Catalogue ids for app exercise names; names not in the alias tables stay as written.

    ``aliases`` (folded names, see :func:`check_aliases`) win over the catalogue's table.
    With ``variants``, also whether each name is a deadlift variant left out of the
    deadlift (see :func:`is_deadlift_like`). Each distinct name is looked up once; the ids
    come back as a categorical.
    """
    table = {**_catalogue_aliases(), **(aliases or {})}
    stripped = recode(names, lambda u: u.str.strip())
    codes = stripped.cat.codes.to_numpy()
    unique = pd.Series(stripped.cat.categories.to_numpy(dtype=object), dtype="str")
    ids = unique.str.casefold().map(table).fillna(unique)
    id_codes, id_uniques = pd.factorize(ids)
    out = pd.Series(pd.Categorical.from_codes(
        at_codes(id_codes, codes, -1).astype(np.int64),
        categories=pd.Index(np.asarray(id_uniques, dtype=object), dtype="str")),
        index=names.index)
    if not variants:
        return out
    like = (is_deadlift_like(unique) & (ids != "deadlift")).to_numpy(dtype=bool)
    return out, pd.Series(at_codes(like, codes, False).astype(bool), index=names.index)


def is_deadlift_like(names: pd.Series) -> pd.Series:
    """Names that read like a deadlift (any variant), or an RDL."""
    return names.str.contains(r"dead\s*-?\s*lift|\brdl\b", case=False, regex=True, na=False)
