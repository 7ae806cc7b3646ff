"""The cohort table: per-athlete rules checked against hand-computed values and against the
single-athlete analysis."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.clinic.cohort import cohort
from planner.clinic.store import ingest
from tests.clinic.test_store import HEADER

START = "2026-01-05"  # a Monday; the 2-week plan ends on Sunday 2026-01-18
AS_OF = pd.Timestamp("2026-01-18")


def _template(plan: planner.Plan, path: Path, *, skip: str | None = None,
              pain_day: str | None = None, rated: bool | str = False) -> Path:
    """A filled-in log template: every planned set done as written, except the exercise
    ``skip``; pain 2 during and after every day, 7 on ``pain_day``; with ``rated``, session
    RPE 5 for 30 minutes on every session but the first (``rated="all"``: on every one)."""
    planner.write_log_template(plan.table, path)
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    done = t["exercise"] != (skip or "")
    t.loc[done, "done_reps"] = t.loc[done, "target_reps"]
    t.loc[done, "done_hold_s"] = t.loc[done, "target_hold_s"]
    t.loc[done, "done_load_kg"] = t.loc[done, "load_kg"]
    if pain_day is not None:
        t.loc[done, ["pain_during", "pain_after", "pain_next_morning"]] = "2"
        t.loc[done & (t["date"] == pain_day), "pain_during"] = "7"
    if rated:
        later = done & ((t["session_id"] != t["session_id"].iloc[0]) | (rated == "all"))
        t.loc[later, "session_rpe"], t.loc[later, "session_min"] = "5", "30"
    t.to_csv(path, index=False)
    return path


def _strong_deadlifts(path: Path) -> Path:
    """Six weekly deadlift sessions, one set of 10 at 60, 65, ... 85 kg."""
    days = pd.date_range("2025-12-14", periods=6, freq="7D")
    rows = [f'{d:%Y-%m-%d} 18:00:00,"Back",30m,"Deadlift (Barbell)",1,{60 + 5 * i},10,0,0,,,'
            for i, d in enumerate(days)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cohort")
    plan = planner.generate(planner.PlanConfig(weeks=2, start_date=START))
    for athlete in ("ann", "bea", "cy", "dee"):
        (root / "roster" / athlete).mkdir(parents=True)
    plan.to_csv(root / "roster" / "ann" / "plan.csv")
    plan.to_csv(root / "roster" / "bea" / "plan.csv")
    _template(plan, root / "roster" / "ann" / "log.csv", skip="deadlift")
    _template(plan, root / "roster" / "bea" / "log.csv", pain_day="2026-01-14")
    _strong_deadlifts(root / "roster" / "cy" / "strong.csv")
    five = planner.generate(planner.PlanConfig(weeks=5, start_date="2025-12-15"))
    five.to_csv(root / "roster" / "dee" / "plan.csv")
    _template(five, root / "roster" / "dee" / "log.csv", skip="glute_bridge", rated=True)
    ingest(root / "roster", root / "store", unit="kg")
    return root


@pytest.fixture(scope="module")
def result(store):
    return cohort(store / "store", as_of=AS_OF)


def test_compliance_per_exercise_and_per_session_not_per_set(store, result):
    plan = planner.read_plan(store / "roster" / "ann" / "plan.csv").table
    sessions = plan.groupby("session_id")["exercise"].agg(set)
    with_dl = sum("deadlift" in s for s in sessions)
    rows = result.athletes.set_index("athlete")
    ann = rows.loc["ann"]
    assert ann["compliance_deadlift"] == 0.0
    assert ann["compliance_glute_bridge"] == 1.0
    assert ann["compliance_rotational_stretch"] == 1.0
    assert ann["sessions_due"] == len(sessions)
    assert ann["sessions_done"] == len(sessions) - with_dl
    assert ann["compliance_sessions"] == pytest.approx((len(sessions) - with_dl) / len(sessions))
    # Per set row the skipper would read far better: the holds are most of the rows.
    per_row = (plan["exercise"] != "deadlift").mean()
    assert per_row > 0.75 > ann["compliance_sessions"]
    bea = rows.loc["bea"]
    assert (bea["compliance_sessions"], bea["compliance_deadlift"]) == (1.0, 1.0)
    assert math.isnan(rows.loc["cy", "compliance_sessions"])


def test_pain_status_and_episodes(result):
    rows = result.athletes.set_index("athlete")
    assert rows.loc["bea", "pain_status"] == "stop"  # 7/10 on Wednesday of week 2
    assert "pain reached 7/10" in rows.loc["bea", "pain_reasons"]
    assert (rows.loc["bea", "pain_weeks"], rows.loc["bea", "pain_episodes"]) == (2, 1)
    assert rows.loc["ann", "pain_status"] == "no pain data"
    assert rows.loc["cy", "pain_status"] == "no pain data"
    assert result.pain.to_dict("records") == [{
        "athletes_with_pain_data": 1, "athlete_weeks": 2, "episodes": 1,
        "episodes_per_100_athlete_weeks": 50.0}]


def test_deadlift_trend_acwr_and_due(store, result):
    rows = result.athletes.set_index("athlete")
    cy = rows.loc["cy"]
    # Epley: e1RM = load x (1 + 10/30); loads rise 5 kg a week, so 20/3 kg a week.
    assert cy["best_e1rm_kg"] == pytest.approx(85 * 4 / 3)
    assert cy["e1rm_trend_kg_per_week"] == pytest.approx(20 / 3)
    assert cy["deadlift_sessions"] == 6
    # 36 days of data: acute = 850/7, chronic = (700+750+800+850)/28.
    assert cy["acwr"] == pytest.approx((850 / 7) / (3100 / 28))
    assert math.isnan(rows.loc["ann", "acwr"])  # 14 days: fewer than 28
    assert cy["last_session"] == pd.Timestamp("2026-01-18") and cy["days_since"] == 0
    assert bool(cy["due_next_block"])  # no plan
    assert bool(rows.loc["ann", "due_next_block"])  # the plan ends on as_of
    early = cohort(store / "store", as_of="2026-01-06").athletes.set_index("athlete")
    assert not bool(early.loc["ann", "due_next_block"])  # 12 days to go


def test_same_numbers_as_the_single_athlete_analysis(store, result):
    rows = result.athletes.set_index("athlete")
    for athlete in ("ann", "bea", "cy", "dee"):
        folder = store / "roster" / athlete
        log = planner.read_log(next(p for p in folder.iterdir()
                                    if p.name in ("log.csv", "strong.csv")), unit="kg")
        plan = planner.read_plan(folder / "plan.csv") if (folder / "plan.csv").exists() \
            else None
        a = planner.analyse(log, plan, as_of=AS_OF)
        s = a.summary
        assert rows.loc[athlete, "last_session"] == s["last_day"]
        trend = s["e1rm_trend_kg_per_week"]
        got = rows.loc[athlete, "e1rm_trend_kg_per_week"]
        assert (math.isnan(got) if trend is None else got == pytest.approx(trend))
        acwr = a.acwr["rolling_coupled"].iloc[-1]
        assert (math.isnan(rows.loc[athlete, "acwr"]) if pd.isna(acwr)
                else rows.loc[athlete, "acwr"] == pytest.approx(acwr))
        outside = s["weeks_outside_pain_rules"]
        assert rows.loc[athlete, "pain_episodes"] == (outside or 0)
        assert rows.loc[athlete, "load_basis"] == a.load_basis
        stretch = a.daily_load["stretch"]  # the days of the current stretch of training
        assert rows.loc[athlete, "days_of_data"] == (stretch == stretch.iloc[-1]).sum()
        if a.sessions is not None:  # the band of each due exercise-session, as analyse has it
            due = a.sessions[a.sessions["band"] != "planned"]
            ok = due["band"].isin(["done", "over"]).groupby(due["exercise"]).mean()
            for e, v in ok.items():
                assert rows.loc[athlete, f"compliance_{e}"] == pytest.approx(v), (athlete, e)
            whole = due.assign(ok=due["band"].isin(["done", "over"])).groupby(
                "session_id")["ok"].all()
            assert rows.loc[athlete, "compliance_sessions"] == pytest.approx(whole.mean())


def test_cohort_tables(result):
    dist = result.compliance.set_index("session_compliance")["athletes"]
    assert dist["80%-100%"] == 1 and dist["none due or no plan"] == 1
    assert dist.sum() == 4
    weekly = result.weekly_active.set_index("week_start")["active_athletes"]
    assert weekly[pd.Timestamp("2026-01-05")] == 4 and weekly[pd.Timestamp("2026-01-12")] == 4
    assert weekly[pd.Timestamp("2025-12-08")] == 1  # cy alone, before the plans began
    assert weekly[pd.Timestamp("2025-12-15")] == 2  # cy and dee


def cohort_rows(logs: dict, plan, as_of):
    """``athlete_rows`` of the athletes ``logs`` (id -> log table), all on ``plan``."""
    from planner.clinic.cohort import athlete_rows

    sets = pd.concat([t.assign(athlete=a) for a, t in logs.items()], ignore_index=True)
    plans = pd.concat([plan.table.assign(athlete=a) for a in logs], ignore_index=True)
    return athlete_rows(sets, plans, as_of)[0].set_index("athlete")


def assert_compliance_as_analyse(rows, athlete: str, an) -> None:
    """The cohort row's compliance per exercise and per session is ``an``'s (an Analysis
    of that athlete alone)."""
    due = an.sessions[an.sessions["band"] != "planned"]
    ok = due["band"].isin(["done", "over"])
    for e, v in ok.groupby(due["exercise"]).mean().items():
        assert rows.loc[athlete, f"compliance_{e}"] == pytest.approx(v), (athlete, e)
    whole = ok.groupby(due["session_id"]).all()
    assert rows.loc[athlete, "compliance_sessions"] == pytest.approx(whole.mean()), athlete
    assert rows.loc[athlete, "sessions_due"] == len(whole)


def test_app_logs_without_keys_match_per_athlete_as_analyse_does():
    """Two athletes on the same plan, their logs without template keys (as app exports):
    each athlete's compliance is the single-athlete analysis' own, not the other's."""
    import numpy as np

    from tests.logkit import simulate

    plan = planner.generate(planner.PlanConfig(weeks=4, start_date="2026-02-02"))
    as_of = pd.Timestamp("2026-03-01")
    logs = {a: simulate(plan.table, np.random.default_rng(seed), miss=miss, short=0.3)
            for a, seed, miss in (("amy", 1, 0.1), ("bo", 2, 0.5))}
    rows = cohort_rows(logs, plan, as_of)
    assert rows.loc["amy", "compliance_sessions"] != rows.loc["bo", "compliance_sessions"]
    for a, log in logs.items():
        assert_compliance_as_analyse(rows, a, planner.analyse(log, plan, as_of=as_of))


def test_vectorised_rules_equal_analyse_athlete_by_athlete():
    """Several athletes in one call (warm-ups, extra heavy singles, short and missed sets,
    pain): each row holds what ``analyse`` of that athlete alone says."""
    import numpy as np

    from tests.logkit import simulate

    plan = planner.generate(planner.PlanConfig(weeks=6, start_date="2026-02-02"))
    as_of = pd.Timestamp("2026-03-08")
    logs = {f"p{i}": simulate(plan.table, np.random.default_rng(10 + i), miss=0.1 * i,
                              short=0.2 * i, extras=i % 2 == 1,
                              pain=("flare", "calm", None)[i % 3])
            for i in range(5)}
    logs = {a: t[t["date"] <= as_of] for a, t in logs.items()}  # the cohort ignores later
    rows = cohort_rows(logs, plan, as_of)
    for a, log in logs.items():
        an = planner.analyse(log, plan, as_of=as_of)
        assert_compliance_as_analyse(rows, a, an)
        trend = an.summary["e1rm_trend_kg_per_week"]
        got = rows.loc[a, "e1rm_trend_kg_per_week"]
        assert (math.isnan(got) if trend is None else got == pytest.approx(trend)), a
        acwr = an.acwr["rolling_coupled"].iloc[-1]
        assert (math.isnan(rows.loc[a, "acwr"]) if pd.isna(acwr)
                else rows.loc[a, "acwr"] == pytest.approx(acwr)), a
        assert rows.loc[a, "pain_episodes"] == (an.summary["weeks_outside_pain_rules"] or 0)


def test_holds_logged_without_a_side_count_for_both_sides():
    """The apps have no sides: a stretch hold logged with side "both" counts for both sides
    of the plan's set when the person logged one row per hold (both sides at once), and
    once, on alternating sides, when they logged one per side (more rows than the plan has
    holds a side); a day with 2 of its 3 holds is partial. Cohort and analyse agree."""
    import numpy as np

    from planner.analysis import compliance_sets
    from tests.logkit import simulate

    plan = planner.generate(planner.PlanConfig(weeks=1, start_date="2026-02-02"))
    as_of = pd.Timestamp("2026-02-08")
    full = simulate(plan.table, np.random.default_rng(1))
    stretch = full["exercise"] == "rotational_stretch"
    per_side = full.assign(side=full["side"].where(~stretch, "both"))  # 6 rows a day
    per_hold = per_side[~stretch | (full["side"] == "left")]  # 3 rows a day
    first_day = full.loc[stretch, "date"].min()
    held = per_hold["exercise"] == "rotational_stretch"
    short = per_hold[~(held & (per_hold["date"] == first_day) & (per_hold["set"] == 3))]
    logs = {"per_side": per_side, "per_hold": per_hold, "short": short}
    for name, log in logs.items():
        sets = compliance_sets(log, plan.table, as_of=as_of)
        st = sets[sets["exercise"] == "rotational_stretch"]
        planned = st[st["band"] != "unplanned"]
        assert len(planned) == 42  # 7 days x 3 holds x 2 sides
        missed = {"short": 2}.get(name, 0)  # the first day's third hold, both sides
        assert (planned["band"] == "missed").sum() == missed, name
        assert (planned["band"] == "done").sum() == 42 - missed, name
        # One row per side: each row is one side's hold, none left over as unplanned.
        assert (st["band"] == "unplanned").sum() == 0, name
    rows = cohort_rows(logs, plan, as_of)
    assert rows.loc["per_side", "compliance_rotational_stretch"] == 1.0
    assert rows.loc["per_hold", "compliance_rotational_stretch"] == 1.0
    assert rows.loc["short", "compliance_rotational_stretch"] == pytest.approx(6 / 7)
    for a, log in logs.items():
        assert_compliance_as_analyse(rows, a, planner.analyse(log, plan, as_of=as_of))


def test_pain_nobody_could_read_is_never_within_the_rules_on_the_roster(tmp_path):
    """An athlete who wrote "sore" in the last week (2 in the first): the roster says
    "pain unreadable", as the single-athlete analysis does, never "within rules"."""
    plan = planner.generate(planner.PlanConfig(weeks=2, start_date=START))
    (tmp_path / "roster" / "eve").mkdir(parents=True)
    plan.to_csv(tmp_path / "roster" / "eve" / "plan.csv")
    # pain 2 on every day (the pain day, when 7 would be written, is before the plan)
    log = _template(plan, tmp_path / "roster" / "eve" / "log.csv", pain_day="2026-01-04")
    t = pd.read_csv(log, dtype=str, keep_default_na=False)
    week2 = (t["week"] == "2") & (t["done_reps"] != "")
    t.loc[week2, "pain_during"] = ""
    t.loc[week2 & (t["exercise"] == "deadlift"), "pain_during"] = "sore"
    t.to_csv(log, index=False)
    ingest(tmp_path / "roster", tmp_path / "store", unit="kg")
    table = cohort(tmp_path / "store", as_of=AS_OF).athletes
    rows = table.set_index("athlete")
    assert rows.loc["eve", "pain_status"] == "pain unreadable"
    assert "sore" in rows.loc["eve", "pain_reasons"]
    from planner.clinic.flags import roster_flags

    why = roster_flags(table, AS_OF).set_index("athlete").loc["eve", "pain_rules_why"]
    assert why.startswith("pain unreadable this week: pain written as") and "sore" in why
    single = planner.analyse(planner.read_log(log), plan).pain_weeks
    assert single["status"].iloc[-1] == "pain unreadable"


def _sessions(days, *, load_kg=None, rpe=None, minutes=None) -> list[dict]:
    """One session on each of ``days``: two stretch holds a side, and with ``load_kg`` (loads
    taken in turn) 3 deadlift sets of 10; with ``rpe`` (taken in turn), that session RPE for
    ``minutes``."""
    rows = []
    for i, d in enumerate(days):
        at = {"date": d, "session_rpe": rpe[i % len(rpe)] if rpe else None,
              "session_min": minutes}
        rows += [{**at, "exercise": "rotational_stretch", "set": s, "side": side, "hold_s": 10}
                 for s in (1, 2) for side in ("left", "right")]
        if load_kg:
            rows += [{**at, "exercise": "deadlift", "set": s, "reps": 10,
                      "load_kg": load_kg[i % len(load_kg)]} for s in (1, 2, 3)]
    return rows


def test_acwr_and_load_basis_per_stretch_as_analyse():
    """The coach's ACWR is the analysis' own (``analyse(log).acwr``, its last row) for each
    athlete's log, "none" (NaN) included: a return from a 60-day layoff has 10 days of its
    stretch of training and no ACWR (not the ratio of a layoff counted as rest days of 0); a
    steady lifter without session RPE has one on the volume load; one with session RPE on
    every day has one on the session-RPE load; stretch holds alone have no load and none."""
    from planner.clinic.cohort import athlete_rows
    from planner.clinic.flags import roster_flags
    from tests.logkit import log_table

    mwf = pd.date_range("2026-01-05", "2026-02-13", freq="D")
    mwf = mwf[mwf.day_of_week.isin([0, 2, 4])]  # 6 weeks, Monday, Wednesday, Friday
    back = pd.Timestamp("2026-04-15")  # 60 days after the last session, then 10 days
    assert (back - mwf[-1]).days == 61
    steady = pd.date_range("2026-01-05", "2026-04-24", freq="D")
    steady = steady[steady.day_of_week.isin([0, 2, 4])]
    logs = {
        "layoff": _sessions([*mwf, *(back + pd.to_timedelta([0, 2, 4, 7, 9], "D"))],
                            load_kg=[60]),
        "no_rpe": _sessions(steady, load_kg=[60, 62.5, 65, 57.5]),
        "rpe": _sessions(pd.date_range("2026-02-09", "2026-04-24", freq="D"),
                         load_kg=[40, 45, 50, 0, 42.5], rpe=[3, 5, 6, 4, 7], minutes=25),
        "no_load": _sessions(pd.date_range("2026-02-01", "2026-04-24", freq="D")),
    }
    logs = {a: log_table(rows) for a, rows in logs.items()}
    as_of = pd.Timestamp("2026-04-24")
    sets = pd.concat([t.assign(athlete=a) for a, t in logs.items()], ignore_index=True)
    cohort_table = athlete_rows(sets, pd.DataFrame(), as_of)[0]
    rows = cohort_table.set_index("athlete")
    for a, log in logs.items():
        an = planner.analyse(log)
        want, got = an.acwr["rolling_coupled"].iloc[-1], rows.loc[a, "acwr"]
        assert (math.isnan(got) and pd.isna(want)) or got == want, (a, got, want)
        assert rows.loc[a, "load_basis"] == an.load_basis, a
        stretch = an.daily_load["stretch"]
        assert rows.loc[a, "days_of_data"] == (stretch == stretch.iloc[-1]).sum(), a
    assert rows["load_basis"].to_dict() == {"layoff": "volume_load_kg", "no_load": "none",
                                            "no_rpe": "volume_load_kg", "rpe": "srpe_load"}
    assert rows["acwr"].isna().to_dict() == {"layoff": True, "no_load": True, "no_rpe": False,
                                             "rpe": False}
    assert rows.loc["layoff", "days_of_data"] == 10
    flags = roster_flags(cohort_table, as_of).set_index("athlete")
    assert not flags["high_acwr"].any()
    assert flags.loc["layoff", "high_acwr_why"] == ("no ACWR yet: 10 days of training since "
                                                    "the last break, it needs 28")
    assert flags.loc["no_load", "high_acwr_why"].startswith("no ACWR: no load logged")
    assert flags.loc["rpe", "high_acwr_why"].startswith("ACWR ")


def _pain_sessions(pain: dict[str, int]) -> pd.DataFrame:
    """A log of one session on each day of ``pain`` (day -> pain during and after): 3
    deadlift sets of 10 at 60 kg, the pain written on every set."""
    from tests.logkit import log_table

    return log_table([{"date": d, "exercise": "deadlift", "set": s, "reps": 10, "load_kg": 60,
                       "pain_during": p, "pain_after": p}
                      for d, p in pain.items() for s in (1, 2, 3)])


# Programme weeks from Monday 5 January: week 2 (12-18 January) hits a stop rule.
_STOP_WEEK = {"2026-01-05": 2, "2026-01-07": 2, "2026-01-09": 2,
              "2026-01-12": 2, "2026-01-14": 7, "2026-01-16": 2}


def _pain_flags(logs: dict[str, pd.DataFrame], as_of: str) -> pd.DataFrame:
    """The cohort rows (the in-memory DuckDB path) and roster flags of ``logs`` (id -> log),
    all on a 4-week plan from Monday 5 January, as of ``as_of``."""
    from planner.clinic.flags import roster_flags

    plan = planner.generate(planner.PlanConfig(weeks=4, start_date=START))
    rows = cohort_rows(logs, plan, pd.Timestamp(as_of))
    flags = roster_flags(rows.reset_index(), as_of).set_index("athlete")
    return rows.join(flags[[c for c in flags.columns if c.startswith(("pain_rules",
                                                                       "no_pain_data"))]])


def test_last_weeks_stop_is_flagged_until_a_newer_week_with_pain_replaces_it():
    """A stop in the last complete week is still flagged on the Monday after (nothing
    scored yet this week), and on the Wednesday with still no score, saying "last week";
    a score within the rules this week does not hide it (the worst of the two weeks is
    shown, with what this week says so far); the week after, it is gone from view (the
    episode is still counted); two weeks on with nothing newer, it is "no pain data",
    never "fine"."""
    stop = "stop: pain reached 7/10"
    logs = {"zoe": _pain_sessions(_STOP_WEEK),
            "ida": _pain_sessions({**_STOP_WEEK, "2026-01-20": 2})}
    monday = _pain_flags(logs, "2026-01-19")
    zoe = monday.loc["zoe"]
    assert zoe["pain_status"] == "no pain data"  # this week's own: nothing yet
    assert (zoe["latest_pain_status"], zoe["latest_pain_weeks_ago"]) == ("stop", 1)
    assert zoe["latest_pain_week_start"] == pd.Timestamp("2026-01-12")
    assert zoe["pain_rules"] and not zoe["no_pain_data"]
    assert zoe["pain_rules_why"].startswith(
        "last week (from Mon 12 Jan 2026): stop: pain reached 7/10 (7 or more)")
    assert zoe["pain_rules_why"].endswith(
        "; see a clinician before training on; no pain score yet this week; "
        "1 week outside the rules in all")
    assert zoe["no_pain_data_why"] == (
        "none yet this week; pain scored last week (from Mon 12 Jan 2026)")
    assert monday.loc["ida", "pain_rules"]  # ida's Tuesday is not logged yet on Monday
    wednesday = _pain_flags(logs, "2026-01-21")
    assert wednesday.loc["zoe", "pain_rules"]
    assert wednesday.loc["zoe", "pain_rules_why"].startswith(f"last week (from Mon 12 Jan "
                                                             f"2026): {stop}")
    # ida's pain 2 on Tuesday: this week is within the rules so far, and last week's stop
    # stays in view all this week (the worst of the two weeks is shown)
    ida = wednesday.loc["ida"]
    assert ida["pain_status"] == "within rules"
    assert (ida["latest_pain_status"], ida["latest_pain_weeks_ago"]) == ("stop", 1)
    assert ida["pain_rules"] and not ida["no_pain_data"]
    assert ida["pain_rules_why"].startswith(f"last week (from Mon 12 Jan 2026): {stop}")
    assert ida["pain_rules_why"].endswith(
        "; see a clinician before training on; within rules so far this week; "
        "1 week outside the rules in all")
    assert ida["no_pain_data_why"] == "pain scored this week"
    assert ida["pain_episodes"] == 1
    later = _pain_flags(logs, "2026-01-26")  # no score this week or last: not reached back to
    ida = later.loc["ida"]  # the stop's week is two weeks back: last week's within rules shows
    assert not ida["pain_rules"] and ida["pain_rules_why"].startswith(
        "within the rules last week (from Mon 19 Jan 2026)")
    zoe = later.loc["zoe"]
    assert zoe["latest_pain_status"] == "no pain data" and pd.isna(zoe["latest_pain_weeks_ago"])
    assert not zoe["pain_rules"] and zoe["no_pain_data"]
    assert zoe["pain_rules_why"] == ("not checked: no pain data this week or last week; "
                                     "1 week outside the rules in all")
    assert zoe["no_pain_data_why"] == "no pain data this week or last week (2 earlier weeks scored)"


def test_the_latest_pain_week_is_the_same_in_every_chunking(store):
    """As of the Monday after bea's stop week, the stored cohort (DuckDB over the store's
    files, the path the Dask tasks run too) flags it from last week, in one chunk or one
    athlete a chunk alike."""
    monday = pd.Timestamp("2026-01-19")
    whole = cohort(store / "store", as_of=monday, cache=False)
    bea = whole.athletes.set_index("athlete").loc["bea"]
    assert (bea["pain_status"], bea["latest_pain_status"]) == ("no pain data", "stop")
    assert bea["latest_pain_weeks_ago"] == 1
    assert bea["latest_pain_week_start"] == pd.Timestamp("2026-01-12")
    one_each = cohort(store / "store", as_of=monday, chunk_athletes=1)
    pd.testing.assert_frame_equal(whole.athletes, one_each.athletes)
