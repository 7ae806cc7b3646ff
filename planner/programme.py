"""Programme generation: a PlanConfig in, a Plan (one row per prescribed set) out.

The week is the 7 days from the start date. The stretch is on every day, the
bridge on every training day and the deadlift on the deadlift days (never two
days in a row). Within a session the order is bridge (to wake the glutes up),
deadlift, then the stretch to finish.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from planner.config import MAX_SETS, WEEKDAYS, PlanConfig
from planner.plan import PLAN_COLUMNS, Plan
from planner.progression import (
    CAP_WINDOW_DAYS,
    STEP_CAP,
    DoubleProgression,
    Hold,
    HoldProgression,
    LinearLoad,
    Prescription,
    SetsRepsProgression,
    deload,
    percent_1rm,
    return_after_deload,
)
from planner.units import to_kg

SESSION_ORDER = ("glute_bridge", "deadlift", "rotational_stretch")
# The smallest step of the standard plate sets (a pair of 1.25 kg or 2.5 lb plates): a
# coarser step than this above the 10 % cap is the user's plates' doing, and is noted.
STANDARD_STEP = {"kg": 2.5, "lb": 5.0}


def _models(config: PlanConfig):
    limits = config.load_limits
    lo, hi = config.rep_range
    if config.deadlift_hold:
        dl_model = Hold()
    elif config.deadlift_progression == "linear":
        dl_model = LinearLoad(limits, config.load_step)
    else:
        dl_model = DoubleProgression(lo, hi, limits, config.reps_step, config.load_step)
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

    @cache
    def describe(load: float) -> str:
        text = ps.describe(load)
        return text if ps.full_size(load) else text + ", bar on blocks"
    return describe


def scaled_sets(n: int | float, volume: float) -> int:
    """Sets of the bridge or the deadlift at a volume multiplier: 1 to ``MAX_SETS``."""
    return min(MAX_SETS, max(1, round(n * volume)))


def generate(config: PlanConfig | None = None) -> Plan:
    """Generate the programme for ``config`` (the defaults when None).

    Deterministic: the same configuration gives the same table. Progression
    assumes each session is done as written; :func:`planner.next_block` uses
    what a log says was actually done instead. The deadlift obeys the rules of
    :mod:`planner.progression`: the per-step cap over the last 4 weeks, the
    ceiling, deloads from the last build load and the return after them to at
    most that load. Volume changes the number of sets of the bridge and the
    deadlift (1 to ``MAX_SETS``); the bridge stays sets of 15 and the stretch 3
    holds a side.
    """
    config = config or PlanConfig()
    run = _Generation(config)
    for week in range(config.first_week, config.first_week + config.weeks):
        run.week(week)
    return Plan(_table(run.blocks), unit=config.unit, config=config, notes=run.events.notes())


class _Generation:
    """One run of :func:`generate`: where each exercise's progression has got to, the
    deadlift sessions planned so far (for the cap) and the blocks emitted (one per exercise
    per session, expanded to set rows at the end)."""

    def __init__(self, config: PlanConfig):
        self.config = config
        self.ps = config.plate_set
        self.limits = config.load_limits
        self.dl_model, self.bridge_model, self.stretch_model = _models(config)
        dl_dose, self.br_dose, st_dose = (config.dose(e) for e in
                                          ("deadlift", "glute_bridge", "rotational_stretch"))
        self.lo = config.rep_range[0]
        self.vol = config.volume
        dl_sets = scaled_sets(int(dl_dose["sets"]), self.vol)
        self.dl = self.dl_model.first(dl_sets, config.deadlift_start_reps or self.lo,
                                      config.start_load)
        self.bridge = self.bridge_model.first(int(self.br_dose["sets"]))
        self.stretch = self.stretch_model.first(int(st_dose["reps"]))
        self.training = set(config.training_days)
        self.dl_days = set(config.deadlift_days or ())
        self.blocks: list[tuple] = []
        # Deadlift sessions as planned, for the cap; seeded with what was done before the block.
        self.history: list[tuple[date, float]] = []
        if config.deadlift_recent_max is not None:
            self.history.append((config.start_date - timedelta(days=1),
                                 config.deadlift_recent_max))
        self.last_build: Prescription | None = None  # the last build-week session as planned
        self.after_deload = False
        self.events = _Events(config)
        self.describe = _describer(self.ps)
        self.do_bridge = "glute_bridge" in config.exercises
        self.do_deadlift = "deadlift" in config.exercises
        self.do_stretch = "rotational_stretch" in config.exercises
        self.br_rest, self.dl_rest, self.st_rest = (int(d["rest_s"])
                                                    for d in (self.br_dose, dl_dose, st_dose))

    def week(self, week: int) -> None:
        """Programme week ``week``: its 7 days' sessions, then the bridge and the stretch
        move on after a build week."""
        is_deload = self.config.is_deload(week)
        phase = "deload" if is_deload else "build"
        week_bridge, week_stretch = self._week_doses(is_deload)
        for day, when in self._week_days(week):
            self._session((week, day, when, f"W{week:02d}D{day}"), is_deload, phase,
                          week_bridge, week_stretch)
        if not is_deload:
            self._advance_bridge_and_stretch(week)

    def _week_days(self, week: int) -> list[tuple[int, date]]:
        """The week's days: (1 .. 7, date), 7 days from the start date per week."""
        monday = self.config.start_date + timedelta(days=(week - self.config.first_week) * 7)
        return [(day, monday + timedelta(days=day - 1)) for day in range(1, 8)]

    def _week_doses(self, is_deload: bool) -> tuple[Prescription, Prescription]:
        """The bridge's and the stretch's dose, which stay the same through the week."""
        week_bridge = Prescription(sets=scaled_sets(self.bridge.sets, self.vol),
                                   reps=self.bridge.reps)
        if is_deload:
            week_bridge = deload(week_bridge, None, 1.0, self.config.deload_volume)
        return week_bridge, Prescription(sets=self.stretch.sets, hold_s=self.stretch.hold_s)

    def _session(self, slot: tuple, is_deload: bool, phase: str, week_bridge: Prescription,
                 week_stretch: Prescription) -> None:
        """One day's prescriptions, in session order: bridge (training days), deadlift
        (deadlift days), stretch (every day). ``slot`` is (week, day, date, session id)."""
        week, _, when, _ = slot
        name = WEEKDAYS[when.weekday()]
        if self.do_bridge and name in self.training:
            self._emit(slot, "glute_bridge", week_bridge, phase, self.br_rest, ("both",))
        if self.do_deadlift and name in self.dl_days:
            p = self._deload_deadlift() if is_deload else self._build_deadlift(week, when)
            if not self.ps.full_size(p.load):
                self.events.on_blocks(week, p.load)
            self._emit(slot, "deadlift", p, phase, self.dl_rest, ("both",))
            self.history.append((when, p.load))
        if self.do_stretch:
            self._emit(slot, "rotational_stretch", week_stretch, phase, self.st_rest,
                       ("left", "right"))

    def _emit(self, slot: tuple, ex: str, p: Prescription, phase: str, rest: int,
              sides: tuple[str, ...]) -> None:
        load_kg = float(to_kg(p.load, self.config.unit)) if p.load is not None else None
        plates = self.describe(p.load) if p.load is not None else None
        self.blocks.append((*slot, ex, p.sets, sides, p.reps, p.hold_s, load_kg, plates, rest,
                            phase))

    def _deload_deadlift(self) -> Prescription:
        """A deload session: lighten the load last lifted, not the next step not yet tried."""
        base = self.dl if self.last_build is None else self.last_build
        p = deload(replace(base, load=min(self.dl.load, base.load)), self.ps,
                   self.config.deload_load, self.config.deload_volume, rep_floor=self.lo)
        self.after_deload = True
        return p

    def _build_deadlift(self, week: int, when: date) -> Prescription:
        """A build session: back to at most the last build load after a deload, capped
        against the last 4 weeks; the model then progresses to the next session."""
        if self.after_deload:
            self.dl = return_after_deload(self.dl, self.last_build)
            self.after_deload = False
        self._cap_deadlift(week, self._heaviest_recent(when))
        p = self.last_build = self.dl
        nxt = self.dl_model.next(p)
        self.events.progressed(week, p, nxt, self.limits, self.dl_model)
        self.dl = nxt
        return p

    def _heaviest_recent(self, when: date) -> float | None:
        """The heaviest deadlift planned in the cap window before ``when`` (None: none)."""
        recent = [load for d, load in self.history if (when - d).days < CAP_WINDOW_DAYS]
        return max(recent) if recent else None

    def _cap_deadlift(self, week: int, heaviest: float | None) -> None:
        """Hold the next deadlift to what the cap allows (noted), and note a step the
        plates force above the cap."""
        dl = self.dl
        allowed = self.limits.allow(dl.load, dl.reps or self.lo, heaviest)
        if allowed < dl.load:
            self.events.capped(week, dl.load, allowed)
            dl = self.dl = replace(dl, load=allowed)
        if heaviest is not None and dl.load > heaviest + max(
                heaviest * STEP_CAP, STANDARD_STEP[self.config.unit]) + 1e-9:
            self.events.forced_step(week, heaviest, dl.load)

    def _advance_bridge_and_stretch(self, week: int) -> None:
        """After a build week: the stretch's hold grows; the bridge every few weeks."""
        self.stretch = self.stretch_model.next(self.stretch)
        if week % int(self.br_dose["progress_every_weeks"]) == 0:
            self.bridge = self.bridge_model.next(self.bridge)


def _weeks_text(weeks: list[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> "weeks 1-3, 5, 7-8"; [4] -> "week 4"."""
    runs: list[list[int]] = []
    for w in weeks:
        if runs and w == runs[-1][-1] + 1:
            runs[-1].append(w)
        else:
            runs.append([w])
    parts = [f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("week " if len(weeks) == 1 else "weeks ") + ", ".join(parts)


class _Events:
    """What happened to the deadlift while generating, as notes for the user (each once)."""

    def __init__(self, config: PlanConfig):
        self.config = config
        self.u = config.unit
        self.first: dict[str, str] = {}
        self.blocks: list[int] = []
        self.forced: list[str] = []

    def _once(self, key: str, text: str) -> None:
        self.first.setdefault(key, text)

    def capped(self, week: int, wanted: float, allowed: float) -> None:
        self._once("capped", f"Week {week}: the deadlift goes to {allowed:g} {self.u}, not "
                   f"{wanted:g} {self.u}: no new load is more than 10 % (or the smallest "
                   "plate step) above the heaviest of the last 4 weeks, or above the ceiling.")

    def forced_step(self, week: int, before: float, after: float) -> None:
        self.forced.append(f"week {week}, {before:g} to {after:g} {self.u} "
                           f"(+{after / before - 1:.0%})")

    def progressed(self, week: int, now: Prescription, nxt: Prescription, limits,
                   model) -> None:
        c = self.config
        if c.load_step is not None and nxt.load is not None and now.load < nxt.load < \
                now.load + c.load_step - 1e-9:
            self._once("step", f"Your load step of {c.load_step:g} {self.u} is more than the "
                       f"10 % cap allows from {now.load:g} {self.u}; steps are smaller "
                       f"({now.load:g} -> {nxt.load:g} {self.u}).")
        if nxt == now and not isinstance(model, Hold) and now.reps is not None:
            reps = now.reps + 1 if now.reps < c.rep_range[1] else c.rep_range[0]
            ref = (f"the 1RM of {round(c.one_rm, 1):g} {self.u}" if c.one_rm is not None
                   else "the most any log may hold")
            self._once("ceiling", f"Week {week}: the deadlift reaches its ceiling at "
                       f"{now.load:g} {self.u} x {now.reps}: more would exceed the NSCA "
                       f"%1RM for sets of {reps} ({percent_1rm(reps):.0%} of {ref}). "
                       + ("Retest your 1RM (or log a recent heavy set of 10 or fewer reps) to go "
                          "on." if c.one_rm is not None else "Give a tested 1RM (or log a recent "
                          "heavy set of 10 or fewer reps) to go on."))

    def on_blocks(self, week: int, load: float) -> None:
        self.blocks.append(week)

    def notes(self) -> tuple[str, ...]:
        out = []
        if self.config.deadlift_hold:
            out.append(f"The deadlift is held this block: {self.config.deadlift_hold}")
        out.extend(self.first.values())
        if self.forced:
            out.append("Your plates force steps of more than the 10 % the plan aims for: "
                       + "; ".join(self.forced) + ". Smaller plates would make smaller steps.")
        c = self.config
        if ("deadlift" in c.exercises and c.deload_every and not c.deadlift_hold
                and (c.deload_every - 1) * len(c.deadlift_days or ()) < 2):
            out.append("With one deadlift session between deloads the load cannot go up: "
                       "each session after a deload returns to the last working load. "
                       "Deload less often or add a deadlift day to progress.")
        if self.blocks:
            span = _weeks_text(sorted(set(self.blocks)))
            big = "20 kg" if self.u == "kg" else "45 lb"
            out.append(f"Deadlifts in {span} use no full-size ({big}) plates: raise the bar on "
                       "blocks or use bumper-size plates so that it starts at mid-shin, as "
                       "with full-size plates; pulling a low bar means more bending of the "
                       "lower back.")
        return tuple(out)


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
