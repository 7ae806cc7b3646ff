"""Metrics against values computed by hand from the formulas in docs/science.md."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import metrics as m

# 100 kg x 10 reps, by hand:
#   Epley     100 * (1 + 10/30)                       = 133.333
#   Brzycki   100 * 36 / 27                           = 133.333
#   Lander    100 * 100 / (101.3 - 26.7123)           = 134.070
#   Lombardi  100 * 10 ** 0.1                         = 125.893
#   Mayhew    100 * 100 / (52.2 + 41.9 * 0.576950)    = 130.934
#   O'Conner  100 * (1 + 10/40)                       = 125.0
#   Wathan    100 * 100 / (48.8 + 53.8 * 0.472367)    = 134.747
#   NSCA      100 / 0.75                              = 133.333
PUBLISHED = {"epley": 133.333, "brzycki": 133.333, "lander": 134.070, "lombardi": 125.893,
             "mayhew": 130.934, "oconner": 125.0, "wathan": 134.747, "nsca": 133.333}


@pytest.mark.parametrize(("formula", "expected"), PUBLISHED.items())
def test_e1rm_100kg_10reps(formula, expected):
    assert m.e1rm(100, 10, formula) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("formula", m.E1RM_FORMULAS)
def test_single_is_a_true_max(formula):
    assert m.e1rm(142.5, 1, formula) == 142.5


def test_domain_errors_never_negative_or_infinite():
    with pytest.raises(ValueError, match="brzycki"):
        m.e1rm(100, 37, "brzycki")
    with pytest.raises(ValueError, match="lander"):
        m.e1rm(100, 38, "lander")
    assert m.e1rm(100, 36, "brzycki") == pytest.approx(3600)
    with pytest.raises(ValueError, match="negative"):
        m.e1rm(-100, 5)
    with pytest.raises(ValueError, match="at least 1"):
        m.e1rm(100, 0)
    with pytest.raises(ValueError, match="epley"):
        m.e1rm(100, 5, "guess")


def test_nsca_interpolates_13_and_14():
    # Between 12 (67 %) and 15 (65 %): 13 -> 66.33 %, 14 -> 65.67 %.
    assert m.e1rm(66.333333, 13, "nsca") == pytest.approx(100, abs=1e-3)
    assert m.e1rm(65.666667, 14, "nsca") == pytest.approx(100, abs=1e-3)


def test_e1rm_vectorised_and_reliability_flag():
    s = pd.Series([10, 12, 15], index=["a", "b", "c"])
    out = m.e1rm(pd.Series([60.0, 60.0, 60.0], index=s.index), s)
    assert list(out.index) == ["a", "b", "c"]
    assert out.tolist() == pytest.approx([80.0, 84.0, 90.0])
    assert m.e1rm_reliable(np.array([10, 12, 13])).tolist() == [True, True, False]


def test_volume_load_and_tut():
    assert m.volume_load(3, 10, 60) == 1800
    assert m.time_under_tension(3, 1, 7, sides=2) == 42
    t = pd.DataFrame({"target_reps": pd.array([10, 10, 15], dtype="Int64"),
                      "load_kg": pd.array([60, 60, None], dtype="Float64")})
    assert m.volume_load_table(t) == 1200  # the body-weight row is not counted
    assert m.volume_load_table(t, body_mass_kg=80, fraction=0.5) == 1200 + 15 * 40


def test_session_load():
    assert m.session_load(6, 45) == 270
    with pytest.raises(ValueError, match="CR-10"):
        m.session_load(11, 30)


WEEK = pd.Series([300, 0, 400, 0, 500, 0, 0],
                 index=pd.date_range("2026-01-05", periods=7, freq="D"), dtype=float)


def test_monotony_population_sd():
    # mean = 1200/7 = 171.43; population variance = (300²+400²+500²)/7 - mean² = 42 040.8
    mean = 1200 / 7
    sd = math.sqrt((300**2 + 400**2 + 500**2) / 7 - mean**2)
    mono = m.monotony(WEEK)
    assert mono.iloc[-1] == pytest.approx(mean / sd)
    assert mono.iloc[:6].isna().all()
    assert mono.iloc[-1] != pytest.approx(mean / WEEK.std(ddof=1))
    assert m.strain(WEEK).iloc[-1] == pytest.approx(1200 * mean / sd)


def test_monotony_constant_week_is_nan_and_gaps_are_rest_days():
    flat = pd.Series(100.0, index=pd.date_range("2026-01-05", periods=7))
    assert np.isnan(m.monotony(flat).iloc[-1])
    gappy = WEEK.drop(WEEK.index[[1, 3]])  # two rest days left out of the index
    assert m.monotony(gappy).iloc[-1] == pytest.approx(m.monotony(WEEK).iloc[-1])


def series_28():
    return pd.Series([100.0] * 21 + [200.0] * 7,
                     index=pd.date_range("2026-01-01", periods=28, freq="D"))


def test_acwr_rolling_coupled_and_uncoupled():
    s = series_28()
    coupled = m.acwr(s, "rolling", coupled=True).iloc[-1]
    assert coupled["acute"] == 200 and coupled["chronic"] == 125  # (21*100 + 7*200) / 28
    assert coupled["acwr"] == pytest.approx(1.6)
    unc = m.acwr(s, "rolling", coupled=False).iloc[-1]
    assert unc["chronic"] == 100 and unc["acwr"] == pytest.approx(2.0)
    assert m.acwr(s, "rolling").iloc[:27]["acwr"].isna().all()


def test_acwr_ewma_first_days_by_hand():
    s = pd.Series([100.0, 0.0, 200.0], index=pd.date_range("2026-01-01", periods=3))
    r = m.acwr(s, "ewma")
    la, lc = 0.25, 2 / 29
    a1 = la * 0 + (1 - la) * 100  # seeded with the first day's 100
    a2 = la * 200 + (1 - la) * a1
    c1 = (1 - lc) * 100
    c2 = lc * 200 + (1 - lc) * c1
    assert r["acute"].tolist() == pytest.approx([100, a1, a2])
    assert r["chronic"].tolist() == pytest.approx([100, c1, c2])
    assert r["acwr"].iloc[2] == pytest.approx(a2 / c2)
    with pytest.raises(ValueError, match="rolling"):
        m.acwr(s, "magic")


def test_acwr_zones():
    assert [m.acwr_zone(x) for x in (0.5, 1.0, 1.4, 1.6, float("nan"))] == [
        "low", "sweet spot", "caution", "danger", "unknown"]


def test_fitness_fatigue_by_hand():
    s = pd.Series([100.0, 0.0], index=pd.date_range("2026-01-01", periods=2))
    exp = m.fitness_fatigue(s, "exp")
    k42, k7 = math.exp(-1 / 42), math.exp(-1 / 7)
    assert exp["ctl"].iloc[0] == pytest.approx(100 * (1 - k42))
    assert exp["atl"].iloc[0] == pytest.approx(100 * (1 - k7))
    assert exp["ctl"].iloc[1] == pytest.approx(100 * (1 - k42) * k42)
    # form is shifted one day: TSB on day 2 = CTL - ATL of day 1
    assert exp["tsb"].iloc[0] == 0
    assert exp["tsb"].iloc[1] == pytest.approx(100 * (1 - k42) - 100 * (1 - k7))
    lin = m.fitness_fatigue(s, "linear")
    assert lin["ctl"].iloc[0] == pytest.approx(100 / 42)
    assert lin["atl"].iloc[1] == pytest.approx(100 / 7 - (100 / 7) / 7)


def test_weekly_summary_hand_counted():
    t = pd.DataFrame({
        "week": [1, 1, 1, 1, 2],
        "session_id": ["W01D1"] * 4 + ["W02D1"],
        "exercise": ["deadlift", "deadlift", "rotational_stretch", "rotational_stretch",
                     "deadlift"],
        "set": [1, 2, 1, 1, 1],
        "target_reps": pd.array([10, 10, None, None, 12], dtype="Int64"),
        "target_hold_s": pd.array([None, None, 5, 5, None], dtype="Float64"),
        "load_kg": pd.array([60, 60, None, None, 50], dtype="Float64"),
        "phase": ["build"] * 4 + ["deload"],
    })
    s = m.weekly_summary(t).set_index(["week", "exercise"])
    assert s.loc[(1, "deadlift"), "volume_load_kg"] == 1200
    assert s.loc[(1, "deadlift"), "top_load_kg"] == 60
    assert s.loc[(1, "rotational_stretch"), "time_under_tension_s"] == 10
    assert pd.isna(s.loc[(1, "rotational_stretch"), "volume_load_kg"])
    assert s.loc[(2, "deadlift"), "phase"] == "deload"


@given(w=st.floats(20, 400), r=st.integers(1, 29))
def test_epley_monotone(w, r):
    assert m.e1rm(w, r + 1) > m.e1rm(w, r)
    assert m.e1rm(w + 1, r) > m.e1rm(w, r)


@given(load=st.floats(1, 1000), method=st.sampled_from(["rolling", "ewma"]),
       coupled=st.booleans())
def test_constant_load_ratio_is_one(load, method, coupled):
    s = pd.Series(load, index=pd.date_range("2026-01-01", periods=40))
    assert m.acwr(s, method, coupled=coupled)["acwr"].iloc[-1] == pytest.approx(1.0)


@given(k=st.floats(0.1, 100))
def test_monotony_scale_invariant(k):
    assert m.monotony(WEEK * k).iloc[-1] == pytest.approx(m.monotony(WEEK).iloc[-1])


def test_acwr_zones_vectorised_matches_scalar():
    r = pd.Series([0.5, 0.8, 1.29, 1.3, 1.49, 1.5, 3.0, float("nan")])
    assert list(m.acwr_zones(r)) == [m.acwr_zone(x) for x in r]


def test_acwr_per_athlete_from_a_series_by_athlete_and_day():
    """A Series indexed by (athlete, day) gives each athlete's ACWR on their own days, as
    one Series each would. By hand: 21 days of 10 then 7 of 20 is 20 / 12.5 = 1.6 on the
    28th day; an athlete with 27 days has none yet; days missing inside are rest (0)."""
    days = pd.date_range("2026-01-01", periods=28, freq="D")
    ann = pd.Series([10.0] * 21 + [20.0] * 7, index=days)
    bo = pd.Series([5.0] * 27, index=days[:27]).drop(days[3])  # a rest day on the 4th
    both = pd.concat({"ann": ann, "bo": bo})
    for method, coupled in (("rolling", True), ("rolling", False), ("ewma", True)):
        got = m.acwr(both, method=method, coupled=coupled)
        for name, s in (("ann", ann), ("bo", bo)):
            pd.testing.assert_frame_equal(got.loc[name], m.acwr(s, method, coupled),
                                          check_names=False, check_freq=False)
    rolling = m.acwr(both)["acwr"]
    assert rolling.loc[("ann", days[-1])] == pytest.approx(1.6)
    assert rolling.loc["bo"].isna().all() and len(rolling.loc["bo"]) == 27


# --- the best e1RM of a period: one function for every place that shows it ------------------

def _sets(rows):
    return pd.DataFrame(rows, columns=["date", "load_kg", "reps"]).astype(
        {"date": "datetime64[s]", "load_kg": "Float64", "reps": "Int64"})


def test_best_e1rm_of_a_period_by_hand():
    """Epley by hand: 100 x 5 = 116.67, 110 x 3 = 121.0, 90 x 12 = 126.0, 120 x 1 = 120."""
    sets = _sets([("2026-01-05", 100, 5), ("2026-02-02", 110, 3), ("2026-03-02", 90, 12),
                  ("2026-04-27", 120, 1)])
    whole = m.best_e1rm(sets)
    assert whole.e1rm_kg == pytest.approx(126.0)
    assert (whole.date, whole.load_kg, whole.reps) == (pd.Timestamp("2026-03-02"), 90.0, 12)
    assert whole.row == 2
    # both ends are days included; time of day does not matter
    feb = m.best_e1rm(sets, "2026-01-06", pd.Timestamp("2026-03-01 18:30"))
    assert feb.e1rm_kg == pytest.approx(121.0) and feb.date == pd.Timestamp("2026-02-02")
    assert m.best_e1rm(sets, "2026-02-02", "2026-02-02").e1rm_kg == pytest.approx(121.0)
    assert m.best_e1rm(sets, since="2026-04-01").e1rm_kg == 120.0  # a single is its load
    assert m.best_e1rm(sets, "2026-03-03", "2026-04-26") is None
    assert m.best_e1rm(sets, formula="brzycki").e1rm_kg == pytest.approx(90 * 36 / 25)


def test_best_e1rm_skips_sets_without_a_load_or_a_repetition():
    sets = _sets([("2026-01-05", None, 5), ("2026-01-05", 100, 0), ("2026-01-05", 60, None),
                  ("2026-01-06", 50, 2)])
    assert m.best_e1rm(sets).row == 3
    assert m.best_e1rm(sets.iloc[:3]) is None and m.best_e1rm(sets.iloc[:0]) is None


def test_best_e1rm_caps_reps_where_formulas_end():
    """40 repetitions count as 36 (Brzycki's formula ends at 37): an estimate, not an error."""
    sets = _sets([("2026-01-05", 20, 40)])
    assert m.best_e1rm(sets, formula="brzycki").e1rm_kg == pytest.approx(20 * 36)
    assert m.best_e1rm(sets).e1rm_kg == pytest.approx(20 * (1 + 36 / 30))


def test_last_days_are_the_weeks_to_a_day():
    since, until = m.last_days(pd.Timestamp("2026-04-27 17:00"), 56)
    assert (since, until) == (pd.Timestamp("2026-03-03"), pd.Timestamp("2026-04-27"))
    assert (until - since).days + 1 == 56
