"""The plan configuration: every choice a user makes, validated where it enters.

``PlanConfig`` is a frozen dataclass. Building one checks every field and raises
a single :class:`ConfigError` that lists each problem with the field's name,
what was given and what is allowed, so a form or a command line can show all
of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations
from types import MappingProxyType
from typing import Any

from planner.catalogue import EXERCISE_IDS, catalogue, standard_plates
from planner.limits import MIN_DATE
from planner.plates import MAX_DENOMINATIONS, MIN_PLATE, PlateSet, plate_problems
from planner.progression import MAX_PLAUSIBLE_KG, LoadLimits, percent_1rm
from planner.settings import setting
from planner.units import UNITS, from_kg

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PROGRESSIONS = ("double", "linear")
# Plain ranges come from the settings table, which the app's controls and the command
# line's options read too: no control, option or check can disagree about a limit.
MAX_WEEKS = int(setting("weeks").high)
_REPS = setting("rep_range")
_VOLUME = setting("volume")
_BAR = setting("bar")
_DEADLIFT_DAYS = tuple(v for v, _ in setting("deadlifts_per_week").choices)
_DELOADS = tuple(v for v, _ in setting("deload").choices if v is not None)
_HOLD = (setting("stretch_hold").low, setting("stretch_hold").high)
_BRIDGE_SETS = (setting("bridge_sets").low, setting("bridge_sets").high)
#: Sets of the bridge and of the deadlift per session, whatever the volume (the project's
#: own limit: nobody with a sore back needs 9 sets of 10-15 deadlifts).
MAX_SETS = 5
# A plan starts between the first day any log reader accepts and 10 years from today
# (four 104-week blocks in a row still fit).
MIN_START = MIN_DATE.date()
MAX_START_YEARS_AHEAD = 10
_WEEKDAY_NAMES = {**{d: d for d in WEEKDAYS},
                  **{n: n[:3] for n in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                        "saturday", "sunday")}}

# Per-exercise dose settings that ``overrides`` may change, with their allowed ranges.
OVERRIDE_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "glute_bridge": {"sets": _BRIDGE_SETS, "max_sets": _BRIDGE_SETS, "reps": (1, 50),
                     "progress_every_weeks": (1, 12), "rest_s": (0, 600)},
    "rotational_stretch": {"reps": (1, 10), "hold_min_s": _HOLD, "hold_max_s": _HOLD,
                           "hold_step_s": (0, 30), "rest_s": (0, 600)},
    "deadlift": {"sets": (1, MAX_SETS), "rest_s": (0, 900)},
}


class ConfigError(ValueError):
    """A plan configuration that cannot be used.

    ``problems`` holds one ``(field, message)`` pair for each thing that is wrong.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        lines = [f"  - {name}: {msg}" for name, msg in problems]
        super().__init__("invalid plan configuration:\n" + "\n".join(lines))


def parse_weekday(value: Any) -> str:
    """Normalise a weekday ("Mon", "monday", 0 for Monday ... 6) to "mon".."sun".

    Only a day's full name or its three-letter abbreviation counts ("monkey" is
    not Monday).
    """
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return WEEKDAYS[value]
    text = str(value).strip().lower()
    if text in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[text]
    raise ValueError(f"'{value}' is not a weekday; use one of {', '.join(WEEKDAYS)} "
                     "(or the full names)")


def split_days(value: Any) -> list[Any]:
    """Weekdays given as a sequence or as one text ("mon,wed,fri" or "mon wed fri")."""
    if isinstance(value, str):
        return [d for d in value.replace(",", " ").replace(";", " ").split() if d]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def max_start(today: date | None = None) -> date:
    """The latest start date a plan may have: ``MAX_START_YEARS_AHEAD`` years from today."""
    today = today or date.today()
    return today.replace(year=today.year + MAX_START_YEARS_AHEAD, day=min(today.day, 28))


def next_monday(today: date | None = None) -> date:
    """The coming Monday (today when today is a Monday)."""
    today = today or date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7)


def _circular_gaps(days: list[int]) -> list[int]:
    s = sorted(days)
    return [(s[(i + 1) % len(s)] - s[i]) % 7 or 7 for i in range(len(s))]


def spread_days(candidates: list[int], count: int) -> list[int] | None:
    """Pick ``count`` of the weekday numbers so that no two are consecutive days.

    Among the possible picks, the one whose closest two days are furthest apart
    wins (Monday and Friday rather than Monday and Wednesday); ties go to the
    earliest days. None when no pick avoids consecutive days.
    """
    best, best_gap = None, 0
    for combo in combinations(sorted(candidates), count):
        gap = min(_circular_gaps(list(combo))) if count > 1 else 7
        if gap >= 2 and gap > best_gap:
            best, best_gap = list(combo), gap
    return best


@dataclass(frozen=True)
class PlanConfig:
    """Every choice behind a generated plan. All fields have sensible defaults.

    Loads (``deadlift_start_load``, ``one_rm``, ``load_step``, ``bar``, ``plates``)
    are in ``unit``. Days are weekday names ("mon" .. "sun").
    """

    weeks: int = 12
    first_week: int = 1
    training_days: tuple[str, ...] = ("mon", "wed", "fri")
    start_date: date | None = None
    unit: str = "kg"
    bar: float | None = None
    plates: tuple[float, ...] | None = None
    deadlift_start_load: float | None = None
    one_rm: float | None = None
    rep_range: tuple[int, int] = (10, 15)
    deadlift_start_reps: int | None = None
    reps_step: int = 1
    load_step: float | None = None
    deadlift_progression: str = "double"
    deadlift_sessions_per_week: int = 2
    deadlift_days: tuple[str, ...] | None = None
    volume: float = 1.0
    deload_every: int | None = 4
    deload_load: float = 0.9
    deload_volume: float = 0.6
    exercises: tuple[str, ...] = EXERCISE_IDS
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    deadlift_hold: str | None = None
    deadlift_recent_max: float | None = None

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []

        def bad(name: str, msg: str) -> None:
            problems.append((name, msg))

        self._check_weeks(bad)
        self._check_unit(bad)
        self._normalise_start_date(bad)
        days = self._normalise_training_days(bad)
        self._normalise_exercises(bad)
        self._normalise_rep_range(bad)
        self._check_progression_and_volume(bad)
        self._normalise_deloads(bad)
        self._check_overrides(bad)
        self._check_loads(bad)
        if days and "deadlift" in self.exercises:
            self._check_deadlift_days(days, bad)
        if problems:
            raise ConfigError(problems)

    def _set(self, name: str, value: Any) -> None:
        """Store a normalised value on the frozen instance."""
        object.__setattr__(self, name, value)

    # --- one field (or a few related ones) at a time ---------------------------
    def _check_weeks(self, bad) -> None:
        """The plan's length and the number of its first week."""
        if not _is_int(self.weeks) or not 1 <= self.weeks <= MAX_WEEKS:
            bad("weeks", f"got {self.weeks!r}; allowed: a whole number from 1 to {MAX_WEEKS}")
        if not _is_int(self.first_week) or not 1 <= self.first_week <= 10 * MAX_WEEKS:
            bad("first_week", f"got {self.first_week!r}; allowed: a whole number from 1 to "
                f"{10 * MAX_WEEKS} (the number of the plan's first week)")

    def _check_unit(self, bad) -> None:
        if self.unit not in UNITS:
            bad("unit", f"got {self.unit!r}; allowed: {', '.join(UNITS)}")

    def _normalise_start_date(self, bad) -> None:
        """The start date as a ``date`` (the coming Monday when None; parsed from ISO text;
        the day of a datetime), within the dates a plan can start on."""
        if self.start_date is None:
            self._set("start_date", next_monday())
        elif not isinstance(self.start_date, date):
            try:
                self._set("start_date", date.fromisoformat(str(self.start_date)))
            except ValueError:
                bad("start_date", f"got {self.start_date!r}; allowed: a date like 2026-01-05")
        if hasattr(self.start_date, "date") and callable(self.start_date.date):
            self._set("start_date", self.start_date.date())  # a datetime: keep the day
        if isinstance(self.start_date, date) and not MIN_START <= self.start_date <= max_start():
            bad("start_date", f"{self.start_date.isoformat()} is outside the dates a plan can "
                f"start on; allowed: from {MIN_START.isoformat()} to {max_start().isoformat()}")

    def _normalise_training_days(self, bad) -> list[str]:
        """The training days as "mon".."sun", once each in week order (stored and returned)."""
        days = []
        refused = False
        for d in split_days(self.training_days):
            try:
                days.append(parse_weekday(d))
            except ValueError as exc:
                bad("training_days", str(exc))
                refused = True
        if not days and not refused:
            bad("training_days", "no training day given; allowed: one or more of "
                f"{', '.join(WEEKDAYS)}")
        if len(set(days)) != len(days):
            bad("training_days", f"a day is given twice: {', '.join(days)}")
        days = sorted(set(days), key=WEEKDAYS.index)
        self._set("training_days", tuple(days))
        return days

    def _normalise_exercises(self, bad) -> None:
        """The exercises as a tuple of known ids in catalogue order."""
        exercises = tuple(self.exercises) if _is_seq(self.exercises) else (self.exercises,)
        unknown = [e for e in exercises if e not in EXERCISE_IDS]
        if unknown or not exercises:
            shown = ", ".join(str(e) for e in exercises) or "none"
            bad("exercises", f"got {shown}; allowed: one or more of {', '.join(EXERCISE_IDS)}")
        self._set("exercises", tuple(e for e in EXERCISE_IDS if e in exercises))

    def _normalise_rep_range(self, bad) -> None:
        """The rep range as a pair of ints, and the deadlift's start reps within it."""
        if not _is_seq(self.rep_range) or len(self.rep_range) != 2 or not all(
            _is_int(r) for r in self.rep_range
        ):
            shown = ("-".join(str(r) for r in self.rep_range) if _is_seq(self.rep_range)
                     else str(self.rep_range))
            bad("rep_range", f"got {shown}; allowed: two whole numbers, low-high, like 10-15")
            return
        lo, hi = self.rep_range
        if not _REPS.low <= lo <= hi <= _REPS.high:
            bad("rep_range", f"got {lo}-{hi}; allowed: {_REPS.low:g} <= low <= high <= "
                f"{_REPS.high:g}")
        self._set("rep_range", (int(lo), int(hi)))
        r = self.deadlift_start_reps
        if r is not None and (not _is_int(r) or not lo <= r <= hi):
            bad("deadlift_start_reps", f"got {r!r}; allowed: None (the bottom of the range) "
                f"or a whole number from {lo} to {hi}")

    def _check_progression_and_volume(self, bad) -> None:
        """The reps step, the deadlift's progression model and the volume multiplier."""
        if not _is_int(self.reps_step) or not 1 <= self.reps_step <= 5:
            bad("reps_step", f"got {self.reps_step!r}; allowed: a whole number from 1 to 5")
        if self.deadlift_progression not in PROGRESSIONS:
            bad("deadlift_progression",
                f"got {self.deadlift_progression!r}; allowed: {', '.join(PROGRESSIONS)}")
        if not _is_num(self.volume) or not _VOLUME.low <= self.volume <= _VOLUME.high:
            bad("volume", f"got {self.volume!r}; allowed: a multiplier from {_VOLUME.low:g} to "
                f"{_VOLUME.high:g}")

    def _normalise_deloads(self, bad) -> None:
        """The deload rhythm (0 stored as None: no deloads) and the deload fractions."""
        if self.deload_every is not None and (
            not _is_int(self.deload_every) or not (self.deload_every == 0
                                                   or self.deload_every in _DELOADS)):
            bad("deload_every",
                f"got {self.deload_every!r}; allowed: None (no deloads) or every "
                f"{min(_DELOADS)}nd to {max(_DELOADS)}th week")
        if self.deload_every == 0:
            self._set("deload_every", None)
        if not _is_num(self.deload_load) or not 0.5 <= self.deload_load < 1:
            bad("deload_load", f"got {self.deload_load!r}; allowed: a fraction from 0.5 to 0.99 "
                "of the working load")
        if not _is_num(self.deload_volume) or not 0.3 <= self.deload_volume < 1:
            bad("deload_volume", f"got {self.deload_volume!r}; allowed: a fraction from 0.3 "
                "to 0.99 of the working sets")

    # --- checks that need several fields ------------------------------------
    def _check_overrides(self, bad) -> None:
        if not isinstance(self.overrides, Mapping):
            bad("overrides", "allowed: a mapping of exercise id to {setting: value}")
            return
        clean: dict[str, dict[str, float]] = {}
        for ex, settings in self.overrides.items():
            if ex not in OVERRIDE_RANGES:
                bad("overrides", f"unknown exercise {ex!r}; allowed: {tuple(OVERRIDE_RANGES)}")
                continue
            if not isinstance(settings, Mapping):
                bad(f"overrides.{ex}", "allowed: a mapping of setting to value")
                continue
            clean[ex] = {}
            for key, value in settings.items():
                allowed = OVERRIDE_RANGES[ex]
                if key not in allowed:
                    bad(f"overrides.{ex}",
                        f"unknown setting {key!r}; allowed: {', '.join(allowed)}")
                    continue
                lo, hi = allowed[key]
                if not _is_num(value) or not lo <= value <= hi:
                    unit = " s" if key.endswith("_s") else ""
                    bad(f"overrides.{ex}.{key}",
                        f"got {value!r}; allowed: a number from {lo:g} to {hi:g}{unit}")
                    continue
                clean[ex][key] = value
        object.__setattr__(self, "overrides", MappingProxyType(
            {k: MappingProxyType(v) for k, v in clean.items()}))
        stretch = self.dose("rotational_stretch")
        if stretch["hold_min_s"] > stretch["hold_max_s"]:
            bad("overrides.rotational_stretch",
                f"hold_min_s {stretch['hold_min_s']:g} s is longer than hold_max_s "
                f"{stretch['hold_max_s']:g} s; allowed: hold_min_s <= hold_max_s")
        bridge = self.dose("glute_bridge")
        if bridge["sets"] > bridge["max_sets"]:
            bad("overrides.glute_bridge",
                f"sets {bridge['sets']:g} is more than max_sets {bridge['max_sets']:g}")

    def _check_loads(self, bad) -> None:
        # Every load problem is listed, even when the unit or the bar is wrong too.
        if not self._normalise_bar_and_plates(bad):
            return
        ps = self.plate_set
        most = from_kg(MAX_PLAUSIBLE_KG, self.unit)
        self._check_start_load_loadable(ps, bad)
        one_rm_ok = self._check_one_rm(ps, most, bad)
        start = self.deadlift_start_load
        if one_rm_ok and (start is None or (_is_num(start) and ps.bar <= start <= ps.max_load)):
            self._check_first_load_under_ceiling(ps, most, bad)
        self._check_recent_max(ps, bad)
        self._check_load_step(ps, bad)

    def _normalise_bar_and_plates(self, bad) -> bool:
        """Check the bar, the plates and that the given loads are positive; when all are
        usable (and the unit is known), store the bar and the plates (heaviest first, once
        each) and return True."""
        unit = self.unit if self.unit in UNITS else "kg"
        std_bar, std_plates = standard_plates(unit)
        bar = std_bar if self.bar is None else self.bar
        plates = std_plates if self.plates is None else self.plates
        ok = self.unit in UNITS
        if not _is_num(bar) or not _BAR.low < bar <= _BAR.high:
            bad("bar", f"got {bar}; allowed: a bar weight above {_BAR.low:g} and up to "
                f"{_BAR.high:g} {unit}")
            ok = False
        if not _check_plates(plates, std_plates, unit, bad):
            ok = False
        for name in ("deadlift_start_load", "one_rm", "load_step"):
            value = getattr(self, name)
            if value is not None and (not _is_num(value) or value <= 0):
                bad(name, f"got {value}; allowed: a positive load in {unit}")
                ok = False
        if not ok:
            return False
        self._set("bar", float(bar))
        self._set("plates", tuple(sorted({float(p) for p in plates}, reverse=True)))
        return True

    def _check_start_load_loadable(self, ps: PlateSet, bad) -> None:
        """The given first deadlift load: a number, from the bar up to the heaviest load
        listed, and one the bar and plates can make."""
        load = self.deadlift_start_load
        if load is None:
            return
        if not _is_num(load):
            bad("deadlift_start_load", f"got {load!r}; allowed: a load in {self.unit}")
        elif load < ps.bar:
            bad("deadlift_start_load", f"{load:g} {self.unit} is lighter than the "
                f"{ps.bar:g} {self.unit} bar; allowed: the bar or heavier")
        elif load > ps.max_load:
            bad("deadlift_start_load", f"{load:g} {self.unit} is above the heaviest load "
                f"this planner lists ({ps.max_load:g} {self.unit})")
        elif not ps.is_loadable(load):
            low, high = ps.nearest(load)
            bad("deadlift_start_load", f"{load:g} {self.unit} cannot be made with the bar and "
                f"plates; allowed: a loadable load such as {low:g}"
                + (f" or {high:g}" if high else ""))

    def _check_one_rm(self, ps: PlateSet, most: float, bad) -> bool:
        """The 1RM, when given, from the bar up to ``most``; True when it is usable."""
        one_rm_ok = self.one_rm is None or (_is_num(self.one_rm) and ps.bar <= self.one_rm
                                            <= most)
        if not one_rm_ok:
            bad("one_rm", f"got {self.one_rm!r}; allowed: a tested or estimated 1RM from the "
                f"{ps.bar:g} {self.unit} bar up to {most:.0f} {self.unit}")
        return one_rm_ok

    def _check_first_load_under_ceiling(self, ps: PlateSet, most: float, bad) -> None:
        """The first deadlift load at most the NSCA ceiling for its reps (of the 1RM, or of
        ``most`` without one); blamed on the start load when given, else on the 1RM."""
        start = self.deadlift_start_load
        reps = self.deadlift_start_reps or self.rep_range[0]
        limits = self.load_limits
        top = limits.ceiling(reps)
        first = self.start_load
        basis = (f"{percent_1rm(reps):.0%} of the 1RM of {self.one_rm:g} {self.unit}"
                 if self.one_rm is not None else
                 f"{percent_1rm(reps):.0%} of {most:.0f} {self.unit}, the most any "
                 "log may hold")
        if first > top + 1e-9:
            field_ = "deadlift_start_load" if start is not None else "one_rm"
            bad(field_, f"a first deadlift of {first:g} {self.unit} for sets of {reps} is "
                f"above the ceiling of {top:g} {self.unit} ({basis}, NSCA table)"
                + ("; even the empty bar is too heavy for that 1RM" if first <= ps.bar
                   else f"; allowed: at most {top:g} {self.unit}"))

    def _check_recent_max(self, ps: PlateSet, bad) -> None:
        recent = self.deadlift_recent_max
        if recent is not None and (not _is_num(recent) or not 0 <= recent <= ps.max_load):
            bad("deadlift_recent_max", f"got {recent!r}; allowed: the heaviest working load "
                f"of the 4 weeks before the plan, in {self.unit}, or None")

    def _check_load_step(self, ps: PlateSet, bad) -> None:
        if self.load_step is not None and (not _is_num(self.load_step) or self.load_step <= 0):
            bad("load_step", f"got {self.load_step!r}; allowed: a positive load in {self.unit}, "
                f"or None for the smallest step ({ps.smallest_step():g} {self.unit})")

    def _check_deadlift_days(self, days: list[str], bad) -> None:
        n = self.deadlift_sessions_per_week
        if not _is_int(n) or n not in _DEADLIFT_DAYS:
            counts = [str(d) for d in _DEADLIFT_DAYS]
            bad("deadlift_sessions_per_week", f"got {n!r}; allowed: {', '.join(counts[:-1])} "
                f"or {counts[-1]} (drop 'deadlift' from exercises for none)")
            return
        nums = [WEEKDAYS.index(d) for d in days]
        if self.deadlift_days is not None:
            try:
                chosen = sorted({WEEKDAYS.index(parse_weekday(d)) for d in self.deadlift_days})
            except ValueError as exc:
                bad("deadlift_days", str(exc))
                return
            outside = [WEEKDAYS[d] for d in chosen if d not in nums]
            if outside:
                bad("deadlift_days", f"{', '.join(outside)} is not a training day; allowed: "
                    f"some of {', '.join(days)}")
            elif len(chosen) > 1 and min(_circular_gaps(chosen)) < 2:
                bad("deadlift_days", f"deadlifts would fall on consecutive days "
                    f"({', '.join(WEEKDAYS[d] for d in chosen)}); allowed: days with at least "
                    "one rest day between them (Sunday and Monday count as consecutive)")
            object.__setattr__(self, "deadlift_days", tuple(WEEKDAYS[d] for d in chosen))
            return
        pick = spread_days(nums, n)
        if pick is None:
            most = max(k for k in range(1, len(nums) + 1) if spread_days(nums, k) or k == 1)
            on = ", ".join(days)
            if len(nums) < n:
                bad("deadlift_sessions_per_week", f"{n} deadlift sessions a week need at least "
                    f"{n} training days with a rest day between them, and the only training "
                    f"day{'s are' if len(nums) > 1 else ' is'} {on}; choose more training days "
                    f"(e.g. mon, wed, fri) or at most {most} deadlift session"
                    f"{'s' if most > 1 else ''} a week")
            else:
                bad("deadlift_sessions_per_week", f"{n} deadlift sessions a week on {on} would "
                    f"fall on consecutive days; choose training days with a rest day between "
                    f"them (e.g. mon, wed, fri) or at most {most} deadlift session"
                    f"{'s' if most > 1 else ''} a week")
            return
        object.__setattr__(self, "deadlift_days", tuple(WEEKDAYS[d] for d in pick))

    # --- derived values -------------------------------------------------------
    @property
    def plate_set(self) -> PlateSet:
        """The bar and plates as a :class:`PlateSet` in the configured unit."""
        return plate_set(float(self.bar), tuple(self.plates), self.unit)

    def dose(self, exercise: str) -> dict[str, Any]:
        """The catalogue defaults for ``exercise`` with this configuration's overrides."""
        out = dict(catalogue()[exercise].defaults)
        out.update(self.overrides.get(exercise, {}))
        return out

    @property
    def start_load(self) -> float:
        """The first deadlift load in ``unit``: given, derived from the 1RM, or the bare bar.

        From a 1RM the start is the ceiling for sets at the top of the rep range
        (the NSCA %1RM for that many repetitions, 65 % for 15), rounded down to a
        loadable load: the first sessions at the bottom of the range then leave
        several repetitions in reserve. This is the project's own choice.
        """
        ps = self.plate_set
        if self.deadlift_start_load is not None:
            return float(self.deadlift_start_load)
        if self.one_rm is not None:
            return max(ps.bar, self.load_limits.ceiling(self.rep_range[1]))
        return ps.bar

    @property
    def load_limits(self) -> LoadLimits:
        """The plates, the per-step cap and the ceiling every deadlift load obeys: the
        configured 1RM, or with none the most a log may hold (:mod:`planner.progression`)."""
        return LoadLimits(self.plate_set, self.one_rm, from_kg(MAX_PLAUSIBLE_KG, self.unit))

    def is_deload(self, week: int) -> bool:
        """True when programme week ``week`` (counted from 1 at the first block) is a deload."""
        return bool(self.deload_every) and week % self.deload_every == 0

    def replace(self, **changes: Any) -> PlanConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain values (for JSON or a form)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["start_date"] = self.start_date.isoformat()
        out["overrides"] = {k: dict(v) for k, v in self.overrides.items()}
        return out


@lru_cache(maxsize=64)
def plate_set(bar: float, plates: tuple[float, ...], unit: str) -> PlateSet:
    """A shared PlateSet per bar, plates and unit, so its load table is built once."""
    return PlateSet(bar, plates, unit)


def _check_plates(plates: Any, std_plates: tuple[float, ...], unit: str, bad) -> bool:
    """Report what is wrong with ``plates`` as a plate set in ``unit``; True when usable."""
    if not _is_seq(plates) or not plates:
        bad("plates", f"the plate set is empty; allowed: one or more plate weights in "
            f"{unit}, e.g. {', '.join(f'{p:g}' for p in std_plates)}")
        return False
    if not all(_is_num(p) and p > 0 for p in plates):
        bad("plates", f"got {', '.join(str(p) for p in plates)}; allowed: plate weights "
            f"above 0, in {unit}")
        return False
    ok = True
    for problem in plate_problems(tuple(plates), unit):
        bad("plates", f"{problem}; allowed: plates from {MIN_PLATE[unit]:g} {unit}, "
            f"at most {MAX_DENOMINATIONS} different weights")
        ok = False
    return ok


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _is_seq(x: Any) -> bool:
    return isinstance(x, list | tuple)
