"""The plan as an iCalendar file: one event per session, titled by what it holds.

An event's title says the session at a glance ("Deadlift 3×10 @ 40 kg + bridge +
stretch"), its description lists every exercise with its dose and plates, and
it starts at the time the user chooses (floating local time). DTSTAMP is the
moment the file is made, in UTC, as RFC 5545 asks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
from icalendar import Calendar, Event

from planner.catalogue import catalogue
from planner.files.safewrite import write_atomic
from planner.plan import Plan
from planner.units import from_kg


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
             now: datetime | None = None) -> str:
    """The iCalendar text of ``plan``: one event per session at ``start_time`` ("HH:MM").

    minutes : the events' length (default: estimated from sets, holds and rests)
    now : the DTSTAMP (default: the current time, UTC)
    """
    hh, mm = start_clock(start_time)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", "-//planner//lower-back programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Lower-back programme")
    durations = _minutes(plan.table)
    titles = session_titles(exercise_doses(plan.table), plan.unit)
    for _, s in session_summaries(plan).iterrows():
        ev = Event()
        day = pd.Timestamp(s["date"]).to_pydatetime()
        begin = day.replace(hour=hh, minute=mm, second=0, microsecond=0)
        ev.add("uid", f"{s['session_id']}-{day:%Y%m%d}@planner")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=minutes or durations[s["session_id"]]))
        ev.add("summary", titles[s["session_id"]])
        ev.add("description", f"Week {s['week']} ({s['phase']})\n" + "\n".join(s["lines"]))
        ev.add("categories", ["planner", s["phase"]])
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")


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
                   start_time: str = "18:00", minutes: int | None = None) -> Path:
    """Write one calendar event per session, listing its exercises and doses.

    Events start at ``start_time`` local (floating) time; their length is
    ``minutes`` or an estimate from the sets, holds and rests. Each event is
    titled by what the session holds (see :func:`session_titles`) and has a stable
    UID (session id + date), so re-importing an updated plan updates the events
    instead of duplicating them; DTSTAMP is the time the file is written (UTC).
    """
    data = plan_ics(plan, start_time=start_time, minutes=minutes)
    return write_atomic(path, lambda fh: fh.write(data), overwrite=overwrite)
