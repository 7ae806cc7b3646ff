"""Calendar events: titled by what the session holds, at the chosen time, stamped now."""

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from planner import PlanConfig, generate
from planner.files.calendar import plan_ics


@pytest.fixture(scope="module")
def plan():
    return generate(PlanConfig(start_date=date(2026, 1, 5), weeks=4, deadlift_start_load=40))


def test_titles_say_what_the_session_holds(plan):
    events = Calendar.from_ical(plan_ics(plan)).walk("VEVENT")
    titles = [str(e["SUMMARY"]) for e in events]
    assert titles[0] == "Deadlift 3×10 @ 40 kg + bridge + stretch"  # Monday
    assert titles[1] == "Back stretch 3×5 s each side"  # Tuesday
    assert titles[2] == "Bridge 2×15 + stretch"  # Wednesday
    assert any(t.endswith("(deload week)") for t in titles[21:])
    assert len(events) == 28  # a session every day


def test_time_and_stamp(plan):
    before = datetime.now(UTC).replace(microsecond=0)
    events = Calendar.from_ical(plan_ics(plan, start_time="06:45")).walk("VEVENT")
    start = events[0].decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 1, 5, 6, 45)
    stamp = events[0].decoded("DTSTAMP")
    assert stamp.tzinfo is not None and before <= stamp <= datetime.now(UTC)


def test_pounds_and_a_bad_time():
    lb = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, unit="lb",
                             deadlift_start_load=95))
    first = Calendar.from_ical(plan_ics(lb)).walk("VEVENT")[0]
    assert str(first["SUMMARY"]).startswith("Deadlift 3×10 @ 95 lb")
    with pytest.raises(ValueError, match="a time like 18:00"):
        plan_ics(lb, start_time="25:00")
