"""``planner ingest`` and ``planner cohort`` on the command line."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

import planner
from planner.cli import app
from tests.clinic.test_cohort import store  # noqa: F401  (the roster fixture)

runner = CliRunner()


def test_ingest_then_cohort(store, tmp_path):  # noqa: F811
    out = tmp_path / "store"
    r = runner.invoke(app, ["ingest", str(store / "roster"), "--store", str(out), "--unit", "kg"])
    assert r.exit_code == 0, r.output
    assert "cy: " in r.output and "6 rows: 6 imported, 0 already stored, 0 rejected" in r.output
    again = runner.invoke(app, ["ingest", str(store / "roster"), "--store", str(out)])
    assert again.exit_code == 0 and "the store is unchanged" in again.output
    assert again.output.count("unchanged, already ingested") == 7  # 3 plans, 4 logs
    csv = tmp_path / "cohort.csv"
    c = runner.invoke(app, ["cohort", str(out), "--as-of", "2026-01-18", "-o", str(csv)])
    assert c.exit_code == 0, c.output
    assert "pain episodes: 1 in 2 athlete-weeks with pain data (50.0 per 100)" in c.output
    table = pd.read_csv(csv)
    expect = planner.cohort(out, as_of="2026-01-18").athletes
    assert table["athlete"].tolist() == ["ann", "bea", "cy", "dee"]
    assert table["pain_status"].tolist() == expect["pain_status"].tolist()
    # the terminal shows the worse of this week and last too (what the coach page flags)
    assert "latest_pain_status" in c.output.splitlines()[0]
    assert table["latest_pain_status"].tolist() == expect["latest_pain_status"].tolist()
    assert table["compliance_sessions"].round(6).tolist()[:2] == \
        expect["compliance_sessions"].round(6).tolist()[:2]


def test_clear_errors(tmp_path):
    r = runner.invoke(app, ["cohort", str(tmp_path)])
    assert r.exit_code == 2 and "not a planner store" in r.output
    r = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s")])
    assert r.exit_code == 2 and "no such folder or file" in r.output


def test_ingest_with_workers_and_a_bad_plan(tmp_path, monkeypatch):
    """``--workers 2`` reads the athletes in two processes (the roster made big enough for
    them by lowering the threshold) with the same counts; a plan with a bad value holds
    back its athlete only: a message naming the file, line and column, exit code 3
    (partial), and no change to that athlete's plan."""
    import planner.clinic.store as store_mod
    from planner import PlanConfig, generate
    from planner.files.plan_csv import plan_to_frame
    from tests.clinic.test_store import _cohort_roster

    monkeypatch.setattr(store_mod, "PARALLEL_FROM", 2)
    roster = _cohort_roster(tmp_path / "roster", 10)
    out = tmp_path / "store"
    r = runner.invoke(app, ["ingest", str(roster), "--store", str(out), "--unit", "kg",
                            "--workers", "2"])
    assert r.exit_code == 0, r.output
    # athlete i: 3 sets on each of 1 + i % 3 days, then 3 more on D4: 3 * 19 + 3 * 10
    assert "a09: " in r.output and "20 files, 87 sets imported" in r.output
    plans_before = store_mod.open_store(out).read("plans")
    plan = plan_to_frame(generate(PlanConfig(weeks=2))).astype({"target_reps": "object"})
    plan.loc[3, "target_reps"] = "ten"
    plan.to_csv(roster / "a04" / "plan.csv", index=False)
    bad = runner.invoke(app, ["ingest", str(roster), "--store", str(out), "--workers", "2"])
    assert bad.exit_code == 3, bad.output
    held = [line for line in bad.output.splitlines() if line.startswith("  - ")]
    assert len(held) == 1 and held[0].startswith("  - a04: ")
    assert "plan.csv" in held[0] and "line 5" in held[0] and "target_reps" in held[0]
    pd.testing.assert_frame_equal(store_mod.open_store(out).read("plans"), plans_before)
