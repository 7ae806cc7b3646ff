"""The planner app in Python: controls change the plan and the figures, in place."""

from datetime import date

import pandas as pd
import pytest

from planner import PlanConfig, read_plan
from planner.widgets import PlannerApp


@pytest.fixture
def app(tmp_path):
    return PlannerApp(PlanConfig(start_date=date(2026, 1, 5), deadlift_start_load=40),
                      export_dir=tmp_path)


def test_weeks_slider_changes_bars_in_place(app):
    fig = app.figures["load"]
    assert len(fig.data[0].x) == 12
    app.controls["weeks"].value = 8
    assert app.figures["load"] is fig  # the same widget, updated
    assert len(fig.data[0].x) == 8 and app.plan.n_weeks == 8
    app.controls["weeks"].value = 12
    assert len(fig.data[0].x) == 12
    assert len(app.figures["calendar"].data[0].z) == 12


def test_deload_bar_lower_than_neighbours(app):
    y = list(app.figures["load"].data[0].y)
    assert y[3] < y[2] and y[3] < y[4]  # week 4 is a deload
    assert list(app.figures["load"].data[0].text).count("deload") == 3
    app.controls["deload"].value = "none"
    assert list(app.figures["load"].data[0].text).count("deload") == 0


def test_unit_switch_shows_pounds(app):
    app.controls["unit"].value = "lb"
    assert app.controls["bar"].value == 45
    assert app.plan.unit == "lb"
    # 40 kg = 88.2 lb -> rounded down to 85 lb with standard lb plates
    assert app.controls["start_load"].value == 85
    assert app.figures["deadlift"].data[0].y[0] == 85
    assert "lb" in app.figures["load"].layout.yaxis.title.text
    assert "45 lb bar" in app.week_table.value


def test_invalid_start_load_shows_message_and_keeps_charts(app):
    before = list(app.figures["deadlift"].data[0].y)
    app.controls["start_load"].value = 10
    assert "planner-msg-error" in app.message.value
    assert "Start load" in app.message.value and "lighter than the 20 kg bar" in app.message.value
    assert list(app.figures["deadlift"].data[0].y) == before
    app.controls["start_load"].value = 61
    assert "60 or 62.5" in app.message.value
    app.controls["start_load"].value = 60
    assert "planner-msg-ok" in app.message.value


def test_bad_plates_text_is_a_message_not_a_traceback(app):
    app.controls["plates"].value = "20, ten"
    assert "Plates" in app.message.value and "could not read" in app.message.value
    app.controls["plates"].value = ""
    assert "plate set is empty" in app.message.value


def test_training_days_and_volume(app):
    for day in ("mon", "wed", "fri"):
        app.controls[f"day_{day}"].value = False
    assert "Training days" in app.message.value  # none left: the message says so
    for day in ("tue", "thu", "sat"):
        app.controls[f"day_{day}"].value = True
    assert app.plan.config.deadlift_days == ("tue", "sat")
    n = len(app.plan.table)
    app.controls["volume"].value = 2.0
    assert len(app.plan.table) > n


def test_week_table_has_plates(app):
    app.week_select.value = 2
    assert "20 kg bar + 10 kg each side" in app.week_table.value
    assert "Barbell deadlift" in app.week_table.value


def test_export_writes_files_that_reread_and_never_overwrite(app, tmp_path):
    app.controls["weeks"].value = 6
    first = app.export("csv")
    second = app.export("csv")
    assert first != second and first.exists() and second.exists()
    pd.testing.assert_frame_equal(read_plan(first).table, app.plan.table)
    assert app.export("ics").suffix == ".ics"
    assert app.export("sheet").read_text().count("class='week'") == 6
    app._export_clicked("csv")
    assert "Saved" in app.export_result.value and str(tmp_path) in app.export_result.value
