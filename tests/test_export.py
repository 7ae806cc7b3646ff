"""Plan CSV and calendar files: round trips, safety, clear errors."""

from datetime import date

import pandas as pd
import pytest
from icalendar import Calendar

from planner import PlanConfig, PlanFormatError, generate, read_plan
from planner.export import neutralise, unneutralise, write_atomic
from planner.programme import Plan

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


def test_ics_one_event_per_session(plan, tmp_path):
    path = plan.to_ics(tmp_path / "plan.ics")
    cal = Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == plan.table["session_id"].nunique() == 28  # 4 weeks x 7 days
    first = events[0]
    assert first.decoded("dtstart").date() == START
    text = str(first.get("description"))
    assert "Barbell deadlift: 3 x 10 at 40 kg (20 kg bar + 2x10)" in text
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
