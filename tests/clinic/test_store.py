"""The store's guarantees: no set lost or doubled, cumulative exports, atomic ingests."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from planner.clinic.roster import RosterError, read_roster
from planner.clinic.store import StoreError, ingest, open_store
from tests.paths import EXPORTS

HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds," \
         "Notes,Workout Notes,RPE"


def strong_rows(day: str, reps=(10, 10, 10), load: float = 60.0) -> list[str]:
    """A Strong workout on ``day``: deadlift sets of ``reps`` at ``load`` kg."""
    return [f'{day} 18:00:00,"Back",40m,"Deadlift (Barbell)",{i},{load},{r},0,0,,,'
            for i, r in enumerate(reps, start=1)]


def write_strong(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def files_row(result, name: str) -> dict:
    f = result.files
    return f[f["file"].str.endswith(name)].iloc[0].to_dict()


D1, D2, D3, D4 = "2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09"


def test_cumulative_exports_imported_twice(tmp_path):
    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "export1.csv", strong_rows(D1) + strong_rows(D2))
    store = tmp_path / "store"
    r1 = ingest(read_roster(roster, unit="kg"), store)
    assert files_row(r1, "export1.csv")["imported"] == 6
    # The newer export repeats all history and adds one workout: only its 3 sets are new.
    write_strong(roster / "ann" / "export2.csv",
                 strong_rows(D1) + strong_rows(D2) + strong_rows(D3, (8, 8, 8)))
    r2 = ingest(read_roster(roster, unit="kg"), store)
    row = files_row(r2, "export2.csv")
    assert (row["rows_read"], row["imported"], row["already_stored"], row["missing"]) == \
        (9, 3, 6, 0)
    assert files_row(r2, "export1.csv")["status"] == "unchanged"
    sets = open_store(store).read("sets")
    assert len(sets) == 9
    assert sets.groupby("date").size().tolist() == [3, 3, 3]
    # Both exports again: nothing read, nothing written, not one new Delta version.
    r3 = ingest(read_roster(roster, unit="kg"), store)
    assert set(r3.files["status"]) == {"unchanged"}
    assert not r3.changed and r3.versions_after == r2.versions_after
    assert len(open_store(store).read("sets")) == 9
    assert len(open_store(store).read("imports")) == 2


def test_two_cumulative_exports_in_one_ingest(tmp_path):
    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "a_old.csv", strong_rows(D1))
    write_strong(roster / "ann" / "b_new.csv", strong_rows(D1) + strong_rows(D2))
    r = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert (files_row(r, "a_old.csv")["imported"], files_row(r, "b_new.csv")["imported"],
            files_row(r, "b_new.csv")["already_stored"]) == (3, 3, 3)
    assert len(open_store(tmp_path / "store").read("sets")) == 6
    write_strong(roster / "ann" / "c_newer.csv", strong_rows(D1) + strong_rows(D2)
                 + strong_rows(D3))
    write_strong(roster / "bob" / "d.csv", strong_rows(D3))
    r2 = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert r2.versions_after["sets"] == r.versions_after["sets"] + 1  # one commit for both
    assert len(open_store(tmp_path / "store").read("sets")) == 12


def test_overlapping_export_reports_missing_sets_and_keeps_them(tmp_path):
    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "a.csv", strong_rows(D1) + strong_rows(D2) + strong_rows(D3))
    ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    # A later export from D2 to D4 that lost the third set of D3.
    shutil.rmtree(roster / "ann")
    write_strong(roster / "ann" / "b.csv",
                 strong_rows(D2) + strong_rows(D3, (10, 10)) + strong_rows(D4, (12, 12)))
    r = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    row = files_row(r, "b.csv")
    # D1 is before b's first day: not missing from it. D3 set 3 is.
    assert (row["rows_read"], row["imported"], row["already_stored"], row["missing"]) == \
        (7, 2, 5, 1)
    missing = r.report[r.report["action"] == "missing"]
    assert len(missing) == 1 and "2026-03-06" in missing["value"].iloc[0]
    assert "set 3" in missing["value"].iloc[0]
    sets = open_store(tmp_path / "store").read("sets")
    assert len(sets) == 11  # 9 kept + 2 new
    assert len(open_store(tmp_path / "store").read("report")) == 1


def test_changed_file_adds_only_its_new_sets(tmp_path):
    roster = tmp_path / "roster"
    f = write_strong(roster / "ann" / "strong.csv", strong_rows(D1))
    ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    write_strong(f, strong_rows(D1) + strong_rows(D2, (5,)))
    r = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    row = files_row(r, "strong.csv")
    assert (row["status"], row["imported"], row["already_stored"]) == ("ingested", 1, 3)
    assert len(open_store(tmp_path / "store").read("imports")) == 2


def test_identical_sets_in_one_file_both_stay(tmp_path):
    """The occurrence index keeps two identical rows (FitNotes-style duplicates) apart,
    and a cumulative re-export holding both recognises both."""
    roster = tmp_path / "roster"
    row = strong_rows(D1, (10,))[0]
    write_strong(roster / "ann" / "a.csv", [row, row])
    r1 = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert files_row(r1, "a.csv")["imported"] == 2
    assert files_row(r1, "a.csv")["flagged"] == 1  # the reader's flag, kept in the report
    write_strong(roster / "ann" / "b.csv", [row, row, *strong_rows(D2, (9,))])
    r2 = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert (files_row(r2, "b.csv")["imported"], files_row(r2, "b.csv")["already_stored"]) == \
        (1, 2)
    assert len(open_store(tmp_path / "store").read("sets")) == 3


def test_row_accounting_with_rejected_rows(tmp_path):
    roster = tmp_path / "roster"
    rows = strong_rows(D1) + ['not a date,"Back",40m,"Deadlift (Barbell)",4,60,10,0,0,,,']
    write_strong(roster / "ann" / "a.csv", rows)
    write_strong(roster / "ann" / "b.csv", strong_rows(D1) + strong_rows(D2, (7,)))
    r = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    a, b = files_row(r, "a.csv"), files_row(r, "b.csv")
    assert (a["rows_read"], a["imported"], a["rejected"], a["already_stored"]) == (4, 3, 1, 0)
    assert (b["rows_read"], b["imported"], b["rejected"], b["already_stored"]) == (4, 1, 0, 3)
    for x in (a, b):
        assert x["rows_read"] == x["imported"] + x["already_stored"] + x["rejected"] \
            + x["skipped"]
    rep = open_store(tmp_path / "store").read("report")
    assert (rep["action"] == "rejected").sum() == 1 and rep["line"].tolist() == [5]
    assert rep["rule"].tolist() == ["date"]  # the reader's stable code, kept in the store


def test_report_rules_missing_sets_and_a_store_from_before_rules(tmp_path):
    """The store's report carries each row's rule code ("missing" for a set a newer
    export no longer holds). A store written before the report had its rule column
    still reads (its rows with a blank rule) and gains the column at the next ingest."""
    from deltalake import DeltaTable, write_deltalake

    roster = tmp_path / "roster"
    store = tmp_path / "store"
    write_strong(roster / "ann" / "a.csv",
                 strong_rows(D1) + ['not a date,"Back",40m,"Deadlift (Barbell)",4,60,10,0,0,,,'])
    ingest(read_roster(roster, unit="kg"), store)
    # Rewrite the report table as a store of the first version wrote it: no rule column.
    old = DeltaTable(str(store / "report")).to_pyarrow_table().drop_columns(["rule"])
    shutil.rmtree(store / "report")
    write_deltalake(str(store / "report"), old)
    before = open_store(store).read("report")
    assert before["action"].tolist() == ["rejected"] and before["rule"].isna().all()
    assert open_store(store).read("report", columns=["line", "rule"])["line"].tolist() == [5]

    write_strong(roster / "ann" / "b.csv", strong_rows(D1, (10, 10)) + strong_rows(D2))
    r = ingest(read_roster(roster, unit="kg"), store)
    assert r.report["rule"].tolist() == ["missing"]  # D1's third set is gone from b.csv
    after = open_store(store).read("report").sort_values("rule", na_position="first")
    assert after["rule"].isna().tolist() == [True, False]
    assert after["rule"].iloc[1] == "missing" and after["action"].iloc[1] == "missing"
    assert "rule" in [f.name for f in DeltaTable(str(store / "report")).schema().fields]


def test_interrupted_ingest_leaves_the_store_as_it_was(tmp_path):
    from planner.logs import read_log

    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "a.csv", strong_rows(D1))
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    st = open_store(store)
    before, content = st.versions(), st.read("sets").sort_values("source_line")
    write_strong(roster / "ann" / "b.csv", strong_rows(D1) + strong_rows(D2))
    write_strong(roster / "bob" / "c.csv", strong_rows(D3))
    calls = []

    def failing(path, unit=None):
        calls.append(path)
        if len(calls) == 2:
            raise MemoryError("out of memory")  # the machine, not a file: stop it all
        return read_log(path, unit=unit)

    with pytest.raises(MemoryError, match="out of memory"):
        ingest(read_roster(roster, unit="kg"), store, read_log=failing)
    assert len(calls) == 2  # b.csv was read and its new sets written before the failure
    on_disk = set(map(str, (store / "sets").rglob("*.parquet")))
    committed = {f for fs in st.files("sets").values() for f in fs}
    assert on_disk == committed  # b's new sets, written before the failure, removed
    assert st.versions() == before
    after = st.read("sets").sort_values("source_line")
    pd.testing.assert_frame_equal(after.reset_index(drop=True), content.reset_index(drop=True))
    assert len(st.read("imports")) == 1
    r = ingest(read_roster(roster, unit="kg"), store)  # the same ingest, uninterrupted
    assert files_row(r, "b.csv")["imported"] == 3 and files_row(r, "c.csv")["imported"] == 3
    assert len(st.read("sets")) == 9


def test_store_is_private_and_versioned(tmp_path):
    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "a.csv", strong_rows(D1))
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert json.loads((store / "store.json").read_text())["schema_version"] == 1
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    with pytest.raises(StoreError, match="not a planner store"):
        open_store(tmp_path / "other")
    with pytest.raises(StoreError, match="not empty"):
        open_store(tmp_path / "other", create=True)


def test_roster_csv_and_bad_ids(tmp_path):
    write_strong(tmp_path / "logs" / "ann.csv", strong_rows(D1))
    write_strong(tmp_path / "logs" / "ann2.csv", strong_rows(D2))
    (tmp_path / "roster.csv").write_text(
        "athlete,name,plan,logs,unit\nann,Ann Smith,,logs/ann.csv;logs/ann2.csv,kg\n")
    r = read_roster(tmp_path / "roster.csv")
    assert r.table.to_dict("records") == [{
        "athlete": "ann", "name": "Ann Smith", "plan": "",
        "logs": f"{tmp_path}/logs/ann.csv;{tmp_path}/logs/ann2.csv"}]
    res = ingest(r, tmp_path / "store")
    assert res.files["imported"].tolist() == [3, 3]
    # A bad entry holds back its athlete only; the others are read.
    (tmp_path / "bad.csv").write_text("athlete,logs\n../etc,logs/ann.csv\nann,logs/ann.csv\n")
    bad = read_roster(tmp_path / "bad.csv")
    assert [a.id for a in bad.athletes] == ["ann"]
    assert [h.athlete for h in bad.held_back] == ["../etc"]
    assert "line 2, column athlete: athlete id '../etc' is not allowed" in \
        bad.held_back[0].reason
    (tmp_path / "gone.csv").write_text("athlete,logs\nann,logs/none.csv\n")
    gone = read_roster(tmp_path / "gone.csv")
    assert gone.athletes == () and "line 2, column logs, entry 1: file not found" in \
        gone.held_back[0].reason
    (tmp_path / "twice.csv").write_text("athlete,logs\nann,logs/ann.csv\nAnn,logs/ann2.csv\n")
    with pytest.raises(RosterError, match="line 2 and line 3 both give the athlete id"):
        read_roster(tmp_path / "twice.csv")


@pytest.mark.skipif(not EXPORTS.is_dir(), reason=f"the shared real exports are absent "
                    f"({EXPORTS}); this test reads them when they exist")
def test_roster_from_the_shared_exports(tmp_path):
    from planner.logs import read_log

    layout = {"ann": ["strong_s1_kg.csv", "strong_s3_example.csv"],
              "ben": ["hevy_felipe.csv"], "cy": ["fitnotes_f1.csv", "strong_s0_alt.csv"]}
    for athlete, names in layout.items():
        (tmp_path / "roster" / athlete).mkdir(parents=True)
        for n in names:
            shutil.copy(EXPORTS / n, tmp_path / "roster" / athlete / n)
    roster = read_roster(tmp_path / "roster", unit="kg")
    assert [a.id for a in roster.athletes] == ["ann", "ben", "cy"]
    r = ingest(roster, tmp_path / "store")
    expect = {n: read_log(EXPORTS / n, unit="kg") for names in layout.values() for n in names}
    for n, log in expect.items():
        row = files_row(r, n)
        assert row["rows_read"] == log.rows_read
        assert row["imported"] == log.rows_imported  # different workouts: nothing shared
        assert row["rejected"] == log.rows_rejected
    sets = open_store(tmp_path / "store").read("sets")
    assert sets.groupby("athlete").size().to_dict() == {
        a: sum(expect[n].rows_imported for n in names) for a, names in layout.items()}
    again = ingest(read_roster(tmp_path / "roster", unit="kg"), tmp_path / "store")
    assert not again.changed and set(again.files["status"]) == {"unchanged"}


def test_a_changed_plan_replaces_only_that_athletes_plan(tmp_path):
    import planner

    roster = tmp_path / "roster"
    for a in ("ann", "bob"):
        write_strong(roster / a / "log.csv", strong_rows(D1))
        planner.generate(planner.PlanConfig(weeks=2, start_date="2026-03-02")).to_csv(
            roster / a / "plan.csv")
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    plans = open_store(store).read("plans")
    two = len(plans) // 2
    assert plans.groupby("athlete").size().to_dict() == {"ann": two, "bob": two}
    (roster / "ann" / "plan.csv").unlink()
    (roster / "ann" / "plan.settings.json").unlink(missing_ok=True)
    three = planner.generate(planner.PlanConfig(weeks=3, start_date="2026-03-02"))
    three.to_csv(roster / "ann" / "plan.csv")
    r = ingest(read_roster(roster, unit="kg"), store)
    assert r.versions_after["plans"] == r.versions_before["plans"] + 1
    plans = open_store(store).read("plans")
    assert plans.groupby("athlete").size().to_dict() == {"ann": len(three.table), "bob": two}
    assert plans.loc[plans["athlete"] == "ann", "date"].max() == pd.Timestamp("2026-03-22")


# --- ingest in chunks: the same counts, report and store as a one-piece read ----------------

ONE_PIECE = 1 << 40  # chunk_bytes larger than any file: each export read whole


def _same_ingest(roster: Path, tmp_path: Path, chunk_bytes: int, rounds: int = 1):
    """Ingest ``roster`` into two stores, in chunks and in one piece; both results."""
    out = {}
    for how, size in (("chunks", chunk_bytes), ("whole", ONE_PIECE)):
        for _ in range(rounds):
            out[how] = ingest(read_roster(roster, unit="kg"), tmp_path / how,
                              chunk_bytes=size)
    return out["chunks"], out["whole"]


def _assert_same_store(tmp_path: Path, a, b) -> None:
    cols = ["rows_read", "imported", "already_stored", "rejected", "skipped", "flagged",
            "missing", "format", "status"]
    pd.testing.assert_frame_equal(a.files[cols], b.files[cols])
    key = ["athlete", "performed_at", "exercise", "set", "side", "occurrence"]
    sets = [open_store(tmp_path / h).read("sets").sort_values(key).reset_index(drop=True)
            for h in ("chunks", "whole")]
    pd.testing.assert_frame_equal(*sets)
    rcols = ["athlete", "line", "column", "value", "problem", "action"]
    reps = [open_store(tmp_path / h).read("report")[rcols].sort_values(rcols[:4])
            .reset_index(drop=True) for h in ("chunks", "whole")]
    pd.testing.assert_frame_equal(*reps)


def test_chunks_keep_a_multiline_note_whole(tmp_path):
    from planner.logs.stream import iter_log

    rows = []
    for i in range(16):  # a quoted note with line breaks (and a quote) in every workout
        day = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=i)).strftime("%Y-%m-%d")
        rows += strong_rows(day, (10, 10, 10), 60 + i)
        rows[-2] = rows[-2][:-3] + ',"felt ""ok""\nback tight,\nstopped early",,'
    path = write_strong(tmp_path / "roster" / "ann" / "export.csv", rows)
    chunk = 300
    assert path.stat().st_size > 8 * chunk
    logs = list(iter_log(path, unit="kg", chunk_bytes=chunk))
    assert len(logs) > 5  # many chunks, most cuts near a note
    notes = pd.concat([lg.table for lg in logs])["note"]
    assert (notes == 'felt "ok"\nback tight,\nstopped early').sum() == 16
    a, b = _same_ingest(tmp_path / "roster", tmp_path, chunk)
    assert files_row(a, "export.csv")["imported"] == 48
    _assert_same_store(tmp_path, a, b)
    lines = open_store(tmp_path / "chunks").read("sets")["source_line"]
    assert lines.max() == 1 + 16 * 5  # the file's own lines: 3 rows + 2 note lines a workout


def test_chunks_keep_fitnotes_identical_sets_of_a_day_together(tmp_path):
    from planner.logs.stream import iter_log

    lines = ["Date,Exercise,Category,Weight (kg),Reps,Distance,Distance Unit,Time"]
    for i in range(8):  # each day: five identical deadlift sets, then two stretches
        day = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=i)).strftime("%Y-%m-%d")
        lines += [f"{day},Deadlift,Back,60.0,5,,,"] * 5 + [f"{day},Plank,Abs,,,,,0:00:30"] * 2
    path = tmp_path / "roster" / "ann" / "fitnotes.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n")
    chunk = 100  # smaller than one day: a plain cut would split the identical sets
    logs = list(iter_log(path, unit="kg", chunk_bytes=chunk))
    assert len(logs) == 8  # one day a chunk: a day is never cut
    a, b = _same_ingest(tmp_path / "roster", tmp_path, chunk)
    assert files_row(a, "fitnotes.csv")["rows_read"] == 56
    assert files_row(a, "fitnotes.csv")["imported"] == files_row(b, "fitnotes.csv")["imported"]
    _assert_same_store(tmp_path, a, b)
    sets = open_store(tmp_path / "chunks").read("sets")
    dl = sets[sets["exercise"] == "deadlift"]
    assert len(dl) == 40 and dl.groupby("date").size().eq(5).all()  # all five kept, each day


def test_chunked_cumulative_exports_and_reingest(tmp_path):
    roster = tmp_path / "roster"
    days = [(pd.Timestamp("2026-01-05") + pd.Timedelta(days=2 * i)).strftime("%Y-%m-%d")
            for i in range(30)]
    write_strong(roster / "ann" / "export1.csv",
                 [r for d in days[:20] for r in strong_rows(d)])
    a1, b1 = _same_ingest(roster, tmp_path, 400)
    # A newer export: all history but one workout (now missing), and ten new workouts.
    write_strong(roster / "ann" / "export2.csv",
                 [r for d in days[:5] + days[6:] for r in strong_rows(d)])
    a2, b2 = _same_ingest(roster, tmp_path, 400)
    row = files_row(a2, "export2.csv")
    assert (row["rows_read"], row["imported"], row["already_stored"], row["missing"]) == \
        (87, 30, 57, 3)
    _assert_same_store(tmp_path, a2, b2)
    again = ingest(read_roster(roster, unit="kg"), tmp_path / "chunks", chunk_bytes=400)
    assert not again.changed


def test_chunks_of_an_export_out_of_order_fall_back_to_one_piece(tmp_path):
    roster = tmp_path / "roster"
    first = strong_rows(D1)
    rows = first[:2] + [r for d in (D2, D3, D4) for r in strong_rows(d) * 3] + first[2:]
    write_strong(roster / "ann" / "export.csv", rows)  # D1's workout at both ends
    a, b = _same_ingest(roster, tmp_path, 200)
    assert files_row(a, "export.csv")["rows_read"] == 30
    _assert_same_store(tmp_path, a, b)


@pytest.mark.skipif(not EXPORTS.is_dir(), reason="the shared real exports are absent")
@pytest.mark.parametrize("name", ["hevy_felipe.csv", "strong_s1_kg.csv", "fitnotes_f1.csv",
                                  "strong_s0_alt.csv", "strong_s3_example.csv"])
def test_chunks_of_the_shared_exports_equal_one_piece(tmp_path, name):
    from planner.logs import read_log
    from planner.logs.stream import iter_log

    whole = read_log(EXPORTS / name, unit="kg")
    size = (EXPORTS / name).stat().st_size
    for chunk in (size // 6, size // 2):  # a few chunks each
        logs = list(iter_log(EXPORTS / name, unit="kg", chunk_bytes=chunk))
        table = pd.concat([lg.table for lg in logs]).sort_values(
            ["performed_at", "source_line"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(table, whole.table.reset_index(drop=True))
        report = pd.concat([lg.report for lg in logs]).sort_values(
            ["line", "rule", "column"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(report, whole.report.sort_values(
            ["line", "rule", "column"]).reset_index(drop=True))
        assert sum(lg.rows_read for lg in logs) == whole.rows_read


def _cohort_roster(root: Path, n: int) -> Path:
    """``n`` athletes, each with two cumulative Strong exports (the second adds a day)."""
    for i in range(n):
        days = [D1, D2, D3][: 1 + i % 3]
        write_strong(root / f"a{i:02d}" / "1.csv",
                     [r for d in days for r in strong_rows(d, (10, 10, 8 + i % 4), 40 + i)])
        write_strong(root / f"a{i:02d}" / "2.csv",
                     [r for d in [*days, D4] for r in strong_rows(d, (10, 10, 8 + i % 4), 40 + i)])
    return root


def test_ingest_in_worker_processes_equals_one_process(tmp_path, monkeypatch):
    """Workers read the athletes' files and this process commits: the same sets, file
    records and report as reading them all here, and a second ingest is a no-op."""
    import planner.clinic.store as store_mod

    roster = _cohort_roster(tmp_path / "roster", 18)
    write_strong(roster / "a03" / "3.csv", strong_rows(D2) + [
        'not a date,"Back",40m,"Deadlift (Barbell)",4,60,10,0,0,,,'])
    monkeypatch.setattr(store_mod, "PARALLEL_FROM", 2)
    one = ingest(read_roster(roster, unit="kg"), tmp_path / "one", workers=1)
    two = ingest(read_roster(roster, unit="kg"), tmp_path / "two", workers=2)
    assert len(store_mod._batches(list(read_roster(roster).athletes), 2)) == 3  # 8 + 8 + 2
    drop = ["ingest_id", "ingested_at"]
    pd.testing.assert_frame_equal(one.files.drop(columns=drop), two.files.drop(columns=drop))
    pd.testing.assert_frame_equal(one.report.drop(columns=["ingest_id"]),
                                  two.report.drop(columns=["ingest_id"]))
    assert one.report["rule"].tolist() == ["date"]

    def sets(p):
        return open_store(p).read("sets").drop(columns=["source_file"]).sort_values(
            ["athlete", "performed_at", "set", "occurrence", "source_sha256"]
        ).reset_index(drop=True)

    pd.testing.assert_frame_equal(sets(tmp_path / "one"), sets(tmp_path / "two"))
    assert len(sets(tmp_path / "two")) == int(two.files["imported"].sum())
    again = ingest(read_roster(roster, unit="kg"), tmp_path / "two", workers=2)
    assert not again.changed and set(again.files["status"]) == {"unchanged"}


def test_an_unreadable_export_in_a_worker_holds_back_only_its_athlete(tmp_path, monkeypatch):
    """An unreadable export in one worker's athletes: that athlete is held back (the
    reader's message names the file), the 17 others are committed, and the Parquet files
    written for the held-back athlete are removed."""
    import planner.clinic.store as store_mod

    roster = _cohort_roster(tmp_path / "roster", 18)
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    st = open_store(store)
    before = len(st.read("sets"))
    for i in range(18):  # new data for everyone, and one export that is not a log
        write_strong(roster / f"a{i:02d}" / "3.csv", strong_rows("2026-03-11"))
    (roster / "a17" / "4.csv").write_bytes(b"\x00\x01 not a workout log\n")
    monkeypatch.setattr(store_mod, "PARALLEL_FROM", 2)
    r = ingest(read_roster(roster, unit="kg"), store, workers=2)
    assert r.partial and [h.athlete for h in r.held_back] == ["a17"]
    assert r.held_back[0].file.endswith("4.csv") and "4.csv" in r.held_back[0].reason
    sets = st.read("sets")
    assert len(sets) == before + 17 * 3
    assert not (sets["athlete"].eq("a17") & sets["date"].eq(pd.Timestamp("2026-03-11"))).any()
    on_disk = set(map(str, (store / "sets").rglob("*.parquet")))
    assert on_disk == {f for fs in st.files("sets").values() for f in fs}
    again = ingest(read_roster(roster, unit="kg"), store, workers=2)  # still held back
    assert [h.athlete for h in again.held_back] == ["a17"] and len(st.read("sets")) == len(sets)
