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


# --- layout: legends beside the plot, readable ticks -------------------------------------------

def _legend_outside(fig) -> bool:
    """The legend is above the plot (anchored by its bottom at or above the top) or below it
    (anchored by its top at or below the bottom): never over the plot or its axes."""
    lg = fig.layout.legend
    return (lg.y >= 1 and lg.yanchor == "bottom") or (lg.y <= 0 and lg.yanchor == "top")


def test_legends_sit_outside_the_plot_and_the_title(plan):
    from planner.charts.style import LEGEND_ROW_PX, TITLE_PX

    figs = {**plan_figures(plan), "acwr": planned_acwr_figure(plan)}
    for name, fig in figs.items():
        assert _legend_outside(fig), name
        assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
        if name != "calendar":  # above the plot, below the title: room for both
            assert fig.layout.margin.t >= TITLE_PX + LEGEND_ROW_PX, name
    # the calendar's weekdays are above its grid: its legend goes below, with room
    cal = figs["calendar"]
    assert cal.layout.xaxis.side == "top"
    assert cal.layout.legend.y <= 0 and cal.layout.legend.yanchor == "top"
    assert cal.layout.margin.b >= LEGEND_ROW_PX
    # a new plan (other weeks, another height) keeps it there
    update_figure(cal, "calendar", generate(PlanConfig(start_date=date(2026, 1, 5), weeks=20)))
    assert _legend_outside(cal) and cal.layout.height > 400


def test_three_method_acwr_legend_wraps_to_a_grid_with_room_for_it(plan):
    """Three lines and two zones do not fit in one row at 760 px: plotly then gives every
    entry the widest one's width; the top margin holds the rows that makes."""
    from planner.charts.style import (
        LEGEND_ROW_PX,
        NARROWEST_PX,
        TITLE_PX,
        legend_names,
        legend_rows,
    )

    fig = planned_acwr_figure(plan)
    names = legend_names(fig)
    assert len(names) == 5
    m = fig.layout.margin
    rows = legend_rows(names, NARROWEST_PX - m.l - m.r)
    assert rows == 2
    assert m.t >= TITLE_PX + rows * LEGEND_ROW_PX


def test_legend_rows_are_counted_as_plotly_fills_them():
    from planner.charts.style import LEGEND_CHAR_PX, LEGEND_ENTRY_PX, legend_rows

    entry = LEGEND_ENTRY_PX + 10 * LEGEND_CHAR_PX  # an entry of ten characters
    assert legend_rows([], 500) == 0
    assert legend_rows(["x" * 10] * 3, 3 * entry) == 1
    assert legend_rows(["x" * 10] * 4, 3 * entry) == 2
    # not in one row: every entry as wide as the widest (a grid), unless grouped
    names = ["x" * 10, "x" * 10, "x" * 30]
    width = 2 * entry + LEGEND_ENTRY_PX + 30 * LEGEND_CHAR_PX - 1
    assert legend_rows(names, width, grouped=True) == 2
    assert legend_rows(names, width) == 3


def test_dates_read_day_then_month_and_the_year_once(plan):
    """Ticks a day or a week apart read "7 Dec", the year on a second line that plotly writes
    only under the first tick and where it changes (the text after "\\n"); months "Jul"."""
    for fig in (plan_figure("deadlift", plan), planned_acwr_figure(plan)):
        ax = fig.layout.xaxis
        stops = {tuple(s.dtickrange): s.value for s in ax.tickformatstops}
        day_ms = 24 * 3600 * 1000
        weekly = next(v for (lo, hi), v in stops.items()
                      if isinstance(lo, int) and lo <= 7 * day_ms <= hi)
        assert weekly == "%-d %b\n%Y"
        assert stops[("M1", "M6")] == "%b\n%Y"
        assert ax.hoverformat == "%a %-d %b %Y"


def test_stretch_axis_has_round_ticks(plan):
    """The right-hand axis takes plotly's own round steps, not ticks level with the left axis'
    grid lines (plotly's default for an overlaying axis gave 2.64, 5.29)."""
    fig = plan_figure("bodyweight", plan)
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.tickmode == "auto"
