"""Hevy round trip: the routines of the first two weeks are exported, done set by set in
Hevy, and come back as Hevy's CSV export (its columns, its date format, its exercise
titles); read with read_log and analysed against the plan, compliance is 100 %, and
below 100 % when a set is missing.

Hevy names the stretch's template "Stretching" in its export. The Hevy reader is taught
to read it as the rotational stretch; until it is, the test passes the alias itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from planner import PlanConfig, generate
from planner.analysis import analyse
from planner.files.hevy import HEVY_TEMPLATES, hevy_routines
from planner.logs import read_log
from planner.logs.apps import HEVY

COLUMNS = ["title", "start_time", "end_time", "description", "exercise_title", "superset_id",
           "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
           "duration_seconds", "rpe"]
TITLES = dict(HEVY_TEMPLATES.values())  # template id -> Hevy's title
WEEKS = (1, 2)
# The Hevy reader's own name for the stretch, when it has one; else the user's alias.
ALIASES = (None if "stretching" in getattr(HEVY, "names", {})
           else {"Stretching": "rotational_stretch"})


@pytest.fixture(scope="module")
def plan():
    # In the past: a log holds no date after tomorrow.
    return generate(PlanConfig(weeks=4, start_date="2026-01-05", deadlift_start_load=60))


@pytest.fixture(scope="module")
def routines(plan):
    return hevy_routines(plan, weeks=WEEKS)


def _cell(value) -> str:
    """A field as Hevy writes it: text quoted, numbers bare, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _hevy_date(when: datetime) -> str:
    return f"{when.day} {when:%b %Y, %H:%M}"  # "5 Jan 2026, 18:00", as Hevy's export


def hevy_export(plan, routines, *, description=lambda i: "", drop=()) -> str:
    """The CSV Hevy exports after every set of ``routines`` was done as written (a
    workout takes its routine's title, and its exercises the routine's notes), one
    workout a day at 18:00. ``drop``: (routine, exercise, set) indexes left undone."""
    dates = dict(zip(plan.table["session_id"], plan.table["date"], strict=True))
    lines = [",".join(f'"{c}"' for c in COLUMNS)]
    for i, body in enumerate(routines):
        r = body["routine"]
        sid = r["title"].split(" · ")[1]
        start = datetime.combine(dates[sid].date(), datetime.min.time()) + timedelta(hours=18)
        for j, e in enumerate(r["exercises"]):
            done = [s for k, s in enumerate(e["sets"]) if (i, j, k) not in drop]
            for index, s in enumerate(done):
                row = [r["title"], _hevy_date(start), _hevy_date(start + timedelta(minutes=40)),
                       description(i), TITLES[e["exercise_template_id"]], None, e["notes"],
                       index, s["type"], s["weight_kg"], s["reps"], None,
                       s["duration_seconds"], None]
                lines.append(",".join(_cell(v) for v in row))
    return "\n".join(lines) + "\n"


def _analysed(tmp_path, plan, text):
    path = tmp_path / "hevy.csv"
    path.write_text(text, encoding="utf-8")
    log = read_log(path, aliases=ALIASES)
    assert log.source_format == "hevy"
    assert log.rows_rejected == 0 and log.rows_skipped == 0
    last_day = plan.table.loc[plan.table["week"] == WEEKS[-1], "date"].max()
    return log, analyse(log, plan, as_of=last_day)


def test_every_set_done_is_full_compliance(tmp_path, plan, routines):
    text = hevy_export(plan, routines)
    log, a = _analysed(tmp_path, plan, text)
    n_sets = sum(len(e["sets"]) for r in routines for e in r["routine"]["exercises"])
    assert log.rows_imported == n_sets == text.count("\n") - 1
    assert set(log.table["exercise"]) == {"deadlift", "glute_bridge", "rotational_stretch"}
    assert a.summary["completion"] == 1.0
    assert a.summary["sessions_due"] == a.summary["sessions_done"] == len(routines) == 14
    for e in ("deadlift", "glute_bridge", "rotational_stretch"):
        assert a.summary[f"compliance_{e}"] == 1.0
    due = a.sessions[a.sessions["week"].isin(WEEKS)]
    assert set(due["band"]) == {"done"}
    # each stretch hold counted once, on its side: nothing unplanned
    assert (a.sets["band"] == "unplanned").sum() == 0
    assert set(a.sessions.loc[~a.sessions["week"].isin(WEEKS), "band"]) == {"planned"}
    # Loads came back as sent (kg, to the gram), holds in whole seconds.
    dl = log.table[log.table["exercise"] == "deadlift"]
    assert dl["load_kg"].min() >= 60


def test_a_missing_deadlift_set_is_below_full_compliance(tmp_path, plan, routines):
    # Routine 0 (Monday): exercise 1 is the deadlift; its last set is not done.
    assert routines[0]["routine"]["exercises"][1]["exercise_template_id"] == "C6272009"
    _, a = _analysed(tmp_path, plan, hevy_export(plan, routines, drop={(0, 1, 2)}))
    assert a.summary["completion"] < 1.0
    assert a.summary["compliance_deadlift"] < 1.0
    assert a.summary["sessions_done"] == a.summary["sessions_due"] - 1
    first = a.sessions[(a.sessions["session_id"] == "W01D1")
                       & (a.sessions["exercise"] == "deadlift")].iloc[0]
    assert (first["band"], first["missed"], first["done"]) == ("partial", 1, 2)


def test_pain_in_the_workout_description_keeps_the_log_whole(tmp_path, plan, routines):
    text = hevy_export(plan, routines, description=lambda i: "pain 3/10" if i == 0 else "")
    assert text.count('"pain 3/10"') == sum(
        len(e["sets"]) for e in routines[0]["routine"]["exercises"])
    log, a = _analysed(tmp_path, plan, text)
    assert a.summary["completion"] == 1.0
    # The note is kept with the sets of that workout (alone or joined with the exercise's).
    first_day = log.table["date"] == log.table["date"].min()
    notes = log.table.loc[first_day, "note"]
    assert notes.fillna("").str.contains("pain 3/10").any()
    # ... and read as that session's pain after it; the other sessions carry no score
    assert log.table.loc[first_day, "pain_after"].max() == 3.0
    assert log.table.loc[~first_day, "pain_after"].isna().all()


def test_a_missing_stretch_hold_is_seen(tmp_path, plan, routines):
    _, a = _analysed(tmp_path, plan, hevy_export(plan, routines, drop={(1, 0, 5)}))
    assert (a.sets["band"] == "unplanned").sum() == 0
    assert a.summary["compliance_rotational_stretch"] < 1.0


def test_half_the_stretch_is_half_the_stretch(tmp_path, plan, routines):
    """The first 3 of the 6 Stretching sets (left, right, left) are 2 holds on the left and 1
    on the right, not 3 holds a side: Hevy's rows are one side each, as the routine says."""
    log, a = _analysed(tmp_path, plan, hevy_export(plan, routines, drop={(1, 0, 3), (1, 0, 4),
                                                                       (1, 0, 5)}))
    assert a.summary["compliance_rotational_stretch"] < 1.0
    assert (log.report["rule"] == "side-order").sum() == 1
