"""The command line, run as a user would."""

import subprocess
import sys

import pandas as pd
from icalendar import Calendar
from typer.testing import CliRunner

from planner import read_plan
from planner.cli import app

runner = CliRunner()


def test_plan_writes_csv_and_ics_that_reread(tmp_path):
    csv, ics = tmp_path / "plan.csv", tmp_path / "plan.ics"
    r = runner.invoke(app, ["plan", "--weeks", "12", "--start", "2026-01-05", "-o", str(csv),
                            "--ics", str(ics)])
    assert r.exit_code == 0, r.output
    assert "deadlift load (kg)" in r.output and "deload" in r.output
    plan = read_plan(csv)
    assert plan.weeks == 12
    again = runner.invoke(app, ["plan", "--weeks", "12", "--start", "2026-01-05",
                                "-o", str(tmp_path / "b.csv")])
    assert again.exit_code == 0
    pd.testing.assert_frame_equal(read_plan(tmp_path / "b.csv").table, plan.table)
    cal = Calendar.from_ical(ics.read_bytes())
    assert len(cal.walk("VEVENT")) == 84


def test_plan_refuses_to_overwrite_and_force_replaces(tmp_path):
    csv = tmp_path / "plan.csv"
    csv.write_text("mine")
    r = runner.invoke(app, ["plan", "-o", str(csv)])
    assert r.exit_code == 2 and "already exists" in r.output
    assert csv.read_text() == "mine"
    assert runner.invoke(app, ["plan", "-o", str(csv), "--force"]).exit_code == 0


def test_bad_options_give_one_clear_line():
    r = runner.invoke(app, ["plan", "--start-load", "10"])
    assert r.exit_code == 2
    assert "lighter than the 20 kg bar" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["plan", "--plates", "20,ten"])
    assert r.exit_code == 2 and "--plates" in r.output
    r = runner.invoke(app, ["plan", "--days", "mon,tue", "--deadlifts-per-week", "2"])
    assert "consecutive days" in r.output


def test_show_prints_overview_and_week(tmp_path):
    csv = tmp_path / "plan.csv"
    runner.invoke(app, ["plan", "--weeks", "4", "--start", "2026-01-05", "--unit", "lb",
                        "--start-load", "95", "-o", str(csv)])
    r = runner.invoke(app, ["show", str(csv), "--week", "1"])
    assert r.exit_code == 0, r.output
    assert "45 lb bar + 2x25" in r.output and "deadlift load (lb)" in r.output
    r = runner.invoke(app, ["show", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2 and "no such file" in r.output


def test_help_is_there_for_new_users():
    out = subprocess.run([sys.executable, "-m", "planner", "plan", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--start-load" in out and "--ics" in out and "Example" in out
