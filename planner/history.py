"""A person's whole history: one table from several logs.

People keep one file a block, or send a new export every month (each holding the whole
history again). ``join_history`` takes every log they give (Logs, their tables, or a
mix) and returns one table in time order, each set once, with the sets that were
probable typos set aside (planner.plausible) and the pain texts nobody could read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from planner.plausible import set_aside, typo_notes

#: The columns that make two logged sets the same set (an export repeated in the next).
SAME_SET = ("performed_at", "exercise", "source_exercise", "side", "set", "reps",
            "load_kg", "hold_s")
#: The report rules whose rows are pain texts that could not be read (planner.logs).
UNREADABLE_PAIN_RULES = ("pain-unreadable",)


@dataclass
class History:
    """One person's logged sets from one or more logs.

    table : the sets, in time order, each once, without probable typos
    typos : the sets set aside as probable typos (planner.plausible.TYPO_COLUMNS)
    unreadable_pain : the days whose pain was written in a way nobody could read (date,
        text, file, line)
    notes : what was done, in words (repeats dropped, typos set aside)
    sources : the files, in the order given
    """

    table: pd.DataFrame
    typos: pd.DataFrame
    unreadable_pain: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _parts(logs) -> list:
    if isinstance(logs, (list, tuple)):
        return list(logs)
    return [logs]


def unit_of(logs) -> str:
    """The unit of a Log (of the first of a list); kg for a bare table."""
    parts = _parts(logs)
    return (getattr(parts[0], "unit", None) if parts else None) or "kg"


def join_history(logs, unit: str = "kg") -> History:
    """One History from a Log, a log's table, or a list of them (the order does not
    matter: sets are put in time order; a set found in several files is kept once)."""
    parts = _parts(logs)
    if not parts:
        raise ValueError("no log given: pass a Log, a table or a list of them")
    tables = [p.table if hasattr(p, "table") else p for p in parts]
    sources = [getattr(p, "path", "") or f"log {i + 1}" for i, p in enumerate(parts)]
    notes: list[str] = []
    if len(tables) == 1:
        table = tables[0]
    else:
        table = pd.concat(tables, ignore_index=True)
        table = table.sort_values("performed_at", kind="stable")
        key = [c for c in SAME_SET if c in table.columns]
        again = table.duplicated(subset=key, keep="first")
        if again.any():
            notes.append(f"{int(again.sum())} set(s) found in more than one of the "
                         f"{len(tables)} logs were counted once.")
        table = table[~again].reset_index(drop=True)
        first, last = (table["date"].min(), table["date"].max()) if len(table) else (None,
                                                                                     None)
        if first is not None:
            notes.append(f"History: {len(tables)} logs joined, {first:%Y-%m-%d} to "
                         f"{last:%Y-%m-%d}.")
    if len(parts) == 1 and hasattr(parts[0], "report"):
        # one Log: its reader has set its typos aside and reported them already
        r = parts[0].report
        typos = pd.DataFrame(columns=["date"])
        n = int((r["rule"] == "load-typo").sum()) if len(r) else 0
        if n:
            notes.append(f"{n} set(s) left out as probable typos: the import report lists "
                         "them, with the load probably meant.")
    else:
        table, typos = set_aside(table)
        notes.extend(typo_notes(typos, unit))
    return History(table, typos, _unreadable_pain(parts, table), notes, sources)


def _unreadable_pain(parts: list, table: pd.DataFrame) -> pd.DataFrame:
    """The days of the pain texts the readers could not read: each Log's report rows of
    ``UNREADABLE_PAIN_RULES``, found in the table by file and line."""
    cols = ["date", "text", "file", "line"]
    rows = []
    for p in parts:
        report = getattr(p, "report", None)
        if report is None or not len(report):
            continue
        r = report[report["rule"].isin(UNREADABLE_PAIN_RULES)]
        if len(r):
            rows.append(r[["file", "line", "value"]].rename(columns={"value": "text"}))
    if not rows or not {"source_file", "source_line"} <= set(table.columns):
        return pd.DataFrame(columns=cols)
    r = pd.concat(rows, ignore_index=True)
    where = table[["source_file", "source_line", "date"]].drop_duplicates(
        ["source_file", "source_line"])
    m = r.merge(where, left_on=["file", "line"], right_on=["source_file", "source_line"],
                how="inner")
    return m[cols].reset_index(drop=True)


__all__ = ["SAME_SET", "History", "join_history", "unit_of"]
