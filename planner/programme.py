"""Programme generation: a PlanConfig in, a Plan (one row per prescribed set) out.

The week is the 7 days from the start date. The stretch is on every day, the
bridge on every training day and the deadlift on the deadlift days (never two
days in a row). Within a session the order is bridge (to wake the glutes up),
deadlift, then the stretch to finish.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from planner.config import WEEKDAYS, PlanConfig
from planner.progression import (
    DoubleProgression,
    HoldProgression,
    LinearLoad,
    Prescription,
    SetsRepsProgression,
    deload,
)
from planner.units import KG_PER_LB

# Column name -> pandas dtype. Users' files depend on these names: keep them stable.
PLAN_COLUMNS: dict[str, str] = {
    "key": "str",
    "week": "int64",
    "day": "int64",
    "date": "datetime64[s]",
    "weekday": "str",
    "session_id": "str",
    "exercise": "str",
    "set": "int64",
    "side": "str",
    "target_reps": "Int64",
    "target_hold_s": "Float64",
    "load_kg": "Float64",
    "plates": "str",
    "rest_s": "int64",
    "phase": "str",
}
SIDES = ("both", "left", "right")
PHASES = ("build", "deload")
SESSION_ORDER = ("glute_bridge", "deadlift", "rotational_stretch")


@dataclass(frozen=True)
class Plan:
    """A programme: ``table`` has one row per prescribed set (see PLAN_COLUMNS).

    ``unit`` is the unit the user reads and writes loads in; the table itself
    always holds kg. ``config`` is the configuration it came from, when known.
    ``settings_source`` says where a plan read from files took its settings
    ("settings file" or "table"), and ``settings_notes`` what was inferred.
    """

    table: pd.DataFrame
    unit: str = "kg"
    config: PlanConfig | None = None
    settings_source: str | None = None
    settings_notes: tuple[str, ...] = ()

    def to_csv(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the plan as CSV in the plan's unit (see :func:`planner.export.write_plan_csv`)."""
        from planner.export import write_plan_csv

        return write_plan_csv(self, path, overwrite=overwrite)

    def to_ics(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write one calendar event per session (see :func:`planner.export.write_plan_ics`)."""
        from planner.export import write_plan_ics

        return write_plan_ics(self, path, overwrite=overwrite)

    def weekly_summary(self) -> pd.DataFrame:
        """Sessions, sets, repetitions, volume load and hold time per week and exercise."""
        from planner.metrics import weekly_summary

        return weekly_summary(self.table)

    @property
    def weeks(self) -> int:
        return int(self.table["week"].max()) if len(self.table) else 0

    def week(self, n: int) -> pd.DataFrame:
        """The rows of programme week ``n``."""
        return self.table[self.table["week"] == n]


def _models(config: PlanConfig):
    ps = config.plate_set
    lo, hi = config.rep_range
    if config.deadlift_progression == "linear":
        dl_model = LinearLoad(ps, config.load_step)
    else:
        dl_model = DoubleProgression(lo, hi, ps, config.reps_step, config.load_step)
    bridge = config.dose("glute_bridge")
    stretch = config.dose("rotational_stretch")
    return (
        dl_model,
        SetsRepsProgression(int(bridge["reps"]), int(bridge["reps"]), int(bridge["max_sets"])),
        HoldProgression(stretch["hold_min_s"], stretch["hold_max_s"], stretch["hold_step_s"]),
    )


@lru_cache(maxsize=32)
def _describer(ps):
    """A cached plate breakdown per plate set, shared between calls of generate()."""
    return cache(ps.describe)


def _scale(n: int | float, volume: float) -> int:
    return max(1, round(n * volume))


def generate(config: PlanConfig | None = None) -> Plan:
    """Generate the programme for ``config`` (the defaults when None).

    Deterministic: the same configuration gives the same table. Progression
    assumes each session is done as written; :func:`planner.next_block` uses
    what a log says was actually done instead.
    """
    config = config or PlanConfig()
    ps = config.plate_set
    unit_kg = 1.0 if config.unit == "kg" else KG_PER_LB
    dl_model, bridge_model, stretch_model = _models(config)
    dl_dose, br_dose, st_dose = (config.dose(e) for e in
                                 ("deadlift", "glute_bridge", "rotational_stretch"))
    lo = config.rep_range[0]
    dl = Prescription(sets=int(dl_dose["sets"]), reps=config.deadlift_start_reps or lo,
                      load=config.start_load)
    bridge = bridge_model.first(int(br_dose["sets"]))
    stretch = stretch_model.first(int(st_dose["reps"]))
    training = set(config.training_days)
    dl_days = set(config.deadlift_days or ())
    vol = config.volume
    blocks: list[tuple] = []  # one per exercise per session, expanded to set rows at the end
    last_load: float | None = None  # the last deadlift load written, for the 10 % cap
    last_build: float | None = None  # the last load written in a build week
    describe = _describer(ps)

    def emit(week, day, when, sid, ex, p: Prescription, phase, rest, sides):
        load_kg = p.load * unit_kg if p.load is not None else None
        plates = describe(p.load) if p.load is not None else None
        blocks.append((week, day, when, sid, ex, p.sets, sides, p.reps, p.hold_s, load_kg,
                       plates, rest, phase))

    do_bridge = "glute_bridge" in config.exercises
    do_deadlift = "deadlift" in config.exercises
    do_stretch = "rotational_stretch" in config.exercises
    br_rest, dl_rest, st_rest = (int(d["rest_s"]) for d in (br_dose, dl_dose, st_dose))
    for week in range(config.first_week, config.first_week + config.weeks):
        is_deload = config.is_deload(week)
        phase = "deload" if is_deload else "build"
        # The bridge and the stretch keep one dose through the week.
        week_bridge = Prescription(sets=_scale(bridge.sets, vol), reps=_scale(bridge.reps, vol))
        if is_deload:
            week_bridge = deload(week_bridge, None, 1.0, config.deload_volume)
        week_stretch = Prescription(sets=_scale(stretch.sets, vol), hold_s=stretch.hold_s)
        monday = config.start_date + timedelta(days=(week - config.first_week) * 7)
        for day in range(1, 8):
            when = monday + timedelta(days=day - 1)
            name = WEEKDAYS[when.weekday()]
            sid = f"W{week:02d}D{day}"
            if do_bridge and name in training:
                emit(week, day, when, sid, "glute_bridge", week_bridge, phase, br_rest, ("both",))
            if do_deadlift and name in dl_days:
                if is_deload:
                    # Lighten the load last lifted, not the next step not yet tried.
                    load = dl.load if last_build is None else min(dl.load, last_build)
                    p = Prescription(sets=_scale(dl.sets, vol), reps=dl.reps, load=load)
                    p = deload(p, ps, config.deload_load, config.deload_volume, rep_floor=lo)
                    ramping = False
                else:
                    # Coming back from a deload, climb back within the per-step cap.
                    load = dl.load
                    if last_load is not None and load > last_load:
                        load = min(load, ps.increase(last_load, load - last_load))
                    ramping = load < dl.load
                    p = Prescription(sets=_scale(dl.sets, vol), reps=dl.reps, load=load)
                emit(week, day, when, sid, "deadlift", p, phase, dl_rest, ("both",))
                last_load = p.load
                if not is_deload:
                    last_build = p.load
                if not is_deload and not ramping:
                    dl = dl_model.next(dl)
            if do_stretch:
                emit(week, day, when, sid, "rotational_stretch", week_stretch, phase, st_rest,
                     ("left", "right"))
        if not is_deload:
            stretch = stretch_model.next(stretch)
            if week % int(br_dose["progress_every_weeks"]) == 0:
                bridge = bridge_model.next(bridge)
    return Plan(_table(blocks), unit=config.unit, config=config)


def _table(blocks: list[tuple]) -> pd.DataFrame:
    """Expand blocks (one exercise in one session) into one row per set and side."""
    if not blocks:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PLAN_COLUMNS.items()})
    cols = list(zip(*blocks, strict=True))
    week, day, when, sid, ex, nsets, sides, reps, hold, load, plates, rest, phase = cols
    nsides = np.array([len(s) for s in sides], dtype=np.int64)
    per_block = np.array(nsets, dtype=np.int64) * nsides
    idx = np.repeat(np.arange(len(blocks)), per_block)
    # Within a block: set 1 left, set 1 right, set 2 left, ... (or set 1, 2, 3 for "both").
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(per_block) - per_block, per_block)
    row_sides = nsides[idx]
    set_no = offset // row_sides + 1
    side = np.where(row_sides == 1, "both", np.where(offset % 2 == 0, "left", "right"))
    side = side.astype(object)

    def obj(values):
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr[idx]

    sid_rows, ex_rows = obj(sid), obj(ex)
    key = sid_rows + "-" + ex_rows + "-" + set_no.astype(str).astype(object) + "-" + side
    first = when[0]
    days = np.array([(d - first).days for d in when], dtype="timedelta64[D]")
    dates = (np.datetime64(first, "D") + days).astype("datetime64[s]")[idx]
    weekday = np.array([WEEKDAYS[d.weekday()].capitalize() for d in when], dtype=object)[idx]

    def num(values, dtype):
        arr = np.array([np.nan if v is None else v for v in values], dtype=float)[idx]
        return pd.array(arr, dtype=dtype) if dtype != "Int64" else pd.arrays.IntegerArray(
            np.nan_to_num(arr).astype(np.int64), np.isnan(arr))

    data = {
        "key": pd.array(key, dtype="str"),
        "week": np.asarray(week, dtype=np.int64)[idx],
        "day": np.asarray(day, dtype=np.int64)[idx],
        "date": dates,
        "weekday": pd.array(weekday, dtype="str"),
        "session_id": pd.array(sid_rows, dtype="str"),
        "exercise": pd.array(ex_rows, dtype="str"),
        "set": set_no,
        "side": pd.array(side, dtype="str"),
        "target_reps": num(reps, "Int64"),
        "target_hold_s": num(hold, "Float64"),
        "load_kg": num(load, "Float64"),
        "plates": pd.array(obj(plates), dtype="str"),
        "rest_s": np.asarray(rest, dtype=np.int64)[idx],
        "phase": pd.array(obj(phase), dtype="str"),
    }
    return pd.DataFrame(data, copy=False)


def empty_table() -> pd.DataFrame:
    """A plan table with no rows and the plan's columns and dtypes."""
    return _table([])
