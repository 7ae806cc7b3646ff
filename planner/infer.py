"""The settings of a plan, inferred from its table when its settings file is missing.

A plan CSV read without its settings file (or edited by hand, so that the
settings file no longer describes it) still has to continue with the user's
choices: their rep range, plates, progression, volume, exercises and deload
rhythm. :func:`infer_config` reads what the table states outright (days,
dates, exercises, the bar and the plates in the plates column, the first
load), then settles the rest by regenerating: for each remaining setting it
keeps the value whose generated plan matches the table best, preferring the
default where the table cannot tell (a 4-week plan never shows the top of a
10-15 rep range).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from planner.catalogue import catalogue, standard_plates
from planner.config import MAX_WEEKS, WEEKDAYS, ConfigError, PlanConfig
from planner.programme import generate
from planner.units import from_kg

SEARCH_WEEKS = 12  # weeks of the table compared while searching
MAX_TRIES = 60  # generated plans compared at most: the cost never depends on the values
_BAR = re.compile(r"(\d+(?:\.\d+)?)\s*(?:kg|lb)\s+bar", re.IGNORECASE)
_COUNT = re.compile(r"\b\d+\s*[x×]\s*(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def plates_from_text(texts: pd.Series) -> tuple[float | None, tuple[float, ...]]:
    """The bar and the plate denominations named in a plan's plates column
    (e.g. "20 kg bar + 2x10 + 2x1.25" -> 20, (10, 1.25))."""
    bar: float | None = None
    plates: set[float] = set()
    for text in texts.dropna().astype(str).unique()[:5000]:
        m = _BAR.search(text)
        if not m:
            continue
        bar = bar if bar is not None else float(m.group(1))
        rest = _COUNT.sub("", text[m.end():])
        plates.update(float(x) for x in _NUMBER.findall(rest) if 0 < float(x) <= 100)
    return bar, tuple(sorted(plates, reverse=True))


def _days(t: pd.DataFrame, exercise: str) -> tuple[str, ...]:
    wd = t.loc[t["exercise"] == exercise, "date"].dt.day_of_week.unique()
    return tuple(WEEKDAYS[int(d)] for d in sorted(wd))


def _in_unit(kg: float, unit: str) -> float:
    return round(from_kg(kg, unit), 4)


def _rows(table: pd.DataFrame, unit: str) -> set[tuple]:
    """The table's sets as comparable tuples (key, date, reps, hold, load in unit, plates,
    phase), missing values as None."""
    load = from_kg(table["load_kg"].astype("Float64"), unit).round(2)

    def col(s: pd.Series) -> list:
        return s.to_numpy(dtype=object, na_value=None).tolist()

    dates = table["date"].to_numpy().astype("datetime64[s]").astype("int64").tolist()
    return set(zip(col(table["key"]), dates, col(table["target_reps"]),
                   col(table["target_hold_s"].astype("Float64").round(3)), col(load),
                   col(table["plates"]), col(table["phase"]), strict=True))


def _score(observed: set[tuple], observed_keys: set, generated: set[tuple]) -> tuple[int, int]:
    """Rows of the table that the generated plan reproduces, less the rows it adds; and the
    rows reproduced."""
    extra = sum(1 for row in generated if row[0] not in observed_keys)
    same = len(observed & generated)
    return same - extra, same


def infer_config(table: pd.DataFrame, unit: str = "kg") -> tuple[PlanConfig, list[str]]:
    """The configuration a plan table most likely came from, and notes on how.

    Parameters
    ----------
    table : a plan table (see ``planner.PLAN_COLUMNS``), loads in kg
    unit : the unit the plan is read and written in, "kg" or "lb"

    Returns
    -------
    config, notes : the inferred PlanConfig and one line per inferred setting.
    Raises ConfigError when no valid configuration fits the table.
    """
    t = table.sort_values(["week", "date"], kind="stable")
    if t.empty:
        raise ConfigError([("table", "the plan has no rows to infer settings from")])
    notes: list[str] = []
    exercises = tuple(e for e in catalogue() if e in set(t["exercise"]))
    first_week, weeks = _span(t, notes)
    kw = _calendar_settings(t, unit, exercises, first_week, weeks)
    dl = t[t["exercise"] == "deadlift"]
    kw["bar"], seen, plate_options = _bar_and_plates(dl, unit)
    kw["plates"] = plate_options[0]
    build_dl = dl[dl["phase"] == "build"] if (dl["phase"] == "build").any() else dl
    if len(dl):
        kw.update(_deadlift_start(dl, build_dl, unit))
    kw["overrides"] = _dose_overrides(t, exercises)
    kw["deload_every"] = _deload_rhythm(t)

    config = _valid(kw, notes)
    window = first_week + min(weeks, SEARCH_WEEKS)
    observed = _rows(t[t["week"] < window], unit)
    config, same = _best_fit(config, t, unit, plate_options, observed, min(weeks, SEARCH_WEEKS))
    notes += _describe(config, len(observed), same, unit)
    notes += _assumption_notes(config, dl, build_dl, seen, unit)
    return config, notes


def _span(t: pd.DataFrame, notes: list[str]) -> tuple[int, int]:
    """The table's first week and its length in weeks (at most ``MAX_WEEKS``, noted)."""
    first_week = int(t["week"].min())
    weeks = int(t["week"].max()) - first_week + 1
    if weeks > MAX_WEEKS:
        notes.append(f"the table spans {weeks} weeks; only {MAX_WEEKS} are kept as its length")
        weeks = MAX_WEEKS
    return first_week, weeks


def _calendar_settings(t: pd.DataFrame, unit: str, exercises: tuple[str, ...],
                       first_week: int, weeks: int) -> dict[str, Any]:
    """The settings the table states outright: unit, exercises, weeks, the start date (day 1
    of the first week), the training days and the deadlift days."""
    first_rows = t[t["week"] == first_week]
    start = (first_rows["date"] - pd.to_timedelta(first_rows["day"] - 1, unit="D")).min()
    bridge_days, dl_days = _days(t, "glute_bridge"), _days(t, "deadlift")
    training = bridge_days or dl_days or PlanConfig.training_days
    kw: dict[str, Any] = {"unit": unit, "exercises": exercises or ("rotational_stretch",),
                          "first_week": min(first_week, 10 * MAX_WEEKS), "weeks": weeks,
                          "start_date": start.date(), "training_days": training}
    if dl_days:
        kw["deadlift_days"] = dl_days
        kw["deadlift_sessions_per_week"] = len(dl_days)
    return kw


def _bar_and_plates(dl: pd.DataFrame, unit: str
                    ) -> tuple[float, tuple[float, ...], list[tuple[float, ...]]]:
    """The bar, the plates the deadlift rows name, and the plate sets worth trying (the
    first one assumed)."""
    std_bar, std_plates = standard_plates(unit)
    bar, seen = plates_from_text(dl["plates"]) if len(dl) else (None, ())
    # Plates the table never needed may still be on the rack: prefer the standard set when
    # the table fits it, the plates seen (and no others) when it does not.
    if not seen:
        plate_options = [std_plates]
    elif set(seen) <= set(std_plates):
        plate_options = [std_plates, seen]
    else:
        plate_options = [seen, tuple(sorted(set(seen) | set(std_plates), reverse=True))]
    return (bar if bar is not None else std_bar), seen, plate_options


def _deadlift_start(dl: pd.DataFrame, build_dl: pd.DataFrame, unit: str) -> dict[str, Any]:
    """The first deadlift session's load and reps, and the rep range the build weeks show
    (the default top when they never pass it)."""
    first = build_dl.iloc[0] if len(build_dl) else dl.iloc[0]
    start_load = _in_unit(float(first["load_kg"]), unit)
    reps = build_dl["target_reps"].dropna().astype(int)
    lo, hi = int(reps.min()), int(reps.max())
    return {"deadlift_start_load": start_load,
            "rep_range": (min(lo, 30), min(30, hi if hi > PlanConfig.rep_range[1] else
                                           max(hi, PlanConfig.rep_range[1]))),
            "deadlift_start_reps": int(first["target_reps"])}


def _dose_overrides(t: pd.DataFrame, exercises: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Per-exercise settings that differ from the catalogue: rests, and the stretch's first
    and longest hold."""
    cat = catalogue()
    overrides: dict[str, dict[str, float]] = {}
    for ex in exercises:
        rest = t.loc[t["exercise"] == ex, "rest_s"]
        default = cat[ex].defaults.get("rest_s")
        if len(rest) and int(rest.iloc[0]) != default:
            overrides.setdefault(ex, {})["rest_s"] = int(rest.iloc[0])
    st = t[(t["exercise"] == "rotational_stretch") & (t["phase"] == "build")]
    if len(st):
        holds = st.groupby("week")["target_hold_s"].min().astype(float)
        dose = cat["rotational_stretch"].defaults
        if holds.iloc[0] != dose["hold_min_s"]:
            overrides.setdefault("rotational_stretch", {})["hold_min_s"] = holds.iloc[0]
        top = holds.max()
        if top > dose["hold_max_s"] or (top < dose["hold_max_s"] and (holds == top).sum() > 1):
            overrides.setdefault("rotational_stretch", {})["hold_max_s"] = top
    return overrides


def _best_fit(config: PlanConfig, t: pd.DataFrame, unit: str,
              plate_options: list[tuple[float, ...]], observed: set[tuple],
              weeks: int) -> tuple[PlanConfig, int]:
    """Settle the settings the table does not state by regenerating ``weeks`` weeks: each
    value tried is kept when its plan matches ``observed`` better (two passes, at most
    ``MAX_TRIES`` plans). The best configuration and the rows it reproduces."""
    observed_keys = {row[0] for row in observed}

    def score(c: PlanConfig) -> tuple[int, int]:
        generated = generate(c.replace(weeks=weeks)).table
        return _score(observed, observed_keys, _rows(generated, unit))

    best = score(config)
    rows = (len(observed), len(observed))
    tries = 0
    searches = _searches(config, t, unit, plate_options)
    for _ in range(2):
        improved = False
        for _name, options in searches:
            if best >= rows:
                break  # the table is reproduced exactly
            for option in options(config):
                if best >= rows or tries >= MAX_TRIES:
                    break
                tries += 1
                try:
                    cand = option()
                except (ConfigError, ValueError, TypeError):
                    continue
                s = score(cand)
                if s > best:
                    best, config, improved = s, cand, True
        if not improved:
            break
    return config, best[1]


def _assumption_notes(config: PlanConfig, dl: pd.DataFrame, build_dl: pd.DataFrame,
                      seen: tuple[float, ...], unit: str) -> list[str]:
    """Notes on what the table could not show: the top of the rep range, unused plates."""
    notes = []
    if len(build_dl) and config.rep_range[1] > int(build_dl["target_reps"].max()):
        notes.append(f"the table never reaches the top of the rep range: "
                     f"{config.rep_range[1]} assumed")
    unseen = [p for p in config.plates if p not in seen]
    if len(dl) and unseen:
        notes.append(f"plates the table never uses are assumed to be on the rack: "
                     f"{', '.join(f'{p:g}' for p in unseen)} {unit}")
    return notes


def _valid(kw: dict[str, Any], notes: list[str]) -> PlanConfig:
    """A PlanConfig from ``kw``, dropping the settings it refuses (noted) until it is valid."""
    for _ in range(len(kw) + 1):
        try:
            return PlanConfig(**kw)
        except ConfigError as exc:
            fields = {name.split(".")[0] for name, _ in exc.problems}
            dropped = [f for f in fields if f in kw and f not in ("unit", "weeks")]
            if not dropped:
                raise
            for f in dropped:
                notes.append(f"{f} from the table is not valid ({dict(exc.problems).get(f, '')}); "
                             "the default is used")
                kw.pop(f)
                if f == "training_days":
                    kw.pop("deadlift_days", None)
    return PlanConfig(**kw)


def _deload_rhythm(t: pd.DataFrame) -> int | None:
    """The deload rhythm that marks exactly the table's deload weeks (4 when several do;
    None when the table has no deload week and is long enough to have shown one)."""
    weeks = sorted(set(t["week"].astype(int)))
    deloads = set(t.loc[t["phase"] == "deload", "week"].astype(int))
    fits = [d for d in range(2, 13) if {w for w in weeks if w % d == 0} == deloads]
    if not deloads and len(weeks) >= 12:
        return None
    if 4 in fits or not fits:
        return 4 if (4 in fits or deloads) else None
    return fits[0]


def _searches(config: PlanConfig, t: pd.DataFrame, unit: str,
              plate_options: list[tuple[float, ...]]
              ) -> list[tuple[str, Callable[[PlanConfig], list[Callable[[], PlanConfig]]]]]:
    """For each setting the table does not state outright, the values worth trying."""
    dl = t[(t["exercise"] == "deadlift") & (t["phase"] == "build")]
    loads = sorted({_in_unit(float(x), unit) for x in dl["load_kg"].dropna()})
    steps = sorted({round(b - a, 4) for a, b in zip(loads, loads[1:], strict=False)
                    if b > a})[:6]
    # Volumes that give the deadlift sets of the table's first build session (3 a session
    # at volume 1), the round ones first.
    grid = [round(0.25 + 0.05 * i, 2) for i in range(56)]
    first_sets = (int(dl.groupby("session_id", sort=False).size().iloc[0]) if len(dl)
                  else None)
    volumes = [v for v in grid if first_sets is None or max(1, round(3 * v)) == first_sets]
    volumes = sorted(volumes or grid, key=lambda v: (len(f"{v:g}"), abs(v - 1)))[:10]
    fractions = [round(0.3 + 0.05 * i, 2) for i in range(14)]

    def over(c: PlanConfig, ex: str, **values: float) -> PlanConfig:
        o = {k: dict(v) for k, v in c.overrides.items()}
        o.setdefault(ex, {}).update(values)
        return c.replace(overrides=o)

    def opts(values, make):
        return lambda c: [lambda v=v, c=c: make(c, v) for v in values]

    hi_obs = int(dl["target_reps"].max()) if len(dl) else 15
    br = t[(t["exercise"] == "glute_bridge") & (t["phase"] == "build")]
    br_reps = int(br["target_reps"].iloc[0]) if len(br) else 15
    br_sets = int(br.groupby("session_id").size().max()) if len(br) else 3
    bridge_reps = sorted({15, br_reps, *(max(1, min(50, round(br_reps / v)))
                                         for v in (0.5, 0.75, 1.5, 2, 3))})
    bridge_sets = sorted({(s, m) for s in range(1, 7)
                          for m in (s, s + 1, 3, br_sets, max(s, br_sets)) if s <= m <= 10})
    searches = [
        ("plates", opts(plate_options, lambda c, v: c.replace(plates=v))),
        ("volume", opts(volumes, lambda c, v: c.replace(volume=v))),
        ("deadlift_progression", opts(("double", "linear"),
                                      lambda c, v: c.replace(deadlift_progression=v))),
        ("rep_range", opts(range(hi_obs, 31), lambda c, v: c.replace(
            rep_range=(c.rep_range[0], v)))),
        ("reps_step", opts(range(1, 6), lambda c, v: c.replace(reps_step=v))),
        ("load_step", opts([None, *steps], lambda c, v: c.replace(load_step=v))),
        ("deload_load", opts([round(0.5 + 0.05 * i, 2) for i in range(10)],
                             lambda c, v: c.replace(deload_load=v))),
        ("deload_volume", opts(fractions, lambda c, v: c.replace(deload_volume=v))),
    ]
    if "deadlift" in config.exercises:
        searches.append(("deadlift sets", opts(range(1, 7), lambda c, v: over(
            c, "deadlift", sets=v))))
    if "glute_bridge" in config.exercises:
        searches += [
            ("bridge sets", opts(bridge_sets,
                                 lambda c, v: over(c, "glute_bridge", sets=v[0], max_sets=v[1]))),
            ("bridge reps", opts(bridge_reps, lambda c, v: over(c, "glute_bridge", reps=v))),
            ("bridge progress", opts(range(1, 13), lambda c, v: over(
                c, "glute_bridge", progress_every_weeks=v))),
        ]
    if "rotational_stretch" in config.exercises:
        searches += [
            ("stretch holds", opts(range(1, 7), lambda c, v: over(c, "rotational_stretch",
                                                                    reps=v))),
            ("stretch step", opts([0, 0.5, 1, 2, 3, 5], lambda c, v: over(
                c, "rotational_stretch", hold_step_s=v))),
        ]
    return searches


def _describe(c: PlanConfig, rows: int, same: int, unit: str) -> list[str]:
    default = PlanConfig(unit=unit, start_date=c.start_date)
    out = [f"inferred from the table: weeks {c.first_week}-{c.first_week + c.weeks - 1} from "
           f"{c.start_date}, training days {', '.join(c.training_days)}, exercises "
           f"{', '.join(c.exercises)}"]
    if "deadlift" in c.exercises:
        out.append(f"deadlift: {c.deadlift_progression} progression, reps "
                   f"{c.rep_range[0]}-{c.rep_range[1]}, from {c.start_load:g} {unit} on "
                   f"{', '.join(c.deadlift_days or ())}; bar {c.bar:g} {unit}, plates "
                   f"{', '.join(f'{p:g}' for p in c.plates)}"
                   + ("" if c.plates != default.plates else " (the standard set)"))
    out.append(f"volume {c.volume:g}, deloads "
               + (f"every {c.deload_every} weeks" if c.deload_every else "none"))
    if same < rows:
        out.append(f"the table differs from any generated plan ({rows - same} of {rows} sets "
                   "not reproduced): it was edited by hand, and the closest settings are used")
    return out
