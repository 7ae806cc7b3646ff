"""A plan as the files a person downloads: (file name, bytes), nothing written to disk.

The app's download buttons and the coach's zip of next blocks both use
:func:`plan_files`, so a plan reaches people in the same forms everywhere: the three of
the planner (CSV, calendar, sheet) and the three of the training apps (Liftosaur's program
text, Garmin workout files in a zip, Hevy routines as JSON).

The calendar and the CSV are written here as text (:func:`plan_ics_text`,
:func:`plan_csv_text`): the same bytes as :func:`planner.files.calendar.plan_ics` (which
builds the calendar through ``icalendar``) and pandas' ``to_csv`` of
:func:`planner.files.plan_csv.plan_to_frame`, which stay the references the tests compare
with, in a few milliseconds for a year-long plan: the coach's zip holds one per athlete.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from icalendar import Timezone
from icalendar.timezone import tzid_from_tzinfo

from planner.catalogue import catalogue
from planner.files.calendar import (
    STRETCH,
    WEEKDAY_CODES,
    StretchSeries,
    _minutes,
    calendar_zone,
    series_text,
    series_title,
    series_uid,
    session_title,
    start_clock,
    stretch_series,
    zone_span,
)
from planner.files.cells import FORMULA_STARTS
from planner.files.garmin import garmin_zip
from planner.files.hevy import hevy_json, hevy_routines
from planner.files.liftosaur import liftosaur_text
from planner.files.plan_csv import TEXT_COLUMNS, plan_to_frame
from planner.files.sheet import sheet_html
from planner.plan import Plan
from planner.units import from_kg

#: A content line longer than this many octets is folded (RFC 5545, 3.1).
_FOLD_OCTETS = 75


def _text(value: str) -> str:
    r"""A TEXT value escaped as RFC 5545 (3.3.11) asks, in ``icalendar``'s order: ``\N`` read
    as a line break, then backslash, semicolon and comma escaped, line breaks as ``\n``."""
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;")
            .replace(",", r"\,").replace("\r\n", r"\n").replace("\n", r"\n")
            .replace("\r", r"\n"))


def _fold(line: str) -> str:
    """A content line folded at 75 octets as ``icalendar`` folds it: a CRLF and a space
    before the character that would reach 75 octets, never splitting an escape (a
    backslash moves to the next line with the character it escapes)."""
    width = _FOLD_OCTETS - 1  # octets a physical line holds, the fold's space not counted
    if line.isascii():  # one octet a character: cut at fixed places
        if len(line) <= width:
            return line
        parts, i = [], 0
        while len(line) - i > width:
            cut = width - 1 if line[i + width - 1] in "\\^" else width
            parts.append(line[i:i + cut])
            i += cut
        parts.append(line[i:])
        return "\r\n ".join(parts)
    if len(line.encode("utf-8")) <= width:
        return line
    parts = []
    chars: list[str] = []
    count = 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if chars and count + n >= _FOLD_OCTETS:
            if len(chars) > 1 and chars[-1] in "\\^":
                carried = chars.pop()
                parts.append("".join(chars))
                chars, count = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(chars))
                chars, count = [], 0
        chars.append(ch)
        count += n
    if chars:
        parts.append("".join(chars))
    return "\r\n ".join(parts)


def _stamp(t: datetime) -> str:
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}"


def _sessions(plan: Plan) -> dict[str, dict]:
    """Per session, in plan order: its date, week, phase, length, title and a line per
    exercise: what :func:`planner.files.calendar.exercise_doses`, ``session_titles`` and
    ``session_summaries`` give, in one pass over the plan's columns as plain lists."""
    t = plan.table
    c = {col: t[col].tolist() for col in ("session_id", "exercise", "week", "phase", "side",
                                          "target_reps", "target_hold_s", "load_kg", "plates")}
    dates = t["date"].to_numpy()  # a Timestamp made for each session only
    na = pd.NA
    doses: dict[tuple, list] = {}  # (session, exercise) -> [first row, sets, left holds]
    deload: dict[str, bool] = {}
    for i, (s, e, ph, side) in enumerate(zip(c["session_id"], c["exercise"], c["phase"],
                                             c["side"], strict=True)):
        if s is None or s is na or s != s:  # no session: in no event (as groupby drops it)
            continue
        if ph is not na and ph == "deload":
            deload[s] = True
        else:
            deload.setdefault(s, False)
        if e is None or e is na or e != e:
            continue
        left = side is not na and side == "left"
        d = doses.get((s, e))
        if d is None:
            doses[(s, e)] = [i, 1, int(left)]
        else:
            d[1] += 1
            d[2] += left
    names = {k: v.name for k, v in catalogue().items()}
    unit = plan.unit
    factor = from_kg(1.0, unit)
    minutes = _minutes(t)
    out: dict[str, dict] = {}
    for (s, e), (i, n_sets, n_left) in doses.items():
        reps, hold, load = c["target_reps"][i], c["target_hold_s"][i], c["load_kg"][i]
        name = names.get(e, e)
        if e == "rotational_stretch":
            line = f"{name}: {n_left} x {hold:g} s each side"
        elif pd.notna(load):
            line = f"{name}: {n_sets} x {reps} at {round(float(load) * factor, 2):g} {unit} " \
                   f"({c['plates'][i]})"
        else:
            line = f"{name}: {n_sets} x {reps}"
        row = out.get(s)
        if row is None:
            row = out[s] = {"date": pd.Timestamp(dates[i]), "week": int(c["week"][i]),
                            "phase": c["phase"][i], "minutes": minutes[s], "lines": [],
                            "doses": {}}
        row["lines"].append(line)
        row["doses"][e] = (n_sets, reps, load, hold, n_left)
    for s, row in out.items():  # the title, as session_titles words it
        by = row["doses"]
        dl, br, st = (by.get(e) for e in ("deadlift", "glute_bridge", "rotational_stretch"))
        row["title"] = session_title(None if dl is None else dl[:3],
                                     None if br is None else br[:2],
                                     None if st is None else (st[4], st[3]), deload[s], unit)
    return out


@lru_cache(maxsize=32)
def _vtimezone(zone: str, first: date, last: date) -> tuple[str, ...]:
    """The VTIMEZONE of ``zone`` from ``first`` to ``last`` as content lines (folded), as
    ``icalendar`` writes it in ``plan_ics`` (``Calendar.add_missing_timezones``): made once
    per zone and span (:func:`zone_span`, whole years), not once per athlete."""
    text = Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical().decode("utf-8")
    return tuple(text.split("\r\n")[:-1])


def plan_ics_text(plan: Plan, *, start_time: str = "18:00", minutes: int | None = None,
                  now: datetime | None = None, tz: str | None = None) -> str:
    """The iCalendar text of ``plan``, as :func:`planner.files.calendar.plan_ics` makes it
    (same events, properties, order, escaping and folding), written directly as text.

    tz : an IANA time zone such as "Europe/Berlin" (default: this machine's zone)
    """
    hh, mm = start_clock(start_time)
    zone = calendar_zone(tz)
    tzid = tzid_from_tzinfo(ZoneInfo(zone))  # the zone's name, or "UTC" for UTC's aliases
    utc = tzid == "UTC"
    # A time in UTC is written with a Z; any other with its zone's TZID (and a VTIMEZONE).
    local = ("", "Z") if utc else (f";TZID={tzid}", "")
    stamp = _stamp((now or datetime.now(UTC)).astimezone(UTC)) + "Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//planner//lower-back programme//EN",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:Lower-back programme"]
    sessions = _sessions(plan)
    if sessions and not utc:
        days = [s["date"] for s in sessions.values()]
        lines += _vtimezone(tzid, *zone_span(min(days).date(), max(days).date()))
    only_stretch = []
    for sid, s in sessions.items():
        day = s["date"].to_pydatetime()
        if len(s["doses"]) == 1 and STRETCH in s["doses"]:
            st = s["doses"][STRETCH]
            only_stretch.append((day.date(), st[4], st[3], s["week"], s["minutes"]))
            continue
        begin = day.replace(hour=hh, minute=mm, second=0, microsecond=0)
        end = begin + timedelta(minutes=minutes or s["minutes"])
        lines += ["BEGIN:VEVENT",
                  _fold("SUMMARY:" + _text(s["title"])),
                  _times("DTSTART", [begin], local),
                  _times("DTEND", [end], local),
                  f"DTSTAMP:{stamp}",
                  _fold("UID:" + _text(f"{sid}-{day:%Y%m%d}@planner")),
                  _fold("CATEGORIES:planner," + _text(str(s["phase"]))),
                  _fold("DESCRIPTION:" + _text(f"Week {s['week']} ({s['phase']})\n"
                                               + "\n".join(s["lines"]))),
                  "END:VEVENT"]
    series = stretch_series(only_stretch)
    if series is not None:
        first = min(s["date"] for s in sessions.values()).date()
        lines += _series_lines(series, series_uid(first), stamp, time(hh, mm),
                               minutes or series.minutes, zone, local)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def _times(name: str, times: list[datetime], local: tuple[str, str]) -> str:
    """A content line of local times: ``local`` is (";TZID=zone", "") or, in UTC, ("", "Z")."""
    param, z = local
    return _fold(f"{name}{param}:" + ",".join(_stamp(t) + z for t in times))


def _series_lines(series: StretchSeries, uid: str, stamp: str, clock: time, minutes: int,
                  zone: str, local: tuple[str, str]) -> list[str]:
    """The stretch series' VEVENT (with its VALARM), as ``calendar._series_event`` makes it."""
    rule = series.rule
    title = series_title(series)
    begin = datetime.combine(rule.first, clock)
    end = begin + timedelta(minutes=minutes)
    out = ["BEGIN:VEVENT", _fold("SUMMARY:" + _text(title)), _times("DTSTART", [begin], local),
           _times("DTEND", [end], local), f"DTSTAMP:{stamp}", _fold("UID:" + _text(uid))]
    if rule.weekdays:
        until = datetime.combine(rule.last, time(23, 59, 59), tzinfo=ZoneInfo(zone))
        out.append(_fold(f"RRULE:FREQ=WEEKLY;UNTIL={_stamp(until.astimezone(UTC))}Z;BYDAY="
                         + ",".join(WEEKDAY_CODES[w] for w in rule.weekdays)))
    if rule.rdates:
        out.append(_times("RDATE", [datetime.combine(d, clock) for d in rule.rdates], local))
    if rule.exdates:
        out.append(_times("EXDATE", [datetime.combine(d, clock) for d in rule.exdates], local))
    out += [_fold("CATEGORIES:planner,stretch"),
            _fold("DESCRIPTION:" + _text(series_text(series))),
            "BEGIN:VALARM", "ACTION:DISPLAY", _fold("DESCRIPTION:" + _text(title)),
            "TRIGGER:P0D", "END:VALARM", "END:VEVENT"]
    return out


_NUMBERS = ("int64", "Int64", "float64", "Float64")


def _csv_cells(column: pd.Series) -> list | None:
    """A number column's cells as ``DataFrame.to_csv`` writes them (missing: empty), or None
    for a type not known here."""
    if str(column.dtype) not in _NUMBERS:
        return None
    return ["" if x is pd.NA or x != x else x for x in column.tolist()]


def plan_csv_text(plan: Plan) -> str:
    """The plan as CSV: the text ``plan_to_frame(plan).to_csv(index=False)`` writes (dates as
    ISO days, loads in the plan's unit, formula-like text cells neutralised), made from the
    columns as plain lists and the ``csv`` module's writer; pandas writes any table whose
    columns are not the plan's usual types."""
    t = plan.table
    names, cells = [], []
    for name in t.columns:
        col = t[name]
        if name == "date":
            naive = isinstance(col.dtype, np.dtype) and col.dtype.kind == "M"  # no time zone
            if not naive or col.isna().any():
                return plan_to_frame(plan).to_csv(index=False)
            values = np.datetime_as_string(col.to_numpy(), unit="D").tolist()
        elif name in TEXT_COLUMNS:
            if str(col.dtype) != "str":
                return plan_to_frame(plan).to_csv(index=False)
            values = ["" if x != x else "'" + x if x.startswith(FORMULA_STARTS) else x
                      for x in col.tolist()]
        elif name == "load_kg" and plan.unit == "lb":
            name, values = "load_lb", _csv_cells(from_kg(col, "lb").round(4))
        else:
            values = _csv_cells(col)
        if values is None:
            return plan_to_frame(plan).to_csv(index=False)
        names.append(name)
        cells.append(values)
    if missing := [c for c in TEXT_COLUMNS if c not in t.columns]:
        raise KeyError(missing)  # as plan_to_frame: a plan table has every text column
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator=os.linesep)
    out.writerow(names)
    out.writerows(zip(*cells, strict=True))
    return buf.getvalue()


def plan_files(plan: Plan, kind: str, stem: str, start_time: str = "18:00",
               tz: str | None = None) -> tuple[str, bytes]:
    """``plan`` as a file for a browser download: (file name, bytes).

    kind : "csv" (the plan table), "ics" (the calendar: an event per training day and one
        repeating event for the stretch-only days, at ``start_time``, "HH:MM", in the
        IANA zone ``tz``, or this machine's zone when None), "sheet" (the printable sheet,
        HTML), or for the apps "liftosaur" (program text), "garmin" (a zip of FIT workouts
        and a README) and "hevy" (the routines' API bodies, JSON).
    """
    if kind == "csv":
        return f"{stem}.csv", plan_csv_text(plan).encode("utf-8")
    if kind == "ics":
        return f"{stem}.ics", plan_ics_text(plan, start_time=start_time, tz=tz).encode("utf-8")
    if kind == "sheet":
        return f"{stem}-sheet.html", sheet_html(plan).encode("utf-8")
    if kind == "liftosaur":
        return f"{stem}-liftosaur.txt", liftosaur_text(plan).encode("utf-8")
    if kind == "garmin":
        return f"{stem}-garmin.zip", garmin_zip(plan)
    if kind == "hevy":
        return f"{stem}-hevy-routines.json", hevy_json(hevy_routines(plan))
    raise ValueError(f"kind must be one of {', '.join(PLAN_FILE_KINDS)}; got {kind}")


#: What :func:`plan_files` makes: the planner's files, then the apps'.
PLAN_FILE_KINDS = ("csv", "ics", "sheet", "liftosaur", "garmin", "hevy")
