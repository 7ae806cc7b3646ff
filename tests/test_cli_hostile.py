"""The command line given what is not a file, a date or an address: a device that never ends
(/dev/zero), a named pipe that blocks (FIFO), a day out of the calendar, an address that is
not one, TLS files that are missing, a scheduler that does not answer or is not Dask. Each
ends within seconds in one line "error: ..." and a non-zero exit, never a traceback or a
hang. The cases that used to hang run as real processes with a time limit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import planner
from planner.cli import CONNECT_TIMEOUT_S, app
from planner.files.plan_csv import MAX_PLAN_BYTES, PlanFormatError, read_plan
from planner.logs import LogFormatError, read_log
from planner.logs.stream import iter_log

runner = CliRunner()
LIMIT_S = 30  # a process still running then has hung


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A plan, its log with six sets done, a store of one athlete, and a FIFO."""
    root = tmp_path_factory.mktemp("hostile")
    plan = planner.generate(planner.PlanConfig(weeks=4, start_date="2026-01-05",
                                               deadlift_start_load=40))
    plan.to_csv(root / "plan.csv")
    planner.write_log_template(plan, root / "template.csv")
    log = pd.read_csv(root / "template.csv")
    done = log.index[:6]
    log.loc[done, "done_reps"] = log.loc[done, "target_reps"]
    log.loc[done, "done_hold_s"] = log.loc[done, "target_hold_s"]
    log.to_csv(root / "log.csv", index=False)
    (root / "roster" / "ann").mkdir(parents=True)
    plan.to_csv(root / "roster" / "ann" / "plan.csv")
    (root / "roster" / "ann" / "log.csv").write_bytes((root / "log.csv").read_bytes())
    planner.ingest(root / "roster", root / "store", unit="kg")
    os.mkfifo(root / "fifo")
    return {"root": root, "plan": root / "plan.csv", "log": root / "log.csv",
            "store": root / "store", "fifo": root / "fifo"}


def _run(*args: str, cwd: Path, limit: float = LIMIT_S) -> tuple[subprocess.CompletedProcess,
                                                                 float]:
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "planner", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=limit,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"planner {' '.join(args)} still ran after {limit} s")
    return done, time.monotonic() - start


def _one_error(code: int, out: str, err: str, *words: str) -> str:
    """Exit code non-zero, one line 'error: ...' holding ``words``, no traceback."""
    assert code != 0, out + err
    assert "Traceback" not in out + err, out + err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def _process_error(done: subprocess.CompletedProcess, *words: str) -> str:
    return _one_error(done.returncode, done.stdout, done.stderr, *words)


def _runner_error(r, *words: str) -> str:
    return _one_error(r.exit_code, r.stdout, r.stderr, *words)


# --- what is not a regular file ---------------------------------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    (("show", "/dev/zero"), ("/dev/zero: is a character device, not a plan CSV",)),
    (("show", "{fifo}"), ("fifo: is a named pipe (FIFO), not a plan CSV",)),
    (("log-template", "{fifo}", "-o", "{root}/t.csv"), ("named pipe (FIFO), not a plan CSV",)),
    (("analyse", "{fifo}"), ("fifo: is a named pipe (FIFO), not a workout log",)),
    (("analyse", "/dev/zero", "--out", "{root}/a"), ("/dev/zero: is a character device",)),
    (("analyse", "{log}", "--plan", "/dev/zero", "--out", "{root}/a"),
     ("/dev/zero: is a character device, not a plan CSV",)),
    (("next-block", "{fifo}", "{log}", "-o", "{root}/n.csv"), ("fifo: is a named pipe",)),
    (("next-block", "{plan}", "/dev/zero", "-o", "{root}/n.csv"), ("/dev/zero: is a char",)),
])
def test_a_device_or_a_pipe_is_refused_before_it_is_read(files, args, words):
    args = [a.format(**files) for a in args]
    done, took = _run(*args, cwd=files["root"])
    _process_error(done, *words)
    assert took < LIMIT_S
    assert not (files["root"] / "a").exists() and not (files["root"] / "n.csv").exists()


def test_a_link_to_a_device_is_judged_by_what_it_leads_to(files, tmp_path):
    (tmp_path / "plan.csv").symlink_to("/dev/zero")
    _runner_error(runner.invoke(app, ["show", str(tmp_path / "plan.csv")]),
                  "is a character device, not a plan CSV")


@pytest.mark.timeout(LIMIT_S)
def test_the_readers_themselves_refuse_what_is_not_a_file(files, tmp_path):
    """read_plan, read_log and iter_log (the store's reader): the library is safe too."""
    for path in (files["fifo"], Path("/dev/zero"), tmp_path):
        with pytest.raises(PlanFormatError, match=f"^{path}: is (a|an) "):
            read_plan(path)
        with pytest.raises(LogFormatError, match=f"^{path}: is (a|an) .*not a workout log"):
            read_log(path)
        with pytest.raises(LogFormatError, match="not a workout log"):
            next(iter_log(path))
    with pytest.raises(PlanFormatError, match="no such file"):
        read_plan(tmp_path / "nope.csv")


def test_read_regular_reads_at_most_its_limit(tmp_path):
    from planner.files.safe_read import UnreadableFileError, read_regular

    f = tmp_path / "f.csv"
    f.write_bytes(b"x" * 10)
    assert read_regular(f, max_bytes=10) == b"x" * 10
    assert read_regular(f) == b"x" * 10
    with pytest.raises(UnreadableFileError, match=r"f.csv: is 10 bytes, too large for a "
                                                  r"plan \(at most 9 bytes\)"):
        read_regular(f, what="a plan", max_bytes=9)


def test_a_plan_larger_than_any_plan_is_refused_unread(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.truncate(MAX_PLAN_BYTES + 1)  # sparse: nothing on the disk
    r = runner.invoke(app, ["show", str(big)])
    _runner_error(r, "big.csv: is 10 MB, too large for a plan CSV (at most 10 MB)")


# --- dates out of the calendar -----------------------------------------------------------------

@pytest.mark.parametrize(("today", "said"), [
    ("9999-12-31", "--today: 9999-12-31 is outside the days a block can start on; expected "
                   "a date from 1970-01-01 to "),
    ("1969-12-31", "--today: 1969-12-31 is outside"),
    ("notadate", "--today: got 'notadate'; expected a date like 2026-01-05"),
])
def test_next_block_today_out_of_range(files, tmp_path, today, said):
    r = runner.invoke(app, ["next-block", str(files["plan"]), str(files["log"]),
                            "-o", str(tmp_path / "n.csv"), "--today", today])
    _runner_error(r, said)
    assert not (tmp_path / "n.csv").exists()


def test_next_block_9999_as_a_process(files, tmp_path):
    done, took = _run("next-block", str(files["plan"]), str(files["log"]), "-o",
                      str(tmp_path / "n.csv"), "--today", "9999-12-31", cwd=tmp_path)
    _process_error(done, "--today: 9999-12-31 is outside")
    assert took < LIMIT_S


def test_next_block_today_in_range_still_works(files, tmp_path):
    r = runner.invoke(app, ["next-block", str(files["plan"]), str(files["log"]),
                            "-o", str(tmp_path / "n.csv"), "--today", "2027-03-01"])
    assert r.exit_code == 0, r.output
    assert read_plan(tmp_path / "n.csv").table["date"].min() >= pd.Timestamp("2027-03-01")


@pytest.mark.parametrize(("as_of", "said"), [
    ("notadate", "--as-of: got 'notadate'; expected a date like 2026-01-05"),
    ("9999-12-31", "--as-of: 9999-12-31 is outside the dates a plan can hold; expected a "
                   "date from 1970-01-01 to 2199-12-31"),
    ("2026-02-30", "--as-of: got '2026-02-30'"),
])
def test_cohort_as_of(files, as_of, said):
    _runner_error(runner.invoke(app, ["cohort", str(files["store"]), "--as-of", as_of]), said)


def test_cohort_as_of_a_real_day_still_works(files):
    r = runner.invoke(app, ["cohort", str(files["store"]), "--as-of", "2026-02-01"])
    assert r.exit_code == 0, r.output
    assert "ann" in r.stdout


# --- outputs that cannot be written: said before the work --------------------------------------

@pytest.mark.parametrize(("command", "output", "said"), [
    ("log-template", "{root}", "is a folder; give the name of a file to write"),
    ("log-template", "/dev/null", "is not a regular file (a device, pipe or socket)"),
    ("next-block", "{root}", "is a folder"),
    ("next-block", "{fifo}", "is not a regular file"),
    ("cohort", "{fifo}", "is not a regular file"),
])
def test_an_output_that_cannot_be_written_is_said_first(files, command, output, said):
    output = output.format(**files)
    args = {"log-template": [str(files["plan"])],
            "next-block": [str(files["plan"]), str(files["log"])],
            "cohort": [str(files["store"])]}[command]
    r = runner.invoke(app, [command, *args, "-o", output, "--force"])
    _runner_error(r, f"-o/--output: {output}: {said}")
    assert r.stdout == ""  # nothing was computed and printed before the message


def test_next_block_writes_neither_file_when_the_calendar_cannot_be(files, tmp_path):
    r = runner.invoke(app, ["next-block", str(files["plan"]), str(files["log"]),
                            "-o", str(tmp_path / "n.csv"), "--ics", str(tmp_path)])
    _runner_error(r, f"--ics: {tmp_path}: is a folder")
    assert not (tmp_path / "n.csv").exists()


# --- the scheduler and its TLS files -----------------------------------------------------------

@pytest.mark.parametrize(("args", "said"), [
    (["--scheduler", "notanaddress"], "--scheduler: got 'notanaddress'; expected an address "
                                      "like tcp://host:8786 or tls://host:8786"),
    (["--scheduler", "http://host:8786"], "--scheduler: got 'http://host:8786'"),
    (["--scheduler", "tcp://host:99999"], "--scheduler: got"),
    (["--scheduler", "tcp://host"], "--scheduler: got"),
    (["--scheduler", "tcp://a b:8786"], "--scheduler: got"),
    (["--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", "/does/not/exist"],
     "--tls-ca-file: /does/not/exist: no such file"),
    (["--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", "{fifo}", "--tls-cert", "{plan}"],
     "--tls-ca-file: {fifo}: is a named pipe (FIFO), not a PEM file"),
    (["--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", "{plan}", "--tls-cert", "{plan}"],
     "--tls-ca-file: {plan}: not a CA certificate in PEM form"),
    (["--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", "{plan}"],
     "TLS needs --tls-cert"),
    (["--tls-ca-file", "{plan}"], "--tls-ca-file: only used with a tls:// scheduler"),
    (["--scheduler", "tcp://127.0.0.1:1", "--tls-cert", "{plan}"],
     "does not encrypt (use its tls:// address)"),
])
def test_scheduler_and_tls_options_are_checked_before_connecting(files, args, said):
    args = [a.format(**files) for a in args]
    start = time.monotonic()
    r = runner.invoke(app, ["cohort", str(files["store"]), *args])
    _runner_error(r, said.format(**files))
    assert time.monotonic() - start < 5


def test_tls_with_a_key_that_is_not_the_certificates(files, tmp_path):
    pytest.importorskip("cryptography")
    from tests.clinic.test_cohort_dask import _certificates

    ca, cert, _ = _certificates(tmp_path)
    r = runner.invoke(app, ["cohort", str(files["store"]), "--scheduler", "tls://127.0.0.1:1",
                            "--tls-ca-file", str(ca), "--tls-cert", str(cert),
                            "--tls-key", str(ca)])
    _runner_error(r, "--tls-cert/--tls-key:", "not a certificate and its private key")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_scheduler_at_the_address_is_said_within_seconds(files):
    port = _free_port()  # nothing listens there now
    done, took = _run("cohort", str(files["store"]), "--scheduler", f"tcp://127.0.0.1:{port}",
                      cwd=files["root"])
    _process_error(done, f"--scheduler: no Dask scheduler answered at tcp://127.0.0.1:{port} "
                         f"within {CONNECT_TIMEOUT_S:g} s")
    assert took < 2 * CONNECT_TIMEOUT_S + 10


def test_something_that_is_not_a_scheduler_is_said(files):
    """A server that answers with HTTP: Dask reads its bytes as a frame length and tries to
    allocate exabytes (MemoryError); that is one line too."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)

    threading.Thread(target=answer, daemon=True).start()
    try:
        done, took = _run("cohort", str(files["store"]), "--scheduler",
                          f"tcp://127.0.0.1:{port}", cwd=files["root"])
    finally:
        server.close()
    _process_error(done, f"something answered at tcp://127.0.0.1:{port}, but not a Dask "
                         "scheduler")
    assert took < 2 * CONNECT_TIMEOUT_S + 10
