"""Charts of a log analysis, in the colours and layout of the plan's charts.

``analysis_figures(analysis, unit)`` gives every chart the analysis can draw,
by name, in the order a person reads them: compliance to date (needs a plan),
deadlift progression, weekly training load, fitness and fatigue (CTL/ATL/TSB),
ACWR (as context) and pain. A chart the log cannot fill is left out. Loads are
drawn in ``unit``; figure data are plain lists (see :mod:`planner.charts.plan`).

What the charts promise (the analysis' tables keep the same promises):

- one date range for all of them (:func:`shared_x_range`) and one plot width (the same
  fixed side margins, :data:`planner.charts.style.SIDE_MARGINS`), so that a week sits at
  the same place on every chart;
- dates read "7 Dec", the year once; the legend above the plot, with room for its rows;
- a line breaks where training stopped (more than ``GAP_DAYS`` days without a session):
  nothing was logged there, so nothing is drawn, and a grey band says so;
- the load charts say their measure: session RPE x minutes where every session of a
  stretch of training has both, else the volume load (sets x reps x load), named as
  such; a week without a session has no bar, never a bar of 0;
- the ACWR axis fits its data and its zones are named in the legend, not written over
  the lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner.analysis import GAP_DAYS, STOP_PAIN, PainRules
from planner.charts.style import (
    PALETTE,
    add_acwr_zones,
    base_layout,
    fixed_side_margins,
    place_legend,
    plain_list,
)
from planner.units import from_kg
from planner.words import day_text

BAND_ORDER = ("done", "over", "partial", "missed")
#: A programme week on a date axis [ms]: weekly bars span their week.
WEEK_MS = 7 * 24 * 3600 * 1000
NO_RPE = "no RPE or duration logged"

# One line under each chart, saying what it shows.
CAPTIONS = {
    "compliance": "Each planned set up to your last logged day, per programme week: done, "
                  "over (more than planned), partial (less) or missed.",
    "deadlift": "Heaviest load of each deadlift session and the best estimated one-rep max "
                "(Epley). Open circles: estimated from more than 12 reps, less reliable.",
    "volume": "Sets × reps × load each week, for every exercise with an external load; and, "
              "where you logged them, session RPE × minutes (right axis). A week without a "
              "session has no bar.",
    "fitness": "Fitness (CTL, 42-day average load), fatigue (ATL, 7-day) and form "
               "(TSB = fitness − fatigue, of the day before), in the measure the axis names: "
               "session RPE × minutes where every session has both, else volume load. Each "
               "stretch of training starts again after more than four weeks with nothing "
               "logged.",
    "acwr": "Last week's load over the last four weeks', within each stretch of training. "
            "The shaded zones are context only: whether they predict injury is disputed.",
    "pain": "Worst pain of each day (0-10). During and after may reach 5; next-morning "
            "pain should settle. Shaded: a week with a stop rule, or with pain written in a "
            "way that could not be read.",
}
TITLES = {"compliance": "Compliance to date", "deadlift": "Deadlift progression",
          "volume": "Weekly training load", "fitness": "Fitness, fatigue and form",
          "acwr": "Acute:chronic workload ratio", "pain": "Pain"}


def _dates(values: pd.Series) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.to_datetime(values)]


def _measure_title(measure: str, unit: str, alone: bool) -> str:
    """An axis title naming the load's measure; the volume load, when no session has its
    RPE and minutes (``alone``), says that too."""
    if measure == "srpe_load":
        return "session-RPE load (AU)"
    return f"volume load ({unit})" + (f"<br>{NO_RPE}" if alone else "")


def _programme_week_starts(a, weeks: pd.Series) -> pd.Series:
    """The first day of each programme week number in ``weeks``: from the weekly loads'
    weeks (the analysis' own), else the first planned day of the week."""
    w = a.weekly_load
    if w is not None and len(w):
        w0, s0 = int(w["week"].iloc[0]), pd.Timestamp(w["week_start"].iloc[0])
        return s0 + pd.to_timedelta((weeks.astype(int) - w0) * 7, unit="D")
    first = a.sets.groupby("week")["date"].min()
    return weeks.map(first)


def shared_x_range(a) -> list[str] | None:
    """The date range every chart of ``a`` shows, as [first, last] text: the first to the
    last logged day, widened to the whole weeks the weekly charts draw, and a day's padding
    either side. None without a logged day. The page can give other charts it shows beside
    these the same range (``fig.update_xaxes(range=shared_x_range(a))``)."""
    s = a.summary
    first, last = s.get("first_day"), s.get("last_day")
    if first is None or pd.isna(first):
        return None
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    starts = []
    if a.weekly_load is not None and len(a.weekly_load):
        starts.append(pd.to_datetime(a.weekly_load["week_start"]))
    if a.sets is not None and len(a.sets):
        drawn = a.sets[(a.sets["band"] != "unplanned") & (a.sets["date"] <= hi)]
        if len(drawn):
            starts.append(_programme_week_starts(a, pd.Series(drawn["week"].unique())))
    if a.pain_weeks is not None and len(a.pain_weeks):
        starts.append(pd.to_datetime(a.pain_weeks["week_start"]))
    if starts:
        every = pd.concat(starts, ignore_index=True)
        lo = min(lo, every.min())
        hi = max(hi, every.max() + pd.Timedelta(days=6))
    return [f"{lo - pd.Timedelta(days=1):%Y-%m-%d}", f"{hi + pd.Timedelta(days=1):%Y-%m-%d}"]


def _finished(fig: go.Figure) -> go.Figure:
    """``fig`` with the margins every analysis chart shares (so that their plot areas line
    up) and its legend given room above the plot."""
    fixed_side_margins(fig)
    place_legend(fig)
    return fig


def compliance_figure(a, unit: str) -> go.Figure | None:
    """Planned sets per programme week by band, up to the last logged day, each bar over its
    week on the date axis that every analysis chart shares."""
    if a.sets is None or a.sets.empty:
        return None
    last = a.summary.get("last_day")
    planned = a.sets[a.sets["band"] != "unplanned"]
    if last is not None and pd.notna(last):
        planned = planned[planned["date"] <= last]
    if planned.empty:
        return None
    counts = pd.crosstab(planned["week"], planned["band"])
    starts = _programme_week_starts(a, pd.Series(counts.index))
    x = _dates(starts)
    week = [[int(w), day_text(d)] for w, d in zip(counts.index, starts, strict=True)]
    fig = go.Figure([go.Bar(x=x, y=plain_list(counts[b]), name=b, marker_color=PALETTE[b],
                            xperiod=WEEK_MS, xperiodalignment="middle", customdata=week,
                            hovertemplate="week %{customdata[0]} (from %{customdata[1]}): "
                            "%{y} sets " + b + "<extra></extra>")
                     for b in BAND_ORDER if b in counts])
    fig.update_layout(base_layout(TITLES["compliance"], "planned sets",
                                  "programme week, starting", dates=True),
                      barmode="stack")
    return _finished(fig)


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


def _runs(days: pd.Series, mask: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(first day, day after the last) of each run of consecutive days where ``mask``."""
    m = mask.to_numpy(bool)
    if not m.any():
        return []
    d = pd.to_datetime(days).reset_index(drop=True)
    edge = np.diff(np.concatenate([[0], m.astype(int), [0]]))
    return [(d[i], d[j - 1] + pd.Timedelta(days=1))
            for i, j in zip(np.flatnonzero(edge == 1), np.flatnonzero(edge == -1), strict=True)]


#: What a shaded stretch of a load chart means, and its colour.
LOAD_BANDS = {"gap": (f"nothing logged (over {GAP_DAYS} days)", "unplanned"),
              "none": ("no RPE, duration or load logged", "partial"),
              "volume_load_kg": (f"volume load: {NO_RPE}", "deload")}


def _shade(fig: go.Figure, t: pd.DataFrame, kinds: tuple[str, ...]) -> None:
    """Shade the days of ``t`` (a table of :func:`planner.analysis.load_metrics`) that are
    a gap, or whose stretch is of a measure in ``kinds``, each kind named once in the
    legend (never written over a line)."""
    measure = t["measure"].astype(object)
    for kind in kinds:
        mask = measure.isna() if kind == "gap" else measure.eq(kind).fillna(False)
        name, colour = LOAD_BANDS[kind]
        for i, (x0, x1) in enumerate(_runs(t["date"], mask)):
            fig.add_vrect(x0=x0, x1=x1, fillcolor=PALETTE[colour], opacity=0.15, line_width=0,
                          layer="below", name=name, legendgroup=kind, showlegend=i == 0)


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
                   hovertemplate="%{x|%a %-d %b %Y}: %{y} " + unit + "<extra></extra>"),
        go.Scatter(x=x, y=e1, name=f"best e1RM ({unit}, Epley)", mode="lines+markers",
                   line=dict(color=PALETTE["e1rm"], dash="dot"),
                   marker=dict(symbol=["circle" if r else "circle-open" for r in reliable],
                               size=8),
                   hovertemplate="%{x|%a %-d %b %Y}: e1RM %{y} " + unit + "<extra></extra>"),
    ])
    fig.update_layout(base_layout(TITLES["deadlift"], f"load ({unit})", "date", dates=True))
    return _finished(fig)


def volume_figure(a, unit: str) -> go.Figure | None:
    """The weekly load as logged: the volume load of every week with a session, and beside it
    (right axis) the session-RPE load of the days that have one. A week without a session
    has no bar; a volume-only log says it has no session RPE or duration."""
    w = a.weekly_load
    if w is None or w.empty or "volume_load_kg" not in w:
        return None
    logged = (w["days_logged"] > 0) if "days_logged" in w else pd.Series(True, index=w.index)
    y = from_kg(w["volume_load_kg"].astype(float), unit).round(0).where(logged)
    rated = w["days_rated"] if "days_rated" in w else pd.Series(0, index=w.index)
    has_srpe = bool((rated > 0).any())
    if not (y > 0).any() and not has_srpe:
        return None
    x = _dates(w["week_start"])
    name = f"volume load ({unit})" + ("" if has_srpe else f": {NO_RPE}")
    fig = go.Figure([go.Bar(x=x, y=plain_list(y), name=name, marker_color=PALETTE["deadlift"],
                            xperiod=WEEK_MS, xperiodalignment="middle", offsetgroup="volume",
                            hovertemplate="week of %{x|%a %-d %b %Y}: %{y:,.0f} " + unit
                            + "<extra></extra>")])
    layout = base_layout(TITLES["volume"], f"volume load ({unit})", "week starting",
                         dates=True)
    if has_srpe:
        srpe = w["srpe_load"].astype(float).round(0).where(rated > 0)
        days = [[int(r), int(n)] for r, n in zip(rated, w.get("days_logged", rated),
                                                  strict=True)]
        fig.add_bar(x=x, y=plain_list(srpe), name="session-RPE load (AU)", yaxis="y2",
                    marker_color=PALETTE["e1rm"], xperiod=WEEK_MS, xperiodalignment="middle",
                    offsetgroup="srpe", customdata=days,
                    hovertemplate="week of %{x|%a %-d %b %Y}: %{y:,.0f} AU (RPE × minutes on "
                    "%{customdata[0]} of %{customdata[1]} session days)<extra></extra>")
        layout.update(yaxis2=dict(title=dict(text="session-RPE load (AU)"), overlaying="y",
                                  side="right", rangemode="tozero", showgrid=False,
                                  tickmode="auto"))
    fig.update_layout(layout, barmode="group", showlegend=True)
    return _finished(fig)


def _measures(t: pd.DataFrame) -> list[str]:
    """The measures of ``t``'s stretches with a load, session-RPE first."""
    return [m for m in ("srpe_load", "volume_load_kg") if t["measure"].eq(m).fillna(False).any()]


def fitness_figure(a, unit: str) -> go.Figure | None:
    """CTL, ATL and TSB in each stretch's measure: one axis when the log has one measure, the
    session-RPE load on the left and the volume load on the right when it has both (no line
    mixes them). Gaps and stretches without any load are shaded, never drawn as 0."""
    f = a.fitness
    if f is None or f.empty:
        return None
    if "measure" not in f:  # a table of another make: one measure, the analysis' basis
        f = f.assign(measure=a.load_basis, date=pd.to_datetime(f["date"]))
    measures = _measures(f)
    both = len(measures) == 2
    fig = go.Figure()
    x = _dates(f["date"])
    layout = base_layout(TITLES["fitness"], "load" if measures else "no load logged", "date",
                         dates=True)
    for i, m in enumerate(measures):
        axis = "y2" if i else "y"
        scale = (lambda s: from_kg(s, unit)) if m == "volume_load_kg" else (lambda s: s)
        mine = f["measure"].eq(m).fillna(False)

        def values(col: str, scale=scale, mine=mine) -> list:
            return plain_list(scale(f[col].astype(float).where(mine)).round(0))

        # one legend entry a metric (clicking it shows or hides both measures' lines); the
        # axes and the shaded stretches say which measure is which
        same = dict(yaxis=axis, showlegend=not i)
        fig.add_bar(x=x, y=values("tsb"), name="form (TSB)", marker_color=PALETTE["tsb"],
                    opacity=0.5, legendgroup="tsb", **same)
        fig.add_scatter(x=x, y=values("ctl"), name="fitness (CTL)", mode="lines",
                        legendgroup="ctl", line=dict(color=PALETTE["ctl"], width=2.5), **same)
        fig.add_scatter(x=x, y=values("atl"), name="fatigue (ATL)", mode="lines",
                        legendgroup="atl", line=dict(color=PALETTE["atl"]), **same)
        title = _measure_title(m, unit, alone=m == "volume_load_kg" and not both)
        if i:
            layout.update(yaxis2=dict(title=dict(text=title), overlaying="y", side="right",
                                      showgrid=False, tickmode="auto"))
        else:
            layout["yaxis"] = dict(title=dict(text=title))
    _shade(fig, f, ("gap", "none") + (("volume_load_kg",) if both else ()))
    fig.update_layout(layout, bargap=0)
    return _finished(fig)


def acwr_figure(a, unit: str) -> go.Figure | None:
    """The rolling 7/28 and EWMA ratios, broken at gaps, on an axis from 0 to above their
    highest value (at least 2); Gabbett's zones shaded and named in the legend."""
    r = a.acwr
    if r is None or r.empty or r["rolling_coupled"].notna().sum() == 0:
        return None
    cols = (("rolling_coupled", "rolling 7/28 days", PALETTE["deadlift"]),
            ("ewma", "EWMA 7/28", PALETTE["e1rm"]))
    highest = float(np.nanmax(r[[c for c, _, _ in cols]].astype(float).to_numpy()))
    top = round(max(2.0, 1.1 * highest), 2)
    fig = go.Figure()
    add_acwr_zones(fig, top)
    x = _dates(r["date"])
    for col, name, colour in cols:
        fig.add_scatter(x=x, y=plain_list(r[col].astype(float).round(2)), name=name, mode="lines",
                        line=dict(color=colour))
    ytitle = "acute : chronic"
    if "measure" in r:
        measures = _measures(r)
        if len(measures) == 1:
            ytitle += ("<br>of session-RPE load" if measures[0] == "srpe_load"
                       else "<br>of volume load")
        _shade(fig, r, ("gap", "none") + (("volume_load_kg",) if len(measures) == 2 else ()))
    fig.update_layout(base_layout(TITLES["acwr"], ytitle, "date", dates=True))
    fig.update_yaxes(range=[0, top])
    return _finished(fig)


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
    lines = [(col, name) for col, name in (("pain_during", "during"), ("pain_after", "after"),
                                           ("pain_next_morning", "next morning")) if col in p]
    x, *ys = broken_at_gaps(p["date"], *(p[col].astype(float) for col, _ in lines))
    fig = go.Figure([go.Scatter(x=x, y=y, name=name, mode="lines+markers",
                                line=dict(color=PALETTE[col]))
                     for (col, name), y in zip(lines, ys, strict=True)])
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
    fig.update_layout(base_layout(TITLES["pain"], "pain (0-10)", "date", dates=True))
    fig.update_yaxes(range=[0, 10])
    return _finished(fig)


BUILDERS = {"compliance": compliance_figure, "deadlift": deadlift_figure,
            "volume": volume_figure, "fitness": fitness_figure, "acwr": acwr_figure,
            "pain": pain_figure}


def analysis_figures(a, unit: str = "kg", headed: bool = False) -> dict[str, go.Figure]:
    """Every chart the analysis ``a`` can draw, by name, loads in ``unit``, all over one date
    range (:func:`shared_x_range`).

    headed : the page puts ``TITLES[name]`` and ``CAPTIONS[name]`` above each chart (the
        app, the coach page, the HTML report), so the figures carry no title of their own.
    """
    figs = {name: build(a, unit) for name, build in BUILDERS.items()}
    figs = {k: v for k, v in figs.items() if v is not None}
    span = shared_x_range(a)
    for fig in figs.values():
        if span is not None:
            fig.update_xaxes(range=span)
        if headed:
            fig.update_layout(title=None)
            place_legend(fig)  # the legend takes the title's room
    return figs
