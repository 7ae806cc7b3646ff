"""Many athletes at a glance: one row per athlete, and tables over the cohort.

``cohort(store)`` reads the store (see :mod:`planner.store`) and runs the
single-athlete rules of :mod:`planner.analysis` over every athlete:

- compliance to date against the athlete's plan (``compliance_sets`` run once
  over all athletes, each key prefixed with the athlete, and the band rule of
  ``compliance_sessions`` per exercise-session): per exercise (share of the due
  exercise-sessions done) and per session (share of due sessions done in full),
  never per set row, so that the daily stretch holds cannot hide skipped deadlifts;
- the deadlift's best e1RM per session (``deadlift_progress``, once over all
  athletes) and its least-squares trend [kg/week] (as ``e1rm_trend``);
- the latest coupled rolling ACWR on the analysis' load basis, by the rules of
  ``daily_load``, ``load_basis`` and :func:`planner.metrics.acwr` computed for all
  athletes at once (tests hold it equal to them): NaN until 28 days of data;
- the pain status of the current programme week (``pain_status``), or "no pain
  data"; and whether a next block is due (the plan ends within 7 days, has
  ended, or there is no plan).

Engines: the embedded engine reads the store with DuckDB, a chunk of athletes at
a time; ``scheduler="tcp://host:8786"`` (or ``tls://`` with a
``distributed.Security``) ships the same chunk function to Dask workers, each
chunk a set of athlete partitions of the Delta table. Both give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.analysis import (
    PAIN,
    WORK_SETS,
    compliance_sets,
    deadlift_progress,
    pain_status,
    programme_weeks,
)

EXERCISES = ("deadlift", "glute_bridge", "rotational_stretch")
#: A next block is due when the plan ends within this many days (or has ended).
DUE_WITHIN_DAYS = 7
#: The ACWR needs this many days of data (the chronic window).
ACWR_MIN_DAYS = 28
COMPLIANCE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
SET_COLUMNS = ["athlete", "performed_at", "date", "session_id", "exercise", "set", "set_type",
               "reps", "hold_s", "side", "load_kg", "pain_during", "pain_after",
               "pain_next_morning", "session_rpe", "session_min", "note", "key", "source_line"]
PLAN_COLUMNS = ["athlete", "key", "week", "date", "session_id", "exercise", "set", "side",
                "target_reps", "target_hold_s", "load_kg"]
#: The per-athlete table's columns and types: the same whichever engine and chunking.
COHORT_COLUMNS: dict[str, str] = {
    "athlete": "str", "sets": "int64", "first_day": "datetime64[us]",
    "last_session": "datetime64[us]", "days_since": "Int64", "plan_start": "datetime64[us]",
    "plan_end": "datetime64[us]", "compliance_deadlift": "float64",
    "compliance_glute_bridge": "float64", "compliance_rotational_stretch": "float64",
    "sessions_due": "Int64", "sessions_done": "Int64", "compliance_sessions": "float64",
    "compliance_sessions_4w": "float64", "deadlift_sessions": "int64",
    "best_e1rm_kg": "float64", "e1rm_trend_kg_per_week": "float64", "load_basis": "str",
    "days_of_data": "int64", "acwr": "float64", "pain_status": "str", "pain_reasons": "str",
    "pain_weeks": "int64", "pain_episodes": "int64", "due_next_block": "bool",
}
_DAY_SPAN = 1_000_000  # days since 1970 per athlete code in the (athlete, day) integer key


@dataclass
class Cohort:
    """``athletes``: one row per athlete; the cohort tables beside it."""

    athletes: pd.DataFrame
    compliance: pd.DataFrame
    pain: pd.DataFrame
    weekly_active: pd.DataFrame
    as_of: pd.Timestamp


# --- per-athlete work, vectorised over the athlete key --------------------------------------

def _compliance(sets: pd.DataFrame, plans: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per athlete: compliance per exercise and per session, all athletes in one pass."""
    cols = [f"compliance_{e}" for e in EXERCISES] + [
        "sessions_due", "sessions_done", "compliance_sessions", "compliance_sessions_4w"]
    if plans.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    log = sets[sets["athlete"].isin(plans["athlete"].unique())]
    # The single-athlete matching rule, with the athlete in every key: a template log
    # matches the plan's key; an app log date + exercise + n-th set + side.
    # Keys are numbers written as text (cheaper than joining dates and names): the athlete,
    # then the day, exercise, n-th working set and side; or the template key, negated.
    by_key = log["key"].notna().groupby(log["athlete"]).any()

    def codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The same small integer for the same text in ``a`` and ``b``."""
        c, _ = pd.factorize(pd.concat([a, b], ignore_index=True))
        return c[:len(a)].astype("int64"), c[len(a):].astype("int64")

    def days(d: pd.Series) -> np.ndarray:
        return (d - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="int64")

    work = log["set_type"].isin(WORK_SETS)
    n = log[work].groupby(["athlete", "date", "exercise", "side"], sort=False).cumcount() + 1
    n = n.reindex(log.index).fillna(0).to_numpy(dtype="int64")
    (la, pa_), (le, pe), (ls, ps) = (codes(log["athlete"], plans["athlete"]),
                                     codes(log["exercise"], plans["exercise"]),
                                     codes(log["side"].fillna("both"), plans["side"]))
    lk, pk = codes(log["key"], plans["key"])  # NA -> -1
    derived = (((la * 100_000 + days(log["date"])) * 1_000 + le) * 10_000 + n) * 8 + ls
    has = log["key"].notna().to_numpy()
    derived[has] = -(la[has] * 1_000_000_000 + lk[has] + 1)
    log = log.assign(key=pd.Series(derived, index=log.index).astype(str))
    keyed = plans["athlete"].map(by_key).fillna(False).astype(bool).to_numpy()
    plan_code = (((pa_ * 100_000 + days(plans["date"])) * 1_000 + pe) * 10_000
                 + plans["set"].to_numpy(dtype="int64")) * 8 + ps
    plan_code[keyed] = -(pa_[keyed] * 1_000_000_000 + pk[keyed] + 1)
    plan = plans.assign(key=pd.Series(plan_code, index=plans.index).astype(str))
    # Text held as Python strings, here and in what compliance_sets derives from it:
    # pandas' isin on Arrow-backed text loops over the values in Python (60x slower).
    py = pd.StringDtype("python", na_value=np.nan)
    text = ["exercise", "side", "key", "set_type", "session_id"]
    with pd.option_context("mode.string_storage", "python"):
        done = compliance_sets(log.astype(dict.fromkeys(text, py)),
                               plan.astype(dict.fromkeys(text[:3] + ["session_id"], py)), as_of)
    # compliance_sessions' rule per exercise-session, vectorised: due when a set is no longer
    # "planned"; done in full (band "done" or "over") when every due set is done or over.
    done = done[done["band"] != "unplanned"]
    band = done["band"].astype(object)
    ses = pd.DataFrame({"athlete": done["athlete"], "session_id": done["session_id"],
                        "exercise": done["exercise"], "date": done["date"],
                        "due": (band != "planned").to_numpy(),
                        "good": band.isin(["done", "over"]).to_numpy()}).groupby(
        ["athlete", "session_id", "exercise"], sort=False).agg(
        due=("due", "sum"), good=("good", "sum"), date=("date", "first")).reset_index()
    ses["ok"] = ses["good"] == ses["due"]
    due = ses[ses["due"] > 0]
    per_ex = due.groupby(["athlete", "exercise"])["ok"].mean().unstack("exercise")
    out = pd.DataFrame(index=pd.Index(sorted(plans["athlete"].unique()), name="athlete"))
    for e in EXERCISES:
        out[f"compliance_{e}"] = per_ex.get(e, np.nan)
    whole = due.groupby(["athlete", "session_id"]).agg(ok=("ok", "all"), date=("date", "first"))
    g = whole.groupby("athlete")["ok"]
    out["sessions_due"] = g.size()
    out["sessions_done"] = g.sum()
    out[["sessions_due", "sessions_done"]] = out[["sessions_due", "sessions_done"]].fillna(
        0).astype("int64")
    out["compliance_sessions"] = g.mean()
    recent = whole[whole["date"] > as_of - pd.Timedelta(days=28)]
    out["compliance_sessions_4w"] = recent.groupby("athlete")["ok"].mean()
    return out[cols]


def _deadlift(sets: pd.DataFrame) -> pd.DataFrame:
    """Per athlete: best e1RM and its trend [kg/week], from ``deadlift_progress`` run once
    over all athletes with an (athlete, day) integer in place of the date."""
    d = sets[sets["exercise"] == "deadlift"]
    cols = ["deadlift_sessions", "best_e1rm_kg", "e1rm_trend_kg_per_week"]
    if d.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    codes, names = pd.factorize(d["athlete"])
    day = (d["date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    s = deadlift_progress(d.assign(date=codes.astype("int64") * _DAY_SPAN + day))
    if s.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    a = names[(s["date"] // _DAY_SPAN).to_numpy()]
    x = (s["date"] % _DAY_SPAN).to_numpy(dtype=float)
    y = s["best_e1rm_kg"].to_numpy(dtype=float)
    f = pd.DataFrame({"athlete": a, "x": x, "y": y})
    g = f.groupby("athlete")
    f["dx"] = f["x"] - g["x"].transform("mean")
    f["dy"] = f["y"] - g["y"].transform("mean")
    f["sxy"], f["sxx"] = f["dx"] * f["dy"], f["dx"] ** 2
    g = f.groupby("athlete")
    out = pd.DataFrame({"deadlift_sessions": g.size(), "best_e1rm_kg": g["y"].max()})
    sxx = g["sxx"].sum()
    # e1rm_trend: NaN with fewer than 2 sessions or all on one day; slope x 7 days.
    out["e1rm_trend_kg_per_week"] = (g["sxy"].sum() / sxx.where(sxx > 0) * 7).where(
        g.size() >= 2)
    return out.rename_axis("athlete")


def _acwr(sets: pd.DataFrame) -> pd.DataFrame:
    """Per athlete: the load basis (``load_basis``'s choice), days of data and the latest
    coupled rolling ACWR, all athletes at once.

    The same numbers as ``daily_load`` -> ``load_basis`` -> ``metrics.acwr(rolling,
    coupled)`` on one athlete: daily loads summed per day (a session's RPE x minutes once
    per session), rest days and missing loads 0 (``metrics.as_daily``), the mean of the
    last 7 days over the mean of the last 28, NaN before 28 days of data or with no chronic
    load.
    """
    cols = ["load_basis", "days_of_data", "acwr"]
    work = sets[sets["set_type"].isin(WORK_SETS)]
    vl = (work["reps"].astype(float) * work["load_kg"].astype(float)).fillna(0.0)
    per = pd.DataFrame({"athlete": work["athlete"], "date": work["date"], "volume_load_kg": vl,
                        "deadlift_volume_load_kg": vl.where(work["exercise"] == "deadlift",
                                                            0.0)})
    daily = per.groupby(["athlete", "date"]).sum()
    has_rpe = sets["session_rpe"].notna().groupby(sets["athlete"]).any()
    rated = sets[sets["athlete"].map(has_rpe).fillna(False).astype(bool)]
    if len(rated):
        sess = rated.groupby(["athlete", "session_id"], sort=False).agg(
            date=("date", "first"), rpe=("session_rpe", "first"), mins=("session_min", "first"))
        sess["srpe_load"] = sess["rpe"].astype(float) * sess["mins"].astype(float)
        srpe = sess.reset_index().groupby(["athlete", "date"])["srpe_load"].sum(min_count=1)
        daily = daily.join(srpe, how="outer")
    else:
        daily["srpe_load"] = np.nan
    if daily.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    daily = daily.reset_index()
    g = daily.groupby("athlete")
    first, last = g["date"].min(), g["date"].max()
    days = (last - first).dt.days + 1
    rest_days = days > g.size()  # a rated athlete's rest days are 0, so srpe has data
    dl_any = g["deadlift_volume_load_kg"].max().fillna(0) > 0
    srpe_any = g["srpe_load"].count() > 0
    basis = pd.Series("volume_load_kg", index=first.index)
    basis[dl_any] = "deadlift_volume_load_kg"
    rated_now = has_rpe.reindex(basis.index).fillna(False).astype(bool)
    basis[rated_now & (srpe_any | rest_days)] = "srpe_load"
    pick = daily["athlete"].map(basis).to_numpy()
    value = np.select([pick == "srpe_load", pick == "deadlift_volume_load_kg"],
                      [daily["srpe_load"].to_numpy(dtype=float),
                       daily["deadlift_volume_load_kg"].to_numpy(dtype=float)],
                      daily["volume_load_kg"].to_numpy(dtype=float))
    value = np.nan_to_num(value, nan=0.0)
    back = (daily["athlete"].map(last) - daily["date"]).dt.days.to_numpy()
    acute = pd.Series(np.where(back < 7, value, 0.0)).groupby(daily["athlete"].to_numpy()).sum()
    chronic = pd.Series(np.where(back < ACWR_MIN_DAYS, value, 0.0)).groupby(
        daily["athlete"].to_numpy()).sum()
    ratio = (acute / 7) / (chronic / ACWR_MIN_DAYS).where(chronic > 0)
    out = pd.DataFrame({"load_basis": basis, "days_of_data": days,
                        "acwr": ratio.where(days >= ACWR_MIN_DAYS)})
    return out.rename_axis("athlete")


def _pain(sets: pd.DataFrame, starts: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per athlete: the pain status of the current programme week, the weeks with pain data
    and the episodes (weeks outside the rules), with ``pain_status`` itself, called for the
    athletes whose log holds a pain score or a note (others have no pain data)."""
    cols = ["pain_status", "pain_reasons", "pain_weeks", "pain_episodes"]
    scored = sets[list(PAIN)].notna().any(axis=1) | sets["note"].astype("str").fillna("").ne("")
    rows = []
    for a, t in sets[sets["athlete"].isin(sets.loc[scored, "athlete"].unique())].groupby(
            "athlete", sort=True):
        start, first_week = (starts.loc[a, "start"], int(starts.loc[a, "first_week"])) \
            if a in starts.index else (t["date"].min(), 1)
        _, weeks = pain_status(t, start=start, first_week=first_week)
        now = int(programme_weeks(pd.Series([as_of]), start, first_week).iloc[0])
        weeks = weeks[weeks["week"] <= now]
        this = weeks[weeks["week"] == now]
        data = weeks[weeks["status"] != "no pain data"]
        rows.append({"athlete": a,
                     "pain_status": str(this["status"].iloc[0]) if len(this) else "no pain data",
                     "pain_reasons": str(this["reasons"].iloc[0]) if len(this) else "",
                     "pain_weeks": len(data),
                     "pain_episodes": int(data["status"].isin(["outside rules", "stop"]).sum())})
    return pd.DataFrame(rows, columns=["athlete", *cols]).set_index("athlete")


def athlete_rows(sets: pd.DataFrame, plans: pd.DataFrame, as_of: pd.Timestamp,
                 athletes: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-athlete table for the athletes in ``sets`` and ``plans``, and each athlete's
    active weeks (athlete, week_start). The unit of work of both engines."""
    as_of = pd.Timestamp(as_of).normalize()
    ids = sorted(set(sets["athlete"].unique()) | set(plans["athlete"].unique())
                 | set(athletes or []))
    sets = sets[sets["date"] <= as_of]
    out = pd.DataFrame(index=pd.Index(ids, name="athlete"))
    g = sets.groupby("athlete")
    out["sets"] = g.size().reindex(out.index).fillna(0).astype("int64")
    out["first_day"] = g["date"].min()
    out["last_session"] = g["date"].max()
    out["days_since"] = (as_of - out["last_session"]).dt.days.astype("Int64")
    pg = plans.groupby("athlete")
    starts = pd.DataFrame({"start": pg["date"].min(), "first_week": pg["week"].min()})
    out["plan_start"], out["plan_end"] = starts["start"], pg["date"].max()
    out = out.join(_compliance(sets, plans, as_of)).join(_deadlift(sets)).join(
        _acwr(sets)).join(_pain(sets, starts, as_of))
    out["pain_status"] = out["pain_status"].fillna("no pain data")
    out["due_next_block"] = (out["plan_end"].isna()
                             | (out["plan_end"] <= as_of + pd.Timedelta(days=DUE_WITHIN_DAYS)))
    for c in ("pain_weeks", "pain_episodes", "deadlift_sessions", "days_of_data"):
        out[c] = out[c].fillna(0).astype("int64")
    out["pain_reasons"] = out["pain_reasons"].fillna("")
    wk = sets["date"] - pd.to_timedelta(sets["date"].dt.day_of_week, unit="D")
    active = pd.DataFrame({"athlete": sets["athlete"], "week_start": wk}).drop_duplicates()
    out = out.reset_index()[list(COHORT_COLUMNS)].astype(COHORT_COLUMNS)
    return out, active.reset_index(drop=True).astype({"week_start": "datetime64[us]"})


def chunk_rows(store_path: str, athletes: list[str], as_of: pd.Timestamp
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``athletes``' partitions of the store (DuckDB over the Delta table's Parquet files)
    and run :func:`athlete_rows` on them: the task both engines run."""
    from planner.store import open_store

    st = open_store(store_path)
    sets = st.read("sets", athletes, SET_COLUMNS)
    plans = st.read("plans", athletes, PLAN_COLUMNS)
    return athlete_rows(sets, plans, as_of, athletes)


# --- the cohort ------------------------------------------------------------------------------

def _tables(rows: pd.DataFrame, active: pd.DataFrame, as_of: pd.Timestamp) -> Cohort:
    rows = rows.sort_values("athlete", kind="stable").reset_index(drop=True)
    bins = pd.cut(rows["compliance_sessions"], list(COMPLIANCE_BINS), include_lowest=True,
                  right=False)
    labels = [f"{a:.0%}-{b:.0%}" for a, b in zip(COMPLIANCE_BINS, COMPLIANCE_BINS[1:],
                                                   strict=False)]
    counts = pd.Series(bins.cat.codes).value_counts()
    full = (rows["compliance_sessions"] >= 1.0).sum()
    dist = pd.DataFrame({"session_compliance": [*labels[:-1], "80%-100%", "none due or no plan"],
                         "athletes": [int(counts.get(i, 0)) for i in range(len(labels) - 1)]
                         + [int(counts.get(len(labels) - 1, 0) + full),
                            int(rows["compliance_sessions"].isna().sum())]})
    weeks = int(rows["pain_weeks"].sum())
    episodes = int(rows["pain_episodes"].sum())
    pain = pd.DataFrame({"athletes_with_pain_data": [int((rows["pain_weeks"] > 0).sum())],
                         "athlete_weeks": [weeks], "episodes": [episodes],
                         "episodes_per_100_athlete_weeks": [100 * episodes / weeks
                                                            if weeks else np.nan]})
    weekly = (active.groupby("week_start")["athlete"].nunique().rename("active_athletes")
              .reset_index().sort_values("week_start", ignore_index=True))
    return Cohort(rows, dist, pain, weekly, as_of)


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]


def cohort(store: str | Path, *, as_of: Any = None, scheduler: str | None = None,
           security: Any = None, chunk_athletes: int = 100) -> Cohort:
    """One row per athlete of ``store``, and the cohort tables.

    Parameters
    ----------
    store : the store folder written by ``planner ingest``
    as_of : the day the analysis is for (default: today); later sets are ignored
    scheduler : a Dask scheduler address (``tcp://host:8786`` or ``tls://host:8786``);
        None runs embedded (DuckDB and pandas in this process)
    security : a ``distributed.Security`` for a ``tls://`` scheduler
    chunk_athletes : athletes per unit of work (a Dask task reads their partitions)
    """
    from planner.store import open_store

    st = open_store(store)
    as_of = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    chunks = _chunks(st.athletes(), chunk_athletes)
    path = str(st.path.resolve())
    if scheduler is None:
        parts = [chunk_rows(path, c, as_of) for c in chunks]
    else:
        from distributed import Client

        with Client(scheduler, security=security, set_as_default=False) as client:
            futures = client.map(chunk_rows, [path] * len(chunks), chunks,
                                 [as_of] * len(chunks), pure=False)
            parts = client.gather(futures)
    rows = pd.concat([p[0] for p in parts], ignore_index=True)
    active = pd.concat([p[1] for p in parts], ignore_index=True)
    return _tables(rows, active, as_of)
