"""The app's typed inputs: plates text, start dates and tiny plates, refused or read right."""

from __future__ import annotations

import time
from datetime import date

import pytest

from planner import PlanConfig
from planner.app.planner_app import PlannerApp


@pytest.fixture
def app(tmp_path):
    return PlannerApp(PlanConfig(start_date=date(2026, 1, 5), deadlift_start_load=40),
                      export_dir=tmp_path)


@pytest.mark.parametrize(
    ("text", "plates"),
    [
        ("20, 10, 2,5", (20.0, 10.0, 2.5)),
        ("20; 10; 5; 2,5; 1,25", (20.0, 10.0, 5.0, 2.5, 1.25)),
        ("25, 20, 15, 10, 5, 2.5, 1.25", (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25)),
        ("20,10,5", (20.0, 10.0, 5.0)),
        ("20 10 5 2.5", (20.0, 10.0, 5.0, 2.5)),
    ],
)
def test_plates_2_comma_5_in_the_app_is_a_decimal_comma(app, text, plates):
    app.controls["plates"].value = text
    assert app.config.plates == plates, app.message.value


def test_plates_0_01_in_the_app_is_refused_quickly(app):
    before = app.plan
    t0 = time.perf_counter()
    app.controls["plates"].value = "20, 10, 0.01"
    assert time.perf_counter() - t0 < 2
    assert "lighter than the lightest plate made" in app.message.value
    assert app.plan is before


def test_start_9999_in_the_app_is_a_clear_error(app):
    before = app.plan
    app.controls["start_date"].value = date(9999, 12, 1)
    assert "planner-msg-error" in app.message.value
    assert "Start date" in app.message.value and "9999-12-01" in app.message.value
    assert app.plan is before
