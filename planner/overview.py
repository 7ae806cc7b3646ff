"""Readable views of a plan for people: a weekly overview and a week's sets.

Loads are shown in the plan's unit. These tables feed the command line, the
notebooks and the printable sheet; they hold no training logic.
"""

from __future__ import annotations

import pandas as pd

from planner.catalogue import catalogue
from planner.plan import Plan
from planner.units import from_kg
from planner.words import day_text


def _fmt_range(lo, hi, suffix: str = "") -> str:
    if pd.isna(lo):
        return "-"
    return f"{lo:g}{suffix}" if lo == hi else f"{lo:g}-{hi:g}{suffix}"


def weekly_overview(plan: Plan) -> pd.DataFrame:
    """One row per week: phase, deadlift loads, reps and volume load, bridge
    repetitions and stretch hold, in the plan's unit."""
    t = plan.table
    u = plan.unit
    weeks = pd.DataFrame({"week": sorted(t["week"].unique())})
    phase = t.groupby("week")["phase"].agg(lambda s: "deload" if (s == "deload").any() else "build")
    out = weeks.assign(phase=weeks["week"].map(phase))
    dl = t[t["exercise"] == "deadlift"]
    if len(dl):
        load = from_kg(dl["load_kg"].astype(float), u).round(2)
        g = dl.assign(load=load, vl=load * dl["target_reps"].astype(float)).groupby("week")
        out["deadlift sessions"] = out["week"].map(g["session_id"].nunique()).fillna(0).astype(int)
        lo, hi = g["load"].min(), g["load"].max()
        out[f"deadlift load ({u})"] = [_fmt_range(lo.get(w), hi.get(w)) for w in out["week"]]
        rlo, rhi = g["target_reps"].min(), g["target_reps"].max()
        out["deadlift reps/set"] = [_fmt_range(rlo.get(w), rhi.get(w)) for w in out["week"]]
        out[f"deadlift volume ({u})"] = out["week"].map(g["vl"].sum()).fillna(0).round(0)
    br = t[t["exercise"] == "glute_bridge"]
    if len(br):
        out["bridge reps"] = out["week"].map(br.groupby("week")["target_reps"].sum()).fillna(0)
    st = t[t["exercise"] == "rotational_stretch"]
    if len(st):
        g = st.groupby("week")["target_hold_s"]
        out["stretch hold"] = [_fmt_range(g.min().get(w), g.max().get(w), " s")
                               for w in out["week"]]
        out["stretch time (s)"] = out["week"].map(g.sum()).fillna(0).astype(int)
    return out


def week_sheet(plan: Plan, week: int) -> pd.DataFrame:
    """The sessions of one week, one row per exercise per session, with plates."""
    t = plan.week(week)
    if t.empty:
        raise ValueError(f"week {week} is not in the plan; it has weeks {plan.first_week} "
                         f"to {plan.last_week}")
    names = {k: v.name for k, v in catalogue().items()}
    rows = []
    for (sid, ex), e in t.groupby(["session_id", "exercise"], sort=False):
        first = e.iloc[0]
        if ex == "rotational_stretch":
            dose = f"{int((e['side'] == 'left').sum())} x {first['target_hold_s']:g} s each side"
            load = plates = ""
        else:
            dose = f"{len(e)} x {first['target_reps']}"
            if pd.notna(first["load_kg"]):
                load = f"{from_kg(float(first['load_kg']), plan.unit):.4g} {plan.unit}"
                plates = first["plates"]
            else:
                load, plates = "body weight", ""
        rows.append({"day": day_text(first["date"]), "session": sid,
                     "exercise": names.get(ex, ex), "sets x dose": dose, "load": load,
                     "plates": plates, "rest (s)": int(first["rest_s"]), "phase": first["phase"]})
    return pd.DataFrame(rows)
