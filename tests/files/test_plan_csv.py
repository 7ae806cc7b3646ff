"""Plan CSV and calendar files: round trips, safety, clear errors."""

from datetime import date

import pandas as pd
import pytest
from icalendar import Calendar

from planner import PlanConfig, PlanFormatError, generate, read_plan
from planner.files.cells import neutralise, unneutralise
from planner.files.safewrite import write_atomic
from planner.plan import Plan
from tests.paths import ROOT

START = date(2026, 1, 5)


@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=START, weeks=4, deadlift_start_load=40))


def test_csv_has_one_row_per_set_and_kg_column(plan, tmp_path):
    path = plan.to_csv(tmp_path / "plan.csv")
    raw = pd.read_csv(path)
    assert len(raw) == len(plan.table)
    assert "load_kg" in raw.columns and raw["date"].iloc[0] == "2026-01-05"


def test_lb_csv_is_in_pounds(tmp_path):
    plan = generate(PlanConfig(start_date=START, weeks=2, unit="lb", deadlift_start_load=135))
    raw = pd.read_csv(plan.to_csv(tmp_path / "plan.csv"))
    assert "load_lb" in raw.columns and "load_kg" not in raw.columns
    assert raw["load_lb"].dropna().iloc[0] == 135.0
    back = read_plan(tmp_path / "plan.csv")
    assert back.unit == "lb"
    # 135 lb = 61.23496995 kg exactly (1 lb = 0.45359237 kg).
    assert back.table["load_kg"].dropna().iloc[0] == pytest.approx(61.23496995, abs=1e-9)


def test_never_overwrites_without_being_asked(plan, tmp_path):
    target = tmp_path / "plan.csv"
    target.write_text("my own notes\n")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        plan.to_csv(target)
    assert target.read_text() == "my own notes\n"
    with pytest.raises(FileExistsError):
        plan.to_ics(target)
    plan.to_csv(target, overwrite=True)
    assert read_plan(target).table.shape == plan.table.shape


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.csv"

    def boom(fh):
        fh.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, boom)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_formula_injection_neutralised_and_undone(cell):
    s = pd.Series([cell, "plain", None], dtype="str")
    safe = neutralise(s)
    assert safe.iloc[0] == "'" + cell
    assert safe.iloc[1] == "plain"
    assert pd.isna(safe.iloc[2])
    pd.testing.assert_series_equal(unneutralise(safe), s)


def test_text_cells_written_safely_and_read_back(plan, tmp_path):
    t = plan.table.copy()
    t.loc[0, "plates"] = "=HYPERLINK(\"http://x\")"
    evil = Plan(t, unit="kg")
    path = evil.to_csv(tmp_path / "evil.csv")
    assert "'=HYPERLINK" in path.read_text()
    pd.testing.assert_frame_equal(read_plan(path).table, t)


def test_ics_one_event_per_training_day(plan, tmp_path):
    path = plan.to_ics(tmp_path / "plan.ics")
    cal = Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    # 4 weeks x 3 training days, and the other days' stretch as one repeating event.
    assert len(events) == 12 + 1
    first = events[0]
    assert first.decoded("dtstart").date() == START
    text = str(first.get("description"))
    assert "Barbell deadlift: 3 x 10 at 40 kg (20 kg bar + 10 kg each side, bar on blocks)" in text
    assert "Glute bridge: 2 x 15" in text
    assert "rotational stretch: 3 x 5 s each side" in text
    assert len({str(e.get("uid")) for e in events}) == len(events)
    assert any("deload" in str(e.get("summary")) for e in events)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n1,2\n", "line 1: missing plan column"),
        ("", "not a plan CSV"),
    ],
)
def test_bad_plan_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(PlanFormatError, match=message):
        read_plan(path)


def test_bad_cell_names_line_and_column(plan, tmp_path):
    path = plan.to_csv(tmp_path / "plan.csv")
    lines = path.read_text().splitlines()
    cells = lines[3].split(",")
    cells[1] = "three"  # the week column of the third data row
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    expected = r"line 4, column 'week': found 'three'; expected a whole number"
    with pytest.raises(PlanFormatError, match=expected):
        read_plan(path)


# --- hand-edited plans: every mistake is a PlanFormatError naming line and column -------------

def _edited(plan, tmp_path, edit, **to_csv):
    """Write ``plan``, let ``edit`` change its cells (as text), save it like a spreadsheet."""
    path = plan.to_csv(tmp_path / "plan.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = edit(raw)
    out = tmp_path / "edited.csv"
    raw.to_csv(out, index=False, **to_csv)
    return out


def _first(raw, exercise):
    return raw.index[raw["exercise"] == exercise][0]


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("target_reps_10_5",
         lambda r: r.assign(target_reps=r["target_reps"].mask(r.index == _first(r, "deadlift"),
                                                               "10.5")),
         r"column 'target_reps': found '10.5'; expected a whole number"),
        ("blank_deadlift_reps",
         lambda r: r.assign(target_reps=r["target_reps"].mask(r["exercise"] == "deadlift", "")),
         r"column 'target_reps': blank for deadlift"),
        ("week_0", lambda r: r.assign(week=r["week"].mask(r.index == 5, "0")),
         r"line 7, column 'week': found '0'; expected a whole number from 1"),
        ("week_1_5", lambda r: r.assign(week=r["week"].mask(r.index == 5, "1.5")),
         r"line 7, column 'week': found '1.5'; expected a whole number"),
        ("both_load_columns", lambda r: r.assign(load_lb=r["load_kg"]),
         r"both load_kg and load_lb"),
        ("only_a_header", lambda r: r.iloc[:0], r"header but no rows"),
        ("unknown_exercise",
         lambda r: r.assign(exercise=r["exercise"].mask(r.index == 3, "squat")),
         r"line 5, column 'exercise': unknown exercise 'squat'; expected one of glute_bridge"),
        ("load_of_9000",
         lambda r: r.assign(load_kg=r["load_kg"].mask(r.index == _first(r, "deadlift"),
                                                       "9000")),
         r"column 'load_kg': found '9000'; expected a number from 0 to 500 kg"),
        ("unknown_side", lambda r: r.assign(side=r["side"].mask(r.index == 0, "middle")),
         r"line 2, column 'side': found 'middle'; expected one of both, left, right"),
        ("duplicated_column", lambda r: pd.concat([r, r[["week"]]], axis=1),
         r"column 'week': the column appears twice"),
        ("blank_stretch_hold",
         lambda r: r.assign(target_hold_s=r["target_hold_s"].mask(
             r["exercise"] == "rotational_stretch", "")),
         r"column 'target_hold_s': blank for rotational_stretch"),
    ],
)
def test_hand_edited_plan_mistakes_name_line_and_column(plan, tmp_path, name, edit, message):
    path = _edited(plan, tmp_path, edit)
    with pytest.raises(PlanFormatError, match=message) as info:
        read_plan(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_plan_with_unknown_exercise_is_reported_at_read_time_not_by_to_ics(plan, tmp_path):
    path = _edited(plan, tmp_path, lambda r: r.assign(
        exercise=r["exercise"].replace("glute_bridge", "hip_thrust")))
    with pytest.raises(PlanFormatError, match="unknown exercise 'hip_thrust'"):
        read_plan(path).to_ics(tmp_path / "plan.ics")


def test_plan_saved_with_semicolons_and_decimal_commas_reads(tmp_path):
    plan = generate(PlanConfig(start_date=START, weeks=2, unit="lb", deadlift_start_load=95))
    path = _edited(plan, tmp_path, lambda r: r.assign(load_lb=r["load_lb"].str.replace(".", ",")),
                   sep=";")
    assert ";" in path.read_text().splitlines()[0]
    back = read_plan(path)
    pd.testing.assert_frame_equal(back.table, plan.table)


def test_plan_saved_in_windows_1252_reads(plan, tmp_path):
    path = _edited(plan, tmp_path, lambda r: r.assign(
        plates=r["plates"].mask(r["plates"] != "", r["plates"] + " – café")),
        encoding="cp1252")
    back = read_plan(path)
    assert back.table["plates"].dropna().str.endswith("– café").all()
    assert any("Windows-1252" in n for n in back.settings_notes)


def test_plan_with_excels_sep_line_reads(plan, tmp_path):
    path = plan.to_csv(tmp_path / "plan.csv")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"sep=,\r\n" + path.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(read_plan(excel).table, plan.table)
    # Line numbers still count the sep= line.
    lines = excel.read_text().splitlines()
    lines[3] = lines[3].replace(",1,1,", ",x,1,", 1)
    excel.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanFormatError, match="line 4, column 'week'"):
        read_plan(excel)


# --- settings beside the CSV -------------------------------------------------------------------

def test_plan_csv_writes_its_settings_beside_it(tmp_path):
    import json

    config = PlanConfig(start_date=START, weeks=6, rep_range=(5, 8), plates=(20, 10, 5, 1.5),
                        deadlift_start_load=63, volume=0.5, deadlift_progression="linear")
    path = generate(config).to_csv(tmp_path / "plan.csv")
    doc = json.loads((tmp_path / "plan.settings.json").read_text())
    assert doc["schema_version"] == 1 and doc["config"]["rep_range"] == [5, 8]
    back = read_plan(path)
    assert back.settings_source == "settings file" and back.config == config


def test_plan_edited_by_hand_the_table_wins_and_says_so(tmp_path):
    config = PlanConfig(start_date=START, weeks=12, rep_range=(5, 8), deadlift_start_load=60)
    path = generate(config).to_csv(tmp_path / "plan.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.loc[raw["exercise"] == "rotational_stretch", "rest_s"] = "15"
    raw.to_csv(path, index=False)
    back = read_plan(path)
    assert back.settings_source == "table"
    assert any("no longer matches" in n for n in back.settings_notes)
    assert back.config.rep_range == (5, 8)
    assert back.config.overrides["rotational_stretch"]["rest_s"] == 15


def test_plan_written_by_todays_version_without_settings_still_reads(tmp_path):
    # A plan CSV written by version 0.1 (no settings file, older progression rules).
    path = tmp_path / "old.csv"
    path.write_bytes((ROOT / "tests" / "data" / "plan_written_by_0_1.csv").read_bytes())
    back = read_plan(path)
    assert back.settings_source == "table" and back.config is not None
    assert any("no settings file" in n for n in back.settings_notes)
    assert len(back.table) == 660 and back.last_week == 12
    assert back.config.start_date == date(2026, 8, 3) and back.config.rep_range[0] == 10


def test_sample_plan_without_settings_reads_back_to_the_same_table(tmp_path):
    path = tmp_path / "sample.csv"
    path.write_bytes((ROOT / "data" / "sample_plan.csv").read_bytes())
    back = read_plan(path)
    pd.testing.assert_frame_equal(generate(back.config).table, back.table)


INFER_CASES = [
    dict(rep_range=(5, 8), deadlift_start_load=60),
    dict(plates=(20, 10, 5, 1.5), deadlift_start_load=63),
    dict(deadlift_progression="linear", deadlift_start_load=60),
    dict(volume=0.5),
    dict(exercises=("glute_bridge", "rotational_stretch")),
    dict(deload_every=5, first_week=25),
    dict(unit="lb", deadlift_start_load=95),
    dict(deload_every=None, training_days=("tue", "thu", "sat"), deadlift_sessions_per_week=1),
]


@pytest.mark.parametrize("kw", INFER_CASES)
def test_settings_inferred_from_a_table_without_settings_file(tmp_path, kw):
    config = PlanConfig(start_date=START, weeks=12, **kw)
    plan = generate(config)
    path = plan.to_csv(tmp_path / "plan.csv")
    (tmp_path / "plan.settings.json").unlink()
    back = read_plan(path)
    assert back.settings_source == "table"
    for name, value in kw.items():
        if name == "volume":
            continue  # volumes that give the same sets make the same plan (table checked below)
        got = getattr(back.config, name)
        assert got == (tuple(value) if isinstance(value, list) else value), (name, got)
    pd.testing.assert_frame_equal(generate(back.config).table, plan.table)




NEXT_BLOCK_CASES = [
    dict(),
    dict(rep_range=(5, 8), deadlift_start_load=60),
    dict(plates=(20, 10, 5, 1.5), deadlift_start_load=63),
    dict(deadlift_progression="linear", deadlift_start_load=60),
    dict(volume=0.5),
    dict(exercises=("glute_bridge", "rotational_stretch")),
    dict(deload_every=5, weeks=7),
    dict(unit="lb", deadlift_start_load=135, rep_range=(8, 12)),
    dict(deload_every=None, training_days=("tue", "thu", "sat"), deadlift_sessions_per_week=1),
    dict(load_step=5.0, reps_step=2, deadlift_start_load=50, weeks=6),
    dict(overrides={"glute_bridge": {"sets": 3, "max_sets": 5},
                    "rotational_stretch": {"hold_min_s": 8, "hold_max_s": 20}}),
    dict(unit="lb", plates=(45, 25, 10, 5, 2.5, 1.25), bar=35, deadlift_start_load=65,
         volume=1.5, deload_load=0.8, deload_volume=0.5),
]


def _done_as_planned(plan, tmp_path):
    """A filled-in log template: every set done as planned."""
    from planner import read_log, write_log_template

    path = write_log_template(plan.table, tmp_path / "log.csv", unit=plan.unit)
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t["done_reps"] = t["target_reps"]
    t["done_hold_s"] = t["target_hold_s"]
    t.to_csv(path, index=False)
    return read_log(path)


@pytest.mark.parametrize("kw", NEXT_BLOCK_CASES)
def test_next_block_from_files_equals_next_block_in_memory(tmp_path, kw):
    from planner import next_block

    kw = {"weeks": 8, **kw}
    plan = generate(PlanConfig(start_date=START, **kw))
    path = plan.to_csv(tmp_path / "plan.csv")
    log = _done_as_planned(plan, tmp_path)
    from_files = next_block(read_plan(path), log)
    in_memory = next_block(plan, log)
    pd.testing.assert_frame_equal(from_files.table, in_memory.table)
    assert from_files.config == in_memory.config


def test_deload_every_5_does_not_drift_over_three_blocks_through_files(tmp_path):
    from planner import next_block

    in_memory = from_files = generate(PlanConfig(start_date=START, weeks=8, deload_every=5))
    for block in range(3):
        folder = tmp_path / f"b{block}"
        folder.mkdir()
        path = from_files.to_csv(folder / "plan.csv")
        log = _done_as_planned(from_files, folder)
        from_files = next_block(read_plan(path), log)
        in_memory = next_block(in_memory, log)
        pd.testing.assert_frame_equal(from_files.table, in_memory.table)
    deloads = set(from_files.table.loc[from_files.table["phase"] == "deload", "week"])
    weeks = set(from_files.table["week"])
    assert deloads == {w for w in weeks if w % 5 == 0} and deloads
