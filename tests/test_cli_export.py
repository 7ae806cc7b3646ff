"""``planner export PLAN --to liftosaur|garmin|hevy``: the plan into the apps, from the shell.

Run as a real process (the installed ``planner`` command), so that what the user sees on the
terminal is what is checked; ``--send`` goes to a local stand-in for Hevy, never the internet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner.config import PlanConfig
from planner.files.app_sessions import PAIN_INSTRUCTION
from planner.programme import generate
from tests.files import test_hevy

hevy = test_hevy.hevy  # the fixture: a local stand-in for Hevy, on 127.0.0.1

KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
START = date(2026, 1, 5)


def planner_cmd(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "HEVY_API_KEY"}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, env=full, timeout=120)


@pytest.fixture(scope="module")
def plan_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.csv"
    generate(PlanConfig(weeks=2, start_date=START, deadlift_start_load=60)).to_csv(path)
    return path


def test_liftosaur_writes_the_program_and_never_replaces_a_file(plan_csv, tmp_path):
    out = tmp_path / "plan.txt"
    r = planner_cmd("export", str(plan_csv), "--to", "liftosaur", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("///") and "# Week 1" in text and "# Week 2" in text
    assert PAIN_INSTRUCTION in text
    out.write_text("mine", encoding="utf-8")
    r = planner_cmd("export", str(plan_csv), "--to", "liftosaur", "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    r = planner_cmd("export", str(plan_csv), "--to", "liftosaur", "-o", str(out), "--force")
    assert r.returncode == 0 and out.read_text(encoding="utf-8") == text


def test_garmin_writes_one_workout_per_session_and_a_readme(plan_csv, tmp_path):
    out = tmp_path / "garmin"
    r = planner_cmd("export", str(plan_csv), "--to", "garmin", "-o", str(out))
    assert r.returncode == 0, r.stderr
    fits = sorted(out.glob("*.fit"))
    assert len(fits) == 14  # 2 weeks, a session every day (the stretch is daily)
    assert all(f.read_bytes()[8:12] == b".FIT" for f in fits)
    assert "GARMIN/NewFiles" in (out / "README.txt").read_text(encoding="utf-8")
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    r = planner_cmd("export", str(plan_csv), "--to", "garmin", "-o", str(out))
    assert r.returncode == 2
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before


def test_hevy_file_holds_a_routine_per_session_of_the_weeks_asked(plan_csv, tmp_path):
    out = tmp_path / "routines.json"
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "-o", str(out), "--weeks", "2")
    assert r.returncode == 0, r.stderr
    routines = json.loads(out.read_text(encoding="utf-8"))
    assert len(routines) == 7
    assert all(x["routine"]["title"].find("W02") >= 0 for x in routines)
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "-o", str(tmp_path / "x.json"),
                    "--weeks", "9-10")
    assert r.returncode == 2 and "no week from 9 to 10" in r.stderr


def test_send_posts_each_routine_with_the_key_from_the_environment_only(plan_csv, hevy):
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "--weeks", "1", "--send",
                    "--api-url", hevy.url, env={"HEVY_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    assert len(hevy.requests) == 7
    keys = {v for q in hevy.requests for k, v in q["headers"].items() if k.lower() == "api-key"}
    assert keys == {KEY}
    assert all(q["path"] == "/v1/routines" for q in hevy.requests)
    assert "created 7/7" in r.stdout
    assert KEY not in r.stdout + r.stderr


def test_send_without_a_key_stops_before_sending(plan_csv, hevy):
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "--weeks", "1", "--send",
                    "--api-url", hevy.url)
    assert r.returncode == 2 and "HEVY_API_KEY" in r.stderr
    assert hevy.requests == []


def test_a_refused_key_is_said_and_never_shown(plan_csv, hevy):
    hevy.script.append((401, {"Content-Type": "application/json"},
                        json.dumps({"error": f"invalid api-key {KEY}"}).encode()))
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "--weeks", "1", "--send",
                    "--api-url", hevy.url, env={"HEVY_API_KEY": KEY})
    assert r.returncode == 2
    assert "401" in r.stderr and len(hevy.requests) == 1
    assert KEY not in r.stdout + r.stderr


def test_dry_run_prints_the_bodies_and_sends_nothing(plan_csv, hevy):
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "--weeks", "1", "--send",
                    "--dry-run", "--api-url", hevy.url, env={"HEVY_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    assert hevy.requests == []
    assert "would send 7 routines" in r.stdout and '"exercise_template_id"' in r.stdout
    assert KEY not in r.stdout + r.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["--to", "strava", "-o", "x"], "expected one of liftosaur, garmin, hevy"),
    (["--to", "garmin", "--send"], "are for --to hevy"),
    (["--to", "hevy", "--dry-run", "-o", "x.json"], "--dry-run goes with --send"),
    (["--to", "liftosaur"], "-o/--output: where to write"),
])
def test_wrong_options_are_named(plan_csv, args, said):
    r = planner_cmd("export", str(plan_csv), *args)
    assert r.returncode == 2 and said in r.stderr


def test_the_api_address_must_be_https_or_this_computer(plan_csv):
    r = planner_cmd("export", str(plan_csv), "--to", "hevy", "--weeks", "1", "--send",
                    "--api-url", "http://example.com", env={"HEVY_API_KEY": KEY})
    assert r.returncode == 2 and KEY not in r.stdout + r.stderr
