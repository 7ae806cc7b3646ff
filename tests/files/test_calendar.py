"""Calendar events: one per training day (the stretch inside it), one recurring event for
all the days with only the stretch, at the chosen time in the user's zone.

The recurring event is checked by expanding it with ``recurring-ical-events`` (a reader
that is not ours) and comparing the days with the plan's."""

import re
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


#: The last line of the stretch series' description.
ON_TRAINING_DAYS = "On training days the stretch is part of the session."


def _day_kinds(plan: Plan) -> tuple[list[date], dict[date, tuple[int, float, int]]]:
    """The plan's training days, and its stretch-only days with their stretch dose (holds a
    side, seconds a hold) and programme week."""
    t = plan.table
    exercises = t.groupby("date")["exercise"].agg(frozenset)
    training = sorted(d.date() for d, ex in exercises.items() if ex != {STRETCH})
    st = t[t["exercise"] == STRETCH]
    dose = {d.date(): (int((g["side"] == "left").sum()), float(g["target_hold_s"].iloc[0]),
                       int(g["week"].iloc[0]))
            for d, g in st.groupby("date")}
    only = {d.date(): dose[d.date()] for d, ex in exercises.items() if ex == {STRETCH}}
    return training, only


def _dose_by_weeks(description: str) -> list[tuple[int, int, int, float]]:
    """The stretch series' description read back: (first week, last week, holds a side,
    seconds a hold) a line, and the line that closes it checked."""
    *lines, last = description.split("\n")
    assert last == ON_TRAINING_DAYS
    runs = []
    for line in lines:
        m = re.fullmatch(r"Weeks? (\d+)(?:–(\d+))?: (\d+) × ([\d.]+) s each side", line)
        assert m, line
        runs.append((int(m[1]), int(m[2] or m[1]), int(m[3]), float(m[4])))
    return runs


def _check(plan: Plan, tz: str = "Europe/Berlin", start_time: str = "18:00") -> list:
    """The calendar of ``plan`` holds each training day once, as an event of its own, and
    each stretch-only day once, in the one stretch series, whose title gives the holds a
    side when they do not change and whose description gives each day's dose in a line
    for its week; every occurrence starts at ``start_time`` in ``tz``. Returns the events."""
    text = plan_ics(plan, tz=tz, start_time=start_time)
    hh, mm = (int(x) for x in start_time.split(":"))
    training, only = _day_kinds(plan)
    events = _events(text)
    series = [e for e in events if str(e["UID"]).startswith("stretch-")]
    assert len(events) == len(training) + len(series)
    assert len(series) == (1 if only else 0)  # one series, for all the stretch-only days
    assert not any("RRULE" in e or "RDATE" in e for e in events if e not in series)
    seen_training, seen_stretch = [], []
    for occ in _occurrences(text):
        start = occ.decoded("DTSTART")
        local = start.astimezone(ZoneInfo(tz))
        assert (local.hour, local.minute) == (hh, mm), (occ["UID"], start)
        if str(occ["UID"]).startswith("stretch-"):
            seen_stretch.append(local.date())
        else:
            seen_training.append(local.date())
    assert sorted(seen_training) == training  # each training day exactly once
    assert sorted(seen_stretch) == sorted(only)  # each stretch-only day exactly once
    for e in series:
        first = plan.table["date"].min()
        assert str(e["UID"]) == f"stretch-{first:%Y%m%d}@planner"
        holds = {h for h, _, _ in only.values()}
        n = min(holds)
        assert str(e["SUMMARY"]) == (f"Back stretch: {n} hold{'s' * (n != 1)} each side"
                                     if len(holds) == 1 else "Back stretch")
        runs = _dose_by_weeks(str(e["DESCRIPTION"]))
        for day, (h, secs, week) in only.items():  # each day's dose, in its week's line
            assert any(a <= week <= b and (n, s) == (h, secs) for a, b, n, s in runs), day
        (alarm,) = e.walk("VALARM")  # it reminds, at its start
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)
        assert str(alarm["DESCRIPTION"]) == str(e["SUMMARY"])
    return events


def test_titles_say_what_the_day_holds(plan):
    events = _events(plan_ics(plan, tz="Europe/Berlin"))
    titles = [str(e["SUMMARY"]) for e in events]
    assert titles[0] == "Deadlift 3×10 @ 40 kg + bridge + stretch"  # Monday
    assert titles[1] == "Bridge 2×15 + stretch"  # Wednesday
    assert any(t.endswith("(deload week)") for t in titles[9:12])  # week 4's training days
    # 12 training days, then the stretch-only days: one series, whatever the dose, which
    # its description gives week by week (the hold grows 5 to 8 s).
    assert titles[12:] == ["Back stretch: 3 holds each side"]
    assert "Lower-back rotational stretch: 3 x 5 s each side" in str(events[0]["DESCRIPTION"])
    assert str(events[12]["DESCRIPTION"]) == "\n".join(
        [f"Week {w}: 3 × {w + 4} s each side" for w in (1, 2, 3, 4)] + [ON_TRAINING_DAYS])
    assert str(events[12]["UID"]) == "stretch-20260105@planner"
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_twelve_weeks_three_days_a_week():
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=12, deadlift_start_load=40))
    text = plan_ics(plan, tz="Europe/Berlin")
    events = _events(text)
    training = [e for e in events if "RRULE" not in e]
    series = [e for e in events if "RRULE" in e]
    assert len(training) == 36 and len(events) == 37
    # The hold grows 5, 6, 7, 8 (weeks 4-5), 9 and 10 s (weeks 7-12): still one series,
    # titled without the seconds, on the four weekdays without lifts, with no exceptions.
    (e,) = series
    assert str(e["SUMMARY"]) == "Back stretch: 3 holds each side"
    assert e["RRULE"].to_ical().decode().endswith("BYDAY=TU,TH,SA,SU")
    assert "EXDATE" not in e and "RDATE" not in e
    assert str(e["DESCRIPTION"]) == (
        "Week 1: 3 × 5 s each side\nWeek 2: 3 × 6 s each side\nWeek 3: 3 × 7 s each side\n"
        "Weeks 4–5: 3 × 8 s each side\nWeek 6: 3 × 9 s each side\n"
        "Weeks 7–12: 3 × 10 s each side\n" + ON_TRAINING_DAYS)
    days = [o.decoded("DTSTART").date() for o in _occurrences(text)]
    assert len(days) == len(set(days)) == 84  # every day of the plan, once
    assert set(days) == {d.date() for d in plan.table["date"]}
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


def _fewer_holds(plan: Plan, week: int = 2) -> Plan:
    """``plan`` edited by hand: the stretch's last hold each side dropped in ``week``."""
    t = plan.table
    stretch = t["exercise"] == STRETCH
    last = t[stretch].groupby("session_id")["set"].transform("max")
    drop = stretch & (t["week"] == week) & (t["set"] == last.reindex(t.index))
    return Plan(t[~drop].reset_index(drop=True), unit=plan.unit)


def test_days_outside_the_weekly_rule_are_exceptions():
    plan = _irregular(generate(PlanConfig(start_date=date(2026, 1, 5), weeks=6,
                                          deadlift_start_load=40)))
    events = _check(plan)
    (series,) = [e for e in events if "RRULE" in e]  # the hold grows: still one series
    assert [d.dt.date() for d in series["RDATE"].dts] == [date(2026, 1, 12)]
    assert [d.dt.date() for d in series["EXDATE"].dts] == [date(2026, 1, 20)]
    assert series.decoded("DTSTART").tzinfo.key == "Europe/Berlin"


def test_holds_a_side_that_change_leave_the_title():
    plan = _fewer_holds(generate(PlanConfig(start_date=date(2026, 1, 5), weeks=4,
                                            deadlift_start_load=40)))
    events = _check(plan)
    (series,) = [e for e in events if "RRULE" in e]
    assert str(series["SUMMARY"]) == "Back stretch"
    assert str(series["DESCRIPTION"]).split("\n")[:2] == [
        "Week 1: 3 × 5 s each side", "Week 2: 2 × 6 s each side"]


def test_no_stretch_only_day_no_series_and_a_lone_one_no_rule():
    every = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2, training_days=DAYS,
                                deadlift_start_load=40, deadlift_sessions_per_week=2))
    text = plan_ics(every, tz="Europe/Berlin")
    assert "UID:stretch-" not in text and "VALARM" not in text and "RRULE" not in text
    _check(every)
    t = every.table  # one Wednesday's lifts dropped: a single stretch-only day
    lone = Plan(t[(t["date"] != "2026-01-07") | (t["exercise"] == STRETCH)]
                .reset_index(drop=True), unit=every.unit)
    (series,) = [e for e in _check(lone) if str(e["UID"]).startswith("stretch-")]
    assert "RRULE" not in series and series.decoded("DTSTART").date() == date(2026, 1, 7)
    assert str(series["DESCRIPTION"]).startswith("Week 1: 3 × 5 s each side\n")


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
