"""Many athletes at a glance: one row per athlete, and tables over the cohort.

``cohort(store)`` reads the store (see :mod:`planner.clinic.store`) and computes, for every
athlete at once, the single-athlete rules of :mod:`planner.analysis`:

- compliance to date against the athlete's plan: ``compliance_sets``,
  ``compliance_sessions`` and ``compliance_rates`` themselves, each called once over all
  the athletes of a chunk (``by="athlete"``): per exercise (share of the due
  exercise-sessions done) and per session (share of due sessions done in full), never per
  set row, so that the daily stretch holds cannot hide skipped deadlifts;
- the deadlift's best e1RM per session (``deadlift_progress`` itself, once over all
  athletes' deadlift working sets) and its least-squares trend [kg/week]
  (``e1rm_trend(..., by="athlete")``);
- the latest coupled rolling ACWR and its load basis by the analysis' rule (``daily_load``,
  ``training_load`` and :func:`planner.metrics.acwr`, each once over the chunk's athletes):
  on the current stretch of training only (a gap of more than ``GAP_DAYS`` days, from
  planner.analysis, starts a new one): NaN until it has 28 days, or with no load logged;
- the pain status of the current programme week (``pain_status`` itself, called once on
  the rows of all the chunk's athletes with pain data, ``by="athlete"``), or "no pain
  data"; and that of the worst week with pain data among the last ``PAIN_WEEKS_BACK``
  (this week and the last complete one: on a Monday, or before the athlete logs, this
  week has no score yet, and last week's stop must not vanish); and whether a next block
  is due (the plan ends within 7 days, has ended, or there is no plan).

Engines: scans, joins and aggregations run in DuckDB over the Parquet files of the
Delta tables' current version, a chunk of athletes at a time (``CHUNK_ATHLETES``), two
chunks at once (``CHUNKS_AT_ONCE``: DuckDB loads one, freeing the GIL, while pandas works
on the other; memory holds two chunks); pandas finishes on per-athlete and per-day rows. With
``scheduler="tcp://host:8786"`` (or ``tls://`` with a ``distributed.Security``) the
same chunk function runs on Dask workers, each chunk a set of athlete partitions of
the Delta table. Both give the same table.

The table is kept in the store (``cache/``, readable by the owner only) for the store's
snapshot (the Parquet files of its sets, plans and report: a Delta table never changes a
file, an ingest adds or replaces files), the day and this planner's code: the coach page
opening the same store again the same day reads it back in a fraction of a second
instead of computing it again (several seconds for 1,000 athletes). Anything else (a new
ingest, another day, other code) computes it afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from planner import metrics
from planner.analysis import (
    RATE_COLUMNS,
    compliance_rates,
    compliance_sessions,
    compliance_sets,
    daily_load,
    deadlift_progress,
    e1rm_trend,
    pain_status,
    programme_weeks,
    training_load,
)
from planner.catalogue import data_path
from planner.clinic.store import (
    PLANS_SCHEMA,
    SETS_SCHEMA,
    WHAT_TO_DO,
    StoreDamaged,
    open_store,
)

#: A next block is due when the plan ends within this many days (or has ended).
DUE_WITHIN_DAYS = 7
#: The ACWR needs this many days of the current stretch of training (the chronic window).
ACWR_MIN_DAYS = 28
#: The latest pain status is that of the worst programme week with pain data among this
#: many (this week and the one before, the later on a tie): a stop or a week outside the
#: rules stays in view for the week after it, and no longer.
PAIN_WEEKS_BACK = 2
#: How bad a week's pain status is: of those weeks a coach sees the worst first, and the
#: roster sorts by it.
PAIN_SEVERITY = {"stop": 3, "outside rules": 2, "pain unreadable": 2, "within rules": 1}
COMPLIANCE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: The per-athlete table's columns and types: the same whichever engine and chunking.
#: ``load_basis`` and ``days_of_data`` are those of the current stretch of training
#: (:func:`planner.analysis.training_load`): its measure and its days, what ``acwr`` has.
#: ``pain_status`` and ``pain_reasons`` are this programme week's; the ``latest_pain_``
#: columns those of the worst week with pain data of the last ``PAIN_WEEKS_BACK`` (its first
#: day, and 0 for this week, 1 for the one before): "no pain data" and empty when none has.
COHORT_COLUMNS: dict[str, str] = {
    "athlete": "str", "sets": "int64", "first_day": "datetime64[us]",
    "last_session": "datetime64[us]", "days_since": "Int64", "plan_start": "datetime64[us]",
    "plan_end": "datetime64[us]", "compliance_deadlift": "float64",
    "compliance_glute_bridge": "float64", "compliance_rotational_stretch": "float64",
    "sessions_due": "Int64", "sessions_done": "Int64", "compliance_sessions": "float64",
    "compliance_sessions_4w": "float64", "deadlift_sessions": "int64",
    "best_e1rm_kg": "float64", "e1rm_trend_kg_per_week": "float64", "load_basis": "str",
    "days_of_data": "int64", "acwr": "float64", "pain_status": "str", "pain_reasons": "str",
    "pain_weeks": "int64", "pain_episodes": "int64", "latest_pain_status": "str",
    "latest_pain_reasons": "str", "latest_pain_week_start": "datetime64[us]",
    "latest_pain_weeks_ago": "Int64", "due_next_block": "bool",
}
#: DuckDB threads per query (None: DuckDB's default, one per core).
DUCKDB_THREADS: int | None = None
#: Athletes per unit of work: the embedded engine's memory holds ``CHUNKS_AT_ONCE`` chunks'
#: sets at a time, and a Dask task reads one chunk's partitions.
CHUNK_ATHLETES = 250
#: Chunks the embedded engine works on at once (threads): one chunk's DuckDB load overlaps
#: another's pandas work (1,000 athletes on 2 cores: 3.6 s rather than 5 s).
CHUNKS_AT_ONCE = 2
_DAY_SPAN = 1_000_000  # days since 1970 per athlete code in the (athlete, day) integer key
#: The store's folder of kept cohort tables, and how many (the latest used) it keeps.
CACHE_FOLDER = "cache"
CACHE_KEEP = 8
#: The planner's data files the rules read (beside its code) that a kept table follows.
_CACHE_DATA = ("exercises.toml", "plates.toml", "exercise_aliases.csv")


@dataclass
class Cohort:
    """``athletes``: one row per athlete; the cohort tables beside it."""

    athletes: pd.DataFrame
    compliance: pd.DataFrame
    pain: pd.DataFrame
    weekly_active: pd.DataFrame
    as_of: pd.Timestamp


# --- per-athlete work, vectorised over the athlete key --------------------------------------
#
# DuckDB scans the sets and plans (Parquet files of the store, or frames handed in) and
# computes the per-set sums as grouped queries over all the chunk's athletes: the daily
# loads, the deadlift's working sets, the active weeks. pandas finishes with the
# single-athlete functions of planner.analysis, called once for the chunk where they take
# an athlete column (compliance_sets, compliance_sessions, compliance_rates, pain_status,
# daily_load, training_load, e1rm_trend; metrics.acwr takes (athlete, day) series) or with an
# (athlete, day) key in place of the day (deadlift_progress).

_WORK = "set_type IN ('working', 'failure')"
_ORDER = "performed_at, source_line, _ord"  # the Log's order: time, then line
#: The rows compliance and the daily loads need, in the Log's order; and the plans, with
#: their keys where the athlete's log holds keys (the others never match by key).
_LOG_SQL = """
SELECT athlete, date, exercise, set, set_type, side, reps, hold_s, load_kg, key, source_line,
       session_id, session_rpe, session_min
FROM s ORDER BY athlete, {order}
"""
# A plan's rows after as_of are "planned" (not yet due) unless a template key logged
# early matches one, and nothing counts them: only keyed athletes keep them.
_PLAN_ROWS_SQL = """
WITH keyed AS (SELECT DISTINCT athlete FROM s WHERE key IS NOT NULL)
SELECT * EXCLUDE (_ord, key),
       CASE WHEN athlete IN (SELECT athlete FROM keyed) THEN key END AS key
FROM p
WHERE date <= {as_of} OR athlete IN (SELECT athlete FROM keyed)
"""

_BASE_SQL = """
SELECT athlete, count(*) AS sets, min(date) AS first_day, max(date) AS last_session,
       bool_or(pain_during IS NOT NULL OR pain_after IS NOT NULL
               OR pain_next_morning IS NOT NULL OR coalesce(note, '') <> '') AS scored
FROM s GROUP BY athlete
"""
_PLAN_SQL = """
SELECT athlete, min(date) AS start, max(date) AS "end", min(week) AS first_week
FROM p GROUP BY athlete
"""
_DEADLIFT_SQL = """
SELECT athlete, date, exercise, set_type, reps, load_kg FROM s
WHERE exercise = 'deadlift' AND {work} AND load_kg IS NOT NULL AND reps >= 1
ORDER BY athlete, {order}
"""
_ACTIVE_SQL = """
SELECT DISTINCT athlete, date_trunc('week', date)::TIMESTAMP AS week_start FROM s
"""
#: The Arrow types of the store's files as DuckDB reads them.
_DUCKDB_TYPES = {pa.string(): "VARCHAR", pa.timestamp("us"): "TIMESTAMP", pa.int64(): "BIGINT",
                 pa.float64(): "DOUBLE"}


def _types(schema: pa.Schema, columns: tuple[str, ...]) -> dict[str, str]:
    """``columns`` of a store table with their DuckDB types, from its Arrow schema (which
    follows from the table's schema in planner.schemas)."""
    return {c: _DUCKDB_TYPES[schema.field(c).type] for c in columns}


#: The columns of the stored sets and plans the cohort reads, with their DuckDB types.
_S_TYPES = _types(SETS_SCHEMA, (
    "athlete", "performed_at", "date", "session_id", "exercise", "set", "set_type", "reps",
    "hold_s", "side", "load_kg", "pain_during", "pain_after", "pain_next_morning",
    "session_rpe", "session_min", "note", "key", "source_file", "source_line"))
#: The pain texts nobody could read, from the store's import report (athlete, file, line,
#: text): their weeks are "pain unreadable", never "within rules".
UNREADABLE_COLUMNS = ("athlete", "file", "line", "text")
_P_TYPES = _types(PLANS_SCHEMA, (
    "athlete", "key", "week", "date", "session_id", "exercise", "set", "side", "target_reps",
    "target_hold_s", "load_kg"))


def _q(con, sql: str, as_of: pd.Timestamp, categories: bool = False) -> pd.DataFrame:
    """The result of ``sql`` as a frame (``categories``: its texts as categoricals, which
    Arrow encodes at once, for code that groups and matches on them)."""
    text = sql.format(work=_WORK, order=_ORDER,
                      as_of=f"TIMESTAMP '{as_of:%Y-%m-%d %H:%M:%S}'")
    table = con.sql(text).to_arrow_table()
    if categories:
        table = pa.table({n: pc.dictionary_encode(c) if pa.types.is_string(c.type) else c
                          for n, c in zip(table.column_names, table.columns, strict=True)})
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def _log_rules(con, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per athlete: compliance (``compliance_rates`` of ``compliance_sessions`` of
    ``compliance_sets``) and the load basis, days of data and latest ACWR (``daily_load``,
    ``training_load``, ``metrics.acwr``: see :func:`_acwr`): the single-athlete functions,
    each called once for all the chunk's athletes (``by="athlete"``)."""
    with con:
        log = _q(con, _LOG_SQL, as_of, categories=True)
        plans = _q(con, _PLAN_ROWS_SQL, as_of, categories=True)
    out = _acwr(daily_load(log, by="athlete"))
    if len(plans):
        sets = compliance_sets(log, plans, as_of, by="athlete", unplanned=False)
        rates = compliance_rates(compliance_sessions(sets, by="athlete"), as_of, by="athlete")
        out = out.join(rates.set_axis(rates.index.astype("str")), how="outer")
    return out.reindex(columns=[*out.columns, *(c for c in RATE_COLUMNS
                                                 if c not in out.columns)])


def _deadlift(d: pd.DataFrame) -> pd.DataFrame:
    """Per athlete: best e1RM and its trend [kg/week], from ``deadlift_progress`` run once
    over all athletes' deadlift working sets with an (athlete, day) integer in place of
    the date."""
    cols = ["deadlift_sessions", "best_e1rm_kg", "e1rm_trend_kg_per_week"]
    if d.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    codes, names = pd.factorize(d["athlete"])
    day = (d["date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    s = deadlift_progress(d.assign(date=codes.astype("int64") * _DAY_SPAN + day))
    if s.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    f = pd.DataFrame({"athlete": names[(s["date"] // _DAY_SPAN).to_numpy()],
                      "date": pd.to_datetime(s["date"] % _DAY_SPAN, unit="D"),
                      "best_e1rm_kg": s["best_e1rm_kg"].to_numpy(dtype=float)})
    g = f.groupby("athlete")
    out = pd.DataFrame({"deadlift_sessions": g.size(), "best_e1rm_kg": g["best_e1rm_kg"].max(),
                        "e1rm_trend_kg_per_week": e1rm_trend(f, by="athlete")})
    return out.rename_axis("athlete")


def _acwr(daily: pd.DataFrame) -> pd.DataFrame:
    """Per athlete (``daily``: ``daily_load(..., by="athlete")``): the load basis, the days of
    data and the coupled rolling ACWR of the last day, by the analysis' own rule.

    ``training_load`` (once over the chunk's athletes) cuts each athlete's days into
    stretches of training at gaps of more than ``GAP_DAYS`` days and gives each stretch its
    measure; the last day's stretch is the current one. Its measure is the load basis, its
    length the days of data, and ``metrics.acwr`` over its loads alone (as ``load_metrics``
    runs each stretch on its own) the ACWR: NaN while the stretch is under 28 days old,
    without a load logged in it (measure "none"), or with no chronic load. The days of a
    layoff are never rest days of load 0, so a return from one never reads as a ratio (up
    to 4: a week's load over a 4-week average of mostly zeros).
    """
    cols = ["load_basis", "days_of_data", "acwr"]
    if daily.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    codes, names = pd.factorize(daily["athlete"].astype("str"), sort=True)
    load = training_load(daily.assign(athlete=codes), by="athlete")  # by code
    # Each athlete's last day (daily_load: each athlete's days in order) and its stretch.
    last = pd.Series(np.arange(len(load))).groupby(codes, sort=True).max().to_numpy()
    stretch = load["stretch"].to_numpy("float64", na_value=np.nan)
    current = stretch == stretch[last][codes]
    value = load["load"].to_numpy(float)
    known = current & ~np.isnan(value)
    ratio = metrics.acwr(pd.Series(value[known], index=pd.MultiIndex.from_arrays(
        [codes[known], load["date"].to_numpy()[known]])), method="rolling", coupled=True)["acwr"]
    at_last = ratio.groupby(level=0, sort=True).tail(1).droplevel(1)
    return pd.DataFrame({"load_basis": load["measure"].to_numpy(object)[last],
                         "days_of_data": np.bincount(codes[current], minlength=len(names)),
                         "acwr": at_last.reindex(range(len(names))).to_numpy(float)},
                        index=pd.Index(names, name="athlete"))


def _pain(sets: pd.DataFrame, starts: pd.DataFrame, as_of: pd.Timestamp,
          unreadable: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per athlete: the pain status of the current programme week, the weeks with pain data
    and the episodes (weeks outside the rules), from one call of ``pain_status`` over the
    athletes whose log holds a pain score or a note (``sets``: their rows only; others
    have no pain data), each on their plan's weeks (no plan: weeks from the first log); and
    the worst week with pain data of the last ``PAIN_WEEKS_BACK`` (see ``COHORT_COLUMNS``)."""
    cols = ["pain_status", "pain_reasons", "pain_weeks", "pain_episodes", "latest_pain_status",
            "latest_pain_reasons", "latest_pain_week_start", "latest_pain_weeks_ago"]
    if sets.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="athlete"))
    first = sets.groupby("athlete")["date"].min()
    start = starts["start"].reindex(first.index).fillna(first)
    first_week = starts["first_week"].reindex(first.index).fillna(1).astype("int64")
    unread = None
    if unreadable is not None and len(unreadable):  # each text's day, from its set
        where = sets[["athlete", "source_file", "source_line", "date"]].drop_duplicates(
            ["athlete", "source_file", "source_line"])
        unread = unreadable.merge(where, left_on=["athlete", "file", "line"],
                                  right_on=["athlete", "source_file", "source_line"])
        unread = unread[["athlete", "date", "text"]]
    _, weeks = pain_status(sets, start=start, first_week=first_week, by="athlete",
                           unreadable=unread)
    now = programme_weeks(pd.Series(as_of, index=start.index), start.to_numpy(),
                          first_week.to_numpy())  # each athlete's programme week now
    weeks = weeks.assign(now=weeks["athlete"].map(now).astype("int64"))
    weeks = weeks[weeks["week"] <= weeks["now"]]
    this = weeks[weeks["week"] == weeks["now"]].set_index("athlete")
    data = weeks[weeks["status"] != "no pain data"]
    out = pd.DataFrame(index=first.index)
    out["pain_status"] = this["status"].reindex(out.index).fillna("no pain data")
    out["pain_reasons"] = this["reasons"].reindex(out.index).fillna("")
    out["pain_weeks"] = data.groupby("athlete").size().reindex(out.index, fill_value=0)
    out["pain_episodes"] = (data["status"].isin(["outside rules", "stop"])
                            .groupby(data["athlete"]).sum().reindex(out.index, fill_value=0))
    recent = data[data["week"] > data["now"] - PAIN_WEEKS_BACK]
    # The week the coach must see: the worst of this week and last (a stop last week stays
    # in view all this week, whatever this week's first scores say), the later on a tie.
    worst = recent["status"].map(PAIN_SEVERITY).fillna(0)
    latest = (recent.assign(_rank=worst).sort_values(["athlete", "_rank", "week"],
                                                      kind="stable")
              .groupby("athlete").tail(1).set_index("athlete").reindex(out.index))
    out["latest_pain_status"] = latest["status"].fillna("no pain data")
    out["latest_pain_reasons"] = latest["reasons"].fillna("")
    out["latest_pain_week_start"] = latest["week_start"]
    out["latest_pain_weeks_ago"] = (latest["now"] - latest["week"]).astype("Int64")
    return out.astype({"pain_weeks": "int64", "pain_episodes": "int64",
                       "latest_pain_week_start": "datetime64[us]"})


def _rows(con, as_of: pd.Timestamp, athletes: list[str] | None = None,
          unreadable: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-athlete table and the active weeks of the athletes whose sets are in
    ``con``'s table ``s`` (dated up to ``as_of``) and plans in ``p``."""
    # Compliance (pandas, mostly one core) runs in a thread beside the queries below
    # (DuckDB, which frees the GIL while it works): one chunk keeps both cores busy.
    pool = ThreadPoolExecutor(1)
    comp = pool.submit(_log_rules, con.cursor(), as_of)  # closes its cursor
    try:
        return _rows_with(con, as_of, athletes, comp, unreadable)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _rows_with(con, as_of: pd.Timestamp, athletes: list[str] | None, comp: Future,
               unreadable: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = _q(con, _BASE_SQL, as_of).set_index("athlete")
    starts = _q(con, _PLAN_SQL, as_of).set_index("athlete")
    ids = sorted(set(base.index) | set(starts.index) | set(athletes or []))
    out = pd.DataFrame(index=pd.Index(ids, name="athlete"))
    out["sets"] = base["sets"].reindex(out.index).fillna(0).astype("int64")
    out["first_day"] = base["first_day"]
    out["last_session"] = base["last_session"]
    out["days_since"] = (as_of - out["last_session"]).dt.days.astype("Int64")
    out["plan_start"], out["plan_end"] = starts["start"], starts["end"]
    out = out.join(_deadlift(_q(con, _DEADLIFT_SQL, as_of)))
    scored = list(base.index[base["scored"].astype(bool)])
    if unreadable is not None and len(unreadable):  # a "sore" alone is pain data too
        scored = sorted(set(scored) | (set(unreadable["athlete"]) & set(base.index)))
    if scored:
        pain_sets = con.sql(
            f"SELECT * EXCLUDE (_ord) FROM s WHERE athlete IN (SELECT unnest($a::VARCHAR[])) "
            f"ORDER BY athlete, {_ORDER}", params={"a": scored}).to_arrow_table().to_pandas(
            types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        for c in ("exercise", "side", "note", "key", "set_type", "session_id", "source_file"):
            pain_sets[c] = pain_sets[c].astype("str")
        out = out.join(_pain(pain_sets, starts, as_of, unreadable))
    else:
        out = out.join(_pain(pd.DataFrame(columns=["athlete"]), starts, as_of))
    out = out.join(comp.result())
    for c in ("sessions_due", "sessions_done"):  # 0 with a plan and nothing due yet
        out[c] = out[c].astype("Float64").fillna(0).astype("Int64").where(
            out["plan_end"].notna())
    for c in ("pain_status", "latest_pain_status"):
        out[c] = out[c].fillna("no pain data")
    out["due_next_block"] = (out["plan_end"].isna()
                             | (out["plan_end"] <= as_of + pd.Timedelta(days=DUE_WITHIN_DAYS)))
    for c in ("pain_weeks", "pain_episodes", "deadlift_sessions", "days_of_data"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in ("pain_reasons", "latest_pain_reasons"):
        out[c] = out[c].fillna("")
    active = _q(con, _ACTIVE_SQL, as_of)
    out = out.reset_index()[list(COHORT_COLUMNS)].astype(COHORT_COLUMNS)
    active = active.sort_values(["athlete", "week_start"], ignore_index=True)
    return out, active.astype({"athlete": "str", "week_start": "datetime64[us]"})


def _connect():
    # Row order is never relied on (every order is an ORDER BY, a row's place in its file
    # is read as _ord): DuckDB may then load and scan in parallel without keeping it.
    config: dict[str, Any] = {"preserve_insertion_order": False}
    if DUCKDB_THREADS:
        config["threads"] = DUCKDB_THREADS
    return duckdb.connect(config=config)


def _frame_table(frame: pd.DataFrame, types: dict[str, str]) -> pa.Table:
    """``frame``'s columns of ``types`` (missing ones null) as an Arrow table, with the row
    order kept in ``_ord``."""
    arrow = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "BIGINT": pa.int64(),
             "DOUBLE": pa.float64()}
    cols = {}
    n = len(frame)
    for c, t in types.items():
        typ = arrow[t]
        if c not in frame.columns or (frame[c].isna().all() and typ == pa.string()):
            cols[c] = pa.nulls(n, typ)
        elif typ == pa.string():
            cols[c] = pa.array(frame[c].astype("str"), typ, from_pandas=True)
        elif typ == pa.int64():
            cols[c] = pa.array(frame[c].astype("Float64").round().astype("Int64"), typ,
                               from_pandas=True)
        else:
            cols[c] = pa.array(pd.Series(frame[c]).astype(
                "datetime64[us]" if t == "TIMESTAMP" else "float64"), typ, from_pandas=True)
    cols["_ord"] = pa.array(np.arange(n, dtype="int64"))
    return pa.table(cols)


def athlete_rows(sets: pd.DataFrame, plans: pd.DataFrame, as_of: pd.Timestamp,
                 athletes: list[str] | None = None, unreadable: pd.DataFrame | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-athlete table for the athletes in ``sets`` and ``plans`` (frames with the
    Log's and the Plan's columns and an ``athlete`` column), and each athlete's active
    weeks (athlete, week_start): the work of :func:`chunk_rows` on frames in memory."""
    as_of = pd.Timestamp(as_of).normalize()
    s_tab, p_tab = _frame_table(sets, _S_TYPES), _frame_table(plans, _P_TYPES)
    with _connect() as con:
        con.register("s_in", s_tab)
        con.register("p_in", p_tab)
        con.execute(f"CREATE TABLE s AS SELECT * FROM s_in WHERE date <= TIMESTAMP "
                    f"'{as_of:%Y-%m-%d %H:%M:%S}'")
        con.execute("CREATE TABLE p AS SELECT * FROM p_in")
        return _rows(con, as_of, athletes, unreadable)


def _parquet(files: list[str], types: dict[str, str], where: str = "") -> str:
    """A SELECT of ``types``' columns from the Parquet ``files`` of a table partitioned by
    athlete, with each row's place in its file as ``_ord``."""
    files = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    cols = ", ".join(f'"{c}"::{t} AS "{c}"' for c, t in types.items())
    return (f"SELECT {cols}, file_row_number AS _ord FROM read_parquet({files}, "
            "hive_partitioning = true, hive_types = {'athlete': VARCHAR}, "
            f"union_by_name = true, file_row_number = true) {where}")


def chunk_rows(store_path: str, athletes: list[str], as_of: pd.Timestamp,
               files: dict[str, list[str]] | None = None,
               unreadable: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``athletes``' partitions of the store (DuckDB over the Delta table's Parquet files;
    ``files``: the sets' and plans' file lists, else read from the Delta log) and compute
    their rows: the task both engines run."""
    as_of = pd.Timestamp(as_of).normalize()
    if files is None:
        st = open_store(store_path)
        want = set(athletes)
        files = {name: [f for a, fs in st.files(name).items() if a in want for f in fs]
                 for name in ("sets", "plans")}
    with _connect() as con:
        for name, types, where in (
                ("sets", _S_TYPES, f"WHERE date <= TIMESTAMP '{as_of:%Y-%m-%d %H:%M:%S}'"),
                ("plans", _P_TYPES, "")):
            table = name[0]
            if files.get(name):
                con.execute(f"CREATE TABLE {table} AS "
                            + _parquet(files[name], types, where))
            else:
                con.register(f"{table}_in", _frame_table(pd.DataFrame(), types))
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_in")
        return _rows(con, as_of, athletes, unreadable)


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


def unreadable_pain(st, files: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The store's pain texts nobody could read (``UNREADABLE_COLUMNS``): its import
    report's "pain-unreadable" rows (of the report's ``files``, default its current
    version), read once for the whole cohort."""
    report = st.read("report", None, ["athlete", "file", "line", "value", "rule"], files)
    report = report[report["rule"] == "pain-unreadable"]
    return (report.rename(columns={"value": "text"})[list(UNREADABLE_COLUMNS)]
            .reset_index(drop=True))


# --- the kept tables ---------------------------------------------------------------------------

@functools.cache
def _code() -> str:
    """A digest of what the table follows from besides the store and the day: this
    planner's code and data files, and the versions of the libraries that compute it."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _CACHE_DATA:
        try:
            h.update(name.encode() + b"\0" + data_path(name).read_bytes())
        except OSError:
            h.update(name.encode() + b"\0missing")
    for lib in (np, pd, pa, duckdb):
        h.update(f"{lib.__name__} {lib.__version__}".encode())
    return h.hexdigest()


def _key(files: dict[str, dict[str, list[str]]], as_of: pd.Timestamp) -> str:
    """The kept table's name: the code, the day and the store's snapshot (every Parquet
    file of its sets, plans and report, by athlete; a Delta file's name is unique, and the
    file is never changed)."""
    h = hashlib.sha256(f"{_code()}\0{as_of:%Y-%m-%d}".encode())
    for name in sorted(files):
        for athlete in sorted(files[name]):
            for f in sorted(files[name][athlete]):
                h.update(f"{name}\0{athlete}\0{f.rsplit('/', 1)[-1]}\n".encode())
    return h.hexdigest()[:40]


def _kept_paths(folder: Path, key: str) -> tuple[Path, Path]:
    return folder / f"cohort-{key}.parquet", folder / f"cohort-{key}-active.parquet"


def _read_kept(folder: Path, key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The per-athlete rows and active weeks kept under ``key``; None when there are none
    (or they cannot be read: then they are computed again)."""
    rows_path, active_path = _kept_paths(folder, key)
    try:
        rows = pq.read_table(rows_path).to_pandas()
        active = pq.read_table(active_path).to_pandas()
        rows = rows[list(COHORT_COLUMNS)].astype(COHORT_COLUMNS)
        active = active[["athlete", "week_start"]].astype(
            {"athlete": "str", "week_start": "datetime64[us]"})
        os.utime(rows_path)  # used now: kept longer than the others
    except Exception:  # none kept, or unreadable: computed again
        return None
    return rows, active


def _write_private(path: Path, table: pa.Table) -> None:
    """``table`` as a Parquet file only its owner may read, whole or not at all."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            pq.write_table(table, fh)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _keep(folder: Path, key: str, rows: pd.DataFrame, active: pd.DataFrame) -> None:
    """Keep the rows and active weeks under ``key`` in the store (a folder and files only
    the owner may read), and the ``CACHE_KEEP`` latest used of them only. Best effort: a
    store this process cannot write to is only not kept."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        rows_path, active_path = _kept_paths(folder, key)
        _write_private(active_path, pa.Table.from_pandas(active, preserve_index=False))
        _write_private(rows_path, pa.Table.from_pandas(rows, preserve_index=False))
        kept = sorted((p for p in folder.glob("cohort-*.parquet")
                       if not p.name.endswith("-active.parquet")),
                      key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
            old.with_name(old.name.replace(".parquet", "-active.parquet")).unlink(
                missing_ok=True)
    except (OSError, pa.ArrowException):
        pass


def cohort(store: str | Path, *, as_of: Any = None, scheduler: str | None = None,
           security: Any = None, chunk_athletes: int | None = None,
           cache: bool | None = None) -> Cohort:
    """One row per athlete of ``store``, and the cohort tables.

    Parameters
    ----------
    store : the store folder written by ``planner ingest`` (or the store, open_store's)
    as_of : the day the analysis is for (default: today); later sets are ignored
    scheduler : a Dask scheduler address (``tcp://host:8786`` or ``tls://host:8786``);
        None runs embedded (DuckDB and pandas in this process)
    security : a ``distributed.Security`` for a ``tls://`` scheduler
    chunk_athletes : athletes per unit of work (default ``CHUNK_ATHLETES``): the embedded
        engine holds ``CHUNKS_AT_ONCE`` chunks' sets at a time; a Dask task reads one
        chunk's partitions
    cache : read the table kept in the store for this snapshot, day and code, and keep
        the one computed (see the module's note). None (the default): for a call that
        names neither a scheduler nor a chunk size, so that those always compute
    """
    st = store if hasattr(store, "files") and hasattr(store, "read") else open_store(store)
    as_of = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    # The file lists of one Delta version, read once: every chunk reads the same snapshot.
    sets, plans = st.files("sets"), st.files("plans")
    report, roster = st.files("report"), st.files("athletes")
    if cache is None:
        cache = scheduler is None and chunk_athletes is None
    folder = st.path / CACHE_FOLDER
    key = _key({"sets": sets, "plans": plans, "report": report, "athletes": roster},
               as_of) if cache else ""
    if cache and (kept := _read_kept(folder, key)) is not None:
        return _tables(*kept, as_of)
    # Every athlete ingested, one without a log or plan yet too ("no log at all").
    listed = set(st.read("athletes", columns=["athlete"], files=roster)["athlete"])
    chunks = _chunks(sorted(set(sets) | set(plans) | listed),
                     chunk_athletes or CHUNK_ATHLETES)
    files = [{"sets": [f for a in c for f in sets.get(a, [])],
              "plans": [f for a in c for f in plans.get(a, [])]} for c in chunks]
    path = str(st.path.resolve())
    unread = unreadable_pain(st, report)
    unreads = [unread[unread["athlete"].isin(c)] for c in chunks]
    if scheduler is None:
        n = len(chunks)
        try:
            with ThreadPoolExecutor(max(1, min(CHUNKS_AT_ONCE, n))) as pool:  # chunk order
                parts = list(pool.map(chunk_rows, [path] * n, chunks, [as_of] * n, files,
                                      unreads))
        except (duckdb.IOException, duckdb.InvalidInputException, PermissionError) as exc:
            raise StoreDamaged(f"{st.path}: the store's files cannot be read ("
                               + " ".join(str(exc).split())[:300] + "); the store is "
                               "damaged. " + WHAT_TO_DO) from None
    else:
        # Dask is imported only when a scheduler is named: it costs 0.7 s to import.
        from distributed import Client

        with Client(scheduler, security=security, set_as_default=False) as client:
            futures = client.map(chunk_rows, [path] * len(chunks), chunks,
                                 [as_of] * len(chunks), files, unreads, pure=False)
            parts = client.gather(futures)
    rows = pd.concat([p[0] for p in parts], ignore_index=True)
    active = pd.concat([p[1] for p in parts], ignore_index=True)
    if cache:
        _keep(folder, key, rows, active)
    return _tables(rows, active, as_of)
