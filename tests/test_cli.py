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
    assert plan.last_week == 12
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
    assert "45 lb bar + 25 lb each side" in r.output and "deadlift load (lb)" in r.output
    r = runner.invoke(app, ["show", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2 and "no such file" in r.output


def test_help_is_there_for_new_users():
    out = subprocess.run([sys.executable, "-m", "planner", "plan", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--start-load" in out and "--ics" in out and "Example" in out


def test_log_template_analyse_and_next_block(tmp_path):
    plan_csv = tmp_path / "plan.csv"
    assert runner.invoke(app, ["plan", "--weeks", "4", "--start", "2026-01-05",
                               "--start-load", "40", "-o", str(plan_csv)]).exit_code == 0
    log_csv = tmp_path / "log.csv"
    r = runner.invoke(app, ["log-template", str(plan_csv), "-o", str(log_csv)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(log_csv, dtype=str, keep_default_na=False)
    first_week = t["week"] == "1"
    t.loc[first_week & (t["exercise"] == "deadlift"), "done_reps"] = "15"
    t.loc[first_week & (t["exercise"] == "glute_bridge"), "done_reps"] = "15"
    t.loc[first_week & (t["exercise"] == "rotational_stretch"), "done_hold_s"] = "5"
    t.to_csv(log_csv, index=False)
    out = tmp_path / "report"
    r = runner.invoke(app, ["analyse", str(log_csv), "--plan", str(plan_csv), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "rows read" in r.output and (out / "report.html").exists()
    assert (out / "weeks.csv").exists() and (out / "deadlift.csv").exists()
    nxt = tmp_path / "next.csv"
    r = runner.invoke(app, ["next-block", str(plan_csv), str(log_csv), "-o", str(nxt)])
    assert r.exit_code == 0, r.output
    new = read_plan(nxt).table
    # Week 1 was done at 15 reps: the next block goes up a step, 42.5 kg x 10, from week 2
    # (the Monday after the last logged session).
    first = new[new["exercise"] == "deadlift"].iloc[0]
    assert (first["week"], first["target_reps"], first["load_kg"]) == (2, 10, 42.5)


def test_analyse_asks_for_the_unit(tmp_path):
    f = tmp_path / "strong.csv"
    f.write_text("Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n"
                 "2026-01-05 10:00:00,A,Deadlift (Barbell),1,60,10\n")
    r = runner.invoke(app, ["analyse", str(f), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and 'unit="kg"' in r.output
    r = runner.invoke(app, ["analyse", str(f), "--unit", "kg", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output


def test_analyse_an_unfilled_template_says_what_to_do(tmp_path):
    plan_csv = tmp_path / "plan.csv"
    runner.invoke(app, ["plan", "--weeks", "2", "-o", str(plan_csv)])
    log_csv = tmp_path / "log.csv"
    runner.invoke(app, ["log-template", str(plan_csv), "-o", str(log_csv)])
    r = runner.invoke(app, ["analyse", str(log_csv), "--plan", str(plan_csv),
                            "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "no performed set" in r.output and "Traceback" not in r.output
