"""The coach's zip made fast without changing it: every athlete due read at once gives the
same logs, plans and next blocks as one athlete at a time; the calendar and CSV written
as text are the bytes of their references (icalendar, pandas); and no downloaded file
carries more than one copy of plotly.js, none from a CDN. The timings are in
benchmarks/bench_coach.py; nothing here is timed."""

from __future__ import annotations

import io
import random
import re
import shutil
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.clinic import next_blocks as nbz
from planner.clinic.athlete import AthleteRows, athlete_log, athlete_plan
from planner.clinic.cohort import cohort
from planner.clinic.next_blocks import next_blocks_zip
from planner.clinic.store import ingest, open_store
from planner.files.bundle import plan_csv_text, plan_files, plan_ics_text
from planner.files.calendar import plan_ics
from planner.files.hevy import hevy_json, hevy_routines
from planner.files.liftosaur import liftosaur_text
from planner.files.plan_csv import plan_to_frame
from planner.files.report import report_html
from planner.files.sheet import sheet_html
from planner.nextblock import next_block
from planner.plan import Plan
from tests.clinic.test_store import HEADER
from tests.files.test_calendar import _fewer_holds, _irregular

START = "2026-01-05"  # a Monday; the 2-week plans end on Sunday 2026-01-18
AS_OF = pd.Timestamp("2026-01-18")
#: The first line of every copy of plotly.js (the bundle's licence header).
PLOTLY_JS = re.compile(rb"\*\s*plotly\.js v\d")
ATHLETES = ["ann", "bea", "cy", "ed", "gone", "lee", "noe"]


def _done(plan: planner.Plan, path: Path, pain_day: str | None = None,
          sore_day: str | None = None) -> Path:
    """A filled-in log template (in the plan's unit): every planned set done as written,
    pain 2 during and after every day, 7 during on ``pain_day`` (a stop), "sore" after on
    ``sore_day`` (pain nobody can read: a row of the store's import report)."""
    planner.write_log_template(plan, path)
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    load = "load_lb" if plan.unit == "lb" else "load_kg"
    t["done_reps"], t["done_hold_s"] = t["target_reps"], t["target_hold_s"]
    t[f"done_{load}"] = t[load]
    t[["pain_during", "pain_after"]] = "2"
    if pain_day is not None:
        t.loc[t["date"] == pain_day, "pain_during"] = "7"
    if sore_day is not None:
        t.loc[t["date"] == sore_day, "pain_after"] = "sore"
    t.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """ann and bea follow one shared plan file (bea hit a pain stop), lee an lb plan, ed a
    plan whose deadlift loads were edited by hand, gone a plan whose file was removed after
    the ingest; noe has a plan and no log, cy a Strong log and no plan."""
    root = tmp_path_factory.mktemp("coach-speed")
    (root / "files").mkdir()
    kg = planner.generate(planner.PlanConfig(weeks=2, start_date=START))
    kg.to_csv(root / "files" / "shared.csv")
    kg.to_csv(root / "files" / "gone.csv")
    kg.to_csv(root / "files" / "noe.csv")
    lb = planner.generate(planner.PlanConfig(weeks=2, start_date=START, unit="lb"))
    lb.to_csv(root / "files" / "lee.csv")
    ed = planner.generate(planner.PlanConfig(weeks=2, start_date=START,
                                             deadlift_start_load=60))
    t = ed.table.copy()
    first = t.index[t["exercise"] == "deadlift"][:3]
    t.loc[first, "load_kg"] = 50.0  # the first session's deadlift lowered by hand
    Plan(t, unit="kg", config=ed.config).to_csv(root / "files" / "ed.csv")
    _done(kg, root / "files" / "ann-log.csv", sore_day="2026-01-16")
    _done(kg, root / "files" / "bea-log.csv", pain_day="2026-01-14")
    _done(kg, root / "files" / "gone-log.csv")
    _done(lb, root / "files" / "lee-log.csv")
    _done(Plan(t, unit="kg", config=ed.config), root / "files" / "ed-log.csv")
    days = pd.date_range("2025-12-14", periods=6, freq="7D")
    (root / "files" / "cy.csv").write_text("\n".join([HEADER, *(
        f'{d:%Y-%m-%d} 18:00:00,"Back",30m,"Deadlift (Barbell)",1,{60 + 5 * i},10,0,0,,,'
        for i, d in enumerate(days))]) + "\n")
    rows = [("ann", "files/shared.csv", "files/ann-log.csv", "kg"),
            ("bea", "files/shared.csv", "files/bea-log.csv", "kg"),
            ("cy", "", "files/cy.csv", "kg"),
            ("ed", "files/ed.csv", "files/ed-log.csv", "kg"),
            ("gone", "files/gone.csv", "files/gone-log.csv", "kg"),
            ("lee", "files/lee.csv", "files/lee-log.csv", "lb"),
            ("noe", "files/noe.csv", "", "kg")]
    pd.DataFrame(rows, columns=["athlete", "plan", "logs", "unit"]).assign(
        name=lambda f: f["athlete"]).to_csv(root / "roster.csv", index=False)
    ingest(root / "roster.csv", root / "store")
    (root / "files" / "gone.csv").unlink()  # its stored rows stand in for it
    return root / "store"


def _same_plan(p: Plan | None, q: Plan | None) -> None:
    assert (p is None) == (q is None)
    if p is not None:
        pd.testing.assert_frame_equal(p.table, q.table)
        assert (p.unit, p.config, p.notes, p.settings_source, p.settings_notes) == (
            q.unit, q.config, q.notes, q.settings_source, q.settings_notes)


def _block(plan, log):
    try:
        return next_block(plan, log, today=AS_OF.date())
    except Exception as exc:  # noqa: BLE001 (the same failure both ways is the same result)
        return f"{type(exc).__name__}: {exc}"


def test_every_athlete_read_at_once_is_read_as_one_at_a_time(store):
    st = open_store(store)
    rows = AthleteRows(st, [*ATHLETES, "nobody"])
    for a in [*ATHLETES, "nobody"]:
        one, many = athlete_log(st, a), rows.log(a)
        pd.testing.assert_frame_equal(one.table, many.table)
        pd.testing.assert_frame_equal(one.report, many.report)
        assert (one.source_format, one.unit, one.rows_read, one.path) == (
            many.source_format, many.unit, many.rows_read, many.path)
        whole, current = athlete_plan(st, a)
        whole2, current2 = rows.plans(a)
        _same_plan(whole, whole2)
        _same_plan(current, current2)
        _same_plan(current, rows.current_plan(a))
        b1, b2 = _block(current, one), _block(rows.current_plan(a), many)
        if isinstance(b1, str):
            assert b1 == b2
        else:
            pd.testing.assert_frame_equal(b1.table, b2.table)
            assert (b1.unit, b1.config, b1.notes) == (b2.unit, b2.config, b2.notes)
    # The cases the fixture is for are there: a stop held, an edit kept, a file gone.
    notes = {a: " ".join(_block(rows.current_plan(a), rows.log(a)).notes) for a in ATHLETES}
    assert "clinician" in notes["bea"] and "edited by hand" in notes["ed"]
    assert rows.current_plan("lee").unit == "lb" and rows.current_plan("gone").config is None
    assert rows.current_plan("cy") is None and rows.log("noe").table.empty


def _files(data: bytes) -> dict[str, bytes]:
    """A zip's files, the calendars' DTSTAMP (the moment a file is made) blanked."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:-", z.read(n))
                for n in z.namelist()}


def test_the_zip_is_the_one_built_one_athlete_at_a_time(store, monkeypatch):
    st = open_store(store)
    flags = pd.DataFrame({"athlete": ATHLETES, "due_next_block": True})
    fast = next_blocks_zip(st, flags, AS_OF)
    monkeypatch.setattr(nbz, "BATCH_ATHLETES", 3)  # read in batches of 3: the same zip
    batched = next_blocks_zip(st, flags, AS_OF)
    assert (fast.built, fast.failed) == (batched.built, batched.failed)
    assert _files(fast.data) == _files(batched.data)

    def one_at_a_time(*_):
        raise RuntimeError("read them one by one")

    monkeypatch.setattr(nbz, "AthleteRows", one_at_a_time)  # the per-athlete reads
    slow = next_blocks_zip(st, flags, AS_OF)
    assert (fast.name, fast.built, fast.failed) == (slow.name, slow.built, slow.failed)
    assert _files(fast.data) == _files(slow.data)
    assert sorted(fast.built) == ATHLETES  # everyone has a block (cy's from the log alone)
    # Each file is what the reference writers make of the block.
    files = _files(fast.data)
    for a in ATHLETES:
        _, plan = athlete_plan(st, a)
        block = next_block(plan, athlete_log(st, a), today=AS_OF.date())
        stem = f"{a}/next-block-{fast.built[a]:%Y-%m-%d}"
        assert files[f"{stem}.csv"] == plan_to_frame(block).to_csv(index=False).encode()
        assert files[f"{stem}-sheet.html"] == sheet_html(block).encode()
        assert files[f"{stem}-liftosaur.txt"] == liftosaur_text(block).encode()
        first = int(block.table["week"].min())  # Hevy's routines of the first APP_WEEKS
        assert files[f"{stem}-hevy-routines.json"] == hevy_json(hevy_routines(
            block, weeks=range(first, first + nbz.APP_WEEKS)))
        assert _unfolded(files[f"{stem}.ics"].decode()) == _unfolded(
            re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:-", plan_ics(block)))


def _unfolded(ics: str) -> list[str]:
    """The content lines of an iCalendar text, long lines unfolded (RFC 5545, 3.1)."""
    return ics.replace("\r\n ", "").split("\r\n")


def _plans() -> list[Plan]:
    """Plans of every shape the writers meet, and some with awkward text: commas,
    semicolons, backslashes, quotes, line breaks, formula-like cells, emoji."""
    plans = [planner.generate(planner.PlanConfig(weeks=w, start_date=START, unit=u,
                                                 volume=v, deadlift_start_load=60 if u == "kg"
                                                 else 135))
             for w in (1, 5) for u in ("kg", "lb") for v in (0.5, 1.5)]
    rnd = random.Random(7)
    bits = ["a", ",", ";", "\\", "\\N", "\n", "\r\n", '"', "=1+1", "-", "@", "é", "×", "😀",
            "^", " ", "x" * 40]
    for k in range(6):
        t = plans[k].table.copy()
        t["plates"] = ["".join(rnd.choice(bits) for _ in range(rnd.randrange(0, 30)))
                       for _ in range(len(t))]
        t["session_id"] = t["session_id"].map(
            {s: s + "".join(rnd.choice(bits) for _ in range(rnd.randrange(0, 9)))
             for s in t["session_id"].unique()})
        plans.append(Plan(t, unit=plans[k].unit))
    return plans


#: Time zones the calendars are written in: with summer time either side of the equator,
#: a half-hour offset, UTC and one of its aliases (times with a Z), and the machine's own.
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
         "Etc/UTC", None)
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_calendar_and_csv_written_as_text_are_their_references():
    now = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    plans = _plans()
    # Plans whose stretch-only days the weekly rule misses (RDATE) or has too many (EXDATE),
    # across a new year (two years of VTIMEZONE), starting on a Wednesday, 2 to 7 days a week.
    plans += [_irregular(planner.generate(planner.PlanConfig(
        weeks=w, start_date=start, training_days=days, deadlift_start_load=60,
        deadlift_sessions_per_week=min(2, len(days) // 2),
        overrides={"rotational_stretch": {"hold_min_s": hold, "hold_max_s": 10}})))
        for w, start, days, hold in ((6, "2026-03-16", ("mon", "wed", "fri"), 10),
                                     (8, "2026-12-02", ("tue", "thu"), 10),
                                     (9, "2026-10-21", ("mon", "thu"), 5),
                                     (3, "2026-10-21", EVERY_DAY, 5))]
    # A plan whose holds a side change (the stretch series titled without them).
    plans.append(_fewer_holds(planner.generate(planner.PlanConfig(
        weeks=5, start_date=START, deadlift_start_load=60))))
    seen = set()
    for k, plan in enumerate(plans):
        for start, minutes in (("18:00", None), ("6:05", 45), ("23:50", 30)):
            tz = ZONES[k % len(ZONES)] if start != "18:00" else "Europe/Berlin"
            fast = plan_ics_text(plan, start_time=start, minutes=minutes, now=now, tz=tz)
            ref = plan_ics(plan, start_time=start, minutes=minutes, now=now, tz=tz)
            assert _unfolded(fast) == _unfolded(ref), (k, start, tz)
            # Folded as RFC 5545 asks: no line over 75 octets.
            assert max(len(line.encode()) for line in fast.split("\r\n")) <= 75
            seen.update(w for w in ("RRULE:", "EXDATE;", "RDATE;", "BEGIN:VALARM",
                                    "BEGIN:VTIMEZONE", "DTSTART:", "SUMMARY:Back stretch\r",
                                    "SUMMARY:Back stretch: ") if w in fast)
        assert plan_csv_text(plan) == plan_to_frame(plan).to_csv(index=False)
    # The comparison met every part of the calendar: rules, exceptions, reminders, zones,
    # the stretch series' two kinds of title.
    assert seen == {"RRULE:", "EXDATE;", "RDATE;", "BEGIN:VALARM", "BEGIN:VTIMEZONE",
                    "DTSTART:", "SUMMARY:Back stretch\r", "SUMMARY:Back stretch: "}
    with pytest.raises(ValueError, match="start time"):
        plan_files(_plans()[0], "ics", "x", start_time="25:00")
    for bad in ("Europe/Berln", ""):
        with pytest.raises(ValueError, match=f'IANA name.*got "{bad}"'):
            plan_ics_text(_plans()[0], tz=bad)


def test_no_download_carries_its_own_plotly(store):
    """The zip holds no script at all (its sheets are HTML and CSS: no copy of plotly.js
    per athlete), and an athlete's report (the coach's download on the Athlete tab) holds
    one copy, in the page: it works offline, and asks no CDN."""
    st = open_store(store)
    flags = pd.DataFrame({"athlete": ATHLETES, "due_next_block": True})
    files = _files(next_blocks_zip(st, flags, AS_OF).data)
    assert sum(len(PLOTLY_JS.findall(data)) for data in files.values()) <= 1
    assert not any(b"<script" in data for data in files.values())
    whole, _ = athlete_plan(st, "ann")
    page = report_html(planner.analyse(athlete_log(st, "ann"), whole)).encode()
    assert len(PLOTLY_JS.findall(page)) == 1
    assert not re.search(rb"<script[^>]+src=[\"']https?://", page)


def _same_cohort(a, b) -> None:
    for name in ("athletes", "compliance", "pain", "weekly_active"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.as_of == b.as_of


def test_the_cohort_kept_in_the_store_is_the_one_computed(store, tmp_path):
    st = tmp_path / "store"
    shutil.copytree(store, st)
    shutil.rmtree(st / "cache", ignore_errors=True)
    first = cohort(st, as_of=AS_OF)
    assert open_store(st).read("report", None, ["rule"])["rule"].eq("pain-unreadable").any()
    kept = sorted((st / "cache").iterdir())
    assert len(kept) == 2 and stat.S_IMODE((st / "cache").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    _same_cohort(first, cohort(st, as_of=AS_OF))  # read back
    _same_cohort(first, cohort(st, as_of=AS_OF, cache=False))  # computed again
    # What a plain call reads is the kept table (changed here by hand to show it) ...
    rows = next(p for p in kept if not p.name.endswith("-active.parquet"))
    changed = pd.read_parquet(rows).assign(sets=999_999)
    changed.to_parquet(rows)
    assert cohort(st, as_of=AS_OF).athletes["sets"].eq(999_999).all()
    # ... never for another day, a chunk size or a scheduler named (those compute) ...
    assert not cohort(st, as_of=AS_OF - pd.Timedelta(days=1)).athletes["sets"].eq(
        999_999).any()
    _same_cohort(first, cohort(st, as_of=AS_OF, chunk_athletes=2))
    # ... nor once an ingest has changed the store: noe's first log is in.
    for name in ("noe.csv", "noe.settings.json"):
        shutil.copy(store.parent / "files" / name, tmp_path / f"plan-{name}")
    _done(planner.read_plan(tmp_path / "plan-noe.csv"), tmp_path / "log.csv")
    pd.DataFrame([("noe", "noe", "plan-noe.csv", "log.csv", "kg")],
                 columns=["athlete", "name", "plan", "logs", "unit"]).to_csv(
        tmp_path / "roster.csv", index=False)
    assert ingest(tmp_path / "roster.csv", st).changed
    after = cohort(st, as_of=AS_OF)
    assert after.athletes.set_index("athlete").loc["noe", "sets"] > 0
    assert not after.athletes["sets"].eq(999_999).any()
    _same_cohort(after, cohort(st, as_of=AS_OF, cache=False))
    # A store it cannot keep anything in is computed, as before.
    shutil.rmtree(st / "cache")
    (st / "cache").write_text("not a folder")
    _same_cohort(after, cohort(st, as_of=AS_OF))
