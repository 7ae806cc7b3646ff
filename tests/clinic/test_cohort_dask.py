"""The Dask engine against the embedded one, on a live local cluster: a real ``dask
scheduler`` and two ``dask worker`` processes on 127.0.0.1 (plain TCP, then TLS with
certificates made here)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.clinic.cohort import cohort
from planner.clinic.store import ingest
from tests.clinic.test_cohort import AS_OF, _template, store  # noqa: F401  (the store fixture)
from tests.clinic.test_store import strong_rows, write_strong
from tests.paths import ROOT

pytest.importorskip("distributed")
DASK = Path(sys.executable).parent / "dask"


def _start_cluster(folder: Path, tls: list[str]) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler on a free port of 127.0.0.1 and two single-threaded workers; returns the
    scheduler's address once both workers have joined."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    sched_file = folder / "scheduler.json"
    procs: list[subprocess.Popen] = []

    def start(args: list[str], log: str) -> None:
        with open(folder / log, "w") as err:  # the child keeps its own copy of the handle
            procs.append(subprocess.Popen([str(DASK), *args, *tls], env=env,
                                          stdout=subprocess.DEVNULL, stderr=err))

    start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
           "--scheduler-file", str(sched_file), *(["--protocol", "tls"] if tls else [])],
          "scheduler.log")
    deadline = time.monotonic() + 60
    while not sched_file.exists():
        if time.monotonic() > deadline or procs[0].poll() is not None:
            raise RuntimeError("the dask scheduler did not start: "
                               + (folder / "scheduler.log").read_text()[-2000:])
        time.sleep(0.1)
    time.sleep(0.2)
    address = json.loads(sched_file.read_text())["address"]
    for i in range(2):
        start(["worker", address, "--nthreads", "1", "--no-dashboard", "--memory-limit", "0",
               "--name", f"w{i}"], f"worker{i}.log")
    return address, procs


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _wait_for_workers(address: str, security=None) -> None:
    from distributed import Client

    with Client(address, security=security, timeout=60) as c:
        c.wait_for_workers(2, timeout=60)


@pytest.fixture(scope="module")
def tcp_cluster(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dask-tcp")
    address, procs = _start_cluster(folder, [])
    try:
        _wait_for_workers(address)
        yield address
    finally:
        _stop(procs)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.athletes, b.athletes)
    pd.testing.assert_frame_equal(a.compliance, b.compliance)
    pd.testing.assert_frame_equal(a.pain, b.pain)
    pd.testing.assert_frame_equal(a.weekly_active, b.weekly_active)


def test_dask_engine_equals_the_embedded_engine(store, tcp_cluster):  # noqa: F811
    from distributed import Client

    embedded = cohort(store / "store", as_of=AS_OF)
    distributed = cohort(store / "store", as_of=AS_OF, scheduler=tcp_cluster,
                         chunk_athletes=1)
    assert len(embedded.athletes) == 4
    _same(embedded, distributed)
    with Client(tcp_cluster) as c:  # the chunks ran on the workers, not in this process
        ran = c.run(lambda dask_worker: sum("chunk_rows" in str(e[0])
                                            for e in dask_worker.state.log))
    assert len(ran) == 2 and sum(ran.values()) > 0, ran


def test_dask_engine_equals_the_embedded_engine_after_a_layoff(tcp_cluster, tmp_path):
    """A store of athletes back for 10 days after a 60-day layoff (Strong), lifting steadily
    (Strong, no session RPE) and rating every session (template): the Dask engine's table is
    the embedded one's, and each athlete's ACWR and load basis the single-athlete
    analysis' own (the last row of ``analyse(log).acwr``), none where it has none."""
    roster = tmp_path / "roster"
    back = AS_OF - pd.Timedelta(days=9)  # sessions on 5 of the last 10 days, none in the 60 before
    before = pd.date_range(end=back - pd.Timedelta(days=61), periods=12, freq="3D")
    after = back + pd.to_timedelta([0, 2, 4, 7, 9], "D")
    write_strong(roster / "lay" / "strong.csv",
                 [r for d in [*before, *after] for r in strong_rows(f"{d:%Y-%m-%d}")])
    steady = pd.date_range(end=AS_OF, periods=20, freq="2D")
    write_strong(roster / "steady" / "strong.csv",
                 [r for i, d in enumerate(steady)
                  for r in strong_rows(f"{d:%Y-%m-%d}", load=60.0 + 2.5 * (i % 4))])
    five = planner.generate(planner.PlanConfig(weeks=5, start_date="2025-12-15"))
    (roster / "rated").mkdir()
    five.to_csv(roster / "rated" / "plan.csv")
    _template(five, roster / "rated" / "log.csv", rated="all")
    ingest(roster, tmp_path / "store", unit="kg")
    embedded = cohort(tmp_path / "store", as_of=AS_OF)
    _same(embedded, cohort(tmp_path / "store", as_of=AS_OF, scheduler=tcp_cluster,
                           chunk_athletes=1))
    rows = embedded.athletes.set_index("athlete")
    for athlete, name in (("lay", "strong.csv"), ("steady", "strong.csv"),
                          ("rated", "log.csv")):
        an = planner.analyse(planner.read_log(roster / athlete / name, unit="kg"))
        want, got = an.acwr["rolling_coupled"].iloc[-1], rows.loc[athlete, "acwr"]
        assert (math.isnan(got) and pd.isna(want)) or got == want, (athlete, got, want)
        assert rows.loc[athlete, "load_basis"] == an.load_basis, athlete
    assert math.isnan(rows.loc["lay", "acwr"]) and rows.loc["lay", "days_of_data"] == 10
    assert rows["load_basis"].to_dict() == {"lay": "volume_load_kg", "rated": "srpe_load",
                                            "steady": "volume_load_kg"}


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A self-signed CA and a certificate it signed for 127.0.0.1 (cryptography)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def build(subject, issuer, key, sign_key, ca: bool):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(minutes=5))
             .not_valid_after(now + dt.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            b = b.add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
        return b.sign(sign_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "planner test CA")])
    ca = build(ca_name, ca_name, ca_key, ca_key, True)
    cert = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), ca_name,
                 key, ca_key, False)
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(paths[2], 0o600)
    return paths


def test_tls_cluster_with_certificates(store, tmp_path):  # noqa: F811
    pytest.importorskip("cryptography")
    from distributed import Security

    ca, cert, key = _certificates(tmp_path)
    tls = ["--tls-ca-file", str(ca), "--tls-cert", str(cert), "--tls-key", str(key)]
    address, procs = _start_cluster(tmp_path, tls)
    try:
        assert address.startswith("tls://")
        security = Security(tls_ca_file=str(ca), tls_client_cert=str(cert),
                            tls_client_key=str(key), require_encryption=True)
        _wait_for_workers(address, security)
        embedded = cohort(store / "store", as_of=AS_OF)
        _same(embedded, cohort(store / "store", as_of=AS_OF, scheduler=address,
                               security=security, chunk_athletes=2))
        with pytest.raises(Exception):  # noqa: B017  (no certificate, no connection)
            cohort(store / "store", as_of=AS_OF,
                   scheduler=address.replace("tls://", "tcp://"))
    finally:
        _stop(procs)


def test_cli_cohort_on_the_cluster(store, tcp_cluster, tmp_path):  # noqa: F811
    from typer.testing import CliRunner

    from planner.cli import app

    out = tmp_path / "cohort.csv"
    r = CliRunner().invoke(app, ["cohort", str(store / "store"), "--scheduler", tcp_cluster,
                                 "--as-of", "2026-01-18", "-o", str(out)])
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out)
    embedded = cohort(store / "store", as_of=AS_OF).athletes
    assert table["athlete"].tolist() == embedded["athlete"].tolist()
    assert table["sessions_done"].fillna(-1).tolist() == \
        embedded["sessions_done"].fillna(-1).tolist()
    assert table["pain_status"].tolist() == embedded["pain_status"].tolist()
