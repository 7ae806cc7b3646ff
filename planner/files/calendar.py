"""The plan as an iCalendar file: an event per training day, one recurring event for the
stretch on the other days, in the user's time zone.

A training day (a day with the deadlift or the bridge) is one event titled by what it
holds ("Deadlift 3×10 @ 40 kg + bridge + stretch"); its description lists every exercise
with its dose and plates, the stretch too. The days with only the stretch are one
recurring event, however its dose grows: titled without the seconds that change ("Back
stretch: 3 holds each side", or "Back stretch" when the holds a side change too), its
description giving the dose by weeks ("Weeks 1–2: 3 × 5 s each side"). It is a weekly
rule on their weekdays until the last of them, with the rule's days that are not
stretch-only days as exceptions (EXDATE) and stretch-only days outside the rule added
(RDATE), and a reminder (VALARM) at its start; a plan without stretch-only days has none.
Events start at the time the user chooses in an IANA time zone (TZID, with its VTIMEZONE),
so an 18:00 session stays at 18:00 across a change to summer time; the default zone is
this machine's. DTSTAMP is the moment the file is made, in UTC, as RFC 5545 asks. UIDs
are stable: a training day's is its session and date, the stretch series' the plan's
first day, so importing an updated plan updates them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from icalendar import Alarm, Calendar, Event
from tzlocal import get_localzone_name

from planner.catalogue import catalogue
from planner.files.safewrite import write_atomic
from planner.plan import Plan
from planner.units import from_kg

#: The exercise done every day: on a training day it is part of that day's event.
STRETCH = "rotational_stretch"

#: The zone the times are written in when this machine's own cannot be told.
FALLBACK_ZONE = "UTC"

#: RFC 5545's weekday codes (BYDAY), Monday first as ``date.weekday()`` counts.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def local_zone() -> str:
    """This machine's IANA time-zone name (``tzlocal``), or UTC with a warning saying so
    when the machine does not tell it."""
    try:
        name = get_localzone_name()
        if not name:
            raise ZoneInfoNotFoundError("no zone is set")
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        why = (str(exc.args[0]) if exc.args else "").strip().split("\n")[0] or "no name"
        warnings.warn(f"this machine's time zone could not be told ({why}); the calendar's "
                      f"times are in {FALLBACK_ZONE}: pass a zone such as Europe/Berlin "
                      "(tz=..., --tz) for local times", stacklevel=4)
        return FALLBACK_ZONE
    return name


def calendar_zone(tz: str | None = None) -> str:
    """The IANA time-zone name the calendar's times are written in: ``tz`` checked (a
    ValueError naming it when no such zone exists), or this machine's zone when None."""
    if tz is None:
        return local_zone()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"time zone must be an IANA name like Europe/Berlin or "
                         f"America/New_York; got \"{tz}\"") from None
    return tz


def zone_span(first: date, last: date) -> tuple[date, date]:
    """The dates a VTIMEZONE spans for events from ``first`` to ``last``: whole years, to
    the end of the day after the last (an event may end after midnight), so that plans of
    the same years share one (written once per zone and years by the fast writer)."""
    end = last + timedelta(days=1)
    return date(first.year, 1, 1), date(end.year + 1, 1, 1)


@dataclass(frozen=True)
class Recurrence:
    """Dates as RFC 5545 writes a weekly series: the days of ``weekdays`` (0 is Monday) from
    ``first`` to ``last``, less ``exdates``, plus ``rdates``. No weekdays: ``first`` alone."""

    first: date
    last: date
    weekdays: tuple[int, ...]
    exdates: tuple[date, ...]
    rdates: tuple[date, ...]


def weekly_recurrence(dates: Sequence[date]) -> Recurrence:
    """``dates`` (sorted, distinct) as a weekly rule with the fewest exceptions.

    A weekday is in the rule when more of its days from the first date to the last are in
    ``dates`` than not; the first date's weekday always is (DTSTART is the series' first
    occurrence and must follow the rule). The rule's days not in ``dates`` are EXDATEs,
    the dates the rule does not give are RDATEs.
    """
    first, last = dates[0], dates[-1]
    if first == last:
        return Recurrence(first, last, (), (), ())
    wanted = set(dates)
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days_in = [0] * 7
    days_all = [0] * 7
    for d in span:
        days_all[d.weekday()] += 1
        days_in[d.weekday()] += d in wanted
    weekdays = tuple(w for w in range(7)
                     if w == first.weekday() or 2 * days_in[w] > days_all[w])
    ruled = [d for d in span if d.weekday() in weekdays]
    return Recurrence(first, last, weekdays,
                      tuple(d for d in ruled if d not in wanted),
                      tuple(d for d in dates if d.weekday() not in weekdays))


@dataclass(frozen=True)
class StretchSeries:
    """A plan's stretch-only days as one recurring event."""

    #: The dose in runs of weeks, in date order: (first week, last week, holds a side,
    #: seconds a hold [s]); a new run wherever the dose changes.
    doses: tuple[tuple[int, int, int, float], ...]
    minutes: int  #: the event's length: the longest of its days [min]
    rule: Recurrence


def stretch_series(days: Iterable[tuple[date, int, float, int, int]]) -> StretchSeries | None:
    """The stretch-only days, each (date, holds a side, seconds a hold, week, minutes), as
    one series; None when there are none."""
    days = sorted(days, key=lambda d: d[0])
    if not days:
        return None
    runs: list[list] = []  # [first week, last week, holds, seconds]
    for _, holds, hold_s, week, _ in days:
        if runs and (holds, hold_s) == (runs[-1][2], runs[-1][3]):
            runs[-1][0] = min(runs[-1][0], week)
            runs[-1][1] = max(runs[-1][1], week)
        else:
            runs.append([week, week, holds, hold_s])
    return StretchSeries(tuple(tuple(r) for r in runs), max(d[4] for d in days),
                         weekly_recurrence(sorted({d[0] for d in days})))


def series_title(series: StretchSeries) -> str:
    """The stretch series' title: the holds a side when they stay the same throughout,
    never the seconds, which grow ("Back stretch: 3 holds each side")."""
    holds = {run[2] for run in series.doses}
    if len(holds) != 1:
        return "Back stretch"
    (n,) = holds
    return f"Back stretch: {n} hold{'' if n == 1 else 's'} each side"


def series_text(series: StretchSeries) -> str:
    """The stretch series' description: its dose by weeks, a line a run of one dose."""
    lines = [f"{f'Week {a}' if a == b else f'Weeks {a}–{b}'}: {n} × {s:g} s each side"
             for a, b, n, s in series.doses]
    return "\n".join([*lines, "On training days the stretch is part of the session."])


def series_uid(plan_start: date) -> str:
    """The UID of the stretch series of a plan starting ``plan_start``."""
    return f"stretch-{plan_start:%Y%m%d}@planner"


def session_titles(doses: pd.DataFrame, unit: str) -> dict[str, str]:
    """Each session's title from its doses (:func:`exercise_doses`): the
    deadlift's dose first, then the rest."""
    by: dict[str, dict[str, object]] = {}
    deload: dict[str, bool] = {}
    for e in doses.itertuples(index=False):
        by.setdefault(e.session_id, {})[e.exercise] = e
        deload[e.session_id] = bool(e.deload)
    titles = {}
    for sid, ex in by.items():
        dl, br, st = (ex.get(e) for e in ("deadlift", "glute_bridge", "rotational_stretch"))
        titles[sid] = session_title(
            None if dl is None else (dl.n_sets, dl.target_reps, dl.load_kg),
            None if br is None else (br.n_sets, br.target_reps),
            None if st is None else (st.n_left, st.target_hold_s), deload[sid], unit)
    return titles


def session_title(deadlift: tuple | None, bridge: tuple | None, stretch: tuple | None,
                  deload: bool, unit: str) -> str:
    """A session's title from its doses, deadlift first: ``deadlift`` (sets, reps, load in
    kg), ``bridge`` (sets, reps), ``stretch`` (holds a side, seconds a hold)."""
    parts = []
    if deadlift is not None:
        load = round(float(from_kg(float(deadlift[2]), unit)), 2)
        parts.append(f"Deadlift {deadlift[0]}×{int(deadlift[1])} @ {load:g} {unit}")
    if bridge is not None:
        parts.append("bridge" if parts else f"Bridge {bridge[0]}×{int(bridge[1])}")
    if stretch is not None:
        parts.append("stretch")
        if parts == ["stretch"]:
            parts = [f"Back stretch {int(stretch[0])}×{stretch[1]:g} s each side"]
    return " + ".join(parts) + (" (deload week)" if deload else "")


def _minutes(table: pd.DataFrame) -> dict[str, int]:
    """Rough session length: 3 s a repetition, the holds, and the rests between sets."""
    work = table["target_reps"].fillna(0).astype(float) * 3 + table["target_hold_s"].fillna(0)
    secs = (work + table["rest_s"]).groupby(table["session_id"], sort=False).sum()
    return {k: max(5, int(round(v / 60 / 5)) * 5) for k, v in secs.items()}


def start_clock(start_time: str) -> tuple[int, int]:
    """The hour and minute of a session start written "HH:MM"; a ValueError that says so."""
    try:
        hh, mm = (int(x) for x in str(start_time).split(":"))
        if not (0 <= hh < 24 and 0 <= mm < 60):
            raise ValueError
    except ValueError:
        raise ValueError(f"start time must be a time like 18:00; got \"{start_time}\"") from None
    return hh, mm


def plan_ics(plan: Plan, *, start_time: str = "18:00", minutes: int | None = None,
             now: datetime | None = None, tz: str | None = None) -> str:
    """The iCalendar text of ``plan``: an event per training day and one recurring event for
    the days with only the stretch, at ``start_time`` ("HH:MM") in ``tz``.

    minutes : the events' length (default: estimated from sets, holds and rests) [min]
    now : the DTSTAMP (default: the current time, UTC)
    tz : an IANA time zone such as "Europe/Berlin" (default: this machine's zone)
    """
    hh, mm = start_clock(start_time)
    zone = ZoneInfo(calendar_zone(tz))
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", "-//planner//lower-back programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Lower-back programme")
    durations = _minutes(plan.table)
    doses = exercise_doses(plan.table)
    titles = session_titles(doses, plan.unit)
    summaries = session_summaries(plan)
    stretch = {e.session_id: (int(e.n_left), e.target_hold_s)
               for e in doses[doses["exercise"] == STRETCH].itertuples(index=False)}
    only_stretch: list[tuple[date, int, float, int, int]] = []
    for s in summaries.itertuples(index=False):
        day = pd.Timestamp(s.date).date()
        if s.exercises == [STRETCH]:
            only_stretch.append((day, *stretch[s.session_id], s.week,
                                 durations[s.session_id]))
            continue
        ev = Event()
        begin = datetime.combine(day, time(hh, mm), tzinfo=zone)
        ev.add("uid", f"{s.session_id}-{day:%Y%m%d}@planner")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=minutes or durations[s.session_id]))
        ev.add("summary", titles[s.session_id])
        ev.add("description", f"Week {s.week} ({s.phase})\n" + "\n".join(s.lines))
        ev.add("categories", ["planner", s.phase])
        cal.add_component(ev)
    days = [pd.Timestamp(d).date() for d in summaries["date"]]
    series = stretch_series(only_stretch)
    if series is not None:
        cal.add_component(_series_event(series, series_uid(min(days)), stamp, time(hh, mm),
                                        zone, minutes or series.minutes))
    if days:
        cal.add_missing_timezones(*zone_span(min(days), max(days)))
    return cal.to_ical().decode("utf-8")


def _series_event(series: StretchSeries, uid: str, stamp: datetime, clock: time,
                  zone: ZoneInfo, minutes: int) -> Event:
    """The stretch series as a recurring event with a reminder at its start."""
    rule = series.rule
    title = series_title(series)
    ev = Event()
    begin = datetime.combine(rule.first, clock, tzinfo=zone)
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", begin)
    ev.add("dtend", begin + timedelta(minutes=minutes))
    if rule.weekdays:
        until = datetime.combine(rule.last, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        ev.add("rrule", {"freq": "weekly", "until": until,
                         "byday": [WEEKDAY_CODES[w] for w in rule.weekdays]})
    if rule.rdates:
        ev.add("rdate", [datetime.combine(d, clock, tzinfo=zone) for d in rule.rdates])
    if rule.exdates:
        ev.add("exdate", [datetime.combine(d, clock, tzinfo=zone) for d in rule.exdates])
    ev.add("summary", title)
    ev.add("description", series_text(series))
    ev.add("categories", ["planner", "stretch"])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(0))
    ev.add_component(alarm)
    return ev


def exercise_doses(table: pd.DataFrame) -> pd.DataFrame:
    """One row per session and exercise, in plan order: the first set's dose, the number
    of sets and of left-side holds. One grouped pass, so that a calendar or a summary of
    a long plan costs a few milliseconds, not a filter per session."""
    t = table.reset_index(drop=True)
    keys = [t["session_id"], t["exercise"]]
    g = t.groupby(keys, sort=False)
    first = t.loc[g.cumcount() == 0].set_index(["session_id", "exercise"])
    first["n_sets"] = g.size()
    first["n_left"] = (t["side"] == "left").groupby(keys, sort=False).sum()
    first["deload"] = (t["phase"] == "deload").groupby(t["session_id"], sort=False).transform(
        "any").groupby(keys, sort=False).first()
    return first.reset_index()


def session_summaries(plan: Plan) -> pd.DataFrame:
    """One row per session: date, session id, phase and a text line per exercise."""
    names = {k: v.name for k, v in catalogue().items()}
    factor = from_kg(1.0, plan.unit)
    out: dict[str, dict] = {}
    for e in exercise_doses(plan.table).itertuples(index=False):
        name = names.get(e.exercise, e.exercise)
        if e.exercise == "rotational_stretch":
            line = f"{name}: {int(e.n_left)} x {e.target_hold_s:g} s each side"
        elif pd.notna(e.load_kg):
            load = round(float(e.load_kg) * factor, 2)
            line = (f"{name}: {e.n_sets} x {e.target_reps} at {load:g} {plan.unit} "
                    f"({e.plates})")
        else:
            line = f"{name}: {e.n_sets} x {e.target_reps}"
        row = out.setdefault(e.session_id, {
            "session_id": e.session_id, "date": e.date, "week": int(e.week), "phase": e.phase,
            "exercises": [], "lines": []})
        row["exercises"].append(e.exercise)
        row["lines"].append(line)
    return pd.DataFrame(list(out.values()), columns=["session_id", "date", "week", "phase",
                                                     "exercises", "lines"])


def write_plan_ics(plan: Plan, path: str | Path, *, overwrite: bool = False,
                   start_time: str = "18:00", minutes: int | None = None,
                   tz: str | None = None) -> Path:
    """Write the plan's calendar (:func:`plan_ics`): an event per training day listing its
    exercises and doses, the stretch too, and one recurring event with a reminder for the
    days with only the stretch, its dose by weeks in its description.

    Events start at ``start_time`` in the IANA zone ``tz`` (default: this machine's zone);
    their length is ``minutes`` or an estimate from the sets, holds and rests. UIDs are
    stable (a training day's: session id + date; the stretch series': the plan's first
    day), so re-importing an updated plan updates the events instead of duplicating them;
    DTSTAMP is the time the file is written (UTC).
    """
    data = plan_ics(plan, start_time=start_time, minutes=minutes, tz=tz)
    return write_atomic(path, lambda fh: fh.write(data), overwrite=overwrite)
