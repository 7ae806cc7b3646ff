"""The exercise catalogue: the three exercises, their kind of dose and defaults.

The catalogue is data (``data/exercises.toml`` in the source tree, shipped
inside the wheel as ``planner/data``) and is read with importlib.resources, so
an installed package finds it as well as a source checkout.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

EXERCISE_IDS = ("glute_bridge", "rotational_stretch", "deadlift")
DOSE_KINDS = ("bodyweight_reps", "timed_hold", "loaded_reps")


@dataclass(frozen=True)
class Exercise:
    """One catalogue entry."""

    id: str
    name: str
    dose: str
    equipment: tuple[str, ...]
    target_muscles: tuple[str, ...]
    instructions: tuple[str, ...]
    why: str
    defaults: dict[str, Any]


def data_path(name: str) -> Path:
    """Path of a file from the project's data folder, installed or in a checkout."""
    packaged = resources.files("planner") / "data" / name
    if packaged.is_file():
        return Path(str(packaged))
    # A source checkout or an editable install: data/ sits beside planner/.
    source = Path(__file__).resolve().parent.parent / "data" / name
    if source.is_file():
        return source
    raise FileNotFoundError(f"planner data file {name!r} is missing from the installation")


@cache
def _load(name: str) -> dict[str, Any]:
    with data_path(name).open("rb") as fh:
        return tomllib.load(fh)


_FIELDS = {"name", "dose", "equipment", "target_muscles", "instructions", "why"}


@cache
def catalogue() -> dict[str, Exercise]:
    """All exercises of the catalogue, by id, in the catalogue's order."""
    raw = _load("exercises.toml")
    out = {}
    for ex_id, entry in raw.items():
        out[ex_id] = Exercise(
            id=ex_id,
            name=entry["name"],
            dose=entry["dose"],
            equipment=tuple(entry["equipment"]),
            target_muscles=tuple(entry["target_muscles"]),
            instructions=tuple(entry["instructions"]),
            why=entry["why"],
            defaults={k: v for k, v in entry.items() if k not in _FIELDS},
        )
    return out


def exercise(ex_id: str) -> Exercise:
    """One exercise by id; KeyError lists the known ids."""
    cat = catalogue()
    if ex_id not in cat:
        raise KeyError(f"unknown exercise {ex_id!r}; the catalogue has {tuple(cat)}")
    return cat[ex_id]


def standard_plates(unit: str) -> tuple[float, tuple[float, ...]]:
    """The default bar and plate denominations for ``unit`` ("kg" or "lb")."""
    entry = _load("plates.toml")[unit]
    return float(entry["bar"]), tuple(float(p) for p in entry["plates"])
