"""The plan as a Liftosaur program: Liftoscript text in "full mode".

Liftosaur (liftosaur.com) takes a whole program as one text: ``# Week N`` starts a week,
``## Day N`` a day, and each exercise is one line of sections separated by ``/``
(name, sets, load, rest, properties). :func:`liftosaur_text` writes the plan in that
form, week by week and session by session, exactly as the plan prescribes it::

    # Week 1
    ## Day 1 - Mon 7 Dec 2026
    Bodyweight Glute Bridge / 2x15 / 0kg / 60s / warmup: none / progress: none
    Deadlift / 3x10 / 60kg / 120s / warmup: none / progress: none
    Lying Rotational Stretch / 6x1 0kg 5s|10s / warmup: none / progress: none

Notes
-----
Choices, each checked against Liftosaur's grammar, documentation and evaluator
(repository astashov/liftosaur; AGPL-3.0, read only, nothing copied):

* **Progression.** The planner has already computed every week's load and reps
  (double progression, caps, deloads). A Liftosaur progression (``dp``, ``lp``, ``sum``)
  is run by the app after each workout and would move later weights away from the
  plan's; one exercise may also carry only one progression in the whole program. So
  every line states its sets, reps and load explicitly and says ``progress: none``:
  the program reproduces the plan set for set, and a progression the user adds to one
  line later does not silently apply to the other weeks.
* **Warm-up.** Without a ``warmup:`` section the app adds warm-up sets of its own; the
  plan has none, so every line says ``warmup: none`` (the same value everywhere, as the
  evaluator requires of one exercise).
* **Body-weight exercises.** Liftosaur's own "Glute Bridge" comes only with band,
  barbell or dumbbell, and it has no lying rotational stretch: both are custom
  exercises the user creates first (the ``///`` lines say so; a program cannot create
  them, and an unknown name fails the whole program). Their sets carry ``0kg``
  (``0lb``): a set without a weight makes the app ask for one before the set can be
  ticked off, a zero weight completes it with one tap.
* **Holds.** The stretch is timed sets with a set timer, ``hold|rest`` in whole seconds
  (``6x1 0kg 5s|10s`` is 3 holds a side, sides alternating, each 5 s with 10 s rest).
  Seconds are whole in the grammar: holds are rounded as
  :mod:`planner.files.app_sessions` says, and the ``///`` lines name every change.
* **Loads** are in the plan's unit with the unit suffix the grammar requires (``62.5kg``,
  ``135lb``); the user's Liftosaur unit should be the same, so the app does not convert
  and round them.
* **Descriptions.** ``//`` lines before ``# Week`` and ``## Day`` describe the week and
  the day and are shown in the app; Liftosaur carries a description on to later weeks
  and days until one replaces it, so every week and day gets its own. The pain
  instruction is each day's description; ``///`` lines are never shown in the app.
"""

from __future__ import annotations

from pathlib import Path

from planner.files.app_sessions import (
    PAIN_INSTRUCTION,
    AppExercise,
    AppSession,
    AppSet,
    app_sessions,
    rounding_notes,
)
from planner.files.safewrite import write_file
from planner.plan import Plan
from planner.units import from_kg

#: Liftosaur's built-in exercises the plan uses (default equipment: barbell).
BUILTIN_NAMES: dict[str, str] = {"deadlift": "Deadlift"}
#: The custom exercises the user creates in Liftosaur before importing the program.
CUSTOM_NAMES: dict[str, str] = {"glute_bridge": "Bodyweight Glute Bridge",
                                "rotational_stretch": "Lying Rotational Stretch"}
#: The planner's exercise -> its name in the program.
LIFTOSAUR_NAMES: dict[str, str] = {**BUILTIN_NAMES, **CUSTOM_NAMES}
#: Where the athlete writes pain in Liftosaur: its history export keeps exercise notes only.
PAIN_WHERE = ("In Liftosaur write it in the notes of an exercise of the session: "
              "the history export keeps exercise notes, not workout notes.")
SIDES_NOTE = "Alternate sides: left, right, left, right, one hold per set."
BODYWEIGHT_NOTE = "Body weight only: no added load."


def _number(value: float) -> str:
    """A load as Liftoscript writes it: no exponent, no trailing zeros (62.5, 60, 135)."""
    text = f"{round(float(value), 3):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _weight(load_kg: float | None, unit: str) -> str:
    """``62.5kg`` / ``135lb``; a body-weight set (no load) is ``0kg`` / ``0lb``."""
    return f"{_number(0.0 if load_kg is None else from_kg(load_kg, unit))}{unit}"


def _runs(sets: tuple[AppSet, ...], unit: str) -> list[tuple[int, AppSet, str]]:
    """Consecutive sets with the same reps, hold, load and rest, as (count, set, weight)."""
    runs: list[tuple[int, AppSet, str]] = []
    for s in sets:
        w = _weight(s.load_kg, unit)
        if runs:
            n, last, lw = runs[-1]
            if (s.reps, s.hold_s, s.rest_s, w) == (last.reps, last.hold_s, last.rest_s, lw):
                runs[-1] = (n + 1, last, lw)
                continue
        runs.append((1, s, w))
    return runs


def exercise_line(ex: AppExercise, unit: str) -> str:
    """One exercise as one Liftoscript line (name, sets, load, rest, properties)."""
    try:
        name = LIFTOSAUR_NAMES[ex.exercise]
    except KeyError:
        raise ValueError(f"no Liftosaur name for the exercise {ex.exercise!r}; expected one "
                         f"of {sorted(LIFTOSAUR_NAMES)}") from None
    runs = _runs(ex.sets, unit)
    if ex.is_hold:
        # A set timer: the hold itself, then the rest; a hold is one "rep".
        sections = [", ".join(f"{n}x1 {w} {s.hold_s}s|{s.rest_s}s" for n, s, w in runs)]
    elif len({(s.rest_s, w) for _, s, w in runs}) == 1:
        _, first, w = runs[0]
        sections = [", ".join(f"{n}x{s.reps}" for n, s, _ in runs), w, f"{first.rest_s}s"]
    else:
        sections = [", ".join(f"{n}x{s.reps} {w} {s.rest_s}s" for n, s, w in runs)]
    return " / ".join([name, *sections, "warmup: none", "progress: none"])


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_name(session: AppSession, number: int) -> str:
    """``Day 1 - Mon 7 Dec 2026`` (English month names whatever the locale)."""
    d = session.date
    return f"Day {number} - {session.weekday} {d.day} {MONTHS[d.month - 1]} {d.year}"


def _header(plan: Plan, sessions: list[AppSession]) -> list[str]:
    used = {e.exercise for s in sessions for e in s.exercises}
    custom = [CUSTOM_NAMES[e] for e in CUSTOM_NAMES if e in used]
    lines = ["/// Lower-back programme written by planner: every set as the plan prescribes it."]
    if custom:
        lines.append("/// Custom exercises to create in Liftosaur first (no equipment): "
                     + ", ".join(custom))
    lines.append(f"/// Loads are in {plan.unit}: set Liftosaur's units to {plan.unit} before "
                 "importing.")
    lines.append(f"/// {PAIN_INSTRUCTION}")
    lines += [f"/// Note: {n}" for n in rounding_notes(sessions)]
    return lines


def liftosaur_text(plan: Plan) -> str:
    """The plan as a Liftosaur program in full mode (Liftoscript), ending with a newline.

    Parameters
    ----------
    plan : Plan
        The plan; loads are written in ``plan.unit`` [kg or lb], holds and rests in
        whole seconds [s].

    Returns
    -------
    str
        ``///`` lines for the reader (custom exercises to create first, the unit, the
        pain instruction, rounded holds), then per week a ``//`` description and
        ``# Week N``, per session a ``//`` description (the pain instruction) and
        ``## Day K - Mon 7 Dec 2026``, and one line per exercise.

    Raises
    ------
    ValueError : the plan holds an exercise that has no Liftosaur name
    """
    sessions = app_sessions(plan)
    lines = _header(plan, sessions)
    week, number = None, 0
    for s in sessions:
        if s.week != week:
            week, number = s.week, 0
            kind = ("Deload week: lighter loads and fewer sets, as planned." if s.deload
                    else "Build week.")
            lines += ["", f"// {kind}", f"# Week {s.week}"]
        number += 1
        lines += [f"// {PAIN_INSTRUCTION} {PAIN_WHERE}", f"## {_day_name(s, number)}"]
        for ex in s.exercises:
            if ex.is_hold and len({x.side for x in ex.sets}) > 1:
                lines.append(f"// {SIDES_NOTE}")
            elif ex.exercise in CUSTOM_NAMES and all(x.load_kg is None for x in ex.sets):
                lines.append(f"// {BODYWEIGHT_NOTE}")
            lines.append(exercise_line(ex, plan.unit))
    return "\n".join(lines) + "\n"


def write_liftosaur(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write :func:`liftosaur_text` to ``path`` (UTF-8, atomically); an existing file is
    replaced only with ``overwrite`` (see :func:`planner.files.safewrite.write_file`)."""
    return write_file(path, liftosaur_text(plan).encode("utf-8"), overwrite=overwrite)
