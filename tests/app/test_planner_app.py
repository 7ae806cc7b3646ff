"""The planner app in Python: controls change the plan and the figures in place; a log
goes through the Log tab to the analysis and the next block; files come back as bytes."""

import html
import io
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from icalendar import Calendar

from planner import PlanConfig, read_plan
from planner.app.panels import MAX_UPLOAD_BYTES
from planner.app.planner_app import PlannerApp
from planner.config import MAX_WEEKS
from planner.settings import setting
from tests.paths import EXPORTS

STRONG = EXPORTS / "strong_s1_kg.csv"


@pytest.fixture
def app():
    return PlannerApp(PlanConfig(start_date=date(2026, 1, 5), deadlift_start_load=40))


def _plain(value) -> bool:
    """True when ``value`` holds only what JSON holds (no numpy arrays or scalars)."""
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_weeks_slider_changes_bars_in_place_and_the_saved_state(app):
    fig = app.figures["load"]
    assert len(fig.data[0].x) == 12
    app.controls["weeks"].value = 8
    assert app.figures["load"] is fig  # the same widget, updated
    assert len(fig.data[0].x) == 8 and app.plan.table["week"].nunique() == 8
    # What a reloaded page draws: the widget's saved state follows the plan too.
    assert len(fig._widget_data[0]["x"]) == 8
    cal = app.figures["calendar"]
    rows = {y for tr in cal._widget_data for y in tr.get("y", [])}
    assert len(rows) == 8
    app.controls["weeks"].value = 12
    assert len(fig.data[0].x) == 12 and len(fig._widget_data[0]["x"]) == 12


def test_figures_hold_plain_values_not_arrays(app):
    """Arrays in a FigureWidget break it when the browser sends trace defaults back."""
    app.controls["volume"].value = 1.5
    for fig in app.figures.values():
        assert _plain(fig._widget_data), fig.layout.title.text
        for trace in fig.data:
            assert not any(isinstance(v, np.ndarray) for v in trace.to_plotly_json().values())


def test_a_trace_delta_from_the_browser_is_taken_without_error(app):
    """The message plotly.js sends after drawing: the trace's defaults, with arrays."""
    fig = app.figures["load"]
    app.controls["weeks"].value = 6
    tr = fig.data[0]
    delta = {"uid": tr.uid, "marker": {"color": list(tr.marker.color), "line": {"width": 0}},
             "x": list(tr.x), "y": list(tr.y), "text": list(tr.text), "type": "bar"}
    fig._js2py_traceDeltas = {"trace_deltas": [delta], "trace_edit_id": fig._last_trace_edit_id}
    assert fig._trace_edit_in_process is False  # the edit completed
    app.controls["weeks"].value = 7
    assert len(fig.data[0].x) == 7


def test_deload_bar_lower_than_neighbours(app):
    y = list(app.figures["load"].data[0].y)
    assert y[3] < y[2] and y[3] < y[4]  # week 4 is a deload
    assert list(app.figures["load"].data[0].text).count("deload") == 3
    app.controls["deload"].value = None
    assert list(app.figures["load"].data[0].text).count("deload") == 0


def test_unit_switch_shows_pounds(app):
    app.controls["unit"].value = "lb"
    assert app.controls["bar"].value == 45
    assert app.plan.unit == "lb"
    # 40 kg = 88.2 lb -> the nearest loadable load with standard lb plates, 90 lb
    assert app.controls["start_load"].value == 90
    assert app.figures["deadlift"].data[0].y[0] == 90
    assert "lb" in app.figures["load"].layout.yaxis.title.text
    assert "45 lb bar" in app.plan_panel.week_table.value


def test_controls_follow_the_settings_table_and_the_config_agrees():
    app = PlannerApp()
    weeks = app.controls["weeks"]
    assert (weeks.min, weeks.max) == (setting("weeks").low, setting("weeks").high) == (1,
                                                                                      MAX_WEEKS)
    vol = app.controls["volume"]
    assert (vol.min, vol.max) == (setting("volume").low, setting("volume").high)
    PlanConfig(volume=vol.max)  # the config takes the control's ends
    PlanConfig(volume=vol.min)
    assert app.controls["weeks"].description == setting("weeks").label


def test_invalid_start_load_shows_message_and_keeps_charts(app):
    before = list(app.figures["deadlift"].data[0].y)
    app.controls["start_load"].value = 10
    msg = app.plan_panel.message.value
    assert "planner-msg-error" in msg
    assert "Start load" in msg and "lighter than the 20 kg bar" in msg and "Deadlift" in msg
    assert list(app.figures["deadlift"].data[0].y) == before
    app.controls["start_load"].value = 61
    assert "60 or 62.5" in app.plan_panel.message.value
    app.controls["start_load"].value = 60
    assert "planner-msg-ok" in app.plan_panel.message.value


def test_bad_plates_text_is_a_message_not_a_traceback(app):
    app.controls["plates"].value = "20, ten"
    msg = app.plan_panel.message.value
    assert "Plates" in msg and "could not read" in msg and "Bar &amp; plates" in msg
    assert "20, ten" in msg
    app.controls["plates"].value = ""
    assert "plate set is empty" in app.plan_panel.message.value
    # no download of a plan the settings no longer say, until they make one again
    assert all(b.disabled for b in app.plan_panel.downloads.values())
    assert "the downloads wait" in app.plan_panel.message.value
    app.controls["plates"].value = "20, 10, 5, 2.5"
    assert not any(b.disabled for b in app.plan_panel.downloads.values())


def test_only_monday_says_what_to_change(app):
    for day in ("wed", "fri"):
        app.controls[f"day_{day}"].value = False
    msg = app.plan_panel.message.value
    assert "Deadlifts a week" in msg and "more training days" in msg and "Mon" in msg
    app.controls["day_mon"].value = False
    msg = app.plan_panel.message.value
    assert "Training days" in msg and "choose at least one" in msg
    assert "(" + "'mon'" not in msg


def test_training_days_and_volume(app):
    for day in ("mon", "wed", "fri"):
        app.controls[f"day_{day}"].value = False
    for day in ("tue", "thu", "sat"):
        app.controls[f"day_{day}"].value = True
    assert app.plan.config.deadlift_days == ("tue", "sat")
    n = len(app.plan.table)
    app.controls["volume"].value = 2.0
    assert len(app.plan.table) > n


def test_week_table_has_plates_and_no_index(app):
    app.plan_panel.week_select.value = 2
    html = app.plan_panel.week_table.value
    assert "20 kg bar + 10 kg each side" in html and "Barbell deadlift" in html
    assert "<th scope='col'>day</th>" in html.split("</tr>")[0]  # the first column is data


def test_downloads_are_the_plan_shown(app, tmp_path):
    app.controls["weeks"].value = 6
    name, data = app.plan_panel.downloads["csv"].file()
    assert name == "plan-2026-01-05-6w.csv"
    (tmp_path / name).write_bytes(data)
    pd.testing.assert_frame_equal(read_plan(tmp_path / name).table, app.plan.table)
    app.plan_panel.ics_time.value = time(7, 15)
    name, data = app.plan_panel.downloads["ics"].file()
    events = Calendar.from_ical(data).walk("VEVENT")
    # one event per training day, the stretch-only days as one repeating event
    training = [e for e in events if "RRULE" not in e and "RDATE" not in e]
    t = app.plan.table
    assert len(training) == t.loc[t["exercise"] != "rotational_stretch", "date"].nunique()
    assert len(events) == len(training) + 1
    first = events[0]
    assert str(first["SUMMARY"]) == "Deadlift 3×10 @ 40 kg + bridge + stretch"
    assert first.decoded("DTSTART").hour == 7 and first.decoded("DTSTART").minute == 15
    name, data = app.plan_panel.downloads["sheet"].file()
    assert name.endswith("-sheet.html") and data.decode().count("class='week'") == 6


def test_download_button_sends_the_file_to_the_browser(app):
    sent = []
    button = app.plan_panel.downloads["csv"]
    button.send = lambda content, buffers=None: sent.append((content, buffers))
    button._request(button, {"type": "request"}, [])
    (content, buffers), = sent
    assert content == {"type": "file", "filename": button.file()[0], "mime": "text/csv"}
    assert bytes(buffers[0]) == button.file()[1]


# --- the log, the analysis and the next block ----------------------------------------------

def _upload(app, path: Path) -> None:
    data = path.read_bytes()
    app.log_panel.upload.value = ({"name": path.name, "type": "text/csv", "size": len(data),
                                   "content": memoryview(data),
                                   "last_modified": datetime(2026, 1, 1, tzinfo=UTC)},)


@pytest.mark.skipif(not STRONG.exists(), reason="the shared exports are not beside the repo")
def test_strong_export_asks_for_the_unit_then_analyses_without_a_plan(app):
    _upload(app, STRONG)
    lp = app.log_panel
    assert lp.unit_box.layout.display == "flex"
    assert "does not say whether its weights are in kg or lb" in lp.status.value
    lp.unit.value = "kg"
    assert "507 sets imported" in lp.status.value
    ap = app.analysis_panel
    assert set(ap.figures) >= {"deadlift", "volume", "fitness", "acwr"}
    assert "compliance" not in ap.figures  # no plan: no compliance chart
    assert "Compare with" in ap.status.value
    # Weekly volume bars: the log's own sets x reps x kg, per Monday-Sunday week.
    table = lp.current_log.table
    work = table[table["set_type"].isin(["working", "failure"])]
    vl = (work["reps"].astype(float) * work["load_kg"].astype(float)).fillna(0)
    week = work["date"] - pd.to_timedelta(work["date"].dt.day_of_week, unit="D")
    expected = vl.groupby(week).sum()
    bars = dict(zip(ap.figures["volume"].data[0].x, ap.figures["volume"].data[0].y,
                    strict=True))
    for start, total in expected.items():
        assert bars[f"{start:%Y-%m-%d}"] == pytest.approx(round(total), abs=0.5)
    # The import report is a table without the server's path.
    assert "sets imported" in lp.status.value and "/work/" not in lp.report.value
    assert lp.upload.value == ()  # the file's bytes are not kept in the page's state


def test_sample_log_against_the_sample_plan_gives_compliance_and_next_block(app):
    app.log_panel.use_sample()
    ap = app.analysis_panel
    assert "compliance" in ap.figures and "pain" in ap.figures
    done = ap.analysis.summary["completion"]
    assert f"{100 * done:.0f} %" in ap.facts.value
    nxt = app.next_panel
    assert nxt.plan is not None and nxt.plan.table["date"].min() > pd.Timestamp("2026-10-25")
    name, data = nxt.downloads["csv"].file()
    # named by the log it comes from and the day it starts; its status names the log too
    start = nxt.plan.table["date"].min()
    assert name == f"next-block-sample_log-{start:%Y-%m-%d}.csv"
    assert "From sample_log.csv:" in nxt.status.value
    assert pd.read_csv(io.BytesIO(data))["week"].min() == 13
    name, data = ap.download.file()
    assert name == f"training-report-sample_log-{date.today():%Y-%m-%d}.html"
    assert b"<html" in data[:200] and b"Training log report: sample_log.csv" in data
    assert "sample_log.csv" in ap.status.value


def test_a_new_file_clears_the_last_analysis_until_it_is_read(app):
    """A Hevy export analysed, then a Strong export that stops at the kg/lb question:
    Analysis and Next block no longer show the first file's figures, and offer no file."""
    hevy, strong = EXPORTS / "hevy_felipe.csv", EXPORTS / "strong_s1_kg.csv"
    app.log_panel.load(hevy.name, hevy.read_bytes())
    ap, nxt = app.analysis_panel, app.next_panel
    assert "hevy_felipe.csv" in ap.status.value and not ap.download.disabled
    assert ap.figures and ap.charts.children
    bare = strong.read_bytes().replace(b"Weight (kg)", b"Weight")  # no unit: a question
    app.log_panel.load("strong_no_unit.csv", bare)
    assert "kg or lb" in app.log_panel.status.value
    assert "Reading strong_no_unit.csv" in ap.status.value
    assert ap.analysis is None and ap.charts.children == () and ap.facts.value == ""
    assert ap.download.disabled and all(b.disabled for b in nxt.downloads.values())
    assert nxt.plan is None and "Reading strong_no_unit.csv" in nxt.status.value
    with pytest.raises(ValueError):
        ap.report_file()
    app.log_panel.unit.value = "kg"  # the answer: the new file's own analysis
    assert "strong_no_unit.csv" in ap.status.value and not ap.download.disabled


def test_a_file_too_big_points_to_the_command_line(app):
    app.log_panel.load("huge.csv", b"Date,Exercise\n", size=MAX_UPLOAD_BYTES + 1)
    msg = app.log_panel.status.value
    assert "50 MB" in msg and "command line" in msg and "README" in msg
    assert app.log_panel.current_log is None


def test_a_file_that_is_not_a_log_is_a_message(app):
    app.log_panel.load("notes.csv", b"hello,world\n1,2\n")
    assert "planner-msg-error" in app.log_panel.status.value
    assert "not a workout log" in app.log_panel.status.value



def test_unit_toggle_does_not_lower_the_load(app):
    # 60 kg -> 130 lb (the nearest loadable, 132.3 lb) -> 60 kg, again and again.
    controls = app.controls
    controls["start_load"].value = 60
    seen = []
    for unit in ("lb", "kg", "lb", "kg", "lb", "kg"):
        controls["unit"].value = unit
        seen.append(controls["start_load"].value)
    assert seen == [130.0, 60.0] * 3


def test_log_tab_maps_a_name_to_the_deadlift():
    app = PlannerApp()
    lp = app.log_panel
    data = ("Date,Workout Name,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
            "Workout Notes,RPE\n"
            + "".join(f"2026-03-0{d} 18:00:00,Pull,Deadlift Old Data,{s},60,12,0,0,,,\n"
                      for d in (2, 5) for s in (1, 2, 3)))
    lp.load("strong.csv", data.encode(), size=len(data))
    lp.unit.value = "kg"
    assert not (lp.current_log.table["exercise"] == "deadlift").any()
    lp.alias.value = "Deadlift Old Data"
    assert (lp.current_log.table["exercise"] == "deadlift").sum() == 6


def test_the_import_report_is_grouped_by_rule_with_counts():
    """Twenty "timed set too long" rows and one left-out row: two folded groups, the
    left-out one first, each headed by its problem and its count, the rows beneath."""
    from planner.app.panels import report_groups_html

    long = pd.DataFrame({"line": range(2, 22), "column": "Seconds", "value": "900",
                         "problem": "a timed set longer than 600 s", "action": "note",
                         "rule": "timed-long"})
    bad = pd.DataFrame({"line": [30], "column": "Reps", "value": "x",
                        "problem": "expected a number", "action": "rejected",
                        "rule": "number"})
    html_text = report_groups_html(pd.concat([long, bad], ignore_index=True))
    assert html_text.count("<details") == 2
    assert html_text.index("expected a number") < html_text.index("longer than 600 s")
    assert "Left out</b>: expected a number <span class='planner-count'>(1 row)" in html_text
    assert "(20 rows)" in html_text and html_text.count("<tr>") == 20 + 1 + 2  # + headers
    assert "timed-long" not in html_text  # the rule's code is not shown to people


def test_the_page_says_no_code():
    """The report's problems as the page shows them: the page's own control, never what to
    type on a command line or in Python."""
    from planner.app.panels import for_the_page
    from planner.logs.common import RULES

    for rule, (_, problem) in RULES.items():
        text = for_the_page(problem.replace("{value!r}", "'X'").replace("{value}", "X"))
        assert "--" not in text and "unit=" not in text and "aliases=" not in text, rule
    # An exercise's own name may hold brackets: the command line's part still goes whole.
    text = for_the_page(RULES["deadlift-variant"][1].format(value="Romanian Deadlift (Barbell)"))
    assert text.endswith("count it as one with “Also count as the barbell deadlift”"), text
    # Two names under one rule: one heading, the count after the words, no stray bracket.
    from planner.app.panels import report_groups_html

    rows = pd.DataFrame({
        "line": [3, 9], "column": ["Exercise Name"] * 2, "rule": ["deadlift-variant"] * 2,
        "action": ["note"] * 2,
        "value": ["Romanian Deadlift (Barbell)", "Deficit Deadlift (Barbell)"],
        "problem": [RULES["deadlift-variant"][1].format(value=v) for v in
                    ("Romanian Deadlift (Barbell)", "Deficit Deadlift (Barbell)")]})
    heading = report_groups_html(rows).split("<summary>")[1].split("</summary>")[0]
    assert "barbell deadlift” (and 1 more like it)" in heading and "”)" not in heading, heading


def test_the_plan_step_shows_how_to_do_the_exercises(app):
    """The three drawings, each with its name and three cues, under the plan."""
    from planner.drawings import CUES

    how = app.plan_panel.children[-1].value
    assert how.count("<svg") == 3 and how.count("role=\"img\"") + how.count("role='img'") == 3
    for key in ("glute_bridge", "rotational_stretch", "deadlift"):
        assert all(html.escape(cue, quote=False) in how for cue in CUES[key]), key


def test_the_calendar_is_in_the_browsers_time_zone(app):
    """The page says its browser's zone; the calendar's 18:00 is 18:00 there, whatever the
    server's zone. A zone that is not an IANA name is not used (the server's zone is)."""
    app.plan_panel.zone.zone = "America/Los_Angeles"
    assert "America/Los_Angeles" in app.plan_panel.zone_help.value
    app.log_panel.use_sample()  # the next block's calendar too
    for _, data in (app.plan_panel.downloads["ics"].file(), app.next_panel.file("ics")):
        first = Calendar.from_ical(data).walk("VEVENT")[0]
        assert first["DTSTART"].params["TZID"] == "America/Los_Angeles"
        assert first.decoded("DTSTART").hour == 18
    app.plan_panel.zone.zone = "../../etc/passwd"
    assert app.plan_panel.zone.checked() is None
    assert "this computer's time zone" in html.unescape(app.plan_panel.zone_help.value)
    assert b"passwd" not in app.plan_panel.downloads["ics"].file()[1]


def test_a_log_with_no_plan_gets_a_next_block_on_the_plan_steps_plates(app):
    """An app export followed no plan of ours: its next block is made with the bar and plates
    the person gave on the Plan step (never a plate they do not have), and follows them."""
    export = EXPORTS / "hevy_felipe.csv"
    if not export.exists():
        pytest.skip("the shared real exports are not beside the repo")
    app.controls["plates"].value = "20 10 2,5"
    app.log_panel.load(export.name, export.read_bytes())
    plates = " ".join(app.next_panel.plan.table["plates"].dropna())
    assert "1.25" not in plates and "2.5 kg each side" in plates
    app.controls["plates"].value = "20, 10, 5, 2.5, 1.25"  # the block follows the settings
    assert "1.25 kg each side" in " ".join(app.next_panel.plan.table["plates"].dropna())
