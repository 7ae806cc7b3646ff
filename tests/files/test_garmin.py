"""Garmin FIT workouts: every file decoded by another library (fitdecode, CRC checked)
and compared with what the plan table says, set by set."""

import io
import math
import zipfile
from datetime import date

import fitdecode
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import PlanConfig, generate
from planner.files.app_sessions import PAIN_INSTRUCTION, app_sessions, rounding_notes
from planner.files.garmin import fit_workout, garmin_files, garmin_zip, write_garmin
from planner.files.safewrite import OutputExistsError
from tests.conftest import examples

# (exercise_category, exercise_name) per exercise, as the FIT profile 21.218 numbers them
CATEGORY = {"deadlift": (8, 0), "glute_bridge": (10, 11), "rotational_stretch": (31, 54)}


def decode(data: bytes) -> dict[str, list[dict[str, tuple]]]:
    """Each message name -> its messages as {field: (value, raw value)}; the CRCs checked."""
    out: dict[str, list[dict[str, tuple]]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE,
                             error_handling=fitdecode.ErrorHandling.RAISE) as reader:
        for f in reader:
            if isinstance(f, fitdecode.FitDataMessage):
                out.setdefault(f.name, []).append(
                    {x.name: (x.value, x.raw_value) for x in f.fields})
    return out


def expected_steps(plan, session_id: str) -> list[tuple]:
    """The steps the plan table asks for, worked out from its rows (not from app_sessions):
    ("set", category, name, reps, raw weight or None) / ("hold", category, name, ms) /
    ("rest", ms), a rest after every set with a rest but the session's last."""
    rows = plan.table[plan.table["session_id"] == session_id]
    order = list(dict.fromkeys(rows["exercise"]))
    rows = [r for e in order for r in rows[rows["exercise"] == e].itertuples()]
    out = []
    for i, r in enumerate(rows):
        cat, name = CATEGORY[r.exercise]
        if r.exercise == "rotational_stretch":
            out.append(("hold", cat, name, math.floor(float(r.target_hold_s) + 0.5) * 1000))
        else:
            weight = None if pd.isna(r.load_kg) else round(float(r.load_kg) * 100)
            out.append(("set", cat, name, int(r.target_reps), weight))
        if r.rest_s > 0 and i < len(rows) - 1:
            out.append(("rest", int(r.rest_s) * 1000))
    return out


def found_steps(msgs: dict) -> list[tuple]:
    out = []
    for s in msgs["workout_step"]:
        if s["intensity"][0] == "rest":
            assert s["duration_type"][1] == 0
            out.append(("rest", s["duration_time"][1]))
        elif s["duration_type"][1] == 29:  # reps
            out.append(("set", s["exercise_category"][1], s["exercise_name"][1],
                        s["duration_reps"][1], s.get("exercise_weight", (None, None))[1]))
        else:
            assert s["duration_type"][1] == 0  # time
            out.append(("hold", s["exercise_category"][1], s["exercise_name"][1],
                        s["duration_time"][1]))
    return out


def check_file(data: bytes, plan, session_id: str) -> dict:
    msgs = decode(data)
    file_id, = msgs["file_id"]
    assert file_id["type"] == ("workout", 5)
    assert file_id["manufacturer"] == ("development", 255)
    workout, = msgs["workout"]
    assert workout["sport"][1] == 10 and workout["sub_sport"][1] == 20
    assert workout["num_valid_steps"][1] == len(msgs["workout_step"])
    assert [s["message_index"][1] for s in msgs["workout_step"]] == list(
        range(len(msgs["workout_step"])))
    assert workout["wkt_name"][0].startswith(session_id + " ")
    assert len(workout["wkt_name"][0].encode()) <= 254
    assert workout["wkt_description"][0] == PAIN_INSTRUCTION
    assert found_steps(msgs) == expected_steps(plan, session_id)
    unit = 2 if plan.unit == "lb" else 1
    assert {s["weight_display_unit"][1] for s in msgs["workout_step"]
            if "weight_display_unit" in s} == {unit}
    return msgs


@pytest.fixture(scope="module")
def kg_plan():
    return generate(PlanConfig(start_date=date(2026, 12, 7), weeks=4, deadlift_start_load=60))


def test_every_written_file_decodes_as_the_plan(kg_plan, tmp_path):
    paths = write_garmin(kg_plan, tmp_path / "garmin")
    fits = [p for p in paths if p.suffix == ".fit"]
    sessions = app_sessions(kg_plan)
    assert [p.name for p in fits] == [f"{s.date}_{s.session_id}.fit" for s in sessions]
    assert len({p.name for p in fits}) == len(fits) == kg_plan.table["session_id"].nunique()
    serials = set()
    for path, s in zip(fits, sessions, strict=True):
        msgs = check_file(path.read_bytes(), kg_plan, s.session_id)
        serials.add(msgs["file_id"][0]["serial_number"][1])
    assert len(serials) == len(fits)


def test_first_session_by_hand(kg_plan):
    msgs = decode(fit_workout(app_sessions(kg_plan)[0], "kg"))
    assert msgs["workout"][0]["wkt_name"][0] == (
        "W01D1 Mon 7 Dec: Deadlift 3x10 @ 60 kg + bridge + stretch")
    steps = msgs["workout_step"]
    # 2 bridge sets, 3 deadlift sets, 3 holds a side; a rest between each two: 11 + 10
    assert len(steps) == msgs["workout"][0]["num_valid_steps"][1] == 21
    dead = [s for s in steps if s.get("exercise_category", (0, 0))[1] == 8]
    assert [(s["duration_reps"][1], s["exercise_weight"]) for s in dead] == [
        (10, (60.0, 6000))] * 3
    holds = [s for s in steps if s.get("exercise_category", (0, 0))[1] == 31]
    assert len(holds) == 6 and {s["duration_time"][1] for s in holds} == {5000}
    assert [s["notes"][0] for s in holds[:2]] == ["left side, hold 5 s", "right side, hold 5 s"]
    bridge = [s for s in steps if s.get("exercise_category", (0, 0))[1] == 10]
    assert [(s["exercise_name"][1], s["duration_reps"][1]) for s in bridge] == [(11, 15)] * 2
    assert all("exercise_weight" not in s for s in bridge)


def test_a_plan_in_pounds_keeps_kg_and_shows_pounds():
    lb = generate(PlanConfig(start_date=date(2026, 12, 7), weeks=1, unit="lb",
                             deadlift_start_load=135))
    s = app_sessions(lb)[0]
    msgs = check_file(fit_workout(s, "lb"), lb, s.session_id)
    dead = [x for x in msgs["workout_step"] if x.get("exercise_category", (0, 0))[1] == 8]
    assert {x["exercise_weight"] for x in dead} == {(61.23, 6123)}  # 135 lb in kg
    assert {x["weight_display_unit"] for x in dead} == {("pound", 2)}
    assert "135 lb" in msgs["workout"][0]["wkt_name"][0]


def test_a_damaged_file_fails_the_other_decoders_crc(kg_plan):
    data = bytearray(fit_workout(app_sessions(kg_plan)[0], "kg"))
    data[40] ^= 0xFF
    with pytest.raises(fitdecode.FitCRCError):
        decode(bytes(data))


def test_readme_and_zip():
    plan = generate(PlanConfig(start_date=date(2026, 12, 7), weeks=2, overrides={
        "rotational_stretch": {"hold_min_s": 7.5, "hold_step_s": 2.5}}))
    files = zipfile.ZipFile(io.BytesIO(garmin_zip(plan)))
    names = files.namelist()
    assert names[-1] == "README.txt" and len(names) == plan.table["session_id"].nunique() + 1
    readme = files.read("README.txt").decode()
    notes = rounding_notes(app_sessions(plan))
    assert notes and all(n in readme for n in notes)
    for text in ("GARMIN/NewFiles", "USB", "eject", PAIN_INSTRUCTION, "Import Data",
                 "strength workouts"):
        assert text.lower() in readme.lower()
    holds = decode(files.read(names[0]))["workout_step"]
    assert {s["duration_time"][1] for s in holds if s.get("exercise_category", (0, 0))[1]
            == 31} == {8000}  # 7.5 s as 8 s


def snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_existing_files_are_never_replaced_without_overwrite(kg_plan, tmp_path):
    folder = tmp_path / "garmin"
    write_garmin(kg_plan, folder)
    before = snapshot(folder)
    with pytest.raises(OutputExistsError):
        write_garmin(kg_plan, folder)
    assert snapshot(folder) == before
    # one file of the user's in the way: nothing at all is written
    other = tmp_path / "other"
    other.mkdir()
    (other / "2026-12-09_W01D3.fit").write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        write_garmin(kg_plan, other)
    assert [p.name for p in other.iterdir()] == ["2026-12-09_W01D3.fit"]
    assert (other / "2026-12-09_W01D3.fit").read_bytes() == b"mine"
    written = write_garmin(kg_plan, other, overwrite=True)
    assert len(written) == len(before)
    decode((other / "2026-12-09_W01D3.fit").read_bytes())


@settings(max_examples=examples(8))
@given(weeks=st.integers(1, 3), days=st.sampled_from(
    [("mon", "wed", "fri"), ("tue", "thu", "sat"), ("mon", "thu"), ("wed", "sat")]),
    unit=st.sampled_from(["kg", "lb"]), volume=st.sampled_from([0.5, 0.8, 1.0, 1.3]),
    start=st.dates(date(2026, 1, 1), date(2027, 12, 31)))
def test_every_generated_session_round_trips(weeks, days, unit, volume, start):
    plan = generate(PlanConfig(weeks=weeks, start_date=start, unit=unit, volume=volume,
                               training_days=days))
    for s in app_sessions(plan):
        check_file(fit_workout(s, unit), plan, s.session_id)


def test_the_first_weeks_only_and_the_readme_says_where_the_rest_are():
    """The coach's zip holds each block's first weeks (APP_WEEKS): the files of weeks 1-2
    of a 6-week plan, and a README that says so and how to make the rest."""
    plan = generate(PlanConfig(weeks=6, start_date=date(2026, 1, 5)))
    files = garmin_files(plan, weeks=2)
    fits = sorted(n for n in files if n.endswith(".fit"))
    expected = plan.table.loc[plan.table["week"] <= 2].drop_duplicates("session_id")
    assert fits == sorted(f"{d:%Y-%m-%d}_{s}.fit" for d, s in
                          zip(expected["date"], expected["session_id"], strict=True))
    text = files["README.txt"].decode()
    assert "weeks 1 to 2 of weeks 1 to 6" in text and "--to garmin" in text
    assert "of weeks" not in garmin_files(plan)["README.txt"].decode()
