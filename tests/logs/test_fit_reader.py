"""FIT activity files read as a log: the round trip plan -> Garmin workouts -> the sets a
watch records -> read_log -> compliance against the plan.

The activity files are written here with the same encoder as the workouts (fit-tool), as
a watch would after the athlete did every step: an active ``set`` message per set (reps,
weight, duration, category and name, the workout step it followed) and a rest set between
them; the reader decodes them with another library (fitdecode)."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.set_message import SetMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WorkoutStepDuration,
)

from planner import PlanConfig, generate
from planner.analysis import analyse, compliance_rates, findings
from planner.files.app_sessions import app_sessions
from planner.files.garmin import fit_workout, workout_name, workout_steps
from planner.logs import LogFormatError, read_log, read_strong
from planner.logs.fit import exercise_name

FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds
LOCAL = timedelta(hours=1)  # the watch's time zone


def ms(t: datetime) -> int:
    return round(t.timestamp() * 1000)


def activity(session, unit: str, *, skip: int | None = None, steps: bool = True) -> bytes:
    """The FIT activity a watch would record for ``session`` done as planned at 18:00
    local time: every step of its workout as a set (``skip``: leave that step out)."""
    start = datetime(session.date.year, session.date.month, session.date.day, 18,
                     tzinfo=UTC) - LOCAL
    b = FitFileBuilder(auto_define=True)
    f = FileIdMessage()
    f.type, f.manufacturer, f.product = FileType.ACTIVITY, Manufacturer.DEVELOPMENT.value, 1
    f.serial_number, f.time_created = 1234, ms(start)
    b.add(f)
    plan_steps = workout_steps(session, unit)
    if steps:  # the workout followed, as the activity carries it
        w = WorkoutMessage()
        w.workout_name = workout_name(session, unit)
        w.sport, w.num_valid_steps = Sport.TRAINING, len(plan_steps)
        b.add(w)
        b.add_all(workout_steps(session, unit))
    t, index = start, 0
    for step in plan_steps:
        if step.message_index == skip:
            continue
        m = SetMessage()
        m.timestamp = m.start_time = ms(t)
        m.message_index = index
        if step.intensity == Intensity.REST.value:  # the getters give the numbers
            m.set_type, m.duration = 0, step.duration_time
        else:
            m.set_type = 1
            m.category, m.category_subtype = [step.exercise_category], [step.exercise_name]
            m.weight_display_unit = step.weight_display_unit
            if step.duration_type == WorkoutStepDuration.REPS.value:
                m.repetitions, m.duration = step.duration_reps, 3.0 * step.duration_reps
            else:
                m.duration = step.duration_time
            if step.exercise_weight is not None:
                m.weight = step.exercise_weight
        if steps:
            m.workout_step_index = step.message_index
        b.add(m)
        t += timedelta(seconds=m.duration or 1)
        index += 1
    s = SessionMessage()
    s.start_time, s.timestamp = ms(start), ms(t)
    s.total_elapsed_time = (t - start).total_seconds()
    s.sport, s.sub_sport = Sport.TRAINING, SubSport.STRENGTH_TRAINING
    b.add(s)
    a = ActivityMessage()
    a.timestamp, a.num_sessions = ms(t), 1
    a.local_timestamp = int((t + LOCAL).timestamp()) - FIT_EPOCH_S  # local_date_time: s
    a.total_timer_time = (t - start).total_seconds()
    b.add(a)
    return b.build().to_bytes()


def plan_of(unit: str):
    load = 135 if unit == "lb" else 60
    return generate(PlanConfig(start_date=date(2025, 1, 6), weeks=4, unit=unit,
                               deadlift_start_load=load))


def read_weeks(plan, folder, weeks=(1, 2), **kw) -> pd.DataFrame:
    """Every session of ``weeks`` done, each a FIT activity file read by read_log."""
    tables = []
    for s in app_sessions(plan):
        if s.week in weeks:
            path = folder / f"{s.date}_{s.session_id}_activity.fit"
            path.write_bytes(activity(s, plan.unit, **kw))
            log = read_log(path)
            assert log.source_format == "fit" and log.rows_read == log.rows_imported
            assert log.report["rule"].eq("side-order").all(), log.report  # notes only
            tables.append(log.table)
    return pd.concat(tables, ignore_index=True)


def rates(table, plan):
    a = analyse(table, plan)
    return a, compliance_rates(a.sessions, table["date"].max()).iloc[0]


@pytest.mark.parametrize("unit", ["kg", "lb"])
def test_every_set_done_is_full_compliance(unit, tmp_path):
    plan = plan_of(unit)
    table = read_weeks(plan, tmp_path)
    planned = plan.table[plan.table["week"] <= 2]
    assert len(table) == len(planned)
    assert set(table["exercise"]) == {"deadlift", "glute_bridge", "rotational_stretch"}
    assert sorted(table["side"].unique()) == ["both", "left", "right"]
    dl = table[table["exercise"] == "deadlift"]
    expect = planned.loc[planned["exercise"] == "deadlift", "load_kg"].astype(float)
    assert sorted(dl["load_kg"].astype(float).round(6)) == sorted(expect.round(6))
    a, r = rates(table, plan)
    assert r["sessions_due"] == planned["session_id"].nunique()
    assert r["compliance_sessions"] == 1.0
    assert set(a.sessions.loc[a.sessions["week"] <= 2, "band"]) == {"done"}


def test_holds_without_sides_still_count(tmp_path):
    plan = plan_of("kg")
    table = read_weeks(plan, tmp_path, weeks=(1,), steps=False)
    # without the workout's steps the stretch's holds take the sides in the order the
    # exported workout lays them out: left, right, left ...
    st = table[table["exercise"] == "rotational_stretch"]
    assert list(st.groupby("session_id")["side"].agg(list).iloc[0]) == ["left", "right"] * 3
    assert set(table.loc[table["exercise"] != "rotational_stretch", "side"]) == {"both"}
    assert rates(table, plan)[1]["compliance_sessions"] == 1.0


def test_a_set_missing_is_below_full(tmp_path):
    plan = plan_of("kg")
    first = app_sessions(plan)[0]
    dead = next(s.message_index for s in workout_steps(first, "kg")
                if s.exercise_category == 8)
    table = read_weeks(plan, tmp_path, weeks=(1,))
    again = tmp_path / "again"
    again.mkdir()
    (again / "a.fit").write_bytes(activity(first, "kg", skip=dead))
    short = read_log(again / "a.fit").table
    table = pd.concat([short, table[table["date"] != pd.Timestamp(first.date)]],
                      ignore_index=True)
    a, r = rates(table, plan)
    assert r["compliance_sessions"] < 1.0 and r["compliance_deadlift"] < 1.0
    row = a.sessions[(a.sessions["session_id"] == first.session_id)
                     & (a.sessions["exercise"] == "deadlift")].iloc[0]
    assert (row["missed"], row["band"]) == (1, "partial")


def test_a_workout_is_not_a_log_and_damage_is_named(tmp_path):
    s = app_sessions(plan_of("kg"))[0]
    workout = tmp_path / "W01D1.fit"
    workout.write_bytes(fit_workout(s, "kg"))
    with pytest.raises(LogFormatError, match=r"W01D1\.fit: .*planned workout, not a log"):
        read_log(workout)
    good = activity(s, "kg")
    bad = tmp_path / "bad.fit"
    bad.write_bytes(good[:-3] + bytes([good[-3] ^ 0x01]) + good[-2:])  # a value, not a length
    with pytest.raises(LogFormatError, match=r"bad\.fit: a damaged FIT file.*CRC"):
        read_log(bad)
    cut = tmp_path / "cut.fit"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(LogFormatError, match=r"cut\.fit: a damaged FIT file"):
        read_log(cut)
    with pytest.raises(LogFormatError, match="expected a strong log, found a FIT file"):
        read_strong(tmp_path / "W01D1.fit")


def test_exercise_names():
    assert exercise_name(8, 0) == "Deadlift"
    assert exercise_name(8, 1) == "Barbell straight leg deadlift"  # a variant: its own lift
    assert exercise_name(31, 54) == "Lying Spinal Twist"
    assert exercise_name(31, 60000) == "FIT category 31 name 60000"
    assert exercise_name(None, None) == ""


def test_a_watch_log_has_no_pain_data_never_no_pain(tmp_path):
    """A watch's activity file holds no notes: the analysis says "no pain data"."""
    plan = plan_of("kg")
    table = read_weeks(plan, tmp_path, weeks=(1,))
    assert table["pain_after"].isna().all() and table["note"].isna().all()
    a = analyse(table, plan)
    assert set(a.pain_weeks["status"]) <= {"no pain data"}
    assert any("no pain data" in f for f in findings(a))
