"""The coach's view of a roster: flags in words, sorting, one athlete's data, next blocks.

``roster_flags(cohort.athletes)`` adds, for every athlete, the five flags a coach
looks at first, each as a yes/no column and a sentence saying why (or what was
found when the flag is not raised):

- pain rules broken: the worse of this programme week and the one before
  (``latest_pain_status`` of :mod:`planner.clinic.cohort`) is "outside rules" or "stop"
  (:func:`planner.analysis.pain_status`; the reasons are its own words): last week's stop
  is shown all this week, on a Monday and after this week's first scores alike, with what
  this week says so far (never from further back);
- sessions under 60 %: of the sessions due in the last 4 weeks, under 60 % were done
  in full (``compliance_sessions_4w`` of :mod:`planner.clinic.cohort`);
- ACWR 1.5 or more: the latest rolling ACWR (that week's load over the 4-week weekly
  average, given once, to 2 decimals), which exists once the current stretch of
  training (no gap of more than 28 days: :func:`planner.analysis.training_load`) has 28
  days and a load logged, and counts only while the last log is inside the acute week (less
  than 7 days old); without one the flag says why it cannot tell;
- no log for 10 days: the last logged session is 10 or more days before the day of
  the analysis, or there is no log at all;
- no pain data: neither this programme week nor the one before has a pain score; said
  as such, never as "0 problems".

The thresholds are named here and read by the coach page, the notebooks and the
tests alike. Nothing here imports plotly or widgets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.analysis import LOAD_BASES
from planner.clinic.cohort import ACWR_MIN_DAYS, PAIN_SEVERITY, PAIN_WEEKS_BACK
from planner.metrics import ACWR_ZONES
from planner.words import day_text

#: Under this share of the last 4 weeks' due sessions done in full, an athlete is flagged.
LOW_COMPLIANCE = 0.6
#: An ACWR at or above this is flagged (context only: docs/science.md on its disputed value).
HIGH_ACWR = ACWR_ZONES["danger"][0]
#: An ACWR is current while the last log is less than this many days old (the acute week).
ACUTE_DAYS = 7
#: No logged session for this many days or more is flagged.
NO_LOG_DAYS = 10
FLAGS: dict[str, str] = {
    "pain_rules": "Pain rules broken",
    "low_compliance": f"Sessions under {LOW_COMPLIANCE * 100:.0f} % (last 4 weeks)",
    "high_acwr": f"ACWR {HIGH_ACWR:g} or more",
    "no_recent_log": f"No log for {NO_LOG_DAYS} days",
    "no_pain_data": "No pain data",
}
#: The roster table's columns: name -> heading, in the order shown.
COLUMNS: dict[str, str] = {"athlete": "Athlete", "flags": "Flags", **FLAGS,
                           "next_block": "Next block"}
#: Said after a stop week's reasons (planner.analysis.CLINICIAN, in the coach's words).
SEE_CLINICIAN = "see a clinician before training on"
#: The weeks the pain flags look back over, in words.
_WINDOW = "this week or last week" if PAIN_WEEKS_BACK == 2 else \
    f"the last {PAIN_WEEKS_BACK} programme weeks"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _last_log_words(days: float, last: pd.Timestamp) -> str:
    if days != days:
        return "no log at all"
    when = "today" if days == 0 else "1 day" if days == 1 else f"{days:,.0f} days"
    if days >= NO_LOG_DAYS:
        return f"no log for {when} (last session {day_text(last)})"
    return f"last log {when}{'' if days == 0 else ' ago'} ({day_text(last)})"


def _which_week(ago: object, start: object) -> str:
    """The week a pain status is of: "this week", or "last week (from Mon 23 Feb 2026)"."""
    if ago == 0:
        return "this week"
    return f"{'last week' if ago == 1 else f'{ago} weeks ago'} (from {day_text(start)})"


def _pain_rules_words(flag: bool, status: str, reasons: str, ago: object, start: object,
                      now: str = "no pain data") -> str:
    """One athlete's pain rules in words: the week shown (the worst of this week and last),
    which week it is, and what this week (``now``) says so far when that is another."""
    if status == "no pain data":
        return f"not checked: no pain data {_WINDOW}"
    week = _which_week(ago, start)
    why = reasons.removeprefix(status + ": ")
    if flag or status == "pain unreadable":
        said = (f"{status} this week" if ago == 0 else f"{week}: {status}") + (
            f": {why}" if why else "")
        said += f"; {SEE_CLINICIAN}" if status == "stop" else ""
    else:
        said = f"within the rules {week}"
    if ago == 0:
        return said
    return said + ("; no pain score yet this week" if now == "no pain data"
                   else f"; {now} so far this week")


def _pain_rules(a: pd.DataFrame) -> dict[str, object]:
    """Pain rules broken in the worse of this week and last (the later on a tie), in
    the analysis' own words and saying which week."""
    out: dict[str, object] = {}
    status = a["latest_pain_status"].astype(str)
    reasons = a["latest_pain_reasons"].fillna("").astype(str)
    ago = a["latest_pain_weeks_ago"]  # NA only with "no pain data"
    start = pd.to_datetime(a["latest_pain_week_start"])
    out["pain_rules"] = status.isin(["outside rules", "stop"]).to_numpy()
    episodes = a["pain_episodes"].astype(int)
    earlier = [f"; {n} week{'s' if n != 1 else ''} outside the rules in all" if n else ""
               for n in episodes]
    now = a["pain_status"].astype(str)  # this week's, when the week shown is last week
    out["pain_rules_why"] = [
        _pain_rules_words(flag, s, r, w, t, n) + e
        for flag, s, r, w, t, n, e in zip(out["pain_rules"], status, reasons, ago, start, now,
                                          earlier, strict=True)]
    out["pain_rules_key"] = [10 * int(f) + PAIN_SEVERITY.get(s, 0)
                             for f, s in zip(out["pain_rules"], status, strict=True)]
    return out


def _low_compliance(a: pd.DataFrame) -> dict[str, object]:
    """Under 60 % of the last 4 weeks' due sessions done in full."""
    out: dict[str, object] = {}
    c4 = a["compliance_sessions_4w"].astype(float)
    has_plan = a["plan_end"].notna()
    out["low_compliance"] = (c4 < LOW_COMPLIANCE).to_numpy()
    out["low_compliance_why"] = [
        f"{_pct(c)} of due sessions done in full (under {_pct(LOW_COMPLIANCE)})" if low
        else f"{_pct(c)} of due sessions done in full" if c == c
        else "no plan: compliance needs the plan the athlete follows" if not plan
        else "no sessions due in the last 4 weeks"
        for low, c, plan in zip(out["low_compliance"], c4, has_plan, strict=True)]
    out["low_compliance_key"] = c4.to_numpy()
    return out


def _no_acwr_words(days: int, no_load: bool) -> str:
    """Why an athlete has no ACWR (``days``: of the current stretch of training; ``no_load``:
    its measure is "none"): it cannot tell, said as such, never as a number."""
    if no_load:
        return f"no ACWR: {LOAD_BASES['none']}"
    if days >= ACWR_MIN_DAYS:
        return f"no ACWR: no load in the last {ACWR_MIN_DAYS} days"
    return (f"no ACWR yet: {days} day{'s' if days != 1 else ''} of training since the last "
            f"break, it needs {ACWR_MIN_DAYS}")


def _high_acwr(a: pd.DataFrame) -> dict[str, object]:
    """An ACWR of 1.5 or more that is still current (last log inside the acute week)."""
    out: dict[str, object] = {}
    acwr = a["acwr"].astype(float)
    days = a["days_of_data"].astype(int)
    no_load = (a["load_basis"] == "none").fillna(False).to_numpy(bool)
    since = a["days_since"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    # The ACWR is taken at the last log; once that is older than the acute week it says
    # nothing about the load now (an athlete who stopped months ago is not "ramping up").
    current = since < ACUTE_DAYS
    out["high_acwr"] = ((acwr >= HIGH_ACWR) & current).to_numpy()
    out["high_acwr_why"] = [
        f"ACWR {r:.2f} at the last log (that week's load over the 4-week weekly average)"
        if high
        else f"ACWR {r:.2f}" if r == r and cur
        else f"not current: ACWR {r:.2f} at the last log, {d_since:,.0f} days ago"
        if r == r
        else _no_acwr_words(d, none)
        for high, r, d, none, cur, d_since in zip(out["high_acwr"], acwr, days, no_load,
                                                   current, since, strict=True)]
    out["high_acwr_key"] = np.where(current, acwr.to_numpy(), np.nan)
    return out


def _no_recent_log(a: pd.DataFrame) -> dict[str, object]:
    """No logged session for 10 days or more (or none at all)."""
    out: dict[str, object] = {}
    since = a["days_since"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    last = pd.to_datetime(a["last_session"])
    out["no_recent_log"] = ~(since < NO_LOG_DAYS)
    out["no_recent_log_why"] = [_last_log_words(d, t) for d, t in zip(since, last, strict=True)]
    out["no_recent_log_key"] = np.where(np.isnan(since), np.inf, since)
    return out


def _no_pain_data(a: pd.DataFrame) -> dict[str, object]:
    """No pain score this week nor last week: said as such, never as no problem."""
    out: dict[str, object] = {}
    status = a["latest_pain_status"].astype(str)
    ago = a["latest_pain_weeks_ago"]
    start = pd.to_datetime(a["latest_pain_week_start"])
    weeks = a["pain_weeks"].astype(int)
    scored_now = (a["pain_status"].astype(str) != "no pain data").to_numpy()
    out["no_pain_data"] = (status == "no pain data").to_numpy()
    out["no_pain_data_why"] = [
        (f"no pain data {_WINDOW}" + (f" ({n} earlier week{'s' if n != 1 else ''} scored)"
                                      if n else ", nor in any week before"))
        if flag else "pain scored this week" if w == 0 or now
        else f"none yet this week; pain scored {_which_week(w, t)}"
        for flag, n, w, t, now in zip(out["no_pain_data"], weeks, ago, start, scored_now,
                                      strict=True)]
    out["no_pain_data_key"] = out["no_pain_data"].astype(int) * 1000 - weeks
    return out


def _next_block(a: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, object]:
    """Whether the athlete's next block is due, in words, and its sort key."""
    out: dict[str, object] = {}
    due = a["due_next_block"].astype(bool).to_numpy()
    end = pd.to_datetime(a["plan_end"])
    out["due_next_block"] = due
    out["next_block"] = [
        "due: no plan yet" if e is pd.NaT or e != e
        else f"due: the plan ended {day_text(e)}" if d and e < as_of
        else f"due: the plan ends {day_text(e)}" if d
        else f"not due: the plan runs to {day_text(e)}"
        for d, e in zip(due, end, strict=True)]
    out["next_block_key"] = [(0 if d else 1e9) + (0 if e is pd.NaT or e != e else
                                                  (e - as_of).days)
                             for d, e in zip(due, end, strict=True)]
    return out


def roster_flags(athletes: pd.DataFrame, as_of) -> pd.DataFrame:
    """The cohort's per-athlete table (``cohort(...).athletes``) with the five flags.

    Returns one row per athlete: ``athlete``, for each flag name in :data:`FLAGS` a
    bool column ``<name>`` and a text column ``<name>_why``, ``flags`` (how many are
    raised), ``next_block`` (words) and ``due_next_block``; and a ``<column>_key``
    column per shown column that :func:`sort_roster` sorts on.
    """
    a = athletes.reset_index(drop=True)
    as_of = pd.Timestamp(as_of).normalize()
    out = pd.DataFrame({"athlete": a["athlete"].astype(str)})
    for part in (_pain_rules(a), _low_compliance(a), _high_acwr(a), _no_recent_log(a),
                 _no_pain_data(a)):
        for column, values in part.items():
            out[column] = values
    out["flags"] = out[list(FLAGS)].sum(axis=1).astype(int)
    out["flags_key"] = out["flags"]
    for column, values in _next_block(a, as_of).items():
        out[column] = values
    out["athlete_key"] = out["athlete"].str.lower()
    return out


#: Flags that say nothing about an athlete when every athlete has them: said once above the
#: roster instead (the pain rules and the ACWR stay on every row: they are each athlete's).
SHARED_LINES: dict[str, str] = {
    "no_pain_data": "None of these athletes has a pain score this week: ask them to write "
                    "it in their notes after each session as “pain N/10” (the apps' notes "
                    "are read).",
    "no_recent_log": f"None of these athletes has a log in the last {NO_LOG_DAYS} days: "
                     "check that their latest logs were brought in.",
    "low_compliance": "Every athlete did under "
                      f"{LOW_COMPLIANCE * 100:.0f} % of the sessions of the last 4 weeks: "
                      "check that the stored plans are the ones they follow.",
}


def shared_flags(flags: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``flags`` (from :func:`roster_flags`) without the flags of :data:`SHARED_LINES` that
    every athlete has (two or more athletes), and one line for each: a flag on every row
    tells no one apart. The ``_why`` texts stay; the counts and their sort keys follow."""
    if len(flags) < 2:
        return flags, []
    common = [f for f in SHARED_LINES if flags[f].astype(bool).all()]
    if not common:
        return flags, []
    out = flags.copy()
    out[common] = False
    out["flags"] = out[list(FLAGS)].sum(axis=1).astype(int)
    out["flags_key"] = out["flags"]
    return out, [SHARED_LINES[f] for f in common]


def sort_roster(flags: pd.DataFrame, column: str = "flags", ascending: bool = False
                ) -> pd.DataFrame:
    """``flags`` (from :func:`roster_flags`) sorted by one shown column.

    Each column sorts on its value (flag counts, the 4-week compliance, the ACWR, days
    since the last log, ...); athletes without a value (no plan, no ACWR yet) come last
    either way, and ties keep the athletes in alphabetical order.
    """
    if column not in COLUMNS:
        raise ValueError(f"cannot sort by {column!r}; choose one of {', '.join(COLUMNS)}")
    key = flags[f"{column}_key"]
    missing = key.isna()
    order = flags.assign(_missing=missing.to_numpy()).sort_values(
        ["_missing", f"{column}_key", "athlete_key"], ascending=[True, ascending, True],
        kind="stable", na_position="last")
    return order.drop(columns="_missing").reset_index(drop=True)
