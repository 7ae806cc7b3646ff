"""The printable sheet: a page per week, a box per set and per hold per side."""

import re
from datetime import date

import pytest

from planner import PlanConfig, generate
from planner.files.sheet import BOX, sheet_html, write_sheet
from planner.plan import Plan


@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=date(2026, 1, 5), weeks=3, deadlift_start_load=40))


def test_one_page_per_week(plan):
    page = sheet_html(plan)
    assert page.count("<section class='week'>") == 3
    assert "@page { size: A4" in page and "break-after: page" in page


def test_a_box_for_every_set_and_every_hold_per_side(plan):
    # Every row of the plan is one set (or one hold on one side): one box each.
    assert sheet_html(plan).count(BOX) == len(plan.table)


def test_pain_and_achieved_columns_and_plates(plan):
    page = sheet_html(plan)
    for head in ("reps<br>done", "load<br>done", "pain<br>during", "pain<br>after"):
        assert page.count(f"<th>{head}</th>") == plan.table["session_id"].nunique()
    assert page.count("next-morning pain (0-10)") == plan.table["session_id"].nunique()
    assert "20 kg bar + 10 kg each side" in page
    # A row per deadlift set, to write the reps and load achieved.
    dl = plan.table[plan.table["exercise"] == "deadlift"]
    assert len(re.findall(r"<td>\d+</td><td>\d+ reps</td>", page)) == len(dl)
    assert "deload" in generate(PlanConfig(start_date=date(2026, 1, 5), weeks=4)).table[
        "phase"].tolist()


def test_text_is_escaped(plan):
    t = plan.table.copy()
    t["plates"] = t["plates"].where(t["plates"].isna(), "<script>alert(1)</script>")
    page = sheet_html(Plan(t, unit="kg"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_write_sheet_refuses_to_overwrite(plan, tmp_path):
    path = write_sheet(plan, tmp_path / "s.html")
    with pytest.raises(FileExistsError):
        write_sheet(plan, path)
