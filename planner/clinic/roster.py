"""A coach's roster: who the athletes are, which plan each follows and which logs they sent.

A roster is either

- a folder with one sub-folder per athlete (the sub-folder's name is the
  athlete id); each holds the athlete's plan CSV files and any number of log
  exports (our template, Strong, Hevy, FitNotes), told apart by their header; or
- a roster CSV with the columns ``athlete, name, plan, logs`` (and optionally
  ``unit``); ``logs`` lists one or more files separated by ``;``; paths are
  relative to the CSV's folder.

A roster is hostile input: it may come in a zip uploaded to the coach page. Every path it
names is resolved and must stay inside the roster's folder (no absolute path, no ``..``,
no symbolic link that leads out) and be a regular file; an error names the roster file,
line and column, never a file's content. Athlete ids are normalised (Unicode NFC, no
leading or trailing space) and must differ ignoring case: ``ann``, ``Ann`` and ``ann ``
would be one athlete, so they stop the roster and both are named.

An athlete whose entry cannot be used (an id that is not allowed, a path refused, a
file missing) is *held back*: the roster keeps the others and lists who was held back
and why (:attr:`Roster.held_back`); the ingest then reports a partial import.

``read_roster(path)`` returns a :class:`Roster`; :func:`planner.clinic.store.ingest`
writes it into a store.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

#: Athlete ids become folder names in the store: letters, digits, ``_ . -``.
ATHLETE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROSTER_COLUMNS = ("athlete", "name", "plan", "logs")
_PLAN_HEADER = {"key", "session_id", "target_reps"}
#: A roster CSV lists athletes and file names: 10,000 athletes take about 1 MB. Anything
#: far larger is not a roster, and is refused before it is read.
MAX_ROSTER_BYTES = 64 * 1024 * 1024


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
    folder: str = ""  # where the roster names them: a folder, or "roster.csv line N"


@dataclass(frozen=True)
class HeldBack:
    """An athlete left out of an ingest: who (as the roster names them), which file or
    entry, and why."""

    athlete: str
    file: str
    reason: str


@dataclass(frozen=True)
class Roster:
    """The athletes of a roster, in roster order, and those held back."""

    athletes: tuple[Athlete, ...]
    path: str = ""
    held_back: tuple[HeldBack, ...] = ()

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


def shown(name: str | Path) -> str:
    """A file or folder name as it can be printed: bytes that are not UTF-8 (kept by
    Python as surrogates) become U+FFFD, control characters are escaped."""
    text = str(name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def normalise_id(value: str) -> str:
    """An athlete id as stored: Unicode NFC, no leading or trailing space."""
    return unicodedata.normalize("NFC", value).strip()


def check_athlete_id(value: str, where: str) -> str:
    """The id, normalised; a RosterError naming ``where`` when it is not a safe id."""
    value = normalise_id(value)
    if not ATHLETE_ID.match(value):
        raise RosterError(f"{where}: athlete id {shown(value)!r} is not allowed; use 1-64 "
                          "letters, digits, '_', '.' or '-' (no accents or spaces), "
                          "starting with a letter or digit")
    return value


def check_collisions(named: list[tuple[str, str]], what: str) -> None:
    """``named``: (athlete id, where it comes from). Ids equal ignoring case are one
    athlete in the store; a RosterError names both places."""
    first: dict[str, tuple[str, str]] = {}
    for aid, where in named:
        key = aid.casefold()
        if key in first:
            other_id, other = first[key]
            raise RosterError(
                f"{what}: {other} and {where} both give the athlete id {shown(aid)!r}"
                + (f" (as {shown(other_id)!r})" if other_id != aid else "")
                + "; athlete ids ignore case and leading or trailing spaces: rename one")
        first[key] = (aid, where)


def inside(root: Path, entry: str, where: str) -> Path:
    """``entry`` (a path a roster names, relative to ``root``) resolved; a RosterError
    naming ``where`` when it leaves ``root`` or is not a regular file. The entry is not
    echoed: it may be a path to somewhere the roster's author should not see."""
    if not entry:
        raise RosterError(f"{where}: an empty path")
    for flavour in (PurePosixPath(entry), PureWindowsPath(entry)):
        if flavour.is_absolute() or flavour.anchor:
            raise RosterError(f"{where}: an absolute path; give paths relative to the "
                              "roster's folder")
        if ".." in flavour.parts:
            raise RosterError(f"{where}: a path with '..' leads out of the roster's folder")
    if "\0" in entry:
        raise RosterError(f"{where}: a path with a NUL character")
    try:
        base = root.resolve()
        real = (root / entry).resolve()
        if not real.is_relative_to(base):
            raise RosterError(f"{where}: a symbolic link leads out of the roster's folder")
        if not real.exists():
            raise RosterError(f"{where}: file not found in the roster's folder")
        if not real.is_file():
            raise RosterError(f"{where}: not a regular file")
    except RuntimeError:  # Python 3.11's resolve() on a loop of symbolic links
        raise RosterError(f"{where}: a loop of symbolic links") from None
    except OSError as exc:  # a name too long, a loop (ELOOP), a folder we may not enter
        raise RosterError(f"{where}: cannot be read ({exc.strerror or 'error'})") from None
    return real


def _is_plan(path: Path) -> bool:
    """A plan CSV has the plan's key columns in its header and no done columns (a filled-in
    log template has both); anything else is a log."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        first = f.readline(64 * 1024)
    cells = {c.strip().strip('"').lower() for c in re.split(r"[,;\t]", first)}
    return cells >= _PLAN_HEADER and "done_reps" not in cells


def _athlete_folder(root: Path, sub: Path, unit: str | None) -> Athlete:
    """One athlete's folder: their plan and log CSV files, each confined to ``root``."""
    where = f"{root}: folder {shown(sub.name)!r}"
    aid = check_athlete_id(sub.name, where)
    if not sub.resolve().is_relative_to(root.resolve()):
        raise RosterError(f"{where}: a symbolic link leads out of the roster's folder")
    files = sorted(inside(root, f"{sub.name}/{p.name}", f"{where}, file {shown(p.name)!r}")
                   for p in sub.iterdir() if p.suffix.lower() == ".csv"
                   and not p.name.startswith(".") and (p.is_file() or p.is_symlink()))
    plans = tuple(p for p in files if _is_plan(p))
    logs = tuple(p for p in files if p not in plans)
    return Athlete(aid, shown(sub.name).strip(), plans, logs, unit, shown(sub))


def _from_folder(root: Path, unit: str | None) -> Roster:
    athletes, held = [], []
    # A store kept inside the roster's folder is not an athlete.
    subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and not (p / "store.json").exists())
    for sub in subs:
        try:
            athletes.append(_athlete_folder(root, sub, unit))
        except RuntimeError:  # Python 3.11's resolve() on a loop of symbolic links
            held.append(HeldBack(shown(sub.name), shown(sub),
                                 f"{shown(sub)}: a loop of symbolic links"))
        except (RosterError, OSError) as exc:
            held.append(HeldBack(shown(sub.name), shown(sub),
                                 str(exc) if isinstance(exc, RosterError)
                                 else f"{shown(sub)}: cannot be read ({exc.strerror})"))
    if not subs:
        raise RosterError(f"{root}: no athlete sub-folders; expected one folder per athlete "
                          "holding their plan and log files")
    check_collisions([(a.id, f"folder {shown(Path(a.folder).name)!r}") for a in athletes],
                     str(root))
    return Roster(tuple(athletes), str(root), tuple(held))


def _text(path: Path) -> str:
    """A roster CSV's text: UTF-8 (with or without a BOM), else Windows-1252, the encoding
    of a spreadsheet's plain "CSV" on Windows (Latin-1 names such as "José" read right)."""
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise RosterError(f"{path}: {path.stat().st_size:,} bytes is not a roster CSV (at "
                          f"most {MAX_ROSTER_BYTES // 2**20} MB)")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _from_csv(path: Path, unit: str | None) -> Roster:
    base = path.parent
    rows = list(csv.DictReader(io.StringIO(_text(path), newline="")))
    header = {(h or "").strip().lower() for h in (rows[0].keys() if rows else [])}
    if not rows:
        raise RosterError(f"{path}: the roster has no athletes; expected the columns "
                          + ", ".join(ROSTER_COLUMNS))
    missing = [c for c in ("athlete", "logs") if c not in header]
    if missing:
        raise RosterError(f"{path}: line 1: missing column(s) {', '.join(missing)}; expected "
                          + ", ".join(ROSTER_COLUMNS))
    athletes, held, named = [], [], []
    for line, row in enumerate(rows, start=2):
        row = {k.strip().lower(): (v if isinstance(v, str) else "").strip()
               for k, v in row.items() if k}
        try:
            aid = check_athlete_id(row["athlete"], f"{path}: line {line}, column athlete")
        except RosterError as exc:
            held.append(HeldBack(shown(row["athlete"]), f"{path}: line {line}", str(exc)))
            continue
        named.append((aid, f"line {line}"))

        def files(column: str, line: int = line, row: dict = row) -> tuple[Path, ...]:
            entries = [p.strip() for p in row.get(column, "").split(";") if p.strip()]
            return tuple(inside(base, p, f"{path}: line {line}, column {column}, entry {i}")
                         for i, p in enumerate(entries, start=1))

        try:
            row_unit = row.get("unit") or unit
            if row_unit not in (None, "kg", "lb"):
                raise RosterError(f"{path}: line {line}, column unit: expected kg or lb")
            athletes.append(Athlete(aid, row.get("name") or aid, files("plan"),
                                    files("logs"), row_unit, f"{path}: line {line}"))
        except RosterError as exc:
            held.append(HeldBack(aid, f"{path}: line {line}", str(exc)))
    check_collisions(named, str(path))
    return Roster(tuple(athletes), str(path), tuple(held))


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
    if p.exists():
        raise RosterError(f"{shown(p)}: not a regular file or folder; expected a roster "
                          "folder or roster CSV")
    raise RosterError(f"{shown(p)}: no such folder or file; expected a roster folder or "
                      "roster CSV")
