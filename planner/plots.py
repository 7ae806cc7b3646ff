"""Plotly figures of a plan.

Each chart is described by a *spec* function: a Plan in, plain data out (the
traces' changing properties, and the few layout properties that depend on the
plan). :func:`plan_figure` builds a full ``go.Figure`` from a spec;
:func:`update_figure` copies a new spec into an existing figure (a
FigureWidget, for instance) in one batch, so charts update in place and fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner import metrics
from planner.catalogue import catalogue
from planner.config import WEEKDAYS
from planner.programme import Plan
from planner.units import from_kg

COLOURS = {"deadlift": "#1f5f99", "glute_bridge": "#e07b39", "rotational_stretch": "#3a9d5d"}
LEVELS = ("stretch only", "bridge + stretch", "deadlift day")

Spec = tuple[list[dict], dict]


def _name(ex: str) -> str:
    return catalogue()[ex].name


def _deadlift_sessions(plan: Plan) -> pd.DataFrame:
    t = plan.table
    d = t[t["exercise"] == "deadlift"]
    return d.groupby("session_id", sort=False).agg(
        date=("date", "first"), load=("load_kg", "first"), reps=("target_reps", "first"),
        sets=("set", "size"), phase=("phase", "first"), week=("week", "first"))


# --- specs: plan -> changing data ----------------------------------------------------------

def load_spec(plan: Plan) -> Spec:
    """Weekly deadlift volume load (sets x reps x load) in the plan's unit; deload weeks
    lighter. Body-weight work has no external load and gets its own chart."""
    t = plan.table
    weeks = np.sort(t["week"].unique())
    d = t[t["exercise"] == "deadlift"]
    vl = (d["target_reps"].astype(float) * d["load_kg"].astype(float)).groupby(d["week"]).sum()
    y = from_kg(vl.reindex(weeks, fill_value=0.0).to_numpy(), plan.unit).round(1)
    deload = t.groupby("week")["phase"].first().reindex(weeks) == "deload"
    colours = np.where(deload.to_numpy(), "#9fb8d0", COLOURS["deadlift"])
    text = np.where(deload.to_numpy(), "deload", "")
    traces = [dict(x=weeks, y=y, marker=dict(color=colours), text=text,
                   hovertemplate="week %{x}: %{y:,.0f} " + plan.unit + " %{text}<extra></extra>")]
    return traces, dict(yaxis=dict(title=dict(text=f"volume load ({plan.unit})")))


def deadlift_spec(plan: Plan) -> Spec:
    """Deadlift load per session and the e1RM (Epley) projected from load and target reps."""
    d = _deadlift_sessions(plan)
    load = from_kg(d["load"].astype(float).to_numpy(), plan.unit).round(2)
    reps = d["reps"].astype(float).to_numpy()
    e1 = np.round(metrics.e1rm(load, reps), 1) if len(d) else np.array([])
    dates = d["date"].to_numpy()
    custom = np.stack([d["sets"].to_numpy(), reps, d["phase"].to_numpy()], axis=1) \
        if len(d) else np.empty((0, 3))
    traces = [
        dict(x=dates, y=load, customdata=custom,
             hovertemplate="%{x|%a %d %b}: %{customdata[0]} x %{customdata[1]} at %{y} "
             + plan.unit + " (%{customdata[2]})<extra></extra>"),
        dict(x=dates, y=e1, hovertemplate="%{x|%d %b}: e1RM %{y} " + plan.unit
             + "<extra></extra>"),
    ]
    return traces, dict(yaxis=dict(title=dict(text=plan.unit)))


def bodyweight_spec(plan: Plan) -> Spec:
    """Weekly glute-bridge repetitions and minutes of stretch holds."""
    t = plan.table
    weeks = np.sort(t["week"].unique())
    reps = t[t["exercise"] == "glute_bridge"].groupby("week")["target_reps"].sum()
    hold = t[t["exercise"] == "rotational_stretch"].groupby("week")["target_hold_s"].sum()
    return [dict(x=weeks, y=reps.reindex(weeks, fill_value=0).astype(int).to_numpy()),
            dict(x=weeks, y=(hold.reindex(weeks, fill_value=0).astype(float) / 60)
                 .round(2).to_numpy())], {}


def calendar_spec(plan: Plan) -> Spec:
    """Weeks x weekdays: stretch-only days, bridge days and deadlift days."""
    t = plan.table
    s = t.groupby("session_id", sort=False).agg(
        week=("week", "first"), date=("date", "first"), phase=("phase", "first"))
    ex = t.groupby(["session_id", "exercise"], sort=False).size().unstack(fill_value=0)
    s["level"] = np.where(ex.get("deadlift", 0).reindex(s.index, fill_value=0) > 0, 2,
                          np.where(ex.get("glute_bridge", 0).reindex(s.index, fill_value=0)
                                   > 0, 1, 0))
    s["col"] = s["date"].dt.day_of_week
    weeks = np.sort(s["week"].unique())
    row = np.searchsorted(weeks, s["week"].to_numpy())
    z = np.full((len(weeks), 7), np.nan)
    text = np.full((len(weeks), 7), "", dtype=object)
    z[row, s["col"].to_numpy()] = s["level"].to_numpy()
    labels = (s["date"].dt.strftime("%a %d %b") + ": "
              + pd.Series(np.array(LEVELS, dtype=object)[s["level"].to_numpy()], index=s.index)
              + np.where(s["phase"] == "deload", " (deload week)", ""))
    text[row, s["col"].to_numpy()] = labels.to_numpy()
    deload = s.groupby("week")["phase"].first().reindex(weeks) == "deload"
    y = [f"week {w}" + (" · deload" if dl else "") for w, dl in zip(weeks, deload, strict=True)]
    traces = [dict(z=z, y=y, text=text)]
    return traces, dict(height=max(260, 70 + 22 * len(weeks)))


SPECS = {"load": load_spec, "deadlift": deadlift_spec, "bodyweight": bodyweight_spec,
         "calendar": calendar_spec}


# --- building and updating ----------------------------------------------------------------

def _base_layout(title: str, ytitle: str, xtitle: str) -> dict:
    return dict(title=dict(text=title, x=0.01), template="plotly_white", height=340,
                margin=dict(l=60, r=20, t=50, b=45), xaxis=dict(title=dict(text=xtitle)),
                yaxis=dict(title=dict(text=ytitle)), bargap=0.15,
                legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))


def _empty(name: str) -> go.Figure:
    if name == "load":
        fig = go.Figure([go.Bar(name="Barbell deadlift")])
        fig.update_layout(_base_layout("Weekly deadlift volume load (lighter bars: deload "
                                       "weeks)", "", "programme week"))
    elif name == "deadlift":
        fig = go.Figure([
            go.Scatter(mode="lines+markers", name="load on the bar",
                       line=dict(color=COLOURS["deadlift"], shape="hv")),
            go.Scatter(mode="lines", name="projected e1RM (Epley)",
                       line=dict(color="#9c27b0", dash="dot"))])
        fig.update_layout(_base_layout("Deadlift: load and projected e1RM per session", "",
                                       "date"))
    elif name == "bodyweight":
        fig = go.Figure([
            go.Bar(name=f"{_name('glute_bridge')} repetitions",
                   marker_color=COLOURS["glute_bridge"],
                   hovertemplate="week %{x}: %{y} bridge reps<extra></extra>"),
            go.Scatter(name="stretch holds (minutes a week)", yaxis="y2", mode="lines+markers",
                       line=dict(color=COLOURS["rotational_stretch"]),
                       hovertemplate="week %{x}: %{y} min of holds<extra></extra>")])
        fig.update_layout(_base_layout("Bridges and stretch per week", "bridge repetitions",
                                       "programme week"),
                          yaxis2=dict(title=dict(text="stretch (min a week)"), overlaying="y",
                                      side="right", rangemode="tozero", showgrid=False))
    elif name == "calendar":
        fig = go.Figure([go.Heatmap(
            x=[d.capitalize() for d in WEEKDAYS], hovertemplate="%{text}<extra></extra>",
            colorscale=[[0, "#d8efe0"], [0.5, "#f6c9a6"], [1, "#1f5f99"]], zmin=0, zmax=2,
            xgap=3, ygap=3, colorbar=dict(tickvals=[0, 1, 2], ticktext=list(LEVELS)))])
        fig.update_layout(_base_layout("Calendar: which days hold which exercises", "", ""))
        fig.update_yaxes(autorange="reversed")
    else:
        raise ValueError(f"unknown chart {name!r}; known: {', '.join(SPECS)}")
    return fig


def plan_figure(name: str, plan: Plan) -> go.Figure:
    """The chart ``name`` (one of SPECS) of ``plan`` as a new figure."""
    fig = _empty(name)
    update_figure(fig, name, plan)
    return fig


def plan_figures(plan: Plan) -> dict[str, go.Figure]:
    """Every chart of the app, by name."""
    return {name: plan_figure(name, plan) for name in SPECS}


def update_figure(fig: go.Figure, name: str, plan: Plan) -> None:
    """Put ``plan``'s data for chart ``name`` into ``fig`` in place, in one batch."""
    traces, layout = SPECS[name](plan)
    with fig.batch_update():
        for trace, props in zip(fig.data, traces, strict=True):
            trace.update(props)
        if layout:
            fig.layout.update(layout)


def planned_acwr_figure(plan: Plan) -> go.Figure:
    """ACWR (rolling coupled, rolling uncoupled, EWMA) of the planned daily deadlift volume
    load, with Gabbett's zones as context; their value for predicting injury is disputed."""
    daily = daily_planned_load(plan)
    fig = go.Figure()
    fig.add_hrect(y0=0.8, y1=1.3, fillcolor="#3a9d5d", opacity=0.12, line_width=0,
                  annotation_text="0.8-1.3", annotation_position="top left")
    fig.add_hrect(y0=1.5, y1=2.5, fillcolor="#c62828", opacity=0.08, line_width=0,
                  annotation_text="1.5 and above", annotation_position="top left")
    for method, coupled, label in (("rolling", True, "rolling 7/28 d, coupled"),
                                   ("rolling", False, "rolling 7/28 d, uncoupled"),
                                   ("ewma", True, "EWMA 7/28")):
        r = metrics.acwr(daily, method=method, coupled=coupled)["acwr"]
        fig.add_scatter(x=r.index, y=r.round(3), name=label, mode="lines")
    fig.update_layout(_base_layout("ACWR of the planned deadlift load (context, not a verdict)",
                                   "acute : chronic", "date"))
    return fig


def daily_planned_load(plan: Plan) -> pd.Series:
    """Planned deadlift volume load per calendar day (rest days 0). [kg]"""
    t = plan.table
    d = t[t["exercise"] == "deadlift"]
    daily = (d["target_reps"].astype(float) * d["load_kg"].astype(float)).groupby(d["date"]).sum()
    return daily.reindex(pd.date_range(t["date"].min(), t["date"].max(), freq="D"),
                         fill_value=0.0)
