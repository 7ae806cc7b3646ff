"""A checker of the Liftoscript subset that planner.files.liftosaur writes.

Written from Liftosaur's user documentation (``docs/content/liftoscript.md`` in the
repository astashov/liftosaur: "Basics", "Set timers", "Full mode, weeks and days",
"Exercise Descriptions", "Warmups", "Progressive overload"), not from its code, so that
it checks the writer against what the documentation promises. It accepts only the forms
the planner writes, and rejects anything else:

* ``///`` and ``//`` comments, blank lines, ``# Week N`` and ``## Day N ...`` headers
  (a day inside a week, an exercise inside a day);
* exercise lines ``Name / sets / weight / rest / warmup: none / progress: none``, the
  sections separated by ``/``; the sets ``NxM`` (lists with ``,``), each optionally with
  its weight, rest ``Ns`` or set timer ``Ns|Ns``; weights need their unit (``60kg``,
  ``135lb``), seconds are whole;
* names made of words without ``/ { } ( ) # [ ] | !`` and not starting with ``\\``,
  each either built in or declared on the ``///`` custom-exercise line, once a day;
* one progression per exercise in the whole program (``progress: none`` aside), and
  ``warmup: none`` on every line when the plan has no warm-up.

:func:`check_liftoscript` returns the problems (empty: the text passes);
:func:`read_program` reads a text that passes back into weeks, days and sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BUILTIN = ("Deadlift",)
CUSTOM_LINE = re.compile(r"^///\s*Custom exercises to create in Liftosaur first[^:]*:\s*(.+)$")
WEEK = re.compile(r"^# Week (\d+)\s*$")
DAY = re.compile(r"^## Day (\d+)(?: - .+)?$")
WORD = re.compile(r"^[^\s/{}()#\[\]|!\\][^\s/{}()#\[\]|!]*$")
SETS = re.compile(r"^(\d+)x(\d+)$")
WEIGHT = re.compile(r"^(\d+(?:\.\d+)?)(kg|lb)$")
REST = re.compile(r"^(\d+)s$")
SET_TIMER = re.compile(r"^(\d+)s\|(\d+)s$")
PROPERTY = re.compile(r"^(\w+)\s*:\s*(.+)$")
PROGRESS = re.compile(r"^(none|(?:lp|dp|sum)\([^()]*\))$")


@dataclass
class LiftoSet:
    reps: int
    weight: float | None = None
    unit: str | None = None
    rest_s: int | None = None
    hold_s: int | None = None


@dataclass
class LiftoExercise:
    name: str
    sets: list[LiftoSet]
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class LiftoDay:
    week: int
    number: int
    title: str
    exercises: list[LiftoExercise] = field(default_factory=list)


def _set_group(text: str, where: str, problems: list[str]) -> list[LiftoSet]:
    """``3x10 60kg 120s`` or ``6x1 0kg 5s|10s``: the sets it stands for."""
    tokens = text.split()
    m = SETS.match(tokens[0]) if tokens else None
    if m is None:
        problems.append(f"{where}: expected sets like 3x10, found {text!r}")
        return []
    one = LiftoSet(reps=int(m[2]))
    for tok in tokens[1:]:
        if (w := WEIGHT.match(tok)) is not None:
            one.weight, one.unit = float(w[1]), w[2]
        elif (r := REST.match(tok)) is not None:
            one.rest_s = int(r[1])
        elif (t := SET_TIMER.match(tok)) is not None:
            one.hold_s, one.rest_s = int(t[1]), int(t[2])
        else:
            problems.append(f"{where}: {tok!r} is no weight with its unit (60kg, 135lb), "
                            "whole-second rest (120s) or set timer (5s|10s)")
    return [LiftoSet(**vars(one)) for _ in range(int(m[1]))]


def _exercise(line: str, where: str, problems: list[str]) -> LiftoExercise | None:
    name, *sections = [s.strip() for s in line.split("/")]
    if not name or not all(WORD.match(w) for w in name.split()):
        problems.append(f"{where}: the name {name!r} has a character a name cannot hold "
                        "(/ { } ( ) # [ ] | !)")
        return None
    ex = LiftoExercise(name=" ".join(name.split()), sets=[])
    weight: tuple[float, str] | None = None
    rest: int | None = None
    for sec in sections:
        if (p := PROPERTY.match(sec)) is not None:
            key, value = p[1], p[2].strip()
            if key not in ("warmup", "progress") or key in ex.properties:
                problems.append(f"{where}: property {sec!r} not expected here")
            elif key == "warmup" and value != "none":
                problems.append(f"{where}: expected warmup: none, found {sec!r}")
            elif key == "progress" and not PROGRESS.match(value):
                problems.append(f"{where}: expected progress: none or lp/dp/sum(...), "
                                f"found {sec!r}")
            ex.properties[key] = value
        elif (w := WEIGHT.match(sec)) is not None:
            weight = (float(w[1]), w[2])
        elif (r := REST.match(sec)) is not None:
            rest = int(r[1])
        elif sec and SETS.match(sec.split()[0].rstrip(",")):
            for group in sec.split(","):
                ex.sets += _set_group(group.strip(), where, problems)
        else:
            problems.append(f"{where}: section {sec!r} is no sets, weight with its unit "
                            "(60kg), whole-second rest (120s) or property")
    if not ex.sets:
        problems.append(f"{where}: no sets")
    for s in ex.sets:
        if s.weight is None and weight is not None:
            s.weight, s.unit = weight
        if s.rest_s is None:
            s.rest_s = rest
    return ex


def _parse(text: str) -> tuple[list[LiftoDay], list[str], list[str]]:
    """The days, the declared custom names and the problems of a text."""
    problems: list[str] = []
    days: list[LiftoDay] = []
    custom: list[str] = []
    week: int | None = None
    for no, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        where = f"line {no}"
        if (c := CUSTOM_LINE.match(line)) is not None:
            custom += [n.strip() for n in c[1].split(",") if n.strip()]
        if not line or line.startswith("//"):
            continue
        if line.startswith("##"):
            d = DAY.match(line)
            if d is None:
                problems.append(f"{where}: expected a day header like '## Day 1', found "
                                f"{line!r}")
            elif week is None:
                problems.append(f"{where}: a day before any week")
            else:
                days.append(LiftoDay(week, int(d[1]), line[3:].strip()))
        elif line.startswith("#"):
            w = WEEK.match(line)
            if w is None:
                problems.append(f"{where}: expected a week header like '# Week 1', found "
                                f"{line!r}")
            else:
                week = int(w[1])
        elif not days or days[-1].week != week:
            problems.append(f"{where}: an exercise before any day of its week")
        elif (ex := _exercise(line, where, problems)) is not None:
            if any(e.name == ex.name for e in days[-1].exercises):
                problems.append(f"{where}: {ex.name} is listed twice in one day")
            days[-1].exercises.append(ex)
    return days, custom, problems


def check_liftoscript(text: str, *, unit: str | None = None, builtin: tuple[str, ...] = BUILTIN,
                      no_warmup: bool = True) -> list[str]:
    """The problems of a program text: empty when it is in the subset the planner writes.

    ``unit``: the only weight unit allowed (None: either); ``no_warmup``: every exercise
    line must say ``warmup: none``.
    """
    days, custom, problems = _parse(text)
    if not days:
        problems.append("no '# Week' with a '## Day' and an exercise")
    known = {n.casefold() for n in (*builtin, *custom)}
    progress: dict[str, set[str]] = {}
    for d in days:
        where = f"week {d.week}, {d.title}"
        for ex in d.exercises:
            if ex.name.casefold() not in known:
                problems.append(f"{where}: {ex.name!r} is neither built in nor declared on the "
                                "/// custom-exercise line")
            if no_warmup and ex.properties.get("warmup") != "none":
                problems.append(f"{where}: {ex.name} lacks 'warmup: none'")
            p = ex.properties.get("progress", "none")
            if p != "none":
                progress.setdefault(ex.name.casefold(), set()).add(p.replace(" ", ""))
            for s in ex.sets:
                if s.weight is None:
                    problems.append(f"{where}: {ex.name} has a set without a weight")
                elif unit is not None and s.unit != unit:
                    problems.append(f"{where}: {ex.name} weighs in {s.unit}, expected {unit}")
                if s.rest_s is None:
                    problems.append(f"{where}: {ex.name} has a set without a rest timer")
    for name, args in progress.items():
        if len(args) > 1:
            problems.append(f"{name}: different progressions {sorted(args)}: one exercise "
                            "carries one progression in the whole program")
    return problems


def read_program(text: str) -> list[LiftoDay]:
    """The weeks' days of a text that passes :func:`check_liftoscript`, with their sets."""
    days, _, problems = _parse(text)
    if problems:
        raise ValueError("; ".join(problems))
    return days
