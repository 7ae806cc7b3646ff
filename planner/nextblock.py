"""The next block of training, built from a plan and what the log says was done.

The rules, in the order they apply (README, "The rules for the next block"):

0. The history: one log or several (planner.history.join_history): a set found in
   several files counts once; probable typos are set aside (planner.plausible).
1. Where the block starts: the day after the last logged session, on the
   plan's weekday rhythm, moved on a day while its first deadlift would fall the
   day after the last logged one. A plan that the log does not overlap is said
   to be so, and the block follows the log.
2. Which sets count (docs/science.md, "Safety of the adaptive loop"): deadlift
   *working sets* only: not warm-up or drop sets, with at least the bottom of
   the rep range, at the load most of the day's such sets were done at; reps
   above the top of the range count as the top. The block continues from the
   heaviest working load of the last 4 weeks outside deload weeks (the last
   session at that load), by the plan's progression model. With no working sets
   (an app log of heavy sets), the start is the NSCA %1RM for the bottom of the
   range of the best e1RM of the ``E1RM_RECENT_DAYS`` before the block, less a
   10 % margin (the project's own choice).
3. The ceiling: no set above the NSCA %1RM for its reps of the larger of the
   configured 1RM and that e1RM from heavy sets (10 reps or fewer, below the rep
   range, above what the working sets show), never below the 1RM the working
   sets show; with neither, what the log readers call plausible.
4. The cap across blocks: no load more than 10 % (or the smallest plate step)
   above the heaviest working load of the last 4 weeks; after a deload, back to
   at most the last working load done.
5. Time away (14 days or more without deadlifts) restarts lower by its length
   (``layoff_share``); 16 weeks or more is a fresh start with a retest.
6. Stop rules before pain rules before progression, over the whole history: pain
   of 7/10 or more, next-morning pain not settled two sessions running, or a red
   flag in a note (planner.symptoms) hold the deadlift with a message to see a
   clinician (urgent signs: to seek care today), until ``CALM_WEEKS`` weeks after
   it are logged calm; pain scores that stopped before the last week hold it ("no
   pain data since week N"), as does a last week whose pain could not be read; a
   last programme week outside the pain rules holds it (``pain_action="hold"``) or
   cuts it by 10 % (``"reduce"``; two such weeks running always cut). A log
   without pain data progresses by the load rules alone and says "not checked
   against pain".
7. The user's edits stand: a plan whose deadlift loads differ from what its
   settings generate starts the block no higher than the edited load in force.
8. The stretch continues from the shortest hold of its last logged week (5-10 s,
   3 holds a side); the bridge from the sets of 15 done in its last session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from planner import metrics
from planner.analysis import (
    CLINICIAN,
    URGENT,
    WORK_SETS,
    PainRules,
    best_deadlift_e1rm,
    pain_status,
    programme_weeks,
    recent_label,
)
from planner.catalogue import catalogue
from planner.config import WEEKDAYS, PlanConfig
from planner.history import join_history, unit_of
from planner.infer import infer_config
from planner.plan import Plan
from planner.programme import generate, scaled_sets
from planner.progression import (
    CAP_WINDOW_DAYS,
    E1RM_MAX_REPS,
    E1RM_RECENT_DAYS,
    E1RM_START_MARGIN,
    FRESH_START_DAYS,
    LAYOFF_DAYS,
    MAX_PLAUSIBLE_KG,
    PAIN_CUT,
    DoubleProgression,
    LinearLoad,
    LoadLimits,
    Performance,
    Prescription,
    cut,
    layoff_share,
    percent_1rm,
    return_after_deload,
)
from planner.units import from_kg
from planner.words import day_text

PAIN_ACTIONS = ("hold", "reduce")
#: A stop rule holds progression until a later period is logged calm: this many programme
#: weeks after it, running, with pain scores and within the pain rules: 4 weeks, a
#: block's worth and the cap's window (the project's own choice). A calm deload week
#: after a stop is not enough.
CALM_WEEKS = 4
#: Loads this close are one load (a plate rounding, a kg/lb round trip). [kg]
SAME_LOAD_KG = 0.5


def _config_from_plan(plan: Plan) -> PlanConfig:
    """The configuration a plan came from, or one inferred from its table."""
    if plan.config is not None:
        return plan.config
    return infer_config(plan.table, plan.unit)[0]


def working_sets(sets: pd.DataFrame, rep_min: int) -> pd.DataFrame:
    """The deadlift working sets among ``sets`` (one exercise's logged sets, with a load).

    A working set is not a warm-up or drop set and has at least ``rep_min`` repetitions;
    of a day's such sets, the working load is the one most of them were done at (the
    heavier one on a tie): a heavier top set, a pyramid's peak or a lighter back-off set
    is a set of another load, data for e1RM and load metrics, not the working load
    (docs/science.md, "Safety of the adaptive loop"). The sets at that load (within
    ``SAME_LOAD_KG``) are the day's working sets.
    """
    cand = sets[sets["set_type"].isin(WORK_SETS) & sets["load_kg"].notna()
                & (sets["reps"].fillna(0) >= rep_min)]
    if cand.empty:
        return cand
    load = (cand["load_kg"].astype(float) / SAME_LOAD_KG).round() * SAME_LOAD_KG
    counts = pd.DataFrame({"date": cand["date"], "load": load}).value_counts()
    counts = counts.rename("n").reset_index().sort_values(["date", "n", "load"])
    working = counts.groupby("date").tail(1).set_index("date")["load"]
    return cand[(load - cand["date"].map(working).astype(float)).abs() < 1e-9]


def _implied_1rm(ws: pd.DataFrame, rep_max: int) -> float | None:
    """The 1RM the working sets show at least [kg]: the heaviest load over the NSCA %1RM
    of its reps (reps above the range counted as its top). None without working sets."""
    if ws.empty:
        return None
    reps = ws["reps"].astype(float).clip(upper=rep_max)
    share = reps.map(lambda r: percent_1rm(int(r)))
    return float((ws["load_kg"].astype(float) / share).max())


def best_recent_e1rm(sets: pd.DataFrame, rep_min: int, until,
                     working: pd.DataFrame | None = None, rep_max: int | None = None
                     ) -> metrics.BestE1RM | None:
    """The best Epley e1RM [kg] of the heavy sets of the ``E1RM_RECENT_DAYS`` to ``until``
    (the block's start: "recent" is counted from now, not from the last deadlift), with the
    set it came from (:func:`planner.metrics.best_e1rm`); None without such sets. The
    ceiling and a start without working sets read it.

    Heavy sets: not warm-ups, with a load, at most ``E1RM_MAX_REPS`` repetitions
    (docs/science.md: those estimate best), fewer than ``rep_min``, heavier than that day's
    working sets (``working``): a set of the working load that fell short of the range is
    a missed repetition, not a test; and with an e1RM above the 1RM the working sets of
    the window show (``rep_max``, the top of the range): a low-rep set below that is a
    warm-up logged as an ordinary set, and must never pull the ceiling under loads
    already lifted for the prescribed reps. Sets inside the rep range are done with
    repetitions in reserve by design and understate the 1RM; a ceiling taken from them
    would stop the very progression that produced them (the project's own refinement).
    So this can be below the best e1RM of the same weeks over all sets
    (:func:`planner.analysis.best_deadlift_e1rm`), and its notes say "heavy sets".
    """
    since, until = metrics.last_days(until, E1RM_RECENT_DAYS)
    day = sets["date"].dt.normalize()
    heavy = sets[(sets["set_type"] != "warmup") & sets["load_kg"].notna()
                 & sets["reps"].between(1, min(E1RM_MAX_REPS, rep_min - 1))
                 & (day >= since) & (day <= until)]
    if working is not None and len(working) and len(heavy):
        top = working.groupby("date")["load_kg"].max().astype(float)
        day_top = heavy["date"].map(top).astype(float).fillna(0.0)
        heavy = heavy[heavy["load_kg"].astype(float) > day_top + 1e-9]
    if heavy.empty:
        return None
    if working is not None and rep_max is not None:
        shown = _implied_1rm(working[working["date"].dt.normalize() >= since], rep_max)
        if shown is not None:
            est = metrics.e1rm(heavy["load_kg"].astype(float), heavy["reps"].astype(float))
            heavy = heavy[est > shown + 1e-9]
    return metrics.best_e1rm(heavy, since, until)


def _e1rm_of_the_weeks(table: pd.DataFrame, heavy: metrics.BestE1RM | None, until,
                       unit: str, notes: list[str]) -> str:
    """Say the best deadlift e1RM of the ``E1RM_RECENT_DAYS`` to ``until`` over all the
    deadlift's working sets: the figure the analysis shows for the same weeks, from the same
    function (:func:`planner.analysis.best_deadlift_e1rm`), so the two never disagree.
    Returns how the notes name the ``heavy`` sets' e1RM (:func:`best_recent_e1rm`): "that
    e1RM" when it is the same figure, else by its own name and period."""
    since, until = metrics.last_days(until, E1RM_RECENT_DAYS)
    best = best_deadlift_e1rm(table, since, until)
    weeks = recent_label(E1RM_RECENT_DAYS, until)
    if best is not None:
        notes.append(f"Deadlift: best e1RM (Epley) of {weeks}: "
                     f"{float(from_kg(best.e1rm_kg, unit)):.1f} {unit} "
                     f"({float(from_kg(best.load_kg, unit)):g} {unit} x {best.reps} on "
                     f"{day_text(best.date)}).")
    if best is not None and heavy is not None and abs(heavy.e1rm_kg - best.e1rm_kg) < 1e-9:
        return "that e1RM"
    return (f"the best e1RM of your heavy sets ({E1RM_MAX_REPS} reps or fewer, below the rep "
            f"range) of {weeks}")


def next_block(plan: Plan | None, log, *, weeks: int | None = None,
               config: PlanConfig | None = None, rules: PainRules | None = None,
               pain_action: str = "hold", today=None) -> Plan:
    """Generate the weeks after ``plan`` from what ``log`` says was done.

    Parameters
    ----------
    plan : the plan the log followed, or None for a log alone (an app export)
    log : the log (planner.read_log) or its table, or a list of them: a person's whole
        history, one file a block or one export a month (planner.history.join_history:
        a set found in several files counts once; probable typos are set aside)
    weeks : length of the new block (default: as long as ``plan``; 12 with no plan)
    config : settings for the new block (default: those of ``plan``, or the defaults)
    rules : pain-monitoring limits (default PainRules())
    pain_action : "hold" or "reduce" when the last programme week broke the pain rules
    today : when given (the command line and the app give the real date), the block
        starts no earlier than this day, and a layoff is counted up to it

    Returns
    -------
    The new Plan; its ``notes`` say which sets were used and why anything was
    held, cut or capped (module docstring for the rules).
    """
    if pain_action not in PAIN_ACTIONS:
        raise ValueError(f"pain_action must be one of {', '.join(PAIN_ACTIONS)}, "
                         f"got {pain_action}")
    base = config or (_config_from_plan(plan) if plan is not None else
                      PlanConfig(unit=unit_of(log)))
    history = join_history(log, base.unit)
    table = history.table
    notes: list[str] = list(history.notes)
    t = plan.table if plan is not None and len(plan.table) else None

    # 1. Where the block starts.
    last_log, overlap, anchor, rhythm = _log_against_plan(table, t, base, notes)
    start = _start_day(last_log, t, base, rhythm, today, notes)
    start = _not_the_day_after_a_deadlift(table, base, start, notes)
    first_week = _first_week_of_block(t, overlap, anchor, last_log, start, notes)
    phase = t.groupby("date")["phase"].first() if t is not None else pd.Series(dtype=str)
    weeks = weeks or base.weeks
    changes: dict = {"first_week": first_week, "start_date": start, "weeks": weeks,
                     "deadlift_start_load": None, "deadlift_hold": None}

    if "deadlift" in base.exercises:
        pain_week1, pain_anchor = _pain_weeks_of_log(table, t, overlap, anchor)
        pain = _PainContext(rules, pain_action, pain_anchor, pain_week1,
                            history.unreadable_pain)
        changes.update(_deadlift(table, base, phase, pd.Timestamp(start), notes, pain, t,
                                 first_week_new=first_week))
        edited = _edited_start(plan, t, base, pd.Timestamp(start), notes)
        if edited is not None and edited < changes["deadlift_start_load"]:
            changes["deadlift_start_load"] = edited
    changes["overrides"] = _bridge_and_stretch(table, base, phase)
    new = generate(base.replace(**changes))
    return Plan(new.table, new.unit, new.config, tuple(notes) + new.notes)


@dataclass(frozen=True)
class _PainContext:
    """What the stop and pain rules read: the limits, the action on a week outside them,
    the programme weeks (anchor, first week) and the pain texts nobody could read."""

    rules: PainRules | None
    action: str
    anchor: pd.Timestamp
    first_week: int
    unreadable: pd.DataFrame


def _not_the_day_after_a_deadlift(table: pd.DataFrame, base: PlanConfig, start, notes
                                  ) -> date:
    """``start``, moved on a day at a time (at most a week) while the block's first
    deadlift day would fall on the day after the last logged deadlift: never two deadlift
    days in a row, across blocks as within one."""
    dl_days = set(base.deadlift_days or ())
    dl = table.loc[(table["exercise"] == "deadlift") & table["load_kg"].notna(), "date"]
    if "deadlift" not in base.exercises or not dl_days or dl.empty:
        return start
    last = pd.Timestamp(dl.max()).date()
    moved = start
    for _ in range(7):
        first_dl = next(moved + timedelta(days=i) for i in range(7)
                        if WEEKDAYS[(moved + timedelta(days=i)).weekday()] in dl_days)
        if (first_dl - last).days >= 2:
            break
        moved += timedelta(days=1)
    if moved != start:
        notes.append(f"The block starts on {day_text(moved)}, not {day_text(start)}: its first "
                     f"deadlift would have been the day after your last one ({day_text(last)}).")
    return moved


#: The deadlift rows of the last plans generated from a plan's own settings (by the repr of
#: the settings, which names every field): a clinic gives one plan to many athletes, and
#: the coach's zip checks each of their plans for edits. Only a speed-up: ``generate`` is
#: deterministic, and a miss generates as before.
_GENERATED: OrderedDict[str, pd.DataFrame] = OrderedDict()
_GENERATED_MAX = 16
_GENERATED_LOCK = threading.Lock()


def _generated_deadlift(config: PlanConfig) -> pd.DataFrame:
    """The deadlift rows of ``generate(config)``: their date, set and load (shared: read
    them, never change them)."""
    key = repr(config)
    with _GENERATED_LOCK:
        made = _GENERATED.get(key)
        if made is not None:
            _GENERATED.move_to_end(key)
            return made
    table = generate(config).table
    made = table.loc[table["exercise"] == "deadlift", ["date", "set", "load_kg"]]
    with _GENERATED_LOCK:
        _GENERATED[key] = made
        while len(_GENERATED) > _GENERATED_MAX:
            _GENERATED.popitem(last=False)
    return made


def _edited_start(plan: Plan | None, t: pd.DataFrame | None, base: PlanConfig,
                  start: pd.Timestamp, notes: list[str]) -> float | None:
    """The deadlift load the user's own edits of the plan start the block from [unit], or
    None when its deadlift loads are as its settings generate them. An edited plan is the
    user's decision: the block starts no higher than the edited load in force (the plan's
    first deadlift from the block's start, else its last build deadlift), said so."""
    if plan is None or t is None or plan.config is None:
        return None
    # The columns read below (a narrower frame filters and merges quicker).
    mine = t.loc[t["exercise"] == "deadlift",
                 [c for c in ("date", "set", "load_kg", "phase") if c in t.columns]]
    if mine.empty:
        return None
    made = _generated_deadlift(plan.config)
    both = mine.merge(made, on=["date", "set"], how="inner", suffixes=("", "_made"))
    differ = both[(both["load_kg"].astype(float) - both["load_kg_made"].astype(float)).abs()
                  > 0.01]
    if differ.empty:
        return None
    u = base.unit
    ahead = mine[mine["date"] >= start]
    builds = mine[mine["phase"] != "deload"] if "phase" in mine else mine
    row = ahead.iloc[0] if len(ahead) else (builds if len(builds) else mine).iloc[-1]
    load = base.plate_set.round_down(float(from_kg(float(row["load_kg"]), u)) + 1e-6)
    first = differ.iloc[0]
    notes.append(f"Your plan's deadlift loads were edited by hand ({differ['date'].nunique()} "
                 f"session(s); {day_text(first['date'])}: "
                 f"{float(from_kg(first['load_kg_made'], u)):g} -> "
                 f"{float(from_kg(first['load_kg'], u)):g} {u}). Your edits stand: the block "
                 f"starts no higher than your load of {day_text(row['date'])}, {load:g} {u}.")
    return load


def _log_against_plan(table: pd.DataFrame, t: pd.DataFrame | None, base: PlanConfig,
                      notes: list[str]) -> tuple[pd.Timestamp | None, bool, pd.Timestamp, int]:
    """The last logged day; whether the log overlaps the plan (a plan it does not overlap
    is said so: the block follows the log); and the weeks' anchor and weekday rhythm: the
    plan's first day and its weekday, or for a log alone its first day and Mondays."""
    last_log = table["date"].max() if len(table) else None
    overlap = t is not None and last_log is not None and table["date"].between(
        t["date"].min(), t["date"].max()).any()
    if t is not None:
        anchor = t["date"].min()
        if last_log is not None and not overlap:
            notes.append(f"The log ({day_text(table['date'].min())} to {day_text(last_log)}) "
                         f"and the plan ({day_text(anchor)} to {day_text(t['date'].max())}) do "
                         "not overlap: this block follows the log, not the plan.")
        return last_log, overlap, anchor, anchor.day_of_week
    # A log alone: weeks from its first day, blocks on Mondays.
    anchor = table["date"].min() if len(table) else pd.Timestamp(base.start_date)
    return last_log, overlap, anchor, 0


def _start_day(last_log, t: pd.DataFrame | None, base: PlanConfig, rhythm: int, today,
               notes: list[str]):
    """The block's first day: the day after the last logged session (nothing logged: after
    the plan; neither: the configured start), no earlier than ``today``, moved on to the
    plan's weekday rhythm."""
    after = last_log if last_log is not None else t["date"].max() if t is not None else None
    if after is None:
        return base.start_date
    start = (after + pd.Timedelta(days=1)).date()
    if today is not None and start < pd.Timestamp(today).date():
        notes.append(f"The log ends on {day_text(after)}, {(pd.Timestamp(today) - after).days}"
                     " days ago: the block starts from today, not from then.")
        start = pd.Timestamp(today).date()
    start += timedelta(days=(rhythm - start.weekday()) % 7)
    return start


def _first_week_of_block(t: pd.DataFrame | None, overlap: bool, anchor, last_log, start,
                         notes: list[str]) -> int:
    """The block's first programme week: the plan's week of ``start`` when the log overlaps
    the plan (a log ending before the plan does: the block replaces its last weeks); else
    the week after the plan's last, or 1 with no plan."""
    if t is not None and overlap:
        if last_log < t["date"].max() - pd.Timedelta(days=6):
            notes.append(f"The log ends on {day_text(last_log)}, before the plan does: this "
                         f"block starts on {day_text(start)} and replaces the plan's last weeks.")
        return int(t["week"].min()) + (pd.Timestamp(start) - anchor).days // 7
    return (int(t["week"].max()) + 1) if t is not None else 1


def _pain_weeks_of_log(table: pd.DataFrame, t: pd.DataFrame | None, overlap: bool, anchor
                       ) -> tuple[int, pd.Timestamp]:
    """The weeks the log's pain is judged in: the plan's programme weeks when the log
    overlaps it, else calendar weeks from the Monday of the first logged day (week 1)."""
    if t is not None and overlap:
        return int(t["week"].min()), anchor
    first_day = table["date"].min() if len(table) else pd.Timestamp(anchor)
    return 1, first_day.normalize() - pd.Timedelta(days=first_day.day_of_week)


#: The log columns the deadlift's rules read (``_deadlift`` and what it calls with the
#: deadlift sets: working_sets, best_recent_e1rm, the progression, layoff and cap): a
#: frame of these alone is quicker to filter, and the rules see the same values.
_DEADLIFT_COLUMNS = ["date", "set_type", "reps", "load_kg"]


def _deadlift(table: pd.DataFrame, base: PlanConfig, phase: pd.Series, start: pd.Timestamp,
              notes: list[str], pain: _PainContext, t: pd.DataFrame | None, *,
              first_week_new: int) -> dict:
    """The deadlift's settings for the next block (load, reps, ceiling, hold) and notes.

    The steps, in order: the working sets, the ceiling, the cap's reference, where the
    block continues from (the progression step), the layoff, the stop and pain rules,
    and the cap and ceiling applied to the result."""
    lo, hi = base.rep_range
    sets = scaled_sets(int(base.dose("deadlift")["sets"]), base.volume)
    dl = table.loc[(table["exercise"] == "deadlift") & table["load_kg"].notna()
                   & (table["reps"].fillna(0) >= 1), _DEADLIFT_COLUMNS]
    in_deload = dl["date"].map(phase).eq("deload")
    ws = working_sets(dl, lo)
    until = dl["date"].max() if len(dl) else start
    recent_end = max(start, until)  # "recent": the weeks to the block's start
    best = best_recent_e1rm(dl, lo, recent_end, ws, hi)
    named = _e1rm_of_the_weeks(table, best, recent_end, base.unit, notes)
    shown = _implied_1rm(ws[ws["date"] > start - pd.Timedelta(days=E1RM_RECENT_DAYS)], hi)
    ref, most = _ceiling_reference(best, shown, base, notes, named)
    limits = LoadLimits(base.plate_set, ref, most)
    model = (LinearLoad(limits, base.load_step) if base.deadlift_progression == "linear"
             else DoubleProgression(lo, hi, limits, base.reps_step, base.load_step))
    heaviest = _heaviest_recent_working_load(ws, start, base)
    build = _working_sets_to_build_on(ws, in_deload, until, best)
    current, nxt = _continue_from(build, dl, in_deload, (best, named), model, base, sets,
                                  t, notes, first_week_new)
    current, nxt = _after_time_away(dl, ws, start, current, nxt, base, sets, notes)
    nxt, hold = _stop_and_pain_rules(table, pain, current, nxt, base, sets, notes)
    load, reps = _within_cap_and_ceiling(nxt, limits, heaviest, base, notes)
    return {"deadlift_start_load": load, "deadlift_start_reps": reps,
            "one_rm": ref, "deadlift_hold": hold, "deadlift_recent_max": heaviest}


def _ceiling_reference(best: metrics.BestE1RM | None, shown: float | None,
                       base: PlanConfig, notes: list[str], named: str
                       ) -> tuple[float | None, float]:
    """The ceiling's reference: the configured 1RM or the best recent e1RM, the larger (the
    e1RM to 0.1), never below the 1RM the recent working sets show (``shown`` [kg]: loads
    already lifted for the prescribed reps stay allowed), at most the most any log may
    hold; None below the bar. With that most [unit]."""
    unit = u = base.unit
    ref = base.one_rm
    if best is not None:
        e1 = float(from_kg(best.e1rm_kg, unit))
        if ref is None or e1 > ref:
            e1 = round(e1, 1)
            ref = e1
            notes.append(f"Ceiling: from {named}, {e1:.1f} {u} (Epley, "
                         f"{float(from_kg(best.load_kg, unit)):g} {u} x {best.reps} on "
                         f"{day_text(best.date)}); no set goes above the NSCA %1RM for its "
                         "reps of it.")
    if ref is not None and shown is not None and float(from_kg(shown, unit)) > ref + 0.05:
        ref = round(float(from_kg(shown, unit)), 1)
        notes.append(f"Ceiling: raised to {ref:.1f} {u}, the 1RM your recent working sets "
                     "show (NSCA %1RM of their reps): no ceiling falls below a load you have "
                     "lifted for the prescribed reps.")
    most = float(from_kg(MAX_PLAUSIBLE_KG, unit))
    if ref is not None and ref > most:
        notes.append(f"Ceiling: the estimate is above {most:.0f} {u}, the most any log may "
                     f"hold; the ceiling uses {most:.0f} {u}.")
        ref = most
    if ref is not None and ref < base.plate_set.bar:
        ref = None
    return ref, most


def _heaviest_recent_working_load(ws: pd.DataFrame, start: pd.Timestamp, base: PlanConfig
                                  ) -> float | None:
    """What the cap counts from: the heaviest working load of the 4 weeks before the block,
    on the plates [unit]; None without one."""
    ps = base.plate_set
    window = ws[ws["date"] > start - pd.Timedelta(days=CAP_WINDOW_DAYS)]
    return (ps.round_down(float(from_kg(window["load_kg"].astype(float).max(), base.unit))
                          + 1e-6) if len(window) else None)


def _working_sets_to_build_on(ws: pd.DataFrame, in_deload: pd.Series, until,
                              best: metrics.BestE1RM | None) -> pd.DataFrame:
    """The working sets outside deload weeks of the 4 weeks up to the last deadlift
    (``until``); older ones only when no recent heavy set gives an e1RM (and then a layoff
    restarts lower)."""
    build = ws[~in_deload.reindex(ws.index).fillna(False)]
    fresh = build[build["date"] > until - pd.Timedelta(days=CAP_WINDOW_DAYS)]
    return fresh if len(fresh) or best is not None else build


def _continue_from(build: pd.DataFrame, dl: pd.DataFrame, in_deload: pd.Series,
                   recent: tuple[metrics.BestE1RM | None, str], model,
                   base: PlanConfig, sets: int, t: pd.DataFrame | None, notes: list[str],
                   first_week_new: int) -> tuple[Prescription | None, Prescription]:
    """What a hold keeps (None when nothing was done) and the next prescription: the
    progression step from the working sets; without them, a start from the best recent
    e1RM (``recent``: it and its name in the notes); with neither, the plan's first
    deadlift or the configured start."""
    best, named = recent
    if len(build):
        return _progression_step(build, dl, in_deload, model, base, sets, t, notes,
                                 first_week_new)
    if best is not None:
        start = _start_from_e1rm(best, named, base, sets, notes)
        return start, start
    return None, _start_again(t, base, sets, notes)


def _last_session_at_top_load(build: pd.DataFrame) -> tuple[pd.Timestamp, pd.DataFrame, float]:
    """The last session at the heaviest working load of the 4 weeks up to the last working
    set: its day, its working sets, and that load [kg]."""
    last_day = build["date"].max()
    recent = build[build["date"] > last_day - pd.Timedelta(days=CAP_WINDOW_DAYS)]
    top_kg = recent["load_kg"].astype(float).max()
    at_top = recent[recent["load_kg"].astype(float) >= top_kg - 1e-9]
    day = at_top["date"].max()
    return day, recent[recent["date"] == day], top_kg


def _progression_step(build: pd.DataFrame, dl: pd.DataFrame, in_deload: pd.Series, model,
                      base: PlanConfig, sets: int, t: pd.DataFrame | None, notes: list[str],
                      first_week_new: int) -> tuple[Prescription, Prescription]:
    """The plan's progression model (double progression, or linear) one step on from the
    last session at the top working load, its reps above the range counted as the top;
    after a deload (or with one to come first), back to at most the last working load done.
    Returns what a hold keeps (that load and the reps actually done) and the next step."""
    ps, u = base.plate_set, base.unit
    lo, hi = base.rep_range
    day, session, top_kg = _last_session_at_top_load(build)
    load = ps.round_down(float(from_kg(top_kg, u)) + 1e-6)
    done = tuple(int(min(r, hi)) for r in session["reps"])
    planned = t.loc[(t["exercise"] == "deadlift") & (t["date"] == day), "target_reps"] \
        if t is not None else pd.Series(dtype="Int64")
    target = int(planned.iloc[0]) if len(planned) else min(done)
    target = min(hi, max(lo, target)) if base.deadlift_progression == "double" else target
    nxt = model.next(Prescription(sets=sets, reps=target, load=load),
                     Performance(reps=done, load=load))
    current = Prescription(sets=sets, reps=min(hi, max(lo, min(done))), load=load)
    others = len(dl[dl["date"] == day]) - len(session)
    later = dl["date"].max() > day  # deadlifts after it, none a working set
    notes.append(f"Deadlift: continues from {day_text(day)}, {len(session)} working set(s) "
                 f"at {load:g} {u} ({', '.join(str(int(r)) for r in session['reps'])} reps)"
                 + (f"; {others} other set(s) that day (warm-ups, heavy or back-off sets) "
                    "not used" if others else "")
                 + (f": the last day of working sets (at least {lo} reps, not a warm-up, "
                    f"outside a deload week); the deadlifts after it, to "
                    f"{day_text(dl['date'].max())}, had none: their sets of fewer reps count "
                    "for the e1RM only" if later else "") + ".")
    last_dl = dl["date"].max()
    if in_deload.loc[dl["date"] == last_dl].any() or base.is_deload(first_week_new):
        nxt = return_after_deload(nxt, current)
    return current, nxt


def _start_from_e1rm(best: metrics.BestE1RM, named: str, base: PlanConfig, sets: int,
                     notes: list[str]) -> Prescription:
    """No recent working sets: the NSCA %1RM for the bottom of the rep range of the best
    recent e1RM of the heavy sets (``named`` so in the notes), less the
    ``E1RM_START_MARGIN`` (the project's own choice)."""
    ps, u = base.plate_set, base.unit
    lo, hi = base.rep_range
    e1 = float(from_kg(best.e1rm_kg, u))
    load = max(ps.bar, ps.round_down(percent_1rm(lo) * e1 * E1RM_START_MARGIN))
    notes.append(f"Deadlift: no recent working sets of {lo}-{hi} reps in the log; the start, "
                 f"{load:g} {u} x {lo}, is {percent_1rm(lo):.0%} of {named} ({e1:.1f} {u}) less "
                 f"a {1 - E1RM_START_MARGIN:.0%} margin (the project's own choice).")
    return Prescription(sets=sets, reps=lo, load=load)


def _start_again(t: pd.DataFrame | None, base: PlanConfig, sets: int, notes: list[str]
                 ) -> Prescription:
    """No deadlift logged: the plan's first deadlift again, or the configured start."""
    ps, u = base.plate_set, base.unit
    if t is not None and (t["exercise"] == "deadlift").any():
        first = t[t["exercise"] == "deadlift"].iloc[0]
        nxt = Prescription(sets=sets, reps=int(first["target_reps"]),
                           load=ps.round_down(float(from_kg(float(first["load_kg"]), u))))
        notes.append("Deadlift: none logged; the block starts again from the plan's first "
                     f"deadlift, {nxt.load:g} {u} x {nxt.reps}.")
        return nxt
    nxt = Prescription(sets=sets, reps=base.rep_range[0], load=base.start_load)
    notes.append(f"Deadlift: none logged; the block starts at {nxt.load:g} {u}.")
    return nxt


def _after_time_away(dl: pd.DataFrame, ws: pd.DataFrame, start: pd.Timestamp,
                     current: Prescription | None, nxt: Prescription, base: PlanConfig,
                     sets: int, notes: list[str]
                     ) -> tuple[Prescription | None, Prescription]:
    """Time away restarts lower, by its length (``layoff_share``): ``LAYOFF_DAYS`` (14)
    days or more without deadlifts, or 4 weeks without working sets, before the block;
    ``FRESH_START_DAYS`` or more is a fresh start from a conservative entry load, with a
    retest. At the bottom of the rep range, from the load a hold keeps. Returns what a
    hold keeps and the next prescription: after time away both are the restart (a hold
    for pain never keeps the load from before the break)."""
    lo = base.rep_range[0]
    last_dl = dl["date"].max() if len(dl) else None
    last_ws = ws["date"].max() if len(ws) else None
    if current is None or last_dl is None or not (
            (start - last_dl).days >= LAYOFF_DAYS
            or (last_ws is not None and (start - last_ws).days >= CAP_WINDOW_DAYS)):
        return current, nxt
    since = last_dl if (start - last_dl).days >= LAYOFF_DAYS else last_ws
    what = "deadlift" if since is last_dl else "working deadlift set"
    days = (start - since).days
    share = layoff_share(days)
    ps, u = base.plate_set, base.unit
    load = max(ps.bar, ps.round_down(current.load * share + 1e-6))
    nxt = Prescription(sets=sets, reps=lo, load=load)
    if days >= FRESH_START_DAYS:
        notes.append(f"Time away: no {what} for {days} days (since {day_text(since)}), "
                     f"{days / 30.44:.0f} months: a fresh start at {load:g} {u} x {lo}, "
                     f"{share:.0%} of your last working load ({current.load:g} {u}). Treat the "
                     "first two weeks as a retest: if the sets feel easy (2-3 reps or more "
                     "left in reserve), make the next block again after them to step up.")
    else:
        notes.append(f"Layoff: no {what} for {days} days (since {day_text(since)}); the block "
                     f"restarts {1 - share:.0%} lower, at {load:g} {u} x {lo} (the longer the "
                     "time away, the larger the cut: docs/science.md, \"Time away\").")
    return nxt, nxt


def _stop_and_pain_rules(table: pd.DataFrame, pain: _PainContext,
                         current: Prescription | None, nxt: Prescription, base: PlanConfig,
                         sets: int, notes: list[str]) -> tuple[Prescription, str | None]:
    """Stop rules, then pain rules, then progression, over the whole history:

    - a stop anywhere (pain of 7/10 or more, morning pain not settling, leg symptoms, a
      red flag) holds the load (``"reduce"``: cuts it) with the clinician message, the
      week and the words that triggered it, until ``CALM_WEEKS`` programme weeks after it
      are logged with pain scores, all within the rules;
    - pain scores that stopped before the last logged week: "no pain data since week N",
      the load held (no progression on old scores);
    - the last scored week's pain unreadable: held; outside the rules: ``_pain_hold``;
    - no pain score ever: progression by the load rules alone, said so.
    Returns the next prescription and the hold's message (None: not held)."""
    _, pw = pain_status(table, pain.rules, start=pain.anchor, first_week=pain.first_week,
                        unreadable=pain.unreadable)
    held = current or nxt
    stop = _unsettled_stop(pw)
    if stop is None and len(pw) and pw["urgent"].any():
        first = pw[pw["urgent"]].iloc[0]
        notes.append(f"Week {int(first['week'])} noted a sign that needs care the same day "
                     f"({first['reasons']}); the weeks since were calm. If it was not seen "
                     "by a clinician, do so before you train on.")
    if stop is not None:
        msg = stop + (" " + URGENT if pw["urgent"].any() else f" {CLINICIAN}")
        return (Prescription(sets=sets, reps=base.rep_range[0],
                             load=cut(held.load, base.plate_set, PAIN_CUT))
                if pain.action == "reduce" else held), msg
    scored = pw[pw["status"] != "no pain data"] if len(pw) else pw
    if not len(scored):
        notes.append("Pain: not checked against pain: the log holds no pain scores, so the "
                     "deadlift progresses by the load rules alone.")
        return nxt, None
    last = scored.iloc[-1]
    now = int(programme_weeks(pd.Series([table["date"].max()]), pain.anchor,
                              pain.first_week).iloc[0])
    if int(last["week"]) < now:
        return held, (f"no pain data since week {int(last['week'])} (the log runs to week "
                      f"{now}): the load is held, not progressed on old pain scores; log pain "
                      "0-10 and make the next block again")
    if last["status"] == "pain unreadable":
        return held, (f"week {int(last['week'])}: {last['reasons']}: the load is held; "
                      "write pain as a number 0-10 (\"4\", \"4/10\") and make the next block again")
    if last["status"] == "outside rules":
        return _pain_hold(scored, held, pain.action, base, sets)
    notes.append(f"Pain: week {int(last['week'])} was within the pain rules.")
    return nxt, None


def _unsettled_stop(pw: pd.DataFrame) -> str | None:
    """The last stop week in words ("week N: reasons"), unless ``CALM_WEEKS`` programme
    weeks after it, running, were logged within the pain rules (then None)."""
    if not len(pw) or not pw["stop"].any():
        return None
    pw = pw.sort_values("week", kind="stable")
    last = pw[pw["stop"]].iloc[-1]
    after = pw[pw["week"] > last["week"]]
    calm = after[after["status"] == "within rules"]
    tail = calm["week"].astype(int).tolist()[-CALM_WEEKS:]
    running = len(tail) == CALM_WEEKS and tail == list(range(tail[0], tail[0] + CALM_WEEKS))
    if running and len(after) == len(calm):
        return None
    return (f"programme week {int(last['week'])} of your log (from "
            f"{day_text(pd.Timestamp(last['week_start']))}): {last['reasons']}.")


def _pain_hold(pw: pd.DataFrame, held: Prescription, pain_action: str, base: PlanConfig,
               sets: int) -> tuple[Prescription, str]:
    """The last programme week was outside the pain rules: the load and reps held, or
    (``"reduce"``, or two such weeks running) the load cut by ``PAIN_CUT`` and held."""
    last = pw.iloc[-1]
    prev = pw.iloc[-2] if len(pw) >= 2 else None
    two = prev is not None and prev["status"] in ("outside rules", "stop")
    if pain_action == "reduce" or two:
        nxt = Prescription(sets=sets, reps=base.rep_range[0],
                           load=cut(held.load, base.plate_set, PAIN_CUT))
        hold = (f"week {int(last['week'])} was outside the pain rules "
                f"({last['reasons']})" + ("; so was the week before" if two else "")
                + f": the load is cut by {1 - PAIN_CUT:.0%} and held")
    else:
        nxt = held
        hold = (f"week {int(last['week'])} was outside the pain rules "
                f"({last['reasons']}): the load and reps are held")
    return nxt, hold + "; make the next block again once a week is back within the pain rules."


def _within_cap_and_ceiling(nxt: Prescription, limits: LoadLimits, heaviest: float | None,
                            base: PlanConfig, notes: list[str]) -> tuple[float, int]:
    """The next load within the cap over the last 4 weeks (from ``heaviest``) and the
    ceiling (said so when they lower it), and the reps, inside the rep range."""
    lo, hi = base.rep_range
    u = base.unit
    load = limits.allow(nxt.load, nxt.reps or lo, heaviest)
    if load < nxt.load:
        notes.append(f"Deadlift: {load:g} {u} rather than {nxt.load:g} {u}: the cap over the "
                     "last 4 weeks and the ceiling allow no more.")
    reps = nxt.reps if base.deadlift_progression == "linear" else min(hi, max(lo, nxt.reps))
    return load, min(hi, max(lo, reps))


def _bridge_and_stretch(table: pd.DataFrame, base: PlanConfig, phase: pd.Series) -> dict:
    """Overrides for the bridge (sets of 15 done) and the stretch (shortest hold held)."""
    overrides = {k: dict(v) for k, v in base.overrides.items()}
    st = table.loc[(table["exercise"] == "rotational_stretch") & table["hold_s"].notna(),
                   ["date", "hold_s"]]
    if len(st):
        last_wk = st["date"] >= st["date"].max() - pd.Timedelta(days=6)
        dose = base.dose("rotational_stretch")
        floor = float(catalogue()["rotational_stretch"].defaults["hold_min_s"])
        held = float(st.loc[last_wk, "hold_s"].min())
        start_hold = min(dose["hold_max_s"], max(floor, round(held)))
        overrides.setdefault("rotational_stretch", {})["hold_min_s"] = start_hold
    br = table.loc[(table["exercise"] == "glute_bridge") & table["set_type"].isin(WORK_SETS),
                   ["date", "reps"]]
    br_build = br[~br["date"].map(phase).eq("deload")]
    br = br_build if len(br_build) else br
    if len(br):
        last = br[br["date"] == br["date"].max()]
        dose = base.dose("glute_bridge")
        full = int((last["reps"].fillna(0) >= dose["reps"]).sum())
        base_sets = round(full / base.volume)
        overrides.setdefault("glute_bridge", {})["sets"] = max(1, min(dose["max_sets"],
                                                                       base_sets))
    return overrides


__all__ = ["PAIN_ACTIONS", "best_recent_e1rm", "next_block", "working_sets"]
