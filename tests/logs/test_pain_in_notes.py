"""Pain written in the notes people already write (issue 19, item 4): the convention read from
every notes field the apps export, through the same pain rules as our template's columns.

Each log here is a file in the app's own format, read by the readers; the expectations are
hand-computed from what the note says."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner.analysis import findings
from planner.files.app_sessions import PAIN_INSTRUCTION, app_sessions
from planner.logs import parse_log
from planner.symptoms import find_symptoms, pain_in_notes

MONDAY = date(2026, 1, 5)

# --- the reader, note by note -----------------------------------------------------------------

READ = [
    ("pain 3", 3.0), ("pain 3/10", 3.0), ("Pain: 7,5", 7.5), ("back 4", 4.0),
    ("felt fine, pain 2", 2.0), ("PAIN 2/10", 2.0), ("pain: 1,5", 1.5), ("Pain: 2", 2.0),
    ("back pain 4", 4.0), ("lower back 3/10", 3.0), ("pain level 3", 3.0),
    ("pain was 5 today", 5.0), ("pain 3-4", 4.0), ("pain 30/100", 3.0), ("pain 6 of 10", 6.0),
    ("Schmerz 6 von 10", 6.0), ("Rückenschmerzen 4", 4.0), ("dolor 4", 4.0),
    ("dolor de espalda: 5/10", 5.0), ("douleur 2", 2.0), ("pain 0", 0.0),
    ("pain 3 before, pain 5 after", 5.0), ("deadlift heavy. pain 3.", 3.0),
    ("felt great, no pain", 0.0), ("No pain!", 0.0), ("pain-free today", 0.0),
    ("top set 100 kg x 5, pain 2", 2.0), ("pain 2 in left leg", 2.0), ("back 4!", 4.0),
    ("pain ２/10", 2.0),  # a full-width digit, as some phone keyboards type it
    ("2/10 pain", 2.0), ("3 out of 10 back pain", 3.0), ("pain 2 / 10", 2.0),
    ("VAS 30/100", 3.0), ("session 8/10, pain 1", 1.0),
    # a later score in the same note, with no pain word before it: the higher counts
    ("pain 2/10 before, 8/10 after", 8.0), ("pain 2 -> 8", 8.0), ("pain 2 → 7", 7.0),
    ("pain 3/10 then 8/10", 8.0), ("pain 1, 8 after deadlifts", 8.0),
    ("pain 1 but 8 at night", 8.0), ("Schmerz 1, danach 8", 8.0), ("dolor 3, luego 9", 9.0),
    ("douleur 1 puis 8", 8.0), ("pain 1/10 (8/10 on the last set)", 8.0),
    ("pain 3 maybe 4", 4.0), ("pain 5, 2 hours later 7", 7.0),
    # ... but not a count
    ("pain 2, deadlift 3x10 at 60", 2.0), ("pain 2, week 3 of the block", 2.0),
    ("pain 2, set 3 hurt", 2.0), ("pain 2 then 3 sets of 10", 2.0),
    ("pain 2, did 6 deadlifts", 2.0), ("pain 4/10 at 7 pm", 4.0),
    ("Kein Schmerz", 0.0), ("sans douleur", 0.0), ("pain before 1 after 8", 8.0),
    ("back 4 today", 4.0), ("back: 4/10 after", 4.0),
]
NOT_SCORES = [
    "", "sore", "felt good", "back 3 sets later", "came back 5 days later", "back 135 lb",
    "back squat 100", "back-off 3 sets at 80%", "pain N/10", "pain 2x", "no pain meds today",
    "3x10 @ 60 kg", "rest 120 s", "bridge 15 reps", "back 12", "Rest Timer", PAIN_INSTRUCTION,
    "pain after set 3", "2 sets of pain-free bridges... then back 3x more",
    "10/10 session!", "3 sets pain free", "RPE 8/10",
    # numbers after a back word that are counts, clocks or times, and scores of other things
    "back 2 back sessions", "back 4 sessions", "back 3 exercises", "back 5 on monday",
    "back at 5", "back 5:30", "back 3 nights", "pain 3 yrs", "pain 2 wk", "pain 2 pills",
    "week 3/12 back on track", "5/5 back squats", "10/10 back day!",
    "back 4 people", "back 2 plates", "back 3 laps", "back 4 the first time", "pain 2 advil",
    "pain 5 miles", "back 5 o'clock", "pain 2 stunden", "back 2 rest days", "back 3 dogs",
]


@pytest.mark.parametrize(("note", "value"), READ)
def test_a_note_in_the_convention_gives_its_score(note, value):
    got = pain_in_notes(pd.Series([note]))
    assert got["value"].item() == pytest.approx(value)
    assert got["understood"].item()


@pytest.mark.parametrize("note", NOT_SCORES)
def test_a_note_without_a_score_gives_none(note):
    got = pain_in_notes(pd.Series([note]))
    assert pd.isna(got["value"].item()), note
    assert got["understood"].item()


@pytest.mark.parametrize("note", ["pain 12", "pain 11/10", "Pain: 15", "pain 4/3",
                                  "12/10 pain"])
def test_a_pain_word_with_no_0_10_score_is_flagged_not_dropped(note):
    got = pain_in_notes(pd.Series([note]))
    assert pd.isna(got["value"].item())
    assert not got["understood"].item()


def test_the_instruction_every_export_carries_never_reads_as_a_score_or_a_symptom():
    for text in (PAIN_INSTRUCTION, PAIN_INSTRUCTION.upper(), f"Week 1. {PAIN_INSTRUCTION}",
                 PAIN_INSTRUCTION.replace(" ", "\n")):
        got = pain_in_notes(pd.Series([text]))
        assert pd.isna(got["value"].item()) and got["understood"].item()
        assert not find_symptoms(pd.Series([text]))["symptom"].notna().any()


FILLER = st.text(alphabet=st.sampled_from(list("abcdefghij klmnopqrstuvwxyz")), max_size=30)
FORMS = ["pain {n}", "pain {n}/10", "Pain: {n}", "PAIN {n}/10", "back pain {n}",
         "pain level {n}", "Schmerz {n}", "dolor {n}/10"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=FILLER, after=FILLER, form=st.sampled_from(FORMS),
       tenths=st.integers(0, 100), comma=st.booleans())
def test_a_score_anywhere_in_a_note_is_read(before, after, form, tenths, comma):
    n = f"{tenths / 10:g}"
    if comma:
        n = n.replace(".", ",")
    note = f"{before.strip()}, {form.format(n=n)}, {after.strip()}".strip(", ")
    got = pain_in_notes(pd.Series([note]))
    assert got["value"].item() == pytest.approx(tenths / 10), note


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ,.;:/0123456789")),
                    max_size=60))
def test_a_note_without_a_pain_word_never_gives_a_score(text):
    # no pain or back word, and no "no pain" clause: nothing to read
    words = ("pain", "back", "vas", "nrs", "lbp", "dolor", "dos", "schmerz", "douleur",
             "rucken", "espalda")
    if any(w in text for w in words):
        return
    assert pd.isna(pain_in_notes(pd.Series([text]))["value"].item())


# --- the same notes from every app's export ------------------------------------------------------

def _csv(header: list[str], rows: list[list[object]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


def _sessions(weeks: int):
    """Twice a week: Monday and Thursday at 18:00, three deadlift sets of 10 at 60 kg."""
    for w in range(weeks):
        for d in (0, 3):
            day = MONDAY + timedelta(days=7 * w + d)
            yield w + 1, datetime(day.year, day.month, day.day, 18)


def strong_log(notes: dict[int, str], field: str) -> bytes:
    header = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
              "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]
    rows = []
    for week, when in _sessions(3):
        text = notes.get(week, "")
        for i in range(1, 4):
            note = text if field == "Notes" and i == 1 else ""
            rows.append([f"{when:%Y-%m-%d %H:%M:%S}", "Evening", "1h", "Deadlift (Barbell)",
                         i, 60, 10, 0, 0, note, text if field == "Workout Notes" else "", ""])
    return _csv(header, rows)


def hevy_log(notes: dict[int, str], field: str) -> bytes:
    header = ["title", "start_time", "end_time", "description", "exercise_title", "superset_id",
              "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
              "duration_seconds", "rpe"]
    rows = []
    for week, when in _sessions(3):
        text = notes.get(week, "")
        start = when.strftime("%d %b %Y, %H:%M")
        end = (when + timedelta(hours=1)).strftime("%d %b %Y, %H:%M")
        for i in range(3):
            rows.append(["Evening", start, end, text if field == "description" else "",
                         "Deadlift (Barbell)", "", text if field == "exercise_notes" else "",
                         i, "normal", 60, 10, "", "", ""])
    return _csv(header, rows)


def fitnotes_log(notes: dict[int, str], field: str = "Comment") -> bytes:
    header = ["Date", "Exercise", "Category", "Weight (kgs)", "Reps", "Distance",
              "Distance Unit", "Time", "Comment"]
    rows = []
    for week, when in _sessions(3):
        for i in range(3):
            rows.append([f"{when:%Y-%m-%d}", "Deadlift", "Back", 60, 10, "", "", "",
                         notes.get(week, "") if i == 0 else ""])
    return _csv(header, rows)


def template_log(notes: dict[int, str], field: str = "note") -> bytes:
    plan = planner.generate(planner.PlanConfig(weeks=3, start_date=MONDAY, unit="kg"))
    t = plan.table
    from planner.files.plan_csv import plan_to_frame
    from planner.logs.template import template_columns  # the template's own header
    frame = plan_to_frame(plan)
    for col in template_columns("kg")[len(frame.columns):]:
        frame[col] = ""
    frame["done_reps"] = t["target_reps"].astype("string").fillna("")
    frame["done_hold_s"] = t["target_hold_s"].astype("string").fillna("")
    frame["done_load_kg"] = t["load_kg"].astype("string").fillna("")
    first = ~t["session_id"].duplicated()
    frame[field] = [notes.get(int(w), "") if f else "" for w, f in zip(t["week"], first,
                                                                       strict=True)]
    return frame.to_csv(index=False).encode()


def liftosaur_log(notes: dict[int, str], field: str = "Notes") -> bytes:
    """Liftosaur's history export (UTC times, notes on an exercise, no set numbers)."""
    header = ["Workout DateTime", "Program", "Day Name", "Exercise", "Is Warmup Set?",
              "Required Reps", "Completed Reps", "Is AMRAP?", "Required RPE", "Completed RPE",
              "Log RPE?", "Required Weight Value", "Required Weight Unit",
              "Completed Weight Value", "Completed Weight Unit", "Ask Weight?",
              "Completed Reps Time", "Target Muscles", "Synergist Muscles", "Notes"]
    rows = []
    for week, when in _sessions(3):
        for i in range(3):
            rows.append([f"{when:%Y-%m-%dT%H:%M:%S}.000Z", "Lower back", "Day 1", "Deadlift",
                         0, 10, 10, 0, "", "", 0, 60, "kg", 60, "kg", 0,
                         f"{when:%Y-%m-%dT%H:%M:%S}.000Z", "", "",
                         notes.get(week, "") if i == 0 else ""])
    return _csv(header, rows)


WRITERS = [(strong_log, "Notes"), (strong_log, "Workout Notes"), (hevy_log, "exercise_notes"),
           (hevy_log, "description"), (fitnotes_log, "Comment"), (liftosaur_log, "Notes"),
           (template_log, "note")]
IDS = [f"{w.__name__}:{f}" for w, f in WRITERS]


@pytest.mark.parametrize(("write", "field"), WRITERS, ids=IDS)
def test_every_app_note_field_carries_the_pain_convention(write, field):
    notes = {1: "felt fine, pain 2/10", 2: "Pain: 7,5 after the deadlifts", 3: "back 3"}
    log = parse_log(write(notes, field), unit="kg", name=f"{field}.csv")
    by_week = log.table.assign(week=(pd.to_datetime(log.table["date"]) - pd.Timestamp(MONDAY))
                               .dt.days // 7 + 1).groupby("week")["pain_after"].max()
    assert by_week.to_dict() == {1: 2.0, 2: 7.5, 3: 3.0}
    read = log.report[log.report["rule"] == "pain-note"]
    # one report row per session whose note gave a score: the apps' logs have 2 sessions
    # a week for 3 weeks; the template is the 3-week plan, a session every day (the stretch)
    n = 21 if field == "note" else 6
    assert len(read) == n
    assert log.notes == [f"pain read from the notes: {n} scores on {n} days (as pain after "
                         "the session)"]
    # the pain rules see it: 7.5 after is a stop (7/10 or more) in week 2
    weeks = planner.analyse(log).pain_weeks.set_index("week")["status"]
    assert weeks.iloc[1] == "stop"
    assert weeks.iloc[0] != "no pain data" and weeks.iloc[2] != "no pain data"


@pytest.mark.parametrize(("write", "field"), WRITERS, ids=IDS)
def test_without_notes_it_is_no_pain_data_never_no_pain(write, field):
    log = parse_log(write({}, field), unit="kg", name=f"{field}.csv")
    assert log.table["pain_after"].isna().all()
    a = planner.analyse(log)
    assert set(a.pain_weeks["status"]) <= {"no pain data"}
    text = " ".join(findings(a))
    assert "no pain data" in text


@pytest.mark.parametrize(("write", "field"), WRITERS, ids=IDS)
def test_a_pain_note_nobody_can_read_makes_the_week_unreadable(write, field):
    log = parse_log(write({1: "pain 2", 2: "pain 15 today", 3: "pain 1"}, field),
                    unit="kg", name=f"{field}.csv")
    weeks = planner.analyse(log).pain_weeks.set_index("week")["status"]
    assert weeks.iloc[1] == "pain unreadable"


def test_a_pain_column_wins_over_the_note():
    data = template_log({1: "pain 6"}).decode()
    frame = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
    frame.loc[0, "pain_after"] = "1"  # the first session's first row: both a column and a note
    log = parse_log(frame.to_csv(index=False).encode(), name="t.csv")
    by_session = log.table.groupby("session_id")["pain_after"].max()
    assert by_session["W01D1"] == 1.0
    week1 = by_session[by_session.index.str.startswith("W01") & (by_session.index != "W01D1")]
    assert len(week1) == 6 and (week1 == 6.0).all()
    assert (log.report["rule"] == "pain-note").sum() == 6


def test_one_report_row_per_session_not_per_set():
    notes = {1: "pain 2", 2: "pain 2", 3: "pain 2"}
    log = parse_log(hevy_log(notes, "description"), name="h.csv")
    assert log.rows_imported == 18
    assert (log.report["rule"] == "pain-note").sum() == 6


@settings(max_examples=300, deadline=None)
@given(a=st.integers(0, 10), b=st.integers(0, 10), first=st.sampled_from(FORMS),
       link=st.sampled_from([", ", " -> ", " then ", " but ", "; later ", ", danach ",
                             " ("]),
       scale=st.booleans(), tail=st.sampled_from(["", " after", " at night", " today", ")"]))
def test_of_two_scores_in_a_note_the_higher_counts(a, b, first, link, scale, tail):
    """A low score never hides a higher one written after it: the rules are limits."""
    note = f"{first.format(n=a)}{link}{b}{'/10' if scale else ''}{tail}"
    got = pain_in_notes(pd.Series([note]))["value"].item()
    assert got == max(a, b), note


def test_nothing_the_exports_write_reads_as_a_score_or_a_symptom():
    """Every note, title and description the three app exports write (an app may copy any
    of them into its log): none reads back as a pain score, an unreadable pain or a red
    flag, in kg and lb, deload weeks, 1 to 7 days."""
    from planner.files.garmin import workout_name, workout_steps
    from planner.files.hevy import hevy_routines
    from planner.files.liftosaur import liftosaur_text

    texts: set[str] = set()
    for config in (planner.PlanConfig(weeks=12, start_date=MONDAY),
                   planner.PlanConfig(weeks=8, unit="lb", volume=1.5, start_date=MONDAY),
                   planner.PlanConfig(weeks=5, training_days=("mon", "tue", "wed", "thu", "fri",
                                                              "sat", "sun"), start_date=MONDAY),
                   planner.PlanConfig(weeks=3, training_days=("wed",), start_date=MONDAY,
                                      deadlift_sessions_per_week=1)):
        plan = planner.generate(config)
        for body in hevy_routines(plan):
            r = body["routine"]
            texts |= {r["title"], r["notes"], *(e["notes"] or "" for e in r["exercises"])}
        texts |= set(liftosaur_text(plan).splitlines())
        for s in app_sessions(plan):
            texts.add(workout_name(s, plan.unit))
            texts |= {t for step in workout_steps(s, plan.unit)
                      for t in (step.notes or "", step.workout_step_name or "")}
    notes = pd.Series(sorted(texts))
    read = pain_in_notes(notes)
    assert len(notes) > 400
    assert read["value"].isna().all(), notes[read["value"].notna()].tolist()[:5]
    assert read["understood"].all()
    assert find_symptoms(notes)["symptom"].isna().all()
