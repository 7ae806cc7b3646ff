"""Figures carry the plan's numbers, in the plan's unit."""

from datetime import date

import pytest

from planner import PlanConfig, generate
from planner.plots import SPECS, plan_figure, plan_figures, planned_acwr_figure, update_figure


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
    z = figs["calendar"].data[0].z
    assert list(z[0]) == [2, 0, 1, 0, 2, 0, 0]  # Mon deadlift, Wed bridge, Fri deadlift


def test_update_in_place_changes_length(plan):
    fig = plan_figure("load", plan)
    short = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=5))
    update_figure(fig, "load", short)
    assert len(fig.data[0].x) == 5
    assert set(SPECS) == {"load", "deadlift", "bodyweight", "calendar"}


def test_acwr_chart_has_three_methods(plan):
    fig = planned_acwr_figure(plan)
    assert len(fig.data) == 3
