"""Calendar events: one per training day (the stretch inside it), one recurring event per
stretch dose for the days with only the stretch, at the chosen time in the user's zone.

The recurring events are checked by expanding them with ``recurring-ical-events`` (a
reader that is not ours) and comparing the days with the plan's."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
import recurring_ical_events
from icalendar import Calendar

from planner import PlanConfig, generate, read_plan
from planner.files import calendar as calendar_module
from planner.files.calendar import STRETCH, plan_ics, weekly_recurrence
from planner.plan import Plan

#: Weekday names as PlanConfig takes them, Monday first.
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture(scope="module")
def plan():
    return generate(PlanConfig(start_date=date(2026, 1, 5), weeks=4, deadlift_start_load=40))


def _events(text: str) -> list:
    return Calendar.from_ical(text).walk("VEVENT")


def _occurrences(text: str) -> list:
    """Every occurrence of every event, the recurring ones expanded."""
    return recurring_ical_events.of(Calendar.from_ical(text)).between(
        date(1970, 1, 1), date(2100, 1, 1))


def _day_kinds(plan: Plan) -> tuple[list[date], dict[date, tuple[int, float]]]:
    """The plan's training days, and its stretch-only days with their stretch dose."""
    t = plan.table
    exercises = t.groupby("date")["exercise"].agg(frozenset)
    training = sorted(d.date() for d, ex in exercises.items() if ex != {STRETCH})
    st = t[t["exercise"] == STRETCH]
    dose = {d.date(): (int((g["side"] == "left").sum()), float(g["target_hold_s"].iloc[0]))
            for d, g in st.groupby("date")}
    only = {d.date(): dose[d.date()] for d, ex in exercises.items() if ex == {STRETCH}}
    return training, only


def _check(plan: Plan, tz: str = "Europe/Berlin", start_time: str = "18:00") -> list:
    """The calendar of ``plan`` holds each training day once, as an event of its own, and
    each stretch-only day once, in a series whose title gives that day's dose; every
    occurrence starts at ``start_time`` in ``tz``. Returns the events."""
    text = plan_ics(plan, tz=tz, start_time=start_time)
    hh, mm = (int(x) for x in start_time.split(":"))
    training, only = _day_kinds(plan)
    events = _events(text)
    series = [e for e in events if str(e["UID"]).startswith("stretch-")]
    assert len(events) == len(training) + len(series)
    assert not any("RRULE" in e or "RDATE" in e for e in events if e not in series)
    seen_training, seen_stretch = [], []
    for occ in _occurrences(text):
        start = occ.decoded("DTSTART")
        local = start.astimezone(ZoneInfo(tz))
        assert (local.hour, local.minute) == (hh, mm), (occ["UID"], start)
        if str(occ["UID"]).startswith("stretch-"):
            holds, secs = only[local.date()]
            assert str(occ["SUMMARY"]) == f"Back stretch {holds}×{secs:g} s each side"
            seen_stretch.append(local.date())
        else:
            seen_training.append(local.date())
    assert sorted(seen_training) == training  # each training day exactly once
    assert sorted(seen_stretch) == sorted(only)  # each stretch-only day exactly once
    doses = [v for _, v in sorted(only.items())]  # a series a run of one dose
    assert len(series) == sum(1 for i, d in enumerate(doses) if i == 0 or d != doses[i - 1])
    for e in series:  # each reminds, at its start
        (alarm,) = e.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)
    return events


def test_titles_say_what_the_day_holds(plan):
    events = _events(plan_ics(plan, tz="Europe/Berlin"))
    titles = [str(e["SUMMARY"]) for e in events]
    assert titles[0] == "Deadlift 3×10 @ 40 kg + bridge + stretch"  # Monday
    assert titles[1] == "Bridge 2×15 + stretch"  # Wednesday
    assert any(t.endswith("(deload week)") for t in titles[9:12])  # week 4's training days
    # 12 training days, then the stretch-only days: one series for each dose (5 to 8 s).
    assert titles[12:] == [f"Back stretch 3×{s} s each side" for s in (5, 6, 7, 8)]
    assert "Lower-back rotational stretch: 3 x 5 s each side" in str(events[0]["DESCRIPTION"])
    assert "Weeks" not in str(events[12]["DESCRIPTION"])  # week 1 only
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_twelve_weeks_three_days_a_week():
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=12, deadlift_start_load=40))
    text = plan_ics(plan, tz="Europe/Berlin")
    events = _events(text)
    training = [e for e in events if "RRULE" not in e]
    series = [e for e in events if "RRULE" in e]
    assert len(training) == 36
    # The hold grows 5, 6, 7, 8 (weeks 4-5), 9 and 10 s (weeks 7-12): six series.
    assert [str(e["SUMMARY"]) for e in series] == [
        f"Back stretch 3×{s} s each side" for s in (5, 6, 7, 8, 9, 10)]
    assert str(series[-1]["RRULE"].to_ical().decode()).endswith("BYDAY=TU,TH,SA,SU")
    days = [o.decoded("DTSTART").date() for o in _occurrences(text)]
    assert len(days) == len(set(days)) == 84  # every day of the plan, once
    assert set(days) == {d.date() for d in plan.table["date"]}
    assert "Weeks 7–12" in str(series[-1]["DESCRIPTION"])
    _check(plan)


@pytest.mark.parametrize("days", [("mon", "thu"), ("mon", "wed", "fri"),
                                  ("tue", "thu", "sat", "sun"), DAYS[:5], DAYS[1:], DAYS])
@pytest.mark.parametrize(("start", "deload_every"), [(date(2026, 1, 7), 3),  # a Wednesday
                                                     (date(2026, 3, 2), 4),
                                                     (date(2026, 9, 27), None)])  # a Sunday
def test_each_day_once_for_plans_of_every_shape(days, start, deload_every):
    plan = generate(PlanConfig(start_date=start, weeks=9, training_days=days,
                               deadlift_start_load=40, deload_every=deload_every,
                               deadlift_sessions_per_week=min(2, len(days) // 2 or 1)))
    events = _check(plan, tz="America/New_York", start_time="06:30")
    if days == DAYS:
        assert not any("RRULE" in e for e in events)  # no day with the stretch alone


def _irregular(plan: Plan) -> Plan:
    """``plan`` edited by hand: week 2's Monday lifts dropped (a stretch-only Monday, outside
    the weekly rule: an RDATE), week 3's Tuesday dropped altogether (a rule day without the
    stretch: an EXDATE)."""
    t = plan.table
    weekday = t["date"].dt.day_name()
    monday = (t["week"] == 2) & (weekday == "Monday") & (t["exercise"] != STRETCH)
    tuesday = (t["week"] == 3) & (weekday == "Tuesday")
    return Plan(t[~(monday | tuesday)].reset_index(drop=True), unit=plan.unit)


def test_days_outside_the_weekly_rule_are_exceptions():
    base = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=6, deadlift_start_load=40,
                               overrides={STRETCH: {"hold_min_s": 10, "hold_max_s": 10}}))
    plan = _irregular(base)
    events = _check(plan)
    (series,) = [e for e in events if "RRULE" in e]  # one dose: one series
    assert [d.dt.date() for d in series["RDATE"].dts] == [date(2026, 1, 12)]
    assert [d.dt.date() for d in series["EXDATE"].dts] == [date(2026, 1, 20)]
    assert series.decoded("DTSTART").tzinfo.key == "Europe/Berlin"


def test_weekly_recurrence_with_fewest_exceptions():
    d = date(2026, 1, 6)  # a Tuesday
    # Four weeks of Tue, Thu, Sat but the third Thursday, and a Monday and a Sunday.
    dates = [d + timedelta(days=k) for k in (0, 2, 4, 7, 9, 11, 13, 14, 18, 19, 21, 23, 25)]
    rule = weekly_recurrence(dates)
    assert rule.weekdays == (1, 3, 5)
    assert rule.rdates == (d + timedelta(days=13), d + timedelta(days=19))
    assert rule.exdates == (d + timedelta(days=16),)
    assert (rule.first, rule.last) == (dates[0], dates[-1])
    assert weekly_recurrence([d]).weekdays == ()  # one day: no rule


def test_the_hour_holds_across_summer_time():
    """An 18:00 session is at 18:00 local before and after the clocks change, so its time in
    UTC moves by an hour."""
    for tz, start in (("Europe/Berlin", date(2026, 3, 16)),  # clocks forward on 29 March
                      ("America/New_York", date(2026, 3, 2)),  # on 8 March
                      ("Europe/Berlin", date(2026, 10, 12))):  # back on 25 October
        plan = generate(PlanConfig(start_date=start, weeks=4, deadlift_start_load=40))
        _check(plan, tz=tz)
        text = plan_ics(plan, tz=tz)
        offsets = {o.decoded("DTSTART").utcoffset() for o in _occurrences(text)}
        assert len(offsets) == 2, (tz, offsets)
        assert text.count("BEGIN:VTIMEZONE") == 1 and f"TZID:{tz}\r\n" in text
        assert f"DTSTART;TZID={tz}:" in text and "RRULE:FREQ=WEEKLY;UNTIL=" in text


def test_time_and_stamp(plan):
    before = datetime.now(UTC).replace(microsecond=0)
    events = _events(plan_ics(plan, start_time="06:45", tz="Asia/Kolkata"))
    start = events[0].decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 1, 5, 6, 45)
    assert start.utcoffset() == timedelta(hours=5, minutes=30)
    stamp = events[0].decoded("DTSTAMP")
    assert stamp.tzinfo is not None and before <= stamp <= datetime.now(UTC)


def test_the_zone_defaults_to_this_machines(plan, monkeypatch):
    monkeypatch.setattr(calendar_module, "get_localzone_name", lambda: "America/New_York")
    assert "DTSTART;TZID=America/New_York:20260105T180000" in plan_ics(plan)
    for tz in ("UTC", "Etc/UTC"):  # UTC itself: times with a Z, no VTIMEZONE
        text = plan_ics(plan, tz=tz)
        assert "DTSTART:20260105T180000Z" in text and "VTIMEZONE" not in text

    def unknown():
        raise ZoneInfoNotFoundError("Multiple conflicting time zone configurations found")

    monkeypatch.setattr(calendar_module, "get_localzone_name", unknown)
    with pytest.warns(UserWarning, match="time zone could not be told.*in UTC"):
        text = plan_ics(plan)
    assert "DTSTART:20260105T180000Z" in text
    monkeypatch.setattr(calendar_module, "get_localzone_name", lambda: None)  # none told
    with pytest.warns(UserWarning, match="in UTC"):
        assert "DTSTART:20260105T180000Z" in plan_ics(plan)


def test_pounds_a_bad_time_and_a_bad_zone():
    lb = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, unit="lb",
                             deadlift_start_load=95))
    first = _events(plan_ics(lb, tz="UTC"))[0]
    assert str(first["SUMMARY"]).startswith("Deadlift 3×10 @ 95 lb")
    with pytest.raises(ValueError, match="a time like 18:00"):
        plan_ics(lb, start_time="25:00")
    for bad in ("Europe/Berln", "", "../etc/passwd", "18:00"):
        with pytest.raises(ValueError, match=f'IANA name like Europe/Berlin.*got "{bad}"'):
            plan_ics(lb, tz=bad)


def test_a_plan_read_back_writes_the_same_calendar(plan, tmp_path):
    path = plan.to_csv(tmp_path / "plan.csv")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert plan_ics(read_plan(path), tz="Europe/Berlin", now=now) == plan_ics(
        plan, tz="Europe/Berlin", now=now)
