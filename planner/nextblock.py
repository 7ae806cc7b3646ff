"""The next block of training, built from a plan and what the log says was done.

The project's own rules (no source gives numeric progression rules for low
back pain; see SCIENCE.md):

1. The deadlift continues by double progression from the last session that
   was actually done outside a deload week: its load and the repetitions of
   each working set. Planned sessions that were missed are therefore repeated,
   not skipped over.
2. When the last logged week broke the pain-monitoring rules
   (:class:`planner.analysis.PainRules`), the deadlift does not progress:
   ``pain_action="hold"`` keeps the last load and repetitions; ``"reduce"``
   takes 10 % off the load (rounded down to a loadable load) and goes back to
   the bottom of the rep range. Two weeks in a row outside the rules always
   reduce.
3. The stretch continues from the shortest hold done in the last week it was
   logged, and the bridge from the sets done in its last session.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from planner.analysis import WORK_SETS, PainRules, pain_status
from planner.config import PlanConfig
from planner.programme import Plan, generate
from planner.progression import DoubleProgression, Performance, Prescription
from planner.units import from_kg

PAIN_ACTIONS = ("hold", "reduce")


def _config_from_plan(plan: Plan) -> PlanConfig:
    """The configuration a plan came from, or one inferred from its table."""
    if plan.config is not None:
        return plan.config
    from planner.infer import infer_config

    return infer_config(plan.table, plan.unit)[0]


def next_block(plan: Plan, log, *, weeks: int | None = None, config: PlanConfig | None = None,
               rules: PainRules | None = None, pain_action: str = "hold") -> Plan:
    """Generate the weeks after ``plan`` from what ``log`` (a Log or its table) says was done.

    Parameters
    ----------
    plan : the plan the log followed
    log : the log (planner.read_log) or its table
    weeks : length of the new block (default: as long as ``plan``)
    config : settings for the new block (default: those of ``plan``)
    rules : pain-monitoring limits (default PainRules())
    pain_action : "hold" or "reduce" when the last week broke the pain rules
    """
    if pain_action not in PAIN_ACTIONS:
        raise ValueError(f"pain_action must be one of {PAIN_ACTIONS}, got {pain_action!r}")
    table = log.table if hasattr(log, "table") else log
    base = config or _config_from_plan(plan)
    ps = base.plate_set
    lo, hi = base.rep_range
    t = plan.table
    last_week = int(t["week"].max())
    start = t["date"].max().date() + timedelta(days=1)
    if len(table) and table["date"].max().date() >= start:
        # The log ran past the plan: start on the next day with the plan's rhythm.
        gap = (table["date"].max().date() - start).days // 7 + 1
        start += timedelta(days=7 * gap)

    changes: dict = {"first_week": last_week + 1, "start_date": start,
                     "weeks": weeks or base.weeks, "deadlift_start_load": None, "one_rm": None}

    # 1. Deadlift: from the last session done.
    dl = table[(table["exercise"] == "deadlift") & table["set_type"].isin(WORK_SETS)
               & table["load_kg"].notna() & (table["reps"].fillna(0) > 0)]
    planned_dl = t[t["exercise"] == "deadlift"]
    # Deload weeks are lighter on purpose: progress from the last build-week session.
    phase = t.groupby("date")["phase"].first()
    build = dl[dl["date"].map(phase).fillna("build") != "deload"]
    if len(build):
        dl = build
    if len(dl):
        last_day = dl["date"].max()
        last = dl[dl["date"] == last_day]
        load = ps.round_down(float(from_kg(last["load_kg"].astype(float).max(), base.unit)))
        done = tuple(int(r) for r in last.loc[last["load_kg"] == last["load_kg"].max(), "reps"])
        target = planned_dl.loc[planned_dl["date"] == last_day, "target_reps"]
        current = Prescription(sets=len(done), load=load,
                               reps=int(target.iloc[0]) if len(target) else min(done))
        model = DoubleProgression(lo, hi, ps, base.reps_step, base.load_step)
        nxt = model.next(current, Performance(reps=done, load=load))
    elif len(planned_dl):
        first = planned_dl.iloc[0]
        nxt = Prescription(sets=3, reps=int(first["target_reps"]),
                           load=ps.round_down(float(from_kg(float(first["load_kg"]), base.unit))))
    else:
        nxt = Prescription(sets=3, reps=lo, load=base.start_load)

    # 2. Pain.
    _, weeks_status = pain_status(table, rules)
    outside = list(weeks_status["status"] == "outside rules") if len(weeks_status) else []
    if outside and outside[-1]:
        two = len(outside) >= 2 and outside[-2]
        if pain_action == "reduce" or two:
            last_load = nxt.load if not len(dl) else ps.round_down(
                float(from_kg(dl.loc[dl["date"] == dl["date"].max(), "load_kg"].max(), base.unit)))
            nxt = Prescription(sets=nxt.sets, reps=lo,
                               load=max(ps.bar, ps.round_down(last_load * 0.9)))
        elif len(dl):
            nxt = Prescription(sets=current.sets, reps=min(done), load=current.load)
    changes["deadlift_start_load"] = nxt.load
    changes["deadlift_start_reps"] = min(hi, max(lo, nxt.reps))

    # 3. Stretch and bridge.
    overrides = {k: dict(v) for k, v in base.overrides.items()}
    st = table[(table["exercise"] == "rotational_stretch") & table["hold_s"].notna()]
    if len(st):
        last_wk = st["date"] >= st["date"].max() - pd.Timedelta(days=6)
        dose = base.dose("rotational_stretch")
        held = float(st.loc[last_wk, "hold_s"].min())
        start_hold = min(dose["hold_max_s"], max(1.0, round(held)))
        overrides.setdefault("rotational_stretch", {})["hold_min_s"] = start_hold
    br = table[(table["exercise"] == "glute_bridge") & table["set_type"].isin(WORK_SETS)]
    br_build = br[br["date"].map(phase).fillna("build") != "deload"]
    br = br_build if len(br_build) else br
    if len(br):
        last = br[br["date"] == br["date"].max()]
        dose = base.dose("glute_bridge")
        full = int((last["reps"].fillna(0) >= dose["reps"]).sum())
        overrides.setdefault("glute_bridge", {})["sets"] = max(1, min(dose["max_sets"], full))
    changes["overrides"] = overrides
    return generate(base.replace(**changes))
