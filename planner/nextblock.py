"""The next block of training, built from a plan and what the log says was done.

The rules, in the order they apply (README, "The rules for the next block"):

1. Where the block starts: the day after the last logged session, on the
   plan's weekday rhythm. A plan that the log does not overlap is said to be so,
   and the block follows the log.
2. Which sets count (SCIENCE.md, "Safety of the adaptive loop"): deadlift
   *working sets* only: not warm-up or drop sets, with at least the bottom of
   the rep range, and at least ``WORKING_SET_SHARE`` (90 %) of the session's
   heaviest such set; reps above the top of the range count as the top. The
   block continues from the heaviest working load of the last 4 weeks outside
   deload weeks (the last session at that load), by the plan's progression
   model. With no working sets (an app log of heavy sets), the start is the
   NSCA %1RM for the bottom of the range of the best recent e1RM, less a 10 %
   margin (the project's own choice).
3. The ceiling: no set above the NSCA %1RM for its reps of the larger of the
   configured 1RM and the best recent e1RM from heavy sets (10 reps or fewer and
   below the rep range); with neither, what the log readers call plausible.
4. The cap across blocks: no load more than 10 % (or the smallest plate step)
   above the heaviest working load of the last 4 weeks; after a deload, back to
   at most the last working load done.
5. A layoff (14 days or more without deadlifts) restarts 15 % lower.
6. Stop rules before pain rules before progression: pain of 7/10 or more, next-
   morning pain not settled two sessions running, or symptoms spreading into a
   leg hold the deadlift for the block with a message to see a clinician; a last
   programme week outside the pain rules holds it (``pain_action="hold"``) or
   cuts it by 10 % (``"reduce"``; two such weeks running always cut). A log
   without pain data progresses by the load rules alone and says "not checked
   against pain".
7. The stretch continues from the shortest hold of its last logged week (5-10 s,
   3 holds a side); the bridge from the sets of 15 done in its last session.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from planner import metrics
from planner.analysis import CLINICIAN, WORK_SETS, PainRules, pain_status
from planner.catalogue import catalogue
from planner.config import PlanConfig
from planner.infer import infer_config
from planner.plan import Plan
from planner.programme import generate, scaled_sets
from planner.progression import (
    CAP_WINDOW_DAYS,
    E1RM_MAX_REPS,
    E1RM_RECENT_DAYS,
    E1RM_START_MARGIN,
    LAYOFF_CUT,
    LAYOFF_DAYS,
    MAX_PLAUSIBLE_KG,
    PAIN_CUT,
    WORKING_SET_SHARE,
    DoubleProgression,
    LinearLoad,
    LoadLimits,
    Performance,
    Prescription,
    cut,
    percent_1rm,
    return_after_deload,
)
from planner.units import from_kg

PAIN_ACTIONS = ("hold", "reduce")


def _config_from_plan(plan: Plan) -> PlanConfig:
    """The configuration a plan came from, or one inferred from its table."""
    if plan.config is not None:
        return plan.config
    return infer_config(plan.table, plan.unit)[0]


def working_sets(sets: pd.DataFrame, rep_min: int) -> pd.DataFrame:
    """The deadlift working sets among ``sets`` (one exercise's logged sets, with a load).

    A working set is not a warm-up or drop set, has at least ``rep_min``
    repetitions, and a load of at least ``WORKING_SET_SHARE`` of the heaviest
    such set of its day (SCIENCE.md: warm-ups, singles, low-rep top sets and
    back-off sets are data for e1RM and load metrics, not a new working load).
    """
    cand = sets[sets["set_type"].isin(WORK_SETS) & sets["load_kg"].notna()
                & (sets["reps"].fillna(0) >= rep_min)]
    top = cand.groupby("date")["load_kg"].transform("max")
    return cand[cand["load_kg"].astype(float) >= WORKING_SET_SHARE * top.astype(float) - 1e-9]


def best_recent_e1rm(sets: pd.DataFrame, rep_min: int, until,
                     working: pd.DataFrame | None = None) -> tuple[float, pd.Series] | None:
    """The best Epley e1RM [kg] of the heavy sets of the last ``E1RM_RECENT_DAYS`` before
    ``until``, with the set it came from; None without such sets.

    Heavy sets: not warm-ups, with a load, at most ``E1RM_MAX_REPS`` repetitions
    (SCIENCE.md: those estimate best), fewer than ``rep_min``, and heavier than
    that day's working sets (``working``): a set of the working load that fell
    short of the range is a missed repetition, not a test. Sets inside the rep
    range are done with repetitions in reserve by design and understate the
    1RM; a ceiling taken from them would stop the very progression that
    produced them (the project's own refinement).
    """
    heavy = sets[(sets["set_type"] != "warmup") & sets["load_kg"].notna()
                 & sets["reps"].between(1, min(E1RM_MAX_REPS, rep_min - 1))
                 & (sets["date"] > pd.Timestamp(until) - pd.Timedelta(days=E1RM_RECENT_DAYS))]
    if working is not None and len(working) and len(heavy):
        top = working.groupby("date")["load_kg"].max().astype(float)
        day_top = heavy["date"].map(top).astype(float).fillna(0.0)
        heavy = heavy[heavy["load_kg"].astype(float) > day_top + 1e-9]
    if heavy.empty:
        return None
    est = metrics.e1rm(heavy["load_kg"].astype(float), heavy["reps"].astype(float))
    i = est.idxmax()
    return float(est[i]), heavy.loc[i]


def next_block(plan: Plan | None, log, *, weeks: int | None = None,
               config: PlanConfig | None = None, rules: PainRules | None = None,
               pain_action: str = "hold", today=None) -> Plan:
    """Generate the weeks after ``plan`` from what ``log`` (a Log or its table) says was done.

    Parameters
    ----------
    plan : the plan the log followed, or None for a log alone (an app export)
    log : the log (planner.read_log) or its table
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
    table = log.table if hasattr(log, "table") else log
    base = config or (_config_from_plan(plan) if plan is not None else
                      PlanConfig(unit=getattr(log, "unit", None) or "kg"))
    notes: list[str] = []
    t = plan.table if plan is not None and len(plan.table) else None

    # 1. Where the block starts.
    last_log, overlap, anchor, rhythm = _log_against_plan(table, t, base, notes)
    start = _start_day(last_log, t, base, rhythm, today, notes)
    first_week = _first_week_of_block(t, overlap, anchor, last_log, start, notes)
    phase = t.groupby("date")["phase"].first() if t is not None else pd.Series(dtype=str)
    weeks = weeks or base.weeks
    changes: dict = {"first_week": first_week, "start_date": start, "weeks": weeks,
                     "deadlift_start_load": None, "deadlift_hold": None}

    if "deadlift" in base.exercises:
        pain_week1, pain_anchor = _pain_weeks_of_log(table, t, overlap, anchor)
        changes.update(_deadlift(table, base, phase, pd.Timestamp(start), notes, rules,
                                 pain_action, t, first_week=pain_week1, anchor=pain_anchor,
                                 first_week_new=first_week))
    changes["overrides"] = _bridge_and_stretch(table, base, phase)
    new = generate(base.replace(**changes))
    return Plan(new.table, new.unit, new.config, tuple(notes) + new.notes)


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
            notes.append(f"The log ({table['date'].min():%Y-%m-%d} to {last_log:%Y-%m-%d}) "
                         f"and the plan ({anchor:%Y-%m-%d} to {t['date'].max():%Y-%m-%d}) do "
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
        notes.append(f"The log ends on {after:%Y-%m-%d}, {(pd.Timestamp(today) - after).days}"
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
            notes.append(f"The log ends on {last_log:%Y-%m-%d}, before the plan does: this "
                         f"block starts on {start:%Y-%m-%d} and replaces the plan's last weeks.")
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


def _deadlift(table: pd.DataFrame, base: PlanConfig, phase: pd.Series, start: pd.Timestamp,
              notes: list[str], rules: PainRules | None, pain_action: str,
              t: pd.DataFrame | None, *, first_week: int, anchor, first_week_new: int
              ) -> dict:
    """The deadlift's settings for the next block (load, reps, ceiling, hold) and notes.

    The steps, in order: the working sets, the ceiling, the cap's reference, where the
    block continues from (the progression step), the layoff cut, the stop and pain
    rules, and the cap and ceiling applied to the result."""
    lo, hi = base.rep_range
    sets = scaled_sets(int(base.dose("deadlift")["sets"]), base.volume)
    dl = table[(table["exercise"] == "deadlift") & table["load_kg"].notna()
               & (table["reps"].fillna(0) >= 1)]
    in_deload = dl["date"].map(phase).eq("deload")
    ws = working_sets(dl, lo)
    until = dl["date"].max() if len(dl) else start
    best = best_recent_e1rm(dl, lo, until, ws)
    ref, most = _ceiling_reference(best, base, notes)
    limits = LoadLimits(base.plate_set, ref, most)
    model = (LinearLoad(limits, base.load_step) if base.deadlift_progression == "linear"
             else DoubleProgression(lo, hi, limits, base.reps_step, base.load_step))
    heaviest = _heaviest_recent_working_load(ws, start, base)
    build = _working_sets_to_build_on(ws, in_deload, until, best)
    current, nxt = _continue_from(build, dl, in_deload, best, model, base, sets, t, notes,
                                  first_week_new)
    nxt = _layoff_cut(dl, ws, start, current, nxt, base, sets, notes)
    nxt, hold = _stop_and_pain_rules(table, rules, pain_action, current, nxt, base, sets,
                                     notes, anchor=anchor, first_week=first_week)
    load, reps = _within_cap_and_ceiling(nxt, limits, heaviest, base, notes)
    return {"deadlift_start_load": load, "deadlift_start_reps": reps,
            "one_rm": ref, "deadlift_hold": hold, "deadlift_recent_max": heaviest}


def _ceiling_reference(best: tuple[float, pd.Series] | None, base: PlanConfig,
                       notes: list[str]) -> tuple[float | None, float]:
    """The ceiling's reference: the configured 1RM or the best recent e1RM, the larger (the
    e1RM to 0.1), at most the most any log may hold; None below the bar. With that most
    [unit]."""
    unit = u = base.unit
    ref = base.one_rm
    if best is not None:
        e1 = float(from_kg(best[0], unit))
        row = best[1]
        if ref is None or e1 > ref:
            e1 = round(e1, 1)
            ref = e1
            notes.append(f"Ceiling: from your best recent e1RM, {e1:.1f} {u} (Epley, "
                         f"{float(from_kg(row['load_kg'], unit)):g} {u} x {int(row['reps'])} on "
                         f"{row['date']:%Y-%m-%d}); no set goes above the NSCA %1RM for its "
                         "reps of it.")
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
                              best: tuple[float, pd.Series] | None) -> pd.DataFrame:
    """The working sets outside deload weeks of the 4 weeks up to the last deadlift
    (``until``); older ones only when no recent heavy set gives an e1RM (and then a layoff
    restarts lower)."""
    build = ws[~in_deload.reindex(ws.index).fillna(False)]
    fresh = build[build["date"] > until - pd.Timedelta(days=CAP_WINDOW_DAYS)]
    return fresh if len(fresh) or best is not None else build


def _continue_from(build: pd.DataFrame, dl: pd.DataFrame, in_deload: pd.Series,
                   best: tuple[float, pd.Series] | None, model, base: PlanConfig, sets: int,
                   t: pd.DataFrame | None, notes: list[str], first_week_new: int
                   ) -> tuple[Prescription | None, Prescription]:
    """What a hold keeps (None when nothing was done) and the next prescription: the
    progression step from the working sets; without them, a start from the best recent
    e1RM; with neither, the plan's first deadlift or the configured start."""
    if len(build):
        return _progression_step(build, dl, in_deload, model, base, sets, t, notes,
                                 first_week_new)
    if best is not None:
        start = _start_from_e1rm(best, base, sets, notes)
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
    notes.append(f"Deadlift: continues from {day:%Y-%m-%d}, {len(session)} working set(s) "
                 f"at {load:g} {u} ({', '.join(str(int(r)) for r in session['reps'])} reps)"
                 + (f"; {others} other set(s) that day (warm-ups, heavy or back-off sets) "
                    "not used" if others else "") + ".")
    last_dl = dl["date"].max()
    if in_deload.loc[dl["date"] == last_dl].any() or base.is_deload(first_week_new):
        nxt = return_after_deload(nxt, current)
    return current, nxt


def _start_from_e1rm(best: tuple[float, pd.Series], base: PlanConfig, sets: int,
                     notes: list[str]) -> Prescription:
    """No recent working sets: the NSCA %1RM for the bottom of the rep range of the best
    recent e1RM, less the ``E1RM_START_MARGIN`` (the project's own choice)."""
    ps, u = base.plate_set, base.unit
    lo, hi = base.rep_range
    e1 = float(from_kg(best[0], u))
    load = max(ps.bar, ps.round_down(percent_1rm(lo) * e1 * E1RM_START_MARGIN))
    notes.append(f"Deadlift: no recent working sets of {lo}-{hi} reps in the log; the start, "
                 f"{load:g} {u} x {lo}, is {percent_1rm(lo):.0%} of your best recent e1RM "
                 f"({e1:.1f} {u}) less a {1 - E1RM_START_MARGIN:.0%} margin (the "
                 "project's own choice).")
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


def _layoff_cut(dl: pd.DataFrame, ws: pd.DataFrame, start: pd.Timestamp,
                current: Prescription | None, nxt: Prescription, base: PlanConfig, sets: int,
                notes: list[str]) -> Prescription:
    """A layoff restarts lower: ``LAYOFF_DAYS`` (14) days without deadlifts, or 4 weeks
    without working sets, before the block: ``LAYOFF_CUT`` off the load a hold keeps, at
    the bottom of the rep range."""
    lo = base.rep_range[0]
    last_dl = dl["date"].max() if len(dl) else None
    last_ws = ws["date"].max() if len(ws) else None
    if current is None or last_dl is None or not (
            (start - last_dl).days >= LAYOFF_DAYS
            or (last_ws is not None and (start - last_ws).days >= CAP_WINDOW_DAYS)):
        return nxt
    since = last_dl if (start - last_dl).days >= LAYOFF_DAYS else last_ws
    what = "deadlift" if since is last_dl else "working deadlift set"
    nxt = Prescription(sets=sets, reps=lo, load=cut(current.load, base.plate_set, LAYOFF_CUT))
    notes.append(f"Layoff: no {what} for {(start - since).days} days (since "
                 f"{since:%Y-%m-%d}); the block restarts {1 - LAYOFF_CUT:.0%} lower, at "
                 f"{nxt.load:g} {base.unit} x {lo}.")
    return nxt


def _stop_and_pain_rules(table: pd.DataFrame, rules: PainRules | None, pain_action: str,
                         current: Prescription | None, nxt: Prescription, base: PlanConfig,
                         sets: int, notes: list[str], *, anchor, first_week: int
                         ) -> tuple[Prescription, str | None]:
    """Stop rules, then pain rules, then progression: the last programme week's status
    (``pain_status``) decides. A stop holds the load (``"reduce"``: cuts it) with the
    message to see a clinician; a week outside the rules holds or cuts (``_pain_hold``);
    no pain scores: progression by the load rules alone, said so. Returns the next
    prescription and the hold's message (None: not held)."""
    _, pw = pain_status(table, rules, start=anchor, first_week=first_week)
    scored = pw[pw["status"] != "no pain data"] if len(pw) else pw
    if not len(scored):
        notes.append("Pain: not checked against pain: the log holds no pain scores, so the "
                     "deadlift progresses by the load rules alone.")
        return nxt, None
    last = pw.iloc[-1]
    held = current or nxt
    if last["status"] == "stop":
        hold = f"week {int(last['week'])}: {last['reasons']}. {CLINICIAN}"
        return (Prescription(sets=sets, reps=base.rep_range[0],
                             load=cut(held.load, base.plate_set, PAIN_CUT))
                if pain_action == "reduce" else held), hold
    if last["status"] == "outside rules":
        return _pain_hold(pw, held, pain_action, base, sets)
    if last["status"] == "no pain data":
        notes.append(f"Pain: no pain scores in the last programme week (week "
                     f"{int(last['week'])}): not checked against pain.")
    else:
        notes.append(f"Pain: week {int(last['week'])} was within the pain rules.")
    return nxt, None


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
    return nxt, hold + "; run next-block again once a week is back within the pain rules."


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
    st = table[(table["exercise"] == "rotational_stretch") & table["hold_s"].notna()]
    if len(st):
        last_wk = st["date"] >= st["date"].max() - pd.Timedelta(days=6)
        dose = base.dose("rotational_stretch")
        floor = float(catalogue()["rotational_stretch"].defaults["hold_min_s"])
        held = float(st.loc[last_wk, "hold_s"].min())
        start_hold = min(dose["hold_max_s"], max(floor, round(held)))
        overrides.setdefault("rotational_stretch", {})["hold_min_s"] = start_hold
    br = table[(table["exercise"] == "glute_bridge") & table["set_type"].isin(WORK_SETS)]
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
