"""The plan as the training apps take it: sessions of exercises of sets, in whole seconds.

Liftosaur's program text, Garmin's FIT workouts and Hevy's routines are three shapes of
the same thing: a session holds exercises in plan order, an exercise holds its sets,
a set has reps or a timed hold, a load and a rest. :func:`app_sessions` reads the plan
table into that shape once, so each writer only says how its app spells it.

Both Liftosaur and Hevy take seconds as whole numbers (Liftoscript's grammar has no
decimal seconds; Hevy's ``duration_seconds`` and ``rest_seconds`` are integers), and a
watch counts a timed step in whole seconds too: holds and rests are rounded half up to
whole seconds here, for every app alike, and :func:`rounding_notes` says where a hold
changed.

:data:`PAIN_INSTRUCTION` is the line every exported routine or program carries to teach
the pain convention (:func:`planner.symptoms.pain_in_notes` reads it back). It is
written so that it never reads as a score itself: it names no number after "pain".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from planner.catalogue import catalogue
from planner.files.calendar import session_title
from planner.plan import Plan
from planner.units import from_kg

#: What every exported routine, program and workout tells the trainee about pain. It holds
#: no digit after a pain word, so it never reads back as a score (tests check it with the
#: reader that reads the notes).
PAIN_INSTRUCTION = ("After the session write your back pain in the notes as: "
                    "pain N/10, where N runs from zero (none) to ten (worst).")


def whole_seconds(seconds: float) -> int:
    """Seconds rounded half up to a whole second (7.5 s -> 8 s), at least 1 (what
    :func:`app_sessions` does to every hold, for a whole table at once)."""
    return max(1, int(np.floor(float(seconds) + 0.5)))


@dataclass(frozen=True)
class AppSet:
    """One prescribed set: ``reps`` or a timed ``hold_s`` (whole seconds; ``hold_exact`` is
    the plan's own value), a ``load_kg`` (None: body weight), ``rest_s`` after it."""

    number: int
    side: str
    reps: int | None
    hold_s: int | None
    hold_exact: float | None
    load_kg: float | None
    rest_s: int


@dataclass(frozen=True)
class AppExercise:
    """One exercise of a session: its catalogue id, display name and sets in plan order."""

    exercise: str
    name: str
    sets: tuple[AppSet, ...]

    @property
    def is_hold(self) -> bool:
        return any(s.hold_s is not None for s in self.sets)


@dataclass(frozen=True)
class AppSession:
    """One planned session (a day of the plan) with its exercises in plan order."""

    session_id: str
    week: int
    day: int
    date: date
    weekday: str
    deload: bool
    exercises: tuple[AppExercise, ...]


def app_sessions(plan: Plan) -> list[AppSession]:
    """The plan's sessions in date order, each with its exercises and sets in plan order.

    One pass over the table's columns as Python lists (no frame per session): a year's
    plan (2,900 sets) takes milliseconds, and the coach's zip makes one per athlete."""
    global _LAST
    if (_LAST is not None and _LAST[0] is plan and _LAST[1] is plan.table
            and _LAST[2] == len(plan.table)):  # the writers of one plan, one after another
        return list(_LAST[3])
    names = {k: v.name for k, v in catalogue().items()}
    t = plan.table.sort_values(["date", "week", "day"], kind="stable")
    reps = t["target_reps"].astype("float64").to_numpy()
    hold = t["target_hold_s"].astype("float64").to_numpy()
    whole = np.maximum(1, np.floor(hold + 0.5))  # whole_seconds, for every row at once
    load = t["load_kg"].astype("float64").to_numpy()
    days = t["date"].dt.date.tolist()
    rows = zip(t["session_id"].tolist(), t["week"].tolist(), t["day"].tolist(), days,
               t["weekday"].tolist(), t["phase"].tolist(), t["exercise"].tolist(),
               t["set"].tolist(), t["side"].tolist(), reps.tolist(), hold.tolist(),
               whole.tolist(), load.tolist(), t["rest_s"].tolist(), strict=True)
    # session id -> its first row's facts, and its exercises (in plan order) -> their sets
    heads: dict[str, tuple] = {}
    sets: dict[str, dict[str, list[AppSet]]] = {}
    deload: dict[str, bool] = {}
    for sid, week, day, when, weekday, phase, ex, number, side, r, h, w, kg, rest in rows:
        if sid not in heads:
            heads[sid] = (int(week), int(day), when, str(weekday))
            sets[sid] = {}
        deload[sid] = deload.get(sid, False) or phase == "deload"
        sets[sid].setdefault(ex, []).append(AppSet(
            number=int(number), side=str(side), reps=None if r != r else int(r),
            hold_s=None if h != h else int(w), hold_exact=None if h != h else h,
            load_kg=None if kg != kg else kg, rest_s=int(rest)))
    out = [AppSession(session_id=str(sid), week=week, day=day, date=when, weekday=weekday,
                      deload=deload[sid],
                      exercises=tuple(AppExercise(str(ex), names.get(str(ex), str(ex)),
                                                  tuple(x)) for ex, x in sets[sid].items()))
           for sid, (week, day, when, weekday) in heads.items()]
    _LAST = (plan, plan.table, len(plan.table), tuple(out))
    return out


#: The last plan read and its sessions: the Liftosaur, Hevy and Garmin writers of one plan
#: (the coach's zip, a page's downloads) read it once. A Plan is frozen: the same object
#: holds the same sessions.
_LAST: tuple[Plan, object, int, tuple[AppSession, ...]] | None = None


def session_dose(session: AppSession, unit: str) -> str:
    """The session's title by what it holds, as the calendar titles it ("Deadlift 3×10 @ 60
    kg + bridge + stretch"): each exercise's first set and its number of sets (of holds a
    side for the stretch)."""
    by = {e.exercise: e for e in session.exercises}
    dl, br, st = (by.get(k) for k in ("deadlift", "glute_bridge", "rotational_stretch"))
    return session_title(
        None if dl is None else (len(dl.sets), dl.sets[0].reps or 0, dl.sets[0].load_kg or 0.0),
        None if br is None else (len(br.sets), br.sets[0].reps or 0),
        None if st is None else (sum(x.side == "left" for x in st.sets) or len(st.sets),
                                 st.sets[0].hold_s or 0),
        session.deload, unit)


def load_text(load_kg: float, unit: str) -> str:
    """A load in the plan's unit for a note: "62.5 kg", "135 lb" (to 0.01, no trailing 0)."""
    return f"{round(float(from_kg(float(load_kg), unit)), 2):g} {unit}"


def rounding_notes(sessions: list[AppSession]) -> list[str]:
    """One line per hold the apps get rounded to a whole second, e.g. "holds of 7.5 s are
    written as 8 s (weeks 3-4): the apps take whole seconds"; none when nothing changed."""
    weeks: dict[tuple[float, int], set[int]] = {}
    for s in sessions:
        for e in s.exercises:
            for x in e.sets:
                if x.hold_exact is not None and x.hold_exact != x.hold_s:
                    weeks.setdefault((x.hold_exact, x.hold_s), set()).add(s.week)
    out = []
    for (exact, whole), ws in sorted(weeks.items()):
        span = f"week {min(ws)}" if len(ws) == 1 else f"weeks {min(ws)}-{max(ws)}"
        out.append(f"holds of {exact:g} s are written as {whole} s ({span}): the apps take "
                   "whole seconds")
    return out
