"""A coach's roster: who the athletes are, which plan each follows and which logs they sent.

A roster is either

- a folder with one sub-folder per athlete (the sub-folder's name is the
  athlete id); each holds the athlete's plan CSV files and any number of log
  exports (our template, Strong, Hevy, FitNotes), told apart by their header; or
- a roster CSV with the columns ``athlete, name, plan, logs`` (and optionally
  ``unit``); ``logs`` lists one or more files separated by ``;``; paths are
  relative to the CSV's folder.

``read_roster(path)`` returns a :class:`Roster`; :func:`planner.clinic.store.ingest`
writes it into a store.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Athlete ids become folder names in the store: letters, digits, ``_ . -``.
ATHLETE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROSTER_COLUMNS = ("athlete", "name", "plan", "logs")
_PLAN_HEADER = {"key", "session_id", "target_reps"}


class RosterError(ValueError):
    """A roster that cannot be read: names the file or folder and what was expected."""


@dataclass(frozen=True)
class Athlete:
    """One athlete: an id, a display name, plan files and log files (in that order)."""

    id: str
    name: str
    plans: tuple[Path, ...]
    logs: tuple[Path, ...]
    unit: str | None = None


@dataclass(frozen=True)
class Roster:
    """The athletes of a roster, in roster order."""

    athletes: tuple[Athlete, ...]
    path: str = ""

    @property
    def table(self) -> pd.DataFrame:
        """One row per athlete: athlete, name, plan files, log files (``;``-joined)."""
        return pd.DataFrame({
            "athlete": [a.id for a in self.athletes],
            "name": [a.name for a in self.athletes],
            "plan": [";".join(map(str, a.plans)) for a in self.athletes],
            "logs": [";".join(map(str, a.logs)) for a in self.athletes],
        })

    def __len__(self) -> int:
        return len(self.athletes)


def check_athlete_id(value: str, where: str) -> str:
    """The id, stripped; a RosterError naming ``where`` when it is not a safe id."""
    value = value.strip()
    if not ATHLETE_ID.match(value):
        raise RosterError(f"{where}: athlete id {value!r} is not allowed; use 1-64 letters, "
                          "digits, '_', '.' or '-', starting with a letter or digit")
    return value


def _is_plan(path: Path) -> bool:
    """A plan CSV has the plan's key columns in its header and no done columns (a filled-in
    log template has both); anything else is a log."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        first = f.readline()
    cells = {c.strip().strip('"').lower() for c in re.split(r"[,;\t]", first)}
    return cells >= _PLAN_HEADER and "done_reps" not in cells


def _from_folder(root: Path, unit: str | None) -> Roster:
    athletes = []
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        aid = check_athlete_id(sub.name, str(sub))
        files = sorted(p for p in sub.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        plans = tuple(p for p in files if _is_plan(p))
        logs = tuple(p for p in files if p not in plans)
        athletes.append(Athlete(aid, sub.name, plans, logs, unit))
    if not athletes:
        raise RosterError(f"{root}: no athlete sub-folders; expected one folder per athlete "
                          "holding their plan and log files")
    return Roster(tuple(athletes), str(root))


def _from_csv(path: Path, unit: str | None) -> Roster:
    base = path.parent
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
        header = {h.strip().lower() for h in (rows[0].keys() if rows else [])}
    if not rows:
        raise RosterError(f"{path}: the roster has no athletes; expected the columns "
                          + ", ".join(ROSTER_COLUMNS))
    missing = [c for c in ("athlete", "logs") if c not in header]
    if missing:
        raise RosterError(f"{path}: line 1: missing column(s) {', '.join(missing)}; expected "
                          + ", ".join(ROSTER_COLUMNS))
    seen: set[str] = set()
    athletes = []
    for line, row in enumerate(rows, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        aid = check_athlete_id(row["athlete"], f"{path}: line {line}")
        if aid in seen:
            raise RosterError(f"{path}: line {line}: athlete {aid!r} is listed twice")
        seen.add(aid)

        def files(cell: str, line: int = line) -> tuple[Path, ...]:
            out = tuple(base / p.strip() for p in cell.split(";") if p.strip())
            for p in out:
                if not p.is_file():
                    raise RosterError(f"{path}: line {line}: file not found: {p}")
            return out

        row_unit = row.get("unit") or unit
        if row_unit not in (None, "kg", "lb"):
            raise RosterError(f"{path}: line {line}: unit must be kg or lb, got {row_unit!r}")
        athletes.append(Athlete(aid, row.get("name") or aid, files(row.get("plan", "")),
                                files(row["logs"]), row_unit))
    return Roster(tuple(athletes), str(path))


def read_roster(path: str | Path, unit: str | None = None) -> Roster:
    """Read a roster folder or roster CSV.

    Parameters
    ----------
    path : a folder with one sub-folder per athlete, or a roster CSV
        (athlete, name, plan, logs[, unit])
    unit : "kg" or "lb" for logs that do not say which unit they use
        (a roster CSV's ``unit`` column wins for its athlete)
    """
    p = Path(path)
    if p.is_dir():
        return _from_folder(p, unit)
    if p.is_file():
        return _from_csv(p, unit)
    raise RosterError(f"{p}: no such folder or file; expected a roster folder or roster CSV")
