"""Training-science metrics as pure functions over numbers, arrays and Series.

Every function states its convention and source; where sources disagree the
project's choice is the default and the others are parameters (docs/science.md).
Daily-load functions take ``daily_loads``: a pandas Series indexed by date;
days missing from the index are rest days with load 0.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

E1RM_FORMULAS = ("epley", "brzycki", "lander", "lombardi", "mayhew", "oconner", "wathan", "nsca")
E1RM_RELIABLE_MAX_REPS = 12
#: Repetitions above this count as this many in an e1RM of a logged set: Brzycki's formula
#: ends at 37 and Lander's at about 37.9 (such sets are flagged unreliable anyway).
E1RM_REPS_CAP = 36
ACWR_METHODS = ("rolling", "ewma")
FITNESS_MODELS = ("exp", "linear")
#: NSCA %1RM by repetitions completed (the NSCA training load chart; Baechle & Earle
#: 2008): the project's one table of it (docs/science.md), used by the e1RM, the
#: ceiling and the start loads.
NSCA_PERCENT = {1: 100, 2: 95, 3: 93, 4: 90, 5: 87, 6: 85, 7: 83, 8: 80, 9: 77, 10: 75,
                11: 70, 12: 67, 15: 65}
_LANDER_MAX = 101.3 / 2.67123


def _nsca_percent(reps: np.ndarray) -> np.ndarray:
    table_r = np.array(sorted(NSCA_PERCENT), dtype=float)
    table_p = np.array([NSCA_PERCENT[int(r)] for r in table_r], dtype=float)
    return np.interp(reps, table_r, table_p)


def e1rm(load, reps, formula: str = "epley"):
    """Estimated one-repetition maximum.

    Parameters
    ----------
    load : numeric, array or Series
        Load lifted. [kg or lb; the result is in the same unit]
    reps : numeric, array or Series
        Repetitions completed (at least 1).
    formula : str
        One of E1RM_FORMULAS; "epley" by default.

    Returns
    -------
    The estimate, of the same kind as the inputs.

    Notes
    -----
    One repetition returns the load itself for every formula. Brzycki is
    undefined from 37 repetitions and Lander from about 37.92: both raise
    ValueError there rather than return a negative or infinite load. "nsca"
    divides by the NSCA %1RM table, interpolating linearly for 13 and 14
    repetitions; beyond 15 it uses the table's last entry (65 %), which
    underestimates (flagged like every estimate above 12 repetitions). Estimates from more than 12
    repetitions are unreliable (see :func:`e1rm_reliable`).

    References
    ----------
    Epley 1985; Brzycki 1993; Lander 1985; Lombardi 1989; Mayhew et al. 1992;
    O'Conner et al. 1989; Wathan 1994; NSCA %1RM table.
    """
    if formula not in E1RM_FORMULAS:
        raise ValueError(f"formula must be one of {E1RM_FORMULAS}, got {formula!r}")
    scalar = np.ndim(load) == 0 and np.ndim(reps) == 0
    if isinstance(load, pd.Series) and isinstance(reps, pd.Series):
        load, reps = load.align(reps, join="inner")  # by index, never by position
    index = reps.index if isinstance(reps, pd.Series) else (
        load.index if isinstance(load, pd.Series) else None)
    w = np.asarray(load, dtype=float)
    r = np.asarray(reps, dtype=float)
    if np.any(r < 1):
        raise ValueError("reps must be at least 1 (a set with no repetition has no estimate)")
    if np.any(w < 0):
        raise ValueError("load must not be negative (an external load is 0 or more)")
    limit = {"brzycki": 37, "lander": _LANDER_MAX}.get(formula)
    if limit is not None:
        bad = r >= limit
        if np.any(bad):
            raise ValueError(f"the {formula} formula is undefined for {int(np.sum(bad))} value(s) "
                             f"with at least {limit:g} repetitions")
    with np.errstate(over="ignore"):
        if formula == "epley":
            out = w * (1 + r / 30)
        elif formula == "brzycki":
            out = w * 36 / (37 - r)
        elif formula == "lander":
            out = 100 * w / (101.3 - 2.67123 * r)
        elif formula == "lombardi":
            out = w * r ** 0.10
        elif formula == "mayhew":
            out = 100 * w / (52.2 + 41.9 * np.exp(-0.055 * r))
        elif formula == "oconner":
            out = w * (1 + r / 40)
        elif formula == "wathan":
            out = 100 * w / (48.8 + 53.8 * np.exp(-0.075 * r))
        else:
            out = w / (_nsca_percent(r) / 100)
    out = np.where(r == 1, w, out)
    if scalar:
        return float(out)
    return pd.Series(out, index=index) if index is not None else out


def e1rm_reliable(reps):
    """False where an e1RM comes from more than 12 repetitions (Reynolds et al. 2006;
    Whisenant et al. 2003): flag such estimates, do not hide them."""
    r = np.asarray(reps)
    out = r <= E1RM_RELIABLE_MAX_REPS
    return bool(out) if np.ndim(reps) == 0 else out


class BestE1RM(NamedTuple):
    """The best e1RM of a period and the set it came from."""

    e1rm_kg: float
    date: pd.Timestamp
    load_kg: float
    reps: int
    row: Any
    """The set's label in the table given."""


def last_days(until, days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``days`` calendar days that end on ``until`` (its day included), as the
    (first day, last day) that :func:`best_e1rm` takes: ``last_days(d, 56)`` is "the 8
    weeks to d"."""
    end = pd.Timestamp(until).normalize()
    return end - pd.Timedelta(days=days - 1), end


def best_e1rm(sets: pd.DataFrame, since=None, until=None, *, formula: str = "epley"
              ) -> BestE1RM | None:
    """The best estimated one-repetition maximum of ``sets`` done from ``since`` to ``until``.

    Parameters
    ----------
    sets : DataFrame
        The sets that count, one row each, with columns date, load_kg [kg] and reps: the
        caller chooses them (the analysis: the deadlift's working sets; the next block's
        ceiling: its heavy sets).
    since, until : date-like or None
        First and last day of the period, both included (time of day ignored); None
        leaves that end open.
    formula : str
        One of E1RM_FORMULAS, Epley by default.

    Returns
    -------
    BestE1RM (the estimate [kg], the set's day, load [kg], reps and row label), or None
    when no set of the period has a load and a repetition.

    Notes
    -----
    One function for every "best e1RM" the planner shows, so that the same sets over the
    same period always give the same number wherever it is shown. Repetitions above
    ``E1RM_REPS_CAP`` count as that many. On a tie, the first such set in table order.
    """
    day = pd.to_datetime(sets["date"]).dt.normalize()
    keep = sets["load_kg"].notna().to_numpy(bool) & (
        sets["reps"].astype("Float64").fillna(0) >= 1).to_numpy(bool)
    if since is not None:
        keep &= (day >= pd.Timestamp(since).normalize()).to_numpy(bool)
    if until is not None:
        keep &= (day <= pd.Timestamp(until).normalize()).to_numpy(bool)
    if not keep.any():
        return None
    s = sets[keep]
    reps = s["reps"].astype(float).to_numpy()
    est = np.asarray(e1rm(s["load_kg"].astype(float).to_numpy(),
                          np.minimum(reps, E1RM_REPS_CAP), formula), dtype=float)
    i = int(np.argmax(est))
    return BestE1RM(float(est[i]), pd.Timestamp(day[keep].iloc[i]),
                    float(s["load_kg"].iloc[i]), int(reps[i]), s.index[i])


def volume_load(sets, reps, load):
    """Volume load (tonnage) = sets x reps x external load. [kg]

    References: Haff 2010; Hornsby et al. 2018.
    """
    return sets * reps * load


def volume_load_table(table: pd.DataFrame, body_mass_kg: float | None = None,
                      fraction: float | None = None) -> float:
    """Volume load of a plan or log table (one row per set: reps x load_kg). [kg]

    Body-weight rows count only when both ``body_mass_kg`` and ``fraction`` are
    given: no published body-mass fraction exists for the glute bridge, so none
    is assumed.
    """
    reps_col = "target_reps" if "target_reps" in table else "reps"
    reps = table[reps_col].astype("Float64")
    load = table["load_kg"].astype("Float64")
    if body_mass_kg is not None and fraction is not None:
        load = load.fillna(body_mass_kg * fraction).where(reps.notna())
    return float((reps * load).sum())


def time_under_tension(sets, reps, hold_s, sides: int = 2):
    """Isometric time under tension = sets x reps x hold seconds x sides. [s]"""
    return sets * reps * hold_s * sides


def session_load(session_rpe, minutes):
    """Session load = session RPE (CR-10, asked about 30 min after) x minutes. [AU]

    References: Foster 1998; Foster et al. 2001.
    """
    rpe = np.asarray(session_rpe, dtype=float)
    mins = np.asarray(minutes, dtype=float)
    if np.any((rpe < 0) | (rpe > 10)):
        raise ValueError("session RPE must be on the CR-10 scale, from 0 to 10")
    if np.any(mins < 0):
        raise ValueError("session minutes must not be negative")
    out = rpe * mins
    return float(out) if np.ndim(session_rpe) == 0 and np.ndim(minutes) == 0 else out


def as_daily(daily_loads: pd.Series) -> pd.Series:
    """Sort by day, add up loads on the same day, and fill missing days with 0. A Series
    indexed by (group, day), e.g. (athlete, date), is done per group: each group's days run
    from its first to its last."""
    s = pd.Series(daily_loads, dtype=float)
    if s.empty:
        return s
    if isinstance(s.index, pd.MultiIndex):
        day = pd.DatetimeIndex(pd.to_datetime(s.index.get_level_values(1))).normalize()
        s = pd.Series(s.to_numpy(), index=[s.index.get_level_values(0), day])
        s = s.groupby(level=[0, 1]).sum().sort_index()
        key = s.index.get_level_values(0)
        first = s.index.get_level_values(1).to_series().groupby(key.to_numpy()).agg(
            ["min", "max"])
        length = ((first["max"] - first["min"]).dt.days + 1).to_numpy()
        offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        days = np.repeat(first["min"].to_numpy(), length) + offset.astype("timedelta64[D]")
        full = pd.MultiIndex.from_arrays([np.repeat(first.index.to_numpy(), length), days],
                                         names=s.index.names)
        return s.reindex(full, fill_value=0.0)
    idx = pd.DatetimeIndex(pd.to_datetime(s.index)).normalize()
    s = pd.Series(s.to_numpy(), index=idx).groupby(level=0).sum().sort_index()
    days = pd.date_range(s.index.min(), s.index.max(), freq="D")
    return s.reindex(days, fill_value=0.0)


def monotony(daily_loads: pd.Series) -> pd.Series:
    """Training monotony per day: mean / standard deviation of the last 7 daily loads.

    Notes
    -----
    Rest days count as 0; the standard deviation is the population one
    (ddof=0, unlike pandas' default); a week with no variation (SD = 0) has an
    undefined monotony (NaN, not infinity). The first 6 days are NaN.

    References: Foster 1998.
    """
    s = as_daily(daily_loads)
    roll = s.rolling(7, min_periods=7)
    sd = roll.std(ddof=0)
    return roll.mean() / sd.where(sd > 1e-12)


def week_monotony(week_loads) -> float:
    """Monotony of one week: mean / population SD (ddof=0) of its 7 daily loads.

    NaN when the week has fewer than 7 days or a missing day (a missing value is
    missing, not 0), or no variation (SD 0). Rest days must be given as 0.
    References: Foster 1998.
    """
    x = np.asarray(week_loads, dtype=float)
    if len(x) != 7 or np.isnan(x).any():
        return float("nan")
    sd = x.std(ddof=0)
    return float(x.mean() / sd) if sd > 1e-12 else float("nan")


def week_strain(week_loads) -> float:
    """Strain of one week: its total load x its monotony (:func:`week_monotony`). [AU]"""
    m = week_monotony(week_loads)
    return float(np.sum(np.asarray(week_loads, dtype=float)) * m) if np.isfinite(m) else m


def strain(daily_loads: pd.Series) -> pd.Series:
    """Training strain per day: the sum of the last 7 daily loads x monotony. [AU]

    References: Foster 1998.
    """
    s = as_daily(daily_loads)
    return s.rolling(7, min_periods=7).sum() * monotony(s)


def acwr(daily_loads: pd.Series, method: str = "rolling", coupled: bool = True,
         acute: int = 7, chronic: int = 28, seed: str | float = "first") -> pd.DataFrame:
    """Acute:chronic workload ratio per day: columns acute, chronic, acwr.

    Notes
    -----
    "rolling": acute = mean of the last ``acute`` days; chronic = mean of the
    last ``chronic`` days (coupled, includes the acute window) or of the
    ``chronic - acute`` days before the acute window (uncoupled; Windt & Gabbett
    2019). NaN until ``chronic`` days of history. "ewma" (Williams et al. 2017):
    EWMA_t = lambda * load_t + (1 - lambda) * EWMA_(t-1), lambda = 2 / (N + 1),
    seeded with the first day's load (``seed="first"``, as the CRAN ACWR package
    does) or with a number; ``coupled`` does not apply. A zero chronic load gives NaN.
    Rest days are 0. Zones (Gabbett 2016): see :func:`acwr_zone`; the ratio's
    value for predicting injury is disputed (Impellizzeri et al. 2020).
    """
    if method not in ACWR_METHODS:
        raise ValueError(f"method must be one of {ACWR_METHODS}, got {method!r}")
    s = as_daily(daily_loads)
    if s.empty:
        return pd.DataFrame({"acute": s, "chronic": s, "acwr": s})
    if isinstance(s.index, pd.MultiIndex):  # per group (athlete), each on its own days
        if method == "ewma":
            return pd.concat({k: acwr(v.droplevel(0), method, coupled, acute, chronic, seed)
                              for k, v in s.groupby(level=0)}, names=s.index.names)
        g = s.groupby(level=0, sort=False)

        def mean(x: pd.Series, n: int) -> pd.Series:
            return x.groupby(level=0, sort=False).rolling(n, min_periods=n).mean().droplevel(0)

        a = mean(s, acute)
        c = mean(s, chronic) if coupled else mean(g.shift(acute), chronic - acute)
        ratio = a / c.where(c > 0)
        return pd.DataFrame({"acute": a, "chronic": c, "acwr": ratio})
    if method == "rolling":
        a = s.rolling(acute, min_periods=acute).mean()
        if coupled:
            c = s.rolling(chronic, min_periods=chronic).mean()
        else:
            c = s.shift(acute).rolling(chronic - acute, min_periods=chronic - acute).mean()
    else:
        start = float(s.iloc[0]) if seed == "first" and len(s) else float(seed or 0)
        a = _ewma(s.to_numpy(), 2 / (acute + 1), start, s.index)
        c = _ewma(s.to_numpy(), 2 / (chronic + 1), start, s.index)
    ratio = a / c.where(c > 0)
    return pd.DataFrame({"acute": a, "chronic": c, "acwr": ratio})


def _ewma(x: np.ndarray, lam: float, start: float, index) -> pd.Series:
    """X_t = lam * x_t + (1 - lam) * X_(t-1), with X_(-1) = start.

    pandas' ewm(adjust=False) runs the same recurrence from its first value, so the
    start value goes first and is dropped afterwards.
    """
    seeded = pd.Series(np.concatenate([[start], np.asarray(x, dtype=float)]))
    out = seeded.ewm(alpha=lam, adjust=False).mean().to_numpy()[1:]
    return pd.Series(out, index=index)


ACWR_ZONES = {"low": (0.0, 0.8), "sweet spot": (0.8, 1.3), "caution": (1.3, 1.5),
              "danger": (1.5, math.inf)}


def acwr_zone(ratio: float) -> str:
    """Gabbett's (2016) zone of a ratio: low, sweet spot (0.8-1.3), caution, danger (>= 1.5).

    Context only: ACWR's value for predicting injury is disputed (Impellizzeri
    et al. 2020); never block a plan on it.
    """
    if ratio is None or not np.isfinite(ratio):
        return "unknown"
    for name, (lo, hi) in ACWR_ZONES.items():
        if lo <= ratio < hi:
            return name
    return "unknown"


def acwr_zones(ratios: pd.Series) -> pd.Series:
    """:func:`acwr_zone` for a whole Series at once."""
    r = ratios.astype(float)
    names = list(ACWR_ZONES)
    conds = [(r >= lo) & (r < hi) for lo, hi in ACWR_ZONES.values()]
    return pd.Series(np.select(conds, names, "unknown"), index=ratios.index, dtype="str")


def fitness_fatigue(daily_loads: pd.Series, model: str = "exp", ctl_days: float = 42,
                    atl_days: float = 7, start: float = 0.0) -> pd.DataFrame:
    """Fitness (CTL), fatigue (ATL) and form (TSB) per day.

    Notes
    -----
    "exp" (GoldenCheetah, default): X_t = load_t (1 - e^(-1/tau)) + X_(t-1) e^(-1/tau);
    "linear" (TrainingPeaks wording): X_t = X_(t-1) + (load_t - X_(t-1)) / tau;
    tau = 42 days for CTL and 7 for ATL, X before the first day = ``start``.
    TSB_t = CTL_(t-1) - ATL_(t-1): form is shifted one day, as GoldenCheetah
    and WKO do. References: Banister 1975; Coggan's performance manager.
    """
    if model not in FITNESS_MODELS:
        raise ValueError(f"model must be one of {FITNESS_MODELS}, got {model!r}")
    s = as_daily(daily_loads)

    def lam(tau: float) -> float:
        return 1 - math.exp(-1 / tau) if model == "exp" else 1 / tau

    ctl = _ewma(s.to_numpy(), lam(ctl_days), start, s.index)
    atl = _ewma(s.to_numpy(), lam(atl_days), start, s.index)
    tsb = (ctl - atl).shift(1).fillna(start - start)
    return pd.DataFrame({"ctl": ctl, "atl": atl, "tsb": tsb})


def weekly_summary(plan_table: pd.DataFrame) -> pd.DataFrame:
    """Per week and exercise of a plan: sessions, sets (rows), repetitions, volume load,
    top load and hold time. Exercises without an external load have no volume load (NA),
    not a fake 0."""
    t = plan_table
    vl = (t["target_reps"].astype("Float64") * t["load_kg"]).where(t["load_kg"].notna())
    g = t.assign(vl=vl).groupby(["week", "exercise"], sort=True)
    out = g.agg(sessions=("session_id", "nunique"), sets=("set", "size"),
                reps=("target_reps", "sum"), volume_load_kg=("vl", "sum"),
                top_load_kg=("load_kg", "max"), time_under_tension_s=("target_hold_s", "sum"),
                phase=("phase", lambda s: "deload" if (s == "deload").any() else "build"))
    has_load = g["load_kg"].count() > 0
    has_hold = g["target_hold_s"].count() > 0
    has_reps = g["target_reps"].count() > 0
    out["volume_load_kg"] = out["volume_load_kg"].astype("Float64").where(has_load)
    out["time_under_tension_s"] = out["time_under_tension_s"].astype("Float64").where(has_hold)
    out["reps"] = out["reps"].astype("Int64").where(has_reps)
    return out.reset_index()
