"""Every configuration error path names the field and what is allowed."""

from datetime import date

import pytest

from planner import ConfigError, PlanConfig
from planner.config import next_monday, spread_days
from tests.paths import ROOT


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
        ({"one_rm": -1}, "one_rm", "positive load"),
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


# --- issue 10: inputs a user types ------------------------------------------------------------

# Peak resident memory of this process in kB (not inherited across exec, unlike ru_maxrss).
HWM = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"


def _bounded(code: str, seconds: float = 10, max_mb: float = 1500) -> tuple[float, float, str]:
    """Run ``code`` in a fresh interpreter, killed when it runs past ``seconds`` or its
    resident memory passes ``max_mb`` (watched, so a runaway cannot take the machine);
    return its wall time, its peak resident memory in MB (VmHWM: ru_maxrss would also count
    the pytest process it was forked from, as Linux carries it across exec) and its last
    output line."""
    import os
    import subprocess
    import sys
    import time

    script = ("import time\nt0 = time.perf_counter()\n" + code +
              "\nprint(time.perf_counter() - t0, "
              f"{HWM} / 1024, flush=True)")
    env = dict(os.environ)
    env["PYTHONPATH"] = env.get("PYTHONPATH") or str(ROOT)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    start = time.monotonic()
    while proc.poll() is None:
        rss = 0.0
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                rss = next((float(line.split()[1]) / 1024 for line in fh
                            if line.startswith("VmRSS:")), 0.0)
        except OSError:
            pass
        if rss > max_mb or time.monotonic() - start > seconds:
            proc.kill()
            proc.wait()
            pytest.fail(f"killed after {time.monotonic() - start:.1f} s at {rss:.0f} MB: {code}")
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    lines = out.strip().splitlines()
    wall, peak = (float(x) for x in lines[-1].split())
    return wall, peak, lines[-2] if len(lines) > 1 else ""


@pytest.mark.parametrize("plates", ["(0.01,)", "(0.001,)", "(20, 10, 0.01)", "(25, 0.26)",
                                    "tuple(range(1, 17))"])
def test_plates_0_01_is_refused_quickly(plates):
    code = (
        "from planner import ConfigError, PlanConfig\n"
        "import planner.plates as pp\n"
        "try:\n"
        f"    PlanConfig(plates={plates})\n"
        "    print('accepted')\n"
        "except ConfigError as exc:\n"
        "    print('refused', [f for f, _ in exc.problems])\n"
        "try:\n"
        f"    pp.PlateSet(20.0, {plates}, 'kg').max_load\n"
        "    print('plateset accepted')\n"
        "except ValueError:\n"
        "    pass\n"
    )
    wall, rss, last = _bounded(code)
    assert "plateset accepted" not in last
    assert last == "refused ['plates']", last
    assert wall < 2 and rss < 600, (wall, rss)


def test_plates_at_the_limits_still_work():
    assert PlanConfig(plates=(20, 10, 5, 2.5, 1.25, 0.5, 0.25)).plate_set.smallest_step() == 0.5
    assert PlanConfig(unit="lb", plates=(45, 25, 10, 5, 2.5, 1.25, 0.5)).plate_set.is_loadable(46)
    found = problems(unit="lb", plates=(45, 0.25))
    assert any("0.25 lb is lighter than the lightest plate made (0.5 lb)" in m for _, m in found)


def test_config_error_lists_load_problems_behind_bad_bar_or_unit():
    found = problems(unit="stone", bar=-20, plates=(0.01,), deadlift_start_load=-5)
    assert {f for f, _ in found} >= {"unit", "bar", "plates", "deadlift_start_load"}, found
    found = problems(bar=0, plates=(20, -5), one_rm=-1)
    assert {f for f, _ in found} >= {"bar", "plates", "one_rm"}, found


def test_training_days_mon_wed_fri_as_one_string():
    assert PlanConfig(training_days="mon,wed,fri").training_days == ("mon", "wed", "fri")
    assert PlanConfig(training_days="Monday, Wednesday Friday").training_days == (
        "mon", "wed", "fri")


def test_training_days_monkey_wedding_frisbee_are_refused():
    found = problems(training_days=("monkey", "wedding", "frisbee"))
    assert [f for f, _ in found].count("training_days") == 3
    assert "'monkey' is not a weekday" in found[0][1]


def test_start_date_9999_12_01_is_refused():
    found = problems(start_date=date(9999, 12, 1))
    assert found[0][0] == "start_date" and "9999-12-01" in found[0][1]
    assert problems(start_date=date(1969, 12, 31))[0][0] == "start_date"
    assert PlanConfig(start_date=date(2026, 1, 5)).start_date == date(2026, 1, 5)


def test_only_monday_selected_names_the_real_problem():
    found = problems(training_days=("mon",))
    (field, msg), = found
    assert field == "deadlift_sessions_per_week"
    assert "need at least 2 training days" in msg and "the only training day is mon" in msg
    assert "consecutive" not in msg


def test_config_messages_have_no_python_reprs():
    found = problems(training_days=(), exercises=("squat",), plates=(-5.0,), rep_range=(10,))
    text = " ".join(m for _, m in found)
    for bad in ("('", "(-5.0,)", "(10,)", "[", "]"):
        assert bad not in text, text
