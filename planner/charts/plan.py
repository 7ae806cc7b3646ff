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
from planner.charts.style import (
    COLOURS,
    LEVEL_COLOURS,
    LEVELS,
    PALETTE,
    add_acwr_zones,
    base_layout,
    place_legend,
    plain_list,
)
from planner.config import WEEKDAYS
from planner.plan import Plan
from planner.units import from_kg
from planner.words import day_text

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
    y = from_kg(vl.reindex(weeks, fill_value=0.0).to_numpy(), plan.unit).round(0)
    deload = (t.groupby("week")["phase"].first().reindex(weeks) == "deload").to_numpy()
    colours = np.where(deload, PALETTE["deload"], COLOURS["deadlift"])
    text = np.where(deload, "deload", "")
    traces = [dict(x=plain_list(weeks), y=plain_list(y), marker=dict(color=plain_list(colours)),
                   text=plain_list(text),
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
        dict(x=dates, y=plain_list(load), customdata=custom,
             hovertemplate="%{x|%a %-d %b %Y}: %{customdata[0]} × %{customdata[1]} at %{y} "
             + plan.unit + " (%{customdata[2]})<extra></extra>"),
        dict(x=dates, y=plain_list(e1), hovertemplate="%{x|%a %-d %b %Y}: e1RM %{y} " + plan.unit
             + "<extra></extra>"),
    ]
    return traces, dict(yaxis=dict(title=dict(text=f"load ({plan.unit})")))


def bodyweight_spec(plan: Plan) -> Spec:
    """Weekly glute-bridge repetitions and minutes of stretch holds."""
    t = plan.table
    weeks = np.sort(t["week"].unique())
    reps = t[t["exercise"] == "glute_bridge"].groupby("week")["target_reps"].sum()
    hold = t[t["exercise"] == "rotational_stretch"].groupby("week")["target_hold_s"].sum()
    minutes = (hold.reindex(weeks, fill_value=0).astype(float) / 60).round(1)
    return [dict(x=plain_list(weeks), y=plain_list(reps.reindex(weeks, fill_value=0).astype(int))),
            dict(x=plain_list(weeks), y=plain_list(minutes))], {}


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
    s["text"] = s["date"].map(day_text) + ": " + s["level"].map(dict(enumerate(LEVELS)))
    traces = []
    for level in range(len(LEVELS)):
        part = s[s["level"] == level]
        traces.append(dict(x=plain_list(part["col"]), y=plain_list(part["row"]),
                           text=plain_list(part["text"])))
    rows = list(dict.fromkeys(s.sort_values("week")["row"]))
    return traces, dict(height=max(280, 110 + 24 * len(rows)),
                        yaxis=dict(categoryorder="array", categoryarray=rows,
                                   autorange="reversed"))


SPECS = {"load": load_spec, "deadlift": deadlift_spec, "bodyweight": bodyweight_spec,
         "calendar": calendar_spec}


# --- building and updating ----------------------------------------------------------------

WEEKDAY_LABELS_PX = 24  # the calendar's weekday labels, above its grid [px]


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
        fig.update_layout(base_layout("Deadlift: load and projected e1RM", "", "date",
                                      dates=True))
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
                          # its own round ticks (plotly would otherwise put them level with
                          # the left axis' grid lines: 2.64, 5.29)
                          yaxis2=dict(title=dict(text="stretch (min a week)"), overlaying="y",
                                      side="right", rangemode="tozero", showgrid=False,
                                      tickmode="auto"))
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
        # the weekdays are above the grid: the legend goes below it
        fig.update_layout(margin=dict(l=110))
        place_legend(fig, below=True, top_axis_px=WEEKDAY_LABELS_PX)
        return fig
    else:
        raise ValueError(f"unknown chart {name!r}; known: {', '.join(SPECS)}")
    place_legend(fig)
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
                                  "acute : chronic", "date", dates=True))
    place_legend(fig)
    return fig


def daily_planned_load(plan: Plan) -> pd.Series:
    """Planned deadlift volume load per calendar day (rest days 0). [kg]"""
    t = plan.table
    d = t[t["exercise"] == "deadlift"]
    daily = (d["target_reps"].astype(float) * d["load_kg"].astype(float)).groupby(d["date"]).sum()
    return daily.reindex(pd.date_range(t["date"].min(), t["date"].max(), freq="D"),
                         fill_value=0.0)
