"""The HTML report of an analysis: the app's own charts, in the user's unit."""

import html
import re

import plotly.graph_objects as go
import pytest

from planner import PlanConfig, analyse, generate, read_log, read_plan
from planner.charts.analysis import TITLES, analysis_figures
from planner.files.report import report_html
from planner.units import KG_PER_LB
from planner.words import number_text
from tests.paths import ROOT
from tests.test_analysis import START, dl, log_table


@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=START, weeks=2, deadlift_start_load=60,
                               deload_every=None))


def test_report_of_an_empty_log(plan):
    empty = log_table([dl("2026-01-05", 1, 10, 60)]).iloc[0:0]
    page = report_html(analyse(empty, plan))
    assert "<html>" in page or "<!doctype html>" in page


def test_report_tables_print_numbers_for_people(plan):
    rows = [dl("2026-01-05", s, 12, 60) for s in (1, 2, 3)]
    page = report_html(analyse(log_table(rows), plan))
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # the tables, not plotly.js
    # What a reader sees: the text between tags, not the attributes (plotly's div ids are
    # random UUIDs such as "…41e-9…", which once made this test fail at random).
    shown = " ".join(re.findall(r">([^<]*)<", text))
    assert "<table" in text and not re.search(r"\d\.?\d*e[+-]\d", shown)  # no 2.52e+03
    assert "2,160" in text  # 3 x 12 x 60 kg of volume load


@pytest.fixture(scope="module")
def sample():
    log = read_log(ROOT / "data" / "sample_log.csv")
    return analyse(log, read_plan(ROOT / "data" / "sample_plan.csv"))


@pytest.mark.parametrize("unit", ["kg", "lb"])
def test_the_report_draws_the_apps_charts_in_the_users_unit(sample, unit):
    """One builder per chart: the report's charts are analysis_figures' (the app's), each
    under the app's title, with loads in the unit the person reads."""
    page = report_html(sample, unit=unit)
    figs = analysis_figures(sample, unit)
    assert len(figs) >= 5
    for name in figs:
        assert f"<h2>{TITLES[name]}</h2>" in page
    assert f"top load ({unit})" in page
    other = "kg" if unit == "lb" else "lb"
    assert f"top load ({other})" not in page and f"best e1RM ({other})" not in page
    best = sample.summary["best_e1rm_kg"] / (KG_PER_LB if unit == "lb" else 1)
    label = html.escape(sample.summary["best_e1rm_label"])
    assert f"<th>{label}</th><td>{number_text(best)} {unit}</td>" in page
    # the page shows the same figure under the same label: one list for both
    from planner.app.panels import AnalysisPanel

    panel = AnalysisPanel()
    panel.unit = unit
    assert f"<b>{number_text(best)} {unit}</b>{label}" in panel._facts(sample)


def test_the_report_and_the_app_plot_the_same_numbers(sample):
    """The deadlift chart in the report holds exactly the app's points (in lb: kg / 0.45359237)."""
    page = report_html(sample, unit="lb")
    fig = analysis_figures(sample, "lb")["deadlift"]
    assert isinstance(fig, go.Figure)
    top = fig.data[0].y
    by_hand = [round(float(kg) / KG_PER_LB, 1) for kg in sample.deadlift["top_load_kg"]]
    assert list(top) == by_hand
    shown = re.search(r'"name":"top load \(lb\)".*?"y":\[([^\]]*)\]', page)
    assert shown is not None
    assert [float(x) for x in shown.group(1).split(",")] == by_hand
