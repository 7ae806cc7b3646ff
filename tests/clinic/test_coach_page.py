"""The coach's view: flags from hand-made cohort rows, sorting, the app on the demo roster,
and the zip of next blocks (every athlete due has plan, calendar and sheet; no one else)."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import zipfile

import numpy as np
import pandas as pd
import pytest

from planner.clinic.coach_page import CoachApp, Dashboard, RosterTable, find_sources, unpack_roster
from planner.clinic.cohort import COHORT_COLUMNS
from planner.clinic.flags import COLUMNS, FLAGS, roster_flags, sort_roster
from tests.paths import ROOT

DEMO = ROOT / "data" / "roster"
AS_OF = pd.Timestamp("2026-03-01")


def _row(athlete: str, **values) -> dict:
    """A cohort row with nothing to flag, changed by ``values``."""
    row = {"athlete": athlete, "sets": 100, "first_day": AS_OF - pd.Timedelta(days=60),
           "last_session": AS_OF - pd.Timedelta(days=1), "days_since": 1,
           "plan_start": AS_OF - pd.Timedelta(days=60), "plan_end": AS_OF + pd.Timedelta(days=30),
           "compliance_deadlift": 1.0, "compliance_glute_bridge": 1.0,
           "compliance_rotational_stretch": 1.0, "sessions_due": 20, "sessions_done": 20,
           "compliance_sessions": 1.0, "compliance_sessions_4w": 1.0, "deadlift_sessions": 10,
           "best_e1rm_kg": 100.0, "e1rm_trend_kg_per_week": 1.0, "load_basis": "volume_load_kg",
           "days_of_data": 60, "acwr": 1.0, "pain_status": "within rules", "pain_reasons": "",
           "pain_weeks": 8, "pain_episodes": 0, "latest_pain_status": "within rules",
           "latest_pain_reasons": "", "latest_pain_week_start": AS_OF - pd.Timedelta(days=6),
           "latest_pain_weeks_ago": 0, "due_next_block": False}
    row.update(values)
    if "pain_status" in values and "latest_pain_status" not in values:  # this week's
        none = row["pain_status"] == "no pain data"
        row.update(latest_pain_status=row["pain_status"],
                   latest_pain_reasons=row["pain_reasons"],
                   latest_pain_week_start=pd.NaT if none else row["latest_pain_week_start"],
                   latest_pain_weeks_ago=pd.NA if none else 0)
    return row


@pytest.fixture(scope="module")
def flags() -> pd.DataFrame:
    rows = [
        _row("fine"),
        _row("stop", pain_status="stop", pain_reasons="stop: pain reached 7/10 (7 or more)",
             pain_episodes=2),
        _row("outside", pain_status="outside rules",
             pain_reasons="pain during reached 6 (limit 5)", pain_episodes=1),
        _row("nopain", pain_status="no pain data", pain_weeks=0),
        _row("low", compliance_sessions_4w=0.59),
        _row("edge", compliance_sessions_4w=0.6, days_since=9,
             last_session=AS_OF - pd.Timedelta(days=9)),
        _row("warm", acwr=1.49),
        _row("stale", acwr=2.4, days_since=30, last_session=AS_OF - pd.Timedelta(days=30)),
        _row("noplan", plan_start=pd.NaT, plan_end=pd.NaT, compliance_sessions_4w=np.nan,
             compliance_sessions=np.nan, sessions_due=pd.NA, sessions_done=pd.NA,
             due_next_block=True),
        _row("hot", acwr=1.5),
        _row("young", acwr=np.nan, days_of_data=14),
        _row("away", days_since=10, last_session=AS_OF - pd.Timedelta(days=10)),
        _row("nolog", days_since=pd.NA, last_session=pd.NaT, sets=0, acwr=np.nan,
             days_of_data=0, pain_status="no pain data", pain_weeks=0),
    ]
    athletes = pd.DataFrame(rows)[list(COHORT_COLUMNS)].astype(COHORT_COLUMNS)
    return roster_flags(athletes, AS_OF).set_index("athlete", drop=False)


def _raised(flags: pd.DataFrame, athlete: str) -> set[str]:
    return {f for f in FLAGS if flags.loc[athlete, f]}


def test_each_flag_from_hand_made_rows(flags):
    assert _raised(flags, "fine") == set() and flags.loc["fine", "flags"] == 0
    assert _raised(flags, "stop") == {"pain_rules"}
    assert flags.loc["stop", "pain_rules_why"] == (
        "stop this week: pain reached 7/10 (7 or more); see a clinician before training on; "
        "2 weeks outside the rules in all")
    assert _raised(flags, "outside") == {"pain_rules"}
    assert "pain during reached 6 (limit 5)" in flags.loc["outside", "pain_rules_why"]
    assert _raised(flags, "low") == {"low_compliance"}
    assert flags.loc["low", "low_compliance_why"] == (
        "59 % of due sessions done in full (under 60 %)")
    assert _raised(flags, "edge") == set()  # 60 % and 9 days are not flagged
    assert _raised(flags, "warm") == set()  # nor is an ACWR of 1.49
    # An ACWR from a last log a month old says nothing about the load now: not flagged.
    assert _raised(flags, "stale") == {"no_recent_log"}
    assert flags.loc["stale", "high_acwr_why"] == (
        "not current: ACWR 2.40 at the last log, 30 days ago")
    assert _raised(flags, "hot") == {"high_acwr"}
    assert flags.loc["hot", "high_acwr_why"] == (  # the ratio said once, to 2 decimals
        "ACWR 1.50 at the last log (that week's load over the 4-week weekly average)")
    assert _raised(flags, "young") == set()
    assert flags.loc["young", "high_acwr_why"] == ("no ACWR yet: 14 days of training since "
                                                   "the last break, it needs 28")
    assert _raised(flags, "away") == {"no_recent_log"}
    assert flags.loc["away", "no_recent_log_why"] == (
        "no log for 10 days (last session Thu 19 Feb 2026)")
    assert flags.loc["edge", "no_recent_log_why"] == "last log 9 days ago (Fri 20 Feb 2026)"


def test_missing_data_is_said_plainly(flags):
    # No pain data is a flag of its own, and never "within the rules" or 0 problems.
    assert _raised(flags, "nopain") == {"no_pain_data"}
    assert flags.loc["nopain", "pain_rules_why"] == (
        "not checked: no pain data this week or last week")
    assert flags.loc["nopain", "no_pain_data_why"] == (
        "no pain data this week or last week, nor in any week before")
    assert _raised(flags, "nolog") == {"no_recent_log", "no_pain_data"}
    assert flags.loc["nolog", "no_recent_log_why"] == "no log at all"
    # No plan: compliance is not computed, and not flagged as low.
    assert not flags.loc["noplan", "low_compliance"]
    assert flags.loc["noplan", "low_compliance_why"].startswith("no plan")
    assert flags.loc["noplan", "next_block"] == "due: no plan yet"
    assert flags.loc["fine", "next_block"] == "not due: the plan runs to Tue 31 Mar 2026"
    for f in FLAGS:  # every row says something in every flag column
        assert flags[f"{f}_why"].str.len().min() > 5


def test_sorting(flags):
    by_flags = sort_roster(flags, "flags")
    assert list(by_flags["flags"]) == sorted(flags["flags"], reverse=True)
    assert by_flags["athlete"].iloc[0] == "nolog"  # two flags
    by_acwr = sort_roster(flags, "high_acwr", ascending=False)
    assert list(by_acwr["athlete"][:2]) == ["hot", "warm"]
    # No current ACWR (none yet, or from a last log outside the acute week): last, by name.
    assert list(by_acwr["athlete"][-3:]) == ["nolog", "stale", "young"]
    low_first = sort_roster(flags, "low_compliance", ascending=True)
    assert low_first["athlete"].iloc[0] == "low" and low_first["athlete"].iloc[-1] == "noplan"
    assert list(sort_roster(flags, "athlete", ascending=True)["athlete"]) == sorted(
        flags["athlete"])
    assert sort_roster(flags, "no_recent_log")["athlete"].iloc[0] == "nolog"
    assert sort_roster(flags, "pain_rules")["athlete"].iloc[0] == "stop"
    with pytest.raises(ValueError, match="choose one of"):
        sort_roster(flags, "shoe_size")


def test_roster_table_sorts_on_a_heading_click_and_opens_on_a_name(flags):
    opened = []
    table = RosterTable(on_open=opened.append)
    table.show(flags.reset_index(drop=True))
    assert table.order[0] == "nolog" and len(table.rows) == len(flags)
    assert [c[0] for c in table.columns] == list(COLUMNS)
    table._message(None, {"type": "sort", "column": "athlete"}, [])
    assert table.order == sorted(flags["athlete"]) and table.ascending
    table._message(None, {"type": "sort", "column": "athlete"}, [])  # again: reversed
    assert table.order == sorted(flags["athlete"], reverse=True)
    table._message(None, {"type": "sort", "column": "nonsense"}, [])  # ignored
    assert table.sort_by == "athlete"
    table._message(None, {"type": "open", "athlete": "hot"}, [])
    assert opened == ["hot"]
    cells = {r["athlete"]: r["cells"] for r in table.rows}
    assert cells["hot"]["high_acwr"]["flag"] and not cells["fine"]["high_acwr"]["flag"]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> CoachApp:
    store = tmp_path_factory.mktemp("coach") / "store"
    return CoachApp(DEMO, store=store, unit="kg", as_of=AS_OF, search=[])


def test_app_on_the_demo_roster(app):
    assert "planner-msg-ok" in app.status.value and "9 files ingested" in app.status.value
    rows = app.flags.set_index("athlete")
    assert {a: _raised(rows, a) for a in rows.index} == {
        "ana": set(), "ben": {"low_compliance", "no_pain_data"}, "cleo": {"pain_rules"},
        "dev": {"no_recent_log", "no_pain_data"}, "eli": {"high_acwr"}}
    assert list(rows.index[rows["due_next_block"]]) == ["ana", "ben", "cleo", "dev"]
    assert len(app.table.rows) == 5 and "<b>4</b> due a next block" in app.summary.value
    assert app.source.selected_index is None  # the source is folded away once open
    assert app.zip_button.label == "Next blocks for the 4 athletes due (.zip)"


def test_the_demo_roster_on_the_monday_after_keeps_cleos_stop(tmp_path):
    """As of Monday 2 March nobody has scored pain this week yet: cleo's stop of last week
    (from Monday 23 February) is still flagged, saying so, and the athletes who scored
    within the rules last week are neither flagged nor "not checked"."""
    app = CoachApp(DEMO, store=tmp_path / "store", unit="kg",
                   as_of=pd.Timestamp("2026-03-02"), search=[])
    rows = app.flags.set_index("athlete")
    assert list(rows.index[rows["pain_rules"]]) == ["cleo"]
    assert rows.loc["cleo", "pain_rules_why"].startswith(
        "last week (from Mon 23 Feb 2026): stop: pain reached 7/10 (7 or more)")
    assert "see a clinician before training on; no pain score yet this week" in rows.loc[
        "cleo", "pain_rules_why"]
    for a in ("ana", "eli"):
        assert rows.loc[a, "pain_rules_why"] == (
            "within the rules last week (from Mon 23 Feb 2026); no pain score yet this week")
        assert not rows.loc[a, "no_pain_data"]
    assert list(rows.index[rows["no_pain_data"]]) == ["ben", "dev"]
    cells = {r["athlete"]: r["cells"] for r in app.table.rows}
    assert cells["cleo"]["pain_rules"]["flag"]
    assert cells["cleo"]["pain_rules"]["text"] == rows.loc["cleo", "pain_rules_why"]
    assert "None of these athletes has a pain score" not in app.summary.value


def test_a_click_opens_the_athletes_analysis(app):
    app.table._message(None, {"type": "open", "athlete": "cleo"}, [])
    assert app.tabs.selected_index == 1 and app.tabs.titles[1] == "Athlete: cleo"
    assert {"compliance", "deadlift", "pain"} <= set(app.analysis.figures)
    assert "Pain rules broken" in app.athlete_head.value
    # the report names its athlete and the day, in its file name and its title
    name, data = app.analysis.report_file()
    assert re.fullmatch(r"training-report-cleo-\d{4}-\d{2}-\d{2}\.html", name), name
    assert b"Training log report: cleo" in data
    app.table._message(None, {"type": "open", "athlete": "dev"}, [])  # no plan
    assert "deadlift" in app.analysis.figures and "compliance" not in app.analysis.figures
    assert "no plan stored for dev" in app.analysis.status.value


def test_the_zip_holds_every_athlete_due_and_no_one_else(app):
    name, data = app.zip_button.file()
    assert name == "next-blocks-2026-03-01.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        readme = z.read("README.txt").decode()
        csv = z.read("ben/next-block-2026-03-02.csv").decode()
    folders = {n.split("/")[0] for n in names if "/" in n}
    assert folders == {"ana", "ben", "cleo", "dev"}  # eli's plan runs on: not due
    stem = "next-block-2026-03-02"
    for a in folders:
        mine = [n.split("/")[1:] for n in names if n.startswith(a + "/")]
        assert sorted(p[0] for p in mine if len(p) == 1) == [
            f"{stem}-hevy-routines.json", f"{stem}-liftosaur.txt", f"{stem}-sheet.html",
            f"{stem}.csv", f"{stem}.ics"]
        # the watch's files in a folder: a workout per session of the block, and its README
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            block = pd.read_csv(io.BytesIO(z.read(f"{a}/{stem}.csv")))
        watch = sorted(p[1] for p in mine if len(p) == 2 and p[0] == f"{stem}-garmin")
        assert "README.txt" in watch
        # the block's first 4 weeks (APP_WEEKS): the next month on the watch
        first = block["week"].min()
        month = block.loc[block["week"] < first + 4, "session_id"].nunique()
        assert len([n for n in watch if n.endswith(".fit")]) == month
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            routines = json.loads(z.read(f"{a}/{stem}-hevy-routines.json"))
        assert len(routines) == month
    assert csv.startswith("key,week,day,date")
    assert "4 athletes due" in readme and "eli" not in readme
    assert "4 next blocks" in app.zip_message.value


def test_a_store_opens_directly_and_a_later_day_changes_the_flags(app):
    again = CoachApp(app.store.path, as_of="2026-03-20", search=[])
    rows = again.flags.set_index("athlete")
    assert "19 days" in rows.loc["ana", "no_recent_log_why"]  # after her last log
    assert math.isclose(len(rows), 5)
    # nobody has logged for 10 days then: one line above the table, not a flag on each row
    assert not rows["no_recent_log"].any()
    assert "None of these athletes has a log in the last 10 days" in again.summary.value


def test_bad_input_is_a_message(tmp_path):
    app = CoachApp(tmp_path / "nowhere", search=[])
    assert "planner-msg-error" in app.status.value and "nowhere" in app.status.value
    assert app.zip_button.disabled
    app = CoachApp(DEMO, store=tmp_path / "store", search=[])  # Strong does not say kg or lb
    assert "Choose the unit" in app.status.value and "1 athlete held back" in app.status.value
    assert "<b>dev</b>" in app.status.value and "planner-msg-error" in app.status.value
    assert "kg or lb" in app.status.value  # in words: no Python, no command line
    assert "unit=" not in app.status.value and "--unit" not in app.status.value
    assert len(app.table.rows) == 4  # the others are in
    app.unit.value = "kg"
    app.open_source()
    assert len(app.table.rows) == 5 and "planner-msg-ok" in app.status.value


def test_unpack_roster(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in DEMO.rglob("*.csv"):
            z.write(p, f"roster/{p.relative_to(DEMO)}")
    root = unpack_roster("roster.zip", buf.getvalue(), tmp_path / "a")
    assert root.name == "roster" and sorted(p.name for p in root.iterdir()) == [
        "ana", "ben", "cleo", "dev", "eli"]
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escape.csv", "x")
    with pytest.raises(ValueError, match="outside the folder"):
        unpack_roster("evil.zip", evil.getvalue(), tmp_path / "b")
    with pytest.raises(ValueError, match="not a zip file"):
        unpack_roster("log.csv", b"date,reps\n", tmp_path / "c")


def test_find_sources(app, tmp_path):
    found = dict((str(p), label) for label, p in find_sources([ROOT, app.store.path.parent]))
    assert found[str(DEMO)].startswith("the sample roster")
    assert found[str(app.store.path.resolve())].startswith("store:")
    # Only what a person made: the project's own test data and a folder of app exports
    # (every sub-folder holds CSV files, none a plan) are not rosters; a store.json that
    # is not a planner store is not a store.
    exports = tmp_path / "exports"
    for name in ("strong", "hevy"):
        (exports / name).mkdir(parents=True)
        (exports / name / "export.csv").write_text("Date,Workout Name,Exercise Name\n")
    other = tmp_path / "other-app"
    other.mkdir()
    (other / "store.json").write_text('{"kind": "someone else"}')
    mine = tmp_path / "mine"
    (mine / "ann").mkdir(parents=True)
    shutil.copy(DEMO / "ana" / "plan.csv", mine / "ann" / "plan.csv")
    found = {str(p): label for label, p in find_sources([ROOT, tmp_path])}
    assert not any(p.startswith(str(ROOT / "tests")) for p in found), found
    assert str(exports.resolve()) not in found and str(other.resolve()) not in found
    assert found[str(mine.resolve())].startswith("roster:")


def test_dashboard_offers_both_pages():
    d = Dashboard(search=[])
    assert d.coach is None and d.coach_box.layout.display == "none"
    d.choice.value = "coach"
    assert isinstance(d.coach, CoachApp) and d.planner.layout.display == "none"
    d.choice.value = "me"
    assert d.coach_box.layout.display == "none" and d.planner.layout.display is None


def test_a_roster_zip_uploaded_through_the_page(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in DEMO.rglob("*"):
            if p.is_file():
                z.write(p, f"clinic/{p.relative_to(DEMO)}")
    app = CoachApp(unit="kg", as_of=AS_OF, search=[])
    app._uploaded({"new": ({"name": "clinic.zip", "content": memoryview(buf.getvalue()),
                            "size": len(buf.getvalue())},)})
    assert app.path.value.endswith("clinic") and len(app.table.rows) == 5
    app._uploaded({"new": ({"name": "log.csv", "content": memoryview(b"a,b\n"), "size": 4},)})
    assert "not a zip file" in app.status.value


def test_changing_the_day_redraws_the_flags(app):
    app.as_of.value = pd.Timestamp("2026-03-12").date()
    try:
        rows = app.flags.set_index("athlete")
        assert "11 days" in rows.loc["ana", "no_recent_log_why"]
        # flagged on her row, or (when nobody logged for 10 days) above the table
        assert rows.loc["ana", "no_recent_log"] or "None of these athletes has a log" in \
            app.summary.value
        assert "Thu 12 Mar 2026" in app.summary.value
    finally:
        app.as_of.value = AS_OF.date()



def test_a_flag_every_athlete_has_is_one_line_above_the_roster():
    """Three athletes, none of whom logs pain, one of whom is behind: "no pain data" is said
    once above the table and counted on no row; the pain rules and the ACWR never move."""
    from planner.clinic.flags import FLAGS, shared_flags

    flags = pd.DataFrame({"athlete": ["a", "b", "c"],
                          **{f: [False, False, False] for f in FLAGS}})
    flags["no_pain_data"] = True
    flags["low_compliance"] = [True, False, False]
    flags["flags"] = flags[list(FLAGS)].sum(axis=1)
    flags["flags_key"] = flags["flags"]
    out, lines = shared_flags(flags)
    assert not out["no_pain_data"].any() and list(out["flags"]) == [1, 0, 0]
    assert lines == ["None of these athletes has a pain score this week: ask them to write it "
                     "in their notes after each session as “pain N/10” (the apps' notes are "
                     "read)."]
    everyone = flags.assign(pain_rules=True)
    assert shared_flags(everyone)[0]["pain_rules"].all()  # each athlete's own: kept
    one, said = shared_flags(flags.head(1))
    assert said == [] and one["no_pain_data"].all()
