"""The store as health data: one writer at a time, roster paths confined, damage named,
ids that cannot merge, private files, an audit log, and a bad file that holds back only
its athlete. Concurrency and permissions are tried with real processes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from planner.clinic.roster import RosterError, read_roster
from planner.clinic.store import (
    HOLDER_FILE,
    StoreBusy,
    StoreDamaged,
    StoreError,
    check_store,
    ingest,
    open_store,
    vacuum_store,
    writing,
)
from tests.clinic.test_store import strong_rows, write_strong

ROOT = Path(__file__).resolve().parents[2]
KEY = ["athlete", "performed_at", "exercise", "set", "side", "occurrence"]
SECRET = "SECRET-FIRST-LINE-root:x:0:0"


def planner(*args: str, cwd: Path | None = None, timeout: float = 120, **kw
            ) -> subprocess.CompletedProcess:
    """The command line in a process of its own."""
    return subprocess.run([sys.executable, "-m", "planner", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout, **kw)


def roster_of(root: Path, athletes: int, days: list[str]) -> Path:
    for a in range(athletes):
        write_strong(root / f"a{a}" / "log.csv",
                     [r for d in days for r in strong_rows(d, load=40 + a)])
    return root


# --- 1. one writer at a time --------------------------------------------------------------

def test_four_ingest_processes_store_every_set_exactly_once(tmp_path):
    """Four `planner ingest` processes at once into one store, on a fresh store and then
    on an existing one with new sets, round after round: every set is there once."""
    days = ["2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09", "2026-03-11",
            "2026-03-13"]
    for round_ in range(3):
        roster = roster_of(tmp_path / f"r{round_}", 5, days[:3])
        store = tmp_path / f"s{round_}"
        for step, upto in enumerate((3, 6)):
            if step:  # the exports grow: three new workouts each
                roster_of(roster, 5, days[:upto])
            procs = [subprocess.Popen(
                [sys.executable, "-m", "planner", "ingest", str(roster), "--store", str(store),
                 "--unit", "kg"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True) for _ in range(4)]
            outs = [p.communicate(timeout=180) for p in procs]
            assert [p.returncode for p in procs] == [0] * 4, outs
            sets = open_store(store).read("sets")
            assert len(sets) == 5 * upto * 3, (round_, step, outs)
            assert not sets.duplicated(KEY).any()
            imported = sum(int(o.split(" sets imported")[0].rsplit(" ", 1)[-1])
                           for o, _ in outs)
            assert imported == 5 * 3 * 3  # each new set imported by exactly one process
        audit = open_store(store).read("audit")
        assert audit["ingest_id"].nunique() == 8 and set(audit["pid"]) - {0}


def test_a_second_writer_waits_then_says_who_holds_the_store(tmp_path):
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from planner.clinic.store import writing\n"
         "with writing(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(30)",
         str(store)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        told = []
        with pytest.raises(StoreBusy) as err:
            ingest(read_roster(roster, unit="kg"), store, wait=1.5, on_wait=told.append)
        assert 1.4 < time.monotonic() - t0 < 10
        who = f"(process {holder.pid}) since 20"
        assert who in str(err.value) and who in told[0]
        out = planner("ingest", roster, "--store", store, "--unit", "kg", "--wait", "1")
        assert out.returncode == 2 and who in out.stderr and "Traceback" not in out.stderr
    finally:
        holder.kill()
        holder.wait()
    # The holder died holding the lock: the system released it, the next ingest goes on.
    assert ingest(read_roster(roster, unit="kg"), store, wait=5).held_back == ()


# --- 2. confinement -------------------------------------------------------------------------

@pytest.fixture
def outside(tmp_path) -> Path:
    """A file outside the roster's folder that nobody asked to read."""
    secret = tmp_path / "private" / "shadow.csv"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n" + "\n".join(strong_rows("2026-03-02")) + "\n")
    return secret


def test_roster_csv_paths_stay_inside_its_folder(tmp_path, outside):
    base = tmp_path / "clinic"
    write_strong(base / "logs" / "ok.csv", strong_rows("2026-03-02"))
    (base / "logs" / "link.csv").symlink_to(outside)
    (base / "logs" / "dir").mkdir()
    (base / "roster.csv").write_text(
        "athlete,logs\n"
        f"abs,{outside}\n"
        "dots,../private/shadow.csv\n"
        "hidden,logs/../../private/shadow.csv\n"
        "link,logs/link.csv\n"
        "folder,logs/dir\n"
        "win,C:\\Windows\\x.csv\n"
        "ok,logs/ok.csv\n", encoding="utf-8")
    r = read_roster(base / "roster.csv", unit="kg")
    assert [a.id for a in r.athletes] == ["ok"]
    why = {h.athlete: h.reason for h in r.held_back}
    assert why["abs"].endswith("line 2, column logs, entry 1: an absolute path; give paths "
                               "relative to the roster's folder")
    assert "line 3, column logs, entry 1: a path with '..'" in why["dots"]
    assert "line 4" in why["hidden"] and "'..'" in why["hidden"]
    assert "line 5, column logs, entry 1: a symbolic link leads out" in why["link"]
    assert "line 6, column logs, entry 1: not a regular file" in why["folder"]
    assert "an absolute path" in why["win"]
    for reason in why.values():  # neither the file's content nor the path it names
        assert SECRET not in reason and "shadow" not in reason and "private" not in reason
    res = ingest(r, tmp_path / "store")
    assert res.partial and len(res.held_back) == 6
    sets = open_store(tmp_path / "store").read("sets")
    assert set(sets["athlete"]) == {"ok"} and len(sets) == 3


def test_roster_folder_symlinks_out_are_held_back(tmp_path, outside):
    roster = tmp_path / "roster"
    write_strong(roster / "ann" / "log.csv", strong_rows("2026-03-02"))
    (roster / "bob").mkdir()
    (roster / "bob" / "log.csv").symlink_to(outside)
    (roster / "cid").symlink_to(outside.parent, target_is_directory=True)
    r = read_roster(roster, unit="kg")
    assert [a.id for a in r.athletes] == ["ann"]
    why = {h.athlete: h.reason for h in r.held_back}
    assert "folder 'bob', file 'log.csv': a symbolic link leads out" in why["bob"]
    assert "folder 'cid': a symbolic link leads out" in why["cid"]
    assert not any(SECRET in w for w in why.values())


# --- 4. the store checks itself ---------------------------------------------------------------

def _stored(tmp_path: Path) -> Path:
    roster = roster_of(tmp_path / "roster", 2, ["2026-03-02", "2026-03-04"])
    store = tmp_path / "store"
    ingest(read_roster(roster, unit="kg"), store)
    roster_of(roster, 2, ["2026-03-02", "2026-03-04", "2026-03-06"])
    ingest(read_roster(roster, unit="kg"), store)
    return store


def _first_parquet(store: Path) -> Path:
    return sorted((store / "sets").rglob("*.parquet"))[0]


def _last_commit(store: Path, table: str = "sets") -> Path:
    return sorted((store / table / "_delta_log").glob("*.json"))[-1]


TAMPER = {
    "garbage commit": (lambda s: _last_commit(s).write_text("{not json"),
                       "the sets table's log (sets/_delta_log) cannot be read"),
    "commit removed": (lambda s: _last_commit(s).unlink(),
                       "the sets table's log ends at version 1, but the last ingest "
                       "committed version 2: commits were removed"),
    "log removed": (lambda s: shutil.rmtree(s / "sets" / "_delta_log"),
                    "sets/ has no _delta_log"),
    "table removed": (lambda s: shutil.rmtree(s / "imports"),
                      "the imports table (version 1) is missing"),
    "file removed": (lambda s: _first_parquet(s).unlink(), "is missing"),
    "file truncated": (lambda s: _first_parquet(s).write_bytes(
        _first_parquet(s).read_bytes()[:50]), "bytes; the log says"),
    "store.json garbage": (lambda s: (s / "store.json").write_text("{"),
                           "store.json: cannot be read"),
}


@pytest.mark.parametrize("case", TAMPER)
def test_a_damaged_store_is_named_and_nothing_is_written(tmp_path, case):
    store = _stored(tmp_path)
    tamper, said = TAMPER[case]
    tamper(store)
    with pytest.raises(StoreDamaged, match="damaged") as err:
        open_store(store)
    assert said in str(err.value) and "Restore the store folder from a backup" in str(err.value)
    listing = sorted(map(str, store.rglob("*")))
    for cmd in (["cohort", store], ["ingest", tmp_path / "roster", "--store", store],
                ["store", "check", store]):
        out = planner(*cmd)
        assert out.returncode == 2, (cmd, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr and said in out.stderr, out.stderr
    assert sorted(map(str, store.rglob("*"))) == listing  # nothing written


def test_a_parquet_file_replaced_by_junk_of_its_size_is_found_by_check(tmp_path):
    store = _stored(tmp_path)
    f = _first_parquet(store)
    f.write_bytes(b"\0" * f.stat().st_size)
    assert open_store(store)  # the quick check sees sizes only
    health = check_store(store)
    assert not health.ok and "is not a readable Parquet file" in health.damage[0]
    with pytest.raises(StoreDamaged, match="files cannot be read"):
        open_store(store).read("sets")


def test_another_schema_version_and_a_file_as_store(tmp_path):
    store = _stored(tmp_path)
    meta = json.loads((store / "store.json").read_text())
    (store / "store.json").write_text(json.dumps({**meta, "schema_version": 99}))
    with pytest.raises(StoreError, match="store schema version 99; this planner reads "
                                         "version 1"):
        open_store(store)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        ingest(read_roster(tmp_path / "roster", unit="kg"), tmp_path / "file")


def test_vacuum_removes_what_an_interrupted_ingest_left(tmp_path):
    store = _stored(tmp_path)
    sets = open_store(store).read("sets")
    part = store / "sets" / "athlete=a0" / "part-left-behind.snappy.parquet"
    shutil.copy(_first_parquet(store), part)
    (store / "store.json.0123.tmp").write_text("{}")
    health = check_store(store)
    assert health.ok and sorted(health.leftovers) == sorted(
        [part, store / "store.json.0123.tmp"])
    out = planner("store", "check", store)
    assert out.returncode == 0 and "2 files left by an interrupted ingest" in out.stdout
    out = planner("store", "vacuum", store)
    assert out.returncode == 0 and "removed 2 files" in out.stdout, out.stderr
    assert not part.exists() and check_store(store).leftovers == []
    pd.testing.assert_frame_equal(open_store(store).read("sets"), sets)


def test_vacuum_waits_for_the_writer(tmp_path):
    store = _stored(tmp_path)
    with writing(store), pytest.raises(StoreBusy, match="another ingest is writing"):
        vacuum_store(store, wait=0.5)


def test_every_ingest_is_in_the_audit_log(tmp_path):
    roster = roster_of(tmp_path / "roster", 2, ["2026-03-02"])
    (roster / "a1" / "bad.csv").write_bytes(b"\x00\x01 not a log\n")
    store = tmp_path / "store"
    r1 = ingest(read_roster(roster, unit="kg"), store)
    r2 = ingest(read_roster(roster, unit="kg"), store)
    audit = open_store(store).read("audit").sort_values(["at", "athlete", "file"])
    assert audit["ingest_id"].nunique() == 2
    first = audit[audit["ingest_id"] == audit["ingest_id"].iloc[0]]
    log = first[first["file"].str.endswith("a0/log.csv")].iloc[0]
    digest = __import__("hashlib").sha256((roster / "a0" / "log.csv").read_bytes()).hexdigest()
    assert (log["sha256"], log["status"], log["imported"], log["rows_read"]) == (
        digest, "ingested", 3, 3)
    held = first[first["status"] == "held back"].iloc[0]
    assert held["athlete"] == "a1" and held["file"].endswith("bad.csv")
    assert "bad.csv" in held["reason"]
    assert set(audit["user"]) and (audit["host"] != "").all()
    assert r1.partial and r2.partial
    second = audit[audit["ingest_id"] != audit["ingest_id"].iloc[0]]
    assert "unchanged" in set(second["status"])


# --- 5. athlete ids -------------------------------------------------------------------------

def test_ids_that_differ_by_space_or_case_stop_the_roster(tmp_path):
    for name in ("ann", "ann ", " ann"):
        write_strong(tmp_path / "roster" / name / "log.csv", strong_rows("2026-03-02"))
    with pytest.raises(RosterError, match="both give the athlete id 'ann'"):
        read_roster(tmp_path / "roster", unit="kg")
    r2 = tmp_path / "r2"
    write_strong(r2 / "ann" / "log.csv", strong_rows("2026-03-02"))
    ingest(read_roster(r2, unit="kg"), tmp_path / "store")
    shutil.move(r2 / "ann", r2 / "Ann")
    with pytest.raises(RosterError, match="the stored athlete 'ann' and .*Ann.* both give "
                                          "the athlete id"):
        ingest(read_roster(r2, unit="kg"), tmp_path / "store")


def test_an_athlete_without_a_log_is_in_the_store(tmp_path):
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    (roster / "new").mkdir()
    ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert open_store(tmp_path / "store").athletes() == ["a0", "new"]


# --- 8. private all the way down -----------------------------------------------------------

def test_every_folder_and_file_is_private_whatever_the_umask(tmp_path):
    roster = roster_of(tmp_path / "roster", 2, ["2026-03-02"])
    store = tmp_path / "store"
    out = subprocess.run([sys.executable, "-c",
                          "import os, sys; os.umask(0); from planner.cli import app; "
                          "sys.argv = ['planner', 'ingest', sys.argv[1], '--store', "
                          "sys.argv[2], '--unit', 'kg']; app()", str(roster), str(store)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [store, *store.rglob("*")]}
    assert len(modes) > 20
    loose = {str(p): oct(m) for p, m in modes.items()
             if m != (0o700 if p.is_dir() else 0o600)}
    assert loose == {}
    assert not (store / HOLDER_FILE).exists()  # said only while an ingest runs


def test_check_finds_open_files_and_vacuum_closes_them(tmp_path):
    store = _stored(tmp_path)
    os.chmod(store / "sets", 0o755)
    os.chmod(_first_parquet(store), 0o644)
    assert len(check_store(store).open_to_others) == 2
    vacuum_store(store)
    assert check_store(store).open_to_others == []


# --- 9. a bad file holds back only its athlete -------------------------------------------

def test_one_unreadable_export_holds_back_only_its_athlete(tmp_path):
    roster = roster_of(tmp_path / "roster", 3, ["2026-03-02"])
    (roster / "a1" / "z.csv").write_text("not,a,log\n1,2,3\n")
    out = planner("ingest", roster, "--store", tmp_path / "store", "--unit", "kg")
    assert out.returncode == 3, out.stderr
    assert "partial ingest: 1 athlete held back" in out.stderr
    assert f"  - a1: {roster / 'a1' / 'z.csv'}: line 1: not a workout log" in out.stderr
    sets = open_store(tmp_path / "store").read("sets")
    assert sorted(set(sets["athlete"])) == ["a0", "a2"]
    (roster / "a1" / "z.csv").unlink()  # fixed: the next ingest takes a1 in
    out = planner("ingest", roster, "--store", tmp_path / "store", "--unit", "kg")
    assert out.returncode == 0 and "3 sets imported" in out.stdout


# --- 10. the command line: no traceback, no hang ---------------------------------------------

def _refused(out: subprocess.CompletedProcess, said: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and said in out.stderr, out.stderr
    assert out.stderr.startswith("error: ")


def test_ingest_store_is_a_file_or_under_proc(tmp_path):
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    (tmp_path / "f").write_text("x")
    _refused(planner("ingest", roster, "--store", tmp_path / "f", "--unit", "kg"),
             "not a folder")
    _refused(planner("ingest", roster, "--store", "/proc/self/planner-store", "--unit", "kg",
                     timeout=30), "cannot create the store here")


def test_ingest_into_a_folder_without_write_permission(tmp_path):
    """As an unprivileged user: a root process (as the tests may run) drops to nobody once
    the planner is imported, since root may write anywhere."""
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    shared = Path("/tmp") / f"planner-ro-{os.getpid()}"
    shared.mkdir(mode=0o755, exist_ok=True)
    try:
        shutil.copytree(roster, shared / "roster")
        (shared / "ro").mkdir()
        for p in [shared, *shared.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(shared / "ro", 0o555)
        drop = "os.setgid(65534); os.setuid(65534); " if os.getuid() == 0 else ""
        out = subprocess.run(
            [sys.executable, "-c", "import os, sys; from planner.cli import app; "
             "import planner.clinic.store, encodings.utf_8_sig, encodings.cp1252; "
             + drop + "sys.argv = ['planner', 'ingest', "
             "sys.argv[1], '--store', sys.argv[2], '--unit', 'kg']; app()",
             str(shared / "roster"), str(shared / "ro" / "store")],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        _refused(out, "cannot create the store here (Permission denied)")
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_latin1_roster_and_a_folder_name_that_is_not_utf8(tmp_path):
    write_strong(tmp_path / "c" / "logs" / "jose.csv", strong_rows("2026-03-02"))
    (tmp_path / "c" / "roster.csv").write_bytes(
        "athlete,name,logs\njose,José Núñez,logs/jose.csv\n".encode("latin-1"))
    r = read_roster(tmp_path / "c" / "roster.csv", unit="kg")
    assert r.athletes[0].name == "José Núñez"
    out = planner("ingest", tmp_path / "c" / "roster.csv", "--store", tmp_path / "s1",
                  "--unit", "kg")
    assert out.returncode == 0 and "3 sets imported" in out.stdout, out.stderr
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    bad = os.fsencode(roster) + b"/caf\xe9"
    os.mkdir(bad)
    with open(bad + b"/log.csv", "w") as f:
        f.write("\n".join([strong_rows("2026-03-02")[0]]))
    out = planner("ingest", roster, "--store", tmp_path / "s2", "--unit", "kg")
    assert out.returncode == 3 and "Traceback" not in out.stderr, out.stderr
    assert "folder 'caf\ufffd': athlete id 'caf\ufffd' is not allowed" in out.stderr


# --- what a hostile trial found ---------------------------------------------------------------

def test_a_first_ingest_killed_before_its_commit_leaves_a_usable_store(tmp_path):
    """Killed before its first commit, an ingest leaves Parquet files in a table folder
    without a log: nothing committed is lost, so it is not damage; vacuum removes them and
    the next ingest goes on."""
    roster = roster_of(tmp_path / "roster", 2, ["2026-03-02"])
    store = tmp_path / "store"
    open_store(store, create=True)
    part = store / "sets" / "athlete=a0" / "part-killed.snappy.parquet"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"PAR1 half-written")
    assert open_store(store).read("sets").empty  # a reader sees no table yet
    health = check_store(store)
    assert health.ok and health.leftovers == [part]
    r = ingest(read_roster(roster, unit="kg"), store)
    assert not r.partial and len(open_store(store).read("sets")) == 6
    assert vacuum_store(store).leftovers == [part] and not part.exists()
    assert check_store(store).ok


def test_the_lock_is_the_folder_not_a_file_that_can_be_deleted(tmp_path):
    store = _stored(tmp_path)
    with writing(store):
        for f in store.iterdir():  # whatever looks like a stale lock file goes
            if f.name.startswith("."):
                f.unlink()
        with pytest.raises(StoreBusy, match="did not say who"):
            ingest(read_roster(tmp_path / "roster", unit="kg"), store, wait=0.3)


def test_roster_paths_that_break_path_resolution_hold_back_their_athlete(tmp_path):
    base = tmp_path / "c"
    (base / "logs").mkdir(parents=True)
    (base / "logs" / "l1.csv").symlink_to("l2.csv")
    (base / "logs" / "l2.csv").symlink_to("l1.csv")
    long = "/".join(["x" * 250] * 20)
    (base / "roster.csv").write_text(
        f"athlete,logs\nloop,logs/l1.csv\nnul,logs/a\x00b.csv\nlong,{long}\n",
        encoding="utf-8")
    r = read_roster(base / "roster.csv", unit="kg")
    why = {h.athlete: h.reason for h in r.held_back}
    assert "line 2, column logs, entry 1: " in why["loop"] and "loop" in why["loop"].lower()
    assert "line 3, column logs, entry 1: a path with a NUL character" in why["nul"]
    assert "line 4, column logs, entry 1: cannot be read (File name too long)" in why["long"]
    assert "xxxx" not in why["long"]
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    (roster / "bob").mkdir()
    (roster / "bob" / "l1.csv").symlink_to("l2.csv")
    (roster / "bob" / "l2.csv").symlink_to("l1.csv")
    r = read_roster(roster, unit="kg")
    assert [a.id for a in r.athletes] == ["a0"] and r.held_back[0].athlete == "bob"


def test_store_json_that_is_a_pipe_or_endless_is_refused_at_once(tmp_path):
    store = _stored(tmp_path)
    (store / "store.json").unlink()
    os.mkfifo(store / "store.json")
    for cmd in (["cohort", store], ["store", "vacuum", store],
                ["ingest", tmp_path / "roster", "--store", store, "--unit", "kg"]):
        out = planner(*cmd, timeout=30)
        _refused(out, "store.json: cannot be read")
    (store / "store.json").unlink()
    (store / "store.json").symlink_to("/dev/zero")
    _refused(planner("cohort", store, timeout=30), "store.json: cannot be read")


def test_a_removed_audit_commit_is_damage(tmp_path):
    store = _stored(tmp_path)
    _last_commit(store, "audit").unlink()
    with pytest.raises(StoreDamaged, match="the audit table's log ends at version 0, but "
                                           "the last ingest committed version 1"):
        open_store(store)


def test_a_file_that_is_not_a_log_is_not_echoed(tmp_path):
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    (roster / "a0" / "notes.csv").write_text("SECRET-HEADER,numb left foot\n1,2\n")
    r = ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    assert "not a workout log" in r.held_back[0].reason
    assert "SECRET" not in r.held_back[0].reason and "numb" not in r.held_back[0].reason
    audit = open_store(tmp_path / "store").read("audit")
    assert not audit["reason"].str.contains("SECRET|numb").any()


def test_a_collision_with_a_stored_id_is_audited(tmp_path):
    r2 = roster_of(tmp_path / "r2", 1, ["2026-03-02"])
    ingest(read_roster(r2, unit="kg"), tmp_path / "store")
    shutil.move(r2 / "a0", r2 / "A0")
    with pytest.raises(RosterError):
        ingest(read_roster(r2, unit="kg"), tmp_path / "store")
    audit = open_store(tmp_path / "store").read("audit")
    failed = audit[audit["status"] == "failed"]
    assert len(failed) == 1 and "both give the athlete id" in failed["reason"].iloc[0]


def test_a_store_inside_the_roster_is_not_an_athlete_and_odd_store_paths(tmp_path):
    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    ingest(read_roster(roster, unit="kg"), roster / "store")
    ingest(read_roster(roster, unit="kg"), roster / "store")
    assert open_store(roster / "store").athletes() == ["a0"]
    odd = os.fsencode(tmp_path) + b"/we\nird\xff"
    out = planner("ingest", roster, "--store", os.fsdecode(odd), "--unit", "kg")
    _refused(out, "a store's path must be UTF-8 text")


# --- 5, 7 and the next blocks: what the coach sees ------------------------------------------

def test_an_athlete_without_a_log_is_in_the_cohort_flagged_no_log(tmp_path):
    from planner.clinic.cohort import cohort
    from planner.clinic.flags import roster_flags

    roster = roster_of(tmp_path / "roster", 1, ["2026-03-02"])
    (roster / "zed").mkdir()
    ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    c = cohort(tmp_path / "store", as_of="2026-03-04")
    assert list(c.athletes["athlete"]) == ["a0", "zed"]
    zed = c.athletes.set_index("athlete").loc["zed"]
    assert zed["sets"] == 0 and zed["pain_status"] == "no pain data"
    flags = roster_flags(c.athletes, pd.Timestamp("2026-03-04")).set_index("athlete")
    assert flags.loc["zed", "no_recent_log"] and flags.loc["zed", "no_recent_log_why"] == \
        "no log at all"
    assert not flags.loc["a0", "no_recent_log"]


def _plan_roster(tmp_path: Path, pain: dict[int, str]) -> tuple[Path, object]:
    import planner
    from tests.test_real_habits import filled_template

    plan = planner.generate(planner.PlanConfig(start_date=pd.Timestamp("2026-03-02").date(),
                                               weeks=2))
    folder = tmp_path / "roster" / "ann"
    folder.mkdir(parents=True)
    plan.to_csv(folder / "plan.csv")
    filled_template(folder, plan, pain, name="log.csv")
    return tmp_path / "roster", plan


def _zip_readme(st, day: str) -> str:
    """The README of the coach's zip of next blocks made on ``day``."""
    import io
    import zipfile

    from planner.clinic.cohort import cohort
    from planner.clinic.flags import roster_flags
    from planner.clinic.next_blocks import next_blocks_zip

    flags = roster_flags(cohort(st, as_of=day).athletes, pd.Timestamp(day))
    z = next_blocks_zip(st, flags, day)
    return zipfile.ZipFile(io.BytesIO(z.data)).read("README.txt").decode()


def test_a_plan_changed_since_ingest_is_named_and_not_used(tmp_path):
    import planner
    from planner.clinic.athlete import AthleteRows, athlete_plan, athlete_plan_notes

    roster, plan = _plan_roster(tmp_path, {1: "2", 2: "2"})
    store = tmp_path / "store"
    ingest(read_roster(roster), store)
    st = open_store(store)
    assert athlete_plan_notes(st, "ann") == []
    ingested = athlete_plan(st, "ann")[1].table
    # The file at the same path is replaced by another plan (heavier, longer).
    other = planner.generate(planner.PlanConfig(start_date=pd.Timestamp("2026-03-02").date(),
                                                weeks=6, deadlift_start_load=100))
    other.to_csv(roster / "ann" / "plan.csv", overwrite=True)
    said = athlete_plan_notes(st, "ann")
    assert said == ["plan plan.csv changed since ingest: ingest again (until then the "
                    "analysis and the next block use the plan as ingested)"]
    for current in (athlete_plan(st, "ann")[1], AthleteRows(st, ["ann"]).current_plan("ann")):
        assert current.table["week"].max() == 2  # the plan as ingested, not the file
        assert current.table["load_kg"].max() == ingested["load_kg"].max()
    readme = _zip_readme(st, "2026-03-16")
    assert "  ! plan plan.csv changed since ingest: ingest again" in readme


def test_the_zips_next_block_holds_on_pain_nobody_could_read(tmp_path):
    """The store keeps the import report; the stored log the next block reads carries its
    pain-unreadable rows, so the zip holds as `planner next-block` does on the file."""
    import planner
    from planner.clinic.athlete import AthleteRows, athlete_log

    roster, plan = _plan_roster(tmp_path, {1: "2", 2: "sore"})
    direct = planner.next_block(plan, planner.read_log(roster / "ann" / "log.csv"))
    assert "could not be read" in (direct.config.deadlift_hold or "")
    ingest(read_roster(roster), tmp_path / "store")
    st = open_store(tmp_path / "store")
    for log in (athlete_log(st, "ann"), AthleteRows(st, ["ann"]).log("ann")):
        assert set(log.report["value"]) == {"sore"}
        assert "could not be read" in (planner.next_block(plan, log).config.deadlift_hold
                                       or "")
    readme = _zip_readme(st, "2026-03-16")
    assert "could not be read" in readme


def test_cohort_on_a_corrupt_parquet_file_says_damaged(tmp_path):
    store = _stored(tmp_path)
    f = _first_parquet(store)
    data = f.read_bytes()
    f.write_bytes(data[:-4] + b"XXXX")  # same size: the quick check passes
    _refused(planner("cohort", store), "the store is damaged")
