"""Analysis of a workout log, on its own or against the plan it followed.

``analyse(log, plan=None)`` answers the user's questions in tables:

- compliance: was each planned set done, partly done, missed, or done over
  the plan; per session; per week and exercise (needs the plan);
- progression: the deadlift's best e1RM per session, its trend and PRs; hold
  times of the stretch; bridge repetitions;
- load: daily and weekly volume load, time under tension and session-RPE
  load; ACWR (rolling coupled and uncoupled, EWMA), monotony and strain,
  CTL/ATL/TSB — each computed by :mod:`planner.metrics` with its convention;
- pain: daily pain during, after and next morning, and each week's status
  under the pain-monitoring rules (Thomeé 1997; Silbernagel et al. 2007).

Everything is vectorised pandas so that a log of a million sets is analysed
in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner import metrics
from planner.programme import Plan

BANDS = ("done", "partial", "missed", "over", "planned", "unplanned")
WORK_SETS = ("working", "failure")


@dataclass(frozen=True)
class PainRules:
    """The pain-monitoring model as limits on a 0-10 scale.

    during_max, after_max : pain during and just after exercise may reach 5
        (Thomeé 1997; Silbernagel et al. 2007).
    morning_over_baseline : next-morning pain counts as settled when it is no
        more than this many points above the baseline (the median next-morning
        pain of the first logged week, or ``baseline`` when given). The sources
        say "settled by the next morning" without a number: this tolerance is
        the project's own choice.
    weekly_rise : pain or stiffness rising from one week to the next breaks the
        rules; a rise of this many points or more in a weekly mean counts
        (project's choice).
    """

    during_max: float = 5.0
    after_max: float = 5.0
    morning_over_baseline: float = 1.0
    weekly_rise: float = 1.0
    baseline: float | None = None


@dataclass
class Analysis:
    """The answers, as tables. ``None`` where the log or plan holds nothing to answer with."""

    sets: pd.DataFrame | None
    sessions: pd.DataFrame | None
    weeks: pd.DataFrame | None
    deadlift: pd.DataFrame
    holds: pd.DataFrame
    bridge: pd.DataFrame
    daily_load: pd.DataFrame
    weekly_load: pd.DataFrame
    acwr: pd.DataFrame
    fitness: pd.DataFrame
    pain_daily: pd.DataFrame
    pain_weeks: pd.DataFrame
    load_basis: str
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every non-empty table by name (for CSV export)."""
        names = ("sets", "sessions", "weeks", "deadlift", "holds", "bridge", "daily_load",
                 "weekly_load", "acwr", "fitness", "pain_daily", "pain_weeks")
        out = {}
        for n in names:
            t = getattr(self, n)
            if t is not None and len(t):
                out[n] = t
        return out


# --- compliance ----------------------------------------------------------------------------

def _match_keys(log: pd.DataFrame) -> pd.Series:
    """Plan key for each working log row: the template's key, or date + exercise + set + side."""
    work = log[log["set_type"].isin(WORK_SETS)]
    n = work.groupby([work["date"], work["exercise"], work["side"]], sort=False,
                     dropna=False).cumcount() + 1
    derived = (work["date"].dt.strftime("%Y-%m-%d") + "|" + work["exercise"].astype(str)
               + "|" + n.astype(str) + "|" + work["side"].fillna("both"))
    if "key" in work.columns:
        has = work["key"].notna()
        derived = derived.where(~has, work["key"])
    return derived


def _plan_keys(plan: pd.DataFrame, by_key: bool) -> pd.Series:
    if by_key:
        return plan["key"]
    return (plan["date"].dt.strftime("%Y-%m-%d") + "|" + plan["exercise"] + "|"
            + plan["set"].astype(str) + "|" + plan["side"])


def _both_sides(log: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """A hold logged without a side (side "both": the apps have no sides) of an exercise
    the plan sets per side counts for both sides: its row stands for a left and a right
    set, so the n-th such hold of a day matches the plan's n-th set on each side
    (``_both`` marks the copies). Other rows are as logged."""
    sided = plan.loc[plan["side"].isin(["left", "right"]), "exercise"].unique()
    both = log["side"].eq("both").fillna(False) & log["exercise"].isin(sided)
    if not both.any():
        return log
    copies = log[both]
    return pd.concat([log[~both].assign(_both=False), copies.assign(side="left", _both=True),
                      copies.assign(side="right", _both=True)]).sort_index(kind="stable")


def compliance_sets(log: pd.DataFrame, plan: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Every planned set with what was done and its band, plus unplanned logged sets.

    Bands: done (as planned), partial (fewer reps, a shorter hold or a lighter
    load than planned), missed (not logged), over (more reps, a longer hold or
    a heavier load than planned), unplanned (logged with no planned set), and
    planned (not done and dated after ``as_of``, the last logged day by default:
    the future is not missed yet). A hold logged without a side (the apps have no
    sides) counts for both sides of the plan's set (``_both_sides``).
    """
    if as_of is None:
        as_of = log["date"].max() if len(log) else pd.Timestamp.min
    by_key = "key" in log.columns and log["key"].notna().any()
    if not by_key:
        log = _both_sides(log, plan)
    work = log[log["set_type"].isin(WORK_SETS)].assign(match=_match_keys(log))
    work = work.drop_duplicates("match")
    p = plan.assign(match=_plan_keys(plan, by_key))
    keep = ["match", "reps", "hold_s", "load_kg", "source_line"]
    m = p.merge(work[keep].rename(columns={"reps": "done_reps", "hold_s": "done_hold_s",
                                           "load_kg": "done_load_kg"}),
                on="match", how="left", indicator=True)
    done_any = m["_merge"] == "both"
    tr, dr = m["target_reps"].astype("Float64"), m["done_reps"].astype("Float64")
    th, dh = m["target_hold_s"].astype("Float64"), m["done_hold_s"].astype("Float64")
    tl, dl = m["load_kg"].astype("Float64"), m["done_load_kg"].astype("Float64")
    tol = 0.01
    # A planned load with no load logged means the planned load was used (template habit).
    dl = dl.fillna(tl)
    less = ((dr < tr) | (dh < th - tol) | (dl < tl - tol)).fillna(False)
    more = ((dr > tr) | (dh > th + tol) | (dl > tl + tol)).fillna(False)
    nothing = (dr.fillna(0) <= 0) & (dh.fillna(0) <= 0)
    future = (m["date"] > pd.Timestamp(as_of)).to_numpy()
    band = np.select([(~done_any | nothing) & future, ~done_any | nothing, less, more],
                     ["planned", "missed", "partial", "over"], "done")
    m["band"] = pd.array(band, dtype="str")
    m = m.drop(columns=["_merge"])
    extra = work[~work["match"].isin(p["match"])]
    if "_both" in extra.columns:  # a hold logged without a side: reported once
        extra = extra[~extra["_both"] | (extra["side"] == "left")]
        extra = extra.assign(side=extra["side"].where(~extra["_both"], "both"))
    if len(extra):
        extra = pd.DataFrame({
            "date": extra["date"], "exercise": extra["exercise"], "set": extra["set"],
            "side": extra["side"], "done_reps": extra["reps"], "done_hold_s": extra["hold_s"],
            "done_load_kg": extra["load_kg"], "source_line": extra["source_line"],
            "band": "unplanned"})
        m = pd.concat([m, extra], ignore_index=True)
    return m.drop(columns=["match"])


def compliance_sessions(sets: pd.DataFrame) -> pd.DataFrame:
    """Per planned session and exercise: sets planned, done, partial, missed, over, and a band."""
    planned = sets[sets["band"] != "unplanned"]
    counts = pd.crosstab([planned["week"], planned["session_id"], planned["date"],
                          planned["exercise"]], planned["band"])
    for b in BANDS[:5]:
        if b not in counts:
            counts[b] = 0
    counts = counts[list(BANDS[:5])].rename(columns={"planned": "to_come"})
    counts["planned"] = counts.sum(axis=1)
    due = counts["planned"] - counts["to_come"]
    counts["completion"] = ((counts["done"] + counts["over"]) / due.where(due > 0)).astype(float)
    counts["band"] = np.select(
        [due == 0, counts["missed"] == due, counts["partial"] + counts["missed"] > 0,
         counts["over"] > 0], ["planned", "missed", "partial", "over"], "done")
    return counts.reset_index().rename_axis(columns=None)


def compliance_weeks(sets: pd.DataFrame) -> pd.DataFrame:
    """Per week and exercise: planned vs done sets, repetitions, volume load and hold time."""
    planned = sets[sets["band"] != "unplanned"].copy()
    completed = planned["band"].isin(["done", "over", "partial"])
    reps_done = planned["done_reps"].astype("Float64").where(completed, 0)
    load_done = planned["done_load_kg"].astype("Float64").fillna(planned["load_kg"])
    planned = planned.assign(
        sets_done=planned["band"].isin(["done", "over"]).astype(int),
        reps_planned=planned["target_reps"].astype("Float64"),
        reps_done=reps_done,
        volume_planned_kg=planned["target_reps"].astype("Float64") * planned["load_kg"],
        volume_done_kg=reps_done * load_done,
        hold_planned_s=planned["target_hold_s"].astype("Float64"),
        hold_done_s=planned["done_hold_s"].astype("Float64").where(completed, 0),
    )
    planned["due"] = (planned["band"] != "planned").astype(int)
    planned["sets_partial"] = (planned["band"] == "partial").astype(int)
    g = planned.groupby(["week", "exercise"])
    out = g.agg(sets_planned=("band", "size"), sets_due=("due", "sum"),
                sets_done=("sets_done", "sum"), sets_partial=("sets_partial", "sum"),
                reps_planned=("reps_planned", "sum"), reps_done=("reps_done", "sum"),
                volume_planned_kg=("volume_planned_kg", "sum"),
                volume_done_kg=("volume_done_kg", "sum"),
                hold_planned_s=("hold_planned_s", "sum"), hold_done_s=("hold_done_s", "sum"))
    out["completion"] = (out["sets_done"] / out["sets_due"].where(out["sets_due"] > 0)
                         ).astype(float)
    out["band"] = np.select(
        [out["sets_due"] == 0, out["completion"] >= 1,
         out["sets_done"] + out["sets_partial"] > 0],
        ["planned", "done", "partial"], "missed")
    st = planned[planned["exercise"] == "rotational_stretch"]
    if len(st):
        day_done = st.assign(ok=st["band"].isin(["done", "over"])).groupby(
            ["week", "date", "side"])["ok"].any().groupby(["week", "date"]).all()
        per_week = day_done.groupby("week").agg(["sum", "size"])
        idx = [(w, "rotational_stretch") for w in per_week.index]
        out.loc[idx, "stretch_days_done"] = per_week["sum"].to_numpy()
        out.loc[idx, "stretch_days_planned"] = per_week["size"].to_numpy()
    return out.reset_index()


# --- progression ---------------------------------------------------------------------------

def deadlift_progress(log: pd.DataFrame, formula: str = "epley") -> pd.DataFrame:
    """Per deadlift session: top load, reps, volume load, best e1RM and PRs.

    The best e1RM of a session is the highest estimate over its working sets
    (``formula``, Epley by default); ``e1rm_reliable`` is False when that set
    had more than 12 repetitions (estimates from high reps are unreliable:
    Reynolds et al. 2006). ``e1rm_pr`` and ``load_pr`` mark new bests.
    """
    d = log.loc[(log["exercise"] == "deadlift") & log["set_type"].isin(WORK_SETS)
                & log["load_kg"].notna() & (log["reps"].fillna(0) >= 1),
                ["date", "load_kg", "reps"]]
    if d.empty:
        return pd.DataFrame(columns=["date", "top_load_kg", "reps", "volume_load_kg",
                                     "best_e1rm_kg", "best_set_reps", "e1rm_reliable",
                                     "e1rm_pr", "load_pr"])
    load = d["load_kg"].astype(float)
    reps = d["reps"].astype(float)
    d = d.assign(e1rm=metrics.e1rm(load.to_numpy(), np.minimum(reps.to_numpy(), 36), formula),
                 vl=load * reps)
    best_idx = d.groupby("date")["e1rm"].idxmax()
    s = d.groupby("date").agg(top_load_kg=("load_kg", "max"), reps=("reps", "sum"),
                              volume_load_kg=("vl", "sum"), best_e1rm_kg=("e1rm", "max"))
    s["best_set_reps"] = d.loc[best_idx.to_numpy(), "reps"].to_numpy()
    s["e1rm_reliable"] = s["best_set_reps"] <= metrics.E1RM_RELIABLE_MAX_REPS
    s["e1rm_pr"] = s["best_e1rm_kg"] > s["best_e1rm_kg"].cummax().shift(1).fillna(0)
    s["load_pr"] = s["top_load_kg"].astype(float) > s["top_load_kg"].astype(float).cummax().shift(
        1).fillna(0)
    return s.reset_index()


def e1rm_trend(sessions: pd.DataFrame) -> float:
    """Least-squares slope of the best e1RM per session against time. [kg/week]"""
    if len(sessions) < 2:
        return float("nan")
    days = (sessions["date"] - sessions["date"].min()).dt.days.to_numpy(dtype=float)
    if np.ptp(days) == 0:
        return float("nan")
    slope = np.polyfit(days, sessions["best_e1rm_kg"].to_numpy(dtype=float), 1)[0]
    return float(slope * 7)


def hold_progress(log: pd.DataFrame) -> pd.DataFrame:
    """Per day: holds of the stretch done per side and the mean and shortest hold. [s]"""
    h = log.loc[(log["exercise"] == "rotational_stretch") & log["hold_s"].notna(),
                ["date", "side", "hold_s"]]
    if h.empty:
        return pd.DataFrame(columns=["date", "side", "holds", "mean_hold_s", "min_hold_s"])
    return (h.groupby(["date", "side"])["hold_s"]
            .agg(holds="size", mean_hold_s="mean", min_hold_s="min").reset_index())


def bridge_progress(log: pd.DataFrame) -> pd.DataFrame:
    """Per week (Monday-based): bridge sets and repetitions done."""
    b = log.loc[(log["exercise"] == "glute_bridge") & log["set_type"].isin(WORK_SETS),
                ["date", "reps"]]
    if b.empty:
        return pd.DataFrame(columns=["week_start", "sets", "reps"])
    wk = b["date"] - pd.to_timedelta(b["date"].dt.day_of_week, unit="D")
    return (b.groupby(wk.rename("week_start"))["reps"].agg(sets="size", reps="sum")
            .reset_index())


# --- load ----------------------------------------------------------------------------------

def daily_load(log: pd.DataFrame) -> pd.DataFrame:
    """Per calendar day (rest days 0): volume load [kg], deadlift volume load [kg], time
    under tension [s] and session-RPE load [AU] (session RPE x minutes, once per session).

    A session logged without its RPE or its duration has a missing session-RPE
    load (NaN), not 0: a day holding one is missing too; days without any
    session are rest days (0).
    """
    work = log.loc[log["set_type"].isin(WORK_SETS), ["date", "exercise", "reps", "load_kg",
                                                     "hold_s"]]
    vl = (work["reps"].astype("Float64") * work["load_kg"]).fillna(0).astype(float)
    is_dl = (work["exercise"] == "deadlift").to_numpy(dtype=bool)
    tut = work["hold_s"].astype("Float64").fillna(0).astype(float)
    per_day = pd.DataFrame({"date": work["date"], "volume_load_kg": vl,
                            "deadlift_volume_load_kg": vl.where(is_dl, 0.0), "tut_s": tut})
    out = per_day.groupby("date").sum()
    has_rpe = "session_rpe" in log.columns and log["session_rpe"].notna().any()
    if has_rpe:
        sess = log.groupby("session_id", sort=False).agg(
            date=("date", "first"), rpe=("session_rpe", "first"), mins=("session_min", "first"))
        srpe = sess["rpe"].astype(float) * sess["mins"].astype(float)
        srpe = srpe.groupby(sess["date"].to_numpy()).sum(min_count=1)
        out = out.join(srpe.rename("srpe_load"), how="outer")
    else:
        out["srpe_load"] = np.nan
    if out.empty:
        return out.reset_index()
    days = pd.date_range(out.index.min(), out.index.max(), freq="D")
    logged = out.index
    out = out.reindex(days)
    cols = ["volume_load_kg", "deadlift_volume_load_kg", "tut_s"]
    out[cols] = out[cols].fillna(0)
    if has_rpe:
        rest = ~out.index.isin(logged) & ~out.index.isin(log["date"])
        out.loc[rest, "srpe_load"] = 0.0
    return out.rename_axis("date").reset_index()


LOAD_BASES = {"srpe_load": "session-RPE load (AU)",
              "deadlift_volume_load_kg": "deadlift volume load (kg)",
              "volume_load_kg": "volume load of all logged lifts (kg)"}


def load_basis(daily: pd.DataFrame) -> str:
    """The daily load the load metrics run on: session-RPE load where the log has it; else
    (app exports carry no session RPE) the deadlift's volume load; else all lifts'."""
    if "srpe_load" in daily and daily["srpe_load"].notna().any():
        return "srpe_load"
    if "deadlift_volume_load_kg" in daily and daily["deadlift_volume_load_kg"].gt(0).any():
        return "deadlift_volume_load_kg"
    return "volume_load_kg"


def weekly_load(daily: pd.DataFrame, basis: str, start, first_week: int = 1) -> pd.DataFrame:
    """Per programme week (7 days from ``start``): the loads summed, and the monotony and
    strain of that week's 7 daily values of ``basis`` (:func:`planner.metrics.week_monotony`):
    NaN for a week with a missing day or fewer than 7 days logged so far."""
    week = programme_weeks(daily["date"], start, first_week)
    values = daily[basis].astype(float)
    g = values.groupby(week.to_numpy())
    num = daily.drop(columns="date").select_dtypes("number")
    out = num.groupby(week.to_numpy()).sum(min_count=1)
    # metrics.week_monotony and week_strain, for every week at once: NaN unless the week
    # has 7 days and none missing; SD 0 gives NaN.
    size, known = g.size(), g.count()
    mean, sd = g.mean(), g.std(ddof=0)
    full = (size == 7) & (known == 7) & (sd > 1e-12)
    out["days"] = size
    out["monotony"] = (mean / sd).where(full)
    out["strain"] = (g.sum() * out["monotony"]).where(full)
    out = out.rename_axis("week").reset_index()
    out.insert(1, "week_start", pd.Timestamp(start).normalize()
               + pd.to_timedelta((out["week"] - first_week) * 7, unit="D"))
    out.insert(2, "week_end", out["week_start"] + pd.Timedelta(days=6))
    return out


# --- pain ----------------------------------------------------------------------------------

PAIN = ("pain_during", "pain_after", "pain_next_morning")
#: Stop rules (SCIENCE.md, "Safety of the adaptive loop"): pain of this much or more.
STOP_PAIN = 7.0
#: Stop rules: next-morning pain not settled on this many logged sessions running.
STOP_UNSETTLED_SESSIONS = 2
#: Words in a note that tell of pain, numbness or weakness spreading into a leg.
_LEG = r"(?:legs?|foot|feet|calf|calves|thighs?|buttocks?)\b"
LEG_SYMPTOMS = (r"sciatic|(?:numb|tingl|pins and needles|weak|shooting|radiat)\w*\W+"
                r"(?:\w+\W+){0,4}?" + _LEG
                + r"|(?:down|into) (?:my|the|both|one|a) (?:left |right )?" + _LEG
                + r"|\b(?:legs?|calf|calves|thighs?|foot|feet)\W+(?:\w+\W+){0,3}?"
                r"(?:pain|numb|tingl|weak|pins and needles|shooting|gave way)")
CLINICIAN = "Stop progressing and see a clinician before you train on."


def programme_weeks(dates: pd.Series, start, first_week: int = 1) -> pd.Series:
    """Programme week number of each date: weeks of 7 days from ``start`` (week
    ``first_week``), as the plan counts them; dates before ``start`` get week 0 or less."""
    anchor = pd.Timestamp(start).normalize()
    return ((dates - anchor).dt.days // 7 + first_week).astype("int64")


def pain_status(log: pd.DataFrame, rules: PainRules | None = None, *, start=None,
                first_week: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily worst pain and each programme week's status under ``rules``.

    Weeks run 7 days from ``start`` (the plan's first day; the Monday of the first logged
    day when None), so a partial last week counts. A week's status:

    - "stop": a stop rule (SCIENCE.md): pain of ``STOP_PAIN`` (7/10) or more;
      next-morning pain not settled on two logged sessions running; or a note
      telling of pain, numbness or weakness spreading into a leg;
    - "outside rules": pain during or after above its limit (Thomeé 1997;
      Silbernagel et al. 2007), next-morning pain not settled, or the week's
      mean pain during, after or next morning at least ``rules.weekly_rise``
      above the lowest of the four weeks before (catches slow creep; the
      threshold and the 4-week window are the project's own);
    - "within rules";
    - "no pain data": the week has no pain score at all: never read as "within".
    """
    rules = rules or PainRules()
    cols = [c for c in PAIN if c in log.columns]
    p = log.loc[log[cols].notna().any(axis=1), ["date", *cols]] if cols else log.iloc[0:0]
    empty_weeks = pd.DataFrame(columns=["week", "week_start", "status", "reasons", "stop"])
    notes = _leg_notes(log)
    if p.empty and notes.empty:
        return pd.DataFrame(columns=["date", *PAIN]), empty_weeks
    if start is None:
        first = pd.Timestamp(log["date"].min()).normalize()
        start = first - pd.Timedelta(days=first.day_of_week)
    anchor = pd.Timestamp(start).normalize()
    daily = p.reindex(columns=["date", *PAIN]).groupby("date")[list(PAIN)].max().reset_index()
    for c in PAIN:
        daily[c] = daily[c].astype("Float64")
    daily["week"] = programme_weeks(daily["date"], anchor, first_week)
    w = daily.groupby("week").agg(
        max_during=("pain_during", "max"), max_after=("pain_after", "max"),
        max_morning=("pain_next_morning", "max"), mean_during=("pain_during", "mean"),
        mean_after=("pain_after", "mean"), mean_morning=("pain_next_morning", "mean"))
    if len(notes):
        w = w.reindex(w.index.union(programme_weeks(notes["date"], anchor, first_week)))
    w = w.astype("Float64")
    baseline = rules.baseline
    if baseline is None:
        first = daily[daily["week"] == daily["week"].min()]["pain_next_morning"]
        baseline = float(first.median()) if first.notna().any() else 0.0
    low4 = w.shift(1).rolling(4, min_periods=1).min()

    def why(mask: pd.Series, text: pd.Series | str) -> pd.Series:
        return pd.Series(np.where(mask.fillna(False).to_numpy(bool), text, ""), index=w.index)

    def g(col: pd.Series) -> pd.Series:
        return col.map(lambda v: f"{v:g}", na_action="ignore").astype(object)

    def one(col: pd.Series) -> pd.Series:
        return col.map(lambda v: f"{v:.1f}", na_action="ignore").astype(object)

    worst = w[["max_during", "max_after", "max_morning"]].max(axis=1)
    unsettled = _unsettled_runs(daily, baseline + rules.morning_over_baseline)
    leg = notes.groupby(programme_weeks(notes["date"], anchor, first_week))["note"].first() \
        if len(notes) else pd.Series(dtype=object)
    stops = [
        why(worst >= STOP_PAIN, "stop: pain reached " + g(worst) + f"/10 ({STOP_PAIN:g} or "
            "more)"),
        why(pd.Series(w.index.isin(unsettled), index=w.index),
            f"stop: next-morning pain had not settled {STOP_UNSETTLED_SESSIONS} sessions "
            "running"),
        why(pd.Series(w.index.isin(leg.index), index=w.index),
            "stop: symptoms spreading into a leg (note: '" + leg.reindex(w.index).fillna("")
            .astype(str).str.slice(0, 60) + "')"),
    ]
    parts = [
        why(w["max_during"] > rules.during_max, "pain during reached " + g(w["max_during"])
            + f" (limit {rules.during_max:g})"),
        why(w["max_after"] > rules.after_max, "pain after reached " + g(w["max_after"])
            + f" (limit {rules.after_max:g})"),
        why(w["max_morning"] > baseline + rules.morning_over_baseline,
            "next-morning pain " + g(w["max_morning"]) + f" had not settled (baseline "
            f"{baseline:g})"),
    ]
    for col, label in (("mean_during", "pain during"), ("mean_after", "pain after"),
                       ("mean_morning", "morning pain")):
        parts.append(why(w[col] - low4[col] >= rules.weekly_rise,
                         f"{label} rose to " + one(w[col]) + " from " + one(low4[col])
                         + " (the lowest of the 4 weeks before)"))
    w["stop"] = [any(x) for x in zip(*stops, strict=True)]
    w["reasons"] = ["; ".join(x for x in row if x) for row in zip(*stops, *parts, strict=True)]
    status = np.where(w["stop"], "stop", np.where(w["reasons"] == "", "within rules",
                                                   "outside rules"))
    no_data = w[["max_during", "max_after", "max_morning"]].isna().all(axis=1) & ~w["stop"]
    w["status"] = pd.array(np.where(no_data, "no pain data", status), dtype="str")
    w["baseline_morning"] = baseline
    w = w.rename_axis("week").reset_index()
    w.insert(1, "week_start", anchor + pd.to_timedelta((w["week"] - first_week) * 7, unit="D"))
    return daily.drop(columns="week"), w


def _unsettled_runs(daily: pd.DataFrame, limit: float) -> list[int]:
    """Weeks in which next-morning pain above ``limit`` ended a run of
    ``STOP_UNSETTLED_SESSIONS`` logged sessions."""
    m = daily.dropna(subset=["pain_next_morning"])
    if m.empty:
        return []
    over = (m["pain_next_morning"] > limit).astype(int).to_numpy()
    run = pd.Series(over).groupby((over == 0).cumsum()).cumsum().to_numpy()
    return sorted(set(m["week"].to_numpy()[run >= STOP_UNSETTLED_SESSIONS].tolist()))


def _leg_notes(log: pd.DataFrame) -> pd.DataFrame:
    """Rows whose note (or ``leg_symptoms`` column) tells of symptoms spreading into a leg."""
    if "note" not in log.columns and "leg_symptoms" not in log.columns:
        return pd.DataFrame(columns=["date", "note"])
    note = log["note"] if "note" in log.columns else pd.Series(None, index=log.index)
    written = note.notna()
    hit = pd.Series(False, index=log.index)
    if written.any():
        # each distinct note searched once (logs repeat their notes)
        codes, uniques = pd.factorize(note[written].astype("str"))
        found = pd.Series(uniques, dtype="str").str.contains(
            LEG_SYMPTOMS, case=False, regex=True, na=False).to_numpy(bool)
        hit[written] = found[codes]
    note = note.astype("str").fillna("")
    if "leg_symptoms" in log.columns:
        flag = log["leg_symptoms"].astype("str").str.strip().str.lower().isin(
            ("1", "yes", "y", "true"))
        hit = hit | flag
        note = note.where(note != "", "leg symptoms")
    return pd.DataFrame({"date": log.loc[hit, "date"], "note": note[hit]})


# --- the whole analysis ---------------------------------------------------------------------

def analyse(log, plan: Plan | None = None, *, rules: PainRules | None = None,
            formula: str = "epley", as_of=None) -> Analysis:
    """Analyse ``log`` (a Log or its table), against ``plan`` when given.

    Compliance is to date (``as_of``, the last logged day by default): later
    planned sets are "planned", not missed. Weeks are the plan's programme weeks
    (with no plan, calendar weeks from Monday). A plan that the log
    does not overlap is not compared with it: ``summary["notes"]`` says so.
    """
    table = log.table if hasattr(log, "table") else log
    # Many filters by exercise and set type follow: compare small codes, not strings.
    table = table.assign(exercise=table["exercise"].astype("category"),
                         set_type=table["set_type"].astype("category"))
    notes: list[str] = []
    sets = sessions = weeks = None
    # With no plan, weeks are calendar weeks: Monday to Sunday.
    first = table["date"].min() if len(table) else pd.Timestamp("1970-01-05")
    start, first_week = first.normalize() - pd.Timedelta(days=first.day_of_week), 1
    if plan is not None and len(plan.table):
        p0, p1 = plan.table["date"].min(), plan.table["date"].max()
        inside = table["date"].between(p0, p1 + pd.Timedelta(days=6))
        if len(table) and not inside.any():
            notes.append(f"The log ({table['date'].min():%Y-%m-%d} to "
                         f"{table['date'].max():%Y-%m-%d}) and the plan ({p0:%Y-%m-%d} to "
                         f"{p1:%Y-%m-%d}) do not overlap: the log is analysed on its own.")
        else:
            start, first_week = p0, int(plan.table["week"].min())
            sets = compliance_sets(table, plan.table, as_of)
            sessions = compliance_sessions(sets)
            weeks = compliance_weeks(sets)
    dl = deadlift_progress(table, formula)
    daily = daily_load(table)
    basis = load_basis(daily) if len(daily) else "volume_load_kg"
    if len(daily):
        series = daily.set_index("date")[basis].astype(float)
        acwr = pd.concat({
            "rolling_coupled": metrics.acwr(series, method="rolling", coupled=True)["acwr"],
            "rolling_uncoupled": metrics.acwr(series, method="rolling", coupled=False)["acwr"],
            "ewma": metrics.acwr(series, method="ewma")["acwr"],
        }, axis=1)
        acwr["zone"] = metrics.acwr_zones(acwr["rolling_coupled"])
        fitness = metrics.fitness_fatigue(series.fillna(0), model="exp")
        weekly = weekly_load(daily, basis, start, first_week)
        acwr, fitness = acwr.rename_axis("date").reset_index(), \
            fitness.rename_axis("date").reset_index()
    else:
        acwr = fitness = weekly = pd.DataFrame()
    pain_daily, pain_weeks = pain_status(table, rules, start=start, first_week=first_week)
    has_pain = bool(len(pain_weeks)) and (pain_weeks["status"] != "no pain data").any()
    outside = int((pain_weeks["status"].isin(["outside rules", "stop"])).sum()) \
        if has_pain else None
    summary = {
        "sets_logged": int(len(table)),
        "days_logged": int(table["date"].nunique()),
        "first_day": table["date"].min(),
        "last_day": table["date"].max(),
        "load_basis": basis,
        "load_basis_label": LOAD_BASES[basis],
        "deadlift_sessions": int(len(dl)),
        "best_e1rm_kg": float(dl["best_e1rm_kg"].max()) if len(dl) else None,
        "e1rm_trend_kg_per_week": (None if np.isnan(t := e1rm_trend(dl)) else t),
        "pain_data": has_pain,
        "weeks_outside_pain_rules": outside,
        "stop_weeks": int((pain_weeks["status"] == "stop").sum()) if has_pain else None,
        "notes": notes,
    }
    if sets is not None:
        due = sets[~sets["band"].isin(["unplanned", "planned"])]
        summary["planned_sets"] = int((sets["band"] != "unplanned").sum())
        summary["sets_due"] = int(len(due))
        summary["completion"] = float(due["band"].isin(["done", "over"]).mean()) \
            if len(due) else None
        summary["bands"] = sets["band"].value_counts().to_dict()
    return Analysis(sets, sessions, weeks, dl, hold_progress(table), bridge_progress(table),
                    daily, weekly, acwr, fitness, pain_daily, pain_weeks, basis, summary)


def findings(a: Analysis) -> list[str]:
    """The summary in plain words, one line each, for a terminal, a report or a notebook.
    Missing data is said to be missing: "no pain data", never "0 problems"."""
    s = a.summary
    out = list(s.get("notes", []))
    if "completion" in s:
        out.append("planned sets done to date: "
                   + (f"{s['completion']:.0%} of {s['sets_due']}" if s["completion"] is not None
                      else "none due yet"))
    if s["best_e1rm_kg"] is None:
        out.append("deadlift: no barbell deadlift in this log (sets with a load)")
    else:
        trend = s["e1rm_trend_kg_per_week"]
        out.append(f"best deadlift e1RM: {s['best_e1rm_kg']:.1f} kg (Epley)"
                   + (f", trend {trend:+.2f} kg a week" if trend is not None else ""))
    if not s["pain_data"]:
        out.append("pain: no pain data in this log (not checked against the pain rules)")
    else:
        pw = a.pain_weeks
        scored = pw[pw["status"] != "no pain data"]
        out.append(f"pain: {s['weeks_outside_pain_rules']} programme week(s) outside the pain "
                   f"rules, {s['stop_weeks']} with a stop rule")
        for _, row in pw[pw["status"].isin(["outside rules", "stop"])].iterrows():
            out.append(f"  week {int(row['week'])} ({row['week_start']:%Y-%m-%d}): "
                       f"{row['reasons']}")
        last = scored.iloc[-1]
        if last["status"] == "stop":
            out.append(f"week {int(last['week'])}, the last with pain scores, broke a stop rule: "
                       + CLINICIAN)
        else:
            out.append(f"the last week with pain scores, week {int(last['week'])}, was "
                       f"{last['status']}")
    out.append(f"load metrics run on: {s['load_basis_label']}")
    return out
