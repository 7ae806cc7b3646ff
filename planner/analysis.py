"""Analysis of a workout log, on its own or against the plan it followed.

``analyse(log, plan=None)`` answers the user's questions in tables:

- compliance: was each planned set done, partly done, missed, or done over
  the plan; per session; per week and exercise (needs the plan);
- progression: the deadlift's best e1RM per session, its trend and PRs; the best
  e1RM of a period (:func:`best_deadlift_e1rm`, the one function the next block
  uses too, each figure labelled with its period); hold times of the stretch;
  bridge repetitions;
- load: daily and weekly volume load, time under tension and session-RPE
  load; ACWR (rolling coupled and uncoupled, EWMA), monotony and strain,
  CTL/ATL/TSB — each computed by :mod:`planner.metrics` with its convention, per
  stretch of training in one measure (:func:`training_load`): session RPE x minutes
  where every session of the stretch has both, else the volume load; more than
  ``GAP_DAYS`` days with nothing logged are a gap, never a load of 0;
- pain: daily pain during, after and next morning, and each week's status
  under the pain-monitoring rules (Thomeé 1997; Silbernagel et al. 2007).

Everything is vectorised pandas so that a log of a million sets is analysed
in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from planner import metrics
from planner.history import join_history, unit_of
from planner.plan import Plan
from planner.progression import CAP_WINDOW_DAYS, E1RM_RECENT_DAYS
from planner.symptoms import find_symptoms
from planner.units import from_kg
from planner.words import day_text, number_text, period_text

BANDS = ("done", "partial", "missed", "over", "planned", "unplanned")
WORK_SETS = ("working", "failure")


@dataclass(frozen=True)
class PainRules:
    """The pain-monitoring model as limits on a 0-10 scale.

    during_max, after_max : pain during and just after exercise may reach 5
        (Thomeé 1997; Silbernagel et al. 2007).
    morning_over_baseline : next-morning pain counts as settled when it is no
        more than this many points above the baseline (the median next-morning
        pain of the first logged week, or ``baseline`` when given). The sources
        say "settled by the next morning" without a number: this tolerance is
        the project's own choice.
    weekly_rise : pain or stiffness rising from one week to the next breaks the
        rules; a rise of this many points or more in a weekly mean counts
        (project's choice).
    """

    during_max: float = 5.0
    after_max: float = 5.0
    morning_over_baseline: float = 1.0
    weekly_rise: float = 1.0
    baseline: float | None = None


@dataclass
class Analysis:
    """The answers, as tables. ``None`` where the log or plan holds nothing to answer with."""

    sets: pd.DataFrame | None
    sessions: pd.DataFrame | None
    weeks: pd.DataFrame | None
    deadlift: pd.DataFrame
    holds: pd.DataFrame
    bridge: pd.DataFrame
    daily_load: pd.DataFrame
    weekly_load: pd.DataFrame
    acwr: pd.DataFrame
    fitness: pd.DataFrame
    pain_daily: pd.DataFrame
    pain_weeks: pd.DataFrame
    load_basis: str
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every non-empty table by name (for CSV export)."""
        names = ("sets", "sessions", "weeks", "deadlift", "holds", "bridge", "daily_load",
                 "weekly_load", "acwr", "fitness", "pain_daily", "pain_weeks")
        out = {}
        for n in names:
            t = getattr(self, n)
            if t is not None and len(t):
                out[n] = t
        return out


# --- compliance ----------------------------------------------------------------------------
#
# Every compliance function takes ``by``: the name of a column (the athlete) that log and
# plan both hold, so that one call computes the rules for many people at once, each
# matched only against their own plan; without it the log is one person's. The cohort
# (planner.clinic.cohort) calls these functions with ``by="athlete"``.

#: A hold [s] or load [kg] this much short of (or over) the plan is still as planned.
TOLERANCE = 0.01
#: The window of "recent" session compliance (the coach's flag): the cap's four weeks. [days]
RECENT_DAYS = CAP_WINDOW_DAYS


def _shared_codes(*columns: pd.Series) -> list[np.ndarray]:
    """One integer code per distinct value over all ``columns`` together (missing: -1), so
    that equal values in different frames get equal codes."""
    parts = [pd.factorize(c) for c in columns]
    union = pd.Index(pd.concat([pd.Series(u, dtype="str") for _, u in parts],
                               ignore_index=True)).unique()
    out = []
    for codes, uniques in parts:
        lookup = np.append(union.get_indexer(pd.Index(uniques, dtype="str")), -1)
        out.append(lookup[codes].astype("int64"))  # code -1 (missing) takes the last: -1
    return out


def _pack(*columns: np.ndarray) -> np.ndarray:
    """One int64 per distinct row of the non-negative integer ``columns`` (equal rows, equal
    numbers), compressed with ``pd.factorize`` whenever the next column would overflow."""
    key = np.zeros(len(columns[0]), "int64")
    for c in columns:
        span = int(c.max(initial=0)) + 1
        if int(key.max(initial=0)) + 1 > np.iinfo("int64").max // span:
            key = pd.factorize(key)[0].astype("int64")
        key = key * span + c
    return key


def _group_codes(log: pd.DataFrame, plan: pd.DataFrame, by: str | None
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """Each log and plan row's group (its ``by`` value as a code; all 0 without ``by``), and
    the number of groups."""
    if by is None:
        return np.zeros(len(log), "int64"), np.zeros(len(plan), "int64"), 1
    g_log, g_plan = _shared_codes(log[by], plan[by])
    if (g_log < 0).any() or (g_plan < 0).any():
        raise ValueError(f"compliance: a row without its {by!r}")
    return g_log, g_plan, int(max(g_log.max(initial=-1), g_plan.max(initial=-1)) + 1)


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970 of each date (its time of day left out)."""
    return dates.to_numpy().astype("datetime64[D]").astype("int64")


def _texts(codes: np.ndarray, labels: list[str]) -> pd.api.extensions.ExtensionArray:
    """``labels[codes]`` as a text array, built by Arrow (a dictionary cast to text)."""
    d = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(labels)).cast(pa.large_string())
    return pd.array(d, dtype="str")


def _run_numbers(key: np.ndarray) -> np.ndarray:
    """1, 2, 3 ... for the rows of each distinct ``key``, in row order."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    start = np.ones(len(k), bool)
    start[1:] = k[1:] != k[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(k)), 0))
    n = np.empty(len(k), "int64")
    n[order] = np.arange(len(k)) - first + 1
    return n


def compliance_sets(log: pd.DataFrame, plan: pd.DataFrame, as_of=None, *,
                    by: str | None = None, unplanned: bool = True) -> pd.DataFrame:
    """Every planned set with what was done and its band, plus unplanned logged sets.

    Bands: done (as planned), partial (fewer reps, a shorter hold or a lighter
    load than planned), missed (not logged), over (more reps, a longer hold or
    a heavier load than planned), unplanned (logged with no planned set), and
    planned (not done and dated after ``as_of``, the last logged day by default:
    the future is not missed yet).

    Matching: a log holding our template's keys matches the plan by key (the first
    logged set of a key); any other log (an app's) matches date + exercise + the n-th
    working set of that day + side. A hold logged without a side (side "both": the apps
    have no sides) of an exercise the plan sets per side counts for both sides, so the
    n-th such hold of a day matches the plan's n-th set on each side; holds beyond the
    plan's are reported once each as unplanned. A day with more such holds than the plan
    has on one side was logged one row per side (as the planner's app routines lay them
    out): its holds alternate left, right in time order. With ``by``, each group (athlete) is
    matched against its own plan rows, by its own rule and last logged day.
    ``unplanned=False`` leaves the unplanned sets out (for callers that count only the
    planned ones).
    """
    g_log, g_plan, groups = _group_codes(log, plan, by)
    has_key = (log["key"].notna().to_numpy(bool) if "key" in log.columns
               else np.zeros(len(log), bool))
    by_key = np.bincount(g_log[has_key], minlength=groups) > 0
    as_of_plan = _to_date(log, plan, as_of, g_log, g_plan, groups)
    rows = _holds_on_both_sides(log, plan, g_log, g_plan, by_key)
    work = np.flatnonzero(log["set_type"].isin(WORK_SETS).to_numpy(bool)[rows.pos])
    wpos = rows.pos[work]
    wkey, pkey = _match_numbers(log, plan, rows, work, g_log, g_plan, has_key, by_key)
    kept, hit_w = _first_logged_match(wkey, pkey)
    m = _planned_with_done(log, plan, wpos, hit_w)
    done_any = hit_w >= 0
    m["band"] = _bands(m, done_any, as_of_plan)
    # Logged working sets with no planned set (a hold without a side: once, as logged).
    matched = np.zeros(len(work), bool)
    matched[hit_w[done_any]] = True
    extra = kept & ~matched & (rows.first[work] | ~rows.copy[work]) & unplanned
    if extra.any():
        m = pd.concat(_same_categories(m, _unplanned_sets(log, wpos[extra], by)),
                      ignore_index=True)
    return m


def _to_date(log: pd.DataFrame, plan: pd.DataFrame, as_of, g_log: np.ndarray,
             g_plan: np.ndarray, groups: int) -> np.ndarray:
    """Each plan row's last day "to date": ``as_of``, else its group's last logged day (with
    nothing logged: NaT, all to come)."""
    if as_of is None:
        last = pd.Series(log["date"].to_numpy()).groupby(g_log).max().reindex(range(groups))
        return last.to_numpy()[g_plan]
    return np.full(len(plan), pd.Timestamp(as_of).to_datetime64())


class _MatchedRows(NamedTuple):
    """The log's rows as matched: ``pos``, the log row of each (a hold without a side of an
    exercise set per side: twice); ``copy``, such a hold; ``first``, its row's first;
    ``side``, the side code of each (the copies: left, then right); and the exercise and
    side codes that log and plan share."""

    pos: np.ndarray
    copy: np.ndarray
    first: np.ndarray
    side: np.ndarray
    ex_log: np.ndarray
    ex_plan: np.ndarray
    side_plan: np.ndarray


def _holds_on_both_sides(log: pd.DataFrame, plan: pd.DataFrame, g_log: np.ndarray,
                         g_plan: np.ndarray, by_key: np.ndarray) -> _MatchedRows:
    """A hold logged without a side (side "both"), of an exercise the group's plan sets per
    side, by a group that logs without keys, counts for both sides: two rows each."""
    ex_log, ex_plan = _shared_codes(log["exercise"], plan["exercise"])
    side = log["side"]
    side_log, side_plan, lr = _shared_codes(side.fillna("both"), plan["side"],
                                            pd.Series(["left", "right"]))
    n_ex = int(max(ex_log.max(initial=0), ex_plan.max(initial=0)) + 1)
    sided = np.unique((g_plan * n_ex + ex_plan)[np.isin(side_plan, lr)])
    both = (side.eq("both").fillna(False).to_numpy(bool) & ~by_key[g_log] & (ex_log >= 0)
            & np.isin(g_log * n_ex + ex_log, sided))
    alternate, left_first = _one_row_per_side(log, plan, both, g_log, g_plan, ex_log, ex_plan,
                                              side_plan, lr, n_ex)
    both &= ~alternate
    pos = np.repeat(np.arange(len(log)), np.where(both, 2, 1))
    copy = both[pos]
    first = np.ones(len(pos), bool)
    first[1:] = pos[1:] != pos[:-1]
    row_side = np.where(copy, np.where(first, lr[0], lr[1]),
                        np.where(alternate[pos], np.where(left_first[pos], lr[0], lr[1]),
                                 side_log[pos]))
    return _MatchedRows(pos, copy, first, row_side, ex_log, ex_plan, side_plan)


def _one_row_per_side(log: pd.DataFrame, plan: pd.DataFrame, both: np.ndarray,
                      g_log: np.ndarray, g_plan: np.ndarray, ex_log: np.ndarray,
                      ex_plan: np.ndarray, side_plan: np.ndarray, lr: np.ndarray, n_ex: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Of the holds without a side (``both``), those of a day and exercise that has MORE of
    them than the plan has holds on one side: logged one row per side, as the planner's app
    routines lay them out (left, then right: Hevy, Liftosaur and a watch have no sides), so
    they alternate left, right in time order rather than count twice. Fewer or as many are
    one row per hold, each for both sides. Returns (alternating, is the left one)."""
    alternate = np.zeros(len(log), bool)
    left = np.zeros(len(log), bool)
    if not both.any():
        return alternate, left
    day_log = pd.to_datetime(log["date"]).to_numpy()
    day_plan = pd.to_datetime(plan["date"]).to_numpy()
    at = np.flatnonzero(both)
    keys = pd.DataFrame({"g": g_log[at] * n_ex + ex_log[at], "d": day_log[at]})
    n = keys.groupby(["g", "d"], sort=False)["g"].transform("size").to_numpy()
    on_left = side_plan == lr[0]
    per_side = pd.DataFrame({"g": (g_plan * n_ex + ex_plan)[on_left], "d": day_plan[on_left]}
                            ).value_counts()
    k = per_side.reindex(pd.MultiIndex.from_frame(keys), fill_value=0).to_numpy()
    many = n > k
    rank = keys.groupby(["g", "d"], sort=False).cumcount().to_numpy()
    alternate[at[many]] = True
    left[at[many]] = rank[many] % 2 == 0
    return alternate, left


def _match_numbers(log: pd.DataFrame, plan: pd.DataFrame, rows: _MatchedRows,
                   work: np.ndarray, g_log: np.ndarray, g_plan: np.ndarray,
                   has_key: np.ndarray, by_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One number per logged working set (``work``: rows of ``rows``) and per plan row;
    equal numbers match. A keyed row matches by (group, key); any other by (group, day,
    exercise, side, n-th working set of that day and side). A plan row that cannot match
    (a set number below 1; a keyed plan's row without a key) gets -1."""
    wpos = rows.pos[work]
    nw = len(work)
    keyed, kp = has_key[wpos], by_key[g_plan]
    pset = plan["set"].to_numpy("int64", na_value=-1)
    match = _by_day_and_set_number(log, plan, rows, work, g_log, g_plan, pset)
    cannot = ~kp & (pset < 1)
    if keyed.any() or kp.any():
        no_key = pd.Series(pd.NA, index=plan.index, dtype="str")
        k_log, k_plan = _shared_codes(log["key"].iloc[wpos[keyed]],
                                      (plan["key"] if "key" in plan.columns else no_key)[kp])
        flag = np.concatenate([keyed, kp])
        match[flag] = _pack(np.concatenate([g_log[wpos][keyed], g_plan[kp]]),
                            np.concatenate([k_log, k_plan]) + 1)
        match = _pack(flag.astype("int64"), match)
        cannot[kp] = k_plan < 0
    return match[:nw], np.where(cannot, -1, match[nw:])


def _by_day_and_set_number(log: pd.DataFrame, plan: pd.DataFrame, rows: _MatchedRows,
                           work: np.ndarray, g_log: np.ndarray, g_plan: np.ndarray,
                           pset: np.ndarray) -> np.ndarray:
    """(group, day, exercise, side, n-th working set of that day and side) packed as one
    number, the logged working sets' then the plan rows' (``pset``: their set numbers).
    Codes are shifted by 1 so that a missing value (-1) packs as 0."""
    wpos = rows.pos[work]
    day_log, day_plan = _days(log["date"])[wpos], _days(plan["date"])
    day0 = int(min(day_log.min(initial=0), day_plan.min(initial=0)))
    slot = _pack(np.concatenate([g_log[wpos], g_plan]),
                 np.concatenate([day_log, day_plan]) - day0,
                 np.concatenate([rows.ex_log[wpos], rows.ex_plan]) + 1,
                 np.concatenate([rows.side[work], rows.side_plan]) + 1)
    n = _run_numbers(slot[:len(work)])
    return _pack(slot, np.concatenate([n, pset.clip(0)]))


def _first_logged_match(wkey: np.ndarray, pkey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which working sets are the first of their match number (a key logged twice: its
    first set), and the working set each planned set matches (-1: not logged)."""
    uniq, firsts = np.unique(wkey, return_index=True)
    kept = np.zeros(len(wkey), bool)
    kept[firsts] = True
    at = np.searchsorted(uniq, pkey).clip(0, max(len(uniq) - 1, 0))
    found = (uniq[at] == pkey) if len(uniq) else np.zeros(len(pkey), bool)
    hit_w = np.where(found, firsts[at] if len(uniq) else -1, -1)
    return kept, hit_w


def _planned_with_done(log: pd.DataFrame, plan: pd.DataFrame, wpos: np.ndarray,
                       hit_w: np.ndarray) -> pd.DataFrame:
    """The plan's rows with the reps, hold, load and source line of the set done for each
    (missing where not logged)."""
    take = np.full(len(hit_w), -1)
    take[hit_w >= 0] = wpos[hit_w[hit_w >= 0]]
    m = plan.reset_index(drop=True)
    for name, col in (("done_reps", "reps"), ("done_hold_s", "hold_s"),
                      ("done_load_kg", "load_kg"), ("source_line", "source_line")):
        m[name] = pd.api.extensions.take(log[col].array, take, allow_fill=True)
    return m


def _bands(m: pd.DataFrame, done_any: np.ndarray, as_of_plan: np.ndarray
           ) -> pd.api.extensions.ExtensionArray:
    """Each planned set's band: planned (nothing done, after its day to date), missed
    (nothing done), partial (less than planned, ``TOLERANCE`` aside), over (more), done."""
    tr, dr = m["target_reps"].astype("Float64"), m["done_reps"].astype("Float64")
    th, dh = m["target_hold_s"].astype("Float64"), m["done_hold_s"].astype("Float64")
    tl, dl = m["load_kg"].astype("Float64"), m["done_load_kg"].astype("Float64")
    tol = TOLERANCE
    # A planned load with no load logged means the planned load was used (template habit).
    dl = dl.fillna(tl)
    less = ((dr < tr) | (dh < th - tol) | (dl < tl - tol)).fillna(False)
    more = ((dr > tr) | (dh > th + tol) | (dl > tl + tol)).fillna(False)
    nothing = (dr.fillna(0) <= 0) & (dh.fillna(0) <= 0)
    future = (m["date"].to_numpy() > as_of_plan) | pd.isna(as_of_plan)
    band = np.select([(~done_any | nothing) & future, ~done_any | nothing, less, more],
                     [0, 1, 2, 3], 4).astype("int8")
    return _texts(band, ["planned", "missed", "partial", "over", "done"])


def _unplanned_sets(log: pd.DataFrame, at: np.ndarray, by: str | None) -> pd.DataFrame:
    """The logged sets at rows ``at`` as rows of the compliance table, band "unplanned"."""
    e = log[[*([by] if by else []), "date", "exercise", "set", "side", "reps", "hold_s",
             "load_kg", "source_line"]].iloc[at]
    cols = {"date": e["date"], "exercise": e["exercise"], "set": e["set"],
            "side": e["side"], "done_reps": e["reps"], "done_hold_s": e["hold_s"],
            "done_load_kg": e["load_kg"], "source_line": e["source_line"],
            "band": "unplanned"}
    if by is not None:
        cols = {by: e[by], **cols}
    return pd.DataFrame(cols)


def _same_categories(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``a`` and ``b`` with each column that is categorical in both on the union of their
    categories, so that ``pd.concat`` keeps it categorical instead of writing its texts."""
    cat = pd.CategoricalDtype
    both = [c for c in b.columns if c in a.columns and isinstance(a[c].dtype, cat)
            and isinstance(b[c].dtype, cat) and a[c].dtype != b[c].dtype]
    if not both:
        return a, b
    union = {c: a[c].cat.categories.union(b[c].cat.categories) for c in both}
    return (a.assign(**{c: a[c].cat.set_categories(u) for c, u in union.items()}),
            b.assign(**{c: b[c].cat.set_categories(u) for c, u in union.items()}))


def compliance_sessions(sets: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Per planned session and exercise (and ``by``: per athlete): sets planned, done,
    partial, missed, over, and a band."""
    keys = [*([by] if by else []), "week", "session_id", "date", "exercise"]
    planned = sets.loc[sets["band"] != "unplanned", [*keys, "band"]]
    groups = planned.groupby(keys, observed=True, sort=True)
    size = groups.size()
    ids = groups.ngroup().to_numpy("float64", na_value=-1).astype("int64")  # -1: a key missing
    counts = pd.DataFrame({b: np.bincount(ids[(planned["band"] == b).to_numpy(bool)
                                              & (ids >= 0)], minlength=len(size))
                           for b in BANDS[:5]}, index=size.index)
    counts = counts[list(BANDS[:5])].astype("int64").rename(columns={"planned": "to_come"})
    counts["planned"] = counts.sum(axis=1)
    due = counts["planned"] - counts["to_come"]
    counts["completion"] = ((counts["done"] + counts["over"]) / due.where(due > 0)).astype(float)
    counts["band"] = np.select(
        [due == 0, counts["missed"] == due, counts["partial"] + counts["missed"] > 0,
         counts["over"] > 0], ["planned", "missed", "partial", "over"], "done")
    return counts.reset_index().rename_axis(columns=None)


RATE_COLUMNS = ("compliance_deadlift", "compliance_glute_bridge",
                "compliance_rotational_stretch", "sessions_due", "sessions_done",
                "compliance_sessions", "compliance_sessions_4w")


def compliance_rates(sessions: pd.DataFrame, as_of, *, by: str | None = None) -> pd.DataFrame:
    """Compliance to date as shares, never per set row (the daily stretch holds are most of
    the rows, and must not hide skipped deadlifts), from ``compliance_sessions``' bands:

    - ``compliance_<exercise>``: the share of due exercise-sessions done in full (band
      "done" or "over");
    - ``sessions_due``, ``sessions_done``, ``compliance_sessions``: the sessions with
      something due, those with every exercise done in full, and their share;
      ``compliance_sessions_4w``: the same share over the sessions of the last
      ``RECENT_DAYS`` days up to ``as_of``.

    One row per ``by`` value (athlete) with something due; without ``by``, one row.
    """
    due = sessions[sessions["band"] != "planned"]
    group = due[by] if by else pd.Series(0, index=due.index)
    ok = due["band"].isin(["done", "over"])
    per_ex = ok.groupby([group, due["exercise"]], observed=True).mean().unstack()
    out = pd.DataFrame(index=per_ex.index)
    for e in ("deadlift", "glute_bridge", "rotational_stretch"):
        out[f"compliance_{e}"] = per_ex[e] if e in per_ex.columns else np.nan
    keys = [group, due["session_id"]]
    whole = ok.groupby(keys, observed=True).all()
    day = due["date"].groupby(keys, observed=True).min()
    recent = whole[day > pd.Timestamp(as_of) - pd.Timedelta(days=RECENT_DAYS)]
    g = whole.groupby(level=0)
    out["sessions_due"] = g.size()
    out["sessions_done"] = g.sum().astype("int64")
    out["compliance_sessions"] = g.mean().astype(float)
    out["compliance_sessions_4w"] = recent.groupby(level=0).mean().astype(float)
    return out.rename_axis(by)


def compliance_weeks(sets: pd.DataFrame) -> pd.DataFrame:
    """Per week and exercise: planned vs done sets, repetitions, volume load and hold time."""
    planned = sets[sets["band"] != "unplanned"].copy()
    completed = planned["band"].isin(["done", "over", "partial"])
    reps_done = planned["done_reps"].astype("Float64").where(completed, 0)
    load_done = planned["done_load_kg"].astype("Float64").fillna(planned["load_kg"])
    planned = planned.assign(
        sets_done=planned["band"].isin(["done", "over"]).astype(int),
        reps_planned=planned["target_reps"].astype("Float64"),
        reps_done=reps_done,
        volume_planned_kg=planned["target_reps"].astype("Float64") * planned["load_kg"],
        volume_done_kg=reps_done * load_done,
        hold_planned_s=planned["target_hold_s"].astype("Float64"),
        hold_done_s=planned["done_hold_s"].astype("Float64").where(completed, 0),
    )
    planned["due"] = (planned["band"] != "planned").astype(int)
    planned["sets_partial"] = (planned["band"] == "partial").astype(int)
    g = planned.groupby(["week", "exercise"])
    out = g.agg(sets_planned=("band", "size"), sets_due=("due", "sum"),
                sets_done=("sets_done", "sum"), sets_partial=("sets_partial", "sum"),
                reps_planned=("reps_planned", "sum"), reps_done=("reps_done", "sum"),
                volume_planned_kg=("volume_planned_kg", "sum"),
                volume_done_kg=("volume_done_kg", "sum"),
                hold_planned_s=("hold_planned_s", "sum"), hold_done_s=("hold_done_s", "sum"))
    out["completion"] = (out["sets_done"] / out["sets_due"].where(out["sets_due"] > 0)
                         ).astype(float)
    out["band"] = np.select(
        [out["sets_due"] == 0, out["completion"] >= 1,
         out["sets_done"] + out["sets_partial"] > 0],
        ["planned", "done", "partial"], "missed")
    st = planned[planned["exercise"] == "rotational_stretch"]
    if len(st):
        day_done = st.assign(ok=st["band"].isin(["done", "over"])).groupby(
            ["week", "date", "side"])["ok"].any().groupby(["week", "date"]).all()
        per_week = day_done.groupby("week").agg(["sum", "size"])
        idx = [(w, "rotational_stretch") for w in per_week.index]
        out.loc[idx, "stretch_days_done"] = per_week["sum"].to_numpy()
        out.loc[idx, "stretch_days_planned"] = per_week["size"].to_numpy()
    return out.reset_index()


# --- progression ---------------------------------------------------------------------------

def deadlift_sets(log: pd.DataFrame) -> pd.DataFrame:
    """The deadlift sets that estimate an e1RM: working and failure sets with a load and at
    least one repetition (columns date, load_kg, reps). The progression chart, the analysis'
    best e1RM and the next block's best e1RM of its weeks all read these."""
    return log.loc[(log["exercise"] == "deadlift") & log["set_type"].isin(WORK_SETS)
                   & log["load_kg"].notna() & (log["reps"].fillna(0) >= 1),
                   ["date", "load_kg", "reps"]]


def best_deadlift_e1rm(log: pd.DataFrame, since=None, until=None, formula: str = "epley"
                       ) -> metrics.BestE1RM | None:
    """The best deadlift e1RM [kg] of ``log`` from ``since`` to ``until`` (days included;
    None: open): :func:`planner.metrics.best_e1rm` of :func:`deadlift_sets`. The analysis
    and the next block both call this, so one period always gives one number."""
    return metrics.best_e1rm(deadlift_sets(log), since, until, formula=formula)


def recent_label(days: int, until) -> str:
    """"the 8 weeks to 27 Apr 2026" (or "the 10 days to ..."): the last ``days`` days up to
    ``until``, its day included."""
    span = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
    return f"the {span} to {day_text(until)}"


def deadlift_progress(log: pd.DataFrame, formula: str = "epley") -> pd.DataFrame:
    """Per deadlift session: top load, reps, volume load, best e1RM and PRs.

    The best e1RM of a session is the highest estimate over its working sets
    (:func:`deadlift_sets`; ``formula``, Epley by default), as
    :func:`planner.metrics.best_e1rm` computes it: the highest of these is the log's best
    e1RM. ``e1rm_reliable`` is False when that set had more than 12 repetitions
    (estimates from high reps are unreliable: Reynolds et al. 2006). ``e1rm_pr`` and
    ``load_pr`` mark new bests.
    """
    d = deadlift_sets(log)
    if d.empty:
        return pd.DataFrame(columns=["date", "top_load_kg", "reps", "volume_load_kg",
                                     "best_e1rm_kg", "best_set_reps", "e1rm_reliable",
                                     "e1rm_pr", "load_pr"])
    load = d["load_kg"].astype(float)
    reps = d["reps"].astype(float)
    d = d.assign(e1rm=metrics.e1rm(load.to_numpy(),
                                   np.minimum(reps.to_numpy(), metrics.E1RM_REPS_CAP), formula),
                 vl=load * reps)
    best_idx = d.groupby("date")["e1rm"].idxmax()
    s = d.groupby("date").agg(top_load_kg=("load_kg", "max"), reps=("reps", "sum"),
                              volume_load_kg=("vl", "sum"), best_e1rm_kg=("e1rm", "max"))
    s["best_set_reps"] = d.loc[best_idx.to_numpy(), "reps"].to_numpy()
    s["e1rm_reliable"] = s["best_set_reps"] <= metrics.E1RM_RELIABLE_MAX_REPS
    s["e1rm_pr"] = s["best_e1rm_kg"] > s["best_e1rm_kg"].cummax().shift(1).fillna(0)
    s["load_pr"] = s["top_load_kg"].astype(float) > s["top_load_kg"].astype(float).cummax().shift(
        1).fillna(0)
    return s.reset_index()


def e1rm_trend(sessions: pd.DataFrame, *, by: str | None = None) -> float | pd.Series:
    """Least-squares slope of the best e1RM per session against time [kg/week]: NaN with
    fewer than 2 sessions or all on one day. With ``by`` (the athlete column), one slope
    per athlete, as a Series."""
    group = sessions[by].to_numpy() if by else np.zeros(len(sessions), "int64")
    days = sessions["date"].to_numpy().astype("datetime64[s]").astype("float64") / 86400.0
    f = pd.DataFrame({"g": group, "x": days,
                      "y": sessions["best_e1rm_kg"].to_numpy(dtype=float)})
    g = f.groupby("g", sort=True)
    f["dx"] = f["x"] - g["x"].transform("mean")
    f["dy"] = f["y"] - g["y"].transform("mean")
    f["sxy"], f["sxx"] = f["dx"] * f["dy"], f["dx"] ** 2
    g = f.groupby("g", sort=True)
    sxx = g["sxx"].sum()
    slope = (g["sxy"].sum() / sxx.where(sxx > 0) * 7).where(g.size() >= 2)
    if by:
        return slope.rename_axis(by).rename("e1rm_trend_kg_per_week")
    return float(slope.iloc[0]) if len(slope) else float("nan")


def hold_progress(log: pd.DataFrame) -> pd.DataFrame:
    """Per day: holds of the stretch done per side and the mean and shortest hold. [s]"""
    h = log.loc[(log["exercise"] == "rotational_stretch") & log["hold_s"].notna(),
                ["date", "side", "hold_s"]]
    if h.empty:
        return pd.DataFrame(columns=["date", "side", "holds", "mean_hold_s", "min_hold_s"])
    return (h.groupby(["date", "side"])["hold_s"]
            .agg(holds="size", mean_hold_s="mean", min_hold_s="min").reset_index())


def bridge_progress(log: pd.DataFrame) -> pd.DataFrame:
    """Per week (Monday-based): bridge sets and repetitions done."""
    b = log.loc[(log["exercise"] == "glute_bridge") & log["set_type"].isin(WORK_SETS),
                ["date", "reps"]]
    if b.empty:
        return pd.DataFrame(columns=["week_start", "sets", "reps"])
    wk = b["date"] - pd.to_timedelta(b["date"].dt.day_of_week, unit="D")
    return (b.groupby(wk.rename("week_start"))["reps"].agg(sets="size", reps="sum")
            .reset_index())


# --- load ----------------------------------------------------------------------------------

def daily_load(log: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Per calendar day (rest days 0): volume load [kg], deadlift volume load [kg], time
    under tension [s], session-RPE load [AU] (session RPE x minutes, once per session) and
    ``logged`` (the log holds a row that day).

    A session logged without its RPE or its duration has a missing session-RPE
    load (NaN), not 0: a day holding one is missing too; days without any
    session are rest days (0). With ``by`` (the athlete column), every athlete's days
    (from their first logged day to their last) at once, the column first. Which days
    are training and which a gap (a layoff) is :func:`training_load`'s to say.
    """
    group, names = (pd.factorize(log[by]) if by else (np.zeros(len(log), "int64"), [0]))
    names = pd.Index(names)
    is_work = log["set_type"].isin(WORK_SETS).to_numpy(bool)
    work = log.loc[is_work, ["date", "exercise", "reps", "load_kg", "hold_s"]]
    vl = (work["reps"].astype("Float64") * work["load_kg"]).fillna(0).to_numpy(float)
    is_dl = (work["exercise"] == "deadlift").to_numpy(dtype=bool)
    tut = work["hold_s"].astype("Float64").fillna(0).to_numpy(float)
    per_day = pd.DataFrame({"_g": group[is_work], "date": work["date"].to_numpy(),
                            "volume_load_kg": vl,
                            "deadlift_volume_load_kg": np.where(is_dl, vl, 0.0), "tut_s": tut})
    out = per_day.groupby(["_g", "date"]).sum()
    rated = np.zeros(len(names), bool)
    if "session_rpe" in log.columns:
        rated[np.unique(group[log["session_rpe"].notna().to_numpy(bool)])] = True
    if rated.any():
        mine = rated[group]
        r = log[mine]
        sess = r.groupby([group[mine], r["session_id"].to_numpy()], sort=False).agg(
            date=("date", "first"), rpe=("session_rpe", "first"), mins=("session_min", "first"))
        srpe = sess["rpe"].astype(float) * sess["mins"].astype(float)
        key = [sess.index.get_level_values(0), sess["date"].to_numpy()]
        unrated = srpe.isna().groupby(key).any()  # one unrated session: the day is unknown
        srpe = srpe.groupby(key).sum().where(~unrated)
        out = out.join(srpe.rename("srpe_load").rename_axis(["_g", "date"]), how="outer")
    else:
        out["srpe_load"] = np.nan
    if out.empty:
        out = out.reset_index().assign(logged=pd.Series(dtype=bool))
        if not by:
            return out.drop(columns="_g")
        return out.assign(_g=names[out["_g"].to_numpy("int64")]).rename(columns={"_g": by})
    # Every day from each athlete's first to last, in order.
    span = out.reset_index().groupby("_g")["date"].agg(["min", "max"])
    length = ((span["max"] - span["min"]).dt.days + 1).to_numpy()
    days = (np.repeat(span["min"].to_numpy(), length)
            + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length))
            .astype("timedelta64[D]"))
    full = pd.MultiIndex.from_arrays([np.repeat(span.index.to_numpy(), length), days],
                                     names=["_g", "date"])
    with_sets = out.index
    out = out.reindex(full)
    cols = ["volume_load_kg", "deadlift_volume_load_kg", "tut_s"]
    out[cols] = out[cols].fillna(0)
    any_row = pd.MultiIndex.from_arrays([group, log["date"].to_numpy()])
    out["logged"] = out.index.isin(any_row) | out.index.isin(with_sets)
    if rated.any():  # a rated athlete's days without a session are rest days: 0
        rest = ~out["logged"].to_numpy(bool) & rated[out.index.get_level_values(0).to_numpy()]
        out.loc[rest, "srpe_load"] = 0.0
    out = out.reset_index()
    if not by:
        return out.drop(columns="_g")
    return out.assign(_g=names[out["_g"].to_numpy()]).rename(columns={"_g": by})


#: Days without a logged session after which training counts as stopped: the days between
#: two sessions further apart than this are a gap (no data), not rest days of load 0, and
#: every line of a chart breaks there (the project's own choice: the cap's 4 weeks, the
#: chronic window of the ACWR).
GAP_DAYS = CAP_WINDOW_DAYS

#: The measures a stretch of training's load can be in, in words.
LOAD_BASES = {"srpe_load": "session-RPE load (AU)",
              "volume_load_kg": "volume load of all logged lifts (kg)",
              "none": "no load logged (no session RPE and minutes, no external load)"}


def _logged(daily: pd.DataFrame) -> np.ndarray:
    """Which days of ``daily`` hold a session (its ``logged`` column; without it, a day
    with a load, a hold or a session-RPE load)."""
    if "logged" in daily:
        return daily["logged"].to_numpy(bool)
    return ((daily["volume_load_kg"] > 0) | (daily["tut_s"] > 0)
            | (daily["srpe_load"].fillna(0) > 0)).to_numpy(bool)


def training_load(daily: pd.DataFrame, *, by: str | None = None, gap_days: int = GAP_DAYS
                  ) -> pd.DataFrame:
    """The daily load the load metrics run on: per day of ``daily`` (:func:`daily_load`,
    in its order), its ``stretch`` of training, that stretch's ``measure`` and the ``load``.

    Notes
    -----
    A stretch runs from a logged day to the next one more than ``gap_days`` later; the
    days between stretches are a gap (stretch and measure missing, load NaN): nothing
    was logged, so nothing is known, never a load of 0. Each stretch has one measure, so
    that no rolling window or average mixes units:

    - "srpe_load", session RPE x minutes (Foster 2001), when every logged day of the
      stretch has it (its rest days are 0);
    - else "volume_load_kg", sets x reps x external load of every logged lift (Haff 2010),
      the measure of the weekly volume chart: app exports carry no session RPE or
      duration. Body-weight work adds nothing to it;
    - else "none" (no RPE, no duration, no external load: load NaN), said so.

    The project's own rule; with ``by`` (the athlete column), per athlete at once.
    """
    keys = [by, "date"] if by else ["date"]
    out = daily[keys].reset_index(drop=True)
    n = len(daily)
    g = pd.factorize(daily[by])[0] if by else np.zeros(n, "int64")
    logged = _logged(daily)
    pos = np.flatnonzero(logged)
    day = daily["date"].to_numpy().astype("datetime64[D]")
    new = np.ones(len(pos), bool)
    new[1:] = (g[pos][1:] != g[pos][:-1]) | (np.diff(day[pos]).astype("int64") > gap_days)
    sid = np.full(n, np.nan)
    sid[pos] = np.cumsum(new)
    back = pd.Series(sid).groupby(g).ffill().to_numpy()
    ahead = pd.Series(sid).groupby(g).bfill().to_numpy()
    stretch = np.where(back == ahead, back, np.nan)  # between two stretches: a gap
    srpe = daily["srpe_load"].to_numpy(dtype=float, na_value=np.nan)
    vol = daily["volume_load_kg"].to_numpy(dtype=float, na_value=np.nan)
    per = pd.DataFrame({"s": stretch, "unrated": logged & np.isnan(srpe), "vol": vol > 0}
                       ).groupby("s").agg(unrated=("unrated", "any"), vol=("vol", "any"))
    kind = pd.Series(np.select([~per["unrated"].to_numpy(bool), per["vol"].to_numpy(bool)],
                               ["srpe_load", "volume_load_kg"], "none"), index=per.index)
    measure = pd.Series(stretch).map(kind).to_numpy(object)
    load = np.select([measure == "srpe_load", measure == "volume_load_kg"], [srpe, vol], np.nan)
    first = pd.Series(stretch).groupby(g).transform("min").to_numpy()
    out["stretch"] = pd.array(stretch - first + 1, dtype="Float64").astype("Int64")
    out["measure"] = pd.array(measure, dtype="str")
    out["load"] = load
    return out


def load_basis(daily: pd.DataFrame, *, by: str | None = None) -> str | pd.Series:
    """The measure of the last stretch of training (:func:`training_load`): what the latest
    ACWR and CTL run on; "volume_load_kg" with no day at all. With ``by``, each athlete's,
    as a Series."""
    if by is None:
        if not len(daily):
            return "volume_load_kg"
        return str(training_load(daily)["measure"].iloc[-1])
    tl = training_load(daily, by=by)
    return (tl.groupby(by, sort=True)["measure"].last().astype(object)
            .rename("load_basis"))


def load_metrics(load: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ACWR (rolling coupled and uncoupled, EWMA; the zone of the rolling coupled) and
    fitness, fatigue and form (CTL/ATL/TSB) per day of one athlete's ``load``
    (:func:`training_load`), each with the day's ``stretch`` and ``measure``.

    Each stretch is computed on its own, from its first day, in its one measure
    (:func:`planner.metrics.acwr`, :func:`planner.metrics.fitness_fatigue`): a ratio or an
    average never spans a gap or mixes units. Days in a gap, or of a stretch with no load
    logged, are NaN, so lines break there.
    """
    load = load.reset_index(drop=True)
    idx = pd.RangeIndex(len(load))
    acwr = pd.DataFrame(np.nan, index=idx,
                        columns=["rolling_coupled", "rolling_uncoupled", "ewma"])
    fit = pd.DataFrame(np.nan, index=idx, columns=["ctl", "atl", "tsb"])
    known = load["load"].notna().to_numpy(bool)
    for _, part in load[known].groupby("stretch", sort=True):
        s = pd.Series(part["load"].to_numpy(float), index=pd.DatetimeIndex(part["date"]))
        at = part.index.to_numpy()
        acwr.loc[at, "rolling_coupled"] = metrics.acwr(s, "rolling", coupled=True)[
            "acwr"].to_numpy()
        acwr.loc[at, "rolling_uncoupled"] = metrics.acwr(s, "rolling", coupled=False)[
            "acwr"].to_numpy()
        acwr.loc[at, "ewma"] = metrics.acwr(s, "ewma")["acwr"].to_numpy()
        fit.loc[at, ["ctl", "atl", "tsb"]] = metrics.fitness_fatigue(s, model="exp").to_numpy()
    acwr["zone"] = metrics.acwr_zones(acwr["rolling_coupled"])
    head = load[["date", "stretch", "measure"]].reset_index(drop=True)
    return (pd.concat([head[["date"]], acwr, head[["stretch", "measure"]]], axis=1),
            pd.concat([head[["date"]], fit, head[["stretch", "measure"]]], axis=1))


def load_in_words(load: pd.DataFrame) -> str:
    """What the load metrics of ``load`` (:func:`training_load`) run on, in words: one
    measure, or each stretch's with its period; and how much session RPE was left unused."""
    known = load[load["stretch"].notna()]
    if not len(known):
        return LOAD_BASES["volume_load_kg"]
    parts = known.groupby("stretch", sort=True).agg(
        measure=("measure", "first"), first=("date", "min"), last=("date", "max"))
    if parts["measure"].nunique() == 1:
        return LOAD_BASES[parts["measure"].iloc[0]]
    return "; ".join(f"{LOAD_BASES[m]}, {period_text(a, b)}"
                     for m, a, b in parts.itertuples(index=False))


def weekly_load(daily: pd.DataFrame, basis: str, start, first_week: int = 1) -> pd.DataFrame:
    """Per programme week (7 days from ``start``): the loads summed, the days logged and
    those with a session-RPE load (``days_rated``), and the monotony and strain of that
    week's 7 daily values of ``basis`` (:func:`planner.metrics.week_monotony`): NaN for a
    week with a missing day (a day in a gap, or a session without its measure) or fewer than
    7 days logged so far. With the columns of :func:`training_load`, each week's
    ``measure`` too."""
    week = programme_weeks(daily["date"], start, first_week)
    values = daily[basis].astype(float)
    g = values.groupby(week.to_numpy())
    num = daily.drop(columns=[c for c in ("date", "stretch", "logged") if c in daily]
                     ).select_dtypes("number")
    out = num.groupby(week.to_numpy()).sum(min_count=1)
    # metrics.week_monotony and week_strain, for every week at once: NaN unless the week
    # has 7 days and none missing; SD 0 gives NaN.
    size, known = g.size(), g.count()
    mean, sd = g.mean(), g.std(ddof=0)
    full = (size == 7) & (known == 7) & (sd > 1e-12)
    out["days"] = size
    logged = _logged(daily)
    out["days_logged"] = pd.Series(logged).groupby(week.to_numpy()).sum()
    if "srpe_load" in daily:
        rated = logged & daily["srpe_load"].notna().to_numpy(bool)
        out["days_rated"] = pd.Series(rated).groupby(week.to_numpy()).sum()
    if "measure" in daily:
        out["measure"] = daily["measure"].groupby(week.to_numpy()).first()
    out["monotony"] = (mean / sd).where(full)
    out["strain"] = (g.sum() * out["monotony"]).where(full)
    out = out.rename_axis("week").reset_index()
    out.insert(1, "week_start", pd.Timestamp(start).normalize()
               + pd.to_timedelta((out["week"] - first_week) * 7, unit="D"))
    out.insert(2, "week_end", out["week_start"] + pd.Timedelta(days=6))
    return out


# --- pain ----------------------------------------------------------------------------------

PAIN = ("pain_during", "pain_after", "pain_next_morning")
#: Stop rules (docs/science.md, "Safety of the adaptive loop"): pain of this much or more.
STOP_PAIN = 7.0
#: Stop rules: next-morning pain not settled on this many logged sessions running.
STOP_UNSETTLED_SESSIONS = 2
CLINICIAN = "Stop progressing and see a clinician before you train on."
#: The message for a cauda equina sign (docs/science.md, "Red flags in the notes").
URGENT = ("Urgent: seek care today (an emergency department or your doctor): these can be "
          "signs of pressure on the nerves at the base of the spine. Do not train until "
          "you have been seen.")
#: A week's status, from the worst down: every week is exactly one of these.
PAIN_STATUSES = ("stop", "outside rules", "pain unreadable", "no pain data", "within rules")


def programme_weeks(dates: pd.Series, start, first_week=1) -> pd.Series:
    """Programme week number of each date: weeks of 7 days from ``start`` (week
    ``first_week``), as the plan counts them; dates before ``start`` get week 0 or less.
    ``start`` and ``first_week`` may also be given per date (arrays as long as ``dates``:
    each athlete's own)."""
    if np.ndim(start) == 0:
        anchor = pd.Timestamp(start).normalize()
    else:
        anchor = pd.Series(pd.DatetimeIndex(np.asarray(start)).normalize(), index=dates.index)
    return ((dates - anchor).dt.days // 7 + np.asarray(first_week)).astype("int64")


def _per_group(value, names: pd.Index, default: np.ndarray) -> np.ndarray:
    """``value`` (a scalar, or with groups a Series or mapping by group name; None: the
    ``default``) for each group in ``names``' order."""
    if value is None:
        return default
    if isinstance(value, (pd.Series, dict)):
        got = pd.Series(value).reindex(names)
        return np.where(got.isna().to_numpy(), default, got.to_numpy())
    return np.full(len(names), value)


def pain_status(log: pd.DataFrame, rules: PainRules | None = None, *, start=None,
                first_week=1, by: str | None = None,
                unreadable: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily worst pain and each programme week's status under ``rules``.

    Weeks run 7 days from ``start`` (the plan's first day; the Monday of the first logged
    day when None), so a partial last week counts. A week's status:

    - "stop": a stop rule (docs/science.md): pain of ``STOP_PAIN`` (7/10) or more;
      next-morning pain not settled on two logged sessions running; or a note
      telling of pain, numbness or weakness spreading into a leg;
    - "outside rules": pain during or after above its limit (Thomeé 1997;
      Silbernagel et al. 2007), next-morning pain not settled, or the week's
      mean pain during, after or next morning at least ``rules.weekly_rise``
      above the lowest of the four weeks before (catches slow creep; the
      threshold and the 4-week window are the project's own);
    - "pain unreadable": a pain written that nobody could read (``unreadable``: its
      date and text, and with ``by`` the athlete) and no rule broken: never "within";
    - "no pain data": the week has no pain score at all: never read as "within";
    - "within rules".

    The week's ``urgent`` column is True where a note told of a cauda equina sign
    (planner.symptoms): the message is then ``URGENT``.

    With ``by`` (the athlete column), every athlete's weeks at once, each by their own
    baseline and weeks: ``start`` and ``first_week`` may then be Series (or dicts) by
    athlete, an athlete missing from them taking the default; both tables gain the column.
    """
    rules = rules or PainRules()
    cols = [c for c in PAIN if c in log.columns]
    has = log[cols].notna().any(axis=1) if cols else pd.Series(False, index=log.index)
    notes = _leg_notes(log)
    unread = (unreadable if unreadable is not None
              else pd.DataFrame(columns=["date", "text", *([by] if by else [])]))
    if not has.any() and notes.empty and unread.empty:
        return _no_pain_tables(by)
    weeks = _athlete_weeks(log, by, start, first_week)
    daily = _worst_pain_per_day(log, has, cols, weeks)
    w, leg = _scores_per_programme_week(daily, log, notes, weeks)
    w, unread_text = _unreadable_weeks(w, unread, weeks, by)
    urgent = _urgent_weeks(w, log, notes, weeks)
    base = _morning_baseline(daily, rules, len(weeks.names))
    wg = w.index.get_level_values("_g").to_numpy("int64")
    dg = daily["_g"].to_numpy("int64")
    low4 = _lowest_of_4_weeks_before(w, wg)
    stops = _stop_rules(w, daily, leg, base[dg] + rules.morning_over_baseline)
    broken = [*_pain_limits_broken(w, base[wg], rules), *_weekly_rises(w, low4, rules)]
    w = _status_in_words(w, stops, broken, base[wg], unread_text)
    w["urgent"] = urgent
    w = w.reset_index()
    w.insert(2, "week_start", _week_starts(w, wg, log, weeks, by, start, first_week))
    daily = daily.drop(columns="week")
    if by:
        w["_g"] = weeks.names[wg]
        daily["_g"] = weeks.names[dg]
        return daily.rename(columns={"_g": by}), w.rename(columns={"_g": by})
    return daily.drop(columns="_g"), w.drop(columns="_g")


def _no_pain_tables(by: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``pain_status`` of a log with no pain score and no leg note: both tables empty."""
    lead = [by] if by else []
    return (pd.DataFrame(columns=[*lead, "date", *PAIN]),
            pd.DataFrame(columns=[*lead, "week", "week_start", "status", "reasons", "stop",
                                  "urgent"]))


@dataclass(frozen=True)
class _AthleteWeeks:
    """Each log row's athlete (``codes``: a code, all 0 without ``by``; ``names`` in code
    order) and each athlete's programme weeks: ``anchor`` (day 0 of their week
    ``first_week``) and ``first_week``."""

    codes: np.ndarray
    names: pd.Index
    anchor: np.ndarray
    first_week: np.ndarray

    def of(self, g: np.ndarray, dates: pd.Series) -> np.ndarray:
        """The programme week of each date of athlete ``g``."""
        return programme_weeks(dates, self.anchor[g], self.first_week[g]).to_numpy()


def _athlete_weeks(log: pd.DataFrame, by: str | None, start, first_week) -> _AthleteWeeks:
    """Each athlete's programme weeks: from ``start`` (their own when given per athlete;
    else the Monday of their first logged day), numbered from ``first_week`` (else 1)."""
    codes, names = (pd.factorize(log[by], sort=True) if by
                    else (np.zeros(len(log), "int64"), pd.Index([0])))
    codes = codes.astype("int64")
    names = pd.Index(names)
    first = pd.Series(log["date"].to_numpy()).groupby(codes).min().reindex(
        range(len(names))).dt.normalize()
    monday = (first - pd.to_timedelta(first.dt.day_of_week, unit="D")).to_numpy()
    anchor = pd.to_datetime(_per_group(start, names, monday)).normalize().to_numpy()
    fweek = _per_group(first_week, names, np.ones(len(names), "int64")).astype("int64")
    return _AthleteWeeks(codes, names, anchor, fweek)


def _worst_pain_per_day(log: pd.DataFrame, has: pd.Series, cols: list[str],
                        weeks: _AthleteWeeks) -> pd.DataFrame:
    """Per athlete (``_g``) and day with a pain score: the worst pain during, after and next
    morning (Float64), and the programme week of the day."""
    p = log.loc[has, ["date", *cols]].reindex(columns=["date", *PAIN])
    daily = p.groupby([weeks.codes[has.to_numpy()], p["date"].to_numpy()])[list(PAIN)].max()
    daily = daily.rename_axis(["_g", "date"]).reset_index()
    for c in PAIN:
        daily[c] = daily[c].astype("Float64")
    daily["week"] = weeks.of(daily["_g"].to_numpy("int64"), daily["date"])
    return daily


def _scores_per_programme_week(daily: pd.DataFrame, log: pd.DataFrame, notes: pd.DataFrame,
                               weeks: _AthleteWeeks) -> tuple[pd.DataFrame, pd.Series]:
    """Per athlete and programme week (index ``_g``, ``week``): the worst and the mean pain
    during, after and next morning (Float64), with a row for each week that has a leg note
    but no score; and the first leg note of each week that has one."""
    w = daily.groupby(["_g", "week"]).agg(
        max_during=("pain_during", "max"), max_after=("pain_after", "max"),
        max_morning=("pain_next_morning", "max"), mean_during=("pain_during", "mean"),
        mean_after=("pain_after", "mean"), mean_morning=("pain_next_morning", "mean"))
    ng = (weeks.codes[log.index.get_indexer(notes.index)] if len(notes)
          else np.zeros(0, "int64"))
    nweek = weeks.of(ng, notes["date"]) if len(notes) else np.zeros(0, "int64")
    if len(notes):  # the weeks with a leg note, each once (a union keeps repeats)
        w = w.reindex(w.index.union(pd.MultiIndex.from_arrays(
            [ng, nweek], names=["_g", "week"]).unique()))
    w = w.astype("Float64").sort_index()  # weeks in order, whatever order the notes came in
    leg = (notes.assign(_g=ng, week=nweek).groupby(["_g", "week"])["note"].first()
           if len(notes) else pd.Series(dtype=object, index=w.index[:0]))
    return w, leg


def _unreadable_weeks(w: pd.DataFrame, unread: pd.DataFrame, weeks: _AthleteWeeks,
                      by: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """``w`` with a row for each week that has an unreadable pain text (``unread``: date,
    text, and with ``by`` the athlete; athletes without a logged set are left out), and per
    week the texts in words ("" where none)."""
    if by and len(unread):
        g = weeks.names.get_indexer(unread[by])
        unread, g = unread[g >= 0], g[g >= 0]
    else:
        g = np.zeros(len(unread), "int64")
    if unread.empty:
        return w, np.full(len(w), "", dtype=object)
    g = np.asarray(g, dtype="int64")
    uweek = weeks.of(g, pd.Series(pd.to_datetime(unread["date"].to_numpy())))
    idx = pd.MultiIndex.from_arrays([g, uweek], names=["_g", "week"])
    w = w.reindex(w.index.union(idx.unique())).sort_index()
    texts = pd.Series(unread["text"].astype(str).to_numpy(), index=idx)
    said = texts.groupby(level=[0, 1]).agg(lambda x: ", ".join(
        f"'{t[:30]}'" for t in dict.fromkeys(x))[:120])
    return w, said.reindex(w.index).fillna("").to_numpy(object)


def _urgent_weeks(w: pd.DataFrame, log: pd.DataFrame, notes: pd.DataFrame,
                  weeks: _AthleteWeeks) -> np.ndarray:
    """Per week of ``w``: whether a note that week told of a cauda equina sign."""
    if notes.empty or "urgent" not in notes or not notes["urgent"].any():
        return np.zeros(len(w), bool)
    u = notes[notes["urgent"]]
    ng = weeks.codes[log.index.get_indexer(u.index)]
    idx = pd.MultiIndex.from_arrays([ng, weeks.of(ng, u["date"])], names=["_g", "week"])
    return w.index.isin(idx)


def _morning_baseline(daily: pd.DataFrame, rules: PainRules, athletes: int) -> np.ndarray:
    """Each athlete's next-morning baseline: ``rules.baseline`` when given, else the median
    next-morning pain of their first logged week, else 0."""
    if rules.baseline is not None:
        return np.full(athletes, float(rules.baseline))
    firstweek = daily["week"] == daily.groupby("_g")["week"].transform("min")
    med = daily.loc[firstweek].groupby("_g")["pain_next_morning"].median()
    return med.astype(float).reindex(range(athletes)).fillna(0.0).to_numpy()


def _lowest_of_4_weeks_before(w: pd.DataFrame, wg: np.ndarray) -> pd.DataFrame:
    """Each week's lowest value of each column over the 4 weeks before it (rows of the same
    athlete, ``wg``, only), NaN-skipping: what a weekly rise is measured from."""
    low4 = pd.DataFrame(index=w.index)
    for c in w.columns:
        v = w[c].to_numpy("float64", na_value=np.nan)
        lows = np.full(len(v), np.nan)
        for k in range(1, 5):
            shifted = np.full(len(v), np.nan)
            shifted[k:] = np.where(wg[k:] == wg[:-k], v[:-k], np.nan)
            lows = np.fmin(lows, shifted)
        low4[c] = lows
    return low4


# The reasons are written out only for the weeks that have them (most weeks have none): each
# rule gives one array over the weeks, its reason in words where broken, None elsewhere.

def _floats(col) -> np.ndarray:
    return pd.Series(col).to_numpy("float64", na_value=np.nan)


def _where_broken(weeks: pd.Index, mask, text) -> np.ndarray:
    """``text(i)`` for the weeks ``i`` where ``mask`` holds, None elsewhere."""
    mask = pd.Series(mask, index=weeks).fillna(False).to_numpy(bool)
    out = np.full(len(weeks), None, dtype=object)
    at = np.flatnonzero(mask)
    out[at] = [text(i) for i in at]
    return out


def _stop_rules(w: pd.DataFrame, daily: pd.DataFrame, leg: pd.Series,
                morning_limit: np.ndarray) -> list[np.ndarray]:
    """The stop rules broken each week: pain of ``STOP_PAIN`` or more; next-morning pain
    above ``morning_limit`` (per daily row) ``STOP_UNSETTLED_SESSIONS`` sessions running;
    symptoms spreading into a leg (a leg note that week)."""
    worst = _floats(w[["max_during", "max_after", "max_morning"]].max(axis=1))
    unsettled = _unsettled_runs(daily, morning_limit)
    leg_note = leg.reindex(w.index).fillna("").astype(str).to_numpy(object)
    return [
        _where_broken(w.index, worst >= STOP_PAIN, lambda i: f"stop: pain reached "
                      f"{worst[i]:g}/10 ({STOP_PAIN:g} or more)"),
        _where_broken(w.index, w.index.isin(unsettled), lambda i: "stop: next-morning pain "
                      f"had not settled {STOP_UNSETTLED_SESSIONS} sessions running"),
        _where_broken(w.index, w.index.isin(leg.index), lambda i: f"stop: {leg_note[i]}"),
    ]


def _pain_limits_broken(w: pd.DataFrame, baseline: np.ndarray, rules: PainRules
                        ) -> list[np.ndarray]:
    """The pain-monitoring limits broken each week: pain during or after above its limit;
    next-morning pain more than ``rules.morning_over_baseline`` above the baseline."""
    during, after, morning = (_floats(w[c]) for c in ("max_during", "max_after",
                                                      "max_morning"))
    return [
        _where_broken(w.index, w["max_during"] > rules.during_max, lambda i: "pain during "
                      f"reached {during[i]:g} (limit {rules.during_max:g})"),
        _where_broken(w.index, w["max_after"] > rules.after_max, lambda i: "pain after "
                      f"reached {after[i]:g} (limit {rules.after_max:g})"),
        _where_broken(w.index, w["max_morning"] > baseline + rules.morning_over_baseline,
                      lambda i: f"next-morning pain {morning[i]:g} had not settled (baseline "
                      f"{baseline[i]:g})"),
    ]


def _weekly_rises(w: pd.DataFrame, low4: pd.DataFrame, rules: PainRules) -> list[np.ndarray]:
    """Slow creep: a week's mean pain during, after or next morning ``rules.weekly_rise``
    or more above the lowest of the 4 weeks before."""
    out = []
    for col, label in (("mean_during", "pain during"), ("mean_after", "pain after"),
                       ("mean_morning", "morning pain")):
        mean, low = _floats(w[col]), _floats(low4[col])
        out.append(_where_broken(w.index, w[col] - low >= rules.weekly_rise,
                                 lambda i, mean=mean, low=low, label=label:
                                 f"the week's mean {label} rose to {mean[i]:.1f} from "
                                 f"{low[i]:.1f} (the lowest weekly mean of up to 4 weeks "
                                 "before)"))
    return out


def _status_in_words(w: pd.DataFrame, stops: list[np.ndarray], broken: list[np.ndarray],
                     baseline: np.ndarray, unread: np.ndarray) -> pd.DataFrame:
    """``w`` with each week's ``stop``, its ``reasons`` (stop rules first, "; " between),
    ``status`` and ``baseline_morning``: a week with a pain text nobody could read
    (``unread``) and no rule broken is "pain unreadable"; with no score and no stop rule,
    "no pain data"."""
    w["stop"] = np.logical_or.reduce([x != None for x in stops])  # noqa: E711 (per element)
    reasons = np.full(len(w), "", dtype=object)
    for i in np.flatnonzero(np.logical_or.reduce([x != None for x in stops + broken])):  # noqa: E711
        reasons[i] = "; ".join(x[i] for x in stops + broken if x[i] is not None)
    w["reasons"] = pd.array(reasons, dtype="str")
    status = np.where(w["stop"], "stop", np.where(w["reasons"] == "", "within rules",
                                                   "outside rules"))
    no_data = w[["max_during", "max_after", "max_morning"]].isna().all(axis=1) & ~w["stop"]
    status = np.where(no_data, "no pain data", status)
    unreadable = (unread != "") & ~np.isin(status, ["stop", "outside rules"])
    status = np.where(unreadable, "pain unreadable", status)
    w["reasons"] = pd.array(np.where(
        unreadable, [f"pain written as {t} could not be read" for t in unread],
        w["reasons"].to_numpy(object)), dtype="str")
    w["status"] = pd.array(status, dtype="str")
    w["baseline_morning"] = baseline
    return w


def _week_starts(w: pd.DataFrame, wg: np.ndarray, log: pd.DataFrame, weeks: _AthleteWeeks,
                 by: str | None, start, first_week):
    """The first day of each week of ``w``: with ``by``, from each athlete's anchor; for one
    athlete, in the date type of the ``start`` given (else the Monday of the first day)."""
    if by:
        return weeks.anchor[wg] + ((w["week"].to_numpy() - weeks.first_week[wg]) * 7
                                   ).astype("timedelta64[D]")
    first = pd.Timestamp(log["date"].min()).normalize()
    one = pd.Timestamp(start).normalize() if start is not None \
        else first - pd.Timedelta(days=first.day_of_week)
    return one + pd.to_timedelta((w["week"] - first_week) * 7, unit="D")


def _unsettled_runs(daily: pd.DataFrame, limit: np.ndarray) -> list[tuple[int, int]]:
    """(group, week) of the weeks in which next-morning pain above ``limit`` (per daily
    row) ended a run of ``STOP_UNSETTLED_SESSIONS`` logged sessions of that group."""
    known = daily["pain_next_morning"].notna().to_numpy(bool)
    m = daily[known]
    if m.empty:
        return []
    over = (m["pain_next_morning"].to_numpy("float64") > limit[known]).astype(int)
    g = m["_g"].to_numpy()
    new = np.ones(len(g), bool)
    new[1:] = g[1:] != g[:-1]
    run = pd.Series(over).groupby(np.cumsum((over == 0) | new)).cumsum().to_numpy()
    hit = run >= STOP_UNSETTLED_SESSIONS
    return sorted(set(zip(g[hit].tolist(), m["week"].to_numpy()[hit].tolist(), strict=True)))


def _leg_notes(log: pd.DataFrame) -> pd.DataFrame:
    """Rows whose note names a red flag of planner.symptoms (nerve-root signs in a leg, or
    a cauda equina sign: ``urgent``), or whose ``leg_symptoms`` column says yes; ``note``
    holds the sign and the words that triggered it, the urgent ones first."""
    cols = ["date", "note", "urgent"]
    if "note" not in log.columns and "leg_symptoms" not in log.columns:
        return pd.DataFrame(columns=cols)
    found = (find_symptoms(log["note"]) if "note" in log.columns
             else pd.DataFrame(columns=["symptom", "urgent", "label", "matched"]))
    text = log.loc[found.index, "note"].astype(str) if len(found) else pd.Series(dtype=str)
    said = pd.Series([f"{lab.split(':')[0].lower()} (note: '{t.strip()[:60]}')" for lab, t in
                      zip(found["label"], text, strict=True)],
                     index=found.index, dtype=object)
    urgent = found["urgent"].astype(bool)
    if "leg_symptoms" in log.columns:
        flag = log["leg_symptoms"].astype("str").str.strip().str.lower().isin(
            ("1", "yes", "y", "true"))
        extra = flag[flag & ~flag.index.isin(found.index)].index
        said = pd.concat([said, pd.Series("leg symptoms", index=extra, dtype=object)])
        urgent = pd.concat([urgent, pd.Series(False, index=extra)])
    out = pd.DataFrame({"date": log.loc[said.index, "date"], "note": said, "urgent": urgent})
    return out.sort_values("urgent", ascending=False, kind="stable")


# --- the whole analysis ---------------------------------------------------------------------

def analyse(log, plan: Plan | None = None, *, rules: PainRules | None = None,
            formula: str = "epley", as_of=None) -> Analysis:
    """Analyse ``log`` (a Log or its table), against ``plan`` when given.

    Compliance is to date (``as_of``, the last logged day by default): later
    planned sets are "planned", not missed. Weeks are the plan's programme weeks
    (with no plan, calendar weeks from Monday). A plan that the log
    does not overlap is not compared with it: ``summary["notes"]`` says so.
    """
    history = join_history(log, getattr(plan, "unit", None) or unit_of(log))
    table = history.table
    # Many filters by exercise and set type follow: compare small codes, not strings.
    table = table.assign(exercise=table["exercise"].astype("category"),
                         set_type=table["set_type"].astype("category"))
    notes: list[str] = list(history.notes)
    sets = sessions = weeks = None
    start, first_week, compared = _programme_weeks_of(table, plan, notes)
    if compared:
        sets = compliance_sets(table, plan.table, as_of)
        sessions = compliance_sessions(sets)
        weeks = compliance_weeks(sets)
    dl = deadlift_progress(table, formula)
    daily = daily_load(table)
    basis, daily, acwr, fitness, weekly = _load_metrics(daily, start, first_week)
    pain_daily, pain_weeks = pain_status(table, rules, start=start, first_week=first_week,
                                         unreadable=history.unreadable_pain)
    summary = _summary(table, dl, daily, pain_weeks, notes, as_of, formula)
    summary["typos"] = history.typos
    summary["current_week"] = (int(programme_weeks(pd.Series([table["date"].max()]), start,
                                                   first_week).iloc[0]) if len(table) else None)
    if sets is not None:
        last = pd.Timestamp(as_of) if as_of is not None else table["date"].max()
        summary.update(_compliance_summary(sets, sessions, last))
    return Analysis(sets, sessions, weeks, dl, hold_progress(table), bridge_progress(table),
                    daily, weekly, acwr, fitness, pain_daily, pain_weeks, basis, summary)


def _programme_weeks_of(table: pd.DataFrame, plan: Plan | None, notes: list[str]
                        ) -> tuple[pd.Timestamp, int, bool]:
    """Where the weeks start and the first one's number, and whether the log is compared
    with the plan: a plan the log overlaps gives its programme weeks; otherwise (no plan, or
    one the log does not overlap: ``notes`` says so) weeks are calendar weeks, Monday to
    Sunday, from week 1."""
    first = table["date"].min() if len(table) else pd.Timestamp("1970-01-05")
    start, first_week = first.normalize() - pd.Timedelta(days=first.day_of_week), 1
    if plan is None or not len(plan.table):
        return start, first_week, False
    p0, p1 = plan.table["date"].min(), plan.table["date"].max()
    inside = table["date"].between(p0, p1 + pd.Timedelta(days=6))
    if len(table) and not inside.any():
        notes.append(f"The log ({day_text(table['date'].min())} to "
                     f"{day_text(table['date'].max())}) and the plan ({day_text(p0)} to "
                     f"{day_text(p1)}) do not overlap: the log is analysed on its own.")
        return start, first_week, False
    return p0, int(plan.table["week"].min()), True


def _load_metrics(daily: pd.DataFrame, start, first_week: int
                  ) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The load basis (the last stretch's measure), ``daily`` with the columns of
    :func:`training_load`, and on that load the ACWR, CTL/ATL/TSB (:func:`load_metrics`) and
    the programme weeks' loads, monotony and strain (all empty without a logged day)."""
    if not len(daily):
        return "volume_load_kg", daily, pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    load = training_load(daily)
    daily = daily.reset_index(drop=True).assign(
        stretch=load["stretch"], measure=load["measure"], load=load["load"])
    acwr, fitness = load_metrics(load)
    weekly = weekly_load(daily, "load", start, first_week)
    return str(load["measure"].iloc[-1]), daily, acwr, fitness, weekly


def _summary(table: pd.DataFrame, dl: pd.DataFrame, daily: pd.DataFrame,
             pain_weeks: pd.DataFrame, notes: list[str], as_of=None, formula: str = "epley"
             ) -> dict[str, Any]:
    """The log, the deadlift and the pain weeks in figures; the pain counts are None
    without pain data (never 0). Each e1RM figure comes with a label naming its period:
    the whole log, and the ``E1RM_RECENT_DAYS`` to ``as_of`` (the last logged day by
    default), as the next block names its own."""
    has_pain = bool(len(pain_weeks)) and (pain_weeks["status"] != "no pain data").any()
    outside = int((pain_weeks["status"].isin(["outside rules", "stop"])).sum()) \
        if has_pain else None
    first, last = table["date"].min(), table["date"].max()
    best = best_deadlift_e1rm(table, formula=formula)
    end = pd.Timestamp(as_of) if as_of is not None else last
    recent = (best_deadlift_e1rm(table, *metrics.last_days(end, E1RM_RECENT_DAYS), formula)
              if len(table) else None)
    basis = str(daily["measure"].iloc[-1]) if "measure" in daily and len(daily) \
        else "volume_load_kg"
    return {
        "sets_logged": int(len(table)),
        "days_logged": int(table["date"].nunique()),
        "first_day": first,
        "last_day": last,
        "load_basis": basis,
        "load_basis_label": (load_in_words(daily) if "measure" in daily and len(daily)
                             else LOAD_BASES[basis]),
        "deadlift_sessions": int(len(dl)),
        "best_e1rm_kg": best.e1rm_kg if best is not None else None,
        "best_e1rm_period": period_text(first, last) if len(table) else None,
        "best_e1rm_label": ("best deadlift e1RM (Epley), " + period_text(first, last)
                            if len(table) else "best deadlift e1RM (Epley)"),
        "recent_e1rm_kg": recent.e1rm_kg if recent is not None else None,
        "recent_e1rm_label": ("best deadlift e1RM (Epley) of "
                              + recent_label(E1RM_RECENT_DAYS, end) if len(table) else None),
        "e1rm_trend_kg_per_week": (None if np.isnan(t := e1rm_trend(dl)) else t),
        "pain_data": has_pain,
        "weeks_outside_pain_rules": outside,
        "stop_weeks": int((pain_weeks["status"] == "stop").sum()) if has_pain else None,
        "weeks_pain_unreadable": (int((pain_weeks["status"] == "pain unreadable").sum())
                                  if has_pain else None),
        "notes": notes,
    }


def _compliance_summary(sets: pd.DataFrame, sessions: pd.DataFrame, last) -> dict[str, Any]:
    """Compliance to ``last`` in figures: planned sets, sets due and the share done, the
    bands; and the same shares as the coach's roster (planner.clinic.cohort): per session,
    per exercise."""
    due = sets[~sets["band"].isin(["unplanned", "planned"])]
    out: dict[str, Any] = {
        "planned_sets": int((sets["band"] != "unplanned").sum()),
        "sets_due": int(len(due)),
        "completion": float(due["band"].isin(["done", "over"]).mean()) if len(due) else None,
        "bands": sets["band"].value_counts().to_dict(),
    }
    rates = compliance_rates(sessions, last)
    r = rates.iloc[0] if len(rates) else pd.Series(np.nan, index=list(RATE_COLUMNS))
    out["sessions_due"] = int(r["sessions_due"]) if len(rates) else 0
    out["sessions_done"] = int(r["sessions_done"]) if len(rates) else 0
    for c in ("compliance_sessions", "compliance_sessions_4w", "compliance_deadlift",
              "compliance_glute_bridge", "compliance_rotational_stretch"):
        out[c] = None if pd.isna(r[c]) else float(r[c])
    return out


def headline_facts(a: Analysis, unit: str = "kg") -> list[tuple[str, str]]:
    """The analysis's headline figures as (label, value) in words, loads in ``unit``: the
    one list the page's facts and the report's table both show (so one figure is one
    number, its label naming its period). Missing data is said: "no deadlift data", "no
    pain data"."""
    s = a.summary
    facts: list[tuple[str, str]] = []
    if s.get("completion") is not None:
        facts.append(("planned sets done to date", f"{100 * s['completion']:.0f} %"))
    if s.get("compliance_sessions") is not None:
        facts.append(("sessions done in full",
                      f"{100 * s['compliance_sessions']:.0f} % of {s['sessions_due']}"))
    facts += [("sets logged", number_text(s.get("sets_logged", 0))),
              ("days logged", number_text(s.get("days_logged", 0)))]
    if s.get("first_day") is not None and pd.notna(s["first_day"]):
        facts.append(("logged from", f"{day_text(s['first_day'])} to {day_text(s['last_day'])}"))
    best = s.get("best_e1rm_kg")
    facts.append((s["best_e1rm_label"], "no deadlift data" if best is None
                  else f"{number_text(from_kg(best, unit))} {unit}"))
    if s.get("recent_e1rm_kg") is not None:
        facts.append((s["recent_e1rm_label"],
                      f"{number_text(from_kg(s['recent_e1rm_kg'], unit))} {unit}"))
    trend = s.get("e1rm_trend_kg_per_week")
    if trend is not None:
        t = round(float(from_kg(trend, unit)), 1)
        facts.append((f"e1RM trend, {s['best_e1rm_period']}",
                      f"{'+' if t > 0 else ''}{number_text(t)} {unit} a week"))
    facts.append(("deadlift sessions", number_text(s.get("deadlift_sessions", 0))))
    if s.get("pain_data"):
        facts.append(("weeks outside the pain rules", str(s["weeks_outside_pain_rules"])))
        if s.get("stop_weeks"):
            facts.append(("weeks with a stop rule: see a clinician", str(s["stop_weeks"])))
    else:
        facts.append(("pain: not checked against the pain rules", "no pain data"))
    return facts


def findings(a: Analysis) -> list[str]:
    """The summary in plain words, one line each, for a terminal, a report or a notebook.
    Missing data is said to be missing: "no pain data", never "0 problems"."""
    s = a.summary
    out = list(s.get("notes", []))
    if "completion" in s:
        out.append("planned sets done to date: "
                   + (f"{s['completion']:.0%} of {s['sets_due']}" if s["completion"] is not None
                      else "none due yet"))
        if s.get("compliance_sessions") is not None:
            names = (("deadlift", "deadlift"), ("glute_bridge", "bridge"),
                     ("rotational_stretch", "stretch"))
            per = ", ".join(f"{label} {s[f'compliance_{e}']:.0%}" for e, label in names
                            if s.get(f"compliance_{e}") is not None)
            out.append(f"sessions done in full: {s['compliance_sessions']:.0%} of "
                       f"{s['sessions_due']} due ({per})")
    if s["best_e1rm_kg"] is None:
        out.append("deadlift: no barbell deadlift in this log (sets with a load)")
    else:
        trend = s["e1rm_trend_kg_per_week"]
        out.append(f"best deadlift e1RM: {s['best_e1rm_kg']:.1f} kg (Epley, "
                   f"{s['best_e1rm_period']})"
                   + (f", trend {trend:+.2f} kg a week" if trend is not None else ""))
        if s.get("recent_e1rm_kg") is not None:
            out.append(f"{s['recent_e1rm_label']}: {s['recent_e1rm_kg']:.1f} kg")
    if not s["pain_data"]:
        out.append("pain: no pain data in this log (not checked against the pain rules)")
    else:
        pw = a.pain_weeks
        scored = pw[pw["status"] != "no pain data"]
        out.append(f"pain: {s['weeks_outside_pain_rules']} programme week(s) outside the pain "
                   f"rules, {s['stop_weeks']} with a stop rule"
                   + (f", {s['weeks_pain_unreadable']} with pain that could not be read"
                      if s.get("weeks_pain_unreadable") else ""))
        for _, row in pw[pw["status"].isin(["outside rules", "stop",
                                            "pain unreadable"])].iterrows():
            out.append(f"  week {int(row['week'])} ({day_text(row['week_start'])}): "
                       f"{row['reasons']}")
        last = scored.iloc[-1]
        now = s.get("current_week")
        if pw["urgent"].any():
            w = pw[pw["urgent"]].iloc[-1]
            out.append(f"week {int(w['week'])} noted a sign that needs care the same day: "
                       + URGENT)
        if last["status"] == "stop":
            out.append(f"week {int(last['week'])}, the last with pain scores, broke a stop rule: "
                       + CLINICIAN)
        elif now is not None and int(last["week"]) < now:
            out.append(f"pain: no pain data since week {int(last['week'])} (the log runs to "
                       f"week {now}): not checked against pain now")
        else:
            out.append(f"the last week with pain scores, week {int(last['week'])}, was "
                       f"{last['status']}")
    out.append(f"load metrics run on: {s['load_basis_label']}")
    return out
