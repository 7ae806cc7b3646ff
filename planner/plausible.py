"""Probable typos: loads far outside what this athlete has done around them.

The readers' absolute limits (``MAX_PLAUSIBLE_KG``: about the deadlift world record)
are the last net. Most typos are well inside them: 450 typed for 45, a load in lb in a
kg log, a digit doubled. This module judges each loaded set against the same
athlete's own history of that exercise (docs/science.md, "Plausibility against the
athlete's own history"):

- sets are compared by their Epley e1RM, so that a heavy single and a set of 12 at a
  lighter load are the same effort, and a 1RM test is not a typo;
- the reference is the best *typical* e1RM (the median of a day's sets, so that a top
  set or warm-ups do not move it) of the days within ``TYPO_WINDOW_DAYS`` either side
  of the set, its own day included;
- a set is a probable typo when its e1RM is more than ``TYPO_RATIO`` times that
  reference and no other set within the window comes near it (within
  ``TYPO_CONFIRM_RATIO``): a real jump is followed, or preceded, by other sets at or near
  it; a typo stands alone. ACSM's position stand (Ratamess et al. 2009) puts a load step
  at 2-10 %; a 50 % jump in estimated strength over everything done in four weeks
  either side is not a step anyone takes in a week;
- any set whose Epley e1RM is above ``MAX_PLAUSIBLE_KG`` is beyond the world record.

Such sets are set aside: never in a cap, a ceiling, an e1RM, a load metric or a chart,
and always named (the import report, the analysis' notes and the next block's notes),
with the likely intended value where one is evident (``likely_value``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.catalogue import EXERCISE_IDS
from planner.progression import CAP_WINDOW_DAYS, MAX_PLAUSIBLE_KG
from planner.units import KG_PER_LB, from_kg

#: A set this many times above the heaviest typical load around it is suspect. [ratio]
TYPO_RATIO = 1.5
#: ... unless another set within the window is at least its load over this ratio.
TYPO_CONFIRM_RATIO = 1.25
#: The window either side of a set that its history is read from: the cap's four weeks.
TYPO_WINDOW_DAYS = CAP_WINDOW_DAYS
#: The lightest load worth proposing as the intended one (an empty bar). [kg]
_LIGHTEST_KG = 20.0

TYPO_COLUMNS = ("date", "exercise", "load_kg", "reps", "reference_kg", "likely_kg", "reason")


def _epley(load, reps):
    """Epley's e1RM of each set; a single (or a set of 0 or unknown reps) is its load."""
    r = np.nan_to_num(np.asarray(reps, dtype="float64"), nan=1.0)
    return load * np.where(r <= 1, 1.0, 1 + r / 30)


def likely_value(load_kg: float, reps: float, reference_e1rm: float) -> float | None:
    """The load the athlete probably meant [kg], where one is evident: a slipped decimal
    point (450 for 45.0) when a tenth is at least an empty bar and its e1RM no more than
    a little above the reference; else a load in lb logged as kg when its e1RM lands
    within 10 % of the reference. None when neither fits."""
    tenth = load_kg / 10
    if tenth >= _LIGHTEST_KG and _epley(tenth, reps) <= reference_e1rm * 1.1:
        return round(tenth, 2)
    as_lb = load_kg * KG_PER_LB
    if abs(_epley(as_lb, reps) - reference_e1rm) <= 0.1 * reference_e1rm:
        return round(as_lb, 2)
    return None


def probable_typos(table: pd.DataFrame, unit: str = "kg") -> pd.DataFrame:
    """The sets of the planner's exercises in ``table`` (a log's table: date, exercise,
    load_kg, reps) that are probable typos (other lifts are only carried along), indexed
    like ``table``: their date, exercise, load and reps, the reference e1RM they were
    judged against (``reference_kg``), the likely intended load (NaN: none evident) and
    the reason in words (loads in ``unit``)."""
    loaded = (table["load_kg"].notna() & (table["load_kg"].fillna(0) > 0)
              & table["exercise"].isin(EXERCISE_IDS))
    t = table.loc[loaded, ["date", "exercise", "load_kg", "reps"]]
    if t.empty:
        return pd.DataFrame(columns=list(TYPO_COLUMNS))
    load = t["load_kg"].to_numpy("float64", na_value=np.nan)
    reps = t["reps"].to_numpy("float64", na_value=np.nan)
    e1rm = _epley(load, reps)
    beyond = e1rm > MAX_PLAUSIBLE_KG + 1e-9
    ref = _reference(t, e1rm)
    suspect = (e1rm > TYPO_RATIO * ref) | beyond
    at = np.flatnonzero(suspect & ~beyond)
    hits = sorted([*np.flatnonzero(beyond), *at[~_confirmed(t, e1rm, at)]])
    out = t.iloc[hits].copy()
    out["reference_kg"] = ref[hits]
    out["likely_kg"] = [likely_value(load[i], reps[i], ref[i]) if ref[i] < e1rm[i] else None
                        for i in hits]
    out["likely_kg"] = out["likely_kg"].astype("float64")

    def w(kg: float) -> str:
        return f"{round(float(from_kg(kg, unit)), 1):g} {unit}"

    said = [f"{w(load[i])} x {int(reps[i]) if reps[i] == reps[i] else '?'}" for i in hits]
    out["reason"] = [
        (f"{s} is an e1RM of {w(e1rm[i])}, above {w(MAX_PLAUSIBLE_KG)}: beyond the world "
         "record") if beyond[i] else
        (f"{s} is an e1RM of {w(e1rm[i])}, more than {TYPO_RATIO:g} times the best typical "
         f"e1RM ({w(ref[i])}) within {TYPO_WINDOW_DAYS} days either side, and no other set "
         "comes near it")
        for s, i in zip(said, hits, strict=True)]
    return out[list(TYPO_COLUMNS)]


def _reference(t: pd.DataFrame, e1rm: np.ndarray) -> np.ndarray:
    """Per set: the highest of the daily median e1RMs of its exercise within
    ``TYPO_WINDOW_DAYS`` either side (its own day included)."""
    ref = np.full(len(t), np.nan)
    days = t["date"].to_numpy("datetime64[D]")
    ex = pd.factorize(t["exercise"])[0]
    span = f"{2 * TYPO_WINDOW_DAYS + 1}D"
    for code in range(int(ex.max()) + 1):
        pos = np.flatnonzero(ex == code)
        day = pd.Series(e1rm[pos]).groupby(days[pos].astype("datetime64[ns]")).median()
        top = day.rolling(span, center=True, min_periods=1).max()
        at = np.searchsorted(top.index.to_numpy("datetime64[D]"), days[pos])
        ref[pos] = top.to_numpy()[at]
    return ref


def _confirmed(t: pd.DataFrame, e1rm: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For the sets ``at``: whether another set of the same exercise within the window
    comes near its e1RM (within ``TYPO_CONFIRM_RATIO``). Each set looks only at its
    window's slice of its exercise's sets in date order."""
    out = np.zeros(len(at), bool)
    if not len(at):
        return out
    days = (t["date"].to_numpy("datetime64[D]")).astype("int64")
    ex = pd.factorize(t["exercise"])[0]
    for code in np.unique(ex[at]):
        mine = np.flatnonzero(ex == code)
        order = mine[np.argsort(days[mine], kind="stable")]
        d, e = days[order], e1rm[order]
        for k in np.flatnonzero(ex[at] == code):
            i = at[k]
            lo = np.searchsorted(d, days[i] - TYPO_WINDOW_DAYS, side="left")
            hi = np.searchsorted(d, days[i] + TYPO_WINDOW_DAYS, side="right")
            out[k] = int((e[lo:hi] * TYPO_CONFIRM_RATIO >= e1rm[i]).sum()) > 1
    return out


def set_aside(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``table`` without its probable typos, and the typos (``probable_typos``)."""
    typos = probable_typos(table)
    if typos.empty:
        return table, typos
    return table.drop(index=typos.index), typos


def typo_notes(typos: pd.DataFrame, unit: str = "kg") -> list[str]:
    """One line per set aside, for the analysis' and the next block's notes."""
    out = []
    for _, r in typos.iterrows():
        load = float(from_kg(float(r["load_kg"]), unit))
        likely = (f" (perhaps {float(from_kg(r['likely_kg'], unit)):g} {unit}?)"
                  if pd.notna(r["likely_kg"]) else "")
        out.append(f"Left out as a probable typo: {r['exercise']} {load:g} {unit} x "
                   f"{int(r['reps']) if pd.notna(r['reps']) else '?'} on {r['date']:%Y-%m-%d}"
                   f"{likely}: {r['reason']}. Correct the log and read "
                   "it again to use it.")
    return out


__all__ = ["TYPO_COLUMNS", "TYPO_CONFIRM_RATIO", "TYPO_RATIO", "TYPO_WINDOW_DAYS",
           "likely_value", "probable_typos", "set_aside", "typo_notes"]
