"""The plan as an iCalendar file: one event per session, titled by what it holds.

An event's title says the session at a glance ("Deadlift 3×10 @ 40 kg + bridge +
stretch"), its description lists every exercise with its dose and plates, and
it starts at the time the user chooses (floating local time). DTSTAMP is the
moment the file is made, in UTC, as RFC 5545 asks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from planner.programme import Plan
from planner.units import from_kg


def session_title(s: pd.DataFrame, unit: str) -> str:
    """A session's title from its rows: the deadlift's dose first, then the rest."""
    parts = []
    dl = s[s["exercise"] == "deadlift"]
    if len(dl):
        first = dl.iloc[0]
        load = round(float(from_kg(float(first["load_kg"]), unit)), 2)
        parts.append(f"Deadlift {len(dl)}×{int(first['target_reps'])} @ {load:g} {unit}")
    br = s[s["exercise"] == "glute_bridge"]
    if len(br):
        parts.append("bridge" if parts else f"Bridge {len(br)}×{int(br['target_reps'].iloc[0])}")
    if (s["exercise"] == "rotational_stretch").any():
        parts.append("stretch")
    if parts == ["stretch"]:
        st = s[s["exercise"] == "rotational_stretch"]
        holds = int((st["side"] == "left").sum())
        parts = [f"Back stretch {holds}×{st['target_hold_s'].iloc[0]:g} s each side"]
    title = " + ".join(parts)
    if (s["phase"] == "deload").any():
        title += " (deload week)"
    return title


def _minutes(table: pd.DataFrame) -> dict[str, int]:
    """Rough session length: 3 s a repetition, the holds, and the rests between sets."""
    work = table["target_reps"].fillna(0).astype(float) * 3 + table["target_hold_s"].fillna(0)
    secs = (work + table["rest_s"]).groupby(table["session_id"], sort=False).sum()
    return {k: max(5, int(round(v / 60 / 5)) * 5) for k, v in secs.items()}


def plan_ics(plan: Plan, *, start_time: str = "18:00", minutes: int | None = None,
             now: datetime | None = None) -> str:
    """The iCalendar text of ``plan``: one event per session at ``start_time`` ("HH:MM").

    minutes : the events' length (default: estimated from sets, holds and rests)
    now : the DTSTAMP (default: the current time, UTC)
    """
    from icalendar import Calendar, Event

    from planner.export import session_summaries

    try:
        hh, mm = (int(x) for x in str(start_time).split(":"))
        if not (0 <= hh < 24 and 0 <= mm < 60):
            raise ValueError
    except ValueError:
        raise ValueError(f"start time must be a time like 18:00; got \"{start_time}\"") from None
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", "-//planner//lower-back programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Lower-back programme")
    durations = _minutes(plan.table)
    sessions = dict(tuple(plan.table.groupby("session_id", sort=False)))
    for _, s in session_summaries(plan).iterrows():
        ev = Event()
        day = pd.Timestamp(s["date"]).to_pydatetime()
        begin = day.replace(hour=hh, minute=mm, second=0, microsecond=0)
        ev.add("uid", f"{s['session_id']}-{day:%Y%m%d}@planner")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=minutes or durations[s["session_id"]]))
        ev.add("summary", session_title(sessions[s["session_id"]], plan.unit))
        ev.add("description", f"Week {s['week']} ({s['phase']})\n" + "\n".join(s["lines"]))
        ev.add("categories", ["planner", s["phase"]])
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")
