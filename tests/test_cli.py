"""The command line, run as a user would."""

import os
import subprocess
import sys

import pandas as pd
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from planner import read_plan
from planner.cli import app
from planner.settings import setting
from tests.paths import ROOT

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
    # 36 training days, and the stretch-only days as one repeating event.
    assert len(cal.walk("VEVENT")) == 36 + 1


def test_the_calendar_in_a_chosen_time_zone(tmp_path):
    ics = tmp_path / "plan.ics"
    r = runner.invoke(app, ["plan", "--weeks", "4", "--start", "2026-03-16", "--ics", str(ics),
                            "--tz", "Europe/Berlin"])
    assert r.exit_code == 0, r.output
    assert f"wrote {ics} (times in Europe/Berlin)" in r.output
    text = ics.read_text()
    assert "DTSTART;TZID=Europe/Berlin:20260316T180000" in text
    assert "DTSTART;TZID=Europe/Berlin:20260330T180000" in text  # after the clocks change
    assert "BEGIN:VTIMEZONE" in text
    r = runner.invoke(app, ["plan", "--ics", str(tmp_path / "b.ics"), "--tz", "Mars/Olympus"])
    assert r.exit_code == 2 and "--tz: time zone must be an IANA name" in r.output
    assert '"Mars/Olympus"' in r.output and not (tmp_path / "b.ics").exists()


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
    r = runner.invoke(app, ["next-block", str(plan_csv), str(log_csv), "-o", str(nxt),
                            "--today", "2026-01-01", "--ics", str(tmp_path / "next.ics"),
                            "--tz", "America/New_York"])
    assert r.exit_code == 0, r.output
    assert "TZID=America/New_York:" in (tmp_path / "next.ics").read_text()
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


# --- user mistakes: one clear line naming the option or the file, exit code 2 -----------------

def _plan(tmp_path, *args):
    csv = tmp_path / "plan.csv"
    r = runner.invoke(app, ["plan", "--weeks", "12", "--start", "2026-01-05", "-o", str(csv),
                            *args])
    assert r.exit_code == 0, r.output
    return csv


def _clear_error(r, *needles):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(
        r.exception, SystemExit), r.exception
    for needle in needles:
        assert needle in r.output, r.output


@pytest.mark.parametrize("week", ["0", "99", "-1", "13"])
def test_show_week_outside_the_plan_is_one_clear_line(tmp_path, week):
    csv = _plan(tmp_path)
    r = runner.invoke(app, ["show", str(csv), "--week", week])
    _clear_error(r, f"--week {week}", "weeks are 1 to 12")


def test_show_a_folder_is_one_clear_line(tmp_path):
    _clear_error(runner.invoke(app, ["show", str(tmp_path)]), "is a folder")


def test_plan_o_existing_dir_force_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    r = runner.invoke(app, ["plan", "-o", str(tmp_path / "out"), "--force"])
    _clear_error(r, "-o/--output", "is a folder")
    assert (tmp_path / "out").is_dir() and not list((tmp_path / "out").iterdir())


def test_plan_start_9999_12_01_is_refused():
    r = runner.invoke(app, ["plan", "--start", "9999-12-01"])
    _clear_error(r, "--start: 9999-12-01 is outside the dates a plan can start on")


def test_file_exists_message_names_force(tmp_path):
    csv = _plan(tmp_path)
    r = runner.invoke(app, ["plan", "-o", str(csv)])
    _clear_error(r, "already exists", "--force")
    assert "overwrite=True" not in r.output


def test_messages_have_no_python_reprs():
    r = runner.invoke(app, ["plan", "--days", ","])
    _clear_error(r, "--days: no training day given; allowed: one or more of mon, tue, wed")
    r = runner.invoke(app, ["plan", "--plates", "-5"])
    _clear_error(r, "--plates: got -5")
    for bad in ("('mon'", "(-5.0,)"):
        assert bad not in r.output


def test_only_monday_selected_says_too_few_training_days():
    r = runner.invoke(app, ["plan", "--days", "mon"])
    _clear_error(r, "--deadlifts-per-week", "need at least 2 training days",
                 "choose more training days")
    assert "consecutive" not in r.output


def test_next_block_weeks_0_is_refused(tmp_path):
    csv = _plan(tmp_path)
    log = tmp_path / "log.csv"
    runner.invoke(app, ["log-template", str(csv), "-o", str(log)])
    r = runner.invoke(app, ["next-block", str(csv), str(log), "--today", "2026-01-01", "-o",
                            str(tmp_path / "n.csv"),
                            "--weeks", "0"])
    _clear_error(r, "--weeks: got 0; allowed: a whole number from 1 to 104")
    assert not (tmp_path / "n.csv").exists()


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody can create files in (chmod, or the immutable flag for root)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a read-only folder here as root (no chattr)")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def _filled_log(tmp_path, plan_csv, weeks=1):
    log_csv = tmp_path / "log.csv"
    r = runner.invoke(app, ["log-template", str(plan_csv), "-o", str(log_csv)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(log_csv, dtype=str, keep_default_na=False)
    done = t["week"].astype(int) <= weeks
    t.loc[done, "done_reps"] = t.loc[done, "target_reps"]
    t.loc[done, "done_hold_s"] = t.loc[done, "target_hold_s"]
    t.to_csv(log_csv, index=False)
    return log_csv


def test_read_only_output_folder_is_one_clear_line(tmp_path, read_only_dir):
    csv = _plan(tmp_path)
    log = _filled_log(tmp_path, csv)
    ro = read_only_dir
    calls = [
        (["plan", "-o", str(ro / "p.csv")], "-o/--output"),
        (["plan", "--ics", str(ro / "p.ics")], "--ics"),
        (["log-template", str(csv), "-o", str(ro / "log.csv")], "-o/--output"),
        (["analyse", str(log), "--out", str(ro / "analysis")], "--out"),
        (["next-block", str(csv), str(log), "-o", str(ro / "next.csv")], "-o/--output"),
    ]
    for args, option in calls:
        r = runner.invoke(app, args)
        _clear_error(r, option, str(ro), "permission denied")
    assert list(ro.iterdir()) == []


def test_analyse_into_a_used_folder_is_refused_unless_force_then_all_or_none(tmp_path):
    csv = _plan(tmp_path)
    log = _filled_log(tmp_path, csv)
    out = tmp_path / "analysis"
    out.mkdir()
    (out / "import_report.csv").write_text("an earlier report\n")
    r = runner.invoke(app, ["analyse", str(log), "--plan", str(csv), "--out", str(out)])
    _clear_error(r, "--out", "already holds files", "import_report.csv", "--force")
    assert sorted(p.name for p in out.iterdir()) == ["import_report.csv"]  # nothing half-done
    r = runner.invoke(app, ["analyse", str(log), "--plan", str(csv), "--out", str(out),
                            "--force"])
    assert r.exit_code == 0, r.output
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "weeks.csv", "sets.csv"} <= names
    # The earlier run's import report is replaced by this run's, not left mixed in.
    assert "an earlier report" not in (out / "import_report.csv").read_text()
    # A folder holding the user's own file is never replaced, even with --force.
    (out / "my notes.txt").write_text("mine")
    r = runner.invoke(app, ["analyse", str(log), "--plan", str(csv), "--out", str(out),
                            "--force"])
    _clear_error(r, "--out", "my notes.txt")
    assert (out / "my notes.txt").read_text() == "mine" and (out / "report.html").exists()


def test_import_report_formula_injection_is_neutralised(tmp_path):
    csv = _plan(tmp_path)
    log = _filled_log(tmp_path, csv)
    t = pd.read_csv(log, dtype=str, keep_default_na=False)
    evil = '=HYPERLINK("http://evil.example","Click")'
    t.loc[t.index[t["exercise"] == "deadlift"][0], "done_reps"] = evil
    t.to_csv(log, index=False)
    out = tmp_path / "analysis"
    r = runner.invoke(app, ["analyse", str(log), "--out", str(out)])
    assert r.exit_code == 0, r.output
    report = pd.read_csv(out / "import_report.csv", dtype=str, keep_default_na=False)
    cells = report.to_numpy().ravel().tolist()
    assert "'" + evil in cells
    assert not any(str(c).startswith(("=", "+", "@")) for c in cells)


def test_next_block_through_files_keeps_the_plans_settings(tmp_path):
    csv = _plan(tmp_path, "--rep-range", "5-8", "--plates", "20,10,5,1.5", "--start-load",
                "63", "--volume", "0.5", "--deload-every", "5")
    log = _filled_log(tmp_path, csv, weeks=12)
    nxt = tmp_path / "next.csv"
    r = runner.invoke(app, ["next-block", str(csv), str(log), "-o", str(nxt),
                            "--today", "2026-01-01"])
    assert r.exit_code == 0, r.output
    new = read_plan(nxt)
    dl = new.table[new.table["exercise"] == "deadlift"]
    assert dl["target_reps"].between(5, 8).all()
    assert new.config.plates == (20, 10, 5, 1.5) and new.config.volume == 0.5
    assert set(new.table.loc[new.table["phase"] == "deload", "week"]) == {15, 20}


def test_plan_force_onto_a_symlink_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "plan.csv"
    link.symlink_to(victim)
    r = runner.invoke(app, ["plan", "-o", str(link), "--force"])
    _clear_error(r, "-o/--output", "symbolic link")
    assert link.is_symlink() and victim.read_text() == "precious"


def test_show_says_where_the_settings_came_from(tmp_path):

    old = tmp_path / "old.csv"  # a plan written before plans had a settings file
    old.write_bytes((ROOT / "data" / "sample_plan.csv").read_bytes())
    r = runner.invoke(app, ["show", str(old)])
    assert r.exit_code == 0, r.output
    assert "settings inferred from the table" in r.output and "no settings file" in r.output
    r = runner.invoke(app, ["show", str(_plan(tmp_path))])
    assert r.exit_code == 0 and "inferred" not in r.output


@pytest.mark.parametrize("typed, plates", [
    ("20 10 5", (20.0, 10.0, 5.0)),          # spaces, as people type them
    ("20, 10, 2,5", (20.0, 10.0, 2.5)),      # a decimal comma in a small plate
    ("2,5", (2.5,)),                         # one European fractional plate, not two plates
    ("20;10;1,25", (20.0, 10.0, 1.25)),
    ("25,20,10,5,2.5", (25.0, 20.0, 10.0, 5.0, 2.5)),
])
def test_plates_are_read_as_the_app_reads_them(tmp_path, typed, plates):
    """--plates goes through the settings table's parser, the one the app's plate box uses
    (before, "20 10 5" became one plate of 20105 kg and "2,5" two plates)."""
    assert setting("plates").parse(typed) == plates
    csv = _plan(tmp_path, "--plates", typed, "--bar", "20", "--start-load", "40")
    assert read_plan(csv).config.plates == plates
