"""Analysis and next block on small hand-built logs with hand-computed answers."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner import PlanConfig, generate
from planner.analysis import (
    PainRules,
    analyse,
    compliance_rates,
    compliance_sessions,
    compliance_sets,
    daily_load,
    e1rm_trend,
    findings,
    load_basis,
    pain_status,
)
from planner.nextblock import next_block

START = date(2026, 1, 5)  # Monday


def log_table(rows):
    """A normalised log table from (date, exercise, set, reps, hold_s, side, load_kg) + extras."""
    base = {"performed_at": None, "session_id": None, "workout": None, "source_exercise": None,
            "set_type": "working", "rpe": np.nan, "pain_during": np.nan, "pain_after": np.nan,
            "pain_next_morning": np.nan, "session_rpe": np.nan, "session_min": np.nan,
            "note": None, "key": None, "source_file": "test.csv"}
    recs = []
    for i, r in enumerate(rows):
        rec = dict(base)
        rec.update(r)
        rec["date"] = pd.Timestamp(rec["date"])
        rec["performed_at"] = rec["date"]
        rec.setdefault("session_id", rec["date"].strftime("%Y-%m-%d"))
        rec["session_id"] = rec["session_id"] or rec["date"].strftime("%Y-%m-%d")
        rec["source_line"] = i + 2
        recs.append(rec)
    t = pd.DataFrame(recs)
    return t.astype({"reps": "Int64", "hold_s": "Float64", "load_kg": "Float64",
                     "set": "Int64", "rpe": "Float64", "pain_during": "Float64",
                     "pain_after": "Float64", "pain_next_morning": "Float64",
                     "session_rpe": "Float64", "session_min": "Float64"})


def dl(day, s, reps, load, **kw):
    return {"date": day, "exercise": "deadlift", "set": s, "reps": reps, "hold_s": None,
            "side": "both", "load_kg": load, **kw}


@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=START, weeks=2, deadlift_start_load=60,
                               deload_every=None))


def test_bands_per_set(plan):
    log = log_table([
        dl("2026-01-05", 1, 10, 60), dl("2026-01-05", 2, 8, 60), dl("2026-01-05", 3, 12, 60),
        dl("2026-01-09", 1, 11, 57.5),  # lighter than the 60 kg planned: partial
        dl("2026-01-10", 1, 5, 60),     # a Saturday: no deadlift planned
    ])
    sets = compliance_sets(log, plan.table)
    d = sets[sets["exercise"] == "deadlift"].set_index(["date", "set"])["band"]
    assert d[(pd.Timestamp("2026-01-05"), 1)] == "done"
    assert d[(pd.Timestamp("2026-01-05"), 2)] == "partial"
    assert d[(pd.Timestamp("2026-01-05"), 3)] == "over"
    assert d[(pd.Timestamp("2026-01-09"), 1)] == "partial"
    assert d[(pd.Timestamp("2026-01-09"), 2)] == "missed"
    assert (sets["band"] == "unplanned").sum() == 1
    # every planned row is there once, and every logged row is accounted for
    assert (sets["band"] != "unplanned").sum() == len(plan.table)


def _as_app_logged(plan_table, day, exercise, holds=None, **change):
    """The planned sets of ``exercise`` on ``day`` as an app logs them: no sides (one row per
    stretch hold), done as planned except the ``change``d sets (set number -> reps)."""
    rows = plan_table[(plan_table["date"] == pd.Timestamp(day))
                      & (plan_table["exercise"] == exercise) & (plan_table["side"] != "right")]
    out = []
    for r in rows.head(holds).itertuples():
        reps = change.get(f"set{r.set}", r.target_reps)
        out.append({"date": day, "exercise": exercise, "set": r.set,
                    "reps": None if pd.isna(reps) else reps,
                    "hold_s": None if pd.isna(r.target_hold_s) else r.target_hold_s,
                    "side": "both", "load_kg": None if pd.isna(r.load_kg) else r.load_kg})
    return out


def test_compliance_rates_count_sessions_not_set_rows(plan):
    """Three days logged as an app would (no sides): Monday all done; Tuesday's stretch one
    hold short; Wednesday's first bridge set 12 of 15. By hand: deadlift 1 of 1 sessions,
    bridge 1 of 2, stretch 2 of 3, whole sessions 1 of 3 - while 22 of the 25 planned set
    rows due (88 %) were done."""
    t = plan.table
    log = log_table(_as_app_logged(t, "2026-01-05", "deadlift")
                    + _as_app_logged(t, "2026-01-05", "glute_bridge")
                    + _as_app_logged(t, "2026-01-05", "rotational_stretch")
                    + _as_app_logged(t, "2026-01-06", "rotational_stretch", holds=2)
                    + _as_app_logged(t, "2026-01-07", "glute_bridge", set1=12)
                    + _as_app_logged(t, "2026-01-07", "rotational_stretch"))
    a = analyse(log, plan, as_of="2026-01-07")
    s = a.summary
    assert (s["sets_due"], s["completion"]) == (25, pytest.approx(22 / 25))
    assert (s["sessions_due"], s["sessions_done"]) == (3, 1)
    assert s["compliance_sessions"] == pytest.approx(1 / 3)
    assert s["compliance_sessions_4w"] == pytest.approx(1 / 3)
    assert s["compliance_deadlift"] == 1.0
    assert s["compliance_glute_bridge"] == 0.5
    assert s["compliance_rotational_stretch"] == pytest.approx(2 / 3)
    assert "sessions done in full: 33% of 3 due (deadlift 100%, bridge 50%, stretch 67%)" \
        in findings(a)
    # The 4-week share counts only the sessions of the 28 days up to as_of; none: NaN.
    late = compliance_rates(a.sessions, pd.Timestamp("2026-02-02"))  # from 6 January
    assert late["compliance_sessions_4w"].iloc[0] == pytest.approx(0 / 2)
    assert late["compliance_sessions"].iloc[0] == pytest.approx(1 / 3)
    assert np.isnan(compliance_rates(a.sessions, pd.Timestamp("2026-03-01"))
                    ["compliance_sessions_4w"].iloc[0])


def test_compliance_by_athlete_equals_one_call_per_athlete(plan):
    """``by="athlete"``: one call over several people equals one call per person, each
    matched only against their own plan and by their own rule: an app log (no sides), a
    template log (keys, one set logged twice), a log that misses everything, and a plan
    with nothing logged."""
    t = plan.table
    app = log_table(_as_app_logged(t, "2026-01-05", "deadlift", set2=7)
                    + _as_app_logged(t, "2026-01-05", "rotational_stretch", holds=2)
                    + [dl("2026-01-06", 1, 5, 100)])  # an unplanned set
    keyed = t[t["date"] <= pd.Timestamp("2026-01-07")].head(20)
    template = log_table([{"date": r.date, "exercise": r.exercise, "set": r.set,
                           "reps": None if pd.isna(r.target_reps) else r.target_reps,
                           "hold_s": None if pd.isna(r.target_hold_s) else r.target_hold_s,
                           "side": r.side, "load_kg": None if pd.isna(r.load_kg) else r.load_kg,
                           "key": r.key} for r in keyed.itertuples()])
    template = pd.concat([template, template.iloc[[0]].assign(reps=1)], ignore_index=True)
    other = generate(PlanConfig(start_date=date(2026, 1, 12), weeks=1))
    logs = {"app": (app, t), "template": (template, t), "none": (app.iloc[0:0], t),
            "late": (log_table([dl("2026-01-12", 1, 3, 40)]), other.table)}
    both = pd.concat([lg.assign(athlete=a) for a, (lg, _) in logs.items()], ignore_index=True)
    plans = pd.concat([p.assign(athlete=a) for a, (_, p) in logs.items()], ignore_index=True)
    for as_of in (None, "2026-01-12"):
        sets = compliance_sets(both, plans, as_of, by="athlete")
        sessions = compliance_sessions(sets, by="athlete")
        for a, (lg, p) in logs.items():
            one = compliance_sets(lg, p, as_of)
            got = sets[sets["athlete"] == a].drop(columns="athlete").reset_index(drop=True)
            pd.testing.assert_frame_equal(got[one.columns], one, check_dtype=False, obj=a)
            mine = sessions[sessions["athlete"] == a].drop(columns="athlete")
            pd.testing.assert_frame_equal(mine.reset_index(drop=True),
                                          compliance_sessions(one), check_dtype=False, obj=a)
    bands = sets.groupby("athlete")["band"].value_counts().unstack(fill_value=0)
    assert bands.loc["template", "done"] == 20  # the key logged twice counts once
    assert bands.loc["app", "unplanned"] == 1 and bands.loc["app", "partial"] == 1
    assert bands.loc["none", "missed"] == (t["date"] <= pd.Timestamp("2026-01-12")).sum()


def test_analysis_summary_hand_computed(plan):
    log = log_table([dl("2026-01-05", s, 10, 60) for s in (1, 2, 3)]
                    + [dl("2026-01-09", s, 11, 60) for s in (1, 2, 3)])
    a = analyse(log, plan)
    # Epley: 60 * (1 + 11/30) = 82.0 ; 60 * (1 + 10/30) = 80.0
    assert a.deadlift["best_e1rm_kg"].tolist() == pytest.approx([80.0, 82.0])
    assert a.deadlift["e1rm_pr"].tolist() == [True, True]
    assert a.summary["e1rm_trend_kg_per_week"] == pytest.approx(2.0 / 4 * 7)
    # Volume load on 5 Jan: 3 x 10 x 60 = 1800 kg; rest days in between are 0.
    daily = a.daily_load.set_index("date")["volume_load_kg"]
    assert daily[pd.Timestamp("2026-01-05")] == 1800
    assert daily[pd.Timestamp("2026-01-06")] == 0
    assert len(daily) == 5
    assert a.summary["planned_sets"] == len(plan.table)
    # 6 of the planned sets were done as planned
    assert a.summary["bands"]["done"] == 6


def test_weekly_compliance_counts_stretch_days(plan):
    rows = []
    for day in pd.date_range("2026-01-05", periods=7):
        if day.day == 8:
            continue  # one day without the stretch
        for s in (1, 2, 3):
            for side in ("left", "right"):
                rows.append({"date": day, "exercise": "rotational_stretch", "set": s,
                             "reps": None, "hold_s": 5.0, "side": side, "load_kg": None})
    a = analyse(log_table(rows), plan)
    w = a.weeks.set_index(["week", "exercise"])
    assert w.loc[(1, "rotational_stretch"), "stretch_days_done"] == 6
    assert w.loc[(1, "rotational_stretch"), "stretch_days_planned"] == 7
    assert w.loc[(1, "rotational_stretch"), "hold_done_s"] == 6 * 6 * 5
    assert w.loc[(1, "deadlift"), "band"] == "missed"


def test_pain_rules():
    rows = []
    for i, day in enumerate(pd.date_range("2026-01-05", periods=14, freq="D")):
        bad = i >= 7
        rows.append(dl(day, 1, 10, 60, pain_during=6 if bad else 2, pain_after=3,
                       pain_next_morning=4 if bad else 2))
    daily, weeks = pain_status(log_table(rows), PainRules())
    # Morning pain 2 points over its baseline for 7 sessions running is a stop rule.
    assert list(weeks["status"]) == ["within rules", "stop"]
    reasons = weeks["reasons"].iloc[1]
    assert "pain during reached 6 (limit 5)" in reasons
    assert "had not settled (baseline 2)" in reasons
    assert "not settled 2 sessions running" in reasons
    assert "pain during rose to 6.0 from 2.0" in reasons


def test_pain_status_by_athlete_equals_one_call_per_athlete():
    """``by="athlete"``: one call equals one call per athlete, each on their own baseline,
    weeks (start and first week per athlete, or the default) and runs of unsettled
    mornings, which never run on from one athlete into the next."""
    days = pd.date_range("2026-01-05", periods=14, freq="D")
    # "ann": settled, then two unsettled mornings at the end of week 2 (a stop);
    # "bo": a first unsettled morning on the day after ann's run (not a run of two);
    # "cy": no scores, one note of symptoms in a leg; "di": calm, weeks from a plan.
    ann = [dl(d, 1, 10, 60, pain_during=2, pain_after=2,
              pain_next_morning=5 if i >= 12 else 1) for i, d in enumerate(days)]
    bo = [dl(d, 1, 10, 60, pain_during=3, pain_after=3, pain_next_morning=5 if i == 0 else 2)
          for i, d in enumerate(days)]
    cy = [dl(days[3], 1, 10, 60, note="tingling down my left leg")]
    di = [dl(d, 1, 10, 60, pain_during=1, pain_after=1, pain_next_morning=1) for d in days]
    logs = {"ann": log_table(ann), "bo": log_table(bo), "cy": log_table(cy),
            "di": log_table(di)}
    start = {"di": pd.Timestamp("2026-01-08")}
    first_week = {"di": 4}
    both = pd.concat([lg.assign(athlete=a) for a, lg in logs.items()], ignore_index=True)
    daily, weeks = pain_status(both, start=start, first_week=first_week, by="athlete")
    for a, lg in logs.items():
        d1, w1 = pain_status(lg, **({"start": start[a], "first_week": first_week[a]}
                                    if a in start else {}))
        pd.testing.assert_frame_equal(
            weeks[weeks["athlete"] == a].drop(columns="athlete").reset_index(drop=True), w1)
        pd.testing.assert_frame_equal(
            daily[daily["athlete"] == a].drop(columns="athlete").reset_index(drop=True),
            d1.reset_index(drop=True))
    status = weeks.set_index(["athlete", "week"])["status"]
    assert (status["ann", 1], status["ann", 2]) == ("within rules", "stop")
    assert "not settled 2 sessions running" not in " ".join(
        weeks.loc[weeks["athlete"] == "bo", "reasons"])
    assert status["cy", 1] == "stop"
    assert list(weeks.loc[weeks["athlete"] == "di", "week"]) == [3, 4, 5]
    assert weeks.loc[weeks["athlete"] == "di", "week_start"].iloc[0] == \
        pd.Timestamp("2026-01-01")


def test_e1rm_trend_by_hand_and_by_athlete():
    """A week apart: 100, 102, 104 kg is +2 kg a week; 2 weeks apart, 100 and 97 is -1.5;
    one session, or every session on one day, has no trend."""
    rows = pd.DataFrame({
        "athlete": ["ann"] * 3 + ["bo"] * 2 + ["cy"] + ["di"] * 2,
        "date": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-05",
                                "2026-01-19", "2026-01-05", "2026-01-07", "2026-01-07"]),
        "best_e1rm_kg": [100.0, 102, 104, 100, 97, 90, 80, 85]})
    got = e1rm_trend(rows, by="athlete")
    assert got["ann"] == pytest.approx(2.0) and got["bo"] == pytest.approx(-1.5)
    assert np.isnan(got["cy"]) and np.isnan(got["di"])
    for a, s in rows.groupby("athlete"):  # the single-athlete call is the same code
        one = e1rm_trend(s)
        assert (np.isnan(one) and np.isnan(got[a])) or one == pytest.approx(got[a])


def test_daily_load_and_basis_by_athlete_equal_one_call_per_athlete():
    """``by="athlete"``: each athlete's days run from their own first to last day; a rated
    athlete's days without a session are rest (session-RPE load 0), an unrated one's have
    no session-RPE load; the basis is each athlete's own."""
    ann = log_table([dl("2026-01-05", 1, 10, 60, session_rpe=6, session_min=40),
                     dl("2026-01-08", 1, 10, 62.5, session_rpe=7, session_min=30)])
    bo = log_table([dl("2026-01-02", 1, 5, 100), dl("2026-01-04", 1, 5, 100)])
    cy = log_table([{**dl("2026-01-06", 1, 15, None), "exercise": "glute_bridge"}])
    logs = {"ann": ann, "bo": bo, "cy": cy}
    both = pd.concat([lg.assign(athlete=a) for a, lg in logs.items()], ignore_index=True)
    daily = daily_load(both, by="athlete")
    basis = load_basis(daily, by="athlete")
    for a, lg in logs.items():
        one = daily_load(lg)
        mine = daily[daily["athlete"] == a].drop(columns="athlete").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_dtype=False)
        assert basis[a] == load_basis(one)
    srpe = daily.set_index(["athlete", "date"])["srpe_load"]
    assert list(srpe["ann"]) == [240.0, 0.0, 0.0, 210.0]  # 6 x 40, rest, rest, 7 x 30
    assert srpe["bo"].isna().all() and len(srpe["bo"]) == 3
    # bo logged no session RPE: the volume load of every lift (not the deadlift's alone);
    # cy logged only body-weight work: no load at all, said so (never a load of 0)
    assert dict(basis) == {"ann": "srpe_load", "bo": "volume_load_kg", "cy": "none"}


def test_next_block_continues_from_what_was_done(plan):
    # Only the first deadlift session was done: 3 x 10 at 60 kg -> next is 11 reps, not the
    # plan's later sessions (missed sessions are repeated, not skipped), and the block starts
    # the Monday after the last logged session, in programme week 2.
    log = log_table([dl("2026-01-05", s, 10, 60) for s in (1, 2, 3)])
    new = next_block(plan, log)
    t = new.table
    first = t[t["exercise"] == "deadlift"].iloc[0]
    assert (first["week"], first["target_reps"], first["load_kg"]) == (2, 11, 60.0)
    assert t["date"].min() == pd.Timestamp("2026-01-12")
    assert any("replaces the plan's last weeks" in n for n in new.notes)


def test_next_block_adds_load_after_top_of_range(plan):
    log = log_table([dl("2026-01-09", s, 15, 60) for s in (1, 2, 3)])
    first = next_block(plan, log).table.query("exercise == 'deadlift'").iloc[0]
    assert (first["target_reps"], first["load_kg"]) == (10, 62.5)


def test_next_block_holds_or_reduces_on_pain(plan):
    log = log_table([dl("2026-01-05", s, 12, 60, pain_during=7, pain_after=6,
                        pain_next_morning=5) for s in (1, 2, 3)])
    held = next_block(plan, log).table.query("exercise == 'deadlift'").iloc[0]
    assert (held["target_reps"], held["load_kg"]) == (12, 60.0)
    cut = next_block(plan, log, pain_action="reduce").table.query("exercise == 'deadlift'")
    assert (cut.iloc[0]["target_reps"], cut.iloc[0]["load_kg"]) == (10, 52.5)  # 54 -> 52.5
    with pytest.raises(ValueError, match="pain_action"):
        next_block(plan, log, pain_action="ignore")


def test_next_block_from_a_plan_csv_keeps_its_settings(tmp_path):
    from planner import read_plan

    plan = generate(PlanConfig(start_date=START, weeks=6, unit="lb", deadlift_start_load=95,
                               bar=35, deload_every=3))
    back = read_plan(plan.to_csv(tmp_path / "plan.csv"))  # no config: rebuilt from the table
    log = log_table([dl("2026-01-05", s, 10, 95 * 0.45359237) for s in (1, 2, 3)])
    new = next_block(back, log)
    assert new.config.bar == 35 and new.config.deload_every == 3 and new.unit == "lb"
    assert new.config.rep_range == (10, 15)  # six weeks reach only 10-15 anyway; never narrowed
    first = new.table.query("exercise == 'deadlift'").iloc[0]
    assert first["target_reps"] == 11 and first["plates"] == (
        "35 lb bar + 25 + 5 lb each side, bar on blocks")


@pytest.mark.parametrize(("logged", "left", "right", "unplanned"), [
    (6, 3, 3, 0),  # one row per side (the apps' routines): left, right, left ... all done
    (5, 3, 2, 0),  # one per side, the last right hold not done: seen as missed
    (3, 3, 3, 0),  # one row per hold: each counts for both sides
    (2, 2, 2, 0),  # one row per hold, one hold short on each side
])
def test_side_less_holds_count_once_per_side_when_logged_one_per_side(plan, logged, left,
                                                                      right, unplanned):
    """The plan holds 3 stretches a side on Monday 5 January. Holds logged without a side:
    more of them than the plan has on one side are one row per side (alternating, left
    first); as many or fewer are one row per hold, for both sides (hand-counted)."""
    t = plan.table
    day = pd.Timestamp("2026-01-05")
    hold = float(t.loc[(t["date"] == day) & (t["exercise"] == "rotational_stretch"),
                       "target_hold_s"].iloc[0])
    log = log_table([{"date": "2026-01-05", "exercise": "rotational_stretch", "set": i + 1,
                      "reps": None, "hold_s": hold, "side": "both", "load_kg": None}
                     for i in range(logged)])
    sets = compliance_sets(log, t, as_of=day)
    st = sets[(sets["date"] == day) & (sets["exercise"] == "rotational_stretch")]
    done = st[st["band"] == "done"].groupby("side").size()
    assert done.get("left", 0) == left and done.get("right", 0) == right
    assert (st["band"] == "unplanned").sum() == unplanned
    assert (st["band"] == "missed").sum() == 6 - left - right


# --- the load the load metrics run on: one measure per stretch, gaps are gaps ---------------

def _days(first, n, step, **kw):
    """A deadlift session of 1 x 10 at 60 kg (volume load 600) every ``step`` days."""
    d0 = pd.Timestamp(first)
    return [dl(d0 + pd.Timedelta(days=i), 1, 10, 60.0, **kw) for i in range(0, n, step)]


def test_no_session_rpe_runs_on_volume_load_never_zero():
    """An app export: no session RPE or duration. The load is the day's volume load, and
    CTL follows it by hand: CTL_t = load_t (1 - e^(-1/42)) + CTL_(t-1) e^(-1/42)."""
    a = analyse(log_table(_days("2026-01-05", 3, 2)))  # 5 and 7 January
    d = a.daily_load
    assert list(d["measure"]) == ["volume_load_kg"] * 3
    assert list(d["load"]) == [600.0, 0.0, 600.0]
    k = np.exp(-1 / 42)
    ctl = [600 * (1 - k)]
    ctl += [ctl[0] * k, 600 * (1 - k) + ctl[0] * k * k]
    assert list(a.fitness["ctl"]) == pytest.approx(ctl)
    assert a.summary["load_basis"] == "volume_load_kg"
    assert "volume load" in a.summary["load_basis_label"]


def test_a_stretch_fully_rated_runs_on_session_rpe_and_starts_again_after_a_gap():
    """Stretch 1 (no RPE), 60 days with nothing, stretch 2 (every session 5 x 40 min): the
    first in volume load, the second in session-RPE load (200 AU a session), each from its
    own first day; the days between are a gap, never 0."""
    rows = _days("2026-01-05", 29, 2) + _days("2026-03-04", 29, 2, session_rpe=5,
                                                session_min=40)
    a = analyse(log_table(rows))
    d = a.daily_load.set_index("date")
    assert (d.loc[:"2026-02-02", "measure"] == "volume_load_kg").all()
    gap = d.loc["2026-02-03":"2026-03-03"]
    assert len(gap) == 29 and gap["stretch"].isna().all() and gap["load"].isna().all()
    assert gap["measure"].isna().all()
    two = d.loc["2026-03-04":]
    assert (two["measure"] == "srpe_load").all() and (two["stretch"] == 2).all()
    assert two["load"].iloc[0] == 200.0 and two["load"].iloc[1] == 0.0
    f = a.fitness.set_index("date")
    assert f.loc["2026-03-04", "ctl"] == pytest.approx(200 * (1 - np.exp(-1 / 42)))
    assert f.loc["2026-02-03":"2026-03-03", ["ctl", "atl", "tsb"]].isna().all().all()
    r = a.acwr.set_index("date")
    assert r.loc["2026-02-03":"2026-03-03", "rolling_coupled"].isna().all()
    # the chronic window starts again: no ratio for the first 27 days of stretch 2
    assert r.loc["2026-03-04":"2026-03-30", "rolling_coupled"].isna().all()
    # 31 March is day 27: sessions on days 22, 24, 26 of the last 7, 14 in the last 28
    assert r.loc["2026-03-31", "rolling_coupled"] == pytest.approx((3 * 200 / 7)
                                                                   / (14 * 200 / 28))
    assert a.load_basis == "srpe_load"  # the last stretch's: what the latest ACWR reads
    said = a.summary["load_basis_label"]
    assert "volume load" in said and "5 Jan–2 Feb 2026" in said and "session-RPE" in said


def test_session_rpe_on_some_days_shows_on_those_days_and_volume_load_runs_the_stretch():
    """Two of four sessions rated: those days' session-RPE load is kept (per day, per week),
    but no rolling window mixes it with zeros: the stretch runs on volume load."""
    rows = _days("2026-01-05", 7, 2)
    for r in rows[:2]:
        r.update(session_rpe=6, session_min=30)
    a = analyse(log_table(rows))
    d = a.daily_load.set_index("date")
    assert d.loc["2026-01-05", "srpe_load"] == 180.0 and np.isnan(d.loc["2026-01-09",
                                                                      "srpe_load"])
    assert (d["measure"] == "volume_load_kg").all()
    w = a.weekly_load.iloc[0]
    assert (w["srpe_load"], w["days_rated"], w["days_logged"]) == (360.0, 2, 4)


def test_a_day_with_one_unrated_session_has_no_session_rpe_load():
    rows = [dl("2026-01-05", 1, 10, 60.0, session_id="am", session_rpe=5, session_min=40),
            dl("2026-01-05", 1, 10, 60.0, session_id="pm")]
    assert np.isnan(daily_load(log_table(rows))["srpe_load"].iloc[0])


def test_body_weight_work_alone_has_no_load_not_a_load_of_zero():
    rows = [{"date": "2026-01-05", "exercise": "glute_bridge", "set": 1, "reps": 15,
             "hold_s": None, "side": "both", "load_kg": None}]
    a = analyse(log_table(rows))
    assert a.load_basis == "none" and np.isnan(a.daily_load["load"].iloc[0])
    assert a.fitness["ctl"].isna().all()
    assert "no load logged" in a.summary["load_basis_label"]


def test_each_e1rm_figure_names_its_period():
    """The whole log's best e1RM and the best of the 8 weeks to its last day: one function
    (best_deadlift_e1rm), each with its period in its label."""
    rows = [dl("2026-01-05", 1, 5, 100.0),   # 116.67
            dl("2026-01-12", 1, 3, 110.0),   # 121.0, more than 8 weeks before 27 April
            dl("2026-04-27", 1, 5, 102.0)]   # 119.0
    a = analyse(log_table(rows))
    s = a.summary
    assert s["best_e1rm_kg"] == pytest.approx(121.0)
    assert s["best_e1rm_label"] == "best deadlift e1RM (Epley), 5 Jan–27 Apr 2026"
    assert s["recent_e1rm_kg"] == pytest.approx(119.0)
    assert s["recent_e1rm_label"] == "best deadlift e1RM (Epley) of the 8 weeks to Mon 27 Apr 2026"
    assert s["best_e1rm_kg"] == a.deadlift["best_e1rm_kg"].max()  # the chart's highest point
    text = findings(a)
    assert "best deadlift e1RM: 121.0 kg (Epley, 5 Jan–27 Apr 2026)" in "\n".join(text)
    assert "best deadlift e1RM (Epley) of the 8 weeks to Mon 27 Apr 2026: 119.0 kg" in text
    later = analyse(log_table(rows), as_of="2026-03-08")  # the weeks to a given day
    assert later.summary["recent_e1rm_kg"] == pytest.approx(121.0)
