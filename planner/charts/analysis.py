"""Charts of a log analysis, in the colours and layout of the plan's charts.

``analysis_figures(analysis, unit)`` gives every chart the analysis can draw,
by name, in the order a person reads them: compliance to date (needs a plan),
deadlift progression, weekly volume load, fitness and fatigue (CTL/ATL/TSB),
ACWR (as context) and pain. A chart the log cannot fill is left out. Loads are
drawn in ``unit``; figure data are plain lists (see :mod:`planner.charts.plan`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner.analysis import STOP_PAIN, PainRules
from planner.charts.style import PALETTE, add_acwr_zones, base_layout, plain_list
from planner.units import from_kg

BAND_ORDER = ("done", "over", "partial", "missed")

# One line under each chart, saying what it shows.
CAPTIONS = {
    "compliance": "Each planned set up to your last logged day: done, over (more than "
                  "planned), partial (less) or missed.",
    "deadlift": "Heaviest load of each deadlift session and the best estimated one-rep max "
                "(Epley). Open circles: estimated from more than 12 reps, less reliable.",
    "volume": "Sets × reps × load each week (Monday to Sunday), for every exercise with an "
              "external load.",
    "fitness": "Fitness (CTL, 42-day average load), fatigue (ATL, 7-day) and form "
               "(TSB = fitness − fatigue, of the day before).",
    "acwr": "Last week's load over the last four weeks'. The shaded zones are context "
            "only: whether they predict injury is disputed.",
    "pain": "Worst pain of each day (0-10). During and after may reach 5; next-morning "
            "pain should settle. Shaded: a week with a stop rule, or with pain written in a "
            "way that could not be read.",
}
TITLES = {"compliance": "Compliance to date", "deadlift": "Deadlift progression",
          "volume": "Weekly volume load", "fitness": "Fitness, fatigue and form",
          "acwr": "Acute:chronic workload ratio", "pain": "Pain"}


def _dates(values: pd.Series) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.to_datetime(values)]


def compliance_figure(a, unit: str) -> go.Figure | None:
    """Planned sets per week by band, up to the last logged day."""
    if a.sets is None or a.sets.empty:
        return None
    last = a.summary.get("last_day")
    planned = a.sets[a.sets["band"] != "unplanned"]
    if last is not None and pd.notna(last):
        planned = planned[planned["date"] <= last]
    if planned.empty:
        return None
    counts = pd.crosstab(planned["week"], planned["band"])
    fig = go.Figure([go.Bar(x=plain_list(counts.index), y=plain_list(counts[b]), name=b,
                            marker_color=PALETTE[b],
                            hovertemplate="week %{x}: %{y} sets " + b + "<extra></extra>")
                     for b in BAND_ORDER if b in counts])
    fig.update_layout(base_layout(TITLES["compliance"], "planned sets", "programme week"),
                      barmode="stack")
    fig.update_xaxes(dtick=1)
    return fig


#: Days without a session after which a line breaks: a load is not lifted all along a layoff.
GAP_DAYS = 28


def broken_at_gaps(dates: pd.Series, *columns: pd.Series, gap_days: int = GAP_DAYS
                   ) -> tuple[list, ...]:
    """``dates`` (as text) and each column as plain lists, with a None after every point that
    is followed by more than ``gap_days`` days without one: plotly breaks a line at a None,
    so a line never runs across weeks in which nothing was logged."""
    when = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
    after = np.flatnonzero((when.diff().dt.days > gap_days).to_numpy()) - 1
    xs, out = _dates(when), [plain_list(c) for c in columns]
    for i in after[::-1]:
        gap_x = (when[i] + (when[i + 1] - when[i]) / 2).strftime("%Y-%m-%d")
        xs.insert(i + 1, gap_x)
        for col in out:
            col.insert(i + 1, None)
    return (xs, *out)


def deadlift_figure(a, unit: str) -> go.Figure | None:
    d = a.deadlift
    if d is None or d.empty:
        return None
    top = from_kg(d["top_load_kg"].astype(float), unit).round(1)
    e1 = from_kg(d["best_e1rm_kg"].astype(float), unit).round(1)
    x, top, e1, reliable = broken_at_gaps(d["date"], top, e1, d["e1rm_reliable"])
    fig = go.Figure([
        go.Scatter(x=x, y=top, name=f"top load ({unit})", mode="lines+markers",
                   line=dict(color=PALETTE["deadlift"], shape="hv"),
                   hovertemplate="%{x|%a %d %b %Y}: %{y} " + unit + "<extra></extra>"),
        go.Scatter(x=x, y=e1, name=f"best e1RM ({unit}, Epley)", mode="lines+markers",
                   line=dict(color=PALETTE["e1rm"], dash="dot"),
                   marker=dict(symbol=["circle" if r else "circle-open" for r in reliable],
                               size=8),
                   hovertemplate="%{x|%a %d %b %Y}: e1RM %{y} " + unit + "<extra></extra>"),
    ])
    fig.update_layout(base_layout(TITLES["deadlift"], f"load ({unit})", "date"))
    return fig


def volume_figure(a, unit: str) -> go.Figure | None:
    w = a.weekly_load
    if w is None or w.empty or "volume_load_kg" not in w:
        return None
    y = from_kg(w["volume_load_kg"].astype(float), unit).round(0)
    if not (y > 0).any():
        return None
    start = pd.to_datetime(w["week_end"]) - pd.Timedelta(days=6)
    fig = go.Figure([go.Bar(x=_dates(start), y=plain_list(y), name=f"volume load ({unit})",
                            marker_color=PALETTE["deadlift"],
                            hovertemplate="week of %{x|%d %b %Y}: %{y:,.0f} " + unit
                            + "<extra></extra>")])
    fig.update_layout(base_layout(TITLES["volume"], f"volume load ({unit})", "week starting"))
    return fig


def fitness_figure(a, unit: str) -> go.Figure | None:
    f = a.fitness
    if f is None or f.empty:
        return None
    basis = a.load_basis
    scale = (lambda s: from_kg(s, unit)) if basis == "volume_load_kg" else (lambda s: s)
    label = f"volume load ({unit})" if basis == "volume_load_kg" else "session-RPE load (AU)"
    x = _dates(f["date"])
    fig = go.Figure([
        go.Bar(x=x, y=plain_list(scale(f["tsb"].astype(float)).round(0)), name="form (TSB)",
               marker_color=PALETTE["tsb"], opacity=0.5),
        go.Scatter(x=x, y=plain_list(scale(f["ctl"].astype(float)).round(0)), name="fitness (CTL)",
                   mode="lines", line=dict(color=PALETTE["ctl"], width=2.5)),
        go.Scatter(x=x, y=plain_list(scale(f["atl"].astype(float)).round(0)), name="fatigue (ATL)",
                   mode="lines", line=dict(color=PALETTE["atl"])),
    ])
    fig.update_layout(base_layout(TITLES["fitness"], label, "date"), bargap=0)
    return fig


def acwr_figure(a, unit: str) -> go.Figure | None:
    r = a.acwr
    if r is None or r.empty or r["rolling_coupled"].notna().sum() == 0:
        return None
    fig = go.Figure()
    add_acwr_zones(fig)
    x = _dates(r["date"])
    for col, name, colour in (("rolling_coupled", "rolling 7/28 days", PALETTE["deadlift"]),
                              ("ewma", "EWMA 7/28", PALETTE["e1rm"])):
        fig.add_scatter(x=x, y=plain_list(r[col].astype(float).round(2)), name=name, mode="lines",
                        line=dict(color=colour))
    fig.update_layout(base_layout(TITLES["acwr"], "acute : chronic", "date"))
    return fig


#: Weeks shaded on the pain chart: what a line of scores alone would hide or understate.
PAIN_WEEK_BANDS = {"stop": "zone_high", "pain unreadable": "unplanned"}


def pain_figure(a, unit: str) -> go.Figure | None:
    p = a.pain_daily
    weeks = a.pain_weeks if a.pain_weeks is not None else pd.DataFrame()
    marked = (weeks[weeks["status"].isin(list(PAIN_WEEK_BANDS))] if len(weeks)
              else weeks)
    if (p is None or p.empty) and marked.empty:
        return None
    p = p if p is not None else pd.DataFrame(columns=["date"])
    x = _dates(p["date"])
    fig = go.Figure([go.Scatter(x=x, y=plain_list(p[col].astype(float)), name=name,
                                mode="lines+markers", line=dict(color=PALETTE[col]))
                     for col, name in (("pain_during", "during"), ("pain_after", "after"),
                                       ("pain_next_morning", "next morning")) if col in p])
    limit = PainRules().during_max
    fig.add_hline(y=limit, line_dash="dash", line_color=PALETTE["zone_high"],
                  annotation_text=f"limit during and after: {limit:g}")
    fig.add_hline(y=STOP_PAIN, line_dash="dot", line_color=PALETTE["zone_high"],
                  annotation_text=f"stop rule: {STOP_PAIN:g} or more")
    for _, w in marked.iterrows():  # a stop week, or one whose pain nobody could read
        start = pd.Timestamp(w["week_start"])
        fig.add_vrect(x0=start, x1=start + pd.Timedelta(days=7), line_width=0, opacity=0.15,
                      fillcolor=PALETTE[PAIN_WEEK_BANDS[w["status"]]], layer="below",
                      annotation_text=w["status"], annotation_position="top left")
    fig.update_layout(base_layout(TITLES["pain"], "pain (0-10)", "date"))
    fig.update_yaxes(range=[0, 10])
    return fig


BUILDERS = {"compliance": compliance_figure, "deadlift": deadlift_figure,
            "volume": volume_figure, "fitness": fitness_figure, "acwr": acwr_figure,
            "pain": pain_figure}


def analysis_figures(a, unit: str = "kg", headed: bool = False) -> dict[str, go.Figure]:
    """Every chart the analysis ``a`` can draw, by name, loads in ``unit``.

    headed : the page puts ``TITLES[name]`` and ``CAPTIONS[name]`` above each chart (the
        app, the coach page, the HTML report), so the figures carry no title of their own.
    """
    figs = {name: build(a, unit) for name, build in BUILDERS.items()}
    figs = {k: v for k, v in figs.items() if v is not None}
    if headed:
        for fig in figs.values():
            fig.update_layout(title=None, margin=dict(t=40))
    return figs
