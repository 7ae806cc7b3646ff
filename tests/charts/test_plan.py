"""Figures carry the plan's numbers, in the plan's unit."""

from datetime import date

import pytest

from planner import PlanConfig, generate
from planner.charts.plan import (
    SPECS,
    plan_figure,
    plan_figures,
    planned_acwr_figure,
    update_figure,
)


@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=date(2026, 1, 5), deadlift_start_load=40))


def test_weekly_load_is_sets_reps_load(plan):
    fig = plan_figure("load", plan)
    # week 1: Mon 3 x 10 and Fri 3 x 11 at 40 kg = 1200 + 1320
    assert fig.data[0].y[0] == pytest.approx(2520)
    assert list(fig.data[0].x) == list(range(1, 13))


def test_deadlift_chart_and_e1rm(plan):
    fig = plan_figure("deadlift", plan)
    assert fig.data[0].y[0] == 40
    assert fig.data[1].y[0] == pytest.approx(40 * (1 + 10 / 30), abs=0.05)


def test_bodyweight_and_calendar(plan):
    figs = plan_figures(plan)
    assert figs["bodyweight"].data[0].y[0] == 3 * 2 * 15  # Mon/Wed/Fri, 2 x 15
    assert figs["bodyweight"].data[1].y[0] == pytest.approx(7 * 30 / 60)  # 30 s a day
    cal = figs["calendar"]
    # One trace a category, so the legend names the categories.
    assert [t.name for t in cal.data] == ["stretch only", "bridge + stretch", "deadlift day"]
    week1 = [{x for x, y in zip(t.x, t.y, strict=True) if y == "week 1"} for t in cal.data]
    assert week1 == [{"Tue", "Thu", "Sat", "Sun"}, {"Wed"}, {"Mon", "Fri"}]
    assert "week 4 · deload" in cal.data[0].y


def test_update_in_place_changes_length(plan):
    fig = plan_figure("load", plan)
    short = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=5))
    update_figure(fig, "load", short)
    assert len(fig.data[0].x) == 5
    assert set(SPECS) == {"load", "deadlift", "bodyweight", "calendar"}


def test_no_chart_has_a_fixed_width(plan):
    for fig in plan_figures(plan).values():
        assert fig.layout.width is None and fig.layout.autosize is True


def test_plan_and_analysis_share_colours(plan):
    from planner.charts.style import COLOURS

    figs = plan_figures(plan)
    assert figs["deadlift"].data[0].line.color == COLOURS["deadlift"]
    assert figs["bodyweight"].data[0].marker.color == COLOURS["glute_bridge"]
    assert figs["calendar"].data[2].marker.color == COLOURS["deadlift"]


def test_acwr_chart_has_three_methods(plan):
    fig = planned_acwr_figure(plan)
    assert len(fig.data) == 3
