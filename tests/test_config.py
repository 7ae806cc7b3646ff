"""Every configuration error path names the field and what is allowed."""

from datetime import date

import pytest

from planner import ConfigError, PlanConfig
from planner.config import next_monday, spread_days


def problems(**kw):
    with pytest.raises(ConfigError) as info:
        PlanConfig(**kw)
    return info.value.problems


def test_defaults_need_no_input():
    c = PlanConfig()
    assert c.weeks == 12 and c.unit == "kg" and c.bar == 20.0
    assert c.start_date.weekday() == 0
    assert c.deadlift_days == ("mon", "fri")
    assert c.start_load == 20.0


@pytest.mark.parametrize(
    ("kwargs", "field", "allowed"),
    [
        ({"weeks": 0}, "weeks", "from 1 to 104"),
        ({"weeks": 105}, "weeks", "from 1 to 104"),
        ({"weeks": 2.5}, "weeks", "whole number"),
        ({"unit": "stone"}, "unit", "kg, lb"),
        ({"training_days": ()}, "training_days", "one or more of"),
        ({"training_days": ("mon", "funday")}, "training_days", "use one of mon"),
        ({"training_days": ("mon", "monday")}, "training_days", "given twice"),
        ({"start_date": "next week"}, "start_date", "a date like"),
        ({"rep_range": (15, 10)}, "rep_range", "low <= high"),
        ({"rep_range": (0, 10)}, "rep_range", "1 <= low"),
        ({"rep_range": (10,)}, "rep_range", "two whole numbers"),
        ({"reps_step": 0}, "reps_step", "from 1 to 5"),
        ({"deadlift_progression": "wave"}, "deadlift_progression", "double, linear"),
        ({"volume": 0}, "volume", "0.25 to 3"),
        ({"volume": 5}, "volume", "0.25 to 3"),
        ({"deload_every": 1}, "deload_every", "every 2nd to 12th week"),
        ({"deload_load": 1.2}, "deload_load", "0.5 to 0.99"),
        ({"deload_volume": 0.1}, "deload_volume", "0.3 to 0.99"),
        ({"exercises": ("squat",)}, "exercises", "one or more of"),
        ({"bar": -20}, "bar", "above 0"),
        ({"plates": ()}, "plates", "plate set is empty"),
        ({"plates": (20, -5)}, "plates", "above 0"),
        ({"deadlift_start_load": 10}, "deadlift_start_load", "lighter than the 20 kg bar"),
        ({"deadlift_start_load": 61}, "deadlift_start_load", "such as 60 or 62.5"),
        ({"deadlift_start_load": 5000}, "deadlift_start_load", "above the heaviest load"),
        ({"deadlift_start_load": 80, "one_rm": 100}, "deadlift_start_load", "above the ceiling"),
        ({"one_rm": -1}, "one_rm", "tested or estimated 1RM"),
        ({"load_step": 0}, "load_step", "positive load"),
        ({"deadlift_sessions_per_week": 4}, "deadlift_sessions_per_week", "1, 2 or 3"),
        ({"training_days": ("mon", "tue"), "deadlift_sessions_per_week": 2},
         "deadlift_sessions_per_week", "consecutive days"),
        ({"training_days": ("mon", "tue"), "deadlift_days": ("mon", "tue")},
         "deadlift_days", "consecutive days"),
        ({"training_days": ("mon", "sun"), "deadlift_days": ("sun", "mon")},
         "deadlift_days", "Sunday and Monday count as consecutive"),
        ({"deadlift_days": ("tue",)}, "deadlift_days", "not a training day"),
        ({"overrides": {"squat": {}}}, "overrides", "unknown exercise"),
        ({"overrides": {"deadlift": {"reps": 5}}}, "overrides.deadlift", "allowed: sets, rest_s"),
        ({"overrides": {"rotational_stretch": {"hold_min_s": -3}}},
         "overrides.rotational_stretch.hold_min_s", "from 1 to 120 s"),
        ({"overrides": {"rotational_stretch": {"hold_min_s": 12}}},
         "overrides.rotational_stretch", "hold_min_s <= hold_max_s"),
        ({"overrides": {"glute_bridge": {"sets": 5}}}, "overrides.glute_bridge", "max_sets"),
    ],
)
def test_error_names_field_and_allowed_values(kwargs, field, allowed):
    found = problems(**kwargs)
    assert any(name == field and allowed in msg for name, msg in found), found


def test_all_problems_reported_at_once():
    found = problems(weeks=0, unit="st", volume=9)
    assert {f for f, _ in found} == {"weeks", "unit", "volume"}
    text = str(ConfigError(found))
    assert "weeks" in text and "unit" in text and "volume" in text


def test_lb_defaults_and_one_rm_start():
    c = PlanConfig(unit="lb")
    assert c.bar == 45.0 and 45.0 in c.plates
    # From a 100 kg 1RM the 15-rep load by Epley is 100 / 1.5 = 66.7 kg -> 65 kg loadable.
    assert PlanConfig(one_rm=100).start_load == 65.0


def test_weekdays_accept_names_and_numbers():
    c = PlanConfig(training_days=("Tuesday", 3, "SAT"))
    assert c.training_days == ("tue", "thu", "sat")


def test_spread_days_prefers_widest_gap():
    assert spread_days([0, 2, 4], 2) == [0, 4]  # Mon + Fri, not Mon + Wed
    assert spread_days([0, 1], 2) is None
    assert spread_days(list(range(7)), 3) == [0, 2, 4]


def test_next_monday():
    assert next_monday(date(2026, 11, 24)) == date(2026, 11, 30)
    assert next_monday(date(2026, 11, 30)) == date(2026, 11, 30)


def test_config_is_frozen_and_replace_revalidates():
    c = PlanConfig(start_date=date(2026, 1, 5))
    with pytest.raises(AttributeError):
        c.weeks = 3  # type: ignore[misc]
    assert c.replace(weeks=8).weeks == 8
    with pytest.raises(ConfigError):
        c.replace(weeks=0)
