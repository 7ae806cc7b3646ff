"""Charts of an analysis: the log's numbers, in the user's unit, in the plan's colours."""

import pandas as pd
import pytest

import planner
from planner.catalogue import data_path
from planner.charts.analysis import TITLES, analysis_figures
from planner.charts.style import COLOURS
from planner.units import KG_PER_LB


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
    from planner.charts.analysis import GAP_DAYS, broken_at_gaps, deadlift_figure

    days = ["2026-01-05", "2026-01-12", "2026-01-19", "2026-04-20", "2026-04-27"]
    rows = [{"date": d, "exercise": "deadlift", "set": 1, "reps": 10, "hold_s": None,
             "side": "both", "load_kg": 60.0 + 5 * i} for i, d in enumerate(days)]
    from tests.logkit import log_table

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
