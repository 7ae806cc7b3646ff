"""The settings table: its ranges are the configuration's, and it reads as a table."""

import re

import pytest

from planner import ConfigError, PlanConfig
from planner.settings import SETTINGS, label_of, setting, settings_table


def _config(name: str, value) -> PlanConfig:
    if name == "bridge_sets":
        return PlanConfig(overrides={"glute_bridge": {"sets": value[0], "max_sets": value[1]}})
    if name == "stretch_hold":
        return PlanConfig(overrides={"rotational_stretch": {"hold_min_s": value[0],
                                                            "hold_max_s": value[1]}})
    return PlanConfig(**{setting(name).field: value})


@pytest.mark.parametrize("name", ["weeks", "volume", "rep_range", "bridge_sets",
                                  "stretch_hold"])
def test_the_config_takes_both_ends_and_refuses_beyond(name):
    s = setting(name)
    pair = s.kind == "int_range"
    step = s.step if s.kind != "float" else 0.01
    lo, hi = (int(s.low), int(s.high)) if s.kind != "float" else (s.low, s.high)
    _config(name, (lo, lo) if pair else lo)
    _config(name, (hi, hi) if pair else hi)
    for bad in (lo - step, hi + step):
        with pytest.raises(ConfigError):
            _config(name, (bad, bad) if pair else bad)


def test_defaults_are_the_configs():
    c = PlanConfig()
    for s in SETTINGS:
        if s.default is not None and "." not in s.field:
            assert getattr(c, s.field) == s.default, s.name
    assert c.deload_every in [v for v, _ in setting("deload").choices]


def test_labels_and_table():
    assert label_of("deadlift_start_load") == "Start load"
    assert label_of("overrides.glute_bridge.max_sets") == "Bridge sets"
    t = settings_table()
    assert list(t.columns) == ["name", "field", "type", "range", "default", "label", "help",
                               "option"]
    assert t["option"].str.startswith("--").all() and t["name"].is_unique
    assert t.set_index("name").loc["weeks", "range"] == "1 to 104"
    with pytest.raises(KeyError):
        setting("colour")


def test_command_line_options_come_from_the_table():
    from typer.testing import CliRunner

    from planner.cli import app

    out = CliRunner().invoke(app, ["plan", "--help"]).output
    out = re.sub(r"[\s│]+", " ", out)  # help text wrapped in a box
    for name in ("weeks", "volume", "rep_range", "deadlifts_per_week", "unit"):
        assert setting(name).option in out
    assert "Allowed: 1 to 104." in out and "Allowed: 0.25 to 3." in out
    assert "Allowed: kg or lb." in out
