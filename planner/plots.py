"""Plotly figures of a plan.

Each chart is described by a *spec* function: a Plan in, plain data out (the
traces' changing properties, and the few layout properties that depend on the
plan). :func:`plan_figure` builds a full ``go.Figure`` from a spec;
:func:`update_figure` copies a new spec into an existing figure (a
FigureWidget, for instance) in one batch, so charts update in place and fast.

Specs hold plain Python lists, never numpy arrays: a FigureWidget evaluates the
truth value of what it holds when the browser sends its trace defaults back,
and an array there raises "truth value of an array ... is ambiguous", after
which the chart stops following. Figures have no fixed width: they fill their
container.
"""

from __future__ import annotations

from copy import deepcopy

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner import metrics
from planner.catalogue import catalogue
from planner.config import WEEKDAYS
from planner.programme import Plan
from planner.units import from_kg

# One colour scheme for every chart of the plan and of the analysis (colour-blind safe hues).
COLOURS = {"deadlift": "#1f5f99", "glute_bridge": "#d9711c", "rotational_stretch": "#2f8f55"}
PALETTE = {**COLOURS, "deload": "#9fb8d0", "e1rm": "#7b3fa0", "grid": "#e5e5e5",
           "done": "#2f8f55", "over": "#1f5f99", "partial": "#e0b339", "missed": "#c0392b",
           "unplanned": "#8e8e8e", "ctl": "#1f5f99", "atl": "#d9711c", "tsb": "#8e8e8e",
           "pain_during": "#d9711c", "pain_after": "#c0392b", "pain_next_morning": "#7b3fa0",
           "zone_ok": "#2f8f55", "zone_high": "#c0392b"}
LEVELS = ("stretch only", "bridge + stretch", "deadlift day")
LEVEL_COLOURS = (COLOURS["rotational_stretch"], COLOURS["glute_bridge"], COLOURS["deadlift"])

Spec = tuple[list[dict], dict]


def _name(ex: str) -> str:
    return catalogue()[ex].name


def _list(values) -> list:
    """Plain Python values (numbers, text, None for missing) for a figure."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return [None if v != v else v for v in arr.ravel().tolist()]
    if arr.dtype.kind in "iub":
        return arr.ravel().tolist()
    return [None if (v is None or (isinstance(v, float) and v != v)) else
            (v.item() if hasattr(v, "item") else v) for v in arr.ravel().tolist()]


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
    y = from_kg(vl.reindex(weeks, fill_value=0.0).to_numpy(), plan.unit).round(0)
    deload = (t.groupby("week")["phase"].first().reindex(weeks) == "deload").to_numpy()
    colours = np.where(deload, PALETTE["deload"], COLOURS["deadlift"])
    text = np.where(deload, "deload", "")
    traces = [dict(x=_list(weeks), y=_list(y), marker=dict(color=_list(colours)),
                   text=_list(text),
                   hovertemplate="week %{x}: %{y:,.0f} " + plan.unit + " %{text}<extra></extra>")]
    return traces, dict(yaxis=dict(title=dict(text=f"volume load ({plan.unit})")))


def deadlift_spec(plan: Plan) -> Spec:
    """Deadlift load per session and the e1RM (Epley) projected from load and target reps."""
    d = _deadlift_sessions(plan)
    load = from_kg(d["load"].astype(float).to_numpy(), plan.unit).round(1)
    reps = d["reps"].astype(float).to_numpy()
    e1 = np.round(metrics.e1rm(load, reps), 1) if len(d) else np.array([])
    dates = [f"{x:%Y-%m-%d}" for x in d["date"]]
    custom = [[int(s), int(r), str(p)] for s, r, p in
              zip(d["sets"], reps, d["phase"], strict=True)]
    traces = [
        dict(x=dates, y=_list(load), customdata=custom,
             hovertemplate="%{x|%a %d %b}: %{customdata[0]} × %{customdata[1]} at %{y} "
             + plan.unit + " (%{customdata[2]})<extra></extra>"),
        dict(x=dates, y=_list(e1), hovertemplate="%{x|%d %b}: e1RM %{y} " + plan.unit
             + "<extra></extra>"),
    ]
    return traces, dict(yaxis=dict(title=dict(text=f"load ({plan.unit})")))


def bodyweight_spec(plan: Plan) -> Spec:
    """Weekly glute-bridge repetitions and minutes of stretch holds."""
    t = plan.table
    weeks = np.sort(t["week"].unique())
    reps = t[t["exercise"] == "glute_bridge"].groupby("week")["target_reps"].sum()
    hold = t[t["exercise"] == "rotational_stretch"].groupby("week")["target_hold_s"].sum()
    return [dict(x=_list(weeks), y=_list(reps.reindex(weeks, fill_value=0).astype(int))),
            dict(x=_list(weeks), y=_list((hold.reindex(weeks, fill_value=0).astype(float) / 60)
                                         .round(1)))], {}


def calendar_spec(plan: Plan) -> Spec:
    """Weeks x weekdays: stretch-only days, bridge days and deadlift days, one trace each
    (a categorical legend)."""
    t = plan.table
    s = t.groupby("session_id", sort=False).agg(
        week=("week", "first"), date=("date", "first"), phase=("phase", "first"))
    ex = t.groupby(["session_id", "exercise"], sort=False).size().unstack(fill_value=0)
    has = {e: (ex[e] if e in ex else pd.Series(0, index=ex.index)).reindex(s.index, fill_value=0)
           > 0 for e in ("deadlift", "glute_bridge")}
    s["level"] = np.where(has["deadlift"], 2, np.where(has["glute_bridge"], 1, 0))
    deload = s.groupby("week")["phase"].first() == "deload"
    s["row"] = [f"week {w}" + (" · deload" if deload[w] else "") for w in s["week"]]
    s["col"] = [WEEKDAYS[d].capitalize() for d in s["date"].dt.day_of_week]
    s["text"] = s["date"].dt.strftime("%a %d %b") + ": " + s["level"].map(dict(enumerate(LEVELS)))
    traces = []
    for level in range(len(LEVELS)):
        part = s[s["level"] == level]
        traces.append(dict(x=_list(part["col"]), y=_list(part["row"]),
                           text=_list(part["text"])))
    rows = list(dict.fromkeys(s.sort_values("week")["row"]))
    return traces, dict(height=max(280, 110 + 24 * len(rows)),
                        yaxis=dict(categoryorder="array", categoryarray=rows,
                                   autorange="reversed"))


SPECS = {"load": load_spec, "deadlift": deadlift_spec, "bodyweight": bodyweight_spec,
         "calendar": calendar_spec}


# --- building and updating ----------------------------------------------------------------

def base_layout(title: str, ytitle: str, xtitle: str, height: int = 340) -> dict:
    """The layout every chart shares: no fixed width (the chart fills its container)."""
    return dict(title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15)),
                template="plotly_white", height=height, autosize=True,
                margin=dict(l=60, r=20, t=80, b=45), xaxis=dict(title=dict(text=xtitle)),
                yaxis=dict(title=dict(text=ytitle)), bargap=0.15,
                font=dict(family="system-ui, -apple-system, 'Segoe UI', sans-serif"),
                legend=dict(orientation="h", y=1.0, x=0, xanchor="left", yanchor="bottom"),
                hoverlabel=dict(namelength=-1))


def _empty(name: str) -> go.Figure:
    if name == "load":
        fig = go.Figure([go.Bar(name="Barbell deadlift (lighter: deload weeks)",
                                showlegend=True)])
        fig.update_layout(base_layout("Weekly deadlift volume load", "", "programme week"))
        fig.update_xaxes(dtick=1)
    elif name == "deadlift":
        fig = go.Figure([
            go.Scatter(mode="lines+markers", name="load on the bar",
                       line=dict(color=COLOURS["deadlift"], shape="hv")),
            go.Scatter(mode="lines", name="projected e1RM (Epley)",
                       line=dict(color=PALETTE["e1rm"], dash="dot"))])
        fig.update_layout(base_layout("Deadlift: load and projected e1RM", "", "date"))
    elif name == "bodyweight":
        fig = go.Figure([
            go.Bar(name=f"{_name('glute_bridge')} repetitions",
                   marker_color=COLOURS["glute_bridge"],
                   hovertemplate="week %{x}: %{y} bridge reps<extra></extra>"),
            go.Scatter(name="stretch holds (minutes a week)", yaxis="y2", mode="lines+markers",
                       line=dict(color=COLOURS["rotational_stretch"]),
                       hovertemplate="week %{x}: %{y} min of holds<extra></extra>")])
        fig.update_layout(base_layout("Bridges and stretch per week", "bridge repetitions",
                                      "programme week"),
                          yaxis2=dict(title=dict(text="stretch (min a week)"), overlaying="y",
                                      side="right", rangemode="tozero", showgrid=False))
        fig.update_layout(margin=dict(r=60))
        fig.update_xaxes(dtick=1)
    elif name == "calendar":
        fig = go.Figure([go.Scatter(
            mode="markers", name=label, marker=dict(symbol="square", size=18, color=colour),
            hovertemplate="%{text}<extra></extra>")
            for label, colour in zip(LEVELS, LEVEL_COLOURS, strict=True)])
        fig.update_layout(base_layout("Calendar: which days hold which exercises", "", ""))
        fig.update_xaxes(categoryorder="array",
                         categoryarray=[d.capitalize() for d in WEEKDAYS], side="top",
                         showgrid=False)
        fig.update_layout(margin=dict(l=110, t=110))
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


def sync_widget(fig: go.Figure) -> None:
    """Make a FigureWidget's saved state match what it shows.

    Updates reach the browsers that are drawing the figure as messages; the
    widget's state (what a page loaded later, or reloaded, draws) is only
    written when the figure is displayed on its own. A figure inside a Tab or
    a Box is never displayed on its own, so without this a reloaded page shows
    the figure as it was first built. A plain ``go.Figure`` is left alone.
    """
    if isinstance(fig, go.FigureWidget):
        fig._widget_data = deepcopy(fig._data)
        fig._widget_layout = deepcopy(fig._layout_obj._props)


def update_figure(fig: go.Figure, name: str, plan: Plan) -> None:
    """Put ``plan``'s data for chart ``name`` into ``fig`` in place, in one batch."""
    traces, layout = SPECS[name](plan)
    with fig.batch_update():
        for trace, props in zip(fig.data, traces, strict=True):
            trace.update(props)
        if layout:
            fig.layout.update(layout)
    sync_widget(fig)


def planned_acwr_figure(plan: Plan) -> go.Figure:
    """ACWR (rolling coupled, rolling uncoupled, EWMA) of the planned daily deadlift volume
    load, with Gabbett's zones as context; their value for predicting injury is disputed."""
    daily = daily_planned_load(plan)
    fig = go.Figure()
    add_acwr_zones(fig)
    for method, coupled, label in (("rolling", True, "rolling 7/28 d, coupled"),
                                   ("rolling", False, "rolling 7/28 d, uncoupled"),
                                   ("ewma", True, "EWMA 7/28")):
        r = metrics.acwr(daily, method=method, coupled=coupled)["acwr"]
        fig.add_scatter(x=r.index, y=r.round(2), name=label, mode="lines")
    fig.update_layout(base_layout("ACWR of the planned deadlift load (context, not a verdict)",
                                  "acute : chronic", "date"))
    return fig


def add_acwr_zones(fig: go.Figure) -> None:
    """Gabbett's zones (0.8-1.3 and 1.5 or more) as shaded bands, for context."""
    lo, hi = metrics.ACWR_ZONES["sweet spot"]
    danger = metrics.ACWR_ZONES["danger"][0]
    fig.add_hrect(y0=lo, y1=hi, fillcolor=PALETTE["zone_ok"], opacity=0.12, line_width=0,
                  annotation_text=f"{lo:g}-{hi:g}", annotation_position="top left")
    fig.add_hrect(y0=danger, y1=danger + 1, fillcolor=PALETTE["zone_high"], opacity=0.08,
                  line_width=0, annotation_text=f"{danger:g} and above",
                  annotation_position="top left")


def daily_planned_load(plan: Plan) -> pd.Series:
    """Planned deadlift volume load per calendar day (rest days 0). [kg]"""
    t = plan.table
    d = t[t["exercise"] == "deadlift"]
    daily = (d["target_reps"].astype(float) * d["load_kg"].astype(float)).groupby(d["date"]).sum()
    return daily.reindex(pd.date_range(t["date"].min(), t["date"].max(), freq="D"),
                         fill_value=0.0)
