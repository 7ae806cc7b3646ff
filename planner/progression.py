"""Progression models: given a prescription and what was done, the next prescription.

Every model has one method, ``next(current, done=None)``. ``done=None`` means
the prescription was done as written; a :class:`Performance` carries what a
log says was actually done, so the same models drive a generated plan and a
plan built from a log (``planner.next_block``).

Loads are in the user's unit and always loadable with the user's plates; no
single increase is above 10 % of the previous load, or the smallest loadable
step where that is larger (see SCIENCE.md, progression rules).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from planner.plates import PlateSet


@dataclass(frozen=True)
class Prescription:
    """What one session asks of one exercise.

    sets : number of sets (for a hold: holds per side)
    reps : repetitions per set, None for holds
    hold_s : seconds per hold, None for repetition work [s]
    load : external load in the user's unit, None for body-weight work
    """

    sets: int
    reps: int | None = None
    hold_s: float | None = None
    load: float | None = None


@dataclass(frozen=True)
class Performance:
    """What was actually done in one session of one exercise.

    reps : repetitions of each working set, in order
    hold_s : the shortest hold achieved [s]
    load : the working load in the user's unit
    """

    reps: tuple[int, ...] = ()
    hold_s: float | None = None
    load: float | None = None


class Progression(Protocol):
    """The interface shared by every progression model."""

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        """The prescription for the next session (or week) after ``current``."""
        ...


def _reps_done(current: Prescription, done: Performance | None) -> tuple[int, ...]:
    if done is None or not done.reps:
        return (current.reps or 0,) * current.sets
    return done.reps


@dataclass(frozen=True)
class DoubleProgression:
    """Keep the load and add repetitions until every set reaches the top of the
    range; then add the smallest load step and go back to the bottom.

    Parameters
    ----------
    rep_min, rep_max : the repetition range (the deadlift's 10-15 by default)
    plates : the bar and plates the loads must be made with
    reps_step : repetitions added per set after a session that met its target
    load_step : wanted load increase [unit]; None for the smallest loadable step.
        The per-step cap of 10 % (or the smallest step) always applies.

    Notes
    -----
    After a session the next target is one step above the fewest repetitions
    done in any set, kept inside the range; a load is raised only once every set
    reached ``rep_max`` at that load.
    """

    rep_min: int
    rep_max: int
    plates: PlateSet
    reps_step: int = 1
    load_step: float | None = None

    def first(self, load: float, sets: int) -> Prescription:
        return Prescription(sets=sets, reps=self.rep_min, load=load)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = _reps_done(current, done)
        load = done.load if done is not None and done.load is not None else current.load
        if load is not None and load < current.load:
            # Done lighter than prescribed: the prescribed load is still the goal.
            return replace(current, reps=max(self.rep_min, min(self.rep_max, min(reps))))
        if min(reps) >= self.rep_max:
            return replace(current, reps=self.rep_min,
                           load=self.plates.increase(current.load, self.load_step))
        target = min(self.rep_max, max(self.rep_min, min(reps) + self.reps_step))
        return replace(current, reps=target)


@dataclass(frozen=True)
class LinearLoad:
    """The same repetitions every session; the load goes up after every session
    in which every set reached its target."""

    plates: PlateSet
    load_step: float | None = None

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = _reps_done(current, done)
        if min(reps) >= (current.reps or 0):
            return replace(current, load=self.plates.increase(current.load, self.load_step))
        return current


@dataclass(frozen=True)
class HoldProgression:
    """Lengthen a hold by ``step_s`` after each step in which it was held in full,
    up to ``max_s`` (the stretch: 5 s towards 10 s per side)."""

    min_s: float
    max_s: float
    step_s: float = 1.0

    def first(self, sets: int) -> Prescription:
        return Prescription(sets=sets, hold_s=self.min_s)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        held = current.hold_s if done is None or done.hold_s is None else done.hold_s
        if held + 1e-9 < current.hold_s:
            return replace(current, hold_s=max(self.min_s, held))
        return replace(current, hold_s=min(self.max_s, current.hold_s + self.step_s))


@dataclass(frozen=True)
class SetsRepsProgression:
    """Body-weight work: add repetitions up to ``reps_max``, then add a set (back
    to ``reps_min``) until ``sets_max``; the bridge's sets of 15 use
    ``reps_min == reps_max == 15`` and so only add sets."""

    reps_min: int
    reps_max: int
    sets_max: int
    reps_step: int = 1

    def first(self, sets: int) -> Prescription:
        return Prescription(sets=sets, reps=self.reps_min)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = _reps_done(current, done)
        if min(reps) < current.reps or len(reps) < current.sets:
            return current
        if current.reps < self.reps_max:
            return replace(current, reps=min(self.reps_max, current.reps + self.reps_step))
        if current.sets < self.sets_max:
            return replace(current, sets=current.sets + 1, reps=self.reps_min)
        return current


def deload(current: Prescription, plates: PlateSet | None, load_factor: float,
           volume_factor: float, rep_floor: int | None = None) -> Prescription:
    """A lighter version of ``current`` for a deload week.

    Sets are scaled by ``volume_factor`` (at least one); when that removes no set,
    repetitions are scaled instead. Loads are scaled by ``load_factor`` and rounded
    down to a loadable load (never below the bar). Holds are unchanged. Repetition
    work drops to ``rep_floor`` (the bottom of its range) when given.
    """
    sets = max(1, round(current.sets * volume_factor))
    reps = current.reps
    if reps is not None:
        if rep_floor is not None:
            reps = min(reps, rep_floor)
        if sets == current.sets:
            reps = max(1, int(reps * volume_factor))
    load = current.load
    if load is not None and plates is not None:
        load = max(plates.bar, plates.round_down(load * load_factor))
    return replace(current, sets=sets, reps=reps, load=load)
