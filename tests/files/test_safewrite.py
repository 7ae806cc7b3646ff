"""Writing files: exclusive, atomic, never through a link or onto a device, umask modes."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from planner import PlanConfig, generate, read_plan
from tests.paths import ROOT

TMP_SUFFIX = ".planner-tmp"


def _race_writer(path: str, weeks: int, barrier, results) -> None:
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=weeks))
    barrier.wait()
    try:
        plan.to_csv(path)
        results.put((weeks, "won"))
    except FileExistsError as exc:
        results.put((weeks, f"exists: {exc}"))
    except Exception as exc:  # pragma: no cover - reported to the test
        results.put((weeks, f"other: {exc!r}"))


def _free_name_writer(folder: str, weeks: int, barrier, results) -> None:
    from planner.files.plan_csv import write_plan_csv
    from planner.files.safewrite import write_first_free

    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=weeks))
    barrier.wait()
    try:
        got = write_first_free(Path(folder) / "plan.csv", lambda p: write_plan_csv(plan, p))
        results.put((weeks, str(got)))
    except Exception as exc:  # pragma: no cover
        results.put((weeks, f"other: {exc!r}"))


def _run_race(target, arg: str, n: int = 6) -> list[tuple[int, str]]:
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=target, args=(arg, w, barrier, results))
             for w in range(1, n + 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    return sorted(results.get(timeout=5) for _ in procs)


def test_race_several_processes_one_path_exactly_one_wins(tmp_path):
    path = tmp_path / "plan.csv"
    for _ in range(3):
        for f in tmp_path.iterdir():
            f.unlink()
        results = _run_race(_race_writer, str(path))
        winners = [w for w, r in results if r == "won"]
        losers = [r for _, r in results if r != "won"]
        assert len(winners) == 1, results
        assert all(r.startswith("exists:") and "already exists" in r for r in losers), results
        back = read_plan(path)
        # The CSV and its settings file both belong to the winner.
        assert back.table["week"].max() == winners[0]
        assert back.settings_source == "settings file" and back.config.weeks == winners[0]
        assert sorted(f.name for f in tmp_path.iterdir()) == ["plan.csv", "plan.settings.json"]


def test_race_automatic_numbering_gives_every_writer_its_own_file(tmp_path):
    results = _run_race(_free_name_writer, str(tmp_path))
    names = [r for _, r in results]
    assert len(set(names)) == 6 and not any(r.startswith("other") for r in names), results
    expected = {"plan.csv"} | {f"plan-{n}.csv" for n in range(2, 7)}
    assert {Path(r).name for r in names} == expected
    for weeks, name in results:  # each file holds what its own writer wrote
        assert read_plan(name).table["week"].max() == weeks


def test_force_refuses_a_symlink_and_leaves_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "plan.csv"
    link.symlink_to(victim)
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1))
    with pytest.raises(OSError, match="symbolic link"):
        plan.to_csv(link, overwrite=True)
    assert link.is_symlink() and victim.read_text() == "precious"


def test_force_refuses_a_device_or_pipe(tmp_path):
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1))
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    specials = [(fifo, stat.S_ISFIFO)]
    if os.geteuid() == 0:  # only root can make a device node (a copy of /dev/null here)
        dev = tmp_path / "null.csv"
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        specials.append((dev, stat.S_ISCHR))
    for path, is_kind in specials:
        with pytest.raises(OSError, match="not a regular file"):
            plan.to_csv(path, overwrite=True)
        with pytest.raises(OSError, match="not a regular file"):
            plan.to_ics(path, overwrite=True)
        assert is_kind(os.lstat(path).st_mode)


def test_force_onto_a_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1))
    with pytest.raises(OSError, match="is a folder"):
        plan.to_csv(tmp_path / "out", overwrite=True)
    assert (tmp_path / "out").is_dir()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_exported_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1))
        csv = plan.to_csv(tmp_path / "plan.csv")
        ics = plan.to_ics(tmp_path / "plan.ics")
    finally:
        os.umask(old)
    for p in (csv, ics, *tmp_path.glob("*.json")):
        assert stat.S_IMODE(os.stat(p).st_mode) == mode, p


def test_kill_mid_write_leaves_nothing_that_blocks_a_later_run(tmp_path):
    target = tmp_path / "plan.csv"
    script = textwrap.dedent(f"""
        import os, sys, time
        from datetime import date
        from planner import PlanConfig, generate
        plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2))
        def stuck(fd):
            print("writing", flush=True)
            time.sleep(60)
        os.fsync = stuck
        plan.to_csv({str(target)!r})
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env,
                            text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(TMP_SUFFIX)]
    assert leftovers and not target.exists()  # killed half-way: nothing published
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=3))
    plan.to_csv(target)  # a later run is not blocked ...
    assert read_plan(target).table["week"].max() == 3
    # ... and clears what the killed process left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv", "plan.settings.json"]


def test_a_refused_write_publishes_nothing(tmp_path):
    from planner.files.safewrite import OutputExistsError, write_file

    write_file(tmp_path / "a", b"1")
    with pytest.raises(OutputExistsError):
        write_file(tmp_path / "a", b"2")
    assert (tmp_path / "a").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_write_folder_all_or_nothing(tmp_path):
    from planner.files.safewrite import OutputError, OutputExistsError, write_folder

    out = tmp_path / "analysis"
    write_folder(out, {"a.csv": b"1", "b.csv": b"2"})
    with pytest.raises(OutputExistsError, match="already holds files"):
        write_folder(out, {"a.csv": b"3"})
    assert (out / "a.csv").read_bytes() == b"1"
    # With overwrite, the folder becomes exactly the new set of files.
    write_folder(out, {"a.csv": b"3"}, overwrite=True, replaceable=lambda n: n.endswith(".csv"))
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    # A file the program did not write is never deleted, even with overwrite.
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="notes.txt"):
        write_folder(out, {"a.csv": b"4"}, overwrite=True,
                     replaceable=lambda n: n.endswith(".csv"))
    assert (out / "notes.txt").read_text() == "mine" and (out / "a.csv").read_bytes() == b"3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis"]


def test_replacing_a_folder_is_one_atomic_exchange(tmp_path):
    """With --force the old folder and the new one swap places in one step: at no moment
    is the user's folder missing (a kill between two renames used to leave it hidden)."""
    from planner.files.safewrite import _exchange

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("from a"), (b / "y").write_text("from b")
    if not _exchange(a, b):
        pytest.skip("this file system has no atomic exchange; the two-rename path is used")
    assert (a / "y").read_text() == "from b" and (b / "x").read_text() == "from a"


def test_a_folder_left_hidden_by_a_killed_write_comes_back(tmp_path):
    """Where no atomic exchange exists, a write killed between its two renames leaves the
    user's folder under a hidden name; the next write in that place puts it back."""
    from planner.files.safewrite import OLD_SUFFIX, temp_name, write_folder

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id that no longer runs
    out = tmp_path / "analysis"
    hidden = temp_name(out).with_suffix(OLD_SUFFIX)
    hidden = hidden.with_name(hidden.name.replace(f".{os.getpid()}.", f".{dead.pid}."))
    hidden.mkdir()
    (hidden / "a.csv").write_text("the user's")
    with pytest.raises(Exception, match="already holds files"):
        write_folder(out, {"a.csv": b"new"})  # the folder is back, so it is not replaced
    assert (out / "a.csv").read_text() == "the user's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis"]
