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

BANDS = ("done", "partial", "missed", "over", "unplanned")
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
    n = work.groupby([work["date"], work["exercise"], work["side"]], sort=False).cumcount() + 1
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


def compliance_sets(log: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """Every planned set with what was done and its band, plus unplanned logged sets.

    Bands: done (as planned), partial (fewer reps, a shorter hold or a lighter
    load than planned), missed (not logged), over (more reps, a longer hold or
    a heavier load than planned), unplanned (logged with no planned set).
    """
    by_key = "key" in log.columns and log["key"].notna().any()
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
    band = np.select([~done_any | nothing, less, more], ["missed", "partial", "over"], "done")
    m["band"] = pd.array(band, dtype="str")
    m = m.drop(columns=["_merge"])
    extra = work[~work["match"].isin(p["match"])]
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
    for b in BANDS[:4]:
        if b not in counts:
            counts[b] = 0
    counts = counts[list(BANDS[:4])]
    counts["planned"] = counts.sum(axis=1)
    counts["completion"] = (counts["done"] + counts["over"]) / counts["planned"]
    counts["band"] = np.select(
        [counts["missed"] == counts["planned"], counts["partial"] + counts["missed"] > 0,
         counts["over"] > 0], ["missed", "partial", "over"], "done")
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
    g = planned.groupby(["week", "exercise"])
    out = g.agg(sets_planned=("band", "size"), sets_done=("sets_done", "sum"),
                reps_planned=("reps_planned", "sum"), reps_done=("reps_done", "sum"),
                volume_planned_kg=("volume_planned_kg", "sum"),
                volume_done_kg=("volume_done_kg", "sum"),
                hold_planned_s=("hold_planned_s", "sum"), hold_done_s=("hold_done_s", "sum"))
    out["completion"] = out["sets_done"] / out["sets_planned"]
    out["band"] = np.select([out["completion"] >= 1, out["completion"] > 0], ["done", "partial"],
                            "missed")
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
    d = log[(log["exercise"] == "deadlift") & log["set_type"].isin(WORK_SETS)
            & log["load_kg"].notna() & (log["reps"].fillna(0) >= 1)]
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
    h = log[(log["exercise"] == "rotational_stretch") & log["hold_s"].notna()]
    if h.empty:
        return pd.DataFrame(columns=["date", "side", "holds", "mean_hold_s", "min_hold_s"])
    return (h.groupby(["date", "side"])["hold_s"]
            .agg(holds="size", mean_hold_s="mean", min_hold_s="min").reset_index())


def bridge_progress(log: pd.DataFrame) -> pd.DataFrame:
    """Per week (Monday-based): bridge sets and repetitions done."""
    b = log[(log["exercise"] == "glute_bridge") & log["set_type"].isin(WORK_SETS)]
    if b.empty:
        return pd.DataFrame(columns=["week_start", "sets", "reps"])
    wk = b["date"] - pd.to_timedelta(b["date"].dt.day_of_week, unit="D")
    return (b.groupby(wk.rename("week_start"))["reps"].agg(sets="size", reps="sum")
            .reset_index())


# --- load ----------------------------------------------------------------------------------

def daily_load(log: pd.DataFrame) -> pd.DataFrame:
    """Per calendar day (rest days 0): volume load [kg], time under tension [s] and
    session-RPE load [AU] (session RPE x minutes, once per session)."""
    work = log[log["set_type"].isin(WORK_SETS)]
    vl = (work["reps"].astype("Float64") * work["load_kg"]).fillna(0).astype(float)
    tut = work["hold_s"].astype("Float64").fillna(0).astype(float)
    per_day = pd.DataFrame({"date": work["date"], "volume_load_kg": vl, "tut_s": tut})
    out = per_day.groupby("date").sum()
    sess = log.dropna(subset=["session_rpe", "session_min"]).drop_duplicates("session_id")
    if len(sess):
        srpe = metrics.session_load(sess["session_rpe"].astype(float).to_numpy(),
                                    sess["session_min"].astype(float).to_numpy())
        out = out.join(pd.Series(srpe, index=sess["date"].to_numpy(), name="srpe_load")
                       .groupby(level=0).sum(), how="outer")
    else:
        out["srpe_load"] = np.nan
    if out.empty:
        return out.reset_index()
    days = pd.date_range(out.index.min(), out.index.max(), freq="D")
    out = out.reindex(days)
    out[["volume_load_kg", "tut_s"]] = out[["volume_load_kg", "tut_s"]].fillna(0)
    if out["srpe_load"].notna().any():
        out["srpe_load"] = out["srpe_load"].fillna(0)
    return out.rename_axis("date").reset_index()


# --- pain ----------------------------------------------------------------------------------

PAIN = ("pain_during", "pain_after", "pain_next_morning")


def pain_status(log: pd.DataFrame, rules: PainRules | None = None) -> tuple[pd.DataFrame,
                                                                            pd.DataFrame]:
    """Daily worst pain and each (Monday-based) week's status under ``rules``.

    A week is "within rules" when no pain during or after exceeded its limit,
    next-morning pain stayed settled, and neither pain during nor next-morning
    pain rose from the week before; otherwise "outside rules", with the reasons.
    Weeks without any pain entry are "no pain data".
    """
    rules = rules or PainRules()
    cols = [c for c in PAIN if c in log.columns]
    p = log.dropna(subset=cols, how="all") if cols else log.iloc[0:0]
    if p.empty:
        empty = pd.DataFrame(columns=["date", *PAIN])
        return empty, pd.DataFrame(columns=["week_start", "status", "reasons"])
    daily = p.groupby("date")[list(PAIN)].max().reset_index()
    daily["week_start"] = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    w = daily.groupby("week_start").agg(
        max_during=("pain_during", "max"), max_after=("pain_after", "max"),
        max_morning=("pain_next_morning", "max"), mean_during=("pain_during", "mean"),
        mean_morning=("pain_next_morning", "mean"))
    baseline = rules.baseline
    if baseline is None:
        first = daily[daily["week_start"] == daily["week_start"].min()]["pain_next_morning"]
        baseline = float(first.median()) if first.notna().any() else 0.0
    prev = w.shift(1)

    def why(mask: pd.Series, text: pd.Series) -> pd.Series:
        return text.where(mask.fillna(False), "")

    def g(col: pd.Series) -> pd.Series:
        return col.map(lambda v: f"{v:g}", na_action="ignore").astype(object)

    def one(col: pd.Series) -> pd.Series:
        return col.map(lambda v: f"{v:.1f}", na_action="ignore").astype(object)

    parts = [
        why(w["max_during"] > rules.during_max, "pain during reached " + g(w["max_during"])
            + f" (limit {rules.during_max:g})"),
        why(w["max_after"] > rules.after_max, "pain after reached " + g(w["max_after"])
            + f" (limit {rules.after_max:g})"),
        why(w["max_morning"] > baseline + rules.morning_over_baseline,
            "next-morning pain " + g(w["max_morning"]) + f" had not settled (baseline "
            f"{baseline:g})"),
    ]
    for col, label in (("mean_during", "pain during"), ("mean_morning", "morning pain")):
        parts.append(why(w[col] - prev[col] >= rules.weekly_rise,
                         f"{label} rose from " + one(prev[col]) + " to " + one(w[col])))
    reasons = ["; ".join(p for p in row if p) for row in zip(*parts, strict=True)]
    w["reasons"] = reasons
    w["status"] = np.where(w["reasons"] == "", "within rules", "outside rules")
    w.loc[w[["max_during", "max_after", "max_morning"]].isna().all(axis=1), "status"] = \
        "no pain data"
    w["baseline_morning"] = baseline
    return daily.drop(columns="week_start"), w.reset_index()


# --- the whole analysis ---------------------------------------------------------------------

def analyse(log, plan: Plan | None = None, *, rules: PainRules | None = None,
            formula: str = "epley") -> Analysis:
    """Analyse ``log`` (a Log or its table), against ``plan`` when given."""
    table = log.table if hasattr(log, "table") else log
    # Many filters by exercise and set type follow: compare small codes, not strings.
    table = table.assign(exercise=table["exercise"].astype("category"),
                         set_type=table["set_type"].astype("category"))
    sets = sessions = weeks = None
    if plan is not None:
        sets = compliance_sets(table, plan.table)
        sessions = compliance_sessions(sets)
        weeks = compliance_weeks(sets)
    dl = deadlift_progress(table, formula)
    daily = daily_load(table)
    basis = "srpe_load" if "srpe_load" in daily and daily["srpe_load"].notna().any() \
        else "volume_load_kg"
    if len(daily):
        series = daily.set_index("date")[basis].astype(float)
        acwr = pd.concat({
            "rolling_coupled": metrics.acwr(series, method="rolling", coupled=True)["acwr"],
            "rolling_uncoupled": metrics.acwr(series, method="rolling", coupled=False)["acwr"],
            "ewma": metrics.acwr(series, method="ewma")["acwr"],
        }, axis=1)
        acwr["zone"] = metrics.acwr_zones(acwr["rolling_coupled"])
        fitness = metrics.fitness_fatigue(series, model="exp")
        # Weeks end on Sunday; monotony and strain are those of the week's last day.
        week_end = (daily["date"] + pd.to_timedelta(6 - daily["date"].dt.day_of_week, unit="D")
                    ).rename("week_end")
        weekly = daily.drop(columns="date").groupby(week_end.to_numpy()).sum()
        weekly["monotony"] = metrics.monotony(series).groupby(week_end.to_numpy()).last()
        weekly["strain"] = metrics.strain(series).groupby(week_end.to_numpy()).last()
        weekly = weekly.rename_axis("week_end").reset_index()
        acwr, fitness = acwr.rename_axis("date").reset_index(), \
            fitness.rename_axis("date").reset_index()
    else:
        acwr = fitness = weekly = pd.DataFrame()
    pain_daily, pain_weeks = pain_status(table, rules)
    summary = {
        "sets_logged": int(len(table)),
        "days_logged": int(table["date"].nunique()),
        "first_day": table["date"].min(),
        "last_day": table["date"].max(),
        "load_basis": basis,
        "deadlift_sessions": int(len(dl)),
        "best_e1rm_kg": float(dl["best_e1rm_kg"].max()) if len(dl) else float("nan"),
        "e1rm_trend_kg_per_week": e1rm_trend(dl),
        "weeks_outside_pain_rules": int((pain_weeks["status"] == "outside rules").sum())
        if len(pain_weeks) else 0,
    }
    if sets is not None:
        planned = sets[sets["band"] != "unplanned"]
        summary["planned_sets"] = int(len(planned))
        summary["completion"] = float(planned["band"].isin(["done", "over"]).mean()) \
            if len(planned) else float("nan")
        summary["bands"] = sets["band"].value_counts().to_dict()
    return Analysis(sets, sessions, weeks, dl, hold_progress(table), bridge_progress(table),
                    daily, weekly, acwr, fitness, pain_daily, pain_weeks, basis, summary)
