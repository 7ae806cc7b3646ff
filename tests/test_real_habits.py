"""The logs people really write, one test per habit that broke the adaptive loop (issue:
"Safe on the logs people really write"). Each log is a real file in an app's format
(Strong's export, or our template filled in as people fill it), read by the readers,
never a table built by hand; each test fails on the code before the fix."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import planner
from planner.cli import app
from planner.logs.template import write_log_template

STRONG_HEADER = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                 "Seconds,Notes,Workout Notes,RPE")
MONDAY = date(2026, 1, 5)


def strong(path: Path, sessions: list[tuple[datetime, list[tuple[float, int, str]]]],
           workout_note: str = "") -> Path:
    """A Strong export: each session a start time and its deadlift sets (kg, reps, note)."""
    lines = [STRONG_HEADER]
    for when, sets in sessions:
        for i, (kg, reps, note) in enumerate(sets, 1):
            q = '"' + note.replace('"', '""') + '"' if note else ""
            wn = '"' + workout_note + '"' if workout_note else ""
            lines.append(f"{when:%Y-%m-%d %H:%M:%S},Evening,1h,Deadlift (Barbell),{i},{kg:g},"
                         f"{reps},0,0,{q},{wn},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def twice_a_week(first: date, weeks: int, sets, hour: int = 18, note=lambda w, d: ""):
    """Sessions on Monday and Thursday for ``weeks`` weeks; ``sets(w)`` gives a week's sets,
    ``note(w, d)`` the note of its first set."""
    out = []
    for w in range(weeks):
        for d in (0, 3):
            day = first + timedelta(days=7 * w + d)
            s = [(kg, reps, note(w, d) if i == 0 else "") for i, (kg, reps) in enumerate(sets(w))]
            out.append((datetime(day.year, day.month, day.day, hour), s))
    return out


def deadlift_rows(plan):
    t = plan.table
    return t[t["exercise"] == "deadlift"]


def first_load(plan) -> float:
    return float(deadlift_rows(plan)["load_kg"].iloc[0])


def filled_template(tmp_path: Path, plan, pain_by_week: dict[int, str],
                    notes_by_week: dict[int, str] | None = None, name="log.csv") -> Path:
    """Our template, filled in as planned, with the pain (as written) on each deadlift set of
    the weeks given, and a note on the first deadlift set of others."""
    path = tmp_path / name
    write_log_template(plan, path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = df["exercise"] == "deadlift"
    df.loc[dl, "done_reps"] = df.loc[dl, "target_reps"]
    df.loc[dl, "done_load_kg"] = df.loc[dl, "load_kg"]
    other = ~dl & (df["target_reps"] != "")
    df.loc[other, "done_reps"] = df.loc[other, "target_reps"]
    hold = df["target_hold_s"] != ""
    df.loc[hold, "done_hold_s"] = df.loc[hold, "target_hold_s"]
    for week, text in pain_by_week.items():
        df.loc[dl & (df["week"] == str(week)), "pain_during"] = text
    for week, text in (notes_by_week or {}).items():
        first = df.index[dl & (df["week"] == str(week))][0]
        df.loc[first, "note"] = text
    df.to_csv(path, index=False)
    return path


# --- notes -----------------------------------------------------------------------------------

def test_more_than_127_distinct_notes_and_a_workout_note_import(tmp_path):
    sessions = twice_a_week(MONDAY, 30, lambda w: [(60.0, 10)] * 3,
                            note=lambda w, d: f"felt ok, session {w}-{d}, grip {w * d}")
    # every set its own note: 180 distinct set notes, and a workout note
    sessions = [(when, [(kg, r, f"set note {when:%j}-{i}") for i, (kg, r, _) in enumerate(s)])
                for when, s in sessions]
    log = planner.read_log(strong(tmp_path / "s.csv", sessions, "bring chalk"), unit="kg")
    assert log.rows_imported == 180
    assert log.table["note"].nunique() == 180


# --- 1. plausibility against the person's own history --------------------------------------

def test_one_mistyped_load_never_drives_the_next_block(tmp_path):
    def sets(w):
        return [(70.0, 12)] * 3

    sessions = twice_a_week(MONDAY, 6, sets)
    when, s = sessions[9]
    sessions[9] = (when, [s[0], (450.0, 12, ""), s[2]])  # 450 typed for 45
    log = planner.read_log(strong(tmp_path / "typo.csv", sessions), unit="kg")
    typo = log.report[log.report["rule"] == "load-typo"]
    assert len(typo) == 1 and typo["value"].iloc[0] == "450"
    assert "perhaps 45 kg was meant" in typo["problem"].iloc[0]
    assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped
    new = planner.next_block(None, log)
    assert first_load(new) <= 77.5  # 10 % over 70, on the plates; never 335 kg
    a = planner.analyse(log)
    assert a.summary["best_e1rm_kg"] < 70 * (1 + 12 / 30) + 1e-6


def test_a_typo_in_a_table_is_set_aside_and_named_in_the_notes():
    from tests.logkit import log_table
    rows = [{"date": MONDAY + timedelta(days=3 * i), "exercise": "deadlift", "set": s,
             "reps": 10, "load_kg": 60.0} for i in range(8) for s in (1, 2, 3)]
    rows[10]["load_kg"] = 600.0 / 1.25  # 480: a digit doubled
    new = planner.next_block(None, log_table(rows))
    assert first_load(new) <= 67.5
    assert any("probable typo" in n and "480" in n for n in new.notes)


def test_a_heavy_single_is_not_a_typo(tmp_path):
    sessions = twice_a_week(MONDAY, 4, lambda w: [(62.5, 12)] * 3)
    when, s = sessions[-1]
    sessions[-1] = (when, [*s, (110.0, 1, "")])  # a 1RM test: e1RM 110 against 87.5
    log = planner.read_log(strong(tmp_path / "single.csv", sessions), unit="kg")
    assert not (log.report["rule"] == "load-typo").any()


# --- 2. stop rules over the whole block ------------------------------------------------------

def test_a_stop_in_week_2_holds_the_next_block_after_a_calm_deload(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=4, deload_every=4))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "8", 3: "3", 4: "2"}))
    new = planner.next_block(plan, log)
    hold = new.config.deadlift_hold or ""
    assert "week 2" in hold and "8/10" in hold and "clinician" in hold
    # the load is the one done, not a step up
    done = deadlift_rows(plan)[deadlift_rows(plan)["phase"] != "deload"]
    assert first_load(new) <= float(done["load_kg"].max())


def test_leg_symptoms_in_week_2_hold_and_the_words_are_quoted(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=4))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "3", 3: "2", 4: "2"},
                                           {2: "a bit of pain down my leg after"}))
    new = planner.next_block(plan, log)
    hold = new.config.deadlift_hold or ""
    assert "week 2" in hold and "pain down my leg" in hold


def test_four_calm_weeks_after_a_stop_let_progression_resume(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=6, deload_every=6))
    log = planner.read_log(filled_template(tmp_path, plan,
                                           {1: "2", 2: "8", 3: "2", 4: "2", 5: "2", 6: "1"}))
    new = planner.next_block(plan, log)
    assert new.config.deadlift_hold is None


# --- 3. pain as people write it --------------------------------------------------------------

@pytest.mark.parametrize("written, value", [("9/10", 9.0), ("9 / 10", 9.0), ("7,5", 7.5),
                                            ("pain 8", 8.0), ("8 out of 10", 8.0),
                                            ("6-7", 7.0)])
def test_pain_as_written_is_read_and_stops(tmp_path, written, value):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=2))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: written}))
    assert log.table["pain_during"].max() == value
    weeks = planner.analyse(log, plan).pain_weeks
    assert weeks.loc[weeks["week"] == 2, "status"].item() == "stop"


def test_pain_nobody_can_read_is_never_within_the_rules(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=2))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "sore"}))
    flagged = log.report[log.report["rule"] == "pain-unreadable"]
    assert len(flagged) and set(flagged["value"]) == {"sore"}
    a = planner.analyse(log, plan)
    weeks = a.pain_weeks
    assert weeks.loc[weeks["week"] == 2, "status"].item() == "pain unreadable"
    # the chart shades that week, where a line of scores alone would look calm
    from planner.charts.analysis import pain_figure
    shaded = [x.text for x in pain_figure(a, "kg").layout.annotations]
    assert "pain unreadable" in shaded
    new = planner.next_block(plan, log)
    assert "could not be read" in (new.config.deadlift_hold or "")


# --- 4. symptoms in their own words ----------------------------------------------------------

@pytest.mark.parametrize("note", [
    "numb toes on the left", "pins and needles in my foot after", "foot drop on the right?",
    "shooting pain down my thigh", "Kribbeln im linken Fuß", "hormigueo en la pierna",
    "fourmillements dans le pied gauche", "Taubheit im Bein"])
def test_symptoms_in_their_own_words_hold_progression(tmp_path, note):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=3))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "2", 3: "2"},
                                           {3: note}))
    hold = planner.next_block(plan, log).config.deadlift_hold or ""
    assert "week 3" in hold and "clinician" in hold


@pytest.mark.parametrize("note", ["saddle numbness since yesterday", "can't pee properly",
                                  "Reithosen: taub im Schritt"])
def test_cauda_equina_signs_are_urgent(tmp_path, note):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=3))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "2", 3: "2"},
                                           {3: note}))
    hold = planner.next_block(plan, log).config.deadlift_hold or ""
    assert "Urgent: seek care today" in hold


@pytest.mark.parametrize("note", ["legs tired after leg day", "felt weak today", "no numbness",
                                  "grip gave out on set 3"])
def test_ordinary_notes_do_not_stop(tmp_path, note):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=3))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2", 2: "2", 3: "2"},
                                           {3: note}))
    assert planner.next_block(plan, log).config.deadlift_hold is None


# --- 5. a person's whole history -------------------------------------------------------------

def test_history_split_over_files_and_monthly_exports(tmp_path):
    block1 = twice_a_week(MONDAY, 4, lambda w: [(60.0 + 2.5 * w, 10)] * 3)
    # the block ends with a Sunday deadlift
    sunday = MONDAY + timedelta(days=4 * 7 - 1)
    block1.append((datetime(sunday.year, sunday.month, sunday.day, 10), [(70.0, 10, "")] * 3))
    block2 = twice_a_week(MONDAY + timedelta(days=28), 4, lambda w: [(72.5 + 2.5 * w, 10)] * 3)
    one = strong(tmp_path / "block1.csv", block1)
    two = strong(tmp_path / "block2.csv", block2)
    everything = strong(tmp_path / "export-march.csv", block1 + block2)  # repeats block 1
    logs = [planner.read_log(p, unit="kg") for p in (one, two)]
    split = planner.next_block(None, logs)
    joined = planner.next_block(None, [logs[0], planner.read_log(everything, unit="kg")])
    assert first_load(split) == first_load(joined)
    assert any("counted once" in n for n in joined.notes)
    a = planner.analyse([logs[0], planner.read_log(everything, unit="kg")])
    assert a.summary["sets_logged"] == 3 * (len(block1) + len(block2))


def test_no_deadlift_the_day_after_the_last_one_across_blocks(tmp_path):
    sunday = MONDAY + timedelta(days=6)
    sessions = [(datetime(MONDAY.year, 1, 5, 18), [(60.0, 10, "")] * 3),
                (datetime(sunday.year, sunday.month, sunday.day, 18), [(60.0, 11, "")] * 3)]
    log = planner.read_log(strong(tmp_path / "s.csv", sessions), unit="kg")
    new = planner.next_block(None, log)
    first = deadlift_rows(new)["date"].min()
    assert (first - pd.Timestamp(sunday)).days >= 2


def test_the_command_line_takes_the_whole_history(tmp_path):
    one = strong(tmp_path / "b1.csv", twice_a_week(MONDAY, 4, lambda w: [(60.0, 10)] * 3))
    two = strong(tmp_path / "b2.csv", twice_a_week(MONDAY + timedelta(days=28), 4,
                                                   lambda w: [(62.5, 10)] * 3))
    runner = CliRunner()
    plan = tmp_path / "plan.csv"
    assert runner.invoke(app, ["plan", "-o", str(plan), "--start", "2026-01-05"]).exit_code == 0
    out = tmp_path / "next.csv"
    r = runner.invoke(app, ["next-block", str(plan), str(one), str(two), "-o", str(out),
                            "--unit", "kg", "--today", "2026-03-02"])
    assert r.exit_code == 0, r.output
    assert "b1.csv" in r.output and "b2.csv" in r.output
    r = runner.invoke(app, ["analyse", str(one), str(two), "--unit", "kg", "--out",
                            str(tmp_path / "a")])
    assert r.exit_code == 0, r.output


# --- 6. working sets are the reference -------------------------------------------------------

def test_a_top_set_does_not_become_three_sets_at_that_load(tmp_path):
    sessions = twice_a_week(MONDAY, 3, lambda w: [(100.0, 10), (80.0, 12), (80.0, 12),
                                                  (80.0, 12)])
    log = planner.read_log(strong(tmp_path / "top.csv", sessions), unit="kg")
    assert first_load(planner.next_block(None, log)) <= 82.5


def test_warm_ups_logged_as_sets_never_pull_the_ceiling_below_what_was_lifted(tmp_path):
    sessions = twice_a_week(MONDAY, 3, lambda w: [(80.0, 3)] * 3 + [(70.0, 15)] * 3)
    log = planner.read_log(strong(tmp_path / "warm.csv", sessions), unit="kg")
    assert first_load(planner.next_block(None, log)) >= 70.0


# --- 7. the user's edits stand ---------------------------------------------------------------

def test_a_plan_lowered_by_hand_is_not_raised_back(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=8,
                                               deadlift_start_load=60))
    t = plan.table.copy()
    later = (t["exercise"] == "deadlift") & (t["week"] >= 3)
    t.loc[later, "load_kg"] = 60.0  # the user kept it at 60 from week 3
    edited = planner.Plan(t, plan.unit, plan.config, plan.notes)
    log_path = filled_template(tmp_path, planner.Plan(t[t["week"] <= 2], plan.unit,
                                                      plan.config, ()), {})
    new = planner.next_block(edited, planner.read_log(log_path))
    assert first_load(new) <= 60.0
    assert any("edited by hand" in n for n in new.notes)


# --- 8. days as people live them -------------------------------------------------------------

def test_a_session_after_midnight_belongs_to_its_evening(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=1))
    day = deadlift_rows(plan)["date"].min()
    late = (day + pd.Timedelta(days=1, minutes=20)).to_pydatetime()
    log = planner.read_log(strong(tmp_path / "late.csv", [(late, [(float(
        deadlift_rows(plan)["load_kg"].iloc[0]), 10, "")] * 3)]), unit="kg")
    assert log.table["date"].iloc[0] == day
    sets = planner.analyse(log, plan).sets
    mine = sets[(sets["exercise"] == "deadlift") & (sets["date"] == day)]
    assert not (mine["band"] == "missed").any()


# --- 9. time away counts ---------------------------------------------------------------------

@pytest.mark.parametrize("days_away, most", [(20, 0.90 * 100), (40, 0.85 * 100),
                                             (90, 0.75 * 100), (560, 0.50 * 100),
                                             (1462, 0.50 * 100)])
def test_the_return_scales_with_the_time_away(tmp_path, days_away, most):
    sessions = twice_a_week(MONDAY, 4, lambda w: [(100.0, 10)] * 3)
    log = planner.read_log(strong(tmp_path / "s.csv", sessions), unit="kg")
    last = log.table["date"].max()
    new = planner.next_block(None, log, today=(last + pd.Timedelta(days=days_away)).date())
    assert first_load(new) <= most
    said = " ".join(new.notes)
    assert "days" in said and ("fresh start" in said) == (days_away >= 112)


# --- 10. pain status is about now ------------------------------------------------------------

def test_pain_logged_only_in_week_1_is_stale_by_week_12(tmp_path):
    plan = planner.generate(planner.PlanConfig(start_date=MONDAY, weeks=12))
    log = planner.read_log(filled_template(tmp_path, plan, {1: "2"}))
    new = planner.next_block(plan, log)
    assert "no pain data since week 1" in (new.config.deadlift_hold or "")
    last_done = float(deadlift_rows(plan)["load_kg"].max())
    assert first_load(new) <= last_done


def test_a_symptom_in_the_workout_note_is_read_beside_the_sets_own_notes(tmp_path):
    sessions = twice_a_week(MONDAY, 3, lambda w: [(60.0, 10)] * 3,
                            note=lambda w, d: "felt heavy")  # every session's sets noted
    log = planner.read_log(strong(tmp_path / "s.csv", sessions,
                                  workout_note="numb toes after"), unit="kg")
    assert (log.table["note"] == "felt heavy | numb toes after").any()
    assert "numb toes" in (planner.next_block(None, log).config.deadlift_hold or "")


def test_a_symptom_in_a_hevy_workout_description_is_read(tmp_path):
    path = tmp_path / "hevy.csv"
    head = ('"title","start_time","end_time","description","exercise_title","superset_id",'
            '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
            '"duration_seconds","rpe"')
    rows = [head]
    for w in range(3):
        day = MONDAY + timedelta(days=7 * w)
        desc = "pins and needles down my leg" if w == 2 else "good"
        for i in range(3):
            rows.append(f'"Pull","{day:%d %b %Y}, 18:00","{day:%d %b %Y}, 19:00","{desc}",'
                        f'"Deadlift (Barbell)",,"",{i},"normal",60,10,,,')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    hold = planner.next_block(None, planner.read_log(path)).config.deadlift_hold or ""
    assert "pins and needles down my leg" in hold
