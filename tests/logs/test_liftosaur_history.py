"""Liftosaur's history CSV read back (planner.logs, the LIFTOSAUR spec): the round trip.

The plan is written as a Liftosaur program (planner.files.liftosaur); the athlete does every
set of it; Liftosaur's "Export history to CSV file" writes the history as its
``History_exportAsCSV`` does (columns, one row per set, ISO times in UTC, the exercise's
notes on each of its rows, cells quoted only where they hold a comma, a quote or a line
end, lines joined by "\\n"). That file, read with ``read_log`` and set against the plan,
must give every planned set "done" and every exercise-session 100 %.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest

from planner import PlanConfig, generate
from planner.analysis import compliance_rates, compliance_sessions, compliance_sets
from planner.files.liftosaur import liftosaur_text
from planner.logs import detect_format, read_log
from planner.symptoms import pain_in_notes
from tests.files.liftoscript_check import read_program

HEADER = ["Workout DateTime", "Program", "Day Name", "Exercise", "Is Warmup Set?",
          "Required Reps", "Completed Reps", "Is AMRAP?", "Required RPE", "Completed RPE",
          "Log RPE?", "Required Weight Value", "Required Weight Unit",
          "Completed Weight Value", "Completed Weight Unit", "Ask Weight?",
          "Completed Reps Time", "Target Muscles", "Synergist Muscles", "Notes"]
MUSCLES = {"Deadlift": ("Gluteus Maximus", "Adductor Magnus,Hamstrings,Quadriceps,Soleus")}


def _cell(value) -> str:
    """One cell as Liftosaur's CSV writer writes it."""
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)  # JavaScript writes 60, not 60.0
    text = str(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return f'"{text}"' if ("," in text or "\n" in text or "\r" in text) else text


def liftosaur_export(text: str, *, note: str = "pain 2/10", program: str = "Lower back"
                     ) -> str:
    """The history CSV after the athlete did every set of the program ``text`` on the
    day its header names, at 18:00 UTC, writing ``note`` on each day's first exercise."""
    lines = [",".join(HEADER)]
    for day in read_program(text):
        when = datetime.strptime(re.sub(r"^Day \d+ - \w+ ", "", day.title), "%d %b %Y")
        start = when.replace(hour=18)
        for i, ex in enumerate(day.exercises):
            target, synergists = MUSCLES.get(ex.name, ("", ""))
            for k, s in enumerate(ex.sets):
                done = start.replace(minute=min(59, 2 * i + 1), second=k % 60)
                lines.append(",".join(_cell(v) for v in [
                    start.strftime("%Y-%m-%dT%H:%M:%S.000Z"), program, day.title, ex.name,
                    0, s.reps, s.reps, 0, None, None, 0, s.weight, s.unit, s.weight, s.unit,
                    0, done.strftime("%Y-%m-%dT%H:%M:%S.000Z"), target, synergists,
                    note if i == 0 else ""]))
    return "\n".join(lines)


@pytest.mark.parametrize("kw", [
    dict(weeks=3, unit="kg", training_days=("mon", "thu"), deload_every=None),
    dict(weeks=5, unit="lb", training_days=("tue", "wed", "sat"), deload_every=4,
         volume=1.5),
])
def test_every_set_done_in_liftosaur_reads_back_as_full_compliance(tmp_path, kw):
    # Dates in the past: a log from the future is rejected.
    plan = generate(PlanConfig(start_date=pd.Timestamp("2025-03-03").date(), **kw))
    path = tmp_path / "liftosaur_20250601.csv"
    path.write_text(liftosaur_export(liftosaur_text(plan)), encoding="utf-8")
    log = read_log(path)
    assert log.source_format == "liftosaur"
    assert log.rows_read == log.rows_imported, log.report
    assert set(log.table["exercise"]) == set(plan.table["exercise"])
    sets = compliance_sets(log.table, plan.table)
    planned = sets[sets["band"] != "unplanned"]
    assert len(planned) == len(plan.table)
    assert (planned["band"] == "done").all(), planned["band"].value_counts()
    sessions = compliance_sessions(sets)
    rates = compliance_rates(sessions, plan.table["date"].max())
    assert rates["compliance_sessions"].iloc[0] == 1.0
    for e in ("deadlift", "glute_bridge", "rotational_stretch"):
        assert rates[f"compliance_{e}"].iloc[0] == 1.0
    # Loads come back in kg as planned (the body-weight sets' 0 as no load).
    dl = planned[planned["exercise"] == "deadlift"]
    assert (dl["done_load_kg"] - dl["load_kg"]).abs().max() < 1e-6
    assert planned.loc[planned["exercise"] != "deadlift", "done_load_kg"].isna().all()
    # The pain written in the exercise notes is read as the score.
    scores = pain_in_notes(log.table["note"])["value"].dropna()
    assert len(scores) and (scores == 2).all()


def test_the_stretchs_holds_come_back_in_side_order_and_a_missing_one_is_seen(tmp_path):
    # Liftosaur's export has no side and no hold time: the 6 timed sets of a day (3 a side)
    # come back as 6 rows without a side, which the reader gives the sides left, right ...
    # in time order, as the program lays them out. Drop the day's last hold and the
    # stretch of that day is partial, not done; keep only the first three and it is 2 + 1.
    plan = generate(PlanConfig(weeks=1, training_days=("mon", "thu"), deload_every=None,
                               start_date=pd.Timestamp("2025-03-03").date()))
    lines = liftosaur_export(liftosaur_text(plan)).split("\n")
    path = tmp_path / "h.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    log = read_log(path)
    stretch = log.table[log.table["exercise"] == "rotational_stretch"]
    assert stretch["hold_s"].isna().all()
    assert list(stretch.groupby("session_id")["side"].agg(list).iloc[0]) == ["left",
                                                                             "right"] * 3
    sets = compliance_sets(log.table, plan.table)
    assert (sets["band"] == "done").all()
    last_hold = max(i for i, line in enumerate(lines) if ",Lying Rotational Stretch," in line)
    path.write_text("\n".join(lines[:last_hold] + lines[last_hold + 1:]), encoding="utf-8")
    sets = compliance_sets(read_log(path).table, plan.table)
    missed = sets[sets["band"] != "done"]
    assert len(missed) == 1 and missed.iloc[0]["exercise"] == "rotational_stretch"
    assert missed.iloc[0]["side"] == "right" and missed.iloc[0]["band"] == "missed"
    holds = [i for i, line in enumerate(lines) if ",Lying Rotational Stretch," in line]
    first_day = holds[:6]
    path.write_text("\n".join(x for i, x in enumerate(lines) if i not in first_day[3:]),
                    encoding="utf-8")
    sets = compliance_sets(read_log(path).table, plan.table)
    missed = sets[sets["band"] == "missed"]
    assert sorted(missed["side"]) == ["left", "right", "right"]


def test_the_header_is_detected_and_warm_ups_and_undone_sets_are_kept_apart(tmp_path):
    assert detect_format(HEADER) == "liftosaur"
    rows = [",".join(HEADER),
            "2025-03-03T18:00:00.000Z,P,Day 1,Deadlift,1,5,5,0,,,0,20,kg,20,kg,0,"
            "2025-03-03T18:01:00.000Z,,,",
            "2025-03-03T18:00:00.000Z,P,Day 1,Deadlift,0,10,10,0,,,0,60,kg,60,kg,0,"
            "2025-03-03T18:03:00.000Z,,,\"felt fine, pain 1\"",
            "2025-03-03T18:00:00.000Z,P,Day 1,Deadlift,0,10,10,0,,,0,60,kg,60,kg,0,"
            "2025-03-03T18:06:00.000Z,,,\"felt fine, pain 1\""]
    path = tmp_path / "l.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    log = read_log(path)
    t = log.table
    assert list(t["set_type"]) == ["warmup", "working", "working"]
    assert list(t["load_kg"]) == [20.0, 60.0, 60.0] and list(t["reps"]) == [5, 10, 10]
    assert (t["exercise"] == "deadlift").all()
    assert (t["date"].dt.strftime("%Y-%m-%d") == "2025-03-03").all()
