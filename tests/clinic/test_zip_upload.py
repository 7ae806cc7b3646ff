"""A roster zip uploaded to the coach's page, made hostile in every way a zip can be: sizes its
records understate, a zip bomb, too many entries, encryption, compression the page does not
read, a zip cut short, a wrong CRC, paths leaving the folder, a symbolic link, a file where a
folder is. Each is one clear message naming the upload and the entry; memory and disk stay
within the limits while it is read; no temporary folder is left behind; a good zip still
opens."""

from __future__ import annotations

import io
import os
import stat
import struct
import tempfile
import tracemalloc
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

import planner.clinic.coach_page as page
from planner.clinic.coach_page import (
    MAX_ZIP_RATIO,
    ZIP_BLOCK,
    CoachApp,
    RosterZipError,
    unpack_roster,
)
from tests.paths import ROOT

DEMO = ROOT / "data" / "roster"
MB = 1 << 20


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a name written twice
        with zipfile.ZipFile(buf, "w", method) as z:
            for name, data in entries.items() if isinstance(entries, dict) else entries:
                z.writestr(name, data)
    return buf.getvalue()


def _zeros_zip(name: str, size: int) -> bytes:
    """A zip of one entry of ``size`` zero bytes, written in blocks (never whole in memory)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, z.open(name, "w") as w:
        block = bytes(MB)
        for _ in range(size // MB):
            w.write(block)
    return buf.getvalue()


def _patch(data: bytes, member: str, **fields: int) -> bytes:
    """``data`` with the fields of ``member`` changed in its local header and in the zip's
    list of entries (the central directory): crc, csize, usize, flags, method."""
    local = {"flags": (6, "H"), "method": (8, "H"), "crc": (14, "L"), "csize": (18, "L"),
             "usize": (22, "L")}
    central = {"flags": (8, "H"), "method": (10, "H"), "crc": (16, "L"), "csize": (20, "L"),
               "usize": (24, "L")}
    out = bytearray(data)
    at = zipfile.ZipFile(io.BytesIO(data)).getinfo(member).header_offset
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        n = struct.unpack_from("<H", data, cd + 28)[0]
        if data[cd + 46:cd + 46 + n] == member.encode():
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    assert cd >= 0
    for key, value in fields.items():
        struct.pack_into("<" + local[key][1], out, at + local[key][0], value)
        struct.pack_into("<" + central[key][1], out, cd + central[key][0], value)
    return bytes(out)


def _refused(data: bytes, tmp_path: Path, *words: str, name: str = "clinic.zip") -> str:
    """Unpack ``data``; it must be refused with a RosterZipError (a ValueError) naming the
    upload and ``words``, and leave no folder behind."""
    target = tmp_path / "unpacked"
    with pytest.raises(ValueError) as err:
        unpack_roster(name, data, target)
    assert isinstance(err.value, RosterZipError)
    message = str(err.value)
    assert message.startswith(name), message
    for w in words:
        assert w in message, message
    assert "\n" not in message
    assert not target.exists()  # made by this call: removed again
    return message


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile's folder, for this test alone: the page's temporary folders are counted in
    it, undisturbed by anything else on the machine."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


def _left(folder: Path, kind: str = "planner-roster-") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(kind))


def _good_zip(top: str = "clinic") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(DEMO.rglob("*")):
            if p.is_file():
                z.write(p, f"{top}/{p.relative_to(DEMO)}")
    return buf.getvalue()


# --- sizes, counts and ratios: counted on what is there --------------------------------------

def test_a_size_the_records_understate_is_caught_as_it_inflates(tmp_path):
    """32 MB of zeros whose records say 1,000 bytes, with the CRC of those 1,000 bytes: the
    reader that trusted the records inflated it whole (2.1 GB for a bigger one) and kept it.
    Now it stops within one block past the record's size, in bounded memory."""
    real = _zeros_zip("roster/ann/log.csv", 32 * MB)
    data = _patch(real, "roster/ann/log.csv", usize=1000, crc=zlib.crc32(bytes(1000)))
    tracemalloc.start()
    try:
        message = _refused(data, tmp_path, "'roster/ann/log.csv'", "damaged",
                           "more than the 1,000 bytes its record says")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB, f"peak {peak:,} bytes"
    assert "zip the roster folder again" in message


def test_a_zip_bomb_is_stopped_by_its_ratio_in_bounded_memory(tmp_path):
    data = _zeros_zip("roster/ann/log.csv", 48 * MB)
    assert 48 * MB / len(data) > 500  # deflate packs zeros about 1,000 times
    tracemalloc.start()
    try:
        _refused(data, tmp_path, "'roster/ann/log.csv'",
                 f"inflates more than {MAX_ZIP_RATIO} times its packed size")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB, f"peak {peak:,} bytes"


def test_the_total_is_counted_as_written_and_never_passes_the_limit(tmp_path, monkeypatch):
    """Three entries of 600 kB that do not pack (so no ratio stops them) under a limit of
    1 MB: the second is stopped, and the bytes on disk never pass the limit."""
    monkeypatch.setattr(page, "MAX_ZIP_BYTES", MB)
    entries = {f"roster/a{i}/log.csv": os.urandom(600_000) for i in range(3)}
    data = _zip(entries)
    target = tmp_path / "given"
    target.mkdir()  # a folder the caller made stays (with what was written, for the count)
    with pytest.raises(RosterZipError, match=r"unpacks to more than 1 MB \(stopped in "
                                             r"'roster/a1/log.csv'\)"):
        unpack_roster("clinic.zip", data, target)
    written = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    assert 600_000 <= written <= MB, written
    assert ZIP_BLOCK < MB


def test_too_many_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "MAX_ZIP_MEMBERS", 50)
    data = _zip({f"roster/a{i}/log.csv": b"x" for i in range(51)})
    _refused(data, tmp_path, "lists more entries than a roster zip may hold",
             "at most 50 files and folders")
    # The end record says 1 entry: the entries are counted, not taken from it.
    at = data.rfind(b"PK\x05\x06")
    lying = bytearray(data)
    struct.pack_into("<HH", lying, at + 8, 1, 1)
    _refused(bytes(lying), tmp_path, "holds 51 entries", "at most 50")


def test_a_list_of_entries_too_long_to_open_is_refused_before_zipfile_reads_it(tmp_path,
                                                                              monkeypatch):
    data = bytearray(_zip({"roster/a/log.csv": b"x"}))
    struct.pack_into("<L", data, data.rfind(b"PK\x05\x06") + 12, 200 * MB)  # its size

    def never(*args, **kwargs):
        raise AssertionError("zipfile was asked to open it")

    monkeypatch.setattr(page.zipfile, "ZipFile", never)
    _refused(bytes(data), tmp_path, "lists more entries than a roster zip may hold")


# --- what an entry is --------------------------------------------------------------------------

def test_an_encrypted_entry(tmp_path):
    data = _zip({"roster/ann/log.csv": b"date,reps\n"})
    data = _patch(data, "roster/ann/log.csv", flags=0x1)
    _refused(data, tmp_path, "'roster/ann/log.csv'", "encrypted", "without a password")


@pytest.mark.parametrize(("method", "said"), [(77, "method 77"), (12, "bzip2"),
                                              (14, "lzma"), (9, "deflate64")])
def test_compression_the_page_does_not_read(tmp_path, method, said):
    data = _patch(_zip({"roster/ann/log.csv": b"date,reps\n" * 50}), "roster/ann/log.csv",
                  method=method)
    _refused(data, tmp_path, "'roster/ann/log.csv'", f"compressed with {said}",
             "usual compression (deflate)")


def test_a_real_bzip2_zip_is_refused_with_its_name(tmp_path):
    data = _zip({"roster/ann/log.csv": b"date,reps\n" * 50}, zipfile.ZIP_BZIP2)
    _refused(data, tmp_path, "compressed with bzip2")


@pytest.mark.parametrize("member", ["../x.csv", "roster/../../x.csv", "/abs/x.csv",
                                    "C:/x.csv", "c:x.csv", "..\\x.csv", "roster\\..\\..\\x"])
def test_paths_leaving_the_folder(tmp_path, member):
    data = _zip({"roster/ann/log.csv": b"date\n", member: b"x"})
    _refused(data, tmp_path, repr(member), "outside the folder")
    assert not (tmp_path / "x.csv").exists() and not Path("/abs/x.csv").exists()


def test_a_symbolic_link_entry(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("roster/ann/log.csv", b"date\n")
        link = zipfile.ZipInfo("roster/ann/plan.csv")
        link.create_system = 3  # unix
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    _refused(buf.getvalue(), tmp_path, "'roster/ann/plan.csv'", "symbolic link")


def test_a_device_entry(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        fifo = zipfile.ZipInfo("roster/ann/log.csv")
        fifo.create_system = 3
        fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
        z.writestr(fifo, b"")
    _refused(buf.getvalue(), tmp_path, "special file")


# --- damaged zips ------------------------------------------------------------------------------

def test_a_zip_cut_short(tmp_path):
    data = _zip({"roster/ann/log.csv": os.urandom(50_000)})
    _refused(data[: len(data) // 2], tmp_path, "is not a zip file (or a damaged one)")
    # Its list intact, but the entry's packed data said to be shorter than it is.
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("roster/ann/log.csv")
    cut = _patch(data, "roster/ann/log.csv", csize=info.compress_size // 2)
    _refused(cut, tmp_path, "'roster/ann/log.csv' is damaged", "cut short")


def test_a_wrong_crc(tmp_path):
    data = _zip({"roster/ann/log.csv": b"date,reps\n2026-01-05,10\n"})
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("roster/ann/log.csv")
    bad = _patch(data, "roster/ann/log.csv", crc=info.CRC ^ 1)
    _refused(bad, tmp_path, "'roster/ann/log.csv' is damaged", "CRC check sum")
    stored = _zip({"roster/ann/log.csv": b"date,reps\n"}, zipfile.ZIP_STORED)
    info = zipfile.ZipFile(io.BytesIO(stored)).getinfo("roster/ann/log.csv")
    _refused(_patch(stored, "roster/ann/log.csv", crc=info.CRC ^ 1), tmp_path, "CRC")


def test_data_that_is_not_deflate(tmp_path):
    data = bytearray(_zip({"roster/ann/log.csv": os.urandom(5_000)}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("roster/ann/log.csv")
    start = info.header_offset + 30 + len(info.filename)
    data[start:start + 64] = b"\xff" * 64  # not a deflate block
    _refused(bytes(data), tmp_path, "'roster/ann/log.csv' is damaged")


def test_not_a_zip(tmp_path):
    _refused(b"date,reps\n", tmp_path, "is not a zip file", name="log.csv")
    _refused(b"", tmp_path, "is not a zip file", name="empty.zip")


@pytest.mark.parametrize("entries", [
    [("roster/ann", b"a file"), ("roster/ann/log.csv", b"date\n")],  # a file, then a folder
    [("roster/ann/log.csv", b"date\n"), ("roster/ann/log.csv/x", b"y")],
    [("roster/ann/log.csv", b"date\n"), ("roster/ann/log.csv", b"again")],  # twice
    [("roster/ann/log.csv", b"date\n"), ("roster/ann/log.csv/", b"")],  # and a folder
])
def test_a_file_where_a_folder_is_or_twice(tmp_path, entries):
    _refused(_zip(entries), tmp_path, "clashes with another entry")


# --- good zips ---------------------------------------------------------------------------------

def test_a_good_zip_still_opens(tmp_path):
    root = unpack_roster("roster.zip", _good_zip("roster"), tmp_path / "a")
    assert root == (tmp_path / "a" / "roster").resolve()
    for p in DEMO.rglob("*"):
        if p.is_file():
            assert (root / p.relative_to(DEMO)).read_bytes() == p.read_bytes()


def test_stored_zip64_and_mac_zips_open(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("roster/ann/", b"")
        z.writestr("roster/ann/log.csv", b"date,reps\n" * 1000, zipfile.ZIP_STORED)
        with z.open("roster/ben/log.csv", "w", force_zip64=True) as w:
            w.write(b"date,reps\n" * 1000)
        z.writestr("__MACOSX/roster/ann/._log.csv", b"\x00\x05\x16\x07")
        z.writestr("roster/ann/empty.csv", b"")
    root = unpack_roster("mac.zip", buf.getvalue(), tmp_path / "a")
    assert root.name == "roster"
    assert (root / "ann" / "log.csv").read_bytes() == b"date,reps\n" * 1000
    assert (root / "ben" / "log.csv").read_bytes() == b"date,reps\n" * 1000
    assert (root / "ann" / "empty.csv").read_bytes() == b""
    assert not (tmp_path / "a" / "__MACOSX").exists()


def test_a_small_file_may_pack_better_than_the_ratio(tmp_path):
    root = unpack_roster("z.zip", _zip({"roster/ann/log.csv": b"," * 500_000}), tmp_path / "a")
    assert (root / "ann" / "log.csv").stat().st_size == 500_000


# --- on the page -------------------------------------------------------------------------------

def _upload(app: CoachApp, name: str, data: bytes) -> None:
    app._uploaded({"new": ({"name": name, "content": memoryview(data), "size": len(data)},)})


def test_the_page_says_each_problem_and_leaves_no_folder(own_tmp):
    app = CoachApp(unit="kg", search=[])
    hostile = {
        "bomb.zip": (_zeros_zip("roster/ann/log.csv", 8 * MB), "inflates more than"),
        "lying.zip": (_patch(_zeros_zip("roster/ann/log.csv", 8 * MB), "roster/ann/log.csv",
                             usize=10, crc=zlib.crc32(bytes(10))), "record says"),
        "secret.zip": (_patch(_zip({"r/a/log.csv": b"x"}), "r/a/log.csv", flags=1),
                       "encrypted"),
        "odd.zip": (_patch(_zip({"r/a/log.csv": b"x"}), "r/a/log.csv", method=99),
                    "compressed with method 99"),
        "cut.zip": (_good_zip()[:5000], "not a zip file"),
        "crc.zip": (_patch(_zip({"r/a/log.csv": b"x"}), "r/a/log.csv", crc=0), "CRC"),
        "up.zip": (_zip({"r/a/log.csv": b"x", "../up.csv": b"x"}), "outside the folder"),
        "clash.zip": (_zip([("r/a", b"x"), ("r/a/log.csv", b"y")]), "clashes"),
        "<b>x</b>.zip": (b"not a zip", "is not a zip file"),
    }
    for name, (data, said) in hostile.items():
        _upload(app, name, data)
        status = app.status.value
        assert "planner-msg-error" in status and said in status, (name, status)
        assert name.replace("<", "&lt;").replace(">", "&gt;") in status  # named, escaped
        assert _left(own_tmp) == [], name
    assert app.store is None and app.path.value == ""


def test_a_new_upload_replaces_the_last_ones_folder(own_tmp):
    app = CoachApp(unit="kg", search=[])
    _upload(app, "first.zip", _good_zip("first"))
    assert app.path.value.endswith("first") and len(app.table.rows) == 5
    first = _left(own_tmp)
    assert len(first) == 1 and len(_left(own_tmp, "planner-store-")) == 1
    _upload(app, "bad.zip", b"not a zip")  # refused: the roster open stays, and its folder
    assert _left(own_tmp) == first and Path(app.path.value).is_dir()
    _upload(app, "second.zip", _good_zip("second"))
    assert app.path.value.endswith("second") and len(app.table.rows) == 5
    second = _left(own_tmp)
    assert len(second) == 1 and second != first
    assert len(_left(own_tmp, "planner-store-")) == 1  # the first store went with it
    app.open_source(app.store.path)  # the temporary store itself, opened as a store: kept
    assert "planner-msg-ok" in app.status.value and len(app.table.rows) == 5
    assert len(_left(own_tmp, "planner-store-")) == 1
    app.close()
    assert _left(own_tmp) == [] and _left(own_tmp, "planner-store-") == []
