"""One athlete read back from a store, for the single-athlete analysis and the next block.

``athlete_log`` and ``athlete_plan`` read one athlete. ``AthleteRows`` reads many at once
(one query for all their sets, one for all their plans, each plan file read once) and
hands out the same ``Log`` and plans per athlete: the coach's zip of next blocks reads
every athlete due this way. Both build from the rows with the same functions
(:func:`log_from_rows`, :func:`plans_from_rows`, :func:`current_plan_from_rows`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from planner.clinic.store import sha256
from planner.files.plan_csv import read_plan
from planner.history import UNREADABLE_PAIN_RULES
from planner.logs.common import LOG_COLUMNS, REPORT_COLUMNS, Log
from planner.plan import PLAN_COLUMNS, Plan

#: The plan rows' sort: the order of a plan table.
_PLAN_ORDER = ["date", "session_id", "exercise", "set", "side"]


def log_from_rows(rows: pd.DataFrame, athlete: str, report: pd.DataFrame | None = None
                  ) -> Log:
    """The athlete's stored sets (``rows``: the sets table's ``LOG_COLUMNS``, in the order
    read) as a :class:`planner.Log` (loads in kg), in the order performed. Its report is
    ``report``: the store's import report rows that the rules read (pain nobody could
    read: a next block holds on it as it does for a file read directly)."""
    t = rows[list(LOG_COLUMNS)].astype(LOG_COLUMNS).sort_values(
        ["performed_at", "exercise", "set"], kind="stable")
    rep = (pd.DataFrame(columns=list(REPORT_COLUMNS)) if report is None or report.empty
           else report[list(REPORT_COLUMNS)].reset_index(drop=True))
    return Log(t.reset_index(drop=True), rep, source_format="store", unit="kg",
               rows_read=len(t), path=f"{athlete} (store)")


def _rule_rows(store, athletes: list[str]) -> pd.DataFrame:
    """The store's import report rows the rules read (:data:`UNREADABLE_PAIN_RULES`), with
    the athlete."""
    rep = store.read("report", athletes, ["athlete", *REPORT_COLUMNS])
    return rep[rep["rule"].isin(UNREADABLE_PAIN_RULES)]


def plans_from_rows(rows: pd.DataFrame, read: Callable[[str], Plan] = read_plan
                    ) -> tuple[Plan | None, Plan | None]:
    """The athlete's plans from their stored plan rows (``rows``, in the order read): (every
    stored plan row as one Plan, the plan followed now). The current plan is read from its
    file (``read``) when the file is still there (so its settings and unit come with it);
    else it is the stored rows of that file."""
    if rows.empty:
        return None, None
    rows = rows.sort_values(_PLAN_ORDER, kind="stable")
    t = rows.assign(weekday=rows["date"].dt.strftime("%a"), plates="")
    whole = Plan(t[list(PLAN_COLUMNS)].astype(PLAN_COLUMNS).reset_index(drop=True))
    source = str(rows["source_file"].iloc[-1])
    current = None
    if Path(source).is_file():
        try:
            current = read(source)
        except (ValueError, OSError):
            current = None
    if current is None:
        part = t[t["source_file"] == source]
        current = Plan(part[list(PLAN_COLUMNS)].astype(PLAN_COLUMNS).reset_index(drop=True))
    else:
        whole = Plan(whole.table, unit=current.unit)
    return whole, current


def current_plan_from_rows(rows: pd.DataFrame, read: Callable[[str], Plan] = read_plan
                           ) -> Plan | None:
    """The plan followed now, as :func:`plans_from_rows` gives it (its second part),
    without building the Plan of every stored row when the plan's file is there."""
    if rows.empty:
        return None
    last = rows[[*_PLAN_ORDER, "source_file"]].sort_values(_PLAN_ORDER, kind="stable")
    source = str(last["source_file"].iloc[-1])
    if Path(source).is_file():
        try:
            return read(source)
        except (ValueError, OSError):
            pass
    return plans_from_rows(rows, read)[1]


class PlanChanged(ValueError):
    """A plan file that changed at its path since it was ingested."""


def _hash(path: str, hashes: dict[str, str | None]) -> str | None:
    """The file's SHA-256 now (None: gone or unreadable), computed once per path."""
    if path not in hashes:
        try:
            hashes[path] = sha256(path)
        except OSError:
            hashes[path] = None
    return hashes[path]


def checked_read(read: Callable[[str], Plan], digests: dict[str, str],
                 hashes: dict[str, str | None] | None = None) -> Callable[[str], Plan]:
    """``read``, but only of a plan file whose bytes are those ingested (``digests``: path ->
    SHA-256 as ingested): one changed since raises :class:`PlanChanged`, and the caller
    falls back to the stored rows, which are the plan as ingested."""
    hashes = {} if hashes is None else hashes

    def read_if_same(source: str) -> Plan:
        if source in digests and _hash(source, hashes) != digests[source]:
            raise PlanChanged(f"{source}: changed since ingest")
        return read(source)

    return read_if_same


def changed_plans(digests: dict[str, str], hashes: dict[str, str | None] | None = None
                  ) -> list[str]:
    """Messages for the plan files (``digests``: path -> SHA-256 as ingested) whose bytes at
    their path are no longer those ingested; a file gone is not one (the stored rows are
    the plan)."""
    hashes = {} if hashes is None else hashes
    return [f"plan {Path(p).name} changed since ingest: ingest again (until then the "
            "analysis and the next block use the plan as ingested)"
            for p, d in digests.items() if (now := _hash(p, hashes)) is not None and now != d]


def athlete_log(store, athlete: str) -> Log:
    """The athlete's stored sets as a :class:`planner.Log` (loads in kg), in the order
    performed; its report is empty (the store keeps the import report)."""
    return log_from_rows(store.read("sets", [athlete], list(LOG_COLUMNS)), athlete,
                         _rule_rows(store, [athlete]))


def athlete_plan(store, athlete: str) -> tuple[Plan | None, Plan | None]:
    """The athlete's plans from the store: (every stored plan row as one Plan, the plan
    followed now). The current plan is read from its file when the file is still there
    (so its settings and unit come with it); else it is the stored rows of that file."""
    return plans_from_rows(store.read("plans", [athlete]), checked_read(
        read_plan, store.plan_digests([athlete]).get(athlete, {})))


def athlete_plan_notes(store, athlete: str) -> list[str]:
    """What to know about the athlete's stored plan: each plan file changed since ingest."""
    return changed_plans(store.plan_digests([athlete]).get(athlete, {}))


def _by_athlete(frame: pd.DataFrame, athletes: list[str]) -> dict[str, pd.DataFrame]:
    """``frame``'s rows per athlete, each in the order read, without the athlete column;
    an athlete without rows gets none (the frame's columns and types, empty)."""
    rest = frame.drop(columns="athlete")
    where = frame.groupby("athlete", sort=False).indices if len(frame) else {}
    empty = rest.iloc[0:0]
    out = {}
    for a in athletes:
        i = where.get(a)
        if i is None:
            out[a] = empty
        elif i[-1] - i[0] + 1 == len(i):  # one run of rows (files are read athlete by
            out[a] = rest.iloc[i[0]:i[-1] + 1]  # athlete): a slice, no copy
        else:
            out[a] = rest.take(i)
    return out


class AthleteRows:
    """Many athletes' sets and plans, read at once: one query over all their sets, one over
    all their plans, each plan file read once. ``log(a)`` and ``plans(a)`` are then what
    :func:`athlete_log` and :func:`athlete_plan` give.

    files : the sets' and plans' Parquet files (``{"sets": store.files("sets"), ...}``) to
        read, so that several batches read one snapshot; default: the current ones
    plan_files : plan files read so far (path -> Plan or the error reading it), shared
        between batches; default: a new one
    """

    def __init__(self, store, athletes: list[str],
                 files: dict[str, dict[str, list[str]]] | None = None,
                 plan_files: dict[str, Plan | Exception] | None = None) -> None:
        athletes = list(dict.fromkeys(athletes))
        files = files or {name: store.files(name) for name in ("sets", "plans")}
        sets = store.read("sets", athletes, ["athlete", *LOG_COLUMNS], files=files["sets"])
        plans = store.read("plans", athletes, files=files["plans"])
        self._sets = _by_athlete(sets, athletes)
        self._plans = _by_athlete(plans, athletes)
        self._files = {} if plan_files is None else plan_files
        self._digests = store.plan_digests(athletes)
        self._hashes: dict[str, str | None] = {}
        self._report = _by_athlete(_rule_rows(store, athletes), athletes)

    def notes(self, athlete: str) -> list[str]:
        """Each plan file of the athlete changed since ingest (:func:`changed_plans`)."""
        return changed_plans(self._digests.get(athlete, {}), self._hashes)

    def _checked(self, athlete: str) -> Callable[[str], Plan]:
        return checked_read(self._read, self._digests.get(athlete, {}), self._hashes)

    def _read(self, source: str) -> Plan:
        """A plan file, read once however many athletes follow it (a clinic hands one plan
        to many); each athlete gets a table of their own (copied on write)."""
        if source not in self._files:
            try:
                self._files[source] = read_plan(source)
            except (ValueError, OSError) as exc:
                self._files[source] = exc
        got = self._files[source]
        if isinstance(got, Exception):
            raise got
        return replace(got, table=got.table.copy(deep=False))

    def log(self, athlete: str) -> Log:
        """The athlete's stored sets as a Log, as :func:`athlete_log` reads them."""
        return log_from_rows(self._sets[athlete], athlete, self._report[athlete])

    def plans(self, athlete: str) -> tuple[Plan | None, Plan | None]:
        """(every stored plan row as one Plan, the plan followed now), as
        :func:`athlete_plan` reads them."""
        return plans_from_rows(self._plans[athlete], self._checked(athlete))

    def current_plan(self, athlete: str) -> Plan | None:
        """The plan the athlete follows now (``plans(athlete)[1]``)."""
        return current_plan_from_rows(self._plans[athlete], self._checked(athlete))
