"""Charts of an analysis: the log's numbers, in the user's unit, in the plan's colours."""

import numpy as np
import pandas as pd
import pytest

import planner
from planner.analysis import GAP_DAYS
from planner.catalogue import data_path
from planner.charts.analysis import NO_RPE, TITLES, analysis_figures, shared_x_range
from planner.charts.style import COLOURS
from planner.units import KG_PER_LB
from tests.logkit import log_table
from tests.paths import EXPORTS


@pytest.fixture(scope="module")
def sample():
    log = planner.read_log(data_path("sample_log.csv"))
    plan = planner.read_plan(data_path("sample_plan.csv"))
    return log, plan, planner.analyse(log, plan)


def test_every_chart_with_a_plan(sample):
    _, _, a = sample
    figs = analysis_figures(a)
    assert list(figs) == ["compliance", "deadlift", "volume", "fitness", "acwr", "pain"]
    for fig in figs.values():
        assert fig.layout.width is None


def test_headed_figures_leave_the_title_to_the_page(sample):
    """The app, the coach page and the report put TITLES above each chart: no second title."""
    _, _, a = sample
    titled, headed = analysis_figures(a), analysis_figures(a, headed=True)
    assert [f.layout.title.text for f in titled.values()] == [TITLES[n] for n in titled]
    assert all(f.layout.title.text is None for f in headed.values())


def test_compliance_counts_planned_sets_to_the_last_logged_day(sample):
    _, plan, a = sample
    fig = analysis_figures(a)["compliance"]
    total = sum(sum(t.y) for t in fig.data)
    planned = plan.table[plan.table["date"] <= a.summary["last_day"]]
    assert total == len(planned)
    assert [t.name for t in fig.data] == ["done", "over", "partial", "missed"]


def test_deadlift_chart_in_pounds(sample):
    log, _, a = sample
    kg = analysis_figures(a, "kg")["deadlift"].data[0]
    lb = analysis_figures(a, "lb")["deadlift"].data[0]
    assert lb.y[0] == pytest.approx(kg.y[0] / KG_PER_LB, abs=0.06)
    assert kg.line.color == COLOURS["deadlift"]
    d = log.table[(log.table["exercise"] == "deadlift") & (log.table["set_type"] == "working")]
    first_day = d["date"].min()
    assert kg.y[0] == pytest.approx(d.loc[d["date"] == first_day, "load_kg"].max())


def test_weekly_volume_bars_are_the_weeks_sums(sample):
    log, _, a = sample
    fig = analysis_figures(a)["volume"]
    t = log.table[log.table["set_type"].isin(["working", "failure"])]
    vl = (t["reps"].astype(float) * t["load_kg"].astype(float)).fillna(0)
    monday = t["date"] - pd.to_timedelta(t["date"].dt.day_of_week, unit="D")
    expected = vl.groupby(monday).sum()
    got = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert {f"{k:%Y-%m-%d}": round(v) for k, v in expected.items()} == got


def test_without_a_plan_there_is_no_compliance_chart(sample):
    log, _, _ = sample
    figs = analysis_figures(planner.analyse(log))
    assert "compliance" not in figs and "fitness" in figs


def test_the_progression_lines_break_where_training_stopped():
    """Deadlift days 5, 12 and 19 January, then nothing until 20 April (91 days), then 27
    April: each line breaks once, between 19 January and 20 April (a None there), and holds
    every logged day as it was; no line runs across the layoff."""
    from planner.charts.analysis import broken_at_gaps, deadlift_figure

    days = ["2026-01-05", "2026-01-12", "2026-01-19", "2026-04-20", "2026-04-27"]
    rows = [{"date": d, "exercise": "deadlift", "set": 1, "reps": 10, "hold_s": None,
             "side": "both", "load_kg": 60.0 + 5 * i} for i, d in enumerate(days)]
    a = planner.analyse(log_table(rows))
    fig = deadlift_figure(a, "kg")
    for trace in fig.data:
        ys = list(trace.y)
        assert ys.count(None) == 1 and ys.index(None) == 3
        assert [y for y in ys if y is not None] == pytest.approx(
            [60.0, 65.0, 70.0, 75.0, 80.0] if "top" in trace.name else ys[:3] + ys[4:])
        assert "2026-01-19" < trace.x[3] < "2026-04-20"
    # a gap of exactly GAP_DAYS does not break, one day more does
    x, y = broken_at_gaps(pd.Series(["2026-01-01", "2026-01-29", "2026-02-27"]),
                          pd.Series([1.0, 2.0, 3.0]))
    assert GAP_DAYS == 28 and y == [1.0, 2.0, None, 3.0] and len(x) == 4


# --- charts that tell the truth ---------------------------------------------------------------

def _sessions(first: str, days: int, step: int = 2, **kw) -> list[dict]:
    """A deadlift session (1 x 10 at 60 kg, volume load 600) every ``step`` days."""
    d0 = pd.Timestamp(first)
    return [{"date": d0 + pd.Timedelta(days=i), "exercise": "deadlift", "set": 1, "reps": 10,
             "side": "both", "load_kg": 60.0, **kw} for i in range(0, days, step)]


def _lines(fig):
    return [t for t in fig.data if t.type == "scatter" and "lines" in (t.mode or "")]


def test_a_log_without_rpe_draws_its_volume_load_and_says_so():
    a = planner.analyse(log_table(_sessions("2026-01-05", 35)))
    figs = analysis_figures(a)
    fit = figs["fitness"]
    assert "volume load (kg)" in fit.layout.yaxis.title.text
    assert NO_RPE in fit.layout.yaxis.title.text
    ctl = next(t for t in fit.data if t.name == "fitness (CTL)")
    assert max(y for y in ctl.y if y is not None) > 0  # not a line of zeros
    vol = figs["volume"]
    assert NO_RPE in vol.data[0].name and len(vol.data) == 1
    # sessions on days 0, 2, ... 34 from a Monday: 4, 3, 4, 3, 4 a week, 600 kg each
    assert list(vol.data[0].y) == [2400.0, 1800.0, 2400.0, 1800.0, 2400.0]
    assert "volume load" in figs["acwr"].layout.yaxis.title.text


def test_days_with_session_rpe_draw_it_and_a_rated_stretch_runs_on_it():
    """Stretch 1 logged without RPE, stretch 2 (after 60 days) with 5 x 40 min every session:
    the weekly chart shows the session-RPE load of the weeks rated (right axis); fitness
    draws stretch 1 in volume load (right axis, shaded) and stretch 2 in session-RPE load."""
    rows = _sessions("2026-01-05", 35) + _sessions("2026-04-06", 35, session_rpe=5,
                                                  session_min=40)
    a = planner.analyse(log_table(rows))
    figs = analysis_figures(a)
    vol = figs["volume"]
    srpe = next(t for t in vol.data if t.name == "session-RPE load (AU)")
    assert srpe.yaxis == "y2"
    by_week = dict(zip(srpe.x, srpe.y, strict=True))
    assert by_week["2026-04-06"] == 800.0  # 4 sessions of 5 x 40 that week
    assert by_week["2026-01-05"] is None  # not rated: no bar, not a bar of 0
    fit = figs["fitness"]
    assert fit.layout.yaxis.title.text == "session-RPE load (AU)"
    assert fit.layout.yaxis2.title.text == "volume load (kg)"
    ctl_srpe, ctl_vol = (t for t in fit.data if t.name == "fitness (CTL)")
    assert ctl_srpe.yaxis == "y" and ctl_vol.yaxis == "y2"
    x = list(ctl_srpe.x)
    first = x.index("2026-04-06")
    assert ctl_srpe.y[first] == round(200 * (1 - np.exp(-1 / 42)))
    assert all(y is None for y in ctl_srpe.y[:first]) and ctl_vol.y[first] is None
    shaded = {s.name for s in fit.layout.shapes}
    assert f"volume load: {NO_RPE}" in shaded


def test_a_gap_of_60_days_breaks_every_line():
    """Training 5 January to 8 February, nothing for 60 days, then again from 10 April:
    every line of every chart has a None between the two stretches, none runs across."""
    rows = _sessions("2026-01-05", 35, pain_during=2.0) \
        + _sessions("2026-04-10", 35, pain_during=3.0)
    a = planner.analyse(log_table(rows))
    figs = analysis_figures(a)
    assert {"deadlift", "fitness", "acwr", "pain"} <= set(figs)
    for name, fig in figs.items():
        for trace in _lines(fig):
            inside = [y for x, y in zip(trace.x, trace.y, strict=True)
                      if "2026-02-08" < str(x)[:10] < "2026-04-10"]
            assert inside and all(y is None for y in inside), (name, trace.name)
    for name in ("fitness", "acwr"):
        gaps = [s for s in figs[name].layout.shapes if s.legendgroup == "gap"]
        assert len(gaps) == 1 and str(gaps[0].x0)[:10] == "2026-02-09"


def test_acwr_axis_fits_its_data_and_no_label_covers_a_line():
    """Sessions every 3 days, then a much heavier week: the ratio climbs above 2; the axis
    reaches past it, and the zones are named in the legend, not written on the plot."""
    rows = _sessions("2026-01-05", 42, 3)
    rows += [{**r, "load_kg": 180.0} for r in _sessions("2026-02-16", 7, 1)]
    a = planner.analyse(log_table(rows))
    fig = analysis_figures(a)["acwr"]
    ys = [y for t in fig.data for y in t.y if y is not None]
    assert max(ys) > 2
    lo, hi = fig.layout.yaxis.range
    assert lo == 0 and hi >= max(ys) and hi == pytest.approx(round(1.1 * max(ys), 2))
    assert not fig.layout.annotations  # no text on the plot at all
    zones = [s for s in fig.layout.shapes if s.showlegend and s.name
             and ("0.8-1.3" in s.name or "1.5 and above" in s.name)]
    assert len(zones) == 2
    assert max(s.y1 for s in zones) == hi  # the danger band runs to the top of the axis
    # a calm log keeps an axis up to 2 at least
    calm = analysis_figures(planner.analyse(log_table(_sessions("2026-01-05", 60))))["acwr"]
    assert calm.layout.yaxis.range[1] == 2.0


def test_every_chart_shares_one_date_range(sample):
    _, _, a = sample
    figs = analysis_figures(a, headed=True)
    span = shared_x_range(a)
    assert len(figs) == 6
    assert {tuple(f.layout.xaxis.range) for f in figs.values()} == {tuple(span)}
    first, last = a.summary["first_day"], a.summary["last_day"]
    assert span[0] < f"{first:%Y-%m-%d}" and span[1] > f"{last:%Y-%m-%d}"
    # the compliance bars now stand on the same dates: each programme week at its start
    comp = figs["compliance"].data[0]
    assert comp.x[0] == f"{a.weekly_load['week_start'].iloc[0]:%Y-%m-%d}"


def _same_plot_width(figs) -> None:
    """Every figure has the same fixed left and right margin, not widened by its y axes'
    labels nor by its x axis' end labels: over one date range, a date sits at the same
    place on every chart."""
    from planner.charts.style import SIDE_MARGINS

    assert {(f.layout.margin.l, f.layout.margin.r) for f in figs.values()} == {
        (SIDE_MARGINS["l"], SIDE_MARGINS["r"])}
    for name, fig in figs.items():
        ys = [fig.layout[k] for k in fig.layout if k.startswith("yaxis")]
        assert ys and all(y.automargin is False for y in ys), name
        assert fig.layout.xaxis.automargin == "height", name


def test_every_chart_has_the_same_plot_width(sample):
    """The charts' y axes differ (a two-line title, a right-hand axis): their margins do not."""
    _, _, a = sample
    for headed in (False, True):
        figs = analysis_figures(a, "lb", headed=headed)
        assert "yaxis2" in figs["volume"].layout  # session-RPE load on the right
        _same_plot_width(figs)
    mixed = _sessions("2026-01-05", 35) + _sessions("2026-04-06", 35, session_rpe=5,
                                                     session_min=40)
    figs = analysis_figures(planner.analyse(log_table(mixed)))
    assert figs["fitness"].layout.yaxis2.side == "right"
    _same_plot_width(figs)


def test_legends_sit_above_the_plot_with_room_for_their_rows():
    """A log with a layoff: the ACWR legend gets a fifth entry (the gap) and wraps to two rows
    at 760 px; the top margin holds both, headed (no title) or with its title above."""
    from planner.charts.style import (
        LEGEND_ROW_PX,
        NARROWEST_PX,
        TITLE_PX,
        legend_names,
        legend_rows,
    )

    rows = _sessions("2026-01-05", 35) + _sessions("2026-04-10", 35)
    a = planner.analyse(log_table(rows))
    for headed in (False, True):
        figs = analysis_figures(a, headed=headed)
        for name, fig in figs.items():
            lg, m = fig.layout.legend, fig.layout.margin
            assert lg.y >= 1 and lg.yanchor == "bottom" and lg.orientation == "h", name
            grouped = any(x.legendgroup for x in (*fig.data, *fig.layout.shapes))
            n = legend_rows(legend_names(fig), NARROWEST_PX - m.l - m.r, grouped)
            assert m.t >= (0 if headed else TITLE_PX) + n * LEGEND_ROW_PX, name
        acwr = figs["acwr"]
        assert f"nothing logged (over {GAP_DAYS} days)" in legend_names(acwr)
        assert len(legend_names(acwr)) == 5
        assert acwr.layout.margin.t >= (0 if headed else TITLE_PX) + 2 * LEGEND_ROW_PX


def test_date_ticks_read_day_then_month(sample):
    """"7 Dec" at ticks a week apart, the year once (plotly writes the text after "\n" only
    where it changes), as the page writes days; the whole day on hover."""
    _, _, a = sample
    for name, fig in analysis_figures(a, headed=True).items():
        ax = fig.layout.xaxis
        values = [s.value for s in ax.tickformatstops]
        assert "%-d %b\n%Y" in values and "%b\n%Y" in values, name
        assert ax.hoverformat == "%a %-d %b %Y", name


@pytest.mark.skipif(not (EXPORTS / "fitnotes_f1.csv").exists(),
                    reason="../shared/fixtures/exports is not beside the project")
def test_a_real_export_through_the_whole_analysis():
    """FitNotes, three years without session RPE: the load charts run on volume load and say
    so; fitness is above 0 wherever the weekly chart shows work; lines break at its
    layoffs; the ACWR axis holds its lines; one date range."""
    log = planner.read_log(EXPORTS / "fitnotes_f1.csv")
    a = planner.analyse(log)
    figs = analysis_figures(a, log.unit, headed=True)
    assert {"deadlift", "volume", "fitness", "acwr"} <= set(figs)
    assert len({tuple(f.layout.xaxis.range) for f in figs.values()}) == 1
    _same_plot_width(figs)  # and one plot width: a date at one place on every chart
    assert NO_RPE in figs["fitness"].layout.yaxis.title.text
    assert NO_RPE in figs["volume"].data[0].name
    ctl = next(t for t in figs["fitness"].data if t.name == "fitness (CTL)")
    ctl_by_day = dict(zip(ctl.x, ctl.y, strict=True))
    d = a.daily_load
    worked = d.loc[d["volume_load_kg"] > 0, "date"]
    assert len(worked) > 400
    for day in worked:  # every day with work: fitness is known and above 0
        assert ctl_by_day[f"{day:%Y-%m-%d}"] > 0, day
    assert any(y is None for y in ctl.y)  # its layoffs (over 28 days) are gaps
    acwr = figs["acwr"]
    ys = [y for t in acwr.data for y in t.y if y is not None]
    assert min(ys) >= 0 and max(ys) <= acwr.layout.yaxis.range[1]
    assert not acwr.layout.annotations
