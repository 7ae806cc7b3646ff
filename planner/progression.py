"""Progression rules: given a prescription and what was done, the next prescription.

One home for every rule that moves a load (docs/science.md, "Progression rules" and
"Safety of the adaptive loop"):

- the models (double progression, linear load, hold time, sets and reps), each
  with ``first(...)`` and ``next(current, done=None)``;
- the per-step cap: no load above the heaviest working load of the last
  ``CAP_WINDOW_DAYS`` days by more than ``STEP_CAP`` (10 %), or the smallest
  loadable step where that is larger; it holds within a block and across
  block boundaries (:class:`LoadLimits`);
- the ceiling: a set of r repetitions stays at or below the NSCA %1RM for r
  repetitions of the reference 1RM (:func:`percent_1rm`, :class:`LoadLimits`);
- the deload, and the return after it to at most the last working load done
  (:func:`deload`, :func:`return_after_deload`);
- the pain cut and the layoff restart (:func:`cut`, ``PAIN_CUT``,
  ``LAYOFF_DAYS``, ``LAYOFF_STEPS``, ``FRESH_START_DAYS``).

``done=None`` means the prescription was done as written; a :class:`Performance`
carries what a log says was actually done, so the same models drive a generated
plan and a plan built from a log (``planner.next_block``). Loads are in the
user's unit and always loadable with the user's plates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol

from planner.limits import MAX_LOAD_KG
from planner.metrics import NSCA_PERCENT
from planner.plates import PlateSet

# --- named constants (each with its source or marked as the project's own) ----------------

#: Per-step cap: a new load is at most 10 % above the heaviest working load of the last
#: 4 weeks, or the smallest loadable step where that is larger (docs/science.md; ACSM 2009's
#: 2-10 % increase).
STEP_CAP = 0.10
CAP_WINDOW_DAYS = 28
#: NSCA %1RM by repetitions (Baechle & Earle 2008): one table, in planner.metrics.
NSCA_PERCENT_1RM: dict[int, float] = NSCA_PERCENT
#: A start load from an e1RM is the %1RM for the bottom of the range times this margin
#: (the project's own choice; docs/science.md asks for "a margin").
E1RM_START_MARGIN = 0.90
#: Sets of at most this many repetitions give the e1RM used for the ceiling and for a start
#: load (docs/science.md: "sets of <= 10 reps estimate best").
E1RM_MAX_REPS = 10
#: How far back a "recent" e1RM reaches. [days] (the project's own choice)
E1RM_RECENT_DAYS = 56
#: The pain cut when the pain rules call for a reduction (the project's own figure).
PAIN_CUT = 0.90
#: A layoff: this many days or more without deadlifts restarts lower (docs/science.md).
LAYOFF_DAYS = 14
#: The restart after a layoff, by its length (days away, at least -> share of the last
#: working load). Strength is largely kept over 3-4 weeks without training and is lost
#: faster the longer the break (Mujika & Padilla 2000, Sports Med 30(2):79-87; Bosquet
#: et al. 2013, Scand J Med Sci Sports 23(3):e140-e149): a few weeks cost a little,
#: months a lot. The figures are the project's own, inside and beyond the 10-20 % of
#: common coaching practice (docs/science.md, "Time away").
LAYOFF_STEPS: tuple[tuple[int, float], ...] = ((14, 0.90), (28, 0.85), (56, 0.75))
#: This long away (16 weeks) is a fresh start: a conservative entry load, then a retest.
FRESH_START_DAYS = 112
#: The entry load of a fresh start: this share of the last working load (at least the bar).
FRESH_START_SHARE = 0.5


def layoff_share(days_away: int) -> float:
    """The share of the last working load a return after ``days_away`` days starts from
    (1.0: no layoff; ``FRESH_START_SHARE``: a fresh start)."""
    if days_away >= FRESH_START_DAYS:
        return FRESH_START_SHARE
    share = 1.0
    for at_least, s in LAYOFF_STEPS:
        if days_away >= at_least:
            share = s
    return share
#: With no 1RM known, no load goes above what the log readers call implausible. [kg]
MAX_PLAUSIBLE_KG = MAX_LOAD_KG


def percent_1rm(reps: int) -> float:
    """The NSCA %1RM (0-1) a set of ``reps`` repetitions may carry.

    Notes
    -----
    A count not in the table uses the next listed count above it (11 -> 12,
    13 and 14 -> 15), so the share is never higher than the table allows.
    Beyond 15 repetitions the table has no entry: the share is the lower of
    65 % and Epley's 1 / (1 + r/30) (the project's own extension).

    References
    ----------
    NSCA, Baechle & Earle 2008 (docs/science.md).
    """
    r = max(1, int(reps))
    for listed in sorted(NSCA_PERCENT_1RM):
        if listed >= r:
            return NSCA_PERCENT_1RM[listed] / 100
    return min(NSCA_PERCENT_1RM[15] / 100, 1 / (1 + r / 30))


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


@dataclass(frozen=True)
class LoadLimits:
    """The limits every new barbell load obeys: the plates, the per-step cap and the ceiling.

    Parameters
    ----------
    plates : the bar and plates loads are made with
    one_rm : the reference 1RM [unit]: the larger of the configured 1RM and the best
        recent e1RM; None when neither is known
    max_load : the absolute ceiling when no 1RM is known [unit] (``MAX_PLAUSIBLE_KG``
        in the user's unit)
    """

    plates: PlateSet
    one_rm: float | None = None
    max_load: float = MAX_PLAUSIBLE_KG

    def ceiling(self, reps: int) -> float:
        """The heaviest loadable load for a set of ``reps`` repetitions. [unit]"""
        ref = self.one_rm if self.one_rm is not None else self.max_load
        return self.plates.round_down(percent_1rm(reps) * ref)

    def cap(self, heaviest: float | None) -> float:
        """The heaviest new load allowed above ``heaviest``, the heaviest working load of the
        last 4 weeks (any load when None). [unit]"""
        if heaviest is None:
            return math.inf
        return self.plates.increase(heaviest, math.inf, STEP_CAP)

    def allow(self, wanted: float, reps: int, heaviest: float | None) -> float:
        """``wanted`` brought within the cap and the ceiling (never below the bar)."""
        return max(self.plates.bar, min(wanted, self.cap(heaviest), self.ceiling(reps)))


class Progression(Protocol):
    """The interface shared by every progression model."""

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
        """The first prescription of a block."""
        ...

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
    range; then add the load step and go back to the bottom (docs/science.md).

    Parameters
    ----------
    rep_min, rep_max : the repetition range (the deadlift's 10-15 by default)
    limits : plates, cap and ceiling that every load obeys
    reps_step : repetitions added per set after a session that met its target
    load_step : wanted load increase [unit]; None for the smallest loadable step.
        The per-step cap of 10 % (or the smallest step) always applies.

    Notes
    -----
    After a session the next target is one step above the fewest repetitions
    done in any set, kept inside the range; a load is raised only once every set
    reached ``rep_max`` at that load, and only when the new load for sets of
    ``rep_min`` stays under the ceiling; otherwise the prescription stays.
    """

    rep_min: int
    rep_max: int
    limits: LoadLimits
    reps_step: int = 1
    load_step: float | None = None

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
        return Prescription(sets=sets, reps=reps or self.rep_min,
                            load=self.limits.plates.bar if load is None else load)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = tuple(min(r, self.rep_max) for r in _reps_done(current, done))
        load = done.load if done is not None and done.load is not None else current.load
        if load is not None and load < current.load:
            # Done lighter than prescribed: the prescribed load is still the goal.
            return replace(current, reps=max(self.rep_min, min(self.rep_max, min(reps))))
        if min(reps) >= self.rep_max:
            up = self.limits.plates.increase(current.load, self.load_step, STEP_CAP)
            if up > current.load and up <= self.limits.ceiling(self.rep_min):
                return replace(current, reps=self.rep_min, load=up)
            return replace(current, reps=self.rep_max)
        target = min(self.rep_max, max(self.rep_min, min(reps) + self.reps_step))
        if current.load > self.limits.ceiling(target):
            target = max(self.rep_min, min(reps))
        return replace(current, reps=target)


@dataclass(frozen=True)
class LinearLoad:
    """The same repetitions every session; the load goes up by the load step after every
    session in which every set reached its target, up to the ceiling."""

    limits: LoadLimits
    load_step: float | None = None

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
        return Prescription(sets=sets, reps=reps,
                            load=self.limits.plates.bar if load is None else load)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = _reps_done(current, done)
        if min(reps) >= (current.reps or 0):
            up = self.limits.plates.increase(current.load, self.load_step, STEP_CAP)
            if up <= self.limits.ceiling(current.reps or 1):
                return replace(current, load=up)
        return current


@dataclass(frozen=True)
class HoldProgression:
    """Lengthen a hold by ``step_s`` after each step in which it was held in full,
    up to ``max_s`` (the stretch: 5 s towards 10 s per side)."""

    min_s: float
    max_s: float
    step_s: float = 1.0

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
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

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
        return Prescription(sets=sets, reps=reps or self.reps_min)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        reps = _reps_done(current, done)
        if min(reps) < current.reps or len(reps) < current.sets:
            return current
        if current.reps < self.reps_max:
            return replace(current, reps=min(self.reps_max, current.reps + self.reps_step))
        if current.sets < self.sets_max:
            return replace(current, sets=current.sets + 1, reps=self.reps_min)
        return current


@dataclass(frozen=True)
class Hold:
    """No progression: every session repeats the current prescription (a pain hold or a
    stop rule; the plan says why)."""

    def first(self, sets: int, reps: int | None = None, load: float | None = None
              ) -> Prescription:
        return Prescription(sets=sets, reps=reps, load=load)

    def next(self, current: Prescription, done: Performance | None = None) -> Prescription:
        return current


def deload(current: Prescription, plates: PlateSet | None, load_factor: float,
           volume_factor: float, rep_floor: int | None = None) -> Prescription:
    """A lighter version of ``current`` for a deload week.

    Sets are scaled by ``volume_factor`` (at least one). Repetition work with a
    load drops to ``rep_floor`` (the bottom of its range) when given, and when
    scaling removes no set its repetitions are scaled instead. Body-weight work
    (no ``plates``) keeps its repetitions: the bridge stays sets of 15. Loads
    are scaled by ``load_factor`` and rounded down to a loadable load (never
    below the bar). Holds are unchanged.
    """
    sets = max(1, round(current.sets * volume_factor))
    reps = current.reps
    if reps is not None and plates is not None:
        if rep_floor is not None:
            reps = min(reps, rep_floor)
        if sets == current.sets:
            reps = max(1, int(reps * volume_factor))
    load = current.load
    if load is not None and plates is not None:
        load = max(plates.bar, plates.round_down(load * load_factor))
    return replace(current, sets=sets, reps=reps, load=load)


def return_after_deload(pending: Prescription, last_done: Prescription | None) -> Prescription:
    """The first build session after a deload: at most the last working load done.

    ``pending`` is what the model would prescribe next; when that is a new,
    heavier load than ``last_done`` (the last build session before the deload),
    the last build session is repeated first, so every block starts where the
    one before it peaked and deloads never compound.
    """
    if last_done is None or pending.load is None or pending.load <= last_done.load:
        return pending
    return last_done


def cut(load: float, plates: PlateSet, factor: float) -> float:
    """``load`` times ``factor``, rounded down to a loadable load (at least the bar)."""
    return max(plates.bar, plates.round_down(load * factor))
