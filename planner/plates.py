"""Loadable barbell loads: a bar plus pairs of plates, in the user's unit.

A load is loadable when ``load = bar + 2 * (sum of plates on one side)`` with
plates from the user's set (each denomination available in any number). All
arithmetic is done on whole multiples of the largest common step of the bar
and plates, so 0.1 + 0.2 problems never decide whether a load is loadable.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import gcd

# Heaviest load (per side, above the bar) considered when listing loads.
_MAX_SIDE = 400.0
#: The lightest plate of full diameter (450 mm) in each unit: below it, a pull from the
#: floor starts lower and asks for more lumbar flexion.
FULL_SIZE_PLATE = {"kg": 20.0, "lb": 45.0}
# Bounds that keep the load table small whoever builds a PlateSet: the lightest plate
# (the lightest fractional plates sold), the number of denominations, and the number of
# per-side amounts the table may hold (400 kg a side in steps of 0.1 kg).
MIN_PLATE = {"kg": 0.25, "lb": 0.5}
MAX_DENOMINATIONS = 15
MAX_TABLE = 4_000


def plate_problems(plates: tuple[float, ...], unit: str) -> list[str]:
    """What is wrong with ``plates`` as a plate set in ``unit`` (empty when usable).

    Checked before any table is built, so a bad set costs nothing.
    """
    if not plates:
        return ["the plate set is empty"]
    if not all(isinstance(p, int | float) and not isinstance(p, bool) and math.isfinite(p)
               for p in plates):
        return ["every plate must be a number"]
    smallest = MIN_PLATE.get(unit, MIN_PLATE["kg"])
    problems = []
    light = sorted({p for p in plates if p < smallest})
    if light:
        problems.append(f"{', '.join(f'{p:g}' for p in light)} {unit} is lighter than the "
                        f"lightest plate made ({smallest:g} {unit})")
    heavy = sorted({p for p in plates if p > 100})
    if heavy:
        problems.append(f"{', '.join(f'{p:g}' for p in heavy)} {unit} is heavier than any "
                        f"plate (at most 100 {unit})")
    if len(set(plates)) > MAX_DENOMINATIONS:
        problems.append(f"{len(set(plates))} different plates; at most {MAX_DENOMINATIONS}")
    if not problems:
        step = _quantum_of(plates)
        if _table_size(step, unit) > MAX_TABLE:
            problems.append(f"these plates combine in steps of {float(step):g} {unit}, finer "
                            "than any plates made; use weights like 25, 20, 10, 5, 2.5, 1.25, "
                            "0.5")
    return problems


def _quantum_of(plates: tuple[float, ...]) -> Fraction:
    fr = [_frac(p) for p in plates]
    den = 1
    for f in fr:
        den = den * f.denominator // gcd(den, f.denominator)
    num = 0
    for f in fr:
        num = gcd(num, int(f * den))
    return Fraction(num, den)


def _table_size(quantum: Fraction, unit: str) -> int:
    return int(Fraction(str(_MAX_SIDE)) / quantum * (1 if unit == "kg" else 2))


def _frac(x: float) -> Fraction:
    return Fraction(str(x)).limit_denominator(10_000)


@dataclass(frozen=True)
class PlateSet:
    """A bar and the plate denominations available for it.

    Parameters
    ----------
    bar : float
        Weight of the empty bar. [unit]
    plates : tuple of float
        Plate denominations; each can be used in any number of pairs. [unit]
    unit : str
        "kg" or "lb"; used for display only.
    """

    bar: float
    plates: tuple[float, ...]
    unit: str = "kg"

    def __post_init__(self) -> None:
        problems = plate_problems(tuple(self.plates), self.unit)
        if problems:
            shown = ", ".join(f"{p:g}" if isinstance(p, int | float) else str(p)
                              for p in self.plates)
            raise ValueError(f"plates {shown}: " + "; ".join(problems))

    @cached_property
    def _quantum(self) -> Fraction:
        return _quantum_of(self.plates)

    @cached_property
    def _table(self) -> list[tuple[int, ...] | None]:
        """Fewest-plate combination for every per-side amount, in quanta (None: impossible)."""
        q = self._quantum
        sizes = sorted((int(_frac(p) / q) for p in set(self.plates)), reverse=True)
        n = min(_table_size(q, self.unit), MAX_TABLE)
        best: list[tuple[int, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for amount in range(1, n + 1):
            cand = None
            for s in sizes:
                if s <= amount and best[amount - s] is not None:
                    combo = best[amount - s] + (s,)
                    if cand is None or len(combo) < len(cand):
                        cand = combo
            best[amount] = cand
        return best

    def _side_quanta(self, load: float) -> int | None:
        side = (_frac(load) - _frac(self.bar)) / 2 / self._quantum
        if side < 0 or side.denominator != 1:
            return None
        return int(side)

    def is_loadable(self, load: float) -> bool:
        """True when ``load`` can be put on the bar with these plates."""
        k = self._side_quanta(load)
        return k is not None and k < len(self._table) and self._table[k] is not None

    @cached_property
    def _loadable(self) -> list[float]:
        step = self._quantum * 2
        bar = _frac(self.bar)
        return [float(bar + k * step) for k, c in enumerate(self._table) if c is not None]

    def loads(self, upto: float) -> list[float]:
        """All loadable loads from the bare bar up to ``upto``, ascending."""
        return self._loadable[: bisect_right(self._loadable, upto + 1e-9)]

    @property
    def max_load(self) -> float:
        """The heaviest load this planner will list for the set."""
        return self._loadable[-1]

    def round_down(self, load: float) -> float:
        """The heaviest loadable load not above ``load`` (at least the bar)."""
        i = bisect_right(self._loadable, load + 1e-9)
        return self._loadable[i - 1] if i else self.bar

    def next_up(self, load: float) -> float:
        """The lightest loadable load strictly above ``load``."""
        i = bisect_right(self._loadable, load + 1e-9)
        if i >= len(self._loadable):
            raise ValueError(f"no loadable load above {load:g} {self.unit} with these plates")
        return self._loadable[i]

    def nearest(self, load: float) -> tuple[float, float | None]:
        """The loadable loads just below (or equal) and just above ``load``."""
        low = self.round_down(load)
        try:
            high = self.next_up(load)
        except ValueError:
            high = None
        return low, high

    def breakdown(self, load: float) -> tuple[float, ...]:
        """Plates for one side of the bar, heaviest first, with the fewest plates."""
        k = self._side_quanta(load)
        if k is None or k >= len(self._table) or self._table[k] is None:
            low, high = self.nearest(load)
            raise ValueError(
                f"{load:g} {self.unit} cannot be made with a {self.bar:g} {self.unit} bar and "
                f"plates {', '.join(f'{p:g}' for p in sorted(set(self.plates), reverse=True))}; "
                f"nearest loadable loads: {low:g}" + (f" and {high:g}" if high else "")
            )
        return tuple(sorted((float(s * self._quantum) for s in self._table[k]), reverse=True))

    def describe(self, load: float) -> str:
        """What goes on the bar, e.g. "20 kg bar + 10 + 1.25 kg each side".

        The plates listed are those of one side; the same go on the other.
        """
        side = self.breakdown(load)
        text = f"{self.bar:g} {self.unit} bar"
        if not side:
            return text + " only"
        return f"{text} + {' + '.join(f'{p:g}' for p in side)} {self.unit} each side"

    def full_size(self, load: float) -> bool:
        """True when ``load`` has a full-size plate on each side (20 kg or 45 lb and up,
        450 mm across), so the bar starts at the usual height off the floor."""
        big = FULL_SIZE_PLATE.get(self.unit, 20.0)
        return any(p >= big - 1e-9 for p in self.breakdown(load))

    def smallest_step(self, at: float | None = None) -> float:
        """The step from ``at`` (the bare bar by default) to the next loadable load.

        With plates of 25 and 20 kg the first step from a 20 kg bar is 40 kg,
        not the 10 kg between two heavier loads.
        """
        base = self.bar if at is None else self.round_down(at)
        try:
            return float(self.next_up(base) - base)
        except ValueError:
            return 0.0

    def increase(self, load: float, step: float | None = None, cap: float = 0.10) -> float:
        """The next load after ``load``: up by ``step``, never above the per-step cap.

        The cap allows at most ``cap`` (10 %) of the current load, or the smallest
        loadable step where that is larger (docs/science.md, progression rules). At the
        heaviest load the plates can make, the load stays where it is.
        """
        try:
            smallest = self.next_up(load)
        except ValueError:
            return load  # already at the heaviest load these plates make
        target = load + (step if step is not None else 0.0)
        limit = max(load * (1 + cap), smallest)
        new = self.round_down(min(target, limit))
        return new if new > load else smallest
