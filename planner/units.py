"""Units of mass: kg inside the planner, kg or lb at the edges.

The pound is defined exactly as 0.45359237 kg (International Yard and Pound
Agreement, 1959).
"""

from __future__ import annotations

from typing import Literal

KG_PER_LB = 0.45359237
UNITS = ("kg", "lb")
#: How people write the units (folded to lower case): the one table of them.
UNIT_ALIASES = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"}
Unit = Literal["kg", "lb"]


def check_unit(unit: str) -> Unit:
    """Return ``unit`` normalised ("kg" or "lb"), or raise ValueError naming the allowed ones."""
    key = str(unit).strip().lower()
    if key not in UNIT_ALIASES:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    return UNIT_ALIASES[key]  # type: ignore[return-value]


def to_kg(value, unit: Unit):
    """Convert a mass (number, array or Series) from ``unit`` to kg."""
    return value if unit == "kg" else value * KG_PER_LB


def from_kg(value, unit: Unit):
    """Convert a mass (number, array or Series) from kg to ``unit``."""
    return value if unit == "kg" else value / KG_PER_LB
