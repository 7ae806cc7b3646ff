"""The exercise catalogue, from a checkout and from an installed wheel."""

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from planner import EXERCISE_IDS, catalogue, exercise
from planner.catalogue import DOSE_KINDS, standard_plates
from tests.paths import ROOT


def test_three_exercises_with_three_kinds_of_dose():
    cat = catalogue()
    assert tuple(cat) == EXERCISE_IDS
    assert {e.dose for e in cat.values()} == set(DOSE_KINDS)
    assert cat["deadlift"].equipment == ("barbell", "weight plates")
    assert cat["glute_bridge"].equipment == ()


def test_defaults_follow_the_exercise_facts():
    assert exercise("glute_bridge").defaults["reps"] == 15
    st = exercise("rotational_stretch").defaults
    assert (st["hold_min_s"], st["hold_max_s"], st["reps"], st["every_day"]) == (5, 10, 3, True)
    dl = exercise("deadlift").defaults
    assert (dl["sets"], dl["rep_min"], dl["rep_max"]) == (3, 10, 15)
    for ex in catalogue().values():
        assert len(ex.instructions) >= 3 and ex.target_muscles


def test_unknown_exercise_lists_known_ids():
    with pytest.raises(KeyError, match="glute_bridge"):
        exercise("squat")


def test_standard_plates():
    assert standard_plates("kg") == (20.0, (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25))
    assert standard_plates("lb") == (45.0, (45.0, 35.0, 25.0, 10.0, 5.0, 2.5))


@pytest.mark.wheel
def test_catalogue_loads_from_an_installed_wheel(tmp_path):
    """Build the wheel, install it into a fresh venv, and load the catalogue there."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(ROOT)], check=True)
    wheel = next(dist.glob("planner-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    # Let the fresh venv see this environment's third-party packages (pandas ...) but not the
    # source checkout: a plain path entry, so the editable install's .pth is not processed.
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = textwrap.dedent("""
        import planner
        from planner.catalogue import data_path
        print(planner.__file__)
        print(data_path("exercises.toml"))
        print(sorted(planner.catalogue()))
        print(planner.generate(planner.PlanConfig(weeks=1)).table.shape[0] > 0)
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the wheel, not a checkout
    out = subprocess.run([py, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env=env, check=True).stdout.splitlines()
    assert str(venv) in out[0], out
    assert str(venv) in out[1] and out[1].endswith("planner/data/exercises.toml")
    assert out[2] == str(sorted(EXERCISE_IDS))
    assert out[3] == "True"
